"""The checklists' one font: Arimo, shipped inside the package and embedded in every checklist.

With the font inside each file, a checklist is set the same on every machine, in a browser and in
the PDF, whatever fonts the machine has (or has not). Why Arimo: ARCHITECTURE.md, "Dependencies, and why".

Each face ships twice: the WOFF2 the pages embed (small, for browsers), and the TrueType that WOFF2 decodes
to, which the printer is handed instead of decoding the WOFF2 again on every run (0.2 s of a build with
PDFs). scripts/subset_font.py writes both; tests/test_checklists.py holds each TrueType to its WOFF2.
"""

from __future__ import annotations

import base64
import functools
from importlib import resources

__all__ = ["FONT_STACK", "decoded_face", "font_face_css"]

FAMILY = "Arimo"
# The generic family only serves characters outside the shipped subset (scripts/subset_font.py).
# No quotes, so the stack reads the same inside an HTML-escaping template.
FONT_STACK = f"{FAMILY}, sans-serif"
_FACES = (("Arimo-Regular.woff2", "normal"), ("Arimo-Bold.woff2", "bold"))


@functools.cache
def font_face_css() -> str:
    """@font-face rules for both faces, each as a data: URL, so the page needs no other file."""
    rules = []
    for name, weight in _FACES:
        data = base64.b64encode(_shipped(name)).decode("ascii")
        rules.append(
            f"@font-face {{ font-family: {FAMILY}; font-style: normal; font-weight: {weight}; "
            f"src: url(data:font/woff2;base64,{data}); }}"
        )
    return "\n".join(rules)


@functools.cache
def _decoded_faces() -> dict[bytes, bytes]:
    return {_shipped(name): _shipped(name.replace(".woff2", ".ttf")) for name, _ in _FACES}


@functools.cache
def _shipped(name: str) -> bytes:
    """A font file of the package, read once per process (the pages and the printer both want the WOFF2s)."""
    return (resources.files("playbookgen") / "fonts" / name).read_bytes()


def decoded_face(woff2: bytes) -> bytes | None:
    """The TrueType a shipped face's WOFF2 bytes decode to; None for any other font."""
    return _decoded_faces().get(woff2)
