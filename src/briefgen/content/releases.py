"""The register of a brief's issued versions, read from the records `briefgen release` writes.

Each issued version is `briefs/<brief>/releases/<version>/release.yaml`. An audience with
`show_history: true` prints the register (version, date, note) at the end of its brief, so the
records are read here, as any other input: parsed as plain data, size-limited, a record that
cannot be read left out rather than trusted.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

RELEASES = "releases"  # briefs/<brief>/releases/<version>/: the snapshots of each issued version
RECORD = "release.yaml"
MAX_RECORD = 256 * 1024  # bytes: a record lists a version, dates, a note and a few hashes


def release_records(brief_folder: Path) -> list[Path]:
    """The release.yaml of each issued version of the brief in `brief_folder`."""
    return sorted((brief_folder / RELEASES).glob(f"*/{RECORD}"))


def read_record(path: Path) -> dict | None:
    """One release record as plain data, or None when it is too large or not a mapping."""
    try:
        if path.stat().st_size > MAX_RECORD:
            return None
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return data if isinstance(data, dict) else None


def version_key(version: str) -> tuple:
    """1.2 before 1.10: numbers compared as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[.\-_]", version))


def issued_records(brief_folder: Path) -> list[dict]:
    """Each readable release record of the brief, oldest first (by date, then version)."""
    records = [r for r in map(read_record, release_records(brief_folder)) if r is not None]
    return sorted(records, key=lambda r: (str(r.get("date", "")), version_key(str(r.get("version", "")))))


def issued_versions(brief_folder: Path) -> tuple[tuple[str, str, str], ...]:
    """(version, the brief's date, note) of each issued version, oldest first."""
    records = issued_records(brief_folder)
    return tuple((str(r.get("version", "")), str(r.get("date", "")), str(r.get("note") or "")) for r in records)
