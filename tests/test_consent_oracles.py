"""Consent ledger and the consent rules, worked by hand on one client.

The ledger answers for one organisation, one recipient and one day as known on a day
(docs/howto/privacy.md); the client-id rule names what an id gives away, in words fixed here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dexcore.errors import ConsentError
from dexcore.privacy.consent import DSS, Channel, Consent, ConsentLedger, DataCategory, Purpose
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
