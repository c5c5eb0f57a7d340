#!/usr/bin/env bash
# Desktop app start-up benchmark, under Xvfb.
#
# Cold start to first board paint: from the process start of noc-desktop to the moment
# the console window's board is connected to the hub's event stream (`stream_clients`
# >= 1 in GET /api/info), i.e. the page has loaded, fetched its snapshot and is
# following live batches. Each run uses a fresh data directory and fresh WebKit caches.
#
# Memory: resident set size summed over the whole process tree (the app plus WebKit's
# web and network processes), after the demo has run for MEMORY_AFTER_S seconds.
# Shared pages are counted once per process in the RSS sum; the proportional (PSS)
# sum is printed beside it.
#
# Usage: bench/desktop_startup.sh [RUNS]   (default 5; binary from $NOC_DESKTOP_BIN,
# default target/debug/noc-desktop; build a release one for representative figures:
# cargo build --release -p noc-desktop && NOC_DESKTOP_BIN=target/release/noc-desktop ...)
# Goals: start-up < 1.5 s, memory < 200 MB.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../tests/desktop/session.sh"

RUNS=${1:-5}
MEMORY_AFTER_S=${MEMORY_AFTER_S:-30}

trap end_session EXIT
[[ -x $NOC_DESKTOP_BIN ]] || { echo "no executable at $NOC_DESKTOP_BIN" >&2; exit 1; }
start_display || exit 1
start_bus || exit 1

now_ms() { date +%s%3N; }

# One run in fresh directories; leaves the app running.
start_fresh() {
    local run=$1
    rm -rf "$SESSION_DIR/config" "$SESSION_DIR/cache" "$SESSION_DIR/share"
    isolate_home
    start_app "run$run" --demo --data "$SESSION_DIR/data$run"
}

# kB of the given field (Rss or Pss) over the process tree of $APP_PID.
tree_kb() {
    local field=$1 total=0 pid kb
    for pid in $(process_tree "$APP_PID"); do
        kb=$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null)
        total=$((total + ${kb:-0}))
    done
    echo "$total"
}

echo "binary: $NOC_DESKTOP_BIN"
times=()
for run in $(seq "$RUNS"); do
    begin=$(now_ms)
    start_fresh "$run"
    if ! wait_ready "run$run" 60 || ! wait_board 60; then
        echo "run $run: the board did not connect" >&2
        exit 1
    fi
    elapsed=$(($(now_ms) - begin))
    times+=("$elapsed")
    echo "run $run: first board paint after ${elapsed} ms"
    stop_app 20 || exit 1
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }' <<<"$sorted")
echo "start-up to first board paint over $RUNS runs: median ${median} ms, min $(head -1 <<<"$sorted") ms, max $(tail -1 <<<"$sorted") ms"

start_fresh memory
wait_ready runmemory 60 && wait_board 60 || exit 1
sleep "$MEMORY_AFTER_S"
for pid in $(process_tree "$APP_PID"); do
    awk -v p="$pid" -v name="$(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-60)" \
        '$1 == "Rss:" { rss = $2 } $1 == "Pss:" { pss = $2 }
         END { printf "  pid %s: RSS %d MiB, PSS %d MiB  %s\n", p, rss / 1024, pss / 1024, name }' \
        "/proc/$pid/smaps_rollup" 2>/dev/null
done
processes=$(process_tree "$APP_PID" | wc -l)
rss=$(tree_kb Rss)
pss=$(tree_kb Pss)
echo "memory after ${MEMORY_AFTER_S} s of demo, $processes processes: RSS sum $((rss / 1024)) MiB, PSS sum $((pss / 1024)) MiB"
stop_app 20 || exit 1
