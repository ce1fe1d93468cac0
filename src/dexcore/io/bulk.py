"""DEX bulk-upload XML (``DEXFileUpload``): read it, write it, split it under the size limit.

:func:`read_bulk` turns a file into a :class:`~dexcore.model.Dataset`.
The file is untrusted: it is parsed with defusedxml, which refuses
document type declarations, entity declarations and external references,
and it is read element by element, so memory follows the records, not the
text. Every record becomes a model object or is named in a
:class:`~dexcore.errors.BulkReadError` (or, when asked, in an
:class:`~dexcore.rules.Issue`) with its element path and line.

:func:`write_bulk` writes a dataset as one or more files, each under DSS's
10 MB limit and each valid on its own: elements in the schema's order,
text escaped, optional elements left out rather than emptied, booleans in
lower case, and a client's names and street lines never written without
the client's consent, whatever the model holds.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import attrs
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from dexcore.errors import BulkReadError, InvalidFieldError, UnknownCodeError
from dexcore.io._schema import COLLECTIONS, EXTENDED, BadValueError, Collection, Element, Shape
from dexcore.model import Dataset, Outlet
from dexcore.rules.engine import Issue, RecordRef, Severity

__all__ = [
    "DEFAULT_MAX_BYTES",
    "PLACEHOLDERS",
    "BulkSource",
    "BulkUpload",
    "load_bulk",
    "read_bulk",
    "upload_part",
    "write_bulk",
]

#: DSS's limit on one bulk-upload file: 10 MB, counted in decimal megabytes to be safe.
DEFAULT_MAX_BYTES = 10_000_000

#: Texts that stand in for a missing value in hand-built uploads. DSS rejects them or,
#: worse, stores them; dexcore refuses them on the way in and on the way out.
PLACEHOLDERS = frozenset({"no value", "novalue", "null", "n/a", "#n/a", "undefined", "tba", "tbc"})

_LONGEST_PLACEHOLDER = max(len(text) for text in PLACEHOLDERS) + 2  # with some blanks

#: What :func:`read_bulk` accepts: a path, the file's bytes, or a binary file object.
BulkSource = str | os.PathLike[str] | bytes | bytearray | IO[bytes]

# Expat reports namespaced names as "namespace}local" (ElementTree's separator).
_XSI = "http://www.w3.org/2001/XMLSchema-instance}"
_XSI_NIL = _XSI + "nil"
_ROOT = "DEXFileUpload"
_CHUNK = 1 << 16
_BY_TAG = {collection.tag: collection for collection in COLLECTIONS}
_ID_TAGS = ("ClientId", "CaseId", "SessionId", "Name")
# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _owner(shape: Shape, element: Element) -> str:
    """The model class that holds ``element``'s field, as errors name it."""
    return EXTENDED.__name__ if element.extended else shape.cls.__name__


def _field_tags() -> Mapping[tuple[str, str], str]:
    """``(model class, field)`` → element tag, to place a model error on its element."""
    found: dict[tuple[str, str], str] = {}
    seen: set[int] = set()

    def visit(shape: Shape) -> None:
        if id(shape) in seen:
            return
        seen.add(id(shape))
        for element in shape.elements:
            found[(_owner(shape, element), element.name)] = element.tag
            if element.shape is not None:
                visit(element.shape)

    for collection in COLLECTIONS:
        visit(collection.shape)
    return found


_FIELD_TAGS = _field_tags()


# -- reading ----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class BulkUpload:
    """What :func:`load_bulk` read from one or more files.

    Attributes:
        dataset: Every record that could be read, in file order.
        problems: One :class:`~dexcore.rules.Issue` per record that could not
            be read (code ``xml.*``, severity ``ERROR``), in file order.
        lines: The line each record of :attr:`dataset` starts on (in its
            own file, when several were read), keyed by
            ``(kind, index)`` as in :class:`~dexcore.rules.RecordRef`, so
            that rule issues can point into the file.
        files: How many files were read.
    """

    dataset: Dataset
    problems: tuple[Issue, ...] = ()
    lines: Mapping[tuple[str, int], int] = attrs.field(factory=dict, repr=False, eq=False)
    files: int = 1

    def line_of(self, issue: Issue) -> int | None:
        """The line of the record a rule's ``issue`` concerns.

        ``None`` for an issue about the whole dataset, and for the problems
        of :attr:`problems` (which have no index: their records are not in
        the dataset, and their messages give their own line).
        """
        if issue.record.index is None:
            return None
        return self.lines.get((issue.record.kind, issue.record.index))


class _Problem(Exception):  # noqa: N818 (internal signal, never escapes this module)
    def __init__(self, code: str, reason: str, path: str, line: int) -> None:
        super().__init__(reason)
        self.code, self.reason, self.path, self.line = code, reason, path, line


class _Node:
    __slots__ = ("children", "foreign", "line", "nil", "tag", "text")

    def __init__(self, tag: str, line: int, *, nil: bool = False, foreign: bool = False) -> None:
        self.tag = tag
        self.line = line
        self.nil = nil
        self.foreign = foreign  # carries an attribute DEX does not define
        self.children: list[_Node] = []
        self.text: list[str] = []


class _Reader:
    """The parser's target: builds one record's elements, then the record, then forgets them."""

    def __init__(self, *, collect: bool, file_label: str) -> None:
        self.collect = collect
        self.file_label = file_label
        self.records: dict[str, list[Any]] = {c.field: [] for c in COLLECTIONS}
        self.positions: dict[str, int] = {c.field: 0 for c in COLLECTIONS}
        self.lines: dict[tuple[str, int], int] = {}
        self.problems: list[Issue] = []
        self.stack: list[_Node] = []
        self.collection: Collection | None = None
        self.skipping = 0  # depth inside an element already reported as unknown
        self.expat: Any = None  # the pyexpat parser under defusedxml's

    # -- parser callbacks ---------------------------------------------------------------------

    def start(self, tag: str, attributes: list[str]) -> None:
        """Expat's start handler: ``tag`` is ``namespace}Local`` or ``Local``."""
        stack = self.stack
        depth = len(stack)
        name = tag.rpartition("}")[2]
        if depth > 2 and not self.skipping and not attributes:
            stack.append(_Node(name, self.expat.CurrentLineNumber))
            return
        line = self.expat.CurrentLineNumber
        nil = foreign = False
        if attributes:
            names = attributes[::2]
            values = attributes[1::2]
            nil = any(
                key == _XSI_NIL and value.strip() in ("true", "1")
                for key, value in zip(names, values, strict=True)
            )
            foreign = any(not key.startswith(_XSI) for key in names)
            if foreign and depth < 2 and not self.skipping:
                self._structural(
                    "xml.unexpected-attribute",
                    name,
                    line,
                    "carries an attribute DEX does not define",
                )
        if self.skipping:
            self.skipping += 1
        elif depth == 0 and name != _ROOT:
            raise _Problem("xml.wrong-root", f"the root element must be {_ROOT}", "/" + name, line)
        elif depth == 1:
            self.collection = _BY_TAG.get(name)
            if self.collection is None:
                self._structural("xml.unknown-element", name, line, "is not a DEX collection")
                self.skipping = 1
        elif depth == 2:
            assert self.collection is not None
            if name != self.collection.record:
                self._structural(
                    "xml.unknown-element",
                    name,
                    line,
                    f"{self.collection.tag} holds only {self.collection.record} elements",
                )
                self.skipping = 1
        stack.append(_Node(name, line, nil=nil, foreign=foreign))

    def data(self, text: str) -> None:
        """Expat's character data handler (buffered, so usually one call a value)."""
        self.stack[-1].text.append(text)

    def end(self, tag: str) -> None:
        """Expat's end handler: attach the element, or build the record it completes."""
        stack = self.stack
        node = stack.pop()
        if self.skipping:
            self.skipping -= 1
            return
        depth = len(stack)
        if depth > 2:
            stack[-1].children.append(node)
        elif depth == 2:
            assert self.collection is not None
            self._record(self.collection, node)

    def close(self) -> None:
        """Nothing to hand back: the records are kept as they are read."""

    # -- records ------------------------------------------------------------------------------

    def _structural(self, code: str, name: str, line: int, reason: str) -> None:
        path = "/" + "/".join(n.tag for n in self.stack) + "/" + name
        self._report(code, f"{name} {reason}", path, line, RecordRef(kind="file"))

    def _report(self, code: str, reason: str, path: str, line: int, record: RecordRef) -> None:
        if not self.collect:
            raise _Problem(code, reason, path, line)
        where = f"{self.file_label}line {line}"
        self.problems.append(
            Issue(
                code=code,
                severity=Severity.ERROR,
                message=f"{where}: {reason}",
                record=record,
                path=path,
            )
        )

    def _record(self, collection: Collection, node: _Node) -> None:
        position = self.positions[collection.field]
        self.positions[collection.field] = position + 1
        path = f"/{_ROOT}/{collection.tag}/{collection.record}[{position + 1}]"
        try:
            record = _build(collection.shape, node, path)
        except _Problem as problem:
            if not self.collect:
                raise
            # No index: the record is not in the dataset; the path gives its place in the file.
            ref = RecordRef(kind=collection.kind, id=_record_id(node))
            self._report(problem.code, problem.reason, problem.path, problem.line, ref)
            return
        records = self.records[collection.field]
        self.lines[(collection.kind, len(records))] = node.line
        records.append(record)


def _foreign(node: _Node, path: str) -> tuple[str, str, str, int]:
    reason = f"{node.tag} carries an attribute DEX does not define"
    return "xml.unexpected-attribute", reason, path, node.line


def _record_id(node: _Node) -> str | None:
    for child in node.children:
        if child.tag in _ID_TAGS and not child.children:
            text = "".join(child.text)
            if text.strip() and text == text.strip() and len(text) <= 50:
                return text
            return None
    return None


def _text(node: _Node, path: str) -> str:
    if node.children:
        raise _Problem(
            "xml.unexpected-element", f"{node.tag} must hold a value, not elements", path, node.line
        )
    parts = node.text
    text = parts[0] if len(parts) == 1 else "".join(parts)
    if _is_placeholder(text):
        raise _Problem(
            "xml.placeholder-value",
            f"{node.tag} holds a placeholder instead of a value; leave the element out",
            path,
            node.line,
        )
    return text


def _is_placeholder(text: str) -> bool:
    return len(text) <= _LONGEST_PLACEHOLDER and text.strip().lower() in PLACEHOLDERS


def _leaf(element: Element, node: _Node, parent: str, number: int = 0) -> Any:  # noqa: ANN401
    """The value of a simple element; ``parent`` and ``number`` place it only on a problem."""
    assert element.leaf is not None
    try:
        return element.leaf.read(_text(node, ""))
    except _Problem as problem:
        problem.path = _path(parent, node, number)
        raise
    except (BadValueError, UnknownCodeError, InvalidFieldError) as error:
        raise _leaf_problem(node, _path(parent, node, number), error) from None


def _path(parent: str, node: _Node, number: int) -> str:
    return f"{parent}/{node.tag}[{number}]" if number else f"{parent}/{node.tag}"


def _leaf_problem(node: _Node, path: str, error: Exception) -> _Problem:
    if isinstance(error, UnknownCodeError):
        reason = f"{node.tag} is not a code of the {error.table} table"
        return _Problem("xml.unknown-code", reason, path, node.line)
    reason = error.reason if isinstance(error, (BadValueError, InvalidFieldError)) else "is invalid"
    return _Problem("xml.bad-value", f"{node.tag} {reason}", path, node.line)


def _value(element: Element, node: _Node, path: str) -> Any:  # noqa: ANN401
    if element.item is None:
        if element.shape is not None:
            return _build(element.shape, node, path)
        return _leaf(element, node, path)
    _no_text(node, path)
    items = []
    for number, child in enumerate(node.children, 1):
        child_path = f"{path}/{child.tag}[{number}]"
        if child.foreign:
            raise _Problem(*_foreign(child, child_path))
        if child.tag != element.item:
            raise _Problem(
                "xml.unknown-element",
                f"{node.tag} holds only {element.item} elements",
                child_path,
                child.line,
            )
        if element.shape is not None:
            items.append(_build(element.shape, child, child_path))
        else:
            items.append(_leaf(element, child, path, number))
    if element.most is not None and len(items) > element.most:
        raise _Problem(
            "xml.too-many",
            f"{node.tag} holds at most {element.most} {element.item} elements",
            path,
            node.line,
        )
    return tuple(items)


def _no_text(node: _Node, path: str) -> None:
    if node.text and "".join(node.text).strip():
        raise _Problem(
            "xml.unexpected-text", f"{node.tag} must hold elements, not text", path, node.line
        )


def _build(shape: Shape, node: _Node, path: str) -> Any:  # noqa: ANN401, PLR0912
    """The model object for ``node``, or a :class:`_Problem` naming the element at fault."""
    if node.foreign:
        raise _Problem(*_foreign(node, path))
    _no_text(node, path)
    values: dict[str, Any] = {}
    extended: dict[str, Any] = {}
    lines: dict[str, int] = {}
    last = -1
    by_tag = shape.by_tag
    for child in node.children:
        found = by_tag.get(child.tag)
        if found is None:
            raise _Problem(
                "xml.unknown-element",
                f"{child.tag} is not an element of {node.tag}",
                f"{path}/{child.tag}",
                child.line,
            )
        if child.foreign:
            raise _Problem(*_foreign(child, f"{path}/{child.tag}"))
        position, element = found
        if position <= last:
            code, reason = (
                ("xml.repeated-element", f"{child.tag} appears more than once")
                if position == last
                else (
                    "xml.out-of-order",
                    f"{child.tag} must come before {shape.elements[last].tag}",
                )
            )
            raise _Problem(code, reason, f"{path}/{child.tag}", child.line)
        last = position
        lines[element.tag] = child.line
        if child.nil:
            if child.children or "".join(child.text).strip():
                raise _Problem(
                    "xml.bad-value",
                    f"{child.tag} is marked nil but holds a value",
                    f"{path}/{child.tag}",
                    child.line,
                )
            continue
        if element.plain:
            value = _leaf(element, child, path)
        else:
            value = _value(element, child, f"{path}/{child.tag}")
        (extended if element.extended else values)[element.name] = value
    for element in shape.elements:
        if not element.required:
            continue
        if element.tag not in lines:
            raise _Problem(
                "xml.missing-element", f"{node.tag} needs a {element.tag} element", path, node.line
            )
        if element.field not in values:
            tag_path = f"{path}/{element.tag}"
            raise _Problem(
                "xml.missing-element",
                f"{element.tag} must not be nil",
                tag_path,
                lines[element.tag],
            )
    try:
        if extended:
            values["extended"] = EXTENDED(**extended)
        return shape.cls(**values)
    except InvalidFieldError as error:
        tag = _FIELD_TAGS.get((error.entity, error.field))
        if tag is None or tag not in lines:
            raise _Problem(
                "xml.invalid-record", f"{node.tag}: {error.reason}", path, node.line
            ) from None
        raise _Problem(
            "xml.bad-value", f"{tag} {error.reason}", f"{path}/{tag}", lines[tag]
        ) from None


def _open(source: BulkSource) -> tuple[IO[bytes], int | None, bool]:
    """A binary stream for ``source``, its size when known, and whether to close it."""
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(bytes(source)), len(source), True
    if isinstance(source, (str, os.PathLike)):
        try:
            stream = Path(source).open("rb")  # noqa: SIM115 (closed by the caller)
        except OSError as error:
            raise BulkReadError(
                "xml.cannot-open", "/", None, f"the file cannot be opened ({error.strerror})"
            ) from None
        return stream, os.fstat(stream.fileno()).st_size, True
    if hasattr(source, "read"):
        return source, None, False
    raise TypeError("read_bulk needs a path, bytes or a binary file object")


def _read_one(
    source: BulkSource,
    *,
    collect: bool,
    file_label: str,
    progress: Callable[[int, int | None], None] | None,
) -> _Reader:
    reader = _Reader(collect=collect, file_label=file_label)
    parser = DefusedXMLParser(
        target=reader, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    # defusedxml guards the DTD, entity and external-reference handlers of its expat
    # parser. The element handlers go straight to the reader, skipping ElementTree's
    # per-element wrappers, which cost more than the reading itself.
    expat = reader.expat = parser.parser
    expat.StartElementHandler = reader.start
    expat.EndElementHandler = reader.end
    expat.CharacterDataHandler = reader.data
    stream, size, owned = _open(source)
    done = 0
    try:
        while chunk := stream.read(_CHUNK):
            if isinstance(chunk, str):
                raise TypeError("read_bulk needs a binary file object, opened with 'rb'")
            parser.feed(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, size)
        if done == 0:
            raise _Problem("xml.not-well-formed", "the file is empty", "/", 1)  # noqa: TRY301
        parser.close()
    except _Problem as problem:
        raise BulkReadError(problem.code, problem.path, problem.line, problem.reason) from None
    except ParseError as error:
        line = error.position[0] if error.position else None
        raise BulkReadError(
            "xml.not-well-formed",
            "/",
            line,
            "the file is not well-formed XML"
            " (an unescaped '&' or '<' in a text is the usual cause)",
        ) from None
    except DTDForbidden:
        raise BulkReadError(
            "xml.forbidden", "/", _line(parser), "a document type declaration (DTD) is not allowed"
        ) from None
    except (EntitiesForbidden, ExternalReferenceForbidden):
        raise BulkReadError(
            "xml.forbidden",
            "/",
            _line(parser),
            "entity declarations and external references are not allowed",
        ) from None
    finally:
        if owned:
            stream.close()
    return reader


def _line(parser: DefusedXMLParser) -> int | None:
    try:
        return int(parser.parser.CurrentLineNumber)
    except AttributeError:  # pragma: no cover (the parser is gone after close)
        return None


def _sources(source: BulkSource | Sequence[BulkSource]) -> list[BulkSource]:
    if isinstance(source, (list, tuple)):
        return list(source)
    return [source]  # type: ignore[list-item]  # a single source, as the isinstance test says


def load_bulk(
    source: BulkSource | Sequence[BulkSource],
    *,
    collect: bool = True,
    progress: Callable[[int, int | None], None] | None = None,
) -> BulkUpload:
    """Read one bulk-upload file, or several in upload order, into a :class:`BulkUpload`.

    Args:
        source: A path, the file's bytes or a binary file object; or a list
            of them (the files :func:`write_bulk` split a dataset into).
        collect: Collect each record that cannot be read as an
            :class:`~dexcore.rules.Issue` in :attr:`BulkUpload.problems` and
            go on. With ``False``, the first such record raises.
        progress: Called after each chunk with the bytes read so far and the
            file's size (``None`` when unknown).

    Raises:
        BulkReadError: the file cannot be opened, is not well-formed XML,
            declares a DTD or an entity, or does not start with
            ``DEXFileUpload``; or, with ``collect=False``, a record is bad.
    """
    sources = _sources(source)
    records: dict[str, list[Any]] = {c.field: [] for c in COLLECTIONS}
    lines: dict[tuple[str, int], int] = {}
    problems: list[Issue] = []
    for number, one in enumerate(sources, 1):
        label = f"file {number}, " if len(sources) > 1 else ""
        reader = _read_one(one, collect=collect, file_label=label, progress=progress)
        offsets = {c.kind: len(records[c.field]) for c in COLLECTIONS}
        for (kind, index), line in reader.lines.items():
            lines[(kind, index + offsets[kind])] = line
        for collection in COLLECTIONS:
            records[collection.field].extend(reader.records[collection.field])
        problems.extend(reader.problems)
    dataset = Dataset(
        outlets=tuple(records["outlets"]),
        clients=tuple(records["clients"]),
        cases=tuple(records["cases"]),
        sessions=tuple(records["sessions"]),
        session_assessments=tuple(records["session_assessments"]),
        client_assessments=tuple(records["client_assessments"]),
    )
    return BulkUpload(dataset=dataset, problems=tuple(problems), lines=lines, files=len(sources))


def read_bulk(
    source: BulkSource | Sequence[BulkSource],
    *,
    problems: list[Issue] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> Dataset:
    """The dataset in one bulk-upload file, or in several read in upload order.

    Args:
        source: A path, the file's bytes or a binary file object, or a list of them.
        problems: When given, each record that cannot be read is appended to
            this list as an :class:`~dexcore.rules.Issue` and left out of the
            dataset; otherwise the first one raises.
        progress: As for :func:`load_bulk`.

    Raises:
        BulkReadError: the file, or (without ``problems``) one record, cannot be read.
    """
    upload = load_bulk(source, collect=problems is not None, progress=progress)
    if problems is not None:
        problems.extend(upload.problems)
    return upload.dataset


# -- writing ----------------------------------------------------------------------------------


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        # A raw carriage return would be read back as a line feed.
        text = text.replace("\r", "&#13;")
    return text


class _Writer:
    def __init__(self, *, pretty: bool) -> None:
        self.pretty = pretty

    def record(self, shape: Shape, obj: object, tag: str, depth: int, *, consented: bool) -> str:
        parts: list[str] = []
        self._complex(parts, shape, obj, tag, depth, consented=consented)
        return "".join(parts)

    def _pad(self, depth: int) -> str:
        return "  " * depth if self.pretty else ""

    def _complex(
        self,
        parts: list[str],
        shape: Shape,
        obj: Any,  # noqa: ANN401
        tag: str,
        depth: int,
        *,
        consented: bool,
    ) -> None:
        newline = "\n" if self.pretty else ""
        pad = self._pad(depth)
        parts.append(f"{pad}<{tag}>{newline}")
        inner = self._pad(depth + 1)
        for element in shape.elements:
            if element.personal and not consented:
                continue  # the law, whatever the model holds
            value = getattr(obj.extended if element.extended else obj, element.name)
            if value is None or value == ():
                continue  # optional elements are left out, never emptied
            if element.item is not None:
                parts.append(f"{inner}<{element.tag}>{newline}")
                for item in value:
                    if element.shape is not None:
                        self._complex(
                            parts, element.shape, item, element.item, depth + 2, consented=consented
                        )
                    else:
                        self._leaf(parts, shape, element, item, tag=element.item, depth=depth + 2)
                parts.append(f"{inner}</{element.tag}>{newline}")
            elif element.shape is not None:
                self._complex(
                    parts, element.shape, value, element.tag, depth + 1, consented=consented
                )
            else:
                self._leaf(parts, shape, element, value, tag=element.tag, depth=depth + 1)
        parts.append(f"{pad}</{tag}>{newline}")

    def _leaf(
        self,
        parts: list[str],
        shape: Shape,
        element: Element,
        value: object,
        *,
        tag: str,
        depth: int,
    ) -> None:
        assert element.leaf is not None
        text = element.leaf.write(value)
        if _NOT_XML.search(text):
            reason = "contains a control character that XML cannot carry"
            raise InvalidFieldError(_owner(shape, element), element.name, reason)
        if _is_placeholder(text):
            reason = "holds a placeholder instead of a value; leave it empty"
            raise InvalidFieldError(_owner(shape, element), element.name, reason)
        parts.append(
            f"{self._pad(depth)}<{tag}>{_escape(text)}</{tag}>" + ("\n" if self.pretty else "")
        )


_HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n<DEXFileUpload>\n'
_TAIL = b"</DEXFileUpload>\n"
# The schema's root is a choice repeated at most five times: at most five collections a file.
_MOST_COLLECTIONS = 5


class _Packer:
    """Fills files up to ``max_bytes``, opening and closing collection elements as needed."""

    def __init__(self, max_bytes: int, *, pretty: bool) -> None:
        self.max_bytes = max_bytes
        self.newline = b"\n" if pretty else b""
        self.indent = b"  " if pretty else b""
        self.files: list[bytes] = []
        self.parts: list[bytes] = []
        self.size = 0
        self.groups = 0
        self.open: Collection | None = None

    def _closing(self) -> bytes:
        return b"" if self.open is None else self._tag(f"</{self.open.tag}>")

    def _opening(self, collection: Collection) -> bytes:
        return self._tag(f"<{collection.tag}>")

    def _tag(self, tag: str) -> bytes:
        return self.indent + tag.encode() + self.newline

    def add(self, collection: Collection, record: bytes, where: str) -> None:
        """Append ``record`` to ``collection``, starting a new file when this one is full."""
        closing = len(self._tag(f"</{collection.tag}>")) + len(_TAIL)
        if self.parts:
            switching = self.open is not collection
            # Joining this file costs the record, and on a switch of collection the
            # previous collection's closing tag and this one's opening tag.
            extra = len(self._closing()) + len(self._opening(collection)) if switching else 0
            too_big = self.size + extra + len(record) + closing > self.max_bytes
            too_many = switching and self.groups >= _MOST_COLLECTIONS
            if too_big or too_many:
                self.finish()
        if not self.parts:
            self.parts.append(_HEAD)
            self.size = len(_HEAD)
            opening = self._opening(collection)
            if self.size + len(opening) + len(record) + closing > self.max_bytes:
                raise ValueError(
                    f"{where} alone is larger than the limit of {self.max_bytes} bytes a file"
                )
        if self.open is not collection:
            for tag in (self._closing(), self._opening(collection)):
                self.parts.append(tag)
                self.size += len(tag)
            self.open = collection
            self.groups += 1
        self.parts.append(record)
        self.size += len(record)

    def finish(self) -> None:
        if not self.parts:
            return
        self.parts.append(self._closing())
        self.parts.append(_TAIL)
        self.files.append(b"".join(self.parts))
        self.parts, self.size, self.groups, self.open = [], 0, 0, None


def write_bulk(
    dataset: Dataset, *, max_bytes: int = DEFAULT_MAX_BYTES, pretty: bool = True
) -> list[bytes]:
    """The dataset as DEX bulk-upload files, each under ``max_bytes``.

    Collections go in the order outlets, clients, cases, sessions, session
    assessments, client assessments, so that a file refers only to records
    in itself or in an earlier file; upload the files in the order given.
    A dataset with no records gives no file.

    What the bulk format does not carry is not written: the organisation
    and its program activities (DSS's organisation activity file), and
    outlet activity ids (DEX assigns them). :func:`upload_part` gives the
    dataset as the files hold it.

    Args:
        dataset: The records to write.
        max_bytes: The largest file to produce, in bytes (DSS: 10 MB).
        pretty: Indent the elements, one to a line (the default), or write
            each file with no white space between elements.

    Raises:
        InvalidFieldError: a text holds a character XML cannot carry, or a
            placeholder such as ``no value``.
        ValueError: one record alone is larger than ``max_bytes``.
    """
    writer = _Writer(pretty=pretty)
    packer = _Packer(max_bytes, pretty=pretty)
    depth = 2 if pretty else 0
    for collection in COLLECTIONS:
        shape = collection.shape
        client_records = collection.field == "clients"
        for index, record in enumerate(getattr(dataset, collection.field)):
            consented = record.consent_to_provide_details if client_records else True
            text = writer.record(shape, record, collection.record, depth, consented=consented)
            packer.add(collection, text.encode("utf-8"), f"{collection.kind} #{index}")
    packer.finish()
    return packer.files


def upload_part(dataset: Dataset) -> Dataset:
    """The part of ``dataset`` that :func:`write_bulk` writes.

    ``read_bulk(write_bulk(d)) == upload_part(d)`` for every valid dataset.

    It drops what the bulk format does not carry (the organisation, outlet
    activity ids) and what the law keeps out of it (the names and street
    lines of clients who did not consent).
    """
    clients = tuple(
        client
        if client.consent_to_provide_details
        else attrs.evolve(
            client,
            given_name=None,
            family_name=None,
            residential_address=attrs.evolve(
                client.residential_address, address_line1=None, address_line2=None
            ),
        )
        for client in dataset.clients
    )
    outlets = tuple(_without_activity_ids(outlet) for outlet in dataset.outlets)
    return attrs.evolve(dataset, clients=clients, outlets=outlets, organisation=None)


def _without_activity_ids(outlet: Outlet) -> Outlet:
    activities = tuple(
        attrs.evolve(activity, outlet_activity_id=None) for activity in outlet.activities
    )
    return attrs.evolve(outlet, activities=activities)
