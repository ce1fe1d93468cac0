"""Strategies of what a service records: cases, sessions, referrals and SCORE assessments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hypothesis import strategies as st

from dexcore.model import (
    Assessment,
    AssessmentPhase,
    Case,
    CaseClient,
    ClientAssessment,
    DomainScore,
    ParentingAgreement,
    ParentingAgreementOutcome,
    ParticipationType,
    PropertyAgreementOutcome,
    ReasonForAssistance,
    Referral,
    ReferralType,
    ScoreType,
    Section60I,
    Section60ICertificateType,
    Session,
    SessionAssessment,
    SessionClient,
)
from dexcore.reference import CodeType, ReferenceData, bundled
from dexcore.testing.strategies._base import (
    CLIENT_SCORES,
    DEFAULT_FIRST_DAY,
    DEFAULT_LAST_DAY,
    MAYBE,
    SERVICE_TYPES,
    codes,
    domains,
    optional_code,
)

__all__ = [
    "assessments",
    "case_clients",
    "cases",
    "client_assessments",
    "domain_scores",
    "parenting_agreement_outcomes",
    "property_agreement_outcomes",
    "reasons_for_assistance",
    "referrals",
    "section60i_certificates",
    "session_assessments",
    "session_clients",
    "sessions",
]

_FAMILY_LAW_START = dt.date(2015, 1, 1)


def reasons_for_assistance(
    *, reference: ReferenceData | None = None
) -> st.SearchStrategy[ReasonForAssistance]:
    """Single reasons for assistance: a code of the reference data, primary or not."""
    return st.builds(
        ReasonForAssistance,
        code=codes(reference or bundled(), CodeType.REASON_FOR_ASSISTANCE),
        is_primary=st.booleans(),
    )


@st.composite
def case_clients(
    draw: st.DrawFn, client_id: str, *, reference: ReferenceData | None = None
) -> CaseClient:
    """A client's attachment to a case, with exactly one primary reason when reasons are given."""
    ref = reference or bundled()
    reasons = draw(st.lists(codes(ref, CodeType.REASON_FOR_ASSISTANCE), max_size=3, unique=True))
    return CaseClient(
        client_id=client_id,
        referral_source=draw(optional_code(ref, CodeType.REFERRAL_SOURCE)),
        reasons_for_assistance=tuple(
            ReasonForAssistance(code=code, is_primary=n == 0) for n, code in enumerate(reasons)
        ),
        exit_reason=draw(optional_code(ref, CodeType.EXIT_REASON)),
    )


@st.composite
def referrals(
    draw: st.DrawFn, *, min_size: int = 0, reference: ReferenceData | None = None
) -> tuple[Referral, ...]:
    """Referrals out for one session client: at most one internal and one external."""
    ref = reference or bundled()
    kinds = draw(
        st.lists(st.sampled_from(ReferralType), min_size=min_size, max_size=2, unique=True)
    )
    purposes = codes(ref, CodeType.REFERRAL_PURPOSE)
    return tuple(
        Referral(
            referral_type=kind,
            purposes=tuple(draw(st.lists(purposes, min_size=1, max_size=3, unique=True))),
        )
        for kind in kinds
    )


@st.composite
def assessments(
    draw: st.DrawFn,
    score_types: Sequence[ScoreType],
    *,
    max_size: int,
    reference: ReferenceData | None = None,
) -> tuple[Assessment, ...]:
    """Up to ``max_size`` assessments of the given score types, rating real domains 1–5."""
    ref = reference or bundled()
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(score_types), st.sampled_from(AssessmentPhase)),
            min_size=1,
            max_size=max_size,
            unique=True,
        )
    )
    result = []
    for score_type, phase in pairs:
        rateable = domains(ref, score_type)
        rated = draw(st.lists(st.sampled_from(rateable), min_size=1, max_size=4, unique=True))
        scores = tuple(DomainScore(domain=d, rating=draw(st.integers(1, 5))) for d in rated)
        result.append(Assessment(score_type=score_type, phase=phase, scores=scores))
    return tuple(result)


def domain_scores() -> st.SearchStrategy[DomainScore]:
    """Single domain ratings (any upper-case domain code, rating 1–5)."""
    return st.builds(
        DomainScore,
        domain=st.sampled_from(("HOUSING", "MONEY", "SKILLS", "SERVICELISTENED", "GROUPSKILLS")),
        rating=st.integers(1, 5),
    )


def client_assessments(
    client_id: str = "C00001", case_id: str = "K0001", session_id: str = "S001"
) -> st.SearchStrategy[ClientAssessment]:
    """Client SCORE assessments (Circumstances, Goals, Satisfaction), at most six."""
    return st.builds(
        ClientAssessment,
        client_id=st.just(client_id),
        case_id=st.just(case_id),
        session_id=st.just(session_id),
        assessments=assessments(CLIENT_SCORES, max_size=6),
    )


def session_assessments(
    case_id: str = "K0001", session_id: str = "G001"
) -> st.SearchStrategy[SessionAssessment]:
    """Group/Community SCORE assessments of a session, at most two."""
    return st.builds(
        SessionAssessment,
        case_id=st.just(case_id),
        session_id=st.just(session_id),
        assessments=assessments([ScoreType.GROUP], max_size=2),
    )


def session_clients(client_id: str = "C00001") -> st.SearchStrategy[SessionClient]:
    """A client's attendance at a session, as client or support person, with referrals."""
    return st.builds(
        SessionClient,
        client_id=st.just(client_id),
        participation=st.sampled_from(ParticipationType),
        referrals=referrals(),
    )


@st.composite
def sessions(
    draw: st.DrawFn,
    *,
    case_id: str = "K0001",
    client_ids: Sequence[str] = ("C00001", "C00002"),
    case_unidentified: int = 999,
    first_day: dt.date = DEFAULT_FIRST_DAY,
    last_day: dt.date = DEFAULT_LAST_DAY,
) -> Session:
    """Sessions of one case, attended by some of ``client_ids``; group sessions included."""
    attending = draw(st.lists(st.sampled_from(client_ids), unique=True)) if client_ids else []
    with_chsp = draw(st.booleans())
    return Session(
        session_id=draw(st.from_regex(r"S[0-9]{3}", fullmatch=True)),
        case_id=case_id,
        session_date=draw(st.dates(first_day, last_day)),
        service_type_id=draw(st.sampled_from(SERVICE_TYPES)),
        total_unidentified_clients=draw(st.integers(0, case_unidentified)),
        clients=tuple(draw(session_clients(c)) for c in attending),
        fees_charged=draw(st.none() | st.decimals(0, 500, places=2)),
        interpreter_present=draw(MAYBE),
        time_minutes=draw(st.integers(5, 480)) if with_chsp else None,
        quantity=draw(st.integers(1, 20)) if with_chsp else None,
        total_cost=draw(st.integers(0, 5000)) if with_chsp else None,
    )


def parenting_agreement_outcomes(
    *, last_day: dt.date = DEFAULT_LAST_DAY
) -> st.SearchStrategy[ParentingAgreementOutcome]:
    """Family Law Services parenting agreements, reached by ``last_day``."""
    return st.builds(
        ParentingAgreementOutcome,
        outcome=st.sampled_from(ParentingAgreement),
        agreement_date=st.dates(_FAMILY_LAW_START, last_day),
        legal_practitioner_assisted=st.booleans(),
    )


def section60i_certificates(
    *, last_day: dt.date = DEFAULT_LAST_DAY
) -> st.SearchStrategy[Section60I]:
    """Family Law Act section 60I certificates, issued by ``last_day``."""
    return st.builds(
        Section60I,
        certificate_type=st.sampled_from(Section60ICertificateType),
        date_issued=st.dates(_FAMILY_LAW_START, last_day),
    )


def property_agreement_outcomes(
    *, last_day: dt.date = DEFAULT_LAST_DAY
) -> st.SearchStrategy[PropertyAgreementOutcome]:
    """Family Law Services property mediation outcomes, reached by ``last_day``."""
    return st.builds(
        PropertyAgreementOutcome,
        outcome=st.sampled_from(("FULL", "PARTIAL", "NOTREACHED")),
        agreement_date=st.dates(dt.date(2020, 1, 1), last_day),
        legal_practitioner_assisted=st.booleans(),
    )


@st.composite
def cases(
    draw: st.DrawFn,
    *,
    case_id: str = "K0001",
    client_ids: Sequence[str] = ("C00001", "C00002"),
    last_day: dt.date = DEFAULT_LAST_DAY,
) -> Case:
    """Cases holding ``client_ids``, with Family Law outcomes now and then."""
    return Case(
        case_id=case_id,
        outlet_activity_id=draw(st.integers(1, 10_000)),
        total_unidentified_clients=draw(st.integers(0, 999)),
        clients=tuple(draw(case_clients(c)) for c in client_ids),
        parenting_agreement_outcome=draw(
            st.none() | parenting_agreement_outcomes(last_day=last_day)
        ),
        section60i=draw(st.none() | section60i_certificates(last_day=last_day)),
        property_agreement_outcome=draw(st.none() | property_agreement_outcomes(last_day=last_day)),
        end_date=draw(st.none() | st.dates(_FAMILY_LAW_START, last_day)),
    )
