"""The exceptions a user can cause; each carries its exit code so the CLI needs no try/except."""

from __future__ import annotations

from pathlib import Path

import click

from briefgen.diagnostics import Diagnostics


class BriefgenError(click.ClickException):
    """Root of every error a user can cause: content errors exit 1."""

    exit_code = 1


class UsageError(BriefgenError):
    """A wrong option, an unknown brief or audience named on the command line: exit 2."""

    exit_code = 2


class ContentError(BriefgenError):
    """The workspace content has errors; the diagnostics say where and how to fix them."""

    def __init__(self, diagnostics: Diagnostics, root: Path | None = None, outcome: str = "nothing was written"):
        """`outcome` says what the command did not do, in its own terms ("nothing was listed")."""
        self.diagnostics = diagnostics
        self.root = root
        lines = [d.format(root) for d in diagnostics.sorted() if d.severity.value != "note"]
        errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
        if errors:
            lines.append(f"{errors} error{'s' if errors != 1 else ''} found; {outcome}.")
        else:
            lines.append(f"{warnings} warning{'s' if warnings != 1 else ''} treated as errors (--strict); {outcome}.")
        super().__init__("\n".join(lines))

    def format_message(self) -> str:
        return self.message
