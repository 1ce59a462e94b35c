"""Where things stand in a Markdown field: Pandoc's output mapped back to file:line:column.

Pandoc's JSON carries no positions, so a problem found in it is placed by looking for what the
writer typed in the field's text: the n-th `![` for the n-th image, the n-th `@key` (not a
longer key it begins), the n-th note call, a link's address as written. The field's loader
gives a `Locator` that turns (text, occurrence) into a position in its YAML file.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from briefgen.content.links import address_spot, safe_href
from briefgen.diagnostics import Location

Locator = Callable[[str, int], Location]

KEY_CHAR = r"[A-Za-z0-9_]|[:.#$%&\-+?<>~/][A-Za-z0-9_]"  # what would make a key longer
_NOTE_CALLS = re.compile(r"\[\^[^\]\s]+\](?!:)|\^\[")  # every note call, in the order Pandoc meets them
_TABLE_START = re.compile(r"(?:\A|\n[ \t]*\n)( {0,3}(?:\||\+[-=])[^\n]*)")


def mask_code(source: str) -> str:
    """The source with code (fenced blocks, `spans`) blanked out, same length: syntax inside code is text."""
    masked = re.sub(
        r"(?ms)^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[^\n]*$", lambda m: re.sub(r"[^\n]", " ", m.group(0)), source
    )
    return re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", lambda m: " " * len(m.group(0)), masked, flags=re.S)


class FieldPositions:
    """One field's text and its locator; counts what was looked for, so the n-th request finds the n-th one."""

    def __init__(self, source: str, locate: Locator | None, fallback: Location | None):
        self.source = source
        self.locate = locate
        self.fallback = fallback
        self.masked = mask_code(source)
        self.seen: dict[str, int] = {}

    def where(self, needle: str) -> Location | None:
        """Where the next occurrence of `needle` stands (the field's own position when it cannot be found)."""
        count = self.seen.get(needle, 0)
        self.seen[needle] = count + 1
        if self.locate is None or not needle:
            return self.fallback
        return self.locate(needle, count)

    def where_key(self, key: str) -> Location | None:
        """Where the next `@key` stands, not counting longer keys it begins (@sec-risk in @sec-risks)."""
        needle = "@" + key
        count = self.seen.get(needle, 0)
        self.seen[needle] = count + 1
        if self.locate is None:
            return self.fallback
        starts = [m.start() for m in re.finditer(re.escape(needle), self.source)]
        whole = [i for i, start in enumerate(starts) if not re.match(KEY_CHAR, self.source[start + len(needle) :])]
        return self.locate(needle, whole[count] if count < len(whole) else count)

    def first(self, needle: str) -> Location | None:
        """Where `needle` first stands, whatever was looked for before."""
        return self.locate(needle, 0) if (self.locate and needle) else self.fallback

    def link_location(self, href: str) -> Location | None:
        """Where a link stands: `(#anchor` for an anchor, the address as written for one `check` refuses."""
        if href.startswith("#"):
            return self.where("(" + href)
        if safe_href(href) is not None or self.locate is None:
            return None
        count = self.seen.get(" link " + href, 0)
        self.seen[" link " + href] = count + 1
        spot = address_spot(self.source, self.masked, href, count)
        return self.locate(*spot) if spot else self.fallback

    def table_start(self, number: int) -> Location | None:
        """Where the `number`-th table of the field begins (its first '|' or '+-' line after a blank line)."""
        starts = list(_TABLE_START.finditer(self.masked))
        if self.locate is None or number > len(starts):
            return self.fallback
        line = starts[number - 1].group(1).strip()[:30]
        return self.locate(line, self.source.count(line, 0, starts[number - 1].start(1)))

    def note_call(self, number: int) -> Location | None:
        """Where the `number`-th note is called (`[^label]` or `^[`), in the order Pandoc reads them."""
        calls = [(m.group(0), m.start()) for m in _NOTE_CALLS.finditer(self.masked)]
        if number <= len(calls) and self.locate is not None:
            needle, offset = calls[number - 1]
            return self.locate(needle, self.source.count(needle, 0, offset))
        return self.fallback
