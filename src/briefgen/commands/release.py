"""`briefgen release`: record an issued version of a brief, what each audience read, to compare with later.

A release writes `briefs/<brief>/releases/<version>/`: one `<audience>.yaml` per audience (the
snapshot of what that audience's brief said, `document/snapshot.py`: one line per paragraph, so
`git diff` reads well), the document itself as `<audience>.document.json` (what a redline is
drawn against, `document/stored.py`) and `release.yaml` (version, the brief's date, the note, the audiences, the
SHA-256 of each output issued and the git commit). The folder is meant to be committed beside the
brief. It is written whole or not at all; releasing the same content again changes nothing, and a
version already released with other content is refused, as are a workspace `check` rejects and
blocks still in draft or review unless they are left out on purpose.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefgen.build import BuildOptions, build, document_for
from briefgen.commands.check import open_checked
from briefgen.content.releases import RECORD, RELEASES, issued_records
from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.document.changes import AudienceChanges, compare
from briefgen.document.select import SelectOptions, audiences_for, select
from briefgen.document.snapshot import snapshot
from briefgen.document.stored import (
    DOCUMENT_SUFFIX,
    MAX_RECORD,
    VERSION_NAME,
    dump_document,
    release_folder,
    unreadable,
)
from briefgen.document.workspace import default_brief, named_or_default
from briefgen.errors import ContentError, UsageError
from briefgen.model import Brief, Document, Workspace

MAX_SNAPSHOT = MAX_RECORD


@dataclass
class Release:
    """What `release` did: the version, its folder, and whether anything was written."""

    brief: str
    version: str
    folder: Path
    written: bool
    audiences: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # blocks in draft or review, not issued
    shown: str = ""  # the folder as the workspace names it: briefs/<brief>/releases/<version>

    def to_json(self) -> dict[str, Any]:
        """What `briefgen release --json` answers: the same facts as the line."""
        return {
            "brief": self.brief,
            "version": self.version,
            "folder": self.shown,
            "written": self.written,
            "audiences": list(self.audiences),
            "left_out": list(self.left_out),
        }

    def summary(self) -> str:
        """The line `briefgen release` prints."""
        if not self.written:
            return f"{self.brief}: version {self.version} is already released with this content ({self.shown})"
        left = f"; left out, not approved: {', '.join(self.left_out)}" if self.left_out else ""
        return f"{self.brief}: released version {self.version} for {', '.join(self.audiences)} in {self.shown}{left}"


def stored_json(doc: Document, root: Path) -> bytes:
    """The document as `build --changes-since` reads it back (`document/stored.py`): compact, stable JSON."""
    text = json.dumps(dump_document(doc, root), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def dump(data: Any) -> bytes:
    """YAML as releases are written: keys in the order given, one line per paragraph, UTF-8."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1_000_000).encode("utf-8")


def release(
    root: Path | None,
    brief_name: str | None = None,
    version: str | None = None,
    note: str = "",
    leave_out_drafts: bool = False,
) -> Release:
    """Record the current content of a brief as issued `version` (default: brief.yaml's version)."""
    ws, diags = open_checked(root, named_or_default(root, brief_name))
    if diags.has_errors():
        raise ContentError(diags, ws.root, "nothing was released")
    brief = default_brief(ws, brief_name)
    version = _version(brief, version)
    audiences = audiences_for(ws, brief)
    pending = _pending(ws, brief, audiences)
    if pending and not leave_out_drafts:
        found = Diagnostics()
        names = ", ".join(block.id for block in pending)
        found.error(
            codes.RELEASE_DRAFTS,
            f"{_blocks_are(len(pending))} still in draft or review ({names}), so version {version} would go out "
            "without them; approve them, or release without them on purpose with --leave-out-drafts",
            pending[0].locations.get("status") or Location(pending[0].path),
        )
        raise ContentError(found, ws.root, "nothing was released")
    folder = brief.folder / RELEASES / version
    files = _records(ws, brief, audiences)
    left_out = [block.id for block in pending]
    result = Release(brief.id, version, folder, False, list(audiences), left_out, _relative(folder, ws.root))
    if folder.exists():
        if _same(folder, files):
            return result  # the same content, released again: nothing to do
        found = Diagnostics()
        found.error(
            codes.RELEASE_EXISTS,
            f"version {version} was already released with other content ({_relative(folder, ws.root)}); "
            "raise version: in brief.yaml to issue the changes as a new version",
            _version_line(brief),
        )
        raise ContentError(found, ws.root, "nothing was released")
    built = build(ws.root, BuildOptions(brief=brief.id, all_audiences=True))
    outputs = {
        entry["path"]: entry["sha256"]
        for entry in built.manifest.get("outputs", [])
        if entry.get("audience") in audiences and not entry.get("draft") and not entry.get("changes_since")
    }
    record = {
        "version": version,
        "date": brief.date.isoformat(),
        "released": dt.date.today().isoformat(),
        "note": note,
        "brief": brief.id,
        "audiences": list(audiences),
        "outputs": dict(sorted(outputs.items())),
        "commit": _commit(ws.root),
    }
    files[RECORD] = dump(record)
    _write_folder(folder, files)
    result.written = True
    return result


def _records(ws: Workspace, brief: Brief, audiences: dict[str, Any]) -> dict[str, bytes]:
    """Per audience, what it reads: its snapshot (words, for people and `diff`) and its document (for redlines)."""
    files: dict[str, bytes] = {}
    for name, profile in audiences.items():
        doc = document_for(ws, brief, profile)
        files[f"{name}.yaml"] = dump(snapshot(doc))
        files[f"{name}{DOCUMENT_SUFFIX}"] = stored_json(doc, ws.root)
    return files


def _blocks_are(count: int) -> str:
    return "1 block is" if count == 1 else f"{count} blocks are"


def _version(brief: Brief, version: str | None) -> str:
    """The version to record: --version, or brief.yaml's, which the outputs print (the two must agree)."""
    printed = (brief.version or "").strip()
    if version and printed and version.strip() != printed:
        raise UsageError(
            f"{brief.id}: --version {version} differs from version: {printed} in brief.yaml, which the issued "
            f"outputs print; set version: {version} in brief.yaml (then --version is not needed)"
        )
    version = (version or printed).strip()
    if not version:
        raise UsageError(f"{brief.id}: brief.yaml has no version; add 'version: 1.0' to it, or give --version")
    if not VERSION_NAME.fullmatch(version):
        source = "brief.yaml's version" if version == printed else "--version"
        raise UsageError(
            f"{brief.id}: {source} {version!r} cannot name a folder; use letters, digits, '.', '-' and '_' "
            "(such as 1.0 or 2024-03)"
        )
    return version


def _version_line(brief: Brief) -> Location:
    """Where `version:` stands in brief.yaml (the file itself when it is not there)."""
    try:
        lines = brief.path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return Location(brief.path)
    line = next((n for n, text in enumerate(lines, start=1) if re.match(r"version\s*:", text)), 0)
    return Location(brief.path, line, 1 if line else 0)


def _pending(ws: Workspace, brief: Brief, audiences) -> list:
    """Blocks some audience would receive once approved, that are in draft or review now."""
    pending: dict[str, Any] = {}
    for profile in audiences.values():
        now = {b.id for b in select(brief, profile, SelectOptions(markings=ws.config.markings)).blocks}
        later = select(brief, profile, SelectOptions(drafts=True, markings=ws.config.markings)).blocks
        for block in later:
            if block.id not in now:
                pending.setdefault(block.id, next(b for b in brief.blocks if b.id == block.id))
    return sorted(pending.values(), key=lambda block: block.id)


def _same(folder: Path, files: dict[str, bytes]) -> bool:
    """Whether `folder` holds exactly these snapshots (its release.yaml aside)."""
    try:
        held = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != RECORD}
    except OSError:
        return False
    return held == files


def _commit(root: Path) -> str:
    """The git commit the workspace is at ('' outside git), with '+changes' when files differ from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=30)
        if head.returncode != 0:
            return ""
        status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return head.stdout.strip() + ("+changes" if status.stdout.strip() else "")


def _write_folder(folder: Path, files: dict[str, bytes]) -> None:
    """The release folder whole or not at all: written beside it, then renamed into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def releases(root: Path | None, brief_name: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    """The issued versions of a brief, oldest first: each release.yaml as written."""
    ws, _diags = open_checked(root, named_or_default(root, brief_name))
    brief = default_brief(ws, brief_name)
    return brief.id, issued_records(brief.folder)


def releases_lines(brief: str, found: list[dict[str, Any]]) -> list[str]:
    """`briefgen releases` as text: one line per issued version."""
    if not found:
        return [f"{brief}: no version released yet ('briefgen release' records one)"]
    lines = []
    for record in found:
        parts = [str(record.get("version")), f"dated {record.get('date')}"]
        parts += [f"released {record['released']}"] if record.get("released") else []
        parts += [", ".join(record.get("audiences", []))] + ([str(record["note"])] if record.get("note") else [])
        lines.append("  ".join(parts))
    return lines


def released_snapshots(brief: Brief, version: str, root: Path) -> dict[str, dict[str, Any]]:
    """What each audience read in issued `version`, by audience; refused by name when it was never released.

    The records are inputs like any other: a version that is not a plain folder name, a file that
    is a link out of the workspace, or a file larger than `MAX_SNAPSHOT` is refused by name.
    """
    folder = release_folder(brief, version)
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == RECORD:
            continue
        problem = unreadable(path, root, MAX_SNAPSHOT)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) if problem is None else None
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            problem = f"{path.name} cannot be read as a release record ({type(exc).__name__})"
        if problem is not None or not isinstance(data, dict) or not isinstance(data.get("sections"), list):
            why = problem or f"{path.name} is not a record 'briefgen release' wrote"
            raise UsageError(f"{_relative(folder, root)}: {why}; release the version again from its git commit")
        found[path.stem] = data
    return found


def changes_since(root: Path | None, version: str, brief_name: str | None = None) -> tuple[str, list[AudienceChanges]]:
    """Per audience, what changed in the brief since issued `version` (`briefgen diff --since`)."""
    ws, diags = open_checked(root, named_or_default(root, brief_name))
    if diags.has_errors():
        raise ContentError(diags, ws.root, "nothing was compared")
    brief = default_brief(ws, brief_name)
    before = released_snapshots(brief, version, ws.root)
    audiences = audiences_for(ws, brief)
    now = {name: snapshot(document_for(ws, brief, profile)) for name, profile in audiences.items()}
    names = list(audiences) + [name for name in before if name not in audiences]
    return brief.id, [compare(before.get(name), now.get(name), name) for name in names]


def changes_report(root: Path | None, version: str, brief_name: str | None) -> str:
    """What `briefgen diff --since VERSION` prints: per audience, what changed."""
    name, changes = changes_since(root, version, brief_name)
    return "\n".join(changes_lines(name, version, changes))


def changes_json(root: Path | None, version: str, brief_name: str | None) -> dict[str, Any]:
    """`briefgen diff --since VERSION --json`'s answer: the same facts as the text, under stable keys."""
    name, changes = changes_since(root, version, brief_name)
    return {"brief": name, "since": version, "audiences": [change.to_json() for change in changes]}


def changes_lines(brief: str, version: str, changes: list[AudienceChanges]) -> list[str]:
    """`briefgen diff --since` as text: per audience, each block added, removed, moved or revised."""
    lines = [f"{brief}: changes since version {version}"]
    for audience in changes:
        if not audience.changed:
            lines.append(f"  {audience.audience}: no change")
            continue
        lines.append(f"  {audience.audience}:")
        for key, (old, new) in audience.masthead.items():
            lines.append(f"    {key}: {old or '(none)'} -> {new or '(none)'}")
        lines += [f"    section added: {title}" for title in audience.sections_added]
        lines += [f"    section removed: {title}" for title in audience.sections_removed]
        if any(audience.bottom_line):
            lines.append(f"    bottom line revised (+{audience.bottom_line[0]} -{audience.bottom_line[1]} words)")
        for change in audience.blocks:
            words = f" (+{change.inserted} -{change.deleted} words)" if change.inserted or change.deleted else ""
            kind = "moved and revised" if change.kind == "moved" and change.revised else change.kind
            where = f" in {change.section}"
            if change.kind == "moved" and change.was_section != change.section:
                where = f" from {change.was_section} to {change.section}"
            lines.append(f"    {kind} {change.block} '{change.title}'{where}{words}")
    return lines
