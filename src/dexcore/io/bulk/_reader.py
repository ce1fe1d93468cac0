"""The full reader: a record at a time, each with its line, every problem reported."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from dexcore.io._schema import COLLECTIONS, Collection
from dexcore.io.bulk._names import (
    _BY_TAG,
    _FOREIGN,
    _ID_TAGS,
    _MOST_ELEMENTS,
    _ROOT,
    _foreign,
    _label,
    _step,
)
from dexcore.io.bulk._records import _build, _Marks, _Problem
from dexcore.issues import Issue, RecordRef, Severity


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
        name = tag.rpartition("}")[2]
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
        name = group.tag
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
        # Imported here: only a record that cannot be read needs the privacy package.
        from dexcore._idguard import identifier_leaks  # noqa: PLC0415

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
