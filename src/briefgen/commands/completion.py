"""Shell completion of brief and audience names, read cheaply from the workspace's own files, and of
diagnostic codes (`briefgen explain`), from the registry.

Click calls these while the user presses Tab: they read folder names and one YAML file (no
Pandoc, no validation) and never raise, since a traceback in the middle of a command line
helps nobody. Enable completion as the README says (`_BRIEFGEN_COMPLETE=bash_source briefgen`).
"""

from __future__ import annotations

from pathlib import Path

import click
from click.shell_completion import CompletionItem

from briefgen.content.loader import AUDIENCES_FILE, BRIEFS_DIR, find_workspace
from briefgen.content.yamlsrc import load_yaml
from briefgen.diagnostics import Diagnostics
from briefgen.diagnostics.codes import CODES


def brief_names(root: Path) -> list[str]:
    """The briefs of a workspace: the folders under briefs/ that hold a brief.yaml."""
    folder = root / BRIEFS_DIR
    return sorted(p.name for p in folder.iterdir() if (p / "brief.yaml").is_file()) if folder.is_dir() else []


def audience_labels(root: Path) -> dict[str, str]:
    """The audiences named in audiences.yaml, each with its label ('' when it has none)."""
    node = load_yaml(root / AUDIENCES_FILE, Diagnostics(), root)
    if node is None or not node.is_map:
        return {}
    labels = {}
    for name, entry in node.value.items():
        label = entry.get("label")
        labels[str(name)] = str(label.value) if label is not None and isinstance(label.value, str) else ""
    return labels


def complete_brief(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Brief names starting with what was typed; [] on any problem."""
    try:
        return [CompletionItem(n) for n in brief_names(_workspace(ctx)) if n.startswith(incomplete)]
    except Exception:  # completion must never print a traceback into the shell
        return []


def complete_audience(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Audience names starting with what was typed, with their labels as help; [] on any problem."""
    try:
        labels = audience_labels(_workspace(ctx))
        return [CompletionItem(n, help=label or None) for n, label in labels.items() if n.startswith(incomplete)]
    except Exception:  # completion must never print a traceback into the shell
        return []


def complete_code(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Diagnostic codes starting with what was typed, with their summaries as help."""
    return [
        CompletionItem(name, help=code.summary) for name, code in sorted(CODES.items()) if name.startswith(incomplete)
    ]


def _workspace(ctx: click.Context) -> Path:
    """The workspace the command line names with --workspace, else the nearest one."""
    given = ctx.find_root().params.get("workspace")
    return Path(given).resolve() if given else find_workspace()
