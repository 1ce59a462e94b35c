"""The allow-list of theme.yaml: every group, every token and the type its value must have.

Theme values reach the stylesheet inside the HTML page, the preview, Word's XML, fontconfig and
the charts, and theme.yaml is edited by content authors. So each value is checked against its
type where it stands (file:line:column), every problem of a file reported in one run, and a
group or token not listed here is an error naming it rather than a value passed on unread.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from briefgen.content.yamlsrc import Node, shorten
from briefgen.diagnostics import Diagnostics, codes, did_you_mean

CODE = codes.STYLE_THEME

# Letters and digits (of any script), words joined by single spaces or hyphens: "Noto Sans CJK JP".
FAMILY_NAME = re.compile(r"[^\W_]+(?:[ -][^\W_]+)*")
MAX_FAMILY = 64
MAX_FALLBACK = 16
HEX_COLOR = re.compile(r"[0-9A-Fa-f]{6}")
LENGTH = re.compile(r"([0-9]+(?:\.[0-9]+)?)(mm|cm|in|pt)")
POINTS_PER = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0}
MAX_MARGIN_MM = 80
# A word or a short phrase of a caption or cross-reference: "Figure", "Abb.", "図".
LABEL = re.compile(r"[^\W_][\w .'\u2019-]*")
MAX_LABEL = 40


@dataclass(frozen=True)
class Kind:
    """A token's type: how its YAML value becomes what renderers get (None: not of this type), and the fix.

    `item` makes the kind a list of values of that kind, at most `max_items` long.
    """

    read: Callable[[Any], Any]
    hint: str
    item: Kind | None = None
    max_items: int = 0


def _family(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and len(value) <= MAX_FAMILY and FAMILY_NAME.fullmatch(value):
        return value
    return None


def _color(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).removeprefix("#")  # written with or without '#'; renderers get the six digits
    return text if HEX_COLOR.fullmatch(text) else None


def _number(low: float, high: float) -> Callable[[Any], float | int | None]:
    def read(value: Any) -> float | int | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value if low <= value <= high else None

    return read


def _margin(value: Any) -> str | None:
    match = LENGTH.fullmatch(value) if isinstance(value, str) else None
    if match is None or float(match.group(1)) * POINTS_PER[match.group(2)] > MAX_MARGIN_MM * POINTS_PER["mm"]:
        return None
    return value


def _page_size(value: Any) -> str | None:
    return value if isinstance(value, str) and value.upper() in ("A4", "LETTER") else None


def _label(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) <= MAX_LABEL and LABEL.fullmatch(value) else None


FAMILY = Kind(
    _family,
    f"write a font's family name of letters, digits, spaces and hyphens only (at most {MAX_FAMILY}), "
    "such as Noto Sans CJK JP",
)
FAMILIES = Kind(
    lambda value: None,
    f"write a list of at most {MAX_FALLBACK} font names, such as [Noto Sans CJK JP, DejaVu Sans]",
    item=FAMILY,
    max_items=MAX_FALLBACK,
)
COLOR = Kind(_color, 'write six hex digits such as "1B3A5C"')
FONT_SIZE = Kind(_number(4, 200), "write a number of points from 4 to 200, such as 10.5")
SPACE = Kind(_number(0, 200), "write a number of points from 0 to 200, such as 4")
LINE_HEIGHT = Kind(_number(0.8, 3), "write a multiple of the font size from 0.8 to 3, such as 1.25")
MARGIN = Kind(_margin, f"write a length up to {MAX_MARGIN_MM}mm, such as 20mm, 2cm, 0.8in or 54pt")
PAGE_SIZE = Kind(_page_size, "write A4 or Letter")
LABEL_WORD = Kind(
    _label,
    f"write a word or short phrase of letters, digits, spaces, hyphens, apostrophes and full stops "
    f"(at most {MAX_LABEL}), such as Figure",
)

SCHEMA: dict[str, dict[str, Kind]] = {
    "page": {"size": PAGE_SIZE, **{f"margin_{side}": MARGIN for side in ("top", "bottom", "left", "right")}},
    "fonts": {"body": FAMILY, "body_word": FAMILY, "heading": FAMILY, "heading_word": FAMILY, "fallback": FAMILIES},
    "sizes": {
        name: FONT_SIZE for name in ("body", "small", "note", "title", "subtitle", "heading1", "heading2", "table")
    },
    "colors": {
        name: COLOR
        for name in (
            "text",
            "accent",
            "muted",
            "marking",
            "table_header",
            "rule",
            "callout_background",
            "callout_note",
            "callout_tip",
            "callout_important",
            "callout_warning",
            "callout_caution",
            "change",
        )
    },
    "spacing": {
        **{
            name: SPACE
            for name in ("paragraph_after", "heading1_before", "heading1_after", "heading2_before", "heading2_after")
        },
        "line_height": LINE_HEIGHT,
    },
    "labels": {name: LABEL_WORD for name in ("figure", "table", "recommendation", "source")},
}
GROUP_EXAMPLE = "'colors:' with 'accent: \"1B3A5C\"'"


def check_theme(root: Node, diags: Diagnostics) -> dict[str, dict[str, Any]]:
    """One theme file's groups and tokens as renderers use them; each problem is an error at its value.

    Only valid tokens are returned; the caller refuses the theme when `diags` has errors.
    """
    if not root.is_map:
        diags.error(CODE, f"the theme must be groups of tokens, such as {GROUP_EXAMPLE}", root.loc)
        return {}
    theme: dict[str, dict[str, Any]] = {}
    for group, group_node in root.value.items():
        tokens = SCHEMA.get(group)
        if tokens is None:
            diags.error(
                CODE,
                f"'{shorten(group)}' is not a group of the theme{did_you_mean(group, list(SCHEMA))}; "
                f"the groups are {', '.join(SCHEMA)}",
                group_node.key_loc or group_node.loc,
            )
            continue
        if group_node.value is None:  # `labels:` with every token commented out
            theme[group] = {}
            continue
        if not group_node.is_map:
            diags.error(
                CODE,
                f"{group} is {_shown(group_node.value)}; write a group of tokens under it, such as {GROUP_EXAMPLE}",
                group_node.loc,
            )
            continue
        theme[group] = {}
        for name, token in group_node.value.items():
            kind = tokens.get(name)
            if kind is None:
                diags.error(
                    CODE,
                    f"{group}.{shorten(name)} is not a token of the theme{did_you_mean(name, list(tokens))}; "
                    f"{group} has {', '.join(tokens)}",
                    token.key_loc or token.loc,
                )
                continue
            value = _read(f"{group}.{name}", kind, token, diags)
            if value is not None:
                theme[group][name] = value
    return theme


def _read(name: str, kind: Kind, node: Node, diags: Diagnostics) -> Any:
    """The value of one token (None: an error was reported at it)."""
    if kind.item is None:
        value = kind.read(node.value)
        if value is None:
            diags.error(CODE, f"{name} is {_shown(node.value)}; {kind.hint}", node.loc)
        return value
    if not node.is_list or len(node.value) > kind.max_items:
        shown = f"a list of {len(node.value)}" if node.is_list else _shown(node.value)
        diags.error(CODE, f"{name} is {shown}; {kind.hint}", node.loc)
        return None
    items = [_read(f"{name} item {index}", kind.item, item, diags) for index, item in enumerate(node.value, 1)]
    return None if any(item is None for item in items) else items


def _shown(value: Any) -> str:
    """A wrong value as a message quotes it: one shortened line, or what it is."""
    if value is None:
        return "empty"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of tokens"
    return f"'{shorten(str(value))}'"
