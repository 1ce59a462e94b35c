"""One module per output format; each takes a Document (and the house style) and returns bytes.

`run_task` renders a build's task (some formats of one audience's document) in whichever
process it is given to (the build's worker processes are `build.pool`'s); each renderer is
imported only when its format is asked for, from the module the format registry
(`runtime.formats`) names.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from briefgen.diagnostics import Diagnostic, Location, Severity, codes
from briefgen.model import Document
from briefgen.runtime.formats import format_named

if TYPE_CHECKING:
    from briefgen.content.style import HouseStyle

# ---------------------------------------------------------------- what a PDF layout tells the other formats


@dataclass
class Layout:
    """What laying the PDF out tells the other formats: its pages, the page of each heading, its diagnostics.

    Kept in the cache under the PDF's fingerprint, so Word's contents list and the page budget
    of a build without PDF come from the last layout of the same inputs.
    """

    pages: int
    heading_pages: dict[str, int]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @classmethod
    def of_pdf(cls, pdf: Any, brief_path: Path) -> Layout:
        """The layout of a `render_pdf` result; messages about the whole document point at brief.yaml."""
        here = Location(brief_path)
        found = [Diagnostic(Severity.ERROR, codes.RENDER_RESOURCE, m, here) for m in pdf.refused]
        found += [Diagnostic(Severity.WARNING, codes.RENDER_PDF, m, here) for m in pdf.warnings]
        found += [Diagnostic(Severity.ERROR, codes.RENDER_FIGURE, m, where or here) for m, where in pdf.failed]
        found += [Diagnostic(Severity.WARNING, codes.RENDER_TABLE_WIDTH, m, where or here) for m, where in pdf.located]
        return cls(pdf.pages, dict(pdf.heading_pages), found)

    @property
    def warnings(self) -> list[str]:
        """The warnings every output of this document records in the manifest."""
        return [d.message for d in self.diagnostics if d.severity == Severity.WARNING]

    @property
    def failed(self) -> bool:
        return any(d.severity == Severity.ERROR for d in self.diagnostics)

    def to_json(self, root: Path) -> dict[str, Any]:
        """The cache's form: positions relative to the workspace, so a moved workspace keeps its cache."""
        return {
            "pages": self.pages,
            "heading_pages": self.heading_pages,
            "diagnostics": [
                [d.severity.value, d.code, d.message, *_relative_location(d.location, root)] for d in self.diagnostics
            ],
        }

    @classmethod
    def from_json(cls, data: Any, root: Path) -> Layout | None:
        """A layout read back from the cache, or None when the record is not one."""
        try:
            found = [
                Diagnostic(
                    Severity(severity),
                    str(code),
                    str(message),
                    Location(root / place[0], int(place[1]), int(place[2])) if place else None,
                )
                for severity, code, message, *place in data["diagnostics"]
            ]
            headings = {str(title): int(page) for title, page in data["heading_pages"].items()}
            return cls(int(data["pages"]), headings, found)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            return None


def _relative_location(location: Location | None, root: Path) -> list[Any]:
    if location is None:
        return []
    path = location.path
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    return [shown, location.line, location.column]


# ---------------------------------------------------------------- rendering tasks


@dataclass
class RenderTask:
    """One piece of rendering for the main process or a worker; everything it needs travels with it."""

    audience: str
    doc: Document
    root: Path  # the workspace, for its house style
    brief_path: Path  # where messages about the whole document point
    formats: tuple[str, ...]  # what to write, in this order
    lay_out: bool = False  # lay the PDF out (to write it, or for Word's page numbers and the budget)
    layout: Layout | None = None  # the last layout of the same inputs, when one is cached
    out_dir: Path = Path()
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # the build's source map, for Word
    changes_since: str = ""  # a redline against this issued version (its own files, layout not kept)


@dataclass
class Rendering:
    """One format of one task, as rendered."""

    format: str
    data: bytes = field(repr=False)
    pages: int | None
    seconds: float
    text: str = field(default="", repr=False)  # a PDF's text as laid out, in logical order (for parity)


@dataclass
class TaskResult:
    """What a task hands back to the build: its outputs, the layout it made, the files they need."""

    audience: str
    renderings: list[Rendering]
    layout: Layout | None  # a layout made by this task
    sidecars: dict[Path, bytes]
    changes_since: str = ""


def run_task(task: RenderTask, report: Callable[[Rendering], None] | None = None) -> TaskResult:
    """Render a task's formats; `report` hears of each output as soon as it is rendered.

    Renderers are imported here, so a build asks only for the engines its formats need. A format
    the registry does not know is an error (`formats.UnknownFormatError`), never rendered as another.
    """
    from briefgen.content.style import load_style

    style = load_style(task.root)
    result = TaskResult(task.audience, [], None, {}, task.changes_since)

    def done(rendering: Rendering) -> None:
        result.renderings.append(rendering)
        if report is not None:
            report(rendering)

    if task.lay_out:
        render_pdf = renderer("pdf").render_pdf
        start = time.perf_counter()
        pdf = render_pdf(task.doc, style)
        result.layout = Layout.of_pdf(pdf, task.brief_path)
        if "pdf" in task.formats:
            done(Rendering("pdf", pdf.data, pdf.pages, time.perf_counter() - start, pdf.text))
    layout = result.layout or task.layout
    for fmt in task.formats:
        if fmt == "pdf":
            continue  # written above
        write = _writer(fmt)
        start = time.perf_counter()
        done(Rendering(fmt, write(task, style, layout, result.sidecars), None, time.perf_counter() - start))
    return result


def renderer(fmt: str) -> ModuleType:
    """The module that renders `fmt`, as the format registry names it, imported on first use."""
    return importlib.import_module(format_named(fmt).renderer_module)


def _write_docx(task: RenderTask, style: HouseStyle, layout: Layout | None, sidecars: dict[Path, bytes]) -> bytes:
    """Word, its contents list with the page numbers of the PDF layout (when there are more than four pages)."""
    headings = layout.heading_pages if layout is not None and layout.pages > 4 else None
    return renderer("docx").render_docx(task.doc, style, headings, task.sources)


def _write_html(task: RenderTask, style: HouseStyle, layout: Layout | None, sidecars: dict[Path, bytes]) -> bytes:
    return renderer("html").render_html(task.doc, style).encode("utf-8")


def _write_md(task: RenderTask, style: HouseStyle, layout: Layout | None, sidecars: dict[Path, bytes]) -> bytes:
    """Pandoc Markdown; its pictures and CSL style travel with it, as `sidecars`."""
    text, pictures = renderer("md").render_md_with_figures(task.doc)
    for name, picture in pictures.items():  # the pictures travel with the Markdown, as Pandoc reads them
        sidecars[task.out_dir / name] = picture.read_bytes()
    if task.doc.style_file and task.doc.references:  # the CSL style travels with the Markdown
        sidecars[task.out_dir / task.doc.style_file.name] = task.doc.style_file.read_bytes()
    return text.encode("utf-8")


Writer = Callable[[RenderTask, "HouseStyle", Layout | None, dict[Path, bytes]], bytes]

# What writes each format of the registry but the PDF (which is the layout, made above).
_WRITERS: dict[str, Writer] = {"docx": _write_docx, "html": _write_html, "md": _write_md}


def _writer(fmt: str) -> Writer:
    """What writes `fmt`; a format the registry does not know is an error, never written as another."""
    try:
        return _WRITERS[format_named(fmt).name]
    except KeyError:  # in the registry, but nothing here writes it: briefgen's bug, not the user's
        raise NotImplementedError(f"briefgen has no writer for the format '{fmt}'") from None
