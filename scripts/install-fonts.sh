#!/usr/bin/env bash
# Installs the Chinese fonts the server lays PDF documents out with: Debian's
# fonts-noto-cjk (Noto Serif/Sans CJK SC), and the common-character subsets of the
# serif that letters are set in (scripts/subset-fonts.py, ADR 0044), written with
# fontTools from a virtual environment outside the clone into
# /usr/local/share/legalaid/fonts. Idempotent. DOCX documents need none.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
noto=/usr/share/fonts/opentype/noto
if [ -f "$noto/NotoSerifCJK-Regular.ttc" ] && [ -f "$noto/NotoSerifCJK-Bold.ttc" ]; then
    echo "install-fonts: fonts-noto-cjk is installed"
else
    $sudo apt-get update -qq
    $sudo apt-get install -y --no-install-recommends fonts-noto-cjk
fi

subsets="${LEGALAID_SUBSET_FONT_DIR:-/usr/local/share/legalaid/fonts}"
stamp="$subsets/.subset-fonts.py"
# Redone when the script changed or the package brought newer fonts.
if [ "$subsets/LegalaidSerifSC-Regular.otf" -nt "$noto/NotoSerifCJK-Regular.ttc" ] \
    && [ "$subsets/LegalaidSerifSC-Bold.otf" -nt "$noto/NotoSerifCJK-Bold.ttc" ] \
    && cmp -s "$repo_root/scripts/subset-fonts.py" "$stamp"; then
    echo "install-fonts: the letter fonts are in $subsets"
    exit 0
fi
venv="${LEGALAID_FONTTOOLS_VENV:-/var/tmp/legalaid-tools/fonttools}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import fontTools' 2>/dev/null; then
    echo "install-fonts: installing fontTools into $venv"
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'fonttools==4.69.1'
fi
echo "install-fonts: writing the letter fonts into $subsets (about a minute a weight)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" "$repo_root/scripts/subset-fonts.py" "$noto" "$work"
$sudo mkdir -p "$subsets"
# Each file replaced whole (a running server may be reading the old one).
for font in "$work"/LegalaidSerifSC-*.otf; do
    name="$(basename "$font")"
    $sudo cp "$font" "$subsets/.$name.part"
    $sudo mv -f "$subsets/.$name.part" "$subsets/$name"
done
$sudo cp "$repo_root/scripts/subset-fonts.py" "$stamp"
