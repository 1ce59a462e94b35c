"""Nothing is lost silently: every word written reaches the reader, or a diagnostic says why not.

Pandoc's own reader (the reference) turns each field into plain text; each word of it must be
in the words of the HTML and of the Word file a reader opens. Random nestings of lists, quotes
and boxes either come out whole or are an error at their position.
"""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from dataclasses import replace
from pathlib import Path

import pypandoc
import pytest
from conftest import ROOT, copy_fixture, shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.build import document_for
from briefgen.content.markdown import READER, parse_markdown
from briefgen.content.style import load_style
from briefgen.document.workspace import default_brief, open_workspace
from briefgen.render.docx import render_docx
from briefgen.render.html import render_html

# a bracketed citation, an in-text one with its locator (`@key [p. 12]`), or an in-text one alone
_CITATION = re.compile(r"\[[^\[\]]*@[^\[\]]*\]|@[\w:.#$%&\-+?<>~/]+ ?\[[^\[\]@]*\]|@[\w:.#$%&\-+?<>~/]+")


def words(text: str) -> set[str]:
    """The words of a text, compared by their compatibility form (10⁶ and 10<sup>6</sup> alike read 106)."""
    return set(re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower()))


def _without_notes(node):
    """Pandoc's JSON with every note taken out (what an audience with `notes: none` is told it loses)."""
    if isinstance(node, list):
        return [_without_notes(n) for n in node if not (isinstance(n, dict) and n.get("t") == "Note")]
    if isinstance(node, dict):
        return {k: _without_notes(v) for k, v in node.items()}
    return node


def source_words(markdown: str, notes: bool = True) -> set[str]:
    """The words of a field as Pandoc reads them, without citation keys (printed as formatted citations)."""
    markdown = _CITATION.sub(" ", markdown)
    markdown = re.sub(r"(!\[[^\]]*\])\([^)]*\)(\{[^}]*\})?", r"\1()", markdown)  # a picture's file and attributes
    if not notes:
        read = json.loads(pypandoc.convert_text(markdown, "json", format=READER))
        markdown, source_format = json.dumps(_without_notes(read)), "json"
    else:
        source_format = READER
    plain = pypandoc.convert_text(markdown, "plain", format=source_format, extra_args=["--wrap=none"])
    return words(re.sub(r"\{#[^}]*\}", " ", plain))  # the plain writer prints a caption's {#id}


def html_words(html: str) -> set[str]:
    html = re.sub(r"</?(?:sup|sub|em|strong|s|u|code|span)\b[^>]*>", "", html)  # inline: inside a word
    return words(re.sub(r"<[^>]+>", " ", html.replace("&amp;", "&")))


def docx_words(data: bytes, tmp: Path) -> set[str]:
    path = tmp / "out.docx"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as archive:
        parts = [n for n in archive.namelist() if re.fullmatch(r"word/(document|footnotes|endnotes)\.xml", n)]
        paragraphs = [p for n in parts for p in re.findall(r"<w:p[ >].*?</w:p>", archive.read(n).decode(), re.S)]
    runs = [re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p) for p in paragraphs]
    # a word split over runs (10 and a superscript 6) reads whole; a note call after a word stays apart
    return words(" ".join("".join(r) for r in runs)) | words(" ".join(" ".join(r) for r in runs))


@pytest.mark.parametrize("audience", ["analyst", "press"])
def test_every_word_of_the_default_brief_reaches_html_and_word(audience: str, default_build: Path, tmp_path: Path):
    ws, _ = open_workspace(ROOT)
    brief = default_brief(ws, None)
    profile = ws.audiences[audience]
    doc = document_for(ws, brief, profile)
    html = html_words((default_build / f"japan-russia-{audience}.html").read_text(encoding="utf-8"))
    word = docx_words((default_build / f"japan-russia-{audience}.docx").read_bytes(), tmp_path)
    received = {b.id for b in doc.blocks}
    for block in brief.blocks:
        if block.id not in received:
            continue
        variant = block.variants.get(audience)
        body = (variant.body if variant and variant.body else None) or block.body
        expected = source_words(body.source)
        assert expected - html == set(), f"{block.id}: missing from the HTML"
        assert expected - word == set(), f"{block.id}: missing from Word"


LEAF = st.integers(0, 10**6).map(lambda n: f"w{n}")


def _nested(depth: int) -> st.SearchStrategy[str]:
    """A Markdown block nested `depth` deep in lists, quotes and callout boxes, each level with its own words."""
    if depth == 0:
        return LEAF
    inner = _nested(depth - 1)

    def wrap(pair: tuple[str, str, str]) -> str:
        kind, words_here, body = pair
        if kind == "list":
            return f"- {words_here}\n\n" + "\n".join("  " + line if line else "" for line in body.splitlines())
        if kind == "quote":
            return f"> {words_here}\n>\n" + "\n".join("> " + line if line else ">" for line in body.splitlines())
        return f"::: {{.callout-note}}\n{words_here}\n\n{body}\n:::"

    return st.tuples(st.sampled_from(["list", "quote", "box"]), LEAF, inner).map(wrap)


@pytest.fixture(scope=shared("module"))
def fixture_workspace(tmp_path_factory):
    root = copy_fixture("minimal", tmp_path_factory.mktemp("acct"))
    ws, _ = open_workspace(root)
    brief = default_brief(ws, None)
    profile = next(a for a in ws.audiences.values() if a.detail == "full")
    received = {b.id for b in document_for(ws, brief, profile).blocks}
    target = next(b for b in brief.blocks if b.kind == "prose" and b.id in received)
    return ws, brief, profile, target, load_style(root)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 9).flatmap(_nested))
def test_any_nesting_comes_out_whole_or_is_an_error(fixture_workspace, tmp_path_factory, source: str):
    ws, brief, profile, target, style = fixture_workspace
    field = parse_markdown(source, "fuzz")
    if any(p.code == "markdown.nesting" for p in field.problems):
        return  # accounted for: an error at the block past the limit
    assert [p for p in field.problems if p.level == "error"] == []
    fuzzed = replace(brief, blocks=tuple(replace(b, body=field) if b is target else b for b in brief.blocks))
    doc = document_for(ws, fuzzed, profile)
    expected = words(" ".join(re.findall(r"w\d+", source)))
    assert expected - html_words(render_html(doc, style)) == set(), source
    assert expected - docx_words(render_docx(doc, style), tmp_path_factory.mktemp("docx")) == set(), source


# ---------------------------------------------------------------- every block, every audience, every format

ACCOUNTED_FIXTURES = ("minimal", "language", "figures", "trust", "bidi", "in-text")
FORMATS = ("pdf", "docx", "html", "md")


def _field_source(block, field: str) -> str:
    """The Markdown source of a block's field by the name the document records ("variants.press.body")."""
    if field.startswith("variants."):
        _, audience, name = field.split(".")
        value = getattr(block.variants[audience], name)
    else:
        value = getattr(block, field)
    return value if isinstance(value, str) else value.source


def _folded(text: str) -> str:
    """Text as one string of word characters: what is left when line ends, hyphenation and the
    shapes of superscript digits (10⁶ reads 106) no longer differ between a source and a PDF."""
    folded = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())
    return folded.replace("\u0644\u0627", "\u0627\u0644")  # pdftotext gives the lam-alef ligature as alef, lam


def _visual(word: str) -> str:
    """A right-to-left word as text extraction may give it: letters in the order they stand on the page."""
    rtl = any(unicodedata.bidirectional(c) in ("R", "AL") for c in word)
    return word[::-1] if rtl else word


def _pdf_text(path: Path) -> str:
    import subprocess

    return _folded(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)


def _format_words(path: Path, tmp: Path) -> set[str]:
    if path.suffix == ".docx":
        return docx_words(path.read_bytes(), tmp)
    if path.suffix == ".md":
        return words(pypandoc.convert_file(str(path), "plain", format="markdown", extra_args=["--wrap=none"]))
    return html_words(path.read_text(encoding="utf-8"))


_MARK = re.compile(r"\([A-Z]{1,6}\)")


def _marks_and_calls(path: Path) -> tuple[int, int]:
    """Portion marks and note calls a reader meets in one output: marks counted in the text each
    format shows; note calls as Word's note references and the HTML's note links (-1: not counted)."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("word/document.xml").decode()
        text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
        return len(_MARK.findall(text)), xml.count("<w:footnoteReference ") + xml.count('w:anchor="fn-')
    if path.suffix == ".md":
        plain = pypandoc.convert_file(str(path), "plain", format="markdown", extra_args=["--wrap=none"])
        return len(_MARK.findall(plain)), -1
    html = path.read_text(encoding="utf-8")
    calls = len(re.findall(r'class="(?:note-call|endnote-call)"', html))
    return len(_MARK.findall(re.sub(r"<[^>]+>", "", html))), calls


@pytest.fixture
def every_fixture_built(fixture_build) -> dict[str, tuple[Path, Path]]:
    return {name: (fixture_build(name).root, fixture_build(name).out) for name in ACCOUNTED_FIXTURES}


@pytest.mark.slow
@pytest.mark.parametrize("fixture", ACCOUNTED_FIXTURES)
def test_every_word_of_every_block_reaches_every_format_of_every_audience(fixture, every_fixture_built, tmp_path):
    """For each fixture, each audience and each block it receives: every word of the title, of the
    field the audience reads and of a recommendation's action is in the PDF, Word, HTML and Markdown;
    the formats show the same number of portion marks, and HTML and Word the same note calls."""
    root, out = every_fixture_built[fixture]
    ws, _ = open_workspace(root)
    checked = 0
    for brief in ws.briefs.values():
        for profile in ws.audiences.values():
            doc = document_for(ws, brief, profile)
            files = {fmt: out / brief.id / f"{brief.id}-{profile.id}.{fmt}" for fmt in FORMATS}
            seen = {fmt: _format_words(path, tmp_path) for fmt, path in files.items() if fmt != "pdf"}
            pdf = _pdf_text(files["pdf"])  # lines break inside words, so words are found in the folded text
            by_id = {b.id: b for b in brief.blocks}
            for shown in doc.blocks:
                block = by_id[shown.id]
                source = _field_source(block, shown.content_field)
                expected = source_words(source, notes=profile.notes != "none") | words(shown.title)
                expected |= words(str(shown.fields.get("action") or ""))
                for fmt, found in seen.items():
                    missing = expected - found
                    assert not missing, f"{fixture}/{profile.id}/{shown.id}: {sorted(missing)} missing from {fmt}"
                missing = {w for w in expected if _folded(w) not in pdf and _visual(_folded(w)) not in pdf}
                assert not missing, f"{fixture}/{profile.id}/{shown.id}: {sorted(missing)} missing from the PDF"
                checked += 1
            counts = {fmt: _marks_and_calls(files[fmt]) for fmt in ("docx", "html", "md")}
            assert counts["docx"][0] == counts["html"][0] == counts["md"][0], f"{fixture}/{profile.id}: {counts}"
            assert counts["docx"][1] == counts["html"][1], f"{fixture}/{profile.id}: note calls {counts}"
    assert checked, f"{fixture}: no block reached any audience"
