"""The bulk reader's problems, each in its words, on its line and at its path, worked by hand;
the ids of unreadable records; the tables the reader builds at import."""

from __future__ import annotations

import datetime as dt
import io
import logging

import attrs
import pytest

from dexcore.errors import BulkReadError
from dexcore.io.bulk import load_bulk, read_bulk, upload_part, write_bulk
from dexcore.io.bulk._names import _field_tags, _known_tags
from dexcore.io.bulk._quick_reader import _has_c_tree_builder
from dexcore.issues import Issue, RecordRef, Unreadable
from dexcore.model import (
    Organisation,
)
from dexcore.rules import check
from test_bulk import small_dataset

# -- the reader's problems, each in its words ---------------------------------------------------
#
# One element a line, so that each problem's line can be counted by hand: the client record
# starts on line 3 (after <DEXFileUpload> and <Clients>) and its elements follow one a line.
# Each message below was written from the rule it states, not copied from the reader.

_XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
_CLIENT_LINES = [
    "<Client>",  # line 3
    "<ClientId>C1</ClientId>",  # 4
    "<Slk>UOBAV090419882</Slk>",  # 5
    "<ConsentToProvideDetails>false</ConsentToProvideDetails>",  # 6
    "<ConsentedForFutureContacts>false</ConsentedForFutureContacts>",  # 7
    "<IsUsingPsuedonym>false</IsUsingPsuedonym>",  # 8
    "<BirthDate>1970-01-01</BirthDate>",  # 9
    "<IsBirthDateAnEstimate>true</IsBirthDateAnEstimate>",  # 10
    "<GenderCode>FEMALE</GenderCode>",  # 11
    "<CountryOfBirthCode>1101</CountryOfBirthCode>",  # 12
    "<LanguageSpokenAtHomeCode>1201</LanguageSpokenAtHomeCode>",  # 13
    "<AboriginalOrTorresStraitIslanderOriginCode>NO</AboriginalOrTorresStraitIslanderOriginCode>",
    "<HasDisabilities>false</HasDisabilities>",  # 15
    "<ResidentialAddress>",  # 16
    "<Suburb>Alice Springs</Suburb>",  # 17
    "<StateCode>NT</StateCode>",  # 18
    "<Postcode>0870</Postcode>",  # 19
    "</ResidentialAddress>",  # 20
    "</Client>",  # 21
]
_RECORD = "/DEXFileUpload/Clients/Client[1]"
_TODAY = dt.date(2025, 1, 15)


def _upload(lines: list[str]) -> bytes:
    return "\n".join(
        ["<DEXFileUpload>", "<Clients>", *lines, "</Clients>", "</DEXFileUpload>"]
    ).encode()


def _edited(line: int, *replacement: str) -> bytes:
    """The client file with its ``line`` (counted from 1 in the file) replaced."""
    lines = list(_CLIENT_LINES)
    lines[line - 3 : line - 2] = replacement
    return _upload(lines)


def _problems(data: bytes) -> list[tuple[str, str, str | None]]:
    found: list[Issue] = []
    read_bulk(data, problems=found)
    return [(issue.code, issue.message, issue.path) for issue in found]


def test_the_client_file_is_read_without_problems() -> None:
    # The baseline of the edits below: any problem they show is the edit's.
    assert _problems(_upload(_CLIENT_LINES)) == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            _edited(5, "<Bogus>1</Bogus>", "<Slk>UOBAV090419882</Slk>"),
            ("xml.unknown-element", "line 5: an element DEX does not define is not an element"
             " of Client", f"{_RECORD}/*"),
        ),
        (
            _edited(5, "<ClientId>C1</ClientId>", "<Slk>UOBAV090419882</Slk>"),
            ("xml.repeated-element", "line 5: ClientId appears more than once",
             f"{_RECORD}/ClientId"),
        ),
        (
            _upload([_CLIENT_LINES[0], _CLIENT_LINES[2], _CLIENT_LINES[1], *_CLIENT_LINES[3:]]),
            ("xml.out-of-order", "line 5: ClientId must come before Slk", f"{_RECORD}/ClientId"),
        ),
        (
            _edited(5, f'<Slk xsi:nil="true" {_XSI}>UOBAV090419882</Slk>'),
            ("xml.bad-value", "line 5: Slk is marked nil but holds a value", f"{_RECORD}/Slk"),
        ),
        (
            _edited(5, '<Slk source="crm">UOBAV090419882</Slk>'),
            ("xml.unexpected-attribute", "line 5: Slk carries an attribute DEX does not define",
             f"{_RECORD}/Slk"),
        ),
        (
            # A required element of a nested record, missing: the nested record's line.
            _edited(17),
            ("xml.missing-element", "line 16: ResidentialAddress needs a Suburb element",
             f"{_RECORD}/ResidentialAddress"),
        ),
        (
            _edited(17, f'<Suburb xsi:nil="true" {_XSI}/>'),
            ("xml.missing-element", "line 17: Suburb must not be nil",
             f"{_RECORD}/ResidentialAddress/Suburb"),
        ),
        (
            # GenderCode has a "not stated" code: the message says to write it.
            _edited(11, f'<GenderCode xsi:nil="true" {_XSI}/>'),
            ("xml.missing-element", "line 11: GenderCode must not be nil (write NOTSTATED where"
             " it was not stated)", f"{_RECORD}/GenderCode"),
        ),
        (
            _edited(17, "<Suburb>N/A</Suburb>"),
            ("xml.placeholder-value", "line 17: Suburb holds a placeholder instead of a value;"
             " DEX requires it: write the real value", f"{_RECORD}/ResidentialAddress/Suburb"),
        ),
        (
            _edited(17, "<AddressLine1>tba</AddressLine1>", "<Suburb>Alice Springs</Suburb>"),
            ("xml.placeholder-value", "line 17: AddressLine1 holds a placeholder instead of a"
             " value; leave the element out", f"{_RECORD}/ResidentialAddress/AddressLine1"),
        ),
        (
            # Optional, with a "not stated" code of its table.
            _edited(16, "<AccommodationTypeCode>null</AccommodationTypeCode>",
                    "<ResidentialAddress>"),
            ("xml.placeholder-value", "line 16: AccommodationTypeCode holds a placeholder instead"
             " of a value; leave the element out, or write NOTSTATED for 'not stated'",
             f"{_RECORD}/AccommodationTypeCode"),
        ),
        (
            _edited(4, "text<ClientId>C1</ClientId>"),
            ("xml.unexpected-text", "line 3: Client must hold elements, not text", _RECORD),
        ),
    ],
)  # fmt: skip
def test_each_problem_of_a_record_in_its_words(data: bytes, expected: tuple[str, str, str]) -> None:
    assert _problems(data) == [expected]


def test_an_item_of_a_list_is_placed_by_its_number() -> None:
    data = _edited(
        15,
        "<HasDisabilities>true</HasDisabilities>",
        "<Disabilities>",
        "<DisabilityCode>PHYSICAL</DisabilityCode>",
        "<DisabilityCode>n/a</DisabilityCode>",
        "</Disabilities>",
    )
    assert _problems(data) == [
        (
            "xml.placeholder-value",
            "line 18: DisabilityCode holds a placeholder instead of a value; leave the element out",
            f"{_RECORD}/Disabilities/DisabilityCode[2]",
        )
    ]


def test_an_unknown_collection_is_a_problem_of_the_file() -> None:
    data = b"<DEXFileUpload>\n<Clientz>\n<Client/>\n</Clientz>\n</DEXFileUpload>"
    found: list[Issue] = []
    read_bulk(data, problems=found)
    (issue,) = found
    assert (issue.code, issue.path) == ("xml.unknown-element", "/DEXFileUpload/*")
    assert issue.message == "line 2: an element DEX does not define is not a DEX collection"
    assert issue.record == RecordRef(kind="file")


def test_a_record_out_of_its_collection_is_named() -> None:
    # A tag DEX defines is named, not called undefined.
    data = _upload(["<Case>", "<CaseId>K1</CaseId>", "</Case>"])
    assert _problems(data) == [
        (
            "xml.unknown-element",
            "line 3: Case is out of place: Clients holds only Client elements",
            "/DEXFileUpload/Clients/Case",
        )
    ]


def test_an_xsi_attribute_other_than_nil_leaves_the_value_as_it_is() -> None:
    # xsi:type is XML Schema's own attribute: allowed, and it does not make the value nil.
    plain = read_bulk(_upload(_CLIENT_LINES))
    typed = read_bulk(_edited(5, f'<Slk xsi:type="xs:string" {_XSI}>UOBAV090419882</Slk>'))
    assert typed == plain
    assert typed.clients[0].slk == "UOBAV090419882"


def test_a_byte_that_is_not_utf8_is_an_encoding_problem_at_its_place() -> None:
    # "é" saved as Windows-1252 is the single byte 0xE9, which UTF-8 cannot start a letter with.
    data = _edited(17, "<Suburb>Al\xe9</Suburb>").replace(b"\xc3\xa9", b"\xe9")
    at = data.index(b"\xe9") + 1  # counted from 1, as the message counts
    with pytest.raises(BulkReadError) as caught:
        read_bulk(data)
    error = caught.value
    assert (error.code, error.path, error.line) == ("xml.bad-encoding", "/", 17)
    assert error.reason == (
        f"byte {at:,} (line 17) is not UTF-8, the encoding the file declares or XML assumes:"
        " an encoding problem, most often a file saved as Windows-1252 (ANSI); save it as"
        ' UTF-8, or declare encoding="windows-1252"'
    )


def test_a_file_cut_inside_a_letter_is_not_called_an_encoding_problem() -> None:
    # The first byte of the two-byte "é", then the end of the file: the letter is unfinished,
    # not in another encoding, and the file is simply not well-formed.
    data = _upload(_CLIENT_LINES[:2]).split(b"</ClientId>")[0] + "é".encode()[:1]
    with pytest.raises(BulkReadError) as caught:
        read_bulk(data)
    assert caught.value.code == "xml.not-well-formed"


def test_a_byte_no_letter_starts_with_is_an_encoding_problem_even_at_the_end() -> None:
    # 0xFF begins no UTF-8 letter, wherever it is: not an unfinished letter.
    data = _upload(_CLIENT_LINES[:2]).split(b"</ClientId>")[0] + b"\xff"
    with pytest.raises(BulkReadError) as caught:
        read_bulk(data)
    assert (caught.value.code, caught.value.line) == ("xml.bad-encoding", 4)


# -- the tables the reader builds when it is imported ------------------------------------------
# (Built once at import; called here again, so that a fault in building them shows.)


def test_the_c_tree_builder_is_found_on_cpython() -> None:
    # CPython's ElementTree takes its TreeBuilder from the _elementtree accelerator.
    assert _has_c_tree_builder() is True


def test_model_fields_map_to_their_element_names() -> None:
    """Names from the DSS bulk-upload schema, for fields at each depth and in each class."""
    tags = _field_tags()
    assert tags[("Client", "client_id")] == "ClientId"
    assert tags[("Client", "is_using_pseudonym")] == "IsUsingPsuedonym"  # DSS's own spelling
    assert tags[("ResidentialAddress", "postcode")] == "Postcode"  # nested in a client
    assert tags[("ExtendedDemographics", "household_composition")] == "HouseholdCompositionCode"
    assert tags[("SessionClient", "participation")] == "ParticipationCode"  # in a list
    assert tags[("Referral", "purposes")] == "PurposeCodes"  # a list in a list
    assert ("Client", "household_composition") not in tags  # extended fields are not Client's


def test_every_element_name_dex_defines_is_known_and_no_other() -> None:
    known = _known_tags()
    # The root, collections and records, fields, nested records, and list items.
    for tag in (
        "DEXFileUpload",
        "Sessions",
        "Session",
        "SessionId",
        "ResidentialAddress",
        "SessionClients",
        "SessionClient",
        "DisabilityCode",
        "PurposeCode",
        "ScoreCode",
    ):
        assert tag in known, tag
    for tag in ("Bogus", "client", "", "DexFileUpload"):
        assert tag not in known, tag


def test_an_unreadable_records_id_is_screened_against_its_own_clients_only() -> None:
    """Not against a client whose id happens to match another text of the record.

    Client and case ids are separate in DEX, so a client may have the id ``K0001`` of the
    case. The session below names the case ``K0001`` and attends client ``C00002``; its id
    holds the family name of client ``K0001``, who is not at the session and not on its case,
    so nothing of the session's clients is in it and it is shown.
    """
    dataset = small_dataset()
    (case,) = dataset.cases
    (session,) = dataset.sessions
    bystander = attrs.evolve(
        dataset.clients[0], client_id=case.case_id, given_name="Zed", family_name="Wombatson"
    )
    session = attrs.evolve(
        session,
        session_id="S-WOMBATSON",
        clients=(attrs.evolve(session.clients[0], client_id="C00002"),),
    )
    dataset = attrs.evolve(dataset, clients=(*dataset.clients, bystander), sessions=(session,))
    xml = b"".join(write_bulk(dataset)).replace(b"<SessionDate>", b"<SessionDate>not a date")
    found: list[Issue] = []
    read_bulk(xml, problems=found)
    assert [(issue.record.kind, issue.record.id) for issue in found] == [("session", "S-WOMBATSON")]
    # The other direction: attending, the same client makes the id personal, and it is withheld.
    attending = attrs.evolve(
        session, clients=(attrs.evolve(session.clients[0], client_id="K0001"),)
    )
    xml = b"".join(write_bulk(attrs.evolve(dataset, sessions=(attending,))))
    found = []
    read_bulk(xml.replace(b"<SessionDate>", b"<SessionDate>not a date"), problems=found)
    assert [(issue.record.kind, issue.record.id) for issue in found] == [("session", None)]


def test_the_ids_of_unreadable_records_are_kept_so_references_to_them_are_not_unknown() -> None:
    """One unreadable client, case and session: each id kept, as written, by its kind."""
    xml = b"".join(write_bulk(small_dataset()))
    xml = xml.replace(b"<GenderCode>FEMALE</GenderCode>", b"<GenderCode>?</GenderCode>", 2)
    xml = xml.replace(b"<OutletActivityId>4411</OutletActivityId>", b"")
    xml = xml.replace(b"<SessionDate>2024-08-14</SessionDate>", b"<SessionDate>-</SessionDate>")
    upload = load_bulk(xml)
    assert upload.unreadable == Unreadable(
        client_ids=frozenset({"C00001", "C00002"}),
        case_ids=frozenset({"K0001"}),
        session_keys=frozenset({("K0001", "S001")}),
    )
    assessments = attrs.evolve(upload.dataset, clients=())  # only the assessments are left
    codes = {
        issue.code
        for issue in check(assessments, today=_TODAY, known=upload.known_records()).issues
    }
    assert not {code for code in codes if code.endswith(".unknown")}
    # The other direction: without them, the assessments' references are unknown.
    codes = {issue.code for issue in check(assessments, today=_TODAY).issues}
    assert {code for code in codes if code.endswith(".unknown")}


def test_an_unreadable_session_without_a_case_id_is_kept_by_its_session_id() -> None:
    # An element left out is kept as the empty id, as the key of a session without a case.
    xml = b"".join(write_bulk(small_dataset()))
    session = b"<SessionId>S001</SessionId>\n      <CaseId>K0001</CaseId>\n"
    assert session in xml
    upload = load_bulk(xml.replace(session, b"<SessionId>S001</SessionId>\n"))
    assert upload.unreadable == Unreadable(session_keys=frozenset({("", "S001")}))


@pytest.mark.parametrize(
    ("client_id", "shown"),
    [
        ("C" * 50, "C" * 50),  # DEX's longest id
        ("C" * 51, None),  # longer than any id DEX takes: not an id to show
        (" C1", None),  # white space around an id is not part of any id
        ("C1 ", None),
        ("", None),
    ],
)
def test_an_unreadable_record_shows_only_an_id_dex_could_take(
    client_id: str, shown: str | None
) -> None:
    data = _edited(4, f"<ClientId>{client_id}</ClientId>").replace(b">FEMALE<", b">?<")
    found: list[Issue] = []
    read_bulk(data, problems=found)
    assert [issue.record.id for issue in found] == [shown]


def test_a_record_without_its_id_shows_no_other_text_as_its_id() -> None:
    # Without ClientId the record's first value is its SLK, which must not stand in for the id.
    found: list[Issue] = []
    read_bulk(_edited(4), problems=found)
    assert [(issue.code, issue.record.kind, issue.record.id) for issue in found] == [
        ("xml.missing-element", "client", None)
    ]


@pytest.mark.parametrize(
    ("client_id", "edits", "shown"),
    [
        # Consent refused, so no names: the SLK's name letters are what the id would give away.
        ("UOBAV-7", [], None),
        ("C1", [], "C1"),
        # No birth date written: the id is screened against the rest, and shown when clean.
        ("C1", [(b"<BirthDate>1970-01-01</BirthDate>", b"")], "C1"),
        # A birth date with a time after it is still read as that day (and the day is not in
        # the id); one the screen cannot read could hide in the id in some other form.
        ("C1", [(b">1970-01-01<", b">1970-01-01T08:30:00<")], "C1"),
        ("C1", [(b">1970-01-01<", b">01/01/1970<")], None),
    ],
)
def test_an_unreadable_clients_id_is_screened_against_what_the_record_holds(
    client_id: str, edits: list[tuple[bytes, bytes]], shown: str | None
) -> None:
    data = _edited(4, f"<ClientId>{client_id}</ClientId>").replace(b">FEMALE<", b">?<")
    for old, new in edits:
        assert old in data
        data = data.replace(old, new)
    found: list[Issue] = []
    read_bulk(data, problems=found)
    assert {issue.record.id for issue in found} == {shown}


def test_the_upload_leaves_the_organisation_out() -> None:
    # The bulk file has no element for the organisation (DEX knows it from the login).
    dataset = attrs.evolve(small_dataset(), organisation=Organisation(name="Quollby Services"))
    part = upload_part(dataset)
    assert part.organisation is None
    assert read_bulk(list(write_bulk(dataset))) == part


def test_read_bulk_tries_the_quick_reader_first(caplog: pytest.LogCaptureFixture) -> None:
    # A file the quick reader gives up on (an attribute) says so; a plain one is read quickly.
    with caplog.at_level(logging.DEBUG, logger="dexcore.io.bulk"):
        read_bulk(_edited(5, f'<Slk xsi:type="xs:string" {_XSI}>UOBAV090419882</Slk>'))
        read_bulk(_upload(_CLIENT_LINES))
    said = [record.getMessage() for record in caplog.records]
    assert [message for message in said if "full reader" in message] == [
        "file 1 is read by the full reader (not plain enough)"
    ]


@pytest.mark.parametrize(
    ("data", "path"),
    [
        (b"\n<Upload/>", "/*"),  # a name DEX does not define is not repeated
        (b"\n<Clients/>", "/Clients"),  # one it defines is
    ],
)
def test_the_wrong_root_is_refused_on_its_line(data: bytes, path: str) -> None:
    with pytest.raises(BulkReadError) as caught:
        read_bulk(data)
    error = caught.value
    assert (error.code, error.path, error.line) == ("xml.wrong-root", path, 2)
    assert error.reason == "the root element must be DEXFileUpload"


def test_an_attribute_on_a_collection_is_a_problem_of_the_file() -> None:
    data = _upload(_CLIENT_LINES).replace(b"<Clients>", b'<Clients source="crm">')
    found: list[Issue] = []
    read_bulk(data, problems=found)
    assert [(i.code, i.message, i.path, i.record) for i in found] == [
        (
            "xml.unexpected-attribute",
            "line 2: Clients carries an attribute DEX does not define",
            "/DEXFileUpload/Clients",
            RecordRef(kind="file"),
        )
    ]


def test_load_bulk_reports_progress_up_to_the_whole_file() -> None:
    (data,) = write_bulk(small_dataset())
    seen: list[tuple[int, int | None]] = []
    load_bulk(data, progress=lambda done, total: seen.append((done, total)))
    assert seen
    assert seen[-1] == (len(data), len(data))


@pytest.mark.parametrize("encoding", ["x-nope", "rot13", "idna"])
def test_an_encoding_that_cannot_be_read_is_refused_in_its_words(encoding: str) -> None:
    # No such codec; a codec that is not a text encoding; one expat cannot use.
    data = f'<?xml version="1.0" encoding="{encoding}"?>\n<DEXFileUpload/>'.encode()
    with pytest.raises(BulkReadError) as caught:
        read_bulk(data)
    error = caught.value
    assert (error.code, error.path, error.line) == ("xml.bad-encoding", "/", 1)
    assert error.reason == (
        "the XML declaration names an encoding that cannot be read; save as UTF-8"
    )


def test_an_attribute_on_the_root_is_a_problem_of_the_file_on_its_line() -> None:
    data = b"\n" + _upload(_CLIENT_LINES).replace(b"<DEXFileUpload>", b'<DEXFileUpload v="2">')
    found: list[Issue] = []
    read_bulk(data, problems=found)
    assert [(i.code, i.message, i.path, i.record) for i in found] == [
        (
            "xml.unexpected-attribute",
            "line 2: DEXFileUpload carries an attribute DEX does not define",
            "/DEXFileUpload",
            RecordRef(kind="file"),
        )
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b"\n<DEXFileUpload>\n</DEXFileUpload>",
            "DEXFileUpload holds no collection; the DSS schema requires at least one (Clients,"
            " Cases, Sessions, …), each with at least one record",
        ),
        (
            b"\n<DEXFileUpload>\n<Clients>\n</Clients>\n</DEXFileUpload>",
            "DEXFileUpload holds no record; each collection needs at least one",
        ),
    ],
)
def test_an_empty_upload_is_refused_on_the_roots_line(data: bytes, reason: str) -> None:
    found: list[Issue] = []
    read_bulk(data, problems=found)
    assert [(i.code, i.message, i.path) for i in found] == [
        ("xml.empty-upload", f"line 2: {reason}", "/DEXFileUpload")
    ]


def test_an_empty_file_is_refused_in_its_words() -> None:
    with pytest.raises(BulkReadError) as caught:
        read_bulk(b"")
    error = caught.value
    assert (error.code, error.path, error.line, error.reason) == (
        "xml.not-well-formed",
        "/",
        1,
        "the file is empty",
    )


def test_a_text_file_object_is_refused_with_how_to_open_it() -> None:
    with pytest.raises(TypeError) as caught:
        read_bulk(io.StringIO("<DEXFileUpload/>"))  # type: ignore[arg-type]
    assert str(caught.value) == "read_bulk needs a binary file object, opened with 'rb'"


class _Pipe(io.BytesIO):
    """A stream whose size cannot be known beforehand, like a pipe."""

    def seekable(self) -> bool:
        return False


def test_a_stream_of_exactly_the_limit_is_read() -> None:
    (data,) = write_bulk(small_dataset())
    assert read_bulk(_Pipe(data), max_size=len(data)) == read_bulk(data)
    with pytest.raises(BulkReadError) as caught:
        read_bulk(_Pipe(data), max_size=len(data) - 1)
    assert caught.value.code == "xml.too-large"


#: A case's id and the element after it, as the writer lays them out.
_CASE_ID = b"<CaseId>K0001</CaseId>\n      <OutletActivityId>"


def test_a_case_without_its_id_shows_no_other_value_as_its_id() -> None:
    # The case's first value would then be its activity id, which is no case id.
    xml = b"".join(write_bulk(small_dataset())).replace(_CASE_ID, b"<OutletActivityId>")
    found: list[Issue] = []
    read_bulk(xml, problems=found)
    assert [(issue.code, issue.record.kind, issue.record.id) for issue in found] == [
        ("xml.missing-element", "case", None)
    ]


def test_unreadable_records_without_their_ids_are_kept_by_the_empty_id() -> None:
    xml = b"".join(write_bulk(small_dataset()))
    for old in (
        b"<SessionId>S001</SessionId>",
        b"<CaseId>K0001</CaseId>\n      <OutletActivityId>",
    ):
        assert old in xml
    xml = xml.replace(b"<SessionId>S001</SessionId>", b"")
    xml = xml.replace(b"<CaseId>K0001</CaseId>\n      <OutletActivityId>", b"<OutletActivityId>")
    upload = load_bulk(xml)
    assert upload.unreadable == Unreadable(
        case_ids=frozenset({""}), session_keys=frozenset({("K0001", "")})
    )


def test_a_known_element_out_of_its_place_is_named() -> None:
    # Names DEX defines are repeated in the message and the path; others are not.
    data = b"\n".join([b"<DEXFileUpload>", b"<Client/>", b"</DEXFileUpload>"])
    assert _problems(data) == [
        ("xml.unknown-element", "line 2: Client is not a DEX collection", "/DEXFileUpload/Client")
    ]
    data = _edited(5, "<CaseId>K1</CaseId>", "<Slk>UOBAV090419882</Slk>")
    assert _problems(data) == [
        ("xml.unknown-element", "line 5: CaseId is not an element of Client", f"{_RECORD}/CaseId")
    ]


def test_without_a_problem_list_the_first_problem_is_raised_in_its_words() -> None:
    data = b"\n".join([b"<DEXFileUpload>", b"<Client/>", b"</DEXFileUpload>"])
    with pytest.raises(BulkReadError) as caught:
        read_bulk(data)
    error = caught.value
    assert (error.code, error.path, error.line, error.reason) == (
        "xml.unknown-element",
        "/DEXFileUpload/Client",
        2,
        "Client is not a DEX collection",
    )


def test_a_long_name_dex_does_not_define_is_never_repeated() -> None:
    # A name is file text like any value: a megabyte of it must not reach a message.
    name = "Q" * 1_000_000
    with pytest.raises(BulkReadError) as caught:
        read_bulk(f"<{name}/>".encode())
    assert (caught.value.path, len(str(caught.value)) < 200) == ("/*", True)
    data = f"<DEXFileUpload>\n<{name}>\n<Client/>\n</{name}>\n</DEXFileUpload>".encode()
    assert _problems(data) == [
        (
            "xml.unknown-element",
            "line 2: an element DEX does not define is not a DEX collection",
            "/DEXFileUpload/*",
        )
    ]
