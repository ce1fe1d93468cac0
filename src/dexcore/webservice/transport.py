"""The HTTP transport dexcore gives zeep: zeep's own, without logging message bodies.

zeep's :class:`zeep.transports.Transport` writes every message it sends
and receives to its debug log, and a DEX message holds a client's details
and the system account's password. :class:`QuietTransport` sends the same
way and logs only the address and the HTTP status. Importing this module
needs zeep (``pip install 'dexcore[webservice]'``).
"""

from __future__ import annotations

import logging
from typing import Any

from dexcore.webservice._zeep import missing_zeep

try:
    from zeep.transports import Transport
except ImportError:
    raise missing_zeep() from None

__all__ = ["QuietTransport"]

_log = logging.getLogger(__name__)


class QuietTransport(Transport):  # type: ignore[misc]  # zeep publishes no types
    """zeep's transport, logging the address and status of a post but never its content.

    Args:
        timeout: Seconds to wait when loading the WSDL and its schemas.
        operation_timeout: Seconds to wait for an operation's answer.
    """

    def __init__(self, *, timeout: float = 60, operation_timeout: float = 60) -> None:
        super().__init__(timeout=timeout, operation_timeout=operation_timeout)

    def post(self, address: str, message: bytes, headers: dict[str, str]) -> Any:  # noqa: ANN401 (a requests.Response)
        """Post ``message`` to ``address``; log where and the HTTP status, not the content."""
        response = self.session.post(
            address, data=message, headers=headers, timeout=self.operation_timeout
        )
        _log.debug("posted to %s: HTTP status %d", address, response.status_code)
        return response
