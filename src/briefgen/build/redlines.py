"""`build --changes-since V`: beside each output, the same output with every change since issued V tracked.

Each audience's redline (`document/redline.py`) is drawn from what it read in V, as `briefgen
release` kept it, and what it reads now; its render tasks join the build's, so they run on the
same workers at the same time and are published with the other outputs, all or none. A redline
is made again whenever it is asked for (it has no fingerprint), is not held to the page budget,
and its layout is not kept for later builds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from briefgen.build.documents import start_document
from briefgen.document.redline import redline
from briefgen.document.stored import release_folder, released_document
from briefgen.model import AudienceProfile, Brief, Document, Workspace
from briefgen.render import RenderTask


def redline_tasks(
    ws: Workspace,
    brief: Brief,
    audiences: list[AudienceProfile],
    formats: tuple[str, ...],
    version: str,
    out_dir: Path,
    built: dict[str, Document],
    sources: dict,
    drafts: bool,
) -> list[RenderTask]:
    """Per audience, the tasks of its redline in `formats`: the PDF's layout, and the others.

    `built` holds the documents the build made already; the others are made here.
    """
    release_folder(brief, version)  # a version never released is refused before anything is rendered
    started = {a.id: start_document(ws, brief, a, drafts) for a in audiences if a.id not in built}
    tasks = []
    for audience in audiences:
        now = built.get(audience.id) or started[audience.id]()
        before = released_document(brief, version, audience.id, ws.root)
        doc = redline(before, now, version)
        common: dict[str, Any] = dict(doc=doc, root=ws.root, brief_path=brief.path, out_dir=out_dir, sources=sources)
        # The PDF is laid out in a task of its own, so the other formats are written meanwhile on
        # another core; the Word redline has no contents list (its pages are not those of the PDF).
        shapes = [(True, ("pdf",))] * ("pdf" in formats) + [(False, tuple(f for f in formats if f != "pdf"))]
        tasks += [
            RenderTask(audience.id, formats=chosen, lay_out=lay_out, changes_since=version, **common)
            for lay_out, chosen in shapes
            if chosen
        ]
    return tasks
