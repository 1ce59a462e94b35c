"""Where the time of a one-audience PDF+Word build goes, stage by stage, and what a Word build imports.

Used by row P of benchmarks/run.py: the stages run one after another in one process (PROFILE), and
`python -X importtime` lists the modules a command imports. The figures from before issue 14 are kept
to compare with.
"""

from __future__ import annotations

import subprocess
import sys

PROFILE = """
import json, sys, time
marks = []
start = time.perf_counter()
def mark(name):
    global start
    now = time.perf_counter(); marks.append((name, now - start)); start = now
import briefgen.cli
mark("import (click, rich, YAML, briefgen's loader)")
from pathlib import Path
from briefgen.build import Fingerprints, source_map
from briefgen.document.workspace import open_workspace, default_brief, pick_audiences
from briefgen.content.style import load_style
from briefgen.document.cite import start_cite, resolve_style
from briefgen.document.select import select, SelectOptions
from briefgen.content.language import labels_for
from briefgen.document.number import number_document
ws, _ = open_workspace(Path(sys.argv[1]))
brief = default_brief(ws, None)
audience = pick_audiences(ws, brief, ("analyst",), False)[0]
style = load_style(ws.root)
prints = Fingerprints(ws, brief, style, False)
sources = source_map(brief, prints.digests)
mark("load the workspace, hash its inputs")
doc = select(brief, audience, SelectOptions(markings=ws.config.markings))
doc, _ = number_document(doc, labels_for(doc.language, style.theme.get("labels")))
doc = start_cite(doc, brief.references, resolve_style(doc.csl, brief.folder, ws.root), None)()
mark("select, number, citations (Pandoc citeproc, not cached)")
import briefgen.render.pdf as pdf
mark("import WeasyPrint")
html = pdf.render_html(doc, style, print_mode=True, toc=True)
mark("print HTML")
rendered, _, _ = pdf.layout(doc, style, True)
mark("layout (one pass; HTML parsed again)")
data = rendered.write_pdf(**pdf.PDF_OPTIONS)
mark("PDF writing")
import briefgen.render.docx as docx
mark("import python-docx, docxtpl")
docx.render_docx(doc, style, pdf._heading_pages(rendered), sources)
mark("DOCX")
print(json.dumps(marks))
"""

# Where the time of `build -a analyst -f pdf -f docx` went before issue 14, one stage after the other in
# one process (2026-11-25, by the PROFILE code above, on this machine).
PROFILE_BEFORE = [
    ("import (click, rich, YAML, briefgen's loader)", 0.199),
    ("load the workspace", 0.078),
    ("select, number, citations (Pandoc citeproc)", 0.144),
    ("import WeasyPrint", 0.426),
    ("import python-docx, docxtpl", 0.049),
    ("print HTML", 0.039),
    ("layout (one pass)", 0.845),
    ("PDF writing", 0.471),
    ("DOCX", 0.185),
]


# What `build -a analyst -f docx --force` imported before issue 14 (python -X importtime, cumulative).
IMPORTS_BEFORE = (
    "briefgen.cli 223 ms (click 21, rich 27, briefgen.build 146), WeasyPrint 383 ms, docxtpl 73 ms (python-docx, "
    "Jinja2, lxml): 0.70 s of imports, 0.38 s of them for a PDF engine the Word file did not need"
)


def imports_of(command: list[str]) -> dict[str, float]:
    """Top-level modules a command imports and their cumulative import time in seconds (python -X importtime)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "briefgen", *command], check=True, capture_output=True, text=True
    )
    found: dict[str, float] = {}
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):
            found[parts[2].strip()] = int(parts[1]) / 1e6
    return found


def heaviest_imports(module: str, top: int = 5) -> list[tuple[str, float]]:
    """The top-level packages whose own module code takes longest when `module` is imported, in seconds.

    From `python -X importtime`'s self times, added up by package (rfc3987_syntax, jsonschema, click...):
    what a command pays before it does anything, and which of it belongs to other projects.
    """
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True
    )
    totals: dict[str, float] = {}
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].split(":")[-1].strip().isdigit():
            name = parts[2].strip().split(".")[0]
            totals[name] = totals.get(name, 0.0) + int(parts[0].split(":")[-1]) / 1e6
    return sorted(totals.items(), key=lambda item: -item[1])[:top]


def outside_briefgen(packages: list[str], extras: tuple[str, ...] = ("charts",)) -> list[str] | None:
    """Which of these import packages no distribution of briefgen's dependency closure (with `extras`) brings.

    None when that cannot be told here (no `packaging` to read the requirements with).
    """
    from importlib import metadata

    try:
        from packaging.requirements import Requirement
    except ImportError:
        return None
    wanted: set[str] = set()
    todo = [("briefgen", extras)]
    while todo:
        name, chosen = todo.pop()
        key = name.lower().replace("_", "-")
        if key in wanted:
            continue
        wanted.add(key)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in requires:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for extra in ("", *chosen)):
                todo.append((requirement.name, tuple(requirement.extras)))
    owners = metadata.packages_distributions()
    return [p for p in packages if not {d.lower().replace("_", "-") for d in owners.get(p, [p])} & wanted]
