"""The summary job of .github/workflows/export.yml (and of scripts/export-dry-run.sh): one table of
every shard's outputs in the job summary, and a failure naming each planned brief without outputs.

Reads the shards' artifacts, merged, from ./export (dist/<brief>/manifest.json and summaries/*.md),
the plan from $SHARDS (JSON), and appends to $GITHUB_STEP_SUMMARY.
"""

import json
import os
import pathlib

shards = json.loads(os.environ["SHARDS"])
root = pathlib.Path("export")
briefs = [brief for shard in shards for brief in shard["briefs"]]
missing = [b for b in briefs if not (root / "dist" / b / "manifest.json").is_file()]
rows = []
for table in sorted(root.glob("summaries/*.md")):
    rows += [
        line
        for line in table.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith("| brief |")
    ]
lines = [f"## Export: {len(briefs) - len(missing)} of {len(briefs)} briefs in {len(shards)} shards", ""]
if missing:
    lines += [f"**No outputs** (see the failed shard's log): {', '.join(missing)}", ""]
lines += ["| brief | audience | format | pages | words | warnings | status |", "|---|---|---|---:|---:|---|---|"]
lines += sorted(rows)
with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as out:
    out.write("\n".join(lines) + "\n")
if missing:
    print(f"::error title=Export incomplete::no outputs for {', '.join(missing)}")  # noqa: T201
    raise SystemExit(1)
