"""Per-audience figures for reviewers: length, reading time, pages, citations, review status."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.build import document_for, word_count
from briefgen.content.style import load_style
from briefgen.document.cite import citations_in_order
from briefgen.document.number import figures_of
from briefgen.document.select import SelectOptions, audiences_for, select
from briefgen.document.workspace import default_brief, named_or_default, open_workspace
from briefgen.errors import ContentError
from briefgen.publish import read_manifest
from briefgen.render.overrides import check_template_overrides

WORDS_PER_MINUTE = 230


@dataclass(frozen=True)
class AudienceStats:
    audience: str
    words: int
    minutes: float
    pages: int | None
    pages_from: str
    citations: int
    figures: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    max_pages: int | None = None

    @property
    def over_budget(self) -> bool:
        return bool(self.max_pages and self.pages and self.pages > self.max_pages)


def brief_stats(
    root: Path | None, brief_name: str | None = None, fresh: bool = False
) -> tuple[str, list[AudienceStats]]:
    """Figures for every audience of a brief; pages come from the last build unless `fresh`."""
    ws, diags = open_workspace(root, named_or_default(root, brief_name), check_templates=check_template_overrides)
    if diags.has_errors():
        raise ContentError(diags, ws.root, "nothing was counted")
    brief = default_brief(ws, brief_name)
    manifest = read_manifest(ws.root / ws.config.output_dir / brief.id / "manifest.json")
    built_pages = {o["audience"]: o.get("pages") for o in manifest.get("outputs", []) if o.get("format") == "pdf"}
    style = load_style(ws.root) if fresh or len(built_pages) < len(ws.audiences) else None
    rows = []
    for name, audience in audiences_for(ws, brief).items():
        doc = select(brief, audience, SelectOptions(markings=ws.config.markings))
        with_drafts = select(brief, audience, SelectOptions(drafts=True, markings=ws.config.markings))
        pages, source = built_pages.get(name), "last build"
        if fresh or pages is None:
            from briefgen.render.pdf import render_pdf

            assert style is not None
            pages, source = render_pdf(document_for(ws, brief, audience), style).pages, "render"
        words = word_count(doc)
        rows.append(
            AudienceStats(
                audience=name,
                words=words,
                minutes=round(words / WORDS_PER_MINUTE, 1),
                pages=pages,
                pages_from=source,
                citations=len(citations_in_order(doc)),
                figures=len(figures_of(doc)),
                statuses=dict(Counter(b.status for b in with_drafts.blocks)),
                max_pages=audience.max_pages,
            )
        )
    return brief.id, rows


def stats_json(brief: str, rows: list[AudienceStats]) -> dict[str, Any]:
    """What `stats --json` prints: the same figures as the table, under stable keys."""
    return {
        "brief": brief,
        "audiences": [
            {
                "audience": row.audience,
                "words": row.words,
                "reading_minutes": row.minutes,
                "pages": row.pages,
                "pages_from": row.pages_from,
                "max_pages": row.max_pages,
                "over_budget": row.over_budget,
                "citations": row.citations,
                "figures": row.figures,
                "blocks_by_status": dict(sorted(row.statuses.items())),
            }
            for row in rows
        ],
    }


def stats_table(name: str, rows: list[AudienceStats]) -> Any:
    """`briefgen stats` as a rich table: one row per audience, pages over budget in red."""
    from rich.table import Table

    table = Table(title=f"{name}", header_style="bold")
    for column in ("audience", "words", "reading", "pages", "citations", "figures", "blocks by status"):
        table.add_column(column, justify="right" if column in ("words", "citations", "figures") else "left")
    for row in rows:
        pages = f"{row.pages}" + (f" / {row.max_pages}" if row.max_pages else "")
        if row.over_budget:
            pages = f"[bold red]{pages} OVER BUDGET[/bold red]"
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(row.statuses.items()))
        table.add_row(
            row.audience,
            str(row.words),
            f"{row.minutes:g} min",
            f"{pages} ({row.pages_from})",
            str(row.citations),
            str(row.figures),
            statuses,
        )
    return table
