"""The id guard: what an id reveals about its client, and ids that reveal nothing."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dexcore._idguard import _dates
from dexcore.errors import DexValueError
from dexcore.privacy import IdLeak, identifier_leaks, new_client_id
from dexcore.slk import generate
from dexcore.testing import strategies

PERSON = {
    "given_name": "Jo-Anne",
    "family_name": "O'Mara",
    "birth_date": dt.date(1984, 3, 12),
    "slk": "MAAOA120319842",
}


@pytest.mark.parametrize(
    ("identifier", "leak"),
    [
        ("MARA-01", IdLeak.NAME),
        ("omara", IdLeak.NAME),
        ("C-ANN-7", IdLeak.NAME),
        ("JO1984", IdLeak.INITIALS),
        ("OJ-0042", IdLeak.INITIALS),
        ("0042-JO", IdLeak.INITIALS),
        ("X0042JO", IdLeak.INITIALS),
        ("12031984", IdLeak.BIRTH_DATE),
        ("C-840312", IdLeak.BIRTH_DATE),
        ("A120384Z", IdLeak.BIRTH_DATE),
        ("1984-03-12", IdLeak.BIRTH_DATE),
        ("12/03/1984", IdLeak.BIRTH_DATE),
        ("12.3.1984", IdLeak.BIRTH_DATE),
        ("X-12-03-84", IdLeak.BIRTH_DATE),  # no run of four digits, yet a birth date
        ("12/3/1984", IdLeak.BIRTH_DATE),
        ("MAAOA", IdLeak.SLK),
        ("X-MAAOA120319842", IdLeak.SLK),
        ("someone@example.org", IdLeak.EMAIL),
        ("0412 345 678", IdLeak.PHONE),
        ("+61 2 9876 5432", IdLeak.PHONE),
        ("123456782", IdLeak.TFN),
        ("123-456-782", IdLeak.TFN),
        ("2123456701", IdLeak.MEDICARE),
        ("CLIENT-ANDREW", IdLeak.COMMON_NAME),
    ],
)
def test_leaks_are_found(identifier: str, leak: IdLeak) -> None:
    assert leak in identifier_leaks(identifier, **PERSON)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "identifier", ["C00001", "K7P3X9M2Q4T8", "FAM-001", "AB12", "2024-0001", "123456789", "X-9"]
)
def test_ordinary_ids_pass(identifier: str) -> None:
    assert identifier_leaks(identifier, **PERSON) == frozenset()  # type: ignore[arg-type]


def test_slk_parts_without_letters_are_not_leaks() -> None:
    """A client with no names has the SLK name part 99999, which ids may contain innocently."""
    nameless = {"birth_date": dt.date(1990, 5, 6), "slk": "99999060519909"}
    assert identifier_leaks("C99999", **nameless) == frozenset()  # type: ignore[arg-type]
    assert IdLeak.SLK in identifier_leaks("X99999060519909", **nameless)  # type: ignore[arg-type]


def test_only_common_names_are_not_errors() -> None:
    assert [leak for leak in IdLeak if not leak.is_error] == [IdLeak.COMMON_NAME]


def test_new_client_id_shape() -> None:
    ids = {new_client_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(len(i) == 12 and i.isalnum() and i.isupper() for i in ids)
    assert len(new_client_id(50)) == 50
    for length in (1, 51):
        with pytest.raises(DexValueError):
            new_client_id(length)


people = st.tuples(
    strategies.names(),
    strategies.names(),
    st.dates(dt.date(1900, 1, 1), dt.date(2024, 12, 31)),
)


@given(people, st.integers(2, 50))
def test_new_client_id_passes_for_everyone(person: tuple[str, str, dt.date], length: int) -> None:
    given_name, family_name, born = person
    slk = generate(family_name, given_name, born, "F")
    leaks = identifier_leaks(
        new_client_id(length),
        given_name=given_name,
        family_name=family_name,
        birth_date=born,
        slk=slk,
    )
    assert leaks == frozenset()


@given(people, st.sampled_from(["name", "date", "slk"]), st.sampled_from(["", "C-", "X9"]))
def test_embedded_fragments_are_always_found(
    person: tuple[str, str, dt.date], kind: str, prefix: str
) -> None:
    given_name, family_name, born = person
    slk = generate(family_name, given_name, born, "M")
    plain = unicodedata.normalize("NFKD", family_name).encode("ascii", "ignore").decode()
    letters = "".join(ch for ch in plain.upper() if "A" <= ch <= "Z")
    assume(kind != "name" or len(letters) >= 3)  # shorter names have no 3-letter fragment
    fragment = {"name": letters[:3], "date": born.strftime("%d%m%Y"), "slk": slk}[kind]
    leaks = identifier_leaks(
        f"{prefix}{fragment}-01",
        given_name=given_name,
        family_name=family_name,
        birth_date=born,
        slk=slk,
    )
    assert any(leak.is_error for leak in leaks)


# -- what a privacy officer expects caught (issue #15), and what must still pass ---------------

WEI_LI = {"given_name": "Wei", "family_name": "Li"}
HA_NG = {"given_name": "Ha", "family_name": "Ng"}
PETROV = {"given_name": "Пётр", "family_name": "Петров"}
WANG_WEI = {"given_name": "伟", "family_name": "王"}
BORN_1937 = {"birth_date": dt.date(1937, 3, 14)}


@pytest.mark.parametrize(
    ("identifier", "person", "leak"),
    [
        # A whole short family name, or both short names run together.
        ("LI-2041", WEI_LI, IdLeak.NAME),
        ("2041-LI", WEI_LI, IdLeak.NAME),
        ("LÍ-42", WEI_LI, IdLeak.NAME),
        ("NG-HA", HA_NG, IdLeak.NAME),
        ("HANG01", HA_NG, IdLeak.NAME),
        ("C-NGHA-7", HA_NG, IdLeak.NAME),
        # Names in the client's own script.
        ("ПЕТРОВ-01", PETROV, IdLeak.NAME),
        ("петр7", PETROV, IdLeak.NAME),
        ("王伟001", WANG_WEI, IdLeak.NAME),
        ("C-王-001", WANG_WEI, IdLeak.NAME),
        # Birth dates with month names, unpadded parts, blanks, two-digit years.
        ("14MAR1937", BORN_1937, IdLeak.BIRTH_DATE),
        ("14-Mar-37", BORN_1937, IdLeak.BIRTH_DATE),
        ("X14march37", BORN_1937, IdLeak.BIRTH_DATE),
        ("March 14, 1937", BORN_1937, IdLeak.BIRTH_DATE),
        ("1937MAR14", BORN_1937, IdLeak.BIRTH_DATE),
        ("1937-3-14", BORN_1937, IdLeak.BIRTH_DATE),
        ("14 03 1937", BORN_1937, IdLeak.BIRTH_DATE),
        ("3/14/37", BORN_1937, IdLeak.BIRTH_DATE),
        ("14.3.37", BORN_1937, IdLeak.BIRTH_DATE),
        ("C_14_03_1937", BORN_1937, IdLeak.BIRTH_DATE),
        ("031437", BORN_1937, IdLeak.BIRTH_DATE),
        # Eight-digit (older) tax file numbers, plain or 3-3-2.
        ("12345679", {}, IdLeak.TFN),
        ("123 456 79", {}, IdLeak.TFN),
        ("TFN-123-456-79", {}, IdLeak.TFN),
    ],
)
def test_new_catches(identifier: str, person: dict[str, object], leak: IdLeak) -> None:
    assert leak in identifier_leaks(identifier, **person)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("identifier", "person"),
    [
        # Two letters of a short name inside a longer word are a coincidence.
        ("CLIENT-0042", WEI_LI),
        ("LIAM2041", WEI_LI),
        ("CLIENTÉ-42", WEI_LI),
        ("HAM-001", HA_NG),
        ("NGX-77", HA_NG),
        ("K7P3X9M2Q4T8", WEI_LI | BORN_1937),
        # Another person's script name, or a one-character name inside a longer word.
        ("ИВАНОВ-01", PETROV),
        ("李娜-001", WANG_WEI),
        ("王府井-7", WANG_WEI),
        # Dates that are not the birth date; words that start like a month.
        ("C-14-03-2024", BORN_1937),
        ("14-03-1938", BORN_1937),
        ("MARKET-37-14", BORN_1937),
        ("DEC-1937", BORN_1937),
        # Eight digits that fail the checksum, are a date, or are not written as one number.
        ("K-12345678", {}),
        ("123 456 78", {}),
        ("20240315", {}),
        ("2024-0042", {}),
        ("S-2024-0001", {}),
    ],
)
def test_ids_that_must_not_be_flagged(identifier: str, person: dict[str, object]) -> None:
    leaks = identifier_leaks(identifier, **person)  # type: ignore[arg-type]
    assert not any(leak.is_error for leak in leaks)


@given(st.sampled_from(["Li", "Ng", "Ha", "Wu", "Xu", "Oh"]), st.integers(0, 9999))
def test_a_whole_short_name_is_caught_beside_any_number(name: str, number: int) -> None:
    person = {"given_name": "Zed", "family_name": name}
    assert IdLeak.NAME in identifier_leaks(f"{name.upper()}-{number}", **person)  # type: ignore[arg-type]
    assert IdLeak.NAME not in identifier_leaks(f"Q{name.upper()}Q-{number}", **person)  # type: ignore[arg-type]


_ID_TEXT = st.text(alphabet="0123456789-/. _abcjanmar", max_size=16)


@given(_ID_TEXT)
def test_numeric_dates_prefilter_finds_what_the_full_pattern_finds(lowered: str) -> None:
    """The quick look for "digit, separator, digit" never hides a date the full pattern reads."""
    filtered = list(_dates._numeric_dates(lowered))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_dates, "_DIGIT_SEP_DIGIT", re.compile(""))  # matches anything
        unfiltered = list(_dates._numeric_dates(lowered))
    assert filtered == unfiltered


@pytest.mark.parametrize(
    ("identifier", "dated"),
    [("1984-03-12", True), ("C 12.3.84", True), ("3_12_1984x", True), ("S0000", False)],
)
def test_numeric_dates_with_and_without_separators(identifier: str, dated: bool) -> None:
    """Dates written with each separator are still read; a plain run of digits is not one."""
    assert bool(list(_dates._numeric_dates(identifier.lower()))) is dated
