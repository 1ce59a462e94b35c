"""PDF output: the print HTML laid out by WeasyPrint, offline, reading only the house style's files.

Fonts are embedded; the PDF is tagged (PDF/UA) with title, author, subject and language set.
Resource problems WeasyPrint logs are captured and returned as warnings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from briefgen.content.fonts import pdf_font_config
from briefgen.content.richtext import walk
from briefgen.content.style import HouseStyle
from briefgen.diagnostics import Location
from briefgen.document.number import figures_of
from briefgen.document.reading import reading_order
from briefgen.model import Document, Table
from briefgen.render import pdf_tags
from briefgen.render.footer import footer_layout
from briefgen.render.html import render_html
from briefgen.render.pdf_ua import finish as finish_for_ua

LARGE_DOCUMENT_PAGES = 150  # WeasyPrint keeps a whole layout in memory: past this, warn before laying out
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "optimize_images": False}
pdf_tags.install()


class SandboxFetcher(URLFetcher):
    """Serves only local files below the allowed folders; refuses the network and everything else."""

    def __init__(self, roots: tuple[Path, ...], files: frozenset[Path] = frozenset()):
        super().__init__(allowed_protocols={"file"})
        self.roots = roots
        self.files = files  # the document's checked pictures, and nothing else of the workspace
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme != "file":
            self.refused.append(url)
            raise ValueError(f"briefgen builds offline; '{url}' is not fetched")
        path = Path(unquote(parsed.path)).resolve()
        if path not in self.files and not any(path.is_relative_to(root) for root in self.roots):
            self.refused.append(url)
            raise ValueError(f"'{path}' is outside the workspace's templates and styles")
        return super().fetch(url, headers)


@dataclass
class PdfResult:
    data: bytes
    pages: int
    heading_pages: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # resources the sandbox would not fetch: errors
    located: list[tuple[str, Location | None]] = field(default_factory=list)  # warnings about one place
    failed: list[tuple[str, Location | None]] = field(default_factory=list)  # figures it could not draw: errors
    text: str = field(default="", repr=False)  # the text as laid out, in reading order (see `layout_text`)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def layout(
    doc: Document,
    style: HouseStyle,
    toc: bool = False,
    keep_whole: tuple[int, ...] = (),
    squeeze: tuple[int, ...] = (),
    font_config=None,
):
    """Lay the document out (without writing it), capturing WeasyPrint's warnings.

    `keep_whole` lists notes whose calling paragraph must not break across pages; `squeeze`
    lists Markdown tables too wide for the page, whose words may then break anywhere.
    `font_config` holds the house fonts (`pdf_font_config`, which checks them before any layout).
    """
    font_config = font_config or pdf_font_config(style)
    extra = footer_css(doc, style)
    extra += "".join(f'p[data-notes~="{n}"] {{ break-inside: avoid; }}' for n in keep_whole)
    extra += "".join(
        f'table[data-table="{n}"] td, table[data-table="{n}"] th, table[data-table="{n}"] p '
        "{ overflow-wrap: anywhere; }"
        for n in squeeze
    )
    html = render_html(doc, style, print_mode=True, toc=toc, extra_css=extra)
    pictures = frozenset(f.picture.pdf_path.resolve() for f in figures_of(doc) if f.picture is not None)
    fetcher = SandboxFetcher(style.allowed_roots(), pictures)
    capture = _Capture()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(capture)
    try:
        base = style.template_dirs[-1].resolve().as_uri() + "/"
        rendered = HTML(string=html, base_url=base, url_fetcher=fetcher).render(font_config=font_config, **PDF_OPTIONS)
    finally:
        logger.removeHandler(capture)
    refused = [
        f"refused to fetch '{url}': builds are offline and read only the house style's templates, "
        "styles and fonts; remove the reference or copy the file into styles/"
        for url in fetcher.refused
    ]
    return rendered, [m for m in capture.messages if not any(u in m for u in fetcher.refused)], refused


def _css_string(text: str) -> str:
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def footer_css(doc: Document, style: HouseStyle) -> str:
    """The bottom margin boxes sized as `footer_layout` says: the marking on one line, the title cut to fit.

    The running title is the document's title shortened where it would reach the marking, the same
    text Word's footer shows; no box wraps.
    """
    boxes = footer_layout(doc.title, doc.banner or "", style)
    return (
        f"@page {{ @bottom-left {{ content: {_css_string(boxes.title)}; width: {boxes.left:.2f}pt; "
        "white-space: nowrap; } "
        f"@bottom-center {{ width: {boxes.centre:.2f}pt; white-space: nowrap; }} "
        f"@bottom-right {{ width: {boxes.right:.2f}pt; white-space: nowrap; }} }}"
    )


def _heading_pages(rendered) -> dict[str, int]:
    pages: dict[str, int] = {}

    def walk(nodes):
        for label, (page, _x, _y), children, _state in nodes:
            pages.setdefault(label, page + 1)
            walk(children)

    walk(rendered.make_bookmark_tree())
    return pages


WORDS_PER_PAGE = 350  # measured on the house style: body text, tables and notes together


def likely_pages(doc: Document) -> float:
    """About how many pages the document fills, from its words: a guess made before any layout."""
    from briefgen.content.richtext import blocks_text

    words = sum(len(blocks_text(b.content).split()) + len(blocks_text(b.mitigation).split()) for b in doc.blocks)
    return words / WORDS_PER_PAGE


def placed_footnotes(rendered) -> set[int] | None:
    """Numbers of the footnotes that reached a page's footnote area (None if it cannot tell)."""
    found: set[int] = set()

    def walk(box) -> None:
        element = getattr(box, "element", None)
        if element is not None and element.get("data-note"):
            found.add(int(element.get("data-note")))
        for child in getattr(box, "children", None) or []:
            walk(child)

    try:
        for page in rendered.pages:
            for area in page._page_box.children[1:]:  # footnote and note areas follow the root box
                walk(area)
    except (AttributeError, TypeError):
        return None
    return found


def layout_text(rendered) -> str:
    """The text of every page as WeasyPrint laid it out: the characters of each text box in reading order.

    This is the text in logical order, the order it was written in. Right-to-left lines are drawn
    in visual order, so text read back from the PDF's pages (pypdf, pdftotext) has the words of
    Arabic and Hebrew lines, and the brackets and Latin words among them, in another order.
    Lines and blocks are separated by a line break; pictures (SVG text too) add nothing.
    """
    from weasyprint.formatting_structure import boxes

    parts: list[str] = []

    def walk(box) -> None:
        if isinstance(box, boxes.TextBox):
            parts.append(box.text)
            return
        apart = isinstance(box, boxes.LineBox | boxes.BlockLevelBox | boxes.PageBox | boxes.MarginBox)
        if apart:
            parts.append("\n")
        for child in getattr(box, "children", None) or []:
            walk(child)
        if apart:
            parts.append("\n")

    for page in rendered.pages:
        walk(page._page_box)
    return "".join(parts)


def too_wide_tables(rendered) -> dict[int, str]:
    """Markdown tables wider than the text block: their number in the document and how they are named."""
    found: dict[int, str] = {}

    def walk(box, limit: float | None) -> None:
        element = getattr(box, "element", None)
        if element is not None and element.tag == "table" and element.get("data-table") and limit is not None:
            if box.margin_width() > limit + 0.5:
                caption = "".join(element.find("caption").itertext()) if element.find("caption") is not None else ""
                found[int(element.get("data-table"))] = caption.strip()
            return
        width = getattr(box, "width", None)
        inner = width if isinstance(width, int | float) and element is not None and element.tag != "table" else limit
        for child in getattr(box, "children", None) or []:
            walk(child, inner)

    try:
        for page in rendered.pages:
            walk(page._page_box, None)
    except (AttributeError, TypeError):
        return {}
    return found


def _open_with_outline(_document, pdf) -> None:
    """A brief long enough for a contents list opens with its bookmarks panel shown, as Word shows headings."""
    pdf.catalog["PageMode"] = "/UseOutlines"


def render_pdf(doc: Document, style: HouseStyle, toc_over_pages: int = 4) -> PdfResult:
    """The brief as PDF bytes; a contents list is added when it runs past `toc_over_pages`.

    WeasyPrint can drop a footnote whose call falls in a paragraph split across a page break
    (Kozea/WeasyPrint#1564 and related). Every footnote is checked; the paragraphs of missing
    ones are kept whole and the layout is redone, and any still missing are reported.
    """
    # A long brief gets a contents list; guess from its length to spare a layout, then verify.
    toc = likely_pages(doc) > toc_over_pages + 0.5
    font_config = pdf_font_config(style)  # before any layout: the house fonts, or a clear error
    if likely_pages(doc) > LARGE_DOCUMENT_PAGES:
        warnings = [
            f"this document runs to about {likely_pages(doc):.0f} pages, more than a brief's reader takes; laying it "
            "out holds every page in memory, about 3 MB each; split the brief or narrow this audience's sections"
        ]
    else:
        warnings = []
    settled = _settle(doc, style, toc, toc_over_pages, font_config)
    warnings = [*warnings, *settled.warnings]
    if settled.missing:
        warnings = [
            *warnings,
            f"footnotes {', '.join(map(str, settled.missing))} could not be placed in the PDF; "
            "shorten the paragraph that cites them or use endnotes for this audience",
        ]
    located = _wide_tables(doc, settled.squeeze)
    failed = _failed_figures(doc, warnings)
    rendered = settled.rendered
    data = finish_for_ua(rendered.write_pdf(finisher=_open_with_outline if settled.toc else None, **PDF_OPTIONS))
    return PdfResult(
        data,
        len(rendered.pages),
        _heading_pages(rendered),
        warnings,
        settled.refused,
        located,
        failed,
        layout_text(rendered),
    )


@dataclass
class _Settled:
    """The last layout `_settle` made, and what it settled: the contents list, squeezed tables, lost footnotes."""

    rendered: Any
    warnings: list[str]
    refused: list[str]
    toc: bool
    squeeze: dict[int, str]
    missing: list[int]


def _settle(doc: Document, style: HouseStyle, toc: bool, toc_over_pages: int, font_config) -> _Settled:
    """Lay out again until the contents list, too wide tables and footnotes settle (at most seven layouts).

    The guessed contents list is corrected once; each too wide table is squeezed; the paragraphs
    calling a footnote WeasyPrint lost are kept whole.
    """
    keep_whole: tuple[int, ...] = ()
    expected = {n.number for n in doc.notes} if doc.notes_mode == "footnotes" else set()
    toc_settled = False
    missing: list[int] = []
    squeeze: dict[int, str] = {}
    for _attempt in range(7):
        rendered, layout_warnings, refused = layout(doc, style, toc, keep_whole, tuple(squeeze), font_config)
        if not toc_settled and toc != (len(rendered.pages) > toc_over_pages):
            toc, toc_settled = not toc, True
            continue
        wide = {n: c for n, c in too_wide_tables(rendered).items() if n not in squeeze}
        if wide:
            squeeze.update(wide)
            continue
        placed = placed_footnotes(rendered)
        missing = sorted(expected - placed) if placed is not None else []
        if not missing:
            break
        keep_whole = tuple(sorted(set(keep_whole) | set(missing)))
    return _Settled(rendered, layout_warnings, refused, toc, squeeze, missing)


def _wide_tables(doc: Document, squeeze: dict[int, str]) -> list[tuple[str, Location | None]]:
    """A warning at each table squeezed to fit the page, whose words are broken anywhere."""
    tables = [n for _id, blocks in reading_order(doc) for n in walk(blocks, into_notes=False) if isinstance(n, Table)]
    located = []
    for number, caption in sorted(squeeze.items()):
        name = f"the table '{caption[:60]}'" if caption else "this table"
        message = (
            f"{name} is wider than the page, so words in its cells are broken to fit; "
            "use fewer or narrower columns, shorter cell text, or split the table"
        )
        located.append((message, tables[number - 1].location if number <= len(tables) else None))
    return located


def _failed_figures(doc: Document, warnings: list[str]) -> list[tuple[str, Location | None]]:
    """WeasyPrint's warnings about pictures it could not draw, taken out of `warnings` as errors at their figures.

    Such a picture would be missing from the PDF only.
    """
    failed = []
    for figure in figures_of(doc):
        uri = figure.picture.pdf_path.as_uri() if figure.picture else ""
        for message in [m for m in warnings if uri and uri in m and "image" in m.lower()]:
            warnings.remove(message)
            failed.append(
                (
                    f"the PDF cannot show the figure '{figure.src}' ({message.split(': ', 1)[-1][:160]}); "
                    "export the picture again",
                    figure.location,
                )
            )
    return failed
