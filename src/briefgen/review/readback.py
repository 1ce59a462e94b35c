"""Reading a Markdown field back as the build will, after `--apply` put a reviewer's words into it.

`content/literal.py` escapes the words so Pandoc reads them as the characters typed; this is the
proof for each field, made with briefgen's own Markdown reader (all fields in one Pandoc run): the
field must keep its structure (the same nodes besides text and whole paragraphs: no heading, list, link,
note or citation) and gain no error `briefgen check` would report, such as text that looks like a
citation. Otherwise the field's changes are refused and left to a person.
"""

from __future__ import annotations

from briefgen.content.markdown import parse_markdown, read_many
from briefgen.content.richtext import walk
from briefgen.model import Block, Para, Text

STRUCTURE = "Markdown would read the new words as structure (a paragraph, heading, list, link...), not as words"
REPORTED = "its words would read as a mistake in the block's Markdown ({})"


def misread(pairs: list[tuple[str, str]]) -> list[str]:
    """For each Markdown value before and after an edit, why the new one reads as more than words ('' if not)."""
    read_many([value for pair in pairs for value in pair])
    reasons = []
    for old, new in pairs:
        before, after = parse_markdown(old, "review"), parse_markdown(new, "review")
        known = {(p.code, p.message) for p in before.problems}
        fresh = [p for p in after.problems if p.level == "error" and (p.code, p.message) not in known]
        if fresh:
            reasons.append(REPORTED.format(fresh[0].message.split("; ")[0]))  # what is wrong, not how to fix it
        elif _shape(before.blocks) != _shape(after.blocks):
            reasons.append(STRUCTURE)
        else:
            reasons.append("")
    return reasons


def _shape(blocks: tuple[Block, ...]) -> list[str]:
    """The kinds of node a field holds in reading order, text and paragraphs left out (a reviewer
    adds and removes whole paragraphs; what is inside them must stay words)."""
    return [type(node).__name__ for node in walk(blocks) if not isinstance(node, Text | Para)]
