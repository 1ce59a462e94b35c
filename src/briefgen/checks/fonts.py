"""Which fonts draw a brief's text: the house font, then the fallback stack of theme.yaml.

A character no configured font can draw would print as an empty box in PDF and Word, so
`check` finds such characters from the fonts' character sets (fontconfig's, which WeasyPrint's
Pango uses too) and names the block and the characters. The fonts found also enter the build
fingerprint, so installing a font rebuilds the outputs it changes.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import subprocess
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from briefgen.style import HouseStyle

_CJK_ORDER = {"ja": "JP", "ko": "KR", "zh-tw": "TC", "zh-hk": "TC", "zh-hant": "TC", "zh": "SC"}


def fallback_stack(style: HouseStyle, lang: str) -> list[str]:
    """The fallback families in the order to try them: the CJK face of the brief's language first."""
    families = [str(f) for f in style.theme.get("fonts", {}).get("fallback", [])]
    lowered = lang.lower()
    suffix = next((v for k, v in _CJK_ORDER.items() if lowered == k or lowered.startswith(k + "-")), "")
    if not suffix:
        return families
    preferred = [f for f in families if f.endswith(" " + suffix)]
    return preferred + [f for f in families if f not in preferred]


def _fontconfig(args: list[str]) -> str:
    """What a fontconfig tool prints; fontconfig keeps each font's character set in its own cache."""
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


@functools.cache
def _installed() -> tuple[tuple[str, str, int, str], ...]:
    """(family, file, face index, character set) of every font fontconfig knows, as WeasyPrint's Pango sees them."""
    fonts = []
    for line in _fontconfig(["fc-list", "--format", "%{family}\t%{file}\t%{index}\t%{charset}\n"]).splitlines():
        parts = line.split("\t")
        if len(parts) == 4:
            for family in parts[0].split(","):
                fonts.append((family.strip(), parts[1], int(parts[2] or 0), parts[3]))
    return tuple(sorted(set(fonts)))


def font_files(families: Iterable[str]) -> list[tuple[str, Path, int]]:
    """Installed files of these families (regular faces first), in the order given."""
    wanted = list(families)
    found = [(family, Path(path), index) for family, path, index, _c in _installed() if family in wanted]
    return sorted(found, key=lambda f: (wanted.index(f[0]), "Regular" not in f[1].name, f[1].name))


class CharSet:
    """A font's character set as fontconfig prints it: hexadecimal code points and ranges."""

    def __init__(self, text: str):
        ranges = []
        for token in text.split():
            low, _, high = token.partition("-")
            ranges.append((int(low, 16), int(high or low, 16)))
        ranges.sort()
        self.starts = [low for low, _ in ranges]
        self.ranges = ranges

    def __contains__(self, code: int) -> bool:
        index = bisect.bisect_right(self.starts, code) - 1
        return index >= 0 and self.ranges[index][0] <= code <= self.ranges[index][1]


@functools.cache
def _charset(path: Path, index: int, mtime: float) -> CharSet:
    for _family, file, face, charset in _installed():
        if Path(file) == path and face == index:
            return CharSet(charset)
    for line in _fontconfig(["fc-scan", "--format", "%{index}\t%{charset}\n", str(path)]).splitlines():
        scanned, _, charset = line.partition("\t")
        if scanned.strip() == str(index):
            return CharSet(charset)
    return CharSet("")


def coverage(path: Path, index: int = 0) -> CharSet:
    """The code points one font file has glyphs for."""
    try:
        return _charset(path, index, path.stat().st_mtime)
    except (OSError, ValueError):
        return CharSet("")


def house_font_files(style: HouseStyle) -> list[Path]:
    """The body font shipped with the house style (styles/fonts/<family>-*.ttf)."""
    family = str(style.theme.get("fonts", {}).get("body", ""))
    return [
        p for d in style.style_dirs if (d / "fonts").is_dir() for p in sorted((d / "fonts").glob(f"{family}-*.ttf"))
    ]


def _drawable(char: str) -> bool:
    """Characters that need a glyph (not spaces, controls or joiners)."""
    return not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp"))


def missing_glyphs(text: str, style: HouseStyle, lang: str) -> list[str]:
    """Characters of `text` that neither the house font nor any installed fallback can draw."""
    chars = {c for c in text if _drawable(c)}
    for path in house_font_files(style)[:1]:
        house = coverage(path)
        chars = {c for c in chars if ord(c) not in house}
    if not chars:
        return []
    for _family, path, index in font_files(fallback_stack(style, lang)):
        cmap = coverage(path, index)
        chars = {c for c in chars if ord(c) not in cmap}
        if not chars:
            return []
    return sorted(chars)


def describe(chars: list[str], limit: int = 4) -> str:
    """'U+5317 北, U+65B9 方 and 2 more' for a message."""
    shown = ", ".join(f"U+{ord(c):04X} {c}" for c in chars[:limit])
    return shown + (f" and {len(chars) - limit} more" if len(chars) > limit else "")


def fingerprint(style: HouseStyle) -> str:
    """A hash of the fallback fonts installed (files, sizes, dates): a new font means new outputs."""
    digest = hashlib.sha256()
    for family, path, index in font_files(fallback_stack(style, "")):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{family}\0{path}\0{index}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
