#!/usr/bin/env bash
# The export workflow (.github/workflows/export.yml), run on this machine without GitHub: its plan,
# shard, summary, site, deploy-preparation and reproducibility jobs, in order, each in its own copy
# of the workspace (as each job has its own runner and checkout), calling the same scripts the
# workflow calls. Artifacts and caches are folders; nothing is uploaded or deployed: what would be
# is printed. So a change to the workflow's scripts can be tried before it is pushed.
#   scripts/export-dry-run.sh [WORKSPACE]     (default: the current folder)
#   SHARDS=2            shards to plan (default 2)
#   ONLY, AUDIENCE, CHANGED_SINCE   as the plan's inputs (see scripts/export-plan.sh)
#   DRY_RUN_DIR=DIR     work there (default: a new temporary folder, kept and printed at the end)
#   DRY_RUN_CACHE=DIR   the caches (manifests, outputs) kept between dry runs: a second run plans by
#                       the seconds the first measured (default: DRY_RUN_DIR/cache)
#   REPRO=0             leave out the reproducibility jobs
# Installs nothing: it uses the briefgen on the PATH (or this checkout's .venv).
set -euo pipefail
scripts=$(cd "$(dirname "$0")" && pwd)
workspace=$(cd "${1:-.}" && pwd)
if ! command -v briefgen >/dev/null 2>&1; then PATH="$scripts/../.venv/bin:$PATH"; fi
command -v briefgen >/dev/null 2>&1 || { echo "no briefgen on the PATH; run make .venv/.installed" >&2; exit 1; }
work=${DRY_RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/export-dry-run.XXXXXX")}
cache=${DRY_RUN_CACHE:-$work/cache}
mkdir -p "$work/jobs" "$work/artifacts" "$cache"
export BRIEFGEN
BRIEFGEN=$(command -v briefgen)

job() { printf '\n=== job %s\n' "$1"; }
# A fresh checkout of the workspace for one job: no outputs, no caches, git history only when asked.
checkout() {
  local to="$work/jobs/$1"
  rm -rf "$to" && mkdir -p "$to"
  local skip=(--exclude=./dist --exclude=./.venv --exclude=./_site --exclude=./export --exclude=./summaries)
  if [ -z "${CHANGED_SINCE:-}" ]; then skip+=(--exclude=./.git); fi
  tar -C "$workspace" "${skip[@]}" -cf - . | tar -C "$to" -xf -
  echo "checkout: $to"
}
restore() {  # restore CACHE_NAME INTO: as actions/cache/restore, nothing when there is no such cache yet
  if [ -d "$cache/$1" ]; then cp -a "$cache/$1/." "$2/"; echo "cache $1: restored"; else echo "cache $1: none yet"; fi
}

echo "briefgen: $BRIEFGEN"
echo "install: skipped (scripts/export-install.sh installs on a runner; here the briefgen above is used)"

job plan
checkout plan
cd "$work/jobs/plan"
mkdir -p dist && restore export-manifests dist
briefgen check --strict --format github ${ONLY:+"$ONLY"}
: > "$work/plan.out"
SHARDS=${SHARDS:-2} GITHUB_OUTPUT="$work/plan.out" "$scripts/export-plan.sh"
shards=$(sed -n 's/^shards=//p' "$work/plan.out")
date=$(sed -n 's/^date=//p' "$work/plan.out")
count=$(python3 -c 'import json, sys; print(len(json.loads(sys.argv[1])))' "$shards")
if [ "$count" -eq 0 ]; then echo "nothing to export: the shard, summary and site jobs do not run"; exit 0; fi

for number in $(seq 1 "$count"); do
  job "export (shard $number)"
  briefs=$(python3 -c 'import json, sys; print(" ".join(json.loads(sys.argv[1])[int(sys.argv[2]) - 1]["briefs"]))' "$shards" "$number")
  checkout "shard-$number"
  cd "$work/jobs/shard-$number"
  BRIEF=$briefs SUMMARY="summaries/shard-$number.md" "$scripts/export.sh"
  artifact="$work/artifacts/export-$date-shard-$number"
  mkdir -p "$artifact"
  tar --exclude=./dist/.briefgen-cache -cf - ./dist ./summaries | tar -C "$artifact" -xf -
  echo "would upload artifact export-$date-shard-$number (kept 30 days): $(find "$artifact" -type f | wc -l) files, $(du -sh "$artifact" | cut -f1)"
done

download() {  # every shard's artifact, merged, into $1 (download-artifact's merge-multiple)
  mkdir -p "$1"
  for artifact in "$work/artifacts/export-$date-shard-"*; do cp -a "$artifact/." "$1/"; done
}

job summary
checkout summary
cd "$work/jobs/summary"
download export
SHARDS=$shards GITHUB_STEP_SUMMARY="$work/summary.md" python3 "$scripts/export-summary.py"
cat "$work/summary.md"

job site
checkout site
cd "$work/jobs/site"
mkdir -p dist && restore export-outputs dist
download export
"$scripts/export-site.sh" merge
for name in export-manifests export-outputs; do
  rm -rf "${cache:?}/$name" && mkdir -p "$cache/$name"
done
(cd dist && find . -mindepth 2 -maxdepth 2 -name manifest.json -print0 | xargs -0 -r cp --parents -t "$cache/export-manifests")
tar -C dist --exclude=./.briefgen-cache -cf - . | tar -C "$cache/export-outputs" -xf -
echo "cache export-manifests, export-outputs: saved in $cache"
site=no
if briefgen site --help >/dev/null 2>&1; then
  SITE="$work/jobs/site/_site" "$scripts/export-site.sh" site
  site=yes
else
  echo "SKIPPED: 'briefgen site' does not exist in this briefgen yet (briefgen site --help failed); no site is built or deployed"
fi

job "deploy (preparation)"
if [ "$site" = yes ]; then
  # What actions/upload-pages-artifact packs: the folder without dotfiles, .git or .github.
  tar -C "$work/jobs/site/_site" --exclude=.git --exclude=.github --exclude='.[^/]*' -cf "$work/github-pages.tar" .
  echo "would upload the Pages artifact github-pages: $(tar -tf "$work/github-pages.tar" | grep -vc '/$') files, $(du -h "$work/github-pages.tar" | cut -f1)"
  tar -tf "$work/github-pages.tar" | grep -v '/$' | sed 's/^/  /' | head -n 20
  echo "would deploy it with actions/deploy-pages to the github-pages environment"
else
  echo "nothing to deploy (no site)"
fi

if [ "${REPRO:-1}" != 0 ]; then
  for run in 1 2; do
    job "reproducible ($run)"
    checkout "reproducible-$run"
    cd "$work/jobs/reproducible-$run"
    "$scripts/repro-check.sh" build "$work/reproducible-$run.sha256"
  done
  job "reproducible (compare)"
  "$scripts/repro-check.sh" compare "$work/reproducible-1.sha256" "$work/reproducible-2.sha256"
fi
printf '\ndry run done: %s\n' "$work"
