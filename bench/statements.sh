#!/usr/bin/env bash
# How many SQL statements a signed-in page runs (issue 13 part 7, ADR 0039): on
# SQLite each statement is a round trip to the connection's own thread, which is
# most of what a page costs. The release server with the demo logs every statement
# (LEGALAID_LOG=sqlx::query=debug, JSON); one page is requested N times by the
# bureau supervisor; the statements logged meanwhile, less those the background
# jobs also run when idle (a page statement of the same text would not be counted;
# the list of them is printed), are divided by N and listed by kind.
# Usage: bench/statements.sh [case|home|path] [requests]   (default: a case page, 20)
#        LEGALAID_BIN=… runs a given binary instead of building the release one.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="${1:-case}"
n="${2:-20}"
command -v jq >/dev/null || { echo "statements: needs jq (apt-get install jq)"; exit 1; }

bin="${LEGALAID_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --release -p legalaid --bin legalaid --example bare_axum   # as bench/run.sh
    bin="${CARGO_TARGET_DIR:-target}/release/legalaid"
fi
port=18934
work="$(mktemp -d)"
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

wait_ready() {
    until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null; do
        kill -0 "$pid" 2>/dev/null || { echo "statements: the server stopped"; cat "$work/serve.log"; exit 1; }
        sleep 0.1
    done
}
LEGALAID_ADMIN_PASSWORD='Bench#Legalaid2024' "$bin" serve --demo --bind "127.0.0.1:$port" --data-dir "$work/data" >"$work/serve.log" 2>&1 &
pid=$!
wait_ready
kill -TERM "$pid"; wait "$pid" || true
LEGALAID_LOG='info,sqlx::query=debug' LEGALAID_LOG_FORMAT=json LEGALAID_ADMIN_PASSWORD='Bench#Legalaid2024' \
    "$bin" serve --bind "127.0.0.1:$port" --data-dir "$work/data" >"$work/serve.log" 2>&1 &
pid=$!
wait_ready

jar="$work/jar"
csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p')
curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "_csrf=$csrf" -d 'username=supervisor&password=Legalaid@2024' "http://127.0.0.1:$port/login"
cookie="legalaid_session=$(awk '$6 == "legalaid_session" {print $7}' "$jar")"
[ "$cookie" != "legalaid_session=" ] || { echo "statements: sign-in failed"; exit 1; }
case "$target" in
    case) path=$(curl -fs -H "Cookie: $cookie" "http://127.0.0.1:$port/cases" | grep -o 'href="/cases/[0-9]*"' | head -n 1 | sed 's/href="\(.*\)"/\1/') ;;
    home) path=/ ;;
    *) path="$target" ;;
esac
[ -n "$path" ] || { echo "statements: nothing to request"; exit 1; }
# Warm up (statement caches, rules in force), then learn what the background jobs run.
for _ in 1 2 3; do curl -fs -o /dev/null -H "Cookie: $cookie" "http://127.0.0.1:$port$path"; done
# The statement's text (sqlx logs only a summary for a statement of four words or fewer).
statements() {
    grep '"target":"sqlx::query"' "$work/serve.log" |
        jq -r '(.fields["db.statement"] // "" | gsub("\\s+"; " ") | ltrimstr(" ")) as $s | if $s == "" then .fields.summary else $s end'
}
sleep 0.5
before=$(statements | wc -l)
sleep 2.5
statements | tail -n +"$((before + 1))" | sort -u >"$work/background"
before=$(statements | wc -l)
for _ in $(seq "$n"); do curl -fs -o /dev/null -H "Cookie: $cookie" "http://127.0.0.1:$port$path"; done
sleep 0.2
statements | tail -n +"$((before + 1))" | grep -vxFf "$work/background" >"$work/page" || true
total=$(wc -l <"$work/page")
echo "GET $path as the bureau supervisor, $n requests: $(awk -v t="$total" -v n="$n" 'BEGIN {printf "%.1f", t / n}') statements a request"
echo "(transactions' BEGIN and ROLLBACK are not logged by sqlx; the background jobs' statements, excluded:"
cut -c1-100 "$work/background" | sed 's/^/    /'
echo ")"
cut -c1-100 "$work/page" | sort | uniq -c | sort -rn | awk -v n="$n" '{c = $1; $1 = ""; printf "%6.1f %s\n", c / n, $0}'
