#!/usr/bin/env bash
# Work-queue benchmark (figures for the issue notes; not run in CI): requests per
# second and latency of the home page (工作台) of the bureau supervisor and of the
# center director at 32 connections, with 50,000 open applications (awaiting review)
# and 50,000 open cases (awaiting assignment) added to the demo by SQL, on SQLite,
# and on PostgreSQL when LEGALAID_BENCH_PG is a server URL (a database
# legalaid_bench is created there).
# Usage: bench/queues.sh [seconds]   (needs wrk and sqlite3/psql; builds --release
# first unless LEGALAID_BIN names a binary)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-15}"
for tool in wrk sqlite3; do
    command -v "$tool" >/dev/null || { echo "bench: installing $tool"; apt-get install -y -qq "$tool" >/dev/null; }
done

if [ -z "${LEGALAID_BIN:-}" ]; then
    cargo build --release -p legalaid
fi
bin="${LEGALAID_BIN:-${CARGO_TARGET_DIR:-target}/release/legalaid}"
port=18933
base="http://127.0.0.1:$port"
work="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=""
start() {   # $1 = data dir, $2 = database URL or ""
    env LEGALAID_DATA_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0 \
        LEGALAID_ADMIN_PASSWORD='Bench#Legalaid2024' ${2:+LEGALAID_DATABASE_URL=$2} \
        "$bin" serve --demo --bind "127.0.0.1:$port" --data-dir "$1" >"$work/out.log" 2>"$work/err.log" &
    pid=$!
    until curl -fs "$base/readyz" >/dev/null; do sleep 0.05; done
}
stop() { kill -TERM "$pid"; wait "$pid" || true; }

APP_COLUMNS="applicant_id, receiving_unit_id, channel, notifying_organ, received_at, custody_received_at, matter_code, \
service_form, procedural_role, opposing_party, case_organ, case_number, summary, limitation_date, preservation_urgent, \
representative_name, representative_relation, means_kind, household_members, monthly_income_fen, exemption_code, \
exemption_proof, verification_method, verification_date, verification_result, false_declaration, \
supplement_items, version, created_at, updated_at, income_sources, assets"
CASE_COLUMNS="recipient_id, case_type, stage, intake_unit_id, possible_life_or_death, juvenile, opposing_party, \
case_organ, organ_case_number, assign_from, grade, subsidy_status, version, created_at, updated_at"
CASE_SELECT=$(printf '%s' "$CASE_COLUMNS" | sed 's/\([a-z_][a-z_]*\)/cases.\1/g')

sql_sqlite() { sqlite3 "$1/legalaid.db" "$2"; }
sql_pg() { psql -q -t -A "$1" -c "$2"; }

home() {   # $1 = label, $2 = user name
    local jar="$work/jar-$2" csrf cookie
    csrf=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p')
    curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "_csrf=$csrf" -d "username=$2&password=Legalaid@2024" "$base/login"
    cookie="legalaid_session=$(awk '$6 == "legalaid_session" {print $7}' "$jar")"
    [ "$cookie" != "legalaid_session=" ] || { echo "bench: sign-in of $2 failed"; exit 1; }
    curl -fs -H "Cookie: $cookie" "$base/" | grep -q '工作台'
    echo "[$1] GET / as $2, 32 connections, ${duration}s:"
    wrk -t2 -c32 -d"${duration}s" --timeout 10s -s "$work/p95.lua" -H "Cookie: $cookie" "$base/" | tail -1
}

cat >"$work/p95.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("  %.0f req/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %d requests, %d errors\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests,
    summary.errors.status + summary.errors.timeout + summary.errors.connect + summary.errors.read))
end
LUA

measure() {   # $1 = label, $2 = data dir, $3 = database URL or ""
    local label="$1" dir="$2" url="$3" series
    if [ -n "$url" ]; then
        run() { sql_pg "$url" "$1"; }
        series="generate_series(1, 50000) n(i)"
    else
        run() { sql_sqlite "$dir" "$1"; }
        series="(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) SELECT i FROM n) n"
    fi
    start "$dir" "$url"
    stop
    # Open copies of a demo application (received, awaiting review) and of a demo case
    # (awaiting assignment), each case on an application of its own.
    run "INSERT INTO applications (number, status, $APP_COLUMNS) SELECT 'BENCH-A-' || i, 'received', $APP_COLUMNS FROM applications, $series WHERE applications.id = (SELECT MIN(id) FROM applications WHERE channel <> 'notified')"
    run "INSERT INTO applications (number, status, outcome, decided_at, $APP_COLUMNS) SELECT 'BENCH-G-' || i, 'granted', 'granted', received_at, $APP_COLUMNS FROM applications, $series WHERE applications.id = (SELECT MIN(id) FROM applications WHERE channel <> 'notified')"
    run "INSERT INTO cases (number, application_id, status, $CASE_COLUMNS) SELECT 'BENCH-' || i, a.id, 'awaiting_assignment', $CASE_SELECT FROM cases, $series JOIN applications a ON a.number = 'BENCH-G-' || i WHERE cases.id = (SELECT MIN(id) FROM cases)"
    echo "[$label] open applications: $(run "SELECT COUNT(*) FROM applications WHERE status IN ('received', 'proposed', 'awaiting_supplement', 'objection_pending')"), open cases: $(run "SELECT COUNT(*) FROM cases WHERE status NOT IN ('archived', 'terminated')")"
    local t0 t1
    t0=$(date +%s%N)
    start "$dir" "$url"
    t1=$(date +%s%N)
    echo "[$label] start-up to ready: $(( (t1 - t0) / 1000000 )) ms"
    # Builds with stored deadlines track the records the SQL added, in the background
    # job: wait until it is done (older builds have no such column).
    local has
    if [ -n "$url" ]; then
        has=$(run "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'applications' AND column_name = 'deadlines_version'")
    else
        has=$(run "SELECT COUNT(*) FROM pragma_table_info('applications') WHERE name = 'deadlines_version'")
    fi
    if [ "$has" = "1" ]; then
        t0=$(date +%s%N)
        while [ "$(run "SELECT (SELECT COUNT(*) FROM applications WHERE deadlines_version IS NULL) + (SELECT COUNT(*) FROM cases WHERE deadlines_version IS NULL)")" != "0" ]; do
            sleep 1
        done
        t1=$(date +%s%N)
        echo "[$label] deadlines of the added records tracked in $(( (t1 - t0) / 1000000 )) ms; stored: $(run "SELECT COUNT(*) FROM deadlines")"
    fi
    home "$label" supervisor
    home "$label" director
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
