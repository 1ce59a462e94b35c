"""The Word package around the body: app properties, compatibility mode, paragraph element order.

Each test opens a real built DOCX, as Word or LibreOffice would.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, shared
from lxml import etree
from readers import W, libreoffice_pdf, pdf_text, squash

from briefgen import __version__
from briefgen.build import BuildOptions, build
from briefgen.render.docx import normalize_zip

APP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
PARAGRAPH_PARTS = re.compile(r"word/(document|footnotes|endnotes|comments|header\d*|footer\d*)\.xml")
# python-docx's template (and Word) write docProps/app.xml in this order
APP_ORDER = (
    "Template TotalTime Pages Words Characters Application DocSecurity Lines Paragraphs ScaleCrop "
    "HeadingPairs TitlesOfParts Manager Company LinksUpToDate CharactersWithSpaces SharedDoc HyperlinkBase "
    "HyperlinksChanged AppVersion"
).split()


def build_docx(workspace: Path, audience: str, out: Path) -> Path:
    result = build(workspace, BuildOptions(audiences=(audience,), formats=("docx",), out_dir=out, jobs=1))
    return next(o.path for o in result.outputs if o.format == "docx")


@pytest.fixture(scope=shared("module"))
def minimal_docx(tmp_path_factory) -> Path:
    return build_docx(FIXTURES / "minimal", "reader", tmp_path_factory.mktemp("pkg-min"))


@pytest.fixture(scope=shared("module"))
def analyst_docx(tmp_path_factory) -> Path:
    return build_docx(ROOT, "analyst", tmp_path_factory.mktemp("pkg-default"))


def part(path: Path, name: str):
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def body_words(path: Path) -> tuple[int, int]:
    """(words, paragraphs with text) of word/document.xml, reading each w:p's w:t text."""
    words = paragraphs = 0
    for p in part(path, "word/document.xml").iter(f"{W}p"):
        assert p.find(f".//{W}p") is None  # no text boxes in these briefs
        text = "".join(
            t.text or "" if t.tag == f"{W}t" else " " for t in p.iter(f"{W}t", f"{W}tab")
        )  # a tab parts words
        words += len(text.split())
        paragraphs += bool(text.strip())
    return words, paragraphs


def test_app_properties_name_briefgen_and_count_the_body(minimal_docx):
    app = part(minimal_docx, "docProps/app.xml")
    values = {etree.QName(child).localname: child.text for child in app}
    assert values["Application"] == "briefgen"
    assert re.fullmatch(r"\d\d\.\d{4}", values["AppVersion"])
    major, minor, patch = (int(n) for n in __version__.split(".")[:3])
    assert values["AppVersion"] == f"{major:02d}.{minor:02d}{patch:02d}"
    words, paragraphs = body_words(minimal_docx)
    assert words > 50
    assert values["Words"] == str(words)
    assert values["Paragraphs"] == str(paragraphs)
    assert 0 < int(values["Characters"]) < int(values["CharactersWithSpaces"])
    assert "Pages" not in values and "Lines" not in values  # only Word's layout knows them
    names = [etree.QName(child).localname for child in app]
    assert names == sorted(names, key=APP_ORDER.index)


def test_word_opens_it_in_current_mode_not_compatibility_mode(minimal_docx):
    settings = part(minimal_docx, "word/settings.xml")
    modes = [s for s in settings.iter(f"{W}compatSetting") if s.get(f"{W}name") == "compatibilityMode"]
    assert len(modes) == 1
    assert modes[0].get(f"{W}val") == "15"
    assert modes[0].get(f"{W}uri") == "http://schemas.microsoft.com/office/word"
    assert modes[0].getparent().tag == f"{W}compat"


def test_compatibility_mode_is_added_when_missing(minimal_docx):
    with zipfile.ZipFile(minimal_docx) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    settings = etree.fromstring(parts["word/settings.xml"])
    settings.remove(settings.find(f"{W}compat"))
    parts["word/settings.xml"] = etree.tostring(settings, xml_declaration=True, encoding="UTF-8", standalone=True)
    fixed = etree.fromstring(zipfile.ZipFile(io.BytesIO(normalize_zip(_zip(parts), _STAMP))).read("word/settings.xml"))
    names = [etree.QName(c).localname for c in fixed if isinstance(c.tag, str)]
    assert names.index("compat") < names.index("rsids")  # ECMA-376 order of w:settings
    (mode,) = fixed.find(f"{W}compat")
    assert (mode.get(f"{W}name"), mode.get(f"{W}val")) == ("compatibilityMode", "15")


def paragraphs_with_late_properties(path: Path) -> list[str]:
    late = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not PARAGRAPH_PARTS.fullmatch(name):
                continue
            for p in etree.fromstring(archive.read(name)).iter(f"{W}p"):
                children = [c for c in p if isinstance(c.tag, str)]
                if p.find(f"{W}pPr") is not None and children[0].tag != f"{W}pPr":
                    late.append(f"{name}: {[etree.QName(c).localname for c in children[:3]]}")
    return late


def test_paragraph_properties_come_first_in_the_default_brief(analyst_docx):
    assert paragraphs_with_late_properties(analyst_docx) == []


_STAMP = dt.datetime(2024, 1, 2)


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_normalize_moves_paragraph_properties_ahead_of_bookmarks(analyst_docx, tmp_path):
    with zipfile.ZipFile(analyst_docx) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    broken = 0
    for name in ("word/document.xml", "word/footnotes.xml", "word/header1.xml"):
        root = etree.fromstring(parts[name])
        for p in root.iter(f"{W}p"):
            properties = p.find(f"{W}pPr")
            if properties is not None and len(p) > 1:
                p.append(properties)  # behind its runs and bookmarks, where python-docx never puts it
                broken += 1
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    assert broken > 10
    path = tmp_path / "broken.docx"
    path.write_bytes(_zip(parts))
    assert paragraphs_with_late_properties(path)
    path.write_bytes(normalize_zip(path.read_bytes(), _STAMP))
    assert paragraphs_with_late_properties(path) == []


def test_package_is_reproducible(minimal_docx, tmp_path):
    again = build_docx(FIXTURES / "minimal", "reader", tmp_path)
    assert again.read_bytes() == minimal_docx.read_bytes()
    assert normalize_zip(again.read_bytes(), _STAMP) == normalize_zip(minimal_docx.read_bytes(), _STAMP)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer) is not installed")
def test_libreoffice_still_opens_it(minimal_docx, tmp_path):
    words, _ = body_words(minimal_docx)
    title = part(minimal_docx, "docProps/core.xml").findtext("{http://purl.org/dc/elements/1.1/}title")
    text = squash(pdf_text(libreoffice_pdf(minimal_docx, tmp_path)))
    assert title and squash(title) in text
    assert len(text.split()) >= words // 2
