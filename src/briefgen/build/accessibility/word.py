"""The rules of Word's Accessibility Checker a program can check, read from the DOCX package with lxml.

Word reports as errors pictures without alternative text, tables without a header row and text
too faint for its background; as warnings, pictures not in line with the text and headings that
skip a level. A screen reader also needs the document's title and language. Each finding names
the block whose paragraph is at fault (Word builds mark each block with a `block-<id>` bookmark),
so the report can point at its file. Whether the alternative text says something is the writer's.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from briefgen.build.accessibility.contrast import contrast_ratio, large_text
from briefgen.build.accessibility.findings import Finding
from briefgen.content.language import is_language_tag

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
DC = "{http://purl.org/dc/elements/1.1/}"
A14_DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def check_docx(path: Path) -> list[Finding]:
    """Every Accessibility Checker rule the Word file at `path` breaks, in the order of its body."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist() if name.endswith(".xml")}
        body = etree.fromstring(parts["word/document.xml"], _PARSER).find(f"{W}body")
        styles = _Styles(etree.fromstring(parts["word/styles.xml"], _PARSER))
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError) as exc:
        return [Finding("Word", f"cannot be read as a Word file ({exc})")]
    found = list(_properties(parts, styles))
    found += _body(body, styles)
    return found


def _properties(parts: dict[str, bytes], styles: _Styles) -> Iterator[Finding]:
    core = parts.get("docProps/core.xml")
    title = etree.fromstring(core, _PARSER).findtext(f"{DC}title") if core else None
    if not (title or "").strip():
        yield Finding("Word: document title", "has no title in its properties (File > Info > Title)")
    if not is_language_tag(styles.language):
        yield Finding("Word: document language", f"does not name its language (default language {styles.language!r})")


class _Styles:
    """Paragraph and character styles by id, with what each inherits (`w:basedOn`)."""

    def __init__(self, root) -> None:
        self.by_id = {s.get(f"{W}styleId"): s for s in root.iter(f"{W}style")}
        lang = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        self.language = lang.get(f"{W}val", "") if lang is not None else ""

    def chain(self, style_id: str | None) -> Iterator:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            based = style.find(f"{W}basedOn")
            style_id = based.get(f"{W}val") if based is not None else None

    def first(self, style_id: str | None, path: str) -> Any:
        """The first element at `path` in the style or one it is based on."""
        for style in self.chain(style_id):
            found = style.find(path)
            if found is not None:
                return found
        return None

    def heading_level(self, style_id: str | None) -> int | None:
        level = self.first(style_id, f"{W}pPr/{W}outlineLvl")
        match = re.fullmatch(r"Heading(\d)", style_id or "")
        if level is not None and level.get(f"{W}val", "").isdigit() and int(level.get(f"{W}val")) < 9:
            return int(level.get(f"{W}val")) + 1
        return int(match[1]) if match else None


def _body(body, styles: _Styles) -> Iterator[Finding]:
    block, previous = None, 0
    for element in body.iter(f"{W}p", f"{W}tbl"):
        for mark in element.iter(f"{W}bookmarkStart") if element.tag == f"{W}p" else ():
            if mark.get(f"{W}name", "").startswith("block-"):
                block = mark.get(f"{W}name")[len("block-") :]
        text = _text(element)
        if element.tag == f"{W}tbl":
            first_row = element.find(f"{W}tr")
            if first_row is not None and first_row.find(f"{W}trPr/{W}tblHeader") is None:
                yield Finding("Word: missing table header", "a table without a header row", None, block, text)
            continue
        style_id = _style_of(element)
        level = styles.heading_level(style_id)
        if level is not None and text.strip():
            if level > previous + 1:
                rule = "Word: skipped heading level"
                yield Finding(rule, f"a heading at level {level} after level {previous}", None, block, text)
            previous = level
        yield from _pictures(element, block, text)
        yield from _contrast(element, styles, style_id, block)


def _style_of(paragraph) -> str | None:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else None


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _pictures(paragraph, block: str | None, text: str) -> Iterator[Finding]:
    for frame in paragraph.iter(f"{WP}inline", f"{WP}anchor"):
        properties = frame.find(f"{WP}docPr")
        if properties is None:
            continue
        decorative = any(e.get("val") in ("1", "true") for e in properties.iter(A14_DECORATIVE))
        if not decorative and not (properties.get("descr") or properties.get("title") or "").strip():
            name = properties.get("name", "a picture")
            yield Finding("Word: missing alternative text", f"{name} has no alternative text", None, block, text)
        if frame.tag == f"{WP}anchor":
            rule = "Word: object not inline"
            yield Finding(rule, "a picture that floats beside the text, not in line with it", None, block, text, False)


def _contrast(paragraph, styles: _Styles, style_id: str | None, block: str | None) -> Iterator[Finding]:
    """Each run's colour against the shading behind it (the run's, the paragraph's, a cell's, or white)."""
    cell = next(paragraph.iterancestors(f"{W}tc"), None)
    behind = _fill(paragraph.find(f"{W}pPr/{W}shd")) or _fill(styles.first(style_id, f"{W}pPr/{W}shd"))
    behind = behind or (_fill(cell.find(f"{W}tcPr/{W}shd")) if cell is not None else None) or "FFFFFF"
    reported: set[tuple[str, str]] = set()
    for run in paragraph.iter(f"{W}r"):
        words = _text(run)
        if not words.strip():
            continue
        run_style = run.find(f"{W}rPr/{W}rStyle")
        run_style_id = run_style.get(f"{W}val") if run_style is not None else None
        colour = _colour(run, styles, run_style_id, style_id)
        background = _fill(run.find(f"{W}rPr/{W}shd")) or behind
        size = _property(run, styles, run_style_id, style_id, "sz")
        bold = _property(run, styles, run_style_id, style_id, "b")
        points = int(size) / 2 if size and size.isdigit() else 11
        needed = 3.0 if large_text(points, bold not in (None, "0", "false")) else 4.5
        ratio = contrast_ratio(colour, background)
        if ratio < needed and (colour, background) not in reported:
            reported.add((colour, background))
            message = f"text coloured #{colour} on #{background} has a contrast of {ratio:.2f}:1, below {needed}:1"
            yield Finding("Word: hard-to-read text contrast", message, None, block, words)


def _property(run, styles: _Styles, run_style: str | None, style_id: str | None, name: str) -> str | None:
    """The value of a run property (`sz`, `b`, `color`): the run's own, its character style's, its paragraph's."""
    own = run.find(f"{W}rPr/{W}{name}")
    found = own if own is not None else styles.first(run_style, f"{W}rPr/{W}{name}")
    found = found if found is not None else styles.first(style_id, f"{W}rPr/{W}{name}")
    if found is None:
        return None
    return found.get(f"{W}val", "1")


def _colour(run, styles: _Styles, run_style: str | None, style_id: str | None) -> str:
    value = _property(run, styles, run_style, style_id, "color")
    return value.upper() if value and re.fullmatch(r"[0-9A-Fa-f]{6}", value) else "000000"


def _fill(shading) -> str | None:
    fill = shading.get(f"{W}fill") if shading is not None else None
    return fill.upper() if fill and re.fullmatch(r"[0-9A-Fa-f]{6}", fill) else None
