"""Disclosure control for published counts: suppression, rounding, population groups, differencing.

A count table about clients can only be published through :func:`protect`,
which returns a :class:`ReleasedTable` carrying the policy that produced it.

* **Distinct clients, never sessions.** A :class:`CountTable` is built from
  ``(client, row, column)`` contributions by :func:`count_clients` or
  :func:`count_table`; each cell, margin and total counts distinct clients,
  so a client seen at ten sessions counts once, as the ABS rule "count
  contributors, not weights" asks (``reference/privacy.md`` §2.3).
* **Suppression** (:class:`SuppressionPolicy`, the default; DSS before
  December 2022 and AIHW): counts from 1 to 4 are replaced by a
  :class:`Suppressed` cell shown ``<5``; zeros stay zeros. Then secondary
  suppression hides more cells (shown ``n.p.``) until no row or column,
  margins included, has exactly one hidden cell, so no hidden cell can be
  recovered from the row, column or total it belongs to.
* **Rounding** (:class:`RoundingPolicy`; DSS's practice since December
  2022): every count is rounded to the nearest 5, counts from 1 to 7 become
  5, and true zeros stay zero. Totals are rounded on their own, so they may
  not add up.
* **Population groups** (seed 003): when every member of a row (or a
  column) with members falls in one category of the other dimension, the
  table says something about each of them; a ``sdc.population-group``
  warning names the group.
* **Differencing** (seed 003): given a :class:`ReleaseHistory`, a new table
  whose population is nested in an earlier one's (an outlet within its
  organisation, a half-year within its year), or contains it, is compared
  cell by cell; a difference of 1–4 between published counts is suppressed
  in the new table (or the table is refused).

Hidden cells are :class:`Suppressed` values, never ``0`` or ``None``, and
no arithmetic is defined on them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Literal

import attrs

from dexcore.errors import DexKeyError, DexValueError, DisclosureRefused
from dexcore.model import Case, Client, Dataset, Session
from dexcore.periods import ReportingPeriod, period_of
from dexcore.privacy._groups import GROUP_LABELS, group_label

__all__ = [
    "ALL_CLIENTS",
    "BY_ATSI",
    "BY_CALD",
    "BY_DISABILITY",
    "BY_GENDER",
    "BY_OUTLET",
    "BY_PERIOD",
    "BY_SERVICE_TYPE",
    "BY_STATE",
    "Cell",
    "CountTable",
    "Dimension",
    "DisclosureWarning",
    "Policy",
    "Population",
    "ReleaseHistory",
    "ReleasedTable",
    "RoundingPolicy",
    "Suppressed",
    "SuppressionKind",
    "SuppressionPolicy",
    "count_clients",
    "count_table",
    "protect",
    "round_count",
]

#: Label of the margins in :meth:`ReleasedTable.to_dict` and text output.
TOTAL = "Total"


class SuppressionKind(enum.StrEnum):
    """Why a cell is hidden."""

    PRIMARY = "primary"  #: The count itself is too small.
    SECONDARY = "secondary"  #: Hidden so that a primary cell cannot be worked out.
    DIFFERENCING = "differencing"  #: Its difference with an earlier release is too small.


@attrs.frozen
class Suppressed:
    """A hidden count. It is not a number: it has no arithmetic, and prints as ``<5`` or ``n.p.``.

    Attributes:
        kind: Why it is hidden.
        threshold: The policy's threshold (counts below it are small).
    """

    kind: SuppressionKind
    threshold: int = 5

    def __str__(self) -> str:
        return f"<{self.threshold}" if self.kind is SuppressionKind.PRIMARY else "n.p."


#: A published cell: a count, or a hidden one.
Cell = int | Suppressed


@attrs.frozen(kw_only=True)
class SuppressionPolicy:
    """Suppress counts from 1 to ``threshold - 1``, then suppress consequentially.

    Attributes:
        threshold: Counts below it (and above zero) are hidden; 5 by default.
        secondary: Whether to hide further cells so no row or column has a
            single hidden cell (on by default; turn it off only for a table
            that is never published with its margins or other cells).
    """

    threshold: int = 5
    secondary: bool = True

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.threshold, int) or self.threshold < 2:
            raise DexValueError("SuppressionPolicy.threshold must be a whole number of at least 2")

    @property
    def name(self) -> str:
        """A short name for the policy."""
        return f"suppress-below-{self.threshold}"

    def describe(self) -> dict[str, object]:
        """The policy as plain data, carried with every released table."""
        return {
            "name": self.name,
            "method": "suppression",
            "threshold": self.threshold,
            "secondary": self.secondary,
            "zeros": "published",
            "unit": "distinct clients",
        }


@attrs.frozen(kw_only=True)
class RoundingPolicy:
    """Round every count to a multiple of ``base``; 1 to ``small_up_to`` become ``base``; 0 stays 0.

    With the defaults this is DSS's open-data practice since December 2022.

    Attributes:
        base: The multiple counts are rounded to; 5 by default.
        small_up_to: Counts from 1 to this become ``base``; 7 by default.
    """

    base: int = 5
    small_up_to: int = 7

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.base, int) or self.base < 2:
            raise DexValueError("RoundingPolicy.base must be a whole number of at least 2")
        if not isinstance(self.small_up_to, int) or self.small_up_to < 1:
            raise DexValueError("RoundingPolicy.small_up_to must be a whole number of at least 1")

    @property
    def name(self) -> str:
        """A short name for the policy."""
        return f"round-to-{self.base}"

    @property
    def threshold(self) -> int:
        """The smallest count a reader can tell apart from zero after rounding: ``base``."""
        return self.base

    def describe(self) -> dict[str, object]:
        """The policy as plain data, carried with every released table."""
        return {
            "name": self.name,
            "method": "rounding",
            "base": self.base,
            "small_up_to": self.small_up_to,
            "zeros": "published",
            "unit": "distinct clients",
            "additive": False,
        }


#: A disclosure-control policy.
Policy = SuppressionPolicy | RoundingPolicy


def round_count(count: int, policy: RoundingPolicy = RoundingPolicy()) -> int:
    """Round one count as ``policy`` says (``0 → 0``, ``1–7 → 5``, otherwise the nearest 5)."""
    if count < 0:
        raise DexValueError("round_count: a count cannot be negative")
    if count == 0:
        return 0
    if count <= policy.small_up_to:
        return policy.base
    low = count - count % policy.base
    return low + policy.base if 2 * (count - low) >= policy.base else low


def _filters(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), str(v)) for k, v in items))


@attrs.frozen
class Population:
    """Whom a table counts, as filters such as ``{"organisation": "ORG1", "outlet": "12"}``.

    One population is nested in another when its filters include all of the
    other's: ``{"year": "2024", "half": "H1"}`` is within ``{"year": "2024"}``.
    Give filters from the broadest down, with the same names for the same
    levels, so :class:`ReleaseHistory` can see the nesting.
    """

    filters: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_filters)

    def within(self, other: Population) -> bool:
        """Whether this population is ``other`` or nested in it."""
        return set(other.filters) <= set(self.filters)

    def describe(self) -> dict[str, str]:
        """The filters as a dictionary."""
        return dict(self.filters)


@attrs.frozen(kw_only=True)
class CountTable:
    """Distinct-client counts by a row and a column dimension, before disclosure control.

    Build it with :func:`count_clients` or :func:`count_table`. Margins
    (:attr:`row_totals`, :attr:`column_totals`, :attr:`total`) are distinct
    clients too, so they can be less than the sum of their cells when a
    client falls in more than one.

    Attributes:
        title: What the table shows.
        row_dimension: Name of the row dimension.
        column_dimension: Name of the column dimension.
        rows: Row labels, in order.
        columns: Column labels, in order.
        counts: ``counts[i][j]`` for row ``i`` and column ``j``.
        row_totals: Distinct clients per row.
        column_totals: Distinct clients per column.
        total: Distinct clients in the table.
        population: Whom the table counts.
        margins: Whether the totals are published with the table.
    """

    title: str
    row_dimension: str
    column_dimension: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    row_totals: tuple[int, ...]
    column_totals: tuple[int, ...]
    total: int
    population: Population = Population()
    margins: bool = True

    def count(self, row: str, column: str) -> int:
        """The count in one cell.

        Raises:
            DexKeyError: no such row or column.
        """
        return self.counts[_index(self.rows, row, "row")][_index(self.columns, column, "column")]


def _index(labels: tuple[str, ...], label: str, kind: str) -> int:
    try:
        return labels.index(label)
    except ValueError:
        raise DexKeyError(f"table {kind}", label) from None


def count_clients(
    contributions: Iterable[tuple[Hashable, str, str]],
    *,
    title: str,
    row_dimension: str,
    column_dimension: str,
    rows: Iterable[str] | None = None,
    columns: Iterable[str] | None = None,
    population: Population | Mapping[str, str] = Population(),
    margins: bool = True,
) -> CountTable:
    """Count distinct clients per cell from ``(client key, row, column)`` contributions.

    The same client may contribute many times (one contribution per session,
    say); each cell, margin and total counts them once.

    Args:
        contributions: ``(client key, row label, column label)`` triples.
        title: What the table shows.
        row_dimension: Name of the row dimension.
        column_dimension: Name of the column dimension.
        rows: Row labels in order, including ones with no clients (zeros
            are information); by default the labels seen, sorted.
        columns: Column labels likewise.
        population: Whom the table counts, for the differencing guard.
        margins: Whether totals are published with the table.

    Raises:
        DexValueError: a contribution falls outside the given rows or columns.
    """
    cell_sets: dict[tuple[str, str], set[Hashable]] = {}
    row_sets: dict[str, set[Hashable]] = {}
    column_sets: dict[str, set[Hashable]] = {}
    everyone: set[Hashable] = set()
    for key, row_value, column_value in contributions:
        row, column = str(row_value), str(column_value)
        cell_sets.setdefault((row, column), set()).add(key)
        row_sets.setdefault(row, set()).add(key)
        column_sets.setdefault(column, set()).add(key)
        everyone.add(key)
    row_labels = tuple(rows) if rows is not None else tuple(sorted(row_sets))
    column_labels = tuple(columns) if columns is not None else tuple(sorted(column_sets))
    if len(set(row_labels)) != len(row_labels) or len(set(column_labels)) != len(column_labels):
        raise DexValueError("count_clients: row and column labels must be unique")
    if not set(row_sets) <= set(row_labels) or not set(column_sets) <= set(column_labels):
        raise DexValueError("count_clients: a contribution falls outside the given rows or columns")
    if not isinstance(population, Population):
        population = Population(population)
    return CountTable(
        title=title,
        row_dimension=row_dimension,
        column_dimension=column_dimension,
        rows=row_labels,
        columns=column_labels,
        counts=tuple(
            tuple(len(cell_sets.get((r, c), ())) for c in column_labels) for r in row_labels
        ),
        row_totals=tuple(len(row_sets.get(r, ())) for r in row_labels),
        column_totals=tuple(len(column_sets.get(c, ())) for c in column_labels),
        total=len(everyone),
        population=population,
        margins=margins,
    )


# -- dimensions over a dataset ------------------------------------------------------------------


@attrs.frozen
class Dimension:
    """A way to classify a client's attendance at a session, for :func:`count_table`.

    Attributes:
        name: The dimension's name, such as ``"outlet"``.
        label: Gives the category of a (client, case, session); ``None``
            leaves that attendance out of the table.
        categories: Every category in order, when known in advance, so that
            empty ones show as zeros.
    """

    name: str
    label: Callable[[Client, Case, Session], str | None]
    categories: tuple[str, ...] | None = None


def _group(name: str) -> Callable[[Client, Case, Session], str | None]:
    return lambda client, case, session: group_label(name, client)


#: Every client in one column, ``"All clients"``.
ALL_CLIENTS = Dimension("all", lambda client, case, session: "All clients", ("All clients",))
#: The outlet activity of the session's case.
BY_OUTLET = Dimension("outlet", lambda client, case, session: str(case.outlet_activity_id))
#: The session's service type.
BY_SERVICE_TYPE = Dimension(
    "service type", lambda client, case, session: str(session.service_type_id)
)
#: The six-monthly reporting period of the session, such as ``2024-H2``.
BY_PERIOD = Dimension("period", lambda client, case, session: str(period_of(session.session_date)))
#: The client's state.
BY_STATE = Dimension("state", lambda client, case, session: str(client.residential_address.state))
#: The client's DEX gender code.
BY_GENDER = Dimension("gender", lambda client, case, session: str(client.gender))
#: Aboriginal and/or Torres Strait Islander: yes, no, not stated.
BY_ATSI = Dimension("atsi", _group("atsi"), GROUP_LABELS)
#: Culturally and linguistically diverse: yes, no, not stated.
BY_CALD = Dimension("cald", _group("cald"), GROUP_LABELS)
#: Disability: yes, no, not stated.
BY_DISABILITY = Dimension("disability", _group("disability"), GROUP_LABELS)


def count_table(
    dataset: Dataset,
    rows: Dimension,
    columns: Dimension = ALL_CLIENTS,
    *,
    period: ReportingPeriod | None = None,
    title: str | None = None,
    population: Population | Mapping[str, str] = Population(),
    margins: bool = True,
) -> CountTable:
    """Count the distinct clients who attended sessions, by two dimensions.

    A client counts in a cell when they attended at least one session that
    falls in it (in ``period``, when given). Sessions of unknown cases and
    attendees who are not in the dataset are left out.
    """
    clients = dataset.client_by_id
    cases = dataset.case_by_id

    def contributions() -> Iterable[tuple[Hashable, str, str]]:
        for session in dataset.sessions:
            if period is not None and not period.contains(session.session_date):
                continue
            case = cases.get(session.case_id)
            if case is None:
                continue
            for attendee in session.clients:
                client = clients.get(attendee.client_id)
                if client is None:
                    continue
                row = rows.label(client, case, session)
                column = columns.label(client, case, session)
                if row is not None and column is not None:
                    yield attendee.client_id, row, column

    default_title = f"Clients by {rows.name}" + (
        "" if columns is ALL_CLIENTS else f" and {columns.name}"
    )
    return count_clients(
        contributions(),
        title=title or (default_title + (f", {period}" if period is not None else "")),
        row_dimension=rows.name,
        column_dimension=columns.name,
        rows=rows.categories,
        columns=columns.categories,
        population=population,
        margins=margins,
    )


# -- released tables -------------------------------------------------------------------------


@attrs.frozen
class DisclosureWarning:
    """Something a reader of the released table could learn that counts alone do not show.

    Attributes:
        code: ``sdc.population-group`` or ``sdc.differencing``.
        message: What was found, naming categories but no person.
        row: The row label concerned, if any.
        column: The column label concerned, if any.
    """

    code: str
    message: str
    row: str | None = None
    column: str | None = None


@attrs.frozen(kw_only=True)
class ReleasedTable:
    """A count table after disclosure control, ready to publish, with the policy that made it.

    Attributes:
        title: What the table shows.
        row_dimension: Name of the row dimension.
        column_dimension: Name of the column dimension.
        rows: Row labels.
        columns: Column labels.
        cells: ``cells[i][j]``: a count or a :class:`Suppressed`.
        row_totals: Per row, or ``None`` when margins are not published.
        column_totals: Per column, or ``None``.
        total: The table total, or ``None``.
        policy: The policy applied.
        population: Whom the table counts.
        warnings: Population-group and differencing findings.
    """

    title: str
    row_dimension: str
    column_dimension: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...] | None
    column_totals: tuple[Cell, ...] | None
    total: Cell | None
    policy: Policy
    population: Population
    warnings: tuple[DisclosureWarning, ...] = ()

    def cell(self, row: str, column: str) -> Cell:
        """The published value of one cell.

        Raises:
            DexKeyError: no such row or column.
        """
        return self.cells[_index(self.rows, row, "row")][_index(self.columns, column, "column")]

    @property
    def suppressed(self) -> int:
        """How many published values (cells and margins) are hidden."""
        values: list[Cell | None] = [v for line in self.cells for v in line]
        values += list(self.row_totals or ()) + list(self.column_totals or ()) + [self.total]
        return sum(isinstance(v, Suppressed) for v in values)

    def to_dict(self) -> dict[str, object]:
        """The table as plain data; hidden cells become ``"<5"`` or ``"n.p."``."""

        def out(value: Cell | None) -> int | str | None:
            return str(value) if isinstance(value, Suppressed) else value

        return {
            "title": self.title,
            "rows": {"dimension": self.row_dimension, "labels": list(self.rows)},
            "columns": {"dimension": self.column_dimension, "labels": list(self.columns)},
            "cells": [[out(v) for v in line] for line in self.cells],
            "row_totals": None if self.row_totals is None else [out(v) for v in self.row_totals],
            "column_totals": (
                None if self.column_totals is None else [out(v) for v in self.column_totals]
            ),
            "total": out(self.total),
            "policy": self.policy.describe(),
            "population": self.population.describe(),
            "warnings": [{"code": w.code, "message": w.message} for w in self.warnings],
        }

    def to_text(self) -> str:
        """The table as aligned text, with its policy underneath."""
        header = [self.row_dimension, *self.columns] + ([TOTAL] if self.row_totals else [])
        body = []
        for i, row in enumerate(self.rows):
            line = [row, *(str(v) for v in self.cells[i])]
            if self.row_totals is not None:
                line.append(str(self.row_totals[i]))
            body.append(line)
        if self.column_totals is not None:
            body.append([TOTAL, *(str(v) for v in self.column_totals), str(self.total)])
        widths = [max(len(r[k]) for r in [header, *body]) for k in range(len(header))]
        lines = [self.title]
        lines.extend(
            "  ".join(v.ljust(widths[k]) if k == 0 else v.rjust(widths[k]) for k, v in enumerate(r))
            for r in [header, *body]
        )
        lines.append(f"policy: {self.policy.name}; counts are distinct clients")
        lines.extend(f"warning [{w.code}]: {w.message}" for w in self.warnings)
        return "\n".join(lines)


# -- the protection step ----------------------------------------------------------------------


class _Grid:
    """The table's values (cells plus margins) as one matrix, with the lines they sum along."""

    def __init__(self, table: CountTable) -> None:
        self.n_rows = len(table.rows)
        self.n_columns = len(table.columns)
        self.margins = table.margins
        width = self.n_columns + (1 if self.margins else 0)
        height = self.n_rows + (1 if self.margins else 0)
        self.true: list[list[int]] = [[0] * width for _ in range(height)]
        for i in range(self.n_rows):
            for j in range(self.n_columns):
                self.true[i][j] = table.counts[i][j]
        if self.margins:
            for i in range(self.n_rows):
                self.true[i][self.n_columns] = table.row_totals[i]
            for j in range(self.n_columns):
                self.true[self.n_rows][j] = table.column_totals[j]
            self.true[self.n_rows][self.n_columns] = table.total
        self.published: list[list[Cell]] = [list(row) for row in self.true]
        self.lines: list[list[tuple[int, int]]] = [
            [(i, j) for j in range(width)] for i in range(height)
        ] + [[(i, j) for i in range(height)] for j in range(width)]

    def is_total(self, i: int, j: int) -> bool:
        return i == self.n_rows or j == self.n_columns

    def label(self, table: CountTable, i: int, j: int) -> tuple[str | None, str | None]:
        row = None if i == self.n_rows else table.rows[i]
        column = None if j == self.n_columns else table.columns[j]
        return row, column

    def hide(self, i: int, j: int, kind: SuppressionKind, threshold: int) -> None:
        if not isinstance(self.published[i][j], Suppressed):
            self.published[i][j] = Suppressed(kind, threshold)

    def secondary(self, threshold: int) -> None:
        """Hide further values until no line with two or more members has exactly one hidden."""
        changed = True
        while changed:
            changed = False
            for line in self.lines:
                if len(line) < 2:
                    continue
                hidden = [p for p in line if isinstance(self.published[p[0]][p[1]], Suppressed)]
                if len(hidden) != 1:
                    continue
                candidates = [
                    p for p in line if not isinstance(self.published[p[0]][p[1]], Suppressed)
                ]
                i, j = min(
                    candidates,
                    key=lambda p: (
                        self.is_total(*p),
                        self.true[p[0]][p[1]] == 0,
                        self.true[p[0]][p[1]],
                        p,
                    ),
                )
                self.hide(i, j, SuppressionKind.SECONDARY, threshold)
                changed = True


def _population_groups(table: CountTable) -> list[DisclosureWarning]:
    warnings = []
    if len(table.columns) >= 2:
        for i, row in enumerate(table.rows):
            filled = [j for j, n in enumerate(table.counts[i]) if n > 0]
            if len(filled) == 1:
                column = table.columns[filled[0]]
                warnings.append(
                    DisclosureWarning(
                        "sdc.population-group",
                        f"every client with {table.row_dimension} {row!r} has "
                        f"{table.column_dimension} {column!r}",
                        row=row,
                        column=column,
                    )
                )
    if len(table.rows) >= 2:
        for j, column in enumerate(table.columns):
            filled = [i for i in range(len(table.rows)) if table.counts[i][j] > 0]
            if len(filled) == 1:
                row = table.rows[filled[0]]
                warnings.append(
                    DisclosureWarning(
                        "sdc.population-group",
                        f"every client with {table.column_dimension} {column!r} has "
                        f"{table.row_dimension} {row!r}",
                        row=row,
                        column=column,
                    )
                )
    return warnings


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


def protect(
    table: CountTable,
    policy: Policy | None = None,
    *,
    history: ReleaseHistory | None = None,
    on_difference: Literal["suppress", "refuse"] = "suppress",
) -> ReleasedTable:
    """Apply disclosure control to ``table`` and return what may be published.

    Args:
        table: Distinct-client counts.
        policy: :class:`SuppressionPolicy` (the default, threshold 5) or
            :class:`RoundingPolicy`.
        history: Tables already released to the same audience. When given,
            the differencing guard compares ``table`` with every earlier
            table over the same dimensions whose population is nested with
            its own, and the released table is added to the history.
        on_difference: ``"suppress"`` (default) hides the new table's values
            whose difference with an earlier published value is from 1 to
            below the threshold (then suppresses consequentially);
            ``"refuse"`` raises instead.

    Raises:
        DisclosureRefused: ``sdc.differencing``, with ``on_difference="refuse"``.
        DexValueError: an unknown policy or ``on_difference``.
    """
    policy = SuppressionPolicy() if policy is None else policy
    if not isinstance(policy, SuppressionPolicy | RoundingPolicy):
        raise DexValueError("protect: policy must be a SuppressionPolicy or a RoundingPolicy")
    if on_difference not in ("suppress", "refuse"):
        raise DexValueError('protect: on_difference must be "suppress" or "refuse"')
    grid = _Grid(table)
    threshold = policy.threshold
    if isinstance(policy, SuppressionPolicy):
        for i, line in enumerate(grid.true):
            for j, count in enumerate(line):
                if 0 < count < threshold:
                    grid.hide(i, j, SuppressionKind.PRIMARY, threshold)
        if policy.secondary:
            grid.secondary(threshold)
    else:
        grid.published = [[round_count(count, policy) for count in line] for line in grid.true]
    warnings = _population_groups(table)
    if history is not None:
        warnings.extend(_guard_differences(grid, table, history, threshold, on_difference))
    n, m = grid.n_rows, grid.n_columns
    released = ReleasedTable(
        title=table.title,
        row_dimension=table.row_dimension,
        column_dimension=table.column_dimension,
        rows=table.rows,
        columns=table.columns,
        cells=tuple(tuple(grid.published[i][:m]) for i in range(n)),
        row_totals=tuple(grid.published[i][m] for i in range(n)) if table.margins else None,
        column_totals=tuple(grid.published[n][:m]) if table.margins else None,
        total=grid.published[n][m] if table.margins else None,
        policy=policy,
        population=table.population,
        warnings=tuple(warnings),
    )
    if history is not None:
        history.add(released)
    return released
