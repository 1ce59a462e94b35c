"""`briefgen review FILE.docx`: every comment and tracked change, placed in the YAML, as text or JSON.

Lines are in gcc style, grouped by file, each field with tracked changes followed by its proposed
Markdown as a word diff (`[-old-]{+new+}`); items no block owns are listed under the nearest
heading; a closing line counts comments, changes and unplaced items.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from briefgen.content.literal import printable
from briefgen.diagnostics import Location
from briefgen.errors import BriefgenError
from briefgen.model import BRIEF_RECORD
from briefgen.review.package import open_docx
from briefgen.review.place import Alignment, FieldSource, field_source, fold
from briefgen.review.received import received
from briefgen.review.record import BuildRecord, read_record
from briefgen.review.renderings import Rendered, joined, merge_renderings
from briefgen.review.wordml import Mark, WordChange, WordParagraph, WordReview, read_review
from briefgen.workspace import open_workspace

CHANGED = "the block changed since this DOCX was built; placed by best match, confidence {:.2f}"
CHANGED_REFUSAL = "the block changed since this DOCX was built"
ALREADY = "the YAML reads like this already"
HIDDEN = "it is hidden text, which Word does not show"
SHOWN_SLACK = 10_000  # characters a field may show beyond twice its source (numbers, citations, notes)


@dataclass
class ReviewItem:
    """One comment or tracked change, and where it belongs in the YAML (path None: unplaced)."""

    kind: str  # comment | change
    action: str  # comment | inserted | deleted | moved-from | moved-to
    author: str
    date: str
    text: str
    anchor: str = ""  # a comment's anchored words
    reply_to: str = ""  # the author of the comment this one answers
    resolved: bool = False
    block: str = ""
    field: str = ""
    path: str | None = None
    line: int = 0
    column: int = 0
    confidence: float = 1.0
    block_changed: bool = False
    heading: str = ""  # the nearest heading before it in the DOCX
    order: tuple[int, int] = (0, 0)  # paragraph and offset in the DOCX
    edit: Edit | None = None  # a change `--apply` can write with certainty
    refusal: str = ""  # why `--apply` leaves a change to a person
    hidden: bool = False  # a change in text formatted as hidden
    places: tuple[str, ...] = ()  # where in the DOCX, when the same change was made in several renderings

    @property
    def placed(self) -> bool:
        return self.path is not None


@dataclass(frozen=True)
class Edit:
    """A tracked change as an edit of one field's source text: replace `[start, end)` with `new`."""

    path: Path  # the block file
    block: str
    field: str
    source: str  # the field's text as the file held it when the review was read
    start: int
    end: int
    new: str


@dataclass
class Proposal:
    """A field's Markdown with a reviewer's tracked changes applied, as a word diff of the source."""

    path: str
    block: str
    field: str
    text: str
    diff: str


@dataclass
class Review:
    docx: str
    brief: str
    audience: str
    items: list[ReviewItem] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    root: Path | None = None  # the workspace: `--apply` writes only files inside it

    @property
    def counts(self) -> dict[str, int]:
        return {
            "comments": sum(i.kind == "comment" for i in self.items),
            "changes": sum(i.kind == "change" for i in self.items),
            "unplaced": sum(not i.placed for i in self.items),
        }


@dataclass
class _Field:
    """One anchored field of the DOCX: its paragraphs' original text joined, and each paragraph's start."""

    block: str
    name: str
    shown: str = ""
    starts: dict[int, int] = field(default_factory=dict)
    source: FieldSource | None = None
    alignment: Alignment | None = None
    display: str = ""
    changed: bool = False
    note: Mark | None = None  # a note's field: where the note's number stands in the text
    key: str = ""  # its key in `_fields`: the bookmark, or the note
    pieces: list[str] = field(default_factory=list, repr=False)  # `shown` as it is gathered, joined once
    size: int = 0  # the length of `pieces` together

    @property
    def generated(self) -> bool:
        """A note whose text briefgen made (a citation from the references), not one the block wrote."""
        if self.note is None or self.alignment is None:
            return False
        matched = sum(size for _, _, size in self.alignment.blocks)
        return matched < 0.6 * len(self.shown.strip())


def _fields(review: WordReview, record: BuildRecord) -> dict[str, _Field]:
    """The anchored fields, and each note as a field of its own (keyed "footnote:ID") of the field it is in."""
    fields: dict[str, _Field] = {}
    for p in review.paragraphs:
        if p.note:
            at = review.notes.get(p.note)
            owner = review.paragraphs[at.paragraph].anchor if at and at.paragraph < len(review.paragraphs) else None
            if owner not in record.anchors:
                continue
            p.anchor = p.note
            block, name = record.anchors[owner]
            f = fields.setdefault(p.note, _Field(block, name, note=at, key=p.note))
        elif p.anchor is None or p.anchor not in record.anchors:
            continue
        else:
            block, name = record.anchors[p.anchor]
            f = fields.setdefault(p.anchor, _Field(block, name, key=p.anchor))
        text = review.original(p.index)
        if p.added and not text.strip():  # a paragraph the reviewer added: it goes after the one before
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
    return fields


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "-"


def review_docx(docx: Path, root: Path | None = None) -> Review:
    """Read a reviewed DOCX built by briefgen and place its comments and tracked changes in the workspace."""
    with open_docx(docx) as package:
        record = read_record(package, str(docx))
        try:
            word = read_review(package)
        except ValueError:
            # damaged: exit 1
            if "word/document.xml" in package.namelist():
                raise BriefgenError(
                    f"{docx}: its main document part (word/document.xml) is not well-formed XML; "
                    "open the file in Word or LibreOffice, save it again and review that copy"
                ) from None
            raise BriefgenError(f"{docx} has no main document part (word/document.xml)") from None
    ws, _diags = open_workspace(root, record.brief)
    brief = ws.briefs.get(record.brief)
    blocks = {b.id: b for b in brief.blocks} if brief else {}
    allowed = received(ws, brief, record.audience)
    fields = _fields(word, record)
    for f in fields.values():
        block = blocks.get(f.block)
        if brief is not None and f.block == BRIEF_RECORD and f.name == "bottom_line" and brief.bottom_line:
            f.source = FieldSource(
                f.block,
                f.name,
                brief.path,
                brief.bottom_line.source,
                brief.bottom_line.locate,
                brief.bottom_line.location or Location(brief.path),
            )
            path = brief.path
        elif block is None:
            continue
        else:
            f.source = field_source(block, f.name)
            path = block.path
        recorded_path, recorded_hash = record.blocks.get(f.block, ("", ""))
        f.display = recorded_path if (ws.root / recorded_path).resolve() == path.resolve() else ""
        if not f.display:
            try:
                f.display = path.resolve().relative_to(ws.root.resolve()).as_posix()
            except ValueError:
                f.display = path.as_posix()
        f.changed = _digest(path) != recorded_hash
        if f.source is not None and len(f.shown) <= 2 * len(f.source.text) + SHOWN_SLACK:
            f.alignment = Alignment(f.shown, f.source.text)  # (far longer text in the DOCX is not the field's)

    result = Review(str(docx), record.brief, record.audience, root=ws.root)
    authors = {c.id: c.author for c in word.comments}
    for comment in word.comments:
        item = ReviewItem(
            "comment",
            "comment",
            comment.author,
            comment.date,
            comment.text,
            anchor=word.anchored_text(comment),
            reply_to=authors.get(comment.parent or "", ""),
            resolved=comment.done,
        )
        last = comment.end
        length = len(item.anchor) if last and comment.start and last.paragraph == comment.start.paragraph else 0
        _place(item, comment.start, length, word, fields)
        result.items.append(item)
    edits: dict[tuple[str, str], tuple[_Field, list[Rendered]]] = {}  # per field, notes included
    for change in word.changes:
        item = ReviewItem("change", change.kind, change.author, change.date, change.text, hidden=change.hidden)
        removed = change.kind in ("deleted", "moved-from")
        span = _place(item, change.at, len(change.text) if removed else 0, word, fields)
        if span is None:
            item.refusal = item.refusal or "it is in text no block owns"
        else:
            anchor, first, after = span
            paragraph = word.paragraphs[change.at.paragraph]
            new = "" if removed else (("\n\n" if _added(paragraph) else "") + change.text)
            f = fields[anchor]
            rendering = (word.paragraphs[f.note.paragraph].anchor or "") if f.note else anchor
            edits.setdefault((f.block, f.name), (f, []))[1].append(Rendered(rendering, first, after, new, item))
            _certain(item, f, change, len(change.text) if removed else 0, new, word)
            refusal = allowed.refusal(f.block, f.name)  # the record may be forged: only what the audience got
            if refusal:
                item.edit, item.refusal = None, refusal
        result.items.append(item)
    dropped: list[ReviewItem] = []
    for _f, changes in edits.values():
        dropped += merge_renderings(changes, lambda i: word.place(i.order[0]))
    result.items = [i for i in result.items if not any(i is d for d in dropped)]
    pair_moves(result.items)
    result.items.sort(key=lambda i: i.order)
    for f, changes in edits.values():
        assert f.source is not None
        proposed = f.source.text
        kept = {(c.start, c.end, c.new) for c in changes if not any(c.item is d for d in dropped)}
        for start, end, new in sorted(kept, key=lambda c: (c[0], c[1]), reverse=True):
            proposed = proposed[:start] + new + proposed[end:]
        result.proposals.append(Proposal(f.display, f.block, f.name, proposed, word_diff(f.source.text, proposed)))
    return result


def _certain(item: ReviewItem, f: _Field, change: WordChange, length: int, new: str, word: WordReview) -> None:
    """Give the item the edit `--apply` would make, or the reason it must be left to a person."""
    paragraph = word.paragraphs[change.at.paragraph]
    shown = f.starts.get(change.at.paragraph, 0) + (
        len(paragraph.original) if change.at.offset < 0 else change.at.offset
    )
    if f.source is None or f.alignment is None:
        item.refusal = "its field could not be read"
    elif change.hidden and change.kind in ("inserted", "moved-to"):
        item.refusal = HIDDEN
    elif f.changed:
        item.refusal = CHANGED_REFUSAL
        if _already_there(f.alignment, shown, length, change.text):
            item.refusal = ALREADY
    elif _added(paragraph):
        item.refusal = "it is a new paragraph"
    else:
        span = f.alignment.exact(shown, shown + length)
        if isinstance(span, str):
            item.refusal = span
        else:
            item.refusal = ""
            item.edit = Edit(f.source.path, f.block, f.name, f.source.text, span[0], span[1], new)


def _already_there(alignment: Alignment, shown: int, length: int, text: str) -> bool:
    """Whether the block, changed since the build, already reads as this change would make it.

    An insertion whose words stand at its place in the file now, or a deletion whose words no
    longer match there: the usual case is a second `--apply` of the same DOCX.
    """
    words = fold(text).strip()
    where = alignment.map(shown)
    if not words or where is None:
        return False
    window = fold(alignment.source[max(0, where - len(words) - 40) : where + len(words) + 40])
    if length == 0:
        return words in window
    return isinstance(alignment.exact(shown, shown + length), str) and words not in window


def pair_moves(items: list[ReviewItem]) -> bool:
    """A move is applied whole or not at all: each end is refused when the other end is (or is missing).

    True when that took an edit away (`apply` then works the files out again).
    """
    ends: dict[tuple[str, str], list[ReviewItem]] = {}
    for item in items:
        if item.action in ("moved-from", "moved-to"):
            ends.setdefault((item.author, item.text.strip()), []).append(item)
    dropped = False
    for pair in ends.values():
        if any(i.edit is None for i in pair) or len(pair) != 2:
            for item in pair:
                if item.edit is not None:
                    item.edit, item.refusal, dropped = None, "the other end of this move cannot be applied", True
    return dropped


def _added(paragraph: WordParagraph) -> bool:
    return paragraph.added and not paragraph.original.strip()


def _place(
    item: ReviewItem, at: Mark | None, length: int, word: WordReview, fields: dict[str, _Field]
) -> tuple[str, int, int] | None:
    """Fill in the item's block, field and position; the source span it covers, or None if unplaced."""
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
    if f is not None and f.generated and f.note is not None:
        _place(item, f.note, 0, word, fields)  # at the citation the note was made from
        item.refusal = "it is in a note briefgen makes from the references file; change the reference instead"
        return None
    if f is None or f.source is None or f.alignment is None or not f.alignment.blocks:
        return None
    item.block, item.field = f.block, f.name
    shown = f.starts.get(index, 0) + (0 if _added(paragraph) else offset)
    start = f.alignment.map(shown)
    end = f.alignment.map(shown + length) if length else start
    if start is None or end is None:
        return None
    item.confidence = f.alignment.confidence(shown, shown + length)
    item.block_changed = f.changed
    where = f.source.location(start)
    item.path, item.line, item.column = f.display, where.line, where.column
    return (f.key, start, max(start, end))


def word_diff(old: str, new: str) -> str:
    """`new` against `old` word by word: removed words as [-...-], added ones as {+...+}."""
    a, b = re.findall(r"\s+|\w+|[^\w\s]", old), re.findall(r"\s+|\w+|[^\w\s]", new)
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + "".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(out)


def _quote(text: str) -> str:
    """Words from the DOCX, quoted on one line; control characters shown as `<U+009B>`, never sent to the terminal."""
    return '"' + printable(re.sub(r"\s+", " ", text).strip()) + '"'


def describe(item: ReviewItem, changed_note: bool = True) -> str:
    """The message of an item's line, after its position (`changed_note`: say when its block changed)."""
    if item.kind == "comment":
        text = f"comment: {item.author}: {_quote(item.text)}"
        if item.anchor.strip():
            text += f" on {_quote(item.anchor)}"
        if item.reply_to:
            text += f" (reply to {item.reply_to})"
        if item.resolved:
            text += " (resolved)"
    else:
        text = f"change: {item.action} {_quote(item.text)}"
        if len(item.places) > 1:
            text += f" (the same change {joined(list(item.places))})"
    if changed_note and item.placed and item.block_changed:
        text += f" [{CHANGED.format(item.confidence)}]"
    return text


def where(review: Review, item: ReviewItem) -> str:
    """An item's position: `file:line:column`, or the DOCX and the heading it stands under."""
    if item.placed:
        return f"{item.path}:{item.line}:{item.column}"
    return f'{review.docx}: under "{item.heading}"' if item.heading else f"{review.docx}: before the first heading"


def format_text(review: Review) -> str:
    """gcc-style lines grouped by file, each file's proposed fields as word diffs, unplaced items, a summary."""
    lines: list[str] = []
    files: dict[str, list[ReviewItem]] = {}
    for item in review.items:
        if item.placed:
            files.setdefault(item.path or "", []).append(item)
    for path, items in files.items():
        for item in sorted(items, key=lambda i: (i.line, i.column, i.order)):
            left = f" [--apply leaves it: {item.refusal}]" if item.refusal and not item.block_changed else ""
            lines.append(f"{path}:{item.line}:{item.column}: {describe(item)}{left}")
        for proposal in review.proposals:
            if proposal.path != path:
                continue
            owner = "the brief" if proposal.block == BRIEF_RECORD else proposal.block
            lines.append(f"{path}: proposed {proposal.field} of {owner}:")
            changed = [c for c in proposal.diff.split("\n\n") if any(m in c for m in ("[-", "-]", "{+", "+}"))]
            for number, chunk in enumerate(changed):
                if number:
                    lines.append("")  # paragraphs stay apart, as in the source
                lines.extend("    " + line for line in chunk.strip("\n").split("\n"))
    unplaced = [i for i in review.items if not i.placed]
    for item in unplaced:
        lines.append(f"{where(review, item)}: {describe(item)} [in text no block owns]")
    counts = review.counts
    lines.append(
        f"{review.docx}: {plural(counts['comments'], 'comment')}, {plural(counts['changes'], 'change')}, "
        f"{counts['unplaced']} unplaced"
    )
    return printable("\n".join(lines))  # words from the DOCX never steer the terminal


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_json(review: Review) -> str:
    """The same items as JSON: placed or not, with the proposals and the counts."""
    data: dict[str, Any] = {
        "docx": review.docx,
        "brief": review.brief,
        "audience": review.audience,
        "items": [],
        "proposals": [asdict(p) for p in review.proposals],
        "summary": review.counts,
    }
    for item in review.items:
        entry = asdict(item)
        entry.pop("order")
        entry.pop("edit")
        if item.kind == "comment":
            entry.pop("refusal")
        else:
            entry["applicable"] = item.edit is not None
        entry["placed"] = item.placed
        entry["message"] = describe(item)
        data["items"].append(entry)
    return json.dumps(data, indent=2, ensure_ascii=False)
