"""The public readers: :func:`load_bulk` (full, with lines) and :func:`read_bulk` (quick)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeGuard

from dexcore._gc import gc_paused
from dexcore.io._places import Places
from dexcore.io._schema import COLLECTIONS
from dexcore.io._upload import BulkUpload
from dexcore.io.bulk._defused import _read_one
from dexcore.io.bulk._quick_reader import _read_quick
from dexcore.io.bulk._reader import _Reader
from dexcore.io.bulk._source import DEFAULT_READ_LIMIT, BulkSource, _sources
from dexcore.issues import Issue, Unreadable
from dexcore.model import Dataset

_LOG = logging.getLogger("dexcore.io.bulk")  # the public module, not this private one


def load_bulk(
    source: BulkSource | Sequence[BulkSource],
    *,
    collect: bool = True,
    progress: Callable[[int, int | None], None] | None = None,
    max_size: int | None = DEFAULT_READ_LIMIT,
    quick: bool = False,
) -> BulkUpload:
    """Read one bulk-upload file, or several in upload order, into a :class:`BulkUpload`.

    This is the full reader, which keeps every record's line (see
    :meth:`BulkUpload.line_of`), unless ``quick`` asks otherwise. Python's
    cyclic garbage collector is paused while each file is read, and restored
    as it was.

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
        quick: Read each file given as a path or as bytes the way
            :func:`read_bulk` does, where the file allows it, keeping no
            lines: :attr:`BulkUpload.lines` then lacks that file's records,
            and :meth:`BulkUpload.lines_of` finds the lines of the records
            it is asked about by reading the file once more. The answer of
            :meth:`~BulkUpload.lines_of` is the same either way; a file that
            has a record that cannot be read is read the full way.

    Raises:
        BulkReadError: the file cannot be opened, is larger than
            ``max_size`` (code ``xml.too-large``), is not well-formed XML,
            names an encoding that cannot be read, declares a DTD or an
            entity, does not start with ``DEXFileUpload``, or holds a
            record of more than 100,000 elements; or, with
            ``collect=False``, a record is bad.
    """
    sources = _sources(source)
    # A file object cannot be read again for its lines: it is read the full way.
    quickly = [quick and _rereadable(one) for one in sources]
    return _read_all(sources, collect=collect, progress=progress, quick=quickly, max_size=max_size)


def _rereadable(source: BulkSource) -> TypeGuard[str | os.PathLike[str] | bytes | bytearray]:
    """Whether ``source`` can be read again for lines (a path or bytes; not a file object)."""
    return isinstance(source, (str, os.PathLike, bytes, bytearray))


def _read_all(
    sources: Sequence[BulkSource],
    *,
    collect: bool,
    progress: Callable[[int, int | None], None] | None,
    quick: Sequence[bool],
    max_size: int | None,
) -> BulkUpload:
    """Read ``sources`` in order; those ``quick`` marks the quick way where it can (no lines)."""
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
            if quick[number - 1]:
                reader = _read_quick(one, progress=progress, limit=max_size)
            if reader is None:
                if quick[number - 1]:
                    _LOG.debug("file %d is read by the full reader (not plain enough)", number)
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
    _log_read(records, dropped, len(sources))
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
        sources=tuple(one if _rereadable(one) else None for one in sources),
    )


def _log_read(
    records: Mapping[str, list[Any]], dropped: Mapping[str, list[Any]], files: int
) -> None:
    """Say how many records were read and how many of each kind were left out (no values)."""
    read = sum(len(found) for found in records.values())
    left_out = {kind: len(found) for kind, found in dropped.items() if found}
    if left_out:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(left_out.items()))
        _LOG.info(
            "read %d records from %d file(s); %d more could not be read and are left out (%s)",
            read,
            files,
            sum(left_out.values()),
            kinds,
        )
    else:
        _LOG.debug("read %d records from %d file(s)", read, files)


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
    sources = _sources(source)
    quickly = [True] * len(sources)
    upload = _read_all(
        sources, collect=collect, progress=progress, quick=quickly, max_size=max_size
    )
    if problems is not None:
        problems.extend(upload.problems)
    return upload.dataset
