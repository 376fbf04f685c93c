"""Writes the common-character subsets of Noto Serif CJK SC that letters are set in.

Usage: subset-fonts.py SOURCE_DIR OUT_DIR

The PDF engine keeps the font files a letter uses in memory for the life of the
server (ADR 0041). Debian's Noto Serif CJK files hold five languages' faces and
about 65,000 glyphs each (26 and 27 MB); a letter needs a few hundred of the
GB 2312 characters. This script writes, for the regular and the bold weight, the
Simplified Chinese face cut to GB 2312 (6,763 characters and its 682 symbols)
plus ASCII, Latin-1, general punctuation, CJK punctuation and full-width forms:
about 5 MB each. The engine lists them first and keeps them; a character outside
them (a rare name) is taken from the full file for that document only (ADR 0044).

The subset is renamed "Legalaid Serif SC": a modified font may not carry the
original's name under its licence (SIL OFL 1.1), and a distinct family lets the
engine tell the subset from the full face.
"""

import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

FAMILY = "Legalaid Serif SC"
WEIGHTS = [("Regular", "NotoSerifCJK-Regular.ttc"), ("Bold", "NotoSerifCJK-Bold.ttc")]


def characters():
    chars = set()
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([first, second]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    for low, high in [
        (0x20, 0x7F),  # ASCII
        (0xA0, 0x100),  # Latin-1
        (0x2000, 0x2070),  # general punctuation
        (0x2460, 0x2500),  # enclosed numbers
        (0x3000, 0x3040),  # CJK symbols and punctuation
        (0xFF00, 0xFFF0),  # half-width and full-width forms
    ]:
        chars.update(range(low, high))
    return chars


def simplified_chinese_index(path):
    collection = TTCollection(path, lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1).endswith(" SC"):
            return index
    raise SystemExit(f"{path}: no Simplified Chinese (SC) face")


def rename(font, style):
    full = f"{FAMILY} {style}" if style != "Regular" else FAMILY
    postscript = FAMILY.replace(" ", "") + "-" + style
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 2, 3, 4, 6, 16, 17):
            names.removeNames(nameID=record.nameID)
    for name_id, value in [
        (1, FAMILY),
        (2, style),
        (3, postscript),
        (4, full),
        (6, postscript),
        (16, FAMILY),
        (17, style),
    ]:
        names.setName(value, name_id, 3, 1, 0x409)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FamilyName = FAMILY
        top.FullName = full


def main():
    source_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    chars = characters()
    for style, file_name in WEIGHTS:
        source = os.path.join(source_dir, file_name)
        font = TTFont(source, fontNumber=simplified_chinese_index(source))
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=chars)
        subsetter.subset(font)
        rename(font, style)
        target = os.path.join(out_dir, f"LegalaidSerifSC-{style}.otf")
        font.save(target + ".part")
        os.replace(target + ".part", target)
        print(f"subset-fonts: {target} ({os.path.getsize(target)} bytes)")


if __name__ == "__main__":
    main()
