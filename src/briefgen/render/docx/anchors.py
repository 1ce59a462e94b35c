"""Bookmarks of a Word file: those links point at, and the hidden `_bgN` ones `briefgen review` traces.

`DocxWriter` mixes this in; it keeps the bookmark names given so far, the review anchors
(`_bgN` -> block id and field, written into the build record) and the internal links to check.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from briefgen.model import DocBlock
from briefgen.render.docx.wml import add_bookmark, bookmark_name


class Anchors:
    """Bookmarks for links and for review; expects `container`, `anchors`, `bookmark_names`, `internal_links`."""

    container: Any
    anchors: dict[str, tuple[str, str]]
    bookmark_names: set[str]
    internal_links: list[Any]

    def bookmark(self, paragraph, anchor: str) -> None:
        """A Word bookmark for an HTML anchor (`block-<id>` traces a paragraph to its block file)."""
        name = bookmark_name(anchor)
        if name not in self.bookmark_names:
            self.bookmark_names.add(name)
            add_bookmark(paragraph._p, len(self.bookmark_names), name)

    def written(self, before: list[Any] | None = None) -> list[Any]:
        """The paragraphs and tables where the writer stands; with `before`, only those added since."""
        children = list(self.container._element)
        if before is None:
            return children
        seen = {id(el) for el in before}
        return [el for el in children if id(el) not in seen]

    def anchor(self, elements: list[Any], block_id: str, field_name: str) -> None:
        """A hidden bookmark `_bgN` from the start of the first paragraph of `elements` to the end of the last.

        The build record (custom document properties) maps N to the block and field, so `briefgen review`
        can trace a Word comment or tracked change back to the YAML it came from. The leading underscore
        makes Word treat the bookmark as hidden; LibreOffice keeps it when it saves.
        """
        paragraphs = [p for el in elements for p in el.iter(qn("w:p"))]
        if not paragraphs:
            return
        name = f"_bg{len(self.anchors) + 1}"
        self.anchors[name] = (block_id, field_name)
        self.bookmark_names.add(name)
        number = len(self.bookmark_names)
        start = parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="{number}" w:name="{name}"/>')
        first = paragraphs[0]
        ppr = first.find(qn("w:pPr"))
        if ppr is None:
            first.insert(0, start)
        else:
            ppr.addnext(start)
        paragraphs[-1].append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="{number}"/>'))

    def anchor_cells(self, blocks: Sequence[DocBlock], added: list[Any], column: int, field_name: str) -> None:
        """Anchors on one column of a register table just written: row N's cell traces to block N's field."""
        table = next((el for el in added if el.tag == qn("w:tbl")), None)
        if table is None:
            return
        rows = table.findall(qn("w:tr"))[1:]
        for block, row in zip(blocks, rows, strict=False):
            cells = row.findall(qn("w:tc"))
            if len(cells) > column:
                self.anchor([cells[column]], block.id, field_name)

    def unlink_missing_anchors(self) -> None:
        """Internal links to an anchor this document has no bookmark for become plain text."""
        for hyperlink in self.internal_links:
            if hyperlink.get(qn("w:anchor")) in self.bookmark_names:
                continue
            for r in list(hyperlink):
                style = r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
                if style is not None and style.get(qn("w:val")) == "Hyperlink":
                    style.getparent().remove(style)
                hyperlink.addprevious(r)
            hyperlink.getparent().remove(hyperlink)
