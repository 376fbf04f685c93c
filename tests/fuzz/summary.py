#!/usr/bin/env python3
"""Summarises a schemathesis HAR report: every response by method and status,
the share of generated writes (POST, PUT) the server accepted, and any 5xx.

usage: summary.py REPORT.har LABEL
Exits 1 when any response is a 5xx (the fuzz run's first rule), else 0.
"""
import collections
import json
import re
import sys


def main() -> int:
    har, label = sys.argv[1], sys.argv[2]
    with open(har, encoding="utf-8") as f:
        entries = json.load(f)["log"]["entries"]
    by_status = collections.Counter()
    server_errors = []
    writes = valid = accepted = 0
    for e in entries:
        method = e["request"]["method"]
        status = e["response"]["status"]
        by_status[(method, status)] += 1
        if status >= 500:
            path = e["request"]["url"].split("?")[0]
            server_errors.append(f"{method} {path} -> {status}")
        # Writes to documented operations (405s probe undocumented methods).
        if method in ("POST", "PUT") and status != 405:
            writes += 1
            if status not in (400, 413, 422):
                valid += 1
            if 200 <= status < 300:
                accepted += 1
    total = sum(by_status.values())
    print(f"fuzz[{label}]: {total} requests")
    for (method, status), n in sorted(by_status.items()):
        print(f"  {method:7} {status}: {n}")
    share = 100.0 * accepted / writes if writes else 0.0
    passed = 100.0 * valid / writes if writes else 0.0
    print(
        f"fuzz[{label}]: {writes} generated writes; {valid} ({passed:.1f}%) passed "
        f"validation; {accepted} ({share:.1f}%) accepted (2xx)"
    )
    if server_errors:
        print(f"fuzz[{label}]: {len(server_errors)} server errors:")
        for line in sorted(set(server_errors))[:50]:
            print("  " + line)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
