"""The export's shard plans at scale, measured: do 20 shards of a 300-brief workspace take equal time?

`briefgen list --json --shards 20` plans a synthetic workspace (benchmarks/synthetic_workspace.py)
twice: first by blocks (a fresh CI runner, no manifests), then by the seconds the manifests of a
first build recorded (what the export does once it restores the last export's manifests). Each plan
is judged against a second build of everything, from a cold cache, that it did not see: per shard,
the planned seconds against the measured ones, and the longest shard against the mean (1.0 is a
perfect split; the target is 1.25).

Builds are Markdown (`-f md`, every audience, -j 2) to keep the run to minutes on two cores; the
audience with a page budget still lays its PDF out, in memory, so briefs cost what their length
costs. Measured seconds are what the manifests record (each output's render time), not the wall
time of a CI job, which adds a runner's start and one process start per brief.

    python benchmarks/shards.py [--briefs 300] [--shards 20]   prints the tables and writes them into
                                                               benchmarks/results.md
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_workspace import make_workspace  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BRIEFGEN = str(Path(sys.executable).parent / "briefgen")
RESULTS = ROOT / "benchmarks" / "results.md"
HEADING = "## Shard plans at scale (benchmarks/shards.py)"


def briefgen(workspace: Path, *args: str) -> dict:
    result = subprocess.run([BRIEFGEN, *args], cwd=workspace, check=True, capture_output=True, text=True)
    return json.loads(result.stdout)["result"] if "--json" in args else {}


def build_everything(workspace: Path) -> float:
    """Every audience of every brief as Markdown, from a cold cache; returns the wall seconds."""
    shutil.rmtree(workspace / "dist" / ".briefgen-cache", ignore_errors=True)
    start = time.perf_counter()
    briefgen(workspace, "build", "--all", "-f", "md", "-j", "2", "--force", "-q")
    return time.perf_counter() - start


def measured_seconds(workspace: Path) -> dict[str, float]:
    """Each brief's render seconds, summed over its outputs, from its manifest."""
    seconds = {}
    for manifest in sorted((workspace / "dist").glob("*/manifest.json")):
        data = json.loads(manifest.read_text())
        seconds[data["brief"]] = sum(o.get("seconds") or 0.0 for o in data["outputs"])
    return seconds


def judge(plan: dict, measured: dict[str, float]) -> tuple[list[tuple[int, int, float, float]], float]:
    """Per shard: number, briefs, planned seconds, measured seconds; and longest / mean measured.

    A plan in blocks is converted to seconds at the workspace's overall ratio, so the columns compare.
    """
    shards = plan["shards"]
    planned_total = sum(s["cost"] for s in shards)
    scale = sum(measured.values()) / planned_total if plan["unit"] != "seconds" else 1.0
    rows = [(s["number"], len(s["briefs"]), s["cost"] * scale, sum(measured[b] for b in s["briefs"])) for s in shards]
    loads = [row[3] for row in rows]
    return rows, max(loads) / statistics.mean(loads)


def table(title: str, rows: list[tuple[int, int, float, float]], ratio: float) -> str:
    lines = [f"{title}: longest shard / mean = **{ratio:.2f}** (target <= 1.25)", ""]
    lines += ["| shard | briefs | planned s | measured s |", "|---:|---:|---:|---:|"]
    lines += [f"| {n} | {count} | {planned:.1f} | {got:.1f} |" for n, count, planned, got in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--briefs", type=int, default=300)
    parser.add_argument("--shards", type=int, default=20)
    parser.add_argument("--no-write", action="store_true", help="print only; leave results.md as it is")
    args = parser.parse_args()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="briefgen-shards-"))
    try:
        workspace = make_workspace(work / "ws", args.briefs)
        by_blocks = briefgen(workspace, "list", "--json", "--shards", str(args.shards))
        first = build_everything(workspace)
        by_seconds = briefgen(workspace, "list", "--json", "--shards", str(args.shards))
        second = build_everything(workspace)
        measured = measured_seconds(workspace)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    blocks_rows, blocks_ratio = judge(by_blocks, measured)
    seconds_rows, seconds_ratio = judge(by_seconds, measured)
    total = sum(measured.values())
    text = "\n".join(
        [
            HEADING,
            "",
            f"Measured on {time.strftime('%Y-%m-%d')} ({os.cpu_count()} cores, Python {sys.version.split()[0]}) by "
            f"`benchmarks/shards.py`: a SYNTHETIC workspace of {args.briefs} briefs (the fixture brief "
            "tests/fixtures/minimal/briefs/demo, 3 audiences, plus 0 to 60 blocks of placeholder text each, "
            f"from benchmarks/synthetic_workspace.py) planned into {args.shards} shards with "
            f"`briefgen list --json --shards {args.shards}`. Built: every audience of every brief as Markdown "
            "only (`briefgen build --all -f md -j 2 --force`, the cache emptied first), twice: "
            f"{first:.0f} s and {second:.0f} s of wall time; the audience with a page budget lays its PDF "
            "out in memory, so a brief costs what its length costs. The seconds per shard are the render "
            f"seconds the manifests of the second build record ({total:.0f} s in all); neither plan saw "
            "that build. Not measured: PDF and Word files (minutes per brief on this machine), and the "
            "start of a CI runner and of one briefgen process per brief, which add about the same to every "
            "shard of equal brief count.",
            "",
            f"Caveat: the render seconds are {total / second:.0%} of the second build's wall time; the rest "
            "(loading and checking each brief, citations, Pandoc's readings) is not in the manifests, so a plan by "
            "seconds balances that part only. Here both plans give shards of 14 to 16 similar briefs, and the "
            "blocks plan is as even: the seconds plan matters when briefs differ in what the manifests do see "
            "(PDF pages, figures, charts).",
            "",
            table(f"Planned by blocks (a runner with no manifests: {by_blocks['unit']})", blocks_rows, blocks_ratio),
            table(
                f"Planned by the first build's manifests ({by_seconds['unit']}), as the export does",
                seconds_rows,
                seconds_ratio,
            ),
        ]
    )
    print(text)  # noqa: T201
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")  # noqa: T201
    if args.no_write:
        return
    current = RESULTS.read_text(encoding="utf-8")
    kept = current.split(f"\n{HEADING}\n", 1)[0].rstrip("\n")
    RESULTS.write_text(f"{kept}\n\n{text}", encoding="utf-8")


if __name__ == "__main__":
    main()
