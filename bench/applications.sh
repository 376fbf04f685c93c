#!/usr/bin/env bash
# Applications created per second through the API (each one validated, numbered,
# assessed, stored with its audit entry in one transaction), on SQLite and, when
# LEGALAID_BENCH_PG is set (e.g. postgres://postgres@127.0.0.1:5432), on PostgreSQL.
# Usage: bench/applications.sh [seconds]   (needs wrk; builds --release first)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-10}"
command -v wrk >/dev/null || { echo "bench: installing wrk"; apt-get install -y -qq wrk >/dev/null; }
cargo build --release -p legalaid
bin="${CARGO_TARGET_DIR:-target}/release/legalaid"
port=18932
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

run() {   # $1 = label, rest = extra serve flags
    local label="$1"; shift
    LEGALAID_ADMIN_PASSWORD='Bench#Legalaid2024' "$bin" serve --demo --bind "127.0.0.1:$port" --data-dir "$work/$label" "$@" >"$work/$label.log" 2>&1 &
    pid=$!
    until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
    local token person
    token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
        -d '{"username":"reviewer","password":"Legalaid@2024"}' | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
    person=$(curl -fs "http://127.0.0.1:$port/api/v1/persons?per_page=1" -H "authorization: Bearer $token" | sed -n 's/.*"items":\[{"id":\([0-9]*\).*/\1/p')
    cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '{"applicant_id":$person,"channel":"walk_in","received_at":"2024-09-26T02:00:00Z","matter_code":"labor_remuneration","service_form":"labor_arbitration","summary":"拖欠工资","exemption_code":"migrant_worker_wage_or_injury","exemption_proof_provided":true}'
LUA
    echo "== $label: POST /api/v1/applications, 8 connections, ${duration}s"
    wrk -t2 -c8 -d"${duration}s" -s "$work/post.lua" "http://127.0.0.1:$port/api/v1/applications" | grep -E "Requests/sec|Latency|requests in|Non-2xx"
    kill -TERM "$pid"; wait "$pid" || true; pid=""
}

run sqlite
if [ -n "${LEGALAID_BENCH_PG:-}" ]; then
    db="legalaid_bench_$$"
    psql "$LEGALAID_BENCH_PG/postgres" -qc "CREATE DATABASE $db"
    run postgres --database-url "$LEGALAID_BENCH_PG/$db"
    psql "$LEGALAID_BENCH_PG/postgres" -qc "DROP DATABASE $db WITH (FORCE)"
fi
