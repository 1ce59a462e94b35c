"""Pandoc's JSON AST of one Markdown field, turned into briefgen's own nodes (`model.py`).

Every construct Pandoc reads becomes a node that every format prints, or a `Problem` where it
stands: refused constructs (`markdown_refusals`), syntax Pandoc left as text
(`markdown_mistakes`), a figure's attributes (`markdown_figures`); positions come from
`markdown_positions`. The same reader turns text citeproc has formatted (citations, notes,
bibliography entries) into nodes, where citations are words and quotation marks are set.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any, cast

from briefgen.content import markdown_refusals as refusals
from briefgen.content.language import is_language_tag, quote_marks
from briefgen.content.markdown_figures import read_figure
from briefgen.content.markdown_mistakes import leftover_syntax
from briefgen.content.markdown_positions import FieldPositions, Locator
from briefgen.content.richtext import merge_text, plain_text
from briefgen.content.typography import typeset
from briefgen.diagnostics import Location, codes
from briefgen.model import (
    CALLOUT_KINDS,
    Block,
    Callout,
    Citation,
    CiteItem,
    CiteRef,
    Code,
    CodeBlock,
    DefinitionList,
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
    Problem,
    Quote,
    Quoted,
    Rule,
    SmallCaps,
    Strikeout,
    Strong,
    SubHeading,
    Subscript,
    Superscript,
    Table,
    TableCell,
    Text,
    Underline,
)

NESTING_LIMIT = 6
_NESTING = ("a list", "a quote", "a definition list", "a box")
_WRAPPERS: dict[str, Any] = {
    "Emph": Emph,
    "Strong": Strong,
    "Underline": Underline,
    "Strikeout": Strikeout,
    "Superscript": Superscript,
    "Subscript": Subscript,
    "SmallCaps": SmallCaps,
}
_SPAN_CLASSES: dict[str, Any] = {"smallcaps": SmallCaps, "underline": Underline, "ul": Underline}


class FieldReader:
    """Turns one field's Pandoc AST into nodes, recording problems at their positions."""

    def __init__(self, source: str, uid_prefix: str, locate: Locator | None, fallback: Location | None):
        self.uid_prefix = uid_prefix
        self.at = FieldPositions(source, locate, fallback)
        self.citations: list[Citation] = []
        self.problems: list[Problem] = []
        self.notes = 0
        self.formatted = ""  # the language of text citeproc has formatted: citations are words
        self.in_note = 0
        self.containers = {
            "a note": 0,
            "a table cell": 0,
            "a list": 0,
            "a quote": 0,
            "a definition list": 0,
            "a link": 0,
            "a box": 0,
        }
        self.too_deep = False
        self.tables = 0

    @contextlib.contextmanager
    def inside(self, container: str, content: Any = None) -> Iterator[None]:
        """While reading what stands in a note, cell, list, quote, box or link (where figures cannot).

        Lists, quotes and boxes nest only NESTING_LIMIT deep: deeper, the page has no width left
        for the words, so the first block past the limit is an error where it stands.
        """
        self.containers[container] += 1
        depth = sum(self.containers[c] for c in _NESTING)
        if container in _NESTING and depth > NESTING_LIMIT and not self.too_deep:
            self.too_deep = True
            refusal = refusals.nesting(NESTING_LIMIT, content)
            self.problems.append(Problem(refusal.level, refusal.code, refusal.message, self.at.first(refusal.needle)))
        try:
            yield
        finally:
            self.containers[container] -= 1

    def refuse(self, refusal: refusals.Refusal) -> None:
        """A refused construct, reported where its text stands."""
        self.problems.append(
            Problem(refusal.level, refusal.code, refusal.message, self.at.where(refusal.needle), refusal.subject)
        )

    def leftovers(self, inlines: tuple[Inline, ...]) -> None:
        """Markdown syntax Pandoc left as text would be printed literally: each one is a problem."""
        self.problems.extend(leftover_syntax(inlines, self.at))

    # ------------------------------------------------------------ blocks

    def blocks(self, nodes: list[dict[str, Any]]) -> tuple[Block, ...]:
        """Pandoc's blocks as nodes, in order."""
        out: list[Block] = []
        for node in nodes:
            out.extend(self.block(node))
        return tuple(out)

    def block(self, node: dict[str, Any]) -> list[Block]:
        """One Pandoc block as nodes (none, one, or its contents when the block itself is refused)."""
        kind, content = node["t"], cast(Any, node.get("c"))
        if kind in ("Para", "Plain"):
            return self.para(content)
        if kind == "Header":
            inlines = self.inlines(content[2])
            self.leftovers(inlines)
            return [SubHeading(inlines)]
        if kind == "BulletList":
            with self.inside("a list", content):
                return [ListBlock(False, tuple(self.blocks(item) for item in content))]
        if kind == "OrderedList":
            return self.ordered_list(content)
        if kind == "BlockQuote":
            with self.inside("a quote", content):
                return [Quote(self.blocks(content))]
        if kind == "CodeBlock":
            return [CodeBlock(content[1])]
        if kind == "HorizontalRule":
            return [Rule()]
        if kind == "DefinitionList":
            return [self.definition_list(content)]
        if kind == "Table":
            return [self.table(content)]
        if kind == "Div":
            return self.div(content)
        if kind == "Figure":
            return self.figure(content)
        return self.refused_block(kind, content)

    def para(self, content: list[Any]) -> list[Block]:
        """A paragraph; an image alone in it (no caption, or in a cell: Pandoc made no Figure) is a figure."""
        lone = [n for n in content if n["t"] not in ("Space", "SoftBreak")]
        if len(lone) == 1 and lone[0]["t"] == "Image":
            return [self.image_figure(lone[0]["c"], self.inlines(lone[0]["c"][1]))]
        if len(lone) >= 2 and lone[0]["t"] == "Image" and lone[1]["t"] == "Str" and lone[1]["c"][:1] == "{":
            self.refuse(refusals.detached_attributes(lone[1]["c"]))
            return [self.image_figure(lone[0]["c"], self.inlines(lone[0]["c"][1]), detached=True)]
        inlines = self.inlines(content)
        self.leftovers(inlines)
        return [Para(inlines)] if inlines else []

    def ordered_list(self, content: list[Any]) -> list[Block]:
        """A numbered list; numbered with letters or roman numerals, it is printed 1, 2, 3 (a warning)."""
        (start, style, _delim), items = content
        if style["t"] not in ("Decimal", "DefaultStyle", "Example"):
            self.refuse(refusals.lettered_list(self.at.masked))
        with self.inside("a list", items):
            return [ListBlock(True, tuple(self.blocks(item) for item in items), start)]

    def definition_list(self, content: list[Any]) -> DefinitionList:
        """Terms and their definitions."""
        items = []
        for term, definitions in content:
            inlines = self.inlines(term)
            self.leftovers(inlines)
            with self.inside("a definition list", definitions):
                items.append((inlines, tuple(self.blocks(d) for d in definitions)))
        return DefinitionList(tuple(items))

    def refused_block(self, kind: str, content: Any) -> list[Block]:
        """A block outside the writing language: refused where it stands, its words kept where they can be."""
        if kind == "RawBlock":
            self.raw(content[0], content[1])
            return []
        if kind == "Unreadable":
            self.refuse(refusals.unreadable(content))
            return []
        if kind == "LineBlock":
            first_line = plain_text(self.inlines(content[0])) if content else ""
            self.refuse(refusals.line_block(first_line))
            return [Para(self.inlines(line)) for line in content]
        self.refuse(refusals.unknown_block(kind))
        return []

    def div(self, content: list[Any]) -> list[Block]:
        """A `::: {.callout-...}` box or a `::: {lang=ar}` block; any other `:::` block is refused, contents kept."""
        (ident, classes, attrs), children = content
        lang, attrs = self.language_of(attrs)
        if lang:
            inner = [(ident, classes, attrs), children]
            return [LangDiv(lang, tuple(self.div(inner) if classes or attrs else self.blocks(children)))]
        callouts = [c for c in classes if c.startswith("callout")]
        if callouts:
            kind = callouts[0].removeprefix("callout-")
            if kind not in CALLOUT_KINDS:
                self.refuse(refusals.unknown_callout(callouts[0]))
                kind = "note"
            title: tuple[Inline, ...] = ()
            if children and children[0]["t"] == "Header":
                title = self.inlines(children[0]["c"][2])
                children = children[1:]
            attr_title = dict(attrs).get("title")
            if attr_title is not None:
                title = (Text(typeset(attr_title)),)  # Quarto reads a title attribute as plain text
            self.leftovers(title)
            with self.inside("a box", children):
                return [Callout(kind, title, self.blocks(children))]
        self.refuse(refusals.div(ident, classes))
        return list(self.blocks(children))

    def figure(self, content: list[Any]) -> list[Block]:
        """Pandoc's implicit figure: an image with a caption, alone in its paragraph."""
        (ident, _classes, _attrs), (_short, caption), children = content
        images = [i for b in children if b["t"] in ("Plain", "Para") for i in b["c"] if i["t"] == "Image"]
        caption_inlines: tuple[Inline, ...] = ()
        for block in caption:
            if block["t"] in ("Plain", "Para"):
                caption_inlines += self.inlines(block["c"])
        self.leftovers(caption_inlines)
        if len(images) != 1:  # Pandoc makes figures of one image; anything else is read as text
            return [Para(caption_inlines)] if caption_inlines else []
        return [self.image_figure(images[0]["c"], merge_text(list(caption_inlines)), ident)]

    def image_figure(
        self, image: list[Any], caption: tuple[Inline, ...], ident: str = "", detached: bool = False
    ) -> Figure:
        """A Figure from an Image node's attributes: `{#fig-x width=70% fig-alt="..." source="..."}`.

        `detached`: the attributes stood apart from the image (reported), so none were read.
        """
        where = self.at.where("![")
        place = next((name for name, depth in self.containers.items() if depth and name != "a box"), "")
        figure, problems = read_figure(image, caption, ident, where, place, detached)
        self.problems.extend(problems)
        return figure

    def table(self, content: list[Any]) -> Table:
        """A table of any of Pandoc's kinds (pipe, grid, simple), its rows in reading order."""
        (ident, _classes, _attrs), (_short, caption), colspecs, head, bodies, foot = content
        aligns = tuple(
            {"AlignLeft": "left", "AlignRight": "right", "AlignCenter": "center"}.get(a["t"], "default")
            for a, _w in colspecs
        )
        widths = tuple(float(w["c"]) if w["t"] == "ColWidth" else 0.0 for _a, w in colspecs)
        caption_inlines: tuple[Inline, ...] = ()
        for block in caption:
            if block["t"] in ("Plain", "Para"):
                caption_inlines += self.inlines(block["c"])
        self.leftovers(caption_inlines)
        head_rows = self.rows(head[1])
        body_rows: list[tuple[TableCell, ...]] = []
        for _attr, _row_heads, intermediate, rows in bodies:
            body_rows.extend(self.rows(intermediate))
            body_rows.extend(self.rows(rows))
        body_rows.extend(self.rows(foot[1]))
        self.tables += 1
        return Table(
            caption=merge_text(list(caption_inlines)),
            aligns=aligns,
            widths=widths,
            head=tuple(head_rows),
            body=tuple(body_rows),
            id=ident,
            location=self.at.where("{#" + ident + "}") if ident else self.at.table_start(self.tables),
        )

    def rows(self, rows: list[Any]) -> list[tuple[TableCell, ...]]:
        """Table rows as cells of blocks (where figures cannot stand)."""
        with self.inside("a table cell"):
            return [
                tuple(
                    TableCell(self.blocks(blocks), rowspan, colspan)
                    for _attr, _align, rowspan, colspan, blocks in cells
                )
                for _attr, cells in rows
            ]

    def raw(self, fmt: str, text: str) -> None:
        """Raw HTML or TeX, never printed: refused where it stands."""
        refusal = refusals.raw(fmt, text)
        if refusal is not None:
            self.refuse(refusal)

    # ------------------------------------------------------------ inlines

    def inlines(self, nodes: list[dict[str, Any]]) -> tuple[Inline, ...]:
        """Pandoc's inlines as nodes, runs of words joined into one Text."""
        out: list[Inline] = []
        words: list[str] = []  # runs of words and spaces, the bulk of any text, joined without nodes
        for node in nodes:
            kind = node["t"]
            if kind == "Str":
                words.append(node["c"])
            elif kind in ("Space", "SoftBreak"):
                words.append(" ")
            else:
                if words:
                    out.append(Text("".join(words)))
                    words = []
                out.extend(self.inline(node))
        if words:
            out.append(Text("".join(words)))
        return merge_text(out)

    def inline(self, node: dict[str, Any]) -> list[Inline]:
        """One Pandoc inline as nodes (none, one, or its words when it is refused)."""
        kind, content = node["t"], cast(Any, node.get("c"))
        if kind == "Str":
            return [Text(content)]
        if kind in ("Space", "SoftBreak"):
            return [Text(" ")]
        if kind == "LineBreak":
            return [LineBreak()]
        if kind in _WRAPPERS:
            return [_WRAPPERS[kind](self.inlines(content))]
        if kind == "Quoted":
            if self.formatted:  # citeproc's quotation marks, set now: numbering has already run
                marks = quote_marks(self.formatted, content[0]["t"] == "DoubleQuote")
                return [Text(marks[0]), *self.inlines(content[1]), Text(marks[1])]
            return [Quoted(content[0]["t"] == "DoubleQuote", self.inlines(content[1]))]
        if kind == "Code":
            return [Code(content[1])]
        if kind == "Link":
            _attr, children, (href, _title) = content
            with self.inside("a link"):
                words = self.inlines(children)
            return [Link(href, words, self.at.link_location(href))]
        if kind == "Cite":
            if self.formatted:
                return list(self.inlines(content[1]))
            return [CiteRef(self.citation(content[0]))]
        if kind == "Note":
            return [self.note(content)]
        if kind == "Span":
            return self.span(content)
        return self.refused_inline(kind, content)

    def note(self, content: list[Any]) -> NoteRef:
        """A note (`^[...]` or `[^label]`), found by its call; a note inside a note is an error."""
        self.notes += 1
        where = self.at.note_call(self.notes)
        if self.in_note:
            self.problems.append(Problem("error", codes.NOTE_NESTED, refusals.NESTED_NOTE, where))
        self.in_note += 1
        try:
            with self.inside("a note"):
                blocks = self.blocks(content)
        finally:
            self.in_note -= 1
        return NoteRef(f"{self.uid_prefix}^{self.notes}", blocks, where)

    def refused_inline(self, kind: str, content: Any) -> list[Inline]:
        """An inline outside the writing language: refused where it stands, its words kept where they can be."""
        if kind == "Image":
            self.refuse(refusals.image_in_text(bool(self.containers["a link"])))
            return list(self.inlines(content[1]))
        if kind == "Math":
            self.refuse(refusals.math(content[1]))
            return [Text(content[1])]
        if kind == "RawInline":
            self.raw(content[0], content[1])
            return []
        self.refuse(refusals.unknown_inline(kind))
        return []

    def language_of(self, attrs: list[Any]) -> tuple[str, list[Any]]:
        """The `lang=` of a span's or a block's attributes (checked as a BCP 47 tag), and the other attributes."""
        tags = [value for key, value in attrs if key == "lang"]
        rest = [[key, value] for key, value in attrs if key != "lang"]
        if not tags:
            return "", rest
        if not is_language_tag(tags[0]):
            self.refuse(refusals.language_tag(tags[0]))
            return "", rest
        return tags[0], rest

    def span(self, content: list[Any]) -> list[Inline]:
        """`[text]{.smallcaps}`, `[text]{.underline}` or `[texte]{lang=fr}`; any other span is refused, words kept."""
        (ident, classes, attrs), children = content
        lang, attrs = self.language_of(attrs)  # kept in text citeproc formatted too: a note's own words
        if lang:
            inner_span = [(ident, classes, attrs), children]
            words = self.span(inner_span) if classes or attrs or ident else list(self.inlines(children))
            return [LangSpan(lang, merge_text(words))]
        inner = self.inlines(children)
        if self.formatted:  # CSL's spans (csl-left-margin, nocase...) only group words
            known = [c for c in classes if c in _SPAN_CLASSES]
            return [_SPAN_CLASSES[known[0]](inner)] if known else list(inner)
        if not classes and not attrs:
            return list(inner)
        known = [c for c in classes if c in _SPAN_CLASSES]
        unknown = [c for c in classes if c not in known]
        if unknown or attrs or not known:
            self.refuse(refusals.span(ident, unknown, attrs))
            return list(inner)
        node: tuple[Inline, ...] = inner
        for name in known:
            node = (_SPAN_CLASSES[name](node),)
        return list(node)

    def citation(self, items: list[dict[str, Any]]) -> Citation:
        """A citation of one or more works, each key found where it is written."""
        parsed = []
        for item in items:
            key = item["citationId"]
            mode = item["citationMode"]["t"]
            prefix = plain_text(self.inlines(item["citationPrefix"]))
            suffix = plain_text(self.inlines(item["citationSuffix"]))
            parsed.append(
                CiteItem(
                    key=key,
                    prefix=prefix.strip(),
                    suffix=suffix.strip().lstrip(",").strip(),
                    suppress_author=mode == "SuppressAuthor",
                    location=self.at.where_key(key),
                )
            )
        in_text = bool(items) and items[0]["citationMode"]["t"] == "AuthorInText"
        uid = f"{self.uid_prefix}#{len(self.citations) + 1}"
        citation = Citation(
            uid,
            _raw_citation(parsed, in_text),
            tuple(parsed),
            parsed[0].location if parsed else self.at.fallback,
            pandoc=json.dumps(items, ensure_ascii=False),
            in_text=in_text,
        )
        self.citations.append(citation)
        return citation


def _raw_citation(items: list[CiteItem], in_text: bool) -> str:
    """The citation as Pandoc Markdown, for exports and messages."""
    parts = []
    for item in items:
        text = ("-" if item.suppress_author else "") + "@" + item.key
        if item.prefix:
            text = item.prefix + " " + text
        if item.suffix and not in_text:
            text += ", " + item.suffix
        parts.append(text)
    if in_text:
        suffix = items[0].suffix if items else ""
        raw = parts[0] + (f" [{suffix}]" if suffix else "")
    else:
        raw = "[" + "; ".join(parts) + "]"
    return raw.replace("\u00a0", " ")  # Pandoc ties "p. 3" with a no-break space; show it as written
