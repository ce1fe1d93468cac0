"""Birth dates as an id may write them: digit runs, separators, month names.

Used by the id guard (:mod:`dexcore.privacy.identifiers`): an id is parsed once into the
dates it spells, whatever client it is then compared with.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from dexcore._caches import remembered

__all__ = ["Date", "date_forms", "spells", "written_dates"]

_LETTER_PAIR = re.compile(r"[a-z]{2}")


@remembered(maxsize=4096)
def date_forms(day: dt.date) -> frozenset[str]:
    """The digit-only forms of a date (forms with separators or month names are parsed)."""
    d, m, y = f"{day.day:02d}", f"{day.month:02d}", f"{day.year:04d}"
    yy = y[2:]
    return frozenset(
        {f"{d}{m}{y}", f"{y}{m}{d}", f"{d}{m}{yy}", f"{yy}{m}{d}", f"{m}{d}{y}", f"{m}{d}{yy}"}
    )


# A date written with separators (-, /, ., a blank or _), parts padded or not.
_SEP = r"[-/. _]"
_NUMERIC_DATE = re.compile(rf"(?<!\d)(?=(\d{{1,4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,4}})(?!\d))")
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])"
)
_MONTH_NUMBERS = {
    name: n
    for n, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# 14MAR1937, 14-Mar-37; MAR 14 1937; 1937-MAR-14.
_DAY_MONTH_YEAR = re.compile(rf"(?<!\d)(\d{{1,2}}){_SEP}?{_MONTH}{_SEP}?(\d{{4}}|\d{{2}})(?!\d)")
_MONTH_DAY_YEAR = re.compile(
    rf"(?<![a-z]){_MONTH}{_SEP}?(\d{{1,2}})[-/. _,]{{1,2}}(\d{{4}}|\d{{2}})(?!\d)"
)
_YEAR_MONTH_DAY = re.compile(rf"(?<!\d)(\d{{4}}){_SEP}?{_MONTH}{_SEP}?(\d{{1,2}})(?!\d)")

#: A date an id may spell: (year, month, day, whether the year has only two digits).
Date = tuple[int, int, int, bool]


def _year(text: str) -> tuple[int, bool] | None:
    return (int(text), len(text) == 2) if len(text) in {2, 4} else None


def _numeric_dates(lowered: str) -> Iterator[Date]:
    """Every reading of each ``a-b-c`` in the id: year first, day first, month first."""
    for match in _NUMERIC_DATE.finditer(lowered):
        a, b, c = match.groups()
        first, last = _year(a), _year(c)
        if first is not None:
            yield first[0], int(b), int(c), first[1]
        if last is not None and len(a) <= 2:
            yield last[0], int(b), int(a), last[1]
            yield last[0], int(a), int(b), last[1]


def _named_month_dates(lowered: str) -> Iterator[Date]:
    for day, month, year in _DAY_MONTH_YEAR.findall(lowered):
        yield int(year), _MONTH_NUMBERS[month[:3]], int(day), len(year) == 2
    for month, day, year in _MONTH_DAY_YEAR.findall(lowered):
        yield int(year), _MONTH_NUMBERS[month[:3]], int(day), len(year) == 2
    for year, month, day in _YEAR_MONTH_DAY.findall(lowered):
        yield int(year), _MONTH_NUMBERS[month[:3]], int(day), False


def written_dates(lowered: str) -> frozenset[Date]:
    """The dates the id spells with separators or month names (client-independent)."""
    found = set(_numeric_dates(lowered))
    if _LETTER_PAIR.search(lowered):
        found.update(_named_month_dates(lowered))
    return frozenset(found)


def spells(written: frozenset[Date], day: dt.date) -> bool:
    """Whether ``day`` is one of the ``written`` dates (a two-digit year matches its last two)."""
    full = (day.year, day.month, day.day, False)
    short = (day.year % 100, day.month, day.day, True)
    return full in written or short in written
