"""Figures in Word: an inline picture with its alt text, sized to the text width, captioned below.

A Document is made directly (no workspace) with pictures drawn in tmp_path, rendered by
render_docx, and read back as Word and LibreOffice read the package: its XML, its parts and
their content types, and LibreOffice's own layout of it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image, ImageDraw
from pypdf import PdfReader
from readers import libreoffice_pdf, pdf_text, squash

from briefgen.content.style import load_style
from briefgen.errors import BriefgenError
from briefgen.model import (
    AudienceProfile,
    Block,
    DocBlock,
    DocSection,
    Document,
    Figure,
    Para,
    Picture,
    Strong,
    Text,
)
from briefgen.render.docx import render_docx

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "asvg": "http://schemas.microsoft.com/office/drawing/2016/SVG/main",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
R_EMBED = f"{{{NS['r']}}}embed"
SVG_EXTENSION = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"


def _png(path: Path, size: tuple[int, int], color: str) -> Path:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).rectangle((size[0] // 10, size[1] // 10, size[0] * 9 // 10, size[1] * 9 // 10), fill=color)
    image.save(path)
    return path


@pytest.fixture
def pictures(tmp_path: Path) -> dict[str, Picture]:
    """A 400×200 PNG, and a 300×150 SVG with its 300 dpi PNG fallback."""
    png = _png(tmp_path / "bars.png", (400, 200), "#1B3A5C")
    svg = tmp_path / "chart.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="150" viewBox="0 0 300 150">'
        '<rect x="30" y="15" width="240" height="120" fill="#A4161A"/></svg>',
        encoding="utf-8",
    )
    fallback = _png(tmp_path / "chart.fallback.png", (938, 469), "#A4161A")
    return {
        "png": Picture(png, "png", 400, 200, "d-png"),
        "svg": Picture(svg, "svg", 300, 150, "d-svg", fallback=fallback),
    }


def _render(tmp_path: Path, blocks: tuple[Block, ...], name: str = "figures.docx") -> Path:
    audience = AudienceProfile("reader", "Reader", "full", ("background",))
    block = DocBlock("b1", tmp_path / "b1.yaml", "analysis", "Supplies", blocks, "approved")
    doc = Document(
        "demo",
        audience,
        "Figures",
        "",
        dt.date(2024, 1, 1),
        "1",
        "Org",
        (),
        (DocSection("background", "Background", (block,)),),
    )
    path = tmp_path / name
    path.write_bytes(render_docx(doc, load_style(None)))
    return path


def _xml(path: Path, part: str):
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(part))


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{{{NS['w']}}}t"))


def _text_width(body) -> int:
    """The text block's width in EMU, as Word computes it from the section's page and margins."""
    sect = body.find("w:sectPr", NS)
    width = int(sect.find("w:pgSz", NS).get(f"{{{NS['w']}}}w"))
    margins = sect.find("w:pgMar", NS)
    left, right = (int(margins.get(f"{{{NS['w']}}}{side}")) for side in ("left", "right"))
    return (width - left - right) * 635


def _relationships(path: Path) -> dict[str, str]:
    rels = _xml(path, "word/_rels/document.xml.rels")
    return {rel.get("Id"): rel.get("Target") for rel in rels.findall("rel:Relationship", NS)}


def _figure_paragraphs(body) -> list:
    """Each paragraph holding a drawing, with the paragraphs that follow it."""
    paragraphs = body.findall("w:p", NS)
    return [paragraphs[i:] for i, p in enumerate(paragraphs) if p.find(".//w:drawing", NS) is not None]


def _has(p, prop: str) -> bool:
    """Whether a paragraph's own properties switch `prop` (keepNext, keepLines) on."""
    el = p.find(f"w:pPr/w:{prop}", NS)
    return el is not None and el.get(f"{{{NS['w']}}}val") not in ("0", "false")


def test_png_figure_is_a_captioned_inline_picture_with_alt_text(tmp_path: Path, pictures):
    figure = Figure(
        "bars.png",
        (Text("Supplies of "), Strong((Text("critical"),)), Text(" materials")),
        id="fig-bars",
        alt="Bar chart: China supplies 98% of rare earths",
        width=0.7,
        source="Eurostat, 2024",
        number=1,
        picture=pictures["png"],
    )
    path = _render(tmp_path, (Para((Text("Before."),)), figure, Para((Text("After."),))))
    body = _xml(path, "word/document.xml").find("w:body", NS)
    [following] = _figure_paragraphs(body)
    picture_p, caption, source, after = following[:4]

    inline = picture_p.find("w:r/w:drawing/wp:inline", NS)
    assert inline.find("wp:docPr", NS).get("descr") == figure.alt
    assert inline.find("wp:docPr", NS).get("name") == "Figure 1"
    assert inline.find(".//pic:cNvPr", NS).get("descr") == figure.alt
    assert inline.find("wp:cNvGraphicFramePr/a:graphicFrameLocks", NS).get("noChangeAspect") == "1"
    extent = inline.find("wp:extent", NS)
    cx, cy = int(extent.get("cx")), int(extent.get("cy"))
    assert abs(cx - 0.7 * _text_width(body)) <= 1
    assert abs(cy - cx * 200 / 400) <= 1
    xfrm = inline.find(".//pic:spPr/a:xfrm/a:ext", NS)
    assert (int(xfrm.get("cx")), int(xfrm.get("cy"))) == (cx, cy)

    target = _relationships(path)[inline.find(".//a:blip", NS).get(R_EMBED)]
    with zipfile.ZipFile(path) as archive:
        assert archive.read(f"word/{target}") == pictures["png"].path.read_bytes()
    content_types = _xml(path, "[Content_Types].xml")
    assert content_types.find("ct:Default[@Extension='png']", NS).get("ContentType") == "image/png"

    # Centred, kept whole and with its caption; single spacing, so the picture is not cut to one line.
    assert picture_p.find("w:pPr/w:jc", NS).get(f"{{{NS['w']}}}val") == "center"
    assert _has(picture_p, "keepNext") and _has(picture_p, "keepLines")
    assert picture_p.find("w:pPr/w:spacing", NS).get(f"{{{NS['w']}}}lineRule") == "auto"

    assert _text(caption) == "Figure 1: Supplies of critical materials"
    assert caption.find("w:pPr/w:pStyle", NS).get(f"{{{NS['w']}}}val") == "Caption"
    label = caption.find("w:r", NS)
    assert _text(label) == "Figure 1:" and label.find("w:rPr/w:b", NS) is not None
    assert caption.find("w:bookmarkStart", NS).get(f"{{{NS['w']}}}name") == "fig-bars"
    assert _has(caption, "keepNext")  # the source line follows

    assert _text(source) == "Source: Eurostat, 2024"
    assert source.find("w:pPr/w:pStyle", NS).get(f"{{{NS['w']}}}val") == "Caption"
    assert not _has(source, "keepNext")  # the Caption style's keep-with-next is switched off
    assert source.find("w:r/w:rPr/w:color", NS).get(f"{{{NS['w']}}}val") == "5B6470"  # theme colour muted
    assert source.find("w:r/w:rPr/w:sz", NS).get(f"{{{NS['w']}}}val") == "17"  # sizes.small, 8.5 pt
    assert _text(after) == "After."


def test_svg_figure_embeds_the_png_fallback_and_the_svg_as_word_writes_it(tmp_path: Path, pictures):
    svg = pictures["svg"]
    first = Figure("chart.svg", (Text("A chart"),), id="fig-chart", alt="A red box", width=0.5, number=1, picture=svg)
    again = Figure("chart.svg", (Text("The chart again"),), alt="The red box again", width=0.3, number=2, picture=svg)
    path = _render(tmp_path, (first, Para((Text("Between."),)), again))
    body = _xml(path, "word/document.xml").find("w:body", NS)
    rels = _relationships(path)
    drawings = [following[0].find(".//wp:inline", NS) for following in _figure_paragraphs(body)]
    assert len(drawings) == 2

    targets = set()
    for inline in drawings:
        blip = inline.find(".//a:blip", NS)
        ext = blip.find("a:extLst/a:ext", NS)
        assert ext.get("uri") == SVG_EXTENSION
        svg_blip = ext.find("asvg:svgBlip", NS)
        fallback, vector = rels[blip.get(R_EMBED)], rels[svg_blip.get(R_EMBED)]
        assert fallback.endswith(".png") and vector.endswith(".svg")
        targets.add((fallback, vector))
    assert len(targets) == 1  # the same picture twice: one PNG part and one SVG part
    [(fallback, vector)] = targets

    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert archive.read(f"word/{vector}") == svg.path.read_bytes()
        assert archive.read(f"word/{fallback}") == svg.fallback.read_bytes()
    assert sum(name.startswith("word/media/") for name in names) == 2
    assert sum(target.endswith(".svg") for target in rels.values()) == 1
    content_types = _xml(path, "[Content_Types].xml")
    assert content_types.find("ct:Default[@Extension='svg']", NS).get("ContentType") == "image/svg+xml"
    assert content_types.find("ct:Override[@ContentType='image/svg+xml']", NS) is None

    ids = [inline.find("wp:docPr", NS).get("id") for inline in drawings]
    assert len(set(ids)) == 2
    widths = [int(inline.find("wp:extent", NS).get("cx")) for inline in drawings]
    assert abs(widths[0] - 0.5 * _text_width(body)) <= 1 and abs(widths[1] - 0.3 * _text_width(body)) <= 1
    for inline, cx in zip(drawings, widths, strict=True):
        assert abs(int(inline.find("wp:extent", NS).get("cy")) - cx / 2) <= 1

    caption = _figure_paragraphs(body)[1][1]
    assert _text(caption) == "Figure 2: The chart again"
    assert not _has(caption, "keepNext")  # no source line: nothing to keep the caption with


def test_figure_sizes_stay_inside_the_text_block(tmp_path: Path, pictures):
    tall = _png(tmp_path / "tall.png", (100, 1000), "#2E6B3A")
    figures = (
        Figure("bars.png", (), alt="wide", width=1.0, picture=pictures["png"]),
        Figure("tall.png", (), alt="tall", width=1.0, picture=Picture(tall, "png", 100, 1000, "d")),
    )
    body = _xml(_render(tmp_path, figures), "word/document.xml").find("w:body", NS)
    text_width = _text_width(body)
    sect = body.find("w:sectPr", NS)
    page_height = int(sect.find("w:pgSz", NS).get(f"{{{NS['w']}}}h"))
    margins = sect.find("w:pgMar", NS)
    text_height = (page_height - int(margins.get(f"{{{NS['w']}}}top")) - int(margins.get(f"{{{NS['w']}}}bottom"))) * 635
    extents = [
        (int(e.get("cx")), int(e.get("cy")))
        for e in (following[0].find(".//wp:extent", NS) for following in _figure_paragraphs(body))
    ]
    assert abs(extents[0][0] - text_width) <= 1
    cx, cy = extents[1]
    assert cy < text_height and cx < text_width  # shrunk to fit the page, at its proportions
    assert abs(cy - 10 * cx) <= 10


def test_figure_without_number_has_no_label_and_bookmarks_what_it_has(tmp_path: Path, pictures):
    unnumbered = Figure("bars.png", (Text("An aside"),), alt="bars", picture=pictures["png"])
    bare = Figure("bars.png", (), id="fig-bare", alt="bars again", picture=pictures["png"])
    body = _xml(_render(tmp_path, (unnumbered, bare, Para((Text("End."),)))), "word/document.xml").find("w:body", NS)
    first, second = _figure_paragraphs(body)
    assert _text(first[1]) == "An aside"
    assert second[0].find("w:bookmarkStart", NS).get(f"{{{NS['w']}}}name") == "fig-bare"
    assert not _has(second[0], "keepNext")  # nothing of the figure follows the picture
    assert _text(second[1]) == "End."


def test_jpeg_figure_is_embedded_as_a_jpeg(tmp_path: Path):
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (300, 200), "#9A5B00").save(photo, "JPEG")
    figure = Figure(
        "photo.jpg", (Text("A photo"),), alt="A photo", number=1, picture=Picture(photo, "jpeg", 300, 200, "d")
    )
    path = _render(tmp_path, (figure,))
    body = _xml(path, "word/document.xml").find("w:body", NS)
    blip = _figure_paragraphs(body)[0][0].find(".//a:blip", NS)
    target = _relationships(path)[blip.get(R_EMBED)]
    extension = target.rsplit(".", 1)[1]
    content_types = _xml(path, "[Content_Types].xml")
    assert content_types.find(f"ct:Default[@Extension='{extension}']", NS).get("ContentType") == "image/jpeg"
    with zipfile.ZipFile(path) as archive:
        assert archive.read(f"word/{target}") == photo.read_bytes()


def test_figure_without_checked_picture_is_refused(tmp_path: Path):
    with pytest.raises(BriefgenError, match="no checked picture"):
        _render(tmp_path, (Figure("missing.png", (Text("Gone"),), number=1),))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer) is not installed")
def test_libreoffice_shows_the_pictures_and_their_captions(tmp_path: Path, pictures):
    figures = (
        Figure(
            "bars.png",
            (Text("Supplies by country"),),
            id="fig-bars",
            alt="Bars",
            width=0.7,
            source="Eurostat, 2024",
            number=1,
            picture=pictures["png"],
        ),
        Figure("chart.svg", (Text("A vector chart"),), alt="Box", width=0.5, number=2, picture=pictures["svg"]),
    )
    out = tmp_path / "lo-out"
    out.mkdir()
    pdf = libreoffice_pdf(_render(tmp_path, figures), out)
    images = 0
    for page in PdfReader(str(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject")
        if xobjects is not None:
            images += sum(xobject.get_object()["/Subtype"] == "/Image" for xobject in xobjects.get_object().values())
    assert images >= 2
    text = squash(pdf_text(pdf))
    assert "Figure 1: Supplies by country" in text
    assert "Source: Eurostat, 2024" in text
    assert "Figure 2: A vector chart" in text
