#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages briefgen needs, when they are missing.
# WeasyPrint needs Pango and HarfBuzz; fonts-noto-cjk draws Chinese, Japanese and Korean text, fonts-dejavu-core
# (DejaVu Sans) Arabic and Hebrew. With --test, also what the tests use: poppler-utils to
# read PDFs, LibreOffice Writer (and its Python bridge, python3-uno) to convert and edit Word files, Chromium and its driver for the preview test.
# APT_ARCHIVES=DIR keeps the downloaded .deb files in DIR, which CI caches (scripts/export-install.sh).
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-crosextra-carlito fonts-liberation2 fonts-noto-cjk fonts-dejavu-core fontconfig python3-venv)
if [ "${1:-}" = "--test" ]; then
  packages+=(poppler-utils libreoffice-writer-nogui hyphen-en-us python3-uno chromium chromium-driver git)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing system packages: ${missing[*]}"
archives=()
if [ -n "${APT_ARCHIVES:-}" ]; then
  mkdir -p "$APT_ARCHIVES/partial"
  archives=(-o "Dir::Cache::Archives=$APT_ARCHIVES")
fi
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${archives[@]}" "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${archives[@]}" "${missing[@]}" >/dev/null
else
  echo "briefgen needs these Debian/Ubuntu packages; install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
