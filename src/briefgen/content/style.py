"""The house style a renderer uses: design tokens from theme.yaml plus template and style folders.

Workspace files override the defaults that ship with briefgen, file by file; theme tokens
override key by key, so a workspace changes one colour without copying the rest.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.content.confine import refusal
from briefgen.content.theme_tokens import CODE, check_theme
from briefgen.content.yamlsrc import load_yaml
from briefgen.diagnostics import Diagnostic, Diagnostics, Location
from briefgen.errors import ContentError
from briefgen.runtime.resources import DEFAULTS, find_file


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
    notes: tuple[Diagnostic, ...] = field(default=())  # warnings about the workspace's theme.yaml

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

    def text_block(self) -> tuple[float, float]:
        """Width and height (points) of the text block: the page less its margins, as both renderers set it."""
        page = self.theme.get("page", {})
        width, height = PAGE_POINTS.get(str(page.get("size", "A4")).upper(), PAGE_POINTS["A4"])
        return (
            width - points(page.get("margin_left", "20mm")) - points(page.get("margin_right", "20mm")),
            height - points(page.get("margin_top", "20mm")) - points(page.get("margin_bottom", "20mm")),
        )

    def allowed_roots(self) -> tuple[Path, ...]:
        """Folders the PDF engine may read from: templates and styles, nothing else."""
        return tuple(p.resolve() for p in (*self.template_dirs, *self.style_dirs) if p.is_dir())


PAGE_POINTS = {"A4": (595.28, 841.89), "LETTER": (612.0, 792.0)}
_POINTS_PER = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0}


def points(value: str | float) -> float:
    """A theme length ('20mm', '0.75in', '12pt', or a bare number of points) in points."""
    text = str(value).strip()
    for unit, factor in _POINTS_PER.items():
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


class ThemeError(ContentError):
    """theme.yaml (or the style folders) cannot be used; each diagnostic names the file, the place and the token.

    `problem` and `location` are the first error's. Carries its diagnostics through pickling, so a
    build worker process can report it too.
    """

    def __init__(self, diagnostics: Diagnostics, root: Path | None = None):
        super().__init__(diagnostics, root)
        first = diagnostics.errors[0]
        self.problem = first.message
        self.location = first.location or Location(Path("styles/theme.yaml"))

    def __reduce__(self):
        return (type(self), (self.diagnostics, self.root))


def _theme_error(message: str, location: Location, root: Path | None) -> ThemeError:
    diags = Diagnostics()
    diags.error(CODE, message, location)
    return ThemeError(diags, root)


@functools.cache
def _read_theme(path: Path, mtime: float, root: Path | None = None) -> tuple[dict[str, Any], tuple[Diagnostic, ...]]:
    """theme.yaml read as every workspace YAML file is (size, nesting, tags, links out of `root`), then checked.

    Every token is checked against its type (theme_tokens.SCHEMA); all problems of the file are
    reported at once, each at its line and column.
    """
    diags = Diagnostics()
    node = load_yaml(path, diags, root)
    theme = check_theme(node, diags) if node is not None else {}
    if diags.errors:
        raise ThemeError(Diagnostics(diags.errors), root)
    return theme, tuple(diags.items)  # warnings too (an escaped control character removed), for `check`


def load_style(workspace_root: Path | None) -> HouseStyle:
    """The workspace's house style: defaults, with the workspace's overrides applied."""
    default_theme = DEFAULTS / "styles" / "theme.yaml"
    theme, notes = _read_theme(default_theme, default_theme.stat().st_mtime)
    files = [default_theme]
    template_dirs = [DEFAULTS / "templates"]
    style_dirs = [DEFAULTS / "styles"]
    if workspace_root is not None:
        _confine(workspace_root)
        override = workspace_root / "styles" / "theme.yaml"
        if override.is_file():
            overrides, notes = _read_theme(override, override.stat().st_mtime, workspace_root)
            theme = _deep_merge(theme, overrides)
            files.append(override)
        template_dirs.insert(0, workspace_root / "templates")
        style_dirs.insert(0, workspace_root / "styles")
    return HouseStyle(theme, tuple(template_dirs), tuple(style_dirs), tuple(files), notes)


def _confine(root: Path) -> None:
    """The workspace's templates/ and styles/ (read by Jinja, the PDF engine and Word) stay inside it.

    A link out of the workspace, the folder itself or any file or folder in it, is an error at
    that link, before anything there is read.
    """
    for folder in (root / "templates", root / "styles"):
        if not os.path.lexists(folder):
            continue
        if problem := refusal(folder, root):
            raise _theme_error(problem, Location(folder), root)
        for parent, dirs, names in os.walk(folder):
            for name in sorted(dirs + names):
                path = Path(parent) / name
                if path.is_symlink() and (problem := refusal(path, root)):
                    raise _theme_error(problem, Location(path), root)
