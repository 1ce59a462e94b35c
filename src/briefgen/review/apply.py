"""`briefgen review --apply`: accepted tracked changes written back into the YAML blocks.

Only edits `report` found certain are written (inside the plain text of one field, in a block
unchanged since the build). Each field's value is mapped character by character onto the file's
bytes, whatever the scalar's style (plain, `|` literal, `>` folded), so the edit touches only the
characters it changes: comments, key order, quoting and the line wrapping of every other field
stay byte for byte, and so do the field's own lines but those the changed words stand on (a line
break inside replaced words is kept next to the new ones) and the file's line endings. The
result is read back with the same YAML reader the build uses; a field whose new text would read
differently (a `: ` in a plain title, a quote in a quoted one) is refused as a whole and left to
a person. Files are written atomically, or shown as a diff.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from briefgen.content.literal import invisible_control, literal_markdown, printable, spaced
from briefgen.content.yamlsrc import Node, parse_yaml
from briefgen.diagnostics import Diagnostics
from briefgen.review.fields import MARKDOWN_FIELDS, ONE_LINE
from briefgen.review.items import ALREADY, CHANGED, CHANGED_REFUSAL, Edit, Review, ReviewItem
from briefgen.review.readback import misread
from briefgen.review.report import describe, pair_moves, plural, where
from briefgen.review.scalars import (
    block_indent,
    block_lines,
    field_node,
    line_break,
    newline,
    splice,
    value_offsets,
)
from briefgen.review.writeback import Rewrite, write_all

UNREADABLE = "YAML would read the new text differently: it has a ': ', a ' #', a quote or a backslash"
UNMAPPED = "the field is written with escapes or quotes briefgen does not edit"
BLANK_LINE = re.compile(r"\n\s*\n")  # between paragraphs of new text


@dataclass
class FileChange:
    """One block file: its text before and after the accepted changes, and the items written into it."""

    path: Path
    display: str
    before: str
    after: str
    applied: list[ReviewItem] = field(default_factory=list)

    def diff(self) -> str:
        """The exact change to the file as a unified diff (what `--dry-run` prints)."""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                f"a/{self.display}",
                f"b/{self.display}",
            )
        )


@dataclass
class Application:
    """What `--apply` did (or, with `--dry-run`, would do)."""

    files: list[FileChange] = field(default_factory=list)
    refused: list[ReviewItem] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return sum(len(f.applied) for f in self.files)

    @property
    def waiting(self) -> list[ReviewItem]:
        """Refused changes a person must still make (not those the YAML has already)."""
        return [item for item in self.refused if item.refusal != ALREADY]


def apply_review(review: Review, dry_run: bool = False) -> Application:
    """Write every certain tracked change of `review` into its block file; refuse the rest with a reason.

    A move is applied whole or not at all: when one end turns out to be refused while its file is
    edited, its other end is refused too and the files are worked out again without it.
    """
    changes = [item for item in review.items if item.kind == "change"]
    while True:
        result = Application()
        by_file: dict[Path, list[ReviewItem]] = {}
        for item in changes:
            if item.edit is None:
                result.refused.append(item)
            else:
                by_file.setdefault(item.edit.path, []).append(item)
        for path, items in by_file.items():
            change = _apply_file(path, items, result.refused)
            if change is not None and change.applied:
                change.display = items[0].path or path.as_posix()
                result.files.append(change)
        if not pair_moves(changes) and not _refuse_misread(result.files):
            break
    if not dry_run and result.files:  # every file or none; a file that cannot be written is an error
        write_all(
            [Rewrite(c.path, c.before.encode("utf-8"), c.after.encode("utf-8")) for c in result.files], review.root
        )
        for change in result.files:
            for item in change.applied:
                item.applied = True
    return result


BOM = "\ufeff"


def _refuse_misread(files: list[FileChange]) -> bool:
    """Refuse the changes of each Markdown field given words that would not read back as words; True if any."""
    found: list[tuple[list[ReviewItem], str, str]] = []
    for change in files:
        root = parse_yaml(change.after.removeprefix(BOM), change.path, Diagnostics())
        for name in dict.fromkeys(i.edit.field for i in change.applied if i.edit is not None and i.edit.new):
            node = field_node(root, name)
            items = [i for i in change.applied if i.edit is not None and i.edit.field == name]
            if name.split(".")[-1] in MARKDOWN_FIELDS and node is not None and items[0].edit is not None:
                found.append((items, items[0].edit.source, node.value))
    refused = False
    for (items, _old, _new), reason in zip(found, misread([(old, new) for _, old, new in found]), strict=True):
        for item in items if reason else ():
            item.edit, item.refusal, refused = None, reason, True
    return refused


def _apply_file(path: Path, items: list[ReviewItem], refused: list[ReviewItem]) -> FileChange | None:
    """The file's text with its fields edited; its line endings and byte-order mark kept as they were."""
    try:
        before = path.read_bytes().decode("utf-8")  # no newline translation: CRLF files stay CRLF
    except (OSError, UnicodeDecodeError) as error:
        for item in items:
            item.refusal = f"the file could not be read ({error})"
            refused.append(item)
        return None
    bom = BOM if before.startswith(BOM) else ""
    text = before[len(bom) :]  # the build reads it without the mark, and so do the positions
    fields: dict[str, list[ReviewItem]] = {}
    for item in items:
        assert item.edit is not None
        fields.setdefault(item.edit.field, []).append(item)
    applied: list[ReviewItem] = []
    for name, group in fields.items():
        try:
            text = edit_field(text, path, name, [_as_typed(i) for i in group])
            applied.extend(group)
        except Refused as refusal:
            for item in group:
                item.refusal, item.edit = str(refusal), None
                refused.append(item)
    return FileChange(path, "", before, bom + text, applied)


def _as_typed(item: ReviewItem) -> Edit:
    """The item's edit; words typed inside a paragraph with their line breaks as spaces, as Word
    shows them. Paragraphs the reviewer added (`Edit.paragraphs`) keep their blank lines."""
    assert item.edit is not None
    if item.edit.paragraphs:
        return item.edit
    return replace(item.edit, new=re.sub(r"[\r\n]+", " ", item.edit.new))


class Refused(Exception):
    """The reason a field's edits cannot be written with certainty."""


def edit_field(text: str, path: Path, name: str, edits: list[Edit]) -> str:
    """A block file's text with edits of one field's value made in place; Refused when not certain.

    `name` is the field's key path (`body`, `variants.press.summary`). Only the changed characters
    move, in the file's own line endings: a line break inside replaced words of a folded or plain
    scalar stays, next to the new words. Blank lines in new text (`report` writes paragraphs the
    reviewer added as "\\n\\nFirst.\\n\\nSecond.") separate paragraphs, written as the block's own
    lines; any other line break in new text is a space. The result is read back and must give the
    edited value with everything else unchanged.
    """
    root = parse_yaml(text, path, Diagnostics())
    node = field_node(root, name)
    edits = sorted(edits, key=lambda e: (e.start, e.end))
    if root is None or node is None or not isinstance(node.value, str):
        raise Refused("the field is not where the build found it; review the DOCX again")
    if node.value != edits[0].source:
        raise Refused("the field changed after the DOCX was read; run review again")
    offsets = value_offsets(text, node)
    if offsets is None:
        raise Refused(UNMAPPED)
    for earlier, later in zip(edits, edits[1:], strict=False):
        if later.start < earlier.end:
            raise Refused("two changes overlap in this field")
    style = text[node.span[0]]
    if style not in "|>" and any(BLANK_LINE.search(e.new) for e in edits):
        raise Refused(ONE_LINE)
    inserts = [_trimmed(edit.source, edit.start, edit.end, new) for edit, new in _literal_inserts(edits, name)]
    value = node.value
    for start, end, insert in reversed(inserts):
        value = value[:start] + insert + value[end:]
    margin, eol = " " * (block_indent(text, node) if style in "|>" else 0), newline(text, node)
    for rewrap in (True, False):  # lines kept where they were if that reads back right, else joined
        new_text = text
        for start, end, insert in reversed(inserts):
            if "\n" in insert:
                more = offsets[end] < node.span[1] and not line_break(text, offsets[end])
                piece = block_lines(insert, style == ">", margin, eol, more)
                new_text = new_text[: offsets[start]] + piece + new_text[offsets[end] :]
            elif rewrap:
                new_text = splice(new_text, text, node.value, offsets, (start, end), insert)
            else:
                new_text = new_text[: offsets[start]] + insert + new_text[offsets[end] :]
        if _reads_as(new_text, path, name, root, value):
            return new_text
    raise Refused(UNREADABLE)


def _reads_as(text: str, path: Path, name: str, root: Node, value: str) -> bool:
    """Whether the edited file reads as the field's new value with every other value as it was."""
    diags = Diagnostics()
    reread = parse_yaml(text, path, diags)
    if reread is None or diags.errors or _plain_except(reread, name) != _plain_except(root, name):
        return False
    got = field_node(reread, name)
    return got is not None and got.value == value


def _trimmed(source: str, start: int, end: int, insert: str) -> tuple[int, int, str]:
    """The span an edit really changes, and its new text: characters both share at either end stay.

    A reviewer's "three " replaced by "3 " then leaves the space, which may be the file's line break.
    """
    old = source[start:end]
    prefix = len(os.path.commonprefix([old, insert]))
    suffix = len(os.path.commonprefix([old[prefix:][::-1], insert[prefix:][::-1]]))
    return start + prefix, end - suffix, insert[prefix : len(insert) - suffix]


def _literal_inserts(edits: list[Edit], name: str) -> list[tuple[Edit, str]]:
    """Each edit (in order) with the text it writes, escaped for the field as it reads after every edit."""
    out: list[tuple[Edit, str]] = []
    done, end = "", 0  # the field's new text up to the edit, and where that stops in the source
    for index, edit in enumerate(edits):
        done += edit.source[end : edit.start]
        later = edits[index + 1] if index + 1 < len(edits) else None
        after = edit.source[edit.end :]
        if later is not None and later.start == edit.end:  # the next edit replaces what follows
            after = later.new + edit.source[later.end :]
        insert = _escaped(edit, name, done, after)
        out.append((edit, insert))
        done, end = done + insert, edit.end
    return out


def _escaped(edit: Edit, name: str, before: str, after: str) -> str:
    """The new text as literal words: one line, or, where it has blank lines, paragraphs of one line each."""
    control = next((c for c in edit.new if invisible_control(c)), None)
    if control is not None:
        raise Refused(
            f"it holds the invisible control character U+{ord(control):04X}, which no document format can hold; "
            "type the words again without it"
        )
    paragraphs = BLANK_LINE.split(edit.new)
    last = len(paragraphs) - 1
    return "\n\n".join(
        _words(p, name, before if i == 0 else "", after if i == last else "") for i, p in enumerate(paragraphs)
    )


def _words(new: str, name: str, before: str, after: str) -> str:
    """Words on one line: in Markdown fields, anything Pandoc reads as syntax escaped."""
    if name.split(".")[-1] not in MARKDOWN_FIELDS:
        return spaced(new, before, after)
    words = literal_markdown(new, before, after)
    if words and re.search(r"(?<!\\)(\\\\)*\\$", before):  # the field's own backslash would escape them
        raise Refused("it follows a backslash, which would change what the backslash escapes")
    return words


def _plain_except(root: Node, name: str) -> Any:
    """The file's data with the field left out, to prove an edit changed nothing else."""
    data = root.plain()
    keys = name.split(".")
    target = data
    for key in keys[:-1]:
        target = target.get(key) if isinstance(target, dict) else None
    if isinstance(target, dict):
        target.pop(keys[-1], None)
    return data


def format_application(review: Review, application: Application, dry_run: bool) -> str:
    """Comments still to answer, each change applied or refused (with why), the diffs of a dry run, a summary."""
    lines = [f"{where(review, i)}: {describe(i)}" for i in review.items if i.kind == "comment"]
    verb = "would apply" if dry_run else "applied"
    for change in application.files:
        for item in change.applied:
            lines.append(f"{where(review, item)}: {verb}: {describe(item).removeprefix('change: ')}")
    for item in sorted(application.refused, key=lambda i: (not i.placed, i.path or "", i.line, i.column, i.order)):
        changed = item.placed and item.refusal == CHANGED_REFUSAL
        reason = CHANGED.format(item.confidence) if changed else item.refusal
        message = describe(item, changed_note=False).removeprefix("change: ")
        if item.refusal == ALREADY:
            lines.append(f"{where(review, item)}: already in the YAML: {message}")
        else:
            lines.append(f"{where(review, item)}: refused: {message} [{reason}; apply it by hand]")
    if dry_run:
        lines.extend(change.diff().rstrip("\n") for change in application.files)
    files = len(application.files)
    already = len(application.refused) - len(application.waiting)
    lines.append(
        f"{review.docx}: {verb} {plural(application.applied, 'change')} to {plural(files, 'file')}, "
        f"{len(application.waiting)} refused, "
        + (f"{already} already in the YAML, " if already else "")
        + f"{plural(review.counts['comments'], 'comment')} to answer"
    )
    return printable("\n".join(lines))  # words from the DOCX never steer the terminal
