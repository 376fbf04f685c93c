#!/usr/bin/env bash
# Enforce the architecture's dependency rules with `cargo tree` (resolves the
# graph from Cargo.lock; compiles nothing):
#   legalaid-domain  must not depend on sqlx, axum, tokio, hyper, askama  (whole tree)
#   legalaid-store   must not depend on axum, askama, hyper               (whole tree)
#   legalaid-app     must not depend on axum, askama, hyper, utoipa       (whole tree)
#   legalaid-notify  must not depend on sqlx, axum, askama, utoipa, openssl, native-tls (whole tree):
#                    channel adapters only (SMS gateway, SMTP, file sink); no database, no
#                    web server, no OpenSSL. The app crate's hyper rule keeps notify (reqwest →
#                    hyper) out of the use cases: the binary plugs it in behind outbox::Deliver.
#   legalaid-web     must not depend on sqlx                               (direct deps only:
#                    web -> app -> store -> sqlx is allowed, web itself never touches SQL)
# A forbidden name also covers its family: "sqlx" matches sqlx-core, "askama" askama_derive.
# Only normal dependencies count; dev- and build-dependencies are not checked.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

violations=0

# Print the crate names (one per line, sorted) that `cargo tree` lists for a package.
# $1: package, rest: extra cargo tree options.
dep_names() {
    local pkg="$1"
    shift
    local out
    if ! out="$(cargo tree -e normal --prefix none -p "$pkg" "$@")"; then
        echo "check-deps: 'cargo tree -p $pkg' failed" >&2
        exit 1
    fi
    # Lines look like "sqlx-core v0.9.0" or "legalaid-app v0.1.0 (/path) (*)".
    printf '%s\n' "$out" | awk 'NF { print $1 }' | sort -u
}

# $1: package, $2: "tree" or "direct", rest: forbidden crate names.
check() {
    local pkg="$1" scope="$2"
    shift 2
    local names
    if [ "$scope" = direct ]; then
        names="$(dep_names "$pkg" --depth 1)"
    else
        names="$(dep_names "$pkg")"
    fi
    local forbidden hits
    for forbidden in "$@"; do
        hits="$(printf '%s\n' "$names" | grep -E "^${forbidden}([-_].*)?$" || true)"
        if [ -n "$hits" ]; then
            violations=$((violations + 1))
            local what="depends on"
            [ "$scope" = direct ] && what="directly depends on"
            echo "dependency rule violated: $pkg $what $forbidden ($(printf '%s' "$hits" | paste -sd, -))"
            if [ "$scope" = tree ]; then
                # Show how it is pulled in.
                local crate
                for crate in $hits; do
                    cargo tree -e normal -p "$pkg" -i "$crate" 2>/dev/null | sed 's/^/    /' || true
                done
            fi
        fi
    done
}

check legalaid-domain tree sqlx axum tokio hyper askama
check legalaid-notify tree sqlx axum askama utoipa openssl native-tls
check legalaid-store tree axum askama hyper
check legalaid-app tree axum askama hyper utoipa
check legalaid-web direct sqlx

if [ "$violations" -gt 0 ]; then
    echo "dependency rules: $violations violation(s)"
    exit 1
fi
echo "dependency rules: ok"
