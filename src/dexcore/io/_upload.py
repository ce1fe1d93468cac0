"""What :func:`dexcore.io.bulk.load_bulk` read, and where each issue sits in the file.

:class:`BulkUpload` is public as ``dexcore.io.bulk.BulkUpload``; it lives here
to keep the reader's module to reading.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Collection as Many
from collections.abc import Mapping, Sequence

import attrs

from dexcore._files import open_binary
from dexcore.io._places import Places, element_lines, file_terms, xml_path
from dexcore.io._schema import COLLECTIONS
from dexcore.issues import Issue, KnownRecords, Unreadable
from dexcore.model import Dataset

__all__ = ["BulkUpload"]

#: A source that can be read a second time (to find the lines of the elements rules name).
_Rereadable = str | os.PathLike[str] | bytes | bytearray


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
            that rule issues can point into the file. A file read the quick
            way (``load_bulk(..., quick=True)``) has none here:
            :meth:`lines_of` finds them.
        files: How many files were read.
        unreadable: The ids of the clients, cases and sessions that could
            not be read (see :meth:`known_records`).
    """

    dataset: Dataset
    problems: tuple[Issue, ...] = ()
    lines: Mapping[tuple[str, int], int] = attrs.field(factory=dict, repr=False, eq=False)
    files: int = 1
    unreadable: Unreadable = attrs.field(factory=Unreadable, repr=False, eq=False)
    _places: Places = attrs.field(factory=Places, repr=False, eq=False, alias="places")
    _problem_lines: Mapping[Issue, int] = attrs.field(
        factory=dict, repr=False, eq=False, alias="problem_lines"
    )
    _sources: tuple[_Rereadable | None, ...] = attrs.field(
        default=(), repr=False, eq=False, alias="sources"
    )

    def in_file_terms(self, issue: Issue) -> Issue:
        """``issue`` told in the file's own terms: its path an XML path, its fields elements.

        ``$.clients[6].given_name`` becomes ``/DEXFileUpload/Clients/Client[8]/GivenName``
        (the eighth client of the file, when an earlier one could not be read),
        ``$.clients[*].gender`` becomes ``/DEXFileUpload/Clients/Client/GenderCode``, and
        the field names of the path that the message uses (``given_name is recorded
        …``) become their elements' names (``GivenName is recorded …``). A problem
        of :attr:`problems`, already in those terms, is returned as it is.
        """
        if issue.path.startswith("/"):
            return issue
        place = self.place_of(issue)
        kind = issue.record.kind
        if place is None:
            found = re.match(r"\$\.(\w+)\[\*\]", issue.path)
            if found is None:
                return issue
            kind = next((c.kind for c in COLLECTIONS if c.field == found.group(1)), kind)
        told = file_terms(kind, None if place is None else place[1], issue.path, issue.message)
        if told is None:
            return issue
        return attrs.evolve(issue, path=told[0], message=told[1])

    def lines_of(self, issues: Sequence[Issue]) -> list[int | None]:
        """The line of each issue's own element, in its file.

        The file is read again (once, with no record built) to find the
        elements that rules name, when it was given as a path or as bytes; a
        file object is not read twice, and its issues get the line of their
        record, as :meth:`line_of` gives (found in the same pass for a file
        read the quick way). A problem of :attr:`problems` has
        the line of the element at fault; an issue about the whole dataset
        has ``None``.
        """
        lines = [self._problem_lines.get(issue, self.line_of(issue)) for issue in issues]
        # Per file: the elements asked for, then the records whose lines were not kept.
        wanted: dict[int, tuple[dict[str, list[int]], dict[str, list[int]]]] = {}
        for n, issue in enumerate(issues):
            place = self.place_of(issue)
            path = self.xml_path_of(issue)
            if place is not None and path is not None and not issue.path.startswith("/"):
                elements, records = wanted.setdefault(place[0], ({}, {}))
                elements.setdefault(path, []).append(n)
                if lines[n] is None:  # read the quick way (see load_bulk)
                    record = xml_path(issue.record.kind, place[1], "")
                    records.setdefault(record or path, []).append(n)
        for file, (elements, records) in wanted.items():
            found = self._element_lines(file, elements.keys() | records.keys())
            for paths in (records, elements):  # an element's own line, or else its record's
                for path, numbers in paths.items():
                    for n in numbers:
                        lines[n] = found.get(path, lines[n])
        return lines

    def _element_lines(self, file: int, paths: Many[str]) -> dict[str, int]:
        source = self._sources[file - 1] if file <= len(self._sources) else None
        if source is None:
            return {}
        try:
            if isinstance(source, (bytes, bytearray)):
                return element_lines(io.BytesIO(source), paths)
            with open_binary(source) as stream:
                return element_lines(stream, paths)
        except OSError:
            return {}  # gone since it was read: the lines kept while reading, if any, stand

    def known_records(self, known: KnownRecords | None = None) -> KnownRecords:
        """``known`` (or no record known in DEX) with this upload's unreadable records.

        Pass it to :func:`~dexcore.rules.check`: a reference to a record that
        could not be read is then not reported again as an unknown record,
        so one bad record gives one problem (its own ``xml.*`` one).
        """
        return attrs.evolve(known or KnownRecords(), unreadable=self.unreadable)

    def place_of(self, issue: Issue) -> tuple[int, int] | None:
        """The file (from 1) and the position in its collection (from 1) of an issue's record.

        The position counts every record of the collection in that file,
        those that could not be read included, as the file's own
        ``Client[8]`` does. ``None`` for an issue about no single record of
        the dataset.
        """
        if issue.record.index is None:
            return None
        file, position = self._places.place(issue.record.kind, issue.record.index)
        return file + 1, position

    def xml_path_of(self, issue: Issue) -> str | None:
        """The issue's place in its file, as an XML path: ``/DEXFileUpload/Clients/Client[8]/…``.

        A problem of :attr:`problems` already has one (its :attr:`~dexcore.rules.Issue.path`);
        a rule issue's Python path (``$.clients[6].given_name``) is turned into
        the file's element names and record positions. ``None`` for an issue
        about the whole dataset.
        """
        if issue.path.startswith("/"):
            return issue.path
        place = self.place_of(issue)
        if place is None:
            return None
        return xml_path(issue.record.kind, place[1], issue.path)

    def line_of(self, issue: Issue) -> int | None:
        """The line of the record a rule's ``issue`` concerns.

        ``None`` for an issue about the whole dataset, and for the problems
        of :attr:`problems` (which have no index: their records are not in
        the dataset, and their messages give their own line).
        """
        if issue.record.index is None:
            return None
        return self.lines.get((issue.record.kind, issue.record.index))
