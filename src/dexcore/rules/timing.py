"""Reporting-period rules: closed periods, future dates, sessions that do not count."""

from __future__ import annotations

from dexcore.issues import Severity
from dexcore.model import Session
from dexcore.rules._common import CLOSE_OFF, PROTOCOLS_V11, record_rule
from dexcore.rules.context import CheckContext
from dexcore.rules.engine import (
    Entity,
    Finding,
    RecordRule,
)

__all__ = ["RULES"]


@record_rule(
    "session.date.closed-period",
    Severity.ERROR,
    Entity.SESSION,
    "A session is dated in a period still open for entry",
    sources=(CLOSE_OFF,),
)
def closed_period(session: Session, context: CheckContext) -> list[Finding]:
    """After a period's 30-day close-off its data cannot be entered or changed; DSS reopens a
    period only for exceptional circumstances, and a vendor's delay is not one."""
    found: list[Finding] = []
    if context.period_closed(session.session_date):
        period = context.period_of(session.session_date)
        found.append(
            Finding(
                message=f"the session is in reporting period {period.label}, which closed on "
                f"{period.closes_on.isoformat()}",
                field=".session_date",
            )
        )
    return found


@record_rule(
    "session.date.future",
    Severity.ERROR,
    Entity.SESSION,
    "A session is not dated in the future",
    sources=(CLOSE_OFF,),
)
def future_session(session: Session, context: CheckContext) -> list[Finding]:
    """A session records a service that was delivered, so its date cannot be after the day of
    the check."""
    if session.session_date > context.today:
        return [
            Finding(
                message="the session is dated after the day of the check", field=".session_date"
            )
        ]
    return []


@record_rule(
    "session.no-client",
    Severity.WARNING,
    Entity.SESSION,
    "A session with no attached client does not count in its period",
    sources=(PROTOCOLS_V11,),
)
def no_client(session: Session, _: CheckContext) -> list[Finding]:
    """ "A session is counted against a reporting period if the date of the session fell within
    the reporting period and at least one client is attached" (Protocols v11 §3.4). A
    session with only unidentified clients is accepted but not counted."""
    if not session.clients:
        return [
            Finding(
                message="no client is attached, so the session does not count in its reporting "
                "period (unidentified clients alone do not count)",
                field=".clients",
            )
        ]
    return []


RULES: tuple[RecordRule, ...] = (closed_period, future_session, no_client)
