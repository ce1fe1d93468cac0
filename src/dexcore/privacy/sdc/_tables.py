"""Distinct-client count tables, from contributions or from a dataset by two dimensions."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping

import attrs

from dexcore.errors import DexKeyError, DexValueError
from dexcore.model import Case, Client, Dataset, Session
from dexcore.periods import ReportingPeriod, period_of
from dexcore.privacy._groups import GROUP_LABELS, group_label
from dexcore.privacy.sdc._population import EVERYONE, Population


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
    population: Population = EVERYONE
    margins: bool = True

    def __attrs_post_init__(self) -> None:
        problem = _shape_problem(self)
        if problem is not None:
            raise DexValueError(f"CountTable: {problem} [sdc.bad-table]")

    def count(self, row: str, column: str) -> int:
        """The count in one cell.

        Raises:
            DexKeyError: no such row or column.
        """
        return self.counts[_index(self.rows, row, "row")][_index(self.columns, column, "column")]


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _shape_problem(table: CountTable) -> str | None:
    """What is wrong with a table built by hand, if anything: shapes, then the counts."""
    n, m = len(table.rows), len(table.columns)
    if len(table.counts) != n or any(len(line) != m for line in table.counts):
        return f"counts must have {n} row(s) of {m} count(s), one per row and column label"
    if len(table.row_totals) != n or len(table.column_totals) != m:
        return "row_totals and column_totals must have one count per row and per column"
    values = [v for line in table.counts for v in line]
    values += [*table.row_totals, *table.column_totals, table.total]
    if not all(_is_count(v) for v in values):
        return "every count and total must be a whole number of at least 0"
    return None


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
    population: Population | Mapping[str, str] = EVERYONE,
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
    population: Population | Mapping[str, str] = EVERYONE,
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
