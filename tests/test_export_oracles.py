"""Unit-record exports and the export history, worked by hand and word for word.

The coarsening policies' metadata, ages, bands, group labels, the order of records, links,
and each refusal of an export or of the history, written out by hand (the release desk's
side is in ``test_privacy_wording.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from typing import Any

import attrs
import pytest

from dexcore.errors import DexValueError, DisclosureRefused
from dexcore.model import (
    AtsiOrigin,
    Dataset,
    Gender,
    Session,
    SessionClient,
)
from dexcore.privacy import (
    ExportHistory,
    UnitRecordExport,
    deidentify,
    export_unit_records,
    k_anonymity,
)
from dexcore.privacy._groups import group_label
from dexcore.privacy.exports import (
    DETAILED,
    MINIMAL,
    STANDARD,
    CoarseningPolicy,
    Geography,
    KAnonymity,
    UnitRecord,
)
from dexcore.privacy.linkage import validate_link_key
from privacy_people import KEY, ON, people, person

# -- the coarsening policies ----------------------------------------------------------------------


def test_the_policies_describe_themselves() -> None:
    assert STANDARD.describe() == {
        "name": "standard",
        "age_bands": [0, 15, 25, 45, 65],
        "geography": "state",
        "session_bands": [0, 1, 5, 10, 20],
        "quasi_identifiers": [
            "age_band",
            "region",
            "gender",
            "atsi",
            "cald",
            "disability",
            "sessions",
        ],
    }
    assert MINIMAL.describe() == {
        "name": "minimal",
        "age_bands": [0, 25, 65],
        "geography": "state",
        "session_bands": None,
        "quasi_identifiers": ["age_band", "region", "gender"],
    }


def test_each_policy_says_how_each_field_is_coarsened() -> None:
    assert DETAILED.coarsening() == {
        "age_band": (0, 10, 20, 30, 40, 50, 60, 70, 80),
        "region": "postcode",
        "gender": "kept",
        "atsi": "kept",
        "cald": "kept",
        "disability": "kept",
        "sessions": (0, 1, 2, 5, 10, 20, 50),
    }
    nowhere = attrs.evolve(MINIMAL, geography=Geography.NONE)
    assert nowhere.coarsening() == {"age_band": (0, 25, 65), "gender": "kept"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"age_bands": (1, 10)}, "CoarseningPolicy.age_bands must start at 0 and ascend strictly"),
        (
            {"age_bands": (0, 10), "session_bands": (0, 5, 5)},
            "CoarseningPolicy.session_bands must start at 0 and ascend strictly, or be None",
        ),
        (
            {"age_bands": (0, 10), "geography": "state"},
            "CoarseningPolicy.geography must be a Geography",
        ),
    ],
)
def test_a_bad_policy_is_refused_in_these_words(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(DexValueError) as caught:
        CoarseningPolicy(name="bad", **changes)
    assert str(caught.value) == message


# -- unit-record exports ----------------------------------------------------------------------


def test_ages_turn_on_the_birthday_and_never_go_below_zero() -> None:
    # Bands of single years to 11, then 11+: the band is the age.
    yearly = CoarseningPolicy(name="yearly", age_bands=tuple(range(12)), session_bands=None)
    births = {
        "born on 15 January 2015": dt.date(2015, 1, 15),  # 10 today
        "born on 16 January 2015": dt.date(2015, 1, 16),  # 9 until tomorrow
        "born after the day": dt.date(2025, 3, 1),  # not born yet: 0, not -1
    }
    bands = {}
    for what, born in births.items():
        clients = tuple(people(range(2), birth_date=born))
        export = export_unit_records(Dataset(clients=clients), as_of=ON, policy=yearly, k=2)
        bands[what] = export.records[0].age_band
    assert bands == {
        "born on 15 January 2015": "10",
        "born on 16 January 2015": "9",
        "born after the day": "0",
    }


def test_sessions_attended_are_counted_once_per_session() -> None:
    # Clients 0 and 1 attend one session each, 2 and 3 attend two (client 2 is listed twice
    # in its first session, still one attendance). DETAILED bands: "1" and "2-4".
    def session(number: int, *attendees: int) -> Session:
        return Session(
            session_id=f"S{number}",
            case_id="CASE1",
            session_date=ON,
            service_type_id=1,
            clients=tuple(SessionClient(client_id=f"K{a:04d}") for a in attendees),
        )

    data = Dataset(
        clients=tuple(people(range(4))),
        sessions=(session(1, 0, 2, 2, 3), session(2, 1, 2, 3)),
    )
    export = export_unit_records(data, as_of=ON, policy=DETAILED, k=2)
    assert sorted(r.sessions or "" for r in export.records) == ["1", "1", "2-4", "2-4"]


def test_an_export_keeps_only_what_its_policy_keeps() -> None:
    data = Dataset(clients=tuple(people(range(5))))
    minimal = export_unit_records(data, as_of=ON, policy=MINIMAL)
    assert minimal.records[0].to_dict() == {
        "record": 1,
        "age_band": "25-64",
        "region": "ACT",
        "gender": "FEMALE",
    }
    nowhere = attrs.evolve(STANDARD, geography=Geography.NONE)
    assert export_unit_records(data, as_of=ON, policy=nowhere).records[0].to_dict() == {
        "record": 1,
        "age_band": "25-44",
        "gender": "FEMALE",
        "atsi": "no",
        "cald": "no",
        "disability": "no",
        "sessions": "0",
    }
    assert export_unit_records(data, as_of=ON, policy=DETAILED).records[0].region == "2611"
    sexless = attrs.evolve(MINIMAL, gender=False)
    assert export_unit_records(data, as_of=ON, policy=sexless).records[0].to_dict() == {
        "record": 1,
        "age_band": "25-64",
        "region": "ACT",
    }


def test_an_export_as_plain_data() -> None:
    data = Dataset(clients=tuple(people(range(5))))
    export = export_unit_records(data, as_of=ON, policy=MINIMAL, k=3)
    record = {"age_band": "25-64", "region": "ACT", "gender": "FEMALE"}
    assert export.to_dict() == {
        "policy": MINIMAL.describe(),
        "as_of": "2025-01-15",
        "k": 5,
        "required_k": 3,
        "suppressed": 0,
        "records": [{"record": n, **record} for n in range(1, 6)],
    }
    assert export.anonymity == KAnonymity(
        k=5,
        required=3,
        quasi_identifiers=("age_band", "region", "gender"),
        records=5,
        classes=1,
        small_classes=0,
        records_in_small_classes=0,
    )


def test_k_anonymity_asks_for_five_by_default_and_is_zero_for_nothing() -> None:
    records = tuple(UnitRecord(record=n, age_band="0-14") for n in range(1, 5))
    assert k_anonymity(records, ("age_band",)) == KAnonymity(
        k=4,
        required=5,
        quasi_identifiers=("age_band",),
        records=4,
        classes=1,
        small_classes=1,
        records_in_small_classes=4,
    )
    assert k_anonymity((), ("age_band",)).k == 0


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"dataset": []}, "dataset must be a Dataset"),
        ({"as_of": "2025-01-15"}, "as_of must be a datetime.date, not a datetime"),
        ({"policy": "standard"}, "policy must be a CoarseningPolicy"),
        ({"k": 1}, "k must be a whole number of at least 2"),
        ({"small_classes": "drop"}, 'small_classes must be "refuse" or "suppress"'),
        ({"history": []}, "history must be an ExportHistory"),
    ],
)
def test_each_bad_export_argument_is_named(changes: dict[str, Any], problem: str) -> None:
    arguments: dict[str, Any] = {"dataset": Dataset(clients=tuple(people(range(5)))), "as_of": ON}
    arguments |= changes
    with pytest.raises(DexValueError) as caught:
        export_unit_records(arguments.pop("dataset"), **arguments)
    assert str(caught.value) == f"export_unit_records: {problem} [export.bad-argument]"


def test_deidentify_refuses_anything_else_in_these_words() -> None:
    with pytest.raises(DexValueError) as caught:
        deidentify(["K0001"])  # type: ignore[call-overload]
    assert str(caught.value) == "deidentify takes a Client or a Dataset"


def test_a_refused_export_says_how_many_records_in_how_many_combinations() -> None:
    # Five women (one combination, exactly k = 5: not small) and one man (small).
    data = Dataset(clients=(*people(range(5)), person(9, gender=Gender.MALE)))
    with pytest.raises(DisclosureRefused) as caught:
        export_unit_records(data, as_of=ON, policy=MINIMAL)
    assert caught.value.reason == (
        "1 record(s) in 1 combination(s) of age_band, region, gender are shared by fewer than "
        "5 records (k = 1); use a coarser policy or small_classes='suppress'"
    )
    with pytest.raises(DisclosureRefused) as caught:
        export_unit_records(data, as_of=ON, policy=MINIMAL, link_key=KEY)
    assert caught.value.reason == (
        "1 record(s) in 1 combination(s) of age_band, region, gender and whether a record has "
        "a link are shared by fewer than 5 records (k = 1); use a coarser policy or "
        "small_classes='suppress'"
    )


def test_records_are_numbered_in_the_order_of_their_values_then_links() -> None:
    # Two clients born 1950 (band 65+) come after five born 1980 (25-64), whatever the
    # dataset's order; within a band, records without a link come first, then by link.
    older = people(range(10, 12), birth_date=dt.date(1950, 1, 1))
    unlinked = people(
        range(20, 22), slk=None, consent_to_provide_details=True, given_name=None, family_name=None
    )
    data = Dataset(clients=(*older, *people(range(3)), *unlinked))
    export = export_unit_records(data, as_of=ON, policy=MINIMAL, k=2, link_key=KEY)
    bands = [r.age_band for r in export.records]
    assert bands == ["25-64"] * 5 + ["65+"] * 2  # MINIMAL: 0-24, 25-64, 65+
    links = [r.link for r in export.records[:5]]
    assert links[:2] == [None, None]
    assert links[2:] == sorted(links[2:])  # type: ignore[type-var]


def test_a_link_is_twenty_hex_digits_of_the_keyed_hash_even_for_odd_slks() -> None:
    # HMAC-SHA256 of the SLK under the key (RFC 2104), its first 20 hex digits; a letter
    # outside ASCII in an SLK typed by hand is hashed as "?".
    accented = people(range(2), slk="ZQVÉL150619802")
    export = export_unit_records(Dataset(clients=tuple(accented)), as_of=ON, k=2, link_key=KEY)
    expected = hmac.new(KEY, b"ZQV?L150619802", hashlib.sha256).hexdigest()[:20]
    assert [r.link for r in export.records] == [expected, expected]


def test_the_priority_group_labels() -> None:
    labels = [
        group_label("atsi", person(1, atsi_origin=origin))
        for origin in (AtsiOrigin.ABORIGINAL, AtsiOrigin.NO, AtsiOrigin.NOTSTATED)
    ]
    assert labels == ["yes", "no", "not stated"]
    assert group_label("cald", person(1, language_spoken_at_home="2201")) == "yes"


# -- the export history ---------------------------------------------------------------------------


def _export(records: Sequence[tuple[str, str | None]], *, k: int = 2) -> UnitRecordExport:
    """An export as a caller may hand one to :meth:`ExportHistory.admit`: (age band, link)."""
    built = tuple(
        UnitRecord(record=n, age_band=band, region="ACT", gender="FEMALE", link=link)
        for n, (band, link) in enumerate(records, 1)
    )
    names = MINIMAL.quasi_identifiers
    return UnitRecordExport(
        records=built, policy=MINIMAL, as_of=ON, anonymity=k_anonymity(built, names, required=k)
    )


def test_an_export_that_drops_a_small_earlier_group_is_a_difference() -> None:
    # The first export (k = 2) showed 5 clients aged 25-44 and 2 aged 65+. The second (k = 5)
    # shows the same 5 alone: the 2 who left are singled out, by 2 < 5 records.
    history = ExportHistory()
    first = [("25-44", None)] * 5 + [("65+", None)] * 2
    history.admit(_export(first), clients=[f"K{n}" for n in range(7)], k=2)
    with pytest.raises(DisclosureRefused) as caught:
        history.admit(_export(first[:5], k=5), clients=[f"K{n}" for n in range(5)], k=5)
    assert str(caught.value) == (
        "1 combination(s) of age_band, region, gender differ from an earlier export to this "
        "audience by 1 to 4 record(s), which would single those records out; export the same "
        "population again, wait for larger changes, or coarsen [export.difference]"
    )


def test_an_export_with_other_fields_is_refused_in_these_words() -> None:
    history = ExportHistory()
    history.admit(_export([("25-44", None)] * 5), clients=["K1"], k=2)
    coarser = attrs.evolve(MINIMAL, age_bands=(0, 30))
    other = attrs.evolve(_export([("25-44", None)] * 5), policy=coarser)
    with pytest.raises(DisclosureRefused) as caught:
        history.admit(other, clients=["K1"], k=2)
    assert caught.value.reason == (
        "an export to an audience that holds an earlier export of some of the same clients must "
        "keep the same quasi-identifiers coarsened the same way, or a subset or superset of "
        "them; use the earlier policy, or a separate audience"
    )


def test_records_without_a_link_are_counted_against_k() -> None:
    links = [f"L{n}" for n in range(6)]
    linked = [("25-44", link) for link in links]
    # Exactly k = 2 records without a link: admitted.
    history = ExportHistory()
    history.admit(_export(linked), clients=["A"], k=2, link_key=KEY)
    history.admit(
        _export([*linked, ("25-44", None), ("25-44", None)]), clients=["B"], k=2, link_key=KEY
    )
    # One record without a link among linked ones is followed as "the one without".
    history = ExportHistory()
    history.admit(_export(linked), clients=["A"], k=2, link_key=KEY)
    with pytest.raises(DisclosureRefused) as caught:
        history.admit(_export([*linked, ("25-44", None)]), clients=["B"], k=2, link_key=KEY)
    assert caught.value.rule == "export.linkage"
    assert caught.value.reason == (
        "an export to this audience made with the same link_key holds fewer than 2 record(s) "
        "without a link, which can be followed across exports as the ones without; use a new "
        "link_key for this export, or none"
    )


def test_a_join_on_the_link_that_isolates_records_is_refused_in_these_words() -> None:
    # L0 and L1 were 25-44 in the first export and are 65+ in the second: the pair of bands
    # is shared by 2 links, fewer than k = 3; the four others keep theirs (a class of 4).
    history = ExportHistory()
    first = [("25-44", f"L{n}") for n in range(6)]
    history.admit(_export(first, k=3), clients=["A"], k=3, link_key=KEY)
    second = [("65+", "L0"), ("65+", "L1"), *first[2:]]
    with pytest.raises(DisclosureRefused) as caught:
        history.admit(_export(second, k=2), clients=["B"], k=2, link_key=KEY)
    assert caught.value.reason == (
        "joined on the link with 1 earlier export(s) to this audience, 2 link(s) fall in 1 "
        "combination(s) of fewer than 3; use a new link_key for this export, or none"
    )
    # Three links, all linked: the join is the only problem, not the unlinked count.
    history = ExportHistory()
    history.admit(_export(first, k=3), clients=["A"], k=3, link_key=KEY)
    with pytest.raises(DisclosureRefused) as caught:
        history.admit(
            _export([("25-44", f"M{n}") for n in range(2)]), clients=["B"], k=3, link_key=KEY
        )
    assert caught.value.reason.startswith("joined on the link with 1 earlier export(s)")


def test_admit_needs_a_whole_k_of_at_least_two() -> None:
    for k in (1, True, "5"):
        with pytest.raises(DexValueError) as caught:
            ExportHistory().admit(_export([]), clients=[], k=k)  # type: ignore[arg-type]
        assert str(caught.value) == (
            "ExportHistory.admit: k must be a whole number of at least 2 [export.bad-argument]"
        )


def test_any_client_id_can_be_remembered() -> None:
    # A lone surrogate cannot be encoded as UTF-8 strictly; the history still keeps it.
    history = ExportHistory()
    history.admit(_export([("25-44", None)] * 2), clients=["K\ud800"], k=2)
    assert len(history) == 1


@pytest.mark.parametrize(
    ("key", "accepted"),
    [
        (b" bcdefghijklmnopq", False),  # 17 printable bytes, a space among them: text
        (b"abcdefghijklmno\x7f", True),  # DEL is not printable: 16 bytes of binary
        (b"abcdefghijklmno\x1f", True),
    ],
)
def test_the_printable_range_of_link_keys(key: bytes, accepted: bool) -> None:
    if accepted:
        assert validate_link_key(key) == key
    else:
        with pytest.raises(DexValueError):
            validate_link_key(key)


def test_an_slk_that_cannot_be_made_stays_missing() -> None:
    # DEX takes SLK birth years from 1900 on: born 1850, the names go and no key is made up.
    named = person(1, slk=None, consent_to_provide_details=True, given_name="Vabbo",
                   family_name="Quollbyn", birth_date=dt.date(1850, 1, 1))  # fmt: skip
    plain = deidentify(named)
    assert (plain.slk, plain.given_name, plain.family_name) == (None, None, None)


def test_a_link_shared_by_two_records_is_joined_on_both_rows() -> None:
    # Two people may share an SLK, so a link may carry two rows. L0 and L1 each carry a
    # 25-64 row and a 65+ row in both exports, listed in another order in one of them: as
    # pairs of rows they are alike, one class of 2 links, so k = 2 holds.
    young, old = ("25-64", "L0"), ("65+", "L0")
    first = [young, old, ("65+", "L1"), ("25-64", "L1")]
    second = [young, old, ("25-64", "L1"), ("65+", "L1")]
    history = ExportHistory()
    history.admit(_export(first), clients=["A"], k=2, link_key=KEY)
    history.admit(_export(second), clients=["B"], k=2, link_key=KEY)
    assert len(history) == 2
    # A row may lack a field (an export built by hand): the rows still sort.
    both = tuple(
        UnitRecord(record=1, age_band="25-64", region=region, gender="FEMALE", link=link)
        for link in ("L8", "L9")
        for region in (None, "ACT")
    )
    assert _admitted_twice(both) == 2


def _admitted_twice(records: tuple[UnitRecord, ...]) -> int:
    """How many exports a history holds once it has admitted ``records``, linked, twice."""
    built = UnitRecordExport(
        records=records,
        policy=MINIMAL,
        as_of=ON,
        anonymity=k_anonymity(records, MINIMAL.quasi_identifiers, required=2),
    )
    history = ExportHistory()
    history.admit(built, clients=["A"], k=2, link_key=KEY)
    history.admit(built, clients=["B"], k=2, link_key=KEY)
    return len(history)


def test_a_missing_field_sorts_apart_from_an_empty_one() -> None:
    # L8 and L9 each carry one row without a region and one with an empty region, listed in
    # opposite orders. As pairs of rows they are alike (one class of 2 links, k = 2 holds)
    # only if the rows sort the same whatever their order: a missing value must not tie
    # with an empty one (or with any other text), or the order given decides the class.
    def rows(regions: tuple[str | None, str | None], link: str) -> tuple[UnitRecord, ...]:
        return tuple(
            UnitRecord(record=1, age_band="25-64", region=region, gender="FEMALE", link=link)
            for region in regions
        )

    for other in ("", "XXXX", "ACT"):
        both = (*rows((None, other), "L8"), *rows((other, None), "L9"))
        assert _admitted_twice(both) == 2, other
