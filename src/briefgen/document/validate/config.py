"""The workspace's own settings: briefgen.yaml and the house style's theme.yaml.

Checked once per workspace, whichever briefs are checked. (Its template overrides are checked
by the renderers, which this layer does not import: `validate_workspace`'s caller passes that
check in.)
"""

from __future__ import annotations

from pathlib import Path

from briefgen.content.confine import inside
from briefgen.content.style import ThemeError, load_style
from briefgen.diagnostics import Diagnostics, Location, codes, did_you_mean
from briefgen.model import Workspace


def check_config(ws: Workspace, diags: Diagnostics) -> None:
    """briefgen.yaml's default_brief names a brief, and its output_dir lies inside the workspace."""
    config_loc = Location(ws.root / "briefgen.yaml")
    default = ws.config.default_brief
    if default and not (ws.root / "briefs" / default / "brief.yaml").is_file():
        names = sorted(p.parent.name for p in (ws.root / "briefs").glob("*/brief.yaml"))
        diags.error(
            codes.CONFIG_DEFAULT_BRIEF,
            f"default_brief '{default}' has no folder briefs/{default}/ with a brief.yaml"
            f"{did_you_mean(default, names)}; briefs: {', '.join(names) or 'none'}",
            config_loc,
        )
    if not inside(ws.root / ws.config.output_dir, ws.root):
        diags.error(
            codes.CONFIG_OUTPUT_DIR,
            f"output_dir '{ws.config.output_dir}' lies outside the workspace; "
            "give a folder inside it (use -o to write elsewhere for one build)",
            config_loc,
        )


def check_theme(root: Path, diags: Diagnostics) -> None:
    """The house style's notes, or every problem of theme.yaml, each at its line and column."""
    try:
        diags.extend(Diagnostics(list(load_style(root).notes)))
    except ThemeError as exc:  # every problem of theme.yaml, each at its line and column
        diags.extend(exc.diagnostics)
