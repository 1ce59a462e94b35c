"""Word output: the house template filled by docxtpl, with real styles, tables, notes and bookmarks.

`theme` sets the template's named styles and language from theme.yaml, `writer` writes the body
(`tables` its tables, `callouts` its callout boxes, `notes` its footnotes), `furniture` sizes the footer as
the PDF's and adds the DRAFT watermark, and a contents list carries its page numbers so it reads
correctly on opening.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

from briefgen import __version__
from briefgen.content.style import HouseStyle
from briefgen.model import BRIEF_RECORD, Document
from briefgen.render.docx.figures import svg_default
from briefgen.render.docx.furniture import add_watermark, set_footer_widths
from briefgen.render.docx.reading import built_text, read_review
from briefgen.render.docx.template import WordBody, render_sandboxed
from briefgen.render.docx.theme import apply_theme
from briefgen.render.docx.wml import bookmark_name, xml_safe
from briefgen.render.docx.writer import DocxWriter
from briefgen.render.footer import footer_layout
from briefgen.render.masthead import byline, long_date

__all__ = ["bookmark_name", "build_record", "normalize_zip", "render_docx", "xml_safe"]

PROPERTY_CHUNK = 250  # characters per text property (Word keeps at most 255)
CUSTOM_PROPS = "docProps/custom.xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
APP_PROPS = "docProps/app.xml"
_APP_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
# docProps/app.xml children in the order Word (and python-docx's template) writes them
_APP_ORDER = (
    "Template TotalTime Pages Words Characters Application DocSecurity Lines Paragraphs ScaleCrop "
    "HeadingPairs TitlesOfParts Manager Company LinksUpToDate CharactersWithSpaces SharedDoc HyperlinkBase "
    "HLinks HyperlinksChanged DigSig AppVersion"
).split()
_LAYOUT_COUNTS = ("Pages", "Lines")  # only Word's own layout knows these; better absent than wrong
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WORD_URI = "http://schemas.microsoft.com/office/word"
COMPATIBILITY_MODE = "15"  # Word 2013 and later: anything lower opens in "[Compatibility Mode]"
# w:settings children that come after w:compat (ECMA-376 CT_Settings), for a w:compat that is missing
_AFTER_COMPAT = {
    f"{_W}{name}"
    for name in (
        "docVars rsids attachedSchema themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats "
        "doNotAutoCompressPictures forceUpgrade captions readModeInkLockDown smartTagType shapeDefaults "
        "doNotEmbedSmartTags decimalSymbol listSeparator"
    ).split()
}
_PARAGRAPH_PARTS = re.compile(r"word/(document|footnotes|endnotes|comments|header\d*|footer\d*)\.xml")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def render_docx(
    doc: Document,
    style: HouseStyle,
    heading_pages: dict[str, int] | None = None,
    sources: dict[str, dict[str, str]] | None = None,
) -> bytes:
    """The brief as .docx bytes; `heading_pages` (from the PDF) adds a paginated contents list.

    `sources` is the build's source map (block id -> path and sha256, hashed as read), recorded
    in the DOCX for `briefgen review`; without it the hashes are recorded as unknown ('-').
    """
    template = DocxTemplate(str(style.template("brief.docx")))
    main = template.get_docx()
    apply_theme(main, style, doc.language)
    section = main.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    body = WordBody(template)
    writer = DocxWriter(main, body.document, doc, style, text_width, heading_pages)
    writer.write()
    authors = ", ".join(a.name for a in doc.authors)
    meta = [long_date(doc.date)]
    if doc.version:
        meta.append(f"Version {doc.version}")
    if doc.authors:
        meta.append(byline(doc.authors, doc.organization))
    marking = doc.banner or ""
    boxes = footer_layout(doc.title, marking, style)
    set_footer_widths(main, boxes)
    if doc.draft:  # the PDF's diagonal stamp; the header keeps only the marking, as the PDF's
        add_watermark(main, "DRAFT", style)
    context = {
        "organization": xml_safe(doc.organization),
        "title": xml_safe(doc.title),
        "subtitle": xml_safe(doc.subtitle),
        "audience_label": xml_safe(doc.audience.label),
        "meta_line": xml_safe(" · ".join(meta) + (" · DRAFT" if doc.draft else "")),
        "header_line": xml_safe(marking),
        "marking": xml_safe(marking),
        "running_title": xml_safe(boxes.title),
        "disclaimer": xml_safe(doc.disclaimer),
        "body": body,
    }
    render_sandboxed(template, context, style.template("brief.docx"))
    anchor_masthead(writer, template.docx.element.body, context, doc.version)
    props = template.docx.core_properties
    props.title = xml_safe(doc.title)
    props.author = xml_safe(authors or doc.organization)
    props.subject = xml_safe(doc.audience.label)
    props.language = doc.language
    props.comments = ""
    stamp = (doc.timestamp or dt.datetime.combine(doc.date, dt.time(), dt.UTC)).replace(tzinfo=None)
    props.created = props.modified = stamp
    out = io.BytesIO()
    template.save(out)
    package = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    text = built_text(read_review(lambda name: etree.fromstring(package.read(name), _PARSER)))
    return normalize_zip(out.getvalue(), stamp, build_record(doc, writer.anchors, sources, text))


MASTHEAD_FIELDS = (("organization", "organization"), ("title", "title"), ("subtitle", "subtitle"))


def anchor_masthead(writer: DocxWriter, body, context: dict, version: str) -> None:
    """Review anchors on the template's masthead paragraphs, found by the text the template was given.

    The organisation, title and subtitle are the first paragraphs that read exactly as given; the
    meta line (date, version, authors) traces to brief.yaml's `version`; the disclaimer is the
    last paragraph that reads as the disclaimer. A house template without one of them has no anchor.
    """
    paragraphs = [p for p in body.iter(qn("w:p")) if p.getparent() is body]
    texts = [" ".join("".join(t.text or "" for t in p.iter(qn("w:t"))).split()) for p in paragraphs]
    wanted = [(key, name) for key, name in MASTHEAD_FIELDS] + ([("meta_line", "version")] if version else [])
    for key, name in wanted:
        value = " ".join(context[key].split())
        found = next((p for p, text in zip(paragraphs, texts, strict=True) if text and text == value), None)
        if found is not None:
            writer.anchor([found], BRIEF_RECORD, name)
    value = " ".join(context["disclaimer"].split())
    disclaimer = [p for p, text in zip(paragraphs, texts, strict=True) if text and text == value]
    if disclaimer:
        writer.anchor(disclaimer[-1:], BRIEF_RECORD, "disclaimer")


def build_record(
    doc: Document,
    anchors: dict[str, tuple[str, str]],
    sources: dict[str, dict[str, str]] | None = None,
    text: list[list[str]] | None = None,
) -> dict[str, str]:
    """The custom document properties that record what this DOCX was built from.

    `briefgen.brief`, `briefgen.audience`, `briefgen.version`, and `briefgen.map.1`, `.2`, ... holding,
    in pieces of at most 250 characters, the JSON {"anchors": {"_bgN": [block, field]}, "blocks":
    {block: [path from the workspace root, sha256 of the file as built]}, "cited": {note number:
    the citation it was made from}}. `text` (each paragraph's key and text, see
    `reading.built_text`) goes compressed into `briefgen.text.1`, `.2`, ...: review compares a
    returned file with it to find the edits a reviewer made without tracking.
    """
    blocks: dict[str, list[str]] = {}
    for block in doc.blocks:
        brief_folder = block.source.parent.parent  # blocks live in briefs/<brief>/blocks/
        known = (sources or {}).get(block.id)
        if known:  # the build's own reading; a renderer never opens a source file
            relative, digest = (Path(brief_folder.name) / known["path"]).as_posix(), known["sha256"]
        else:
            relative, digest = f"{brief_folder.name}/blocks/{block.source.name}", "-"
        blocks[block.id] = [f"{brief_folder.parent.name}/{relative}", digest]
    brief_file = (sources or {}).get(BRIEF_RECORD)
    if brief_file and doc.blocks:
        briefs = doc.blocks[0].source.parent.parent.parent.name
        blocks[BRIEF_RECORD] = [f"{briefs}/{doc.brief_id}/{brief_file['path']}", brief_file["sha256"]]
    cited = {str(note.number): note.citation for note in doc.notes if note.citation}
    payload = json.dumps(
        {"anchors": {name: list(target) for name, target in anchors.items()}, "blocks": blocks, "cited": cited},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    record = {"briefgen.brief": doc.brief_id, "briefgen.audience": doc.audience.id, "briefgen.version": __version__}
    record |= _chunks("briefgen.map", payload)
    if text is not None:
        packed = zlib.compress(json.dumps(text, ensure_ascii=False, separators=(",", ":")).encode(), 9)
        record |= _chunks("briefgen.text", base64.b64encode(packed).decode("ascii"))
    return record


def _chunks(name: str, value: str) -> dict[str, str]:
    """`value` as properties `name.1`, `name.2`, ... of at most PROPERTY_CHUNK characters each."""
    return {
        f"{name}.{index // PROPERTY_CHUNK + 1}": value[index : index + PROPERTY_CHUNK]
        for index in range(0, len(value), PROPERTY_CHUNK)
    }


def custom_properties_xml(properties: dict[str, str]) -> bytes:
    """docProps/custom.xml holding text properties, in the given order."""
    items = "".join(
        f'<property fmtid="{_PROPERTY_FMTID}" pid="{pid}" name={quoteattr(name)}>'
        f"<vt:lpwstr>{escape(xml_safe(value))}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties.items(), start=2)  # pid 0 and 1 are reserved
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">{items}</Properties>'
    ).encode()


def _with_custom_relationship(rels: bytes) -> bytes:
    text = rels.decode("utf-8")
    if _CUSTOM_REL in text:
        return rels
    taken = {int(n) for n in re.findall(r'Id="rId(\d+)"', text)}
    rid = next(n for n in range(1, len(taken) + 2) if n not in taken)
    rel = f'<Relationship Id="rId{rid}" Type="{_CUSTOM_REL}" Target="{CUSTOM_PROPS}"/>'
    return text.replace("</Relationships>", rel + "</Relationships>").encode("utf-8")


def _with_custom_type(types: bytes) -> bytes:
    text = types.decode("utf-8")
    if f'PartName="/{CUSTOM_PROPS}"' in text:
        return types
    override = f'<Override PartName="/{CUSTOM_PROPS}" ContentType="{_CUSTOM_TYPE}"/>'
    return text.replace("</Types>", override + "</Types>").encode("utf-8")


def _parse(content: bytes):
    return etree.fromstring(content, _PARSER)


def _serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def app_version(version: str = __version__) -> str:
    """briefgen's version in Word's AppVersion form `NN.NNNN`: 0.1.0 -> 00.0100, 1.12.3 -> 01.1203."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:3]] + [0, 0, 0]
    major, minor, patch = (min(n, 99) for n in numbers[:3])
    return f"{major:02d}.{minor:02d}{patch:02d}"


def _paragraph_text(paragraph) -> str:
    """The text a reader sees in one w:p: its runs' w:t, with tabs and breaks as white space.

    Text of paragraphs nested inside it (text boxes) is theirs, and a w:t under mc:Fallback
    repeats what its mc:Choice already says, so neither is counted here.
    """
    parts = []
    for el in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        owner = next(el.iterancestors(f"{_W}p", "{*}Fallback"), None)
        if owner is not paragraph:
            continue
        parts.append((el.text or "") if el.tag == f"{_W}t" else ("\t" if el.tag == f"{_W}tab" else "\n"))
    return "".join(parts)


def document_statistics(document_xml: bytes) -> dict[str, int]:
    """Words, Characters (no spaces), CharactersWithSpaces and Paragraphs (with text) of word/document.xml."""
    paragraphs = _parse(document_xml).iter(f"{_W}p")
    texts = [_paragraph_text(p) for p in paragraphs if next(p.iterancestors("{*}Fallback"), None) is None]
    texts = [t for t in texts if t.strip()]
    return {
        "Words": sum(len(t.split()) for t in texts),
        "Characters": sum(len(re.sub(r"\s", "", t)) for t in texts),
        "CharactersWithSpaces": sum(len(t.replace("\n", "")) for t in texts),
        "Paragraphs": len(texts),
    }


def _set_app_child(root, name: str, value: str) -> None:
    element = root.find(f"{_APP_NS}{name}")
    if element is None:
        element = etree.Element(f"{_APP_NS}{name}")
        later = set(_APP_ORDER[_APP_ORDER.index(name) + 1 :])
        successor = next((c for c in root if etree.QName(c).localname in later), None)
        if successor is None:
            root.append(element)
        else:
            successor.addprevious(element)
    element.text = value


def app_properties(app_xml: bytes, document_xml: bytes | None) -> bytes:
    """docProps/app.xml naming briefgen as the application, with the body's real counts.

    python-docx's template says "Microsoft Macintosh Word" 14 with one page and no words; Pages
    and Lines depend on Word's own layout, so they are left out rather than guessed.
    """
    root = _parse(app_xml)
    for name in _LAYOUT_COUNTS:
        for element in root.findall(f"{_APP_NS}{name}"):
            root.remove(element)
    _set_app_child(root, "Application", "briefgen")
    _set_app_child(root, "AppVersion", app_version())
    if document_xml is not None:
        for name, count in document_statistics(document_xml).items():
            _set_app_child(root, name, str(count))
    return _serialize(root)


def compatibility_settings(settings_xml: bytes) -> bytes:
    """word/settings.xml with w:compatSetting compatibilityMode 15, so Word opens it in its current mode."""
    root = _parse(settings_xml)
    compat = root.find(f"{_W}compat")
    if compat is None:
        compat = etree.Element(f"{_W}compat")
        successor = next(
            (c for c in root if isinstance(c.tag, str) and (c.tag in _AFTER_COMPAT or not c.tag.startswith(_W))),
            None,
        )
        if successor is None:
            root.append(compat)
        else:
            successor.addprevious(compat)
    setting = next((s for s in compat.findall(f"{_W}compatSetting") if s.get(f"{_W}name") == "compatibilityMode"), None)
    if setting is None:
        setting = etree.SubElement(compat, f"{_W}compatSetting")  # compatSetting is last in CT_Compat
        setting.set(f"{_W}name", "compatibilityMode")
    if setting.get(f"{_W}uri") is None:
        setting.set(f"{_W}uri", _WORD_URI)
    setting.set(f"{_W}val", COMPATIBILITY_MODE)
    return _serialize(root)


def properties_first(part_xml: bytes) -> bytes:
    """The part with each paragraph's w:pPr as its first child, as ECMA-376 orders w:p (unchanged if so)."""
    root = _parse(part_xml)
    moved = False
    for paragraph in root.iter(f"{_W}p"):
        properties = paragraph.find(f"{_W}pPr")
        if properties is not None and paragraph.index(properties) != 0:
            paragraph.insert(0, properties)
            moved = True
    return _serialize(root) if moved else part_xml


STALE_STYLES = "word/stylesWithEffects.xml"  # Word 2010's copy of styles.xml, left stale by python-docx's template


def _without_stale_styles(xml: bytes) -> bytes:
    """The content type or relationship of stylesWithEffects.xml removed with the part itself.

    Word 2013 and later neither need nor write it; a copy that disagrees with styles.xml (ours
    always would) is what Word may report as unreadable content.
    """
    return re.sub(rb"<(Override|Relationship)\b[^>]*stylesWithEffects\.xml\"[^>]*/>", b"", xml)


def normalize_zip(data: bytes, stamp: dt.datetime, custom: dict[str, str] | None = None) -> bytes:
    """The same package with fixed entry times and modes, so equal inputs give equal bytes.

    SVG pictures are typed by a Default in `[Content_Types].xml`, as Word writes them. `custom`,
    when given, becomes the package's custom document properties (docProps/custom.xml).
    docProps/app.xml names briefgen and counts the body's words; word/settings.xml asks for
    Word's current compatibility mode; every paragraph's w:pPr comes first in its w:p; Word 2010's
    stale stylesWithEffects.xml is left out.
    """
    when = min(max(stamp, dt.datetime(1980, 1, 1)), dt.datetime(2107, 12, 31)).timetuple()[:6]  # zip's range
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    document_xml = source.read("word/document.xml") if "word/document.xml" in names else None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            if info.filename == STALE_STYLES:
                continue
            content = source.read(info.filename)
            if info.filename in ("[Content_Types].xml", "word/_rels/document.xml.rels"):
                content = _without_stale_styles(content)
            if info.filename == "[Content_Types].xml":
                content = svg_default(content)
                if custom:
                    content = _with_custom_type(content)
            if custom and info.filename == "_rels/.rels":
                content = _with_custom_relationship(content)
            if custom and info.filename == CUSTOM_PROPS:
                continue
            if info.filename == APP_PROPS:
                content = app_properties(content, document_xml)
            elif info.filename == "word/settings.xml":
                content = compatibility_settings(content)
            elif _PARAGRAPH_PARTS.fullmatch(info.filename):
                content = properties_first(content)
            target.writestr(entry, content)
        if custom:
            entry = zipfile.ZipInfo(CUSTOM_PROPS, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, custom_properties_xml(custom))
    return out.getvalue()
