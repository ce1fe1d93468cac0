"""The facade: DEX's web-service operations a case-management system needs first, typed.

:class:`DexService` loads the WSDL **at run time**, from DSS's address or
from a file DSS gave you, and lets zeep build every envelope from it: no
message is written by hand, so the client follows whatever contract the
WSDL states. Each call that sends a record first runs dexcore's rule check
on it (:func:`dexcore.rules.ensure_valid`) and sends a client's names and
street lines only with the client's consent. Only connection errors and
timeouts are retried; a ``Failed`` answer never is.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from dexcore.errors import (
    DexValueError,
    ServiceContractError,
    ServiceCredentialsMissing,
    ServiceFault,
    ServiceUnavailable,
)
from dexcore.model import Case, Client, ClientAssessment, Dataset, Session
from dexcore.reference import ReferenceData
from dexcore.rules import KnownRecords, RuleSet, ensure_valid
from dexcore.webservice._fit import fit_call, operation_parameters
from dexcore.webservice._reference import reference_from_answer
from dexcore.webservice._zeep import missing_zeep
from dexcore.webservice.calls import (
    Call,
    add_case_call,
    add_client_call,
    add_session_call,
    update_client_assessments_call,
    update_client_call,
)
from dexcore.webservice.credentials import (
    ENV_PASSWORD,
    ENV_USERNAME,
    CredentialSource,
    credentials_from_environment,
)
from dexcore.webservice.results import ServiceResult, read_status

__all__ = ["NAMESPACE", "PRODUCTION_WSDL", "DexService", "SearchPage", "SearchPaging"]

#: The target namespace of DSS's web services.
NAMESPACE = "http://api.socialservices.gov.au/DataCollection/DEX"
#: The production WSDL's public address.
PRODUCTION_WSDL = "https://api.dss.gov.au/datacollection/dex?wsdl"


# A fault code is a qualified name, such as soap:Client or {namespace}Client.
_QNAME = re.compile(r"(\{[^{}\s]*\})?[\w.\-]+(:[\w.\-]+)?")


class _NoCredentials(Exception):  # noqa: N818 (an internal signal, turned into ServiceCredentialsMissing)
    """The credential source gave nothing when a message was to be signed."""


class _Token:
    """zeep's WS-Security interface: a fresh UsernameToken from the source for each message."""

    def __init__(self, source: CredentialSource) -> None:
        self._source = source

    def __repr__(self) -> str:
        return "_Token()"

    def apply(self, envelope: Any, headers: Any) -> Any:  # noqa: ANN401 (zeep's lxml objects)
        from zeep.wsse.username import UsernameToken  # noqa: PLC0415 (zeep is optional)

        credentials = self._source()
        if credentials is None:
            raise _NoCredentials
        return UsernameToken(credentials.username, credentials.password).apply(envelope, headers)

    def verify(self, envelope: Any) -> Any:  # noqa: ANN401
        return envelope


@attrs.frozen(kw_only=True)
class SearchPaging:
    """The names of ``SearchClient``'s paging and sorting parameters.

    DSS says they are mandatory but has not published their names; these
    defaults await its test environment. The facade refuses to call when
    the WSDL does not declare them.

    Attributes:
        page: The page number's parameter.
        page_size: The page size's parameter.
        sort_by: The sort column's parameter.
        ascending: The sort direction's parameter.
    """

    page: str = "PageIndex"
    page_size: str = "PageSize"
    sort_by: str = "SortColumn"
    ascending: str = "IsAscending"


@attrs.frozen(kw_only=True)
class SearchPage:
    """One page of ``SearchClient``'s answer.

    Attributes:
        page: The page asked for, as sent.
        page_size: The page size asked for.
        data: The answer without its TransactionStatus, as plain dicts and
            lists; not in the repr, as it holds clients' details.
    """

    page: int
    page_size: int
    data: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


def _zeep() -> Any:  # noqa: ANN401 (zeep publishes no types)
    try:
        import zeep  # noqa: PLC0415 (zeep is optional)
        import zeep.helpers  # noqa: PLC0415
    except ImportError:
        raise missing_zeep() from None
    return zeep


class DexService:
    """DEX's web services, through a WSDL loaded at run time.

    Args:
        wsdl: The WSDL's URL (:data:`PRODUCTION_WSDL`, or DSS's test
            environment's) or a local file.
        clock: The time now, for each message's ``Common/CreateDateTime``;
            its date is the ``today`` of the rule check.
        credentials: Gives the DEX system account's credentials each time a
            message is signed; by default the environment's.
        transport: A :class:`zeep.transports.Transport`; by default a
            :class:`~dexcore.webservice.transport.QuietTransport`.
        retries: How many times a call is sent again after a connection
            error or a timeout (never after an answer).
        backoff: Seconds to wait before the first retry; doubled each time.
        ruleset: The rules each record must pass before it is sent; by
            default :data:`dexcore.rules.DEX`.
        reference: Reference data for the rule check; by default the bundled snapshot.
        sleep: How to wait between retries.

    Raises:
        ServiceContractError: the WSDL cannot be loaded or declares no
            ``Common`` header element.
    """

    def __init__(
        self,
        wsdl: str | os.PathLike[str],
        *,
        clock: Callable[[], dt.datetime],
        credentials: CredentialSource = credentials_from_environment,
        transport: Any = None,  # noqa: ANN401 (a zeep transport; zeep publishes no types)
        retries: int = 2,
        backoff: float = 1.0,
        ruleset: RuleSet | None = None,
        reference: ReferenceData | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if retries < 0 or backoff < 0:
            raise DexValueError("retries and backoff must not be negative")
        zeep = _zeep()
        if transport is None:
            from dexcore.webservice.transport import QuietTransport  # noqa: PLC0415

            transport = QuietTransport()
        self._client = _load(zeep, os.fspath(wsdl), transport, _Token(credentials))
        try:
            self._common = self._client.get_element(f"{{{NAMESPACE}}}Common")
        except (LookupError, ValueError, zeep.exceptions.Error):
            raise ServiceContractError(
                "WSDL", "Common", "the WSDL declares no such element"
            ) from None
        self._clock, self._retries, self._backoff, self._sleep = clock, retries, backoff, sleep
        self._ruleset, self._reference = ruleset, reference

    def ping(self) -> ServiceResult:
        """``Ping``: whether the service answers and accepts the credentials."""
        operation_parameters(self._client, "Ping")
        return self._invoke("Ping", {}, "")

    def get_reference_data(self, code_type: str) -> ReferenceData:
        """``GetReferenceData`` for ``code_type``, as reference data dexcore's rules can use.

        Lay it over the snapshot: ``bundled().updated_with(service.get_reference_data(...))``.
        """
        parameters = operation_parameters(self._client, "GetReferenceData")
        if len(parameters) != 1:
            raise ServiceContractError(
                "GetReferenceData", "GetReferenceData", "takes other than one parameter"
            )
        result = self._invoke("GetReferenceData", {next(iter(parameters)): code_type}, "")
        return reference_from_answer(result.data, code_type)

    def add_client(
        self, client: Client, *, validated_for_duplicates: bool = False
    ) -> ServiceResult:
        """``AddClient``, after the rule check; names and street lines only with consent."""
        self._check(Dataset(clients=(client,)))
        call = add_client_call(client, validated_for_duplicates=validated_for_duplicates)
        return self._send(call)

    def update_client(self, client: Client) -> ServiceResult:
        """``UpdateClient``, after the rule check; names and street lines only with consent."""
        self._check(Dataset(clients=(client,)))
        return self._send(update_client_call(client))

    def add_case(self, case: Case) -> ServiceResult:
        """``AddCase``, after the rule check."""
        self._check(Dataset(cases=(case,)))
        return self._send(add_case_call(case))

    def add_session(self, session: Session) -> ServiceResult:
        """``AddSession``, after the rule check; the case id goes as its own parameter."""
        self._check(Dataset(sessions=(session,)))
        return self._send(add_session_call(session))

    def update_client_assessments(self, assessment: ClientAssessment) -> ServiceResult:
        """``UpdateClientAssessments`` for one client's assessments in one session."""
        self._check(Dataset(client_assessments=(assessment,)))
        return self._send(update_client_assessments_call(assessment))

    def search_client(
        self,
        criteria: Mapping[str, object] | None = None,
        *,
        page: int,
        page_size: int,
        sort_by: str,
        ascending: bool = True,
        paging: SearchPaging = SearchPaging(),
    ) -> SearchPage:
        """``SearchClient``: one page of clients matching ``criteria``.

        Args:
            criteria: Search values by the WSDL's parameter names, sent as given.
            page: The page wanted, sent as given (whether DEX counts from 0 or 1 is not public).
            page_size: Clients per page (at least 1).
            sort_by: The column to sort by, as DEX names it.
            ascending: The sort direction.
            paging: The paging parameters' names.

        Raises:
            ServiceContractError: the WSDL lacks a criterion or a paging parameter.
        """
        if page < 0 or page_size < 1:
            raise DexValueError("page must be 0 or more and page_size 1 or more")
        arguments = {
            **(criteria or {}),
            paging.page: page,
            paging.page_size: page_size,
            paging.sort_by: sort_by,
            paging.ascending: ascending,
        }
        declared = operation_parameters(self._client, "SearchClient")
        for name in arguments:
            if name not in declared:
                raise ServiceContractError(
                    "SearchClient", f"SearchClient({name})", "the WSDL has no such parameter"
                )
        result = self._invoke("SearchClient", arguments, "")
        return SearchPage(page=page, page_size=page_size, data=result.data)

    def _check(self, dataset: Dataset) -> None:
        ensure_valid(
            dataset,
            self._ruleset,
            today=self._clock().date(),
            reference=self._reference,
            known=KnownRecords(assume_all=True),
        )

    def _send(self, call: Call) -> ServiceResult:
        arguments, not_sent = fit_call(self._client, call)
        result = self._invoke(call.operation, arguments, call.record_id)
        return attrs.evolve(result, not_sent=not_sent)

    def _invoke(self, operation: str, arguments: dict[str, Any], record_id: str) -> ServiceResult:
        answer = self._answer(operation, arguments)
        plain = _zeep().helpers.serialize_object(answer, dict)
        return read_status(operation, record_id, plain)

    def _answer(self, operation: str, arguments: dict[str, Any]) -> Any:  # noqa: ANN401
        zeep = _zeep()
        method = getattr(self._client.service, operation)
        header = self._common(CreateDateTime=self._clock())
        attempts = 0
        while True:
            attempts += 1
            try:
                return _call(zeep, operation, method, arguments, header, attempts=attempts)
            except _Retry:
                if attempts > self._retries:
                    raise ServiceUnavailable(operation, attempts) from None
                self._sleep(self._backoff * 2 ** (attempts - 1))


class _Retry(Exception):  # noqa: N818 (an internal signal)
    """A connection error or a timeout: the call may be sent again."""


def _call(
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
        return method(**arguments, _soapheaders=[header])
    except (requests.ConnectionError, requests.Timeout):
        raise _Retry from None
    except _NoCredentials:
        raise ServiceCredentialsMissing(operation, (ENV_USERNAME, ENV_PASSWORD)) from None
    except zeep.exceptions.Fault as fault:
        raise ServiceFault(operation, _fault_code(fault.code)) from None
    except zeep.exceptions.TransportError as error:
        raise ServiceUnavailable(operation, attempts, error.status_code) from None
    except zeep.exceptions.ValidationError as error:
        path = ".".join(str(part) for part in error.path) or operation
        raise ServiceContractError(operation, path, "does not fit the WSDL's type") from None
    except TypeError:  # zeep's answer to a parameter the operation does not take
        raise ServiceContractError(operation, operation, "does not fit the WSDL") from None
    except zeep.exceptions.XMLSyntaxError:
        raise ServiceContractError(operation, "response", "is not well-formed XML") from None


def _fault_code(code: object) -> str:
    """The fault code when it is a qualified name (as SOAP requires), else ``""``."""
    text = str(code or "")
    return text if _QNAME.fullmatch(text) else ""


def _load(zeep: Any, wsdl: str, transport: Any, token: _Token) -> Any:  # noqa: ANN401
    import requests  # noqa: PLC0415

    try:
        return zeep.Client(wsdl, transport=transport, wsse=token)
    except (OSError, ValueError, requests.RequestException, zeep.exceptions.Error):
        raise ServiceContractError("WSDL", "wsdl", "cannot be loaded") from None
