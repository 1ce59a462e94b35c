"""Choosing what one audience receives: a pure function from (brief, audience) to a Document.

The one place for who receives a block: the audiences a brief has (`audiences_for`, with the
brief's overrides), the rules that admit a block to each, and the document each one gets.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.content.loader import merge_audience
from briefgen.content.schema import KIND_FIELDS
from briefgen.document.portions import mark_portions
from briefgen.model import (
    RISK_LEVELS,
    AudienceProfile,
    Brief,
    ContentBlock,
    DocBlock,
    DocSection,
    Document,
    Markdown,
    MarkingLevel,
    Variant,
    Workspace,
)


def audiences_for(ws: Workspace, brief: Brief) -> dict[str, AudienceProfile]:
    """The workspace's audience profiles with this brief's overrides applied."""
    result = {}
    for name, profile in ws.audiences.items():
        override = brief.audience_overrides.get(name)
        result[name] = merge_audience(profile, override) if override else profile
    return result


@dataclass(frozen=True)
class SelectOptions:
    drafts: bool = False
    markings: tuple[MarkingLevel, ...] = ()


def _rank(markings: tuple[MarkingLevel, ...], marking: str | None) -> int:
    ids = [m.id for m in markings]
    return ids.index(marking) if marking in ids else 0


def document_level(doc: Document, brief: Brief, markings: tuple[MarkingLevel, ...]) -> int:
    """The handling level of a selected document: the highest among the blocks it holds (0: the lowest).

    The same rule as its banner; `briefgen site` publishes by it.
    """
    held = {b.id for section in doc.sections for b in section.blocks}
    return max((_rank(markings, b.marking) for b in brief.blocks if b.id in held), default=0)


def above_ceiling(block: ContentBlock, audience: AudienceProfile, markings: tuple[MarkingLevel, ...]) -> bool:
    """True when the block's handling level is higher than the audience may ever receive."""
    if not markings or audience.max_marking is None:
        return False
    return _rank(markings, block.marking) > _rank(markings, audience.max_marking)


def admits(block: ContentBlock, audience: AudienceProfile, options: SelectOptions) -> bool:
    """Whether this audience receives this block: handling level, lists, tags, then review status."""
    return not refusals(block, audience, options)


def refusals(block: ContentBlock, audience: AudienceProfile, options: SelectOptions) -> list[str]:
    """Every rule that keeps this block from this audience, by its field name (none: admitted).

    `admits` is this list being empty, so `briefgen list --why` names the rules selection applies.
    """
    refused = []
    if above_ceiling(block, audience, options.markings):
        refused.append("max_marking")
    if block.audiences is not None and audience.id not in block.audiences:
        refused.append("audiences")
    if audience.id in block.exclude_audiences:
        refused.append("exclude_audiences")
    if audience.include_tags and not set(block.tags) & set(audience.include_tags):
        refused.append("include_tags")
    if set(block.tags) & set(audience.exclude_tags):
        refused.append("exclude_tags")
    if not (block.status == "approved" or options.drafts):
        refused.append("status")
    return refused


# Every rule that can keep a block out of an audience's document, in the order `withheld_by` names them.
RULES = ("sections", "max_marking", "audiences", "exclude_audiences", "include_tags", "exclude_tags", "status")


def withheld_by(block: ContentBlock, audience: AudienceProfile, options: SelectOptions) -> list[str]:
    """Every rule that keeps this block out of this audience's document (none: the audience reads it).

    `select` walks the audience's sections, then `admits` each of their blocks: the section rule,
    then `refusals`. `list --why` and `check` name the rules from here.
    """
    rules = [] if block.section in audience.sections else ["sections"]
    return rules + refusals(block, audience, options)


def _sort_key(block: ContentBlock) -> tuple:
    if block.kind == "risk":
        impact = RISK_LEVELS.get(block.fields.get("impact", ""), 0)
        return (-block.severity, -impact, block.order, block.path.name)
    return (0, 0, block.order, block.path.name)


def _chosen(block: ContentBlock, audience: AudienceProfile) -> tuple[str, Markdown, str, str]:
    """The title and text this audience reads, with the names of the fields they came from."""
    variant = block.variants.get(audience.id) or Variant()
    prefix = f"variants.{audience.id}."
    if audience.detail == "summary":
        options = [(variant.summary, prefix + "summary"), (block.summary, "summary"), (variant.body, prefix + "body")]
    else:
        options = [(variant.body, prefix + "body")]
    text, text_field = next(((t, f) for t, f in options if t), (block.body, "body"))
    if variant.title:
        return variant.title, text, prefix + "title", text_field
    return block.title, text, "title", text_field


def select(brief: Brief, audience: AudienceProfile, options: SelectOptions | None = None) -> Document:
    """The ordered document one audience receives; renderers consume only this."""
    options = options or SelectOptions()
    defined = {s.id: s for s in brief.sections}
    sections = []
    number = 0
    levels: list[int] = []
    for section_id in audience.sections:
        section = defined.get(section_id)
        if section is None:
            continue
        chosen = sorted(
            (b for b in brief.blocks if b.section == section_id and admits(b, audience, options)),
            key=_sort_key,
        )
        doc_blocks = []
        for block in chosen:
            if block.kind == "recommendation":
                number += 1
            level = _rank(options.markings, block.marking)
            levels.append(level)
            doc_blocks.append(_doc_block(block, audience, options, level, number))
        if doc_blocks:
            sections.append(DocSection(section.id, section.title, tuple(doc_blocks)))
    bottom_line = brief.bottom_line.blocks if (audience.decision and brief.bottom_line) else ()
    marks = options.markings if audience.portion_marks else ()  # the levels whose portion marks are shown
    return Document(
        brief_id=brief.id,
        audience=audience,
        title=brief.title,
        subtitle=brief.subtitle,
        date=brief.date,
        version=brief.version,
        organization=brief.organization,
        authors=brief.authors,
        sections=tuple(sections),
        draft=options.drafts,
        bottom_line=mark_portions(bottom_line, marks[max(levels, default=0)].portion if marks else ""),
        disclaimer=f"({marks[0].portion}) {brief.disclaimer}" if marks and brief.disclaimer else brief.disclaimer,
        csl=audience.csl or brief.csl,
        language=audience.lang or brief.lang,
        banner=_banner(options.markings, levels, audience),
    )


def _doc_block(
    block: ContentBlock, audience: AudienceProfile, options: SelectOptions, level: int, number: int
) -> DocBlock:
    """One block as this audience reads it: its variant's text, its portion mark, its number if a recommendation."""
    title, text, title_field, text_field = _chosen(block, audience)
    portion = options.markings[level].portion if options.markings and audience.portion_marks else ""
    return DocBlock(
        id=block.id,
        source=block.path,
        kind=block.kind,
        title=title,
        content=mark_portions(text.blocks, portion),
        status=block.status,
        fields={k: block.fields.get(k) for k in KIND_FIELDS[block.kind] if k != "mitigation"},
        mitigation=block.mitigation.blocks if block.mitigation else (),
        number=number if block.kind == "recommendation" else None,
        portion=portion,
        as_of=block.as_of if audience.show_as_of else None,
        content_field=text_field,
        title_field=title_field,
    )


def _banner(markings: tuple[MarkingLevel, ...], levels: list[int], audience: AudienceProfile) -> str | None:
    """The page banner: the highest level among the blocks included, or the audience's fixed marking."""
    if not markings:
        return audience.marking
    return markings[max(levels, default=0)].banner or None
