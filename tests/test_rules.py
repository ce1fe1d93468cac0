"""The rule engine and the DEX rule sets: every rule passes and fails where it should."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dexcore.errors import DexKeyError, DexValidationError, DexValueError, InvalidFieldError
from dexcore.model import (
    Assessment,
    AssessmentPhase,
    AtsiOrigin,
    Case,
    CaseClient,
    Client,
    ClientAssessment,
    Dataset,
    DomainScore,
    ExtendedDemographics,
    Gender,
    Month,
    Organisation,
    Outlet,
    OutletActivity,
    ParticipationType,
    ProgramActivity,
    ReasonForAssistance,
    Referral,
    ReferralType,
    ResidentialAddress,
    ScoreType,
    Session,
    SessionAssessment,
    SessionClient,
    State,
)
from dexcore.reference import bundled
from dexcore.rules import (
    DEX,
    RULESETS,
    SETS,
    Entity,
    Finding,
    KnownRecords,
    RecordRule,
    RuleInfo,
    RuleSet,
    Severity,
    Source,
    check,
    checker,
    ensure_valid,
)
from dexcore.rules.catalogue import catalogue_markdown
from dexcore.slk import generate
from dexcore.testing import strategies

DOCS = Path(__file__).resolve().parent.parent / "docs"
GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = dt.date(2024, 9, 1)

# Distinctive synthetic details: none may ever appear in a message.
GIVEN, FAMILY, BORN = "Quivera", "Zandorfel", dt.date(1971, 8, 23)
SECRETS = (
    GIVEN,
    FAMILY,
    "Zandorfel".upper(),
    "1971-08-23",
    "23081971",
    "23/08/1971",
    "Nowhere Lane",
)


def client(client_id: str, *, consent: bool = True, **changes: Any) -> Client:
    """A valid client; without consent it has an SLK and no names or street."""
    slk = generate(FAMILY, GIVEN, BORN, Gender.FEMALE)
    base = Client(
        client_id=client_id,
        consent_to_provide_details=consent,
        consented_for_future_contacts=False,
        given_name=GIVEN if consent else None,
        family_name=FAMILY if consent else None,
        slk=slk,
        birth_date=BORN,
        gender=Gender.FEMALE,
        country_of_birth="1101",
        language_spoken_at_home="1201",
        atsi_origin=AtsiOrigin.NO,
        residential_address=ResidentialAddress(
            suburb="Darwin",
            state=State.NT,
            postcode="0800",
            address_line1="4 Nowhere Lane" if consent else None,
        ),
    )
    return attrs.evolve(base, **changes)


def valid_dataset() -> Dataset:
    """A small dataset that breaks no rule of DEX + SETS on TODAY."""
    clients = [client("C1"), client("C2", consent=False)]
    case = Case(
        case_id="K1",
        outlet_activity_id=101,
        total_unidentified_clients=10,
        clients=[
            CaseClient(
                client_id="C1",
                referral_source="SELF",
                reasons_for_assistance=[ReasonForAssistance(code="HOUSING", is_primary=True)],
            ),
            CaseClient(client_id="C2"),
        ],
    )
    session = Session(
        session_id="S1",
        case_id="K1",
        session_date=dt.date(2024, 8, 5),
        service_type_id=1,
        clients=[
            SessionClient(
                client_id="C1",
                referrals=[Referral(referral_type=ReferralType.EXTERNAL, purposes=["HOUSING"])],
            ),
            SessionClient(client_id="C2", participation=ParticipationType.SUPPORT),
        ],
    )
    return Dataset(
        organisation=Organisation(
            name="Test Services",
            program_activities=[
                ProgramActivity(
                    organisation_activity_id=11,
                    name="Settlement Engagement and Transition Support",
                    service_type_ids=(1, 2, 10),
                )
            ],
        ),
        outlets=[
            Outlet(
                name="Hub",
                address=ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800"),
                activities=[
                    OutletActivity(
                        organisation_activity_id=11,
                        outlet_activity_id=101,
                        start_date=dt.date(2023, 7, 1),
                        end_date=dt.date(2026, 6, 30),
                    )
                ],
            )
        ],
        clients=clients,
        cases=[case],
        sessions=[session],
        client_assessments=[
            ClientAssessment(
                client_id="C1",
                case_id="K1",
                session_id="S1",
                assessments=[
                    Assessment(
                        score_type=ScoreType.CIRCUMSTANCES,
                        phase=AssessmentPhase.PRE,
                        scores=[DomainScore(domain="HOUSING", rating=2)],
                    )
                ],
            )
        ],
        session_assessments=[
            SessionAssessment(
                case_id="K1",
                session_id="S1",
                assessments=[
                    Assessment(
                        score_type=ScoreType.GROUP,
                        phase=AssessmentPhase.PRE,
                        scores=[DomainScore(domain="GROUPSKILLS", rating=3)],
                    )
                ],
            )
        ],
    )


def change(dataset: Dataset, collection: str, index: int, **changes: Any) -> Dataset:
    """``dataset`` with one record of ``collection`` changed."""
    records = list(getattr(dataset, collection))
    records[index] = attrs.evolve(records[index], **changes)
    replaced: dict[str, Any] = {collection: tuple(records)}
    return attrs.evolve(dataset, **replaced)


def without_activity_types(dataset: Dataset) -> Dataset:
    """``dataset`` whose organisation does not say which service types its activities offer."""
    organisation = dataset.organisation
    assert organisation is not None
    activities = [
        attrs.evolve(activity, service_type_ids=()) for activity in organisation.program_activities
    ]
    return attrs.evolve(
        dataset, organisation=attrs.evolve(organisation, program_activities=activities)
    )


def add(dataset: Dataset, collection: str, *records: Any) -> Dataset:
    """``dataset`` with records appended to ``collection``."""
    extended: dict[str, Any] = {collection: (*getattr(dataset, collection), *records)}
    return attrs.evolve(dataset, **extended)


def first_session(d: Dataset) -> Session:
    return d.sessions[0]


def first_case(d: Dataset) -> Case:
    return d.cases[0]


def with_referrals(d: Dataset, *referrals: Referral) -> Dataset:
    attendee = attrs.evolve(first_session(d).clients[0], referrals=referrals)
    return change(d, "sessions", 0, clients=(attendee, *first_session(d).clients[1:]))


def assessed(d: Dataset, *assessments: Assessment) -> Dataset:
    return change(d, "client_assessments", 0, assessments=assessments)


def rated(score_type: ScoreType, *scores: tuple[str, int], phase: str = "PRE") -> Assessment:
    return Assessment(
        score_type=score_type,
        phase=AssessmentPhase(phase),
        scores=[DomainScore(domain=d, rating=r) for d, r in scores],
    )


CIRC = ScoreType.CIRCUMSTANCES
Mutation = Callable[[Dataset], Dataset]

# (code, mutation that breaks exactly that rule, path of the issue)
FAILING: list[tuple[str, Mutation, str]] = [
    ("client.consent.names-without-consent",
     lambda d: change(d, "clients", 1, given_name=GIVEN), "$.clients[1].given_name"),
    ("client.consent.street-without-consent",
     lambda d: change(d, "clients", 1, residential_address=attrs.evolve(
         d.clients[1].residential_address, address_line2="Flat 2")),
     "$.clients[1].residential_address.address_line2"),
    ("client.consent.slk-missing", lambda d: change(d, "clients", 1, slk=None), "$.clients[1].slk"),
    ("client.consent.names-missing",
     lambda d: change(d, "clients", 0, family_name=None, slk=None), "$.clients[0].family_name"),
    ("client.slk.invalid", lambda d: change(d, "clients", 1, slk="ABC"), "$.clients[1].slk"),
    ("client.slk.mismatch",
     lambda d: change(d, "clients", 0, slk="TEEOH070619541"), "$.clients[0].slk"),
    ("client.birth-date.estimate-not-1-january",
     lambda d: change(d, "clients", 1, is_birth_date_an_estimate=True), "$.clients[1].birth_date"),
    ("client.id.reveals-identity",
     lambda d: change(d, "clients", 1, client_id="C-230871"), "$.clients[1].client_id"),
    ("client.id.looks-like-name",
     lambda d: change(d, "clients", 1, client_id="C-SARAH-7"), "$.clients[1].client_id"),
    ("case.id.reveals-identity",
     lambda d: change(d, "cases", 0, case_id="ZAND-1"), "$.cases[0].case_id"),
    ("case.id.looks-like-name",
     lambda d: change(d, "cases", 0, case_id="OLIVER-1"), "$.cases[0].case_id"),
    ("client.id.duplicate",
     lambda d: add(d, "clients", client("C1", consent=False)), "$.clients[2].client_id"),
    ("case.id.duplicate",
     lambda d: add(d, "cases", Case(case_id="K1", outlet_activity_id=101)), "$.cases[1].case_id"),
    ("session.id.duplicate",
     lambda d: add(d, "sessions", attrs.evolve(first_session(d))), "$.sessions[1].session_id"),
    ("session.id.reveals-identity",
     lambda d: change(d, "sessions", 0, session_id="S-ZAND-1"), "$.sessions[0].session_id"),
    ("session.case.unknown",
     lambda d: add(d, "sessions", attrs.evolve(first_session(d), case_id="K9", clients=())),
     "$.sessions[1].case_id"),
    ("case.client.unknown",
     lambda d: change(d, "cases", 0, clients=(*first_case(d).clients, CaseClient(client_id="C9"))),
     "$.cases[0].clients[2].client_id"),
    ("case.client.repeated",
     lambda d: change(d, "cases", 0, clients=(*first_case(d).clients, CaseClient(client_id="C2"))),
     "$.cases[0].clients[2].client_id"),
    ("session.client.unknown",
     lambda d: change(d, "sessions", 0, clients=(SessionClient(client_id="C9"),)),
     "$.sessions[0].clients[0].client_id"),
    ("session.client.not-in-case",
     lambda d: add(change(d, "cases", 0, clients=first_case(d).clients[:1]), "cases",
                   Case(case_id="K2", outlet_activity_id=101,
                        clients=[CaseClient(client_id="C2")])),
     "$.sessions[0].clients[1].client_id"),
    ("session.client.repeated",
     lambda d: change(d, "sessions", 0, clients=(*first_session(d).clients,
                                                 SessionClient(client_id="C1"))),
     "$.sessions[0].clients[2].client_id"),
    ("session.referral.type-repeated",
     lambda d: with_referrals(
         d, Referral(referral_type=ReferralType.EXTERNAL, purposes=["HOUSING"]),
         Referral(referral_type=ReferralType.EXTERNAL, purposes=["MONEY"])),
     "$.sessions[0].clients[0].referrals[1].referral_type"),
    ("session.referral.no-purpose",
     lambda d: with_referrals(d, Referral(referral_type=ReferralType.INTERNAL, purposes=[])),
     "$.sessions[0].clients[0].referrals[0].purposes"),
    ("client.disabilities.missing",
     lambda d: change(d, "clients", 0, has_disabilities=True), "$.clients[0].disabilities"),
    ("client.disabilities.unexpected",
     lambda d: change(d, "clients", 0, disabilities=("PHYSICAL",)), "$.clients[0].disabilities"),
    ("session.unidentified.above-case",
     lambda d: change(d, "sessions", 0, total_unidentified_clients=11),
     "$.sessions[0].total_unidentified_clients"),
    ("session.service-type.not-for-activity",
     lambda d: change(d, "sessions", 0, service_type_id=5), "$.sessions[0].service_type_id"),
    ("session.service-type.unlisted",
     lambda d: without_activity_types(change(d, "sessions", 0, service_type_id=7777)),
     "$.sessions[0].service_type_id"),
    ("client-assessment.count", assessed, "$.client_assessments[0].assessments"),
    ("session-assessment.count",
     lambda d: change(d, "session_assessments", 0, assessments=(
         rated(ScoreType.GROUP, ("GROUPSKILLS", 1)), rated(ScoreType.GROUP, ("GROUPSKILLS", 2),
                                                           phase="POST"),
         rated(ScoreType.GROUP, ("ORGSKILLS", 2)))),
     "$.session_assessments[0].assessments"),
    ("client-assessment.score-type",
     lambda d: assessed(d, rated(ScoreType.GROUP, ("GROUPSKILLS", 2))),
     "$.client_assessments[0].assessments[0].score_type"),
    ("session-assessment.score-type",
     lambda d: change(d, "session_assessments", 0,
                      assessments=(rated(ScoreType.GOALS, ("SKILLS", 2)),)),
     "$.session_assessments[0].assessments[0].score_type"),
    ("client-assessment.domain.wrong-type",
     lambda d: assessed(d, rated(ScoreType.GOALS, ("HOUSING", 2))),
     "$.client_assessments[0].assessments[0].scores[0].domain"),
    ("session-assessment.domain.wrong-type",
     lambda d: change(d, "session_assessments", 0,
                      assessments=(rated(ScoreType.GROUP, ("HOUSING", 2)),)),
     "$.session_assessments[0].assessments[0].scores[0].domain"),
    ("client-assessment.domain.unknown",
     lambda d: assessed(d, rated(CIRC, ("WELLNESS", 2))),
     "$.client_assessments[0].assessments[0].scores[0].domain"),
    ("session-assessment.domain.unknown",
     lambda d: change(d, "session_assessments", 0,
                      assessments=(rated(ScoreType.GROUP, ("VIBES", 2)),)),
     "$.session_assessments[0].assessments[0].scores[0].domain"),
    ("client-assessment.scores",
     lambda d: assessed(d, rated(CIRC, ("HOUSING", 2), ("HOUSING", 3))),
     "$.client_assessments[0].assessments[0].scores"),
    ("session-assessment.scores",
     lambda d: change(d, "session_assessments", 0, assessments=(rated(ScoreType.GROUP),)),
     "$.session_assessments[0].assessments[0].scores"),
    ("client-assessment.reference.unknown",
     lambda d: change(d, "client_assessments", 0, session_id="S9"),
     "$.client_assessments[0].session_id"),
    ("client-assessment.client.not-at-session",
     lambda d: change(d, "client_assessments", 0, client_id="C2"),
     "$.client_assessments[0].client_id"),
    ("session-assessment.session.unknown",
     lambda d: change(d, "session_assessments", 0, session_id="S9"),
     "$.session_assessments[0].session_id"),
    ("client-assessment.duplicate",
     lambda d: add(d, "client_assessments", d.client_assessments[0]),
     "$.client_assessments[1].client_id"),
    ("session-assessment.duplicate",
     lambda d: add(d, "session_assessments", d.session_assessments[0]),
     "$.session_assessments[1].session_id"),
    ("client-assessment.repeated",
     lambda d: assessed(d, rated(CIRC, ("HOUSING", 2)), rated(CIRC, ("MONEY", 2))),
     "$.client_assessments[0].assessments[1]"),
    ("client.birth-date.future",
     lambda d: change(d, "clients", 1, birth_date=dt.date(2024, 9, 2), slk=None),
     "$.clients[1].birth_date"),
    ("client.birth-date.before-1900",
     lambda d: change(d, "clients", 1, birth_date=dt.date(1899, 12, 31), slk=None),
     "$.clients[1].birth_date"),
    ("client.arrival.impossible",
     lambda d: change(d, "clients", 0, extended=ExtendedDemographics(
         first_arrival_year=1971, first_arrival_month=Month.JULY)),
     "$.clients[0].extended.first_arrival_year"),
    ("client.arrival.month-missing",
     lambda d: change(d, "clients", 0, extended=ExtendedDemographics(first_arrival_year=2022)),
     "$.clients[0].extended.first_arrival_month"),
    ("client.income.frequency-missing",
     lambda d: change(d, "clients", 0, extended=ExtendedDemographics(income_amount=400)),
     "$.clients[0].extended.income_frequency"),
    ("case.end-date.future",
     lambda d: change(d, "cases", 0, end_date=dt.date(2024, 9, 2)), "$.cases[0].end_date"),
    ("client.code.unknown",
     lambda d: change(d, "clients", 0, country_of_birth="9999"), "$.clients[0].country_of_birth"),
    ("client.code.unlisted",
     lambda d: change(d, "clients", 0, extended=ExtendedDemographics(homeless_indicator="NO")),
     "$.clients[0].extended.homeless_indicator"),
    ("case.code.unknown",
     lambda d: change(d, "cases", 0, clients=(attrs.evolve(first_case(d).clients[0],
                                                           exit_reason="BORED"),
                                              *first_case(d).clients[1:])),
     "$.cases[0].clients[0].exit_reason"),
    ("case.code.unlisted",
     lambda d: change(d, "cases", 0, clients=(attrs.evolve(
         first_case(d).clients[0],
         reasons_for_assistance=[ReasonForAssistance(code="EMPLOYMENT", is_primary=True)]),
         *first_case(d).clients[1:])),
     "$.cases[0].clients[0].reasons_for_assistance[0].code"),
    ("session.code.unknown",
     lambda d: change(d, "sessions", 0, service_setting="BEACH"), "$.sessions[0].service_setting"),
    ("session.code.unlisted",
     lambda d: with_referrals(d, Referral(referral_type=ReferralType.EXTERNAL,
                                          purposes=["EMPLOYMENT"])),
     "$.sessions[0].clients[0].referrals[0].purposes[0]"),
    ("client.not-stated",
     lambda d: change(d, "clients", 0, country_of_birth="0003"), "$.clients[*].country_of_birth"),
    ("session.date.closed-period",
     lambda d: change(d, "sessions", 0, session_date=dt.date(2024, 6, 30)),
     "$.sessions[0].session_date"),
    ("session.date.future",
     lambda d: change(d, "sessions", 0, session_date=dt.date(2024, 9, 2)),
     "$.sessions[0].session_date"),
    ("session.no-client",
     lambda d: add(d, "sessions", attrs.evolve(first_session(d), session_id="S2", clients=())),
     "$.sessions[1].clients"),
    ("sets.client.arrived-over-five-years-ago",
     lambda d: change(d, "clients", 0, extended=ExtendedDemographics(
         first_arrival_year=2019, first_arrival_month=Month.JULY)),
     "$.sessions[0].clients[0].client_id"),
    ("sets.unidentified.share",
     lambda d: change(d, "sessions", 0, total_unidentified_clients=1),
     "$.sessions[*].total_unidentified_clients"),
]  # fmt: skip

ALL = DEX + SETS


def issues_of(dataset: Dataset, ruleset: RuleSet = ALL) -> list[Any]:
    return list(check(dataset, ruleset, today=TODAY).issues)


def test_valid_dataset_breaks_nothing() -> None:
    assert issues_of(valid_dataset()) == []


#: Rules whose failing case needs more than a changed dataset, tested in test_messages.py.
FAILING_ELSEWHERE = ("session.service-type.unknown",)


def test_every_rule_has_a_failing_case() -> None:
    found = [code for code, _, _ in FAILING] + list(FAILING_ELSEWHERE)
    assert sorted(found) == sorted(ALL.codes)


@pytest.mark.parametrize(("code", "mutation", "path"), FAILING, ids=[c for c, _, _ in FAILING])
def test_rule_fails_with_exact_code_and_path(code: str, mutation: Mutation, path: str) -> None:
    issues = issues_of(mutation(valid_dataset()))
    matching = [issue for issue in issues if issue.code == code]
    assert matching, f"{code} did not fire; got {[i.code for i in issues]}"
    assert path in {issue.path for issue in matching}
    assert all(issue.severity is ALL.rule(code).info.severity for issue in matching)
    for issue in issues:
        for secret in SECRETS:
            assert secret not in issue.message
            assert issue.record.id is None or secret not in issue.record.id


# -- the registry ------------------------------------------------------------------------------


def test_registry_invariants() -> None:
    """Unique codes, a summary, a description and a source for every rule."""
    assert len(set(ALL.codes)) == len(ALL)
    for rule in ALL:
        info = rule.info
        assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", info.code)
        assert info.code.split(".")[0] in {
            "client", "case", "session", "client-assessment", "session-assessment", "sets",
        }  # fmt: skip
        assert info.summary.strip()
        assert not info.summary.endswith(".")
        assert len(info.description) > len(info.summary) / 2
        assert info.sources
        assert all(source.document for source in info.sources)
        assert isinstance(info.severity, Severity)
        assert "{" not in info.description


def test_catalogue_is_current() -> None:
    """docs/reference/rules.md is generated from the registry: regenerate it when this fails."""
    page = (DOCS / "reference" / "rules.md").read_text(encoding="utf-8")
    assert page == catalogue_markdown(), (
        "run: python -m dexcore.rules.catalogue > docs/reference/rules.md"
    )


def test_ruleset_composition_and_lookup() -> None:
    assert ALL.codes == (*DEX.codes, *SETS.codes)
    assert RULESETS["sets"].codes == ALL.codes
    assert ALL.rule("sets.unidentified.share").info.entity is Entity.SESSION
    smaller = DEX.without("client.id.looks-like-name")
    assert "client.id.looks-like-name" not in smaller.codes
    assert len(smaller) == len(DEX) - 1
    with pytest.raises(DexKeyError):
        DEX.rule("no.such-rule")
    with pytest.raises(DexKeyError):
        DEX.without("no.such-rule")
    with pytest.raises(DexValueError, match="registered twice"):
        _ = DEX + DEX


# -- the engine --------------------------------------------------------------------------------


def test_an_id_that_reveals_identity_is_left_out_of_every_issue() -> None:
    dataset = change(valid_dataset(), "clients", 0, client_id="ZANDORFEL-01", slk="WRONG")
    issues = [i for i in issues_of(dataset) if i.record.kind == "client" and i.record.index == 0]
    assert {i.code for i in issues} >= {"client.id.reveals-identity", "client.slk.invalid"}
    assert all(i.record.id is None for i in issues)
    # Other records keep their ids.
    other = issues_of(change(dataset, "clients", 1, slk=None))
    assert any(i.record.id == "C2" for i in other)


def test_a_failing_rule_is_reported_not_raised() -> None:
    def broken(_record: Any, _context: Any) -> Iterator[Finding]:
        raise ZeroDivisionError

    info = RuleInfo(
        code="client.broken",
        severity=Severity.WARNING,
        summary="Broken",
        description="Broken on purpose.",
        sources=(Source(document="test"),),
        entity=Entity.CLIENT,
    )
    report = check(
        valid_dataset(),
        RuleSet(name="t", version="1", rules=(RecordRule(info=info, check=broken),)),
        today=TODAY,
    )
    assert [i.code for i in report.issues] == ["engine.rule-failed"] * 2
    assert "client.broken" in report.issues[0].message


def test_rules_out_of_force_do_not_run() -> None:
    rule = ALL.rule("session.no-client")
    assert isinstance(rule, RecordRule)
    later = RecordRule(
        info=attrs.evolve(rule.info, in_force_from=dt.date(2025, 1, 1)), check=rule.check
    )
    dataset = FAILING[[c for c, _, _ in FAILING].index("session.no-client")][1](valid_dataset())
    assert check(dataset, RuleSet(name="t", version="1", rules=(later,)), today=TODAY).issues == ()
    assert check(dataset, RuleSet(name="t", version="1", rules=(later,)),
                 today=dt.date(2025, 1, 15)).issues  # fmt: skip


@pytest.mark.parametrize("chunk", [1, 2, 2_000])
def test_parallel_check_gives_the_serial_report(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """workers=2 shares the records with a forked process, chunk by chunk; the report must not
    change, however the chunks fall between the two processes."""
    monkeypatch.setattr(checker, "_CHUNK", chunk)
    dataset = valid_dataset()
    for code in (
        "client.consent.names-without-consent",
        "session.no-client",
        "session.date.closed-period",
        "client.not-stated",
        "case.id.duplicate",
    ):
        dataset = {c: m for c, m, _ in FAILING}[code](dataset)
    serial = check(dataset, ALL, today=TODAY)
    parallel = check(dataset, ALL, today=TODAY, workers=2)
    assert len(serial.issues) >= 5
    assert parallel.issues == serial.issues
    assert parallel == serial


def test_known_records_resolve_references() -> None:
    dataset = add(valid_dataset(), "sessions",
                  Session(session_id="S5", case_id="OLD-1", session_date=dt.date(2024, 8, 1),
                          service_type_id=1, clients=[SessionClient(client_id="C1")]))  # fmt: skip
    assert "session.case.unknown" in {i.code for i in issues_of(dataset)}
    for known in (KnownRecords(case_ids=frozenset({"OLD-1"})), KnownRecords(assume_all=True)):
        report = check(dataset, ALL, today=TODAY, known=known)
        assert "session.case.unknown" not in {i.code for i in report.issues}


def test_report_counts_and_json() -> None:
    dataset = FAILING[0][1](valid_dataset())
    report = check(dataset, ALL, today=TODAY)
    assert report.has_errors
    assert report.counts()[Severity.ERROR] == len(report.by_severity(Severity.ERROR))
    data = json.loads(report.to_json())
    assert data["counts"] == {"error": 1, "warning": 0, "info": 0}
    assert data["issues"][0] == {
        "code": "client.consent.names-without-consent",
        "severity": "error",
        "message": data["issues"][0]["message"],
        "record": {"kind": "client", "index": 1, "id": "C2"},
        "path": "$.clients[1].given_name",
    }
    assert data["by_code"] == {"client.consent.names-without-consent": 1}
    assert data["records"]["clients"] == 2


def test_ensure_valid() -> None:
    assert not ensure_valid(valid_dataset(), ALL, today=TODAY).issues
    with pytest.raises(DexValidationError) as caught:
        ensure_valid(change(valid_dataset(), "clients", 1, given_name=GIVEN), today=TODAY)
    error = caught.value
    assert isinstance(error, ValueError)
    assert "client.consent.names-without-consent" in str(error)
    assert GIVEN not in str(error)
    assert error.report.has_errors
    assert error.issues == error.report.issues


def test_example_report_golden() -> None:
    """The report on the bundled example, as a reviewable golden file."""
    from dexcore.io import dataset_from_json

    example = Path(__file__).resolve().parent.parent / "examples" / "example-dataset.json"
    report = check(
        dataset_from_json(example.read_bytes()), RULESETS["sets"], today=dt.date(2025, 1, 15)
    )
    golden = GOLDEN / "example-check.json"
    import os

    if os.environ.get("DEXCORE_UPDATE_GOLDEN"):
        golden.write_text(report.to_json() + "\n", encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == report.to_json() + "\n"


# -- properties --------------------------------------------------------------------------------

# Sessions in 2024-H2, still open on TODAY.
OPEN_DATASETS = strategies.datasets(
    max_clients=6, max_cases=3, first_day=dt.date(2024, 7, 1), last_day=dt.date(2024, 8, 31)
)


@given(OPEN_DATASETS)
def test_valid_generated_data_has_no_error(dataset: Dataset) -> None:
    report = check(dataset, ALL, today=TODAY)
    assert not report.has_errors, [
        (i.code, i.path) for i in report.issues if i.severity is Severity.ERROR
    ]


@given(OPEN_DATASETS, st.data())
def test_one_mutation_gives_exactly_its_error(dataset: Dataset, data: st.DataObject) -> None:
    """Drop a name under consent, break a reference, or move a date into a closed period."""
    consented = [n for n, c in enumerate(dataset.clients) if c.consent_to_provide_details]
    kinds = [
        kind
        for kind, possible in (
            ("drop-name", bool(consented)),
            ("break-reference", bool(dataset.cases)),
            ("close-period", bool(dataset.sessions)),
        )
        if possible
    ]
    if not kinds:
        return
    kind = data.draw(st.sampled_from(kinds))
    if kind == "drop-name":
        n = data.draw(st.sampled_from(consented))
        mutated = change(dataset, "clients", n, given_name=None)
        expected = ("client.consent.names-missing", f"$.clients[{n}].given_name")
    elif kind == "break-reference":
        stranger = CaseClient(client_id="Z99999")
        mutated = change(dataset, "cases", 0, clients=(stranger, *dataset.cases[0].clients))
        expected = ("case.client.unknown", "$.cases[0].clients[0].client_id")
    else:
        k = data.draw(st.integers(0, len(dataset.sessions) - 1))
        mutated = change(dataset, "sessions", k, session_date=dt.date(2023, 3, 1))
        expected = ("session.date.closed-period", f"$.sessions[{k}].session_date")
    before = {(i.code, i.path) for i in check(dataset, ALL, today=TODAY).issues}
    after = check(mutated, ALL, today=TODAY)
    new_errors = {(i.code, i.path) for i in after.issues if i.severity is Severity.ERROR} - before
    assert new_errors == {expected}


# -- messages that lead to the fix (more in test_messages.py) -----------------------------


def test_ids_that_occur_twice_are_told_apart() -> None:
    dataset = valid_dataset()
    twice = attrs.evolve(dataset, clients=(*dataset.clients, dataset.clients[0]))
    issues = [i for i in check(twice, today=TODAY).issues if i.code == "client.id.duplicate"]
    (issue,) = issues
    assert issue.record.index == len(dataset.clients)
    assert "(the first is client #0)" in issue.message


def test_unknown_open_code_names_the_reference_table() -> None:
    dataset = change(valid_dataset(), "clients", 0, country_of_birth="9998")
    (issue,) = [i for i in check(dataset, today=TODAY).issues if i.code == "client.code.unknown"]
    assert "Country reference table (such as" in issue.message
    assert "tables['Country']" in issue.message


def test_client_construction_says_codes_are_read_in_any_case() -> None:
    kwargs = {
        field.name: getattr(valid_dataset().clients[0], field.name)
        for field in attrs.fields(Client)
    }
    with pytest.raises(InvalidFieldError) as caught:
        Client(**(kwargs | {"atsi_origin": "no"}))
    message = str(caught.value)
    assert "AtsiOrigin(text) reads a code in any case" in message
    assert "(one of NO, ABORIGINAL, TSI, BOTH, NOTSTATED)" in message
    assert "a AtsiOrigin" not in message
    assert Client(**(kwargs | {"atsi_origin": AtsiOrigin("no")})).atsi_origin is AtsiOrigin.NO
    with pytest.raises(InvalidFieldError, match=r"Gender\(text\)"):
        Client(**(kwargs | {"gender": "female"}))
    assert Gender("female") is Gender.FEMALE
    with pytest.raises(InvalidFieldError, match=r"State\(text\)"):
        ResidentialAddress(suburb="Darwin", state="nt", postcode="0800")  # type: ignore[arg-type]


def test_a_bad_score_domain_names_the_type_s_domains() -> None:
    reference = bundled()
    wanted = {"client-assessment.domain.wrong-type", "client-assessment.domain.unknown"}
    seen = set()
    for code, mutation, _ in FAILING:
        if code not in wanted:
            continue
        for issue in check(mutation(valid_dataset()), today=TODAY).issues:
            if issue.code != code:
                continue
            found = re.search(r"; a (\w+) assessment rates (.+)$", issue.message)
            assert found is not None
            domains = reference.score_types[ScoreType(found.group(1))].domain_codes
            assert found.group(2) == ", ".join(sorted(domains))
            seen.add(code)
    assert seen == wanted


def test_service_type_outside_a_complete_list_is_an_error() -> None:
    dataset = without_activity_types(change(valid_dataset(), "sessions", 0, service_type_id=7777))
    complete = attrs.evolve(bundled(), service_types_complete=True)
    codes = [i.code for i in check(dataset, today=TODAY, reference=complete).issues]
    assert "session.service-type.unknown" in codes
    assert "session.service-type.unlisted" not in codes
    partial = [i for i in check(dataset, today=TODAY).issues if "service-type" in i.code]
    assert [i.code for i in partial] == ["session.service-type.unlisted"]
    assert "known to be incomplete (a second-hand 2025 cache)" in partial[0].message


def test_the_program_activity_decides_once() -> None:
    dataset = change(valid_dataset(), "sessions", 0, service_type_id=7777)
    codes = [i.code for i in check(dataset, today=TODAY).issues if "service-type" in i.code]
    assert codes == ["session.service-type.not-for-activity"]


def test_slk_mismatch_is_grammatical() -> None:
    dataset = valid_dataset()
    slk = dataset.clients[0].slk
    assert slk is not None
    wrong_sex = slk[:-1] + ("1" if slk[-1] != "1" else "2")
    issues = check(change(dataset, "clients", 0, slk=wrong_sex), today=TODAY).issues
    messages = [i.message for i in issues if "SLK does not match" in i.message]
    assert messages == ["the SLK does not match the client's details (its sex digit differs)"]
