"""Checking a located YAML node against a JSON Schema, each problem told at its key or value.

jsonschema says what is wrong in the words of JSON Schema and at a JSON path; a writer of YAML
needs it at a line and column, in words about what they wrote ("unknown key 'titel'; did you
mean 'title'?", "'body' is read as an audience name under 'variants:'"). This module turns the
one into the other, so every workspace file is checked the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import jsonschema

from briefgen.content.language import is_language_tag
from briefgen.content.yamlsrc import QUOTE_LIMIT, Node, shorten
from briefgen.diagnostics import Diagnostics, codes, did_you_mean

_FORMAT_CHECKER = jsonschema.FormatChecker()
_FORMAT_CHECKER.checks("language-tag")(is_language_tag)  # `lang:`, as `{lang=...}` in Markdown is checked


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


def _missing_key(error: jsonschema.ValidationError) -> str:
    """The key a `required` error names."""
    return error.message.split("'")[1] if "'" in error.message else error.message


_TYPE_NAMES = {
    "array": "a list",
    "object": "a mapping of keys",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


def _message(error: jsonschema.ValidationError, node: Node) -> tuple[Node, str, str]:
    """Turn one jsonschema error into (node to point at, code, message staff can act on)."""
    path = list(error.absolute_path)
    target = _node_at(node, path)
    where = _describe(path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        unknown = _unknown_key(error.instance, target, schema)
        if unknown is not None:
            return unknown
    if kind == "required":
        missing = _missing_key(error)
        return (
            target,
            codes.SCHEMA_MISSING,
            (f"'{missing}' is required{' in ' + where if path else ''}; add a '{missing}:' line"),
        )
    if kind == "enum":
        options = ", ".join(str(o) for o in schema.get("enum", []))
        value = error.instance
        hint = did_you_mean(str(value), [str(o) for o in schema.get("enum", [])])
        return target, codes.SCHEMA_ENUM, f"'{value}' is not allowed for {where}{hint}; use one of: {options}"
    if kind == "type":
        return (
            target,
            codes.SCHEMA_TYPE,
            f"{where} must be {_expected(error.validator_value)}, not {_kind_of(error.instance)}",
        )
    if kind == "pattern":
        return (
            target,
            codes.SCHEMA_ID,
            (f"'{error.instance}' is not a valid id for {where}; use lower-case letters, digits, '-' and '_'"),
        )
    if kind == "format" and error.validator_value == "language-tag":
        return (
            target,
            codes.SCHEMA_FORMAT,
            f"{where} must be a BCP 47 language tag such as en-GB, fr or ja-JP, not '{error.instance}'",
        )
    if kind == "format":
        return (
            target,
            codes.SCHEMA_FORMAT,
            (f"{where} must be a date that exists, written year-month-day such as 2022-05-02, not '{error.instance}'"),
        )
    if kind == "oneOf":
        return target, codes.SCHEMA_TYPE, f"{where} must be a path or a list of paths"
    if kind == "uniqueItems":
        return target, codes.SCHEMA_DUPLICATE, f"{where} lists the same value twice; remove the repeat"
    return target, f"schema.{kind}", f"{where}: {error.message}"


def _unknown_key(instance: dict[str, Any], target: Node, schema: dict[str, Any]) -> tuple[Node, str, str] | None:
    """An unknown key, told at the key itself with the allowed ones (None where the schema names none)."""
    allowed = set(schema.get("properties", {}))
    extras = [k for k in instance if k not in allowed]
    if not allowed:
        return None
    key = extras[0] if extras else "?"
    key_node = target.get(key) if target.is_map else None
    at = Node(None, key_node.key_loc) if key_node and key_node.key_loc else target
    fields = ", ".join(sorted(allowed))
    return (
        at,
        codes.SCHEMA_UNKNOWN_KEY,
        (f"unknown key '{key}'{did_you_mean(key, allowed)}; allowed keys here: {fields}"),
    )


def _expected(expected: Any) -> str:
    """The types a `type` error expected, in a writer's words ("a list or text")."""
    expected = " or ".join(expected) if isinstance(expected, list) else expected
    return " or ".join(_TYPE_NAMES.get(e, e) for e in str(expected).split(" or "))


def _indented_under_variants(errors: list[jsonschema.ValidationError], schema: dict[str, Any]) -> set[str]:
    """Block fields written one level too deep, under `variants:`, where their names read as audiences.

    `body: |` indented like the variants' audience names gives "variants.body is text, not a
    mapping" and "'body' is required": both say less than what happened.
    """
    fields = set(schema.get("properties", {})) - {"variants"}
    return {
        str(error.absolute_path[1])
        for error in errors
        if error.validator == "type"
        and len(error.absolute_path) == 2
        and error.absolute_path[0] == "variants"
        and error.absolute_path[1] in fields
    }


def _variant_before(variants: Node | None, name: str) -> tuple[str, tuple[str, int]] | None:
    """The audience variant written just before `name` under variants:, and its first key and column."""
    if variants is None or not variants.is_map:
        return None
    found = None
    for key, value in variants.value.items():
        if key == name:
            return found
        children = [(k, v.key_loc.column) for k, v in value.value.items() if v.key_loc] if value.is_map else []
        if children:
            found = (key, children[0])
    return None


def _report_indentation(node: Node, name: str, diags: Diagnostics) -> None:
    """A block field indented under `variants:`: which indentation each likely meaning needs."""
    variants = node.get("variants")
    field = variants.get(name) if variants is not None else None
    column = variants.key_loc.column if variants is not None and variants.key_loc else 1
    message = (
        f"'{name}' is read as an audience name under 'variants:', because it is indented under it; "
        f"if it is the block's {name}, indent '{name}:' like 'variants:' (column {column})"
    )
    audience = _variant_before(variants, name)
    if audience is not None:  # more likely: the variant just above lost a level
        key, first = audience
        message += f"; if it is the {key} variant's {name}, indent it like '{first[0]}:' (column {first[1]})"
    diags.error(codes.SCHEMA_INDENTATION, message, (field.key_loc or field.loc) if field is not None else node.loc)


def validate_node(node: Node, schema: dict[str, Any], diags: Diagnostics) -> bool:
    """Report every schema problem of `node` at its position; True when there were none."""
    validator = jsonschema.Draft202012Validator(schema, format_checker=_FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(_jsonable(node.plain())), key=lambda e: list(map(str, e.absolute_path)))
    misplaced = _indented_under_variants(errors, schema)
    for error in errors:
        if error.validator == "required" and not error.absolute_path and _missing_key(error) in misplaced:
            continue  # said by the message on the misplaced field itself
        if misplaced and error.validator == "type" and list(error.absolute_path)[:1] == ["variants"]:
            name = str(error.absolute_path[1])
            if name in misplaced:
                _report_indentation(node, name, diags)
                continue
        if error.validator == "propertyNames" or (error.schema_path and error.schema_path[0] == "propertyNames"):
            key = error.context[0].instance if error.context else error.instance
            key_node = node.get(str(key)) if node.is_map else None
            diags.error(
                codes.SCHEMA_ID,
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


def validate_file(node: Node, schema: dict[str, Any], diags: Diagnostics) -> bool:
    """`validate_node`, with the values its messages quote cut to one short line.

    A pasted paragraph where a list belongs, or a file that is not what its name says, is
    quoted by its first line, shortened, never whole.
    """
    found = Diagnostics()
    valid = validate_node(node, schema, found)
    long_texts = sorted({t for t in _texts(node) if len(t) > QUOTE_LIMIT or "\n" in t.strip()}, key=len, reverse=True)
    for problem in found.items:
        message = problem.message
        for text in long_texts:
            if text in message:
                message = message.replace(text, shorten(text))
        diags.add(problem.severity.value, problem.code, message, problem.location)
    return valid


def _texts(node: Node) -> list[str]:
    """Every text value and key of a node, however deep."""
    texts: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current.value, dict):
            texts.extend(current.value)
            stack.extend(current.value.values())
        elif isinstance(current.value, list):
            stack.extend(current.value)
        elif isinstance(current.value, str):
            texts.append(current.value)
    return texts
