"""The check of a workspace's template overrides that opening a workspace runs.

`open_workspace` (in the document layer, which never imports the renderers) takes this check
from its caller. It looks for overrides first and imports Jinja and the renderers' sandbox only
when templates/ or styles/ holds one, so opening a workspace without them stays fast.
"""

from __future__ import annotations

import os
from pathlib import Path

from briefgen.diagnostics import Diagnostics


def check_template_overrides(root: Path, diags: Diagnostics) -> None:
    """Compile the workspace's templates/ and styles/ overrides, if any, and report each problem at its line."""
    if any(
        os.path.islink(folder) or any(p.name != "README.md" for p in folder.iterdir())
        for folder in (root / "templates", root / "styles")
        if os.path.lexists(folder) and (folder.is_dir() or os.path.islink(folder))
    ):
        from briefgen.render.templates import check_templates  # Jinja and the renderers: only for overrides

        check_templates(root, diags)
