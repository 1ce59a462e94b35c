"""`briefgen review FILE.docx`: every comment and tracked change, placed in the YAML, as text or JSON.

Lines are in gcc style, grouped by file, each field with tracked changes followed by its proposed
Markdown as a word diff (`[-old-]{+new+}`); items no block owns are listed under the nearest
heading; a closing line counts comments, changes and unplaced items.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import asdict
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from briefgen.content.literal import printable
from briefgen.diagnostics import Location
from briefgen.document.workspace import open_workspace
from briefgen.errors import BriefgenError
from briefgen.model import BRIEF_RECORD, Brief
from briefgen.render.docx.reading import WordChange, WordReview, paragraph_keys, read_review
from briefgen.render.overrides import check_template_overrides
from briefgen.review.fields import (
    MARKDOWN_FIELDS,
    UNTRACKED_OVERLAP,
    Field,
    added,
    decide,
    gather,
    locate,
    note_refusal,
    place,
)
from briefgen.review.items import ALREADY, CATEGORIES, CHANGED, STATUSES, UNOWNED, Proposal, Review, ReviewItem
from briefgen.review.package import open_docx
from briefgen.review.place import FieldSource, field_source, scalar_source
from briefgen.review.received import MASTHEAD, received
from briefgen.review.record import BuildRecord, read_record, read_xml
from briefgen.review.renderings import Rendered, joined, merge_renderings
from briefgen.review.untracked import Comparison, normal, paragraph_changes

SHOWN_SLACK = 10_000  # characters a field may show beyond twice its source (numbers, citations, notes)
FORMATTING = (
    "formatting is not carried back: the house style sets the look, and emphasis is written in the "
    "YAML (*italic*, **bold**); make it there by hand"
)
REMOVES_NOTE = (
    "it takes away the mark of note {number}{cited}; remove the citation from the YAML by hand, "
    "or reject this change and make the rest of it again"
)


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "-"


def _read(docx: Path) -> tuple[BuildRecord, WordReview]:
    """The build record and the reviewer's work, or an error saying the file is damaged."""
    with open_docx(docx) as package:
        record = read_record(package, str(docx))
        try:
            return record, read_review(lambda name: read_xml(package, name))
        except ValueError:
            # damaged: exit 1
            if "word/document.xml" in package.namelist():
                raise BriefgenError(
                    f"{docx}: its main document part (word/document.xml) is not well-formed XML; "
                    "open the file in Word or LibreOffice, save it again and review that copy"
                ) from None
            raise BriefgenError(f"{docx} has no main document part (word/document.xml)") from None


def review_docx(docx: Path, root: Path | None = None) -> Review:
    """Read a reviewed DOCX built by briefgen and place its comments and changes in the workspace.

    Changes are the tracked ones Word marks, and (when the DOCX records the text it was built
    with) every other difference between that text and the returned one: edits made with
    tracking off. Each is placed at its YAML position, or listed as unplaced with its words.
    """
    record, word = _read(docx)
    ws, _diags = open_workspace(root, record.brief, check_templates=check_template_overrides)
    brief = ws.briefs.get(record.brief)
    result = Review(str(docx), record.brief, record.audience, root=ws.root)
    keys = _note_keys(paragraph_keys(word), record, word)
    result.items += _new_paragraphs(word, record, keys)
    fields = gather(word, record, keys)
    _prepare(fields, ws.root, brief, record)
    allowed = received(ws, brief, record.audience)
    result.items += _comments(word, fields)
    edits: dict[tuple[str, str], tuple[Field, list[Rendered]]] = {}  # per field, notes included

    def keep(item: ReviewItem, f: Field, start: int, end: int) -> None:
        """An item placed in field `f`: checked against what the audience received, kept for merging."""
        assert item.edit is None or f.source is not None
        refusal = allowed.refusal(f.block, f.name)  # the record may be forged: only what the audience got
        if refusal:
            item.edit, item.refusal = None, refusal
        rendering = (word.paragraphs[f.note.paragraph].anchor or "") if f.note else f.key
        new = item.edit.new if item.edit else ""
        first, after = (item.edit.start, item.edit.end) if item.edit else _source_points(f, start, end)
        edits.setdefault((f.block, f.name), (f, []))[1].append(Rendered(rendering, first, after, new, item))

    for item in _tracked(word, fields, keep) + _untracked(word, fields, keep) + _formatting(word, fields):
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
        kept = [
            (c.item.edit.start, c.item.edit.end, c.item.edit.new)
            for c in changes
            if c.item.edit and not any(c.item is d for d in dropped)
        ]  # in document order: two insertions at one point stay in the order they were made
        for start, end, new in reversed(sorted(dict.fromkeys(kept), key=lambda c: (c[0], c[1]))):
            proposed = proposed[:start] + new + proposed[end:]
        if proposed != f.source.text:
            result.proposals.append(Proposal(f.display, f.block, f.name, proposed, word_diff(f.source.text, proposed)))
    return result


def _source_points(f: Field, start: int, end: int) -> tuple[int, int]:
    """A built span's best place in the source (for an item without an edit)."""
    if f.alignment is None:
        return start, end
    first = f.alignment.map(start)
    after = f.alignment.map(end)
    first = 0 if first is None else first
    return first, max(first, first if after is None else after)


def _note_keys(keys: list[str], record: BuildRecord, word: WordReview) -> list[str]:
    """Notes matched with the build's by their text, not their number: a note the reviewer added
    without tracking renumbers those after it, and takes no built note's place."""
    if record.text is None:
        return keys
    built = _notes((key, normal(text)[0]) for key, text in record.text)
    returned = _notes((key, normal(word.original(i))[0]) for i, key in enumerate(keys))
    renamed: dict[str, str] = {}
    matcher = SequenceMatcher(None, list(built.values()), list(returned.values()), autojunk=False)
    names_a, names_b = list(built), list(returned)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = min(i2 - i1, j2 - j1) if op in ("equal", "replace") else 0
        for i, j in zip(range(i1, i1 + pairs), range(j1, j1 + pairs), strict=True):
            renamed[names_b[j]] = names_a[i]
        for j in range(j1 + pairs, j2):
            renamed[names_b[j]] = "note:added"
    return [renamed.get(key, key) for key in keys]


def _notes(pairs) -> dict[str, str]:
    """Each numbered note's text, its paragraphs joined, in order."""
    notes: dict[str, list[str]] = {}
    for key, text in pairs:
        if key.startswith("note:") and key != "note:added":
            notes.setdefault(key, []).append(text)
    return {key: "\n".join(texts) for key, texts in notes.items()}


def _new_paragraphs(word: WordReview, record: BuildRecord, keys: list[str]) -> list[ReviewItem]:
    """Paragraphs typed outside every field: one after a block's text joins that text (its key is
    set to the field's); the rest, and text no field owns that changed, are unplaced items."""
    markdown = {name for name, (_block, field) in record.anchors.items() if field.split(".")[-1] in MARKDOWN_FIELDS}
    new: dict[int, int] = {p.index: p.index - 1 for p in word.paragraphs if added(p) and not keys[p.index]}
    gone: list[tuple[int, int]] = []
    changed: list[tuple[int, int]] = []
    if record.text is not None:
        returned = [(key, word.original(i)) for i, key in enumerate(keys)]
        found, gone, changed = paragraph_changes(list(record.text), returned)
        new |= found
    items = []
    for index in sorted(new):
        before = keys[new[index]] if new[index] >= 0 else ""
        if before in markdown:
            keys[index] = word.paragraphs[index].anchor = before
        elif word.original(index).strip():
            items.append(_unowned(word, index, "inserted", word.original(index), ""))
    text = record.text or ()
    items += [_unowned(word, index, "deleted", text[built][1], "") for built, index in gone]
    for built, index in changed:  # word by word, as in a field
        for d in Comparison(text[built][1], word.original(index)).differences:
            items.append(_unowned(word, index, d.action, d.new or d.old, d.old if d.new else ""))
    return [i for i in items if i.text.strip()]


def _unowned(word: WordReview, index: int, action: str, text: str, old: str) -> ReviewItem:
    """An edit made without tracking in text no field owns (a heading, a label): listed with its words."""
    item = ReviewItem("change", action, "", "", text, untracked=True, old=old, refusal=UNOWNED)
    item.order = (index, 0)
    item.heading = word.heading_before(min(index, len(word.paragraphs) - 1)) if word.paragraphs else ""
    return item


def _prepare(fields: dict[str, Field], root: Path, brief: Brief | None, record: BuildRecord) -> None:
    """Find each field's source in the workspace as it is now, and whether its file changed since the build."""
    blocks = {b.id: b for b in brief.blocks} if brief else {}
    for f in fields.values():
        block = blocks.get(f.block)
        source: FieldSource | None
        if brief is not None and f.block == BRIEF_RECORD and f.name == "bottom_line" and brief.bottom_line:
            line = brief.bottom_line
            source = FieldSource(
                f.block, f.name, brief.path, line.source, line.locate, line.location or Location(brief.path)
            )
            path = brief.path
        elif brief is not None and f.block == BRIEF_RECORD and f.name in MASTHEAD:
            source, path = scalar_source(brief.path, BRIEF_RECORD, f.name), brief.path
        elif block is None:
            continue
        else:
            source, path = field_source(block, f.name), block.path
        recorded_path, recorded_hash = record.blocks.get(f.block, ("", ""))
        f.display = recorded_path if (root / recorded_path).resolve() == path.resolve() else ""
        if not f.display:
            try:
                f.display = path.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                f.display = path.as_posix()
        f.prepare(source, _digest(path) != recorded_hash, SHOWN_SLACK)


def _comments(word: WordReview, fields: dict[str, Field]) -> list[ReviewItem]:
    authors = {c.id: c.author for c in word.comments}
    items = []
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
        place(item, comment.start, length, word, fields)
        items.append(item)
    return items


Keep = Callable[[ReviewItem, Field, int, int], None]


def _tracked(word: WordReview, fields: dict[str, Field], keep: Keep) -> list[ReviewItem]:
    """Each tracked change (a deletion with the insertion right after it: one replacement), placed."""
    items = []
    changes = list(word.changes)
    index = 0
    while index < len(changes):
        change = changes[index]
        following = changes[index + 1] if index + 1 < len(changes) else None
        removed = change.kind in ("deleted", "moved-from")
        item = ReviewItem("change", change.kind, change.author, change.date, change.text, hidden=change.hidden)
        new = "" if removed else change.text
        if _replaced_by(change, following):
            assert following is not None
            item.action, item.old, item.text, new = "replaced", change.text, following.text, following.text
            item.hidden = change.hidden or following.hidden
            index += 1
        index += 1
        length = len(change.text) if removed else 0
        span = place(item, change.at, length, word, fields)
        if span is None:
            item.refusal = item.refusal or UNOWNED
            items.append(item)
            continue
        f, start, end = span
        paragraph = word.paragraphs[change.at.paragraph]
        if added(paragraph):
            new = "\n" + new
        elif removed and paragraph.removed and change.at.offset == 0 and length == len(paragraph.original):
            start, end = _whole_paragraph(f, start, end)  # its text and its mark: the paragraph goes
        shown = f.starts.get(change.at.paragraph, 0) + (
            len(paragraph.original) if change.at.offset < 0 else change.at.offset
        )
        decide(item, f, start, end, new, item.hidden)
        removes = _notes_removed(word, change, length, fields)
        if removes:
            item.edit, item.refusal = None, removes
        elif f.comparison is not None and f.comparison.touches(shown, shown + length) and not added(paragraph):
            item.edit, item.refusal = None, UNTRACKED_OVERLAP
        keep(item, f, start, end)
        items.append(item)
    return items


def _whole_paragraph(f: Field, start: int, end: int) -> tuple[int, int]:
    """A paragraph's built span widened to take the line break that parts it from the one before (or after)."""
    built = f.built if f.built is not None else f.shown
    if start > 0 and built[start - 1] == "\n":
        return start - 1, end
    if end < len(built) and built[end] == "\n":
        return start, end + 1
    return start, end


def _replaced_by(change: WordChange, following: WordChange | None) -> bool:
    """A deletion followed, at the point where it ends, by an insertion of the same reviewer."""
    return (
        following is not None
        and change.kind == "deleted"
        and following.kind == "inserted"
        and following.author == change.author
        and following.at.paragraph == change.at.paragraph
        and following.at.offset == change.at.offset + len(change.text)
    )


def _notes_removed(word: WordReview, change: WordChange, length: int, fields: dict[str, Field]) -> str:
    """Why a deletion cannot be written when it takes away a note's mark ('' when it takes none)."""
    for key, mark in word.removed_notes.items():
        if mark.paragraph == change.at.paragraph and change.at.offset <= mark.offset <= change.at.offset + length:
            note = next((fields.get(p.anchor or "") for p in word.paragraphs if p.note == key), None)
            number = note.number if note is not None and note.number else word.numbers.get(key, 0)
            cited = f", made from the citation {note.cited}" if note is not None and note.cited else ""
            return REMOVES_NOTE.format(number=number, cited=cited)
    return ""


def _untracked(word: WordReview, fields: dict[str, Field], keep: Keep) -> list[ReviewItem]:
    """Every difference between a field's returned text and its built text, as an item of its own."""
    items = []
    for f in fields.values():
        if f.comparison is None:
            continue
        for difference in f.comparison.differences:
            words = (difference.new or difference.old).strip("\n")  # a paragraph's words, not its line break
            item = ReviewItem("change", difference.action, "", "", words, untracked=True)
            item.old = difference.old if difference.new and difference.old else ""
            paragraph = max((i for i, s in f.starts.items() if s <= difference.at), default=len(word.paragraphs))
            item.order = (paragraph, difference.at - f.starts.get(paragraph, 0))
            item.heading = word.heading_before(paragraph) if paragraph < len(word.paragraphs) else ""
            if f.note is not None and (f.cited or f.added_note):
                place(item, f.note, 0, word, fields)
                item.refusal = note_refusal(f)
            elif not locate(item, f, difference.start, difference.end):
                item.refusal = UNOWNED
            else:
                decide(item, f, difference.start, difference.end, difference.new)
                keep(item, f, difference.start, difference.end)
            items.append(item)
    return items


def _formatting(word: WordReview, fields: dict[str, Field]) -> list[ReviewItem]:
    """Tracked formatting changes: placed where they were made, and left to a person."""
    items = []
    for change in word.formatting:
        item = ReviewItem("change", "formatted", change.author, change.date, change.text)
        place(item, change.at, len(change.text), word, fields)
        item.refusal = FORMATTING
        items.append(item)
    return items


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
        if item.action == "replaced":
            text = f"change: replaced {_quote(item.old)} with {_quote(item.text)}"
        elif item.action == "formatted":
            text = f"change: formatting of {_quote(item.text)}"
        if item.untracked:
            text += " (made without tracking)"
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
        reason = (
            item.refusal if item.kind == "change" and item.refusal not in ("", UNOWNED) else "in text no block owns"
        )
        lines.append(f"{where(review, item)}: {describe(item)} [{reason}]")
    lines.append(f"{review.docx}: {summary(review)}")
    return printable("\n".join(lines))  # words from the DOCX never steer the terminal


KIND_LABELS = {
    "insertion": lambda n: plural(n, "insertion"),
    "deletion": lambda n: plural(n, "deletion"),
    "replacement": lambda n: plural(n, "replacement"),
    "untracked": lambda n: f"{n} made without tracking",
    "formatting": lambda n: plural(n, "formatting change"),
}


def summary(review: Review, applied: bool = False) -> str:
    """The closing counts: comments and changes, each kind of change, and what became of them."""
    counts = review.counts
    kinds = [KIND_LABELS[name](counts[name]) for name in CATEGORIES[1:] if counts[name]]
    fates = [f"{counts[name]} {name}" for name in STATUSES if counts[name] and (applied or name != "applied")]
    return (
        f"{plural(counts['comments'], 'comment')}, {plural(counts['changes'], 'change')}"
        + (f" ({', '.join(kinds)})" if kinds else "")
        + (f"; {', '.join(fates)}" if fates else "")
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def review_json(review: Review, files: list[tuple[str, str]] | None = None, dry_run: bool = False) -> dict[str, Any]:
    """The same items as data for JSON: placed or not, with the proposals and the counts; after
    `--apply`, `files` (each file written, or with `dry_run` that would be, and its diff)."""
    data: dict[str, Any] = {
        "docx": review.docx,
        "brief": review.brief,
        "audience": review.audience,
        "items": [],
        "proposals": [asdict(p) for p in review.proposals],
        "summary": review.counts,
    }
    if files is not None:
        data["dry_run"] = dry_run
        data["files"] = [{"path": path, "diff": diff} for path, diff in files]
    for item in review.items:
        entry = asdict(item)
        for private in ("order", "edit", "kind", "refusal", "applied", "untracked"):
            entry.pop(private)
        entry["kind"], entry["status"] = item.category, item.status
        unsettled = item.status in ("refused", "unplaced")
        entry["reason"] = (item.refusal or UNOWNED) if unsettled or item.refusal == ALREADY else ""
        if item.kind == "change":
            entry["applicable"] = item.edit is not None
        entry["placed"] = item.placed
        entry["message"] = describe(item)
        data["items"].append(entry)
    return data
