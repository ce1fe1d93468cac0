"""The standard KPIs, hand-checked on the example, their properties, and benchmarking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dexcore.errors import DexValueError
from dexcore.io import dataset_from_json
from dexcore.kpi import (
    KpiPolicies,
    PeerResult,
    Selection,
    benchmark,
    kpi_partial,
    kpi_report,
    standard_kpis,
)
from dexcore.model import Dataset, ParticipationType, Session, SessionClient
from dexcore.periods import ReportingPeriod
from dexcore.score import OutcomePolicy
from dexcore.testing import strategies

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example-dataset.json"
H1, H2 = ReportingPeriod.parse("2024-H1"), ReportingPeriod.parse("2024-H2")


@pytest.fixture(scope="module")
def example() -> Dataset:
    return dataset_from_json(EXAMPLE.read_bytes())


def test_kpis_on_the_example_2024_h2(example: Dataset) -> None:
    """Worked by hand from examples/example-dataset.json (sessions dated July-December)."""
    report = standard_kpis(example, H2)
    # 1. Clients attached as CLIENT to the 6 counted H2 sessions: C1 C2 C3 C6 C7 C9 C10 C13 C14
    #    and C14-C20 at the group session: 15. Unidentified: SET-GRP's G002 (32); G003 has no
    #    attached client, so it does not count.
    assert report.clients_assisted == 15
    assert report.unidentified_clients == 32
    # 2. Sessions: 7 in H2, less G003 (nobody attached) = 6; attendances 33 attached ... + 32.
    assert report.sessions_delivered == 6
    assert report.sessions_by_service_type == {1: 1, 5: 2, 10: 1, 12: 1, 13: 1}
    assert report.attendances == 48
    # 3. Priority groups among the 15: Indigenous C3 C7 C12 (C10 not stated) -> 3 of 14.
    atsi = report.priority_groups["atsi"]
    assert (atsi.numerator, atsi.denominator, atsi.not_stated) == (3, 14, 1)
    # Disability: C3 and C13 -> 2 of 15.
    disability = report.priority_groups["disability"]
    assert (disability.numerator, disability.denominator) == (2, 15)
    # 4. Goals pairs ending in H2: C1 SKILLS 1->3, C2 KNOWLEDGE 2->2, C9 CONFIDENCE 2->4.
    assert (report.goals_achieved.numerator, report.goals_achieved.denominator) == (2, 3)
    # 5. Circumstances: C1 HOUSING +2, C2 FAMILY -1, C3 MENTAL +1, C9 COMMUNITY +2.
    assert (report.circumstances_improved.numerator, report.circumstances_improved.denominator) == (
        3,
        4,
    )
    assert report.circumstances_improved.percent == 75.0
    share = report.unidentified_share
    assert (share.numerator, share.denominator) == (32, 47)


def test_kpis_on_the_example_2024_h1(example: Dataset) -> None:
    report = standard_kpis(example, H1)
    assert report.clients_assisted == 14
    assert report.unidentified_clients == 25
    assert report.sessions_delivered == 7
    # Every Goals and Circumstances pair ends in H2: nothing to measure in H1.
    assert report.goals_achieved.denominator == 0
    assert report.goals_achieved.percent is None


def test_outcome_policy_is_applied_and_reported(example: Dataset) -> None:
    """C1 (+2, 0), C3 (+1) and C9 (+2, 0) improved without a decline; C2 (-1) did not."""
    strict = KpiPolicies(outcome=OutcomePolicy.IMPROVED_NONE_DECLINED)
    report = standard_kpis(example, H2, policies=strict)
    circumstances = report.circumstances_improved
    assert (circumstances.numerator, circumstances.denominator) == (3, 4)
    assert report.to_dict()["policies"]["outcome"] == "improved-none-declined"


def test_selection_by_program_activity_and_outlet(example: Dataset) -> None:
    settlement = standard_kpis(example, H2, selection=Selection(organisation_activity_id=22))
    families = standard_kpis(example, H2, selection=Selection(outlet_id=1))
    assert settlement.sessions_delivered + families.sessions_delivered == 6
    assert settlement.unidentified_clients == 32
    assert families.unidentified_clients == 0
    assert settlement.to_dict()["selection"] == {"outlet_id": None, "organisation_activity_id": 22}


def test_json_form(example: Dataset) -> None:
    data = standard_kpis(example, H2).to_dict()
    assert data["period"] == "2024-H2"
    assert data["clients_assisted"] == {"value": 15, "unidentified": 32}
    assert data["sessions_delivered"]["value"] == 6
    assert set(data["priority_groups"]) == {"any", "atsi", "cald", "disability"}
    assert data["goals_achieved"] == {
        "value": 66.67,
        "numerator": 2,
        "denominator": 3,
        "not_stated": 0,
    }
    assert data["circumstances_improved"]["value"] == 75.0


# -- properties --------------------------------------------------------------------------------

DATASETS = strategies.datasets(
    max_clients=6, max_cases=4, first_day=dt.date(2024, 1, 1), last_day=dt.date(2024, 12, 31)
)
PERIODS = st.sampled_from([H1, H2])


@given(DATASETS, PERIODS)
def test_percentages_and_parts_are_sound(dataset: Dataset, period: ReportingPeriod) -> None:
    report = standard_kpis(dataset, period)
    ratios = [
        *report.priority_groups.values(),
        report.any_priority_group,
        report.goals_achieved,
        report.circumstances_improved,
        report.unidentified_share,
    ]
    for ratio in ratios:
        assert 0 <= ratio.numerator <= ratio.denominator
        assert ratio.percent is None or 0 <= ratio.percent <= 100
    for ratio in report.priority_groups.values():
        assert ratio.denominator + ratio.not_stated == report.clients_assisted
    assert sum(report.sessions_by_service_type.values()) == report.sessions_delivered


@given(DATASETS, PERIODS, st.integers(1, 28))
def test_a_session_with_a_new_client_never_lowers_clients_assisted(
    dataset: Dataset, period: ReportingPeriod, day: int
) -> None:
    assume(dataset.cases)
    before = standard_kpis(dataset, period).clients_assisted
    extra = Session(
        session_id="NEW-1",
        case_id=dataset.cases[0].case_id,
        session_date=dt.date(period.start.year, period.start.month, day),
        service_type_id=1,
        clients=[SessionClient(client_id="NEWCLIENT", participation=ParticipationType.CLIENT)],
    )
    after = standard_kpis(attrs.evolve(dataset, sessions=(*dataset.sessions, extra)), period)
    assert after.clients_assisted == before + 1


@given(DATASETS, PERIODS)
def test_relabelling_ids_changes_nothing(dataset: Dataset, period: ReportingPeriod) -> None:
    from dexcore.io import structure, unstructure

    text = unstructure(dataset)

    def relabel(value: object) -> object:
        if isinstance(value, dict):
            return {
                k: (
                    f"X-{v}" if k in {"client_id", "case_id"} and isinstance(v, str) else relabel(v)
                )
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [relabel(item) for item in value]
        return value

    renamed = structure(relabel(text), Dataset)
    original, relabelled = standard_kpis(dataset, period), standard_kpis(renamed, period)
    assert original.to_dict() == relabelled.to_dict()


@given(DATASETS, PERIODS, st.data())
def test_splitting_by_case_and_merging_equals_one_pass(
    dataset: Dataset, period: ReportingPeriod, data: st.DataObject
) -> None:
    """Any partition of the cases into parts gives, merged, the result of one pass."""
    parts = data.draw(st.integers(1, 3))
    owner = {case.case_id: data.draw(st.integers(0, parts - 1)) for case in dataset.cases}
    merged = None
    for part in range(parts):
        mine = {case_id for case_id, p in owner.items() if p == part}
        piece = Dataset(
            clients=dataset.clients,
            cases=[c for c in dataset.cases if c.case_id in mine],
            sessions=[s for s in dataset.sessions if s.case_id in mine],
            client_assessments=[a for a in dataset.client_assessments if a.case_id in mine],
        )
        partial = kpi_partial(piece, period)
        merged = partial if merged is None else merged.merge(partial)
    assert merged is not None
    whole = standard_kpis(dataset, period)
    assert kpi_report(merged).to_dict() == whole.to_dict()


# -- benchmarking ------------------------------------------------------------------------------


def peer(name: str, goals: float | None, *, program: str = "FRSP", state: str = "NSW",
         services: frozenset[int] = frozenset({5})) -> PeerResult:  # fmt: skip
    return PeerResult(
        organisation=name,
        program_activity=program,
        state=state,
        service_types=services,
        kpis={"goals_achieved": goals},
    )


def test_benchmark_against_comparable_peers() -> None:
    target = peer("us", 60.0)
    population = [
        target,
        *(peer(f"p{n}", value) for n, value in enumerate([40.0, 50.0, 60.0, 70.0, 80.0])),
        peer("elsewhere", 99.0, state="VIC"),
        peer("other-program", 1.0, program="SETS"),
        peer("no-shared-service", 1.0, services=frozenset({12})),
        peer("unmeasured", None),
    ]
    result = benchmark(target, population)
    assert set(result.peers) == {"p0", "p1", "p2", "p3", "p4", "unmeasured"}
    comparison = result.comparisons["goals_achieved"]
    assert comparison is not None
    assert comparison.peers == 5
    assert comparison.median == 60.0
    assert (comparison.lower_quartile, comparison.upper_quartile) == (50.0, 70.0)
    assert comparison.percentile_rank == 50.0  # two below, one equal (half), two above


def test_benchmark_needs_enough_peers() -> None:
    target = peer("us", 60.0)
    few = [target, *(peer(f"p{n}", 50.0) for n in range(4))]
    assert benchmark(target, few).comparisons["goals_achieved"] is None
    enough = [*few, peer("p4", 50.0)]
    comparison = benchmark(target, enough).comparisons["goals_achieved"]
    assert comparison is not None
    assert comparison.peers == 5
    # min_peers may raise the floor ...
    assert benchmark(target, enough, min_peers=6).comparisons["goals_achieved"] is None
    # ... and a target without a value is never compared.
    assert benchmark(peer("us", None), enough).comparisons["goals_achieved"] is None


@pytest.mark.parametrize("min_peers", [0, 1, 4, -1])
@pytest.mark.parametrize("peers", [0, 1, 2, 3, 4])
def test_benchmark_never_lowers_the_floor_of_five(min_peers: int, peers: int) -> None:
    """The attack: ask for min_peers=1 with one peer, and read that peer's value as the median."""
    target = peer("us", 60.0)
    population = [target, *(peer(f"p{n}", 40.0 + n) for n in range(peers))]
    with pytest.raises(DexValueError, match=r"at least 5.*\[benchmark\.min-peers\]"):
        benchmark(target, population, min_peers=min_peers)


@pytest.mark.parametrize("min_peers", [True, 5.0, "5", None])
def test_benchmark_min_peers_must_be_a_whole_number(min_peers: object) -> None:
    with pytest.raises(DexValueError, match=r"\[benchmark\.min-peers\]"):
        benchmark(peer("us", 60.0), [], min_peers=min_peers)  # type: ignore[arg-type]


@given(
    st.lists(st.one_of(st.none(), st.floats(0, 100)), max_size=9),
    st.one_of(st.none(), st.floats(0, 100)),
    st.integers(-3, 12),
)
def test_benchmark_shows_fewer_than_five_peers_never(
    values: list[float | None], own: float | None, min_peers: int
) -> None:
    population = [peer(f"p{n}", value) for n, value in enumerate(values)]
    if min_peers < 5:
        with pytest.raises(DexValueError, match=r"\[benchmark\.min-peers\]"):
            benchmark(peer("us", own), population, min_peers=min_peers)
        return
    result = benchmark(peer("us", own), population, min_peers=min_peers)
    comparison = result.comparisons["goals_achieved"]
    measured = sum(value is not None for value in values)
    if own is None or measured < min_peers:
        assert comparison is None
    else:
        assert comparison is not None
        assert comparison.peers == measured >= 5


def test_gc_is_paused_and_restored() -> None:
    import gc

    from dexcore._gc import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a collector the caller turned off stays off
    finally:
        gc.enable()
