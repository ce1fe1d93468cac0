"""One SOAP call through zeep: the signature, the attempt, and zeep's failures as dexcore's.

zeep is imported only when a call needs it. Every dexcore error raised here
is raised ``from None``: zeep's exceptions hold the message or the answer,
which may hold personal values.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from typing import Any

from dexcore.errors import (
    ServiceContractError,
    ServiceCredentialsMissing,
    ServiceFault,
    ServiceUnavailable,
)
from dexcore.webservice._zeep import missing_zeep
from dexcore.webservice.credentials import ENV_PASSWORD, ENV_USERNAME, CredentialSource

__all__ = ["Retry", "Token", "attempt", "fitting", "load_client", "zeep_package"]

# A fault code is a qualified name, such as soap:Client or {namespace}Client.
_QNAME = re.compile(r"(\{[^{}\s]*\})?[\w.\-]+(:[\w.\-]+)?")


class NoCredentials(Exception):  # noqa: N818 (an internal signal, turned into ServiceCredentialsMissing)
    """The credential source gave nothing when a message was to be signed."""


class Token:
    """zeep's WS-Security interface: a fresh UsernameToken from the source for each message."""

    def __init__(self, source: CredentialSource) -> None:
        self._source = source

    def __repr__(self) -> str:
        return "Token()"

    def apply(self, envelope: Any, headers: Any) -> Any:  # noqa: ANN401 (zeep's lxml objects)
        from zeep.wsse.username import UsernameToken  # noqa: PLC0415 (zeep is optional)

        credentials = self._source()
        if credentials is None:
            raise NoCredentials
        return UsernameToken(credentials.username, credentials.password).apply(envelope, headers)

    def verify(self, envelope: Any) -> Any:  # noqa: ANN401
        return envelope


def zeep_package() -> Any:  # noqa: ANN401 (zeep publishes no types)
    try:
        import zeep  # noqa: PLC0415 (zeep is optional)
        import zeep.helpers  # noqa: PLC0415
    except ImportError:
        raise missing_zeep() from None
    return zeep


class Retry(Exception):  # noqa: N818 (an internal signal)
    """A connection error or a timeout: the call may be sent again.

    ``maybe_delivered`` is false only when the connection was never made
    (refused, or a connect timeout); after a read timeout DEX may have taken
    the message, so a call that writes must not be sent again.
    """

    def __init__(self, *, maybe_delivered: bool) -> None:
        super().__init__()
        self.maybe_delivered = maybe_delivered


def attempt(
    zeep: Any,  # noqa: ANN401
    operation: str,
    method: Callable[..., Any],
    arguments: dict[str, Any],
    header: Any,  # noqa: ANN401
    *,
    attempts: int,
) -> Any:  # noqa: ANN401
    """One attempt, its failures as dexcore errors (none chained: they may hold sent values)."""
    import requests  # noqa: PLC0415 (a dependency of zeep)

    try:
        with fitting(zeep, operation):
            return method(**arguments, _soapheaders=[header])
    except requests.ConnectionError:  # refused, reset, or ConnectTimeout (a subclass)
        raise Retry(maybe_delivered=False) from None
    except requests.Timeout:  # ReadTimeout: the message may have been read
        raise Retry(maybe_delivered=True) from None
    except NoCredentials:
        raise ServiceCredentialsMissing(operation, (ENV_USERNAME, ENV_PASSWORD)) from None
    except zeep.exceptions.Fault as fault:
        raise ServiceFault(operation, _fault_code(fault.code)) from None
    except zeep.exceptions.TransportError as error:
        raise ServiceUnavailable(operation, attempts, error.status_code) from None
    except zeep.exceptions.XMLSyntaxError:
        raise ServiceContractError(operation, "response", "is not well-formed XML") from None


@contextlib.contextmanager
def fitting(zeep: Any, operation: str) -> Iterator[None]:  # noqa: ANN401
    """Zeep's refusals of a message that does not fit the WSDL, as contract errors."""
    try:
        yield
    except zeep.exceptions.ValidationError as error:
        path = ".".join(str(part) for part in error.path) or operation
        raise ServiceContractError(operation, path, "does not fit the WSDL's type") from None
    except TypeError:  # zeep's answer to a parameter the operation does not take
        raise ServiceContractError(operation, operation, "does not fit the WSDL") from None


def _fault_code(code: object) -> str:
    """The fault code when it is a qualified name (as SOAP requires), else ``""``."""
    text = str(code or "")
    return text if _QNAME.fullmatch(text) else ""


def load_client(zeep: Any, wsdl: str, transport: Any, token: Token) -> Any:  # noqa: ANN401
    import requests  # noqa: PLC0415

    try:
        return zeep.Client(wsdl, transport=transport, wsse=token)
    except (OSError, ValueError, requests.RequestException, zeep.exceptions.Error):
        raise ServiceContractError("WSDL", "wsdl", "cannot be loaded") from None
