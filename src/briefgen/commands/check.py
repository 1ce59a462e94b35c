"""`briefgen check`: every problem of a workspace (and, asked, PDF and Word compared, or the built
outputs checked for accessibility), and the verdict line.

The command line prints what these return; a script can call them for the same answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.document.workspace import open_workspace
from briefgen.model import Brief, Workspace
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


_FORMAT_CODES = {".pdf": codes.ACCESSIBILITY_PDF, ".docx": codes.ACCESSIBILITY_WORD, ".html": codes.ACCESSIBILITY_HTML}


def accessibility_problems(
    ws: Workspace, brief: str | None, diags: Diagnostics, out: Path | None = None, with_axe: bool = True
) -> int:
    """Check the built PDF, Word and HTML outputs of each brief (or `brief`); each finding is a diagnostic.

    A finding in a block's words is reported at the line of the block's file; one in what briefgen
    itself wrote, at the output. A brief with nothing built is an error when it is asked for, or
    when no brief was built; otherwise it is passed over. Returns how many outputs were checked.
    """
    from briefgen.build import output_folder
    from briefgen.build.accessibility import check_built

    checked = 0
    unbuilt = []
    for name in [brief] if brief else list(ws.briefs):
        found = check_built(output_folder(ws, name, out), with_axe, ws.briefs[name].folder)
        at_brief = Location(ws.briefs[name].path)
        if not found.outputs:
            unbuilt.append((name, found.folder, at_brief))
            continue
        if found.changed:
            others = len(found.changed) - 1
            message = (
                f"{name}: the outputs in {found.folder} were built before {found.changed[0]}"
                f"{f' and {others} other file' + 's' * (others != 1) if others else ''} changed: build again, "
                "or the findings may point at text that is no longer there"
            )
            diags.warning(codes.ACCESSIBILITY_STALE, message, at_brief)
        if found.without_axe and found.without_axe != "not asked for":
            message = f"{name}: the HTML outputs were not checked with axe-core: {found.without_axe}"
            diags.warning(codes.ACCESSIBILITY_NO_BROWSER, message, at_brief)
        for path, findings in found.outputs.items():
            checked += 1
            for finding in findings:
                _report_finding(ws.briefs[name], path, finding, diags)
    # a brief never built is an error when it is named, or when no brief at all was built
    for name, folder, at_brief in unbuilt if brief or not checked else []:
        message = (
            f"{name}: nothing built to check in {folder}: build it first (briefgen build {name} -f pdf -f docx "
            "-f html), or, if it was built with -o DIR, give the same DIR with --out"
        )
        diags.error(codes.ACCESSIBILITY_NOT_BUILT, message, at_brief)
    return checked


def _report_finding(brief: Brief, path: Path, finding, diags: Diagnostics) -> None:
    from briefgen.build.accessibility import where

    block = next((b for b in brief.blocks if b.id == finding.block), None) if finding.block else None
    page = f", page {finding.page}" if finding.page else ""
    inside = f" in block '{block.id}'" if block is not None else ""
    message = f"{path.name}{page}:{inside}{':' if inside else ''} {finding.message} [{finding.rule}]"
    location = where(block, finding.text) if block is not None else Location(path)
    level = "error" if finding.serious else "warning"
    diags.add(level, _FORMAT_CODES.get(path.suffix, codes.ACCESSIBILITY_HTML), message, location)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def verdict(
    ws: Workspace, diags: Diagnostics, strict: bool, parity: bool, accessible: int | None = None
) -> tuple[bool, str]:
    """(failed, the line that says so): 'check failed: 2 errors, 1 warning' or 'ok: 1 brief, ...'."""
    errors, warnings = len(diags.errors), len(diags.warnings)
    if diags.has_errors(strict):
        line = f"check failed: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
        return True, line + (" (--strict)" if strict and not errors else "")
    blocks = sum(len(b.blocks) for b in ws.briefs.values())
    checked = "; PDF and Word match" if parity else ""
    if accessible is not None:
        checked += f"; {_plural(accessible, 'output')} accessible"
    return False, (
        f"ok: {_plural(len(ws.briefs), 'brief')}, {len(ws.audiences)} audiences, "
        f"{blocks} blocks checked{checked}; {_plural(warnings, 'warning')}"
    )
