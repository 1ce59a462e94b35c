"""Cross-file checks on a loaded workspace: the mistakes a schema alone cannot see.

Returns diagnostics and never raises, so `check` can list every problem in one run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from pathlib import Path

from briefgen.content.crossrefs import is_cross_reference
from briefgen.content.links import link_problem
from briefgen.content.loader import cache_file, merge_audience, unloaded_block_ids, with_unloaded_blocks
from briefgen.content.richtext import walk
from briefgen.content.schema import KIND_FIELDS, KIND_REQUIRED
from briefgen.content.style import ThemeError, load_style
from briefgen.content.yamlsrc import load_yaml
from briefgen.diagnostics import Diagnostics, Location, did_you_mean, relative_to
from briefgen.document.validate_writing import check_glyphs, check_writing
from briefgen.model import AudienceProfile, Brief, Link, Workspace

SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def validate_workspace(ws: Workspace, diags: Diagnostics, today: dt.date | None = None) -> None:
    """Every cross-reference check for every brief of the workspace."""
    marking_ids = [m.id for m in ws.config.markings]
    for name, audience in ws.audiences.items():
        _check_id(name, "audience", audience.location, diags)
        if marking_ids and audience.marking:
            diags.warning(
                "marking.ignored",
                f"audience '{name}' sets marking '{audience.marking}', but briefgen.yaml defines markings, so the "
                "banner follows the levels of the blocks each output contains; remove 'marking:' or the markings",
                audience.location,
            )
        if audience.max_marking is not None:
            _check_marking(
                audience.max_marking, marking_ids, f"audience '{name}' max_marking", audience.location, diags
            )
    config_loc = Location(ws.root / "briefgen.yaml")
    default = ws.config.default_brief
    if default and not (ws.root / "briefs" / default / "brief.yaml").is_file():
        names = sorted(p.parent.name for p in (ws.root / "briefs").glob("*/brief.yaml"))
        diags.error(
            "config.default-brief",
            f"default_brief '{default}' has no folder briefs/{default}/ with a brief.yaml"
            f"{did_you_mean(default, names)}; briefs: {', '.join(names) or 'none'}",
            config_loc,
        )
    if not (ws.root / ws.config.output_dir).resolve().is_relative_to(ws.root.resolve()):
        diags.error(
            "config.output-dir",
            f"output_dir '{ws.config.output_dir}' lies outside the workspace; "
            "give a folder inside it (use -o to write elsewhere for one build)",
            config_loc,
        )
    try:
        diags.extend(Diagnostics(list(load_style(ws.root).notes)))
    except ThemeError as exc:  # every problem of theme.yaml, each at its line and column
        diags.extend(exc.diagnostics)
    if any(
        os.path.islink(folder) or any(p.name != "README.md" for p in folder.iterdir())
        for folder in (ws.root / "templates", ws.root / "styles")
        if os.path.lexists(folder) and (folder.is_dir() or os.path.islink(folder))
    ):
        from briefgen.render.templates import check_templates  # Jinja and the renderers: only for overrides

        check_templates(ws.root, diags)
    for brief in ws.briefs.values():
        # Block files that break the schema are checked too, as far as they can be read, so their
        # warnings come with their errors rather than after the errors are fixed.
        brief = with_unloaded_blocks(brief, ws.root, ws.config, diags)
        validate_brief(ws, brief, diags)
        _check_review(ws, brief, diags, today or dt.date.today())


def _check_marking(value: str, ids: list[str], what: str, loc: Location | None, diags: Diagnostics) -> None:
    if not ids:
        diags.error(
            "marking.undefined",
            f"{what} is '{value}', but briefgen.yaml defines no markings; "
            "add a 'markings:' list there or remove the field",
            loc,
        )
    elif value not in ids:
        diags.error(
            "marking.unknown",
            f"{what} '{value}' is not one of briefgen.yaml's markings"
            f"{did_you_mean(value, ids)}; use one of: {', '.join(ids)}",
            loc,
        )


def _check_review(ws: Workspace, brief: Brief, diags: Diagnostics, today: dt.date) -> None:
    """Stale blocks, sections an audience would lose to unapproved blocks, blocks held back by marking."""
    from briefgen.document.select import SelectOptions, above_ceiling, admits

    for block in brief.blocks:
        if block.review_by and block.review_by < today:
            diags.warning(
                "block.stale",
                f"block '{block.id}' was due for review on {block.review_by.isoformat()}; check its facts, then "
                "update 'as_of' and 'review_by'",
                block.locations.get("review_by.value"),
            )
    markings = ws.config.markings
    for name, audience in audiences_for(ws, brief).items():
        # An audience that receives nothing gets one warning naming every rule, unapproved blocks included,
        # not one per section it loses to them as well.
        empty = _check_empty_audience(brief, name, audience, markings, diags)
        for section in brief.sections:
            if empty or section.id not in audience.sections:
                continue
            blocks = [b for b in brief.blocks if b.section == section.id]
            approved = {b.id for b in blocks if admits(b, audience, SelectOptions(False, markings))}
            pending = [
                b.id for b in blocks if b.id not in approved and admits(b, audience, SelectOptions(True, markings))
            ]
            if pending and not approved:
                diags.warning(
                    "review.lost-section",
                    f"audience '{name}' would get no '{section.id}' section: its blocks are not approved yet "
                    f"({', '.join(pending)}); approve them or build with --drafts",
                    section.location,
                )
        held = [b.id for b in brief.blocks if above_ceiling(b, audience, markings)]
        if held:
            diags.note(
                "marking.withheld",
                f"audience '{name}' (max_marking {audience.max_marking}) never receives: {', '.join(held)}",
                audience.location,
            )


PROFILE_RULES = ("sections", "max_marking", "include_tags", "exclude_tags")  # set in the audience's profile


def _check_empty_audience(
    brief: Brief, name: str, audience: AudienceProfile, markings: tuple, diags: Diagnostics
) -> bool:
    """A warning, at the audience's profile, when its documents would hold no block at all; True if given.

    Names the rules that leave the brief's blocks out (`withheld_by`, which selection applies):
    those that leave out every block when there are such, else all of them, each with its fix.
    Says nothing when a block file could not be read (it may be the one this audience would
    receive; its error is at the file) or the brief has no blocks yet.
    """
    from briefgen.document.select import RULES, SelectOptions, withheld_by

    if not brief.blocks or unloaded_block_ids(brief):
        return False
    left_out: dict[str, list[str]] = {}
    for block in brief.blocks:
        rules = withheld_by(block, audience, SelectOptions(False, markings))
        if not rules:
            return False
        for rule in rules:
            left_out.setdefault(rule, []).append(block.id)
    # A rule that leaves out every block empties the audience by itself: name only such rules, if any.
    universal = {rule: ids for rule, ids in left_out.items() if len(ids) == len(brief.blocks)}
    left_out = universal or left_out
    tagged = {tag for block in brief.blocks for tag in block.tags}
    reasons = []
    for rule in sorted(left_out, key=RULES.index):
        ids = left_out[rule]
        count = f"{len(ids)} block{'s' * (len(ids) != 1)} ({_some(ids)})"
        if rule == "sections":
            reasons.append(f"sections [{', '.join(audience.sections)}] leave out {count}")
        elif rule == "max_marking":
            reasons.append(f"max_marking '{audience.max_marking}' leaves out {count} marked above it")
        elif rule == "audiences":
            reasons.append(f"the audiences lists of {count} leave it out")
        elif rule == "exclude_audiences":
            reasons.append(f"the exclude_audiences of {count} name it")
        elif rule == "include_tags" and not tagged & set(audience.include_tags):
            reasons.append(f"include_tags [{', '.join(audience.include_tags)}] matches no block")
        elif rule in ("include_tags", "exclude_tags"):
            tags = audience.include_tags if rule == "include_tags" else audience.exclude_tags
            reasons.append(f"{rule} [{', '.join(tags)}] leaves out {count}")
        else:  # status
            reasons.append(f"status leaves out {count} not approved yet")
    profile_rules = [r for r in PROFILE_RULES if r in left_out]
    fixes = [f"change its {' or '.join(profile_rules)}"] if profile_rules else []
    if "audiences" in left_out:
        fixes.append(f"add '{name}' to the blocks' audiences lists")
    if "exclude_audiences" in left_out:
        fixes.append(f"take '{name}' out of the blocks' exclude_audiences")
    if "status" in left_out:
        fixes.append("approve the blocks (or build with --drafts)")
    override = brief.audience_overrides.get(name, {})
    where = override.get("__loc__") if any(r in override for r in profile_rules) else None
    diags.warning(
        "audience.no-blocks",
        f"audience '{name}' receives no block of brief '{brief.id}', so its outputs would hold only the masthead: "
        f"{'; '.join(reasons)}; to fix it, {', or '.join(fixes)} ('briefgen list --why' names each block's rule)",
        where or audience.location or Location(brief.path),
    )
    return True


def _some(ids: list[str], shown: int = 3) -> str:
    """At most `shown` ids, then how many more."""
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def _check_id(name: str, what: str, loc: Location | None, diags: Diagnostics) -> None:
    if not SAFE_ID.match(name) or name in RESERVED_NAMES:
        diags.error(
            "id.unsafe",
            f"'{name}' cannot be used as a {what} id because it becomes a file name; "
            "use lower-case letters, digits, '-' and '_' (and not a reserved device name such as 'con')",
            loc,
        )


def _workspace_section_ids(root: Path) -> set[str]:
    """Section ids of every brief in the workspace (read lightly, even when checking one brief).

    Read with the same confinement and limits as every other file; their problems are reported
    when those briefs are checked themselves.
    """
    ids: set[str] = set()
    for path in (root / "briefs").glob("*/brief.yaml"):
        node = load_yaml(path, Diagnostics(), root)
        sections = node.plain().get("sections", []) if node is not None and node.is_map else []
        ids |= {str(s.get("id")) for s in sections if isinstance(sections, list) and isinstance(s, dict)}
    return ids


def audiences_for(ws: Workspace, brief: Brief) -> dict[str, AudienceProfile]:
    """The workspace's audience profiles with this brief's overrides applied."""
    result = {}
    for name, profile in ws.audiences.items():
        override = brief.audience_overrides.get(name)
        result[name] = merge_audience(profile, override) if override else profile
    return result


def validate_brief(ws: Workspace, brief: Brief, diags: Diagnostics) -> None:
    """Checks within one brief: ids, sections, audiences, tags, citations, kinds, styles."""
    _check_id(brief.id, "brief", Location(brief.path), diags)
    section_ids = [s.id for s in brief.sections]
    audience_ids = set(ws.declared_audiences or ws.audiences)
    workspace_sections = _workspace_section_ids(ws.root)
    seen_sections: set[str] = set()
    for section in brief.sections:
        if section.id in seen_sections:
            diags.error(
                "brief.duplicate-section", f"section '{section.id}' is defined twice; rename one", section.location
            )
        seen_sections.add(section.id)

    for name, override in brief.audience_overrides.items():
        if name not in audience_ids:
            diags.error(
                "brief.unknown-audience",
                f"audience '{name}' has no profile in audiences.yaml{did_you_mean(name, audience_ids)}; "
                "add the profile or fix the name",
                override.get("__loc__"),
            )

    for name, profile in audiences_for(ws, brief).items():
        override = brief.audience_overrides.get(name, {})
        for sec in profile.sections:
            if sec in section_ids:
                continue
            message = (
                f"audience '{name}' lists section '{sec}', which brief '{brief.id}' does not define"
                f"{did_you_mean(sec, section_ids)}; it is skipped for this brief"
            )
            if "sections" in override:  # the brief chose this list itself: a likely typo
                diags.warning("audience.unknown-section", message, override.get("__loc__"))
            elif sec in workspace_sections:  # profiles are shared; another brief defines it
                diags.note("audience.unknown-section", message, profile.location)
            else:  # no brief defines it: a typo that silently drops a section
                diags.warning("audience.unknown-section", message, profile.location)

    profiles = audiences_for(ws, brief)
    received = {sec for profile in profiles.values() for sec in profile.sections}
    for section in brief.sections:
        blocks = sum(block.section == section.id for block in brief.blocks)
        if profiles and section.id not in received and blocks:
            diags.warning(
                "brief.unread-section",
                f"section '{section.id}' is in no audience's sections, so no output shows its "
                f"{blocks} block{'s' * (blocks != 1)}; add '{section.id}' to the sections of the audiences that "
                "should read it (audiences.yaml, or audiences: in brief.yaml)",
                section.location or Location(brief.path),
            )

    seen_ids: dict[str, Location | None] = {}
    known_tags = {t for p in ws.audiences.values() for t in (*p.include_tags, *p.exclude_tags)}
    for block in brief.blocks:
        loc = block.locations
        if "id" not in loc and not SAFE_ID.match(block.id):
            diags.error(
                "block.file-name",
                f"the file name '{block.path.name}' cannot serve as the block's id; rename the file with "
                "lower-case letters, digits and '-' (for example my-block.yaml) or add an 'id:' line",
                block.location,
            )
        if block.id in seen_ids:
            first = seen_ids[block.id]
            diags.error(
                "block.duplicate-id",
                f"block id '{block.id}' is already used by {first.path.name if first else 'another block'}; "
                "give one of them a different id",
                loc.get("id", block.location),
            )
        else:
            seen_ids[block.id] = loc.get("id", block.location)
        if block.section not in section_ids:
            diags.error(
                "block.unknown-section",
                f"section '{block.section}' is not defined in brief.yaml{did_you_mean(block.section, section_ids)}; "
                f"use one of: {', '.join(section_ids)}",
                loc.get("section.value"),
            )
        for key in ("audiences", "exclude_audiences"):
            for name in (block.audiences or ()) if key == "audiences" else block.exclude_audiences:
                if name not in audience_ids:
                    diags.error(
                        "block.unknown-audience",
                        f"audience '{name}' in {key} has no profile{did_you_mean(name, audience_ids)}; "
                        f"known audiences: {', '.join(sorted(audience_ids))}",
                        loc.get(f"{key}.value"),
                    )
        if block.audiences == ():
            diags.warning(
                "block.no-audience",
                "this block reaches no audience: its audiences list is empty; name the audiences that should read "
                "it in the list, or delete the 'audiences:' line to send it to every audience",
                loc.get("audiences.value"),
            )
        for name in block.variants:
            if name not in audience_ids:
                diags.error(
                    "block.unknown-audience",
                    f"variant for audience '{name}', which has no profile{did_you_mean(name, audience_ids)}",
                    loc.get(f"variants.{name}"),
                )
        for tag in block.tags:
            close = difflib.get_close_matches(tag, sorted(known_tags), n=1, cutoff=0.85)
            if tag not in known_tags and close:
                owners = [n for n, p in ws.audiences.items() if close[0] in (*p.include_tags, *p.exclude_tags)]
                diags.warning(
                    "block.tag-typo",
                    f"tag '{tag}' here and tag '{close[0]}' in audience '{owners[0]}' differ by a letter or two; "
                    "one of them is probably misspelt, and a misspelt tag can leak a block to an audience "
                    "that should not get it",
                    loc.get("tags.value"),
                )
        _check_kind(block.kind, block.fields, block.mitigation, loc, diags)
        if block.marking is not None:
            _check_marking(
                block.marking,
                [m.id for m in ws.config.markings],
                "the block's marking",
                loc.get("marking.value"),
                diags,
            )
        if block.summary is None and any(p.detail == "summary" for p in ws.audiences.values()):
            diags.warning(
                "block.no-summary",
                "the block has no 'summary:'; summary audiences will get its full body",
                loc.get("body"),
            )

    _check_citations(brief, diags)
    _check_links(brief, diags)
    _check_reference_fields(brief, diags)
    _check_style(brief, ws, diags)
    check_writing(ws, brief, audiences_for(ws, brief), diags)
    try:
        check_glyphs(brief, load_style(ws.root), diags, cache_file(ws.root, ws.config, "fonts.json"))
    except ThemeError:
        pass  # reported once, for the workspace


def _check_kind(kind, fields, mitigation, loc, diags: Diagnostics) -> None:
    for field in KIND_REQUIRED[kind]:
        if field not in fields:
            diags.error(
                "block.missing-field",
                f"a {kind} block needs '{field}:'; add it",
                loc.get("kind", loc.get("section")),
            )
    allowed = set(KIND_FIELDS[kind])
    for other_kind, names in KIND_FIELDS.items():
        for name in names:
            if name in loc and name not in allowed:
                diags.error(
                    "block.field-kind",
                    f"'{name}' only applies to {other_kind} blocks, but this block's kind is {kind}; "
                    f"set 'kind: {other_kind}' or remove the field",
                    loc[name],
                )


def _check_links(brief: Brief, diags: Diagnostics) -> None:
    """Links go to the web, e-mail or this document: each link Pandoc read, judged by the writers' own rule."""
    for _block_id, field in brief.markdown_fields():
        reported: set[tuple[str, Location | None]] = set()
        for node in walk(field.blocks):
            problem = link_problem(node.href) if isinstance(node, Link) else None
            if problem is None:
                continue
            where = node.location or field.location
            if (problem, where) not in reported:  # links sharing one definition: one error there
                reported.add((problem, where))
                diags.error("link.scheme", problem, where)


def _check_citations(brief: Brief, diags: Diagnostics) -> None:
    keys = set(brief.references)
    targets = {b.id for b in brief.blocks} | {"sec-" + s.id for s in brief.sections}
    unread = unloaded_block_ids(brief)  # a block whose file is broken: the error is at that file, once
    # A bibliography file with an error (an unclosed quote, a bad entry) may be where a key lives: that
    # error is reported at the file, and its citations are not called unknown a second time.
    bibliographies = set(brief.bibliography_files)  # as the loader named them (no resolving: links may loop)
    broken_bibliography = any(d.location is not None and d.location.path in bibliographies for d in diags.errors)
    cited: set[str] = set()
    for _block_id, field in brief.markdown_fields():
        for citation in field.citations:
            for item in citation.items:
                cited.add(item.key)
                if item.key not in keys and (item.key in unread or broken_bibliography):
                    continue
                if item.key not in keys and not is_cross_reference(item.key, targets):  # else: xref.mixed
                    hint = did_you_mean(item.key, keys | targets)
                    if (
                        hint
                        and difflib.get_close_matches(item.key, sorted(targets), n=1)
                        and not did_you_mean(item.key, keys)
                    ):
                        message = (
                            f"'@{item.key}' is neither a citation key nor a block id{hint}; fix the block id "
                            "(a block's file name without .yaml), or add the work to the bibliography"
                        )
                    else:
                        message = (
                            f"unknown citation '{item.key}'{hint}; add it to the bibliography, fix the key, "
                            "or write a block's id to refer to that block"
                        )
                    diags.error("cite.missing", message, item.location)
    for key, ref in brief.references.items():
        if key not in cited:
            diags.warning(
                "cite.unused",
                f"reference '{key}' is never cited; cite it or remove it from the bibliography",
                ref.location,
            )


# Fields citation styles print for each CSL type; "a|b" means either will do.
STYLE_FIELDS: dict[str, tuple[str, ...]] = {
    "article-journal": ("author", "title", "container-title", "issued"),
    "article-magazine": ("author|editor|container-title", "title", "container-title", "issued"),
    "article-newspaper": ("title", "container-title", "issued"),
    "book": ("author|editor", "title", "publisher", "issued"),
    "chapter": ("author", "title", "container-title", "publisher", "issued"),
    "report": ("author|publisher", "title", "publisher", "issued"),
    "webpage": ("title", "container-title|URL"),
}


def _check_reference_fields(brief: Brief, diags: Diagnostics) -> None:
    for ref in brief.references.values():
        kind = str(ref.csl.get("type", ""))
        missing = [
            " or ".join(repr(o) for o in need.split("|"))
            for need in STYLE_FIELDS.get(kind, ("title",))
            if not any(ref.csl.get(name) for name in need.split("|"))
        ]
        if missing:
            diags.warning(
                "cite.incomplete",
                f"reference '{ref.id}' ({kind or 'no type'}) lacks {', '.join(missing)}, which citation styles "
                "print for this type; add what the source gives (never invent it)",
                ref.location,
            )


def _check_style(brief: Brief, ws: Workspace, diags: Diagnostics) -> None:
    from briefgen.document.cite import StyleNotFound, resolve_style

    styles = {brief.csl: brief.csl_location or Location(brief.path)}
    for audience in audiences_for(ws, brief).values():
        if audience.csl:
            styles.setdefault(audience.csl, audience.location or Location(brief.path))
    for style, where in styles.items():
        try:
            resolve_style(style, brief.folder, ws.root)
        except StyleNotFound as exc:
            diags.error("cite.style", str(exc), where)


def relative(path: Path, root: Path) -> str:
    return relative_to(path, root).as_posix()
