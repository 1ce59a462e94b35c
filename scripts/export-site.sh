#!/usr/bin/env bash
# The site job of .github/workflows/export.yml, runnable anywhere (scripts/export-dry-run.sh runs it too).
#   export-site.sh merge  lays the shards' outputs (their artifacts, downloaded merged into
#                         $DOWNLOADED, default export/) over dist/, which holds the last export's
#                         outputs restored from the cache (a push exports only the briefs it changed),
#                         and removes the folders of briefs the workspace no longer has
#   export-site.sh site   writes the static site of every brief to $SITE (default _site) with
#                         `briefgen site`, which reuses the outputs already in dist/ (incremental builds)
# Run from the workspace, with briefgen on the PATH.
set -euo pipefail
downloaded=${DOWNLOADED:-export}
site=${SITE:-_site}
case "${1:-}" in
  merge)
    mkdir -p dist
    if [ -d "$downloaded/dist" ]; then cp -a "$downloaded/dist/." dist/; fi
    briefs=$(briefgen list --json | python3 -c 'import json, sys; print(" ".join(b["id"] for b in json.load(sys.stdin)["result"]["briefs"]))')
    for folder in dist/*/; do
      [ -d "$folder" ] || continue
      name=$(basename "$folder")
      case " $briefs " in
        *" $name "*) ;;
        *) echo "removing dist/$name: no such brief any more"; rm -rf "dist/$name" ;;
      esac
    done
    echo "dist/ holds the outputs of $(find dist -mindepth 2 -maxdepth 2 -name manifest.json | wc -l) brief(s)"
    ;;
  site)
    briefgen site -o "$site"
    echo "site: $(find "$site" -type f | wc -l) files in $site"
    ;;
  *)
    echo "usage: export-site.sh merge|site" >&2
    exit 2
    ;;
esac
