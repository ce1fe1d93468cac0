"""Hostile and broken input: the library's documented errors; from the CLI, one line and exit 2.

Each reader is handed what an attacker or a broken export can produce: no
data, binary noise, the wrong kind of JSON, nesting a hundred thousand deep,
numbers past Python's 4,300-digit limit, encodings no XML reader can use,
document type declarations, files that never end and pipes that never
start. The library may only raise its own :mod:`dexcore.errors`; the
command line may only exit 0, 1 or 2, and on 2 say why in one line.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dexcore import cli
from dexcore._terminal import shown
from dexcore.errors import BulkReadError, DexError, DexStructureError, ReferenceDataError
from dexcore.io import dataset_from_json
from dexcore.io.bulk import DEFAULT_READ_LIMIT, load_bulk, read_bulk
from dexcore.io.xsd import load_schema
from dexcore.reference import load_reference_xml
from dexcore.rules import Issue

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HEAD = '<?xml version="1.0" encoding="{}"?>\n'
SESSION = (
    "<DEXFileUpload><Sessions><Session><SessionId>S1</SessionId><CaseId>C1</CaseId>"
    "<SessionDate>2024-03-01</SessionDate><ServiceTypeId>{}</ServiceTypeId>"
    "<TotalNumberOfUnidentifiedClients>0</TotalNumberOfUnidentifiedClients>"
    "</Session></Sessions></DEXFileUpload>"
)
DEEP = 100_000
HUGE_NUMBER = "9" * 5_000  # Python converts at most 4,300 digits by default
XSD_HEAD = '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'


def _xml(encoding: str = "utf-8", body: str = "<DEXFileUpload/>") -> bytes:
    return (HEAD.format(encoding) + body).encode("latin-1")


# -- the library: each reader raises only its documented error ---------------------------------

BULK_CASES = [
    (b"", "xml.not-well-formed", "empty"),
    (b"\x00\xff\xfe garbage \x89PNG", "xml.not-well-formed", "not well-formed"),
    (b"<DEXFileUpload>\x00</DEXFileUpload>", "xml.not-well-formed", "not well-formed"),
    (b"<DEXFileUpload><Clients><Client><ClientId>C1", "xml.not-well-formed", "not well-formed"),
    (_xml("x-nope"), "xml.bad-encoding", "encoding"),
    (_xml("shift_jis"), "xml.bad-encoding", "encoding"),  # multi-byte: expat cannot
    (_xml("rot13"), "xml.bad-encoding", "encoding"),  # a codec, but not a text encoding
    (_xml("idna"), "xml.bad-encoding", "encoding"),
    (
        b'<!DOCTYPE d [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]><DEXFileUpload>&b;</DEXFileUpload>',
        "xml.forbidden",
        "DTD",
    ),
    (
        b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><DEXFileUpload>&x;</DEXFileUpload>',
        "xml.forbidden",
        "DTD",
    ),
    (b"<Upload/>", "xml.wrong-root", "root element"),
    (
        b"<DEXFileUpload><Clients><Client>" + b"<a/>" * 100_001 + b"</Client></Clients>",
        "xml.too-many-elements",
        "100,000 elements",
    ),
    (
        b"<DEXFileUpload><Clients>" + b"<a>" * (DEEP + 1) + b"</a>" * (DEEP + 1) + b"</Clients>",
        "xml.too-many-elements",
        "100,000 elements",
    ),
]


@pytest.mark.parametrize(("data", "code", "words"), BULK_CASES)
def test_both_bulk_readers_refuse_with_their_documented_error(
    data: bytes, code: str, words: str
) -> None:
    for read in (read_bulk, load_bulk):
        with pytest.raises(BulkReadError, match=words) as caught:
            read(data)
        assert caught.value.code == code
        assert "\n" not in str(caught.value)


def test_a_number_past_pythons_digit_limit_is_a_bad_record_not_a_crash() -> None:
    problems: list[Issue] = []
    dataset = read_bulk(SESSION.format(HUGE_NUMBER).encode(), problems=problems)
    assert dataset.sessions == ()
    assert [issue.code for issue in problems] == ["xml.bad-value"]
    with pytest.raises(BulkReadError) as caught:
        load_bulk(SESSION.format(HUGE_NUMBER).encode(), collect=False)
    assert caught.value.path.endswith("/ServiceTypeId")
    # The other direction: a sensible number reads.
    assert read_bulk(SESSION.format(5).encode()).sessions[0].service_type_id == 5


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf<DEXFileUpload/>",
        "<DEXFileUpload/>".encode("utf-16"),  # with its byte order mark
        '<?xml version="1.0" encoding="utf-16"?><DEXFileUpload/>'.encode("utf-16-be"),
        b'<?xml version="1.0" encoding="windows-1252"?><DEXFileUpload/>',
    ],
)
def test_byte_order_marks_and_single_byte_encodings_still_read(data: bytes) -> None:
    # Read to the end: the one problem is the upload's emptiness, not its encoding.
    problems: list[Issue] = []
    assert sum(read_bulk(data, problems=problems).counts().values()) == 0
    assert [issue.code for issue in problems] == ["xml.empty-upload"]
    assert [issue.code for issue in load_bulk(data).problems] == ["xml.empty-upload"]


def test_the_size_limit_is_a_library_parameter(tmp_path: Path) -> None:
    data = SESSION.format(5).encode()
    for read in (read_bulk, load_bulk):
        with pytest.raises(BulkReadError, match="larger than the limit of 100 bytes") as caught:
            read(data, max_size=100)
        assert caught.value.code == "xml.too-large"
    # The other direction: at the limit, or with no limit, it reads.
    assert len(read_bulk(data, max_size=len(data)).sessions) == 1
    assert len(load_bulk(data, max_size=None).dataset.sessions) == 1
    path = tmp_path / "upload.xml"
    path.write_bytes(data)
    with pytest.raises(BulkReadError, match="larger than the limit"):
        read_bulk(path, max_size=100)
    with pytest.raises(BulkReadError, match="larger than the limit"):
        read_bulk(io.BytesIO(data + b" " * 200), max_size=len(data))
    assert DEFAULT_READ_LIMIT == 40_000_000


class _Endless(io.RawIOBase):
    """A stream that never ends: the root's start tag, then white space for ever."""

    def __init__(self) -> None:
        self.started = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        start = b"" if self.started else b"<DEXFileUpload>"
        self.started = True
        size = len(buffer)
        buffer[:size] = (start + b" " * size)[:size]
        return size


def test_an_endless_stream_is_refused_by_the_size_limit() -> None:
    for read in (read_bulk, load_bulk):
        with pytest.raises(BulkReadError) as caught:
            read(io.BufferedReader(_Endless()), max_size=1_000_000)
        assert caught.value.code == "xml.too-large"
    # /dev/zero is no XML from its first byte: refused at once, whatever the limit.
    with pytest.raises(BulkReadError) as zeros:
        load_bulk("/dev/zero", max_size=None)
    assert zeros.value.code == "xml.not-well-formed"


def test_a_directory_a_missing_file_and_a_silent_fifo_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path, code in [(tmp_path, "xml.cannot-open"), (tmp_path / "no.xml", "xml.cannot-open")]:
        with pytest.raises(BulkReadError) as caught:
            read_bulk(path)
        assert caught.value.code == code
    # A FIFO no program writes to reads as an empty file instead of waiting for ever.
    with pytest.raises(BulkReadError, match="empty"):
        load_bulk(fifo)


class _CountingReads(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads = 0

    def read(self, size: int | None = -1) -> bytes:
        self.reads += 1
        return super().read(size)


@pytest.mark.parametrize(
    "token",
    [
        b'<Client a="' + b"x" * 4_000_000 + b'"/>',
        b"<!--" + b"x>" * 2_000_000 + b"-->",  # a comment full of '>'
        b"<C" + b"x" * 4_000_000 + b"/>",  # a tag name
    ],
)
def test_one_long_token_is_fed_in_growing_pieces(token: bytes) -> None:
    """Expat 2.5 reads an unfinished token again at every feed: 64 KB feeds of a 4 MB
    token would read it 60 times over. The reader feeds at least what expat holds back."""
    stream = _CountingReads(b"<DEXFileUpload><Clients>" + token + b"</Clients></DEXFileUpload>")
    with contextlib.suppress(BulkReadError):
        load_bulk(stream)
    assert stream.reads < 15  # 4 MB in 64 KB pieces would take 62 reads


def test_a_long_unknown_name_is_shortened_in_messages() -> None:
    name = "C" + "x" * 1_000_000
    upload = load_bulk(f"<DEXFileUpload><Clients><{name}/></Clients></DEXFileUpload>".encode())
    (problem,) = upload.problems
    assert problem.code == "xml.unknown-element"
    assert len(problem.message) < 200
    assert len(problem.path) < 200


JSON_CASES = [
    ("null", "expected a mapping"),
    ("42", "expected a mapping"),
    ("[]", "expected a mapping"),
    ('"dataset"', "expected a mapping"),
    ("true", "expected a mapping"),
    ("[" * DEEP + "]" * DEEP, "nested too deeply"),
    ('{"clients": ' + "[" * DEEP + "]" * DEEP + "}", "nested too deeply"),
    (HUGE_NUMBER, "more than 4300 digits"),
    ('{"clients": [' + HUGE_NUMBER + "]}", "more than 4300 digits"),
    ('{"clients": "' + "x" * 1_000_000 + '"}', "expected a list"),
    ('{"clients": {"a": 1}}', "expected a list"),
    ("", "not valid JSON"),
    ("{\x00}", "not valid JSON"),
    ('{"clients": [{"client_id": ', "not valid JSON"),
]


@pytest.mark.parametrize(("text", "words"), JSON_CASES)
def test_the_json_reader_refuses_with_its_documented_error(text: str, words: str) -> None:
    for given_as in (text, text.encode()):
        with pytest.raises(DexStructureError, match=words):
            dataset_from_json(given_as)


def test_a_million_bad_items_cost_twenty_problems_not_gigabytes() -> None:
    """cattrs gathers an error for every bad item; a 5 MB list of nulls would take minutes."""
    with pytest.raises(DexStructureError) as caught:
        dataset_from_json('{"clients": [' + "null," * 1_000_000 + "null]}")
    assert len(caught.value.errors) == 21
    assert "remaining 999981 items were not examined" in caught.value.errors[-1][1]
    # The other direction: twenty bad items are all listed, with nothing left unexamined.
    with pytest.raises(DexStructureError) as few:
        dataset_from_json('{"clients": [' + ",".join(["null"] * 20) + "]}")
    assert len(few.value.errors) == 20


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (_xml("x-nope", "<DEXReferenceData/>"), "encoding"),
        (_xml("shift_jis", "<DEXReferenceData/>"), "encoding"),
        (b'<!DOCTYPE d [<!ENTITY a "a">]><DEXReferenceData/>', "refused"),
        (b"", "not well-formed"),
        (b"\x00\x01garbage", "not well-formed"),
        (b"<DEXReferenceData>" * 10, "not well-formed"),
    ],
)
def test_the_reference_loader_refuses_with_its_documented_error(data: bytes, words: str) -> None:
    with pytest.raises(ReferenceDataError, match=words):
        load_reference_xml(data)


def test_the_reference_loader_has_the_size_limit_and_opens_safely(tmp_path: Path) -> None:
    data = b"<DEXReferenceData/>"
    with pytest.raises(ReferenceDataError, match="larger than the limit of 10 bytes"):
        load_reference_xml(data, max_size=10)
    with pytest.raises(ReferenceDataError, match="larger than the limit"):
        load_reference_xml(io.BytesIO(data), max_size=10)
    with pytest.raises(ReferenceDataError, match="larger than the limit"):
        load_reference_xml("/dev/zero", max_size=1_000)
    with pytest.raises(ReferenceDataError, match="cannot read"):
        load_reference_xml(tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(ReferenceDataError, match="not well-formed"):
        load_reference_xml(fifo)
    assert load_reference_xml(data, max_size=len(data)).tables == {}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'<!DOCTYPE x [<!ENTITY a "b">]>' + XSD_HEAD.encode() + b"</xs:schema>", "xsd.forbidden"),
        (_xml("x-nope", XSD_HEAD + "</xs:schema>"), "xsd.bad-encoding"),
        (b"", "xsd.not-well-formed"),
        (b"\x00garbage", "xsd.not-well-formed"),
        (b"x" * 201, "xsd.too-large"),
    ],
)
def test_the_schema_loader_refuses_with_its_documented_error(data: bytes, code: str) -> None:
    with pytest.raises(BulkReadError) as caught:
        load_schema(data, max_size=200)
    assert caught.value.code == code


def test_a_schema_nested_too_deeply_is_refused_without_a_traceback() -> None:
    deep = XSD_HEAD + "<xs:annotation>" * 5_000 + "</xs:annotation>" * 5_000 + "</xs:schema>"
    with pytest.raises(DexError):
        load_schema(deep.encode())


# -- the command line: one `dexcore:` line and exit 2 ------------------------------------------


@contextlib.contextmanager
def _captured() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err


def _run(*argv: str) -> tuple[int, str, str]:
    """``dexcore ARGV`` in this process (argparse's exits included)."""
    with _captured() as (out, err):
        try:
            status = cli.main(list(argv))
        except SystemExit as leaving:
            status = int(leaving.code or 0)
    return status, out.getvalue(), err.getvalue()


def _one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("dexcore: "), err
    return lines[0]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A folder of hostile files, named for what they hold."""
    samples = {
        "null.json": "null",
        "number.json": "42",
        "list.json": "[]",
        "string.json": '"dataset"',
        "deep.json": "[" * DEEP + "]" * DEEP,
        "huge.json": '{"clients": [' + HUGE_NUMBER + "]}",
        "nope.xml": HEAD.format("x-nope") + "<DEXFileUpload/>",
        "nope-reference.xml": HEAD.format("x-nope") + "<DEXReferenceData/>",
        "nope.xsd": HEAD.format("x-nope") + XSD_HEAD + "</xs:schema>",
        "doctype.xsd": '<!DOCTYPE x [<!ENTITY a "b">]>' + XSD_HEAD + "</xs:schema>",
        "empty.json": "",
        "empty.xml": "",
        "ok.xml": SESSION.format(5),  # one record: an upload without one is an error
        "late.json": '{"sessions": [{"session_id": "S1", "case_id": "C1", "session_date":'
        ' "9999-06-01", "service_type_id": 5, "total_unidentified_clients": 0}]}',
    }
    for name, text in samples.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "garbage.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "folder").mkdir()
    return tmp_path


REFUSALS = [
    (["check", "null.json"], "expected a mapping"),
    (["summary", "number.json"], "expected a mapping"),
    (["kpi", "--period", "2024-H1", "list.json"], "expected a mapping"),
    (["check", "string.json"], "expected a mapping"),
    (["check", "deep.json"], "nested too deeply"),
    (["summary", "huge.json"], "4300 digits"),
    (["check", "nope.xml"], "encoding"),
    (["summary", "nope.xml"], "encoding"),
    (["check", "ok.xml", "--reference", "nope-reference.xml"], "encoding"),
    (["check", "ok.xml", "--xsd", "nope.xsd"], "encoding"),
    (["check", "ok.xml", "--xsd", "doctype.xsd"], "DTD"),
    (["period", "9999-12-31"], "after the last reporting period"),
    (["summary", "late.json"], "after the last reporting period"),
    (["check", "empty.json"], "empty"),
    (["check", "empty.xml"], "empty"),
    (["check", "garbage.bin"], "not valid JSON"),
    (["check", "folder"], "Is a directory"),
    (["summary", "missing.json"], "No such file"),
    (["check", "ok.xml", "--reference", "folder"], "Is a directory"),
    (["check", "ok.xml", "--xsd", "missing.xsd"], "cannot be opened"),
    (["check", "/dev/zero"], "larger than 40,000,000 bytes"),
    (["kpi", "--period", "2024-H1", "ok.xml", "--max-size", "10"], "--max-size"),
    (["check", "ok.xml", "--max-size", "lots"], "expected a size"),
    (["kpi", "--period", "9999-H1", "ok.xml"], "expected a period"),
    (["check"], "required"),
]


@pytest.mark.parametrize(("argv", "words"), REFUSALS)
def test_the_cli_refuses_in_one_line_with_exit_status_2(
    files: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], words: str
) -> None:
    monkeypatch.chdir(files)
    status, out, err = _run(*argv)
    assert status == 2
    assert words in _one_line(err)
    assert out == ""


def test_what_used_to_fail_at_the_end_of_the_calendar_now_works(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(files)
    status, out, err = _run("kpi", "--period", "9998-H2", "ok.xml")
    assert (status, err) == (0, "")
    assert "(9998-07-01 to 9998-12-31)" in out
    status, out, _ = _run("period", "9998-12-31", "--today", "9999-01-30")
    assert status == 0
    assert "it closes on 9999-01-30" in out


def test_the_size_limit_can_be_raised(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(files)
    for size in ("256", "1kB", "2MB", "1G", "5000000000"):
        status, _, err = _run("summary", "ok.xml", "--max-size", size)
        assert (status, err) == (0, ""), size


TERMINAL_ATTACK = "S1\r\x1b[31mALL CLEAR\ud800\u202e"


def test_text_output_escapes_control_characters(tmp_path: Path) -> None:
    dataset = tmp_path / "attack.json"
    session = (
        '{"sessions": [{"session_id": "S1\\r\\u001b[31mALL CLEAR\\ud800\\u202e", "case_id": "C1",'
        ' "session_date": "2024-03-01", "service_type_id": 5, "total_unidentified_clients": 0}]}'
    )
    dataset.write_text(session, encoding="utf-8")
    status, out, _ = _run("check", str(dataset), "--today", "2024-04-01")
    assert status == 1
    assert "(S1\\x0d\\x1b[31mALL CLEAR\\ud800\\u202e)" in out
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202e]", out)
    # JSON output escapes them the JSON way, and still carries the id.
    status, out, _ = _run("check", str(dataset), "--today", "2024-04-01", "--format", "json")
    assert status == 1
    assert '"S1\\r\\u001b[31mALL CLEAR\\ud800\\u202e"' in out
    assert out.isascii()


UNSHOWABLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)


@given(st.text())
def test_shown_text_holds_nothing_a_terminal_obeys_and_keeps_the_rest(text: str) -> None:
    escaped = shown(text)
    assert not UNSHOWABLE.search(escaped)
    # The other direction: text with nothing to escape comes back as it was.
    plain = UNSHOWABLE.sub("", text)
    assert shown(plain) == plain
    assert len(escaped) == len(plain) + sum(
        4 if ord(c) < 0x100 else 6 for c in text if UNSHOWABLE.match(c)
    )


def test_a_closed_output_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    err = io.StringIO()
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(sys, "stderr", err)
    assert cli.main(["summary", str(EXAMPLES / "example-dataset.json")]) == 2
    assert "broken pipe" in _one_line(err.getvalue())


def test_pipes_that_close_early_or_never_open_end_cleanly(tmp_path: Path) -> None:
    """As users meet them: `dexcore check FILE | head -1`, and a FIFO with no writer."""
    command = [sys.executable, "-m", "dexcore"]
    early = subprocess.Popen(
        [*command, "check", str(EXAMPLES / "example-upload.xml"), "--today", "2025-01-15"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert early.stdout is not None
    early.stdout.close()  # before the program has written anything: it is still starting
    _, err = early.communicate(timeout=60)
    assert early.returncode == 2
    assert "broken pipe" in _one_line(err.decode())
    fifo = tmp_path / "upload.xml"
    os.mkfifo(fifo)
    silent = subprocess.run(
        [*command, "check", str(fifo)], capture_output=True, text=True, timeout=60, check=False
    )
    assert silent.returncode == 2
    assert _one_line(silent.stderr).endswith("upload.xml is empty")


# -- fuzzing ------------------------------------------------------------------------------------

_NAMES = st.sampled_from(
    ["DEXFileUpload", "Clients", "Client", "ClientId", "Sessions", "Session", "SessionDate", "x"]
)
_PIECES = st.one_of(
    _NAMES.map(lambda name: f"<{name}>"),
    _NAMES.map(lambda name: f"</{name}>"),
    _NAMES.map(lambda name: f"<{name}/>"),
    st.sampled_from(
        [
            '<?xml version="1.0" encoding="x-nope"?>',
            '<?xml version="1.0" encoding="utf-16"?>',
            '<?xml version="1.0"?>',
            '<!DOCTYPE DEXFileUpload [<!ENTITY a "aaaa">]>',
            "&a;",
            "&#0;",
            "&#x1b;",
            "<!-- > -->",
            "<![CDATA[<]]>",
            ' xsi:nil="true"',
            ' a="1"',
            "2024-02-30",
            HUGE_NUMBER,
            "\ufeff",
            "\x00",
            ">",
            "<",
        ]
    ),
    st.text(max_size=12),
)
XMLISH = st.one_of(
    st.binary(max_size=300),
    st.lists(_PIECES, max_size=40).map(lambda parts: "".join(parts).encode("utf-8", "replace")),
    st.lists(_PIECES, max_size=40).map(lambda parts: "".join(parts).encode("utf-16", "replace")),
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["clients", "sessions", "cases", "client_id", "session_date", "x"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@given(XMLISH)
def test_fuzz_the_xml_readers_raise_only_documented_errors(data: bytes) -> None:
    for read in (
        lambda: read_bulk(data, problems=[]),
        lambda: read_bulk(data),
        lambda: load_bulk(data),
        lambda: load_bulk(data, collect=False),
    ):
        with contextlib.suppress(BulkReadError):
            read()
    with contextlib.suppress(ReferenceDataError):
        load_reference_xml(data)


@given(st.one_of(JSONISH.map(json.dumps), st.text(max_size=60)))
def test_fuzz_the_json_reader_raises_only_documented_errors(text: str) -> None:
    with contextlib.suppress(DexStructureError):
        dataset_from_json(text)
    with contextlib.suppress(DexStructureError):
        dataset_from_json(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=25)
@given(XMLISH, st.sampled_from([".xml", ".json", ".txt"]), st.sampled_from(["check", "summary"]))
def test_fuzz_the_cli_exits_cleanly(data: bytes, suffix: str, command: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        extra = ["--today", "2024-07-01"] if command == "check" else []
        status, out, err = _run(command, str(path), *extra)
    assert status in (0, 1, 2)
    if status == 2:
        _one_line(err)
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]", out + err)
