"""`build -o -`: the one file asked for, written to standard output for a pipe (`... -o - | lpr`).

The file is built as every build is, in the workspace's output folder (its caches and manifest
kept, so the next build is incremental), then its bytes are copied to stdout. The command line
has already refused `-o -` unless one audience and one format were named.
"""

from __future__ import annotations

import sys
from typing import BinaryIO

from briefgen.build import BuildResult
from briefgen.errors import BriefgenError


def output_bytes(result: BuildResult, audience: str, fmt: str) -> bytes:
    """The bytes of the `audience`'s `fmt` output of a build: made now, or up to date on disk."""
    for made in result.outputs:
        if made.audience == audience and made.format == fmt and not made.changes_since:
            return made.data
    for kept in result.up_to_date:
        if kept.get("audience") == audience and kept.get("format") == fmt and not kept.get("changes_since"):
            return (result.out_dir / kept["path"]).read_bytes()
    raise BriefgenError(f"the build made no {fmt} file for audience '{audience}', so nothing was written")


def write_output(result: BuildResult, audience: str, fmt: str, stream: BinaryIO | None = None) -> None:
    """Copy the output to `stream` (standard output's bytes by default) and flush it."""
    data = output_bytes(result, audience, fmt)
    stream = stream or sys.stdout.buffer
    stream.write(data)
    stream.flush()
