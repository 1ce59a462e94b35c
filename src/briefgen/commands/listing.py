"""What `briefgen list` shows: briefs, audiences, which blocks each audience receives, and why not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from briefgen.diagnostics import Location, shown_path
from briefgen.document.select import RULES, SelectOptions, audiences_for, withheld_by
from briefgen.document.workspace import default_brief
from briefgen.model import AudienceProfile, Brief, ContentBlock, Workspace

# The rules that leave a block out, in the order `list --why` names them, are `RULES` of document/select.py.


@dataclass(frozen=True)
class Exclusion:
    """One rule that keeps a block from an audience: the field that decides, in words, and where to change it."""

    rule: str  # one of RULES: the field that decides
    reason: str
    location: Location | None


@dataclass(frozen=True)
class BlockRow:
    """One block and, per audience, whether it is in that audience's brief and, if not, why."""

    id: str
    section: str
    kind: str
    status: str
    receives: dict[str, str]  # audience -> "yes" | "if drafts" | ""
    excluded_by: dict[str, tuple[Exclusion, ...]]  # audiences that do not receive it (without --drafts)


def block_matrix(ws: Workspace, brief: Brief) -> list[BlockRow]:
    """Which blocks each audience receives, in the brief's section order, with the rules that leave blocks out."""
    audiences = audiences_for(ws, brief)
    order = {s.id: i for i, s in enumerate(brief.sections)}
    rows = []
    for block in sorted(brief.blocks, key=lambda b: (order.get(b.section, 99), b.order, b.path.name)):
        receives, excluded_by = {}, {}
        for name, profile in audiences.items():
            exclusions = _exclusions(block, profile, ws)
            if not exclusions:
                receives[name] = "yes"
            else:
                excluded_by[name] = exclusions
                receives[name] = "if drafts" if [e.rule for e in exclusions] == ["status"] else ""
        rows.append(BlockRow(block.id, block.section, block.kind, block.status, receives, excluded_by))
    return rows


def _exclusions(block: ContentBlock, audience: AudienceProfile, ws: Workspace) -> tuple[Exclusion, ...]:
    """The rules selection applies that leave `block` out of `audience`'s brief, explained.

    The rules are `withheld_by` of document/select.py, the one place that decides.
    """
    rules = withheld_by(block, audience, SelectOptions(False, ws.config.markings))
    return tuple(_explain(rule, block, audience) for rule in rules)


def _explain(rule: str, block: ContentBlock, audience: AudienceProfile) -> Exclusion:
    """The words for one rule, at the block's field a writer would look at or change."""

    def at(field: str) -> Location | None:
        return block.locations.get(f"{field}.value") or block.location

    tags = ", ".join(block.tags)
    if rule == "sections":
        sections = ", ".join(audience.sections)
        return Exclusion(
            rule, f"its section '{block.section}' is not among the audience's sections ({sections})", at("section")
        )
    if rule == "max_marking":
        reason = f"its marking '{block.marking}' is above the audience's max_marking '{audience.max_marking}'"
        return Exclusion(rule, reason, at("marking"))
    if rule == "audiences":
        if not block.audiences:
            return Exclusion(rule, "its audiences list is empty, so it reaches no audience", at("audiences"))
        return Exclusion(rule, f"its audiences list names only {', '.join(block.audiences)}", at("audiences"))
    if rule == "exclude_audiences":
        return Exclusion(rule, "its exclude_audiences names the audience", at("exclude_audiences"))
    if rule == "include_tags":
        wanted = ", ".join(audience.include_tags)
        has = f"this block is tagged {tags}" if tags else "this block has no tags"
        return Exclusion(rule, f"the audience takes only blocks tagged {wanted} (include_tags) and {has}", at("tags"))
    if rule == "exclude_tags":
        matched = ", ".join(f"'{t}'" for t in block.tags if t in audience.exclude_tags)
        return Exclusion(rule, f"tagged {matched}, which the audience's exclude_tags leaves out", at("tags"))
    if rule == "status":
        reason = (
            f"its status is {block.status}; builds take approved blocks only (--drafts adds draft and review blocks)"
        )
        return Exclusion(rule, reason, at("status"))
    raise ValueError(f"no explanation for the selection rule {rule!r}")


def why_lines(ws: Workspace, rows: list[BlockRow]) -> list[str]:
    """`list --why`: one line per block and reason, naming every audience it applies to, at the block's field.

    briefs/demo/blocks/rec-quiet.yaml:6:7: rec-quiet is left out for public: tagged 'internal', which ... [exclude_tags]
    """
    lines = []
    for row in rows:
        grouped: dict[tuple[str, str, str], list[str]] = {}
        for audience, exclusions in row.excluded_by.items():
            for e in exclusions:
                where = e.location.display(ws.root) if e.location else row.id
                grouped.setdefault((where, e.reason, e.rule), []).append(audience)
        for (where, reason, rule), audiences in sorted(grouped.items(), key=lambda item: RULES.index(item[0][2])):
            lines.append(f"{where}: {row.id} is left out for {', '.join(audiences)}: {reason} [{rule}]")
    return lines


def workspace_listing(ws: Workspace, only: str | None = None) -> dict:
    """Briefs, audiences and the block matrix as plain data, for `list --json` and CI matrices."""
    briefs = []
    for brief in ws.briefs.values():
        if only and brief.id != only:
            continue
        briefs.append(
            {
                "id": brief.id,
                "title": brief.title,
                "path": brief.folder.relative_to(ws.root).as_posix(),
                "audiences": list(audiences_for(ws, brief)),
                "blocks": [
                    {
                        "id": r.id,
                        "section": r.section,
                        "kind": r.kind,
                        "status": r.status,
                        "audiences": [a for a, v in r.receives.items() if v == "yes"],
                        "excluded_by": {
                            audience: [
                                {
                                    "rule": e.rule,
                                    "reason": e.reason,
                                    "at": e.location.display(ws.root) if e.location else None,
                                }
                                for e in exclusions
                            ]
                            for audience, exclusions in r.excluded_by.items()
                        },
                    }
                    for r in block_matrix(ws, brief)
                ],
            }
        )
    audiences = {
        name: {"label": p.label, "detail": p.detail, "notes": p.notes, "max_pages": p.max_pages}
        for name, p in ws.audiences.items()
    }
    return {"briefs": briefs, "audiences": audiences}


def print_listing(console: Any, ws: Workspace, brief: str | None, why: bool, echo: Callable[[str], None]) -> None:
    """`briefgen list` as tables on a rich console: each brief's blocks by audience, then the audiences.

    The reasons (`why`) go through `echo` as plain lines, never wrapped to the terminal's width.
    """
    from rich.table import Table

    for b in [default_brief(ws, brief)] if brief else ws.briefs.values():
        audiences = audiences_for(ws, b)
        console.print(f"[bold]{b.id}[/bold]: {b.title} ({len(b.blocks)} blocks, {shown_path(b.path, ws.root)})")
        table = Table(show_lines=False, header_style="bold")
        table.add_column("block", no_wrap=True)
        for column in ("section", "kind", "status", *audiences):
            table.add_column(column)
        rows = block_matrix(ws, b)
        for row in rows:
            marks = ["✓" if row.receives[a] == "yes" else ("draft" if row.receives[a] else "·") for a in audiences]
            table.add_row(row.id, row.section, row.kind, row.status, *marks)
        console.print(table)
        if why:
            echo("\n".join(why_lines(ws, rows)) or "every audience receives every block")
    aud = Table(title="Audiences", header_style="bold")
    for column in ("audience", "label", "detail", "notes", "pages", "marking"):
        aud.add_column(column)
    for name, p in ws.audiences.items():
        marking = f"up to {p.max_marking}" if p.max_marking else (p.marking or "-")
        aud.add_row(name, p.label, p.detail, p.notes, str(p.max_pages or "-"), marking)
    console.print(aud)
