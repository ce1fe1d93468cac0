"""Sessions: single instances of service within a case.

A session has one date and exactly one service type; it lists the clients
who attended (as clients or support persons) and a count of unidentified
clients (DSS bulk-upload schema, element ``Session``; Data Exchange
Protocols v11 §5.2.2; see ``docs/explanation/sources.md``).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable

import attrs

from dexcore.model import _fields as f
from dexcore.model.codes import ParticipationType, ReferralType

__all__ = ["Referral", "Session", "SessionClient"]


@attrs.frozen(kw_only=True)
class Referral:
    """A referral out of a session (``ClientReferralOutWithPurpose/Referral``).

    Attributes:
        referral_type: Internal or external.
        purposes: Purpose codes (open table); DEX needs at least one.
    """

    referral_type: ReferralType = attrs.field(validator=f.member(ReferralType))
    purposes: tuple[str, ...] = attrs.field(converter=f.codes, validator=f.all_codes)


def _referrals(value: Iterable[Referral]) -> tuple[Referral, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class SessionClient:
    """A client who attended a session.

    Attributes:
        client_id: The client's id.
        participation: ``CLIENT`` if they received the service, ``SUPPORT``
            if they came to support someone who did.
        referrals: Referrals out made for this client at this session.
    """

    client_id: str = attrs.field(validator=f.identifier)
    participation: ParticipationType = attrs.field(
        default=ParticipationType.CLIENT, validator=f.member(ParticipationType)
    )
    referrals: tuple[Referral, ...] = attrs.field(
        default=(), converter=_referrals, validator=f.all_of(Referral)
    )


def _session_clients(value: Iterable[SessionClient]) -> tuple[SessionClient, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Session:
    """One instance of service, on one date, of one service type.

    Attributes:
        session_id: The organisation's id, unique within the case.
        case_id: The case the session belongs to.
        session_date: The day the service was delivered; it decides the
            reporting period.
        service_type_id: DSS service type (valid for the case's activity).
        total_unidentified_clients: Unidentified attendees (0–999), never
            more than the case's figure.
        clients: The identified clients who attended.
        fees_charged: Fees charged (CHSP, Family Law Services), 0 or more.
        money_business_workshop: Money Business community education workshop code.
        interpreter_present: Whether an interpreter was present.
        time_minutes: CHSP amount of assistance in minutes.
        total_cost: CHSP cost of assistance in whole dollars.
        quantity: CHSP quantity of assistance.
        extra_items: CHSP home modification item codes.
        topic: Session topic code (mandatory for some programs, such as NDAP).
        service_setting: Where the service was delivered (from 2018).
        external_referral_destination: RFCS external referral destination code.
        hardship_type: RFCS hardship type code.
    """

    session_id: str = attrs.field(validator=f.identifier)
    case_id: str = attrs.field(validator=f.identifier)
    session_date: dt.date = attrs.field(validator=f.day)
    service_type_id: int = attrs.field(validator=f.whole(0))
    total_unidentified_clients: int = attrs.field(
        default=0, validator=f.whole(0, f.MAX_UNIDENTIFIED)
    )
    clients: tuple[SessionClient, ...] = attrs.field(
        default=(), converter=_session_clients, validator=f.all_of(SessionClient)
    )
    fees_charged: decimal.Decimal | None = attrs.field(default=None, validator=f.optional_money)
    money_business_workshop: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )
    interpreter_present: bool | None = attrs.field(default=None, validator=f.optional_flag)
    time_minutes: int | None = attrs.field(default=None, validator=f.optional_whole(0))
    total_cost: int | None = attrs.field(default=None, validator=f.optional_whole(0))
    quantity: int | None = attrs.field(default=None, validator=f.optional_whole(0))
    extra_items: tuple[str, ...] = attrs.field(default=(), converter=f.codes, validator=f.all_codes)
    topic: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )
    service_setting: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )
    external_referral_destination: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )
    hardship_type: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )

    @property
    def key(self) -> tuple[str, str]:
        """``(case_id, session_id)``: session ids are unique only within a case."""
        return (self.case_id, self.session_id)

    @property
    def attendances(self) -> int:
        """Attached clients plus unidentified clients."""
        return len(self.clients) + self.total_unidentified_clients

    @property
    def has_attached_client(self) -> bool:
        """Whether at least one client is attached, so the session counts in its period."""
        return bool(self.clients)
