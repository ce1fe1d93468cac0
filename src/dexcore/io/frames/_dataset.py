"""A dataset to Arrow tables and back: the public functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any

import pyarrow as pa

from dexcore._gc import gc_paused
from dexcore.errors import DexStructureError, DexValueError
from dexcore.io.frames._cells import issue
from dexcore.io.frames._read import read_dataset
from dexcore.io.frames._schema import PERSONAL, TABLES, Column
from dexcore.issues import Issue
from dexcore.model import Dataset

#: The tables :func:`dataset_to_arrow` gives, in order.
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)

#: Every personal column (all in the ``clients`` table): pass any of them by name to include it.
PERSONAL_COLUMNS: frozenset[str] = frozenset().union(*PERSONAL.values())

#: Problems shown in the message of the error raised when ``problems`` is not given.
_SHOWN = 20


def _personal(names: Iterable[str]) -> frozenset[str]:
    if isinstance(names, str):
        names = (names,)
    wanted = frozenset(names)
    unknown = wanted - PERSONAL_COLUMNS
    if unknown:
        raise DexValueError(
            f"dataset_to_arrow: {len(unknown)} name(s) in personal= are not personal columns; "
            f"choose from {', '.join(sorted(PERSONAL_COLUMNS))} [frames.unknown-personal-column]"
        )
    return wanted


def _columns(columns: Sequence[Column], rows: list[Any]) -> dict[str, Sequence[Any]]:
    """Each column's values over ``rows``; the plain attribute paths in one pass over the rows."""
    plain = [column for column in columns if column.path is not None]
    values: dict[str, Sequence[Any]] = {}
    if len(plain) > 1:
        getter = attrgetter(*(column.path for column in plain if column.path is not None))
        transposed = zip(*map(getter, rows), strict=True) if rows else [()] * len(plain)
        values.update(zip((column.name for column in plain), transposed, strict=True))
    for column in columns:
        if column.name not in values:
            values[column.name] = [column.get(row) for row in rows]
    return values


def dataset_to_arrow(dataset: Dataset, *, personal: Iterable[str] = ()) -> dict[str, pa.Table]:
    """One Arrow table per collection of ``dataset``, by name (see :data:`TABLE_NAMES`).

    Args:
        dataset: The dataset.
        personal: The personal columns to include, by name (such as
            ``["birth_date"]``, or :data:`PERSONAL_COLUMNS` for all of them);
            none by default.

    Raises:
        DexValueError: ``frames.unknown-personal-column`` when a name is not
            one of :data:`PERSONAL_COLUMNS`.

    Every table is there even when empty, with the same columns, so code
    written against one dataset's tables works with another's.
    """
    wanted = _personal(personal)
    tables = {}
    with gc_paused():
        for name, (columns, rows_of) in TABLES.items():
            chosen = [c for c in columns if not c.personal or c.name in wanted]
            values = _columns(chosen, list(rows_of(dataset)))
            arrays = [column.kind.write(values[column.name]) for column in chosen]
            tables[name] = pa.Table.from_arrays(arrays, names=[c.name for c in chosen])
    return tables


def _as_table(name: str, value: object, problems: list[Issue]) -> pa.Table | None:
    if isinstance(value, pa.Table):
        return value
    try:
        return pa.table(value)
    except (pa.ArrowException, TypeError, ValueError):
        # The library's message may quote a value, so it is not passed on.
        reason = "could not be turned into an Arrow table (give a pyarrow, pandas or polars table)"
        problems.append(issue(name, None, None, "frames.not-a-table", reason))
        return None


def _tables(tables: Mapping[str, Any], problems: list[Issue]) -> dict[str, pa.Table]:
    out = {}
    for name, value in tables.items():
        if name not in TABLES:
            reason = f"is not a dexcore table; the tables are {', '.join(TABLE_NAMES)}"
            problems.append(issue(name, None, None, "frames.unknown-table", reason))
            continue
        table = _as_table(name, value, problems)
        if table is not None:
            out[name] = table
    return out


def dataset_from_arrow(
    tables: Mapping[str, Any], *, problems: list[Issue] | None = None
) -> Dataset:
    """The dataset held in ``tables``: Arrow tables (or pandas or polars frames) by name.

    The tables are those of :func:`dataset_to_arrow`; a table that is not
    given is empty. Columns are read as the model reads its fields, with two
    allowances for what frame libraries do: a ``datetime`` at midnight reads
    as a date, and a float with no fraction (pandas beside a missing value)
    as a whole number.

    Args:
        tables: The tables by name.
        problems: When given, each row that cannot be read is appended as an
            :class:`~dexcore.rules.Issue` (code ``frames.*``, severity
            ``ERROR``, path such as ``sessions[3].session_date``) and its
            record is left out; otherwise any problem raises.

    Raises:
        DexStructureError: without ``problems``, listing the first problems
            by table, row and column (never a value).
        DexValueError: ``frames.not-a-mapping`` when ``tables`` is not a mapping.
    """
    if not isinstance(tables, Mapping):
        raise DexValueError(
            "dataset_from_arrow: give the tables as a mapping from table name to table, "
            "as dataset_to_arrow returns them [frames.not-a-mapping]"
        )
    found: list[Issue] = []
    with gc_paused():  # a million new records need no cycle hunting
        dataset = read_dataset(_tables(tables, found), found.append)
    if problems is not None:
        problems.extend(found)
    elif found:
        shown = [(item.path, item.message) for item in found[:_SHOWN]]
        if len(found) > _SHOWN:
            shown.append(("…", f"{len(found) - _SHOWN} more; pass problems=[] to collect them all"))
        raise DexStructureError("Dataset", tuple(shown))
    return dataset
