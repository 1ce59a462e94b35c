"""What `briefgen --version` reports: briefgen and the engines that shape its outputs, for bug reports.

A PDF that differs between two machines is usually a WeasyPrint, Pandoc or python-docx
difference, so the version line names them too. Package versions are read from their
metadata (no import); Pandoc's is asked of the bundled binary, once, only here.
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
from importlib import metadata
from pathlib import Path

from briefgen import __version__


def component_versions() -> list[tuple[str, str]]:
    """(name, version) of briefgen, WeasyPrint, Pandoc and python-docx, in that order."""
    return [
        ("briefgen", __version__),
        ("WeasyPrint", _distribution("weasyprint")),
        ("Pandoc", _pandoc()),
        ("python-docx", _distribution("python-docx")),
    ]


@functools.cache
def code_identity() -> str:
    """briefgen's version and a hash of its own files (Python source and built-in defaults).

    Every cache key includes it (Pandoc's readings, citation answers, layouts, figures, output
    fingerprints), so a changed briefgen, an editable install being edited included, never
    reuses an answer that other code made.
    """
    return f"{__version__}+{tree_digest(Path(__file__).resolve().parent.parent)}"


def tree_digest(folder: Path) -> str:
    """A short hash of every file under `folder` (names and contents; Python's bytecode caches aside)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.relative_to(folder).parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def version_text() -> str:
    """The `--version` output: one `name version` line per component."""
    return "\n".join(f"{name} {version}" for name, version in component_versions())


def _distribution(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _pandoc() -> str:
    """The bundled Pandoc's own version, with the pypandoc-binary wheel that ships it."""
    from briefgen.runtime.pandoc import pandoc_path

    wheel = _distribution("pypandoc-binary")
    try:
        result = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True, timeout=30, check=True)
        words = result.stdout.split(maxsplit=2)
        version = words[1] if len(words) > 1 and words[0] == "pandoc" else "(unknown)"
    except (OSError, subprocess.SubprocessError) as exc:
        version = f"unavailable ({exc})"
    return f"{version} (pypandoc-binary {wheel})"
