"""The one rule for where a link may go, and where a refused link's address is written.

Content may link to the web (`http://`, `https://`), to e-mail (`mailto:`) and to `#anchors` in
the brief; nothing else (`javascript:`, `data:`, `file:`, `//host`, relative paths). The rule is
applied to the address as Pandoc parsed it (entities decoded, autolinks and reference links
resolved), by `check` and by every writer: HTML, Word, and the Pandoc AST behind `-f md`.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

from briefgen.content.confine import url_scheme
from briefgen.content.yamlsrc import shorten

SAFE_PREFIXES = ("http://", "https://", "mailto:", "#")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

# Where an address is written: an inline link's `](address)` (one level of parentheses inside), a
# reference definition's `[label]: address` (possibly on the next line), an autolink's `<address>`.
_DESTINATIONS = re.compile(
    r"\]\(\s*(?P<inline><[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"|^ {0,3}\[[^\]\n]+\]:[ \t]*\n?[ \t]*(?P<definition><[^>\n]*>|\S+)"
    r"|<(?P<autolink>[A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*)>",
    re.M,
)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def safe_href(href: str) -> str | None:
    """`href` if content may link there (web, e-mail or this document), else None: the link becomes its words.

    Every writer and `check` call this, with the address as Pandoc parsed it.
    """
    return href if href.lower().startswith(SAFE_PREFIXES) else None


def link_problem(href: str) -> str | None:
    """Why `check` refuses a link to `href`, for a non-programmer; None for an address content may link to."""
    if safe_href(href) is not None:
        return None
    scheme = url_scheme(href)
    if scheme and scheme not in SAFE_SCHEMES:
        return f"links to '{scheme}:' addresses are not allowed; link only to http(s), mailto or #anchors in this brief"
    return (
        f"the link address '{shorten(href, 60)}' is not a full web address, so a reader's browser would decide "
        "where it goes; write it whole, starting with https://, or link to #anchors in this brief"
    )


def _normal(address: str) -> str:
    """An address compared as Pandoc reads it: percent-escapes decoded, runs of white space one space."""
    return " ".join(unquote(address).split())


def address_spot(source: str, masked: str, href: str, nth: int) -> tuple[str, int] | None:
    """Where the `nth` link to `href` (as Pandoc parsed it) has its address written in a field's Markdown.

    The answer is a needle and its occurrence in `source`, for the field's locator; `masked` is
    `source` with code blanked out. None when the address cannot be found as written.
    """
    spots = {m.start(): href for m in re.finditer(re.escape(href), masked)} if href else {}
    wanted = _normal(href)
    for match in _DESTINATIONS.finditer(masked):
        kind = next(name for name in ("inline", "definition", "autolink") if match.group(name) is not None)
        raw = source[match.start(kind) : match.end(kind)]
        address = raw[1:-1] if raw.startswith("<") and raw.endswith(">") else raw
        if raw and _normal(html.unescape(_ESCAPED.sub(r"\1", address))) == wanted:
            spots.setdefault(match.start(kind), raw)
    if not spots:
        return None
    offset = sorted(spots)[min(nth, len(spots) - 1)]
    needle = spots[offset]
    return needle, source.count(needle, 0, offset)
