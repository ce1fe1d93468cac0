"""DEX reporting periods: which period a date belongs to, when it closes, what is late.

DEX data belongs to six-monthly reporting periods, 1 January–30 June
(``2024-H1``) and 1 July–31 December (``2024-H2``). Each period closes 30
days after it ends — on 30 July and on 30 January — and after that its data
can no longer be entered or changed. DSS reopens a period only for
exceptional circumstances; a vendor's delay is not one.

Counting rule: a session counts in the period that holds its date, and only
if at least one client is attached; clients and cases count in a period
through its sessions, so a case that spans two periods counts in both.

The calendar is a named :class:`PeriodScheme` with its source, so a future
change is a new constant rather than an edit. Nothing here reads the clock:
"today" is always an argument.

More information:

* Data Exchange Protocols v11 (March 2024) §3.4, the counting rule (quoted
  second-hand), and v13 (March 2026), which keeps the regime.
* Data Exchange Quick Start Guide (2022): "two six-monthly reporting periods
  … with a 30 day close off period".
* DSS DEX updates 641 and 931: the January–June period closes on 30 July;
  exceptional circumstances only.

>>> period_of(dt.date(2024, 6, 30)).label, period_of(dt.date(2024, 7, 1)).label
('2024-H1', '2024-H2')
>>> ReportingPeriod.parse("2024-H1").closes_on
datetime.date(2024, 7, 30)
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping

import attrs

from dexcore.errors import PeriodError
from dexcore.model import ParticipationType, Session

__all__ = [
    "DEX_SIX_MONTHLY",
    "EntryCheck",
    "EntryRefusal",
    "PeriodActivity",
    "PeriodError",
    "PeriodScheme",
    "PeriodStatus",
    "ReportingPeriod",
    "activity_by_period",
    "can_record",
    "is_late",
    "open_periods",
    "period_of",
    "periods_between",
    "status",
]


@attrs.frozen(kw_only=True, cache_hash=True)
class PeriodScheme:
    """How time is cut into reporting periods, and where that rule comes from.

    Attributes:
        name: A short name for reports.
        months: Length of a period in months; it must divide 12.
        close_off_days: Days after a period ends during which its data can
            still be entered; the period is closed from the day after.
        source: Document, version and section the scheme is taken from.
    """

    name: str
    months: int
    close_off_days: int
    source: str

    def __attrs_post_init__(self) -> None:
        if self.months not in {1, 2, 3, 4, 6, 12}:
            raise PeriodError("a scheme's period length in months must divide 12")
        if self.close_off_days < 0:
            raise PeriodError("a scheme's close-off must be 0 days or more")

    @property
    def per_year(self) -> int:
        """How many periods make a calendar year."""
        return 12 // self.months

    @property
    def letter(self) -> str:
        """The letter of the labels: H for halves, Q for quarters, P otherwise."""
        return {6: "H", 3: "Q"}.get(self.months, "P")


#: The DEX scheme: halves of the calendar year, each closing 30 days after it ends.
DEX_SIX_MONTHLY = PeriodScheme(
    name="DEX six-monthly",
    months=6,
    close_off_days=30,
    source=(
        "Data Exchange Protocols v11 (March 2024) §3.4 and v13 (March 2026); "
        "Data Exchange Quick Start Guide (2022); DSS DEX updates 641 and 931"
    ),
)

_LABEL = re.compile(r"(\d{4})-([HQP])(\d{1,2})")


@attrs.frozen(kw_only=True, order=False, repr=False, cache_hash=True)
class ReportingPeriod:
    """One reporting period, such as ``2024-H1`` (1 January to 30 June 2024).

    Periods of one scheme are ordered in time; ``str(period)`` is its label.

    Attributes:
        year: The calendar year it falls in.
        number: Its number within the year, from 1 (``H1``).
        scheme: The scheme it belongs to.
    """

    year: int
    number: int
    scheme: PeriodScheme = DEX_SIX_MONTHLY

    def __attrs_post_init__(self) -> None:
        # 9998 so that the period after any valid one still has a real end date.
        if not 1 <= self.year <= 9998:
            raise PeriodError("a period's year must be from 1 to 9998")
        if not 1 <= self.number <= self.scheme.per_year:
            raise PeriodError(f"a {self.scheme.name} period number is 1 to {self.scheme.per_year}")

    @classmethod
    def parse(cls, label: str, *, scheme: PeriodScheme = DEX_SIX_MONTHLY) -> ReportingPeriod:
        """The period labelled ``label``, such as ``"2024-H1"`` (case-insensitive).

        Raises:
            PeriodError: the label is not of the form ``YYYY-H1`` / ``YYYY-H2``
                (or the scheme's letter and numbers).
        """
        match = _LABEL.fullmatch(label.strip().upper()) if isinstance(label, str) else None
        if match is None or match.group(2) != scheme.letter:
            raise PeriodError(f"a period label looks like 2024-{scheme.letter}1")
        return cls(year=int(match.group(1)), number=int(match.group(3)), scheme=scheme)

    @property
    def label(self) -> str:
        """The stable label, such as ``2024-H1``."""
        return f"{self.year:04d}-{self.scheme.letter}{self.number}"

    @property
    def start(self) -> dt.date:
        """The first day of the period."""
        return dt.date(self.year, (self.number - 1) * self.scheme.months + 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        last_month = self.number * self.scheme.months
        if last_month == 12:  # December: the next period starts in the next year
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, last_month + 1, 1) - dt.timedelta(days=1)

    @property
    def closes_on(self) -> dt.date:
        """The last day its data can be entered; from the next day it is closed."""
        return self.end + dt.timedelta(days=self.scheme.close_off_days)

    @property
    def financial_year(self) -> str:
        """The Australian financial year (1 July–30 June) it falls in, such as ``2023-24``."""
        first = self.year if self.start.month >= 7 else self.year - 1
        return f"{first}-{(first + 1) % 100:02d}"

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the period."""
        return self.start <= day <= self.end

    def next(self) -> ReportingPeriod:
        """The period after this one."""
        if self.number == self.scheme.per_year:
            return ReportingPeriod(year=self.year + 1, number=1, scheme=self.scheme)
        return ReportingPeriod(year=self.year, number=self.number + 1, scheme=self.scheme)

    def previous(self) -> ReportingPeriod:
        """The period before this one."""
        if self.number == 1:
            return ReportingPeriod(
                year=self.year - 1, number=self.scheme.per_year, scheme=self.scheme
            )
        return ReportingPeriod(year=self.year, number=self.number - 1, scheme=self.scheme)

    def _key(self, other: object) -> tuple[tuple[int, int], tuple[int, int]]:
        if not isinstance(other, ReportingPeriod) or other.scheme != self.scheme:
            raise TypeError("only periods of the same scheme can be ordered")
        return (self.year, self.number), (other.year, other.number)

    def __lt__(self, other: object) -> bool:
        mine, theirs = self._key(other)
        return mine < theirs

    def __le__(self, other: object) -> bool:
        mine, theirs = self._key(other)
        return mine <= theirs

    def __gt__(self, other: object) -> bool:
        mine, theirs = self._key(other)
        return mine > theirs

    def __ge__(self, other: object) -> bool:
        mine, theirs = self._key(other)
        return mine >= theirs

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        if self.scheme == DEX_SIX_MONTHLY:
            return f"ReportingPeriod.parse({self.label!r})"
        return f"ReportingPeriod.parse({self.label!r}, scheme=<{self.scheme.name}>)"


def period_of(day: dt.date, *, scheme: PeriodScheme = DEX_SIX_MONTHLY) -> ReportingPeriod:
    """The reporting period that holds ``day``."""
    return ReportingPeriod(
        year=day.year, number=(day.month - 1) // scheme.months + 1, scheme=scheme
    )


class PeriodStatus(enum.StrEnum):
    """Where a period stands on a given day."""

    FUTURE = "future"  #: It has not started.
    OPEN = "open"  #: Today falls in it.
    CLOSE_OFF = "close-off"  #: It has ended and its data can still be entered (30 days).
    CLOSED = "closed"  #: Its data can no longer be entered or changed.


def status(period: ReportingPeriod, today: dt.date) -> PeriodStatus:
    """The status of ``period`` on ``today``; the close-off day itself is still in close-off."""
    if today < period.start:
        return PeriodStatus.FUTURE
    if today <= period.end:
        return PeriodStatus.OPEN
    if today <= period.closes_on:
        return PeriodStatus.CLOSE_OFF
    return PeriodStatus.CLOSED


def open_periods(
    today: dt.date, *, scheme: PeriodScheme = DEX_SIX_MONTHLY
) -> tuple[ReportingPeriod, ...]:
    """The periods whose data can be entered on ``today``, oldest first.

    That is the current period, preceded by the previous one while its
    close-off runs.
    """
    current = period_of(today, scheme=scheme)
    previous = current.previous()
    if status(previous, today) is PeriodStatus.CLOSE_OFF:
        return (previous, current)
    return (current,)


def is_late(
    session_date: dt.date, recorded_on: dt.date, *, scheme: PeriodScheme = DEX_SIX_MONTHLY
) -> bool:
    """Whether a record dated ``session_date``, entered on ``recorded_on``, missed its close-off."""
    return recorded_on > period_of(session_date, scheme=scheme).closes_on


class EntryRefusal(enum.StrEnum):
    """Why a record cannot be entered on a given day."""

    FUTURE_DATE = "future-date"  #: The record is dated after the day of entry.
    PERIOD_CLOSED = "period-closed"  #: The record's period closed before the day of entry.


@attrs.frozen(kw_only=True)
class EntryCheck:
    """The answer to "can a record dated X still be entered on day Y?".

    Attributes:
        allowed: Whether it can.
        period: The period the record belongs to.
        refusal: Why not, when it cannot.
    """

    allowed: bool
    period: ReportingPeriod
    refusal: EntryRefusal | None = None

    @property
    def reason(self) -> str:
        """A sentence a case worker understands (it carries no personal value)."""
        if self.refusal is EntryRefusal.FUTURE_DATE:
            return "the record is dated in the future"
        if self.refusal is EntryRefusal.PERIOD_CLOSED:
            return (
                f"reporting period {self.period.label} closed on "
                f"{self.period.closes_on.isoformat()}; DSS reopens a period only for "
                "exceptional circumstances"
            )
        return (
            f"reporting period {self.period.label} accepts data until "
            f"{self.period.closes_on.isoformat()}"
        )


def can_record(
    record_date: dt.date, on: dt.date, *, scheme: PeriodScheme = DEX_SIX_MONTHLY
) -> EntryCheck:
    """Whether a record dated ``record_date`` can still be entered on day ``on``, and why not."""
    period = period_of(record_date, scheme=scheme)
    if record_date > on:
        return EntryCheck(allowed=False, period=period, refusal=EntryRefusal.FUTURE_DATE)
    if on > period.closes_on:
        return EntryCheck(allowed=False, period=period, refusal=EntryRefusal.PERIOD_CLOSED)
    return EntryCheck(allowed=True, period=period)


def periods_between(
    start: dt.date, end: dt.date, *, scheme: PeriodScheme = DEX_SIX_MONTHLY
) -> tuple[ReportingPeriod, ...]:
    """Every period from the one holding ``start`` to the one holding ``end``, in order.

    Raises:
        PeriodError: ``end`` is before ``start``.
    """
    if end < start:
        raise PeriodError("the end of a range must not be before its start")
    found = [period_of(start, scheme=scheme)]
    last = period_of(end, scheme=scheme)
    while found[-1] != last:
        found.append(found[-1].next())
    return tuple(found)


@attrs.frozen(kw_only=True)
class PeriodActivity:
    """What counts in one period under the counting rule (a partial result that merges).

    Attributes:
        sessions: Sessions dated in the period with at least one attached client.
        uncounted_sessions: Sessions dated in the period with no attached client.
        case_ids: Cases with a counted session in the period.
        client_ids: Clients attached to a counted session as ``CLIENT``.
        support_ids: People attached to a counted session as ``SUPPORT`` only.
        attendances: Attached clients plus unidentified clients over counted sessions.
    """

    sessions: int = 0
    uncounted_sessions: int = 0
    case_ids: frozenset[str] = frozenset()
    client_ids: frozenset[str] = frozenset()
    support_ids: frozenset[str] = frozenset()
    attendances: int = 0

    def merge(self, other: PeriodActivity) -> PeriodActivity:
        """The activity of both parts together (for input split into chunks)."""
        clients = self.client_ids | other.client_ids
        return PeriodActivity(
            sessions=self.sessions + other.sessions,
            uncounted_sessions=self.uncounted_sessions + other.uncounted_sessions,
            case_ids=self.case_ids | other.case_ids,
            client_ids=clients,
            support_ids=(self.support_ids | other.support_ids) - clients,
            attendances=self.attendances + other.attendances,
        )


def activity_by_period(
    sessions: Iterable[Session], *, scheme: PeriodScheme = DEX_SIX_MONTHLY
) -> Mapping[ReportingPeriod, PeriodActivity]:
    """Sessions, cases and clients per period by the counting rule, in one pass.

    A session counts in the period of its date if at least one client is
    attached; its case and attached clients count there through it. Someone
    who attends only as a support person is counted apart from clients.
    Results for chunks of the input combine with :meth:`PeriodActivity.merge`.
    """
    counted: dict[ReportingPeriod, int] = {}
    uncounted: dict[ReportingPeriod, int] = {}
    cases: dict[ReportingPeriod, set[str]] = {}
    clients: dict[ReportingPeriod, set[str]] = {}
    support: dict[ReportingPeriod, set[str]] = {}
    attendances: dict[ReportingPeriod, int] = {}
    for session in sessions:
        period = period_of(session.session_date, scheme=scheme)
        if not session.clients:
            uncounted[period] = uncounted.get(period, 0) + 1
            continue
        counted[period] = counted.get(period, 0) + 1
        cases.setdefault(period, set()).add(session.case_id)
        attendances[period] = attendances.get(period, 0) + session.attendances
        for attendee in session.clients:
            role = clients if attendee.participation is ParticipationType.CLIENT else support
            role.setdefault(period, set()).add(attendee.client_id)
    result = {}
    for period in sorted(counted.keys() | uncounted.keys()):
        client_ids = frozenset(clients.get(period, ()))
        result[period] = PeriodActivity(
            sessions=counted.get(period, 0),
            uncounted_sessions=uncounted.get(period, 0),
            case_ids=frozenset(cases.get(period, ())),
            client_ids=client_ids,
            support_ids=frozenset(support.get(period, ())) - client_ids,
            attendances=attendances.get(period, 0),
        )
    return result
