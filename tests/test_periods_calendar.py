"""Reporting periods against DSS's published calendar, every date written out by hand.

DSS's Data Exchange has two six-monthly reporting periods, 1 January-30 June and
1 July-31 December, each closing 30 days after it ends: on 30 July and on 30 January
(Data Exchange Quick Start Guide, Department of Social Services, 2022; DSS Data Exchange
updates 641 and 931, https://dex.dss.gov.au). Nothing below is computed from a formula.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dexcore.errors import PeriodError
from dexcore.periods import (
    EntryRefusal,
    PeriodScheme,
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


# A made-up quarterly scheme closing 14 days after each quarter: every function must use the
# scheme it is given, not DEX's. Quarters: 1 Jan-31 Mar (closes 14 Apr), 1 Apr-30 Jun
# (14 Jul), 1 Jul-30 Sep (14 Oct), 1 Oct-31 Dec (14 Jan).
QUARTERLY = PeriodScheme(name="quarterly", months=3, close_off_days=14, source="test")


def test_a_scheme_reaches_every_function() -> None:
    q = QUARTERLY
    assert can_record(D(2024, 9, 30), D(2024, 10, 14), scheme=q).allowed
    assert not can_record(D(2024, 9, 30), D(2024, 10, 15), scheme=q).allowed
    assert can_record(D(2024, 9, 30), D(2024, 10, 15), scheme=q).period.label == "2024-Q3"
    assert not is_late(D(2024, 9, 30), D(2024, 10, 14), scheme=q)
    assert is_late(D(2024, 9, 30), D(2024, 10, 15), scheme=q)
    assert [p.label for p in open_periods(D(2024, 10, 14), scheme=q)] == ["2024-Q3", "2024-Q4"]
    assert [p.label for p in open_periods(D(2024, 10, 15), scheme=q)] == ["2024-Q4"]
    assert [p.label for p in periods_between(D(2024, 12, 31), D(2025, 4, 1), scheme=q)] == [
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
    ]
    q4 = P("2024-Q4", scheme=q)
    assert (q4.next().label, q4.next().closes_on) == ("2025-Q1", D(2025, 4, 14))
    assert (q4.previous().label, q4.previous().closes_on) == ("2024-Q3", D(2024, 10, 14))
    q1 = P("2025-Q1", scheme=q)
    assert (q1.previous().label, q1.previous().closes_on) == ("2024-Q4", D(2025, 1, 14))
    assert (q1.next().label, q1.next().end) == ("2025-Q2", D(2025, 6, 30))


def test_a_future_record_is_refused_not_just_unallowed() -> None:
    check = can_record(D(2024, 7, 2), D(2024, 7, 1))
    assert check.allowed is False
    assert check.period.label == "2024-H2"


def test_periods_between_one_day_and_itself() -> None:
    assert [p.label for p in periods_between(D(2024, 7, 1), D(2024, 7, 1))] == ["2024-H2"]
    with pytest.raises(PeriodError) as caught:
        periods_between(D(2024, 7, 2), D(2024, 7, 1))
    assert str(caught.value) == "the end of a range must not be before its start"


@pytest.mark.parametrize("months", [1, 2, 3, 4, 6, 12])
def test_every_divisor_of_twelve_makes_a_scheme(months: int) -> None:
    scheme = PeriodScheme(name="s", months=months, close_off_days=0, source="test")
    assert scheme.per_year * months == 12


@pytest.mark.parametrize(
    ("months", "close_off_days", "message"),
    [
        (5, 30, "a scheme's period length in months must divide 12"),
        (7, 30, "a scheme's period length in months must divide 12"),
        (13, 30, "a scheme's period length in months must divide 12"),
        (0, 30, "a scheme's period length in months must divide 12"),
        (6, -1, "a scheme's close-off must be 0 days or more"),
    ],
)
def test_schemes_refused(months: int, close_off_days: int, message: str) -> None:
    with pytest.raises(PeriodError) as caught:
        PeriodScheme(name="s", months=months, close_off_days=close_off_days, source="test")
    assert str(caught.value) == message


def test_periods_order_by_time() -> None:
    h1, h2, next_h1 = P("2024-H1"), P("2024-H2"), P("2025-H1")
    assert h1 < h2 < next_h1
    assert h1 <= h1 <= h2
    assert not h2 <= h1
    assert next_h1 > h2 > h1
    assert h2 >= h2 >= h1
    assert not h1 >= h2
    assert not h1 > h1
