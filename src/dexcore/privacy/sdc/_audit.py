"""The protection audit: how far an attacker can narrow each value a released table hides.

The attacker of this audit knows everything published: every shown cell and
margin, which values are hidden, the policy, and what the labels mean. From
the meaning of the labels they know how a line adds up. When each client
falls in one category of a line (a client has one gender), the line's cells
add up to its margin; when a client may fall in several (a client may attend
two outlets), each cell is at most the margin and the cells add up to at
least the margin. The audit gives the attacker the strongest of these that
is true of the table: every line whose cells add up to its margin is an
equation, and of the others the attacker knows that each cell is at most
the margin and that the cells add up to more than it. The attacker also knows that
counts are whole numbers, that zeros are published (a hidden count is at
least 1, unless the differencing guard hid a zero) and, under rounding, the
range of counts each published multiple stands for.

From those linear constraints, a linear program gives the smallest and the
largest value of every unknown count. For tables whose lines add up, the
constraints form a transportation problem, whose extreme points are whole
numbers (the matrix is totally unimodular), so the linear bounds are exactly
the bounds an integer attacker reaches.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from dexcore.errors import DisclosureRefused
from dexcore.privacy.sdc._cells import Suppressed
from dexcore.privacy.sdc._lp import Constraint, InfeasibleError, narrow_variables, variable_ranges

#: A position in the grid of cells and margins: ``(row, column)``.
Position = tuple[int, int]

#: The range of values a count may take: ``(low, high)``; ``high`` is ``None`` when unbounded.
Range = tuple[int, int | None]

#: Slack added before rounding a floating-point bound inward to a whole number.
_ROUNDING_SLACK = 1e-6


def known_ranges(
    true: list[list[int]],
    published: Sequence[Sequence[object]],
    rounded_range: Callable[[int], tuple[int, int]] | None,
) -> dict[Position, tuple[int, float]]:
    """What the attacker knows of each value before combining lines: its own range.

    A shown count under suppression is exact; under rounding it stands for
    the range of counts that round to it; a hidden count is at least 1 (0
    when it is a hidden zero) with no upper bound.
    """
    known: dict[Position, tuple[int, float]] = {}
    for i, line in enumerate(published):
        for j, value in enumerate(line):
            if isinstance(value, Suppressed):
                known[(i, j)] = (1 if true[i][j] > 0 else 0, math.inf)
            elif rounded_range is not None:
                known[(i, j)] = rounded_range(int(str(value)))
            else:
                count = int(str(value))
                known[(i, j)] = (count, count)
    return known


def _line_constraints(
    line: list[Position],
    true: list[list[int]],
    known: dict[Position, tuple[int, float]],
    index: dict[Position, int],
) -> list[Constraint]:
    """The constraints one published line gives, over the unknowns ``y = x - low``."""
    *inner, margin = line

    def expression(signs: dict[Position, float]) -> tuple[dict[int, float], float]:
        coefficients: dict[int, float] = {}
        constant = 0.0
        for p, sign in signs.items():
            constant += sign * known[p][0]
            if p in index:
                coefficients[index[p]] = coefficients.get(index[p], 0.0) + sign
        return coefficients, constant

    # sum(inner) - margin, as coefficients over y plus a constant.
    signs = dict.fromkeys(inner, 1.0)
    signs[margin] = -1.0
    coefficients, constant = expression(signs)
    if not coefficients:
        return []
    if sum(true[i][j] for i, j in inner) == true[margin[0]][margin[1]]:
        return [(coefficients, "=", -constant)]
    # The cells of a line that does not add up sum to more than its margin (at least 1 more):
    # an attacker who knows which lines add up knows that too.
    constraints: list[Constraint] = [({k: -a for k, a in coefficients.items()}, "<=", constant - 1)]
    for p in inner:
        cell, cell_constant = expression({p: 1.0, margin: -1.0})
        if cell:
            constraints.append((cell, "<=", -cell_constant))
    return constraints


def _problem(
    true: list[list[int]],
    known: dict[Position, tuple[int, float]],
    lines: list[list[Position]],
) -> tuple[list[Position], list[Constraint]]:
    """The unknown values and the constraints on them (``y = x - low``, ``y >= 0``)."""
    unknown = [p for p, (low, high) in sorted(known.items()) if high > low]
    index = {p: k for k, p in enumerate(unknown)}
    constraints: list[Constraint] = []
    for line in lines:
        constraints.extend(_line_constraints(line, true, known, index))
    for p, k in index.items():
        low, high = known[p]
        if high != math.inf:
            constraints.append(({k: 1.0}, "<=", high - low))
    return unknown, constraints


def _inconsistent() -> DisclosureRefused:
    return DisclosureRefused(
        "sdc.audit-failed",
        "the protection audit found the table inconsistent with its own margins, so it "
        "is not released; check that margins count the same clients as the cells",
    )


def feasible_ranges(
    true: list[list[int]],
    known: dict[Position, tuple[int, float]],
    lines: list[list[Position]],
) -> dict[Position, Range]:
    """The whole-number range every unknown value can take, given all published lines.

    Raises:
        DisclosureRefused: ``sdc.audit-failed`` when the audit cannot be
            completed (a table that contradicts itself); the table is not
            released unaudited.
    """
    unknown, constraints = _problem(true, known, lines)
    try:
        ranges = variable_ranges(len(unknown), constraints)
    except InfeasibleError:
        raise _inconsistent() from None
    result: dict[Position, Range] = {}
    for p, (smallest, largest) in zip(unknown, ranges, strict=True):
        base = known[p][0]
        result[p] = (
            base + math.ceil(smallest - _ROUNDING_SLACK),
            None if largest == math.inf else base + math.floor(largest + _ROUNDING_SLACK),
        )
    return result


def too_narrow(
    true: list[list[int]],
    known: dict[Position, tuple[int, float]],
    lines: list[list[Position]],
    widths: dict[Position, int],
) -> list[Position]:
    """The positions of ``widths`` whose whole-number range is narrower than asked.

    Raises:
        DisclosureRefused: ``sdc.audit-failed``, as :func:`feasible_ranges`.
    """
    unknown, constraints = _problem(true, known, lines)
    index = {p: k for k, p in enumerate(unknown)}
    wanted = {index[p]: w for p, w in widths.items() if p in index}
    try:
        narrow = narrow_variables(len(unknown), constraints, wanted)
    except InfeasibleError:
        raise _inconsistent() from None
    return [unknown[k] for k in narrow]
