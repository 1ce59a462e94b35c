"""Every construct of the writing language, asserted in the real outputs a reader opens.

tests/fixtures/language/ has one block that uses them all (tables, notes, cross-references,
callouts, inline markup, CJK text, long unbroken strings). It is built once for every
audience in every format; each test reads one output as its reader (or their software) would.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypandoc
import pytest
from conftest import FIXTURES
from pypdf import PdfReader
from readers import pdf_text, squash

from briefgen.build import BuildOptions, build

LITERAL_SYNTAX = ["[^", "^[", "{#", "{.", "|---", ":::", "~~", "@tbl-", "@rec-", "@sec-"]


@pytest.fixture
def language_build(fixture_build) -> Path:
    return fixture_build("language").out / "demo"


def test_pdf_shows_every_construct_and_no_markdown_syntax(language_build: Path):
    text = squash(pdf_text(language_build / "demo-reader.pdf"))
    for expected in [
        "Table 1: Critical materials and their suppliers",
        "Table 2: Measures in a grid table",
        "As Table 1 shows, and as 1 repeats, supply is concentrated; see also Recommendation 2 and the risk section.",
        "Key judgement Sanctions rebuild leverage that Tokyo lacked.",
        "Japan calls them the Northern Territories.",
        "A second paragraph of the same note",
        "What Japan can offer or withhold.",
        "Rare earths China 98%",
        "First paragraph. Second paragraph.",
    ]:
        assert expected in text, expected
    for syntax in LITERAL_SYNTAX:
        assert syntax not in text, syntax
    assert "(北方領土)" in text.replace(" ", "")  # Chinese characters may break at any line end


def test_pdf_tags_tables_with_captions_and_language(language_build: Path):
    reader = PdfReader(str(language_build / "demo-reader.pdf"))
    root = reader.trailer["/Root"]
    kinds: dict[str, int] = {}

    def walk(node) -> None:
        node = node.get_object()
        if hasattr(node, "get"):
            if node.get("/S"):
                kinds[node["/S"]] = kinds.get(node["/S"], 0) + 1
            children = node.get("/K")
            for child in children if isinstance(children, list) else [children] if children is not None else []:
                if hasattr(child, "get_object"):
                    walk(child)

    walk(root["/StructTreeRoot"])
    assert kinds["/Table"] == 3  # two written in Markdown, and the risk register
    assert kinds["/Caption"] == 2  # only the Markdown tables carry a numbered caption
    assert kinds["/TH"] >= 9
    assert root["/Lang"] == "en-US"


def test_long_strings_stay_inside_the_page(language_build: Path):
    reader = PdfReader(str(language_build / "demo-reader.pdf"))
    width = float(reader.pages[0].mediabox.width)
    boxes: list[float] = []

    def visitor(text, cm, tm, font_dict, font_size):
        if text.strip():
            boxes.append(tm[4] * cm[0] + cm[4])

    for page in reader.pages:
        page.extract_text(visitor_text=visitor)
    assert boxes and max(boxes) < width - 20 * 72 / 25.4 + 1  # no line starts past the right margin
    text = pdf_text(language_build / "demo-reader.pdf")
    longest = max(len(word) for word in text.split())
    assert longest < 140  # the 360-character token was broken into lines


def test_html_links_resolve_and_constructs_are_native(language_build: Path):
    html = (language_build / "demo-reader.html").read_text(encoding="utf-8")
    for fragment in [
        '<caption><span class="table-label">Table 1:</span> Critical materials and their suppliers</caption>',
        '<aside class="callout callout-important"><p class="callout-title">Key judgement</p>',
        "H<sub>2</sub>O",
        "10<sup>6</sup>",
        "<s>struck words</s>",
        '<span class="smallcaps">small caps</span>',
        "<u>underlined</u>",
        "<dt>Leverage</dt>",
        "<hr>",
        '<td class="align-right">98%</td>',
        '<ol start="3"',
        '<a href="https://example.org/bare">https://example.org/bare</a>',
    ]:
        assert fragment in html, fragment
    ids = set(re.findall(r'id="([^"]+)"', html))
    for anchor in re.findall(r'href="#([^"]+)"', html):
        assert anchor in ids, anchor
    assert '<html lang="en-US">' in html


def test_notes_share_one_numbering_with_citations(language_build: Path):
    html = (language_build / "demo-reader.html").read_text(encoding="utf-8")
    pattern = r'<div class="endnote" id="fn-(\d+)"[^>]*><span class="note-number">\d+\.</span>(.*?)</div>'
    notes = re.findall(pattern, html)
    texts = [re.sub(r"<[^>]+>", "", body) for _n, body in notes]
    assert [int(n) for n, _ in notes] == list(range(1, len(notes) + 1))
    explanatory = next(i for i, t in enumerate(texts) if t.startswith("Japan calls them"))
    inline = next(i for i, t in enumerate(texts) if t.startswith("Inline notes can cite too"))
    assert inline == explanatory + 1  # in reading order, between the citation notes around them
    # A citation inside a note is formatted in the note, in parentheses, as Pandoc's citeproc does.
    assert "Inline notes can cite too (Foreign Policy Research Institute," in texts[inline]
    assert texts[inline].endswith("2).")


def test_audience_without_notes_drops_notes_and_numbers_its_own_recommendations(language_build: Path):
    text = squash(pdf_text(language_build / "demo-public.pdf"))
    assert "It refers to Recommendation 1." in text
    assert "will not see" not in text
    boss = squash(pdf_text(language_build / "demo-boss.pdf"))
    assert "with a reference to Recommendation 2 and to Risks." in boss


def test_markdown_export_reads_back_in_pandoc_with_the_same_structure(language_build: Path):
    source = (language_build / "demo-reader.md").read_text(encoding="utf-8")
    for syntax in ("[^nope]", "{.sidebar}"):
        assert syntax not in source
    ast = json.loads(pypandoc.convert_text(source, "json", format="markdown"))
    found: dict[str, list] = {}

    def walk(value) -> None:
        if isinstance(value, dict) and "t" in value:
            found.setdefault(value["t"], []).append(value.get("c"))
        if isinstance(value, dict | list):
            for item in value.values() if isinstance(value, dict) else value:
                walk(item)

    walk(ast["blocks"])
    table_ids = [c[0][0] for c in found["Table"] if c[0][0]]
    assert table_ids == ["tbl-materials", "tbl-measures"]
    assert len(found["Note"]) == 3  # the explanatory notes (two in writing.yaml); citations stay citations
    # refs: the bibliography; then languages.yaml's ::: {lang=ar} and its French callout
    assert [c[0][1] for c in found["Div"] if c[0][0] != "refs"] == [["callout-important"], [], ["callout-note"]]
    assert len(found["DefinitionList"]) == 1
    assert {"Subscript", "Superscript", "Strikeout", "SmallCaps", "Underline"} <= set(found)


def test_a_table_inside_a_table_is_numbered_where_the_reader_meets_it(minimal: Path, tmp_path: Path):
    (minimal / "briefs/demo/blocks/nested.yaml").write_text((FIXTURES / "nested-tables.yaml").read_text())
    build(minimal, BuildOptions(audiences=("reader",), formats=("html",), out_dir=tmp_path))
    html = re.sub(r"<[^>]+>", "", (tmp_path / "demo/demo-reader.html").read_text(encoding="utf-8"))
    assert "Table 1: Outer" in html and "Table 2: Inner" in html and "Table 3: Last" in html
    assert "See Table 1, Table 2 and Table 3." in html
