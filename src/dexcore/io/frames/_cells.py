"""Reading the cells of one table: every column decoded, every bad cell reported.

A table is read column by column (the quick path: one pass of the column's
reader over its values); only a column with a bad cell is read again cell
by cell, to name each bad row. A problem becomes an
:class:`~dexcore.rules.Issue` that names the table, the row and the column,
with a reason that never repeats the value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa

from dexcore.io.frames._kinds import BadCell
from dexcore.io.frames._schema import Column
from dexcore.issues import Issue, RecordRef, Severity

#: Columns a frame library adds by itself (pandas keeps a non-default index this way).
_IGNORED_PREFIX = "__index_level_"

#: The kind of record each table's rows belong to, as a RecordRef names it, and its id column.
RECORD_OF = {
    "clients": ("client", "client_id"),
    "cases": ("case", "case_id"),
    "case_clients": ("case", "case_id"),
    "sessions": ("session", "session_id"),
    "session_clients": ("session", "session_id"),
    "client_scores": ("client_assessment", "session_id"),
    "session_scores": ("session_assessment", "session_id"),
    "outlets": ("outlet", None),
    "organisation": ("dataset", None),
}


def _usable_id(value: object) -> bool:
    """Whether ``value`` is a well-formed id, which an issue may show (a malformed one may not)."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= 50
        and not value[0].isspace()
        and not value[-1].isspace()
    )


def issue(
    table: str,
    row: int | None,
    column: str | None,
    code: str,
    reason: str,
    *,
    record_id: object = None,
) -> Issue:
    """The issue for a problem at ``table``/``row``/``column`` (row or column may be absent)."""
    kind, _ = RECORD_OF.get(table, ("dataset", None))
    where = f"table {table}" + ("" if row is None else f", row {row}")
    where += "" if column is None else f", column {column}"
    path = table + ("" if row is None else f"[{row}]") + ("" if column is None else f".{column}")
    ref_id = record_id if isinstance(record_id, str) and _usable_id(record_id) else None
    return Issue(
        code=code,
        severity=Severity.ERROR,
        message=f"{where}: {reason}",
        record=RecordRef(kind=kind, id=ref_id),
        path=path,
    )


#: ``date.toordinal()`` of 1970-01-01, the day Arrow's ``date32`` counts from.
_EPOCH = 719_163


def python_values(chunked: pa.ChunkedArray) -> list[Any]:
    """The column's values as Python objects, by the quickest route for its type.

    Arrow builds each ``date`` and each dictionary entry one by one; a date
    column read as day numbers, and a dictionary column cast to its values'
    type, give the same values several times faster.
    """
    if chunked.null_count == len(chunked):
        return [None] * len(chunked)
    kind = chunked.type
    if pa.types.is_dictionary(kind):
        try:
            return list(chunked.cast(kind.value_type).to_pylist())
        except pa.ArrowException:  # a value type Arrow cannot cast to (polars' string views)
            return list(chunked.to_pylist())
    if pa.types.is_date32(kind):
        from_day = dt.date.fromordinal
        days = chunked.cast(pa.int32()).to_pylist()
        return [None if day is None else from_day(_EPOCH + day) for day in days]
    return list(chunked.to_pylist())


def _quick(column: Column, chunked: pa.ChunkedArray, raw: list[Any]) -> list[Any] | None:
    """The decoded column, or ``None`` when some cell is bad (then read cell by cell)."""
    kind, default = column.kind, column.default
    if chunked.null_count and column.required:
        return None
    if kind.native(chunked.type):  # the values are the model's already
        if default is None or not chunked.null_count:
            return raw
        return [default if value is None else value for value in raw]
    read = kind.read
    try:
        if kind.few:  # read each distinct code once
            seen = {value: read(value) for value in set(raw) if value is not None}
            seen[None] = default
            return [seen[value] for value in raw]
        return [default if value is None else read(value) for value in raw]
    except (BadCell, TypeError):  # TypeError: an unhashable cell where a code belongs
        return None


def _careful(column: Column, raw: list[Any]) -> tuple[list[Any], dict[int, BadCell]]:
    values: list[Any] = []
    bad: dict[int, BadCell] = {}
    for row, value in enumerate(raw):
        if value is None:
            if column.required:
                bad[row] = BadCell("frames.missing-value", "a value is required")
            values.append(column.default)
            continue
        try:
            values.append(column.kind.read(value))
        except BadCell as problem:
            bad[row] = problem
            values.append(None)
    return values, bad


def decode(
    name: str, table: pa.Table, columns: Sequence[Column], report: Callable[[Issue], None]
) -> tuple[dict[str, list[Any]], set[int]]:
    """Every column of ``table`` decoded, and the rows with a bad cell (each one reported).

    A missing column takes its default; a missing required column, or a
    column the table should not have, is reported once for the table, and
    with a missing required column no row is read.
    """
    present = set(table.column_names)
    known = {column.name for column in columns}
    for extra in sorted(present - known):
        if not extra.startswith(_IGNORED_PREFIX):
            reason = "is not a column of this table, so its values were not read"
            report(issue(name, None, extra, "frames.unknown-column", reason))
    missing = [c.name for c in columns if c.required and c.name not in present]
    if missing and table.num_rows:  # an empty table loses nothing without them
        for column_name in missing:
            reason = f"is required but missing, so none of the {table.num_rows} rows was read"
            report(issue(name, None, column_name, "frames.missing-column", reason))
        return {}, set(range(table.num_rows))
    _, id_column = RECORD_OF[name]
    ids = python_values(table.column(id_column)) if id_column in present else None
    decoded: dict[str, list[Any]] = {}
    bad_rows: set[int] = set()
    for column in columns:
        if column.name not in present:
            decoded[column.name] = [column.default] * table.num_rows
            continue
        chunked = table.column(column.name)
        try:
            raw = python_values(chunked)
        except (pa.ArrowException, TypeError, ValueError):  # a type with no Python values
            reason = "holds values of a type dexcore cannot read, so none of the rows was read"
            report(issue(name, None, column.name, "frames.bad-column", reason))
            return decoded, set(range(table.num_rows))
        values = _quick(column, chunked, raw)
        if values is None:
            values, bad = _careful(column, raw)
            for row, problem in bad.items():
                record_id = None if ids is None else ids[row]
                where = column.name + problem.where
                report(issue(name, row, where, problem.code, problem.reason, record_id=record_id))
            bad_rows.update(bad)
        decoded[column.name] = values
    return decoded, bad_rows
