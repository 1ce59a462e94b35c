"""One field shown in several places of a DOCX, changed by a reviewer in more than one of them.

A recommendation's action is its action line and, for summary audiences, a cell of the
recommendations table; a risk's title is its heading and a cell of the risk register. Each place
is a rendering of the same YAML field, so the same change made in two of them is one change (made
once, reported once with both places), and different changes to one field in two places are a
conflict no one can settle but a person: every change to that field is refused, naming the places.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.review.items import ReviewItem

CONFLICT = "the {field} is changed differently {places}"


@dataclass(frozen=True)
class Rendered:
    """A change as one rendering of a field shows it: the source span it replaces and its new text."""

    rendering: str  # the `_bgN` bookmark of the place (a note's changes: the place of its number)
    start: int
    end: int
    new: str
    item: ReviewItem


def merge_renderings(changes: list[Rendered], place: Callable[[ReviewItem], str]) -> list[ReviewItem]:
    """Merge or refuse the changes of one field made in several renderings; the duplicates to drop.

    `place` names where an item stands in the DOCX (a table column, the heading it is under).
    Changes of hidden text take no part: they are refused on their own.
    """
    by_rendering: dict[str, list[Rendered]] = {}
    for change in changes:
        if not change.item.hidden:
            by_rendering.setdefault(change.rendering, []).append(change)
    if len(by_rendering) < 2:
        return []
    groups = [sorted(found, key=lambda c: (c.start, c.end, c.new)) for found in by_rendering.values()]
    groups.sort(key=lambda found: min(c.item.order for c in found))  # the places in document order
    spans = [[(c.start, c.end, c.new) for c in found] for found in groups]
    if any(other != spans[0] for other in spans[1:]):
        field = groups[0][0].item.field
        message = CONFLICT.format(field=field, places=joined([place(found[0].item) for found in groups]))
        for found in groups:
            for change in found:
                change.item.edit, change.item.refusal = None, message
        return []
    dropped: list[ReviewItem] = []
    for alike in zip(*groups, strict=True):
        items = [c.item for c in alike]
        kept = next((i for i in items if i.edit is not None), items[0])
        kept.places = tuple(place(i) for i in items)
        dropped.extend(i for i in items if i is not kept)
    return dropped


def joined(places: list[str]) -> str:
    """Places as a reader says them: "A", "A and B", "A, B and C"."""
    return places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]
