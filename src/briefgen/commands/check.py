"""`briefgen check`: every problem of a workspace (and, asked, PDF and Word compared), and the verdict line.

The command line prints what these return; a script can call them for the same answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from briefgen.diagnostics import Diagnostics, codes
from briefgen.document.workspace import open_workspace
from briefgen.model import Workspace
from briefgen.render.overrides import check_template_overrides


def open_checked(root: Path | None, brief: str | None) -> tuple[Workspace, Diagnostics]:
    """The workspace (or one brief of it) with every check `briefgen check` runs, templates included."""
    return open_workspace(root, brief, check_templates=check_template_overrides)


def parity_problems(ws: Workspace, brief: str | None, diags: Diagnostics) -> Iterator[str]:
    """Build PDF and Word of each brief for every audience and compare them; each difference is an error."""
    from briefgen.build.parity import check_parity

    for name in [brief] if brief else list(ws.briefs):
        for problem in check_parity(ws.root, name):
            message = f"{name}: PDF and Word differ: {problem}"
            diags.error(codes.PARITY, message)
            yield f"error: {message} [{codes.PARITY}]"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def verdict(ws: Workspace, diags: Diagnostics, strict: bool, parity: bool) -> tuple[bool, str]:
    """(failed, the line that says so): 'check failed: 2 errors, 1 warning' or 'ok: 1 brief, ...'."""
    errors, warnings = len(diags.errors), len(diags.warnings)
    if diags.has_errors(strict):
        line = f"check failed: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
        return True, line + (" (--strict)" if strict and not errors else "")
    blocks = sum(len(b.blocks) for b in ws.briefs.values())
    return False, (
        f"ok: {_plural(len(ws.briefs), 'brief')}, {len(ws.audiences)} audiences, "
        f"{blocks} blocks checked{'; PDF and Word match' if parity else ''}; {_plural(warnings, 'warning')}"
    )
