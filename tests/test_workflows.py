"""The CI and export workflows: valid, pinned, least-privilege, bounded in time, and the export runs locally too.

The export's own shell and Python steps (scripts/export-*.sh, which its `run:` steps call) are run
here as GitHub runs them (bash -eo pipefail), on a fixture workspace: planning shards, refusing inputs
that match nothing, exporting only what a push changed, the collected summary, the reproducibility
check, and the whole workflow end to end by scripts/export-dry-run.sh.
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


def test_ci_bench_job_runs_every_benchmark_row_once_on_pull_requests():
    job = load(ROOT / ".github/workflows/ci.yml")["jobs"]["bench"]
    assert job["if"] == "github.event_name == 'pull_request'"  # the full, measuring run stays `make bench`
    runs = [s.get("run", "") for s in job["steps"]]
    assert "python benchmarks/run.py --quick" in runs
    install = next(s for s in job["steps"] if "pip install -e" in s.get("run", ""))
    assert "scripts/system-deps.sh" in install["run"] and "[charts]" in install["run"]  # rows 7 and 8 draw a chart
    assert install["env"] == {"PIP_CONSTRAINT": "constraints.txt"}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\t$(BIN)/python benchmarks/run.py\n" in makefile.split("\nbench:", 1)[1]


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
    # The plan checks first (annotations on the lines at fault), then plans shards (its script).
    plan_runs = [s.get("run", "") for s in jobs["plan"]["steps"]]
    check = next(i for i, r in enumerate(plan_runs) if r.startswith("briefgen check --strict --format github"))
    shards = plan_runs.index("scripts/export-plan.sh")
    assert check < shards
    assert "--json --shards" in (ROOT / "scripts/export-plan.sh").read_text()
    # One job per shard, never one per brief: the matrix is the plan's shards.
    export = jobs["export"]
    assert export["needs"] == "plan"
    assert export["strategy"]["matrix"] == {"shard": "${{ fromJSON(needs.plan.outputs.shards) }}"}
    build = next(s for s in export["steps"] if s.get("run") == "scripts/export.sh")
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
    assert script == "scripts/export-plan.sh"
    script = str(ROOT / script)
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
    assert script == "python3 scripts/export-summary.py"
    script = f"python3 {ROOT / 'scripts/export-summary.py'}"
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


IMAGE = ROOT / ".github/workflows/image.yml"
INSTALL_STEP = "Install the runtime dependencies, pinned (byte-identical outputs run to run)"


def test_export_publishes_the_site_once_every_shard_succeeded_and_only_deploy_writes_pages():
    jobs = load(EXPORT)["jobs"]
    site = jobs["site"]
    assert site["needs"] == ["plan", "export"] and "if" not in site  # every shard succeeded, or no site
    runs = [s.get("run") for s in site["steps"]]
    assert runs.index("scripts/export-site.sh merge") < runs.index("scripts/export-site.sh site")
    download = next(s for s in site["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"]["pattern"] == "export-${{ needs.plan.outputs.date }}-shard-*"
    pages = next(s for s in site["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert pages["with"]["path"] == "_site/"
    assert step(site, "Write the site")["env"]["SITE"] == "_site"
    deploy = jobs["deploy"]
    assert deploy["needs"] == "site"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert step(deploy, "deployment")["uses"].startswith("actions/deploy-pages@")
    for name, job in jobs.items():
        if name != "deploy":
            assert "permissions" not in job, f"job {name} asks for more than contents: read"


def test_export_plans_from_the_last_exports_manifests_and_keeps_them_after_a_successful_one():
    jobs = load(EXPORT)["jobs"]
    restore = step(jobs["plan"], "Restore the manifests of the last successful export")
    assert restore["uses"].startswith("actions/cache/restore@")
    assert restore["with"] == {
        "path": "dist/*/manifest.json",
        "key": "export-manifests-${{ github.run_id }}",
        "restore-keys": "export-manifests-",
    }
    names = [s.get("name") for s in jobs["plan"]["steps"]]
    assert names.index("Restore the manifests of the last successful export") < names.index("Plan the shards")
    save = step(jobs["site"], "Keep the manifests for the next plan")  # the site job runs only after every shard
    assert save["uses"].startswith("actions/cache/save@")
    assert save["with"] == {"path": restore["with"]["path"], "key": restore["with"]["key"]}
    # A push exports what it changed, from the commit before it; a manual or scheduled run, everything.
    plan = step(jobs["plan"], "plan")
    assert plan["env"]["CHANGED_SINCE"] == "${{ github.event_name == 'push' && github.event.before || '' }}"
    assert jobs["plan"]["steps"][0]["with"]["fetch-depth"] == 0
    assert jobs["export"]["if"] == "${{ needs.plan.outputs.shards != '[]' }}"


def test_every_export_job_installs_runtime_dependencies_only_from_the_cache_or_once():
    jobs = load(EXPORT)["jobs"]
    for name in ("plan", "export", "site", "reproducible"):
        steps = jobs[name]["steps"]
        install = step(jobs[name], INSTALL_STEP)
        assert install["run"].startswith("scripts/export-install.sh\n"), name
        caches = [s for s in steps[: steps.index(install)] if s.get("uses", "").startswith("actions/cache@")]
        keys = sorted(c["with"]["key"] for c in caches)
        assert keys[0].startswith("export-apt-") and "hashFiles('scripts/system-deps.sh')" in keys[0], name
        assert keys[1].startswith("export-venv-") and "hashFiles('constraints.txt'" in keys[1], name
    installer = (ROOT / "scripts/export-install.sh").read_text()
    assert "-c constraints.txt '.[charts,site]'" in installer
    assert "--group" not in installer and "--test" not in installer and "accessibility" not in installer
    # The image installs with the same script, and is rebuilt when what it installs changes.
    assert "RUN scripts/export-install.sh" in (ROOT / "Dockerfile").read_text()
    paths = set(load(IMAGE)[True]["push"]["paths"])
    assert {"Dockerfile", "constraints.txt", "scripts/system-deps.sh", "pyproject.toml"} <= paths


def test_image_workflow_pushes_to_ghcr_with_packages_write_on_its_one_job():
    jobs = load(IMAGE)["jobs"]
    assert list(jobs) == ["image"]
    job = jobs["image"]
    assert job["permissions"] == {"contents": "read", "packages": "write"}
    assert job["outputs"]["digest"] == "${{ steps.push.outputs.digest }}"
    push = step(job, "push")
    assert push["uses"].startswith("docker/build-push-action@") and push["with"]["push"] is True
    assert "ghcr.io/${GITHUB_REPOSITORY,,}/export" in step(job, "name")["run"]


def test_reproducibility_check_builds_twice_and_compares_in_a_third_job(tmp_path: Path):
    jobs = load(EXPORT)["jobs"]
    assert jobs["reproducible"]["strategy"]["matrix"] == {"build": [1, 2]}
    assert jobs["reproducible-compare"]["needs"] == "reproducible"
    build = step(jobs["reproducible"], "Build the default brief for one audience, PDF and Word, from scratch")
    assert build["run"] == 'scripts/repro-check.sh build "reproducible-$BUILD.sha256"'
    compare = step(jobs["reproducible-compare"], "Compare the sha256 of the two builds")["run"]
    assert compare.startswith("scripts/repro-check.sh compare ")
    script = str(ROOT / "scripts/repro-check.sh")
    same, other = tmp_path / "a.sha256", tmp_path / "b.sha256"
    same.write_text(f"{'a' * 64}  demo/demo-boss.docx\n{'b' * 64}  demo/demo-boss.pdf\n")
    other.write_text(f"{'a' * 64}  demo/demo-boss.docx\n{'c' * 64}  demo/demo-boss.pdf\n")
    result = run_step(f"{script} compare {same} {same}", tmp_path)
    assert result.returncode == 0 and "byte-identical: 2 outputs" in result.stdout
    result = run_step(f"{script} compare {same} {other}", tmp_path)
    assert result.returncode == 1
    assert (
        "::error title=Not byte-identical::the same inputs built twice gave different bytes: demo/demo-boss.pdf;"
        in (result.stdout)
    )
    (tmp_path / "empty").write_text("")
    result = run_step(f"{script} compare {same} {tmp_path / 'empty'}", tmp_path)
    assert result.returncode == 1 and result.stdout.startswith("::error title=Reproducibility not checked::")


def git(cwd: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    return subprocess.run([*command, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_export_plan_of_a_push_exports_only_the_briefs_it_changed(minimal: Path, tmp_path: Path):
    if shutil.which("git") is None:
        pytest.skip("needs git (apt-get install git)")
    shutil.copytree(minimal / "briefs/demo", minimal / "briefs/other")
    git(minimal, "init", "-q")
    git(minimal, "add", "-A")
    git(minimal, "commit", "-qm", "two briefs")
    before = git(minimal, "rev-parse", "HEAD")
    outputs = tmp_path / "github-output"

    def plan(since: str) -> tuple[list[dict], str]:
        outputs.write_text("")
        env = {"SHARDS": "20", "CHANGED_SINCE": since, "GITHUB_OUTPUT": str(outputs), "TMPDIR": str(tmp_path)}
        result = run_step(str(ROOT / "scripts/export-plan.sh"), minimal, **env)
        assert result.returncode == 0, result.stdout + result.stderr
        line = next(x for x in outputs.read_text().splitlines() if x.startswith("shards="))
        return json.loads(line.removeprefix("shards=")), result.stdout + result.stderr

    block = minimal / "briefs/other/blocks/rec-open.yaml"
    block.write_text(block.read_text().replace("Channels matter in full.", "Channels matter, in full."))
    git(minimal, "commit", "-qam", "edit a block of one brief")
    shards, _ = plan(before)
    assert shards == [{"number": 1, "briefs": ["other"], "cost": 20.0}]

    shards, said = plan("HEAD")  # nothing changed since
    assert shards == []
    assert "::notice title=Nothing to export::no brief's outputs changed since HEAD" in said

    audiences = minimal / "audiences.yaml"
    audiences.write_text(audiences.read_text() + "# a comment changes every brief's inputs\n")
    shards, said = plan("HEAD")
    assert sorted(b for s in shards for b in s["briefs"]) == ["demo", "other"]
    assert "::notice title=Exporting every brief::settings, audiences, templates or the house style changed" in said

    shards, said = plan("0" * 40)  # the first push of a branch
    assert sorted(b for s in shards for b in s["briefs"]) == ["demo", "other"]
    assert f"::notice title=Exporting every brief::{'0' * 40} is not in this clone" in said


@pytest.mark.slow
def test_export_dry_run_runs_every_job_of_the_workflow_on_a_copy_of_the_minimal_workspace(
    minimal: Path, tmp_path: Path
):
    shutil.copytree(minimal / "briefs/demo", minimal / "briefs/other")  # two briefs, two shards
    work = tmp_path / "dry-run"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "DRY_RUN_DIR": str(work),
        "TMPDIR": str(tmp_path),
        "SHARDS": "2",
    }
    for name in ("ONLY", "AUDIENCE", "CHANGED_SINCE", "REPRO", "DRY_RUN_CACHE"):
        env.pop(name, None)
    result = subprocess.run(
        [str(ROOT / "scripts/export-dry-run.sh"), str(minimal)], env=env, capture_output=True, text=True
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    jobs = re.findall(r"^=== job (.+)$", out, re.MULTILINE)
    assert jobs == [
        "plan",
        "export (shard 1)",
        "export (shard 2)",
        "summary",
        "site",
        "deploy (preparation)",
        "reproducible (1)",
        "reproducible (2)",
        "reproducible (compare)",
    ]
    assert "plan: 2 brief(s) in 2 shard(s), costed in blocks" in out  # no manifests yet
    date = re.search(r"^date=(.+)$", (work / "plan.out").read_text(), re.MULTILINE).group(1)
    for number, brief in ((1, "demo"), (2, "other")):
        artifact = work / "artifacts" / f"export-{date}-shard-{number}"
        assert f"would upload artifact export-{date}-shard-{number} (kept 30 days)" in out
        assert (artifact / "dist" / brief / "manifest.json").is_file()
        assert not (artifact / "dist/.briefgen-cache").exists()
    assert "## Export: 2 of 2 briefs in 2 shards" in out
    assert "byte-identical: 2 outputs built twice, separately, have the same sha256" in out
    if subprocess.run([tool("briefgen"), "site", "--help"], capture_output=True).returncode == 0:
        assert (work / "jobs/site/_site/index.html").is_file()
        assert "would upload the Pages artifact github-pages: " in out
        assert "would deploy it with actions/deploy-pages to the github-pages environment" in out
    else:
        assert "SKIPPED: 'briefgen site' does not exist in this briefgen yet" in out
    # The manifests the site job kept make the next plan measure seconds, as the next CI run would.
    cached = work / "cache/export-manifests"
    assert sorted(p.relative_to(cached).as_posix() for p in cached.rglob("*.json")) == [
        "demo/manifest.json",
        "other/manifest.json",
    ]
    written = (
        sorted(p.relative_to(minimal).as_posix() for p in (minimal / "dist").rglob("*"))
        if (minimal / "dist").exists()
        else []
    )
    assert not written, f"the dry run wrote into the workspace it was given: {written}"
    shutil.copytree(cached, minimal / "dist")
    outputs = tmp_path / "next-plan"
    result = run_step(
        str(ROOT / "scripts/export-plan.sh"), minimal, SHARDS="2", GITHUB_OUTPUT=str(outputs), TMPDIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert "costed in seconds" in result.stdout
    assert not (minimal / "_site").exists() and not (minimal / "export").exists()  # the workspace is left alone
