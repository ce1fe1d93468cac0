"""The rule engine worked by hand: failing rules, rule sets, sources, what counts as known.

The dataset is test_rules's: clients C1 and C2, case K1, session S1 of K1 (attended by both),
checked on 1 September 2024.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs
import pytest

from dexcore.errors import DexKeyError, DexValidationError, DexValueError
from dexcore.issues import Issue, KnownRecords, RecordRef, Unreadable
from dexcore.model import Client, SessionClient
from dexcore.reference import bundled
from dexcore.rules import (
    DEX,
    AggregateRule,
    Entity,
    Finding,
    RecordRule,
    RuleInfo,
    RuleSet,
    Severity,
    Source,
    check,
    ensure_valid,
)
from dexcore.rules.checker import _chunks
from test_rules import TODAY, add, change, valid_dataset, without_activity_types


def _info(code: str, entity: Entity = Entity.CLIENT) -> RuleInfo:
    return RuleInfo(
        code=code,
        severity=Severity.WARNING,
        summary="made here",
        description="made here",
        sources=(),
        entity=entity,
    )


def _broken(client: Client, context: object) -> list[Finding]:
    raise RuntimeError("a bug in the rule")


class _BrokenAtTheEnd:
    def visit(self, record: object, index: int) -> None:
        """Sees the record."""

    def finish(self) -> Iterator[tuple[RecordRef | None, Finding]]:
        raise RuntimeError("a bug in the rule")


def test_a_rule_that_raises_is_reported_as_an_error_on_its_record() -> None:
    """A record rule failing on C1 and C2, and a whole-collection rule failing at its end."""
    rules = RuleSet(
        name="broken",
        version="here",
        rules=(
            RecordRule(info=_info("made.record"), check=_broken),
            AggregateRule(info=_info("made.aggregate"), start=lambda _: _BrokenAtTheEnd()),
        ),
    )
    issues = check(valid_dataset(), rules, today=TODAY).issues

    def failed(code: str, record: RecordRef, path: str) -> Issue:
        return Issue(
            code="engine.rule-failed",
            severity=Severity.ERROR,
            message=f"rule {code} could not check this record; please report it to dexcore",
            record=record,
            path=path,
        )

    assert issues == (
        failed("made.record", RecordRef(kind="client", index=0, id="C1"), "$.clients[0]"),
        failed("made.record", RecordRef(kind="client", index=1, id="C2"), "$.clients[1]"),
        failed("made.aggregate", RecordRef(kind="dataset"), "$"),
    )


def test_ensure_valid_checks_with_the_rules_reference_and_known_records_it_is_given() -> None:
    """A session S2 of case K9, which only DEX knows: an error unless the caller says DEX has
    it, or leaves out the rule; service type 7777 is an error only against a complete list."""
    dataset = valid_dataset()
    moved = add(
        dataset, "sessions", attrs.evolve(dataset.sessions[0], session_id="S2", case_id="K9")
    )
    with pytest.raises(DexValidationError):
        ensure_valid(moved, today=TODAY)
    ensure_valid(moved, today=TODAY, known=KnownRecords(case_ids=frozenset({"K9"})))
    ensure_valid(moved, DEX.without("session.case.unknown"), today=TODAY)
    no_types = without_activity_types(change(valid_dataset(), "sessions", 0, service_type_id=7777))
    ensure_valid(no_types, today=TODAY)  # the bundled list is incomplete: a warning
    with pytest.raises(DexValidationError):
        ensure_valid(
            no_types, today=TODAY, reference=attrs.evolve(bundled(), service_types_complete=True)
        )


@pytest.mark.parametrize(
    "known",
    [
        KnownRecords(client_ids=frozenset({"C9"})),
        KnownRecords(assume_all=True),
        KnownRecords(unreadable=Unreadable(client_ids=frozenset({"C9"}))),
    ],
    ids=["known", "assume-all", "unreadable"],
)
def test_a_client_outside_the_dataset_counts_as_known_each_way(known: KnownRecords) -> None:
    """C9 attends S1 besides C1: known to DEX, assumed known, or in a part that could not be
    read; each way, no unknown-client error (only that C9 is not attached to K1)."""
    dataset = change(
        valid_dataset(),
        "sessions",
        0,
        clients=(SessionClient(client_id="C1"), SessionClient(client_id="C9")),
    )
    codes = [i.code for i in check(dataset, today=TODAY).issues]
    assert "session.client.unknown" in codes
    codes = [i.code for i in check(dataset, today=TODAY, known=known).issues]
    assert "session.client.unknown" not in codes


def test_rule_sets_add_and_drop_rules_keeping_their_names() -> None:
    one = RuleSet(name="one", version="v1", rules=(RecordRule(info=_info("a.a"), check=_broken),))
    two = RuleSet(name="two", version="v2", rules=(RecordRule(info=_info("b.b"), check=_broken),))
    both = one + two
    assert (both.name, both.version, both.codes) == ("one+two", "v1; v2", ("a.a", "b.b"))
    fewer = both.without("a.a")
    assert (fewer.name, fewer.version, fewer.codes) == ("one+two", "v1; v2", ("b.b",))
    with pytest.raises(DexKeyError) as raised:
        both.rule("c.c")
    assert str(raised.value) == "unknown rule code 'c.c'"
    assert (raised.value.kind, raised.value.key) == ("rule code", "c.c")


@pytest.mark.parametrize(
    ("source", "text"),
    [
        (
            Source(document="Data Exchange Protocols", section="§6.2.1", version="v13"),
            "Data Exchange Protocols, §6.2.1, v13 [DSS]",
        ),
        (Source(document="dexcore", evidence="inferred"), "dexcore [inferred]"),
        (Source(document="A guide", version="2014"), "A guide, 2014 [DSS]"),
    ],
)
def test_a_source_reads_as_its_non_empty_parts_and_evidence(source: Source, text: str) -> None:
    assert str(source) == text


def test_a_parallel_check_cuts_each_collection_into_chunks_of_2000() -> None:
    """4001 clients: 0-1999, 2000-3999 and 4000 alone; then one chunk for each of the other
    collections, which hold one record each, in Entity order (cases, sessions, client and
    session assessments, outlets). An empty collection has no chunk."""
    dataset = valid_dataset()
    template = dataset.clients[0]
    extra = [attrs.evolve(template, client_id=f"X{n}") for n in range(4001 - 2)]
    dataset = add(dataset, "clients", *extra)
    one = range(1)
    assert _chunks(dataset) == [
        (Entity.CLIENT, range(2000)),
        (Entity.CLIENT, range(2000, 4000)),
        (Entity.CLIENT, range(4000, 4001)),
        (Entity.CASE, one),
        (Entity.SESSION, one),
        (Entity.CLIENT_ASSESSMENT, one),
        (Entity.SESSION_ASSESSMENT, one),
        (Entity.OUTLET, one),
    ]
    assert [entity for entity, _ in _chunks(attrs.evolve(dataset, outlets=()))][-1] is (
        Entity.SESSION_ASSESSMENT
    )


@pytest.mark.parametrize(
    "known",
    [
        KnownRecords(case_ids=frozenset({"K9"}), session_keys=frozenset({("K9", "S9")})),
        KnownRecords(assume_all=True),
        KnownRecords(
            unreadable=Unreadable(
                case_ids=frozenset({"K9"}), session_keys=frozenset({("K9", "S9")})
            )
        ),
    ],
    ids=["known", "assume-all", "unreadable"],
)
def test_a_case_and_session_outside_the_dataset_count_as_known_each_way(
    known: KnownRecords,
) -> None:
    """Session S2 of case K9, and C1's assessment at session S9 of K9: neither K9 nor S9 is in
    the dataset; known to DEX, assumed known, or in a part that could not be read, neither is
    reported unknown."""
    dataset = valid_dataset()
    dataset = add(
        dataset, "sessions", attrs.evolve(dataset.sessions[0], session_id="S2", case_id="K9")
    )
    dataset = change(dataset, "client_assessments", 0, case_id="K9", session_id="S9")
    unknown = {"session.case.unknown", "client-assessment.reference.unknown"}
    assert unknown <= {i.code for i in check(dataset, today=TODAY).issues}
    assert not unknown & {i.code for i in check(dataset, today=TODAY, known=known).issues}


def test_a_finding_about_a_record_without_an_id_field() -> None:
    """Outlets have no organisation-supplied id the engine names: the issue gives the place."""
    rule = RecordRule(
        info=_info("made.outlet", Entity.OUTLET),
        check=lambda outlet, context: [Finding(message="seen", field=".name")],
    )
    issues = check(
        valid_dataset(), RuleSet(name="o", version="v", rules=(rule,)), today=TODAY
    ).issues
    assert [(i.code, i.record, i.path) for i in issues] == [
        ("made.outlet", RecordRef(kind="outlet", index=0, id=None), "$.outlets[0].name")
    ]


@attrs.define
class _Idle:
    """An accumulator that knows its answer before it starts: it must not be fed."""

    fed: int = 0
    idle: bool = True

    def visit(self, record: object, index: int) -> None:
        self.fed += 1

    def finish(self) -> Iterator[tuple[RecordRef | None, Finding]]:
        yield None, Finding(message=f"fed {self.fed} records")


def test_an_idle_accumulator_is_not_fed_but_still_finishes() -> None:
    rule = AggregateRule(info=_info("made.idle"), start=lambda _: _Idle())
    busy = AggregateRule(info=_info("made.busy"), start=lambda _: _Idle(idle=False))
    issues = check(valid_dataset(), RuleSet(name="i", version="v", rules=(rule, busy)), today=TODAY)
    assert [(i.code, i.message) for i in issues.issues] == [
        ("made.idle", "fed 0 records"),
        ("made.busy", "fed 2 records"),  # C1 and C2
    ]


@pytest.mark.parametrize(
    ("start", "end", "applies"),
    [
        (TODAY, None, True),  # in force from the day of the check
        (None, TODAY, True),  # in force to the day of the check, that day included
        (TODAY + dt.timedelta(days=1), None, False),
        (None, TODAY - dt.timedelta(days=1), False),
    ],
)
def test_a_rule_applies_on_the_first_and_last_days_it_is_in_force(
    start: dt.date | None, end: dt.date | None, applies: bool
) -> None:
    info = attrs.evolve(_info("made.dated"), in_force_from=start, in_force_to=end)
    rule = RecordRule(info=info, check=lambda client, context: [Finding(message="seen")])
    issues = check(valid_dataset(), RuleSet(name="d", version="v", rules=(rule,)), today=TODAY)
    assert len(issues.issues) == (2 if applies else 0)  # one finding per client, C1 and C2


class _BrokenOnTheWay:
    def visit(self, record: object, index: int) -> None:
        if index == 1:
            raise RuntimeError("a bug in the rule")

    def finish(self) -> Iterator[tuple[RecordRef | None, Finding]]:
        yield from ()


def test_a_whole_collection_rule_that_raises_on_a_record_is_reported_there() -> None:
    """It fails on the second client, C2: one error there, the first client is untouched."""
    rule = AggregateRule(info=_info("made.visit"), start=lambda _: _BrokenOnTheWay())
    issues = check(valid_dataset(), RuleSet(name="v", version="v", rules=(rule,)), today=TODAY)
    assert [(i.code, i.severity, i.record, i.path, i.message) for i in issues.issues] == [
        (
            "engine.rule-failed",
            Severity.ERROR,
            RecordRef(kind="client", index=1, id="C2"),
            "$.clients[1]",
            "rule made.visit could not check this record; please report it to dexcore",
        )
    ]


@pytest.mark.parametrize(
    ("start", "applies"), [(TODAY, True), (TODAY + dt.timedelta(days=1), False)]
)
def test_a_whole_collection_rule_applies_from_its_first_day(start: dt.date, applies: bool) -> None:
    info = attrs.evolve(_info("made.dated"), in_force_from=start)
    rule = AggregateRule(info=info, start=lambda _: _Idle(idle=False))
    issues = check(valid_dataset(), RuleSet(name="d", version="v", rules=(rule,)), today=TODAY)
    assert [i.message for i in issues.issues] == (["fed 2 records"] if applies else [])


def test_a_check_shared_with_a_second_process_gives_the_same_report() -> None:
    """The parallel walk (where the system can fork) and the serial one agree, issue for
    issue, on a dataset with errors in several collections."""
    dataset = change(valid_dataset(), "clients", 1, slk=None, country_of_birth="0003")
    dataset = change(dataset, "cases", 0, end_date=TODAY + dt.timedelta(days=1))
    dataset = change(dataset, "sessions", 0, service_type_id=7777)
    dataset = change(dataset, "client_assessments", 0, client_id="C9")
    serial = check(dataset, today=TODAY)
    assert {i.code for i in serial.issues} >= {
        "client.consent.slk-missing",
        "client.not-stated",
        "case.end-date.future",
        "session.service-type.not-for-activity",
        "client-assessment.reference.unknown",
    }
    assert check(dataset, today=TODAY, workers=2) == serial


@pytest.mark.parametrize("workers", [0, -1, True, 1.5, "2"])
def test_workers_must_be_a_whole_number_of_at_least_one(workers: object) -> None:
    with pytest.raises(DexValueError) as raised:
        check(valid_dataset(), today=TODAY, workers=workers)  # type: ignore[arg-type]
    assert str(raised.value) == "check: workers must be a whole number, 1 or more"


def test_an_id_that_reveals_a_client_is_left_out_of_its_score_records_issues_too() -> None:
    """S1 renamed S-QUIV (four letters of C1's given name); its SCORE record, which names the
    session by that id, has no assessment: that issue leaves the id out as well."""
    dataset = change(valid_dataset(), "sessions", 0, session_id="S-QUIV")
    dataset = change(dataset, "client_assessments", 0, session_id="S-QUIV")
    dataset = change(dataset, "session_assessments", 0, session_id="S-QUIV", assessments=())
    issues = check(dataset, today=TODAY).issues
    about = [
        (i.code, i.record) for i in issues if i.record.kind in {"session", "session_assessment"}
    ]
    assert ("session.id.reveals-identity", RecordRef(kind="session", index=0)) in about
    assert ("session-assessment.count", RecordRef(kind="session_assessment", index=0)) in about
    assert all(record.id is None for _, record in about)
