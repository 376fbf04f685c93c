#!/usr/bin/env bash
# Case file review benchmarks (figures for the issue notes; not run in CI):
#   - the time to draw a round from 100,000 closed cases through the server (the frame
#     read a batch at a time, the draw, the schemes bound, two reviewers assigned to
#     each file, the reviews and their queue items written, in one transaction);
#   - the latency (p50/p95/p99) of a review's page with wrk at 8 connections.
# On SQLite, and on PostgreSQL when LEGALAID_BENCH_PG is a server URL (a database
# legalaid_bench is created there). The pure draw alone:
#   cargo run --release -p legalaid-domain --example draw_bench
# Usage: bench/quality.sh [seconds]   (needs wrk and sqlite3/psql; builds --release first)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-15}"
for tool in wrk sqlite3; do
    command -v "$tool" >/dev/null || { echo "bench: installing $tool"; apt-get install -y -qq "$tool" >/dev/null; }
done

cargo build --release -p legalaid
bin="${CARGO_TARGET_DIR:-target}/release/legalaid"
port=18933
base="http://127.0.0.1:$port"
work="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=""
start() {   # $1 = data dir, $2 = database URL or ""
    local dir="$1" url="$2"
    env LEGALAID_DATA_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0 \
        LEGALAID_ADMIN_PASSWORD='Bench#Legalaid2024' ${url:+LEGALAID_DATABASE_URL=$url} \
        "$bin" serve --demo --bind "127.0.0.1:$port" --data-dir "$dir" >"$work/out.log" 2>"$work/err.log" &
    pid=$!
    until curl -fs "$base/readyz" >/dev/null; do sleep 0.05; done
}
stop() { kill -TERM "$pid"; wait "$pid" || true; }

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
CASE_SELECT=$(printf '%s' "$CASE_COLUMNS" | sed 's/\([a-z_][a-z_]*\)/cases.\1/g')
# A voucher number is unique: the copies have none.
CASE_SELECT=${CASE_SELECT/cases.subsidy_voucher/\'\'}
# An archived civil or criminal demo case (a 五分制 example scheme scores both).
SOURCE="(SELECT MIN(id) FROM cases WHERE status = 'archived' AND case_type IN ('civil', 'criminal'))"

sql_sqlite() { sqlite3 "$1/legalaid.db" "$2"; }
sql_pg() { psql -q -t -A "$1" -c "$2"; }

measure() {   # $1 = label, $2 = data dir, $3 = database URL or ""
    local label="$1" dir="$2" url="$3" run
    if [ -n "$url" ]; then run() { sql_pg "$url" "$1"; }; else run() { sql_sqlite "$dir" "$1"; }; fi
    start "$dir" "$url"
    stop
    if [ -n "$url" ]; then
        run "INSERT INTO applications (number, $APP_COLUMNS) SELECT 'BENCH-A-' || g, $APP_COLUMNS FROM applications, generate_series(1, 100000) g WHERE applications.id = (SELECT application_id FROM cases WHERE id = $SOURCE)"
        run "INSERT INTO cases (number, application_id, $CASE_COLUMNS) SELECT 'BENCH-' || g, a.id, $CASE_SELECT FROM cases, generate_series(1, 100000) g JOIN applications a ON a.number = 'BENCH-A-' || g WHERE cases.id = $SOURCE"
        run "UPDATE cases SET closed_at = now() WHERE number LIKE 'BENCH-%'"
    else
        run "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) INSERT INTO applications (number, $APP_COLUMNS) SELECT 'BENCH-A-' || i, $APP_COLUMNS FROM applications, n WHERE applications.id = (SELECT application_id FROM cases WHERE id = $SOURCE)"
        run "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) INSERT INTO cases (number, application_id, $CASE_COLUMNS) SELECT 'BENCH-' || i, a.id, $CASE_SELECT FROM cases, n JOIN applications a ON a.number = 'BENCH-A-' || i WHERE cases.id = $SOURCE"
        run "UPDATE cases SET closed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE number LIKE 'BENCH-%'"
    fi
    echo "[$label] archived cases: $(run "SELECT COUNT(*) FROM cases WHERE status = 'archived'")"
    start "$dir" "$url"
    local quality director today due firm_b firm_c center
    login() { curl -s "$base/api/v1/auth/login" -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"Legalaid@2024\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'; }
    quality=$(login quality)
    director=$(login director)
    today=$(TZ=Asia/Shanghai date +%F)
    due=$(TZ=Asia/Shanghai date -d '+30 days' +%F)
    # The pool: the center's staff and lawyers of every firm but the copies' own.
    local handling
    handling=$(run "SELECT handling_unit_id FROM cases WHERE id = $SOURCE")
    for unit in $(run "SELECT id FROM units WHERE kind IN ('law_firm', 'legal_aid_center') AND id <> $handling ORDER BY id LIMIT 6"); do
        curl -fs -o /dev/null "$base/api/v1/quality/experts" -H "Authorization: Bearer $quality" -H 'Content-Type: application/json' \
            -d "{\"name\":\"专家$unit\",\"kind\":\"lawyer\",\"unit_id\":$unit,\"practice_start_year\":2010}"
    done
    local round version
    round=$(curl -fs "$base/api/v1/quality/rounds" -H "Authorization: Bearer $quality" -H 'Content-Type: application/json' \
        -d "{\"name\":\"基准测试\",\"closed_from\":\"$today\",\"closed_to\":\"$today\",\"due_on\":\"$due\",\"method\":\"five\",\"sample_method\":\"share\",\"percent\":13,\"per_unit\":2}")
    version=$(printf '%s' "$round" | sed -n 's/.*"version":\([0-9]*\).*/\1/p')
    round=$(printf '%s' "$round" | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
    echo "[$label] draw of round $round (13% of each unit's files, at least 2), through the API:"
    curl -s -o "$work/draw.json" -w '  %{http_code} in %{time_total} s\n' "$base/api/v1/quality/rounds/$round/draw" \
        -H "Authorization: Bearer $quality" -H 'Content-Type: application/json' -d "{\"version\":$version}"
    echo "  $(sed -n 's/.*"summary":{"frame":\([0-9]*\),"drawn":\([0-9]*\).*/frame \1, drawn \2/p' "$work/draw.json")"
    local review jar csrf cookie
    review=$(run "SELECT MIN(id) FROM reviews WHERE round_id = $round")
    jar="$work/jar"
    csrf=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p')
    curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "_csrf=$csrf" -d 'username=director&password=Legalaid@2024' "$base/login"
    cookie="legalaid_session=$(awk '$6 == "legalaid_session" {print $7}' "$jar")"
    curl -fs -H "Cookie: $cookie" "$base/reviews/$review" -o /dev/null
    cat >"$work/p95.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("  p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %d requests, %.0f req/s\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.requests / (summary.duration / 1e6)))
end
LUA
    echo "[$label] GET /reviews/$review (page), 8 connections, ${duration}s:"
    wrk -t2 -c8 -d"${duration}s" -s "$work/p95.lua" -H "Cookie: $cookie" "$base/reviews/$review" | tail -1
    echo "[$label] GET /api/v1/reviews/$review, 8 connections, ${duration}s:"
    wrk -t2 -c8 -d"${duration}s" -s "$work/p95.lua" -H "Authorization: Bearer $director" "$base/api/v1/reviews/$review" | tail -1
    stop
}

measure sqlite "$work/sqlite" ""
if [ -n "${LEGALAID_BENCH_PG:-}" ]; then
    admin="$LEGALAID_BENCH_PG"
    psql -q "$admin" -c "DROP DATABASE IF EXISTS legalaid_bench WITH (FORCE)" -c "CREATE DATABASE legalaid_bench"
    measure postgres "$work/pg" "${admin%/*}/legalaid_bench"
    psql -q "$admin" -c "DROP DATABASE IF EXISTS legalaid_bench WITH (FORCE)"
fi
