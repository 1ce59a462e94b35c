"""Edits a reviewer made with tracking off: the returned text compared with the text the build wrote.

The build records each paragraph's text in the DOCX (`render.docx.reading.built_text`); a
returned file whose text, read the same way, differs from it was edited without tracking. The
comparison is blind to what Word or LibreOffice change on their own when they save (spaces at a
line's end, a non-breaking space for a space, soft hyphens, curly quotes for straight ones), so a
file that was only opened and saved has no differences. Positions are offsets into the texts as
given; `Comparison.to_built` carries a returned offset over to the built text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

# What a save may change without anyone typing: each maps to what it stands for ('' = nothing)
_SAVED = str.maketrans(
    {
        "\u00ad": "",  # soft hyphen
        "\u200b": "",  # zero-width space
        "\u2060": "",  # word joiner
        "\ufeff": "",  # zero-width no-break space
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\t": " ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
    }
)
_TOKEN = re.compile(r"\w+|\n| +|[^\w\s]")


def normal(text: str) -> tuple[str, list[int]]:
    """`text` as compared, and for each of its characters (and its end) the offset it came from.

    Spaces run together into one and go at a paragraph's edges; paragraphs stay apart ("\\n").
    """
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        mapped = char.translate(_SAVED)
        if not mapped:
            continue
        if mapped.isspace() and mapped != "\n":
            mapped = " "
        if mapped == " " and (not out or out[-1] in " \n"):
            continue  # a second space, or a space at a paragraph's start
        if mapped == "\n" and out and out[-1] == " ":
            out.pop()  # a space at a paragraph's end
            where.pop()
        out.append(mapped)
        where.append(index)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    where.append(len(text))
    return "".join(out), where


@dataclass(frozen=True)
class Difference:
    """Built text `[start, end)` became returned text `[at, until)`, which reads `new`."""

    start: int
    end: int
    at: int
    until: int
    old: str
    new: str

    @property
    def action(self) -> str:
        return "inserted" if not self.old else "deleted" if not self.new else "replaced"


class Comparison:
    """A field's text as built against the same field in the returned file: paragraph by paragraph
    (paragraphs are apart by "\n"), then word by word inside a paragraph that changed.

    A new paragraph is a Difference inserting "\n" and its text at the end of the paragraph before
    it (or its text and "\n" at the start); a paragraph gone deletes it with the "\n" before it.
    """

    def __init__(self, built: str, returned: str):
        self.built, self.returned = built, returned
        self.equal: list[tuple[int, int]] = []  # (built offset, returned offset) of each character alike
        self.differences: list[Difference] = []
        a, b = _paragraphs(built), _paragraphs(returned)
        matcher = SequenceMatcher(None, [normal(t)[0] for t, _ in a], [normal(t)[0] for t, _ in b], autojunk=False)
        for _op, i1, i2, j1, j2 in matcher.get_opcodes():
            pairs = min(i2 - i1, j2 - j1)  # paragraphs alike or rewritten, compared word by word
            for i, j in zip(range(i1, i1 + pairs), range(j1, j1 + pairs), strict=True):
                self._words(a[i], b[j])
            if i2 - i1 > pairs:
                self._gone(a, i1 + pairs, i2, b, j2)
            if j2 - j1 > pairs:
                self._new(b, j1 + pairs, j2, a, i2)
        self._at = dict((b, a) for a, b in self.equal)  # returned offset of an unchanged character -> built

    def _gone(self, a: list[tuple[str, int]], first: int, last: int, b: list[tuple[str, int]], next_b: int) -> None:
        """Built paragraphs `[first, last)` are gone: delete them with the line break before (or after)."""
        start = a[first - 1][1] + len(a[first - 1][0]) if first else 0
        end = a[last - 1][1] + len(a[last - 1][0]) if first else a[last][1]  # (some paragraph always stays)
        at = b[next_b - 1][1] + len(b[next_b - 1][0]) if next_b else 0
        self.differences.append(Difference(start, end, at, at, self.built[start:end], ""))

    def _new(self, b: list[tuple[str, int]], first: int, last: int, a: list[tuple[str, int]], next_a: int) -> None:
        """Returned paragraphs `[first, last)` are new: insert them after the built paragraph before them."""
        at = b[first - 1][1] + len(b[first - 1][0]) if first else 0
        until = b[last - 1][1] + len(b[last - 1][0]) if first else b[last][1]  # (some paragraph was there)
        start = a[next_a - 1][1] + len(a[next_a - 1][0]) if next_a else 0
        self.differences.append(Difference(start, start, at, until, "", self.returned[at:until]))

    def _words(self, old: tuple[str, int], new: tuple[str, int]) -> None:
        """One paragraph against its returned self, word by word."""
        (built, base_a), (returned, base_b) = old, new
        a, where_a = normal(built)
        b, where_b = normal(returned)
        ta, tb = _tokens(a), _tokens(b)
        matcher = SequenceMatcher(None, [t for t, _ in ta], [t for t, _ in tb], autojunk=False)
        ops = _after_space(_coalesced(matcher, [t for t, _ in ta], len(tb)), [t for t, _ in ta], [t for t, _ in tb])
        for same, i1, i2, j1, j2 in ops:
            na, nb = _span(ta, i1, i2, len(a)), _span(tb, j1, j2, len(b))
            (start, end), (at, until) = _original(where_a, *na), _original(where_b, *nb)
            if same:
                for offset in range(na[1] - na[0]):  # character by character: their offsets may differ
                    self.equal.append((base_a + where_a[na[0] + offset], base_b + where_b[nb[0] + offset]))
                continue
            start, end, at, until = start + base_a, end + base_a, at + base_b, until + base_b
            if not self.built[start:end].strip() and not self.returned[at:until].strip():
                continue  # spaces only: a save's doing, or nothing a reader sees
            self.differences.append(Difference(start, end, at, until, self.built[start:end], self.returned[at:until]))

    def to_built(self, offset: int) -> int:
        """The built offset of a returned one: where the unchanged character at it (or just before it)
        stands in the built text, else where the change holding it starts (or, at its end, where what
        it replaced ends), else the built text's end."""
        if offset in self._at:
            return self._at[offset]
        if offset - 1 in self._at:
            return self._at[offset - 1] + 1
        for difference in self.differences:
            if offset == difference.until:
                return difference.end  # just after a change: just after what it replaced
            if difference.at <= offset < difference.until:
                return difference.start
        return len(self.built)

    def touches(self, start: int, end: int) -> bool:
        """Whether returned text `[start, end]` meets text changed without tracking."""
        return any(d.at < end and start < d.until for d in self.differences)


Op = tuple[bool, int, int, int, int]  # (unchanged, built tokens i1:i2, returned tokens j1:j2)


def _coalesced(matcher: SequenceMatcher, tokens: list[str], returned: int) -> list[Op]:
    """The word diff as a reader tells it: changes apart by a mere space are one change, and a
    paragraph rewritten more than half is one replacement of the whole, not a scatter of words."""
    ops = matcher.get_opcodes()
    if matcher.ratio() < 0.5 and len(ops) > 1:
        return [(False, 0, len(tokens), 0, returned)]
    merged: list[Op] = []
    for index, (op, i1, i2, j1, j2) in enumerate(ops):
        same = op == "equal"
        if same and 0 < index < len(ops) - 1 and all(not t.strip() for t in tokens[i1:i2]):
            same = False  # a space between two changes
        if not same and merged and not merged[-1][0]:
            _, a1, _, b1, _ = merged.pop()
            merged.append((False, a1, i2, b1, j2))
        else:
            merged.append((same, i1, i2, j1, j2))
    return merged


def _after_space(ops: list[Op], a: list[str], b: list[str]) -> list[Op]:
    """Words added or taken away with the space before them told as the same words with the space after
    them (" alpha" before " Keep" is "alpha " before "Keep"): the change stands next to the word it
    joins, and the space it moved over counts as unchanged text."""
    ops = list(ops)
    for index in range(1, len(ops) - 1):
        (before, (same, i1, i2, j1, j2), after) = ops[index - 1], ops[index], ops[index + 1]
        if same or not before[0] or not after[0]:
            continue
        if i1 == i2:  # words added: the built token where they go
            moved, following = b[j1:j2], a[i1 : i1 + 1]
        elif j1 == j2:  # words taken away: the built token after them
            moved, following = a[i1:i2], a[i2 : i2 + 1]
        else:
            continue
        if len(moved) < 2 or moved[0] != " " or moved[-1] == " " or following != [" "]:
            continue
        ops[index - 1] = (True, before[1], before[2] + 1, before[3], before[4] + 1)
        ops[index] = (False, i1 + 1, i2 + 1, j1 + 1, j2 + 1)
        ops[index + 1] = (True, after[1] + 1, after[2], after[3] + 1, after[4])
    return [op for op in ops if not op[0] or op[2] > op[1]]


def _paragraphs(text: str) -> list[tuple[str, int]]:
    """Each paragraph of a field's text with its offset."""
    found, offset = [], 0
    for part in text.split("\n"):
        found.append((part, offset))
        offset += len(part) + 1
    return found


def _tokens(text: str) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in _TOKEN.finditer(text)]


def _span(tokens: list[tuple[str, int]], first: int, last: int, length: int) -> tuple[int, int]:
    """The character span of tokens `[first, last)` (an empty span where they would stand)."""
    start = tokens[first][1] if first < len(tokens) else length
    end = tokens[last - 1][1] + len(tokens[last - 1][0]) if last > first else start
    return start, end


def _original(where: list[int], start: int, end: int) -> tuple[int, int]:
    """The original span of normal text `[start, end)`: from its first character to after its last."""
    return (where[start], where[end - 1] + 1) if end > start else (where[start], where[start])


def paragraph_changes(
    built: list[tuple[str, str]], returned: list[tuple[str, str]]
) -> tuple[dict[int, int], list[tuple[int, int]], list[tuple[int, int]]]:
    """Paragraphs no field owns (key '') that differ between the build and the returned file.

    Returns the returned paragraphs that are new (index -> the returned paragraph before it, -1
    for none), the built ones that are gone (with the returned paragraph where they stood), and
    pairs (built, returned) whose text changed. Fields' own paragraphs are compared field by field.
    """
    a = [(key, normal(text)[0]) for key, text in built]
    b = [(key, normal(text)[0]) for key, text in returned]
    new: dict[int, int] = {}
    gone: list[tuple[int, int]] = []
    changed: list[tuple[int, int]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        olds = [i for i in range(i1, i2) if not a[i][0]]
        news = [j for j in range(j1, j2) if not b[j][0]]
        if op == "replace" and len(olds) == len(news) == i2 - i1 == j2 - j1:
            changed.extend(zip(olds, news, strict=True))
            continue
        gone.extend((i, j1) for i in olds)
        for j in news:
            new[j] = j - 1
    return new, gone, changed
