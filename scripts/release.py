#!/usr/bin/env python3
"""Build, check and release briefgen's sdist and wheel: the steps of the release and package workflows.

The workflows (.github/workflows/release.yml, package.yml) call these steps one by one, so that what
they do runs, and is tested (tests/test_packaging.py), on a developer's machine too:

    release.py build [--tag vX.Y.Z] [--out dist]
        the sdist, and the wheel built from it, from a clean copy of the tree (the checkout is left
        alone); the tag must name pyproject.toml's version and CHANGELOG.md must have its section;
        twine check --strict; the licence files and the URLs in both
    release.py verify [DIST] [--work DIR] [--constraint FILE] [--sbom FILE] [-- PYTEST ARGS]
        the wheel in a clean virtualenv: `briefgen --version`, `briefgen init demo && cd demo &&
        briefgen build`; a CycloneDX SBOM of that environment; then the test suite of the unpacked
        sdist (scripts/run-tests.sh, or PYTEST ARGS) against the installed wheel, with every extra
    release.py publish [DIST] [--tag vX.Y.Z] [--sbom FILE] [--dry-run]
        the GitHub release of the tag (`gh release create`): wheel, sdist and SBOM, notes from CHANGELOG.md;
        --dry-run prints what would be uploaded, to PyPI and to GitHub, and uploads nothing
    release.py check [-- PYTEST ARGS]
        build, then verify (`make package-check`, the package workflow)
    release.py dry-run [--tag vX.Y.Z] [-- PYTEST ARGS]
        everything a release does (build, verify with the SBOM, the notes), stopping before any upload
    release.py version
        pyproject.toml's version, as the distributions' file names spell it

Run it with a Python that has the `release` dependency group: `pip install --group release`.
PyPI itself is published to only by the release workflow's publish job (trusted publishing).
"""

from __future__ import annotations

import argparse
import email.parser
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Left out of the copy a build starts from when the tree is not a git checkout (an unpacked sdist).
NOT_SOURCES = {".git", ".venv", "dist", "build", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
LICENSE_FILES = ("LICENSE", "THIRD_PARTY_LICENSES.md")
URL_LABELS = ("Source", "Issues", "Changelog", "Documentation")
# The packaging tests build from a git checkout; the checkout's own suite runs them, not the sdist's.
SUITE_FROM_SDIST = ["--ignore=tests/test_packaging.py"]


class Failure(Exception):
    """A check that failed, said in a sentence; the script exits 1 with it."""


@dataclass(frozen=True)
class Dists:
    version: str
    sdist: Path
    wheel: Path

    @property
    def files(self) -> list[Path]:
        return [self.sdist, self.wheel]


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def run(command: Sequence[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    """Run a command as its own step, its output in the log; Failure when it fails."""
    words = [str(word) for word in command]
    say(f"$ {shlex.join(words)}" + (f"    (in {cwd})" if cwd else ""))
    result = subprocess.run(words, cwd=cwd, env=env)
    if result.returncode != 0:
        raise Failure(f"{Path(words[0]).name} {words[1] if len(words) > 1 else ''} failed (exit {result.returncode})")


def output(command: Sequence[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    words = [str(word) for word in command]
    result = subprocess.run(words, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise Failure(f"{shlex.join(words)} failed (exit {result.returncode}): {result.stderr.strip()}")
    return result.stdout


# ---------------------------------------------------------------------------------------------- the project


def project_version(root: Path = ROOT) -> str:
    """pyproject.toml's version, as the file names of the distributions spell it (PEP 440, normalized)."""
    version = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    try:
        from packaging.version import Version  # build depends on packaging
    except ImportError:
        return version
    return str(Version(version))


def release_notes(version: str, root: Path = ROOT) -> str:
    """CHANGELOG.md's section of the version (scripts/release-notes.py); Failure when it has none."""
    spec = importlib.util.spec_from_file_location("release_notes", root / "scripts" / "release-notes.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        return module.section((root / "CHANGELOG.md").read_text(encoding="utf-8"), version)
    except module.MissingNotes as error:
        raise Failure(f"CHANGELOG.md: {error}") from None


def is_git_checkout(root: Path) -> bool:
    return (root / ".git").exists() and shutil.which("git") is not None


def check_tag(tag: str, version: str, root: Path = ROOT) -> None:
    """The tag names pyproject.toml's version and, in a checkout, the commit being built."""
    if tag != f"v{version}":
        raise Failure(
            f"tag {tag} does not match the version in pyproject.toml ({version}): "
            f"tag the release v{version}, or set version = {tag.removeprefix('v')!r} first"
        )
    if is_git_checkout(root):
        tagged = output(["git", "rev-parse", f"{tag}^{{commit}}"], cwd=root).strip()
        head = output(["git", "rev-parse", "HEAD"], cwd=root).strip()
        if tagged != head:
            raise Failure(f"tag {tag} is on commit {tagged[:12]}, but the tree being built is {head[:12]}")
    say(f"tag {tag} matches version {version}")


def source_files(root: Path) -> list[str]:
    """The files a build starts from: in a git checkout, those git tracks or would (not ignored)."""
    if is_git_checkout(root):
        listed = output(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root)
        names = sorted(set(filter(None, listed.split("\0"))))
        return [name for name in names if (root / name).is_file()]
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [s for s in subfolders if s not in NOT_SOURCES and not s.endswith(".egg-info")]
        found += [Path(folder, name).relative_to(root).as_posix() for name in files]
    return sorted(found)


def warn_if_uncommitted(root: Path, dry_run: bool) -> None:
    """A release is built from a commit: uncommitted changes stop it, and only warn in a dry run."""
    if not is_git_checkout(root):
        return
    changes = output(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root).strip()
    if not changes:
        return
    if not dry_run:
        raise Failure(f"the checkout has uncommitted changes; a release is built from its tagged commit:\n{changes}")
    say(f"warning: uncommitted changes are included in this dry run:\n{changes}")


# ---------------------------------------------------------------------------------------------- build


def find_dists(folder: Path, version: str) -> Dists:
    sdist = folder / f"briefgen-{version}.tar.gz"
    wheel = folder / f"briefgen-{version}-py3-none-any.whl"
    missing = [path.name for path in (sdist, wheel) if not path.is_file()]
    if missing:
        raise Failure(f"{folder} has no {' and no '.join(missing)}: run `scripts/release.py build` first")
    return Dists(version, sdist, wheel)


def build(out: Path, tag: str | None = None, dry_run: bool = False) -> Dists:
    """The sdist and the wheel (built from the sdist, as pip would), checked; into `out`."""
    version = project_version()
    if tag:
        check_tag(tag, version)
        warn_if_uncommitted(ROOT, dry_run)
    release_notes(version)  # a version without its CHANGELOG.md section is not ready to ship
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="briefgen-build-") as temporary:
        source, built = Path(temporary, "source"), Path(temporary, "dist")
        for name in source_files(ROOT):
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name, follow_symlinks=False)
        run([sys.executable, "-m", "build", "--outdir", built, source])
        made = sorted(path.name for path in built.iterdir())
        dists = find_dists(built, version)
        if made != sorted(path.name for path in dists.files):
            raise Failure(f"the build made {made}, not one sdist and one wheel of {version}")
        for path in dists.files:
            shutil.copy2(path, out / path.name)
    dists = find_dists(out, version)
    run([sys.executable, "-m", "twine", "check", "--strict", *dists.files])
    inspect(dists)
    for path in dists.files:
        say(f"built {path}")
    return dists


def sdist_names(sdist: Path) -> set[str]:
    """The sdist's files, relative to its top folder."""
    with tarfile.open(sdist) as archive:
        return {name.partition("/")[2] for name in archive.getnames() if "/" in name}


def wheel_metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.BytesParser().parsebytes(archive.read(name))


def inspect(dists: Dists) -> None:
    """What twine does not check: the licence files in both, the metadata PyPI shows, the test suite in the sdist."""
    names = sdist_names(dists.sdist)
    with zipfile.ZipFile(dists.wheel) as archive:
        wheel_names = archive.namelist()
    licenses = f"briefgen-{dists.version}.dist-info/licenses/"
    for name in LICENSE_FILES:
        if name not in names:
            raise Failure(f"{dists.sdist.name} has no {name}")
        if licenses + name not in wheel_names:
            raise Failure(f"{dists.wheel.name} has no {licenses}{name}")
    for name in ("tests/conftest.py", "pyproject.toml", "CHANGELOG.md", "scripts/run-tests.sh"):
        if name not in names:
            raise Failure(f"{dists.sdist.name} has no {name}: its test suite could not run (see MANIFEST.in)")
    metadata = wheel_metadata(dists.wheel)
    if metadata.get("License-Expression") != "MIT":
        raise Failure(f"{dists.wheel.name}: License-Expression is {metadata.get('License-Expression')!r}, not 'MIT'")
    labels = {url.partition(",")[0].strip() for url in metadata.get_all("Project-URL") or []}
    if missing := [label for label in URL_LABELS if label not in labels]:
        raise Failure(f"{dists.wheel.name}: no Project-URL for {', '.join(missing)}")
    say(f"contents: {len(names)} files in the sdist; LICENSE, License-Expression: MIT and {len(labels)} URLs")


# ---------------------------------------------------------------------------------------------- verify


def clean_environment(venv: Path) -> dict[str, str]:
    """The environment a user of that virtualenv has: its bin first, nothing of this checkout's Python."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PYTHONHOME") and not key.startswith("PYTEST_")  # not a pytest worker's
    }
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def unpack_sdist(sdist: Path, into: Path) -> Path:
    with tarfile.open(sdist) as archive:
        archive.extractall(into, filter="data")
    top = into / sdist.name.removesuffix(".tar.gz")
    if not (top / "pyproject.toml").is_file():
        raise Failure(f"{sdist.name} does not unpack to {top.name}/pyproject.toml")
    return top


def smoke_test(venv: Path, work: Path, version: str) -> None:
    """The README's first steps, with the installed wheel: --version, a new workspace that builds at once."""
    env = clean_environment(venv)
    briefgen = venv / "bin" / "briefgen"
    first = output([briefgen, "--version"], cwd=work, env=env).splitlines()[0]
    say(f"$ briefgen --version    -> {first}")
    if first != f"briefgen {version}":
        raise Failure(f"briefgen --version says {first!r}, not 'briefgen {version}'")
    run([briefgen, "init", "demo"], cwd=work, env=env)
    run([briefgen, "build"], cwd=work / "demo", env=env)
    outputs = sorted(p.suffix for p in (work / "demo" / "dist").rglob("*") if p.suffix in (".pdf", ".docx"))
    if ".pdf" not in outputs or ".docx" not in outputs:
        raise Failure(f"briefgen build in a new workspace made no PDF and Word file ({outputs})")
    for manifest in (work / "demo" / "dist").glob("*/manifest.json"):
        recorded = json.loads(manifest.read_text(encoding="utf-8")).get("briefgen_version")
        if recorded != version:
            raise Failure(f"{manifest} records briefgen {recorded}, not {version}")
    say(f"smoke test: the new workspace built {len(outputs)} PDF and Word files")


def sbom_tool(work: Path) -> str:
    """A Python that runs cyclonedx-bom: this one (the release group installed), or a tool venv made for it.

    The test group leaves cyclonedx-bom out: it brings jsonschema's format checkers, which slow every
    briefgen process of the test venv by most of a second.
    """
    import importlib.util

    if importlib.util.find_spec("cyclonedx_py") is not None:
        return sys.executable
    tool = work / "sbom-tool"
    if not (tool / "bin" / "python").exists():
        run([sys.executable, "-m", "venv", tool])
        run([tool / "bin" / "python", "-m", "pip", "install", "--quiet", "cyclonedx-bom>=5.0"])
    return str(tool / "bin" / "python")


def write_sbom(venv: Path, pyproject: Path, sbom: Path, version: str) -> None:
    """A CycloneDX SBOM of the virtualenv the wheel was installed into: briefgen and its dependencies."""
    sbom.parent.mkdir(parents=True, exist_ok=True)
    run(
        [sbom_tool(venv.parent), "-m", "cyclonedx_py", "environment", "--pyproject", pyproject]
        + ["--mc-type", "application", "--output-reproducible", "--output-format", "JSON"]
        + ["--output-file", sbom, venv / "bin" / "python"]
    )
    document = json.loads(sbom.read_text(encoding="utf-8"))
    root = document.get("metadata", {}).get("component", {})
    if document.get("bomFormat") != "CycloneDX" or (root.get("name"), root.get("version")) != ("briefgen", version):
        raise Failure(f"{sbom} is not a CycloneDX SBOM of briefgen {version}")
    say(f"SBOM: {sbom}, briefgen {version} and {len(document.get('components', []))} components it installs")


def require_pip_with_groups() -> None:
    """The pip that installs into the clean virtualenv must read dependency groups (pip >= 25.1)."""
    from importlib.metadata import version

    major, minor = (int(part) for part in version("pip").split(".")[:2])
    if (major, minor) < (25, 1):
        raise Failure(f"pip {version('pip')} cannot install dependency groups: python -m pip install --upgrade pip")


def verify(
    dist: Path,
    work: Path | None = None,
    constraint: Path | None = None,
    sbom: Path | None = None,
    pytest_args: Sequence[str] = (),
) -> None:
    """The wheel installed into a clean virtualenv and used; the suite of the sdist run against it."""
    dists = find_dists(dist, project_version())
    require_pip_with_groups()
    with tempfile.TemporaryDirectory(prefix="briefgen-verify-") as temporary:
        work = work or Path(temporary)
        for leftover in ("sdist", "demo"):  # of an earlier run with the same --work
            shutil.rmtree(work / leftover, ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
        venv = work / "venv"
        # No pip in it: this Python's pip installs into it, so the SBOM lists briefgen and what it needs, only.
        run([sys.executable, "-m", "venv", "--clear", "--without-pip", venv])
        python = venv / "bin" / "python"
        pip = [sys.executable, "-m", "pip", "--python", python, "--disable-pip-version-check", "install", "--quiet"]
        pins = ["--constraint", constraint.resolve()] if constraint else []
        env = clean_environment(venv)
        run([*pip, *pins, dists.wheel.resolve()], cwd=work, env=env)
        smoke_test(venv, work, dists.version)
        source = unpack_sdist(dists.sdist, work / "sdist")
        if sbom:
            write_sbom(venv, source / "pyproject.toml", sbom.resolve(), dists.version)
        extras = ",".join(wheel_metadata(dists.wheel).get_all("Provides-Extra") or [])
        wheel = f"{dists.wheel.resolve()}[{extras}]" if extras else str(dists.wheel.resolve())
        # what the suite needs besides: every extra, the test group, and pip (tests build wheels)
        run([*pip, *pins, wheel, "pip", "--group", f"{source / 'pyproject.toml'}:test"], cwd=work, env=env)
        imported = output([python, "-c", "import briefgen; print(briefgen.__file__)"], cwd=source, env=env).strip()
        if not Path(imported).is_relative_to(venv):
            raise Failure(f"the suite would test {imported}, not the installed wheel")
        run(["bash", source / "scripts" / "run-tests.sh", python, *SUITE_FROM_SDIST, *pytest_args], cwd=source, env=env)
        say(f"verified {dists.wheel.name} and the suite of {dists.sdist.name}")


# ---------------------------------------------------------------------------------------------- publish


def publish(dist: Path, tag: str | None, sbom: Path | None, dry_run: bool) -> None:
    """The GitHub release: wheel, sdist and SBOM, with the version's CHANGELOG.md section as notes."""
    dists = find_dists(dist, project_version())
    if tag:
        check_tag(tag, dists.version)
    elif not dry_run:
        raise Failure("name the tag to release (--tag v" + dists.version + ")")
    else:
        tag = f"v{dists.version}"
        say(f"no tag given: this dry run describes the release of {tag}")
    notes = release_notes(dists.version)
    assets = [*dists.files, *([sbom] if sbom else [])]
    missing = [str(path) for path in assets if not path.is_file()]
    if missing:
        raise Failure(f"nothing to attach at {', '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="briefgen-notes-") as temporary:
        notes_file = Path(temporary, "notes.md")
        notes_file.write_text(notes + "\n", encoding="utf-8")
        command = ["gh", "release", "create", tag, *map(str, assets), "--verify-tag"]
        command += ["--title", f"briefgen {dists.version}", "--notes-file", str(notes_file)]
        if not dry_run:
            run(command)
            return
        say("dry run: stopping before upload; nothing was uploaded.")
        say("would upload to PyPI (the release workflow's publish job, trusted publishing):")
        for path in dists.files:
            say(f"  {path.name}")
        say(f"would create the GitHub release {tag}, attaching:")
        for path in assets:
            say(f"  {path.name}")
        say(f"would run: {shlex.join(command[:3])} ... --title {shlex.quote(command[-3])}")
        say(f"release notes ({len(notes.splitlines())} lines, from CHANGELOG.md):")
        for line in notes.splitlines():
            say(f"  | {line}")


# ---------------------------------------------------------------------------------------------- the command line


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    pytest_args: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, pytest_args = argv[:at], argv[at + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog="Arguments after -- go to pytest.")
    steps = parser.add_subparsers(dest="step", required=True)
    for name in ("build", "check", "dry-run"):
        step = steps.add_parser(name)
        step.add_argument("--out", type=Path, default=ROOT / "dist", help="where the sdist and wheel go (dist/)")
        if name != "check":
            step.add_argument("--tag", help="the release's tag, vX.Y.Z: checked against pyproject.toml's version")
    for name in ("verify", "check", "dry-run"):
        step = steps.choices.get(name) or steps.add_parser(name)
        if name == "verify":
            step.add_argument("dist", type=Path, nargs="?", default=ROOT / "dist")
        step.add_argument("--work", type=Path, help="a folder for the virtualenv, the demo and the sdist (a temporary)")
        step.add_argument("--constraint", type=Path, help="install with these pins (constraints.txt)")
    for name in ("verify", "dry-run"):
        steps.choices[name].add_argument("--sbom", type=Path, help="write a CycloneDX SBOM of the installed wheel here")
    steps.add_parser("version", help="print pyproject.toml's version, as the distributions' names spell it")
    step = steps.add_parser("publish")
    step.add_argument("dist", type=Path, nargs="?", default=ROOT / "dist")
    step.add_argument("--tag", help="the tag to release, vX.Y.Z")
    step.add_argument("--sbom", type=Path, help="the SBOM to attach")
    step.add_argument("--dry-run", action="store_true", help="print what would be uploaded, upload nothing")
    args = parser.parse_args(argv)
    try:
        if args.step == "version":
            say(project_version())
        elif args.step == "build":
            build(args.out, args.tag)
        elif args.step == "verify":
            verify(args.dist, args.work, args.constraint, args.sbom, pytest_args)
        elif args.step == "check":
            verify(build(args.out).sdist.parent, args.work, args.constraint, None, pytest_args)
        elif args.step == "dry-run":
            version = project_version()
            sbom = args.sbom or args.out / f"briefgen-{version}.cdx.json"
            build(args.out, args.tag, dry_run=True)
            verify(args.out, args.work, args.constraint, sbom, pytest_args)
            publish(args.out, args.tag, sbom, dry_run=True)
        else:
            publish(args.dist, args.tag, args.sbom, args.dry_run)
    except Failure as error:
        sys.stderr.write(f"release: {error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
