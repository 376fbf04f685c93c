#!/usr/bin/env bash
# Case benchmarks (figures for the issue notes; not run in CI):
#   - messages delivered per second by one server's delivery worker (20,000 queued
#     SMS into the file sink, SQLite);
#   - latency (p50/p95/p99) of the case page and the case API with 100,000 cases in
#     the database (wrk at 8 connections), on SQLite, and on PostgreSQL when
#     LEGALAID_BENCH_PG is a server URL (a database legalaid_bench is created there).
# Usage: bench/cases.sh [seconds]   (needs wrk and sqlite3/psql; builds --release first)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-15}"
for tool in wrk sqlite3; do
    command -v "$tool" >/dev/null || { echo "bench: installing $tool"; apt-get install -y -qq "$tool" >/dev/null; }
done

cargo build --release -p legalaid
bin="${CARGO_TARGET_DIR:-target}/release/legalaid"
port=18932
base="http://127.0.0.1:$port"
work="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=""
start() {   # $1 = data dir, $2 = database URL or "", rest: env assignments
    local dir="$1" url="$2"
    shift 2
    env "$@" LEGALAID_DATA_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0 \
        LEGALAID_ADMIN_PASSWORD='Bench#Legalaid2024' ${url:+LEGALAID_DATABASE_URL=$url} \
        "$bin" serve --demo --bind "127.0.0.1:$port" --data-dir "$dir" >"$work/out.log" 2>"$work/err.log" &
    pid=$!
    until curl -fs "$base/readyz" >/dev/null; do sleep 0.05; done
}
stop() { kill -TERM "$pid"; wait "$pid" || true; }

# Copies of a granted demo application with its archived case (one case per
# application, as in real data), and of a sent demo message, by SQL.
APP_COLUMNS="applicant_id, receiving_unit_id, channel, notifying_organ, received_at, custody_received_at, matter_code, \
service_form, procedural_role, opposing_party, case_organ, case_number, summary, limitation_date, preservation_urgent, \
representative_name, representative_relation, means_kind, household_members, monthly_income_fen, exemption_code, \
exemption_proof, verification_method, verification_date, verification_result, false_declaration, status, \
supplement_requested_on, supplement_items, proposed_outcome, proposal_reason, outcome, decision_reason, \
against_assessment, decided_at, decided_by, version, created_at, updated_at, income_sources, assets"
CASE_COLUMNS="recipient_id, case_type, stage, status, intake_unit_id, handling_unit_id, handler_id, \
possible_life_or_death, juvenile, opposing_party, case_organ, organ_case_number, assign_from, assigned_at, \
agreement_signed_on, ended_on, closure_submitted_at, closed_at, outcome, amount_fen, adoption, closure_report, flat_item, \
early_end, travel_km, termination_ground, termination_reason, terminated_at, grade, subsidy_status, subsidy_fen, \
subsidy_paid_on, subsidy_voucher, version, created_at, updated_at"
# The same columns, qualified (the copy joins applications, which has some of the same names).
CASE_SELECT=$(printf '%s' "$CASE_COLUMNS" | sed 's/\([a-z_][a-z_]*\)/cases.\1/g')
MESSAGE_COLUMNS="kind, audience, channel, case_id, application_id, user_id, recipient_name, address, subject, body"

sql_sqlite() { sqlite3 "$1/legalaid.db" "$2"; }
sql_pg() { psql -q -t -A "$1" -c "$2"; }

measure() {   # $1 = label, $2 = data dir, $3 = database URL or ""
    local label="$1" dir="$2" url="$3" run
    if [ -n "$url" ]; then run() { sql_pg "$url" "$1"; }; else run() { sql_sqlite "$dir" "$1"; }; fi
    start "$dir" "$url"
    stop
    if [ -n "$url" ]; then
        run "INSERT INTO applications (number, $APP_COLUMNS) SELECT 'BENCH-A-' || g, $APP_COLUMNS FROM applications, generate_series(1, 100000) g WHERE applications.id = (SELECT application_id FROM cases WHERE id = (SELECT MIN(id) FROM cases WHERE status = 'archived'))"
        run "INSERT INTO cases (number, application_id, $CASE_COLUMNS) SELECT 'BENCH-' || g, a.id, $CASE_SELECT FROM cases, generate_series(1, 100000) g JOIN applications a ON a.number = 'BENCH-A-' || g WHERE cases.id = (SELECT MIN(id) FROM cases WHERE status = 'archived')"
        run "INSERT INTO messages ($MESSAGE_COLUMNS, status, next_attempt_at, created_at) SELECT $MESSAGE_COLUMNS, 'pending', now(), now() FROM messages, generate_series(1, 20000) g WHERE messages.id = (SELECT MIN(id) FROM messages WHERE channel = 'sms')"
    else
        run "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) INSERT INTO applications (number, $APP_COLUMNS) SELECT 'BENCH-A-' || i, $APP_COLUMNS FROM applications, n WHERE applications.id = (SELECT application_id FROM cases WHERE id = (SELECT MIN(id) FROM cases WHERE status = 'archived'))"
        run "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) INSERT INTO cases (number, application_id, $CASE_COLUMNS) SELECT 'BENCH-' || i, a.id, $CASE_SELECT FROM cases, n JOIN applications a ON a.number = 'BENCH-A-' || i WHERE cases.id = (SELECT MIN(id) FROM cases WHERE status = 'archived')"
        run "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO messages ($MESSAGE_COLUMNS, status, next_attempt_at, created_at) SELECT $MESSAGE_COLUMNS, 'pending', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM messages, n WHERE messages.id = (SELECT MIN(id) FROM messages WHERE channel = 'sms')"
    fi
    echo "[$label] cases in the database: $(run "SELECT COUNT(*) FROM cases")"

    # Delivery: the worker drains 20,000 queued SMS into the file sink.
    local t0 t1 left
    t0=$(date +%s%N)
    start "$dir" "$url" LEGALAID_DELIVERY_INTERVAL_MS=50
    while left=$(run "SELECT COUNT(*) FROM messages WHERE status = 'pending'"); [ "$left" -gt 0 ]; do sleep 0.2; done
    t1=$(date +%s%N)
    echo "[$label] delivered 20,000 messages (including start-up) in $(( (t1 - t0) / 1000000 )) ms: $(( 20000 * 1000000000 / (t1 - t0) )) messages/s"

    # The case page of a demo case with its history, signed in as the center director.
    local id token jar csrf cookie
    id=$(run "SELECT MIN(id) FROM cases WHERE status = 'archived'")
    token=$(curl -s "$base/api/v1/auth/login" -H 'Content-Type: application/json' -d '{"username":"director","password":"Legalaid@2024"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
    jar="$work/jar"
    csrf=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p')
    curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "_csrf=$csrf" -d 'username=director&password=Legalaid@2024' "$base/login"
    cookie="legalaid_session=$(awk '$6 == "legalaid_session" {print $7}' "$jar")"
    curl -fs -H "Cookie: $cookie" "$base/cases/$id" -o /dev/null
    cat >"$work/p95.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("  p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %d requests, %.0f req/s\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.requests / (summary.duration / 1e6)))
end
LUA
    echo "[$label] GET /cases/$id (page), 8 connections, ${duration}s:"
    wrk -t2 -c8 -d"${duration}s" -s "$work/p95.lua" -H "Cookie: $cookie" "$base/cases/$id" | tail -1
    echo "[$label] GET /api/v1/cases/$id, 8 connections, ${duration}s:"
    wrk -t2 -c8 -d"${duration}s" -s "$work/p95.lua" -H "Authorization: Bearer $token" "$base/api/v1/cases/$id" | tail -1
    echo "[$label] GET /api/v1/cases?per_page=20 (list, 100,000 rows to count), 8 connections, ${duration}s:"
    wrk -t2 -c8 -d"${duration}s" -s "$work/p95.lua" -H "Authorization: Bearer $token" "$base/api/v1/cases?per_page=20" | tail -1
    echo "[$label] RSS: $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"
    stop
}

measure sqlite "$work/sqlite" ""
if [ -n "${LEGALAID_BENCH_PG:-}" ]; then
    admin="$LEGALAID_BENCH_PG"
    psql -q "$admin" -c "DROP DATABASE IF EXISTS legalaid_bench WITH (FORCE)" -c "CREATE DATABASE legalaid_bench"
    measure postgres "$work/pg" "${admin%/*}/legalaid_bench"
    psql -q "$admin" -c "DROP DATABASE IF EXISTS legalaid_bench WITH (FORCE)"
fi
