"""Real Word footnotes and endnotes, which python-docx has no API for.

Adds (or reuses) the `footnotes.xml` / `endnotes.xml` part with Word's separator notes, and
appends notes whose reference runs use the Footnote Reference / Endnote Reference styles.
Word, LibreOffice and Pandoc all read these as native notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import PartFactory, XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu
from lxml import etree

from briefgen.content.richtext import plain_text
from briefgen.render.docx.wml import Format, bookmark_name, direction, place, run_element
from briefgen.render.footnotes import note_number, note_paragraphs

if TYPE_CHECKING:
    from briefgen.render.docx.surface import BodyWriter

PLAIN = Format()
NOTE_PARAGRAPH_INDENT = 1.2  # em: a footnote's later paragraphs begin this far in (brief.css.j2's .fn-para)


@dataclass(frozen=True)
class NoteKind:
    """The names that differ between footnotes and endnotes in WordprocessingML."""

    part: str
    root: str
    tag: str
    reference: str
    marker: str
    content_type: str
    relationship: str
    text_style: str
    reference_style: str
    settings_tag: str


# Load existing note parts as XML (python-docx would keep them as opaque bytes).
PartFactory.part_type_for.setdefault(CT.WML_FOOTNOTES, XmlPart)
PartFactory.part_type_for.setdefault(CT.WML_ENDNOTES, XmlPart)

FOOTNOTES = NoteKind(
    "/word/footnotes.xml",
    "footnotes",
    "footnote",
    "footnoteReference",
    "footnoteRef",
    CT.WML_FOOTNOTES,
    RT.FOOTNOTES,
    "FootnoteText",
    "FootnoteReference",
    "footnotePr",
)
ENDNOTES = NoteKind(
    "/word/endnotes.xml",
    "endnotes",
    "endnote",
    "endnoteReference",
    "endnoteRef",
    CT.WML_ENDNOTES,
    RT.ENDNOTES,
    "EndnoteText",
    "EndnoteReference",
    "endnotePr",
)


def _separators(kind: NoteKind) -> str:
    tag = kind.tag
    return (
        f'<w:{tag} w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
        f'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:{tag}>'
        f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
        f'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:{tag}>'
    )


def notes_part(document, kind: NoteKind) -> XmlPart:
    """The document's footnotes or endnotes part, created with separators when missing."""
    doc_part = document.part
    for rel in doc_part.rels.values():
        if rel.reltype == kind.relationship and isinstance(rel.target_part, XmlPart):
            return rel.target_part
    xml = f"<w:{kind.root} {nsdecls('w', 'r')}>{_separators(kind)}</w:{kind.root}>"
    part = XmlPart(PackURI(kind.part), kind.content_type, parse_xml(xml), doc_part.package)
    doc_part.relate_to(part, kind.relationship)
    _declare_in_settings(document, kind)
    return part


# Elements that follow footnotePr/endnotePr in CT_Settings (ECMA-376 order; Word is strict about it).
_SETTINGS_AFTER_NOTES = (
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def _declare_in_settings(document, kind: NoteKind) -> None:
    """Name the separator notes in settings.xml, in the place the schema gives them."""
    settings = document.settings.element
    if settings.find(qn(f"w:{kind.settings_tag}")) is not None:
        return
    props = etree.Element(qn(f"w:{kind.settings_tag}"))
    etree.SubElement(props, qn("w:numFmt")).set(qn("w:val"), "decimal")  # Word numbers endnotes i, ii by default
    for note_id in ("-1", "0"):
        etree.SubElement(props, qn(f"w:{kind.tag}")).set(qn("w:id"), note_id)
    followers = (("endnotePr",) if kind is FOOTNOTES else ()) + _SETTINGS_AFTER_NOTES
    anchor = next((el for name in followers if (el := settings.find(qn(f"w:{name}"))) is not None), None)
    if anchor is not None:
        anchor.addprevious(props)
    else:
        settings.append(props)
    _number_in_sections(document, kind)


def _number_in_sections(document, kind: NoteKind) -> None:
    """The same decimal numbering on each section, which LibreOffice reads instead of settings.xml."""
    for section in document.sections:
        sect_pr = section._sectPr
        if sect_pr.find(qn(f"w:{kind.settings_tag}")) is not None:
            continue
        props = etree.Element(qn(f"w:{kind.settings_tag}"))
        etree.SubElement(props, qn("w:numFmt")).set(qn("w:val"), "decimal")
        # Schema order: header/footer references, footnotePr, endnotePr, then type, pgSz and the rest.
        refs = [c for c in sect_pr if c.tag in (qn("w:headerReference"), qn("w:footerReference"))]
        if kind is ENDNOTES and sect_pr.find(qn("w:footnotePr")) is not None:
            sect_pr.find(qn("w:footnotePr")).addnext(props)
        elif refs:
            refs[-1].addnext(props)
        else:
            sect_pr.insert(0, props)


def add_note(document, kind: NoteKind, paragraphs: list) -> int:
    """Append one note made of `paragraphs` (<w:p> elements, runs already styled); returns its id.

    Every paragraph gets the note text style; the first also starts with the note mark. The id
    is used in the reference run that calls the note.
    """
    part = notes_part(document, kind)
    root = part.element
    ids = [int(n.get(qn("w:id"))) for n in root.findall(qn(f"w:{kind.tag}"))]
    note_id = max([0, *ids]) + 1
    note = etree.SubElement(root, qn(f"w:{kind.tag}"))
    note.set(qn("w:id"), str(note_id))
    for paragraph in paragraphs:
        p_pr = paragraph.find(qn("w:pPr"))
        if p_pr is None:
            p_pr = etree.Element(qn("w:pPr"))
            paragraph.insert(0, p_pr)
        style = etree.Element(qn("w:pStyle"))
        style.set(qn("w:val"), kind.text_style)
        place(p_pr, style)
        note.append(paragraph)
    mark = parse_xml(
        f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="{kind.reference_style}"/></w:rPr><w:{kind.marker}/></w:r>'
    )
    space = parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> </w:t></w:r>')
    paragraphs[0].find(qn("w:pPr")).addnext(mark)
    mark.addnext(space)
    return note_id


def reference_run(kind: NoteKind, note_id: int):
    """The run that stands in the text where the note is called."""
    return parse_xml(
        f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="{kind.reference_style}"/></w:rPr>'
        f'<w:{kind.reference} w:id="{note_id}"/></w:r>'
    )


# ---------------------------------------------------------------- notes as the body writer calls them


def call_note(w: BodyWriter, target, number: int) -> None:
    """Call note `number` here: a real footnote, or for endnotes the number linked to the Notes list.

    Endnotes are a list under a "Notes" heading before the bibliography, as in the PDF: Word
    would print real endnotes after the disclaimer, and LibreOffice on a page of their own.
    """
    if w.doc.notes_mode != "footnotes":
        hyperlink = OxmlElement("w:hyperlink", {qn("w:anchor"): bookmark_name(f"fn-{number}")})
        w.internal_links.append(hyperlink)
        for kind, digits in note_number(w.doc.notes[number - 1], number):
            call = run_element(digits, Format(color=w.style.theme["colors"]["accent"]))  # a link, as in the PDF
            place(call.get_or_add_rPr(), OxmlElement("w:rStyle", {qn("w:val"): ENDNOTES.reference_style}))
            hyperlink.append(call)
            if kind:
                w.revisions.runs(hyperlink, len(hyperlink) - 1, kind)
        target.append(hyperlink)
        return
    paragraphs = []
    w.link_part = notes_part(w.main, FOOTNOTES)
    try:
        for index, (marker, inlines) in enumerate(note_paragraphs(w.doc.notes[number - 1].blocks)):
            p = OxmlElement("w:p")
            direction(p, plain_text(inlines))
            if index:  # a later paragraph starts indented, as the PDF's .fn-para, not like a wrapped line
                indent = round(float(w.style.theme["sizes"]["note"]) * NOTE_PARAGRAPH_INDENT * 20)
                place(p.get_or_add_pPr(), OxmlElement("w:ind", {qn("w:firstLine"): str(indent)}))
            if marker:
                w.run(p, f"{marker}\u00a0", PLAIN)
            w.inlines(p, inlines)
            paragraphs.append(p)
    finally:
        w.link_part = None
    if w.doc.notes[number - 1].change:  # a note whose call a redline inserted or deleted
        for p in paragraphs:
            w.revisions.runs(p, 0, w.doc.notes[number - 1].change)
    note_id = add_note(w.main, FOOTNOTES, paragraphs or [OxmlElement("w:p")])
    target.append(reference_run(FOOTNOTES, note_id))


def endnotes(w: BodyWriter) -> None:
    """The "Notes" section of an endnotes audience: each note numbered, bookmarked for its calls."""
    if w.doc.notes_mode != "endnotes" or not w.doc.notes:
        return
    w.bookmark(w.paragraph("Heading1", "Notes"), "notes")
    for note in w.doc.notes:
        for index, (marker, inlines) in enumerate(note_paragraphs(note.blocks) or [("", ())]):
            p = w.paragraph(ENDNOTES.text_style)
            direction(p._p, plain_text(inlines))
            if index == 0:
                for kind, digits in note_number(note, note.number):
                    start = len(p._p)
                    w.run(p._p, f"{digits}.", PLAIN)
                    if kind:
                        w.revisions.runs(p._p, start, kind)
                p._p.append(_tab())
                w.bookmark(p, f"fn-{note.number}")
            else:  # later paragraphs of a note start at its text, as the PDF's .fn-para
                p.paragraph_format.first_line_indent = Emu(0)
            if marker:
                w.run(p._p, f"{marker}\u00a0", PLAIN)
            w.inlines(p._p, inlines)
            if note.change:
                w.revisions.runs(p._p, 0, note.change)


def _tab():
    return parse_xml(f"<w:r {nsdecls('w')}><w:tab/></w:r>")
