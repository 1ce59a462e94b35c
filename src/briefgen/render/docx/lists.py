"""Lists, definition lists and rules in Word: numbering instances, nesting levels and indents as the PDF's.

The body writer (`writer.DocxWriter`) hands these blocks here; each function writes where the
writer stands (the body, a table cell, a definition's indent).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from briefgen.content.richtext import plain_text
from briefgen.model import DefinitionList, ListBlock, Para, RevisedBlocks
from briefgen.render.docx.wml import Format, border, direction, place

if TYPE_CHECKING:
    from briefgen.render.docx.surface import BodyWriter

DEFINITION_INDENT = Mm(8)  # as the CSS indents <dd>
CELL_STYLES = ("TableText", "TableHeading")  # lists in table cells keep the cell's style


def list_block(w: BodyWriter, block: ListBlock, level: int, style_id: str = "BodyText") -> None:
    """A Word list in List Bullet/Number (2, 3 when nested), or the cell's own style numbered in a table."""
    in_cell = style_id in CELL_STYLES
    style = list_style(w, block.ordered, level)
    item_style = style_id if in_cell else style.replace(" ", "")
    num_id = numbering(w, style, block.ordered, block.start)
    for item in block.items:
        first = True
        whole = item[0].kind if len(item) == 1 and isinstance(item[0], RevisedBlocks) else ""
        before = w.written()
        for child in item[0].blocks if whole else item:  # type: ignore[union-attr]
            if isinstance(child, Para) and first:
                p = w.paragraph(item_style)
                if num_id is not None:
                    num_pr = parse_xml(
                        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
                    )
                    place(p._p.get_or_add_pPr(), num_pr)
                direction(p._p, plain_text(child.inlines))
                w.inlines(p._p, child.inlines)
                first = False
            else:
                w.blocks((child,), style_id if in_cell else "ListContinue", level + 1)
        if whole:  # a list item a redline inserted or deleted whole
            w.revisions.whole(w.written(before), whole)


def list_style(w: BodyWriter, ordered: bool, level: int) -> str:
    """The template's list style for a nesting level: List Bullet, List Bullet 2, List Bullet 3."""
    base = "List Number" if ordered else "List Bullet"
    nested = f"{base} {min(level + 1, 3)}"
    return nested if level and nested in w.style_names else base


def numbering(w: BodyWriter, list_style: str, ordered: bool, start: int) -> int | None:
    """The list style's numbering, or for a numbered list a fresh instance that starts at `start`."""
    num_ref = w.main.styles[list_style].element.find(".//" + qn("w:numId"))
    if num_ref is None:
        return None
    num_id = int(num_ref.get(qn("w:val")))
    if not ordered:
        return num_id
    numbering = w.main.part.numbering_part.element
    abstract = numbering.num_having_numId(num_id).find(qn("w:abstractNumId")).get(qn("w:val"))
    num = numbering.add_num(int(abstract))
    num.append(
        parse_xml(f'<w:lvlOverride {nsdecls("w")} w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>')
    )
    return int(num.numId)


def definition_list(w: BodyWriter, block: DefinitionList, style_id: str, level: int) -> None:
    """Each term in bold, kept with its definitions, which are indented as the PDF's <dd>."""
    for term, definitions in block.items:
        p = w.paragraph(style_id)
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_after = Pt(0)
        direction(p._p, plain_text(term))
        w.inlines(p._p, term, Format(bold=True))
        w.indent += DEFINITION_INDENT
        try:
            for definition in definitions:
                w.blocks(definition, style_id, level)
        finally:
            w.indent -= DEFINITION_INDENT


def rule(w: BodyWriter, style_id: str) -> None:
    """A horizontal rule: an empty, low paragraph with a bottom border in the theme's rule colour."""
    p = w.paragraph(style_id)
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(8), Pt(6)
    border(p._p.get_or_add_pPr(), "bottom", 6, 1, w.style.theme["colors"]["rule"])
