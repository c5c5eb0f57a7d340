#!/usr/bin/env bash
# The desktop app with a team hub under Xvfb: a noc-server hub over TLS (its generated
# self-signed certificate) and the app configured for it in hub.json.
#  1. a pin that is not the hub's certificate: the app refuses it, naming both
#     fingerprints, and shows its problem page (retry / use this computer's own hub);
#  2. `--hub` on a hub not trusted yet: the app shows the certificate's fingerprint to
#     compare (the one the hub printed) and connects to nothing before it is trusted;
#  3. the pin the hub printed: the app relays to it; the API answers through the relay,
#     and the wall window (`--wall 0`, with a wall token) follows the event stream
#     through the relay.
# Binaries: $NOC_DESKTOP_BIN, $NOC_SERVER_BIN (default target/debug/noc-server).
# Screenshots: tests/artifacts/desktop-team-hub-{refused,compare,wall}.png
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/session.sh"

NOC_SERVER_BIN=${NOC_SERVER_BIN:-$ROOT/target/debug/noc-server}
REFUSED_ARTIFACT="$ROOT/tests/artifacts/desktop-team-hub-refused.png"
COMPARE_ARTIFACT="$ROOT/tests/artifacts/desktop-team-hub-compare.png"
WALL_ARTIFACT="$ROOT/tests/artifacts/desktop-team-hub-wall.png"
WRONG_PIN=$(printf '00:%.0s' $(seq 31))00
SERVER_PID=""

fail() {
    echo "desktop team hub: $*" >&2
    for f in "$SESSION_DIR"/*.err; do
        [[ -s $f ]] && { echo "--- $(basename "$f") (last lines)" >&2; cat "$f" | grep -v "^  " | tail -n 25 >&2; }
    done
    echo "FAIL: desktop team hub test"
    exit 1
}

finish() {
    [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    end_session
}

# write_choice FINGERPRINT [WALL_TOKEN]: the app's hub.json for the team hub.
write_choice() {
    local dir="$XDG_CONFIG_HOME/org.nocconsole.desktop"
    mkdir -p "$dir"
    jq -n --arg url "$TEAM_HUB" --arg fp "$1" --arg wall "${2:-}" \
        '{mode: "remote", url: $url, fingerprint: $fp} + (if $wall == "" then {} else {wall_token: $wall} end)' \
        >"$dir/hub.json"
}

trap finish EXIT
[[ -x $NOC_DESKTOP_BIN ]] || fail "no executable at $NOC_DESKTOP_BIN (build it: cargo build -p noc-desktop)"
[[ -x $NOC_SERVER_BIN ]] || fail "no executable at $NOC_SERVER_BIN (build it: cargo build -p noc-server)"
start_display || fail "cannot start Xvfb"
start_bus || fail "cannot start a D-Bus session bus"
isolate_home

printf '[hub]\ntls = true\n' >"$SESSION_DIR/team.toml"
"$NOC_SERVER_BIN" --demo --config "$SESSION_DIR/team.toml" --port 0 --data "$SESSION_DIR/team" \
    >"$SESSION_DIR/server.out" 2>"$SESSION_DIR/server.err" &
SERVER_PID=$!
for _ in $(seq 600); do
    grep -q '^NOC console ready: ' "$SESSION_DIR/server.out" && break
    kill -0 "$SERVER_PID" 2>/dev/null || fail "the team hub exited"
    sleep 0.1
done
ready=$(grep -m1 '^NOC console ready: ' "$SESSION_DIR/server.out") || fail "the team hub never got ready"
PRINTED=$(sed -n 's/^TLS fingerprint (SHA-256): //p' "$SESSION_DIR/server.out")
[[ -n $PRINTED ]] || fail "the team hub printed no TLS fingerprint"
url=${ready#NOC console ready: }
HUB_TOKEN=${url##*token=}
TEAM_HUB="https://127.0.0.1:$(sed -E 's|^https://[^/]*:([0-9]+)/.*|\1|' <<<"$url")"
echo "team hub: $TEAM_HUB ($PRINTED)"

# 1. A pin that is not the hub's certificate.
write_choice "$WRONG_PIN"
start_app refused --data "$SESSION_DIR/own"
expected="the hub's certificate changed: expected $WRONG_PIN got $PRINTED"
for _ in $(seq 300); do
    grep -qsF "$expected" "$SESSION_DIR/refused.err" && break
    kill -0 "$APP_PID" 2>/dev/null || fail "the app exited on a wrong pin"
    sleep 0.1
done
grep -qF "$expected" "$SESSION_DIR/refused.err" || fail "no refusal naming both fingerprints"
grep -q '^NOC console ready' "$SESSION_DIR/refused.out" && fail "the app connected despite a wrong pin"
echo "a wrong pin is refused, naming both fingerprints"
sleep 2
mkdir -p "$(dirname "$REFUSED_ARTIFACT")"
import -window root "$REFUSED_ARTIFACT" || fail "screenshot failed"
echo "screenshot: $REFUSED_ARTIFACT"
stop_app 20 || fail "the app did not exit cleanly on SIGTERM"

# 2. First use from the command line: the fingerprint to compare, nothing connected.
rm -f "$XDG_CONFIG_HOME/org.nocconsole.desktop/hub.json"
start_app compare --hub "$TEAM_HUB" --data "$SESSION_DIR/own"
for _ in $(seq 300); do
    grep -qs "asking the operator to compare" "$SESSION_DIR/compare.err" && break
    kill -0 "$APP_PID" 2>/dev/null || fail "the app exited on a hub not trusted yet"
    sleep 0.1
done
grep "asking the operator to compare" "$SESSION_DIR/compare.err" | grep -qF "$PRINTED" \
    || fail "the app did not show the fingerprint the hub printed"
sleep 2
grep -q '^NOC console ready' "$SESSION_DIR/compare.out" && fail "the app connected before the hub was trusted"
[[ -e $XDG_CONFIG_HOME/org.nocconsole.desktop/hub.json ]] && fail "a hub not trusted yet was stored"
import -window root "$COMPARE_ARTIFACT" || fail "screenshot failed"
echo "first use shows the fingerprint to compare: $COMPARE_ARTIFACT"
stop_app 20 || fail "the app did not exit cleanly on SIGTERM"

# 3. The pin the hub printed, and a wall token for the wall window.
write_choice "$PRINTED" "$HUB_TOKEN"
start_app team --wall 0 --data "$SESSION_DIR/own"
wait_ready team 60 || fail "the app did not report the relay ready"
[[ $HUB == http://127.0.0.1:* ]] || fail "the console does not open on the loopback relay: $HUB"
TOKEN=$HUB_TOKEN
info=$(curl -fsS --max-time 5 -H "Authorization: Bearer $TOKEN" "$HUB/api/info") \
    || fail "the API does not answer through the relay at $HUB"
[[ $(jq -r .tls_fingerprint <<<"$info") == "$PRINTED" ]] || fail "the relay reached another hub: $info"
echo "relay: $HUB answers for $TEAM_HUB"
kept=$(jq -r .relay_port "$XDG_CONFIG_HOME/org.nocconsole.desktop/hub.json")
[[ $HUB == "http://127.0.0.1:$kept" ]] || fail "the relay's port $HUB is not kept for the next launch (hub.json: $kept)"
wait_board 60 || fail "the wall window never followed the event stream through the relay"
echo "the wall window follows the team hub's event stream through the relay"
sleep 3
import -window root "$WALL_ARTIFACT" || fail "screenshot failed"
echo "screenshot: $WALL_ARTIFACT"
grep -q '^NOC console ready: https' "$SESSION_DIR/team.out" && fail "the window was sent to the hub directly"
stop_app 20 || fail "the app did not exit cleanly on SIGTERM"

echo "PASS: desktop team hub test"
