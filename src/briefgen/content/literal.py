"""Literal words written into a field: they read back as exactly the characters typed, never as syntax.

`briefgen review --apply` writes words a reviewer typed in Word into a block's YAML. In a
Markdown field, whatever Pandoc's reader (with the extensions of `content.markdown.READER`:
smart punctuation, bare URLs, notes, citations, spans, math, raw HTML, fenced divs, tables, fancy
lists...) would take as syntax is escaped with a backslash, which that reader always reads as the
character itself. A character that is syntax only in some places (`-`, `.`, `:`, `!`, `+`, a list
marker's `.` or `)`) is escaped only there, so ordinary punctuation stays readable in the YAML.
In any field, line breaks and other whitespace become one space: one Word paragraph is one line
of words, and a space next to the field's own whitespace, which could indent a code block or end
a line with a hard break, is left out.
"""

from __future__ import annotations

import re

# Whitespace to Pandoc's Markdown (space, tab, line feed, carriage return) and to YAML (its line
# breaks U+0085, U+2028, U+2029); the rest (a no-break space...) is text to both.
_WHITESPACE = re.compile(r"[ \t\n\r\v\f\x1c-\x1f\x85\u2028\u2029]+")
# Syntax wherever it stands: escapes, code, emphasis, links and spans, attributes, raw HTML,
# entities, citations and emails, superscript and inline notes, subscript and strikeout, math,
# headings, tables and line blocks, setext underlines, smart quotes and apostrophes.
_ALWAYS = frozenset("\\`*_[]{}<>&@^~$#|=\"'")
# The start of a line: a list marker (1. 2) a. (iv) #.) or a table caption (Table: ...).
_STARTER = re.compile(r"\(?(?:[0-9]{1,9}|[A-Za-z]|[ivxlcdmIVXLCDM]+|#)([.)])(?=\s|$)|(?i:table)(:)")


def spaced(text: str, before: str = "", after: str = "") -> str:
    """`text` as one line: each run of whitespace one space, none next to whitespace around it.

    `before` and `after` are the field's text on either side of where the words go.
    """
    text = _WHITESPACE.sub(" ", text)
    if not before or _WHITESPACE.match(before[-1]):
        text = text.lstrip(" ")
    if not after or _WHITESPACE.match(after[0]):
        text = text.rstrip(" ")
    return text


def literal_markdown(text: str, before: str = "", after: str = "") -> str:
    """Words to put between `before` and `after` in a Markdown field so Pandoc reads exactly them.

    The result is `spaced(text)` with backslashes before every character Pandoc's Markdown would
    read as syntax there, alone or together with the characters around it.
    """
    text = spaced(text, before, after)
    if not text:
        return text
    line_start = not before or bool(_WHITESPACE.match(before[-1]))  # the words may begin a line
    previous, following = before[-1:], after[:1]
    starter = _STARTER.match(text + following) if line_start else None
    marker = starter.start(starter.lastindex or 0) if starter else -1
    out = []
    for i, c in enumerate(text):
        p = text[i - 1] if i else previous
        n = text[i + 1] if i + 1 < len(text) else following
        first = i == 0 and line_start
        if (
            c in _ALWAYS
            or i == marker
            or (c in "-+:" and first)  # a list item, a definition, a fenced div
            or (c in "-." and c in (p, n))  # dashes, ellipses, table and heading rules
            or (c == ":" and n != "" and not n.isspace())  # a bare URL's scheme (https:, tel:, urn:)
            or (c == "!" and n == "[")  # an image
        ):
            out.append("\\")
        out.append(c)
    return "".join(out)


# Characters that show nothing and can steer a terminal or reorder a line: C0 and C1 controls and DEL
# (U+009B alone starts a terminal escape sequence), the bidirectional embeddings, overrides and
# isolates, and the two noncharacters every plane ends with.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def invisible_control(c: str) -> bool:
    """Whether `c` is a control character no document may hold (tab and line breaks are whitespace)."""
    return bool(_INVISIBLE.match(c)) and not _WHITESPACE.match(c)


def printable(text: str) -> str:
    """`text` safe to print on a terminal: each invisible control character written as `<U+009B>`."""
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", text)
