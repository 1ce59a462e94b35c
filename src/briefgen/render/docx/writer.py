"""The brief's body in Word: paragraphs and runs in the template's named styles, real notes, bookmarks.

Markdown becomes paragraphs in Heading 1/2, Body Text, List Bullet/Number, Quote, Table Text...;
citations and explanatory notes become native footnotes, or for endnotes audiences a numbered
Notes list before the bibliography, as in the PDF; every internal link points at a bookmark of the
same document. Tables are written by `tables`, callout boxes by `callouts`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Length, Mm, Pt

from briefgen.content.bidi import is_rtl, rtl_spans
from briefgen.content.language import labels_for, primary
from briefgen.content.links import safe_href
from briefgen.content.richtext import plain_text
from briefgen.content.style import HouseStyle
from briefgen.document.reading import Register, recommendation_register, section_registers
from briefgen.model import (
    BRIEF_RECORD,
    Block,
    Callout,
    CiteRef,
    Code,
    CodeBlock,
    DefinitionList,
    DocBlock,
    Document,
    Emph,
    Figure,
    Inline,
    LangDiv,
    LangSpan,
    LineBreak,
    Link,
    ListBlock,
    NoteRef,
    Para,
    PortionMark,
    Quote,
    Rule,
    SmallCaps,
    Strikeout,
    Strong,
    SubHeading,
    Subscript,
    Superscript,
    Table,
    Text,
    Underline,
)
from briefgen.render.docx import callouts, figures, tables
from briefgen.render.docx.anchors import Anchors
from briefgen.render.docx.notes import ENDNOTES, FOOTNOTES, add_note, notes_part, reference_run
from briefgen.render.docx.wml import (
    Format,
    bookmark_name,
    border,
    field_end,
    field_start,
    keep_together,
    place,
    run_element,
)
from briefgen.render.footnotes import note_paragraphs
from briefgen.render.masthead import HISTORY_HEADINGS, history_rows, long_date

PLAIN = Format()
DEFINITION_INDENT = Mm(8)  # as the CSS indents <dd>
NOTE_PARAGRAPH_INDENT = 1.2  # em: a footnote's later paragraphs begin this far in (brief.css.j2's .fn-para)
HISTORY_SHARES = [15.0, 25.0, 60.0]  # version, date, note: as .history-table in brief.css.j2
# Column shares of the house tables, the same as the PDF's (brief.css.j2)
REGISTER_SHARES: dict[str, list[float]] = {
    "recommendation": [8, 70, 18, 48, 26],
    "risk": [34, 21, 16, 99],
    "leverage": [110, 35, 25],
}
CELL_STYLES = ("TableText", "TableHeading")  # lists in table cells keep the cell's style


class DocxWriter(Anchors):
    """Writes one Document's body into a docxtpl subdocument of the template."""

    def __init__(self, main: Any, body: Any, doc: Document, style: HouseStyle, width: Length, heading_pages=None):
        self.main = main  # the template's python-docx Document (owns styles, numbering, notes)
        self.doc = doc
        self.style = style
        self.width = width  # what a table may fill where the writer stands
        self.heading_pages: dict[str, int] = heading_pages or {}
        self.labels = labels_for(doc.language, style.theme.get("labels"))
        self.style_names = {s.name for s in main.styles}
        self.container: Any = body._body  # where paragraphs and tables go: the body, or a table cell
        self.indent = 0  # extra left indent (EMU) of the paragraphs being written
        self.link_part: Any = None  # the package part hyperlinks are related to while writing a note
        self.bookmark_names: set[str] = set()
        self.internal_links: list[Any] = []
        self.anchors: dict[str, tuple[str, str]] = {}  # hidden bookmark _bgN -> (block id, field), for review
        self.lang = ""  # the language of the `::: {lang=...}` block being written, if any
        self.doc_lang = doc.language
        self.spacers: list[tuple[Any, float]] = []  # (paragraph, the CSS margin in points it stands for)

    @property
    def generated_lang(self) -> str:
        """The brief's language for words briefgen writes ("Figure 2:") inside a part in another language:
        a run's own language, so Word does not read them with the part's; "" elsewhere (they inherit it)."""
        return self.doc_lang if self.lang and primary(self.lang) != primary(self.doc_lang) else ""

    # ------------------------------------------------------------ paragraphs and runs

    def paragraph(self, style_id: str, text: str | None = None):
        """A new paragraph in `style_id` where the writer stands (indented inside a definition)."""
        p = self.container.add_paragraph()
        p._p.style = style_id
        if self.indent:
            p.paragraph_format.left_indent = Emu(self.indent)
        if text:
            direction(p._p, text)
            self.run(p._p, text, PLAIN)
        return p

    def spacer(self, points: float):
        """An empty paragraph standing for a CSS margin of `points` below a box (table, callout, bottom line).

        Word adds a paragraph's space before to what stands above it, where CSS collapses the two
        margins into the larger; `collapse_spacers` lowers the spacer by the next paragraph's space
        before once the body is written. It also keeps adjacent tables apart, as Word needs.
        """
        p = self.paragraph("TableText")
        fmt = p.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = Pt(points)  # an exact height: the paragraph holds no text
        self.spacers.append((p, points))
        return p

    def collapse_spacers(self) -> None:
        """Each spacer as high as CSS's collapsed margin: its margin less the next paragraph's space before."""
        for spacer, points in self.spacers:
            following = spacer._p.getnext()
            if following is None or following.tag != qn("w:p"):
                continue  # a table, or the end of a cell: the margin stands whole
            before = _space_before(self.main, following)
            spacer.paragraph_format.line_spacing = Pt(max(points - before, 1))

    def run(self, target, text: str, fmt: Format):
        """Append `text` to `target`, a <w:p> or <w:hyperlink>: one run, or one per change of direction.

        Right-to-left pieces (Arabic, Hebrew...) are runs of their own marked `w:rtl`, as Word
        writes them, so Word orders and formats them as right-to-left text.
        """
        r = None
        if self.lang and not fmt.lang:
            fmt = replace(fmt, lang=self.lang)
        for piece, rtl in rtl_spans(text):
            r = run_element(piece, replace(fmt, rtl=rtl) if rtl else fmt)
            target.append(r)
        return r

    def inlines(self, target, nodes: tuple[Inline, ...], fmt: Format = PLAIN) -> None:
        """Rich text as runs appended to `target`, nested markup adding to `fmt`."""
        for node in nodes:
            if isinstance(node, Text):
                self.run(target, node.text, fmt)
            elif isinstance(node, Emph):
                self.inlines(target, node.children, replace(fmt, italic=not fmt.italic))
            elif isinstance(node, Strong):
                self.inlines(target, node.children, replace(fmt, bold=True))
            elif isinstance(node, SmallCaps):
                self.inlines(target, node.children, replace(fmt, smallcaps=True))
            elif isinstance(node, Superscript):
                self.inlines(target, node.children, replace(fmt, valign="superscript"))
            elif isinstance(node, Subscript):
                self.inlines(target, node.children, replace(fmt, valign="subscript"))
            elif isinstance(node, Strikeout):
                self.inlines(target, node.children, replace(fmt, strike=True))
            elif isinstance(node, Underline):
                self.inlines(target, node.children, replace(fmt, underline=True))
            elif isinstance(node, LangSpan):
                self.inlines(target, node.children, replace(fmt, lang=node.lang))
            elif isinstance(node, Code):
                self.run(target, node.text, replace(fmt, code=True))
            elif isinstance(node, LineBreak):
                target.append(_line_break())
            elif isinstance(node, PortionMark):
                self.portion_mark(target, node.portion)
            elif isinstance(node, Link):
                self.link(target, node, fmt)
            elif isinstance(node, CiteRef):
                self.citation(target, node, fmt)
            elif isinstance(node, NoteRef):
                if node.uid in self.doc.note_numbers:  # none under `notes: none`
                    self.note(target, self.doc.note_numbers[node.uid])
            else:
                raise TypeError(f"no Word form for {type(node).__name__}")  # added to the model, not here

    def link(self, target, node: Link, fmt: Format) -> None:
        """A hyperlink: to the web, or to a bookmark of this document for `#anchor`."""
        href = safe_href(node.href)
        if href is None:
            self.inlines(target, node.children, fmt)
            return
        hyperlink = OxmlElement("w:hyperlink")
        if href.startswith("#"):
            hyperlink.set(qn("w:anchor"), bookmark_name(href[1:]))
            self.internal_links.append(hyperlink)
        else:
            part = self.link_part or self.main.part  # a link in a note belongs to the notes part
            hyperlink.set(qn("r:id"), part.relate_to(href, RT.HYPERLINK, is_external=True))
        target.append(hyperlink)
        self.inlines(hyperlink, node.children, fmt)
        for r in hyperlink.findall(qn("w:r")):
            place(r.get_or_add_rPr(), OxmlElement("w:rStyle", {qn("w:val"): "Hyperlink"}))

    def citation(self, target, node: CiteRef, fmt: Format) -> None:
        """A citation as the cite stage rendered it: a note call, words in the text, or both
        (an author-in-text citation: the name, the mark that followed it, then the call)."""
        rendered = self.doc.citations.get(node.citation.uid)
        if rendered is None:
            return
        self.inlines(target, rendered.inline, fmt)
        if rendered.note is not None:
            if rendered.punctuation:
                self.run(target, rendered.punctuation, fmt)
            self.note(target, rendered.note)

    def note(self, target, number: int) -> None:
        """Call note `number` here: a real footnote, or for endnotes the number linked to the Notes list.

        Endnotes are a list under a "Notes" heading before the bibliography, as in the PDF: Word
        would print real endnotes after the disclaimer, and LibreOffice on a page of their own.
        """
        if self.doc.notes_mode != "footnotes":
            hyperlink = OxmlElement("w:hyperlink", {qn("w:anchor"): bookmark_name(f"fn-{number}")})
            self.internal_links.append(hyperlink)
            call = run_element(str(number), Format(color=self.style.theme["colors"]["accent"]))  # a link, as in the PDF
            place(call.get_or_add_rPr(), OxmlElement("w:rStyle", {qn("w:val"): ENDNOTES.reference_style}))
            hyperlink.append(call)
            target.append(hyperlink)
            return
        paragraphs = []
        self.link_part = notes_part(self.main, FOOTNOTES)
        try:
            for index, (marker, inlines) in enumerate(note_paragraphs(self.doc.notes[number - 1].blocks)):
                p = OxmlElement("w:p")
                direction(p, plain_text(inlines))
                if index:  # a later paragraph starts indented, as the PDF's .fn-para, not like a wrapped line
                    indent = round(float(self.style.theme["sizes"]["note"]) * NOTE_PARAGRAPH_INDENT * 20)
                    place(p.get_or_add_pPr(), OxmlElement("w:ind", {qn("w:firstLine"): str(indent)}))
                if marker:
                    self.run(p, f"{marker}\u00a0", PLAIN)
                self.inlines(p, inlines)
                paragraphs.append(p)
        finally:
            self.link_part = None
        note_id = add_note(self.main, FOOTNOTES, paragraphs or [OxmlElement("w:p")])
        target.append(reference_run(FOOTNOTES, note_id))

    def endnotes(self) -> None:
        """The "Notes" section of an endnotes audience: each note numbered, bookmarked for its calls."""
        if self.doc.notes_mode != "endnotes" or not self.doc.notes:
            return
        self.bookmark(self.paragraph("Heading1", "Notes"), "notes")
        for note in self.doc.notes:
            for index, (marker, inlines) in enumerate(note_paragraphs(note.blocks) or [("", ())]):
                p = self.paragraph(ENDNOTES.text_style)
                direction(p._p, plain_text(inlines))
                if index == 0:
                    self.run(p._p, f"{note.number}.", PLAIN)
                    p._p.append(_tab())
                    self.bookmark(p, f"fn-{note.number}")
                else:  # later paragraphs of a note start at its text, as the PDF's .fn-para
                    p.paragraph_format.first_line_indent = Emu(0)
                if marker:
                    self.run(p._p, f"{marker}\u00a0", PLAIN)
                self.inlines(p._p, inlines)

    # ------------------------------------------------------------ blocks

    def portion_mark(self, target, portion: str) -> None:
        """The portion mark, such as "(FOUO) ", before a portion: bold, small and muted, as the PDF's .portion."""
        theme = self.style.theme
        size = float(theme["sizes"]["body"]) * 0.85  # .portion { font-size: 0.85em }
        self.run(target, f"({portion})", Format(bold=True, color=theme["colors"]["muted"], size=size))
        self.run(target, " ", PLAIN)

    def blocks(self, blocks: tuple[Block, ...], style_id: str = "BodyText", level: int = 0) -> None:
        """Markdown blocks as paragraphs in `style_id`, lists, tables and boxes."""
        for block in blocks:
            if isinstance(block, Para):
                p = self.paragraph(style_id)
                direction(p._p, plain_text(block.inlines))
                self.inlines(p._p, block.inlines)
            elif isinstance(block, SubHeading):
                p = self.paragraph("Heading3")
                direction(p._p, plain_text(block.inlines))
                self.inlines(p._p, block.inlines)
            elif isinstance(block, ListBlock):
                self.list_block(block, level, style_id)
            elif isinstance(block, Quote):
                self.blocks(block.blocks, "Quote", level)
            elif isinstance(block, CodeBlock):
                p = self.paragraph(style_id)
                for index, line in enumerate(block.text.split("\n")):
                    if index:
                        p._p.append(_line_break())
                    self.run(p._p, line, Format(code=True))
            elif isinstance(block, DefinitionList):
                self.definition_list(block, style_id, level)
            elif isinstance(block, Rule):
                self.rule(style_id)
            elif isinstance(block, Table):
                tables.markdown_table(self, block)
            elif isinstance(block, Callout):
                callouts.callout(self, block)
            elif isinstance(block, LangDiv):
                outer, self.lang = self.lang, block.lang
                try:
                    self.blocks(block.blocks, style_id, level)
                finally:
                    self.lang = outer
            elif isinstance(block, Figure):
                figures.figure(self, block)
            else:
                raise TypeError(f"no Word form for {type(block).__name__}")

    def list_block(self, block: ListBlock, level: int, style_id: str = "BodyText") -> None:
        """A Word list in List Bullet/Number (2, 3 when nested), or the cell's own style numbered in a table."""
        in_cell = style_id in CELL_STYLES
        list_style = self.list_style(block.ordered, level)
        item_style = style_id if in_cell else list_style.replace(" ", "")
        num_id = self.numbering(list_style, block.ordered, block.start)
        for item in block.items:
            first = True
            for child in item:
                if isinstance(child, Para) and first:
                    p = self.paragraph(item_style)
                    if num_id is not None:
                        num_pr = parse_xml(
                            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
                        )
                        place(p._p.get_or_add_pPr(), num_pr)
                    direction(p._p, plain_text(child.inlines))
                    self.inlines(p._p, child.inlines)
                    first = False
                else:
                    self.blocks((child,), style_id if in_cell else "ListContinue", level + 1)

    def list_style(self, ordered: bool, level: int) -> str:
        """The template's list style for a nesting level: List Bullet, List Bullet 2, List Bullet 3."""
        base = "List Number" if ordered else "List Bullet"
        nested = f"{base} {min(level + 1, 3)}"
        return nested if level and nested in self.style_names else base

    def numbering(self, list_style: str, ordered: bool, start: int) -> int | None:
        """The list style's numbering, or for a numbered list a fresh instance that starts at `start`."""
        num_ref = self.main.styles[list_style].element.find(".//" + qn("w:numId"))
        if num_ref is None:
            return None
        num_id = int(num_ref.get(qn("w:val")))
        if not ordered:
            return num_id
        numbering = self.main.part.numbering_part.element
        abstract = numbering.num_having_numId(num_id).find(qn("w:abstractNumId")).get(qn("w:val"))
        num = numbering.add_num(int(abstract))
        num.append(
            parse_xml(f'<w:lvlOverride {nsdecls("w")} w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>')
        )
        return int(num.numId)

    def definition_list(self, block: DefinitionList, style_id: str, level: int) -> None:
        """Each term in bold, kept with its definitions, which are indented as the PDF's <dd>."""
        for term, definitions in block.items:
            p = self.paragraph(style_id)
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.space_after = Pt(0)
            direction(p._p, plain_text(term))
            self.inlines(p._p, term, Format(bold=True))
            self.indent += DEFINITION_INDENT
            try:
                for definition in definitions:
                    self.blocks(definition, style_id, level)
            finally:
                self.indent -= DEFINITION_INDENT

    def rule(self, style_id: str) -> None:
        """A horizontal rule: an empty, low paragraph with a bottom border in the theme's rule colour."""
        p = self.paragraph(style_id)
        fmt = p.paragraph_format
        fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(8), Pt(6)
        border(p._p.get_or_add_pPr(), "bottom", 6, 1, self.style.theme["colors"]["rule"])

    @contextmanager
    def inside(self, cell, width: int) -> Iterator[None]:
        """Write into a table cell `width` wide; its empty first paragraph goes if anything else was written."""
        saved = self.container, self.width, self.indent
        placeholder = cell.paragraphs[0]._p
        self.container, self.width, self.indent = cell, Emu(width), 0
        try:
            yield
        finally:
            self.container, self.width, self.indent = saved
        if len(cell._tc.p_lst) + len(cell._tc.tbl_lst) > 1:
            cell._tc.remove(placeholder)

    # ------------------------------------------------------------ the brief

    def write(self) -> None:
        """The whole body: bottom line, register tables, contents, sections and their blocks, bibliography."""
        doc = self.doc
        if doc.bottom_line:
            label = self.paragraph("BottomLine")
            self.run(label._p, "Bottom line", Format(bold=True))
            label.paragraph_format.keep_with_next = True
            self.bookmark(label, "bottom-line")
            before = self.written()
            self.blocks(doc.bottom_line, "BottomLine")
            keep_together([label._p, *self.written(before)])  # .bottom-line { break-inside: avoid }
            self.anchor(self.written(before), BRIEF_RECORD, "bottom_line")  # brief.yaml's bottom_line, for review
            self.spacer(tables.BOX_MARGIN)  # .bottom-line's margin: the table below does not touch the box
        summary = recommendation_register(doc)
        if summary is not None:
            self.register(summary)
        if self.heading_pages:
            self.contents()
        for section in doc.sections:
            self.bookmark(self.paragraph("Heading1", section.title), f"section-{section.id}")
            for register in section_registers(section):
                self.register(register)
            for block in section.blocks:
                self.block(block)
        self.endnotes()
        if doc.bibliography:
            self.bookmark(self.paragraph("Heading1", "Bibliography"), "bibliography")
            for entry in doc.bibliography:
                p = self.paragraph("Bibliography")
                self.inlines(p._p, entry)
        if doc.history:
            self.bookmark(self.paragraph("Heading1", "Version history"), "history")
            rows: list[list] = [list(row) for row in history_rows(doc)]
            tables.house_table(self, list(HISTORY_HEADINGS), rows, HISTORY_SHARES, keep_whole=True)
        self.unlink_missing_anchors()
        self.collapse_spacers()

    def register(self, register: Register) -> None:
        """A house table (recommendations, risks, factors), each cell anchored to its block's field for review."""
        before = self.written()
        tables.house_table(
            self,
            register.headings,
            [register.cells(b) for b in register.blocks],
            REGISTER_SHARES[register.kind],
            keep_whole=register.keep_whole,
        )
        for column, spec in enumerate(register.columns):
            if spec.field != "number":
                self.anchor_cells(register.blocks, self.written(before), column, spec.field)

    def block(self, block: DocBlock) -> None:
        """One content block: its bookmarked heading, recommendation details and text."""
        title = f"{block.number}. {block.title}" if block.kind == "recommendation" else block.title
        start = self.written()
        heading = self.paragraph("Heading2", title)
        self.bookmark(heading, f"block-{block.id}")
        self.anchor([heading._p], block.id, block.title_field)
        if block.as_of:
            p = self.paragraph("RecommendationMeta")
            p.paragraph_format.keep_with_next = True
            self.run(p._p, f"As of {long_date(block.as_of)}", Format(italic=True))
        if block.kind == "recommendation":
            if block.fields.get("action"):  # kept with the text that follows, as in the PDF
                action = self.paragraph("RecommendationAction")
                direction(action._p, block.fields["action"])
                if block.portion:
                    self.portion_mark(action._p, block.portion)
                self.run(action._p, block.fields["action"], PLAIN)
                action.paragraph_format.keep_with_next = True
                self.anchor([action._p], block.id, "action")
            if self.doc.audience.detail != "summary":  # summary audiences have it in the table
                meta = [f"Priority: {str(block.fields.get('priority') or '').capitalize()}"]
                meta += [
                    f"{label}: {block.fields[key]}"
                    for key, label in (("owner", "Owner"), ("horizon", "Horizon"))
                    if block.fields.get(key)
                ]
                line = self.paragraph("RecommendationMeta")
                if block.portion:
                    self.portion_mark(line._p, block.portion)
                self.run(line._p, " · ".join(meta), PLAIN)
                line.paragraph_format.keep_with_next = True
        before = self.written()
        self.blocks(block.content)
        self.anchor(self.written(before), block.id, block.content_field)
        if block.kind == "recommendation" and self.doc.audience.decision:
            self.paragraph("DecisionLine", "Approve ________    Disapprove ________")
        if block.kind == "recommendation":  # .kind-recommendation { break-inside: avoid }
            keep_together(self.written(start))

    def contents(self) -> None:
        """A TOC field whose cached entries already carry page numbers (from the PDF layout)."""
        self.bookmark(self.paragraph("TOCHeading", "Contents"), "contents")
        entries = [s.title for s in self.doc.sections]
        entries += ["Notes"] if self.doc.notes_mode == "endnotes" and self.doc.notes else []
        entries += ["Bibliography"] if self.doc.bibliography else []
        for index, title in enumerate(entries):
            p = self.paragraph("TOC1")
            if index == 0:
                field_start(p._p, 'TOC \\o "1-1" \\h \\z \\u')
            self.run(p._p, f"{title}\t{self.heading_pages.get(title, '')}", PLAIN)
            if index == len(entries) - 1:
                field_end(p._p)


def direction(paragraph, text: str) -> None:
    """A paragraph whose text starts right to left (`content.bidi`, as the HTML's dir) is a Word bidi paragraph."""
    if is_rtl(text):
        place(paragraph.get_or_add_pPr(), OxmlElement("w:bidi"))


def _space_before(document, paragraph) -> float:
    """A paragraph's space before in points: its own setting, else its style's (and the styles it is based on)."""
    spacing = paragraph.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None and spacing.get(qn("w:before")) is not None:
        return int(spacing.get(qn("w:before"))) / 20
    style_el = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    style_id = style_el.get(qn("w:val")) if style_el is not None else None
    style = document.styles.get_by_id(style_id, WD_STYLE_TYPE.PARAGRAPH)
    while style is not None:
        if style.paragraph_format.space_before is not None:
            return style.paragraph_format.space_before.pt
        style = style.base_style
    return 0.0


def _line_break():
    return parse_xml(f"<w:r {nsdecls('w')}><w:br/></w:r>")


def _tab():
    return parse_xml(f"<w:r {nsdecls('w')}><w:tab/></w:r>")
