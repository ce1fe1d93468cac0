"""Structure and integrity rules: unique ids, references that resolve, cardinalities.

The reference rules are in :mod:`dexcore.rules.references` and the SCORE
assessment rules in :mod:`dexcore.rules.assessments`; this module's
``RULES`` lists them in the rule set's order with the rest.

References resolve against the dataset, or against records the caller says
exist in DEX already (:class:`~dexcore.rules.KnownRecords`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sized
from typing import Any

import attrs

from dexcore.issues import RecordRef, Severity
from dexcore.model import (
    Client,
    Dataset,
    Session,
)
from dexcore.rules._common import (
    PROTOCOLS_V11,
    PROTOCOLS_V13,
    REFERENCE_DATA,
    XSD,
    record_rule,
)
from dexcore.rules.assessments import (
    client_assessment_count,
    client_assessment_refs,
    client_assessment_repeated,
    client_assessment_type,
    client_domain_unknown,
    client_domain_wrong,
    client_not_at_session,
    client_scores,
    session_assessment_count,
    session_assessment_refs,
    session_assessment_type,
    session_domain_unknown,
    session_domain_wrong,
    session_scores,
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
from dexcore.rules.references import (
    case_client_repeated,
    case_client_unknown,
    session_case_unknown,
    session_client_not_in_case,
    session_client_repeated,
    session_client_unknown,
)

__all__ = ["RULES"]

ERROR, WARNING = Severity.ERROR, Severity.WARNING

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
