"""Canonical names and labels for the differencing guard, so spelling cannot hide a nesting.

Every dimension name, population-filter name and label is reduced to one
canonical form before tables are compared: Unicode NFKC after dropping
accents, format characters and common Latin look-alikes from Cyrillic and
Greek; case folded; every run of punctuation or spacing made one space;
letters and digits split apart (``FY2024`` is ``fy 2024``); leading zeros
dropped (``012`` is ``12``); then the synonyms of :data:`NAME_SYNONYMS` and
:data:`LABEL_SYNONYMS`. Time values are read as sets of days (see
:func:`time_readings`). The rule throughout: when unsure whether two
spellings mean the same, read them as the same, which only ever makes the
guard stricter. The tables are documented in ``docs/howto/privacy.md``
("Differencing").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date

from dexcore._caches import remembered

#: The key every time filter and time dimension is read under.
TIME = "time"
#: The key of a dimension with one category for everyone (``ALL_CLIENTS``): no constraint.
ALL = "all"

#: Canonical name: the names (already in canonical spelling) read as it.
NAME_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    TIME: (
        "period", "reporting period", "year", "calendar year", "financial year", "fy",
        "fin year", "half", "half year", "semester", "quarter", "month", "date",
        "session date",
    ),
    "organisation": ("org", "organization", "provider", "service provider", "agency"),
    "outlet": ("site", "service outlet", "outlet activity", "location"),
    "program activity": ("program", "programme", "activity", "programme activity"),
    "service type": ("service",),
    "gender": ("sex", "sex gender", "gender sex"),
    "state": ("state territory", "jurisdiction", "residential state"),
    "atsi": (
        "indigenous", "indigenous status", "aboriginal torres strait islander",
        "aboriginal torres strait islander status", "first nation",
    ),
    "cald": ("culturally linguistically diverse", "cultural linguistic diversity"),
    "disability": ("disability status", "has disability"),
    ALL: ("all client", "everyone", "total"),
}  # fmt: skip

#: Canonical label: the labels (already in canonical spelling) read as it, under any name.
LABEL_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "male": ("m", "man"),
    "female": ("f", "woman"),
    "not stated": ("notstated", "not given", "unknown", "ns"),
    "yes": ("y", "true"),
    "no": ("n", "false"),
    "act": ("australian capital territory",),
    "nsw": ("new south wales",),
    "nt": ("northern territory",),
    "qld": ("queensland",),
    "sa": ("south australia",),
    "tas": ("tasmania",),
    "vic": ("victoria",),
    "wa": ("western australia",),
}

# Cyrillic and Greek letters (after case folding) that look like Latin ones, in upper or lower case.
_LOOKALIKES = str.maketrans(
    {
        **dict(zip("авсеєһіјкмнорѕтухԁԛԝ", "abceehijkmhopstyxdqw", strict=True)),
        **dict(zip("αβεζηικμνορτυχ", "abezhikmnoptyx", strict=True)),
        **dict(zip("օոսհցքլ", "onuhgpl", strict=True)),  # Armenian
    }
)
_NAME_STOPWORDS = frozenset({"and", "of", "the", "id", "code", "by"})
_NAME_OF = {alias: name for name, aliases in NAME_SYNONYMS.items() for alias in aliases}
_LABEL_OF = {alias: label for label, aliases in LABEL_SYNONYMS.items() for alias in aliases}
_EVERYONE = frozenset({"", "all", "any", "total", "everyone", "overall", "grand total"})
_FINANCIAL = frozenset({"financial year", "fy", "fin year"})
_CALENDAR = frozenset({"calendar year"})
_YEAR_WORDS = (("calendar year", "cy"), ("financial year", "fy"), ("fin year", "fy"))


def _tokens(value: object) -> list[str]:
    """``value`` as lower-case runs of letters or of digits (leading zeros kept)."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Me", "Cf"))
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LOOKALIKES)
    runs = re.findall(r"[^\W_]+", text)
    return [
        _ascii_digits(part) if part.isdecimal() else part
        for run in runs
        for part in re.findall(r"\d+|\D+", run)
    ]


def _ascii_digits(digits: str) -> str:
    """A run of decimal digits of any script (``٢٠٢٤``) in ASCII digits, leading zeros kept.

    Other characters Python calls digits (``𐩀``, a Kharosthi numeral) are not decimal,
    stay in the letters' runs and are kept as text.
    """
    return digits if digits.isascii() else "".join(str(unicodedata.decimal(c)) for c in digits)


def canonical_text(value: object) -> str:
    """``value`` as lower-case tokens of letters or digits, one space apart.

    A number loses its leading zeros, whatever its length (no conversion to ``int``, which
    refuses more than 4,300 digits).
    """
    return " ".join((t.lstrip("0") or "0") if t.isdecimal() else t for t in _tokens(value))


def _singular(token: str) -> str:
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def _name_text(name: str) -> str:
    words = [_singular(t) for t in canonical_text(name).split() if t not in _NAME_STOPWORDS]
    return " ".join(words)


def canonical_name(name: str) -> str:
    """The canonical key of a dimension or population-filter name."""
    text = _name_text(name)
    return _NAME_OF.get(text, text)


def canonical_label(label: object) -> str:
    """The canonical form of a label or filter value that is not a time."""
    text = canonical_text(label)
    return _LABEL_OF.get(text, text)


def is_everyone(label: object) -> bool:
    """Whether a label or filter value means everyone (``Total``, ``All clients``, ``*``)."""
    text = canonical_text(label)
    return text in _EVERYONE or text.startswith(("all ", "total "))


def time_hint(name: str) -> str | None:
    """``"fy"`` or ``"calendar"`` when a filter's name says how a bare year reads."""
    text = _name_text(name)
    return "fy" if text in _FINANCIAL else "calendar" if text in _CALENDAR else None


# -- time --------------------------------------------------------------------------------------

#: A time value: its days read three ways (as a calendar year, as the financial year ending
#: in it, as the one starting in it), then, for a value that is not a recognised time, its
#: canonical text. A day is ``(year * 12 + month - 1) * 31 + day - 1``: every month has 31 day
#: slots, so a whole month holds every day of it.
Readings = tuple[frozenset[int | str], ...]

_FIRST_YEAR, _LAST_YEAR = 1900, 2199
_DAYS = 31
_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip


def _span(year: int, month: int, count: int) -> frozenset[int | str]:
    """The days of ``count`` months from ``month`` of ``year``."""
    start = (year * 12 + month - 1) * _DAYS
    return frozenset(range(start, start + count * _DAYS))


def _day_readings(year: int, month: int, day: int) -> Readings:
    """One day; the last of a month may also label the month it closes (``2024-06-30``).

    A day that is no date (``2024-02-30``) is read as its month.
    """
    try:
        last = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, day)).days == 1
    except ValueError:
        return (_span(year, month, 1),) * 3
    only = frozenset[int | str]({(year * 12 + month - 1) * _DAYS + day - 1})
    return (only, _span(year, month, 1), _span(year, month, 1)) if last else (only,) * 3


@remembered(maxsize=64)
def _every_year(first: int, last: int) -> frozenset[int | str]:
    """Months ``first`` to ``last`` (1-12) of every year read."""
    return frozenset(
        day
        for year in range(_FIRST_YEAR, _LAST_YEAR + 1)
        for day in range((year * 12 + first - 1) * _DAYS, (year * 12 + last) * _DAYS)
    )


def _year(token: str) -> int | None:
    """A four-digit year that dexcore reads (1900 to 2199), else ``None``."""
    year = int(token)
    return year if len(token) == 4 and _FIRST_YEAR <= year <= _LAST_YEAR else None


def _full_year(token: str) -> int | None:
    """The year after ``FY`` or ``CY``: two digits are 20xx, four a year dexcore reads.

    Any other length (``FY025``, ``CY5``) is no year: the label is then kept as text, which
    the guard treats as possibly any time, rather than read as a time long past that
    relates to no other table.
    """
    return 2000 + int(token) if len(token) == 2 else _year(token)


def _month_of(word: str) -> int | None:
    for number, name in enumerate(_MONTHS, start=1):
        if word in (name, name[:3], name[:4]):
            return number
    return None


def _year_readings(year: int, hint: str | None) -> Readings:
    calendar, ending, starting = _span(year, 1, 12), _span(year - 1, 7, 12), _span(year, 7, 12)
    if hint == "calendar":
        return (calendar, calendar, calendar)
    if hint == "fy":
        return (ending, ending, starting)
    return (calendar, ending, starting)


def _pair_readings(first: int, second: str) -> Readings | None:
    """``2024 25`` or ``2024 2025`` (a financial year), ``2024 6`` (a month), or both."""
    readings: list[frozenset[int | str]] = []
    ending = _full_year(second)
    if ending is not None and ending % 100 == (first + 1) % 100:
        readings.append(_span(first, 7, 12))
    if len(second) <= 2 and 1 <= int(second) <= 12:
        readings.append(_span(first, int(second), 1))
    if not readings:
        return None
    return (readings[-1], readings[0], readings[0])


def _part_readings(kind: str, number: int, year: int | None) -> Readings:
    """A half (``h``) or quarter (``q``) of a calendar year, and of a financial year."""
    size = 6 if kind == "h" else 3
    cal_start = (number - 1) * size + 1
    fy_start = (cal_start + 6 - 1) % 12 + 1
    if year is None:
        calendar = _every_year(cal_start, cal_start + size - 1)
        financial = _every_year(fy_start, fy_start + size - 1)
        return (calendar, financial, financial)
    return (_span(year, cal_start, size),) * 3


def time_readings(value: object, hint: str | None = None) -> Readings:
    """How a time label or filter value may be read: calendar, FY ending, FY starting.

    ``2024`` is the calendar year, or the financial year ending in 2024, or
    the one starting in it (unless the filter's name says which, or it is
    written ``CY2024``); ``2024-25``, ``FY2025``, ``FY25`` and ``2024/2025``
    are July 2024 to June 2025 (``2008-09`` is also read as September 2008);
    ``2024-H1`` is January to June 2024 (dexcore's reporting periods);
    ``2024-Q3`` a calendar quarter; ``2024-06`` and ``June 2024`` a month;
    ``2024-06-15`` a day (the last day of a month also as that month); a
    bare ``H1`` every first half. A year after ``FY`` or ``CY`` has two
    digits or four, and no number of a time more than four. Anything else
    (``FY025``, ``2024-H00001``) is kept as its canonical text (the fourth
    item), which the guard treats as possibly any time.
    """
    return _time_readings(str(value), hint)


@remembered(maxsize=4096)
def _time_readings(value: str, hint: str | None) -> Readings:
    """:func:`time_readings`, kept: equal labels then share their readings, compared fast."""
    t = _tokens(value)
    # No number of a time has more than four digits (a year); a longer one is read as text.
    if any(token.isdecimal() and len(token) > 4 for token in t):
        readings = None
    else:
        readings = _shaped_readings(t, hint) or _month_readings(t)
    if readings is None or not _parts_valid(t):
        nothing: frozenset[int | str] = frozenset()
        return (nothing, nothing, nothing, frozenset({canonical_text(value)}))
    return (*readings, frozenset())


def _shaped_readings(t: list[str], hint: str | None) -> Readings | None:
    """The readings of a time of digits, ``fy``, ``cy``, ``h`` and ``q`` (leading zeros kept)."""
    words = " ".join(t)
    for long, short in _YEAR_WORDS:
        if words.startswith(long + " "):
            t = [short, *words[len(long) + 1 :].split()]
    shape = " ".join("9" if token.isdecimal() else token for token in t)
    year = _year(t[0]) if t and t[0].isdecimal() else None
    if year is not None:
        return _dated_readings(shape, t, year, hint)
    readings: Readings | None = None
    year = _full_year(t[1]) if shape in ("fy 9", "fy 9 9", "cy 9") else None
    if shape == "fy 9" and year is not None:
        readings = (_span(year - 1, 7, 12), _span(year - 1, 7, 12), _span(year, 7, 12))
    elif shape == "fy 9 9" and year is not None:
        readings = _pair_readings(year, t[2])
    elif shape == "cy 9" and year is not None:
        readings = _year_readings(year, "calendar")
    elif shape in ("h 9 9", "q 9 9") and (year := _year(t[2])) is not None:
        readings = _part_readings(t[0], int(t[1]), year)
    elif shape in ("h 9", "q 9"):
        readings = _part_readings(t[0], int(t[1]), None)
    return readings


def _dated_readings(shape: str, t: list[str], year: int, hint: str | None) -> Readings | None:
    """``2024``, ``2024 25``, ``2024 6 15``, ``2024 h 1`` and ``2024 q 3``."""
    readings: Readings | None = None
    if shape == "9":
        readings = _year_readings(year, hint)
    elif shape == "9 9":
        readings = _pair_readings(year, t[1])
    elif shape == "9 9 9" and 1 <= int(t[1]) <= 12:
        readings = _day_readings(year, int(t[1]), int(t[2]))
    elif shape in ("9 h 9", "9 q 9"):
        readings = _part_readings(t[1], int(t[2]), year)
    return readings


def _parts_valid(t: list[str]) -> bool:
    """Halves are 1-2 and quarters 1-4; other shapes were checked as they were read.

    Called only on a time already read, whose ``h`` or ``q`` is always followed by a number.
    """
    for kind, limit in (("h", 2), ("q", 4)):
        if kind in t and not 1 <= int(t[t.index(kind) + 1]) <= limit:
            return False
    return True


def _month_readings(t: list[str]) -> Readings | None:
    """``june 2024``, ``2024 jun`` or a bare ``june``."""
    words = [token for token in t if not token.isdecimal()]
    numbers = [token for token in t if token.isdecimal()]
    if len(words) != 1 or len(numbers) > 1 or (month := _month_of(words[0])) is None:
        return None
    if not numbers:
        return (_every_year(month, month),) * 3
    if (year := _year(numbers[0])) is None:
        return None
    return (_span(year, month, 1),) * 3
