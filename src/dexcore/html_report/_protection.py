"""Counts for the page: exact ones, or through small-cell protection for publication.

Each group of related counts is one :class:`~dexcore.privacy.CountTable`
with its margins (a KPI's parts and its denominator; the SCORE changes by
domain; the issues by code and severity), and :func:`~dexcore.privacy.protect`
decides which of its values may be shown (see :doc:`/howto/privacy`). The page
shows only values read from the released tables, or worked out from
values it shows, so it tells a reader nothing the released tables do not.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import attrs

from dexcore.html_report._figures import Shown
from dexcore.privacy import CountTable, count_clients, protect

__all__ = ["Released", "count_row", "counted", "released"]


@attrs.frozen(kw_only=True)
class Released:
    """A table's values as the page may show them.

    Attributes:
        cells: ``cells[i][j]`` for row ``i`` and column ``j``.
        row_totals: Per row.
        column_totals: Per column.
        total: The table's total.
    """

    cells: tuple[tuple[Shown, ...], ...]
    row_totals: tuple[Shown, ...]
    column_totals: tuple[Shown, ...]
    total: Shown


def released(table: CountTable, *, publish: bool) -> Released:
    """``table``'s values: exact, or as :func:`~dexcore.privacy.protect` releases them."""
    if not publish:
        return Released(
            cells=table.counts,
            row_totals=table.row_totals,
            column_totals=table.column_totals,
            total=table.total,
        )
    out = protect(table)
    assert out.row_totals is not None  # margins are published: every table here has them
    assert out.column_totals is not None
    assert out.total is not None
    return Released(
        cells=out.cells,
        row_totals=out.row_totals,
        column_totals=out.column_totals,
        total=out.total,
    )


def count_row(
    title: str, columns: Sequence[str], counts: Sequence[int], *, publish: bool
) -> tuple[tuple[Shown, ...], Shown]:
    """One measure split into categories that exclude each other: its parts and its total.

    The total is the sum of the parts (each client falls in one category),
    so the table adds up and the protection audit may rely on it.
    """
    total = sum(counts)
    table = CountTable(
        title=title,
        row_dimension="measure",
        column_dimension="category",
        rows=(title,),
        columns=tuple(columns),
        counts=(tuple(counts),),
        row_totals=(total,),
        column_totals=tuple(counts),
        total=total,
    )
    out = released(table, publish=publish)
    return out.cells[0], out.total


def counted(
    contributions: Iterable[tuple[Hashable, str, str]],
    *,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    publish: bool,
) -> Released:
    """Distinct keys per row and column (clients, or issues), released for the page."""
    table = count_clients(
        contributions,
        title=title,
        row_dimension="row",
        column_dimension="column",
        rows=rows,
        columns=columns,
    )
    return released(table, publish=publish)
