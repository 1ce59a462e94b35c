"""The CI and export workflows: valid, pinned, least-privilege, bounded in time, and the export runs locally too.

The export's own shell and Python steps are run here as GitHub runs them (bash -eo pipefail), on
a fixture workspace: planning shards, refusing inputs that match nothing, the collected summary.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent
EXPORT = ROOT / ".github/workflows/export.yml"


def tool(name: str) -> str:
    path = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (pip install --group test)")
    return path


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def step(job: dict, name: str) -> dict:
    return next(s for s in job["steps"] if s.get("name") == name or s.get("id") == name)


def run_step(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """A workflow's `run:` script, as the runner's bash runs it, with briefgen on the PATH."""
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_actionlint_passes():
    result = subprocess.run([tool("actionlint"), *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_passes():
    result = subprocess.run([tool("zizmor"), "--offline", str(ROOT / ".github")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actions_pinned_and_permissions_least_privilege():
    for path in WORKFLOWS:
        text = path.read_text()
        for use in re.findall(r"uses:\s*(\S+)", text):
            assert re.search(r"@[0-9a-f]{40}$", use), f"{path.name}: {use} is not pinned to a commit"
        workflow = yaml.safe_load(text)
        assert workflow["permissions"] == {"contents": "read"}, path.name


def test_every_job_has_a_timeout():
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            minutes = job.get("timeout-minutes")
            assert isinstance(minutes, int) and 0 < minutes <= 120, f"{path.name}: job {name} has no timeout-minutes"


def test_ci_runs_once_per_change_and_cancels_superseded_runs():
    workflow = load(ROOT / ".github/workflows/ci.yml")
    triggers = workflow[True]  # YAML reads the key 'on' as true
    assert triggers["push"] == {"branches": ["main"]}  # a pull request's pushes run as pull_request only
    assert "pull_request" in triggers
    assert workflow["concurrency"] == {"group": "ci-${{ github.ref }}", "cancel-in-progress": True}


def test_ci_windows_job_runs_tests_that_render_nothing():
    job = load(ROOT / ".github/workflows/ci.yml")["jobs"]["windows"]
    assert job["runs-on"] == "windows-latest"
    pytest_run = next(s["run"] for s in job["steps"] if "pytest" in s.get("run", "") and "pip" not in s["run"])
    files = re.findall(r"tests/\S+\.py", pytest_run)
    assert "tests/test_listing.py" in files and "tests/test_shards.py" in files
    rendering = re.compile(
        r"\bbuild\(|render_(pdf|docx|html)|readers|weasyprint|soffice|libreoffice|_build\b|\"build\""
    )
    for name in files:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert not rendering.search(text), (
            f"{name} renders outputs, which the Windows job cannot: {rendering.search(text)}"
        )


def test_dependabot_updates_pinned_actions_and_python_packages():
    config = load(ROOT / ".github/dependabot.yml")
    assert config["version"] == 2
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(updates) == {"github-actions", "pip"}
    for update in updates.values():
        assert update["directory"] == "/"
        assert update["schedule"]["interval"] == "weekly"


def test_export_workflow_triggers_and_steps():
    workflow = load(EXPORT)
    triggers = workflow[True]
    assert triggers["schedule"][0]["cron"].endswith("1-5")
    assert set(triggers["workflow_dispatch"]["inputs"]) == {"brief", "audience", "shards"}
    assert set(triggers["push"]["paths"]) == {
        "briefs/**",
        "audiences.yaml",
        "briefgen.yaml",
        "templates/**",
        "styles/**",
    }
    jobs = workflow["jobs"]
    # The plan checks first (annotations on the lines at fault), then plans shards.
    plan_runs = [s.get("run", "") for s in jobs["plan"]["steps"]]
    check = next(i for i, r in enumerate(plan_runs) if r.startswith("briefgen check --strict --format github"))
    shards = next(i for i, r in enumerate(plan_runs) if "--json --shards" in r)
    assert check < shards
    # One job per shard, never one per brief: the matrix is the plan's shards.
    export = jobs["export"]
    assert export["needs"] == "plan"
    assert export["strategy"]["matrix"] == {"shard": "${{ fromJSON(needs.plan.outputs.shards) }}"}
    build = next(s for s in export["steps"] if s.get("run") == "make export")
    assert build["env"]["BRIEF"] == "${{ join(matrix.shard.briefs, ' ') }}"
    upload = next(s for s in export["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["name"] == "export-${{ needs.plan.outputs.date }}-shard-${{ matrix.shard.number }}"
    assert upload["with"]["path"].split() == ["dist/", "!dist/.briefgen-cache/", "summaries/"]
    assert upload["with"]["retention-days"] == 30
    # One summary of all shards, written even when a shard failed.
    summary = jobs["summary"]
    assert summary["needs"] == ["plan", "export"]
    assert summary["if"] == "${{ !cancelled() && needs.plan.result == 'success' }}"
    download = next(s for s in summary["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"]["pattern"] == "export-${{ needs.plan.outputs.date }}-shard-*"


def test_export_check_step_annotates_and_refuses_a_brief_that_does_not_exist(minimal: Path):
    plan = load(EXPORT)["jobs"]["plan"]
    script = next(s["run"] for s in plan["steps"] if s.get("run", "").startswith("briefgen check"))
    result = run_step(script, minimal, ONLY="")
    assert result.returncode == 0, result.stdout + result.stderr
    edit = minimal / "briefs/demo/blocks/history.yaml"
    edit.write_text(edit.read_text().replace("section: context", "section: contxt"))
    result = run_step(script, minimal, ONLY="demo")
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=briefs/demo/blocks/history.yaml,line=1,col=10::section 'contxt'")
    result = run_step(script, minimal, ONLY="dmeo")
    assert result.returncode == 2
    assert result.stderr == "Error: no brief named 'dmeo' (did you mean 'demo'?); briefs in this workspace: demo\n"


def test_export_plan_step_gives_shards_and_refuses_inputs_that_match_nothing(minimal: Path, tmp_path: Path):
    script = step(load(EXPORT)["jobs"]["plan"], "plan")["run"]
    outputs = tmp_path / "github-output"

    def plan(**inputs: str) -> subprocess.CompletedProcess:
        outputs.write_text("")
        env = {"ONLY": "", "AUDIENCE": "", "SHARDS": "20", "GITHUB_OUTPUT": str(outputs), **inputs}
        return run_step(script, minimal, **env)

    result = plan()
    assert result.returncode == 0, result.stdout + result.stderr
    lines = outputs.read_text().splitlines()
    assert lines[0] == 'shards=[{"number":1,"briefs":["demo"],"cost":20.0}]'
    assert re.fullmatch(r"date=\d{4}-\d\d-\d\d", lines[1])

    result = plan(ONLY="dmeo")
    assert result.returncode == 2
    assert result.stderr == "Error: no brief named 'dmeo' (did you mean 'demo'?); briefs in this workspace: demo\n"
    assert outputs.read_text() == ""

    result = plan(SHARDS="257")
    assert result.returncode == 1
    assert result.stdout == (
        "::error title=Bad shards input::shards must be a whole number from 1 to 256 "
        "(GitHub runs at most 256 jobs per matrix)\n"
    )
    result = plan(SHARDS="0")
    assert result.returncode == 2 and "give 1 or more, not 0" in result.stderr

    result = plan(AUDIENCE="nobody")
    assert result.returncode == 1
    assert result.stdout == "::error title=Unknown audience::the audience input names no audience of audiences.yaml\n"

    shutil.rmtree(minimal / "briefs/demo")
    (minimal / "briefgen.yaml").write_text("formats: [pdf]\n")
    result = plan()
    assert result.returncode == 1, result.stderr
    assert result.stdout == (
        "::error title=Nothing to export::this workspace has no briefs; create one with 'briefgen new brief NAME'\n"
    )
    assert outputs.read_text() == ""


@pytest.mark.slow
def test_export_script_checks_and_builds_every_brief_and_the_summary_job_collects_it(minimal: Path, tmp_path: Path):
    summary = tmp_path / "summary.md"
    env = {**os.environ, "BRIEFGEN": tool("briefgen"), "SUMMARY": str(summary)}
    result = subprocess.run([str(ROOT / "scripts/export.sh")], cwd=minimal, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in (minimal / "dist/demo").glob("*.pdf")) == [
        "demo-boss.pdf",
        "demo-public.pdf",
        "demo-reader.pdf",
    ]
    assert summary.read_text().count("| demo |") == 6
    assert "; 6 outputs accessible;" in result.stdout  # what was built, checked after the build
    env["AUDIENCE"] = "nobody"
    failed = subprocess.run([str(ROOT / "scripts/export.sh")], cwd=minimal, env=env, capture_output=True, text=True)
    assert failed.returncode == 2 and "no audience named 'nobody'" in failed.stderr

    # What the summary job downloads: each shard's dist/ and summaries/, merged.
    downloaded = tmp_path / "job"
    shutil.copytree(minimal / "dist/demo", downloaded / "export/dist/demo")
    (downloaded / "export/summaries").mkdir()
    shutil.copy(summary, downloaded / "export/summaries/shard-1.md")
    script = step(load(EXPORT)["jobs"]["summary"], "Write the export summary")["run"]
    job_summary = tmp_path / "step-summary.md"
    shards = [{"number": 1, "briefs": ["demo"], "cost": 20.0}, {"number": 2, "briefs": ["lost"], "cost": 3.0}]
    result = run_step(script, downloaded, SHARDS=json.dumps(shards), GITHUB_STEP_SUMMARY=str(job_summary))
    assert result.returncode == 1
    assert result.stdout == "::error title=Export incomplete::no outputs for lost\n"
    text = job_summary.read_text()
    assert text.startswith(
        "## Export: 1 of 2 briefs in 2 shards\n\n**No outputs** (see the failed shard's log): lost\n\n"
        "| brief | audience | format | pages | words | warnings | status |\n|---|---|---|---:|---:|---|---|\n"
    )
    assert [line.split(" | ")[1:3] for line in text.splitlines() if line.startswith("| demo |")] == [
        ["boss", "docx"],
        ["boss", "pdf"],
        ["public", "docx"],
        ["public", "pdf"],
        ["reader", "docx"],
        ["reader", "pdf"],
    ]
    job_summary.unlink()
    result = run_step(script, downloaded, SHARDS=json.dumps(shards[:1]), GITHUB_STEP_SUMMARY=str(job_summary))
    assert result.returncode == 0, result.stdout + result.stderr
    assert job_summary.read_text().startswith("## Export: 1 of 1 briefs in 1 shards\n\n| brief |")
