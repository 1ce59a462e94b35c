"""The reading order of a brief: its parts in the order every format shows them, and its house tables.

Every format shows a brief in one order: the masthead, the bottom line, the register of
recommendations (for a summary audience), the contents list, the sections (each opening with
its registers of risks and factors, then its blocks), the notes, the bibliography, the versions
issued (for an audience with `show_history`) and the disclaimer. `PARTS` names that order and
`REGISTERS` the house tables' columns; the Word and Markdown writers follow them, the HTML
template is written in the same order, and `reading_order` gives the order a reader meets text
in, which numbers the notes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from briefgen.model import Block, DocBlock, DocSection, Document, Para, Revision, Text

PARTS = (
    "masthead",
    "bottom-line",
    "recommendation-register",
    "contents",
    "sections",
    "notes",
    "bibliography",
    "history",
    "disclaimer",
)


def reading_order(doc: Document) -> Iterator[tuple[str, tuple[Block, ...]]]:
    """Text in the order a reader meets it; every renderer lays blocks out in this order."""
    yield "bottom-line", doc.bottom_line
    for section in doc.sections:
        for block in section.blocks:
            if block.kind == "risk":
                yield block.id, block.mitigation
        for block in section.blocks:
            yield block.id, block.content


@dataclass(frozen=True)
class Column:
    """One column of a house table: its heading, and which value of a block it shows."""

    heading: str
    field: str  # "number", "title", "mitigation", or a key of the block's fields
    marked: bool = False  # the block's portion mark goes before this column's text
    word: bool = False  # a fixed word of the schema (priority, likelihood...), shown capitalised

    def text(self, block: DocBlock) -> str:
        """The cell's plain text (not for `mitigation`, which is rich text: see `Register.cells`)."""
        if self.field == "number":
            value = str(block.number)
        elif self.field == "title":
            value = block.title
        else:
            value = str(block.fields.get(self.field) or "")
        value = value.capitalize() if self.word else value
        return block.marked(value) if self.marked else value


@dataclass(frozen=True)
class Register:
    """A house table: the recommendations of a summary, a section's risks or its factors."""

    kind: str  # the kind of the blocks it lists
    columns: tuple[Column, ...]
    blocks: tuple[DocBlock, ...]
    keep_whole: bool  # short enough to keep on one page

    @property
    def headings(self) -> list[str]:
        return [c.heading for c in self.columns]

    def cells(self, block: DocBlock) -> list[str | tuple[Block, ...]]:
        """A block's row: plain text, or the mitigation's rich text; in a redline, a cell whose words changed
        since the issued version holds them deleted and the new ones inserted."""
        return [block.mitigation if c.field == "mitigation" else _revised(c, block) for c in self.columns]


def _revised(column: Column, block: DocBlock) -> str | tuple[Block, ...]:
    now = column.text(block)
    was = column.text(block.was) if block.was is not None else now
    if was == now:
        return now
    return (Para(tuple([Revision("del", (Text(was),))] * bool(was) + [Revision("ins", (Text(now),))] * bool(now))),)


REGISTERS = {
    "recommendation": (
        Column("#", "number"),
        Column("Recommended action", "action", marked=True),
        Column("Priority", "priority", word=True),
        Column("Owner", "owner"),
        Column("Horizon", "horizon"),
    ),
    "risk": (
        Column("Risk", "title", marked=True),
        Column("Likelihood", "likelihood", word=True),
        Column("Impact", "impact", word=True),
        Column("Mitigation", "mitigation"),
    ),
    "leverage": (
        Column("Factor", "title", marked=True),
        Column("Favours", "holder"),
        Column("Trend", "trend", word=True),
    ),
}
_KEPT_WHOLE_UP_TO = {"recommendation": 6, "risk": 5, "leverage": 6}  # rows; as the PDF's `.short` tables


def _register(kind: str, blocks: tuple[DocBlock, ...]) -> Register:
    return Register(kind, REGISTERS[kind], blocks, len(blocks) <= _KEPT_WHOLE_UP_TO[kind])


def recommendation_register(doc: Document) -> Register | None:
    """The table of recommendations after the bottom line, for an audience that reads a summary."""
    if doc.audience.detail == "summary" and doc.recommendations:
        return _register("recommendation", tuple(doc.recommendations))
    return None


def section_registers(section: DocSection) -> list[Register]:
    """The registers a section opens with: its risks, then its factors (each only if it has some)."""
    out = []
    for kind in ("risk", "leverage"):
        blocks = tuple(b for b in section.blocks if b.kind == kind)
        if blocks:
            out.append(_register(kind, blocks))
    return out
