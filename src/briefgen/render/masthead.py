"""How every format words the masthead: its dates ('2 May 2022', also in 'as of' lines and the register of
issued versions) and its byline."""

from __future__ import annotations

import datetime as dt

from briefgen.model import Author, Document


def long_date(value: dt.date) -> str:
    """'2 May 2022': the date style of the masthead and 'as of' lines."""
    return f"{value.day} {value:%B %Y}"


def byline(authors: tuple[Author, ...], organization: str) -> str:
    """The authors as the masthead names them: 'A. Analyst (Energy Unit), B. Writer'.

    An author's affiliation follows the name, unless it is the organization the masthead
    already names above the title.
    """
    return ", ".join(
        f"{a.name} ({a.affiliation})" if a.affiliation and a.affiliation.strip() != organization.strip() else a.name
        for a in authors
    )


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
