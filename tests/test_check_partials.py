"""Checking in parts: any cut, any merge order and tree, the report of one check() on the whole."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dexcore.errors import DexStructureError, DexValueError
from dexcore.issues import KnownRecords
from dexcore.model import (
    COPY,
    AtsiOrigin,
    Case,
    CaseClient,
    Client,
    Dataset,
    Gender,
    ParticipationType,
    Positions,
    ResidentialAddress,
    Session,
    SessionAssessment,
    SessionClient,
    State,
    partition_by_case,
    positions_in,
)
from dexcore.reference import bundled
from dexcore.rules import (
    DEX,
    SETS,
    AggregateRule,
    CheckPartial,
    Entity,
    Finding,
    Issue,
    RecordRef,
    RecordRule,
    Report,
    RuleInfo,
    RuleSet,
    Severity,
    check,
    check_part,
    finish_check,
)
from dexcore.testing import strategies

TODAY = dt.date(2025, 3, 1)
RULESETS = st.sampled_from([DEX, DEX + SETS])
DATASETS = strategies.datasets(
    max_clients=6, max_cases=4, first_day=dt.date(2024, 1, 1), last_day=dt.date(2024, 12, 31)
)


# -- messy datasets: duplicates and references that do not resolve ---------------------------


def _insert(data: st.DataObject, items: tuple[Any, ...], extra: Any) -> tuple[Any, ...]:
    at = data.draw(st.integers(0, len(items)))
    return (*items[:at], extra, *items[at:])


@st.composite
def messy(draw: st.DrawFn) -> Dataset:
    """A generated dataset, then duplicates, orphans and unnamed clients put in at random."""
    dataset = draw(DATASETS)
    data = draw(st.data())
    fields = {e.value: getattr(dataset, e.value) for e in Entity}
    for name in ("clients", "cases", "sessions", "client_assessments", "session_assessments"):
        for _ in range(draw(st.integers(0, 2))):
            if fields[name]:
                # Sometimes the same object twice, sometimes an equal copy.
                record = draw(st.sampled_from(fields[name]))
                twin = record if draw(st.booleans()) else attrs.evolve(record)
                fields[name] = _insert(data, fields[name], twin)
    if draw(st.booleans()) and dataset.sessions:
        orphan = attrs.evolve(dataset.sessions[0], case_id="K-MISSING")
        fields["sessions"] = _insert(data, fields["sessions"], orphan)
    if draw(st.booleans()) and dataset.cases and dataset.cases[0].clients:
        stranger = attrs.evolve(dataset.cases[0].clients[0], client_id="C-MISSING")
        case = attrs.evolve(dataset.cases[0], clients=(*dataset.cases[0].clients, stranger))
        fields["cases"] = (case, *fields["cases"][1:])
    if draw(st.booleans()) and dataset.clients:
        alone = attrs.evolve(dataset.clients[-1], client_id="C-ALONE")
        fields["clients"] = _insert(data, fields["clients"], alone)
    return Dataset(**fields)


# -- cutting by hand: random owners, copies of what the owned records name --------------------


def _case_of(entity: Entity, record: Any) -> str | None:
    return None if entity in (Entity.CLIENT, Entity.OUTLET) else str(record.case_id)


def cut(
    dataset: Dataset, owners: dict[Entity, list[int]], parts: int
) -> list[tuple[Dataset, Positions]]:
    """Parts with the given owners, each holding copies of every record its own records name."""
    result = []
    for n in range(parts):
        owned = {e: {i for i, o in enumerate(owners[e]) if o == n} for e in Entity}
        held = {e: set(owned[e]) for e in Entity}
        records = {e: getattr(dataset, e.value) for e in Entity}
        case_ids = {_case_of(e, records[e][i]) for e in Entity for i in owned[e]} - {None}
        held[Entity.CASE] |= {i for i, c in enumerate(dataset.cases) if c.case_id in case_ids}
        scored = (Entity.CLIENT_ASSESSMENT, Entity.SESSION_ASSESSMENT)
        keys = {records[e][i].session_key for e in scored for i in owned[e]}
        held[Entity.SESSION] |= {i for i, s in enumerate(dataset.sessions) if s.key in keys}
        named = {c.client_id for i in held[Entity.CASE] for c in dataset.cases[i].clients}
        named |= {c.client_id for i in held[Entity.SESSION] for c in dataset.sessions[i].clients}
        named |= {dataset.client_assessments[i].client_id for i in owned[Entity.CLIENT_ASSESSMENT]}
        held[Entity.CLIENT] |= {i for i, c in enumerate(dataset.clients) if c.client_id in named}
        held[Entity.OUTLET] = set(range(len(dataset.outlets)))
        places = {e.value: [i if i in owned[e] else COPY for i in sorted(held[e])] for e in Entity}
        piece = {e.value: [records[e][i] for i in sorted(held[e])] for e in Entity}
        result.append((Dataset(**piece, organisation=dataset.organisation), Positions(**places)))
    return result


@st.composite
def owners(draw: st.DrawFn, dataset: Dataset, parts: int) -> dict[Entity, list[int]]:
    """Random owners: by case id, or record by record (a case's sessions then in several parts)."""
    by_case = draw(st.booleans())
    home = {c.case_id: draw(st.integers(0, parts - 1)) for c in dataset.cases}
    found: dict[Entity, list[int]] = {}
    for entity in Entity:
        found[entity] = []
        for record in getattr(dataset, entity.value):
            case_id = _case_of(entity, record)
            if by_case and case_id in home:
                found[entity].append(home[case_id])
            else:
                found[entity].append(
                    0 if entity is Entity.OUTLET else draw(st.integers(0, parts - 1))
                )
    return found


def merge_in_tree(partials: Sequence[CheckPartial], data: st.DataObject) -> CheckPartial:
    """Merge in a random order and a random tree: shuffle, then join random neighbours."""
    items = data.draw(st.permutations(partials))
    while len(items) > 1:
        at = data.draw(st.integers(0, len(items) - 2))
        items = [*items[:at], items[at].merge(items[at + 1]), *items[at + 2 :]]
    return items[0]


def assert_same_report(merged: Report, whole: Report) -> None:
    assert merged.issues == whole.issues
    assert (merged.ruleset, merged.today) == (whole.ruleset, whole.today)
    assert merged.records == whole.records
    assert merged.to_dict() == whole.to_dict()


# -- the property -------------------------------------------------------------------------------


@given(messy(), RULESETS, st.integers(1, 4), st.data())
def test_any_cut_and_merge_tree_gives_the_report_of_one_check(
    dataset: Dataset, rules: RuleSet, parts: int, data: st.DataObject
) -> None:
    whole = check(dataset, rules, today=TODAY)
    pieces = cut(dataset, data.draw(owners(dataset, parts)), parts)
    partials = [check_part(p, rules, today=TODAY, positions=places) for p, places in pieces]
    merged = merge_in_tree(partials, data)
    assert merge_in_tree(partials, data) == merged
    assert CheckPartial.merge_all(partials) == merged
    assert_same_report(merged.finish(rules), whole)
    # Through the plain-data form, as between processes.
    travelled = [CheckPartial.from_dict(json.loads(json.dumps(p.to_dict()))) for p in partials]
    assert_same_report(CheckPartial.merge_all(travelled).finish(rules), whole)


@given(messy(), RULESETS, st.integers(1, 5))
def test_partition_by_case_and_its_positions_give_the_report_of_one_check(
    dataset: Dataset, rules: RuleSet, parts: int
) -> None:
    pieces = partition_by_case(dataset, parts)
    places = positions_in(dataset, pieces)
    partials = [
        check_part(p, rules, today=TODAY, positions=pl)
        for p, pl in zip(pieces, places, strict=True)
    ]
    assert_same_report(
        finish_check(CheckPartial.merge_all(partials), rules), check(dataset, rules, today=TODAY)
    )


@given(DATASETS, st.integers(1, 4), st.data())
def test_a_clean_dataset_stays_clean_of_global_issues_whatever_the_cut(
    dataset: Dataset, parts: int, data: st.DataObject
) -> None:
    """The other direction: no duplicate, no unknown reference appears from cutting alone."""
    pieces = cut(dataset, data.draw(owners(dataset, parts)), parts)
    merged = CheckPartial.merge_all(check_part(p, today=TODAY, positions=pl) for p, pl in pieces)
    codes = {issue.code for issue in merged.finish().issues}
    assert not {code for code in codes if code.endswith((".duplicate", ".unknown"))}
    assert not codes & {"session.client.not-in-case", "client-assessment.reference.unknown"}


# -- the attacker's cases, by hand -------------------------------------------------------------


def _client(client_id: str, *, gender: Gender = Gender.NOTSTATED) -> Client:
    return Client(
        client_id=client_id,
        consent_to_provide_details=False,
        consented_for_future_contacts=False,
        slk="AAABB010119801",
        birth_date=dt.date(1980, 1, 1),
        gender=gender,
        atsi_origin=AtsiOrigin.NO,
        country_of_birth="1101",
        language_spoken_at_home="1201",
        residential_address=ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800"),
    )


def _case(case_id: str, *client_ids: str, unidentified: int = 0) -> Case:
    return Case(
        case_id=case_id,
        outlet_activity_id=1,
        total_unidentified_clients=unidentified,
        clients=[CaseClient(client_id=c) for c in client_ids],
    )


CLIENT = ParticipationType.CLIENT


def _session(session_id: str, case_id: str, *client_ids: str, unidentified: int = 0) -> Session:
    return Session(
        session_id=session_id, case_id=case_id, session_date=dt.date(2024, 8, 1),
        service_type_id=1, total_unidentified_clients=unidentified,
        clients=[SessionClient(client_id=c, participation=CLIENT) for c in client_ids],
    )  # fmt: skip


def _by_hand(dataset: Dataset, owners: dict[Entity, list[int]], rules: RuleSet = DEX) -> Report:
    parts = 1 + max((o for found in owners.values() for o in found), default=0)
    pieces = cut(
        dataset, {e: owners.get(e, [0] * len(getattr(dataset, e.value))) for e in Entity}, parts
    )
    partials = [check_part(p, rules, today=TODAY, positions=pl) for p, pl in pieces]
    merged = CheckPartial.merge_all(partials).finish(rules)
    assert_same_report(merged, check(dataset, rules, today=TODAY))
    return merged


def _codes(report: Report) -> list[tuple[str, int | None]]:
    return [
        (issue.code, issue.record.index)
        for issue in report.issues
        if issue.code.endswith(("duplicate", "unknown"))
    ]


def test_a_duplicate_session_split_across_parts_is_found_once_at_the_later_place() -> None:
    data = Dataset(
        clients=[_client("C1")],
        cases=[_case("K1", "C1")],
        sessions=[
            _session("S1", "K1", "C1"),
            _session("S2", "K1", "C1"),
            _session("S1", "K1", "C1"),
        ],
    )
    report = _by_hand(data, {Entity.SESSION: [0, 1, 2]})
    assert _codes(report) == [("session.id.duplicate", 2)]
    (found,) = [i for i in report.issues if i.code == "session.id.duplicate"]
    assert "the first is session #0" in found.message
    # Both directions: without the second S1, nothing, however it is cut.
    clean = attrs.evolve(data, sessions=data.sessions[:2])
    assert _codes(_by_hand(clean, {Entity.SESSION: [1, 0]})) == []


def test_a_duplicate_client_id_in_two_parts_and_its_copies_count_once() -> None:
    data = Dataset(
        clients=[_client("C1"), _client("C2"), _client("C1")],
        cases=[_case("K1", "C1"), _case("K2", "C1", "C2")],
    )
    report = _by_hand(data, {Entity.CLIENT: [0, 1, 1], Entity.CASE: [0, 1]})
    assert _codes(report) == [("client.id.duplicate", 2)]
    assert report.records["clients"] == 3
    # client.not-stated counts three client records, not the five the parts hold.
    (stated,) = [i for i in report.issues if i.code == "client.not-stated"]
    assert stated.message.startswith("3 of 3 clients")


def test_a_client_referenced_only_from_another_part_is_known() -> None:
    data = Dataset(
        clients=[_client("C1"), _client("C2")], cases=[_case("K1", "C1"), _case("K2", "C2")]
    )
    # C2 is owned by part 0, which has no case naming it; its case K2 is in part 1.
    report = _by_hand(data, {Entity.CLIENT: [1, 0], Entity.CASE: [0, 1]})
    assert _codes(report) == []
    # The other direction: a client no part holds is unknown, once.
    missing = attrs.evolve(data, clients=data.clients[:1])
    assert _codes(_by_hand(missing, {Entity.CASE: [0, 1]})) == [("case.client.unknown", 1)]


def test_a_session_whose_case_another_part_owns_is_checked_against_that_case() -> None:
    data = Dataset(
        clients=[_client("C1")],
        cases=[_case("K1", "C1", unidentified=2)],
        sessions=[_session("S1", "K1", "C1", unidentified=3), _session("S1", "K9", "C1")],
    )
    report = _by_hand(data, {Entity.SESSION: [1, 2]})
    assert ("session.unidentified.above-case", 0) in [
        (i.code, i.record.index) for i in report.issues
    ]
    assert _codes(report) == [("session.case.unknown", 1)]


def test_parts_with_no_clients_and_empty_parts_merge() -> None:
    data = Dataset(
        clients=[_client("C1")], cases=[_case("K1", "C1")], sessions=[_session("S1", "K1", "C1")]
    )
    # Part 1 holds a session and a copy of its case and client; part 2 holds nothing at all.
    pieces = [*cut(data, {e: [0] * len(getattr(data, e.value)) for e in Entity}, 1)]
    empty = check_part(Dataset(), today=TODAY)
    merged = CheckPartial.merge_all(
        [empty, *(check_part(p, today=TODAY, positions=pl) for p, pl in pieces)]
    )
    assert_same_report(merged.finish(), check(data, today=TODAY))


def test_sets_shares_add_up_across_parts() -> None:
    """5 unidentified next to 2 identified clients is 71%: flagged only when summed over parts."""
    data = Dataset(
        clients=[_client("C1"), _client("C2")],
        cases=[_case("K1", "C1", unidentified=5), _case("K2", "C2")],
        sessions=[_session("S1", "K1", "C1", unidentified=5), _session("S1", "K2", "C2")],
    )
    rules = DEX + SETS
    report = _by_hand(
        data, {Entity.CASE: [0, 1], Entity.SESSION: [0, 1], Entity.CLIENT: [0, 1]}, rules
    )
    (share,) = [i for i in report.issues if i.code == "sets.unidentified.share"]
    assert "(5 of 7)" in share.message
    # Two sessions of one case in two parts: the case's largest figure, 5, not 5 + 5.
    twice = attrs.evolve(
        data, sessions=[*data.sessions, _session("S2", "K1", "C1", unidentified=5)]
    )
    owners = {Entity.CASE: [0, 1], Entity.SESSION: [0, 1, 2], Entity.CLIENT: [0, 1]}
    (share,) = [
        i for i in _by_hand(twice, owners, rules).issues if i.code == "sets.unidentified.share"
    ]
    assert "(5 of 7)" in share.message
    # The other direction: no unidentified clients, no finding.
    calm = attrs.evolve(data, sessions=[_session("S1", "K1", "C1"), _session("S1", "K2", "C2")])
    calm_report = _by_hand(
        calm, {Entity.CASE: [0, 1], Entity.SESSION: [0, 1], Entity.CLIENT: [0, 1]}, rules
    )
    assert "sets.unidentified.share" not in {i.code for i in calm_report.issues}


def test_an_id_that_reveals_a_client_is_redacted_in_every_part() -> None:
    """The leak is found in part 0; the issue about the same id in part 1 loses the id too."""
    named = attrs.evolve(_client("AAABB-1980"), slk="AAABB010119801")
    data = Dataset(
        clients=[named],
        cases=[_case("K1", "AAABB-1980")],
        sessions=[_session("S1", "K1", "AAABB-1980")],
    )
    whole = check(data, today=TODAY)
    assert any(i.code == "client.id.reveals-identity" for i in whole.issues)
    report = _by_hand(data, {Entity.CLIENT: [0], Entity.CASE: [1], Entity.SESSION: [1]})
    assert all(issue.record.id != "AAABB-1980" for issue in report.issues)


# -- organisations ------------------------------------------------------------------------------


def test_organisations_sharing_ids_are_checked_apart() -> None:
    one = Dataset(clients=[_client("C1")], cases=[_case("K1", "C1")])
    other = Dataset(clients=[_client("C1"), _client("C1")], cases=[_case("K1", "C1")])
    partials = [
        check_part(one, today=TODAY, organisation="A"),
        check_part(other, today=TODAY, organisation="B"),
    ]
    merged = CheckPartial.merge_all(partials)
    reports = merged.reports()
    assert reports == {"A": check(one, today=TODAY), "B": check(other, today=TODAY)}
    assert _codes(reports["A"]) == []  # C1 and K1 of B are not duplicates of A's
    assert _codes(reports["B"]) == [("client.id.duplicate", 1)]
    with pytest.raises(DexValueError, match=r"^check: .*\[check\.partial-organisation\]$"):
        merged.finish()
    assert merged.finish(organisation="A") == reports["A"]


def test_every_organisations_report_is_finished_with_the_rule_set_given() -> None:
    """A partial checked with DEX + SETS finishes only with DEX + SETS, for every organisation."""
    one = Dataset(clients=[_client("C1")], cases=[_case("K1", "C1")])
    other = Dataset(clients=[_client("C1"), _client("C1")], cases=[_case("K1", "C1")])
    rules = DEX + SETS
    merged = CheckPartial.merge_all(
        [
            check_part(one, rules, today=TODAY, organisation="A"),
            check_part(other, rules, today=TODAY, organisation="B"),
        ]
    )
    reports = merged.reports(rules)
    assert reports == {"A": check(one, rules, today=TODAY), "B": check(other, rules, today=TODAY)}
    assert {report.ruleset for report in reports.values()} == {f"{rules.name} ({rules.version})"}
    with pytest.raises(DexValueError, match=r"\[check\.partial-mismatch\]$"):
        merged.reports()  # DEX alone is not the rule set the parts ran


# -- refusals -----------------------------------------------------------------------------------


def test_a_part_missing_a_client_another_part_holds_is_refused() -> None:
    data = Dataset(clients=[_client("C1")], cases=[_case("K1", "C1"), _case("K2", "C1")])
    whole = Positions.whole(data)
    alone = attrs.evolve(data, clients=(), cases=data.cases[1:])
    partials = [
        check_part(
            attrs.evolve(data, cases=data.cases[:1]),
            today=TODAY,
            positions=attrs.evolve(whole, cases=(0,)),
        ),
        check_part(alone, today=TODAY, positions=Positions(cases=(1,))),
    ]
    with pytest.raises(DexValueError, match=r"\[check\.part-incomplete\]$") as caught:
        CheckPartial.merge_all(partials).finish()
    assert "C1" not in str(caught.value)


def test_an_assessment_of_a_session_another_part_holds_is_refused() -> None:
    assessment = SessionAssessment(case_id="K1", session_id="S1", assessments=())
    data = Dataset(
        clients=[_client("C1")],
        cases=[_case("K1", "C1")],
        sessions=[_session("S1", "K1", "C1")],
        session_assessments=[assessment],
    )
    holder = check_part(
        attrs.evolve(data, session_assessments=()),
        today=TODAY,
        positions=attrs.evolve(Positions.whole(data), session_assessments=()),
    )
    alone = check_part(
        Dataset(session_assessments=[assessment]),
        today=TODAY,
        positions=Positions(session_assessments=(0,)),
    )
    with pytest.raises(DexValueError, match=r"^check: a part refers to sessions that only another"):
        CheckPartial.merge_all([holder, alone]).finish()
    # The other direction: the assessment with its session in one part finishes.
    assert check_part(data, today=TODAY).finish() == check(data, today=TODAY)


def test_two_parts_claiming_one_record_are_refused() -> None:
    data = Dataset(clients=[_client("C1"), _client("C2")])
    partial = check_part(data, today=TODAY)
    with pytest.raises(DexValueError, match=r"\[check\.partial-overlap\]$"):
        partial.merge(partial)
    # Parts without positions both start at place 0: refused, not mixed up.
    other = check_part(Dataset(clients=[_client("C3")]), today=TODAY)
    with pytest.raises(DexValueError, match=r"\[check\.partial-overlap\]$"):
        partial.merge(other)


def test_mismatched_partials_and_rule_sets_are_refused() -> None:
    data = Dataset(clients=[_client("C1")])
    partial = check_part(data, today=TODAY)
    with pytest.raises(DexValueError, match=r"\[check\.partial-mismatch\]$"):
        partial.merge(check_part(Dataset(), today=dt.date(2025, 3, 2)))
    with pytest.raises(DexValueError, match=r"\[check\.partial-mismatch\]$"):
        partial.merge(check_part(Dataset(), DEX + SETS, today=TODAY))
    with pytest.raises(DexValueError, match=r"\[check\.partial-mismatch\]$"):
        partial.finish(DEX + SETS)
    with pytest.raises(DexValueError, match=r"\[check\.partial-empty\]$"):
        CheckPartial.merge_all([])


def test_an_aggregate_rule_without_a_summary_is_refused() -> None:
    class Counting:
        def visit(self, record: object, index: int) -> None:
            pass

        def finish(self) -> list[Any]:
            return []

    info = RuleInfo(
        code="x.count",
        severity=Severity.INFO,
        summary="s",
        description="d",
        sources=(),
        entity=Entity.CLIENT,
    )
    rules = RuleSet(
        name="x", version="1", rules=(AggregateRule(info=info, start=lambda _c: Counting()),)
    )
    with pytest.raises(DexValueError, match=r"rule x\.count .*\[check\.partial-rule\]$"):
        check_part(Dataset(), rules, today=TODAY)


def test_a_summary_that_cannot_be_finished_is_a_failed_rule_not_a_traceback() -> None:
    """A foreign plain form whose not-stated counters lack the fields' counts reads (any names
    may be counted) but cannot finish client.not-stated: that rule is reported as failed, on
    the dataset, and the report goes on."""
    data = Dataset(clients=[_client("C1")], cases=[_case("K1", "C1")])
    plain = json.loads(json.dumps(check_part(data, today=TODAY).to_dict()))
    plain["organisations"][0][1]["not_stated"] = {"clients": 1}
    report = CheckPartial.from_dict(plain).finish()
    failed = [issue for issue in report.issues if issue.code == "engine.rule-failed"]
    assert failed == [
        Issue(
            code="engine.rule-failed",
            severity=Severity.ERROR,
            message="rule client.not-stated could not check this record; please report it to "
            "dexcore",
            record=RecordRef(kind="dataset"),
            path="$",
        )
    ]
    assert "client.not-stated" not in {issue.code for issue in report.issues}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (None, TODAY - dt.timedelta(days=1)),  # ended the day before the check
        (TODAY + dt.timedelta(days=1), None),  # starts the day after
    ],
)
def test_a_whole_collection_rule_out_of_force_on_the_day_is_not_finished(
    start: dt.date | None, end: dt.date | None
) -> None:
    rule = DEX.rule("client.not-stated")
    assert isinstance(rule, AggregateRule)
    info = attrs.evolve(rule.info, in_force_from=start, in_force_to=end)
    ended = AggregateRule(info=info, start=rule.start)
    rules = RuleSet(name="x", version="1", rules=(ended,))
    data = Dataset(clients=[_client("C1")])  # C1's gender is "not stated"
    assert check_part(data, rules, today=TODAY).finish(rules).issues == ()
    assert check(data, rules, today=TODAY).issues == ()
    # The other direction: in force on the day, C1's gender (the one field of C1 not stated,
    # in 1 client of 1) is reported once.
    in_force = RuleSet(name="x", version="1", rules=(rule,))
    finished = check_part(data, in_force, today=TODAY).finish(in_force)
    assert [(i.code, i.record.kind) for i in finished.issues] == [("client.not-stated", "dataset")]
    assert "gender" in finished.issues[0].message


@pytest.mark.parametrize(
    "positions",
    [Positions(clients=(0, 1)), Positions(), Positions(clients=(-2,))],
)
def test_positions_must_fit_the_part(positions: Positions) -> None:
    with pytest.raises(DexValueError, match=r"\[check\.positions\]$"):
        check_part(Dataset(clients=[_client("C1")]), today=TODAY, positions=positions)


def test_positions_in_refuses_foreign_records_and_lost_records() -> None:
    data = Dataset(clients=[_client("C1"), _client("C2")])
    with pytest.raises(DexValueError, match=r"\[partition\.positions\]$"):
        positions_in(data, [Dataset(clients=data.clients[:1])])
    with pytest.raises(DexValueError, match=r"\[partition\.positions\]$"):
        positions_in(data, [data, Dataset(clients=[_client("C3")])])
    # The first part holding a record owns it; the others hold copies.
    assert positions_in(data, [data, data]) == (
        Positions(clients=(0, 1)),
        Positions(clients=(COPY, COPY)),
    )


# -- the plain-data form ------------------------------------------------------------------------


def test_plain_form_round_trip_and_version() -> None:
    data = Dataset(clients=[_client("C1"), _client("C1")], cases=[_case("K1", "C1", "C9")])
    partial = check_part(data, today=TODAY, organisation="ORG")
    plain = json.loads(json.dumps(partial.to_dict()))
    assert plain["format"] == "dexcore.check.partial"
    assert plain["version"] == 1
    assert CheckPartial.from_dict(plain) == partial
    for version in (2, 0, "1", True, None):
        with pytest.raises(DexValueError, match=r"^check: .*\[check\.partial-version\]$"):
            CheckPartial.from_dict({**plain, "version": version})
    foreigns: list[object] = [{**plain, "format": "dexcore.kpi.partial"}, [], None, "x"]
    for foreign in foreigns:
        with pytest.raises(DexValueError, match=r"^check: .*\[check\.partial-format\]$"):
            CheckPartial.from_dict(foreign)


@pytest.mark.parametrize(
    ("where", "bad"),
    [
        (("today",), "1 March"),
        (("codes",), "dex"),
        (("organisations",), [["ORG"]]),
        (("organisations", 0, 1, "records", "clients"), -1),
        (("organisations", 0, 1, "keys", "clients", 0, 0), ["C1", "extra"]),
        (("organisations", 0, 1, "issues", 0, "severity"), "fatal"),
        (("organisations", 0, 1, "identified"), [["2024-H9", 0, []]]),
        # A tampered key is the caller's text: the path names its place, not the key.
        (("organisations", 0, 1, "not_stated"), {"SECRET-KEY": "SECRET"}),
    ],
)
def test_malformed_plain_forms_name_the_path_not_the_value(
    where: tuple[Any, ...], bad: object
) -> None:
    data = Dataset(
        clients=[_client("C-SECRET"), _client("C-SECRET")], cases=[_case("K1", "C-SECRET", "C9")]
    )
    plain = json.loads(json.dumps(check_part(data, today=TODAY).to_dict()))
    target = plain
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = bad
    with pytest.raises(DexStructureError) as caught:
        CheckPartial.from_dict(plain)
    message = str(caught.value)
    assert message.startswith("cannot build CheckPartial: $")
    assert "\n" not in message
    assert "SECRET" not in message


def test_an_unidentified_figure_of_0_is_malformed_not_a_failed_rule() -> None:
    """dexcore keeps only a case's figures above 0; a form holding a 0 was made elsewhere.

    Read, it would be a share of no client at all in a period with no identified client.
    """
    data = Dataset(clients=[_client("C1")], cases=[_case("K1", "C1")])
    plain = json.loads(json.dumps(check_part(data, DEX + SETS, today=TODAY).to_dict()))
    state = plain["organisations"][0][1]
    state["identified"], state["unidentified"] = [], [["2024-H2", 0, "K1", 0]]
    with pytest.raises(DexStructureError) as caught:
        CheckPartial.from_dict(plain)
    assert str(caught.value).startswith(
        "cannot build CheckPartial: $.organisations[0][1].unidentified[0][3]: must be a whole"
        " number of at least 1"
    )
    state["unidentified"] = [["2024-H2", 0, "K1", 1]]  # the other direction: 1 is read
    report = finish_check(CheckPartial.from_dict(plain), DEX + SETS)
    assert "engine.rule-failed" not in {issue.code for issue in report.issues}
    assert "sets.unidentified.share" in {issue.code for issue in report.issues}


def test_repr_holds_no_id() -> None:
    partial = check_part(
        Dataset(clients=[_client("C-SECRET")], cases=[_case("K-SECRET", "C-SECRET")]), today=TODAY
    )
    assert "SECRET" not in repr(partial)


# -- check_part's arguments and refusals, worked by hand ---------------------------------------


def _only(*rules: Any) -> RuleSet:
    return RuleSet(name="x", version="1", rules=rules)


def _boom(record: object, context: object) -> list[Finding]:
    raise ValueError("C-SECRET")


def test_a_record_rule_that_raises_is_a_failed_rule_at_the_records_place() -> None:
    """The session sits at place 5 of the whole input: the failure names place 5 and its id."""
    rule = DEX.rule("session.no-client")
    assert isinstance(rule, RecordRule)
    boom = RecordRule(info=attrs.evolve(rule.info, code="x.boom"), check=_boom)
    data = Dataset(sessions=[_session("S1", "K1")])
    partial = check_part(data, _only(boom), today=TODAY, positions=Positions(sessions=(5,)))
    assert partial.finish(_only(boom)).issues == (
        Issue(
            code="engine.rule-failed",
            severity=Severity.ERROR,
            message="rule x.boom could not check this record; please report it to dexcore",
            record=RecordRef(kind="session", index=5, id="S1"),
            path="$.sessions[5]",
        ),
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [(None, TODAY - dt.timedelta(days=1)), (TODAY + dt.timedelta(days=1), None)],
)
def test_a_record_rule_out_of_force_on_the_day_checks_nothing(
    start: dt.date | None, end: dt.date | None
) -> None:
    rule = DEX.rule("session.no-client")
    assert isinstance(rule, RecordRule)
    ended = RecordRule(
        info=attrs.evolve(rule.info, in_force_from=start, in_force_to=end), check=rule.check
    )
    data = Dataset(sessions=[_session("S1", "K1")])  # a session with no client
    assert check_part(data, _only(ended), today=TODAY).finish(_only(ended)).issues == ()
    # The other direction: in force, the session with no client is reported.
    found = check_part(data, _only(rule), today=TODAY).finish(_only(rule)).issues
    assert [(i.code, i.record.index) for i in found] == [("session.no-client", 0)]


def test_sessions_are_checked_when_no_rule_checks_clients_or_cases() -> None:
    """Only a session rule: the clients and cases have nothing to check, the sessions do."""
    rule = DEX.rule("session.no-client")
    data = Dataset(
        clients=[_client("C1")], cases=[_case("K1", "C1")], sessions=[_session("S1", "K1")]
    )
    found = check_part(data, _only(rule), today=TODAY).finish(_only(rule)).issues
    assert [(i.code, i.record.index) for i in found] == [("session.no-client", 0)]


def test_records_known_to_dex_are_known_to_a_part() -> None:
    """Case K1 names client C7, whom DEX holds already: nothing is unknown, as in check."""
    data = Dataset(cases=[_case("K1", "C7")])
    known = KnownRecords(client_ids=frozenset({"C7"}))
    report = check_part(data, today=TODAY, known=known).finish()
    assert report == check(data, today=TODAY, known=known)
    assert "case.client.unknown" not in {issue.code for issue in report.issues}
    # The other direction: without known, C7 is unknown.
    alone = check_part(data, today=TODAY).finish()
    assert "case.client.unknown" in {issue.code for issue in alone.issues}


def test_a_part_without_an_organisation_is_keyed_by_the_empty_name() -> None:
    assert list(check_part(Dataset(), today=TODAY).organisations) == [""]


def test_the_refusals_of_check_part_and_finish_in_these_words() -> None:
    with pytest.raises(DexValueError) as caught:
        check_part(Dataset(clients=[_client("C1")]), today=TODAY, positions=Positions())
    assert str(caught.value) == (
        "check: positions give one place per record of the part, each -1 (a copy) or at least 0"
        " [check.positions]"
    )
    partial = check_part(Dataset(), today=TODAY, organisation="A")
    with pytest.raises(DexValueError) as caught:
        partial.finish(DEX + SETS)
    assert str(caught.value) == (
        "check: finish with the rule set the parts were checked with [check.partial-mismatch]"
    )
    with pytest.raises(DexValueError) as caught:
        partial.finish(organisation="B")  # named, but not in the partial
    assert str(caught.value) == (
        "check: the partial holds 1 organisations; name one of them"
        " (see CheckPartial.organisations) [check.partial-organisation]"
    )


def test_a_parts_reference_data_is_the_one_given() -> None:
    """Service type 987 is in no list: with reference data that says its list is DSS's whole
    one, the type is unknown (an error); with the bundled list, which does not, it is only
    unlisted (a warning), as check says."""
    data = Dataset(sessions=[attrs.evolve(_session("S1", "K1"), service_type_id=987)])
    whole_list = attrs.evolve(bundled(), service_types_complete=True)
    given = check_part(data, today=TODAY, reference=whole_list).finish()
    assert given == check(data, today=TODAY, reference=whole_list)
    codes = {issue.code for issue in given.issues}
    assert "session.service-type.unknown" in codes
    assert "session.service-type.unlisted" not in codes
    default = {issue.code for issue in check_part(data, today=TODAY).finish().issues}
    assert "session.service-type.unlisted" in default
    assert "session.service-type.unknown" not in default
