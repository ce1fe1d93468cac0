"""A small linear-programming solver: the feasible range of each variable of a count table.

The protection audit asks, for every hidden cell, the smallest and the
largest value it can take given everything published. That is two linear
programs per hidden cell over the same constraints, so the solver finds a
feasible basis once (phase one) and then optimises each objective from the
basis the previous one ended in (phase two, warm-started).

It is a dense tableau simplex on floating-point numbers: Dantzig's rule
chooses the entering column, and Bland's rule, which cannot cycle, takes
over when a program runs long. The audit's quick form
(:func:`narrow_variables`) also keeps every point the solver visits: a
variable already seen at two values far enough apart needs no program.

The problems it meets are small (one variable per hidden cell, one or two
constraints per published line) with coefficients
of 0 and ±1 and integer right-hand sides, where rounding error stays far
below the tolerance; the audit rounds bounds inward to whole numbers only
after adding that tolerance back. SciPy's HiGHS solver is the independent
check in the test suite; it is not needed at run time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

#: Values closer than this to zero count as zero.
EPS = 1e-9

#: One constraint: coefficients by variable index, ``"="`` or ``"<="``, right-hand side.
Constraint = tuple[Mapping[int, float], str, float]


class InfeasibleError(Exception):
    """The constraints admit no solution: the published table contradicts itself."""


class _Tableau:
    """Rows ``T[r] · x = b[r]`` with ``x >= 0``, in the basis ``basis[r]``."""

    def __init__(self, n_vars: int, constraints: Sequence[Constraint]) -> None:
        n_slacks = sum(1 for _, sense, _ in constraints if sense == "<=")
        width = n_vars + n_slacks + len(constraints)
        self.rows: list[list[float]] = []
        self.rhs: list[float] = []
        self.basis: list[int] = []
        self.artificial_from = n_vars + n_slacks
        slack = n_vars
        for r, (coefficients, sense, right) in enumerate(constraints):
            value = right
            row = [0.0] * width
            for k, a in coefficients.items():
                row[k] = float(a)
            if sense == "<=":
                row[slack] = 1.0
                slack += 1
            if value < 0:
                row = [-a for a in row]
                value = -value
            row[self.artificial_from + r] = 1.0
            self.rows.append(row)
            self.rhs.append(float(value))
            self.basis.append(self.artificial_from + r)

    def pivot(self, r: int, j: int, reduced: list[float] | None = None) -> None:
        """Make column ``j`` basic in row ``r``, updating the reduced costs when given."""
        pivot_row = self.rows[r]
        scale = pivot_row[j]
        pivot_row[:] = [a / scale for a in pivot_row]
        self.rhs[r] /= scale
        for s, row in enumerate(self.rows):
            factor = row[j]
            if s != r and abs(factor) > EPS:
                row[:] = [a - factor * p for a, p in zip(row, pivot_row, strict=True)]
                self.rhs[s] -= factor * self.rhs[r]
        if reduced is not None:
            factor = reduced[j]
            reduced[:] = [a - factor * p for a, p in zip(reduced, pivot_row, strict=False)]
        self.basis[r] = j

    def minimise(self, cost: Mapping[int, float], columns: int) -> float | None:
        """Minimise ``cost · x`` over the first ``columns`` columns; ``None`` when unbounded.

        Dantzig's rule (the most negative reduced cost) chooses the entering
        column; after as many pivots as the tableau has rows and columns,
        Bland's rule (the first negative) takes over, which cannot cycle.
        """
        reduced = self._reduced_costs(cost, columns)
        patience = len(self.rows) + columns
        while True:
            if patience > 0:
                patience -= 1
                entering = min(range(columns), key=reduced.__getitem__)
                if reduced[entering] >= -EPS:
                    break
            else:
                found = next((j for j in range(columns) if reduced[j] < -EPS), None)
                if found is None:
                    break
                entering = found
            leaving = self._ratio_test(entering)
            if leaving is None:
                return None
            self.pivot(leaving, entering, reduced)
        return sum(c * self._value(k) for k, c in cost.items())

    def _reduced_costs(self, cost: Mapping[int, float], columns: int) -> list[float]:
        reduced = [cost.get(j, 0.0) for j in range(columns)]
        for r, k in enumerate(self.basis):
            c = cost.get(k, 0.0)
            if c:
                row = self.rows[r]
                reduced = [a - c * b for a, b in zip(reduced, row, strict=False)]
        return reduced

    def _ratio_test(self, j: int) -> int | None:
        best: tuple[float, int, int] | None = None
        for r, row in enumerate(self.rows):
            if row[j] > EPS:
                candidate = (self.rhs[r] / row[j], self.basis[r], r)
                if best is None or candidate[:2] < best[:2]:
                    best = candidate
        return None if best is None else best[2]

    def point(self, n_vars: int) -> list[float]:
        """The current basic solution's first ``n_vars`` values."""
        values = [0.0] * n_vars
        for r, basic in enumerate(self.basis):
            if basic < n_vars:
                values[basic] = self.rhs[r]
        return values

    def _value(self, k: int) -> float:
        for r, basic in enumerate(self.basis):
            if basic == k:
                return self.rhs[r]
        return 0.0

    def drop_artificials(self) -> None:
        """After phase one: pivot artificials out of the basis, or drop their redundant rows."""
        keep = []
        for r, basic in enumerate(self.basis):
            if basic < self.artificial_from:
                keep.append(r)
                continue
            row = self.rows[r]
            j = next((j for j in range(self.artificial_from) if abs(row[j]) > EPS), None)
            if j is not None:
                self.pivot(r, j)
                keep.append(r)
        self.rows = [self.rows[r][: self.artificial_from] for r in keep]
        self.rhs = [self.rhs[r] for r in keep]
        self.basis = [self.basis[r] for r in keep]


def _feasible_tableau(n_vars: int, constraints: Sequence[Constraint]) -> _Tableau:
    tableau = _Tableau(n_vars, constraints)
    width = len(tableau.rows[0])
    phase_one = dict.fromkeys(range(tableau.artificial_from, width), 1.0)
    infeasibility = tableau.minimise(phase_one, width)
    if infeasibility is None or infeasibility > 1e-7:
        raise InfeasibleError
    tableau.drop_artificials()
    return tableau


def variable_ranges(n_vars: int, constraints: Sequence[Constraint]) -> list[tuple[float, float]]:
    """The smallest and largest value of every variable ``x_k >= 0`` under ``constraints``.

    The largest is ``math.inf`` when nothing bounds it.

    Raises:
        InfeasibleError: no ``x >= 0`` satisfies the constraints.
    """
    if not constraints:
        return [(0.0, math.inf)] * n_vars
    tableau = _feasible_tableau(n_vars, constraints)
    columns = tableau.artificial_from
    ranges = []
    for k in range(n_vars):
        low = tableau.minimise({k: 1.0}, columns)
        assert low is not None  # narrowing: x_k >= 0 bounds its minimum, never unbounded
        high = tableau.minimise({k: -1.0}, columns)
        ranges.append((low, math.inf if high is None else -high))
    return ranges


def _whole_width(low: float, high: float) -> float:
    """The width of ``[low, high]`` once both ends are rounded inward to whole numbers."""
    if high == math.inf:
        return math.inf
    return math.floor(high + 1e-6) - math.ceil(low - 1e-6)


def narrow_variables(
    n_vars: int, constraints: Sequence[Constraint], widths: Mapping[int, int]
) -> list[int]:
    """The variables ``k`` of ``widths`` whose whole-number range is narrower than ``widths[k]``.

    Cheaper than :func:`variable_ranges`: every solution the solver visits
    is a feasible point, so a variable already seen at two values far
    enough apart needs no program of its own.

    Raises:
        InfeasibleError: no ``x >= 0`` satisfies the constraints.
    """
    if not constraints:
        return []
    tableau = _feasible_tableau(n_vars, constraints)
    columns = tableau.artificial_from
    seen_low = tableau.point(n_vars)
    seen_high = list(seen_low)

    def observe() -> None:
        for k, value in enumerate(tableau.point(n_vars)):
            seen_low[k] = min(seen_low[k], value)
            seen_high[k] = max(seen_high[k], value)

    narrow = []
    for k, width in widths.items():
        for cost in ({k: -1.0}, {k: 1.0}):
            if _whole_width(seen_low[k], seen_high[k]) >= width:
                break
            if tableau.minimise(cost, columns) is None:
                seen_high[k] = math.inf
                break
            observe()
        else:
            if _whole_width(seen_low[k], seen_high[k]) < width:
                narrow.append(k)
    return narrow
