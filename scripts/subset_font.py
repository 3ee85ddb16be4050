"""Make the checklists' font files (src/playbookgen/fonts/) from Arimo's TrueType files.

Arimo (OFL 1.1, no Reserved Font Name) is metric-compatible with Arial, the font the checklist
layout was first measured with. We keep Latin, Latin Extended A and B and Additional (Polish and
every Western and Central European language), punctuation, currency and arrows, as WOFF2 without
hinting and without ligatures: each face is about 44 KB, small enough to embed in every HTML checklist.
Beside each WOFF2 goes the TrueType it decodes to (about 98 KB), which the PDF printer is handed
instead of decoding the WOFF2 on every run (src/playbookgen/fonts.py).

Run it where Debian's fonts-croscore is installed (or pass the two .ttf files):

    python scripts/subset_font.py [REGULAR.ttf BOLD.ttf]

The output does not depend on the time or the machine: the same input fonts give the same bytes.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont, woff2

CROSCORE = Path("/usr/share/fonts/truetype/croscore")
OUT = Path(__file__).resolve().parent.parent / "src" / "playbookgen" / "fonts"
UNICODES = (
    "U+0000-024F,U+0300-036F,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,"
    "U+2212,U+2215,U+25A0-25FF,U+FEFF,U+FFFD"
)
# Kerning and mark placement stay; no ligatures, so text copied from a PDF is the letters written.
FEATURES = ["kern", "mark", "mkmk", "ccmp", "locl"]


def subset_face(source: Path, target: Path) -> int:
    """Write the WOFF2 subset of ``source`` to ``target``; returns its size in bytes."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = FEATURES
    options.hinting = False
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.notdef_outline = True
    font = TTFont(str(source), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(str(target), reorderTables=True)
    decoded = BytesIO()  # what WeasyPrint would decode the WOFF2 to, byte for byte
    woff2.decompress(BytesIO(target.read_bytes()), decoded)
    target.with_suffix(".ttf").write_bytes(decoded.getvalue())
    return target.stat().st_size


def main(argv: list[str]) -> int:
    regular, bold = (Path(a) for a in argv) if len(argv) == 2 else (CROSCORE / "Arimo-Regular.ttf",
                                                                     CROSCORE / "Arimo-Bold.ttf")
    for source, name in ((regular, "Arimo-Regular.woff2"), (bold, "Arimo-Bold.woff2")):
        print(f"{name}: {subset_face(source, OUT / name)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
