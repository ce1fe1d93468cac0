"""Whole datasets whose references all resolve."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hypothesis import strategies as st

from dexcore.model import (
    Case,
    Client,
    ClientAssessment,
    Dataset,
    ParticipationType,
    ScoreType,
    Session,
    SessionAssessment,
    SessionClient,
)
from dexcore.reference import ReferenceData, bundled
from dexcore.testing.strategies._base import (
    CLIENT_SCORES,
    DEFAULT_FIRST_DAY,
    DEFAULT_LAST_DAY,
    MAYBE,
    SERVICE_TYPES,
)
from dexcore.testing.strategies._people import clients
from dexcore.testing.strategies._services import assessments, case_clients, referrals

__all__ = ["datasets"]

_Drawn = tuple[Case, list[Session], list[ClientAssessment], list[SessionAssessment]]


@st.composite
def _session_clients(
    draw: st.DrawFn, members: Sequence[Client], reference: ReferenceData
) -> tuple[SessionClient, ...]:
    attending = draw(st.lists(st.sampled_from(members), max_size=len(members), unique=True))
    return tuple(
        SessionClient(
            client_id=c.client_id,
            participation=draw(st.sampled_from(ParticipationType)),
            referrals=draw(referrals(reference=reference)),
        )
        for c in attending
    )


@st.composite
def _case_with_sessions(
    draw: st.DrawFn,
    number: int,
    client_pool: Sequence[Client],
    *,
    first_day: dt.date,
    last_day: dt.date,
    reference: ReferenceData,
) -> _Drawn:
    members = draw(st.lists(st.sampled_from(client_pool), min_size=1, max_size=6, unique=True))
    case_id = f"K{number:04d}"
    case = Case(
        case_id=case_id,
        outlet_activity_id=draw(st.sampled_from([101, 102])),
        total_unidentified_clients=draw(st.sampled_from([0, 0, 5, 40, 999])),
        clients=tuple(draw(case_clients(c.client_id, reference=reference)) for c in members),
    )
    sessions: list[Session] = []
    client_scores: list[ClientAssessment] = []
    group_scores: list[SessionAssessment] = []
    for n in range(draw(st.integers(1, 4))):
        session = Session(
            session_id=f"S{n + 1:03d}",
            case_id=case_id,
            session_date=draw(st.dates(first_day, last_day)),
            service_type_id=draw(st.sampled_from(SERVICE_TYPES)),
            total_unidentified_clients=draw(st.integers(0, case.total_unidentified_clients)),
            interpreter_present=draw(MAYBE),
            clients=draw(_session_clients(members, reference)),
        )
        sessions.append(session)
        # SCORE is recorded for those who attended as clients, not for support persons.
        client_scores.extend(
            ClientAssessment(
                client_id=c.client_id,
                case_id=case_id,
                session_id=session.session_id,
                assessments=draw(assessments(CLIENT_SCORES, max_size=6, reference=reference)),
            )
            for c in session.clients
            if c.participation is ParticipationType.CLIENT and draw(st.booleans())
        )
        if draw(st.booleans()):
            group_scores.append(
                SessionAssessment(
                    case_id=case_id,
                    session_id=session.session_id,
                    assessments=draw(
                        assessments([ScoreType.GROUP], max_size=2, reference=reference)
                    ),
                )
            )
    return case, sessions, client_scores, group_scores


@st.composite
def datasets(
    draw: st.DrawFn,
    *,
    min_clients: int = 1,
    max_clients: int = 8,
    max_cases: int = 4,
    first_day: dt.date = DEFAULT_FIRST_DAY,
    last_day: dt.date = DEFAULT_LAST_DAY,
    reference: ReferenceData | None = None,
) -> Dataset:
    """Whole datasets whose references all resolve.

    Every session belongs to a case in the dataset, every session client is
    a client of that case, unidentified counts stay within the case's
    figure, SCORE is recorded only for those who attended as clients, and
    sessions fall between ``first_day`` and ``last_day``.
    """
    ref = reference or bundled()
    count = draw(st.integers(min_clients, max_clients))
    pool = [
        draw(clients(client_id=f"C{n:05d}", last_day=first_day, reference=ref))
        for n in range(count)
    ]
    cases, sessions, client_scores, group_scores = [], [], [], []
    case_count = draw(st.integers(1, max_cases)) if pool else 0
    for number in range(case_count):
        case, s, c, g = draw(
            _case_with_sessions(
                number + 1, pool, first_day=first_day, last_day=last_day, reference=ref
            )
        )
        cases.append(case)
        sessions.extend(s)
        client_scores.extend(c)
        group_scores.extend(g)
    return Dataset(
        clients=tuple(pool),
        cases=tuple(cases),
        sessions=tuple(sessions),
        client_assessments=tuple(client_scores),
        session_assessments=tuple(group_scores),
    )
