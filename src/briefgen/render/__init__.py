"""One module per output format; each takes a Document (and the house style) and returns bytes.

`run_task` renders a build's task (some formats of one audience's document) in whichever
process it is given to; each renderer is imported only when its format is asked for.
"""

from __future__ import annotations

import importlib
import logging
import os
import selectors
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.diagnostics import Diagnostic, Location, Severity
from briefgen.model import Document, Figure

RENDERERS = {
    "pdf": "briefgen.render.pdf",
    "docx": "briefgen.render.docx",
    "html": "briefgen.render.html",
    "md": "briefgen.render.md",
}

MAX_FIGURE_HEIGHT = 0.8  # of the text block's height: room for the caption on the same page
CSS_PX_IN_PT = 0.75


def figure_fraction(figure: Figure, text_width: float, text_height: float) -> float:
    """The share of the text width a figure is printed at, the same in every format.

    `width=` when given; otherwise a chart keeps its own size (so its text is the size of the
    house style's small text) and any other picture fills the text width. Never wider than the
    text, and never taller than MAX_FIGURE_HEIGHT of the text block, so caption and picture
    always fit on one page. Widths and heights are in points.
    """
    picture = figure.picture
    if picture is None or picture.width <= 0 or picture.height <= 0:
        return figure.width or 1.0
    if figure.width is not None:
        fraction = figure.width
    elif picture.chart:
        fraction = picture.width * CSS_PX_IN_PT / text_width
    else:
        fraction = 1.0
    fraction = min(fraction, 1.0)
    height = fraction * text_width * picture.height / picture.width
    tallest = MAX_FIGURE_HEIGHT * text_height
    if height > tallest:
        fraction *= tallest / height
    return fraction


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
        found = [Diagnostic(Severity.ERROR, "render.resource", m, here) for m in pdf.refused]
        found += [Diagnostic(Severity.WARNING, "render.pdf", m, here) for m in pdf.warnings]
        found += [Diagnostic(Severity.ERROR, "render.figure", m, where or here) for m, where in pdf.failed]
        found += [Diagnostic(Severity.WARNING, "render.table-width", m, where or here) for m, where in pdf.located]
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


def run_task(task: RenderTask, report: Callable[[Rendering], None] | None = None) -> TaskResult:
    """Render a task's formats; `report` hears of each output as soon as it is rendered.

    Renderers are imported here, so a build asks only for the engines its formats need.
    """
    from briefgen.content.style import load_style

    style = load_style(task.root)
    renderings: list[Rendering] = []
    sidecars: dict[Path, bytes] = {}
    made: Layout | None = None

    def done(rendering: Rendering) -> None:
        renderings.append(rendering)
        if report is not None:
            report(rendering)

    if task.lay_out:
        from briefgen.render.pdf import render_pdf

        start = time.perf_counter()
        pdf = render_pdf(task.doc, style)
        made = Layout.of_pdf(pdf, task.brief_path)
        if "pdf" in task.formats:
            done(Rendering("pdf", pdf.data, pdf.pages, time.perf_counter() - start, pdf.text))
    layout = made or task.layout
    for fmt in task.formats:
        if fmt == "pdf":
            continue  # written above
        start = time.perf_counter()
        if fmt == "docx":
            from briefgen.render.docx import render_docx

            headings = layout.heading_pages if layout is not None and layout.pages > 4 else None
            data = render_docx(task.doc, style, headings, task.sources)
        elif fmt == "md":
            from briefgen.render.md import render_md_with_figures

            text, pictures = render_md_with_figures(task.doc)
            data = text.encode("utf-8")
            for name, picture in pictures.items():  # the pictures travel with the Markdown, as Pandoc reads them
                sidecars[task.out_dir / name] = picture.read_bytes()
            if task.doc.style_file and task.doc.references:  # the CSL style travels with the Markdown
                sidecars[task.out_dir / task.doc.style_file.name] = task.doc.style_file.read_bytes()
        else:
            from briefgen.render.html import render_html

            data = render_html(task.doc, style).encode("utf-8")
        done(Rendering(fmt, data, None, time.perf_counter() - start))
    return TaskResult(task.audience, renderings, made, sidecars)


# ---------------------------------------------------------------- worker processes


def start_worker(main: int, level: int, renderers: tuple[str, ...]) -> None:
    """A worker's start: log as the build does, watch its main process, import its renderers (if not yet).

    Workers import this package, not the build: they get documents, not workspaces to load.
    """
    logging.getLogger().setLevel(level)  # as the build's own: library chatter (fontTools) stays as quiet
    _watch_main_process(main)
    for name in renderers:
        importlib.import_module(name)


def _watch_main_process(main: int) -> None:
    """End this worker, and what it started, as soon as the build's main process is gone.

    A build killed outright (kill -9, an out-of-memory kill) cannot stop its workers itself, and
    their parent is the pool's fork server, not the build. Without this they would render on and
    keep the build's output open, so `briefgen build | cat` or a CI step would never finish.
    """
    try:
        handle: int | None = os.pidfd_open(main)  # readable once the process has ended (Linux)
    except ProcessLookupError:
        os._exit(1)  # gone already
    except (AttributeError, OSError):
        handle = None

    def watch() -> None:
        if handle is not None:
            with selectors.DefaultSelector() as selector:
                selector.register(handle, selectors.EVENT_READ)
                while not selector.select():
                    pass
        else:
            while _alive(main):
                time.sleep(0.2)
        _end_children()
        os._exit(1)

    threading.Thread(target=watch, name="briefgen-watch-build", daemon=True).start()


def _alive(pid: int) -> bool:
    if os.name != "posix":  # Windows has no signal 0; spawned workers there end with their pipes
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass
    return True


def _end_children() -> None:
    """Kill the processes this worker started (Pandoc, say), found in /proc where there is one."""
    me = os.getpid()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == me:
                os.kill(int(stat.parent.name), signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            continue
