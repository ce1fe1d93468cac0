"""Fitting a call to the WSDL: keep what the operation's types declare, list what they do not.

Nothing here knows DEX's message layout: the operation's parameters and
every type's elements are read from the WSDL that zeep loaded. The objects
are zeep's (typed ``Any``: zeep publishes no type information).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from dexcore.errors import ServiceContractError
from dexcore.webservice.calls import Call

__all__ = ["fit_call", "operation_parameters"]

_DATE_TIME = "{http://www.w3.org/2001/XMLSchema}dateTime"


def operation_parameters(client: Any, operation: str) -> dict[str, Any]:  # noqa: ANN401
    """The operation's input parameters, by name, as the WSDL declares them.

    Raises:
        ServiceContractError: the WSDL's service has no such operation.
    """
    try:
        found = client.service._binding.get(operation)
    except ValueError:
        raise ServiceContractError(
            operation, operation, "the WSDL declares no such operation"
        ) from None
    body = found.input.body
    return {} if body is None else dict(body.type.elements)


def _fit_value(value: Any, element: Any, path: str, dropped: list[str]) -> Any:  # noqa: ANN401
    if isinstance(value, list):
        return [_fit_value(item, element, path, dropped) for item in value]
    if not isinstance(value, Mapping):
        return _as_declared(value, element)
    declared = getattr(element.type, "elements", None)
    if declared is None:  # the WSDL has a simple value where dexcore has a structure
        dropped.append(path)
        return None
    return _fit_record(value, dict(declared), path, dropped)


def _as_declared(value: object, element: Any) -> object:  # noqa: ANN401
    """A date where the WSDL declares an ``xs:dateTime``: that date at midnight."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        return value
    if str(getattr(element.type, "qname", "")) == _DATE_TIME:
        return dt.datetime.combine(value, dt.time())
    return value


def _fit_record(
    value: Mapping[str, Any], declared: Mapping[str, Any], path: str, dropped: list[str]
) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name, item in value.items():
        here = f"{path}.{name}" if path else name
        if name not in declared:
            dropped.append(here)
            continue
        kept[name] = _fit_value(item, declared[name], here, dropped)
    return kept


def fit_call(client: Any, call: Call) -> tuple[dict[str, Any], tuple[str, ...]]:  # noqa: ANN401
    """The call's arguments as the WSDL declares them, and the element paths it does not.

    Raises:
        ServiceContractError: the operation is not in the WSDL, or does not
            take the record as a parameter.
    """
    parameters = operation_parameters(client, call.operation)
    dropped: list[str] = []
    arguments: dict[str, Any] = {}
    others = dict(call.parameters)
    if call.record:
        if call.record not in parameters:
            raise ServiceContractError(
                call.operation, f"{call.operation}({call.record})", "the WSDL has no such parameter"
            )
        arguments[call.record] = _fit_value(
            dict(call.values), parameters[call.record], call.record, dropped
        )
    else:
        others = {**call.values, **others}
    arguments.update(_fit_record(others, parameters, "", dropped))
    return arguments, tuple(dict.fromkeys(dropped))
