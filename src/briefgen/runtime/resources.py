"""Where the house style that ships inside the package lives (templates, styles, fonts)."""

from __future__ import annotations

from pathlib import Path

DEFAULTS = Path(__file__).parent.parent / "defaults"


def find_file(dirs: list[Path], name: str) -> Path:
    """The first `name` found in `dirs` (workspace overrides first, then the defaults)."""
    for folder in dirs:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{name} not found in {', '.join(str(d) for d in dirs)}")
