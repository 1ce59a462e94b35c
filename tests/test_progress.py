"""Progress people can see: a line per output as it is rendered, live in a pipe, a bar on a terminal, -q silent."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT
from rich.console import Console

from briefgen.build import BuildOptions, Output, Progress, build
from briefgen.cli import cli
from briefgen.commands.progress import build_progress

LINE = re.compile(
    r"  built dist/demo/demo-(boss|reader|public)\.(pdf|docx): \w+, (PDF, \d+ pages?|Word), \d+ KiB, \d+\.\d s"
)


class Recorder(Progress):
    """Notes what the build has published (its manifest) each time it reports an output."""

    def __init__(self, manifest: Path):
        self.manifest = manifest
        self.planned_outputs: list[tuple[str, int]] = []
        self.seen: list[tuple[str, str, bool, str]] = []

    def planned(self, brief: str, outputs: int) -> None:
        self.planned_outputs.append((brief, outputs))

    def finished(self, output: Output) -> None:
        thread = "main" if threading.current_thread() is threading.main_thread() else "pool"
        self.seen.append((output.audience, output.format, self.manifest.exists(), thread))


def test_each_output_is_reported_as_it_is_rendered_before_anything_is_written(minimal: Path):
    recorder = Recorder(minimal / "dist/demo/manifest.json")
    result = build(minimal, BuildOptions(all_audiences=True, formats=("pdf", "docx"), jobs=2), recorder)
    assert recorder.planned_outputs == [("demo", 6)]
    assert sorted((a, f) for a, f, _, _ in recorder.seen) == sorted((o.audience, o.format) for o in result.outputs)
    assert not any(published for _, _, published, _ in recorder.seen)  # all reported before the build published
    assert {thread for *_, thread in recorder.seen} == {"main", "pool"}  # workers' outputs too, as they arrive
    assert all(o.seconds > 0 for o in result.outputs)
    assert all(e["seconds"] >= 0 for e in result.manifest["outputs"])


def piped_build(tmp_path: Path) -> tuple[Path, subprocess.Popen[str]]:
    """A copy of the minimal workspace, and `briefgen build` of all its audiences writing into a pipe."""
    ws = tmp_path / "ws"
    shutil.copytree(ROOT / "tests/fixtures/minimal", ws)
    command = [sys.executable, "-m", "briefgen", "build", "--all-audiences", "-f", "pdf", "-f", "docx", "-j", "1"]
    return ws, subprocess.Popen(command, cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_a_pipe_reads_each_line_while_the_build_still_runs(tmp_path: Path):
    ws, process = piped_build(tmp_path)
    assert process.stdout is not None and process.stderr is not None
    try:  # progress is on stderr; stdout carries only results (none without --json)
        first = process.stderr.readline()
        # The outputs are published together at the end: the first line came before any of them.
        assert not (ws / "dist/demo/manifest.json").exists(), "the first progress line came only at the end"
        assert LINE.fullmatch(first.rstrip("\n")), first
        rest = process.stderr.read().splitlines()
    finally:
        process.wait(120)
    assert process.returncode == 0, rest
    assert process.stdout.read() == ""
    assert len(rest) == 6 and all(LINE.fullmatch(line) for line in rest[:5]), rest
    assert rest[5] == "demo: built 6 files in dist/demo; 0 warnings"


def test_quiet_shows_nothing(minimal: Path):
    result = CliRunner().invoke(cli, ["-w", str(minimal), "build", "-a", "boss", "-f", "pdf", "-q"])
    assert result.exit_code == 0 and result.output == ""


def test_a_terminal_gets_the_same_lines_and_a_bar(minimal: Path):
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120, color_system=None)
    with build_progress(console, quiet=False, bar=True, cwd=minimal) as progress:
        build(minimal, BuildOptions(all_audiences=True, formats=("html",), jobs=1), progress)
    shown = screen.getvalue()
    for audience in ("boss", "reader", "public"):
        assert f"built dist/demo/demo-{audience}.html: {audience}, HTML, " in shown
    assert "3/3" in shown  # the bar counted every output


@pytest.mark.slow
def test_a_reader_that_leaves_early_does_not_cost_the_build(tmp_path: Path):
    """`briefgen build 2>&1 | head -1`: the pipe closes after one line; every output is still published."""
    ws, process = piped_build(tmp_path)
    assert process.stderr is not None and process.stdout is not None
    assert LINE.fullmatch(process.stderr.readline().rstrip("\n"))
    process.stderr.close()  # as `head -1` does
    process.wait(120)
    assert process.returncode == 141 and process.stdout.read() == ""  # as a program ended by SIGPIPE
    built = sorted(p.name for p in (ws / "dist/demo").iterdir())
    assert built.count("manifest.json") == 1 and len([n for n in built if n.endswith((".pdf", ".docx"))]) == 6
