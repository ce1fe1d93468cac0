"""The consent ledger's refusals and answers, word for word.

A case worker reads these messages and decision reasons (docs/howto/privacy.md, "A consent
ledger"): each names the rule and the fix, and never quotes the caller's text. The wording is
fixed here by hand, one line per refusal, so a change to any of them is a decision rather than
an accident. An error also carries the consent's own id (``ConsentError.consent_id``), as the
ledger stored it, for the caller's logs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from dexcore.errors import ConsentError, DexKeyError, DexValueError
from dexcore.privacy.consent import (
    DSS,
    Consent,
    ConsentLedger,
    DataCategory,
    Decision,
    GivenBy,
    Mode,
    Purpose,
    canonical_id,
)
from test_privacy_consent import DAY, NAMES, STREET, consent

ID_RULE = "must be 1 to 64 printable ASCII characters with no inner white space (after NFKC "
ID_RULE += "normalisation and stripping)"


def ledger_with(*consents: Consent) -> ConsentLedger:
    ledger = ConsentLedger()
    for item in consents:
        ledger.grant(item, recorded_on=item.given_on)
    return ledger


def ask(ledger: ConsentLedger, **changes: Any) -> Any:
    question: dict[str, Any] = {
        "subject": "K7Q2",
        "recipient": DSS,
        "purpose": Purpose.STORE_DETAILS_IN_DEX,
        "data": NAMES,
        "on": DAY,
        "organisation": "ORG1",
    }
    question.update(changes)
    return ledger.may_disclose(**question)


def on(day: int) -> dt.date:
    """``DAY`` plus ``day`` days (1 March 2025 is day 0)."""
    return DAY + dt.timedelta(days=day)


# -- a consent that cannot stand ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "rule", "consent_id", "reason"),
    [
        ({"consent_id": ""}, "consent.invalid-field", "", "consent_id must be non-blank text"),
        ({"consent_id": 5}, "consent.invalid-field", "", "consent_id must be non-blank text"),
        ({"subject": " "}, "consent.no-subject", "CN1", "subject must be named"),
        ({"organisation": ""}, "consent.no-organisation", "CN1", "organisation must be named"),
        ({"recipient": None}, "consent.no-recipient", "CN1", "recipient must be named"),
        # The four ids are checked as they are stored in canonical form, last of all.
        ({"subject": "K7 Q2"}, "consent.invalid-id", "", "subject " + ID_RULE),
        ({"organisation": "ORG\u200b1"}, "consent.invalid-id", "", "organisation " + ID_RULE),
        ({"recipient": "AGENCY 2"}, "consent.invalid-id", "", "recipient " + ID_RULE),
        ({"consent_id": "CN 1"}, "consent.invalid-id", "", "consent_id " + ID_RULE),
        (
            {"purpose": "store details"},
            "consent.no-purpose",
            "CN1",
            "purpose must be one of dexcore.privacy.consent.Purpose",
        ),
        (
            {"data": "no such category"},
            "consent.no-data",
            "CN1",
            "data must name at least one DataCategory",
        ),
        ({"given_on": None}, "consent.invalid-field", "CN1", "given_on must be a datetime.date"),
        (
            {"valid_from": None},
            "consent.invalid-field",
            "CN1",
            "valid_from must be a datetime.date",
        ),
        (
            {"valid_until": "2026-03-01"},
            "consent.invalid-field",
            "CN1",
            "valid_until must be a datetime.date",
        ),
        ({"decision": "permit"}, "consent.invalid-field", "CN1", "decision must be a Decision"),
        ({"mode": "express"}, "consent.invalid-field", "CN1", "mode must be a Mode"),
        ({"channel": "in person"}, "consent.invalid-field", "CN1", "channel must be a Channel"),
        ({"given_by": "subject"}, "consent.invalid-field", "CN1", "given_by must be a GivenBy"),
        (
            {"until_event": " "},
            "consent.invalid-field",
            "CN1",
            "until_event must be non-blank text or None",
        ),
        (
            {"valid_from": on(-1)},
            "consent.ends-before-start",
            "CN1",
            "valid_from must not be before given_on",
        ),
        (
            {"valid_until": on(-1)},
            "consent.ends-before-start",
            "CN1",
            "valid_until must not be before valid_from",
        ),
        (
            {"valid_until": None},
            "consent.no-end",
            "CN1",
            "a permit needs an end: valid_until or until_event",
        ),
        (
            {
                "mode": Mode.IMPLIED,
                "data": {NAMES, DataCategory.HEALTH_AND_DISABILITY, DataCategory.CRIMINAL_RECORD},
            },
            "consent.implied-sensitive",
            "CN1",
            # The sensitive categories only, in alphabetical order, never the names.
            "sensitive data (criminal-record, health-and-disability) needs express consent",
        ),
        (
            {"given_by": GivenBy.REPRESENTATIVE},
            "consent.representative-without-authority",
            "CN1",
            "consent given by a representative must state the representative's authority",
        ),
    ],
)
def test_each_refused_consent_says_why_in_these_words(
    changes: dict[str, Any], rule: str, consent_id: str, reason: str
) -> None:
    with pytest.raises(ConsentError) as caught:
        consent(**changes)
    assert str(caught.value) == f"consent: {reason} [{rule}]"
    assert (caught.value.rule, caught.value.consent_id, caught.value.reason) == (
        rule,
        consent_id,
        reason,
    )


def test_a_bad_id_outside_a_consent_is_called_an_identifier() -> None:
    with pytest.raises(ConsentError) as caught:
        canonical_id(" ")
    assert str(caught.value) == f"consent: identifier {ID_RULE} [consent.invalid-id]"
    assert caught.value.consent_id == ""


# -- an event the ledger refuses -------------------------------------------------------------


LATER = "recorded_on is before the latest event in the ledger; record events in the order they "
LATER += "are entered, each dated the day it is entered"


@pytest.mark.parametrize(
    ("act", "rule", "consent_id", "reason"),
    [
        (
            lambda led: led.grant(consent(consent_id="CN2"), recorded_on="2025-03-05"),
            "consent.invalid-field",
            "CN2",
            "recorded_on must be a date",
        ),
        (
            lambda led: led.grant(consent(consent_id="CN2"), recorded_on=on(-1)),
            "consent.recorded-out-of-order",
            "CN2",
            LATER,
        ),
        (
            lambda led: led.grant(consent(consent_id="CN2", given_on=on(9)), recorded_on=on(5)),
            "consent.recorded-before-given",
            "CN2",
            "a consent cannot be recorded before the day it was given",
        ),
        (
            lambda led: led.grant(consent(consent_id="cn1"), recorded_on=on(5)),
            "consent.duplicate-id",
            "cn1",
            "a consent with this id (in any case) is already recorded",
        ),
        # An end names the consent by the id the ledger stored, whatever spelling found it.
        (
            lambda led: led.withdraw("cn1", "2025-03-05", recorded_on=on(5)),
            "consent.invalid-field",
            "CN1",
            "on must be a date",
        ),
        (
            lambda led: led.withdraw("cn1", on(5), recorded_on=on(-1)),
            "consent.recorded-out-of-order",
            "CN1",
            LATER,
        ),
        (
            lambda led: led.expire("cn1", on(5), reason=" ", recorded_on=on(5)),
            "consent.invalid-field",
            "CN1",
            "an expiry needs a reason",
        ),
        (
            lambda led: led.withdraw("cn1", on(-1), recorded_on=on(5)),
            "consent.before-given",
            "CN1",
            "it cannot end before the day it was given",
        ),
    ],
)
def test_each_refused_event_says_why_in_these_words(
    act: Callable[[ConsentLedger], object], rule: str, consent_id: str, reason: str
) -> None:
    ledger = ledger_with(consent())
    with pytest.raises(ConsentError) as caught:
        act(ledger)
    assert str(caught.value) == f"consent: {reason} [{rule}]"
    assert (caught.value.rule, caught.value.consent_id) == (rule, consent_id)
    assert len(ledger) == 1


def test_bad_arguments_to_the_ledger_say_which_argument() -> None:
    ledger = ledger_with(consent())
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: ConsentLedger([object()]), "a ledger event must be Granted, Withdrawn or Expired"),  # type: ignore[list-item]
        (lambda: ledger.grant("CN1", recorded_on=DAY), "Granted must hold a Consent"),  # type: ignore[arg-type]
        (lambda: ledger.status("CN1", "2025-03-01"), "status: on must be a datetime.date"),  # type: ignore[arg-type]
        (
            lambda: ledger.consent("CN1", as_known_on="2025-03-01"),  # type: ignore[arg-type]
            "as_known_on must be a datetime.date or None",
        ),
        (lambda: ask(ledger, data=[]), "may_disclose: data must name at least one DataCategory"),
        (lambda: ask(ledger, on="2025-03-01"), "may_disclose: on must be a datetime.date"),
        (
            lambda: ask(ledger, purpose="store details"),
            "may_disclose: purpose must be one of dexcore.privacy.consent.Purpose",
        ),
        (lambda: ask(ledger, subject="K7 Q2"), f"consent: subject {ID_RULE} [consent.invalid-id]"),
        (
            lambda: ask(ledger, organisation=""),
            f"consent: organisation {ID_RULE} [consent.invalid-id]",
        ),
        (
            lambda: ask(ledger, recipient="D S S"),
            f"consent: recipient {ID_RULE} [consent.invalid-id]",
        ),
    ]
    for act, message in cases:
        with pytest.raises(DexValueError) as caught:
            act()
        assert str(caught.value) == message


@pytest.mark.parametrize("spelled", ["CN2", "CN 1", "", None])
def test_an_unknown_consent_is_only_called_unknown(spelled: object) -> None:
    # Neither the id nor why it is no id is told: the caller's text stays out of the message.
    ledger = ledger_with(consent())
    for act in (
        lambda: ledger.consent(spelled),  # type: ignore[arg-type]
        lambda: ledger.withdraw(spelled, on(5), recorded_on=on(5)),  # type: ignore[arg-type]
    ):
        with pytest.raises(DexKeyError) as caught:
            act()
        assert str(caught.value) == "unknown consent"
        assert caught.value.__cause__ is None


# -- decisions --------------------------------------------------------------------------------


def test_each_refusal_before_the_dates_says_what_is_missing() -> None:
    denial = consent(consent_id="D1", decision=Decision.DENY, data={STREET}, valid_until=None)
    ledger = ledger_with(consent(), denial)
    reasons = {
        "no client": ask(ledger, subject="Z9").reason,
        "no recipient": ask(ledger, recipient="AG2").reason,
        "no purpose": ask(ledger, purpose=Purpose.REFERRAL).reason,
        "denied": ask(ledger, data=STREET).reason,
    }
    assert reasons == {
        "no client": "no consent is recorded for this client of this organisation",
        "no recipient": "no consent of this client names this recipient",
        "no purpose": "no consent to this recipient covers the purpose share-for-referral",
        "denied": "the client refused this disclosure",
    }
    assert ask(ledger, data=STREET).consent_ids == ("D1",)


def test_a_refusal_with_no_usable_permit_says_which_kind() -> None:
    only_denial = ledger_with(consent(decision=Decision.DENY, data={STREET}, valid_until=None))
    assert ask(only_denial).reason == "no permit matches; only denials are recorded"
    other_case = ledger_with(consent(subject="k7q2"))
    assert ask(other_case).reason == (
        "the permits recorded spell the client, organisation or recipient id in another case; "
        "a permit counts only for the id exactly as recorded"
    )


def test_a_refusal_names_every_category_not_covered_in_order() -> None:
    ledger = ledger_with(consent(data={NAMES}))
    decision = ask(ledger, data={DataCategory.OUTCOMES, NAMES, STREET})
    assert decision.reason == "the active consents do not cover: outcomes, street-address"
    allowed = ask(ledger)
    assert (allowed.allowed, allowed.reason) == (True, "permitted by an active consent")


def test_no_permit_in_force_gives_each_permits_own_reason() -> None:
    # Worked by hand: A is withdrawn from 5 March; B ends by an event recorded for 10 March
    # (its own end date, 1 March 2026, is later: the earliest end wins); C starts 1 April.
    # On 20 March none is in force, each for its own reason, in the order they were granted.
    ledger = ledger_with(
        consent(consent_id="A"),
        consent(consent_id="B"),
        consent(consent_id="C", valid_from=on(31)),
    )
    ledger.withdraw("A", on(4), recorded_on=on(4))
    ledger.expire("B", on(9), reason="the case closed", recorded_on=on(9))
    assert ask(ledger, on=on(19)).reason == (
        "no consent is in force on that date (withdrawn on 2025-03-05; expired on 2025-03-10; "
        "not in force until 2025-04-01)"
    )
    # On the day B's end takes effect it is already over, and that day is the one given.
    assert ask(ledger, on=on(9)).reason == (
        "no consent is in force on that date (withdrawn on 2025-03-05; expired on 2025-03-10; "
        "not in force until 2025-04-01)"
    )


def test_an_expiry_by_its_own_dates_gives_its_last_day() -> None:
    # valid_until 3 March; a planned end event on 1 April has not come by 4 March.
    ledger = ledger_with(consent(valid_until=on(2)))
    ledger.expire("CN1", on(31), reason="planned", recorded_on=DAY)
    assert ask(ledger, on=on(3)).reason == (
        "no consent is in force on that date (expired on 2025-03-03)"
    )
