"""Curly quotes and apostrophes for plain text, as Pandoc's smart typography gives Markdown text.

Titles, actions and other one-line fields are not read as Markdown, yet are printed beside text
that is; they get the same marks here, so a title and the paragraph under it match.
"""

from __future__ import annotations

import datetime as dt
import re


def typeset(text: str) -> str:
    """Plain text (titles, actions) with the curly quotes and apostrophes that Markdown text gets."""
    before = '(^|[-\\s(\\[{/\u2014\u2013\u201c\u2018"])'  # what may stand before an opening quote
    text = re.sub(r"(?<=\w)'(?=\w)", "\u2019", text)  # it's, Japan's
    text = re.sub(r"(^|\s)'(?=\d)", "\\1\u2019", text)  # '90s
    text = re.sub(before + "'", "\\1\u2018", text)
    text = text.replace("'", "\u2019")
    text = re.sub(before + '"', "\\1\u201c", text)
    return text.replace('"', "\u201d")


def long_date(value: dt.date) -> str:
    """'2 May 2022': the date style of the masthead, 'as of' lines and a redline's "changes since"."""
    return f"{value.day} {value:%B %Y}"
