"""Every format shows a brief's parts in one order, the one `document/reading.py` describes.

The parts are found in what a reader of each file meets: the HTML's text (lxml), the Word
file's text as Pandoc reads it, and the Markdown as written. Each part's first words must come
in the order of `PARTS`, for every audience of the default brief.
"""

from __future__ import annotations

import subprocess

import pytest
from lxml import html as lxml_html

from briefgen.document.reading import PARTS, Column, recommendation_register, section_registers
from briefgen.runtime.pandoc import pandoc_path

AUDIENCES = ("policymaker", "analyst", "press")


def _text(path) -> str:
    if path.suffix == ".html":
        return " ".join(lxml_html.parse(str(path)).getroot().body.text_content().split())
    if path.suffix == ".docx":
        out = subprocess.run([pandoc_path(), "-t", "plain", "--wrap=none", str(path)], capture_output=True, text=True)
        return " ".join(out.stdout.split())
    return " ".join(path.read_text(encoding="utf-8").split())


def _markers(doc, suffix: str) -> dict[str, str]:
    """The first words of each part this audience's document has.

    Markdown's notes are Pandoc footnotes, which Pandoc (writing the file, and reading it into any
    other format) always puts at the end: they are not a part with a place in the Markdown.
    """
    found = {"masthead": doc.title, "sections": doc.sections[0].title}
    if doc.bottom_line:
        found["bottom-line"] = "Bottom line"
    if recommendation_register(doc) is not None:
        found["recommendation-register"] = "Recommended action"
    if doc.notes_mode == "endnotes" and doc.notes and suffix != ".md":
        found["notes"] = "Notes"
    if doc.bibliography:
        found["bibliography"] = "Bibliography"
    if doc.history:
        found["history"] = "Version history"
    if doc.disclaimer:
        found["disclaimer"] = " ".join(doc.disclaimer.split()[:6])
    return found


@pytest.fixture(scope="module")
def documents():
    from conftest import ROOT

    from briefgen.build import document_for
    from briefgen.document.select import audiences_for
    from briefgen.document.workspace import default_brief, open_workspace

    ws, _ = open_workspace(ROOT)
    brief = default_brief(ws, None)
    return {a.id: document_for(ws, brief, a) for a in audiences_for(ws, brief).values()}


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("suffix", [".html", ".docx", ".md"])
def test_each_format_shows_the_parts_in_reading_order(default_build, default_build_md, documents, audience, suffix):
    folder = default_build_md if suffix == ".md" else default_build
    text = _text(folder / f"japan-russia-{audience}{suffix}")
    doc = documents[audience]
    markers = _markers(doc, suffix)
    positions = []
    for part in PARTS:
        if part not in markers:
            continue
        # the notes' and the bibliography's headings come after the sections' text; the others from the top
        start = text.find(doc.sections[0].title) if part in ("notes", "bibliography", "history", "disclaimer") else 0
        where = text.find(markers[part], max(start, 0))
        assert where >= 0, f"{part} ({markers[part]!r}) not in the {suffix} of {audience}"
        positions.append((where, part))
    assert [p for _w, p in sorted(positions)] == [p for _w, p in positions]
    assert len(positions) >= 4


def test_the_registers_columns_are_one_description(documents):
    """Recommendations for a summary audience only; a section's risks before its factors."""
    summary = documents["policymaker"]
    assert recommendation_register(summary) is not None
    assert recommendation_register(documents["analyst"]) is None
    for doc in documents.values():
        for section in doc.sections:
            kinds = [r.kind for r in section_registers(section)]
            assert kinds == [k for k in ("risk", "leverage") if any(b.kind == k for b in section.blocks)]


def test_a_register_cell_carries_the_portion_mark_only_where_marked():
    from dataclasses import dataclass, field

    @dataclass
    class FakeBlock:
        title: str = "Talks collapse"
        number: int = 3
        portion: str = "C"
        fields: dict = field(default_factory=lambda: {"likelihood": "high", "owner": "MOFA"})

        def marked(self, text):
            return f"({self.portion}) {text}"

    block = FakeBlock()
    assert Column("Risk", "title", marked=True).text(block) == "(C) Talks collapse"
    assert Column("Likelihood", "likelihood", word=True).text(block) == "High"
    assert Column("Owner", "owner").text(block) == "MOFA"
    assert Column("#", "number").text(block) == "3"
    assert Column("Horizon", "horizon").text(block) == ""
