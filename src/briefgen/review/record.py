"""The build record a briefgen DOCX carries: custom document properties written by render/docx.

`briefgen.brief`, `briefgen.audience`, `briefgen.version`, and the JSON anchor map split over
`briefgen.map.1`, `briefgen.map.2`, ... (see render.docx.build_record).
"""

from __future__ import annotations

import base64
import binascii
import json
import zipfile
import zlib
from dataclasses import dataclass, field

from lxml import etree

from briefgen.errors import UsageError
from briefgen.review.package import parse_part

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
MAX_MAP = 1024 * 1024  # characters of the anchor map; the analyst brief's has 6,000
MAX_TEXT = 16 * 1024 * 1024  # bytes of the recorded text, inflated; the analyst brief's has about 60,000


def read_xml(package: zipfile.ZipFile, name: str):
    """One XML part of the package, parsed without entities, DTDs or network, within `package`'s limits.

    A reviewed DOCX comes from outside: KeyError if the part is absent, XMLSyntaxError if it is
    not XML, BriefgenError when it passes a limit (see `briefgen.review.package`).
    """
    return parse_part(package, name)


@dataclass(frozen=True)
class BuildRecord:
    brief: str
    audience: str
    version: str
    anchors: dict[str, tuple[str, str]] = field(default_factory=dict)  # _bgN -> (block id, field)
    blocks: dict[str, tuple[str, str]] = field(default_factory=dict)  # block id -> (path, sha256 as built)
    cited: dict[int, str] = field(default_factory=dict)  # note number -> the citation it was made from
    text: tuple[tuple[str, str], ...] | None = None  # each paragraph's key and text as built (None: not recorded)


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
    damaged = UsageError(
        f"{name}: the briefgen build record (briefgen.map.*, briefgen.text.*) is damaged; rebuild and review again"
    )
    try:
        mapped = _joined(props, "briefgen.map.") or ""
        if len(mapped) > MAX_MAP:
            raise ValueError("too long")
        data = json.loads(mapped) if mapped else {}
        anchors = _pairs(data, "anchors")
        blocks = _pairs(data, "blocks")
        cited = data.get("cited", {})
        if not isinstance(cited, dict) or not all(k.isdigit() and isinstance(v, str) for k, v in cited.items()):
            raise ValueError("cited is not numbers and texts")
        text = _built_text(_joined(props, "briefgen.text."))
    except (
        ValueError,
        RecursionError,
        zlib.error,
        binascii.Error,
    ):  # the record comes from outside: any other shape is damage
        raise damaged from None
    return BuildRecord(
        props["briefgen.brief"],
        props.get("briefgen.audience", ""),
        props.get("briefgen.version", ""),
        anchors,
        blocks,
        {int(k): v for k, v in cited.items()},
        text,
    )


def _joined(props: dict[str, str], prefix: str) -> str | None:
    """The value split over properties `prefix1`, `prefix2`, ... joined in order (None if there are none)."""
    chunks = sorted((int(key.rsplit(".", 1)[1]), value) for key, value in props.items() if key.startswith(prefix))
    return "".join(value for _, value in chunks) if chunks else None


def _built_text(packed: str | None) -> tuple[tuple[str, str], ...] | None:
    """The recorded text of the build (see render.docx.build_record), inflated within MAX_TEXT."""
    if packed is None:
        return None
    inflate = zlib.decompressobj()
    raw = inflate.decompress(base64.b64decode(packed, validate=True), MAX_TEXT)
    if inflate.unconsumed_tail or not inflate.eof:
        raise ValueError("the recorded text is too long or cut short")
    data = json.loads(raw)
    if not isinstance(data, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair) for pair in data
    ):
        raise ValueError("the recorded text is not pairs of texts")
    return tuple((key, value) for key, value in data)


def _pairs(data: object, key: str) -> dict[str, tuple[str, str]]:
    """`data[key]` as {name: (text, text)}; ValueError when the JSON has another shape."""
    if not isinstance(data, dict):
        raise ValueError("not an object")
    found = data.get(key, {})
    if not isinstance(found, dict):
        raise ValueError(f"{key} is not an object")
    pairs = {}
    for name, value in found.items():
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
            raise ValueError(f"{key}.{name} is not two texts")
        pairs[name] = (value[0], value[1])
    return pairs
