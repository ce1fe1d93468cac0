"""SLK-581 generation and validation under the DEX and METeOR policies.

An SLK-581 is ``FFFGGDDMMYYYYS``: letters 2, 3 and 5 of the family name,
letters 2 and 3 of the first given name, the birth date and the sex digit
(AIHW METeOR 349510; the rules are listed in ``docs/explanation/slk.md``). Names are
NFKD-normalised, combining marks
dropped, upper-cased, and everything that is not A–Z deleted before letter
positions are counted; a position past the end of a name is ``2``; a name
that is missing or has no letters left is ``999`` (family) or ``99`` (given).

The two policies differ only where DSS's regular expression is stricter
than METeOR:

* one-letter names: METeOR writes ``222``/``22``, which the DEX expression
  never accepts, so :attr:`SlkPolicy.DEX` writes ``999``/``99`` as for a
  missing name;
* birth years: DEX accepts 1900–2999 only.

More information:

* AIHW METeOR 349510, 686238 and 750410 (SLK-581 cluster), 349481 and 349483
  (letters of family and given name), 624484 (worked examples).
* DSS Data Exchange web services specification §5.4 (regular expression,
  quoted second-hand); ``docs/explanation/slk.md`` for where sources disagree and what
  dexcore chose; ``docs/explanation/sources.md`` for the addresses.

>>> generate("Brown", "Elizabeth", dt.date(1970, 1, 1), "female")
'RONLI010119702'
>>> validate(" ronli010119702 ")
'RONLI010119702'
>>> is_valid("22299191220001"), is_valid("22299191220001", policy=SlkPolicy.METEOR)
(False, True)
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from typing import Any

import attrs

from dexcore._text import latin_letters
from dexcore.errors import (
    InvalidSlk,
    InvalidSlkDate,
    InvalidSlkFormat,
    InvalidSlkInput,
    InvalidSlkLength,
    InvalidSlkSex,
)
from dexcore.slk.sex import SEX_CODES, sex_code

__all__ = [
    "SlkParts",
    "SlkPolicy",
    "SlkRow",
    "compact",
    "estimated_birth_date",
    "generate",
    "generate_many",
    "is_valid",
    "parts",
    "validate",
]

#: Length of an SLK-581.
LENGTH = 14


class SlkPolicy(enum.Enum):
    """Which authority's rules decide the points where they differ."""

    #: DSS Data Exchange: one-letter names written 999/99; birth years 1900–2999.
    DEX = "dex"
    #: AIHW METeOR: one-letter names written 222/22; any four-digit birth year.
    METEOR = "meteor"

    @property
    def min_year(self) -> int:
        """Earliest birth year the policy accepts."""
        return 1900 if self is SlkPolicy.DEX else 1

    @property
    def max_year(self) -> int:
        """Latest birth year the policy accepts."""
        return 2999 if self is SlkPolicy.DEX else 9999

    @property
    def one_letter_names_missing(self) -> bool:
        """Whether a one-letter name is written as a missing one (999/99)."""
        return self is SlkPolicy.DEX


# Family part LLL, LL2, L22 or 999 (and 222 under METeOR); given part LL, L2 or 99 (and 22).
_NAME_PATTERNS = {
    SlkPolicy.DEX: re.compile(r"(?:[A-Z]{3}|[A-Z]{2}2|[A-Z]22|999)(?:[A-Z]{2}|[A-Z]2|99)"),
    SlkPolicy.METEOR: re.compile(
        r"(?:[A-Z]{3}|[A-Z]{2}2|[A-Z]22|222|999)(?:[A-Z]{2}|[A-Z]2|22|99)"
    ),
}


def _letters(name: str | None, field: str) -> str:
    """Rule 1 (docs/explanation/slk.md): the letters A–Z of ``name``, upper-case.

    Counted after NFKD with the marks dropped (:func:`dexcore._text.latin_letters`).
    """
    if name is None:
        return ""
    if not isinstance(name, str):
        raise InvalidSlkInput(field, "must be text or None")
    return latin_letters(name)


def _family_part(name: str | None, policy: SlkPolicy) -> str:
    """Rules 2-4 (docs/explanation/slk.md): letters 2, 3 and 5, padded with 2; 999 when missing."""
    letters = _letters(name, "family_name")
    if not letters or (len(letters) == 1 and policy.one_letter_names_missing):
        return "999"
    padded = letters + "2222"
    return padded[1] + padded[2] + padded[4]


def _given_part(name: str | None, policy: SlkPolicy) -> str:
    """Rules 2-4 (docs/explanation/slk.md): letters 2 and 3, padded with 2; 99 when missing."""
    letters = _letters(name, "given_name")
    if not letters or (len(letters) == 1 and policy.one_letter_names_missing):
        return "99"
    return (letters + "22")[1:3]


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        pass  # its message quotes the text: raise a fresh error outside the handler
    raise InvalidSlkInput("birth_date", "must be a real date written YYYY-MM-DD")


def _date_part(birth_date: dt.date | str, policy: SlkPolicy) -> str:
    """Rule 5 (docs/explanation/slk.md): ``DDMMYYYY`` of a real date within the policy's years."""
    if isinstance(birth_date, str):
        birth_date = _iso_date(birth_date)
    if not isinstance(birth_date, dt.date) or isinstance(birth_date, dt.datetime):
        raise InvalidSlkInput("birth_date", "must be a date (not a datetime)")
    if not policy.min_year <= birth_date.year <= policy.max_year:
        raise InvalidSlkInput(
            "birth_date", f"must fall in the years {policy.min_year}-{policy.max_year}"
        )
    return f"{birth_date.day:02d}{birth_date.month:02d}{birth_date.year:04d}"


def generate(
    family_name: str | None,
    given_name: str | None,
    birth_date: dt.date | str,
    sex: str | int | enum.Enum | None,
    *,
    policy: SlkPolicy = SlkPolicy.DEX,
) -> str:
    """Build the SLK-581 of a person.

    Pass the legal family name and the first given name only, without titles
    or suffixes: nothing is guessed or stripped beyond non-letters. DSS asks
    that a client with a single name has it entered as both names.

    Args:
        family_name: Family name; ``None`` or blank when missing.
        given_name: First given name; ``None`` or blank when missing.
        birth_date: Date of birth (a ``date``, or ``YYYY-MM-DD`` text). For an
            estimated birth date use :func:`estimated_birth_date`.
        sex: Sex or gender as :func:`~dexcore.slk.sex_code` accepts it.
        policy: :attr:`SlkPolicy.DEX` (default) or :attr:`SlkPolicy.METEOR`.

    Returns:
        The 14-character key, upper-case.

    Raises:
        InvalidSlkInput: a value cannot be used (an impossible date, a year
            outside the policy, an unknown sex); it names the field only.
    """
    return (
        _family_part(family_name, policy)
        + _given_part(given_name, policy)
        + _date_part(birth_date, policy)
        + sex_code(sex)
    )


#: One row for :func:`generate_many`: family name, given name, birth date, sex.
SlkRow = tuple[str | None, str | None, dt.date | str, str | int | enum.Enum | None]


def generate_many(rows: Iterable[SlkRow], *, policy: SlkPolicy = SlkPolicy.DEX) -> list[str]:
    """Build the keys of many people at once, in order.

    Names, dates and sexes repeat in any real population, so each distinct
    value is cleaned once and reused: on realistic data this is several
    times faster than calling :func:`generate` per row.

    Raises:
        InvalidSlkInput: a row cannot be used; the message gives its index
            (from 0) and field, never its values.
    """
    families: dict[object, str] = {}
    givens: dict[object, str] = {}
    dates: dict[object, str] = {}
    sexes: dict[object, str] = {}
    keys: list[str] = []
    append = keys.append
    try:
        for family, given, birth, sex in rows:
            try:
                # Fast path: every part seen before (the common case in a real population).
                append(families[family] + givens[given] + dates[birth] + sexes[sex])
            except KeyError:
                # Parts are never empty strings, so `or` only computes what is missing.
                append(
                    (
                        families.get(family)
                        or families.setdefault(family, _family_part(family, policy))
                    )
                    + (givens.get(given) or givens.setdefault(given, _given_part(given, policy)))
                    + (dates.get(birth) or dates.setdefault(birth, _date_part(birth, policy)))
                    + (sexes.get(sex) or sexes.setdefault(sex, sex_code(sex)))
                )
    except InvalidSlkInput as error:
        problem = InvalidSlkInput(error.field, f"{error.reason} (row {len(keys)})")
    except (TypeError, ValueError):
        problem = InvalidSlkInput(
            "row",
            f"must be (family, given, birth date, sex) with hashable values (row {len(keys)})",
        )
    else:
        return keys
    # Raised outside the handlers: the fast path's KeyError holds a name as its key.
    raise problem


def compact(value: str) -> str:
    """``value`` without surrounding blanks, upper-case; not validated."""
    return value.strip().upper()


def validate(value: str, *, policy: SlkPolicy = SlkPolicy.DEX) -> str:
    """Check an SLK-581 and return it in canonical (upper-case) form.

    Under DEX this follows DSS's regular expression (without its ``[A-Z,2]``
    slip that lets a comma through) plus a real calendar check, which the
    expression lacks (it accepts 29 February in any year).

    Raises:
        InvalidSlkLength: not 14 characters.
        InvalidSlkFormat: the name part or layout is not allowed.
        InvalidSlkDate: the date is not real, or its year is outside the policy.
        InvalidSlkSex: the last character is not 1, 2, 3 or 9.
    """
    if not isinstance(value, str):
        raise InvalidSlkFormat
    key = value.strip()
    if not key.isascii():
        raise InvalidSlkFormat
    key = key.upper()
    if len(key) != LENGTH:
        raise InvalidSlkLength
    if _NAME_PATTERNS[policy].fullmatch(key, 0, 5) is None:
        raise InvalidSlkFormat
    digits = key[5:13]
    if not digits.isdigit():
        raise InvalidSlkFormat
    year = int(digits[4:])
    if not policy.min_year <= year <= policy.max_year:
        raise InvalidSlkDate
    try:
        dt.date(year, int(digits[2:4]), int(digits[:2]))
    except ValueError:
        raise InvalidSlkDate from None
    if key[13] not in SEX_CODES:
        raise InvalidSlkSex
    return key


def is_valid(value: str, *, policy: SlkPolicy = SlkPolicy.DEX) -> bool:
    """Whether ``value`` is a valid SLK-581 under ``policy``."""
    try:
        validate(value, policy=policy)
    except InvalidSlk:
        return False
    return True


@attrs.frozen(kw_only=True)
class SlkParts:
    """The four parts of an SLK-581. Nothing is shown by ``repr``: an SLK is personal.

    Attributes:
        family: The three family-name characters.
        given: The two given-name characters.
        birth_date: The date of birth.
        sex: The sex digit.
    """

    family: str = attrs.field(repr=False)
    given: str = attrs.field(repr=False)
    birth_date: dt.date = attrs.field(repr=False)
    sex: str = attrs.field(repr=False)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # noqa: ANN401
        # Hypothesis's printer (and IPython's) would otherwise print each attrs field.
        printer.text(repr(self))

    @property
    def family_missing(self) -> bool:
        """Whether the family name was missing (``999``)."""
        return self.family == "999"

    @property
    def given_missing(self) -> bool:
        """Whether the given name was missing (``99``)."""
        return self.given == "99"


def parts(value: str, *, policy: SlkPolicy = SlkPolicy.DEX) -> SlkParts:
    """Split a valid SLK-581 into its parts.

    Raises:
        InvalidSlk: as :func:`validate` does.
    """
    key = validate(value, policy=policy)
    return SlkParts(
        family=key[:3],
        given=key[3:5],
        birth_date=dt.date(int(key[9:13]), int(key[7:9]), int(key[5:7])),
        sex=key[13],
    )


def estimated_birth_date(year: int) -> dt.date:
    """The birth date DEX records for an estimate: 1 January of ``year``.

    Raises:
        InvalidSlkInput: ``year`` is not a whole number from 1 to 9999.
    """
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise InvalidSlkInput("birth_date", "estimated year must be a whole number from 1 to 9999")
    return dt.date(year, 1, 1)
