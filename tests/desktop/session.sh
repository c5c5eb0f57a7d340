# Shared by tests/desktop/smoke.sh and bench/desktop_startup.sh (sourced, not run):
# a private X display and D-Bus session, and the desktop app started and watched
# through its hub's API. Requires: Xvfb, dbus-daemon, curl, jq.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NOC_DESKTOP_BIN=${NOC_DESKTOP_BIN:-$ROOT/target/debug/noc-desktop}
SESSION_DIR=$(mktemp -d -t noc-desktop.XXXXXX)
XVFB_PID=""
BUS_PID=""
APP_PID=""
HUB=""
TOKEN=""

# A free display number: neither a lock file nor a socket of another X server.
free_display() {
    local n
    for n in $(seq 91 199); do
        if [[ ! -e /tmp/.X$n-lock && ! -e /tmp/.X11-unix/X$n ]]; then
            echo "$n"
            return 0
        fi
    done
    return 1
}

start_display() {
    local n
    n=$(free_display) || { echo "no free X display number" >&2; return 1; }
    Xvfb ":$n" -screen 0 1600x1000x24 -nolisten tcp >"$SESSION_DIR/xvfb.log" 2>&1 &
    XVFB_PID=$!
    export DISPLAY=":$n"
    for _ in $(seq 100); do
        xdpyinfo >/dev/null 2>&1 && return 0
        kill -0 "$XVFB_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "Xvfb did not start on :$n" >&2
    return 1
}

# A private session bus, so the single-instance lock and notifications never reach
# the desktop session of whoever runs the test.
start_bus() {
    local out
    out=$(dbus-daemon --session --fork --print-address=1 --print-pid=1) || return 1
    export DBUS_SESSION_BUS_ADDRESS=$(sed -n 1p <<<"$out")
    BUS_PID=$(sed -n 2p <<<"$out")
}

# Keeps the app's caches and default configuration lookup inside the session dir.
isolate_home() {
    export XDG_CONFIG_HOME="$SESSION_DIR/config"
    export XDG_CACHE_HOME="$SESSION_DIR/cache"
    export XDG_DATA_HOME="$SESSION_DIR/share"
    export WEBKIT_DISABLE_COMPOSITING_MODE=1
    mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME"
}

# start_app NAME ARGS...: output goes to $SESSION_DIR/NAME.out and NAME.err.
start_app() {
    local name=$1
    shift
    "$NOC_DESKTOP_BIN" "$@" >"$SESSION_DIR/$name.out" 2>"$SESSION_DIR/$name.err" &
    APP_PID=$!
}

# wait_ready NAME TIMEOUT_S: reads the ready line; sets HUB and TOKEN.
wait_ready() {
    local name=$1 limit=$2 line url
    local deadline=$((SECONDS + limit))
    while ((SECONDS < deadline)); do
        line=$(grep -m1 '^NOC console ready: ' "$SESSION_DIR/$name.out" 2>/dev/null || true)
        if [[ -n $line ]]; then
            url=${line#NOC console ready: }
            HUB=${url%%\?*}
            HUB=${HUB%/}
            TOKEN=${url##*token=}
            TOKEN=${TOKEN%%&*}
            return 0
        fi
        kill -0 "$APP_PID" 2>/dev/null || { echo "the app exited before it was ready" >&2; return 1; }
        sleep 0.02
    done
    echo "no ready line within ${limit}s" >&2
    return 1
}

# How many event-stream clients the hub has (the window's board counts as one).
stream_clients() {
    local n
    n=$(curl -fsS --max-time 2 -H "Authorization: Bearer $TOKEN" "$HUB/api/info" 2>/dev/null \
        | jq -r '.stream_clients // 0' 2>/dev/null)
    [[ $n =~ ^[0-9]+$ ]] && echo "$n" || echo 0
}

# wait_board TIMEOUT_S: until the window's board follows the event stream.
wait_board() {
    local limit=$1
    local deadline=$((SECONDS + limit))
    while ((SECONDS < deadline)); do
        (($(stream_clients) >= 1)) && return 0
        kill -0 "$APP_PID" 2>/dev/null || { echo "the app exited" >&2; return 1; }
        sleep 0.02
    done
    echo "the board did not connect within ${limit}s" >&2
    return 1
}

# stop_app TIMEOUT_S: SIGTERM, then wait for the exit; returns its status.
stop_app() {
    local limit=$1 pid=$APP_PID
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq $((limit * 10))); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "the app did not exit within ${limit}s of SIGTERM" >&2
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        APP_PID=""
        return 1
    fi
    local status=0
    wait "$pid" 2>/dev/null || status=$?
    APP_PID=""
    return $status
}

# Every process under PID (WebKit's web and network processes are children).
process_tree() {
    local pid=$1 child
    echo "$pid"
    for child in $(pgrep -P "$pid"); do
        process_tree "$child"
    done
}

end_session() {
    if [[ -n $APP_PID ]] && kill -0 "$APP_PID" 2>/dev/null; then
        kill -KILL $(process_tree "$APP_PID") 2>/dev/null
        wait "$APP_PID" 2>/dev/null
    fi
    [[ -n $BUS_PID ]] && kill "$BUS_PID" 2>/dev/null
    [[ -n $XVFB_PID ]] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
    rm -rf "$SESSION_DIR"
}
