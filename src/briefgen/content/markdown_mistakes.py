"""Writing mistakes Pandoc reads without complaint, each told at its place in the field.

Pandoc never fails on Markdown: syntax it cannot use stays as text (an undefined note `[^x]`, a
malformed citation, a table row without its table, stray `{.attributes}` or `:::`), a
definition nothing refers to prints nothing, a pipe-table row longer than its separator row
loses cells, an unclosed `:::` box swallows the rest of the field. The first would be printed
literally and the others lose words silently, so each becomes a `Problem` here: leftover syntax
from the nodes Pandoc's reading became, the others from the field's own text.
"""

from __future__ import annotations

import re

from briefgen.content.markdown_positions import FieldPositions
from briefgen.diagnostics import codes, did_you_mean
from briefgen.model import CiteRef, Inline, Problem, Text

_NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.M)
_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_LEFTOVERS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"\[\^[^\]\s]+\]"),
        codes.NOTE_UNDEFINED,
        "note '{0}' has no definition; add '{1}: the note text' on a line of its own (after a blank "
        "line) in the same field, or write the note inline as ^[the note text]",
    ),
    (
        re.compile(r"\^\["),
        codes.NOTE_UNCLOSED,
        "the inline note '{0}' is not closed; end the note's text with ']'",
    ),
    (
        re.compile(r"\[[^\]\[]*(?<![\w.])-?@[A-Za-z0-9_][^\]\[]*\]"),
        codes.CITE_SYNTAX,
        "'{0}' looks like a citation but is malformed; write [@key], [@key, p. 12] or "
        "[see @a; @b] (every part separated by ';' needs its own @key)",
    ),
    (
        re.compile(r"\{[#.][^}]*\}|\{\s*[A-Za-z][\w-]*\s*[=:][^}]*\}"),
        codes.MARKDOWN_ATTRIBUTES,
        "the attributes '{0}' belong to nothing and would be printed; put them right after a "
        "table caption (': Caption {{#tbl-id}}') or a span ('[text]{{.smallcaps}}', '[texte]{{lang=fr}}', "
        "with '=' and no space before the '{{')",
    ),
    (
        re.compile(r"(?:^|\s):::+"),
        codes.MARKDOWN_FENCE,
        "a ':::' fence is left open or stands alone; a callout starts with "
        "'::: {{.callout-note}}' and ends with ':::' on lines of their own, after blank lines",
    ),
    (
        re.compile(r"\+(?:-{3,}|={3,}|[\u2013\u2014]+)[-=+\u2013\u2014]*|(?:={3,}|-{3,})\+"),
        codes.MARKDOWN_GRID_TABLE,
        "'{0}' is the border of a grid table that did not come out as a table; every row must have "
        "its '|' and '+' in exactly the columns of the border lines above and below it",
    ),
    (
        re.compile(r"\|\s*:?(?:-{3,}|[\u2013\u2014]-?)"),  # smart typography makes --- a dash
        codes.MARKDOWN_TABLE,
        "'{0}' looks like a table row that is not part of a table; a table needs a blank line "
        "before it, a header row and a separator row such as |---|---|, and no blank line inside",
    ),
)
# What a leftover looked like in the source before smart typography turned '---' into a dash.
_WRITTEN: dict[str, re.Pattern[str]] = {
    codes.MARKDOWN_TABLE: re.compile(r"\|\s*:?-{2,}"),
    codes.MARKDOWN_GRID_TABLE: re.compile(r"\+[-=]{3,}[-=+]*|[-=]{3,}\+"),
}
_CITE_SYNTAX = next(message for _p, code, message in _LEFTOVERS if code == codes.CITE_SYNTAX)
_LINK_DEFINITION = re.compile(r"^ {0,3}\[([^\]^\n]+)\]:[ \t]*\S", re.M)
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$|^\s*\|\s*:?-+:?\s*\|\s*$")
_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_DIV_OPEN = re.compile(r"^ {0,3}:{3,}\s*(\{[^}]*\}|[\w.-]+)[\s:]*$")
_DIV_CLOSE = re.compile(r"^ {0,3}:{3,}\s*$")


# ---------------------------------------------------------------- syntax left as text


def leftover_syntax(inlines: tuple[Inline, ...], at: FieldPositions) -> list[Problem]:
    """Markdown syntax Pandoc left as text would be printed literally: each one is a problem."""
    problems = _bracketed_in_text_citations(inlines, at)
    text = "".join(n.text for n in inlines if isinstance(n, Text))
    bare: dict[str, int] = {}  # of each leftover, how many were written without an escape
    for pattern, code, message in _LEFTOVERS:
        for match in pattern.finditer(text):
            found = match.group(0).strip()
            bare.setdefault(found, text.count(found) - _written_escaped(found, at.masked))
            bare[found] -= 1
            if bare[found] < 0:  # written escaped (`\:::`, `\[\@key\]`): meant as the characters themselves
                continue
            label = found[: found.index("]") + 1] if code == codes.NOTE_UNDEFINED else found
            written = _WRITTEN.get(code)
            if label not in at.source and written:  # typography changed '---' into a dash
                original = written.search(at.source)
                label = original.group(0) if original else label
            text_of_message = message.format(label, label)
            if code == codes.NOTE_UNDEFINED:
                text_of_message = _undefined_note(label, text[match.end() : match.end() + 1], text_of_message, at)
            subject = label[2:-1] if code == codes.MARKDOWN_ATTRIBUTES and label.startswith("{#") else ""
            problems.append(Problem("error", code, text_of_message, at.where(label), subject))
            if code in (codes.MARKDOWN_TABLE, codes.MARKDOWN_GRID_TABLE, codes.MARKDOWN_FENCE):
                break  # one report per paragraph: the rest of the table is the same mistake
    return problems


def _bracketed_in_text_citations(inlines: tuple[Inline, ...], at: FieldPositions) -> list[Problem]:
    """An in-text citation in brackets: "[@a; b]" reads as "[", the citation @a, then "; b]", which would print."""
    problems = []
    for before, node in zip(inlines, inlines[1:], strict=False):
        if isinstance(node, CiteRef) and node.citation.in_text and isinstance(before, Text):
            if before.text.endswith("["):
                key = re.escape(node.citation.items[0].key)
                bracketed = re.search(rf"\[[^\]\[]*@{key}[^\]\[]*\]", at.source)
                raw = bracketed.group(0) if bracketed else "[@" + node.citation.items[0].key
                problems.append(Problem("error", codes.CITE_SYNTAX, _CITE_SYNTAX.format(raw), at.where(raw)))
    return problems


def _undefined_note(label: str, after: str, message: str, at: FieldPositions) -> str:
    """Why a note call has no definition: a definition Pandoc did not read as one, or none (a near name?)."""
    if after == ":":  # a definition Pandoc did not read as one
        return (
            f"the note definition '{label}:' is printed as text; it must start its own line with a blank line before it"
        )
    if f"{label}:" in at.source:
        return (
            f"note '{label}' has no definition that Pandoc can read: the line '{label}: ...' "
            "needs a blank line before it and must start at the beginning of its line"
        )
    defined = _NOTE_DEFINITION.findall(at.masked)
    return message.replace("has no definition", f"has no definition{did_you_mean(label[2:-1], defined)}")


def _written_escaped(found: str, source: str) -> int:
    """How many times the source writes `found` with a backslash escape in it.

    Syntax Pandoc left as text is a mistake when it was written bare. Written escaped (as `review
    --apply` writes a reviewer's words, or as a writer who wants ':::' printed does) it is text. A
    bare occurrence that Pandoc read as syntax (a real citation) leaves no text, so of the leftovers
    in the text, as many as the source escapes are words.
    """
    pattern = "".join(
        r"\s+" if c.isspace() else (r"\\?" + re.escape(c) if c.isascii() and not c.isalnum() else re.escape(c))
        for c in found
    )
    return sum("\\" in m.group(0) for m in re.finditer(pattern, source))


# ---------------------------------------------------------------- the field's text


def unused_note_definitions(at: FieldPositions) -> list[Problem]:
    """A note defined (`[^x]: ...`) but never called prints nothing: say so."""
    called = set(_NOTE_CALL.findall(at.masked))
    return [
        Problem(
            "warning",
            codes.NOTE_UNUSED,
            f"note '[^{label}]' is defined but never called; write [^{label}] where it belongs, "
            "or delete the definition",
            at.first(f"[^{label}]:"),
        )
        for label in _NOTE_DEFINITION.findall(at.masked)
        if label not in called
    ]


def unused_link_definitions(at: FieldPositions) -> list[Problem]:
    """A reference-link definition (`[1]: https://...`) that nothing refers to prints nothing: say so."""
    masked = at.masked
    problems = []
    for match in _LINK_DEFINITION.finditer(masked):
        label = match.group(1)
        rest = masked[: match.start()] + masked[match.end() :]
        pattern = rf"\[{re.escape(label)}\](?!:)|\]\[{re.escape(label)}\]"
        if not re.search(pattern, rest, re.I):
            problems.append(
                Problem(
                    "warning",
                    codes.MARKDOWN_UNUSED_LINK,
                    f"the link definition '[{label}]: ...' is used by no link, so nothing of it is printed; "
                    f"write [your words][{label}] where the link belongs, or delete the definition",
                    at.first(f"[{label}]:"),
                )
            )
    return problems


def _cells(line: str) -> int:
    """How many cells a pipe-table line has (escaped pipes are text)."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return len(re.split(r"(?<!\\)\|", inner))


def lost_table_cells(at: FieldPositions) -> list[Problem]:
    """A pipe-table row with more cells than its separator row loses the extra cells: say which row."""
    lines = at.masked.splitlines()
    problems = []
    for index, line in enumerate(lines):
        if index == 0 or not _PIPE_SEPARATOR.match(line) or "|" not in lines[index - 1]:
            continue
        columns = _cells(line)
        row_index = index - 1
        while row_index < len(lines) and lines[row_index].strip() and "|" in lines[row_index]:
            row = lines[row_index]
            if row_index != index and _cells(row) > columns:
                problems.append(
                    Problem(
                        "error",
                        codes.MARKDOWN_TABLE_CELLS,
                        f"this table row has {_cells(row)} cells but the separator row under the header has "
                        f"{columns}, so the last cells would be lost; give the separator row one '---' per column",
                        at.first(row.strip()[:40]),
                    )
                )
            row_index += 1
    return problems


def unclosed_boxes(at: FieldPositions) -> list[Problem]:
    """A `:::` box that is never closed swallows the rest of the field: say where it opens."""
    opened: list[str] = []
    code_fence = ""
    for line in at.source.splitlines():
        fence = _CODE_FENCE.match(line)
        if code_fence:
            if fence and fence.group(1)[0] == code_fence[0] and len(fence.group(1)) >= len(code_fence):
                code_fence = ""
            continue
        if fence:
            code_fence = fence.group(1)
        elif _DIV_OPEN.match(line):
            opened.append(line.strip())
        elif _DIV_CLOSE.match(line) and opened:
            opened.pop()
    return [
        Problem(
            "error",
            codes.MARKDOWN_FENCE,
            f"the box '{line}' is never closed, so everything after it in this field would be drawn "
            "inside it; add a line ':::' (after a blank line) where the box ends",
            at.first(line),
        )
        for line in opened
    ]
