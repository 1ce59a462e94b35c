"""Splitting an export into a few CI jobs of about equal work (`briefgen list --json --shards N`).

GitHub Actions runs at most 256 jobs per matrix, and a job per tiny brief spends more time
starting a runner than building. So the export plans N shards instead: each brief's cost is
estimated from its last manifest, and briefs are dealt out heaviest first, each to the
lightest shard so far (the longest-processing-time rule, within 4/3 of the best split).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from briefgen.commands.listing import block_matrix
from briefgen.document.select import audiences_for
from briefgen.model import Brief, Workspace
from briefgen.publish import MANIFEST, read_manifest

# Measures of a brief's cost, the most faithful first: the seconds each output took to render and
# the pages of each PDF, as the manifest records them (older manifests have no seconds), and the
# blocks each audience receives, which are always known.
MEASURES = ("seconds", "pages", "blocks")


@dataclass(frozen=True)
class Estimate:
    """A brief's estimated build cost, in the plan's unit, and the measure it was made from."""

    cost: float
    measure: str


@dataclass(frozen=True)
class Shard:
    """One CI job of the export: the briefs it builds and their estimated cost together."""

    number: int
    briefs: tuple[str, ...]
    cost: float


def brief_measures(ws: Workspace, brief: Brief) -> dict[str, float]:
    """What is known of one brief's cost: seconds and PDF pages from its last manifest, and its blocks.

    A manifest may cover only some audiences (a build of one audience); its figures are scaled
    to all of them, since an export builds every audience. Blocks count each block an audience
    receives, plus one per audience for what every output has (masthead, notes, bibliography).
    """
    audiences = audiences_for(ws, brief)
    matrix = block_matrix(ws, brief)
    measures: dict[str, float] = {
        "blocks": float(sum(row.receives[a] == "yes" for row in matrix for a in audiences) + len(audiences))
    }
    manifest = read_manifest(ws.root / ws.config.output_dir / brief.id / MANIFEST)
    if manifest.get("brief") != brief.id:
        return measures
    entries = [e for e in manifest.get("outputs", []) if isinstance(e, dict) and e.get("audience") in audiences]
    for measure, key, formats in (("seconds", "seconds", None), ("pages", "pages", {"pdf"})):
        recorded: dict[str, float] = {}
        for entry in entries:
            value = entry.get(key)
            if formats is not None and entry.get("format") not in formats:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                recorded[entry["audience"]] = recorded.get(entry["audience"], 0.0) + float(value)
        if recorded:
            measures[measure] = sum(recorded.values()) * len(audiences) / len(recorded)
    return measures


def estimate_costs(measures: Mapping[str, Mapping[str, float]]) -> tuple[str, dict[str, Estimate]]:
    """Every brief's cost in one unit: the most faithful measure any brief has.

    A brief without that measure is converted from its own best other one, at the ratio seen on
    the briefs that have both (blocks are always known, so every brief gets an estimate).
    Returns the unit and the estimates.
    """
    unit = next((m for m in MEASURES if any(m in known for known in measures.values())), "blocks")
    estimates = {}
    for brief, known in measures.items():
        estimates[brief] = _estimate(unit, known, measures)
    return unit, estimates


def _estimate(unit: str, known: Mapping[str, float], every: Mapping[str, Mapping[str, float]]) -> Estimate:
    if unit in known:
        return Estimate(known[unit], unit)
    for measure in MEASURES[MEASURES.index(unit) + 1 :]:
        if measure not in known:
            continue
        both = [k for k in every.values() if unit in k and measure in k]
        in_measure = sum(k[measure] for k in both)
        if in_measure > 0:
            return Estimate(known[measure] * sum(k[unit] for k in both) / in_measure, measure)
    return Estimate(known.get("blocks", 0.0), "blocks")


def plan_shards(costs: Mapping[str, float], count: int) -> list[Shard]:
    """At most `count` groups of briefs with about equal total cost; no group is empty.

    Heaviest brief first, each to the lightest shard so far (ties: the shard with fewer briefs,
    then the lower number), so equal inputs always give the same plan. Shards are numbered
    from 1; briefs are listed by name within a shard.
    """
    if count < 1:
        raise ValueError(f"a plan needs at least one shard, not {count}")
    count = min(count, len(costs))
    loads = [0.0] * count
    members: list[list[str]] = [[] for _ in range(count)]
    for brief in sorted(costs, key=lambda b: (-costs[b], b)):
        lightest = min(range(count), key=lambda i: (loads[i], len(members[i]), i))
        loads[lightest] += costs[brief]
        members[lightest].append(brief)
    return [Shard(i + 1, tuple(sorted(members[i])), loads[i]) for i in range(count)]


def shard_plan(ws: Workspace, count: int, only: str | None = None) -> dict:
    """The plan as plain data for `list --json --shards N`: the shards, the unit and each brief's estimate."""
    briefs = [b for b in ws.briefs.values() if not only or b.id == only]
    unit, estimates = estimate_costs({b.id: brief_measures(ws, b) for b in briefs})
    shards = plan_shards({name: e.cost for name, e in estimates.items()}, count)
    return {
        "unit": unit,
        "shards": [{"number": s.number, "briefs": list(s.briefs), "cost": round(s.cost, 2)} for s in shards],
        "estimates": {name: {"cost": round(e.cost, 2), "measure": e.measure} for name, e in sorted(estimates.items())},
    }


def describe_plan(plan: dict) -> list[str]:
    """`list --shards N` without --json: one line per shard."""
    lines = []
    for shard in plan["shards"]:
        count = len(shard["briefs"])
        lines.append(
            f"shard {shard['number']}: {count} brief{'s' * (count != 1)}, about {shard['cost']:g} {plan['unit']}: "
            + ", ".join(shard["briefs"])
        )
    return lines or ["no briefs to plan"]
