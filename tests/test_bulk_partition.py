"""Streaming a bulk file into parts: the parts of the whole, memory that follows the part."""

from __future__ import annotations

import datetime as dt
import gc
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dexcore.errors import DexValueError
from dexcore.io.bulk import read_bulk, write_bulk
from dexcore.io.partition import partition_bulk
from dexcore.model import (
    COPY,
    AtsiOrigin,
    Case,
    CaseClient,
    Client,
    Dataset,
    Gender,
    ParticipationType,
    ResidentialAddress,
    Session,
    SessionClient,
    State,
    partition_by_case,
    positions_in,
)
from dexcore.rules import CheckPartial, Entity, check, check_part
from dexcore.testing import strategies

TODAY = dt.date(2025, 3, 1)
DATASETS = strategies.datasets(
    max_clients=6, max_cases=5, first_day=dt.date(2024, 1, 1), last_day=dt.date(2024, 12, 31)
)


def _write(folder: Path, dataset: Dataset) -> Path:
    path = folder / "upload.xml"
    (content,) = write_bulk(dataset, max_bytes=1 << 30, pretty=False)
    path.write_bytes(content)
    return path


@settings(max_examples=25)
@given(DATASETS, st.integers(1, 4))
def test_the_parts_are_partition_by_case_of_the_whole_file(dataset: Dataset, size: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), dataset)
        whole = read_bulk(path)
        parts = list(partition_bulk(path, size))
    count = parts[0].parts
    assert count == max(1, -(-len(whole.cases) // size))
    assert [p.number for p in parts] == list(range(count))
    expected = partition_by_case(whole, count)
    assert [p.dataset for p in parts] == list(expected)
    assert [p.positions for p in parts] == list(positions_in(whole, expected))
    # The union of the parts' own records is the whole, each record once, at its place.
    for entity in Entity:
        owned = sorted(
            (place, record)
            for p in parts
            for place, record in zip(
                p.positions.of(entity.value), getattr(p.dataset, entity.value), strict=True
            )
            if place != COPY
        )
        assert [place for place, _ in owned] == list(range(len(getattr(whole, entity.value))))
        assert [r for _, r in owned] == list(getattr(whole, entity.value))
    merged = CheckPartial.merge_all(
        check_part(p.dataset, today=TODAY, positions=p.positions) for p in parts
    )
    assert merged.finish() == check(whole, today=TODAY)


@pytest.mark.parametrize("size", [0, -1, True, 2.5, "3"])
def test_cases_per_part_is_a_whole_number(size: object, tmp_path: Path) -> None:
    with pytest.raises(DexValueError, match=r"\[partition\.cases-per-part\]$"):
        next(partition_bulk(tmp_path / "none.xml", size))  # type: ignore[arg-type]
    with pytest.raises(DexValueError, match=r"\[partition\.buffer-bytes\]$"):
        next(partition_bulk(tmp_path / "none.xml", 5, buffer_bytes=size))  # type: ignore[arg-type]


def _client(n: int) -> Client:
    return Client(
        client_id=f"C{n:06d}",
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


def synthetic(cases: int) -> Dataset:
    """``cases`` cases of two clients and three sessions each."""
    clients = [_client(n) for n in range(2 * cases)]
    found_cases, sessions = [], []
    for k in range(cases):
        members = [clients[2 * k].client_id, clients[2 * k + 1].client_id]
        found_cases.append(
            Case(
                case_id=f"K{k:06d}",
                outlet_activity_id=1,
                clients=[CaseClient(client_id=c) for c in members],
            )
        )
        sessions += [
            Session(
                session_id=f"S{s}",
                case_id=f"K{k:06d}",
                session_date=dt.date(2024, 8, 1 + s),
                service_type_id=1,
                clients=[
                    SessionClient(client_id=c, participation=ParticipationType.CLIENT)
                    for c in members
                ],
            )
            for s in range(3)
        ]
    return Dataset(clients=clients, cases=found_cases, sessions=sessions)


def peak_while_partitioning(path: Path, size: int) -> int:
    """The peak of traced memory while every part is made and let go, the lower of two runs.

    The collector runs after each part, so that the peak does not depend on when its
    thresholds happen to fall; and the lower of two runs is kept, so that a one-off cost
    of the process (a first import, a cache filled) is not counted against the file. A
    partitioner whose memory grew with the file would show it in both runs.
    """
    return min(_traced_peak(path, size) for _ in range(2))


def _traced_peak(path: Path, size: int) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        for part in partition_bulk(path, size, buffer_bytes=1 << 15):
            del part
            gc.collect()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_follows_the_part_not_the_file(tmp_path: Path) -> None:
    """Figures on one machine (spools of 32 kB): 100 cases (a 0.30 MB file) in parts of 20 peaked
    at 0.84 MB of traced memory, 400 cases (1.2 MB) in parts of 20 at 0.76 MB, and the same 400
    cases in parts of 160 at 2.5 MB."""
    (tmp_path / "small").mkdir()
    (tmp_path / "large").mkdir()
    small = _write(tmp_path / "small", synthetic(100))
    large = _write(tmp_path / "large", synthetic(400))
    small_file = peak_while_partitioning(small, 20)
    large_file = peak_while_partitioning(large, 20)
    larger_parts = peak_while_partitioning(large, 160)
    # Four times the file in parts of the same size: far less than four times the memory.
    assert large_file < 2 * small_file
    # The same file in parts eight times larger: much more memory.
    assert larger_parts > 2 * large_file
