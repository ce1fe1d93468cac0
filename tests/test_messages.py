"""Messages lead to the fix: each suggested fix works, one bad record gives one problem,
places are given in the file's own terms, and messages say what is allowed."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import attrs
import pytest

from dexcore.errors import BulkReadError, UnknownCodeError, codes_clause
from dexcore.io._places import element_lines, xml_path
from dexcore.io._schema import CLIENT
from dexcore.io.bulk import load_bulk, read_bulk
from dexcore.model import Dataset, State
from dexcore.reference import bundled
from dexcore.rules import KnownRecords, check

# A client record with every element DEX requires, and a few optional ones.
CLIENT_XML = """\
    <Client>
      <ClientId>C{n}</ClientId>
      <Slk>ALMAV120319842</Slk>
      <ConsentToProvideDetails>false</ConsentToProvideDetails>
      <ConsentedForFutureContacts>false</ConsentedForFutureContacts>
      <IsUsingPsuedonym>false</IsUsingPsuedonym>
      <BirthDate>{birth}</BirthDate>
      <IsBirthDateAnEstimate>false</IsBirthDateAnEstimate>
      <GenderCode>FEMALE</GenderCode>
      <CountryOfBirthCode>1101</CountryOfBirthCode>
      <LanguageSpokenAtHomeCode>1201</LanguageSpokenAtHomeCode>
      <AboriginalOrTorresStraitIslanderOriginCode>NO</AboriginalOrTorresStraitIslanderOriginCode>
      <HasDisabilities>false</HasDisabilities>
      <AccommodationTypeCode>PRIVATERENTAL</AccommodationTypeCode>
      <ResidentialAddress>
        <Suburb>Darwin</Suburb>
        <StateCode>NT</StateCode>
        <Postcode>0800</Postcode>
      </ResidentialAddress>
      <HouseholdCompositionCode>SINGLE</HouseholdCompositionCode>
    </Client>
"""
CASE_XML = """\
    <Case>
      <CaseId>K1</CaseId>
      <OutletActivityId>101</OutletActivityId>
      <TotalNumberOfUnidentifiedClients>0</TotalNumberOfUnidentifiedClients>
      <CaseClients>
{clients}      </CaseClients>
    </Case>
"""
CASE_CLIENT_XML = """\
        <CaseClient>
          <ClientId>C{n}</ClientId>
        </CaseClient>
"""


def upload(*clients: str, cases: str = "") -> bytes:
    """A bulk upload of ``clients`` (and ``cases``, already written)."""
    text = "<?xml version='1.0' encoding='UTF-8'?>\n<DEXFileUpload>\n  <Clients>\n"
    text += "".join(clients) + "  </Clients>\n"
    if cases:
        text += f"  <Cases>\n{cases}  </Cases>\n"
    return (text + "</DEXFileUpload>\n").encode()


def client(n: int, birth: str = "1980-01-01") -> str:
    return CLIENT_XML.format(n=n, birth=birth)


BASE = upload(client(1))
TODAY = dt.date(2026, 11, 29)


def change(dataset: Dataset, collection: str, index: int, **changes: object) -> Dataset:
    """``dataset`` with one record of ``collection`` changed."""
    records = list(getattr(dataset, collection))
    records[index] = attrs.evolve(records[index], **changes)
    replaced: dict[str, Any] = {collection: tuple(records)}
    return attrs.evolve(dataset, **replaced)


#: The leaf elements of the client record above, outside its address.
LEAVES = re.findall(r"\n      <(\w+)>[^<]*</\1>", client(1))


def test_the_base_record_reads() -> None:
    assert load_bulk(BASE).problems == ()
    assert len(LEAVES) > 10


def _apply_fix(data: bytes, tag: str, message: str) -> bytes | None:
    """``data`` with the message's suggested fix applied to ``tag``; ``None`` if none is given."""
    text = data.decode()
    written = re.search(r"write (\S+?)(?:,| for| where|\))", message)
    if "leave the element out" in message:
        return re.sub(rf"\n\s*<{tag}>[^<]*</{tag}>", "", text, count=1).encode()
    if written is not None and written.group(1) != "the":
        value = written.group(1)
        if f"<{tag}>" in text:
            return re.sub(rf"<{tag}>[^<]*</{tag}>", f"<{tag}>{value}</{tag}>", text).encode()
        return None
    return None


@pytest.mark.parametrize("tag", LEAVES)
def test_every_placeholder_fix_works(tag: str) -> None:
    """The fix a placeholder message suggests reads without a problem (or none is offered)."""
    data = re.sub(rf"<{tag}>[^<]*</{tag}>", f"<{tag}>N/A</{tag}>", BASE.decode()).encode()
    problems = load_bulk(data).problems
    if not problems:
        return  # a typed value never reads as a placeholder, and this one read as text
    (problem,) = problems
    if problem.code != "xml.placeholder-value":
        return  # a code or a number: its own message says what it must be
    fixed = _apply_fix(data, tag, problem.message)
    element = next(e for e in CLIENT.elements if e.tag == tag)
    if fixed is None:
        assert element.required
        assert element.not_stated is None
        assert "DEX requires it: write the real value" in problem.message
        return
    assert ("leave the element out" in problem.message) == (not element.required)
    assert load_bulk(fixed).problems == ()


def test_placeholder_in_a_mandatory_code_names_the_not_stated_code() -> None:
    data = BASE.replace(b"<CountryOfBirthCode>1101<", b"<CountryOfBirthCode>N/A<")
    (problem,) = load_bulk(data).problems
    assert "leave the element out" not in problem.message
    assert "write 0003, the code for 'not stated'" in problem.message
    fixed = data.replace(b">N/A<", b">0003<")
    assert load_bulk(fixed).problems == ()


@pytest.mark.parametrize(
    "tag", [e.tag for e in CLIENT.elements if e.required and e.leaf is not None]
)
def test_every_missing_element_fix_works(tag: str) -> None:
    """A missing mandatory element: the message names it, and the code to write if any."""
    data = re.sub(rf"\n\s*<{tag}>[^<]*</{tag}>", "", BASE.decode()).encode()
    (problem,) = load_bulk(data).problems
    assert problem.code == "xml.missing-element"
    assert f"needs a {tag} element" in problem.message
    code = next(e.not_stated for e in CLIENT.elements if e.tag == tag)
    if code is None:
        assert "not stated" not in problem.message
        return
    assert f"write {code} where it was not stated" in problem.message
    restored = BASE.decode().replace(f"<{tag}>", f"<{tag}>{code}<!--", 1)
    restored = re.sub(rf"<!--[^<]*</{tag}>", f"</{tag}>", restored)
    assert load_bulk(restored.encode()).problems == ()


# -- one bad record, one problem -----------------------------------------------------------


def _with_case(birth_of_c2: str) -> bytes:
    clients = [client(1), client(2, birth=birth_of_c2), client(3)]
    attached = "".join(CASE_CLIENT_XML.format(n=n) for n in (1, 2, 3))
    return upload(*clients, cases=CASE_XML.format(clients=attached))


def test_one_bad_birth_date_gives_one_problem() -> None:
    loaded = load_bulk(_with_case("1980-02-30"))
    assert [p.code for p in loaded.problems] == ["xml.bad-value"]
    report = check(loaded.dataset, today=TODAY, known=loaded.known_records())
    assert not [i for i in report.issues if i.code.endswith(".unknown")]
    # Without the upload's knowledge, the reference is reported (the attacker's view).
    blind = check(loaded.dataset, today=TODAY)
    assert [i.code for i in blind.issues if i.code == "case.client.unknown"]


def test_a_reference_to_no_record_at_all_is_still_unknown() -> None:
    data = _with_case("1980-02-30").replace(
        b"<ClientId>C3</ClientId>\n        </CaseClient>",
        b"<ClientId>C9</ClientId>\n        </CaseClient>",
    )
    loaded = load_bulk(data)
    report = check(loaded.dataset, today=TODAY, known=loaded.known_records())
    unknown = [i for i in report.issues if i.code == "case.client.unknown"]
    assert len(unknown) == 1


def test_places_and_lines_count_the_records_left_out() -> None:
    """Client #1 of the dataset is Client[3] of the file when Client[2] could not be read."""
    data = upload(client(1), client(2, birth="1980-13-01"), client(3))
    loaded = load_bulk(data)
    third = loaded.dataset.clients[1]
    assert third.client_id == "C3"
    unconsented = attrs.evolve(third, given_name="Zed")
    dataset = change(loaded.dataset, "clients", 1, given_name=unconsented.given_name)
    report = check(dataset, today=TODAY)
    (issue,) = [i for i in report.issues if i.path == "$.clients[1].given_name"]
    assert loaded.place_of(issue) == (1, 3)
    assert loaded.xml_path_of(issue) == "/DEXFileUpload/Clients/Client[3]/GivenName"
    # No GivenName in the file: the record's own line.
    record_line = data.decode().splitlines().index("      <ClientId>C3</ClientId>")
    assert loaded.lines_of([issue]) == [record_line]


def test_lines_of_names_the_offending_element() -> None:
    data = upload(client(1), client(2))
    loaded = load_bulk(data)
    dataset = change(loaded.dataset, "clients", 1, country_of_birth="0003")
    issues = [
        i for i in check(dataset, today=TODAY).issues if i.record.index == 1 and "country" in i.path
    ]
    lines = data.decode().splitlines()
    expected = [n + 1 for n, line in enumerate(lines) if "CountryOfBirthCode" in line][1]
    for issue, line in zip(issues, loaded.lines_of(issues), strict=True):
        assert loaded.xml_path_of(issue) == "/DEXFileUpload/Clients/Client[2]/CountryOfBirthCode"
        assert line == expected


def test_known_records_keep_what_was_known() -> None:
    loaded = load_bulk(_with_case("1980-02-30"))
    known = loaded.known_records(KnownRecords(case_ids=frozenset({"K7"})))
    assert known.case_ids == {"K7"}
    assert known.unreadable.client_ids == {"C2"}


# -- the file's own terms ------------------------------------------------------------------


def test_a_problem_keeps_its_own_line() -> None:
    data = upload(client(1), client(2, birth="1980-13-01"))
    loaded = load_bulk(data)
    (problem,) = loaded.problems
    lines = data.decode().splitlines()
    expected = next(n + 1 for n, line in enumerate(lines) if "1980-13-01" in line)
    assert loaded.lines_of([problem]) == [expected]
    assert f"line {expected}:" in problem.message


# -- what is allowed -----------------------------------------------------------------------


def test_unknown_closed_code_lists_the_table() -> None:
    data = BASE.replace(b"<GenderCode>FEMALE<", b"<GenderCode>F<")
    (problem,) = load_bulk(data).problems
    assert problem.code == "xml.unknown-code"
    assert "(one of MALE, FEMALE, OTHER, INTERSEX, NOTSTATED; read in any case)" in problem.message


def test_a_long_table_gives_the_first_few_and_where_the_rest_are() -> None:
    codes = tuple(f"C{n:03}" for n in range(300))
    clause = codes_clause(codes, table="Country")
    assert "C011" in clause
    assert "C012" not in clause
    assert "all 300 are in dexcore.reference.bundled().tables['Country']" in clause
    assert codes_clause(()) == ""


def test_unknown_code_error_carries_the_codes() -> None:
    with pytest.raises(UnknownCodeError) as caught:
        State("Narnia")
    assert caught.value.codes == tuple(member.value for member in State)
    assert "Narnia" not in str(caught.value)


# -- encoding and empty uploads ------------------------------------------------------------


def test_a_windows_1252_file_is_an_encoding_problem() -> None:
    data = BASE.replace(b"<Suburb>Darwin<", "<Suburb>Café<".encode("cp1252"))
    with pytest.raises(BulkReadError) as caught:
        load_bulk(data)
    error = caught.value
    at = data.index(b"\xe9")
    line = data[:at].count(b"\n") + 1
    assert error.code == "xml.bad-encoding"
    assert error.line == line
    assert f"byte {at + 1:,} (line {line}) is not UTF-8" in str(error)
    assert "encoding problem" in str(error)
    assert "unescaped" not in str(error)
    with pytest.raises(BulkReadError, match=r"xml\.bad-encoding"):
        read_bulk(data)  # the quick path steps aside, and the full reader says why


def test_a_bad_byte_past_the_first_chunk_is_found() -> None:
    padding = "".join(client(n) for n in range(2, 400)).encode()
    assert len(padding) > 1 << 16
    data = upload(client(1)).replace(b"  </Clients>", padding + b"  </Clients>")
    data = data.replace(b"<Suburb>Darwin</Suburb>", b"<Suburb>Darwin\x96</Suburb>")
    data = data.replace(b"Darwin\x96", b"Darwin", data.count(b"Darwin\x96") - 1)
    with pytest.raises(BulkReadError) as caught:
        load_bulk(data)
    assert caught.value.code == "xml.bad-encoding"
    at = data.index(b"\x96")
    assert f"byte {at + 1:,}" in str(caught.value)


def test_utf8_text_and_other_mistakes_are_not_called_encoding_problems() -> None:
    accented = BASE.replace(b"<Suburb>Darwin<", "<Suburb>Café<".encode())
    assert load_bulk(accented).problems == ()
    with pytest.raises(BulkReadError) as caught:
        load_bulk(BASE.replace(b"<Suburb>Darwin<", b"<Suburb>Tom & Jerry<"))
    assert caught.value.code == "xml.not-well-formed"
    declared = BASE.replace(b"encoding='UTF-8'", b"encoding='windows-1252'")
    declared = declared.replace(b"<Suburb>Darwin<", "<Suburb>Café<".encode("cp1252"))
    assert load_bulk(declared).problems == ()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"<DEXFileUpload/>", "holds no collection"),
        (b"<?xml version='1.0'?>\n<DEXFileUpload>\n</DEXFileUpload>", "holds no collection"),
        (b"<DEXFileUpload><Clients/><Cases></Cases></DEXFileUpload>", "holds no record"),
    ],
)
def test_an_empty_upload_is_an_error(data: bytes, says: str) -> None:
    (problem,) = load_bulk(data).problems
    assert problem.code == "xml.empty-upload"
    assert says in problem.message
    with pytest.raises(BulkReadError, match=r"xml\.empty-upload"):
        load_bulk(data, collect=False)
    with pytest.raises(BulkReadError, match=r"xml\.empty-upload"):
        read_bulk(data)


def test_an_upload_with_one_unreadable_record_is_not_empty() -> None:
    loaded = load_bulk(upload(client(1, birth="1980-13-01")))
    assert [p.code for p in loaded.problems] == ["xml.bad-value"]


# -- service types -------------------------------------------------------------------------


def test_service_types_complete_survives_an_update_without_service_types() -> None:
    complete = attrs.evolve(bundled(), service_types_complete=True)
    from dexcore.reference import ReferenceData

    assert complete.updated_with(ReferenceData()).service_types_complete
    assert bundled().updated_with(complete).service_types_complete is not False


# -- wording -------------------------------------------------------------------------------


def test_an_impossible_date_is_not_called_badly_written() -> None:
    (problem,) = load_bulk(BASE.replace(b"1980-01-01", b"2024-02-30")).problems
    assert "is written YYYY-MM-DD but is not a date that exists" in problem.message
    (problem,) = load_bulk(BASE.replace(b"1980-01-01", b"30/02/2024")).problems
    assert "must be a date written YYYY-MM-DD" in problem.message


# -- in the file's own terms ---------------------------------------------------------------


def test_in_file_terms_names_elements_and_counts_dropped_records() -> None:
    data = upload(client(1), client(2, birth="1980-13-01"), client(3))
    loaded = load_bulk(data)
    dataset = change(loaded.dataset, "clients", 1, given_name="Zed")
    (issue,) = [i for i in check(dataset, today=TODAY).issues if i.path.endswith("given_name")]
    told = loaded.in_file_terms(issue)
    assert told.path == "/DEXFileUpload/Clients/Client[3]/GivenName"
    assert told.message.startswith("GivenName is recorded")
    assert "given_name" not in told.message
    assert "Zed" not in told.message
    (problem,) = loaded.problems
    assert loaded.in_file_terms(problem) is problem


def test_in_file_terms_for_a_whole_collection() -> None:
    loaded = load_bulk(upload(client(1)))
    dataset = change(loaded.dataset, "clients", 0, language_spoken_at_home="0002")
    (issue,) = [i for i in check(dataset, today=TODAY).issues if i.code == "client.not-stated"]
    told = loaded.in_file_terms(issue)
    assert told.path == "/DEXFileUpload/Clients/Client/LanguageSpokenAtHomeCode"
    assert "have LanguageSpokenAtHomeCode not stated" in told.message


@pytest.mark.parametrize(
    ("kind", "path", "expected"),
    [
        (
            "case",
            "$.cases[4].clients[6].client_id",
            "/Cases/Case[9]/CaseClients/CaseClient[7]/ClientId",
        ),
        (
            "session",
            "$.sessions[0].clients[1].referrals[0].purposes",
            "/Sessions/Session[9]/SessionClients/SessionClient[2]/ClientReferralOutWithPurpose"
            "/Referral[1]/PurposeCodes",
        ),
        (
            "client",
            "$.clients[0].extended.first_arrival_year",
            "/Clients/Client[9]/FirstArrivalYear",
        ),
        (
            "client",
            "$.clients[0].residential_address.postcode",
            "/Clients/Client[9]/ResidentialAddress/Postcode",
        ),
        ("client", "$.clients[0].no_such_field", "/Clients/Client[9]"),
        ("client", "$.clients[0]", "/Clients/Client[9]"),
    ],
)
def test_xml_paths_follow_the_schema(kind: str, path: str, expected: str) -> None:
    assert xml_path(kind, 9, path) == "/DEXFileUpload" + expected
    assert xml_path("dataset", 9, path) is None


def test_element_lines_stop_at_a_doctype_and_survive_broken_files() -> None:
    hostile = (
        b'<!DOCTYPE x [<!ENTITY a "b">]><DEXFileUpload><Clients><Client/></Clients></DEXFileUpload>'
    )
    assert element_lines(io.BytesIO(hostile), ["/DEXFileUpload/Clients/Client[1]"]) == {}
    broken = b"<DEXFileUpload>\n<Clients>\n<Client>\n<ClientId>"
    wanted = ["/DEXFileUpload/Clients/Client[1]/ClientId", "/DEXFileUpload/Clients/Client[2]"]
    assert element_lines(io.BytesIO(broken), wanted) == {wanted[0]: 4}


def test_a_file_object_is_not_read_twice() -> None:
    data = upload(client(1), client(2))
    loaded = load_bulk(io.BytesIO(data))
    dataset = change(loaded.dataset, "clients", 1, given_name="Zed")
    issues = [i for i in check(dataset, today=TODAY).issues if i.path.endswith("given_name")]
    assert loaded.lines_of(issues) == [loaded.line_of(issues[0])]
