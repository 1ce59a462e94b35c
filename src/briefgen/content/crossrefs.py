"""Cross-references as written: `@fig-x`, `@tbl-x`, `@sec-x` and `@block-id`, told apart from citations.

Pandoc reads every `@key` as a citation; while a field is loaded, the keys that name a figure,
a table, a section or a block become cross-references (numbered later, per audience, by
`document.number`), and a bracket mixing both is reported.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from briefgen.content.richtext import rewrite
from briefgen.diagnostics import codes
from briefgen.model import Citation, CiteRef, CrossRef, Markdown, Problem, Text

XREF_PREFIXES = ("fig-", "tbl-", "sec-")


def is_cross_reference(key: str, block_ids: set[str]) -> bool:
    return key.startswith(XREF_PREFIXES) or key in block_ids


def separate_cross_references(field: Markdown, block_ids: set[str]) -> Markdown:
    """The field with citations of blocks, sections and tables turned into cross-references."""
    moved: set[str] = set()

    def convert(node: Any) -> tuple[Any, ...] | None:
        if not isinstance(node, CiteRef):
            return None
        items = node.citation.items
        kinds = {is_cross_reference(i.key, block_ids) for i in items}
        if kinds == {False}:
            return None
        if kinds == {True, False}:
            mixed.append(node.citation)
            return None  # stays a citation; reported below
        moved.add(node.citation.uid)
        out: list[Any] = []
        for index, item in enumerate(items):
            if index:
                out.append(Text("; "))
            if item.prefix:
                out.append(Text(item.prefix + " "))
            out.append(CrossRef(item.key, item.suppress_author, item.location))
            if item.suffix:
                out.append(Text(", " + item.suffix))
        return tuple(out)

    mixed: list[Citation] = []
    blocks = rewrite(field.blocks, convert)
    problems = tuple(
        Problem(
            "error",
            codes.XREF_MIXED,
            f"'@{c.items[0].key}' and the brackets right after it are read as one citation; put a word or "
            f"punctuation between them, for example '@{c.items[0].key} shows it [@source]'"
            if c.in_text
            else f"'{c.raw}' mixes citations and cross-references in one pair of brackets; write them apart, "
            "for example [see @source, p. 3] and @sec-background",
            c.location,
        )
        for c in mixed
    )
    if not moved and not problems:
        return field
    citations = tuple(c for c in field.citations if c.uid not in moved)
    return replace(field, blocks=blocks, citations=citations, problems=field.problems + problems)
