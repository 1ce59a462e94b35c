"""Every DOCX briefgen writes is valid WordprocessingML, checked by an independent validator.

openxml-audit validates a package against the schema data of Microsoft's Open XML SDK (element
order, allowed children and attributes, relationships) and against the rules Word applies when
it decides a file has "unreadable content". The ECMA-376 XSDs themselves are not published on any
package registry, so they cannot be kept as test data; this validator is their stand-in.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES
from lxml import etree

from briefgen.build import BuildOptions, build

openxml_audit = pytest.importorskip("openxml_audit")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def problems(path: Path) -> list[str]:
    result = openxml_audit.OpenXmlValidator().validate(str(path))
    return [str(error) for error in result.errors]


@pytest.mark.slow
def test_every_audience_of_the_default_brief_is_valid(default_build: Path):
    files = sorted(default_build.glob("*.docx"))
    assert len(files) == 3  # policymaker, analyst, press
    for path in files:
        assert problems(path) == [], path.name


@pytest.mark.slow
def test_every_construct_of_the_writing_language_and_the_draft_watermark_are_valid(tmp_path: Path):
    out = tmp_path / "out"
    build(FIXTURES / "language", BuildOptions(all_audiences=True, formats=("docx",), out_dir=out, drafts=True))
    files = sorted(out.rglob("*.docx"))
    assert files
    for path in files:
        with zipfile.ZipFile(path) as z:
            assert "word/stylesWithEffects.xml" not in z.namelist()
        assert problems(path) == [], path.name


def test_a_misplaced_element_is_caught(default_build: Path, tmp_path: Path):
    """The check can fail: a w:pPr moved after a run (as an old bug did with bookmarks) is reported."""
    source = sorted(default_build.glob("*.docx"))[0]
    with zipfile.ZipFile(source) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    document = etree.fromstring(parts["word/document.xml"])
    paragraph = next(p for p in document.iter(f"{W}p") if p.find(f"{W}pPr") is not None and p.find(f"{W}r") is not None)
    paragraph.append(paragraph.find(f"{W}pPr"))
    parts["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    broken = tmp_path / "broken.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    broken.write_bytes(buffer.getvalue())
    found = problems(broken)
    assert found and any("pPr" in p for p in found), found
