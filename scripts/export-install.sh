#!/usr/bin/env bash
# Installs what an export needs and nothing else: the runtime Debian packages of
# scripts/system-deps.sh (Pango, HarfBuzz, fonts) and briefgen with its charts and site extras
# (Vega-Lite charts, Pagefind's search index) into a virtualenv, every Python package at its
# constraints.txt pin, so exports built on different days and runners are byte-identical. No test
# or dev tools (pytest, ruff... are CI's, not the export's). Used by the Dockerfile and by every job
# of .github/workflows/export.yml that runs briefgen.
#   VENV=DIR          the virtualenv (default .venv); reused when it exists, as a restored cache is
#   APT_ARCHIVES=DIR  where apt keeps the .deb files it downloads (a folder CI caches)
#   PYTHON=python3    the interpreter that makes the virtualenv
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
scripts/system-deps.sh
[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
# A local folder is always reinstalled, so a venv restored from a cache gets this checkout's briefgen;
# its dependencies are already at their pins then, and pip only checks them.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt '.[charts,site]'
echo "briefgen $("$venv/bin/briefgen" --version | head -n 1 | awk '{print $NF}') installed in $venv (runtime dependencies only)"
