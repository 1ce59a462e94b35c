"""What the figure and table writers need of the body writer, as a protocol.

`writer.DocxWriter` writes a document's body and hands figures, tables and callouts to `figures`,
`tables` and `callouts`; they write through this surface, so they never import the writer that
imports them.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol

from docx.shared import Length

from briefgen.content.style import HouseStyle
from briefgen.model import Block, Inline
from briefgen.render.docx.wml import Format


class BodyWriter(Protocol):
    """The body writer as the figure and table writers use it (see `writer.DocxWriter`)."""

    main: Any  # the template's python-docx Document
    style: HouseStyle
    width: Length  # what a table may fill where the writer stands
    labels: dict[str, str]
    container: Any  # where paragraphs and tables go: the body, or a table cell
    indent: int
    revisions: Any  # a redline's tracked changes (revisions.Revisions)
    style_names: set[str]  # the template's style names
    doc: Any  # the Document being written
    link_part: Any  # the part hyperlinks are related to while a note is written
    internal_links: list[Any]

    @property
    def generated_lang(self) -> str: ...  # the brief's language for words briefgen writes inside another language

    def paragraph(self, style_id: str, text: str | None = None) -> Any: ...

    def spacer(self, points: float) -> Any: ...

    def run(self, target: Any, text: str, fmt: Format) -> Any: ...

    def inlines(self, target: Any, nodes: tuple[Inline, ...], fmt: Format = ...) -> None: ...

    def blocks(self, blocks: tuple[Block, ...], style_id: str = "BodyText", level: int = 0) -> None: ...

    def bookmark(self, paragraph: Any, anchor: str) -> None: ...

    def written(self, before: list[Any] | None = None) -> list[Any]: ...

    def inside(self, cell: Any, width: int) -> AbstractContextManager[None]: ...
