"""Walking and rewriting rich-text nodes, so each stage (cite, cross-reference, typography)
changes one kind of node without repeating a visitor over every construct."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

from briefgen import model as m

NODE_TYPES: tuple[type, ...] = (
    m.Revision,
    m.Text,
    m.Emph,
    m.Strong,
    m.Code,
    m.Link,
    m.SmallCaps,
    m.Superscript,
    m.Subscript,
    m.Strikeout,
    m.Underline,
    m.Quoted,
    m.LineBreak,
    m.LangSpan,
    m.CiteRef,
    m.NoteRef,
    m.CrossRef,
    m.PortionMark,
    m.Para,
    m.ListBlock,
    m.Quote,
    m.CodeBlock,
    m.SubHeading,
    m.DefinitionList,
    m.Rule,
    m.Table,
    m.TableCell,
    m.Callout,
    m.Figure,
    m.LangDiv,
    m.RevisedBlocks,
)
_CONTAINER_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(node: Any) -> tuple[str, ...]:
    kind = type(node)
    if kind not in _CONTAINER_FIELDS:
        _CONTAINER_FIELDS[kind] = tuple(
            f.name for f in dataclasses.fields(node) if f.name not in ("location", "citation", "uid", "text", "href")
        )
    return _CONTAINER_FIELDS[kind]


def walk(value: Any, into_notes: bool = True) -> Iterator[Any]:
    """Every node in reading order (a node before its children); notes' contents where they are called."""
    if isinstance(value, tuple):
        for item in value:
            yield from walk(item, into_notes)
    elif isinstance(value, NODE_TYPES):
        yield value
        if isinstance(value, m.NoteRef) and not into_notes:
            return
        for name in _fields(value):
            child = getattr(value, name)
            if isinstance(child, (tuple, *NODE_TYPES)):
                yield from walk(child, into_notes)


Rewriter = Callable[[Any], "tuple[Any, ...] | None"]


INLINE_TYPES: tuple[type, ...] = NODE_TYPES[: NODE_TYPES.index(m.Para)]
SequenceHook = Callable[[tuple[Any, ...]], tuple[Any, ...]]


def rewrite(value: Any, fn: Rewriter, inlines_hook: SequenceHook | None = None) -> Any:
    """`value` with each node `fn` answers for replaced by its answer (a tuple of nodes).

    Where `fn` returns None the node is kept and its children are rewritten. `inlines_hook`,
    when given, sees every run of inlines (a paragraph's, a caption's, a link's) once its
    nodes are rewritten.
    """
    if isinstance(value, tuple):
        out: list[Any] = []
        changed = False
        for item in value:
            if isinstance(item, NODE_TYPES):
                replaced = _rewrite_node(item, fn, inlines_hook)
                changed = changed or len(replaced) != 1 or replaced[0] is not item
                out.extend(replaced)
            else:
                new = rewrite(item, fn, inlines_hook)
                changed = changed or new is not item
                out.append(new)
        result = tuple(out) if changed else value
        if inlines_hook is not None and result and isinstance(result[0], INLINE_TYPES):
            result = inlines_hook(result)
        return result
    if isinstance(value, NODE_TYPES):
        result = _rewrite_node(value, fn, inlines_hook)
        return result[0] if len(result) == 1 else result
    return value


def _rewrite_node(node: Any, fn: Rewriter, inlines_hook: SequenceHook | None = None) -> tuple[Any, ...]:
    answer = fn(node)
    if answer is not None:
        return tuple(answer)
    changes = {}
    for name in _fields(node):
        child = getattr(node, name)
        if isinstance(child, (tuple, *NODE_TYPES)):
            new = rewrite(child, fn, inlines_hook)
            if new is not child:
                changes[name] = new
    if not changes:
        return (node,)
    for name in ("children", "inlines", "caption", "title"):
        if name in changes:
            changes[name] = merge_text(list(changes[name]))
    return (dataclasses.replace(node, **changes),)


def merge_text(nodes: list[Any]) -> tuple[Any, ...]:
    """Adjacent text nodes joined, so renderers see whole runs."""
    merged: list[Any] = []
    for node in nodes:
        if isinstance(node, m.Text) and merged and isinstance(merged[-1], m.Text):
            merged[-1] = m.Text(merged[-1].text + node.text)
        else:
            merged.append(node)
    return tuple(merged)


def plain_text(inlines: tuple[m.Inline, ...] | list[m.Inline]) -> str:
    """The words of rich text, without formatting; citations, notes and portion marks count as nothing."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, m.Text | m.Code):
            parts.append(node.text)
        elif isinstance(node, m.LineBreak):
            parts.append(" ")
        elif isinstance(node, m.Quoted):
            parts.append("\u201c" + plain_text(node.children) + "\u201d")
        elif isinstance(node, m.NoteRef | m.CiteRef | m.CrossRef | m.PortionMark):
            continue
        elif hasattr(node, "children"):
            parts.append(plain_text(node.children))
    return "".join(parts)


def blocks_text(blocks: tuple[m.Block, ...]) -> str:
    """The words of a sequence of blocks, one paragraph per line (tables row by row)."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, m.Para | m.SubHeading):
            lines.append(plain_text(block.inlines))
        elif isinstance(block, m.ListBlock):
            lines.extend(blocks_text(item) for item in block.items)
        elif isinstance(block, m.Quote | m.LangDiv | m.RevisedBlocks):
            lines.append(blocks_text(block.blocks))
        elif isinstance(block, m.CodeBlock):
            lines.append(block.text)
        elif isinstance(block, m.DefinitionList):
            for term, definitions in block.items:
                lines.append(plain_text(term))
                lines.extend(blocks_text(d) for d in definitions)
        elif isinstance(block, m.Callout):
            lines.append(plain_text(block.title))
            lines.append(blocks_text(block.blocks))
        elif isinstance(block, m.Figure):
            lines.append(plain_text(block.caption))
            lines.append(block.source)
        elif isinstance(block, m.Table):
            lines.append(plain_text(block.caption))
            for row in (*block.head, *block.body):
                lines.append(" ".join(blocks_text(cell.blocks) for cell in row))
    return "\n".join(line for line in lines if line)


def table_text_starts(table: m.Table) -> str:
    """The words a table starts with (its first cell, header or body): what decides its direction,
    as a paragraph's first letter decides a paragraph's (`content.bidi.is_rtl`)."""
    for row in (*table.head, *table.body):
        for cell in row:
            words = blocks_text(cell.blocks)
            if words.strip():
                return words
    return ""
