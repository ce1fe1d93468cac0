"""The id guard's implementation; its public face is :mod:`dexcore.privacy.identifiers`.

It lives below :mod:`dexcore.io` and :mod:`dexcore.rules`, which both screen
ids with it (the bulk reader for records it cannot read, the rules for the
rest), so neither imports the privacy package. What it finds, and why, is
documented on the public module.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import secrets
import unicodedata
from typing import NamedTuple

from dexcore._caches import remembered
from dexcore._idguard._dates import Date, date_forms, spells, written_dates
from dexcore._idguard._names import COMMON_NAMES
from dexcore._text import latin_letters, to_ascii
from dexcore.errors import DexValueError

__all__ = ["IdLeak", "identifier_leaks", "new_client_id"]


class IdLeak(enum.StrEnum):
    """What an id gives away."""

    #: Three or more letters of the client's own given or family name, a whole two-letter
    #: name, both names run together, or the names in their own (non-Latin) script.
    NAME = "name"
    INITIALS = "initials"  #: The client's initials as a token, or next to digits.
    SLK = "slk"  #: Part of the client's SLK-581 (name part, family part or the whole key).
    BIRTH_DATE = "birth-date"  #: The client's birth date in a common written form.
    EMAIL = "email"  #: An e-mail address.
    PHONE = "phone"  #: An Australian phone number.
    TFN = "tfn"  #: A checksum-valid tax file number (nine digits, or eight).
    MEDICARE = "medicare"  #: A checksum-valid Medicare card number.
    COMMON_NAME = "common-name"  #: A token that is a common given name or surname.

    @property
    def is_error(self) -> bool:
        """Whether the leak is certain enough to refuse the id (all but common names)."""
        return self is not IdLeak.COMMON_NAME


_TOKEN = re.compile(r"[a-z]+|[0-9]+")
# Digits that may be written with single spaces, hyphens or dots between groups.
_NUMBER = re.compile(r"\+?\d(?:[ .-]?\d)*")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[a-z]{2,}")
_NOT_DIGIT = re.compile(r"\D")
# The ATO's weights; eight-digit (older) numbers take the first eight, as python-stdnum's
# stdnum.au.tfn does (https://github.com/arthurdejong/python-stdnum, stdnum/au/tfn.py).
_TFN_WEIGHTS = (1, 4, 3, 7, 5, 8, 6, 9, 10)
# An eight-digit TFN counts only written plainly or grouped 3-3-2, not as any 8 digits in groups
# (``2024-0042``), so that ordinary numbered ids are not refused one time in eleven.
_TFN_8 = re.compile(r"(?<!\d)(?<!\d[ .-])(?:\d{8}|\d{3}([ .-])\d{3}\1\d{2})(?!\d)(?![ .-]\d)")
_MEDICARE_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9)


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_LONG_DIGIT_RUN = re.compile(r"\d{4,}")
_LETTER_PAIR = re.compile(r"[a-z]{2}")
_SCRIPT_TOKEN = re.compile(r"[^\W\d_]+")


def _ascii(text: str) -> str:
    """Lower-case ASCII: accents dropped after NFKD, other letters removed."""
    return to_ascii(text).lower()


@remembered(maxsize=4096)
def _letters(name: str | None) -> str:
    """The letters a-z of a name as its SLK counts them, lower-case."""
    return latin_letters(name).lower() if name else ""


@remembered(maxsize=4096)
def _name_grams(name: str) -> tuple[str, ...]:
    """Every run of three consecutive letters of one name (cached: names repeat)."""
    return tuple({name[i : i + 3] for i in range(len(name) - 2)})


def _is_tfn(digits: str) -> bool:
    if len(digits) not in {8, 9}:
        return False
    return sum(int(d) * w for d, w in zip(digits, _TFN_WEIGHTS, strict=False)) % 11 == 0


def _is_calendar_date(digits: str) -> bool:
    """Whether eight digits read as a date, ``YYYYMMDD`` or ``DDMMYYYY`` (then not a TFN)."""
    for year, month, day in (
        (digits[:4], digits[4:6], digits[6:]),
        (digits[4:], digits[2:4], digits[:2]),
    ):
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
        return True
    return False


def _is_medicare(digits: str) -> bool:
    # 10 digits (card) or 11 (with the person's issue number); first digit 2-6.
    if len(digits) not in {10, 11} or digits[0] not in "23456":
        return False
    check = sum(int(d) * w for d, w in zip(digits[:8], _MEDICARE_WEIGHTS, strict=True)) % 10
    return check == int(digits[8])


def _is_phone(digits: str) -> bool:
    if digits.startswith("61") and len(digits) == 11:
        digits = "0" + digits[2:]
    return len(digits) == 10 and digits[0] == "0" and digits[1] in "23478"


@remembered(maxsize=4096)
def _script_letters(name: str | None) -> str:
    """The letters of ``name`` in its own script: marks dropped, case folded."""
    if not name:
        return ""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if c.isalpha()).casefold()


def _whole_names(tokens: tuple[str, ...], given: str, family: str) -> bool:
    """A token that is a whole two-letter name, or both names run together."""
    names = {name for name in (given, family) if len(name) == 2}
    if given and family:
        names |= {given + family, family + given}
    return bool(names) and any(token in names for token in tokens)


def _script_leaks(shape: _Shape, given: str, family: str) -> bool:
    """The names in a non-Latin script (``ПЕТРОВ-01``, ``王伟001``), compared in that script.

    Latin names (accents dropped) are left to the ASCII comparison, whose
    rules for short names are stricter than a search for a substring.
    """
    text = shape.script
    for name in (given, family):
        if name.isascii():
            continue
        if len(name) >= 2 and (name in text or any(g in text for g in _name_grams(name))):
            return True
        if len(name) == 1 and name in shape.script_tokens:
            return True
    joined = given + family
    return not joined.isascii() and (joined in text or family + given in text)


def _name_leaks(folded: str, tokens: tuple[str, ...], given: str, family: str) -> set[IdLeak]:
    found: set[IdLeak] = set()
    if (
        any(gram in folded for gram in _name_grams(given))
        or any(gram in folded for gram in _name_grams(family))
        or _whole_names(tokens, given, family)
    ):
        found.add(IdLeak.NAME)
    if given and family:
        initials = {given[0] + family[0], family[0] + given[0]}
        if not any(pair in folded for pair in initials):
            return found
        for n, token in enumerate(tokens):
            if len(token) < 2 or not token.isalpha():
                continue
            beside_digits = any(
                0 <= k < len(tokens) and tokens[k].isdigit() for k in (n - 1, n + 1)
            )
            if token in initials or (
                beside_digits and (token[:2] in initials or token[-2:] in initials)
            ):
                found.add(IdLeak.INITIALS)
    return found


def _number_leaks(lowered: str) -> set[IdLeak]:
    found: set[IdLeak] = set()
    for match in _TFN_8.finditer(lowered):
        digits = _NOT_DIGIT.sub("", match.group())
        if _is_tfn(digits) and not _is_calendar_date(digits):
            found.add(IdLeak.TFN)
    for match in _NUMBER.finditer(lowered):
        digits = _NOT_DIGIT.sub("", match.group())
        if len(digits) < 9:
            continue
        if len(digits) == 9 and _is_tfn(digits):
            found.add(IdLeak.TFN)
        if _is_medicare(digits):
            found.add(IdLeak.MEDICARE)
        if _is_phone(digits):
            found.add(IdLeak.PHONE)
    return found


def identifier_leaks(
    identifier: str,
    *,
    given_name: str | None = None,
    family_name: str | None = None,
    birth_date: dt.date | None = None,
    slk: str | None = None,
) -> frozenset[IdLeak]:
    """What ``identifier`` reveals about the client whose details are given.

    Args:
        identifier: A client id or case id.
        given_name: The client's given name, when known.
        family_name: The client's family name, when known.
        birth_date: The client's birth date, when known.
        slk: The client's SLK-581, when known.

    Returns:
        Every kind of leak found (empty when the id is safe). See
        :attr:`IdLeak.is_error` for which ones refuse the id.
    """
    shape = _shape(identifier)
    found = set(shape.fixed)
    if shape.letter_pairs:
        found |= _name_leaks(
            shape.folded, shape.tokens, _letters(given_name), _letters(family_name)
        )
    if shape.script and _script_leaks(
        shape, _script_letters(given_name), _script_letters(family_name)
    ):
        found.add(IdLeak.NAME)
    if slk:
        key = slk.strip().casefold()
        folded = shape.folded
        # Name parts count only when they hold letters: "99999" (no names) is not personal.
        name_part, family_part = key[:5], key[:3]
        if (
            key in folded
            # (in the folded id only letters and digits can match, so "not all digits" will do)
            or (not name_part.isdigit() and name_part in folded)
            or (family_part.isalpha() and family_part in folded)
        ):
            found.add(IdLeak.SLK)
    # Every written form holds the last two digits of the year: test that first.
    if (
        birth_date is not None
        and shape.digits >= 3
        and f"{birth_date.year % 100:02d}" in shape.lowered
        and (
            spells(shape.dates, birth_date)
            or any(form in run for run in shape.runs for form in date_forms(birth_date))
        )
    ):
        found.add(IdLeak.BIRTH_DATE)
    return frozenset(found)


class _Shape(NamedTuple):
    """What an id is made of, worked out once whatever client it is compared with."""

    lowered: str
    folded: str
    #: Whether the folded id has two letters in a row (else no name or initials can hide in it).
    letter_pairs: bool
    tokens: tuple[str, ...]
    #: Runs of four digits or more (where a birth date can hide).
    runs: tuple[str, ...]
    #: Dates written with separators or month names.
    dates: frozenset[Date]
    digits: int
    #: Leaks that do not depend on the client: e-mail, phone, TFN, Medicare, common names.
    fixed: frozenset[IdLeak]
    #: For an id with letters beyond ASCII: its letters and digits in their own script
    #: (marks dropped, case folded), and its runs of letters; else empty.
    script: str
    script_tokens: frozenset[str]


@remembered(maxsize=8)
def _shape(identifier: str) -> _Shape:
    # A small cache: a case id is compared with each of its clients in turn.
    lowered = identifier.casefold()
    plain = _ascii(lowered)
    folded = _NOT_ALNUM.sub("", plain)
    letter_pairs = _LETTER_PAIR.search(folded) is not None
    tokens = tuple(_TOKEN.findall(plain)) if letter_pairs else ()
    encoded = lowered.encode("utf-8", "replace")
    digits = len(encoded) - len(encoded.translate(None, b"0123456789"))
    fixed: set[IdLeak] = set()
    if "@" in lowered and _EMAIL.search(lowered):
        fixed.add(IdLeak.EMAIL)
    # Phone and Medicare numbers have 9 digits or more, TFNs 8 or 9, perhaps in groups.
    if digits >= 8:
        fixed |= _number_leaks(lowered)
    if letter_pairs and any(t in COMMON_NAMES for t in tokens if len(t) >= 3):
        fixed.add(IdLeak.COMMON_NAME)
    runs = tuple(_LONG_DIGIT_RUN.findall(lowered)) if digits >= 4 else ()
    dates = written_dates(plain) if digits >= 3 else frozenset()
    script, script_tokens = "", frozenset[str]()
    if not identifier.isascii():
        decomposed = unicodedata.normalize("NFKD", lowered)
        script = "".join(c for c in decomposed if c.isalnum())
        script_tokens = frozenset(_SCRIPT_TOKEN.findall(decomposed))
    return _Shape(
        lowered,
        folded,
        letter_pairs,
        tokens,
        runs,
        dates,
        digits,
        frozenset(fixed),
        script,
        script_tokens,
    )


# Consonants only (no vowel, no look-alike I/O/L), so single letters spell nothing.
_LETTERS = "BCDFGHJKMNPQRSTVWXZ"
_DIGITS = "0123456789"


def new_client_id(length: int = 12) -> str:
    """A random id that reveals nothing about anyone, such as ``K7P3X9M2Q4T8``.

    Letters and digits alternate one by one, so no run of letters can hold a
    name fragment or initials and no run of digits a date, a phone, a TFN or
    a Medicare number: the id passes :func:`identifier_leaks` for every
    client. Twelve characters carry about 45 bits of randomness.

    Raises:
        DexValueError: ``length`` is not from 2 to 50 (DEX's maximum).
    """
    if not 2 <= length <= 50:
        raise DexValueError("an id is 2 to 50 characters long")
    return "".join(secrets.choice(_LETTERS if n % 2 == 0 else _DIGITS) for n in range(length))
