#!/usr/bin/env bash
# Supervision benchmark (figures for the issue notes; not run in CI), ADR 0023:
#   - a province: 16 cities, 105 counties (a justice bureau with a target and a legal aid
#     center each) and N cases (default 1,000,000) over 2016–2026, inserted by SQL *without*
#     their tallies; `legalaid tallies verify` must then find the difference, `legalaid
#     tallies rebuild` recomputes them (the application's own code) and verify agrees;
#   - p50/p95/p99 of the province's and a county's dashboard (API and page) at 8 connections,
#     as of today and as of a past day inside a month (that month's daily tallies, ADR 0029);
#   - the time of one request for the province's and the county's report forms of the year;
#   - on SQLite, and on PostgreSQL when LEGALAID_BENCH_PG is a server URL (a database
#     legalaid_bench_sup is created there).
# Usage: bench/supervision.sh [seconds] [cases]   (needs wrk, sqlite3, psql; builds --release
# first unless LEGALAID_BIN names a binary)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-15}"
cases="${2:-1000000}"
for tool in wrk sqlite3; do
    command -v "$tool" >/dev/null || { echo "bench: installing $tool"; apt-get install -y -qq "$tool" >/dev/null; }
done
if [ -n "${LEGALAID_BIN:-}" ]; then
    bin="$LEGALAID_BIN"
else
    cargo build --release -p legalaid
    bin="${CARGO_TARGET_DIR:-target}/release/legalaid"
fi
port=18935
base="http://127.0.0.1:$port"
work="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=""
export LEGALAID_DATA_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
start() {   # $1 = data dir, $2 = database URL or ""
    env ${2:+LEGALAID_DATABASE_URL=$2} "$bin" serve --demo --bind "127.0.0.1:$port" --data-dir "$1" \
        >"$work/out.log" 2>"$work/err.log" &
    pid=$!
    until curl -fs "$base/readyz" >/dev/null; do sleep 0.1; done
}
stop() { kill -TERM "$pid"; wait "$pid" || true; }
# Waits until the server's own background work (e.g. the deadline job going
# through cases inserted by SQL) is done: under 5% of a core over 2 seconds.
settle() {
    local a b
    while :; do
        a=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        sleep 2
        b=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        [ $(( b - a )) -lt 10 ] && break
    done
}
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

cat >"$work/pct.lua" <<'LUA'
done = function(summary, latency, requests)
  for _, p in pairs({50, 95, 99}) do
    io.write(string.format(" %d%%  %.2fms\n", p, latency:percentile(p) / 1000))
  end
end
LUA
summary() { awk '/Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 95%/ {p95=$2} / 99%/ {p99=$2} /Non-2xx/ {non=$NF}
    END {printf "%s req/s, p50 %s, p95 %s, p99 %s%s\n", rps, p50, p95, p99, (non ? ", non-2xx " non : "")}'; }

measure() {   # $1 = label, $2 = data dir, $3 = database URL or ""
    local label="$1" dir="$2" url="$3" run t0
    if [ -n "$url" ]; then
        run() { psql -q -t -A "$url" -c "$1"; }
        series() { echo "generate_series(1, $1) AS n(i)"; }
        ts() { echo "to_timestamp($1)"; }
        day() { echo "to_timestamp($1)::date"; }
    else
        run() { sqlite3 "$dir/legalaid.db" "$1"; }
        series() { echo "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1) SELECT i FROM s) AS n"; }
        ts() { echo "strftime('%Y-%m-%dT%H:%M:%S+00:00', $1, 'unixepoch')"; }
        day() { echo "strftime('%Y-%m-%d', $1, 'unixepoch')"; }
    fi
    start "$dir" "$url"
    stop
    # The province's regions and units: 16 cities 3450–3465, 105 counties, each with a
    # justice bureau (its target: 1/105 of 90,000) and a legal aid center.
    local now
    now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    run "INSERT INTO regions (code, name, level, parent_code) SELECT '34' || CAST(49 + i AS TEXT), '测试市' || CAST(i AS TEXT), 'city', '34' FROM $(series 16)"
    run "INSERT INTO regions (code, name, level, parent_code) SELECT '34' || CAST(50 + (i - 1) / 7 AS TEXT) || '0' || CAST(1 + (i - 1) % 7 AS TEXT), '测试县' || CAST(i AS TEXT), 'county', '34' || CAST(50 + (i - 1) / 7 AS TEXT) FROM $(series 105)"
    for kind in justice_bureau legal_aid_center; do
        run "INSERT INTO units (name, kind, region_code, created_at, updated_at) SELECT '测试县' || CAST(i AS TEXT) || '$kind', '$kind', '34' || CAST(50 + (i - 1) / 7 AS TEXT) || '0' || CAST(1 + (i - 1) % 7 AS TEXT), '$now', '$now' FROM $(series 105)"
    done
    run "INSERT INTO targets (unit_id, year, cases) SELECT id, 2026, 857 FROM units WHERE kind = 'justice_bureau' AND name LIKE '测试县%'"
    # N cases over 2016-01-01 … 2026-11-30 at the 105 centers: 70% archived with every
    # event and a paid subsidy, 10% in progress, 10% awaiting assignment, 10% terminated;
    # every fifth criminal (trial stage). One demo application and recipient stand for all.
    # A case is one stage of one application (a unique pair): N copies of a demo
    # application first, whose ids follow the largest one in order.
    local app_id person first span cols app_base
    app_id=$(run "SELECT application_id FROM cases ORDER BY id LIMIT 1")
    person=$(run "SELECT recipient_id FROM cases ORDER BY id LIMIT 1")
    if [ -n "$url" ]; then
        cols=$(run "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'applications' AND column_name NOT IN ('id', 'number')")
    else
        cols=$(run "SELECT group_concat(name, ', ') FROM pragma_table_info('applications') WHERE name NOT IN ('id', 'number')")
    fi
    app_base=$(run "SELECT MAX(id) FROM applications")
    t0=$(date +%s%N)
    run "INSERT INTO applications (number, $cols) SELECT 'SUP-A-' || CAST(i AS TEXT), $cols FROM applications, $(series "$cases") WHERE applications.id = $app_id ORDER BY i"
    echo "[$label] $cases applications copied in $(ms "$t0") ms"
    app_id="$app_base"
    first=$(run "SELECT MIN(id) FROM units WHERE kind = 'legal_aid_center' AND name LIKE '测试县%'")
    span=$(( $(date -u -d 2026-11-30 +%s) - $(date -u -d 2016-01-01 +%s) ))
    local t="($(date -u -d 2016-01-01 +%s) + (CAST(i AS BIGINT) * $span / $cases))"
    t0=$(date +%s%N)
    run "INSERT INTO cases (number, application_id, recipient_id, case_type, stage, status, intake_unit_id, assign_from,
        assigned_at, closure_submitted_at, closed_at, terminated_at, termination_reason, subsidy_status, subsidy_fen, subsidy_paid_on,
        version, created_at, updated_at)
      SELECT 'SUP-' || CAST(i AS TEXT), $app_id + i, $person,
        CASE WHEN i % 5 = 0 THEN 'criminal' ELSE 'civil' END, CASE WHEN i % 5 = 0 THEN 'trial' ELSE 'whole' END,
        CASE WHEN i % 10 < 7 THEN 'archived' WHEN i % 10 = 7 THEN 'in_progress' WHEN i % 10 = 8 THEN 'awaiting_assignment' ELSE 'terminated' END,
        $first + (i % 105), $(ts "$t"),
        CASE WHEN i % 10 <> 8 THEN $(ts "$t + 259200") END,
        CASE WHEN i % 10 < 7 THEN $(ts "$t + 5184000") END,
        CASE WHEN i % 10 < 7 THEN $(ts "$t + 6048000") END,
        CASE WHEN i % 10 = 9 THEN $(ts "$t + 2592000") END, '',
        CASE WHEN i % 10 < 7 THEN 'paid' ELSE 'not_due' END,
        CASE WHEN i % 10 < 7 THEN 150000 END,
        CASE WHEN i % 10 < 7 THEN $(day "$t + 7776000") END,
        1, $(ts "$t"), $(ts "$t")
      FROM $(series "$cases")"
    echo "[$label] $(run "SELECT COUNT(*) FROM cases") cases inserted by SQL in $(ms "$t0") ms (without tallies)"
    # Statistics as a maintained database has them (autovacuum's analyze; this machine's
    # PostgreSQL runs with autovacuum off, and SQLite has none until ANALYZE).
    t0=$(date +%s%N)
    run "ANALYZE"
    echo "[$label] ANALYZE in $(ms "$t0") ms"
    local db=(--data-dir "$dir")
    [ -n "$url" ] && db=(--database-url "$url")
    tallies() { "$bin" tallies "$1" "${db[@]}"; }
    t0=$(date +%s%N)
    if tallies verify >"$work/verify.txt" 2>&1; then
        echo "[$label] verify did not notice the cases without tallies"; exit 1
    fi
    echo "[$label] verify found them in $(ms "$t0") ms: $(head -n 1 "$work/verify.txt")"
    t0=$(date +%s%N)
    echo "[$label] $(tallies rebuild) in $(ms "$t0") ms"
    t0=$(date +%s%N)
    echo "[$label] $(tallies verify) in $(ms "$t0") ms"

    start "$dir" "$url"
    t0=$(date +%s%N)
    settle
    echo "[$label] the server's start-up work on the new cases took $(ms "$t0") ms"
    echo "[$label] RSS at rest: $(awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status")"
    local token county
    token=$(curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
        -d '{"username":"sysadmin","password":"Legalaid@2024"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
    county=$(run "SELECT region_code FROM units WHERE name = '测试县1justice_bureau'")
    for q in "region=34&year=2026" "region=$county&year=2026" "region=34&year=2026&as_of=2026-06-15" "region=$county&year=2026&as_of=2026-06-15"; do
        echo "[$label] GET /api/v1/supervision?$q: $(wrk -t2 -c8 -d"${duration}s" -s "$work/pct.lua" -H "Authorization: Bearer $token" "$base/api/v1/supervision?$q" | summary)"
    done
    # The report forms of the province's and the county's statistical year (one request
    # each, read a batch of cases at a time; their time follows the year's cases).
    for q in "region=34&period=year&year=2026" "region=$county&period=year&year=2026"; do
        t0=$(date +%s%N)
        curl -fs -o /dev/null -H "Authorization: Bearer $token" "$base/api/v1/supervision/report-forms?$q"
        echo "[$label] GET /api/v1/supervision/report-forms?$q: $(ms "$t0") ms (one request), RSS $(awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status")"
    done
    local jar="$work/jar.txt" csrf cookie
    csrf=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
    curl -s -b "$jar" -c "$jar" "$base/login" --data-urlencode username=sysadmin \
        --data-urlencode password='Legalaid@2024' --data-urlencode "_csrf=$csrf" -o /dev/null
    cookie=$(awk '$6 == "legalaid_session" {print $7}' "$jar")
    for q in "region=34&year=2026" "region=$county&year=2026"; do
        echo "[$label] GET /supervision?$q (page): $(wrk -t2 -c8 -d"${duration}s" -s "$work/pct.lua" -H "Cookie: legalaid_session=$cookie" "$base/supervision?$q" | summary)"
    done
    echo "[$label] RSS after: $(awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status")"
    stop
}

measure sqlite "$work/sqlite" ""
if [ -n "${LEGALAID_BENCH_PG:-}" ]; then
    admin="$LEGALAID_BENCH_PG"
    psql -q "$admin" -c "DROP DATABASE IF EXISTS legalaid_bench_sup" -c "CREATE DATABASE legalaid_bench_sup"
    measure postgres "$work/pg" "${admin%/*}/legalaid_bench_sup"
fi
