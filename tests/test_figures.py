"""Figures: found, confined and checked at their file:line:col, then shown alike in every format.

tests/fixtures/figures/ has a PNG, a JPEG in the workspace's assets/, an SVG with text in the
house font and a Vega-Lite chart drawn from a CSV. It is built once for every audience in
every format; each test reads one output as its reader (or their software) would. The
hostile cases copy the fixture and put one bad figure in it each.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import socket
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import ContentStream
from readers import libreoffice_pdf, pdf_text, squash
from test_cli import run

from briefgen.build import BuildOptions, build
from briefgen.build.parity import compare, pdf_figures, read_docx

WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
ALTS = [
    "A blue square beside a red circle, labelled Alpha",
    "Three grey bars rising left to right",
    "A line rising from 1 in 2020 to 4 in 2023",
    "A green square logo",
]


@pytest.fixture
def figures_build(fixture_build) -> Path:
    return fixture_build("figures").out / "demo"  # a fresh copy: its caches started empty


def test_pdf_numbers_captions_and_tags_every_figure(figures_build: Path):
    text = squash(pdf_text(figures_build / "demo-reader.pdf"))
    for expected in [
        "The shapes are drawn in Figure 1.",
        "The bars tell the story (Figure 2); the trend agrees (Figure 3).",
        "Figure 1: Shapes drawn in SVG",
        "Figure 2: Bars in a PNG1",
        "Source: Made for the test",
        "Figure 4: The shared logo",
    ]:
        assert expected in text, expected
    assert "Figure 3: A trend drawn from a CSV" in text
    assert "![" not in text and "{#fig" not in text and "fig-alt" not in text
    assert pdf_figures((figures_build / "demo-reader.pdf").read_bytes()) == ALTS  # PDF/UA /Alt, in order


def _drawn_widths(path: Path) -> list[float]:
    """The width (points) at which each raster image is painted: the `cm` scale in force at its `Do`."""
    reader = PdfReader(str(path))
    widths = []
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        stack, matrix = [], [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                stack.append(matrix)
            elif operator == b"Q":
                matrix = stack.pop()
            elif operator == b"cm":
                a, b, c, d, e, f = (float(x) for x in operands)
                m = matrix
                matrix = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2], c * m[1] + d * m[3], 0, 0]
            elif operator == b"Do" and xobjects[operands[0]].get_object().get("/Subtype") == "/Image":
                widths.append(abs(matrix[0]))
    return widths


def test_pdf_paints_the_png_at_its_share_of_the_text_width(figures_build: Path):
    text_width = (210 - 40) * 72 / 25.4  # A4 less the house margins of 20 mm
    widths = _drawn_widths(figures_build / "demo-reader.pdf")
    assert any(abs(w - 0.6 * text_width) < 1.5 for w in widths), widths  # bars.png at width=60%
    assert any(abs(w - 0.2 * text_width) < 1.5 for w in widths), widths  # logo.jpg at width=20%


def test_figures_an_audience_does_not_receive_are_not_counted(figures_build: Path):
    text = squash(pdf_text(figures_build / "demo-boss.pdf"))
    assert "The bars tell the story (Figure 1)." in text  # the map block is the reader's alone
    assert "Figure 1: Bars in a PNG" in text
    assert "Figure 2" not in text


def test_word_has_each_picture_with_alt_text_caption_and_svg(figures_build: Path):
    path = figures_build / "demo-reader.docx"
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
        types = archive.read("[Content_Types].xml").decode()
        names = archive.namelist()
    assert [d.get("descr") for d in body.iter(f"{WP}docPr")] == ALTS
    svg_blips = [e for e in body.iter("{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip")]
    assert len(svg_blips) == 2  # the SVG and the chart, each beside its PNG
    assert 'Extension="svg" ContentType="image/svg+xml"' in types
    assert sum(n.endswith(".svg") for n in names) == 2 and any(n.endswith((".jpeg", ".jpg")) for n in names)
    word = read_docx(path.read_bytes())
    captions = [p.text for p in word.paragraphs if p.style == "Caption"]
    assert "Figure 1: Shapes drawn in SVG" in captions
    assert "Figure 3: A trend drawn from a CSV" in captions
    assert "Source: Made for the test" in captions
    widths = [int(e.get("cx")) for e in body.iter(f"{WP}extent")]
    text_width = int((210 - 40) * 36000)  # EMU per mm
    assert abs(widths[1] - 0.6 * text_width) < 36000  # bars.png at width=60%


def test_the_chart_text_is_set_in_the_house_font(figures_build: Path):
    with zipfile.ZipFile(figures_build / "demo-reader.docx") as archive:
        svgs = [archive.read(n).decode() for n in archive.namelist() if n.endswith(".svg")]
    chart = next(s for s in svgs if "2023" in s)
    families = set(re.findall(r'font-family="([^"]+)"', chart))
    assert families and all(f.split(",")[0].strip("'\" ") == "Carlito" for f in families), families


@pytest.mark.slow
def test_libreoffice_shows_the_same_figures(figures_build: Path, tmp_path: Path):
    pdf = libreoffice_pdf(figures_build / "demo-reader.docx", tmp_path)
    text = squash(pdf_text(pdf))
    for caption in ("Figure 1: Shapes drawn in SVG", "Figure 2: Bars in a PNG", "Figure 4: The shared logo"):
        assert caption in text
    reader = PdfReader(str(pdf))
    images = sum(
        1
        for page in reader.pages
        for x in page["/Resources"].get("/XObject", {}).values()
        if x.get_object().get("/Subtype") == "/Image"
    )
    assert images >= 2


def test_html_has_figures_with_alt_and_embedded_pictures(figures_build: Path):
    html = (figures_build / "demo-reader.html").read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="figure"[^>]*><img src="([^"]+)" alt="([^"]*)"[^>]*>(.*?)</figure>', html)
    assert [alt for _src, alt, _rest in figures] == ALTS
    assert all(
        src.startswith(("data:image/svg+xml;base64,", "data:image/png;base64,", "data:image/jpeg;base64,"))
        for src, _alt, _rest in figures
    )
    assert '<figcaption><span class="figure-label">Figure 2:</span> Bars in a PNG' in html
    assert 'id="fig-bars"' in html and 'href="#fig-bars"' in html


def test_markdown_export_carries_its_pictures(figures_build: Path):
    text = (figures_build / "demo-reader.md").read_text(encoding="utf-8")
    assert "](figures/bars.png){#fig-bars" in text and "](figures/trend.svg){#fig-trend" in text
    for name in ("figures/bars.png", "assets/logo.jpg", "figures/shapes.svg", "figures/trend.svg"):
        assert (figures_build / name).is_file(), name
    assert (figures_build / "figures" / "bars.png").read_bytes() == (
        FIXTURES / "figures/briefs/demo/figures/bars.png"
    ).read_bytes()


def test_parity_compares_figures(figures_build: Path):
    pdf = (figures_build / "demo-reader.pdf").read_bytes()
    docx = (figures_build / "demo-reader.docx").read_bytes()
    assert compare(pdf, docx) == []
    # Without its pictures the Word file no longer matches the PDF.
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as copy:
            for item in archive.infolist():
                data = archive.read(item)
                if item.filename == "word/document.xml":
                    data = re.sub(rb"<w:drawing>.*?</w:drawing>", b"", data, flags=re.S)
                copy.writestr(item, data)
    assert any(p.startswith("figures differ: the PDF has 4") for p in compare(pdf, out.getvalue()))


# ---------------------------------------------------------------- hostile and broken pictures


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A copy of the fixture with a secret outside it and a gallery of bad pictures inside."""
    ws = tmp_path / "ws"
    shutil.copytree(FIXTURES / "figures", ws, ignore=shutil.ignore_patterns("dist"))
    outside = tmp_path / "outside"
    outside.mkdir()
    figures = ws / "briefs/demo/figures"
    (outside / "secret.png").write_bytes((figures / "bars.png").read_bytes())
    os.symlink(outside / "secret.png", figures / "link.png")
    (figures / "anim.gif").write_bytes(b"GIF89a" + b"\0" * 20)
    data = (figures / "bars.png").read_bytes()
    (figures / "cut.png").write_bytes(data[: len(data) // 2])
    from PIL import Image

    Image.new("1", (8000, 8000)).save(figures / "bomb.png")  # 64 megapixels in a few kilobytes
    (figures / "broken.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect></svg>')
    (figures / "entities.svg").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>&xxe;</text></svg>'
    )
    (figures / "nosize.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>')
    return ws


def _check_with(ws: Path, *figures: str) -> tuple[int, list[str]]:
    body = "".join(f"  {line}\n\n" for line in figures)
    (ws / "briefs/demo/blocks/hostile.yaml").write_text(
        f"section: context\ntitle: Hostile\nstatus: approved\nsummary: Bad pictures.\nbody: |\n{body}"
    )
    result = run("--workspace", str(ws), "check")
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.splitlines()


PLACE = "briefs/demo/blocks/hostile.yaml:6:3: "
COLUMN = {"[![A](figures/bars.png){fig-alt=x}](https://example.org)": 4, "> ![A](figures/bars.png){fig-alt=x}": 5}
HOSTILE = {
    "![A](/etc/passwd){fig-alt=x}": "error: '/etc/passwd' is an absolute path; write the path from the brief's "
    "folder, for example figures/map.png [figure.path]",
    "![A](../../../outside/secret.png){fig-alt=x}": "error: '../../../outside/secret.png' leads outside the brief's "
    "folder; figures live in the brief's folder (for example figures/) or in the workspace's assets/ folder "
    "[figure.path]",
    "![A](figures/link.png){fig-alt=x}": "error: 'figures/link.png' is a link to a file outside the brief's folder "
    "and assets/; copy the picture into the brief's figures/ folder instead [figure.path]",
    "![A](http://example.org/map.png){fig-alt=x}": "error: 'http://example.org/map.png' is a web address or URL; "
    "builds never fetch anything: save the picture in the brief's figures/ folder and write its path, for example "
    "figures/map.png [figure.path]",
    "![A](file:///etc/passwd){fig-alt=x}": "error: 'file:///etc/passwd' is a web address or URL; builds never fetch "
    "anything: save the picture in the brief's figures/ folder and write its path, for example figures/map.png "
    "[figure.path]",
    "![A](data:image/png;base64,iVBORw0KGgo=){fig-alt=x}": "error: 'data:image/png;base64,iVBORw0KGgo=' is a "
    "picture written into the text; builds never fetch anything: save the picture in the brief's figures/ folder "
    "and write its path, for example figures/map.png [figure.path]",
    "![A](figures/bar.png){fig-alt=x}": "error: there is no file 'figures/bar.png' in the brief's folder (did you "
    "mean 'bars.png'?); check the name, or save the picture there [figure.path]",
    "![A](figures/anim.gif){fig-alt=x}": "error: 'briefs/demo/figures/anim.gif' is a GIF image; briefs show PNG, "
    "JPEG and SVG pictures: save it in one of those formats [figure.file]",
    "![A](figures/cut.png){fig-alt=x}": "error: 'briefs/demo/figures/cut.png' cannot be read as a picture (image "
    "file is truncated); save it again from the program that made it [figure.file]",
    "![A](figures/bomb.png){fig-alt=x}": "error: 'briefs/demo/figures/bomb.png' is 8000 x 8000 pixels (64 "
    "megapixels); the limit is 50 megapixels, far more than a page shows at 300 dpi: save a smaller copy "
    "[figure.file]",
    "![A](figures/broken.svg){fig-alt=x}": "error: 'briefs/demo/figures/broken.svg' is not well-formed SVG (Opening "
    "and ending tag mismatch: rect line 1 and svg, line 1, column 73); fix or re-export it [figure.file]",
    "![A](figures/entities.svg){fig-alt=x}": "error: 'briefs/demo/figures/entities.svg' declares entities in a "
    "<!DOCTYPE>, which can read files or grow without end; export it again without the DOCTYPE [figure.file]",
    "![A](figures/nosize.svg){fig-alt=x}": "error: 'briefs/demo/figures/nosize.svg' has neither a viewBox nor a "
    'width and height, so its proportions are unknown; add viewBox="0 0 W H" to its <svg> element [figure.file]',
    "![A](figures/bars.png)": "warning: the figure has no fig-alt, so readers who cannot see it learn nothing from "
    'it; describe what it shows in fig-alt="..." inside its {...} [figure.alt]',
    "![A](figures/bars.png){width=3in fig-alt=x}": "error: width=3in is not a percentage; write the width as a "
    "share of the text width, for example width=70% [figure.width]",
    "![](figures/bars.png){fig-alt=x}": "warning: the figure has no caption; write one between its square "
    "brackets: ![What it shows](file.png) [figure.caption]",
    "![A](figures/bars.png){width=0% fig-alt=x}": "warning: width=0% is outside 1% to 100% of the text width, so "
    "the figure is printed at 100%; write a width between 1% and 100% [figure.width]",
    "![A](figures/bars.png){widht=30% fig-alt=x}": "warning: the figure attribute 'widht' is not used (did you mean "
    "'width'?); briefgen reads #fig-id, width=, fig-alt= and source= [figure.attribute]",
    '![A](figures/bars.png){fig-alt=x source="After [@smith]"}': 'error: source="After [@smith]" is printed as '
    "written, so a citation there would show as '[@...]'; cite in the caption instead: ![What it shows "
    "[@key]](file.png) [figure.source]",
    "![A](figures){fig-alt=x}": "error: 'figures' is a folder; name the picture file inside it, for example "
    "figures/map.png [figure.path]",
    "[![A](figures/bars.png){fig-alt=x}](https://example.org)": "error: an image inside a link cannot be printed; "
    "put the picture in a paragraph of its own and the link in its caption or the text [figure.inline]",
    "> ![A](figures/bars.png){fig-alt=x}": "error: a figure cannot stand in a quote; move it to a paragraph of its "
    "own [figure.placement]",
}


@pytest.mark.parametrize("figure", sorted(HOSTILE))
def test_each_bad_figure_is_reported_where_it_stands(hostile: Path, figure: str):
    code, lines = _check_with(hostile, figure)
    place = PLACE.replace(":3:", f":{COLUMN.get(figure, 3)}:")
    assert [line for line in lines if line.startswith("briefs/demo/blocks/hostile.yaml")] == [place + HOSTILE[figure]]
    assert code == (1 if "error:" in HOSTILE[figure] else 0)


def test_a_missing_fig_alt_fails_strict_checks(hostile: Path):
    _check_with(hostile, "![A](figures/bars.png)")
    result = run("--workspace", str(hostile), "check", "--strict")
    assert result.exit_code == 1


def test_an_image_inside_a_sentence_or_with_detached_attributes_is_an_error(hostile: Path):
    code, lines = _check_with(
        hostile, "Text with ![an icon](figures/bars.png) inside.", "![A](figures/bars.png) {width=50%}"
    )
    assert code == 1
    assert (
        "briefs/demo/blocks/hostile.yaml:6:13: error: an image inside a sentence cannot be printed; put it in a "
        "paragraph of its own (a blank line before and after) to make it a figure [figure.inline]"
    ) in lines
    assert (
        "briefs/demo/blocks/hostile.yaml:8:26: error: the attributes '{width=50%}...' are apart from the image; "
        "write them right after its closing ')', without a space: ![caption](file.png){#fig-id width=70%} "
        "[figure.attributes]"
    ) in lines


def test_detached_attributes_are_one_error_and_references_to_the_figure_say_why(hostile: Path):
    code, lines = _check_with(hostile, "See @fig-apart.", '![A](figures/bars.png) {#fig-apart fig-alt="x"}')
    assert code == 1
    assert [line for line in lines if line.startswith("briefs/demo/blocks/hostile.yaml")] == [
        "briefs/demo/blocks/hostile.yaml:6:7: error: '@fig-apart' refers to a figure whose attributes stand apart "
        "from its image (see the error where {#fig-apart} is written); fix that figure and this reference will work "
        "[xref.unknown]",
        "briefs/demo/blocks/hostile.yaml:8:26: error: the attributes '{#fig-apart...' are apart from the image; write "
        "them right after its closing ')', without a space: ![caption](file.png){#fig-id width=70%} "
        "[figure.attributes]",
    ]


def test_a_cmyk_jpeg_is_shown_as_rgb_everywhere_with_a_warning(hostile: Path, tmp_path: Path):
    from PIL import Image

    Image.new("CMYK", (80, 40), (0, 100, 100, 0)).save(hostile / "briefs/demo/figures/print.jpg")
    code, lines = _check_with(hostile, "![Print](figures/print.jpg){fig-alt=x}")
    assert code == 0
    assert (
        PLACE + "warning: 'briefs/demo/figures/print.jpg' is a CMYK JPEG; it is shown converted to RGB, whose colours "
        "may differ a little: export it as RGB to control them [figure.converted]"
    ) in lines
    out = tmp_path / "out"
    build(hostile, BuildOptions(audiences=("reader",), formats=("docx", "pdf"), out_dir=out))
    with zipfile.ZipFile(out / "demo/demo-reader.docx") as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    assert "x" in [d.get("descr") for d in body.iter(f"{WP}docPr")]


def test_an_svg_is_cleaned_of_everything_that_refers_outside_it(hostile: Path):
    (hostile / "briefs/demo/figures/outward.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 50">\n'
        "  <style>@import url(http://example.org/x.css);</style>\n"
        '  <image href="http://example.org/track.png" width="10" height="10"/>\n'
        '  <image xlink:href="file:///etc/passwd" width="10" height="10"/>\n'
        '  <rect width="10" height="10" fill="url(http://example.org/p#g)"/>\n'
        "  <script>alert(1)</script>\n"
        '  <text x="1" y="40">Kept</text>\n'
        "</svg>\n"
    )
    code, lines = _check_with(hostile, "![Outward](figures/outward.svg){fig-alt=x}")
    assert code == 0
    advice = "draw it into the SVG or embed it, then save the SVG again [figure.svg-external]"
    at = "briefs/demo/figures/outward.svg:"
    gone = "was removed and nothing was"
    assert [line for line in lines if line.startswith(at)] == [
        f"{at}2:1: warning: a style sheet that loads files or uses escapes {gone} fetched; {advice}",
        f"{at}3:1: warning: the <image> of 'http://example.org/track.png' {gone} fetched; {advice}",
        f"{at}4:1: warning: the <image> of 'file:///etc/passwd' {gone} fetched; {advice}",
        f"{at}5:1: warning: the fill 'url(http://example.org/p#g)' refers outside the picture and was removed; "
        + advice,
        f"{at}6:1: warning: the <script> element {gone} run; pictures in a brief cannot run code [figure.svg-external]",
    ]
    out = hostile / "out"
    build(hostile, BuildOptions(audiences=("reader",), formats=("docx",), out_dir=out))
    with zipfile.ZipFile(out / "demo/demo-reader.docx") as archive:
        svg = next(archive.read(n) for n in archive.namelist() if n.endswith(".svg") and b"Kept" in archive.read(n))
    for gone in (b"example.org", b"passwd", b"script", b"@import"):
        assert gone not in svg
    assert b"Kept" in svg


@pytest.mark.slow
def test_a_build_with_figures_and_charts_opens_no_connection(tmp_path: Path, monkeypatch):
    ws = tmp_path / "ws"
    shutil.copytree(FIXTURES / "figures", ws, ignore=shutil.ignore_patterns("dist"))
    attempts: list[object] = []

    def refuse(self, address, *args):
        attempts.append(address)
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))
    build(ws, BuildOptions(all_audiences=True, formats=("pdf", "docx", "html", "md"), out_dir=tmp_path / "o", jobs=1))
    assert attempts == []
    assert (tmp_path / "o/demo/demo-reader.pdf").is_file()


def test_a_changed_picture_rebuilds_only_the_outputs_that_show_it(tmp_path: Path):
    ws = tmp_path / "ws"
    shutil.copytree(FIXTURES / "figures", ws, ignore=shutil.ignore_patterns("dist"))
    out = tmp_path / "o"
    options = BuildOptions(all_audiences=True, formats=("pdf",), out_dir=out, jobs=1)
    build(ws, options)
    svg = ws / "briefs/demo/figures/shapes.svg"
    svg.write_text(svg.read_text().replace("Alpha", "Beta"))  # only the reader's map block shows it
    second = build(ws, options)
    assert [o.audience for o in second.outputs] == ["reader"]
    assert [e["audience"] for e in second.up_to_date] == ["boss"]
    assert "Beta" in pdf_text(out / "demo/demo-reader.pdf")


def test_the_manifest_records_each_figure_file_and_the_blocks_that_show_it(figures_build: Path):
    figures = json.loads((figures_build / "manifest.json").read_text())["figures"]
    assert sorted(figures) == [
        "../../assets/logo.jpg",
        "figures/bars.png",
        "figures/shapes.svg",
        "figures/trend.csv",
        "figures/trend.vl.yaml",
    ]
    assert figures["figures/bars.png"]["blocks"] == ["bars"]
    assert figures["figures/trend.csv"]["blocks"] == ["bars"]
    bars = FIXTURES / "figures/briefs/demo/figures/bars.png"
    assert figures["figures/bars.png"]["sha256"] == hashlib.sha256(bars.read_bytes()).hexdigest()


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")
    return out.getvalue()


def test_svgs_that_would_exhaust_the_rasteriser_are_refused(hostile: Path):
    import base64

    figures = hostile / "briefs/demo/figures"
    (figures / "needle.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 100000"/>')
    bomb = base64.b64encode(_png(8000, 8000)).decode()
    (figures / "inner-bomb.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
        f'<image href="data:image/png;base64,{bomb}" width="10" height="10"/></svg>'
    )
    code, lines = _check_with(hostile, "![A](figures/needle.svg){fig-alt=x}", "![B](figures/inner-bomb.svg){fig-alt=x}")
    assert code == 1
    assert [line for line in lines if line.startswith("briefs/demo/blocks/hostile.yaml")] == [
        PLACE + "error: 'briefs/demo/figures/needle.svg' is 1 x 100000: proportions no page can hold; crop it or "
        "set its viewBox [figure.file]",
        "briefs/demo/blocks/hostile.yaml:8:3: error: 'the picture embedded at line 2 of 'briefs/demo/figures/"
        "inner-bomb.svg'' is 8000 x 8000 pixels (64 megapixels); the limit is 50 megapixels, far more than a page "
        "shows at 300 dpi: save a smaller copy [figure.file]",
    ]


def test_svg_references_hidden_in_instructions_escapes_and_animations_are_removed(hostile: Path):
    (hostile / "briefs/demo/figures/hidden.svg").write_text(
        '<?xml version="1.0"?>\n<?xml-stylesheet href="http://example.org/a.css"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
        "<style>a{}<!-- -->@\\69mport u\\72l(http://example.org/b.css);</style>\n"
        '<a><set attributeName="href" to="http://example.org/c"/></a>\n'
        '<rect width="5" height="5"/></svg>\n'
    )
    code, lines = _check_with(hostile, "![Hidden](figures/hidden.svg){fig-alt=x}")
    assert code == 0
    at = "briefs/demo/figures/hidden.svg:"
    assert [
        line.split(" warning: ")[0] + " " + line.split(" warning: ")[1][:30] for line in lines if line.startswith(at)
    ] == [
        f"{at}2:1: the processing instruction <?x",
        f"{at}4:1: a style sheet that loads files",
        f"{at}5:1: the <set> that changes a link ",
    ]


def test_a_linked_assets_folder_opens_nothing(hostile: Path, tmp_path: Path):
    os.symlink(tmp_path / "outside", hostile / "assets-link")
    shutil.rmtree(hostile / "assets")
    os.rename(hostile / "assets-link", hostile / "assets")
    code, lines = _check_with(hostile, "![A](assets/secret.png){fig-alt=x}")
    assert code == 1
    assert (
        PLACE
        + (
            "error: 'assets/secret.png': the workspace's assets/ folder is a link to a place outside the workspace, so "
            "nothing is read from it; make assets/ a real folder inside the workspace [figure.path]"
        )
        in lines
    )


def test_a_chart_in_assets_reads_the_data_beside_it(hostile: Path):
    figures = hostile / "briefs/demo/figures"
    shutil.copy(figures / "trend.vl.yaml", hostile / "assets/trend.vl.yaml")
    shutil.copy(figures / "trend.csv", hostile / "assets/trend.csv")
    code, lines = _check_with(hostile, "![Shared chart](assets/trend.vl.yaml){fig-alt=x}")
    assert code == 0, lines


def test_a_picture_the_pdf_engine_cannot_draw_is_an_error_at_the_figure(hostile: Path, tmp_path: Path, monkeypatch):
    from briefgen.content import figures

    (hostile / "briefs/demo/figures/odd.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 20)
    monkeypatch.setattr(figures, "raster_size", lambda data, name: (10, 10))
    monkeypatch.setattr(figures, "check_raster", lambda data, name: (10, 10, "RGB"))
    _check_with(hostile, "![Odd](figures/odd.png){fig-alt=x}")
    with pytest.raises(Exception) as failure:
        build(hostile, BuildOptions(audiences=("reader",), formats=("pdf",), out_dir=tmp_path / "o", jobs=1))
    messages = [d.format(hostile) for d in failure.value.diagnostics.items if d.severity == "error"]
    assert any(m.startswith(PLACE + "error: the PDF cannot show the figure 'figures/odd.png'") for m in messages)


def test_a_link_check_is_not_skipped_beside_a_figure(hostile: Path):
    (hostile / "briefs/demo/figures/javascript").write_bytes((hostile / "briefs/demo/figures/bars.png").read_bytes())
    code, lines = _check_with(hostile, "![A](figures/bars.png){fig-alt=x} and [x](javascript:alert(1))")
    assert code == 1
    assert any("links to 'javascript:' addresses are not allowed" in line for line in lines)


def test_a_bracket_right_after_a_figure_reference_is_explained_once(hostile: Path):
    code, lines = _check_with(hostile, "See @fig-shapes\n  [@smith].")
    assert code == 1
    assert [line for line in lines if line.startswith("briefs/demo/blocks/hostile.yaml")] == [
        "briefs/demo/blocks/hostile.yaml:6:7: error: '@fig-shapes' and the brackets right after it are read as one "
        "citation; put a word or punctuation between them, for example '@fig-shapes shows it [@source]' [xref.mixed]"
    ]
