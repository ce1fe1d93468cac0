"""DEX bulk-upload XML (``DEXFileUpload``): read it, write it, split it under the size limit.

:func:`read_bulk` turns a file into a :class:`~dexcore.model.Dataset`.
The file is untrusted: it is parsed with defusedxml, which refuses
document type declarations, entity declarations and external references;
only a file whose prolog shows it has no DTD (so it can declare no entity
and refer to nothing outside) may go to ElementTree's faster C parser.
It is read a chunk at a time and each complete record leaves the tree, so
memory follows the records, not the text. Every record becomes a model
object or is named in a :class:`~dexcore.errors.BulkReadError` (or, when
asked, in an :class:`~dexcore.rules.Issue`) with its element path and line.

:func:`write_bulk` writes a dataset as one or more files, each under DSS's
10 MB limit and each valid on its own: elements in the schema's order,
text escaped, optional elements left out rather than emptied, booleans in
lower case, and a client's names and street lines never written without
the client's consent, whatever the model holds.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

import attrs
from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from dexcore._files import DEFAULT_READ_LIMIT as _READ_LIMIT
from dexcore._files import FileTooLarge, open_binary, refuse_larger
from dexcore._gc import gc_paused
from dexcore._idguard import identifier_leaks
from dexcore.errors import (
    BulkReadError,
    DexValueError,
    InvalidFieldError,
    UnknownCodeError,
    codes_clause,
)
from dexcore.io._places import Places
from dexcore.io._schema import (
    COLLECTIONS,
    EXTENDED,
    TEXT,
    BadValueError,
    Collection,
    Element,
    Shape,
)
from dexcore.io._upload import BulkUpload
from dexcore.issues import Issue, RecordRef, Severity, Unreadable
from dexcore.model import Dataset, Outlet

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_READ_LIMIT",
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

#: The largest file :func:`read_bulk` and :func:`load_bulk` read unless given ``max_size``:
#: 40 MB, four times DSS's limit, so that any file DSS could accept is read.
DEFAULT_READ_LIMIT = _READ_LIMIT

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
# No DEX record comes near this many elements; a record that does is refused before the
# tree holding it grows to gigabytes (a 40 MB file can hold ten million empty elements).
_MOST_ELEMENTS = 100_000
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


def _known_tags() -> frozenset[str]:
    """Every element name DEX defines: the only tags a message or path may repeat."""
    found = {_ROOT, *_FIELD_TAGS.values()}
    for collection in COLLECTIONS:
        found |= {collection.tag, collection.record}
    seen: set[int] = set()

    def visit(shape: Shape) -> None:
        if id(shape) not in seen:
            seen.add(id(shape))
            for element in shape.elements:
                found.update(tag for tag in (element.tag, element.item) if tag)
                if element.shape is not None:
                    visit(element.shape)

    for collection in COLLECTIONS:
        visit(collection.shape)
    return frozenset(found)


_KNOWN_TAGS = _known_tags()


def _label(tag: str) -> str:
    """``tag`` when DEX defines it; otherwise a phrase (a tag is file text, like any value)."""
    return tag if tag in _KNOWN_TAGS else "an element DEX does not define"


def _step(tag: str) -> str:
    """``tag`` as a path step when DEX defines it; otherwise XPath's ``*``."""
    return tag if tag in _KNOWN_TAGS else "*"


# -- reading ----------------------------------------------------------------------------------


class _Problem(Exception):  # noqa: N818 (internal signal, never escapes this module)
    """A record (or the document) that cannot be read: the rule, why, and where.

    Inside a record the place is the ``element`` at fault; the reader turns
    it into a line once it knows where the record started.
    """

    def __init__(
        self, code: str, reason: str, path: str, element: ET.Element | None, line: int = 0
    ) -> None:
        super().__init__(reason)
        self.code, self.reason, self.path = code, reason, path
        self.element, self.line = element, line


#: Attributes of the few elements that carry any, keyed by the element.
_Marks = Mapping[ET.Element, Mapping[str, str]]


class _Reader:
    """Reads one file, a chunk at a time, a record at a time.

    Expat, under defusedxml's guards against document type declarations,
    entities and external references, hands every element to ElementTree's
    tree builder, which is written in C. Only an element's start passes
    through Python, to note its line and its attributes, if any. After each
    chunk every complete record becomes a model object (or a problem) and
    leaves the tree, so the tree never holds more than a chunk of records.
    """

    def __init__(self, *, collect: bool, file_label: str) -> None:
        self.collect = collect
        self.file_label = file_label
        self.records: dict[str, list[Any]] = {c.field: [] for c in COLLECTIONS}
        # Clients and cases read so far, by id: built only when an unreadable record's
        # id must be screened, and brought up to date on each use.
        self.indexes: dict[str, dict[str, Any]] = {"clients": {}, "cases": {}}
        self.indexed = {"clients": 0, "cases": 0}
        self.positions: dict[str, int] = {c.field: 0 for c in COLLECTIONS}
        self.lines: dict[tuple[str, int], int] = {}
        self.problems: list[Issue] = []
        self.problem_lines: dict[Issue, int] = {}
        # For each record left out, by kind: how many of its kind were read before it.
        self.dropped: dict[str, list[int]] = {c.kind: [] for c in COLLECTIONS}
        # The ids of the clients, cases and sessions left out, so that no rule calls them unknown.
        self.unreadable: dict[str, set[Any]] = {"client": set(), "case": set(), "session": set()}
        self.builder = ET.TreeBuilder()
        # Elements are numbered in document order, the root being 0. ``starts`` holds the
        # start line of element ``first`` onwards; ``cursor`` is the first one not yet read.
        self.starts: list[int] = []
        self.first = 0
        self.cursor = 1
        self.attributes: dict[int, dict[str, str]] = {}  # element number → its attributes
        self.root: ET.Element | None = None
        self.group: ET.Element | None = None  # the collection being read
        self.collection: Collection | None = None
        self.expat: Any = None
        self.root_line = 1

    def attach(self, expat: Any) -> None:  # noqa: ANN401 (pyexpat's parser has no public type)
        """Take over the element handlers of ``expat`` (its guards stay as they are)."""
        self.expat = expat
        expat.ordered_attributes = False  # the tree builder wants a dict
        expat.StartElementHandler = self._start_root
        expat.EndElementHandler = self.builder.end
        expat.CharacterDataHandler = self.builder.data

    def close(self) -> None:
        """The parser's target protocol: the records are taken by :meth:`drain`."""

    # -- parser callbacks ---------------------------------------------------------------------

    def _start_root(self, tag: str, attributes: dict[str, str]) -> None:
        name = _named(tag.rpartition("}")[2])
        line = self.expat.CurrentLineNumber
        if name != _ROOT:
            raise _Problem(
                "xml.wrong-root", f"the root element must be {_ROOT}", "/" + _step(name), None, line
            )
        if _foreign(attributes):
            self._structural("xml.unexpected-attribute", "/" + name, line, _FOREIGN.format(name))
        self.starts.append(line)
        self.root_line = line
        self.root = self.builder.start(name, {})
        self.expat.StartElementHandler = self._start_handler()

    def _start_handler(self) -> Callable[[str, dict[str, str]], None]:
        """Expat's start handler for every element below the root, with its state at hand."""
        starts = self.starts
        note = starts.append
        expat = self.expat
        begin = self.builder.start
        attributed = self.attributes

        def start(tag: str, attributes: dict[str, str]) -> None:
            note(expat.CurrentLineNumber)
            if attributes:
                attributed[self.first + len(starts) - 1] = attributes
            # Expat reports a namespaced name as "namespace}Local"; DEX names are local.
            begin(tag.rpartition("}")[2], attributes)

        return start

    # -- records ------------------------------------------------------------------------------

    def drain(self, *, final: bool = False) -> None:
        """Read every record that is complete, then let the tree and the lines forget it.

        Until the file ends, the last record of the last collection may still
        be open; every earlier one is complete, because a later one has begun.
        """
        root = self.root
        if root is None:
            return
        while len(root):
            group = root[0]
            if group is not self.group:
                self._enter(group)
            complete = final or len(root) > 1
            ready = len(group) if complete else len(group) - 1
            if ready > 0:
                for record in group[:ready]:
                    self._take(record)
                del group[:ready]
            if not complete:
                break
            del root[0]
        done = self.cursor - self.first
        if done:
            del self.starts[:done]
            self.first = self.cursor
        if len(self.starts) > _MOST_ELEMENTS:
            reason = f"a record holds more than {_MOST_ELEMENTS:,} elements; no DEX record does"
            raise _Problem("xml.too-many-elements", reason, "/", None, self.starts[0])

    def finish(self) -> None:
        """Report an upload without a single record, which DEX refuses (after the last drain)."""
        if any(self.positions.values()) or self.problems:
            return  # a record, or something reported already: the file is not empty
        if self.group is None:
            reason = (
                f"{_ROOT} holds no collection; the DSS schema requires at least one"
                " (Clients, Cases, Sessions, …), each with at least one record"
            )
        else:
            reason = f"{_ROOT} holds no record; each collection needs at least one"
        self._structural("xml.empty-upload", f"/{_ROOT}", self.root_line, reason)

    def _enter(self, group: ET.Element) -> None:
        self.group = group
        number = self.cursor
        self.cursor += 1
        line = self.starts[number - self.first]
        name = _named(group.tag)
        attributes = self.attributes.pop(number, None)
        path = f"/{_ROOT}/{_step(name)}"
        if attributes and _foreign(attributes):
            self._structural("xml.unexpected-attribute", path, line, _FOREIGN.format(_label(name)))
        self.collection = _BY_TAG.get(name)
        if self.collection is None:
            reason = f"{_label(name)} is not a DEX collection"
            self._structural("xml.unknown-element", path, line, reason)

    def _take(self, record: ET.Element) -> None:
        number = self.cursor
        elements = list(record.iter())
        self.cursor = number + len(elements)
        marks = self._marks(elements, number) if self.attributes else None
        collection = self.collection
        if collection is None:  # inside an unknown collection, already reported
            return
        line = self.starts[number - self.first]
        if record.tag != collection.record:
            reason = (
                f"{_label(record.tag)} is out of place: {collection.tag} holds only"
                f" {collection.record} elements"
            )
            path = f"/{_ROOT}/{collection.tag}/{_step(record.tag)}"
            self._structural("xml.unknown-element", path, line, reason)
            return
        field = collection.field
        position = self.positions[field] = self.positions[field] + 1
        path = f"/{_ROOT}/{collection.tag}/{collection.record}[{position}]"
        try:
            value = _build(collection.shape, record, path, marks)
        except _Problem as problem:
            problem.line = line
            if problem.element is not None:
                offset = next(n for n, element in enumerate(elements) if element is problem.element)
                problem.line = self.starts[number + offset - self.first]
            if not self.collect:
                raise
            self.dropped[collection.kind].append(len(self.records[field]))
            self._note_unreadable(collection.kind, record)
            # No index: the record is not in the dataset; the path gives its place in the file.
            ref = RecordRef(kind=collection.kind, id=self._shown_id(record, collection.kind))
            self._report(problem.code, problem.reason, problem.path, problem.line, ref)
            return
        records = self.records[field]
        self.lines[(collection.kind, len(records))] = line
        records.append(value)

    def _note_unreadable(self, kind: str, record: ET.Element) -> None:
        """Remember the id of a client, case or session that could not be read."""
        ids = self.unreadable.get(kind)
        if ids is None:
            return
        if kind == "session":
            ids.add((record.findtext("CaseId") or "", record.findtext("SessionId") or ""))
        else:
            ids.add(record.findtext("ClientId" if kind == "client" else "CaseId") or "")

    def _shown_id(self, record: ET.Element, kind: str) -> str | None:
        """The id of a record that could not be read, unless it reveals who a client is.

        A readable record's id is screened by the rules (``client.id.reveals-identity``
        and its case and session twins); this one is screened here, against the
        details the client record holds, or against the clients (read earlier in
        the file) that a case, session or assessment names.
        """
        identifier = _record_id(record)
        if identifier is None:
            return None
        people: list[_Details | None]
        if kind == "client":
            people = [_raw_details(record)]
        else:
            people = [self._details_of(client_id) for client_id in self._clients_named(record)]
        for person in people or [{}]:  # with no client, still e-mail addresses and numbers
            if person is None:
                return None
            if any(leak.is_error for leak in identifier_leaks(identifier, **person)):
                return None
        return identifier

    def _read_so_far(self, field: str, record_id: str) -> Any:  # noqa: ANN401
        """The first client or case read so far with ``record_id`` (``None`` if none)."""
        index = self.indexes[field]
        records = self.records[field]
        for record in records[self.indexed[field] :]:
            index.setdefault(record.client_id if field == "clients" else record.case_id, record)
        self.indexed[field] = len(records)
        return index.get(record_id.strip())

    def _clients_named(self, record: ET.Element) -> set[str]:
        """The clients a record names, itself or through its case (a session assessment)."""
        named = {node.text or "" for node in record.iter("ClientId")}
        for node in record.findall("CaseId"):
            case = self._read_so_far("cases", node.text or "")
            if case is not None:
                named.update(attached.client_id for attached in case.clients)
        return named

    def _details_of(self, client_id: str) -> _Details:
        """The details of a client read so far, ``{}`` when unknown (the id is checked alone)."""
        client = self._read_so_far("clients", client_id)
        if client is None:
            return {}
        return {
            "given_name": client.given_name,
            "family_name": client.family_name,
            "birth_date": client.birth_date,
            "slk": client.slk,
        }

    def _marks(self, elements: list[ET.Element], number: int) -> _Marks | None:
        """The attributes of the record's elements that carry any (and forget them)."""
        found = {}
        pop = self.attributes.pop
        for offset, element in enumerate(elements):
            attributes = pop(number + offset, None)
            if attributes is not None:
                found[element] = attributes
        return found or None

    def _structural(self, code: str, path: str, line: int, reason: str) -> None:
        self._report(code, reason, path, line, RecordRef(kind="file"))

    def _report(self, code: str, reason: str, path: str, line: int, record: RecordRef) -> None:
        if not self.collect:
            raise _Problem(code, reason, path, None, line)
        where = f"{self.file_label}line {line}"
        issue = Issue(
            code=code,
            severity=Severity.ERROR,
            message=f"{where}: {reason}",
            record=record,
            path=path,
        )
        self.problems.append(issue)
        self.problem_lines[issue] = line


_FOREIGN = "{} carries an attribute DEX does not define"
_LONGEST_NAME = 64  # the longest DEX element name has 50 characters


def _named(tag: str) -> str:
    """An element name for a message: a name no DEX element has may be megabytes long."""
    return tag if len(tag) <= _LONGEST_NAME else tag[: _LONGEST_NAME // 2] + "…"


def _foreign(attributes: Mapping[str, str]) -> bool:
    """Whether any attribute is not one of XML Schema's instance attributes (``xsi:nil``…)."""
    return any(not key.startswith(_XSI) for key in attributes)


def _nil(attributes: Mapping[str, str]) -> bool:
    return attributes.get(_XSI_NIL, "").strip() in ("true", "1")


def _record_id(node: ET.Element) -> str | None:
    for child in node:
        if child.tag in _ID_TAGS and not len(child):
            text = child.text or ""
            if text.strip() and text == text.strip() and len(text) <= 50:
                return text
            return None
    return None


#: A client's details as :func:`~dexcore.privacy.identifier_leaks` takes them.
_Details = dict[str, Any]


def _raw_details(node: ET.Element) -> _Details | None:
    """A client record's own details, as text; ``None`` when its birth date cannot be read."""

    def text(tag: str) -> str | None:
        return (node.findtext(tag) or "").strip() or None

    written = text("BirthDate")
    birth_date = _lenient_date(written)
    if written is not None and birth_date is None:
        return None  # a date in some other form could still be in the id: withhold it
    return {
        "given_name": text("GivenName"),
        "family_name": text("FamilyName"),
        "birth_date": birth_date,
        "slk": text("Slk"),
    }


def _lenient_date(text: str | None) -> dt.date | None:
    """The ``YYYY-MM-DD`` at the start of ``text``, if any (a time or zone may follow)."""
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _is_placeholder(text: str) -> bool:
    return len(text) <= _LONGEST_PLACEHOLDER and text.strip().lower() in PLACEHOLDERS


def _placeholder(element: Element, node: ET.Element, path: str) -> _Problem:
    reason = f"{node.tag} holds a placeholder instead of a value; {_fix(element)}"
    return _Problem("xml.placeholder-value", reason, path, node)


def _fix(element: Element, *, omit: str = "leave the element out") -> str:
    """What to write for ``element`` when its value is unknown (the schema's own answer).

    A mandatory element cannot be left out: its table's "not stated" code is
    the answer, where it has one. An optional element is simply left out.
    """
    code = element.not_stated
    if element.required:
        if code is not None:
            return f"DEX requires it: write {code}, the code for 'not stated'"
        return "DEX requires it: write the real value"
    if code is not None:
        return f"{omit}, or write {code} for 'not stated'"
    return omit


def _leaf(element: Element, node: ET.Element, parent: str, number: int = 0) -> Any:  # noqa: ANN401
    """The value of a simple element; ``parent`` and ``number`` place it only on a problem."""
    if len(node):
        reason = f"{node.tag} must hold a value, not elements"
        raise _Problem("xml.unexpected-element", reason, _path(parent, node, number), node)
    text = node.text or ""
    leaf = element.leaf
    assert leaf is not None
    if leaf is TEXT:
        if _is_placeholder(text):
            raise _placeholder(element, node, _path(parent, node, number))
        return text
    try:
        return leaf.read(text)
    except (BadValueError, UnknownCodeError, InvalidFieldError) as error:
        raise _unreadable(element, node, _path(parent, node, number), text, error) from None


def _unreadable(
    element: Element, node: ET.Element, path: str, text: str, error: Exception
) -> _Problem:
    """The problem of a simple value that does not read as its type."""
    # No code, number, date or score reads as a placeholder, so look only on failure.
    if _is_placeholder(text):
        return _placeholder(element, node, path)
    return _leaf_problem(node, path, error)


def _path(parent: str, node: ET.Element, number: int) -> str:
    return f"{parent}/{node.tag}[{number}]" if number else f"{parent}/{node.tag}"


def _leaf_problem(node: ET.Element, path: str, error: Exception) -> _Problem:
    if isinstance(error, UnknownCodeError):
        reason = f"{node.tag} is not a code of the {error.table} table{codes_clause(error.codes)}"
        return _Problem("xml.unknown-code", reason, path, node)
    reason = error.reason if isinstance(error, (BadValueError, InvalidFieldError)) else "is invalid"
    return _Problem("xml.bad-value", f"{node.tag} {reason}", path, node)


def _unexpected_text(node: ET.Element, path: str) -> _Problem:
    reason = f"{node.tag} must hold elements, not text"
    return _Problem("xml.unexpected-text", reason, path, node)


def _has_text(text: str | None) -> bool:
    return bool(text and not text.isspace())


def _value(element: Element, node: ET.Element, path: str, marks: _Marks | None) -> Any:  # noqa: ANN401
    if element.item is None:
        if element.shape is not None:
            return _build(element.shape, node, path, marks)
        return _leaf(element, node, path)
    if _has_text(node.text):
        raise _unexpected_text(node, path)
    items = []
    for number, child in enumerate(node, 1):
        if _has_text(child.tail):
            raise _unexpected_text(node, path)
        child_path = f"{path}/{_step(child.tag)}[{number}]"
        if marks is not None and child in marks and _foreign(marks[child]):
            reason = _FOREIGN.format(_label(child.tag))
            raise _Problem("xml.unexpected-attribute", reason, child_path, child)
        if child.tag != element.item:
            reason = f"{node.tag} holds only {element.item} elements"
            raise _Problem("xml.unknown-element", reason, child_path, child)
        if element.shape is not None:
            items.append(_build(element.shape, child, child_path, marks))
        else:
            items.append(_leaf(element, child, path, number))
    if element.most is not None and len(items) > element.most:
        reason = f"{node.tag} holds at most {element.most} {element.item} elements"
        raise _Problem("xml.too-many", reason, path, node)
    return tuple(items)


def _build(shape: Shape, node: ET.Element, path: str, marks: _Marks | None) -> Any:  # noqa: ANN401, PLR0912
    """The model object for ``node``, or a :class:`_Problem` naming the element at fault.

    The loop is the reader's innermost: it reads simple values itself and
    leaves every problem to the helpers below.
    """
    if marks is not None and node in marks and _foreign(marks[node]):
        raise _Problem("xml.unexpected-attribute", _FOREIGN.format(node.tag), path, node)
    if _has_text(node.text):
        raise _unexpected_text(node, path)
    values: dict[str, Any] = {}
    extended: dict[str, Any] = {}
    last = -1
    by_tag = shape.by_tag
    for child in node:
        tail = child.tail
        if tail and not tail.isspace():
            raise _unexpected_text(node, path)
        found = by_tag.get(child.tag)
        if found is None or found[0] <= last:
            raise _misplaced(shape, node, child, path, last)
        last, element, leaf, plain_text, name, in_extended = found
        if marks is not None and child in marks and _is_nil(child, marks[child], path):
            continue
        if leaf is None:
            value = _value(element, child, f"{path}/{child.tag}", marks)
        elif len(child):
            value = _leaf(element, child, path)  # raises: a value holds no elements
        else:
            text = child.text or ""
            if plain_text:  # _is_placeholder, inlined: this runs once for every value
                if len(text) <= _LONGEST_PLACEHOLDER and text.strip().lower() in PLACEHOLDERS:
                    raise _placeholder(element, child, f"{path}/{child.tag}")
                value = text
            else:
                try:
                    value = leaf.read(text)
                except (BadValueError, UnknownCodeError, InvalidFieldError) as error:
                    raise _unreadable(element, child, f"{path}/{child.tag}", text, error) from None
        (extended if in_extended else values)[name] = value
    if not shape.required <= values.keys():
        _missing(shape, node, path, values)
    try:
        if extended:
            values["extended"] = EXTENDED(**extended)
        return shape.cls(**values)
    except InvalidFieldError as error:
        tag = _FIELD_TAGS.get((error.entity, error.field))
        at = None if tag is None else node.find(tag)
        if tag is None or at is None:
            reason = f"{node.tag}: {error.reason}"
            raise _Problem("xml.invalid-record", reason, path, node) from None
        raise _Problem("xml.bad-value", f"{tag} {error.reason}", f"{path}/{tag}", at) from None


def _misplaced(shape: Shape, node: ET.Element, child: ET.Element, path: str, last: int) -> _Problem:
    """The problem of a ``child`` that is unknown, repeated or out of order."""
    found = shape.by_tag.get(child.tag)
    if found is None:
        reason = f"{_label(child.tag)} is not an element of {node.tag}"
        return _Problem("xml.unknown-element", reason, f"{path}/{_step(child.tag)}", child)
    if found[0] == last:
        reason = f"{child.tag} appears more than once"
        return _Problem("xml.repeated-element", reason, f"{path}/{child.tag}", child)
    reason = f"{child.tag} must come before {shape.elements[last].tag}"
    return _Problem("xml.out-of-order", reason, f"{path}/{child.tag}", child)


def _is_nil(child: ET.Element, attributes: Mapping[str, str], path: str) -> bool:
    """Whether ``child`` is marked nil (and so left out); a problem if its attributes are wrong."""
    if _foreign(attributes):
        reason = _FOREIGN.format(child.tag)
        raise _Problem("xml.unexpected-attribute", reason, f"{path}/{child.tag}", child)
    if not _nil(attributes):
        return False
    if len(child) or _has_text(child.text):
        reason = f"{child.tag} is marked nil but holds a value"
        raise _Problem("xml.bad-value", reason, f"{path}/{child.tag}", child)
    return True


def _missing(shape: Shape, node: ET.Element, path: str, values: Mapping[str, Any]) -> None:
    """Raise the problem of the first required element that ``node`` lacks or marks nil."""
    for element in shape.elements:
        if not element.required or element.name in values:
            continue
        child = node.find(element.tag)
        code = element.not_stated
        unstated = "" if code is None else f" (write {code} where it was not stated)"
        if child is None:
            reason = f"{node.tag} needs a {element.tag} element{unstated}"
            raise _Problem("xml.missing-element", reason, path, node)
        reason = f"{element.tag} must not be nil{unstated}"
        raise _Problem("xml.missing-element", reason, f"{path}/{element.tag}", child)


def _open(source: BulkSource, limit: int | None) -> tuple[IO[bytes], int | None, bool]:
    """A binary stream for ``source``, its size when known, and whether to close it.

    Raises :class:`FileTooLarge` when the size is known and above ``limit``.
    """
    if isinstance(source, (bytes, bytearray)):
        if limit is not None and len(source) > limit:
            raise FileTooLarge(limit)
        return io.BytesIO(bytes(source)), len(source), True
    if isinstance(source, (str, os.PathLike)):
        try:
            stream = open_binary(source)
        except OSError as error:
            reason = f"the file cannot be opened ({error.strerror})"
        else:
            try:
                return stream, refuse_larger(stream, limit), True
            except FileTooLarge:
                stream.close()
                raise
        # Outside the handler: the OSError names the file, which may name a person.
        raise BulkReadError("xml.cannot-open", "/", None, reason)
    if hasattr(source, "read"):
        refuse_larger(source, limit)
        return source, None, False
    raise TypeError("read_bulk needs a path, bytes or a binary file object")


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
        held[at : at + 4].decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start != 0 or (error.reason == "unexpected end of data" and at + 4 >= len(held)):
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


# -- the quick path ---------------------------------------------------------------------------


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


class _NotQuick(Exception):  # noqa: N818 (internal signal, never escapes this module)
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


def _sources(source: BulkSource | Sequence[BulkSource]) -> list[BulkSource]:
    if isinstance(source, (list, tuple)):
        return list(source)
    return [source]  # type: ignore[list-item]  # a single source, as the isinstance test says


def load_bulk(
    source: BulkSource | Sequence[BulkSource],
    *,
    collect: bool = True,
    progress: Callable[[int, int | None], None] | None = None,
    max_size: int | None = DEFAULT_READ_LIMIT,
) -> BulkUpload:
    """Read one bulk-upload file, or several in upload order, into a :class:`BulkUpload`.

    This is the full reader, which keeps every record's line (see
    :meth:`BulkUpload.line_of`). Python's cyclic garbage collector is paused
    while each file is read, and restored as it was.

    Args:
        source: A path, the file's bytes or a binary file object; or a list
            of them (the files :func:`write_bulk` split a dataset into).
        collect: Collect each record that cannot be read as an
            :class:`~dexcore.rules.Issue` in :attr:`BulkUpload.problems` and
            go on. With ``False``, the first such record raises.
        progress: Called after each chunk with the bytes read so far and the
            file's size (``None`` when unknown).
        max_size: The largest file to read, in bytes; ``None`` for no limit.
            The default, :data:`DEFAULT_READ_LIMIT` (40 MB), is four times
            DSS's limit of 10 MB a file.

    Raises:
        BulkReadError: the file cannot be opened, is larger than
            ``max_size`` (code ``xml.too-large``), is not well-formed XML,
            names an encoding that cannot be read, declares a DTD or an
            entity, does not start with ``DEXFileUpload``, or holds a
            record of more than 100,000 elements; or, with
            ``collect=False``, a record is bad.
    """
    return _read_all(
        _sources(source), collect=collect, progress=progress, quick=False, max_size=max_size
    )


def _read_all(
    sources: Sequence[BulkSource],
    *,
    collect: bool,
    progress: Callable[[int, int | None], None] | None,
    quick: bool,
    max_size: int | None,
) -> BulkUpload:
    """Read ``sources`` in order; with ``quick``, the quick way where it can (no lines then)."""
    records: dict[str, list[Any]] = {c.field: [] for c in COLLECTIONS}
    lines: dict[tuple[str, int], int] = {}
    problems: list[Issue] = []
    starts: dict[str, list[int]] = {c.kind: [] for c in COLLECTIONS}
    dropped: dict[str, list[tuple[int, int]]] = {c.kind: [] for c in COLLECTIONS}
    unreadable: dict[str, set[Any]] = {"client": set(), "case": set(), "session": set()}
    problem_lines: dict[Issue, int] = {}
    for number, one in enumerate(sources, 1):
        label = f"file {number}, " if len(sources) > 1 else ""
        # The reader makes no reference cycles, yet the collector's passes over the growing
        # dataset would take a fifth of the reading time (see dexcore._gc).
        with gc_paused():
            reader: _Reader | None = None
            if quick:
                reader = _read_quick(one, progress=progress, limit=max_size)
            if reader is None:
                reader = _read_one(
                    one, collect=collect, file_label=label, progress=progress, limit=max_size
                )
        offsets = {c.kind: len(records[c.field]) for c in COLLECTIONS}
        for (kind, index), line in reader.lines.items():
            lines[(kind, index + offsets[kind])] = line
        for collection in COLLECTIONS:
            kind, offset = collection.kind, offsets[collection.kind]
            starts[kind].append(offset)
            dropped[kind] += [(number - 1, index + offset) for index in reader.dropped[kind]]
            records[collection.field].extend(reader.records[collection.field])
        for kind, ids in reader.unreadable.items():
            unreadable[kind] |= ids
        problems.extend(reader.problems)
        problem_lines.update(reader.problem_lines)
    dataset = Dataset(
        outlets=tuple(records["outlets"]),
        clients=tuple(records["clients"]),
        cases=tuple(records["cases"]),
        sessions=tuple(records["sessions"]),
        session_assessments=tuple(records["session_assessments"]),
        client_assessments=tuple(records["client_assessments"]),
    )
    return BulkUpload(
        dataset=dataset,
        problems=tuple(problems),
        lines=lines,
        files=len(sources),
        unreadable=Unreadable(
            client_ids=frozenset(unreadable["client"]),
            case_ids=frozenset(unreadable["case"]),
            session_keys=frozenset(unreadable["session"]),
        ),
        places=Places(starts=starts, dropped=dropped),
        problem_lines=problem_lines,
        sources=tuple(
            one if isinstance(one, (str, os.PathLike, bytes, bytearray)) else None
            for one in sources
        ),
    )


def read_bulk(
    source: BulkSource | Sequence[BulkSource],
    *,
    problems: list[Issue] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    max_size: int | None = DEFAULT_READ_LIMIT,
) -> Dataset:
    """The dataset in one bulk-upload file, or in several read in upload order.

    The answer is the one :func:`load_bulk` gives, without the lines. A plain
    UTF-8 file with no DTD, no namespace and no attribute is read by
    ElementTree's own C parser, in about a third less time; at the first sign of
    anything else the file is read again from the start by the full reader
    (so a file object should be seekable to benefit, and ``progress`` then
    counts again from zero).

    Args:
        source: A path, the file's bytes or a binary file object, or a list of them.
        problems: When given, each record that cannot be read is appended to
            this list as an :class:`~dexcore.rules.Issue` and left out of the
            dataset; otherwise the first one raises.
        progress: As for :func:`load_bulk`.
        max_size: As for :func:`load_bulk`.

    Raises:
        BulkReadError: the file, or (without ``problems``) one record, cannot
            be read; as for :func:`load_bulk`.
    """
    collect = problems is not None
    upload = _read_all(
        _sources(source), collect=collect, progress=progress, quick=True, max_size=max_size
    )
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
            reason = (
                f"holds a placeholder instead of a value; {_fix(element, omit='set it to None')}"
            )
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
                raise DexValueError(
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
        DexValueError: one record alone is larger than ``max_bytes``.
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
