"""What a review finds: each comment and change of a returned DOCX, its place in the YAML, and its fate.

Every item has a `category` (comment, insertion, deletion, replacement, untracked, formatting)
and a `status` (placed, applied, refused, unplaced) with the `refusal` that explains it, so the
text report, the JSON and `--apply` say the same thing about each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CHANGED = "the block changed since this DOCX was built; placed by best match, confidence {:.2f}"
CHANGED_REFUSAL = "the block changed since this DOCX was built"
ALREADY = "the YAML reads like this already"
HIDDEN = "it is hidden text, which Word does not show"
UNOWNED = "it is in text no block owns"
CATEGORIES = ("comment", "insertion", "deletion", "replacement", "untracked", "formatting")
STATUSES = ("placed", "applied", "refused", "unplaced")
_CATEGORY = {
    "inserted": "insertion",
    "moved-to": "insertion",
    "deleted": "deletion",
    "moved-from": "deletion",
    "replaced": "replacement",
}


@dataclass
class ReviewItem:
    """One comment or change, and where it belongs in the YAML (path None: unplaced)."""

    kind: str  # comment | change
    action: str  # comment | inserted | deleted | replaced | moved-from | moved-to | formatted
    author: str
    date: str
    text: str  # a comment's words; a change's new words (a deletion's: the words deleted)
    anchor: str = ""  # a comment's anchored words
    reply_to: str = ""  # the author of the comment this one answers
    resolved: bool = False
    block: str = ""
    field: str = ""
    path: str | None = None
    line: int = 0
    column: int = 0
    confidence: float = 1.0
    block_changed: bool = False
    heading: str = ""  # the nearest heading before it in the DOCX
    order: tuple[int, int] = (0, 0)  # paragraph and offset in the DOCX
    edit: Edit | None = None  # a change `--apply` can write with certainty
    refusal: str = ""  # why `--apply` leaves a change to a person
    hidden: bool = False  # a change in text formatted as hidden
    places: tuple[str, ...] = ()  # where in the DOCX, when the same change was made in several renderings
    untracked: bool = False  # found by comparing the text with the build's, not marked by Word
    old: str = ""  # a replacement's words replaced
    applied: bool = False  # written into the YAML by `--apply`

    @property
    def placed(self) -> bool:
        return self.path is not None

    @property
    def category(self) -> str:
        """comment, insertion, deletion, replacement, untracked or formatting."""
        if self.kind == "comment":
            return "comment"
        if self.untracked:
            return "untracked"
        return _CATEGORY.get(self.action, "formatting")

    @property
    def status(self) -> str:
        """placed (found its place, not yet written), applied, refused or unplaced."""
        if not self.placed:
            return "unplaced"
        if self.applied or self.refusal == ALREADY:  # written now, or by an earlier --apply
            return "applied"
        return "refused" if self.kind == "change" and self.refusal else "placed"


@dataclass(frozen=True)
class Edit:
    """A change as an edit of one field's source text: replace `[start, end)` with `new`."""

    path: Path  # the block file
    block: str
    field: str
    source: str  # the field's text as the file held it when the review was read
    start: int
    end: int
    new: str
    paragraphs: bool = False  # `new` holds whole paragraphs (apart by blank lines) the reviewer added


@dataclass
class Proposal:
    """A field's Markdown with a reviewer's changes applied, as a word diff of the source."""

    path: str
    block: str
    field: str
    text: str
    diff: str


@dataclass
class Review:
    docx: str
    brief: str
    audience: str
    items: list[ReviewItem] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    root: Path | None = None  # the workspace: `--apply` writes only files inside it

    @property
    def counts(self) -> dict[str, int]:
        """Comments, changes and unplaced items, then each category and each status."""
        counts = {
            "comments": sum(i.kind == "comment" for i in self.items),
            "changes": sum(i.kind == "change" for i in self.items),
            "unplaced": sum(not i.placed for i in self.items),
        }
        counts |= {name: sum(i.category == name for i in self.items) for name in CATEGORIES if name != "comment"}
        counts |= {name: sum(i.status == name for i in self.items) for name in STATUSES if name != "unplaced"}
        return counts
