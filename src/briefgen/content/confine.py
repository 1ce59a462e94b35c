"""Confinement: the one place that decides whether a path a workspace names may be read.

Files are read only inside the workspace (pictures only inside the brief's folder or assets/),
links followed, and a name that is a web address or an absolute path is never a file to read.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def inside(path: Path, root: Path) -> bool:
    """Whether `path`, with every link followed, stays inside `root` (a link loop does not)."""
    real = resolved(path)
    return real is not None and real.is_relative_to(resolved(root) or root)


def within(path: Path, allowed: Path) -> bool:
    """Whether `path`, with every link followed, lies in `allowed` taken as written (not followed again).

    For a root that is already resolved, or one whose own link must not count (see `allowed_root`).
    """
    real = resolved(path)
    return real is not None and real.is_relative_to(allowed)


def stays_inside(path: Path, root: Path) -> bool:
    """Whether `path` lies in `root` both as written ('..' folded) and with every link followed."""
    return Path(os.path.normpath(path)).is_relative_to(root) and within(path, resolved(root) or root)


def allowed_root(folder: Path) -> tuple[Path, bool]:
    """Where files found through `folder` must lie, and whether the folder is itself a link out of its parent."""
    parent = resolved(folder.parent) or folder.parent
    real = resolved(folder)
    if real is not None and real.is_relative_to(parent):
        return real, False
    return parent / folder.name, True


def resolved(path: Path) -> Path | None:
    """`path` with every link followed, or None when the links loop or cannot be read."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11, 3.12)
        return None


def refusal(path: Path, root: Path) -> str | None:
    """Why the workspace file `path` may not be read (a link out of `root`), or None when it may.

    Every file briefgen reads by a fixed name (briefgen.yaml, audiences.yaml, brief.yaml, the
    house style's files) asks here first, so a link to /etc/passwd is refused before it is opened.
    """
    if inside(path, root):
        return None
    kind = "folder" if path.is_dir() else "file"
    if not path.is_symlink():  # a folder above it is the link
        what, kind = f"{path.name} lies in a folder that is a link to a place outside the workspace", "folder"
    else:
        what = f"{path.name} is a link to a {kind} outside the workspace"
    return f"{what}; briefgen reads only files inside the workspace, so replace the link with a copy of the {kind}"


def is_absolute(name: str) -> bool:
    """'/etc/x', '~/x', 'C:\\x', '\\\\server\\x': a name that does not start from the workspace."""
    return bool(_DRIVE.match(name)) or name.startswith(("/", "\\", "~"))


def url_scheme(name: str) -> str | None:
    """'http' for 'http://...', 'data' for 'data:...': the scheme of a name that is an address, else None."""
    if _DRIVE.match(name):
        return None
    match = _SCHEME.match(name)
    return match.group(0)[:-1].lower() if match else None
