"""Portion marks as a reader sees them: before every paragraph, list item at any depth, table
row and definition, the same marks in PDF, Word, HTML and Markdown (document/portions.py).

The `trust` fixture's marked audience reads three confidential blocks and one public one. Counted
by hand from its YAML: 22 portions marked (C) (the first block: two paragraphs, the Arabic one,
four list items, the table's caption and four rows, the figure's caption and source line; the definitions block:
two terms, two definitions and a quote; the recommendation: its action, its priority line and its
paragraph) and one marked (U). Each format is read by a reader other than briefgen: Pandoc reads the Word file and
the Markdown, LibreOffice reads the Word file again, pypdf and lxml read the PDF and the HTML.
"""

from __future__ import annotations

import json
from pathlib import Path

import pypandoc
import pytest
from conftest import FIXTURES
from lxml import html as lxml_html
from readers import docx_paragraphs, libreoffice_convert, pdf_text, squash

from briefgen.build import BuildOptions

MARKED_C = 22
MARKED_U = 1


@pytest.fixture
def trust_build(fixture_build) -> Path:
    return fixture_build("trust").out / "islands"


def _pandoc_blocks(path: Path, fmt: str) -> list:
    return json.loads(pypandoc.convert_file(str(path), "json", format=fmt))["blocks"]


def _words(inlines: list) -> str:
    """The text of Pandoc inlines, as Pandoc's plain writer would join them."""
    out = []
    for node in inlines:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Emph", "Strong", "SmallCaps", "Strikeout", "Underline", "Superscript", "Subscript"):
            out.append(_words(content))
        elif kind in ("Span", "Quoted", "Link"):
            out.append(_words(content[1]))
    return "".join(out)


def _list_items(blocks: list, depth: int = 0) -> list[tuple[int, str]]:
    """Each list item's first paragraph, with its depth, as Pandoc reads the file."""
    found = []
    for block in blocks:
        if block["t"] in ("BulletList", "OrderedList"):
            items = block["c"] if block["t"] == "BulletList" else block["c"][1]
            for item in items:
                first = next((b for b in item if b["t"] in ("Para", "Plain")), None)
                if first is not None:
                    found.append((depth, _words(first["c"])))
                found += _list_items(item, depth + 1)
        elif block["t"] in ("BlockQuote", "Div"):
            found += _list_items(block["c"] if block["t"] == "BlockQuote" else block["c"][1], depth)
    return found


def test_every_format_shows_the_same_number_of_marks(trust_build: Path) -> None:
    page = lxml_html.parse(str(trust_build / "islands-marked.html")).getroot()
    body = page.find("body").text_content()
    docx_text = pypandoc.convert_file(str(trust_build / "islands-marked.docx"), "plain", format="docx")
    md_text = pypandoc.convert_file(str(trust_build / "islands-marked.md"), "plain", format="markdown")
    pdf = pdf_text(trust_build / "islands-marked.pdf")
    for text in (body, docx_text, md_text, pdf):
        assert (text.count("(C)"), text.count("(U)")) == (MARKED_C, MARKED_U)


def test_nested_list_items_are_marked_in_word_as_in_html(trust_build: Path) -> None:
    # Word nests lists by style (List Bullet, List Bullet 2, 3): read the styles as Word shows them
    items = [(style, text) for style, text in docx_paragraphs(trust_build / "islands-marked.docx") if "List" in style]
    assert [style for style, _ in items] == ["List Bullet", "List Bullet 2", "List Bullet 3", "List Bullet"]
    assert all(text.startswith("(C) ") for _, text in items), items
    md_items = _list_items(_pandoc_blocks(trust_build / "islands-marked.md", "markdown"))
    assert [depth for depth, _ in md_items] == [0, 1, 2, 0]
    assert all(text.startswith("(C) ") for _, text in md_items), md_items
    page = lxml_html.parse(str(trust_build / "islands-marked.html")).getroot()
    for li in page.iter("li"):
        assert li.text_content().strip().startswith("(C)"), li.text_content()


def test_every_table_row_starts_with_its_mark_and_the_header_row_carries_none(trust_build: Path) -> None:
    blocks = _pandoc_blocks(trust_build / "islands-marked.docx", "docx")
    tables = [b for b in blocks if b["t"] == "Table"]
    head_rows, bodies = tables[0]["c"][3][1], tables[0]["c"][4][0][3]
    first_cells = [_words(row[1][0][4][0]["c"]) for row in bodies]
    assert first_cells == ["(C) Etorofu", "(C) Kunashiri", "(C) Shikotan", "(C) Habomai"]
    assert [[_words(cell[4][0]["c"]) for cell in row[1][1:]] for row in bodies][0] == ["択捉島", "yes"]
    assert all(len(row[1]) == 3 for row in bodies)  # the mark takes no cell away
    assert _words(head_rows[0][1][0][4][0]["c"]) == "Island"
    page = lxml_html.parse(str(trust_build / "islands-marked.html")).getroot()
    rows = page.xpath("//table[contains(@class, 'md-table')]/tbody/tr")
    assert [r.xpath("./td")[0].text_content() for r in rows] == first_cells
    assert page.xpath("//table[contains(@class, 'md-table')]/thead//th")[0].text_content() == "Island"


def test_definition_terms_and_definitions_are_marked(trust_build: Path) -> None:
    page = lxml_html.parse(str(trust_build / "islands-marked.html")).getroot()
    entries = [e.text_content().strip() for e in page.xpath("//dl/dt | //dl/dd")]
    assert entries == [
        "(C) Northern Territories",
        "(C) Japan’s name for the four islands.",
        "(C) Southern Kuril Islands",
        "(C) Russia’s name for them.",
    ]
    md = _pandoc_blocks(trust_build / "islands-marked.md", "markdown")
    (definitions,) = [b for b in md if b["t"] == "DefinitionList"]
    assert [_words(term) for term, _ in definitions["c"]] == ["(C) Northern Territories", "(C) Southern Kuril Islands"]


def test_a_summary_audience_sees_the_mark_on_the_recommendations_table_row(trust_build: Path) -> None:
    md = _pandoc_blocks(trust_build / "islands-summary.md", "markdown")
    table = next(b for b in md if b["t"] == "Table")
    row = table["c"][4][0][3][0][1]
    assert _words(row[1][4][0]["c"]) == "(C) Keep the peace-treaty talks in view for when they can resume."
    docx_text = pypandoc.convert_file(str(trust_build / "islands-summary.docx"), "plain", format="docx")
    assert squash(docx_text).count("(C) Keep the peace-treaty") == 2  # the table's row and the action line


def test_libreoffice_reads_the_same_marks_from_the_word_file(trust_build: Path, tmp_path: Path) -> None:
    """LibreOffice, a second reader of Word files, finds every mark (its text export keeps logical
    order, so the mark of the right-to-left paragraph counts as written)."""
    text = libreoffice_convert(trust_build / "islands-marked.docx", tmp_path, "txt:Text (encoded):UTF8", ".txt")
    words = text.read_text(encoding="utf-8-sig")
    assert (words.count("(C)"), words.count("(U)")) == (MARKED_C, MARKED_U)
    assert "(C) اليابان وروسيا." in words


def test_audiences_without_portion_marks_get_none(trust_build: Path) -> None:
    for ext in ("html", "md"):
        text = (trust_build / f"islands-public.{ext}").read_text(encoding="utf-8")
        assert "(U)" not in text and "(C)" not in text and 'class="portion"' not in text


def test_parity_compares_portion_marks(tmp_path: Path) -> None:
    """A Word file that loses one mark (a nested list item's, as it once did) fails `check --parity`."""
    import io
    import re
    import shutil
    import zipfile

    from briefgen.build import render_all
    from briefgen.build.parity import compare

    ws = tmp_path / "trust"
    shutil.copytree(FIXTURES / "trust", ws)
    rendered = render_all(ws, BuildOptions(audiences=("marked",), formats=("pdf", "docx"), force=True))
    pdf, docx = sorted(rendered.outputs, key=lambda o: o.format != "pdf")
    assert compare(pdf.data, docx.data, pdf.text) == []
    source = zipfile.ZipFile(io.BytesIO(docx.data))
    document = source.read("word/document.xml").decode("utf-8")
    nested = re.search(r'<w:pStyle w:val="ListBullet2"/>.*?<w:t[^>]*>\(C\)</w:t>', document)
    assert nested is not None
    without = document[: nested.end()].removesuffix("(C)</w:t>") + "</w:t>" + document[nested.end() :]

    def word_with(xml: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in source.namelist():
                target.writestr(name, xml.encode("utf-8") if name == "word/document.xml" else source.read(name))
        return out.getvalue()

    assert compare(pdf.data, word_with(without), pdf.text) == [
        "portion marks differ: the PDF has 22 (C), 1 (U), Word has 21 (C), 1 (U)"
    ]
    unmarked = re.sub(r"\((?:C|U)\) ?", "", document)  # a Word file with no mark at all
    problems = compare(pdf.data, word_with(unmarked), pdf.text)
    assert "portion marks differ: the PDF has 22 (C), 1 (U), Word has none" in problems


def test_a_summary_audience_reads_the_bottom_line_at_the_briefs_highest_level(trust_build: Path) -> None:
    """The bottom line sums up the brief: it carries the banner's level, (C) here, in every format."""
    page = lxml_html.parse(str(trust_build / "islands-summary.html")).getroot()
    (box,) = page.xpath("//*[contains(@class, 'bottom-line')]")
    assert "(C) Japan and Russia never signed a peace treaty after 1945" in squash(box.text_content())
    for fmt in ("docx", "md"):
        text = pypandoc.convert_file(
            str(trust_build / f"islands-summary.{fmt}"), "plain", format=fmt.replace("md", "markdown")
        )
        assert "(C) Japan and Russia never signed a peace treaty after 1945" in squash(text)
    pdf = squash(pdf_text(trust_build / "islands-summary.pdf"))
    assert "(C) Japan and Russia never signed a peace treaty after 1945" in pdf


# ---------------------------------------------------------------- the rule itself, construct by construct


def test_the_rule_marks_boxes_and_odd_table_cells_and_leaves_empty_parts_alone() -> None:
    from briefgen.document.portions import mark_portions
    from briefgen.model import Callout, Figure, ListBlock, Para, PortionMark, Table, TableCell, Text

    mark = PortionMark("C")
    para = Para((Text("words"),))
    (box,) = mark_portions((Callout("note", (Text("Title"),), (para, para)),), "C")
    assert box.blocks == (Para((mark, Text("words"))),) * 2 and box.title == (Text("Title"),)
    bare = Figure("f.svg", caption=())
    assert mark_portions((bare,), "C") == (bare,)  # no caption, no source: nothing to mark
    (figure,) = mark_portions((Figure("f.svg", caption=(Text("A map"),), source="Desk"),), "C")
    assert (figure.caption, figure.source) == ((mark, Text("A map")), "(C) Desk")
    listed = ListBlock(False, ((para,),))
    cells = (
        TableCell(()),  # an empty first cell gets a paragraph holding the mark alone
        TableCell((listed,)),  # a first cell that starts with a list: the mark stands before it
        TableCell((para, para)),  # two paragraphs: the first is marked by the row, both stay
    )
    table = Table((), ("default",) * 3, (0.0,) * 3, (), (cells, (TableCell((para, para)), cells[0], cells[0])))
    (marked,) = mark_portions((table,), "C")
    assert marked.caption == ()  # a table without a caption gets none
    first, second = marked.body
    assert first[0].blocks == (Para((mark,)),) and first[1:] == cells[1:]
    assert second[0].blocks == (Para((mark, Text("words"))), para)
    assert mark_portions((para,), "") == (para,)  # an audience without portion marks


def test_a_first_cell_that_starts_with_a_list_gets_its_mark_before_the_list() -> None:
    from briefgen.document.portions import mark_portions
    from briefgen.model import ListBlock, Para, PortionMark, Table, TableCell, Text

    listed = ListBlock(False, ((Para((Text("item"),)),),))
    table = Table((), ("default",), (0.0,), (), ((TableCell((listed,)),),))
    (marked,) = mark_portions((table,), "S")
    assert marked.body[0][0].blocks == (Para((PortionMark("S"),)), listed)
