"""Problems found in a workspace, each tied to a file position, collected so one run reports all.

Every problem carries a code from the registry in `briefgen.diagnostics.codes` (`codes.BUDGET_PAGES`),
which gives its severity, a summary and the fix (`briefgen explain CODE`, docs/diagnostics.md).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefgen.diagnostics.codes import Code

log = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class Location:
    """Where a value came from: a file and a 1-based line and column."""

    path: Path
    line: int = 0
    column: int = 0

    def display(self, root: Path | None = None) -> str:
        path = self.path
        if root is not None:
            path = relative_to(path, root)
        text = path.as_posix()
        if self.line:
            text += f":{self.line}"
            if self.column:
                text += f":{self.column}"
        return text


def relative_to(path: Path, root: Path) -> Path:
    """`path` from `root` as written (a link shows its own name), else with links followed, else as it is."""
    for candidate, base in ((path, root), (_resolved(path), _resolved(root))):
        if candidate is not None and base is not None and candidate.is_relative_to(base):
            return candidate.relative_to(base)
    return path


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link loop
        return None


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # information for the editor; never fails a check


def code_name(code: Code | str) -> str:
    """The name a report prints for `code`: a `Code` of the registry, or (for now) its name.

    An unregistered name, or a `Code` made outside the registry, is a bug in briefgen: ValueError.
    """
    from briefgen.diagnostics.codes import CODES, Code

    name = code.name if isinstance(code, Code) else code
    registered = CODES.get(name) if isinstance(name, str) else None
    if registered is None or (isinstance(code, Code) and code is not registered):
        raise ValueError(f"diagnostic code {name!r} is not in the registry: declare it in diagnostics/codes.py")
    return registered.name


@dataclass(frozen=True)
class Diagnostic:
    """One problem: what is wrong, where, and a stable code that tests and docs can name.

    `code` is given as a `Code` of `briefgen.diagnostics.codes` (or its registered name) and kept as the name.
    """

    severity: Severity
    code: str
    message: str
    location: Location | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", code_name(self.code))

    def format(self, root: Path | None = None) -> str:
        where = f"{self.location.display(root)}: " if self.location else ""
        return f"{where}{self.severity.value}: {self.message} [{self.code}]"


@dataclass
class Diagnostics:
    """A collector the stages append to; the caller decides when to stop."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, code: Code | str, message: str, location: Location | None = None) -> None:
        self.items.append(Diagnostic(Severity.ERROR, code, message, location))

    def warning(self, code: Code | str, message: str, location: Location | None = None) -> None:
        self.items.append(Diagnostic(Severity.WARNING, code, message, location))

    def note(self, code: Code | str, message: str, location: Location | None = None) -> None:
        self.items.append(Diagnostic(Severity.NOTE, code, message, location))

    def add(self, level: str, code: Code | str, message: str, location: Location | None = None) -> None:
        """A diagnostic whose severity is data ('error', 'warning' or 'note'), as parse problems carry it."""
        self.items.append(Diagnostic(Severity(level), code, message, location))

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity is Severity.WARNING]

    def has_errors(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        """Stable order for reading: by file, then position, errors and warnings interleaved."""

        def key(d: Diagnostic) -> tuple:
            loc = d.location
            return (str(loc.path) if loc else "", loc.line if loc else 0, loc.column if loc else 0)

        seen: set[Diagnostic] = set()
        unique = []
        for d in sorted(self.items, key=key):
            if d not in seen:
                seen.add(d)
                unique.append(d)
        return unique

    def __len__(self) -> int:
        return len(self.items)


def diagnostic_json(d: Diagnostic, root: Path | None = None) -> dict[str, Any]:
    """One diagnostic for scripts: the same keys always, `null` where a value is unknown."""
    loc = d.location
    return {
        "severity": d.severity.value,
        "code": d.code or None,
        "message": d.message,
        "path": shown_path(loc.path, root) if loc else None,
        "line": (loc.line or None) if loc else None,
        "column": (loc.column or None) if loc else None,
    }


def shown_path(path: Path, root: Path | None) -> str:
    """`path` as a message shows it: from `root` when inside it, with '/' between names."""
    return (relative_to(path, root) if root is not None else path).as_posix()


# GitHub's annotation levels for briefgen's severities (a note is GitHub's "notice").
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def github_annotation(d: Diagnostic, root: Path | None = None) -> str:
    """The diagnostic as a GitHub Actions workflow command, so it shows on the pull request's line.

    File paths are taken from `$GITHUB_WORKSPACE` (the checkout) when the file lies inside it,
    else from `root`: GitHub places an annotation by the path within the repository.
    """
    properties = []
    loc = d.location
    if loc is not None:
        properties.append(f"file={_escape_property(shown_path(loc.path, _checkout_of(loc.path) or root))}")
        if loc.line:
            properties.append(f"line={loc.line}")
            if loc.column:
                properties.append(f"col={loc.column}")
    message = f"{d.message} [{d.code}]" if d.code else d.message
    head = _GITHUB_LEVEL[d.severity] + (" " + ",".join(properties) if properties else "")
    return f"::{head}::{_escape_data(message)}"


def _checkout_of(path: Path) -> Path | None:
    """The GitHub Actions checkout (`$GITHUB_WORKSPACE`) when `path` lies inside it."""
    checkout = os.environ.get("GITHUB_WORKSPACE")
    if checkout and relative_to(path, Path(checkout)) != path:
        return Path(checkout)
    return None


def report_json(diags: Diagnostics, root: Path | None = None, strict: bool = False) -> dict[str, Any]:
    """A run's verdict and every diagnostic, as `check --json` prints them."""
    items = diags.sorted()
    return {
        "ok": not diags.has_errors(strict),
        "strict": strict,
        "errors": sum(d.severity is Severity.ERROR for d in items),
        "warnings": sum(d.severity is Severity.WARNING for d in items),
        "diagnostics": [diagnostic_json(d, root) for d in items],
    }


def _escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message (as its actions/toolkit `escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """GitHub's escaping of a workflow command's property value (`escapeProperty`): also ':' and ','."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def did_you_mean(word: str, choices: list[str] | set[str] | tuple[str, ...]) -> str:
    """A ' (did you mean 'x'?)' suffix for a near miss, or '' when nothing is close."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
