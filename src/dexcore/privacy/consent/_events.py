"""What a consent ledger records (grants, withdrawals, expiries) and what it answers."""

from __future__ import annotations

import datetime as dt

import attrs

from dexcore.privacy.consent._record import Channel, Consent, DataCategory

__all__ = [
    "DEX_DETAILS",
    "DexConsentFlags",
    "DisclosureDecision",
    "Expired",
    "Granted",
    "LedgerEvent",
    "Withdrawn",
]


@attrs.frozen
class Granted:
    """A consent was recorded on ``recorded_on``.

    Attributes:
        consent: The consent (a permit or a denial).
        recorded_on: The day it was entered in the ledger, which may be later
            than ``consent.given_on`` (a paper form typed in next week) but
            never earlier.
    """

    consent: Consent
    recorded_on: dt.date = attrs.field(kw_only=True)


@attrs.frozen
class Withdrawn:
    """A consent was withdrawn with effect from ``on``: no disclosure on or after that day.

    Attributes:
        consent_id: The consent withdrawn.
        on: The first day it no longer holds; may be before ``recorded_on``
            (the client phoned on Monday, it was entered on Wednesday) or after it.
        channel: How the withdrawal was received, when known.
        recorded_on: The day the withdrawal was entered in the ledger.
    """

    consent_id: str
    on: dt.date
    channel: Channel | None = None
    recorded_on: dt.date = attrs.field(kw_only=True)


@attrs.frozen
class Expired:
    """A consent's end event happened on ``on``, or it was ended early for ``reason``.

    Attributes:
        consent_id: The consent that ended.
        on: The first day it no longer holds (a planned end may lie in the future).
        reason: Why, in words (free text: kept out of the repr).
        recorded_on: The day the expiry was entered in the ledger.
    """

    consent_id: str
    on: dt.date
    reason: str = attrs.field(repr=False)
    recorded_on: dt.date = attrs.field(kw_only=True)


#: Anything a :class:`ConsentLedger` records.
LedgerEvent = Granted | Withdrawn | Expired


@attrs.frozen
class DisclosureDecision:
    """The answer of :meth:`ConsentLedger.may_disclose`; true only when disclosure is permitted.

    Attributes:
        allowed: Whether the disclosure is permitted.
        reason: Why, or why not, in words fit for a case worker. It never
            quotes an identifier or any other text the caller gave.
        consent_ids: The consents relied upon (when allowed) or in the way (a denial).
    """

    allowed: bool
    reason: str
    consent_ids: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.allowed


def refused(reason: str, consent_ids: tuple[str, ...] = ()) -> DisclosureDecision:
    """A decision that refuses, for ``reason``."""
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
