"""KPI tables worked by hand on a small dataset built for the purpose.

The rules are those of docs/explanation/score-kpi.md: unidentified clients are counted per case
as the largest session figure in the period, capped by the case's figure (never the sum over the
case's sessions); a session counts when it falls in the period, its first and last days
included; a Goals or Circumstances pair counts in the period its later assessment falls in, the
period's first day included. Every expected number below is counted by hand."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from dexcore.errors import DexStructureError, DexValueError
from dexcore.io import dataset_from_json
from dexcore.kpi import (
    ClientIdentity,
    KpiComparison,
    KpiPartial,
    KpiPolicies,
    PeerResult,
    Selection,
    benchmark,
    kpi_partial,
    kpi_report,
    standard_kpis,
)
from dexcore.model import Dataset
from dexcore.periods import ReportingPeriod
from dexcore.score import PairingMethod, PairingPolicy, PairingScope

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example-dataset.json"
H1, H2 = ReportingPeriod.parse("2024-H1"), ReportingPeriod.parse("2024-H2")


def _session(sid: str, case: str, day: str, unidentified: int, *clients: str) -> dict[str, Any]:
    return {
        "session_id": sid,
        "case_id": case,
        "session_date": day,
        "service_type_id": 10,
        "total_unidentified_clients": unidentified,
        "clients": [{"client_id": c} for c in clients],
    }


def _goals(client: str, case: str, session: str, phase: str, rating: int) -> dict[str, Any]:
    return {
        "client_id": client,
        "case_id": case,
        "session_id": session,
        "assessments": [
            {
                "score_type": "GOALS",
                "phase": phase,
                "scores": [{"domain": "SKILLS", "rating": rating}],
            }
        ],
    }


def _case(case_id: str, unidentified: int, *clients: str) -> dict[str, Any]:
    reasons = [{"code": "HOUSING", "is_primary": True}]
    return {
        "case_id": case_id,
        "outlet_activity_id": 201,
        "total_unidentified_clients": unidentified,
        "clients": [
            {"client_id": c, "referral_source": "SELF", "reasons_for_assistance": reasons}
            for c in clients
        ],
    }


@pytest.fixture(scope="module")
def table() -> Dataset:
    """Two group cases; the example's clients, outlets and organisation.

    ======  =====  ==========  ============  =========================================
    case    limit  session     unidentified  note
    ======  =====  ==========  ============  =========================================
    GRP     15     X0 06-30    12            H1: the day before H2
    GRP     15     X1 07-01    10            H2's first day
    GRP     15     X2 08-01    10            the same case again: max 10, not 20
    GRP2    5      X3 09-01    8             above the case's 5: capped at 5
    GRP2    5      X4 12-31    0             H2's last day
    GRP     15     X5 2025-01-01  9          H1 2025: the day after H2
    ======  =====  ==========  ============  =========================================

    C00001 rates SKILLS 1 at X0 (30 June) and 3 at X1 (1 July): a Goals pair whose later
    assessment is H2's first day, achieved (+2). C00003 rates 2 at X3 and 2 at X4: a pair in
    H2, not achieved.
    """
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data = copy.deepcopy({k: example[k] for k in ("clients", "outlets", "organisation")})
    data["clients"] = data["clients"][:4]
    data["cases"] = [_case("GRP", 15, "C00001", "C00002"), _case("GRP2", 5, "C00003", "C00004")]
    data["sessions"] = [
        _session("X0", "GRP", "2024-06-30", 12, "C00001"),
        _session("X1", "GRP", "2024-07-01", 10, "C00001"),
        _session("X2", "GRP", "2024-08-01", 10, "C00002"),
        _session("X3", "GRP2", "2024-09-01", 8, "C00003"),
        _session("X4", "GRP2", "2024-12-31", 0, "C00003", "C00004"),
        _session("X5", "GRP", "2025-01-01", 9, "C00002"),
    ]
    data["client_assessments"] = [
        _goals("C00001", "GRP", "X0", "PRE", 1),
        _goals("C00001", "GRP", "X1", "POST", 3),
        _goals("C00003", "GRP2", "X3", "PRE", 2),
        _goals("C00003", "GRP2", "X4", "POST", 2),
    ]
    return dataset_from_json(json.dumps(data).encode())


def test_h2_worked_by_hand(table: Dataset) -> None:
    report = standard_kpis(table, H2)
    # Sessions X1 X2 X3 X4 (X0 and X5 fall outside, on either side).
    assert report.sessions_delivered == 4
    assert report.sessions_by_service_type == {10: 4}
    # Attached: C00001 (X1), C00002 (X2), C00003 (X3, X4), C00004 (X4): 4 distinct clients.
    assert report.clients_assisted == 4
    # GRP: max(10, 10) = 10 (not 20, and not X0's 12 from H1); GRP2: min(8, 5) = 5. Total 15.
    assert report.unidentified_clients == 15
    # Attendances: X1 1+10, X2 1+10, X3 1+8, X4 2+0 = 33.
    assert report.attendances == 33
    # Goals: C00001's pair ends on 1 July (in H2), +2: achieved; C00003's, 0: not. 1 of 2.
    goals = report.goals_achieved
    assert (goals.numerator, goals.denominator) == (1, 2)
    assert goals.percent == 50.0
    # Share: 15 unidentified of 15 + 4.
    share = report.unidentified_share
    assert (share.numerator, share.denominator) == (15, 19)


def test_h1_worked_by_hand(table: Dataset) -> None:
    report = standard_kpis(table, H1)
    # Only X0 (30 June, H1's last day): C00001 and 12 unidentified (GRP allows 15).
    assert (report.sessions_delivered, report.clients_assisted) == (1, 1)
    assert report.unidentified_clients == 12
    assert report.attendances == 13
    # C00001's later rating is dated 1 July, after H1: no pair in H1.
    assert report.goals_achieved.denominator == 0


def test_2025_h1_worked_by_hand(table: Dataset) -> None:
    report = standard_kpis(table, ReportingPeriod.parse("2025-H1"))
    assert (report.sessions_delivered, report.clients_assisted) == (1, 1)
    assert report.unidentified_clients == 9
    # The pairs ended in 2024: none is counted again in 2025.
    assert report.goals_achieved.denominator == 0


def test_partials_by_case_merge_to_the_same_figures(table: Dataset) -> None:
    """Each case alone, then merged: the case's largest figure, never added twice."""
    whole = kpi_report(kpi_partial(table, H2))
    assert whole.unidentified_clients == 15
    assert whole == standard_kpis(table, H2)


@pytest.mark.parametrize(
    ("day", "counted"),
    [
        (dt.date(2024, 6, 30), False),
        (dt.date(2024, 7, 1), True),
        (dt.date(2024, 12, 31), True),
        (dt.date(2025, 1, 1), False),
    ],
)
def test_one_session_on_each_edge_of_the_period(day: dt.date, counted: bool) -> None:
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data = {k: example[k] for k in ("clients", "outlets", "organisation")}
    data["clients"] = data["clients"][:1]
    data["cases"] = [_case("GRP", 15, "C00001")]
    data["sessions"] = [_session("E1", "GRP", day.isoformat(), 7, "C00001")]
    report = standard_kpis(dataset_from_json(json.dumps(data).encode()), H2)
    assert (report.sessions_delivered, report.unidentified_clients) == (
        (1, 7) if counted else (0, 0)
    )


def _one_case(
    clients: list[dict[str, Any]],
    limit: int,
    *sessions: dict[str, Any],
    scores: tuple[dict[str, Any], ...] = (),
) -> Dataset:
    """The example's outlets and organisation, ``clients``, one case GRP, ``sessions`` and
    the SCORE assessments ``scores``."""
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data = {k: example[k] for k in ("outlets", "organisation")}
    data["clients"] = clients
    data["cases"] = [_case("GRP", limit, *(c["client_id"] for c in clients))]
    data["sessions"] = list(sessions)
    data["client_assessments"] = list(scores)
    return dataset_from_json(json.dumps(data).encode())


def test_unidentified_is_the_largest_figure_whatever_the_order() -> None:
    """Sessions of one case with 12 then 7 unidentified (the case allows 20): 12, not the last
    session's 7; and 7 then 12 gives 12 as well."""
    client = json.loads(EXAMPLE.read_text(encoding="utf-8"))["clients"][0]
    for first, second in ((12, 7), (7, 12)):
        dataset = _one_case(
            [client],
            20,
            _session("U1", "GRP", "2024-10-01", first, "C00001"),
            _session("U2", "GRP", "2024-10-02", second, "C00001"),
        )
        assert standard_kpis(dataset, H2).unidentified_clients == 12


@pytest.mark.parametrize("in_group_first", [True, False])
def test_one_person_under_two_ids_keeps_the_stronger_group_answer(in_group_first: bool) -> None:
    """C00001 (not Aboriginal) and C00009, the same person (same names, birth date, gender and
    SLK) recorded as Aboriginal, each attend one session in H2.

    Counted by SLK they are one client, in the ATSI group (in the group beats not in it),
    whichever record attends first; counted by organisation and id they are two clients, one
    of them in the group."""
    plain = json.loads(EXAMPLE.read_text(encoding="utf-8"))["clients"][0]
    marked = {**plain, "client_id": "C00009", "atsi_origin": "ABORIGINAL"}
    attend = [
        _session("A1", "GRP", "2024-07-02", 0, "C00009"),
        _session("A2", "GRP", "2024-07-03", 0, "C00001"),
    ]
    dataset = _one_case([plain, marked], 0, *(attend if in_group_first else attend[::-1]))
    by_slk = standard_kpis(dataset, H2, policies=KpiPolicies(clients=ClientIdentity.SLK))
    atsi = by_slk.priority_groups["atsi"]
    assert (by_slk.clients_assisted, atsi.numerator, atsi.denominator) == (1, 1, 1)
    by_id = standard_kpis(dataset, H2)
    atsi = by_id.priority_groups["atsi"]
    assert (by_id.clients_assisted, atsi.numerator, atsi.denominator) == (2, 1, 2)


def test_a_pair_across_two_parts_keeps_its_earliest_and_latest_rating() -> None:
    """Paired across the organisation, C00001 rates SKILLS 3 on 1 July and 1 on 5 July (case
    GRP), then 2 on 10 July (case GRP2): the pair is 3 then 2, a fall, so Goals are 0 of 1.

    Worked out on the whole dataset, and on the two cases as separate parts merged either
    way round: a merge that took a part's latest rating for its earliest would pair 1 with
    2 and count a rise. The merged key has seen three ratings."""
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    client = example["clients"][0]

    def part(*cases: str) -> Dataset:
        data = {k: example[k] for k in ("outlets", "organisation")}
        data["clients"] = [client]
        data["cases"] = [_case(c, 0, "C00001") for c in cases]
        sessions = [("P1", "GRP", "2024-07-01", 3), ("P2", "GRP", "2024-07-05", 1)]
        sessions.append(("P3", "GRP2", "2024-07-10", 2))
        data["sessions"] = [_session(s, c, d, 0, "C00001") for s, c, d, _ in sessions if c in cases]
        data["client_assessments"] = [
            _goals("C00001", c, s, "PRE" if s == "P1" else "POST", r)
            for s, c, _, r in sessions
            if c in cases
        ]
        return dataset_from_json(json.dumps(data).encode())

    policies = KpiPolicies(pairing=PairingPolicy(scope=PairingScope.ORGANISATION))
    whole = standard_kpis(part("GRP", "GRP2"), H2, policies=policies).goals_achieved
    assert (whole.numerator, whole.denominator) == (0, 1)
    one, other = (kpi_partial(part(c), H2, policies=policies) for c in ("GRP", "GRP2"))
    for merged in (one.merge(other), other.merge(one)):
        goals = kpi_report(merged, policies=policies).goals_achieved
        assert (goals.numerator, goals.denominator) == (0, 1)
        # The plain form keeps how many ratings the key had: 2 in GRP and 1 in GRP2, so 3.
        [[_client, [key]]] = merged.to_dict()["scores"]
        assert key[4] == 3


@pytest.mark.parametrize(
    ("ratings", "first_last", "pre_post"),
    [
        # POST 5 (1 July), PRE 2 (5 July), POST 4 (1 Aug), PRE 1 (10 Aug). First and last:
        # 5 -> 1, a fall. The earliest PRE and the latest POST: 2 -> 4, achieved.
        ((("POST", 5), ("PRE", 2), ("POST", 4), ("PRE", 1)), (0, 1), (1, 1)),
        # POST 2 (1 July), POST 4 (1 Aug): first and last 2 -> 4, achieved; no PRE, no pair.
        ((("POST", 2), None, ("POST", 4), None), (1, 1), (0, 0)),
    ],
)
def test_the_pairing_method_picks_the_two_ends(
    ratings: tuple[tuple[str, int] | None, ...],
    first_last: tuple[int, int],
    pre_post: tuple[int, int],
) -> None:
    """C00001's Goals SKILLS ratings in H2, in one case: which two make the pair."""
    client = json.loads(EXAMPLE.read_text(encoding="utf-8"))["clients"][0]
    days = ("2024-07-01", "2024-07-05", "2024-08-01", "2024-08-10")
    sessions = [_session(f"Q{n}", "GRP", day, 0, "C00001") for n, day in enumerate(days)]
    scores = tuple(
        _goals("C00001", "GRP", f"Q{n}", *rating)
        for n, rating in enumerate(ratings)
        if rating is not None
    )
    dataset = _one_case([client], 0, *sessions, scores=scores)
    expected = {PairingMethod.FIRST_LAST: first_last, PairingMethod.PRE_POST: pre_post}
    for method, (achieved, measured) in expected.items():
        policies = KpiPolicies(pairing=PairingPolicy(method=method))
        goals = standard_kpis(dataset, H2, policies=policies).goals_achieved
        assert (goals.numerator, goals.denominator) == (achieved, measured), method


def test_an_assessment_that_cannot_be_placed_is_skipped_not_the_end() -> None:
    """C00001's first Goals assessment names a session the dataset lacks (it cannot be placed
    in time); the PRE 1 and POST 3 after it still pair: achieved, 1 of 1."""
    client = json.loads(EXAMPLE.read_text(encoding="utf-8"))["clients"][0]
    sessions = [_session(f"Q{n}", "GRP", f"2024-07-0{n + 1}", 0, "C00001") for n in range(2)]
    scores = (
        _goals("C00001", "GRP", "GONE", "PRE", 5),
        _goals("C00001", "GRP", "Q0", "PRE", 1),
        _goals("C00001", "GRP", "Q1", "POST", 3),
    )
    goals = standard_kpis(_one_case([client], 0, *sessions, scores=scores), H2).goals_achieved
    assert (goals.numerator, goals.denominator) == (1, 1)


@pytest.mark.parametrize(
    ("outlet", "activity", "sessions"),
    [
        # The example's H2 sessions with a client attached: FAM-001 S003, FAM-002 S002,
        # FAM-003 S002 and FAM-004 S001 (outlet 1, activity 11 as outlet activity 101);
        # SET-001 S003 and SET-GRP G002 (outlet 2, activity 22 as 201).
        (None, None, 6),
        (1, None, 4),
        (2, None, 2),
        (None, 11, 4),
        (None, 22, 2),
        (2, 22, 2),
        (1, 22, 0),
        (2, 11, 0),
    ],
)
def test_selection_by_outlet_and_activity_worked_by_hand(
    outlet: int | None, activity: int | None, sessions: int
) -> None:
    example = dataset_from_json(EXAMPLE.read_bytes())
    selection = Selection(outlet_id=outlet, organisation_activity_id=activity)
    assert standard_kpis(example, H2, selection=selection).sessions_delivered == sessions


def test_benchmark_worked_by_hand() -> None:
    """ORG0 has 50; its five peers 10, 20, 30, 40 and 60 (ORG9 is in another state).

    Four of five peers are below 50 and none equal: rank 80. The quartiles by the inclusive
    method, positions 1, 2 and 3 of 0..4 in the sorted values: 20, 30 and 40."""

    def result(organisation: str, state: str, goals: float) -> PeerResult:
        return PeerResult(
            organisation=organisation,
            program_activity="SETS",
            state=state,
            service_types=frozenset({10}),
            kpis={"goals": goals},
        )

    target = result("ORG0", "NSW", 50.0)
    peers = [
        result(f"ORG{n}", "NSW", v) for n, v in enumerate((10.0, 20.0, 30.0, 40.0, 60.0), start=1)
    ]
    away = result("ORG9", "VIC", 0.0)
    found = benchmark(target, [target, *peers, away], min_peers=5)
    assert (found.organisation, found.peers, found.min_peers) == (
        "ORG0",
        ("ORG1", "ORG2", "ORG3", "ORG4", "ORG5"),
        5,
    )
    assert found.comparisons["goals"] == KpiComparison(
        kpi="goals",
        value=50.0,
        percentile_rank=80.0,
        median=30.0,
        lower_quartile=20.0,
        upper_quartile=40.0,
        peers=5,
    )
    assert benchmark(target, peers, min_peers=6).comparisons == {"goals": None}
    assert benchmark(target, peers, min_peers=6).min_peers == 6
    with pytest.raises(DexValueError) as raised:
        benchmark(target, peers, min_peers=4)
    assert str(raised.value) == (
        "benchmark: min_peers must be a whole number of at least 5; a smaller peer group can "
        "show one provider's own result [benchmark.min-peers]"
    )


_FIRST = "$.scores[0][1][0][5]"  # C00001's first Goals rating in H2's plain form
_ORG_OR_SLK = 'must be ["org", organisation, client id] or ["slk", SLK]'


def _corrupt(data: dict[str, Any], where: str, value: object) -> None:
    """Set the item at ``where`` (``unidentified[0][1]``, ``scores[0][1][0][5][0]``...) to
    ``value``; ``"append"`` appends to the list holding that item a copy of the list's last
    item, and ``"cut"`` drops the item's own last part."""
    steps = where.replace("]", "").split("[")
    holder: Any = data
    for step in steps[:-1]:
        holder = holder[int(step) if step.isdigit() else step]
    last = int(steps[-1]) if steps[-1].isdigit() else steps[-1]
    if value == "append":
        holder.append(copy.deepcopy(holder[-1]))
    elif value == "cut":
        holder[last] = holder[last][:-1]
    else:
        holder[last] = value


@pytest.mark.parametrize(
    ("where", "value", "path", "reason"),
    [
        ("unidentified", "x", "$.unidentified", "must be a list"),
        ("unidentified[1]", "cut", "$.unidentified[1]", "must be a list of 3 items"),
        ("unidentified[0][0]", 7, "$.unidentified[0][0]", "must be a string"),
        ("unidentified[0][1]", 7, "$.unidentified[0][1]", "must be a string"),
        ("unidentified[0][2]", 1000, "$.unidentified[0][2]", "must be at most 999"),
        ("unidentified[1]", "append", "$.unidentified[2]", "must not repeat a key"),
        ("assisted", "x", "$.assisted", "must be a list"),
        ("assisted[0]", "cut", "$.assisted[0]", "must be a list of 2 items"),
        ("assisted[0][1]", "0120", "$.assisted[0][1]", "must be 3 characters, each 0, 1 or 2"),
        ("assisted[0][1]", "01X", "$.assisted[0][1]", "must be 3 characters, each 0, 1 or 2"),
        ("assisted[0][0]", "x", "$.assisted[0][0]", "must be a list"),
        ("assisted[0][0]", ["org", "x"], "$.assisted[0][0]", _ORG_OR_SLK),
        ("assisted[3]", "append", "$.assisted[4]", "must not repeat a key"),
        ("scores[0][1][0][5]", "cut", _FIRST, "must be a list of 5 items"),
        (
            "scores[0][1][0][5][0]",
            "2024-13-01",
            f"{_FIRST}[0]",
            "must be a date written YYYY-MM-DD",
        ),
        ("scores[0][1][0][5][1]", "MID", f"{_FIRST}[1]", "must be a string (PRE or POST)"),
        ("scores[0][1][0][5][2]", 7, f"{_FIRST}[2]", "must be a string"),
        ("scores[0][1][0][5][3]", 7, f"{_FIRST}[3]", "must be a string"),
        ("scores[0][1][0][5][4]", 6, f"{_FIRST}[4]", "must be at most 5"),
        ("scores[0][1][0][6]", "cut", "$.scores[0][1][0][6]", "must be a list of 5 items"),
        ("scores", "x", "$.scores", "must be a list"),
        ("scores[0]", "cut", "$.scores[0]", "must be a list of 2 items"),
        ("scores[0][0]", "x", "$.scores[0][0]", "must be a list"),
        ("scores[0][1]", "x", "$.scores[0][1]", "must be a list"),
        ("scores[0][1][0]", "cut", "$.scores[0][1][0]", "must be a list of 7 items"),
        ("scores[0][1][0][0]", 7, "$.scores[0][1][0][0]", "must be a string"),
        ("scores[0][1][0][1]", 7, "$.scores[0][1][0][1]", "must be a string"),
        (
            "scores[0][1][0][2]",
            "SKILLS",
            "$.scores[0][1][0][2]",
            "must be a string (GOALS or CIRCUMSTANCES)",
        ),
        ("scores[0][1][0][3]", 7, "$.scores[0][1][0][3]", "must be a string"),
        ("scores[0][1][0][4]", 0, "$.scores[0][1][0][4]", "must be a whole number of at least 1"),
        ("scores[0][1][0]", "append", "$.scores[0][1][1]", "must not repeat a key"),
        ("scores[1]", "append", "$.scores[2]", "must not repeat a key"),
    ],
)
def test_a_malformed_partial_names_the_place_and_the_rule(
    table: Dataset, where: str, value: object, path: str, reason: str
) -> None:
    """H2's partial has 2 unidentified entries (GRP, GRP2), 4 clients assisted (3 groups each)
    and C00001's Goals pair first among the scores; each change breaks one item of it."""
    data = kpi_partial(table, H2).to_dict()
    _corrupt(data, where, value)
    with pytest.raises(DexStructureError) as raised:
        KpiPartial.from_dict(data)
    assert raised.value.errors == ((path, reason),)
