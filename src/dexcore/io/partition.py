"""Cutting a bulk-upload file into parts of whole cases, without holding the file in memory.

:func:`partition_bulk` streams a ``DEXFileUpload`` file element by element
(defusedxml's ``iterparse``, each record cleared once read) and spools each
record's XML to files in a temporary folder: cases, sessions and
assessments to the part their case id hashes to, client records to a
bucket by client id, with the parts that name each client. A second step
joins each bucket's clients to the parts that name them, and a last step
reads each part on its own. Memory follows the largest part and bucket,
not the file. The parts are those :func:`~dexcore.model.partition_by_case`
cuts from the whole file, with the records' places in it, ready for
:func:`~dexcore.rules.check_part` and :func:`~dexcore.kpi.kpi_partial`.
"""

from __future__ import annotations

import math
import os
import struct
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import attrs
from defusedxml.ElementTree import iterparse

from dexcore.errors import DexValueError
from dexcore.io.bulk import read_bulk
from dexcore.model import COPY, Dataset, Positions, part_of_case

__all__ = ["BUFFER_BYTES", "BulkPart", "partition_bulk"]

# The collections of a bulk file, in the schema's order: section tag, record tag, dataset field.
_SECTIONS = (
    ("Outlets", "Outlet", "outlets"),
    ("Clients", "Client", "clients"),
    ("Cases", "Case", "cases"),
    ("Sessions", "Session", "sessions"),
    ("SessionAssessments", "SessionAssessment", "session_assessments"),
    ("ClientAssessments", "ClientAssessment", "client_assessments"),
)
_BY_RECORD = {record: n for n, (_, record, _) in enumerate(_SECTIONS)}
_HEAD = struct.Struct(">BqBI")  # collection, place in the file, owned, length of the XML
_REF = struct.Struct(">II")  # part, length of the client id
#: Bytes each spool holds by default before writing them to disk.
BUFFER_BYTES = 1 << 20


@attrs.frozen(kw_only=True)
class BulkPart:
    """One part of a bulk file: whole cases with the clients they name.

    Attributes:
        number: The part's number, from 0.
        parts: How many parts the file was cut into.
        dataset: The part's records.
        positions: Each record's place in the file's collection (see
            :class:`~dexcore.model.Positions`); clients named by several
            parts are copies in all but the first.
    """

    number: int
    parts: int
    dataset: Dataset
    positions: Positions


class _Spool:
    """Append-only files in a folder, written a buffer at a time (few open files, little memory)."""

    def __init__(self, folder: Path, prefix: str, limit: int) -> None:
        self.folder, self.prefix, self.limit = folder, prefix, limit
        self.buffers: dict[int, bytearray] = {}
        self.held = 0

    def path(self, number: int) -> Path:
        return self.folder / f"{self.prefix}-{number}"

    def add(self, number: int, data: bytes) -> None:
        self.buffers.setdefault(number, bytearray()).extend(data)
        self.held += len(data)
        if self.held > self.limit:
            self.flush()

    def flush(self) -> None:
        for number, data in self.buffers.items():
            with self.path(number).open("ab") as file:
                file.write(data)
        self.buffers.clear()
        self.held = 0

    def read(self, number: int) -> bytes:
        path = self.path(number)
        return path.read_bytes() if path.exists() else b""


def partition_bulk(
    path: str | os.PathLike[str],
    cases_per_part: int,
    *,
    folder: str | os.PathLike[str] | None = None,
    buffer_bytes: int = BUFFER_BYTES,
) -> Iterator[BulkPart]:
    """Cut the bulk file at ``path`` into parts of about ``cases_per_part`` cases each.

    The number of parts is the number of cases over ``cases_per_part``,
    rounded up; each case goes to the part its id hashes to, as
    :func:`~dexcore.model.partition_by_case` sends it, so part sizes vary
    around the mean. The file is read twice (to count the cases, then to
    spool the records) and each part once more from the spool.

    Args:
        path: The bulk file.
        cases_per_part: About how many cases each part holds.
        folder: Where to spool the records; by default a temporary folder,
            removed when the iteration ends.
        buffer_bytes: How many bytes of records each of the three spools
            (parts, clients, client references) holds before writing them
            to disk; memory is about three times this plus the largest part.

    Yields:
        Each part in turn, numbered from 0.

    Raises:
        DexValueError: ``partition.cases-per-part`` or
            ``partition.buffer-bytes`` when ``cases_per_part`` or
            ``buffer_bytes`` is not a whole number of at least 1.
        BulkReadError: a record of a part cannot be read (as :func:`read_bulk`).
    """
    if (
        isinstance(cases_per_part, bool)
        or not isinstance(cases_per_part, int)
        or cases_per_part < 1
    ):
        raise DexValueError(
            "partition: cases_per_part is a whole number of at least 1 [partition.cases-per-part]"
        )
    if isinstance(buffer_bytes, bool) or not isinstance(buffer_bytes, int) or buffer_bytes < 1:
        raise DexValueError(
            "partition: buffer_bytes is a whole number of at least 1 [partition.buffer-bytes]"
        )
    parts = max(1, math.ceil(_count_cases(path) / cases_per_part))
    with tempfile.TemporaryDirectory(dir=folder) as work:
        records, clients, refs = (
            _Spool(Path(work), name, buffer_bytes) for name in ("part", "client", "ref")
        )
        outlets = _spool_records(path, parts, records, clients, refs)
        _join_clients(parts, records, clients, refs)
        for number in range(parts):
            yield _read_part(number, parts, records.read(number), outlets)


def _records(path: str | os.PathLike[str]) -> Iterator[tuple[int, ET.Element]]:
    """Each record element of the file with its collection's number, cleared after use."""
    depth = 0
    for event, element in iterparse(os.fspath(path), events=("start", "end"), forbid_dtd=True):
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if depth == 2:
            local = element.tag.rpartition("}")[2]
            if local in _BY_RECORD:
                yield _BY_RECORD[local], element
            element.clear()
        elif depth == 1:
            element.clear()  # a section: let go of its emptied records


def _count_cases(path: str | os.PathLike[str]) -> int:
    case = _BY_RECORD["Case"]
    return sum(1 for collection, _ in _records(path) if collection == case)


def _text(element: ET.Element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


def _spool_records(
    path: str | os.PathLike[str], parts: int, records: _Spool, clients: _Spool, refs: _Spool
) -> list[bytes]:
    places = [0] * len(_SECTIONS)
    outlets: list[bytes] = []
    for collection, element in _records(path):
        place = places[collection]
        places[collection] += 1
        element.tail = None
        xml = ET.tostring(element)
        entry = _HEAD.pack(collection, place, 1, len(xml)) + xml
        if collection == 0:
            outlets.append(entry)
        elif collection == 1:
            clients.add(part_of_case(_text(element, "ClientId"), parts), entry)
        else:
            number = part_of_case(_text(element, "CaseId"), parts)
            records.add(number, entry)
            for named in {(node.text or "").strip() for node in element.iter("ClientId")}:
                data = named.encode("utf-8")
                refs.add(part_of_case(named, parts), _REF.pack(number, len(data)) + data)
    for spool in (records, clients, refs):
        spool.flush()
    return outlets


def _join_clients(parts: int, records: _Spool, clients: _Spool, refs: _Spool) -> None:
    """Each bucket's clients to every part naming them (the first owns), else to their hash's."""
    for bucket in range(parts):
        naming: dict[str, set[int]] = {}
        data, at = refs.read(bucket), 0
        while at < len(data):
            number, size = _REF.unpack_from(data, at)
            at += _REF.size + size
            naming.setdefault(data[at - size : at].decode("utf-8"), set()).add(number)
        for entry, xml in _entries(clients.read(bucket)):
            client_id = _text(ET.fromstring(xml), "ClientId")  # noqa: S314 (our own spool, written above)
            targets = sorted(naming.get(client_id) or {part_of_case(client_id, parts)})
            for number in targets:
                collection, place, _, size = entry
                owned = int(number == targets[0])
                records.add(number, _HEAD.pack(collection, place, owned, size) + xml)
        records.flush()


def _entries(data: bytes) -> Iterator[tuple[tuple[int, int, int, int], bytes]]:
    at = 0
    while at < len(data):
        head = _HEAD.unpack_from(data, at)
        at += _HEAD.size + head[3]
        yield head, data[at - head[3] : at]


def _read_part(number: int, parts: int, data: bytes, outlets: list[bytes]) -> BulkPart:
    found: list[list[tuple[int, int, bytes]]] = [[] for _ in _SECTIONS]
    for (collection, place, owned, _), xml in _entries(b"".join(outlets) + data):
        found[collection].append((place, owned and (collection > 0 or number == 0), xml))
    body = [b"<DEXFileUpload>"]
    places: dict[str, list[int]] = {}
    for (section, _, field), entries in zip(_SECTIONS, found, strict=True):
        entries.sort()
        places[field] = [place if owned else COPY for place, owned, _ in entries]
        if entries:
            body += [
                f"<{section}>".encode(),
                *(xml for _, _, xml in entries),
                f"</{section}>".encode(),
            ]
    body.append(b"</DEXFileUpload>")
    # The reader refuses an upload with no record, as DSS does; a part may well hold none.
    dataset = read_bulk(b"".join(body), max_size=None) if any(found) else Dataset()
    return BulkPart(number=number, parts=parts, dataset=dataset, positions=Positions(**places))
