"""Program-specific rules. SETS: Settlement Engagement and Transition Support.

SETS serves people who arrived in Australia in the last five years, and
expects few unidentified clients: about 5% where services go to individual
community leaders, 25–40% at most where leaders represent communities (SETS
Community of Practice DEX factsheet, answers from Home Affairs and DSS).

The rules apply to cases whose program activity is SETS, when the dataset
says (through its outlets and organisation), and to every case otherwise:
choosing the SETS rule set says the data is SETS data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from dexcore.issues import RecordRef, Severity
from dexcore.model import ParticipationType, ProgramActivity, Session
from dexcore.periods import ReportingPeriod
from dexcore.rules._common import SETS_FACTSHEET, record_rule
from dexcore.rules.context import CheckContext
from dexcore.rules.engine import (
    AggregateRule,
    Entity,
    Finding,
    RecordRule,
    RuleInfo,
)

__all__ = ["COMMUNITY_LIMIT", "COMMUNITY_SERVICE_TYPES", "INDIVIDUAL_LIMIT", "RULES"]

#: Service types through which community leaders represent communities (Community Capacity
#: building, Community Engagement); other sessions serve individuals.
COMMUNITY_SERVICE_TYPES = frozenset({10, 98})
#: Highest expected share of unidentified clients for individual services (percent).
INDIVIDUAL_LIMIT = 5.0
#: Highest expected share where community leaders represent communities (percent).
COMMUNITY_LIMIT = 40.0
#: Years since first arrival within which clients are SETS's usual cohort.
COHORT_YEARS = 5

SETS_NAME = "settlement engagement"


def _names_sets(program: ProgramActivity | None) -> bool:
    return program is None or SETS_NAME in program.name.casefold()


def _other_programs(context: CheckContext) -> frozenset[str]:
    """Ids of the cases known to belong to a program other than SETS (computed once)."""
    return context.remember(
        "non-sets-cases",
        context.dataset,
        lambda: frozenset(
            case.case_id
            for case in context.dataset.cases
            if not _names_sets(context.program_of(case))
        ),
    )


def _arrival_months(context: CheckContext) -> dict[str, int]:
    """Each client's first arrival, in months since year 0 (January when the month is missing)."""
    return context.remember("arrival-months", context.dataset, lambda: _arrivals(context))


def _arrivals(context: CheckContext) -> dict[str, int]:
    found: dict[str, int] = {}
    for client in context.dataset.clients:
        extended = client.extended
        if extended.first_arrival_year is not None:
            month = extended.first_arrival_month
            number = month.number if month is not None else 1
            found.setdefault(client.client_id, extended.first_arrival_year * 12 + number - 1)
    return found


@record_rule(
    "sets.client.arrived-over-five-years-ago",
    Severity.WARNING,
    Entity.SESSION,
    "SETS clients arrived in Australia in the five years before the session",
    sources=(SETS_FACTSHEET,),
)
def arrived_long_ago(session: Session, context: CheckContext) -> list[Finding]:
    """A client who first arrived more than five years before the session is outside SETS's
    usual cohort. It is a warning, not an error: community leaders who have lived here longer
    may be served when they support recent arrivals."""
    found: list[Finding] = []
    arrivals = _arrival_months(context)
    if not arrivals or session.case_id in _other_programs(context):
        return found
    day = session.session_date
    # More than five years even if arrival was on the last day of its month: the session is in
    # or after the month after the fifth anniversary of the arrival month.
    latest_arrival = day.year * 12 + day.month - 1 - COHORT_YEARS * 12 - 1
    for n, attendee in enumerate(session.clients):
        if attendee.participation is not ParticipationType.CLIENT:
            continue
        arrived = arrivals.get(attendee.client_id)
        if arrived is not None and arrived <= latest_arrival:
            found.append(
                Finding(
                    message="this client first arrived in Australia more than five years before "
                    "the session (fine for a community leader supporting recent arrivals)",
                    field=f".clients[{n}].client_id",
                )
            )
    return found


@attrs.define
class _Share:
    """Identified and unidentified clients per reporting period and kind of service."""

    context: CheckContext
    other_programs: frozenset[str]
    # Hot-path keys are small integers: a period's number in `periods` times 2, plus 1 for
    # services where leaders represent communities.
    periods: list[ReportingPeriod] = attrs.field(factory=list)
    period_numbers: dict[dt.date, int] = attrs.field(factory=dict)
    identified: dict[int, set[str]] = attrs.field(factory=dict)
    # Per group and case: the largest session figure in the period (no double counting).
    unidentified: dict[tuple[int, str], int] = attrs.field(factory=dict)

    def _group(self, session: Session) -> int:
        number = self.period_numbers.get(session.session_date)
        if number is None:
            period = self.context.period_of(session.session_date)
            if period not in self.periods:
                self.periods.append(period)
            number = self.period_numbers[session.session_date] = self.periods.index(period)
        return 2 * number + (session.service_type_id in COMMUNITY_SERVICE_TYPES)

    def visit(self, session: Session, index: int) -> None:
        if not session.clients or session.case_id in self.other_programs:
            return
        group = self._group(session)
        clients = self.identified.get(group)
        if clients is None:
            clients = self.identified[group] = set()
        for attendee in session.clients:
            if attendee.participation is ParticipationType.CLIENT:
                clients.add(attendee.client_id)
        count = session.total_unidentified_clients
        if count:
            case = self.context.dataset.case_by_id.get(session.case_id)
            if case is not None:
                count = min(count, case.total_unidentified_clients)
            key = (group, session.case_id)
            if count > self.unidentified.get(key, 0):
                self.unidentified[key] = count

    def finish(self) -> Iterator[tuple[RecordRef | None, Finding]]:
        totals: dict[int, int] = {}
        for (group, _case), count in self.unidentified.items():
            totals[group] = totals.get(group, 0) + count
        ordered = sorted(totals, key=lambda g: (self.periods[g // 2], g % 2))
        for group in ordered:
            period, community = self.periods[group // 2], bool(group % 2)
            unidentified = totals[group]
            everyone = unidentified + len(self.identified.get(group, ()))
            share = 100 * unidentified / everyone  # visit keeps only counts above 0
            limit = COMMUNITY_LIMIT if community else INDIVIDUAL_LIMIT
            if share > limit:
                kind = "where leaders represent communities" if community else "for individuals"
                yield (
                    None,
                    Finding(
                        message=f"in {period.label}, unidentified clients are {share:.1f}% of all "
                        f"clients of services {kind} ({unidentified} of {everyone}); SETS expects "
                        f"at most about {limit:.0f}%",
                        field=".sessions[*].total_unidentified_clients",
                    ),
                )


UNIDENTIFIED_SHARE = AggregateRule(
    info=RuleInfo(
        code="sets.unidentified.share",
        severity=Severity.WARNING,
        summary="Unidentified clients stay within SETS's expected share per period",
        description=(
            "Per reporting period, unidentified clients as a share of all clients: about 5% is "
            "expected where services go to individual community leaders, and 25-40% at most "
            "where leaders represent communities (service types 10 and 98). Unidentified "
            "clients are counted without double counting: for each case, the largest session "
            "figure in the period, capped by the case's figure."
        ),
        sources=(SETS_FACTSHEET,),
        entity=Entity.SESSION,
    ),
    start=lambda context: _Share(context=context, other_programs=_other_programs(context)),
)

RULES: tuple[RecordRule | AggregateRule, ...] = (arrived_long_ago, UNIDENTIFIED_SHARE)
