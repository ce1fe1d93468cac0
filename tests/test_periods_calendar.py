"""Reporting periods against DSS's published calendar, every date written out by hand.

DSS's Data Exchange has two six-monthly reporting periods, 1 January-30 June and
1 July-31 December, each closing 30 days after it ends: on 30 July and on 30 January
(Data Exchange Quick Start Guide, Department of Social Services, 2022; DSS Data Exchange
updates 641 and 931, https://dex.dss.gov.au). Nothing below is computed from a formula.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dexcore.periods import (
    EntryRefusal,
    PeriodStatus,
    ReportingPeriod,
    can_record,
    is_late,
    open_periods,
    period_of,
    periods_between,
    status,
)

D = dt.date
P = ReportingPeriod.parse

CALENDAR = [
    # label, first day, last day, close-off day, financial year
    ("2019-H2", D(2019, 7, 1), D(2019, 12, 31), D(2020, 1, 30), "2019-20"),
    ("2020-H1", D(2020, 1, 1), D(2020, 6, 30), D(2020, 7, 30), "2019-20"),
    ("2023-H2", D(2023, 7, 1), D(2023, 12, 31), D(2024, 1, 30), "2023-24"),
    ("2024-H1", D(2024, 1, 1), D(2024, 6, 30), D(2024, 7, 30), "2023-24"),
    ("2024-H2", D(2024, 7, 1), D(2024, 12, 31), D(2025, 1, 30), "2024-25"),
    ("2025-H1", D(2025, 1, 1), D(2025, 6, 30), D(2025, 7, 30), "2024-25"),
    ("2099-H2", D(2099, 7, 1), D(2099, 12, 31), D(2100, 1, 30), "2099-00"),
]


@pytest.mark.parametrize(("label", "start", "end", "closes_on", "fy"), CALENDAR)
def test_the_published_calendar(
    label: str, start: dt.date, end: dt.date, closes_on: dt.date, fy: str
) -> None:
    period = P(label)
    assert (period.start, period.end, period.closes_on) == (start, end, closes_on)
    assert period.financial_year == fy
    assert period_of(start) == period_of(end) == period
    assert period.contains(start)
    assert period.contains(end)
    assert not period.contains(start - dt.timedelta(days=1))
    assert not period.contains(end + dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("label", "today", "expected"),
    [
        ("2024-H2", D(2024, 6, 30), PeriodStatus.FUTURE),
        ("2024-H2", D(2024, 7, 1), PeriodStatus.OPEN),
        ("2024-H2", D(2024, 12, 31), PeriodStatus.OPEN),
        ("2024-H2", D(2025, 1, 1), PeriodStatus.CLOSE_OFF),
        ("2024-H2", D(2025, 1, 30), PeriodStatus.CLOSE_OFF),  # the close-off day itself
        ("2024-H2", D(2025, 1, 31), PeriodStatus.CLOSED),
        ("2024-H1", D(2024, 7, 30), PeriodStatus.CLOSE_OFF),
        ("2024-H1", D(2024, 7, 31), PeriodStatus.CLOSED),
    ],
)
def test_status_on_the_edges(label: str, today: dt.date, expected: PeriodStatus) -> None:
    assert status(P(label), today) is expected


@pytest.mark.parametrize(
    ("today", "labels"),
    [
        (D(2025, 1, 1), ("2024-H2", "2025-H1")),
        (D(2025, 1, 30), ("2024-H2", "2025-H1")),
        (D(2025, 1, 31), ("2025-H1",)),
        (D(2024, 7, 30), ("2024-H1", "2024-H2")),
        (D(2024, 7, 31), ("2024-H2",)),
        (D(2024, 12, 31), ("2024-H2",)),
    ],
)
def test_open_periods(today: dt.date, labels: tuple[str, ...]) -> None:
    assert tuple(p.label for p in open_periods(today)) == labels


@pytest.mark.parametrize(
    ("record", "on", "allowed", "refusal"),
    [
        (D(2024, 12, 31), D(2025, 1, 30), True, None),
        (D(2024, 12, 31), D(2025, 1, 31), False, EntryRefusal.PERIOD_CLOSED),
        (D(2024, 7, 1), D(2024, 7, 1), True, None),
        (D(2024, 7, 2), D(2024, 7, 1), False, EntryRefusal.FUTURE_DATE),
        (D(2024, 6, 30), D(2024, 7, 30), True, None),
        (D(2024, 6, 30), D(2024, 7, 31), False, EntryRefusal.PERIOD_CLOSED),
    ],
)
def test_can_record(
    record: dt.date, on: dt.date, allowed: bool, refusal: EntryRefusal | None
) -> None:
    check = can_record(record, on)
    assert (check.allowed, check.refusal) == (allowed, refusal)
    assert is_late(record, on) is (refusal is EntryRefusal.PERIOD_CLOSED)


def test_entry_reasons_read_as_written() -> None:
    assert can_record(D(2024, 12, 31), D(2025, 1, 31)).reason == (
        "reporting period 2024-H2 closed on 2025-01-30; DSS reopens a period only for "
        "exceptional circumstances"
    )
    assert can_record(D(2024, 12, 31), D(2025, 1, 2)).reason == (
        "reporting period 2024-H2 accepts data until 2025-01-30"
    )
    assert can_record(D(2025, 2, 1), D(2025, 1, 2)).reason == "the record is dated in the future"


def test_periods_between_written_out() -> None:
    assert [p.label for p in periods_between(D(2023, 12, 31), D(2025, 1, 1))] == [
        "2023-H2",
        "2024-H1",
        "2024-H2",
        "2025-H1",
    ]
    assert [p.label for p in periods_between(D(2024, 7, 1), D(2024, 12, 31))] == ["2024-H2"]
