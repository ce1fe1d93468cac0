"""SLK-581 keys and refusals worked by hand, independently of dexcore's code.

The keys are composed by hand from the rules of the AIHW's definition: "Statistical linkage key
581 cluster", METeOR identifier 349510, Australian Institute of Health and Welfare,
https://meteor.aihw.gov.au/content/349510 - the 2nd, 3rd and 5th letters of the family name,
the 2nd and 3rd letters of the given name (2 standing in for a letter the name lacks), the
date of birth written DDMMYYYY, and the sex digit (1 male, 2 female, 3 another term, 9 not
stated). Where DSS's Data Exchange differs (a one-letter name is written 999/99, birth years
1900-2999), the DEX key is worked out too. The messages are dexcore's own promise: each
names the field and the fix, never the value.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dexcore.slk import (
    InvalidSlkDate,
    InvalidSlkInput,
    SlkPolicy,
    estimated_birth_date,
    generate,
    generate_many,
    parts,
    sex_code,
    validate,
)

DEX, METEOR = SlkPolicy.DEX, SlkPolicy.METEOR


@pytest.mark.parametrize(
    ("family", "given", "born", "sex", "policy", "key"),
    [
        # S(m)(i)t(h) -> MIH; E(l)(i)zabeth -> LI; 23 Nov 1985 -> 23111985; female -> 2.
        ("Smith", "Elizabeth", dt.date(1985, 11, 23), "F", DEX, "MIHLI231119852"),
        # F(a)(r)r -> AR + 2 (no 5th letter); J(o) -> O2; male -> 1.
        ("Farr", "Jo", dt.date(1990, 10, 1), "M", DEX, "AR2O2011019901"),
        # The first and last years DEX accepts.
        ("Jones", "Robert", dt.date(1900, 1, 1), "M", DEX, "ONSOB010119001"),
        ("Jones", "Robert", dt.date(2999, 12, 31), "X", DEX, "ONSOB311229993"),
        # A one-letter family name: 999 under DEX, 222 under METeOR (O -> O2222 -> 222).
        ("O", "Jo", dt.date(1970, 1, 1), "F", DEX, "999O2010119702"),
        ("O", "Jo", dt.date(1970, 1, 1), "F", METEOR, "222O2010119702"),
        # METeOR accepts any four-digit year, 0001 and 9999 included.
        ("Hua", "Elizabeth", dt.date(1, 1, 1), None, METEOR, "UA2LI010100019"),
        ("Hua", "Elizabeth", dt.date(9999, 12, 31), "2", METEOR, "UA2LI311299992"),
    ],
)
def test_keys_worked_by_hand(
    family: str, given: str, born: dt.date, sex: str | None, policy: SlkPolicy, key: str
) -> None:
    assert generate(family, given, born, sex, policy=policy) == key
    assert generate_many([(family, given, born, sex)], policy=policy) == [key]
    assert validate(key, policy=policy) == key


def test_parts_read_each_field_from_its_own_place() -> None:
    # Day 23, month 11, year 1985: a two-digit month catches a slice off by one.
    split = parts("MIHLI231119852")
    assert (split.family, split.given, split.birth_date, split.sex) == (
        "MIH",
        "LI",
        dt.date(1985, 11, 23),
        "2",
    )
    # 222 and the year 1850 are METeOR's only: the policy must reach the validation.
    assert parts("222O2040318502", policy=METEOR).birth_date == dt.date(1850, 3, 4)
    with pytest.raises(InvalidSlkDate):
        parts("MIHLI040318502")


@pytest.mark.parametrize(
    ("key", "dex", "meteor"),
    [
        ("MIHLI010119001", True, True),  # 1900: DEX's first year
        ("MIHLI311218991", False, True),  # 1899
        ("MIHLI311229991", True, True),  # 2999: DEX's last year
        ("MIHLI010130001", False, True),  # 3000
        ("MIHLI010100011", False, True),  # year 1: METeOR's first
    ],
)
def test_validation_at_the_year_bounds(key: str, dex: bool, meteor: bool) -> None:
    for policy, valid in ((DEX, dex), (METEOR, meteor)):
        if valid:
            assert validate(key, policy=policy) == key
        else:
            with pytest.raises(InvalidSlkDate):
                validate(key, policy=policy)


PREFIX = "cannot build an SLK-581: "


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("Smith", 12, "1990-01-01", "F"), "given_name must be text or None"),
        ((12, "Jo", "1990-01-01", "F"), "family_name must be text or None"),
        (("Smith", "Jo", "01/01/1990", "F"), "birth_date must be a real date written YYYY-MM-DD"),
        (
            ("Smith", "Jo", dt.datetime(1990, 1, 1, tzinfo=dt.UTC), "F"),
            "birth_date must be a date (not a datetime)",
        ),
        (
            ("Smith", "Jo", dt.date(1899, 12, 31), "F"),
            "birth_date must fall in the years 1900-2999",
        ),
        (("Smith", "Jo", dt.date(3000, 1, 1), "F"), "birth_date must fall in the years 1900-2999"),
        (("Smith", "Jo", "1990-01-01", 1.0), "sex must be a code, a letter or a word, or None"),
        (("Smith", "Jo", "1990-01-01", True), "sex must be a code, a letter or a word, or None"),
        (
            ("Smith", "Jo", "1990-01-01", "Q"),
            "sex is not a recognised sex or gender (use 1/2/3/9, M/F/X/U or a word)",
        ),
    ],
)
def test_refusals_say_exactly_what_is_wrong(arguments: tuple[object, ...], message: str) -> None:
    with pytest.raises(InvalidSlkInput) as caught:
        generate(*arguments)  # type: ignore[arg-type]
    assert str(caught.value) == PREFIX + message


def test_sex_code_refuses_a_bool_as_not_a_code() -> None:
    with pytest.raises(InvalidSlkInput) as caught:
        sex_code(True)
    assert caught.value.reason == "must be a code, a letter or a word, or None"


@pytest.mark.parametrize(("year", "born"), [(1, dt.date(1, 1, 1)), (9999, dt.date(9999, 1, 1))])
def test_estimated_birth_dates_at_the_bounds(year: int, born: dt.date) -> None:
    assert estimated_birth_date(year) == born


@pytest.mark.parametrize("year", [0, 10_000, -5, True, 1990.0, "1990"])
def test_estimated_birth_dates_refused(year: object) -> None:
    with pytest.raises(InvalidSlkInput) as caught:
        estimated_birth_date(year)  # type: ignore[arg-type]
    assert str(caught.value) == (
        PREFIX + "birth_date estimated year must be a whole number from 1 to 9999"
    )
    assert caught.value.field == "birth_date"


def test_parts_print_nothing_personal_in_hypothesis_output() -> None:
    from hypothesis.vendor.pretty import pretty

    split = parts("MIHLI231119852")
    assert pretty(split) == repr(split) == "SlkParts()"
