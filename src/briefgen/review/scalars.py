"""Where each character of a YAML scalar's value stands in its file, whatever the scalar's style.

Placing (`place`) turns a point of a field's value into a `file:line:column`, and `--apply`
(`apply`) edits only the characters a change touches; both walk the value and the file together
here, so a plain, quoted, literal (`|`) or folded (`>`) scalar is mapped the same way by both.
New text is written here too, as the scalar writes its own: a line break a folded or plain
scalar's replaced words spanned is kept beside the new words, new paragraphs take a block's
indentation, and every line break is the file's own (LF or CRLF).
"""

from __future__ import annotations

import re

from briefgen.content.yamlsrc import Node


def field_node(root: Node | None, name: str) -> Node | None:
    """The node of a dotted key path (`body`, `variants.press.summary`), or None."""
    node = root
    for key in name.split("."):
        node = node.get(key) if node is not None else None
    return node


def block_indent(text: str, node: Node) -> int:
    """The indentation of a block scalar's content lines, which lines written into it must share."""
    first = text.index("\n", node.span[0]) + 1
    for line in text[first : node.span[1]].split("\n"):
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 2


def line_break(text: str, at: int) -> int:
    """The length of the line break at `at` (2 for CRLF, 1 for LF or a lone CR, as YAML reads them), else 0."""
    if text.startswith("\r\n", at):
        return 2
    return 1 if text[at : at + 1] in ("\r", "\n") else 0


def newline(text: str, node: Node) -> str:
    """The line ending the field's file uses after the field's first line: new lines are written with it."""
    at = text.find("\n", node.span[0])
    if at < 0:
        at = text.find("\n")
    return "\r\n" if at > 0 and text[at - 1] == "\r" else "\n"


def value_offsets(text: str, node: Node) -> list[int] | None:
    """For each offset of the scalar's value (and its end), the offset in the file it came from.

    Walks value and file together: equal characters match, a line break in the file (LF, CRLF or
    CR, one unit: a value character maps to its first byte) may stand for a space or a newline of
    the value (folding) or for nothing (a break before blank lines), and indentation, a block
    scalar's header and a plain scalar's continuation spaces are skipped. None when the value has
    characters the file writes differently (escapes, doubled quotes).
    """
    value: str = node.value
    start, end = node.span
    block = text[start] in "|>"
    if block:
        header_end = text.find("\n", start)
        if header_end < 0 or re.search(r"\d", text[start:header_end]):
            return None
        j, indent, line_start = header_end + 1, block_indent(text, node), True
    else:
        quote = text[start] if text[start] in "'\"" else ""
        j, indent, line_start = start + len(quote), 0, False
    offsets: list[int] = []
    i = 0
    while i < len(value):
        if line_start:
            skip = 0
            while j < end and text[j] == " " and (not block or skip < indent):
                j, skip = j + 1, skip + 1
            line_start = False
            continue
        if j >= end:
            return None
        c, f, brk = value[i], text[j], line_break(text, j)
        if brk:  # stands for this space or newline of the value, or for nothing
            if c in " \n":
                offsets.append(j)
                i += 1
            j, line_start = j + brk, True
        elif c == f:
            offsets.append(j)
            i, j = i + 1, j + 1
        elif f in " \t" and not block:  # trailing spaces a folded plain line drops
            j += 1
        else:
            return None
    offsets.append(j)
    return offsets


def block_lines(words: str, folded: bool, margin: str, eol: str, more: bool) -> str:
    """Paragraphs (words with newlines) as a `|` or `>` block writes them, put where a line has text.

    Every line after the first takes the block's indentation (so does the rest of the line they
    go into, when `more`), blank lines stay empty and each line break is the file's own; in a
    folded block n newlines between lines of text take n + 1 line breaks.
    """
    out: list[str] = []
    for piece in re.split(r"(\n+)", words):
        if piece.startswith("\n"):
            out.append(eol * (len(piece) + folded))
        elif piece:
            out.append((margin if out else "") + piece)
    if words.endswith("\n") and more:
        out.append(margin)
    return "".join(out)


def splice(current: str, text: str, value: str, offsets: list[int], span: tuple[int, int], words: str) -> str:
    """`current` with the value's `span` written as `words` (one line), every other line as it was.

    `current` is `text` with only later parts of the value edited. A line break of a folded or
    plain scalar inside the replaced span stands for a space; it is kept, moved to the space of the
    new text nearest its old place (the one after the new words, one between them or the one
    before them), so that replacing words across a line end does not join the two lines. Only the
    break that ends a deletion, the space after the last words of a line, goes with those words:
    the next line's words join that line, as the value reads.
    """
    start, end = span
    a, b = offsets[start], offsets[end]
    result = current[:a] + words + current[b:]
    ends = end - 1 if not words else end  # a deletion's own last space
    lost = [p for p in range(start, ends) if value[p] == " " and line_break(text, offsets[p])]
    spaces = [a + k for k, c in enumerate(words) if c == " "]
    if start and offsets[start - 1] == a - 1:
        spaces.insert(0, a - 1)
    if end < len(value) and text[b] == " ":
        spaces.append(a + len(words))
    spaces = [x for x in spaces if result[x] == " " and not _blank(result, x - 1) and not _blank(result, x + 1)]
    moves: dict[int, str] = {}
    for p in lost:  # each break to the free space nearest its old place, after the new words on a tie
        free = [x for x in spaces if x not in moves]
        if free:
            moves[min(free, key=lambda x: (abs(start + x - a - p), -x))] = text[offsets[p] : offsets[p + 1]]
    for x in sorted(moves, reverse=True):
        result = result[:x] + moves[x] + result[x + 1 :]
    return result


def _blank(text: str, at: int) -> bool:
    """Whether `at` is past either end of `text` or holds whitespace (a break there would change the value)."""
    return not 0 <= at < len(text) or text[at] in " \t\r\n"
