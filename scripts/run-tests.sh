#!/usr/bin/env bash
# The test command (`make test` runs it once the virtualenv is ready; .ci/run and the CI workflow run `make test`).
# The whole suite on every core (pytest-xdist), the twenty slowest tests listed, and in CI a list of skips.
# A run that collects no tests fails: pytest exits 5 for it, which would otherwise read as "nothing wrong".
set -uo pipefail
python="${1:-.venv/bin/python}"
shift || true
"$python" -m pytest -n auto --dist loadscope --durations=20 "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$status"
