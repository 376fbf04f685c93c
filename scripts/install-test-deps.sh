#!/usr/bin/env bash
# Install what the test suite needs outside of Cargo:
#   - Debian packages: chromium (browser tests), fonts-noto-cjk (Chinese glyphs
#     in screenshots and PDFs; scripts/install-fonts.sh then writes the letter
#     fonts cut from it), poppler-utils (pdftoppm/pdftotext for PDF checks),
#     faketime (the suite's second run just after midnight China time),
#     libreoffice-calc-nogui (soffice opens the exported report forms);
#   - the npm packages of tests/browser (playwright-core), from package-lock.json;
#   - schemathesis (the API fuzzer of scripts/fuzz.sh), pinned in
#     tests/fuzz/requirements.txt, into a virtual environment outside the clone.
# Idempotent: does nothing when everything is already in place.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Run a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

# True when the Debian package is installed (not merely known or removed).
deb_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# --- Debian packages -------------------------------------------------------
need_apt=0
if [ ! -x /usr/bin/chromium ]; then
    echo "install-test-deps: /usr/bin/chromium is missing"
    need_apt=1
fi
for pkg in fonts-noto-cjk poppler-utils faketime libreoffice-calc-nogui; do
    if ! deb_installed "$pkg"; then
        echo "install-test-deps: Debian package $pkg is missing"
        need_apt=1
    fi
done

if [ "$need_apt" -eq 1 ]; then
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update
    as_root apt-get install -y --no-install-recommends chromium fonts-noto-cjk poppler-utils faketime \
        libreoffice-calc-nogui
else
    echo "install-test-deps: chromium, fonts-noto-cjk, poppler-utils, faketime and libreoffice-calc-nogui are installed"
fi

# --- the letter fonts (subsets of the serif, ADR 0044) ---------------------------
"$repo_root/scripts/install-fonts.sh"

# --- npm packages for the browser tests --------------------------------------
browser_dir="$repo_root/tests/browser"
# `npm ci` writes node_modules/.package-lock.json; use it as the stamp of the last install.
stamp="$browser_dir/node_modules/.package-lock.json"
if [ ! -d "$browser_dir/node_modules" ] || [ ! -f "$stamp" ] \
    || [ "$browser_dir/package-lock.json" -nt "$stamp" ]; then
    echo "install-test-deps: running npm ci in tests/browser"
    (cd "$browser_dir" && npm ci --no-audit --no-fund)
else
    echo "install-test-deps: tests/browser/node_modules is up to date"
fi

# --- schemathesis for the API fuzz run ---------------------------------------------
fuzz_venv="${LEGALAID_FUZZ_VENV:-/var/tmp/legalaid-tools/schemathesis}"
fuzz_req="$repo_root/tests/fuzz/requirements.txt"
fuzz_stamp="$fuzz_venv/.requirements.txt"
if [ ! -x "$fuzz_venv/bin/schemathesis" ] || ! cmp -s "$fuzz_req" "$fuzz_stamp"; then
    echo "install-test-deps: installing schemathesis into $fuzz_venv"
    mkdir -p "$(dirname "$fuzz_venv")"
    python3 -m venv "$fuzz_venv"
    "$fuzz_venv/bin/pip" install --quiet --disable-pip-version-check -r "$fuzz_req"
    cp "$fuzz_req" "$fuzz_stamp"
else
    echo "install-test-deps: schemathesis is installed in $fuzz_venv"
fi
