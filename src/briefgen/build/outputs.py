"""What a build is asked for and what it hands back: options, outputs, results, and the progress hooks.

These are the build's vocabulary, shared by its stages and by the commands that call it; they
hold data and do no work, so every other module of the build can import them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.diagnostics import Diagnostics
from briefgen.model import Brief
from briefgen.render import Layout
from briefgen.runtime import formats
from briefgen.runtime.files import sha256

FORMATS: tuple[str, ...] = tuple(formats.FORMATS)  # the names, in order: what `-f` accepts


@dataclass(frozen=True)
class BuildOptions:
    """What to build; None means 'as briefgen.yaml says'."""

    brief: str | None = None
    audiences: tuple[str, ...] = ()
    all_audiences: bool = False
    formats: tuple[str, ...] | None = None
    out_dir: Path | None = None
    drafts: bool = False
    strict: bool = False
    force: bool = False  # rebuild outputs whose inputs did not change
    jobs: int | None = None  # worker processes; None: one per core
    changes_since: str | None = None  # also a redline of each output against this issued version


@dataclass
class Output:
    """One file the build produced, as the manifest records it."""

    audience: str
    format: str
    path: Path
    data: bytes = field(repr=False)
    pages: int | None
    words: int
    blocks: list[str]
    warnings: list[str]
    draft: bool
    inputs: str = ""
    seconds: float = 0.0  # how long rendering it took (for progress and for planning export shards)
    text: str = field(default="", repr=False)  # a PDF's text as laid out, in logical order (checks/parity.py)
    changes_since: str = ""  # a redline's: the issued version its changes are tracked against

    def manifest_entry(self, out_dir: Path) -> dict:
        entry = {
            "audience": self.audience,
            "format": self.format,
            "path": self.path.relative_to(out_dir).as_posix(),
            "bytes": len(self.data),
            "sha256": sha256(self.data),
            "words": self.words,
            "blocks": self.blocks,
            "warnings": self.warnings,
            "draft": self.draft,
            "inputs": self.inputs,
            "seconds": round(self.seconds, 2),
        }
        if self.pages is not None:
            entry["pages"] = self.pages
        if self.changes_since:
            entry["changes_since"] = self.changes_since
        return entry


@dataclass
class BuildResult:
    brief: str
    out_dir: Path
    outputs: list[Output]
    diagnostics: Diagnostics
    manifest: dict
    up_to_date: list[dict] = field(default_factory=list)


@dataclass
class Rendered:
    """Everything a build produced in memory, before anything is written."""

    brief: Brief
    out_dir: Path
    outputs: list[Output]
    diagnostics: Diagnostics
    sidecars: dict[Path, bytes] = field(default_factory=dict)
    up_to_date: list[dict] = field(default_factory=list)  # manifest entries left as they were
    every_audience: set[str] | None = None  # set when the build covered all of the brief's audiences
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # source_map, hashed as read
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)  # figure_map, hashed as read
    layouts: list[tuple[Path, str, Layout, Path]] = field(default_factory=list)  # for keep_layout, once published


class Progress:
    """What a build tells its caller while it runs; the command line shows it (see `briefgen.commands.progress`).

    Both hooks may be called from another thread than the build's (a worker's result arrives on
    the pool's thread); `Session` calls them one at a time.
    """

    def planned(self, brief: str, outputs: int) -> None:
        """`outputs` files of `brief` are about to be rendered (the others are up to date)."""

    def finished(self, output: Output) -> None:
        """One output is rendered (it is written, with all the others, when the build ends)."""
