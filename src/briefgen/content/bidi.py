"""Right-to-left text (Arabic, Hebrew...): the one rule every renderer uses to give text its direction.

A paragraph takes the direction of its first strong character, a letter of a right-to-left or a
left-to-right script (rules P2 and P3 of the Unicode Bidirectional Algorithm, what HTML's
`dir="auto"` does); text inside an isolate (U+2066..U+2069) is skipped, as the rule says. HTML
gets `dir="rtl"` and Word `w:bidi` on the same paragraphs, and Word marks the right-to-left runs
of a paragraph `w:rtl`, cut where `rtl_spans` cuts them.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

RTL_CLASSES = frozenset(("R", "AL"))  # Hebrew, Arabic and the other right-to-left letters
_OPEN_ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
_CLOSE_ISOLATE = "\u2069"  # PDI


def first_strong(text: str) -> str | None:
    """'rtl' or 'ltr' by the first strong character of `text` outside isolates; None when it has none."""
    depth = 0
    for char in text:
        if char in _OPEN_ISOLATES:
            depth += 1
        elif char == _CLOSE_ISOLATE:
            depth = max(depth - 1, 0)
        elif not depth:
            kind = unicodedata.bidirectional(char)
            if kind == "L":
                return "ltr"
            if kind in RTL_CLASSES:
                return "rtl"
    return None


def is_rtl(text: str) -> bool:
    """Whether a paragraph of `text` reads right to left: its first strong character is Arabic, Hebrew..."""
    return first_strong(text) == "rtl"


def has_rtl(text: str) -> bool:
    """Whether `text` holds any right-to-left letter."""
    return any(unicodedata.bidirectional(char) in RTL_CLASSES for char in text)


def rtl_spans(text: str) -> list[tuple[str, bool]]:
    """`text` cut where its direction changes, in logical order: (piece, right-to-left?).

    A right-to-left piece runs from a right-to-left letter to the last one before the next
    left-to-right letter, with the spaces, digits and punctuation between them; whatever stands
    between a right-to-left and a left-to-right letter stays neutral, for the paragraph to place.
    """
    cuts: list[tuple[int, int]] = []  # [start, end) of each right-to-left piece
    start: int | None = None
    last = 0  # the last right-to-left letter of the piece being read
    for index, char in enumerate(text):
        kind = unicodedata.bidirectional(char)
        if kind in RTL_CLASSES:
            start = index if start is None else start
            last = index
        elif kind == "L" and start is not None:
            cuts.append((start, last + 1))
            start = None
    if start is not None:
        cuts.append((start, last + 1))
    pieces: list[tuple[str, bool]] = []
    position = 0
    for first, end in cuts:
        if first > position:
            pieces.append((text[position:first], False))
        pieces.append((text[first:end], True))
        position = end
    if position < len(text) or not pieces:
        pieces.append((text[position:], False))
    return pieces


# ---------------------------------------------------------------- visual order, for engines that cannot find it

_PARAGRAPH = {False: 0x110, True: 0x111}  # FriBidi's FRIBIDI_PAR_LTR and FRIBIDI_PAR_RTL


def visual_order(text: str, rtl: bool) -> tuple[str, list[int]] | None:
    """`text` as it is seen from left to right in a paragraph of direction `rtl`, and for each place of
    that the index of its character in `text`; None when FriBidi cannot be loaded.

    FriBidi is the bidi engine Pango uses (WeasyPrint's HTML text is ordered by it): the Unicode
    Bidirectional Algorithm orders the text, mirrors brackets and joins Arabic letters into their
    presentation forms (a lam-alef ligature leaves U+FEFF where its alef stood).
    """
    log2vis = _fribidi()
    if log2vis is None:
        return None
    if not text:
        return "", []
    import ctypes

    length = len(text)
    source = (ctypes.c_uint32 * length)(*map(ord, text))
    shown = (ctypes.c_uint32 * length)()
    logical = (ctypes.c_int * length)()
    base = ctypes.c_uint32(_PARAGRAPH[rtl])
    if not log2vis(source, length, ctypes.byref(base), shown, None, logical, None):  # no embedding levels wanted
        return None
    return "".join(map(chr, shown)), list(logical)


@functools.cache
def _fribidi() -> Any:
    """FriBidi's fribidi_log2vis, from the library Pango itself is linked against; None if it is not found."""
    import ctypes
    import ctypes.util

    names = (ctypes.util.find_library("fribidi"), "libfribidi.so.0", "libfribidi.0.dylib", "libfribidi-0.dll")
    for name in filter(None, names):
        try:
            function = ctypes.CDLL(name).fribidi_log2vis
        except (OSError, AttributeError):
            continue
        function.restype = ctypes.c_int8  # FriBidiLevel: the highest level plus one, 0 on failure
        function.argtypes = [
            ctypes.POINTER(ctypes.c_uint32),  # const FriBidiChar *str
            ctypes.c_int,  # FriBidiStrIndex len
            ctypes.POINTER(ctypes.c_uint32),  # FriBidiParType *pbase_dir
            ctypes.POINTER(ctypes.c_uint32),  # FriBidiChar *visual_str
            ctypes.POINTER(ctypes.c_int),  # FriBidiStrIndex *positions_L_to_V
            ctypes.POINTER(ctypes.c_int),  # FriBidiStrIndex *positions_V_to_L
            ctypes.POINTER(ctypes.c_int8),  # FriBidiLevel *embedding_levels
        ]
        return function
    return None
