"""The build pipeline, read top to bottom: load, validate, select, cite, render, check budgets, write.

Everything is rendered before anything is written, so a failing build leaves the previous
outputs untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import __version__
from briefgen.cite import cite, resolve_style
from briefgen.diagnostics import Diagnostics, Location
from briefgen.errors import ContentError
from briefgen.markdown import blocks_text
from briefgen.model import Brief, Document
from briefgen.render.docx import render_docx
from briefgen.render.html import render_html
from briefgen.render.md import render_md
from briefgen.render.pdf import PdfResult, render_pdf
from briefgen.select import SelectOptions, select
from briefgen.style import HouseStyle, load_style
from briefgen.workspace import default_brief, open_workspace, pick_audiences
from briefgen.write import atomic_write, sha256, write_manifest

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


def source_map(brief: Brief) -> dict[str, dict[str, str]]:
    """Block id -> its file (relative to the brief) and content hash, so any paragraph traces back."""
    return {
        block.id: {"path": block.path.relative_to(brief.folder).as_posix(), "sha256": sha256(block.path.read_bytes())}
        for block in sorted(brief.blocks, key=lambda b: b.id)
    }


def word_count(doc: Document) -> int:
    """Words a reader reads in the body (titles and block text; notes and tables excluded)."""
    text = " ".join(
        [s.title for s in doc.sections]
        + [b.title + " " + blocks_text(b.content) for b in doc.blocks]
        + [blocks_text(doc.bottom_line)]
    )
    return len(text.split())


def _budget(doc: Document, pdf: PdfResult, brief: Brief, diags: Diagnostics) -> list[str]:
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


def render_audience(doc: Document, brief: Brief, style: HouseStyle, formats: tuple[str, ...],
                    out_dir: Path, diags: Diagnostics, sidecars: dict[Path, bytes]) -> list[Output]:
    """Every requested format for one audience's document; files they need go in `sidecars`."""
    pdf = render_pdf(doc, style)
    warnings = _budget(doc, pdf, brief, diags)
    for message in pdf.warnings:
        diags.warning("render.pdf", message, Location(brief.path))
        warnings.append(message)
    common = {
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
            data, pages = render_docx(doc, style, pdf.heading_pages if pdf.pages > 4 else None), None
        elif fmt == "md":
            data, pages = render_md(doc).encode("utf-8"), None
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


def render_all(root: Path | None, options: BuildOptions) -> Rendered:
    """Load, validate, select, cite and render every requested output, writing nothing."""
    ws, diags = open_workspace(root, options.brief)
    if diags.has_errors(options.strict):
        raise ContentError(diags, ws.root)
    brief = default_brief(ws, options.brief)
    audiences = pick_audiences(ws, brief, options.audiences, options.all_audiences)
    formats = tuple(dict.fromkeys(options.formats or ws.config.formats))
    out_dir = ((options.out_dir or ws.root / ws.config.output_dir) / brief.id).resolve()
    style = load_style(ws.root)

    outputs: list[Output] = []
    sidecars: dict[Path, bytes] = {}
    for audience in audiences:
        doc = select(brief, audience, SelectOptions(drafts=options.drafts, markings=ws.config.markings))
        doc = cite(doc, brief.references, resolve_style(doc.csl, brief.folder))
        outputs.extend(render_audience(doc, brief, style, formats, out_dir, diags, sidecars))
    if diags.has_errors(options.strict):
        raise ContentError(diags, ws.root)
    return Rendered(brief, out_dir, outputs, diags, sidecars)


def build(root: Path | None, options: BuildOptions,
          on_output: Callable[[Output], None] | None = None) -> BuildResult:
    """Build one brief for the chosen audiences and formats; raise ContentError on content problems."""
    rendered = render_all(root, options)
    for path, data in rendered.sidecars.items():
        atomic_write(path, data)
    for output in rendered.outputs:
        atomic_write(output.path, output.data)
        if on_output:
            on_output(output)
    manifest = write_manifest(
        rendered.out_dir / "manifest.json",
        rendered.brief.id,
        [o.manifest_entry(rendered.out_dir) for o in rendered.outputs],
        {"briefgen_version": __version__, "drafts": options.drafts, "sources": source_map(rendered.brief)},
    )
    return BuildResult(rendered.brief.id, rendered.out_dir, rendered.outputs, rendered.diagnostics, manifest)
