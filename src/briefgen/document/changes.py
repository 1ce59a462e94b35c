"""What changed for one audience between an issued version and now, block by block and word by word.

Two snapshots (`document/snapshot.py`) are compared as a reader would: blocks are matched by id,
so a block the audience did not get before and gets now is an addition for that audience only; a
block found in both but in another section, or out of its order, has moved; a block whose words
differ is revised, with the words inserted and deleted counted over whole words, never
characters. Note numbers are generated: a note renumbered only because an earlier one was added
is not a change, so note calls are compared by the words of the note they call.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

_CALL = re.compile(r"\[\^(\d+)\]")


@dataclass(frozen=True)
class BlockChange:
    """One block added, removed, moved or revised (a moved block may be revised too)."""

    block: str
    title: str
    section: str
    kind: str  # "added", "removed", "moved", "revised"
    inserted: int = 0  # words
    deleted: int = 0
    was_section: str | None = None  # where a moved block stood before

    @property
    def revised(self) -> bool:
        """Whether its words changed (a moved block may be revised too)."""
        return bool(self.inserted or self.deleted)

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "revised": self.revised}


@dataclass
class AudienceChanges:
    """Every change one audience would see, in the order of the current brief."""

    audience: str
    blocks: list[BlockChange] = field(default_factory=list)
    masthead: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (before, now), e.g. marking
    bottom_line: tuple[int, int] = (0, 0)  # words inserted, deleted
    sections_added: list[str] = field(default_factory=list)  # titles of sections it did not have before
    sections_removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.blocks or self.masthead or any(self.bottom_line) or self.sections_added or self.sections_removed
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "audience": self.audience,
            "masthead": {key: {"before": old, "now": new} for key, old, new in _rows(self.masthead)},
            "bottom_line": {"inserted": self.bottom_line[0], "deleted": self.bottom_line[1]},
            "sections_added": self.sections_added,
            "sections_removed": self.sections_removed,
            "blocks": [change.to_json() for change in self.blocks],
        }


def _rows(masthead: dict[str, tuple[str, str]]):
    return [(key, old, new) for key, (old, new) in masthead.items()]


def compare(before: dict[str, Any] | None, now: dict[str, Any] | None, audience: str) -> AudienceChanges:
    """The changes from snapshot `before` to snapshot `now` (either may be missing: an audience added or gone)."""
    before, now = before or _EMPTY, now or _EMPTY
    changes = AudienceChanges(audience)
    for key in ("title", "subtitle", "marking", "organization"):
        old, new = before["masthead"].get(key, ""), now["masthead"].get(key, "")
        if old != new:
            changes.masthead[key] = (old, new)
    old_sections = {s["id"]: s["title"] for s in before["sections"]}
    new_sections = {s["id"]: s["title"] for s in now["sections"]}
    changes.sections_added = [title for key, title in new_sections.items() if key not in old_sections]
    changes.sections_removed = [title for key, title in old_sections.items() if key not in new_sections]
    old_notes, new_notes = _notes(before), _notes(now)
    changes.bottom_line = _counted(_words(before["bottom_line"], old_notes), _words(now["bottom_line"], new_notes))
    old_blocks, new_blocks = _blocks(before), _blocks(now)
    kept = _in_order([b for b in old_blocks if b in new_blocks], [b for b in new_blocks if b in old_blocks])
    for block_id, (section, record) in new_blocks.items():
        if block_id not in old_blocks:
            changes.blocks.append(BlockChange(block_id, record["title"], section, "added"))
            continue
        was_section, old_record = old_blocks[block_id]
        inserted, deleted = _counted(_block_words(old_record, old_notes), _block_words(record, new_notes))
        if was_section != section or block_id not in kept:
            changes.blocks.append(
                BlockChange(block_id, record["title"], section, "moved", inserted, deleted, was_section)
            )
        elif inserted or deleted:
            changes.blocks.append(BlockChange(block_id, record["title"], section, "revised", inserted, deleted))
    for block_id, (section, record) in old_blocks.items():
        if block_id not in new_blocks:
            changes.blocks.append(BlockChange(block_id, record["title"], section, "removed"))
    return changes


_EMPTY: dict[str, Any] = {"masthead": {}, "bottom_line": [], "sections": [], "notes": []}


def _blocks(shot: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each block by id, with the section it stands in, in reading order."""
    return {block["id"]: (section["id"], block) for section in shot["sections"] for block in section["blocks"]}


def _in_order(before: list[str], now: list[str]) -> set[str]:
    """The blocks that kept their order: a longest common subsequence of the two orders (the rest moved).

    Block ids are unique, so it is the longest increasing run of each block's old place taken in
    the new order: patience sorting finds it in n log n, for briefs of thousands of blocks.
    """
    place = {block: index for index, block in enumerate(before)}
    places = [place[block] for block in now if block in place]
    tails: list[int] = []  # tails[k]: where (in `places`) the best run of length k + 1 ends
    ends: list[int] = []  # the old place at each of those ends, increasing
    previous: list[int] = [-1] * len(places)
    for index, value in enumerate(places):
        length = bisect.bisect_left(ends, value)
        previous[index] = tails[length - 1] if length else -1
        if length == len(tails):
            tails.append(index)
            ends.append(value)
        else:
            tails[length], ends[length] = index, value
    kept: set[str] = set()
    index = tails[-1] if tails else -1
    while index >= 0:
        kept.add(before[places[index]])
        index = previous[index]
    return kept


def _notes(shot: dict[str, Any]) -> dict[str, str]:
    """Each note's words by its number, so a call can be compared by what it says, not by its number."""
    return {str(note["number"]): " ".join(_item_text(item) for item in note["text"]) for note in shot["notes"]}


def _item_text(item: dict[str, Any]) -> str:
    parts = []
    for key, value in item.items():
        if key in ("level", "n", "quote", "lang", "kind"):
            continue
        parts.append(" | ".join(value) if isinstance(value, list) else str(value))
    return " ".join(part for part in parts if part)


def _words(items: list[dict[str, Any]], notes: dict[str, str]) -> list[str]:
    """The words of some items, each note call replaced by the note's own words."""
    text = " ".join(_item_text(item) for item in items)
    text = _CALL.sub(lambda m: " [note: " + notes.get(m.group(1), "") + "] ", text)
    return text.split()


def _block_words(record: dict[str, Any], notes: dict[str, str]) -> list[str]:
    fields = [{"field": f"{key}: {value}"} for key, value in record.get("fields", {}).items()]
    items = [{"title": record["title"]}, *fields, *record["text"], *record.get("mitigation", [])]
    return _words(items, notes) + ([f"({record['portion']})"] if record.get("portion") else [])


def _counted(before: list[str], now: list[str]) -> tuple[int, int]:
    """(words inserted, words deleted) from `before` to `now`: the fewest whole words (a longest common
    subsequence, which difflib's matcher does not always find when words repeat)."""
    start = 0
    while start < min(len(before), len(now)) and before[start] == now[start]:
        start += 1
    end = 0
    while end < min(len(before), len(now)) - start and before[-1 - end] == now[-1 - end]:
        end += 1
    old, new = before[start : len(before) - end], now[start : len(now) - end]
    common = _common_length(old, new)
    return len(new) - common, len(old) - common


def _common_length(old: list[str], new: list[str]) -> int:
    """The length of the longest common subsequence of two word lists (one row of the table at a time)."""
    if not old or not new:
        return 0
    row = [0] * (len(new) + 1)
    for word in old:
        diagonal = 0
        for index, other in enumerate(new, start=1):
            above = row[index]
            row[index] = diagonal + 1 if word == other else max(above, row[index - 1])
            diagonal = above
    return row[-1]
