"""Where each character of a YAML scalar's value stands in its file, whatever the scalar's style.

Placing (`place`) turns a point of a field's value into a `file:line:column`, and `--apply`
(`apply`) edits only the characters a change touches; both walk the value and the file together
here, so a plain, quoted, literal (`|`) or folded (`>`) scalar is mapped the same way by both.
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
    """The indentation of a block scalar's content lines."""
    first = text.index("\n", node.span[0]) + 1
    for line in text[first : node.span[1]].split("\n"):
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 2


def value_offsets(text: str, node: Node) -> list[int] | None:
    """For each offset of the scalar's value (and its end), the offset in the file it came from.

    Walks value and file together: equal characters match, a line break in the file may stand for
    a space or a newline of the value (folding) or for nothing (a break before blank lines), and
    indentation, a block scalar's header and a plain scalar's continuation spaces are skipped.
    None when the value has characters the file writes differently (escapes, doubled quotes).
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
        c, f = value[i], text[j]
        if f == "\r":
            j += 1
        elif c == f or (c in " \n" and f == "\n"):
            offsets.append(j)
            i, j, line_start = i + 1, j + 1, f == "\n"
        elif f == "\n":
            j, line_start = j + 1, True
        elif f in " \t" and not block:  # trailing spaces a folded plain line drops
            j += 1
        else:
            return None
    offsets.append(j)
    return offsets
