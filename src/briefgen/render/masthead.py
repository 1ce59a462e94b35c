"""How every format words the masthead: its dates ('2 May 2022', also in 'as of' lines and the register of
issued versions), its byline, and the lines drawn from a block's fields (heading, priority)."""

from __future__ import annotations

import datetime as dt

from briefgen.content.typography import long_date
from briefgen.model import Author, DocBlock, Document

__all__ = ["HISTORY_HEADINGS", "byline", "heading_text", "history_rows", "long_date", "recommendation_meta"]


def byline(authors: tuple[Author, ...], organization: str) -> str:
    """The authors as the masthead names them: 'A. Analyst (Energy Unit), B. Writer'.

    An author's affiliation follows the name, unless it is the organization the masthead
    already names above the title.
    """
    return ", ".join(
        f"{a.name} ({a.affiliation})" if a.affiliation and a.affiliation.strip() != organization.strip() else a.name
        for a in authors
    )


def heading_text(block: DocBlock) -> str:
    """A block's heading as every format prints it: "2. Title" for a recommendation, else the title."""
    return f"{block.number}. {block.title}" if block.kind == "recommendation" else block.title


def recommendation_meta(block: DocBlock) -> str:
    """A recommendation's line of priority, owner and horizon: "Priority: High · Owner: MOFA"."""
    meta = [f"Priority: {str(block.fields.get('priority') or '').capitalize()}"]
    for key, label in (("owner", "Owner"), ("horizon", "Horizon")):
        if block.fields.get(key):
            meta.append(f"{label}: {str(block.fields[key]).strip()}")
    return " · ".join(meta)


HISTORY_HEADINGS = ("Version", "Date", "Note")


def history_rows(doc: Document) -> list[tuple[str, str, str]]:
    """The register of issued versions as every format prints it: version, '2 May 2022', note."""
    rows = []
    for version, date, note in doc.history:
        try:
            shown = long_date(dt.date.fromisoformat(date))
        except ValueError:
            shown = date
        rows.append((version, shown, note))
    return rows
