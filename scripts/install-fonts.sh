#!/usr/bin/env bash
# Installs the Chinese fonts the server lays PDF documents out with (Debian's
# fonts-noto-cjk: Noto Serif/Sans CJK SC). Idempotent. DOCX documents need none.
set -euo pipefail
if [ -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ]; then
    echo "fonts-noto-cjk is installed"
    exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
$sudo apt-get install -y --no-install-recommends fonts-noto-cjk
