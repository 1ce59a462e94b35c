"""HTML output: the Jinja templates and CSS that the PDF uses, also a standalone preview file.

Content is never rendered as a template: rich text is turned into escaped HTML here and
handed to Jinja as markup, and Jinja autoescapes every other value. Templates, the built-in
ones and a workspace's overrides alike, render in Jinja's sandbox with a loader that reads
only regular files inside the template and style folders; a workspace template's problem is
a content error at its line, never a crash.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from briefgen.content.bidi import is_rtl
from briefgen.content.fonts import fallback_stack
from briefgen.content.language import labels_for, primary
from briefgen.content.links import safe_href
from briefgen.content.richtext import blocks_text, plain_text, table_text_starts, walk
from briefgen.content.style import HouseStyle
from briefgen.model import (
    Block,
    Callout,
    CiteRef,
    Code,
    CodeBlock,
    DefinitionList,
    DocBlock,
    Document,
    Emph,
    Figure,
    Inline,
    LangDiv,
    LangSpan,
    LineBreak,
    Link,
    ListBlock,
    Note,
    NoteRef,
    Para,
    Picture,
    PortionMark,
    Quote,
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
from briefgen.render.cssescape import css_string
from briefgen.render.figuresize import figure_fraction
from briefgen.render.footnotes import note_number, note_paragraphs
from briefgen.render.masthead import byline, history_rows, long_date, recommendation_meta
from briefgen.render.sandbox import render_template
from briefgen.render.webfonts import embed_fonts, placeholder

SHORT_PARAGRAPH = 900  # characters of markup: about five lines, kept whole when it calls a footnote


def dir_attr(text: str) -> Markup:
    """` dir="rtl"` on an element whose text starts right to left (Arabic, Hebrew...), else nothing.

    The rule of `content.bidi`, the one Word's `w:bidi` follows: WeasyPrint has no `dir="auto"`.
    """
    return Markup(' dir="rtl"') if is_rtl(text) else Markup("")


def note_dir(blocks: tuple[Block, ...]) -> Markup:
    """The direction of a note, from its first paragraph."""
    first = note_paragraphs(blocks)[:1]
    return dir_attr(plain_text(first[0][1])) if first else Markup("")


def picture_src(picture: Picture, print_mode: bool) -> str:
    """Where the HTML finds a picture: its checked file for WeasyPrint, embedded data in a standalone page."""
    if print_mode:
        return picture.pdf_path.as_uri()
    return f"data:{picture.media_type};base64," + base64.b64encode(picture.path.read_bytes()).decode("ascii")


class HtmlWriter:
    """Rich text to HTML for one document, numbering notes as the reader meets them."""

    def __init__(
        self,
        doc: Document,
        print_mode: bool,
        labels: dict[str, str],
        text_block: tuple[float, float],  # points: what a figure's width is a share of
    ):
        self.doc = doc
        self.text_block = text_block
        self.print_mode = print_mode
        self.labels = labels or {}
        self.tables = 0  # Markdown tables written so far, so the PDF can name one that is too wide
        self.paragraph_notes: list[int] = []  # note numbers called in the paragraph being written
        self.part_lang = ""  # the language of the `::: {lang=...}` part being written, if any

    def generated(self, words: Markup) -> Markup:
        """Words briefgen writes ("Figure 2:", "Source:") in the brief's language, marked as such inside
        a part in another language, so a screen reader does not read "Figure" in an Arabic voice."""
        if self.part_lang and primary(self.part_lang) != primary(self.doc.language):
            return Markup('<span lang="%s">%s</span>') % (self.doc.language, words)
        return words

    def inlines(self, nodes: tuple[Inline, ...]) -> Markup:
        return Markup("").join(self.inline(n) for n in nodes)

    def inline(self, node: Inline) -> Markup:
        if isinstance(node, Text):
            return escape(node.text)
        if isinstance(node, Revision):  # a redline's words: <ins> and <del>, which screen readers announce
            tag = "ins" if node.kind == "ins" else "del"
            return Markup('<%s class="rev">%s</%s>') % (tag, self.inlines(node.children), tag)
        if isinstance(node, Emph):
            return Markup("<em>%s</em>") % self.inlines(node.children)
        if isinstance(node, Strong):
            return Markup("<strong>%s</strong>") % self.inlines(node.children)
        if isinstance(node, SmallCaps):
            return Markup('<span class="smallcaps">%s</span>') % self.inlines(node.children)
        if isinstance(node, Superscript):
            return Markup("<sup>%s</sup>") % self.inlines(node.children)
        if isinstance(node, Subscript):
            return Markup("<sub>%s</sub>") % self.inlines(node.children)
        if isinstance(node, Strikeout):
            return Markup("<s>%s</s>") % self.inlines(node.children)
        if isinstance(node, Underline):
            return Markup("<u>%s</u>") % self.inlines(node.children)
        if isinstance(node, NoteRef):
            number = self.doc.note_numbers.get(node.uid)
            return self.note_call(number) if number else Markup("")
        if isinstance(node, LangSpan):
            return Markup('<span lang="%s">%s</span>') % (node.lang, self.inlines(node.children))
        if isinstance(node, Code):
            return Markup("<code>%s</code>") % node.text
        if isinstance(node, LineBreak):
            return Markup("<br>")
        if isinstance(node, PortionMark):
            return Markup('<span class="portion">(%s)</span> ') % node.portion
        if isinstance(node, Link):
            href = safe_href(node.href)
            if href is None:
                return self.inlines(node.children)
            return Markup('<a href="%s">%s</a>') % (href, self.inlines(node.children))
        if isinstance(node, CiteRef):
            return self.citation(node)
        raise TypeError(f"no HTML for {type(node).__name__}")  # a node type added to the model but not here

    def citation(self, node: CiteRef) -> Markup:
        rendered = self.doc.citations.get(node.citation.uid)
        if rendered is None:
            return Markup("")
        if rendered.note is None:
            return self.inlines(rendered.inline)
        # an author-in-text citation: the name, the mark that followed it, then the call
        return self.inlines(rendered.inline) + escape(rendered.punctuation) + self.note_call(rendered.note)

    def note_call(self, number: int) -> Markup:
        """The note's number where it is called; in print, the footnote itself floats to the page foot."""
        note = self.doc.notes[number - 1]
        self.paragraph_notes.append(number)
        if self.doc.notes_mode == "footnotes":
            return Markup(
                '<a class="note-call" id="fnref-%d" href="#fn-%d">%d</a>'
                '<span class="footnote" data-note="%d" data-block="%s"%s>%s</span>'
            ) % (number, number, number, number, note.block_id, note_dir(note.blocks), self.note_text(note.blocks))
        return Markup('<sup class="endnote-call"><a id="fnref-%d" href="#fn-%d">%s</a></sup>') % (
            number,
            number,
            shown_number(note, number),
        )

    def note_text(self, blocks: tuple[Block, ...]) -> Markup:
        """A note's paragraphs as inline-level markup: a footnote lives inside the paragraph that calls it."""
        parts = []
        for index, (marker, inlines) in enumerate(note_paragraphs(blocks)):
            css = "fn-para" if index else "fn-first"
            prefix = Markup("%s\u00a0") % marker if marker else ""
            # A note's later paragraphs are blocks with their own direction; the first takes the note's.
            direction = dir_attr(plain_text(inlines)) if index else Markup("")
            parts.append(Markup('<span class="%s"%s>%s%s</span>') % (css, direction, prefix, self.inlines(inlines)))
        return Markup("").join(parts)

    def blocks(self, blocks: tuple[Block, ...]) -> Markup:
        return Markup("\n").join(self.block(b) for b in blocks)

    def paragraph(self, block: Para) -> Markup:
        """A paragraph, with the numbers of the notes it calls (for the PDF's notes) and its classes."""
        self.paragraph_notes = []
        text = self.inlines(block.inlines)
        notes = Markup(' data-notes="%s"') % " ".join(map(str, self.paragraph_notes)) if self.paragraph_notes else ""
        classes = ["short"] * (len(text) < SHORT_PARAGRAPH) + ["changed"] * _revised(block.inlines)
        short = Markup(' class="%s"') % " ".join(classes) if classes else ""
        return Markup("<p%s%s%s>%s</p>") % (short, notes, dir_attr(plain_text(block.inlines)), text)

    def block(self, block: Block) -> Markup:
        if isinstance(block, Para):
            return self.paragraph(block)
        if isinstance(block, SubHeading):
            return Markup("<h4%s>%s</h4>") % (dir_attr(plain_text(block.inlines)), self.inlines(block.inlines))
        if isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            start = (
                Markup(' start="%d" style="counter-reset: list-item %d"') % (block.start, block.start - 1)
                if block.ordered and block.start != 1
                else Markup("")
            )
            items = Markup("").join(
                Markup("<li%s>%s</li>") % (dir_attr(blocks_text(item)), self.blocks(item)) for item in block.items
            )
            # A list whose first item reads right to left is indented and numbered from the right.
            direction = dir_attr(blocks_text(block.items[0])) if block.items else Markup("")
            return Markup("<%s%s%s>%s</%s>") % (Markup(tag), direction, start, items, Markup(tag))
        if isinstance(block, Quote):
            return Markup("<blockquote>%s</blockquote>") % self.blocks(block.blocks)
        if isinstance(block, CodeBlock):
            return Markup("<pre>%s</pre>") % block.text
        if isinstance(block, Rule):
            return Markup("<hr>")
        if isinstance(block, DefinitionList):
            items = Markup("").join(
                Markup("<dt%s>%s</dt>%s")
                % (
                    dir_attr(plain_text(term)),
                    self.inlines(term),
                    Markup("").join(Markup("<dd>%s</dd>") % self.blocks(d) for d in definitions),
                )
                for term, definitions in block.items
            )
            return Markup("<dl>%s</dl>") % items
        if isinstance(block, Callout):
            title = Markup('<p class="callout-title">%s</p>') % self.inlines(block.title) if block.title else ""
            return Markup('<aside class="callout callout-%s">%s%s</aside>') % (
                block.kind,
                title,
                self.blocks(block.blocks),
            )
        if isinstance(block, LangDiv):
            outer, self.part_lang = self.part_lang, block.lang
            try:
                return Markup('<div lang="%s">%s</div>') % (block.lang, self.blocks(block.blocks))
            finally:
                self.part_lang = outer
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, Figure):
            return self.figure(block)
        if isinstance(block, RevisedBlocks):
            return self.revised(block)
        raise TypeError(f"no HTML for {type(block).__name__}")

    def revised(self, block: RevisedBlocks) -> Markup:
        """A redline's blocks added, removed or moved whole: in <ins> or <del>, which screen readers announce."""
        tag, moved = ("ins" if block.kind in ("ins", "move-to") else "del"), " rev-move" * ("move" in block.kind)
        return Markup('<%s class="rev-block%s">%s</%s>') % (tag, moved, self.blocks(block.blocks), tag)

    def table(self, table: Table) -> Markup:
        """A Markdown table in the house table style; header rows repeat on every page in print."""
        widths = table.widths if any(table.widths) else ()
        cols = (
            Markup("<colgroup>%s</colgroup>")
            % Markup("").join(Markup('<col style="width: %.1f%%">') % (w * 100) for w in widths)
            if widths
            else ""
        )
        caption = ""
        if table.caption:
            label = (
                self.generated(
                    Markup('<span class="table-label">%s %d:</span>')
                    % (self.labels.get("table", "Table"), table.number)
                )
                + Markup(" ")
                if table.number
                else ""
            )
            caption = Markup("<caption>%s%s</caption>") % (label, self.inlines(table.caption))

        def row(cells, tag: str) -> Markup:
            out = []
            column = 0
            for cell in cells:
                align = table.aligns[column] if column < len(table.aligns) else "default"
                attrs = dir_attr(blocks_text(cell.blocks))
                if align != "default":
                    attrs += Markup(' class="align-%s"') % align
                if cell.colspan > 1:
                    attrs += Markup(' colspan="%d"') % cell.colspan
                if cell.rowspan > 1:
                    attrs += Markup(' rowspan="%d"') % cell.rowspan
                out.append(Markup("<%s%s>%s</%s>") % (Markup(tag), attrs, self.cell(cell.blocks), Markup(tag)))
                column += cell.colspan
            return Markup("<tr>%s</tr>") % Markup("").join(out)

        head = Markup("<thead>%s</thead>") % Markup("").join(row(r, "th") for r in table.head) if table.head else ""
        body = Markup("<tbody>%s</tbody>") % Markup("").join(row(r, "td") for r in table.body)
        ident = Markup(' id="%s"') % table.id if table.id else ""
        self.tables += 1
        # A table whose first cell reads right to left runs its columns from the right.
        ident += dir_attr(table_text_starts(table))
        return Markup('<table class="md-table" data-table="%d"%s>%s%s%s%s</table>') % (
            self.tables,
            ident,
            caption,
            cols,
            head,
            body,
        )

    def figure(self, figure: Figure) -> Markup:
        """A figure at its share of the text width; the numbered caption and source line below, as wide as the text."""
        if figure.picture is None:
            raise ValueError(f"figure '{figure.src}' was not checked; its problem is reported by 'briefgen check'")
        word = self.labels.get("figure", "Figure")
        label = (
            self.generated(
                Markup('<span class="figure-label">%s %d%s</span>')
                % (word, figure.number, ":" if figure.caption else "")
            )
            + Markup(" " if figure.caption else "")
            if figure.number
            else ""
        )
        caption = (
            Markup("<figcaption>%s%s</figcaption>") % (label, self.inlines(figure.caption))
            if (label or figure.caption)
            else ""
        )
        source = (
            Markup('<p class="figure-source">%s %s</p>')
            % (self.generated(Markup("%s:") % self.labels.get("source", "Source")), figure.source)
            if figure.source
            else ""
        )
        ident = Markup(' id="%s"') % figure.id if figure.id else ""
        return Markup('<figure class="figure"%s><img src="%s" alt="%s" style="width: %.1f%%">%s%s</figure>') % (
            ident,
            picture_src(figure.picture, self.print_mode),
            figure.alt,
            figure_fraction(figure, *self.text_block) * 100,
            caption,
            source,
        )

    def cell(self, blocks: tuple[Block, ...]) -> Markup:
        """A cell's text: a single paragraph without its <p>, several as paragraphs."""
        if len(blocks) == 1 and isinstance(blocks[0], Para):
            self.paragraph_notes = []
            return self.inlines(blocks[0].inlines)
        return self.blocks(blocks)


# ---------------------------------------------------------------- templates: sandboxed, confined, reported


def shown_number(note: Note, number: int) -> Markup:
    """A note's number as printed; in a redline, a renumbered note's issued number struck through."""
    parts = [Markup('<%s class="rev">%s</%s>') % (k, d, k) if k else escape(d) for k, d in note_number(note, number)]
    return Markup("").join(parts)


def _marked(text: Markup, change: str) -> Markup:
    """A note's text, inserted or deleted whole when a redline inserted or deleted its call."""
    if not change:
        return text
    tag = "ins" if change == "ins" else "del"
    return Markup('<%s class="rev">%s</%s>') % (tag, text, tag)


def _font_files(style: HouseStyle) -> dict[str, Path]:
    """The house style's fonts by file stem (Carlito-Bold), a workspace's own before the built-in ones."""
    return {
        p.stem: p.resolve()
        for d in reversed(style.style_dirs)
        if (d / "fonts").is_dir()
        for p in (d / "fonts").glob("*.ttf")
    }


def _css(style: HouseStyle, doc: Document, print_mode: bool) -> str:
    """The house CSS; a standalone page's fonts are placeholders until `render_html` knows its characters."""
    files = _font_files(style)
    fonts = {name: path.as_uri() if print_mode else placeholder(name) for name, path in sorted(files.items())}
    fallback = "".join(f", {css_string(family)}" for family in fallback_stack(style, doc.language))
    context = {"t": style.theme, "fonts": fonts, "decision": doc.audience.decision, "fallback_fonts": fallback}
    # CSS never needs a literal '</' (in a string, a comment or a URL '<\/' reads the same), and in the
    # page's <style> it could end the element: whatever a stylesheet prints stays stylesheet.
    return render_template(style.style_dirs, "brief.css.j2", False, context).replace("</", "<\\/")


def template_context(
    doc: Document, style: HouseStyle, print_mode: bool, toc: bool = False, extra_css: str = ""
) -> dict[str, Any]:
    """What the HTML template sees: the document, rich text already turned into safe markup."""
    writer = HtmlWriter(doc, print_mode, labels_for(doc.language, style.theme.get("labels")), style.text_block())
    # Written in reading order (as `document.reading.reading_order`), so the PDF can name a table by its place.
    bottom_line = writer.blocks(doc.bottom_line)
    content: dict[str, Markup] = {}
    mitigation: dict[str, Markup] = {}
    for section in doc.sections:
        mitigation.update({b.id: writer.blocks(b.mitigation) for b in section.blocks if b.kind == "risk"})
        content.update({b.id: writer.blocks(b.content) for b in section.blocks})
    return {
        "doc": doc,
        "audience": doc.audience,
        "bottom_line": bottom_line,
        "content": content,
        "mitigation": mitigation,
        "notes": [
            (n.number, _marked(writer.note_text(n.blocks), n.change), n.block_id, shown_number(n, n.number))
            for n in doc.notes
        ],
        "changes": writer.blocks(doc.changes),
        "revised": revised_words,
        "rec_meta": recommendation_meta,
        "field": field_words,
        "bibliography": [writer.inlines(entry) for entry in doc.bibliography],
        "history": history_rows(doc),
        "css": Markup(_css(style, doc, print_mode) + extra_css),
        "print_mode": print_mode,
        "toc": toc,
        "authors": ", ".join(a.name for a in doc.authors),  # names only, for metadata
        "byline": byline(doc.authors, doc.organization),  # as the masthead shows them, with affiliations
        "date_text": long_date(doc.date),
        "long_date": long_date,
        "kind_blocks": _kind_blocks,
        "label": str.capitalize,
        "text_dir": dir_attr,  # ` dir="rtl"` for a heading or line whose text starts right to left
        "note_dirs": {n.number: note_dir(n.blocks) for n in doc.notes},
    }


def _revised(inlines: tuple[Inline, ...]) -> bool:
    """Whether a redline changed words of this paragraph (it gets a change bar)."""
    return any(isinstance(node, Revision) for node in walk(inlines))


def revised_words(was: str | None, now: str) -> Markup:
    """A heading or a field's line in a redline: `now`, or `was` struck through and `now` underlined."""
    if was is None or was == now:
        return escape(now)
    parts = [Markup('<del class="rev">%s</del>') % was] * bool(was) + [
        Markup('<ins class="rev">%s</ins>') % now
    ] * bool(now)
    return Markup(" ").join(parts)


def field_words(block: DocBlock, name: str, word: bool = False) -> Markup:
    """A field as a register cell shows it (`word`: capitalised, "High"); in a redline, changed words marked."""

    def shown(b: DocBlock) -> str:
        value = b.title if name == "title" else str(b.fields.get(name) or "")
        return value.capitalize() if word else value

    return revised_words(shown(block.was) if block.was is not None else None, shown(block))


def _kind_blocks(blocks: tuple[DocBlock, ...], kind: str) -> list[DocBlock]:
    return [b for b in blocks if b.kind == kind]


def render_html(
    doc: Document, style: HouseStyle, print_mode: bool = False, toc: bool = False, extra_css: str = ""
) -> str:
    """The brief as one standalone HTML file (print_mode: the variant WeasyPrint paginates)."""
    context = template_context(doc, style, print_mode, toc, extra_css)
    page = render_template(style.template_dirs, "brief.html.j2", True, context)
    return page if print_mode else embed_fonts(page, _font_files(style))
