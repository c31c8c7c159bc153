#!/bin/sh
# What a newcomer sees from ./baton's first build, checked: a copy of this checkout with no
# target/ runs `./baton --version`; the check fails if its output goes silent for more than
# BATON_MAX_SILENCE seconds (default 10), carries an escape code, shows no module progress, or
# leaves a file in the working directory.
# Usage: scripts/check-first-build.sh   (a full package build: a minute or two)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MAX=${BATON_MAX_SILENCE:-10}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-first-build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/clone" "$WORK/cwd"
# the tracked files as they are in the working tree, without any build output
git -C "$ROOT" ls-files -z | (cd "$ROOT" && tar -cf - --no-recursion --null -T -) |
  (cd "$WORK/clone" && tar -xf -)
START=$(date +%s)
(cd "$WORK/cwd" && "$WORK/clone/baton" --version 2>&1; echo "exit status $?") |
  while IFS= read -r line; do
    printf '%s %s\n' "$(date +%s)" "$line"
  done >"$WORK/output"
END=$(date +%s)
cat "$WORK/output"
status=0
if ! grep -q ' exit status 0$' "$WORK/output"; then
  echo "check-first-build: ./baton failed" >&2
  status=1
fi
gap=$(awk -v start="$START" -v end="$END" '
  { if ($1 - last > max) max = $1 - last; last = $1 }
  BEGIN { last = start; max = 0 }
  END { if (end - last > max) max = end - last; print max }' "$WORK/output")
if [ "$gap" -gt "$MAX" ]; then
  echo "check-first-build: the output went silent for $gap s (at most $MAX s allowed)" >&2
  status=1
fi
if grep -q "$(printf '\033')" "$WORK/output"; then
  echo "check-first-build: the output carries escape codes" >&2
  status=1
fi
if ! grep -q 'baton: \[[0-9]*/[0-9]*\] building' "$WORK/output"; then
  echo "check-first-build: no module progress lines" >&2
  status=1
fi
if [ -n "$(ls -A "$WORK/cwd")" ]; then
  echo "check-first-build: files left in the working directory: $(ls -A "$WORK/cwd")" >&2
  status=1
fi
[ "$status" -ne 0 ] || echo "check-first-build: ok, longest silence $gap s, $((END - START)) s in all"
exit "$status"
