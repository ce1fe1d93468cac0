"""The disclosure audit's linear programs and the differencing guard's scopes, worked by hand.

The audit's solver (``dexcore.privacy.sdc._lp``) gives the range an attacker can infer for
every hidden cell; each program below is small enough to solve on paper, and the working is
in a comment beside it. The scopes (``dexcore.privacy.sdc._scope``) say which published
values may count the same clients; their constraints are built here from tiny sets of
months, so the expected answers follow from the rules in the module's docstring alone.
"""

from __future__ import annotations

import math

import pytest

from dexcore.privacy.sdc._canonical import TIME
from dexcore.privacy.sdc._lp import (
    Constraint,
    InfeasibleError,
    narrow_variables,
    variable_ranges,
)
from dexcore.privacy.sdc._population import EVERYONE, Population
from dexcore.privacy.sdc._scope import (
    Scope,
    Values,
    hull,
    label_values,
    population_values,
    table_scopes,
    values_apart,
    values_overlap,
    values_within,
)

INF = math.inf


def ranges(n_vars: int, constraints: list[Constraint]) -> list[tuple[float, float]]:
    """``variable_ranges`` with each end rounded to 9 places (the solver works in floats)."""
    return [(round(low, 9), round(high, 9)) for low, high in variable_ranges(n_vars, constraints)]


# -- variable_ranges --------------------------------------------------------------------------


def test_no_constraint_leaves_every_variable_from_zero_to_infinity() -> None:
    # x >= 0 is all that is known.
    assert variable_ranges(3, []) == [(0.0, INF)] * 3
    assert variable_ranges(0, []) == []


def test_one_equation() -> None:
    # x0 + x1 = 5, both >= 0: each is anything from 0 to 5.
    assert ranges(2, [({0: 1, 1: 1}, "=", 5)]) == [(0, 5), (0, 5)]


def test_a_fixed_variable() -> None:
    # x0 = 3 exactly; x1 + x0 = 7 then fixes x1 = 4.
    assert ranges(2, [({0: 1}, "=", 3), ({0: 1, 1: 1}, "=", 7)]) == [(3, 3), (4, 4)]


def test_an_upper_bound() -> None:
    # x0 + x1 = 5 and x0 <= 3: x0 in [0, 3], so x1 = 5 - x0 in [2, 5].
    assert ranges(2, [({0: 1, 1: 1}, "=", 5), ({0: 1}, "<=", 3)]) == [(0, 3), (2, 5)]


def test_two_upper_bounds_each_with_its_own_slack() -> None:
    # x0 <= 3, x1 <= 4, x0 + x1 = 5: x0 = 5 - x1 >= 1 and x1 = 5 - x0 >= 2,
    # so x0 in [1, 3] and x1 in [2, 4].
    constraints: list[Constraint] = [
        ({0: 1}, "<=", 3),
        ({1: 1}, "<=", 4),
        ({0: 1, 1: 1}, "=", 5),
    ]
    assert ranges(2, constraints) == [(1, 3), (2, 4)]


def test_a_lower_bound_written_with_a_negative_right_hand_side() -> None:
    # -x1 <= -2 is x1 >= 2; with x0 + x1 = 5, x1 in [2, 5] and x0 = 5 - x1 in [0, 3].
    assert ranges(2, [({0: 1, 1: 1}, "=", 5), ({1: -1}, "<=", -2)]) == [(0, 3), (2, 5)]


def test_an_equation_with_a_negative_right_hand_side() -> None:
    # -x0 - x1 = -4 is x0 + x1 = 4: each in [0, 4].
    assert ranges(2, [({0: -1, 1: -1}, "=", -4)]) == [(0, 4), (0, 4)]


def test_a_coefficient_other_than_one() -> None:
    # 2 x0 = 5: x0 = 2.5. 2 x1 + x2 = 6: x1 in [0, 3], x2 in [0, 6].
    constraints: list[Constraint] = [({0: 2}, "=", 5), ({1: 2, 2: 1}, "=", 6)]
    assert ranges(3, constraints) == [(2.5, 2.5), (0, 3), (0, 6)]


def test_an_unbounded_variable() -> None:
    # x0 - x1 = 1: x0 = 1 + x1, with x1 anything from 0 up; x0 from 1 up.
    assert ranges(2, [({0: 1, 1: -1}, "=", 1)]) == [(1, INF), (0, INF)]


def test_a_variable_no_constraint_names() -> None:
    # x0 + x1 = 5 says nothing of x2.
    assert ranges(3, [({0: 1, 1: 1}, "=", 5)]) == [(0, 5), (0, 5), (0, INF)]


def test_a_two_by_two_table_with_all_its_margins() -> None:
    # Cells a b / c d; rows 5 and 7, columns 6 and 6 (one equation is redundant: the
    # rows and the columns both add up to 12). b = 5 - a, c = 6 - a, d = 7 - c = 1 + a,
    # and d = 6 - b = 1 + a agrees. a >= 0, b >= 0 gives a <= 5; c = 6 - a >= 1 then,
    # d = 1 + a from 1 to 6. So a, b in [0, 5] and c, d in [1, 6].
    constraints: list[Constraint] = [
        ({0: 1, 1: 1}, "=", 5),
        ({2: 1, 3: 1}, "=", 7),
        ({0: 1, 2: 1}, "=", 6),
        ({1: 1, 3: 1}, "=", 6),
    ]
    assert ranges(4, constraints) == [(0, 5), (0, 5), (1, 6), (1, 6)]


def test_the_same_equation_twice() -> None:
    # The second copy adds nothing: x0 + x1 = 5 alone.
    constraints: list[Constraint] = [({0: 1, 1: 1}, "=", 5), ({0: 1, 1: 1}, "=", 5)]
    assert ranges(2, constraints) == [(0, 5), (0, 5)]


def test_a_three_by_two_table_with_its_row_margins_and_one_column() -> None:
    # Cells a b / c d / e f; rows a+b = 4, c+d = 3, e+f = 5; first column a+c+e = 6.
    # a in [0, 4] (a = 6 - c - e can reach 0 with c = 3, e = 3 ≤ 5 and 4 with c = e = 1);
    # b = 4 - a in [0, 4]; likewise c in [0, 3], d in [0, 3], e in [0, 5], f in [0, 5].
    constraints: list[Constraint] = [
        ({0: 1, 1: 1}, "=", 4),
        ({2: 1, 3: 1}, "=", 3),
        ({4: 1, 5: 1}, "=", 5),
        ({0: 1, 2: 1, 4: 1}, "=", 6),
    ]
    assert ranges(6, constraints) == [(0, 4), (0, 4), (0, 3), (0, 3), (0, 5), (0, 5)]


def test_a_zero_right_hand_side_fixes_its_variables_at_zero() -> None:
    # x0 + x1 = 0 with both >= 0: both are 0; x2 <= 2 leaves x2 in [0, 2].
    constraints: list[Constraint] = [({0: 1, 1: 1}, "=", 0), ({2: 1}, "<=", 2)]
    assert ranges(3, constraints) == [(0, 0), (0, 0), (0, 2)]


@pytest.mark.parametrize(
    "constraints",
    [
        # x0 + x1 = -1 with both >= 0: a sum of non-negatives is never negative.
        [({0: 1, 1: 1}, "=", -1)],
        # x0 <= -1: never, for x0 >= 0.
        [({0: 1}, "<=", -1)],
        # x0 + x1 = 5 and x0 + x1 = 6 contradict each other (by 1).
        [({0: 1, 1: 1}, "=", 5), ({0: 1, 1: 1}, "=", 6)],
        # x0 = 3 and x0 <= 2 contradict each other.
        [({0: 1}, "=", 3), ({0: 1}, "<=", 2)],
        # A row total of 5 over two cells whose columns add to 3 and 1: 4 != 5.
        [({0: 1, 1: 1}, "=", 5), ({0: 1}, "=", 3), ({1: 1}, "=", 1)],
    ],
)
def test_contradictions_are_infeasible(constraints: list[Constraint]) -> None:
    with pytest.raises(InfeasibleError):
        variable_ranges(2, constraints)
    with pytest.raises(InfeasibleError):
        narrow_variables(2, constraints, {0: 1})


def test_a_half_contradiction_is_infeasible() -> None:
    # x0 = 5 and x0 = 5.5 miss each other by a half: far above any rounding error.
    with pytest.raises(InfeasibleError):
        variable_ranges(1, [({0: 1}, "=", 5), ({0: 1}, "=", 5.5)])


def test_a_right_hand_side_between_zero_and_one() -> None:
    # x0 + x1 = 0.5: each from 0 to 0.5 (a positive right-hand side is kept as it is).
    assert ranges(2, [({0: 1, 1: 1}, "=", 0.5)]) == [(0, 0.5), (0, 0.5)]


def test_the_tightest_of_two_upper_bounds_holds() -> None:
    # 2 x0 <= 6 is x0 <= 3, tighter than x0 <= 4, in either order: x0 in [0, 3].
    assert ranges(1, [({0: 1}, "<=", 4), ({0: 2}, "<=", 6)]) == [(0, 3)]
    assert ranges(1, [({0: 2}, "<=", 6), ({0: 1}, "<=", 4)]) == [(0, 3)]
    # 3 x0 + x1 <= 6 and x0 + x1 <= 4: x0 <= 2 (x1 = 0); x1 <= 4 (x0 = 0).
    assert ranges(2, [({0: 3, 1: 1}, "<=", 6), ({0: 1, 1: 1}, "<=", 4)]) == [(0, 2), (0, 4)]


def test_two_equations_that_fix_both_variables() -> None:
    # x0 + x1 = 1 and x0 - x1 = 1: adding them, 2 x0 = 2, so x0 = 1 and x1 = 0. (The
    # solver's first phase ends with a helper variable still basic at zero here; its row
    # must be kept, as the constraint x0 - x1 = 1, not dropped as redundant.)
    assert ranges(2, [({0: 1, 1: 1}, "=", 1), ({0: 1, 1: -1}, "=", 1)]) == [(1, 1), (0, 0)]


def test_a_zero_written_as_minus_a_variable() -> None:
    # -x1 = 0 is x1 = 0; then x0 + x1 <= 1 leaves x0 in [0, 1]. (The first phase ends with
    # the first row's helper variable basic at zero; its row is a real constraint.)
    assert ranges(2, [({1: -1}, "=", 0), ({0: 1, 1: 1}, "<=", 1)]) == [(0, 1), (0, 0)]


def test_a_program_long_enough_for_blands_rule() -> None:
    # The Klee-Minty cube in four dimensions, on which Dantzig's rule visits every corner
    # (Klee and Minty, "How good is the simplex algorithm?", 1972), with z its objective:
    #   x0 <= 5, 4 x0 + x1 <= 25, 8 x0 + 4 x1 + x2 <= 125, 16 x0 + 8 x1 + 4 x2 + x3 <= 625,
    #   z = 8 x0 + 4 x1 + 2 x2 + x3.
    # The origin is feasible, so every minimum is 0. Each x_i reaches its own right-hand
    # side with the others at 0 (x0 = 5, x1 = 25, x2 = 125, x3 = 625), and no more: the
    # other terms are >= 0. z <= 16 x0 + 8 x1 + 4 x2 + x3 <= 625, reached at x3 = 625.
    # Maximising z takes more pivots than the tableau has rows and columns, so the solver
    # finishes with Bland's rule.
    constraints: list[Constraint] = [
        ({0: 1}, "<=", 5),
        ({0: 4, 1: 1}, "<=", 25),
        ({0: 8, 1: 4, 2: 1}, "<=", 125),
        ({0: 16, 1: 8, 2: 4, 3: 1}, "<=", 625),
        ({0: -8, 1: -4, 2: -2, 3: -1, 4: 1}, "=", 0),
    ]
    assert ranges(5, constraints) == [(0, 5), (0, 25), (0, 125), (0, 625), (0, 625)]
    assert narrow_variables(5, constraints, {4: 626}) == [4]
    assert narrow_variables(5, constraints, {4: 625}) == []


def test_a_variable_no_constraint_names_before_one_that_is_fixed() -> None:
    # x1 = 3; x0 appears nowhere, so it is anything from 0 up.
    assert ranges(2, [({1: 1}, "=", 3)]) == [(0, INF), (3, 3)]


def test_a_contradiction_up_to_the_rounding_tolerance_is_not_one() -> None:
    # x0 = 0 and x0 = 1e-7: a gap of 1e-7 is taken as rounding error (the solver's
    # tolerance), so x0 = 0 is accepted; a gap of 1e-6 is a contradiction.
    assert ranges(1, [({0: 1}, "=", 0), ({0: 1}, "=", 1e-7)]) == [(0, 0)]
    with pytest.raises(InfeasibleError):
        variable_ranges(1, [({0: 1}, "=", 0), ({0: 1}, "=", 1e-6)])


# -- narrow_variables -------------------------------------------------------------------------

# The two-by-two table above: a, b in [0, 5] (five whole numbers apart) and c, d in [1, 6].
TWO_BY_TWO: list[Constraint] = [
    ({0: 1, 1: 1}, "=", 5),
    ({2: 1, 3: 1}, "=", 7),
    ({0: 1, 2: 1}, "=", 6),
    ({1: 1, 3: 1}, "=", 6),
]


def test_narrow_when_the_range_is_narrower_than_asked() -> None:
    # Every range is 5 wide: narrower than 6, not narrower than 5.
    assert narrow_variables(4, TWO_BY_TWO, {0: 6, 1: 6, 2: 6, 3: 6}) == [0, 1, 2, 3]
    assert narrow_variables(4, TWO_BY_TWO, {0: 5, 1: 5, 2: 5, 3: 5}) == []
    assert narrow_variables(4, TWO_BY_TWO, {3: 6, 1: 5, 2: 6}) == [3, 2]
    assert narrow_variables(4, TWO_BY_TWO, {}) == []


def test_narrow_variables_without_constraints() -> None:
    # Nothing bounds anything above: no range is narrow.
    assert narrow_variables(2, [], {0: 1000, 1: 1}) == []


def test_a_fixed_variable_is_narrow_for_any_width_above_zero() -> None:
    # x0 = 3: a range of width 0. x1 + x0 = 7: x1 = 4, also width 0. x2 <= 9: width 9.
    constraints: list[Constraint] = [({0: 1}, "=", 3), ({0: 1, 1: 1}, "=", 7), ({2: 1}, "<=", 9)]
    assert narrow_variables(3, constraints, {0: 1, 1: 1, 2: 1}) == [0, 1]
    assert narrow_variables(3, constraints, {2: 9}) == []
    assert narrow_variables(3, constraints, {2: 10}) == [2]
    assert narrow_variables(3, constraints, {0: 0, 1: 0}) == []


def test_an_unbounded_variable_is_never_narrow() -> None:
    # x0 - x1 = 1: both grow without bound.
    assert narrow_variables(2, [({0: 1, 1: -1}, "=", 1)], {0: 10**9, 1: 10**9}) == []
    # With x2 <= 3 besides: x2 is in [0, 3], narrow for 10, whatever came before it.
    constraints: list[Constraint] = [({0: 1, 1: -1}, "=", 1), ({2: 1}, "<=", 3)]
    assert narrow_variables(3, constraints, {0: 10, 1: 10, 2: 10}) == [2]
    assert narrow_variables(3, constraints, {2: 10, 0: 10}) == [2]


def test_the_lower_end_counts_too() -> None:
    # x0 + x1 = 10, x1 <= 4: x0 in [6, 10] (width 4), x1 in [0, 4] (width 4).
    constraints: list[Constraint] = [({0: 1, 1: 1}, "=", 10), ({1: 1}, "<=", 4)]
    assert narrow_variables(2, constraints, {0: 5, 1: 5}) == [0, 1]
    assert narrow_variables(2, constraints, {0: 4, 1: 4}) == []
    assert narrow_variables(2, constraints, {0: 5}) == [0]
    assert narrow_variables(2, constraints, {1: 4}) == []


def test_whole_numbers_inside_a_fractional_range() -> None:
    # x0 + x1 = 2.5 and x1 <= 2: x0 in [0.5, 2.5], holding the whole numbers 1 and 2,
    # so its whole-number range is 1 wide: narrow for 2, not for 1.
    constraints: list[Constraint] = [({0: 1, 1: 1}, "=", 2.5), ({1: 1}, "<=", 2)]
    assert narrow_variables(2, constraints, {0: 2}) == [0]
    assert narrow_variables(2, constraints, {0: 1}) == []


def test_rounding_error_is_tolerated_at_both_ends() -> None:
    # x0 + x1 = 3 - 1e-7 and x1 <= 2 - 2e-7: x0 in [1 + 1e-7, 3 - 1e-7]. Ends that close to
    # whole numbers are rounding error (the tolerance is 1e-6), so x0 is taken to range over
    # 1, 2 and 3: 2 wide, narrow for 3 and not for 2.
    constraints: list[Constraint] = [({0: 1, 1: 1}, "=", 3 - 1e-7), ({1: 1}, "<=", 2 - 2e-7)]
    assert narrow_variables(2, constraints, {0: 3}) == [0]
    assert narrow_variables(2, constraints, {0: 2}) == []


def test_narrow_variables_agrees_with_the_ranges_on_the_three_by_two_table() -> None:
    # The ranges worked above: widths 4, 4, 3, 3, 5, 5.
    constraints: list[Constraint] = [
        ({0: 1, 1: 1}, "=", 4),
        ({2: 1, 3: 1}, "=", 3),
        ({4: 1, 5: 1}, "=", 5),
        ({0: 1, 2: 1, 4: 1}, "=", 6),
    ]
    assert narrow_variables(6, constraints, dict.fromkeys(range(6), 4)) == [2, 3]
    assert narrow_variables(6, constraints, dict.fromkeys(range(6), 5)) == [0, 1, 2, 3]
    assert narrow_variables(6, constraints, dict.fromkeys(range(6), 6)) == list(range(6))


# -- scopes: one constraint at a time ---------------------------------------------------------
#
# A plain constraint is ``(labels,)``; a time is ``(calendar, FY ending, FY starting, text)``:
# the days it covers read three ways, and the canonical text of a label that could not be
# read. Small integers stand for days here; ``(D1, D2, D3, NONE)`` is a time read three ways.


def plain(*labels: str) -> Values:
    return (frozenset(labels),)


def days(*numbers: int) -> frozenset[int | str]:
    return frozenset(numbers)


NONE: frozenset[int | str] = frozenset()


def months(year: int, first: int, count: int) -> frozenset[int | str]:
    """The days of ``count`` months from ``first`` of ``year``, as a time label's readings
    hold them: day ``d`` of month ``m`` is ``(year * 12 + m - 1) * 31 + d - 1``."""
    start = (year * 12 + first - 1) * 31
    return frozenset(range(start, start + count * 31))


def unread(text: str) -> Values:
    """A time label that could not be read: no days, only its text."""
    return (NONE, NONE, NONE, frozenset({text}))


def test_plain_values_within() -> None:
    assert values_within(plain("x"), plain("x", "y"))
    assert values_within(plain("x"), plain("x"))
    assert not values_within(plain("x", "y"), plain("x"))
    assert not values_within(plain("x"), plain("y"))
    # An empty constraint (two filters on one key that never agree) counts no one.
    assert not values_within(plain(), plain("x"))
    assert not values_within(plain(), plain())


def test_time_values_within_in_some_reading() -> None:
    a = (days(1), days(5), days(9), NONE)
    # Within in the calendar reading only.
    assert values_within(a, (days(1, 2), days(6), days(10), NONE))
    # Within in the reading as the financial year ending, only.
    assert values_within(a, (days(2), days(5, 6), days(10), NONE))
    # Within in the reading as the financial year starting, only.
    assert values_within(a, (days(2), days(6), days(9, 10), NONE))
    # In no reading.
    assert not values_within(a, (days(2), days(6), days(10), NONE))
    # Nor the wider in the narrower.
    assert not values_within((days(1, 2), days(6), days(10), NONE), a)


def test_a_time_is_within_itself_unless_it_covers_nothing() -> None:
    a = (days(1), days(5), days(9), NONE)
    assert values_within(a, a)
    assert values_within(a, (days(1), days(5), days(9), NONE))  # equal, not the same object
    empty = (NONE, NONE, NONE, NONE)
    assert not values_within(empty, empty)
    assert not values_within(empty, (NONE, NONE, NONE, NONE))
    assert not values_within(empty, a)
    # A time is the same object as itself only: another time is compared reading by reading.
    assert not values_within(a, (days(2), days(6), days(10), NONE))


def test_an_unread_time_may_lie_within_any_time_and_any_time_within_it() -> None:
    readable = (days(1), days(5), days(9), NONE)
    assert values_within(unread("soon"), readable)
    assert values_within(readable, unread("soon"))
    assert values_within(unread("soon"), unread("soon"))
    assert values_within(unread("soon"), unread("soon")[:])
    # Two different texts: each is just some text, neither read as a time within the other.
    assert not values_within(unread("soon"), unread("later"))
    # An unread time and a time of no days: the latter counts no one.
    assert not values_within(unread("soon"), (NONE, NONE, NONE, NONE))
    assert not values_within((NONE, NONE, NONE, NONE), unread("soon"))


def test_plain_values_overlap() -> None:
    assert values_overlap(plain("x", "y"), plain("y", "z"))
    assert values_overlap(plain("x"), plain("x"))
    assert not values_overlap(plain("x"), plain("y"))
    assert not values_overlap(plain(), plain("y"))


def test_time_values_overlap_in_some_reading() -> None:
    a = (days(1, 2), days(5), days(9), NONE)
    assert values_overlap(a, (days(2, 3), days(6), days(10), NONE))  # calendar
    assert values_overlap(a, (days(3), days(5, 6), days(10), NONE))  # FY ending
    assert values_overlap(a, (days(3), days(6), days(9), NONE))  # FY starting
    assert not values_overlap(a, (days(3), days(6), days(10), NONE))
    # An unread time may share a client with any time that covers some day, either side.
    assert values_overlap(unread("soon"), a)
    assert values_overlap(a, unread("soon"))
    assert values_overlap(unread("soon"), unread("soon"))
    assert not values_overlap(unread("soon"), unread("later"))
    assert not values_overlap(unread("soon"), (NONE, NONE, NONE, NONE))
    assert not values_overlap((NONE, NONE, NONE, NONE), unread("soon"))


def test_plain_values_apart() -> None:
    assert values_apart(plain("x"), plain("y"))
    assert not values_apart(plain("x"), plain("x", "y"))
    # A constraint that counts no one is not "apart": nothing is added up with it.
    assert not values_apart(plain(), plain("y"))
    assert not values_apart(plain("y"), plain())


def test_time_values_apart_in_some_reading() -> None:
    a = (days(1), days(5), days(9), NONE)
    # Apart as financial years starting: 9 and 10 share no day.
    assert values_apart(a, (days(1), days(5), days(10), NONE))
    # Apart as calendar years only.
    assert values_apart(a, (days(2), days(5), days(9), NONE))
    assert not values_apart(a, (days(1), days(5), days(9), NONE))
    # A reading that covers nothing is no reading: it cannot show them apart.
    assert not values_apart((days(1), days(5), NONE, NONE), (days(1), days(5), days(10), NONE))
    assert not values_apart((days(1), days(5), days(10), NONE), (days(1), days(5), NONE, NONE))
    # An unread time may be any time, so it may overlap every time; two texts are apart.
    assert not values_apart(unread("soon"), a)
    assert not values_apart(a, unread("soon"))
    assert values_apart(unread("soon"), unread("later"))
    assert not values_apart(unread("soon"), unread("soon"))


# -- scopes: whole published values -----------------------------------------------------------

O1 = plain("o 1")  # canonical_label("O1"): letters and digits as separate tokens


def test_a_scope_within_another() -> None:
    outlet = Scope({"organisation": O1, "outlet": plain("12")}, {})
    organisation = Scope({"organisation": O1}, {})
    everyone = Scope({}, {})
    assert outlet.within(organisation)
    assert not organisation.within(outlet)  # the outlet's key is not constrained at all
    assert outlet.within(everyone)
    assert organisation.within(organisation)
    assert not everyone.within(organisation)
    other = Scope({"organisation": plain("o 2"), "outlet": plain("12")}, {})
    assert not other.within(organisation)


def test_a_complete_margin_is_as_wide_as_its_population() -> None:
    # The outlets 12 and 13 total of O1, when those are all O1's outlets: ``wide`` says so
    # (None: the population puts no constraint on the outlet), so it may contain outlet 14.
    total = Scope({"organisation": O1, "outlet": plain("12", "13")}, {"outlet": None})
    assert total.outer("outlet") is None
    assert total.outer("organisation") == O1
    assert total.outer("gender") is None
    assert Scope({"organisation": O1, "outlet": plain("14")}, {}).within(total)
    assert Scope({"organisation": O1}, {}).within(total)
    assert not Scope({"organisation": plain("o 2"), "outlet": plain("12")}, {}).within(total)
    # As the narrower scope it is read narrowly: it is within the 12-13-14 outlets.
    assert total.within(Scope({"outlet": plain("12", "13", "14")}, {}))
    assert not total.within(Scope({"outlet": plain("12")}, {}))
    # A margin whose population itself filters on the outlet reads that filter.
    filtered = Scope({"outlet": plain("12")}, {"outlet": plain("12", "13")})
    assert filtered.outer("outlet") == plain("12", "13")
    assert Scope({"outlet": plain("13")}, {}).within(filtered)
    assert not Scope({"outlet": plain("14")}, {}).within(filtered)


def test_scopes_overlap() -> None:
    o1 = Scope({"organisation": O1}, {})
    o2 = Scope({"organisation": plain("o 2")}, {})
    assert not o1.overlaps(o2)
    assert not o2.overlaps(o1)
    assert o1.overlaps(Scope({"organisation": plain("o 1", "o 2")}, {}))
    assert o1.overlaps(Scope({"outlet": plain("12")}, {}))  # no key in common
    assert o1.overlaps(o1)
    # A complete margin over organisations counts every organisation.
    assert o1.overlaps(Scope({"organisation": plain("o 2")}, {"organisation": None}))
    assert Scope({"organisation": plain("o 2")}, {"organisation": None}).overlaps(o1)
    # Its population's own filter is read instead when it has one.
    assert o1.overlaps(Scope({"organisation": plain("o 2")}, {"organisation": O1}))
    assert not o1.overlaps(Scope({"organisation": O1}, {"organisation": plain("o 2")}))
    # All keys in common must overlap, not just one.
    both = Scope({"organisation": O1, "outlet": plain("12")}, {})
    assert not both.overlaps(Scope({"organisation": O1, "outlet": plain("13")}, {}))
    assert not Scope({"organisation": O1, "outlet": plain("13")}, {}).overlaps(both)


def test_scopes_are_equal_by_their_constraints() -> None:
    a = Scope({"organisation": O1}, {})
    assert a == Scope({"organisation": O1}, {})
    assert hash(a) == hash(Scope({"organisation": O1}, {}))
    assert a != Scope({"organisation": O1}, {"organisation": None})
    assert a != Scope({"organisation": plain("o 2")}, {})
    assert a != a.items
    same = a
    assert a == same
    assert len({a, Scope({"organisation": O1}, {}), Scope({}, {})}) == 2


def test_population_values_in_canonical_form() -> None:
    # "Org" is the canonical "organisation"; "Total" (a name meaning everyone) and a filter
    # value meaning everyone ("All") constrain nothing.
    assert population_values([("Org", "O1"), ("Total", "x"), ("gender", "All")]) == {
        "organisation": O1
    }
    # Two filters on one key both apply: a client in O1 and in O2 is no one.
    assert population_values([("org", "O1"), ("organisation", "O2")]) == {"organisation": plain()}
    assert population_values([("org", "O1"), ("organisation", "o1")]) == {"organisation": O1}
    assert population_values([]) == {}


def test_label_values() -> None:
    assert label_values("outlet", "12") == plain("12")
    assert label_values("gender", "F") == plain("female")
    # A time label keeps its text as the fourth item only when it cannot be read.
    assert label_values(TIME, "whenever") == unread("whenever")
    assert len(label_values(TIME, "2024")) == 4


def test_the_scopes_of_a_table_with_margins() -> None:
    # Population colour = red; rows a, b (dimension "row"), columns p, q ("column").
    grid = table_scopes([("colour", "Red")], ("row", "column"), ["a", "b"], ["p", "q"], True)
    red = plain("red")
    assert [len(line) for line in grid] == [3, 3, 3]
    assert grid[0][0] == Scope({"colour": red, "row": plain("a"), "column": plain("p")}, {})
    assert grid[1][1] == Scope({"colour": red, "row": plain("b"), "column": plain("q")}, {})
    # The row total of a: every column label, and the population puts no constraint on
    # "column", so the margin may count anyone of the population with row a.
    assert grid[0][2] == Scope(
        {"colour": red, "row": plain("a"), "column": plain("p", "q")}, {"column": None}
    )
    assert grid[2][1] == Scope(
        {"colour": red, "row": plain("a", "b"), "column": plain("q")}, {"row": None}
    )
    assert grid[2][2] == Scope(
        {"colour": red, "row": plain("a", "b"), "column": plain("p", "q")},
        {"row": None, "column": None},
    )
    without = table_scopes([("colour", "Red")], ("row", "column"), ["a", "b"], ["p", "q"], False)
    assert [len(line) for line in without] == [2, 2]
    assert without[1][0] == Scope({"colour": red, "row": plain("b"), "column": plain("p")}, {})


def test_the_scopes_of_a_table_whose_population_filters_a_dimension() -> None:
    # Population row = a; rows a and b: the cells of row b count no one (a and b at once),
    # and the column totals read the row as the population does (a).
    grid = table_scopes([("row", "a")], ("row", "column"), ["a", "b"], ["x"], True)
    assert grid[0][0] == Scope({"row": plain("a"), "column": plain("x")}, {})
    assert grid[1][0] == Scope({"row": plain(), "column": plain("x")}, {})
    assert grid[2][0] == Scope({"row": plain("a"), "column": plain("x")}, {"row": plain("a")})
    assert grid[2][1] == Scope(
        {"row": plain("a"), "column": plain("x")}, {"row": plain("a"), "column": None}
    )


def test_a_label_meaning_everyone_constrains_nothing() -> None:
    # Row "Total" is everyone: its cells and the column totals do not constrain the row
    # (a margin over labels not all known is no constraint either).
    grid = table_scopes([], ("row", "column"), ["a", "Total"], ["x"], True)
    assert grid[0][0] == Scope({"row": plain("a"), "column": plain("x")}, {})
    assert grid[1][0] == Scope({"column": plain("x")}, {})
    assert grid[2][0] == Scope({"column": plain("x")}, {})
    assert grid[0][1] == Scope({"row": plain("a"), "column": plain("x")}, {"column": None})
    # A dimension named for everyone ("Total") constrains nothing at all.
    flat = table_scopes([], ("Total", "column"), ["a"], ["x"], False)
    assert flat == [[Scope({"column": plain("x")}, {})]]


def test_the_hull_of_a_table() -> None:
    assert hull([]) is None
    assert hull([[]]) is None
    cell = Scope({"organisation": O1, "outlet": plain("12")}, {})
    total = Scope(
        {"organisation": O1, "outlet": plain("12", "13"), "gender": plain("female")},
        {"outlet": None, "gender": None},
    )
    # Keys all constrain: organisation and outlet; each the union; the wide reading of the
    # outlet from the margin (gender, not constrained by the cell, is left out).
    assert hull([[cell], [total]]) == Scope(
        {"organisation": O1, "outlet": plain("12", "13")}, {"outlet": None}
    )
    assert hull([[cell]]) == cell
    # Times are joined reading by reading, text too.
    first = Scope({TIME: (days(1), days(5), days(9), NONE)}, {})
    second = Scope({TIME: (days(2), days(6), NONE, frozenset({"t"}))}, {})
    assert hull([[first, second]]) == Scope(
        {TIME: (days(1, 2), days(5, 6), days(9), frozenset({"t"}))}, {}
    )


def test_two_time_filters_meet_reading_by_reading() -> None:
    # Filters "year 2024" and "half H1" (both times) apply together. Calendar: January to
    # June 2024. Financial year ending in 2024 (July 2023 to June 2024) and its first half:
    # July to December 2023. Starting in 2024 (July 2024 to June 2025): July to December
    # 2024. A day is (year * 12 + month - 1) * 31 + day - 1 (every month 31 slots).
    def months(year: int, first: int, count: int) -> frozenset[int | str]:
        start = (year * 12 + first - 1) * 31
        return frozenset(range(start, start + count * 31))

    values = population_values([("year", "2024"), ("half", "H1")])
    assert values == {TIME: (months(2024, 1, 6), months(2023, 7, 6), months(2024, 7, 6), NONE)}
    # A time that cannot be read constrains no reading: the readable one's days are kept,
    # with the text.
    kept = population_values([("year", "2024"), ("period", "whenever")])
    assert kept == {
        TIME: (
            months(2024, 1, 12),
            months(2023, 7, 12),
            months(2024, 7, 12),
            frozenset({"whenever"}),
        )
    }
    assert population_values([("period", "whenever"), ("year", "2024")]) == kept
    # Two unread texts: both apply, and no text is both.
    assert population_values([("period", "whenever"), ("period", "soon")]) == {
        TIME: (NONE, NONE, NONE, NONE)
    }


# -- populations ------------------------------------------------------------------------------


def test_population_filters_are_sorted_text() -> None:
    assert Population({"b": "2", "a": 1}).filters == (("a", "1"), ("b", "2"))  # type: ignore[arg-type]
    assert Population([("b", "2"), ("a", "1")]).filters == (("a", "1"), ("b", "2"))
    assert Population().filters == ()
    assert EVERYONE.filters == ()
    assert Population([("b", "2"), ("a", "1")]).describe() == {"a": "1", "b": "2"}


def test_populations_nest() -> None:
    o1 = Population({"org": "O1"})
    outlet = Population({"organisation": "o1", "outlet": "12"})
    assert outlet.within(o1)
    assert not o1.within(outlet)
    assert o1.within(EVERYONE)
    assert not EVERYONE.within(o1)
    assert EVERYONE.within(EVERYONE)
    assert not Population({"org": "O2", "outlet": "12"}).within(o1)


def test_a_filter_named_financial_year_reads_a_bare_year_as_one() -> None:
    # "financial year 2024": the year ending in June 2024 (July 2023 to June 2024), or the
    # one starting in 2024 (the third reading); never the calendar year.
    ending, starting = months(2023, 7, 12), months(2024, 7, 12)
    assert population_values([("financial year", "2024")]) == {
        TIME: (ending, ending, starting, NONE)
    }
    assert label_values(TIME, "2024", "fy") == (ending, ending, starting, NONE)
    # Unnamed, a bare year may be any of the three.
    assert label_values(TIME, "2024") == (months(2024, 1, 12), ending, starting, NONE)
    # The same for the labels of a table's dimension so named.
    grid = table_scopes([], ("financial year", "column"), ["2024"], ["p"], False)
    assert grid == [[Scope({TIME: (ending, ending, starting, NONE), "column": plain("p")}, {})]]


def test_filters_on_one_time_that_never_meet_count_no_one() -> None:
    # Years 2024 and 2025 share no day in any reading (calendar: 2024 / 2025; ending:
    # July 2023 - June 2024 / July 2024 - June 2025; starting: a year later each), and a
    # third filter (every first half) cannot bring any day back.
    values = population_values([("year", "2024"), ("period", "2025"), ("half", "H1")])
    assert values == {TIME: (NONE, NONE, NONE, NONE)}


def test_a_margin_over_a_readable_and_an_unread_time() -> None:
    # Population year 2024; rows 2024-H1 (January to June 2024 in every reading) and
    # "whenever" (unread). The column total of the rows covers January to June 2024, or
    # "whenever". Met with the population's year reading by reading: calendar 2024 and
    # July 2023 - June 2024 both hold January to June 2024; July 2024 - June 2025 holds
    # none of it. The text stays, the population giving none.
    grid = table_scopes(
        [("year", "2024")], ("period", "column"), ["2024-H1", "whenever"], ["p"], True
    )
    half = months(2024, 1, 6)
    year = (months(2024, 1, 12), months(2023, 7, 12), months(2024, 7, 12), NONE)
    assert grid[0][0].values[TIME] == (half, half, NONE, NONE)
    assert grid[1][0].values[TIME] == (*year[:3], frozenset({"whenever"}))
    assert grid[2][0] == Scope(
        {TIME: (half, half, NONE, frozenset({"whenever"})), "column": plain("p")},
        {TIME: year},
    )


def test_the_column_totals_of_a_table_whose_population_filters_the_columns() -> None:
    # Population column = p; columns p and q: the row totals read the column as p.
    grid = table_scopes([("column", "p")], ("row", "column"), ["a"], ["p", "q"], True)
    assert grid[0][1] == Scope({"row": plain("a"), "column": plain()}, {})
    assert grid[0][2] == Scope({"row": plain("a"), "column": plain("p")}, {"column": plain("p")})
    assert grid[1][2] == Scope(
        {"row": plain("a"), "column": plain("p")}, {"row": None, "column": plain("p")}
    )
