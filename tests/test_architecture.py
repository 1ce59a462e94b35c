"""The code's shape holds: layers point one way, no import cycles, the top level holds only the core.

The layers are written down once, in `pyproject.toml` (`[tool.importlinter]`), and described in
docs/architecture.md; these tests run import-linter on them, look for cycles with a second reader
(grimp's import graph, walked here), and keep dead code out with vulture.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest
from conftest import ROOT

SRC = ROOT / "src" / "briefgen"
TOP_LEVEL = {"__init__.py", "__main__.py", "cli.py", "model.py", "errors.py"}  # and packages only
LAYERS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]["layers"]


def _tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def test_import_linter_contracts_are_kept():
    result = subprocess.run(
        [_tool("lint-imports"), str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_package_is_on_a_floor():
    """A new package must be placed in the layers, or the contract would not see it."""
    placed = {name.strip().removeprefix("briefgen.") for floor in LAYERS for name in floor.split("|")}
    packages = {p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    modules = {p.stem for p in SRC.glob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    assert packages | modules <= placed, sorted((packages | modules) - placed)


def test_the_top_level_holds_only_the_command_line_the_model_errors_and_packages():
    loose = {p.name for p in SRC.glob("*.py")} - TOP_LEVEL
    assert loose == set(), sorted(loose)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each an import cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_back_through_others():
    """No cycle between modules, type-checking imports included (package `__init__`s re-exporting aside)."""
    graph = grimp.build_graph("briefgen", exclude_type_checking_imports=False, cache_dir=None)  # no .grimp_cache
    for package in [m for m in graph.modules if (SRC.parent / (m.replace(".", "/") + "/__init__.py")).is_file()]:
        # a package imports its own modules to re-export them; that is not a cycle of the code
        for child in graph.find_children(package):
            if graph.direct_import_exists(importer=package, imported=child):
                graph.remove_import(importer=package, imported=child)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(name)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.b")
    graph.add_import(importer="a.d", imported="a.b")
    assert _cycles(graph) == [["a.b", "a.c"]]


@pytest.mark.parametrize("floor", range(len(LAYERS) - 1))
def test_a_lower_floor_importing_a_higher_one_is_refused(tmp_path, floor):
    """The contract is live: a planted import from a lower floor to the floor above it breaks it."""
    config = (ROOT / "pyproject.toml").read_text()
    lower = LAYERS[floor + 1].split("|")[0].strip()
    upper = LAYERS[floor].split("|")[0].strip()
    package = tmp_path / "src"
    package.mkdir()
    subprocess.run(["cp", "-r", str(SRC), str(package)], check=True)
    target = package / Path(*lower.split("."))
    planted = (target / "__init__.py") if target.is_dir() else target.with_suffix(".py")
    planted.write_text(planted.read_text() + f"\nimport {upper}  # planted\n")
    (tmp_path / "pyproject.toml").write_text(config)
    result = subprocess.run(
        [_tool("lint-imports"), str(tmp_path / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(package), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1, result.stdout
    assert f"{lower} is not allowed to import {upper}" in result.stdout


def test_vulture_finds_no_dead_code():
    result = subprocess.run(
        [_tool("vulture"), str(SRC), str(ROOT / "scripts" / "vulture_allow.py"), "--min-confidence", "80"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# The registry of diagnostic codes is one table of data, an entry per code: long by nature.
# Catalogues, one entry after another: every diagnostic code; every node of the model (the writing
# language, the loaded workspace and the document a renderer receives), kept in one place.
LONG_BY_NATURE = {"diagnostics/codes.py", "model.py"}


def test_modules_and_functions_stay_small_enough_to_read():
    """About 500 lines a module (600 at most) and 60 a function: a module of one job, a function of one step."""
    import ast

    long_modules, long_functions = [], []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > 600 and name not in LONG_BY_NATURE:
            long_modules.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
                if node.end_lineno - node.lineno + 1 > 60:
                    long_functions.append(f"{name}:{node.lineno} {node.name}")
    assert long_modules == []
    assert long_functions == []
