"""The JSON Schemas editors use: every field explained, per-kind block fields, and the files briefgen writes valid.

The files are read as yaml-language-server reads them: the schema named by each file's first
line, dates as text (YAML 1.2), validated by jsonschema as the editor would.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import ROOT

from briefgen.commands.scaffold import init_workspace
from briefgen.content.schema import KIND_FIELDS, SCHEMAS

SCHEMA_DIR = ROOT / "schemas"
HEADER = "# yaml-language-server: $schema="


def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def validator(name: str) -> jsonschema.Validator:
    return jsonschema.Draft202012Validator(schema(name), format_checker=jsonschema.FormatChecker())


def as_editor_reads(value: Any) -> Any:
    """YAML as yaml-language-server sees it: YAML 1.2, where 2022-05-02 is text, not a date."""
    if isinstance(value, dict):
        return {str(k): as_editor_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_reads(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def undescribed(node: Any, path: str = "") -> list[str]:
    """Every property, at any depth (items, variants, per-kind branches), without a description."""
    missing = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            if not (isinstance(sub, dict) and str(sub.get("description", "")).strip()):
                missing.append(f"{path}.{name}")
        for key, sub in node.items():
            if key != "if":  # a condition that tests 'kind:', not a field the editor offers
                missing += undescribed(sub, f"{path}/{key}")
    elif isinstance(node, list):
        for index, sub in enumerate(node):
            missing += undescribed(sub, f"{path}[{index}]")
    return missing


def test_the_schema_files_include_one_for_references():
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.schema.json")) == [
        "audiences.schema.json",
        "block.schema.json",
        "brief.schema.json",
        "briefgen.schema.json",
        "output.schema.json",
        "references.schema.json",
    ]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_field_at_every_level_is_described(name: str):
    assert undescribed(schema(name)) == []
    assert schema(name)["description"]


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_schema_has_its_own_id_and_is_a_valid_schema(name: str):
    data = schema(name)
    assert data["$id"] == f"urn:briefgen:schema:{name}"
    jsonschema.Draft202012Validator.check_schema(data)


def test_the_editor_offers_each_kind_only_its_own_fields():
    block = schema("block")
    common = set(block["properties"])
    assert not common & {field for fields in KIND_FIELDS.values() for field in fields}
    offered = {
        branch["if"]["properties"]["kind"]["const"]: set(branch["then"]["properties"]) for branch in block["allOf"]
    }
    assert offered == {kind: common | set(fields) for kind, fields in KIND_FIELDS.items()}
    assert all(branch["then"]["additionalProperties"] is False for branch in block["allOf"])


def block_errors(data: dict[str, Any]) -> list[str]:
    return sorted(error.message for error in validator("block").iter_errors(data))


BASE = {"section": "risks", "title": "A title", "status": "draft", "body": "Text."}


def test_a_field_of_another_kind_is_flagged():
    assert block_errors({**BASE, "kind": "risk", "likelihood": "low", "impact": "high"}) == []
    assert block_errors({**BASE, "kind": "risk", "likelihood": "low", "impact": "high", "action": "Act."}) == [
        "Additional properties are not allowed ('action' was unexpected)"
    ]
    assert block_errors(
        {**BASE, "kind": "recommendation", "action": "Act.", "priority": "high", "trend": "rising"}
    ) == ["Additional properties are not allowed ('trend' was unexpected)"]
    # no kind is prose, which has no fields of its own
    assert block_errors({**BASE, "mitigation": "Hedge."}) == [
        "Additional properties are not allowed ('mitigation' was unexpected)"
    ]
    assert block_errors({**BASE, "kind": "leverage", "holder": "Japan"}) == ["'trend' is a required property"]


def test_an_unknown_kind_is_flagged_once():
    assert block_errors({**BASE, "kind": "riks"}) == [
        "'riks' is not one of ['prose', 'recommendation', 'risk', 'leverage']"
    ]


def schema_named_by(path: Path) -> Path:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(HEADER), f"{path} has no schema line"
    return (path.parent / first.removeprefix(HEADER)).resolve()


def test_every_file_init_writes_names_its_schema_and_is_valid(tmp_path: Path):
    root = tmp_path / "ws"
    init_workspace(root)
    files = sorted(root.rglob("*.yaml"))
    assert {p.relative_to(root).as_posix() for p in files} >= {
        "briefgen.yaml",
        "audiences.yaml",
        "briefs/example/brief.yaml",
        "briefs/example/references.yaml",
    }
    for path in files:
        target = schema_named_by(path)
        assert target.parent == (root / "schemas").resolve() and target.is_file(), path
        data = as_editor_reads(yaml.safe_load(path.read_text(encoding="utf-8")))
        checker = jsonschema.Draft202012Validator(
            json.loads(target.read_text(encoding="utf-8")), format_checker=jsonschema.FormatChecker()
        )
        assert [e.message for e in checker.iter_errors(data)] == [], path


def test_the_repository_workspace_is_valid_against_its_schemas():
    files = [
        ROOT / "briefgen.yaml",
        ROOT / "audiences.yaml",
        *sorted((ROOT / "briefs").glob("*/brief.yaml")),
        *sorted((ROOT / "briefs").glob("*/references.yaml")),
        *sorted((ROOT / "briefs").glob("*/blocks/*.yaml")),
    ]
    for path in files:
        target = schema_named_by(path)
        assert target.parent == SCHEMA_DIR.resolve(), path
        data = as_editor_reads(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert [e.message for e in validator(target.name.removesuffix(".schema.json")).iter_errors(data)] == [], path


def test_references_schema_reads_csl_yaml_as_pandoc_and_zotero_write_it():
    check = validator("references")
    good = {
        "references": [
            {
                "id": "dominguez2016",
                "type": "article-magazine",
                "author": [{"family": "Dominguez", "given": "Gabriel"}, {"literal": "Jane's"}],
                "title": "Japan dismayed",
                "issued": {"date-parts": [[2016, 11, 25]]},
                "accessed": "2022-04-30",
                "page": 12,
                "citation-key": "dominguez2016",
            }
        ]
    }
    assert list(check.iter_errors(good)) == []
    assert list(check.iter_errors(good["references"])) == []  # a bare list, as briefgen also reads
    bad = {"references": [{"id": "x", "type": "magazine", "author": "Dominguez"}]}
    errors = {
        tuple(e.absolute_path)
        for e in jsonschema.Draft202012Validator(
            {**schema("references")["anyOf"][0], "$defs": schema("references")["$defs"]}
        ).iter_errors(bad)
    }
    assert errors == {("references", 0, "type"), ("references", 0, "author")}
    assert not check.is_valid({"references": [{"type": "book", "title": "No key"}]})
