"""Profiles of the rows whose target a run missed: where briefgen's time goes, against its baseline's.

Each command runs once under py-spy (`py-spy record --subprocesses --format raw`), which samples
a Python process and the Python processes it starts (briefgen's workers) without changing how it
runs. Only samples of running threads count (py-spy leaves out idle ones), so the totals are about
seconds of CPU in Python processes. Pandoc, a native program, is not sampled, and py-spy cannot
start from bash: a baseline of several processes side by side is profiled process by process and
added up. A sample is put under "import X" while the top-level code of a module of X runs (the
innermost module being imported), else under the package of its innermost frame; a sample with no
Python frame at all (an interpreter starting up or shutting down, say) under "(no Python frame)".
The summary names the groups where briefgen spends more than the baseline.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from measure import Command

RATE = 100  # samples a second (py-spy's default)
PROCESS = re.compile(r'process \d+:"[^"]*";?')  # py-spy's prefix of a stack, one per process of its ancestry
FRAME = re.compile(r"^(?P<function>.*) \((?P<path>[^()]*)\)$")
IMPORTING = ("_find_and_load", "_load_unlocked", "_call_with_frames_removed", "exec_module")


def py_spy() -> str | None:
    found = Path(sys.executable).parent / "py-spy"
    return str(found) if found.exists() else shutil.which("py-spy")


def record(commands: list[Command], out: Path) -> Counter[str]:
    """Seconds of samples by group for one run of each of `commands` under py-spy, added up."""
    total: Counter[str] = Counter()
    for index, command in enumerate(commands):
        total += record_one(command, out.with_name(f"{out.stem}-{index}{out.suffix}"))
    return total


def record_one(command: Command, out: Path) -> Counter[str]:
    spy = py_spy()
    if spy is None:
        raise RuntimeError("py-spy is not installed (`make bench` installs it)")
    if command.before is not None:
        command.before()
    argv = [spy, "record", "--subprocesses", "--format", "raw", "--full-filenames", "--nolineno"]
    argv += ["--rate", str(RATE), "--output", str(out), "--", *command.argv]
    result = subprocess.run(argv, cwd=command.cwd, capture_output=True, text=True)
    if result.returncode or not out.exists():
        raise RuntimeError(f"py-spy failed: {(result.stderr or result.stdout).strip().splitlines()[-1:]}")
    return summarise(out.read_text(encoding="utf-8", errors="replace"))


def summarise(raw: str) -> Counter[str]:
    """Seconds by group from py-spy's raw output (one `process N:"argv";frame;frame COUNT` line per stack)."""
    groups: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [frame for frame in PROCESS.sub("", stack).split(";") if frame]
        groups[group(frames)] += int(count) / RATE
    return groups


def group(frames: list[str]) -> str:
    """The group of one sampled stack (outermost frame first)."""
    parsed = [m.groups() for m in map(FRAME.match, frames) if m]
    for index, (function, path) in enumerate(parsed):
        if path.startswith("<frozen importlib") and function in IMPORTING:
            # the innermost module whose top-level code runs: rfc3987_syntax, not the briefgen.cli that led to it
            modules = [p for f, p in parsed[index:] if f == "<module>" and not p.startswith("<")]
            return f"import {package(modules[-1])}" if modules else "import (other)"
    return package(parsed[-1][1]) if parsed else "(no Python frame)"


def package(path: str) -> str:
    """A frame's file as a package: weasyprint, briefgen.render, stdlib json."""
    parts = Path(path).parts
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1 :]
        return rest[0].removesuffix(".py") if rest else path
    if "briefgen" in parts:
        rest = parts[parts.index("briefgen") + 1 :]
        return "briefgen" + (f".{rest[0]}" if len(rest) > 1 else "")
    if path.startswith("<"):
        return path
    stdlib = [p for p in parts if re.fullmatch(r"python3\.\d+", p)]
    if stdlib:
        rest = parts[parts.index(stdlib[0]) + 1 :]
        return "stdlib " + (rest[0].removesuffix(".py") if rest else "")
    return Path(path).name


def compare_text(ours: Counter[str], theirs: Counter[str] | None, top: int = 6) -> str:
    """Totals, the largest groups of briefgen's profile, and where it spends more than the baseline."""
    largest = ", ".join(f"{name} {seconds:.2f}" for name, seconds in ours.most_common(top))
    text = f"briefgen {sum(ours.values()):.2f} s of samples (largest: {largest})"
    if theirs is None:
        return text + "."
    theirs_largest = ", ".join(f"{name} {seconds:.2f}" for name, seconds in theirs.most_common(3))
    more = sorted(((ours[n] - theirs[n], n) for n in set(ours) | set(theirs)), reverse=True)
    extra = ", ".join(f"{name} +{delta:.2f}" for delta, name in more[:top] if delta >= 1 / RATE)
    return (
        f"{text}; baseline {sum(theirs.values()):.2f} s ({theirs_largest}); "
        f"briefgen spends more in: {extra or 'nothing measurable'}."
    )


def profile_rows(rows: list, work: Path, limit: int | None = None) -> dict[str, str]:
    """A summary for each missed row that names commands to profile; a command is profiled once for all rows."""
    summaries: dict[str, str] = {}
    counted: dict[tuple, Counter[str]] = {}
    missed = [row for row in rows if row.met is False and row.profile]
    for row in missed[:limit]:
        try:
            found = {}
            for name, commands in row.profile.items():
                key = tuple(tuple(command.argv) for command in commands)
                if key not in counted:
                    counted[key] = record(commands, work / f"profile-{len(counted)}.txt")
                found[name] = counted[key]
            summaries[row.key] = (
                f"Profile (py-spy at {RATE} Hz, seconds of CPU samples in every Python process, Pandoc not "
                "sampled, one run each): " + compare_text(found["briefgen"], found.get("baseline"))
            )
        except (RuntimeError, OSError) as exc:
            summaries[row.key] = f"No profile: {exc}."
    return summaries
