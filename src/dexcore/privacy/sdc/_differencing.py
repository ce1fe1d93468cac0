"""The differencing guard: tables released earlier to the same audience."""

from __future__ import annotations

from collections.abc import Iterable

from dexcore.errors import DisclosureRefused
from dexcore.privacy.sdc._cells import Cell, Suppressed, SuppressionKind
from dexcore.privacy.sdc._grid import _Grid
from dexcore.privacy.sdc._released import DisclosureWarning, ReleasedTable
from dexcore.privacy.sdc._tables import CountTable


class ReleaseHistory:
    """The tables released so far, for the differencing guard of :func:`protect`.

    :func:`protect` adds every table it releases with this history; keep one
    history per audience for as long as its tables stay published.
    """

    def __init__(self, released: Iterable[ReleasedTable] = ()) -> None:
        self._released: list[ReleasedTable] = list(released)

    @property
    def released(self) -> tuple[ReleasedTable, ...]:
        """The tables released so far, oldest first."""
        return tuple(self._released)

    def __len__(self) -> int:
        return len(self._released)

    def add(self, table: ReleasedTable) -> None:
        """Record a table as released."""
        self._released.append(table)

    def nested_with(self, table: CountTable) -> list[ReleasedTable]:
        """Earlier tables over the same dimensions whose population is nested with ``table``'s."""
        return [
            earlier
            for earlier in self._released
            if earlier.row_dimension == table.row_dimension
            and earlier.column_dimension == table.column_dimension
            and (
                table.population.within(earlier.population)
                or earlier.population.within(table.population)
            )
        ]


def _published(released: ReleasedTable, row: str | None, column: str | None) -> Cell | None:
    """An earlier table's published value at the given labels (``None`` label = margin)."""
    try:
        i = None if row is None else released.rows.index(row)
        j = None if column is None else released.columns.index(column)
    except ValueError:
        return None
    if i is not None and j is not None:
        return released.cells[i][j]
    if i is not None:
        return None if released.row_totals is None else released.row_totals[i]
    if j is not None:
        return None if released.column_totals is None else released.column_totals[j]
    return released.total


def _differences(
    grid: _Grid, table: CountTable, earlier: list[ReleasedTable], threshold: int
) -> list[tuple[int, int]]:
    found = []
    for i, line in enumerate(grid.published):
        for j, value in enumerate(line):
            if isinstance(value, Suppressed):
                continue
            row, column = grid.label(table, i, j)
            for other in earlier:
                theirs = _published(other, row, column)
                if isinstance(theirs, int) and 0 < abs(theirs - value) < threshold:
                    found.append((i, j))
                    break
    return found


def _guard_differences(
    grid: _Grid,
    table: CountTable,
    history: ReleaseHistory,
    threshold: int,
    on_difference: str,
) -> list[DisclosureWarning]:
    """Hide values whose difference with a nested earlier release is small (or refuse)."""
    earlier = history.nested_with(table)
    found = _differences(grid, table, earlier, threshold)
    if found and on_difference == "refuse":
        raise DisclosureRefused(
            "sdc.differencing",
            f"{len(found)} value(s) differ from an earlier release of a nested population "
            f"by 1 to {threshold - 1}",
        )
    hidden = 0
    while found:
        for i, j in found:
            grid.hide(i, j, SuppressionKind.DIFFERENCING, threshold)
        hidden += len(found)
        grid.secondary(threshold)
        found = _differences(grid, table, earlier, threshold)
    if not hidden:
        return []
    return [
        DisclosureWarning(
            "sdc.differencing",
            f"{hidden} value(s) hidden because their difference with an earlier "
            f"release of a nested population was 1 to {threshold - 1}",
        )
    ]
