"""How large a figure is printed: one rule, the same in every format (HTML, PDF and Word)."""

from __future__ import annotations

from briefgen.model import Figure

MAX_FIGURE_HEIGHT = 0.8  # of the text block's height: room for the caption on the same page
CSS_PX_IN_PT = 0.75


def figure_fraction(figure: Figure, text_width: float, text_height: float) -> float:
    """The share of the text width a figure is printed at, the same in every format.

    `width=` when given; otherwise a chart keeps its own size (so its text is the size of the
    house style's small text) and any other picture fills the text width. Never wider than the
    text, and never taller than MAX_FIGURE_HEIGHT of the text block, so caption and picture
    always fit on one page. Widths and heights are in points.
    """
    picture = figure.picture
    if picture is None or picture.width <= 0 or picture.height <= 0:
        return figure.width or 1.0
    if figure.width is not None:
        fraction = figure.width
    elif picture.chart:
        fraction = picture.width * CSS_PX_IN_PT / text_width
    else:
        fraction = 1.0
    fraction = min(fraction, 1.0)
    height = fraction * text_width * picture.height / picture.width
    tallest = MAX_FIGURE_HEIGHT * text_height
    if height > tallest:
        fraction *= tallest / height
    return fraction
