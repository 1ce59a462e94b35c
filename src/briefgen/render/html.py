"""HTML output: the Jinja templates and CSS that the PDF uses, also a standalone preview file.

Content is never rendered as a template: rich text is turned into escaped HTML here and
handed to Jinja as markup, and Jinja autoescapes every other value.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from briefgen.model import (
    Block,
    CiteRef,
    Code,
    CodeBlock,
    DocBlock,
    Document,
    Emph,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Para,
    Quote,
    SmallCaps,
    Strong,
    SubHeading,
    Superscript,
    Text,
)
from briefgen.style import HouseStyle

SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")
SHORT_PARAGRAPH = 900  # characters of markup: about five lines, kept whole when it calls a footnote


def safe_href(href: str) -> str | None:
    """Links only to the web, e-mail or this document; anything else is dropped to plain text."""
    return href if href.lower().startswith(SAFE_SCHEMES) else None


class HtmlWriter:
    """Rich text to HTML for one document, numbering notes as the reader meets them."""

    def __init__(self, doc: Document, print_mode: bool):
        self.doc = doc
        self.print_mode = print_mode
        self.paragraph_notes: list[int] = []  # note numbers called in the paragraph being written

    def inlines(self, nodes: tuple[Inline, ...]) -> Markup:
        return Markup("").join(self.inline(n) for n in nodes)

    def inline(self, node: Inline) -> Markup:
        if isinstance(node, Text):
            return escape(node.text)
        if isinstance(node, Emph):
            return Markup("<em>%s</em>") % self.inlines(node.children)
        if isinstance(node, Strong):
            return Markup("<strong>%s</strong>") % self.inlines(node.children)
        if isinstance(node, SmallCaps):
            return Markup('<span class="smallcaps">%s</span>') % self.inlines(node.children)
        if isinstance(node, Superscript):
            return Markup("<sup>%s</sup>") % self.inlines(node.children)
        if isinstance(node, Code):
            return Markup("<code>%s</code>") % node.text
        if isinstance(node, LineBreak):
            return Markup("<br>")
        if isinstance(node, Link):
            href = safe_href(node.href)
            if href is None:
                return self.inlines(node.children)
            return Markup('<a href="%s">%s</a>') % (href, self.inlines(node.children))
        if isinstance(node, CiteRef):
            return self.citation(node)
        return Markup("")

    def citation(self, node: CiteRef) -> Markup:
        rendered = self.doc.citations.get(node.citation.uid)
        if rendered is None:
            return Markup("")
        if rendered.note is None:
            return self.inlines(rendered.inline)
        number = rendered.note
        note = self.doc.notes[number - 1]
        self.paragraph_notes.append(number)
        if self.doc.notes_mode == "footnotes":
            return Markup(
                '<a class="note-call" id="fnref-%d" href="#fn-%d">%d</a>'
                '<span class="footnote" data-note="%d" data-block="%s">%s</span>'
            ) % (number, number, number, number, note.block_id, self.inlines(note.inlines))
        return Markup('<sup class="endnote-call"><a id="fnref-%d" href="#fn-%d">%d</a></sup>') % (
            number,
            number,
            number,
        )

    def blocks(self, blocks: tuple[Block, ...], portion: str = "") -> Markup:
        return Markup("\n").join(self.block(b, portion) for b in blocks)

    def block(self, block: Block, portion: str = "") -> Markup:
        mark = Markup('<span class="portion">(%s)</span> ') % portion if portion else Markup("")
        if isinstance(block, Para):
            self.paragraph_notes = []
            text = self.inlines(block.inlines)
            notes = (
                Markup(' data-notes="%s"') % " ".join(map(str, self.paragraph_notes)) if self.paragraph_notes else ""
            )
            short = Markup(' class="short"') if len(text) < SHORT_PARAGRAPH else ""
            return Markup("<p%s%s>%s%s</p>") % (short, notes, mark, text)
        if isinstance(block, SubHeading):
            return Markup("<h4>%s</h4>") % self.inlines(block.inlines)
        if isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            start = (
                Markup(' start="%d" style="counter-reset: list-item %d"') % (block.start, block.start - 1)
                if block.ordered and block.start != 1
                else Markup("")
            )
            items = Markup("").join(Markup("<li>%s</li>") % self.blocks(item, portion) for item in block.items)
            return Markup("<%s%s>%s</%s>") % (Markup(tag), start, items, Markup(tag))
        if isinstance(block, Quote):
            return Markup("<blockquote>%s</blockquote>") % self.blocks(block.blocks, portion)
        if isinstance(block, CodeBlock):
            return Markup("<pre>%s</pre>") % block.text
        return Markup("")


@functools.lru_cache(maxsize=8)
def _template_env(dirs: tuple[Path, ...], autoescape: bool) -> jinja2.Environment:
    """One Jinja environment per template folder set, so templates compile once per process."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in dirs]),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=True,  # a saved template is picked up by `serve`
    )


def _css(style: HouseStyle, doc: Document) -> str:
    fonts = {
        p.stem: p.resolve().as_uri()
        for d in reversed(style.style_dirs)
        if (d / "fonts").is_dir()
        for p in (d / "fonts").glob("*.ttf")
    }
    template = _template_env(style.style_dirs, False).get_template("brief.css.j2")
    return template.render(t=style.theme, fonts=fonts, decision=doc.audience.decision)


def template_context(
    doc: Document, style: HouseStyle, print_mode: bool, toc: bool = False, extra_css: str = ""
) -> dict[str, Any]:
    """What the HTML template sees: the document, rich text already turned into safe markup."""
    writer = HtmlWriter(doc, print_mode)
    content = {b.id: writer.blocks(b.content, b.portion) for b in doc.blocks}
    mitigation = {b.id: writer.blocks(b.mitigation) for b in doc.blocks if b.kind == "risk"}
    return {
        "doc": doc,
        "audience": doc.audience,
        "bottom_line": writer.blocks(doc.bottom_line),
        "content": content,
        "mitigation": mitigation,
        "notes": [(n.number, writer.inlines(n.inlines), n.block_id) for n in doc.notes],
        "bibliography": [writer.inlines(entry) for entry in doc.bibliography],
        "css": Markup(_css(style, doc) + extra_css),
        "print_mode": print_mode,
        "toc": toc,
        "authors": ", ".join(a.name for a in doc.authors),
        "date_text": long_date(doc.date),
        "long_date": long_date,
        "kind_blocks": _kind_blocks,
        "label": str.capitalize,
    }


def long_date(value) -> str:
    """'2 May 2022': the date style of the masthead and 'as of' lines."""
    return f"{value.day} {value:%B %Y}"


def _kind_blocks(blocks: tuple[DocBlock, ...], kind: str) -> list[DocBlock]:
    return [b for b in blocks if b.kind == kind]


def render_html(
    doc: Document, style: HouseStyle, print_mode: bool = False, toc: bool = False, extra_css: str = ""
) -> str:
    """The brief as one standalone HTML file (print_mode: the variant WeasyPrint paginates)."""
    template = _template_env(style.template_dirs, True).get_template("brief.html.j2")
    return template.render(**template_context(doc, style, print_mode, toc, extra_css))
