"""What `briefgen list` shows: briefs, audiences and which blocks each audience receives."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.model import Brief, Workspace
from briefgen.select import SelectOptions, admits
from briefgen.validate import audiences_for


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
