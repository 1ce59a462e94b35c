"""CSS escaping of the values a stylesheet template prints: defence in depth behind the theme's validation.

theme.yaml is checked token by token (theme_tokens.py), but whatever reaches a stylesheet is
escaped here as well, per CSS Syntax, so a value that slipped past validation is a single CSS
token: it cannot close its string, its declaration or rule, or the HTML `<style>` element the
stylesheet is embedded in. Registered as Jinja filters in render/sandbox.py.

tinycss2's own serializers are not used: they leave `<` as `\\<`, and `\\</style>` still closes
the `<style>` element of an HTML page. Here every ASCII character outside a name is a hex escape.
"""

from __future__ import annotations

import math
import re
from typing import Any

NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
STRING_SPECIALS = frozenset("\"\\<>&'")  # the quote, the escape, and what HTML reads inside <style>
LENGTH = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:mm|cm|in|pt)")
HEX_COLOR = re.compile(r"#?([0-9A-Fa-f]{6})")


def _hex(char: str) -> str:
    """A CSS hex escape; the space after it ends the escape and is not part of the value."""
    return f"\\{ord(char):x} "


def _control(char: str) -> bool:
    return ord(char) < 0x20 or char == "\x7f"


def css_string(value: Any) -> str:
    """`value` as one quoted CSS string token, whatever it holds (a font family name)."""
    out = []
    for char in str(value):
        if char == "\x00":
            out.append("\ufffd")  # what CSS reads a NUL as; it cannot be escaped
        elif _control(char) or char in STRING_SPECIALS:
            out.append(_hex(char))
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def css_ident(value: Any) -> str:
    """`value` as one CSS identifier token (a keyword such as a page size), per CSSOM's serialisation."""
    text = str(value)
    if not text:
        raise ValueError("an empty value cannot be a CSS identifier")
    if text == "-":
        return "\\-"
    out = []
    for index, char in enumerate(text):
        leading_digit = char.isascii() and char.isdigit() and (index == 0 or (index == 1 and text[0] == "-"))
        if char == "\x00":
            out.append("\ufffd")
        elif leading_digit or _control(char) or (char.isascii() and char not in NAME_CHARACTERS):
            out.append(_hex(char))
        else:
            out.append(char)  # a name character or any non-ASCII character
    return "".join(out)


def css_number(value: Any) -> str:
    """A finite number as a CSS number (a size in points, a line height); anything else is refused."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{str(value)[:40]!r} is not a number")
    return f"{value:g}"


def css_length(value: Any) -> str:
    """A theme length ('20mm', '0.8in') as a CSS dimension; anything else is refused."""
    if not isinstance(value, str) or not LENGTH.fullmatch(value):
        raise ValueError(f"{str(value)[:40]!r} is not a length")
    return value


def css_color(value: Any) -> str:
    """A theme colour ('1B3A5C', with or without '#') as a CSS hex colour; anything else is refused."""
    match = HEX_COLOR.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{str(value)[:40]!r} is not a colour")
    return "#" + match.group(1)


CSS_FILTERS = {
    "css_string": css_string,
    "css_ident": css_ident,
    "css_number": css_number,
    "css_length": css_length,
    "css_color": css_color,
}
