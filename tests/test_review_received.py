"""`review --apply` writes only what the audience a DOCX names received, worked out from the workspace.

A reviewer may forge the build record: retarget a hidden bookmark at a block that audience never
received, with that block's real hash from another audience's DOCX. The DOCX is forged here the
way such a reviewer would, from two real builds; the expectations are written from the YAML.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copy_repo_workspace, shared
from lxml import etree
from test_review_docx import SCREWS, WordEditor, q

from briefgen.build import BuildOptions, build
from briefgen.cli import cli

CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
ISLANDS = "briefs/japan-russia/blocks/peace-treaty-and-islands.yaml"
FORGED = "the DOCX's build record does not match what the workspace builds; apply it by hand]"


@pytest.fixture(scope=shared("module"))
def two_audiences(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the default workspace and its analyst and press DOCX files."""
    workspace = copy_repo_workspace(tmp_path_factory.mktemp("ws") / "ws")
    out = workspace / "out"
    build(workspace, BuildOptions(audiences=("analyst", "press"), formats=("docx",), out_dir=out))
    return workspace, out / "japan-russia"


def record_of(editor: WordEditor) -> tuple[etree._Element, dict]:
    """The custom properties part and the anchor map it holds."""
    custom = etree.fromstring(editor.parts["docProps/custom.xml"])
    props = {p.get("name"): "".join(p.itertext()) for p in custom}
    keys = sorted((k for k in props if k.startswith("briefgen.map.")), key=lambda k: int(k.rsplit(".", 1)[1]))
    return custom, json.loads("".join(props[k] for k in keys))


def store_record(editor: WordEditor, custom: etree._Element, record: dict) -> None:
    """The anchor map written back as one property, as a reviewer editing docProps/custom.xml would."""
    for prop in list(custom):
        if prop.get("name", "").startswith("briefgen.map."):
            custom.remove(prop)
    prop = etree.SubElement(
        custom, f"{{{CUSTOM}}}property", fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}", pid="99", name="briefgen.map.1"
    )
    etree.SubElement(prop, f"{{{VT}}}lpwstr").text = json.dumps(record)
    editor.parts["docProps/custom.xml"] = etree.tostring(custom, xml_declaration=True, encoding="UTF-8")


def retarget(editor: WordEditor, anchor: str, text: str) -> None:
    """The first paragraph under bookmark `anchor` made to read `text` (one plain run)."""
    start = next(b for b in editor.doc.iter(q("w:bookmarkStart")) if b.get(q("w:name")) == anchor)
    paragraph = start.getparent()
    for run in paragraph.findall(q("w:r")):
        paragraph.remove(run)
    run = etree.SubElement(paragraph, q("w:r"))
    etree.SubElement(run, q("w:t")).text = text


def test_a_forged_record_cannot_make_apply_write_a_block_the_audience_never_received(two_audiences, tmp_path: Path):
    source, out = two_audiences
    workspace = tmp_path / "ws"
    shutil.copytree(source, workspace)
    analyst = record_of(WordEditor(out / "japan-russia-analyst.docx"))[1]
    editor = WordEditor(out / "japan-russia-press.docx")
    custom, record = record_of(editor)
    assert "turn-the-screws" not in record["blocks"]  # the press never received it
    talks, islands_title = (
        next(k for k, v in record["anchors"].items() if v == [block, name])
        for block, name in (("talks-suspended-2022", "body"), ("peace-treaty-and-islands", "title"))
    )
    # a block only the analyst receives, with its real hash from the analyst's DOCX
    record["anchors"][talks] = ["turn-the-screws", "body"]
    record["blocks"]["turn-the-screws"] = analyst["blocks"]["turn-the-screws"]
    retarget(editor, talks, "This line should be pursued privately.")
    # a field of a block the press receives, but reads in full: never its summary
    record["anchors"][islands_title] = ["peace-treaty-and-islands", "summary"]
    summary_words = "both claim four islands off"
    islands = (workspace / ISLANDS).read_text(encoding="utf-8")
    assert summary_words in islands.split("summary:")[1].split("body:")[0]
    retarget(editor, islands_title, summary_words + ".")
    store_record(editor, custom, record)
    editor.delete("This line should be pursued privately.", "privately", "Mallory")
    editor.delete(summary_words, "four ", "Mallory")
    forged = editor.save(tmp_path / "forged.docx")
    before = {p: p.read_bytes() for p in sorted((workspace / "briefs").rglob("*.yaml"))}

    result = CliRunner().invoke(cli, ["-w", str(workspace), "review", "--apply", str(forged)])

    assert result.exit_code == 1, result.output
    lines = result.output.replace(str(forged), "forged.docx").splitlines()
    assert (
        f": refused: deleted \"four\" [audience 'press' received block 'peace-treaty-and-islands' "
        f"without its summary, so it is not changed; {FORGED}"
    ) in {line[line.index(": ") :] for line in lines if line.startswith(ISLANDS)}
    assert (
        f": refused: deleted \"privately\" [audience 'press' never received block "
        f"'turn-the-screws' (withheld by max_marking, exclude_audiences, exclude_tags), so its body is not changed; "
        f"{FORGED}"
    ) in {line[line.index(": ") :] for line in lines if line.startswith(SCREWS)}
    # the words retyped without tracking are found too (the record keeps the text as built), and refused
    assert all(line.endswith(f"; {FORGED}") for line in lines[:-1]) and len(lines) > 3
    assert lines[-1].startswith("forged.docx: applied 0 changes to 0 files, ")
    assert {p: p.read_bytes() for p in sorted((workspace / "briefs").rglob("*.yaml"))} == before
