"""`check --accessibility`: the built outputs of a brief read as a screen reader's user needs them.

Reads the outputs the brief's manifest lists in its output folder (what `briefgen build` last
wrote there), checks each with the rules of its format (`pdf`: PDF/UA-1 from the Matterhorn
protocol; `word`: Word's Accessibility Checker; `html`: WCAG 2.2 AA with axe-core) and returns
the findings, each with the block whose words are at fault where the output says which. Markdown
is plain text for another tool to render, and has nothing to check.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.build.accessibility.findings import Finding
from briefgen.build.accessibility.html import axe_available, check_html_pages
from briefgen.build.accessibility.pdf import check_pdf
from briefgen.build.accessibility.word import check_docx
from briefgen.diagnostics import Location
from briefgen.model import ContentBlock
from briefgen.publish import MANIFEST, read_manifest

CHECKERS = {"pdf": check_pdf, "docx": check_docx}

__all__ = ["Finding", "OutputFindings", "check_built", "where"]


@dataclass
class OutputFindings:
    """What the check of one brief's output folder found, output by output."""

    folder: Path
    outputs: dict[Path, list[Finding]] = field(default_factory=dict)
    without_axe: str | None = None  # why axe-core did not run on the HTML outputs, when it did not
    changed: list[str] = field(default_factory=list)  # source files changed (or gone) since the build


def check_built(folder: Path, with_axe: bool = True, sources: Path | None = None) -> OutputFindings:
    """Check every PDF, Word and HTML output the manifest in `folder` lists; none when it lists none.

    With `sources` (the brief's folder), also say which of the files it was built from have changed
    since: findings then point at text that may no longer be there.
    """
    manifest = read_manifest(folder / MANIFEST)
    paths = {
        folder / entry["path"]: entry.get("format", "")
        for entry in manifest.get("outputs", [])
        if isinstance(entry, dict) and isinstance(entry.get("path"), str) and "/" not in entry["path"]
    }
    result = OutputFindings(folder, changed=_changed(manifest, sources) if sources else [])
    present = {path: kind for path, kind in paths.items() if path.is_file()}
    for path, kind in sorted(present.items()):
        if kind in CHECKERS:
            result.outputs[path] = CHECKERS[kind](path)
    pages = sorted(path for path, kind in present.items() if kind == "html")
    if pages:
        result.without_axe = axe_available() if with_axe else "not asked for"
        result.outputs.update(check_html_pages(pages, result.without_axe is None))
    return result


def _changed(manifest: dict, sources: Path) -> list[str]:
    """The source files the manifest records whose bytes are no longer what was built from."""
    changed = []
    for entry in manifest.get("sources", {}).values():
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str):
            continue
        try:
            now = hashlib.sha256((sources / path).read_bytes()).hexdigest()
        except OSError:
            now = None
        if now != entry.get("sha256"):
            changed.append(path)
    return sorted(changed)


def where(block: ContentBlock, text: str) -> Location | None:
    """Where in the block's file the words `text` (as an output shows them) begin, or the block itself.

    Outputs add portion marks, note numbers and labels to what the writer wrote, so the longest
    run of the first words that the body's source holds is what is looked for (a link without
    words is found by its address).
    """
    words = re.sub(r"^\s*\([A-Z/ ]+\)\s*", "", text).split()[:8]
    locate = block.body.locate
    for count in range(len(words), 0, -1):
        needle = " ".join(words[:count]).rstrip(".,;:")
        if count == 1 and len(needle) < 12:
            break  # one short word could stand anywhere; a link's address (its only words) can not
        if locate is not None and needle and needle in block.body.source:
            return locate(needle, 0)
    if words and block.title.startswith(" ".join(words[:3])):
        return block.locations.get("title", block.location)
    return block.body.location or block.location
