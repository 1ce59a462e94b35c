"""The HTML output travels: its fonts are inside the file (cut to what the page uses), not links into this machine."""

from __future__ import annotations

import base64
import io
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES
from fontTools.ttLib import TTFont

from briefgen.build import BuildOptions, build
from briefgen.runtime.resources import DEFAULTS

FONT_FACE = re.compile(r"@font-face\s*\{(?P<body>[^}]*)\}")
SOURCE = re.compile(r'src:\s*url\("(?P<url>[^"]*)"\)')
FAMILY = re.compile(r'font-family:\s*"(?P<family>[^"]*)"')
DATA_URL = re.compile(r"data:(?P<type>[\w/+.-]+);base64,(?P<data>[A-Za-z0-9+/=]+)")


@pytest.fixture
def built_html(minimal_build: Path) -> str:
    return (minimal_build / "demo-reader.html").read_text(encoding="utf-8")


def font_faces(html: str) -> dict[str, str]:
    """Each @font-face of the page: its family with weight and style, and its source URL."""
    faces = {}
    for match in FONT_FACE.finditer(html):
        body = match.group("body")
        weight = re.search(r"font-weight:\s*(\w+)", body)
        style = re.search(r"font-style:\s*(\w+)", body)
        key = f"{FAMILY.search(body)['family']} {weight[1] if weight else ''} {style[1] if style else ''}"  # type: ignore[index]
        faces[key] = SOURCE.search(body)["url"]  # type: ignore[index]
    return faces


def test_html_links_no_file_on_this_machine(built_html):
    assert "file:" not in built_html
    assert "site-packages" not in built_html


def test_every_font_face_is_the_shipped_font_cut_to_the_page_s_characters_and_renamed(built_html):
    faces = font_faces(built_html)
    assert sorted(faces) == [
        "Carlito bold italic",
        "Carlito bold normal",
        "Carlito normal italic",
        "Carlito normal normal",
    ]
    shipped = {
        "Carlito bold italic": "Carlito-BoldItalic.ttf",
        "Carlito bold normal": "Carlito-Bold.ttf",
        "Carlito normal italic": "Carlito-Italic.ttf",
        "Carlito normal normal": "Carlito-Regular.ttf",
    }
    page_characters = {ord(c) for c in DATA_URL.sub("", built_html)}
    for key, url in faces.items():
        match = DATA_URL.fullmatch(url)
        assert match, f"{key}: {url[:60]}"
        data = base64.b64decode(match["data"])
        assert match["type"] == "font/woff2" and data[:4] == b"wOF2"
        embedded = TTFont(io.BytesIO(data))
        original = TTFont(DEFAULTS / "styles" / "fonts" / shipped[key])
        # every character of the page the shipped font draws, with the same advance; beyond them only the
        # rest of each run of 128 code points the page touches (one subset serves a brief's pages)
        wanted = page_characters & set(original.getBestCmap())
        runs = {code for c in page_characters for code in range(c & ~0x7F, (c & ~0x7F) + 0x80)}
        assert wanted <= set(embedded.getBestCmap()) <= runs & set(original.getBestCmap())
        glyphs, shipped_glyphs = embedded.getGlyphSet(), original.getGlyphSet()
        for code in wanted:
            ours, theirs = embedded.getBestCmap()[code], original.getBestCmap()[code]
            assert glyphs[ours].width == shipped_glyphs[theirs].width, chr(code)
        assert len(embedded.getGlyphOrder()) < len(original.getGlyphOrder()) / 4
        # a modified font does not carry the Reserved Font Name (SIL OFL 1.1); copyright and licence stay
        names = embedded["name"]
        assert all("Carlito" not in str(names.getDebugName(i)) for i in (1, 3, 4, 6, 16, 17))
        assert names.getDebugName(1) == "Briefgen Subset"
        assert names.getDebugName(0) == original["name"].getDebugName(0)
        assert names.getDebugName(13) == original["name"].getDebugName(13)


def test_html_of_the_default_brief_stays_small(default_build):
    sizes = {page.name: page.stat().st_size for page in default_build.glob("*.html")}
    assert len(sizes) == 3 and max(sizes.values()) < 400 * 1024, sizes


def test_a_workspace_font_is_embedded_too(tmp_path):
    workspace = tmp_path / "minimal"
    shutil.copytree(FIXTURES / "minimal", workspace)
    (workspace / "styles" / "fonts").mkdir(parents=True)
    shutil.copy(
        DEFAULTS / "styles" / "fonts" / "Carlito-Regular.ttf", workspace / "styles" / "fonts" / "House-Regular.ttf"
    )
    build(workspace, BuildOptions(audiences=("reader",), formats=("html",), out_dir=tmp_path / "out"))
    html = (tmp_path / "out" / "demo" / "demo-reader.html").read_text(encoding="utf-8")
    assert "file:" not in html
    face = font_faces(html)["House normal normal"]
    assert base64.b64decode(DATA_URL.fullmatch(face)["data"])[:4] == b"wOF2"  # type: ignore[index]


def test_a_damaged_workspace_font_is_left_out_and_the_html_still_builds(tmp_path):
    workspace = tmp_path / "minimal"
    shutil.copytree(FIXTURES / "minimal", workspace)
    (workspace / "styles" / "fonts").mkdir(parents=True)
    (workspace / "styles" / "fonts" / "Broken-Regular.ttf").write_bytes(b"not a font at all")
    build(workspace, BuildOptions(audiences=("reader",), formats=("html",), out_dir=tmp_path / "out"))
    html = (tmp_path / "out" / "demo" / "demo-reader.html").read_text(encoding="utf-8")
    assert font_faces(html)["Broken normal normal"] == "data:font/ttf;base64,"
    assert "bm90IGEgZm9udA" not in html  # the file's bytes, base64: not copied into the page


def test_the_pdf_still_has_its_fonts(minimal_build):
    from pypdf import PdfReader

    reader = PdfReader(minimal_build / "demo-reader.pdf")
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index, union-attr]
    }
    assert "Carlito" in fonts or any(name.startswith("Carlito") for name in fonts)
