"""Which briefs a published site may hold: the marking rule of `briefgen site`, in one place.

An audience's brief is published only when its handling level (the highest marking among the
blocks it holds, the level its banner shows) is at or below briefgen.yaml's `site.max_marking`;
without `max_marking`, only the lowest level. Where no levels are defined, only a brief with no
banner at all is published. Every brief and audience left out is named with the reason, so the
rule can only under-publish, and says what it held back.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.document.select import SelectOptions, audiences_for, document_level, select
from briefgen.model import AudienceProfile, Brief, Workspace


@dataclass(frozen=True)
class Published:
    """One brief for one audience that the site shows."""

    brief: Brief
    audience: AudienceProfile


@dataclass(frozen=True)
class LeftOut:
    """One brief for one audience that the site does not show, and why."""

    brief: str
    audience: str
    reason: str

    def line(self) -> str:
        return f"{self.brief} for {self.audience}: {self.reason}"


def plan_site(ws: Workspace) -> tuple[list[Published], list[LeftOut]]:
    """Every (brief, audience) of the workspace, published or left out, in the workspace's order."""
    markings = ws.config.markings
    ceiling_id = ws.config.site.max_marking
    ids = [m.id for m in markings]
    ceiling = ids.index(ceiling_id) if ceiling_id in ids else 0
    published: list[Published] = []
    left_out: list[LeftOut] = []
    for brief in ws.briefs.values():
        for name, audience in audiences_for(ws, brief).items():
            doc = select(brief, audience, SelectOptions(markings=markings))
            if not any(section.blocks for section in doc.sections):
                left_out.append(LeftOut(brief.id, name, "it receives no block of this brief (see briefgen list --why)"))
            elif not markings and doc.banner:
                reason = (
                    f"it is marked '{doc.banner}' (audiences.yaml) and briefgen.yaml defines no marking levels "
                    "to weigh that against; define markings: and site: max_marking: to publish it"
                )
                left_out.append(LeftOut(brief.id, name, reason))
            elif markings and document_level(doc, brief, markings) > ceiling:
                level = markings[document_level(doc, brief, markings)]
                limit = f"site: max_marking: {ceiling_id}"
                if not ceiling_id:
                    limit = f"{ids[0]} only, as no site: max_marking is set"
                shown = f" (banner {level.banner})" if level.banner else ""
                reason = f"it holds blocks marked {level.id}{shown}, above what the site publishes ({limit})"
                left_out.append(LeftOut(brief.id, name, reason))
            else:
                published.append(Published(brief, audience))
    return published, left_out
