"""Callout boxes ("Key judgement", notes, warnings) as Word paragraphs with a border and shading.

A one-cell table would draw the same box, but a screen reader announces a table ("table, one
row, one column") where there is none, and Word's Accessibility Checker reports a table without
a header (WCAG 1.3.1). So each paragraph of the box carries the same rule at its left in the
kind's colour, the same shading, and the padding of `.callout` in brief.css.j2 as indents and
borders in the shading's colour; Word draws adjacent paragraphs whose borders and indents agree
as one box. A list inside a callout keeps its own indents, so the box steps in beside it.
"""

from __future__ import annotations

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

from briefgen.model import Callout
from briefgen.render.docx.surface import BodyWriter
from briefgen.render.docx.tables import BOX_MARGIN
from briefgen.render.docx.wml import Format, keep_together, place, shade

BAR = 24  # eighths of a point: the 3 pt rule of .callout { border-left }
PADDING = {"top": 4, "left": 8, "bottom": 2, "right": 8}  # points: .callout { padding: 4pt 8pt 2pt }


def callout(w: BodyWriter, block: Callout) -> None:
    """The callout's title in bold and its blocks, each paragraph boxed, kept on one page as in the PDF."""
    colors = w.style.theme["colors"]
    color = colors.get(f"callout_{block.kind}", colors["accent"])
    fill = colors.get("callout_background", colors["table_header"])
    before = w.written()
    if block.title:
        title = w.paragraph("BodyText")
        w.inlines(title._p, block.title, Format(bold=True, color=color))
    w.blocks(block.blocks)
    written = w.written(before)
    for element in written:
        if element.tag == qn("w:p"):
            _box(w, element, color, fill)
    keep_together(written)  # .callout { break-inside: avoid }
    w.spacer(BOX_MARGIN)


def _box(w: BodyWriter, paragraph, color: str, fill: str) -> None:
    """The callout's rule, shading and padding on one paragraph, its own indents moved in by the padding."""
    ppr = paragraph.get_or_add_pPr()
    sides = "".join(
        f'<w:{side} w:val="single" w:sz="{BAR if side == "left" else 4}" w:space="{space}" '
        f'w:color="{color if side == "left" else fill}"/>'
        for side, space in PADDING.items()
    )
    place(ppr, parse_xml(f"<w:pBdr {nsdecls('w')}>{sides}</w:pBdr>"))
    shade(ppr, fill)
    left, hanging = _indent(w, paragraph)
    inset = Pt(PADDING["left"] + BAR / 8).twips
    hang = f' w:hanging="{hanging}"' if hanging else ""
    right = Pt(PADDING["right"]).twips
    place(ppr, parse_xml(f'<w:ind {nsdecls("w")} w:left="{left + inset}" w:right="{right}"{hang}/>'))


def _indent(w: BodyWriter, paragraph) -> tuple[int, int]:
    """The paragraph's left indent and hanging indent in twips: its own, its list level's, or its style's."""
    ind = paragraph.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    if ind is None:
        ind = _list_indent(w, paragraph)
    if ind is None:
        return 0, 0
    left = ind.get(qn("w:left")) or ind.get(qn("w:start")) or "0"
    return int(left), int(ind.get(qn("w:hanging")) or 0)


def _list_indent(w: BodyWriter, paragraph):
    """The indent a list paragraph takes from its numbering level (its own numPr, or its style's)."""
    num_pr = paragraph.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    if num_pr is None and style is not None:
        styles = w.main.styles.element
        found = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style.get(qn('w:val'))}']")
        num_pr = found.find(f"{qn('w:pPr')}/{qn('w:numPr')}") if found is not None else None
    num_id = num_pr.find(qn("w:numId")) if num_pr is not None else None
    if num_id is None:
        return None
    level = num_pr.find(qn("w:ilvl"))
    numbering = w.main.part.numbering_part.element
    num = numbering.num_having_numId(int(num_id.get(qn("w:val"))))
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = numbering.find(f"{qn('w:abstractNum')}[@{qn('w:abstractNumId')}='{abstract_id}']")
    ilvl = level.get(qn("w:val")) if level is not None else "0"
    return abstract.find(f"{qn('w:lvl')}[@{qn('w:ilvl')}='{ilvl}']/{qn('w:pPr')}/{qn('w:ind')}")
