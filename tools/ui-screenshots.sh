#!/usr/bin/env bash
# tools/ui-screenshots.sh - the operator app's pictures in README.md and docs/, made
# again: for English and Japanese, at 1366x768 and 1920x1080, an Xvfb
# screen of that size with the openbox window manager shows station-gtk's
# window maximised on a virtual line (the demo's cloud emulator and
# fixture simulator, 4 slots, 12 units, one without SIM), and
# build/tests/test-ui-screenshots saves the screen mid-run with the FAIL,
# when the batch is done, and with a unit's record open after scanning its
# label.
#
#   tools/ui-screenshots.sh [OUT-DIR]     (default docs/screenshots)
#
# Needs the build (./run build) and the Debian packages xvfb, openbox and
# fonts-noto-cjk (./run deps installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/docs/screenshots}
build=$here/build
prog=$build/tests/test-ui-screenshots

[ -x "$prog" ] || { echo "ui-screenshots: build first (./run build)" >&2; exit 2; }
command -v openbox >/dev/null || { echo "ui-screenshots: openbox is missing (./run deps)" >&2; exit 2; }
mkdir -p "$out"
export BUILD_ROOT=$build SOURCE_ROOT=$here TEST_DATA_DIR=$here/tests/data \
  SHARED_DIR=$here/../shared GIO_USE_PROXY_RESOLVER=dummy STATION_UI_KEEP_DISPLAY=1
xvfb=
wm=
cleanup() {
  [ -n "$wm" ] && kill "$wm" 2>/dev/null || true
  [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null || true
}
trap cleanup EXIT

for size in 1366x768 1920x1080; do
  fifo=$(mktemp -u) && mkfifo "$fifo"
  Xvfb -displayfd 5 -screen 0 "${size}x24" -nolisten tcp -noreset 5>"$fifo" 2>/dev/null &
  xvfb=$!
  read -r -t 20 display <"$fifo" || { echo "ui-screenshots: Xvfb did not start" >&2; exit 1; }
  rm -f "$fifo"
  export DISPLAY=:$display
  openbox >/dev/null 2>&1 &
  wm=$!
  # the window manager is up once it owns the root's _NET_SUPPORTING_WM_CHECK
  for _ in $(seq 100); do
    xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id' && break
    sleep 0.2
  done
  for lang in en ja; do
    echo "ui-screenshots: $lang $size" >&2
    LANGUAGE=$lang nice "$prog" "$out/station-$lang-$size" >/dev/null
  done
  kill "$wm" "$xvfb" 2>/dev/null || true
  wait "$wm" "$xvfb" 2>/dev/null || true
  wm= xvfb=
done
ls "$out"/*.png
