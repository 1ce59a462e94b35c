#!/usr/bin/env bash
# Byte-identical builds, checked: the export's promise that the same inputs give the same bytes,
# on two machines, not only twice on one. The reproducible jobs of .github/workflows/export.yml
# (and scripts/export-dry-run.sh) run `build` once each, on separate runners, and a third job `compare`.
#   repro-check.sh build SUMS    builds $BRIEF (default: the default brief) for $AUDIENCE (default: the
#                                first audience) as PDF and Word from scratch (--force) and writes the
#                                sha256 of each output to SUMS
#   repro-check.sh compare A B   fails with an ::error:: naming each output whose sha256 differs
# Run `build` from the workspace, with briefgen on the PATH.
set -euo pipefail
case "${1:-}" in
  build)
    sums=$2
    audience=${AUDIENCE:-$(briefgen list --json | python3 -c 'import json, sys; print(next(iter(json.load(sys.stdin)["result"]["audiences"])))')}
    briefgen -q build ${BRIEF:+"$BRIEF"} -a "$audience" -f pdf -f docx --force --json \
      | python3 -c '
import hashlib, json, pathlib, sys
manifest = json.load(sys.stdin)["result"]["briefs"][0]
folder = pathlib.Path(sys.argv[1]) / manifest["brief"]
paths = sorted(o["path"] for o in manifest["outputs"])
lines = [hashlib.sha256((folder / p).read_bytes()).hexdigest() + "  " + manifest["brief"] + "/" + p for p in paths]
pathlib.Path(sys.argv[2]).write_text("".join(line + "\n" for line in lines))
print("\n".join(lines))
' "${OUT_DIR:-dist}" "$sums"
    ;;
  compare)
    if [ ! -s "$2" ] || [ ! -s "$3" ]; then
      echo "::error title=Reproducibility not checked::a build wrote no checksums ($2, $3)"
      exit 1
    fi
    if diff -u "$2" "$3"; then
      echo "byte-identical: $(wc -l < "$2") outputs built twice, separately, have the same sha256"
    else
      differ=$(join -j 2 <(sort -k 2 "$2") <(sort -k 2 "$3") | awk '$2 != $3 {print $1}' | paste -sd ' ' -)
      echo "::error title=Not byte-identical::the same inputs built twice gave different bytes: ${differ:-the lists of outputs differ}; see SOURCE_DATE_EPOCH and the pins of constraints.txt (README, CI and scheduled exports)"
      exit 1
    fi
    ;;
  *)
    echo "usage: repro-check.sh build SUMS | compare SUMS_A SUMS_B" >&2
    exit 2
    ;;
esac
