"""The consent ledger: complete consents only, four-way matching, append-only history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from dexcore.errors import ConsentError, DexKeyError, DexValueError
from dexcore.privacy.consent import (
    DSS,
    Channel,
    Consent,
    ConsentLedger,
    ConsentStatus,
    DataCategory,
    Decision,
    Expired,
    GivenBy,
    Granted,
    Mode,
    Purpose,
    Withdrawn,
)
from dexcore.testing import strategies

DAY = dt.date(2025, 3, 1)
NAMES = DataCategory.NAMES
STREET = DataCategory.STREET_ADDRESS


def consent(**changes: Any) -> Consent:
    fields: dict[str, Any] = {
        "subject": "K7Q2",
        "organisation": "ORG1",
        "recipient": DSS,
        "purpose": Purpose.STORE_DETAILS_IN_DEX,
        "data": {NAMES, STREET},
        "given_on": DAY,
        "valid_until": DAY + dt.timedelta(days=365),
        "channel": Channel.IN_PERSON,
        "consent_id": "CN1",
    }
    fields.update(changes)
    return Consent(**fields)


# -- incomplete consents are refused ------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"recipient": ""}, "consent.no-recipient"),
        ({"recipient": "   "}, "consent.no-recipient"),
        ({"subject": ""}, "consent.no-subject"),
        ({"organisation": ""}, "consent.no-organisation"),
        ({"purpose": None}, "consent.no-purpose"),
        ({"purpose": "store-details"}, "consent.no-purpose"),
        ({"data": set()}, "consent.no-data"),
        ({"data": {"no such category"}}, "consent.no-data"),
        ({"valid_until": None}, "consent.no-end"),
        ({"valid_until": DAY - dt.timedelta(days=1)}, "consent.ends-before-start"),
        ({"valid_from": DAY - dt.timedelta(days=1)}, "consent.ends-before-start"),
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


def test_consent_ids_are_generated_when_not_given() -> None:
    fields = attrs.asdict(consent(), recurse=False)
    del fields["consent_id"]
    first, second = Consent(**fields), Consent(**fields)
    assert first.consent_id != second.consent_id


# -- may_disclose matches person, agency, purpose and time -----------------------------------


def ledger_with(*consents: Consent) -> ConsentLedger:
    ledger = ConsentLedger()
    for item in consents:
        ledger.grant(item)
    return ledger


def test_disclosure_needs_all_four_to_match() -> None:
    ledger = ledger_with(consent())
    ask = ledger.may_disclose
    assert ask("K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, {NAMES, STREET}, DAY)
    assert ask("K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, NAMES, DAY + dt.timedelta(days=365))
    refusals = {
        "other person": ask("Z9", DSS, Purpose.STORE_DETAILS_IN_DEX, NAMES, DAY),
        "other agency": ask("K7Q2", "AGENCY2", Purpose.STORE_DETAILS_IN_DEX, NAMES, DAY),
        "other purpose": ask("K7Q2", DSS, Purpose.REFERRAL, NAMES, DAY),
        "before": ask("K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, NAMES, DAY - dt.timedelta(1)),
        "after": ask("K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, NAMES, DAY + dt.timedelta(366)),
        "other data": ask(
            "K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, {NAMES, DataCategory.OUTCOMES}, DAY
        ),
    }
    for what, decision in refusals.items():
        assert not decision, what
        assert decision.reason, what
        assert "K7Q2" not in decision.reason
    assert "not cover: outcomes" in refusals["other data"].reason
    assert "expired on 2026-03-01" in refusals["after"].reason


def test_pending_consents_and_their_reason() -> None:
    later = DAY + dt.timedelta(days=10)
    ledger = ledger_with(consent(valid_from=later, valid_until=later + dt.timedelta(days=5)))
    decision = ledger.may_disclose("K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, NAMES, DAY)
    assert not decision
    assert "not in force until 2025-03-11" in decision.reason
    assert ledger.status("CN1", DAY) is ConsentStatus.PENDING
    assert ledger.status("CN1", later) is ConsentStatus.ACTIVE


def test_two_permits_can_cover_the_data_together_and_a_denial_wins() -> None:
    ledger = ledger_with(
        consent(consent_id="A", data={NAMES}), consent(consent_id="B", data={STREET})
    )
    both = ledger.may_disclose("K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, {NAMES, STREET}, DAY)
    assert both
    assert set(both.consent_ids) == {"A", "B"}
    ledger.grant(consent(consent_id="D", decision=Decision.DENY, data={STREET}, valid_until=None))
    refused = ledger.may_disclose("K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, {NAMES, STREET}, DAY)
    assert not refused
    assert refused.consent_ids == ("D",)
    assert ledger.may_disclose("K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, NAMES, DAY)


def test_bad_questions_are_clear_errors() -> None:
    ledger = ledger_with(consent())
    with pytest.raises(DexValueError, match="at least one"):
        ledger.may_disclose("K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, [], DAY)
    with pytest.raises(DexValueError, match=r"datetime\.date"):
        ledger.may_disclose("K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, NAMES, "2025-03-01")  # type: ignore[arg-type]
    with pytest.raises(DexKeyError):
        ledger.status("nope", DAY)


# -- withdrawal and expiry --------------------------------------------------------------------


def test_withdrawal_stops_future_disclosure_and_keeps_past_ones_lawful() -> None:
    ledger = ledger_with(consent())
    before, on = DAY + dt.timedelta(days=30), DAY + dt.timedelta(days=40)
    assert ledger.may_disclose("K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, NAMES, before)
    ledger.withdraw("CN1", on, channel=Channel.TELEPHONE)
    assert ledger.may_disclose("K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, NAMES, before)
    after = ledger.may_disclose("K7Q2", DSS, Purpose.STORE_DETAILS_IN_DEX, NAMES, on)
    assert not after
    assert "withdrawn on 2025-04-10" in after.reason
    assert ledger.status("CN1", on) is ConsentStatus.WITHDRAWN
    assert ledger.status("CN1", before) is ConsentStatus.ACTIVE


def test_an_event_ends_a_consent_when_it_is_recorded() -> None:
    ledger = ledger_with(consent(valid_until=None, until_event="the case closes"))
    far = DAY + dt.timedelta(days=4000)
    assert ledger.status("CN1", far) is ConsentStatus.ACTIVE
    ledger.expire("CN1", DAY + dt.timedelta(days=100), reason="the case closed")
    assert ledger.status("CN1", far) is ConsentStatus.EXPIRED
    assert ledger.status("CN1", DAY + dt.timedelta(days=99)) is ConsentStatus.ACTIVE


@pytest.mark.parametrize(
    ("act", "rule"),
    [
        (lambda led: led.withdraw("CN1", DAY - dt.timedelta(days=1)), "consent.before-given"),
        (lambda led: led.expire("CN1", DAY, reason=" "), "consent.invalid-field"),
        (lambda led: led.grant(consent()), "consent.duplicate-id"),
    ],
)
def test_ledger_events_that_cannot_stand_are_refused(act: Any, rule: str) -> None:
    ledger = ledger_with(consent())
    with pytest.raises(ConsentError) as caught:
        act(ledger)
    assert caught.value.rule == rule
    assert len(ledger) == 1  # nothing was recorded


def test_a_consent_ends_only_once_and_unknown_ids_are_key_errors() -> None:
    ledger = ledger_with(consent())
    ledger.withdraw("CN1", DAY)
    with pytest.raises(ConsentError) as caught:
        ledger.expire("CN1", DAY, reason="case closed")
    assert caught.value.rule == "consent.already-ended"
    with pytest.raises(DexKeyError):
        ledger.withdraw("CN2", DAY)
    assert [type(e) for e in ledger.events] == [Granted, Withdrawn]


def test_a_ledger_replays_from_its_events() -> None:
    ledger = ledger_with(consent(), consent(consent_id="CN2", purpose=Purpose.REFERRAL))
    ledger.withdraw("CN2", DAY + dt.timedelta(days=3))
    copy = ConsentLedger(ledger.events)
    assert copy.events == ledger.events
    for on in (DAY, DAY + dt.timedelta(days=3), DAY + dt.timedelta(days=400)):
        for purpose in Purpose:
            assert bool(copy.may_disclose("K7Q2", DSS, purpose, NAMES, on)) == bool(
                ledger.may_disclose("K7Q2", DSS, purpose, NAMES, on)
            )
    assert "2 consents, 3 events" in repr(copy)
    with pytest.raises(DexValueError):
        ConsentLedger(["not an event"])  # type: ignore[list-item]


# -- the DEX flags come from the ledger -------------------------------------------------------


def test_dex_flags_need_names_and_street_for_details() -> None:
    ledger = ledger_with(consent(data={NAMES}))
    assert not ledger.dex_flags("K7Q2", DAY).consent_to_provide_details
    ledger.grant(consent(consent_id="CN2", data={STREET}))
    assert ledger.dex_flags("K7Q2", DAY).consent_to_provide_details
    assert not ledger.dex_flags("K7Q2", DAY).consented_for_future_contacts
    ledger.grant(
        consent(
            consent_id="CN3",
            purpose=Purpose.CONTACT_FOR_RESEARCH,
            data={DataCategory.CONTACT_DETAILS},
        )
    )
    assert ledger.dex_flags("K7Q2", DAY).consented_for_future_contacts


@given(strategies.clients(consent=True))
def test_apply_to_sets_the_flags_and_strips_details_without_consent(client: Any) -> None:
    ledger = ConsentLedger()
    kept = ledger.apply_to(client, DAY)  # nothing recorded: no consent
    assert not kept.consent_to_provide_details
    assert kept.given_name is None
    assert kept.family_name is None
    assert not kept.residential_address.has_street
    assert kept.slk is not None  # generated before the names went
    ledger.grant(consent(subject=client.client_id))
    consented = ledger.apply_to(client, DAY)
    assert consented.consent_to_provide_details
    assert consented.given_name == client.given_name
    assert not consented.consented_for_future_contacts


# -- the ledger as a state machine ------------------------------------------------------------

Question = tuple[str, str, Purpose, frozenset[DataCategory]]
SUBJECTS = ("S1", "S2")
RECIPIENTS = (DSS, "AGENCY2")
PURPOSES = (Purpose.STORE_DETAILS_IN_DEX, Purpose.REFERRAL)
CATEGORIES = (NAMES, STREET)
START = dt.date(2025, 1, 1)


class LedgerMachine(RuleBasedStateMachine):
    """Grant, withdraw, expire and let time pass; the ledger must agree with a plain model."""

    consents = Bundle("consents")

    def __init__(self) -> None:
        super().__init__()
        self.ledger = ConsentLedger()
        self.today = START
        self.model: dict[str, Consent] = {}
        self.ended: dict[str, dt.date] = {}
        self.seen_events: tuple[object, ...] = ()
        self.answers: list[tuple[Question, dt.date, bool, int]] = []
        # The first day each recorded grant, withdrawal or expiry can change an answer about.
        self.change_days: list[dt.date] = []
        self.counter = 0

    @rule(
        target=consents,
        subject=st.sampled_from(SUBJECTS),
        recipient=st.sampled_from(RECIPIENTS),
        purpose=st.sampled_from(PURPOSES),
        data=st.sets(st.sampled_from(CATEGORIES), min_size=1),
        deny=st.booleans(),
        starts_in=st.integers(0, 10),
        lasts=st.one_of(st.none(), st.integers(0, 120)),
    )
    def grant(
        self,
        subject: str,
        recipient: str,
        purpose: Purpose,
        data: set[DataCategory],
        deny: bool,
        starts_in: int,
        lasts: int | None,
    ) -> str:
        self.counter += 1
        start = self.today + dt.timedelta(days=starts_in)
        item = Consent(
            consent_id=f"N{self.counter}",
            subject=subject,
            organisation="ORG1",
            recipient=recipient,
            purpose=purpose,
            data=data,
            decision=Decision.DENY if deny else Decision.PERMIT,
            given_on=self.today,
            valid_from=start,
            valid_until=None if lasts is None else start + dt.timedelta(days=lasts),
            until_event="the case closes" if lasts is None else None,
            channel=Channel.WRITTEN,
        )
        self.ledger.grant(item)
        self.model[item.consent_id] = item
        self.change_days.append(item.valid_from)
        return item.consent_id

    @rule(consent_id=consumes(consents), later=st.integers(0, 30), withdraw=st.booleans())
    def end(self, consent_id: str, later: int, withdraw: bool) -> None:
        on = self.today + dt.timedelta(days=later)
        if withdraw:
            self.ledger.withdraw(consent_id, on)
        else:
            self.ledger.expire(consent_id, on, reason="the case closed")
        self.ended[consent_id] = on
        self.change_days.append(on)

    @rule(days=st.integers(1, 40))
    def advance(self, days: int) -> None:
        self.today += dt.timedelta(days=days)

    @rule(
        subject=st.sampled_from(SUBJECTS),
        recipient=st.sampled_from(RECIPIENTS),
        purpose=st.sampled_from(PURPOSES),
        data=st.sets(st.sampled_from(CATEGORIES), min_size=1),
    )
    def ask(self, subject: str, recipient: str, purpose: Purpose, data: set[DataCategory]) -> None:
        args = (subject, recipient, purpose, frozenset(data))
        answer = bool(self.ledger.may_disclose(*args, self.today))
        assert answer == self.expected(*args, self.today)
        self.answers.append((args, self.today, answer, len(self.change_days)))

    def active(self, item: Consent, on: dt.date) -> bool:
        ended = self.ended.get(item.consent_id)
        if ended is not None and on >= ended:
            return False
        return item.in_force_by_dates(on)

    def expected(
        self,
        subject: str,
        recipient: str,
        purpose: Purpose,
        data: frozenset[DataCategory],
        on: dt.date,
    ) -> bool:
        live = [
            c
            for c in self.model.values()
            if (c.subject, c.recipient, c.purpose) == (subject, recipient, purpose)
            and self.active(c, on)
        ]
        if any(not c.is_permit and c.data & data for c in live):
            return False
        covered: set[DataCategory] = set()
        for c in live:
            if c.is_permit:
                covered |= c.data
        return data <= covered

    @invariant()
    def history_is_append_only(self) -> None:
        events = self.ledger.events
        assert events[: len(self.seen_events)] == self.seen_events
        assert len(events) == len(self.model) + len(self.ended)
        self.seen_events = events

    @invariant()
    def past_answers_stand(self) -> None:
        # A grant takes effect from its first valid day and a withdrawal or expiry from its own
        # date, none of them before the day it is recorded: an answer about a day before every
        # change recorded since must not change.
        for args, on, answer, changes_then in self.answers:
            if all(on < later for later in self.change_days[changes_then:]):
                assert bool(self.ledger.may_disclose(*args, on)) == answer

    @invariant()
    def ended_consents_never_permit_again(self) -> None:
        for consent_id, on in self.ended.items():
            for later in (on, on + dt.timedelta(days=1), on + dt.timedelta(days=365)):
                status = self.ledger.status(consent_id, later)
                assert status in (ConsentStatus.WITHDRAWN, ConsentStatus.EXPIRED)

    @invariant()
    def flags_match_the_model(self) -> None:
        for subject in SUBJECTS:
            flags = self.ledger.dex_flags(subject, self.today)
            assert flags.consent_to_provide_details == self.expected(
                subject, DSS, Purpose.STORE_DETAILS_IN_DEX, frozenset({NAMES, STREET}), self.today
            )


LedgerMachine.TestCase.settings = settings(stateful_step_count=30, deadline=None)
TestLedgerMachine = LedgerMachine.TestCase


def test_expired_and_withdrawn_events_are_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Withdrawn("CN1", DAY).on = DAY  # type: ignore[misc]
    assert Expired("CN1", DAY, "closed").reason == "closed"
