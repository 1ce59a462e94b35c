"""Which outputs a build must make, and how they split into render tasks, decided before any document exists.

An output whose fingerprint and file match the previous manifest is up to date and left alone;
each audience's stale formats become one `Plan`. A plan splits into at most two tasks: one that
lays the PDF out (and writes what waits for that layout), and one for the formats that need no
fresh layout, so Word is written while WeasyPrint lays out whenever a layout of the same inputs
is cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.build.fingerprints import Fingerprints, is_current
from briefgen.build.layouts import cached_layout
from briefgen.build.outputs import BuildOptions
from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.model import AudienceProfile, Brief, Document, Workspace
from briefgen.publish import read_manifest
from briefgen.render import Layout, RenderTask
from briefgen.runtime.formats import format_named

Shape = tuple[bool, tuple[str, ...]]  # (lays the PDF out, formats written): a task before its document exists


@dataclass
class Plan:
    """One audience's stale outputs, decided before any document is made."""

    audience: AudienceProfile
    formats: tuple[str, ...]
    prints: dict[str, str]  # format -> fingerprint; "pdf" always, as the key of the layout cache
    layout: Layout | None  # the cached layout of these inputs, if any

    def split(self) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
        """Whether to lay out, what is rendered after the layout in the same task, and what is rendered apart.

        The PDF is laid out when it is asked for, or when Word's page numbers (a format that
        needs the layout) or the page budget need a page count and no layout of these inputs is
        cached. Word waits for the layout only when none is cached; HTML and Markdown never wait
        (the budget is checked afterwards).
        """
        needs_pages = any(format_named(f).needs_layout for f in self.formats) or bool(self.audience.max_pages)
        lay_out = "pdf" in self.formats or (needs_pages and self.layout is None)
        waits = self.layout is None
        after_layout = tuple(f for f in self.formats if f == "pdf" or (format_named(f).needs_layout and waits))
        return lay_out, after_layout, tuple(f for f in self.formats if f not in after_layout)

    def shapes(self) -> list[Shape]:
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


def plan_outputs(
    ws: Workspace,
    brief: Brief,
    audiences: list[AudienceProfile],
    options: BuildOptions,
    fingerprints: Fingerprints,
    out_dir: Path,
    layouts: Path | None,
    diags: Diagnostics,
) -> tuple[list[Plan], list[dict]]:
    """What each audience needs rebuilt, and the manifest entries of outputs that are up to date."""
    formats = tuple(dict.fromkeys(options.formats or ws.config.formats))
    previous = {
        (e.get("audience"), e.get("format")): e
        for e in read_manifest(out_dir / "manifest.json").get("outputs", [])
        if not e.get("changes_since")  # a redline is made again whenever it is asked for
    }
    plans: list[Plan] = []
    up_to_date: list[dict] = []
    for audience in audiences:
        prints = {fmt: fingerprints.of(audience, fmt) for fmt in (*formats, "pdf")}
        current = [
            f for f in formats if not options.force and is_current(previous.get((audience.id, f)), prints[f], out_dir)
        ]
        up_to_date += [previous[(audience.id, f)] for f in current]
        for entry in (previous[(audience.id, f)] for f in current):
            _warn_again(entry, audience.location or Location(brief.path), diags)
        stale = tuple(f for f in formats if f not in current)
        if stale:
            plans.append(Plan(audience, stale, prints, cached_layout(layouts, prints["pdf"], ws.root)))
    return plans, up_to_date


def _warn_again(entry: dict, where: Location, diags: Diagnostics) -> None:
    """The warnings an up-to-date output's manifest entry records: still true of the file on disk."""
    for message in entry.get("warnings", []):
        diags.warning(codes.BUDGET_PAGES if "budget" in message else codes.RENDER_PDF, message, where)
