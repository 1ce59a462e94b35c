"""The build pipeline, read top to bottom: load, validate, plan, select, cite, render, check budgets, write.

Everything is rendered before anything is written, and the inputs are hashed once, right after
loading, so a failing build (or a file deleted meanwhile) leaves the previous outputs untouched.
Writing is one step of `publish.publish`: every output and the manifest, or none of them.

Each stage lives in a module of its own: what is stale and how it splits into render tasks
(`plan`), the documents (`documents`), the worker processes that render them (`pool`), the
outputs as they arrive (`collect`), the layout cache and the page budget (`layouts`), the
fingerprints that decide what is stale (`fingerprints`). This module only calls them in order.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from briefgen import __version__
from briefgen.build.collect import Collected
from briefgen.build.documents import start_document
from briefgen.build.fingerprints import Fingerprints, figure_map, input_digest, source_map
from briefgen.build.layouts import keep_layout
from briefgen.build.outputs import BuildOptions, BuildResult, Output, Progress, Rendered
from briefgen.build.plan import Plan, plan_outputs
from briefgen.build.pool import Session, renderer_modules, run_jobs, task_renderers, warm
from briefgen.build.redlines import redline_tasks
from briefgen.content.loader import cache_file
from briefgen.content.style import load_style
from briefgen.diagnostics import Diagnostics
from briefgen.document.workspace import default_brief, named_or_default, open_workspace, pick_audiences
from briefgen.errors import BriefgenError, ContentError
from briefgen.model import BRIEF_RECORD, Brief, Document, Workspace
from briefgen.publish import publish
from briefgen.render import RenderTask
from briefgen.render.overrides import check_template_overrides


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
    ws, brief, options, diags = _open(root, options)
    audiences = pick_audiences(ws, brief, options.audiences, options.all_audiences)
    out_dir = output_folder(ws, brief.id, options.out_dir)
    _check_out_dir(ws, brief, options, out_dir)
    fingerprints = Fingerprints(ws, brief, load_style(ws.root), options.drafts)
    # Hashed now, from what is read now: a file deleted during rendering is not read again.
    sources, figures = source_map(brief, fingerprints.digests), figure_map(brief, fingerprints.digests)
    layouts = cache_file(ws.root, ws.config, "layouts")
    plans, up_to_date = plan_outputs(ws, brief, audiences, options, fingerprints, out_dir, layouts, diags)
    session.planned(brief.id, sum(len(plan.formats) for plan in plans))
    slots = options.jobs or os.cpu_count() or 1
    docs = _documents(ws, brief, plans, options.drafts, session, slots)
    collected = Collected(session, f"{brief.id}-", out_dir, docs)
    # The Word build record also names brief.yaml, whose bottom line `briefgen review` traces.
    recorded = {
        **sources,
        BRIEF_RECORD: {"path": brief.path.name, "sha256": input_digest(brief.path, fingerprints.digests)},
    }
    tasks = _tasks(docs, ws, brief, out_dir, recorded)
    if options.changes_since:  # redlines render beside the clean outputs, on the same workers
        formats = tuple(dict.fromkeys(options.formats or ws.config.formats))
        built = {plan.audience.id: doc for plan, doc in docs}
        tasks += redline_tasks(
            ws, brief, audiences, formats, options.changes_since, out_dir, built, recorded, options.drafts
        )
        tasks.sort(key=lambda task: not task.lay_out)  # the layouts first: they take longest
    _render(session, tasks, slots, collected)
    outputs = collected.settle(brief, diags, layouts, ws.root)
    if diags.has_errors(options.strict):
        raise ContentError(diags, ws.root)
    every = {a.id for a in audiences} if (options.all_audiences or not options.audiences) else None
    return Rendered(
        brief, out_dir, outputs, diags, collected.sidecars(), up_to_date, every, sources, figures, collected.new_layouts
    )


def _open(root: Path | None, options: BuildOptions) -> tuple[Workspace, Brief, BuildOptions, Diagnostics]:
    """The workspace, loaded and validated (its errors stop the build), and the brief to build."""
    ws, diags = open_workspace(root, named_or_default(root, options.brief), check_templates=check_template_overrides)
    if diags.has_errors(options.strict):
        raise ContentError(diags, ws.root)
    brief = default_brief(ws, options.brief)
    return ws, brief, replace(options, brief=brief.id), diags


def output_folder(ws, brief_id: str, out: Path | None = None) -> Path:
    """Where a brief's outputs and manifest go: `out` (or briefgen.yaml's output_dir) / the brief's id."""
    return ((out or ws.root / ws.config.output_dir) / brief_id).resolve()


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


def _documents(
    ws: Workspace, brief: Brief, plans: list[Plan], drafts: bool, session: Session, slots: int
) -> list[tuple[Plan, Document]]:
    """Every planned audience's document, its citations formatted by Pandoc runs that all start at once.

    Meanwhile the workers (when there will be more than one task) start and load the renderers,
    and so does this process, in a thread, for the task it takes first.
    """
    if not plans:
        return []
    shapes = sorted((shape for plan in plans for shape in plan.shapes()), key=lambda shape: not shape[0])
    if slots > 1 and len(shapes) > 1:  # this process takes the first task, the workers the others
        session.pool(min(slots, len(shapes)) - 1, set().union(*(task_renderers(*shape) for shape in shapes[1:])))
    first = renderer_modules(sorted(task_renderers(*shapes[0])))
    warming = threading.Thread(target=warm, args=(first,), daemon=True)
    warming.start()
    started = [(plan, start_document(ws, brief, plan.audience, drafts)) for plan in plans]
    docs = [(plan, finish()) for plan, finish in started]
    warming.join()
    return docs


def _tasks(
    docs: list[tuple[Plan, Document]], ws: Workspace, brief: Brief, out_dir: Path, recorded: dict
) -> list[RenderTask]:
    """Every plan's tasks, the layouts first: they take longest."""
    tasks = [task for plan, doc in docs for task in plan.tasks(doc, ws, brief, out_dir, recorded)]
    tasks.sort(key=lambda task: not task.lay_out)
    return tasks


def _render(session: Session, tasks: list[RenderTask], slots: int, collected: Collected) -> None:
    """Run the tasks in this process and the session's workers; a progress hook's failure is the build's."""
    run_jobs(session, tasks, slots, collected.rendered, collected.results.append)
    if session.problem is not None:
        raise session.problem


def build(
    root: Path | None,
    options: BuildOptions,
    on_output: Progress | Callable[[Output], None] | None = None,
    session: Session | None = None,
) -> BuildResult:
    """Build one brief for the chosen audiences and formats; raise ContentError on content problems.

    `on_output` hears of each output as soon as it is rendered (a `Progress` also hears how many
    are planned). The outputs, the files they need and the manifest are published together
    (see `publish.publish`). `session` carries the worker pool from brief to brief in an export.
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
    manifest = _publish(rendered, options.drafts)
    return BuildResult(
        rendered.brief.id, rendered.out_dir, rendered.outputs, rendered.diagnostics, manifest, rendered.up_to_date
    )


def _publish(rendered: Rendered, drafts: bool) -> dict:
    """Write the outputs, the files they need and the manifest, all or none; then keep the new layouts."""
    files = {**rendered.sidecars, **{output.path: output.data for output in rendered.outputs}}
    manifest = publish(
        rendered.out_dir,
        rendered.brief.id,
        files,
        [o.manifest_entry(rendered.out_dir) for o in rendered.outputs],
        {
            "briefgen_version": __version__,
            "drafts": drafts,
            "sources": rendered.sources,
            "figures": rendered.figures,
        },
        rendered.every_audience,
    )
    for folder, key, layout, workspace in rendered.layouts:
        keep_layout(folder, key, layout, workspace)
    return manifest


def build_all(
    root: Path | None, options: BuildOptions, on_output: Progress | Callable[[Output], None] | None = None
) -> list[BuildResult]:
    """Build every brief of the workspace (the scheduled export), with one pool of workers for all of them."""
    ws, diags = open_workspace(root, check_templates=check_template_overrides)
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
