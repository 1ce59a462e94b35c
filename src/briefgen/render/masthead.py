"""How every format words the masthead's dates: '2 May 2022', as on the masthead and in 'as of' lines."""

from __future__ import annotations

import datetime as dt


def long_date(value: dt.date) -> str:
    """'2 May 2022': the date style of the masthead and 'as of' lines."""
    return f"{value.day} {value:%B %Y}"
