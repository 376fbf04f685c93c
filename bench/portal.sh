#!/usr/bin/env bash
# Public portal benchmarks (figures for the issue notes; not run in CI), on SQLite with the demo:
#   - p50/p95/p99 and requests per second of the portal's pages (home, guide, units, the
#     annual report) with wrk at 32 connections;
#   - hammering: code requests from one address at 32 connections (all but the first few are
#     refused with 429, each refusal still counted in the database), and at the same time the
#     signed-in staff home page at 4 connections: its p95 while the portal is hammered, against
#     its p95 alone;
#   - the server's memory (RSS) at rest and after the portal load.
# Usage: bench/portal.sh [seconds]   (needs wrk and curl; builds --release first unless
# LEGALAID_BIN names a binary)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
duration="${1:-15}"
command -v wrk >/dev/null || { echo "bench: installing wrk"; apt-get install -y -qq wrk >/dev/null; }

if [ -n "${LEGALAID_BIN:-}" ]; then
    bin="$LEGALAID_BIN"
else
    cargo build --release -p legalaid
    bin="${CARGO_TARGET_DIR:-target}/release/legalaid"
fi
port=18934
base="http://127.0.0.1:$port"
work="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
env LEGALAID_DATA_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0 \
    LEGALAID_ADMIN_PASSWORD='Bench#Legalaid2024' \
    "$bin" serve --demo --bind "127.0.0.1:$port" --data-dir "$work/data" >"$work/out.log" 2>"$work/err.log" &
pid=$!
until curl -fs "$base/readyz" >/dev/null; do sleep 0.05; done
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "RSS at rest: $(rss)"

# wrk's summary: requests/s and the latency percentiles.
summary() { awk '/Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 95%/ {p95=$2} / 99%/ {p99=$2} /Non-2xx/ {non=$NF}
    END {printf "%s req/s, p50 %s, p95 %s, p99 %s%s\n", rps, p50, p95, p99, (non ? ", non-2xx " non : "")}'; }
percentiles() {
    cat >"$work/pct.lua" <<'LUA'
done = function(summary, latency, requests)
  for _, p in pairs({50, 95, 99}) do
    io.write(string.format(" %d%%  %.2fms\n", p, latency:percentile(p) / 1000))
  end
end
LUA
}
percentiles
for page in /public/ /public/guide /public/units /public/report; do
    echo "GET $page: $(wrk -t2 -c32 -d"${duration}s" -s "$work/pct.lua" "$base$page" | summary)"
done

# A staff session and a portal form token.
curl -s -c "$work/staff.txt" "$base/login" -o "$work/login.html"
token=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$work/login.html" | head -1)
curl -s -b "$work/staff.txt" -c "$work/staff.txt" "$base/login" \
    --data-urlencode username=clerk --data-urlencode password='Legalaid@2024' --data-urlencode "_csrf=$token" -o /dev/null
session=$(awk '$6 == "legalaid_session" {print $7}' "$work/staff.txt")
echo "GET / (staff, alone, 4 connections): $(wrk -t1 -c4 -d"${duration}s" -s "$work/pct.lua" -H "Cookie: legalaid_session=$session" "$base/" | summary)"

curl -s -c "$work/portal.txt" "$base/public/check" -o "$work/check.html"
ptoken=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' "$work/check.html" | head -1)
cat >"$work/codes.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local body = string.format("_csrf=$ptoken&phone=139%08d", n)
  return wrk.format("POST", "/public/apply/code", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "portal_csrf=$ptoken",
  }, body)
end
LUA
cat "$work/pct.lua" >>"$work/codes.lua"
wrk -t1 -c32 -d"${duration}s" -s "$work/codes.lua" "$base" >"$work/hammer.txt" &
hammer=$!
sleep 1
echo "GET / (staff, 4 connections) while the portal is hammered: $(wrk -t1 -c4 -d"$((duration - 2))s" -s "$work/pct.lua" -H "Cookie: legalaid_session=$session" "$base/" | summary)"
wait "$hammer"
echo "POST /public/apply/code from one address, 32 connections: $(summary <"$work/hammer.txt")"
echo "  codes sent: $(grep -c '验证码为' "$work/data/sms-sink.jsonl" 2>/dev/null || echo 0) (the address's limit is 20 an hour)"
echo "RSS after the portal load: $(rss)"
kill -TERM "$pid"; wait "$pid" || true
