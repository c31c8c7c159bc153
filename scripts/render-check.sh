#!/usr/bin/env bash
# Renders an HTML page of Baton diagrams in headless Chromium and checks that it loaded them:
# every <img> loaded (none broken), at least one diagram, and a screenshot that is not blank and
# shows the diagrams' blue. Without a page it first writes a demo page from a real traced run
# (scripts/TraceDemo.java).
#
#   scripts/render-check.sh [PAGE.html] [OUT.png]     (default PNG: target/render-check/page.png)
#
# Chromium is Debian's `chromium` package: installed with apt-get when missing and running as root;
# otherwise the check is SKIPPED (exit 0) with a message saying so. A blank page or a broken
# diagram fails (exit 1).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. "$ROOT/.mvn/find-jdk.sh"
JAVA="$JAVA_HOME/bin/java"
OUT_DIR="$ROOT/target/render-check"
mkdir -p "$OUT_DIR"

find_chromium() {
  for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if ! CHROMIUM=$(find_chromium); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "render-check: installing Debian's chromium package with apt-get..." >&2
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >"$OUT_DIR/apt.log" 2>&1; then
      DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$OUT_DIR/apt.log" 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >>"$OUT_DIR/apt.log" 2>&1 || true
    fi
  fi
  if ! CHROMIUM=$(find_chromium); then
    echo "render-check: SKIPPED: Chromium is not installed and could not be installed" \
      "(needs root and apt-get; see $OUT_DIR/apt.log if it exists). Install 'chromium' to run it."
    exit 0
  fi
fi

PAGE=${1-}
PNG=${2:-$OUT_DIR/page.png}
if [ -z "$PAGE" ]; then
  if [ ! -d "$ROOT/core/target/classes/dev/baton/core/trace" ]; then
    "$ROOT/mvnw" -q -B -DskipTests compile -pl core >&2
  fi
  "$JAVA" -cp "$ROOT/core/target/classes" "$ROOT/scripts/TraceDemo.java" "$OUT_DIR/demo"
  PAGE="$OUT_DIR/demo/index.html"
fi
if [ ! -f "$PAGE" ]; then
  echo "render-check: FAILED: no page at $PAGE" >&2
  exit 1
fi
PAGE_ABS=$(cd "$(dirname "$PAGE")" && pwd)/$(basename "$PAGE")
mkdir -p "$(dirname "$PNG")"
PNG_ABS=$(cd "$(dirname "$PNG")" && pwd)/$(basename "$PNG")

FLAGS=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --hide-scrollbars)
PROFILES=()
cleanup() {
  if [ "${#PROFILES[@]}" -gt 0 ]; then rm -rf "${PROFILES[@]}"; fi
}
trap cleanup EXIT
fresh_profile() {
  PROFILE=$(mktemp -d "${TMPDIR:-/tmp}/baton-chromium.XXXXXX")
  PROFILES+=("$PROFILE")
}

echo "render-check: rendering $PAGE_ABS with $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
fresh_profile
DOM=$(timeout 180 "$CHROMIUM" "${FLAGS[@]}" --user-data-dir="$PROFILE" --virtual-time-budget=10000 \
  --dump-dom "file://$PAGE_ABS" 2>"$OUT_DIR/chromium-dom.log" || true)
attribute() {
  printf '%s' "$DOM" | grep -o "$1=\"[0-9]*\"" | head -n 1 | grep -o '[0-9][0-9]*' || true
}
IMAGES=$(attribute data-images)
BROKEN=$(attribute data-broken-images)
INLINE=$(attribute data-inline-diagrams)
if [ -z "$IMAGES" ] || [ -z "$BROKEN" ] || [ -z "$INLINE" ]; then
  echo "render-check: FAILED: the page did not finish loading in Chromium (no load-time counts;" \
    "see $OUT_DIR/chromium-dom.log)" >&2
  exit 1
fi
echo "render-check: $IMAGES linked diagram(s), $BROKEN broken, $INLINE inline diagram(s)"
if [ "$BROKEN" -ne 0 ]; then
  echo "render-check: FAILED: $BROKEN diagram image(s) did not load" >&2
  exit 1
fi
if [ $((IMAGES + INLINE)) -eq 0 ]; then
  echo "render-check: FAILED: the page has no diagram" >&2
  exit 1
fi

fresh_profile
rm -f "$PNG_ABS"
timeout 180 "$CHROMIUM" "${FLAGS[@]}" --user-data-dir="$PROFILE" --virtual-time-budget=10000 \
  --window-size=1100,1600 --screenshot="$PNG_ABS" "file://$PAGE_ABS" \
  >"$OUT_DIR/chromium-screenshot.log" 2>&1 || true
if [ ! -s "$PNG_ABS" ]; then
  echo "render-check: FAILED: Chromium wrote no screenshot (see $OUT_DIR/chromium-screenshot.log)" >&2
  exit 1
fi
"$JAVA" "$ROOT/scripts/PngCheck.java" "$PNG_ABS"
echo "render-check: OK: $PNG_ABS"
