"""How a disclosure question is answered from the consents a ledger knew on a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import attrs

from dexcore.errors import DexValueError
from dexcore.privacy.consent._events import DisclosureDecision, Expired, Withdrawn, refused
from dexcore.privacy.consent._ids import canonical_id, fold_key
from dexcore.privacy.consent._record import (
    Consent,
    ConsentStatus,
    DataCategory,
    Purpose,
    categories,
    is_day,
)

__all__ = ["LedgerView", "Question", "decide", "question"]


@attrs.frozen(kw_only=True)
class Question:
    """One disclosure question, its identifiers in canonical form."""

    subject: str
    organisation: str
    recipient: str
    purpose: Purpose
    data: frozenset[DataCategory]
    on: dt.date

    def names_exactly(self, consent: Consent) -> bool:
        """Whether ``consent`` names this subject, organisation and recipient, spelled the same."""
        return (consent.subject, consent.organisation, consent.recipient) == (
            self.subject,
            self.organisation,
            self.recipient,
        )


def question(
    *,
    subject: str,
    organisation: str,
    recipient: str,
    purpose: Purpose,
    data: DataCategory | Iterable[DataCategory],
    on: dt.date,
) -> Question:
    """Check and canonicalise a question (raises on a bad argument, never quoting it)."""
    wanted = categories(data)
    if not wanted:
        raise DexValueError("may_disclose: data must name at least one DataCategory")
    if not is_day(on):
        raise DexValueError("may_disclose: on must be a datetime.date")
    if not (isinstance(purpose, str) and purpose in _PURPOSES):  # a reason quotes it
        raise DexValueError("may_disclose: purpose must be one of dexcore.privacy.consent.Purpose")
    return Question(
        subject=canonical_id(subject, "subject"),
        organisation=canonical_id(organisation, "organisation"),
        recipient=canonical_id(recipient, "recipient"),
        purpose=Purpose(purpose),
        data=wanted,
        on=on,
    )


_PURPOSES = frozenset(Purpose) | frozenset(item.value for item in Purpose)


@attrs.frozen(kw_only=True)
class LedgerView:
    """The ledger as it stood on one day: its consents by client, their status and their ends."""

    consents: Callable[[str, str], list[Consent]]
    status: Callable[[Consent, dt.date], ConsentStatus]
    first_end: Callable[[Consent], Withdrawn | Expired | None]


def decide(asked: Question, view: LedgerView) -> DisclosureDecision:
    """The answer to ``asked``: a denial in any case wins; a permit counts only spelled exactly."""
    matching, refusal = _matching(asked, view)
    if refusal:
        return refused(refusal)
    active = [c for c in matching if view.status(c, asked.on) is ConsentStatus.ACTIVE]
    denials = [c for c in active if not c.is_permit and c.data & asked.data]
    if denials:
        return refused("the client refused this disclosure", tuple(c.consent_id for c in denials))
    exact = [c for c in matching if c.is_permit and asked.names_exactly(c)]
    if not exact:
        return refused(_why_no_exact_permit(matching))
    live = {c.consent_id for c in active}
    permits = [c for c in exact if c.consent_id in live]
    if not permits:
        return refused(_why_inactive(exact, asked.on, view))
    covered = frozenset().union(*(c.data for c in permits))
    missing = asked.data - covered
    if missing:
        return refused("the active consents do not cover: " + ", ".join(sorted(missing)))
    used = tuple(c.consent_id for c in permits if c.data & asked.data)
    return DisclosureDecision(
        allowed=True, reason="permitted by an active consent", consent_ids=used
    )


def _matching(asked: Question, view: LedgerView) -> tuple[list[Consent], str]:
    """The client's consents for this recipient and purpose (any case), or why there are none."""
    own = view.consents(asked.subject, asked.organisation)
    if not own:
        return [], "no consent is recorded for this client of this organisation"
    recipient = fold_key(asked.recipient)
    to_recipient = [c for c in own if fold_key(c.recipient) == recipient]
    if not to_recipient:
        return [], "no consent of this client names this recipient"
    matching = [c for c in to_recipient if c.purpose is asked.purpose]
    if not matching:
        return [], f"no consent to this recipient covers the purpose {asked.purpose}"
    return matching, ""


def _why_no_exact_permit(matching: list[Consent]) -> str:
    if any(c.is_permit for c in matching):
        return (
            "the permits recorded spell the client, organisation or recipient id in another "
            "case; a permit counts only for the id exactly as recorded"
        )
    return "no permit matches; only denials are recorded"


def _why_inactive(permits: list[Consent], on: dt.date, view: LedgerView) -> str:
    reasons = []
    for consent in permits:
        status = view.status(consent, on)
        ended = view.first_end(consent)
        if status is ConsentStatus.WITHDRAWN and ended is not None:
            reasons.append(f"withdrawn on {ended.on.isoformat()}")
        elif status is ConsentStatus.EXPIRED:
            reasons.append(f"expired on {_expired_on(consent, ended, on).isoformat()}")
        elif status is ConsentStatus.PENDING:
            reasons.append(f"not in force until {consent.valid_from.isoformat()}")
    return "no consent is in force on that date (" + "; ".join(reasons) + ")"


def _expired_on(consent: Consent, ended: Withdrawn | Expired | None, on: dt.date) -> dt.date:
    """The day an expired consent ended: its recorded end, when that came by ``on``."""
    if ended is not None and on >= ended.on:
        return ended.on
    # Otherwise it expired by its own dates, which needs a valid_until (status_by_dates).
    assert consent.valid_until is not None
    return consent.valid_until
