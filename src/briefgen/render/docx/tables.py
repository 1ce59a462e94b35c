"""Native Word tables: the house register tables and Markdown tables.

All share the house look of the PDF: rules in the theme's rule colour, a shaded header row
underlined in the accent colour, cells padded as the CSS pads them, and a table edge that lines
up with the text block (the template's Word 2010 layout measures a table's indent to the text
of its first cell, so the indent is the cell's left padding).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.blkcntnr import BlockItemContainer
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Pt
from docx.table import _Cell

from briefgen.content.bidi import is_rtl
from briefgen.content.richtext import table_text_starts
from briefgen.model import Block, RevisedBlocks, Table, TableCell
from briefgen.render.docx.wml import Format, cell_borders, place, shade, table_borders

if TYPE_CHECKING:
    from briefgen.render.docx.surface import BodyWriter

BOX_MARGIN = 8.0  # points: the CSS margin-bottom of tables, callouts and the bottom line

CELL_PADDING = {"top": Pt(3), "left": Pt(5), "bottom": Pt(3), "right": Pt(5)}  # td { padding: 3pt 5pt }
ALIGNMENTS = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}
NO_BORDERS = dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV"))


def new_table(w: BodyWriter, rows: int, widths: list[int], padding: dict[str, Pt], header: bool, fixed: bool = True):
    """An empty table where the writer stands, `widths` (EMU) per column, never wider than the text block.

    `header` says whether its first row is a header row (Pandoc reads the table look's flag).
    """
    # The base class's method: a cell's own add_table would add a paragraph after the table.
    table = BlockItemContainer.add_table(w.container, rows, len(widths), w.width)
    table.style = w.main.styles["Table Grid"]  # the template is made from Word's defaults, which have it
    table.autofit = not fixed
    tbl_pr = table._tbl.tblPr
    place(tbl_pr, parse_xml(f'<w:tblW {nsdecls("w")} w:w="{Emu(sum(widths)).twips}" w:type="dxa"/>'))
    place(tbl_pr, parse_xml(f'<w:tblInd {nsdecls("w")} w:w="{padding["left"].twips}" w:type="dxa"/>'))
    margins = "".join(f'<w:{side} w:w="{size.twips}" w:type="dxa"/>' for side, size in padding.items())
    place(tbl_pr, parse_xml(f"<w:tblCellMar {nsdecls('w')}>{margins}</w:tblCellMar>"))
    look = f'w:val="{0x0420 if header else 0x0400:04X}" w:firstRow="{int(header)}" w:firstColumn="0" w:noVBand="1"'
    place(tbl_pr, parse_xml(f"<w:tblLook {nsdecls('w')} {look}/>"))
    for column, size in zip(table.columns, widths, strict=True):
        column.width = size
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, size in zip(row.cells, widths, strict=True):
            cell.width = size
    return table


def _scaled(w: BodyWriter, fractions: list[float]) -> list[int]:
    """Column widths filling the text block in these proportions."""
    total = sum(fractions)
    return [int(w.width * f / total) for f in fractions]


def _house_rules(w: BodyWriter, table, head_rows: int) -> None:
    """Rules between rows, none at the sides; the header rows shaded, repeated on each page, underlined."""
    colors = w.style.theme["colors"]
    rule = (4, colors["rule"])
    table_borders(table._tbl.tblPr, {**NO_BORDERS, "top": rule, "bottom": rule, "insideH": rule})
    for index, row in enumerate(table.rows[:head_rows]):
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for tc in row._tr.tc_lst:
            shade(tc.get_or_add_tcPr(), colors["table_header"])
            if index == head_rows - 1:
                cell_borders(tc.get_or_add_tcPr(), {"left": None, "bottom": (8, colors["accent"]), "right": None})
            for p in tc.iter(qn("w:p")):
                p.get_or_add_pPr().get_or_add_keepNext()  # the header stays with the first body row


def fill(w: BodyWriter, cell, blocks: tuple[Block, ...], style_id: str, width: int, align: str = "default") -> None:
    """Write rich blocks into a cell in `style_id`, its paragraphs aligned as the column."""
    cell.paragraphs[0]._p.style = style_id  # what an empty cell keeps
    with w.inside(cell, width - CELL_PADDING["left"] - CELL_PADDING["right"]):
        w.blocks(blocks, style_id)
    if align in ALIGNMENTS:
        for p in cell.paragraphs:
            p.alignment = ALIGNMENTS[align]


def house_table(
    w: BodyWriter, header: list[str], rows: list[list], widths_mm: list[float], keep_whole: bool = False
) -> None:
    """A register table (recommendations, risks, leverage): text or rich blocks per cell.

    `keep_whole` keeps a short table on one page, as the PDF's `table.short { break-inside: avoid }`.
    """
    colors = w.style.theme["colors"]
    widths = _scaled(w, widths_mm)
    table = new_table(w, 1 + len(rows), widths, CELL_PADDING, header=True)
    for col, cell in enumerate(table.rows[0].cells):
        cell.paragraphs[0]._p.style = "TableHeading"
        w.run(cell.paragraphs[0]._p, header[col], Format())
    for values, row in zip(rows, table.rows[1:], strict=True):
        for col, (value, cell) in enumerate(zip(values, row.cells, strict=True)):
            p = cell.paragraphs[0]._p
            p.style = "TableText"
            if isinstance(value, tuple):  # rich blocks
                fill(w, cell, value, "TableText", widths[col])
            elif header[col] in ("Likelihood", "Impact") and value == "High":  # as the PDF marks it
                w.run(p, value, Format(bold=True, color=colors["marking"]))
            else:
                w.run(p, str(value), Format())
    _house_rules(w, table, 1)
    if keep_whole:
        for row in table.rows[:-1]:
            for p in row._tr.iter(qn("w:p")):
                p.get_or_add_pPr().get_or_add_keepNext()
    w.spacer(BOX_MARGIN)  # table { margin-bottom }


def _layout(rows: tuple[tuple[TableCell, ...], ...], first_row: int, columns: int):
    """(row, column, rows spanned, columns spanned, cell) of each cell, skipping places a span above fills."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            if c >= columns:
                break
            height, width = min(cell.rowspan, len(rows) - r), min(cell.colspan, columns - c)
            taken.update((r + i, c + j) for i in range(height) for j in range(width))
            placed.append((first_row + r, c, height, width, cell))
            c += width
    return placed


def markdown_table(w: BodyWriter, table: Table) -> None:
    """A Markdown table: numbered caption above, header rows repeated, spans, aligned columns, relative widths."""
    columns = len(table.aligns)
    if not columns or not (table.head or table.body):
        return
    if table.caption:
        caption(w, table)
    fixed = any(table.widths)
    widths = _scaled(w, list(table.widths) if fixed else [1.0] * columns)
    word = new_table(w, len(table.head) + len(table.body), widths, CELL_PADDING, bool(table.head), fixed)
    if is_rtl(table_text_starts(table)):  # columns from the right, as the HTML's <table dir="rtl">
        place(word._tbl.tblPr, OxmlElement("w:bidiVisual"))
    placed = _layout(table.head, 0, columns) + _layout(table.body, len(table.head), columns)
    rows = [row._tr for row in word.rows]  # python-docx rebuilds the row list on every index
    for r, c, height, width, cell in placed:
        tc = rows[r].tc_at_grid_offset(c)
        if height > 1 or width > 1:
            tc = tc.merge(rows[r + height - 1].tc_at_grid_offset(c + width - 1))
        style_id = "TableHeading" if r < len(table.head) else "TableText"
        fill(w, _Cell(tc, word), cell.blocks, style_id, sum(widths[c : c + width]), table.aligns[c])
    _house_rules(w, word, len(table.head))
    for tr, row in zip(rows, (*table.head, *table.body), strict=True):
        kinds = {_whole_kind(cell.blocks) for cell in row if cell.blocks}
        if len(kinds) == 1 and "" not in kinds:  # a redline's row added or removed whole
            w.revisions.row(tr, kinds.pop())
    w.spacer(BOX_MARGIN)  # table { margin-bottom }


def _whole_kind(blocks) -> str:
    """ "ins" or "del" when a cell holds only what a redline added or removed, else ""."""
    if len(blocks) == 1 and isinstance(blocks[0], RevisedBlocks):
        return "ins" if blocks[0].kind in ("ins", "move-to") else "del"
    return ""


def caption(w: BodyWriter, table: Table) -> None:
    """The caption above a table, "Table N:" in bold, bookmarked so cross-references land on it."""
    p = w.paragraph("Caption")
    if table.number:
        label = f"{w.labels.get('table', 'Table')} {table.number}:"
        w.run(p._p, label, Format(bold=True, color=w.style.theme["colors"]["accent"], lang=w.generated_lang))
        w.run(p._p, " ", Format())
    w.inlines(p._p, table.caption)
    if table.id:
        w.bookmark(p, table.id)
