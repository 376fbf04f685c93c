#!/usr/bin/env bash
# A bounded fuzz run of the JSON API with schemathesis, over the OpenAPI document
# the server publishes, once on SQLite and (when LEGALAID_TEST_DATABASE_URL is
# set) once on a fresh PostgreSQL database. Each run starts `legalaid serve --demo`
# on a free loopback port, signs in as the demo system administrator and lets
# schemathesis generate requests for every operation: examples, boundary
# ("coverage") cases and random ("fuzzing") cases.
#
# Fails when any response is a 5xx, when a response breaks its documented
# status, content type or schema, or when the server logs a panic. Prints the
# share of generated writes that passed validation and that were accepted.
#
# usage: scripts/fuzz.sh LEGALAID_BIN
# env:   FUZZ_EXAMPLES (default 10 per operation and phase), FUZZ_SEED,
#        LEGALAID_FUZZ_VENV (default /var/tmp/legalaid-tools/schemathesis, made
#        by scripts/install-test-deps.sh), LEGALAID_TEST_DATABASE_URL.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:?usage: scripts/fuzz.sh LEGALAID_BIN}"
venv="${LEGALAID_FUZZ_VENV:-/var/tmp/legalaid-tools/schemathesis}"
st="$venv/bin/schemathesis"
if [ ! -x "$st" ]; then
    echo "fuzz.sh: $st is missing (scripts/install-test-deps.sh installs it)" >&2
    exit 1
fi
examples="${FUZZ_EXAMPLES:-10}"
work="$(mktemp -d /tmp/legalaid-fuzz.XXXXXX)"
server_pid=""
pg_db=""

cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ -n "$pg_db" ]; then
        psql "$LEGALAID_TEST_DATABASE_URL" -X -q -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# run_one LABEL [DATABASE_URL]
run_one() {
    local label="$1" db_url="${2:-}" port dir log token rc=0
    port="$(free_port)"
    dir="$work/$label"
    mkdir -p "$dir"
    log="$dir/server.log"
    local args=(serve --bind "127.0.0.1:$port" --data-dir "$dir/data" --demo)
    if [ -n "$db_url" ]; then
        args+=(--database-url "$db_url")
    fi
    "$bin" "${args[@]}" >"$log" 2>&1 &
    server_pid=$!
    # Loading the demo on PostgreSQL takes about a minute on a loaded two-core
    # machine: wait up to five, and say so when it never became ready.
    local ready=0
    for _ in $(seq 600); do
        if curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
            ready=1
            break
        fi
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "fuzz.sh: the server ($label) exited at start:" >&2
            cat "$log" >&2
            return 1
        fi
        sleep 0.5
    done
    if [ "$ready" -ne 1 ]; then
        echo "fuzz.sh: the server ($label) was not ready within 300 s:" >&2
        tail -n 20 "$log" >&2
        return 1
    fi
    token="$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/login" \
        -H 'content-type: application/json' \
        -d '{"username":"sysadmin","password":"Legalaid@2024"}' |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"
    local seed_args=()
    if [ -n "${FUZZ_SEED:-}" ]; then
        seed_args=(--seed "$FUZZ_SEED")
    fi
    # Signing out, changing one's own password and resetting passwords would end
    # the fuzzer's own session; they have their own tests. One worker: with two,
    # Hypothesis (on CPython 3.11) now and then fails in its own code while
    # describing a strategy from two threads at once, which is no finding.
    "$st" run "http://127.0.0.1:$port/api/v1/openapi.json" \
        -H "Authorization: Bearer $token" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --exclude-path-regex '/(auth/logout|me/password|users/\{id\}/password)$' \
        --phases examples,coverage,fuzzing \
        --max-examples "$examples" --no-shrink --workers 1 \
        --request-timeout 30 \
        "${seed_args[@]}" \
        --report har --report-dir "$dir/report" \
        --no-color >"$dir/schemathesis.log" 2>&1 || rc=$?
    grep -E "^(Seed:| +[0-9]+ generated|=+ .* in [0-9.]+s =+)" "$dir/schemathesis.log" | sed "s/^/fuzz[$label]: /" || true
    if [ "$rc" -ne 0 ]; then
        echo "fuzz.sh: schemathesis found problems ($label):" >&2
        sed -n '/FAILURES\|ERRORS/,$p' "$dir/schemathesis.log" | head -200 >&2
    fi
    python3 "$repo_root/tests/fuzz/summary.py" "$dir"/report/har-*.json "$label" || rc=1
    if grep -q "panic" "$log"; then
        echo "fuzz.sh: the server ($label) panicked:" >&2
        grep "panic" "$log" | head -20 >&2
        rc=1
    fi
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    return "$rc"
}

failed=0
run_one sqlite || failed=1
if [ -n "${LEGALAID_TEST_DATABASE_URL:-}" ]; then
    pg_db="legalaid_fuzz_$(date +%s)_$$"
    psql "$LEGALAID_TEST_DATABASE_URL" -X -q -c "CREATE DATABASE $pg_db ENCODING 'UTF8' TEMPLATE template0" >/dev/null
    pg_url="$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$LEGALAID_TEST_DATABASE_URL" "$pg_db")"
    run_one postgres "$pg_url" || failed=1
else
    echo "fuzz.sh: LEGALAID_TEST_DATABASE_URL is not set: PostgreSQL fuzz run skipped"
fi
exit "$failed"
