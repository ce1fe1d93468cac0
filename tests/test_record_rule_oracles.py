"""Record rules worked by hand: referrals, SETS arrivals and shares, and their exact words.

The dataset is test_rules's: C1 (a client who consents) and C2 attend session S1 of case K1
on 5 August 2024, C1 as a client and C2 as a support person; the check is made on
1 September 2024.
"""

from __future__ import annotations

import datetime as dt

import attrs

from dexcore.model import (
    Dataset,
    ExtendedDemographics,
    Month,
    ParticipationType,
    Referral,
    ReferralType,
    SessionClient,
)
from dexcore.rules import check
from test_rules import ALL, TODAY, add, change, first_session, valid_dataset, with_referrals


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
