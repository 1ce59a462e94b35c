"""Word output: the house template filled by docxtpl, with real styles, tables and notes.

Markdown becomes Word paragraphs and runs in the template's named styles (Heading 1/2,
Body Text, List Bullet/Number, Quote, Table Text...); citations become native footnotes or
endnotes; a contents list carries its page numbers so it reads correctly on opening.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from docxtpl import DocxTemplate

from briefgen.model import (
    Block,
    CiteRef,
    Code,
    CodeBlock,
    DocBlock,
    Document,
    Emph,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Para,
    Quote,
    SmallCaps,
    Strong,
    SubHeading,
    Superscript,
    Text,
)
from briefgen.render.docx_notes import ENDNOTES, FOOTNOTES, add_note, notes_part, reference_run
from briefgen.render.docx_theme import apply_theme, shade
from briefgen.render.html import long_date, safe_href
from briefgen.render.ooxml import field_end, field_start
from briefgen.style import HouseStyle
from briefgen.yamlsrc import XML_ILLEGAL


def xml_safe(text: str) -> str:
    """Text Word can store: characters XML 1.0 forbids are dropped (the loader already warned)."""
    return XML_ILLEGAL.sub("", text)


@dataclass
class _Format:
    bold: bool = False
    italic: bool = False
    code: bool = False
    smallcaps: bool = False
    superscript: bool = False
    color: str | None = None


@dataclass
class DocxWriter:
    """Writes one Document's body into a docxtpl subdocument of the template."""

    main: Any  # the template's python-docx Document (owns styles, numbering, notes)
    body: Any  # the subdocument the body is written into
    doc: Document
    style: HouseStyle
    heading_pages: dict[str, int] = field(default_factory=dict)
    bookmarks: int = 0
    link_part: Any = None  # the package part hyperlinks are related to while writing a note

    # ------------------------------------------------------------ paragraphs and runs

    def paragraph(self, style_id: str, text: str | None = None):
        p = self.body.add_paragraph()
        p._p.style = style_id
        if text:
            self.run(p, text, _Format())
        return p

    def run(self, p, text: str, fmt: _Format, parent=None):
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        if fmt.code:
            fonts = OxmlElement("w:rFonts")
            for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                fonts.set(qn(attr), "Liberation Mono")
            rpr.append(fonts)
        if fmt.bold:
            rpr.append(OxmlElement("w:b"))
        if fmt.italic:
            rpr.append(OxmlElement("w:i"))
        if fmt.smallcaps:
            rpr.append(OxmlElement("w:smallCaps"))
        if fmt.color:
            color = OxmlElement("w:color")
            color.set(qn("w:val"), fmt.color)
            rpr.append(color)
        if fmt.superscript:
            va = OxmlElement("w:vertAlign")
            va.set(qn("w:val"), "superscript")
            rpr.append(va)
        if len(rpr):
            r.append(rpr)
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = xml_safe(text)
        r.append(t)
        (parent if parent is not None else p._p).append(r)
        return r

    def inlines(self, p, nodes: tuple[Inline, ...], fmt: _Format | None = None, parent=None) -> None:
        fmt = fmt or _Format()
        for node in nodes:
            if isinstance(node, Text):
                self.run(p, node.text, fmt, parent)
            elif isinstance(node, Emph):
                self.inlines(p, node.children, _Format(**{**fmt.__dict__, "italic": not fmt.italic}), parent)
            elif isinstance(node, Strong):
                self.inlines(p, node.children, _Format(**{**fmt.__dict__, "bold": True}), parent)
            elif isinstance(node, SmallCaps):
                self.inlines(p, node.children, _Format(**{**fmt.__dict__, "smallcaps": True}), parent)
            elif isinstance(node, Superscript):
                self.inlines(p, node.children, _Format(**{**fmt.__dict__, "superscript": True}), parent)
            elif isinstance(node, Code):
                self.run(p, node.text, _Format(**{**fmt.__dict__, "code": True}), parent)
            elif isinstance(node, LineBreak):
                (parent if parent is not None else p._p).append(OxmlElement("w:br"))
            elif isinstance(node, Link):
                self.link(p, node, fmt, parent)
            elif isinstance(node, CiteRef):
                self.citation(p, node, fmt, parent)

    def link(self, p, node: Link, fmt: _Format, parent=None) -> None:
        href = safe_href(node.href)
        if href is None:
            self.inlines(p, node.children, fmt, parent)
            return
        hyperlink = OxmlElement("w:hyperlink")
        if href.startswith("#"):
            hyperlink.set(qn("w:anchor"), href[1:])
        else:
            part = self.link_part or self.main.part  # a link in a note belongs to the notes part
            hyperlink.set(qn("r:id"), part.relate_to(href, RT.HYPERLINK, is_external=True))
        (parent if parent is not None else p._p).append(hyperlink)
        self.inlines(p, node.children, fmt, hyperlink)
        for r in hyperlink.findall(qn("w:r")):
            rpr = r.find(qn("w:rPr"))
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                r.insert(0, rpr)
            style = OxmlElement("w:rStyle")
            style.set(qn("w:val"), "Hyperlink")
            rpr.insert(0, style)

    def citation(self, p, node: CiteRef, fmt: _Format, parent=None) -> None:
        rendered = self.doc.citations.get(node.citation.uid)
        if rendered is None:
            return
        target = parent if parent is not None else p._p
        if rendered.note is None:
            self.inlines(p, rendered.inline, fmt, parent)
            return
        note = self.doc.notes[rendered.note - 1]
        kind = FOOTNOTES if self.doc.notes_mode == "footnotes" else ENDNOTES
        note_p = OxmlElement("w:p")
        self.link_part = notes_part(self.main, kind)
        try:
            self.inlines(_Holder(note_p), note.inlines)
        finally:
            self.link_part = None
        note_id = add_note(self.main, kind, note_p)
        target.append(reference_run(kind, note_id))

    # ------------------------------------------------------------ blocks

    def portion_mark(self, p, portion: str) -> None:
        if portion:
            self.run(p, f"({portion}) ", _Format(bold=True))

    def blocks(self, blocks: tuple[Block, ...], style_id: str = "BodyText", level: int = 0, portion: str = "") -> None:
        for block in blocks:
            if isinstance(block, Para):
                p = self.paragraph(style_id)
                self.portion_mark(p, portion)
                self.inlines(p, block.inlines)
            elif isinstance(block, SubHeading):
                p = self.paragraph("Heading3")
                self.inlines(p, block.inlines)
            elif isinstance(block, ListBlock):
                self.list_block(block, level, portion)
            elif isinstance(block, Quote):
                self.blocks(block.blocks, "Quote", level, portion)
            elif isinstance(block, CodeBlock):
                p = self.paragraph(style_id)
                self.run(p, block.text, _Format(code=True))

    def list_block(self, block: ListBlock, level: int, portion: str = "") -> None:
        style_id = "ListNumber" if block.ordered else "ListBullet"
        num_id = self.restart_numbering(block.start) if block.ordered else None
        for item in block.items:
            first = True
            for child in item:
                if isinstance(child, Para) and first:
                    p = self.paragraph(style_id)
                    if num_id is not None:
                        num_pr = parse_xml(
                            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
                        )
                        p._p.get_or_add_pPr().append(num_pr)
                    self.portion_mark(p, portion)
                    self.inlines(p, child.inlines)
                    first = False
                else:
                    self.blocks((child,), "ListContinue", level + 1)

    def restart_numbering(self, start: int) -> int | None:
        """A fresh numbering instance so each numbered list starts again at `start`."""
        numbering = self.main.part.numbering_part.element
        style = self.main.styles["List Number"].element
        num_ref = style.find(".//" + qn("w:numId"))
        if num_ref is None:
            return None
        base = numbering.num_having_numId(int(num_ref.get(qn("w:val"))))
        abstract = base.find(qn("w:abstractNumId")).get(qn("w:val"))
        num = numbering.add_num(int(abstract))
        override = parse_xml(
            f'<w:lvlOverride {nsdecls("w")} w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
        )
        num.append(override)
        return int(num.numId)

    def table(self, header: list[str], rows: list[list], widths_mm: list[float]) -> None:
        table = self.body.add_table(rows=1 + len(rows), cols=len(header))
        table.style = self.main.styles["Table Grid"]  # the template is made from Word's defaults, which have it
        table.autofit = False
        colors = self.style.theme["colors"]
        borders = parse_xml(
            f"<w:tblBorders {nsdecls('w')}>"
            + "".join(
                f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{colors["rule"]}"/>'
                for side in ("top", "bottom", "insideH")
            )
            + '<w:left w:val="nil"/><w:right w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>'
        )
        tbl_pr = table._tbl.tblPr
        for old in tbl_pr.findall(qn("w:tblBorders")):
            tbl_pr.remove(old)
        tbl_pr.append(borders)
        for col, width in enumerate(widths_mm):
            table.columns[col].width = Mm(width)
        for row_index, row in enumerate(table.rows):
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))
            if row_index == 0:
                tr_pr.append(OxmlElement("w:tblHeader"))
            for col, cell in enumerate(row.cells):
                cell.width = Mm(widths_mm[col])
                p = cell.paragraphs[0]
                if row_index == 0:
                    p._p.style = "TableHeading"
                    self.run(p, header[col], _Format())
                    shade(cell._tc.get_or_add_tcPr(), colors["table_header"])
                    continue
                value = rows[row_index - 1][col]
                p._p.style = "TableText"
                if isinstance(value, tuple):  # rich blocks
                    self.cell_blocks(cell, value)
                elif header[col] in ("Likelihood", "Impact") and value == "High":  # as the PDF marks it
                    self.run(p, value, _Format(bold=True, color=colors["marking"]))
                else:
                    self.run(p, str(value), _Format())
        self.paragraph("TableText")  # Word needs a paragraph between adjacent tables

    def cell_blocks(self, cell, blocks: tuple[Block, ...]) -> None:
        first = cell.paragraphs[0]
        for index, block in enumerate(blocks):
            p = first if index == 0 else cell.add_paragraph()
            p._p.style = "TableText"
            if isinstance(block, Para | SubHeading):
                self.inlines(p, block.inlines)

    # ------------------------------------------------------------ the brief

    def write(self) -> None:
        doc = self.doc
        audience = doc.audience
        if doc.bottom_line:
            label = self.paragraph("BottomLine")
            self.run(label, "Bottom line", _Format(bold=True))
            label.paragraph_format.keep_with_next = True
            self.blocks(doc.bottom_line, "BottomLine")
        if audience.detail == "summary" and doc.recommendations:
            self.table(
                ["#", "Recommended action", "Priority", "Owner", "Horizon"],
                [
                    [
                        str(r.number),
                        r.fields.get("action", ""),
                        str(r.fields.get("priority", "")).capitalize(),
                        r.fields.get("owner", ""),
                        r.fields.get("horizon", ""),
                    ]
                    for r in doc.recommendations
                ],
                [8, 70, 18, 48, 26],
            )
        if self.heading_pages:
            self.contents()
        for section in doc.sections:
            self.paragraph("Heading1", section.title)
            risks = [b for b in section.blocks if b.kind == "risk"]
            if risks:
                self.table(
                    ["Risk", "Likelihood", "Impact", "Mitigation"],
                    [
                        [_marked(b), b.fields["likelihood"].capitalize(), b.fields["impact"].capitalize(), b.mitigation]
                        for b in risks
                    ],
                    [45, 20, 18, 87],
                )
            factors = [b for b in section.blocks if b.kind == "leverage"]
            if factors:
                self.table(
                    ["Factor", "Favours", "Trend"],
                    [[_marked(b), b.fields["holder"], b.fields["trend"].capitalize()] for b in factors],
                    [110, 35, 25],
                )
            for block in section.blocks:
                self.block(block)
        if doc.bibliography:
            self.paragraph("Heading1", "Bibliography")
            for entry in doc.bibliography:
                p = self.paragraph("Bibliography")
                self.inlines(p, entry)

    def block(self, block: DocBlock) -> None:
        title = f"{block.number}. {block.title}" if block.kind == "recommendation" else block.title
        heading = self.paragraph("Heading2", title)
        self.bookmark(heading, f"block-{block.id}")
        if block.as_of:
            p = self.paragraph("RecommendationMeta")
            p.paragraph_format.keep_with_next = True
            self.run(p, f"As of {long_date(block.as_of)}", _Format(italic=True))
        if block.kind == "recommendation":
            if block.fields.get("action"):
                self.paragraph("RecommendationAction", block.fields["action"])
            if self.doc.audience.detail != "summary":  # summary audiences have it in the table
                meta = [f"Priority: {str(block.fields.get('priority') or '').capitalize()}"]
                meta += [
                    f"{label}: {block.fields[key]}"
                    for key, label in (("owner", "Owner"), ("horizon", "Horizon"))
                    if block.fields.get(key)
                ]
                self.paragraph("RecommendationMeta", " · ".join(meta))
        self.blocks(block.content, portion=block.portion)
        if block.kind == "recommendation" and self.doc.audience.decision:
            self.paragraph("DecisionLine", "Approve ________    Disapprove ________")

    def bookmark(self, paragraph, name: str) -> None:
        """A named anchor (Word bookmark) so a paragraph can be traced to its block file."""
        self.bookmarks += 1
        paragraph._p.insert(
            0, parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="{self.bookmarks}" w:name="{name[:40]}"/>')
        )
        paragraph._p.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="{self.bookmarks}"/>'))

    def contents(self) -> None:
        """A TOC field whose cached entries already carry page numbers (from the PDF layout)."""
        self.paragraph("TOCHeading", "Contents")
        entries = [s.title for s in self.doc.sections] + (["Bibliography"] if self.doc.bibliography else [])
        for index, title in enumerate(entries):
            p = self.paragraph("TOC1")
            if index == 0:
                field_start(p._p, 'TOC \\o "1-1" \\h \\z \\u')
            self.run(p, f"{title}\t{self.heading_pages.get(title, '')}", _Format())
            if index == len(entries) - 1:
                field_end(p._p)


def _marked(block: DocBlock) -> str:
    return f"({block.portion}) {block.title}" if block.portion else block.title


class _Holder:
    """Lets the run writer append into a bare <w:p> element (a note paragraph)."""

    def __init__(self, element):
        self._p = element


def render_docx(doc: Document, style: HouseStyle, heading_pages: dict[str, int] | None = None) -> bytes:
    """The brief as .docx bytes; `heading_pages` (from the PDF) adds a paginated contents list."""
    template = DocxTemplate(str(style.template("brief.docx")))
    main = template.get_docx()
    apply_theme(main, style)
    sub = template.new_subdoc()
    writer = DocxWriter(main, sub.subdocx, doc, style, heading_pages or {})
    writer.write()
    authors = ", ".join(a.name for a in doc.authors)
    meta = [long_date(doc.date)]
    if doc.version:
        meta.append(f"Version {doc.version}")
    if authors:
        meta.append(authors)
    marking = doc.banner or ""
    header = " · ".join(x for x in ("DRAFT" if doc.draft else "", marking) if x)
    context = {
        "organization": xml_safe(doc.organization),
        "title": xml_safe(doc.title),
        "subtitle": xml_safe(doc.subtitle),
        "audience_label": xml_safe(doc.audience.label),
        "meta_line": xml_safe(" · ".join(meta) + (" · DRAFT" if doc.draft else "")),
        "header_line": xml_safe(header),
        "marking": xml_safe(marking),
        "running_title": xml_safe(doc.title),
        "disclaimer": xml_safe(doc.disclaimer),
        "body": sub,
    }
    template.render(context, autoescape=True)
    props = template.docx.core_properties
    props.title = xml_safe(doc.title)
    props.author = xml_safe(authors or doc.organization)
    props.subject = xml_safe(doc.audience.label)
    props.language = "en-US"
    props.comments = ""
    stamp = (doc.timestamp or dt.datetime.combine(doc.date, dt.time(), dt.UTC)).replace(tzinfo=None)
    props.created = props.modified = stamp
    out = io.BytesIO()
    template.save(out)
    return normalize_zip(out.getvalue(), stamp)


def normalize_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """The same package with fixed entry times and modes, so equal inputs give equal bytes."""
    when = min(max(stamp, dt.datetime(1980, 1, 1)), dt.datetime(2107, 12, 31)).timetuple()[:6]  # zip's range
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
