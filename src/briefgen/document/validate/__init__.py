"""Cross-file checks on a loaded workspace: the mistakes a schema alone cannot see.

Returns diagnostics and never raises, so `check` can list every problem in one run. Each module
of this package checks one kind of thing; the two functions here run them, always in the same
order, so the same workspace gives the same diagnostics in the same order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from briefgen.content.loader import with_unloaded_blocks
from briefgen.diagnostics import Diagnostics, Location
from briefgen.document.select import audiences_for
from briefgen.document.validate.audiences import (
    check_overrides,
    check_profile_sections,
    check_profiles,
    check_unread_sections,
)
from briefgen.document.validate.blocks import check_blocks
from briefgen.document.validate.citations import check_citations, check_links, check_reference_fields, check_styles
from briefgen.document.validate.config import check_config, check_theme
from briefgen.document.validate.glyphs import check_brief_glyphs
from briefgen.document.validate.ids import check_id, check_section_ids
from briefgen.document.validate.review import check_review
from briefgen.document.validate.writing import check_writing
from briefgen.model import Brief, Workspace

__all__ = ["TemplateCheck", "validate_brief", "validate_workspace"]

# Compiles the workspace's templates/ and styles/ overrides, reporting each problem at its file and
# line: `briefgen.render.overrides.check_template_overrides`, passed in by the caller (never imported here).
TemplateCheck = Callable[[Path, Diagnostics], None]


def validate_workspace(
    ws: Workspace, diags: Diagnostics, today: dt.date | None = None, check_templates: TemplateCheck | None = None
) -> None:
    """Every cross-reference check for every brief of the workspace."""
    check_profiles(ws, diags)
    check_config(ws, diags)
    check_theme(ws.root, diags)
    if check_templates is not None:
        check_templates(ws.root, diags)
    for brief in ws.briefs.values():
        # Block files that break the schema are checked too, as far as they can be read, so their
        # warnings come with their errors rather than after the errors are fixed.
        brief = with_unloaded_blocks(brief, ws.root, ws.config, diags)
        validate_brief(ws, brief, diags)
        check_review(ws, brief, diags, today or dt.date.today())


def validate_brief(ws: Workspace, brief: Brief, diags: Diagnostics) -> None:
    """Checks within one brief: ids, sections, audiences, tags, citations, kinds, styles."""
    profiles = audiences_for(ws, brief)
    check_id(brief.id, "brief", Location(brief.path), diags)
    check_section_ids(brief, diags)
    check_overrides(brief, set(ws.declared_audiences or ws.audiences), diags)
    check_profile_sections(ws, brief, profiles, diags)
    check_unread_sections(brief, profiles, diags)
    check_blocks(ws, brief, diags)
    check_citations(brief, diags)
    check_links(brief, diags)
    check_reference_fields(brief, diags)
    check_styles(ws, brief, profiles, diags)
    check_writing(ws, brief, profiles, diags)
    check_brief_glyphs(ws, brief, diags)
