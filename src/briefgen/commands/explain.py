"""`briefgen explain`: what a diagnostic code means and how to fix it, from the registry of codes.

Every report line ends in a code, `... [budget.pages]`; `explain_text("budget.pages")` is what
`briefgen explain budget.pages` prints. `diagnostics_markdown()` is docs/diagnostics.md, written
by `make diagnostics` (`python -m briefgen.commands.explain docs/diagnostics.md`).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from briefgen.diagnostics import did_you_mean
from briefgen.diagnostics.codes import CODES, GROUPS, Code, lookup
from briefgen.errors import UsageError


def find_codes(name: str | None) -> Code | list[Code]:
    """The code `name` names, or the list it asks for: a group's ("yaml") or every code (None).

    UsageError for a name that is neither, with the nearest code.
    """
    if name is None:
        return sorted(CODES.values(), key=lambda c: c.name)
    wanted = name.strip().strip("[]")  # pasted from the end of a report line: "[budget.pages]"
    code = lookup(wanted) or next((c for c in CODES.values() if c.name.lower() == wanted.lower()), None)
    if code is not None:
        return code
    wanted = wanted.lower()
    if wanted in GROUPS:
        return sorted((c for c in CODES.values() if c.group == wanted), key=lambda c: c.name)
    raise UsageError(
        f"unknown diagnostic code '{name}'{did_you_mean(wanted, list(CODES)) or did_you_mean(wanted, list(GROUPS))}; "
        "'briefgen explain' lists every code, 'briefgen explain GROUP' the codes of one group"
    )


def explain_text(name: str | None = None) -> str:
    """One code's entry as `briefgen explain CODE` prints it; a group's or every code's list without one."""
    found = find_codes(name)
    if isinstance(found, Code):
        return f"{found.name} ({found.severity.value})\n\nWhat it means: {found.summary}\nHow to fix it: {found.fix}"
    width = max(len(c.name) for c in found)
    lines = [f"{c.name:<{width}}  {c.severity.value:<7}  {c.summary}" for c in found]
    footer = "'briefgen explain CODE' says how to fix one; 'briefgen explain GROUP' lists a group."
    return "\n".join([*lines, "", footer])


def code_json(code: Code) -> dict[str, str]:
    return {"code": code.name, "severity": code.severity.value, "summary": code.summary, "fix": code.fix}


def explain_json(name: str | None = None) -> dict[str, str] | list[dict[str, str]]:
    """`explain --json`: one code's entry, or the list of a group's or every code's entries."""
    found = find_codes(name)
    if isinstance(found, Code):
        return code_json(found)
    return [code_json(c) for c in found]


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$])")


def _markdown_text(text: str) -> str:
    """Registry text shown as written in Markdown: ![x](y), *x*, ~x~ and the like are not read as markup."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def diagnostics_markdown() -> str:
    """docs/diagnostics.md: how to read a report line, then every code by group with its severity and fix."""
    codes = sorted(CODES.values(), key=lambda c: c.name)
    groups = sorted({c.group for c in codes})
    out = [
        "# Diagnostic codes",
        "",
        "<!-- Written from src/briefgen/diagnostics/codes.py by `make diagnostics`; edit the registry, not this "
        "file. -->",
        "",
        "`briefgen check` (and `build` and `review --apply`) reports each problem it finds on one line:",
        "",
        "```",
        "briefs/demo/blocks/risks.yaml:4:10: error: section 'mian' is not defined in brief.yaml "
        "(did you mean 'main'?); use one of: main [block.unknown-section]",
        "```",
        "",
        "That is `file:line:column: severity: message [code]`: the file and the place in it (line and column, "
        "counted from 1), how serious the problem is, what is wrong and how to fix it, and the problem's code. "
        "`briefgen explain CODE` prints the code's entry below, `briefgen explain` lists every code, and "
        "`check --json` gives each problem's code as `code`.",
        "",
        "- **error**: the brief cannot be built as written; `check` fails and nothing is written.",
        "- **warning**: the brief builds, but something is probably not what you meant; `check --strict` and "
        "`build --strict` fail on warnings too.",
        "- **note**: information only; it never fails a check.",
        "",
        "A few codes are reported at two severities; their summary says when.",
        "",
        f"{len(codes)} codes in {len(groups)} groups: " + ", ".join(f"[{g}](#{g})" for g in groups) + ".",
    ]
    for group in groups:
        out += ["", f"## {group}", "", _markdown_text(GROUPS[group]) + "."]
        for code in (c for c in codes if c.group == group):
            out += [
                "",
                f"### {code.name}",
                "",
                f"**{code.severity.value}**: {_markdown_text(code.summary)}",
                "",
                f"Fix: {_markdown_text(code.fix)}",
            ]
    return "\n".join(out) + "\n"


def _write(target: Path) -> None:
    target.write_text(diagnostics_markdown(), encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")


if __name__ == "__main__":
    _write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/diagnostics.md"))
