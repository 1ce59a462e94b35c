"""A redline: the current document with every change since an issued version marked in it.

`build --changes-since V` draws one per audience from two documents of the same model: what the
audience read in V (kept by `briefgen release`, `document/stored.py`) and what it reads now. The
result is a `Document` like any other, so every renderer draws it; the changes are nodes of the
model (`Revision` words, `RevisedBlocks`, a block's or a section's `change`), each drawn as its
format's own revision: Word's tracked changes, HTML's `<ins>` and `<del>`.

Blocks are matched by id, so a block the audience did not get before is an addition for that
audience only; within a block, paragraphs (and list items, table rows, definitions) are matched
by their words, then words by words, as latexdiff does: whole words, never a soup of characters.
A paragraph of which fewer than half the words are kept shows as replaced. Generated text is not
compared: note numbers (a call is the words of its note), figure and table numbers, dates.
Accepting every change gives the current document and rejecting every change the issued one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any, cast

from briefgen.content.richtext import NODE_TYPES
from briefgen.content.typography import long_date
from briefgen.document.changes import AudienceChanges, BlockChange, compare
from briefgen.document.merge import OLD, Merge, align, renamed
from briefgen.document.snapshot import snapshot
from briefgen.model import (
    Block,
    CiteRef,
    DocSection,
    Document,
    Inline,
    Link,
    ListBlock,
    Note,
    NoteRef,
    Para,
    RevisedBlocks,
    Revision,
    Strong,
    TableCell,
    Text,
)


def redline(before: Document | None, now: Document, version: str) -> Document:
    """`now` with what changed since `before` (issued `version`) marked; `before` None: the audience is new."""
    before = before or replace(now, sections=(), bottom_line=(), notes=(), citations={}, bibliography=())
    merge = Merge(before, now)
    changes = compare(snapshot(before), snapshot(now), now.audience.id)
    moved = {change.block for change in changes.blocks if change.kind == "moved"}
    sections = merge.sections(moved)
    bottom_line = merge.blocks(before.bottom_line, now.bottom_line)
    bibliography = tuple(
        align(
            before.bibliography,
            now.bibliography,
            lambda e: merge.old.words(e),
            lambda e: merge.new.words(e),
            lambda o, n: _replaced_entry(merge, o, n),
            lambda e: ((Revision("del", e),),),
            lambda e: ((Revision("ins", e),),),
        )
    )
    merged = replace(
        now,
        sections=sections,
        bottom_line=bottom_line,
        bibliography=bibliography,
        changes_heading=f"Changes since version {version} of {long_date(before.date)}",
        changes=_summary(changes, sections, version),
    )
    return _renumbered(merged, before, now)


def _replaced_entry(merge: Merge, old: tuple[Inline, ...], new: tuple[Inline, ...]) -> list[tuple[Inline, ...]]:
    inlines = merge.inlines(old, new)
    if inlines is None:
        return [(Revision("del", renamed(old)),), (Revision("ins", new),)]
    return [inlines]


# ---------------------------------------------------------------- notes, numbered again


def _renumbered(merged: Document, before: Document, now: Document) -> Document:
    """Notes numbered in the redline's reading order, the issued version's deleted ones among them."""
    merge = Merge(before, now)
    citations: dict[str, Any] = {}
    note_numbers: dict[str, int] = {}
    notes: list[Note] = []
    issued, current = [0], [0]  # notes counted as Reject All and as Accept All would leave them

    def origin(uid: str) -> tuple[Document, str]:
        return (before, uid[len(OLD) :]) if uid.startswith(OLD) else (now, uid)

    def add(doc: Document, number: int, block_id: str, kind: str) -> int:
        note = doc.notes[number - 1]
        blocks = renamed(note.blocks) if doc is before else note.blocks
        was_number = now_number = None
        if kind != "ins":
            issued[0] += 1
            was_number = issued[0]
        if kind != "del":
            current[0] += 1
            now_number = current[0]
        if not kind and was_number is not None and was_number <= len(before.notes):  # the call stayed, its note too
            old = before.notes[was_number - 1]
            if (old.citation, old.block_id) == (note.citation, note.block_id) and old.blocks != note.blocks:
                blocks = merge.blocks(renamed(old.blocks), note.blocks)  # "Ibid." now the full reference...
        merged_note = replace(note, number=len(notes) + 1, blocks=blocks, block_id=block_id, change=kind)
        notes.append(replace(merged_note, numbers=(was_number, now_number)))
        return len(notes)

    def visit(node: CiteRef | NoteRef, kind: str, block_id: str) -> None:
        if isinstance(node, CiteRef):
            doc, uid = origin(node.citation.uid)
            rendered = doc.citations.get(uid)
            if rendered is None:
                return
            if rendered.note is not None and 0 < rendered.note <= len(doc.notes):
                rendered = replace(rendered, note=add(doc, rendered.note, block_id, kind))
            citations[node.citation.uid] = rendered
        else:
            doc, uid = origin(node.uid)
            number = doc.note_numbers.get(uid)
            if number is not None and 0 < number <= len(doc.notes):
                note_numbers[node.uid] = add(doc, number, block_id, kind)

    _calls(merged.bottom_line, "", "", visit)
    for section in merged.sections:
        for block in section.blocks:
            kind = {"del": "del", "move-from": "del", "ins": "ins", "move-to": "ins"}.get(block.change, "")
            _calls((block.content, block.mitigation), kind, block.id, visit)
    return replace(merged, citations=citations, note_numbers=note_numbers, notes=tuple(notes))


def _calls(value: Any, kind: str, block_id: str, visit: Callable[[Any, str, str], None]) -> None:
    """Every citation and note call in reading order, with the revision it stands in."""
    if isinstance(value, tuple):
        for item in value:
            _calls(item, kind, block_id, visit)
    elif isinstance(value, Revision):
        _calls(value.children, kind or value.kind, block_id, visit)
    elif isinstance(value, RevisedBlocks):
        _calls(value.blocks, kind or ("ins" if value.kind in ("ins", "move-to") else "del"), block_id, visit)
    elif isinstance(value, CiteRef | NoteRef):
        visit(value, kind, block_id)
    elif isinstance(value, NODE_TYPES) or isinstance(value, TableCell):
        for item in fields(cast(Any, value)):
            if item.name not in ("location", "citation", "uid", "text", "href"):
                _calls(getattr(value, item.name), kind, block_id, visit)


# ---------------------------------------------------------------- the summary on the first page

_KINDS = {"added": "Added", "removed": "Removed", "moved": "Moved", "revised": "Revised"}


def _summary(changes: AudienceChanges, sections: tuple[DocSection, ...], version: str) -> tuple[Block, ...]:
    """Per section, each block added, removed, moved or revised, linked to its place in the redline."""
    out: list[Block] = []
    if "marking" in changes.masthead:
        old, new = changes.masthead["marking"]
        out.append(Para((Text(f"The marking changed: {old or 'none'} before, {new or 'none'} now."),)))
    for key in ("title", "subtitle"):
        if key in changes.masthead:
            old, new = changes.masthead[key]
            out.append(Para((Text(f"The {key} changed: \u201c{old}\u201d before, \u201c{new}\u201d now."),)))
    if any(changes.bottom_line):
        out.append(Para((Text("The bottom line was revised"), *_counts(*changes.bottom_line), Text("."))))
    by_block: dict[str, BlockChange] = {change.block: change for change in changes.blocks}
    titles = {s.id: s.title for s in sections}
    for section in sections:
        items: list[tuple[Block, ...]] = []
        for block in section.blocks:
            change = by_block.get(block.id)
            if change is None or block.change == "move-from":
                continue
            anchor = block.anchor
            words: list[Inline] = [Text(f"{_KINDS[change.kind]}: "), Link("#" + anchor, (Text(change.title),))]
            if change.kind == "moved":
                words.append(Text(f", from {titles.get(change.was_section or '', change.was_section)}"))
            if change.kind in ("moved", "revised") and change.revised:
                words += _counts(change.inserted, change.deleted)
            items.append((Para(tuple(words)),))
        if items or section.change:
            note = {"ins": " (new section)", "del": " (removed section)"}.get(section.change, "")
            out.append(Para((Strong((Text(section.title + note),)),)))  # a heading here would skip a level
            if items:
                out.append(ListBlock(False, tuple(items)))
    if not out:
        out.append(Para((Text(f"Nothing this audience reads has changed since version {version}."),)))
    return tuple(out)


def _counts(inserted: int, deleted: int) -> list[Inline]:
    parts = [f"{inserted} word{'s' * (inserted != 1)} in"] * bool(inserted)
    parts += [f"{deleted} word{'s' * (deleted != 1)} out"] * bool(deleted)
    return [Text(f" ({', '.join(parts)})")] if parts else []
