"""Which blocks changed since a git revision, and which audiences' briefs they touch.

A reviewer runs `briefgen diff main` and knows which exports to re-read. A modified block
touches only the audiences whose text changes: a summary audience reads the summary, not the
body, so an edit of the body alone is not news to it (see `_reading`).
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from briefgen.content.figures import figure_blocks
from briefgen.content.loader import load_block
from briefgen.diagnostics import Diagnostics
from briefgen.document.number import figures_of
from briefgen.document.select import SelectOptions, admits, audiences_for, select
from briefgen.document.workspace import default_brief, named_or_default, open_workspace
from briefgen.errors import ContentError, UsageError
from briefgen.model import AudienceProfile, Brief, ContentBlock, MarkingLevel
from briefgen.render.overrides import check_template_overrides

SHARED = ("briefgen.yaml", "audiences.yaml", "templates/", "styles/")


@dataclass(frozen=True)
class BlockChange:
    block: str
    change: str  # added | modified | deleted
    path: str
    audiences: tuple[str, ...]


@dataclass(frozen=True)
class FigureChange:
    """A changed picture, chart specification or chart data file, and who sees the figure."""

    path: str
    change: str  # added | modified | deleted
    blocks: tuple[str, ...]
    audiences: tuple[str, ...]


@dataclass(frozen=True)
class DiffReport:
    brief: str
    revision: str
    blocks: list[BlockChange]
    shared: list[str]  # changed files that affect every audience
    audiences: tuple[str, ...]  # every audience whose brief changed
    figures: list[FigureChange] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """What `diff --json` prints: the same facts as the text, under stable keys."""
        return {
            "brief": self.brief,
            "revision": self.revision,
            "blocks": [
                {"block": c.block, "change": c.change, "path": c.path, "audiences": list(c.audiences)}
                for c in self.blocks
            ],
            "figures": [
                {"path": f.path, "change": f.change, "blocks": list(f.blocks), "audiences": list(f.audiences)}
                for f in self.figures
            ],
            "shared": list(self.shared),
            "audiences": list(self.audiences),
        }


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"cannot run git: {exc}") from exc
    if result.returncode != 0:
        raise UsageError(
            f"git {' '.join(args)} failed: {result.stderr.strip()}; "
            "to compare with a version issued by 'briefgen release', use 'briefgen diff --since VERSION'"
        )
    return result.stdout


def _receivers(block: ContentBlock, profiles, markings) -> tuple[str, ...]:
    return tuple(
        name
        for name, p in profiles.items()
        if block.section in p.sections and admits(block, p, SelectOptions(False, markings))
    )


def diff_since(root: Path | None, revision: str, brief_name: str | None = None) -> DiffReport:
    """Blocks added, modified or deleted since `revision` (working tree included) and who they reach."""
    ws, diags = open_workspace(root, named_or_default(root, brief_name), check_templates=check_template_overrides)
    if diags.has_errors():
        raise ContentError(diags, ws.root, "nothing was compared")
    brief = default_brief(ws, brief_name)
    top = Path(_git(ws.root, "rev-parse", "--show-toplevel").strip())
    try:
        _git(ws.root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except UsageError:
        raise UsageError(
            f"unknown git revision '{revision}'; name a branch, tag or commit, for example main or HEAD~1"
        ) from None
    prefix = ws.root.resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    lines = _git(ws.root, "diff", "--name-status", "--no-renames", revision, "--", ".").splitlines()
    lines += [f"A\t{prefix}{p}" for p in _git(ws.root, "ls-files", "--others", "--exclude-standard").splitlines()]
    profiles = audiences_for(ws, brief)
    by_path = {b.path.resolve(): b for b in brief.blocks}
    brief_dir = f"briefs/{brief.id}/"
    changes: list[BlockChange] = []
    shared: list[str] = []
    figures: list[FigureChange] = []
    shown_by = _figure_readers(ws, brief, profiles)
    for line in lines:
        status, _, name = line.partition("\t")
        rel = name[len(prefix) :] if name.startswith(prefix) else name
        if rel.startswith(brief_dir + "blocks/") and rel.endswith((".yaml", ".yml")):
            kind = {"A": "added", "D": "deleted"}.get(status[:1], "modified")
            block = by_path.get((ws.root / rel).resolve())
            if block is None and kind == "deleted":
                block = _old_block(ws.root, revision, name)
            receivers = _receivers(block, profiles, ws.config.markings) if block else tuple(profiles)
            if block is not None and kind == "modified":
                before = _old_block(ws.root, revision, name)
                if before is not None:
                    receivers = _readers_of_change(brief, before, block, profiles, ws.config.markings)
            changes.append(BlockChange(block.id if block else Path(rel).stem, kind, rel, receivers))
        elif (ws.root / rel).resolve() in shown_by:
            blocks, readers = shown_by[(ws.root / rel).resolve()]
            kind = {"A": "added", "D": "deleted"}.get(status[:1], "modified")
            figures.append(FigureChange(rel, kind, blocks, readers))
        elif rel.startswith(brief_dir) or rel.startswith(SHARED):
            shared.append(rel)
    reached = [c.audiences for c in changes] + [f.audiences for f in figures]
    affected = set(profiles) if shared else {a for names in reached for a in names}
    return DiffReport(brief.id, revision, changes, shared, tuple(a for a in profiles if a in affected), figures)


def _readers_of_change(
    brief: Brief,
    before: ContentBlock,
    after: ContentBlock,
    profiles: dict[str, AudienceProfile],
    markings: tuple[MarkingLevel, ...],
) -> tuple[str, ...]:
    """The audiences whose brief reads differently with `after` in place of `before`."""
    others = tuple(b for b in brief.blocks if b is not after)
    return tuple(
        name
        for name, profile in profiles.items()
        if _reading(brief, others, before, profile, markings) != _reading(brief, others, after, profile, markings)
    )


def _reading(
    brief: Brief,
    others: tuple[ContentBlock, ...],
    block: ContentBlock,
    profile: AudienceProfile,
    markings: tuple[MarkingLevel, ...],
) -> tuple | None:
    """What one audience's brief shows of `block` among the `others`; None when it does not receive it.

    The selection itself says what counts: the title and text this audience reads (a summary
    audience the summary or its variant's, a full audience the body or its variant's), the
    fields of the block's kind, the mitigation, the handling level and page banner, `as_of`
    where the audience shows it, and where the block stands among the blocks the audience
    receives (which also numbers recommendations). A YAML comment, a reflowed file or a field
    this audience does not read changes none of these.
    """
    doc = select(replace(brief, blocks=(*others, block)), profile, SelectOptions(markings=markings))
    shown = next((b for b in doc.blocks if b.source == block.path), None)
    if shown is None:
        return None
    return (
        tuple(b.id for b in doc.blocks),
        shown.kind,
        shown.title,
        _source(block, shown.content_field),
        shown.fields,
        block.mitigation.source if block.mitigation else None,
        shown.portion,
        shown.as_of,
        doc.banner,
    )


def _source(block: ContentBlock, field_name: str) -> str | None:
    """The Markdown source of a field named as `DocBlock.content_field` names it ('variants.press.body')."""
    if field_name.startswith("variants."):
        audience, _, key = field_name.removeprefix("variants.").rpartition(".")
        text = getattr(block.variants.get(audience), key, None)
    else:
        text = getattr(block, field_name, None)
    return text.source if text is not None else None


def _figure_readers(ws, brief, profiles) -> dict[Path, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each file a figure is made from -> the blocks that show the figure and the audiences that see it."""
    blocks = figure_blocks(brief)
    readers: dict[Path, list[str]] = {path: [] for path in blocks}
    for name, profile in profiles.items():
        doc = select(brief, profile, SelectOptions(markings=ws.config.markings))
        for path in {p for f in figures_of(doc) if f.picture is not None for p in f.picture.inputs}:
            readers[path].append(name)
    return {path: (tuple(blocks[path]), tuple(readers[path])) for path in blocks}


def _old_block(root: Path, revision: str, name: str) -> ContentBlock | None:
    """A deleted block as it was at `revision`, to know which audiences used to receive it."""
    text = _git(root, "show", f"{revision}:{name}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        path.write_text(text, encoding="utf-8")
        return load_block(path, Diagnostics())


def diff_lines(report: DiffReport, revision: str) -> list[str]:
    """`briefgen diff` as lines: each changed block, figure and shared file with who reads it, then who re-reads."""
    if not report.blocks and not report.shared and not report.figures:
        return [f"{report.brief}: nothing changed since {revision}"]
    lines = []
    for change in report.blocks:
        who = ", ".join(change.audiences) or "no audience"
        lines.append(f"{change.change:9} {change.block:32} {change.path}  ->  {who}")
    for figure in report.figures:
        shown = "figure in " + ", ".join(figure.blocks)
        who = ", ".join(figure.audiences) or "no audience"
        lines.append(f"{figure.change:9} {shown:32} {figure.path}  ->  {who}")
    for path in report.shared:
        lines.append(f"{'changed':9} {'(shared)':32} {path}  ->  every audience")
    lines.append(f"re-read: {', '.join(report.audiences) or 'nothing'}")
    return lines
