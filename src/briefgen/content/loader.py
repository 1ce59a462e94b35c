"""Workspace files to the typed model: YAML read safely, every value keeping its position.

Each file is read on its own and checked against its JSON Schema; one bad file does not
stop the others, so a single run reports every problem.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from briefgen.content.confine import inside
from briefgen.content.crossrefs import separate_cross_references
from briefgen.content.figures import resolve_figures
from briefgen.content.markdown import parse_markdown, read_many, typeset
from briefgen.content.schema import (
    AUDIENCE_FIELDS,
    AUDIENCE_SCHEMA,
    AUDIENCES_FILE_SCHEMA,
    BLOCK_SCHEMA,
    BRIEF_SCHEMA,
    CONFIG_SCHEMA,
    ID_KEYS,
    KIND_FIELDS,
    conforms,
    validate_node,
)
from briefgen.content.style import HouseStyle, ThemeError, load_style
from briefgen.content.yamlsrc import QUOTE_LIMIT, Node, load_yaml, read_text, shorten
from briefgen.diagnostics import Diagnostics, Location
from briefgen.errors import UsageError
from briefgen.model import (
    AudienceProfile,
    Author,
    Brief,
    Config,
    ContentBlock,
    Markdown,
    MarkingLevel,
    Reference,
    Section,
    Variant,
    Workspace,
)

CONFIG_FILE = "briefgen.yaml"
AUDIENCES_FILE = "audiences.yaml"
BRIEFS_DIR = "briefs"


def find_workspace(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` that holds briefgen.yaml, as git finds .git."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise UsageError(
        f"no {CONFIG_FILE} found in {here} or any folder above it; run briefgen inside a "
        "workspace, pass --workspace DIR, or create one with 'briefgen init DIR'"
    )


def load_workspace(root: Path, diags: Diagnostics, only_brief: str | None = None) -> Workspace:
    """Read the whole workspace (or one brief of it); problems are collected in `diags`."""
    root = root.resolve()
    config = _load_config(root, diags)
    audiences, declared = _load_audiences(root, diags)
    briefs: dict[str, Brief] = {}
    briefs_dir = root / BRIEFS_DIR
    folders = sorted(p for p in briefs_dir.iterdir() if (p / "brief.yaml").is_file()) if briefs_dir.is_dir() else []
    if only_brief is not None:
        folders = [f for f in folders if f.name == only_brief]
    inside_folders = []
    for folder in folders:
        if not inside(folder, root):
            diags.error(
                "path.outside",
                "this brief folder is a link to a place outside the workspace; move the brief into briefs/ instead",
                Location(folder / "brief.yaml"),
            )
            continue
        inside_folders.append(folder)
    cache = cache_file(root, config, "markdown.json")
    files = _read_files(inside_folders, diags, root, cache)
    figures = cache_file(root, config, "figures")
    for folder in inside_folders:
        brief = load_brief(folder, diags, root, files)
        if brief is not None:
            briefs[brief.id] = resolve_figures(brief, root, diags, figures, lambda: _style(root))
    return Workspace(root, config, audiences, briefs, frozenset(declared) | set(audiences))


def _style(root: Path) -> HouseStyle:
    """The house style pictures are drawn with; a broken theme is reported by validation, not here."""
    try:
        return load_style(root)
    except ThemeError:
        return load_style(None)


def _load_config(root: Path, diags: Diagnostics) -> Config:
    node = load_yaml(root / CONFIG_FILE, diags, root)
    if node is None or not _validate(node, CONFIG_SCHEMA, diags):
        return Config()
    data = node.plain()
    return Config(
        default_brief=data.get("default_brief"),
        output_dir=data.get("output_dir", "dist"),
        formats=tuple(data.get("formats", ("pdf", "docx"))),
        markings=tuple(MarkingLevel(m["id"], m["banner"], m["portion"]) for m in data.get("markings", [])),
        location=markings.loc if (markings := node.get("markings")) else None,
    )


def _load_audiences(root: Path, diags: Diagnostics) -> tuple[dict[str, AudienceProfile], set[str]]:
    """Valid profiles, and every name declared (so a broken profile causes no false 'unknown' errors)."""
    path = root / AUDIENCES_FILE
    if not path.is_file():
        diags.error(
            "audiences.missing",
            f"{AUDIENCES_FILE} is missing; create it with at least one audience profile",
            Location(path),
        )
        return {}, set()
    node = load_yaml(path, diags, root)
    if node is None:
        return {}, set()
    _validate(node, AUDIENCES_FILE_SCHEMA, diags)
    if not node.is_map or not node.value:
        diags.error("audiences.empty", f"{AUDIENCES_FILE} defines no audience; add at least one profile", node.loc)
        return {}, set()
    profiles = {
        name: audience_from(name, entry.plain(), entry.key_loc or entry.loc)
        for name, entry in node.value.items()
        if entry.is_map and conforms(entry.plain(), AUDIENCE_SCHEMA) and conforms({name: {}}, ID_KEYS)
    }
    return profiles, set(node.value)


def _validate(node: Node, schema: dict[str, Any], diags: Diagnostics) -> bool:
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


def audience_from(name: str, data: dict[str, Any], loc: Location | None) -> AudienceProfile:
    """An audience profile from a plain mapping (already validated)."""
    return AudienceProfile(
        id=name,
        label=data.get("label", name),
        description=data.get("description", ""),
        detail=data.get("detail", "full"),
        sections=tuple(data.get("sections", ())),
        max_pages=data.get("max_pages"),
        notes=data.get("notes", "footnotes"),
        bibliography=bool(data.get("bibliography", False)),
        include_tags=tuple(data.get("include_tags", ())),
        exclude_tags=tuple(data.get("exclude_tags", ())),
        marking=data.get("marking"),
        decision=bool(data.get("decision", False)),
        csl=data.get("csl"),
        max_marking=data.get("max_marking"),
        portion_marks=bool(data.get("portion_marks", False)),
        show_as_of=bool(data.get("show_as_of", False)),
        lang=data.get("lang"),
        location=loc,
    )


def merge_audience(base: AudienceProfile, override: dict[str, Any]) -> AudienceProfile:
    """A profile with a brief's per-audience overrides applied."""
    from dataclasses import replace

    changes: dict[str, Any] = {}
    for key, value in override.items():
        if key not in AUDIENCE_FIELDS:
            continue
        changes[key] = tuple(value) if isinstance(value, list) else value
    return replace(base, **changes)


def _date(node: Node | None) -> dt.date | None:
    if node is None:
        return None
    return node.value if isinstance(node.value, dt.date) else dt.date.fromisoformat(str(node.value))


def _markdown(node: Node | None, uid: str) -> Markdown | None:
    if node is None or not isinstance(node.value, str):
        return None
    return parse_markdown(node.value, uid, node.loc, node.locate_text)


def cache_file(root: Path, config: Config, name: str) -> Path | None:
    """Where a cache of this workspace lives: `<output_dir>/.briefgen-cache/`, if that is inside it."""
    output = root / config.output_dir
    cache = output / ".briefgen-cache"
    if not inside(output, root) or cache.is_symlink() or (cache.exists() and not inside(cache, output)):
        return None  # a cache that is, or lies in, a link out of the workspace is not used
    return cache / name


_MARKDOWN_KEYS = ("body", "summary", "mitigation", "bottom_line")


def _markdown_sources(node: Node | None) -> list[str]:
    """The text of every Markdown field in a brief or block file (variants included)."""
    if node is None or not node.is_map:
        return []
    found = [v.value for k, v in node.value.items() if k in _MARKDOWN_KEYS and isinstance(v.value, str)]
    variants = node.get("variants")
    if variants is not None and variants.is_map:
        for variant in variants.value.values():
            found.extend(_markdown_sources(variant))
    return found


def _block_paths(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []


def _read_files(
    folders: list[Path], diags: Diagnostics, root: Path, cache: Path | None = None
) -> dict[Path, Node | None]:
    """Every brief.yaml and block file of these briefs, read once; their Markdown read by Pandoc in one run."""
    files: dict[Path, Node | None] = {}
    for folder in folders:
        files[folder / "brief.yaml"] = load_yaml(folder / "brief.yaml", diags, root)
        for path in _block_paths(folder / "blocks"):
            if inside(path, root):
                files[path] = load_yaml(path, diags, root)
    read_many((text for node in files.values() for text in _markdown_sources(node)), cache)
    return files


def load_brief(
    folder: Path, diags: Diagnostics, root: Path | None = None, files: dict[Path, Node | None] | None = None
) -> Brief | None:
    """One brief folder: brief.yaml, its bibliography and every block file."""
    files = files if files is not None else _read_files([folder], diags, root or folder)
    path = folder / "brief.yaml"
    node = files.get(path)
    if node is None or not _validate(node, BRIEF_SCHEMA, diags):
        load_blocks(folder / "blocks", diags, root or folder, files)  # their own mistakes are reported too
        return None
    data = node.value
    date_value = _date(data["date"])
    assert date_value is not None  # the schema requires a date
    bib_node = data.get("bibliography")
    bib_paths: list[tuple[Path, Location]] = []
    if bib_node is not None:
        entries = bib_node.value if bib_node.is_list else [bib_node]
        for empty in (e for e in entries if not str(e.value or "").strip()):
            diags.error("bib.missing", "the bibliography path is empty; name a file such as references.yaml", empty.loc)
        bib_paths = [(folder / e.value, e.loc) for e in entries if str(e.value or "").strip()]
    references = load_references(bib_paths, diags, root or folder)
    blocks = load_blocks(folder / "blocks", diags, root or folder, files)
    block_ids = {b.id for b in blocks}
    blocks = [_separate_cross_references(b, block_ids) for b in blocks]
    bottom_line = _markdown(data.get("bottom_line"), "brief/bottom_line")
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


def _separate_cross_references(block: ContentBlock, block_ids: set[str]) -> ContentBlock:
    """Citations of block, section and table ids become cross-references in every field."""
    from dataclasses import replace

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
    for path in _block_paths(folder):
        if files is not None and path in files:  # read, and found inside the workspace, already
            block = load_block(path, diags, files[path])
            if block is not None:
                blocks.append(block)
            continue
        if not inside(path, root):
            diags.error(
                "path.outside",
                "this block file is a link to a file outside the workspace; copy the file into the brief instead",
                Location(path),
            )
            continue
        block = load_block(path, diags)
        if block is not None:
            blocks.append(block)
    return blocks


def with_unloaded_blocks(brief: Brief, root: Path, config: Config, diags: Diagnostics) -> Brief:
    """The brief as `check` sees it: with what can still be read of block files that break the schema.

    Such a file is left out of builds, but its other problems (a misspelt tag, an unknown
    section, a figure) are reported in the same run as its schema error, not after it is fixed.
    Its figures are checked here; everything else by the checks of loaded blocks.
    """
    loaded = {block.path for block in brief.blocks}
    salvaged = []
    for path in _block_paths(brief.folder / "blocks"):
        if path in loaded or not inside(path, root):
            continue
        node = load_yaml(path, Diagnostics(), root)  # its reading problems were reported when it was loaded
        block = salvage_block(path, node) if node is not None else None
        if block is not None:
            salvaged.append(block)
    if not salvaged:
        return brief
    from dataclasses import replace

    figures = resolve_figures(
        replace(brief, blocks=tuple(salvaged)), root, diags, cache_file(root, config, "figures"), lambda: _style(root)
    )
    blocks = (*brief.blocks, *figures.blocks)
    block_ids = {b.id for b in blocks}
    return replace(brief, blocks=tuple(_separate_cross_references(b, block_ids) for b in blocks))


def unloaded_block_ids(brief: Brief) -> frozenset[str]:
    """The ids (file names) of the brief's block files that gave no block, not even for checks.

    Their YAML or shape is broken, which is reported at the file; a reference to one of them
    elsewhere is no second mistake, so checks leave it alone instead of calling it unknown.
    """
    loaded = {block.path for block in brief.blocks}
    return frozenset(path.stem for path in _block_paths(brief.folder / "blocks") if path not in loaded)


def salvage_block(path: Path, node: Node) -> ContentBlock | None:
    """A block file that breaks the schema, read from its fields that keep to it; None if too little does.

    For checks only, never for a build. Section, title and status must be readable (the checks
    of a block start from them), and so must the kind, which says what the other fields mean.
    A missing or misplaced body reads as empty.
    """
    from dataclasses import replace

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
    if ("kind" in node.value and "kind" not in kept) or not {"section", "title", "status"} <= set(kept):
        return None
    kept.setdefault("body", Node("", node.loc))
    return load_block(path, Diagnostics(), replace(node, value=kept))


def load_block(path: Path, diags: Diagnostics, node: Node | None | bool = True) -> ContentBlock | None:
    """One block file to a ContentBlock, or None when its shape is wrong (reported).

    `node` is the file already read, when the caller has it.
    """
    if node is True:
        node = load_yaml(path, diags)
        read_many(_markdown_sources(node if isinstance(node, Node) else None))
    if not isinstance(node, Node):
        return None
    if not node.is_map:
        diags.error("block.shape", "a block file must be a mapping of keys such as section:, title:, body:", node.loc)
        return None
    if not _validate(node, BLOCK_SCHEMA, diags):
        return None
    data = node.value
    block_id = data["id"].value if "id" in data else path.stem
    kind = data["kind"].value if "kind" in data else "prose"
    fields = {
        k: typeset(data[k].value) if isinstance(data[k].value, str) else data[k].value
        for k in KIND_FIELDS.get(kind, ())
        if k in data and k != "mitigation"
    }
    variants = {}
    for name, vnode in data["variants"].value.items() if "variants" in data else []:
        v = vnode.value
        variants[name] = Variant(
            title=typeset(v["title"].value) if "title" in v else None,
            summary=_markdown(v.get("summary"), f"{block_id}/{name}/summary"),
            body=_markdown(v.get("body"), f"{block_id}/{name}/body"),
        )
    locations = {key: (child.key_loc or child.loc) for key, child in data.items()}
    locations.update({f"{key}.value": child.loc for key, child in data.items()})
    if "variants" in data:
        for name, vnode in data["variants"].value.items():
            locations[f"variants.{name}"] = vnode.key_loc or vnode.loc

    def items(key: str) -> tuple[str, ...]:
        return tuple(n.value for n in data[key].value) if key in data else ()

    body = _markdown(data["body"], f"{block_id}/body")
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
        summary=_markdown(data.get("summary"), f"{block_id}/summary"),
        tags=items("tags"),
        audiences=items("audiences") if "audiences" in data else None,
        exclude_audiences=items("exclude_audiences"),
        variants=variants,
        fields=fields,
        mitigation=_markdown(data.get("mitigation"), f"{block_id}/mitigation"),
        marking=data["marking"].value if "marking" in data else None,
        as_of=_date(data.get("as_of")),
        review_by=_date(data.get("review_by")),
        location=node.loc,
        locations=locations,
    )


# ---------------------------------------------------------------- bibliographies


def load_references(paths: list[tuple[Path, Location]], diags: Diagnostics, root: Path) -> dict[str, Reference]:
    """Every reference of a brief's bibliography files; a key defined twice is an error."""
    refs: dict[str, Reference] = {}
    for path, where in paths:
        if not inside(path, root):
            diags.error(
                "path.outside",
                f"bibliography '{path.name}' lies outside the workspace; briefgen reads "
                "only files inside it, so copy the file in and give its path relative to the brief",
                where,
            )
            continue
        if not path.is_file():
            diags.error(
                "bib.missing",
                f"bibliography file '{path.name}' does not exist; fix the path (relative to the brief folder)",
                where,
            )
            continue
        for ref in _read_bibliography(path, diags):
            if ref.id in refs:
                first = refs[ref.id].location
                first_text = f" (first defined in {first.path.name} at line {first.line})" if first else ""
                diags.error(
                    "bib.duplicate-key",
                    f"reference key '{ref.id}' is defined twice{first_text}; "
                    "keys are case-sensitive and must be unique",
                    ref.location,
                )
                continue
            refs[ref.id] = ref
    return refs


def _read_bibliography(path: Path, diags: Diagnostics) -> list[Reference]:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _csl_yaml(path, diags)
    if suffix == ".json":
        return _csl_json(path, diags)
    if suffix == ".bib":
        return _bibtex(path, diags)
    diags.error(
        "bib.format",
        f"'{path.name}' is not a bibliography format briefgen reads; use .yaml (CSL YAML), .json (CSL JSON) or .bib",
        Location(path),
    )
    return []


def _csl_yaml(path: Path, diags: Diagnostics) -> list[Reference]:
    node = load_yaml(path, diags)
    if node is None:
        return []
    entries = node.get("references") if node.is_map else node
    if entries is None or not entries.is_list:
        diags.error("bib.shape", "expected a 'references:' list of CSL entries", node.loc)
        return []
    refs = []
    for entry in entries.value:
        id_node = entry.get("id") if entry.is_map else None
        if id_node is None or not isinstance(id_node.value, str | int):
            diags.error("bib.id", "each reference needs an 'id:' (the key you cite with @id)", entry.loc)
            continue
        _check_csl_entry(entry.plain(), _field_locator(entry), diags)  # a bad entry still counts as defined
        refs.append(Reference(str(id_node.value), _csl_dates(entry.plain()), id_node.loc))
    return refs


NAME_FIELDS = ("author", "editor", "translator", "container-author", "director", "interviewer", "recipient")
DATE_FIELDS = ("issued", "accessed", "event-date", "original-date", "submitted")


def _field_locator(entry: Node) -> Callable[[str], Location | None]:
    def where(key: str) -> Location | None:
        field = entry.get(key)
        return field.loc if field else entry.loc

    return where


def _check_csl_entry(data: dict[str, Any], where: Callable[[str], Location | None], diags: Diagnostics) -> None:
    """Names and dates in shapes Pandoc can read, reported where they stand (before a build fails).

    Deliberately lenient: text dates (ranges, "2016~", raw) and given-only names pass; only shapes
    that make Pandoc reject the whole bibliography are errors.
    """
    for key in NAME_FIELDS:
        names = data.get(key)
        if names is None:
            continue
        if not isinstance(names, list) or not all(isinstance(n, dict) for n in names):
            diags.error(
                "bib.names",
                f"'{key}' must be a list of names, each with 'family:' and 'given:' "
                "(or 'literal:' for an organisation), for example:  - family: Dominguez",
                where(key),
            )
    for key in DATE_FIELDS:
        date = data.get(key)
        if date is None or isinstance(date, dt.date | str | int):
            continue  # text and numbers are handed to Pandoc as text, which reads EDTF dates
        parts = date.get("date-parts") if isinstance(date, dict) else None
        if isinstance(date, dict) and parts is None and (date.get("raw") or date.get("literal")):
            continue
        good = isinstance(parts, list) and all(
            isinstance(p, list)
            and 1 <= len(p) <= 3
            and all(str(x).strip().lstrip("-").isdigit() for x in p)
            and _plausible(*[int(x) for x in p])
            for p in parts
        )
        if not good:
            diags.error(
                "bib.date",
                f"'{key}' must be a date such as 2016-11-25, or date-parts: [[2016, 11, 25]] "
                "with a real month (1-12, or 13-24 for seasons) and day",
                where(key),
            )


def _plausible(year: int, month: int = 1, day: int = 1) -> bool:
    return -9999 < year < 10000 and 1 <= month <= 24 and 1 <= day <= 31


def _csl_dates(data: dict[str, Any]) -> dict[str, Any]:
    """CSL JSON wants dates as text or date-parts; YAML may have given date objects."""
    out = {}
    for key, value in data.items():
        if isinstance(value, dt.date):
            value = {"date-parts": [[value.year, value.month, value.day]]}
        elif key in DATE_FIELDS and isinstance(value, int):
            value = str(value)  # issued: 2016 -> "2016", which Pandoc reads as a year
        out[key] = value
    out["id"] = str(out["id"])
    return out


def _key_location(path: Path, text: str, pattern: str) -> Location:
    match = re.search(pattern, text)
    if not match:
        return Location(path)
    index = match.start(1) if match.groups() else match.start()
    line = text.count("\n", 0, index) + 1
    return Location(path, line, index - (text.rfind("\n", 0, index) + 1) + 1)


def _csl_json(path: Path, diags: Diagnostics) -> list[Reference]:
    text = read_text(path, diags)
    if text is None:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        diags.error("bib.syntax", f"JSON syntax error: {exc.msg}", Location(path, exc.lineno, exc.colno))
        return []
    if isinstance(data, dict):
        data = data.get("references", data.get("items", []))
    if not isinstance(data, list):
        diags.error("bib.shape", "expected a list of CSL JSON entries", Location(path, 1, 1))
        return []
    refs = []
    for entry in data:
        if not isinstance(entry, dict) or "id" not in entry:
            diags.error("bib.id", 'each reference needs an "id"', Location(path))
            continue
        key = str(entry["id"])
        loc = _key_location(path, text, r'"id"\s*:\s*"?(' + re.escape(key) + r')"?')
        _check_csl_entry(entry, lambda _key: loc, diags)  # noqa: B023 (used at once, inside the loop)
        refs.append(Reference(key, _csl_dates(entry), loc))
    return refs


def _bibtex(path: Path, diags: Diagnostics) -> list[Reference]:
    """BibTeX through Pandoc's reader, which knows LaTeX accents and name forms."""
    from briefgen.runtime.pandoc import PandocError, run_pandoc

    text = read_text(path, diags)
    if text is None:
        return []
    try:
        out = run_pandoc(text, ["-f", "bibtex", "-t", "csljson"])
    except PandocError as exc:
        diags.error("bib.syntax", f"cannot read this BibTeX file: {exc}", Location(path))
        return []
    refs = []
    for entry in json.loads(out or "[]"):
        key = str(entry["id"])
        loc = _key_location(path, text, r"@\w+\s*\{\s*(" + re.escape(key) + r")\s*,")
        refs.append(Reference(key, entry, loc))
    return refs
