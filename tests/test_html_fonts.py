"""The HTML output travels: its fonts are inside the file, not links into this machine's site-packages."""

from __future__ import annotations

import base64
import io
import re
import shutil

import pytest
from conftest import FIXTURES, shared
from fontTools.ttLib import TTFont

from briefgen.build import BuildOptions, build
from briefgen.runtime.resources import DEFAULTS

FONT_FACE = re.compile(r"@font-face\s*\{(?P<body>[^}]*)\}")
SOURCE = re.compile(r'src:\s*url\("(?P<url>[^"]*)"\)')
FAMILY = re.compile(r'font-family:\s*"(?P<family>[^"]*)"')
DATA_URL = re.compile(r"data:(?P<type>[\w/+.-]+);base64,(?P<data>[A-Za-z0-9+/=]+)")


@pytest.fixture(scope=shared("module"))
def built_html(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("html")
    build(FIXTURES / "minimal", BuildOptions(all_audiences=True, formats=("html",), out_dir=out))
    return (out / "demo" / "demo-reader.html").read_text(encoding="utf-8")


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


def test_every_font_face_is_the_shipped_font_inside_the_file(built_html):
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
    for key, url in faces.items():
        match = DATA_URL.fullmatch(url)
        assert match, f"{key}: {url[:60]}"
        data = base64.b64decode(match["data"])
        assert match["type"] == "font/woff" and data[:4] == b"wOFF"
        embedded = TTFont(io.BytesIO(data))
        original = TTFont(DEFAULTS / "styles" / "fonts" / shipped[key])
        # Unmodified (the licence reserves the name Carlito for unmodified fonts): every table byte for byte.
        assert sorted(embedded.reader.keys()) == sorted(original.reader.keys())
        assert all(embedded.reader[tag] == original.reader[tag] for tag in original.reader.keys())
        assert embedded["name"].getDebugName(1) == "Carlito"


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
    assert base64.b64decode(DATA_URL.fullmatch(face)["data"])[:4] == b"wOFF"  # type: ignore[index]


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
