"""Kill rates per module from a finished `mutmut run`, and a verdict against the target.

Reads mutmut's results (`.mutation/<group>/mutants/**/*.py.meta` from scripts/mutate.py, or
`mutants/` after a plain `mutmut run`), leaves out the mutants docs/testing.md lists as
equivalent (a line "- `name`: why it changes nothing a reader could see"), prints one row per
module and each survivor's name (`mutmut show NAME` shows its change), and exits 1 when a module
kills fewer than TARGET of its mutants. A mutant no test runs counts as a survivor.

    python scripts/mutation_report.py [--markdown]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

TARGET = 0.85
# failed tests, pytest's internal error, timeouts, caught by the type check, and a crashed test process
# (the exit codes of mutmut/stats.py): each is a run that a real change would have made fail
KILLED = {1, 3, 36, 37, -24, 24, 152, 255, -11, -9}
ROOT = Path.cwd()  # where mutmut ran: the repository root


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def equivalent_mutants(doc: Path = ROOT / "docs" / "testing.md") -> set[str]:
    """Names of the mutants docs/testing.md explains as equivalent."""
    if not doc.is_file():
        return set()
    return set(re.findall(r"^- `([\w.]+__mutmut_\d+)`:", doc.read_text(encoding="utf-8"), re.M))


def results(root: Path = ROOT) -> dict[str, dict[str, int | None]]:
    """Exit code per mutant, by module (`src/briefgen/document/select.py`), from every group's run."""
    folders = sorted((root / ".mutation").glob("*/mutants")) or [root / "mutants"]
    found: dict[str, dict[str, int | None]] = {}
    for mutants in folders:
        for meta in sorted(mutants.rglob("*.py.meta")):
            module = meta.relative_to(mutants).as_posix().removesuffix(".meta")
            codes = json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {})
            found.setdefault(module, {}).update(codes)
    return found


def report(markdown: bool = False) -> int:
    equivalent = equivalent_mutants()
    failing = 0
    rows = []
    survivors: list[str] = []
    for module, codes in results().items():
        counted = {name: code for name, code in codes.items() if name not in equivalent and code != 34}
        if not counted:
            continue
        killed = sum(1 for code in counted.values() if code in KILLED)
        left = sorted(name for name, code in counted.items() if code not in KILLED)
        rate = killed / len(counted)
        failing += rate < TARGET
        rows.append((module, len(counted), killed, len(codes) - len(counted), rate))
        survivors += left
    if markdown:
        say("| module | mutants | killed | equivalent or skipped | kill rate |")
        say("|---|---:|---:|---:|---:|")
        for module, total, killed, excluded, rate in rows:
            say(f"| `{module}` | {total} | {killed} | {excluded} | {rate:.0%} |")
    else:
        for module, total, killed, excluded, rate in rows:
            verdict = "ok" if rate >= TARGET else f"below {TARGET:.0%}"
            say(f"{module}: {killed}/{total} killed ({rate:.0%}), {excluded} equivalent or skipped: {verdict}")
        for name in survivors:
            say(f"  survived: {name}")
    if not rows:
        sys.stderr.write("no mutation results: run 'make mutate' first\n")
        return 1
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(report(markdown="--markdown" in sys.argv[1:]))
