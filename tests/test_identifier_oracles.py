"""The id guard on identifiers worked by hand: each leak found, and nothing found without one.

docs/howto/privacy.md: an id must not hold three letters in a row of either name, the client's
initials, the birth date in any digit-only form (day, month and year in any of the orders
people write them, with a two- or four-digit year) or the SLK. All names are made up.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dexcore._idguard._dates import written_dates
from dexcore.errors import DexValueError
from dexcore.privacy import IdLeak, identifier_leaks, new_client_id

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


# -- the edges of each check, worked by hand ------------------------------------------------


@pytest.mark.parametrize(
    ("identifier", "leaks"),
    [
        # Ten digits not starting 0: no Australian phone number.
        ("X-1234567890", set()),
        # Eleven digits not starting 61: not a phone number written with the country code.
        ("X-12345678901", set()),
        # A short number first does not stop the search: 02 9876 5432 is a Sydney number.
        ("12 x 0298765432", {IdLeak.PHONE}),
        # Medicare: weights 1 3 7 9 1 3 7 9 on 2 1 2 3 4 5 6 7 give 2+3+14+27+4+15+42+63
        # = 170, check digit 0. With the issue number 1 (10 digits) or 12 (11) it is a card
        # number; the first nine digits alone are not.
        ("X-2123456701", {IdLeak.MEDICARE}),
        ("X-21234567012", {IdLeak.MEDICARE}),
        ("X-212345670", set()),
    ],
)
def test_the_edges_of_the_number_checks(identifier: str, leaks: set[IdLeak]) -> None:
    assert identifier_leaks(identifier) == leaks


def test_one_name_alone_makes_no_initials() -> None:
    assert identifier_leaks("QX-4821", family_name="Nguyen") == frozenset()


@pytest.mark.parametrize(
    ("identifier", "given", "family"),
    [
        # A two-letter given name in its own script, the family name elsewhere.
        ("王伟001", "王伟", "李"),
        # A Latin given name does not stop the family name being found in Cyrillic.
        ("ПЕТРОВ-01", "Ana", "Петров"),
    ],
)
def test_names_in_their_own_script(identifier: str, given: str, family: str) -> None:
    assert identifier_leaks(identifier, given_name=given, family_name=family) == {IdLeak.NAME}


@pytest.mark.parametrize(
    ("identifier", "slk"),
    [
        # The SLK's name part (letters 2, 3 and 5 of the family name, 2 and 3 of the given
        # name), even when the family part is 999 (no family name).
        ("999WE-7", "999WE150619802"),
        # The family part alone.
        ("NGU-7731", "NGUWE150619802"),
    ],
)
def test_the_parts_of_an_slk(identifier: str, slk: str) -> None:
    assert identifier_leaks(identifier, slk=slk) == {IdLeak.SLK}


@pytest.mark.parametrize(
    ("identifier", "born"),
    [
        ("3MAR37", dt.date(1937, 3, 3)),  # three digits, a two-digit year
        ("14-March-1937", dt.date(1937, 3, 14)),  # the month's whole name
        ("MAR-14-37", dt.date(1937, 3, 14)),  # month first, a two-digit year
        ("1937-March-14", dt.date(1937, 3, 14)),  # year first, the month's whole name
    ],
)
def test_birth_dates_with_month_names(identifier: str, born: dt.date) -> None:
    assert identifier_leaks(identifier, birth_date=born) == {IdLeak.BIRTH_DATE}


def test_new_ids_alternate_letters_and_digits() -> None:
    made = new_client_id(12)
    assert [c.isalpha() for c in made] == [True, False] * 6
    with pytest.raises(DexValueError) as caught:
        new_client_id(51)
    assert str(caught.value) == "an id is 2 to 50 characters long"


@pytest.mark.parametrize(
    ("identifier", "leaks"),
    [
        # Quivera Zandorfel: initials QZ or ZQ, as a token of their own or next to digits.
        ("QZ-4821", {IdLeak.INITIALS}),
        ("QZ-ABC", {IdLeak.INITIALS}),
        ("ZQ4821", {IdLeak.INITIALS}),
        ("QZX-4821", {IdLeak.INITIALS}),  # starting a token before digits
        ("XQZ-4821", {IdLeak.INITIALS}),  # ending a token before digits
        ("4821QZX", {IdLeak.INITIALS}),  # after digits
        ("QZX-ABC", set()),  # inside letters only: a coincidence
        ("AQZB-4821", set()),  # in the middle of a token
        ("Q-Z-4821", set()),  # single letters spell no initials
        ("QZQ-4821", {IdLeak.INITIALS}),  # both orders at once
    ],
)
def test_initials_as_a_token_or_next_to_digits(identifier: str, leaks: set[IdLeak]) -> None:
    found = identifier_leaks(identifier, given_name="Quivera", family_name="Zandorfel")
    assert found == leaks


def test_a_one_letter_name_alone_is_no_name() -> None:
    # Single letters spell nothing: "X" as a token is not the family name X.
    assert identifier_leaks("AB-X-4821", family_name="X") == frozenset()


# An eight-digit tax file number is checked with the weights 1, 4, 3, 7, 5, 8, 6, 9 (sum
# divisible by 11), but eight digits that read as a date are a date, not a TFN. Each number
# below passes the check, worked by hand:
#   19850110: 1+36+24+35+0+8+6+0 = 110 = 11 * 10
#   19850214: 1+36+24+35+0+16+6+36 = 154 = 11 * 14
#   12022000: 1+8+0+14+10+0+0+0 = 33 = 11 * 3
#   19851302: 1+36+24+35+5+24+0+18 = 143 = 11 * 13
@pytest.mark.parametrize(
    ("digits", "is_tfn"),
    [
        ("19850110", False),  # 10 January 1985, year first
        ("19850214", False),  # 14 February 1985, year first
        ("12022000", False),  # 12 February 2000, day first (year first, month 20: no date)
        ("19851302", True),  # month 13 either way: no date, so a TFN
    ],
)
def test_eight_digits_that_read_as_a_date_are_not_a_tax_file_number(
    digits: str, is_tfn: bool
) -> None:
    assert (IdLeak.TFN in identifier_leaks(f"C-{digits}")) is is_tfn


# -- dates written with separators, read by hand ----------------------------------------------
# A year is written with two or four digits, a day or a month with one or two. Each a-b-c is
# read year first (a is the year) and, when a is a day or a month, day first and month first
# (c is the year). A reading is (year, month, day, whether the year has two digits); the guard
# then compares readings with the birth date, so impossible ones (month 85) are harmless.
@pytest.mark.parametrize(
    ("identifier", "readings"),
    [
        # 12-03-84: year 12, March, day 84; 12 March 84; 3 December 84.
        ("c-12-03-84", {(12, 3, 84, True), (84, 3, 12, True), (84, 12, 3, True)}),
        # 1984/3/12: year first only (four digits cannot be a day or a month).
        ("c-1984/3/12", {(1984, 3, 12, False)}),
        # 12.3.1984: year 12, March, day 1984; day first; month first.
        ("c-12.3.1984", {(12, 3, 1984, True), (1984, 3, 12, False), (1984, 12, 3, False)}),
        # 12-03-5 and 12-03-845 end in no year, so only 12 can be one.
        ("c-12-03-5", {(12, 3, 5, True)}),
        ("c-12-03-845", {(12, 3, 845, True)}),
        # No part of 1-2-3 can be a year; 012 is neither a year nor a day or a month (a run
        # of digits is read whole: 12-03-84 inside 012-03-84 is not a date); nor is 12345.
        ("c-1-2-3", set()),
        ("c-012-03-84", set()),
        ("c-12345-03-84", set()),
    ],
)
def test_the_readings_of_a_date_written_with_separators(
    identifier: str, readings: set[tuple[int, int, int, bool]]
) -> None:
    assert written_dates(identifier) == readings


def test_a_day_of_three_digits_is_no_birth_date() -> None:
    # Born 12 March 1984: 12-03-84 spells it, 012-03-84 does not (nor does it raise).
    assert IdLeak.BIRTH_DATE in identifier_leaks("C-12-03-84", birth_date=BORN)
    assert identifier_leaks("C-012-03-84", birth_date=BORN) == set()
    assert identifier_leaks("C-12-03-5", birth_date=BORN) == set()
