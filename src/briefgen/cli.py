"""The `briefgen` command: parses options and calls library functions; no logic of its own."""

from __future__ import annotations

import json
import logging
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import click

from briefgen.build import FORMATS, BuildOptions, build, build_all, summary_table
from briefgen.commands.completion import complete_audience, complete_brief, complete_code
from briefgen.content.loader import find_workspace
from briefgen.diagnostics import Diagnostics, github_annotation, report_json, shown_path
from briefgen.document.workspace import open_workspace
from briefgen.errors import ContentError, UsageError
from briefgen.render.overrides import check_template_overrides


class State:
    def __init__(self, workspace: Path | None, quiet: bool, debug: bool):
        self.workspace = workspace
        self.quiet = quiet
        self.debug = debug


pass_state = click.make_pass_decorator(State)


def _console(**options: Any) -> Any:
    """A rich console, imported when a command prints with it (a no-op build must start fast)."""
    from rich.console import Console

    return Console(highlight=False, **options)


def _table(**options: Any) -> Any:
    from rich.table import Table

    return Table(**options)


def _print_versions(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from briefgen.runtime.versions import version_text

    click.echo(version_text())
    ctx.exit()


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="""\b
Examples:
  briefgen check                       every problem of the workspace, file:line:column
  briefgen build -a policymaker        the default brief for one audience, PDF and Word
""",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_versions,
    help="Show the versions of briefgen, WeasyPrint, Pandoc and python-docx, then exit.",
)
@click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    help="Workspace folder (default: the nearest folder with briefgen.yaml).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None, quiet: bool, debug: bool) -> None:
    """Build audience-specific policy briefs from YAML content blocks."""
    ctx.obj = State(workspace, quiet, debug)
    logging.basicConfig(level=logging.ERROR)


def _report(diags: Diagnostics, root: Path, quiet: bool, notes: bool = True) -> None:
    for d in diags.sorted():
        if (quiet and d.severity.value != "error") or (not notes and d.severity.value == "note"):
            continue
        click.echo(d.format(root), err=True)


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
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --accessibility: the output folder the outputs were built in (as build --out).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text: file:line:column lines; github: GitHub Actions annotations; json: one JSON object.",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json: the verdict and every problem.")
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
    ws, diags = open_checked(state.workspace, brief)
    if out_dir is not None and not accessibility:
        raise click.UsageError("--out names the folder --accessibility reads; use it with --accessibility")
    accessible = None
    if accessibility and not diags.has_errors(strict):
        accessible = accessibility_problems(ws, brief, diags, out_dir)
    if output_format == "text":
        _report(diags, ws.root, state.quiet)
    if parity and not diags.has_errors(strict):
        for line in parity_problems(ws, brief, diags):
            if output_format == "text":
                click.echo(line, err=True)
    if output_format == "json":
        click.echo(json.dumps(report_json(diags, ws.root, strict), indent=2, ensure_ascii=False))
        if diags.has_errors(strict):
            raise click.exceptions.Exit(1)
        return
    if output_format == "github":
        for d in diags.sorted():
            if not state.quiet or d.severity.value == "error":
                click.echo(github_annotation(d, ws.root))
    failed, line = verdict(ws, diags, strict, parity, accessible)
    if failed:
        click.echo(line, err=True)
        raise click.exceptions.Exit(1)
    if not state.quiet:
        click.echo(line)


@cli.command("list")
@click.argument("brief", required=False, shell_complete=complete_brief)
@click.option("--json", "as_json", is_flag=True, help="Print briefs, audiences and blocks as JSON (for CI).")
@click.option("--why", is_flag=True, help="Say which rule leaves each block out of an audience's brief.")
@click.option(
    "--shards",
    type=int,
    metavar="N",
    help="Plan the export as at most N groups of briefs of about equal build cost (one CI job each).",
)
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
        click.echo(json.dumps(plan, indent=2, ensure_ascii=False) if as_json else "\n".join(describe_plan(plan)))
        return
    if as_json:
        click.echo(json.dumps(listing.workspace_listing(ws, brief), indent=2, ensure_ascii=False))
        return
    listing.print_listing(_console(width=shutil.get_terminal_size((160, 24)).columns), ws, brief, why, click.echo)


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
def schema(out_dir: Path) -> None:
    """Write JSON Schemas for block, brief, audience and workspace files (editor autocomplete)."""
    from briefgen.content.schema import write_schemas

    for path in write_schemas(out_dir):
        click.echo(f"wrote {path}")


@cli.command(
    "build",
    epilog="""\b
Examples:
  briefgen build                            every audience of the default brief, PDF and Word
  briefgen build japan-russia -a analyst -f docx   one audience, Word only
  briefgen build --all -j 2 --strict        every brief, as the scheduled export does
  briefgen build --changes-since 1.0        also a redline of each output against issued version 1.0
""",
)
@click.argument("brief", required=False, shell_complete=complete_brief)
@click.option(
    "-a",
    "--audience",
    "audiences",
    multiple=True,
    help="Audience to build (repeatable; default: every audience).",
    shell_complete=complete_audience,
)
@click.option("--all-audiences", is_flag=True, help="Build every audience.")
@click.option("--all", "all_briefs", is_flag=True, help="Build every brief of the workspace.")
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Output format (repeatable): pdf, docx, html, or md (Pandoc Markdown).",
)
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--drafts", is_flag=True, help="Include draft and review blocks; outputs are stamped DRAFT.")
@click.option("--strict", is_flag=True, help="Treat warnings (such as page budgets) as errors.")
@click.option("--force", is_flag=True, help="Rebuild outputs whose inputs have not changed.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Parallel worker processes (default: one per core).")
@click.option("--changes-since", metavar="VERSION", help="Also write each output with changes since VERSION tracked.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON on standard output.")
@click.option(
    "--summary-md",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append a Markdown table of the outputs to FILE (for a CI job summary).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@pass_state
def build_command(
    state: State,
    brief,
    audiences,
    all_audiences,
    all_briefs,
    formats,
    out_dir,
    drafts,
    strict,
    force,
    jobs,
    changes_since,
    as_json,
    summary_md,
    quiet,
) -> None:
    """Build BRIEF (default: briefgen.yaml's default_brief) to PDF, DOCX, HTML or Markdown."""
    state.quiet = state.quiet or quiet or as_json
    chosen = (tuple(audiences), all_audiences, tuple(formats) or None, out_dir, drafts, strict, force, jobs)
    options = BuildOptions(brief, *chosen, changes_since)
    console = None if state.quiet else _console(stderr=as_json)  # rich costs 20 ms: not for -q
    if all_briefs and brief:
        raise click.UsageError("name a BRIEF or use --all, not both")
    if all_audiences and audiences:
        raise click.UsageError("use -a AUDIENCE for some audiences or --all-audiences for every one, not both")
    from briefgen.commands.progress import build_progress

    # A line per output as it is rendered; a bar when many audiences (or briefs) are built.
    with build_progress(console, state.quiet, bar=all_briefs or all_audiences or not audiences) as progress:
        results = (
            build_all(state.workspace, options, progress) if all_briefs else [build(state.workspace, options, progress)]
        )
    for result in results:
        _report(result.diagnostics, Path.cwd(), state.quiet, notes=False)
        if console is not None:
            built, kept = len(result.outputs), len(result.up_to_date)
            warnings = len(result.diagnostics.warnings)
            console.print(
                f"{result.brief}: built {built} file{'s' * (built != 1)}"
                + (f", {kept} up to date" if kept else "")
                + f" in {shown_path(result.out_dir, Path.cwd())}; {warnings} warning{'s' * (warnings != 1)}",
                soft_wrap=True,
            )
    if summary_md:
        with summary_md.open("a", encoding="utf-8") as handle:
            handle.write(summary_table(results))
    if as_json:
        manifests = [r.manifest for r in results]
        click.echo(json.dumps(manifests if all_briefs else manifests[0], indent=2, ensure_ascii=False))


@cli.command(
    epilog="""\b
Examples:
  briefgen serve --open                preview every audience, in a new browser tab
  briefgen serve -a analyst --port 0   one audience's page, on any free port
"""
)
@click.argument("brief", required=False, shell_complete=complete_brief)
@click.option("--audience", "-a", help="Open this audience's preview first.", shell_complete=complete_audience)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port (0 picks a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser once it is listening.")
@pass_state
def serve(state: State, brief: str | None, audience: str | None, host: str, port: int, open_browser: bool) -> None:
    """Live HTML preview of BRIEF for every audience; reloads in the browser when a file is saved."""
    from briefgen.commands.serve import PreviewServer, open_in_browser

    logging.getLogger("briefgen").setLevel(logging.INFO)
    server = PreviewServer(state.workspace or find_workspace(), brief, host, port).start()
    page = f"{server.url}{'audience/' + audience if audience else ''}"
    click.echo(f"previewing at {page} (Ctrl+C to stop)")
    try:
        if open_browser and not open_in_browser(page):
            click.echo(f"could not open a web browser here; open {page} yourself", err=True)
        while True:
            time.sleep(3600)
    finally:
        server.stop()


@cli.command(
    epilog="""\b
Examples:
  briefgen stats                       length of each audience's brief against its page budget
  briefgen stats --fresh --json        pages counted by rendering now, as JSON
"""
)
@click.argument("brief", required=False, shell_complete=complete_brief)
@click.option("--fresh", is_flag=True, help="Render to count pages instead of reading the last build's manifest.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures of every audience as JSON.")
@pass_state
def stats(state: State, brief: str | None, fresh: bool, as_json: bool) -> None:
    """Per audience: words, reading time, pages, citations, figures and blocks by status."""
    from briefgen.commands.stats import brief_stats, stats_json, stats_table

    name, rows = brief_stats(state.workspace, brief, fresh)
    if as_json:
        click.echo(json.dumps(stats_json(name, rows), indent=2, ensure_ascii=False))
        return
    _console(width=shutil.get_terminal_size((160, 24)).columns).print(stats_table(name, rows))


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
@click.option("--json", "as_json", is_flag=True, help="Print the changed blocks, files and audiences as JSON.")
@pass_state
def diff(state: State, revision: str | None, brief: str | None, version: str | None, as_json: bool) -> None:
    """Blocks changed since git REVISION (or issued --since VERSION) and the audiences whose briefs they affect."""
    from briefgen.commands.diff import diff_lines, diff_since

    if version is not None:
        if revision and brief:
            raise click.UsageError("with --since, name at most a BRIEF, not a git revision too")
        from briefgen.commands.release import changes_report

        click.echo(changes_report(state.workspace, version, revision or brief, as_json))
        return
    if revision is None:
        raise click.UsageError("name a git REVISION to compare with, or an issued version with --since VERSION")
    report = diff_since(state.workspace, revision, brief)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return
    click.echo("\n".join(diff_lines(report, revision)))


@cli.command(
    epilog="""\b
Examples:
  briefgen release --note "Sent to the minister"   record brief.yaml's version as issued
  briefgen release --leave-out-drafts              issue it without the blocks still in review
"""
)
@click.argument("brief", required=False, shell_complete=complete_brief)
@click.option("--version", "version", help="The version to record (default: version: in brief.yaml).")
@click.option("--note", default="", help="A line saying why, or to whom, this version was issued.")
@click.option("--leave-out-drafts", is_flag=True, help="Release although some blocks are still in draft or review.")
@pass_state
def release(state: State, brief: str | None, version: str | None, note: str, leave_out_drafts: bool) -> None:
    """Record the brief as issued: what every audience read, under briefs/BRIEF/releases/VERSION/ (commit it)."""
    from briefgen.commands.release import release as record_release

    click.echo(record_release(state.workspace, brief, version, note, leave_out_drafts).summary())


@cli.command()
@click.argument("brief", required=False, shell_complete=complete_brief)
@click.option("--json", "as_json", is_flag=True, help="Print the releases as JSON.")
@pass_state
def releases(state: State, brief: str | None, as_json: bool) -> None:
    """The issued versions of BRIEF: version, date, note and audiences, oldest first."""
    from briefgen.commands.release import releases as list_releases
    from briefgen.commands.release import releases_lines

    name, found = list_releases(state.workspace, brief)
    if as_json:
        click.echo(json.dumps({"brief": name, "releases": found}, indent=2, ensure_ascii=False, default=str))
        return
    click.echo("\n".join(releases_lines(name, found)))


@cli.command()
@click.argument("docx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the comments and changes as JSON.")
@click.option("--apply", "apply_changes", is_flag=True, help="Write the changes into the YAML (blocks and brief.yaml).")
@click.option("--dry-run", is_flag=True, help="With --apply: print the YAML diff instead of writing it.")
@pass_state
def review(state: State, docx: Path, as_json: bool, apply_changes: bool, dry_run: bool) -> None:
    """Comments and tracked changes of a reviewed DOCX, each at its block's file:line:column.

    Changes are the tracked ones and every edit made with tracking off (found by comparing the
    text with the text the DOCX was built with). With --apply, each change that maps with
    certainty to one field is written into the YAML (as if accepted in Word); the rest are listed
    with the reason, and the command exits 1 unless every change was applied. --json gives each
    item's kind, status and reason, with or without --apply.

    \b
    Examples:
      briefgen review reviewed.docx                    each comment and change at its file:line:column
      briefgen review reviewed.docx --apply --dry-run  the YAML diff --apply would write
      briefgen review reviewed.docx --apply            write the accepted changes into the YAML
    """
    from briefgen.review import apply_review, format_application, format_json, format_text, review_docx

    if dry_run and not apply_changes:
        raise click.UsageError("--dry-run shows what --apply would write; use both: --apply --dry-run")
    result = review_docx(docx, state.workspace)
    if not apply_changes:
        click.echo(format_json(result) if as_json else format_text(result))
        return
    application = apply_review(result, dry_run=dry_run)
    if as_json:
        click.echo(format_json(result, [(f.display, f.diff()) for f in application.files], dry_run))
    else:
        click.echo(format_application(result, application, dry_run))
    if application.waiting:
        raise click.exceptions.Exit(1)


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
@pass_state
def new_block_command(state: State, brief: str, section: str, kind: str, title: str | None) -> None:
    """Write briefs/BRIEF/blocks/<title>.yaml with every field of its kind, status draft."""
    from briefgen.commands.scaffold import new_block

    path = new_block(state.workspace or find_workspace(), brief, section, kind, title)
    click.echo(f"wrote {shown_path(path, Path.cwd())}")


@new.command(
    "brief",
    epilog="""\b
Examples:
  briefgen new brief china-taiwan           briefs/china-taiwan/, ready to build
""",
)
@click.argument("name")
@pass_state
def new_brief_command(state: State, name: str) -> None:
    """Start a new brief, briefs/NAME/, from the example brief."""
    from briefgen.commands.scaffold import new_brief

    path = new_brief(state.workspace or find_workspace(), name)
    click.echo(f"wrote {shown_path(path, Path.cwd())}/ (brief.yaml, references.yaml, blocks/)")


@cli.command(
    epilog="""\b
Examples:
  briefgen init policy-briefs          a new workspace in ./policy-briefs
  cd policy-briefs && briefgen build   its example brief, built at once
"""
)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Create a new workspace in DIRECTORY with settings, audiences and an example brief that builds."""
    from briefgen.commands.scaffold import init_workspace

    written = init_workspace(directory)
    click.echo(f"created a workspace with {len(written)} files in {directory}; next: cd {directory} && briefgen build")


@cli.command(
    epilog="""\b
Examples:
  briefgen explain budget.pages        what a report's [budget.pages] means and how to fix it
  briefgen explain --json              every code with its severity, summary and fix, as JSON
"""
)
@click.argument("code", required=False, shell_complete=complete_code)
@click.option("--json", "as_json", is_flag=True, help="Print the code's entry (or the list) as JSON.")
def explain(code: str | None, as_json: bool) -> None:
    """What the diagnostic CODE that ends a report line means and how to fix it; without CODE, every code.

    CODE may also be a group, such as yaml, for the codes of that group.
    """
    from briefgen.commands.explain import explain_json, explain_text

    click.echo(json.dumps(explain_json(code), indent=2, ensure_ascii=False) if as_json else explain_text(code))


def main() -> None:
    """Entry point: user errors print a message and exit 1 or 2; internal bugs print a traceback."""
    debug = "--debug" in sys.argv
    # SIGTERM (a cancelled CI job) unwinds like Ctrl+C, so temporary files are removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        code = cli.main(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except ContentError as exc:
        if debug:
            traceback.print_exc()
        click.echo(exc.message, err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:  # includes BriefgenError and click's usage errors
        if debug:
            traceback.print_exc()
        exc.show()
        sys.exit(exc.exit_code if not isinstance(exc, click.UsageError) else 2)
    except KeyboardInterrupt:
        click.echo("Interrupted; no partial files were left.", err=True)
        sys.exit(130)
    except Exception:  # a bug in briefgen, not the user's fault
        click.echo(
            "briefgen: internal error (this is a bug in briefgen; please report it with the traceback below)", err=True
        )
        traceback.print_exc()
        sys.exit(70)
