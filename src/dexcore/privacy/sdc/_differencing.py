"""The differencing guard: tables released earlier to the same audience.

A reader who holds two published counts of distinct clients, one counting a
population within the other's, can subtract them; so can a reader holding a
parent and several of its children. ABS, "Confidentiality in ABS data:
differencing" (https://www.abs.gov.au/about/data-services/data-confidentiality-guide)
describes the attack; the rules followed here, and what they leave out, are
in ``docs/howto/privacy.md`` ("Differencing").
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from dexcore.errors import DisclosureRefused
from dexcore.privacy.sdc._cells import Cell, SuppressionKind
from dexcore.privacy.sdc._exposure import (
    Exposure,
    SiblingIndex,
    Value,
    index_siblings,
    published_values,
    unindex_siblings,
)
from dexcore.privacy.sdc._grid import _Grid
from dexcore.privacy.sdc._released import DisclosureWarning, ReleasedTable
from dexcore.privacy.sdc._scope import Scope, hull, table_scopes
from dexcore.privacy.sdc._tables import CountTable

_Shape = tuple[object, ...]


def _shape(table: CountTable | ReleasedTable) -> _Shape:
    dimensions = (table.row_dimension, table.column_dimension)
    return (table.population, dimensions, table.rows, table.columns)


def _scopes(table: CountTable | ReleasedTable, *, margins: bool) -> list[list[Scope]]:
    dimensions = (table.row_dimension, table.column_dimension)
    return table_scopes(table.population.filters, dimensions, table.rows, table.columns, margins)


def _grid_of(released: ReleasedTable) -> list[list[Cell | None]]:
    """A released table's values laid out as protect's grid: cells, then margins."""
    grid: list[list[Cell | None]] = [list(line) for line in released.cells]
    if released.row_totals is None and released.column_totals is None:
        return grid
    for i, line in enumerate(grid):
        line.append(None if released.row_totals is None else released.row_totals[i])
    grid.append([*(released.column_totals or [None] * len(released.columns)), released.total])
    return grid


class _Entry:
    """One table in the history: its published counts, by scope."""

    __slots__ = ("hull", "released", "shape", "values")

    def __init__(
        self, shape: _Shape, scopes: list[list[Scope]], grid: list[list[Cell | None]]
    ) -> None:
        self.shape = shape
        self.released: ReleasedTable | None = None
        self.values: list[Value] = published_values(scopes, grid)
        self.hull = hull(scopes)

    @classmethod
    def of(cls, released: ReleasedTable) -> _Entry:
        margins = released.row_totals is not None or released.column_totals is not None
        entry = cls(_shape(released), _scopes(released, margins=margins), _grid_of(released))
        entry.released = released
        return entry

    def related(self, other: Scope | None) -> bool:
        """Whether this table's values may nest with those of a table whose hull is ``other``."""
        return self.hull is not None and other is not None and self.hull.overlaps(other)


class ReleaseHistory:
    """The tables released so far to one audience, for the differencing guard of :func:`protect`.

    :func:`protect` adds every table it releases with this history; keep one
    history per audience for as long as its tables stay published. Tables
    are compared under canonical names and labels, whatever their
    orientation. One history may be shared by several threads: the guard
    checks a table and records it while holding the history's lock, so two
    tables protected at once cannot both pass unguarded.
    """

    def __init__(self, released: Iterable[ReleasedTable] = ()) -> None:
        self._lock = threading.RLock()
        self._entries: list[_Entry] = []
        self._siblings: SiblingIndex = {}
        self._pending: dict[int, _Entry] = {}
        for table in released:
            self._append(_Entry.of(table))

    @property
    def released(self) -> tuple[ReleasedTable, ...]:
        """The tables released so far, oldest first."""
        with self._lock:
            return tuple(e.released for e in self._entries if e.released is not None)

    def __len__(self) -> int:
        return len(self.released)

    def add(self, table: ReleasedTable) -> None:
        """Record a table as released.

        When the guard has just recorded this table's values in this thread,
        the record is completed with ``table``; otherwise it is added anew.
        """
        with self._lock:
            entry = _Entry.of(table)
            pending = self._pending.pop(threading.get_ident(), None)
            if pending is not None and pending.shape == entry.shape:
                unindex_siblings(pending.values, self._siblings)
                self._entries[self._entries.index(pending)] = entry
                index_siblings(entry.values, self._siblings)
            else:
                self._append(entry)

    def nested_with(self, table: CountTable) -> list[ReleasedTable]:
        """Earlier tables with values that may lie within, or around, values of ``table``."""
        widest = hull(_scopes(table, margins=True))
        with self._lock:
            return [
                e.released for e in self._entries if e.released is not None and e.related(widest)
            ]

    def _append(self, entry: _Entry) -> None:
        self._entries.append(entry)
        index_siblings(entry.values, self._siblings)

    def _exposure(self, widest: Scope | None, threshold: int) -> Exposure:
        earlier = [v for e in self._entries if e.related(widest) for v in e.values]
        return Exposure(earlier, self._siblings, threshold)

    def _reserve(self, table: CountTable, scopes: list[list[Scope]], grid: _Grid) -> None:
        """Record the values about to be published, until :meth:`add` completes the record."""
        entry = _Entry(_shape(table), scopes, [list(line) for line in grid.published])
        self._pending[threading.get_ident()] = entry
        self._append(entry)

    def _cancel(self) -> None:
        """Forget the values :meth:`_reserve` has just recorded in this thread: not published.

        :func:`protect` calls it only when its audit refuses (or is interrupted) after the
        guard recorded the table, so there is always such a record.
        """
        with self._lock:
            entry = self._pending.pop(threading.get_ident())
            unindex_siblings(entry.values, self._siblings)
            self._entries.remove(entry)


def _guard_differences(
    grid: _Grid,
    table: CountTable,
    history: ReleaseHistory,
    threshold: int,
    on_difference: str,
) -> list[DisclosureWarning]:
    """Hide values an attacker could difference down to a small count (or refuse).

    The history's lock is held from the check until the table's published
    values are recorded in the history, so no other table is checked
    against a history that lacks this one.
    """
    scopes = _scopes(table, margins=table.margins)
    with history._lock:
        exposure = history._exposure(hull(scopes), threshold)
        found = _exposed(grid, scopes, exposure)
        if found and on_difference == "refuse":
            raise DisclosureRefused(
                "sdc.differencing",
                f"{len(found)} value(s) would let a reader subtract earlier releases of nested "
                f"or sibling populations down to a count of 1 to {threshold - 1}",
            )
        hidden = 0
        while found:
            # A zero is hidden only when it still completes a subtraction once the
            # counts beside it are hidden: secondary suppression never hides a zero,
            # so a hidden zero that its line of zeros gives away cannot be protected.
            chosen = [(i, j) for i, j in found if grid.true[i][j] > 0] or found
            for i, j in chosen:
                grid.hide(i, j, SuppressionKind.DIFFERENCING, threshold)
            hidden += len(chosen)
            grid.secondary(threshold)
            found = _exposed(grid, scopes, exposure)
        history._reserve(table, scopes, grid)
    if not hidden:
        return []
    return [
        DisclosureWarning(
            "sdc.differencing",
            f"{hidden} value(s) hidden because, with earlier releases of nested or sibling "
            f"populations, they would give a count of 1 to {threshold - 1}",
        )
    ]


def _exposed(grid: _Grid, scopes: list[list[Scope]], exposure: Exposure) -> list[tuple[int, int]]:
    positions = [
        (i, j)
        for i, line in enumerate(grid.published)
        for j, value in enumerate(line)
        if isinstance(value, int)
    ]
    new = published_values(scopes, [list(line) for line in grid.published])
    return [positions[n] for n in exposure.exposed(new)]
