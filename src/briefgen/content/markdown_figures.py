"""A figure as written in Markdown: `![caption](file.png){#fig-id width=70% fig-alt="..." source="..."}`.

Pandoc gives an image's attributes as it read them; this module reads the ones briefgen knows
(the id, a width as a share of the text width, the text screen readers get, a source line),
and tells the writer about the rest: a figure where none can stand, a width that is not a
percentage, attributes briefgen does not use, a citation in the source line, no alt text or
no caption. Finding and checking the picture file itself is `content/figures.py`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from briefgen.content.typography import typeset
from briefgen.diagnostics import Location, codes, did_you_mean
from briefgen.model import Figure, Inline, Problem

_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%$")
_FIGURE_ATTRIBUTES = ("width", "fig-alt", "source")
_CITATION_IN_TEXT = re.compile(r"\[[^\]]*@[\w-]|(?:^|\s)@[\w-]")

Tell = Callable[[str, str, str], None]  # (level, code, message) of a problem at the figure


def read_figure(
    image: list[Any], caption: tuple[Inline, ...], ident: str, where: Location | None, place: str, detached: bool
) -> tuple[Figure, list[Problem]]:
    """A Figure from a Pandoc Image node's attributes, and the problems of what was written, at `where`.

    `ident`: the id Pandoc gave the figure around the image, if any; `place`: the container the
    figure stands in ('' where figures may stand); `detached`: the attributes stood apart from the
    image (reported), so none were read.
    """
    (image_id, classes, attrs), _alt, (src, _title) = image
    ident = ident or image_id
    problems: list[Problem] = []

    def problem(level: str, code: str, message: str) -> None:
        problems.append(Problem(level, code, message, where))

    if place:
        problem("error", codes.FIGURE_PLACEMENT, f"a figure cannot stand in {place}; move it to a paragraph of its own")
    values = dict(attrs)
    width = _width(values, problem)
    _unused_attributes(attrs, classes, problem)
    source = " ".join(values.get("source", "").split())
    if _CITATION_IN_TEXT.search(source):
        problem(
            "error",
            codes.FIGURE_SOURCE,
            f"source=\"{source[:60]}\" is printed as written, so a citation there would show as '[@...]'; "
            "cite in the caption instead: ![What it shows [@key]](file.png)",
        )
    alt = " ".join(values.get("fig-alt", "").split())
    if not alt and not detached and "alt" not in values:
        problem(
            "warning",
            codes.FIGURE_ALT,
            "the figure has no fig-alt, so readers who cannot see it learn nothing from it; describe what it "
            'shows in fig-alt="..." inside its {...}',
        )
    if not caption and not detached:
        problem(
            "warning",
            codes.FIGURE_CAPTION,
            "the figure has no caption; write one between its square brackets: ![What it shows](file.png)",
        )
    figure = Figure(src=src, caption=caption, id=ident, alt=alt, width=width, source=typeset(source), location=where)
    return figure, problems


def _width(values: dict[str, str], problem: Tell) -> float | None:
    """`width=70%` as a share of the text width (0.7); None, and a problem, for anything else."""
    if "width" not in values:
        return None
    match = _PERCENT.match(values["width"].strip())
    if match is None:
        problem(
            "error",
            codes.FIGURE_WIDTH,
            f"width={values['width']} is not a percentage; write the width as a share of the text width, "
            "for example width=70%",
        )
    elif not 0 < float(match.group(1)) <= 100:
        problem(
            "warning",
            codes.FIGURE_WIDTH,
            f"width={values['width']} is outside 1% to 100% of the text width, so the figure is printed at "
            "100%; write a width between 1% and 100%",
        )
    else:
        return float(match.group(1)) / 100
    return None


def _unused_attributes(attrs: list[Any], classes: list[str], problem: Tell) -> None:
    """A warning for each attribute or class briefgen does not read, with the one that was probably meant."""
    unused = [name for name, _ in attrs if name not in _FIGURE_ATTRIBUTES] + ["." + c for c in classes]
    for name in unused:
        hint = (
            " (write fig-alt= for the text screen readers get)"
            if name in ("alt", "description", "descr")
            else " (the caption goes between the square brackets)"
            if name in ("caption", "fig-cap", "title")
            else did_you_mean(name, _FIGURE_ATTRIBUTES)
        )
        problem(
            "warning",
            codes.FIGURE_ATTRIBUTE,
            f"the figure attribute '{name}' is not used{hint}; briefgen reads #fig-id, width=, fig-alt= and source=",
        )
