"""The CI and export workflows: valid, pinned, least-privilege, and the export runs locally too."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (pip install '.[test]')")
    return path


def test_actionlint_passes():
    result = subprocess.run([tool("actionlint"), *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_passes():
    result = subprocess.run(
        [tool("zizmor"), "--offline", str(ROOT / ".github" / "workflows")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actions_pinned_and_permissions_least_privilege():
    for path in WORKFLOWS:
        text = path.read_text()
        for use in re.findall(r"uses:\s*(\S+)", text):
            assert re.search(r"@[0-9a-f]{40}$", use), f"{path.name}: {use} is not pinned to a commit"
        workflow = yaml.safe_load(text)
        assert workflow["permissions"] == {"contents": "read"}, path.name


def test_export_workflow_triggers_and_steps():
    workflow = yaml.safe_load((ROOT / ".github/workflows/export.yml").read_text())
    triggers = workflow[True]  # YAML reads the key 'on' as true
    assert triggers["schedule"][0]["cron"].endswith("1-5")
    assert set(triggers["workflow_dispatch"]["inputs"]) == {"brief", "audience"}
    assert set(triggers["push"]["paths"]) == {
        "briefs/**",
        "audiences.yaml",
        "briefgen.yaml",
        "templates/**",
        "styles/**",
    }
    export_steps = workflow["jobs"]["export"]["steps"]
    assert any(step.get("run") == "make export" for step in export_steps)
    upload = next(s for s in export_steps if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["name"] == "brief-${{ matrix.brief }}-${{ steps.date.outputs.today }}"


def test_export_script_checks_and_builds_every_brief(minimal: Path, tmp_path: Path):
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
    env["AUDIENCE"] = "nobody"
    failed = subprocess.run([str(ROOT / "scripts/export.sh")], cwd=minimal, env=env, capture_output=True, text=True)
    assert failed.returncode == 2 and "no audience named 'nobody'" in failed.stderr
