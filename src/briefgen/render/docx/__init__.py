"""Word output: the house template filled by docxtpl, with real styles, tables, notes and bookmarks.

`theme` sets the template's named styles and language from theme.yaml, `writer` writes the body
(`tables` its tables and callout boxes, `notes` its footnotes or endnotes), and a contents list
carries its page numbers so it reads correctly on opening.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from docxtpl import DocxTemplate

from briefgen import __version__
from briefgen.model import Document
from briefgen.render.docx.figures import svg_default
from briefgen.render.docx.theme import apply_theme
from briefgen.render.docx.wml import bookmark_name, xml_safe
from briefgen.render.docx.writer import DocxWriter
from briefgen.render.docx_template import render_sandboxed
from briefgen.render.html import long_date
from briefgen.style import HouseStyle

__all__ = ["bookmark_name", "build_record", "normalize_zip", "render_docx", "xml_safe"]

PROPERTY_CHUNK = 250  # characters per text property (Word keeps at most 255)
CUSTOM_PROPS = "docProps/custom.xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


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
    sub = template.new_subdoc()
    writer = DocxWriter(main, sub.subdocx, doc, style, text_width, heading_pages)
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
    render_sandboxed(template, context, style.template("brief.docx"))
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
    return normalize_zip(out.getvalue(), stamp, build_record(doc, writer.anchors, sources))


def build_record(
    doc: Document, anchors: dict[str, tuple[str, str]], sources: dict[str, dict[str, str]] | None = None
) -> dict[str, str]:
    """The custom document properties that record what this DOCX was built from.

    `briefgen.brief`, `briefgen.audience`, `briefgen.version`, and `briefgen.map.1`, `.2`, ... holding,
    in pieces of at most 250 characters, the JSON {"anchors": {"_bgN": [block, field]}, "blocks":
    {block: [path from the workspace root, sha256 of the file as built]}}.
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
    payload = json.dumps(
        {"anchors": {name: list(target) for name, target in anchors.items()}, "blocks": blocks},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    record = {"briefgen.brief": doc.brief_id, "briefgen.audience": doc.audience.id, "briefgen.version": __version__}
    for index in range(0, len(payload), PROPERTY_CHUNK):
        record[f"briefgen.map.{index // PROPERTY_CHUNK + 1}"] = payload[index : index + PROPERTY_CHUNK]
    return record


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


def normalize_zip(data: bytes, stamp: dt.datetime, custom: dict[str, str] | None = None) -> bytes:
    """The same package with fixed entry times and modes, so equal inputs give equal bytes.

    SVG pictures are typed by a Default in `[Content_Types].xml`, as Word writes them. `custom`,
    when given, becomes the package's custom document properties (docProps/custom.xml).
    """
    when = min(max(stamp, dt.datetime(1980, 1, 1)), dt.datetime(2107, 12, 31)).timetuple()[:6]  # zip's range
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = svg_default(content)
                if custom:
                    content = _with_custom_type(content)
            if custom and info.filename == "_rels/.rels":
                content = _with_custom_relationship(content)
            if custom and info.filename == CUSTOM_PROPS:
                continue
            target.writestr(entry, content)
        if custom:
            entry = zipfile.ZipInfo(CUSTOM_PROPS, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, custom_properties_xml(custom))
    return out.getvalue()
