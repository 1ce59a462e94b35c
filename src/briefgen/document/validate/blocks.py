"""Each block file against its brief: its section, the fields its kind takes, and every name it uses.

The schema checks one file at a time; whether a block's section exists, whether its fields
belong to its kind, and whether the audiences, tags and marking it names are defined needs the
brief and the workspace. Blocks are checked one at a time, all checks of one block together.
"""

from __future__ import annotations

from briefgen.content.schema import KIND_FIELDS, KIND_REQUIRED
from briefgen.diagnostics import Diagnostics, Location, codes, did_you_mean
from briefgen.document.validate.audiences import check_block_audiences, check_block_tags
from briefgen.document.validate.ids import check_block_id
from briefgen.document.validate.markings import check_marking
from briefgen.document.validate.plain import check_plain_fields
from briefgen.model import Brief, ContentBlock, Workspace


def check_blocks(ws: Workspace, brief: Brief, diags: Diagnostics) -> None:
    """Every block of the brief: id, section, audiences, tags, kind and fields, marking, summary."""
    section_ids = [s.id for s in brief.sections]
    audience_ids = set(ws.declared_audiences or ws.audiences)
    seen_ids: dict[str, Location | None] = {}
    known_tags = {t for p in ws.audiences.values() for t in (*p.include_tags, *p.exclude_tags)}
    for block in brief.blocks:
        loc = block.locations
        check_block_id(block, seen_ids, diags)
        if block.section and block.section not in section_ids:  # no section: a schema error already
            diags.error(
                codes.BLOCK_UNKNOWN_SECTION,
                f"section '{block.section}' is not defined in brief.yaml{did_you_mean(block.section, section_ids)}; "
                f"use one of: {', '.join(section_ids)}",
                loc.get("section.value"),
            )
        check_block_audiences(block, audience_ids, diags)
        check_block_tags(ws, block, known_tags, diags)
        _check_kind(block, diags)
        check_plain_fields(block, diags)
        if block.marking is not None:
            check_marking(
                block.marking,
                [m.id for m in ws.config.markings],
                "the block's marking",
                loc.get("marking.value"),
                diags,
            )
        if block.summary is None and any(p.detail == "summary" for p in ws.audiences.values()):
            diags.warning(
                codes.BLOCK_NO_SUMMARY,
                "the block has no 'summary:'; summary audiences will get its full body",
                loc.get("body"),
            )


def _check_kind(block: ContentBlock, diags: Diagnostics) -> None:
    """The fields the block's kind requires are there, and no field of another kind is."""
    kind, loc = block.kind, block.locations
    for field in KIND_REQUIRED[kind]:
        if field not in block.fields and field not in loc:  # written but wrong: a schema error already
            diags.error(
                codes.BLOCK_MISSING_FIELD,
                f"a {kind} block needs '{field}:'; add it",
                loc.get("kind", loc.get("section")),
            )
    allowed = set(KIND_FIELDS[kind])
    for other_kind, names in KIND_FIELDS.items():
        for name in names:
            if name in loc and name not in allowed:
                diags.error(
                    codes.BLOCK_FIELD_KIND,
                    f"'{name}' only applies to {other_kind} blocks, but this block's kind is {kind}; "
                    f"set 'kind: {other_kind}' or remove the field",
                    loc[name],
                )
