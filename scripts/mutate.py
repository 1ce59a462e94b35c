"""Mutation testing by groups: each group of modules against the tests written for it (`make mutate`).

mutmut runs, for each mutant, the tests it saw run the mutated function. Over the whole suite
that is every build test that passes through a module (a mutant of the manifest writer would
be judged by dozens of full builds), so one run takes hours. Here each group in
`[tool.briefgen.mutation]` of pyproject.toml names its modules and the tests that check them;
each runs in a copy of the checkout under `.mutation/<group>/`, and the kill rates of all groups
are reported together by scripts/mutation_report.py.

    python scripts/mutate.py [GROUP ...] [--max-children N]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"
_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", ".mutation", "mutants", "dist", "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis"
)


def groups() -> dict[str, dict[str, list[str]]]:
    """The groups of pyproject.toml: name -> {"modules": [...], "tests": [...]}."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["briefgen"]["mutation"]


def prepare(name: str, group: dict[str, list[str]]) -> Path:
    """A fresh copy of the checkout whose mutmut settings mutate the group's modules with its tests."""
    folder = WORK / name
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT, folder, ignore=_IGNORE, symlinks=True)
    settings = folder / "pyproject.toml"
    text = settings.read_text(encoding="utf-8")
    text = _set_list(text, "only_mutate", [f"src/briefgen/{m}" for m in group["modules"]])
    text = _set_list(text, "pytest_add_cli_args_test_selection", group["tests"])
    settings.write_text(text, encoding="utf-8")
    return folder


def _set_list(text: str, key: str, values: list[str]) -> str:
    listed = "[" + ", ".join(f'"{v}"' for v in values) + "]"
    changed, count = re.subn(rf"^{key} = \[.*?\]", lambda _m: f"{key} = {listed}", text, count=1, flags=re.M | re.S)
    if count != 1:
        raise SystemExit(f"pyproject.toml has no '{key} = [...]' under [tool.mutmut]")
    return changed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", help="groups to run (default: all)")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    known = groups()
    unknown = [g for g in args.groups if g not in known]
    if unknown:
        parser.error(f"unknown group {', '.join(unknown)}; the groups are {', '.join(known)}")
    mutmut = Path(sys.executable).with_name("mutmut")
    for name in args.groups or known:
        folder = prepare(name, known[name])
        sys.stderr.write(f"mutation group {name}: {', '.join(known[name]['modules'])}\n")
        run = subprocess.run([str(mutmut), "run", "--max-children", str(args.max_children)], cwd=folder)
        if run.returncode not in (0, 1):  # mutmut exits 1 when mutants survive; the report judges them
            return run.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
