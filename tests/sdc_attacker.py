"""An attacker on released count tables, written independently of dexcore's own audit.

It reads only what is published (a :class:`ReleasedTable`) and what the
attacker is assumed to know besides: which lines add up (from the meaning of
the labels), that hidden counts are at least 1 (zeros are published) and
whole. It then asks SciPy's HiGHS solver for the smallest and largest value
of every hidden count: as a linear program (``integer=False``), which is
exact for tables whose lines add up (a transportation problem), or as an
integer program (``integer=True``), the strongest attacker.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from dexcore.privacy.sdc import CountTable, ReleasedTable, Suppressed

Position = tuple[int, int]


def additive_table(cells: list[list[int]]) -> CountTable:
    """A table in which every client falls in exactly one cell, so every line adds up."""
    n, m = len(cells), len(cells[0])
    return CountTable(
        title="t",
        row_dimension="row",
        column_dimension="column",
        rows=tuple(f"r{i}" for i in range(n)),
        columns=tuple(f"c{j}" for j in range(m)),
        counts=tuple(tuple(line) for line in cells),
        row_totals=tuple(sum(line) for line in cells),
        column_totals=tuple(sum(cells[i][j] for i in range(n)) for j in range(m)),
        total=sum(map(sum, cells)),
    )


def published_grid(table: ReleasedTable) -> list[list[int | Suppressed]]:
    """Cells with their row totals, then the column totals and the total, as one matrix."""
    assert table.row_totals is not None
    assert table.column_totals is not None
    assert table.total is not None
    rows: list[list[int | Suppressed]] = [
        [*line, table.row_totals[i]] for i, line in enumerate(table.cells)
    ]
    rows.append([*table.column_totals, table.total])
    return rows


def lines_of(height: int, width: int) -> list[list[Position]]:
    """Every row and column of the matrix; the last member of each is its margin."""
    return [[(i, j) for j in range(width)] for i in range(height)] + [
        [(i, j) for i in range(height)] for j in range(width)
    ]


def dss_rounding_range(published: int) -> tuple[int, int]:
    """The counts DSS's rounding shows as ``published``: 0 is 0, 5 is 1-7, else within 2."""
    if published == 0:
        return 0, 0
    if published == 5:
        return 1, 7
    return published - 2, published + 2


def feasible_ranges(
    table: ReleasedTable,
    *,
    additive: list[bool] | None = None,
    integer: bool = False,
    rounded: bool = False,
    bounds: dict[Position, tuple[float, float]] | None = None,
) -> dict[Position, tuple[float, float]]:
    """The attacker's bounds for every hidden value, ``math.inf`` when unbounded.

    Args:
        table: What was published.
        additive: Per line of :func:`lines_of`, whether the attacker knows it
            adds up (cells sum to the margin); by default every line does.
            A line that does not add up still tells the attacker that each
            cell is at most the margin and that the cells sum to more than it.
        integer: Solve as an integer program.
        rounded: The table was rounded by DSS's rule: every non-zero shown
            value stands for the range :func:`dss_rounding_range` gives, and
            is bounded like a hidden one.
        bounds: What the attacker knows of some hidden values besides (such
            as ``(1, 4)`` for a value labelled ``<5``); others are at least 1.
    """
    grid = published_grid(table)
    hidden = [
        (i, j)
        for i, line in enumerate(grid)
        for j, v in enumerate(line)
        if isinstance(v, Suppressed) or (rounded and v != 0)
    ]
    if not hidden:
        return {}
    index = {p: k for k, p in enumerate(hidden)}
    lines = lines_of(len(grid), len(grid[0]))
    flags = additive if additive is not None else [True] * len(lines)
    equalities: list[tuple[np.ndarray, float]] = []
    at_most: list[tuple[np.ndarray, float]] = []

    def linear(terms: list[tuple[Position, float]]) -> tuple[np.ndarray, float]:
        vector, constant = np.zeros(len(hidden)), 0.0
        for (i, j), sign in terms:
            value = grid[i][j]
            if (i, j) in index:
                vector[index[(i, j)]] += sign
            else:
                assert not isinstance(value, Suppressed)
                constant += sign * value
        return vector, constant

    for line, adds_up in zip(lines, flags, strict=True):
        *inner, margin = line
        vector, constant = linear([(p, 1.0) for p in inner] + [(margin, -1.0)])
        if not vector.any():
            continue
        if adds_up:
            equalities.append((vector, -constant))
            continue
        at_most.append((-vector, constant - 1.0))  # the cells add up to more than the margin
        for p in inner:
            cell, cell_constant = linear([(p, 1.0), (margin, -1.0)])
            if cell.any():
                at_most.append((cell, -cell_constant))
    known = bounds or {}
    for p in hidden:
        if p not in known and not rounded:
            vector = np.zeros(len(hidden))
            vector[index[p]] = 1.0
            at_most.append((-vector, -1.0))
    for p, (low, high) in known.items():
        vector = np.zeros(len(hidden))
        vector[index[p]] = 1.0
        at_most.append((-vector, -low))
        if high != math.inf:
            at_most.append((vector, high))
    if rounded:
        for (i, j), k in index.items():
            value = grid[i][j]
            assert isinstance(value, int)
            vector = np.zeros(len(hidden))
            vector[k] = 1.0
            low, high = dss_rounding_range(value)
            at_most.extend([(vector, float(high)), (-vector, float(-low))])
    return {p: _bounds(k, len(hidden), equalities, at_most, integer) for p, k in index.items()}


def _bounds(
    k: int,
    n: int,
    equalities: list[tuple[np.ndarray, float]],
    at_most: list[tuple[np.ndarray, float]],
    integer: bool,
) -> tuple[float, float]:
    found = []
    for sign in (1.0, -1.0):
        cost = np.zeros(n)
        cost[k] = sign
        value = _solve(cost, equalities, at_most, integer)
        found.append(value if value is None else sign * value)
    low, high = found
    assert low is not None, "the attacker's problem is infeasible: the table contradicts itself"
    return low, math.inf if high is None else high


def _solve(
    cost: np.ndarray,
    equalities: list[tuple[np.ndarray, float]],
    at_most: list[tuple[np.ndarray, float]],
    integer: bool,
) -> float | None:
    n = len(cost)
    if integer:
        constraints = []
        if equalities:
            matrix = np.array([v for v, _ in equalities])
            rhs = np.array([b for _, b in equalities])
            constraints.append(LinearConstraint(matrix, rhs, rhs))
        if at_most:
            matrix = np.array([v for v, _ in at_most])
            constraints.append(LinearConstraint(matrix, -np.inf, np.array([b for _, b in at_most])))
        # HiGHS's presolve has given wrong integer optima on such tables: solve without it.
        result = milp(
            cost,
            constraints=constraints,
            integrality=np.ones(n),
            bounds=Bounds(0, np.inf),
            options={"presolve": False},
        )
    else:
        result = linprog(
            cost,
            A_eq=np.array([v for v, _ in equalities]) if equalities else None,
            b_eq=np.array([b for _, b in equalities]) if equalities else None,
            A_ub=np.array([v for v, _ in at_most]) if at_most else None,
            b_ub=np.array([b for _, b in at_most]) if at_most else None,
            bounds=[(0, None)] * n,
            method="highs",
        )
    if result.status == 3:  # unbounded
        return None
    if integer and result.status == 4:  # HiGHS: "infeasible or unbounded"
        relaxed = _solve(cost, equalities, at_most, integer=False)
        assert relaxed is None, "the integer program failed on a bounded table"
        return None
    assert result.status == 0, result.message
    return float(result.fun)
