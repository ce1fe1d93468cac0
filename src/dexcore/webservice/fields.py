"""How dexcore's model becomes the web service's fields: one table, and the records it makes.

The service's element names are the bulk upload's (DSS, "Data Exchange
bulk upload technical specifications", https://dex.dss.gov.au/document/131)
except for the differences in :data:`FIELD_MAP`, which DSS's web services
specification lists. Everything else is derived from the WSDL at run time:
:mod:`dexcore.webservice` sends an element only where the WSDL's type
declares it, and reports the rest as not sent.

A client's names and street lines are never in a record of a client who
did not consent, whatever the model holds: the same elements the bulk
writer leaves out (:func:`dexcore.io.bulk.write_bulk`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from dexcore.io._schema import CASE, CLIENT, CLIENT_ASSESSMENT, SESSION, Element, Shape
from dexcore.model import Case, Client, ClientAssessment, DomainScore, Session
from dexcore.model.codes import CodeEnum

__all__ = [
    "FIELD_MAP",
    "FieldMapping",
    "case_record",
    "client_assessment_record",
    "client_record",
    "paths",
    "session_record",
]


@attrs.frozen(kw_only=True)
class FieldMapping:
    """One difference between the bulk format's names and the web service's.

    Attributes:
        service: Where the service has it: ``Type.Element``, or
            ``Operation(Parameter)`` for an operation's own parameter.
        bulk: The bulk format's element, or ``""`` when it has none.
        model: The dexcore field, or the facade's argument.
        note: What differs.
        renamed: Whether the row only renames the bulk element (same value).
    """

    service: str
    bulk: str
    model: str
    note: str
    renamed: bool = False

    @property
    def renames(self) -> tuple[str, str, str] | None:
        """``(type, bulk element, service element)`` when this row renames an element."""
        kind, _, element = self.service.partition(".")
        if not self.renamed:
            return None
        return kind, self.bulk.rpartition(".")[2], element

    @property
    def moves(self) -> tuple[str, str] | None:
        """``(type, element)`` when this row makes an element an operation's own parameter."""
        if "(" not in self.service or "." not in self.bulk:
            return None
        kind, _, element = self.bulk.partition(".")
        return kind, element


#: The differences between the bulk format and the web service, in one table.
FIELD_MAP: tuple[FieldMapping, ...] = (
    FieldMapping(
        service="ResidentialAddress.State",
        bulk="ResidentialAddress.StateCode",
        model="Client.residential_address.state",
        note="renamed",
        renamed=True,
    ),
    FieldMapping(
        service="Client.SLK", bulk="Client.Slk", model="Client.slk", note="renamed", renamed=True
    ),
    FieldMapping(
        service="Client.HomelessIndicatorCode",
        bulk="Client.IsHomeless",
        model="Client.extended.homeless_indicator",
        note="the service carries the code; the older flag (extended.is_homeless) is sent"
        " only if the WSDL declares IsHomeless",
    ),
    FieldMapping(
        service="ReasonForAssistance.AssistanceNeededCode",
        bulk="ReasonForAssistance.ReasonForAssistanceCode",
        model="CaseClient.reasons_for_assistance[].code",
        note="renamed",
        renamed=True,
    ),
    FieldMapping(
        service="AddSession(CaseId)",
        bulk="Session.CaseId",
        model="Session.case_id",
        note="a parameter of AddSession beside the Session, not an element of it",
    ),
    FieldMapping(
        service="AddClient(HasValidatedForDuplicateClient)",
        bulk="",
        model="add_client(validated_for_duplicates=...)",
        note="a parameter of AddClient; the bulk format has none",
    ),
)

_RENAMED: Mapping[tuple[str, str], str] = {
    (kind, bulk): service
    for kind, bulk, service in (row.renames for row in FIELD_MAP if row.renames)
}
#: Elements that become an operation's own parameter instead (type, element).
_MOVED = frozenset(row.moves for row in FIELD_MAP if row.moves)


def _plain(value: object) -> object:
    """A value as zeep takes it: codes as DSS writes them, everything else as it is."""
    if isinstance(value, CodeEnum):
        return value.value
    if isinstance(value, DomainScore):
        return value.code
    return value


def _value(obj: object, element: Element) -> Any:  # noqa: ANN401 (any model field)
    if element.extended:
        extended = getattr(obj, "extended", None)
        return None if extended is None else getattr(extended, element.name)
    return getattr(obj, element.name)


def _item(shape: Shape | None, value: Any, consented: bool) -> Any:  # noqa: ANN401
    if shape is not None:
        return _record(shape, value, consented=consented)
    return _plain(value)


def _record(shape: Shape, obj: object, *, consented: bool = True) -> dict[str, Any]:
    kind = shape.cls.__name__
    found: dict[str, Any] = {}
    for element in shape.elements:
        value = _value(obj, element)
        if (element.personal and not consented) or value is None or value == ():
            continue
        if (kind, element.tag) in _MOVED:
            continue
        name = _RENAMED.get((kind, element.tag), element.tag)
        if element.item is None:
            found[name] = _item(element.shape, value, consented)
        else:
            items = [_item(element.shape, v, consented) for v in value]
            found[name] = {element.item: items}
    return found


def client_record(client: Client) -> dict[str, Any]:
    """The client as the service's ``Client``: names and street lines only with consent."""
    return _record(CLIENT, client, consented=client.consent_to_provide_details)


def case_record(case: Case) -> dict[str, Any]:
    """The case as the service's ``Case``."""
    return _record(CASE, case)


def session_record(session: Session) -> dict[str, Any]:
    """The session as the service's ``Session``, without its case id (a parameter of its own)."""
    return _record(SESSION, session)


def client_assessment_record(assessment: ClientAssessment) -> dict[str, Any]:
    """A client's SCORE assessments of one session, element by element."""
    return _record(CLIENT_ASSESSMENT, assessment)


def paths(value: Mapping[str, Any], prefix: str = "") -> tuple[str, ...]:
    """The dotted element paths a record holds, such as ``Client.ResidentialAddress.State``.

    Field names only, never values: what the dry run shows.
    """
    found: list[str] = []
    for name, item in value.items():
        here = f"{prefix}.{name}" if prefix else name
        items = item if isinstance(item, list) else [item]
        nested = [i for i in items if isinstance(i, Mapping)]
        if not nested:
            found.append(here)
        for child in nested:
            found.extend(p for p in paths(child, here) if p not in found)
    return tuple(dict.fromkeys(found))
