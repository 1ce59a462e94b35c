"""The rows benchmarks/run.py measures, their targets, the table and the notes made from the figures of one run.

Nothing here is written by hand about a result: whether a target is met, by how much it is missed,
and whether the runs' spread reaches the target are all computed from the run's figures.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field

from measure import Command, Figure

COMPARE = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt}


@dataclass(frozen=True)
class Target:
    """A limit on a row's figure: `op` ("<=", "<") and the limit, in the figure's unit."""

    op: str
    limit: float
    unit: str = ""  # as the figure's
    signed: bool = False  # shown with its sign (+0.3 s: an added time)

    def met_by(self, value: float) -> bool:
        return COMPARE[self.op](value, self.limit)

    def __str__(self) -> str:
        return f"{self.op} {show(self.limit, self.unit, self.signed)}"


def show(value: float, unit: str = "", signed: bool = False) -> str:
    """A figure as the table writes it: ratios with two decimals, seconds to the millisecond under 1 s."""
    sign = "+" if signed else ""
    if unit == "":
        return f"{value:{sign}.2f}"
    if unit == "s":
        return f"{value:{sign}.3f} s" if abs(value) < 1 else f"{value:{sign}.2f} s"
    if unit == "ms":
        return f"{value:{sign}.0f} ms"
    return f"{value:{sign}.0f} {unit}"


@dataclass
class Row:
    """One line of the table.

    `figure` is what the target judges (a ratio, or seconds, or MB); `measured` says what was
    measured, in words and numbers. `profile` names the commands to profile when the target is
    missed ("briefgen" and its "baseline"); `where` says where the memory was, for memory rows.
    """

    key: str
    title: str
    measured: str
    figure: Figure | None = None
    target: Target | None = None
    profile: dict[str, list[Command]] = field(default_factory=dict)
    where: str = ""

    @property
    def met(self) -> bool | None:
        if self.figure is None or self.target is None:
            return None
        return self.target.met_by(self.figure.value)

    @property
    def shown(self) -> str:
        if self.figure is None:
            return "-"
        signed = bool(self.target and self.target.signed)
        text = show(self.figure.value, self.figure.unit, signed)
        if self.figure.runs > 1 and self.figure.high > self.figure.low:
            low, high = (show(v, self.figure.unit, signed) for v in (self.figure.low, self.figure.high))
            text += f" ({low} to {high})"
        return text


def met_word(row: Row) -> str:
    return {None: "-", True: "yes", False: "**no**"}[row.met]


def table(rows: list[Row]) -> str:
    header = "| benchmark | measured | figure (runs' interquartile range) | target | met |\n|---|---|---|---|---|\n"
    return header + "".join(
        f"| {row.key}. {row.title} | {row.measured} | {row.shown} | {row.target or '-'} | {met_word(row)} |\n"
        for row in rows
    )


def within_noise(row: Row) -> bool:
    """Whether the runs' interquartile range reaches the target: a miss (or a pass) that the noise can flip."""
    assert row.figure is not None and row.target is not None
    return row.target.met_by(row.figure.low) != row.target.met_by(row.figure.high)


def missed_note(rows: list[Row], profiles: dict[str, str]) -> str:
    """The note on targets, generated from this run's figures and the profiles taken of the rows that missed."""
    judged = [row for row in rows if row.met is not None]
    missed = [row for row in judged if not row.met]
    met = [row for row in judged if row.met]
    lines = [
        f"G. Targets in this run, from its figures: {len(met)} of {len(judged)} met"
        + (f" ({', '.join(row.key for row in met)})" if met else "")
        + (f"; missed: {', '.join(row.key for row in missed)}." if missed else ".")
    ]
    for row in missed:
        assert row.figure is not None and row.target is not None
        unit, signed = row.figure.unit, row.target.signed
        over = row.figure.value - row.target.limit
        text = f"- {row.key}: {show(row.figure.value, unit, signed)} against {row.target}, over by {show(over, unit)}"
        if row.figure.runs > 1:
            text += (
                f"; the runs' interquartile range ({show(row.figure.low, unit, signed)} to "
                f"{show(row.figure.high, unit, signed)}) "
                + ("reaches the target: within the noise of this run" if within_noise(row) else "is all above it")
            )
        text += "."
        if row.where:
            text += f" {row.where}"
        if row.key in profiles:
            text += f" {profiles[row.key]}"
        elif not row.where:
            text += " Not profiled in this run."
        lines.append(text)
    return "\n".join(lines)
