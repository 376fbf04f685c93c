#!/usr/bin/env bash
# Where a signed-in page's work goes (issue 13 part 7): the release server under
# `valgrind --tool=callgrind` with the demo (SQLite), one page requested N times by
# one signed-in user, then the instructions a request and the functions that spend
# them, inclusive. Instructions, not seconds: repeatable whatever else the machine
# does, and comparable between builds.
# Usage: bench/profile.sh [case|home|path] [requests]   (default: a case page, 100 requests)
#        LEGALAID_BIN=… runs a given binary instead of building the release one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="${1:-case}"
n="${2:-100}"
command -v valgrind >/dev/null || { echo "profile: installing valgrind"; apt-get install -y -qq valgrind >/dev/null; }

bin="${LEGALAID_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --release -p legalaid --bin legalaid --example bare_axum   # as bench/run.sh
    bin="${CARGO_TARGET_DIR:-target}/release/legalaid"
fi
port=18933
work="$(mktemp -d)"
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

# Load the demo without valgrind (minutes under it), then serve it under valgrind.
LEGALAID_ADMIN_PASSWORD='Bench#Legalaid2024' "$bin" serve --demo --bind "127.0.0.1:$port" --data-dir "$work/data" >"$work/load.log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "profile: the server stopped while loading the demo"; cat "$work/load.log"; exit 1; }
    sleep 0.1
done
kill -TERM "$pid"; wait "$pid" || true

# Every thread counts (SQLite runs on sqlx's worker threads); the counters are
# zeroed just before the measured requests.
LEGALAID_ADMIN_PASSWORD='Bench#Legalaid2024' valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
    "$bin" serve --bind "127.0.0.1:$port" --data-dir "$work/data" >"$work/serve.log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "profile: the server stopped under valgrind"; cat "$work/serve.log"; exit 1; }
    sleep 0.5
done

jar="$work/jar"
csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p')
curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "_csrf=$csrf" -d 'username=director&password=Legalaid@2024' "http://127.0.0.1:$port/login"
cookie="legalaid_session=$(awk '$6 == "legalaid_session" {print $7}' "$jar")"
[ "$cookie" != "legalaid_session=" ] || { echo "profile: sign-in failed"; exit 1; }
case "$target" in
    case) path=$(curl -fs -H "Cookie: $cookie" "http://127.0.0.1:$port/cases" | grep -o 'href="/cases/[0-9]*"' | head -n 1 | sed 's/href="\(.*\)"/\1/') ;;
    home) path=/ ;;
    *) path="$target" ;;
esac
[ -n "$path" ] || { echo "profile: nothing to request"; exit 1; }
# Warm the caches (statements, rules in force), then count from zero.
for _ in 1 2 3; do curl -fs -o /dev/null -H "Cookie: $cookie" "http://127.0.0.1:$port$path"; done
callgrind_control --zero "$pid" >/dev/null
for _ in $(seq "$n"); do curl -fs -o /dev/null -H "Cookie: $cookie" "http://127.0.0.1:$port$path"; done
callgrind_control --dump "$pid" >/dev/null
kill -TERM "$pid"; wait "$pid" || true
pid=""

# The requested dump (cg.out.1); cg.out holds what came after it (the shutdown).
dump="$work/cg.out.1"
[ -s "$dump" ] || { echo "profile: callgrind wrote no dump ($(ls "$work"))"; exit 1; }
total=$(awk '/^(summary|totals):/ {print $2; exit}' "$dump")
echo "GET $path as director, $n requests: $total instructions, $(( total / n )) a request"
lines() { grep -E '^ *[0-9,]+ \(' | sed 's/ \[[^]]*\]$//' | cut -c1-160; }
echo "-- inclusive (a function with all it calls): our code, SQLite's prepare and step, rendering --"
callgrind_annotate --inclusive=yes --threshold=99 "$dump" 2>/dev/null | lines \
    | grep -E 'legalaid_[a-z_]+::|sqlite3_step|sqlite3Prepare|sqlite3Reprepare|askama|typst' | sed -n 1,45p
