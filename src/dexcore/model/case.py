"""Cases and the clients attached to them.

A case sits under one outlet activity and holds the clients it serves and
the sessions delivered to them (DSS bulk-upload schema, element ``Case``;
Data Exchange Protocols v13 §4.2; see ``docs/explanation/sources.md``). It can run
over several reporting periods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from dexcore.model import _fields as f
from dexcore.model.codes import ParentingAgreement, Section60ICertificateType

__all__ = [
    "Case",
    "CaseClient",
    "ParentingAgreementOutcome",
    "PropertyAgreementOutcome",
    "ReasonForAssistance",
    "Section60I",
]


@attrs.frozen(kw_only=True)
class ReasonForAssistance:
    """One reason a client sought assistance.

    Attributes:
        code: Reason code (an open table, such as ``HOUSING``).
        is_primary: Whether this is the client's primary reason.
    """

    code: str = attrs.field(converter=f.code, validator=f.text)
    is_primary: bool = attrs.field(default=False, validator=f.flag)


def _one_primary(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Reasons, when given, include exactly one primary reason (Protocols §7.2)."""
    f.all_of(ReasonForAssistance)(instance, attribute, value)
    assert isinstance(value, tuple)  # narrowing after all_of()
    if value and sum(reason.is_primary for reason in value) != 1:
        raise f.fail(instance, attribute, "must include exactly one primary reason")


def _reasons(
    value: Iterable[ReasonForAssistance],
) -> tuple[ReasonForAssistance, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class CaseClient:
    """A client attached to a case.

    Attributes:
        client_id: The client's id.
        referral_source: Where the client was referred from (open table).
        reasons_for_assistance: Why they sought help; exactly one primary when any.
        exit_reason: Why they left the case (open table), once they have.
    """

    client_id: str = attrs.field(validator=f.identifier)
    referral_source: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )
    reasons_for_assistance: tuple[ReasonForAssistance, ...] = attrs.field(
        default=(), converter=_reasons, validator=_one_primary
    )
    exit_reason: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )

    @property
    def primary_reason(self) -> ReasonForAssistance | None:
        """The primary reason for assistance, if reasons are recorded."""
        return next((reason for reason in self.reasons_for_assistance if reason.is_primary), None)


@attrs.frozen(kw_only=True)
class ParentingAgreementOutcome:
    """Family Law Services: the parenting agreement a case reached.

    Attributes:
        outcome: Full, partial or no agreement.
        agreement_date: When it was reached.
        legal_practitioner_assisted: Whether a legal practitioner helped formalise it.
    """

    outcome: ParentingAgreement = attrs.field(validator=f.member(ParentingAgreement))
    agreement_date: dt.date = attrs.field(validator=f.day)
    legal_practitioner_assisted: bool = attrs.field(validator=f.flag)


@attrs.frozen(kw_only=True)
class Section60I:
    """Family Law Act section 60I certificate issued for a case.

    Attributes:
        certificate_type: The kind of certificate.
        date_issued: When it was issued.
    """

    certificate_type: Section60ICertificateType = attrs.field(
        validator=f.member(Section60ICertificateType)
    )
    date_issued: dt.date = attrs.field(validator=f.day)


@attrs.frozen(kw_only=True)
class PropertyAgreementOutcome:
    """Family Law Services: property mediation outcome (bulk spec v1.10).

    Attributes:
        outcome: Outcome code (open table).
        agreement_date: When the agreement was reached.
        legal_practitioner_assisted: Whether a legal practitioner assisted.
    """

    outcome: str = attrs.field(converter=f.code, validator=f.text)
    agreement_date: dt.date = attrs.field(validator=f.day)
    legal_practitioner_assisted: bool = attrs.field(validator=f.flag)


def _case_clients(value: Iterable[CaseClient]) -> tuple[CaseClient, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Case:
    """A case: clients and sessions under one outlet activity.

    Attributes:
        case_id: The organisation's id for the case; must not reveal a client.
        outlet_activity_id: The outlet activity the case belongs to.
        total_unidentified_clients: Expected number of unidentified clients
            over the case (0–999); no session may exceed it.
        clients: The clients attached to the case.
        parenting_agreement_outcome: Family Law Services outcome.
        section60i: Family Law Services certificate.
        property_agreement_outcome: Family Law Services property outcome.
        client_attendance_profile: Attendance profile code (from 2018).
        end_date: When the case ended; must not be in the future.
        ag_business_type: Program-specific business type code.
    """

    case_id: str = attrs.field(validator=f.identifier)
    outlet_activity_id: int = attrs.field(validator=f.whole(0))
    total_unidentified_clients: int = attrs.field(
        default=0, validator=f.whole(0, f.MAX_UNIDENTIFIED)
    )
    clients: tuple[CaseClient, ...] = attrs.field(
        default=(), converter=_case_clients, validator=f.all_of(CaseClient)
    )
    parenting_agreement_outcome: ParentingAgreementOutcome | None = attrs.field(
        default=None, validator=f.optional_of(ParentingAgreementOutcome)
    )
    section60i: Section60I | None = attrs.field(default=None, validator=f.optional_of(Section60I))
    property_agreement_outcome: PropertyAgreementOutcome | None = attrs.field(
        default=None, validator=f.optional_of(PropertyAgreementOutcome)
    )
    client_attendance_profile: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )
    end_date: dt.date | None = attrs.field(default=None, validator=f.optional_day)
    ag_business_type: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )

    @property
    def client_ids(self) -> frozenset[str]:
        """The ids of the clients attached to the case."""
        return frozenset(client.client_id for client in self.clients)
