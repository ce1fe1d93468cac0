"""Data-quality rules: impossible dates, conditional fields, codes in the reference data.

Codes of open tables are checked against the reference data given to
:func:`~dexcore.rules.check`: a code missing from a table believed complete
is an error (DEX will refuse it); a code missing from a table known only in
part is information. "Not stated" answers are counted for the data-quality
summary DSS's own reports show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from dexcore.errors import codes_clause
from dexcore.issues import RecordRef, Severity
from dexcore.model import AtsiOrigin, Case, Client, Gender, Session
from dexcore.reference import CodeType
from dexcore.rules._common import (
    DEXCORE,
    EXPORTERS,
    PROTOCOLS_V13,
    REFERENCE_DATA,
    SLK_EXPRESSION,
    VENDOR_KB,
    record_rule,
)
from dexcore.rules.context import CheckContext
from dexcore.rules.engine import (
    AggregateRule,
    Entity,
    Finding,
    RecordRule,
    RuleInfo,
)

__all__ = ["RULES"]

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
CLIENT = Entity.CLIENT

#: Earliest birth year DEX accepts (the SLK expression's year group).
EARLIEST_BIRTH_YEAR = 1900


@record_rule(
    "client.birth-date.future",
    ERROR,
    CLIENT,
    "The birth date is not in the future",
    sources=(DEXCORE,),
)
def birth_future(client: Client, context: CheckContext) -> list[Finding]:
    """Nobody is born after the day of the check."""
    if client.birth_date > context.today:
        return [
            Finding(message="the birth date is after the day of the check", field=".birth_date")
        ]
    return []


@record_rule(
    "client.birth-date.before-1900",
    ERROR,
    CLIENT,
    "The birth date is in 1900 or later",
    sources=(SLK_EXPRESSION,),
)
def birth_before_1900(client: Client, _: CheckContext) -> list[Finding]:
    """DSS's SLK expression accepts birth years from 1900 only, so no valid SLK exists for an
    earlier date; record an estimate instead."""
    if client.birth_date.year < EARLIEST_BIRTH_YEAR:
        return [Finding(message="the birth date is before 1900", field=".birth_date")]
    return []


@record_rule(
    "client.arrival.impossible",
    ERROR,
    CLIENT,
    "First arrival is not before birth nor after the day of the check",
    sources=(EXPORTERS,),
)
def arrival_impossible(client: Client, context: CheckContext) -> list[Finding]:
    """``FirstArrivalYear`` is "greater/equal DOB, less than Today"; with its month, the
    arrival cannot precede the birth month or follow the check."""
    found: list[Finding] = []
    extended = client.extended
    year = extended.first_arrival_year
    if year is None:
        return found
    month = extended.first_arrival_month.number if extended.first_arrival_month else None
    born = (client.birth_date.year, client.birth_date.month)
    if (year, month or 12) < born:
        found.append(
            Finding(
                message="first arrival in Australia is before the birth date",
                field=".extended.first_arrival_year",
            )
        )
    if (year, month or 1) > (context.today.year, context.today.month):
        found.append(
            Finding(
                message="first arrival in Australia is after the day of the check",
                field=".extended.first_arrival_year",
            )
        )
    return found


@record_rule(
    "client.arrival.month-missing",
    WARNING,
    CLIENT,
    "First arrival year and month go together",
    sources=(EXPORTERS,),
)
def arrival_month_missing(client: Client, _: CheckContext) -> list[Finding]:
    """The month of first arrival is "needed if the year is given"; a month without a year
    says nothing."""
    found: list[Finding] = []
    extended = client.extended
    if (extended.first_arrival_year is None) != (extended.first_arrival_month is None):
        missing = "month" if extended.first_arrival_month is None else "year"
        found.append(
            Finding(
                message=f"first arrival {missing} is missing",
                field=f".extended.first_arrival_{missing}",
            )
        )
    return found


@record_rule(
    "client.income.frequency-missing",
    ERROR,
    CLIENT,
    "An income amount has its frequency",
    sources=(PROTOCOLS_V13,),
)
def income_frequency_missing(client: Client, _: CheckContext) -> list[Finding]:
    """ "Income frequency must be recorded in order to be able to record the approximate gross
    income" (Protocols v13 §7.8.2)."""
    extended = client.extended
    if extended.income_amount is not None and extended.income_frequency is None:
        return [
            Finding(
                message="an income amount is recorded without its frequency",
                field=".extended.income_frequency",
            )
        ]
    return []


@record_rule(
    "case.end-date.future",
    ERROR,
    Entity.CASE,
    "A case's end date is not in the future",
    sources=(VENDOR_KB,),
)
def case_end_future(case: Case, context: CheckContext) -> list[Finding]:
    """DEX refuses it: "End date is invalid. Date must be before today"."""
    if case.end_date is not None and case.end_date > context.today:
        return [
            Finding(message="the case's end date is after the day of the check", field=".end_date")
        ]
    return []


# -- codes against the reference data ----------------------------------------------------------


def _client_codes(client: Client) -> Iterator[tuple[str, str | None, str]]:
    extended = client.extended
    yield CodeType.COUNTRY, client.country_of_birth, ".country_of_birth"
    yield CodeType.LANGUAGE, client.language_spoken_at_home, ".language_spoken_at_home"
    for n, code in enumerate(client.disabilities):
        yield CodeType.DISABILITY, code, f".disabilities[{n}]"
    yield CodeType.ANCESTRY, extended.ancestry, ".extended.ancestry"
    yield CodeType.HOMELESS_INDICATOR, extended.homeless_indicator, ".extended.homeless_indicator"
    yield CodeType.EDUCATION_LEVEL, extended.education_level, ".extended.education_level"
    yield CodeType.EMPLOYMENT_STATUS, extended.employment_status, ".extended.employment_status"
    yield CodeType.NDIS_ELIGIBILITY, extended.ndis_eligibility, ".extended.ndis_eligibility"


def _case_codes(case: Case) -> Iterator[tuple[str, str | None, str]]:
    for n, attached in enumerate(case.clients):
        where = f".clients[{n}]"
        yield CodeType.REFERRAL_SOURCE, attached.referral_source, f"{where}.referral_source"
        yield CodeType.EXIT_REASON, attached.exit_reason, f"{where}.exit_reason"
        for k, reason in enumerate(attached.reasons_for_assistance):
            yield (
                CodeType.REASON_FOR_ASSISTANCE,
                reason.code,
                f"{where}.reasons_for_assistance[{k}].code",
            )
    attendance = CodeType.CLIENT_ATTENDANCE_PROFILE
    yield attendance, case.client_attendance_profile, ".client_attendance_profile"


def _session_has_codes(session: Session) -> bool:
    if session.service_setting or session.money_business_workshop or session.extra_items:
        return True
    # A loop, not any(): this runs twice for every session, and a generator costs more.
    for attendee in session.clients:  # noqa: SIM110
        if attendee.referrals:
            return True
    return False


def _session_codes(session: Session) -> Iterator[tuple[str, str | None, str]]:
    yield CodeType.SERVICE_SETTING, session.service_setting, ".service_setting"
    workshop = CodeType.MONEY_BUSINESS_WORKSHOP
    yield workshop, session.money_business_workshop, ".money_business_workshop"
    for n, item in enumerate(session.extra_items):
        yield CodeType.EXTRA_ITEM, item, f".extra_items[{n}]"
    for n, attendee in enumerate(session.clients):
        for k, referral in enumerate(attendee.referrals):
            for j, purpose in enumerate(referral.purposes):
                field = f".clients[{n}].referrals[{k}].purposes[{j}]"
                yield CodeType.REFERRAL_PURPOSE, purpose, field


def _codes(record: object) -> Iterable[tuple[str, str | None, str]]:
    if isinstance(record, Client):
        return _client_codes(record)
    if isinstance(record, Case):
        return _case_codes(record)
    if isinstance(record, Session):
        return _session_codes(record) if _session_has_codes(record) else ()
    return ()


def _code_findings(record: object, context: CheckContext, *, unknown: bool) -> Iterator[Finding]:
    tables = context.code_tables
    for table, code, field in _codes(record):
        if code is None or table not in tables:
            continue
        codes, complete = tables[table]
        if complete == unknown and code not in codes:
            listed = codes_clause(tuple(sorted(codes)), table=table)
            yield Finding(
                message=f"code is not in the {table} reference table{listed}", field=field
            )


def _code_rules(entity: Entity) -> tuple[RecordRule, RecordRule]:
    kind = entity.kind
    unknown = RuleInfo(
        code=f"{kind}.code.unknown",
        severity=ERROR,
        summary=f"{kind.capitalize()} codes are in the reference data",
        description=(
            "A code missing from a reference table that is believed complete: DEX will refuse "
            "it. Check it against your portal's reference data."
        ),
        sources=(REFERENCE_DATA,),
        entity=entity,
    )
    unlisted = attrs.evolve(
        unknown,
        code=f"{kind}.code.unlisted",
        severity=INFO,
        summary=f"{kind.capitalize()} codes missing from partly known tables",
        description=(
            "A code missing from a reference table dexcore knows only in part (a 2018 table, or "
            "one DSS has added codes to); it may well be valid. Load your portal's reference "
            "data to check it."
        ),
    )
    return (
        RecordRule(info=unknown, check=_code_check(entity, unknown=True)),
        RecordRule(info=unlisted, check=_code_check(entity, unknown=False)),
    )


def _code_check(
    entity: Entity, *, unknown: bool
) -> Callable[[Any, CheckContext], Iterable[Finding]]:
    """The check for one entity's codes; most sessions carry no code, and skip the generator."""
    if entity is not Entity.SESSION:
        return lambda record, context: _code_findings(record, context, unknown=unknown)

    def session_codes(session: Session, context: CheckContext) -> Iterable[Finding]:
        if not _session_has_codes(session):
            return ()
        return _code_findings(session, context, unknown=unknown)

    return session_codes


# -- "not stated" counts -----------------------------------------------------------------------

_NOT_STATED: dict[str, frozenset[str]] = {
    "country_of_birth": frozenset({"0003"}),
    "language_spoken_at_home": frozenset({"0002"}),
    "atsi_origin": frozenset({AtsiOrigin.NOTSTATED.value}),
    "gender": frozenset({Gender.NOTSTATED.value}),
}


@attrs.define
class _NotStated:
    """Counts clients whose demographic answers are "not stated"."""

    clients: int = 0
    counts: dict[str, int] = attrs.field(factory=lambda: dict.fromkeys(_NOT_STATED, 0))

    def visit(self, client: Client, index: int) -> None:
        self.clients += 1
        for field, codes in _NOT_STATED.items():
            if str(getattr(client, field)) in codes:
                self.counts[field] += 1

    def finish(self) -> Iterator[tuple[RecordRef | None, Finding]]:
        for field, count in self.counts.items():
            if count:
                share = 100 * count / self.clients
                yield (
                    None,
                    Finding(
                        message=f"{count} of {self.clients} clients ({share:.0f}%) have "
                        f"{field} not stated",
                        field=f".clients[*].{field}",
                    ),
                )


NOT_STATED = AggregateRule(
    info=RuleInfo(
        code="client.not-stated",
        severity=INFO,
        summary="How many clients have demographics not stated",
        description=(
            "Counts of 'not stated' answers for country of birth, language, Indigenous status "
            "and gender: DSS's data-quality report shows the same health check."
        ),
        sources=(REFERENCE_DATA,),
        entity=CLIENT,
    ),
    start=lambda _context: _NotStated(),
)

RULES = (
    birth_future,
    birth_before_1900,
    arrival_impossible,
    arrival_month_missing,
    income_frequency_missing,
    case_end_future,
    *_code_rules(Entity.CLIENT),
    *_code_rules(Entity.CASE),
    *_code_rules(Entity.SESSION),
    NOT_STATED,
)
