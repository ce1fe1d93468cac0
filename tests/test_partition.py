"""Cutting a dataset into parts of whole cases: nothing lost, nothing split, KPIs unchanged."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dexcore.errors import DexValueError
from dexcore.kpi import KpiPartial, kpi_partial, kpi_report, standard_kpis
from dexcore.model import (
    AtsiOrigin,
    Case,
    Client,
    Dataset,
    Gender,
    ResidentialAddress,
    Session,
    SessionClient,
    State,
    part_of_case,
    partition_by_case,
)
from dexcore.periods import ReportingPeriod
from dexcore.testing import strategies

DATASETS = strategies.datasets(
    max_clients=6, max_cases=4, first_day=dt.date(2024, 1, 1), last_day=dt.date(2024, 12, 31)
)


@given(DATASETS, st.integers(1, 5))
def test_each_case_goes_whole_to_exactly_one_part(dataset: Dataset, parts: int) -> None:
    pieces = partition_by_case(dataset, parts)
    assert len(pieces) == parts
    for collection in ("cases", "sessions", "client_assessments", "session_assessments"):
        found = Counter(record for piece in pieces for record in getattr(piece, collection))
        assert found == Counter(getattr(dataset, collection)), collection
    named_anywhere: set[str] = set()
    for piece in pieces:
        named_anywhere |= {c.client_id for case in piece.cases for c in case.clients}
        named_anywhere |= {c.client_id for s in piece.sessions for c in s.clients}
        named_anywhere |= {a.client_id for a in piece.client_assessments}
    for n, piece in enumerate(pieces):
        cases = {case.case_id for case in piece.cases}
        assert {s.case_id for s in piece.sessions} <= cases
        assert {a.case_id for a in piece.client_assessments} <= cases
        # Every client a part names is in it; a client nobody names is in its hash's part only.
        named = {c.client_id for case in piece.cases for c in case.clients}
        named |= {c.client_id for s in piece.sessions for c in s.clients}
        named |= {a.client_id for a in piece.client_assessments}
        unnamed = {c for c in dataset.client_by_id if c not in named_anywhere}
        homed = {c for c in unnamed if part_of_case(c, parts) == n}
        assert {c.client_id for c in piece.clients} == (named & set(dataset.client_by_id)) | homed


@given(DATASETS, st.integers(1, 5))
def test_kpis_over_the_parts_equal_one_pass(dataset: Dataset, parts: int) -> None:
    period = ReportingPeriod.parse("2024-H2")
    partials = [kpi_partial(piece, period) for piece in partition_by_case(dataset, parts)]
    merged = functools.reduce(KpiPartial.merge, partials)
    assert kpi_report(merged).to_dict() == standard_kpis(dataset, period).to_dict()


def _client(client_id: str) -> Client:
    return Client(
        client_id=client_id,
        consent_to_provide_details=False,
        consented_for_future_contacts=False,
        slk="AAABB010119801",
        birth_date=dt.date(1980, 1, 1),
        gender=Gender.NOTSTATED,
        atsi_origin=AtsiOrigin.NO,
        country_of_birth="1101",
        language_spoken_at_home="1201",
        residential_address=ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800"),
    )


def test_no_record_is_lost_even_when_nothing_names_it() -> None:
    """A client no case names, and a session whose case is missing, still land in a part."""
    orphan = Session(
        session_id="S1", case_id="GONE", session_date=dt.date(2024, 7, 1), service_type_id=1,
        clients=[SessionClient(client_id="C2")],
    )  # fmt: skip
    data = Dataset(
        clients=[_client("C1"), _client("C2"), _client("LONER")],
        cases=[Case(case_id="K1", outlet_activity_id=1)],
        sessions=[orphan],
    )
    pieces = partition_by_case(data, 7)
    assert pieces[part_of_case("GONE", 7)].sessions == (orphan,)
    assert "C2" in pieces[part_of_case("GONE", 7)].client_by_id
    for client_id in ("C1", "LONER"):  # named by nothing: in the part their id hashes to
        homes = [n for n, piece in enumerate(pieces) if client_id in piece.client_by_id]
        assert homes == [part_of_case(client_id, 7)]
    assert sum(len(piece.clients) for piece in pieces) == 3


def test_the_part_of_a_case_is_stable() -> None:
    """CRC-32, not Python's salted hash: the same part in every process."""
    assert [part_of_case(case_id, 4) for case_id in ("K1", "K2", "FAM-001")] == [
        0x038A840B % 4,  # CRC-32 of b"K1"
        0x9A83D5B1 % 4,
        0x267B7EB6 % 4,
    ]


@pytest.mark.parametrize("parts", [0, -2, True, 1.5, "3", None])
def test_parts_is_a_whole_number(parts: object) -> None:
    with pytest.raises(DexValueError, match=r"\[partition\.parts\]"):
        partition_by_case(Dataset(), parts)  # type: ignore[arg-type]
