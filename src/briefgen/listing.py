"""What `briefgen list` shows: briefs, audiences and which blocks each audience receives."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.checks.validate import audiences_for
from briefgen.document.select import SelectOptions, admits
from briefgen.model import Brief, Workspace


@dataclass(frozen=True)
class BlockRow:
    """One block and, per audience, whether it is in that audience's brief."""

    id: str
    section: str
    kind: str
    status: str
    receives: dict[str, str]  # audience -> "yes" | "draft" (only with --drafts) | ""


def block_matrix(ws: Workspace, brief: Brief) -> list[BlockRow]:
    """Which blocks each audience receives, in the brief's section order."""
    audiences = audiences_for(ws, brief)
    order = {s.id: i for i, s in enumerate(brief.sections)}
    rows = []
    for block in sorted(brief.blocks, key=lambda b: (order.get(b.section, 99), b.order, b.path.name)):
        receives = {}
        for name, profile in audiences.items():
            in_sections = block.section in profile.sections
            if in_sections and admits(block, profile, SelectOptions(False, ws.config.markings)):
                receives[name] = "yes"
            elif in_sections and admits(block, profile, SelectOptions(True, ws.config.markings)):
                receives[name] = "if drafts"
            else:
                receives[name] = ""
        rows.append(BlockRow(block.id, block.section, block.kind, block.status, receives))
    return rows


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
