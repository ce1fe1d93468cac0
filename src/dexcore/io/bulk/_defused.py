"""Feeding a file to the full reader under defusedxml's guards, and its errors in DEX's terms."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from dexcore._files import FileTooLarge
from dexcore.errors import BulkReadError
from dexcore.io.bulk._names import _CHUNK
from dexcore.io.bulk._reader import _Reader
from dexcore.io.bulk._records import _Problem
from dexcore.io.bulk._source import DEFAULT_READ_LIMIT, BulkSource, _open


def _feed(feed: Callable[[bytes], None], chunk: bytes) -> None:
    """Give ``chunk`` to the parser; an encoding it cannot use is the file's problem."""
    try:
        feed(chunk)
    except DefusedXmlException:
        raise  # a ValueError too, reported as what it is
    except (LookupError, ValueError):  # from expat's handler for an encoding it lacks
        reason = "the XML declaration names an encoding that cannot be read; save as UTF-8"
        raise _Problem("xml.bad-encoding", reason, "/", None, 1) from None


def _next_size(expat: Any, done: int) -> int:  # noqa: ANN401 (pyexpat's parser has no public type)
    """How much to read next: at least as much as expat holds back, unparsed.

    Expat 2.5 reads an unfinished token (a long tag name, attribute or
    comment) again from its start at every chunk, so feeding a long token a
    chunk at a time takes time in the square of its length. Feeding it at
    least as much again as it holds each time keeps the total linear.
    """
    held: int = done - expat.CurrentByteIndex
    return max(_CHUNK, held)


def _read_one(
    source: BulkSource,
    *,
    collect: bool,
    file_label: str,
    progress: Callable[[int, int | None], None] | None,
    limit: int | None = DEFAULT_READ_LIMIT,
) -> _Reader:
    reader = _Reader(collect=collect, file_label=file_label)
    parser = DefusedXMLParser(
        target=reader, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    # defusedxml guards the DTD, entity and external-reference handlers of its expat
    # parser; the element handlers go to the reader and ElementTree's C tree builder.
    reader.attach(parser.parser)
    try:
        stream, size, owned = _open(source, limit)
    except FileTooLarge as error:
        raise BulkReadError("xml.too-large", "/", None, error.reason()) from None
    # Each handler builds the error; it is raised after them, so no __context__ keeps
    # the parser's exception (a DTD or entity error carries the document's own text).
    failure: BulkReadError | None = None
    try:
        _parse(parser, reader, stream, (size, limit), progress)
    except FileTooLarge as error:
        raise BulkReadError("xml.too-large", "/", None, error.reason()) from None
    except _Problem as problem:
        failure = BulkReadError(problem.code, problem.path, problem.line, problem.reason)
    except ParseError as error:
        line = error.position[0] if error.position else None
        failure = BulkReadError(
            "xml.not-well-formed",
            "/",
            line,
            "the file is not well-formed XML"
            " (an unescaped '&' or '<' in a text is the usual cause)",
        )
    except DTDForbidden:
        failure = BulkReadError(
            "xml.forbidden", "/", _line(parser), "a document type declaration (DTD) is not allowed"
        )
    except (EntitiesForbidden, ExternalReferenceForbidden):
        failure = BulkReadError(
            "xml.forbidden",
            "/",
            _line(parser),
            "entity declarations and external references are not allowed",
        )
    finally:
        if owned:
            stream.close()
    if failure is not None:
        raise failure
    return reader


def _parse(
    parser: DefusedXMLParser,
    reader: _Reader,
    stream: IO[bytes],
    size_and_limit: tuple[int | None, int | None],
    progress: Callable[[int, int | None], None] | None,
) -> None:
    """Feed ``stream`` to ``parser`` and let ``reader`` take each record as it completes."""
    size, limit = size_and_limit
    done = 0
    recent = [(0, b"")]  # the chunks read last, by offset: where a bad byte is looked for
    try:
        while chunk := stream.read(_next_size(parser.parser, done)):
            if isinstance(chunk, str):
                raise TypeError("read_bulk needs a binary file object, opened with 'rb'")
            recent = [recent[-1], (done, chunk)]
            done += len(chunk)
            if limit is not None and done > limit:
                raise FileTooLarge(limit)  # a device or a pipe that goes on
            _feed(parser.feed, chunk)
            reader.drain()
            if progress is not None:
                progress(done, size)
        if done == 0:
            raise _Problem("xml.not-well-formed", "the file is empty", "/", None, 1)
        parser.close()
    except ParseError:
        # Only once the file has shown itself XML (its root began) is a bad byte an encoding slip.
        problem = None if reader.root is None else _encoding_problem(parser.parser, recent)
        if problem is None:
            raise
    else:
        reader.drain(final=True)
        reader.finish()
        return
    raise problem


def _encoding_problem(expat: Any, recent: list[tuple[int, bytes]]) -> _Problem | None:  # noqa: ANN401
    """The encoding problem behind expat's last error, if bytes there are not UTF-8.

    The commonest Windows export mistake is a file saved as Windows-1252 (or
    Latin-1) that declares UTF-8, or nothing, which XML reads as UTF-8: expat
    calls the first accented letter "not well-formed (invalid token)". The
    message gives the byte's place, never the byte.
    """
    at = int(expat.ErrorByteIndex) - recent[0][0]
    held = b"".join(chunk for _, chunk in recent)  # copied only here, on a parse error
    if not 0 <= at < len(held):
        return None
    try:
        held[at : at + 4].decode("utf-8")  # a letter is at most four bytes long
    except UnicodeDecodeError as error:
        # Not the byte at fault, or the held bytes end in the middle of a letter (four bytes
        # are enough for any letter, so only a shorter tail can end too soon).
        if error.start != 0 or error.reason == "unexpected end of data":
            return None
    else:
        return None
    at += recent[0][0]
    line = int(expat.ErrorLineNumber)
    reason = (
        f"byte {at + 1:,} (line {line}) is not UTF-8, the encoding the file declares or XML"
        " assumes: an encoding problem, most often a file saved as Windows-1252 (ANSI);"
        ' save it as UTF-8, or declare encoding="windows-1252"'
    )
    return _Problem("xml.bad-encoding", reason, "/", None, line)


def _line(parser: DefusedXMLParser) -> int | None:
    try:
        return int(parser.parser.CurrentLineNumber)
    except AttributeError:  # pragma: no cover (the parser is gone after close)
        return None
