"""What a consent is: the vocabularies and the :class:`Consent` record, refused when incomplete."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable

import attrs

from dexcore.errors import ConsentError
from dexcore.privacy.consent._ids import canonical_id

__all__ = [
    "DSS",
    "Channel",
    "Consent",
    "ConsentStatus",
    "DataCategory",
    "Decision",
    "GivenBy",
    "Mode",
    "Purpose",
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


def categories(value: Iterable[DataCategory] | DataCategory) -> frozenset[DataCategory]:
    """The categories ``value`` names (empty when it names none or something else)."""
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
    * ``consent.invalid-id``: ``subject``, ``organisation``, ``recipient`` or
      ``consent_id`` has no canonical form (:func:`canonical_id`): inner white
      space, a character outside printable ASCII after NFKC, or more than 64
      characters. The four are stored in canonical form.
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
        subject: The client id the consent is about (never a name). DEX client
            ids are unique only within an organisation, so a consent is about
            ``subject`` *of* ``organisation``.
        organisation: The organisation that records the consent, whose client
            the subject is, and which would disclose.
        recipient: The agency that may receive the data (:data:`DSS` for DEX).
        purpose: Why the data would be disclosed.
        data: The categories of data covered (at least one).
        decision: Permit (default) or deny.
        given_on: The date the consent was given.
        valid_from: First day it is in force (default: ``given_on``).
        valid_until: Last day it is in force, when it ends on a date.
        until_event: The event that ends it (such as "end of the case"), when
            it ends on an event; record the event with :meth:`ConsentLedger.expire`.
            Free text: kept out of the repr.
        mode: Express (default) or implied.
        channel: How it was collected.
        given_by: The client (default) or a representative.
        representative_authority: The representative's authority, such as
            "guardianship order" or "parent of a child under 15" (kept out of the repr).
        consent_id: The consent's own id (a random hex id by default).
    """

    subject: str
    organisation: str
    recipient: str
    purpose: Purpose
    data: frozenset[DataCategory] = attrs.field(converter=categories)
    given_on: dt.date
    channel: Channel
    decision: Decision = Decision.PERMIT
    valid_from: dt.date = attrs.field(default=attrs.Factory(_given_on, takes_self=True))
    valid_until: dt.date | None = None
    until_event: str | None = attrs.field(default=None, repr=False)
    mode: Mode = Mode.EXPRESS
    given_by: GivenBy = GivenBy.SUBJECT
    representative_authority: str | None = attrs.field(default=None, repr=False)
    consent_id: str = attrs.field(factory=_new_id)

    def __attrs_post_init__(self) -> None:
        _check_consent(self)
        # Checked last (consent.invalid-id) and stored in canonical form, so every
        # comparison starts equal.
        for name in _ID_FIELDS:
            object.__setattr__(self, name, canonical_id(getattr(self, name), name))

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
        return self.status_by_dates(on) is ConsentStatus.ACTIVE

    def status_by_dates(self, on: dt.date) -> ConsentStatus:
        """Where ``on`` lies in the consent's own dates, ignoring events.

        The one definition of the consent's date window: :attr:`~ConsentStatus.PENDING`
        before ``valid_from``, :attr:`~ConsentStatus.EXPIRED` after ``valid_until``,
        :attr:`~ConsentStatus.ACTIVE` between them (both days included). A ledger
        puts a recorded withdrawal or end event before this
        (:meth:`ConsentLedger.status <dexcore.privacy.consent.ConsentLedger.status>`).
        """
        if on < self.valid_from:
            return ConsentStatus.PENDING
        if self.valid_until is not None and on > self.valid_until:
            return ConsentStatus.EXPIRED
        return ConsentStatus.ACTIVE


#: The identifier fields, kept in the canonical form of :func:`canonical_id`.
_ID_FIELDS = ("subject", "organisation", "recipient", "consent_id")


def _blank(value: object) -> bool:
    return not isinstance(value, str) or not value.strip()


def _check_consent(consent: Consent) -> None:
    cid = consent.consent_id if isinstance(consent.consent_id, str) else ""
    if _blank(consent.consent_id):
        raise ConsentError("consent.invalid-field", cid, "consent_id must be non-blank text")
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
        if not (is_day(value) or (optional and value is None)):
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


def is_day(value: object) -> bool:
    """Whether ``value`` is a :class:`datetime.date` and not a ``datetime``."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
