"""Reference rules: every case, client and session a record names exists, once.

Part of the structure and integrity rules (:mod:`dexcore.rules.integrity`
lists them in the rule set's order). References resolve against the
dataset, or against records the caller says exist in DEX already
(:class:`~dexcore.rules.KnownRecords`).
"""

from __future__ import annotations

from dexcore.issues import Severity
from dexcore.model import Case, Session
from dexcore.rules._common import XSD, record_rule
from dexcore.rules.context import CheckContext
from dexcore.rules.engine import Entity, Finding, Source

__all__ = [
    "case_client_repeated",
    "case_client_unknown",
    "session_case_unknown",
    "session_client_not_in_case",
    "session_client_repeated",
    "session_client_unknown",
]

ERROR, WARNING = Severity.ERROR, Severity.WARNING
VALIDATE_XSL = Source(
    document="Independent pre-upload cross-reference checker (validate.xsl)",
    version="2015",
    evidence="second-hand",
    anchor="independent-dex-exporters",
)
WORKFLOW = Source(
    document="DEX portal workflow: case, then its clients, then sessions",
    evidence="inferred",
    anchor="rules-dexcore-infers",
)

# -- references --------------------------------------------------------------------------------


@record_rule(
    "session.case.unknown",
    ERROR,
    Entity.SESSION,
    "A session's case exists",
    sources=(VALIDATE_XSL, XSD),
)
def session_case_unknown(session: Session, context: CheckContext) -> list[Finding]:
    """Every session belongs to a case that is in the upload or already in DEX."""
    if not context.has_case(session.case_id):
        return [
            Finding(
                message="the session's case is neither in this dataset nor known to exist in DEX",
                field=".case_id",
            )
        ]
    return []


@record_rule(
    "case.client.unknown",
    ERROR,
    Entity.CASE,
    "A case's clients exist",
    sources=(VALIDATE_XSL,),
)
def case_client_unknown(case: Case, context: CheckContext) -> list[Finding]:
    """Every client attached to a case is in the upload or already in DEX."""
    found: list[Finding] = []
    for n, attached in enumerate(case.clients):
        if not context.has_client(attached.client_id):
            found.append(
                Finding(
                    message="this case client is neither in this dataset nor known to exist in DEX",
                    field=f".clients[{n}].client_id",
                )
            )
    return found


@record_rule(
    "case.client.repeated",
    WARNING,
    Entity.CASE,
    "A client is attached to a case once",
    sources=(XSD,),
)
def case_client_repeated(case: Case, _: CheckContext) -> list[Finding]:
    """Attaching the same client twice to one case is a mistake (reasons and referral source
    belong to the one attachment)."""
    found: list[Finding] = []
    seen: set[str] = set()
    for n, attached in enumerate(case.clients):
        if attached.client_id in seen:
            found.append(
                Finding(
                    message="the same client is attached to this case more than once",
                    field=f".clients[{n}].client_id",
                )
            )
        seen.add(attached.client_id)
    return found


@record_rule(
    "session.client.unknown",
    ERROR,
    Entity.SESSION,
    "A session's clients exist",
    sources=(VALIDATE_XSL,),
)
def session_client_unknown(session: Session, context: CheckContext) -> list[Finding]:
    """Every client attached to a session is in the upload or already in DEX."""
    found: list[Finding] = []
    for n, attendee in enumerate(session.clients):
        if not context.has_client(attendee.client_id):
            found.append(
                Finding(
                    message="this session client is neither in this dataset nor known to exist "
                    "in DEX",
                    field=f".clients[{n}].client_id",
                )
            )
    return found


@record_rule(
    "session.client.not-in-case",
    WARNING,
    Entity.SESSION,
    "A session's clients are clients of its case",
    sources=(WORKFLOW,),
)
def session_client_not_in_case(session: Session, context: CheckContext) -> list[Finding]:
    """A client is added to a case before they can attend its sessions (the portal's order:
    case, clients, session). The exact DSS rule text is not published, hence a warning."""
    found: list[Finding] = []
    members = context.case_members.get(session.case_id)
    if members is None:
        return found
    for n, attendee in enumerate(session.clients):
        if attendee.client_id not in members and context.has_client(attendee.client_id):
            found.append(
                Finding(
                    message="this session client is not attached to the session's case",
                    field=f".clients[{n}].client_id",
                )
            )
    return found


@record_rule(
    "session.client.repeated",
    WARNING,
    Entity.SESSION,
    "A client attends a session once",
    sources=(XSD,),
)
def session_client_repeated(session: Session, _: CheckContext) -> list[Finding]:
    """The same client listed twice at one session double-counts an attendance."""
    found: list[Finding] = []
    attendees = session.clients
    if len(attendees) < 2 or len({a.client_id for a in attendees}) == len(attendees):
        return found
    seen: set[str] = set()
    for n, attendee in enumerate(attendees):
        if attendee.client_id in seen:
            found.append(
                Finding(
                    message="the same client is listed more than once in this session",
                    field=f".clients[{n}].client_id",
                )
            )
        seen.add(attendee.client_id)
    return found
