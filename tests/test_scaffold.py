"""Scaffolding: new blocks and briefs that pass check, workspaces that build at once, nothing overwritten."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT

from briefgen.cli import cli
from briefgen.commands.scaffold import init_workspace, new_block, new_brief, slugify
from briefgen.document.workspace import open_workspace
from briefgen.errors import UsageError


def test_slugify():
    assert slugify("Turn the screws!") == "turn-the-screws"
    assert slugify("Hokkaidō's islands") == "hokkaidos-islands"
    assert slugify("???") == "block"


@pytest.mark.parametrize("title", ["China's leverage", "China\u2019s leverage", "China\u02bcs leverage"])
def test_apostrophes_are_dropped_not_turned_into_dashes(minimal: Path, title: str):
    path = new_block(minimal, "demo", "context", "prose", title)
    assert path.name == "chinas-leverage.yaml"


def test_init_writes_a_gitignore_so_the_first_commit_leaves_outputs_out(tmp_path: Path):
    root = tmp_path / "ws"
    written = init_workspace(root)
    assert root / ".gitignore" in written
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "dist/example").mkdir(parents=True)
    (root / "dist/example/example-analyst.pdf").write_bytes(b"%PDF")
    (root / ".venv/bin").mkdir(parents=True)
    (root / ".venv/bin/python").write_bytes(b"")
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    staged = subprocess.run(
        ["git", "-C", str(root), "diff", "--cached", "--name-only"], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert ".gitignore" in staged and "briefgen.yaml" in staged
    assert not [name for name in staged if name.startswith(("dist/", ".venv/"))]


def test_init_keeps_an_existing_gitignore(tmp_path: Path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / ".gitignore").write_text("secrets/\n", encoding="utf-8")
    written = init_workspace(root)
    assert root / ".gitignore" not in written
    assert (root / ".gitignore").read_text(encoding="utf-8") == "secrets/\n"


@pytest.mark.parametrize("kind", ["prose", "recommendation", "risk", "leverage"])
def test_new_block_has_every_field_of_its_kind_and_passes_check(minimal: Path, kind: str):
    path = new_block(minimal, "demo", "context", kind, f"A new {kind}")
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/block.schema.json\n")
    data = yaml.safe_load(text)
    assert data["status"] == "draft" and data["section"] == "context"
    from briefgen.content.schema import KIND_FIELDS

    assert set(KIND_FIELDS[kind]) <= set(data)
    _, diags = open_workspace(minimal)
    assert diags.errors == []


def test_new_never_overwrites(minimal: Path):
    new_block(minimal, "demo", "context", "prose", "Same title")
    with pytest.raises(UsageError, match="already exists; briefgen never overwrites"):
        new_block(minimal, "demo", "context", "prose", "Same title")
    with pytest.raises(UsageError, match="already exists"):
        new_brief(minimal, "demo")
    with pytest.raises(UsageError, match="has no section 'contxt' \\(did you mean 'context'\\?\\)"):
        new_block(minimal, "demo", "contxt")


def test_new_brief_and_init_build_at_once(tmp_path: Path):
    root = tmp_path / "ws"
    init_workspace(root)
    assert (root / "schemas" / "block.schema.json").is_file()
    new_brief(root, "second")
    runner = CliRunner()
    result = runner.invoke(cli, ["-w", str(root), "check", "--strict"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["-w", str(root), "build", "second", "--all-audiences", "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (root / "dist" / "second").glob("*.pdf")) == [
        "second-analyst.pdf",
        "second-policymaker.pdf",
        "second-press.pdf",
    ]
    with pytest.raises(UsageError):
        init_workspace(root)


@pytest.mark.slow
def test_init_works_from_an_installed_wheel_outside_the_repository(tmp_path: Path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "wheel"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "wheel").glob("briefgen-*.whl"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(tmp_path / "site"), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    code = "import briefgen, sys; print(briefgen.__file__); from briefgen.cli import main; main()"
    for args in (["init", "ws"], ["-w", "ws", "build", "-q", "-a", "analyst"]):
        result = subprocess.run(
            [sys.executable, "-c", code, *args], cwd=outside, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert str(tmp_path / "site") in result.stdout
    assert (outside / "ws" / "dist" / "example" / "example-analyst.pdf").stat().st_size > 5000


@pytest.mark.parametrize(
    "title", ["Risk: fishing talks collapse", "#1 priority", "Yes", '"Quoted" start', "[Draft] idea"]
)
def test_any_title_makes_valid_yaml(minimal: Path, title: str):
    path = new_block(minimal, "demo", "context", "prose", title)
    assert yaml.safe_load(path.read_text())["title"] == title
    with pytest.raises(UsageError, match="cannot be a brief id"):
        new_brief(minimal, "con")
