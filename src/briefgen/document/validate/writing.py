"""Checks on what staff write in Markdown fields: refused constructs, notes, ids and cross-references.

Cross-references are checked twice: against the whole brief (an id that exists nowhere, with
a did-you-mean) and in the text each audience actually reads (a block, section or table the
audience does not receive), by running the same numbering the build runs.
"""

from __future__ import annotations

from briefgen.content.crossrefs import XREF_PREFIXES
from briefgen.content.language import labels_for
from briefgen.content.loader import unloaded_block_ids
from briefgen.content.richtext import walk
from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.document.number import reference_problems, unknown_targets
from briefgen.document.reading import reading_order
from briefgen.document.select import SelectOptions, select
from briefgen.model import AudienceProfile, Brief, CrossRef, Figure, Link, NoteRef, Table, Workspace


def check_writing(ws: Workspace, brief: Brief, audiences: dict[str, AudienceProfile], diags: Diagnostics) -> None:
    """Every problem the reader found, ids and cross-references, notes an audience drops."""
    for _block_id, field in brief.markdown_fields():
        for problem in field.problems:
            diags.add(problem.level, problem.code, problem.message, problem.location or field.location)
    known = _check_ids(brief, diags)
    _check_audience_references(ws, brief, audiences, known, diags)
    _check_dropped_notes(brief, audiences, diags)


def _check_ids(brief: Brief, diags: Diagnostics) -> set[str]:
    """Table ids, unknown targets and ids that clash; returns every id a reference may name."""
    numbered = _check_numbered(brief, diags)
    known = {b.id for b in brief.blocks} | {"sec-" + s.id for s in brief.sections} | {s.id for s in brief.sections}
    known |= set(numbered)
    broken = frozenset(
        p.subject
        for _id, f in brief.markdown_fields()
        for p in f.problems
        if p.code in (codes.MARKDOWN_ATTRIBUTES, codes.FIGURE_ATTRIBUTES)
    )
    # A block whose file is broken is reported at that file; references to it are no second mistake.
    unread = unloaded_block_ids(brief)
    for _block_id, field in brief.markdown_fields():
        for problem in unknown_targets(field, known | unread, broken):
            diags.add(problem.level, problem.code, problem.message, problem.location or field.location)
    _check_clashes(brief, diags)
    return known


def _check_numbered(brief: Brief, diags: Diagnostics) -> dict[str, tuple[str, Location | None]]:
    """The ids of tables and figures; returns each id with the block and place it first stands at.

    A block's summary, body and variants are alternatives (no reader sees two of them), so the
    same table id may stand in each; in two blocks, or twice in one field, it is a mistake.
    """
    numbered: dict[str, tuple[str, Location | None]] = {}
    for block_id, field in brief.markdown_fields():
        in_field: set[str] = set()
        in_notes = {id(t) for n in walk(field.blocks) if isinstance(n, NoteRef) for t in walk(n.blocks)}
        for node in walk(field.blocks):
            if not isinstance(node, Table | Figure) or not node.id:
                continue
            kind, prefix = ("figure", "fig-") if isinstance(node, Figure) else ("table", "tbl-")
            if id(node) in in_notes and kind == "table":  # a figure in a note is refused where it stands
                diags.error(
                    codes.XREF_TABLE_IN_NOTE,
                    f"table '{node.id}' stands in a note, where tables are not numbered, so nothing can refer to "
                    "it; move the table out of the note or remove its id",
                    node.location,
                )
            first = numbered.get(node.id)
            if node.id in in_field or (first is not None and first[0] != block_id):
                other = _short(first[1]) if first else "this field"
                diags.error(
                    codes.XREF_DUPLICATE,
                    f"{kind} id '{node.id}' is used twice (also at {other}); give each {kind} its own "
                    f"{{#{prefix}...}} id",
                    node.location,
                )
            in_field.add(node.id)
            numbered.setdefault(node.id, (block_id, node.location))
            if not node.id.startswith(prefix):
                diags.error(
                    codes.XREF_FIGURE_ID if kind == "figure" else codes.XREF_TABLE_ID,
                    f"{kind} id '{node.id}' must start with '{prefix}' to be cross-referenced; "
                    f"write {{#{prefix}{node.id}}}",
                    node.location,
                )
            if isinstance(node, Table) and not node.caption:
                diags.error(
                    codes.XREF_TABLE_CAPTION,
                    f"table '{node.id}' has an id but no caption, so it has no number to refer to; "
                    "write ': Caption {#" + node.id + "}' after the table",
                    node.location,
                )
    return numbered


def _check_clashes(brief: Brief, diags: Diagnostics) -> None:
    """Block ids that a citation or a cross-reference would take for something else."""
    for block in brief.blocks:
        ref = brief.references.get(block.id)
        where = block.locations.get("id", block.location)
        if ref is not None:
            diags.error(
                codes.XREF_CLASH,
                f"block id '{block.id}' is also a bibliography key (at {_short(ref.location)}), so @{block.id} "
                "cannot mean both; rename the block file or give it an 'id:', or change the key",
                where,
            )
        if block.id.startswith(XREF_PREFIXES):
            diags.error(
                codes.XREF_CLASH,
                f"block id '{block.id}' starts with '{block.id[:4]}', which marks tables, figures and sections in "
                "cross-references; rename the block file or give it an 'id:' without that prefix",
                where,
            )


def _short(location: Location | None) -> str:
    if location is None:
        return "another place"
    name = location.path.name
    return f"{name}:{location.line}:{location.column}" if location.line else name


def _check_audience_references(
    ws: Workspace, brief: Brief, audiences: dict[str, AudienceProfile], known: set[str], diags: Diagnostics
) -> None:
    """A reference must resolve in every document that contains it, with or without drafts."""
    from briefgen.content.style import ThemeError, load_style

    try:
        overrides = load_style(ws.root).theme.get("labels")
    except ThemeError:
        overrides = None
    if not any(
        isinstance(n, CrossRef) or (isinstance(n, Link) and n.href.startswith("#"))
        for _id, field in brief.markdown_fields()
        for n in walk(field.blocks)
    ):
        return  # nothing refers to anything
    seen: set[tuple] = set()
    statuses = {b.id: b.status for b in brief.blocks}
    for audience in audiences.values():
        for drafts in (False, True):
            doc = select(brief, audience, SelectOptions(drafts=drafts, markings=ws.config.markings))
            problems = reference_problems(doc, labels_for(doc.language, overrides))
            for problem in problems:
                key = (problem.message, problem.location)
                if key in seen or problem.subject not in known:
                    continue  # an id that exists nowhere is reported once, with a did-you-mean
                seen.add(key)
                message = problem.message
                status = statuses.get(problem.subject)
                if status and status != "approved" and not drafts:
                    message = message.replace("; give this block", f" (it is {status}, not approved); give this block")
                diags.add(problem.level, problem.code, message, problem.location)


def _check_dropped_notes(brief: Brief, audiences: dict[str, AudienceProfile], diags: Diagnostics) -> None:
    """Under `notes: none` explanatory notes are not printed; say so where each one is written."""
    quiet = [a for a in audiences.values() if a.notes == "none"]
    if not quiet:
        return
    for audience in quiet:
        doc = select(brief, audience, SelectOptions(drafts=True))
        for _block_id, blocks in reading_order(doc):
            for node in walk(blocks):
                if isinstance(node, NoteRef):
                    diags.warning(
                        codes.NOTE_DROPPED,
                        f"the {audience.id} audience has 'notes: none', so this explanatory note is not printed "
                        f"for it; move the text into the paragraph or give {audience.id} a variant",
                        node.location,
                    )
