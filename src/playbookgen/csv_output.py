"""CSV as every command writes it: RFC 4180 rows (CRLF), and no text cell a spreadsheet would run.

A cell that starts with = + - @ tab or carriage return is a formula to Excel, LibreOffice and Google
Sheets (``=HYPERLINK(...)`` in an owner's name is a live link). OWASP's defence: such a text cell
gets a leading apostrophe, which the spreadsheet shows as text. Numbers we computed are written as
they are (a negative figure stays a number); every string is the user's or the CRM's, and is escaped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

__all__ = ["FORMULA_TRIGGERS", "cell", "csv_text", "defuse"]

# OWASP's list of the first characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

def defuse(text: str) -> str:
    """A text cell a spreadsheet would evaluate, made inert: '=1+1' becomes "'=1+1"."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def cell(value: object) -> str:
    """One value as its cell: empty for None, a number as it is, anything else as text, defused."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return defuse(str(value))


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The header and the rows as CSV text, every cell through :func:`cell`, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([defuse(name) for name in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return buffer.getvalue()
