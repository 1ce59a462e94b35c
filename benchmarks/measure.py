"""How benchmarks/run.py measures: alternating timed runs, their spread, memory of a process tree, pages of a PDF.

Every contender runs once to warm up, then the contenders run in turn, run after run, so drift on
a shared machine hits all of them alike. A row's figure is the ratio of the medians; its noise is
the interquartile range of the run-by-run ratios (each run's pair of samples, taken side by side
in time), which benchmarks/history.py compares between runs of the benchmark.
"""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

Samples = dict[str, list[float]]


@dataclass(frozen=True)
class Command:
    """A command to time, where to run it, and what to do before each run, untimed (empty a cache)."""

    argv: list[str]
    cwd: Path | None = None
    before: Callable[[], object] | None = None


@dataclass(frozen=True)
class Figure:
    """A row's headline number, with the quartiles of its run-by-run values (equal with one run)."""

    value: float
    low: float
    high: float
    runs: int
    unit: str = ""  # "" for a ratio, else "s", "MB", "ms"

    @property
    def noise(self) -> float:
        """Half the interquartile range of the runs: how far a figure of this row moves by chance."""
        return (self.high - self.low) / 2


def quartiles(values: Sequence[float]) -> tuple[float, float]:
    """The first and third quartiles (inclusive method: with 5 runs, the 2nd and 4th values)."""
    if len(values) < 2:
        return values[0], values[0]
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def spread(values: Sequence[float], unit: str = "") -> Figure:
    """The median of `values` and their quartiles."""
    low, high = quartiles(values)
    return Figure(statistics.median(values), low, high, len(values), unit)


def ratio(samples: Samples, ours: str, theirs: str, scale: tuple[float, float] = (1.0, 1.0)) -> Figure:
    """median(ours) / median(theirs), with the quartiles of the run-by-run ratios ours[i] / theirs[i].

    `scale` divides each side first (pages, for seconds per page).
    """
    a = [value / scale[0] for value in samples[ours]]
    b = [value / scale[1] for value in samples[theirs]]
    low, high = quartiles([x / y for x, y in zip(a, b, strict=True)])
    return Figure(statistics.median(a) / statistics.median(b), low, high, len(a))


def difference(samples: Samples, ours: str, theirs: str) -> Figure:
    """median(ours) - median(theirs) in seconds, with the quartiles of the run-by-run differences."""
    low, high = quartiles([x - y for x, y in zip(samples[ours], samples[theirs], strict=True)])
    return Figure(
        statistics.median(samples[ours]) - statistics.median(samples[theirs]), low, high, len(samples[ours]), "s"
    )


def median(samples: Samples, name: str) -> float:
    return statistics.median(samples[name])


def timed(command: Command) -> float:
    if command.before is not None:
        command.before()
    start = time.perf_counter()
    subprocess.run(command.argv, cwd=command.cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def alternate(contenders: dict[str, Command | list[str]], runs: int, cwd: Path | None = None) -> Samples:
    """Seconds of each run of each contender, run in turn after one warm-up each (disk cache, bytecode)."""
    commands = {name: c if isinstance(c, Command) else Command(c, cwd) for name, c in contenders.items()}
    samples: Samples = {name: [] for name in commands}
    for command in commands.values():
        timed(command)
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(timed(command))
    return samples


def alternate_calls(contenders: dict[str, Callable[[], object]], runs: int) -> Samples:
    """Seconds of each in-process call, alternating as `alternate` does."""
    samples: Samples = {name: [] for name in contenders}
    for call in contenders.values():  # one warm-up each (fonts loaded, code paths touched)
        call()
    for _ in range(runs):
        for name, call in contenders.items():
            start = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - start)
    return samples


def side_by_side(commands: Sequence[Command]) -> list[str]:
    """One bash command starting `commands` at once, on the same cores, and failing if any fails."""
    parts, waits = [], []
    for index, command in enumerate(commands):
        line = shlex.join(command.argv)
        if command.cwd is not None:
            line = f"cd {shlex.quote(str(command.cwd))} && {line}"
        parts.append(f"( {line} ) & p{index}=$!")
        waits.append(f"wait $p{index}")
    return ["bash", "-c", "; ".join(parts) + "; " + " && ".join(waits)]


@dataclass(frozen=True)
class Memory:
    """One run's memory: the largest single process (peak RSS), and all processes at once (peak PSS sum)."""

    largest_mb: float
    tree_mb: float
    at_peak: list[tuple[str, float]]  # each process of the tree when the sum peaked: (what it runs, MB)
    seconds: float


def memory_of(command: list[str], cwd: Path | None = None, interval: float = 0.02) -> Memory:
    """Peak memory of `command` and of every process it starts.

    The largest process's peak RSS comes from the kernel (wait4's rusage, as /usr/bin/time reports);
    the whole tree is sampled from /proc every `interval` seconds, as PSS, so pages shared between
    processes (a forked worker's) count once. The processes alive at the tree's peak are kept,
    to say where the memory is.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    names: dict[int, str] = {}
    peak, at_peak = 0, []
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        sizes = [(p, _pss_kb(p)) for p in _tree(process.pid)]
        total = sum(kb for _, kb in sizes)
        if total > peak:
            for p, _ in sizes:
                if p not in names:
                    names[p] = described(p)
            peak, at_peak = total, sizes
        time.sleep(interval)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    shown = [(names.get(p, "(gone)"), kb / 1024) for p, kb in at_peak if kb]
    return Memory(usage.ru_maxrss / 1024, peak / 1024, shown, elapsed)


def _tree(root: int) -> list[int]:
    """`root` and its descendants, from the parent ids in /proc/*/stat."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def described(pid: int) -> str:
    """A short name for a running process: the program and, for Python, what it runs."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return "(gone)"
    return describe_argv([a for a in argv if a])


def describe_argv(argv: list[str]) -> str:
    if not argv:
        return "(unknown)"
    program = Path(argv[0]).name
    rest = argv[1:]
    if program.startswith("python"):
        while rest and rest[0].startswith("-") and rest[0] not in ("-c", "-m"):
            rest = rest[1:]  # the interpreter's own flags (-B -s: a multiprocessing worker's)
    if program.startswith("python") and rest:
        if rest[0] == "-c":
            code = rest[1] if len(rest) > 1 else ""
            if "forkserver" in code or "multiprocessing" in code:
                return "python multiprocessing (fork server or worker)"
            return "python -c (" + ("WeasyPrint" if "weasyprint" in code else code[:30]) + ")"
        if rest[0] == "-m" and len(rest) > 1:
            return f"python -m {rest[1]}"
        program, rest = Path(rest[0]).name, rest[1:]
    if program == "briefgen":
        words = [word for word in rest if not word.startswith("-") and "/" not in word]
        return f"briefgen {words[0]}" if words else "briefgen"
    return program


def pdf_pages(path: Path) -> int:
    """Pages of a PDF, counted from the file."""
    from pypdf import PdfReader

    return len(PdfReader(path).pages)
