"""Citations, references, citation styles and links: what a brief points at must exist and be safe.

A citation key that matches no reference, a reference no one cites or that lacks what styles
print, a CSL style that cannot be found, and a link to anything but the web, e-mail or the
document itself are each reported where they are written.
"""

from __future__ import annotations

import difflib

from briefgen.content.crossrefs import is_cross_reference
from briefgen.content.links import link_problem
from briefgen.content.loader import unloaded_block_ids
from briefgen.content.richtext import plain_text, walk
from briefgen.diagnostics import Diagnostics, Location, codes, did_you_mean
from briefgen.document.cite import StyleNotFound, resolve_style
from briefgen.model import AudienceProfile, Brief, Link, Markdown, Workspace

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


def check_citations(brief: Brief, diags: Diagnostics) -> None:
    """Each citation names a reference or a block (with a did-you-mean), each reference is cited."""
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
                    diags.error(codes.CITE_MISSING, _unknown_key(item.key, keys, targets), item.location)
    for key, ref in brief.references.items():
        if key not in cited:
            diags.warning(
                codes.CITE_UNUSED,
                f"reference '{key}' is never cited; cite it or remove it from the bibliography",
                ref.location,
            )


def _unknown_key(key: str, keys: set[str], targets: set[str]) -> str:
    """The message for a citation of `key`, which is neither a reference's key nor a cross-reference."""
    hint = did_you_mean(key, keys | targets)
    if hint and difflib.get_close_matches(key, sorted(targets), n=1) and not did_you_mean(key, keys):
        return (
            f"'@{key}' is neither a citation key nor a block id{hint}; fix the block id "
            "(a block's file name without .yaml), or add the work to the bibliography"
        )
    return (
        f"unknown citation '{key}'{hint}; add it to the bibliography, fix the key, "
        "or write a block's id to refer to that block"
    )


def check_links(brief: Brief, diags: Diagnostics) -> None:
    """Links go to the web, e-mail or this document: each link Pandoc read, judged by the writers' own rule."""
    for _block_id, field in brief.markdown_fields():
        reported: set[tuple[str, Location | None]] = set()
        for node in walk(field.blocks):
            if isinstance(node, Link) and not plain_text(node.children).strip():
                diags.error(
                    codes.LINK_EMPTY,
                    f"a link without words ('[]({node.href})'): the PDF and Word file would show nothing "
                    "there and a screen reader would read no name; write what it links to between the brackets",
                    _empty_link_location(field, node),
                )
            problem = link_problem(node.href) if isinstance(node, Link) else None
            if problem is None:
                continue
            where = node.location or field.location
            if (problem, where) not in reported:  # links sharing one definition: one error there
                reported.add((problem, where))
                diags.error(codes.LINK_SCHEME, problem, where)


def _empty_link_location(field: Markdown, link: Link) -> Location | None:
    """Where `[](address)` stands in the field's file (the field itself when it is written otherwise)."""
    written = f"[]({link.href}"
    if link.location is None and field.locate is not None and written in field.source:
        return field.locate(written, 0)
    return link.location or field.location


def check_reference_fields(brief: Brief, diags: Diagnostics) -> None:
    """A warning at each reference that lacks a field citation styles print for its type."""
    for ref in brief.references.values():
        kind = str(ref.csl.get("type", ""))
        missing = [
            " or ".join(repr(o) for o in need.split("|"))
            for need in STYLE_FIELDS.get(kind, ("title",))
            if not any(ref.csl.get(name) for name in need.split("|"))
        ]
        if missing:
            diags.warning(
                codes.CITE_INCOMPLETE,
                f"reference '{ref.id}' ({kind or 'no type'}) lacks {', '.join(missing)}, which citation styles "
                "print for this type; add what the source gives (never invent it)",
                ref.location,
            )


def check_styles(ws: Workspace, brief: Brief, profiles: dict[str, AudienceProfile], diags: Diagnostics) -> None:
    """An error where the brief or an audience names a citation style that cannot be found."""
    styles = {brief.csl: brief.csl_location or Location(brief.path)}
    for audience in profiles.values():
        if audience.csl:
            styles.setdefault(audience.csl, audience.location or Location(brief.path))
    for style, where in styles.items():
        try:
            resolve_style(style, brief.folder, ws.root)
        except StyleNotFound as exc:
            diags.error(codes.CITE_STYLE, str(exc), where)
