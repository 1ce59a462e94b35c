#!/usr/bin/env python3
"""Print the CHANGELOG.md section of one version: a GitHub release's notes come from it.

    scripts/release-notes.py 0.1.0 [--changelog CHANGELOG.md]

Prints the section's body (the lines under `## [0.1.0] - DATE`, up to the next `## ` heading,
without the link definitions at the end of the file). Exits 1, saying so, when the file has no
section for that version or the section is empty, so a release never goes out without notes.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

CHANGELOG = Path(__file__).resolve().parent.parent / "CHANGELOG.md"
HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d\d-\d\d))?\s*$")
LINK_DEFINITION = re.compile(r"^\[[^\]]+\]: \S+\s*$")


class MissingNotes(Exception):
    """The changelog says nothing about the version asked for."""


def section(text: str, version: str) -> str:
    """The body of `## [version] - DATE` in a Keep a Changelog text, stripped; MissingNotes if none."""
    version = version.removeprefix("v")
    lines = text.splitlines()
    start = None
    for number, line in enumerate(lines):
        match = HEADING.match(line)
        if start is not None and (match or line.startswith("## ")):
            end = number
            break
        if match and match["version"] == version:
            if not match["date"]:
                raise MissingNotes(f"the section of {version} has no date: write '## [{version}] - YYYY-MM-DD'")
            start = number + 1
    else:
        end = len(lines)
    if start is None:
        known = [m["version"] for m in map(HEADING.match, lines) if m]
        raise MissingNotes(
            f"no section '## [{version}] - YYYY-MM-DD' in the changelog (it has: {', '.join(known) or 'none'})"
        )
    body = [line for line in lines[start:end] if not LINK_DEFINITION.match(line)]
    notes = "\n".join(body).strip()
    if not notes:
        raise MissingNotes(f"the section of {version} in the changelog is empty")
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="the version, with or without a leading v (0.1.0, v0.1.0)")
    parser.add_argument("--changelog", type=Path, default=CHANGELOG, help="default: CHANGELOG.md of this checkout")
    args = parser.parse_args(argv)
    try:
        notes = section(args.changelog.read_text(encoding="utf-8"), args.version)
    except (OSError, MissingNotes) as error:
        sys.stderr.write(f"release-notes: {error}\n")
        return 1
    sys.stdout.write(notes + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
