#!/usr/bin/env bash
# Smoke test of the desktop app under Xvfb: the window opens on the in-process hub,
# its board connects to the event stream and paints, a second launch hands over to
# the first, and SIGTERM shuts the hub down cleanly. Then `--wall 0` starts a wall
# computer: the wall window, undecorated and full screen on the first monitor.
# Binary: $NOC_DESKTOP_BIN (default target/debug/noc-desktop); the hub serves ui/dist.
# Screenshots: tests/artifacts/desktop-smoke.png, tests/artifacts/desktop-wall.png
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/session.sh"

ARTIFACT="$ROOT/tests/artifacts/desktop-smoke.png"
WALL_ARTIFACT="$ROOT/tests/artifacts/desktop-wall.png"
TITLE="NOC Console"
WALL_TITLE="NOC Wall"
MIN_COLOURS=64
MIN_STDDEV=0.03

fail() {
    echo "desktop smoke: $*" >&2
    for f in "$SESSION_DIR"/*.err; do
        [[ -s $f ]] && { echo "--- $(basename "$f") (last lines)" >&2; tail -n 20 "$f" >&2; }
    done
    echo "FAIL: desktop smoke test"
    exit 1
}

trap end_session EXIT
[[ -x $NOC_DESKTOP_BIN ]] || fail "no executable at $NOC_DESKTOP_BIN (build it: cargo build -p noc-desktop)"
start_display || fail "cannot start Xvfb"
start_bus || fail "cannot start a D-Bus session bus"
isolate_home

start_app first --demo --data "$SESSION_DIR/data"
wait_ready first 60 || fail "the app did not report a ready hub"
echo "hub: $HUB"
wait_board 60 || fail "the console window's board never connected to $HUB"

# Connected is not painted yet: give WebKit a moment to lay out and draw.
sleep 3
mkdir -p "$(dirname "$ARTIFACT")"
import -window root "$ARTIFACT" || fail "screenshot failed"
echo "screenshot: $ARTIFACT"

xwininfo -root -tree | grep -q "\"$TITLE\"" || fail "no window titled '$TITLE' on $DISPLAY"

read -r colours stddev < <(convert "$ARTIFACT" -format '%k %[fx:standard_deviation]\n' info:)
echo "screenshot: $colours colours, standard deviation $stddev"
((colours >= MIN_COLOURS)) || fail "screenshot looks blank: only $colours colours"
awk -v s="$stddev" -v m="$MIN_STDDEV" 'BEGIN { exit !(s >= m) }' \
    || fail "screenshot looks blank: standard deviation $stddev < $MIN_STDDEV"

# A second launch must hand over to the running app and exit, starting no hub.
first_pid=$APP_PID
start_app second --demo --data "$SESSION_DIR/data-second"
second_pid=$APP_PID
APP_PID=$first_pid
handed_over=""
for _ in $(seq 200); do
    if ! kill -0 "$second_pid" 2>/dev/null; then
        wait "$second_pid" && handed_over=yes
        break
    fi
    sleep 0.1
done
if [[ -z $handed_over ]]; then
    kill -KILL "$second_pid" 2>/dev/null
    fail "a second launch did not hand over to the running app"
fi
grep -q '^NOC console ready' "$SESSION_DIR/second.out" && fail "the second launch started its own hub"
kill -0 "$first_pid" 2>/dev/null || fail "the first app exited when a second one was launched"
echo "second launch handed over to the running app"

stop_app 20 || fail "the app did not exit cleanly on SIGTERM"
grep -q "hub stopped" "$SESSION_DIR/first.err" || fail "the hub was not shut down on quit"
echo "quit on SIGTERM stopped the hub"

# A wall computer: the wall window on monitor 0, covering the whole screen.
start_app wall --demo --wall 0 --data "$SESSION_DIR/data-wall"
wait_ready wall 60 || fail "the wall computer did not report a ready hub"
wait_board 60 || fail "the wall window never connected to $HUB"
read -r screen_w screen_h < <(xdpyinfo | awk '/dimensions:/ { split($2, d, "x"); print d[1], d[2] }')
wall_geometry=""
for _ in $(seq 100); do
    wall_id=$(xwininfo -root -tree | awk -v t="\"$WALL_TITLE\"" 'index($0, t) { print $1; exit }')
    if [[ -n $wall_id ]]; then
        wall_geometry=$(xwininfo -id "$wall_id" | awk '/Width:/ { w = $2 } /Height:/ { h = $2 } END { print w "x" h }')
        [[ $wall_geometry == "${screen_w}x${screen_h}" ]] && break
    fi
    sleep 0.1
done
[[ -n $wall_id ]] || fail "no window titled '$WALL_TITLE' on $DISPLAY"
[[ $wall_geometry == "${screen_w}x${screen_h}" ]] \
    || fail "the wall is $wall_geometry, not full screen (${screen_w}x${screen_h})"
echo "wall window: full screen ${wall_geometry}"
sleep 3
import -window root "$WALL_ARTIFACT" || fail "wall screenshot failed"
echo "screenshot: $WALL_ARTIFACT"
read -r colours stddev < <(convert "$WALL_ARTIFACT" -format '%k %[fx:standard_deviation]\n' info:)
echo "wall screenshot: $colours colours, standard deviation $stddev"
((colours >= MIN_COLOURS)) || fail "wall screenshot looks blank: only $colours colours"
stop_app 20 || fail "the wall computer did not exit cleanly on SIGTERM"

echo "PASS: desktop smoke test"
