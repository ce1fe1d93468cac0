"""The id guard on identifiers worked by hand: each leak found, and nothing found without one.

docs/howto/privacy.md: an id must not hold three letters in a row of either name, the client's
initials, the birth date in any digit-only form (day, month and year in any of the orders
people write them, with a two- or four-digit year) or the SLK. All names are made up.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dexcore.privacy import IdLeak, identifier_leaks

BORN = dt.date(1984, 3, 12)


@pytest.mark.parametrize(
    ("family", "identifier", "leaks"),
    [
        # A three-letter family name is one fragment: found inside a longer run of letters.
        ("Vex", "QVEXQ-0042", True),
        ("Vex", "QVEQX-0042", False),
        # A four-letter name has two fragments, each found on its own.
        ("Vorn", "QQORNQ-0042", True),
        ("Vorn", "QVORQQ-0042", True),
        ("Vorn", "QVOQRN-0042", False),
    ],
)
def test_name_fragments(family: str, identifier: str, leaks: bool) -> None:
    found = identifier_leaks(identifier, given_name="Qiz", family_name=family)
    assert (IdLeak.NAME in found) is leaks


@pytest.mark.parametrize(
    ("identifier", "leaks"),
    [
        ("C12031984", True),  # day month year
        ("C19840312", True),  # year month day
        ("C120384", True),  # day month two-digit year
        ("C840312", True),  # two-digit year month day
        ("C03121984", True),  # month first (a form common in US-made software)
        ("C031284", True),  # month first, two-digit year
        ("C13031984", False),  # the day after
        ("C03131984", False),  # month first, the day after
    ],
)
def test_birth_date_forms(identifier: str, leaks: bool) -> None:
    found = identifier_leaks(identifier, birth_date=BORN)
    assert (IdLeak.BIRTH_DATE in found) is leaks
