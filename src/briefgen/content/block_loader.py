"""Block files (`briefs/<brief>/blocks/*.yaml`) to `ContentBlock`s, each file checked on its own.

A block file that breaks its schema is left out of builds; `salvage_block` still reads what it
can of one, so `check` reports its other mistakes in the same run. The helpers for Markdown
fields and dates here serve brief.yaml too, whose fields are read the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from briefgen.content.confine import inside
from briefgen.content.crossrefs import separate_cross_references
from briefgen.content.markdown import parse_markdown, read_many
from briefgen.content.schema import BLOCK_SCHEMA, KIND_FIELDS
from briefgen.content.schema_check import conforms, validate_file
from briefgen.content.typography import typeset
from briefgen.content.yamlsrc import Node, load_yaml
from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.model import ContentBlock, Markdown, Variant

# The fields read as Markdown; every other field is plain text (document/validate/plain.py).
MARKDOWN_KEYS = ("body", "summary", "mitigation", "bottom_line")


def date_field(node: Node | None) -> dt.date | None:
    """A date field's value (YAML may have read it as a date already)."""
    if node is None:
        return None
    return node.value if isinstance(node.value, dt.date) else dt.date.fromisoformat(str(node.value))


def markdown_field(node: Node | None, uid: str) -> Markdown | None:
    """A Markdown field read, its problems placed in its file; None when the field is absent."""
    if node is None or not isinstance(node.value, str):
        return None
    return parse_markdown(node.value, uid, node.loc, node.locate_text)


def markdown_sources(node: Node | None) -> list[str]:
    """The text of every Markdown field in a brief or block file (variants included)."""
    if node is None or not node.is_map:
        return []
    found = [v.value for k, v in node.value.items() if k in MARKDOWN_KEYS and isinstance(v.value, str)]
    variants = node.get("variants")
    if variants is not None and variants.is_map:
        for variant in variants.value.values():
            found.extend(markdown_sources(variant))
    return found


def block_paths(folder: Path) -> list[Path]:
    """The block files of a `blocks/` folder, in the order they are read."""
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []


def separate_block_cross_references(block: ContentBlock, block_ids: set[str]) -> ContentBlock:
    """Citations of block, section and table ids become cross-references in every field."""

    def sep(field: Markdown | None) -> Markdown | None:
        return separate_cross_references(field, block_ids) if field is not None else None

    return replace(
        block,
        body=separate_cross_references(block.body, block_ids),
        summary=sep(block.summary),
        mitigation=sep(block.mitigation),
        variants={name: replace(v, summary=sep(v.summary), body=sep(v.body)) for name, v in block.variants.items()},
    )


def load_blocks(
    folder: Path, diags: Diagnostics, root: Path, files: dict[Path, Node | None] | None = None
) -> list[ContentBlock]:
    """Every blocks/*.yaml file, each checked on its own; links out of the workspace are refused."""
    blocks = []
    for path in block_paths(folder):
        if files is not None and path in files:  # read, and found inside the workspace, already
            block = load_block(path, diags, files[path])
            if block is not None:
                blocks.append(block)
            continue
        if not inside(path, root):
            diags.error(
                codes.PATH_OUTSIDE,
                "this block file is a link to a file outside the workspace; copy the file into the brief instead",
                Location(path),
            )
            continue
        block = load_block(path, diags)
        if block is not None:
            blocks.append(block)
    return blocks


def salvage_block(path: Path, node: Node) -> ContentBlock | None:
    """A block file that breaks the schema, read from its fields that keep to it; None if too little does.

    For checks only, never for a build. The kind must be readable, as it says what the other
    fields mean. A section, title or status that is missing or wrong (the schema says so) is
    given a stand-in: no section, the file name, approved; a missing or misplaced body reads
    as empty.
    """
    if not node.is_map:
        return None
    fields = BLOCK_SCHEMA["properties"]
    kept: dict[str, Node] = {}
    for key, child in node.value.items():
        if key == "variants" and child.is_map:
            variant = fields["variants"]["additionalProperties"]
            kept[key] = replace(child, value={n: v for n, v in child.value.items() if conforms(v.plain(), variant)})
        elif key in fields and conforms(child.plain(), fields[key]):
            kept[key] = child
    if "kind" in node.value and "kind" not in kept:
        return None
    # Stand-ins for the fields the checks start from, so a wrong status or title (reported by the
    # schema) hides none of the block's other problems; an empty section is checked by nothing.
    for key, stand_in in (("section", ""), ("title", path.stem), ("status", "approved"), ("body", "")):
        if key not in kept:
            written = node.value.get(key)
            kept[key] = Node(stand_in, written.loc if written else node.loc, written.key_loc if written else None)
    block = load_block(path, Diagnostics(), replace(node, value=kept))
    if block is None:
        return None
    # a field written but wrong is not also missing: its place is known to the checks that follow
    dropped = {key: child.key_loc or child.loc for key, child in node.value.items() if key not in kept}
    return replace(block, locations={**dropped, **block.locations})


def load_block(path: Path, diags: Diagnostics, node: Node | None | bool = True) -> ContentBlock | None:
    """One block file to a ContentBlock, or None when its shape is wrong (reported).

    `node` is the file already read, when the caller has it.
    """
    if node is True:
        node = load_yaml(path, diags)
        read_many(markdown_sources(node if isinstance(node, Node) else None))
    if not isinstance(node, Node):
        return None
    if not node.is_map:
        diags.error(
            codes.BLOCK_SHAPE, "a block file must be a mapping of keys such as section:, title:, body:", node.loc
        )
        return None
    if not validate_file(node, BLOCK_SCHEMA, diags):
        return None
    data = node.value
    block_id = data["id"].value if "id" in data else path.stem
    kind = data["kind"].value if "kind" in data else "prose"
    fields = {
        k: typeset(data[k].value) if isinstance(data[k].value, str) else data[k].value
        for k in KIND_FIELDS.get(kind, ())
        if k in data and k != "mitigation"
    }
    variants = _variants(data, block_id)
    locations = _locations(data)

    def items(key: str) -> tuple[str, ...]:
        return tuple(n.value for n in data[key].value) if key in data else ()

    body = markdown_field(data["body"], f"{block_id}/body")
    assert body is not None  # the schema requires a string body
    return ContentBlock(
        id=str(block_id),
        path=path,
        section=data["section"].value,
        title=typeset(data["title"].value),
        order=float(data["order"].value) if "order" in data else 0.0,
        status=data["status"].value,
        kind=kind,
        body=body,
        summary=markdown_field(data.get("summary"), f"{block_id}/summary"),
        tags=items("tags"),
        audiences=items("audiences") if "audiences" in data else None,
        exclude_audiences=items("exclude_audiences"),
        variants=variants,
        fields=fields,
        mitigation=markdown_field(data.get("mitigation"), f"{block_id}/mitigation"),
        marking=data["marking"].value if "marking" in data else None,
        as_of=date_field(data.get("as_of")),
        review_by=date_field(data.get("review_by")),
        location=node.loc,
        locations=locations,
    )


def _variants(data: dict[str, Node], block_id: Any) -> dict[str, Variant]:
    """The block's words for some audiences, keyed by audience name."""
    variants = {}
    for name, vnode in data["variants"].value.items() if "variants" in data else []:
        v = vnode.value
        variants[name] = Variant(
            title=typeset(v["title"].value) if "title" in v else None,
            summary=markdown_field(v.get("summary"), f"{block_id}/{name}/summary"),
            body=markdown_field(v.get("body"), f"{block_id}/{name}/body"),
        )
    return variants


def _locations(data: dict[str, Node]) -> dict[str, Location]:
    """Where each key and value of the block stands (and each variant), for checks that come later."""
    locations = {key: (child.key_loc or child.loc) for key, child in data.items()}
    locations.update({f"{key}.value": child.loc for key, child in data.items()})
    if "variants" in data:
        for name, vnode in data["variants"].value.items():
            locations[f"variants.{name}"] = vnode.key_loc or vnode.loc
            if isinstance(vnode.value, dict) and "title" in vnode.value:
                locations[f"variants.{name}.title"] = vnode.value["title"].loc
    return locations
