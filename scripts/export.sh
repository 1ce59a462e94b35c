#!/usr/bin/env bash
# The scheduled export, runnable anywhere: check strictly, then build every audience of every
# brief (or of $BRIEF, for $AUDIENCE only when set), check what was built for accessibility
# (PDF/UA-1, Word's rules, and WCAG 2.2 with axe-core when HTML is built: that needs Chromium)
# and append a table to the job summary.
# Used by `make export` and by .github/workflows/export.yml alike.
set -euo pipefail
bin=${BRIEFGEN:-.venv/bin/briefgen}
summary=${SUMMARY:-${GITHUB_STEP_SUMMARY:-dist/export-summary.md}}
mkdir -p "$(dirname "$summary")"
if [ -n "${BRIEF:-}" ]; then
  briefs=$BRIEF
else
  briefs=$("$bin" list --json | python3 -c 'import json, sys; print(" ".join(b["id"] for b in json.load(sys.stdin)["result"]["briefs"]))')
fi
audiences=(--all-audiences)
if [ -n "${AUDIENCE:-}" ]; then audiences=(--audience "$AUDIENCE"); fi
for brief in $briefs; do
  "$bin" check --strict "$brief"
  "$bin" build "$brief" "${audiences[@]}" --strict --summary-md "$summary"
  "$bin" check --strict --accessibility "$brief"
done
echo "export summary: $summary"
