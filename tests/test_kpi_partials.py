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
from dexcore.periods import ReportingPeriod
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
