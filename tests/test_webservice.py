"""dexcore.webservice against a synthetic WSDL served by a fake transport (no network).

The WSDL and its schema (tests/data/webservice/) are the project's own, labelled synthetic:
they test that the client follows *a* WSDL, not that it matches DSS's, which is not public.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs
import pytest
import requests
from hypothesis import given, settings
from lxml import etree

import webservice_fakes as fake
from dexcore.errors import (
    DexError,
    DexValidationError,
    DexValueError,
    ServiceContractError,
    ServiceCredentialsMissing,
    ServiceFailed,
    ServiceFault,
    ServiceUnavailable,
)
from dexcore.model import (
    Assessment,
    AssessmentPhase,
    Case,
    CaseClient,
    Client,
    ClientAssessment,
    DomainScore,
    ExtendedDemographics,
    IncomeFrequency,
    ParticipationType,
    ReasonForAssistance,
    ScoreType,
    Session,
    SessionClient,
)
from dexcore.rules import RuleSet
from dexcore.testing import strategies
from dexcore.webservice import Credentials, DexService, SearchPaging
from dexcore.webservice.calls import Call
from dexcore.webservice.credentials import ENV_PASSWORD, ENV_USERNAME
from dexcore.webservice.fields import client_record

NO_RULES = RuleSet(name="none", version="test", rules=())


def service(
    transport: fake.FakeTransport,
    *,
    credentials: Any = None,
    **options: Any,
) -> DexService:
    def given() -> Credentials:
        return Credentials(username=fake.USERNAME, password=fake.PASSWORD)

    options.setdefault("sleep", lambda _seconds: None)
    return DexService(
        fake.WSDL,
        clock=lambda: fake.NOW,
        credentials=credentials or given,
        transport=transport,
        **options,
    )


def personal_values() -> list[str]:
    return [fake.GIVEN, fake.FAMILY, fake.STREET, fake.BIRTH.isoformat(), fake.client().slk or ""]


# -- the envelope comes from the WSDL ----------------------------------------------------------


def test_the_wsdl_is_loaded_at_run_time_from_its_url() -> None:
    transport = fake.FakeTransport()
    service(transport)
    assert transport.loaded == [fake.WSDL, "https://dex.invalid/synthetic-dex.xsd"]


def test_add_client_sends_the_client_in_the_wsdl_s_elements_and_order() -> None:
    transport = fake.FakeTransport([fake.status("AddClient")])
    service(transport).add_client(fake.client(), validated_for_duplicates=True)
    sent = transport.envelope()
    assert fake.found(sent, "//d:AddClient/d:Client/d:ClientId") == ["C-0042"]
    assert fake.found(sent, "//d:AddClient/d:HasValidatedForDuplicateClient") == ["true"]
    # The published differences: SLK (bulk: Slk), State (bulk: StateCode).
    assert fake.found(sent, "//d:Client/d:SLK") == [fake.client().slk]
    assert fake.found(sent, "//d:Client/d:Slk") == []
    assert fake.found(sent, "//d:ResidentialAddress/d:State") == ["NSW"]
    assert fake.found(sent, "//d:ResidentialAddress/d:StateCode") == []
    # The WSDL types BirthDate as xs:dateTime: the date goes at midnight.
    assert fake.found(sent, "//d:Client/d:BirthDate") == ["1987-03-14T00:00:00"]
    assert fake.found(sent, "//d:Session/d:SessionDate") == []
    names = [
        e.tag.rpartition("}")[2] for e in sent.xpath("//d:Client/*", namespaces={"d": fake.NS})
    ]
    assert names[:4] == ["ClientId", "SLK", "ConsentToProvideDetails", "ConsentedForFutureContacts"]


def test_every_message_carries_a_username_token_and_the_common_create_date_time() -> None:
    transport = fake.FakeTransport([fake.status("Ping")])
    service(transport).ping()
    sent = transport.envelope()
    assert fake.found(sent, "/s:Envelope/s:Header/w:Security/w:UsernameToken/w:Username") == [
        fake.USERNAME
    ]
    assert fake.found(sent, "//w:UsernameToken/w:Password") == [fake.PASSWORD]
    assert fake.found(sent, "/s:Envelope/s:Header/d:Common/d:CreateDateTime") == [
        "2024-08-05T09:30:00+10:00"
    ]


def test_the_credentials_are_asked_for_at_each_message() -> None:
    given = iter(["first", "second"])
    transport = fake.FakeTransport([fake.status("Ping"), fake.status("Ping")])
    dex = service(transport, credentials=lambda: Credentials(username=next(given), password="x"))
    dex.ping()
    dex.ping()
    users = [fake.found(transport.envelope(n), "//w:Username") for n in (0, 1)]
    assert users == [["first"], ["second"]]


def test_add_session_sends_the_case_id_beside_the_session_not_in_it() -> None:
    session = Session(
        session_id="S-1",
        case_id="K-7",
        session_date=dt.date(2024, 7, 30),
        service_type_id=5,
        total_unidentified_clients=0,
        clients=(SessionClient(client_id="C-0042", participation=ParticipationType.CLIENT),),
    )
    transport = fake.FakeTransport([fake.status("AddSession")])
    result = service(transport, ruleset=NO_RULES).add_session(session)
    sent = transport.envelope()
    assert fake.found(sent, "//d:AddSession/d:CaseId") == ["K-7"]
    assert fake.found(sent, "//d:Session/d:CaseId") == []
    assert fake.found(sent, "//d:Session/d:SessionClients/d:SessionClient/d:ClientId") == ["C-0042"]
    assert fake.found(sent, "//d:Session/d:SessionDate") == ["2024-07-30"]  # xs:date: as it is
    assert result.record_id == "K-7/S-1"


def test_add_case_sends_reasons_as_assistance_needed_codes() -> None:
    case = Case(
        case_id="K-7",
        outlet_activity_id=301,
        total_unidentified_clients=0,
        clients=(
            CaseClient(
                client_id="C-0042",
                reasons_for_assistance=(ReasonForAssistance(code="PHYSICAL", is_primary=True),),
            ),
        ),
    )
    transport = fake.FakeTransport([fake.status("AddCase")])
    service(transport, ruleset=NO_RULES).add_case(case)
    sent = transport.envelope()
    assert fake.found(sent, "//d:ReasonForAssistance/d:AssistanceNeededCode") == ["PHYSICAL"]
    assert fake.found(sent, "//d:ReasonForAssistance/d:ReasonForAssistanceCode") == []


def test_update_client_assessments_spreads_the_assessment_over_the_parameters() -> None:
    assessment = ClientAssessment(
        client_id="C-0042",
        case_id="K-7",
        session_id="S-1",
        assessments=(
            Assessment(
                score_type=ScoreType.CIRCUMSTANCES,
                phase=AssessmentPhase.PRE,
                scores=(DomainScore(domain="HOUSING", rating=2),),
            ),
        ),
    )
    transport = fake.FakeTransport([fake.status("UpdateClientAssessments")])
    service(transport, ruleset=NO_RULES).update_client_assessments(assessment)
    sent = transport.envelope()
    assert fake.found(sent, "//d:UpdateClientAssessments/d:SessionId") == ["S-1"]
    assert fake.found(sent, "//d:Assessment/d:Scores/d:ScoreCode") == ["HOUSING2"]


def test_fields_the_wsdl_does_not_declare_are_not_sent_and_are_named() -> None:
    client = fake.client(
        extended=ExtendedDemographics(
            income_amount=300, income_frequency=IncomeFrequency.WEEKLY, is_homeless=True
        )
    )
    transport = fake.FakeTransport([fake.status("AddClient")])
    result = service(transport).add_client(client)
    # The synthetic Client declares neither element: dexcore follows the WSDL.
    assert result.not_sent == (
        "Client.IsHomeless",
        "Client.IncomeFrequencyCode",
        "Client.IncomeAmount",
    )
    assert b"IncomeAmount" not in transport.sent[0]
    assert b"IsHomeless" not in transport.sent[0]


def test_an_operation_the_wsdl_lacks_is_refused_before_anything_is_sent() -> None:
    transport = fake.FakeTransport()
    dex = service(transport)
    call = Call(operation="DeleteClient", kind="client", record_id="C-0042", record="Client")
    with pytest.raises(ServiceContractError) as caught:
        dex._send(call)
    assert caught.value.code == "webservice.contract"
    assert "DeleteClient" in str(caught.value)
    assert transport.sent == []


# -- answers -----------------------------------------------------------------------------------


def test_success_is_a_result() -> None:
    transport = fake.FakeTransport([fake.status("AddClient")])
    result = service(transport).add_client(fake.client())
    assert (result.operation, result.record_id, result.message_codes) == ("AddClient", "C-0042", ())


def test_failed_is_an_error_with_dss_codes_and_without_its_texts() -> None:
    quoting = fake.message("E1042", f"Client {fake.GIVEN} {fake.FAMILY} born {fake.BIRTH} exists")
    transport = fake.FakeTransport([fake.status("AddClient", "Failed", quoting)])
    with pytest.raises(ServiceFailed) as caught:
        service(transport).add_client(fake.client())
    error = caught.value
    assert (error.code, error.operation, error.message_codes) == (
        "webservice.failed",
        "AddClient",
        ("E1042",),
    )
    assert error.texts_dropped == 1
    assert isinstance(error, DexError)
    assert isinstance(error, ValueError)
    for shown in (str(error), repr(error)):
        for value in personal_values():
            assert value not in shown
    assert error.__cause__ is None
    assert error.__context__ is None


def test_an_unknown_status_code_is_a_contract_error_that_does_not_repeat_it() -> None:
    transport = fake.FakeTransport([fake.status("Ping", "Maybe-Quenby")])
    with pytest.raises(ServiceContractError) as caught:
        service(transport).ping()
    assert "Quenby" not in str(caught.value)


def test_a_soap_fault_is_an_error_with_its_code_and_without_its_text() -> None:
    transport = fake.FakeTransport([fake.fault("s:Client", f"bad BirthDate {fake.BIRTH}")])
    with pytest.raises(ServiceFault) as caught:
        service(transport).add_client(fake.client())
    error = caught.value
    assert (error.code, error.fault_code) == ("webservice.fault", "s:Client")
    assert fake.BIRTH.isoformat() not in str(error)
    assert error.__cause__ is None


def test_a_fault_code_that_is_not_a_qualified_name_is_not_repeated() -> None:
    transport = fake.FakeTransport([fake.fault(f"{fake.GIVEN} {fake.FAMILY}", "x")])
    with pytest.raises(ServiceFault) as caught:
        service(transport).ping()
    assert caught.value.fault_code == ""
    assert fake.GIVEN not in str(caught.value)


def test_an_http_error_without_a_soap_reply_is_unavailable_and_not_retried() -> None:
    transport = fake.FakeTransport([(503, "")])
    with pytest.raises(ServiceUnavailable) as caught:
        service(transport).ping()
    assert (caught.value.status, caught.value.attempts) == (503, 1)
    assert len(transport.sent) == 1


def test_get_reference_data_reads_the_code_tables() -> None:
    body = fake.answer(
        "<d:GetReferenceDataResponse><d:TransactionStatus>"
        "<d:TransactionStatusCode>Success</d:TransactionStatusCode></d:TransactionStatus>"
        '<d:ReferenceDataItems CodeType="Gender">'
        "<d:Item><d:CodeValue>MALE</d:CodeValue><d:CodeDescription>Male</d:CodeDescription>"
        "<d:OrderNumber>2</d:OrderNumber></d:Item>"
        "<d:Item><d:CodeValue>FEMALE</d:CodeValue><d:CodeDescription>Female</d:CodeDescription>"
        "<d:OrderNumber>1</d:OrderNumber></d:Item>"
        "</d:ReferenceDataItems></d:GetReferenceDataResponse>"
    )
    transport = fake.FakeTransport([body])
    reference = service(transport).get_reference_data("Gender")
    assert fake.found(transport.envelope(), "//d:GetReferenceData/d:ReferenceDataCode") == [
        "Gender"
    ]
    table = reference.table("Gender")
    assert [(i.code, i.description, i.order) for i in table] == [
        ("MALE", "Male", 2),
        ("FEMALE", "Female", 1),
    ]


def test_search_client_sends_paging_and_sorting_and_returns_the_page() -> None:
    body = fake.answer(
        "<d:SearchClientResponse><d:TransactionStatus>"
        "<d:TransactionStatusCode>Success</d:TransactionStatusCode></d:TransactionStatus>"
        "<d:TotalCount>41</d:TotalCount></d:SearchClientResponse>"
    )
    transport = fake.FakeTransport([body])
    page = service(transport).search_client(
        {"ClientId": "C-0042"}, page=2, page_size=20, sort_by="ClientId", ascending=False
    )
    sent = transport.envelope()
    assert fake.found(sent, "//d:SearchClient/d:PageIndex") == ["2"]
    assert fake.found(sent, "//d:SearchClient/d:PageSize") == ["20"]
    assert fake.found(sent, "//d:SearchClient/d:SortColumn") == ["ClientId"]
    assert fake.found(sent, "//d:SearchClient/d:IsAscending") == ["false"]
    assert (page.page, page.page_size, page.data["TotalCount"]) == (2, 20, 41)


def test_search_client_refuses_names_the_wsdl_does_not_declare() -> None:
    transport = fake.FakeTransport()
    with pytest.raises(ServiceContractError, match=r"SearchClient\(Surname\)"):
        service(transport).search_client({"Surname": "x"}, page=1, page_size=5, sort_by="Id")
    with pytest.raises(ServiceContractError, match=r"SearchClient\(Page\)"):
        service(transport).search_client(
            page=1, page_size=5, sort_by="Id", paging=SearchPaging(page="Page")
        )
    with pytest.raises(DexValueError):
        service(transport).search_client(page=1, page_size=0, sort_by="Id")
    assert transport.sent == []


# -- consent and the rule check, before anything is sent --------------------------------------


def test_a_client_without_consent_but_with_names_is_refused_by_the_rule_check() -> None:
    transport = fake.FakeTransport([fake.status("AddClient")])
    with pytest.raises(DexValidationError) as caught:
        service(transport).add_client(fake.client(consent=False))
    codes = {issue.code for issue in caught.value.issues}
    assert "client.consent.names-without-consent" in codes
    assert transport.sent == []


@pytest.mark.parametrize("update", [False, True])
def test_without_consent_no_name_or_street_leaves_even_when_no_rule_runs(update: bool) -> None:
    operation = "UpdateClient" if update else "AddClient"
    transport = fake.FakeTransport([fake.status(operation)])
    dex = service(transport, ruleset=NO_RULES)
    client = fake.client(consent=False)
    dex.update_client(client) if update else dex.add_client(client)
    text = transport.sent[0].decode()
    for value in (fake.GIVEN, fake.FAMILY, fake.STREET):
        assert value not in text
    for element in ("GivenName", "FamilyName", "AddressLine1"):
        assert element not in text
    assert "Dubbo" in text  # suburb, state and postcode still go


def test_with_consent_the_names_and_street_are_sent() -> None:
    transport = fake.FakeTransport([fake.status("AddClient")])
    service(transport).add_client(fake.client(consent=True))
    sent = transport.envelope()
    assert fake.found(sent, "//d:Client/d:GivenName") == [fake.GIVEN]
    assert fake.found(sent, "//d:ResidentialAddress/d:AddressLine1") == [fake.STREET]


def test_the_rule_check_uses_the_clock_s_date() -> None:
    late = attrs.evolve(fake.client(), birth_date=dt.date(2024, 8, 6))  # after "today"
    transport = fake.FakeTransport([fake.status("AddClient")])
    with pytest.raises(DexValidationError):
        service(transport).add_client(late)
    assert transport.sent == []


# -- retries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [requests.ConnectionError("reset"), requests.ReadTimeout("slow")])
def test_transport_errors_are_retried_then_reported(error: Exception) -> None:
    waits: list[float] = []
    transport = fake.FakeTransport([error, error, error, error])
    dex = service(transport, retries=3, backoff=0.5, sleep=waits.append)
    with pytest.raises(ServiceUnavailable) as caught:
        dex.ping()
    assert len(transport.sent) == 4
    assert caught.value.attempts == 4
    assert waits == [0.5, 1.0, 2.0]
    assert caught.value.__cause__ is None


def test_a_read_timeout_on_a_write_is_not_retried_and_says_the_outcome_is_unknown() -> None:
    waits: list[float] = []
    transport = fake.FakeTransport([requests.ReadTimeout("slow"), fake.status("AddClient")])
    dex = service(transport, retries=3, sleep=waits.append)
    with pytest.raises(ServiceUnavailable) as caught:
        dex.add_client(fake.client())
    assert len(transport.sent) == 1  # DEX may have recorded it: never sent twice
    assert waits == []
    assert caught.value.code == "webservice.unavailable"
    assert caught.value.outcome_unknown
    assert "outcome is unknown" in str(caught.value)
    assert "search" in str(caught.value)
    assert caught.value.__cause__ is None


@pytest.mark.parametrize(
    "error",
    [requests.ConnectTimeout("no connection"), requests.ConnectionError("refused")],
    ids=["connect-timeout", "refused"],
)
def test_a_write_is_retried_when_it_cannot_have_been_sent(error: Exception) -> None:
    transport = fake.FakeTransport([error, fake.status("AddClient")])
    result = service(transport, retries=1).add_client(fake.client())
    assert result.operation == "AddClient"
    assert len(transport.sent) == 2


def test_a_read_timeout_on_a_read_only_call_is_retried() -> None:
    transport = fake.FakeTransport([requests.ReadTimeout("slow"), fake.status("Ping")])
    assert service(transport, retries=1).ping().operation == "Ping"
    assert len(transport.sent) == 2


def test_today_sets_the_rule_check_s_day_but_not_the_create_date_time() -> None:
    day = dt.date(2024, 8, 1)  # four days before the clock's
    born = attrs.evolve(fake.client(), birth_date=dt.date(2024, 8, 3))  # after "today"
    transport = fake.FakeTransport([fake.status("AddClient")])
    with pytest.raises(DexValidationError):
        service(transport, today=day).add_client(born)
    assert transport.sent == []
    service(transport, today=day).add_client(fake.client())
    sent = fake.found(transport.envelope(), "//d:Common/d:CreateDateTime")
    assert sent == [fake.NOW.isoformat()]


def test_a_transport_error_then_an_answer_gives_the_answer() -> None:
    transport = fake.FakeTransport([requests.ConnectionError("reset"), fake.status("Ping")])
    assert service(transport, retries=1).ping().operation == "Ping"
    assert len(transport.sent) == 2


@pytest.mark.parametrize(
    "answer",
    [fake.status("AddClient", "Failed"), fake.fault("s:Server", "busy")],
    ids=["failed", "fault"],
)
def test_answers_are_never_retried(answer: Any) -> None:
    transport = fake.FakeTransport([answer, fake.status("AddClient")])
    with pytest.raises((ServiceFailed, ServiceFault)):
        service(transport, retries=5).add_client(fake.client())
    assert len(transport.sent) == 1


def test_negative_retries_are_refused() -> None:
    with pytest.raises(DexValueError):
        service(fake.FakeTransport(), retries=-1)


# -- credentials -------------------------------------------------------------------------------


def test_no_credentials_is_an_error_naming_the_variables_and_nothing_is_sent() -> None:
    transport = fake.FakeTransport([fake.status("Ping")])
    dex = DexService(
        fake.WSDL, clock=lambda: fake.NOW, credentials=lambda: None, transport=transport
    )
    with pytest.raises(ServiceCredentialsMissing) as caught:
        dex.ping()
    assert caught.value.code == "webservice.no-credentials"
    assert ENV_USERNAME in str(caught.value)
    assert transport.sent == []


def test_credentials_come_from_the_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_USERNAME, "svc-from-env")
    monkeypatch.setenv(ENV_PASSWORD, fake.PASSWORD)
    transport = fake.FakeTransport([fake.status("Ping")])
    DexService(fake.WSDL, clock=lambda: fake.NOW, transport=transport).ping()
    assert fake.found(transport.envelope(), "//w:Username") == ["svc-from-env"]


def test_no_credential_or_personal_value_in_any_repr_error_or_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    quoting = fake.message("E1", f"{fake.GIVEN} {fake.PASSWORD}")
    transport = fake.FakeTransport(
        [
            fake.status("AddClient"),
            fake.status("AddClient", "Failed", quoting),
            fake.fault("s:Client", f"{fake.FAMILY} {fake.PASSWORD}"),
            requests.ConnectionError(f"{fake.STREET}"),
        ]
    )
    dex = service(transport, retries=0)
    shown = [repr(dex), repr(dex.add_client(fake.client()))]
    for _ in range(3):
        with pytest.raises(DexError) as caught:
            dex.add_client(fake.client())
        shown += [str(caught.value), repr(caught.value), repr(caught.value.args)]
    shown.append(repr(Credentials(username=fake.USERNAME, password=fake.PASSWORD)))
    shown.append(caplog.text)
    text = "\n".join(shown)
    for value in [*personal_values(), fake.PASSWORD, fake.USERNAME]:
        assert value not in text


# -- the extra ---------------------------------------------------------------------------------


def test_importing_the_package_does_not_import_zeep() -> None:
    code = "import sys, dexcore.webservice, dexcore.cli; print('zeep' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_without_zeep_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zeep", None)
    with pytest.raises(ImportError, match=r"dexcore\[webservice\]"):
        DexService(fake.WSDL, clock=lambda: fake.NOW)


def test_a_wsdl_that_cannot_be_loaded_is_a_contract_error() -> None:
    with pytest.raises(ServiceContractError, match="cannot be loaded"):
        DexService(
            "https://dex.invalid/missing.wsdl",
            clock=lambda: fake.NOW,
            transport=fake.FakeTransport(),
        )


def test_the_homeless_indicator_goes_as_homeless_indicator_code() -> None:
    client = fake.client(extended=ExtendedDemographics(homeless_indicator="ATRISK"))
    transport = fake.FakeTransport([fake.status("AddClient")])
    service(transport, ruleset=NO_RULES).add_client(client)
    assert fake.found(transport.envelope(), "//d:Client/d:HomelessIndicatorCode") == ["ATRISK"]


# -- dexcore's own transport logs no content ---------------------------------------------------


class _Adapter(requests.adapters.BaseAdapter):  # type: ignore[misc]  # requests: no types here
    """A requests adapter that answers from the fake's files and answers (no network)."""

    def __init__(self, answers: list[str]) -> None:
        super().__init__()
        self.answers = answers

    def send(self, request: Any, **_options: Any) -> requests.Response:
        if request.method == "GET":
            name = request.url.rpartition("/")[2]
            made = fake.response(200, (fake.DATA / name).read_text(encoding="utf-8"))
        else:
            made = fake.response(200, self.answers.pop(0))
        made.request, made.url = request, request.url
        return made

    def close(self) -> None:
        pass


def test_the_quiet_transport_logs_neither_the_message_nor_the_answer(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from dexcore.webservice.transport import QuietTransport

    caplog.set_level(logging.DEBUG)
    transport = QuietTransport(timeout=5, operation_timeout=5)
    transport.session.mount("https://dex.invalid/", _Adapter([fake.status("AddClient")]))
    dex = DexService(
        fake.WSDL,
        clock=lambda: fake.NOW,
        credentials=lambda: Credentials(username=fake.USERNAME, password=fake.PASSWORD),
        transport=transport,
    )
    assert dex.add_client(fake.client()).operation == "AddClient"
    assert "HTTP status 200" in caplog.text
    for value in [*personal_values(), fake.PASSWORD, fake.USERNAME]:
        assert value not in caplog.text


def test_zeep_s_own_transport_would_log_the_password(caplog: pytest.LogCaptureFixture) -> None:
    """The attack the quiet transport stops: zeep's default logs whole envelopes at DEBUG."""
    from zeep.transports import Transport

    caplog.set_level(logging.DEBUG)
    transport = Transport(timeout=5, operation_timeout=5)
    transport.session.mount("https://dex.invalid/", _Adapter([fake.status("Ping")]))
    service(transport).ping()
    assert fake.PASSWORD in caplog.text


# -- consent, as a property --------------------------------------------------------------------

GIVEN_MARKER, FAMILY_MARKER, STREET_MARKER = "Zqxmarkgiven", "Zqxmarkfamily", "Zqxmarkstreet 9"
MARKERS = (GIVEN_MARKER, FAMILY_MARKER, STREET_MARKER)


def _with_markers(client: Client) -> Client:
    """The client with marker names and street lines, whatever its consent."""
    address = attrs.evolve(
        client.residential_address, address_line1=STREET_MARKER, address_line2=STREET_MARKER
    )
    return attrs.evolve(
        client, given_name=GIVEN_MARKER, family_name=FAMILY_MARKER, residential_address=address
    )


def _texts(value: object) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(t for item in value.values() for t in _texts(item))]
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    return [str(value)]


@settings(max_examples=60, deadline=None)
@given(strategies.clients())
def test_a_record_holds_names_and_street_exactly_when_the_client_consented(
    client: Client,
) -> None:
    marked = _with_markers(client)
    texts = " ".join(_texts(client_record(marked)))
    present = [m for m in (*MARKERS, "GivenName", "AddressLine2") if m in texts]
    if marked.consent_to_provide_details:
        assert len(present) == 5
    else:
        assert present == []


@settings(max_examples=15, deadline=None)
@given(strategies.clients(consent=False))
def test_no_envelope_carries_a_name_without_consent(client: Client) -> None:
    transport = fake.FakeTransport([fake.status("AddClient")])
    service(transport, ruleset=NO_RULES).add_client(_with_markers(client))
    text = transport.sent[0].decode()
    assert [m for m in MARKERS if m in text] == []
    assert fake.found(transport.envelope(), "//d:Client/d:ClientId") == [client.client_id]


def test_one_service_serves_several_threads_each_its_own_answer() -> None:
    """Calls from several threads share nothing per call: each gets the answer to its record."""
    clients = [fake.client(client_id=f"C-{n:04d}") for n in range(12)]
    transport = fake.FakeTransport([fake.status("AddClient")] * len(clients))
    dex = service(transport)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(dex.add_client, clients))
    assert [r.record_id for r in results] == [c.client_id for c in clients]
    sent = sorted(
        fake.found(etree.fromstring(m), "//d:Client/d:ClientId")[0] for m in transport.sent
    )
    assert sent == sorted(c.client_id for c in clients)
