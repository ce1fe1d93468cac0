"""Structure and integrity rules: unique ids, references that resolve, cardinalities.

References resolve against the dataset, or against records the caller says
exist in DEX already (:class:`~dexcore.rules.KnownRecords`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Hashable, Sized
from typing import Any

import attrs

from dexcore.issues import RecordRef, Severity
from dexcore.model import (
    Assessment,
    Case,
    Client,
    ClientAssessment,
    Dataset,
    ParticipationType,
    ScoreType,
    Session,
    SessionAssessment,
)
from dexcore.rules._common import (
    PROTOCOLS_V11,
    PROTOCOLS_V13,
    REFERENCE_DATA,
    REGISTRY_SCORE,
    XSD,
    record_rule,
)
from dexcore.rules.context import CheckContext, record_ref
from dexcore.rules.engine import (
    AggregateRule,
    Entity,
    Finding,
    RecordRule,
    RuleInfo,
    Source,
)

__all__ = ["RULES"]

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

#: Most assessments one ClientAssessment and one SessionAssessment may hold (bulk XSD).
MAX_CLIENT_ASSESSMENTS, MAX_SESSION_ASSESSMENTS = 6, 2


# -- ids ---------------------------------------------------------------------------------------


@attrs.define
class _Duplicates:
    """Remembers each key once; every later record with a seen key is a finding."""

    entity: Entity
    key: Callable[[Any], Hashable]
    field: str
    message: str
    #: The index of the first record of each key.
    seen: dict[Hashable, int] = attrs.field(factory=dict)
    found: list[tuple[RecordRef | None, Finding]] = attrs.field(factory=list)
    #: True when the dataset's index already shows that no key repeats.
    idle: bool = False

    def visit(self, record: Any, index: int) -> None:  # noqa: ANN401 (any model record)
        key = self.key(record)
        first = self.seen.setdefault(key, index)
        if first != index:
            ref = record_ref(self.entity, record, index)
            # The first record named by its place, so that two records with one id are told apart.
            message = f"{self.message} (the first is {self.entity.kind} #{first})"
            self.found.append((ref, Finding(message=message, field=self.field)))

    def finish(self) -> list[tuple[RecordRef | None, Finding]]:
        return self.found


def _duplicate_rule(
    code: str,
    entity: Entity,
    summary: str,
    description: str,
    *,
    key: Callable[[Any], Hashable],
    field: str,
    message: str,
    severity: Severity = ERROR,
    sources: tuple[Source, ...] = (PROTOCOLS_V13,),
    unique: Callable[[Dataset], tuple[Sized, Sized]] | None = None,
) -> AggregateRule:
    info = RuleInfo(
        code=code,
        severity=severity,
        summary=summary,
        description=description,
        sources=sources,
        entity=entity,
    )

    def start(context: CheckContext) -> _Duplicates:
        found = _Duplicates(entity=entity, key=key, field=field, message=message)
        if unique is not None:
            index, collection = unique(context.dataset)
            # The index keeps the first record of each key: as long as the collection, no repeats.
            found.idle = len(index) == len(collection)
        return found

    return AggregateRule(info=info, start=start)


CLIENT_DUPLICATE = _duplicate_rule(
    "client.id.duplicate",
    Entity.CLIENT,
    "Client ids are unique",
    "Client ids are the organisation's own and must be unique within it; a second record with "
    "the same id would overwrite the first or be refused.",
    key=lambda client: client.client_id,
    unique=lambda dataset: (dataset.client_by_id, dataset.clients),
    field=".client_id",
    message="an earlier client record has the same client id",
)
CASE_DUPLICATE = _duplicate_rule(
    "case.id.duplicate",
    Entity.CASE,
    "Case ids are unique",
    'A case id is "unique within the organisation" (Protocols v13 §6.2.1).',
    key=lambda case: case.case_id,
    unique=lambda dataset: (dataset.case_by_id, dataset.cases),
    field=".case_id",
    message="an earlier case record has the same case id",
)
SESSION_DUPLICATE = _duplicate_rule(
    "session.id.duplicate",
    Entity.SESSION,
    "Session ids are unique within their case",
    "Session ids are supplied by the organisation and unique within the case.",
    key=lambda session: session.key,
    unique=lambda dataset: (dataset.session_by_key, dataset.sessions),
    field=".session_id",
    message="an earlier session of the same case has the same session id",
)
CLIENT_ASSESSMENT_DUPLICATE = _duplicate_rule(
    "client-assessment.duplicate",
    Entity.CLIENT_ASSESSMENT,
    "One assessment record per client and session",
    "A second record for the same client at the same session: DSS keeps one of them.",
    key=lambda item: (item.client_id, item.session_key),
    field=".client_id",
    message="an earlier record assesses the same client at the same session",
    severity=WARNING,
    sources=(XSD,),
)
SESSION_ASSESSMENT_DUPLICATE = _duplicate_rule(
    "session-assessment.duplicate",
    Entity.SESSION_ASSESSMENT,
    "One assessment record per session",
    "A second Group/Community record for the same session: DSS keeps one of them.",
    key=lambda item: item.session_key,
    field=".session_id",
    message="an earlier record assesses the same session",
    severity=WARNING,
    sources=(XSD,),
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


# -- cardinalities and consistency -------------------------------------------------------------


@record_rule(
    "session.referral.type-repeated",
    ERROR,
    Entity.SESSION,
    "At most one internal and one external referral per session client",
    sources=(PROTOCOLS_V11,),
)
def referral_type_repeated(session: Session, _: CheckContext) -> list[Finding]:
    """ "Referrals … can include one internal and one external type of referral per session
    record" (Protocols v11 §6.4)."""
    found: list[Finding] = []
    for n, attendee in enumerate(session.clients):
        seen = set()
        for k, referral in enumerate(attendee.referrals):
            if referral.referral_type in seen:
                found.append(
                    Finding(
                        message=f"more than one {referral.referral_type.value} referral for this "
                        "session client",
                        field=f".clients[{n}].referrals[{k}].referral_type",
                    )
                )
            seen.add(referral.referral_type)
    return found


@record_rule(
    "session.referral.no-purpose",
    ERROR,
    Entity.SESSION,
    "Every referral has at least one purpose",
    sources=(XSD,),
)
def referral_no_purpose(session: Session, _: CheckContext) -> list[Finding]:
    """Each ``Referral`` has a type and one or more ``PurposeCode`` (bulk XSD)."""
    found: list[Finding] = []
    for n, attendee in enumerate(session.clients):
        for k, referral in enumerate(attendee.referrals):
            if not referral.purposes:
                found.append(
                    Finding(
                        message="a referral needs at least one purpose",
                        field=f".clients[{n}].referrals[{k}].purposes",
                    )
                )
    return found


@record_rule(
    "client.disabilities.missing",
    ERROR,
    Entity.CLIENT,
    "Disabilities are listed when the client has disabilities",
    sources=(XSD, PROTOCOLS_V13),
)
def disabilities_missing(client: Client, _: CheckContext) -> list[Finding]:
    """When ``has_disabilities`` is true, at least one disability code follows."""
    if client.has_disabilities and not client.disabilities:
        return [
            Finding(
                message="has_disabilities is true but no disability is listed",
                field=".disabilities",
            )
        ]
    return []


@record_rule(
    "client.disabilities.unexpected",
    WARNING,
    Entity.CLIENT,
    "No disabilities are listed when the client has none",
    sources=(XSD,),
)
def disabilities_unexpected(client: Client, _: CheckContext) -> list[Finding]:
    """Disability codes with ``has_disabilities`` false contradict each other; DSS's handling
    is not published, hence a warning."""
    if not client.has_disabilities and client.disabilities:
        return [
            Finding(
                message="disabilities are listed but has_disabilities is false",
                field=".disabilities",
            )
        ]
    return []


@record_rule(
    "session.unidentified.above-case",
    ERROR,
    Entity.SESSION,
    "A session's unidentified clients do not exceed its case's figure",
    sources=(PROTOCOLS_V11,),
)
def unidentified_above_case(session: Session, context: CheckContext) -> list[Finding]:
    """The session count "must be less than or equal to" the case's expected total, which
    "prevents double counting" (Protocols v11 §5.2.2)."""
    case = context.dataset.case_by_id.get(session.case_id)
    if case is not None and session.total_unidentified_clients > case.total_unidentified_clients:
        return [
            Finding(
                message=f"{session.total_unidentified_clients} unidentified clients at the session "
                f"but the case expects at most {case.total_unidentified_clients}",
                field=".total_unidentified_clients",
            )
        ]
    return []


@record_rule(
    "session.service-type.not-for-activity",
    ERROR,
    Entity.SESSION,
    "The service type is one of the case's program activity",
    sources=(PROTOCOLS_V13, REFERENCE_DATA),
)
def service_type_not_for_activity(session: Session, context: CheckContext) -> list[Finding]:
    """DEX offers "only the service types attached to the activity being reported"; checked
    when the dataset's organisation lists the activity's service types."""
    case = context.dataset.case_by_id.get(session.case_id)
    program = None if case is None else context.program_of(case)
    allowed = () if program is None else program.service_type_ids
    if allowed and session.service_type_id not in allowed:
        return [
            Finding(
                message=f"service type {session.service_type_id} is not one of the service "
                "types of the case's program activity",
                field=".service_type_id",
            )
        ]
    return []


def _service_type_missing(session: Session, context: CheckContext) -> bool:
    """Whether the session's service type is outside the reference data's list.

    ``False`` when the case's program activity lists its service types: then
    ``session.service-type.not-for-activity`` decides, and one problem is
    reported once.
    """
    known = context.reference.service_types
    if not known or session.service_type_id in known:
        return False
    case = context.dataset.case_by_id.get(session.case_id)
    program = None if case is None else context.program_of(case)
    return not (program is not None and program.service_type_ids)


@record_rule(
    "session.service-type.unknown",
    ERROR,
    Entity.SESSION,
    "The service type is in the reference data",
    sources=(REFERENCE_DATA,),
)
def service_type_unknown(session: Session, context: CheckContext) -> list[Finding]:
    """A service type id outside a complete list of DSS's service types (your portal's): DEX
    refuses it."""
    if context.reference.service_types_complete and _service_type_missing(session, context):
        return [
            Finding(
                message=f"service type {session.service_type_id} is not a DSS service type; "
                "use one of your program activity's service types",
                field=".service_type_id",
            )
        ]
    return []


@record_rule(
    "session.service-type.unlisted",
    WARNING,
    Entity.SESSION,
    "The service type is in the bundled list of service types",
    sources=(REFERENCE_DATA,),
)
def service_type_unlisted(session: Session, context: CheckContext) -> list[Finding]:
    """A service type id missing from a list known to be incomplete (the bundled list, a
    second-hand 2025 cache): it may well be valid, hence a warning."""
    if not context.reference.service_types_complete and _service_type_missing(session, context):
        count = len(context.reference.service_types)
        return [
            Finding(
                message=f"service type {session.service_type_id} is not among the {count} "
                "service types dexcore knows, a list known to be incomplete (a second-hand "
                "2025 cache); check it in your DEX portal, or give the program activity's "
                "service types (ProgramActivity.service_type_ids) to have it checked",
                field=".service_type_id",
            )
        ]
    return []


# -- SCORE assessments -------------------------------------------------------------------------


def _assessment_count(assessments: tuple[Assessment, ...], most: int) -> list[Finding]:
    found: list[Finding] = []
    if not assessments:
        found.append(Finding(message="at least one assessment is required", field=".assessments"))
    elif len(assessments) > most:
        found.append(
            Finding(
                message=f"{len(assessments)} assessments in one record; DEX takes at most {most}",
                field=".assessments",
            )
        )
    return found


def _wrong_applicability(
    assessments: tuple[Assessment, ...], *, for_sessions: bool
) -> list[Finding]:
    found: list[Finding] = []
    for n, assessment in enumerate(assessments):
        if assessment.score_type.for_sessions != for_sessions:
            where = "sessions" if assessment.score_type.for_sessions else "clients"
            found.append(
                Finding(
                    message=f"{assessment.score_type.value} SCORE is recorded for {where}",
                    field=f".assessments[{n}].score_type",
                )
            )
    return found


def _domain_findings(
    assessments: tuple[Assessment, ...], context: CheckContext, *, unknown: bool
) -> list[Finding]:
    """Domains of another score type (``unknown=False``), or of no score type (``True``)."""
    found: list[Finding] = []
    domains, all_domains = context.domains, context.all_domains
    for n, assessment in enumerate(assessments):
        own = domains.get(assessment.score_type)
        if own is None:
            continue
        for k, score in enumerate(assessment.scores):
            if score.domain in own:
                continue
            if (score.domain in all_domains) != unknown:
                kind = assessment.score_type.value
                # A known domain is a DSS code; an unknown one is caller text, unshown.
                problem = (
                    f"domain {score.domain} is not a {kind} domain"
                    if not unknown
                    else "the domain is in no SCORE type of the reference data"
                )
                found.append(
                    Finding(
                        message=f"{problem}; a {kind} assessment rates {', '.join(sorted(own))}",
                        field=f".assessments[{n}].scores[{k}].domain",
                    )
                )
    return found


def _scores_missing(assessments: tuple[Assessment, ...], known: Collection[str]) -> list[Finding]:
    found: list[Finding] = []
    for n, assessment in enumerate(assessments):
        if not assessment.scores:
            found.append(
                Finding(
                    message="an assessment rates at least one domain",
                    field=f".assessments[{n}].scores",
                )
            )
        domains = [score.domain for score in assessment.scores]
        if len(set(domains)) == len(domains):
            continue
        repeated = [d for d, k in Counter(domains).items() if k > 1]
        if repeated:
            # Named only when it is a domain of the reference data (else it is caller text).
            shown = f"domain {repeated[0]}" if repeated[0] in known else "a domain"
            found.append(
                Finding(
                    message=f"{shown} is rated more than once in one assessment",
                    field=f".assessments[{n}].scores",
                )
            )
    return found


@record_rule(
    "client-assessment.count",
    ERROR,
    Entity.CLIENT_ASSESSMENT,
    "A client assessment record holds 1 to 6 assessments",
    sources=(XSD,),
)
def client_assessment_count(item: ClientAssessment, _: CheckContext) -> list[Finding]:
    """``ClientAssessment/Assessments`` holds one to six ``Assessment`` elements (bulk XSD)."""
    found: list[Finding] = []
    found.extend(_assessment_count(item.assessments, MAX_CLIENT_ASSESSMENTS))
    return found


@record_rule(
    "session-assessment.count",
    ERROR,
    Entity.SESSION_ASSESSMENT,
    "A session assessment record holds 1 or 2 assessments",
    sources=(XSD,),
)
def session_assessment_count(item: SessionAssessment, _: CheckContext) -> list[Finding]:
    """``SessionAssessment/Assessments`` holds one or two ``Assessment`` elements (bulk XSD)."""
    found: list[Finding] = []
    found.extend(_assessment_count(item.assessments, MAX_SESSION_ASSESSMENTS))
    return found


@record_rule(
    "client-assessment.score-type",
    ERROR,
    Entity.CLIENT_ASSESSMENT,
    "Client assessments use client SCORE types",
    sources=(REFERENCE_DATA,),
)
def client_assessment_type(item: ClientAssessment, _: CheckContext) -> list[Finding]:
    """Circumstances, Goals and Satisfaction apply to clients; Group/Community to sessions
    (``ApplicableFor`` in DSS's reference data)."""
    found: list[Finding] = []
    found.extend(_wrong_applicability(item.assessments, for_sessions=False))
    return found


@record_rule(
    "session-assessment.score-type",
    ERROR,
    Entity.SESSION_ASSESSMENT,
    "Session assessments use the Group/Community SCORE type",
    sources=(REFERENCE_DATA,),
)
def session_assessment_type(item: SessionAssessment, _: CheckContext) -> list[Finding]:
    """Only Group/Community SCORE (``GROUP``) is recorded against a session."""
    found: list[Finding] = []
    found.extend(_wrong_applicability(item.assessments, for_sessions=True))
    return found


@record_rule(
    "client-assessment.domain.wrong-type",
    ERROR,
    Entity.CLIENT_ASSESSMENT,
    "Rated domains belong to the assessment's score type",
    sources=(REFERENCE_DATA,),
)
def client_domain_wrong(item: ClientAssessment, context: CheckContext) -> list[Finding]:
    """A domain of another score type (``HOUSING`` in a Goals assessment) cannot be rated."""
    found: list[Finding] = []
    found.extend(_domain_findings(item.assessments, context, unknown=False))
    return found


@record_rule(
    "session-assessment.domain.wrong-type",
    ERROR,
    Entity.SESSION_ASSESSMENT,
    "Rated domains belong to the assessment's score type",
    sources=(REFERENCE_DATA,),
)
def session_domain_wrong(item: SessionAssessment, context: CheckContext) -> list[Finding]:
    """A client domain cannot be rated in a Group/Community assessment."""
    found: list[Finding] = []
    found.extend(_domain_findings(item.assessments, context, unknown=False))
    return found


@record_rule(
    "client-assessment.domain.unknown",
    WARNING,
    Entity.CLIENT_ASSESSMENT,
    "Rated domains are in the reference data",
    sources=(REFERENCE_DATA, PROTOCOLS_V13),
)
def client_domain_unknown(item: ClientAssessment, context: CheckContext) -> list[Finding]:
    """A domain in no score type of the reference data. The codes of the 2018 domains are
    only partly published, hence a warning: load your portal's reference data to be sure."""
    found: list[Finding] = []
    found.extend(_domain_findings(item.assessments, context, unknown=True))
    return found


@record_rule(
    "session-assessment.domain.unknown",
    WARNING,
    Entity.SESSION_ASSESSMENT,
    "Rated domains are in the reference data",
    sources=(REFERENCE_DATA, PROTOCOLS_V13),
)
def session_domain_unknown(item: SessionAssessment, context: CheckContext) -> list[Finding]:
    """A Group/Community domain in no score type of the reference data."""
    found: list[Finding] = []
    found.extend(_domain_findings(item.assessments, context, unknown=True))
    return found


@record_rule(
    "client-assessment.scores",
    ERROR,
    Entity.CLIENT_ASSESSMENT,
    "Each assessment rates at least one domain, each domain once",
    sources=(XSD,),
)
def client_scores(item: ClientAssessment, context: CheckContext) -> list[Finding]:
    """``Scores`` holds one or more ``ScoreCode``; one domain rated twice in one assessment
    leaves DSS two answers for one question."""
    found: list[Finding] = []
    found.extend(_scores_missing(item.assessments, context.all_domains))
    return found


@record_rule(
    "session-assessment.scores",
    ERROR,
    Entity.SESSION_ASSESSMENT,
    "Each assessment rates at least one domain, each domain once",
    sources=(XSD,),
)
def session_scores(item: SessionAssessment, context: CheckContext) -> list[Finding]:
    """``Scores`` holds one or more ``ScoreCode``, each domain once."""
    found: list[Finding] = []
    found.extend(_scores_missing(item.assessments, context.all_domains))
    return found


@record_rule(
    "client-assessment.reference.unknown",
    ERROR,
    Entity.CLIENT_ASSESSMENT,
    "A client assessment's session and client exist",
    sources=(XSD, REGISTRY_SCORE),
)
def client_assessment_refs(item: ClientAssessment, context: CheckContext) -> list[Finding]:
    """A client assessment is keyed by client, case and session, each of which must exist."""
    found: list[Finding] = []
    if not context.has_session(item.session_key):
        found.append(
            Finding(
                message="the assessed session is neither in this dataset nor known to exist in DEX",
                field=".session_id",
            )
        )
    if not context.has_client(item.client_id):
        found.append(
            Finding(
                message="the assessed client is neither in this dataset nor known to exist in DEX",
                field=".client_id",
            )
        )
    return found


@record_rule(
    "client-assessment.client.not-at-session",
    WARNING,
    Entity.CLIENT_ASSESSMENT,
    "A client is assessed at a session they attended",
    sources=(REGISTRY_SCORE,),
)
def client_not_at_session(item: ClientAssessment, context: CheckContext) -> list[Finding]:
    """SCORE is recorded against a session the client attended as a client."""
    session = context.dataset.session_by_key.get(item.session_key)
    if session is not None and not any(
        a.client_id == item.client_id and a.participation is ParticipationType.CLIENT
        for a in session.clients
    ):
        return [
            Finding(
                message="the client did not attend the assessed session as a client",
                field=".client_id",
            )
        ]
    return []


@record_rule(
    "session-assessment.session.unknown",
    ERROR,
    Entity.SESSION_ASSESSMENT,
    "A session assessment's session exists",
    sources=(XSD,),
)
def session_assessment_refs(item: SessionAssessment, context: CheckContext) -> list[Finding]:
    """A Group/Community assessment is keyed by case and session, which must exist."""
    if not context.has_session(item.session_key):
        return [
            Finding(
                message="the assessed session is neither in this dataset nor known to exist in DEX",
                field=".session_id",
            )
        ]
    return []


@record_rule(
    "client-assessment.repeated",
    WARNING,
    Entity.CLIENT_ASSESSMENT,
    "Each score type and phase once per record",
    sources=(REGISTRY_SCORE,),
)
def client_assessment_repeated(item: ClientAssessment, _: CheckContext) -> list[Finding]:
    """Two assessments of the same score type and phase at one session cannot be ordered."""
    found: list[Finding] = []
    seen: set[tuple[ScoreType, str]] = set()
    for n, assessment in enumerate(item.assessments):
        key = (assessment.score_type, assessment.phase.value)
        if key in seen:
            found.append(
                Finding(
                    message=f"a second {assessment.score_type.value} {assessment.phase.value} "
                    "assessment in the same record",
                    field=f".assessments[{n}]",
                )
            )
        seen.add(key)
    return found


RULES: tuple[RecordRule | AggregateRule, ...] = (
    CLIENT_DUPLICATE,
    CASE_DUPLICATE,
    SESSION_DUPLICATE,
    session_case_unknown,
    case_client_unknown,
    case_client_repeated,
    session_client_unknown,
    session_client_not_in_case,
    session_client_repeated,
    referral_type_repeated,
    referral_no_purpose,
    disabilities_missing,
    disabilities_unexpected,
    unidentified_above_case,
    service_type_not_for_activity,
    service_type_unknown,
    service_type_unlisted,
    client_assessment_count,
    session_assessment_count,
    client_assessment_type,
    session_assessment_type,
    client_domain_wrong,
    session_domain_wrong,
    client_domain_unknown,
    session_domain_unknown,
    client_scores,
    session_scores,
    client_assessment_refs,
    client_not_at_session,
    session_assessment_refs,
    CLIENT_ASSESSMENT_DUPLICATE,
    SESSION_ASSESSMENT_DUPLICATE,
    client_assessment_repeated,
)
