"""The bulk writer's consent handling, its limits and the full reader's refusals, by hand."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import IO

import attrs
import pytest
from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden

from dexcore.errors import BulkReadError, DexValueError, InvalidFieldError
from dexcore.io._schema import TEXT, Element, Shape
from dexcore.io.bulk import _defused, read_bulk, upload_part, write_bulk
from dexcore.io.bulk._writer import _Writer
from dexcore.model import (
    Client,
    Dataset,
    Outlet,
    OutletActivity,
    ResidentialAddress,
    State,
)
from test_bulk import small_dataset


def _without_consent(client: Client) -> Client:
    address = attrs.evolve(
        client.residential_address, address_line1="7 Quollby Lane", address_line2="Unit 4"
    )
    return attrs.evolve(client, consent_to_provide_details=False, residential_address=address)


def test_neither_street_line_leaves_without_consent() -> None:
    dataset = small_dataset()
    dataset = attrs.evolve(dataset, clients=tuple(map(_without_consent, dataset.clients)))
    part = upload_part(dataset)
    for client in part.clients:
        assert client.given_name is None
        assert client.family_name is None
        assert client.residential_address.address_line1 is None
        assert client.residential_address.address_line2 is None
    text = b"".join(write_bulk(dataset))
    assert b"Quollby" not in text
    assert b"Unit 4" not in text
    assert read_bulk(list(write_bulk(dataset))) == part


def test_a_file_over_the_limit_is_refused_at_the_root() -> None:
    (data,) = write_bulk(small_dataset())
    with pytest.raises(BulkReadError) as caught:
        read_bulk(data, max_size=len(data) - 1)
    assert (caught.value.code, caught.value.path, caught.value.line) == ("xml.too-large", "/", None)


def test_progress_is_reported_up_to_the_whole_file() -> None:
    (data,) = write_bulk(small_dataset())
    seen: list[tuple[int, int | None]] = []
    read_bulk(data, progress=lambda done, total: seen.append((done, total)))
    assert seen
    assert seen[-1] == (len(data), len(data))


def test_what_the_full_reader_refuses_in_its_words() -> None:
    """Files the quick path hands to the defused reader: a DTD, broken XML, a large DTD file."""
    (data,) = write_bulk(small_dataset())
    body = data.split(b"?>", 1)[1]
    cases = [
        (b"<!DOCTYPE x>" + body, None, ("xml.forbidden", "/", 1), "a document type declaration "
         "(DTD) is not allowed"),
        (b"<DEXFileUpload><Clients>&</Clients></DEXFileUpload>", None,
         ("xml.not-well-formed", "/", 1), "the file is not well-formed XML (an unescaped '&' or "
         "'<' in a text is the usual cause)"),
        # Over the limit, the size is refused before the DTD is even seen.
        (b"<!DOCTYPE x>" + body, 50, ("xml.too-large", "/", None), "the file is larger than the "
         "limit of 50 bytes (DSS accepts 10 MB a file); raise the limit (max_size, or "
         "--max-size on the command line) to read it"),
    ]  # fmt: skip
    for source, limit, where, reason in cases:
        with pytest.raises(BulkReadError) as caught:
            read_bulk(source, max_size=limit) if limit else read_bulk(source)
        error = caught.value
        assert (error.code, error.path, error.line) == where
        assert error.reason == reason


_TOO_LARGE_50 = (
    "the file is larger than the limit of 50 bytes (DSS accepts 10 MB a file); raise the limit "
    "(max_size, or --max-size on the command line) to read it"
)


class _SizelessPipe(io.RawIOBase):
    """A stream with no size and no seek, as a pipe: the bytes given, then the end."""

    def __init__(self, data: bytes) -> None:
        self.rest = data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        size = min(len(buffer), len(self.rest))
        buffer[:size], self.rest = self.rest[:size], self.rest[size:]
        return size


@pytest.mark.parametrize("wrap", [io.BytesIO, _SizelessPipe])
def test_a_stream_of_unknown_size_over_the_limit_is_refused_at_the_root(
    wrap: Callable[[bytes], IO[bytes]],
) -> None:
    """A stream shows its size only while it is read: the full reader (here for the DTD, or
    because a pipe cannot be read twice) stops past 50 bytes, before it looks at the DTD."""
    (data,) = write_bulk(small_dataset())
    source = b"<!DOCTYPE x>" + data.split(b"?>", 1)[1]
    with pytest.raises(BulkReadError) as caught:
        read_bulk(wrap(source), max_size=50)
    error = caught.value
    assert (error.code, error.path, error.line, error.reason) == (
        "xml.too-large",
        "/",
        None,
        _TOO_LARGE_50,
    )
    assert str(error) == f"/: {_TOO_LARGE_50} [xml.too-large]"
    # The other direction: with room for it, the same stream reaches the DTD.
    with pytest.raises(BulkReadError) as dtd:
        read_bulk(wrap(source), max_size=len(source))
    assert dtd.value.code == "xml.forbidden"


def test_the_full_reader_reports_progress_up_to_the_whole_file() -> None:
    """A file declared ISO-8859-1 goes to the full reader (the quick one reads UTF-8 only);
    its text is ASCII, so it holds the same records, and progress ends at its size."""
    (data,) = write_bulk(small_dataset())
    declared = data.replace(b'encoding="utf-8"', b'encoding="ISO-8859-1"', 1)
    assert declared != data
    seen: list[tuple[int, int | None]] = []
    assert read_bulk(declared, progress=lambda done, total: seen.append((done, total))) == (
        read_bulk(data)
    )
    assert seen
    assert seen[-1] == (len(declared), len(declared))


_QUOTED = "quoted-from-the-document"


@pytest.mark.parametrize(
    "refusal",
    [
        EntitiesForbidden(_QUOTED, _QUOTED, None, None, None, None),
        ExternalReferenceForbidden(_QUOTED, None, _QUOTED, None),
    ],
    ids=["entity", "external"],
)
def test_an_entity_or_external_reference_the_parser_reports_is_refused_in_dex_terms(
    monkeypatch: pytest.MonkeyPatch, refusal: DefusedXmlException
) -> None:
    """defusedxml's entity and external-reference guards are a second wall behind the refusal
    of every DTD (where such declarations live), so no file reaches them while the first wall
    stands. Were one reached, the parser's report (which quotes the document) becomes a
    BulkReadError of DEX's own words, with no chained exception to carry the quote."""

    def report(feed: Callable[[bytes], None], chunk: bytes) -> None:
        raise refusal

    monkeypatch.setattr(_defused, "_feed", report)
    (data,) = write_bulk(small_dataset())
    with pytest.raises(BulkReadError) as caught:
        _defused._read_one(data, collect=True, file_label="", progress=None)
    error = caught.value
    reason = "entity declarations and external references are not allowed"
    assert (error.code, error.path, error.line, error.reason) == ("xml.forbidden", "/", 1, reason)
    assert str(error) == f"line 1, /: {reason} [xml.forbidden]"
    assert error.__cause__ is None
    assert error.__context__ is None
    assert _QUOTED not in str(error)


# -- the writer's machinery on a shape of its own -------------------------------------------------


@attrs.frozen
class _Contact:
    name: str


@attrs.frozen
class _Household:
    contacts: tuple[_Contact, ...]
    codes: tuple[str, ...]


_CONTACT = Shape(_Contact, (Element("Name", "name", leaf=TEXT, personal=True),))
_HOUSEHOLD = Shape(
    _Household,
    (
        Element("Contacts", "contacts", shape=_CONTACT, item="Contact"),
        Element("Codes", "codes", leaf=TEXT, item="Code"),
    ),
)


def test_consent_reaches_the_items_of_a_list() -> None:
    """DEX's schema has personal elements only in a client and its address today; a list of
    records holding names (as a later schema might add) gets the same rule: written with the
    client's consent, and left out without it."""
    household = _Household(contacts=(_Contact("Quenda Example"),), codes=("A",))
    writer = _Writer(pretty=False)
    assert writer.record(_HOUSEHOLD, household, "Household", 0, consented=True) == (
        "<Household><Contacts><Contact><Name>Quenda Example</Name></Contact></Contacts>"
        "<Codes><Code>A</Code></Codes></Household>"
    )
    assert writer.record(_HOUSEHOLD, household, "Household", 0, consented=False) == (
        "<Household><Contacts><Contact></Contact></Contacts>"
        "<Codes><Code>A</Code></Codes></Household>"
    )


def test_a_bad_item_of_a_list_names_its_record_and_field() -> None:
    household = _Household(contacts=(), codes=("A", "B\x01"))
    with pytest.raises(InvalidFieldError) as caught:
        _Writer(pretty=True).record(_HOUSEHOLD, household, "Household", 2, consented=True)
    assert str(caught.value) == (
        "_Household.codes: contains a control character that XML cannot carry"
    )


def test_a_placeholder_names_its_record_and_the_fix() -> None:
    """An optional element with no "not stated" code: the fix is to leave the value out."""
    household = _Household(contacts=(), codes=("A", " N/A "))
    with pytest.raises(InvalidFieldError) as caught:
        _Writer(pretty=False).record(_HOUSEHOLD, household, "Household", 0, consented=True)
    assert str(caught.value) == (
        "_Household.codes: holds a placeholder instead of a value; set it to None"
    )


def test_a_record_over_the_limit_is_named_by_its_kind_and_place() -> None:
    """The small dataset has no outlet, so its first record is client C00001, the first of
    the clients (numbered from 0); 300 bytes cannot hold it with the file's head and tail."""
    with pytest.raises(DexValueError) as caught:
        write_bulk(small_dataset(), max_bytes=300)
    assert str(caught.value) == "client #0 alone is larger than the limit of 300 bytes a file"


def test_every_file_may_hold_five_collections() -> None:
    """Thirty outlets fill the first file exactly (the limit is their file's size); the
    clients, cases, sessions and both kinds of assessment, five collections, then share the
    second file, smaller than the outlets': the schema allows five, in every file."""
    address = ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800")
    activity = OutletActivity(
        organisation_activity_id=11, start_date=dt.date(2023, 7, 1), end_date=dt.date(2026, 6, 30)
    )
    outlets = tuple(
        Outlet(name=f"Quollby Hub {n}", address=address, activities=(activity,)) for n in range(30)
    )
    rest = small_dataset()
    (outlets_file,) = write_bulk(Dataset(outlets=outlets))
    (rest_file,) = write_bulk(rest)
    assert len(rest_file) < len(outlets_file)
    files = write_bulk(attrs.evolve(rest, outlets=outlets), max_bytes=len(outlets_file))
    assert files == [outlets_file, rest_file]


@pytest.mark.parametrize("pretty", [True, False])
def test_a_file_may_be_exactly_the_limit_and_not_a_byte_more(pretty: bool) -> None:
    """One client alone: at the size of its file it is written as that file; a byte less,
    and the record alone is larger than the limit."""
    one = Dataset(clients=small_dataset().clients[:1])
    (whole,) = write_bulk(one, pretty=pretty)
    assert write_bulk(one, max_bytes=len(whole), pretty=pretty) == [whole]
    with pytest.raises(DexValueError) as caught:
        write_bulk(one, max_bytes=len(whole) - 1, pretty=pretty)
    assert str(caught.value) == (
        f"client #0 alone is larger than the limit of {len(whole) - 1} bytes a file"
    )
