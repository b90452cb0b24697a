#!/usr/bin/env bash
# Writes the overview report of the local store (.nhi-gov/, e.g. after `npm start`) as one HTML page
# and, when Chromium is installed, a headless screenshot of it, to check that the charts render.
#   scripts/screenshot-report.sh [name] [extra report options, e.g. --as-of 2026-03-01T00:00:00Z]
# Writes <name>.html and <name>.png (default name: .nhi-gov/report, which git ignores).
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:-.nhi-gov/report}"
shift || true
node bin/nhi-gov.js report overview --format html --output "$name.html" "$@"
echo "wrote $name.html"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then
  echo "no chromium on the PATH: open $name.html in a browser (Debian: apt-get install chromium)"
  exit 0
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --screenshot="$PWD/$name.png" --window-size=1280,1600 \
  "file://$PWD/$name.html" 2>/dev/null
echo "wrote $name.png"
