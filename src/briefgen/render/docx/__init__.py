"""Word output: the house template filled by docxtpl, with real styles, tables, notes and bookmarks.

`theme` sets the template's named styles and language from theme.yaml, `writer` writes the body
(`tables` its tables and callout boxes, `notes` its footnotes or endnotes), and a contents list
carries its page numbers so it reads correctly on opening.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docxtpl import DocxTemplate

from briefgen.model import Document
from briefgen.render.docx.figures import svg_default
from briefgen.render.docx.theme import apply_theme
from briefgen.render.docx.wml import bookmark_name, xml_safe
from briefgen.render.docx.writer import DocxWriter
from briefgen.render.docx_template import render_sandboxed
from briefgen.render.html import long_date
from briefgen.style import HouseStyle

__all__ = ["bookmark_name", "normalize_zip", "render_docx", "xml_safe"]


def render_docx(doc: Document, style: HouseStyle, heading_pages: dict[str, int] | None = None) -> bytes:
    """The brief as .docx bytes; `heading_pages` (from the PDF) adds a paginated contents list."""
    template = DocxTemplate(str(style.template("brief.docx")))
    main = template.get_docx()
    apply_theme(main, style, doc.language)
    section = main.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    sub = template.new_subdoc()
    DocxWriter(main, sub.subdocx, doc, style, text_width, heading_pages).write()
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
    return normalize_zip(out.getvalue(), stamp)


def normalize_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """The same package with fixed entry times and modes, so equal inputs give equal bytes.

    SVG pictures are typed by a Default in `[Content_Types].xml`, as Word writes them.
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
            target.writestr(entry, content)
    return out.getvalue()
