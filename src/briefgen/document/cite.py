"""Citations formatted by a real CSL engine: Pandoc's citeproc, run once per (brief, audience).

Every citation cluster of the selected document, in reading order, goes to Pandoc as its own
paragraph; what comes back (notes, in-text citations, the bibliography) is turned into rich
text the renderers understand. Only works cited in that audience's document are listed.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from briefgen.content.confine import inside
from briefgen.content.markdown import read_formatted, read_formatted_inlines
from briefgen.content.pandoc_ast import AstWriter
from briefgen.content.richtext import merge_text, rewrite, walk
from briefgen.document.number import map_texts
from briefgen.document.reading import reading_order
from briefgen.model import (
    Citation,
    CiteRef,
    Document,
    Inline,
    Note,
    NoteRef,
    Para,
    Reference,
    RenderedCitation,
    Text,
)
from briefgen.runtime.resources import DEFAULTS
from briefgen.runtime.versions import code_identity

DEFAULT_STYLE = "chicago-notes-bibliography"
STYLES = DEFAULTS / "csl"  # the citation styles briefgen ships, from the CSL styles repository (LICENSE.txt)
_CSL = "{http://purl.org/net/xbiblio/csl}"


class StyleNotFound(Exception):
    """A `csl:` value that names no shipped style and no file."""


def resolve_style(style: str, brief_folder: Path, root: Path) -> Path:
    """The .csl file for a style id briefgen ships (defaults/csl/) or a path relative to the brief.

    A dependent style (a journal's name for another style's rules) resolves to the style it
    names, as Pandoc would otherwise try to download it.
    """
    if style.endswith(".csl"):
        if not inside(brief_folder / style, root):
            raise StyleNotFound(f"CSL file '{style}' lies outside the workspace; copy it into the workspace")
        path = (brief_folder / style).resolve()
        if not path.is_file():
            raise StyleNotFound(f"CSL file '{style}' does not exist; fix the path (relative to the brief folder)")
        return _require_csl(path, style)
    shipped = STYLES / f"{style}.csl"
    if "/" in style or "\\" in style or not shipped.is_file():
        from briefgen.diagnostics import did_you_mean

        names = shipped_styles()
        raise StyleNotFound(
            f"unknown citation style '{style}'{did_you_mean(style, names)}; briefgen ships {', '.join(names)}. "
            "For another style, save its .csl file (from https://www.zotero.org/styles) in the workspace and "
            "write its path instead, for example csl: my-style.csl"
        )
    return _shipped(style)


@functools.cache
def _shipped(style: str) -> Path:
    """A shipped style's file, its parent's for a dependent style (read once per process)."""
    return _require_csl(STYLES / f"{style}.csl", style)


def shipped_styles() -> list[str]:
    """The style ids briefgen ships, sorted: what `csl:` accepts besides a path to a .csl file."""
    return sorted(p.stem for p in STYLES.glob("*.csl"))


def _require_csl(path: Path, name: str) -> Path:
    """The style file to give Pandoc: `path` itself, or the shipped style a dependent style points to.

    A workspace .csl file must at least be a CSL style document, or Pandoc fails obscurely later.
    """
    import xml.etree.ElementTree as ET

    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise StyleNotFound(
            f"CSL file '{name}' is not valid XML ({exc}); fix it or use a style id such as '{DEFAULT_STYLE}'"
        ) from None
    parent = root.find(f"{_CSL}info/{_CSL}link[@rel='independent-parent']") if root.tag == f"{_CSL}style" else None
    if parent is not None:
        parent_id = (parent.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
        if (STYLES / f"{parent_id}.csl").is_file():
            return _require_csl(STYLES / f"{parent_id}.csl", parent_id)
        raise StyleNotFound(
            f"'{name}' is a dependent CSL style that uses the rules of '{parent_id}', which briefgen does not "
            f"ship; save {parent_id}.csl from the CSL styles repository in the workspace and name that file instead"
        )
    if not root.tag.endswith("style") or root.find(f"{_CSL}citation") is None:
        raise StyleNotFound(
            f"'{name}' is not a CSL style (no <style> with a <citation>); use a .csl file from "
            "the CSL styles repository or a style id"
        ) from None
    return path


@dataclass(frozen=True)
class _Event:
    """Something that takes a note number in reading order: a citation, or an explanatory note."""

    block_id: str
    citation: Citation | None = None
    note: NoteRef | None = None

    def inner_citations(self) -> list[Citation]:
        return [n.citation for n in walk(self.note.blocks) if isinstance(n, CiteRef)] if self.note else []


def note_events(doc: Document) -> list[_Event]:
    """Everything that takes a note number, in reading order: citations outside notes and explanatory notes."""
    events = []
    for block_id, blocks in reading_order(doc):
        for node in walk(blocks, into_notes=False):
            if isinstance(node, CiteRef):
                events.append(_Event(block_id, citation=node.citation))
            elif isinstance(node, NoteRef):
                events.append(_Event(block_id, note=node))
    return events


def citations_in_order(doc: Document) -> list[tuple[str, Citation]]:
    """(block id, citation) for every citation the reader meets, first to last, notes included."""
    out = []
    for event in note_events(doc):
        if event.citation is not None:
            out.append((event.block_id, event.citation))
        out.extend((event.block_id, c) for c in event.inner_citations())
    return out


def _note_number(value: Any, number: int) -> Any:
    """Every citation in `value` marked as standing in note `number`: each event is one note, in
    reading order, which is what "Ibid." and short forms are decided by (the numbers Pandoc gave
    while reading a field count only that field's citations)."""
    if isinstance(value, dict):
        if value.get("t") == "Cite":
            for item in value["c"][0]:
                item["citationNoteNum"] = number
        for child in value.values():
            _note_number(child, number)
    elif isinstance(value, list):
        for child in value:
            _note_number(child, number)
    return value


def _cite_json(citation: Citation) -> dict[str, Any]:
    return {"t": "Cite", "c": [json.loads(citation.pandoc), []]}


def _without_author(citation: Citation) -> dict[str, Any]:
    """An in-text citation `@key [p. 3]` as `[-@key, p. 3]`: what Pandoc prints after the name."""
    items = json.loads(citation.pandoc)
    for item in items:
        if item["citationMode"]["t"] == "AuthorInText":
            item["citationMode"] = {"t": "SuppressAuthor"}
    return {"t": "Cite", "c": [items, []]}


def cite(doc: Document, references: dict[str, Reference], style: Path, cache: Path | None = None) -> Document:
    """The document with every note numbered and citation rendered, and the bibliography made.

    Citations and explanatory notes share one numbering in reading order; citations inside an
    explanatory note are formatted in the note, in their place, so "Ibid." counts them.
    `cache` is a folder for Pandoc's answers, kept by the hash of what it was asked.
    """
    return start_cite(doc, references, style, cache)()


def start_cite(
    doc: Document, references: dict[str, Reference], style: Path, cache: Path | None = None
) -> Callable[[], Document]:
    """Start formatting `doc`'s citations and return the call that finishes it (see `cite`).

    Pandoc's citation run starts at once and works while the caller does something else (other
    audiences' citations, the renderers' start-up); an answer kept in `cache` for the same
    question (citations, works, style, language, Pandoc) spares the run altogether.
    """
    events = note_events(doc)
    mode = doc.audience.notes
    if mode == "none":
        events = [e for e in events if e.citation is not None]  # explanatory notes are not printed
    clusters = [c for e in events for c in ([e.citation] if e.citation else e.inner_citations())]
    if not events:
        return lambda: replace(doc, style_file=style)
    used = {item.key for c in clusters for item in c.items if item.key in references}
    answer: Callable[[], dict[str, Any]] = lambda: {"blocks": []}  # noqa: E731
    if clusters:
        paragraphs = []
        for number, event in enumerate(events, start=1):
            if event.citation is not None:
                paragraph = {"t": "Para", "c": [_cite_json(event.citation)]}
            else:  # the whole note, so citeproc sets its citations' punctuation as Pandoc does
                assert event.note is not None
                paragraph = {"t": "Para", "c": [{"t": "Note", "c": AstWriter().blocks(event.note.blocks)}]}
            paragraphs.append(_note_number(paragraph, number))
        if mode == "none":  # each in-text citation again without its author, after all the others
            for number, citation in enumerate(_in_text(events), start=len(events) + 1):
                paragraphs.append(_note_number({"t": "Para", "c": [_without_author(citation)]}, number))
        answer = _start_citeproc(paragraphs, [references[k].csl for k in sorted(used)], style, doc.language, cache)
    return lambda: _finish_cite(doc, events, bool(clusters), answer(), references, used, style)


def _finish_cite(
    doc: Document,
    events: list[_Event],
    clustered: bool,
    pandoc_doc: dict[str, Any],
    references: dict[str, Reference],
    used: set[str],
    style: Path,
) -> Document:
    """The document with Pandoc's answer read in: citations, notes, the bibliography and the calls' places."""
    rendered, notes, numbers = _read_events(doc, events, clustered, pandoc_doc)
    bibliography: tuple[tuple[Inline, ...], ...] = ()
    if doc.audience.bibliography and clustered:
        bibliography = tuple(_bibliography(pandoc_doc["blocks"], doc.language))
    detached = {uid for uid, r in rendered.items() if not r.inline}
    doc, punctuation = _place_calls(doc, detached, {uid for uid, r in rendered.items() if r.inline and r.note})
    for uid, marks in punctuation.items():
        rendered[uid] = replace(rendered[uid], punctuation=marks)
    return replace(
        doc,
        citations=rendered,
        notes=tuple(notes),
        note_numbers=numbers,
        bibliography=bibliography,
        references=tuple(references[k].csl for k in sorted(used)),
        style_file=style,
    )


def _read_events(
    doc: Document, events: list[_Event], clustered: bool, pandoc_doc: dict[str, Any]
) -> tuple[dict[str, RenderedCitation], list[Note], dict[str, int]]:
    """Each event's paragraph of Pandoc's answer read back: citations by uid, the notes in order, their numbers."""
    rendered: dict[str, RenderedCitation] = {}
    notes: list[Note] = []
    numbers: dict[str, int] = {}
    paras = [b for b in pandoc_doc["blocks"] if b["t"] == "Para"]
    after_names = dict(zip((c.uid for c in _in_text(events)), paras[len(events) :], strict=False))
    for index, event in enumerate(events):
        para = paras[index]["c"] if index < len(paras) else []
        if event.note is not None:
            number = len(notes) + 1
            numbers[event.note.uid] = number
            formatted = para[0]["c"] if clustered and para and para[0]["t"] == "Note" else None
            blocks = read_formatted(formatted, doc.language) if formatted is not None else event.note.blocks
            notes.append(Note(number, blocks, event.block_id))
            continue
        assert event.citation is not None
        rendered[event.citation.uid] = _read_citation(doc, event, para, after_names, notes)
    return rendered, notes, numbers


def _read_citation(
    doc: Document, event: _Event, para: list[Any], after_names: dict[str, Any], notes: list[Note]
) -> RenderedCitation:
    """One citation as the audience's notes mode shows it; a note it makes is added to `notes`."""
    assert event.citation is not None
    content = _cite_content(para)
    # Under a notes style Pandoc's answer is the note, or for an author-in-text citation the
    # author's name and then the note ("Gabriel Dominguez" and note 1 for `@dominguez2016`).
    note_at = next((i for i, node in enumerate(content) if node["t"] == "Note"), None)
    words = _trim(content if note_at is None else content[:note_at])
    if doc.audience.notes == "none":  # no note, nor what an author-date style adds: an in-text citation keeps the name
        if event.citation.in_text:
            if note_at is None:
                words = _name_only(words, _cite_content(after_names.get(event.citation.uid, {}).get("c", [])))
            return RenderedCitation(inline=read_formatted_inlines(words, doc.language))
        return RenderedCitation()
    if note_at is not None:
        number = len(notes) + 1
        note = content[note_at]["c"]
        note_inlines = read_formatted_inlines(note[0]["c"], doc.language) if note else ()
        notes.append(Note(number, (Para(note_inlines),), event.block_id, event.citation.raw))
        inline = read_formatted_inlines(words, doc.language) if words else ()
        return RenderedCitation(note=number, inline=inline)
    return RenderedCitation(inline=read_formatted_inlines(content, doc.language))


_PUNCTUATION = ".,;:!?"


def _place_calls(doc: Document, detached: set[str], named: set[str]) -> tuple[Document, dict[str, str]]:
    """Note calls go after the punctuation they precede and take no space before them, as in Pandoc.

    `detached` holds the citations shown as a note call or not at all; in-text citations keep
    their place in the sentence. `named` holds author-in-text citations with a note: the name
    keeps its place and the punctuation after it moves between the name and the call ("Gabriel
    Dominguez.[1]"); that punctuation is returned by citation uid.
    """
    moved: dict[str, str] = {}

    def fix_inlines(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
        if not any(isinstance(n, CiteRef) and n.citation.uid in detached | named for n in nodes):
            return nodes
        out: list[Inline] = []
        items = list(nodes)
        index = 0
        while index < len(items):
            node = items[index]
            if isinstance(node, CiteRef) and node.citation.uid in detached | named:
                if out and isinstance(out[-1], Text) and node.citation.uid in detached:
                    out[-1] = Text(out[-1].text.rstrip())
                following = items[index + 1] if index + 1 < len(items) else None
                if isinstance(following, Text) and following.text[:1] in _PUNCTUATION:
                    stripped = following.text.lstrip(_PUNCTUATION)
                    marks = following.text[: len(following.text) - len(stripped)]
                    if node.citation.uid in named:
                        moved[node.citation.uid] = marks
                    else:
                        out.append(Text(marks))
                    items[index + 1] = Text(stripped)
            out.append(node)
            index += 1
        return merge_text([n for n in out if not (isinstance(n, Text) and n.text == "")])

    doc = map_texts(doc, lambda _id, blocks: rewrite(blocks, lambda _node: None, fix_inlines))
    return doc, moved


def _in_text(events: list[_Event]) -> list[Citation]:
    """The author-in-text citations among `events`, in reading order."""
    return [e.citation for e in events if e.citation is not None and e.citation.in_text]


def _cite_content(inlines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What citeproc made of the citation in a paragraph of its answer."""
    cite_node = next((i for i in inlines if i["t"] == "Cite"), None)
    return cite_node["c"][1] if cite_node else []


def _trim(inlines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    end = len(inlines)
    while end and inlines[end - 1]["t"] in ("Space", "SoftBreak"):
        end -= 1
    return inlines[:end]


def _name_only(in_text: list[dict[str, Any]], after_name: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An author-date in-text citation without what follows the name: "Dominguez (2016)" less
    "(2016)", which is how Pandoc prints `[-@key]`; all of it when it does not end so."""
    after_name = _trim(after_name)
    if not after_name:
        return in_text
    if len(after_name) <= len(in_text) and in_text[len(in_text) - len(after_name) :] == after_name:
        return _trim(in_text[: len(in_text) - len(after_name)])
    return in_text


CACHE_ENTRIES = 200  # answers kept in the citation cache; the oldest go first


def _start_citeproc(
    paragraphs: list[dict[str, Any]],
    csl_items: list[dict[str, Any]],
    style: Path,
    lang: str,
    cache: Path | None = None,
) -> Callable[[], dict[str, Any]]:
    """Ask Pandoc's citeproc to format `paragraphs` (a run started now), or take its earlier answer from `cache`."""
    from briefgen.content.markdown import pandoc_api_version
    from briefgen.runtime.files import read_cache, sha256
    from briefgen.runtime.pandoc import PandocRun, pandoc_identity

    text = json.dumps({"pandoc-api-version": pandoc_api_version(), "meta": {}, "blocks": paragraphs})
    refs = json.dumps(csl_items, ensure_ascii=False).encode("utf-8")
    args = ["-f", "json", "-t", "json", "--citeproc", f"--csl={style}", "--bibliography=references.json"]
    args += ["-M", "link-citations=false", "-M", f"lang={lang}"]
    try:
        style_digest = sha256(style.read_bytes())
    except OSError:
        style_digest = "-"  # Pandoc will say what is wrong with it
    key = sha256(
        "\n".join([code_identity(), pandoc_identity(), style_digest, " ".join(args), sha256(refs), text]).encode()
    )
    path = cache / f"{key}.json" if cache is not None else None
    kept = read_cache(path) if path is not None else None
    if isinstance(kept, dict) and isinstance(kept.get("blocks"), list):
        return lambda: kept
    run = PandocRun(text, args, files={"references.json": refs})

    def answer() -> dict[str, Any]:
        result = json.loads(run.result())
        if path is not None:
            _keep(path, result)
        return result

    return answer


def _keep(path: Path, answer: dict[str, Any]) -> None:
    """Put Pandoc's answer in the cache, dropping the oldest answers beyond CACHE_ENTRIES."""
    from briefgen.runtime.files import prune_cache, write_cache

    write_cache(path, answer)
    prune_cache(path.parent, CACHE_ENTRIES)


def _bibliography(blocks: list[dict[str, Any]], lang: str) -> Iterator[tuple[Inline, ...]]:
    for block in blocks:
        if block["t"] == "Div":
            (ident, _classes, _attrs), children = block["c"]
            if ident == "refs":
                for entry in children:
                    if entry["t"] == "Div":
                        for para in entry["c"][1]:
                            if para["t"] in ("Para", "Plain"):
                                yield read_formatted_inlines(para["c"], lang)
