"""`briefgen review`, exact: every edit a reviewer made lands where it was made, or is refused by name.

Issue 23's rows, each on a DOCX edited the way Word stores edits (and, for a save with no edits,
re-saved by LibreOffice): edits made with tracking off, edits inside a citation's note, a deletion
that takes a note's mark, fields shown twice, the masthead, register cells, a save that changes
only spaces and quotes. Expected positions and texts are worked out here from the YAML and from
python-docx's reading of the rebuilt file, never by the review code.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import docx as python_docx
import pytest
from click.testing import CliRunner
from conftest import copy_repo_workspace, shared
from lxml import etree
from readers import libreoffice_convert
from test_review_docx import DATE, NS, SCREWS, TALKS, W, WordEditor, q

from briefgen.build import BuildOptions, build
from briefgen.cli import cli

BRIEF = "briefs/japan-russia/brief.yaml"
CHINA = "briefs/japan-russia/blocks/china-restrains-russia.yaml"
NOTE_WORDS = 'Foreign Policy Research Institute, "Japan-Russia Relations After the Russian-Ukrainian War."'
PRESS_LINE = "Press line if asked: Japan keeps every channel open."


@pytest.fixture(scope=shared("module"))
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The default workspace, with a quoted action and a body that repeats a note's words, built for
    the analyst (full text, footnotes) and the policymaker (a recommendations table)."""
    workspace = copy_repo_workspace(tmp_path_factory.mktemp("ws") / "ws")
    screws = workspace / SCREWS
    text = screws.read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if x.startswith("action: "))
    screws.write_text(text.replace(line, f'action: "{line[len("action: ") :]}"'), encoding="utf-8")
    talks = workspace / TALKS
    text = talks.read_text(encoding="utf-8")
    talks.write_text(
        text.replace("engagement that preceded it.\n", f"engagement that preceded it. The source is {NOTE_WORDS}\n"),
        encoding="utf-8",
    )
    out = workspace / "out"
    build(workspace, BuildOptions(audiences=("analyst", "policymaker"), formats=("docx",), out_dir=out))
    return workspace, out / "japan-russia"


@pytest.fixture
def workspace(built, tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(built[0], target)
    return target


def review(ws: Path, *args: str):
    return CliRunner().invoke(cli, ["-w", str(ws), "review", *args])


def line_of(ws: Path, path: str, words: str) -> tuple[int, str]:
    lines = (ws / path).read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines, start=1) if words in line)
    return number, lines[number - 1]


def at(ws: Path, path: str, words: str, inner: str | None = None) -> str:
    """`path:line:col` of `inner` (default `words`) on the line holding `words`."""
    number, line = line_of(ws, path, words)
    return f"{path}:{number}:{line.index(inner or words) + 1}"


def end_of(ws: Path, path: str, words: str) -> str:
    number, line = line_of(ws, path, words)
    return f"{path}:{number}:{len(line) + 1}"


def runs_with(editor: WordEditor, text: str, root=None) -> list[etree._Element]:
    return [t.getparent() for t in (root if root is not None else editor.doc).iter(q("w:t")) if text in (t.text or "")]


def retype(run: etree._Element, old: str, new: str) -> None:
    """Words typed over with tracking off: the run's text simply reads differently."""
    t = run.find("w:t", NS)
    assert old in t.text
    t.text = t.text.replace(old, new, 1)


def tracked_replace(editor: WordEditor, run: etree._Element, old: str, new: str, author: str = "Ann Reviewer") -> None:
    """`old` in `run` deleted and `new` inserted right after it, as Word stores a tracked replacement."""
    t = run.find("w:t", NS)
    before, rest = t.text.split(old, 1)
    pieces = []
    for text in (before, old, rest):
        piece = copy.deepcopy(run)
        piece.find("w:t", NS).text = text
        piece.find("w:t", NS).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        pieces.append(piece)
    for piece in pieces:
        run.addprevious(piece)
    run.getparent().remove(run)
    gone = pieces[1]
    gone.find("w:t", NS).tag = q("w:delText")
    deletion = etree.Element(q("w:del"), {q("w:id"): editor.id(), q("w:author"): author, q("w:date"): DATE})
    gone.addprevious(deletion)
    deletion.append(gone)
    typed = copy.deepcopy(pieces[0])
    typed.find("w:t", NS).text = new
    insertion = etree.Element(q("w:ins"), {q("w:id"): editor.id(), q("w:author"): author, q("w:date"): DATE})
    insertion.append(typed)
    deletion.addnext(insertion)


def tracked_insert(editor: WordEditor, run: etree._Element, after: str, words: str) -> None:
    """`words` inserted with tracking on right after `after` in `run`, as Word stores it."""
    t = run.find("w:t", NS)
    cut = t.text.index(after) + len(after)
    rest = copy.deepcopy(run)
    rest.find("w:t", NS).text = t.text[cut:]
    t.text = t.text[:cut]
    run.addnext(rest)
    typed = copy.deepcopy(run)
    typed.find("w:t", NS).text = words
    typed.find("w:t", NS).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    insertion = etree.Element(q("w:ins"), {q("w:id"): editor.id(), q("w:author"): "Ann Reviewer", q("w:date"): DATE})
    insertion.append(typed)
    run.addnext(insertion)


def untracked_paragraph_after(editor: WordEditor, text: str, words: str) -> None:
    """A paragraph typed after the one holding `text` with tracking off: Enter, then the words."""
    paragraph = runs_with(editor, text)[0].getparent()
    new = etree.fromstring(
        f'<w:p xmlns:w="{W}"><w:pPr><w:pStyle w:val="BodyText"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{words}</w:t></w:r></w:p>'
    )
    paragraph.addnext(new)


def paragraphs_after(docx: Path, first: str, count: int) -> list[str]:
    """The texts python-docx reads in the `count` paragraphs after the one starting `first`."""
    texts = [p.text for p in python_docx.Document(str(docx)).paragraphs]
    index = next(i for i, text in enumerate(texts) if first in text)
    return texts[index + 1 : index + 1 + count]


def rebuild(ws: Path, audience: str) -> Path:
    out = ws / "again"
    build(ws, BuildOptions(audiences=(audience,), formats=("docx",), out_dir=out))
    return out / "japan-russia" / f"japan-russia-{audience}.docx"


# ---------------------------------------------------------------- 1. edits made with tracking off


@pytest.mark.slow
def test_a_paragraph_and_words_typed_without_tracking_are_found_placed_and_applied(built, workspace, tmp_path):
    editor = WordEditor(built[1] / "japan-russia-analyst.docx")
    untracked_paragraph_after(editor, "drew closer in the late 2010s", PRESS_LINE)
    retype(runs_with(editor, "involve offering Moscow economic relief")[0], "offering", "granting")
    edited = editor.save(tmp_path / "untracked.docx")
    allies = "briefs/japan-russia/blocks/early-engagement-strains-allies.yaml"
    new_place = end_of(workspace, CHINA, "watching before Tokyo commits to talks")
    word = at(workspace, allies, "involve offering Moscow", "offering")

    result = review(workspace, str(edited))

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f'{new_place}: change: inserted "{PRESS_LINE}" (made without tracking)' in lines
    assert f'{word}: change: replaced "offering" with "granting" (made without tracking)' in lines
    assert lines[-1] == f"{edited}: 0 comments, 2 changes (2 made without tracking); 2 placed"

    applied = review(workspace, "--apply", str(edited))
    assert applied.exit_code == 0, applied.output
    china = (workspace / CHINA).read_text(encoding="utf-8")
    assert f"commits to talks [@fpri-japan-russia].\n\n  {PRESS_LINE}\n" in china
    rebuilt = rebuild(workspace, "analyst")
    assert paragraphs_after(rebuilt, "Beijing and Moscow drew closer", 1) == [f"(U) {PRESS_LINE}"]
    assert any("would involve granting Moscow" in p.text for p in python_docx.Document(str(rebuilt)).paragraphs)


def test_a_file_only_opened_and_saved_has_no_changes(built, workspace, tmp_path):
    """What Word and LibreOffice change on their own is not an edit: spaces, quotes, soft hyphens."""
    analyst = built[1] / "japan-russia-analyst.docx"
    editor = WordEditor(analyst)
    for t in list(editor.doc.iter(q("w:t")))[::3]:
        text = t.text or ""
        t.text = text.replace("\u2019", "'").replace(" ", "\u00a0", 1).replace("tion", "\u00adtion") + "  "
    normalised = editor.save(tmp_path / "normalised.docx")
    resaved = libreoffice_convert(analyst, tmp_path / "lo", "docx:MS Word 2007 XML", ".docx")
    for docx in (normalised, resaved):
        result = review(workspace, str(docx))
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == [f"{docx}: 0 comments, 0 changes"]


def test_an_untracked_edit_no_block_owns_is_listed_and_apply_exits_1(built, workspace, tmp_path):
    editor = WordEditor(built[1] / "japan-russia-analyst.docx")
    retype(runs_with(editor, "Bibliography")[0], "Bibliography", "Sources")
    edited = editor.save(tmp_path / "heading.docx")
    before = {p: p.read_bytes() for p in (workspace / "briefs").rglob("*.yaml")}

    result = review(workspace, "--apply", str(edited))

    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        f'{edited}: under "Contents": refused: replaced "Bibliography" with "Sources" (made without tracking) '
        "[it is in text no block owns; apply it by hand]",
        f"{edited}: applied 0 changes to 0 files, 1 refused, 0 comments to answer",
    ]
    assert {p: p.read_bytes() for p in (workspace / "briefs").rglob("*.yaml")} == before


# ---------------------------------------------------------------- 2-3. notes


@pytest.mark.parametrize("tracked", [True, False], ids=["tracked", "untracked"])
def test_an_edit_inside_a_citation_note_goes_to_its_citation_never_to_matching_words(
    built, workspace, tmp_path, tracked
):
    """The note's words also stand in the block's body: the edit must not land there."""
    editor = WordEditor(built[1] / "japan-russia-analyst.docx")
    notes = etree.fromstring(editor.parts["word/footnotes.xml"])
    words = "Research Institute, \u201cJapan-Russia"
    note = next(n for n in notes.iter(q("w:footnote")) if words in "".join(n.itertext()))
    run = runs_with(editor, words, notes)[0]
    if tracked:
        tracked_insert(editor, run, "Russian-Ukrainian War", ", \u00b6 7")
    else:
        retype(run, "War.", "War, \u00b6 7.")
    editor.parts["word/footnotes.xml"] = etree.tostring(notes, xml_declaration=True, encoding="UTF-8")
    edited = editor.save(tmp_path / "note.docx")
    number = [n for n in notes.iter(q("w:footnote")) if n.get(q("w:type")) is None].index(note) + 1
    before = (workspace / TALKS).read_bytes()

    result = review(workspace, "--apply", str(edited))

    assert result.exit_code == 1, result.output
    refused = [line for line in result.output.splitlines() if "\u00b6 7" in line]
    assert len(refused) == 1, result.output
    assert f"it is in note {number}, which briefgen writes from the citation [@fpri-japan-russia]" in refused[0]
    assert refused[0].startswith("briefs/japan-russia/blocks/")  # at the citation, never at the body's own words
    assert (workspace / TALKS).read_bytes() == before
    assert NOTE_WORDS in before.decode("utf-8")


def test_a_deletion_that_takes_a_note_mark_is_refused_whole(built, workspace, tmp_path):
    editor = WordEditor(built[1] / "japan-russia-analyst.docx")
    paragraph = runs_with(editor, "which is exactly what Abe was hoping for.")[0].getparent()
    runs = paragraph.findall("w:r", NS)
    mark = next(i for i, r in enumerate(runs) if r.find("w:footnoteReference", NS) is not None)
    after = runs[mark + 1]
    t = after.find("w:t", NS)
    assert t.text.startswith(" China would")
    rest = copy.deepcopy(after)
    t.text, rest.find("w:t", NS).text = " China would", t.text[len(" China would") :]
    after.addnext(rest)
    deletion = etree.Element(q("w:del"), {q("w:id"): editor.id(), q("w:author"): "Ann Reviewer", q("w:date"): DATE})
    runs[mark].addprevious(deletion)
    for r in (runs[mark], after):
        deletion.append(r)
        for text in r.findall("w:t", NS):
            text.tag = q("w:delText")
    edited = editor.save(tmp_path / "mark.docx")
    before = (workspace / CHINA).read_bytes()

    result = review(workspace, "--apply", str(edited))

    assert result.exit_code == 1, result.output
    line = next(x for x in result.output.splitlines() if "China would" in x)
    assert "refused" in line and "it takes away the mark of note" in line
    assert "made from the citation [@fpri-japan-russia]" in line
    assert (workspace / CHINA).read_bytes() == before


# ---------------------------------------------------------------- 4-6. fields shown twice, masthead, cells


def test_a_quoted_field_shown_twice_is_edited_once(built, workspace, tmp_path):
    editor = WordEditor(built[1] / "japan-russia-policymaker.docx")
    table, body = runs_with(editor, "Press partners to tighten sanctions")
    tracked_replace(editor, body, "tighten", "toughen")
    edited = editor.save(tmp_path / "action.docx")

    result = review(workspace, "--apply", str(edited))

    assert result.exit_code == 0, result.output
    assert f'{at(workspace, SCREWS, "action:", "toughen")}: applied: replaced "tighten" with "toughen"' in (
        result.output.splitlines()
    )
    assert line_of(workspace, SCREWS, "action:")[1] == (
        'action: "Press partners to toughen sanctions on Russia a further notch now."'
    )


def test_masthead_fields_map_to_brief_yaml(built, workspace, tmp_path):
    editor = WordEditor(built[1] / "japan-russia-policymaker.docx")
    meta = runs_with(editor, "Version 1.0")[0]
    tracked_replace(editor, meta, "1.0", "1.1")
    retype(runs_with(editor, "Territory, leverage and the China factor")[0], "Territory", "Land")
    edited = editor.save(tmp_path / "masthead.docx")
    version = at(workspace, BRIEF, 'version: "1.0"', "1.0")
    subtitle = at(workspace, BRIEF, "subtitle:", "Territory")

    result = review(workspace, "--apply", str(edited))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        f'{subtitle}: applied: replaced "Territory" with "Land" (made without tracking)',
        f'{version}: applied: replaced "1.0" with "1.1"',
    ]
    text = (workspace / BRIEF).read_text(encoding="utf-8")
    assert 'version: "1.1"\n' in text and "subtitle: Land, leverage and the China factor\n" in text


def test_a_date_on_the_masthead_is_generated_text(built, workspace, tmp_path):
    editor = WordEditor(built[1] / "japan-russia-policymaker.docx")
    tracked_replace(editor, runs_with(editor, "2 May 2022")[0], "2 May", "3 May")
    edited = editor.save(tmp_path / "date.docx")
    result = review(workspace, "--apply", str(edited))
    assert result.exit_code == 1, result.output
    assert 'refused: replaced "2 May" with "3 May"' in result.output
    assert "it is in text briefgen generates" in result.output


def test_register_cells_map_to_their_fields(built, workspace, tmp_path):
    editor = WordEditor(built[1] / "japan-russia-policymaker.docx")
    tracked_replace(editor, runs_with(editor, "Ministry of Foreign Affairs, with allied")[0], "allied", "like-minded")
    high = [r for r in runs_with(editor, "High") if (r.find("w:t", NS).text or "") == "High"][0]
    tracked_replace(editor, high, "High", "Low")
    editor.comment("Now - 6 months", "6 months", "Ann Reviewer", "Too short?")
    edited = editor.save(tmp_path / "cells.docx")
    owner = at(workspace, SCREWS, "owner:", "allied")
    priority = at(workspace, SCREWS, "priority:", "high")
    horizon = at(workspace, SCREWS, "horizon:", "6 months")

    result = review(workspace, "--apply", str(edited))

    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[:3] == [
        f'{horizon}: comment: Ann Reviewer: "Too short?" on "6 months"',
        f'{owner}: applied: replaced "allied" with "like-minded"',
        f'{priority}: refused: replaced "High" with "Low" [\'priority\' is one of low, medium or high; '
        "set it in the YAML by hand; apply it by hand]",
    ]
    assert (
        line_of(workspace, SCREWS, "owner:")[1]
        == "owner: Ministry of Foreign Affairs, with like-minded sanctions partners"
    )


# ---------------------------------------------------------------- the report


def test_json_items_carry_kind_status_and_reason(built, workspace, tmp_path):
    editor = WordEditor(built[1] / "japan-russia-analyst.docx")
    untracked_paragraph_after(editor, "drew closer in the late 2010s", PRESS_LINE)
    editor.delete("the freeze need not be permanent", "over time, ", "Ann Reviewer")
    bold = runs_with(editor, "Possession is Moscow")[0]
    props = bold.find("w:rPr", NS)
    if props is None:
        props = etree.SubElement(bold, q("w:rPr"))
        bold.insert(0, props)
    etree.SubElement(props, q("w:b"))
    change = etree.SubElement(props, q("w:rPrChange"), {q("w:id"): editor.id(), q("w:author"): "Bob Editor"})
    etree.SubElement(change, q("w:rPr"))
    editor.comment("future bargaining power depends", "bargaining power", "Ann Reviewer", "Which kind?")
    edited = editor.save(tmp_path / "mixed.docx")

    data = json.loads(review(workspace, "--json", str(edited)).stdout)["result"]

    kinds = sorted((i["kind"], i["status"], i["reason"][:40]) for i in data["items"])
    assert kinds == [
        ("comment", "placed", ""),
        ("deletion", "placed", ""),
        ("formatting", "refused", "formatting is not carried back: the hous"),
        ("untracked", "placed", ""),
    ]
    assert data["summary"]["untracked"] == 1 and data["summary"]["formatting"] == 1


# ---------------------------------------------------------------- paragraphs as Word tracks them


def test_enter_and_words_typed_with_tracking_make_a_paragraph_where_word_put_it(built, workspace, tmp_path):
    """Word marks the mark of the paragraph where Enter was typed as inserted, not the new one's."""
    editor = WordEditor(built[1] / "japan-russia-analyst.docx")
    paragraph = runs_with(editor, "Once those conditions are met")[0].getparent()
    props = paragraph.find("w:pPr", NS)
    mark = etree.SubElement(props, q("w:rPr"))
    etree.SubElement(mark, q("w:ins"), {q("w:id"): editor.id(), q("w:author"): "Ann Reviewer", q("w:date"): DATE})
    new = etree.fromstring(
        f'<w:p xmlns:w="{W}"><w:pPr><w:pStyle w:val="BodyText"/></w:pPr><w:ins w:id="{editor.id()}" '
        f'w:author="Ann Reviewer" w:date="{DATE}"><w:r><w:t>{PRESS_LINE}</w:t></w:r></w:ins></w:p>'
    )
    paragraph.addnext(new)
    edited = editor.save(tmp_path / "enter.docx")
    channel = "briefs/japan-russia/blocks/preserve-narrow-channel.yaml"
    last = "  launch a new version of Abe's approach from a much stronger position.\n"
    before = (workspace / channel).read_text(encoding="utf-8")
    assert before.count(last) == 1

    result = review(workspace, "--apply", str(edited))

    assert result.exit_code == 0, result.output
    assert f'{end_of(workspace, channel, last.strip())}: applied: inserted "{PRESS_LINE}"' in result.output
    assert (workspace / channel).read_text(encoding="utf-8") == before.replace(last, f"{last}\n  {PRESS_LINE}\n")


@pytest.mark.slow
def test_a_paragraph_deleted_with_its_mark_leaves_the_block(built, workspace, tmp_path):
    editor = WordEditor(built[1] / "japan-russia-analyst.docx")
    paragraph = runs_with(editor, "Spending that much leader-level time")[0].getparent()
    props = paragraph.find("w:pPr", NS)
    mark = etree.SubElement(props, q("w:rPr"))
    etree.SubElement(mark, q("w:del"), {q("w:id"): editor.id(), q("w:author"): "Ann Reviewer", q("w:date"): DATE})
    runs = paragraph.findall("w:r", NS)
    deletion = etree.Element(q("w:del"), {q("w:id"): editor.id(), q("w:author"): "Ann Reviewer", q("w:date"): DATE})
    runs[0].addprevious(deletion)
    for run in runs:
        deletion.append(run)
        for t in run.findall("w:t", NS):
            t.tag = q("w:delText")
    edited = editor.save(tmp_path / "gone.docx")
    approach = "briefs/japan-russia/blocks/new-approach-2012.yaml"
    gone = (
        "\n\n  Spending that much leader-level time signalled that Tokyo treated Russia as\n"
        "  a strategic project rather than a routine diplomatic file."
    )
    before = (workspace / approach).read_text(encoding="utf-8")
    assert before.count(gone) == 1

    result = review(workspace, "--apply", str(edited))

    assert result.exit_code == 0, result.output
    assert (workspace / approach).read_text(encoding="utf-8") == before.replace(gone, "")
    rebuilt = [p.text for p in python_docx.Document(str(rebuild(workspace, "analyst"))).paragraphs]
    assert not any("Spending that much" in text for text in rebuilt)


@pytest.mark.slow
def test_a_block_with_several_edits_gets_every_one(built, workspace, tmp_path):
    """Tracked and untracked, in one paragraph and the next: all land, none reported done while lost."""
    editor = WordEditor(built[1] / "japan-russia-analyst.docx")
    editor.delete("Every unit of attention Tokyo must spend", "underlying ", "Ann Reviewer")
    tracked_replace(editor, runs_with(editor, "Every unit of attention Tokyo must spend")[0], "Every", "Each")
    retype(runs_with(editor, "Abe may also have aimed higher")[0], "aimed higher", "aimed further")
    edited = editor.save(tmp_path / "several.docx")

    result = review(workspace, "--apply", str(edited))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith("applied 3 changes to 1 file, 0 refused, 0 comments to answer")
    motive = (workspace / "briefs/japan-russia/blocks/abe-china-motive.yaml").read_text(encoding="utf-8")
    assert "  Abe may also have aimed further, hoping" in motive
    assert "  The logic still holds. Each unit of attention Tokyo must spend\n" in motive
    rebuilt = [p.text for p in python_docx.Document(str(rebuild(workspace, "analyst"))).paragraphs]
    assert any(t.startswith("(U) The logic still holds. Each unit of attention Tokyo must spend") for t in rebuilt)
    assert any(t.startswith("(U) Abe may also have aimed further, hoping") for t in rebuilt)


def test_a_record_of_the_built_text_that_inflates_past_its_cap_is_damage(built, workspace, tmp_path):
    """A few kilobytes that would inflate to gigabytes: refused at the cap, by name, no traceback."""
    import base64
    import zlib

    editor = WordEditor(built[1] / "japan-russia-analyst.docx")
    custom = etree.fromstring(editor.parts["docProps/custom.xml"])
    for prop in list(custom):
        if prop.get("name", "").startswith("briefgen.text."):
            custom.remove(prop)
    bomb = base64.b64encode(zlib.compress(b"[" + b" " * (64 * 1024 * 1024) + b"]", 9)).decode()
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    for index in range(0, len(bomb), 250):
        prop = etree.SubElement(
            custom,
            "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}property",
            fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}",
            pid=str(1000 + index // 250),
            name=f"briefgen.text.{index // 250 + 1}",
        )
        etree.SubElement(prop, f"{{{vt}}}lpwstr").text = bomb[index : index + 250]
    editor.parts["docProps/custom.xml"] = etree.tostring(custom, xml_declaration=True, encoding="UTF-8")
    edited = editor.save(tmp_path / "bomb.docx")

    result = review(workspace, str(edited))

    assert result.exit_code == 2, result.output
    assert result.output.strip().endswith(
        f"{edited}: the briefgen build record (briefgen.map.*, briefgen.text.*) is damaged; rebuild and review again"
    )


@pytest.mark.slow
def test_a_paragraph_typed_between_two_goes_between_them(built, workspace, tmp_path):
    """After a paragraph that ends with a citation, before the next: a paragraph of its own there."""
    editor = WordEditor(built[1] / "japan-russia-analyst.docx")
    untracked_paragraph_after(editor, "pushed an already cool relationship", PRESS_LINE)
    edited = editor.save(tmp_path / "between.docx")
    before = (workspace / TALKS).read_text(encoding="utf-8")
    end = "  negotiations altogether [@fpri-japan-russia].\n"
    assert before.count(end) == 1

    result = review(workspace, "--apply", str(edited))

    assert result.exit_code == 0, result.output
    assert (workspace / TALKS).read_text(encoding="utf-8") == before.replace(end, f"{end}\n  {PRESS_LINE}\n")
    rebuilt = rebuild(workspace, "analyst")
    assert paragraphs_after(rebuilt, "pushed an already cool relationship", 2)[0] == f"(U) {PRESS_LINE}"
    assert paragraphs_after(rebuilt, "pushed an already cool relationship", 2)[1].startswith("(U) Prime Minister")


def test_a_second_apply_finds_every_change_already_in_the_yaml(built, workspace, tmp_path):
    editor = WordEditor(built[1] / "japan-russia-policymaker.docx")
    tracked_replace(editor, runs_with(editor, "Version 1.0")[0], "1.0", "1.1")
    tracked_replace(editor, runs_with(editor, "Ministry of Foreign Affairs, with allied")[0], "allied", "like-minded")
    retype(runs_with(editor, "Territory, leverage and the China factor")[0], "Territory", "Land")
    edited = editor.save(tmp_path / "twice.docx")
    first = review(workspace, "--apply", str(edited))
    assert first.exit_code == 0, first.output
    written = {p: p.read_bytes() for p in (workspace / "briefs").rglob("*.yaml")}

    again = review(workspace, "--apply", str(edited))

    assert again.exit_code == 0, again.output
    lines = again.output.splitlines()
    assert all(": already in the YAML: replaced " in line for line in lines[:-1]) and len(lines) == 4, lines
    assert lines[-1].endswith("applied 0 changes to 0 files, 0 refused, 3 already in the YAML, 0 comments to answer")
    assert {p: p.read_bytes() for p in (workspace / "briefs").rglob("*.yaml")} == written
    data = json.loads(review(workspace, "--apply", "--json", str(edited)).stdout)["result"]
    assert {(i["status"], i["reason"]) for i in data["items"]} == {("applied", "the YAML reads like this already")}
    assert data["files"] == [] and data["dry_run"] is False


def test_apply_json_says_what_it_wrote_or_would_write(built, workspace, tmp_path):
    editor = WordEditor(built[1] / "japan-russia-analyst.docx")
    editor.delete("the freeze need not be permanent", "over time, ", "Ann Reviewer")
    edited = editor.save(tmp_path / "json.docx")
    before = (workspace / TALKS).read_bytes()

    dry = json.loads(review(workspace, "--apply", "--dry-run", "--json", str(edited)).stdout)["result"]

    assert (workspace / TALKS).read_bytes() == before
    assert dry["dry_run"] is True and [f["path"] for f in dry["files"]] == [TALKS]
    assert "-  that triggered Moscow's walk-out may, over time, hand Tokyo more bargaining\n" in dry["files"][0]["diff"]
    assert [(i["kind"], i["status"]) for i in dry["items"]] == [("deletion", "placed")]
    done = json.loads(review(workspace, "--apply", "--json", str(edited)).stdout)["result"]
    assert [(i["kind"], i["status"], i["reason"]) for i in done["items"]] == [("deletion", "applied", "")]
    assert done["summary"]["applied"] == 1
