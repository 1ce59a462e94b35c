"""Shared fixtures: the repository's own workspace, small fixture workspaces, and real builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefgen.build import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_fixture(name: str, dest: Path) -> Path:
    """A private copy of a fixture workspace that a test may edit."""
    target = dest / name
    shutil.copytree(FIXTURES / name, target)
    return target


def copy_repo_workspace(dest: Path) -> Path:
    """A private copy of the repository's own workspace (settings, briefs, styles): no output, no caches."""
    dest.mkdir(parents=True)
    for name in ("briefgen.yaml", "audiences.yaml"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("briefs", "styles", "templates", "assets"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name)
    return dest


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    return copy_fixture("minimal", tmp_path)


@pytest.fixture(scope="session")
def default_build(tmp_path_factory) -> Path:
    """The default brief built once for every audience, in PDF, DOCX and HTML."""
    out = tmp_path_factory.mktemp("dist")
    build(ROOT, BuildOptions(all_audiences=True, formats=("pdf", "docx", "html"), out_dir=out))
    return out / "japan-russia"


@pytest.fixture(scope="session")
def minimal_build(tmp_path_factory) -> Path:
    """The minimal fixture built for every audience."""
    out = tmp_path_factory.mktemp("mindist")
    build(FIXTURES / "minimal", BuildOptions(all_audiences=True, formats=("pdf", "docx", "html"), out_dir=out))
    return out / "demo"


@pytest.fixture(scope="session")
def default_build_md(tmp_path_factory) -> Path:
    """The default brief as Pandoc Markdown and Word, for every audience."""
    out = tmp_path_factory.mktemp("mddist")
    build(ROOT, BuildOptions(all_audiences=True, formats=("md", "docx"), out_dir=out))
    return out / "japan-russia"
