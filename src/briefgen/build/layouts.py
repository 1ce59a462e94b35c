"""What laying the PDF out tells the rest of a build: the layout cache, the page budget, the word count.

The layout of an audience's inputs is kept (under the PDF's fingerprint) so that a build
without PDF takes Word's page numbers and the page count from the last layout instead of laying
the PDF out again; the page budget is judged on that page count; the word count is the one
figure of length every format shares.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.content.richtext import blocks_text
from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.model import Brief, Document
from briefgen.render import Layout
from briefgen.runtime.files import prune_cache, read_cache, write_cache

LAYOUT_CACHE_ENTRIES = 200  # layouts kept (one per state of an audience's inputs); the oldest go first


def cached_layout(folder: Path | None, key: str, root: Path) -> Layout | None:
    """The layout made last time for the inputs whose PDF fingerprint is `key`, if the cache holds it."""
    if folder is None:
        return None
    return Layout.from_json(read_cache(folder / f"{key}.json"), root)


def keep_layout(folder: Path | None, key: str, layout: Layout, root: Path) -> None:
    """Remember a layout for later builds of the same inputs (one that failed is not kept)."""
    if folder is None or layout.failed:
        return
    write_cache(folder / f"{key}.json", layout.to_json(root))
    prune_cache(folder, LAYOUT_CACHE_ENTRIES)


def page_budget(doc: Document, pages: int, brief: Brief, diags: Diagnostics) -> list[str]:
    """The page budget's warning, if the PDF layout of `doc` runs to more than its audience's `max_pages`."""
    limit = doc.audience.max_pages
    if not limit or pages <= limit:
        return []
    longest = sorted(doc.blocks, key=lambda b: len(blocks_text(b.content).split()), reverse=True)[:3]
    names = ", ".join(f"{b.id} ({len(blocks_text(b.content).split())} words)" for b in longest)
    message = (
        f"the {doc.audience.id} brief runs to {pages} pages, over its budget of {limit}; "
        f"shorten the longest blocks ({names}) or raise max_pages"
    )
    diags.warning(codes.BUDGET_PAGES, message, doc.audience.location or Location(brief.path))
    return [message]


def word_count(doc: Document) -> int:
    """Words a reader reads in the body (titles and block text, Markdown tables included; notes and the
    house tables of risks and factors excluded)."""
    text = " ".join(
        [s.title for s in doc.sections]
        + [b.title + " " + blocks_text(b.content) for b in doc.blocks]
        + [blocks_text(doc.bottom_line)]
    )
    return len(text.split())
