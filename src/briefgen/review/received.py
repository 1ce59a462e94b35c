"""What the audience a returned DOCX names received, worked out again from the workspace.

The DOCX's build record maps each hidden bookmark to a block and a field, but the file comes
from outside: a reviewer can retarget a bookmark at a block that audience never received (with
that block's real hash, taken from another audience's DOCX). So `--apply` does not trust the
record for what may be written: the blocks and fields are selected again here, with the build's
own selection (`briefgen.document.select`), and an edit of anything else is refused by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from briefgen.content.schema import KIND_FIELDS
from briefgen.document.select import SelectOptions, audiences_for, select, withheld_by
from briefgen.model import BRIEF_RECORD, Brief, Workspace

MASTHEAD = ("organization", "title", "subtitle", "version", "disclaimer")  # brief.yaml's fields on the masthead
MISMATCH = "the DOCX's build record does not match what the workspace builds"


@dataclass(frozen=True)
class Received:
    """The fields of each block one audience's build shows, and why each other block is left out."""

    audience: str
    known: bool  # the brief has this audience
    fields: dict[str, frozenset[str]] = field(default_factory=dict)  # block id -> field names
    withheld: dict[str, list[str]] = field(default_factory=dict)  # block id -> the rules that keep it out

    def refusal(self, block: str, name: str) -> str:
        """'' when the audience received `name` of `block`; else why an edit of it is not written."""
        shown = "brief.yaml" if block == BRIEF_RECORD else f"block '{block}'"
        if not self.known:
            return f"the DOCX names audience '{self.audience}', which this brief does not have; {MISMATCH}"
        if block not in self.fields:
            rules = self.withheld.get(block)
            why = f" (withheld by {', '.join(rules)})" if rules else ""
            return f"audience '{self.audience}' never received {shown}{why}, so its {name} is not changed; {MISMATCH}"
        if name not in self.fields[block]:
            return f"audience '{self.audience}' received {shown} without its {name}, so it is not changed; {MISMATCH}"
        return ""


def received(ws: Workspace, brief: Brief | None, audience: str) -> Received:
    """The fields of `brief` that `audience` receives now, as the build selects them.

    Drafts count as received: a review of a `--drafts` build may edit them, and a block's status
    never decides who may read it (its audiences, tags and handling level do).
    """
    profile = audiences_for(ws, brief).get(audience) if brief is not None else None
    if brief is None or profile is None:
        return Received(audience, known=False)
    options = SelectOptions(drafts=True, markings=ws.config.markings)
    doc = select(brief, profile, options)
    fields: dict[str, frozenset[str]] = {}
    for block in doc.blocks:
        fields[block.id] = frozenset({block.title_field, block.content_field, *KIND_FIELDS.get(block.kind, ())})
    fields[BRIEF_RECORD] = frozenset({*MASTHEAD, *(("bottom_line",) if doc.bottom_line else ())})
    withheld = {b.id: withheld_by(b, profile, options) for b in brief.blocks if b.id not in fields}
    return Received(audience, True, fields, withheld)
