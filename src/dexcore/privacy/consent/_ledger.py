"""The append-only consent ledger: it records events and answers for a date, as known on a date."""

from __future__ import annotations

import bisect
import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

import attrs

from dexcore.errors import ConsentError, DexKeyError, DexValueError
from dexcore.model import Client
from dexcore.privacy.consent._answers import LedgerView, decide, question
from dexcore.privacy.consent._events import (
    DEX_DETAILS,
    DexConsentFlags,
    DisclosureDecision,
    Expired,
    Granted,
    LedgerEvent,
    Withdrawn,
)
from dexcore.privacy.consent._ids import canonical_id, fold_key
from dexcore.privacy.consent._record import (
    DSS,
    Channel,
    Consent,
    ConsentStatus,
    DataCategory,
    Purpose,
    is_day,
)
from dexcore.privacy.consent._recording import check_end, check_grant
from dexcore.privacy.exports import deidentify_client

__all__ = ["ConsentLedger"]

End = Withdrawn | Expired
AnEnd = TypeVar("AnEnd", Withdrawn, Expired)


class ConsentLedger:
    """An append-only record of consents and of what happened to them.

    Every event carries the day it was recorded (``recorded_on``), and events
    are kept in that order: an event recorded before the latest one already
    in the ledger is refused (``consent.recorded-out-of-order``), so the
    history cannot be back-dated. :attr:`events` returns them all, and a
    ledger rebuilt from them (``ConsentLedger(events)``) answers every
    question the same way. Nothing is removed or changed: a withdrawal or an
    expiry is a new event, and when a consent has several, the earliest
    ``on`` wins.

    Every question takes ``as_known_on``: the answer the ledger gave on that
    day, from the events recorded by then (``None``, the default: every event
    recorded so far). The library never reads the clock.

    Identifiers follow :func:`canonical_id`: a permit counts only for the
    exact canonical subject, organisation and recipient; a denial counts for
    every spelling with the same :func:`fold_key`.

    Args:
        events: Events to replay, in their recorded order (for example, loaded
            from the case-management system's store). Each is checked as if
            it were recorded now.
    """

    def __init__(self, events: Iterable[LedgerEvent] = ()) -> None:
        self._lock = threading.Lock()
        self._events: list[LedgerEvent] = []
        self._days: list[dt.date] = []  # recorded_on of each event, never decreasing
        self._consents: dict[str, tuple[int, Consent]] = {}  # by fold key of the consent id
        self._ends: dict[str, list[tuple[int, End]]] = {}  # by canonical consent id
        self._by_client: dict[tuple[str, str], list[str]] = {}  # (subject, organisation) keys
        for event in events:
            self._append(event)

    # -- recording ------------------------------------------------------------------------

    def grant(self, consent: Consent, *, recorded_on: dt.date) -> Consent:
        """Record a consent (a permit or a denial) and return it.

        Args:
            consent: The consent.
            recorded_on: The day it is entered in the ledger (the caller's
                today): not before ``consent.given_on``, nor before the latest
                event already recorded. A consent given earlier and entered
                late is back-dated by ``given_on`` only, so a question asked
                ``as_known_on`` an earlier day does not see it.

        Raises:
            ConsentError: ``consent.duplicate-id`` when its id (in any case) is
                already in the ledger; ``consent.recorded-before-given``;
                ``consent.recorded-out-of-order``; ``consent.invalid-field``
                when ``recorded_on`` is not a date.
        """
        self._append(Granted(consent, recorded_on=recorded_on))
        return consent

    def withdraw(
        self,
        consent_id: str,
        on: dt.date,
        *,
        recorded_on: dt.date,
        channel: Channel | None = None,
    ) -> Withdrawn:
        """Record that the client withdrew a consent, effective from ``on``.

        Disclosures on dates before ``on`` stay permitted when asked about
        later (withdrawal is not retroactive). A withdrawal is accepted
        whatever else ended the consent: the earliest end wins, so a planned
        expiry never stands in the way of an earlier withdrawal.

        Raises:
            DexKeyError: no consent has that id.
            ConsentError: ``consent.before-given`` when ``on`` is before the
                consent was given; ``consent.recorded-out-of-order``;
                ``consent.invalid-field`` when a date is not a date.
        """
        return self._end(Withdrawn(consent_id, on, channel, recorded_on=recorded_on))

    def expire(self, consent_id: str, on: dt.date, *, reason: str, recorded_on: dt.date) -> Expired:
        """Record that a consent ends on ``on``: its end event happened, or it ends early.

        ``on`` may lie in the future (a planned end). As with :meth:`withdraw`,
        the earliest recorded end wins.

        Raises:
            DexKeyError: no consent has that id.
            ConsentError: as for :meth:`withdraw`, or ``consent.invalid-field``
                when ``reason`` is blank.
        """
        return self._end(Expired(consent_id, on, reason, recorded_on=recorded_on))

    def _end(self, event: AnEnd) -> AnEnd:
        with self._lock:
            stored = self._append_unlocked(event)
        assert isinstance(stored, type(event))  # an end is stored as an end of its kind
        return stored

    def _append(self, event: LedgerEvent) -> None:
        with self._lock:
            self._append_unlocked(event)

    def _append_unlocked(self, event: LedgerEvent) -> LedgerEvent:
        last = self._days[-1] if self._days else None
        if isinstance(event, Granted):
            stored: LedgerEvent = check_grant(event, last, self._consents)
        elif isinstance(event, Withdrawn | Expired):
            stored = check_end(event, self._lookup(event.consent_id, len(self._events)), last)
        else:
            raise DexValueError("a ledger event must be Granted, Withdrawn or Expired")
        index = len(self._events)
        if isinstance(stored, Granted):
            consent = stored.consent
            self._consents[fold_key(consent.consent_id)] = (index, consent)
            client = (fold_key(consent.subject), fold_key(consent.organisation))
            self._by_client.setdefault(client, []).append(consent.consent_id)
        else:
            self._ends.setdefault(stored.consent_id, []).append((index, stored))
        self._events.append(stored)
        self._days.append(stored.recorded_on)
        return stored

    # -- the ledger as of a day ------------------------------------------------------------

    def _cutoff(self, as_known_on: dt.date | None) -> int:
        """How many events were recorded by ``as_known_on`` (all of them for ``None``)."""
        if as_known_on is None:
            return len(self._events)
        if not is_day(as_known_on):
            raise DexValueError("as_known_on must be a datetime.date or None")
        return bisect.bisect_right(self._days, as_known_on)

    def _lookup(self, consent_id: object, cutoff: int) -> Consent:
        try:
            key = fold_key(canonical_id(consent_id))
        except ConsentError:  # replaced below, so its wording does not matter
            raise DexKeyError("consent") from None
        found = self._consents.get(key)
        if found is None or found[0] >= cutoff:
            raise DexKeyError("consent")  # never echoes the id: it is the caller's text
        return found[1]

    def _first_end(self, consent: Consent, cutoff: int) -> End | None:
        """The end with the earliest ``on`` recorded by ``cutoff`` (a withdrawal on a tie)."""
        ends = [end for index, end in self._ends.get(consent.consent_id, ()) if index < cutoff]
        if not ends:
            return None
        return min(ends, key=lambda end: (end.on, isinstance(end, Expired)))

    def _status(self, consent: Consent, on: dt.date, cutoff: int) -> ConsentStatus:
        ended = self._first_end(consent, cutoff)
        if ended is not None and on >= ended.on:
            return (
                ConsentStatus.WITHDRAWN if isinstance(ended, Withdrawn) else ConsentStatus.EXPIRED
            )
        return consent.status_by_dates(on)

    def _of_client(self, subject: str, organisation: str, cutoff: int) -> list[Consent]:
        """Every consent about this client of this organisation, in any case."""
        ids = self._by_client.get((fold_key(subject), fold_key(organisation)), ())
        found = (self._consents[fold_key(consent_id)] for consent_id in ids)
        return [consent for index, consent in found if index < cutoff]

    def _view(self, as_known_on: dt.date | None) -> LedgerView:
        cutoff = self._cutoff(as_known_on)
        return LedgerView(
            consents=lambda subject, organisation: self._of_client(subject, organisation, cutoff),
            status=lambda consent, on: self._status(consent, on, cutoff),
            first_end=lambda consent: self._first_end(consent, cutoff),
        )

    # -- reading ----------------------------------------------------------------------------

    @property
    def events(self) -> tuple[LedgerEvent, ...]:
        """Every event, in the order it was recorded."""
        with self._lock:
            return tuple(self._events)

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[LedgerEvent]:
        return iter(self.events)

    def __repr__(self) -> str:
        return f"ConsentLedger({len(self._consents)} consents, {len(self._events)} events)"

    def consent(self, consent_id: str, *, as_known_on: dt.date | None = None) -> Consent:
        """The consent with this id (matched in any case).

        Raises:
            DexKeyError: no consent has that id (or none had by ``as_known_on``).
                The message never quotes the id.
        """
        with self._lock:
            return self._lookup(consent_id, self._cutoff(as_known_on))

    def consents(
        self,
        subject: str | None = None,
        *,
        organisation: str | None = None,
        as_known_on: dt.date | None = None,
    ) -> tuple[Consent, ...]:
        """Every consent recorded, oldest first (only those of ``subject`` and ``organisation``).

        ``subject`` and ``organisation``, when given, match by :func:`fold_key`,
        so a listing for review shows every spelling.

        Raises:
            ConsentError: ``consent.invalid-id`` for an identifier with no
                canonical form.
        """
        keys = {
            name: fold_key(canonical_id(value, name))
            for name, value in (("subject", subject), ("organisation", organisation))
            if value is not None
        }
        with self._lock:
            cutoff = self._cutoff(as_known_on)
            known = sorted(item for item in self._consents.values() if item[0] < cutoff)
        return tuple(
            consent
            for _, consent in known
            if all(fold_key(getattr(consent, name)) == key for name, key in keys.items())
        )

    def status(
        self, consent_id: str, on: dt.date, *, as_known_on: dt.date | None = None
    ) -> ConsentStatus:
        """Where the consent stands on ``on``, as the ledger knew it on ``as_known_on``.

        Raises:
            DexKeyError: no consent has that id (or none had by ``as_known_on``).
            DexValueError: ``on`` is not a date.
        """
        if not is_day(on):
            raise DexValueError("status: on must be a datetime.date")
        with self._lock:
            cutoff = self._cutoff(as_known_on)
            return self._status(self._lookup(consent_id, cutoff), on, cutoff)

    def may_disclose(
        self,
        subject: str,
        recipient: str,
        purpose: Purpose,
        data: DataCategory | Iterable[DataCategory],
        on: dt.date,
        *,
        organisation: str,
        as_known_on: dt.date | None = None,
    ) -> DisclosureDecision:
        """Whether ``data`` about ``subject`` of ``organisation`` may go to ``recipient`` on ``on``.

        True only when every requested category is covered by permits that
        are active on ``on``, name exactly this subject, organisation and
        recipient (in canonical form) and this purpose, and no active denial
        for a spelling of the same subject, organisation and recipient (any
        case) and this purpose covers any of them: a denial wins. Otherwise
        the decision says what is missing.

        Args:
            subject: The client id (unique only within ``organisation``).
            recipient: Who would receive the data.
            purpose: Why.
            data: The categories to disclose.
            on: The day of the disclosure.
            organisation: The organisation whose client ``subject`` is; a
                consent recorded by another organisation never counts.
            as_known_on: Answer from the events recorded by this day only
                (default: every event).

        Raises:
            DexValueError: ``data`` names no category, ``purpose`` is not a
                :class:`Purpose` (nor its value), or a date is not a date.
            ConsentError: ``consent.invalid-id`` for an identifier with no
                canonical form.
        """
        asked = question(
            subject=subject,
            organisation=organisation,
            recipient=recipient,
            purpose=purpose,
            data=data,
            on=on,
        )
        with self._lock:
            return decide(asked, self._view(as_known_on))

    # -- DEX -------------------------------------------------------------------------------

    def dex_flags(
        self,
        subject: str,
        on: dt.date,
        *,
        organisation: str,
        recipient: str = DSS,
        as_known_on: dt.date | None = None,
    ) -> DexConsentFlags:
        """The DEX consent flags for ``subject`` of ``organisation`` on ``on``.

        ``consent_to_provide_details`` needs an active permit to ``recipient``
        for :attr:`Purpose.STORE_DETAILS_IN_DEX` covering both names and street
        address (DEX stores both or neither). ``consented_for_future_contacts``
        needs one for :attr:`Purpose.CONTACT_FOR_RESEARCH` covering contact
        details. Both are read from one state of the ledger.
        """
        details = question(
            subject=subject,
            organisation=organisation,
            recipient=recipient,
            purpose=Purpose.STORE_DETAILS_IN_DEX,
            data=DEX_DETAILS,
            on=on,
        )
        contact = attrs.evolve(
            details,
            purpose=Purpose.CONTACT_FOR_RESEARCH,
            data=frozenset({DataCategory.CONTACT_DETAILS}),
        )
        with self._lock:
            view = self._view(as_known_on)
            return DexConsentFlags(bool(decide(details, view)), bool(decide(contact, view)))

    def apply_to(
        self,
        client: Client,
        on: dt.date,
        *,
        organisation: str,
        recipient: str = DSS,
        as_known_on: dt.date | None = None,
    ) -> Client:
        """``client`` (of ``organisation``) with its DEX flags set from the ledger for ``on``.

        When the ledger does not permit storing details, the result is
        de-identified as :func:`dexcore.privacy.deidentify` does: names and
        street lines removed, the SLK kept (generated from the names first
        when it was missing).
        """
        flags = self.dex_flags(
            client.client_id,
            on,
            organisation=organisation,
            recipient=recipient,
            as_known_on=as_known_on,
        )
        changes: dict[str, Any] = {
            "consented_for_future_contacts": flags.consented_for_future_contacts,
        }
        if not flags.consent_to_provide_details:
            client = deidentify_client(client)
        else:
            changes["consent_to_provide_details"] = True
        return attrs.evolve(client, **changes)
