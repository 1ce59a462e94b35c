"""Which fonts draw a brief's text: the house font, then the fallback stack of theme.yaml.

A character no configured font can draw would print as an empty box in PDF and Word, so
`check` finds such characters from the fonts' character sets (fontconfig's, which WeasyPrint's
Pango uses too) and names the block and the characters. The fonts found also enter the build
fingerprint, so installing a font rebuilds the outputs it changes.

Before a PDF is laid out, the house style's own font files are registered with the PDF engine
(not looked up on the system) and its body and heading fonts must then resolve: a machine whose
fontconfig knows no font at all gets a message, not a crash inside Pango.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import os
import subprocess
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.content.style import HouseStyle
from briefgen.errors import BriefgenError
from briefgen.runtime.files import read_cache, write_cache

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

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


def families_with(chars: Iterable[str]) -> set[str]:
    """The installed families that have a glyph for every one of `chars` (fontconfig's charset query)."""
    codes = " ".join(f"{ord(c):x}" for c in chars)
    found = _fontconfig(["fc-list", "--format", "%{family}\n", f":charset={codes}"]).splitlines()
    return {family.strip() for line in found for family in line.split(",")}


RIGHT_TO_LEFT_PROBES = ("\u0627\u05d0", "\u0627", "\u05d0")  # Arabic and Hebrew alef, then either alone


def complex_script_font(style: HouseStyle) -> str | None:
    """The fallback family that draws Arabic and Hebrew, which the PDF falls back to for them: Word's
    complex-script font (`w:rFonts/@w:cs`). None when no configured fallback is installed that can."""
    return _first_covering(tuple(fallback_stack(style, "")))


@functools.cache
def _first_covering(families: tuple[str, ...]) -> str | None:
    for probe in RIGHT_TO_LEFT_PROBES:
        found = {family.casefold() for family in families_with(probe)}
        covering = [family for family in families if family.casefold() in found]
        if covering:
            return covering[0]
    return None


class CharSet:
    """A font's character set as fontconfig prints it: hexadecimal code points and ranges."""

    def __init__(self, text: str):
        self.text = text
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


class GlyphCheck:
    """Which characters no configured font can draw: the house font, then any fallback family.

    Answers are kept in `cache_file` (beside the Markdown readings) under a key made of the
    fonts installed, so `check` asks fontconfig again only about characters it has not seen
    or after fonts change.
    """

    def __init__(self, style: HouseStyle, cache_file: Path | None = None):
        self.fallbacks = set(fallback_stack(style, ""))
        self.cache_file = cache_file
        house = house_font_files(style)[:1]
        stats = [f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in house if p.is_file()]
        self.key = f"{fingerprint(style)} {' '.join(stats)} {sorted(self.fallbacks)}"
        data = self._load()
        self.house = CharSet(data["house"]) if "house" in data else (coverage(house[0]) if house else CharSet(""))
        self.drawn = set(data.get("drawn", ""))
        self.undrawable = set(data.get("undrawable", ""))
        self.changed = "house" not in data

    def _load(self) -> dict[str, Any]:
        if self.cache_file is None:
            return {}
        data = read_cache(self.cache_file)
        return data if isinstance(data, dict) and data.get("key") == self.key else {}

    def missing(self, text: str) -> list[str]:
        """Characters of `text` that neither the house font nor any installed fallback can draw."""
        chars = {c for c in text if _drawable(c) and ord(c) not in self.house}
        unknown = chars - self.drawn - self.undrawable
        if unknown:
            self.changed = True
            if families_with(unknown) & self.fallbacks:  # one fallback draws them all: the usual case
                self.drawn |= unknown
            else:
                for char in unknown:
                    (self.drawn if families_with(char) & self.fallbacks else self.undrawable).add(char)
        return sorted(chars & self.undrawable)

    def save(self) -> None:
        """Keep the answers for the next run; a cache that cannot be written is no problem."""
        if self.cache_file is None or not self.changed:
            return
        data = {
            "key": self.key,
            "house": self.house.text,
            "drawn": "".join(sorted(self.drawn)),
            "undrawable": "".join(sorted(self.undrawable)),
        }
        write_cache(self.cache_file, data)


def describe(chars: list[str], limit: int = 4) -> str:
    """'U+5317 北, U+65B9 方 and 2 more' for a message."""
    shown = ", ".join(f"U+{ord(c):04X} {c}" for c in chars[:limit])
    return shown + (f" and {len(chars) - limit} more" if len(chars) > limit else "")


FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")
FONTCONFIG_SETTINGS = ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT")


def fingerprint(style: HouseStyle) -> str:
    """A hash of the fonts installed in fontconfig's standard folders (files, sizes, dates) and of its settings.

    A font installed or updated there means new outputs; read from the folders themselves, so a
    no-op rebuild asks fontconfig nothing.
    """
    digest = hashlib.sha256(" ".join(fallback_stack(style, "")).encode())
    for name in FONTCONFIG_SETTINGS:  # another configuration finds other fonts in the same folders
        if value := os.environ.get(name):
            digest.update(f"{name}={value}\n".encode())
    for folder in FONT_FOLDERS:
        for root, dirs, files in sorted(os.walk(os.path.expanduser(folder))):
            dirs.sort()
            for name in sorted(files):
                try:
                    stat = os.stat(os.path.join(root, name))
                except OSError:
                    continue
                digest.update(f"{root}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


# ---------------------------------------------------------------- the PDF engine's fonts

FONT_SUFFIXES = (".ttf", ".otf")
GENERIC_FAMILIES = ("serif", "sans-serif", "sans", "monospace", "mono", "cursive", "fantasy", "system-ui")


class FontError(BriefgenError):
    """The PDF cannot be laid out: a house font resolves to no font file."""


def style_font_files(style: HouseStyle) -> list[Path]:
    """Every font file of the house style's fonts/ folders (the workspace's first, then briefgen's own)."""
    return [
        p
        for d in style.style_dirs
        if (d / "fonts").is_dir()
        for p in sorted((d / "fonts").iterdir())
        if p.suffix.lower() in FONT_SUFFIXES and p.is_file()
    ]


def house_families(style: HouseStyle) -> dict[str, list[str]]:
    """The families the PDF must have, each with the theme tokens that name it: {'Carlito': ['fonts.body', ...]}."""
    fonts = style.theme.get("fonts", {})
    families: dict[str, list[str]] = {}
    for key in ("body", "heading"):
        family = str(fonts.get(key) or "").strip()
        if family:
            families.setdefault(family, []).append(f"fonts.{key}")
    return families


def pdf_font_config(style: HouseStyle) -> FontConfiguration:
    """WeasyPrint's font configuration with the house style's font files registered, checked before layout.

    The files in styles/fonts/ are added to fontconfig as application fonts, so they are found
    even when fontconfig knows no font of the system (FONTCONFIG_FILE naming an empty
    configuration), where Pango would otherwise be handed no font and crash. The body and
    heading families must then resolve to a font of that name, or FontError says which and why.
    """
    from weasyprint.text.ffi import ffi, fontconfig, pangoft2
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    fc_config = config._config  # kept alive by the font map, which holds a reference
    for path in style_font_files(style):
        fontconfig.FcConfigAppFontAddFile(fc_config, os.fsencode(path))
    pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", config.font_map))
    missing = {family: keys for family, keys in house_families(style).items() if not _resolves(fc_config, family)}
    if missing:
        theme = style.files[-1]
        where = theme.relative_to(theme.parent.parent).as_posix()  # styles/theme.yaml
        raise FontError(
            "\n".join(
                f"{where}: the house font '{family}' ({' and '.join(keys)}) is neither in the house style's "
                "styles/fonts/ folder nor installed on this system, so the PDF cannot be laid out; copy the font's "
                ".ttf files into the workspace's styles/fonts/, install the font, or name an installed font there"
                for family, keys in missing.items()
            )
        )
    return config


def _resolves(fc_config: Any, family: str) -> bool:
    """Whether fontconfig's best match for `family` is a font of that family (not a substitute, not nothing)."""
    from weasyprint.text.ffi import ffi, fontconfig

    pattern = ffi.gc(fontconfig.FcPatternCreate(), fontconfig.FcPatternDestroy)
    fontconfig.FcPatternAddString(pattern, b"family", family.encode())
    fontconfig.FcConfigSubstitute(fc_config, pattern, fontconfig.FcMatchPattern)
    fontconfig.FcDefaultSubstitute(pattern)
    result = ffi.new("FcResult *")
    match = fontconfig.FcFontMatch(fc_config, pattern, result)
    if match == ffi.NULL:  # no font at all
        return False
    if family.casefold() in GENERIC_FAMILIES:  # any font will do
        fontconfig.FcPatternDestroy(match)
        return True
    try:
        name = ffi.new("FcChar8 **")
        index = 0
        while fontconfig.FcPatternGetString(match, b"family", index, name) == fontconfig.FcResultMatch:
            if ffi.string(name[0]).decode("utf-8", "replace").casefold() == family.casefold():
                return True
            index += 1
        return False
    finally:
        fontconfig.FcPatternDestroy(match)
