"""Portion marks: the one place that decides which parts of a block carry "(C)".

An audience with `portion_marks: true` reads its handling level before every portion of a
marked block. The house rule, the same in every format because renderers only draw the
`PortionMark` nodes placed here:

- every paragraph, wherever it stands (list items at any depth, quotes, callouts, the
  definitions of a definition list);
- every definition-list term;
- every body row of a table, at the start of its first cell (header rows label the columns
  and carry no mark of their own; the table's caption carries one);
- a figure's caption and its source line;
- the bottom line, at the document's highest level (it sums up the whole brief, so it is marked
  as the banner is: over-marking is safe, under-marking is not), and the disclaimer at the lowest.

Headings (block titles and sub-headings) carry no mark, in every format. Code blocks and
rules hold no words a mark could precede; notes are marked by the paragraph that calls them.
Text drawn outside the block's Markdown (a recommendation's action and its priority line, a
register row's title) is marked by the renderers with `DocBlock.marked` and the `.portion` style.
"""

from __future__ import annotations

from dataclasses import replace

from briefgen.model import (
    Block,
    Callout,
    DefinitionList,
    Figure,
    Inline,
    LangDiv,
    ListBlock,
    Para,
    PortionMark,
    Quote,
    Table,
    TableCell,
)


def mark_portions(blocks: tuple[Block, ...], portion: str) -> tuple[Block, ...]:
    """`blocks` with a `PortionMark` before each portion; unchanged when `portion` is empty."""
    if not portion:
        return blocks
    return tuple(_mark(block, portion) for block in blocks)


def _marked(inlines: tuple[Inline, ...], portion: str) -> tuple[Inline, ...]:
    return (PortionMark(portion), *inlines)


def _mark(block: Block, portion: str) -> Block:
    if isinstance(block, Para):
        return Para(_marked(block.inlines, portion))
    if isinstance(block, ListBlock):
        return replace(block, items=tuple(mark_portions(item, portion) for item in block.items))
    if isinstance(block, Quote):
        return Quote(mark_portions(block.blocks, portion))
    if isinstance(block, Callout | LangDiv):
        return replace(block, blocks=mark_portions(block.blocks, portion))
    if isinstance(block, DefinitionList):
        return DefinitionList(
            tuple(
                (_marked(term, portion), tuple(mark_portions(d, portion) for d in definitions))
                for term, definitions in block.items
            )
        )
    if isinstance(block, Table):
        caption = _marked(block.caption, portion) if block.caption else block.caption
        return replace(block, caption=caption, body=tuple(_mark_row(row, portion) for row in block.body))
    if isinstance(block, Figure):
        caption = _marked(block.caption, portion) if block.caption else block.caption
        return replace(block, caption=caption, source=f"({portion}) {block.source}" if block.source else "")
    return block


def _mark_row(row: tuple[TableCell, ...], portion: str) -> tuple[TableCell, ...]:
    """The row's mark at the start of its first cell: before its first paragraph, or as one of its own."""
    if not row:
        return row
    first, rest = row[0], row[1:]
    blocks = first.blocks
    if blocks and isinstance(blocks[0], Para):
        blocks = (Para(_marked(blocks[0].inlines, portion)), *blocks[1:])
    else:
        blocks = (Para((PortionMark(portion),)), *blocks)
    return (replace(first, blocks=blocks), *rest)
