"""Workspace files to the typed model: YAML read safely, every value keeping its position.

Each file is read on its own and checked against its JSON Schema; one bad file does not
stop the others, so a single run reports every problem. This module finds the workspace and
reads what is shared by its briefs (briefgen.yaml, audiences.yaml); a brief's folder is read
by `content/brief_loader.py`, its block files by `content/block_loader.py` and its
bibliography by `content/bibliography.py`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from briefgen.content.block_loader import (
    block_paths,
    load_block,
    salvage_block,
    separate_block_cross_references,
)
from briefgen.content.brief_loader import load_brief, read_files
from briefgen.content.confine import inside
from briefgen.content.figures import resolve_figures
from briefgen.content.schema import (
    AUDIENCE_FIELDS,
    AUDIENCE_SCHEMA,
    AUDIENCES_FILE_SCHEMA,
    CONFIG_SCHEMA,
    ID_KEYS,
)
from briefgen.content.schema_check import conforms, validate_file
from briefgen.content.style import HouseStyle, ThemeError, load_style
from briefgen.content.yamlsrc import Node, load_yaml
from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.errors import UsageError
from briefgen.model import AudienceProfile, Brief, Config, MarkingLevel, SiteSettings, Workspace

__all__ = [
    "AUDIENCES_FILE",
    "BRIEFS_DIR",
    "CONFIG_FILE",
    "audience_from",
    "cache_file",
    "find_workspace",
    "load_block",
    "load_workspace",
    "merge_audience",
    "unloaded_block_ids",
    "with_unloaded_blocks",
]

CONFIG_FILE = "briefgen.yaml"
AUDIENCES_FILE = "audiences.yaml"
BRIEFS_DIR = "briefs"


def find_workspace(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` that holds briefgen.yaml, as git finds .git."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise UsageError(
        f"no {CONFIG_FILE} found in {here} or any folder above it; run briefgen inside a "
        "workspace, pass --workspace DIR, or create one with 'briefgen init DIR'"
    )


def load_workspace(root: Path, diags: Diagnostics, only_brief: str | None = None) -> Workspace:
    """Read the whole workspace (or one brief of it); problems are collected in `diags`."""
    root = root.resolve()
    config = load_config(root, diags)
    audiences, declared = _load_audiences(root, diags)
    briefs: dict[str, Brief] = {}
    briefs_dir = root / BRIEFS_DIR
    folders = sorted(p for p in briefs_dir.iterdir() if (p / "brief.yaml").is_file()) if briefs_dir.is_dir() else []
    if only_brief is not None:
        folders = [f for f in folders if f.name == only_brief]
    inside_folders = []
    for folder in folders:
        if not inside(folder, root):
            diags.error(
                codes.PATH_OUTSIDE,
                "this brief folder is a link to a place outside the workspace; move the brief into briefs/ instead",
                Location(folder / "brief.yaml"),
            )
            continue
        inside_folders.append(folder)
    cache = cache_file(root, config, "markdown.json")
    files = read_files(inside_folders, diags, root, cache)
    figures = cache_file(root, config, "figures")
    for folder in inside_folders:
        brief = load_brief(folder, diags, root, files)
        if brief is not None:
            briefs[brief.id] = resolve_figures(brief, root, diags, figures, lambda: _style(root))
    return Workspace(root, config, audiences, briefs, frozenset(declared) | set(audiences))


def _style(root: Path) -> HouseStyle:
    """The house style pictures are drawn with; a broken theme is reported by validation, not here."""
    try:
        return load_style(root)
    except ThemeError:
        return load_style(None)


def load_config(root: Path, diags: Diagnostics) -> Config:
    """briefgen.yaml as settings; its problems go to `diags` (defaults where it cannot be read)."""
    node = load_yaml(root / CONFIG_FILE, diags, root)
    if node is None or not validate_file(node, CONFIG_SCHEMA, diags):
        return Config()
    data = node.plain()
    return Config(
        default_brief=data.get("default_brief"),
        output_dir=data.get("output_dir", "dist"),
        formats=tuple(data.get("formats", ("pdf", "docx"))),
        markings=tuple(MarkingLevel(m["id"], m["banner"], m["portion"]) for m in data.get("markings", [])),
        location=markings.loc if (markings := node.get("markings")) else None,
        site=_site_settings(node.get("site")),
    )


def _site_settings(node: Node | None) -> SiteSettings:
    """briefgen.yaml's `site:` (already valid by the schema), each value's place kept."""
    if node is None or not node.is_map:
        return SiteSettings()
    values = node.value
    ceiling = values.get("max_marking")
    return SiteSettings(
        title=str(values["title"].value) if "title" in values else "",
        base_url=str(values["base_url"].value).rstrip("/") if "base_url" in values else "",
        max_marking=str(ceiling.value) if ceiling is not None else None,
        location=ceiling.loc if ceiling is not None else node.loc,
    )


def _load_audiences(root: Path, diags: Diagnostics) -> tuple[dict[str, AudienceProfile], set[str]]:
    """Valid profiles, and every name declared (so a broken profile causes no false 'unknown' errors)."""
    path = root / AUDIENCES_FILE
    if not path.is_file():
        diags.error(
            codes.AUDIENCES_MISSING,
            f"{AUDIENCES_FILE} is missing; create it with at least one audience profile",
            Location(path),
        )
        return {}, set()
    node = load_yaml(path, diags, root)
    if node is None:
        return {}, set()
    validate_file(node, AUDIENCES_FILE_SCHEMA, diags)
    if not node.is_map or not node.value:
        diags.error(codes.AUDIENCES_EMPTY, f"{AUDIENCES_FILE} defines no audience; add at least one profile", node.loc)
        return {}, set()
    profiles = {
        name: audience_from(name, entry.plain(), entry.key_loc or entry.loc)
        for name, entry in node.value.items()
        if entry.is_map and conforms(entry.plain(), AUDIENCE_SCHEMA) and conforms({name: {}}, ID_KEYS)
    }
    return profiles, set(node.value)


def audience_from(name: str, data: dict[str, Any], loc: Location | None) -> AudienceProfile:
    """An audience profile from a plain mapping (already validated)."""
    return AudienceProfile(
        id=name,
        label=data.get("label", name),
        description=data.get("description", ""),
        detail=data.get("detail", "full"),
        sections=tuple(data.get("sections", ())),
        max_pages=data.get("max_pages"),
        notes=data.get("notes", "footnotes"),
        bibliography=bool(data.get("bibliography", False)),
        include_tags=tuple(data.get("include_tags", ())),
        exclude_tags=tuple(data.get("exclude_tags", ())),
        marking=data.get("marking"),
        decision=bool(data.get("decision", False)),
        csl=data.get("csl"),
        max_marking=data.get("max_marking"),
        portion_marks=bool(data.get("portion_marks", False)),
        show_as_of=bool(data.get("show_as_of", False)),
        show_history=bool(data.get("show_history", False)),
        lang=data.get("lang"),
        location=loc,
    )


def merge_audience(base: AudienceProfile, override: dict[str, Any]) -> AudienceProfile:
    """A profile with a brief's per-audience overrides applied."""
    changes: dict[str, Any] = {}
    for key, value in override.items():
        if key not in AUDIENCE_FIELDS:
            continue
        changes[key] = tuple(value) if isinstance(value, list) else value
    return replace(base, **changes)


def cache_file(root: Path, config: Config, name: str) -> Path | None:
    """Where a cache of this workspace lives: `<output_dir>/.briefgen-cache/`, if that is inside it."""
    output = root / config.output_dir
    cache = output / ".briefgen-cache"
    if not inside(output, root) or cache.is_symlink() or (cache.exists() and not inside(cache, output)):
        return None  # a cache that is, or lies in, a link out of the workspace is not used
    return cache / name


# ---------------------------------------------------------------- block files that give no block


def with_unloaded_blocks(brief: Brief, root: Path, config: Config, diags: Diagnostics) -> Brief:
    """The brief as `check` sees it: with what can still be read of block files that break the schema.

    Such a file is left out of builds, but its other problems (a misspelt tag, an unknown
    section, a figure) are reported in the same run as its schema error, not after it is fixed.
    Its figures are checked here; everything else by the checks of loaded blocks.
    """
    loaded = {block.path for block in brief.blocks}
    salvaged = []
    for path in block_paths(brief.folder / "blocks"):
        if path in loaded or not inside(path, root):
            continue
        node = load_yaml(path, Diagnostics(), root)  # its reading problems were reported when it was loaded
        block = salvage_block(path, node) if node is not None else None
        if block is not None:
            salvaged.append(block)
    if not salvaged:
        return brief
    figures = resolve_figures(
        replace(brief, blocks=tuple(salvaged)), root, diags, cache_file(root, config, "figures"), lambda: _style(root)
    )
    blocks = (*brief.blocks, *figures.blocks)
    block_ids = {b.id for b in blocks}
    return replace(brief, blocks=tuple(separate_block_cross_references(b, block_ids) for b in blocks))


def unloaded_block_ids(brief: Brief) -> frozenset[str]:
    """The ids (file names) of the brief's block files that gave no block, not even for checks.

    Their YAML or shape is broken, which is reported at the file; a reference to one of them
    elsewhere is no second mistake, so checks leave it alone instead of calling it unknown.
    """
    loaded = {block.path for block in brief.blocks}
    return frozenset(path.stem for path in block_paths(brief.folder / "blocks") if path not in loaded)
