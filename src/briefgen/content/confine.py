"""Confinement: the one place that decides whether a path a workspace names may be read.

Files are read only inside the workspace (pictures only inside the brief's folder or assets/),
links followed, and a name that is a web address or an absolute path is never a file to read.
"""

from __future__ import annotations

import re
from pathlib import Path

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every link followed, stays inside `root`."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except OSError:
        return False


def is_absolute(name: str) -> bool:
    """'/etc/x', '~/x', 'C:\\x', '\\\\server\\x': a name that does not start from the workspace."""
    return bool(_DRIVE.match(name)) or name.startswith(("/", "\\", "~"))


def url_scheme(name: str) -> str | None:
    """'http' for 'http://...', 'data' for 'data:...': the scheme of a name that is an address, else None."""
    if _DRIVE.match(name):
        return None
    match = _SCHEME.match(name)
    return match.group(0)[:-1].lower() if match else None
