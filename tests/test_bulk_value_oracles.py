"""The bulk reader's problems inside lists and simple values, each in its words, on its line and
at its path, worked by hand (the ``bulk-rest`` mutation run's survivors).

The files are written out by hand, one element a line, so that each line can be counted: the
client file of ``test_bulk_reader_oracles`` (its record starts on line 3), edited at one line.
Every message below was written from the rule it states, not copied from the reader.
"""

from __future__ import annotations

import gc
import io
import logging
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dexcore.errors import BulkReadError, InvalidFieldError
from dexcore.io._schema import COLLECTIONS, TEXT, Element, Shape
from dexcore.io.bulk import load_bulk, read_bulk
from dexcore.io.bulk._names import _FIELD_TAGS
from dexcore.io.bulk._records import _build, _Problem
from dexcore.issues import Issue, RecordRef, Severity
from test_bulk_reader_oracles import _CLIENT_LINES, _RECORD, _XSI, _edited, _upload


def _problems(data: bytes) -> list[tuple[str, str, str | None]]:
    found: list[Issue] = []
    read_bulk(data, problems=found)
    return [(issue.code, issue.message, issue.path) for issue in found]


def _disabilities(*items: str, opening: str = "<Disabilities>") -> bytes:
    """The client file with a list of disabilities: HasDisabilities on line 15, the list's
    opening tag on line 16 and its items from line 17, one a line."""
    return _edited(
        15, "<HasDisabilities>true</HasDisabilities>", opening, *items, "</Disabilities>"
    )


_LIST = f"{_RECORD}/Disabilities"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            # A simple value holding an element, in a nested record: the value's own line.
            _edited(17, "<Suburb><B>Alice</B></Suburb>"),
            ("xml.unexpected-element", "line 17: Suburb must hold a value, not elements",
             f"{_RECORD}/ResidentialAddress/Suburb"),
        ),
        (
            # The same, as the second item of a list: placed by its number.
            _disabilities("<DisabilityCode>PHYSICAL</DisabilityCode>",
                          "<DisabilityCode><Q/></DisabilityCode>"),
            ("xml.unexpected-element", "line 18: DisabilityCode must hold a value, not elements",
             f"{_LIST}/DisabilityCode[2]"),
        ),
        (
            # An item that is not the list's own: a name DEX defines is named in the path...
            _disabilities("<DisabilityCode>PHYSICAL</DisabilityCode>", "<Suburb>X</Suburb>"),
            ("xml.unknown-element", "line 18: Disabilities holds only DisabilityCode elements",
             f"{_LIST}/Suburb[2]"),
        ),
        (
            # ...and one it does not define is not.
            _disabilities("<Bogus>X</Bogus>"),
            ("xml.unknown-element", "line 17: Disabilities holds only DisabilityCode elements",
             f"{_LIST}/*[1]"),
        ),
        (
            # Text in a list, before its first item or after one: the list's line and path.
            _disabilities("text<DisabilityCode>PHYSICAL</DisabilityCode>"),
            ("xml.unexpected-text", "line 16: Disabilities must hold elements, not text", _LIST),
        ),
        (
            _disabilities("<DisabilityCode>PHYSICAL</DisabilityCode>tail"),
            ("xml.unexpected-text", "line 16: Disabilities must hold elements, not text", _LIST),
        ),
        (
            # An attribute on an item: the item's line and number; before the item's name
            # is looked at, so a foreign item with an attribute is called that.
            _disabilities("<DisabilityCode>PHYSICAL</DisabilityCode>",
                          '<DisabilityCode source="crm">SIGHT</DisabilityCode>'),
            ("xml.unexpected-attribute",
             "line 18: DisabilityCode carries an attribute DEX does not define",
             f"{_LIST}/DisabilityCode[2]"),
        ),
        (
            _disabilities('<Bogus source="crm">X</Bogus>'),
            ("xml.unexpected-attribute",
             "line 17: an element DEX does not define carries an attribute DEX does not define",
             f"{_LIST}/*[1]"),
        ),
        (
            # XML Schema's own attributes are allowed on an item (xsi:type here).
            _disabilities("<DisabilityCode>PHYSICAL</DisabilityCode>",
                          f'<DisabilityCode xsi:type="xs:string" {_XSI}>n/a</DisabilityCode>'),
            ("xml.placeholder-value", "line 18: DisabilityCode holds a placeholder instead of a"
             " value; leave the element out", f"{_LIST}/DisabilityCode[2]"),
        ),
        (
            # A blank item reads as text, and the model refuses the list: the list's line.
            _disabilities("<DisabilityCode>PHYSICAL</DisabilityCode>",
                          "<DisabilityCode>  </DisabilityCode>"),
            ("xml.bad-value", "line 16: Disabilities must be a sequence of non-blank codes",
             _LIST),
        ),
        (
            # An empty item is the empty text, refused alike.
            _disabilities("<DisabilityCode/>"),
            ("xml.bad-value", "line 16: Disabilities must be a sequence of non-blank codes",
             _LIST),
        ),
        (
            _edited(4, "<ClientId> C1</ClientId>"),
            ("xml.bad-value", "line 4: ClientId must not start or end with white space",
             f"{_RECORD}/ClientId"),
        ),
        (
            # An attribute on a record, or on a nested record: its own line and path.
            _edited(3, '<Client source="crm">'),
            ("xml.unexpected-attribute", "line 3: Client carries an attribute DEX does not"
             " define", _RECORD),
        ),
        (
            _edited(16, '<ResidentialAddress source="crm">'),
            ("xml.unexpected-attribute", "line 16: ResidentialAddress carries an attribute DEX"
             " does not define", f"{_RECORD}/ResidentialAddress"),
        ),
        (
            # Text after an element of a record, or inside a nested record.
            _edited(4, "<ClientId>C1</ClientId>tail"),
            ("xml.unexpected-text", "line 3: Client must hold elements, not text", _RECORD),
        ),
        (
            _edited(16, "<ResidentialAddress>text"),
            ("xml.unexpected-text", "line 16: ResidentialAddress must hold elements, not text",
             f"{_RECORD}/ResidentialAddress"),
        ),
        (
            # A placeholder with blanks around it, up to eleven characters in all (the
            # longest, "undefined", and one blank each side).
            _edited(17, "<Suburb> undefined </Suburb>"),
            ("xml.placeholder-value", "line 17: Suburb holds a placeholder instead of a value;"
             " DEX requires it: write the real value", f"{_RECORD}/ResidentialAddress/Suburb"),
        ),
        (
            # An empty element is the empty text, which the model refuses as a suburb.
            _edited(17, "<Suburb/>"),
            ("xml.bad-value", "line 17: Suburb must be text with at least one non-blank"
             " character", f"{_RECORD}/ResidentialAddress/Suburb"),
        ),
        (
            # The same eleven characters as an item of a list, and as a code.
            _disabilities("<DisabilityCode> undefined </DisabilityCode>"),
            ("xml.placeholder-value", "line 17: DisabilityCode holds a placeholder instead of a"
             " value; leave the element out", f"{_LIST}/DisabilityCode[1]"),
        ),
        (
            _edited(11, "<GenderCode> undefined </GenderCode>"),
            ("xml.placeholder-value", "line 11: GenderCode holds a placeholder instead of a"
             " value; DEX requires it: write NOTSTATED, the code for 'not stated'",
             f"{_RECORD}/GenderCode"),
        ),
        (
            # A blank text reads as text, and the model refuses it: placed on its element.
            _edited(17, "<Suburb>  </Suburb>"),
            ("xml.bad-value", "line 17: Suburb must be text with at least one non-blank"
             " character", f"{_RECORD}/ResidentialAddress/Suburb"),
        ),
    ],
)  # fmt: skip
def test_each_problem_of_a_list_or_a_value_in_its_words(
    data: bytes, expected: tuple[str, str, str]
) -> None:
    assert _problems(data) == [expected]


def test_a_list_of_plain_items_is_read_in_order() -> None:
    # The other direction: two good items, with white space between them, are both read.
    data = _disabilities("<DisabilityCode>PHYSICAL</DisabilityCode>",
                         "<DisabilityCode>SIGHT</DisabilityCode>")  # fmt: skip
    (client,) = read_bulk(data).clients
    assert client.disabilities == ("PHYSICAL", "SIGHT")
    assert load_bulk(data).problems == ()


#: One session assessment (its record on line 3, its list of assessments on line 6), with an
#: assessment a line from line 7.
_ASSESSMENT = (
    "<Assessment><ScoreTypeCode>GROUP</ScoreTypeCode><AssessmentPhaseCode>{}</AssessmentPhaseCode>"
    "<Scores><ScoreCode>{}</ScoreCode></Scores></Assessment>"
)


def _session_assessment(*phases: str, score: str = "GROUPSKILLS4") -> bytes:
    lines = [
        "<DEXFileUpload>",
        "<SessionAssessments>",
        "<SessionAssessment>",  # line 3
        "<CaseId>K1</CaseId>",
        "<SessionId>S1</SessionId>",
        "<Assessments>",  # line 6
        *(_ASSESSMENT.format(phase, score) for phase in phases),
        "</Assessments>",
        "</SessionAssessment>",
        "</SessionAssessments>",
        "</DEXFileUpload>",
    ]
    return "\n".join(lines).encode()


def test_a_list_longer_than_the_schema_allows_is_refused_on_its_line() -> None:
    # The schema allows a session assessment at most two assessments (PRE and POST).
    assert _problems(_session_assessment("PRE", "POST", "POST")) == [
        (
            "xml.too-many",
            "line 6: Assessments holds at most 2 Assessment elements",
            "/DEXFileUpload/SessionAssessments/SessionAssessment[1]/Assessments",
        )
    ]
    # The other direction: two are read, in order.
    (record,) = read_bulk(_session_assessment("PRE", "POST")).session_assessments
    assert [assessment.phase.value for assessment in record.assessments] == ["PRE", "POST"]


# -- the files read together, and what the log says of them ------------------------------------

#: A case without its count of unidentified clients (its record on line 3).
_CASE_WITHOUT_COUNT = b"\n".join(
    [
        b"<DEXFileUpload>",
        b"<Cases>",
        b"<Case>",
        b"<CaseId>K1</CaseId>",
        b"<OutletActivityId>4411</OutletActivityId>",
        b"</Case>",
        b"</Cases>",
        b"</DEXFileUpload>",
    ]
)


def test_files_read_together_name_their_file_and_the_log_counts_by_kind(
    caplog: pytest.LogCaptureFixture,
) -> None:
    good = _edited(17, "<Suburb>Alice Springs</Suburb>")
    placeholder = _edited(17, "<Suburb>N/A</Suburb>")
    found: list[Issue] = []
    with caplog.at_level(logging.INFO, logger="dexcore.io.bulk"):
        dataset = read_bulk([good, placeholder, _CASE_WITHOUT_COUNT], problems=found)
    assert (len(dataset.clients), len(dataset.cases)) == (1, 0)
    assert [(issue.code, issue.message) for issue in found] == [
        (
            "xml.placeholder-value",
            "file 2, line 17: Suburb holds a placeholder instead of a value; DEX requires it:"
            " write the real value",
        ),
        ("xml.missing-element", "file 3, line 3: Case needs a TotalNumberOfUnidentifiedClients"
         " element"),
    ]  # fmt: skip
    # Counts only, the kinds in alphabetical order: no id, no value.
    assert [record.getMessage() for record in caplog.records] == [
        "read 1 records from 3 file(s); 2 more could not be read and are left out"
        " (case 1, client 1)"
    ]
    assert [record.levelno for record in caplog.records] == [logging.INFO]


def test_a_clean_read_is_logged_only_for_debugging(caplog: pytest.LogCaptureFixture) -> None:
    good = _edited(17, "<Suburb>Alice Springs</Suburb>")
    with caplog.at_level(logging.INFO, logger="dexcore.io.bulk"):
        read_bulk([good, good])
    assert caplog.records == []
    with caplog.at_level(logging.DEBUG, logger="dexcore.io.bulk"):
        load_bulk(good)
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.DEBUG, "read 1 records from 1 file(s)")
    ]


# -- what is given to read ------------------------------------------------------------------------


def test_a_file_that_cannot_be_opened_is_named_by_why_never_by_its_name(tmp_path: Path) -> None:
    # A file name can name a person (synthetic here): the message gives only the system's reason.
    missing = tmp_path / "Vabbo Quollby 1931-07-20.xml"
    for path, why in [(missing, "No such file or directory"), (tmp_path, "Is a directory")]:
        for read in (read_bulk, load_bulk):
            with pytest.raises(BulkReadError) as caught:
                read(path)
            error = caught.value
            assert (error.code, error.path, error.line) == ("xml.cannot-open", "/", None)
            assert str(error) == f"/: the file cannot be opened ({why}) [xml.cannot-open]"
            assert error.__context__ is None
            assert error.__cause__ is None


def test_something_that_is_not_a_file_is_refused_with_what_is_read() -> None:
    for source in (42, None, 4.5):
        with pytest.raises(TypeError) as caught:
            read_bulk(source)  # type: ignore[arg-type]
        assert str(caught.value) == "read_bulk needs a path, bytes or a binary file object"


def test_a_bytearray_reads_as_its_bytes_and_is_held_to_the_limit() -> None:
    data = _edited(17, "<Suburb>Alice Springs</Suburb>")
    assert read_bulk(bytearray(data)) == read_bulk(data)
    assert len(load_bulk(bytearray(data), max_size=len(data)).dataset.clients) == 1
    with pytest.raises(BulkReadError) as caught:
        load_bulk(bytearray(data), max_size=len(data) - 1)
    assert caught.value.code == "xml.too-large"


_SCORE = "/DEXFileUpload/SessionAssessments/SessionAssessment[1]/Assessments/Assessment[1]/Scores"


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        # A score is required: a placeholder is answered with the list's own fix.
        ("n/a", ("xml.placeholder-value", "line 7: ScoreCode holds a placeholder instead of a"
                 " value; DEX requires it: write the real value", f"{_SCORE}/ScoreCode[1]")),
        # Ratings run from 1 to 5.
        ("GROUPSKILLS9", ("xml.bad-value", "line 7: ScoreCode must be a domain code followed by"
                          " a rating from 1 to 5", f"{_SCORE}/ScoreCode[1]")),
    ],
)  # fmt: skip
def test_a_score_that_does_not_read_is_placed_by_its_number(
    score: str, expected: tuple[str, str, str]
) -> None:
    assert _problems(_session_assessment("PRE", score=score)) == [expected]


def test_a_longer_text_around_a_placeholder_is_taken_as_written() -> None:
    # Twelve characters: past the blanks allowed around a placeholder, so a value.
    (client,) = read_bulk(_edited(17, "<Suburb>  undefined </Suburb>")).clients
    assert client.residential_address.suburb == "  undefined "


def test_an_optional_element_marked_nil_is_left_out_and_the_rest_is_read() -> None:
    # Slk (line 5) is optional: nil, it is as if it were not there; every later element
    # (the consents, birth date, address...) is still read.
    (client,) = read_bulk(_edited(5, f'<Slk xsi:nil="true" {_XSI}/>')).clients
    assert client.slk is None
    assert (client.client_id, client.residential_address.postcode) == ("C1", "0870")
    assert client.is_birth_date_an_estimate is True


# -- a model rule that names no element of the record ------------------------------------------
#
# Every rule of dexcore's model names the field it checks, and each field has its element, so
# no file reaches xml.invalid-record today. A stand-in model class does: its rule names a field
# that has no element, or whose element the record left out.


class _Pair:
    """A record of two texts whose rule (both or neither) names a field ``field``."""

    field = "both"

    def __init__(self, **values: object) -> None:
        raise InvalidFieldError("Pair", self.field, "must have both texts or neither")


class _PairNamingTheSecond(_Pair):
    field = "second"


def _pair_shape(cls: type[_Pair]) -> Shape:
    return Shape(
        cls, (Element("First", "first", leaf=TEXT), Element("Second", "second", leaf=TEXT))
    )


@pytest.mark.parametrize("cls", [_Pair, _PairNamingTheSecond])
def test_a_rule_of_the_record_as_a_whole_names_the_record(
    cls: type[_Pair], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second's element is known (by its model class and field) but left out of the record.
    monkeypatch.setitem(_FIELD_TAGS, ("Pair", "second"), "Second")
    node = ET.fromstring("<Pair><First>a</First></Pair>")
    with pytest.raises(_Problem) as caught:
        _build(_pair_shape(cls), node, "/P/Pair[1]", None)
    problem = caught.value
    assert (problem.code, problem.reason, problem.path) == (
        "xml.invalid-record",
        "Pair: must have both texts or neither",
        "/P/Pair[1]",
    )
    assert problem.element is node
    assert problem.__cause__ is None
    assert problem.__suppress_context__ is True


def test_a_rule_naming_an_element_the_record_holds_is_placed_on_that_element(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The other direction: the element is there, so the problem is its bad value.
    monkeypatch.setitem(_FIELD_TAGS, ("Pair", "second"), "Second")
    node = ET.fromstring("<Pair><First>a</First><Second>b</Second></Pair>")
    with pytest.raises(_Problem) as caught:
        _build(_pair_shape(_PairNamingTheSecond), node, "/P/Pair[1]", None)
    problem = caught.value
    assert (problem.code, problem.reason, problem.path) == (
        "xml.bad-value",
        "Second must have both texts or neither",
        "/P/Pair[1]/Second",
    )
    assert problem.element is node[1]


def test_a_file_above_the_limit_is_refused_before_a_byte_is_read(tmp_path: Path) -> None:
    # Its size is known beforehand (a path, an open file, bytes): no chunk is read, so
    # progress is never called. (The file spans several chunks of 64 KiB, so that reading it
    # up to the limit would call progress.)
    data = _edited(17, "<Suburb>Alice Springs</Suburb>" + " " * 200_000)
    path = tmp_path / "upload.xml"
    path.write_bytes(data)
    with path.open("rb") as opened:
        for source in (path, opened, data):
            for read in (read_bulk, load_bulk):
                calls: list[tuple[int, int | None]] = []
                with pytest.raises(BulkReadError) as caught:
                    read(source, max_size=len(data) - 1, progress=lambda *at: calls.append(at))  # noqa: B023
                assert (caught.value.code, calls) == ("xml.too-large", [])
    # The other direction: at the limit, progress reaches the file's size.
    seen: list[tuple[int, int | None]] = []
    load_bulk(path, max_size=len(data), progress=lambda *at: seen.append(at))
    assert seen[-1] == (len(data), len(data))


def test_a_file_object_is_left_open_and_a_path_is_closed(tmp_path: Path) -> None:
    data = _edited(17, "<Suburb>Alice Springs</Suburb>")
    path = tmp_path / "upload.xml"
    path.write_bytes(data)
    with path.open("rb") as opened:
        read_bulk(opened)
        assert not opened.closed  # the caller's to close
        opened.seek(0)
        load_bulk(opened)
        assert not opened.closed
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        read_bulk(path)
        load_bulk(path)
        gc.collect()
    assert [w for w in seen if issubclass(w.category, ResourceWarning)] == []
    # The attacker's side: a file opened and never closed is seen by the same check.
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        path.open("rb")
        gc.collect()
    assert [w for w in seen if issubclass(w.category, ResourceWarning)] != []


# -- records leave the tree as they are read --------------------------------------------------


def test_a_bad_record_of_a_later_collection_is_refused_before_the_file_is_read_to_its_end() -> None:
    # A client, then a session without its elements followed by another, then 200 kB of white
    # space in the collection: once the second session has begun, the first is complete and
    # read, and refused, from the first chunk; the rest of the file is never read.
    data = b"".join(
        [
            b"\n".join([b"<DEXFileUpload>", b"<Clients>", *map(str.encode, _CLIENT_LINES)]),
            b"\n</Clients>\n<Sessions>\n<Session/>\n<Session/>",
            b" " * 200_000,
            b"</Sessions>\n</DEXFileUpload>",
        ]
    )
    seen: list[tuple[int, int | None]] = []
    with pytest.raises(BulkReadError) as caught:
        load_bulk(data, collect=False, progress=lambda *at: seen.append(at))
    # Lines: the root 1, Clients 2, the client 3 to 21, </Clients> 22, Sessions 23, the session 24.
    assert (caught.value.code, caught.value.line) == ("xml.missing-element", 24)
    assert [done for done, _ in seen if done == len(data)] == []


#: A client record with ``extra`` unknown elements after its start tag, one a line: the root on
#: line 1, the collection on line 2, the record on line 3.
def _crowded(extra: int) -> bytes:
    return (
        b"<DEXFileUpload>\n<Clients>\n<Client>\n"
        + b"<a/>\n" * extra
        + b"</Client>\n</Clients>\n</DEXFileUpload>"
    )


def test_a_record_of_exactly_100000_elements_is_read_as_a_record() -> None:
    # The record and 99,999 elements inside it: not more than 100,000, so the record is read,
    # and its problem is its first unknown element (line 4).
    found = load_bulk(_crowded(99_999)).problems
    assert [(i.code, i.message, i.path) for i in found] == [
        (
            "xml.unknown-element",
            "line 4: an element DEX does not define is not an element of Client",
            "/DEXFileUpload/Clients/Client[1]/*",
        )
    ]


def test_a_record_of_more_than_100000_elements_is_refused_at_its_start() -> None:
    with pytest.raises(BulkReadError) as caught:
        load_bulk(_crowded(100_000))
    error = caught.value
    assert (error.code, error.path, error.line) == ("xml.too-many-elements", "/", 3)
    assert error.reason == "a record holds more than 100,000 elements; no DEX record does"


def test_an_attribute_inside_a_record_of_a_list_is_found() -> None:
    # The first assessment's ScoreTypeCode (line 7) carries an attribute: found in the list's
    # record and placed there.
    data = _session_assessment("PRE").replace(
        b"<ScoreTypeCode>", b'<ScoreTypeCode source="crm">', 1
    )
    assert _problems(data) == [
        (
            "xml.unexpected-attribute",
            "line 7: ScoreTypeCode carries an attribute DEX does not define",
            "/DEXFileUpload/SessionAssessments/SessionAssessment[1]/Assessments/Assessment[1]"
            "/ScoreTypeCode",
        )
    ]


def test_every_single_value_of_the_schema_has_its_reader() -> None:
    # The reader reads a single simple value itself (its leaf) and hands only lists and
    # records on: so every element that is neither has a leaf, and each list of values too.
    seen: set[int] = set()
    shapes = [collection.shape for collection in COLLECTIONS]
    while shapes:
        shape = shapes.pop()
        if id(shape) in seen:
            continue
        seen.add(id(shape))
        for element in shape.elements:
            if element.shape is not None:
                shapes.append(element.shape)
            else:
                assert element.leaf is not None, element.tag
            assert element.plain == (element.item is None and element.shape is None)
    assert len(seen) == 16  # the six records and the ten nested in them


# -- the plumbing: several files, the quick path (bulk-rest-plumbing's survivors) -------------


def test_two_files_read_together_name_their_file() -> None:
    good = _edited(17, "<Suburb>Alice Springs</Suburb>")
    found: list[Issue] = []
    read_bulk([good, _edited(17, "<Suburb>N/A</Suburb>")], problems=found)
    assert [issue.message for issue in found] == [
        "file 2, line 17: Suburb holds a placeholder instead of a value; DEX requires it:"
        " write the real value"
    ]


def test_the_quick_path_counts_progress_up_to_the_whole_file() -> None:
    # A plain file of several chunks of 64 KiB (300 clients): read the quick way, progress
    # counts the bytes read so far, a chunk at a time, up to the file's size. (A chunk of
    # white space alone would send the file to the full reader, which counts again from 0.)
    data = _upload(_CLIENT_LINES * 300)
    seen: list[tuple[int, int | None]] = []
    assert len(read_bulk(data, progress=lambda *at: seen.append(at)).clients) == 300
    assert [done for done, _ in seen] == [*range(65_536, len(data), 65_536), len(data)]
    assert {size for _, size in seen} == {len(data)}


def test_each_file_is_read_the_way_it_allows(caplog: pytest.LogCaptureFixture) -> None:
    # quick=True: the bytes are read the quick way (no lines kept); a file object, which
    # cannot be read again for lines, the full way, keeping its client's line (3). Neither
    # fell back from the quick way to the full one, so the log does not say so.
    data = _edited(17, "<Suburb>Alice Springs</Suburb>")
    with caplog.at_level(logging.DEBUG, logger="dexcore.io.bulk"):
        upload = load_bulk([data, io.BytesIO(data)], quick=True)
    assert upload.lines == {("client", 1): 3}
    assert [r.getMessage() for r in caplog.records if "full reader" in r.getMessage()] == []


def _client(client_id: str, *, readable: bool = True) -> list[str]:
    """The client record of the client file with its own id; unreadable with a placeholder."""
    lines = [line.replace(">C1<", f">{client_id}<") for line in _CLIENT_LINES]
    return lines if readable else [line.replace("Alice Springs", "N/A") for line in lines]


def test_files_read_together_keep_each_record_in_its_own_file_and_place() -> None:
    # File 1: A1, A2 (unreadable), A3. File 2: B1 (unreadable), B2, B3. The dataset holds
    # A1, A3, B2, B3 at indexes 0 to 3; file 2's records start at index 2. A2 was left out
    # just before index 1 in file 1, B1 just before index 2 in file 2. So A1 is the
    # first client of file 1, A3 its third, B2 the second of file 2 and B3 its third.
    first = _upload([*_client("A1"), *_client("A2", readable=False), *_client("A3")])
    second = _upload([*_client("B1", readable=False), *_client("B2"), *_client("B3")])
    upload = load_bulk([first, second])
    assert [client.client_id for client in upload.dataset.clients] == ["A1", "A3", "B2", "B3"]
    assert upload.files == 2
    # As a rule's issue about each dataset client finds it: (file from 1, position from 1).
    issues = [
        Issue(
            code="x.y",
            severity=Severity.ERROR,
            message="m",
            record=RecordRef(kind="client", index=index),
            path=f"$.clients[{index}]",
        )
        for index in range(4)
    ]
    assert [upload.place_of(issue) for issue in issues] == [(1, 1), (1, 3), (2, 2), (2, 3)]
    assert [upload.xml_path_of(issue) for issue in issues] == [
        "/DEXFileUpload/Clients/Client[1]",
        "/DEXFileUpload/Clients/Client[3]",
        "/DEXFileUpload/Clients/Client[2]",
        "/DEXFileUpload/Clients/Client[3]",
    ]
    # Both unreadable clients' ids are kept, one from each file.
    assert upload.unreadable.client_ids == frozenset({"A2", "B1"})
