"""KPI partials across organisations: keys, merging in any order, sharded finishing, plain data."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dexcore.errors import DexStructureError, DexValueError
from dexcore.io import dataset_from_json, structure, unstructure
from dexcore.kpi import (
    ClientIdentity,
    KpiCounts,
    KpiPartial,
    KpiPolicies,
    Ratio,
    Selection,
    Tally,
    kpi_partial,
    kpi_report,
    kpi_report_from_counts,
    standard_kpis,
)
from dexcore.model import (
    Assessment,
    AssessmentPhase,
    Case,
    ClientAssessment,
    Dataset,
    DomainScore,
    ScoreType,
    Session,
    SessionClient,
)
from dexcore.periods import PeriodScheme, ReportingPeriod
from dexcore.score import OutcomePolicy, PairingMethod, PairingPolicy, PairingScope
from dexcore.testing import strategies

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example-dataset.json"
H1, H2 = ReportingPeriod.parse("2024-H1"), ReportingPeriod.parse("2024-H2")


@pytest.fixture(scope="module")
def example() -> Dataset:
    return dataset_from_json(EXAMPLE.read_bytes())


# -- organisations sharing ids -----------------------------------------------------------------


def test_two_organisations_with_the_same_ids_count_twice(example: Dataset) -> None:
    """The issue's case: the same example as two organisations gave 14 clients instead of 28."""
    one = kpi_partial(example, H1, organisation="ORG-A")
    other = kpi_partial(example, H1, organisation="ORG-B")
    report = kpi_report(one.merge(other))
    # One organisation: 14 clients assisted, 25 unidentified, 7 sessions (hand-checked in
    # test_kpi.py); two organisations with the same ids hold different people.
    assert report.clients_assisted == 28
    assert report.unidentified_clients == 50
    assert report.sessions_delivered == 14
    h2 = kpi_report(kpi_partial(example, H2, organisation="A").merge(
        kpi_partial(example, H2, organisation="B")))  # fmt: skip
    assert (h2.goals_achieved.numerator, h2.goals_achieved.denominator) == (4, 6)
    assert (h2.circumstances_improved.numerator, h2.circumstances_improved.denominator) == (6, 8)


def test_the_organisation_key_defaults_to_the_dataset_organisation(example: Dataset) -> None:
    assert example.organisation is not None
    assert example.organisation.organisation_id == "EX-0001"
    named = kpi_partial(example, H1)
    assert named == kpi_partial(example, H1, organisation="EX-0001")
    assert all(key[:2] == ("org", "EX-0001") for key in named.assisted)
    # The attack: two organisations' extracts with the same id merge as one organisation.
    same = kpi_report(named.merge(kpi_partial(example, H1)))
    assert same.clients_assisted == 14


def test_slk_identity_counts_a_person_once_across_organisations(example: Dataset) -> None:
    """The example's 20 clients have 20 distinct SLKs: under the SLK identity, the same people
    reported by two organisations are 14 clients in 2024-H1, not 28; unidentified clients have
    no SLK and still add up."""
    policies = KpiPolicies(clients=ClientIdentity.SLK)
    one = kpi_partial(example, H1, organisation="A", policies=policies)
    other = kpi_partial(example, H1, organisation="B", policies=policies)
    report = kpi_report(one.merge(other), policies=policies)
    assert report.clients_assisted == 14
    assert report.unidentified_clients == 50
    assert report.to_dict()["policies"]["clients"] == "slk"
    # Without an SLK, a client falls back to its organisation and id.
    anonymous = attrs.evolve(
        example, clients=[attrs.evolve(c, slk=None, consent_to_provide_details=True)
                          for c in example.clients])  # fmt: skip
    both = kpi_partial(anonymous, H1, organisation="A", policies=policies).merge(
        kpi_partial(anonymous, H1, organisation="B", policies=policies)
    )
    assert kpi_report(both, policies=policies).clients_assisted == 28


# -- merge order -------------------------------------------------------------------------------


def _two_cases_tied_on_one_day() -> Dataset:
    """One client, cases K1 and K2, a Goals PRE rating in each on the same day: 2 then 4."""
    day = dt.date(2024, 8, 1)
    sessions = [
        Session(session_id="S1", case_id=case, session_date=day, service_type_id=1,
                clients=[SessionClient(client_id="C1")])
        for case in ("K1", "K2")
    ]  # fmt: skip
    scores = [
        ClientAssessment(client_id="C1", case_id=case, session_id="S1", assessments=[
            Assessment(score_type=ScoreType.GOALS, phase=AssessmentPhase.PRE,
                       scores=[DomainScore(domain="SKILLS", rating=rating)])])
        for case, rating in (("K1", 2), ("K2", 4))
    ]  # fmt: skip
    return Dataset(
        cases=[Case(case_id=case, outlet_activity_id=101) for case in ("K1", "K2")],
        sessions=sessions,
        client_assessments=scores,
    )


def test_a_dataset_without_an_organisation_is_keyed_by_the_empty_name() -> None:
    partial = kpi_partial(_two_cases_tied_on_one_day(), H2)
    assert set(partial.assisted) == {("org", "", "C1")}
    assert set(partial.scores) == {("org", "", "C1")}


@pytest.mark.parametrize("scope", [PairingScope.ORGANISATION, PairingScope.PROGRAM_ACTIVITY])
def test_a_tie_across_cases_does_not_depend_on_merge_order(scope: PairingScope) -> None:
    """The issue's case: K1 then K2 gave goals 1/1, K2 then K1 gave 0/1. The tie is broken by
    case id (K1 before K2), so the pair is 2 -> 4 in both orders: 1 of 1."""
    data = _two_cases_tied_on_one_day()
    policies = KpiPolicies(pairing=PairingPolicy(scope=scope))
    parts = [
        kpi_partial(attrs.evolve(data, cases=[c], sessions=[s], client_assessments=[a]), H2,
                    policies=policies)
        for c, s, a in zip(data.cases, data.sessions, data.client_assessments, strict=True)
    ]  # fmt: skip
    forward, backward = parts[0].merge(parts[1]), parts[1].merge(parts[0])
    assert forward == backward
    goals = kpi_report(forward, policies=policies).goals_achieved
    assert (goals.numerator, goals.denominator) == (1, 1)
    reversed_input = attrs.evolve(data, client_assessments=data.client_assessments[::-1])
    one_pass = standard_kpis(reversed_input, H2, policies=policies).goals_achieved
    assert (one_pass.numerator, one_pass.denominator) == (1, 1)


# -- properties over random organisations, partitions and merge trees -------------------------

DATASETS = strategies.datasets(
    max_clients=5, max_cases=4, first_day=dt.date(2024, 1, 1), last_day=dt.date(2024, 12, 31)
)
POLICIES = st.builds(
    KpiPolicies,
    pairing=st.builds(
        PairingPolicy, scope=st.sampled_from(PairingScope), method=st.sampled_from(PairingMethod)
    ),
    outcome=st.sampled_from(OutcomePolicy),
    clients=st.sampled_from(ClientIdentity),
)


@st.composite
def organisations(draw: st.DrawFn) -> list[tuple[str, Dataset]]:
    """One to three organisations; a later one may reuse an earlier one's records (same ids,
    same SLKs), as two organisations serving the same people would."""
    found: list[tuple[str, Dataset]] = []
    for n in range(draw(st.integers(1, 3))):
        reuse = bool(found) and draw(st.booleans())
        found.append((f"ORG-{n}", found[-1][1] if reuse else draw(DATASETS)))
    return found


def cut(dataset: Dataset, owner: dict[str, int], parts: int) -> list[Dataset]:
    """Parts of whole cases, each with only the clients it names."""
    pieces = []
    for part in range(parts):
        mine = {case_id for case_id, p in owner.items() if p == part}
        sessions = [s for s in dataset.sessions if s.case_id in mine]
        scores = [a for a in dataset.client_assessments if a.case_id in mine]
        cases = [c for c in dataset.cases if c.case_id in mine]
        named = {c.client_id for case in cases for c in case.clients}
        named |= {c.client_id for s in sessions for c in s.clients} | {a.client_id for a in scores}
        pieces.append(Dataset(
            clients=[c for c in dataset.clients if c.client_id in named], cases=cases,
            sessions=sessions, client_assessments=scores))  # fmt: skip
    return pieces


def relabelled(organisation: str, dataset: Dataset) -> dict[str, Any]:
    """The dataset's plain form with every client and case id prefixed by the organisation."""

    def relabel(value: object) -> object:
        if isinstance(value, dict):
            return {
                k: f"{organisation}/{v}" if k in {"client_id", "case_id"} else relabel(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [relabel(item) for item in value]
        return value

    plain = relabel(unstructure(dataset))
    assert isinstance(plain, dict)
    return plain


def one_pass_over_all(orgs: list[tuple[str, Dataset]]) -> Dataset:
    """All organisations in one dataset, their ids made unique by hand."""
    plains = [relabelled(name, data) for name, data in orgs]
    merged = {key: [row for plain in plains for row in plain.get(key, [])]
              for key in ("clients", "cases", "sessions", "client_assessments")}  # fmt: skip
    return structure(merged, Dataset)


def merge_in_tree(partials: list[KpiPartial], data: st.DataObject) -> KpiPartial:
    """Merge in a random order and a random tree: shuffle, then join random neighbours."""
    items = data.draw(st.permutations(partials))
    while len(items) > 1:
        at = data.draw(st.integers(0, len(items) - 2))
        items = [*items[:at], items[at].merge(items[at + 1]), *items[at + 2 :]]
    return items[0]


@given(organisations(), st.sampled_from([H1, H2]), POLICIES, st.data())
def test_any_partition_and_merge_tree_equals_one_pass(
    orgs: list[tuple[str, Dataset]],
    period: ReportingPeriod,
    policies: KpiPolicies,
    data: st.DataObject,
) -> None:
    partials = []
    for name, dataset in orgs:
        parts = data.draw(st.integers(1, 3))
        owner = {c.case_id: data.draw(st.integers(0, parts - 1)) for c in dataset.cases}
        partials += [kpi_partial(piece, period, policies=policies, organisation=name)
                     for piece in cut(dataset, owner, parts)]  # fmt: skip
    merged = merge_in_tree(partials, data)
    # The same partial whatever the order and tree ...
    assert merge_in_tree(partials, data) == merged
    # ... and the same as one pass per organisation, merged ...
    report = kpi_report(merged, policies=policies).to_dict()
    per_org = [kpi_partial(d, period, policies=policies, organisation=n) for n, d in orgs]
    assert (
        kpi_report(functools.reduce(KpiPartial.merge, per_org), policies=policies).to_dict()
        == report
    )
    # ... and as one pass over every organisation in one dataset, ids made unique by hand. (SLKs
    # stay shared, so under the SLK identity this holds only while pairing stays within a case:
    # one dataset has no organisation boundary to pair within.)
    if (
        policies.clients is ClientIdentity.ORGANISATION
        or policies.pairing.scope is PairingScope.CASE
    ):
        whole = standard_kpis(one_pass_over_all(orgs), period, policies=policies)
        assert report == whole.to_dict()


@given(organisations(), st.sampled_from([H1, H2]), st.integers(1, 6))
def test_sharded_finishing_equals_kpi_report(
    orgs: list[tuple[str, Dataset]], period: ReportingPeriod, shards: int
) -> None:
    merged = None
    for name, dataset in orgs:
        partial = kpi_partial(dataset, period, organisation=name)
        merged = partial if merged is None else merged.merge(partial)
    assert merged is not None
    pieces = merged.shard(shards)
    assert len(pieces) == shards
    # Shards hold disjoint clients and cases, and give the partial back when merged.
    assert sum(len(p.assisted) for p in pieces) == len(merged.assisted)
    assert sum(len(p.unidentified) for p in pieces) == len(merged.unidentified)
    rebuilt = pieces[0]
    for piece in pieces[1:]:
        rebuilt = rebuilt.merge(piece)
    assert rebuilt == merged
    # Each shard finishes on its own; only counters reach the driver.
    counts = [KpiCounts.from_dict(json.loads(json.dumps(p.finish_counts().to_dict())))
              for p in pieces]  # fmt: skip
    assert kpi_report_from_counts(counts).to_dict() == kpi_report(merged).to_dict()


def test_sharded_finishing_on_the_example_gives_the_hand_checked_figures(
    example: Dataset,
) -> None:
    counts = [piece.finish_counts() for piece in kpi_partial(example, H2).shard(4)]
    report = kpi_report_from_counts(reversed(counts))
    assert (report.clients_assisted, report.unidentified_clients) == (15, 32)
    assert (report.sessions_delivered, report.attendances) == (6, 48)
    assert (report.goals_achieved.numerator, report.goals_achieved.denominator) == (2, 3)
    atsi = report.priority_groups["atsi"]
    assert (atsi.numerator, atsi.denominator, atsi.not_stated) == (3, 14, 1)


# -- plain data --------------------------------------------------------------------------------


def _plain_types_only(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_types_only(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain_types_only(v) for v in value)
    return value is None or isinstance(value, str | int | bool)


@given(organisations(), st.sampled_from([H1, H2]), POLICIES)
def test_plain_form_round_trips_through_json(
    orgs: list[tuple[str, Dataset]], period: ReportingPeriod, policies: KpiPolicies
) -> None:
    for name, dataset in orgs:
        partial = kpi_partial(dataset, period, policies=policies, organisation=name)
        plain = partial.to_dict()
        assert _plain_types_only(plain)
        assert KpiPartial.from_dict(json.loads(json.dumps(plain))) == partial
        counts = partial.finish_counts()
        assert KpiCounts.from_dict(json.loads(json.dumps(counts.to_dict()))) == counts


def test_a_case_capped_to_zero_unidentified_round_trips() -> None:
    """A session's 5 unidentified clients in a case whose figure is 0 count as 0, and say so."""
    day = dt.date(2024, 8, 1)
    data = Dataset(
        cases=[Case(case_id="K1", outlet_activity_id=101, total_unidentified_clients=0)],
        sessions=[Session(session_id="S1", case_id="K1", session_date=day, service_type_id=1,
                          total_unidentified_clients=5, clients=[SessionClient(client_id="C1")])],
    )  # fmt: skip
    partial = kpi_partial(data, H2, organisation="ORG")
    assert partial.unidentified == {("ORG", "K1"): 0}
    assert KpiPartial.from_dict(json.loads(json.dumps(partial.to_dict()))) == partial
    with pytest.raises(DexValueError, match=r"\[kpi\.merge-mismatch\]"):
        partial.merge(partial.finish_counts())  # type: ignore[arg-type]


def test_plain_form_is_documented_and_versioned(example: Dataset) -> None:
    plain = kpi_partial(example, H2).to_dict()
    assert (plain["format"], plain["version"], plain["period"]) == (
        "dexcore.kpi.partial",
        1,
        "2024-H2",
    )
    assert ["org", "EX-0001", "C00001"] in [key for key, _groups in plain["assisted"]]
    assert ["EX-0001", "SET-GRP", 32] in plain["unidentified"]


def test_an_unknown_version_is_refused_clearly(example: Dataset) -> None:
    plain = kpi_partial(example, H2).to_dict()
    for version in (2, 0, "1", True, None):
        with pytest.raises(DexValueError, match=r"reads version 1 .*\[kpi\.partial-version\]"):
            KpiPartial.from_dict({**plain, "version": version})
    counts = kpi_partial(example, H2).finish_counts().to_dict()
    with pytest.raises(DexValueError, match=r"\[kpi\.partial-version\]"):
        KpiCounts.from_dict({**counts, "version": 2})


MARKER = "Zanzibar-Quokka-1970"


def _tampered(plain: dict[str, Any]) -> list[tuple[object, str]]:
    """Broken copies of a plain partial, each with the path its error must name."""
    key, groups = plain["assisted"][0]
    scores = plain["scores"][0]
    entry = scores[1][0]
    return [
        ([], "$.format"),
        ({**plain, "format": "dexcore.kpi.counts"}, "$.format"),
        ({**plain, "extra": 1}, "$"),
        ({**plain, "period": MARKER}, "$.period"),
        ({**plain, "sessions": -1}, "$.sessions"),
        ({**plain, "sessions": True}, "$.sessions"),
        ({**plain, "by_service_type": {MARKER: 1}}, "$.by_service_type"),
        ({**plain, "policies": {**plain["policies"], "outcome": MARKER}}, "$.policies.outcome"),
        ({**plain, "assisted": [[["org", MARKER], groups]]}, "$.assisted[0][0]"),
        ({**plain, "assisted": [[key, groups + "2"]]}, "$.assisted[0][1]"),
        ({**plain, "assisted": [[key, groups], [key, groups]]}, "$.assisted[1]"),
        ({**plain, "unidentified": [["O", MARKER, 1000]]}, "$.unidentified[0][2]"),
        ({**plain, "scores": [[scores[0], [[*entry[:5], [MARKER, "PRE", "K", "S", 1], None]]]]},
         "$.scores[0][1][0][5][0]"),
        ({**plain, "scores": [[scores[0], [[*entry[:5], None, ["2024-07-01", "PRE", "K", "S",
                                                                6]]]]]},
         "$.scores[0][1][0][6][4]"),
        ({**plain, "scores": [[scores[0], [[*entry[:2], MARKER, *entry[3:]]]]]},
         "$.scores[0][1][0][2]"),
    ]  # fmt: skip


def test_malformed_plain_forms_name_the_path_and_never_the_value(example: Dataset) -> None:
    plain = kpi_partial(example, H2, organisation=MARKER).to_dict()
    assert plain["scores"]
    assert plain["assisted"]
    for broken, path in _tampered(plain):
        with pytest.raises(DexStructureError) as caught:
            KpiPartial.from_dict(broken)
        message = str(caught.value)
        assert path in message, (path, message)
        assert MARKER not in message
        assert caught.value.__cause__ is None
        assert caught.value.__suppress_context__


def test_repr_shows_no_client_key(example: Dataset) -> None:
    policies = KpiPolicies(clients=ClientIdentity.SLK)
    partial = kpi_partial(example, H2, policies=policies)
    slks = [c.slk for c in example.clients if c.slk]
    text = repr(partial) + repr(partial.finish_counts())
    assert "sessions=6" in text
    assert not any(slk in text for slk in slks)
    assert "C00013" not in text


# -- arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, -1, True, 2.0, "2", None])
def test_a_shard_count_is_a_whole_number(example: Dataset, count: object) -> None:
    with pytest.raises(DexValueError, match=r"\[kpi\.shard-count\]"):
        kpi_partial(example, H2).shard(count)  # type: ignore[arg-type]


def test_partials_of_other_periods_or_policies_do_not_merge(example: Dataset) -> None:
    h2 = kpi_partial(example, H2)
    strict = KpiPolicies(outcome=OutcomePolicy.IMPROVED_NONE_DECLINED)
    for other in (kpi_partial(example, H1), kpi_partial(example, H2, policies=strict)):
        with pytest.raises(DexValueError, match=r"\[kpi\.merge-mismatch\]"):
            h2.merge(other)
        with pytest.raises(DexValueError, match=r"\[kpi\.merge-mismatch\]"):
            h2.finish_counts().merge(other.finish_counts())
    # Finishing under other policies than the partial's is refused too ...
    with pytest.raises(DexValueError, match=r"\[kpi\.merge-mismatch\]"):
        kpi_report(h2, policies=strict)
    # ... and so is an empty list of counts.
    with pytest.raises(DexValueError, match=r"\[kpi\.no-counts\]"):
        kpi_report_from_counts([])


# == partials and counts written by hand ======================================================
# Every partial and every count below is built field by field, and every expected figure is
# worked out by hand from the rules of docs/explanation/score-kpi.md: counters add; a case keeps
# its largest unidentified figure; a client's classes take the larger answer per group (2 in,
# 1 not, 0 not stated); a pairing key keeps its earliest and latest rating and how many it saw;
# a pair counts when its later rating falls in the period (its first day included); "not stated"
# leaves a percentage's denominator. They need no dataset, so they run first and fast.
STRICT = KpiPolicies(outcome=OutcomePolicy.IMPROVED_NONE_DECLINED)
#: The strict policies as plain data, written out by hand (docs: "as in the report").
STRICT_PLAIN = {
    "pairing": "first-last within case",
    "outcome": "improved-none-declined",
    "priority_groups": ["atsi", "cald", "disability"],
    "clients": "organisation",
}
OUTLET = Selection(outlet_id=3)

GOALS = ("A", "K1", "GOALS", "SKILLS")
HOUSING = ("A", "K1", "CIRCUMSTANCES", "HOUSING")
SAFETY = ("A", "K1", "CIRCUMSTANCES", "SAFETY")
C1, C2, C3, C4 = (("org", "A", f"C{n}") for n in range(1, 5))


def _at(day: str, phase: int, session: str, rating: int) -> tuple[dt.date, int, str, str, int]:
    """A rating's place: date, phase rank (0 PRE, 1 POST), case, session, minus the rating."""
    return (dt.date.fromisoformat(day), phase, "K1", session, -rating)


def _first_part() -> KpiPartial:
    """Organisation A in 2024-H2 (outlet 3), under the strict outcome policy.

    ======  ==========  ==========================================================
    client  classes     SCORE (first -> last)
    ======  ==========  ==========================================================
    C1      in, no, no  Goals 1 (2 July) -> 3 (1 Aug): +2. Housing 4 -> 2: -2;
                        Safety 2 -> 3: +1
    C2      no, no, no  Goals 2 (1 March) -> 5 (30 June): ends in H1, not counted
    C3      ?,  no, in  Housing 3 (30 June) -> 3 (1 July, H2's first day): 0;
                        Safety 2 -> 3 on the same days: +1
    C4      ?,  no, no  Goals 3 (5 July) -> 3 (31 Dec): 0
    ======  ==========  ==========================================================
    """
    return KpiPartial(
        period=H2,
        selection=OUTLET,
        policies=STRICT.describe(),
        sessions=3,
        by_service_type={10: 2, 1: 1},
        attendances=14,
        unidentified={("A", "K1"): 3, ("A", "K2"): 5},
        assisted={C1: (2, 1, 1), C2: (1, 1, 1), C3: (0, 1, 2), C4: (0, 1, 1)},
        scores={
            C1: {
                GOALS: (_at("2024-07-02", 0, "S1", 1), _at("2024-08-01", 1, "S2", 3), 2),
                HOUSING: (_at("2024-07-02", 0, "S1", 4), _at("2024-08-01", 1, "S2", 2), 2),
                SAFETY: (_at("2024-07-02", 0, "S1", 2), _at("2024-08-01", 1, "S2", 3), 2),
            },
            C2: {GOALS: (_at("2024-03-01", 0, "S0", 2), _at("2024-06-30", 1, "S9", 5), 2)},
            C3: {
                HOUSING: (_at("2024-06-30", 0, "S3", 3), _at("2024-07-01", 1, "S4", 3), 2),
                SAFETY: (_at("2024-06-30", 0, "S3", 2), _at("2024-07-01", 1, "S4", 3), 2),
            },
            C4: {GOALS: (_at("2024-07-05", 0, "S5", 3), _at("2024-12-31", 1, "S6", 3), 2)},
        },
    )


def _second_part() -> KpiPartial:
    """More of organisation A, and organisation B: C1 again (an earlier Goals rating of 2 on
    1 July, and a stronger answer for the second group), and B's own C1."""
    b1 = ("org", "B", "C1")
    return KpiPartial(
        period=H2,
        selection=OUTLET,
        policies=STRICT.describe(),
        sessions=2,
        by_service_type={5: 1, 10: 1},
        attendances=6,
        unidentified={("A", "K1"): 4, ("B", "K1"): 2},
        assisted={C1: (1, 2, 0), b1: (1, 1, 1)},
        scores={C1: {GOALS: (_at("2024-07-01", 0, "S0", 2), None, 1)}},
    )


# -- finishing ----------------------------------------------------------------------------------


def test_finishing_a_partial_worked_by_hand() -> None:
    counts = _first_part().finish_counts()
    # atsi: C1 in, C2 not, C3 and C4 not stated. cald: all four not. disability: C3 in.
    # Any group: C1 and C3 in; C2 not in any; C4 in none but not stated for one: not stated.
    # Goals (strict): C1 +2 achieved, C4 0 not; C2's pair ended in H1. 1 of 2.
    # Circumstances (strict): C1 has -2 and +1, a decline: not; C3 0 and +1: improved. 1 of 2.
    assert counts == KpiCounts(
        period=H2,
        selection=OUTLET,
        policies=STRICT_PLAIN,
        sessions=3,
        by_service_type={1: 1, 10: 2},
        attendances=14,
        unidentified=8,
        clients_assisted=4,
        priority_groups={
            "atsi": Tally(in_group=1, not_in_group=1, not_stated=2),
            "cald": Tally(in_group=0, not_in_group=4, not_stated=0),
            "disability": Tally(in_group=1, not_in_group=3, not_stated=0),
        },
        any_priority_group=Tally(in_group=2, not_in_group=1, not_stated=1),
        goals=(1, 2),
        circumstances=(1, 2),
    )
    assert list(counts.by_service_type) == [1, 10]


def test_the_outcome_policy_of_the_partial_decides() -> None:
    """Under "any improved" C1's Circumstances (-2 and +1) count as improved: 2 of 2."""
    loose = KpiPartial(
        period=H2,
        policies=KpiPolicies().describe(),
        scores=_first_part().scores,
    )
    assert loose.finish_counts().circumstances == (2, 2)
    assert loose.finish_counts().goals == (1, 2)


def test_a_pair_needs_two_different_ends_in_order() -> None:
    """A key with one rating, a key with no first rating, and a key whose ends are out of
    order (as no pass writes, but a hand-made partial can) are not pairs: nothing measured."""
    one = _at("2024-08-01", 0, "S1", 2)
    later = _at("2024-09-01", 1, "S2", 4)
    partial = KpiPartial(
        period=H2,
        scores={
            C1: {GOALS: (one, one, 1)},
            C2: {GOALS: (None, later, 1)},
            C3: {GOALS: (one, None, 1)},
            C4: {GOALS: (later, one, 2)},
        },
    )
    assert partial.finish_counts().goals == (0, 0)


def test_classes_of_the_wrong_width_are_never_counted_silently() -> None:
    """A hand-made partial whose client has two (or four) classes for three groups: finishing
    and merging refuse, rather than leaving a group's tally short by one."""
    for classes in ((2, 1), (2, 1, 1, 0)):
        with pytest.raises(ValueError, match="zip"):
            KpiPartial(period=H2, assisted={C1: classes}).finish_counts()
        # Nor merged with a client's three classes, keeping only the groups both have.
        with pytest.raises(ValueError, match="zip"):
            KpiPartial(period=H2, assisted={C1: classes}).merge(
                KpiPartial(period=H2, assisted={C1: (1, 1, 1)})
            )


# -- merging ------------------------------------------------------------------------------------


def test_merging_two_parts_worked_by_hand() -> None:
    first, second = _first_part(), _second_part()
    merged = first.merge(second)
    # Counters add: 3 + 2 sessions, types {1: 1, 10: 2} + {5: 1, 10: 1}, 14 + 6 attendances.
    assert (merged.sessions, merged.attendances) == (5, 20)
    assert list(merged.by_service_type.items()) == [(1, 1), (5, 1), (10, 3)]
    # A's K1 keeps the larger of 3 and 4; K2 and B's K1 come from one part each.
    assert merged.unidentified == {("A", "K1"): 4, ("A", "K2"): 5, ("B", "K1"): 2}
    # C1: (2, 1, 1) and (1, 2, 0) -> (2, 2, 1); B's C1 is another client.
    assert merged.assisted[C1] == (2, 2, 1)
    assert merged.assisted[("org", "B", "C1")] == (1, 1, 1)
    assert len(merged.assisted) == 5
    # C1's Goals: the earlier first rating (1 July, 2), the only last rating, 2 + 1 seen.
    assert merged.scores[C1][GOALS] == (
        _at("2024-07-01", 0, "S0", 2),
        _at("2024-08-01", 1, "S2", 3),
        3,
    )
    assert merged.scores[C1][HOUSING] == first.scores[C1][HOUSING]
    assert second.merge(first) == merged
    # Now C1's Goals are 2 -> 3: +1, still achieved; 5 clients, C1 in two groups.
    counts = merged.finish_counts()
    assert (counts.clients_assisted, counts.unidentified, counts.goals) == (5, 11, (1, 2))
    assert counts.priority_groups["cald"] == Tally(in_group=1, not_in_group=4, not_stated=0)


def test_a_missing_end_is_taken_from_the_other_part() -> None:
    """Under PRE and POST pairing one part may hold only the PRE rating of a key and the other
    only its POST rating: merged, in either order, the key has both ends and two ratings."""
    pre, post = _at("2024-07-02", 0, "S1", 1), _at("2024-08-01", 1, "S2", 3)
    only_pre = KpiPartial(period=H2, scores={C1: {GOALS: (pre, None, 1)}})
    only_post = KpiPartial(period=H2, scores={C1: {GOALS: (None, post, 1)}})
    for merged in (only_pre.merge(only_post), only_post.merge(only_pre)):
        assert merged.scores == {C1: {GOALS: (pre, post, 2)}}
        assert merged.finish_counts().goals == (1, 1)


def test_merging_keeps_the_frame() -> None:
    merged = _first_part().merge(_second_part())
    assert (merged.period, merged.selection, merged.policies) == (H2, OUTLET, STRICT_PLAIN)


def test_merging_with_another_frame_is_refused_with_the_rule() -> None:
    part = _first_part()
    with pytest.raises(DexValueError) as raised:
        part.merge(part.finish_counts())  # type: ignore[arg-type]
    assert str(raised.value) == (
        "kpi: can merge a KpiPartial only with another [kpi.merge-mismatch]"
    )
    for other in (
        KpiPartial(period=H1, selection=OUTLET, policies=STRICT_PLAIN),
        KpiPartial(period=H2, selection=Selection(), policies=STRICT_PLAIN),
        KpiPartial(period=H2, selection=OUTLET),
    ):
        with pytest.raises(DexValueError) as raised:
            part.merge(other)
        assert str(raised.value) == (
            "kpi: cannot merge results for another period, selection or policies "
            "[kpi.merge-mismatch]"
        )


# -- sharding -----------------------------------------------------------------------------------


def _crc32(data: bytes) -> int:
    """CRC-32 (ISO-HDLC: reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF),
    bit by bit: an implementation independent of zlib's tables."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xEDB88320 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def test_the_crc_oracle_gives_the_published_check_value() -> None:
    # The catalogue's check value of CRC-32/ISO-HDLC: the CRC of the ASCII text "123456789".
    assert _crc32(b"123456789") == 0xCBF43926


@pytest.mark.parametrize("count", [2, 3, 7])
def test_shards_place_keys_by_crc32_of_their_parts(count: int) -> None:
    """A key's shard is the CRC-32 of its parts joined by the unit separator (U+001F), in
    UTF-8, modulo the count: the same on every machine and version. Session counters go to
    shard 0; every shard keeps the partial's period, selection and policies."""
    partial = _first_part().merge(_second_part())
    shards = partial.shard(count)

    def expected(key: tuple[str, ...]) -> int:
        return _crc32("\x1f".join(key).encode("utf-8")) % count

    for n, shard in enumerate(shards):
        assert (shard.period, shard.selection, shard.policies) == (H2, OUTLET, STRICT_PLAIN)
        for keys in (shard.assisted, shard.unidentified, shard.scores):
            assert all(expected(key) == n for key in keys)
        counters = (shard.sessions, dict(shard.by_service_type), shard.attendances)
        assert counters == ((5, {1: 1, 5: 1, 10: 3}, 20) if n == 0 else (0, {}, 0))
    assert sum(len(s.assisted) for s in shards) == 5
    assert sum(len(s.unidentified) for s in shards) == 3
    assert sum(len(s.scores) for s in shards) == 4


def test_a_bad_shard_count_is_refused_with_the_rule() -> None:
    with pytest.raises(DexValueError) as raised:
        _first_part().shard(0)
    assert str(raised.value) == (
        "kpi: a shard count is a whole number of at least 1 [kpi.shard-count]"
    )


# -- counts: merging and the report -------------------------------------------------------------


def _counts(**changes: Any) -> KpiCounts:
    """Counts for 2024-H2, outlet 3, the strict policies; 7 clients assisted."""
    fields: dict[str, Any] = {
        "period": H2,
        "selection": OUTLET,
        "policies": STRICT.describe(),
        "sessions": 5,
        "by_service_type": {10: 3, 1: 2},
        "attendances": 40,
        "unidentified": 12,
        "clients_assisted": 7,
        "priority_groups": {
            "atsi": Tally(in_group=2, not_in_group=4, not_stated=1),
            "cald": Tally(in_group=3, not_in_group=3, not_stated=1),
            "disability": Tally(in_group=0, not_in_group=6, not_stated=1),
        },
        "any_priority_group": Tally(in_group=4, not_in_group=2, not_stated=1),
        "goals": (2, 5),
        "circumstances": (1, 3),
    }
    return KpiCounts(**{**fields, **changes})


def test_counts_of_two_shards_add_up_by_hand() -> None:
    other = _counts(
        sessions=0,
        by_service_type={5: 1, 10: 1},
        attendances=3,
        unidentified=2,
        clients_assisted=3,
        priority_groups={
            "atsi": Tally(in_group=1, not_in_group=1, not_stated=1),
            "cald": Tally(in_group=0, not_in_group=3, not_stated=0),
            "disability": Tally(in_group=2, not_in_group=1, not_stated=0),
        },
        any_priority_group=Tally(in_group=2, not_in_group=0, not_stated=1),
        goals=(1, 1),
        circumstances=(0, 2),
    )
    total = _counts().merge(other)
    assert total == _counts(
        sessions=5,
        by_service_type={1: 2, 5: 1, 10: 4},
        attendances=43,
        unidentified=14,
        clients_assisted=10,
        priority_groups={
            "atsi": Tally(in_group=3, not_in_group=5, not_stated=2),
            "cald": Tally(in_group=3, not_in_group=6, not_stated=1),
            "disability": Tally(in_group=2, not_in_group=7, not_stated=1),
        },
        any_priority_group=Tally(in_group=6, not_in_group=2, not_stated=2),
        goals=(3, 6),
        circumstances=(1, 5),
    )
    assert list(total.by_service_type.items()) == [(1, 2), (5, 1), (10, 4)]
    assert other.merge(_counts()) == total


def test_counts_of_another_frame_do_not_merge() -> None:
    for other in (_counts(period=H1), _counts(selection=Selection()), _counts(policies={})):
        with pytest.raises(DexValueError) as raised:
            _counts().merge(other)
        assert str(raised.value) == (
            "kpi: cannot merge results for another period, selection or policies "
            "[kpi.merge-mismatch]"
        )


def test_the_report_from_counts_worked_by_hand() -> None:
    report = kpi_report_from_counts([_counts()], policies=STRICT)
    assert (report.period, report.selection, report.policies) == (H2, OUTLET, STRICT)
    assert (report.clients_assisted, report.unidentified_clients) == (7, 12)
    assert (report.sessions_delivered, report.attendances) == (5, 40)
    assert dict(report.sessions_by_service_type) == {1: 2, 10: 3}
    # "Not stated" leaves the denominator: atsi 2 of 2 + 4, one not stated.
    assert report.priority_groups == {
        "atsi": Ratio(numerator=2, denominator=6, not_stated=1),
        "cald": Ratio(numerator=3, denominator=6, not_stated=1),
        "disability": Ratio(numerator=0, denominator=6, not_stated=1),
    }
    assert report.any_priority_group == Ratio(numerator=4, denominator=6, not_stated=1)
    assert report.goals_achieved == Ratio(numerator=2, denominator=5)
    assert report.circumstances_improved == Ratio(numerator=1, denominator=3)
    # 12 unidentified among 12 + 7 clients.
    assert report.unidentified_share == Ratio(numerator=12, denominator=19)
    assert report.to_dict()["priority_groups"]["atsi"] == {
        "value": 33.33,
        "numerator": 2,
        "denominator": 6,
        "not_stated": 1,
    }


def test_the_report_json_worked_by_hand() -> None:
    data = kpi_report_from_counts([_counts()], policies=STRICT).to_dict()
    # Percentages to two places: 4/6 = 66.67, 2/6 = 33.33, 3/6 = 50, 2/5 = 40, 1/3 = 33.33,
    # and the unidentified share 12/19 = 63.157... = 63.16.
    assert data == {
        "period": "2024-H2",
        "selection": {"outlet_id": 3, "organisation_activity_id": None},
        "policies": STRICT_PLAIN,
        "clients_assisted": {"value": 7, "unidentified": 12},
        "sessions_delivered": {"value": 5, "by_service_type": {"1": 2, "10": 3}, "attendances": 40},
        "priority_groups": {
            "any": {"value": 66.67, "numerator": 4, "denominator": 6, "not_stated": 1},
            "atsi": {"value": 33.33, "numerator": 2, "denominator": 6, "not_stated": 1},
            "cald": {"value": 50.0, "numerator": 3, "denominator": 6, "not_stated": 1},
            "disability": {"value": 0.0, "numerator": 0, "denominator": 6, "not_stated": 1},
        },
        "goals_achieved": {"value": 40.0, "numerator": 2, "denominator": 5, "not_stated": 0},
        "circumstances_improved": {
            "value": 33.33,
            "numerator": 1,
            "denominator": 3,
            "not_stated": 0,
        },
        "unidentified_share": {"value": 63.16, "numerator": 12, "denominator": 19, "not_stated": 0},
    }
    assert list(data["sessions_delivered"]["by_service_type"]) == ["1", "10"]
    assert list(data["priority_groups"]) == ["any", "atsi", "cald", "disability"]
    # Nothing to measure: no percentage, not 0.
    empty = Ratio(numerator=0, denominator=0)
    assert empty.to_dict() == {"value": None, "numerator": 0, "denominator": 0, "not_stated": 0}


def test_a_report_for_another_selection_is_refused_with_the_rule() -> None:
    partial = _first_part()
    assert kpi_report(partial, selection=OUTLET, policies=STRICT).clients_assisted == 4
    with pytest.raises(DexValueError) as raised:
        kpi_report(partial, selection=Selection(), policies=STRICT)
    assert str(raised.value) == (
        "kpi: the partial was computed for another selection [kpi.merge-mismatch]"
    )


def test_the_report_from_counts_checks_the_policies() -> None:
    with pytest.raises(DexValueError) as raised:
        kpi_report_from_counts([_counts()])
    assert str(raised.value) == (
        "kpi: the results were computed under other policies; pass the same policies "
        "[kpi.merge-mismatch]"
    )
    with pytest.raises(DexValueError) as raised:
        kpi_report_from_counts([])
    assert str(raised.value) == (
        "kpi: a report needs the counts of at least one shard [kpi.no-counts]"
    )
    # Default policies: the counts of a partial computed under them.
    plain = _counts(policies=KpiPolicies().describe())
    assert kpi_report_from_counts([plain]).policies == KpiPolicies()
    assert kpi_report(KpiPartial(period=H2)).clients_assisted == 0


# -- the counts' plain form ---------------------------------------------------------------------

#: ``_counts()``'s plain form, written out by hand from the documented layout.
COUNTS_PLAIN: dict[str, Any] = {
    "format": "dexcore.kpi.counts",
    "version": 1,
    "period": "2024-H2",
    "selection": {"outlet_id": 3, "organisation_activity_id": None},
    "policies": STRICT_PLAIN,
    "sessions": 5,
    "by_service_type": {"1": 2, "10": 3},
    "attendances": 40,
    "unidentified": 12,
    "clients_assisted": 7,
    "priority_groups": {"atsi": [2, 4, 1], "cald": [3, 3, 1], "disability": [0, 6, 1]},
    "any_priority_group": [4, 2, 1],
    "goals": [2, 5],
    "circumstances": [1, 3],
}


def test_the_counts_plain_form_written_by_hand() -> None:
    assert _counts().to_dict() == COUNTS_PLAIN
    assert list(_counts().to_dict()["by_service_type"]) == ["1", "10"]
    assert KpiCounts.from_dict(COUNTS_PLAIN) == _counts()


def _broken(path: str, value: object) -> dict[str, Any]:
    """COUNTS_PLAIN with the item at ``path`` (``goals[0]``, ``priority_groups.atsi``) set."""
    data: dict[str, Any] = {
        key: (dict(value) if isinstance(value, dict) else value)
        for key, value in COUNTS_PLAIN.items()
    }
    name, _, rest = path.partition(".")
    head, _, index = name.partition("[")
    if rest:
        data[head] = {**data[head], rest: value}
    elif index:
        data[head] = [*data[head]]
        data[head][int(index.rstrip("]"))] = value
    else:
        data[head] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "where", "reason"),
    [
        ("unidentified", -1, "$.unidentified", "must be a whole number of at least 0"),
        ("clients_assisted", "7", "$.clients_assisted", "must be a whole number of at least 0"),
        ("priority_groups.atsi", [2, 4], "$.priority_groups.atsi", "must be a list of 3 items"),
        ("priority_groups.cald", [3, -3, 1], "$.priority_groups.cald[1]",
         "must be a whole number of at least 0"),
        ("priority_groups.disability", [0, 6, True], "$.priority_groups.disability[2]",
         "must be a whole number of at least 0"),
        ("priority_groups", {"atsi": [2, 4, 1]}, "$.priority_groups",
         "must be an object with exactly the keys atsi, cald, disability"),
        ("any_priority_group", [4, 2], "$.any_priority_group", "must be a list of 3 items"),
        ("any_priority_group[0]", None, "$.any_priority_group[0]",
         "must be a whole number of at least 0"),
        ("goals", [2, 5, 0], "$.goals", "must be a list of 2 items"),
        ("goals[0]", 6, "$.goals[0]", "must be at most 5"),
        ("goals[1]", -5, "$.goals[1]", "must be a whole number of at least 0"),
        ("circumstances[0]", -1, "$.circumstances[0]", "must be a whole number of at least 0"),
        ("circumstances[1]", "3", "$.circumstances[1]", "must be a whole number of at least 0"),
        ("circumstances", None, "$.circumstances", "must be a list of 2 items"),
        # The header every form shares.
        ("format", "dexcore.kpi.partial", "$.format",
         "must be 'dexcore.kpi.counts': this is not a dexcore dexcore.kpi.counts form"),
        ("period", 2024, "$.period", "must be a string"),
        ("period", "2024-H3", "$.period", "must be a period label such as 2024-H2"),
        ("selection", {"outlet_id": 3}, "$.selection",
         "must be an object with exactly the keys outlet_id, organisation_activity_id"),
        ("selection.outlet_id", "3", "$.selection.outlet_id",
         "must be a whole number of at least 0"),
        ("selection.organisation_activity_id", -1, "$.selection.organisation_activity_id",
         "must be a whole number of at least 0"),
        ("sessions", -1, "$.sessions", "must be a whole number of at least 0"),
        ("attendances", 4.0, "$.attendances", "must be a whole number of at least 0"),
        ("by_service_type", [["1", 2]], "$.by_service_type",
         "must map service type ids (digits) to counts"),
        ("by_service_type.x", 1, "$.by_service_type",
         "must map service type ids (digits) to counts"),
        # An Arabic-Indic one: a digit to str.isdigit, not to int() everywhere, nor ASCII.
        ("by_service_type.\u0661", 1, "$.by_service_type",
         "must map service type ids (digits) to counts"),
        ("by_service_type.10", -3, "$.by_service_type.10", "must be a whole number of at least 0"),
        ("policies", {"pairing": "first-last within case"}, "$.policies",
         "must be an object with exactly the keys pairing, outcome, priority_groups, clients"),
        ("policies.pairing", 7, "$.policies.pairing", "must be a string"),
        ("policies.outcome", "any", "$.policies.outcome",
         "must be a string (any-improved or improved-none-declined or mean-above-zero)"),
        ("policies.priority_groups", "atsi", "$.policies.priority_groups", "must be a list"),
        ("policies.priority_groups", ["atsi", 7], "$.policies.priority_groups[1]",
         "must be a string"),
        ("policies.clients", "person", "$.policies.clients",
         "must be a string (organisation or slk)"),
        ("extra", 1, "$", "must be an object with exactly the keys format, version, period, "
         "selection, policies, sessions, by_service_type, attendances, unidentified, "
         "clients_assisted, priority_groups, any_priority_group, goals, circumstances"),
    ],
)  # fmt: skip
def test_a_malformed_counts_form_names_the_place_and_the_rule(
    path: str, value: object, where: str, reason: str
) -> None:
    with pytest.raises(DexStructureError) as raised:
        KpiCounts.from_dict(_broken(path, value))
    assert raised.value.errors == ((where, reason),)
    assert str(raised.value) == f"cannot build KpiCounts: {where}: {reason}"


def test_a_counts_form_of_another_version_is_refused_with_the_rule() -> None:
    for version in (2, 0, "1", True, None):
        with pytest.raises(DexValueError) as raised:
            KpiCounts.from_dict({**COUNTS_PLAIN, "version": version})
        assert str(raised.value) == (
            "kpi: this dexcore reads version 1 of the dexcore.kpi.counts form; "
            "write it again with a matching dexcore [kpi.partial-version]"
        )
    with pytest.raises(DexStructureError) as broken:
        KpiCounts.from_dict([COUNTS_PLAIN])
    assert broken.value.errors == (
        ("$.format", "must be 'dexcore.kpi.counts': this is not a dexcore dexcore.kpi.counts form"),
    )


def test_only_periods_of_the_dex_scheme_have_a_plain_form() -> None:
    quarters = PeriodScheme(name="quarters", months=3, close_off_days=0, source="a test")
    q3 = ReportingPeriod.parse("2024-Q3", scheme=quarters)
    message = (
        "kpi: the plain-data form holds periods of the DEX six-monthly scheme only "
        "[kpi.partial-scheme]"
    )
    for form in (KpiPartial(period=q3), _counts(period=q3)):
        with pytest.raises(DexValueError) as raised:
            form.to_dict()
        assert str(raised.value) == message


# -- the partial's plain form -------------------------------------------------------------------


def test_a_malformed_partial_form_names_the_partial() -> None:
    data = _second_part().to_dict()
    # The only score entry: C1's Goals, [org, scope, type, domain, seen, first, last].
    assert data["scores"] == [
        [["org", "A", "C1"], [["A", "K1", "GOALS", "SKILLS", 1,
                               ["2024-07-01", "PRE", "K1", "S0", 2], None]]],
    ]  # fmt: skip
    data["scores"][0][1][0][5][0] = 20240701  # a date must be written as text
    with pytest.raises(DexStructureError) as raised:
        KpiPartial.from_dict(data)
    assert raised.value.target == "KpiPartial"
    where = "$.scores[0][1][0][5][0]"
    assert str(raised.value) == f"cannot build KpiPartial: {where}: must be a string"
