"""Shared fixtures: the repository's own workspace, small fixture workspaces, and real builds."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from briefgen.build import BuildOptions, build

CHECKOUT = Path(__file__).resolve().parent.parent
_COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "dist",
    "__pycache__",
    "*.egg-info",
    ".pytest_cache",
    ".hypothesis",
    ".mypy_cache",
    ".ruff_cache",
    "mutants",
    ".mutation",
)


def _private_checkout() -> Path:
    """A copy of the checkout (workspace, fixtures, docs, scripts) that tests read and build from.

    Builds and checks write caches beside the workspace they read (`dist/.briefgen-cache/`), so
    tests work on this copy, made once per test process, and never write into the checkout.
    """
    _sweep_abandoned_copies()
    copy = Path(tempfile.mkdtemp(prefix=f"briefgen-tests-{os.getpid()}-")) / "checkout"
    shutil.copytree(CHECKOUT, copy, ignore=_COPY_IGNORE, symlinks=True)
    atexit.register(shutil.rmtree, copy.parent, True)
    return copy


def _sweep_abandoned_copies() -> None:
    """Remove copies left by test processes that ended without running `atexit` (killed, or forked
    by mutmut and left with `os._exit`): each copy's name carries the id of the process that made it."""
    if not Path("/proc/self").exists():  # no way to tell a live process here (Windows, macOS)
        return
    for folder in Path(tempfile.gettempdir()).glob("briefgen-tests-*-*"):
        pid = folder.name.split("-")[2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


if "MUTANT_UNDER_TEST" in os.environ:
    # mutmut loads its mutants into this process only; build workers would import briefgen afresh and
    # render with the code as it was, hiding the mutant. With one core a build renders in this process.
    os.cpu_count = lambda: 1
    # and it forks one process per mutant from one that has drawn charts: see tests/fresh_process.py
    import vl_convert
    from fresh_process import vegalite_to_svg

    vl_convert.vegalite_to_svg = vegalite_to_svg

ROOT = _private_checkout()
set_hypothesis_home_dir(ROOT.parent / ".hypothesis")  # Hypothesis's own files, outside the checkout
settings.register_profile("briefgen", database=None)
settings.load_profile("briefgen")
FIXTURES = ROOT / "tests" / "fixtures"


def shared(scope: str):
    """A fixture scope: `scope` in a normal run, one test under mutation testing.

    mutmut runs, for each mutant, only the tests it saw run the mutated code; a build made once
    for a whole module is seen only by the module's first test, so under mutmut each test makes
    its own, and every test that reads it is run against the mutants it could kill.
    """

    def choose(fixture_name: str, config) -> str:
        return "function" if "MUTANT_UNDER_TEST" in os.environ else scope

    return choose


def copy_fixture(name: str, dest: Path) -> Path:
    """A private copy of a fixture workspace that a test may edit: its files, not the outputs and caches
    that a test reading the fixture in place may be writing at that moment (`dist/`)."""
    target = dest / name
    shutil.copytree(FIXTURES / name, target, ignore=shutil.ignore_patterns("dist", ".briefgen-cache"))
    return target


def copy_repo_workspace(dest: Path) -> Path:
    """A private copy of the repository's own workspace (settings, briefs, styles): no output, no caches."""
    dest.mkdir(parents=True)
    for name in ("briefgen.yaml", "audiences.yaml"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("briefs", "styles", "templates", "assets"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name)
    return dest


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    return copy_fixture("minimal", tmp_path)


def built_once(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder `make` fills once per run, however many test processes (pytest-xdist workers) ask for it.

    Workers share the parent of their temporary folders; the first to ask builds under a lock, the
    others wait for it and read the same files. Tests treat these folders as read-only.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        out = tmp_path_factory.mktemp(name)
        make(out)
        return out
    out = tmp_path_factory.getbasetemp().parent / f"shared-{name}"
    with FileLock(f"{out}.lock"):
        if not (out / ".complete").exists():
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            make(out)
            (out / ".complete").touch()
    return out


EVERY_FORMAT = ("pdf", "docx", "html", "md")


def _build_into(root: Path, **options) -> Callable[[Path], None]:
    return lambda out: build(root, BuildOptions(all_audiences=True, out_dir=out, **options))


@pytest.fixture(scope=shared("session"))
def default_build(tmp_path_factory) -> Path:
    """The default brief built once for every audience, in every format."""
    return built_once(tmp_path_factory, "dist", _build_into(ROOT, formats=EVERY_FORMAT)) / "japan-russia"


@dataclass(frozen=True)
class FixtureBuild:
    """A fixture workspace built for every audience in every format: read-only, shared by every test."""

    root: Path  # the workspace (a copy of tests/fixtures/<name>)
    out: Path  # its outputs, `<out>/<brief>/<brief>-<audience>.<ext>` (the workspace's own `dist/`)


@pytest.fixture(scope=shared("session"))
def fixture_build(tmp_path_factory) -> Callable[[str], FixtureBuild]:
    """`fixture_build("trust")`: that fixture workspace built once per run, however many modules and
    workers read it. Tests that only read outputs share these builds instead of making their own."""

    def built(name: str) -> FixtureBuild:
        def make(out: Path) -> None:
            root = copy_fixture(name, out)
            build(root, BuildOptions(all_audiences=True, formats=EVERY_FORMAT))

        root = built_once(tmp_path_factory, f"fixture-{name}", make) / name
        return FixtureBuild(root, root / "dist")

    return built


@pytest.fixture(scope=shared("session"))
def minimal_build(fixture_build) -> Path:
    """The minimal fixture built for every audience."""
    return fixture_build("minimal").out / "demo"


@pytest.fixture(scope=shared("session"))
def default_build_md(default_build: Path) -> Path:
    """The default brief as Pandoc Markdown (and the other formats), for every audience."""
    return default_build


# ---------------------------------------------------------------- the checkout stays as it was

_NOT_WATCHED = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", "mutants", ".mutation"}


def _snapshot() -> dict[str, tuple[int, int]]:
    """Every file of the checkout (its size and modification time), build tools' own folders aside."""
    found = {}
    for path in CHECKOUT.rglob("*"):
        parts = path.relative_to(CHECKOUT).parts
        if _NOT_WATCHED & set(parts) or any(p.endswith(".egg-info") for p in parts) or not path.is_file():
            continue
        stat = path.stat()
        found[path.relative_to(CHECKOUT).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


def pytest_sessionstart(session) -> None:
    # the controller (or a run without xdist); mutmut runs the tests in its own copy, `mutants/`
    if not hasattr(session.config, "workerinput") and "MUTANT_UNDER_TEST" not in os.environ:
        session.config._checkout_before = _snapshot()


def pytest_sessionfinish(session, exitstatus) -> None:
    """Fail the run when a test wrote, changed or removed a file of the checkout."""
    before = getattr(session.config, "_checkout_before", None)
    if before is None:
        return
    after = _snapshot()
    touched = sorted(
        {p for p in after.keys() - before.keys()}
        | {p for p in before.keys() - after.keys()}
        | {p for p in before.keys() & after.keys() if before[p] != after[p]}
    )
    if touched:
        listing = "\n  ".join(touched[:20])
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(f"ERROR: the tests wrote into the checkout; write under tmp_path instead:\n  {listing}")
        session.exitstatus = 1


# ---------------------------------------------------------------- no silent skips in CI

# The only skips a CI run accepts, each with the reason it is acceptable. Everywhere else (CI=true
# on Linux, where every system package is installed by scripts/system-deps.sh) a skip fails the run.
CI_SKIPS_ALLOWED = {
    "needs Linux /proc": "the Windows job runs the tests that render nothing; Linux jobs run this one",
    "needs root and a mountable tmpfs": "GitHub's Linux runners are not root; .ci/run is",
}


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """In CI, list every skip and fail the run for one whose reason is not on the allow-list."""
    import sys

    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped or os.environ.get("CI", "").lower() not in ("true", "1"):
        return
    reasons = [(r.nodeid, str(r.longrepr[2]) if isinstance(r.longrepr, tuple) else str(r.longrepr)) for r in skipped]
    allowed_here = CI_SKIPS_ALLOWED if (sys.platform != "linux" or os.geteuid() != 0) else {}
    refused = [(n, why) for n, why in reasons if not any(key in why for key in allowed_here)]
    terminalreporter.section("skips")
    for nodeid, why in reasons:
        terminalreporter.write_line(f"{nodeid}: {why}")
    if refused:
        terminalreporter.write_line(
            f"{len(refused)} test(s) skipped in CI without an allowed reason (CI_SKIPS_ALLOWED)"
        )
        terminalreporter._session.exitstatus = 1
