#!/usr/bin/env bash
# Cases imported from a spreadsheet (ADR 0051; figures for the issue notes, not run
# in CI): a demo system gets a CSV of N cases in progress (default 10,000), each a
# new recipient with an application granted elsewhere, assigned to the demo lawyer
# and under agreement; the script times the dry run and the import through
# `POST /api/v1/cases/import` as the center's director, then imports the file again
# (every row `unchanged`), on SQLite and, when LEGALAID_BENCH_PG is a server URL
# (e.g. postgres://postgres@127.0.0.1:5432), on PostgreSQL (a database
# legalaid_bench_import is created there and dropped).
# Usage: bench/case_import.sh [rows]   (builds --release first unless LEGALAID_BIN
# names a binary)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rows="${1:-10000}"
if [ -n "${LEGALAID_BIN:-}" ]; then
    bin="$LEGALAID_BIN"
else
    cargo build --release -p legalaid --bin legalaid
    bin="${CARGO_TARGET_DIR:-target}/release/legalaid"
fi
port=18937
base="http://127.0.0.1:$port"
work="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
export LEGALAID_DATA_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0

login() {   # $1 = username: a bearer token
    curl -fs -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"Legalaid@2024\"}" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

# The file: N rows, the demo lawyer's firm and name, days before today (China time).
write_csv() {   # $1 = firm, $2 = lawyer, $3 = path
    python3 - "$rows" "$1" "$2" "$3" <<'PY'
import datetime, sys
n, firm, lawyer, path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()
day = lambda ago: (today - datetime.timedelta(days=ago)).isoformat()
weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def resident_id(i):
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=i % 18000)
    first = "341504" + birth.strftime("%Y%m%d") + f"{i // 18000:03d}"
    return first + "10X98765432"[sum(int(c) * w for c, w in zip(first, weights)) % 11]
header = ("姓名,证件号码,申请渠道,收到申请时间,申请事项,法律援助形式,案情摘要,经济状况,家庭人口,家庭月收入（元）,"
          "案件编号,案件状态,给予法律援助决定日期,立案日期,承办单位,承办人,指派日期,委托协议签订日期")
with open(path, "w", encoding="utf-8") as f:
    f.write("\ufeff" + header + "\n")
    for i in range(n):
        f.write(f"导入受援{i},{resident_id(i)},来访申请,{day(12)} 09:30,请求确认劳动关系或者支付劳动报酬,"
                f"litigation_representation,工地拖欠工资三个月,个人诚信承诺,3,1800,"
                f"原系统-{i},承办中,{day(10)},{day(9)},{firm},{lawyer},{day(9)},{day(8)}\n")
PY
}

post() {   # $1 = token, $2 = file, $3 = dry_run: "status seconds summary"
    curl -s -o "$work/answer.json" -w '%{http_code} %{time_total}' \
        -H "authorization: Bearer $1" -F "file=@$2;filename=cases.csv" \
        "$base/api/v1/cases/import?dry_run=$3"
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(" created", r.get("created"), "unchanged", r.get("unchanged"), "failed", r.get("failed"), r.get("title", ""))' "$work/answer.json"
}

measure() {   # $1 = label, $2 = database URL or ""
    env ${2:+LEGALAID_DATABASE_URL=$2} "$bin" serve --demo --bind "127.0.0.1:$port" \
        --data-dir "$work/$1" >"$work/$1.out" 2>"$work/$1.err" &
    pid=$!
    until curl -fs "$base/readyz" >/dev/null; do sleep 0.1; done
    local director lawyer me firm name
    director=$(login director)
    lawyer=$(login lawyer)
    me=$(curl -fs "$base/api/v1/me" -H "authorization: Bearer $lawyer")
    firm=$(curl -fs "$base/api/v1/units/$(echo "$me" | python3 -c 'import json, sys; print(json.load(sys.stdin)["unit_id"])')" \
        -H "authorization: Bearer $director" | python3 -c 'import json, sys; print(json.load(sys.stdin)["name"])')
    name=$(curl -fs "$base/api/v1/staff/$(echo "$me" | python3 -c 'import json, sys; print(json.load(sys.stdin)["staff_id"])')" \
        -H "authorization: Bearer $director" | python3 -c 'import json, sys; print(json.load(sys.stdin)["name"])')
    write_csv "$firm" "$name" "$work/cases.csv"
    echo "[$1] $rows rows ($(du -k "$work/cases.csv" | cut -f1) kB), handler $name of $firm"
    echo "[$1] dry run: $(post "$director" "$work/cases.csv" true)"
    echo "[$1] import:  $(post "$director" "$work/cases.csv" false)"
    echo "[$1] again:   $(post "$director" "$work/cases.csv" false)"
    echo "[$1] RSS after: $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") kB, peak $(awk '/VmHWM/ {print $2}' "/proc/$pid/status") kB"
    kill -TERM "$pid"; wait "$pid" || true; pid=""
}

measure sqlite ""
if [ -n "${LEGALAID_BENCH_PG:-}" ]; then
    psql "$LEGALAID_BENCH_PG/postgres" -qc "DROP DATABASE IF EXISTS legalaid_bench_import WITH (FORCE)"
    psql "$LEGALAID_BENCH_PG/postgres" -qc "CREATE DATABASE legalaid_bench_import"
    measure postgres "$LEGALAID_BENCH_PG/legalaid_bench_import"
    psql "$LEGALAID_BENCH_PG/postgres" -qc "DROP DATABASE legalaid_bench_import WITH (FORCE)"
fi
