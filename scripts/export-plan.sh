#!/usr/bin/env bash
# The plan job of .github/workflows/export.yml, runnable anywhere (scripts/export-dry-run.sh runs it
# too): checks the inputs, picks the briefs to export and splits them into shards of about equal
# work with `briefgen list --json --shards N` (by the seconds of the last build's manifests in
# dist/ when there are any). Run from the workspace, with briefgen on the PATH.
#   SHARDS         at most this many shards, 1 to 256 (GitHub runs at most 256 jobs per matrix)
#   ONLY           one brief id: only that brief (the brief input of a manual run)
#   AUDIENCE       one audience id, checked here (the shards build only it)
#   CHANGED_SINCE  a git revision (a push's `before`): only the briefs `briefgen diff` says changed
#                  since then, or every brief when briefgen.yaml, audiences.yaml, templates/ or
#                  styles/ changed, or when the revision is unknown (a new branch, a force push)
# Writes `shards=<JSON>` and `date=YYYY-MM-DD` to $GITHUB_OUTPUT (standard output without it).
set -eo pipefail
ONLY=${ONLY:-}
AUDIENCE=${AUDIENCE:-}
SHARDS=${SHARDS:-20}
CHANGED_SINCE=${CHANGED_SINCE:-}
output=${GITHUB_OUTPUT:-/dev/stdout}

case "$SHARDS" in
  ''|*[!0-9]*) bad=yes ;;
  *) if [ "$SHARDS" -gt 256 ]; then bad=yes; else bad=no; fi ;;
esac
if [ "$bad" = yes ]; then
  echo "::error title=Bad shards input::shards must be a whole number from 1 to 256 (GitHub runs at most 256 jobs per matrix)"
  exit 1
fi
if [ -n "$AUDIENCE" ] && ! briefgen list --json \
    | python3 -c 'import json, os, sys; sys.exit(os.environ["AUDIENCE"] not in json.load(sys.stdin)["result"]["audiences"])'; then
  echo "::error title=Unknown audience::the audience input names no audience of audiences.yaml"
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
briefgen list ${ONLY:+"$ONLY"} --json --shards "$SHARDS" > "$work/plan.json" || {
  status=$?
  # --json reports a refused command inside its envelope on standard output: said on stderr here,
  # as without --json, so that the job's log shows why.
  python3 - "$work/plan.json" >&2 <<'PY'
import json, sys
try:
    problems = json.load(open(sys.argv[1]))["problems"]
except (ValueError, KeyError, TypeError):
    problems = []  # said on stderr already
for problem in problems:
    print(f"Error: {problem['message']}")
PY
  exit "$status"
}
shards=$(python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["result"]["shards"], separators=(",", ":")))' "$work/plan.json")
if [ "$shards" = "[]" ]; then
  echo "::error title=Nothing to export::this workspace has no briefs; create one with 'briefgen new brief NAME'"
  exit 1
fi

# The briefs a push changed, one per line, or "*" for every brief.
changed_briefs() {
  if ! git rev-parse --verify --quiet "$CHANGED_SINCE^{commit}" >/dev/null 2>&1; then
    echo "::notice title=Exporting every brief::$CHANGED_SINCE is not in this clone (a new branch or a force push)" >&2
    echo "*"
    return
  fi
  local files
  files=$(git diff --name-only --no-renames --relative "$CHANGED_SINCE" -- .)
  if grep -qE '^(briefgen\.yaml|audiences\.yaml|templates/|styles/)' <<<"$files"; then
    echo "::notice title=Exporting every brief::settings, audiences, templates or the house style changed" >&2
    echo "*"
    return
  fi
  local brief
  # shellcheck disable=SC2013  # brief ids are folder names, one word each
  for brief in $(sed -n 's|^briefs/\([^/]*\)/.*|\1|p' <<<"$files" | sort -u); do
    [ -f "briefs/$brief/brief.yaml" ] || continue  # deleted: nothing to build
    briefgen diff "$CHANGED_SINCE" "$brief" --json \
      | python3 -c 'import json, sys; r = json.load(sys.stdin)["result"]; r["audiences"] and print(r["brief"])'
  done
}

if [ -z "$ONLY" ] && [ -n "$CHANGED_SINCE" ]; then
  changed=$(changed_briefs)
  if [ "$changed" != "*" ]; then
    # The same planner (heaviest first, each to the lightest shard) over the changed briefs only,
    # with the estimates `briefgen list` made from the manifests.
    python=$(dirname "$(command -v briefgen)")/python
    [ -x "$python" ] || python=python3
    # shellcheck disable=SC2086  # one word per brief id
    shards=$("$python" - "$work/plan.json" "$SHARDS" $changed <<'PY'
import json, sys
from briefgen.commands.shards import plan_shards
estimates = json.load(open(sys.argv[1]))["result"]["estimates"]
costs = {brief: estimates[brief]["cost"] for brief in sys.argv[3:] if brief in estimates}
shards = plan_shards(costs, int(sys.argv[2]))
print(json.dumps([{"number": s.number, "briefs": list(s.briefs), "cost": round(s.cost, 2)} for s in shards],
                 separators=(",", ":")))
PY
)
    if [ "$shards" = "[]" ]; then
      echo "::notice title=Nothing to export::no brief's outputs changed since $CHANGED_SINCE"
    fi
  fi
fi
python3 - "$work/plan.json" "$shards" <<'PY'
import json, sys
unit = json.load(open(sys.argv[1]))["result"]["unit"]
shards = json.loads(sys.argv[2])
print(f"plan: {sum(len(s['briefs']) for s in shards)} brief(s) in {len(shards)} shard(s), costed in {unit}")
for s in shards:
    print(f"  shard {s['number']}: about {s['cost']:g} {unit}: {' '.join(s['briefs'])}")
PY
{
  echo "shards=$shards"
  echo "date=$(date -u +%Y-%m-%d)"
} >> "$output"
