"""Review state: blocks past their review date, and what each audience would lose to it.

A block's facts age and its approval gates what audiences receive; neither shows in a build
that succeeds, so `check` says which blocks are due for review, which sections an audience
would not get because their blocks are unapproved, and what a marking ceiling holds back.
"""

from __future__ import annotations

import datetime as dt

from briefgen.diagnostics import Diagnostics, codes
from briefgen.document.select import SelectOptions, admits, audiences_for
from briefgen.document.validate.audiences import check_empty_audience
from briefgen.document.validate.markings import note_withheld
from briefgen.model import AudienceProfile, Brief, MarkingLevel, Workspace


def check_review(ws: Workspace, brief: Brief, diags: Diagnostics, today: dt.date) -> None:
    """Stale blocks, sections an audience would lose to unapproved blocks, blocks held back by marking."""
    for block in brief.blocks:
        if block.review_by and block.review_by < today:
            diags.warning(
                codes.BLOCK_STALE,
                f"block '{block.id}' was due for review on {block.review_by.isoformat()}; check its facts, then "
                "update 'as_of' and 'review_by'",
                block.locations.get("review_by.value"),
            )
    markings = ws.config.markings
    for name, audience in audiences_for(ws, brief).items():
        # An audience that receives nothing gets one warning naming every rule, unapproved blocks included,
        # not one per section it loses to them as well.
        if not check_empty_audience(brief, name, audience, markings, diags):
            _check_lost_sections(brief, name, audience, markings, diags)
        note_withheld(brief, name, audience, markings, diags)


def _check_lost_sections(
    brief: Brief, name: str, audience: AudienceProfile, markings: tuple[MarkingLevel, ...], diags: Diagnostics
) -> None:
    """A warning at each section of the audience's whose blocks it would receive only with --drafts."""
    for section in brief.sections:
        if section.id not in audience.sections:
            continue
        blocks = [b for b in brief.blocks if b.section == section.id]
        approved = {b.id for b in blocks if admits(b, audience, SelectOptions(False, markings))}
        pending = [b.id for b in blocks if b.id not in approved and admits(b, audience, SelectOptions(True, markings))]
        if pending and not approved:
            diags.warning(
                codes.REVIEW_LOST_SECTION,
                f"audience '{name}' would get no '{section.id}' section: its blocks are not approved yet "
                f"({', '.join(pending)}); approve them or build with --drafts",
                section.location,
            )
