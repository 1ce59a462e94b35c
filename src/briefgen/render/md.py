"""Pandoc Markdown output: the selected brief as one self-contained file for Pandoc or Quarto.

A YAML metadata header carries title, authors, date and the cited works as CSL references;
citations are written back in Pandoc's own syntax, so Pandoc formats them in the same style.
"""

from __future__ import annotations

import re

import yaml

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
from briefgen.render.html import long_date, safe_href

_SPECIAL = re.compile(r"([\\`*_\[\]<>@#~^$|])")


def escape(text: str) -> str:
    """Text that Pandoc reads back as the same words (no emphasis, links or citations)."""
    text = _SPECIAL.sub(r"\\\1", text)
    return re.sub(r"^(\d+)\.(\s)", r"\1\\.\2", text)  # not a numbered list


class MarkdownWriter:
    def __init__(self, doc: Document):
        self.doc = doc

    def inlines(self, nodes: tuple[Inline, ...]) -> str:
        out = []
        for node in nodes:
            if isinstance(node, Text):
                out.append(escape(node.text))
            elif isinstance(node, Emph):
                out.append(f"*{self.inlines(node.children)}*")
            elif isinstance(node, Strong):
                out.append(f"**{self.inlines(node.children)}**")
            elif isinstance(node, SmallCaps):
                out.append(f"[{self.inlines(node.children)}]{{.smallcaps}}")
            elif isinstance(node, Superscript):
                out.append(f"^{self.inlines(node.children)}^")
            elif isinstance(node, Code):
                fence = "``" if "`" in node.text else "`"
                out.append(f"{fence}{node.text}{fence}")
            elif isinstance(node, LineBreak):
                out.append("\\\n")
            elif isinstance(node, Link):
                href = safe_href(node.href)
                text = self.inlines(node.children)
                out.append(f"[{text}](<{href}>)" if href else text)
            elif isinstance(node, CiteRef) and self.doc.notes_mode != "none":
                out.append(node.citation.raw)
        return "".join(out)

    def blocks(self, blocks: tuple[Block, ...], indent: str = "") -> list[str]:
        lines: list[str] = []
        for block in blocks:
            if isinstance(block, Para):
                lines += [indent + self.inlines(block.inlines), ""]
            elif isinstance(block, SubHeading):
                lines += [indent + "### " + self.inlines(block.inlines), ""]
            elif isinstance(block, ListBlock):
                for number, item in enumerate(block.items, start=block.start):
                    marker = f"{number}. " if block.ordered else "- "
                    body = self.blocks(item, indent + " " * len(marker))
                    body = [line for line in body if line.strip()] or [""]
                    lines.append(indent + marker + body[0].lstrip())
                    lines += body[1:]
                lines.append("")
            elif isinstance(block, Quote):
                lines += [indent + "> " + line if line else indent + ">" for line in self.blocks(block.blocks)]
                lines.append("")
            elif isinstance(block, CodeBlock):
                lines += [indent + "```", *[indent + line for line in block.text.splitlines()], indent + "```", ""]
        return lines

    def cell(self, blocks: tuple[Block, ...]) -> str:
        return " ".join(self.inlines(b.inlines) for b in blocks if isinstance(b, Para)).replace("|", "\\|")

    def table(self, header: list[str], rows: list[list[str]]) -> list[str]:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return [*lines, ""]

    def block(self, block: DocBlock) -> list[str]:
        title = f"{block.number}. {block.title}" if block.kind == "recommendation" else block.title
        lines = [f"## {escape(title).replace(chr(92) + '.', '.', 1)} {{#block-{block.id}}}", ""]
        if block.as_of:
            lines += [f"*As of {long_date(block.as_of)}*", ""]
        if block.kind == "recommendation":
            if block.fields.get("action"):
                lines += [f"**{escape(block.fields['action'])}**", ""]
            meta = [f"Priority: {str(block.fields.get('priority') or '').capitalize()}"]
            meta += [
                f"{label}: {escape(str(block.fields[key]))}"
                for key, label in (("owner", "Owner"), ("horizon", "Horizon"))
                if block.fields.get(key)
            ]
            lines += [" · ".join(meta), ""]
        lines += self.blocks(block.content)
        if block.kind == "recommendation" and self.doc.audience.decision:
            lines += ["Approve \\_\\_\\_\\_\\_\\_\\_\\_ Disapprove \\_\\_\\_\\_\\_\\_\\_\\_", ""]
        return lines

    def document(self) -> str:
        doc = self.doc
        meta = {
            "title": doc.title,
            "subtitle": doc.subtitle or None,
            "author": [a.name for a in doc.authors] or None,
            "date": doc.date.isoformat(),
            "lang": "en-US",
            "subject": doc.audience.label,
            "briefgen": {"brief": doc.brief_id, "audience": doc.audience.id, "draft": doc.draft, "marking": doc.banner},
            "csl": doc.style_file.name if doc.style_file else None,
            "link-citations": False,
            "suppress-bibliography": not doc.bibliography,
            "references": list(doc.references) or None,
        }
        header = yaml.safe_dump(
            {k: v for k, v in meta.items() if v is not None}, allow_unicode=True, sort_keys=False, width=100
        )
        lines = ["---", header.rstrip(), "---", ""]
        lines += [f"Prepared for: **{escape(doc.audience.label)}**", ""]
        if doc.bottom_line:
            lines += ["::: bottom-line", "**Bottom line**", "", *self.blocks(doc.bottom_line), ":::", ""]
        for section in doc.sections:
            lines += [f"# {escape(section.title)} {{#section-{section.id}}}", ""]
            risks = [b for b in section.blocks if b.kind == "risk"]
            if risks:
                lines += self.table(
                    ["Risk", "Likelihood", "Impact", "Mitigation"],
                    [
                        [
                            escape(b.title),
                            str(b.fields["likelihood"]).capitalize(),
                            str(b.fields["impact"]).capitalize(),
                            self.cell(b.mitigation),
                        ]
                        for b in risks
                    ],
                )
            factors = [b for b in section.blocks if b.kind == "leverage"]
            if factors:
                lines += self.table(
                    ["Factor", "Favours", "Trend"],
                    [
                        [escape(b.title), escape(str(b.fields["holder"])), str(b.fields["trend"]).capitalize()]
                        for b in factors
                    ],
                )
            for block in section.blocks:
                lines += self.block(block)
        if doc.bibliography:
            lines += ["# Bibliography", "", "::: {#refs}", ":::", ""]
        if doc.disclaimer:
            lines += ["---", "", f"*{escape(doc.disclaimer)}*", ""]
        return "\n".join(lines)


def render_md(doc: Document) -> str:
    """The document as Pandoc Markdown with a YAML metadata header and CSL references."""
    return MarkdownWriter(doc).document()
