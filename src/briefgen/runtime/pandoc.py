"""Calling the Pandoc binary that ships in the pypandoc-binary wheel, offline and bounded."""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
import tempfile
from pathlib import Path

from briefgen.errors import BriefgenError


class PandocError(BriefgenError):
    """Pandoc failed (a bibliography it cannot read, a broken CSL file); the message is its own."""

    def __init__(self, message: str, what: str = "formatting citations"):
        super().__init__(f"{what} failed: {message}")


@functools.cache
def pandoc_path() -> str:
    """The Pandoc binary of the pypandoc-binary wheel, found without importing pypandoc (50 ms)."""
    configured = os.environ.get("PYPANDOC_PANDOC")
    if configured:
        return configured
    spec = importlib.util.find_spec("pypandoc")
    if spec is not None and spec.origin:
        shipped = Path(spec.origin).parent / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
        if shipped.is_file():
            return str(shipped)
    import pypandoc

    return pypandoc.get_pandoc_path()


@functools.cache
def pandoc_identity() -> str:
    """Which Pandoc binary runs (its size and date), so caches and fingerprints change when Pandoc does.

    Read from the file itself: asking `pandoc --version` would cost a process start on every build.
    """
    try:
        stat = Path(pandoc_path()).stat()
    except (OSError, RuntimeError):
        return "pandoc unknown"
    return f"pandoc {stat.st_size} {stat.st_mtime_ns}"


class PandocRun:
    """A Pandoc run started at once and read later, so other work (or other runs) overlap it.

    Input and output go through files in a private folder, never pipes, so a large document
    cannot stall Pandoc while nobody reads its output.
    """

    def __init__(
        self,
        text: str,
        args: list[str],
        files: dict[str, bytes] | None = None,
        timeout: float = 60,
        what: str = "formatting citations",
    ):
        """Start Pandoc on `text`; `files` are written beside the input, and `args` may name them as they are."""
        self.what, self.timeout = what, timeout
        self.folder = tempfile.TemporaryDirectory(prefix="briefgen-pandoc-")
        folder = Path(self.folder.name)
        for name, data in {**(files or {}), "input": text.encode("utf-8")}.items():
            (folder / name).write_bytes(data)
        self.output = folder / "output"
        self.errors = (folder / "errors").open("wb")
        try:
            self.process: subprocess.Popen | None = subprocess.Popen(
                [_absolute(pandoc_path()), *args, "-o", "output", "input"],
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self.errors,
            )
            self.failure: OSError | None = None
        except OSError as exc:
            self.process, self.failure = None, exc

    def result(self) -> str:
        """Pandoc's output, waiting for it; PandocError if it failed or took longer than the timeout."""
        try:
            if self.process is None:
                assert self.failure is not None
                raise PandocError(str(self.failure), self.what)
            try:
                code = self.process.wait(self.timeout)
            except subprocess.TimeoutExpired as exc:
                self.process.kill()
                self.process.wait()
                raise PandocError(str(exc), self.what) from exc
            self.errors.close()
            if code != 0:
                message = (Path(self.folder.name) / "errors").read_bytes().decode("utf-8", "replace").strip()
                raise PandocError(message, self.what)
            return self.output.read_bytes().decode("utf-8")
        finally:
            self.close()

    def close(self) -> None:
        """End the run if it is still going and remove its files."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.errors.close()
        self.folder.cleanup()


def _absolute(command: str) -> str:
    """A command given as a relative path still runs from another folder; a bare name is looked up in PATH."""
    return os.path.abspath(command) if os.sep in command else command


def run_pandoc(text: str, args: list[str], timeout: float = 60, what: str = "formatting citations") -> str:
    """Run pandoc on `text` with `args` and return its standard output."""
    try:
        result = subprocess.run(
            [pandoc_path(), *args],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PandocError(str(exc), what) from exc
    if result.returncode != 0:
        raise PandocError(result.stderr.decode("utf-8", "replace").strip(), what)
    return result.stdout.decode("utf-8")
