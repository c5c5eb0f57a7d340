#!/usr/bin/env bash
# Desktop notifications end to end under Xvfb: a critical alarm sent to the app's hub
# reaches the console page, whose alerting rules ask the app (Tauri command
# show_notification) to show it, which sends it over D-Bus with notify-rust. The
# private session bus is watched for that Notify call, with the incident's title in it.
# Binary: $NOC_DESKTOP_BIN (default target/debug/noc-desktop).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/session.sh"

HOOK_SECRET=desktop-notify-hook-secret-0123456789
TITLE="Desktop e2e: core-sw1 unreachable"
MONITOR_PID=""

fail() {
    echo "desktop notify: $*" >&2
    for f in "$SESSION_DIR"/*.err "$SESSION_DIR"/monitor.log; do
        [[ -s $f ]] && { echo "--- $(basename "$f") (last lines)" >&2; tail -n 20 "$f" >&2; }
    done
    echo "FAIL: desktop notification test"
    exit 1
}

finish() {
    [[ -n $MONITOR_PID ]] && kill "$MONITOR_PID" 2>/dev/null
    end_session
}

trap finish EXIT
[[ -x $NOC_DESKTOP_BIN ]] || fail "no executable at $NOC_DESKTOP_BIN (build it: cargo build -p noc-desktop)"
start_display || fail "cannot start Xvfb"
start_bus || fail "cannot start a D-Bus session bus"
isolate_home

dbus-monitor --session "type='method_call',interface='org.freedesktop.Notifications',member='Notify'" \
    >"$SESSION_DIR/monitor.log" 2>&1 &
MONITOR_PID=$!

cat >"$SESSION_DIR/noc.toml" <<EOF
[[webhook]]
name = "desk"
format = "generic"
token_env = "NOC_HOOK_DESK"
EOF
export NOC_HOOK_DESK=$HOOK_SECRET
start_app notify --config "$SESSION_DIR/noc.toml" --data "$SESSION_DIR/data"
wait_ready notify 60 || fail "the app did not report a ready hub"
wait_board 60 || fail "the console window's board never connected to $HUB"

curl -fsS -X POST "$HUB/hooks/desk" -H "Authorization: Bearer $HOOK_SECRET" \
    -H 'Content-Type: application/json' \
    -d "{\"alerts\":[{\"key\":\"core-sw1\",\"status\":\"firing\",\"severity\":\"critical\",\"node\":\"core-sw1\",\"title\":\"$TITLE\"}]}" \
    >/dev/null || fail "the hub refused the alarm"

seen=""
for _ in $(seq 300); do
    if grep -q "$TITLE" "$SESSION_DIR/monitor.log"; then
        seen=yes
        break
    fi
    kill -0 "$APP_PID" 2>/dev/null || fail "the app exited"
    sleep 0.1
done
[[ -n $seen ]] || fail "no Notify call on the session bus with the incident's title"
# The page's own wording (a title per notice kind), not the shell's.
grep -Eq 'string "(Critical incident|紧急故障) #[0-9]+"' "$SESSION_DIR/monitor.log" \
    || fail "the notification's summary is not the console page's"
echo "notification sent over D-Bus by the console page's request"

stop_app 20 || fail "the app did not exit cleanly on SIGTERM"
echo "PASS: desktop notification test"
