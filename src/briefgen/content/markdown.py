"""Markdown fields to rich-text nodes, read by Pandoc's own Markdown reader.

The writing language is Pandoc Markdown, as Pandoc and Quarto users know it: Pandoc (shipped
in the pypandoc-binary wheel) reads every field of a workspace in one run, through a small
Lua reader that keeps the fields apart, and its JSON AST is turned into briefgen's nodes here.
Whatever Pandoc reads as structure briefgen does not print (raw HTML or LaTeX, math, line
blocks, unknown classes) becomes a `Problem` at the field's file:line:column, never text.

This module is the entry point; the work is done by one module per concern:

- `pandoc_reading`: Pandoc's batch run over all fields, and its cache file;
- `markdown_nodes`: the JSON AST to briefgen's nodes;
- `markdown_refusals`: constructs outside the writing language, with their messages;
- `markdown_mistakes`: syntax Pandoc left as text, and other mistakes it reads silently;
- `markdown_figures`: a figure's attributes read and checked;
- `markdown_positions`: Pandoc's output mapped back to file:line:column.
"""

from __future__ import annotations

from typing import Any

from briefgen.content.markdown_mistakes import (
    lost_table_cells,
    unclosed_boxes,
    unused_link_definitions,
    unused_note_definitions,
)
from briefgen.content.markdown_nodes import FieldReader
from briefgen.content.markdown_positions import Locator
from briefgen.content.pandoc_reading import READER, pandoc_api_version, pandoc_ast, read_again, read_many
from briefgen.content.typography import typeset
from briefgen.diagnostics import Location
from briefgen.model import Block, Inline, Markdown

__all__ = [
    "READER",
    "Locator",
    "pandoc_api_version",
    "parse_markdown",
    "read_formatted",
    "read_formatted_inlines",
    "read_many",
    "typeset",
]


def parse_markdown(
    source: str,
    uid_prefix: str,
    location: Location | None = None,
    locate: Locator | None = None,
) -> Markdown:
    """Parse one Markdown field; `locate(needle, n)` maps text back to positions in its file."""
    reader = FieldReader(source, uid_prefix, locate, location)
    try:
        blocks = reader.blocks(pandoc_ast(source))
    except (KeyError, TypeError, IndexError, ValueError, AttributeError):  # a damaged cached reading
        ast = read_again(source)
        reader = FieldReader(source, uid_prefix, locate, location)
        blocks = reader.blocks(ast)
    for check in (unused_note_definitions, unused_link_definitions, lost_table_cells, unclosed_boxes):
        reader.problems.extend(check(reader.at))
    return Markdown(source, blocks, tuple(reader.citations), location, locate, tuple(reader.problems))


def read_formatted(blocks: list[dict[str, Any]], lang: str) -> tuple[Block, ...]:
    """Pandoc blocks that citeproc has formatted, as nodes: each citation its formatted words,
    quotation marks those of `lang`, CSL's own spans unwrapped."""
    return _formatted_reader(lang).blocks(blocks)


def read_formatted_inlines(nodes: list[dict[str, Any]], lang: str) -> tuple[Inline, ...]:
    """The inline form of `read_formatted`, for notes, in-text citations and bibliography entries."""
    return _formatted_reader(lang).inlines(nodes)


def _formatted_reader(lang: str) -> FieldReader:
    reader = FieldReader("", "formatted", None, None)
    reader.formatted = lang
    return reader
