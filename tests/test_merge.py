"""`document/merge.py`: two versions merged so that accepting every change gives the new and rejecting the old.

The property is checked on random texts (Hypothesis): for any two paragraphs, and any two runs of
paragraphs, the merge accepted equals the new version and rejected equals the old one, or the
paragraph is refused as replaced (fewer than half its words kept) and shown whole twice. Accept
and reject are written here, from the meaning of the nodes, not with briefgen's renderers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.document.merge import Merge, renamed
from briefgen.model import (
    AudienceProfile,
    DefinitionList,
    DocBlock,
    DocSection,
    Document,
    Emph,
    Figure,
    ListBlock,
    Para,
    Picture,
    Quoted,
    RevisedBlocks,
    Revision,
    Table,
    TableCell,
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


def _block(block_id: str, *paragraphs: str, title: str = "") -> DocBlock:
    content = tuple(Para((Text(p),)) for p in paragraphs)
    return DocBlock(block_id, Path(f"{block_id}.yaml"), "prose", title or block_id, content, "approved")


def _with(*sections: tuple[str, list[DocBlock]]) -> Document:
    return replace(_doc(), sections=tuple(DocSection(s, s.title(), tuple(blocks)) for s, blocks in sections))


def test_sections_keep_what_left_them_where_it_stood():
    before = _with(("a", [_block("one", "x"), _block("two", "y")]), ("b", [_block("three", "z")]))
    now = _with(("a", [_block("one", "x"), _block("four", "w")]), ("c", [_block("three", "z")]))
    merged = Merge(before, now).sections({"three"})
    assert [(s.id, s.change, [(b.id, b.change) for b in s.blocks]) for s in merged] == [
        ("a", "", [("one", ""), ("two", "del"), ("four", "ins")]),
        ("b", "del", [("three", "move-from")]),
        ("c", "ins", [("three", "move-to")]),
    ]
    assert [b.anchor for s in merged for b in s.blocks] == [
        "block-one",
        "block-two-was",
        "block-four",
        "block-three-was",
        "block-three",
    ]


def test_a_block_whose_heading_changed_keeps_the_issued_one_beside_it():
    before = _with(("a", [_block("one", "x", title="Old title")]))
    now = _with(("a", [_block("one", "x", title="New title")]))
    (section,) = Merge(before, now).sections(set())
    assert section.blocks[0].was is not None and section.blocks[0].was.title == "Old title"
    same = Merge(before, before).sections(set())[0].blocks[0]
    assert same.was is None and same.change == ""


def test_a_section_renamed_keeps_its_issued_title():
    before = _with(("a", [_block("one", "x")]))
    now = replace(before, sections=(DocSection("a", "Renamed", before.sections[0].blocks),))
    assert Merge(before, now).sections(set())[0].title_was == "A"


def test_list_items_removed_added_and_reworded():
    item = lambda words: (Para((Text(words),)),)  # noqa: E731
    before = ListBlock(False, (item("keep this"), item("drop that"), item("the end")))
    now = ListBlock(False, (item("keep this"), item("the end"), item("add another")))
    (merged,) = MERGE.blocks((before,), (now,))
    assert merged.items == (
        item("keep this"),
        (RevisedBlocks("del", item("drop that")),),
        item("the end"),
        (RevisedBlocks("ins", item("add another")),),
    )
    reworded = ListBlock(False, (item("keep this"), item("other words")))
    (merged,) = MERGE.blocks((before,), (reworded,))
    # an item replaced stays one item beside its bullet: the old words struck through, then the new
    assert merged.items[1] == (Para((Revision("del", (Text("drop that"),)), Revision("ins", (Text("other words"),)))),)


def test_table_rows_removed_and_added_are_marked_in_every_cell():
    cell = lambda words: TableCell((Para((Text(words),)),))  # noqa: E731
    table = lambda *rows: Table((), ("default", "default"), (0.0, 0.0), ((cell("A"), cell("B")),), tuple(rows))  # noqa: E731
    before = table((cell("1"), cell("2")), (cell("3"), cell("4")), (cell("7"), cell("8")))
    now = table((cell("1"), cell("2")), (cell("7"), cell("8")), (cell("5"), cell("6")))
    (merged,) = MERGE.blocks((before,), (now,))
    assert merged.head == before.head
    kinds = [[c.blocks[0].kind if isinstance(c.blocks[0], RevisedBlocks) else "" for c in row] for row in merged.body]
    assert kinds == [["", ""], ["del", "del"], ["", ""], ["ins", "ins"]]
    assert _words(_resolve(merged.body[1][0].blocks, False)) == "3\n"
    assert _resolve(merged.body[1][0].blocks, True) == []


def test_definitions_merge_term_by_term():
    before = DefinitionList((((Text("Term"),), ((Para((Text("old meaning here"),)),),)),))
    now = DefinitionList((((Text("Term"),), ((Para((Text("new meaning here"),)),),)),))
    (merged,) = MERGE.blocks((before,), (now,))
    ((term, (definition,)),) = merged.items
    assert term == (Text("Term"),)
    assert _words(_resolve(definition, True)) == "new meaning here\n"
    assert _words(_resolve(definition, False)) == "old meaning here\n"


def test_a_figure_whose_caption_changed_keeps_its_picture(tmp_path: Path):
    picture = Picture(tmp_path / "p.png", "png", 10, 10, "x")
    before = Figure("p.png", (Text("Trade by year"),), picture=picture)
    now = Figure("p.png", (Text("Trade by month"),), picture=picture)
    (merged,) = MERGE.blocks((before,), (now,))
    assert merged.picture == picture
    assert _words(_resolve(merged.caption, False)) == "Trade by year"
    other = Figure("q.png", (Text("Trade by month"),), picture=picture)
    assert [type(b) for b in MERGE.blocks((before,), (other,))] == [RevisedBlocks, RevisedBlocks]  # replaced


def _cell(words: str) -> TableCell:
    return TableCell((Para((Text(words),)),))


def _table(caption: str, head: tuple, *rows: tuple) -> Table:
    return Table((Text(caption),), ("default", "default"), (0.0, 0.0), (head,), rows)


def test_a_table_edited_cell_by_cell_keeps_its_rows():
    before = _table("Trade", (_cell("Year"), _cell("Value")), (_cell("2021"), _cell("large trade surplus")))
    now = _table("Trade by year", (_cell("Year"), _cell("Total")), (_cell("2021"), _cell("large trade deficit")))
    (merged,) = MERGE.blocks((before,), (now,))
    assert _words(_resolve(merged.caption, True)) == "Trade by year"
    assert _words(_resolve(merged.caption, False)) == "Trade"
    for accept, table in ((True, now), (False, before)):
        for got, want in zip((*merged.head, *merged.body), (*table.head, *table.body), strict=True):
            assert [_words(_resolve(c.blocks, accept)) for c in got] == [_words(c.blocks) for c in want]
    assert merged.body[0][1].blocks == (
        Para((Text("large trade "), Revision("del", (Text("surplus"),)), Revision("ins", (Text("deficit"),)))),
    )
    wider = Table((), ("default",) * 3, (0.0,) * 3, (), ((_cell("a"), _cell("b"), _cell("c")),))
    assert [type(b) for b in MERGE.blocks((before,), (wider,))] == [RevisedBlocks, RevisedBlocks]  # other columns


def test_definitions_removed_added_and_edited():
    entry = lambda term, *meanings: ((Text(term),), tuple((Para((Text(m),)),) for m in meanings))  # noqa: E731
    before = DefinitionList((entry("Kept", "one meaning"), entry("Gone", "its meaning"), entry("Edited", "a b c")))
    now = DefinitionList((entry("Kept", "one meaning"), entry("Edited", "a b c", "a second"), entry("New", "fresh")))
    (merged,) = MERGE.blocks((before,), (now,))
    terms = [_words(_resolve(term, True)) for term, _d in merged.items]
    assert terms == ["Kept", "", "Edited", "New"]
    assert [_words(_resolve(term, False)) for term, _d in merged.items] == ["Kept", "Gone", "Edited", ""]
    gone, edited, new = merged.items[1], merged.items[2], merged.items[3]
    assert gone[0] == (Revision("del", (Text("Gone"),)),) and gone[1] == (
        (RevisedBlocks("del", (Para((Text("its meaning"),)),)),),
    )
    assert edited[1] == ((Para((Text("a b c"),)),), (RevisedBlocks("ins", (Para((Text("a second"),)),)),))
    assert new[0] == (Revision("ins", (Text("New"),)),)


def test_boxes_quotes_and_parts_in_another_language_merge_inside():
    from briefgen.model import Callout, CodeBlock, LangDiv, Quote

    para = lambda words: (Para((Text(words),)),)  # noqa: E731
    pairs = [
        (
            Callout("note", (Text("Key judgement"),), para("a b c d")),
            Callout("note", (Text("Key judgement"),), para("a b c e")),
        ),
        (Quote(para("a b c d")), Quote(para("a b c e"))),
        (LangDiv("fr", para("a b c d")), LangDiv("fr", para("a b c e"))),
    ]
    for before, now in pairs:
        (merged,) = MERGE.blocks((before,), (now,))
        assert type(merged) is type(now)
        assert merged.blocks[0].inlines[-1] == Revision("ins", (Text("e"),))
    unlike = [
        (Callout("note", (), para("x")), Callout("tip", (), para("x"))),
        (LangDiv("fr", para("x")), LangDiv("de", para("x"))),
        (CodeBlock("a = 1"), CodeBlock("a = 2")),
        (ListBlock(False, (para("x"),)), ListBlock(True, (para("x"),))),
        (Para((Text("x"),)), CodeBlock("x")),
    ]
    for before, now in unlike:  # not the same kind of block: the old one out, the new one in
        assert MERGE.blocks((before,), (now,)) == (RevisedBlocks("del", (before,)), RevisedBlocks("ins", (now,)))


def test_atoms_compare_by_what_they_are():
    from briefgen.model import Code, CrossRef, LineBreak, PortionMark

    for old, new in [
        (Code("x = 1"), Code("x = 2")),
        (PortionMark("C"), PortionMark("S")),
        (CrossRef("fig-a"), CrossRef("fig-b")),
        (CrossRef("fig-a"), CrossRef("fig-a", suppress_prefix=True)),
        (LineBreak(), Code("x")),
    ]:
        merged = MERGE.inlines((Text("one two three four five "), old), (Text("one two three four five "), new))
        assert merged == (Text("one two three four five "), Revision("del", (old,)), Revision("ins", (new,)))
        same = MERGE.inlines((Text("one "), old), (Text("one "), old))
        assert same == (Text("one "), old)


def test_a_change_inside_emphasis_keeps_the_emphasis_around_it():
    before = (Text("a "), Emph((Text("b c d"),)), Text(" e"))
    now = (Text("a "), Emph((Text("b x d"),)), Text(" e"))
    merged = MERGE.inlines(before, now)
    assert merged == (
        Text("a "),
        Emph((Text("b "), Revision("del", (Text("c"),)), Revision("ins", (Text("x"),)), Text(" d"))),
        Text(" e"),
    )
