"""The build pipeline, read top to bottom: load, validate, select, cite, render, check budgets, write.

Everything is rendered before anything is written, and the inputs are hashed once, right after
loading, so a failing build (or a file deleted meanwhile) leaves the previous outputs untouched.
Writing is one step of `write.publish`: every output and the manifest, or none of them.
Worker processes end with the build, even when it is killed outright.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import selectors
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from briefgen import __version__
from briefgen.checks.fonts import fingerprint as font_fingerprint
from briefgen.content.figures import figure_blocks, figure_inputs
from briefgen.content.richtext import blocks_text
from briefgen.diagnostics import Diagnostics, Location
from briefgen.document.cite import cite, resolve_style
from briefgen.document.number import figures_of, labels_for, number_document
from briefgen.document.select import SelectOptions, select
from briefgen.errors import BriefgenError, ContentError, UsageError
from briefgen.model import AudienceProfile, Brief, Document, Workspace
from briefgen.style import HouseStyle, load_style
from briefgen.workspace import default_brief, open_workspace, pick_audiences
from briefgen.write import publish, read_manifest, sha256

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


def _budget(doc: Document, pdf, brief: Brief, diags: Diagnostics) -> list[str]:
    limit = doc.audience.max_pages
    if not limit or pdf.pages <= limit:
        return []
    longest = sorted(doc.blocks, key=lambda b: len(blocks_text(b.content).split()), reverse=True)[:3]
    names = ", ".join(f"{b.id} ({len(blocks_text(b.content).split())} words)" for b in longest)
    message = (
        f"the {doc.audience.id} brief runs to {pdf.pages} pages, over its budget of {limit}; "
        f"shorten the longest blocks ({names}) or raise max_pages"
    )
    diags.warning("budget.pages", message, doc.audience.location or Location(brief.path))
    return [message]


def render_audience(
    doc: Document,
    brief: Brief,
    style: HouseStyle,
    formats: tuple[str, ...],
    out_dir: Path,
    diags: Diagnostics,
    sidecars: dict[Path, bytes],
    sources: dict[str, dict[str, str]] | None = None,
) -> list[Output]:
    """Every requested format for one audience's document; files they need go in `sidecars`.

    `sources` (the build's source map) goes into the Word file's build record for `briefgen review`.
    """
    # Renderers load WeasyPrint and python-docx; import them only when something is rendered.
    from briefgen.render.docx import render_docx
    from briefgen.render.html import render_html
    from briefgen.render.md import render_md_with_figures
    from briefgen.render.pdf import render_pdf

    pdf = render_pdf(doc, style)
    warnings = _budget(doc, pdf, brief, diags)
    for message in pdf.refused:
        diags.error("render.resource", message, Location(brief.path))
    for message in pdf.warnings:
        diags.warning("render.pdf", message, Location(brief.path))
        warnings.append(message)
    for message, where in pdf.failed:
        diags.error("render.figure", message, where or Location(brief.path))
    for message, where in pdf.located:
        diags.warning("render.table-width", message, where or Location(brief.path))
        warnings.append(message)
    common: dict[str, Any] = {
        "audience": doc.audience.id,
        "words": word_count(doc),
        "blocks": [b.id for b in doc.blocks],
        "warnings": warnings,
        "draft": doc.draft,
    }
    stem = f"{brief.id}-{doc.audience.id}"
    outputs = []
    for fmt in formats:
        if fmt == "pdf":
            data, pages = pdf.data, pdf.pages
        elif fmt == "docx":
            pages_of_headings = pdf.heading_pages if pdf.pages > 4 else None
            data, pages = render_docx(doc, style, pages_of_headings, sources or source_map(brief)), None
        elif fmt == "md":
            text, pictures = render_md_with_figures(doc)
            data, pages = text.encode("utf-8"), None
            for name, picture in pictures.items():  # the pictures travel with the Markdown, as Pandoc reads them
                sidecars[out_dir / name] = picture.read_bytes()
            if doc.style_file and doc.references:  # the CSL style travels with the Markdown
                sidecars[out_dir / doc.style_file.name] = doc.style_file.read_bytes()
        else:
            data, pages = render_html(doc, style).encode("utf-8"), None
        outputs.append(Output(format=fmt, path=out_dir / f"{stem}.{fmt}", data=data, pages=pages, **common))
    return outputs


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


class Fingerprints:
    """Hashes of every input of an output, so an unchanged output is neither rebuilt nor touched."""

    def __init__(self, ws, brief: Brief, style: HouseStyle, drafts: bool):
        self.digests: dict[Path, str] = {}
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
            f"{digest} {__version__} drafts={drafts} markings={markings} "
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
        shown = self.shown(audience)
        return sha256(f"{self.common} {audience.id} {fmt} {shown}".encode())

    def shown(self, audience: AudienceProfile) -> str:
        """The files of the figures this audience's document shows, with their hashes."""
        if not self.figure_files:
            return ""
        doc = select(self.brief, audience, SelectOptions(drafts=self.drafts, markings=self.ws.config.markings))
        pictures = [f.picture for f in figures_of(doc) if f.picture is not None]
        files = sorted({p for picture in pictures for p in picture.inputs})
        shown = sorted(picture.digest for picture in pictures)  # a chart drawn anew (new converter) rebuilds too
        return " ".join([*(f"{p.as_posix()}={self._file(p)}" for p in files), *shown])


def style_files(brief: Brief, ws) -> list[Path]:
    """The .csl files the brief and its audiences name (shipped styles change only with briefgen)."""
    from briefgen.checks.validate import audiences_for

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


def _render_job(
    root: Path,
    options: BuildOptions,
    audience: str,
    formats: tuple[str, ...],
    fingerprints: dict[str, str],
    sources: dict[str, dict[str, str]],
    ws=None,
) -> tuple[list[Output], list, dict[Path, bytes]]:
    """Render one audience's formats; runs in the main process (reusing `ws`) or in a worker.

    `sources` is the main process's source map: every output records the hashes read once, up front.
    """
    if ws is None:
        ws, _ = open_workspace(root, options.brief)
    brief = default_brief(ws, options.brief)
    profile = pick_audiences(ws, brief, (audience,), False)[0]
    out_dir = _out_dir(ws, brief, options)
    warm = threading.Thread(target=_warm_worker, daemon=True)
    warm.start()  # import the renderers while Pandoc formats the citations
    doc = document_for(ws, brief, profile, options.drafts)
    warm.join()
    diags = Diagnostics()
    sidecars: dict[Path, bytes] = {}
    outputs = render_audience(doc, brief, load_style(ws.root), formats, out_dir, diags, sidecars, sources)
    for output in outputs:
        output.inputs = fingerprints[output.format]
    return outputs, diags.items, sidecars


def document_for(ws: Workspace, brief: Brief, audience: AudienceProfile, drafts: bool = False) -> Document:
    """The document one audience receives: selected, numbered, cross-referenced, dated and cited.

    This is what every renderer gets. Cross-reference problems were reported by `check`
    (validation runs the same numbering for every audience), so they are not repeated here.
    """
    doc = select(brief, audience, SelectOptions(drafts=drafts, markings=ws.config.markings))
    doc, _problems = number_document(doc, labels_for(doc.language, load_style(ws.root).theme.get("labels")))
    doc = replace(doc, timestamp=build_timestamp(brief))
    return cite(doc, brief.references, resolve_style(doc.csl, brief.folder, ws.root))


def _warm_worker() -> None:
    """Pay the renderers' start-up once per worker process, not once per output."""
    import briefgen.render.docx  # noqa: F401
    import briefgen.render.pdf  # noqa: F401


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


def render_all(root: Path | None, options: BuildOptions) -> Rendered:
    """Load, validate, select, cite and render every output that needs it, writing nothing."""
    ws, diags = open_workspace(root, options.brief)
    if diags.has_errors(options.strict):
        raise ContentError(diags, ws.root)
    brief = default_brief(ws, options.brief)
    options = replace(options, brief=brief.id)
    audiences = pick_audiences(ws, brief, options.audiences, options.all_audiences)
    formats = tuple(dict.fromkeys(options.formats or ws.config.formats))
    out_dir = _out_dir(ws, brief, options)
    _check_out_dir(ws, brief, options, out_dir)
    fingerprints = Fingerprints(ws, brief, load_style(ws.root), options.drafts)
    # Hashed now, from what is read now: a file deleted during rendering is not read again.
    sources, figures = source_map(brief, fingerprints.digests), figure_map(brief, fingerprints.digests)
    previous = {
        (e.get("audience"), e.get("format")): e for e in read_manifest(out_dir / "manifest.json").get("outputs", [])
    }

    jobs: list[tuple[str, tuple[str, ...], dict[str, str], Any]] = []
    up_to_date: list[dict] = []
    for audience in audiences:
        prints = {fmt: fingerprints.of(audience, fmt) for fmt in formats}
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
            jobs.append((audience.id, stale, prints, sources))

    results = _run_jobs(ws, options, jobs)
    outputs: list[Output] = []
    sidecars: dict[Path, bytes] = {}
    for job_outputs, job_diags, job_sidecars in results:
        outputs += job_outputs
        diags.items.extend(job_diags)
        sidecars.update(job_sidecars)
    if diags.has_errors(options.strict):
        raise ContentError(diags, ws.root)
    every = {a.id for a in audiences} if (options.all_audiences or not options.audiences) else None
    return Rendered(brief, out_dir, outputs, diags, sidecars, up_to_date, every, sources, figures)


def _run_jobs(ws, options: BuildOptions, jobs: list[tuple[str, tuple[str, ...], dict[str, str], Any]]) -> list:
    """Render the jobs, in worker processes when there are several; no worker outlives the build."""
    workers = min(len(jobs), options.jobs or os.cpu_count() or 1)
    if workers <= 1:
        return [_render_job(ws.root, options, *job, ws=ws) for job in jobs]
    root = ws.root
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),))
    try:
        futures = [pool.submit(_render_job, root, options, *job) for job in jobs]
        results = [future.result() for future in futures]
    except BaseException:  # an error, Ctrl+C or SIGTERM: the other jobs are not waited for
        processes = getattr(pool, "_processes", None) or {}
        for process in list(processes.values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _start_worker(main: int) -> None:
    """A worker's start: watch the build's main process, then import the renderers."""
    _watch_main_process(main)
    _warm_worker()


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


def build(root: Path | None, options: BuildOptions, on_output: Callable[[Output], None] | None = None) -> BuildResult:
    """Build one brief for the chosen audiences and formats; raise ContentError on content problems.

    The outputs, the files they need and the manifest are published together (see `write.publish`).
    """
    rendered = render_all(root, options)
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
    if on_output:
        for output in rendered.outputs:
            on_output(output)
    return BuildResult(
        rendered.brief.id, rendered.out_dir, rendered.outputs, rendered.diagnostics, manifest, rendered.up_to_date
    )


def build_all(
    root: Path | None, options: BuildOptions, on_output: Callable[[Output], None] | None = None
) -> list[BuildResult]:
    """Build every brief of the workspace (the scheduled export)."""
    ws, diags = open_workspace(root)
    if diags.has_errors(options.strict):
        raise ContentError(diags, ws.root)
    return [build(ws.root, replace(options, brief=name), on_output) for name in sorted(ws.briefs)]


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
