"""Consent per person, agency, purpose and timeframe, kept in an append-only ledger.

DEX itself holds two yes/no flags per client (``ConsentToProvideDetails`` and
``ConsentedForFutureContacts``). Sharing with other agencies needs more:
"consent would have to be recorded for each person, for each agency, for
each reason and for each timeframe" (seed 004). A :class:`Consent` records
exactly that, with the fields the HL7 FHIR Consent resource, the Kantara
consent receipt and ISO/IEC TS 27560 have in common (see
``reference/privacy.md`` §3):

* who it is about (:attr:`Consent.subject`, the client id, never a name),
  who recorded it and who may receive the data;
* the purpose, from the :class:`Purpose` vocabulary, and the categories of
  data (:class:`DataCategory`, some of them *sensitive* under the Privacy
  Act);
* permit or deny, when it was given, from when and until when (a date or an
  event), how it was given and by whom.

A consent that could not stand up is refused when it is built
(:class:`~dexcore.errors.ConsentError` names the rule): no recipient, no
purpose, no data, a permit with no end, implied consent for sensitive data,
a representative without a stated authority.

:class:`ConsentLedger` only ever appends: :meth:`~ConsentLedger.grant`,
:meth:`~ConsentLedger.withdraw` and :meth:`~ConsentLedger.expire` add
events, nothing is overwritten, and every answer is computed for a date. A
withdrawal stops disclosure from its date on; asked about an earlier date,
the ledger still answers as it did, so disclosures made then stay lawful.

>>> import datetime as dt
>>> ledger = ConsentLedger()
>>> consent = ledger.grant(Consent(
...     subject="C1", organisation="ORG1", recipient=DSS,
...     purpose=Purpose.STORE_DETAILS_IN_DEX,
...     data={DataCategory.NAMES, DataCategory.STREET_ADDRESS},
...     given_on=dt.date(2024, 7, 1), valid_until=dt.date(2026, 6, 30),
...     channel=Channel.IN_PERSON))
>>> ledger.dex_flags("C1", dt.date(2024, 8, 1)).consent_to_provide_details
True
>>> _ = ledger.withdraw(consent.consent_id, dt.date(2025, 1, 10))
>>> bool(ledger.may_disclose("C1", DSS, Purpose.STORE_DETAILS_IN_DEX,
...                          DataCategory.NAMES, dt.date(2025, 2, 1)))
False
>>> bool(ledger.may_disclose("C1", DSS, Purpose.STORE_DETAILS_IN_DEX,
...                          DataCategory.NAMES, dt.date(2024, 12, 1)))
True
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from dexcore.errors import ConsentError, DexKeyError, DexValueError
from dexcore.model import Client
from dexcore.privacy.deidentify import deidentify_client

__all__ = [
    "DSS",
    "Channel",
    "Consent",
    "ConsentLedger",
    "ConsentStatus",
    "DataCategory",
    "Decision",
    "DexConsentFlags",
    "DisclosureDecision",
    "Expired",
    "GivenBy",
    "Granted",
    "LedgerEvent",
    "Mode",
    "Purpose",
    "Withdrawn",
]

#: The recipient id of the Department of Social Services, for the DEX flags.
DSS = "DSS"


class Purpose(enum.StrEnum):
    """Why the data would be disclosed: a closed, named vocabulary."""

    #: DSS may store the client's name and street address in DEX (DEX ``ConsentToProvideDetails``).
    STORE_DETAILS_IN_DEX = "store-details-in-dex"
    #: The client may be contacted for research, surveys or evaluation
    #: (DEX ``ConsentedForFutureContacts``).
    CONTACT_FOR_RESEARCH = "contact-for-research"
    #: Details may be shared with another agency to refer the client to it.
    REFERRAL = "share-for-referral"
    #: Details may be shared with agencies working together on the client's case.
    CASE_COORDINATION = "share-for-case-coordination"
    #: Records may be used in a research project (as opposed to contacting the client).
    RESEARCH_USE = "use-in-research"
    #: Records may be used or disclosed to deliver the service itself.
    SERVICE_DELIVERY = "service-delivery"


class DataCategory(enum.StrEnum):
    """A category of personal information a consent covers."""

    NAMES = "names"  #: Given and family names, pseudonyms included.
    STREET_ADDRESS = "street-address"  #: Street lines of the residential address.
    CONTACT_DETAILS = "contact-details"  #: Telephone, e-mail, postal contact.
    BIRTH_DATE = "birth-date"  #: Date of birth.
    DEMOGRAPHICS = "demographics"  #: Gender, age, country of birth, language, locality.
    SERVICE_RECORDS = "service-records"  #: Cases, sessions, referrals.
    OUTCOMES = "outcomes"  #: SCORE assessments and other outcome measures.
    CULTURAL_ORIGIN = "cultural-origin"  #: Racial or ethnic origin, Indigenous status (sensitive).
    HEALTH_AND_DISABILITY = "health-and-disability"  #: Health and disability (sensitive).
    SEXUALITY = "sexuality"  #: Sexual orientation or practices (sensitive).
    CRIMINAL_RECORD = "criminal-record"  #: Criminal record (sensitive).

    @property
    def is_sensitive(self) -> bool:
        """Whether the Privacy Act counts it as sensitive information (s 6(1)).

        Sensitive information needs express consent (APP 3.3, APP 6.2(a)).
        """
        return self in _SENSITIVE


_SENSITIVE = frozenset(
    {
        DataCategory.CULTURAL_ORIGIN,
        DataCategory.HEALTH_AND_DISABILITY,
        DataCategory.SEXUALITY,
        DataCategory.CRIMINAL_RECORD,
    }
)


class Decision(enum.StrEnum):
    """Whether a consent permits or denies the disclosure it describes."""

    PERMIT = "permit"
    DENY = "deny"


class Mode(enum.StrEnum):
    """How consent was expressed (OAIC: express, or implied from conduct)."""

    EXPRESS = "express"
    IMPLIED = "implied"


class Channel(enum.StrEnum):
    """How the consent was collected."""

    IN_PERSON = "in-person"
    WRITTEN = "written"
    TELEPHONE = "telephone"
    ELECTRONIC = "electronic"


class GivenBy(enum.StrEnum):
    """Who gave the consent: the client, or someone with authority to act for them."""

    SUBJECT = "subject"
    REPRESENTATIVE = "representative"


class ConsentStatus(enum.StrEnum):
    """Where a consent stands on a given date."""

    PENDING = "pending"  #: Recorded, but its validity starts later.
    ACTIVE = "active"  #: In force on that date.
    EXPIRED = "expired"  #: Past its end date, or its end event was recorded.
    WITHDRAWN = "withdrawn"  #: Withdrawn on or before that date.


def _new_id() -> str:
    return uuid.uuid4().hex


def _categories(value: Iterable[DataCategory] | DataCategory) -> frozenset[DataCategory]:
    if isinstance(value, DataCategory):
        return frozenset({value})
    if isinstance(value, str):  # a bare category name
        return frozenset({DataCategory(value)}) if value in _CATEGORY_VALUES else frozenset()
    try:
        return frozenset(DataCategory(item) for item in value)
    except (TypeError, ValueError):
        return frozenset()


_CATEGORY_VALUES = frozenset(item.value for item in DataCategory)


def _given_on(self: Consent) -> dt.date:
    return self.given_on


@attrs.frozen(kw_only=True)
class Consent:
    """One consent decision: person × recording organisation × recipient × purpose × time.

    Build it with keywords; construction refuses an incomplete consent with a
    :class:`~dexcore.errors.ConsentError` whose ``rule`` says what is missing:

    * ``consent.no-subject``, ``consent.no-organisation``, ``consent.no-recipient``,
      ``consent.no-purpose``, ``consent.no-data``: a blank or missing party,
      purpose or data scope;
    * ``consent.no-end``: a permit with neither ``valid_until`` nor
      ``until_event`` (consent must be current, so it needs an end: HIPAA
      164.508(c)(1)(v); OAIC);
    * ``consent.ends-before-start``: ``valid_until`` before ``valid_from``, or
      ``valid_from`` before ``given_on``;
    * ``consent.implied-sensitive``: an implied permit covering sensitive
      data (APP 3.3 needs express consent);
    * ``consent.representative-without-authority``: given by a representative
      whose authority is not stated;
    * ``consent.invalid-field``: a value of the wrong type, such as a date
      given as text.

    Attributes:
        subject: The client id the consent is about (never a name).
        organisation: The organisation that records the consent and would disclose.
        recipient: The agency that may receive the data (:data:`DSS` for DEX).
        purpose: Why the data would be disclosed.
        data: The categories of data covered (at least one).
        decision: Permit (default) or deny.
        given_on: The date the consent was given.
        valid_from: First day it is in force (default: ``given_on``).
        valid_until: Last day it is in force, when it ends on a date.
        until_event: The event that ends it (such as "end of the case"), when
            it ends on an event; record the event with :meth:`ConsentLedger.expire`.
        mode: Express (default) or implied.
        channel: How it was collected.
        given_by: The client (default) or a representative.
        representative_authority: The representative's authority, such as
            "guardianship order" or "parent of a child under 15".
        consent_id: The consent's own id (a random hex id by default).
    """

    subject: str
    organisation: str
    recipient: str
    purpose: Purpose
    data: frozenset[DataCategory] = attrs.field(converter=_categories)
    given_on: dt.date
    channel: Channel
    decision: Decision = Decision.PERMIT
    valid_from: dt.date = attrs.field(default=attrs.Factory(_given_on, takes_self=True))
    valid_until: dt.date | None = None
    until_event: str | None = None
    mode: Mode = Mode.EXPRESS
    given_by: GivenBy = GivenBy.SUBJECT
    representative_authority: str | None = None
    consent_id: str = attrs.field(factory=_new_id)

    def __attrs_post_init__(self) -> None:
        _check_consent(self)

    @property
    def is_permit(self) -> bool:
        """Whether the consent permits (rather than denies) disclosure."""
        return self.decision is Decision.PERMIT

    @property
    def includes_sensitive(self) -> bool:
        """Whether any covered category is sensitive information."""
        return any(category.is_sensitive for category in self.data)

    def in_force_by_dates(self, on: dt.date) -> bool:
        """Whether ``on`` lies between ``valid_from`` and ``valid_until`` (ignoring events)."""
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


def _blank(value: object) -> bool:
    return not isinstance(value, str) or not value.strip()


def _check_consent(consent: Consent) -> None:
    cid = consent.consent_id if isinstance(consent.consent_id, str) else "?"
    if _blank(consent.consent_id) or len(consent.consent_id) > 64:
        raise ConsentError(
            "consent.invalid-field",
            cid,
            "consent_id must be non-blank text of at most 64 characters",
        )
    _check_parties(consent, cid)
    _check_types(consent, cid)
    _check_meaning(consent, cid)


def _check_parties(consent: Consent, cid: str) -> None:
    for name in ("subject", "organisation", "recipient"):
        if _blank(getattr(consent, name)):
            raise ConsentError(f"consent.no-{name}", cid, f"{name} must be named")
    if not isinstance(consent.purpose, Purpose):
        raise ConsentError(
            "consent.no-purpose", cid, "purpose must be one of dexcore.privacy.consent.Purpose"
        )
    if not consent.data:
        raise ConsentError("consent.no-data", cid, "data must name at least one DataCategory")


_ENUM_FIELDS: tuple[tuple[str, type[enum.Enum]], ...] = (
    ("decision", Decision),
    ("mode", Mode),
    ("channel", Channel),
    ("given_by", GivenBy),
)


def _check_types(consent: Consent, cid: str) -> None:
    days = {"given_on": False, "valid_from": False, "valid_until": True}
    for name, optional in days.items():
        value = getattr(consent, name)
        if not (_is_day(value) or (optional and value is None)):
            raise ConsentError("consent.invalid-field", cid, f"{name} must be a datetime.date")
    for name, kind in _ENUM_FIELDS:
        if not isinstance(getattr(consent, name), kind):
            raise ConsentError("consent.invalid-field", cid, f"{name} must be a {kind.__name__}")
    if consent.until_event is not None and _blank(consent.until_event):
        raise ConsentError(
            "consent.invalid-field", cid, "until_event must be non-blank text or None"
        )


def _check_meaning(consent: Consent, cid: str) -> None:
    if consent.valid_from < consent.given_on:
        raise ConsentError(
            "consent.ends-before-start", cid, "valid_from must not be before given_on"
        )
    if consent.valid_until is not None and consent.valid_until < consent.valid_from:
        raise ConsentError(
            "consent.ends-before-start", cid, "valid_until must not be before valid_from"
        )
    if consent.is_permit and consent.valid_until is None and consent.until_event is None:
        raise ConsentError(
            "consent.no-end", cid, "a permit needs an end: valid_until or until_event"
        )
    if consent.is_permit and consent.mode is Mode.IMPLIED and consent.includes_sensitive:
        sensitive = ", ".join(sorted(c for c in consent.data if c.is_sensitive))
        raise ConsentError(
            "consent.implied-sensitive", cid, f"sensitive data ({sensitive}) needs express consent"
        )
    if consent.given_by is GivenBy.REPRESENTATIVE and _blank(consent.representative_authority):
        raise ConsentError(
            "consent.representative-without-authority",
            cid,
            "consent given by a representative must state the representative's authority",
        )


def _is_day(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


# -- the ledger's events --------------------------------------------------------------------


@attrs.frozen
class Granted:
    """A consent was recorded."""

    consent: Consent


@attrs.frozen
class Withdrawn:
    """A consent was withdrawn with effect from ``on`` (no disclosure on or after that day)."""

    consent_id: str
    on: dt.date
    channel: Channel | None = None


@attrs.frozen
class Expired:
    """A consent's end event happened on ``on``, or it was ended early for ``reason``."""

    consent_id: str
    on: dt.date
    reason: str


#: Anything a :class:`ConsentLedger` records.
LedgerEvent = Granted | Withdrawn | Expired


@attrs.frozen
class DisclosureDecision:
    """The answer of :meth:`ConsentLedger.may_disclose`; true only when disclosure is permitted.

    Attributes:
        allowed: Whether the disclosure is permitted.
        reason: Why, or why not, in words fit for a case worker (no personal values).
        consent_ids: The consents relied upon (when allowed) or in the way (a denial).
    """

    allowed: bool
    reason: str
    consent_ids: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.allowed


def _refused(reason: str, consent_ids: tuple[str, ...] = ()) -> DisclosureDecision:
    return DisclosureDecision(allowed=False, reason=reason, consent_ids=consent_ids)


@attrs.frozen
class DexConsentFlags:
    """The two DEX client flags, derived from a ledger for one date.

    Attributes:
        consent_to_provide_details: DSS may store the client's name and street address.
        consented_for_future_contacts: The client may be contacted for research or evaluation.
    """

    consent_to_provide_details: bool
    consented_for_future_contacts: bool


#: What DEX's ``ConsentToProvideDetails`` covers: names and street address, for DSS to store.
DEX_DETAILS = frozenset({DataCategory.NAMES, DataCategory.STREET_ADDRESS})


class ConsentLedger:
    """An append-only record of consents and of what happened to them.

    Events are kept in the order they were recorded; :attr:`events` returns
    them all, and a ledger rebuilt from them (``ConsentLedger(events)``) answers
    every question the same way. Nothing is removed or changed: a withdrawal
    or an expiry is a new event.

    Args:
        events: Events to replay, in their recorded order (for example, loaded
            from the case-management system's store). Each is checked as if
            it were recorded now.
    """

    def __init__(self, events: Iterable[LedgerEvent] = ()) -> None:
        self._events: list[LedgerEvent] = []
        self._consents: dict[str, Consent] = {}
        self._ended: dict[str, Withdrawn | Expired] = {}
        self._by_subject: dict[str, list[str]] = {}
        for event in events:
            self._append(event)

    # -- recording ------------------------------------------------------------------------

    def grant(self, consent: Consent) -> Consent:
        """Record a consent (a permit or a denial) and return it.

        Raises:
            ConsentError: ``consent.duplicate-id`` when its id is already in the ledger.
        """
        self._append(Granted(consent))
        return consent

    def withdraw(
        self, consent_id: str, on: dt.date, *, channel: Channel | None = None
    ) -> Withdrawn:
        """Record that the client withdrew a consent, effective from ``on``.

        Disclosures on dates before ``on`` stay permitted when asked about
        later (withdrawal is not retroactive).

        Raises:
            DexKeyError: no consent has that id.
            ConsentError: ``consent.already-ended`` when it was already
                withdrawn or expired, ``consent.before-given`` when ``on`` is
                before the consent was given.
        """
        event = Withdrawn(consent_id, on, channel)
        self._append(event)
        return event

    def expire(self, consent_id: str, on: dt.date, *, reason: str) -> Expired:
        """Record that a consent ended on ``on``: its end event happened, or it ended early.

        Raises:
            DexKeyError: no consent has that id.
            ConsentError: as for :meth:`withdraw`, or ``consent.invalid-field``
                when ``reason`` is blank.
        """
        event = Expired(consent_id, on, reason)
        self._append(event)
        return event

    def _append(self, event: LedgerEvent) -> None:
        if isinstance(event, Granted):
            consent = event.consent
            if not isinstance(consent, Consent):
                raise DexValueError("Granted must hold a Consent")
            if consent.consent_id in self._consents:
                raise ConsentError(
                    "consent.duplicate-id",
                    consent.consent_id,
                    "a consent with this id is already recorded",
                )
            self._consents[consent.consent_id] = consent
            self._by_subject.setdefault(consent.subject, []).append(consent.consent_id)
        elif isinstance(event, Withdrawn | Expired):
            consent = self.consent(event.consent_id)
            if not _is_day(event.on):
                raise ConsentError(
                    "consent.invalid-field", event.consent_id, "the date must be a datetime.date"
                )
            if isinstance(event, Expired) and _blank(event.reason):
                raise ConsentError(
                    "consent.invalid-field", event.consent_id, "an expiry needs a reason"
                )
            if event.consent_id in self._ended:
                raise ConsentError(
                    "consent.already-ended",
                    event.consent_id,
                    "the consent was already withdrawn or expired",
                )
            if event.on < consent.given_on:
                raise ConsentError(
                    "consent.before-given",
                    event.consent_id,
                    "it cannot end before the day it was given",
                )
            self._ended[event.consent_id] = event
        else:
            raise DexValueError("a ledger event must be Granted, Withdrawn or Expired")
        self._events.append(event)

    # -- reading ----------------------------------------------------------------------------

    @property
    def events(self) -> tuple[LedgerEvent, ...]:
        """Every event, in the order it was recorded."""
        return tuple(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[LedgerEvent]:
        return iter(tuple(self._events))

    def __repr__(self) -> str:
        return f"ConsentLedger({len(self._consents)} consents, {len(self._events)} events)"

    def consent(self, consent_id: str) -> Consent:
        """The consent with this id.

        Raises:
            DexKeyError: no consent has that id.
        """
        try:
            return self._consents[consent_id]
        except (KeyError, TypeError):
            raise DexKeyError(
                "consent", consent_id if isinstance(consent_id, str) else None
            ) from None

    def consents(self, subject: str | None = None) -> tuple[Consent, ...]:
        """Every consent recorded (for ``subject`` only, when given), oldest first."""
        if subject is None:
            return tuple(self._consents.values())
        return tuple(self._consents[cid] for cid in self._by_subject.get(subject, ()))

    def status(self, consent_id: str, on: dt.date) -> ConsentStatus:
        """Where the consent stands on ``on``.

        Raises:
            DexKeyError: no consent has that id.
        """
        consent = self.consent(consent_id)
        ended = self._ended.get(consent_id)
        if ended is not None and on >= ended.on:
            return (
                ConsentStatus.WITHDRAWN if isinstance(ended, Withdrawn) else ConsentStatus.EXPIRED
            )
        if on < consent.valid_from:
            return ConsentStatus.PENDING
        if consent.valid_until is not None and on > consent.valid_until:
            return ConsentStatus.EXPIRED
        return ConsentStatus.ACTIVE

    def may_disclose(
        self,
        subject: str,
        recipient: str,
        purpose: Purpose,
        data: DataCategory | Iterable[DataCategory],
        on: dt.date,
    ) -> DisclosureDecision:
        """Whether ``data`` about ``subject`` may go to ``recipient`` for ``purpose`` on ``on``.

        True only when every requested category is covered by a permit that
        is active on ``on`` and matches the subject, the recipient and the
        purpose, and no active denial for the same subject, recipient and
        purpose covers any of them (a denial wins). Otherwise the decision
        says what is missing.

        Raises:
            DexValueError: ``data`` names no category, or ``on`` is not a date.
        """
        wanted = _categories(data)
        if not wanted:
            raise DexValueError("may_disclose: data must name at least one DataCategory")
        if not _is_day(on):
            raise DexValueError("may_disclose: on must be a datetime.date")
        matching, refusal = self._matching(subject, recipient, purpose)
        if refusal:
            return _refused(refusal)
        active = [c for c in matching if self.status(c.consent_id, on) is ConsentStatus.ACTIVE]
        denials = [c for c in active if not c.is_permit and c.data & wanted]
        if denials:
            return _refused(
                "the client refused this disclosure", tuple(c.consent_id for c in denials)
            )
        permits = [c for c in active if c.is_permit]
        if not permits:
            return _refused(self._why_inactive(matching, on))
        covered = frozenset().union(*(c.data for c in permits))
        missing = wanted - covered
        if missing:
            return _refused("the active consents do not cover: " + ", ".join(sorted(missing)))
        used = tuple(c.consent_id for c in permits if c.data & wanted)
        return DisclosureDecision(
            allowed=True, reason="permitted by an active consent", consent_ids=used
        )

    def _matching(
        self, subject: str, recipient: str, purpose: Purpose
    ) -> tuple[list[Consent], str]:
        """The subject's consents for this recipient and purpose, or why there are none."""
        own = self.consents(subject)
        if not own:
            return [], "no consent is recorded for this client"
        to_recipient = [c for c in own if c.recipient == recipient]
        if not to_recipient:
            return [], "no consent of this client names this recipient"
        matching = [c for c in to_recipient if c.purpose is purpose]
        if not matching:
            return [], f"no consent to this recipient covers the purpose {purpose}"
        return matching, ""

    def _why_inactive(self, matching: list[Consent], on: dt.date) -> str:
        reasons = []
        for consent in matching:
            if not consent.is_permit:
                continue
            status = self.status(consent.consent_id, on)
            ended = self._ended.get(consent.consent_id)
            if status is ConsentStatus.WITHDRAWN and ended is not None:
                reasons.append(f"withdrawn on {ended.on.isoformat()}")
            elif status is ConsentStatus.EXPIRED:
                end = ended.on if ended is not None else consent.valid_until
                reasons.append(f"expired on {end.isoformat()}" if end else "expired")
            elif status is ConsentStatus.PENDING:
                reasons.append(f"not in force until {consent.valid_from.isoformat()}")
        if not reasons:
            return "no permit matches; only denials are recorded"
        return "no consent is in force on that date (" + "; ".join(reasons) + ")"

    # -- DEX -------------------------------------------------------------------------------

    def dex_flags(self, subject: str, on: dt.date, *, recipient: str = DSS) -> DexConsentFlags:
        """The DEX consent flags for ``subject`` on ``on``.

        ``consent_to_provide_details`` needs an active permit to ``recipient``
        for :attr:`Purpose.STORE_DETAILS_IN_DEX` covering both names and street
        address (DEX stores both or neither). ``consented_for_future_contacts``
        needs one for :attr:`Purpose.CONTACT_FOR_RESEARCH` covering contact
        details.
        """
        details = self.may_disclose(
            subject, recipient, Purpose.STORE_DETAILS_IN_DEX, DEX_DETAILS, on
        )
        contact = self.may_disclose(
            subject, recipient, Purpose.CONTACT_FOR_RESEARCH, DataCategory.CONTACT_DETAILS, on
        )
        return DexConsentFlags(bool(details), bool(contact))

    def apply_to(self, client: Client, on: dt.date, *, recipient: str = DSS) -> Client:
        """``client`` with its DEX flags set from the ledger for ``on``.

        When the ledger does not permit storing details, the result is
        de-identified as :func:`dexcore.privacy.deidentify` does: names and
        street lines removed, the SLK kept (generated from the names first
        when it was missing).
        """
        flags = self.dex_flags(client.client_id, on, recipient=recipient)
        changes: dict[str, Any] = {
            "consented_for_future_contacts": flags.consented_for_future_contacts,
        }
        if not flags.consent_to_provide_details:
            client = deidentify_client(client)
        else:
            changes["consent_to_provide_details"] = True
        return attrs.evolve(client, **changes)
