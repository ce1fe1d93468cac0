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
import time
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from dexcore.errors import (
    DexValueError,
    ServiceContractError,
    ServiceUnavailable,
)
from dexcore.model import Case, Client, ClientAssessment, Dataset, Session
from dexcore.reference import ReferenceData
from dexcore.rules import KnownRecords, RuleSet, ensure_valid
from dexcore.webservice._fit import fit_call, operation_parameters
from dexcore.webservice._reference import reference_from_answer
from dexcore.webservice._soap import (
    Retry,
    Token,
    attempt,
    fitting,
    load_client,
    zeep_package,
)
from dexcore.webservice.calls import (
    Call,
    add_case_call,
    add_client_call,
    add_session_call,
    update_client_assessments_call,
    update_client_call,
)
from dexcore.webservice.credentials import (
    CredentialSource,
    credentials_from_environment,
)
from dexcore.webservice.results import ServiceResult, read_status

__all__ = ["NAMESPACE", "PRODUCTION_WSDL", "DexService", "SearchPage", "SearchPaging"]

#: The target namespace of DSS's web services.
NAMESPACE = "http://api.socialservices.gov.au/DataCollection/DEX"
#: The production WSDL's public address.
PRODUCTION_WSDL = "https://api.dss.gov.au/datacollection/dex?wsdl"
# Operations that record something: sent twice, DEX may record it twice.
_WRITES = ("Add", "Update")


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


class DexService:
    """DEX's web services, through a WSDL loaded at run time.

    Args:
        wsdl: The WSDL's URL (:data:`PRODUCTION_WSDL`, or DSS's test
            environment's) or a local file.
        clock: The time now, for each message's ``Common/CreateDateTime``;
            its date is the ``today`` of the rule check unless ``today`` is given.
        credentials: Gives the DEX system account's credentials each time a
            message is signed; by default the environment's.
        transport: A :class:`zeep.transports.Transport`; by default a
            :class:`~dexcore.webservice.transport.QuietTransport`.
        retries: How many times a call is sent again after a connection
            error or a timeout (never after an answer). A call that writes
            (``Add*``, ``Update*``) is sent again only when it cannot have
            reached DEX (the connection was not made); after a read timeout
            it raises :class:`~dexcore.errors.ServiceUnavailable` at once,
            since DEX may have recorded it.
        backoff: Seconds to wait before the first retry; doubled each time.
        ruleset: The rules each record must pass before it is sent; by
            default :data:`dexcore.rules.DEX`.
        reference: Reference data for the rule check; by default the bundled snapshot.
        sleep: How to wait between retries.
        today: The day of the rule check (``dexcore submit --today``); it
            never changes the messages' ``CreateDateTime``.

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
        today: dt.date | None = None,
    ) -> None:
        if retries < 0 or backoff < 0:
            raise DexValueError("retries and backoff must not be negative")
        zeep = zeep_package()
        if transport is None:
            from dexcore.webservice.transport import QuietTransport  # noqa: PLC0415

            transport = QuietTransport()
        self._client = load_client(zeep, os.fspath(wsdl), transport, Token(credentials))
        try:
            self._common = self._client.get_element(f"{{{NAMESPACE}}}Common")
        except (LookupError, ValueError, zeep.exceptions.Error):
            raise ServiceContractError(
                "WSDL", "Common", "the WSDL declares no such element"
            ) from None
        self._clock, self._retries, self._backoff, self._sleep = clock, retries, backoff, sleep
        self._ruleset, self._reference, self._today = ruleset, reference, today

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

    def rehearse(self, call: Call) -> tuple[str, ...]:
        """Build ``call``'s envelope from the WSDL without signing or sending it (a dry run).

        Returns:
            The element paths of the record that the WSDL does not declare.

        Raises:
            ServiceContractError: the WSDL lacks the operation, or the call
                does not fit its types (a required element is missing).
        """
        zeep = zeep_package()
        arguments, not_sent = fit_call(self._client, call)
        header = self._common(CreateDateTime=self._clock())
        operation = self._client.service._binding.get(call.operation)
        with fitting(zeep, call.operation):  # the message alone: no signature, no transport
            operation.create(**arguments, _soapheaders=[header])
        return not_sent

    def _check(self, dataset: Dataset) -> None:
        ensure_valid(
            dataset,
            self._ruleset,
            today=self._today or self._clock().date(),
            reference=self._reference,
            known=KnownRecords(assume_all=True),
        )

    def _send(self, call: Call) -> ServiceResult:
        arguments, not_sent = fit_call(self._client, call)
        result = self._invoke(call.operation, arguments, call.record_id)
        return attrs.evolve(result, not_sent=not_sent)

    def _invoke(self, operation: str, arguments: dict[str, Any], record_id: str) -> ServiceResult:
        answer = self._answer(operation, arguments)
        plain = zeep_package().helpers.serialize_object(answer, dict)
        return read_status(operation, record_id, plain)

    def _answer(self, operation: str, arguments: dict[str, Any]) -> Any:  # noqa: ANN401
        zeep = zeep_package()
        method = getattr(self._client.service, operation)
        header = self._common(CreateDateTime=self._clock())
        attempts = 0
        while True:
            attempts += 1
            try:
                return attempt(zeep, operation, method, arguments, header, attempts=attempts)
            except Retry as retry:
                if retry.maybe_delivered and operation.startswith(_WRITES):
                    raise ServiceUnavailable(operation, attempts, outcome_unknown=True) from None
                if attempts > self._retries:
                    raise ServiceUnavailable(operation, attempts) from None
                self._sleep(self._backoff * 2 ** (attempts - 1))
