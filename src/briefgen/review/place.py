"""Placing text a reviewer saw in Word back in a block's YAML: field sources, alignment, positions.

The DOCX shows a field's Markdown rendered (markup gone, citations turned into note numbers,
quotes curled, portion marks added), so text is found by aligning the field as the DOCX shows it
with the field's Markdown source, character by character, and mapping an offset through the
matching stretches. A position in the Markdown source becomes a file position through the
loader's locator (`Markdown.locate`), one word at a time so folded and literal YAML scalars,
whose line breaks and indentation differ from the value, are found all the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from briefgen.content.yamlsrc import parse_yaml
from briefgen.diagnostics import Diagnostics, Location
from briefgen.model import ContentBlock, Markdown
from briefgen.review.scalars import field_node, value_offsets

MIN_MATCH = 3  # shorter common stretches are chance, not text
CONTEXT = 20  # characters each side of an item that count towards its confidence
_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_SPACE = re.compile(r"\s")
_CALL_NEXT = re.compile(r"\s*\[(-?@|\^)")  # a citation or note call where the source carries on

Locator = Callable[[str, int], Location]


@dataclass(frozen=True)
class FieldSource:
    """One field of a block as its file holds it now: the text, and how to find a point of it in the file."""

    block_id: str
    field: str
    path: Path
    text: str
    locate: Locator | None
    fallback: Location

    def location(self, offset: int) -> Location:
        """The file position of `offset` in the field's text."""
        text = self.text
        offset = max(0, min(offset, len(text)))
        start = offset
        if offset < len(text) and not text[offset].isspace():
            start = offset
        elif offset > 0 and not text[offset - 1].isspace():
            start = offset - 1
        else:
            while start < len(text) and text[start].isspace():
                start += 1
            if start >= len(text):
                return self.fallback
            offset = start
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = start
        while end < len(text) and not text[end].isspace():
            end += 1
        word = text[start:end]
        if not word or self.locate is None:
            return self.fallback
        occurrence, index = 0, text.find(word)
        while 0 <= index < start:
            occurrence += 1
            index = text.find(word, index + 1)
        found = self.locate(word, occurrence)
        return Location(found.path, found.line, found.column + (offset - start))


def _position(path: Path, text: str, index: int) -> Location:
    line = text.count("\n", 0, index) + 1
    return Location(path, line, index - (text.rfind("\n", 0, index) + 1) + 1)


MARKDOWN_KEYS = {"body", "summary", "mitigation"}


def field_source(block: ContentBlock, field: str) -> FieldSource | None:
    """The current text of a block's field: Markdown (body, summary, mitigation, a variant's), or a
    one-line value the DOCX shows (title, action, owner, horizon, a variant's title, a register cell)."""
    parts = field.split(".")
    markdown: Markdown | None = None
    if parts[0] == "variants" and len(parts) == 3:
        variant = block.variants.get(parts[1])
        if variant is None:
            return None
        if parts[2] in ("summary", "body"):
            markdown = getattr(variant, parts[2])
        else:
            return scalar_source(block.path, block.id, field)
    elif field in MARKDOWN_KEYS:
        markdown = getattr(block, field)
    else:
        return scalar_source(block.path, block.id, field)
    if markdown is None:
        return None
    fallback = markdown.location or block.locations.get(field) or Location(block.path)
    return FieldSource(block.id, field, block.path, markdown.source, markdown.locate, fallback)


def scalar_source(path: Path, block_id: str, field: str) -> FieldSource | None:
    """A scalar's value as the YAML reader gives it (quotes, escapes and folding undone), each of its
    characters located in the file; None when the file has no text value at that key path."""
    try:
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):
        return None
    node = field_node(parse_yaml(text, path, Diagnostics()), field)
    if node is None or not isinstance(node.value, str) or isinstance(node.value, bool):
        return None
    start = _position(path, text, node.span[0])
    offsets = value_offsets(text, node)

    def locate(word: str, occurrence: int) -> Location:
        index = -1
        for _ in range(occurrence + 1):
            index = node.value.find(word, index + 1)
            if index < 0:
                return start
        return _position(path, text, offsets[index]) if offsets else start

    return FieldSource(block_id, field, path, node.value, locate, start)


def fold(text: str) -> str:
    """Text compared case- and typography-blind, one character for one, so offsets carry over."""
    return _SPACE.sub(" ", text.translate(_FOLD)).lower()


class Alignment:
    """The field as the DOCX showed it, aligned with the field's Markdown source."""

    def __init__(self, shown: str, source: str):
        matcher = SequenceMatcher(None, fold(shown), fold(source), autojunk=False)
        self.blocks = [m for m in matcher.get_matching_blocks() if m.size >= MIN_MATCH]
        self.length = len(shown)
        self.source = source
        self.source_length = len(source)

    def map(self, offset: int) -> int | None:
        """The source offset of a shown offset: inside a matched stretch exactly, else after the one before."""
        before = None
        for a, b, size in self.blocks:
            if a <= offset <= a + size:
                return b + offset - a
            if a + size < offset:
                before = b + size
            elif before is None:
                return b  # before the first stretch: where that stretch starts
        return before

    def exact(self, start: int, end: int) -> tuple[int, int] | str:
        """The source span of shown text `[start, end)` when it is certain, else why it is not.

        Certain means the span lies inside one matched stretch, so every character of it is the
        source's own: no citation, note, emphasis or link markup sits inside it. An insertion
        (`start == end`) at the edge of a stretch is certain only when the source carries on
        without markup there (the shown text may still have generated text, such as a note
        number, at that point), or with a citation or note call: words typed at the end of a
        clause go before its `[@key]` or `[^note]`, which is what the reviewer saw (the note
        number follows the clause, or its punctuation, either way).
        """
        for index, (a, b, size) in enumerate(self.blocks):
            if not (a <= start and end <= a + size):
                continue
            if start == end and start in (a, a + size) and size:
                prev_end = self.blocks[index - 1][1] + self.blocks[index - 1][2] if index else 0
                next_start = self.blocks[index + 1][1] if index + 1 < len(self.blocks) else self.source_length
                if start == a and b != prev_end:
                    continue  # markup (or generated text) just before: try the stretch before
                if start == a + size and next_start != b + size and not _CALL_NEXT.match(self.source, b + size):
                    continue
            return b + start - a, b + end - a
        if start == end:
            return "it is next to a citation, note, emphasis or link"
        if not any(a < end and start < a + size for a, _, size in self.blocks):
            return "it is in text briefgen generates, such as a number or a heading, not in the block's text"
        return "it crosses a citation, note, emphasis or link"

    def confidence(self, start: int, end: int) -> float:
        """The share of the item and the text around it that matched the source."""
        low, high = max(0, start - CONTEXT), min(self.length, end + CONTEXT)
        if high <= low:
            return 0.0
        matched = sum(max(0, min(a + size, high) - max(a, low)) for a, _, size in self.blocks)
        return round(matched / (high - low), 2)
