"""What rules read while checking one dataset: :class:`CheckContext`.

The rule modules take the context from here and the checker
(:mod:`dexcore.rules.checker`) builds one per check, so neither imports the
other: the rule sets import the rule modules, the checker imports the sets.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs

from dexcore.issues import KnownRecords, RecordRef
from dexcore.model import Case, Dataset, OutletActivity, ProgramActivity, ScoreType
from dexcore.periods import PeriodStatus, ReportingPeriod, period_of, status
from dexcore.reference import ReferenceData
from dexcore.rules.engine import Entity

__all__ = ["CheckContext", "record_ref"]

T = TypeVar("T")


# Nothing known outside the dataset: the default of every check (frozen, so shared safely).
_NOTHING_KNOWN = KnownRecords()


@attrs.frozen(kw_only=True)
class CheckContext:
    """What rules read while checking one dataset.

    Attributes:
        dataset: The dataset being checked.
        today: The day the check is made for (closed periods, future dates).
        reference: The DSS reference data to check codes against.
        known: Records known to exist in DEX outside the dataset.
    """

    dataset: Dataset
    today: dt.date
    reference: ReferenceData
    known: KnownRecords = _NOTHING_KNOWN
    _memo: dict[tuple[str, int], Any] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    _periods: dict[dt.date, ReportingPeriod] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )
    _closed: dict[dt.date, bool] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    _canonical: dict[ReportingPeriod, ReportingPeriod] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )

    def remember(self, name: str, record: object, compute: Callable[[], T]) -> T:
        """``compute()`` once per record and check, for work that several rules share."""
        key = (name, id(record))
        if key not in self._memo:
            self._memo[key] = compute()
        result: T = self._memo[key]
        return result

    def has_client(self, client_id: str) -> bool:
        """Whether the client is in the dataset or known to DEX."""
        return (
            client_id in self.dataset.client_by_id
            or client_id in self.known.client_ids
            or self.known.assume_all
            or client_id in self.known.unreadable.client_ids
        )

    def has_case(self, case_id: str) -> bool:
        """Whether the case is in the dataset or known to DEX."""
        return (
            case_id in self.dataset.case_by_id
            or case_id in self.known.case_ids
            or self.known.assume_all
            or case_id in self.known.unreadable.case_ids
        )

    def has_session(self, key: tuple[str, str]) -> bool:
        """Whether the session ``(case_id, session_id)`` is in the dataset or known to DEX."""
        return (
            key in self.dataset.session_by_key
            or key in self.known.session_keys
            or self.known.assume_all
            or key in self.known.unreadable.session_keys
        )

    def period_of(self, day: dt.date) -> ReportingPeriod:
        """The reporting period of ``day`` (computed once per distinct day in a check)."""
        found = self._periods.get(day)
        if found is None:
            # One instance per period, so that dictionaries keyed by period match by identity.
            period = period_of(day)
            found = self._periods[day] = self._canonical.setdefault(period, period)
        return found

    def period_closed(self, day: dt.date) -> bool:
        """Whether the period of ``day`` is closed on :attr:`today`."""
        closed = self._closed.get(day)
        if closed is None:
            status_today = status(self.period_of(day), self.today)
            closed = self._closed[day] = status_today is PeriodStatus.CLOSED
        return closed

    @functools.cached_property
    def code_tables(self) -> Mapping[str, tuple[frozenset[str], bool]]:
        """Each reference table's codes and whether the table is complete."""
        return {
            name: (table.codes, table.complete) for name, table in self.reference.tables.items()
        }

    @functools.cached_property
    def domains(self) -> Mapping[ScoreType, frozenset[str]]:
        """Each score type's domain codes in the reference data."""
        return {kind: info.domain_codes for kind, info in self.reference.score_types.items()}

    @functools.cached_property
    def all_domains(self) -> frozenset[str]:
        """Every domain code of every score type."""
        return frozenset().union(*self.domains.values())

    @functools.cached_property
    def case_members(self) -> Mapping[str, frozenset[str]]:
        """The ids of the clients attached to each case (first case of a duplicated id)."""
        return {case_id: case.client_ids for case_id, case in self.dataset.case_by_id.items()}

    @functools.cached_property
    def _outlet_activities(self) -> Mapping[int, OutletActivity]:
        found: dict[int, OutletActivity] = {}
        for outlet in self.dataset.outlets:
            for activity in outlet.activities:
                if activity.outlet_activity_id is not None:
                    found.setdefault(activity.outlet_activity_id, activity)
        return found

    @functools.cached_property
    def _program_activities(self) -> Mapping[int, ProgramActivity]:
        organisation = self.dataset.organisation
        if organisation is None:
            return {}
        return {p.organisation_activity_id: p for p in organisation.program_activities}

    def program_of(self, case: Case) -> ProgramActivity | None:
        """The program activity of ``case``, when the dataset's outlets and organisation say."""
        outlet_activity = self._outlet_activities.get(case.outlet_activity_id)
        if outlet_activity is None:
            return None
        return self._program_activities.get(outlet_activity.organisation_activity_id)


# The field that holds each kind of record's organisation-supplied id.
_ID_FIELDS = {
    Entity.CLIENT: "client_id",
    Entity.CASE: "case_id",
    Entity.SESSION: "session_id",
    Entity.CLIENT_ASSESSMENT: "session_id",
    Entity.SESSION_ASSESSMENT: "session_id",
}


def record_ref(entity: Entity, record: Any, index: int | None) -> RecordRef:  # noqa: ANN401
    """The reference an issue gives to ``record`` of ``entity`` at ``index``."""
    name = _ID_FIELDS.get(entity)
    record_id = None if name is None or record is None else getattr(record, name)
    return RecordRef(kind=entity.kind, index=index, id=record_id)
