"""The YAML contract as JSON Schema: one definition drives validation messages and editor autocomplete.

`briefgen schema` writes these for editors (yaml-language-server), each with an `$id`, the
block schema with one `if`/`then` per kind so an editor offers only that kind's fields, plus a
schema for CSL YAML references; `validate_node` checks a located YAML node against one and
reports each problem at the offending key or value.
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
_MARKDOWN = {"type": "string", "description": "Pandoc Markdown; cite with [@key] or [@key, p. 12]."}
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


_NAME = {
    "type": "object",
    "description": "A person (family and given names) or an organisation (literal).",
    "properties": {
        "family": {"type": "string", "description": "Family name, e.g. Dominguez."},
        "given": {"type": "string", "description": "Given names, e.g. Gabriel."},
        "literal": {"type": "string", "description": "An organisation's name, or a name never to be split."},
        "dropping-particle": {
            "type": "string",
            "description": "A particle dropped when only the family name shows (de).",
        },
        "non-dropping-particle": {
            "type": "string",
            "description": "A particle kept with the family name (van, de la).",
        },
        "suffix": {"type": "string", "description": "Jr., III."},
        "comma-suffix": {"type": ["boolean", "string", "number"], "description": "A comma before the suffix."},
        "static-ordering": {"type": ["boolean", "string", "number"], "description": "Family name first."},
        "parse-names": {"type": ["boolean", "string", "number"], "description": "Let the processor split the name."},
    },
    "additionalProperties": False,
}
_DATE = {
    "description": "A date: 2016-11-25, 2016-11, 2016 (EDTF text), or date-parts: [[2016, 11, 25]].",
    "anyOf": [
        {"type": "string"},
        {"type": "integer"},
        {
            "type": "object",
            "properties": {
                "date-parts": {
                    "type": "array",
                    "description": "[[year, month, day]]; a second list ends a range.",
                    "minItems": 1,
                    "maxItems": 2,
                    "items": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": ["integer", "string"]}},
                },
                "season": {"type": ["integer", "string"], "description": "1-4 for spring to winter."},
                "circa": {"type": ["boolean", "integer", "string"], "description": "The date is approximate."},
                "literal": {"type": "string", "description": "A date printed as written."},
                "raw": {"type": "string", "description": "A date as text for the processor to read."},
                "edtf": {"type": "string", "description": "An EDTF date, e.g. 2016-11-25/2016-12."},
            },
            "additionalProperties": False,
        },
    ],
}
CSL_TYPES = (
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
    "chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
    "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview", "legal_case", "legislation",
    "manuscript", "map", "motion_picture", "musical_score", "pamphlet", "paper-conference", "patent",
    "performance", "periodical", "personal_communication", "post", "post-weblog", "regulation", "report",
    "review", "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
)  # fmt: skip
_CSL_NAMES = {
    "author": "Authors.",
    "editor": "Editors.",
    "translator": "Translators.",
    "container-author": "Authors of the book or series containing this item.",
    "collection-editor": "Editors of the series.",
    "composer": "Composers.",
    "director": "Directors.",
    "editorial-director": "Editorial directors.",
    "illustrator": "Illustrators.",
    "interviewer": "Interviewers.",
    "original-author": "Authors of the original work.",
    "recipient": "Recipients (of a letter, an e-mail).",
    "reviewed-author": "Authors of the reviewed work.",
    "chair": "Chairs (of a session, a hearing).",
    "compiler": "Compilers.",
    "contributor": "Contributors.",
    "curator": "Curators.",
    "executive-producer": "Executive producers.",
    "guest": "Guests (of a broadcast).",
    "host": "Hosts (of a broadcast).",
    "narrator": "Narrators.",
    "organizer": "Organisers (of an event).",
    "performer": "Performers.",
    "producer": "Producers.",
    "script-writer": "Script writers.",
    "series-creator": "Creators of a series.",
}
_CSL_DATES = {
    "issued": "When the item was published.",
    "accessed": "When you read an online item.",
    "event-date": "When the event (a conference, a hearing) took place.",
    "original-date": "When the original work was published.",
    "submitted": "When the item was submitted (a patent, a thesis).",
    "available-date": "When the item became available online.",
}
_CSL_TEXT = {
    "title": "Title of the item.",
    "title-short": "Short title, used in subsequent notes.",
    "container-title": "Title of the journal, newspaper, book or website containing the item.",
    "container-title-short": "Abbreviated container title.",
    "collection-title": "Title of the series.",
    "publisher": "Publisher.",
    "publisher-place": "Where the publisher is.",
    "URL": "Web address of the item.",
    "DOI": "Digital Object Identifier, without https://doi.org/.",
    "ISBN": "International Standard Book Number.",
    "ISSN": "International Standard Serial Number.",
    "PMID": "PubMed identifier.",
    "PMCID": "PubMed Central identifier.",
    "abstract": "Abstract of the item.",
    "annote": "Your annotation (printed only by annotated-bibliography styles).",
    "archive": "Archive holding the item.",
    "archive_location": "Where in the archive.",
    "archive-place": "Where the archive is.",
    "authority": "Issuing authority (a court, a legislature).",
    "call-number": "Library call number.",
    "citation-key": "The key a tool such as Better BibTeX gave the item.",
    "dimensions": "Physical size or running time.",
    "division": "Subdivision of an authority.",
    "event": "Name of the event (Pandoc and older styles).",
    "event-title": "Name of the event.",
    "event-place": "Where the event took place.",
    "genre": "Kind of item within its type, e.g. 'PhD dissertation'.",
    "jurisdiction": "Jurisdiction of a legal item.",
    "keyword": "Keywords.",
    "language": "Language of the item, as a BCP 47 tag.",
    "license": "Licence of the item.",
    "medium": "Medium, e.g. CD or online.",
    "note": "A note printed with the entry, or extra fields for the processor.",
    "original-publisher": "Publisher of the original work.",
    "original-publisher-place": "Where the original publisher is.",
    "original-title": "Title of the original work.",
    "part-title": "Title of the part of a multi-part work.",
    "references": "References the item cites (for legal items).",
    "reviewed-genre": "Kind of the reviewed work.",
    "reviewed-title": "Title of the reviewed work.",
    "scale": "Scale of a map.",
    "section": "Section of a newspaper or a code.",
    "source": "Database or catalogue the record came from.",
    "status": "Publication status, e.g. 'forthcoming'.",
    "translated-title": "Title translated into the document's language.",
    "version": "Version of software or a dataset.",
    "year-suffix": "The letter after a year (2016a).",
    "journalAbbreviation": "Abbreviated journal name (Zotero).",
    "shortTitle": "Short title (Zotero).",
}
_CSL_NUMBERS = {
    "volume": "Volume number.",
    "issue": "Issue number.",
    "page": "Pages of the item in its container, e.g. 12-34.",
    "page-first": "First page.",
    "number": "Number of a report, a bill, a patent.",
    "edition": "Edition.",
    "chapter-number": "Chapter number.",
    "collection-number": "Number in the series.",
    "number-of-pages": "Total number of pages.",
    "number-of-volumes": "Total number of volumes.",
    "part": "Part number.",
    "printing": "Printing number.",
    "supplement": "Supplement number.",
    "locator": "A pinpoint (pages are given in the citation instead).",
    "citation-number": "Citation number (set by the processor).",
    "first-reference-note-number": "Note of the first citation (set by the processor).",
}
_CSL_ENTRY = {
    "type": "object",
    "description": "One work in CSL (Citation Style Language) form; give only what the source states.",
    "properties": {
        "id": {"type": ["string", "integer"], "description": "The key you cite with: [@id]."},
        "type": {"enum": list(CSL_TYPES), "description": "What the item is: book, article-journal, report..."},
        **{
            name: {"type": "array", "items": {"$ref": "#/$defs/name"}, "description": text}
            for name, text in _CSL_NAMES.items()
        },
        **{
            name: {"$ref": "#/$defs/date", "description": f"{text} {_DATE['description']}"}
            for name, text in _CSL_DATES.items()
        },
        **{name: {"type": "string", "description": text} for name, text in _CSL_TEXT.items()},
        **{name: {"type": ["string", "integer"], "description": text} for name, text in _CSL_NUMBERS.items()},
        "categories": {"type": "array", "items": {"type": "string"}, "description": "Categories of the item."},
        "custom": {"type": "object", "description": "Your own key-value pairs; styles do not print them."},
    },
    "required": ["id"],
    # Styles ignore variables they do not know, and so does briefgen: the editor flags nothing more.
    "additionalProperties": True,
}
REFERENCES_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "briefgen references.yaml (CSL YAML)",
    "description": "A bibliography in CSL YAML, as Pandoc, Quarto and Zotero write it.",
    "$defs": {"reference": _CSL_ENTRY, "name": _NAME, "date": _DATE},  # each written once, referred to
    "anyOf": [
        {
            "type": "object",
            "properties": {
                "references": {
                    "type": "array",
                    "items": {"$ref": "#/$defs/reference"},
                    "description": "The works this brief may cite.",
                }
            },
            "required": ["references"],
        },
        {"type": "array", "items": {"$ref": "#/$defs/reference"}},
    ],
}

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


def _missing_key(error: jsonschema.ValidationError) -> str:
    """The key a `required` error names."""
    return error.message.split("'")[1] if "'" in error.message else error.message


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
        missing = _missing_key(error)
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
                    message += (
                        f"; if it is the {key} variant's {name}, indent it like '{first[0]}:' (column {first[1]})"
                    )
                diags.error(
                    "schema.indentation", message, (field.key_loc or field.loc) if field is not None else node.loc
                )
                continue
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
    for name in SCHEMAS:
        path = out_dir / f"{name}.schema.json"
        path.write_text(json.dumps(editor_schema(name), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
