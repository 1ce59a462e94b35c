"""Markdown fields to rich-text nodes, with Pandoc-style citations recognised and located.

markdown-it-py (CommonMark, raw HTML off) does the parsing; a small inline rule adds
Pandoc's bracketed citations `[@key]`, `[see @a, p. 3; -@b]`. Text that only looks like a
citation (an e-mail address, `@` inside code) stays text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.tree import SyntaxTreeNode

from briefgen.diagnostics import Location
from briefgen.model import (
    Block,
    Citation,
    CiteItem,
    CiteRef,
    Code,
    CodeBlock,
    Emph,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Markdown,
    Para,
    Quote,
    Strong,
    SubHeading,
    Text,
)

# Pandoc: a key starts with a letter, digit or _, and may hold internal punctuation.
KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_]|[:.#$%&\-+?<>~/](?=[A-Za-z0-9_]))*"
_ITEM = re.compile(rf"^(?P<prefix>.*?)(?:(?<=\s)|^)(?P<minus>-?)@(?P<key>{KEY})(?P<suffix>.*)$", re.S)

Locator = Callable[[str, int], Location]


def split_citation(inner: str) -> list[CiteItem] | None:
    """The items of a bracketed citation's inside, or None when it is not a citation."""
    items = []
    for part in inner.split(";"):
        match = _ITEM.match(part.strip())
        if not match:
            return None
        suffix = match.group("suffix")
        if suffix and not re.match(r"^[\s,]", suffix):
            return None
        items.append(
            CiteItem(
                key=match.group("key"),
                prefix=match.group("prefix").strip(),
                suffix=suffix.strip().lstrip(",").strip(),
                suppress_author=bool(match.group("minus")),
            )
        )
    return items or None


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    end = state.src.find("]", state.pos + 1)
    if end < 0:
        return False
    inner = state.src[state.pos + 1 : end]
    if "[" in inner or "@" not in inner:
        return False
    following = state.src[end + 1 : end + 2]
    if following in ("(", "["):
        return False
    items = split_citation(inner)
    if items is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"items": items, "raw": state.src[state.pos : end + 1]}
    state.pos = end + 1
    return True


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    md.enable(["smartquotes"])  # not "replacements": "(c)" in "paragraph (c)" must stay as written
    md.inline.ruler.before("link", "citation", _citation_rule)
    return md


_MD = _parser()


class _Builder:
    def __init__(self, uid_prefix: str, locate: Locator | None, fallback: Location | None):
        self.uid_prefix = uid_prefix
        self.locate = locate
        self.fallback = fallback
        self.citations: list[Citation] = []
        self.seen: dict[str, int] = {}

    def _where(self, needle: str) -> Location | None:
        count = self.seen.get(needle, 0)
        self.seen[needle] = count + 1
        if self.locate is None:
            return self.fallback
        return self.locate(needle, count)

    def blocks(self, node: SyntaxTreeNode) -> tuple[Block, ...]:
        out: list[Block] = []
        for child in node.children:
            block = self.block(child)
            if block is not None:
                out.append(block)
        return tuple(out)

    def block(self, node: SyntaxTreeNode) -> Block | None:
        kind = node.type
        if kind == "paragraph":
            return Para(self.inlines(node.children[0]) if node.children else ())
        if kind in ("bullet_list", "ordered_list"):
            items = tuple(self.blocks(item) for item in node.children)
            start = int(node.attrs.get("start", 1)) if kind == "ordered_list" else 1
            return ListBlock(kind == "ordered_list", items, start)
        if kind == "blockquote":
            return Quote(self.blocks(node))
        if kind in ("fence", "code_block"):
            return CodeBlock(node.content.rstrip("\n"))
        if kind == "heading":
            return SubHeading(self.inlines(node.children[0]) if node.children else ())
        return None  # thematic breaks and anything unknown carry no text

    def inlines(self, node: SyntaxTreeNode) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for child in node.children:
            kind = child.type
            if kind == "text":
                out.append(Text(child.content))
            elif kind == "softbreak":
                out.append(Text(" "))
            elif kind == "hardbreak":
                out.append(LineBreak())
            elif kind == "em":
                out.append(Emph(self.inlines(child)))
            elif kind == "strong":
                out.append(Strong(self.inlines(child)))
            elif kind == "code_inline":
                out.append(Code(child.content))
            elif kind == "link":
                out.append(Link(str(child.attrs.get("href", "")), self.inlines(child)))
            elif kind == "image":
                out.extend(self.inlines(child))
            elif kind == "citation":
                out.append(CiteRef(self.citation(child.meta)))
            else:
                out.append(Text(child.content))
        return merge_text(out)

    def citation(self, meta: dict) -> Citation:
        items = tuple(
            CiteItem(i.key, i.prefix, i.suffix, i.suppress_author, self._where("@" + i.key)) for i in meta["items"]
        )
        uid = f"{self.uid_prefix}#{len(self.citations) + 1}"
        citation = Citation(uid, meta["raw"], items, items[0].location if items else self.fallback)
        self.citations.append(citation)
        return citation


def merge_text(nodes: list[Inline]) -> tuple[Inline, ...]:
    """Adjacent text nodes joined, so renderers see whole runs."""
    merged: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + node.text)
        else:
            merged.append(node)
    return tuple(merged)


def parse_markdown(
    source: str,
    uid_prefix: str,
    location: Location | None = None,
    locate: Locator | None = None,
) -> Markdown:
    """Parse one Markdown field; `locate(needle, n)` maps citation keys back to file positions."""
    builder = _Builder(uid_prefix, locate, location)
    tree = SyntaxTreeNode(_MD.parse(source))
    blocks = builder.blocks(tree)
    return Markdown(source, blocks, tuple(builder.citations), location, locate)


def typeset(text: str) -> str:
    """Plain text (titles, actions) with the curly quotes and apostrophes that Markdown text gets."""
    before = '(^|[-\\s(\\[{/\u2014\u2013\u201c\u2018"])'  # what may stand before an opening quote
    text = re.sub(r"(?<=\w)'(?=\w)", "\u2019", text)  # it's, Japan's
    text = re.sub(r"(^|\s)'(?=\d)", "\\1\u2019", text)  # '90s
    text = re.sub(before + "'", "\\1\u2018", text)
    text = text.replace("'", "\u2019")
    text = re.sub(before + '"', "\\1\u201c", text)
    return text.replace('"', "\u201d")


def plain_text(inlines: tuple[Inline, ...] | list[Inline]) -> str:
    """The words of rich text, without formatting; citations count as nothing."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text | Code):
            parts.append(node.text)
        elif isinstance(node, LineBreak):
            parts.append(" ")
        elif hasattr(node, "children"):
            parts.append(plain_text(node.children))
    return "".join(parts)


def blocks_text(blocks: tuple[Block, ...]) -> str:
    """The words of a sequence of blocks, one paragraph per line."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Para | SubHeading):
            lines.append(plain_text(block.inlines))
        elif isinstance(block, ListBlock):
            for item in block.items:
                lines.append(blocks_text(item))
        elif isinstance(block, Quote):
            lines.append(blocks_text(block.blocks))
        elif isinstance(block, CodeBlock):
            lines.append(block.text)
    return "\n".join(lines)
