"""The benchmark's history: every full run's figures, with the machine and versions, one JSON line each.

`make bench` appends an entry to benchmarks/history.jsonl; `benchmarks/run.py --compare [ENTRY]`
compares two entries row by row (the last two, or ENTRY against the last) and lists the figures
that moved by more than the noise of the two runs: a row moved when the change of its figure is
larger than the sum of the two runs' half interquartile ranges (benchmarks/measure.py), that is,
when the middle halves of the two runs' values no longer overlap. A row measured once has no
noise to judge by; its change is listed apart, unjudged.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HISTORY = ROOT / "benchmarks" / "history.jsonl"


def machine() -> dict:
    """What the figures depend on besides briefgen: cores, processor, memory, system."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        memory = 0.0
    return {"cores": os.cpu_count(), "cpu": cpu, "memory_gb": round(memory, 1), "system": platform.platform()}


def versions(briefgen: str) -> dict:
    """briefgen's `--version` lines (briefgen, WeasyPrint, Pandoc, python-docx), Python, and the git commit."""
    found = {"Python": sys.version.split()[0]}
    result = subprocess.run([briefgen, "--version"], capture_output=True, text=True, check=True)
    for line in result.stdout.splitlines():
        name, _, version = line.partition(" ")
        found[name] = version
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True)
        found["commit"] = commit.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        found["commit"] = "unknown"
    return found


def entry(rows: list, runs: int, briefgen: str) -> dict:
    """One history line: when, where, with what, and each row's figure, spread and target."""
    figures = {}
    for row in rows:
        if row.figure is None:
            continue
        figures[row.key] = {
            "title": row.title,
            "value": row.figure.value,
            "low": row.figure.low,
            "high": row.figure.high,
            "runs": row.figure.runs,
            "unit": row.figure.unit,
            "target": str(row.target) if row.target else None,
            "met": row.met,
        }
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "versions": versions(briefgen),
        "runs": runs,
        "rows": figures,
    }


def append(record: dict, path: Path | None = None) -> None:
    with (path or HISTORY).open("a", encoding="utf-8") as history:
        history.write(json.dumps(record, sort_keys=True) + "\n")


def load(path: Path | None = None) -> list[dict]:
    path = path or HISTORY
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def pick(entries: list[dict], ref: str | None) -> tuple[dict, dict]:
    """The two entries to compare: the last two, or `ref` (an index, negative from the end, or a date prefix)
    against the last."""
    if len(entries) < 2:
        raise SystemExit(
            f"the history has {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}; --compare needs two"
        )
    if ref is None:
        return entries[-2], entries[-1]
    if re.fullmatch(r"-?\d{1,3}", ref):  # an index; a longer number is the start of a date (2026, 202612)
        if not -len(entries) <= int(ref) < len(entries):
            raise SystemExit(f"the history has {len(entries)} entries; there is no entry {ref}")
        return entries[int(ref)], entries[-1]
    matches = [e for e in entries if e["date"].startswith(ref)]
    if not matches:
        raise SystemExit(f"no history entry's date starts with {ref!r}")
    return matches[-1], entries[-1]


def compare(old: dict, new: dict) -> str:
    """Row by row: the figures that moved by more than the two runs' noise, those that did not, and the unjudged."""
    lines = [f"Comparing {old['date']} with {new['date']}."]
    if old["machine"] != new["machine"]:
        lines.append(f"Different machines: {old['machine']} / {new['machine']}: figures may differ for that alone.")
    changed = [
        f"{k} {old['versions'].get(k)} -> {v}" for k, v in new["versions"].items() if old["versions"].get(k) != v
    ]
    if changed:
        lines.append("Changed: " + "; ".join(changed) + ".")
    moved, steady, unjudged = [], [], []
    for key, now in new["rows"].items():
        before = old["rows"].get(key)
        if before is None:
            continue
        delta = now["value"] - before["value"]
        noise = (now["high"] - now["low"]) / 2 + (before["high"] - before["low"]) / 2
        text = f"{key} {before['value']:.3g} -> {now['value']:.3g} ({delta:+.3g}{_unit(now)}, noise {noise:.3g})"
        if min(now["runs"], before["runs"]) < 2:
            unjudged.append(f"{key} {before['value']:.3g} -> {now['value']:.3g} ({delta:+.3g}{_unit(now)})")
        elif abs(delta) > noise:
            better = _better(now, delta)
            moved.append(f"{text}, {better}")
        else:
            steady.append(key)
    lines.append("Moved by more than the noise: " + ("; ".join(moved) if moved else "none") + ".")
    lines.append("Within the noise: " + (", ".join(steady) if steady else "none") + ".")
    if unjudged:
        lines.append("Measured once, not judged: " + "; ".join(unjudged) + ".")
    gone = sorted(set(old["rows"]) - set(new["rows"]))
    added = sorted(set(new["rows"]) - set(old["rows"]))
    if gone or added:
        lines.append(
            f"Rows only in the older entry: {', '.join(gone) or 'none'}; "
            f"only in the newer: {', '.join(added) or 'none'}."
        )
    return "\n".join(lines)


def _unit(row: dict) -> str:
    return f" {row['unit']}" if row.get("unit") else ""


def _better(row: dict, delta: float) -> str:
    """Every target here is an upper limit, so lower is better."""
    target = row.get("target") or ""
    if target.startswith(("<", "<=")) or not target:
        return "better" if delta < 0 else "worse"
    return "better" if delta > 0 else "worse"
