#!/usr/bin/env bash
# The one command that runs the whole test suite, also on a fresh machine:
#   1. install test dependencies (Chromium, CJK fonts, poppler, npm packages);
#   2. the Rust tests of the whole workspace (cargo nextest, or cargo test), then
#      once more under a clock set just after midnight China time (faketime);
#   3. build the legalaid binary (debug) and run the browser tests against it;
#   4. a bounded fuzz run of the JSON API (schemathesis) on SQLite and PostgreSQL.
# LEGALAID_TEST_DATABASE_URL is passed through untouched: the Rust tests read it
# (PostgreSQL tests); .ci/run sets it.
# A failing test step does not stop the later ones; the script exits 1 at the end.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

section() {
    printf '\n==== %s ====\n' "$*"
}

failed=()

section "Installing test dependencies"
scripts/install-test-deps.sh

section "Rust tests"
if [ -n "${LEGALAID_TEST_DATABASE_URL:-}" ]; then
    echo "LEGALAID_TEST_DATABASE_URL is set: PostgreSQL tests will run"
else
    echo "LEGALAID_TEST_DATABASE_URL is not set: tests that need PostgreSQL may be skipped"
fi
if cargo nextest --version >/dev/null 2>&1; then
    rust_tests=(cargo nextest run --workspace --no-fail-fast)
else
    rust_tests=(cargo test --workspace)
fi
echo "+ ${rust_tests[*]}"
if ! "${rust_tests[@]}"; then
    failed+=("Rust tests")
fi

section "Rust tests again, just after midnight China time (faketime)"
# The system counts dates in China time (UTC+8); a test that takes "today" from
# the UTC wall clock passes by day and fails from 00:00 to 08:00 China time. So
# the suite runs once more with the clock set to 00:05 China time (16:05 UTC),
# ticking from there; monotonic time is left alone so timers behave.
# Cargo itself hangs under libfaketime, so the test executables it built are run
# directly, each from its package's folder as cargo would.
if command -v faketime >/dev/null 2>&1; then
    midnight="$(date -u +%Y-%m-%d) 16:05:00"
    mapfile -t test_runs < <(cargo test --workspace --no-run --message-format=json 2>/dev/null \
        | python3 -c '
import json, os, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("profile", {}).get("test") and m.get("executable"):
        print(os.path.dirname(m["manifest_path"]) + "\t" + m["executable"])
')
    echo "faketime -f @${midnight}: ${#test_runs[@]} test executables"
    midnight_failed=0
    for run in "${test_runs[@]}"; do
        dir="${run%%$'\t'*}"
        exe="${run#*$'\t'}"
        if ! (cd "$dir" && FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@${midnight}" "$exe" -q); then
            echo "test.sh: $exe failed just after midnight China time" >&2
            midnight_failed=1
        fi
    done
    if [ "${#test_runs[@]}" -eq 0 ] || [ "$midnight_failed" -ne 0 ]; then
        failed+=("Rust tests just after midnight China time")
    fi
else
    echo "test.sh: faketime is missing (scripts/install-test-deps.sh installs it)" >&2
    failed+=("Rust tests just after midnight China time (faketime missing)")
fi

section "Building legalaid (debug) for the browser tests"
# The Rust tests above built target/debug/legalaid already (the CLI tests run it),
# with the workspace's test features; a plain `cargo build` would recompile much of
# the dependency graph with other features, so build only when it is missing.

target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in
    /*) ;;
    *) target_dir="$repo_root/$target_dir" ;;
esac
legalaid_bin="$target_dir/debug/legalaid"
if [ ! -x "$legalaid_bin" ]; then
    cargo build -p legalaid
fi
if [ ! -x "$legalaid_bin" ]; then
    echo "test.sh: the build did not produce $legalaid_bin" >&2
    exit 1
fi

section "Browser tests (tests/browser, $legalaid_bin)"
if ! LEGALAID_BIN="$legalaid_bin" node --test tests/browser/; then
    failed+=("browser tests")
fi

section "API fuzz run (scripts/fuzz.sh, schemathesis)"
if ! scripts/fuzz.sh "$legalaid_bin"; then
    failed+=("API fuzz run")
fi

section "Summary"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "test.sh: these steps FAILED:"
    printf '  - %s\n' "${failed[@]}"
    exit 1
fi
echo "test.sh: all test steps passed"
