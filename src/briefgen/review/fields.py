"""The fields of a returned DOCX, and how a change made on one becomes an edit of its YAML source.

A field is the text of one `_bgN` bookmark (a block's body, a title, a register cell, a masthead
line) or of one note, as the returned file shows it (`shown`) and as the build wrote it (`built`,
from the record the DOCX carries). Positions in the returned file are carried over to the built
text (`untracked.Comparison`), and from there to the field's source (`place.Alignment`): only
then does a change become an `Edit`, or a refusal that says why it cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from briefgen.content.schema import KIND_CHOICES
from briefgen.render.docx.reading import Mark, WordParagraph, WordReview
from briefgen.review.items import ALREADY, CHANGED_REFUSAL, HIDDEN, Edit, ReviewItem
from briefgen.review.place import MARKDOWN_KEYS, Alignment, FieldSource, fold
from briefgen.review.record import BuildRecord
from briefgen.review.untracked import Comparison

MARKDOWN_FIELDS = MARKDOWN_KEYS | {"bottom_line"}  # brief.yaml's bottom line is Markdown too
UNTRACKED_OVERLAP = "it is in words changed without tracking there; make the change by hand"
PARAGRAPHS = "it joins or splits paragraphs; make the change by hand"
ONE_LINE = "a new paragraph cannot go into a one-line field"
_ESCAPE = re.compile(r"\\(.)")  # a backslash escape in Markdown: the character it writes
# A line that starts a block of its own in Markdown: a list item, a quote, a heading, a fence, a table, a note
_BLOCK_START = re.compile(r"\s*([-*+]\s|\d+[.)]\s|>|#|```|~~~|:::|\||!\[|\[\^)")
_CITATION = re.compile(r"\[[^\]]*@[^\]]*\]|\[\^[^\]]*\]")


@dataclass
class Field:
    """One field of the DOCX: its paragraphs' text joined by "\\n", and where each paragraph starts."""

    block: str
    name: str
    shown: str = ""  # as the returned file shows it (tracked insertions left out, deletions kept)
    starts: dict[int, int] = field(default_factory=dict)
    source: FieldSource | None = None
    alignment: Alignment | None = None  # the built text against the source
    display: str = ""
    changed: bool = False
    note: Mark | None = None  # a note's field: where the note's number stands in the text
    key: str = ""  # its key in `gather`: the bookmark, or `note:N`
    cited: str = ""  # a note made from a citation: the citation as written
    added_note: bool = False  # a note the reviewer added
    built: str | None = None  # as the build wrote it; None when the DOCX has no record of it
    gone: bool = False  # every paragraph of it deleted without tracking (its bookmark too)
    comparison: Comparison | None = None
    pieces: list[str] = field(default_factory=list, repr=False)  # `shown` as it is gathered, joined once
    size: int = 0  # the length of `pieces` together

    @property
    def number(self) -> int:
        """A note's number as printed (0 for a field that is not a note)."""
        return int(self.key[5:]) if self.key[5:].isdigit() else 0

    def built_offset(self, shown: int) -> int:
        """Where a point of the returned text stands in the built text."""
        return self.comparison.to_built(shown) if self.comparison is not None else shown

    def prepare(self, source: FieldSource | None, changed: bool, slack: int) -> None:
        """Compare the returned text with the build's and align the build's with the source."""
        self.source, self.changed = source, changed
        built = self.shown if self.built is None else self.built
        self.comparison = Comparison(built, self.shown) if built != self.shown else None
        if source is not None and len(built) <= 2 * len(source.text) + slack:
            self.alignment = Alignment(built, source.text)  # (far longer text in the DOCX is not the field's)


def gather(review: WordReview, record: BuildRecord, keys: list[str]) -> dict[str, Field]:
    """The anchored fields, and each note as a field of its own (keyed `note:N`) of the field it is in."""
    built: dict[str, list[str]] = {}
    for key, text in record.text or ():
        built.setdefault(key, []).append(text)
    fields: dict[str, Field] = {}
    for p, key in zip(review.paragraphs, keys, strict=True):
        if p.note:
            at = review.notes.get(p.note)
            owner = review.paragraphs[at.paragraph].anchor if at and at.paragraph < len(review.paragraphs) else None
            if owner not in record.anchors:
                continue
            key = f"{key}:{p.note}" if key == "note:added" else key
            p.anchor = key
            block, name = record.anchors[owner]
            f = fields.setdefault(key, Field(block, name, note=at, key=key))
            f.added_note = key.startswith("note:added")
            f.cited = record.cited.get(f.number, "")
        elif p.anchor is None or p.anchor not in record.anchors:
            continue
        else:
            block, name = record.anchors[p.anchor]
            f = fields.setdefault(p.anchor, Field(block, name, key=p.anchor))
        text = review.original(p.index)
        if added(p):  # a paragraph the reviewer added: it goes after the one before
            f.starts[p.index] = f.size
            continue
        if f.starts:
            f.pieces.append("\n")
            f.size += 1
        f.starts[p.index] = f.size
        f.pieces.append(text)
        f.size += len(text)
    for f in fields.values():  # joined once: adding to a long text paragraph by paragraph is quadratic
        f.shown, f.pieces = "".join(f.pieces), []
        if record.text is not None and not f.added_note:
            f.built = "\n".join(built.get(f.key, []))
    for key, texts in built.items():  # a field whose every paragraph was deleted without tracking
        if key in record.anchors and key not in fields:
            fields[key] = Field(*record.anchors[key], key=key, built="\n".join(texts), gone=True)
    return fields


def added(paragraph: WordParagraph) -> bool:
    """A paragraph the reviewer added with tracking on: nothing of it there before, and its mark (or,
    as Word writes it, the mark of the paragraph where Enter was typed) inserted."""
    return (paragraph.added or paragraph.after_added) and not paragraph.original.strip()


def place(
    item: ReviewItem, at: Mark | None, length: int, word: WordReview, fields: dict[str, Field]
) -> tuple[Field, int, int] | None:
    """Fill in the item's block, field and position; the field and the built span it covers, or None."""
    if at is None or not word.paragraphs:  # (a comment in a document without a paragraph)
        item.heading = ""
        item.order = (len(word.paragraphs), 0)
        return None
    index = min(at.paragraph, len(word.paragraphs) - 1)
    paragraph = word.paragraphs[index]
    offset = len(paragraph.original) if at.offset < 0 else at.offset
    item.order = (index, offset)
    item.heading = word.heading_before(index)
    f = fields.get(paragraph.anchor or "")
    if f is not None and f.note is not None and (f.cited or f.added_note or _generated(f)):
        place(item, f.note, 0, word, fields)  # at the citation the note was made from, or the new note's call
        item.refusal = note_refusal(f)
        return None
    if f is None:
        return None
    shown = f.starts.get(index, 0) + (0 if added(paragraph) else offset)
    start, end = f.built_offset(shown), f.built_offset(shown + length)
    return (f, start, end) if locate(item, f, start, end) else None


def locate(item: ReviewItem, f: Field, start: int, end: int) -> bool:
    """Give the item the file position of built text `[start, end)` of `f`; False when it has none."""
    if f.source is None or f.alignment is None:
        return False
    first = f.alignment.map(start) if f.alignment.blocks else None
    if first is None and not f.changed:
        return False
    item.block, item.field = f.block, f.name
    item.confidence = f.alignment.confidence(start, max(end, start))
    item.block_changed = f.changed
    where = f.source.location(first) if first is not None else f.source.fallback  # a field changed past matching
    item.path, item.line, item.column = f.display, where.line, where.column
    return True


def note_refusal(f: Field) -> str:
    """Why a change inside a note is not written: the note is made from a citation, or is new."""
    if f.added_note:
        return "it is in a note the reviewer added; write the note into the block's text as ^[...] by hand"
    if f.cited:
        return (
            f"it is in note {f.number}, which briefgen writes from the citation {f.cited}; change that "
            "citation's locator (such as [@key, p. 7]) or the reference in the references file"
        )
    return "it is in a note briefgen makes from the references file; change the reference instead"


def _generated(f: Field) -> bool:
    """For a DOCX without a record of its notes: a note whose text mostly does not match the field's."""
    if f.built is not None or f.alignment is None:
        return False
    matched = sum(size for _, _, size in f.alignment.blocks)
    return matched < 0.6 * len(f.shown.strip())


def decide(item: ReviewItem, f: Field, start: int, end: int, new: str, hidden: bool = False) -> None:
    """Give the item the edit `--apply` would make of built text `[start, end)`, or the reason it cannot.

    `new` is the text that replaces it; the item's own `text` is what it shows (a deletion's words).
    """
    item.edit, item.refusal = None, ""
    if f.source is None or f.alignment is None:
        item.refusal = "its field could not be read"
    elif hidden and new:
        item.refusal = HIDDEN
    elif f.changed:
        item.refusal = CHANGED_REFUSAL
        built = f.built if f.built is not None else f.shown
        if already_there(f.alignment, start, end, built[start:end], new):
            item.refusal = ALREADY
        _place_at(item, f, source_span(f, start, end, new))
    elif f.name in KIND_CHOICES:
        *first, last = KIND_CHOICES[f.name]
        item.refusal = f"'{f.name}' is one of {', '.join(first)} or {last}; set it in the YAML by hand"
    elif f.gone:
        item.refusal = f"the whole {f.name} was deleted; take it out of the YAML by hand (a block's text is required)"
    else:
        span = source_span(f, start, end, new)
        if isinstance(span, str):
            item.refusal = span
        else:
            item.edit = Edit(f.source.path, f.block, f.name, f.source.text, *span, paragraphs="\n" in span[2])
            item.confidence = 1.0  # mapped with certainty
            _place_at(item, f, span)


def _place_at(item: ReviewItem, f: Field, span: tuple[int, int, str] | str) -> None:
    """Put a placed item where its edit goes (a new paragraph's place is the end of the one before)."""
    if item.placed and f.source is not None and not isinstance(span, str):
        where = f.source.location(span[0])
        item.line, item.column = where.line, where.column


def source_span(f: Field, start: int, end: int, new: str) -> tuple[int, int, str] | str:
    """The source span and text that make built text `[start, end)` read `new`, or why there is none.

    Inside a paragraph, the span must be certain (`Alignment.exact`). Whole paragraphs added or
    taken away go at the end of the source line the paragraph before ends on (Markdown paragraphs
    are apart by a blank line); anything else across paragraphs is left to a person.
    """
    assert f.source is not None and f.alignment is not None
    built = f.built if f.built is not None else f.shown
    old, source = built[start:end], f.source.text
    if "\n" not in old and "\n" not in new:
        span = f.alignment.exact(start, end)
        return span if isinstance(span, str) else (span[0], span[1], new)
    if f.name.split(".")[-1] not in MARKDOWN_FIELDS:
        return ONE_LINE if "\n" in new else PARAGRAPHS
    at_end = start == len(built) or built[start:].startswith("\n")
    if not old and new.startswith("\n") and at_end and start > 0:  # new paragraphs after the one ending here
        point = _paragraph_end(source, f.alignment.map(start - 1))
        return (point, point, "\n\n" + new[1:].replace("\n", "\n\n"))
    if not old and new.endswith("\n") and start == 0:  # new paragraphs before the first
        point = _line_start(source, f.alignment.map(0))
        return (point, point, new[:-1].replace("\n", "\n\n") + "\n\n")
    if not new and old.startswith("\n") and start > 0 and (end == len(built) or built[end:].startswith("\n")):
        first = _paragraph_end(source, f.alignment.map(start - 1))
        last = _paragraph_end(source, f.alignment.map(end - 1))
        return _whole(source, first, last, old)
    if not new and old.endswith("\n") and start == 0:
        first, last = _line_start(source, f.alignment.map(0)), _line_start(source, f.alignment.map(end))
        return _whole(source, first, last, old)
    return PARAGRAPHS


def _whole(source: str, first: int, last: int, old: str) -> tuple[int, int, str] | str:
    """Delete source `[first, last)` when it holds the paragraphs taken away and nothing else."""
    written = fold(_CITATION.sub("", source[first:last])).split()
    shown = fold(old).split()
    if not written or SequenceMatcher(None, written, shown, autojunk=False).ratio() < 0.9:
        return "the paragraph's source holds more than the DOCX shows (a figure, a table or markup); delete it by hand"
    return (first, last, "")


def _line_end(source: str, at: int | None) -> int:
    """The end of the source line holding `at` (a paragraph's last line), before the field's last newline."""
    end = len(source.rstrip("\n"))
    found = source.find("\n", at or 0)
    return end if found < 0 or found > end else found


def _paragraph_end(source: str, at: int | None) -> int:
    """The end of the Markdown paragraph (or list item) holding source offset `at`: its line's end,
    and the end of each line after it that carries the same paragraph on."""
    end = _line_end(source, at)
    limit = len(source.rstrip("\n"))
    while end < limit:
        following = _line_end(source, end + 1)
        line = source[end + 1 : following]
        if not line.strip() or _BLOCK_START.match(line):
            break
        end = following
    return end


def _line_start(source: str, at: int | None) -> int:
    return source.rfind("\n", 0, at or 0) + 1


def already_there(alignment: Alignment, start: int, end: int, old: str, new: str) -> bool:
    """Whether the field, changed since the build, already reads as this change would make it.

    The new words stand at the change's place in the file now, and words taken away stand there no
    more: the usual case is a second `--apply` of the same DOCX. A field too short to align (a
    version number) is judged on its whole text.
    """
    words, gone = fold(new).strip(), fold(old).strip()
    where = alignment.map(start)
    if where is None or not alignment.blocks:
        window = fold(_ESCAPE.sub(r"\1", alignment.source))
    else:
        size = max(len(words), len(gone))
        window = fold(_ESCAPE.sub(r"\1", alignment.source[max(0, where - size - 40) : where + size + 40]))
    if words and words not in window:
        return False
    if not gone:
        return bool(words)
    return (gone in words or gone not in window) and (bool(words) or isinstance(alignment.exact(start, end), str))
