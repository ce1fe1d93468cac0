"""SCORE pairing worked by hand on ratings built for the purpose.

The rules (docs/explanation/score-kpi.md): per client, scope, score type and domain, the
earliest and the latest rating make a pair; parts of the input merge to the pairs of the whole;
a client's satisfaction counts once per statement, by their latest rating. Each expectation
below is counted by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from dexcore.io import dataset_from_json
from dexcore.model import AssessmentPhase, ScoreType
from dexcore.score import (
    OutcomePolicy,
    PairingMethod,
    PairingPolicy,
    PairingScope,
    Pairs,
    Rating,
    client_ratings,
    group_pairs,
    pair,
    satisfaction,
)

PRE, POST = AssessmentPhase.PRE, AssessmentPhase.POST
GOALS, CIRC, SAT = ScoreType.GOALS, ScoreType.CIRCUMSTANCES, ScoreType.SATISFACTION
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example-dataset.json"


def rating(
    when: str,
    value: int,
    *,
    subject: str = "C1",
    scope: str = "K1",
    kind: ScoreType = GOALS,
    domain: str = "SKILLS",
    phase: AssessmentPhase = PRE,
) -> Rating:
    return Rating(
        subject=subject,
        scope=scope,
        score_type=kind,
        domain=domain,
        rating=value,
        phase=phase,
        session_date=dt.date.fromisoformat(when),
        case_id=scope,
        session_id=f"S-{when}",
    )


def test_first_last_and_how_many_seen() -> None:
    march, january, may = rating("2024-03-01", 3), rating("2024-01-01", 1), rating("2024-05-01", 4)
    pairs = pair([march, None, january, may, None])
    key = ("C1", "K1", GOALS, "SKILLS")
    assert pairs.seen == {key: 3}
    assert (pairs.first[key], pairs.last[key]) == (january, may)
    assert pairs.outside_scope == 2
    (change,) = pairs.changes()
    assert (change.first, change.last, change.change) == (january, may, 3)


def test_parts_merge_to_the_whole() -> None:
    policy = PairingPolicy(method=PairingMethod.PRE_POST)
    pre_jan, post_mar = rating("2024-01-01", 2), rating("2024-03-01", 4, phase=POST)
    pre_feb, post_jun = rating("2024-02-01", 1), rating("2024-06-01", 3, phase=POST)
    one, two = (
        pair([pre_feb, post_mar, None], policy),
        pair([pre_jan, post_jun, None, None], policy),
    )
    key = ("C1", "K1", GOALS, "SKILLS")
    for merged in (one.merge(two), two.merge(one)):
        assert merged.policy == policy
        assert merged.seen == {key: 4}
        assert (merged.first[key], merged.last[key]) == (pre_jan, post_jun)
        assert merged.outside_scope == 3
    # Merging keeps the policy: a later add() still pairs PRE with POST only.
    merged = one.merge(two)
    merged.add(rating("2023-12-01", 5, phase=POST))
    assert merged.first[key] == pre_jan


def test_changes_and_unpaired_in_key_order() -> None:
    """Sorted by client, then scope, then score type, then domain."""
    ratings = [
        # C2 in scope A: one rating, unpaired.
        rating("2024-01-01", 2, subject="C2", scope="A"),
        # C1 in scope B: Circumstances, paired.
        rating("2024-01-01", 2, scope="B", kind=CIRC, domain="HOUSING"),
        rating("2024-02-01", 3, scope="B", kind=CIRC, domain="HOUSING"),
        # C1 in scope A: Goals, paired; and Circumstances, one rating.
        rating("2024-01-01", 1, scope="A"),
        rating("2024-02-01", 2, scope="A"),
        rating("2024-01-01", 4, scope="A", kind=CIRC, domain="MONEY"),
        # C1 in scope Z: one rating; in scope AA, one Goals rating of a domain after SKILLS.
        rating("2024-01-01", 4, scope="Z"),
        rating("2024-01-01", 4, scope="AA", domain="ZED"),
    ]
    pairs = pair(ratings)
    assert [(c.subject, c.first.scope, c.score_type) for c in pairs.changes()] == [
        ("C1", "A", GOALS),
        ("C1", "B", CIRC),
    ]
    assert list(pairs.unpaired()) == [
        ("C1", "A", CIRC, "MONEY"),
        ("C1", "AA", GOALS, "ZED"),
        ("C1", "Z", GOALS, "SKILLS"),
        ("C2", "A", GOALS, "SKILLS"),
    ]


def test_improved_none_declined_counts_a_rise_of_one() -> None:
    policy = OutcomePolicy.IMPROVED_NONE_DECLINED
    assert policy.positive([1, 0])
    assert not policy.positive([1, -1])
    assert not policy.positive([0, 0])
    assert OutcomePolicy.ANY_IMPROVED.positive([1, -3])
    assert not OutcomePolicy.MEAN_ABOVE_ZERO.positive([1, -1])


def test_satisfaction_by_each_clients_latest_rating_over_scopes() -> None:
    listened = "SERVICELISTENED"
    pairs = pair(
        [
            rating("2024-01-01", 3),  # a Goals rating first: it is skipped, not the end
            # C1 in two cases: 2 in January (K1), 5 in March (K2): counts once, agreeing.
            rating("2024-01-01", 2, kind=SAT, domain=listened, phase=POST),
            rating("2024-03-01", 5, kind=SAT, domain=listened, phase=POST, scope="K2"),
            # C2: 3, not agreeing.
            rating("2024-02-01", 3, subject="C2", kind=SAT, domain=listened, phase=POST),
        ]
    )
    (share,) = satisfaction(pairs)
    assert (share.domain, share.agree, share.rated) == (listened, 1, 2)


def _example(**changes: object) -> bytes:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data.update(changes)
    return json.dumps(data).encode()


def test_scope_keys_worked_by_hand() -> None:
    """FAM-001 runs outlet activity 101 (program activity 11 in the example's outlets)."""
    dataset = dataset_from_json(EXAMPLE.read_bytes())
    first = next(r for r in client_ratings(dataset) if r is not None)
    assert (first.subject, first.case_id, first.session_id) == ("C00001", "FAM-001", "S001")
    assert first.scope == "FAM-001"
    organisation = PairingPolicy(scope=PairingScope.ORGANISATION)
    assert next(r for r in client_ratings(dataset, organisation) if r is not None).scope == ""
    activity = PairingPolicy(scope=PairingScope.PROGRAM_ACTIVITY)
    assert next(r for r in client_ratings(dataset, activity) if r is not None).scope == (
        "activity:11"
    )
    # Without outlets, the outlet activity stands in for its program activity.
    bare = dataset_from_json(_example(outlets=[]))
    assert next(r for r in client_ratings(bare, activity) if r is not None).scope == (
        "activity:101"
    )


def test_group_pairs_keep_their_policy() -> None:
    dataset = dataset_from_json(EXAMPLE.read_bytes())
    policy = PairingPolicy(method=PairingMethod.PRE_POST)
    assert group_pairs(dataset, policy).policy == policy
    assert isinstance(group_pairs(dataset), Pairs)


def test_an_assessment_of_a_case_not_in_the_data_is_scoped_by_its_case_id() -> None:
    """A part of the input may hold a case's sessions without the case record."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    cases = [case for case in data["cases"] if case["case_id"] != "FAM-001"]
    dataset = dataset_from_json(_example(cases=cases))
    first = next(r for r in client_ratings(dataset) if r is not None)
    assert (first.case_id, first.scope) == ("FAM-001", "FAM-001")
