"""The id guard: what an id reveals about its client, and ids that reveal nothing."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    if kind == "name" and len(letters) < 3:
        return
    fragment = {"name": letters[:3], "date": born.strftime("%d%m%Y"), "slk": slk}[kind]
    leaks = identifier_leaks(
        f"{prefix}{fragment}-01",
        given_name=given_name,
        family_name=family_name,
        birth_date=born,
        slk=slk,
    )
    assert any(leak.is_error for leak in leaks)
