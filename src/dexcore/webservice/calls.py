"""The calls a dataset's records become: the operation, the record's id and its parameters.

:func:`plan` gives every call a dataset would make, in the order they
must be made (clients, then cases, then sessions, then client
assessments), without any network: what ``dexcore submit --dry-run``
shows. The facade (:class:`dexcore.webservice.DexService`) sends the same
calls, built by the same functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from dexcore.model import Case, Client, ClientAssessment, Dataset, Session
from dexcore.webservice.fields import (
    case_record,
    client_assessment_record,
    client_record,
    paths,
    session_record,
)

__all__ = [
    "Call",
    "Plan",
    "add_case_call",
    "add_client_call",
    "add_session_call",
    "plan",
    "update_client_assessments_call",
    "update_client_call",
]


@attrs.frozen(kw_only=True)
class Call:
    """One operation call for one record, before the WSDL decides what of it is sent.

    Attributes:
        operation: The service operation, such as ``"AddClient"``.
        kind: The record's kind: ``client``, ``case``, ``session`` or ``client_assessment``.
        record_id: The record's id (a session: ``case id/session id``; a
            client assessment: ``client id/case id/session id``).
        record: The service's name for the record's type (``"Client"``), when
            the operation takes the record as one parameter; ``""`` when the
            record's elements are the operation's parameters.
        values: The record's elements, named as the service names them.
        parameters: The operation's other parameters.
    """

    operation: str
    kind: str
    record_id: str
    record: str = ""
    values: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    parameters: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def fields(self) -> tuple[str, ...]:
        """The element paths the call holds (names only), such as ``Client.SLK``."""
        own = paths(self.values, self.record)
        return (*self.parameters, *own)


def add_client_call(client: Client, *, validated_for_duplicates: bool) -> Call:
    """``AddClient(Client, HasValidatedForDuplicateClient)``."""
    return Call(
        operation="AddClient",
        kind="client",
        record_id=client.client_id,
        record="Client",
        values=client_record(client),
        parameters={"HasValidatedForDuplicateClient": validated_for_duplicates},
    )


def update_client_call(client: Client) -> Call:
    """``UpdateClient(Client)``."""
    return Call(
        operation="UpdateClient",
        kind="client",
        record_id=client.client_id,
        record="Client",
        values=client_record(client),
    )


def add_case_call(case: Case) -> Call:
    """``AddCase(Case)``."""
    return Call(
        operation="AddCase",
        kind="case",
        record_id=case.case_id,
        record="Case",
        values=case_record(case),
    )


def add_session_call(session: Session) -> Call:
    """``AddSession(CaseId, Session)``: the case id is a parameter of its own."""
    return Call(
        operation="AddSession",
        kind="session",
        record_id=f"{session.case_id}/{session.session_id}",
        record="Session",
        values=session_record(session),
        parameters={"CaseId": session.case_id},
    )


def update_client_assessments_call(assessment: ClientAssessment) -> Call:
    """``UpdateClientAssessments``: the assessment's elements are the operation's parameters."""
    return Call(
        operation="UpdateClientAssessments",
        kind="client_assessment",
        record_id=f"{assessment.client_id}/{assessment.case_id}/{assessment.session_id}",
        values=client_assessment_record(assessment),
    )


@attrs.frozen(kw_only=True)
class Plan:
    """The calls a dataset makes, and the records no facade operation sends.

    Attributes:
        calls: The calls, in the order they must be made.
        not_sent: Per kind (``outlets``, ``session_assessments``), how many
            records the facade has no operation for.
    """

    calls: tuple[Call, ...]
    not_sent: Mapping[str, int] = attrs.field(factory=dict)


def plan(dataset: Dataset, *, validated_for_duplicates: bool = False) -> Plan:
    """Every call that sending ``dataset`` record by record makes, in order.

    Clients are added (``AddClient``), then cases, sessions and client
    assessments. The organisation, outlets and session assessments are
    counted in :attr:`Plan.not_sent`.

    >>> plan(Dataset()).calls
    ()
    """
    calls = [
        *(
            add_client_call(c, validated_for_duplicates=validated_for_duplicates)
            for c in dataset.clients
        ),
        *(add_case_call(case) for case in dataset.cases),
        *(add_session_call(session) for session in dataset.sessions),
        *(update_client_assessments_call(a) for a in dataset.client_assessments),
    ]
    counts = {
        "outlets": len(dataset.outlets),
        "session_assessments": len(dataset.session_assessments),
    }
    return Plan(calls=tuple(calls), not_sent={k: n for k, n in counts.items() if n})
