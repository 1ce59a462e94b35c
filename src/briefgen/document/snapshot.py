"""What one audience read, as plain data: the record `briefgen release` keeps of an issued version.

A snapshot holds every word the reader was given, in reading order and by place: the masthead,
the bottom line, each section and block (id, title, portion mark, fields), each paragraph, list
item, table row, figure and note, and the bibliography. Text is the words as the reader saw them:
citations as they were formatted (a note's number as `[^3]`, author-date words in the sentence),
cross-references as their labels, formatting left out. It is a pure function of the `Document`,
so the same document always gives the same snapshot, and a later version can be compared with it
block by block and paragraph by paragraph.
"""

from __future__ import annotations

from typing import Any

from briefgen.model import (
    Block,
    Callout,
    CiteRef,
    CodeBlock,
    CrossRef,
    DefinitionList,
    DocBlock,
    Document,
    Figure,
    Inline,
    LangDiv,
    LineBreak,
    ListBlock,
    NoteRef,
    Para,
    PortionMark,
    Quote,
    Quoted,
    Rule,
    SubHeading,
    Table,
    Text,
)
from briefgen.model import Code as CodeSpan

SNAPSHOT_FORMAT = 1  # raised when the shape of a snapshot changes, so an older release is read as such


def snapshot(doc: Document) -> dict[str, Any]:
    """The document as plain data (str, int, list, dict), in reading order."""
    text = _Words(doc)
    return {
        "format": SNAPSHOT_FORMAT,
        "brief": doc.brief_id,
        "audience": doc.audience.id,
        "masthead": {
            "title": doc.title,
            "subtitle": doc.subtitle,
            "date": doc.date.isoformat(),
            "version": doc.version,
            "organization": doc.organization,
            "authors": [author.name for author in doc.authors],
            "marking": doc.banner or "",
            "language": doc.language,
        },
        "bottom_line": text.items(doc.bottom_line),
        "sections": [
            {"id": section.id, "title": section.title, "blocks": [_block(block, text) for block in section.blocks]}
            for section in doc.sections
        ],
        "notes": [
            {"number": note.number, "block": note.block_id, "text": text.items(note.blocks)} for note in doc.notes
        ],
        "bibliography": [text.inlines(entry) for entry in doc.bibliography],
        "disclaimer": doc.disclaimer,
    }


def inline_words(doc: Document, nodes: tuple[Inline, ...]) -> str:
    """The words rich text shows a reader of `doc` (a citation as formatted, a note call as `[^3]`)."""
    return _Words(doc).inlines(nodes)


def block_items(doc: Document, block: Block) -> list[dict[str, Any]]:
    """A block of rich text as the snapshot records it: one item per paragraph, list item or row."""
    return _Words(doc).item(block, 0)


def _block(block: DocBlock, text: _Words) -> dict[str, Any]:
    record: dict[str, Any] = {"id": block.id, "title": block.title, "kind": block.kind}
    if block.portion:
        record["portion"] = block.portion
    if block.number is not None:
        record["number"] = block.number
    fields = {name: str(value) for name, value in sorted(block.fields.items()) if isinstance(value, str | int | float)}
    if fields:
        record["fields"] = fields
    record["text"] = text.items(block.content)
    if block.mitigation:
        record["mitigation"] = text.items(block.mitigation)
    return record


class _Words:
    """Blocks as a list of one-key items (`p`, `li`, `h`, `row`...), inlines as the words shown."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def items(self, blocks: tuple[Block, ...], level: int = 0) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for block in blocks:
            found += self.item(block, level)
        return found

    def item(self, block: Block, level: int) -> list[dict[str, Any]]:
        nested = {"level": level} if level else {}
        if isinstance(block, Para):
            return [{"p": self.inlines(block.inlines), **nested}]
        if isinstance(block, SubHeading):
            return [{"h": self.inlines(block.inlines), **nested}]
        if isinstance(block, CodeBlock):
            return [{"code": block.text, **nested}]
        if isinstance(block, Rule):
            return [{"rule": "", **nested}]
        if isinstance(block, ListBlock):
            return self._list(block, level)
        if isinstance(block, Quote):
            return [{**item, "quote": True} for item in self.items(block.blocks, level)]
        if isinstance(block, LangDiv):
            return [{**item, "lang": item.get("lang", block.lang)} for item in self.items(block.blocks, level)]
        if isinstance(block, Callout):
            return [
                {"box": self.inlines(block.title), "kind": block.kind, **nested},
                *self.items(block.blocks, level + 1),
            ]
        if isinstance(block, DefinitionList):
            found: list[dict[str, Any]] = []
            for term, definitions in block.items:
                found.append({"term": self.inlines(term), **nested})
                for definition in definitions:
                    found += self.items(definition, level + 1)
            return found
        if isinstance(block, Figure):
            label = f"{block.id} " if block.id else ""
            return [{"figure": self.inlines(block.caption), "alt": block.alt, "src": f"{label}{block.src}".strip()}]
        if isinstance(block, Table):
            return self._table(block, level)
        raise TypeError(f"no snapshot of {type(block).__name__}")  # a node added to the model but not here

    def _list(self, block: ListBlock, level: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for number, item in enumerate(block.items, start=block.start):
            first, *rest = item or (Para(()),)
            words = self.inlines(first.inlines) if isinstance(first, Para) else ""
            marker = {"n": number} if block.ordered else {}
            found.append({"li": words, **marker, **({"level": level} if level else {})})
            found += self.items(tuple(rest) if isinstance(first, Para) else item, level + 1)
        return found

    def _table(self, table: Table, level: int) -> list[dict[str, Any]]:
        nested = {"level": level} if level else {}
        found: list[dict[str, Any]] = [{"table": self.inlines(table.caption), **nested}]
        for row in table.head:
            found.append({"head": [self._cell(cell.blocks) for cell in row]})
        for row in table.body:
            found.append({"row": [self._cell(cell.blocks) for cell in row]})
        return found

    def _cell(self, blocks: tuple[Block, ...]) -> str:
        return " / ".join(str(next(iter(item.values()))) for item in self.items(blocks))

    def inlines(self, nodes: tuple[Inline, ...]) -> str:
        parts: list[str] = []
        for node in nodes:
            if isinstance(node, Text | CodeSpan):
                parts.append(node.text)
            elif isinstance(node, LineBreak):
                parts.append(" ")
            elif isinstance(node, Quoted):
                parts.append("\u201c" + self.inlines(node.children) + "\u201d")
            elif isinstance(node, NoteRef):
                number = self.doc.note_numbers.get(node.uid)
                parts.append(f"[^{number}]" if number else "")
            elif isinstance(node, CiteRef):
                parts.append(self._citation(node))
            elif isinstance(node, PortionMark | CrossRef):
                continue  # the block's portion mark is its own field; a cross-reference is a link by now
            elif hasattr(node, "children"):
                parts.append(self.inlines(node.children))
        return " ".join("".join(parts).split())

    def _citation(self, node: CiteRef) -> str:
        rendered = self.doc.citations.get(node.citation.uid)
        if rendered is None:
            return ""
        words = self.inlines(rendered.inline)
        call = f"[^{rendered.note}]" if rendered.note is not None else ""
        return f"{words}{rendered.punctuation if words and call else ''}{call}"
