"""The checks an event passes before a consent ledger records it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container

import attrs

from dexcore.errors import ConsentError, DexValueError
from dexcore.privacy.consent._events import Expired, Granted, Withdrawn
from dexcore.privacy.consent._ids import fold_key
from dexcore.privacy.consent._record import Consent, is_day

__all__ = ["check_end", "check_grant"]

End = Withdrawn | Expired


def check_recorded(recorded_on: object, last: dt.date | None, consent_id: str) -> dt.date:
    """``recorded_on``, when it is a date no earlier than the ``last`` one recorded."""
    if not is_day(recorded_on):
        raise ConsentError("consent.invalid-field", consent_id, "recorded_on must be a date")
    assert isinstance(recorded_on, dt.date)  # narrowed by is_day
    if last is not None and recorded_on < last:
        raise ConsentError(
            "consent.recorded-out-of-order",
            consent_id,
            "recorded_on is before the latest event in the ledger; record events in the "
            "order they are entered, each dated the day it is entered",
        )
    return recorded_on


def check_grant(event: Granted, last: dt.date | None, taken: Container[str]) -> Granted:
    """``event``, when it can be recorded after ``last`` and its id's fold key is not ``taken``."""
    consent = event.consent
    if not isinstance(consent, Consent):
        raise DexValueError("Granted must hold a Consent")
    recorded_on = check_recorded(event.recorded_on, last, consent.consent_id)
    if recorded_on < consent.given_on:
        raise ConsentError(
            "consent.recorded-before-given",
            consent.consent_id,
            "a consent cannot be recorded before the day it was given",
        )
    if fold_key(consent.consent_id) in taken:
        raise ConsentError(
            "consent.duplicate-id",
            consent.consent_id,
            "a consent with this id (in any case) is already recorded",
        )
    return event


def check_end(event: End, consent: Consent, last: dt.date | None) -> End:
    """``event``, naming ``consent`` by its canonical id, when it can be recorded after ``last``."""
    if not is_day(event.on):
        raise ConsentError("consent.invalid-field", consent.consent_id, "on must be a date")
    check_recorded(event.recorded_on, last, consent.consent_id)
    if isinstance(event, Expired) and (
        not isinstance(event.reason, str) or not event.reason.strip()
    ):
        raise ConsentError("consent.invalid-field", consent.consent_id, "an expiry needs a reason")
    if event.on < consent.given_on:
        raise ConsentError(
            "consent.before-given",
            consent.consent_id,
            "it cannot end before the day it was given",
        )
    return attrs.evolve(event, consent_id=consent.consent_id)
