# syntax=docker/dockerfile:1
# The export's runtime, installed once and reused: Debian's Pango, HarfBuzz and fonts
# (scripts/system-deps.sh, runtime packages only) and briefgen with its charts and site extras, every Python
# package at its constraints.txt pin (scripts/export-install.sh, the script the export's CI jobs
# run). No test or dev tools. Built and pushed to GHCR by .github/workflows/image.yml when an input
# changes. To build with it:
#   docker run --rm -v "$PWD:/work" -w /work ghcr.io/OWNER/REPO/export:TAG briefgen build --all
#
# Python 3.12 (constraints.txt is made on 3.12) on Debian bookworm. Pinned by tag, not by digest:
# the digest could not be read when this was written (no registry reachable). To pin it, append the
# digest that `docker buildx imagetools inspect python:3.12-slim-bookworm` prints:
#   ARG BASE=python:3.12-slim-bookworm@sha256:...
ARG BASE=python:3.12-slim-bookworm
FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    VENV=/opt/briefgen \
    PATH=/opt/briefgen/bin:$PATH

WORKDIR /opt/briefgen-src
COPY pyproject.toml constraints.txt README.md LICENSE THIRD_PARTY_LICENSES.md MANIFEST.in ./
COPY scripts/system-deps.sh scripts/export-install.sh scripts/
COPY src/ src/
RUN scripts/export-install.sh \
    && rm -rf /var/lib/apt/lists/* /opt/briefgen-src \
    && briefgen --version

WORKDIR /work
CMD ["briefgen", "--help"]
