"""`briefgen review --apply`: accepted tracked changes land in the YAML, byte for byte where they belong.

The DOCX is edited as Word stores a reviewer's work (see test_review_docx.WordEditor); the expected
YAML is written here with plain string replacement on the original file, never by briefgen's code.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_repo_workspace, shared
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from test_review_docx import (  # noqa: F401
    NS,
    SCREWS,
    TALKS,
    WordEditor,
    built,
    new_paragraph,
    position,
    q,
    reviewed,
    soffice_resave,
)

from briefgen.build import BuildOptions, build
from briefgen.cli import cli
from briefgen.content.literal import invisible_control
from briefgen.content.markdown import parse_markdown, read_many
from briefgen.content.richtext import blocks_text
from briefgen.content.yamlsrc import parse_yaml
from briefgen.diagnostics import Diagnostics
from briefgen.model import Para, Text
from briefgen.review.apply import UNREADABLE, Refused, apply_review, edit_field
from briefgen.review.items import Edit, Review, ReviewItem
from briefgen.review.readback import REPORTED

KURILS = "briefs/japan-russia/blocks/kuril-militarisation.yaml"
ISLANDS = "briefs/japan-russia/blocks/peace-treaty-and-islands.yaml"
ALLIES = "briefs/japan-russia/blocks/early-engagement-strains-allies.yaml"
NEW_WORDS = "A reviewer's new paragraph."
QUOTE, ESCAPED = "'", "\\'"


@pytest.fixture
def workspace(built, tmp_path: Path) -> Path:  # noqa: F811
    target = tmp_path / "ws"
    shutil.copytree(built[0], target)
    return target


def after(place: str, words: str) -> str:
    """`path:line:col` moved past `words` on the same line (where an insertion after them is placed)."""
    path, line, column = place.rsplit(":", 2)
    return f"{path}:{line}:{int(column) + len(words)}"


def run(ws: Path, *args: str):
    return CliRunner().invoke(cli, ["-w", str(ws), "review", *args])


def snapshot(ws: Path) -> dict[str, bytes]:
    return {p.relative_to(ws).as_posix(): p.read_bytes() for p in sorted((ws / "briefs").rglob("*.yaml"))}


def accepted(ws: Path, paragraph: bool = True) -> dict[str, str]:
    """The two block files as a person accepting the tracked changes in Word would leave them
    (`paragraph`: with the reviewer's new paragraph after the body's last, as `reviewed` adds it)."""
    talks = (ws / TALKS).read_text(encoding="utf-8")
    screws = (ws / SCREWS).read_text(encoding="utf-8")
    last = "  Moscow may attempt [@fpri-japan-russia].\n"
    assert talks.count("may, over time, hand") == 1 and screws.count("pursued privately.") == 1
    assert screws.count(last) == 1
    screws = screws.replace("pursued privately.", "pursued privately and patiently.")
    if paragraph:
        screws = screws.replace(last, f"{last}\n  {NEW_WORDS.replace(QUOTE, ESCAPED)}\n")  # the quote as typed
    return {TALKS: talks.replace("may, over time, hand", "may, hand"), SCREWS: screws}


@pytest.mark.slow
def test_apply_writes_the_accepted_changes_and_nothing_else(workspace: Path, built, tmp_path: Path):  # noqa: F811
    edited = reviewed(built[1], tmp_path)
    before, expected = snapshot(workspace), accepted(workspace)
    deleted = position(workspace, TALKS, "that triggered Moscow's walk-out may, over time", "over time")
    path, line, column = position(workspace, SCREWS, "This line should be pursued privately.", "privately").split(":")
    comment = position(workspace, SCREWS, "Japan's future bargaining power", "bargaining power")

    new = new_paragraph(workspace)

    result = run(workspace, "--apply", str(edited))

    assert result.exit_code == 0, result.output  # every change applied
    assert result.output.replace(str(edited), "reviewed.docx").splitlines() == [
        f'{comment}: comment: Ann Reviewer: "Which kind of power?" on "bargaining power"',
        f'{comment}: comment: Bob Editor: "Negotiating leverage." on "bargaining power" (reply to Ann Reviewer)',
        f'{deleted}: applied: deleted "over time,"',
        f'{path}:{line}:{int(column) + len("privately")}: applied: inserted "and patiently"',
        f'{new}: applied: inserted "{NEW_WORDS}"',
        "reviewed.docx: applied 3 changes to 2 files, 0 refused, 2 comments to answer",
    ]
    written = snapshot(workspace)
    assert {name for name in written if written[name] != before[name]} == {TALKS, SCREWS}
    for name, text in expected.items():
        assert written[name].decode("utf-8") == text

    check = CliRunner().invoke(cli, ["-w", str(workspace), "check"])
    assert check.exit_code == 0, check.output
    out = workspace / "rebuilt"
    build(workspace, BuildOptions(audiences=("analyst",), formats=("docx",), out_dir=out))
    text = "\n".join(p.text for p in Document(str(out / "japan-russia" / "japan-russia-analyst.docx")).paragraphs)
    assert "pursued privately and patiently. Openly" in text
    assert "walk-out may, hand Tokyo" in text and "may, over time" not in text
    assert f"Moscow may attempt.\n(FOUO) {NEW_WORDS}" in text  # the block's own portion mark

    again = run(workspace, "--apply", str(edited))  # the blocks changed since the build: nothing more is written
    assert again.exit_code == 0, again.output  # nothing is left to a person: it is all in the YAML already
    assert again.output.replace(str(edited), "reviewed.docx").splitlines()[2:] == [
        f'{deleted}: already in the YAML: deleted "over time,"',
        f'{path}:{line}:{int(column) + len("privately and patiently")}: already in the YAML: inserted "and patiently"',
        f'{new}: already in the YAML: inserted "{NEW_WORDS}"',
        "reviewed.docx: applied 0 changes to 0 files, 0 refused, 3 already in the YAML, 2 comments to answer",
    ]
    assert snapshot(workspace) == written


def test_dry_run_prints_the_exact_yaml_diff_and_writes_nothing(workspace: Path, built, tmp_path: Path):  # noqa: F811
    edited = reviewed(built[1], tmp_path)
    before = snapshot(workspace)
    result = run(workspace, "--apply", "--dry-run", str(edited))
    assert result.exit_code == 0
    assert snapshot(workspace) == before
    lines = result.output.splitlines()
    assert f"--- a/{TALKS}" in lines and f"+++ b/{SCREWS}" in lines
    assert "-  that triggered Moscow's walk-out may, over time, hand Tokyo more bargaining" in lines
    assert "+  that triggered Moscow's walk-out may, hand Tokyo more bargaining" in lines
    assert "+  This line should be pursued privately and patiently. Openly tying Japan's support for" in lines
    assert "+  Moscow may attempt [@fpri-japan-russia]." not in lines
    assert f"+  {NEW_WORDS.replace(QUOTE, ESCAPED)}" in lines
    assert lines[-1].endswith("would apply 3 changes to 2 files, 0 refused, 2 comments to answer")
    usage = run(workspace, "--dry-run", str(edited))
    assert usage.exit_code == 2 and "use both: --apply --dry-run" in usage.output


def test_what_cannot_be_mapped_with_certainty_is_refused_with_its_reason(workspace: Path, built, tmp_path: Path):  # noqa: F811
    editor = WordEditor(built[1])
    # words typed at the end of a clause go before its citation, as the reviewer saw them: applied
    editor.insert_after("can eventually offer", "eventually offer", " in return", "Ann Reviewer")
    # next to emphasis: inside *Hoppō Ryōdo* or after it? Word's run formatting would say; the text cannot
    editor.insert_after("Hoppō Ryōdo", "Ryōdo", " (Japan)", "Legal Adviser")
    editor.delete("Southern Kurils", "Kurils", "Legal Adviser")  # across emphasis: **Southern Kurils**; Japan
    editor.delete("; Japan counts them", "; Japan", "Legal Adviser")
    editor.delete("Turn the screws", "1. ", "Ann Reviewer")  # generated: the recommendation's number
    editor.insert_after("Turn the screws", "Turn the screws", ": now", "Bob Editor")  # YAML would read it otherwise
    edited = editor.save(tmp_path / "refused.docx")
    before = snapshot(workspace)
    offer = position(workspace, SCREWS, "can eventually offer [@", "offer")
    kurils = position(workspace, ISLANDS, "calls them the **Southern Kurils**", "Kurils")
    territories = position(workspace, ISLANDS, "*[Hoppō Ryōdo]{lang=ja-Latn}*", "Ryōdo")
    _, line, column = position(workspace, SCREWS, "title: Turn the screws", "Turn the screws").split(":")

    result = run(workspace, "--apply", str(edited))

    assert result.exit_code == 1
    assert result.output.replace(str(edited), "refused.docx").splitlines() == [
        f'{after(offer, "offer")}: applied: inserted "in return"',
        f'{kurils}: refused: deleted "Kurils; Japan" [it crosses a citation, note, emphasis or link; apply it by hand]',
        f"{after(territories, 'Ryōdo')}: "
        'refused: inserted "(Japan)" [it is next to a citation, note, emphasis or link; apply it by hand]',
        f'{SCREWS}:{line}:{column}: refused: deleted "1." [it is in text briefgen generates, such as a number or '
        "a heading, not in the block's text; apply it by hand]",
        f'{SCREWS}:{line}:{int(column) + len("Turn the screws")}: refused: inserted ": now" [YAML would read the new '
        "text differently: it has a ': ', a ' #', a quote or a backslash; apply it by hand]",
        "refused.docx: applied 1 change to 1 file, 4 refused, 0 comments to answer",
    ]
    written = snapshot(workspace)
    assert {name for name in written if written[name] != before[name]} == {SCREWS}
    assert written[SCREWS].decode("utf-8") == before[SCREWS].decode("utf-8").replace(
        "can eventually offer [@", "can eventually offer in return [@"
    )


@pytest.mark.slow
def test_a_libreoffice_resave_and_libreoffice_own_edits_apply_the_same(workspace: Path, built, tmp_path: Path):  # noqa: F811
    """LibreOffice as a second editor: its re-save of Word's edits, and tracked changes made through its own UNO API."""
    expected = accepted(workspace)
    resaved = soffice_resave(reviewed(built[1], tmp_path), tmp_path / "lo")
    first = run(workspace, "--apply", str(resaved))
    assert first.exit_code == 0 and "applied 3 changes to 2 files, 0 refused" in first.output, first.output
    for name, text in expected.items():
        assert (workspace / name).read_text(encoding="utf-8") == text

    system_python = shutil.which("python3", path="/usr/bin:/usr/local/bin")
    probe = subprocess.run([system_python or "python3", "-c", "import uno"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("LibreOffice's Python bridge (python3-uno) is not installed")
    fresh = tmp_path / "fresh"
    shutil.copytree(built[0], fresh)
    edited = tmp_path / "libreoffice-review.docx"
    subprocess.run(
        [
            system_python,
            str(ROOT / "tests" / "libreoffice_reviewer.py"),
            str(built[1]),
            str(edited),
            str(tmp_path / "p"),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    result = run(fresh, "--apply", str(edited))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith("applied 2 changes to 2 files, 0 refused, 0 comments to answer")
    for name, text in accepted(built[0], paragraph=False).items():
        assert (fresh / name).read_text(encoding="utf-8") == text


def test_changes_in_notes_and_table_cells_apply_to_their_fields(workspace: Path, built, tmp_path: Path):  # noqa: F811
    editor = WordEditor(built[1])
    editor.delete("Washington in advance, presenting", "in advance, ", "Legal Adviser")  # risk register cell
    notes = etree.fromstring(editor.parts["word/footnotes.xml"])
    body, editor.doc = editor.doc, notes
    editor.delete("as the southern end of", "southern ", "Ann Reviewer")  # a note the block wrote
    editor.insert_after("Says Report.”", "Disputed", " Northern", "Bob Editor")  # a note made from a citation
    editor.comment("Says Report.", "Says Report", "Bob Editor", "Check the title.")
    editor.parts["word/footnotes.xml"] = etree.tostring(notes, xml_declaration=True, encoding="UTF-8")
    editor.doc = body
    edited = editor.save(tmp_path / "notes.docx")
    kurils = (workspace / KURILS).read_text(encoding="utf-8")
    allies = (workspace / ALLIES).read_text(encoding="utf-8")
    citation = position(workspace, KURILS, "missile batteries [@", " [@")  # note 25, after [^kurils]
    cell = position(workspace, ALLIES, "Washington in advance", "in advance")
    note = position(workspace, KURILS, "as the southern end", "southern")
    result = run(workspace, "--apply", str(edited))
    assert result.exit_code == 1, result.output
    lines = result.output.replace(str(edited), "notes.docx").splitlines()
    assert lines == [
        f'{citation}: comment: Bob Editor: "Check the title." on "Says Report"',
        f'{cell}: applied: deleted "in advance,"',
        f'{note}: applied: deleted "southern"',
        f'{citation}: refused: inserted "Northern" [it is in note 25, which briefgen writes from the citation '
        "[@fpri-japan-russia; @dominguez2016]; change that citation's locator (such as [@key, p. 7]) or the "
        "reference in the references file; apply it by hand]",
        "notes.docx: applied 2 changes to 2 files, 1 refused, 1 comment to answer",
    ]
    assert (workspace / KURILS).read_text(encoding="utf-8") == kurils.replace("as the southern end", "as the end")
    assert (workspace / ALLIES).read_text(encoding="utf-8") == allies.replace(
        "Washington in advance, presenting", "Washington presenting"
    )


# ---------------------------------------------------------------- edit_field, the property


WORD = re.compile(r"[A-Za-z]{3,}")


def plain_spans(value: str) -> list[tuple[int, int]]:
    """Words of a Markdown value outside any markup: no brackets, braces, stars or @ nearby."""
    spans = []
    for match in WORD.finditer(value):
        start, end = match.span()
        around = value[max(0, start - 25) : end + 25]
        if not re.search(r"[\[\]{}*_`@^<>|\\#!]", around):
            spans.append((start, end))
    return spans


FIELDS = ["body", "summary", "mitigation"]


def test_random_acceptable_edits_are_read_back_exactly_and_touch_no_other_line():
    files = sorted((ROOT / "briefs").rglob("blocks/*.yaml"))
    assert len(files) >= 10
    tried = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        root = parse_yaml(text, path, Diagnostics())
        assert root is not None
        names = FIELDS + [
            f"variants.{audience}.{key}"
            for audience, variant in (root.get("variants").value.items() if root.get("variants") else [])
            for key in ("summary", "body")
            if variant.get(key) is not None
        ]
        for name in names:
            node = root
            for key in name.split("."):
                node = node.get(key) if node is not None else None
            if node is None or not isinstance(node.value, str):
                continue
            value = node.value
            spans = plain_spans(value)
            for seed in range(8):
                rng = random.Random(f"{path.name}:{name}:{seed}")
                picked = sorted(rng.sample(spans, min(len(spans), rng.randint(1, 3))))
                edits, expected = [], value
                for start, end in reversed(picked):
                    kind = rng.choice(["delete", "insert", "replace"])
                    if kind == "delete":  # a word and the space after it, as a reviewer selects it
                        edit = Edit(path, "b", name, value, start, end + (value[end : end + 1] == " "), "")
                    elif kind == "insert":
                        edit = Edit(path, "b", name, value, end, end, " very")
                    else:
                        edit = Edit(path, "b", name, value, start, end, "changed words")
                    edits.append(edit)
                    expected = expected[: edit.start] + edit.new + expected[edit.end :]
                new_text = edit_field(text, path, name, edits)
                reread = parse_yaml(new_text, path, Diagnostics())
                got = reread
                for key in name.split("."):
                    got = got.get(key) if got is not None else None
                assert got is not None and got.value == expected, (path.name, name, seed)
                old_lines, new_lines = text.split("\n"), new_text.split("\n")
                first, last = node.loc.line - 1, text.count("\n", 0, node.span[1])
                assert old_lines[:first] == new_lines[:first]  # every line before the field, comments included
                assert old_lines[last + 1 :] == new_lines[len(new_lines) - (len(old_lines) - last - 1) :]
                top = name.split(".")[0]
                assert {k: v.plain() for k, v in reread.value.items() if k != top} == {
                    k: v.plain() for k, v in root.value.items() if k != top
                }
                tried += 1
    assert tried > 100


def test_edits_yaml_would_read_differently_are_refused(tmp_path: Path):
    path = tmp_path / "block.yaml"
    text = 'title: A plain title\nquoted: "Say \\"no\\""\nbody: |\n  One line.\n'
    root = parse_yaml(text, path, Diagnostics())
    assert root is not None
    with pytest.raises(Refused, match="YAML would read the new text differently"):
        edit_field(text, path, "title", [Edit(path, "b", "title", "A plain title", 7, 7, " # not a comment")])
    with pytest.raises(Refused, match="escapes or quotes briefgen does not edit"):
        edit_field(text, path, "quoted", [Edit(path, "b", "quoted", 'Say "no"', 4, 5, "")])
    markdown = edit_field(text, path, "body", [Edit(path, "b", "body", "One line.\n", 4, 4, "*odd* [link] @x ")])
    assert markdown == 'title: A plain title\nquoted: "Say \\"no\\""\nbody: |\n  One \\*odd\\* \\[link\\] \\@x line.\n'


def test_endnotes_written_as_a_notes_list_belong_to_their_call(workspace: Path, tmp_path: Path):
    """The press brief's notes are a list at the end (as in its PDF): a change there lands in the note's block."""
    build(workspace, BuildOptions(audiences=("press",), formats=("docx",), out_dir=tmp_path / "out"))
    editor = WordEditor(tmp_path / "out" / "japan-russia" / "japan-russia-press.docx")
    editor.delete("as the southern end of", "southern ", "Ann Reviewer")
    editor.comment("Ibid.; Gabriel Dominguez", "Gabriel Dominguez", "Bob Editor", "First mention: full name.")
    edited = editor.save(tmp_path / "press.docx")
    kurils = (workspace / KURILS).read_text(encoding="utf-8")
    note = position(workspace, KURILS, "as the southern end", "southern")
    caption = position(workspace, TALKS, "![From engagement to suspension", " [@fpri-japan-russia; @dominguez2016]")
    result = run(workspace, "--apply", str(edited))
    assert result.exit_code == 0, result.output
    assert result.output.replace(str(edited), "press.docx").splitlines() == [
        f'{caption}: comment: Bob Editor: "First mention: full name." on "Gabriel Dominguez"',
        f'{note}: applied: deleted "southern"',
        "press.docx: applied 1 change to 1 file, 0 refused, 1 comment to answer",
    ]
    assert (workspace / KURILS).read_text(encoding="utf-8") == kurils.replace("as the southern end", "as the end")


def test_the_bottom_line_and_the_recommendations_table_trace_to_their_files(workspace: Path, tmp_path: Path):
    """A summary audience reads the bottom line (brief.yaml) and each recommendation's action in a table cell."""
    build(workspace, BuildOptions(audiences=("policymaker",), formats=("docx",), out_dir=tmp_path / "out"))
    editor = WordEditor(tmp_path / "out" / "japan-russia" / "japan-russia-policymaker.docx")
    editor.delete("preserve a narrow channel for later", "narrow ", "Deputy Director")
    body, editor.doc = editor.doc, next(editor.doc.iter(q("w:tbl")))  # the recommendations table, not the text
    editor.insert_after("Preserve working-level ties", "working-level ties", " and back channels", "Deputy Director")
    editor.doc = body
    edited = editor.save(tmp_path / "policymaker.docx")
    brief, channel = "briefs/japan-russia/brief.yaml", "briefs/japan-russia/blocks/preserve-narrow-channel.yaml"
    before = {name: (workspace / name).read_text(encoding="utf-8") for name in (brief, channel)}
    narrow = position(workspace, brief, "preserve a narrow", "narrow")
    ties = position(workspace, channel, "action: Preserve working-level ties", "ties")
    result = run(workspace, "--apply", str(edited))
    assert result.exit_code == 0, result.output
    assert result.output.replace(str(edited), "policymaker.docx").splitlines() == [
        f'{narrow}: applied: deleted "narrow"',
        f'{after(ties, "ties")}: applied: inserted "and back channels"',
        "policymaker.docx: applied 2 changes to 2 files, 0 refused, 0 comments to answer",
    ]
    # "narrow " ends a line of the folded scalar: the words after it join the line, as the value reads
    assert (workspace / brief).read_text(encoding="utf-8") == before[brief].replace("a narrow\n  channel", "a channel")
    assert (workspace / channel).read_text(encoding="utf-8") == before[channel].replace(
        "Preserve working-level ties", "Preserve working-level ties and back channels"
    )


def _change(path: Path, field: str, source: str, start: int, end: int, new: str, action: str) -> ReviewItem:
    item = ReviewItem("change", action, "Ann Reviewer", "", new or source[start:end], path=path.name, line=1)
    item.edit = Edit(path, "b", field, source, start, end, new)
    return item


def test_line_endings_and_a_byte_order_mark_are_kept(tmp_path: Path):
    """A file saved by Windows Notepad (BOM, CRLF) keeps both; only the changed words move."""
    path = tmp_path / "block.yaml"
    path.write_bytes("\ufeff# note\r\ntitle: Title\r\nbody: |\r\n  One two three.\r\n  Four.\r\n".encode())
    value = "One two three.\nFour.\n"
    review = Review("r.docx", "b", "a", [_change(path, "body", value, 4, 8, "", "deleted")])
    application = apply_review(review)
    assert application.applied == 1 and not application.refused
    assert path.read_bytes() == "\ufeff# note\r\ntitle: Title\r\nbody: |\r\n  One three.\r\n  Four.\r\n".encode()


def test_a_move_is_applied_whole_or_not_at_all(tmp_path: Path):
    """The text moved into a title cannot be written there (a ': '), so it is not taken out of the body either."""
    source, target = tmp_path / "a.yaml", tmp_path / "b.yaml"
    source.write_text("title: A\nbody: |\n  Keep this: moved words here.\n", encoding="utf-8")
    target.write_text("title: Plain title\n", encoding="utf-8")
    body = "Keep this: moved words here.\n"
    start = body.index("this: moved")
    review = Review(
        "r.docx",
        "b",
        "a",
        [
            _change(source, "body", body, start, start + len("this: moved"), "", "moved-from"),
            _change(target, "title", "Plain title", 5, 5, "this: moved", "moved-to"),
        ],
    )
    before = source.read_text(encoding="utf-8"), target.read_text(encoding="utf-8")
    application = apply_review(review)
    assert application.applied == 0
    assert [i.refusal for i in application.refused] == [
        "the other end of this move cannot be applied",
        "YAML would read the new text differently: it has a ': ', a ' #', a quote or a backslash",
    ]
    assert (source.read_text(encoding="utf-8"), target.read_text(encoding="utf-8")) == before


# ---------------------------------------------------------------- inserted words are words, never structure

# A block whose fields stand in the three styles a YAML scalar has: literal, folded and plain. Their
# own punctuation ('-', '.', ':') sits where inserted characters could join it into dashes, an
# ellipsis or a URL's scheme; the body has a paragraph wrapped over two lines.
LITERAL_BLOCK = (
    "title: T\n"
    "body: |\n  Alpha beta-gamma 2022.\n  Wrapped line: here\n\n  Delta U.S. zeta. eta\n"
    "summary: >\n  Folded words-here\n  and there.\n"
    "mitigation: Plain words. more\n"
)
SYNTAX = [
    *["#", "# ", "1.", "1. ", "2) ", "a) ", "(iv) ", "A. ", "#. ", "(@) ", "@. ", "i.", "Table: ", ": ", "~ "],
    *["-", "- ", "+ ", "* ", "> ", ":::", "::: {.callout-note}", "|", "| a | b |", "===", "---", "***", "- [ ] "],
    *["    ", "\t", "\n", "\n\n", "\r\n", "\u2028", "\x85", "\u00a0", "  ", " "],
    *["&copy;", "&#169;", "&amp", "https://x.org/a?b", "www.y.org", "a@b.org", "mailto:a@b.org", "tel:123", "urn:x:y"],
    *["@key", "[@key]", "[-@key]", "[^n]", "^[note]", "{.class}", "{#id}", "[x]{.smallcaps}", "$x$", "$$", "\\("],
    *["<b>", "<!-- c -->", "\\", "\\\n", "~", "~~", "^", "*", "**", "_", "`", "```", "--", "...", "'", '"', "=", ":"],
    *["!", "![x](y)", "[x](y)", "[x]: y", "<https://x.org>", "(", ")", "10:30", "e.g.", "%", "\\*", "x", "word"],
    *["é", "北方", "\u200b", "\U0001f600", "\u05d0"],
]
REVIEWER_TEXT = st.lists(
    st.sampled_from(SYNTAX) | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=3), max_size=8
).map("".join)


def _words(text: str) -> str:
    return " ".join(text.split())


def _places(value: str) -> list[int]:
    """Where Word can put an insertion: any offset of the field but inside a blank line or after its last line."""
    return [i for i in range(len(value.rstrip("\n")) + 1) if not value[i - 1 : i + 1] == "\n\n"]


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_inserted_text_reads_back_as_exactly_the_words_the_reviewer_saw(data, tmp_path_factory):
    """Whatever a reviewer types (Markdown, entities, URLs, line breaks, Unicode), the field reads back as those words.

    Each field `--apply` wrote is read back by the YAML reader and briefgen's own Markdown reader:
    it keeps its paragraphs, each holds nothing but text, and the text is the field's with the
    reviewer's words in it, line breaks read as spaces. A change may only be refused because YAML
    would misread a plain scalar, or because the words look like a citation or a note `check`
    refuses even when escaped; then its file is left as it was.
    """
    folder = tmp_path_factory.mktemp("literal")
    root = parse_yaml(LITERAL_BLOCK, folder / "block.yaml", Diagnostics())
    assert root is not None
    items, cases = [], []
    for number in range(12):
        path = folder / f"block-{number}.yaml"
        path.write_text(LITERAL_BLOCK, encoding="utf-8")
        name = data.draw(st.sampled_from(["body", "summary", "mitigation"]))
        value = root.get(name).value
        at = data.draw(st.sampled_from(_places(value)))
        typed = data.draw(REVIEWER_TEXT)
        items.append(_change(path, name, value, at, at, typed, "inserted"))
        cases.append((path, name, value, value[:at] + typed + value[at:]))
    application = apply_review(Review("r.docx", "b", "a", items))
    applied = {id(i) for change in application.files for i in change.applied}
    written = []
    for item, (path, name, value, words) in zip(items, cases, strict=True):
        text = path.read_text(encoding="utf-8")
        if id(item) not in applied:
            assert (
                item.refusal.startswith(REPORTED.split("{")[0])
                or (name == "mitigation" and item.refusal == UNREADABLE)
                or (any(map(invisible_control, item.text)) and "invisible control character" in item.refusal)
            ), (item.text, item.refusal)
            assert text == LITERAL_BLOCK
            continue
        reread = parse_yaml(text, path, Diagnostics())
        assert reread is not None
        written.append((value, reread.get(name).value, words, item.text))
    read_many([new for _, new, _, _ in written])
    for old, new, words, typed in written:
        before, after = parse_markdown(old, "t"), parse_markdown(new, "t")
        assert not after.problems, (typed, new, after.problems)
        assert [type(b) for b in after.blocks] == [type(b) for b in before.blocks] == [Para] * len(before.blocks)
        assert all(isinstance(i, Text) for b in after.blocks for i in b.inlines), (typed, new, after.blocks)
        assert _words(blocks_text(after.blocks)) == _words(words), (typed, new)


# The insertion: one tracked run whose text holds line breaks and Markdown, as a Word
# reviewer can save it (Word shows it as one line). Every construct in it must stay words.
MARKDOWN_WORDS = (
    "\n\nA new paragraph\n===============\n\n1. First step\n2. Second step\n\n    indented code\n\n"
    'See https://example.org/x &copy; 2024 -- the partners\' "line"... *now* <b>#1</b> $5 @russia-demands-more\n'
)


@pytest.mark.slow
def test_an_insertion_holding_markdown_and_line_breaks_is_written_as_the_words_shown(
    workspace: Path,
    built,  # noqa: F811
    tmp_path: Path,
):
    editor = WordEditor(built[1])
    editor.insert_after("This line should be pursued privately.", "pursued privately.", MARKDOWN_WORDS, "Mallory")
    inserted = editor.doc.find(".//w:ins[@w:author='Mallory']/w:r", NS)
    for tag in ("w:br", "w:cr", "w:tab", "w:t"):  # Word's own line breaks and tab, then more words
        etree.SubElement(inserted, q(tag)).text = "Last words." if tag == "w:t" else None
    edited = editor.save(tmp_path / "edited.docx")
    before = (workspace / SCREWS).read_text(encoding="utf-8")
    _, line, column = position(workspace, SCREWS, "This line should be pursued privately.", "privately.").split(":")
    shown = " ".join(MARKDOWN_WORDS.split()) + " Last words."

    result = run(workspace, "--apply", str(edited))

    assert result.exit_code == 0, result.output
    assert result.output.replace(str(edited), "edited.docx").splitlines() == [
        f'{SCREWS}:{line}:{int(column) + len("privately.")}: applied: inserted "{shown}"',
        "edited.docx: applied 1 change to 1 file, 0 refused, 0 comments to answer",
    ]
    escaped = (
        r"A new paragraph \=\=\=\=\=\=\=\=\=\=\=\=\=\=\= 1. First step 2. Second step indented code See "
        r"https\://example.org/x \&copy; 2024 \-\- the partners\' \"line\"\.\.\. \*now\* \<b\>\#1\</b\> \$5 "
        r"\@russia-demands-more Last words."
    )
    assert (workspace / SCREWS).read_text(encoding="utf-8") == before.replace(
        "pursued privately. Openly", f"pursued privately. {escaped} Openly"
    )
    out = tmp_path / "rebuilt"
    build(workspace, BuildOptions(audiences=("analyst",), formats=("docx",), out_dir=out))
    document = Document(str(out / "japan-russia" / "japan-russia-analyst.docx"))
    paragraphs = [p for p in document.paragraphs if "pursued privately" in p.text]
    assert len(paragraphs) == 1
    assert paragraphs[0].text == (
        f"(FOUO) This line should be pursued privately. {shown} Openly tying Japan’s support for sanctions to its "
        "territorial aims would invite the very wedge-driving that Moscow may attempt."
    )
    assert not any(p.text.strip() in ("A new paragraph", "First step", "indented code") for p in document.paragraphs)
    xml = etree.tostring(document.element).decode()
    assert "example.org" not in "".join(r.target_ref for r in document.part.rels.values() if r.is_external)
    assert "©" not in xml and "w:hyperlink" not in xml.split("pursued privately")[1].split("Openly tying")[0]


@pytest.mark.slow
def test_words_that_look_like_syntax_check_refuses_are_written_escaped_and_read_back_as_words(
    workspace: Path,
    built,  # noqa: F811
    tmp_path: Path,
):
    """A callout fence, a citation, a note call, attributes and a table rule typed as words stay words."""
    typed = "\n\n::: callout\nBoxed advice\n:::\n see [@ottawa1996] and [^1] {.smallcaps} | --- |"
    editor = WordEditor(built[1])
    editor.insert_after("This line should be pursued privately.", "pursued privately.", typed, "Mallory")
    edited = editor.save(tmp_path / "edited.docx")
    _, line, column = position(workspace, SCREWS, "This line should be pursued privately.", "privately.").split(":")
    shown = " ".join(typed.split())

    result = run(workspace, "--apply", str(edited))

    assert result.exit_code == 0, result.output
    assert result.output.replace(str(edited), "edited.docx").splitlines() == [
        f'{SCREWS}:{line}:{int(column) + len("privately.")}: applied: inserted "{shown}"',
        "edited.docx: applied 1 change to 1 file, 0 refused, 0 comments to answer",
    ]
    check = CliRunner().invoke(cli, ["-w", str(workspace), "check"])
    assert "error" not in check.output, check.output
    out = tmp_path / "rebuilt"
    build(workspace, BuildOptions(audiences=("analyst",), formats=("docx",), out_dir=out))
    document = Document(str(out / "japan-russia" / "japan-russia-analyst.docx"))
    paragraphs = [p.text for p in document.paragraphs if "pursued privately" in p.text]
    assert len(paragraphs) == 1 and f"pursued privately. {shown} Openly" in paragraphs[0], paragraphs


# ---------------------------------------------------------------- hidden text


HIDDEN_STYLES = (
    '<w:style w:type="character" w:styleId="HiddenBase"><w:name w:val="Hidden base"/>'
    '<w:rPr><w:vanish/></w:rPr></w:style><w:style w:type="character" w:styleId="Aside"><w:name w:val="Aside"/>'
    '<w:basedOn w:val="HiddenBase"/><w:rPr><w:i/></w:rPr></w:style></w:styles>'
)


@pytest.mark.parametrize("hiding", ["vanish", "webHidden", "style"])
def test_hidden_inserted_text_is_refused_as_hidden(workspace: Path, built, tmp_path: Path, hiding: str):  # noqa: F811
    """Words formatted as hidden (directly, for web view, or by a style based on a hidden one) were never seen."""
    editor = WordEditor(built[1])
    editor.insert_after("This line should be pursued privately.", "pursued privately", " and secretly", "Mallory")
    run_el = editor.doc.find(".//w:ins[@w:author='Mallory']/w:r", NS)
    props = run_el.find("w:rPr", NS)
    if props is None:
        props = etree.Element(q("w:rPr"))
        run_el.insert(0, props)
    if hiding == "style":
        props.insert(0, etree.Element(q("w:rStyle"), {q("w:val"): "Aside"}))
        styles = editor.parts["word/styles.xml"].decode("utf-8")
        editor.parts["word/styles.xml"] = styles.replace("</w:styles>", HIDDEN_STYLES).encode("utf-8")
    else:
        props.append(etree.Element(q(f"w:{hiding}")))
    edited = editor.save(tmp_path / "hidden.docx")
    before = snapshot(workspace)
    _, line, column = position(workspace, SCREWS, "This line should be pursued privately.", "privately").split(":")
    result = run(workspace, "--apply", str(edited))
    assert result.exit_code == 1, result.output
    assert result.output.replace(str(edited), "hidden.docx").splitlines() == [
        f'{SCREWS}:{line}:{int(column) + len("privately")}: refused: inserted "and secretly" '
        "[it is hidden text, which Word does not show; apply it by hand]",
        "hidden.docx: applied 0 changes to 0 files, 1 refused, 0 comments to answer",
    ]
    assert snapshot(workspace) == before


@pytest.mark.parametrize("control", ["\u009b", "\u007f", "\u202e", "\u2067"])
def test_an_inserted_control_character_is_refused_by_name_and_never_reaches_the_terminal(
    workspace: Path,
    built,  # noqa: F811
    tmp_path: Path,
    control: str,
):
    """U+009B alone starts a terminal escape sequence: the report shows it as <U+009B> and writes nothing."""
    editor = WordEditor(built[1])
    editor.insert_after("This line should be pursued privately.", "pursued privately", f" C1{control}2Jx", "Mallory")
    edited = editor.save(tmp_path / "control.docx")
    before = snapshot(workspace)
    _, line, column = position(workspace, SCREWS, "This line should be pursued privately.", "privately").split(":")
    code = f"U+{ord(control):04X}"
    review = run(workspace, str(edited))
    applied = run(workspace, "--apply", str(edited))
    assert control not in review.output and control not in applied.output
    assert f'inserted "C1<{code}>2Jx"' in review.output, review.output
    assert applied.exit_code == 1, applied.output
    assert applied.output.replace(str(edited), "control.docx").splitlines() == [
        f'{SCREWS}:{line}:{int(column) + len("privately")}: refused: inserted "C1<{code}>2Jx" '
        f"[it holds the invisible control character {code}, which no document format can hold; "
        "type the words again without it; apply it by hand]",
        "control.docx: applied 0 changes to 0 files, 1 refused, 0 comments to answer",
    ]
    assert snapshot(workspace) == before


# ---------------------------------------------------------------- one field, two renderings


@pytest.fixture(scope=shared("module"))
def summary_built(tmp_path_factory) -> tuple[Path, Path]:
    """The default workspace and its policymaker DOCX: each action both in the recommendations table and its line."""
    ws = copy_repo_workspace(tmp_path_factory.mktemp("summary") / "ws")
    build(ws, BuildOptions(audiences=("policymaker",), formats=("docx",), out_dir=ws / "out"))
    return ws, ws / "out" / "japan-russia" / "japan-russia-policymaker.docx"


def _action_edited_twice(docx: Path, in_table: str, in_line: str, out: Path) -> Path:
    """The policymaker DOCX with words inserted after "Press partners" in the table's cell and in the action line."""
    editor = WordEditor(docx)
    body, editor.doc = editor.doc, next(editor.doc.iter(q("w:tbl")))
    editor.insert_after("Press partners to tighten", "Press partners", in_table, "Deputy Director")
    editor.doc = body  # the table's run is split now: the action line's is the only one left whole
    editor.insert_after("Press partners to tighten", "Press partners", in_line, "Deputy Director")
    editor.delete("preserve a narrow channel for later", "narrow ", "Deputy Director")  # another field
    return editor.save(out / "policymaker.docx")


def _summary_workspace(summary_built, tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(summary_built[0], target)
    return target


BOTH = 'in the "Recommended action" column of a table and under "1. Turn the screws"'
BRIEF = "briefs/japan-russia/brief.yaml"


def test_the_same_change_in_two_renderings_of_a_field_is_applied_once(summary_built, tmp_path: Path):
    ws = _summary_workspace(summary_built, tmp_path)
    edited = _action_edited_twice(summary_built[1], " quietly", " quietly", tmp_path)
    before = (ws / SCREWS).read_text(encoding="utf-8")
    press = after(position(ws, SCREWS, "action: Press partners", "Press partners"), "Press partners")
    narrow = position(ws, BRIEF, "preserve a narrow", "narrow")
    result = run(ws, "--apply", str(edited))
    assert result.exit_code == 0, result.output
    assert result.output.replace(str(edited), "policymaker.docx").splitlines() == [
        f'{narrow}: applied: deleted "narrow"',
        f'{press}: applied: inserted "quietly" (the same change {BOTH})',
        "policymaker.docx: applied 2 changes to 2 files, 0 refused, 0 comments to answer",
    ]
    assert (ws / SCREWS).read_text(encoding="utf-8") == before.replace(
        "action: Press partners to", "action: Press partners quietly to"
    )


def test_different_changes_in_two_renderings_of_a_field_are_a_conflict(summary_built, tmp_path: Path):
    ws = _summary_workspace(summary_built, tmp_path)
    edited = _action_edited_twice(summary_built[1], " quietly", " firmly", tmp_path)
    before = (ws / SCREWS).read_bytes()
    brief = (ws / BRIEF).read_text(encoding="utf-8")
    press = after(position(ws, SCREWS, "action: Press partners", "Press partners"), "Press partners")
    narrow = position(ws, BRIEF, "preserve a narrow", "narrow")
    result = run(ws, "--apply", str(edited))
    assert result.exit_code == 1, result.output
    conflict = f"[the action is changed differently {BOTH}; apply it by hand]"
    assert result.output.replace(str(edited), "policymaker.docx").splitlines() == [
        f'{narrow}: applied: deleted "narrow"',
        f'{press}: refused: inserted "quietly" {conflict}',
        f'{press}: refused: inserted "firmly" {conflict}',
        "policymaker.docx: applied 1 change to 1 file, 2 refused, 0 comments to answer",
    ]
    assert (ws / SCREWS).read_bytes() == before  # nothing for that field
    assert (ws / BRIEF).read_text(encoding="utf-8") == brief.replace("a narrow\n  channel", "a channel")


def test_words_after_a_backslash_of_the_field_are_refused(tmp_path: Path):
    r"""`A\ b` is A, a no-break space, b: a word typed after the backslash would change what it escapes."""
    path = tmp_path / "block.yaml"
    text = "title: T\nbody: |\n  A\\ b\n"
    with pytest.raises(Refused, match="^it follows a backslash, which would change what the backslash escapes$"):
        edit_field(text, path, "body", [Edit(path, "b", "body", "A\\ b\n", 2, 2, "x")])
    assert edit_field(text, path, "body", [Edit(path, "b", "body", "A\\ b\n", 3, 3, "x ")]) == (
        "title: T\nbody: |\n  A\\ x b\n"
    )
