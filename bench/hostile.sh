#!/usr/bin/env bash
# Robustness benchmarks (figures for the issue notes; not run in CI), on SQLite:
#   - server memory (RSS) at rest, after 64 concurrent wrong sign-ins, and after a
#     stretch of mixed load (sign-ins, case pages, lists, progress writes);
#   - p50/p95 of a progress write on a case with no notes and on one with 600.
# Usage: bench/hostile.sh [mixed-load seconds, default 180]
# LEGALAID_BIN=path uses that binary instead of building --release.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mixed="${1:-180}"
command -v sqlite3 >/dev/null || apt-get install -y -qq sqlite3 >/dev/null

bin="${LEGALAID_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --release -p legalaid
    bin="${CARGO_TARGET_DIR:-target}/release/legalaid"
fi
port=18933
work="$(mktemp -d)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
LEGALAID_DATA_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0 \
    LEGALAID_ADMIN_PASSWORD='Bench#Legalaid2024' \
    "$bin" serve --demo --bind "127.0.0.1:$port" --data-dir "$work" >"$work/out.log" 2>"$work/err.log" &
pid=$!
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done

python3 - "$port" "$pid" "$work/legalaid.db" "$mixed" <<'PY'
import json, sqlite3, statistics, sys, threading, time, urllib.request, urllib.error
port, pid, db, mixed = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
base = f"http://127.0.0.1:{port}"

def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

def call(method, path, token=None, body=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            status, data = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, data = e.code, e.read()
    return status, data, (time.perf_counter() - t) * 1000

def token(user):
    s, d, _ = call("POST", "/api/v1/auth/login", body={"username": user, "password": "Legalaid@2024"})
    assert s == 200, (s, d)
    return json.loads(d)["token"]

print(f"RSS at rest (demo loaded): {rss_mb():.0f} MB")

def burst(n, tag):
    out = []
    def one(i):
        s, _, _ = call("POST", "/api/v1/auth/login", body={"username": f"{tag}{i}", "password": "Wrong-password-1"})
        out.append(s)
    ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    return {s: out.count(s) for s in set(out)}

peak = 0.0
def watch(stop):
    global peak
    while not stop.is_set():
        peak = max(peak, rss_mb())
        time.sleep(0.02)
stop = threading.Event()
w = threading.Thread(target=watch, args=(stop,)); w.start()
answers = burst(64, "burst")
time.sleep(0.5)
stop.set(); w.join()
print(f"64 concurrent wrong sign-ins: answers {answers}; RSS peak {peak:.0f} MB, after {rss_mb():.0f} MB")

# Progress writes: a case of the demo lawyer in progress, before and after 600 notes.
lawyer = token("lawyer")
s, d, _ = call("GET", "/api/v1/cases?status=in_progress&per_page=200", lawyer)
cases = [c["id"] for c in json.loads(d)["items"]]
assert len(cases) >= 2, "the demo has cases in progress"
fresh, heavy = cases[0], cases[1]
con = sqlite3.connect(db)
con.execute("""INSERT INTO case_progress (case_id, activity, occurred_on, note, recorded_by, created_at)
               WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600)
               SELECT ?, 'other', date('now', '-1 day'), '第' || i || '次会见，记录详细情况。' || hex(randomblob(200)), NULL,
                      strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM n""", (heavy,))
con.commit(); con.close()
today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))

def progress_times(case, n=40):
    ms = []
    for i in range(n):
        s, d, t = call("POST", f"/api/v1/cases/{case}/progress", lawyer,
                       {"activity": "other", "occurred_on": today, "note": f"基准测试第{i}次"})
        assert s == 201, (s, d)
        ms.append(t)
    ms.sort()
    return statistics.median(ms), ms[int(len(ms) * 0.95) - 1]

for label, case in (("0 notes", fresh), ("600 notes", heavy)):
    p50, p95 = progress_times(case)
    print(f"progress write on a case with {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")

# Mixed load: 8 clients for `mixed` seconds.
director = token("director")
end = time.time() + mixed
counts = {}
def client(k):
    i = 0
    while time.time() < end:
        i += 1
        r = (k + i) % 4
        if r == 0:
            s, _, _ = call("POST", "/api/v1/auth/login", body={"username": f"mixed{k}-{i}", "password": "Wrong-password-1"})
        elif r == 1:
            s, _, _ = call("GET", f"/api/v1/cases/{heavy}", director)
        elif r == 2:
            s, _, _ = call("GET", "/api/v1/cases?per_page=50", director)
        else:
            s, _, _ = call("POST", f"/api/v1/cases/{fresh}/progress", lawyer,
                           {"activity": "other", "occurred_on": today, "note": "混合负载"})
        counts[s] = counts.get(s, 0) + 1
ts = [threading.Thread(target=client, args=(k,)) for k in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
print(f"{mixed} s of mixed load (8 clients): answers {counts}; RSS after {rss_mb():.0f} MB")
PY
