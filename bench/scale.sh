#!/usr/bin/env bash
# Scale benchmark (issue 13, ADR 0037; figures for the issue notes, not run in CI):
# for each size N (default 10,000 then 1,000,000) a fresh demo system gets N more
# cases, each with its own application and applicant (N persons), spread over the
# district's legal aid center and judicial offices, 2016–2026, a tenth of the cases
# in each state, and ten audit entries per case, by SQL; then, at 8 connections
# with wrk, p50/p95/p99 of
#   - the case page and the case API of one case,
#   - the case list filtered (API and page) as the center's director, who sees all
#     N cases: status + year, and open cases of one office,
#   - the case list's page 2 by its keyset (the `next` of page 1),
#   - the person list (its first page, page 2 by keyset, part of a name) and the
#     application list of one state (first page, page 2 by keyset), migration 0039,
#   - the audit trail's search as the bureau's supervisor (ADR 0042): the newest
#     entries, one case's entries, and page 3 of one action's (ten million entries at 1M),
#   - a search through the API for a word of a few old records (工资, the demo's), for a
#     word in every copy (规模: three entries a case) and for a name and number held by
#     three (规模123), and the search page for 规模; each copy's search entry is the model's
#     with the copy's name and number, written by SQL, or with LEGALAID_BENCH_SEARCH=rebuild
#     rewritten through the application's own segmenter (27 minutes at 1M on PostgreSQL);
# the server's RSS after each, and the growth of each p95 from the first size to the last.
# On SQLite, and on PostgreSQL too when LEGALAID_BENCH_PG is a server URL (a database
# legalaid_bench_scale is created there).
# LEGALAID_BENCH_SQLITE=0 measures PostgreSQL only. With LEGALAID_BENCH_KEEP=<dir>,
# the data of the last size are kept to be looked into afterwards (query plans): the
# SQLite data directory moved to <dir>/sqlite, the PostgreSQL database
# legalaid_bench_scale left in place.
# Usage: bench/scale.sh [seconds] [sizes…]   (needs wrk, sqlite3, psql; builds --release
# first unless LEGALAID_BIN names a binary)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-10}"
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 1000000)
for tool in wrk sqlite3; do
    command -v "$tool" >/dev/null || { echo "bench: installing $tool"; apt-get install -y -qq "$tool" >/dev/null; }
done
# The letter fonts (ADR 0044): without them each letter reads the full fonts.
scripts/install-fonts.sh >/dev/null
if [ -n "${LEGALAID_BIN:-}" ]; then
    bin="$LEGALAID_BIN"
else
    cargo build --release -p legalaid --bin legalaid --example bare_axum   # as bench/run.sh
    bin="${CARGO_TARGET_DIR:-target}/release/legalaid"
fi
port=18936
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
# Waits until the server's own background work is done: under 5% of a core over 2 s.
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
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
hwm() { awk '/VmHWM/ {print $2 " kB"}' "/proc/$pid/status"; }

cat >"$work/pct.lua" <<'LUA'
done = function(summary, latency, requests)
  for _, p in pairs({50, 95, 99}) do
    io.write(string.format(" %d%%  %.2fms\n", p, latency:percentile(p) / 1000))
  end
end
LUA
summary() { awk '/Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 95%/ {p95=$2} / 99%/ {p99=$2} /Non-2xx/ {non=$NF}
    END {printf "%s req/s, p50 %s, p95 %s, p99 %s%s\n", rps, p50, p95, p99, (non ? ", non-2xx " non : "")}'; }

declare -A first_p95
measure() {   # $1 = label, $2 = data dir, $3 = database URL or "", $4 = cases to add
    local label="$1" dir="$2" url="$3" n="$4" run t0
    if [ -n "$url" ]; then
        run() { psql -q -t -A "$url" -c "$1"; }
        series() { echo "generate_series(1, $1) AS n(i)"; }
        ts() { echo "to_timestamp($1)"; }
        cols() { run "SELECT string_agg('$3' || column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '$1' AND column_name NOT IN ($2)"; }
    else
        run() { sqlite3 "$dir/legalaid.db" "$1"; }
        series() { echo "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $1) SELECT i FROM s) AS n"; }
        ts() { echo "strftime('%Y-%m-%dT%H:%M:%S+00:00', $1, 'unixepoch')"; }
        cols() { run "SELECT group_concat('$3' || name, ', ') FROM pragma_table_info('$1') WHERE name NOT IN ($2)"; }
    fi
    start "$dir" "$url"
    stop
    # The model: the demo's first archived case and its application.
    local case_id app_id firm handler units k unit_case app_cols case_cols case_from
    case_id=$(run "SELECT MIN(id) FROM cases WHERE status = 'archived'")
    app_id=$(run "SELECT application_id FROM cases WHERE id = $case_id")
    firm=$(run "SELECT handling_unit_id FROM cases WHERE id = $case_id")
    handler=$(run "SELECT handler_id FROM cases WHERE id = $case_id")
    mapfile -t units < <(run "SELECT id FROM units WHERE kind IN ('legal_aid_center', 'judicial_office') ORDER BY id")
    k=${#units[@]}
    unit_case="CASE i % $k"
    for j in "${!units[@]}"; do unit_case="$unit_case WHEN $j THEN ${units[$j]}"; done
    unit_case="$unit_case END"
    app_cols=$(cols applications "'id', 'number', 'source_ref', 'applicant_id', 'receiving_unit_id', 'received_at'" "")
    local skip="'id', 'number', 'application_id', 'previous_case_id', 'intake_unit_id', 'handling_unit_id', 'handler_id', 'status', 'created_at', 'subsidy_voucher'"
    case_cols=$(cols cases "$skip" "")
    case_from=$(cols cases "$skip" "c.")
    local person person_cols person_base span t
    span=$(( $(date -u -d 2026-11-30 +%s) - $(date -u -d 2016-01-01 +%s) ))
    t="($(date -u -d 2016-01-01 +%s) + (CAST(i AS BIGINT) * $span / $n))"
    # N persons (copies of the model's applicant), each the applicant of one copy.
    person=$(run "SELECT applicant_id FROM applications WHERE id = $app_id")
    person_cols=$(cols persons "'id', 'name', 'id_number_hash', 'unit_id'" "")
    t0=$(date +%s%N)
    run "INSERT INTO persons (name, id_number_hash, unit_id, $person_cols) SELECT '规模' || CAST(i AS TEXT), 'SCALE-H-' || CAST(i AS TEXT), $unit_case, $person_cols FROM persons, $(series "$n") WHERE persons.id = $person ORDER BY i"
    person_base=$(run "SELECT MIN(id) - 1 FROM persons WHERE id_number_hash LIKE 'SCALE-H-%'")
    echo "[$label $n] $(run "SELECT COUNT(*) FROM persons") persons in $(ms "$t0") ms"
    t0=$(date +%s%N)
    run "INSERT INTO applications (number, applicant_id, receiving_unit_id, received_at, $app_cols) SELECT 'SCALE-A-' || CAST(i AS TEXT), $person_base + i, $unit_case, $(ts "$t"), $app_cols FROM applications, $(series "$n") WHERE applications.id = $app_id ORDER BY i"
    echo "[$label $n] applications copied in $(ms "$t0") ms"
    local app_base
    app_base=$(run "SELECT MIN(id) - 1 FROM applications WHERE number LIKE 'SCALE-A-%'")
    t0=$(date +%s%N)
    run "INSERT INTO cases (number, application_id, intake_unit_id, handling_unit_id, handler_id, status, created_at, subsidy_voucher, $case_cols)
      SELECT 'SCALE-' || CAST(i AS TEXT), $app_base + i, $unit_case,
        CASE WHEN i % 10 <> 8 THEN $firm END, CASE WHEN i % 10 <> 8 THEN $handler END,
        CASE WHEN i % 10 < 6 THEN 'archived' WHEN i % 10 = 6 THEN 'in_progress' WHEN i % 10 = 7 THEN 'assigned'
             WHEN i % 10 = 8 THEN 'awaiting_assignment' ELSE 'terminated' END,
        $(ts "$t"), '', $case_from
      FROM cases c, $(series "$n") WHERE c.id = $case_id"
    echo "[$label $n] $(run "SELECT COUNT(*) FROM cases") cases in $(ms "$t0") ms"
    # Ten audit entries per case (outside the chain's numbering: the benchmark does
    # not verify the chain).
    t0=$(date +%s%N)
    run "INSERT INTO audit_log (seq, at, actor_user_id, actor_username, request_id, ip, action, entity_type, entity_id, before_json, after_json, prev_hash, hash)
      SELECT 2000000000 + i, $(ts "$t"), NULL, 'scale', 'scale', '127.0.0.1', 'case.progress', 'case', CAST($case_id + i / 10 AS TEXT), NULL, NULL, 'x', 'x'
      FROM $(series $((n * 10)))"
    echo "[$label $n] $(run "SELECT COUNT(*) FROM audit_log") audit entries in $(ms "$t0") ms"
    if [ "${LEGALAID_BENCH_SEARCH:-sql}" = rebuild ]; then
        local db=(--data-dir "$dir")
        [ -n "$url" ] && db=(--database-url "$url")
        t0=$(date +%s%N)
        "$bin" search rebuild "${db[@]}" >/dev/null
        echo "[$label $n] search index rebuilt in $(ms "$t0") ms"
    else
        # Each copy's search entry, by SQL: the model's entry with the copy's
        # name and number in its title, text and words (规模 and the number, as
        # jieba cuts 规模123), so 规模 is in every copy and 规模123 in three.
        t0=$(date +%s%N)
        local model_name model_app model_case kind record title body tokens unit_b
        model_name=$(run "SELECT name FROM persons WHERE id = $person")
        model_app=$(run "SELECT number FROM applications WHERE id = $app_id")
        model_case=$(run "SELECT number FROM cases WHERE id = $case_id")
        local name="'规模' || CAST(i AS TEXT)" words="'规模 ' || CAST(i AS TEXT) || ' 规模' || CAST(i AS TEXT)"
        for kind in person application case; do
            case "$kind" in
                person) record="$person"; title="$name"; body="replace(e.body, '$model_name', $name)"
                    tokens="$words || ' ' || e.tokens"; unit_b=NULL ;;
                application) record="$app_id"; title="'SCALE-A-' || CAST(i AS TEXT) || ' ' || $name"
                    body="replace(replace(e.body, '$model_app', 'SCALE-A-' || CAST(i AS TEXT)), '$model_name', $name)"
                    tokens="'scale a ' || CAST(i AS TEXT) || ' ' || $words || ' ' || e.tokens"; unit_b=NULL ;;
                case) record="$case_id"; title="'SCALE-' || CAST(i AS TEXT) || ' ' || $name"
                    body="replace(replace(e.body, '$model_case', 'SCALE-' || CAST(i AS TEXT)), '$model_name', $name)"
                    tokens="'scale ' || CAST(i AS TEXT) || ' ' || $words || ' ' || e.tokens"
                    unit_b="CASE WHEN i % 10 <> 8 THEN $firm END" ;;
            esac
            local first
            case "$kind" in
                person) first=$person_base ;;
                application) first=$app_base ;;
                case) first=$(run "SELECT MIN(id) - 1 FROM cases WHERE number LIKE 'SCALE-%'") ;;
            esac
            run "INSERT INTO search_entries (kind, record_id, unit_a, unit_b, region, not_unit, not_staff, title, body, tokens)
              SELECT '$kind', $first + i, $unit_case, $unit_b, NULL, NULL, NULL, $title, $body, $tokens
              FROM search_entries e, $(series "$n") WHERE e.kind = '$kind' AND e.record_id = $record ORDER BY i"
        done
        run "DELETE FROM search_queue"
        echo "[$label $n] $(run "SELECT COUNT(*) FROM search_entries") search entries in $(ms "$t0") ms"
    fi
    t0=$(date +%s%N)
    if [ -n "$url" ]; then run "VACUUM ANALYZE" >/dev/null; else run "ANALYZE"; fi
    echo "[$label $n] ANALYZE in $(ms "$t0") ms"

    start "$dir" "$url"
    t0=$(date +%s%N)
    settle
    echo "[$label $n] start-up work on the new rows: $(ms "$t0") ms; RSS at rest $(rss)"
    local token jar csrf cookie office next
    token=$(curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
        -d '{"username":"director","password":"Legalaid@2024"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
    jar="$work/jar.txt"
    csrf=$(curl -s -c "$jar" "$base/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
    curl -s -b "$jar" -c "$jar" "$base/login" --data-urlencode username=director \
        --data-urlencode password='Legalaid@2024' --data-urlencode "_csrf=$csrf" -o /dev/null
    cookie="legalaid_session=$(awk '$6 == "legalaid_session" {print $7}' "$jar")"
    # The audit trail is read by the bureau's supervisor (the director may not).
    local sup
    sup=$(curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
        -d '{"username":"supervisor","password":"Legalaid@2024"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
    office="${units[1]}"
    next=$(curl -s -H "Authorization: Bearer $token" "$base/api/v1/cases?status=archived" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["next"])')
    local persons_next apps_next
    persons_next=$(curl -s -H "Authorization: Bearer $token" "$base/api/v1/persons" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["next"])')
    apps_next=$(curl -s -H "Authorization: Bearer $token" "$base/api/v1/applications?status=granted" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["next"])')
    local probes=(
        "case page|/cases/$case_id|cookie"
        "case API|/api/v1/cases/$case_id|token"
        "list API status+year|/api/v1/cases?status=in_progress&year=2025|token"
        "list API open at an office|/api/v1/cases?unit_id=$office&open=true|token"
        "list API page 2 by keyset|/api/v1/cases?status=archived&after=$next|token"
        "list page status+year|/cases?status=in_progress&year=2025|cookie"
        "persons API|/api/v1/persons|token"
        "persons API page 2 by keyset|/api/v1/persons?after=$persons_next|token"
        "persons API part of a name|/api/v1/persons?q=%E8%A7%84%E6%A8%A1123|token"
        "persons API part of a name, three characters|/api/v1/persons?q=123|token"
        "applications API granted|/api/v1/applications?status=granted|token"
        "applications API page 2 by keyset|/api/v1/applications?status=granted&after=$apps_next|token"
        "audit API newest|/api/v1/audit|sup"
        "audit API one case|/api/v1/audit?entity_type=case&entity_id=$((case_id + 5))|sup"
        "audit API one action, page 3|/api/v1/audit?action=case.progress&page=3|sup"
    )
    # A word of a few old records (the demo's), one in every copy, a name and number of three.
    probes+=(
        "search 工资|/api/v1/search?q=%E5%B7%A5%E8%B5%84|token"
        "search 规模|/api/v1/search?q=%E8%A7%84%E6%A8%A1|token"
        "search 规模123|/api/v1/search?q=%E8%A7%84%E6%A8%A1123|token"
        "search page 规模|/search?q=%E8%A7%84%E6%A8%A1|cookie"
    )
    local p name path auth header out p95
    for p in "${probes[@]}"; do
        IFS='|' read -r name path auth <<<"$p"
        case "$auth" in
            token) header="Authorization: Bearer $token" ;;
            sup) header="Authorization: Bearer $sup" ;;
            *) header="Cookie: $cookie" ;;
        esac
        curl -fs -o /dev/null -H "$header" "$base$path" || { echo "[$label $n] $name: $path fails"; exit 1; }
        out=$(wrk -t2 -c8 -d"${duration}s" -s "$work/pct.lua" -H "$header" "$base$path" | summary)
        echo "[$label $n] $name ($path): $out; RSS $(rss), peak $(hwm)"
        p95=$(sed -n 's/.*p95 \([0-9.]*\)\(m\?s\).*/\1 \2/p' <<<"$out" | awk '{print ($2 == "s") ? $1 * 1000 : $1}')
        if [ -z "${first_p95[$label $name]:-}" ]; then
            first_p95[$label $name]="$p95"
        else
            echo "[$label] $name: p95 grew $(awk -v a="${first_p95[$label $name]}" -v b="$p95" 'BEGIN {printf "%.2f", b / a}')x from the first size"
        fi
    done
    # Forty letters as PDF (a closure report and an official letter, twenty times): the memory after.
    local i
    for i in $(seq 20); do
        curl -fs -o /dev/null -H "Cookie: $cookie" "$base/cases/$case_id/documents/closure_report" || true
        curl -fs -o /dev/null -H "Cookie: $cookie" "$base/cases/$case_id/documents/official_letter" || true
    done
    echo "[$label $n] RSS after the probes and 40 PDFs: $(rss); peak so far $(hwm)"
    # Sixteen letters asked for at once (ADR 0049: laid out a few at a time): the peak after.
    local letters=()
    for i in $(seq 8); do
        curl -fs -o /dev/null -H "Cookie: $cookie" "$base/cases/$case_id/documents/closure_report" &
        letters+=("$!")
        curl -fs -o /dev/null -H "Cookie: $cookie" "$base/cases/$case_id/documents/official_letter" &
        letters+=("$!")
    done
    wait "${letters[@]}" || true
    echo "[$label $n] RSS after 16 PDFs asked for at once: $(rss); peak $(hwm)"
    stop
}

for n in "${sizes[@]}"; do
    [ "${LEGALAID_BENCH_SQLITE:-1}" = 0 ] && break
    rm -rf "$work/sqlite"
    measure sqlite "$work/sqlite" "" "$n"
done
if [ -n "${LEGALAID_BENCH_KEEP:-}" ] && [ -d "$work/sqlite" ]; then
    mkdir -p "$LEGALAID_BENCH_KEEP"
    rm -rf "$LEGALAID_BENCH_KEEP/sqlite"
    mv "$work/sqlite" "$LEGALAID_BENCH_KEEP/sqlite"
    echo "bench: the SQLite data of the last size kept in $LEGALAID_BENCH_KEEP/sqlite"
fi
if [ -n "${LEGALAID_BENCH_PG:-}" ]; then
    admin="$LEGALAID_BENCH_PG"
    for n in "${sizes[@]}"; do
        psql -q "$admin" -c "DROP DATABASE IF EXISTS legalaid_bench_scale WITH (FORCE)" -c "CREATE DATABASE legalaid_bench_scale"
        measure postgres "$work/pg" "${admin%/*}/legalaid_bench_scale" "$n"
    done
    if [ -n "${LEGALAID_BENCH_KEEP:-}" ]; then
        echo "bench: the PostgreSQL database legalaid_bench_scale kept"
    else
        psql -q "$admin" -c "DROP DATABASE IF EXISTS legalaid_bench_scale WITH (FORCE)"
    fi
fi
