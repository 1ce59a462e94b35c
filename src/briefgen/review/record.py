"""The build record a briefgen DOCX carries: custom document properties written by render/docx.

`briefgen.brief`, `briefgen.audience`, `briefgen.version`, and the JSON anchor map split over
`briefgen.map.1`, `briefgen.map.2`, ... (see render.docx.build_record).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from briefgen.errors import UsageError

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
# A reviewed DOCX comes from outside: its XML may not pull in files, the network or entity bombs.
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


MAX_PART_BYTES = 200 * 1024 * 1024  # far beyond any brief's document.xml; a zip bomb stops here


def read_xml(package: zipfile.ZipFile, name: str):
    """One XML part of the package, parsed without entities, DTDs or network (KeyError if absent)."""
    if package.getinfo(name).file_size > MAX_PART_BYTES:
        raise UsageError(f"{name} in this DOCX unpacks to more than 200 MB; it is not a reviewed brief")
    return etree.fromstring(package.read(name), SAFE_XML)


@dataclass(frozen=True)
class BuildRecord:
    brief: str
    audience: str
    version: str
    anchors: dict[str, tuple[str, str]] = field(default_factory=dict)  # _bgN -> (block id, field)
    blocks: dict[str, tuple[str, str]] = field(default_factory=dict)  # block id -> (path, sha256 as built)


def custom_properties(package: zipfile.ZipFile) -> dict[str, str]:
    """Every text custom property of the package, wherever its relationship puts the part."""
    target = "docProps/custom.xml"
    try:
        rels = read_xml(package, "_rels/.rels")
        for rel in rels.iter(f"{{{RELS_NS}}}Relationship"):
            if rel.get("Type") == CUSTOM_REL:
                target = rel.get("Target", target).lstrip("/")
    except (KeyError, etree.XMLSyntaxError):
        pass
    try:
        root = read_xml(package, target)
    except (KeyError, etree.XMLSyntaxError):
        return {}
    return {
        prop.get("name", ""): "".join(prop.itertext())
        for prop in root.iter(f"{{{CUSTOM_NS}}}property")
        if prop.get("name")
    }


def read_record(package: zipfile.ZipFile, name: str) -> BuildRecord:
    """The build record, or a UsageError saying the DOCX was not built by briefgen (or lost its record)."""
    props = custom_properties(package)
    if "briefgen.brief" not in props:
        raise UsageError(
            f"{name} has no briefgen build record (custom document properties briefgen.*); "
            "review works on a DOCX built by briefgen 0.1 or later, edited and saved in Word or LibreOffice"
        )
    chunks = sorted(
        ((int(key.rsplit(".", 1)[1]), value) for key, value in props.items() if key.startswith("briefgen.map.")),
    )
    try:
        data = json.loads("".join(value for _, value in chunks)) if chunks else {}
    except json.JSONDecodeError:
        raise UsageError(
            f"{name}: the briefgen anchor map (briefgen.map.*) is damaged; rebuild and review again"
        ) from None
    anchors = {k: (v[0], v[1]) for k, v in data.get("anchors", {}).items()}
    blocks = {k: (v[0], v[1]) for k, v in data.get("blocks", {}).items()}
    return BuildRecord(
        props["briefgen.brief"], props.get("briefgen.audience", ""), props.get("briefgen.version", ""), anchors, blocks
    )
