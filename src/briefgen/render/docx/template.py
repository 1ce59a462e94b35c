"""The Word template: regenerating templates/brief.docx, and filling one in Jinja's sandbox.

The template holds the masthead, headers and footers (marking, running title, "Page X of Y")
and the place the body goes, with the named styles Word users expect. Fonts, sizes, colours
and spacing are applied from theme.yaml at build time, so the tokens stay the one source.
Run: python -m briefgen.render.docx.template [OUT.docx]

docxtpl fills a template's text with Jinja. A workspace's `templates/brief.docx` is less
trusted than the built-in one, so `render_sandboxed` fills every template in a sandbox that
shows the context's values and nothing else (no Python objects, no files, no includes), and
reports a workspace template's problem as a content error at the Word file.
"""

from __future__ import annotations

import re
import sys
import traceback
from pathlib import Path
from typing import Any

import jinja2
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Mm, Pt
from lxml import etree

from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.render.sandbox import HouseSandbox, TemplateError, TemplateRefused, template_problem
from briefgen.runtime.resources import DEFAULTS

# (name, type, based on): styles briefgen adds to Word's built-in ones.
CUSTOM_STYLES = [
    ("Organization", WD_STYLE_TYPE.PARAGRAPH, "Normal"),
    ("Prepared For", WD_STYLE_TYPE.PARAGRAPH, "Normal"),
    ("Brief Meta", WD_STYLE_TYPE.PARAGRAPH, "Normal"),
    ("Marking", WD_STYLE_TYPE.PARAGRAPH, "Header"),
    ("Bottom Line", WD_STYLE_TYPE.PARAGRAPH, "Body Text"),
    ("Recommendation Action", WD_STYLE_TYPE.PARAGRAPH, "Body Text"),
    ("Recommendation Meta", WD_STYLE_TYPE.PARAGRAPH, "Body Text"),
    ("Decision Line", WD_STYLE_TYPE.PARAGRAPH, "Body Text"),
    ("Table Text", WD_STYLE_TYPE.PARAGRAPH, "Normal"),
    ("Table Heading", WD_STYLE_TYPE.PARAGRAPH, "Table Text"),
    ("Bibliography", WD_STYLE_TYPE.PARAGRAPH, "Normal"),
    ("Disclaimer", WD_STYLE_TYPE.PARAGRAPH, "Normal"),
    ("footnote text", WD_STYLE_TYPE.PARAGRAPH, "Normal"),
    ("endnote text", WD_STYLE_TYPE.PARAGRAPH, "Normal"),
    ("toc 1", WD_STYLE_TYPE.PARAGRAPH, "Normal"),
    ("footnote reference", WD_STYLE_TYPE.CHARACTER, None),
    ("endnote reference", WD_STYLE_TYPE.CHARACTER, None),
    ("Hyperlink", WD_STYLE_TYPE.CHARACTER, None),
]

# Word's own ids for its built-in note and contents styles (lower-case names, CamelCase ids).
STYLE_IDS = {
    "footnote text": "FootnoteText",
    "endnote text": "EndnoteText",
    "toc 1": "TOC1",
    "footnote reference": "FootnoteReference",
    "endnote reference": "EndnoteReference",
}


def _field(paragraph, instruction: str, cached: str) -> None:
    """A Word field (PAGE, NUMPAGES) with a cached value; Word and LibreOffice update it on display."""
    # Imported here: briefgen.render.docx renders with this module's sandbox, so it imports this one.
    from briefgen.render.docx.wml import field_end, field_start

    field_start(paragraph._p, instruction)
    paragraph.add_run(cached)
    field_end(paragraph._p)


def _footer_line(footer, styles) -> None:
    """The footer as the PDF's: one line of three cells, running title, marking, "Page X of Y".

    A borderless fixed-layout table whose cells never wrap; the build sets the column widths
    (`render.footer`), so the marking keeps its whole width and the title is cut to its cell.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from briefgen.render.docx.wml import place, table_borders

    table = footer.add_table(1, 3, Mm(170))
    table.autofit = False  # a fixed layout: the widths set at build time hold, whatever the text
    tbl_pr = table._tbl.tblPr
    table_borders(tbl_pr, dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV")))
    margins = "".join(f'<w:{side} w:w="0" w:type="dxa"/>' for side in ("top", "left", "bottom", "right"))
    place(tbl_pr, parse_xml(f"<w:tblCellMar {nsdecls('w')}>{margins}</w:tblCellMar>"))
    title, marking, page = table.rows[0].cells
    for cell in (title, marking, page):
        place(cell._tc.get_or_add_tcPr(), parse_xml(f"<w:noWrap {nsdecls('w')}/>"))
    title.paragraphs[0].style = styles["Footer"]
    title.paragraphs[0].add_run("{{ running_title }}")
    marking.paragraphs[0].style = styles["Marking"]
    marking.paragraphs[0].add_run("{{ marking }}")
    line = page.paragraphs[0]
    line.style = styles["Footer"]
    line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    line.add_run("Page ")
    _field(line, "PAGE", "1")
    line.add_run(" of ")
    _field(line, "NUMPAGES", "1")
    # The paragraph a footer ends with, after the table: one point high, so it adds no line.
    end = footer.paragraphs[-1]._p
    end.getparent().remove(end)
    end = footer.add_paragraph(style=styles["Footer"])
    end.paragraph_format.line_spacing = Pt(1)
    end.paragraph_format.space_after = Pt(0)


def build_template(out: Path) -> Path:
    """Write the structural Word template to `out`."""
    doc = Document()
    styles = doc.styles
    for name, kind, based_on in CUSTOM_STYLES:
        if name in [s.name for s in styles]:
            continue
        style = styles.add_style(name, kind)
        if name in STYLE_IDS:
            style.element.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}styleId", STYLE_IDS[name])
        if based_on:
            style.base_style = styles[based_on]
        style.hidden = False
        style.quick_style = kind == WD_STYLE_TYPE.PARAGRAPH and name not in STYLE_IDS

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.header_distance = section.footer_distance = Mm(9)

    header = section.header.paragraphs[0]
    header.style = styles["Marking"]
    header.add_run("{{ header_line }}")

    _footer_line(section.footer, styles)

    body = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    body.style = styles["Organization"]
    body.add_run("{{ organization }}")
    doc.add_paragraph("{{ title }}", style=styles["Title"])
    doc.add_paragraph("{{ subtitle }}", style=styles["Subtitle"])
    prepared = doc.add_paragraph("Prepared for: ", style=styles["Prepared For"])
    prepared.add_run("{{ audience_label }}").bold = True
    doc.add_paragraph("{{ meta_line }}", style=styles["Brief Meta"])
    doc.add_paragraph("{{p body }}")
    doc.add_paragraph("{{ disclaimer }}", style=styles["Disclaimer"])

    props = doc.core_properties
    props.title = "briefgen house template"
    props.author = "briefgen"
    props.comments = "Structure only: looks come from styles/theme.yaml at build time."
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


class _NoIncludes(jinja2.BaseLoader):
    """A Word template is one file: it includes, imports and extends nothing."""

    def get_source(self, environment: jinja2.Environment, template: str):
        raise TemplateRefused(
            template, f"the Word template cannot include '{template}'; put the text in the Word template itself"
        )


class DocxSandbox(HouseSandbox):
    """The sandbox for Word templates: their context is text and the body, so no object opens at all."""

    safe_modules = frozenset({"builtins", "markupsafe"})


def docx_jinja_env() -> jinja2.Environment:
    """A new sandboxed environment for one docxtpl render (docxtpl sets its autoescape as it renders)."""
    return DocxSandbox(loader=_NoIncludes(), autoescape=True)  # an unknown name prints nothing, as in docxtpl


class WordBody:
    """The brief's body as a python-docx document, pasted in where the Word template says `{{p body}}`.

    What docxtpl's `new_subdoc()` gives when no file is composed in: a new document that shares the
    template's part, so its pictures, links and notes belong to the file they end up in. Made here
    because docxtpl's subdocuments import docxcompose, and docxcompose Babel (34 MB of locale data),
    for composing code this never runs; Word output is the same, byte for byte.
    """

    def __init__(self, template: Any):
        template.init_docx()
        self.document = Document()
        self.document._part = template.get_docx()._part

    def __html__(self) -> str:
        """The body's paragraphs and tables as WordprocessingML, without the `<w:body>` around them."""
        body = self.document.element.body
        if body.sectPr is not None:
            body.remove(body.sectPr)
        return re.sub(r"</?w:body[^>]*>", "", etree.tostring(body, encoding="unicode", pretty_print=False))

    __str__ = __html__


def docx_sources(path: Path) -> list[str]:
    """The Jinja text of a Word template, part by part, as docxtpl renders it (body, headers, footers)."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(path))
    template.init_docx()
    sources = [template.patch_xml(template.get_xml())]
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        sources += [template.patch_xml(template.get_part_xml(part)) for _rel, part in template.get_headers_footers(uri)]
    props = template.docx.core_properties
    sources += [text for text in (props.title, props.author, props.subject, props.comments) if text]
    return sources


def render_sandboxed(template: Any, context: dict[str, Any], source: Path) -> None:
    """Fill the docxtpl `template` (read from `source`) with `context` in the sandbox, autoescaped.

    A workspace template's problem (syntax, a refused name, an unknown include) is a TemplateError
    at the Word file; a failure of the built-in template is briefgen's own and is raised as it is.
    """
    try:
        template.render(context, jinja_env=docx_jinja_env(), autoescape=True)
    except Exception as exc:
        if source.resolve().is_relative_to(DEFAULTS.resolve()) or not (
            isinstance(exc, jinja2.TemplateError)
            or any(f.filename == "<template>" for f in traceback.extract_tb(exc.__traceback__))
        ):
            raise
        raise word_template_error(exc, source) from None


def word_template_error(exc: Exception, source: Path, text: str = "") -> TemplateError:
    """A Word template's problem as a diagnostic at the file, with the text around it (`text`, or docxtpl's)."""
    lines = text.splitlines() if text else list(getattr(exc, "docx_context", ()))
    near = " ".join(" ".join(re.sub(r"<[^>]+>", "", line).split()) for line in lines).strip()
    if isinstance(exc, jinja2.TemplateSyntaxError):
        message = (
            f"template syntax error in the Word template: {(exc.message or '').rstrip('.')}"
            + (f" (near '{near[:120]}')" if near else "")
            + "; check its {% %} and {{ }} tags (every {% if %} needs an {% endif %}, every {% for %} an "
            "{% endfor %}), or delete the file to use the built-in one"
        )
        code = codes.TEMPLATE_SYNTAX
    else:
        code, message = template_problem(exc, "templates/")
    diags = Diagnostics()
    diags.error(code, message, Location(source))
    return TemplateError(diags, source.parent.parent)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULTS / "templates" / "brief.docx"
    print(build_template(target))  # noqa: T201
