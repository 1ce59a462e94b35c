"""briefgen: audience-specific policy briefs from modular YAML content blocks.

The version is written once, in pyproject.toml. `briefgen.__version__` reads it from the installed
distribution's metadata, on first use (PEP 562): `import briefgen` alone parses no metadata.
"""

from __future__ import annotations

from pathlib import Path

UNKNOWN_VERSION = "0+unknown"


def installed_version() -> str:
    """briefgen's version: the installed distribution's, else pyproject.toml's beside this source tree.

    The second is for a source tree run without installing it (an unpacked sdist on PYTHONPATH);
    `UNKNOWN_VERSION` when neither is there.
    """
    from importlib import metadata

    try:
        return metadata.version("briefgen")
    except metadata.PackageNotFoundError:
        return _source_tree_version(Path(__file__).resolve().parent.parent.parent / "pyproject.toml")


def _source_tree_version(pyproject: Path) -> str:
    import tomllib

    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return UNKNOWN_VERSION
    version = project.get("version") if project.get("name") == "briefgen" else None
    return version if isinstance(version, str) else UNKNOWN_VERSION


def __getattr__(name: str) -> str:
    if name == "__version__":
        version = globals()["__version__"] = installed_version()
        return version
    raise AttributeError(f"module 'briefgen' has no attribute {name!r}")
