"""Reporting periods: assignment, close-off, open windows, lateness and the counting rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dexcore.errors import DexError, PeriodError
from dexcore.model import Dataset, ParticipationType, Session, SessionClient
from dexcore.periods import (
    DEX_SIX_MONTHLY,
    EntryRefusal,
    PeriodActivity,
    PeriodScheme,
    PeriodStatus,
    ReportingPeriod,
    activity_by_period,
    can_record,
    is_late,
    open_periods,
    period_of,
    periods_between,
    status,
)
from dexcore.testing import strategies
from golden_files import GoldenCheck

GOLDEN = Path(__file__).resolve().parent / "golden" / "periods-2014-2035.txt"
D = dt.date
P = ReportingPeriod.parse

days = st.dates(D(1900, 1, 1), D(2999, 12, 31))


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (D(2024, 6, 30), "2024-H1"),
        (D(2024, 7, 1), "2024-H2"),
        (D(2024, 12, 31), "2024-H2"),
        (D(2025, 1, 1), "2025-H1"),
        (D(2024, 2, 29), "2024-H1"),
        (D(2024, 1, 1), "2024-H1"),
    ],
)
def test_period_of_edges(day: dt.date, label: str) -> None:
    """'Two six-monthly periods … 1 July–31 December and 1 January–30 June.'"""
    assert period_of(day).label == label


def test_period_properties() -> None:
    h1, h2 = P("2024-H1"), P("2024-H2")
    assert (h1.start, h1.end, h1.closes_on) == (D(2024, 1, 1), D(2024, 6, 30), D(2024, 7, 30))
    assert (h2.start, h2.end, h2.closes_on) == (D(2024, 7, 1), D(2024, 12, 31), D(2025, 1, 30))
    assert (h1.financial_year, h2.financial_year) == ("2023-24", "2024-25")
    assert P("2099-H2").financial_year == "2099-00"
    assert h1.next() == h2
    assert h2.next() == P("2025-H1")
    assert P("2025-H1").previous() == h2
    assert h1 < h2 < P("2025-H1")
    assert sorted([P("2025-H1"), h2, h1]) == [h1, h2, P("2025-H1")]
    assert str(h1) == "2024-H1"
    assert repr(h1) == "ReportingPeriod.parse('2024-H1')"
    assert P(" 2024-h1 ") == h1
    assert {h1, P("2024-H1")} == {h1}


@pytest.mark.parametrize(
    "label", ["2024-H3", "2024-H0", "2024H1", "24-H1", "2024-Q1", "", "0000-H1"]
)
def test_bad_labels_are_refused(label: str) -> None:
    with pytest.raises(PeriodError):
        P(label)


def test_close_off_day_and_the_day_after() -> None:
    """A period is in close-off on its closing day, and closed from the day after."""
    h1 = P("2024-H1")
    assert status(h1, D(2023, 12, 31)) is PeriodStatus.FUTURE
    assert status(h1, D(2024, 1, 1)) is PeriodStatus.OPEN
    assert status(h1, D(2024, 6, 30)) is PeriodStatus.OPEN
    assert status(h1, D(2024, 7, 1)) is PeriodStatus.CLOSE_OFF
    assert status(h1, D(2024, 7, 30)) is PeriodStatus.CLOSE_OFF
    assert status(h1, D(2024, 7, 31)) is PeriodStatus.CLOSED
    h2 = P("2024-H2")
    assert status(h2, D(2025, 1, 30)) is PeriodStatus.CLOSE_OFF
    assert status(h2, D(2025, 1, 31)) is PeriodStatus.CLOSED


def test_open_periods_across_year_end() -> None:
    assert open_periods(D(2025, 1, 1)) == (P("2024-H2"), P("2025-H1"))
    assert open_periods(D(2025, 1, 30)) == (P("2024-H2"), P("2025-H1"))
    assert open_periods(D(2025, 1, 31)) == (P("2025-H1"),)
    assert open_periods(D(2024, 7, 30)) == (P("2024-H1"), P("2024-H2"))
    assert open_periods(D(2024, 7, 31)) == (P("2024-H2"),)
    assert open_periods(D(2024, 3, 1)) == (P("2024-H1"),)


def test_lateness_and_entry() -> None:
    assert not is_late(D(2024, 6, 30), D(2024, 7, 30))
    assert is_late(D(2024, 6, 30), D(2024, 7, 31))
    assert is_late(D(2024, 12, 31), D(2025, 1, 31))
    assert not is_late(D(2024, 12, 31), D(2025, 1, 30))
    allowed = can_record(D(2024, 6, 30), D(2024, 7, 30))
    assert allowed.allowed
    assert allowed.refusal is None
    assert "until 2024-07-30" in allowed.reason
    closed = can_record(D(2024, 6, 30), D(2024, 7, 31))
    assert not closed.allowed
    assert closed.refusal is EntryRefusal.PERIOD_CLOSED
    assert "2024-H1 closed on 2024-07-30" in closed.reason
    future = can_record(D(2024, 8, 2), D(2024, 8, 1))
    assert future.refusal is EntryRefusal.FUTURE_DATE
    assert future.period == P("2024-H2")


def test_periods_between() -> None:
    assert periods_between(D(2023, 12, 31), D(2025, 1, 1)) == (
        P("2023-H2"),
        P("2024-H1"),
        P("2024-H2"),
        P("2025-H1"),
    )
    assert periods_between(D(2024, 2, 1), D(2024, 3, 1)) == (P("2024-H1"),)
    with pytest.raises(PeriodError):
        periods_between(D(2024, 3, 1), D(2024, 2, 1))


def test_scheme_is_named_and_sourced() -> None:
    assert DEX_SIX_MONTHLY.months == 6
    assert DEX_SIX_MONTHLY.close_off_days == 30
    assert "Protocols" in DEX_SIX_MONTHLY.source
    quarterly = PeriodScheme(name="quarterly", months=3, close_off_days=14, source="test")
    q4 = period_of(D(2024, 11, 5), scheme=quarterly)
    assert (q4.label, q4.end, q4.closes_on) == ("2024-Q4", D(2024, 12, 31), D(2025, 1, 14))
    with pytest.raises(TypeError):
        assert q4 < P("2024-H2")
    with pytest.raises(PeriodError):
        PeriodScheme(name="odd", months=5, close_off_days=30, source="test")


def _golden_text() -> str:
    lines = [
        f"{p.label}  {p.start}  {p.end}  {p.closes_on}  {p.financial_year}"
        for p in periods_between(D(2014, 1, 1), D(2035, 12, 31))
    ]
    return "\n".join(["label    start      end        closes_on  financial_year", *lines]) + "\n"


def test_golden_calendar_2014_2035(golden: GoldenCheck) -> None:
    """Labels and close-off dates for 2014-2035; a change is a reviewable diff."""
    golden(GOLDEN, _golden_text())


# -- properties --------------------------------------------------------------------------------


@given(days)
def test_every_date_is_in_exactly_one_period(day: dt.date) -> None:
    period = period_of(day)
    assert period.contains(day)
    assert not period.next().contains(day)
    assert not period.previous().contains(day)
    assert P(period.label) == period


@given(days)
def test_next_previous_are_inverse_and_periods_tile(day: dt.date) -> None:
    period = period_of(day)
    assert period.next().previous() == period
    assert period.previous().next() == period
    assert period.next().start == period.end + dt.timedelta(days=1)
    # DSS's calendar: H1 (to 30 June) closes on 30 July, H2 (to 31 December) on 30 January.
    closes = D(period.end.year, 7, 30) if period.end.month == 6 else D(period.end.year + 1, 1, 30)
    assert period.closes_on == closes


@given(days, days)
def test_status_and_entry_agree(record: dt.date, today: dt.date) -> None:
    period = period_of(record)
    entry = can_record(record, today)
    if record <= today:
        assert entry.allowed == (status(period, today) is not PeriodStatus.CLOSED)
        assert entry.allowed == (not is_late(record, today))
        assert entry.allowed == (period in open_periods(today) or period == period_of(today))
    else:
        assert not entry.allowed


@given(st.text(max_size=12))
def test_parse_raises_only_dexcore_errors(text: str) -> None:
    message = ""
    try:
        P(text)
    except DexError as error:
        message = str(error)
    assert len(text.strip()) < 4 or text.strip() not in message


# -- the counting rule -------------------------------------------------------------------------


def _session(sid: str, case: str, day: dt.date, *attendees: tuple[str, ParticipationType],
             unidentified: int = 0) -> Session:  # fmt: skip
    return Session(
        session_id=sid,
        case_id=case,
        session_date=day,
        service_type_id=1,
        total_unidentified_clients=unidentified,
        clients=[SessionClient(client_id=c, participation=p) for c, p in attendees],
    )


CLIENT, SUPPORT = ParticipationType.CLIENT, ParticipationType.SUPPORT


def test_counting_rule() -> None:
    """'A session is counted against a reporting period if the date of the session fell within
    the reporting period and at least one client is attached.'"""
    sessions = [
        _session("S1", "K1", D(2024, 6, 30), ("A", CLIENT), ("B", SUPPORT)),
        _session("S2", "K1", D(2024, 7, 1), ("A", CLIENT)),  # the case spans both halves
        _session("S3", "K2", D(2024, 7, 2), unidentified=30),  # nobody attached: not counted
        _session("S4", "K3", D(2024, 8, 1), ("B", CLIENT), ("C", SUPPORT), unidentified=4),
    ]
    found = activity_by_period(sessions)
    h1, h2 = found[P("2024-H1")], found[P("2024-H2")]
    assert (h1.sessions, h1.uncounted_sessions, h1.attendances) == (1, 0, 2)
    assert (h1.case_ids, h1.client_ids, h1.support_ids) == (
        frozenset({"K1"}),
        frozenset({"A"}),
        frozenset({"B"}),
    )
    assert (h2.sessions, h2.uncounted_sessions, h2.attendances) == (2, 1, 7)
    assert h2.case_ids == {"K1", "K3"}  # K2 has no counted session
    assert h2.client_ids == {"A", "B"}
    assert h2.support_ids == {"C"}
    assert list(found) == [P("2024-H1"), P("2024-H2")]


@given(strategies.datasets(max_clients=5, max_cases=3), st.integers(0, 20))
def test_activity_merges_like_one_pass(dataset: Dataset, cut: int) -> None:
    """Splitting the sessions anywhere and merging gives the result of one pass."""
    sessions = dataset.sessions
    whole = activity_by_period(sessions)
    first = activity_by_period(sessions[:cut])
    second = activity_by_period(sessions[cut:])
    merged = {
        period: first.get(period, PeriodActivity()).merge(second.get(period, PeriodActivity()))
        for period in first.keys() | second.keys()
    }
    assert merged == dict(whole)
    for activity in whole.values():
        assert not activity.client_ids & activity.support_ids
        assert activity.sessions + activity.uncounted_sessions > 0


def test_activity_ignores_nothing_silently() -> None:
    session = _session("S1", "K1", D(2024, 1, 1))
    assert (
        activity_by_period([session, attrs.evolve(session, session_id="S2")])[
            P("2024-H1")
        ].uncounted_sessions
        == 2
    )
