"""The Word file a staff member opens: styles, tables, markings, real notes, properties.

Read three ways: python-docx, Pandoc (an independent reader) and LibreOffice.
"""

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pypandoc
import pytest
from lxml import etree
from readers import W, docx_notes, docx_paragraphs, docx_reference_count, libreoffice_pdf, pdf_text, squash


def styles_used(path: Path) -> set[str]:
    return {style for style, _ in docx_paragraphs(path)}


def test_headings_and_body_use_word_styles(default_build: Path):
    paragraphs = docx_paragraphs(default_build / "japan-russia-analyst.docx")
    headings1 = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings1 == [
        "Background",
        "Abe\u2019s new approach, 2012-2020",
        "The China factor",
        "Japan\u2019s leverage",
        "Risks",
        "Recommendations",
        "Bibliography",
    ]
    assert ("Heading 2", "The unresolved peace treaty") in paragraphs
    assert {"Title", "Subtitle", "Body Text", "Heading 2", "Bibliography"} <= styles_used(
        default_build / "japan-russia-analyst.docx"
    )


def test_masthead_marking_and_page_numbers(default_build: Path):
    document = docx.Document(str(default_build / "japan-russia-policymaker.docx"))
    texts = [p.text for p in document.paragraphs[:6]]
    assert "Prepared for: Senior policymaker" in texts
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    footer = " ".join(p.text for p in document.sections[0].footer.tables[0].rows[0].cells)  # title, marking, page
    assert "FOR OFFICIAL USE ONLY" in header and "FOR OFFICIAL USE ONLY" in footer
    footer_xml = document.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    press = docx.Document(str(default_build / "japan-russia-press.docx"))
    assert "FOR OFFICIAL USE ONLY" not in press.sections[0].header.paragraphs[0].text


def test_tables_for_recommendations_risks_and_leverage(default_build: Path):
    document = docx.Document(str(default_build / "japan-russia-policymaker.docx"))
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert headers[0] == ["#", "Recommended action", "Priority", "Owner", "Horizon"]
    assert ["Factor", "Favours", "Trend"] in headers
    assert ["Risk", "Likelihood", "Impact", "Mitigation"] in headers
    risk_table = document.tables[headers.index(["Risk", "Likelihood", "Impact", "Mitigation"])]
    assert [row.cells[1].text for row in risk_table.rows[1:]] == ["High", "Medium", "Medium"]
    paragraphs = docx_paragraphs(default_build / "japan-russia-policymaker.docx")
    assert sum(1 for s, t in paragraphs if s == "Decision Line" and "Approve" in t) == 3


def test_real_footnotes_one_per_citation(default_build: Path):
    path = default_build / "japan-russia-analyst.docx"
    notes = docx_notes(path)
    manifest = json.loads((default_build / "manifest.json").read_text())
    analyst_pdf = pdf_text(default_build / "japan-russia-analyst.pdf")
    assert len(notes) == docx_reference_count(path) > 10
    assert (
        notes[0]
        == "\u201cJapan-Russia Relations After the Russian-Ukrainian War,\u201d Foreign Policy Research Institute."
    )
    assert notes[1] == "Ibid."
    assert any(n.startswith("Gabriel Dominguez, \u201cJapan Dismayed") or "Gabriel Dominguez" in n for n in notes)
    assert f"{len(notes)}. " in analyst_pdf  # the PDF has the same number of notes
    assert {o["audience"] for o in manifest["outputs"]} == {"policymaker", "analyst", "press"}
    with zipfile.ZipFile(path) as archive:
        document_xml = archive.read("word/document.xml").decode()
        styles_xml = archive.read("word/styles.xml").decode()
    assert 'w:rStyle w:val="FootnoteReference"' in document_xml
    assert 'w:styleId="FootnoteText"' in styles_xml


def test_press_notes_stand_under_a_notes_heading_before_the_bibliography_as_in_the_pdf(default_build: Path):
    path = default_build / "japan-russia-press.docx"
    assert docx_notes(path, "footnotes") == [] and docx_notes(path, "endnotes") == []
    paragraphs = docx_paragraphs(path)
    styles = [style for style, _ in paragraphs]
    notes_at = paragraphs.index(("Heading 1", "Notes"))
    bibliography_at = paragraphs.index(("Heading 1", "Bibliography"))
    listed = [text for style, text in paragraphs if style == "endnote text"]
    assert notes_at < styles.index("endnote text") < bibliography_at < styles.index("Disclaimer")
    assert all(styles[i] == "endnote text" for i in range(notes_at + 1, bibliography_at))
    pdf = squash(pdf_text(default_build / "japan-russia-press.pdf"))
    assert pdf.index("Notes 1. ") < pdf.rindex("Bibliography") < pdf.index("This brief summarises")  # not the contents
    assert len(listed) > 3 and listed[0].startswith("1.\t\u201cJapan-Russia Relations")
    numbers = [text.split(".\t")[0] for text in listed]
    assert numbers == [str(n) for n in range(1, len(listed) + 1)]
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    calls = [h for h in body.iter(f"{W}hyperlink") if (h.get(f"{W}anchor") or "").startswith("fn-")]
    marks = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert len(calls) == len(listed) and {h.get(f"{W}anchor") for h in calls} <= marks
    assert all(h.find(f"{W}r/{W}rPr/{W}rStyle").get(f"{W}val") == "EndnoteReference" for h in calls)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer) is not installed")
def test_libreoffice_shows_the_notes_before_the_bibliography(default_build: Path, tmp_path: Path):
    text = squash(pdf_text(libreoffice_pdf(default_build / "japan-russia-press.docx", tmp_path)))
    first_note = "1. \u201cJapan-Russia Relations After the Russian-Ukrainian War,\u201d"
    assert text.index("Notes 1.") < text.index(first_note) < text.rindex("Bibliography")  # not the contents
    assert text.rindex("Bibliography") < text.index("This brief summarises") and first_note not in text[-400:]


def test_core_properties(default_build: Path):
    props = docx.Document(str(default_build / "japan-russia-analyst.docx")).core_properties
    assert (props.title, props.author, props.subject, props.language) == (
        "Japan and Russia after the invasion of Ukraine",
        "Northeast Asia Desk",
        "Regional analyst",
        "en-US",
    )


def test_contents_list_shows_page_numbers_without_updating(default_build: Path):
    paragraphs = docx_paragraphs(default_build / "japan-russia-analyst.docx")
    toc = [t for s, t in paragraphs if s == "toc 1"]
    assert toc and toc[0].startswith("Background\t") and toc[0].split("\t")[1].isdigit()


def test_pandoc_reads_headings_lists_and_footnotes(default_build: Path):
    ast = json.loads(pypandoc.convert_file(str(default_build / "japan-russia-analyst.docx"), "json"))
    kinds = [b["t"] for b in ast["blocks"]]
    levels = {
        pypandoc.convert_text(json.dumps({**ast, "blocks": [h]}), "plain", format="json").strip(): h["c"][0]
        for h in ast["blocks"]
        if h["t"] == "Header"
    }
    assert levels["Background"] == 1 and levels["The unresolved peace treaty"] == 2
    assert levels["Bibliography"] == 1
    text = json.dumps(ast)
    assert text.count('"t": "Note"') + text.count('"t":"Note"') == len(
        docx_notes(default_build / "japan-russia-analyst.docx")
    )
    assert "Table" in kinds


def test_markdown_lists_and_quotes_become_word_lists(minimal_build: Path):
    paragraphs = docx_paragraphs(minimal_build / "demo-reader.docx")
    assert ("List Bullet", "first point") in paragraphs
    assert ("Quote", "A quoted line.") in paragraphs
    markdown = pypandoc.convert_file(str(minimal_build / "demo-reader.docx"), "markdown")
    assert "- first point" in markdown
    assert "A quoted line." in markdown


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer) is not installed")
def test_libreoffice_sees_the_notes(default_build: Path, tmp_path: Path):
    libreoffice_pdf(default_build / "japan-russia-policymaker.docx", tmp_path)
    text = squash(pdf_text(tmp_path / "japan-russia-policymaker.pdf"))
    assert (
        "\u201cJapan-Russia Relations After the Russian-Ukrainian War,\u201d Foreign Policy Research Institute." in text
    )
    assert "Prepared for: Senior policymaker" in text
    assert (
        "Carlito"
        in subprocess.run(
            ["pdffonts", str(tmp_path / "japan-russia-policymaker.pdf")], capture_output=True, text=True
        ).stdout
    )


def test_note_links_and_settings_are_where_word_expects_them(tmp_path: Path):
    """A URL in a note is related from the notes part; footnotePr precedes compat in settings.xml."""
    import re

    from briefgen.build import BuildOptions, build
    from briefgen.commands.scaffold import init_workspace

    root = tmp_path / "ws"
    init_workspace(root)
    result = build(root, BuildOptions(audiences=("analyst",), formats=("docx",), jobs=1))
    with zipfile.ZipFile(result.outputs[0].path) as archive:
        notes = archive.read("word/footnotes.xml").decode()
        rels = archive.read("word/_rels/footnotes.xml.rels").decode()
        settings = archive.read("word/settings.xml").decode()
    ids = re.findall(r'hyperlink r:id="([^"]+)"', notes)
    assert ids and all(f'Id="{i}"' in rels and "pandoc.org" in rels for i in ids)
    names = re.findall(r"<w:(\w+)", settings)
    assert names.index("footnotePr") < names.index("compat")
    assert names.index("characterSpacingControl") < names.index("footnotePr")


def test_word_footnotes_are_numbered_like_the_pdf(default_build: Path):
    with zipfile.ZipFile(default_build / "japan-russia-analyst.docx") as archive:
        settings = archive.read("word/settings.xml").decode()
        body = archive.read("word/document.xml").decode()
    assert '<w:footnotePr><w:numFmt w:val="decimal"/>' in settings
    assert '<w:footnotePr><w:numFmt w:val="decimal"/></w:footnotePr><w:pgSz' in body  # what LibreOffice reads


def test_the_recommendations_table_stands_clear_of_the_bottom_line_box(default_build: Path):
    """The PDF sets the box off by its 8pt margin; in Word the table sat right against the shading."""
    with zipfile.ZipFile(default_build / "japan-russia-policymaker.docx") as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")
    children = list(body)
    last = max(i for i, el in enumerate(children) if el.find(f"{W}pPr/{W}pStyle[@{W}val='BottomLine']") is not None)
    gap, table = children[last + 1], children[last + 2]
    assert gap.tag == f"{W}p" and table.tag == f"{W}tbl"
    assert "".join(gap.itertext()) == "" and gap.find(f"{W}pPr/{W}shd") is None and gap.find(f"{W}pPr/{W}pBdr") is None
    spacing = gap.find(f"{W}pPr/{W}spacing")
    assert spacing.get(f"{W}lineRule") == "exact" and int(spacing.get(f"{W}line")) == 8 * 20  # .bottom-line margin
    assert (spacing.get(f"{W}before"), spacing.get(f"{W}after")) == ("0", "0")
    assert [
        c.text for c in docx.Document(str(default_build / "japan-russia-policymaker.docx")).tables[0].rows[0].cells
    ][:2] == ["#", "Recommended action"]


def keeps(paragraph) -> tuple[bool, bool]:
    """(kept with the next paragraph, lines kept together), as set on the paragraph itself."""

    def on(tag: str) -> bool:
        flag = paragraph.find(f"{W}pPr/{W}{tag}")
        return flag is not None and flag.get(f"{W}val") not in ("0", "false")

    return on("keepNext"), on("keepLines")


def test_word_keeps_together_what_the_pdf_keeps_together(default_build: Path):
    """The CSS's break rules, in Word's terms: widows and orphans, short tables and recommendations whole."""
    path = default_build / "japan-russia-analyst.docx"
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")
        styles = etree.fromstring(archive.read("word/styles.xml"))
    assert styles.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr/{W}widowControl") is not None  # orphans: 2; widows: 2
    disclaimer = styles.find(f"{W}style[@{W}styleId='Disclaimer']/{W}pPr")
    assert disclaimer.find(f"{W}keepLines") is not None
    for style_id in ("Heading1", "Heading2", "Heading3", "Caption"):  # break-after: avoid
        assert styles.find(f"{W}style[@{W}styleId='{style_id}']/{W}pPr/{W}keepNext") is not None, style_id
    for table in body.iter(f"{W}tbl"):
        assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in table.findall(f"{W}tr"))
    registers = [t for t in body.findall(f"{W}tbl") if "".join(t.find(f"{W}tr").itertext()).startswith("Risk")]
    assert registers, "no risk register"
    for table in registers:  # .risk-register.short { break-inside: avoid }
        rows = table.findall(f"{W}tr")
        assert all(keeps(p)[0] for row in rows[:-1] for p in row.iter(f"{W}p"))
    # Each recommendation is one unbroken box, as .kind-recommendation { break-inside: avoid }.
    children = list(body)
    starts = [
        i
        for i, el in enumerate(children)
        if any((b.get(f"{W}name") or "").startswith("block-") for b in el.findall(f"{W}bookmarkStart"))
    ]
    recommendations = [i for i in starts if "".join(children[i].itertext()).startswith(("1. ", "2. ", "3. "))]
    assert len(recommendations) == 3
    for start in recommendations:
        end = next((i for i in starts if i > start), None) or next(
            i for i, el in enumerate(children) if i > start and "".join(el.itertext()) == "Bibliography"
        )
        paragraphs = [p for el in children[start:end] for p in ([el] if el.tag == f"{W}p" else el.iter(f"{W}p"))]
        paragraphs = [p for p in paragraphs if "".join(p.itertext()).strip()]
        assert all(keeps(p) == (True, True) for p in paragraphs[:-1]), "".join(children[start].itertext())
        assert keeps(paragraphs[-1])[1]


def test_numbered_lists_keep_their_start_in_every_format(minimal: Path):
    import re

    from briefgen.build import BuildOptions, build

    block = minimal / "briefs/demo/blocks/steps.yaml"
    block.write_text(
        "section: context\ntitle: Steps\nstatus: approved\nsummary: s\nbody: |\n  3. third step\n  4. fourth step\n",
        encoding="utf-8",
    )
    result = build(minimal, BuildOptions(audiences=("reader",), formats=("pdf", "docx"), jobs=1))
    pdf = next(o.path for o in result.outputs if o.format == "pdf")
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert re.search(r"3\.\s+third step", layout) and re.search(r"4\.\s+fourth step", layout)
    docx_path = next(o.path for o in result.outputs if o.format == "docx")
    with zipfile.ZipFile(docx_path) as archive:
        assert '<w:startOverride w:val="3"/>' in archive.read("word/numbering.xml").decode()


def test_the_watermark_takes_any_font_name_the_theme_gives(minimal: Path, tmp_path: Path):
    """Theme values with XML's own characters (which theme.yaml's check refuses) still stay inside their attributes."""
    import dataclasses

    from briefgen.content.style import load_style
    from briefgen.render.docx.furniture import add_watermark

    style = load_style(minimal)
    fonts = {**style.theme["fonts"], "heading_word": "AT&T <Sans>"}
    colors = {**style.theme["colors"], "marking": 'A4161A" onload="x'}
    document = docx.Document()
    hostile = dataclasses.replace(style, theme={**style.theme, "fonts": fonts, "colors": colors})
    add_watermark(document, "DRAFT", hostile)
    document.save(str(tmp_path / "marked.docx"))
    with zipfile.ZipFile(tmp_path / "marked.docx") as z:
        headers = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/header")]
    paths = [etree.fromstring(h.encode("utf-8")).xpath("//*[local-name()='textpath']") for h in headers]
    styles = [p.get("style") for found in paths for p in found if p.get("style")]
    assert styles and all('font-family:"AT&T <Sans>"' in s for s in styles), styles
    fills = [p.getparent().get("fillcolor") for found in paths for p in found if p.get("style")]
    assert fills and set(fills) == {'#A4161A" onload="x'}, fills


def test_the_watermark_reaches_a_template_first_page_and_even_page_headers():
    """A workspace Word template may give page 1 (or even pages) a header of its own: DRAFT shows there too."""
    from conftest import ROOT

    from briefgen.content.style import load_style
    from briefgen.render.docx.furniture import add_watermark

    document = docx.Document()
    document.add_section()
    first = document.sections[0]
    first.different_first_page_header_footer = True
    document.settings.odd_and_even_pages_header_footer = True
    add_watermark(document, "DRAFT", load_style(ROOT))

    def marks(header) -> int:
        return len(header.part.element.xpath(".//*[local-name()='shape'][@id='PowerPlusWaterMarkObject1']"))

    assert [marks(first.header), marks(first.first_page_header), marks(first.even_page_header)] == [1, 1, 1]
    assert marks(document.sections[1].header) == 1  # linked to the first section's: the same header, marked once
