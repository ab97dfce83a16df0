#!/usr/bin/env bash
# Renders a real run's HTML report in headless Chromium and writes a screenshot to look at:
#   out/check-html/report.html, out/check-html/report.png (and the run's jsonl and junit).
# Fails if Chromium logs any console message (the report's CSP turns scripts and network loads into one).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { echo "check:html: chromium is not installed (apt-get install chromium)" >&2; exit 1; }
out=out/check-html
rm -rf "$out" && mkdir -p "$out"
node dist/harness/cli/main.js run dist/test/harness/fixtures/deterministic.js counter deadlock \
  --threads 2,4 --jitter none,spin-1us --runs 300 --timeout 2s --seed check-html \
  --reporter "jsonl:$out/results.jsonl" --reporter "html:$out/report.html" --reporter "junit:$out/stress.xml" || true
profile=$(mktemp -d)
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run
       "--user-data-dir=$profile" --enable-logging=stderr --v=0 --hide-scrollbars)
timeout 60 chromium "${flags[@]}" --window-size=1280,2600 "--screenshot=$out/report.png" "file://$PWD/$out/report.html" 2> "$out/chromium.log"
rm -rf "$profile"
if grep -q ':CONSOLE' "$out/chromium.log"; then
  echo "check:html: console messages while rendering:" >&2
  grep ':CONSOLE' "$out/chromium.log" >&2
  exit 1
fi
echo "check:html: rendered without console messages; look at $out/report.png"
