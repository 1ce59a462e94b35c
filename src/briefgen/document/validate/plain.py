"""Markdown typed into a field that is plain text: it would be printed as typed, so it is told.

A block's title (and a variant's), a recommendation's action, owner and horizon, a leverage
factor's holder: these are plain text in every format (headings and register cells take no
formatting, and are not read as Markdown). Asterisks, brackets and braces typed there would reach
the reader as they were typed, so each is a warning at the field, naming what would be printed.
"""

from __future__ import annotations

import re

from briefgen.content.block_loader import MARKDOWN_KEYS
from briefgen.diagnostics import Diagnostics, codes
from briefgen.model import ContentBlock

# Markup of the writing language that a plain field would print as typed: emphasis and strong,
# a link, a span such as [texte]{lang=fr}, code, a citation, an inline note, strikeout.
_MARKUP = re.compile(
    r"\*{1,2}[^*\s][^*]*\*{1,2}"
    r"|\[[^\]]+\]\([^)]*\)"
    r"|\[[^\]]+\]\{[^}]*\}"
    r"|`[^`]+`"
    r"|\[-?@[^\]]+\]"
    r"|\^\["
    r"|~~[^~]+~~"
)


def check_plain_fields(block: ContentBlock, diags: Diagnostics) -> None:
    """Each plain-text field of `block` that holds Markdown markup: a warning naming the markup."""
    fields = {"title": block.title, **{f"variants.{n}": v.title for n, v in block.variants.items()}}
    fields.update(
        {name: value for name, value in block.fields.items() if isinstance(value, str) and name not in MARKDOWN_KEYS}
    )
    for name, value in fields.items():
        found = _MARKUP.search(value or "")
        if found is None:
            continue
        what = f"the {name.split('.')[1]} variant's title" if name.startswith("variants.") else f"'{name}:'"
        diags.warning(
            codes.BLOCK_PLAIN_MARKUP,
            f"{what} is plain text, so '{found.group(0)}' would be printed as typed; write it without the "
            "markup (formatting, links, citations and languages belong in the body)",
            block.locations.get(f"{name}.title" if name.startswith("variants.") else f"{name}.value"),
        )
