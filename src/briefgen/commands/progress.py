"""What `briefgen build` shows while it runs, so nobody stares at a silent terminal for seconds.

One line per output as soon as it is rendered (audience, format, pages, size, time): on a
terminal through rich, with a bar counting the outputs of an export (`--all`,
`--all-audiences`); in a pipe or a CI log as plain lines, each flushed at once so the log
shows progress live. `-q` shows nothing. Outputs are written together when the build ends
(see `write.publish`), so a line says "built", not "wrote".
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from briefgen.build import Output, Progress
from briefgen.diagnostics import relative_to
from briefgen.runtime.formats import format_named

if TYPE_CHECKING:
    from rich.console import Console


def output_line(output: Output, cwd: Path) -> str:
    """`built dist/demo/demo-boss.pdf: boss, PDF, 2 pages, 35 KiB, 1.4 s`."""
    details = [output.audience, format_named(output.format).label]
    if output.pages is not None:
        details.append(f"{output.pages} page{'s' * (output.pages != 1)}")
    details += [size_text(len(output.data)), f"{output.seconds:.1f} s"]
    return f"built {relative_to(output.path, cwd).as_posix()}: {', '.join(details)}"


def size_text(count: int) -> str:
    """A file's size as people read it: '35 KiB', '1.2 MiB' (never '0 KiB')."""
    if count < 1024 * 1024:
        return f"{max(1, round(count / 1024))} KiB"
    return f"{count / (1024 * 1024):.1f} MiB"


class PlainProgress(Progress):
    """A line per output, flushed at once: for pipes and CI logs."""

    def __init__(self, stream: IO[str], cwd: Path):
        self.stream, self.cwd = stream, cwd

    def finished(self, output: Output) -> None:
        self.stream.write(f"  {output_line(output, self.cwd)}\n")
        self.stream.flush()


class TerminalProgress(Progress):
    """A line per output above a bar that counts an export's outputs (the bar goes when the build ends)."""

    def __init__(self, console: Console, cwd: Path, bar: bool):
        self.console, self.cwd = console, cwd
        self.bar = None
        if bar:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self.task = self.bar.add_task("loading", total=None)  # a count once the outputs are planned
            self.bar.start()

    def planned(self, brief: str, outputs: int) -> None:
        if self.bar is not None:
            total = (self.bar.tasks[0].total or 0) + outputs
            self.bar.update(self.task, total=total, description=brief)

    def finished(self, output: Output) -> None:
        if self.bar is not None:  # counted first, so the bar redrawn under the line is up to date
            self.bar.advance(self.task)
        self.console.print(f"  {output_line(output, self.cwd)}", highlight=False, soft_wrap=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@contextlib.contextmanager
def build_progress(console: Console | None, quiet: bool, bar: bool, cwd: Path | None = None) -> Iterator[Progress]:
    """The display for one `briefgen build`: silent when quiet, rich on a terminal, plain lines otherwise."""
    cwd = cwd or Path.cwd()
    if quiet or console is None:
        yield Progress()
    elif console.is_terminal:
        shown = TerminalProgress(console, cwd, bar)
        try:
            yield shown
        finally:
            shown.close()
    else:
        yield PlainProgress(console.file, cwd)
