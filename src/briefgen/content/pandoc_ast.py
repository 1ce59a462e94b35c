"""briefgen's nodes as Pandoc's JSON AST: what the Markdown export hands Pandoc's own writer.

The inverse of `briefgen.content.markdown`'s reader, so an exported brief reads back in Pandoc (and
Quarto) with the same structure: tables, notes, callouts, citations in Pandoc's syntax.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from briefgen.content.figures import CHART_SUFFIXES
from briefgen.content.links import safe_href
from briefgen.model import (
    Block,
    Callout,
    CiteRef,
    Code,
    CodeBlock,
    CrossRef,
    DefinitionList,
    Document,
    Emph,
    Figure,
    Inline,
    LangDiv,
    LangSpan,
    LineBreak,
    Link,
    ListBlock,
    NoteRef,
    Para,
    PortionMark,
    Quote,
    Quoted,
    RevisedBlocks,
    Revision,
    Rule,
    SmallCaps,
    Strikeout,
    Strong,
    SubHeading,
    Subscript,
    Superscript,
    Table,
    Text,
    Underline,
)

Json = dict[str, Any]
_EMPTY_ATTR: list[Any] = ["", [], []]
_WRAPPERS = {
    Emph: "Emph",
    Strong: "Strong",
    SmallCaps: "SmallCaps",
    Superscript: "Superscript",
    Subscript: "Subscript",
    Strikeout: "Strikeout",
    Underline: "Underline",
}
_ALIGN = {"left": "AlignLeft", "right": "AlignRight", "center": "AlignCenter"}


_BREAKING_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # not the no-break space, which stays inside its word


def text_inlines(text: str) -> list[Json]:
    """Plain text as Pandoc's Str and Space nodes.

    Every run of spaces, tabs and line breaks is one Space: a Str never holds a line break, which
    Pandoc's writer would copy into the Markdown, where a title's second line or a disclaimer's
    "1) ..." paragraph would be read back as a list, a heading or a new paragraph.
    """
    out: list[Json] = []
    for index, word in enumerate(_BREAKING_SPACE.split(text)):
        if index:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def _revision_attr(kind: str) -> list:
    """Pandoc's names for a tracked change (what its Word reader gives with --track-changes=all)."""
    name = "insertion" if kind in ("ins", "move-to") else "deletion"
    return ["", [name, *(["move"] if "move" in kind else [])], [["author", "briefgen"]]]


def revision_span(kind: str, inlines: list[Json]) -> Json:
    """Words a redline inserted or deleted: `[words]{.insertion author=briefgen}`."""
    return {"t": "Span", "c": [_revision_attr(kind), inlines]}


def revision_div(kind: str, blocks: list[Json]) -> Json:
    """Blocks a redline inserted, deleted or moved whole: `::: {.deletion author=briefgen}`."""
    return {"t": "Div", "c": [_revision_attr(kind), blocks]}


class AstWriter:
    """Nodes to Pandoc JSON for one document (notes and citations as that document shows them)."""

    def __init__(self, doc: Document | None = None, labels: dict[str, str] | None = None):
        self.doc = doc
        self.labels = labels or {}
        self.figure_files: dict[str, Path] = {}  # file name written in the Markdown -> the picture to copy there

    def inlines(self, nodes: tuple[Inline, ...]) -> list[Json]:
        out: list[Json] = []
        for node in nodes:
            out.extend(self.inline(node))
        return out

    def inline(self, node: Inline) -> list[Json]:
        if isinstance(node, Text):
            return text_inlines(node.text)
        if isinstance(node, Revision):  # a redline's words, as Pandoc reads Word's tracked changes
            return [revision_span(node.kind, self.inlines(node.children))]
        if type(node) in _WRAPPERS:
            return [{"t": _WRAPPERS[type(node)], "c": self.inlines(node.children)}]  # type: ignore[union-attr]
        if isinstance(node, Quoted):
            kind = "DoubleQuote" if node.double else "SingleQuote"
            return [{"t": "Quoted", "c": [{"t": kind}, self.inlines(node.children)]}]
        if isinstance(node, Code):
            return [{"t": "Code", "c": [_EMPTY_ATTR, node.text]}]
        if isinstance(node, LineBreak):
            return [{"t": "LineBreak"}]
        if isinstance(node, LangSpan):
            return [{"t": "Span", "c": [["", [], [["lang", node.lang]]], self.inlines(node.children)]}]
        if isinstance(node, PortionMark):  # [(C)]{.portion}, then a space
            return [
                {"t": "Span", "c": [["", ["portion"], []], [{"t": "Str", "c": f"({node.portion})"}]]},
                {"t": "Space"},
            ]
        if isinstance(node, Link):
            href = safe_href(node.href)
            if href is None:  # as in HTML and Word: the words stay, the address goes
                return self.inlines(node.children)
            return [{"t": "Link", "c": [_EMPTY_ATTR, self.inlines(node.children), [href, ""]]}]
        if isinstance(node, CiteRef):
            rendered = self.doc.citations.get(node.citation.uid) if self.doc is not None else None
            if self.doc is not None and self.doc.notes_mode == "none":  # no citation; an in-text one leaves its name
                return self.inlines(rendered.inline) if rendered is not None else []
            cite = {"t": "Cite", "c": [json.loads(node.citation.pandoc), []]}
            # the mark that followed an in-text citation, which Pandoc puts before its note call again
            return [cite, *text_inlines(rendered.punctuation if rendered is not None else "")]
        if isinstance(node, NoteRef):
            if self.doc is not None and node.uid not in self.doc.note_numbers:
                return []
            return [{"t": "Note", "c": self.blocks(node.blocks)}]
        if isinstance(node, CrossRef):
            mode = "SuppressAuthor" if node.suppress_prefix else "AuthorInText"
            item = {
                "citationId": node.target,
                "citationPrefix": [],
                "citationSuffix": [],
                "citationMode": {"t": mode},
                "citationNoteNum": 0,
                "citationHash": 0,
            }
            return [{"t": "Cite", "c": [[item], []]}]
        raise TypeError(f"no Pandoc AST for {type(node).__name__}")

    def blocks(self, blocks: tuple[Block, ...]) -> list[Json]:
        return [b for block in blocks for b in self.block(block)]

    def block(self, block: Block) -> list[Json]:
        if isinstance(block, Para):
            return [{"t": "Para", "c": self.inlines(block.inlines)}]
        if isinstance(block, SubHeading):
            return [{"t": "Header", "c": [3, _EMPTY_ATTR, self.inlines(block.inlines)]}]
        if isinstance(block, ListBlock):
            items = [self.blocks(item) for item in block.items]
            if block.ordered:
                style = [block.start, {"t": "Decimal"}, {"t": "Period"}]
                return [{"t": "OrderedList", "c": [style, items]}]
            return [{"t": "BulletList", "c": items}]
        if isinstance(block, Quote):
            return [{"t": "BlockQuote", "c": self.blocks(block.blocks)}]
        if isinstance(block, CodeBlock):
            return [{"t": "CodeBlock", "c": [_EMPTY_ATTR, block.text]}]
        if isinstance(block, Rule):
            return [{"t": "HorizontalRule"}]
        if isinstance(block, DefinitionList):
            entries = [[self.inlines(term), [self.blocks(d) for d in defs]] for term, defs in block.items]
            return [{"t": "DefinitionList", "c": entries}]
        if isinstance(block, Callout):
            body = self.blocks(block.blocks)
            if block.title and all(isinstance(n, Text) for n in block.title):  # Quarto's title="..."
                attrs = [["title", _plain(block.title)]]
            else:  # a title with markup or a note: Quarto's other form, a heading first in the box
                attrs = []
                body = (
                    [{"t": "Header", "c": [2, _EMPTY_ATTR, self.inlines(block.title)]}] if block.title else []
                ) + body
            return [{"t": "Div", "c": [["", [f"callout-{block.kind}"], attrs], body]}]
        if isinstance(block, LangDiv):
            inner = self.blocks(block.blocks)
            if len(block.blocks) == 1 and isinstance(block.blocks[0], Callout):  # as written: {.callout-note lang=fr}
                inner[0]["c"][0][2].append(["lang", block.lang])
                return inner
            return [{"t": "Div", "c": [["", [], [["lang", block.lang]]], inner]}]
        if isinstance(block, Table):
            return [self.table(block)]
        if isinstance(block, Figure):
            return self.figure(block)
        if isinstance(block, RevisedBlocks):  # a redline's blocks added, removed or moved whole
            return [revision_div(block.kind, self.blocks(block.blocks))]
        raise TypeError(f"no Pandoc AST for {type(block).__name__}")

    def table(self, table: Table) -> Json:
        caption = self.inlines(table.caption)
        if table.number and caption:
            caption = [*text_inlines(f"{self.labels.get('table', 'Table')} {table.number}:"), {"t": "Space"}, *caption]
        colspecs = [
            [
                {"t": _ALIGN.get(align, "AlignDefault")},
                {"t": "ColWidth", "c": width} if width else {"t": "ColWidthDefault"},
            ]
            for align, width in zip(table.aligns, table.widths, strict=False)
        ]

        def rows(rows_) -> list[Any]:
            return [
                [
                    _EMPTY_ATTR,
                    [[_EMPTY_ATTR, {"t": "AlignDefault"}, c.rowspan, c.colspan, self.blocks(c.blocks)] for c in row],
                ]
                for row in rows_
            ]

        return {
            "t": "Table",
            "c": [
                [table.id, [], []],
                [None, [{"t": "Plain", "c": caption}] if caption else []],
                colspecs,
                [_EMPTY_ATTR, rows(table.head)],
                [[_EMPTY_ATTR, 0, [], rows(table.body)]],
                [_EMPTY_ATTR, []],
            ],
        }

    def figure(self, figure: Figure) -> list[Json]:
        """Pandoc's Figure with the picture beside the Markdown (`figure_files`), then the source line."""
        caption = self.inlines(figure.caption)
        if figure.number:
            label = f"{self.labels.get('figure', 'Figure')} {figure.number}" + (":" if caption else "")
            caption = [*text_inlines(label), *([{"t": "Space"}] if caption else []), *caption]
        target = self.figure_file(figure)
        width = [["width", f"{figure.width * 100:g}%"]] if figure.width is not None else []
        attrs = width + ([["fig-alt", figure.alt]] if figure.alt else [])
        image = {"t": "Image", "c": [["", [], attrs], caption, [target, ""]]}
        out: list[Json] = [
            {
                "t": "Figure",
                "c": [
                    [figure.id, [], []],
                    [None, [{"t": "Plain", "c": caption}] if caption else []],
                    [{"t": "Plain", "c": [image]}],
                ],
            }
        ]
        if figure.source:
            source = text_inlines(f"{self.labels.get('source', 'Source')}: {figure.source}")
            out.append({"t": "Para", "c": [{"t": "Emph", "c": source}]})
        return out

    def figure_file(self, figure: Figure) -> str:
        """Where the Markdown finds a picture: its path as written (a chart's drawn as .svg beside it).

        Named after its source, the same picture has the same name in every audience's Markdown,
        and two pictures never share one.
        """
        picture = figure.picture
        if picture is None:  # not checked (a reading of the text alone): the path as written
            return figure.src
        name = os.path.normpath(unquote(figure.src)).replace("\\", "/")
        if name.startswith(("..", "/")):
            name = f"figures/{picture.digest[:16]}"
        for suffix in CHART_SUFFIXES:
            name = name.removesuffix(suffix)
        extension = "." + ("jpg" if picture.format == "jpeg" else picture.format)
        name = str(PurePosixPath(name).with_suffix(extension))
        if self.figure_files.get(name, picture.path) != picture.path:  # a chart drawn over a picture's name
            name = f"figures/{picture.digest[:16]}{extension}"
        self.figure_files[name] = picture.path
        return name


def _plain(inlines: tuple[Inline, ...]) -> str:
    from briefgen.content.richtext import plain_text

    return plain_text(inlines)


def header(level: int, ident: str, inlines: list[Json]) -> Json:
    return {"t": "Header", "c": [level, [ident, [], []], inlines]}


def para(inlines: list[Json]) -> Json:
    return {"t": "Para", "c": inlines}


def _attributes(attr: list[Any]) -> str:
    """Pandoc's attributes as its Markdown writes them: {#id .class key="value"}."""
    ident, classes, pairs = attr
    parts = ([f"#{ident}"] if ident else []) + [f".{c}" for c in classes]
    parts += [f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in pairs]  # quotes escaped
    return "{" + " ".join(parts) + "}"


# What Pandoc's Markdown writer leaves as it is in a Str when it writes `markdown-smart`, and its
# reader (with `smart`, as Pandoc and Quarto read Markdown by default) then reads as something
# else: straight quotes become curly, -- and --- dashes, ... an ellipsis, a '@' a citation, a
# ':::' at the start of a rewrapped line a fenced div.
# Quotes, dashes and ellipses (smart typography), an '@' starting a word (a citation; inside a word it is an
# address), ':::' (a fence), and '&' starting an entity (`&copy;` would print ©).
_MISREAD = re.compile(r"[\"']|(?<!\w)@|--|\.\.\.|:::|&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_ASCII_PUNCTUATION = re.compile(r"([!-+\--/:<-@\[-`{-~])")  # all but ',' and ';', which start nothing
_LITERAL = re.compile(r"([!#$%&()*+\-./:<=>?@\[\\\]^_`{|}~])")  # all but quotes (curled alike either way), ',', ';'


def markdown_words(text: str) -> str:
    """`text` written so that Pandoc's Markdown reader reads these very characters, and no structure.

    For the YAML header of `-f md`, whose strings Pandoc reads as Markdown: a title or a reference's
    `[x](javascript:...)`, `<script>` or `` `...`{=html} `` stays words, as briefgen printed them.
    """
    return _LITERAL.sub(r"\\\1", text)


def escaped_for_markdown(value: Any) -> Any:
    """Pandoc JSON that Pandoc's Markdown writer turns into Markdown its reader reads back the same.

    A Str the reader would misread becomes raw Markdown with its ASCII punctuation characters
    escaped, which the reader always takes as the literal characters; an empty div (the #refs
    placeholder of the bibliography) is written out, as the writer would leave it out.
    """
    if isinstance(value, list):
        return [escaped_for_markdown(item) for item in value]
    if isinstance(value, dict):
        if value.get("t") == "Str" and _MISREAD.search(value["c"]):
            return {"t": "RawInline", "c": ["markdown", _ASCII_PUNCTUATION.sub(r"\\\1", value["c"])]}
        if value.get("t") == "Div" and not value["c"][1]:  # Pandoc's writer drops an empty div, such as #refs
            return {"t": "RawBlock", "c": ["markdown", f"::: {_attributes(value['c'][0])}\n:::"]}
        if value.get("t") in ("Code", "CodeBlock", "RawInline", "RawBlock"):
            return value  # verbatim already
        return {key: escaped_for_markdown(item) for key, item in value.items()}
    return value
