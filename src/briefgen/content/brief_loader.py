"""A brief's folder to a `Brief`: brief.yaml, its bibliography and every block file.

The files of all briefs being loaded are read first, together, so that Pandoc reads the
Markdown of every field in one run (`read_files`); a brief is then built from them.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.content.bibliography import load_references
from briefgen.content.block_loader import (
    block_paths,
    date_field,
    load_blocks,
    markdown_field,
    markdown_sources,
    separate_block_cross_references,
)
from briefgen.content.confine import inside
from briefgen.content.crossrefs import separate_cross_references
from briefgen.content.markdown import read_many
from briefgen.content.schema import BRIEF_SCHEMA
from briefgen.content.schema_check import validate_file
from briefgen.content.typography import typeset
from briefgen.content.yamlsrc import Node, load_yaml
from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.model import Author, Brief, Section


def read_files(
    folders: list[Path], diags: Diagnostics, root: Path, cache: Path | None = None
) -> dict[Path, Node | None]:
    """Every brief.yaml and block file of these briefs, read once; their Markdown read by Pandoc in one run."""
    files: dict[Path, Node | None] = {}
    for folder in folders:
        files[folder / "brief.yaml"] = load_yaml(folder / "brief.yaml", diags, root)
        for path in block_paths(folder / "blocks"):
            if inside(path, root):
                files[path] = load_yaml(path, diags, root)
    read_many((text for node in files.values() for text in markdown_sources(node)), cache)
    return files


def load_brief(
    folder: Path, diags: Diagnostics, root: Path | None = None, files: dict[Path, Node | None] | None = None
) -> Brief | None:
    """One brief folder: brief.yaml, its bibliography and every block file."""
    files = files if files is not None else read_files([folder], diags, root or folder)
    path = folder / "brief.yaml"
    node = files.get(path)
    if node is None or not validate_file(node, BRIEF_SCHEMA, diags):
        load_blocks(folder / "blocks", diags, root or folder, files)  # their own mistakes are reported too
        return None
    data = node.value
    date_value = date_field(data["date"])
    assert date_value is not None  # the schema requires a date
    bib_paths = _bibliography_paths(node, folder, diags)
    references = load_references(bib_paths, diags, root or folder)
    blocks = load_blocks(folder / "blocks", diags, root or folder, files)
    block_ids = {b.id for b in blocks}
    blocks = [separate_block_cross_references(b, block_ids) for b in blocks]
    bottom_line = markdown_field(data.get("bottom_line"), "brief/bottom_line")
    if bottom_line is not None:
        bottom_line = separate_cross_references(bottom_line, block_ids)
    overrides = {
        name: {k: v.plain() for k, v in entry.value.items()} | {"__loc__": entry.key_loc}
        for name, entry in (data["audiences"].value.items() if "audiences" in data else [])
    }
    plain = node.plain()
    return Brief(
        id=folder.name,
        path=path,
        title=typeset(plain["title"]),
        date=date_value,
        sections=tuple(
            Section(s.value["id"].value, typeset(s.value["title"].value), s.loc) for s in data["sections"].value
        ),
        blocks=tuple(blocks),
        references=references,
        audience_overrides=overrides,
        subtitle=typeset(plain.get("subtitle", "")),
        version=str(plain.get("version", "")),
        organization=plain.get("organization", ""),
        authors=tuple(Author(a["name"], a.get("affiliation", "")) for a in plain.get("authors", [])),
        csl=plain.get("csl", "chicago-notes-bibliography"),
        bottom_line=bottom_line,
        disclaimer=plain.get("disclaimer", ""),
        bibliography_files=tuple(p for p, _ in bib_paths),
        csl_location=data["csl"].loc if "csl" in data else None,
        lang=plain.get("lang", "en-US"),
    )


def _bibliography_paths(node: Node, folder: Path, diags: Diagnostics) -> list[tuple[Path, Location]]:
    """The bibliography files brief.yaml names (one or a list), each with where it is named; empty ones reported."""
    bib_node = node.value.get("bibliography")
    if bib_node is None:
        return []
    entries = bib_node.value if bib_node.is_list else [bib_node]
    for empty in (e for e in entries if not str(e.value or "").strip()):
        diags.error(codes.BIB_MISSING, "the bibliography path is empty; name a file such as references.yaml", empty.loc)
    return [(folder / e.value, e.loc) for e in entries if str(e.value or "").strip()]
