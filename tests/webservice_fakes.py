"""A fake DEX web service for the tests: the synthetic WSDL, and answers given in advance.

``tests/data/webservice/synthetic-dex.wsdl`` is written by the project (it says so in its
first comment); :class:`FakeTransport` serves it and its schema from
``https://dex.invalid/``, records every envelope posted and answers each post with the next
answer given: envelope text, an ``(HTTP status, body)`` pair, or an exception to raise. No
network is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import requests
from lxml import etree
from zeep.transports import Transport

from dexcore.model import AtsiOrigin, Client, Gender, ResidentialAddress, State
from dexcore.slk import generate

DATA = Path(__file__).resolve().parent / "data" / "webservice"
WSDL = "https://dex.invalid/synthetic-dex.wsdl"
NS = "http://api.socialservices.gov.au/DataCollection/DEX"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
NOW = dt.datetime(2024, 8, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=10)))
USERNAME, PASSWORD = "svc-synthetic", "Pw-0451-synthetic"

# A synthetic person: these values must never appear in a message, repr or log line.
GIVEN, FAMILY, STREET = "Quenby", "Marralong", "17 Ottoline Crescent"
BIRTH = dt.date(1987, 3, 14)


def answer(body: str) -> str:
    """A SOAP 1.1 envelope around ``body`` (written in the service's namespace)."""
    return f'<s:Envelope xmlns:s="{SOAP}" xmlns:d="{NS}"><s:Body>{body}</s:Body></s:Envelope>'


def status(operation: str, code: str = "Success", messages: str = "") -> str:
    """``<operation>Response`` holding a TransactionStatus, as the synthetic WSDL declares."""
    extra = f"<d:Messages>{messages}</d:Messages>" if messages else ""
    return answer(
        f"<d:{operation}Response><d:TransactionStatus>"
        f"<d:TransactionStatusCode>{code}</d:TransactionStatusCode>{extra}"
        f"</d:TransactionStatus></d:{operation}Response>"
    )


def message(code: str, text: str) -> str:
    """One DSS message for a TransactionStatus: a code and a text."""
    return (
        f"<d:Message><d:MessageCode>{code}</d:MessageCode>"
        f"<d:MessageDescription>{text}</d:MessageDescription></d:Message>"
    )


def fault(code: str, text: str) -> tuple[int, str]:
    """A SOAP 1.1 fault, as an HTTP 500 answer."""
    return 500, answer(
        f"<s:Fault><faultcode>{code}</faultcode><faultstring>{text}</faultstring></s:Fault>"
    )


Answer = str | tuple[int, str] | BaseException


def response(status_code: int, body: str) -> requests.Response:
    made = requests.Response()
    made.status_code = status_code
    made._content = body.encode("utf-8")
    made.headers["Content-Type"] = "text/xml; charset=utf-8"
    made.encoding = "utf-8"
    return made


class FakeTransport(Transport):  # type: ignore[misc]  # zeep publishes no types
    """zeep's transport with ``load`` and ``post`` served from memory."""

    def __init__(self, answers: Iterable[Answer] = ()) -> None:
        super().__init__()
        self.answers = list(answers)
        self.sent: list[bytes] = []
        self.loaded: list[str] = []

    def load(self, url: str) -> bytes:
        self.loaded.append(url)
        assert urlparse(url).netloc == "dex.invalid", url
        return (DATA / Path(urlparse(url).path).name).read_bytes()

    def post(self, address: str, message: bytes, headers: dict[str, str]) -> Any:
        self.sent.append(message)
        given = self.answers.pop(0)
        if isinstance(given, BaseException):
            raise given
        code, body = given if isinstance(given, tuple) else (200, given)
        return response(code, body)

    def envelope(self, n: int = -1) -> Any:
        """The ``n``-th envelope posted, parsed."""
        return etree.fromstring(self.sent[n])


def found(envelope: Any, path: str) -> list[str]:
    """The texts of the elements at ``path`` (``d:`` the service, ``s:`` SOAP, ``w:`` WSSE)."""
    spaces = {"d": NS, "s": SOAP, "w": WSSE}
    return [element.text or "" for element in envelope.xpath(path, namespaces=spaces)]


def client(*, consent: bool = True, named: bool = True, **changes: Any) -> Client:
    """A synthetic client, with names and a street line when ``named``."""
    fields: dict[str, Any] = {
        "client_id": "C-0042",
        "slk": generate(FAMILY, GIVEN, BIRTH, Gender.FEMALE),
        "consent_to_provide_details": consent,
        "consented_for_future_contacts": False,
        "given_name": GIVEN if named else None,
        "family_name": FAMILY if named else None,
        "is_using_pseudonym": False,
        "birth_date": BIRTH,
        "is_birth_date_an_estimate": False,
        "gender": Gender.FEMALE,
        "country_of_birth": "1101",
        "language_spoken_at_home": "1201",
        "atsi_origin": AtsiOrigin.NO,
        "has_disabilities": False,
        "residential_address": ResidentialAddress(
            address_line1=STREET if named else None,
            suburb="Dubbo",
            state=State.NSW,
            postcode="2830",
        ),
    }
    fields.update(changes)
    return Client(**fields)
