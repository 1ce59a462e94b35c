"""What each output is made from, hashed: an output whose inputs did not change is neither rebuilt nor touched.

An output's fingerprint covers every file of its brief and workspace that can shape it, the
figures its audience's document shows, briefgen's own code, and the versions of the engines of
its format (the registry's `Format.engines`, Pandoc, and for formats that need the PDF layout
the system's text layout libraries). The manifest records it; `is_current` compares it, and the
file on disk, with what a build is about to make. The sources are hashed in the same pass, once,
for the manifest's source and figure maps.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Any

from briefgen.content.figures import figure_blocks, figure_inputs
from briefgen.content.fonts import fingerprint as font_fingerprint
from briefgen.content.releases import RELEASES, release_records
from briefgen.content.style import HouseStyle
from briefgen.document.number import figures_of
from briefgen.document.select import SelectOptions, audiences_for, select
from briefgen.errors import BriefgenError
from briefgen.model import AudienceProfile, Brief
from briefgen.runtime.files import sha256
from briefgen.runtime.formats import format_named
from briefgen.runtime.pandoc import pandoc_identity
from briefgen.runtime.versions import code_identity


def source_map(brief: Brief, digests: dict[Path, str] | None = None) -> dict[str, dict[str, str]]:
    """Block id -> its file (relative to the brief) and content hash, so any paragraph traces back.

    `digests` holds the hashes already taken (each file is read once per build, see `input_digest`).
    """
    digests = {} if digests is None else digests
    return {
        block.id: {"path": block.path.relative_to(brief.folder).as_posix(), "sha256": input_digest(block.path, digests)}
        for block in sorted(brief.blocks, key=lambda b: b.id)
    }


def figure_map(brief: Brief, digests: dict[Path, str] | None = None) -> dict[str, dict[str, Any]]:
    """Each file a figure is made from (relative to the brief's folder) -> its hash and the blocks that show it."""
    digests = {} if digests is None else digests
    return {
        Path(os.path.relpath(path, brief.folder.resolve())).as_posix(): {
            "sha256": input_digest(path, digests),
            "blocks": blocks,
        }
        for path, blocks in sorted(figure_blocks(brief).items())
    }


def input_digest(path: Path, digests: dict[Path, str]) -> str:
    """The hash of an input the build uses, read once and remembered in `digests`.

    A file that is gone (deleted or renamed after the workspace was loaded) cannot be vouched
    for: the build stops before writing anything.
    """
    if path not in digests:
        try:
            digests[path] = sha256(path.read_bytes())
        except OSError:
            digests[path] = "-"
    if digests[path] == "-":
        raise BriefgenError(
            f"{path} was deleted or renamed while briefgen was reading the brief; nothing was written. "
            "Put the file back (or finish moving it) and build again"
        )
    return digests[path]


# ---------------------------------------------------------------- the engines that shape each format

# Each format's own engines are in the registry (`Format.engines`); these shape every format, or the layout.
# every format prints formatted citations; the styles briefgen ships (defaults/csl/) are in code_identity()
CITATION_ENGINES = ("pypandoc_binary",)
LAYOUT_LIBRARIES = ("libpango-1.0", "libpangoft2-1.0", "libharfbuzz", "libfontconfig")


@functools.cache
def installed_versions() -> dict[str, str]:
    """Distribution name (lower case, with underscores) -> version, for everything importable.

    Read from the names of the `*.dist-info` folders on sys.path, as an import would find them
    first: no module is imported and no metadata file is parsed (importlib.metadata costs 15 ms).
    """
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist, _, version = name[: -len(".dist-info")].partition("-")
                found.setdefault(dist.lower().replace("-", "_").replace(".", "_"), version)
    return found


@functools.cache
def layout_libraries() -> str:
    """The system libraries WeasyPrint lays text out with (Pango, HarfBuzz, fontconfig), by file name and size.

    A library's versioned file name (libpango-1.0.so.0.5000.12) changes with every upgrade.
    """
    folders = [f"/usr/lib/{getattr(sys.implementation, '_multiarch', '')}", "/usr/lib64", "/usr/lib"]
    folders += ["/usr/local/lib", "/opt/homebrew/lib", os.path.join(sys.prefix, "lib")]
    found: dict[str, str] = {}
    for folder in dict.fromkeys(folders):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for library in LAYOUT_LIBRARIES:
            matches = [n for n in names if n.startswith(library + ".") and (".so" in n or n.endswith(".dylib"))]
            if matches and library not in found:
                name = max(matches, key=len)  # the real file; the shorter names link to it
                try:
                    found[library] = f"{name}:{os.stat(os.path.join(folder, name)).st_size}"
                except OSError:
                    continue
    return " ".join(found.get(library, f"{library}:-") for library in LAYOUT_LIBRARIES)


@functools.cache
def engine_identity(fmt: str) -> str:
    """The versions of the engines that make `fmt` from a document: part of each output's fingerprint.

    An upgrade of WeasyPrint, python-docx, Pandoc or Pango rebuilds the outputs it shapes; an
    unchanged environment does not. Cheap enough for every no-op rebuild: directory listings
    and a few file dates, remembered for the life of the process.
    """
    shaping = format_named(fmt)  # an unknown format is an error, not a format without engines
    versions = installed_versions()
    parts = [f"{name}={versions.get(name, '-')}" for name in (*shaping.engines, *CITATION_ENGINES)]
    parts.append(pandoc_identity())
    if shaping.needs_layout:
        parts.append(layout_libraries())
    return " ".join(parts)


# ---------------------------------------------------------------- the fingerprint of each output


class Fingerprints:
    """Hashes of every input of an output, so an unchanged output is neither rebuilt nor touched."""

    def __init__(self, ws, brief: Brief, style: HouseStyle, drafts: bool):
        self.digests: dict[Path, str] = {}
        self._shown: dict[str, str] = {}
        self.ws, self.brief, self.drafts = ws, brief, drafts
        # A figure's files count only for the outputs that show it (see `of`).
        self.figure_files = {p for files in figure_inputs(brief).values() for p in files}
        # Of briefgen.yaml only the markings shape an output; formats or a comment must not rebuild all.
        files: list[tuple[str, Path]] = [("ws/audiences.yaml", ws.root / "audiences.yaml")]
        # The records of issued versions (`briefgen release`) are what was built, not what to build.
        files += [
            (f"brief/{p.relative_to(brief.folder).as_posix()}", p)
            for p in brief.folder.rglob("*")
            if p.is_file() and p.resolve() not in self.figure_files and p.relative_to(brief.folder).parts[0] != RELEASES
        ]
        # Bibliographies and CSL files may live elsewhere in the workspace.
        files += [(f"bib/{p.name}", p) for p in brief.bibliography_files]
        files += [(f"csl/{p.name}", p) for p in style_files(brief, ws)]
        for index, folder in enumerate((*style.template_dirs, *style.style_dirs)):
            if folder.is_dir():
                files += [
                    (f"style{index}/{p.relative_to(folder).as_posix()}", p)
                    for p in folder.rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts
                ]
        digest = sha256("\n".join(f"{name} {self._file(path)}" for name, path in sorted(files)).encode())
        markings = [(m.id, m.banner, m.portion) for m in ws.config.markings]
        self.common = (
            f"{digest} {code_identity()} drafts={drafts} markings={markings} "
            f"epoch={os.environ.get('SOURCE_DATE_EPOCH', '')} fonts={font_fingerprint(style)}"
        )

    def _file(self, path: Path) -> str:
        if path not in self.digests:
            try:
                self.digests[path] = sha256(path.read_bytes()) if path.is_file() else "-"
            except OSError:  # deleted a moment ago
                self.digests[path] = "-"
        return self.digests[path]

    def of(self, audience: AudienceProfile, fmt: str) -> str:
        """The fingerprint of one output: every input file, the figures it shows, and the engines of its format."""
        shown = self.shown(audience)
        # the register of issued versions counts only for an audience that prints it
        history = " ".join(self._file(p) for p in release_records(self.brief.folder)) if audience.show_history else ""
        return sha256(f"{self.common} {audience.id} {fmt} {shown} {history} engines={engine_identity(fmt)}".encode())

    def shown(self, audience: AudienceProfile) -> str:
        """The files of the figures this audience's document shows, with their hashes."""
        if not self.figure_files:
            return ""
        if audience.id not in self._shown:
            self._shown[audience.id] = self._figures_shown(audience)
        return self._shown[audience.id]

    def _figures_shown(self, audience: AudienceProfile) -> str:
        doc = select(self.brief, audience, SelectOptions(drafts=self.drafts, markings=self.ws.config.markings))
        pictures = [f.picture for f in figures_of(doc) if f.picture is not None]
        files = sorted({p for picture in pictures for p in picture.inputs})
        shown = sorted(picture.digest for picture in pictures)  # a chart drawn anew (new converter) rebuilds too
        return " ".join([*(f"{p.as_posix()}={self._file(p)}" for p in files), *shown])


def style_files(brief: Brief, ws) -> list[Path]:
    """The workspace .csl files the brief and its audiences name (shipped styles are hashed in code_identity())."""
    names = {brief.csl, *(a.csl for a in audiences_for(ws, brief).values() if a.csl)}
    return sorted(brief.folder / name for name in names if name.endswith(".csl"))


def is_current(entry: dict | None, inputs: str, out_dir: Path) -> bool:
    """Whether the file a manifest entry records was made from `inputs` and is still on disk as made."""
    if not entry or entry.get("inputs") != inputs:
        return False
    path = out_dir / entry.get("path", "")
    try:
        return path.stat().st_size == entry.get("bytes") and sha256(path.read_bytes()) == entry.get("sha256")
    except OSError:
        return False
