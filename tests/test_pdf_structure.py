"""The PDF's structure tree as a screen reader walks it: every word either tagged content or furniture.

Written from the Matterhorn protocol's machine-checkable failure conditions (veraPDF, the full
PDF/UA-1 validator, is on none of the package registries CI installs from). The content streams
and the structure tree are read with pypdf, not with the code that wrote them (`tests/readers.py`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, shared
from readers import pdf_marked_content, pdf_reachable_mcids, pdf_structure, squash

from briefgen.build import BuildOptions, build


@pytest.fixture(scope=shared("module"))
def drafts(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("drafts")
    build(FIXTURES / "minimal", BuildOptions(all_audiences=True, formats=("pdf",), out_dir=out, drafts=True))
    return out / "demo"


def _pdfs(default_build: Path, drafts: Path) -> list[Path]:
    pdfs = sorted(default_build.glob("*.pdf")) + sorted(drafts.glob("*.pdf"))
    assert len(pdfs) == 6
    return pdfs


@pytest.mark.slow
def test_all_tagged_content_is_reachable_from_the_structure_root(default_build: Path, drafts: Path):
    """Matterhorn 01-005: content that is neither an artifact nor reached from the structure tree."""
    for pdf in _pdfs(default_build, drafts):
        marked = pdf_marked_content(pdf)
        reachable = pdf_reachable_mcids(pdf)
        for number, (found, tagged) in enumerate(zip(marked, reachable, strict=True), start=1):
            assert set(found) - {"artifact"} == tagged, f"{pdf.name}, page {number}"


@pytest.mark.slow
def test_running_heads_page_numbers_and_markings_are_artifacts_on_every_page(default_build: Path, drafts: Path):
    """PDF/UA-1 7.8: page furniture (running heads, page numbers, markings) is an artifact, not content."""
    for pdf in _pdfs(default_build, drafts):
        pages = pdf_marked_content(pdf)
        content = squash(" ".join(e.text for e in pdf_structure(pdf)[:1]))  # the document element holds all
        for number, found in enumerate(pages, start=1):
            furniture = squash(" ".join(found.get("artifact", [])))
            assert f"Page {number} of {len(pages)}" in furniture, f"{pdf.name}, page {number}"
            assert f"Page {number} of" not in content
        banner = {"japan-russia-analyst.pdf": "FOR OFFICIAL USE ONLY", "demo-boss.pdf": "INTERNAL USE"}.get(pdf.name)
        if banner:
            assert all(banner in squash(" ".join(p.get("artifact", []))) for p in pages), pdf.name
            assert banner not in content


def test_the_draft_watermark_is_an_artifact_and_the_draft_label_stays_content(drafts: Path):
    for pdf in sorted(drafts.glob("*.pdf")):
        pages = pdf_marked_content(pdf)
        assert all("DRAFT" in "".join(p.get("artifact", [])) for p in pages), pdf.name
        words = squash(pdf_structure(pdf)[0].text)
        assert words.count("DRAFT") == 1, pdf.name  # the masthead's "· DRAFT", read once, not per page


def test_every_link_says_where_it_goes_in_words_and_prints(default_build: Path):
    """PDF/UA-1 7.18.5 (a link annotation's alternate description) and WCAG 2.4.4: not the target's id."""
    from pypdf import PdfReader  # noqa: PLC0415

    described: list[str] = []
    for pdf in sorted(default_build.glob("*.pdf")):
        for page in PdfReader(str(pdf)).pages:
            for annotation in page.get("/Annots") or []:
                link = annotation.get_object()
                if link.get("/Subtype") != "/Link":
                    continue
                words = str(link.get("/Contents", ""))
                target = str(link.get("/Dest", "")) or str(link.get("/A", {}).get("/URI", ""))
                assert words and words != target and not words.startswith(("section-", "fn-", "block-", "#")), words
                assert int(link.get("/F", 0)) & 4, f"{pdf.name}: a link that does not print"
                described.append(words)
    assert "Figure 1" in described and "Note 1" in described


@pytest.mark.slow
def test_list_items_hold_a_label_and_a_body(default_build: Path, drafts: Path):
    """PDF/UA-1 7.6: L > LI > (Lbl, LBody); the paragraphs of an item inside its LBody."""
    seen = 0
    for pdf in _pdfs(default_build, drafts):
        items = [e for e in pdf_structure(pdf) if e.role == "/LI"]
        assert all(set(e.kids) <= {"/Lbl", "/LBody"} and "/LBody" in e.kids for e in items), pdf.name
        seen += sum("/Lbl" in e.kids for e in items)
    assert seen >= 12  # the analyst's bulleted lists among them


@pytest.mark.slow
def test_every_note_is_a_note_with_its_own_id(default_build: Path):
    """PDF/UA-1 7.9: footnotes and endnotes tagged Note, each with an ID the IDTree lists; the notes
    are the ones Word has (python-docx's count of the DOCX's notes, an independent reading)."""
    from pypdf import PdfReader  # noqa: PLC0415
    from readers import docx_notes  # noqa: PLC0415

    for pdf in sorted(default_build.glob("*.pdf")):
        notes = [e for e in pdf_structure(pdf) if e.role == "/Note"]
        ids = [e.id for e in notes]
        assert len(set(ids)) == len(ids) and all(ids), pdf.name
        numbers = {int(re.match(r"\s*(\d+)\.", e.text)[1]) for e in notes}  # type: ignore[index]
        docx = pdf.with_suffix(".docx")
        expected = len(docx_notes(docx)) or len(docx_notes(docx, "endnotes"))
        if not expected:  # endnotes are a list in the Word body: count the PDF's own numbering
            expected = max(numbers)
        assert numbers == set(range(1, expected + 1)), pdf.name
        tree = PdfReader(str(pdf)).trailer["/Root"]["/StructTreeRoot"]
        every_id = [e.id for e in pdf_structure(pdf) if e.id]
        assert len(set(every_id)) == len(every_id), pdf.name
        assert sorted(_names(tree["/IDTree"])) == sorted(every_id), pdf.name  # type: ignore[index]


def test_header_cells_say_whether_they_head_a_column_or_a_row(default_build: Path):
    """PDF/UA-1 7.5: every TH has a /Scope; header rows of the registers and Markdown tables head columns."""
    for pdf in sorted(default_build.glob("*.pdf")):
        cells = [e for e in pdf_structure(pdf) if e.role == "/TH"]
        assert cells, pdf.name
        assert all(str(e.attributes.get("/Scope")) == "/Column" for e in cells), pdf.name


def _names(node) -> list[str]:
    """The keys of a PDF name tree, leaves and intermediate nodes alike."""
    node = node.get_object()
    keys = [str(key) for key in node.get("/Names", [])[::2]]
    return keys + [key for kid in node.get("/Kids", []) for key in _names(kid)]


def test_each_contents_entry_is_one_link_and_its_dots_are_an_artifact(default_build: Path):
    """WCAG 2.4.4 and PDF/UA-1 7.18: one Link per entry, read as its title and page number, not
    three nested links and a run of full stops."""
    pdf = default_build / "japan-russia-analyst.pdf"
    elements = pdf_structure(pdf)
    links = [e for e in elements if e.role == "/Link"]
    assert not [e for e in links if "/Link" in e.kids]
    entries = [squash(e.text) for e in links if squash(e.text).startswith(("Background", "Risks", "Bibliography"))]
    assert entries[:3] == ["Background 1", "Risks 5", "Bibliography 7"]
    assert ".." not in elements[0].text
    assert any("....." in "".join(found.get("artifact", [])) for found in pdf_marked_content(pdf)[:1])
