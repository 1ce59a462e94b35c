"""The `briefgen` command as staff use it: exact messages, exit codes, files written."""

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT

from briefgen.cli import cli, main
from briefgen.content.schema import SCHEMAS


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd:
            os.chdir(cwd)
        return runner.invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def run_main(args: list[str], monkeypatch, capsys, cwd: Path | None = None) -> tuple[int, str, str]:
    """Through main(), which maps errors to exit codes the way the installed command does."""
    if cwd:
        monkeypatch.chdir(cwd)
    monkeypatch.setattr("sys.argv", ["briefgen", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def test_check_passes_on_the_default_brief():
    result = run("--workspace", str(ROOT), "check", "--strict")
    assert result.exit_code == 0
    assert result.stdout == "ok: 1 brief, 3 audiences, 17 blocks checked; 0 warnings\n"
    assert result.stderr == (
        "audiences.yaml:26:1: note: audience 'press' (max_marking public) never receives: "
        "turn-the-screws [marking.withheld]\n"
    )


def test_check_reports_every_problem_and_exits_1(monkeypatch, capsys):
    code, out, err = run_main(["check"], monkeypatch, capsys, cwd=FIXTURES / "broken" / "briefs" / "demo")
    expected = (FIXTURES / "broken.expected").read_text(encoding="utf-8")
    assert code == 1
    assert err == expected + "check failed: 14 errors, 3 warnings\n"
    assert "Traceback" not in err


def test_check_strict_fails_on_warnings_only(minimal: Path, monkeypatch, capsys):
    (minimal / "briefs/demo/blocks/history.yaml").write_text(
        "section: context\ntitle: History\nstatus: approved\ntags: [interal]\n"
        "summary: s [@fpri].\nbody: b [@dominguez2016].\n",
        encoding="utf-8",
    )
    code, out, err = run_main(["-w", str(minimal), "check"], monkeypatch, capsys)
    assert code == 0 and "1 warning" in out
    code, out, err = run_main(["-w", str(minimal), "check", "--strict"], monkeypatch, capsys)
    assert code == 1
    assert err.endswith("check failed: 0 errors, 1 warning (--strict)\n")
    assert "tag 'interal' here and tag 'internal' in audience 'public' differ by a letter or two" in err


def test_usage_errors_exit_2(monkeypatch, capsys, tmp_path: Path):
    code, _, err = run_main(["check"], monkeypatch, capsys, cwd=tmp_path)
    assert code == 2 and err.startswith("Error: no briefgen.yaml found in")
    code, _, err = run_main(["-w", str(ROOT), "build", "-a", "policymakr"], monkeypatch, capsys)
    assert code == 2
    assert err == (
        "Error: no audience named 'policymakr' (did you mean 'policymaker'?); audiences: policymaker, analyst, press\n"
    )
    code, _, err = run_main(["-w", str(ROOT), "build", "japan"], monkeypatch, capsys)
    assert code == 2 and "no brief named 'japan'" in err
    code, _, err = run_main(["build", "--no-such-option"], monkeypatch, capsys)
    assert code == 2


@pytest.mark.slow
def test_build_writes_outputs_and_manifest(minimal: Path):
    result = run("build", "-a", "boss", "-f", "pdf", "-f", "docx", cwd=minimal)
    assert result.exit_code == 0, result.output
    out = minimal / "dist" / "demo"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "demo-boss.docx",
        "demo-boss.pdf",
        "manifest.json",
    ]
    assert "built dist/demo/demo-boss.pdf: boss, PDF, " in result.output  # a line per output, as rendered
    assert result.output.strip().endswith("demo: built 2 files in dist/demo; 0 warnings")
    manifest = json.loads((out / "manifest.json").read_text())
    pdf = next(o for o in manifest["outputs"] if o["format"] == "pdf")
    assert pdf["audience"] == "boss" and pdf["pages"] >= 1 and pdf["words"] > 20
    assert pdf["blocks"] == ["rec-quiet", "rec-open", "risk-high", "risk-mid", "risk-low", "history", "missiles"]
    import hashlib

    assert pdf["sha256"] == hashlib.sha256((out / "demo-boss.pdf").read_bytes()).hexdigest()
    # a later build of another audience keeps this entry
    assert run("build", "-q", "-a", "reader", "-f", "html", cwd=minimal).output == ""
    manifest = json.loads((out / "manifest.json").read_text())
    assert {(o["audience"], o["format"]) for o in manifest["outputs"]} == {
        ("boss", "pdf"),
        ("boss", "docx"),
        ("reader", "html"),
    }


def test_build_with_drafts_is_stamped(minimal: Path):
    result = run("build", "-a", "reader", "-f", "html", "--drafts", cwd=minimal)
    assert result.exit_code == 0
    html = (minimal / "dist/demo/demo-reader.html").read_text()
    assert "Draft note" in html and 'class="draft-stamp"' in html
    assert json.loads((minimal / "dist/demo/manifest.json").read_text())["drafts"] is True


def test_build_failure_leaves_previous_outputs(minimal: Path, monkeypatch, capsys):
    assert run("build", "-a", "boss", "-f", "pdf", cwd=minimal).exit_code == 0
    before = (minimal / "dist/demo/demo-boss.pdf").read_bytes()
    (minimal / "briefs/demo/blocks/missiles.yaml").write_text("section: [\n", encoding="utf-8")
    code, _, err = run_main(["-w", str(minimal), "build", "-a", "boss"], monkeypatch, capsys)
    assert code == 1 and "missiles.yaml:1:10: error: the [ list that starts here is never closed" in err
    assert "nothing was written" in err
    assert (minimal / "dist/demo/demo-boss.pdf").read_bytes() == before
    assert sorted(p.name for p in (minimal / "dist/demo").iterdir() if not p.name.endswith(".tmp")) == [
        "demo-boss.pdf",
        "manifest.json",
    ]


def test_list_shows_the_matrix():
    result = run("--workspace", str(ROOT), "list")
    assert result.exit_code == 0
    assert "turn-the-screws" in result.output and "policymaker" in result.output
    assert "up to public" in result.output


def test_schema_files_are_current_and_referenced(tmp_path: Path):
    result = run("schema", "--out", str(tmp_path))
    assert result.exit_code == 0
    for name in SCHEMAS:
        fresh = (tmp_path / f"{name}.schema.json").read_text()
        assert fresh == (ROOT / "schemas" / f"{name}.schema.json").read_text(), f"run 'make schema' ({name})"
    first_lines = {p.read_text().splitlines()[0] for p in (ROOT / "briefs/japan-russia/blocks").glob("*.yaml")}
    assert first_lines == {"# yaml-language-server: $schema=../../../schemas/block.schema.json"}


def test_every_command_has_help_and_the_readme_names_it():
    readme = (ROOT / "README.md").read_text()
    commands = {"check", "list", "build", "schema", "serve", "stats", "diff", "new", "init", "review", "explain"}
    commands |= {"release", "releases", "doctor", "site"}
    assert set(cli.commands) == commands
    for name, command in cli.commands.items():
        assert command.help, name
        assert run(name, "--help").exit_code == 0
        assert f"`briefgen {name}" in readme, name


def test_stats_and_diff_commands(minimal: Path):
    result = run("-w", str(minimal), "stats")
    assert result.exit_code == 0 and "boss" in result.stdout and "approved" in result.stdout
    import subprocess

    subprocess.run(["git", "init", "-q", str(minimal)], check=True)
    subprocess.run(["git", "-C", str(minimal), "-c", "user.email=t@e.org", "-c", "user.name=t", "add", "."], check=True)
    subprocess.run(
        ["git", "-C", str(minimal), "-c", "user.email=t@e.org", "-c", "user.name=t", "commit", "-qm", "x"], check=True
    )
    block = minimal / "briefs/demo/blocks/missiles.yaml"
    block.write_text(block.read_text().replace("title: Missiles", "title: New missiles"))
    result = run("-w", str(minimal), "diff", "HEAD")
    assert result.exit_code == 0
    assert "modified  missiles" in result.stdout and result.stdout.strip().endswith("re-read: boss, reader, public")


def test_python_dash_m_works():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "briefgen", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "briefgen" in result.stdout


def test_workspace_option_must_name_a_workspace(tmp_path: Path, monkeypatch, capsys):
    inner = ROOT / "briefs"
    code, _, err = run_main(["-w", str(inner), "check"], monkeypatch, capsys)
    assert code == 2 and "is not a briefgen workspace (it has no briefgen.yaml)" in err
