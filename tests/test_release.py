"""`briefgen release`, `releases` and `diff --since`: an issued version recorded, and what changed since.

Each change is made on purpose in a copy of tests/fixtures/minimal (a sentence edited, a block
removed, one added, one moved to another section, a citation added), so the expected report is
the edit itself. The records are read back with PyYAML, not with the code that wrote them.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import copy_fixture
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.cli import cli
from briefgen.commands.release import dump, release
from briefgen.document.changes import compare

BLOCKS = Path("briefs/demo/blocks")


def run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["-w", str(root), *args])


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = copy_fixture("minimal", tmp_path)
    (root / BLOCKS / "draft-note.yaml").unlink()  # a block in draft would stop the release (tested below)
    return root


def _release_folder(root: Path, version: str = "2") -> Path:
    return root / "briefs" / "demo" / "releases" / version


def test_a_release_records_what_each_audience_read(workspace: Path):
    result = run(workspace, "release", "--note", "Sent to the boss")
    assert result.exit_code == 0, result.output
    assert result.stdout == "demo: released version 2 for boss, reader, public in briefs/demo/releases/2\n"
    folder = _release_folder(workspace)
    assert sorted(p.name for p in folder.iterdir()) == [
        "boss.document.json",  # the document itself, to draw redlines against (tests/test_redline.py)
        "boss.yaml",
        "public.document.json",
        "public.yaml",
        "reader.document.json",
        "reader.yaml",
        "release.yaml",
    ]
    record = yaml.safe_load((folder / "release.yaml").read_text(encoding="utf-8"))
    assert {k: record[k] for k in ("version", "date", "released", "note", "brief", "audiences")} == {
        "version": "2",
        "date": "2022-05-02",  # the date the brief prints
        "released": dt.date.today().isoformat(),
        "note": "Sent to the boss",
        "brief": "demo",
        "audiences": ["boss", "reader", "public"],
    }
    manifest = json.loads((workspace / "dist" / "demo" / "manifest.json").read_text(encoding="utf-8"))
    assert record["outputs"] == {o["path"]: o["sha256"] for o in manifest["outputs"]}
    reader = yaml.safe_load((folder / "reader.yaml").read_text(encoding="utf-8"))
    blocks = [b["id"] for s in reader["sections"] for b in s["blocks"]]
    assert blocks == ["history", "missiles", "risk-high", "risk-mid", "risk-low", "rec-quiet", "rec-open"]
    missiles = next(b for s in reader["sections"] for b in s["blocks"] if b["id"] == "missiles")
    assert missiles["text"] == [{"p": "New missile batteries arrived.[^3] They stayed.[^4] And stayed.[^5]"}]
    assert [n["number"] for n in reader["notes"]][:5] == [1, 2, 3, 4, 5]  # history calls notes 1 and 2
    public = yaml.safe_load((folder / "public.yaml").read_text(encoding="utf-8"))
    assert "risk-high" not in [b["id"] for s in public["sections"] for b in s["blocks"]]  # not in its sections


def test_releasing_the_same_content_again_changes_nothing_and_other_content_is_refused(workspace: Path):
    assert run(workspace, "release").exit_code == 0
    before = {p.name: p.read_bytes() for p in _release_folder(workspace).iterdir()}
    again = run(workspace, "release", "--note", "a second note")
    assert again.exit_code == 0
    assert again.stdout == "demo: version 2 is already released with this content (briefs/demo/releases/2)\n"
    assert {p.name: p.read_bytes() for p in _release_folder(workspace).iterdir()} == before
    block = workspace / BLOCKS / "history.yaml"
    block.write_text(block.read_text(encoding="utf-8").replace("Long history", "A long history"), encoding="utf-8")
    refused = run(workspace, "release")
    assert refused.exit_code == 1
    assert (
        "briefs/demo/brief.yaml:4:1: error: version 2 was already released with other content "
        "(briefs/demo/releases/2); raise version: in brief.yaml to issue the changes as a new version "
        "[release.exists]\n"
        "1 error found; nothing was released.\n"
    ) in refused.stderr
    assert {p.name: p.read_bytes() for p in _release_folder(workspace).iterdir()} == before
    refused = run(workspace, "release", "--version", "2.1")
    assert refused.exit_code == 2
    assert (
        "demo: --version 2.1 differs from version: 2 in brief.yaml, which the issued outputs print; "
        "set version: 2.1 in brief.yaml (then --version is not needed)"
    ) in refused.stderr
    brief = workspace / "briefs" / "demo" / "brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace('version: "2"', 'version: "2.1"'), encoding="utf-8")
    assert run(workspace, "release", "--note", "With a longer history").exit_code == 0
    today = dt.date.today().isoformat()
    assert run(workspace, "releases").stdout == (
        f"2  dated 2022-05-02  released {today}  boss, reader, public\n"
        f"2.1  dated 2022-05-02  released {today}  boss, reader, public  With a longer history\n"
    )


def test_blocks_in_draft_stop_a_release_unless_left_out_on_purpose(tmp_path: Path):
    root = copy_fixture("minimal", tmp_path)
    refused = run(root, "release")
    assert refused.exit_code == 1
    assert (
        "briefs/demo/blocks/draft-note.yaml:4:1: error: 1 block is still in draft or review (draft-note), so "
        "version 2 would go out without them; approve them, or release without them on purpose with "
        "--leave-out-drafts [release.drafts]\n"
        "1 error found; nothing was released.\n"
    ) in refused.stderr
    assert not _release_folder(root).exists()
    done = run(root, "release", "--leave-out-drafts")
    assert done.exit_code == 0
    assert done.stdout.endswith("; left out, not approved: draft-note\n")
    assert "Not yet approved" not in (_release_folder(root) / "reader.yaml").read_text(encoding="utf-8")


def test_a_workspace_check_refuses_or_a_bad_version_is_refused(workspace: Path):
    block = workspace / BLOCKS / "history.yaml"
    block.write_text(block.read_text(encoding="utf-8").replace("section: context", "section: nowhere"))
    broken = run(workspace, "release")
    assert broken.exit_code == 1 and broken.stderr.endswith("nothing was released.\n")
    block.write_text(block.read_text(encoding="utf-8").replace("section: nowhere", "section: context"))
    brief = workspace / "briefs" / "demo" / "brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace('version: "2"', 'version: "../1"'), encoding="utf-8")
    bad = run(workspace, "release")
    assert bad.exit_code == 2
    assert "demo: brief.yaml's version '../1' cannot name a folder; use letters, digits, '.', '-' and '_'" in bad.stderr
    unknown = run(workspace, "diff", "--since", "9")
    assert unknown.exit_code == 2
    assert "demo: version '9' was never released; released versions: none yet ('briefgen release' records one)" in (
        unknown.stderr
    )


def test_release_files_are_the_same_bytes_from_two_workspaces(tmp_path: Path):
    shots = []
    for name in ("one", "two"):
        root = copy_fixture("minimal", tmp_path / name)
        release(root, leave_out_drafts=True)
        folder = _release_folder(root)
        shots.append({p.name: p.read_bytes() for p in folder.iterdir()})
    assert shots[0] == shots[1]


def test_diff_since_names_each_change_for_each_audience(workspace: Path):
    assert run(workspace, "release").exit_code == 0
    blocks = workspace / BLOCKS
    history = blocks / "history.yaml"
    history.write_text(history.read_text().replace("Long history of the", "A long and bitter history of the"))
    (blocks / "risk-low.yaml").unlink()
    shutil.copy(blocks / "missiles.yaml", blocks / "missiles-again.yaml")
    missiles = blocks / "missiles.yaml"
    missiles.write_text(missiles.read_text().replace("section: context", "section: recs"))
    mid = blocks / "risk-mid.yaml"
    mid.write_text(mid.read_text().replace("body: ", "body: As reported [@fpri]. ", 1))
    result = run(workspace, "diff", "--since", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    reader = lines[lines.index("  reader:") + 1 : lines.index("  public:")]
    assert reader == [
        "    revised history 'History' in context (+4 -1 words)",
        "    added missiles-again 'Missiles' in context",
        "    revised risk-mid 'Middle risk' in risks (+13 -0 words)",  # "As reported." and its note's words
        "    moved missiles 'Missiles' from context to recs",
        "    removed risk-low 'Small risk' in risks",
    ]
    boss = lines[lines.index("  boss:") + 1 : lines.index("  reader:")]
    assert "    moved missiles 'Missiles' from context to recs" in boss
    public = lines[lines.index("  public:") + 1 :]
    assert "    removed risk-low 'Small risk' in risks" not in public  # the public never had the risks section
    data = json.loads(run(workspace, "diff", "--since", "2", "--json").stdout)["result"]
    assert [a["audience"] for a in data["audiences"]] == ["boss", "reader", "public"]


words = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029"), max_size=40)
items = st.lists(st.one_of(st.builds(lambda t: {"p": t}, words), st.builds(lambda t: {"li": t, "level": 1}, words)))


@settings(max_examples=200, deadline=None, database=None)
@given(st.dictionaries(words, st.one_of(words, items, st.lists(words)), max_size=6))
def test_what_a_release_writes_reads_back_the_same(data):
    """Any text a block holds (quotes, colons, line breaks, right-to-left, CJK) comes back as written."""
    assert yaml.safe_load(dump(data).decode("utf-8")) == data


def _shot(paragraphs: list[str]) -> dict:
    return {
        "masthead": {"title": "T", "marking": ""},
        "bottom_line": [],
        "sections": [
            {"id": "s", "title": "S", "blocks": [{"id": "b", "title": "B", "text": [{"p": p} for p in paragraphs]}]}
        ],
        "notes": [],
    }


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.lists(st.text(st.characters(categories=("L", "N")), min_size=1, max_size=8), min_size=1, max_size=30), st.data()
)
def test_one_word_replaced_is_one_word_in_and_one_out(words_list, data):
    """compare() counts whole words: the same text is no change; one word replaced is +1 -1."""
    text = " ".join(words_list)
    assert not compare(_shot([text]), _shot([text]), "a").changed
    index = data.draw(st.integers(0, len(words_list) - 1))
    changed = list(words_list)
    changed[index] = changed[index] + "x"
    (change,) = compare(_shot([text]), _shot([" ".join(changed)]), "a").blocks
    assert (change.kind, change.inserted, change.deleted) == ("revised", 1, 1)


def test_a_release_leaves_the_outputs_up_to_date(workspace: Path):
    """The records of issued versions are not inputs of a build: releasing rebuilds nothing."""
    from briefgen.build import BuildOptions, build  # noqa: PLC0415

    assert run(workspace, "release").exit_code == 0
    again = build(workspace, BuildOptions(brief="demo", all_audiences=True))
    assert again.outputs == [] and len(again.up_to_date) == 6


def test_a_block_moved_and_reworded_and_a_section_an_audience_no_longer_gets(workspace: Path):
    assert run(workspace, "release").exit_code == 0
    blocks = workspace / BLOCKS
    history = blocks / "history.yaml"
    history.write_text(
        history.read_text().replace("section: context", "section: recs").replace("Long history", "A long history")
    )
    (blocks / "missiles.yaml").unlink()
    data = json.loads(run(workspace, "diff", "--since", "2", "--json").stdout)["result"]
    reader = next(a for a in data["audiences"] if a["audience"] == "reader")
    moved = next(b for b in reader["blocks"] if b["block"] == "history")
    assert (moved["kind"], moved["revised"], moved["was_section"], moved["section"]) == (
        "moved",
        True,
        "context",
        "recs",
    )
    assert reader["sections_removed"] == ["Context"]
    removed = next(b for b in reader["blocks"] if b["block"] == "missiles")
    assert (removed["kind"], removed["revised"], removed["was_section"]) == ("removed", False, None)
    text = run(workspace, "diff", "--since", "2").stdout
    assert "    section removed: Context\n" in text
    assert "    moved and revised history 'History' from context to recs (+2 -1 words)\n" in text


@pytest.mark.slow
def test_an_audience_with_show_history_prints_the_versions_issued_in_every_format(workspace: Path):
    """The register read back by other readers: lxml (HTML), Pandoc (Word), pdftotext (PDF), the Markdown as written."""
    import subprocess  # noqa: PLC0415

    from lxml import html as lxml_html  # noqa: PLC0415
    from readers import pdf_text  # noqa: PLC0415

    from briefgen.build import BuildOptions, build  # noqa: PLC0415
    from briefgen.runtime.pandoc import pandoc_path  # noqa: PLC0415

    audiences = workspace / "audiences.yaml"
    audiences.write_text(audiences.read_text().replace("reader:\n", "reader:\n  show_history: true\n", 1))
    formats = ("pdf", "docx", "html", "md")
    build(workspace, BuildOptions(brief="demo", all_audiences=True, formats=formats))
    assert run(workspace, "release", "--note", "First issue").exit_code == 0
    again = build(workspace, BuildOptions(brief="demo", all_audiences=True, formats=formats))
    assert sorted({o.audience for o in again.outputs}) == ["reader"]  # the register changed only its outputs
    out = workspace / "dist" / "demo"
    html = lxml_html.parse(str(out / "demo-reader.html")).getroot()
    rows = [[" ".join(td.text_content().split()) for td in tr.findall("td")] for tr in html.iter("tr")]
    assert ["2", "2 May 2022", "First issue"] in rows
    assert html.get_element_by_id("history-heading").text == "Version history"
    word = subprocess.run(
        [pandoc_path(), "-t", "plain", "--wrap=none", str(out / "demo-reader.docx")], capture_output=True, text=True
    )
    assert "Version history" in word.stdout and "First issue" in word.stdout
    assert word.stdout.index("Bibliography") < word.stdout.index("Version history")  # reading.PARTS' order
    page = html.text_content()
    assert page.index("Bibliography") < page.index("Version history") < page.index("First issue")
    assert "Version history" in " ".join(pdf_text(out / "demo-reader.pdf").split())
    markdown = (out / "demo-reader.md").read_text(encoding="utf-8")
    assert "# Version history" in markdown and "First issue" in markdown
    for fmt in ("html", "docx", "md"):
        assert b"Version history" not in (out / f"demo-boss.{fmt}").read_bytes()


def test_a_release_record_is_read_as_untrusted_input(workspace: Path, tmp_path: Path):
    """A version that is a path, a record that is a link out of the workspace or not a record: refused by name."""
    assert run(workspace, "release").exit_code == 0
    escape = run(workspace, "diff", "--since", "../../../..")
    assert escape.exit_code == 2 and "'../../../..' is not a version name" in escape.stderr
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("sections: []\n")
    reader = _release_folder(workspace) / "reader.yaml"
    reader.unlink()
    reader.symlink_to(outside)
    linked = run(workspace, "diff", "--since", "2")
    assert linked.exit_code == 2
    assert "briefs/demo/releases/2: reader.yaml is a link to a file outside the workspace" in linked.stderr
    reader.unlink()
    reader.write_text("- not\n- a record\n")
    broken = run(workspace, "diff", "--since", "2")
    assert broken.exit_code == 2
    assert (
        "briefs/demo/releases/2: reader.yaml is not a record 'briefgen release' wrote; release the version again "
        "from its git commit"
    ) in broken.stderr
