"""A note as every format shows it: flattened to the paragraphs that fit inside a footnote.

A footnote holds paragraphs only; lists, quotes, boxes, code, definition lists and tables in a
note become a flat run of (marker, inlines). HTML, PDF and Word all read this one flattening,
so a note says the same words in every format.
"""

from __future__ import annotations

from briefgen.model import (
    Block,
    Callout,
    Code,
    CodeBlock,
    DefinitionList,
    Inline,
    LangDiv,
    LangSpan,
    ListBlock,
    Note,
    Para,
    Quote,
    RevisedBlocks,
    Revision,
    Strong,
    SubHeading,
    Table,
    Text,
)


def note_number(note: Note, number: int) -> list[tuple[str, str]]:
    """A note's number as printed text, as (revision, digits): in a redline a renumbered note shows its
    issued number deleted and its current one inserted, so Accept All and Reject All each read true."""
    if note.numbers is None or note.numbers[0] == note.numbers[1]:
        return [("", str(number if note.numbers is None else note.numbers[1]))]
    was, now = note.numbers
    return [("del", str(was))] * (was is not None) + [("ins", str(now))] * (now is not None)


def note_paragraphs(blocks: tuple[Block, ...]) -> list[tuple[str, tuple[Inline, ...]]]:
    """A note's blocks as a flat run of (list marker or "", inlines): paragraphs that fit inside a footnote."""
    out: list[tuple[str, tuple[Inline, ...]]] = []
    for block in blocks:
        if isinstance(block, Para | SubHeading):
            out.append(("", block.inlines))
        elif isinstance(block, ListBlock):
            for number, item in enumerate(block.items, start=block.start):
                inner = note_paragraphs(item) or [("", ())]
                out.append((f"{number}." if block.ordered else "\u2022", inner[0][1]))
                out.extend(inner[1:])
        elif isinstance(block, Quote):
            out.extend(note_paragraphs(block.blocks))
        elif isinstance(block, LangDiv):  # each paragraph keeps the block's language
            out.extend((marker, (LangSpan(block.lang, inlines),)) for marker, inlines in note_paragraphs(block.blocks))
        elif isinstance(block, RevisedBlocks):  # a redline's whole paragraphs, each marked
            kind = "ins" if block.kind in ("ins", "move-to") else "del"
            out.extend((marker, (Revision(kind, inlines),)) for marker, inlines in note_paragraphs(block.blocks))
        elif isinstance(block, Callout):
            if block.title:
                out.append(("", (Strong(block.title),)))
            out.extend(note_paragraphs(block.blocks))
        elif isinstance(block, CodeBlock):
            out.append(("", (Code(block.text),)))
        elif isinstance(block, DefinitionList):
            for term, definitions in block.items:
                out.append(("", (Strong(term),)))
                out.extend(p for d in definitions for p in note_paragraphs(d))
        elif isinstance(block, Table):
            if block.caption:
                out.append(("", block.caption))
            for row in (*block.head, *block.body):
                cells = [tuple(i for _m, inl in note_paragraphs(c.blocks) for i in inl) for c in row]
                out.append(("", tuple(i for c in cells for i in (*c, Text(" | ")))[:-1]))
    return out
