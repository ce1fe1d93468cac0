"""SCORE assessment rules: how many a record holds, their types, domains, ratings and references.

Part of the structure and integrity rules (:mod:`dexcore.rules.integrity`
lists them in the rule set's order); the duplicate-assessment rules stay
with the other duplicate-id rules there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from dexcore.issues import Severity
from dexcore.model import (
    Assessment,
    ClientAssessment,
    ParticipationType,
    ScoreType,
    SessionAssessment,
)
from dexcore.rules._common import PROTOCOLS_V13, REFERENCE_DATA, REGISTRY_SCORE, XSD, record_rule
from dexcore.rules.context import CheckContext
from dexcore.rules.engine import Entity, Finding

__all__ = [
    "client_assessment_count",
    "client_assessment_refs",
    "client_assessment_repeated",
    "client_assessment_type",
    "client_domain_unknown",
    "client_domain_wrong",
    "client_not_at_session",
    "client_scores",
    "session_assessment_count",
    "session_assessment_refs",
    "session_assessment_type",
    "session_domain_unknown",
    "session_domain_wrong",
    "session_scores",
]

ERROR, WARNING = Severity.ERROR, Severity.WARNING

#: Most assessments one ClientAssessment and one SessionAssessment may hold (bulk XSD).
MAX_CLIENT_ASSESSMENTS, MAX_SESSION_ASSESSMENTS = 6, 2


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
