"""Rewrites the golden reports, tests/fixtures/<name>.expected, from a fresh `check`, and shows the diff.

The tests compare `check`'s report on each fixture with its golden file and never rewrite it;
after a deliberate change of a message, run `make golden`, read the diff it prints, and commit.
"""

from __future__ import annotations

import difflib
import shutil
import sys
import tempfile
from pathlib import Path

from briefgen.document.workspace import open_workspace
from briefgen.render.overrides import check_template_overrides

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
GOLDEN = ("broken", "refused")


def fresh_report(name: str) -> str:
    """`check`'s report on a fixture, read from a copy so no cache lands in the checkout."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / name
        shutil.copytree(FIXTURES / name, copy, ignore=shutil.ignore_patterns("dist"))
        ws, diags = open_workspace(copy, check_templates=check_template_overrides)
        return "\n".join(d.format(ws.root) for d in diags.sorted()) + "\n"


def main() -> int:
    for name in GOLDEN:
        golden = FIXTURES / f"{name}.expected"
        old = golden.read_text(encoding="utf-8") if golden.is_file() else ""
        new = fresh_report(name)
        diff = list(difflib.unified_diff(old.splitlines(True), new.splitlines(True), str(golden), "fresh check"))
        sys.stdout.writelines(diff or [f"{golden}: unchanged\n"])
        golden.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
