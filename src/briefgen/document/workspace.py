"""Opening a workspace for a command: find it, load it, validate it, resolve names given by the user."""

from __future__ import annotations

from pathlib import Path

from briefgen.content.loader import find_workspace, load_config, load_workspace
from briefgen.diagnostics import Diagnostics, did_you_mean
from briefgen.document.select import audiences_for
from briefgen.document.validate import TemplateCheck, validate_workspace
from briefgen.errors import UsageError
from briefgen.model import AudienceProfile, Brief, Workspace


def open_workspace(
    root: Path | None = None, brief: str | None = None, check_templates: TemplateCheck | None = None
) -> tuple[Workspace, Diagnostics]:
    """Load and validate the workspace (or just one brief of it); diagnostics are returned, not raised.

    `check_templates` is the renderers' check of the workspace's template overrides
    (`briefgen.render.overrides.check_template_overrides`); the document layer does not import them.
    """
    if root is None:
        root = find_workspace()
    elif not (root / "briefgen.yaml").is_file():
        raise UsageError(
            f"{root} is not a briefgen workspace (it has no briefgen.yaml); "
            "pass the folder that holds briefgen.yaml, or create one with 'briefgen init'"
        )
    root = root.resolve()
    diags = Diagnostics()
    if brief is not None:
        _require_brief_folder(root, brief)
    ws = load_workspace(root, diags, only_brief=brief)
    validate_workspace(ws, diags, check_templates=check_templates)
    return ws, diags


def named_or_default(root: Path | None, brief: str | None) -> str | None:
    """The brief a command on one brief works on: the one named, else briefgen.yaml's default_brief.

    Read before the workspace is loaded, so that `briefgen build` loads and checks the default
    brief alone, as `briefgen build DEFAULT` does: a mistake in another brief stops neither.
    None when nothing is named and no default brief's folder exists (the whole workspace decides).
    """
    if brief is not None:
        return brief
    folder = root if root is not None else find_workspace()
    if not (folder / "briefgen.yaml").is_file():
        return None  # open_workspace says what is wrong
    name = load_config(folder.resolve(), Diagnostics()).default_brief  # its problems: reported by the full load
    return name if name and (folder / "briefs" / name / "brief.yaml").is_file() else None


def _require_brief_folder(root: Path, brief: str) -> None:
    folder = root / "briefs"
    known = sorted(p.name for p in folder.iterdir() if (p / "brief.yaml").is_file()) if folder.is_dir() else []
    if brief not in known:
        listing = ", ".join(known) if known else "none yet (create one with 'briefgen new brief NAME')"
        raise UsageError(f"no brief named '{brief}'{did_you_mean(brief, known)}; briefs in this workspace: {listing}")


def default_brief(ws: Workspace, name: str | None) -> Brief:
    """The brief a command works on: the one named, or briefgen.yaml's default_brief."""
    name = name or ws.config.default_brief
    if name is None:
        if len(ws.briefs) == 1:
            return next(iter(ws.briefs.values()))
        raise UsageError(
            "no brief named and no default_brief in briefgen.yaml; name the brief, e.g. 'briefgen build japan-russia'"
        )
    if name not in ws.briefs:
        known = sorted(ws.briefs)
        raise UsageError(f"no brief named '{name}'{did_you_mean(name, known)}; briefs: {', '.join(known) or 'none'}")
    return ws.briefs[name]


def pick_audiences(ws: Workspace, brief: Brief, names: tuple[str, ...], all_audiences: bool) -> list[AudienceProfile]:
    """The audience profiles (with the brief's overrides) a build should produce."""
    profiles = audiences_for(ws, brief)
    if all_audiences or not names:
        return list(profiles.values())
    chosen = []
    for name in names:
        if name not in profiles:
            raise UsageError(
                f"no audience named '{name}'{did_you_mean(name, list(profiles))}; audiences: {', '.join(profiles)}"
            )
        chosen.append(profiles[name])
    return chosen
