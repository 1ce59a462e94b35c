"""The YAML contract as JSON Schema: one definition drives validation messages and editor autocomplete.

`briefgen schema` writes these for editors (yaml-language-server); `validate_node` checks a
located YAML node against one and reports each problem at the offending key or value.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema

from briefgen.content.yamlsrc import Node
from briefgen.diagnostics import Diagnostics, did_you_mean

_ID = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]*$", "maxLength": 64}
_MARKDOWN = {"type": "string", "description": "Markdown text; cite with [@key] or [@key, p. 12]."}
_LEVEL = {"enum": ["low", "medium", "high"]}
_TAGS = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
_ID_LIST = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}

NOTES_MODES = ("footnotes", "endnotes", "none")
DETAIL_LEVELS = ("summary", "full")
STATUSES = ("draft", "review", "approved")
KINDS = ("prose", "recommendation", "risk", "leverage")
FORMATS = ("pdf", "docx", "html", "md")

_LANG = {
    "type": "string",
    "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
    "description": "Language as a BCP 47 tag (en-US, de-DE, ja-JP): quotation marks, hyphenation, "
    "citation terms, cross-reference words.",
}

AUDIENCE_FIELDS: dict[str, Any] = {
    "label": {"type": "string", "description": "Shown on the masthead: 'Prepared for: <label>'."},
    "description": {"type": "string"},
    "detail": {"enum": list(DETAIL_LEVELS), "description": "Which text of each block is used."},
    "sections": {**_ID_LIST, "description": "Section ids this audience gets, in its order."},
    "max_pages": {"type": "integer", "minimum": 1, "description": "Page budget, checked after rendering."},
    "notes": {"enum": list(NOTES_MODES)},
    "bibliography": {"type": "boolean"},
    "include_tags": _TAGS,
    "exclude_tags": _TAGS,
    "marking": {"type": ["string", "null"], "description": "Handling line on every page."},
    "decision": {
        "type": "boolean",
        "description": "Decision memo: bottom line at the top, Approve/Disapprove after recommendations.",
    },
    "csl": {"type": "string", "description": "Citation style for this audience (overrides the brief)."},
    "max_marking": {"type": "string", "description": "Highest handling level this audience may receive."},
    "portion_marks": {"type": "boolean", "description": "Print the portion mark before each paragraph."},
    "show_as_of": {"type": "boolean", "description": "Print 'as of' dates beside blocks that carry them."},
    "lang": _LANG,
}

AUDIENCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": AUDIENCE_FIELDS,
    "required": ["label", "detail", "sections"],
    "additionalProperties": False,
}

ID_KEYS: dict[str, Any] = {"type": "object", "propertyNames": _ID}

AUDIENCES_FILE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "briefgen audiences.yaml",
    "type": "object",
    "propertyNames": _ID,
    "additionalProperties": AUDIENCE_SCHEMA,
}

CONFIG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "briefgen briefgen.yaml",
    "type": "object",
    "properties": {
        "default_brief": {"type": "string"},
        "output_dir": {"type": "string"},
        "formats": {"type": "array", "items": {"enum": list(FORMATS)}, "minItems": 1},
        "markings": {
            "type": "array",
            "description": "Handling levels, lowest first. Banners follow the highest level in each output.",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "banner": {"type": "string", "description": "Top and bottom of every page ('' for none)."},
                    "portion": {"type": "string", "description": "Short mark before each paragraph, e.g. FOUO."},
                },
                "required": ["id", "banner", "portion"],
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}

BRIEF_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "briefgen brief.yaml",
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "subtitle": {"type": "string"},
        "date": {"type": "string", "format": "date", "description": "ISO date, e.g. 2022-05-02."},
        "version": {"type": ["string", "number"]},
        "organization": {"type": "string"},
        "authors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "affiliation": {"type": "string"}},
                "required": ["name"],
                "additionalProperties": False,
            },
        },
        "bibliography": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "description": "Path(s) relative to the brief: .yaml (CSL YAML), .json (CSL JSON), .bib.",
        },
        "csl": {"type": "string", "description": "CSL style id or a path to a .csl file."},
        "lang": _LANG,
        "bottom_line": {**_MARKDOWN, "description": "At most four lines, shown to decision audiences."},
        "sections": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"id": _ID, "title": {"type": "string"}},
                "required": ["id", "title"],
                "additionalProperties": False,
            },
        },
        "disclaimer": {"type": "string"},
        "audiences": {
            "type": "object",
            "description": "Per-audience overrides of any profile field.",
            "additionalProperties": {
                "type": "object",
                "properties": AUDIENCE_FIELDS,
                "additionalProperties": False,
            },
        },
    },
    "required": ["title", "date", "sections"],
    "additionalProperties": False,
}

_VARIANT = {
    "type": "object",
    "properties": {"title": {"type": "string"}, "summary": _MARKDOWN, "body": _MARKDOWN},
    "additionalProperties": False,
}

BLOCK_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "briefgen content block",
    "type": "object",
    "properties": {
        "id": {**_ID, "description": "Defaults to the file name without .yaml."},
        "section": {"type": "string", "description": "One of the brief's section ids."},
        "title": {"type": "string"},
        "order": {"type": "number", "description": "Position in its section; ties broken by file name."},
        "status": {"enum": list(STATUSES)},
        "kind": {"enum": list(KINDS)},
        "tags": _TAGS,
        "audiences": {**_ID_LIST, "description": "Only these audiences get the block (default: all)."},
        "exclude_audiences": _ID_LIST,
        "summary": _MARKDOWN,
        "body": _MARKDOWN,
        "variants": {"type": "object", "additionalProperties": _VARIANT},
        "action": {"type": "string", "description": "recommendation: one imperative line."},
        "priority": {**_LEVEL, "description": "recommendation: high, medium or low."},
        "owner": {"type": "string", "description": "recommendation: who acts."},
        "horizon": {"type": "string", "description": "recommendation: when, e.g. 'Now - 6 months'."},
        "likelihood": {**_LEVEL, "description": "risk"},
        "impact": {**_LEVEL, "description": "risk"},
        "mitigation": {**_MARKDOWN, "description": "risk: how to reduce it."},
        "holder": {"type": "string", "description": "leverage: whom the factor favours."},
        "marking": {"type": "string", "description": "Handling level (one of briefgen.yaml's markings)."},
        "as_of": {"type": "string", "format": "date", "description": "When the facts were last verified."},
        "review_by": {"type": "string", "format": "date", "description": "Check warns after this date."},
        "trend": {"enum": ["rising", "falling", "steady"], "description": "leverage"},
    },
    "required": ["section", "title", "status", "body"],
    "additionalProperties": False,
}

KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "prose": (),
    "recommendation": ("action", "priority", "owner", "horizon"),
    "risk": ("likelihood", "impact", "mitigation"),
    "leverage": ("holder", "trend"),
}
KIND_REQUIRED: dict[str, tuple[str, ...]] = {
    "prose": (),
    "recommendation": ("action", "priority"),
    "risk": ("likelihood", "impact"),
    "leverage": ("holder", "trend"),
}

SCHEMAS = {
    "block": BLOCK_SCHEMA,
    "brief": BRIEF_SCHEMA,
    "audiences": AUDIENCES_FILE_SCHEMA,
    "briefgen": CONFIG_SCHEMA,
}

_FORMAT_CHECKER = jsonschema.FormatChecker()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _node_at(node: Node, path: list) -> Node:
    for part in path:
        child = None
        if isinstance(node.value, dict) and isinstance(part, str):
            child = node.value.get(part)
        elif isinstance(node.value, list) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
    return node


def _describe(path: list) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the file"


def _kind_of(value: Any) -> str:
    """What a value looks like to someone who wrote it in YAML."""
    if value is None or value == "":
        return "empty"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a yes/no value; put text in quotes)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of keys"
    return f"the text '{value}'"


def _message(error: jsonschema.ValidationError, node: Node) -> tuple[Node, str, str]:
    """Turn one jsonschema error into (node to point at, code, message staff can act on)."""
    path = list(error.absolute_path)
    target = _node_at(node, path)
    where = _describe(path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(schema.get("properties", {}))
        extras = [k for k in error.instance if k not in allowed]
        if allowed:
            key = extras[0] if extras else "?"
            key_node = target.get(key) if target.is_map else None
            at = Node(None, key_node.key_loc) if key_node and key_node.key_loc else target
            fields = ", ".join(sorted(allowed))
            return (
                at,
                "schema.unknown-key",
                (f"unknown key '{key}'{did_you_mean(key, allowed)}; allowed keys here: {fields}"),
            )
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return (
            target,
            "schema.missing",
            (f"'{missing}' is required{' in ' + where if path else ''}; add a '{missing}:' line"),
        )
    if kind == "enum":
        options = ", ".join(str(o) for o in schema.get("enum", []))
        value = error.instance
        hint = did_you_mean(str(value), [str(o) for o in schema.get("enum", [])])
        return target, "schema.enum", f"'{value}' is not allowed for {where}{hint}; use one of: {options}"
    if kind == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        names = {
            "array": "a list",
            "object": "a mapping of keys",
            "string": "text",
            "integer": "a whole number",
            "number": "a number",
            "boolean": "true or false",
        }
        expected_text = " or ".join(names.get(e, e) for e in str(expected).split(" or "))
        return (
            target,
            "schema.type",
            f"{where} must be {expected_text}, not {_kind_of(error.instance)}",
        )
    if kind == "pattern":
        return (
            target,
            "schema.id",
            (f"'{error.instance}' is not a valid id for {where}; use lower-case letters, digits, '-' and '_'"),
        )
    if kind == "format":
        return target, "schema.format", f"{where} must be an ISO date such as 2022-05-02, not '{error.instance}'"
    if kind == "oneOf":
        return target, "schema.type", f"{where} must be a path or a list of paths"
    if kind == "uniqueItems":
        return target, "schema.duplicate", f"{where} lists the same value twice; remove the repeat"
    return target, f"schema.{kind}", f"{where}: {error.message}"


def validate_node(node: Node, schema: dict[str, Any], diags: Diagnostics) -> bool:
    """Report every schema problem of `node` at its position; True when there were none."""
    validator = jsonschema.Draft202012Validator(schema, format_checker=_FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(_jsonable(node.plain())), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        if error.validator == "propertyNames" or (error.schema_path and error.schema_path[0] == "propertyNames"):
            key = error.context[0].instance if error.context else error.instance
            key_node = node.get(str(key)) if node.is_map else None
            diags.error(
                "schema.id",
                f"'{key}' cannot be used as a name here; use lower-case letters, digits, '-' and '_'",
                key_node.key_loc if key_node and key_node.key_loc else node.loc,
            )
            continue
        target, code, message = _message(error, node)
        diags.error(code, message, target.loc)
    return not errors


def conforms(value: Any, schema: dict[str, Any]) -> bool:
    """Whether a plain value satisfies a schema (errors are reported separately)."""
    return jsonschema.Draft202012Validator(schema, format_checker=_FORMAT_CHECKER).is_valid(_jsonable(value))


def write_schemas(out_dir: Path) -> list[Path]:
    """Write one JSON Schema file per content file type, for editors to autocomplete against."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in SCHEMAS.items():
        path = out_dir / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
