"""The masthead's byline: each author with the affiliation written in brief.yaml, in every format.

An affiliation follows its author's name on the masthead ("Ana Analyst (Energy Unit)"), unless it
is the organization the masthead already names. Read back by pdftotext, Pandoc (Word) and lxml.
"""

from __future__ import annotations

import subprocess

import pytest
from conftest import copy_fixture
from lxml import html as lxml_html

from briefgen.build import BuildOptions, build
from briefgen.model import Author
from briefgen.render.masthead import byline
from briefgen.runtime.pandoc import pandoc_path

AUTHORS = """authors:
  - name: Ana Analyst
    affiliation: Energy Security Unit
  - name: Ben Writer
    affiliation: Test Unit
  - name: Cem Editor
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_fixture("minimal", tmp_path_factory.mktemp("masthead"))
    brief = root / "briefs" / "demo" / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("authors:\n  - name: Ana Analyst\n", AUTHORS), encoding="utf-8")
    build(root, BuildOptions(audiences=("boss",), formats=("pdf", "docx", "html", "md"), out_dir=root / "out"))
    return root / "out" / "demo"


def _read(path) -> str:
    if path.suffix == ".pdf":
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    elif path.suffix in (".docx", ".md"):  # Markdown as Pandoc reads it, its metadata header included
        command = [pandoc_path(), "-t", "plain", "--standalone", "--wrap=none", str(path)]
        text = subprocess.run(command, capture_output=True, text=True).stdout
    else:
        text = lxml_html.parse(str(path)).getroot().body.text_content()
    return " ".join(text.split())


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html", ".md"])
def test_each_author_is_named_with_an_affiliation_the_masthead_does_not_already_show(built, suffix):
    text = _read(built / f"demo-boss{suffix}")
    assert "Ana Analyst (Energy Security Unit)" in text
    assert "Ben Writer (Test Unit)" not in text  # Test Unit is the brief's organization, already on the masthead
    assert "Ben Writer" in text
    assert "Cem Editor" in text


def test_the_byline_rule():
    authors = (Author("Ana", "Energy Unit"), Author("Ben", " Test Unit "), Author("Cem", ""))
    assert byline(authors, "Test Unit") == "Ana (Energy Unit), Ben, Cem"
    assert byline((), "Test Unit") == ""
