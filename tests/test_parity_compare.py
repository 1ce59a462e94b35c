"""`compare` on a real PDF and Word pair with one thing changed in the Word file: each difference is
found, named exactly, and nothing else is reported.

The pair is the trust fixture's marked audience (portion marks, footnotes, a table, a figure,
Arabic and Hebrew), built once per module. Changing the Word file's XML stands in for a renderer
that dropped or changed something in one format: the check must name it.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import copy_fixture
from lxml import etree

from briefgen.build import BuildOptions, render_all
from briefgen.build.parity import WP, W, compare, read_docx

AUDIENCE = "marked"


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[bytes, bytes, str]:
    """The marked audience's PDF, Word file and laid-out PDF text. Built in the fixture, not in a test:
    under mutation testing only `compare` is run against each mutant, so the pair may be shared."""
    root = copy_fixture("trust", tmp_path_factory.mktemp("parity-pair"))
    options = BuildOptions(audiences=(AUDIENCE,), formats=("pdf", "docx"), force=True, jobs=1)
    outputs = {o.format: o for o in render_all(root, options).outputs}
    return outputs["pdf"].data, outputs["docx"].data, outputs["pdf"].text


def _edited(docx: bytes, part: str, edit) -> bytes:
    """The Word file with `edit(root)` applied to the XML of `part`."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                root = etree.fromstring(data)
                edit(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(item, data)
    return out.getvalue()


def _paragraph(root, style: str, text: str):
    """The first paragraph of `style` whose text starts with `text`."""
    for p in root.iter(f"{W}p"):
        found = p.find(f"{W}pPr/{W}pStyle")
        words = "".join(t.text or "" for t in p.iter(f"{W}t"))
        if found is not None and found.get(f"{W}val") == style and words.startswith(text):
            return p
    raise AssertionError(f"no {style} paragraph starting {text!r}")


def _replace_words(p, old: str, new: str) -> None:
    for t in p.iter(f"{W}t"):
        if t.text and old in t.text:
            t.text = t.text.replace(old, new, 1)
            return
    raise AssertionError(f"{old!r} not in one run")


def test_the_pair_as_built_matches(pair):
    pdf, docx, text = pair
    assert compare(pdf, docx, text) == []


def test_a_changed_heading_is_named_with_its_position_and_both_texts(pair):
    pdf, docx, text = pair
    headings = read_docx(docx).headings()
    second = headings[1]

    def edit(root):
        _replace_words(_paragraph(root, "Heading2", second), second, "Five islands")

    assert compare(pdf, _edited(docx, "word/document.xml", edit), text) == [
        f"headings differ at heading 2: PDF has '{second}', Word has 'Five islands'"
    ]


def test_a_heading_missing_from_word_at_the_end_is_named_as_none(pair):
    pdf, docx, text = pair
    headings = read_docx(docx).headings()
    last = headings[-1]

    def edit(root):
        p = _paragraph(root, "Heading1", last)
        p.find(f"{W}pPr/{W}pStyle").set(f"{W}val", "BodyText")  # no longer a heading; its words stay

    assert compare(pdf, _edited(docx, "word/document.xml", edit), text) == [
        f"headings differ at heading {len(headings)}: PDF has '{last}', Word has '(none)'"
    ]


def test_words_in_word_and_not_in_the_pdf_are_named_with_their_block(pair):
    pdf, docx, text = pair
    word = read_docx(docx)
    para = next(p for p in word.paragraphs if p.style == "BodyText" and p.block and len(p.text) > 40)

    def edit(root):
        target = _paragraph(root, "BodyText", para.text[:30])
        first = next(t for t in target.iter(f"{W}t") if t.text and t.text.strip())
        first.text = "Unprinted " + first.text

    changed = read_docx(_edited(docx, "word/document.xml", edit))
    shown = next(p.text for p in changed.paragraphs if p.text.endswith(para.text[-20:]) and "Unprinted" in p.text)
    assert compare(pdf, _edited(docx, "word/document.xml", edit), text) == [
        f"paragraph in block '{para.block}' is in Word but not in the PDF: '{shown[:80]}'"
    ]


def test_a_portion_mark_only_word_has_is_counted_by_mark(pair):
    pdf, docx, text = pair
    word = read_docx(docx)
    marks = {}
    for p in word.paragraphs:
        for mark in ("C", "U"):
            marks[mark] = marks.get(mark, 0) + p.text.count(f"({mark})")
    para = next(p for p in word.paragraphs if p.style == "BodyText" and p.text.startswith("(C) "))

    def edit(root):
        target = _paragraph(root, "BodyText", para.text[:30])
        _replace_words(target, "(C)", "(S)")

    found = compare(pdf, _edited(docx, "word/document.xml", edit), text)
    assert len(found) == 2 and found[0].startswith("paragraph in block ")
    counts = ", ".join(f"{n} ({m})" for m, n in sorted(marks.items()) if n)
    word_counts = ", ".join(f"{n} ({m})" for m, n in sorted({**marks, "C": marks["C"] - 1, "S": 1}.items()) if n)
    assert found[1] == f"portion marks differ: the PDF has {counts}, Word has {word_counts}"


def test_a_figure_whose_description_differs_is_shown_in_both(pair):
    pdf, docx, text = pair

    def edit(root):
        for d in root.iter(f"{WP}docPr"):
            d.set("descr", "A different description")

    [alt] = read_docx(docx).figures
    assert compare(pdf, _edited(docx, "word/document.xml", edit), text) == [
        f"figures differ: the PDF has 1 ({alt[:40]}), Word has 1 (A different description)"
    ]


def test_a_figure_only_the_pdf_has_is_counted(pair):
    pdf, docx, text = pair

    def edit(root):
        for drawing in list(root.iter(f"{W}drawing")):
            drawing.getparent().remove(drawing)

    [alt] = read_docx(docx).figures
    assert compare(pdf, _edited(docx, "word/document.xml", edit), text) == [
        f"figures differ: the PDF has 1 ({alt[:40]}), Word has 0 ()"
    ]


def test_a_note_whose_words_differ_is_named_by_number(pair):
    pdf, docx, text = pair
    notes = read_docx(docx).notes

    def edit(root):
        body = [n for n in root.iter(f"{W}footnote") if int(n.get(f"{W}id")) > 0]
        first = next(t for t in body[2].iter(f"{W}t") if t.text and t.text.strip())
        first.text = "Unprinted " + first.text

    changed = read_docx(_edited(docx, "word/footnotes.xml", edit)).notes
    assert changed[2].startswith("Unprinted") and changed[:2] == notes[:2]
    assert compare(pdf, _edited(docx, "word/footnotes.xml", edit), text) == [
        f"note 3 differs: Word has '{changed[2][:80]}', the PDF does not"
    ]
