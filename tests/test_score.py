"""SCORE pairing, change, client outcomes, satisfaction and completeness, worked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from dexcore.model import (
    Assessment,
    AssessmentPhase,
    Case,
    ClientAssessment,
    Dataset,
    DomainScore,
    Outlet,
    OutletActivity,
    ResidentialAddress,
    ScoreType,
    Session,
    SessionAssessment,
    SessionClient,
    State,
)
from dexcore.score import (
    ChangeCategory,
    OutcomePolicy,
    PairingMethod,
    PairingPolicy,
    PairingScope,
    client_outcomes,
    client_pairs,
    completeness,
    group_pairs,
    satisfaction,
)

PRE, POST = AssessmentPhase.PRE, AssessmentPhase.POST
CIRC, GOALS, SAT = ScoreType.CIRCUMSTANCES, ScoreType.GOALS, ScoreType.SATISFACTION

# (case, session, date); the client "A" attends them all.
SESSIONS = [
    ("K1", "S1", dt.date(2024, 1, 10)),
    ("K1", "S2", dt.date(2024, 3, 5)),
    ("K1", "S3", dt.date(2024, 3, 5)),  # same day as S2
    ("K1", "S4", dt.date(2024, 6, 1)),
    ("K2", "S1", dt.date(2024, 2, 1)),
    ("K2", "S2", dt.date(2024, 5, 1)),
]


def dataset(*rated: tuple[str, str, str, AssessmentPhase, ScoreType, dict[str, int]]) -> Dataset:
    """Assessments given as (client, case, session, phase, score type, {domain: rating})."""
    return Dataset(
        outlets=[
            Outlet(
                name="Hub",
                address=ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800"),
                activities=[
                    OutletActivity(
                        organisation_activity_id=11,
                        outlet_activity_id=n,
                        start_date=dt.date(2023, 1, 1),
                        end_date=dt.date(2026, 1, 1),
                    )
                    for n in (101, 102)
                ],
            )
        ],
        cases=[
            Case(case_id="K1", outlet_activity_id=101),
            Case(case_id="K2", outlet_activity_id=102),
        ],
        sessions=[
            Session(
                session_id=s,
                case_id=c,
                session_date=d,
                service_type_id=1,
                clients=[SessionClient(client_id="A"), SessionClient(client_id="B")],
            )
            for c, s, d in SESSIONS
        ],
        client_assessments=[
            ClientAssessment(
                client_id=client,
                case_id=case,
                session_id=session,
                assessments=[
                    Assessment(
                        score_type=kind,
                        phase=phase,
                        scores=[DomainScore(domain=d, rating=r) for d, r in ratings.items()],
                    )
                ],
            )
            for client, case, session, phase, kind, ratings in rated
        ],
    )


def changes_of(
    data: Dataset, policy: PairingPolicy | None = None
) -> list[tuple[str, str, int, int]]:
    pairs = client_pairs(data, policy or PairingPolicy())
    return [(c.subject, c.domain, c.first.rating, c.last.rating) for c in pairs.changes()]


def test_first_and_last_by_date_then_phase_then_order() -> None:
    data = dataset(
        ("A", "K1", "S4", POST, CIRC, {"HOUSING": 5}),
        ("A", "K1", "S1", PRE, CIRC, {"HOUSING": 1}),
        ("A", "K1", "S2", PRE, CIRC, {"HOUSING": 2}),  # a middle rating is ignored
    )
    assert changes_of(data) == [("A", "HOUSING", 1, 5)]
    change = next(client_pairs(data).changes())
    assert (change.change, change.category) == (4, ChangeCategory.IMPROVED)
    assert change.first.session_date == dt.date(2024, 1, 10)


def test_ties_on_one_day_use_phase_then_content_never_record_order() -> None:
    # S2 and S3 are on the same day: PRE comes before POST whatever the record order ...
    data = dataset(
        ("A", "K1", "S3", POST, CIRC, {"MONEY": 4}),
        ("A", "K1", "S2", PRE, CIRC, {"MONEY": 2}),
    )
    assert changes_of(data) == [("A", "MONEY", 2, 4)]
    change = next(client_pairs(data).changes())
    assert change.same_day
    assert completeness(client_pairs(data)).same_day_pairs == 1
    # ... and with the same phase, the session id decides (S2 before S3), in either record order.
    rows = [
        ("A", "K1", "S3", PRE, CIRC, {"MONEY": 3}),
        ("A", "K1", "S2", PRE, CIRC, {"MONEY": 2}),
    ]
    assert changes_of(dataset(*rows)) == [("A", "MONEY", 2, 3)]
    assert changes_of(dataset(*reversed(rows))) == [("A", "MONEY", 2, 3)]


def test_a_full_tie_never_reads_as_an_improvement() -> None:
    """Two ratings of one domain in one session and phase: the higher counts as the first."""
    rows = [
        ("A", "K1", "S2", PRE, CIRC, {"MONEY": 2}),
        ("A", "K1", "S2", PRE, CIRC, {"MONEY": 4}),
    ]
    assert changes_of(dataset(*rows)) == [("A", "MONEY", 4, 2)]
    assert changes_of(dataset(*reversed(rows))) == [("A", "MONEY", 4, 2)]
    # The same rating recorded twice is one rating: nothing to pair.
    twice = [("A", "K1", "S2", PRE, CIRC, {"MONEY": 2})] * 2
    assert changes_of(dataset(*twice)) == []


def test_single_assessments_are_reported_not_paired() -> None:
    data = dataset(
        ("A", "K1", "S1", PRE, CIRC, {"HOUSING": 2, "MONEY": 3}),
        ("A", "K1", "S4", POST, CIRC, {"HOUSING": 3}),
        ("B", "K1", "S1", PRE, GOALS, {"SKILLS": 1}),
    )
    assert changes_of(data) == [("A", "HOUSING", 2, 3)]
    report = completeness(client_pairs(data))
    assert report.unpaired == 2  # A's MONEY, B's SKILLS
    assert report.same_day_pairs == 0


def test_three_or_more_assessments_pair_first_with_last() -> None:
    data = dataset(
        ("A", "K1", "S1", PRE, GOALS, {"SKILLS": 1}),
        ("A", "K1", "S2", POST, GOALS, {"SKILLS": 4}),
        ("A", "K1", "S4", POST, GOALS, {"SKILLS": 3}),
    )
    assert changes_of(data) == [("A", "SKILLS", 1, 3)]


def test_pre_post_method() -> None:
    """First PRE with last POST: a POST before any PRE, or a lone PRE, makes no pair."""
    policy = PairingPolicy(method=PairingMethod.PRE_POST)
    data = dataset(
        ("A", "K1", "S1", POST, CIRC, {"HOUSING": 1}),
        ("A", "K1", "S2", PRE, CIRC, {"HOUSING": 2}),
        ("A", "K1", "S4", POST, CIRC, {"HOUSING": 4}),
        ("A", "K1", "S4", PRE, CIRC, {"MONEY": 4}),
    )
    assert changes_of(data, policy) == [("A", "HOUSING", 2, 4)]
    assert changes_of(data) == [("A", "HOUSING", 1, 4)]  # first-last takes the earlier POST
    assert completeness(client_pairs(data, policy)).unpaired == 1


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (PairingScope.CASE, [("A", "HOUSING", 2, 3), ("A", "HOUSING", 1, 5)]),
        (PairingScope.PROGRAM_ACTIVITY, [("A", "HOUSING", 2, 5)]),
        (PairingScope.ORGANISATION, [("A", "HOUSING", 2, 5)]),
    ],
)
def test_scopes(scope: PairingScope, expected: list[tuple[str, str, int, int]]) -> None:
    """K1 and K2 belong to the same program activity (through their outlet activities)."""
    data = dataset(
        ("A", "K1", "S1", PRE, CIRC, {"HOUSING": 2}),
        ("A", "K2", "S1", PRE, CIRC, {"HOUSING": 1}),
        ("A", "K2", "S2", POST, CIRC, {"HOUSING": 5}),
        ("A", "K1", "S2", POST, CIRC, {"HOUSING": 3}),
    )
    assert changes_of(data, PairingPolicy(scope=scope)) == expected


def test_assessments_outside_the_data_are_counted() -> None:
    data = dataset(("A", "K1", "S9", PRE, CIRC, {"HOUSING": 2}))
    assert completeness(client_pairs(data)).outside_scope == 1


# changes per client: A +2, 0; B +1, -1; C 0, 0; D -1
OUTCOME_DATA = [
    ("A", "K1", "S1", PRE, CIRC, {"HOUSING": 2, "MONEY": 3}),
    ("A", "K1", "S4", POST, CIRC, {"HOUSING": 4, "MONEY": 3}),
    ("B", "K1", "S1", PRE, CIRC, {"HOUSING": 2, "MONEY": 3}),
    ("B", "K1", "S4", POST, CIRC, {"HOUSING": 3, "MONEY": 2}),
    ("C", "K1", "S1", PRE, CIRC, {"HOUSING": 3, "MONEY": 3}),
    ("C", "K1", "S4", POST, CIRC, {"HOUSING": 3, "MONEY": 3}),
    ("D", "K1", "S1", PRE, CIRC, {"HOUSING": 4}),
    ("D", "K1", "S4", POST, CIRC, {"HOUSING": 3}),
]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (OutcomePolicy.ANY_IMPROVED, {"A": True, "B": True, "C": False, "D": False}),
        (OutcomePolicy.IMPROVED_NONE_DECLINED, {"A": True, "B": False, "C": False, "D": False}),
        (OutcomePolicy.MEAN_ABOVE_ZERO, {"A": True, "B": False, "C": False, "D": False}),
    ],
)
def test_client_outcome_policies(policy: OutcomePolicy, expected: dict[str, bool]) -> None:
    changes = client_pairs(dataset(*OUTCOME_DATA)).changes()
    assert client_outcomes(changes, CIRC, policy) == expected


def test_outcome_policy_edge() -> None:
    assert OutcomePolicy.MEAN_ABOVE_ZERO.positive([3, -1, -1])
    assert not OutcomePolicy.MEAN_ABOVE_ZERO.positive([1, -1])
    assert not OutcomePolicy.ANY_IMPROVED.positive([])


def test_satisfaction_share_uses_each_clients_latest_rating() -> None:
    data = dataset(
        ("A", "K1", "S1", POST, SAT, {"SERVICELISTENED": 2}),
        ("A", "K1", "S4", POST, SAT, {"SERVICELISTENED": 5}),
        ("B", "K1", "S4", POST, SAT, {"SERVICELISTENED": 3, "SERVICERECEIVED": 4}),
    )
    shares = {s.domain: (s.agree, s.rated, s.percent) for s in satisfaction(client_pairs(data))}
    assert shares == {"SERVICELISTENED": (1, 2, 50.0), "SERVICERECEIVED": (1, 1, 100.0)}


def test_group_score_pairs_over_the_sessions_of_a_case() -> None:
    data = dataset()
    data = Dataset(
        cases=data.cases,
        sessions=data.sessions,
        session_assessments=[
            SessionAssessment(case_id="K1", session_id=s, assessments=[
                Assessment(score_type=ScoreType.GROUP, phase=p,
                           scores=[DomainScore(domain="GROUPSKILLS", rating=r)])])
            for s, p, r in (("S4", POST, 4), ("S1", PRE, 2))
        ],
    )  # fmt: skip
    changes = list(group_pairs(data).changes())
    assert [(c.subject, c.domain, c.change) for c in changes] == [("K1", "GROUPSKILLS", 2)]


def test_pairs_merge_like_one_pass() -> None:
    data = dataset(*OUTCOME_DATA)
    half = len(data.client_assessments) // 2
    first = Dataset(cases=data.cases, sessions=data.sessions,
                    client_assessments=data.client_assessments[:half])  # fmt: skip
    second = Dataset(cases=data.cases, sessions=data.sessions,
                     client_assessments=data.client_assessments[half:])  # fmt: skip
    from dexcore.score import client_ratings, pair

    one, two = pair(client_ratings(first)), pair(client_ratings(second))
    whole = client_pairs(data)
    assert list(one.merge(two).changes()) == list(whole.changes())
    assert list(two.merge(one).changes()) == list(whole.changes())
