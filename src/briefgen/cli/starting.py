"""Commands that start something new: a block, a brief, a workspace."""

from __future__ import annotations

from pathlib import Path

import click

from briefgen.cli.base import State, cli, json_option, pass_state, voice_options, wrote
from briefgen.commands.completion import complete_brief
from briefgen.content.loader import find_workspace
from briefgen.diagnostics import shown_path


@cli.group()
def new() -> None:
    """Create a new block or brief from a commented starting point."""


@new.command(
    "block",
    epilog="""\b
Examples:
  briefgen new block japan-russia --section risks --kind risk --title "Talks collapse"
""",
)
@click.argument("brief", shell_complete=complete_brief)
@click.option("--section", required=True, help="Section id the block belongs to.")
@click.option("--kind", default="prose", show_default=True, help="prose, recommendation, risk or leverage.")
@click.option("--title", help="Block title; the file name is made from it.")
@json_option("Print the file written as JSON.")
@voice_options
@pass_state
def new_block_command(state: State, brief: str, section: str, kind: str, title: str | None, as_json: bool) -> None:
    """Write briefs/BRIEF/blocks/<title>.yaml with every field of its kind, status draft."""
    from briefgen.commands.scaffold import new_block

    path = new_block(state.workspace or find_workspace(), brief, section, kind, title)
    wrote(state, "new block", [path], f"wrote {shown_path(path, Path.cwd())}")


@new.command(
    "brief",
    epilog="""\b
Examples:
  briefgen new brief china-taiwan           briefs/china-taiwan/, ready to build
""",
)
@click.argument("name")
@json_option("Print the folder written as JSON.")
@voice_options
@pass_state
def new_brief_command(state: State, name: str, as_json: bool) -> None:
    """Start a new brief, briefs/NAME/, from the example brief."""
    from briefgen.commands.scaffold import new_brief

    path = new_brief(state.workspace or find_workspace(), name)
    shown = shown_path(path, Path.cwd())
    wrote(state, "new brief", [path], f"wrote {shown}/ (brief.yaml, references.yaml, blocks/)")


@cli.command(
    epilog="""\b
Examples:
  briefgen init policy-briefs          a new workspace in ./policy-briefs
  briefgen init                        a new workspace in the current folder, if it is empty
  cd policy-briefs && briefgen build   its example brief, built at once
"""
)
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@json_option("Print the files written as JSON.")
@voice_options
@pass_state
def init(state: State, directory: Path | None, as_json: bool) -> None:
    """Create a new workspace in DIRECTORY (default: the current folder, if empty) with settings, audiences
    and an example brief that builds."""
    from briefgen.commands.scaffold import init_workspace

    written = init_workspace(directory or Path.cwd(), here=directory is None)
    where = f" in {directory}; next: cd {directory} && briefgen build" if directory else "; next: briefgen build"
    wrote(state, "init", written, f"created a workspace with {len(written)} files{where}")
