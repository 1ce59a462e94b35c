"""Markdown fields to rich-text nodes, read by Pandoc's own Markdown reader.

The writing language is Pandoc Markdown, as Pandoc and Quarto users know it: Pandoc (shipped
in the pypandoc-binary wheel) reads every field of a workspace in one run, through a small
Lua reader that keeps the fields apart, and its JSON AST is turned into briefgen's nodes here.
Whatever Pandoc reads as structure briefgen does not print (raw HTML or LaTeX, math, line
blocks, unknown classes) becomes a `Problem` at the field's file:line:column, never text.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, cast

from briefgen.content.language import quote_marks
from briefgen.content.links import address_spot, safe_href
from briefgen.content.richtext import merge_text, plain_text
from briefgen.diagnostics import Location, did_you_mean
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
    LineBreak,
    Link,
    ListBlock,
    Markdown,
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
from briefgen.runtime.files import read_cache, write_cache
from briefgen.runtime.pandoc import run_pandoc
from briefgen.runtime.versions import code_identity

# Pandoc's Markdown with bare URLs made links; headings get no automatic ids (blocks have theirs).
READER = "markdown+autolink_bare_uris-auto_identifiers-yaml_metadata_block-pandoc_title_block"
# (a '---' block or a '% line' inside a field is text, never document metadata that would vanish)
Locator = Callable[[str, int], Location]

_CACHE: dict[str, list[dict[str, Any]]] = {}
_API: list[list[int]] = []  # the pandoc-api-version of the Pandoc that read the fields
_CACHE_LIMIT = 50_000


def _reader_path() -> str:
    return str(resources.files("briefgen") / "defaults" / "pandoc" / "batch-reader.lua")


def read_many(sources: Iterable[str], cache_file: Path | None = None) -> None:
    """Read every field not read before in one Pandoc run; later `parse_markdown` calls find them.

    `cache_file` keeps Pandoc's readings between runs (keyed by each field's text), so `check`
    and a no-op rebuild do not start Pandoc when nothing was edited.
    """
    wanted = list(dict.fromkeys(sources))
    stored = _load_cache(cache_file) if cache_file is not None else {}
    for source in wanted:
        if source not in _CACHE and _digest(source) in stored:
            _CACHE[source] = stored[_digest(source)]
    todo = [s for s in wanted if s not in _CACHE]
    if todo:
        _parse(todo)
        if cache_file is not None:
            _save_cache(cache_file, stored, wanted)


def _digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _cache_key() -> str:
    """What the readings depend on besides the text: the reader, its Lua part and the Pandoc binary."""
    from briefgen.runtime.pandoc import pandoc_path

    lua = Path(_reader_path())
    try:
        binary = Path(pandoc_path())
        stat = binary.stat()
        pandoc = f"{binary} {stat.st_size} {stat.st_mtime_ns}"
    except (OSError, RuntimeError):
        pandoc = "unknown"
    lua_hash = hashlib.sha256(lua.read_bytes()).hexdigest()[:16] if lua.is_file() else "-"
    return f"{READER} {lua_hash} {pandoc} briefgen {code_identity()}"


def _load_cache(path: Path) -> dict[str, Any]:
    data = read_cache(path)
    if not isinstance(data, dict) or data.get("key") != _cache_key() or not isinstance(data.get("entries"), dict):
        return {}
    if isinstance(data.get("api"), list):
        _API[:] = [data["api"]]
    return {k: v for k, v in data["entries"].items() if isinstance(v, list)}


def _save_cache(path: Path, stored: dict[str, Any], wanted: list[str]) -> None:
    """Write the readings of this run (and earlier ones, up to a limit) atomically; failure is harmless."""
    entries = {_digest(s): _CACHE[s] for s in wanted if s in _CACHE}
    if len(stored) + len(entries) < 20_000:
        entries = {**stored, **entries}
    write_cache(path, {"key": _cache_key(), "api": _API[0] if _API else None, "entries": entries})


def _parse(todo: list[str]) -> None:
    if len(_CACHE) + len(todo) > _CACHE_LIMIT:
        _CACHE.clear()
    output = json.loads(
        run_pandoc(json.dumps([READER, *todo]), ["-f", _reader_path(), "-t", "json"], what="reading Markdown")
    )
    _API[:] = [output["pandoc-api-version"]]
    for source, div in zip(todo, output["blocks"], strict=True):
        (_id, classes, _attrs), blocks = div["c"]
        if "briefgen-unreadable" in classes:
            blocks = [{"t": "Unreadable", "c": blocks[0]["c"][0]["c"]}]
        _CACHE[source] = blocks


def pandoc_api_version() -> list[int]:
    """The AST version Pandoc speaks, for JSON documents briefgen hands it."""
    if not _API:
        _API.append(
            json.loads(run_pandoc("", ["-f", "markdown", "-t", "json"], what="starting Pandoc"))["pandoc-api-version"]
        )
    return _API[0]


def pandoc_ast(source: str) -> list[dict[str, Any]]:
    """Pandoc's JSON blocks for one field."""
    if source not in _CACHE:
        read_many([source])
    return _CACHE[source]


KEY_CHAR = r"[A-Za-z0-9_]|[:.#$%&\-+?<>~/][A-Za-z0-9_]"  # what would make a key longer
_NOTE_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.M)
_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_NOTE_CALLS = re.compile(r"\[\^[^\]\s]+\](?!:)|\^\[")  # every note call, in the order Pandoc meets them
_LEFTOVERS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"\[\^[^\]\s]+\]"),
        "note.undefined",
        "note '{0}' has no definition; add '{1}: the note text' on a line of its own (after a blank "
        "line) in the same field, or write the note inline as ^[the note text]",
    ),
    (
        re.compile(r"\^\["),
        "note.unclosed",
        "the inline note '{0}' is not closed; end the note's text with ']'",
    ),
    (
        re.compile(r"\[[^\]\[]*(?<![\w.])-?@[A-Za-z0-9_][^\]\[]*\]"),
        "cite.syntax",
        "'{0}' looks like a citation but is malformed; write [@key], [@key, p. 12] or "
        "[see @a; @b] (every part separated by ';' needs its own @key)",
    ),
    (
        re.compile(r"\{[#.][^}]*\}"),
        "markdown.attributes",
        "the attributes '{0}' belong to nothing and would be printed; put them right after a "
        "table caption (': Caption {{#tbl-id}}') or a span ('[text]{{.smallcaps}}')",
    ),
    (
        re.compile(r"(?:^|\s):::+"),
        "markdown.fence",
        "a ':::' fence is left open or stands alone; a callout starts with "
        "'::: {{.callout-note}}' and ends with ':::' on lines of their own, after blank lines",
    ),
    (
        re.compile(r"\+(?:-{3,}|={3,}|[\u2013\u2014]+)[-=+\u2013\u2014]*|(?:={3,}|-{3,})\+"),
        "markdown.grid-table",
        "'{0}' is the border of a grid table that did not come out as a table; every row must have "
        "its '|' and '+' in exactly the columns of the border lines above and below it",
    ),
    (
        re.compile(r"\|\s*:?(?:-{3,}|[\u2013\u2014]-?)"),  # smart typography makes --- a dash
        "markdown.table",
        "'{0}' looks like a table row that is not part of a table; a table needs a blank line "
        "before it, a header row and a separator row such as |---|---|, and no blank line inside",
    ),
)
# What a leftover looked like in the source before smart typography turned '---' into a dash.
_WRITTEN = {
    "markdown.table": re.compile(r"\|\s*:?-{2,}"),
    "markdown.grid-table": re.compile(r"\+[-=]{3,}[-=+]*|[-=]{3,}\+"),
}
_LETTERED_ITEM = re.compile(r"(?m)^[ \t]*((?:[A-Za-z]|[ivxlcdmIVXLCDM]+)[.)] [^\n]{0,20})")
_TABLE_START = re.compile(r"(?:\A|\n[ \t]*\n)( {0,3}(?:\||\+[-=])[^\n]*)")
_CITE_SYNTAX = next(message for _p, code, message in _LEFTOVERS if code == "cite.syntax")
_WRAPPERS: dict[str, Any] = {
    "Emph": Emph,
    "Strong": Strong,
    "Underline": Underline,
    "Strikeout": Strikeout,
    "Superscript": Superscript,
    "Subscript": Subscript,
    "SmallCaps": SmallCaps,
}
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%$")
_FIGURE_ATTRIBUTES = ("width", "fig-alt", "source")
_CITATION_IN_TEXT = re.compile(r"\[[^\]]*@[\w-]|(?:^|\s)@[\w-]")
NESTING_LIMIT = 6
_NESTING = ("a list", "a quote", "a definition list", "a box")


def _first_words(content: Any) -> str:
    """The first words of the first paragraph in Pandoc JSON: how a block too deep is found again in its field."""
    if isinstance(content, dict):
        if content.get("t") in ("Plain", "Para"):
            words = []
            for node in content["c"]:
                if node["t"] == "Str":
                    words.append(node["c"])
                elif node["t"] in ("Space", "SoftBreak"):
                    words.append(" ")
                else:
                    break
            return "".join(words[:5]).strip()
        return _first_words(content.get("c"))
    if isinstance(content, list):
        return next((found for child in content if (found := _first_words(child))), "")
    return ""


_SPAN_CLASSES: dict[str, Any] = {"smallcaps": SmallCaps, "underline": Underline, "ul": Underline}


class _Reader:
    """Turns one field's Pandoc AST into nodes, recording problems at their positions."""

    def __init__(self, source: str, uid_prefix: str, locate: Locator | None, fallback: Location | None):
        self.source = source
        self.uid_prefix = uid_prefix
        self.locate = locate
        self.fallback = fallback
        self.citations: list[Citation] = []
        self.problems: list[Problem] = []
        self.notes = 0
        self.seen: dict[str, int] = {}
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
        self.masked = mask_code(source)

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
            words = _first_words(content)
            self.problems.append(
                Problem(
                    "error",
                    "markdown.nesting",
                    f"lists, quotes and boxes are nested more than {NESTING_LIMIT} levels deep here, more than a "
                    "page can print; flatten the structure (fewer levels of indentation or '>')",
                    self.first(words) if words else self.fallback,
                )
            )
        try:
            yield
        finally:
            self.containers[container] -= 1

    def where(self, needle: str) -> Location | None:
        count = self.seen.get(needle, 0)
        self.seen[needle] = count + 1
        if self.locate is None or not needle:
            return self.fallback
        return self.locate(needle, count)

    def where_key(self, key: str) -> Location | None:
        """Where the next `@key` stands, not counting longer keys it begins (@sec-risk in @sec-risks)."""
        needle = "@" + key
        count = self.seen.get(needle, 0)
        self.seen[needle] = count + 1
        if self.locate is None:
            return self.fallback
        starts = [m.start() for m in re.finditer(re.escape(needle), self.source)]
        whole = [i for i, start in enumerate(starts) if not re.match(KEY_CHAR, self.source[start + len(needle) :])]
        return self.locate(needle, whole[count] if count < len(whole) else count)

    def first(self, needle: str) -> Location | None:
        return self.locate(needle, 0) if (self.locate and needle) else self.fallback

    def link_location(self, href: str) -> Location | None:
        """Where a link stands: `(#anchor` for an anchor, the address as written for one `check` refuses."""
        if href.startswith("#"):
            return self.where("(" + href)
        if safe_href(href) is not None or self.locate is None:
            return None
        count = self.seen.get(" link " + href, 0)
        self.seen[" link " + href] = count + 1
        spot = address_spot(self.source, self.masked, href, count)
        return self.locate(*spot) if spot else self.fallback

    def refuse(self, code: str, message: str, needle: str, level: str = "error") -> None:
        self.problems.append(Problem(level, code, message, self.where(needle)))

    # ------------------------------------------------------------ blocks

    def blocks(self, nodes: list[dict[str, Any]]) -> tuple[Block, ...]:
        out: list[Block] = []
        for node in nodes:
            out.extend(self.block(node))
        return tuple(out)

    def block(self, node: dict[str, Any]) -> list[Block]:
        kind, content = node["t"], cast(Any, node.get("c"))
        if kind in ("Para", "Plain"):
            lone = [n for n in content if n["t"] not in ("Space", "SoftBreak")]
            if len(lone) == 1 and lone[0]["t"] == "Image":  # no caption, or in a cell: Pandoc made no Figure
                return [self.image_figure(lone[0]["c"], self.inlines(lone[0]["c"][1]))]
            if len(lone) >= 2 and lone[0]["t"] == "Image" and lone[1]["t"] == "Str" and lone[1]["c"][:1] == "{":
                shown = lone[1]["c"]
                named = re.match(r"\{#([\w:.-]+)", shown)
                self.problems.append(
                    Problem(
                        "error",
                        "figure.attributes",
                        f"the attributes '{shown}...' are apart from the image; write them right after its closing "
                        "')', without a space: ![caption](file.png){#fig-id width=70%}",
                        self.where(shown),
                        subject=named.group(1) if named else "",
                    )
                )
                return [self.image_figure(lone[0]["c"], self.inlines(lone[0]["c"][1]), detached=True)]
            inlines = self.inlines(content)
            self.leftovers(inlines)
            return [Para(inlines)] if inlines else []
        if kind == "Header":
            inlines = self.inlines(content[2])
            self.leftovers(inlines)
            return [SubHeading(inlines)]
        if kind == "BulletList":
            with self.inside("a list", content):
                return [ListBlock(False, tuple(self.blocks(item) for item in content))]
        if kind == "OrderedList":
            (start, style, _delim), items = content
            if style["t"] not in ("Decimal", "DefaultStyle", "Example"):
                self.refuse(
                    "markdown.list-style",
                    "lists numbered with letters or roman numerals are printed with 1, 2, 3 in every format; "
                    "number the items 1., 2., 3. to say so, or use a bulleted list",
                    next((m.group(1) for m in _LETTERED_ITEM.finditer(self.masked)), ""),
                    level="warning",
                )
            with self.inside("a list", items):
                return [ListBlock(True, tuple(self.blocks(item) for item in items), start)]
        if kind == "BlockQuote":
            with self.inside("a quote", content):
                return [Quote(self.blocks(content))]
        if kind == "CodeBlock":
            return [CodeBlock(content[1])]
        if kind == "HorizontalRule":
            return [Rule()]
        if kind == "DefinitionList":
            items = []
            for term, definitions in content:
                inlines = self.inlines(term)
                self.leftovers(inlines)
                with self.inside("a definition list", definitions):
                    items.append((inlines, tuple(self.blocks(d) for d in definitions)))
            return [DefinitionList(tuple(items))]
        if kind == "Table":
            return [self.table(content)]
        if kind == "Div":
            return self.div(content)
        if kind == "Figure":
            return self.figure(content)
        if kind == "RawBlock":
            self.raw(content[0], content[1])
            return []
        if kind == "Unreadable":
            self.refuse(
                "markdown.unreadable",
                f"Pandoc could not read this text ({content.splitlines()[0][:120]}); simplify it",
                "",
            )
            return []
        if kind == "LineBlock":
            first_line = plain_text(self.inlines(content[0])) if content else ""
            self.refuse(
                "markdown.line-block",
                "line blocks ('| ' at the start of lines) are not part of the writing language; end a line "
                "with a backslash for a line break, or remove the '|'",
                "| " + first_line[:20] if first_line else "|",
            )
            return [Para(self.inlines(line)) for line in content]
        self.refuse("markdown.unknown", f"Pandoc read a {kind} here, which briefs cannot show; rewrite it as text", "")
        return []

    def div(self, content: list[Any]) -> list[Block]:
        (ident, classes, attrs), children = content
        callouts = [c for c in classes if c.startswith("callout")]
        if callouts:
            kind = callouts[0].removeprefix("callout-")
            if kind not in CALLOUT_KINDS:
                self.refuse(
                    "markdown.callout",
                    f"unknown callout '.{callouts[0]}'; use one of "
                    + ", ".join(f".callout-{k}" for k in CALLOUT_KINDS),
                    "." + callouts[0],
                )
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
        shown = ("." + classes[0]) if classes else ("#" + ident if ident else ":::")
        self.refuse(
            "markdown.div",
            f"the block '{shown}' is not part of the writing language; for a boxed text write "
            "'::: {.callout-note title=\"...\"}' (note, tip, important, warning or caution)",
            shown,
        )
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
        (image_id, classes, attrs), _alt, (src, _title) = image
        ident = ident or image_id
        where = self.where("![")

        def problem(level: str, code: str, message: str) -> None:
            self.problems.append(Problem(level, code, message, where))

        place = next((name for name, depth in self.containers.items() if depth and name != "a box"), "")
        if place:
            problem("error", "figure.placement", f"a figure cannot stand in {place}; move it to a paragraph of its own")
        values = dict(attrs)
        width: float | None = None
        if "width" in values:
            match = _PERCENT.match(values["width"].strip())
            if match is None:
                problem(
                    "error",
                    "figure.width",
                    f"width={values['width']} is not a percentage; write the width as a share of the text width, "
                    "for example width=70%",
                )
            elif not 0 < float(match.group(1)) <= 100:
                problem(
                    "warning",
                    "figure.width",
                    f"width={values['width']} is outside 1% to 100% of the text width, so the figure is printed at "
                    "100%; write a width between 1% and 100%",
                )
            else:
                width = float(match.group(1)) / 100
        unused = [name for name, _ in attrs if name not in _FIGURE_ATTRIBUTES] + ["." + c for c in classes]
        for name in unused:
            hint = (
                " (write fig-alt= for the text screen readers get)"
                if name in ("alt", "description", "descr")
                else " (the caption goes between the square brackets)"
                if name in ("caption", "fig-cap", "title")
                else did_you_mean(name, _FIGURE_ATTRIBUTES)
            )
            problem(
                "warning",
                "figure.attribute",
                f"the figure attribute '{name}' is not used{hint}; briefgen reads #fig-id, width=, fig-alt= and "
                "source=",
            )
        source = " ".join(values.get("source", "").split())
        if _CITATION_IN_TEXT.search(source):
            problem(
                "error",
                "figure.source",
                f"source=\"{source[:60]}\" is printed as written, so a citation there would show as '[@...]'; "
                "cite in the caption instead: ![What it shows [@key]](file.png)",
            )
        alt = " ".join(values.get("fig-alt", "").split())
        if not alt and not detached and "alt" not in values:
            problem(
                "warning",
                "figure.alt",
                "the figure has no fig-alt, so readers who cannot see it learn nothing from it; describe what it "
                'shows in fig-alt="..." inside its {...}',
            )
        if not caption and not detached:
            problem(
                "warning",
                "figure.caption",
                "the figure has no caption; write one between its square brackets: ![What it shows](file.png)",
            )
        return Figure(src=src, caption=caption, id=ident, alt=alt, width=width, source=typeset(source), location=where)

    def table(self, content: list[Any]) -> Table:
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
            location=self.where("{#" + ident + "}") if ident else self.table_start(self.tables),
        )

    def table_start(self, number: int) -> Location | None:
        """Where the `number`-th table of the field begins (its first '|' or '+-' line after a blank line)."""
        starts = list(_TABLE_START.finditer(self.masked))
        if self.locate is None or number > len(starts):
            return self.fallback
        line = starts[number - 1].group(1).strip()[:30]
        return self.locate(line, self.source.count(line, 0, starts[number - 1].start(1)))

    def rows(self, rows: list[Any]) -> list[tuple[TableCell, ...]]:
        with self.inside("a table cell"):
            return [
                tuple(
                    TableCell(self.blocks(blocks), rowspan, colspan)
                    for _attr, _align, rowspan, colspan, blocks in cells
                )
                for _attr, cells in rows
            ]

    def raw(self, fmt: str, text: str) -> None:
        shown = text.strip().splitlines()[0][:60] if text.strip() else text
        if fmt == "html" and text.startswith("</"):
            return  # the opening tag is reported
        if fmt == "html":
            self.refuse(
                "markdown.raw-html",
                f"raw HTML '{shown}' is not part of the writing language; use Markdown instead "
                "(*italic*, **bold**, [text]{.underline}, ^superscript^) or write '\\<' for a literal '<'",
                text.strip()[:40],
            )
        else:
            self.refuse(
                "markdown.raw-tex",
                f"raw {'LaTeX' if fmt in ('tex', 'latex') else fmt} '{shown}' is not part of the writing language; "
                "use Markdown instead, or write '\\\\' for a literal backslash",
                text.strip()[:40],
            )

    # ------------------------------------------------------------ inlines

    def inlines(self, nodes: list[dict[str, Any]]) -> tuple[Inline, ...]:
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
            return [Link(href, words, self.link_location(href))]
        if kind == "Cite":
            if self.formatted:
                return list(self.inlines(content[1]))
            return [CiteRef(self.citation(content[0]))]
        if kind == "Note":
            self.notes += 1
            calls = [(m.group(0), m.start()) for m in _NOTE_CALLS.finditer(self.masked)]
            where = self.fallback
            if self.notes <= len(calls) and self.locate is not None:
                needle, offset = calls[self.notes - 1]
                where = self.locate(needle, self.source.count(needle, 0, offset))
            if self.in_note:
                message = "a note inside a note cannot be printed; put its text in the outer note (in brackets)"
                self.problems.append(Problem("error", "note.nested", message, where))
            self.in_note += 1
            try:
                with self.inside("a note"):
                    blocks = self.blocks(content)
            finally:
                self.in_note -= 1
            return [NoteRef(f"{self.uid_prefix}^{self.notes}", blocks, where)]
        if kind == "Span":
            return self.span(content)
        if kind == "Image":
            self.refuse(
                "figure.inline",
                "an image inside a link cannot be printed; put the picture in a paragraph of its own and the link "
                "in its caption or the text"
                if self.containers["a link"]
                else "an image inside a sentence cannot be printed; put it in a paragraph of its own (a blank line "
                "before and after) to make it a figure",
                "![",
            )
            return list(self.inlines(content[1]))
        if kind == "Math":
            self.refuse(
                "markdown.math",
                f"math ('${content[1]}$') is not part of the writing language; write it in words or with "
                "^superscript^ and ~subscript~, or write '\\$' for a dollar sign",
                content[1],
            )
            return [Text(content[1])]
        if kind == "RawInline":
            self.raw(content[0], content[1])
            return []
        self.refuse("markdown.unknown", f"Pandoc read a {kind} here, which briefs cannot show; rewrite it", "")
        return []

    def span(self, content: list[Any]) -> list[Inline]:
        (ident, classes, attrs), children = content
        inner = self.inlines(children)
        if self.formatted:  # CSL's spans (csl-left-margin, nocase...) only group words
            known = [c for c in classes if c in _SPAN_CLASSES]
            return [_SPAN_CLASSES[known[0]](inner)] if known else list(inner)
        if not classes and not attrs:
            return list(inner)
        known = [c for c in classes if c in _SPAN_CLASSES]
        unknown = [c for c in classes if c not in known]
        if unknown or attrs or not known:
            shown = "." + unknown[0] if unknown else ("#" + ident if ident and not attrs else "{")
            self.refuse(
                "markdown.span",
                f"the span attribute '{shown if shown != '{' else attrs[0][0]}' is not part of the writing "
                "language; use [text]{.smallcaps} or [text]{.underline}",
                shown if shown != "{" else attrs[0][0],
            )
            return list(inner)
        node: tuple[Inline, ...] = inner
        for name in known:
            node = (_SPAN_CLASSES[name](node),)
        return list(node)

    def citation(self, items: list[dict[str, Any]]) -> Citation:
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
                    location=self.where_key(key),
                )
            )
        in_text = bool(items) and items[0]["citationMode"]["t"] == "AuthorInText"
        uid = f"{self.uid_prefix}#{len(self.citations) + 1}"
        citation = Citation(
            uid,
            _raw_citation(parsed, in_text),
            tuple(parsed),
            parsed[0].location if parsed else self.fallback,
            pandoc=json.dumps(items, ensure_ascii=False),
            in_text=in_text,
        )
        self.citations.append(citation)
        return citation

    def leftovers(self, inlines: tuple[Inline, ...]) -> None:
        """Markdown syntax Pandoc left as text would be printed literally: each one is a problem."""
        for before, node in zip(inlines, inlines[1:], strict=False):
            # "[@a; b]" reads as "[", the in-text citation @a, then "; b]": the brackets would print.
            if isinstance(node, CiteRef) and node.citation.in_text and isinstance(before, Text):
                if before.text.endswith("["):
                    key = re.escape(node.citation.items[0].key)
                    bracketed = re.search(rf"\[[^\]\[]*@{key}[^\]\[]*\]", self.source)
                    raw = bracketed.group(0) if bracketed else "[@" + node.citation.items[0].key
                    self.refuse("cite.syntax", _CITE_SYNTAX.format(raw), raw)
        text = "".join(n.text for n in inlines if isinstance(n, Text))
        bare: dict[str, int] = {}  # of each leftover, how many were written without an escape
        for pattern, code, message in _LEFTOVERS:
            for match in pattern.finditer(text):
                found = match.group(0).strip()
                bare.setdefault(found, text.count(found) - _written_escaped(found, self.masked))
                bare[found] -= 1
                if bare[found] < 0:  # written escaped (`\:::`, `\[\@key\]`): meant as the characters themselves
                    continue
                label = found[: found.index("]") + 1] if code == "note.undefined" else found
                written = _WRITTEN.get(code)
                if label not in self.source and written:  # typography changed '---' into a dash
                    original = written.search(self.source)
                    label = original.group(0) if original else label
                text_of_message = message.format(label, label)
                if code == "note.undefined":
                    after = text[match.end() : match.end() + 1]
                    if after == ":":  # a definition Pandoc did not read as one
                        text_of_message = (
                            f"the note definition '{label}:' is printed as text; it must start its own line "
                            "with a blank line before it"
                        )
                    elif f"{label}:" in self.source:
                        text_of_message = (
                            f"note '{label}' has no definition that Pandoc can read: the line '{label}: ...' "
                            "needs a blank line before it and must start at the beginning of its line"
                        )
                    else:
                        defined = _NOTE_DEFINITION.findall(self.masked)
                        text_of_message = text_of_message.replace(
                            "has no definition", f"has no definition{did_you_mean(label[2:-1], defined)}"
                        )
                subject = label[2:-1] if code == "markdown.attributes" and label.startswith("{#") else ""
                self.problems.append(Problem("error", code, text_of_message, self.where(label), subject))
                if code in ("markdown.table", "markdown.grid-table", "markdown.fence"):
                    break  # one report per paragraph: the rest of the table is the same mistake


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


def parse_markdown(
    source: str,
    uid_prefix: str,
    location: Location | None = None,
    locate: Locator | None = None,
) -> Markdown:
    """Parse one Markdown field; `locate(needle, n)` maps text back to positions in its file."""
    reader = _Reader(source, uid_prefix, locate, location)
    try:
        blocks = reader.blocks(pandoc_ast(source))
    except (KeyError, TypeError, IndexError, ValueError, AttributeError):  # a damaged cached reading
        _CACHE.pop(source, None)
        _parse([source])
        reader = _Reader(source, uid_prefix, locate, location)
        blocks = reader.blocks(pandoc_ast(source))
    _check_note_labels(source, reader)
    _check_link_definitions(reader)
    _check_pipe_rows(reader)
    _check_fences(source, reader)
    return Markdown(source, blocks, tuple(reader.citations), location, locate, tuple(reader.problems))


def read_formatted(blocks: list[dict[str, Any]], lang: str) -> tuple[Block, ...]:
    """Pandoc blocks that citeproc has formatted, as nodes: each citation its formatted words,
    quotation marks those of `lang`, CSL's own spans unwrapped."""
    return _formatted_reader(lang).blocks(blocks)


def read_formatted_inlines(nodes: list[dict[str, Any]], lang: str) -> tuple[Inline, ...]:
    """The inline form of `read_formatted`, for notes, in-text citations and bibliography entries."""
    return _formatted_reader(lang).inlines(nodes)


def _formatted_reader(lang: str) -> _Reader:
    reader = _Reader("", "formatted", None, None)
    reader.formatted = lang
    return reader


def _written_escaped(found: str, source: str) -> int:
    """How many times the source writes `found` with a backslash escape in it.

    Syntax Pandoc left as text is a mistake when it was written bare. Written escaped (as `review
    --apply` writes a reviewer's words, or as a writer who wants ':::' printed does) it is text. A
    bare occurrence that Pandoc read as syntax (a real citation) leaves no text, so of the leftovers
    in the text, as many as the source escapes are words.
    """
    pattern = "".join(
        r"\s+" if c.isspace() else (r"\\?" + re.escape(c) if c.isascii() and not c.isalnum() else re.escape(c))
        for c in found
    )
    return sum("\\" in m.group(0) for m in re.finditer(pattern, source))


def mask_code(source: str) -> str:
    """The source with code (fenced blocks, `spans`) blanked out, same length: syntax inside code is text."""
    masked = re.sub(
        r"(?ms)^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[^\n]*$", lambda m: re.sub(r"[^\n]", " ", m.group(0)), source
    )
    return re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", lambda m: " " * len(m.group(0)), masked, flags=re.S)


_LINK_DEFINITION = re.compile(r"^ {0,3}\[([^\]^\n]+)\]:[ \t]*\S", re.M)


def _check_link_definitions(reader: _Reader) -> None:
    """A reference-link definition (`[1]: https://...`) that nothing refers to prints nothing: say so."""
    masked = reader.masked
    for match in _LINK_DEFINITION.finditer(masked):
        label = match.group(1)
        rest = masked[: match.start()] + masked[match.end() :]
        pattern = rf"\[{re.escape(label)}\](?!:)|\]\[{re.escape(label)}\]"
        if not re.search(pattern, rest, re.I):
            reader.problems.append(
                Problem(
                    "warning",
                    "markdown.unused-link",
                    f"the link definition '[{label}]: ...' is used by no link, so nothing of it is printed; "
                    f"write [your words][{label}] where the link belongs, or delete the definition",
                    reader.first(f"[{label}]:"),
                )
            )


def _check_note_labels(source: str, reader: _Reader) -> None:
    source = reader.masked
    called = set(_NOTE_CALL.findall(source))
    for match in _NOTE_DEFINITION.finditer(source):
        label = match.group(1)
        if label not in called:
            reader.problems.append(
                Problem(
                    "warning",
                    "note.unused",
                    f"note '[^{label}]' is defined but never called; write [^{label}] where it belongs, "
                    "or delete the definition",
                    reader.first(f"[^{label}]:"),
                )
            )


_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$|^\s*\|\s*:?-+:?\s*\|\s*$")


def _cells(line: str) -> int:
    """How many cells a pipe-table line has (escaped pipes are text)."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return len(re.split(r"(?<!\\)\|", inner))


def _check_pipe_rows(reader: _Reader) -> None:
    """A pipe-table row with more cells than its separator row loses the extra cells: say which row."""
    lines = reader.masked.splitlines()
    for index, line in enumerate(lines):
        if index == 0 or not _PIPE_SEPARATOR.match(line) or "|" not in lines[index - 1]:
            continue
        columns = _cells(line)
        row_index = index - 1
        while row_index < len(lines) and lines[row_index].strip() and "|" in lines[row_index]:
            row = lines[row_index]
            if row_index != index and _cells(row) > columns:
                reader.problems.append(
                    Problem(
                        "error",
                        "markdown.table-cells",
                        f"this table row has {_cells(row)} cells but the separator row under the header has "
                        f"{columns}, so the last cells would be lost; give the separator row one '---' per column",
                        reader.first(row.strip()[:40]),
                    )
                )
            row_index += 1


_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_DIV_OPEN = re.compile(r"^ {0,3}:{3,}\s*(\{[^}]*\}|[\w.-]+)[\s:]*$")
_DIV_CLOSE = re.compile(r"^ {0,3}:{3,}\s*$")


def _check_fences(source: str, reader: _Reader) -> None:
    """A `:::` box that is never closed swallows the rest of the field: say where it opens."""
    opened: list[str] = []
    code_fence = ""
    for line in source.splitlines():
        fence = _CODE_FENCE.match(line)
        if code_fence:
            if fence and fence.group(1)[0] == code_fence[0] and len(fence.group(1)) >= len(code_fence):
                code_fence = ""
            continue
        if fence:
            code_fence = fence.group(1)
        elif _DIV_OPEN.match(line):
            opened.append(line.strip())
        elif _DIV_CLOSE.match(line) and opened:
            opened.pop()
    for line in opened:
        reader.problems.append(
            Problem(
                "error",
                "markdown.fence",
                f"the box '{line}' is never closed, so everything after it in this field would be drawn "
                "inside it; add a line ':::' (after a blank line) where the box ends",
                reader.first(line),
            )
        )


def typeset(text: str) -> str:
    """Plain text (titles, actions) with the curly quotes and apostrophes that Markdown text gets."""
    before = '(^|[-\\s(\\[{/\u2014\u2013\u201c\u2018"])'  # what may stand before an opening quote
    text = re.sub(r"(?<=\w)'(?=\w)", "\u2019", text)  # it's, Japan's
    text = re.sub(r"(^|\s)'(?=\d)", "\\1\u2019", text)  # '90s
    text = re.sub(before + "'", "\\1\u2018", text)
    text = text.replace("'", "\u2019")
    text = re.sub(before + '"', "\\1\u201c", text)
    return text.replace('"', "\u201d")
