"""Commands that read the workspace and answer: check, list, stats, diff, explain, schema, doctor."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import click

from briefgen.cli.base import State, cli, json_option, out_option, pass_state, refuse_stdout, report, voice_options
from briefgen.commands import output
from briefgen.commands.completion import complete_brief, complete_code
from briefgen.diagnostics import github_annotation, shown_path
from briefgen.document.workspace import open_workspace
from briefgen.errors import ContentError, UsageError
from briefgen.render.overrides import check_template_overrides


@cli.command(
    epilog="""\b
Examples:
  briefgen check --strict              fail on warnings too, as the scheduled export does
  briefgen check --format github       problems as annotations on a pull request's lines
  briefgen check --accessibility       also check the outputs built in dist/ for accessibility
"""
)
@click.argument("brief", required=False, shell_complete=complete_brief)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--parity", is_flag=True, help="Also build PDF and Word for every audience and compare them.")
@click.option(
    "--accessibility",
    is_flag=True,
    help="Also check the built PDF, Word and HTML outputs: PDF/UA-1, Word's accessibility rules, WCAG 2.2 AA.",
)
@out_option("With --accessibility: the output folder the outputs were built in (as build --out).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text: file:line:column lines; github: GitHub Actions annotations; json: one JSON object.",
)
@json_option("Same as --format json: the verdict and every problem.")
@voice_options
@pass_state
def check(
    state: State,
    brief: str | None,
    strict: bool,
    parity: bool,
    accessibility: bool,
    out_dir: Path | None,
    output_format: str,
    as_json: bool,
) -> None:
    """Validate the workspace (or one BRIEF) and report every problem with file:line:column."""
    from briefgen.commands.check import accessibility_problems, open_checked, parity_problems, verdict

    output_format = "json" if as_json else output_format
    if output_format == "json":
        state.voice = replace(state.voice, json=True)
    if out_dir is not None and not accessibility:
        raise UsageError("--out names the folder --accessibility reads; use it with --accessibility")
    refuse_stdout(out_dir, "check --accessibility reads a folder")
    ws, diags = open_checked(state.workspace, brief)
    accessible = None
    if accessibility and not diags.has_errors(strict):
        accessible = accessibility_problems(ws, brief, diags, out_dir)
    if parity and not diags.has_errors(strict):
        for _ in parity_problems(ws, brief, diags):
            pass  # each difference is an error of `diags`
    failed, line = verdict(ws, diags, strict, parity, accessible)
    if output_format == "json":
        counts = {"strict": strict, "errors": len(diags.errors), "warnings": len(diags.warnings), "verdict": line}
        state.emit("check", counts, output.problems_of(diags, ws.root), not failed)
    elif output_format == "github":
        for d in diags.sorted():
            if state.voice.shows(d.severity):
                click.echo(github_annotation(d, ws.root))
    else:  # notes are part of what check reports; other commands show them with -v
        report(
            diags,
            ws.root,
            state.voice if state.quiet else replace(state.voice, verbosity=max(1, state.voice.verbosity)),
        )
    if failed:
        if output_format != "json":
            click.echo(line, err=True)
        raise click.exceptions.Exit(1)
    if output_format == "text" and not state.quiet:
        click.echo(line)


@cli.command("list")
@click.argument("brief", required=False, shell_complete=complete_brief)
@json_option("Print briefs, audiences and blocks as JSON (for CI).")
@click.option("--why", is_flag=True, help="Say which rule leaves each block out of an audience's brief.")
@click.option(
    "--shards",
    type=int,
    metavar="N",
    help="Plan the export as at most N groups of briefs of about equal build cost (one CI job each).",
)
@voice_options
@pass_state
def list_command(state: State, brief: str | None, as_json: bool, why: bool, shards: int | None) -> None:
    """Show briefs, audiences, and which blocks each audience receives (with status).

    \b
    Examples:
      briefgen list --why                  who does not get which block, and by which rule
      briefgen list --json --shards 20     the export split into 20 CI jobs of about equal work
    """
    if shards is not None and shards < 1:
        raise UsageError(
            f"--shards N splits the export into at most N CI jobs; give 1 or more, not {shards} "
            "(for example --shards 20)"
        )
    from briefgen.commands import listing

    ws, diags = open_workspace(state.workspace, brief, check_templates=check_template_overrides)
    if diags.has_errors():
        raise ContentError(diags, ws.root, "nothing was listed")
    if shards is not None:
        from briefgen.commands.shards import describe_plan, shard_plan

        plan = shard_plan(ws, shards, brief)
        if as_json:
            state.emit("list", plan, output.problems_of(diags, ws.root))
        else:
            click.echo("\n".join(describe_plan(plan)))
        return
    if as_json:
        state.emit("list", listing.workspace_listing(ws, brief), output.problems_of(diags, ws.root))
        return
    width = shutil.get_terminal_size((160, 24)).columns
    listing.print_listing(state.console(stderr=False, width=width), ws, brief, why, click.echo)


@cli.command(
    epilog="""\b
Examples:
  briefgen schema                      refresh schemas/ after upgrading briefgen
  briefgen schema --out /tmp/schemas   write them elsewhere
"""
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Folder to write the JSON Schemas to.",
)
@json_option("Print the files written as JSON.")
@voice_options
@pass_state
def schema(state: State, out_dir: Path, as_json: bool) -> None:
    """Write JSON Schemas for block, brief, audience and workspace files (editor autocomplete)."""
    from briefgen.content.schema import write_schemas

    refuse_stdout(out_dir, "schema writes several files")
    written = write_schemas(out_dir)
    if as_json:
        state.emit("schema", {"written": [shown_path(path, Path.cwd()) for path in written]})
        return
    for path in written:
        click.echo(f"wrote {path}")


@cli.command(
    epilog="""\b
Examples:
  briefgen stats                       length of each audience's brief against its page budget
  briefgen stats --fresh --json        pages counted by rendering now, as JSON
"""
)
@click.argument("brief", required=False, shell_complete=complete_brief)
@click.option("--fresh", is_flag=True, help="Render to count pages instead of reading the last build's manifest.")
@json_option("Print the figures of every audience as JSON.")
@voice_options
@pass_state
def stats(state: State, brief: str | None, fresh: bool, as_json: bool) -> None:
    """Per audience: words, reading time, pages, citations, figures and blocks by status."""
    from briefgen.commands.stats import brief_stats, stats_json, stats_table

    name, rows = brief_stats(state.workspace, brief, fresh)
    if as_json:
        state.emit("stats", stats_json(name, rows))
        return
    state.console(stderr=False, width=shutil.get_terminal_size((160, 24)).columns).print(stats_table(name, rows))


@cli.command(
    epilog="""\b
Examples:
  briefgen diff main                   before review: which audiences' briefs changed
  briefgen diff --since 1.0            what each audience would see changed since issued version 1.0
"""
)
@click.argument("revision", required=False)
@click.argument("brief", required=False, shell_complete=complete_brief)
@click.option("--since", "version", help="Compare with issued VERSION (see 'briefgen release') instead of git.")
@json_option("Print the changed blocks, files and audiences as JSON.")
@voice_options
@pass_state
def diff(state: State, revision: str | None, brief: str | None, version: str | None, as_json: bool) -> None:
    """Blocks changed since git REVISION (or issued --since VERSION) and the audiences whose briefs they affect."""
    from briefgen.commands.diff import diff_lines, diff_since

    if version is not None:
        if revision and brief:
            raise UsageError("with --since, name at most a BRIEF, not a git revision too")
        from briefgen.commands.release import changes_json, changes_report

        if as_json:
            state.emit("diff", changes_json(state.workspace, version, revision or brief))
        else:
            click.echo(changes_report(state.workspace, version, revision or brief))
        return
    if revision is None:
        raise UsageError("name a git REVISION to compare with, or an issued version with --since VERSION")
    report = diff_since(state.workspace, revision, brief)
    if as_json:
        state.emit("diff", report.to_json())
        return
    click.echo("\n".join(diff_lines(report, revision)))


@cli.command(
    epilog="""\b
Examples:
  briefgen explain budget.pages        what a report's [budget.pages] means and how to fix it
  briefgen explain --json              every code with its severity, summary and fix, as JSON
"""
)
@click.argument("code", required=False, shell_complete=complete_code)
@json_option("Print the code's entry (or the list) as JSON.")
@voice_options
@pass_state
def explain(state: State, code: str | None, as_json: bool) -> None:
    """What the diagnostic CODE that ends a report line means and how to fix it; without CODE, every code.

    CODE may also be a group, such as yaml, for the codes of that group.
    """
    from briefgen.commands.explain import explain_json, explain_text

    if as_json:
        state.emit("explain", explain_json(code))
        return
    click.echo(explain_text(code))


@cli.command(
    epilog="""\b
Examples:
  briefgen doctor                      can this machine build briefs, and if not, what to install
  briefgen doctor --json               the same checks, for a script
"""
)
@out_option("The output folder whose write access is checked (default: the workspace's).")
@json_option("Print every check as JSON.")
@voice_options
@pass_state
def doctor(state: State, out_dir: Path | None, as_json: bool) -> None:
    """Check what builds need on this machine: Python, engines, Pandoc, fonts, LibreOffice, cache, output folder."""
    from briefgen.commands.doctor import diagnose, doctor_lines

    refuse_stdout(out_dir, "doctor checks a folder")
    found = diagnose(state.workspace, out_dir)
    if as_json:
        state.emit("doctor", found.to_json(), ok=found.ok)
    else:
        for line in doctor_lines(found):
            click.echo(line)
    if not found.ok:
        raise click.exceptions.Exit(1)
