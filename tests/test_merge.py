"""`document/merge.py`: two versions merged so that accepting every change gives the new and rejecting the old.

The property is checked on random texts (Hypothesis): for any two paragraphs, and any two runs of
paragraphs, the merge accepted equals the new version and rejected equals the old one, or the
paragraph is refused as replaced (fewer than half its words kept) and shown whole twice. Accept
and reject are written here, from the meaning of the nodes, not with briefgen's renderers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.document.merge import Merge, renamed
from briefgen.model import (
    AudienceProfile,
    Document,
    Emph,
    Figure,
    Para,
    Picture,
    Quoted,
    RevisedBlocks,
    Revision,
    Text,
)


def _doc() -> Document:
    audience = AudienceProfile("reader", "Reader", "full", ())
    return Document("b", audience, "T", "", dt.date(2022, 5, 2), "1", "", (), ())


MERGE = Merge(_doc(), _doc())


def _resolve(nodes, accept: bool):
    """The nodes as they read once every change is accepted (or rejected)."""
    out = []
    for node in nodes:
        if isinstance(node, Revision):
            if (node.kind == "ins") == accept:
                out += _resolve(node.children, accept)
        elif isinstance(node, RevisedBlocks):
            if (node.kind in ("ins", "move-to")) == accept:
                out += _resolve(node.blocks, accept)
        elif isinstance(node, Para):
            out.append(Para(tuple(_resolve(node.inlines, accept))))
        elif hasattr(node, "children"):
            out.append(type(node)(**{**node.__dict__, "children": tuple(_resolve(node.children, accept))}))
        else:
            out.append(node)
    return out


def _words(nodes) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, Quoted):
            parts.append("\u201c" + _words(node.children) + "\u201d")
        elif isinstance(node, Emph):
            parts.append("_" + _words(node.children) + "_")
        elif isinstance(node, Para):
            parts.append(_words(node.inlines) + "\n")
    return "".join(parts)


def test_words_replaced_read_as_those_out_and_these_in():
    merged = MERGE.inlines(
        (Text("Tokyo has stopped short of a complete break."),), (Text("Tokyo has not made a complete break."),)
    )
    assert merged == (
        Text("Tokyo has "),
        Revision("del", (Text("stopped short of"),)),
        Revision("ins", (Text("not made"),)),
        Text(" a complete break."),
    )


def test_a_paragraph_keeping_fewer_than_half_its_words_is_replaced():
    assert MERGE.inlines((Text("one two three four"),), (Text("one five six seven"),)) is None
    assert MERGE.inlines((Text("one two three four"),), (Text("one two six seven"),)) is not None  # half kept


def test_a_word_made_emphatic_has_changed():
    merged = MERGE.inlines((Text("a b c d"),), (Text("a b "), Emph((Text("c"),)), Text(" d")))
    assert merged == (Text("a b "), Revision("del", (Text("c"),)), Revision("ins", (Emph((Text("c"),)),)), Text(" d"))


def test_a_quotation_inserted_whole_takes_its_marks_with_it():
    quote = Quoted(True, (Text("not acceptable"),))
    merged = MERGE.inlines((Text("He said so today"),), (Text("He said "), quote, Text(" today")))
    assert Revision("ins", (quote,)) in merged  # the marks go with the words, in and out together


def test_a_removed_figure_whose_picture_is_gone_is_shown_by_its_caption(tmp_path: Path):
    picture = Picture(tmp_path / "gone.png", "png", 10, 10, "x")
    figure = Figure("figures/chart.vl.yaml", (Text("Trade by year"),), alt="A bar chart", picture=picture)
    assert renamed((figure,)) == (Para((Text("[A bar chart]"), Text(" "), Text("Trade by year"))),)
    (tmp_path / "gone.png").write_bytes(b"png")
    assert renamed((figure,)) == (figure,)  # still there: drawn as it was


WORDS = st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "the", "a", "Tokyo", "Moscow"]), max_size=12)


@settings(max_examples=300, deadline=None, database=None)
@given(WORDS, WORDS, st.booleans())
def test_accepting_gives_the_new_words_and_rejecting_the_old(old: list[str], new: list[str], emphasis: bool):
    before = (Text(" ".join(old)),)
    now: tuple = (Text(" ".join(new)),)
    if emphasis and new:
        now = (Text(" ".join(new[:1]) + " "), Emph((Text(" ".join(new[1:])),))) if len(new) > 1 else now
    merged = MERGE.blocks((Para(before),), (Para(now),))  # merged inside, or replaced when too little is kept
    assert _words(_resolve(merged, True)) == _words((Para(now),))
    assert _words(_resolve(merged, False)) == _words((Para(before),))
    inside = MERGE.inlines(before, now)
    if inside is not None and before != now:  # a paragraph edited, not replaced, is merged word by word
        assert merged == (Para(inside),)


PARAGRAPHS = st.lists(WORDS.map(lambda w: Para((Text(" ".join(w)),))), max_size=6)


@settings(max_examples=200, deadline=None, database=None)
@given(PARAGRAPHS, PARAGRAPHS)
def test_runs_of_paragraphs_merge_both_ways(old: list[Para], new: list[Para]):
    merged = MERGE.blocks(tuple(old), tuple(new))
    assert _words(_resolve(merged, True)) == _words(new)
    assert _words(_resolve(merged, False)) == _words(old)
