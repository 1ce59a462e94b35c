"""The review round trip as a property: what a reviewer saw, accepted, is what the next build shows.

Hypothesis edits the analyst DOCX as a reviewer would (words inserted, deleted and replaced inside
paragraphs and headings, new paragraphs; with tracking on or off), `review --apply` writes the
edits into the YAML, and the brief is built again. python-docx, not briefgen, reads both files:
every paragraph of the rebuilt DOCX must read as the returned one does with every change accepted,
and nothing else may change; on the default brief and on the trust fixture (Arabic, a table, a
definition list). Examples per workspace: `BRIEFGEN_REVIEW_EXAMPLES` (default 8, about a minute
each; `make review-property` runs 150).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
from pathlib import Path

import docx as python_docx
import pytest
from click.testing import CliRunner
from conftest import copy_fixture, copy_repo_workspace, shared
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from briefgen.build import BuildOptions, build
from briefgen.cli import cli

EXAMPLES = int(os.environ.get("BRIEFGEN_REVIEW_EXAMPLES", "8"))  # for each workspace
WORDS = st.lists(
    st.sampled_from("alpha bravo charlie delta echo foxtrot golf hotel india".split()), min_size=1, max_size=4
)
PORTION = re.compile(r"^\([A-Z/]+\) ")
NUMBER = re.compile(r"^\d+\. ")  # a recommendation's number before its title
DATE = "2024-05-02T10:00:00Z"


WORKSPACES = {  # the default brief, and the trust fixture (Arabic, tables, a definition list, portion marks)
    "repo": ("japan-russia", "analyst"),
    "trust": ("islands", "marked"),
}


@pytest.fixture(scope=shared("module"), params=sorted(WORKSPACES))
def built(request, tmp_path_factory) -> tuple[Path, Path, str]:
    brief, audience = WORKSPACES[request.param]
    folder = tmp_path_factory.mktemp("ws")
    workspace = copy_repo_workspace(folder / "ws") if request.param == "repo" else copy_fixture("trust", folder)
    build(workspace, BuildOptions(audiences=(audience,), formats=("docx",), out_dir=workspace / "out"))
    return workspace, workspace / "out" / brief / f"{brief}-{audience}.docx", audience


def texts(path: Path) -> list[str]:
    """The body's paragraphs as python-docx reads them (tracked insertions are not yet text to it)."""
    return [p.text for p in python_docx.Document(str(path)).paragraphs]


def _runs(paragraph) -> list:
    """Runs of plain words straight under the paragraph, each unique in the paragraph's text."""
    found = []
    for r in paragraph._p.findall(qn("w:r")):
        t = r.find(qn("w:t"))
        if t is not None and t.text and len(t.text.split(" ")) >= 4 and paragraph.text.count(t.text) == 1:
            found.append(r)
    return found


def _tracked(tag: str, run) -> etree._Element:
    wrapper = etree.Element(qn(f"w:{tag}"), {qn("w:id"): str(abs(hash((tag, id(run)))) % 90000 + 1000)})
    wrapper.set(qn("w:author"), "Reviewer")
    wrapper.set(qn("w:date"), DATE)
    run.addprevious(wrapper)
    wrapper.append(run)
    return wrapper


def _split(run, pieces: list[str]) -> list:
    """The run cut into runs holding `pieces` (same formatting)."""
    made = []
    for piece in pieces:
        new = copy.deepcopy(run)
        t = new.find(qn("w:t"))
        t.text = piece
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.addprevious(new)
        made.append(new)
    run.getparent().remove(run)
    return made


def edit_run(run, kind: str, at: int, words: list[str], tracked: bool) -> tuple[str, str]:
    """Edit one run; its text before and as accepted."""
    t = run.find(qn("w:t"))
    before = t.text
    parts = before.split(" ")
    left, right = " ".join(parts[:at]) + " ", " ".join(parts[at:])
    if kind == "insert":
        new_words = " ".join(words) + " "
        accepted = left + new_words + right
        if not tracked:
            t.text = accepted
        else:
            first, second = _split(run, [left, right])
            inserted = copy.deepcopy(first)
            inserted.find(qn("w:t")).text = new_words
            second.addprevious(inserted)
            _tracked("ins", inserted)
        return before, accepted
    gone = parts[at] + " "  # a word and the space after it
    rest = " ".join(parts[at + 1 :])
    accepted = left + (" ".join(words) + " " if kind == "replace" else "") + rest
    if not tracked:
        t.text = accepted
        return before, accepted
    first, removed, last = _split(run, [left, gone, rest])
    removed.find(qn("w:t")).tag = qn("w:delText")
    deletion = _tracked("del", removed)
    if kind == "replace":
        inserted = copy.deepcopy(first)
        inserted.find(qn("w:t")).text = " ".join(words) + " "
        deletion.addnext(inserted)
        _tracked("ins", inserted)
    return before, accepted


def add_paragraph(paragraph, words: list[str], tracked: bool) -> str:
    """A paragraph typed after `paragraph`; the text the rebuilt brief shows for it."""
    text = " ".join(words).capitalize() + "."
    new = copy.deepcopy(paragraph._p)
    for child in list(new):
        if child.tag != qn("w:pPr"):
            new.remove(child)
    props = new.find(qn("w:pPr"))
    if tracked and props is not None:
        mark = etree.SubElement(props, qn("w:rPr"))
        ins = etree.SubElement(mark, qn("w:ins"), {qn("w:id"): "4242", qn("w:author"): "Reviewer", qn("w:date"): DATE})
        del ins
    run = etree.SubElement(new, qn("w:r"))
    t = etree.SubElement(run, qn("w:t"))
    t.text = text
    if tracked:
        _tracked("ins", run)
    paragraph._p.addnext(new)
    portion = PORTION.match(paragraph.text)
    return (portion.group() if portion else "") + text


@pytest.mark.slow
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_a_reviewed_and_applied_brief_rebuilds_as_the_reviewer_read_it(built, tmp_path_factory, data):
    """Each edit is applied, or refused by name with its reason; the rebuild shows exactly the applied ones."""
    workspace, original, audience = built
    document = python_docx.Document(str(original))
    paragraphs = document.paragraphs
    styles = ("Body Text", "Heading 2")
    candidates = [i for i, p in enumerate(paragraphs) if p.style.name in styles and _runs(p) and p.text.strip()]
    chosen = data.draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=3, unique=True), label="paragraphs")
    edits: list[tuple[int, str, str, str]] = []  # paragraph, what the report names it by, text before, text after
    for number, index in enumerate(chosen):
        paragraph = paragraphs[index]
        tracked = data.draw(st.booleans(), label="tracked")
        kinds = ["insert", "delete", "replace"] + (["paragraph"] if paragraph.style.name == "Body Text" else [])
        kind = data.draw(st.sampled_from(kinds), label="kind")
        words = [f"{word}{number}" for word in data.draw(WORDS, label="words")]  # each edit's own words
        if kind == "paragraph":
            text = add_paragraph(paragraph, words, tracked)
            edits.append((index, f'inserted "{PORTION.sub("", text)}"', "", text))
            continue
        run = data.draw(st.sampled_from(_runs(paragraph)), label="run")
        count = len(run.find(qn("w:t")).text.split(" "))
        at = data.draw(st.integers(1, count - 2), label="word")
        gone = run.find(qn("w:t")).text.split(" ")[at]
        before, accepted = edit_run(run, kind, at, words, tracked)
        named = {"insert": f'inserted "{" ".join(words)}"', "delete": f'deleted "{gone}"'}
        edits.append((index, named.get(kind, f'replaced "{gone}" with "{" ".join(words)}"'), before, accepted))
    folder = tmp_path_factory.mktemp("review")
    returned = folder / "returned.docx"
    document.save(str(returned))
    ws = folder / "ws"
    shutil.copytree(workspace, ws, ignore=shutil.ignore_patterns("out"))

    result = CliRunner().invoke(cli, ["-w", str(ws), "review", "--apply", str(returned)])

    lines = result.output.splitlines()
    refused = set()
    for _index, named, _before, _after in edits:
        found = [line for line in lines if f": applied: {named}" in line or f": refused: {named}" in line]
        assert len(found) == 1, (named, result.output)
        if ": refused: " in found[0]:
            assert re.search(r" \[[^\]]+; apply it by hand\]$", found[0]), found[0]  # refused by name, with why
            refused.add(named)
    assert result.exit_code == (1 if refused else 0), result.output
    expected = [p.text for p in python_docx.Document(str(original)).paragraphs]
    for index, named, before, after in sorted(edits, reverse=True):
        if named in refused:
            continue
        if not before:
            expected.insert(index + 1, after)
            continue
        title = paragraphs[index].style.name == "Heading 2"
        old, new = (NUMBER.sub("", x) for x in (expected[index], expected[index].replace(before, after, 1)))
        expected[index] = expected[index].replace(before, after, 1)
        for other, text in enumerate(expected):  # a title is also the words of each cross-reference to it
            if title and other != index and old in text:
                expected[other] = text.replace(old, new)
    build(ws, BuildOptions(audiences=(audience,), formats=("docx",), out_dir=ws / "out"))
    assert texts(ws / "out" / original.parent.name / original.name) == expected
