"""Contrast between two colours as WCAG 2.2 defines it (success criterion 1.4.3), for Word's text."""

from __future__ import annotations


def _luminance(hex_colour: str) -> float:
    """Relative luminance of an sRGB colour written as six hex digits."""
    channels = []
    for start in (0, 2, 4):
        value = int(hex_colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), the lighter colour's luminance over the darker's: 1 to 21."""
    one, two = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (one + 0.05) / (two + 0.05)


def large_text(points: float, bold: bool) -> bool:
    """WCAG's large text, which needs 3:1 rather than 4.5:1: 18 point, or 14 point and bold."""
    return points >= 18 or (bold and points >= 14)
