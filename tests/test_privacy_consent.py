"""The consent ledger: complete consents only, exact matching, append-only history, fail closed.

The guarantees, each with the attack that should break it:

* a permit authorises a disclosure only for its exact client of its exact organisation, to its
  exact recipient; a denial stops every spelling of the same ids;
* the earliest recorded end of a consent wins, whatever order the ends were recorded in;
* ``as_known_on=d`` answers exactly as a ledger holding only the events recorded by ``d``, so a
  back-dated grant never changes what the ledger said before it was recorded;
* no message quotes an identifier or any other text the caller gave.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import itertools
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from dexcore.errors import ConsentError, DexKeyError, DexValueError
from dexcore.privacy import ConsentBasis
from dexcore.privacy.consent import (
    DSS,
    Channel,
    Consent,
    ConsentLedger,
    ConsentStatus,
    DataCategory,
    Decision,
    DisclosureDecision,
    Expired,
    GivenBy,
    Granted,
    Mode,
    Purpose,
    Withdrawn,
    canonical_id,
    fold_key,
)
from dexcore.testing import strategies

DAY = dt.date(2025, 3, 1)
NAMES = DataCategory.NAMES
STREET = DataCategory.STREET_ADDRESS
STORE = Purpose.STORE_DETAILS_IN_DEX


def consent(**changes: Any) -> Consent:
    fields: dict[str, Any] = {
        "subject": "K7Q2",
        "organisation": "ORG1",
        "recipient": DSS,
        "purpose": STORE,
        "data": {NAMES, STREET},
        "given_on": DAY,
        "valid_until": DAY + dt.timedelta(days=365),
        "channel": Channel.IN_PERSON,
        "consent_id": "CN1",
    }
    fields.update(changes)
    return Consent(**fields)


def ledger_with(*consents: Consent) -> ConsentLedger:
    """A ledger holding ``consents``, each recorded on the day it was given."""
    ledger = ConsentLedger()
    for item in consents:
        ledger.grant(item, recorded_on=item.given_on)
    return ledger


def ask(ledger: ConsentLedger, **changes: Any) -> DisclosureDecision:
    """``may_disclose`` for K7Q2 of ORG1 to DSS, names, on DAY, unless ``changes`` say otherwise."""
    question: dict[str, Any] = {
        "subject": "K7Q2",
        "recipient": DSS,
        "purpose": STORE,
        "data": NAMES,
        "on": DAY,
        "organisation": "ORG1",
    }
    question.update(changes)
    return ledger.may_disclose(**question)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


# -- the identifier rule ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelled", "canonical"),
    [
        ("DSS", "DSS"),
        ("  DSS\t", "DSS"),
        ("\u00a0DSS\u3000", "DSS"),  # no-break and ideographic spaces are white space too
        ("\uff24\uff33\uff33", "DSS"),  # full-width letters are the same id (NFKC)
        ("\ufb01le-7", "file-7"),  # a ligature is its letters (NFKC)
        ("dss", "dss"),  # case is kept: a different id with the same fold key
        ("x" * 64, "x" * 64),
    ],
)
def test_canonical_ids(spelled: str, canonical: str) -> None:
    assert canonical_id(spelled) == canonical


@pytest.mark.parametrize(
    "spelled",
    [
        "",
        "   ",
        "\u200b",  # only a zero-width space
        "C 1",  # inner white space is refused, not collapsed
        "C\t1",
        "C\u200b1",  # a zero-width space would make a second id that looks the same
        "\u04211",  # Cyrillic Es looks like C: refused rather than guessed at
        "\u0421\u0421",
        "x" * 65,
        None,
        7,
    ],
)
def test_ids_without_a_canonical_form_are_refused(spelled: object) -> None:
    with pytest.raises(ConsentError) as caught:
        canonical_id(spelled, "subject")
    assert caught.value.rule == "consent.invalid-id"
    assert "subject" in str(caught.value)


def test_fold_keys_meet_only_across_case() -> None:
    assert fold_key(canonical_id("Dss")) == fold_key(canonical_id(" DSS ")) == "dss"
    assert fold_key(canonical_id("DSS1")) != fold_key(canonical_id("DSS"))


# -- incomplete consents are refused ------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"recipient": ""}, "consent.no-recipient"),
        ({"recipient": "   "}, "consent.no-recipient"),
        ({"subject": ""}, "consent.no-subject"),
        ({"organisation": ""}, "consent.no-organisation"),
        ({"subject": "K7 Q2"}, "consent.invalid-id"),
        ({"subject": "\u041a7Q2"}, "consent.invalid-id"),  # Cyrillic Ka
        ({"organisation": "ORG\u200b1"}, "consent.invalid-id"),
        ({"recipient": "AGENCY 2"}, "consent.invalid-id"),
        ({"consent_id": "CN 1"}, "consent.invalid-id"),
        ({"consent_id": "C" * 65}, "consent.invalid-id"),
        ({"purpose": None}, "consent.no-purpose"),
        ({"purpose": "store-details"}, "consent.no-purpose"),
        ({"data": set()}, "consent.no-data"),
        ({"data": {"no such category"}}, "consent.no-data"),
        ({"valid_until": None}, "consent.no-end"),
        ({"valid_until": DAY - days(1)}, "consent.ends-before-start"),
        ({"valid_from": DAY - days(1)}, "consent.ends-before-start"),
        (
            {"mode": Mode.IMPLIED, "data": {NAMES, DataCategory.HEALTH_AND_DISABILITY}},
            "consent.implied-sensitive",
        ),
        (
            {"mode": Mode.IMPLIED, "data": {DataCategory.CULTURAL_ORIGIN}},
            "consent.implied-sensitive",
        ),
        ({"given_by": GivenBy.REPRESENTATIVE}, "consent.representative-without-authority"),
        (
            {"given_by": GivenBy.REPRESENTATIVE, "representative_authority": " "},
            "consent.representative-without-authority",
        ),
        ({"given_on": "2025-03-01"}, "consent.invalid-field"),
        ({"given_on": dt.datetime(2025, 3, 1, 9, 0)}, "consent.invalid-field"),  # noqa: DTZ001
        ({"channel": "in person"}, "consent.invalid-field"),
        ({"until_event": ""}, "consent.invalid-field"),
        ({"consent_id": ""}, "consent.invalid-field"),
    ],
)
def test_incomplete_consents_are_refused_with_their_rule(
    changes: dict[str, Any], rule: str
) -> None:
    with pytest.raises(ConsentError) as caught:
        consent(**changes)
    assert caught.value.rule == rule
    assert rule in str(caught.value)
    assert "K7Q2" not in str(caught.value)


def test_complete_consents_are_accepted() -> None:
    assert consent().is_permit
    assert consent(mode=Mode.IMPLIED).mode is Mode.IMPLIED  # implied is fine for names
    ended_by_event = consent(valid_until=None, until_event="the case closes")
    assert ended_by_event.valid_until is None
    denial = consent(decision=Decision.DENY, valid_until=None)  # a refusal needs no end
    assert not denial.is_permit
    by_guardian = consent(
        given_by=GivenBy.REPRESENTATIVE, representative_authority="guardianship order"
    )
    assert by_guardian.given_by is GivenBy.REPRESENTATIVE
    assert consent(data=NAMES).data == frozenset({NAMES})
    assert consent(data=["names"]).data == frozenset({NAMES})
    assert consent().valid_from == DAY
    assert len(Consent(**{**attrs.asdict(consent(), recurse=False), "consent_id": "X"}).consent_id)


def test_consents_store_their_ids_in_canonical_form() -> None:
    stored = consent(
        subject=" \uff2b7Q2 ", organisation="ORG1\t", recipient="\u3000DSS", consent_id=" CN1"
    )
    assert (stored.subject, stored.organisation, stored.recipient, stored.consent_id) == (
        "K7Q2",
        "ORG1",
        "DSS",
        "CN1",
    )
    assert consent(subject="k7q2").subject == "k7q2"  # case is kept


def test_consent_ids_are_generated_when_not_given() -> None:
    fields = attrs.asdict(consent(), recurse=False)
    del fields["consent_id"]
    first, second = Consent(**fields), Consent(**fields)
    assert first.consent_id != second.consent_id


# -- may_disclose matches person, organisation, agency, purpose and time ------------------------


def test_disclosure_needs_all_five_to_match() -> None:
    ledger = ledger_with(consent())
    assert ask(ledger, data={NAMES, STREET})
    assert ask(ledger, on=DAY + days(365))
    refusals = {
        "other person": ask(ledger, subject="Z9"),
        "other organisation": ask(ledger, organisation="ORG2"),
        "other agency": ask(ledger, recipient="AGENCY2"),
        "other purpose": ask(ledger, purpose=Purpose.REFERRAL),
        "before": ask(ledger, on=DAY - days(1)),
        "after": ask(ledger, on=DAY + days(366)),
        "other data": ask(ledger, data={NAMES, DataCategory.OUTCOMES}),
    }
    for what, decision in refusals.items():
        assert not decision, what
        assert decision.reason, what
        assert "K7Q2" not in decision.reason
    assert "not cover: outcomes" in refusals["other data"].reason
    assert "expired on 2026-03-01" in refusals["after"].reason
    assert "of this organisation" in refusals["other organisation"].reason


def test_pending_consents_and_their_reason() -> None:
    later = DAY + days(10)
    ledger = ledger_with(consent(valid_from=later, valid_until=later + days(5)))
    decision = ask(ledger)
    assert not decision
    assert "not in force until 2025-03-11" in decision.reason
    assert ledger.status("CN1", DAY) is ConsentStatus.PENDING
    assert ledger.status("CN1", later) is ConsentStatus.ACTIVE


def test_two_permits_can_cover_the_data_together_and_a_denial_wins() -> None:
    ledger = ledger_with(
        consent(consent_id="A", data={NAMES}), consent(consent_id="B", data={STREET})
    )
    both = ask(ledger, data={NAMES, STREET})
    assert both
    assert set(both.consent_ids) == {"A", "B"}
    ledger.grant(
        consent(consent_id="D", decision=Decision.DENY, data={STREET}, valid_until=None),
        recorded_on=DAY,
    )
    refused = ask(ledger, data={NAMES, STREET})
    assert not refused
    assert refused.consent_ids == ("D",)
    assert ask(ledger, data=NAMES)


def test_bad_questions_are_clear_errors() -> None:
    ledger = ledger_with(consent())
    with pytest.raises(DexValueError, match="at least one"):
        ask(ledger, data=[])
    with pytest.raises(DexValueError, match=r"datetime\.date"):
        ask(ledger, on="2025-03-01")
    with pytest.raises(DexValueError, match="as_known_on"):
        ask(ledger, as_known_on="2025-03-01")
    for purpose in ("store details", ["store-details-in-dex"], None):
        with pytest.raises(DexValueError, match="purpose"):
            ask(ledger, purpose=purpose)
    assert ask(ledger, purpose="store-details-in-dex")  # a Purpose's own value will do
    for field in ("subject", "organisation", "recipient"):
        with pytest.raises(ConsentError) as caught:
            ask(ledger, **{field: " "})
        assert caught.value.rule == "consent.invalid-id"
        assert field in str(caught.value)
    with pytest.raises(DexKeyError):
        ledger.status("nope", DAY)
    with pytest.raises(DexValueError):
        ledger.status("CN1", "2025-03-01")  # type: ignore[arg-type]


# -- organisations: a client id is unique only within its organisation -------------------------


def test_a_consent_never_authorises_another_organisations_client() -> None:
    ledger = ledger_with(consent(data={NAMES, STREET, DataCategory.CONTACT_DETAILS}))
    ledger.grant(
        consent(
            consent_id="CN2",
            purpose=Purpose.CONTACT_FOR_RESEARCH,
            data={DataCategory.CONTACT_DETAILS},
        ),
        recorded_on=DAY,
    )
    assert ask(ledger, organisation="ORG1")
    assert not ask(ledger, organisation="ORG2")
    flags = ledger.dex_flags("K7Q2", DAY, organisation="ORG2")
    assert not flags.consent_to_provide_details
    assert not flags.consented_for_future_contacts
    assert ledger.dex_flags("K7Q2", DAY, organisation="ORG1").consented_for_future_contacts
    assert ledger.consents("K7Q2", organisation="ORG2") == ()
    assert [c.consent_id for c in ledger.consents("K7Q2", organisation="org1")] == ["CN1", "CN2"]


BASES = ("ORG1", "ORG2", "ORG10", "0RG1")


@given(
    asked=st.sampled_from(BASES[1:]),
    lower=st.booleans(),
    dress=st.integers(0, 3),
    purpose=st.sampled_from(Purpose),
    data=st.sets(st.sampled_from(DataCategory), min_size=1, max_size=3),
    offset=st.integers(-5, 400),
)
def test_no_spelling_of_another_organisation_is_authorised(
    asked: str, lower: bool, dress: int, purpose: Purpose, data: set[DataCategory], offset: int
) -> None:
    everything = frozenset(DataCategory)
    ledger = ledger_with(
        *(
            consent(consent_id=f"P{n}", purpose=item, data=everything)
            for n, item in enumerate(Purpose)
        )
    )
    on = DAY + days(offset)
    spelled = spell(asked, lower=lower, dress=dress)
    assert not ask(ledger, organisation=spelled, purpose=purpose, data=data, on=on)
    assert ask(ledger, organisation="ORG1", purpose=purpose, data=data, on=DAY)


def test_the_release_desk_asks_about_its_own_organisations_clients() -> None:
    ledger = ledger_with(consent())
    assert ConsentBasis(ledger, STORE, organisation="ORG1").organisation == "ORG1"
    with pytest.raises(TypeError):
        ConsentBasis(ledger, STORE)  # type: ignore[call-arg]


# -- spellings: a difference can only ever turn an answer into no ------------------------------


def fullwidth(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


def spell(base: str, *, lower: bool, dress: int) -> str:
    """``base`` in one of eight spellings: two cases, four dresses that NFKC and strip undo."""
    text = base.lower() if lower else base
    return (text, f"  {text}\t", fullwidth(text), f"\u00a0{text}\u3000")[dress]


Spelling = tuple[bool, int]
spellings = st.tuples(st.booleans(), st.integers(0, 3))
IDS = {"subject": "K7Q2", "organisation": "ORG1", "recipient": "DSS"}


def spelled_ids(choice: dict[str, Spelling]) -> dict[str, str]:
    return {name: spell(IDS[name], lower=choice[name][0], dress=choice[name][1]) for name in IDS}


triple = st.fixed_dictionaries(dict.fromkeys(IDS, spellings))


@given(permit=triple, deny=triple, asked=triple)
def test_a_denial_in_any_spelling_beats_a_permit_in_another(
    permit: dict[str, Spelling], deny: dict[str, Spelling], asked: dict[str, Spelling]
) -> None:
    ledger = ledger_with(
        consent(**spelled_ids(permit)),
        consent(consent_id="D1", decision=Decision.DENY, valid_until=None, **spelled_ids(deny)),
    )
    decision = ask(ledger, **spelled_ids(asked))
    assert not decision
    if all(asked[name][0] == permit[name][0] for name in IDS):
        assert decision.consent_ids == ("D1",)  # refused by the denial, not by a mismatch


@given(permit=triple, asked=triple)
def test_a_permit_counts_only_for_its_own_spelling(
    permit: dict[str, Spelling], asked: dict[str, Spelling]
) -> None:
    ledger = ledger_with(consent(**spelled_ids(permit)))
    same_id = all(asked[name][0] == permit[name][0] for name in IDS)  # the dress never matters
    decision = ask(ledger, **spelled_ids(asked))
    assert bool(decision) == same_id
    if not same_id:
        assert "another case" in decision.reason


def test_the_reported_spellings_no_longer_get_past_a_denial() -> None:
    ledger = ledger_with(consent(subject="C1", recipient="DSS"))
    ledger.grant(
        consent(
            consent_id="D1",
            subject="C1 ",
            recipient="dss",
            decision=Decision.DENY,
            valid_until=None,
        ),
        recorded_on=DAY,
    )
    assert not ask(ledger, subject="C1")
    assert not ask(ledger, subject="c1", recipient="dss")


def test_withdrawals_find_their_consent_in_any_spelling() -> None:
    ledger = ledger_with(consent(consent_id="CN1"))
    ledger.withdraw(" cn1\t", DAY + days(2), recorded_on=DAY + days(2))
    assert ledger.status("CN1", DAY + days(2)) is ConsentStatus.WITHDRAWN
    assert isinstance(ledger.events[-1], Withdrawn)
    assert ledger.events[-1].consent_id == "CN1"
    with pytest.raises(ConsentError) as caught:
        ledger.grant(consent(consent_id="cn1"), recorded_on=DAY + days(2))
    assert caught.value.rule == "consent.duplicate-id"


# -- withdrawal and expiry: the earliest end wins ------------------------------------------------


def test_withdrawal_stops_future_disclosure_and_keeps_past_ones_lawful() -> None:
    ledger = ledger_with(consent())
    before, on = DAY + days(30), DAY + days(40)
    assert ask(ledger, on=before)
    ledger.withdraw("CN1", on, channel=Channel.TELEPHONE, recorded_on=on)
    assert ask(ledger, on=before)
    after = ask(ledger, on=on)
    assert not after
    assert "withdrawn on 2025-04-10" in after.reason
    assert ledger.status("CN1", on) is ConsentStatus.WITHDRAWN
    assert ledger.status("CN1", before) is ConsentStatus.ACTIVE


def test_an_event_ends_a_consent_when_it_is_recorded() -> None:
    ledger = ledger_with(consent(valid_until=None, until_event="the case closes"))
    far = DAY + days(4000)
    assert ledger.status("CN1", far) is ConsentStatus.ACTIVE
    ledger.expire("CN1", DAY + days(100), reason="the case closed", recorded_on=DAY + days(100))
    assert ledger.status("CN1", far) is ConsentStatus.EXPIRED
    assert ledger.status("CN1", DAY + days(99)) is ConsentStatus.ACTIVE


def test_a_planned_expiry_does_not_block_an_earlier_withdrawal() -> None:
    # The reported attack: an expiry planned for the end of the year made the client's real,
    # earlier withdrawal fail with consent.already-ended, and disclosure stayed permitted.
    ledger = ledger_with(consent(valid_until=None, until_event="the program ends"))
    ledger.expire("CN1", dt.date(2025, 12, 31), reason="the program ends", recorded_on=DAY)
    ledger.withdraw("CN1", dt.date(2025, 4, 1), recorded_on=dt.date(2025, 4, 1))
    assert not ask(ledger, on=dt.date(2025, 4, 1))
    assert not ask(ledger, on=dt.date(2025, 6, 1))
    assert ask(ledger, on=dt.date(2025, 3, 31))
    assert ledger.status("CN1", dt.date(2025, 6, 1)) is ConsentStatus.WITHDRAWN


END_KINDS = ("withdraw", "expire")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((kind_a, day_a), (kind_b, day_b))
        for kind_a, kind_b in itertools.product(END_KINDS, END_KINDS)
        for day_a, day_b in ((10, 20), (20, 10), (15, 15))
    ],
)
def test_every_order_of_two_ends_keeps_the_earliest(
    first: tuple[str, int], second: tuple[str, int]
) -> None:
    ledger = ledger_with(consent())
    for kind, offset in (first, second):
        on = DAY + days(offset)
        if kind == "withdraw":
            ledger.withdraw("CN1", on, recorded_on=DAY + days(5))
        else:
            ledger.expire("CN1", on, reason="ended", recorded_on=DAY + days(5))
    end = DAY + days(min(first[1], second[1]))
    assert ask(ledger, on=end - days(1))
    for later in (end, end + days(1), end + days(30), end + days(3000)):
        assert not ask(ledger, on=later)
        assert ledger.status("CN1", later) in (ConsentStatus.WITHDRAWN, ConsentStatus.EXPIRED)
    earliest = [kind for kind, offset in (first, second) if DAY + days(offset) == end]
    want = ConsentStatus.WITHDRAWN if "withdraw" in earliest else ConsentStatus.EXPIRED
    assert ledger.status("CN1", end) is want
    assert len(ledger) == 3  # both ends were recorded


def test_a_withdrawn_denial_stops_denying() -> None:
    ledger = ledger_with(
        consent(), consent(consent_id="D", decision=Decision.DENY, valid_until=None)
    )
    assert not ask(ledger, on=DAY + days(5))
    ledger.withdraw("D", DAY + days(5), recorded_on=DAY + days(5))
    assert not ask(ledger, on=DAY + days(4))
    assert ask(ledger, on=DAY + days(5))


@pytest.mark.parametrize(
    ("act", "rule"),
    [
        (
            lambda led: led.withdraw("CN1", DAY - days(1), recorded_on=DAY),
            "consent.before-given",
        ),
        (lambda led: led.expire("CN1", DAY, reason=" ", recorded_on=DAY), "consent.invalid-field"),
        (lambda led: led.withdraw("CN1", "2025-03-05", recorded_on=DAY), "consent.invalid-field"),
        (lambda led: led.withdraw("CN1", DAY, recorded_on="2025-03-05"), "consent.invalid-field"),
        (lambda led: led.grant(consent(), recorded_on=DAY), "consent.duplicate-id"),
        (lambda led: led.grant(consent(consent_id="cn1"), recorded_on=DAY), "consent.duplicate-id"),
        (
            lambda led: led.grant(
                consent(consent_id="CN2", given_on=DAY + days(5)), recorded_on=DAY + days(1)
            ),
            "consent.recorded-before-given",
        ),
        (
            lambda led: led.withdraw("CN1", DAY, recorded_on=DAY - days(1)),
            "consent.recorded-out-of-order",
        ),
    ],
)
def test_ledger_events_that_cannot_stand_are_refused(act: Any, rule: str) -> None:
    ledger = ledger_with(consent())
    with pytest.raises(ConsentError) as caught:
        act(ledger)
    assert caught.value.rule == rule
    assert len(ledger) == 1  # nothing was recorded


def test_unknown_ids_are_key_errors_and_nothing_is_recorded() -> None:
    ledger = ledger_with(consent())
    with pytest.raises(DexKeyError):
        ledger.withdraw("CN2", DAY, recorded_on=DAY)
    with pytest.raises(DexKeyError):
        ledger.expire("CN 1", DAY, reason="closed", recorded_on=DAY)
    with pytest.raises(DexValueError):
        ConsentLedger(["not an event"])  # type: ignore[list-item]
    assert [type(e) for e in ledger.events] == [Granted]


def test_a_ledger_replays_from_its_events() -> None:
    ledger = ledger_with(consent(), consent(consent_id="CN2", purpose=Purpose.REFERRAL))
    ledger.withdraw("CN2", DAY + days(3), recorded_on=DAY + days(1))
    copy = ConsentLedger(ledger.events)
    assert copy.events == ledger.events
    for on in (DAY, DAY + days(3), DAY + days(400)):
        for purpose in Purpose:
            assert bool(ask(copy, purpose=purpose, on=on)) == bool(
                ask(ledger, purpose=purpose, on=on)
            )
    assert "2 consents, 3 events" in repr(copy)
    shuffled = [ledger.events[2], ledger.events[0]]
    with pytest.raises(DexKeyError):
        ConsentLedger(shuffled)  # an end before its grant


# -- back-dated grants and as_known_on --------------------------------------------------------


def test_a_back_dated_grant_does_not_change_what_the_ledger_said() -> None:
    ledger = ConsentLedger()
    ledger.grant(consent(consent_id="X", subject="OTHER"), recorded_on=DAY)
    typed_in = DAY + days(10)
    ledger.grant(consent(given_on=DAY), recorded_on=typed_in)  # a paper form entered late
    assert ask(ledger, on=DAY + days(5))  # what we know now about that day
    then = ask(ledger, on=DAY + days(5), as_known_on=DAY + days(5))
    assert not then  # what the ledger said that day
    assert "no consent is recorded" in then.reason
    assert ask(ledger, on=DAY + days(5), as_known_on=typed_in)
    with pytest.raises(DexKeyError):
        ledger.status("CN1", DAY, as_known_on=DAY + days(9))
    assert ledger.status("CN1", DAY, as_known_on=typed_in) is ConsentStatus.ACTIVE
    assert [c.consent_id for c in ledger.consents(as_known_on=DAY)] == ["X"]
    with pytest.raises(DexKeyError):
        ledger.consent("CN1", as_known_on=DAY)


def test_the_history_cannot_be_back_dated() -> None:
    ledger = ledger_with(consent())
    ledger.withdraw("CN1", DAY + days(20), recorded_on=DAY + days(20))
    with pytest.raises(ConsentError) as caught:
        ledger.grant(consent(consent_id="CN2", given_on=DAY + days(1)), recorded_on=DAY + days(1))
    assert caught.value.rule == "consent.recorded-out-of-order"
    assert len(ledger) == 2


def test_a_back_dated_withdrawal_is_seen_only_from_the_day_it_was_recorded() -> None:
    ledger = ledger_with(consent())
    ledger.withdraw("CN1", DAY + days(2), recorded_on=DAY + days(9))
    assert not ask(ledger, on=DAY + days(5))
    assert ask(ledger, on=DAY + days(5), as_known_on=DAY + days(8))
    assert not ask(ledger, on=DAY + days(5), as_known_on=DAY + days(9))
    assert ledger.status("CN1", DAY + days(5), as_known_on=DAY + days(8)) is ConsentStatus.ACTIVE


# -- no message quotes the caller's text -------------------------------------------------------

MARKER = "ZQMARKER7"  # a valid id, to be driven through every entry point
SPACED = "Zorvin Quellastro"  # caller text that is not a valid id


def caught_messages(act: Any) -> list[str]:
    """Every text an exception raised by ``act`` shows: its message, repr, args and chain."""
    with pytest.raises(Exception) as caught:  # noqa: PT011 (any exception: its text is checked)
        act()
    error: BaseException | None = caught.value
    texts: list[str] = []
    while error is not None:
        texts += [str(error), repr(error), *map(str, error.args)]
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return texts


@pytest.mark.parametrize("marker", [MARKER, SPACED, MARKER.lower(), f" {MARKER} "])
def test_no_error_message_quotes_an_id_the_caller_gave(marker: str) -> None:
    ledger = ledger_with(consent(consent_id=MARKER if " " not in marker else "CN1"))
    acts = [
        lambda: consent(subject=marker, recipient=""),
        lambda: consent(consent_id=marker, purpose=None),
        lambda: consent(consent_id=marker, valid_until=None),
        lambda: consent(subject=marker + " x"),
        lambda: consent(consent_id=marker + " x"),
        lambda: ledger.withdraw(marker + "Q", DAY, recorded_on=DAY),
        lambda: ledger.expire(marker + "Q", DAY, reason=marker, recorded_on=DAY),
        lambda: ledger.status(marker + "Q", DAY),
        lambda: ledger.consent(marker + "Q"),
        lambda: ledger.consents(marker + " x"),
        lambda: ask(ledger, subject=marker + " x"),
        lambda: ask(ledger, organisation=marker + " x"),
        lambda: ask(ledger, recipient=marker + " x"),
        lambda: ledger.dex_flags(marker + " x", DAY, organisation="ORG1"),
        lambda: ask(ledger, purpose=marker),
        lambda: ask(ledger, data=marker),
    ]
    if " " not in marker:
        acts += [
            lambda: ledger.grant(consent(consent_id=marker), recorded_on=DAY),
            lambda: ledger.withdraw(marker, DAY - days(1), recorded_on=DAY),
            lambda: ledger.withdraw(marker, DAY, recorded_on=DAY - days(1)),
            lambda: ledger.expire(marker, DAY, reason=" ", recorded_on=DAY),
        ]
    for act in acts:
        for text in caught_messages(act):
            assert MARKER.casefold() not in text.casefold()
            assert "zorvin" not in text.casefold()


def test_decisions_and_reprs_do_not_quote_caller_text() -> None:
    ledger = ledger_with(
        consent(
            subject=MARKER,
            until_event=SPACED,
            valid_until=None,
            given_by=GivenBy.REPRESENTATIVE,
            representative_authority=SPACED,
        )
    )
    ledger.expire("CN1", DAY + days(3), reason=SPACED, recorded_on=DAY + days(3))
    texts = [repr(item) for item in ledger.events]
    texts += [
        ask(ledger, subject=MARKER, **changes).reason
        for changes in ({}, {"recipient": MARKER}, {"organisation": MARKER}, {"on": DAY + days(9)})
    ]
    texts.append(ask(ledger, subject=MARKER.lower()).reason)
    assert all("zorvin" not in text.casefold() for text in texts)
    assert all(MARKER.casefold() not in text.casefold() for text in texts[2:])


# -- the DEX flags come from the ledger -------------------------------------------------------


def test_dex_flags_need_names_and_street_for_details() -> None:
    ledger = ledger_with(consent(data={NAMES}))
    flags = ledger.dex_flags
    assert not flags("K7Q2", DAY, organisation="ORG1").consent_to_provide_details
    ledger.grant(consent(consent_id="CN2", data={STREET}), recorded_on=DAY)
    assert flags("K7Q2", DAY, organisation="ORG1").consent_to_provide_details
    assert not flags("K7Q2", DAY, organisation="ORG1").consented_for_future_contacts
    ledger.grant(
        consent(
            consent_id="CN3",
            purpose=Purpose.CONTACT_FOR_RESEARCH,
            data={DataCategory.CONTACT_DETAILS},
        ),
        recorded_on=DAY + days(1),
    )
    assert flags("K7Q2", DAY, organisation="ORG1").consented_for_future_contacts
    assert not flags(
        "K7Q2", DAY, organisation="ORG1", as_known_on=DAY
    ).consented_for_future_contacts


def has_canonical_form(text: str) -> bool:
    try:
        canonical_id(text)
    except ConsentError:
        return False
    return True


@given(strategies.clients(consent=True))
def test_apply_to_sets_the_flags_and_strips_details_without_consent(client: Any) -> None:
    ledger = ConsentLedger()
    kept = ledger.apply_to(client, DAY, organisation="ORG1")  # nothing recorded: no consent
    assert not kept.consent_to_provide_details
    assert kept.given_name is None
    assert kept.family_name is None
    assert not kept.residential_address.has_street
    assert kept.slk is not None  # generated before the names went
    if not has_canonical_form(client.client_id):  # such a client cannot be consented for
        with pytest.raises(ConsentError, match=r"consent\.invalid-id"):
            ledger.grant(consent(subject=client.client_id), recorded_on=DAY)
        return
    ledger.grant(consent(subject=client.client_id), recorded_on=DAY)
    consented = ledger.apply_to(client, DAY, organisation="ORG1")
    assert consented.consent_to_provide_details
    assert consented.given_name == client.given_name
    assert not consented.consented_for_future_contacts
    elsewhere = ledger.apply_to(client, DAY, organisation="ORG2")
    assert not elsewhere.consent_to_provide_details
    assert elsewhere.given_name is None


def test_expired_and_withdrawn_events_are_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Withdrawn("CN1", DAY, recorded_on=DAY).on = DAY  # type: ignore[misc]
    assert Expired("CN1", DAY, "closed", recorded_on=DAY).reason == "closed"


def test_threads_recording_and_asking_at_once_each_see_a_whole_ledger() -> None:
    ledger = ConsentLedger()
    writers, per_writer = 4, 50

    def write(n: int) -> None:
        for k in range(per_writer):
            ledger.grant(consent(consent_id=f"T{n}-{k}", subject=f"S{n}-{k}"), recorded_on=DAY)

    def read() -> list[int]:
        seen = []
        for _ in range(per_writer):
            listed = ledger.consents()
            seen.append(len(listed))
            assert all(ask(ledger, subject=c.subject) for c in listed)
        return seen

    with concurrent.futures.ThreadPoolExecutor(max_workers=writers + 2) as pool:
        readers = [pool.submit(read) for _ in range(2)]
        for future in [pool.submit(write, n) for n in range(writers)]:
            future.result()
        counts = [future.result() for future in readers]
    assert len(ledger) == writers * per_writer
    assert all(a <= b for seen in counts for a, b in itertools.pairwise(seen))


# -- the ledger as a state machine, against an independent model -------------------------------

Spelled = tuple[str, bool, int]  # (base id, lower-cased, dress): see spell()
SUBJECTS = ("S1", "S2")
ORGANISATIONS = ("ORG1", "ORG2")
RECIPIENTS = (DSS, "AG2")
PURPOSES = (STORE, Purpose.REFERRAL)
CATEGORIES = (NAMES, STREET)
START = dt.date(2025, 1, 1)


def spelled_from(bases: tuple[str, ...]) -> st.SearchStrategy[Spelled]:
    return st.tuples(st.sampled_from(bases), st.booleans(), st.integers(0, 3))


def text_of(spelled: Spelled) -> str:
    return spell(spelled[0], lower=spelled[1], dress=spelled[2])


@attrs.frozen
class ModelGrant:
    """A grant as the model keeps it: ids as (base, lower-cased), never as text."""

    consent_id: str
    ids: tuple[tuple[str, bool], ...]  # subject, organisation, recipient
    purpose: Purpose
    data: frozenset[DataCategory]
    permit: bool
    given_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    recorded_on: dt.date


@attrs.frozen
class ModelQuestion:
    ids: tuple[Spelled, Spelled, Spelled]
    purpose: Purpose
    data: frozenset[DataCategory]
    on: dt.date

    def ask(self, ledger: ConsentLedger, as_known_on: dt.date | None) -> bool:
        subject, organisation, recipient = (text_of(item) for item in self.ids)
        return bool(
            ledger.may_disclose(
                subject,
                recipient,
                self.purpose,
                self.data,
                self.on,
                organisation=organisation,
                as_known_on=as_known_on,
            )
        )


questions = st.builds(
    lambda ids, purpose, data, offset: (ids, purpose, frozenset(data), offset),
    st.tuples(spelled_from(SUBJECTS), spelled_from(ORGANISATIONS), spelled_from(RECIPIENTS)),
    st.sampled_from(PURPOSES),
    st.sets(st.sampled_from(CATEGORIES), min_size=1),
    st.integers(-30, 30),
)


#: How many days before today a question is asked as known on (None: as known now); 0 is
#: drawn often, since events recorded that very day are the edge of ``as_known_on``.
as_known_back = st.one_of(st.none(), st.just(0), st.integers(0, 60))


class LedgerMachine(RuleBasedStateMachine):
    """Grant (back-dated too), end in any order, let time pass, ask as known on any day."""

    consents = Bundle("consents")

    def __init__(self) -> None:
        super().__init__()
        self.ledger = ConsentLedger()
        self.today = START
        self.grants: dict[str, ModelGrant] = {}
        self.ends: dict[str, list[tuple[dt.date, dt.date]]] = {}  # id -> [(on, recorded_on)]
        self.seen_events: tuple[object, ...] = ()
        self.answers: list[tuple[ModelQuestion, dt.date, bool]] = []  # (question, known on, yes)
        self.pending: list[ModelQuestion] = []  # asked as known today, while today lasts

    # -- the model: written from the rules in the docs, sharing no code with the ledger -----

    def known(self, when: dt.date | None, recorded_on: dt.date) -> bool:
        return when is None or recorded_on <= when

    def live(self, grant: ModelGrant, on: dt.date, when: dt.date | None) -> bool:
        if on < grant.valid_from or (grant.valid_until is not None and on > grant.valid_until):
            return False
        ends = self.ends.get(grant.consent_id, [])
        return all(on < end for end, recorded in ends if self.known(when, recorded))

    def expected(self, question: ModelQuestion, when: dt.date | None) -> bool:
        bases = tuple(item[0] for item in question.ids)
        exact = tuple((item[0], item[1]) for item in question.ids)
        relevant = [
            g
            for g in self.grants.values()
            if self.known(when, g.recorded_on)
            and tuple(base for base, _ in g.ids) == bases
            and g.purpose is question.purpose
            and self.live(g, question.on, when)
        ]
        if any(not g.permit and g.data & question.data for g in relevant):
            return False
        covered: set[DataCategory] = set()
        for g in relevant:
            if g.permit and g.ids == exact:
                covered |= g.data
        return question.data <= covered

    # -- rules ---------------------------------------------------------------------------

    @initialize(
        target=consents,
        ids=st.tuples(
            spelled_from(SUBJECTS), spelled_from(ORGANISATIONS), spelled_from(RECIPIENTS)
        ),
        purpose=st.sampled_from(PURPOSES),
        lasts=st.one_of(st.none(), st.integers(30, 120)),
    )
    def first_permit(
        self, ids: tuple[Spelled, Spelled, Spelled], purpose: Purpose, lasts: int | None
    ) -> str:
        """Every run starts with a permit, so that questions can meet a yes to overturn."""
        return self.record_grant(ids, purpose, {NAMES, STREET}, False, (0, 0, lasts))

    @rule(
        target=consents,
        ids=st.tuples(
            spelled_from(SUBJECTS), spelled_from(ORGANISATIONS), spelled_from(RECIPIENTS)
        ),
        purpose=st.sampled_from(PURPOSES),
        data=st.sets(st.sampled_from(CATEGORIES), min_size=1),
        deny=st.booleans(),
        back=st.integers(0, 15),
        starts_in=st.integers(0, 10),
        lasts=st.one_of(st.none(), st.integers(0, 120)),
    )
    def grant(
        self,
        ids: tuple[Spelled, Spelled, Spelled],
        purpose: Purpose,
        data: set[DataCategory],
        deny: bool,
        back: int,
        starts_in: int,
        lasts: int | None,
    ) -> str:
        return self.record_grant(ids, purpose, data, deny, (back, starts_in, lasts))

    @rule(
        target=consents,
        like=consents,
        respelled=st.tuples(spellings, spellings, spellings),
        data=st.sets(st.sampled_from(CATEGORIES), min_size=1),
        deny=st.booleans(),
        back=st.integers(0, 15),
        starts_in=st.integers(0, 10),
        lasts=st.one_of(st.none(), st.integers(0, 120)),
    )
    def grant_like(
        self,
        like: str,
        respelled: tuple[Spelling, Spelling, Spelling],
        data: set[DataCategory],
        deny: bool,
        back: int,
        starts_in: int,
        lasts: int | None,
    ) -> str:
        """A grant for the same client, recipient and purpose as ``like``, spelled anew."""
        model = self.grants[like]
        ids = tuple(
            (base, lower, dress)
            for (base, _), (lower, dress) in zip(model.ids, respelled, strict=True)
        )
        return self.record_grant(ids, model.purpose, data, deny, (back, starts_in, lasts))  # type: ignore[arg-type]

    def record_grant(
        self,
        ids: tuple[Spelled, Spelled, Spelled],
        purpose: Purpose,
        data: set[DataCategory],
        deny: bool,
        timing: tuple[int, int, int | None],
    ) -> str:
        back, starts_in, lasts = timing
        given_on = self.today - days(back)  # back-dated: given before it is recorded
        start = given_on + days(starts_in)
        until = None if lasts is None else start + days(lasts)
        subject, organisation, recipient = (text_of(item) for item in ids)
        model = ModelGrant(
            consent_id=f"N{len(self.grants) + 1}",
            ids=tuple((item[0], item[1]) for item in ids),
            purpose=purpose,
            data=frozenset(data),
            permit=not deny,
            given_on=given_on,
            valid_from=start,
            valid_until=until,
            recorded_on=self.today,
        )
        self.ledger.grant(
            Consent(
                consent_id=model.consent_id,
                subject=subject,
                organisation=organisation,
                recipient=recipient,
                purpose=purpose,
                data=data,
                decision=Decision.DENY if deny else Decision.PERMIT,
                given_on=given_on,
                valid_from=start,
                valid_until=until,
                until_event="the case closes" if until is None else None,
                channel=Channel.WRITTEN,
            ),
            recorded_on=self.today,
        )
        self.grants[model.consent_id] = model
        return model.consent_id

    @rule(
        consent_id=consents,
        offset=st.integers(-20, 30),
        withdraw=st.booleans(),
        lower=st.booleans(),
    )
    def end(self, consent_id: str, offset: int, withdraw: bool, lower: bool) -> None:
        on = self.today + days(offset)
        spelled = consent_id.lower() if lower else consent_id
        before = len(self.ledger)

        def record() -> None:
            if withdraw:
                self.ledger.withdraw(spelled, on, recorded_on=self.today)
            else:
                self.ledger.expire(spelled, on, reason="the case closed", recorded_on=self.today)

        if on < self.grants[consent_id].given_on:
            with pytest.raises(ConsentError, match=r"consent\.before-given"):
                record()
            assert len(self.ledger) == before
            return
        record()
        self.ends.setdefault(consent_id, []).append((on, self.today))

    @rule(days_passed=st.integers(1, 40))
    def advance(self, days_passed: int) -> None:
        self.close_the_day()
        self.today += days(days_passed)

    @rule(question=questions, back=as_known_back)
    def ask(self, question: tuple[Any, ...], back: int | None) -> None:
        ids, purpose, data, offset = question
        asked = ModelQuestion(ids=ids, purpose=purpose, data=data, on=self.today + days(offset))
        self.check(asked, None if back is None else self.today - days(back))

    @rule(
        consent_id=consents,
        respelled=st.tuples(spellings, spellings, spellings),
        same_case=st.booleans(),
        other_organisation=st.booleans(),
        data=st.sets(st.sampled_from(CATEGORIES), min_size=1),
        offset=st.integers(-3, 40),
        back=as_known_back,
    )
    def ask_about_a_grant(
        self,
        consent_id: str,
        respelled: tuple[Spelling, Spelling, Spelling],
        same_case: bool,
        other_organisation: bool,
        data: set[DataCategory],
        offset: int,
        back: int | None,
    ) -> None:
        grant = self.grants[consent_id]
        bases = [base for base, _ in grant.ids]
        if other_organisation:
            bases[1] = ORGANISATIONS[1 - ORGANISATIONS.index(bases[1])]
        cases = [lower for _, lower in grant.ids] if same_case else [x for x, _ in respelled]
        ids = tuple(
            (base, lower, dress)
            for base, lower, (_, dress) in zip(bases, cases, respelled, strict=True)
        )  # with same_case, only the dress changes: the same canonical ids
        asked = ModelQuestion(
            ids=ids,  # type: ignore[arg-type]
            purpose=grant.purpose,
            data=frozenset(data),
            on=grant.valid_from + days(offset),
        )
        self.check(asked, None if back is None else self.today - days(back))

    def check(self, asked: ModelQuestion, when: dt.date | None) -> None:
        """The ledger agrees with the model, and as known on a day with the ledger of that day."""
        answer = asked.ask(self.ledger, when)
        assert answer == self.expected(asked, when)
        if when is not None:
            then = ConsentLedger(e for e in self.ledger.events if e.recorded_on <= when)
            assert answer == asked.ask(then, None)
        if when is not None and when < self.today:
            self.answers.append((asked, when, answer))  # nothing can be recorded by then any more
        else:
            self.pending.append(asked)  # events may still be recorded today

    def close_the_day(self) -> None:
        """Today's answers are final once the day has passed: note them."""
        self.answers += [
            (asked, self.today, asked.ask(self.ledger, self.today)) for asked in self.pending
        ]
        self.pending = []

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def history_is_append_only(self) -> None:
        events = self.ledger.events
        assert events[: len(self.seen_events)] == self.seen_events
        assert len(events) == len(self.grants) + sum(map(len, self.ends.values()))
        self.seen_events = events

    @invariant()
    def what_the_ledger_said_stands(self) -> None:
        # Whatever was recorded since, back-dated or not, an answer as known on a day that had
        # passed when it was asked never changes.
        for asked, when, answer in self.answers:
            if when < self.today:
                assert asked.ask(self.ledger, when) == answer

    @invariant()
    def the_earliest_end_holds_for_ever(self) -> None:
        for consent_id, ends in self.ends.items():
            first = min(on for on, _ in ends)
            for later in (first, first + days(1), first + days(365)):
                status = self.ledger.status(consent_id, later)
                assert status in (ConsentStatus.WITHDRAWN, ConsentStatus.EXPIRED)

    @invariant()
    def flags_match_the_model(self) -> None:
        for subject, organisation in itertools.product(SUBJECTS, ORGANISATIONS):
            flags = self.ledger.dex_flags(subject, self.today, organisation=organisation)
            asked = ModelQuestion(
                ids=((subject, False, 0), (organisation, False, 0), (DSS, False, 0)),
                purpose=STORE,
                data=frozenset({NAMES, STREET}),
                on=self.today,
            )
            assert flags.consent_to_provide_details == self.expected(asked, None)


LedgerMachine.TestCase.settings = settings(stateful_step_count=30, deadline=None)
TestLedgerMachine = LedgerMachine.TestCase
