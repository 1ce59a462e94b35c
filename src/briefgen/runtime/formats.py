"""The output formats briefgen writes, in one table: what every other place that names a format reads.

The command line's `-f` choices, the schema of briefgen.yaml's `formats:`, the build (file names,
fingerprints, which tasks lay the PDF out), the render tasks, the progress lines and the preview
server's media types all come from `FORMATS`; a format that is not in it is an error wherever it
turns up, never taken for another. The module sits low (the schema reads it) and imports nothing
of briefgen but its errors. Renderers are named by module path and imported only where rendering
happens: importing WeasyPrint eagerly would slow every command.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.errors import UsageError


@dataclass(frozen=True)
class Format:
    """One output format and everything that differs from one format to another outside its renderer."""

    name: str  # as `-f` and briefgen.yaml's `formats:` name it
    extension: str  # what the output's file name ends with, dot included
    label: str  # as a progress line shows it
    media_type: str  # the Content-Type it is sent with
    renderer_module: str  # the module that renders it, imported lazily
    needs_layout: bool  # its bytes depend on the PDF layout (the PDF; Word's contents list shows its pages)
    engines: tuple[str, ...]  # Python distributions whose versions shape its bytes (part of its fingerprint)


# Word's contents list shows page numbers from the PDF layout, so Word depends on the layout engines too.
LAYOUT_ENGINES: tuple[str, ...] = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fonttools")
LAYOUT_ENGINES += ("pyphen", "pillow", "jinja2")  # hyphenation, pictures, the print HTML's templates
WORD_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("pdf", ".pdf", "PDF", "application/pdf", "briefgen.render.pdf", True, LAYOUT_ENGINES),
        Format(
            "docx",
            ".docx",
            "Word",
            WORD_MEDIA_TYPE,
            "briefgen.render.docx",
            True,
            (*LAYOUT_ENGINES, "python_docx", "docxtpl", "lxml"),
        ),
        Format(
            "html", ".html", "HTML", "text/html; charset=utf-8", "briefgen.render.html", False, ("jinja2", "pillow")
        ),
        Format("md", ".md", "Markdown", "text/markdown; charset=utf-8", "briefgen.render.md", False, ("pyyaml",)),
    )
}


class UnknownFormatError(UsageError):
    """A format name that is not in `FORMATS` (from the API, a manifest, a caller's typo)."""

    def __init__(self, name: str):
        super().__init__(f"'{name}' is not an output format briefgen writes; the formats are {', '.join(FORMATS)}")


def format_named(name: str) -> Format:
    """The format called `name`; UnknownFormatError if there is none (no format stands in for another)."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownFormatError(name) from None
