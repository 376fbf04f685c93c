#!/usr/bin/env bash
# Platform benchmarks (figures for the issue notes; not run in CI):
#   - release binary size;
#   - time from start to a healthy /readyz, on an empty and on a demo database (SQLite);
#   - idle memory (RSS) after start-up;
#   - requests per second for the signed-in home page and a case page at 32 concurrent
#     connections (wrk), and each as a share of a bare axum handler's in the same run
#     (crates/legalaid/examples/bare_axum.rs), and with perf installed the server's
#     context switches and CPU time a request.
# Usage: bench/run.sh [seconds]   (needs wrk; builds --release first, or LEGALAID_BIN=… runs a given binary)
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-15}"
command -v wrk >/dev/null || { echo "bench: installing wrk"; apt-get install -y -qq wrk >/dev/null; }

# One build of both binaries: the example brings the package's dev-dependencies,
# so building them apart would build the dependencies twice with other features
# (the measured binary has the dev-dependencies' features unified into it).
cargo build --release -p legalaid --bin legalaid --example bare_axum
bin="${LEGALAID_BIN:-${CARGO_TARGET_DIR:-target}/release/legalaid}"
echo "binary: $(du -b "$bin" | cut -f1) bytes ($(du -h "$bin" | cut -f1))"

port=18931
work="$(mktemp -d)"
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

# Starts the server in the background (sets $pid) and sets $ms to the time until /readyz answers.
start_and_time() {   # $1 = data dir, $2.. = extra flags
    local t0 t1
    t0=$(date +%s%N)
    LEGALAID_ADMIN_PASSWORD='Bench#Legalaid2024' "$bin" serve --bind "127.0.0.1:$port" --data-dir "$1" "${@:2}" >"$work/out.log" 2>"$work/err.log" &
    pid=$!
    until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null; do
        kill -0 "$pid" 2>/dev/null || { echo "bench: the server stopped"; cat "$work/err.log"; exit 1; }
        sleep 0.005
    done
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
}
stop() { kill -TERM "$pid"; wait "$pid" || true; }

start_and_time "$work/empty"
echo "start to ready, empty database (migrations + admin): ${ms} ms"
stop
start_and_time "$work/empty"
echo "start to ready, existing database: ${ms} ms"
stop
start_and_time "$work/demo" --demo
echo "start to ready, loading the demo data: ${ms} ms"
stop
start_and_time "$work/demo" --demo
echo "start to ready, existing demo database: ${ms} ms"
sleep 2
echo "idle RSS: $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"

# Sign in as the bureau supervisor (sees the whole district) and load the home page.
jar="$work/jar"
csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p')
curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "_csrf=$csrf" -d 'username=supervisor&password=Legalaid@2024' "http://127.0.0.1:$port/login"
cookie="legalaid_session=$(awk '$6 == "legalaid_session" {print $7}' "$jar")"
[ "$cookie" != "legalaid_session=" ] || { echo "bench: sign-in failed"; exit 1; }
curl -fs -H "Cookie: $cookie" "http://127.0.0.1:$port/" | grep -q '工作台'
case_path=$(curl -fs -H "Cookie: $cookie" "http://127.0.0.1:$port/cases" | grep -o 'href="/cases/[0-9]*"' | head -n 1 | sed 's/href="\(.*\)"/\1/')
[ -n "$case_path" ] || { echo "bench: no case on the case list"; exit 1; }

# Requests per second of one path at 32 connections (wrk's figure), its whole
# output kept in $work/wrk.log. With perf installed, the server's context switches
# and CPU time a request too (ADR 0039: on SQLite each statement is a round trip
# to its connection's thread).
rps() {   # $1 = URL, $2.. = extra wrk flags
    local perf_pid=""
    if command -v perf >/dev/null && [ -n "$pid" ]; then
        perf stat -x, -e context-switches,task-clock -p "$pid" -o "$work/perf.csv" -- sleep "$duration" 2>/dev/null &
        perf_pid=$!
    fi
    wrk -t2 -c32 -d"${duration}s" "${@:2}" "$1" >"$work/wrk.log"
    grep -E 'Latency|Requests/sec|Non-2xx' "$work/wrk.log" >&2
    if [ -n "$perf_pid" ] && wait "$perf_pid"; then
        awk -F, -v n="$(awk '/requests in/ {print $1}' "$work/wrk.log")" '
            $3 ~ /^context-switches/ && $1 ~ /^[0-9.]+$/ {cs = $1}
            $3 ~ /^task-clock/ && $1 ~ /^[0-9.]+$/ {ms = $1}
            END {if (n > 0 && cs != "" && ms != "") printf "    server: %.1f context switches and %.0f us of CPU a request\n", cs / n, 1000 * ms / n}' \
            "$work/perf.csv" >&2
    fi
    if grep -q 'Non-2xx' "$work/wrk.log"; then
        echo "bench: $1 answered other than 2xx" >&2
        exit 1
    fi
    awk '/Requests\/sec/ {print int($2)}' "$work/wrk.log"
}
echo "wrk: GET / signed in, 32 connections, 2 threads, ${duration}s"
home=$(rps "http://127.0.0.1:$port/" -H "Cookie: $cookie")
echo "wrk: GET $case_path signed in, 32 connections, 2 threads, ${duration}s"
case_page=$(rps "http://127.0.0.1:$port$case_path" -H "Cookie: $cookie")
echo "RSS after load: $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"
stop

# The yardstick: a bare axum handler on the same runtime, in the same run.
"${CARGO_TARGET_DIR:-target}/release/examples/bare_axum" "127.0.0.1:$port" >"$work/bare.log" &
pid=$!
until curl -fs "http://127.0.0.1:$port/" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "bench: the bare axum handler stopped"; exit 1; }
    sleep 0.005
done
echo "wrk: GET / of a bare axum handler, 32 connections, 2 threads, ${duration}s"
bare=$(rps "http://127.0.0.1:$port/")
kill "$pid"; wait "$pid" 2>/dev/null || true
pid=""
for figure in "$home" "$case_page" "$bare"; do
    [ -n "$figure" ] && [ "$figure" -gt 0 ] || { echo "bench: wrk gave no figure"; exit 1; }
done
printf '%-28s %8s req/s  %5s%% of bare axum\n' \
    "home page (signed in)" "$home" "$(awk -v a="$home" -v b="$bare" 'BEGIN {printf "%.1f", 100 * a / b}')" \
    "case page (signed in)" "$case_page" "$(awk -v a="$case_page" -v b="$bare" 'BEGIN {printf "%.1f", 100 * a / b}')" \
    "bare axum handler" "$bare" "100.0"
