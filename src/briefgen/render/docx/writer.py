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
from docx.shared import Emu, Length, Pt

from briefgen.content.bidi import rtl_spans
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
    RevisedBlocks,
    Revision,
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
from briefgen.render.docx import callouts, figures, lists, tables
from briefgen.render.docx.anchors import Anchors
from briefgen.render.docx.notes import call_note, endnotes
from briefgen.render.docx.revisions import Revisions
from briefgen.render.docx.wml import (
    Format,
    bookmark_name,
    direction,
    field_end,
    field_start,
    keep_together,
    place,
    run_element,
)
from briefgen.render.masthead import HISTORY_HEADINGS, heading_text, history_rows, long_date, recommendation_meta

PLAIN = Format()
HISTORY_SHARES = [15.0, 25.0, 60.0]  # version, date, note: as .history-table in brief.css.j2
# Column shares of the house tables, the same as the PDF's (brief.css.j2)
REGISTER_SHARES: dict[str, list[float]] = {
    "recommendation": [8, 70, 18, 48, 26],
    "risk": [34, 21, 16, 99],
    "leverage": [110, 35, 25],
}


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
        stamp = doc.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ") if doc.timestamp else f"{doc.date.isoformat()}T00:00:00Z"
        self.revisions = Revisions(stamp)  # a redline's tracked changes (`build --changes-since`)

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
            elif isinstance(node, Revision):
                start = len(target)
                self.inlines(target, node.children, fmt)
                self.revisions.runs(target, start, node.kind)
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
        """Call note `number` here (see `notes.call_note`)."""
        call_note(self, target, number)

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
                lists.list_block(self, block, level, style_id)
            elif isinstance(block, Quote):
                self.blocks(block.blocks, "Quote", level)
            elif isinstance(block, CodeBlock):
                p = self.paragraph(style_id)
                for index, line in enumerate(block.text.split("\n")):
                    if index:
                        p._p.append(_line_break())
                    self.run(p._p, line, Format(code=True))
            elif isinstance(block, DefinitionList):
                lists.definition_list(self, block, style_id, level)
            elif isinstance(block, Rule):
                lists.rule(self, style_id)
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
            elif isinstance(block, RevisedBlocks):
                before = self.written()
                self.blocks(block.blocks, style_id, level)
                self.revisions.whole(self.written(before), block.kind)
            else:
                raise TypeError(f"no Word form for {type(block).__name__}")

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
        if doc.changes_heading:  # a redline's summary of what changed, first
            self.bookmark(self.paragraph("Heading1", doc.changes_heading), "changes")
            self.blocks(doc.changes)
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
            heading = self.paragraph("Heading1")
            for kind, words in _revised(section.title_was, section.title):
                start = len(heading._p)
                self.run(heading._p, words, PLAIN)
                if kind:
                    self.revisions.runs(heading._p, start, kind)
            if section.change:
                self.revisions.whole([heading._p], section.change)
            self.bookmark(heading, f"section-{section.id}")
            for register in section_registers(section):
                self.register(register)
            for block in section.blocks:
                self.block(block)
        endnotes(self)
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
        self.revisions.settle(self.container._element)

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
        rows = [tr for table in self.written(before) for tr in table.iter(qn("w:tr"))]
        for block, row in zip(register.blocks, rows[1:], strict=False):  # under the headings
            if block.change:  # a redline's block added, removed or moved: its row too
                self.revisions.whole([row], block.change)
        kinds = {{"move-to": "ins", "move-from": "del"}.get(block.change, block.change) for block in register.blocks}
        if rows and len(kinds) == 1 and "" not in kinds:  # every row added (or removed): the headings too
            self.revisions.whole(rows[:1], kinds.pop())

    def block(self, block: DocBlock) -> None:
        """One content block: its bookmarked heading, recommendation details and text."""
        traced = block.change not in ("del", "move-from")  # a redline's old words trace to no YAML
        start = self.written()
        heading = self.line("Heading2", block, heading_text, PLAIN, portion=False)
        self.bookmark(heading, block.anchor)
        if traced:
            self.anchor([heading._p], block.id, block.title_field)
        self.line("RecommendationMeta", block, _as_of, Format(italic=True), portion=False)
        if block.kind == "recommendation":  # kept with the text that follows, as in the PDF
            action = self.line("RecommendationAction", block, _action, PLAIN)
            if action is not None and traced:
                self.anchor([action._p], block.id, "action")
            if self.doc.audience.detail != "summary":  # summary audiences have it in the table
                self.line("RecommendationMeta", block, recommendation_meta, PLAIN)
        before = self.written()
        self.blocks(block.content)
        if traced:
            self.anchor(self.written(before), block.id, block.content_field)
        if block.kind == "recommendation" and self.doc.audience.decision:
            self.paragraph("DecisionLine", "Approve ________    Disapprove ________")
        if block.kind == "recommendation":  # .kind-recommendation { break-inside: avoid }
            keep_together(self.written(start))
        if block.change:
            self.revisions.whole(self.written(start), block.change, block.id if "move" in block.change else "")

    def line(self, style_id: str, block: DocBlock, text_of, fmt: Format, portion: bool = True):
        """A one-line paragraph drawn from a block's fields (its heading, action, priority), kept with what
        follows; in a redline, with the issued words deleted and the new ones inserted where they differ."""
        new = text_of(block)
        old = text_of(block.was) if block.was is not None else new
        if not new and not old and style_id != "Heading2":  # a heading is written, if empty: it is bookmarked
            return None
        p = self.paragraph(style_id)
        direction(p._p, new or old)
        if portion and block.portion:
            self.portion_mark(p._p, block.portion)
        for kind, words in (("", new),) if old == new else (("del", old), ("ins", new)):
            start = len(p._p)
            if words:
                self.run(p._p, words, fmt)
            if kind:
                self.revisions.runs(p._p, start, kind)
        if not new or not old:  # the whole line added or removed, its portion mark too
            self.revisions.runs(p._p, 1, "del" if not new else "ins")
        if style_id != "Heading2":
            p.paragraph_format.keep_with_next = True
        return p

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


def _as_of(block: DocBlock) -> str:
    return f"As of {long_date(block.as_of)}" if block.as_of else ""


def _action(block: DocBlock) -> str:
    return str(block.fields.get("action") or "")


def _revised(was: str | None, now: str) -> list[tuple[str, str]]:
    """(revision, words) to write: `now` alone, or in a redline `was` deleted and `now` inserted."""
    return [("", now)] if was is None or was == now else [("del", was), ("ins", now)]


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
