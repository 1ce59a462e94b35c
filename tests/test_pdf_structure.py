"""The PDF's structure tree as a screen reader walks it: every word either tagged content or furniture.

Written from the Matterhorn protocol's machine-checkable failure conditions (veraPDF, the full
PDF/UA-1 validator, is on none of the package registries CI installs from). The content streams
and the structure tree are read with pypdf, not with the code that wrote them (`tests/readers.py`).
"""

from __future__ import annotations

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


def test_all_tagged_content_is_reachable_from_the_structure_root(default_build: Path, drafts: Path):
    """Matterhorn 01-005: content that is neither an artifact nor reached from the structure tree."""
    for pdf in _pdfs(default_build, drafts):
        marked = pdf_marked_content(pdf)
        reachable = pdf_reachable_mcids(pdf)
        for number, (found, tagged) in enumerate(zip(marked, reachable, strict=True), start=1):
            assert set(found) - {"artifact"} == tagged, f"{pdf.name}, page {number}"


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
