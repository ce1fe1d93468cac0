"""The quick path: a plain UTF-8 file with no DTD read by ElementTree's C parser."""

from __future__ import annotations

import importlib
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import IO

from defusedxml.ElementTree import ParseError

from dexcore._files import FileTooLarge
from dexcore.errors import BulkReadError
from dexcore.io.bulk._names import _BY_TAG, _CHUNK, _MOST_ELEMENTS, _ROOT
from dexcore.io.bulk._reader import _Reader
from dexcore.io.bulk._records import _build, _Problem
from dexcore.io.bulk._source import DEFAULT_READ_LIMIT, BulkSource, _open
from dexcore.issues import RecordRef


def _has_c_tree_builder() -> bool:
    """Whether ElementTree's tree builder is the C one, whose ``close`` gives the root mid-parse."""
    try:
        accelerator = importlib.import_module("_elementtree")
    except ImportError:  # pragma: no cover (CPython always has it)
        return False
    return ET.TreeBuilder is getattr(accelerator, "TreeBuilder", None)


_QUICK = _has_c_tree_builder()

# The prolog may hold the XML declaration, comments, processing instructions and
# white space; the root start tag must be exactly <DEXFileUpload>.
_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_ROOT_TAG = re.compile(rb"\s*<DEXFileUpload\s*>")
_DECLARATION = re.compile(rb"<\?xml\s.*?\?>", re.DOTALL)
_ENCODING = re.compile(rb"""\sencoding\s*=\s*["']([A-Za-z0-9._-]*)["']""")
_UTF8_BOM = b"\xef\xbb\xbf"


class _NotQuick(Exception):  # noqa: N818 (internal signal, never escapes this package)
    """The file needs the full reader: it has something the quick path does not handle."""


def _root_end(head: bytes) -> int | None:
    """Where the root start tag ends, if the prolog is plain UTF-8 with no DTD; else ``None``.

    Without a document type declaration a file cannot declare an entity or
    refer to an external one, so ElementTree's own parser may read it. The
    declaration can only come before the root element, so the prolog is
    all that needs looking at. Anything unusual (another encoding, a DTD, a
    namespace or an attribute on the root) goes to the defused reader.
    """
    at = len(_UTF8_BOM) if head.startswith(_UTF8_BOM) else 0
    declaration = _DECLARATION.match(head, at)
    if declaration is not None and b"encoding" in declaration.group():
        encoding = _ENCODING.search(declaration.group())
        if encoding is None or encoding.group(1).lower() not in (b"utf-8", b"utf8"):
            return None
    while (item := _PROLOG_ITEM.match(head, at)) is not None:
        at = item.end()
    root = _ROOT_TAG.match(head, at)
    return None if root is None else root.end()


class _QuickReader(_Reader):
    """Reads a file that :func:`_root_end` cleared with ElementTree's C parser.

    It gives up (raising :class:`_NotQuick`) at the first thing that would
    need the full reader's care: an attribute anywhere (any ``=`` after the
    root tag), a record that cannot be read, an unknown element, a file that
    is not well-formed. The full reader then reads the file from the start
    and reports it properly, with lines. It keeps no lines of its own.
    """

    def _enter(self, group: ET.Element) -> None:
        self.group = group
        self.collection = _BY_TAG.get(group.tag)
        if self.collection is None:
            raise _NotQuick

    def _take(self, record: ET.Element) -> None:
        collection = self.collection
        assert collection is not None
        if record.tag != collection.record:
            raise _NotQuick
        field = collection.field
        position = self.positions[field] = self.positions[field] + 1
        path = f"/{_ROOT}/{collection.tag}/{collection.record}[{position}]"
        try:
            value = _build(collection.shape, record, path, None)
        except _Problem:
            raise _NotQuick from None
        self.records[field].append(value)

    def _report(self, code: str, reason: str, path: str, line: int, record: RecordRef) -> None:
        raise _NotQuick


def _read_quick(
    source: BulkSource,
    *,
    progress: Callable[[int, int | None], None] | None,
    limit: int | None = DEFAULT_READ_LIMIT,
) -> _QuickReader | None:
    """The records of ``source`` read the quick way, or ``None`` to read it the full way.

    A file object must be seekable, so that the full reader can start again
    from where this one started.
    """
    if not _QUICK:
        return None  # pragma: no cover (another Python's ElementTree)
    start = None
    if not isinstance(source, (bytes, bytearray, str, os.PathLike)):
        if not (hasattr(source, "seekable") and source.seekable()):
            return None
        start = source.tell()
    try:
        stream, size, owned = _open(source, limit)
    except (BulkReadError, TypeError, FileTooLarge):
        return None  # the full reader says why
    try:
        reader = _quick(stream, size, progress, limit)
    finally:
        if owned:
            stream.close()
    if reader is None and start is not None:
        stream.seek(start)
    return reader


def _plain(chunk: bytes, before: bytes) -> bool:
    """Whether the quick path may go on with ``chunk`` (``before``: the byte that preceded it).

    Not with an attribute, perhaps (any ``=``: the full reader checks them),
    nor with a comment, a CDATA section or a processing instruction, which
    may hold ``>`` and run on for megabytes; nor with a whole chunk without
    a ``>``, which only a tag name or a text of that length can make. So no
    token the C parser sees spans more than two chunks: expat 2.5 reads an
    unfinished token again at every chunk, in time growing with its square.
    """
    if b"=" in chunk or b"<!" in chunk or b"<?" in chunk:
        return False
    if before == b"<" and chunk[:1] in (b"!", b"?"):
        return False
    return len(chunk) < _CHUNK or b">" in chunk


def _quick(
    stream: IO[bytes],
    size: int | None,
    progress: Callable[[int, int | None], None] | None,
    limit: int | None = DEFAULT_READ_LIMIT,
) -> _QuickReader | None:
    head = stream.read(_CHUNK)
    if not isinstance(head, bytes):
        return None
    end = _root_end(head)
    if end is None or not _plain(head[end:], b">"):
        return None
    reader = _QuickReader(collect=False, file_label="")
    builder = reader.builder
    # Safe here, though ruff cannot know it: _root_end has ruled out any DTD, so the file
    # can neither declare an entity nor refer to an external one.
    parser = ET.XMLParser(target=builder)  # noqa: S314
    done = opened = taken = 0  # bytes; elements opened since the last record; records
    chunk = head
    try:
        while chunk:
            done += len(chunk)
            opened += chunk.count(b"<")
            if (limit is not None and done > limit) or opened > _MOST_ELEMENTS:
                return None  # the full reader says why
            parser.feed(chunk)
            reader.root = builder.close()  # the C builder hands over its root mid-parse too
            reader.drain()
            records = sum(map(len, reader.records.values()))
            if records != taken:
                taken, opened = records, 0
            if progress is not None:
                progress(done, size)
            before, chunk = chunk[-1:], stream.read(_CHUNK)
            if not _plain(chunk, before):
                return None
        parser.close()
        reader.drain(final=True)
        reader.finish()
    except (_NotQuick, ParseError, LookupError, ValueError):
        return None
    return reader
