"""Consent ledger and the consent rules, worked by hand on one client.

The ledger answers for one organisation, one recipient and one day as known on a day
(docs/howto/privacy.md); the client-id rule names what an id gives away, in words fixed here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from dexcore.errors import ConsentError
from dexcore.privacy.consent import (
    DSS,
    Channel,
    Consent,
    ConsentLedger,
    ConsentStatus,
    DataCategory,
    Granted,
    Purpose,
    Withdrawn,
    canonical_id,
)
from dexcore.rules import check
from test_rules import ALL, TODAY, change, client, valid_dataset

DAY = dt.date(2025, 3, 1)


def _consent(recipient: str) -> Consent:
    return Consent(
        consent_id="CN1",
        subject="C1",
        organisation="ORG1",
        recipient=recipient,
        purpose=Purpose.STORE_DETAILS_IN_DEX,
        data={DataCategory.NAMES, DataCategory.STREET_ADDRESS},
        given_on=DAY,
        valid_until=DAY + dt.timedelta(days=365),
        channel=Channel.IN_PERSON,
    )


def test_apply_to_asks_for_its_recipient_and_as_known_on_its_day() -> None:
    ledger = ConsentLedger()
    ledger.grant(_consent("AG2"), recorded_on=DAY + dt.timedelta(days=2))
    person = client("C1")
    later = DAY + dt.timedelta(days=10)
    # Consent to AG2, not to DSS (the default recipient).
    assert ledger.apply_to(person, later, organisation="ORG1", recipient="AG2").given_name
    assert ledger.apply_to(person, later, organisation="ORG1").given_name is None
    # Recorded on 3 March: as known on 2 March there was none; on 3 March there was.
    known_before = ledger.apply_to(
        person, later, organisation="ORG1", recipient="AG2", as_known_on=DAY + dt.timedelta(1)
    )
    assert known_before.given_name is None
    assert not known_before.consent_to_provide_details
    known_then = ledger.apply_to(
        person, later, organisation="ORG1", recipient="AG2", as_known_on=DAY + dt.timedelta(2)
    )
    assert known_then.consent_to_provide_details


def test_a_consent_is_found_by_its_id_in_any_case() -> None:
    ledger = ConsentLedger()
    granted = ledger.grant(_consent(DSS), recorded_on=DAY)
    assert ledger.consent("CN1") == granted
    assert ledger.consent("cn1") == granted


@pytest.mark.parametrize("field", ["subject", "organisation"])
def test_listing_by_an_impossible_id_names_the_field(field: str) -> None:
    with pytest.raises(ConsentError) as caught:
        ConsentLedger().consents(**{field: "two words"})  # type: ignore[arg-type]
    assert caught.value.rule == "consent.invalid-id"
    assert f"{field} must be 1 to 64 printable ASCII characters" in str(caught.value)


CLEAN = (
    "the client id reveals who the client is ({}); DSS can see it, so replace it with an id "
    "that carries no personal information"
)


@pytest.mark.parametrize(
    ("client_id", "leaks"),
    [
        # Quivera Zandorfel, born 23 August 1971, female: SLK ANOUI230819712.
        ("X-ANOUI-7", "slk"),
        ("X-ANOUI-23081971", "birth-date, slk"),
    ],
)
def test_the_client_id_rule_says_what_the_id_reveals(client_id: str, leaks: str) -> None:
    dataset = valid_dataset()
    dataset = change(dataset, "clients", 1, client_id=client_id)  # C2: no consent, no names
    messages = [
        issue.message
        for issue in check(dataset, ALL, today=TODAY).issues
        if issue.code == "client.id.reveals-identity"
    ]
    assert messages == [CLEAN.format(leaks)]


NAMES_WITHOUT_CONSENT = (
    "{} is recorded but the client did not consent to providing details; remove it and send the SLK"
)


@pytest.mark.parametrize(
    ("names", "fields"),
    [
        ({"family_name": "Zandorfel"}, ["family_name"]),
        ({"given_name": "Quivera"}, ["given_name"]),
        ({"given_name": "Quivera", "family_name": "Zandorfel"}, ["given_name", "family_name"]),
        ({}, []),
    ],
)
def test_names_without_consent_name_each_name_sent(
    names: dict[str, str], fields: list[str]
) -> None:
    """Client C2 did not consent: each name recorded for it is one error, at its field."""
    dataset = change(valid_dataset(), "clients", 1, **names)
    found = [
        (issue.path, issue.message)
        for issue in check(dataset, ALL, today=TODAY).issues
        if issue.code == "client.consent.names-without-consent"
    ]
    assert found == [
        (f"$.clients[1].{field}", NAMES_WITHOUT_CONSENT.format(field)) for field in fields
    ]


# -- the ledger's edges, worked by hand ----------------------------------------------------------


def _day(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


def test_a_one_day_consent_holds_on_its_day_only() -> None:
    # valid_from = valid_until = 1 March: in force that day (both ends included), not the next.
    one_day = Consent(
        consent_id="CN1",
        subject="C1",
        organisation="ORG1",
        recipient=DSS,
        purpose=Purpose.STORE_DETAILS_IN_DEX,
        data={DataCategory.NAMES},
        given_on=DAY,
        valid_until=DAY,
        channel=Channel.IN_PERSON,
    )
    assert [one_day.in_force_by_dates(_day(n)) for n in (-1, 0, 1)] == [False, True, False]
    ledger = ConsentLedger([Granted(one_day, recorded_on=DAY)])
    asked: dict[str, Any] = {
        "recipient": DSS,
        "purpose": Purpose.STORE_DETAILS_IN_DEX,
        "organisation": "ORG1",
    }
    # A bare category name will do (the type asks for DataCategory, which is a str).
    assert ledger.may_disclose("C1", data="names", on=DAY, **asked)  # type: ignore[arg-type]
    assert not ledger.may_disclose("C1", data="names", on=_day(1), **asked)  # type: ignore[arg-type]


def test_a_consent_can_be_withdrawn_from_the_day_it_was_given() -> None:
    ledger = ConsentLedger()
    ledger.grant(_consent(DSS), recorded_on=DAY)
    withdrawn = ledger.withdraw("CN1", DAY, recorded_on=DAY, channel=Channel.TELEPHONE)
    assert withdrawn == Withdrawn("CN1", DAY, Channel.TELEPHONE, recorded_on=DAY)
    assert ledger.status("CN1", DAY) is ConsentStatus.WITHDRAWN
    assert list(ledger) == [Granted(_consent(DSS), recorded_on=DAY), withdrawn]


def test_a_permit_is_cited_only_for_the_data_it_covers() -> None:
    # A covers names, B street address; asking for names cites A alone, both cover both.
    ledger = ConsentLedger()
    for consent_id, data in (("A", DataCategory.NAMES), ("B", DataCategory.STREET_ADDRESS)):
        granted = attrs.evolve(_consent(DSS), consent_id=consent_id, data={data})
        ledger.grant(granted, recorded_on=DAY)
    asked: dict[str, Any] = {
        "recipient": DSS,
        "purpose": Purpose.STORE_DETAILS_IN_DEX,
        "organisation": "ORG1",
    }
    names = ledger.may_disclose("C1", data=DataCategory.NAMES, on=DAY, **asked)
    assert names.consent_ids == ("A",)
    both = ledger.may_disclose(
        "C1", data={DataCategory.NAMES, DataCategory.STREET_ADDRESS}, on=DAY, **asked
    )
    assert both.consent_ids == ("A", "B")


@pytest.mark.parametrize(
    ("spelled", "canonical"),
    # Printable ASCII runs from "!" (0x21) to "~" (0x7E), both included; DEL (0x7F) is not.
    [("!K7", "!K7"), ("K7~", "K7~"), ("!", "!"), ("~", "~"), ("K7\x7f", None), ("K\x1f7", None)],
)
def test_the_ends_of_printable_ascii(spelled: str, canonical: str | None) -> None:
    if canonical is None:
        with pytest.raises(ConsentError):
            canonical_id(spelled)
    else:
        assert canonical_id(spelled) == canonical
