"""The YAML contract as JSON Schema: one definition drives validation messages and editor autocomplete.

`briefgen schema` writes these for editors (yaml-language-server), each with an `$id`, the
block schema with one `if`/`then` per kind so an editor offers only that kind's fields, plus a
schema for CSL YAML references (`content/csl_schema.py`). Checking a file against one, with
each problem at the offending key or value, is `content/schema_check.py`'s job.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from briefgen.content.csl_schema import REFERENCES_SCHEMA
from briefgen.runtime.formats import FORMATS
from briefgen.runtime.resources import DEFAULTS

_ID = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]*$", "maxLength": 64}
_MARKDOWN = {"type": "string", "description": "Pandoc Markdown; cite with [@key] or [@key, p. 12]."}
_LEVEL = {"enum": ["low", "medium", "high"]}
_TAGS = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
_ID_LIST = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}

NOTES_MODES = ("footnotes", "endnotes", "none")
DETAIL_LEVELS = ("summary", "full")
STATUSES = ("draft", "review", "approved")
KINDS = ("prose", "recommendation", "risk", "leverage")

_LANG = {
    "type": "string",
    "format": "language-tag",  # the shape and IANA's registry (content/language.is_language_tag)
    "description": "Language as a BCP 47 tag (en-US, de-DE, ja-JP): quotation marks, hyphenation, "
    "citation terms, cross-reference words.",
}

AUDIENCE_FIELDS: dict[str, Any] = {
    "label": {"type": "string", "description": "Shown on the masthead: 'Prepared for: <label>'."},
    "description": {"type": "string", "description": "A note for the team about who this audience is (not printed)."},
    "detail": {
        "enum": list(DETAIL_LEVELS),
        "description": "Which text of each block is used: summary (its summary) or full (its body).",
    },
    "sections": {**_ID_LIST, "description": "Section ids this audience gets, in its order."},
    "max_pages": {"type": "integer", "minimum": 1, "description": "Page budget, checked after rendering."},
    "notes": {
        "enum": list(NOTES_MODES),
        "description": "Where citation and explanatory notes go: footnotes, endnotes, or none (left out).",
    },
    "bibliography": {"type": "boolean", "description": "Print the bibliography of the works cited at the end."},
    "include_tags": {
        **_TAGS,
        "description": "If set, only blocks with one of these tags (untagged blocks are left out).",
    },
    "exclude_tags": {**_TAGS, "description": "Blocks with any of these tags are left out."},
    "marking": {"type": ["string", "null"], "description": "Handling line on every page."},
    "decision": {
        "type": "boolean",
        "description": "Decision memo: bottom line at the top, Approve/Disapprove after recommendations.",
    },
    "csl": {"type": "string", "description": "Citation style for this audience (overrides the brief)."},
    "max_marking": {"type": "string", "description": "Highest handling level this audience may receive."},
    "portion_marks": {"type": "boolean", "description": "Print the portion mark before each paragraph."},
    "show_as_of": {"type": "boolean", "description": "Print 'as of' dates beside blocks that carry them."},
    "show_history": {
        "type": "boolean",
        "description": "Print the versions issued so far (version, date, note) at the end: see briefgen release.",
    },
    "lang": _LANG,
}

AUDIENCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One audience profile: what it receives, in which order, at which level of detail.",
    "properties": AUDIENCE_FIELDS,
    "required": ["label", "detail", "sections"],
    "additionalProperties": False,
}

ID_KEYS: dict[str, Any] = {"type": "object", "propertyNames": _ID}

AUDIENCES_FILE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "briefgen audiences.yaml",
    "description": "Audience profiles shared by every brief, keyed by audience name.",
    "type": "object",
    "propertyNames": _ID,
    "additionalProperties": AUDIENCE_SCHEMA,
}

CONFIG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "briefgen briefgen.yaml",
    "description": "Workspace settings; command-line options override them.",
    "type": "object",
    "properties": {
        "default_brief": {
            "type": "string",
            "description": "The brief commands work on when none is named (a folder name under briefs/).",
        },
        "output_dir": {
            "type": "string",
            "description": "Folder for outputs, relative to the workspace: "
            "<output_dir>/<brief>/<brief>-<audience>.<ext>.",
        },
        "formats": {
            "type": "array",
            "items": {"enum": list(FORMATS)},
            "minItems": 1,
            "description": "Formats `briefgen build` writes when no -f is given: pdf, docx, html, md.",
        },
        "markings": {
            "type": "array",
            "description": "Handling levels, lowest first. Banners follow the highest level in each output.",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "description": "The name blocks and audiences use, e.g. fouo."},
                    "banner": {"type": "string", "description": "Top and bottom of every page ('' for none)."},
                    "portion": {"type": "string", "description": "Short mark before each paragraph, e.g. FOUO."},
                },
                "required": ["id", "banner", "portion"],
                "additionalProperties": False,
            },
        },
        "site": {
            "type": "object",
            "description": "What `briefgen site` publishes: every brief for every audience whose marking is allowed.",
            "properties": {
                "title": {"type": "string", "description": "The site's name, on every page and in the feed."},
                "base_url": {
                    "type": "string",
                    "pattern": "^https?://[^\\s]+$",
                    "description": "The address the site is served at (https://...), for the feed's links.",
                },
                "max_marking": {
                    "type": "string",
                    "description": "The highest marking an audience's brief may carry to be published (default: "
                    "only the lowest level).",
                },
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}

BRIEF_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "briefgen brief.yaml",
    "description": "One brief: its title page, sections, bibliography and citation style.",
    "type": "object",
    "properties": {
        "title": {"type": "string", "description": "The brief's title, on the masthead and in file properties."},
        "subtitle": {"type": "string", "description": "A line under the title."},
        "date": {"type": "string", "format": "date", "description": "ISO date, e.g. 2022-05-02."},
        "version": {"type": ["string", "number"], "description": 'Shown on the masthead; quote it, e.g. "1.0".'},
        "organization": {"type": "string", "description": "The issuing unit, above the title."},
        "authors": {
            "type": "array",
            "description": "Who wrote the brief, in the order shown.",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "A person or a desk."},
                    "affiliation": {"type": "string", "description": "Where the author works."},
                },
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
            "description": "The brief's sections; each audience picks and orders them in its profile.",
            "items": {
                "type": "object",
                "properties": {
                    "id": {**_ID, "description": "What blocks name in 'section:' and audiences in 'sections:'."},
                    "title": {"type": "string", "description": "The heading printed for the section."},
                },
                "required": ["id", "title"],
                "additionalProperties": False,
            },
        },
        "disclaimer": {"type": "string", "description": "Printed at the end of every audience's brief."},
        "audiences": {
            "type": "object",
            "description": "Per-audience overrides of any profile field.",
            "additionalProperties": {
                "type": "object",
                "description": "Fields of audiences.yaml that differ for this brief.",
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
    "description": "The words this audience reads instead; fields left out fall back to the block's own.",
    "properties": {
        "title": {"type": "string", "description": "The title this audience reads."},
        "summary": {**_MARKDOWN, "description": "The summary this audience reads (Pandoc Markdown)."},
        "body": {**_MARKDOWN, "description": "The text this audience reads (Pandoc Markdown)."},
    },
    "additionalProperties": False,
}

# The fields every block may have, whatever its kind.
_BLOCK_FIELDS: dict[str, Any] = {
    "id": {**_ID, "description": "Defaults to the file name without .yaml."},
    "section": {"type": "string", "description": "One of the brief's section ids."},
    "title": {"type": "string", "description": "The block's heading."},
    "order": {"type": "number", "description": "Position in its section; ties broken by file name."},
    "status": {
        "enum": list(STATUSES),
        "description": "draft, review or approved; builds use approved blocks unless --drafts.",
    },
    "kind": {
        "enum": list(KINDS),
        "description": "prose (default), recommendation, risk or leverage; each kind has its own fields.",
    },
    "tags": {**_TAGS, "description": "Words audiences include or exclude blocks by (include_tags, exclude_tags)."},
    "audiences": {**_ID_LIST, "description": "Only these audiences get the block (default: all)."},
    "exclude_audiences": {**_ID_LIST, "description": "These audiences never get the block."},
    "summary": {**_MARKDOWN, "description": "What summary audiences read (Pandoc Markdown)."},
    "body": {**_MARKDOWN, "description": "What full audiences read (Pandoc Markdown)."},
    "variants": {
        "type": "object",
        "description": "Other words for some audiences, keyed by audience name.",
        "additionalProperties": _VARIANT,
    },
    "marking": {"type": "string", "description": "Handling level (one of briefgen.yaml's markings)."},
    "as_of": {"type": "string", "format": "date", "description": "When the facts were last verified."},
    "review_by": {"type": "string", "format": "date", "description": "Check warns after this date."},
}

# The fields of each kind, as the editor offers them once 'kind:' is set.
_KIND_PROPERTIES: dict[str, dict[str, Any]] = {
    "prose": {},
    "recommendation": {
        "action": {"type": "string", "description": "recommendation: one imperative line, printed in bold."},
        "priority": {**_LEVEL, "description": "recommendation: high, medium or low."},
        "owner": {"type": "string", "description": "recommendation: who acts."},
        "horizon": {"type": "string", "description": "recommendation: when, e.g. 'Now - 6 months'."},
    },
    "risk": {
        "likelihood": {**_LEVEL, "description": "risk: how likely it is (low, medium, high)."},
        "impact": {**_LEVEL, "description": "risk: how much harm if it happens (low, medium, high)."},
        "mitigation": {**_MARKDOWN, "description": "risk: how to reduce it (Pandoc Markdown)."},
    },
    "leverage": {
        "holder": {"type": "string", "description": "leverage: whom the factor favours."},
        "trend": {"enum": ["rising", "falling", "steady"], "description": "leverage: rising, falling or steady."},
    },
}

KIND_FIELDS: dict[str, tuple[str, ...]] = {kind: tuple(fields) for kind, fields in _KIND_PROPERTIES.items()}
# The fields that take one of a fixed list of values, and those values
KIND_CHOICES: dict[str, tuple[str, ...]] = {
    name: tuple(spec["enum"]) for fields in _KIND_PROPERTIES.values() for name, spec in fields.items() if "enum" in spec
}
KIND_REQUIRED: dict[str, tuple[str, ...]] = {
    "prose": (),
    "recommendation": ("action", "priority"),
    "risk": ("likelihood", "impact"),
    "leverage": ("holder", "trend"),
}

# What briefgen validates a block file with: every field of every kind is known here, and a field
# of another kind is reported by `checks.validate` in words that name the kind it belongs to.
BLOCK_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "briefgen content block",
    "description": "One content block: its section, status, kind, text and the audiences it is for.",
    "type": "object",
    "properties": {**_BLOCK_FIELDS, **{k: v for fields in _KIND_PROPERTIES.values() for k, v in fields.items()}},
    "required": ["section", "title", "status", "body"],
    "additionalProperties": False,
}


def _block_editor_schema() -> dict[str, Any]:
    """The block schema for editors: only the fields of the block's kind are offered and allowed.

    One `if`/`then` per kind (draft-07 keywords, which yaml-language-server understands); a block
    without `kind:` is prose. Each `then` lists every field the kind allows, as `additionalProperties`
    sees only the properties beside it.
    """
    branches = []
    for kind, fields in _KIND_PROPERTIES.items():
        condition: dict[str, Any] = {"properties": {"kind": {"const": kind}}}
        if kind != "prose":
            condition["required"] = ["kind"]
        then: dict[str, Any] = {"properties": {**_BLOCK_FIELDS, **fields}, "additionalProperties": False}
        if KIND_REQUIRED[kind]:
            then["required"] = list(KIND_REQUIRED[kind])
        branches.append({"if": condition, "then": then})
    head = {k: BLOCK_SCHEMA[k] for k in ("$schema", "title", "description", "type")}
    return {**head, "properties": _BLOCK_FIELDS, "required": BLOCK_SCHEMA["required"], "allOf": branches}


SCHEMAS = {
    "block": BLOCK_SCHEMA,
    "brief": BRIEF_SCHEMA,
    "audiences": AUDIENCES_FILE_SCHEMA,
    "briefgen": CONFIG_SCHEMA,
    "references": REFERENCES_SCHEMA,
}
SCHEMA_ID = "urn:briefgen:schema:{name}"  # a name, not an address: the files travel with each workspace


def editor_schema(name: str) -> dict[str, Any]:
    """The schema `briefgen schema` writes for `name`: an `$id`, and per-kind fields for blocks."""
    schema = _block_editor_schema() if name == "block" else SCHEMAS[name]
    return {"$schema": schema["$schema"], "$id": SCHEMA_ID.format(name=name), **schema}


OUTPUT_SCHEMA = DEFAULTS / "schemas" / "output.schema.json"


def write_schemas(out_dir: Path) -> list[Path]:
    """Write one JSON Schema file per content file type, for editors to autocomplete against."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = out_dir / f"{name}.schema.json"
        path.write_text(json.dumps(editor_schema(name), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    # what every `--json` prints (commands/output.py), for scripts that read it
    path = out_dir / OUTPUT_SCHEMA.name
    path.write_bytes(OUTPUT_SCHEMA.read_bytes())
    written.append(path)
    return written
