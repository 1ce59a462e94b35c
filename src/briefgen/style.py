"""The house style a renderer uses: design tokens from theme.yaml plus template and style folders.

Workspace files override the defaults that ship with briefgen, file by file; theme tokens
override key by key, so a workspace changes one colour without copying the rest.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefgen.resources import DEFAULTS, find_file


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@dataclass(frozen=True)
class HouseStyle:
    """Tokens and resource folders, resolved once per build and shared by every renderer."""

    theme: dict[str, Any]
    template_dirs: tuple[Path, ...]
    style_dirs: tuple[Path, ...]
    files: tuple[Path, ...] = field(default=())

    def template(self, name: str) -> Path:
        return find_file(list(self.template_dirs), name)

    def style_file(self, name: str) -> Path:
        return find_file(list(self.style_dirs), name)

    def token(self, dotted: str) -> Any:
        value: Any = self.theme
        for part in dotted.split("."):
            value = value[part]
        return value

    def pt(self, dotted: str) -> float:
        return float(self.token(dotted))

    def allowed_roots(self) -> tuple[Path, ...]:
        """Folders the PDF engine may read from: templates and styles, nothing else."""
        return tuple(p.resolve() for p in (*self.template_dirs, *self.style_dirs) if p.is_dir())


@functools.cache
def _read_theme(path: Path, mtime: float) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the theme must be a mapping of token groups")
    return data


def load_style(workspace_root: Path | None) -> HouseStyle:
    """The workspace's house style: defaults, with the workspace's overrides applied."""
    default_theme = DEFAULTS / "styles" / "theme.yaml"
    theme = _read_theme(default_theme, default_theme.stat().st_mtime)
    files = [default_theme]
    template_dirs = [DEFAULTS / "templates"]
    style_dirs = [DEFAULTS / "styles"]
    if workspace_root is not None:
        override = workspace_root / "styles" / "theme.yaml"
        if override.is_file():
            theme = _deep_merge(theme, _read_theme(override, override.stat().st_mtime))
            files.append(override)
        template_dirs.insert(0, workspace_root / "templates")
        style_dirs.insert(0, workspace_root / "styles")
    return HouseStyle(theme, tuple(template_dirs), tuple(style_dirs), tuple(files))
