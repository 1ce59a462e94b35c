"""Numbering and cross-references, per audience document (Quarto's two passes).

`@fig-x`, `@tbl-x`, `@sec-x` and `@block-id` are read as citations by Pandoc; the loader separates them
(`separate_cross_references`). Once an audience's document is chosen, `number_document`
numbers its figures and captioned tables in reading order, collects every target the reader receives,
and turns each reference into a link whose text is the target's label for that reader
("Table 2", "Recommendation 1", a section's or block's title). Quotation marks are set for
the document's language in the same pass. A reference to something this audience does not
receive is a problem at the reference's position, naming the audience.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from briefgen.content.language import quote_marks
from briefgen.content.richtext import rewrite, walk
from briefgen.diagnostics import codes, did_you_mean
from briefgen.model import (
    Block,
    CrossRef,
    Document,
    Figure,
    Link,
    Markdown,
    NoteRef,
    Problem,
    Quoted,
    Table,
    Text,
)


@dataclass(frozen=True)
class Target:
    anchor: str
    label: str
    number: str = ""  # what [-@ref] prints: the number alone


def map_texts(doc: Document, fn: Callable[[str, tuple[Block, ...]], tuple[Block, ...]]) -> Document:
    """The document with `fn(block id, blocks)` applied to every text, in the order a reader meets them."""
    bottom_line = fn("bottom-line", doc.bottom_line)
    sections = []
    for section in doc.sections:
        mitigations = {b.id: fn(b.id, b.mitigation) for b in section.blocks if b.kind == "risk"}  # the register first
        blocks = tuple(
            replace(b, content=fn(b.id, b.content), mitigation=mitigations.get(b.id, b.mitigation))
            for b in section.blocks
        )
        sections.append(replace(section, blocks=blocks))
    return replace(doc, sections=tuple(sections), bottom_line=bottom_line)


def targets_of(doc: Document, labels: dict[str, str]) -> dict[str, Target]:
    """Every id a reference in this document may name, with its label for this reader."""
    targets: dict[str, Target] = {}
    for section in doc.sections:
        targets["sec-" + section.id] = Target(f"section-{section.id}", section.title)
        for block in section.blocks:
            if block.kind == "recommendation":
                label = f"{labels['recommendation']} {block.number}"
                targets[block.id] = Target(f"block-{block.id}", label, str(block.number))
            else:
                targets[block.id] = Target(f"block-{block.id}", block.title)
    counts = {"table": 0, "figure": 0}
    for node in _numbered(doc):
        kind = "figure" if isinstance(node, Figure) else "table"
        counts[kind] += 1
        if node.id:
            targets[node.id] = Target(node.id, f"{labels[kind]} {counts[kind]}", str(counts[kind]))
    return targets


def _numbered(doc: Document) -> list[Table | Figure]:
    """The captioned Markdown tables and the figures of a document in reading order: what gets a number."""
    nodes: list[Table | Figure] = []

    def collect(_id: str, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        nodes.extend(n for n in walk(blocks, into_notes=False) if _is_numbered(n))
        return blocks

    map_texts(doc, collect)
    return nodes


def figures_of(doc: Document) -> list[Figure]:
    """The figures a document shows, in reading order."""
    return [node for node in _numbered(doc) if isinstance(node, Figure)]


def _is_numbered(node: Any) -> bool:
    return isinstance(node, Figure) or (isinstance(node, Table) and bool(node.caption))


def _number_tables_and_figures(doc: Document) -> Document:
    counts = {Table: 0, Figure: 0}

    def number(node: Any) -> tuple[Any, ...] | None:
        if _is_numbered(node):
            counts[type(node)] += 1  # before the tables inside it, in the order `walk` (and `targets_of`) meets them
            numbered = replace(node, number=counts[type(node)])
            if isinstance(numbered, Table):
                numbered = replace(numbered, head=rewrite(numbered.head, number), body=rewrite(numbered.body, number))
            return (numbered,)
        if isinstance(node, NoteRef):
            return (node,)  # tables in notes are not numbered (they print as lines of text)
        return None

    return map_texts(doc, lambda _id, blocks: rewrite(blocks, number))


def _unresolved(node: Any, doc: Document, targets: dict[str, Target]) -> Problem | None:
    """The problem with a cross-reference or #link this document cannot resolve, if any."""
    if isinstance(node, CrossRef) and node.target not in targets:
        return _missing(node.target, doc, node.location, "@" + node.target)
    if isinstance(node, Link) and node.href.startswith("#") and _anchor(node.href[1:], targets) is None:
        return _missing(node.href[1:], doc, node.location, node.href)
    return None


def reference_problems(doc: Document, labels: dict[str, str]) -> list[Problem]:
    """What `number_document` would report for this document, without rewriting it (for `check`)."""
    targets = targets_of(doc, labels)
    problems: list[Problem] = []

    def look(_id: str, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        problems.extend(p for node in walk(blocks) if (p := _unresolved(node, doc, targets)))
        return blocks

    map_texts(doc, look)
    return problems


def number_document(doc: Document, labels: dict[str, str]) -> tuple[Document, list[Problem]]:
    """Tables numbered, cross-references and internal links resolved, quotation marks set."""
    targets = targets_of(doc, labels)
    doc = _number_tables_and_figures(doc)
    problems: list[Problem] = []

    def resolve(node: Any) -> tuple[Any, ...] | None:
        problem = _unresolved(node, doc, targets)
        if problem is not None:  # reported by `check`; the words stay, the link goes
            problems.append(problem)
            return (Text(node.target),) if isinstance(node, CrossRef) else tuple(node.children)
        if isinstance(node, CrossRef):
            target = targets[node.target]
            text = target.number if (node.suppress_prefix and target.number) else target.label
            return (Link("#" + target.anchor, (Text(text),)),)
        if isinstance(node, Link) and node.href.startswith("#"):
            anchor = _anchor(node.href[1:], targets) or node.href[1:]  # resolvable: checked above
            return None if anchor == node.href[1:] else (replace(node, href="#" + anchor),)
        if isinstance(node, Quoted):
            opening, closing = quote_marks(doc.language, node.double)
            return (Text(opening), *rewrite(node.children, resolve), Text(closing))
        return None

    return map_texts(doc, lambda _id, blocks: rewrite(blocks, resolve)), problems


def _anchor(name: str, targets: dict[str, Target]) -> str | None:
    """The anchor a plain link `#name` means: a block, section or table id, or an anchor itself."""
    if name in targets:
        return targets[name].anchor
    if "sec-" + name in targets:
        return targets["sec-" + name].anchor
    anchors = {t.anchor for t in targets.values()}
    if name in anchors:
        return name
    if name in ("bibliography", "notes", "bottom-line", "contents"):
        return name
    return None


def bare_id(name: str) -> str:
    """The id a link anchor names: 'block-x' and 'section-x' are the anchors of x."""
    if name.startswith("section-"):
        return "sec-" + name[len("section-") :]
    return name.removeprefix("block-")


def describe_target(target: str) -> str:
    """'section risks', 'table tbl-x', 'block rec-open': what an id names, for messages."""
    if target.startswith("sec-"):
        return f"section '{target[4:]}'"
    if target.startswith("tbl-"):
        return f"table '{target}'"
    if target.startswith("fig-"):
        return f"figure '{target}'"
    return f"block '{target}'"


def _missing(target: str, doc: Document, location, shown: str) -> Problem:
    audience = doc.audience.id
    kind = "figure" if target.startswith("fig-") else "table"
    where = (
        f"which is not in the text the {audience} audience reads (its block goes to other audiences, or "
        f"{audience} reads that block's summary and the {kind} stands in its body)"
        if target.startswith(("fig-", "tbl-"))
        else f"which the {audience} audience does not receive"
    )
    return Problem(
        "error",
        codes.XREF_NOT_RECEIVED,
        f"'{shown}' refers to {describe_target(bare_id(target))}, {where}; "
        f"give this block a variant for {audience} without the reference, or let {audience} receive it",
        location,
        subject=bare_id(target),
    )


def unknown_targets(field: Markdown, known: set[str], broken: frozenset[str] = frozenset()) -> list[Problem]:
    """References and #links in a field to ids that exist nowhere in the brief, with a did-you-mean.

    `broken` holds ids written on a table that did not come out as a table (reported there).
    """
    problems = []
    for node in walk(field.blocks):
        if isinstance(node, CrossRef):
            name, shown = node.target, "@" + node.target
        elif isinstance(node, Link) and node.href.startswith("#"):
            name, shown = node.href[1:], node.href
        else:
            continue
        if name in known or bare_id(name) in known or name in ("bibliography", "notes", "bottom-line", "contents"):
            continue
        kind = {"tbl-": "table", "fig-": "figure", "sec-": "section"}.get(name[:4], "block, section, table or figure")
        if name in broken:
            problems.append(
                Problem(
                    "error",
                    codes.XREF_UNKNOWN,
                    f"'{shown}' refers to a figure whose attributes stand apart from its image (see the error "
                    f"where {{#{name}}} is written); fix that figure and this reference will work"
                    if name.startswith("fig-")
                    else f"'{shown}' refers to a table that did not come out as a table (see the error where "
                    f"{{#{name}}} is written); fix that table and this reference will work",
                    node.location,
                )
            )
            continue
        problems.append(
            Problem(
                "error",
                codes.XREF_UNKNOWN,
                f"'{shown}' refers to no {kind} of this brief{did_you_mean(name, known)}; "
                "use a block's file name (without .yaml), 'sec-' and a section id, or the {#tbl-...} or "
                "{#fig-...} id of a table or figure",
                node.location,
            )
        )
    return problems
