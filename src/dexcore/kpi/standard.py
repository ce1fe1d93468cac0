"""The five standard KPIs for one organisation (or outlet, or program activity) and period.

No DSS document defines "five standard KPIs" with numerators and
denominators; this set follows DSS's counting rules and SCORE practice, and
every figure carries its numerator, denominator and the policies used:

1. **Clients assisted**: distinct clients attached as ``CLIENT`` (not
   ``SUPPORT``) to at least one counted session of the period; unidentified
   clients beside it, without double counting (for each case, the largest
   session figure in the period, capped by the case's figure).
2. **Service instances delivered**: counted sessions (at least one client
   attached), also by service type, with total attendances.
3. **Participants from priority groups (%)**: among clients assisted, per
   group and for any group; "not stated" answers leave the denominator and
   are counted apart.
4. **Clients achieving individual goals (%)**: among clients with a Goals
   pair whose later assessment falls in the period, those with a positive
   outcome.
5. **Clients with improved circumstances (%)**: the same over Circumstances.

The computation is a partial result per part of the input, partitioned by
case (each part holds whole cases with their sessions and assessments, and
every client), that merges: :func:`kpi_partial` on each part,
:meth:`KpiPartial.merge`, then :func:`kpi_report`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from dexcore._gc import gc_paused
from dexcore.model import AtsiOrigin, Case, Client, Dataset, ParticipationType, ScoreType
from dexcore.periods import ReportingPeriod
from dexcore.score import (
    DEFAULT_PAIRING,
    OutcomePolicy,
    PairingPolicy,
    Pairs,
    client_outcomes,
    client_ratings,
)

__all__ = [
    "DEFAULT_PRIORITY_GROUPS",
    "KpiPartial",
    "KpiPolicies",
    "KpiReport",
    "PriorityGroup",
    "Ratio",
    "Selection",
    "kpi_partial",
    "kpi_report",
    "standard_kpis",
]

#: SACC codes of the main English-speaking countries (ABS): Australia, New Zealand, the United
#: Kingdom and its parts, Ireland, Canada, the United States and South Africa.
MAIN_ENGLISH_SPEAKING = frozenset(
    {"1101", "1201", "2100", "2101", "2102", "2103", "2104", "2105", "2106", "2107", "2108",
     "2201", "8102", "8104", "9225"}
)  # fmt: skip
COUNTRY_NOT_STATED = frozenset({"0003"})
ENGLISH = "1201"
LANGUAGE_NOT_STATED = frozenset({"0002"})


@attrs.frozen(kw_only=True)
class PriorityGroup:
    """A priority target group and how a client is classed in it.

    Attributes:
        name: A short name for reports and JSON, such as ``atsi``.
        description: What the group is.
        classify: ``True`` in the group, ``False`` not, ``None`` not stated.
    """

    name: str
    description: str
    classify: Callable[[Client], bool | None] = attrs.field(eq=False)


def _atsi(client: Client) -> bool | None:
    if client.atsi_origin is AtsiOrigin.NOTSTATED:
        return None
    return client.atsi_origin is not AtsiOrigin.NO


def _cald(client: Client) -> bool | None:
    country = client.country_of_birth
    language = client.language_spoken_at_home
    born_abroad = None if country in COUNTRY_NOT_STATED else country not in MAIN_ENGLISH_SPEAKING
    other_language = None if language in LANGUAGE_NOT_STATED else language != ENGLISH
    if born_abroad or other_language:
        return True
    if born_abroad is False and other_language is False:
        return False
    return None


def _disability(client: Client) -> bool | None:
    if not client.has_disabilities:
        return False
    return None if set(client.disabilities) <= {"NOTSTATED"} else True


#: Aboriginal and/or Torres Strait Islander people, culturally and linguistically diverse
#: people, and people with disability.
DEFAULT_PRIORITY_GROUPS = (
    PriorityGroup(
        name="atsi",
        description="Aboriginal and/or Torres Strait Islander",
        classify=_atsi,
    ),
    PriorityGroup(
        name="cald",
        description=(
            "culturally and linguistically diverse: born in a country other than the main "
            "English-speaking ones, or speaking a language other than English at home"
        ),
        classify=_cald,
    ),
    PriorityGroup(name="disability", description="people with disability", classify=_disability),
)


@attrs.frozen(kw_only=True)
class KpiPolicies:
    """The named choices behind the KPIs, reported with every result.

    Attributes:
        pairing: How SCORE ratings are paired.
        outcome: How a client's domain changes make one outcome.
        priority_groups: The priority target groups.
    """

    pairing: PairingPolicy = DEFAULT_PAIRING
    outcome: OutcomePolicy = OutcomePolicy.ANY_IMPROVED
    priority_groups: tuple[PriorityGroup, ...] = DEFAULT_PRIORITY_GROUPS

    def describe(self) -> dict[str, Any]:
        """The policies as plain data, for reports."""
        return {
            "pairing": str(self.pairing),
            "outcome": self.outcome.value,
            "priority_groups": [group.name for group in self.priority_groups],
        }


@attrs.frozen(kw_only=True)
class Selection:
    """Which cases the KPIs are for: the whole organisation, one outlet, or one activity.

    Attributes:
        outlet_id: Only cases delivered from this outlet.
        organisation_activity_id: Only cases of this program activity.
    """

    outlet_id: int | None = None
    organisation_activity_id: int | None = None

    def cases(self, dataset: Dataset) -> frozenset[str]:
        """The ids of the selected cases of ``dataset``."""
        if self.outlet_id is None and self.organisation_activity_id is None:
            return frozenset(case.case_id for case in dataset.cases)
        wanted = {
            activity.outlet_activity_id
            for outlet in dataset.outlets
            for activity in outlet.activities
            if (self.outlet_id is None or outlet.outlet_id == self.outlet_id)
            and (
                self.organisation_activity_id is None
                or activity.organisation_activity_id == self.organisation_activity_id
            )
        }
        return frozenset(
            case.case_id for case in dataset.cases if case.outlet_activity_id in wanted
        )

    def describe(self) -> dict[str, Any]:
        """The selection as plain data, for reports."""
        return {
            "outlet_id": self.outlet_id,
            "organisation_activity_id": self.organisation_activity_id,
        }


@attrs.frozen(kw_only=True)
class Ratio:
    """A percentage with its parts, so a reader can check it.

    Attributes:
        numerator: Clients who meet the measure.
        denominator: Clients it is measured over.
        not_stated: Clients left out of the denominator because the answer
            was not stated.
    """

    numerator: int
    denominator: int
    not_stated: int = 0

    @property
    def percent(self) -> float | None:
        """0 to 100, or ``None`` when the denominator is zero."""
        return None if self.denominator == 0 else 100 * self.numerator / self.denominator

    def to_dict(self) -> dict[str, Any]:
        """``value`` (percent), ``numerator``, ``denominator`` and ``not_stated``."""
        value = self.percent
        return {
            "value": None if value is None else round(value, 2),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "not_stated": self.not_stated,
        }


@attrs.define
class KpiPartial:
    """What one part of the input contributes to the KPIs of a period.

    Attributes:
        period: The reporting period.
        sessions: Counted sessions.
        by_service_type: Counted sessions per service type.
        attendances: Attached plus unidentified clients over counted sessions.
        client_ids: Clients attached as ``CLIENT`` to a counted session.
        unidentified: Per case, the largest unidentified figure in the period (capped).
        pairs: SCORE pairs of ratings up to the end of the period.
    """

    period: ReportingPeriod
    sessions: int = 0
    by_service_type: dict[int, int] = attrs.field(factory=dict)
    attendances: int = 0
    client_ids: set[str] = attrs.field(factory=set)
    unidentified: dict[str, int] = attrs.field(factory=dict)
    pairs: Pairs = attrs.field(factory=Pairs)

    def merge(self, other: KpiPartial) -> KpiPartial:
        """The contribution of both parts together."""
        by_type = dict(self.by_service_type)
        for service_type, count in other.by_service_type.items():
            by_type[service_type] = by_type.get(service_type, 0) + count
        unidentified = dict(self.unidentified)
        for case_id, count in other.unidentified.items():
            unidentified[case_id] = max(unidentified.get(case_id, 0), count)
        return KpiPartial(
            period=self.period,
            sessions=self.sessions + other.sessions,
            by_service_type=by_type,
            attendances=self.attendances + other.attendances,
            client_ids=self.client_ids | other.client_ids,
            unidentified=unidentified,
            pairs=self.pairs.merge(other.pairs),
        )


def _case_cap(case: Case | None, count: int) -> int:
    return count if case is None else min(count, case.total_unidentified_clients)


def kpi_partial(
    dataset: Dataset,
    period: ReportingPeriod,
    *,
    selection: Selection | None = None,
    policies: KpiPolicies | None = None,
    first_index: int = 0,
) -> KpiPartial:
    """The contribution of ``dataset`` (the whole input, or a part of whole cases) to the KPIs.

    Args:
        dataset: The records; a part must hold whole cases and every client.
        period: The reporting period.
        selection: Which cases; by default all.
        policies: The named choices; by default dexcore's.
        first_index: Position of the part's first client assessment in the
            whole input, so that ties are broken in recorded order.
    """
    with gc_paused():
        return _partial(dataset, period, selection, policies, first_index)


def _partial(
    dataset: Dataset,
    period: ReportingPeriod,
    selection: Selection | None,
    policies: KpiPolicies | None,
    first_index: int,
) -> KpiPartial:
    chosen = (selection or Selection()).cases(dataset)
    policy = (policies or KpiPolicies()).pairing
    partial = KpiPartial(period=period, pairs=Pairs(policy=policy))
    start, end = period.start, period.end
    for session in dataset.sessions:
        if session.case_id not in chosen or not session.clients:
            continue
        if not start <= session.session_date <= end:
            continue
        partial.sessions += 1
        kind = session.service_type_id
        partial.by_service_type[kind] = partial.by_service_type.get(kind, 0) + 1
        partial.attendances += session.attendances
        for attendee in session.clients:
            if attendee.participation is ParticipationType.CLIENT:
                partial.client_ids.add(attendee.client_id)
        if session.total_unidentified_clients:
            case = dataset.case_by_id.get(session.case_id)
            count = _case_cap(case, session.total_unidentified_clients)
            partial.unidentified[session.case_id] = max(
                partial.unidentified.get(session.case_id, 0), count
            )
    for rating in client_ratings(dataset, policy, first_index=first_index):
        if rating is None:
            partial.pairs.outside_scope += 1
        elif rating.case_id in chosen and rating.session_date <= end:
            partial.pairs.add(rating)
    return partial


@attrs.frozen(kw_only=True)
class KpiReport:
    """The five KPIs of one period, each with the parts a reader needs to check it.

    Attributes:
        period: The reporting period.
        selection: Which cases the figures are for.
        policies: The choices behind them.
        clients_assisted: Distinct clients assisted.
        unidentified_clients: Unidentified clients, without double counting.
        sessions_delivered: Counted sessions.
        sessions_by_service_type: Counted sessions per service type.
        attendances: Attached plus unidentified clients over counted sessions.
        priority_groups: Each priority group's share of clients assisted.
        any_priority_group: The share in at least one group.
        goals_achieved: Clients achieving goals.
        circumstances_improved: Clients with improved circumstances.
        unidentified_share: Unidentified clients among all clients.
    """

    period: ReportingPeriod
    selection: Selection
    policies: KpiPolicies
    clients_assisted: int
    unidentified_clients: int
    sessions_delivered: int
    sessions_by_service_type: Mapping[int, int] = attrs.field(eq=False)
    attendances: int
    priority_groups: Mapping[str, Ratio] = attrs.field(eq=False)
    any_priority_group: Ratio
    goals_achieved: Ratio
    circumstances_improved: Ratio
    unidentified_share: Ratio

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: each KPI with its value and, for percentages, its parts."""
        return {
            "period": self.period.label,
            "selection": self.selection.describe(),
            "policies": self.policies.describe(),
            "clients_assisted": {
                "value": self.clients_assisted,
                "unidentified": self.unidentified_clients,
            },
            "sessions_delivered": {
                "value": self.sessions_delivered,
                "by_service_type": {
                    str(k): v for k, v in sorted(self.sessions_by_service_type.items())
                },
                "attendances": self.attendances,
            },
            "priority_groups": {
                "any": self.any_priority_group.to_dict(),
                **{name: ratio.to_dict() for name, ratio in self.priority_groups.items()},
            },
            "goals_achieved": self.goals_achieved.to_dict(),
            "circumstances_improved": self.circumstances_improved.to_dict(),
            "unidentified_share": self.unidentified_share.to_dict(),
        }

    def headline(self) -> dict[str, float | None]:
        """One number per KPI, for benchmarking."""
        return {
            "clients_assisted": float(self.clients_assisted),
            "sessions_delivered": float(self.sessions_delivered),
            "priority_groups": self.any_priority_group.percent,
            "goals_achieved": self.goals_achieved.percent,
            "circumstances_improved": self.circumstances_improved.percent,
        }

    def __repr__(self) -> str:
        from dexcore._notebook import kpi_repr  # noqa: PLC0415

        return kpi_repr(self)

    def _repr_html_(self) -> str:
        """A notebook summary: the KPIs with their parts."""
        from dexcore._notebook import kpi_html  # noqa: PLC0415

        return kpi_html(self)


def _ratio(values: list[bool | None]) -> Ratio:
    stated = [value for value in values if value is not None]
    return Ratio(
        numerator=sum(stated), denominator=len(stated), not_stated=len(values) - len(stated)
    )


def _outcome_ratio(partial: KpiPartial, score_type: ScoreType, outcome: OutcomePolicy) -> Ratio:
    start = partial.period.start
    in_period = [
        change
        for change in partial.pairs.changes()
        if change.score_type is score_type and change.last.session_date >= start
    ]
    outcomes = client_outcomes(in_period, score_type, outcome)
    return Ratio(numerator=sum(outcomes.values()), denominator=len(outcomes))


def kpi_report(
    partial: KpiPartial,
    clients: Mapping[str, Client],
    *,
    selection: Selection | None = None,
    policies: KpiPolicies | None = None,
) -> KpiReport:
    """The KPIs from a (merged) partial result and the clients' records."""
    with gc_paused():
        return _report(partial, clients, selection, policies)


def _report(
    partial: KpiPartial,
    clients: Mapping[str, Client],
    selection: Selection | None,
    policies: KpiPolicies | None,
) -> KpiReport:
    chosen = policies or KpiPolicies()
    assisted = sorted(partial.client_ids)
    groups: dict[str, Ratio] = {}
    any_group: list[bool | None] = []
    classes: dict[str, list[bool | None]] = {group.name: [] for group in chosen.priority_groups}
    for client_id in assisted:
        client = clients.get(client_id)
        found = [None if client is None else g.classify(client) for g in chosen.priority_groups]
        for group, value in zip(chosen.priority_groups, found, strict=True):
            classes[group.name].append(value)
        any_group.append(
            True if any(found) else (False if all(v is False for v in found) else None)
        )
    for name, values in classes.items():
        groups[name] = _ratio(values)
    unidentified = sum(partial.unidentified.values())
    return KpiReport(
        period=partial.period,
        selection=selection or Selection(),
        policies=chosen,
        clients_assisted=len(assisted),
        unidentified_clients=unidentified,
        sessions_delivered=partial.sessions,
        sessions_by_service_type=dict(sorted(partial.by_service_type.items())),
        attendances=partial.attendances,
        priority_groups=groups,
        any_priority_group=_ratio(any_group),
        goals_achieved=_outcome_ratio(partial, ScoreType.GOALS, chosen.outcome),
        circumstances_improved=_outcome_ratio(partial, ScoreType.CIRCUMSTANCES, chosen.outcome),
        unidentified_share=Ratio(numerator=unidentified, denominator=unidentified + len(assisted)),
    )


def standard_kpis(
    dataset: Dataset,
    period: ReportingPeriod,
    *,
    selection: Selection | None = None,
    policies: KpiPolicies | None = None,
) -> KpiReport:
    """The five KPIs of ``dataset`` for ``period``, in one pass."""
    partial = kpi_partial(dataset, period, selection=selection, policies=policies)
    return kpi_report(partial, dataset.client_by_id, selection=selection, policies=policies)
