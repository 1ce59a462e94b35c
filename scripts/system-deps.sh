#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages briefgen and its tests need, when they are missing.
# WeasyPrint needs Pango; tests read PDFs with poppler and convert Word files with LibreOffice.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-crosextra-carlito fonts-liberation2
          poppler-utils libreoffice-writer-nogui python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "briefgen needs these Debian/Ubuntu packages; install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
