"""Starting points staff can fill in: a new block, a new brief, a new workspace. Never overwrites."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

from briefgen.content.schema import KIND_FIELDS, KINDS, write_schemas
from briefgen.diagnostics import did_you_mean
from briefgen.errors import UsageError
from briefgen.runtime.resources import DEFAULTS

SCHEMA_LINE = "# yaml-language-server: $schema=../../../schemas/block.schema.json"

_KIND_TEXT = {
    "recommendation": """action: One imperative line.        # what to do
priority: medium                     # high | medium | low
owner: Who acts                      # a ministry, a team
horizon: Now - 6 months              # when
""",
    "risk": """likelihood: medium                   # low | medium | high
impact: medium                       # low | medium | high
mitigation: How to reduce the risk.  # Markdown, shown in the risk register
""",
    "leverage": """holder: Whom the factor favours
trend: steady                        # rising | falling | steady
""",
    "prose": "",
}


# Apostrophes join a word ("China's", "don't"): dropped, so the word stays whole in the slug.
_APOSTROPHES = dict.fromkeys(map(ord, "'\u2019\u2018\u02bc\u0060\u00b4"))


def slugify(text: str) -> str:
    """A file-name-safe id from a title: 'Turn the screws!' -> 'turn-the-screws', "China's" -> 'chinas'."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or "block"


def _refuse_existing(path: Path, hint: str) -> None:
    if path.exists():
        raise UsageError(f"{path} already exists; briefgen never overwrites files. {hint}")


def block_text(section: str, kind: str, title: str) -> str:
    """A block file with every field of its kind, commented, status draft."""
    kind_text = _KIND_TEXT[kind]
    kind_line = "" if kind == "prose" else f"{'kind: ' + kind:<37}# {' | '.join(KINDS)}\n"
    return f"""{SCHEMA_LINE}
section: {json.dumps(section, ensure_ascii=False)}
title: {json.dumps(title, ensure_ascii=False)}
order: 100                           # position within the section
status: draft                        # draft | review | approved
{kind_line}tags: []                             # e.g. [internal]; audiences may include or exclude tags
# audiences: [analyst]               # only these audiences (default: all)
# exclude_audiences: [press]
# as_of: 2026-01-31                  # when the facts were last checked
# review_by: 2026-06-30              # check warns after this date
{kind_text}# Text is Markdown. Cite sources from the brief's bibliography with [@key],
# [@key, p. 12] or [see @a; @b].
summary: >
  One or two sentences for audiences that read summaries.
body: |
  The full text: paragraphs, *emphasis*, **bold**, lists and quotes.
# A figure is an image alone in its paragraph (PNG, JPEG, SVG, or a Vega-Lite chart
# such as figures/trade.vl.yaml), its path taken from the brief's folder. Refer to it
# elsewhere with @fig-map ("Figure 1").
#
#   ![What the figure shows](figures/map.png){{#fig-map width=70% fig-alt="What it shows, for
#   readers who cannot see it" source="Who made it"}}
# variants:
#   press:
#     body: Different words for one audience.
"""


def new_block(root: Path, brief: str, section: str, kind: str = "prose", title: str | None = None) -> Path:
    """Write briefs/BRIEF/blocks/<slug>.yaml for the given section and kind."""
    from briefgen.document.workspace import open_workspace
    from briefgen.render.overrides import check_template_overrides

    if kind not in KIND_FIELDS:
        raise UsageError(f"unknown kind '{kind}'{did_you_mean(kind, KINDS)}; use one of: {', '.join(KINDS)}")
    ws, _ = open_workspace(root, brief, check_templates=check_template_overrides)
    model = ws.briefs.get(brief)
    sections = [s.id for s in model.sections] if model else []
    if model and section not in sections:
        raise UsageError(
            f"brief '{brief}' has no section '{section}'{did_you_mean(section, sections)}; "
            f"sections: {', '.join(sections)}"
        )
    title = title or f"New {kind} block"
    path = ws.root / "briefs" / brief / "blocks" / f"{slugify(title)}.yaml"
    _refuse_existing(path, "Give the block another --title.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(block_text(section, kind, title), encoding="utf-8")
    return path


def _copy_new(source: Path, target: Path) -> list[Path]:
    """Copy a folder's files, refusing to replace any that exist."""
    files = [p for p in sorted(source.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    for path in files:
        _refuse_existing(target / path.relative_to(source), "Choose an empty folder or another name.")
    written = []
    for path in files:
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        written.append(dest)
    return written


def _refuse_unempty(folder: Path) -> None:
    shown = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    if shown:
        names = ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
        raise UsageError(
            f"the current folder is not empty (it holds {names}); run briefgen init in an empty folder, "
            "or name a new one: briefgen init FOLDER"
        )


def new_brief(root: Path, name: str) -> Path:
    """A new brief folder, a copy of the example brief with its id changed."""
    from briefgen.document.validate.ids import RESERVED_NAMES, SAFE_ID

    if not SAFE_ID.match(name) or name in RESERVED_NAMES:
        raise UsageError(f"'{name}' cannot be a brief id; use lower-case letters, digits, '-' and '_'")
    target = root / "briefs" / name
    _refuse_existing(target, "Choose another name.")
    _copy_new(DEFAULTS / "workspace" / "briefs" / "example", target)
    return target


# What a workspace's first `git add -A` must leave out: built outputs (with their caches) and the venv.
GITIGNORE = """\
# Written by briefgen init: outputs are built, not committed.
/dist/
.briefgen-cache/
.venv/
"""


def init_workspace(target: Path, here: bool = False) -> list[Path]:
    """A new workspace: settings, audiences, schemas and one example brief that builds at once.

    A `.gitignore` is written too, unless the folder has one (then it is left as it is). With
    `here` (`briefgen init` with no folder named), `target` is the current folder, which must be
    empty but for hidden entries such as `.git`, as `git init` would find it.
    """
    if here:
        _refuse_unempty(target)
    written = _copy_new(DEFAULTS / "workspace", target)
    written += write_schemas(target / "schemas")
    ignore = target / ".gitignore"
    if not ignore.exists() and not ignore.is_symlink():
        ignore.write_text(GITIGNORE, encoding="utf-8")
        written.append(ignore)
    return written
