"""Record rules worked by hand: referrals, SETS arrivals and shares, and their exact words.

The dataset is test_rules's: C1 (a client who consents) and C2 attend session S1 of case K1
on 5 August 2024, C1 as a client and C2 as a support person; the check is made on
1 September 2024.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from dexcore.model import (
    Dataset,
    ExtendedDemographics,
    Month,
    ParticipationType,
    Referral,
    ReferralType,
    ScoreType,
    Session,
    SessionClient,
)
from dexcore.reference import ScoreTypeInfo, bundled
from dexcore.rules import check
from golden_files import GoldenCheck
from test_rules import (
    ALL,
    FAILING,
    GOLDEN,
    TODAY,
    add,
    assessed,
    change,
    client,
    first_case,
    first_session,
    issues_of,
    rated,
    valid_dataset,
    with_referrals,
    without_activity_types,
)


def _found(dataset: Dataset, code: str) -> list[tuple[str, str]]:
    return [
        (issue.path, issue.message)
        for issue in check(dataset, ALL, today=TODAY).issues
        if issue.code == code
    ]


def test_a_referral_without_purpose_word_for_word() -> None:
    dataset = with_referrals(
        valid_dataset(), Referral(referral_type=ReferralType.INTERNAL, purposes=[])
    )
    assert _found(dataset, "session.referral.no-purpose") == [
        ("$.sessions[0].clients[0].referrals[0].purposes", "a referral needs at least one purpose")
    ]


def test_a_second_referral_of_one_type_word_for_word() -> None:
    """One internal and one external referral are allowed; the second external is not."""
    dataset = with_referrals(
        valid_dataset(),
        Referral(referral_type=ReferralType.EXTERNAL, purposes=["HOUSING"]),
        Referral(referral_type=ReferralType.INTERNAL, purposes=["HOUSING"]),
        Referral(referral_type=ReferralType.EXTERNAL, purposes=["HOUSING"]),
    )
    assert _found(dataset, "session.referral.type-repeated") == [
        (
            "$.sessions[0].clients[0].referrals[2].referral_type",
            "more than one EXTERNAL referral for this session client",
        )
    ]


def _arrived(dataset: Dataset, index: int, year: int, month: Month | None) -> Dataset:
    extended = ExtendedDemographics(first_arrival_year=year, first_arrival_month=month)
    return change(dataset, "clients", index, extended=extended)


ARRIVED = "sets.client.arrived-over-five-years-ago"


def test_the_arrival_rule_looks_past_a_support_person_listed_first() -> None:
    """S1 lists C2 (support, arrived 2000) before C1 (client, arrived July 2019, which is more
    than five years before 5 August 2024): only C1, the second attendee, is flagged."""
    dataset = _arrived(valid_dataset(), 0, 2019, Month.JULY)
    dataset = _arrived(dataset, 1, 2000, Month.MARCH)
    attendees = first_session(dataset).clients
    dataset = change(dataset, "sessions", 0, clients=(attendees[1], attendees[0]))
    assert [path for path, _ in _found(dataset, ARRIVED)] == ["$.sessions[0].clients[1].client_id"]


def test_an_arrival_without_its_month_is_taken_as_january() -> None:
    """C1 arrived in 2019, month unknown: January, perhaps its 31st. Five years later is
    31 January 2024: a session on that day is within five years, one on 1 February 2024 is
    not. (Taking the month as February would let both pass.)"""
    dataset = _arrived(valid_dataset(), 0, 2019, None)
    s1 = first_session(dataset)
    only_c1 = (SessionClient(client_id="C1"),)
    dataset = change(dataset, "sessions", 0, session_date=dt.date(2024, 2, 1), clients=only_c1)
    dataset = add(
        dataset,
        "sessions",
        attrs.evolve(s1, session_id="S2", session_date=dt.date(2024, 1, 31), clients=only_c1),
    )
    assert _found(dataset, ARRIVED) == [
        (
            "$.sessions[0].clients[0].client_id",
            "this client first arrived in Australia more than five years before the session "
            "(fine for a community leader supporting recent arrivals)",
        )
    ]


def test_a_support_person_long_here_is_no_finding() -> None:
    """C2 (support) arrived in 2000; nobody else has an arrival: nothing to say."""
    dataset = _arrived(valid_dataset(), 1, 2000, Month.MARCH)
    assert first_session(dataset).clients[1].participation is ParticipationType.SUPPORT
    assert _found(dataset, ARRIVED) == []


def _share_dataset() -> Dataset:
    """Sessions of three half-years, listed 2023-H2 first, then 2024-H1, then 2023-H1."""
    dataset = valid_dataset()
    dataset = add(dataset, "clients", *(client(f"C{n}") for n in range(3, 8)))
    k1 = first_case(dataset)
    dataset = add(
        dataset,
        "cases",
        attrs.evolve(k1, case_id="K2", total_unidentified_clients=1),
        attrs.evolve(k1, case_id="K3"),
        attrs.evolve(k1, case_id="K5", total_unidentified_clients=9),
    )
    s1 = first_session(dataset)

    def session(
        session_id: str, case_id: str, day: dt.date, service: int, unidentified: int, *ids: str
    ) -> Session:
        return attrs.evolve(
            s1,
            session_id=session_id,
            case_id=case_id,
            session_date=day,
            service_type_id=service,
            total_unidentified_clients=unidentified,
            clients=tuple(SessionClient(client_id=i) for i in ids),
        )

    sessions = (
        session("S1", "K1", dt.date(2023, 10, 2), 1, 1, "C1", "C3", "C4"),
        session("S2", "K3", dt.date(2023, 11, 1), 10, 2, "C5", "C6", "C7"),
        session("S3", "K1", dt.date(2024, 3, 1), 1, 3, "C1"),
        session("S4", "K1", dt.date(2024, 4, 2), 1, 2, "C1"),
        session("S5", "K2", dt.date(2024, 5, 1), 1, 4, "C3"),
        session("S6", "K5", dt.date(2024, 5, 2), 1, 9),
        session("S7", "K3", dt.date(2024, 6, 3), 98, 3, "C5"),
        session("S8", "K1", dt.date(2023, 5, 1), 1, 1, "C1"),
    )
    return attrs.evolve(dataset, sessions=sessions)


def test_sets_unidentified_share_worked_by_hand() -> None:
    """Per half-year and kind of service (types 10 and 98: leaders represent communities):
    unidentified = for each case its largest session figure, capped by the case's own figure;
    everyone = that plus the identified clients (support persons aside).

    2023-H1, individuals: S8 has 1 unidentified and C1: 1 of 2, 50.0% > 5%.
    2023-H2, individuals: S1 has 1 unidentified and C1, C3, C4: 1 of 4, 25.0% > 5%.
    2023-H2, communities: S2 has 2 and C5, C6, C7: 2 of 5, exactly 40.0%, not above 40%.
    2024-H1, individuals: K1's largest figure is 3 (S3; S4 has 2), K2's is S5's 4 capped by
    the case's 1, and S6 (no client at all, refused by another rule) is left out: 3 + 1 = 4
    unidentified, with C1 and C3 identified: 4 of 6, 66.7% > 5%.
    2024-H1, communities: S7 has 3 and C5: 3 of 4, 75.0% > 40%.
    Reported in the order of the half-years, individuals before communities.
    """
    individuals, communities = "for individuals", "where leaders represent communities"

    def line(period: str, share: str, kind: str, counts: str, limit: str) -> str:
        return (
            f"in {period}, unidentified clients are {share}% of all clients of services {kind} "
            f"({counts}); SETS expects at most about {limit}%"
        )

    path = "$.sessions[*].total_unidentified_clients"
    assert _found(_share_dataset(), "sets.unidentified.share") == [
        (path, line("2023-H1", "50.0", individuals, "1 of 2", "5")),
        (path, line("2023-H2", "25.0", individuals, "1 of 4", "5")),
        (path, line("2024-H1", "66.7", individuals, "4 of 6", "5")),
        (path, line("2024-H1", "75.0", communities, "3 of 4", "40")),
    ]


def test_every_rule_s_words_for_its_failing_case_golden(golden: GoldenCheck) -> None:
    """What each rule says for the failing case of test_rules's table, as a reviewed golden
    file: a finding's message is what the user reads to fix the record, so a changed word is a
    changed rule. Each line: code, path, message."""
    lines = []
    for code, mutation, _ in FAILING:
        issues = issues_of(mutation(valid_dataset()))
        found = sorted((issue.path, issue.message) for issue in issues if issue.code == code)
        lines += [f"{code}\t{path}\t{message}" for path, message in found]
    golden(GOLDEN / "rule-messages.txt", "\n".join(lines) + "\n")


def _service_type_issues(dataset: Dataset, *, complete: bool) -> list[tuple[str, str, str]]:
    reference = attrs.evolve(bundled(), service_types_complete=complete)
    return [
        (issue.code, issue.path, issue.message)
        for issue in check(dataset, ALL, today=TODAY, reference=reference).issues
        if "service-type" in issue.code or issue.code == "engine.rule-failed"
    ]


def test_a_service_type_outside_a_complete_list_word_for_word() -> None:
    dataset = without_activity_types(change(valid_dataset(), "sessions", 0, service_type_id=7777))
    assert _service_type_issues(dataset, complete=True) == [
        (
            "session.service-type.unknown",
            "$.sessions[0].service_type_id",
            "service type 7777 is not a DSS service type; use one of your program activity's "
            "service types",
        )
    ]


@pytest.mark.parametrize("complete", [True, False])
def test_a_listed_service_type_is_fine_when_the_activity_names_none(complete: bool) -> None:
    """S1's service type 1 is in the bundled list; the activity lists no types of its own."""
    dataset = without_activity_types(valid_dataset())
    assert first_session(dataset).service_type_id in bundled().service_types
    assert _service_type_issues(dataset, complete=complete) == []


def test_a_session_of_a_case_outside_the_dataset_is_checked_against_the_list() -> None:
    """S1 moved to K9, a case only DEX knows: no program activity to ask, so the bundled list
    decides (7777 is not in it: a warning), and no activity rule fires."""
    dataset = change(valid_dataset(), "sessions", 0, case_id="K9", service_type_id=7777)
    found = _service_type_issues(dataset, complete=False)
    assert [(code, path) for code, path, _ in found] == [
        ("session.service-type.unlisted", "$.sessions[0].service_type_id")
    ]


def test_two_attendees_who_are_one_client() -> None:
    """C1 listed twice in S1 (and no one else): the second listing is the repeat."""
    dataset = change(
        valid_dataset(),
        "sessions",
        0,
        clients=(SessionClient(client_id="C1"), SessionClient(client_id="C1")),
    )
    assert _found(dataset, "session.client.repeated") == [
        (
            "$.sessions[0].clients[1].client_id",
            "the same client is listed more than once in this session",
        )
    ]


def test_a_later_assessment_or_score_is_checked_after_a_good_one() -> None:
    """C1's assessment record: a sound CIRCUMSTANCES assessment, then a GOALS one rating SKILLS
    twice and then, after a sound IMPACT, COHESION (a GROUP domain, not a GOALS one)."""
    dataset = assessed(
        valid_dataset(),
        rated(ScoreType.CIRCUMSTANCES, ("HOUSING", 2)),
        rated(ScoreType.GOALS, ("SKILLS", 1), ("SKILLS", 2)),
        rated(ScoreType.GOALS, ("IMPACT", 3), ("COHESION", 3), phase="POST"),
    )
    issues = check(dataset, ALL, today=TODAY).issues
    found = sorted((i.code, i.path) for i in issues if i.code.startswith("client-assessment."))
    assert found == [
        (
            "client-assessment.domain.wrong-type",
            "$.client_assessments[0].assessments[2].scores[1].domain",
        ),
        ("client-assessment.scores", "$.client_assessments[0].assessments[1].scores"),
    ]


def test_a_score_type_missing_from_the_reference_data_is_passed_over() -> None:
    """With reference data that lacks GOALS, C1's GOALS assessment is not judged, and the
    CIRCUMSTANCES one after it still is (COHESION is not a CIRCUMSTANCES domain)."""
    reference = bundled()
    types: dict[ScoreType, ScoreTypeInfo] = {
        kind: info for kind, info in reference.score_types.items() if kind is not ScoreType.GOALS
    }
    reference = attrs.evolve(reference, score_types=types)
    dataset = assessed(
        valid_dataset(),
        rated(ScoreType.GOALS, ("HOUSING", 1)),
        rated(ScoreType.CIRCUMSTANCES, ("COHESION", 2)),
    )
    issues = check(dataset, ALL, today=TODAY, reference=reference).issues
    assert [(i.code, i.path) for i in issues if "domain" in i.code] == [
        (
            "client-assessment.domain.wrong-type",
            "$.client_assessments[0].assessments[1].scores[0].domain",
        )
    ]


def _codes_and_paths(dataset: Dataset, prefix: str) -> list[tuple[str, str]]:
    issues = check(dataset, ALL, today=TODAY).issues
    return sorted(
        (i.code, i.path)
        for i in issues
        if i.code.startswith(prefix) or i.code == "engine.rule-failed"
    )


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # C1 was born in August 1971; the check is made in September 2024.
        (1970, ["first arrival in Australia is before the birth date"]),
        (1971, []),  # month unknown: perhaps after August
        (2024, []),  # month unknown: perhaps by September
        (2025, ["first arrival in Australia is after the day of the check"]),
    ],
)
def test_an_arrival_year_without_its_month(year: int, expected: list[str]) -> None:
    dataset = _arrived(valid_dataset(), 0, year, None)
    found = _found(dataset, "client.arrival.impossible")
    assert found == [("$.clients[0].extended.first_arrival_year", m) for m in expected]
    assert _found(dataset, "engine.rule-failed") == []


def test_a_birth_on_the_day_of_the_check_is_not_in_the_future() -> None:
    """Born on 1 September 2024, checked that day: not after it; born the next day: after."""
    today = change(valid_dataset(), "clients", 0, birth_date=TODAY)
    assert _found(today, "client.birth-date.future") == []
    tomorrow = change(valid_dataset(), "clients", 0, birth_date=TODAY + dt.timedelta(days=1))
    assert [path for path, _ in _found(tomorrow, "client.birth-date.future")] == [
        "$.clients[0].birth_date"
    ]


def test_an_assessed_client_unknown_word_for_word() -> None:
    dataset = change(valid_dataset(), "client_assessments", 0, client_id="C9")
    assert _found(dataset, "client-assessment.reference.unknown") == [
        (
            "$.client_assessments[0].client_id",
            "the assessed client is neither in this dataset nor known to exist in DEX",
        )
    ]


@pytest.mark.parametrize(
    ("domain", "code"),
    [
        ("HOUSING", "domain.wrong-type"),  # a CIRCUMSTANCES domain, not a GOALS one
        ("WELLNESS", "domain.unknown"),  # in no SCORE type at all
    ],
)
def test_a_domain_is_either_of_another_type_or_of_none(domain: str, code: str) -> None:
    """One rule for each: a known domain of another type is never also unknown, and an unknown
    domain is never also of the wrong type; for client and session records alike."""
    clients = assessed(valid_dataset(), rated(ScoreType.GOALS, (domain, 2)))
    assert _codes_and_paths(clients, "client-assessment.domain") == [
        (f"client-assessment.{code}", "$.client_assessments[0].assessments[0].scores[0].domain")
    ]
    sessions = change(
        valid_dataset(),
        "session_assessments",
        0,
        assessments=(rated(ScoreType.GROUP, (domain, 2)),),
    )
    assert _codes_and_paths(sessions, "session-assessment.domain") == [
        (f"session-assessment.{code}", "$.session_assessments[0].assessments[0].scores[0].domain")
    ]


def test_a_domain_rated_twice_is_named_only_when_it_is_a_dss_code() -> None:
    """HOUSING is a DSS domain, shown; WELLNESS is the caller's text, so the message says
    "a domain" (and the unknown-domain rule reports it too)."""
    known = assessed(
        valid_dataset(), rated(ScoreType.CIRCUMSTANCES, ("HOUSING", 1), ("HOUSING", 2))
    )
    unknown = assessed(
        valid_dataset(), rated(ScoreType.CIRCUMSTANCES, ("WELLNESS", 1), ("WELLNESS", 2))
    )
    path = "$.client_assessments[0].assessments[0].scores"
    assert _found(known, "client-assessment.scores") == [
        (path, "domain HOUSING is rated more than once in one assessment")
    ]
    assert _found(unknown, "client-assessment.scores") == [
        (path, "a domain is rated more than once in one assessment")
    ]
    group = change(
        valid_dataset(),
        "session_assessments",
        0,
        assessments=(rated(ScoreType.GROUP, ("COHESION", 1), ("COHESION", 3)),),
    )
    assert _found(group, "session-assessment.scores") == [
        (
            "$.session_assessments[0].assessments[0].scores",
            "domain COHESION is rated more than once in one assessment",
        )
    ]


def test_records_dated_on_the_day_of_the_check_are_not_in_the_future() -> None:
    """A session on 1 September 2024 and a case ending that day, checked that day: neither is
    after it; a day later, both are."""
    for days, expected in ((0, False), (1, True)):
        day = TODAY + dt.timedelta(days=days)
        dataset = change(valid_dataset(), "sessions", 0, session_date=day)
        dataset = change(dataset, "cases", 0, end_date=day)
        assert bool(_found(dataset, "session.date.future")) is expected
        assert bool(_found(dataset, "case.end-date.future")) is expected


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (Month.SEPTEMBER, []),  # the month of the check: not after it
        (Month.OCTOBER, ["first arrival in Australia is after the day of the check"]),
    ],
)
def test_an_arrival_in_the_year_of_the_check(month: Month, expected: list[str]) -> None:
    """The check is made in September 2024."""
    dataset = _arrived(valid_dataset(), 0, 2024, month)
    found = _found(dataset, "client.arrival.impossible")
    assert found == [("$.clients[0].extended.first_arrival_year", m) for m in expected]


def test_an_arrival_month_without_its_year_word_for_word() -> None:
    dataset = change(
        valid_dataset(), "clients", 0, extended=ExtendedDemographics(first_arrival_month=Month.MAY)
    )
    assert _found(dataset, "client.arrival.month-missing") == [
        ("$.clients[0].extended.first_arrival_year", "first arrival year is missing")
    ]


def test_every_code_of_a_client_is_checked_where_it_is() -> None:
    """A code outside each table a client's record draws on: an error where the table is
    complete (Country, Ancestry), a note where it is known in part (the others)."""
    extended = ExtendedDemographics(
        ancestry="9999",
        homeless_indicator="NOPE",
        education_level="NOPE",
        employment_status="NOPE",
        ndis_eligibility="NOPE",
    )
    dataset = change(
        valid_dataset(),
        "clients",
        0,
        country_of_birth="9999",
        language_spoken_at_home="9999",
        has_disabilities=True,
        disabilities=["FLYING"],
        extended=extended,
    )
    found = _codes_and_paths(dataset, "client.code.")
    unknown, unlisted = "client.code.unknown", "client.code.unlisted"
    assert found == sorted(
        [
            (unknown, "$.clients[0].country_of_birth"),
            (unlisted, "$.clients[0].language_spoken_at_home"),
            (unlisted, "$.clients[0].disabilities[0]"),
            (unknown, "$.clients[0].extended.ancestry"),
            (unlisted, "$.clients[0].extended.homeless_indicator"),
            (unlisted, "$.clients[0].extended.education_level"),
            (unlisted, "$.clients[0].extended.employment_status"),
            (unlisted, "$.clients[0].extended.ndis_eligibility"),
        ]
    )


def test_a_case_attendance_profile_outside_its_table() -> None:
    dataset = change(valid_dataset(), "cases", 0, client_attendance_profile="CROWD")
    assert _codes_and_paths(dataset, "case.code.") == [
        ("case.code.unknown", "$.cases[0].client_attendance_profile")
    ]


def test_a_session_whose_only_code_is_its_workshop() -> None:
    """No setting, no extra item, no referral: the workshop code alone is still checked."""
    dataset = change(
        valid_dataset(),
        "sessions",
        0,
        service_setting=None,
        extra_items=[],
        money_business_workshop="WRK99",
        clients=(SessionClient(client_id="C1"),),
    )
    assert _codes_and_paths(dataset, "session.code.") == [
        ("session.code.unknown", "$.sessions[0].money_business_workshop")
    ]


def test_not_stated_counts_worked_by_hand() -> None:
    """Three clients: two with country of birth not stated (0003), one with language not
    stated (0002). 2 of 3 is 66.7%, shown as 67%; 1 of 3 is 33.3%, shown as 33%."""
    dataset = add(valid_dataset(), "clients", client("C3"))
    dataset = change(dataset, "clients", 0, country_of_birth="0003")
    dataset = change(dataset, "clients", 2, country_of_birth="0003", language_spoken_at_home="0002")
    assert _found(dataset, "client.not-stated") == [
        ("$.clients[*].country_of_birth", "2 of 3 clients (67%) have country_of_birth not stated"),
        (
            "$.clients[*].language_spoken_at_home",
            "1 of 3 clients (33%) have language_spoken_at_home not stated",
        ),
    ]


def test_an_arrival_year_without_its_month_checked_in_january() -> None:
    """Checked on 15 January 2025, an arrival in 2025 with its month unknown may be in January:
    not after the day of the check."""
    dataset = _arrived(valid_dataset(), 0, 2025, None)
    issues = check(dataset, ALL, today=dt.date(2025, 1, 15)).issues
    assert [i.code for i in issues if i.code == "client.arrival.impossible"] == []
