"""Pandoc Markdown output: the selected brief as one self-contained file for Pandoc or Quarto.

A YAML metadata header carries title, authors, date and the cited works as CSL references;
citations are written back in Pandoc's own syntax, so Pandoc formats them in the same style.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from briefgen.content.language import labels_for
from briefgen.content.markdown import pandoc_api_version
from briefgen.content.pandoc_ast import (
    AstWriter,
    Json,
    escaped_for_markdown,
    header,
    markdown_words,
    para,
    revision_div,
    revision_span,
    text_inlines,
)
from briefgen.document.reading import Register, recommendation_register, section_registers
from briefgen.model import DocBlock, Document, Para, PortionMark, Table, TableCell, Text
from briefgen.render.masthead import (
    HISTORY_HEADINGS,
    byline,
    heading_text,
    history_rows,
    long_date,
    recommendation_meta,
)
from briefgen.runtime.pandoc import run_pandoc


def _as_of(block: DocBlock) -> str:
    return f"As of {long_date(block.as_of)}" if block.as_of else ""


def revised_inlines(was: str | None, now: str) -> list[Json]:
    """`now` as words; in a redline where it changed, `was` deleted and `now` inserted."""
    if was is None or was == now:
        return text_inlines(now)
    parts = [revision_span("del", text_inlines(was))] if was else []
    return parts + ([{"t": "Space"}, revision_span("ins", text_inlines(now))] if now else [])


def _cell(text: str) -> TableCell:
    """A table cell of plain text; an empty one holds nothing, as Pandoc reads it."""
    text = text.strip()
    return TableCell((Para((Text(text),)),)) if text else TableCell(())


def house_table(head: list[str], rows: list[list[TableCell]]) -> Table:
    """A house table (recommendations, risk register, factors) as an uncaptioned, unnumbered table node."""
    return Table(
        caption=(),
        aligns=("default",) * len(head),
        widths=(0.0,) * len(head),
        head=(tuple(_cell(h) for h in head),),
        body=tuple(tuple(r) for r in rows),
    )


def _literal_reference(value: Any, key: str = "") -> Any:
    """A CSL reference whose strings Pandoc reads as the characters briefgen's CSL JSON gave citeproc.

    In the YAML header Pandoc reads them as Markdown; escaped, a title's `<script>` or
    `[x](javascript:...)` stays words. The id stays as written: citations name it.
    """
    if isinstance(value, str):
        return value if key == "id" else markdown_words(value)
    if isinstance(value, list):
        return [_literal_reference(item, key) for item in value]
    if isinstance(value, dict):
        return {k: _literal_reference(v, k) for k, v in value.items()}
    return value


class MarkdownWriter:
    """The selected document as Pandoc's AST; Pandoc's own writer turns it into Markdown."""

    def __init__(self, doc: Document, labels: dict[str, str]):
        self.doc = doc
        self.ast = AstWriter(doc, labels)

    def block(self, block: DocBlock) -> list[Json]:
        out = [header(2, block.anchor, self.words(block, lambda b: heading_text(b).strip()))]
        if block.as_of or (block.was and block.was.as_of):
            out.append(para([{"t": "Emph", "c": self.words(block, _as_of)}]))
        if block.kind == "recommendation":
            mark = self.ast.inline(PortionMark(block.portion)) if block.portion else []
            if block.fields.get("action") or (block.was and block.was.fields.get("action")):
                action = [{"t": "Strong", "c": self.words(block, lambda b: str(b.fields.get("action") or "").strip())}]
                out.append(para(mark + action))
            if self.doc.audience.detail != "summary":  # summary audiences have it in the table, as elsewhere
                out.append(para(mark + self.words(block, recommendation_meta)))
        out += self.ast.blocks(block.content)
        if block.kind == "recommendation" and self.doc.audience.decision:
            out.append(para(text_inlines("Approve ________ Disapprove ________")))
        if block.change:  # a redline's block added, removed or moved whole
            return [revision_div(block.change, out)]
        return out

    def words(self, block: DocBlock, text_of) -> list[Json]:
        """A line drawn from a block's fields; in a redline, the issued words deleted and the new inserted."""
        return revised_inlines(text_of(block.was) if block.was is not None else None, text_of(block))

    def register(self, register: Register) -> Json:
        """A house table (recommendations, risks, factors) as a table of the AST."""
        rows = [
            [TableCell(cell) if isinstance(cell, tuple) else _cell(cell) for cell in register.cells(block)]
            for block in register.blocks
        ]
        return self.ast.table(house_table(register.headings, rows))

    def body(self) -> list[Json]:
        doc = self.doc
        out = [
            para(
                [*text_inlines("Prepared for:"), {"t": "Space"}, {"t": "Strong", "c": text_inlines(doc.audience.label)}]
            )
        ]
        if doc.changes_heading:  # a redline's summary of what changed, first
            out.append(header(1, "changes", text_inlines(doc.changes_heading)))
            out += self.ast.blocks(doc.changes)
        if doc.bottom_line:
            inner = [para([{"t": "Strong", "c": text_inlines("Bottom line")}]), *self.ast.blocks(doc.bottom_line)]
            out.append({"t": "Div", "c": [["", ["bottom-line"], []], inner]})
        summary = recommendation_register(doc)
        if summary is not None:
            out.append(self.register(summary))
        for section in doc.sections:
            title = revised_inlines(section.title_was, section.title.strip())
            if section.change:
                title = [revision_span(section.change, title)]
            out.append(header(1, f"section-{section.id}", title))
            out += [self.register(register) for register in section_registers(section)]
            for block in section.blocks:
                out += self.block(block)
        if doc.bibliography:
            out.append(header(1, "bibliography", text_inlines("Bibliography")))
            out.append({"t": "Div", "c": [["refs", [], []], []]})
        if doc.history:
            out.append(header(1, "history", text_inlines("Version history")))
            rows = [[_cell(value) for value in row] for row in history_rows(doc)]
            out.append(self.ast.table(house_table(list(HISTORY_HEADINGS), rows)))
        if doc.disclaimer:
            out.append({"t": "HorizontalRule"})
            out.append(para([{"t": "Emph", "c": text_inlines(doc.disclaimer.strip())}]))
        return out

    def document(self) -> str:
        doc = self.doc
        text = markdown_words  # Pandoc reads the header's strings as Markdown: these are words
        meta = {
            "title": text(doc.title),
            "subtitle": text(doc.subtitle) if doc.subtitle else None,
            "author": [text(byline((a,), doc.organization)) for a in doc.authors] or None,
            "date": doc.date.isoformat(),
            "lang": doc.language,
            "subject": text(doc.audience.label),
            "briefgen": {
                "brief": doc.brief_id,
                "audience": doc.audience.id,
                "draft": doc.draft,
                "marking": text(doc.banner) if doc.banner else doc.banner,
            },
            "csl": doc.style_file.name if doc.style_file else None,
            "link-citations": False,
            "suppress-bibliography": not doc.bibliography,
            "references": [_literal_reference(r) for r in doc.references] or None,
        }
        head = yaml.safe_dump(
            {k: v for k, v in meta.items() if v is not None}, allow_unicode=True, sort_keys=False, width=100
        )
        ast = {"pandoc-api-version": pandoc_api_version(), "meta": {}, "blocks": escaped_for_markdown(self.body())}
        body = run_pandoc(
            json.dumps(ast),
            # -smart: quotation marks and dashes are written as the characters they are, so a German
            # „…“ reads back as „…“ (with smart, Pandoc would write "…" and read it back as English quotes)
            # -simple_tables-multiline_tables: pipe or grid tables, which start at the margin; Pandoc
            # indents a simple table, and after a list it reads back as part of the last item.
            # --columns=72, Pandoc's default: its reader takes a grid table's column widths as shares of
            # that many columns, so a table keeps its widths when Pandoc or Quarto read the file back
            ["-f", "json", "-t", "markdown-smart-simple_tables-multiline_tables", "--columns=72"],
            what="writing Markdown",
        )
        return "\n".join(["---", head.rstrip(), "---", "", body])


def render_md(doc: Document, labels: dict[str, str] | None = None) -> str:
    """The document as Pandoc Markdown with a YAML metadata header and CSL references."""
    return render_md_with_figures(doc, labels)[0]


def render_md_with_figures(doc: Document, labels: dict[str, str] | None = None) -> tuple[str, dict[str, Path]]:
    """The Markdown and the pictures it shows: relative file name -> the checked picture to copy there."""
    writer = MarkdownWriter(doc, labels or labels_for(doc.language))
    text = writer.document()
    return text, writer.ast.figure_files
