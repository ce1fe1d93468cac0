"""DEX bulk-upload XML: the writer's output, the reader on defective files, the round trip."""

from __future__ import annotations

import datetime as dt
import decimal
import gc
import io
import re
from pathlib import Path

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dexcore.errors import BulkReadError, InvalidFieldError
from dexcore.io._schema import COLLECTIONS, TEXT, Shape
from dexcore.io.bulk import (
    DEFAULT_MAX_BYTES,
    PLACEHOLDERS,
    _read_one,
    _read_quick,
    load_bulk,
    read_bulk,
    upload_part,
    write_bulk,
)
from dexcore.model import (
    Assessment,
    AssessmentPhase,
    AtsiOrigin,
    Case,
    CaseClient,
    Client,
    ClientAssessment,
    Dataset,
    DomainScore,
    ExtendedDemographics,
    Gender,
    IncomeFrequency,
    MainSourceOfIncome,
    Month,
    Outlet,
    OutletActivity,
    ParticipationType,
    ReasonForAssistance,
    Referral,
    ReferralType,
    ResidentialAddress,
    ScoreType,
    Session,
    SessionAssessment,
    SessionClient,
    State,
)
from dexcore.rules import Issue
from dexcore.testing import strategies as dst
from golden_files import GoldenCheck

GOLDEN = Path(__file__).resolve().parent / "golden" / "bulk"

# Synthetic people only.
ADDRESS = ResidentialAddress(
    suburb="Alice Springs", state=State.NT, postcode="0870", address_line1="7 Quollby Lane & Rear"
)


def _client(client_id: str, *, consent: bool, **changes: object) -> Client:
    values: dict[str, object] = {
        "client_id": client_id,
        "consent_to_provide_details": consent,
        "consented_for_future_contacts": False,
        "birth_date": dt.date(1988, 4, 9),
        "gender": Gender.FEMALE,
        "country_of_birth": "1101",
        "language_spoken_at_home": "1201",
        "atsi_origin": AtsiOrigin.NO,
        "residential_address": ADDRESS,
        "slk": "UOBAV090419882",
        "given_name": "Vabbo <Zed>",
        "family_name": "Quollby & Co",
    }
    values.update(changes)
    return Client(**values)  # type: ignore[arg-type]


def small_dataset() -> Dataset:
    """A dataset that uses most of the format: consent both ways, lists, later fields."""
    clients = (
        _client(
            "C00001",
            consent=True,
            has_disabilities=True,
            disabilities=("INTELLECTUAL", "PHYSICAL"),
            extended=ExtendedDemographics(
                main_source_of_income=MainSourceOfIncome.NIL,
                income_frequency=IncomeFrequency.WEEKLY,
                income_amount=0,
                first_arrival_year=2015,
                first_arrival_month=Month.MARCH,
                education_level="PREPRIMARY",
            ),
        ),
        # Did not consent, yet the model holds names and a street line: the writer must drop them.
        _client(
            "C00002", consent=False, is_birth_date_an_estimate=True, birth_date=dt.date(1970, 1, 1)
        ),
    )
    case = Case(
        case_id="K0001",
        outlet_activity_id=4411,
        total_unidentified_clients=3,
        clients=(
            CaseClient(
                client_id="C00001",
                referral_source="SELF",
                reasons_for_assistance=(ReasonForAssistance(code="FAMILY", is_primary=True),),
            ),
            CaseClient(client_id="C00002"),
        ),
        end_date=dt.date(2024, 12, 20),
    )
    session = Session(
        session_id="S001",
        case_id="K0001",
        session_date=dt.date(2024, 8, 14),
        service_type_id=5,
        total_unidentified_clients=2,
        fees_charged=decimal.Decimal("12.50"),
        interpreter_present=False,
        clients=(
            SessionClient(
                client_id="C00001",
                referrals=(Referral(referral_type=ReferralType.EXTERNAL, purposes=("HOUSING",)),),
            ),
            SessionClient(client_id="C00002", participation=ParticipationType.SUPPORT),
        ),
        topic="PARENTING",
    )
    pre = Assessment(
        score_type=ScoreType.CIRCUMSTANCES,
        phase=AssessmentPhase.PRE,
        scores=(DomainScore(domain="HOUSING", rating=2), DomainScore(domain="MONEY", rating=3)),
    )
    group = Assessment(
        score_type=ScoreType.GROUP,
        phase=AssessmentPhase.POST,
        scores=(DomainScore(domain="GROUPSKILLS", rating=4),),
    )
    return Dataset(
        clients=clients,
        cases=(case,),
        sessions=(session,),
        client_assessments=(
            ClientAssessment(
                client_id="C00001", case_id="K0001", session_id="S001", assessments=(pre,)
            ),
        ),
        session_assessments=(
            SessionAssessment(case_id="K0001", session_id="S001", assessments=(group,)),
        ),
    )


# -- the writer -------------------------------------------------------------------------------


def test_writer_golden(golden: GoldenCheck) -> None:
    (data,) = write_bulk(small_dataset())
    golden(GOLDEN / "small.xml", data)


def test_writer_golden_compact(golden: GoldenCheck) -> None:
    (data,) = write_bulk(small_dataset(), pretty=False)
    golden(GOLDEN / "small-compact.xml", data)


def test_writer_escapes_and_lowercases() -> None:
    (data,) = write_bulk(small_dataset())
    text = data.decode()
    assert "<GivenName>Vabbo &lt;Zed&gt;</GivenName>" in text
    assert "<FamilyName>Quollby &amp; Co</FamilyName>" in text
    assert (
        "<IsUsingPsuedonym>false</IsUsingPsuedonym>" in text
    )  # DSS's spelling, lower-case boolean
    assert "True" not in text
    assert "False" not in text
    assert "<FeesCharged>12.50</FeesCharged>" in text
    assert "<FirstArrivalMonth>March</FirstArrivalMonth>" in text


def test_writer_leaves_out_optional_elements() -> None:
    (data,) = write_bulk(small_dataset())
    text = data.decode()
    assert "<HasCarer>" not in text  # None: left out, not emptied
    assert not re.search(r"<(\w+)>\s*</\1>", text)  # no empty element anywhere
    assert "<ExtraItems>" not in text  # an empty list: left out


def test_writer_never_writes_names_without_consent() -> None:
    (data,) = write_bulk(small_dataset())
    text = data.decode()
    second = text[text.index("<ClientId>C00002</ClientId>") :]
    second = second[: second.index("</Client>")]
    for tag in ("GivenName", "FamilyName", "AddressLine1"):
        assert tag not in second
    assert "<Slk>UOBAV090419882</Slk>" in second
    # The consenting client keeps hers.
    assert text.count("<GivenName>") == 1


@given(dst.clients(consent=False), dst.names(), dst.names())
def test_no_export_names_without_consent(client: Client, given_name: str, family: str) -> None:
    wrong = attrs.evolve(
        client,
        given_name=given_name,
        family_name=family,
        residential_address=attrs.evolve(
            client.residential_address, address_line1="12 Zyxqvort Road"
        ),
    )
    (data,) = write_bulk(Dataset(clients=(wrong,)))
    assert b"<GivenName>" not in data
    assert b"<FamilyName>" not in data
    assert b"Zyxqvort" not in data


def test_writer_refuses_placeholders_and_control_characters() -> None:
    client = _client("C00001", consent=True, given_name="no value")
    with pytest.raises(InvalidFieldError, match="placeholder") as caught:
        write_bulk(Dataset(clients=(client,)))
    assert caught.value.field == "given_name"
    client = _client("C00001", consent=True, family_name="Ab\x01cd")
    with pytest.raises(InvalidFieldError, match="control character"):
        write_bulk(Dataset(clients=(client,)))


def test_writer_keeps_carriage_returns() -> None:
    client = _client("C00001", consent=True, given_name="Ab\r\ncd")
    assert read_bulk(write_bulk(Dataset(clients=(client,)))).clients[0].given_name == "Ab\r\ncd"


def test_empty_dataset_gives_no_file() -> None:
    assert write_bulk(Dataset()) == []


def _split_dataset() -> Dataset:
    clients = tuple(_client(f"C{n:05d}", consent=True) for n in range(60))
    cases = tuple(
        Case(
            case_id=f"K{n:04d}", outlet_activity_id=1, clients=(CaseClient(client_id=f"C{n:05d}"),)
        )
        for n in range(60)
    )
    sessions = tuple(
        Session(
            session_id="S1",
            case_id=f"K{n:04d}",
            session_date=dt.date(2024, 8, 14),
            service_type_id=1,
            clients=(SessionClient(client_id=f"C{n:05d}"),),
        )
        for n in range(60)
    )
    return Dataset(clients=clients, cases=cases, sessions=sessions)


def test_split_files_stay_under_the_limit_and_stand_alone() -> None:
    dataset = _split_dataset()
    files = write_bulk(dataset, max_bytes=8_000)
    assert len(files) > 3
    seen_clients: set[str] = set()
    seen_cases: set[str] = set()
    for data in files:
        assert len(data) <= 8_000
        part = read_bulk(data)  # each file is a complete document on its own
        seen_clients |= {c.client_id for c in part.clients}
        seen_cases |= {c.case_id for c in part.cases}
        # Every record refers only to records in this file or an earlier one.
        assert {cc.client_id for c in part.cases for cc in c.clients} <= seen_clients
        assert {s.case_id for s in part.sessions} <= seen_cases
    assert read_bulk(files) == dataset


def test_at_most_five_collections_a_file() -> None:
    dataset = attrs.evolve(
        small_dataset(),
        outlets=(
            Outlet(
                name="Quollby Hub",
                address=ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800"),
                activities=(
                    OutletActivity(
                        organisation_activity_id=11,
                        start_date=dt.date(2023, 7, 1),
                        end_date=dt.date(2026, 6, 30),
                    ),
                ),
            ),
        ),
    )
    files = write_bulk(dataset)
    assert len(files) == 2
    assert all(len(re.findall(rb"^  <[A-Za-z]+>$", f, re.MULTILINE)) <= 5 for f in files)
    assert read_bulk(files) == upload_part(dataset)


def test_a_record_larger_than_the_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="larger than the limit"):
        write_bulk(small_dataset(), max_bytes=300)
    assert DEFAULT_MAX_BYTES == 10_000_000


# -- the round trip ---------------------------------------------------------------------------


@given(dst.datasets())
def test_round_trip(dataset: Dataset) -> None:
    assert upload_part(dataset) == dataset  # the strategies' data is all upload data
    assert read_bulk(write_bulk(dataset)) == dataset


@given(dst.datasets(max_clients=4), st.integers(1_500, 6_000))
def test_round_trip_split(dataset: Dataset, limit: int) -> None:
    try:
        files = write_bulk(dataset, max_bytes=limit)
    except ValueError as refusal:
        # One record is larger than this limit: refused, as tested above; not this example.
        assume("alone is larger than the limit" not in str(refusal))
        raise
    assert all(len(f) <= limit for f in files)
    assert read_bulk(files) == dataset


@given(st.lists(dst.outlets(), min_size=1, max_size=3))
def test_round_trip_outlets(outlets: list[Outlet]) -> None:
    dataset = Dataset(outlets=tuple(outlets))
    assert read_bulk(write_bulk(dataset)) == upload_part(dataset)


def test_upload_part_drops_what_the_format_does_not_carry() -> None:
    dataset = small_dataset()
    part = upload_part(dataset)
    assert part.clients[1].given_name is None
    assert part.clients[1].residential_address.address_line1 is None
    assert part.clients[0] == dataset.clients[0]
    assert read_bulk(write_bulk(dataset)) == part


# -- the reader -------------------------------------------------------------------------------

CLIENT = """<Client>
      <ClientId>C00001</ClientId>
      <Slk>UOBAV090419882</Slk>
      <ConsentToProvideDetails>false</ConsentToProvideDetails>
      <ConsentedForFutureContacts>false</ConsentedForFutureContacts>
      <IsUsingPsuedonym>false</IsUsingPsuedonym>
      <BirthDate>1988-04-09</BirthDate>
      <IsBirthDateAnEstimate>false</IsBirthDateAnEstimate>
      <GenderCode>FEMALE</GenderCode>
      <CountryOfBirthCode>1101</CountryOfBirthCode>
      <LanguageSpokenAtHomeCode>1201</LanguageSpokenAtHomeCode>
      <AboriginalOrTorresStraitIslanderOriginCode>NO</AboriginalOrTorresStraitIslanderOriginCode>
      <HasDisabilities>false</HasDisabilities>
      <ResidentialAddress>
        <Suburb>Alice Springs</Suburb>
        <StateCode>NT</StateCode>
        <Postcode>0870</Postcode>
      </ResidentialAddress>
    </Client>"""


def upload(*clients: str, head: str = "", root: str = "<DEXFileUpload>") -> bytes:
    body = "\n    ".join(clients)
    end = "</" + root[1:].split()[0].rstrip(">") + ">"
    text = f"{head}{root}\n  <Clients>\n    {body}\n  </Clients>\n{end}\n"
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode()


XSI_ROOT = '<DEXFileUpload xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'


def _opening_line(data: bytes, path: str) -> int:
    """The first line of ``data`` that opens the element ``path`` ends in: an error's own line."""
    tag = path.rpartition("/")[2].partition("[")[0]
    # "*" stands for a tag DEX does not define; the cases' only one is Nickname.
    opening = re.compile(f"<{'Nickname' if tag == '*' else tag}[ />]")
    lines = data.decode().splitlines()
    return next(n for n, text in enumerate(lines, 1) if opening.search(text))


def test_reads_a_plain_file() -> None:
    (client,) = read_bulk(upload(CLIENT)).clients
    assert client.client_id == "C00001"
    assert client.residential_address.postcode == "0870"
    assert client.gender is Gender.FEMALE


def test_reads_with_a_namespace_and_nil() -> None:
    nil = CLIENT.replace(
        "<HasDisabilities>false</HasDisabilities>",
        '<HasDisabilities>false</HasDisabilities>\n<HasCarer xsi:nil="true"/>',
    )
    root = (
        '<DEXFileUpload xmlns="https://dss.dex.gov.au"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    )
    (client,) = read_bulk(upload(nil, root=root)).clients
    assert client.has_carer is None
    assert read_bulk(upload(CLIENT)).clients == (client,)


def test_reads_paths_and_file_objects(tmp_path: Path) -> None:
    path = tmp_path / "upload.xml"
    path.write_bytes(upload(CLIENT))
    assert read_bulk(path) == read_bulk(str(path)) == read_bulk(io.BytesIO(upload(CLIENT)))
    with pytest.raises(TypeError, match="binary"):
        read_bulk(io.StringIO(upload(CLIENT).decode()))  # type: ignore[arg-type]


DEFECTS = [
    # (what to replace, with what, rule code, element path)
    (
        "<Slk>UOBAV090419882</Slk>",
        "<Slk>UOBAV090419882</Slk><Nickname>x</Nickname>",
        "xml.unknown-element",
        "Client[1]/*",  # a tag DEX does not define is file text: not repeated
    ),
    ("<BirthDate>1988-04-09</BirthDate>", "", "xml.missing-element", "Client[1]"),
    (
        "<BirthDate>1988-04-09</BirthDate>",
        "<BirthDate>09/04/1988</BirthDate>",
        "xml.bad-value",
        "Client[1]/BirthDate",
    ),
    (
        "<BirthDate>1988-04-09</BirthDate>",
        "<BirthDate>1988-04-09T00:00:00+10:00</BirthDate>",
        "xml.bad-value",
        "Client[1]/BirthDate",
    ),
    (
        "<BirthDate>1988-04-09</BirthDate>",
        "<BirthDate>1988-02-30</BirthDate>",
        "xml.bad-value",
        "Client[1]/BirthDate",
    ),
    (
        "<HasDisabilities>false</HasDisabilities>",
        "<HasDisabilities>False</HasDisabilities>",
        "xml.bad-value",
        "Client[1]/HasDisabilities",
    ),
    (
        "<HasDisabilities>false</HasDisabilities>",
        "<HasDisabilities>yes</HasDisabilities>",
        "xml.bad-value",
        "Client[1]/HasDisabilities",
    ),
    (
        "<GenderCode>FEMALE</GenderCode>",
        "<GenderCode>WOMANISH</GenderCode>",
        "xml.unknown-code",
        "Client[1]/GenderCode",
    ),
    (
        "<CountryOfBirthCode>1101</CountryOfBirthCode>",
        "<CountryOfBirthCode>no value</CountryOfBirthCode>",
        "xml.placeholder-value",
        "Client[1]/CountryOfBirthCode",
    ),
    (
        "<CountryOfBirthCode>1101</CountryOfBirthCode>",
        "<CountryOfBirthCode>  </CountryOfBirthCode>",
        "xml.bad-value",
        "Client[1]/CountryOfBirthCode",
    ),
    (
        "<Slk>UOBAV090419882</Slk>",
        "<Slk>UOBAV090419882</Slk><Slk>UOBAV090419882</Slk>",
        "xml.repeated-element",
        "Client[1]/Slk",
    ),
    ("<Slk>UOBAV090419882</Slk>", "", "xml.out-of-order", "Client[1]/Slk"),
    (
        "<Postcode>0870</Postcode>",
        "<Postcode>870</Postcode>",
        "xml.bad-value",
        "Client[1]/ResidentialAddress/Postcode",
    ),
    (
        "<ClientId>C00001</ClientId>",
        '<ClientId kind="x">C00001</ClientId>',
        "xml.unexpected-attribute",
        "Client[1]/ClientId",
    ),
    (
        "<Suburb>Alice Springs</Suburb>",
        "<Suburb><B>Alice</B></Suburb>",
        "xml.unexpected-element",
        "Client[1]/ResidentialAddress/Suburb",
    ),
]


@pytest.mark.parametrize(("before", "after", "code", "path"), DEFECTS)
def test_reader_names_each_defect(before: str, after: str, code: str, path: str) -> None:
    text = CLIENT.replace(before, after)
    if code == "xml.out-of-order":  # move the SLK after the names' place
        text = text.replace(
            "<IsUsingPsuedonym>", "<Slk>UOBAV090419882</Slk>\n      <IsUsingPsuedonym>"
        )
    data = upload(text)
    with pytest.raises(BulkReadError) as caught:
        read_bulk(data)
    error = caught.value
    assert error.code == code
    assert error.path == f"/DEXFileUpload/Clients/{path}"
    assert error.line == _opening_line(data, path)
    # The message names the element and never the value it held.
    for value in ("09/04/1988", "WOMANISH", "1988-02-30", "Alice", "870<"):
        assert value not in str(error)
    # With problems collected, the bad record is named and the good one kept.
    problems: list[object] = []
    dataset = read_bulk(upload(text, CLIENT.replace("C00001", "C00002")), problems=problems)  # type: ignore[arg-type]
    assert [c.client_id for c in dataset.clients] == ["C00002"]
    assert [getattr(p, "code", None) for p in problems] == [code]


def test_model_rule_is_placed_on_its_element() -> None:
    text = CLIENT.replace("<IsBirthDateAnEstimate>false", "<IsBirthDateAnEstimate>true")
    upload_text = upload(text)
    dataset = read_bulk(upload_text)  # an estimate on 9 April is for the rules, not the reader
    assert dataset.clients[0].is_birth_date_an_estimate
    too_long = CLIENT.replace("C00001", "C" * 51)
    with pytest.raises(BulkReadError) as caught:
        read_bulk(upload(too_long))
    assert caught.value.path.endswith("/ClientId")
    assert "50 characters" in caught.value.reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (upload(CLIENT.replace("Alice Springs", "Alice & Springs")), "not well-formed"),
        (upload(CLIENT.replace("Alice Springs", "Alice <Springs")), "not well-formed"),
        (upload(CLIENT, head='<!DOCTYPE DEXFileUpload [<!ENTITY a "aaaa">]>\n'), "DTD"),
        (upload(CLIENT, head="<!DOCTYPE DEXFileUpload>\n"), "DTD"),
        (upload(CLIENT, head='<!DOCTYPE DEXFileUpload SYSTEM "file:///etc/hostname">\n'), "DTD"),
        (upload(CLIENT.replace("Alice Springs", "&undefined;")), "not well-formed"),
        (upload(CLIENT, root="<Upload>"), "root element"),
        (b"", "empty"),
        (b"<DEXFileUpload><Clients>", "not well-formed"),
    ],
)
def test_refused_documents(data: bytes, reason: str) -> None:
    with pytest.raises(BulkReadError, match=reason) as caught:
        read_bulk(data, problems=[])  # document-level problems are never collected
    assert "Traceback" not in str(caught.value)


def test_unescaped_ampersand_gives_its_line() -> None:
    with pytest.raises(BulkReadError) as caught:
        read_bulk(upload(CLIENT.replace("Alice Springs", "Alice & Springs")))
    assert caught.value.line == 18  # the Suburb line
    assert caught.value.code == "xml.not-well-formed"


def test_unknown_collection_and_record_are_reported() -> None:
    data = upload(CLIENT, "<Person><Name>x</Name></Person>").replace(
        b"</Clients>", b"</Clients>\n  <Referrals><Referral/></Referrals>"
    )
    problems: list[object] = []
    dataset = read_bulk(data, problems=problems)  # type: ignore[arg-type]
    assert len(dataset.clients) == 1
    codes = [(getattr(p, "code", ""), getattr(p, "path", "")) for p in problems]
    assert codes == [
        ("xml.unknown-element", "/DEXFileUpload/Clients/*"),
        ("xml.unknown-element", "/DEXFileUpload/*"),
    ]


def test_lines_point_at_records() -> None:
    data = upload(CLIENT, CLIENT.replace("C00001", "C00002"))
    loaded = load_bulk(data)
    assert loaded.lines[("client", 0)] == 4
    assert loaded.lines[("client", 1)] == 23
    assert loaded.files == 1


def test_too_many_assessments() -> None:
    dataset = small_dataset()
    (data,) = write_bulk(dataset)
    six = data.decode()
    start = six.rindex("<Assessment>")  # a client assessment's: they come last
    block = six[start : six.index("</Assessment>", start) + len("</Assessment>")]
    many = six.replace(block, block * 7, 1)
    with pytest.raises(BulkReadError, match="at most 6") as caught:
        read_bulk(many.encode())
    assert caught.value.code == "xml.too-many"


# -- the reader's chunks, attributes and text ---------------------------------------------------


class _Trickle(io.RawIOBase):
    """A binary stream that hands out at most ``size`` bytes a read, to split every element."""

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size, self.at = data, size, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.data[self.at : self.at + min(self.size, size if size >= 0 else self.size)]
        self.at += len(chunk)
        return chunk


@given(dst.datasets(max_clients=4), st.integers(1, 97))
def test_chunk_boundaries_change_nothing(dataset: Dataset, size: int) -> None:
    (data,) = write_bulk(dataset, max_bytes=10**9)
    whole = load_bulk(data)
    trickled = load_bulk(_Trickle(data, size))  # type: ignore[arg-type]
    assert trickled.dataset == whole.dataset == dataset
    assert trickled.lines == whole.lines


def test_lines_and_problems_survive_small_chunks() -> None:
    bad = CLIENT.replace("C00001", "C00002").replace("1988-04-09", "09/04/1988")
    data = upload(CLIENT, bad, CLIENT.replace("C00001", "C00003"))
    for size in (1, 5, 64, len(data)):
        loaded = load_bulk(_Trickle(data, size))  # type: ignore[arg-type]
        assert [c.client_id for c in loaded.dataset.clients] == ["C00001", "C00003"]
        assert loaded.lines == {("client", 0): 4, ("client", 1): 42}
        (problem,) = loaded.problems
        assert problem.code == "xml.bad-value"
        assert problem.path == "/DEXFileUpload/Clients/Client[2]/BirthDate"
        assert problem.message.startswith("line 29:")  # the BirthDate line of the second client


NESTED_DEFECTS = [
    # (what to replace, with what, rule code, element path)
    (
        "<Suburb>Alice Springs</Suburb>",
        '<AddressLine1 xsi:nil="true">7 Quollby Lane</AddressLine1><Suburb>Alice Springs</Suburb>',
        "xml.bad-value",
        "Client[1]/ResidentialAddress/AddressLine1",
    ),
    (
        "<Postcode>0870</Postcode>",
        '<Postcode note="x">0870</Postcode>',
        "xml.unexpected-attribute",
        "Client[1]/ResidentialAddress/Postcode",
    ),
    (
        "<ResidentialAddress>",
        '<ResidentialAddress source="crm">',
        "xml.unexpected-attribute",
        "Client[1]/ResidentialAddress",
    ),
    (
        "<HasDisabilities>false</HasDisabilities>",
        "<HasDisabilities>false</HasDisabilities><Disabilities>"
        "<DisabilityCode>SENSORY</DisabilityCode>"
        '<DisabilityCode why="x">NOT_STATED</DisabilityCode>'
        "</Disabilities>",
        "xml.unexpected-attribute",
        "Client[1]/Disabilities/DisabilityCode[2]",
    ),
    (
        "<Suburb>Alice Springs</Suburb>",
        "stray words<Suburb>Alice Springs</Suburb>",
        "xml.unexpected-text",
        "Client[1]/ResidentialAddress",
    ),
    (
        "<StateCode>NT</StateCode>",
        "<StateCode>NT</StateCode> and more",
        "xml.unexpected-text",
        "Client[1]/ResidentialAddress",
    ),
    (
        "<GenderCode>FEMALE</GenderCode>",
        "<GenderCode> N/A </GenderCode>",
        "xml.placeholder-value",
        "Client[1]/GenderCode",
    ),
    (
        "<BirthDate>1988-04-09</BirthDate>",
        "<BirthDate>TBA</BirthDate>",
        "xml.placeholder-value",
        "Client[1]/BirthDate",
    ),
    (
        "<IsBirthDateAnEstimate>false</IsBirthDateAnEstimate>",
        '<IsBirthDateAnEstimate xsi:nil="true"/>',
        "xml.missing-element",
        "Client[1]/IsBirthDateAnEstimate",
    ),
]


@pytest.mark.parametrize(("before", "after", "code", "path"), NESTED_DEFECTS)
def test_reader_places_nested_defects(before: str, after: str, code: str, path: str) -> None:
    data = upload(CLIENT.replace(before, after), root=XSI_ROOT)
    with pytest.raises(BulkReadError) as caught:
        read_bulk(data)
    assert (caught.value.code, caught.value.path) == (code, f"/DEXFileUpload/Clients/{path}")
    assert caught.value.line == _opening_line(data, path)
    for value in ("Quollby", "stray", "and more"):
        assert value not in str(caught.value)


def test_nil_optional_elements_are_left_out_anywhere() -> None:
    text = CLIENT.replace(
        "<Suburb>",
        '<AddressLine1 xsi:nil="true"/><AddressLine2 xsi:nil="1"></AddressLine2><Suburb>',
    )
    (client,) = read_bulk(upload(text, root=XSI_ROOT)).clients
    assert client == read_bulk(upload(CLIENT)).clients[0]


def test_attributes_on_the_root_and_collections_are_reported() -> None:
    data = upload(CLIENT, root='<DEXFileUpload version="2">').replace(
        b"<Clients>", b'<Clients count="1">'
    )
    problems: list[object] = []
    dataset = read_bulk(data, problems=problems)  # type: ignore[arg-type]
    assert len(dataset.clients) == 1
    found = [(getattr(p, "code", ""), getattr(p, "path", "")) for p in problems]
    assert found == [
        ("xml.unexpected-attribute", "/DEXFileUpload"),
        ("xml.unexpected-attribute", "/DEXFileUpload/Clients"),
    ]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        read_bulk(upload(CLIENT))
        assert gc.isenabled() is enabled
        with pytest.raises(BulkReadError):
            read_bulk(upload(CLIENT, root="<Upload>"))
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_no_placeholder_reads_as_a_typed_value() -> None:
    # The reader looks for placeholders in typed values only when they fail to read.
    leaves = {
        element.leaf
        for collection in COLLECTIONS
        for shape in _shapes(collection.shape)
        for element in shape.elements
        if element.leaf is not None and element.leaf is not TEXT
    }
    assert len(leaves) > 10
    for leaf in leaves:
        for placeholder in PLACEHOLDERS:
            for text in (placeholder, placeholder.upper(), f" {placeholder} "):
                with pytest.raises(Exception):  # noqa: B017, PT011 (any refusal will do)
                    leaf.read(text)


def _shapes(shape: Shape) -> list[Shape]:
    found = [shape]
    for element in shape.elements:
        if element.shape is not None:
            found.extend(_shapes(element.shape))
    return found


# -- the quick path ---------------------------------------------------------------------------


@given(dst.datasets(max_clients=4))
def test_quick_path_reads_what_the_full_reader_reads(dataset: Dataset) -> None:
    (data,) = write_bulk(dataset, max_bytes=10**9)
    quick = _read_quick(data, progress=None)
    body = data[data.index(b"<DEXFileUpload>") :]
    if b"=" not in body:  # an '=' in some text sends the file to the full reader
        assert quick is not None
        assert quick.records == _read_one(data, collect=True, file_label="", progress=None).records
    assert read_bulk(data) == load_bulk(data).dataset == dataset


def test_quick_path_is_taken_for_plain_files() -> None:
    data = upload(CLIENT)
    assert _read_quick(data, progress=None) is not None
    bom = b"\xef\xbb\xbf" + data.replace(b'encoding="utf-8"', b'encoding="UTF-8"')
    commented = data.replace(
        b"<DEXFileUpload>", b"<!-- <!DOCTYPE x> -->\n<?app v1?>\n<DEXFileUpload>"
    )
    assert _read_quick(bom, progress=None) is not None
    assert _read_quick(commented, progress=None) is not None
    assert read_bulk(commented) == read_bulk(data)
    # "!" and "?" in a text (not after "<") keep the quick path.
    exclaimed = upload(CLIENT.replace("Alice Springs", "Alice Springs!?"))
    assert _read_quick(exclaimed, progress=None) is not None


def test_quick_count_of_open_elements_is_exact_past_the_bytes_bound() -> None:
    """Counting starts only past _MOST_ELEMENTS bytes, and then counts every "<" once."""
    from dexcore.io.bulk._names import _MOST_ELEMENTS
    from dexcore.io.bulk._quick_reader import _Since

    since = _Since()
    assert not since.too_many(b"<a/>" * (_MOST_ELEMENTS // 4))  # exactly the bound in bytes
    assert not since.too_many(b"x" * 10)  # past it: all counted, 25,000 "<" so far
    assert not since.too_many(b"<" * (_MOST_ELEMENTS - _MOST_ELEMENTS // 4))  # the limit
    assert since.too_many(b"<")  # one more is too many
    assert since.opened == _MOST_ELEMENTS + 1


NOT_QUICK = [
    # (file, why the quick path steps aside)
    (upload(CLIENT).replace(b'encoding="utf-8"', b'encoding="ISO-8859-1"'), "another encoding"),
    (upload(CLIENT).replace(b'encoding="utf-8"', b"encoding = 'UTF-16'"), "another encoding"),
    (upload(CLIENT).replace(b'encoding="utf-8"', b'encoding="utf 8"'), "a strange encoding"),
    (upload(CLIENT, root='<DEXFileUpload xmlns="https://dss.dex.gov.au">'), "a namespace"),
    (
        upload(
            CLIENT.replace("</HasDisabilities>", '</HasDisabilities><HasCarer xsi:nil="1"/>')
        ).replace(b"<DEXFileUpload>", XSI_ROOT.encode()),
        "nil",
    ),
    (upload(CLIENT.replace("Alice Springs", "Alice=Springs")), "an '=' in a text"),
    (upload(CLIENT.replace("<Suburb>", "<!-- ! --><Suburb>")), "a comment among the records"),
    (upload(CLIENT.replace("<Suburb>", "<?app ??><Suburb>")), "an instruction among the records"),
    (upload(CLIENT.replace("<Suburb>", "<![CDATA[x]]><Suburb>")), "a CDATA section"),
    (upload(CLIENT.replace("1988-04-09", "1988-02-30")), "a bad record"),
    (upload(CLIENT, "<Person><Name>x</Name></Person>"), "an unknown record"),
    (upload(CLIENT.replace("Alice Springs", "Alice & Springs")), "not well-formed"),
    (upload(CLIENT, head="<!DOCTYPE DEXFileUpload>\n"), "a DTD"),
    (upload(CLIENT, head='<!-- a -->\n<!DOCTYPE DEXFileUpload [<!ENTITY a "a">]>\n'), "a DTD"),
    (upload(CLIENT, root="<Upload>"), "another root"),
    (b"", "an empty file"),
]


@pytest.mark.parametrize(("data", "why"), NOT_QUICK)
def test_quick_path_steps_aside(data: bytes, why: str) -> None:
    assert _read_quick(data, progress=None) is None, why
    assert _by_read_bulk(data) == _by_load_bulk(data)


def _by_read_bulk(data: bytes) -> tuple[object, ...]:
    problems: list[Issue] = []
    try:
        dataset = read_bulk(data, problems=problems)
    except BulkReadError as error:
        return ("refused", error.code, error.line)
    return ("read", dataset, tuple(problems))


def _by_load_bulk(data: bytes) -> tuple[object, ...]:
    try:
        loaded = load_bulk(data)
    except BulkReadError as error:
        return ("refused", error.code, error.line)
    return ("read", loaded.dataset, loaded.problems)


def test_other_encodings_and_their_dtds_go_to_the_defused_reader() -> None:
    text = upload(CLIENT, head='<!DOCTYPE DEXFileUpload [<!ENTITY a "aaaa">]>\n').decode()
    utf16 = text.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")
    assert _read_quick(utf16, progress=None) is None
    with pytest.raises(BulkReadError, match="DTD"):
        read_bulk(utf16)
    plain16 = upload(CLIENT).decode().replace('encoding="utf-8"', 'encoding="utf-16"')
    assert read_bulk(plain16.encode("utf-16")) == read_bulk(upload(CLIENT))


def test_a_file_object_is_rewound_for_the_full_reader() -> None:
    data = upload(CLIENT.replace("Alice Springs", "Alice=Springs"))
    stream = io.BytesIO(b"junk" + data)
    stream.seek(4)
    (client,) = read_bulk(stream).clients
    assert client.residential_address.suburb == "Alice=Springs"
    trickle = _Trickle(upload(CLIENT), 64)  # not seekable: straight to the full reader
    assert _read_quick(trickle, progress=None) is None  # type: ignore[arg-type]
    assert trickle.at == 0
    assert len(read_bulk(trickle).clients) == 1  # type: ignore[arg-type]


def test_an_attribute_past_the_first_chunk_still_sends_the_file_to_the_full_reader() -> None:
    clients = [CLIENT.replace("C00001", f"C{n:05}") for n in range(1, 200)]
    clients.append(CLIENT.replace("<ClientId>C00001", '<ClientId kind="late">C00200'))
    data = upload(*clients)
    assert len(data) > 2 * 65536
    assert _read_quick(data, progress=None) is None
    assert _by_read_bulk(data) == _by_load_bulk(data)
    assert _by_read_bulk(data)[2][0].code == "xml.unexpected-attribute"  # type: ignore[index]
