"""The house style a renderer uses: design tokens from theme.yaml plus template and style folders.

Workspace files override the defaults that ship with briefgen, file by file; theme tokens
override key by key, so a workspace changes one colour without copying the rest.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.content.confine import refusal
from briefgen.content.yamlsrc import load_yaml, shorten
from briefgen.diagnostics import Diagnostics, Location
from briefgen.errors import BriefgenError
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


class ThemeError(BriefgenError):
    """theme.yaml cannot be used; the message names the file and the token."""

    def __init__(self, message: str, location: Location):
        super().__init__(f"{location.display()}: {message}")
        self.problem = message
        self.location = location


@functools.cache
def _read_theme(path: Path, mtime: float, root: Path | None = None) -> dict[str, Any]:
    """theme.yaml read as every workspace YAML file is (size, nesting, tags, links out of `root`)."""
    diags = Diagnostics()
    node = load_yaml(path, diags, root)
    if diags.errors:
        first = diags.errors[0]
        raise ThemeError(first.message, first.location or Location(path))
    data = node.plain() if node is not None else {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ThemeError(
            "the theme must be groups of tokens, such as 'colors:' with 'accent: \"1B3A5C\"'", Location(path)
        )
    return data


_LENGTH = re.compile(r"^\d+(\.\d+)?(mm|cm|in|pt)$")


def _checked(theme: dict[str, Any], files: list[Path]) -> dict[str, Any]:
    """Tokens in the forms the stylesheet and Word need; colours may be written with or without '#'."""
    problems = []
    colors = {k: str(v).lstrip("#") for k, v in theme.get("colors", {}).items()}
    for name, value in colors.items():
        if not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
            problems.append(f"colors.{shorten(name)} is '{shorten(value)}'; write six hex digits such as \"1B3A5C\"")
    for group in ("sizes", "spacing"):
        for name, value in theme.get(group, {}).items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(
                    f"{group}.{shorten(name)} is '{shorten(str(value))}'; write a number of points such as 10.5"
                )
    for name, value in theme.get("page", {}).items():
        if name.startswith("margin") and not _LENGTH.match(str(value)):
            problems.append(
                f"page.{shorten(name)} is '{shorten(str(value))}'; write a length such as 20mm, 2cm, 0.8in or 54pt"
            )
    if str(theme.get("page", {}).get("size", "A4")).upper() not in ("A4", "LETTER"):
        problems.append("page.size must be A4 or Letter")
    if problems:
        raise ThemeError("; ".join(problems), Location(files[-1]))
    return {**theme, "colors": colors}


def load_style(workspace_root: Path | None) -> HouseStyle:
    """The workspace's house style: defaults, with the workspace's overrides applied."""
    default_theme = DEFAULTS / "styles" / "theme.yaml"
    theme = _read_theme(default_theme, default_theme.stat().st_mtime)
    files = [default_theme]
    template_dirs = [DEFAULTS / "templates"]
    style_dirs = [DEFAULTS / "styles"]
    if workspace_root is not None:
        _confine(workspace_root)
        override = workspace_root / "styles" / "theme.yaml"
        if override.is_file():
            theme = _deep_merge(theme, _read_theme(override, override.stat().st_mtime, workspace_root))
            files.append(override)
        template_dirs.insert(0, workspace_root / "templates")
        style_dirs.insert(0, workspace_root / "styles")
    return HouseStyle(_checked(theme, files), tuple(template_dirs), tuple(style_dirs), tuple(files))


def _confine(root: Path) -> None:
    """The workspace's templates/ and styles/ (read by Jinja, the PDF engine and Word) stay inside it.

    A link out of the workspace, the folder itself or any file or folder in it, is an error at
    that link, before anything there is read.
    """
    for folder in (root / "templates", root / "styles"):
        if not os.path.lexists(folder):
            continue
        if problem := refusal(folder, root):
            raise ThemeError(problem, Location(folder))
        for parent, dirs, names in os.walk(folder):
            for name in sorted(dirs + names):
                path = Path(parent) / name
                if path.is_symlink() and (problem := refusal(path, root)):
                    raise ThemeError(problem, Location(path))
