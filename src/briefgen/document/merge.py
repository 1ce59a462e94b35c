"""Two versions of one audience's document merged node by node: what a redline is made of.

`Merge` matches blocks by their words (difflib over each block's snapshot items), pairs the ones
that changed, and within a paragraph compares whole words, keeping each word's formatting and
the node it stands in (a link, a quotation) around it. Nodes from the issued version have their
citations and notes named apart (`OLD`), so both versions' notes can stand in one document.
`document/redline.py` puts the merged blocks in their sections and numbers the notes.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Any, TypeVar, cast

from briefgen.content.richtext import INLINE_TYPES, merge_text, plain_text, rewrite, walk
from briefgen.document.snapshot import block_items, inline_words
from briefgen.model import (
    Block,
    Callout,
    CiteRef,
    CrossRef,
    DefinitionList,
    DocBlock,
    DocSection,
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
    RevisedBlocks,
    Revision,
    SubHeading,
    Table,
    TableCell,
    Text,
)
from briefgen.model import Code as CodeSpan

KEPT_AT_LEAST = 0.5  # a paragraph keeping fewer of its words than this shows as replaced, not edited
OLD = "was:"  # prefixes the ids of citations and notes that come from the issued version
_PIECES = re.compile(r"\s+|[^\s]+")
T = TypeVar("T")


# ---------------------------------------------------------------- aligning two sequences


def align(
    old: Sequence[T],
    new: Sequence[T],
    old_key: Callable[[T], Any],
    new_key: Callable[[T], Any],
    pair: Callable[[T, T], Sequence[T]],
    deleted: Callable[[T], Sequence[T]],
    inserted: Callable[[T], Sequence[T]],
    same: tuple[Callable[[T], Any], Callable[[T], Any]] | None = None,
    pair_equal: bool = False,
) -> list[T]:
    """`new` with `old` merged in: equal items as they are now, the rest deleted, inserted or paired.

    Where items were replaced, those with the same `same` key (a definition's term, a row's first
    cell) are paired first; the others are paired in order. `pair` decides whether two items are
    one edited or one removed and another added; what is left over is deleted, then inserted.
    """
    matcher = difflib.SequenceMatcher(None, [old_key(i) for i in old], [new_key(i) for i in new], autojunk=False)
    out: list[T] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" and not pair_equal:
            out.extend(new[j1:j2])
        elif tag == "replace" and same is not None:
            out += align(old[i1:i2], new[j1:j2], same[0], same[1], pair, deleted, inserted, pair_equal=True)
        elif tag == "equal":  # the same by `same` only: one item edited
            for o, n in zip(old[i1:i2], new[j1:j2], strict=True):
                out.extend(pair(o, n))
        else:
            olds, news = list(old[i1:i2]), list(new[j1:j2])
            paired = min(len(olds), len(news)) if tag == "replace" else 0
            for o, n in zip(olds[:paired], news[:paired], strict=True):
                out.extend(pair(o, n))
            for o in olds[paired:]:
                out.extend(deleted(o))
            for n in news[paired:]:
                out.extend(inserted(n))
    return out


# ---------------------------------------------------------------- one side of the comparison


@dataclass
class _Side:
    """One of the two documents: how its nodes read (a citation is the words it shows, with its note's)."""

    doc: Document

    def words(self, nodes: tuple[Inline, ...]) -> str:
        return inline_words(self.doc, nodes)

    def block_key(self, block: Block) -> str:
        """A block's words as the snapshot has them, and its formatting: a word made bold has changed."""
        marks = [
            (*_signature(cast(Inline, node)), plain_text(node.children))
            for node in walk(block, into_notes=False)
            if isinstance(node, INLINE_TYPES) and hasattr(node, "children")
        ]
        words = json.dumps(block_items(self.doc, block), ensure_ascii=False, sort_keys=True)
        return f"{type(block).__name__}{words}{marks}"

    def item_key(self, blocks: tuple[Block, ...]) -> str:
        return "|".join(self.block_key(block) for block in blocks)

    def leaf_key(self, node: Inline) -> tuple:
        """An atom as it compares: a citation by the works it cites and the words it shows in the text, a
        note call as a note call. What a note says is compared inside the note (`redline._renumbered`),
        so a call stays in place when its note changed, and the note shows its own changes."""
        if isinstance(node, CiteRef):
            rendered = self.doc.citations.get(node.citation.uid.removeprefix(OLD))
            cited = tuple((i.key, i.prefix, i.suffix, i.suppress_author) for i in node.citation.items)
            if rendered is None:
                return ("cite", cited)
            return ("cite", cited, self.words(rendered.inline), rendered.punctuation, rendered.note is not None)
        if isinstance(node, NoteRef):
            return ("note",)
        if isinstance(node, CodeSpan):
            return ("code", node.text)
        if isinstance(node, LineBreak):
            return ("br",)
        if isinstance(node, PortionMark):
            return ("mark", node.portion)
        if isinstance(node, CrossRef):
            return ("xref", node.target, node.suppress_prefix)
        return (type(node).__name__,)


@dataclass(frozen=True)
class _Token:
    """A word, a space or an atom (a citation, a note call...) of a paragraph, with what it stands inside."""

    key: tuple
    node: Inline
    ancestors: tuple[Inline, ...]  # the wrapping nodes (emphasis, link, quotation...), outermost first


def _signature(node: Inline) -> tuple:
    """What a wrapping node does to its words: a word that became bold, or links elsewhere, changed."""
    return (type(node).__name__, *(getattr(node, name) for name in ("href", "lang", "double") if hasattr(node, name)))


# ---------------------------------------------------------------- merging


class Merge:
    """Merges the issued document into the current one, node by node."""

    def __init__(self, before: Document, now: Document) -> None:
        self.old, self.new = _Side(before), _Side(now)

    # ------------------------------------------------------------ blocks

    def blocks(self, old: tuple[Block, ...], new: tuple[Block, ...]) -> tuple[Block, ...]:
        return tuple(align(old, new, self.old.block_key, self.new.block_key, self.block, self.deleted, self.inserted))

    def deleted(self, block: Block) -> list[Block]:
        return [RevisedBlocks("del", (renamed(block),))]

    def inserted(self, block: Block) -> list[Block]:
        return [RevisedBlocks("ins", (block,))]

    def block(self, old: Block, new: Block) -> list[Block]:
        """Two blocks in the same place: one edited (merged inside), or one replaced by the other."""
        merged: Block | None = None
        if isinstance(old, Para | SubHeading) and type(old) is type(new):
            inlines = self.inlines(old.inlines, new.inlines)  # type: ignore[union-attr]
            merged = replace(new, inlines=inlines) if inlines is not None else None
        elif isinstance(old, ListBlock) and isinstance(new, ListBlock) and old.ordered == new.ordered:
            merged = replace(new, items=self.items(old.items, new.items))
        elif isinstance(old, Quote) and isinstance(new, Quote):
            merged = replace(new, blocks=self.blocks(old.blocks, new.blocks))
        elif isinstance(old, LangDiv) and isinstance(new, LangDiv) and old.lang == new.lang:
            merged = replace(new, blocks=self.blocks(old.blocks, new.blocks))
        elif isinstance(old, Callout) and isinstance(new, Callout) and old.kind == new.kind:
            merged = replace(
                new, title=self.inlines_or_both(old.title, new.title), blocks=self.blocks(old.blocks, new.blocks)
            )
        elif isinstance(old, Table) and isinstance(new, Table) and len(old.aligns) == len(new.aligns):
            merged = self.table(old, new)
        elif isinstance(old, Figure) and isinstance(new, Figure) and _same_picture(old, new):
            merged = replace(new, caption=self.inlines_or_both(old.caption, new.caption))  # the same picture
        elif isinstance(old, DefinitionList) and isinstance(new, DefinitionList):
            merged = replace(new, items=self.definitions(old, new))
        if merged is None:
            return [*self.deleted(old), *self.inserted(new)]
        return [merged]

    def items(self, old, new) -> tuple:
        """List items: matched by their words, each item merged inside or marked whole."""
        return tuple(
            align(
                old,
                new,
                self.old.item_key,
                self.new.item_key,
                lambda o, n: [self.item(o, n)],
                lambda o: [(RevisedBlocks("del", renamed(o)),)],
                lambda n: [(RevisedBlocks("ins", n),)],
            )
        )

    def item(self, old: tuple[Block, ...], new: tuple[Block, ...]) -> tuple[Block, ...]:
        """One list item edited: its first paragraph (the one beside the bullet) stays one paragraph, its
        words merged or, when replaced, the old struck through before the new; the rest merged as blocks."""
        if old and new and isinstance(old[0], Para) and isinstance(new[0], Para):
            first = replace(new[0], inlines=self.inlines_or_both(old[0].inlines, new[0].inlines))
            return (first, *self.blocks(old[1:], new[1:]))
        return self.blocks(old, new)

    def table(self, old: Table, new: Table) -> Table:
        def rows(olds, news):
            key = lambda side: lambda row: "|".join(side.item_key(cell.blocks) for cell in row)  # noqa: E731
            return tuple(
                align(
                    olds,
                    news,
                    key(self.old),
                    key(self.new),
                    lambda o, n: [tuple(replace(c, blocks=self.blocks(a.blocks, c.blocks)) for a, c in _cells(o, n))],
                    lambda o: [tuple(_whole(c, "del", renamed) for c in o)],
                    lambda n: [tuple(_whole(c, "ins", lambda v: v) for c in n)],
                    same=(first(self.old), first(self.new)),  # by the row's first cell
                )
            )

        def first(side: _Side):
            return lambda row: side.item_key(row[0].blocks) if row else ""

        caption = self.inlines_or_both(old.caption, new.caption)
        return replace(new, caption=caption, head=rows(old.head, new.head), body=rows(old.body, new.body))

    def definitions(self, old: DefinitionList, new: DefinitionList) -> tuple:
        def key(side: _Side):
            return lambda item: side.words(item[0]) + "|" + "|".join(side.item_key(d) for d in item[1])

        def pair(o, n):
            term = self.inlines_or_both(o[0], n[0])
            definitions = align(
                o[1],
                n[1],
                self.old.item_key,
                self.new.item_key,
                lambda a, b: [self.blocks(a, b)],
                lambda a: [(RevisedBlocks("del", renamed(a)),)],
                lambda b: [(RevisedBlocks("ins", b),)],
            )
            return [(term, tuple(definitions))]

        def whole(item, kind: str, fix):
            return [((Revision(kind, fix(item[0])),), tuple((RevisedBlocks(kind, fix(d)),) for d in item[1]))]

        return tuple(
            align(
                old.items,
                new.items,
                key(self.old),
                key(self.new),
                pair,
                lambda o: whole(o, "del", renamed),
                lambda n: whole(n, "ins", lambda v: v),
                same=(lambda item: self.old.words(item[0]), lambda item: self.new.words(item[0])),  # by term
            )
        )

    # ------------------------------------------------------------ words

    def inlines_or_both(self, old: tuple[Inline, ...], new: tuple[Inline, ...]) -> tuple[Inline, ...]:
        """Words merged; when too few are kept, the old ones deleted and the new inserted, in one line."""
        merged = self.inlines(old, new)
        if merged is not None:
            return merged
        return tuple([Revision("del", renamed(old))] * bool(old) + [Revision("ins", new)] * bool(new))

    def inlines(self, old: tuple[Inline, ...], new: tuple[Inline, ...]) -> tuple[Inline, ...] | None:
        """The words of a paragraph merged, or None when fewer than half of them are kept (replaced)."""
        olds = _tokens(renamed(old), (), self.old)
        news = _tokens(new, (), self.new)
        matcher = difflib.SequenceMatcher(None, [t.key for t in olds], [t.key for t in news], autojunk=False)
        opcodes = _joined(matcher.get_opcodes(), olds)
        kept = sum(1 for tag, i1, i2, _j1, _j2 in opcodes if tag == "equal" for t in olds[i1:i2] if t.key[0] != "space")
        words = max(sum(1 for t in olds if t.key[0] != "space"), sum(1 for t in news if t.key[0] != "space"))
        if words and kept < KEPT_AT_LEAST * words:
            return None
        same: dict[int, Inline] = {}  # an issued wrapping node -> the current node it is
        for tag, i1, i2, j1, _j2 in opcodes:
            if tag == "equal":
                for o, n in zip(olds[i1:i2], news[j1 : j1 + i2 - i1], strict=True):
                    for a, b in zip(o.ancestors, n.ancestors, strict=False):
                        if _signature(a) != _signature(b):
                            break
                        same[id(a)] = b
        merged: list[tuple[str, _Token]] = []
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                merged += [("", t) for t in news[j1:j2]]
                continue
            for t in olds[i1:i2]:
                merged.append(("del", replace(t, ancestors=tuple(same.get(id(a), a) for a in t.ancestors))))
            merged += [("ins", t) for t in news[j1:j2]]
        return _rebuilt(merged, 0)

    # ------------------------------------------------------------ blocks of the brief

    def sections(self, moved: set[str]) -> tuple[DocSection, ...]:
        """The current sections with the issued blocks that left them put back where they stood, marked."""
        old_blocks = {b.id: b for b in self.old.doc.blocks}
        new_place = {b.id: s.id for s in self.new.doc.sections for b in s.blocks}
        merged: dict[str, list[DocBlock]] = {}
        order: list[DocSection] = []
        old_titles = {s.id: s.title for s in self.old.doc.sections}
        for section in self.new.doc.sections:
            merged[section.id] = [self.doc_block(old_blocks.get(b.id), b, b.id in moved) for b in section.blocks]
            title_was = old_titles.get(section.id)
            order.append(
                replace(
                    section,
                    change="" if section.id in old_titles else "ins",
                    title_was=title_was if title_was not in (None, section.title) else None,
                )
            )
        for index, section in enumerate(self.old.doc.sections):
            if section.id not in merged:
                merged[section.id] = []
                after = next(
                    (s.id for s in reversed(self.old.doc.sections[:index]) if s.id in merged and s.id != section.id),
                    None,
                )
                at = next((k + 1 for k, s in enumerate(order) if s.id == after), 0)
                order.insert(at, replace(section, blocks=(), change="del"))
            blocks = merged[section.id]
            cursor = 0
            for block in section.blocks:
                if block.id in new_place and block.id not in moved:
                    cursor = next((k + 1 for k, b in enumerate(blocks) if b.id == block.id and not b.change), cursor)
                    continue
                gone = replace(self.renamed_block(block), change="move-from" if block.id in new_place else "del")
                blocks.insert(cursor, gone)
                cursor += 1
        return tuple(replace(section, blocks=tuple(merged[section.id])) for section in order)

    def doc_block(self, old: DocBlock | None, new: DocBlock, moved: bool) -> DocBlock:
        if old is None:
            return replace(new, change="ins")
        if moved:  # the old place shows it as it was: here it stands as it is now, moved whole
            return replace(new, change="move-to")
        merged = replace(
            new,
            content=self.blocks(old.content, new.content),
            mitigation=self.blocks(old.mitigation, new.mitigation),
        )
        same_heading = (old.title, old.number, old.fields, old.portion, old.as_of) == (
            new.title,
            new.number,
            new.fields,
            new.portion,
            new.as_of,
        )
        return merged if same_heading else replace(merged, was=self.renamed_block(old))

    def renamed_block(self, block: DocBlock) -> DocBlock:
        return replace(block, content=renamed(block.content), mitigation=renamed(block.mitigation))


def _joined(
    opcodes: Sequence[tuple[str, int, int, int, int]], olds: list[_Token]
) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes with the spaces kept between two changes made part of them, so "stopped short
    of" replaced by "not made" reads as those words out and these in, not as two interleaved changes."""
    out: list[tuple[str, int, int, int, int]] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        between = 0 < index < len(opcodes) - 1 and all(t.key[0] == "space" for t in olds[i1:i2])
        if tag == "equal" and not between:
            out.append((tag, i1, i2, j1, j2))
        elif out and out[-1][0] != "equal":
            out[-1] = ("replace", out[-1][1], i2, out[-1][3], j2)
        else:
            out.append(("replace", i1, i2, j1, j2))
    return out


def renamed(value: Any) -> Any:
    """Nodes of the issued version with their citations and notes named apart from the current ones'."""

    def rename(node: Any) -> tuple[Any, ...] | None:
        if isinstance(node, CiteRef):
            return (replace(node, citation=replace(node.citation, uid=OLD + node.citation.uid)),)
        if isinstance(node, NoteRef):
            return (replace(node, uid=OLD + node.uid),)
        if isinstance(node, Figure) and node.picture is not None and not node.picture.path.is_file():
            # its picture is gone from the workspace since (a cached chart): shown by its caption
            shown = f"[{node.alt or node.src}]"
            return (Para((Text(shown), *((Text(" "), *rewrite(node.caption, rename)) if node.caption else ()))),)
        return None

    return rewrite(value, rename)


def _same_picture(old: Figure, new: Figure) -> bool:
    """Two figures that differ in their caption only: the caption is compared word by word."""
    return (old.src, old.alt, old.source, old.width, old.picture) == (
        new.src,
        new.alt,
        new.source,
        new.width,
        new.picture,
    )


def _cells(old: tuple[TableCell, ...], new: tuple[TableCell, ...]):
    """Cells of two rows side by side; a row with fewer cells is paired with empty ones."""
    empty = TableCell(())
    return [(old[k] if k < len(old) else empty, cell) for k, cell in enumerate(new)]


def _whole(cell: TableCell, kind: str, fix) -> TableCell:
    return replace(cell, blocks=(RevisedBlocks(kind, fix(cell.blocks)),) if cell.blocks else ())


def _tokens(nodes: tuple[Inline, ...], ancestors: tuple[Inline, ...], side: _Side) -> list[_Token]:
    """A paragraph as words, spaces and atoms, each with the nodes it stands inside."""
    found: list[_Token] = []
    style = tuple(_signature(a) for a in ancestors)
    for node in nodes:
        if isinstance(node, Text):
            for piece in _PIECES.findall(node.text):
                key = ("space",) if piece.isspace() else ("word", piece, style)
                found.append(_Token(key, Text(piece), ancestors))
        elif isinstance(node, Revision):  # a node a redline made: never in a document being compared
            found += _tokens(node.children, ancestors, side)
        elif hasattr(node, "children"):
            found += _tokens(node.children, (*ancestors, node), side)
        else:
            found.append(_Token((*side.leaf_key(node), style), node, ancestors))
    return found


def _rebuilt(tokens: list[tuple[str, _Token]], depth: int) -> tuple[Inline, ...]:
    """Nodes again from marked tokens: wrapping nodes around their words, revisions innermost, except
    that a wrapping node all of whose words are inserted (or deleted) is inserted (or deleted) whole,
    so the quotation marks or the link go with its words."""
    out: list[Inline] = []

    def wrapper(item: tuple[str, _Token]) -> int | None:
        ancestors = item[1].ancestors
        return id(ancestors[depth]) if len(ancestors) > depth else None

    for key, run in groupby(tokens, key=wrapper):
        group = list(run)
        if key is None:
            for kind, same in groupby(group, key=lambda item: item[0]):
                leaves = merge_text([token.node for _kind, token in same])
                out.extend(leaves if not kind else [Revision(kind, leaves)])
            continue
        node = group[0][1].ancestors[depth]
        kinds = {kind for kind, _token in group}
        if len(kinds) == 1 and "" not in kinds:
            inner = _rebuilt([("", token) for _kind, token in group], depth + 1)
            out.append(Revision(kinds.pop(), (replace(node, children=inner),)))  # type: ignore[arg-type]
        else:
            out.append(replace(node, children=_rebuilt(group, depth + 1)))  # type: ignore[arg-type]
    return tuple(out)
