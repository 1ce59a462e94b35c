"""Nothing is lost silently: every word written reaches the reader, or a diagnostic says why not.

Pandoc's own reader (the reference) turns each field into plain text; each word of it must be
in the words of the HTML and of the Word file a reader opens. Random nestings of lists, quotes
and boxes either come out whole or are an error at their position.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pypandoc
import pytest
from conftest import ROOT, copy_fixture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.build import document_for
from briefgen.content.markdown import READER, parse_markdown
from briefgen.render.docx import render_docx
from briefgen.render.html import render_html
from briefgen.style import load_style
from briefgen.workspace import default_brief, open_workspace

_CITATION = re.compile(r"\[[^\[\]]*@[^\[\]]*\]|@[\w:.#$%&\-+?<>~/]+")


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def source_words(markdown: str) -> set[str]:
    """The words of a field as Pandoc reads them, without citation keys (printed as formatted citations)."""
    markdown = _CITATION.sub(" ", markdown)
    markdown = re.sub(r"(!\[[^\]]*\])\([^)]*\)(\{[^}]*\})?", r"\1()", markdown)  # a picture's file and attributes
    plain = pypandoc.convert_text(markdown, "plain", format=READER, extra_args=["--wrap=none"])
    return words(re.sub(r"\{#[^}]*\}", " ", plain))  # the plain writer prints a caption's {#id}


def html_words(html: str) -> set[str]:
    return words(re.sub(r"<[^>]+>", " ", html.replace("&amp;", "&")))


def docx_words(data: bytes, tmp: Path) -> set[str]:
    path = tmp / "out.docx"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as archive:
        parts = [n for n in archive.namelist() if re.fullmatch(r"word/(document|footnotes|endnotes)\.xml", n)]
        text = " ".join(" ".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", archive.read(n).decode())) for n in parts)
    return words(text)


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


@pytest.fixture(scope="module")
def fixture_workspace(tmp_path_factory):
    root = copy_fixture("minimal", tmp_path_factory.mktemp("acct"))
    ws, _ = open_workspace(root)
    brief = default_brief(ws, None)
    profile = next(a for a in ws.audiences.values() if a.detail == "full")
    received = {b.id for b in document_for(ws, brief, profile).blocks}
    target = next(b for b in brief.blocks if b.kind == "prose" and b.id in received)
    return ws, brief, profile, target, load_style(root)


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
