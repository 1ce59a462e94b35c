"""`briefgen doctor`: why this machine can or cannot build, before a build fails halfway.

Each check says what it found and, when something is missing, what to install. A check of
something every build needs (Pandoc, WeasyPrint's Pango, the house fonts, a folder to write
to) fails the run (exit 1); one of something only some briefs or the test suite need (a font
for Chinese or Arabic, charts, LibreOffice, a browser for axe-core) is a warning.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from briefgen.errors import BriefgenError

# Scripts a brief may be written in, with a character to probe and the Debian fonts that draw it.
_SCRIPTS = (
    ("Latin", "Aa", "fonts-crosextra-carlito"),
    ("Chinese, Japanese and Korean", "\u6f22\u3042", "fonts-noto-cjk"),
    ("Arabic", "\u0627\u0644", "fonts-noto-core (Noto Naskh Arabic)"),
    ("Hebrew", "\u05d0\u05d1", "fonts-noto-core (Noto Sans Hebrew)"),
)


@dataclass(frozen=True)
class Check:
    """One thing doctor looked at: its name, whether it is fine, what was found, and the fix if not."""

    name: str
    status: str  # ok | warning | error
    found: str
    fix: str = ""


@dataclass
class Diagnosis:
    """Every check of one run; `ok` unless something a build needs is missing."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.status != "error" for check in self.checks)

    def record(self, name: str, status: str, found: str, fix: str = "") -> None:
        self.checks.append(Check(name, status, found, fix))

    def to_json(self) -> dict[str, Any]:
        """`doctor --json`'s answer."""
        return {"ok": self.ok, "checks": [asdict(check) for check in self.checks]}


def diagnose(root: Path | None, out: Path | None = None) -> Diagnosis:
    """Every check, in the order a build meets what it checks."""
    from briefgen.runtime.versions import component_versions

    found = Diagnosis()
    python = "ok" if sys.version_info >= (3, 11) else "error"
    found.record("Python", python, sys.version.split()[0], "install Python 3.11 or newer")
    versions = dict(component_versions())
    found.record("briefgen", "ok", versions["briefgen"])
    _pandoc(found, versions["Pandoc"])
    _weasyprint(found, versions["WeasyPrint"])
    workspace = _workspace(found, root)
    _fonts(found, workspace)
    _optional(found)
    if workspace is not None:
        _output(found, workspace, out)
    return found


def _pandoc(found: Diagnosis, version: str) -> None:
    if version.startswith(("unavailable", "(unknown)")):
        found.record("Pandoc", "error", version, "pip install --force-reinstall pypandoc-binary (briefgen's Pandoc)")
    else:
        found.record("Pandoc", "ok", version)


def _weasyprint(found: Diagnosis, version: str) -> None:
    try:
        import weasyprint  # noqa: F401  (loads Pango, HarfBuzz and fontconfig)
    except (ImportError, OSError) as exc:
        fix = "install Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 (see scripts/system-deps.sh)"
        found.record("WeasyPrint", "error", f"{version}, but it cannot start: {exc}", fix)
    else:
        found.record("WeasyPrint", "ok", version)


def _workspace(found: Diagnosis, root: Path | None) -> Any:
    from briefgen.content.loader import find_workspace
    from briefgen.document.workspace import open_workspace

    try:
        ws, _ = open_workspace(root or find_workspace(), None)
    except BriefgenError as exc:
        found.record("workspace", "warning", f"none here ({exc.format_message()})", "run doctor inside a workspace")
        return None
    found.record("workspace", "ok", str(ws.root))
    return ws


def _fonts(found: Diagnosis, ws: Any) -> None:
    from briefgen.content.fonts import FontError, families_with, house_families, pdf_font_config
    from briefgen.content.style import load_style

    if ws is not None:
        try:
            style = load_style(ws.root)
            pdf_font_config(style)
        except (BriefgenError, FontError, OSError) as exc:
            fix = "copy the font's .ttf files into styles/fonts/, or install the font"
            found.record("house fonts", "error", str(exc).splitlines()[0], fix)
        except ImportError:
            pass  # WeasyPrint cannot start: said above
        else:
            found.record("house fonts", "ok", ", ".join(house_families(style)) or "the theme's defaults")
    for script, probe, package in _SCRIPTS:
        families = sorted(families_with(probe))
        if families:
            more = f" and {len(families) - 1} more" if families[1:] else ""
            found.record(f"font for {script}", "ok", families[0] + more)
        else:
            status = "error" if script == "Latin" else "warning"
            found.record(f"font for {script}", status, "none installed", f"apt-get install {package}")


def _optional(found: Diagnosis) -> None:
    charts = importlib.util.find_spec("vl_convert") is not None
    found.record(
        "charts",
        "ok" if charts else "warning",
        "vl-convert installed" if charts else "not installed: briefs with charts cannot be built",
        "" if charts else "pip install 'briefgen[charts]'",
    )
    axe = importlib.util.find_spec("axe_playwright_python") is not None
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    found.record(
        "accessibility checks",
        "ok" if axe and browser else "warning",
        f"axe-core {'installed' if axe else 'not installed'}, Chromium {browser or 'not found'}",
        "" if axe and browser else "pip install 'briefgen[accessibility]' and apt-get install chromium",
    )
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    found.record(
        "LibreOffice",
        "ok" if soffice else "warning",
        _soffice_version(soffice) if soffice else "not found: only the test suite reads Word files with it",
        "" if soffice else "apt-get install libreoffice-writer-nogui (for the review tests)",
    )


def _soffice_version(path: str) -> str:
    try:
        result = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return path
    return result.stdout.strip().splitlines()[0] if result.stdout.strip() else path


def _output(found: Diagnosis, ws: Any, out: Path | None) -> None:
    folder = (out or ws.root / ws.config.output_dir).resolve()
    cache = folder / ".briefgen-cache"
    size = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) if cache.is_dir() else 0
    from briefgen.commands.progress import size_text

    shown = size_text(size)
    found.record("cache", "ok", f"{cache} ({shown if size else 'empty'})")
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not os.access(existing, os.W_OK | os.X_OK):
        found.record(
            "output folder", "error", f"{folder} cannot be written", "choose another with -o, or fix its rights"
        )
        return
    try:  # rights say yes; a read-only mount says no only when written to
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        found.record("output folder", "error", f"{folder} cannot be written ({exc.strerror})", "choose another with -o")
        return
    found.record("output folder", "ok", f"{folder} can be written")


def doctor_lines(found: Diagnosis) -> list[str]:
    """The text `doctor` prints: a line per check, the fix under each that needs one, then the verdict."""
    marks = {"ok": "ok", "warning": "warning", "error": "MISSING"}
    lines = []
    for check in found.checks:
        lines.append(f"{marks[check.status]:>8}  {check.name}: {check.found}")
        if check.fix and check.status != "ok":
            lines.append(f"{'':>8}  fix: {check.fix}")
    errors = sum(check.status == "error" for check in found.checks)
    lines.append(
        "this machine can build briefs"
        if not errors
        else f"this machine cannot build briefs: {errors} thing{'s' * (errors != 1)} missing (see fix: lines)"
    )
    return lines
