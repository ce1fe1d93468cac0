"""What a call gave back: DSS's transaction status read into a result, or into an error.

Every DEX response carries ``TransactionStatus/TransactionStatusCode``,
``Success`` or ``Failed``, with messages. A ``Failed`` status becomes
:class:`~dexcore.errors.ServiceFailed` carrying DSS's message **codes**
only (the values of the message elements whose names end in ``Code``): the
message texts are dropped, because a message may quote a value that was
sent (a name, a birth date). The number of texts dropped is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from dexcore.errors import ServiceContractError, ServiceFailed

__all__ = ["SUCCESS", "ServiceResult", "read_status"]

#: The ``TransactionStatusCode`` of a call DEX accepted.
SUCCESS = "Success"
_FAILED = "Failed"
# How deep in the response body the TransactionStatus is looked for.
_STATUS_DEPTH = 2


@attrs.frozen(kw_only=True)
class ServiceResult:
    """A call DEX accepted.

    Attributes:
        operation: The operation, such as ``"AddClient"``.
        record_id: The record sent (see :attr:`dexcore.webservice.Call.record_id`), or ``""``.
        message_codes: DSS's message codes, if the success carried any.
        not_sent: Element paths of the record that the WSDL does not declare,
            so were not sent (names only).
        data: The rest of the response, as plain dicts and lists (search
            results, reference data); not in the repr, as it may hold
            personal values.
    """

    operation: str
    record_id: str = ""
    message_codes: tuple[str, ...] = ()
    not_sent: tuple[str, ...] = ()
    data: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


def _find_status(plain: object, depth: int = 0) -> Mapping[str, Any] | None:
    if not isinstance(plain, Mapping):
        return None
    if "TransactionStatusCode" in plain:
        return plain
    if depth >= _STATUS_DEPTH:
        return None
    for value in plain.values():
        found = _find_status(value, depth + 1)
        if found is not None:
            return found
    return None


def _messages(value: object, codes: list[str]) -> int:
    """Collect the message codes in ``value``; return how many other texts it holds."""
    texts = 0
    if isinstance(value, Mapping):
        for name, item in value.items():
            if str(name).endswith("Code") and isinstance(item, str):
                codes.append(item)
            elif isinstance(item, str):
                texts += 1
            else:
                texts += _messages(item, codes)
    elif isinstance(value, list):
        texts += sum(_messages(item, codes) for item in value)
    return texts


def read_status(operation: str, record_id: str, plain: object) -> ServiceResult:
    """The response body (as plain data) read into a result.

    Raises:
        ServiceFailed: the status is ``Failed``.
        ServiceContractError: the body holds no ``TransactionStatus`` or an unknown status code.
    """
    status = _find_status(plain)
    if status is None:
        raise ServiceContractError(operation, "response", "holds no TransactionStatusCode")
    codes: list[str] = []
    texts = _messages({k: v for k, v in status.items() if k != "TransactionStatusCode"}, codes)
    code = status["TransactionStatusCode"]
    if code == _FAILED:
        raise ServiceFailed(operation, tuple(codes), texts)
    if code != SUCCESS:
        raise ServiceContractError(
            operation, "TransactionStatusCode", "is neither Success nor Failed"
        )
    data = (
        {k: v for k, v in plain.items() if k != "TransactionStatus"}
        if isinstance(plain, Mapping) and status is not plain
        else {}
    )
    return ServiceResult(
        operation=operation, record_id=record_id, message_codes=tuple(codes), data=data
    )
