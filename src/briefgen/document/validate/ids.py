"""Ids that become file names, and ids that must name one thing only.

Brief and audience ids name output files, so they must be safe file names everywhere; a
block's id names it in cross-references and in `list`, and a section's id names it in the
audiences' lists, so neither may be used twice in one brief.
"""

from __future__ import annotations

import re

from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.model import Brief, ContentBlock

SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def check_id(name: str, what: str, loc: Location | None, diags: Diagnostics) -> None:
    """An error when `name`, the id of a `what`, cannot be a file name."""
    if not SAFE_ID.match(name) or name in RESERVED_NAMES:
        diags.error(
            codes.ID_UNSAFE,
            f"'{name}' cannot be used as a {what} id because it becomes a file name; "
            "use lower-case letters, digits, '-' and '_' (and not a reserved device name such as 'con')",
            loc,
        )


def check_section_ids(brief: Brief, diags: Diagnostics) -> None:
    """An error at each section defined a second time."""
    seen_sections: set[str] = set()
    for section in brief.sections:
        if section.id in seen_sections:
            diags.error(
                codes.BRIEF_DUPLICATE_SECTION, f"section '{section.id}' is defined twice; rename one", section.location
            )
        seen_sections.add(section.id)


def check_block_id(block: ContentBlock, seen_ids: dict[str, Location | None], diags: Diagnostics) -> None:
    """A block's id: usable when taken from its file name, and not one an earlier block (in `seen_ids`) has."""
    loc = block.locations
    if "id" not in loc and not SAFE_ID.match(block.id):
        diags.error(
            codes.BLOCK_FILE_NAME,
            f"the file name '{block.path.name}' cannot serve as the block's id; rename the file with "
            "lower-case letters, digits and '-' (for example my-block.yaml) or add an 'id:' line",
            block.location,
        )
    if block.id in seen_ids:
        first = seen_ids[block.id]
        diags.error(
            codes.BLOCK_DUPLICATE_ID,
            f"block id '{block.id}' is already used by {first.path.name if first else 'another block'}; "
            "give one of them a different id",
            loc.get("id", block.location),
        )
    else:
        seen_ids[block.id] = loc.get("id", block.location)
