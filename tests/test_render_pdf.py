"""The PDF a reader opens: text, pages, markings, notes, fonts, metadata, budgets."""

from pathlib import Path

from conftest import FIXTURES
from pypdf import PdfReader
from readers import pdf_pages, pdf_text, squash


def test_policymaker_pdf_fits_two_pages_with_marking_on_every_page(default_build: Path):
    pages = pdf_pages(default_build / "japan-russia-policymaker.pdf")
    assert len(pages) == 2
    for number, text in enumerate(pages, start=1):
        assert text.count("FOR OFFICIAL USE ONLY") == 2, number  # top and bottom banner
        assert f"Page {number} of 2" in text


def test_masthead_and_decision_memo_parts(default_build: Path):
    text = squash(pdf_text(default_build / "japan-russia-policymaker.pdf"))
    assert "Prepared for: Senior policymaker" in text
    assert "Northeast Asia Policy Unit".upper() in text
    assert "Bottom line" in text
    assert text.index("Recommended action") < text.index("Recommendations")
    assert text.count("Approve ________") == 3
    assert "Hokkaidō" in pdf_text(default_build / "japan-russia-analyst.pdf")


def test_press_pdf_has_no_marking_and_no_internal_block(default_build: Path):
    text = squash(pdf_text(default_build / "japan-russia-press.pdf"))
    assert "FOR OFFICIAL USE ONLY" not in text
    assert "Turn the screws" not in text
    assert "Keep Japan focused on China" in text
    assert "Notes" in text and "Bibliography" in text  # endnotes, then the bibliography


def test_footnotes_are_numbered_and_at_the_page_foot(default_build: Path):
    pages = pdf_pages(default_build / "japan-russia-analyst.pdf")
    first = pages[0]
    lines = [line.strip() for line in first.splitlines()]
    assert any(
        line.startswith("1. \u201cJapan-Russia Relations After the Russian-Ukrainian War,\u201d") for line in lines
    )
    # the footnote text stands after the body text on its page
    assert first.index("Foreign Policy Research Institute.") > first.index("Hokkaidō")


def test_analyst_brief_has_bibliography_with_both_sources(default_build: Path):
    text = squash(pdf_text(default_build / "japan-russia-analyst.pdf"))
    bibliography = text[text.rindex("Bibliography") :]
    assert "Dominguez, Gabriel. \u201cJapan Dismayed at Russia\u2019s Missile Deployment" in bibliography
    assert "Foreign Policy Research Institute. \u201cJapan-Russia Relations" in bibliography


def test_long_brief_gets_a_contents_list_with_page_numbers(default_build: Path):
    text = pdf_text(default_build / "japan-russia-analyst.pdf")
    assert len(pdf_pages(default_build / "japan-russia-analyst.pdf")) > 4
    assert "Contents" in text
    policymaker = pdf_text(default_build / "japan-russia-policymaker.pdf")
    assert "Contents" not in policymaker


def test_metadata_bookmarks_and_embedded_fonts(default_build: Path):
    reader = PdfReader(str(default_build / "japan-russia-analyst.pdf"))
    meta = reader.metadata
    assert meta.title == "Japan and Russia after the invasion of Ukraine"
    assert meta.author == "Northeast Asia Desk"
    assert meta.subject == "Regional analyst"
    assert reader.trailer["/Root"]["/Lang"] == "en-US"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[:3] == ["Background", "Abe\u2019s new approach, 2012-2020", "The China factor"]
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(k in descriptor.get_object() for k in ("/FontFile2", "/FontFile3", "/FontFile")), font
    # The house font, and Noto Sans CJK for the Japanese name of the islands (北方領土); both embedded.
    assert {f.split("-")[0] for f in fonts} == {"Carlito", "Noto"}
    assert any(f.startswith("Noto-Sans-CJK") for f in fonts), fonts


def test_over_budget_is_a_warning_and_strict_makes_it_an_error(minimal: Path):
    import pytest

    from briefgen.build import BuildOptions, build
    from briefgen.errors import ContentError

    long_text = " ".join(["This sentence makes the brief far longer than its budget allows."] * 400)
    (minimal / "briefs/demo/blocks/history.yaml").write_text(
        f"section: context\ntitle: History\nstatus: approved\nsummary: {long_text}\nbody: short [@fpri].\n",
        encoding="utf-8",
    )
    result = build(minimal, BuildOptions(audiences=("boss",), formats=("pdf",), out_dir=minimal / "out"))
    warnings = [d.message for d in result.diagnostics.warnings]
    assert len(warnings) == 1 and "over its budget of 2" in warnings[0] and "history (" in warnings[0]
    assert result.manifest["outputs"][0]["warnings"] == warnings
    with pytest.raises(ContentError) as failure:
        build(minimal, BuildOptions(audiences=("boss",), formats=("pdf",), out_dir=minimal / "out2", strict=True))
    assert "[budget.pages]" in failure.value.message
    assert not (minimal / "out2").exists()


def test_every_footnote_reaches_the_page(default_build: Path):
    """WeasyPrint can drop a footnote at a page break; the renderer checks and relayouts."""
    text = squash(pdf_text(default_build / "japan-russia-analyst.pdf"))
    from readers import docx_notes

    from briefgen.build.parity import comparable

    notes = docx_notes(default_build / "japan-russia-analyst.docx")
    for number, note in enumerate(notes, start=1):  # notes are hyphenated at line ends: compare the words
        assert comparable(f"{number}. {note}") in comparable(text), number


def test_footnote_check_can_see_the_layout():
    from briefgen.build import BuildOptions, render_all  # noqa: F401
    from briefgen.content.style import load_style
    from briefgen.document.cite import cite, resolve_style
    from briefgen.document.select import audiences_for, select
    from briefgen.document.workspace import open_workspace
    from briefgen.render.pdf import layout, placed_footnotes

    ws, _ = open_workspace(FIXTURES / "minimal")
    brief = ws.briefs["demo"]
    doc = select(brief, audiences_for(ws, brief)["boss"])
    doc = cite(doc, brief.references, resolve_style(doc.csl, brief.folder, ws.root))
    rendered, _warnings, _refused = layout(doc, load_style(ws.root))
    assert placed_footnotes(rendered) == {n.number for n in doc.notes}


def test_every_block_traces_back_to_its_file(default_build: Path):
    import json
    import zipfile

    manifest = json.loads((default_build / "manifest.json").read_text())
    entry = next(o for o in manifest["outputs"] if o["audience"] == "analyst" and o["format"] == "pdf")
    destinations = PdfReader(str(default_build / "japan-russia-analyst.pdf")).named_destinations
    html = (default_build / "japan-russia-analyst.html").read_text()
    with zipfile.ZipFile(default_build / "japan-russia-analyst.docx") as archive:
        document_xml = archive.read("word/document.xml").decode()
    for block_id in entry["blocks"]:
        assert f"block-{block_id}" in destinations
        assert f'data-block="{block_id}"' in html
        assert f'w:name="block-{block_id}' in document_xml
        source = manifest["sources"][block_id]
        assert source["path"] == f"blocks/{block_id}.yaml" and len(source["sha256"]) == 64


def test_a_document_too_long_for_a_reader_is_a_warning_before_layout(minimal: Path, tmp_path: Path, monkeypatch):
    from briefgen.build import BuildOptions, build
    from briefgen.render import pdf

    monkeypatch.setattr(pdf, "LARGE_DOCUMENT_PAGES", 0)  # the minimal brief stands in for a 700-page one
    result = build(minimal, BuildOptions(audiences=("reader",), formats=("pdf",), out_dir=tmp_path, jobs=1))
    messages = [d.message for d in result.diagnostics.items if d.code == "render.pdf"]
    assert any(m.startswith("this document runs to about ") and "split the brief" in m for m in messages), messages


def test_a_brief_with_a_contents_list_opens_with_its_bookmarks_shown(default_build: Path):
    long = PdfReader(str(default_build / "japan-russia-analyst.pdf"))
    short = PdfReader(str(default_build / "japan-russia-policymaker.pdf"))
    assert long.trailer["/Root"].get("/PageMode") == "/UseOutlines"
    assert short.trailer["/Root"].get("/PageMode") is None  # two pages, no contents list


def test_a_footnotes_second_paragraph_starts_indented_in_pdf_and_word(minimal: Path, tmp_path: Path):
    """A note's later paragraph begins 1.2em in, so it reads as a new paragraph, not a wrapped line."""
    import re
    import subprocess
    import zipfile

    from briefgen.build import BuildOptions, build

    (minimal / "audiences.yaml").write_text(
        (minimal / "audiences.yaml").read_text(encoding="utf-8").replace("notes: endnotes", "notes: footnotes"),
        encoding="utf-8",
    )
    (minimal / "briefs/demo/blocks/two-paragraph-note.yaml").write_text(
        "section: context\ntitle: Note\norder: 1\nstatus: approved\nbody: |\n  A sentence.[^n]\n\n"
        "  [^n]: Firstpara of the note.\n\n      Secondpara of the note.\n",
        encoding="utf-8",
    )
    build(minimal, BuildOptions(audiences=("reader",), formats=("pdf", "docx"), out_dir=tmp_path))
    box = subprocess.run(
        ["pdftotext", "-bbox", str(tmp_path / "demo/demo-reader.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    x = {word: float(x) for x, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]+)</word>', box)}
    margin = min(float(v) for v in re.findall(r'<word xMin="([\d.]+)"', box))
    assert x["Secondpara"] - margin > 5  # points: indented, about 1.2em of the 8 pt note text
    with zipfile.ZipFile(tmp_path / "demo/demo-reader.docx") as archive:
        notes = archive.read("word/footnotes.xml").decode("utf-8")
    second = re.search(r"<w:p>(?:(?!</w:p>).)*Secondpara", notes) or re.search(
        r"<w:p [^>]*>(?:(?!</w:p>).)*Secondpara", notes
    )
    assert second is not None and re.search(r'<w:ind w:firstLine="\d+"/>', second.group(0))
    first = re.search(r"<w:p[ >](?:(?!</w:p>).)*Firstpara", notes)
    assert first is not None and "w:firstLine" not in first.group(0)
