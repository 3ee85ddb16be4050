"""How a deals file writes its dates: ISO 8601, or a report's day and month in an order the file decides.

A date such as 03/04/2026 is the 4th of March in an American report and the 3rd of April in a European
one. The file tells which when some date has a number over 12 in one place (23/02/2026 is day-first);
a file where no date does is never guessed: ``deals.date_format`` says it, and the error asks for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Literal

__all__ = ["Order", "DATE_FORMATS", "time_formats", "Evidence", "evidence", "EARLIEST", "latest_allowed",
           "SLASH_DATE_SQL"]

Order = Literal["mdy", "dmy"]
DATE_FORMATS: dict[str, Order] = {"MM/DD/YYYY": "mdy", "DD/MM/YYYY": "dmy"}  # deals.date_format
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # a date before it is a misread, not an old deal

# A report's date: day and month (either order) then a two- or four-digit year, '/' or '-' between them.
_SLASH = re.compile(r"(?<![\d/.:-])(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/-])")
# SQL: the two leading numbers of such a date (health.layouts count them where a sample did not decide).
SLASH_DATE_SQL = r"regexp_extract({}, '^\s*(\d{{1,2}})[/-](\d{{1,2}})[/-]\d{{2}}', ['a', 'b'])"

_TIMES = ["%I:%M %p", "%I:%M:%S %p", "%H:%M:%S", "%H:%M"]


def time_formats(order: Order) -> list[str]:
    """strptime shapes of the report-style times, for a file in ``order``; a two-digit year ('%y') is tried
    only on a date written with one (pb_ts decides by its shape: '%Y' would read '26' as the year 26)."""
    day_month = "%m{0}%d" if order == "mdy" else "%d{0}%m"
    found = []
    for year in ("%Y", "%y"):
        for sep in "/-":
            date = day_month.format(sep) + sep + year
            found += [f"{date}, {_TIMES[0]}", *(f"{date} {t}" for t in _TIMES), date]
        dotted = "%d.%m." + year  # with dots the day always comes first
        found += [*(f"{dotted} {t}" for t in _TIMES[2:]), dotted]
    return found


class Evidence:
    """What a file's dates say about their order: how many have a day over 12 first, and second."""

    def __init__(self) -> None:
        self.first_over_12 = 0
        self.second_over_12 = 0
        self.ambiguous = 0
        self.example_first: str | None = None
        self.example_second: str | None = None

    def add(self, first: int, second: int, text: str) -> None:
        if first > 12:
            self.first_over_12 += 1
            self.example_first = self.example_first or text
        elif second > 12:
            self.second_over_12 += 1
            self.example_second = self.example_second or text
        else:
            self.ambiguous += 1

    @property
    def order(self) -> Order | None:
        """The order the dates show, or None when none tells (or they contradict each other)."""
        if self.first_over_12 and not self.second_over_12:
            return "dmy"
        if self.second_over_12 and not self.first_over_12:
            return "mdy"
        return None

    @property
    def contradicts(self) -> bool:
        return bool(self.first_over_12 and self.second_over_12)

    @property
    def any(self) -> bool:
        return bool(self.first_over_12 or self.second_over_12 or self.ambiguous)


def evidence(texts: Iterable[str], found: Evidence | None = None) -> Evidence:
    """The order evidence of the report-style dates in ``texts`` (ISO dates and others are ignored)."""
    found = found or Evidence()
    for text in texts:
        for match in _SLASH.finditer(text):
            found.add(int(match.group(1)), int(match.group(3)), match.group(0))
    return found


def latest_allowed(as_of: datetime | None, now: datetime | None = None) -> datetime:
    """A date after this is a misread: a year after the report's date (or today, when it has none)."""
    return (as_of or now or datetime.now(UTC)) + timedelta(days=366)
