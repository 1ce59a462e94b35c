"""The sdist and wheel, the version, the licences and the release: what users and packagers receive.

The slow tests build the distributions with scripts/release.py, as CI and the release workflow do,
from a copy of the tree into tmp_path (never into the checkout), then look inside them: every file
git tracks is in the sdist and its suite collects, the licence files and the metadata PyPI shows are
in both, and a dry run of the release on a test tag builds, checks, installs, writes the SBOM and the
notes, and stops before uploading.
"""

from __future__ import annotations

import ast
import email.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from conftest import CHECKOUT, ROOT

import briefgen

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]
RELEASE = ROOT / "scripts" / "release.py"
BIN = Path(sys.executable).parent
WORKSPACE_FILES = [
    "briefgen.yaml",
    "audiences.yaml",
    "Makefile",
    "constraints.txt",
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
    "THIRD_PARTY_LICENSES.md",
    "SECURITY.md",
    "MANIFEST.in",
    "pyproject.toml",
    "tests/conftest.py",
    "scripts/run-tests.sh",
    "scripts/release.py",
    "scripts/release-notes.py",
]
WORKSPACE_FOLDERS = ["briefs", "styles", "templates", "schemas", "scripts", "docs", "benchmarks", "tests"]
URLS = {
    "Source": "https://github.com/briefgen/briefgen",
    "Issues": "https://github.com/briefgen/briefgen/issues",
    "Changelog": "https://github.com/briefgen/briefgen/blob/main/CHANGELOG.md",
    "Documentation": "https://github.com/briefgen/briefgen#readme",
}


def git_files() -> list[str]:
    """The files git tracks in the checkout (and that exist: a file being deleted is not asked for)."""
    if not (CHECKOUT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs a git checkout: the sdist's own suite leaves the packaging tests out")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=CHECKOUT, capture_output=True, text=True, check=True)
    return [name for name in listed.stdout.split("\0") if name and (CHECKOUT / name).is_file()]


def release(*args: str, cwd: Path = CHECKOUT, script: Path = CHECKOUT / "scripts/release.py"):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    return subprocess.run([sys.executable, str(script), *args], cwd=cwd, env=env, capture_output=True, text=True)


def release_notes_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("release_notes", ROOT / "scripts" / "release-notes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wheel_metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        return email.parser.BytesParser().parsebytes(archive.read(f"briefgen-{VERSION}.dist-info/METADATA"))


def checkout_leftovers() -> dict[str, float]:
    """What a build run in the checkout would leave: build/, *.egg-info and distributions in dist/."""
    found = [CHECKOUT / "build", *CHECKOUT.glob("*.egg-info"), *CHECKOUT.glob("src/*.egg-info")]
    found += CHECKOUT.glob("dist/briefgen-*")
    return {str(path): path.stat().st_mtime for path in found if path.exists()}


# ---------------------------------------------------------------------------------------------- the version


def test_the_version_is_written_once_in_pyproject_and_read_from_the_installed_metadata():
    assert "version" not in PYPROJECT["project"].get("dynamic", [])
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc|\.post|\.dev)\d+)?", VERSION)
    written = []  # a string that is the version, or a string assigned to __version__, anywhere in the code
    for path in sorted((ROOT / "src").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            version_string = isinstance(node, ast.Constant) and node.value == VERSION
            assigned = isinstance(node, ast.Assign | ast.AnnAssign) and "__version__" in ast.unparse(node).split("=")[0]
            if version_string or (assigned and isinstance(node.value, ast.Constant)):
                written.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert written == [], "the version is written in pyproject.toml only"
    assert briefgen.__version__ == metadata.version("briefgen") == VERSION


def test_every_place_that_prints_the_version_prints_pyprojects():
    result = subprocess.run([str(BIN / "briefgen"), "--version"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"briefgen {VERSION}"
    from briefgen.render.docx import app_version
    from briefgen.runtime.versions import code_identity

    assert code_identity().startswith(f"{VERSION}+")  # every cache key and the manifests' code identity
    major, minor, patch = (int(n) for n in VERSION.split(".")[:3])
    assert app_version() == f"{major:02d}.{minor:02d}{patch:02d}"  # Word's AppVersion


def test_without_an_installed_distribution_the_version_comes_from_the_source_trees_pyproject(monkeypatch, tmp_path):
    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    assert briefgen.installed_version() == VERSION  # src/briefgen/../../pyproject.toml: a checkout, an sdist
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "other"\nversion = "9.9.9"\n')
    assert briefgen._source_tree_version(other) == briefgen.UNKNOWN_VERSION
    assert briefgen._source_tree_version(tmp_path / "missing.toml") == briefgen.UNKNOWN_VERSION
    other.write_text("not [toml")
    assert briefgen._source_tree_version(other) == briefgen.UNKNOWN_VERSION


# ---------------------------------------------------------------------------------------------- changelog


def test_the_changelog_has_an_unreleased_section_and_a_dated_one_for_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "\n## [Unreleased]\n" in text
    assert re.search(rf"^## \[{re.escape(VERSION)}\] - \d{{4}}-\d\d-\d\d$", text, re.MULTILINE)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/release-notes.py"), f"v{VERSION}"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() and "## [" not in result.stdout
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/release-notes.py"), "99.0.0"], capture_output=True, text=True
    )
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("release-notes: no section '## [99.0.0] - YYYY-MM-DD' in the changelog")


def test_release_notes_are_the_versions_section_alone():
    notes = release_notes_module()
    text = (
        "# Changelog\n\n## [Unreleased]\n\n- next\n\n## [1.1.0] - 2027-02-01\n\n### Fixed\n\n- a fix\n\n"
        "## [1.0.0] - 2027-01-01\n\n- first\n\n[Unreleased]: https://x/compare/v1.1.0...HEAD\n"
        "[1.1.0]: https://x/v1.1.0\n"
    )
    assert notes.section(text, "1.1.0") == "### Fixed\n\n- a fix"
    assert notes.section(text, "v1.0.0") == "- first"  # the last section, without the link definitions
    with pytest.raises(notes.MissingNotes, match=r"no section .*\(it has: Unreleased, 1.1.0, 1.0.0\)"):
        notes.section(text, "1.2.0")
    with pytest.raises(notes.MissingNotes, match="has no date"):
        notes.section(text, "Unreleased")
    with pytest.raises(notes.MissingNotes, match="is empty"):
        notes.section("## [2.0.0] - 2027-03-01\n\n## [1.0.0] - 2027-01-01\n- x\n", "2.0.0")


# ---------------------------------------------------------------------------------------------- metadata


def test_the_licence_and_the_project_urls_are_declared():
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"
    assert {"LICENSE", "THIRD_PARTY_LICENSES.md"} <= set(project["license-files"])
    assert project["urls"] == URLS
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n\nCopyright (c) 2026 the briefgen authors\n")
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in licence


def test_every_bundled_third_party_file_is_named_with_its_licence():
    """Fonts and CSL styles under src/briefgen/defaults/ are others' work: each matches a line of the list."""
    listing = (ROOT / "THIRD_PARTY_LICENSES.md").read_text(encoding="utf-8")
    rows = [line for line in listing.splitlines() if line.startswith("| `src/")]
    patterns = [pattern for row in rows for pattern in re.findall(r"`(src/[^`]+)`", row.split("|")[1])]
    defaults = ROOT / "src/briefgen/defaults"
    theirs = [p for p in defaults.rglob("*") if p.suffix.lower() in (".ttf", ".otf", ".woff", ".woff2", ".csl")]
    assert theirs, "the defaults bundle the Carlito fonts at least"
    globs = [re.compile(re.escape(p).replace(r"\*\*/", "(.*/)?").replace(r"\*", "[^/]*")) for p in patterns]
    for path in theirs:
        name = path.relative_to(ROOT).as_posix()
        assert any(glob.fullmatch(name) for glob in globs), f"{name} is not named in THIRD_PARTY_LICENSES.md"
    assert "OFL-1.1" in listing and "CC-BY-SA-3.0" in listing


def test_extras_are_features_and_the_tools_are_dependency_groups():
    assert set(PYPROJECT["project"]["optional-dependencies"]) <= {"accessibility", "charts", "site"}
    groups = PYPROJECT["dependency-groups"]
    assert {"test", "dev", "release"} <= set(groups)
    test_tools = {re.split(r"[<>=\[ ]", item)[0] for item in groups["test"] if isinstance(item, str)}
    assert {"build", "twine"} <= test_tools and "cyclonedx-bom" not in test_tools  # see pyproject.toml
    assert {"include-group": "test"} in groups["dev"]
    release_tools = {re.split(r"[<>=\[ ]", item)[0] for item in groups["release"]}
    assert release_tools == {"build", "twine", "cyclonedx-bom"}


def test_no_install_line_asks_for_the_old_test_or_dev_extras():
    old_extras = re.compile(r"\.\[[a-z,]*\b(test|dev)\b[a-z,]*\]")
    found = []
    for path in ROOT.rglob("*"):
        if path.is_file() and path.suffix in ("", ".md", ".yml", ".yaml", ".txt", ".py", ".sh", ".toml", ".in"):
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in old_extras.finditer(text)]
    assert found == []
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --upgrade pip\n" in makefile  # dependency groups need pip >= 25.1
    assert "pip install --quiet -e '.[charts,accessibility,site]' --group test --group dev\n" in makefile


def test_constraints_are_made_on_one_python_and_ci_installs_with_them_there():
    header = [line for line in (ROOT / "constraints.txt").read_text().splitlines() if line.startswith("#")]
    made_on = re.search(r"Made on:\s+Python (\d+\.\d+)", "\n".join(header))
    assert made_on, "constraints.txt says which Python it was made on"
    python = made_on.group(1)
    workflows = ROOT / ".github/workflows"
    test = yaml.safe_load((workflows / "ci.yml").read_text())["jobs"]["test"]
    assert {"python-version": python, "constraints": "constraints.txt"} in test["strategy"]["matrix"]["include"]
    run = next(s for s in test["steps"] if "bash .ci/run" in s.get("run", ""))
    assert run["env"] == {"CONSTRAINTS": "${{ matrix.constraints }}"}
    assert 'export PIP_CONSTRAINT="$CONSTRAINTS"' in run["run"]
    package = yaml.safe_load((workflows / "ci.yml").read_text())["jobs"]["package"]
    setup = next(s for s in package["steps"] if "setup-python" in s.get("uses", ""))
    assert setup["with"]["python-version"] == python
    assert "--constraint constraints.txt" in next(
        s["run"] for s in package["steps"] if "release.py" in s.get("run", "")
    )
    export = yaml.safe_load((workflows / "export.yml").read_text())["jobs"]
    for job in ("plan", "export", "site"):
        setup = next(s for s in export[job]["steps"] if "setup-python" in s.get("uses", ""))
        assert setup["with"]["python-version"] == python
        assert any("scripts/export-install.sh" in s.get("run", "") for s in export[job]["steps"])
    assert " -c constraints.txt " in (ROOT / "scripts/export-install.sh").read_text()


def test_the_release_workflow_builds_once_and_only_its_publish_job_gets_a_token():
    workflow = yaml.safe_load((ROOT / ".github/workflows/release.yml").read_text())
    triggers = workflow[True]
    assert triggers["push"] == {"tags": ["v*"]}
    dry_run = triggers["workflow_dispatch"]["inputs"]["dry_run"]
    assert dry_run["type"] == "boolean" and dry_run["default"] is True
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    builds = [name for name, job in jobs.items() for s in job["steps"] if "release.py build" in s.get("run", "")]
    assert builds == ["build"]
    upload = next(s for s in jobs["build"]["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["name"] == "dist" and upload["with"]["path"] == "dist/"
    assert any("release.py verify dist" in s.get("run", "") and "--sbom" in s["run"] for s in jobs["verify"]["steps"])
    with_token = [name for name, job in jobs.items() if "id-token" in job.get("permissions", {})]
    assert with_token == ["publish-pypi"]
    publish = jobs["publish-pypi"]
    assert publish["permissions"] == {"id-token": "write", "attestations": "write"}
    assert publish["environment"]["name"] == "pypi"
    uses = [s["uses"].split("@")[0] for s in publish["steps"]]
    assert uses == ["actions/download-artifact", "actions/attest-build-provenance", "pypa/gh-action-pypi-publish"]
    assert "password" not in json.dumps(publish)  # trusted publishing, no token
    github = jobs["github-release"]
    assert github["permissions"] == {"contents": "write"}
    assert "publish-pypi" in github["needs"]
    for job in (publish, github):  # a dry run, or a run by hand on a branch, uploads nothing
        assert job["if"] == "${{ github.ref_type == 'tag' && !inputs.dry_run }}"
    assert "release.py publish dist --tag" in github["steps"][-1]["run"]


def test_a_tag_that_does_not_name_the_version_stops_the_release_before_it_builds(tmp_path):
    result = release("build", "--tag", "v99.0.0", "--out", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr == (
        f"release: tag v99.0.0 does not match the version in pyproject.toml ({VERSION}): "
        f"tag the release v{VERSION}, or set version = '99.0.0' first\n"
    )
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------- the distributions


@pytest.fixture(scope="module")
def distributions(tmp_path_factory) -> Path:
    """The sdist and wheel, built by scripts/release.py from the checkout into a temporary folder."""
    out = tmp_path_factory.mktemp("dist")
    before = checkout_leftovers()
    result = release("build", "--out", str(out))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    assert checkout_leftovers() == before, "the build wrote into the checkout"
    return out


@pytest.mark.slow
def test_the_sdist_holds_every_file_git_tracks_and_both_carry_the_licence(distributions: Path):
    sdist = distributions / f"briefgen-{VERSION}.tar.gz"
    wheel = distributions / f"briefgen-{VERSION}-py3-none-any.whl"
    assert sorted(p.name for p in distributions.iterdir()) == sorted([sdist.name, wheel.name])
    with tarfile.open(sdist) as archive:
        names = {name.partition("/")[2] for name in archive.getnames()}
    missing = [name for name in git_files() if name not in names]
    assert missing == [], "in git but not in the sdist (MANIFEST.in)"
    assert [name for name in WORKSPACE_FILES if name not in names] == []
    assert all(any(n.startswith(folder + "/") for n in names) for folder in WORKSPACE_FOLDERS)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or n.startswith((".venv/", "dist/"))]

    with zipfile.ZipFile(wheel) as archive:
        wheel_names = set(archive.namelist())
    licenses = f"briefgen-{VERSION}.dist-info/licenses/"
    assert {licenses + "LICENSE", licenses + "THIRD_PARTY_LICENSES.md"} <= wheel_names
    assert licenses + "src/briefgen/defaults/styles/fonts/LICENSE-Carlito.txt" in wheel_names
    assert {
        "briefgen/defaults/styles/fonts/Carlito-Regular.ttf",
        "briefgen/defaults/templates/brief.docx",
    } <= wheel_names
    assert not [n for n in wheel_names if n.startswith("tests/")]

    meta = wheel_metadata(wheel)
    assert meta["Metadata-Version"] == "2.4"
    assert meta["License-Expression"] == "MIT"
    assert {"LICENSE", "THIRD_PARTY_LICENSES.md"} <= set(meta.get_all("License-File"))
    assert meta["Version"] == VERSION
    urls = dict(url.split(", ", 1) for url in meta.get_all("Project-URL"))
    assert urls == URLS
    assert not [e for e in meta.get_all("Provides-Extra") or [] if e in ("test", "dev")]

    twine = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)], capture_output=True, text=True
    )
    assert twine.returncode == 0, twine.stdout + twine.stderr
    assert twine.stdout.count("PASSED") == 2


@pytest.mark.slow
def test_the_suite_of_the_unpacked_sdist_collects_without_errors(distributions: Path, tmp_path: Path):
    with tarfile.open(distributions / f"briefgen-{VERSION}.tar.gz") as archive:
        archive.extractall(tmp_path, filter="data")
    source = tmp_path / f"briefgen-{VERSION}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(source / "src")  # the sdist's own code, not the checkout's editable install
    check = [sys.executable, "-c", "import briefgen; print(briefgen.__file__)"]
    assert subprocess.run(check, cwd=source, env=env, capture_output=True, text=True).stdout.startswith(str(source))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly"],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ tests collected in [\d.]+s", summary), summary
    assert int(summary.split()[0]) > 1000


@pytest.mark.slow
def test_a_dry_run_of_the_release_on_a_test_tag_does_everything_but_upload(tmp_path: Path):
    """scripts/release.py dry-run in a git clone with a v<version> tag, as the release workflow runs it."""
    clone = tmp_path / "clone"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
    )
    if listed.returncode != 0:
        pytest.skip("needs a git checkout: the sdist's own suite leaves the packaging tests out")
    for name in filter(None, listed.stdout.split("\0")):  # the working tree as it is, uncommitted edits too
        if (CHECKOUT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(CHECKOUT / name, clone / name, follow_symlinks=False)
    git = [
        "git",
        "-c",
        "user.name=Release Test",
        "-c",
        "user.email=release@example.invalid",
        "-c",
        "commit.gpgsign=false",
    ]
    for command in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-q", "-m", "test"],
        ["tag", f"v{VERSION}"],
    ):
        subprocess.run([*git, *command], cwd=clone, check=True, capture_output=True)
    out, work = tmp_path / "out", tmp_path / "work"
    result = release(
        "dry-run",
        "--tag",
        f"v{VERSION}",
        "--out",
        str(out),
        "--work",
        str(work),
        "--",
        "tests/test_yamlsrc.py",
        cwd=clone,
        script=clone / "scripts/release.py",
    )
    log = result.stdout
    assert result.returncode == 0, log[-6000:] + result.stderr[-3000:]

    sdist, wheel, sbom = (
        f"briefgen-{VERSION}.tar.gz",
        f"briefgen-{VERSION}-py3-none-any.whl",
        f"briefgen-{VERSION}.cdx.json",
    )
    assert sorted(p.name for p in out.iterdir()) == sorted([sdist, wheel, sbom])
    assert f"tag v{VERSION} matches version {VERSION}" in log
    checked = re.sub(r"\s+|\x1b\[\d*m", "", log)  # twine's lines, wrapped and coloured by rich
    assert f"{wheel}:PASSED" in checked and f"{sdist}:PASSED" in checked
    assert f"$ briefgen --version    -> briefgen {VERSION}" in log
    assert "smoke test: the new workspace built 6 PDF and Word files" in log
    assert re.search(r"\n=+ \d+ passed in [\d.]+s =+\n", log), "the sdist's tests ran against the wheel"

    document = json.loads((out / sbom).read_text(encoding="utf-8"))
    assert document["bomFormat"] == "CycloneDX" and document["specVersion"].startswith("1.")
    root = document["metadata"]["component"]
    assert (root["name"], root["version"], root["type"]) == ("briefgen", VERSION, "application")
    components = {c["name"].lower(): c for c in document["components"]}
    assert {"weasyprint", "python-docx", "pypandoc-binary", "jinja2"} <= {n.replace("_", "-") for n in components}
    assert not {"pip", "setuptools", "pytest"} & set(components), "the SBOM is briefgen's, not the tools'"

    stop = log.index("dry run: stopping before upload; nothing was uploaded.")
    assert "\n$ gh " not in log and "twine upload" not in log
    plan = log[stop:]
    assert (
        f"would upload to PyPI (the release workflow's publish job, trusted publishing):\n  {sdist}\n  {wheel}\n"
        in plan
    )
    assert f"would create the GitHub release v{VERSION}, attaching:\n  {sdist}\n  {wheel}\n  {sbom}\n" in plan
    notes = release_notes_module().section((CHECKOUT / "CHANGELOG.md").read_text(encoding="utf-8"), VERSION)
    assert "".join(f"  | {line}\n" for line in notes.splitlines()) in plan
    assert not list(clone.glob("build")) and not list(clone.glob("src/*.egg-info")), "built from a copy"
