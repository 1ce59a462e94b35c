"""Parity: PDF and Word of the same document carry the same headings, paragraphs and notes."""

from pathlib import Path

from briefgen.build import BuildOptions, render_all
from briefgen.checks.parity import check_parity, compare

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def test_default_brief_pdf_and_word_match_for_every_audience():
    assert check_parity(ROOT) == []


def test_a_mismatch_is_reported_with_the_block_where_it_starts():
    rendered = render_all(FIXTURES / "minimal", BuildOptions(all_audiences=True, formats=("pdf", "docx"), force=True))
    data = {(o.audience, o.format): o.data for o in rendered.outputs}
    assert compare(data[("reader", "pdf")], data[("reader", "docx")]) == []
    problems = compare(data[("public", "pdf")], data[("reader", "docx")])
    assert problems == [
        "headings differ at heading 2: PDF has 'History for everyone', Word has 'History'",
        "paragraph in block 'history' is in Word but not in the PDF: 'Long history of the Hokkaidō dispute.1'",
        "note 1 differs: Word has '\u201cJapan-Russia Relations After the Russian-Ukrainian War,\u201d "
        "Foreign Policy Researc', the PDF does not",
    ]


def test_every_construct_long_urls_and_cjk_match_in_pdf_and_word():
    # Tables, notes, callouts and a 360-character token that the PDF wraps across lines.
    assert check_parity(FIXTURES / "language") == []


def test_a_paragraph_missing_from_the_pdf_is_named_with_its_block():
    options = BuildOptions(audiences=("reader",), formats=("pdf", "docx"), force=True)
    rendered = render_all(FIXTURES / "language", options)
    data = {o.format: o.data for o in rendered.outputs}
    other = render_all(FIXTURES / "minimal", BuildOptions(audiences=("reader",), formats=("pdf",), force=True))
    problems = compare(other.outputs[0].data, data["docx"])
    assert any(p.startswith("paragraph in block 'writing' is in Word but not in the PDF") for p in problems), problems
