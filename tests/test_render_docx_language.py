"""Every construct of the writing language as native Word: tables, notes, bookmarks, language.

One scaffolded workspace gets a block that uses them all; it is built once per audience and
the real .docx packages are read as XML (and by Pandoc and LibreOffice, as their users would).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pypandoc
import pytest
from conftest import shared
from lxml import etree
from readers import libreoffice_pdf, pdf_text, squash

from briefgen.build import BuildOptions, build
from briefgen.commands.scaffold import init_workspace
from briefgen.render.docx import bookmark_name

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LONG_ID = "a-block-id-that-is-much-longer-than-forty-characters-in-all"

EVERY_CONSTRUCT = r"""section: background
title: Every construct
order: 20
status: approved
summary: Summary with H~2~O.
body: |
  Text with H~2~O, 10^6^, ~~struck~~, [under]{.underline}, [sc]{.smallcaps}, a note[^n] and a citation [@pandoc-manual].

  [^n]: First paragraph of the note.

      Second paragraph of the note.

      - item one
      - item two

  | Material | EU supply | Share |
  |:---------|:---------:|------:|
  | Rare earths | China | 98% |
  | Gallium[^g] | China, [Pandoc](https://pandoc.org) | 94% |

  : Supplies of **critical** raw materials {#tbl-supply}

  [^g]: A note in a table cell.

  See @tbl-supply, @sec-recommendations and [the long block](#LONG_ID).

  +---------------+---------------+--------------------+
  | Fruit         | Price         | Advantages         |
  +===============+===============+====================+
  | Bananas       | $1.34         | - built-in wrapper |
  |               |               | - bright color     |
  +---------------+---------------+--------------------+
  | Spanning two columns          | right              |
  +---------------+---------------+--------------------+
  | Rows          | Tall cell     | a                  |
  |               |               +--------------------+
  |               |               | b                  |
  +---------------+---------------+--------------------+

  : Grid table {#tbl-grid}

  Term
  :   Definition of the term.

  ---

  ::: {.callout-important title="Key judgement"}
  Boxed text with **bold**.

  - A boxed point.
  :::

  A long token: TOKEN and https://example.org/a/very/long/path/that/never/breaks/anywhere/at/all/index.html end.
""".replace("LONG_ID", LONG_ID).replace("TOKEN", "X" * 360)

LONG_BLOCK = """section: background
title: A block with a long id
order: 30
status: approved
summary: Short.
body: Back to @every-construct.
"""

NO_NOTES_AUDIENCE = """
public:
  label: Public
  description: Without notes.
  detail: full
  sections: [background, recommendations]
  notes: none
  bibliography: false
"""


def make_workspace(root: Path, lang: str | None = None) -> Path:
    init_workspace(root)
    blocks = root / "briefs/example/blocks"
    (blocks / "every-construct.yaml").write_text(EVERY_CONSTRUCT, encoding="utf-8")
    (blocks / f"{LONG_ID}.yaml").write_text(LONG_BLOCK, encoding="utf-8")
    with (root / "audiences.yaml").open("a", encoding="utf-8") as audiences:
        audiences.write(NO_NOTES_AUDIENCE)
    if lang:
        brief = root / "briefs/example/brief.yaml"
        brief.write_text(brief.read_text(encoding="utf-8") + f"lang: {lang}\n", encoding="utf-8")
    return root


@pytest.fixture(scope=shared("module"))
def outputs(tmp_path_factory) -> dict[str, Path]:
    """The workspace's DOCX per audience: analyst (footnotes), press (endnotes), public (no notes)."""
    root = make_workspace(tmp_path_factory.mktemp("docxlang") / "ws")
    result = build(root, BuildOptions(all_audiences=True, formats=("docx",), jobs=1))
    return {o.audience: o.path for o in result.outputs}


def part(path: Path, name: str):
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(f"word/{name}.xml")) if f"word/{name}.xml" in archive.namelist() else None


def text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def attr(element, name: str) -> str | None:
    return None if element is None else element.get(f"{W}{name}")


def nodes_of(tree, kind: str):
    """Every node of a Pandoc JSON tree with type `kind`."""
    if isinstance(tree, dict):
        if tree.get("t") == kind:
            yield tree
        tree = list(tree.values())
    if isinstance(tree, list):
        for child in tree:
            yield from nodes_of(child, kind)


def table_after_caption(body, caption_start: str):
    """The caption paragraph that starts with `caption_start`, and the table right after it."""
    caption = next(p for p in body.iter(f"{W}p") if text(p).startswith(caption_start))
    return caption, caption.getnext()


def test_markdown_table_is_a_native_table_with_caption_above(outputs):
    body = part(outputs["analyst"], "document")
    caption, table = table_after_caption(body, "Table 1: Supplies of critical raw materials")
    assert table.tag == f"{W}tbl"
    assert attr(caption.find(f"{W}pPr/{W}pStyle"), "val") == "Caption"
    caption_style = part(outputs["analyst"], "styles").find(f"{W}style[@{W}styleId='Caption']")
    assert caption_style.find(f"{W}pPr/{W}keepNext") is not None  # kept with its table
    label = caption.find(f"{W}r")
    assert text(label) == "Table 1:" and label.find(f"{W}rPr/{W}b") is not None
    assert [attr(b, "name") for b in caption.iter(f"{W}bookmarkStart")] == ["tbl-supply"]
    rows = table.findall(f"{W}tr")
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
    alignments = [attr(tc.find(f"{W}p/{W}pPr/{W}jc"), "val") for tc in rows[1].findall(f"{W}tc")]
    assert alignments == ["left", "center", "right"]
    assert [text(tc) for tc in rows[2].findall(f"{W}tc")] == ["Gallium", "China, Pandoc", "94%"]
    assert rows[2].find(f".//{W}footnoteReference") is not None  # a note called from a cell
    assert rows[2].find(f".//{W}hyperlink") is not None


def test_grid_table_spans_lists_and_widths(outputs):
    body = part(outputs["analyst"], "document")
    _caption, table = table_after_caption(body, "Table 2: Grid table")
    rows = table.findall(f"{W}tr")
    spans = [attr(tc.find(f"{W}tcPr/{W}gridSpan"), "val") for tc in rows[2].findall(f"{W}tc")]
    assert spans == ["2", None] and text(rows[2]) == "Spanning two columnsright"
    merges = [[attr(m, "val") for m in r.iter(f"{W}vMerge")] for r in rows[3:5]]
    assert merges == [["restart", "restart"], [None, None]]  # a continuing cell has <w:vMerge/>
    bullets = rows[1].findall(f"{W}tc")[2].findall(f"{W}p")
    assert [text(p) for p in bullets] == ["built-in wrapper", "bright color"]
    assert all(p.find(f"{W}pPr/{W}numPr") is not None for p in bullets)
    section = body.find(f"{W}body/{W}sectPr")
    size, margins = section.find(f"{W}pgSz"), section.find(f"{W}pgMar")
    text_width = int(attr(size, "w")) - int(attr(margins, "left")) - int(attr(margins, "right"))
    for tbl in body.iter(f"{W}tbl"):
        columns = [int(attr(c, "w")) for c in tbl.find(f"{W}tblGrid")]
        assert sum(columns) <= text_width + len(columns)  # rounding to whole twips
        assert int(attr(tbl.find(f"{W}tblPr/{W}tblW"), "w")) <= text_width + len(columns)
    grid = [int(attr(c, "w")) for c in table.find(f"{W}tblGrid")]
    assert grid[0] < grid[2] and table.find(f"{W}tblPr/{W}tblLayout[@{W}type='fixed']") is not None


def test_multi_paragraph_note_becomes_several_paragraphs(outputs):
    for audience, name in (("analyst", "footnotes"),):
        notes = part(outputs[audience], name)
        note = next(n for n in notes if text(n).strip().startswith("First paragraph"))
        paragraphs = note.findall(f"{W}p")
        assert [text(p) for p in paragraphs] == [
            " First paragraph of the note.",
            "Second paragraph of the note.",
            "\u2022\u00a0item one",
            "\u2022\u00a0item two",
        ], audience
        assert paragraphs[0].find(f".//{W}{name[:-1]}Ref") is not None
        assert all(p.find(f".//{W}{name[:-1]}Ref") is None for p in paragraphs[1:])
        style = f"{name[:-1].capitalize()}Text"
        assert {attr(p.find(f"{W}pPr/{W}pStyle"), "val") for p in paragraphs} == {style}
    # Endnotes are the PDF's Notes list: the number, a tab, the first paragraph; then the others.
    body = part(outputs["press"], "document").find(f"{W}body")
    listed = [p for p in body.findall(f"{W}p") if attr(p.find(f"{W}pPr/{W}pStyle"), "val") == "EndnoteText"]
    first = next(i for i, p in enumerate(listed) if "First paragraph" in text(p))
    number = text(listed[first]).split(".")[0]
    assert [text(p) for p in listed[first : first + 4]] == [
        f"{number}.First paragraph of the note.",
        "Second paragraph of the note.",
        "\u2022\u00a0item one",
        "\u2022\u00a0item two",
    ]
    assert listed[first].find(f"{W}r/{W}tab") is not None
    assert [attr(b, "name") for b in listed[first].iter(f"{W}bookmarkStart")] == [f"fn-{number}"]


def test_no_notes_audience_calls_no_notes(outputs):
    assert part(outputs["public"], "footnotes") is None and part(outputs["public"], "endnotes") is None
    body = part(outputs["public"], "document")
    assert body.find(f".//{W}footnoteReference") is None and body.find(f".//{W}endnoteReference") is None


def test_every_internal_link_lands_on_a_bookmark(outputs):
    for audience, path in outputs.items():
        parts = [p for p in (part(path, n) for n in ("document", "footnotes", "endnotes")) if p is not None]
        names = [attr(b, "name") for p in parts for b in p.iter(f"{W}bookmarkStart")]
        anchors = [attr(h, "anchor") for p in parts for h in p.iter(f"{W}hyperlink") if attr(h, "anchor")]
        assert len(names) == len(set(names)), audience
        assert all(len(n) <= 40 and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*|_bg\d+", n) for n in names), names
        assert set(anchors) <= set(names), audience
        assert {"section-background", "block-every-construct", bookmark_name(f"block-{LONG_ID}")} <= set(names)
    analyst = part(outputs["analyst"], "document")
    links = {text(h): attr(h, "anchor") for h in analyst.iter(f"{W}hyperlink") if attr(h, "anchor")}
    assert links["Table 1"] == "tbl-supply" and links["Recommendations"] == "section-recommendations"
    assert links["the long block"] == bookmark_name(f"block-{LONG_ID}")


def test_bookmark_names_are_valid_short_and_distinct():
    assert bookmark_name("block-history") == "block-history"
    long_a, long_b = bookmark_name(f"block-{LONG_ID}"), bookmark_name(f"block-{LONG_ID}-2")
    assert len(long_a) == len(long_b) == 40 and long_a != long_b
    assert long_a[:31] == f"block-{LONG_ID}"[:31] and re.fullmatch(r"_[0-9a-f]{8}", long_a[31:])
    assert bookmark_name(f"block-{LONG_ID}") == long_a  # deterministic
    odd = bookmark_name("tbl-a.b")
    assert re.fullmatch(r"tbl-a_b_[0-9a-f]{8}", odd) and odd != bookmark_name("tbl-a_b")
    assert bookmark_name("2024-review")[0].isalpha()


def test_inline_markup_becomes_run_properties(outputs):
    body = part(outputs["analyst"], "document")
    runs = {text(r): r.find(f"{W}rPr") for r in body.iter(f"{W}r") if text(r)}
    assert attr(runs["2"].find(f"{W}vertAlign"), "val") == "subscript"
    assert attr(runs["6"].find(f"{W}vertAlign"), "val") == "superscript"
    assert runs["struck"].find(f"{W}strike") is not None
    assert attr(runs["under"].find(f"{W}u"), "val") == "single"
    assert runs["sc"].find(f"{W}smallCaps") is not None


def test_definition_list_rule_and_callout(outputs):
    body = part(outputs["analyst"], "document")
    paragraphs = list(body.iter(f"{W}p"))
    term = next(p for p in paragraphs if text(p) == "Term")
    assert term.find(f"{W}pPr/{W}keepNext") is not None and term.find(f"{W}r/{W}rPr/{W}b") is not None
    definition = term.getnext()
    assert text(definition) == "Definition of the term."
    assert int(attr(definition.find(f"{W}pPr/{W}ind"), "left")) == 454  # 8 mm
    rule = definition.getnext()
    assert text(rule) == "" and attr(rule.find(f"{W}pPr/{W}pBdr/{W}bottom"), "color") == "C9D1DB"
    # the callout: paragraphs with the kind's rule at the left and shading, not a one-cell table (WCAG 1.3.1)
    title = rule.getnext()
    content = title.getnext()
    assert text(title) == "Key judgement" and attr(title.find(f".//{W}color"), "val") == "A4161A"
    assert text(content) == "Boxed text with bold."
    item = content.getnext()
    assert text(item) == "A boxed point." and item.find(f"{W}pPr/{W}numPr") is not None
    for p in (title, content, item):
        assert attr(p.find(f"{W}pPr/{W}pBdr/{W}left"), "color") == "A4161A"  # callout_important
        assert attr(p.find(f"{W}pPr/{W}pBdr/{W}left"), "sz") == "24"  # 3 pt, as the PDF's border-left
        assert attr(p.find(f"{W}pPr/{W}shd"), "fill") == "F4F6F9"  # callout_background
    # padded as the PDF's box: 8 pt and the 3 pt rule in from the text's edge; the list item further in
    assert int(attr(content.find(f"{W}pPr/{W}ind"), "left")) == 220
    assert int(attr(item.find(f"{W}pPr/{W}ind"), "left")) > 220
    assert title.find(f"{W}pPr/{W}keepNext") is not None and item.find(f"{W}pPr/{W}keepNext") is None
    assert item.getnext().find(f"{W}pPr/{W}pBdr") is None  # the spacer after the box is outside it


def test_document_language_and_east_asian_font(outputs, tmp_path):
    styles = part(outputs["analyst"], "styles")
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    lang = defaults.find(f"{W}lang")
    assert (attr(lang, "val"), attr(lang, "eastAsia"), attr(lang, "bidi")) == ("en-US", "ja-JP", "ar-SA")
    assert attr(defaults.find(f"{W}rFonts"), "eastAsia") == "Noto Sans CJK JP"
    with zipfile.ZipFile(outputs["analyst"]) as archive:
        assert "<dc:language>en-US</dc:language>" in archive.read("docProps/core.xml").decode()

    root = make_workspace(tmp_path / "ws", lang="zh-TW")
    result = build(root, BuildOptions(audiences=("analyst",), formats=("docx",), jobs=1))
    path = result.outputs[0].path
    defaults = part(path, "styles").find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert (attr(defaults.find(f"{W}lang"), "val"), attr(defaults.find(f"{W}lang"), "eastAsia")) == ("zh-TW", "zh-TW")
    assert attr(defaults.find(f"{W}rFonts"), "eastAsia") == "Noto Sans CJK TC"
    body = part(path, "document")
    assert any(text(p).startswith("\u8868 1:") for p in body.iter(f"{W}p"))  # 表 1: the label in Chinese


def test_pandoc_reads_tables_notes_and_links(outputs):
    ast = json.loads(pypandoc.convert_file(str(outputs["analyst"]), "json"))
    tables = [b for b in ast["blocks"] if b["t"] == "Table"]
    assert len(tables) == 2  # the two Markdown tables; the callout box is paragraphs, not a table
    notes = list(nodes_of(ast["blocks"], "Note"))
    assert [len(n["c"]) for n in notes if "First" in json.dumps(n)] == [4]  # two paragraphs, two list items
    markdown = pypandoc.convert_file(str(outputs["analyst"]), "markdown")
    assert "Second paragraph of the note." in markdown and "[Table 1](#" in markdown
    assert "Spanning two columns" in markdown and "A note in a table cell." in markdown


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer) is not installed")
def test_libreoffice_lays_out_every_construct(outputs, tmp_path: Path):
    laid_out_pdf = libreoffice_pdf(outputs["analyst"], tmp_path)
    laid_out = squash(pdf_text(laid_out_pdf))
    for expected in (
        "Table 1: Supplies of critical raw materials",
        "Second paragraph of the note.",
        "A note in a table cell.",
        "Key judgement",
        "Spanning two columns",
    ):
        assert expected in laid_out
    assert "X" * 360 in laid_out.replace(" ", "")
    lines = pdf_text(laid_out_pdf).splitlines()
    assert max(line.count("X") for line in lines) < 360  # the long token wraps instead of running off the page
