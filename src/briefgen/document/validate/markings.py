"""Handling levels (markings): every level named is one briefgen.yaml defines, and what they hold back.

A misspelt level would silently change what an audience receives or what a banner says, so
each one is checked against the list; an audience whose ceiling keeps blocks from it is told
which, since no build output mentions a block it leaves out.
"""

from __future__ import annotations

from briefgen.diagnostics import Diagnostics, Location, codes, did_you_mean
from briefgen.document.select import above_ceiling
from briefgen.model import AudienceProfile, Brief, MarkingLevel


def check_marking(value: str, ids: list[str], what: str, loc: Location | None, diags: Diagnostics) -> None:
    """An error when `value` (the `what` being checked) is not one of the levels `ids`, or none are defined."""
    if not ids:
        diags.error(
            codes.MARKING_UNDEFINED,
            f"{what} is '{value}', but briefgen.yaml defines no markings; "
            "add a 'markings:' list there or remove the field",
            loc,
        )
    elif value not in ids:
        diags.error(
            codes.MARKING_UNKNOWN,
            f"{what} '{value}' is not one of briefgen.yaml's markings"
            f"{did_you_mean(value, ids)}; use one of: {', '.join(ids)}",
            loc,
        )


def check_audience_marking(name: str, audience: AudienceProfile, ids: list[str], diags: Diagnostics) -> None:
    """An audience profile's fixed marking (ignored once levels are defined) and its max_marking."""
    if ids and audience.marking:
        diags.warning(
            codes.MARKING_IGNORED,
            f"audience '{name}' sets marking '{audience.marking}', but briefgen.yaml defines markings, so the "
            "banner follows the levels of the blocks each output contains; remove 'marking:' or the markings",
            audience.location,
        )
    if audience.max_marking is not None:
        check_marking(audience.max_marking, ids, f"audience '{name}' max_marking", audience.location, diags)


def note_withheld(
    brief: Brief, name: str, audience: AudienceProfile, markings: tuple[MarkingLevel, ...], diags: Diagnostics
) -> None:
    """A note naming the blocks marked above what this audience may ever receive."""
    held = [b.id for b in brief.blocks if above_ceiling(b, audience, markings)]
    if held:
        diags.note(
            codes.MARKING_WITHHELD,
            f"audience '{name}' (max_marking {audience.max_marking}) never receives: {', '.join(held)}",
            audience.location,
        )
