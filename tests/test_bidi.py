"""Right-to-left text (Arabic, Hebrew) in every format: direction, runs, sizes, SVG labels, parity.

tests/fixtures/bidi/ holds an Arabic block (bold, italic, a footnote, a list, a table and an SVG
figure labelled in Arabic and Hebrew) and a Hebrew paragraph with English words in brackets. It
is built once, for a footnotes and an endnotes audience, and each test reads an output as its
reader (or their software) would: Word's XML, the HTML, the PDF's words where they stand.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, shared
from lxml import etree, html

from briefgen.build import BuildOptions, build, render_all
from briefgen.build.parity import check_parity, compare
from briefgen.content.bidi import first_strong, is_rtl, rtl_spans
from briefgen.content.fonts import fallback_stack, families_with
from briefgen.content.style import load_style
from briefgen.content.svgtext import print_copy

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ARABIC_PARAGRAPH = "نص تجريبي عن"  # the start of the block's first paragraph
HEBREW_PARAGRAPH = "משפט לדוגמה על יפן (Japan) ועל רוסיה (Russia)."
MIXED_PARAGRAPH = "Japan and Russia, in English first"  # English first: a left-to-right paragraph


@pytest.fixture(scope=shared("module"))
def workspace(tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("bidiws") / "ws"
    shutil.copytree(FIXTURES / "bidi", ws, ignore=shutil.ignore_patterns("dist"))
    return ws


@pytest.fixture
def built(fixture_build) -> Path:
    return fixture_build("bidi").out / "demo"


def _part(docx: Path, name: str):
    with zipfile.ZipFile(docx) as archive:
        return etree.fromstring(archive.read(name))


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def _paragraph(root, start: str):
    return next(p for p in root.iter(f"{W}p") if _text(p).startswith(start))


def _props(run) -> set[str]:
    rpr = run.find(f"{W}rPr")
    return {child.tag.removeprefix(W) for child in rpr} if rpr is not None else set()


# ---------------------------------------------------------------- the one rule


def test_the_first_strong_character_decides_a_paragraphs_direction():
    assert first_strong("  (12) יפן Japan") == "rtl"  # brackets and digits are not strong
    assert first_strong("Japan (اليابان)") == "ltr"
    assert first_strong("2024 — 12") is None
    assert is_rtl("\u2066Japan\u2069 اليابان")  # text in an isolate does not count
    assert rtl_spans("יפן (Japan) רוסיה.") == [("יפן", True), (" (Japan) ", False), ("רוסיה", True), (".", False)]
    assert rtl_spans("اليابان وروسيا") == [("اليابان وروسيا", True)]  # the space between stays in the run


# ---------------------------------------------------------------- Word


def test_word_paragraphs_and_runs_carry_their_direction(built: Path):
    document = _part(built / "demo-reader.docx", "word/document.xml")
    arabic = _paragraph(document, ARABIC_PARAGRAPH)
    assert arabic.find(f"{W}pPr/{W}bidi") is not None
    runs = [r for r in arabic.iter(f"{W}r") if _text(r).strip(" .")]
    assert runs and all("rtl" in _props(r) for r in runs), [(_text(r), _props(r)) for r in runs]
    bold = next(r for r in runs if _text(r) == "اليابان")
    italic = next(r for r in runs if _text(r) == "روسيا")
    assert {"b", "bCs", "rtl"} <= _props(bold)  # bCs: what makes Arabic bold in Word
    assert {"i", "iCs", "rtl"} <= _props(italic)

    hebrew = _paragraph(document, "משפט")
    assert hebrew.find(f"{W}pPr/{W}bidi") is not None
    pieces = [(_text(r), "rtl" in _props(r)) for r in hebrew.iter(f"{W}r")]
    assert "".join(text for text, _rtl in pieces) == HEBREW_PARAGRAPH
    assert ("משפט לדוגמה על יפן", True) in pieces and (" (Japan) ", False) in pieces

    mixed = _paragraph(document, MIXED_PARAGRAPH)
    assert mixed.find(f"{W}pPr/{W}bidi") is None  # English first: left to right, as in the HTML
    assert [(_text(r), "rtl" in _props(r)) for r in mixed.iter(f"{W}r")][1] == ("اليابان وروسيا", True)

    items = [p for p in document.iter(f"{W}p") if _text(p) in ("اليابان", "روسيا")]
    cell = next(p for p in document.iter(f"{W}p") if _text(p) == "البلد")
    assert len(items) >= 3 and all(p.find(f"{W}pPr/{W}bidi") is not None for p in [*items, cell])


def test_word_notes_read_right_to_left_in_both_kinds(built: Path):
    note = _paragraph(_part(built / "demo-reader.docx", "word/footnotes.xml"), " ملاحظة")
    assert note.find(f"{W}pPr/{W}bidi") is not None
    endnotes = _part(built / "demo-listener.docx", "word/document.xml")
    numbered = next(p for p in endnotes.iter(f"{W}p") if "ملاحظة تجريبية" in _text(p))
    assert numbered.find(f"{W}pPr/{W}bidi") is not None


def _style(styles, style_id: str):
    return styles.find(f"{W}style[@{W}styleId='{style_id}']")


def _resolved(styles, style_id: str, prop: str) -> str | None:
    """A run property as a style gives it, through the styles it is based on, then the document defaults."""
    style = _style(styles, style_id)
    while style is not None:
        found = style.find(f"{W}rPr/{W}{prop}")
        if found is not None:
            return found.get(f"{W}val", "on")
        based = style.find(f"{W}basedOn")
        style = _style(styles, based.get(f"{W}val")) if based is not None else None
    found = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}{prop}")
    return found.get(f"{W}val", "on") if found is not None else None


def test_word_styles_size_and_embolden_complex_scripts_as_latin_text(built: Path, workspace: Path):
    styles = _part(built / "demo-reader.docx", "word/styles.xml")
    theme = load_style(workspace).theme
    # Arabic body text at the body size, Arabic footnotes at the note size, as Latin text.
    assert _resolved(styles, "BodyText", "szCs") == str(round(theme["sizes"]["body"] * 2)) == "20"
    assert _resolved(styles, "FootnoteText", "szCs") == str(round(theme["sizes"]["note"] * 2)) == "16"
    assert _resolved(styles, "Heading2", "bCs") == "on"
    for style in styles.iter(f"{W}style"):
        for rpr in style.iter(f"{W}rPr"):
            for latin, twin in (("sz", "szCs"), ("b", "bCs"), ("i", "iCs")):
                a, b = rpr.find(f"{W}{latin}"), rpr.find(f"{W}{twin}")
                assert (a is None) == (b is None), (style.get(f"{W}styleId"), latin)
                assert a is None or a.get(f"{W}val") == b.get(f"{W}val"), (style.get(f"{W}styleId"), latin)
    # The complex-script font is the fallback the PDF draws Arabic with, not Calibri (which has no Arabic).
    arabic_fonts = {f.casefold() for f in families_with("\u0627\u05d0")}
    expected = next(f for f in fallback_stack(load_style(workspace), "") if f.casefold() in arabic_fonts)
    for style_id in ("Normal", "BodyText", "Heading2", "FootnoteText"):
        assert _style(styles, style_id).find(f"{W}rPr/{W}rFonts").get(f"{W}cs") == expected == "DejaVu Sans"


def test_word_output_with_right_to_left_text_is_valid_wordprocessingml(built: Path):
    openxml_audit = pytest.importorskip("openxml_audit")
    for path in sorted(built.glob("*.docx")):
        errors = openxml_audit.OpenXmlValidator().validate(str(path)).errors
        assert [str(e) for e in errors] == [], path.name  # w:bidi and w:rtl in their schema places


# ---------------------------------------------------------------- HTML and the PDF made from it


def test_html_gives_right_to_left_blocks_their_direction(built: Path):
    page = html.fromstring((built / "demo-reader.html").read_bytes())

    def starting(tag: str, text: str):
        return next(e for e in page.iter(tag) if e.text_content().strip().startswith(text))

    assert starting("p", ARABIC_PARAGRAPH).get("dir") == "rtl"
    assert starting("p", "משפט").get("dir") == "rtl"
    assert starting("p", MIXED_PARAGRAPH).get("dir") is None
    assert starting("li", "اليابان").get("dir") == "rtl"
    assert starting("ul", "اليابان").get("dir") == "rtl"  # numbered and indented from the right
    assert starting("th", "البلد").get("dir") == "rtl" and starting("td", "اليابان").get("dir") == "rtl"
    assert starting("th", "Country").get("dir") is None
    assert starting("h3", "Arabic sample").get("dir") is None
    endnotes = html.fromstring((built / "demo-listener.html").read_bytes())
    assert next(e for e in endnotes.iter("div") if "endnote" in e.get("class", "").split()).get("dir") == "rtl"


def test_a_table_that_starts_right_to_left_runs_its_columns_from_the_right(built: Path):
    """The first cell decides, as a paragraph's first letter does: HTML dir, Word bidiVisual, the PDF's layout."""
    page = html.fromstring((built / "demo-reader.html").read_bytes())
    table = next(t for t in page.iter("table") if "البلد" in t.text_content())
    assert table.get("dir") == "rtl"
    assert all(t.get("dir") is None for t in page.iter("table") if "البلد" not in t.text_content())
    body = _part(built / "demo-reader.docx", "word/document.xml")
    arabic = next(t for t in body.iter(f"{W}tbl") if "البلد" in _text(t))
    assert arabic.find(f"{W}tblPr/{W}bidiVisual") is not None
    assert [t for t in body.iter(f"{W}tbl") if t.find(f"{W}tblPr/{W}bidiVisual") is not None] == [arabic]
    words = _words(built / "demo-reader.pdf")
    country = next(w for w in words if w[3] == "Country")
    header = next(w for w in words if w[3] == "البلد"[::-1] and abs(w[2] - country[2]) < 2)
    assert header[0] > country[1]  # the first column stands to the right of the second


def _words(pdf: Path) -> list[tuple[float, float, float, str]]:
    """Each word of the PDF as poppler finds it on the page: (xMin, xMax, yMin, text), text as NFKC."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out)
    return [(float(x0), float(x1), float(y0), unicodedata.normalize("NFKC", w)) for x0, y0, x1, w in found]


def test_pdf_sets_right_to_left_paragraphs_from_the_right_margin(built: Path):
    words = _words(built / "demo-reader.pdf")
    right_margin = 595.28 - 56.69  # A4 less the theme's 20 mm margin
    # Poppler spells each word as it stands on the page, left to right: Arabic reversed.
    first = next(w for w in words if w[3] == "نص"[::-1])
    hebrew = next(w for w in words if w[3] == "משפט"[::-1])
    english = next(w for w in words if w[3] == "Japan")
    assert abs(first[1] - right_margin) < 1 and abs(hebrew[1] - right_margin) < 1
    assert abs(english[0] - 56.69) < 1  # the English-first paragraph starts at the left margin


# ---------------------------------------------------------------- SVG figures


def test_pdf_draws_svg_labels_right_to_left_as_a_browser_does(built: Path):
    """The SVG's labels are "الصين الهند" and "סין הודו": the first word on the right, each spelt right to left."""
    words = _words(built / "demo-reader.pdf")
    for first, second in (("الصين", "الهند"), ("סין", "הודו")):
        found = {w[3]: w for w in words if w[3] in (first, first[::-1], second, second[::-1])}
        # As drawn left to right: the second word, then the first, each with its letters reversed.
        assert set(found) == {first[::-1], second[::-1]}, found
        assert found[first[::-1]][0] > found[second[::-1]][1], found  # the first word stands right of the second
        assert abs(found[first[::-1]][2] - found[second[::-1]][2]) < 1  # on one line


def test_word_and_the_html_page_keep_the_svg_as_written(built: Path):
    """Word and browsers order SVG text themselves: they get the labels in logical order, untouched."""
    with zipfile.ZipFile(built / "demo-reader.docx") as archive:
        svgs = [archive.read(n).decode() for n in archive.namelist() if n.endswith(".svg")]
        pngs = [n for n in archive.namelist() if n.startswith("word/media/") and n.endswith(".png")]
    assert len(svgs) == 1 and pngs  # the SVG and its PNG fallback
    assert "الصين الهند" in svgs[0] and "סין הודו" in svgs[0] and "\u202d" not in svgs[0]
    page = html.fromstring((built / "demo-reader.html").read_bytes())
    src = next(img.get("src") for img in page.iter("img"))
    svg = base64.b64decode(src.split(",", 1)[1]).decode()
    assert "الصين الهند" in svg and "\u202d" not in svg


def test_a_chunk_in_right_to_left_direction_keeps_its_anchor_and_styled_words():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40">'
        '<text x="90" y="20" direction="rtl">اليابان <tspan fill="red">روسيا</tspan> (Japan)</text>'
        '<text x="10" y="30">Japan</text></svg>'
    ).encode()
    root = etree.fromstring(print_copy(svg))
    text, plain = root.findall("{http://www.w3.org/2000/svg}text")
    # Drawn left to right now, so anchored at its end: x stays the right edge, as "start" in rtl meant.
    assert (text.get("direction"), text.get("text-anchor")) == ("ltr", "end")
    shown = unicodedata.normalize("NFKC", "".join(text.itertext())).strip("\u202d\u202c")
    assert shown == "(Japan) " + "روسيا"[::-1] + " " + "اليابان"[::-1]
    assert text.find("{http://www.w3.org/2000/svg}tspan").get("fill") == "red"
    assert etree.tostring(plain).count(b"Japan") == 1 and plain.get("direction") is None
    assert print_copy(b'<svg xmlns="http://www.w3.org/2000/svg"><text>Japan</text></svg>') is None


# ---------------------------------------------------------------- parity


def test_parity_reads_bidirectional_text_in_logical_order(workspace: Path):
    assert check_parity(workspace) == []


def test_parity_still_finds_a_right_to_left_paragraph_missing_from_the_pdf(workspace: Path, tmp_path: Path):
    options = BuildOptions(audiences=("reader",), formats=("pdf", "docx"), force=True)
    word = next(o for o in render_all(workspace, options).outputs if o.format == "docx")
    other = tmp_path / "ws"
    shutil.copytree(workspace, other, ignore=shutil.ignore_patterns("dist"))
    block = other / "briefs/demo/blocks/hebrew.yaml"
    block.write_text(block.read_text(encoding="utf-8").replace("ועל רוסיה", "ועל סין"), encoding="utf-8")
    pdf = next(o for o in render_all(other, options).outputs if o.format == "pdf")
    problems = compare(pdf.data, word.data, pdf.text)
    assert problems == [f"paragraph in block 'hebrew' is in Word but not in the PDF: '{HEBREW_PARAGRAPH}'"]


def test_a_label_anchored_by_rtl_direction_stays_inside_the_picture_in_word(tmp_path: Path):
    """`direction="rtl" text-anchor="start"` puts a label's right end at x, as browsers and the PDF
    do; Word's PNG fallback (resvg) and LibreOffice ignore `direction`, so the SVG every format
    shows is anchored the left-to-right way and the label no longer runs off the right edge."""
    from io import BytesIO

    from PIL import Image

    ws = tmp_path / "bidi"
    shutil.copytree(FIXTURES / "bidi", ws)
    (ws / "briefs/demo/figures/labels.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 120" width="400" height="120">'
        '<rect x="0" y="0" width="400" height="120" fill="#FFFFFF"/>'
        '<text x="380" y="70" font-family="DejaVu Sans" font-size="32" direction="rtl" text-anchor="start">'
        "الصين الهند</text></svg>",
        encoding="utf-8",
    )
    build(ws, BuildOptions(audiences=("reader",), formats=("docx", "pdf"), out_dir=tmp_path / "out"))
    with zipfile.ZipFile(tmp_path / "out/demo/demo-reader.docx") as archive:
        svg = next(archive.read(n) for n in archive.namelist() if n.endswith(".svg"))
        png = next(archive.read(n) for n in archive.namelist() if n.endswith(".png"))
    label = etree.fromstring(svg).find("{http://www.w3.org/2000/svg}text")
    assert (label.get("text-anchor"), label.get("direction")) == ("end", "ltr")
    picture = Image.open(BytesIO(png)).convert("L")
    ink = picture.point(lambda v: 255 if v < 128 else 0).getbbox()
    assert ink is not None
    left, _, right, _ = ink
    assert right <= picture.width * 0.96 and left < picture.width * 0.6, (ink, picture.size)


def test_isolates_nest_and_the_spans_of_right_to_left_text_are_exact():
    rli, pdi = "\u2067", "\u2069"
    assert first_strong(f"{rli}{rli}abc{pdi} \u05d0{pdi} \u05d1") == "rtl"  # both isolates skipped
    assert first_strong(f"{rli}\u05d0{pdi}{pdi} abc") == "ltr"  # a stray closing mark counts for nothing
    assert first_strong(f"{pdi}{rli}abc{pdi}\u05d0") == "rtl"
    assert first_strong(f"{rli}{rli}x{pdi}abc{pdi}\u05d0") == "rtl"  # the inner isolate closed, the outer not yet
    assert first_strong("123 ...") is None
    assert rtl_spans("\u05d0 b") == [("\u05d0", True), (" b", False)]
    assert rtl_spans("a \u05d0\u05d1 1 \u05d2 c") == [("a ", False), ("\u05d0\u05d1 1 \u05d2", True), (" c", False)]
    from briefgen.content.bidi import visual_order

    assert visual_order("", True) == ("", [])
