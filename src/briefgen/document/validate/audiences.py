"""Audiences: their profiles, the names that point at them, and audiences left with nothing to read.

Who receives a block is decided in `document.select`; the mistakes here are the ones that make
that decision silently wrong: a profile name or a section misspelt, a tag one letter off, a
section no audience reads, or an audience whose documents would hold no block at all.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from briefgen.content.loader import unloaded_block_ids
from briefgen.content.yamlsrc import load_yaml
from briefgen.diagnostics import Diagnostics, Location, codes, did_you_mean
from briefgen.document.select import RULES, SelectOptions, withheld_by
from briefgen.document.validate.ids import check_id
from briefgen.document.validate.markings import check_audience_marking, check_marking
from briefgen.model import AudienceProfile, Brief, ContentBlock, Workspace

PROFILE_RULES = ("sections", "max_marking", "include_tags", "exclude_tags")  # set in the audience's profile


def check_profiles(ws: Workspace, diags: Diagnostics) -> None:
    """Each profile of audiences.yaml: its id, and the markings it names."""
    marking_ids = [m.id for m in ws.config.markings]
    for name, audience in ws.audiences.items():
        check_id(name, "audience", audience.location, diags)
        check_audience_marking(name, audience, marking_ids, diags)
    site = ws.config.site
    if site.max_marking is not None:
        check_marking(site.max_marking, marking_ids, "site max_marking", site.location, diags)


def check_overrides(brief: Brief, audience_ids: set[str], diags: Diagnostics) -> None:
    """An error at each of the brief's audience overrides that names no profile."""
    for name, override in brief.audience_overrides.items():
        if name not in audience_ids:
            diags.error(
                codes.BRIEF_UNKNOWN_AUDIENCE,
                f"audience '{name}' has no profile in audiences.yaml{did_you_mean(name, audience_ids)}; "
                "add the profile or fix the name",
                override.get("__loc__"),
            )


def check_profile_sections(
    ws: Workspace, brief: Brief, profiles: dict[str, AudienceProfile], diags: Diagnostics
) -> None:
    """Sections an audience lists that this brief does not define: a typo, or another brief's section."""
    section_ids = [s.id for s in brief.sections]
    workspace_sections = _workspace_section_ids(ws.root)
    for name, profile in profiles.items():
        override = brief.audience_overrides.get(name, {})
        for sec in profile.sections:
            if sec in section_ids:
                continue
            message = (
                f"audience '{name}' lists section '{sec}', which brief '{brief.id}' does not define"
                f"{did_you_mean(sec, section_ids)}; it is skipped for this brief"
            )
            if "sections" in override:  # the brief chose this list itself: a likely typo
                diags.warning(codes.AUDIENCE_UNKNOWN_SECTION, message, override.get("__loc__"))
            elif sec in workspace_sections:  # profiles are shared; another brief defines it
                diags.note(codes.AUDIENCE_UNKNOWN_SECTION, message, profile.location)
            else:  # no brief defines it: a typo that silently drops a section
                diags.warning(codes.AUDIENCE_UNKNOWN_SECTION, message, profile.location)


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


def check_unread_sections(brief: Brief, profiles: dict[str, AudienceProfile], diags: Diagnostics) -> None:
    """A warning at each section with blocks that no audience's sections include."""
    received = {sec for profile in profiles.values() for sec in profile.sections}
    for section in brief.sections:
        blocks = sum(block.section == section.id for block in brief.blocks)
        if profiles and section.id not in received and blocks:
            diags.warning(
                codes.BRIEF_UNREAD_SECTION,
                f"section '{section.id}' is in no audience's sections, so no output shows its "
                f"{blocks} block{'s' * (blocks != 1)}; add '{section.id}' to the sections of the audiences that "
                "should read it (audiences.yaml, or audiences: in brief.yaml)",
                section.location or Location(brief.path),
            )


def check_block_audiences(block: ContentBlock, audience_ids: set[str], diags: Diagnostics) -> None:
    """The audiences a block names (in audiences, exclude_audiences, variants) have profiles; an empty list."""
    loc = block.locations
    for key in ("audiences", "exclude_audiences"):
        for name in (block.audiences or ()) if key == "audiences" else block.exclude_audiences:
            if name not in audience_ids:
                diags.error(
                    codes.BLOCK_UNKNOWN_AUDIENCE,
                    f"audience '{name}' in {key} has no profile{did_you_mean(name, audience_ids)}; "
                    f"known audiences: {', '.join(sorted(audience_ids))}",
                    loc.get(f"{key}.value"),
                )
    if block.audiences == ():
        diags.warning(
            codes.BLOCK_NO_AUDIENCE,
            "this block reaches no audience: its audiences list is empty; name the audiences that should read "
            "it in the list, or delete the 'audiences:' line to send it to every audience",
            loc.get("audiences.value"),
        )
    for name in block.variants:
        if name not in audience_ids:
            diags.error(
                codes.BLOCK_UNKNOWN_AUDIENCE,
                f"variant for audience '{name}', which has no profile{did_you_mean(name, audience_ids)}",
                loc.get(f"variants.{name}"),
            )


def check_block_tags(ws: Workspace, block: ContentBlock, known_tags: set[str], diags: Diagnostics) -> None:
    """A warning at a tag one letter or two from a tag an audience selects by (`known_tags`)."""
    for tag in block.tags:
        close = difflib.get_close_matches(tag, sorted(known_tags), n=1, cutoff=0.85)
        if tag not in known_tags and close:
            owners = [n for n, p in ws.audiences.items() if close[0] in (*p.include_tags, *p.exclude_tags)]
            diags.warning(
                codes.BLOCK_TAG_TYPO,
                f"tag '{tag}' here and tag '{close[0]}' in audience '{owners[0]}' differ by a letter or two; "
                "one of them is probably misspelt, and a misspelt tag can leak a block to an audience "
                "that should not get it",
                block.locations.get("tags.value"),
            )


def check_empty_audience(
    brief: Brief, name: str, audience: AudienceProfile, markings: tuple, diags: Diagnostics
) -> bool:
    """A warning, at the audience's profile, when its documents would hold no block at all; True if given.

    Names the rules that leave the brief's blocks out (`withheld_by`, which selection applies):
    those that leave out every block when there are such, else all of them, each with its fix.
    Says nothing when a block file could not be read (it may be the one this audience would
    receive; its error is at the file) or the brief has no blocks yet.
    """
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
    reasons = _reasons(brief, audience, left_out)
    profile_rules = [r for r in PROFILE_RULES if r in left_out]
    fixes = _fixes(name, left_out, profile_rules)
    override = brief.audience_overrides.get(name, {})
    where = override.get("__loc__") if any(r in override for r in profile_rules) else None
    diags.warning(
        codes.AUDIENCE_NO_BLOCKS,
        f"audience '{name}' receives no block of brief '{brief.id}', so its outputs would hold only the masthead: "
        f"{'; '.join(reasons)}; to fix it, {', or '.join(fixes)} ('briefgen list --why' names each block's rule)",
        where or audience.location or Location(brief.path),
    )
    return True


def _reasons(brief: Brief, audience: AudienceProfile, left_out: dict[str, list[str]]) -> list[str]:
    """Each rule in `left_out` (rule -> the blocks it leaves out) in words, in selection's order."""
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
    return reasons


def _fixes(name: str, left_out: dict[str, list[str]], profile_rules: list[str]) -> list[str]:
    """What to change for the rules in `left_out`: the profile's rules first, then the blocks'."""
    fixes = [f"change its {' or '.join(profile_rules)}"] if profile_rules else []
    if "audiences" in left_out:
        fixes.append(f"add '{name}' to the blocks' audiences lists")
    if "exclude_audiences" in left_out:
        fixes.append(f"take '{name}' out of the blocks' exclude_audiences")
    if "status" in left_out:
        fixes.append("approve the blocks (or build with --drafts)")
    return fixes


def _some(ids: list[str], shown: int = 3) -> str:
    """At most `shown` ids, then how many more."""
    more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more
