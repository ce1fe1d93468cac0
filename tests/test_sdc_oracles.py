"""Small-cell suppression on tables worked by hand: what is hidden, and what is not.

The rule (docs/howto/privacy.md): counts from 1 to ``threshold - 1`` are hidden; zeros and counts
of ``threshold`` or more are published unless a hidden count must be protected by hiding
more. Each expected table is written out by hand.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

from dexcore.errors import DexKeyError, DexValueError, DisclosureRefused
from dexcore.io import dataset_from_json
from dexcore.model import Dataset
from dexcore.periods import ReportingPeriod
from dexcore.privacy._groups import GROUP_LABELS
from dexcore.privacy.sdc import (
    BY_ATSI,
    BY_GENDER,
    BY_OUTLET,
    BY_PERIOD,
    CountTable,
    Dimension,
    ProtectionSummary,
    ReleasedTable,
    RoundingPolicy,
    Suppressed,
    SuppressionKind,
    SuppressionPolicy,
    count_clients,
    count_table,
    protect,
    round_count,
)
from dexcore.privacy.sdc._audit import known_ranges
from dexcore.privacy.sdc._grid import _Grid
from dexcore.privacy.sdc._tables import _group

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example-dataset.json"
H2 = ReportingPeriod.parse("2024-H2")

NP = "n.p."


def table(counts: list[list[int]], *, margins: bool = True) -> CountTable:
    """A table whose cells hold ``counts``, each cell with clients of its own."""
    contributions = [
        (f"{i}-{j}-{k}", f"r{i}", f"c{j}")
        for i, line in enumerate(counts)
        for j, n in enumerate(line)
        for k in range(n)
    ]
    return count_clients(
        contributions,
        title="hand-worked",
        row_dimension="row",
        column_dimension="column",
        rows=[f"r{i}" for i in range(len(counts))],
        columns=[f"c{j}" for j in range(len(counts[0]))],
        population={},
        margins=margins,
    )


def shown(released: ReleasedTable) -> list[list[object]]:
    """The published table with its margins, hidden values as ``n.p.``."""

    def text(value: object) -> object:
        return NP if isinstance(value, Suppressed) else value

    cells = [[text(v) for v in line] for line in released.cells]
    if released.row_totals is None or released.column_totals is None:
        return cells
    rows = [[*line, text(released.row_totals[i])] for i, line in enumerate(cells)]
    return [*rows, [*(text(v) for v in released.column_totals), text(released.total)]]


@pytest.mark.parametrize(
    ("counts", "threshold", "expected"),
    [
        # A count equal to the threshold is not small: nothing to hide.
        ([[5, 7], [8, 9]], 5, [[5, 7, 12], [8, 9, 17], [13, 16, 29]]),
        ([[10, 30], [40, 50]], 10, [[10, 30, 40], [40, 50, 90], [50, 80, 130]]),
        ([[2, 3], [4, 6]], 2, [[2, 3, 5], [4, 6, 10], [6, 9, 15]]),
        # Zeros are published, never hidden, and need no protection.
        ([[0, 7], [8, 0]], 5, [[0, 7, 7], [8, 0, 8], [8, 7, 15]]),
    ],
)
def test_nothing_is_hidden_without_need(
    counts: list[list[int]], threshold: int, expected: list[list[object]]
) -> None:
    released = protect(table(counts), SuppressionPolicy(threshold=threshold))
    assert shown(released) == expected
    assert released.suppressed == 0


@pytest.mark.parametrize(
    ("counts", "threshold", "expected"),
    [
        # Without margins a small count is hidden alone: nothing adds up to recover it.
        ([[4], [5], [1]], 5, [[NP], [5], [NP]]),
        ([[9], [10]], 10, [[NP], [10]]),
        ([[1], [2]], 2, [[NP], [2]]),
    ],
)
def test_counts_below_the_threshold_are_hidden_and_only_they(
    counts: list[list[int]], threshold: int, expected: list[list[object]]
) -> None:
    released = protect(table(counts, margins=False), SuppressionPolicy(threshold=threshold))
    assert shown(released) == expected


def test_secondary_cells_are_inner_cells_before_totals() -> None:
    #        c0  c1  c2 | total
    # r0      2  20  30 |  52
    # r1     25  40  50 | 115
    # total  27  60  80 | 167
    # The 2 needs a partner in its row and its column, and the two partners a fourth
    # cell: the cheapest rectangle of inner cells is 2, 20, 25, 40 (the smallest values
    # beside it). The margins stay published.
    released = protect(table([[2, 20, 30], [25, 40, 50]]))
    assert shown(released) == [
        [NP, NP, 30, 52],
        [NP, NP, 50, 115],
        [27, 60, 80, 167],
    ]
    assert released.suppressed == 4


def test_a_lonely_hidden_value_is_paired_with_an_inner_cell_before_a_total() -> None:
    #        c0  c1 | total
    # r0      0   8 |   8
    # r1      1   2 |   3
    # r2      1   0 |   1
    # total   2  10 |  12
    # Below 5: 1, 2, 1 and the margins 3, 1 and 2. Column c1 then has one hidden value, the
    # 2, which 10 - 8 - 0 would give away: a partner is needed, and the inner 8 is taken
    # before the column total 10. Row r0 then has one hidden value, the 8: its row total 8
    # goes with it (the 0 is published). The total row holds one hidden value, the 2, which
    # 12 - 10 would give away: the smaller of the two totals beside it, 10, goes too. Every
    # line now has none or at least two hidden values, and the grand total 12 stays.
    released = protect(table([[0, 8], [1, 2], [1, 0]]))
    assert shown(released) == [
        [0, NP, NP],
        [NP, NP, NP],
        [NP, 0, NP],
        [NP, NP, 12],
    ]


def test_the_first_value_protected_is_the_smallest_inner_one() -> None:
    #        c0  c1  c2 | total
    # r0      2  21  29 |  52
    # r1      1   0  13 |  14
    # total   3  21  42 |  66
    # Below 5: the 2, the 1 and the column total 3. Each is pinned: r0 gives 52 - 21 - 29 = 2,
    # r1 gives 14 - 0 - 13 = 1, the total row 66 - 21 - 42 = 3. The smallest inner value is
    # protected first: the 1. In its row the 0 is published, so its rectangles go through
    # the 13 (or the row total 14). With the 13 and the 2's 29 (r0 c2) the 1 could only rise
    # by 1 (the 2 cannot fall below 1), and so with the totals 14 and 52; with the 13, the
    # column total 3 and the total 42 it rises by up to 12 (1 + s, 13 - s, 3 + s, 42 - s keep
    # every line): the 13 and the 42 are hidden. The 2 is still pinned (52 - 21 - 29): the
    # cheapest rectangle with room through it adds the 29 alone (2, 29, 3, 42 as above).
    # Now c0 and c2 are hidden whole and each row shows one cell: with x = the 2 and y = the 1,
    # r0 c2 = 31 - x, r1 c2 = 14 - y, c0's total x + y, c2's total 45 - x - y, for x from 1
    # to 30 and y from 1 to 13: every range is at least 12 wide, and showing the 42, the 29 or
    # the 13 again pins the 3, the 2 or the 1. The 21s stay. Taking the 2 first (the value
    # met first) would hide the 21s (2, 21, 3, 21 is the cheapest rectangle with room) and
    # then the 13 and the 42: seven values where six do.
    released = protect(table([[2, 21, 29], [1, 0, 13]]))
    assert shown(released) == [
        [NP, 21, NP, 52],
        [NP, 0, NP, 14],
        [NP, 21, NP, 66],
    ]
    # Three hidden as small, three to protect them. The narrowest range is y's, 1 to 13;
    # x runs from 1 to 30, c0's total x + y from 2 to 43.
    assert released.protection == ProtectionSummary(
        primary=3, secondary=3, differencing=0, required_range=4, narrowest_range=12, audited=6
    )


def test_one_value_at_a_time_the_smaller_total_whose_other_line_already_hides_one() -> None:
    #        c0  c1  c2 | total
    # r0      1   3   3 |   7
    # r1      4   0   3 |   7
    # total   5   3   6 |  14
    # Below 5: 1, 3, 3, 4, 3 and the column total 3. The total row pins that 3
    # (14 - 5 - 6), and with it the 3 above it (the 0 is published). With x = the 1, the
    # others are 4 - x (r0 c2), 5 - x (r1 c0) and 2 + x (r1 c2): x is 1 to 3, too narrow.
    # Every rectangle through the 1 either meets the published 0 or gives it less than 4 of
    # room (it cannot fall, and the hidden 3s and the 4 allow a rise of 2 or 3), and the
    # cheapest of them (1, 3, 4, 3) is hidden already. So one value is hidden at a time:
    # the cheapest shown non-zero value on a line through the 1. Both candidates are totals,
    # its row total 7 and its column total 5; the 5 is smaller, and its other line (the
    # total row) already hides a value, so hiding it leaves no line with one hidden value.
    # With y = the hidden 3s of c1, the total row gives the 5 as 8 - y; the others are x,
    # 7 - x - y, x + y - 1 and 8 - x - y, so x and y run from 1 to 5 and every range is
    # at least 4 wide. Showing the 5 again pins the 3s: it stays. The row total 7 (met
    # first in the row) would have needed two more totals after it.
    released = protect(table([[1, 3, 3], [4, 0, 3]]))
    assert shown(released) == [
        [NP, NP, NP, 7],
        [NP, 0, NP, 7],
        [NP, NP, 6, 14],
    ]
    assert released.protection.secondary == 1


def test_rectangles_are_chosen_by_room_then_by_cost_and_unneeded_ones_shown_again() -> None:
    #        c0  c1 | total
    # r0      2  11 |  13
    # r1      3   3 |   6
    # r2     15   0 |  15
    # total  20  14 |  34
    # Below 5: 2, 3, 3, each pinned (13 - 11, 14 - 11 - 0, 6 - 3). A rectangle's corners move
    # together (+s, -s, -s, +s, margins with their line): a corner of v lets it move v - 1.
    # 1. Through the 2: with 11 and the 3s, or 13, 6 and a 3, the 2 moves by 1 one way and
    #    2 the other (3 < 4); a rectangle through row r2 and c1 meets the published 0. With
    #    r0's 13 and r2's 15 and 15 it moves 1 down and 14 up; with c1's 11 and the column
    #    totals 20 and 14, 1 and 10. Both have room; the first has two totals and three new
    #    values too, but 43 < 45: hide 13, 15 and 15.
    # 2. c1 still pins its 3 (14 - 11 - 0), so r1 pins the other. The first 3 (r1 c0): with
    #    r1's total 6 and r2's hidden 15s it moves 2 down and 14 up: hide the 6 (one new
    #    value, where the others need 11 or two totals).
    # 3. c1's 3 still pinned: with 11 and r0's and r1's hidden totals it moves 2 and 10: hide 11.
    # Now, with a = the 2, b = the 3 of c0 and c = the 11: r0's total is a + c, c1's 3 is
    # 14 - c, r1's total b + 14 - c, r2's 15s both 20 - a - b; every range is wide. Shown
    # again, totals first and largest first: r2's 15 would pin r2 c0 (r2 holds it and a 0);
    # r0's 13 stays shown (a runs from 1 to 12, c1's 3 is 1 + a: every range is 4 wide or
    # more); r1's 6 would then give b = 5 - a, a only 1 to 4; r2 c0's 15 would pin r2's
    # total; the 11 would pin the 2. Those stay hidden.
    released = protect(table([[2, 11], [3, 3], [15, 0]]))
    assert shown(released) == [
        [NP, NP, 13],
        [NP, NP, NP],
        [NP, 0, NP],
        [20, 14, 34],
    ]


def test_when_no_rectangle_has_room_the_smaller_total_beside_hidden_values_goes() -> None:
    #        c0  c1  c2 | total
    # r0      0  13   1 |  14
    # r1      3   0   2 |   5
    # total   3  13   3 |  19
    # Below 5: 1, 3, 2 and the column totals 3 and 3. r0 pins the 1 (14 - 13 - 0); with
    # a = r1's 3, r1's 2 is 5 - a and the column totals a and 6 - a: a from 1 to 4, too narrow.
    # 1. The 1 (the smallest inner value): rectangles through r1 or c0 meet a published 0;
    #    with r0's 13, c1's total 13 and c2's hidden total it can rise by 12: hide both 13s.
    # 2. a is still 1 to 4. The 2: its rectangles meet a 0 or give it at most 3 of room, and
    #    the cheapest of them is hidden already (2, 3, 3, 3). One value then: the only one
    #    shown on its lines, r1's total 5.
    #    The row totals' column pins it (19 - 14), so again the 2; now its lines show
    #    nothing, so the cheapest shown value of the table: the totals 14 and 19, each on a
    #    line that hides values already; 14 is smaller.
    # With r0's and r1's totals hidden, the four values a = r1's 3, r1's 2, r0's 1 and the
    # 13 sum to 19 with each at least 1: every range is 1 to 16. Shown again (14, 13, 5, 13),
    # each would bring back a range of 1 to 4: all stay hidden.
    released = protect(table([[0, 13, 1], [3, 0, 2]]))
    assert shown(released) == [
        [0, NP, NP, NP],
        [NP, 0, NP, NP],
        [NP, NP, NP, 19],
    ]


def test_a_rectangle_with_fewer_new_values_is_taken_before_smaller_ones() -> None:
    #        c0  c1  c2 | total
    # r0      1   0   0 |   1
    # r1     16   3   7 |  26
    # total  17   3   7 |  27
    # Below 5: the 1, r0's total 1, the 3 and c1's total 3, each pinned (17 - 16, 26 - 16 -
    # 7, 27 - 17 - 7). 1. The 1: its row shows only 0s, so its one rectangle with room goes
    # through r1 (16 and 26: it rises by 15): hide them. 2. The 3 is still pinned (the total
    # row: 27 - 17 - 7). Through r0 its rectangles meet a 0; with the hidden 16 and c1's
    # hidden total, only c0's total 17 is new (room 2 down, 15 up); with c2's 7 and 7, two
    # are new (room 2 and 6); with r1's hidden 26 and the total 27, room 2. One new value
    # before two, though 7 + 7 < 17: hide the 17. Then with a = the 1 and b = the 3, the 16
    # is 20 - a - b and c0's total 20 - b: a and b run from 1 to 18. Shown again, the 26,
    # the 17 or the 16 would pin a value or leave a + b = 4: all stay hidden.
    released = protect(table([[1, 0, 0], [16, 3, 7]]))
    assert shown(released) == [
        [NP, 0, 0, NP],
        [NP, NP, 7, NP],
        [NP, NP, 7, 27],
    ]


def test_a_line_that_does_not_add_up_bounds_its_cells_by_its_margin() -> None:
    #        outlet A  outlet B | total
    # r0         3         8    |   9     two of the nine clients attended both outlets
    # total      3         8    |   9
    # The row does not add up (3 + 8 = 11 > 9), and the attacker knows it: its cells add up
    # to more than its total, and none is above it. The 3 and the total of outlet A are
    # hidden (the columns add up: they are equal). So 3 is at least 10 - 8 = 2 (the cells
    # add up to at least 9 + 1) and at most 9 (the total): 2 to 9, seven wide, which is
    # enough (4 are asked). Nothing else is hidden.
    # Clients a0, a1 and a2 at outlet A; a0, a1 and b2 to b7 at outlet B.
    in_b = ["a0", "a1", *(f"b{k}" for k in range(2, 8))]
    contributions = [(f"a{k}", "r0", "A") for k in range(3)] + [(c, "r0", "B") for c in in_b]
    released = protect(
        count_clients(
            contributions, title="two outlets", row_dimension="row", column_dimension="outlet"
        )
    )
    assert shown(released) == [[NP, 8, 9], [NP, 8, 9]]
    assert released.protection.narrowest_range == 9 - 2


def test_a_table_whose_margins_contradict_its_cells_is_refused() -> None:
    #        c0  c1 | total
    # r0      6   2 |   4     a row total below one of its cells: no distinct count can be
    # r1      5   5 |  10
    # total  11   7 |  14
    # The 2 and the row total 4 are hidden. The column of row totals adds up, so r0's total
    # is 14 - 10 = 4; r0 does not add up (6 + 2 is not 4), so its total is at least its
    # cell 6. The audit cannot meet both and refuses the table rather than release it
    # unaudited.
    built = CountTable(
        title="built by hand",
        row_dimension="row",
        column_dimension="column",
        rows=("r0", "r1"),
        columns=("c0", "c1"),
        counts=((6, 2), (5, 5)),
        row_totals=(4, 10),
        column_totals=(11, 7),
        total=14,
    )
    with pytest.raises(DisclosureRefused) as caught:
        protect(built)
    assert caught.value.code == "sdc.audit-failed"
    assert caught.value.reason == (
        "the protection audit found the table inconsistent with its own margins, so it "
        "is not released; check that margins count the same clients as the cells"
    )


def test_the_released_table_keeps_its_dimensions() -> None:
    released = protect(table([[7, 8]]))
    assert (released.title, released.row_dimension, released.column_dimension) == (
        "hand-worked",
        "row",
        "column",
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"threshold": 1}, "SuppressionPolicy.threshold must be a whole number of at least 2"),
        ({"threshold": 2.5}, "SuppressionPolicy.threshold must be a whole number of at least 2"),
        (
            {"protection": 0},
            "SuppressionPolicy.protection must be a whole number of at least 1 "
            "(or None for threshold - 1)",
        ),
        (
            {"protection": 1.5},
            "SuppressionPolicy.protection must be a whole number of at least 1 "
            "(or None for threshold - 1)",
        ),
    ],
)
def test_policies_refused_in_these_words(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(DexValueError) as caught:
        SuppressionPolicy(**arguments)  # type: ignore[arg-type]
    assert str(caught.value) == message


@pytest.mark.parametrize("protection", [1, 2])
def test_a_protection_of_one_or_more_is_accepted(protection: int) -> None:
    assert SuppressionPolicy(protection=protection).protection_range == protection


def test_protect_refuses_in_these_words() -> None:
    with pytest.raises(DexValueError) as caught:
        protect(table([[7]]), "none")  # type: ignore[arg-type]
    assert str(caught.value) == "protect: policy must be a SuppressionPolicy or a RoundingPolicy"
    with pytest.raises(DexValueError) as caught:
        protect(table([[7]]), on_difference="REFUSE")  # type: ignore[arg-type]
    assert str(caught.value) == 'protect: on_difference must be "suppress" or "refuse"'
    assert protect(table([[7]]), on_difference="refuse").cells == ((7,),)


def test_hidden_cells_record_why_and_under_what_threshold() -> None:
    # The hand-worked table above (threshold 7 here): 1, 2, 1, 3, 1 and 2 are below 7.
    released = protect(table([[0, 8], [1, 2], [1, 0]]), SuppressionPolicy(threshold=7))
    primary, secondary = released.cell("r1", "c0"), released.cell("r0", "c1")
    assert isinstance(primary, Suppressed)
    assert isinstance(secondary, Suppressed)
    assert (primary.kind, primary.threshold) == (SuppressionKind.PRIMARY, 7)
    assert (secondary.kind, secondary.threshold) == (SuppressionKind.SECONDARY, 7)


def test_rounding_uses_the_policy_given() -> None:
    # Base 10: 3 (from 1 to 7) becomes 10, 40 stays 40, 26 rounds to 30.
    released = protect(table([[3, 40, 26]], margins=False), RoundingPolicy(base=10, small_up_to=7))
    assert released.cells == ((10, 40, 30),)
    # The range a hidden count must keep under rounding is base - 1.
    assert released.protection.required_range == 9


def test_rounded_margins_that_pin_every_count_are_refused() -> None:
    # The example of docs/howto/privacy.md: cells 13, 8 and 1 are shown as 15, 10 and 5, so
    # they are at least 13, 8 and 1; their total 22 is shown as 20, so it is at most 22.
    # 13 + 8 + 1 = 22: each cell, its column total (one row) and both totals are exact.
    with pytest.raises(DisclosureRefused) as caught:
        protect(table([[13, 8, 1]]), RoundingPolicy())
    assert caught.value.code == "sdc.rounding-recoverable"
    assert caught.value.reason == (
        "after rounding, 8 count(s) can be worked out exactly from the rounded cells and "
        "margins; publish the table without margins or use a SuppressionPolicy"
    )


def test_rounded_margins_with_room_are_released() -> None:
    # 14, 9 and 2 are shown as 15, 10 and 5 (13-17, 8-12, 1-7) and their total 25 as 25
    # (23-27): the cells may add up to anything from 22 to 36, so none is pinned.
    released = protect(table([[14, 9, 2]]), RoundingPolicy())
    assert (released.cells, released.row_totals, released.total) == (((15, 10, 5),), (25,), 25)


# -- rounding, worked by hand -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"base": 1}, "RoundingPolicy.base must be a whole number of at least 2"),
        ({"base": 2.5}, "RoundingPolicy.base must be a whole number of at least 2"),
        ({"small_up_to": 0}, "RoundingPolicy.small_up_to must be a whole number of at least 1"),
        ({"small_up_to": 1.5}, "RoundingPolicy.small_up_to must be a whole number of at least 1"),
        # Base 7: a count of 3 is below half of 7, so it would round to 0.
        (
            {"base": 7, "small_up_to": 2},
            "RoundingPolicy.small_up_to must be at least half of base less 1, so that no "
            "count above it rounds to 0",
        ),
    ],
)
def test_rounding_policies_refused_in_these_words(
    arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(DexValueError) as caught:
        RoundingPolicy(**arguments)  # type: ignore[arg-type]
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("base", "small_up_to"),
    [
        (2, 1),  # the smallest base and the smallest range of small counts
        (4, 1),  # 2 is half of 4 and rounds up to 4, not down to 0
        (6, 2),  # 3 is half of 6 and rounds up to 6
    ],
)
def test_rounding_policies_at_their_limits_are_accepted(base: int, small_up_to: int) -> None:
    policy = RoundingPolicy(base=base, small_up_to=small_up_to)
    assert round_count(small_up_to + 1, policy) == base


@pytest.mark.parametrize(
    ("count", "policy", "rounded"),
    [
        (0, RoundingPolicy(), 0),
        (1, RoundingPolicy(), 5),
        (7, RoundingPolicy(), 5),
        (8, RoundingPolicy(), 10),
        (12, RoundingPolicy(), 10),
        (13, RoundingPolicy(), 15),
        # Counts up to small_up_to become the base, even where the nearest multiple is larger.
        (12, RoundingPolicy(small_up_to=12), 5),
        (13, RoundingPolicy(small_up_to=12), 15),
        # Halfway between two multiples of 10 rounds up, as ordinary rounding does.
        (15, RoundingPolicy(base=10), 20),
        (14, RoundingPolicy(base=10), 10),
    ],
)
def test_counts_round_as_worked_by_hand(count: int, policy: RoundingPolicy, rounded: int) -> None:
    assert round_count(count, policy) == rounded


def test_a_negative_count_is_refused_in_these_words() -> None:
    with pytest.raises(DexValueError) as caught:
        round_count(-1)
    assert str(caught.value) == "round_count: a count cannot be negative"


@pytest.mark.parametrize(
    ("policy", "published", "counts"),
    [
        (RoundingPolicy(), 0, (0, 0)),
        (RoundingPolicy(), 5, (1, 7)),
        (RoundingPolicy(), 10, (8, 12)),
        (RoundingPolicy(), 100, (98, 102)),
        # Base 10: 1 to 7 become 10, and so do 8 to 14 (15 rounds up to 20).
        (RoundingPolicy(base=10, small_up_to=7), 10, (1, 14)),
        (RoundingPolicy(base=10, small_up_to=7), 20, (15, 24)),
    ],
)
def test_the_counts_a_published_value_stands_for(
    policy: RoundingPolicy, published: int, counts: tuple[int, int]
) -> None:
    assert policy.counts_rounding_to(published) == counts


def test_a_value_no_count_rounds_to_is_refused_in_these_words() -> None:
    with pytest.raises(DexValueError) as caught:
        RoundingPolicy().counts_rounding_to(3)
    assert str(caught.value) == "no count rounds to 3 under round-to-5"


def test_a_rounding_policy_describes_itself() -> None:
    assert RoundingPolicy(base=10, small_up_to=7).describe() == {
        "name": "round-to-10",
        "method": "rounding",
        "base": 10,
        "small_up_to": 7,
        "zeros": "published",
        "unit": "distinct clients",
        "additive": False,
    }


# -- the released table, as published -----------------------------------------------------------

# The table of test_the_first_value_protected_is_the_smallest_inner_one, and what it publishes.
# Column c1 has clients in row r0 only: a population-group warning.
SUPPRESSION = {
    "name": "suppress-below-5",
    "method": "suppression",
    "threshold": 5,
    "protection_range": 4,
    "hidden_label": "n.p.",
    "zeros": "published",
    "unit": "distinct clients",
}
GROUP = "every client with column 'c1' has row 'r0'"


def test_the_released_table_as_plain_data() -> None:
    released = protect(table([[2, 21, 29], [1, 0, 13]]))
    assert released.to_dict() == {
        "title": "hand-worked",
        "rows": {"dimension": "row", "labels": ["r0", "r1"]},
        "columns": {"dimension": "column", "labels": ["c0", "c1", "c2"]},
        "cells": [[NP, 21, NP], [NP, 0, NP]],
        "row_totals": [52, 14],
        "column_totals": [NP, 21, NP],
        "total": 66,
        "policy": SUPPRESSION,
        "population": {},
        "warnings": [{"code": "sdc.population-group", "message": GROUP}],
    }


def test_the_released_table_as_text() -> None:
    # Widths: the first column fits "Total" (5), then "n.p." (4), "21" (2), "n.p.", "Total".
    # Labels are aligned left, values right, two spaces apart.
    released = protect(table([[2, 21, 29], [1, 0, 13]]))
    assert released.to_text().split("\n") == [
        "hand-worked",
        "row      c0  c1    c2  Total",
        "r0     n.p.  21  n.p.     52",
        "r1     n.p.   0  n.p.     14",
        "Total  n.p.  21  n.p.     66",
        "policy: suppress-below-5; counts are distinct clients",
        f"warning [sdc.population-group]: {GROUP}",
    ]


def test_a_table_without_margins_has_no_totals_in_either_form() -> None:
    released = protect(table([[4], [5], [1]], margins=False))
    assert released.to_text().split("\n") == [
        "hand-worked",
        "row    c0",
        "r0   n.p.",
        "r1      5",
        "r2   n.p.",
        "policy: suppress-below-5; counts are distinct clients",
    ]
    data = released.to_dict()
    assert (data["row_totals"], data["column_totals"], data["total"]) == (None, None, None)


def test_unknown_labels_are_refused_in_these_words() -> None:
    counts = table([[7, 8]])
    released = protect(counts)
    for lookup in (counts.count, released.cell):
        with pytest.raises(DexKeyError) as caught:
            lookup("r9", "c0")
        assert str(caught.value) == "unknown table row 'r9'"
        with pytest.raises(DexKeyError) as caught:
            lookup("r0", "c9")
        assert str(caught.value) == "unknown table column 'c9'"
    assert (counts.count("r0", "c1"), released.cell("r0", "c1")) == (8, 8)


# -- count tables from a dataset, counted by hand ----------------------------------------------


def _case(case_id: str, outlet: int, *clients: str) -> dict[str, Any]:
    reasons = [{"code": "HOUSING", "is_primary": True}]
    return {
        "case_id": case_id,
        "outlet_activity_id": outlet,
        "total_unidentified_clients": 0,
        "clients": [
            {"client_id": c, "referral_source": "SELF", "reasons_for_assistance": reasons}
            for c in clients
        ],
    }


def _session(session_id: str, case_id: str, day: str, *clients: str) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "case_id": case_id,
        "session_date": day,
        "service_type_id": 10,
        "total_unidentified_clients": 0,
        "clients": [{"client_id": c} for c in clients],
    }


def four_clients(*sessions: dict[str, Any]) -> Dataset:
    """The example's outlets and first four clients, in cases A and B, with ``sessions``.

    C00001 (female) and C00002 (male) are clients of case A at outlet 101, C00003 (female,
    Aboriginal) and C00004 (male) of case B at outlet 201.
    """
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data = {key: copy.deepcopy(example[key]) for key in ("outlets", "organisation")}
    data["clients"] = example["clients"][:4]
    data["cases"] = [_case("A", 101, "C00001", "C00002"), _case("B", 201, "C00003", "C00004")]
    data["sessions"] = list(sessions)
    return dataset_from_json(json.dumps(data).encode())


@pytest.fixture(scope="module")
def sessions() -> Dataset:
    """The example's first four clients at outlets 101 and 201.

    C00001 (female) and C00002 (male) are clients of case A at outlet 101, C00003 (female,
    Aboriginal) and C00004 (male) of case B at outlet 201. In order: S0 (30 June 2024, the
    last day of 2024-H1) C00001 at A; S1 C00002 at a case the dataset does not hold; S2 a
    client the dataset does not hold, then C00002, at A; S3 C00003 and C00004 at B; S4
    C00001 at A again. Each leaves-out comes before a session or client that counts.
    """
    return four_clients(
        _session("S0", "A", "2024-06-30", "C00001"),
        _session("S1", "GONE", "2024-08-01", "C00002"),
        _session("S2", "A", "2024-08-01", "C09999", "C00002"),
        _session("S3", "B", "2024-09-01", "C00003", "C00004"),
        _session("S4", "A", "2024-10-01", "C00001"),
    )


def test_a_count_table_of_one_period_worked_by_hand(sessions: Dataset) -> None:
    # 2024-H2: S2 gives C00002 at 101, S3 C00003 and C00004 at 201, S4 C00001 at 101.
    counted = count_table(sessions, BY_OUTLET, BY_GENDER, period=H2)
    assert counted.title == "Clients by outlet and gender, 2024-H2"
    assert (counted.rows, counted.columns) == (("101", "201"), ("FEMALE", "MALE"))
    assert counted.counts == ((1, 1), (1, 1))
    assert (counted.row_totals, counted.column_totals, counted.total) == ((2, 2), (2, 2), 4)
    assert counted.margins


def test_a_count_table_of_every_period_worked_by_hand(sessions: Dataset) -> None:
    # C00001 in both halves (S0 and S4); the others in 2024-H2 only. Four clients in all.
    by_period = count_table(sessions, BY_PERIOD, BY_GENDER)
    assert by_period.title == "Clients by period and gender"
    assert (by_period.rows, by_period.counts) == (("2024-H1", "2024-H2"), ((1, 0), (2, 2)))
    assert (by_period.row_totals, by_period.total) == ((1, 4), 4)
    by_gender = count_table(sessions, BY_GENDER, BY_OUTLET, margins=False)
    assert (by_gender.rows, by_gender.columns) == (("FEMALE", "MALE"), ("101", "201"))
    assert (by_gender.counts, by_gender.margins) == (((1, 1), (1, 1)), False)


def test_a_priority_group_table_worked_by_hand(sessions: Dataset) -> None:
    # C00003 is Aboriginal; the other three are not; nobody left it unstated.
    counted = count_table(sessions, BY_ATSI, period=H2)
    assert (counted.title, counted.columns) == ("Clients by atsi, 2024-H2", ("All clients",))
    assert (counted.rows, counted.counts) == (("yes", "no", "not stated"), ((1,), (3,), (0,)))


def test_attendances_a_dimension_leaves_out_are_not_counted(sessions: Dataset) -> None:
    # Only outlet 101's clients have a row: C00001 and C00002, one of each gender.
    only_101 = Dimension(
        "outlet", lambda client, case, session: "101" if case.outlet_activity_id == 101 else None
    )
    counted = count_table(sessions, only_101, BY_GENDER, period=H2)
    assert (counted.rows, counted.counts, counted.total) == (("101",), ((1, 1),), 2)
    counted = count_table(sessions, BY_GENDER, only_101, period=H2)
    assert (counted.columns, counted.counts, counted.total) == (("101",), ((1,), (1,)), 2)


def test_the_released_table_in_a_notebook() -> None:
    # Six values hidden (see test_the_first_value_protected_is_the_smallest_inner_one); the
    # notebook's table shows the cells, hidden ones as n.p.
    released = protect(table([[2, 21, 29], [1, 0, 13]]))
    assert repr(released) == (
        "<ReleasedTable 'hand-worked': 2 rows × 3 columns, 6 values hidden, "
        "policy suppress-below-5>"
    )
    html = released._repr_html_()
    assert "<strong>hand-worked</strong>" in html
    assert "<tr><td>r1</td><td>n.p.</td><td>0</td><td>n.p.</td></tr>" in html


@pytest.mark.parametrize(
    ("counts", "warnings"),
    [
        # Row r0's only client is in c0 (a count of 1 is still everyone in the row), and
        # column c1's clients are all in r1.
        (
            [[1, 0], [5, 6]],
            [
                "every client with row 'r0' has column 'c0'",
                "every client with column 'c1' has row 'r1'",
            ],
        ),
        (
            [[1, 5], [0, 6]],
            [
                "every client with row 'r1' has column 'c1'",
                "every client with column 'c0' has row 'r0'",
            ],
        ),
    ],
)
def test_a_population_group_of_one_client_is_named(
    counts: list[list[int]], warnings: list[str]
) -> None:
    released = protect(table(counts))
    assert [(w.code, w.message) for w in released.warnings] == [
        ("sdc.population-group", warning) for warning in warnings
    ]


def test_a_priority_group_dimension_made_again(sessions: Dataset) -> None:
    # BY_ATSI is made when the module is imported; made again, it counts alike (by hand,
    # C00003 is Aboriginal and the other three are not).
    atsi = Dimension("atsi", _group("atsi"), GROUP_LABELS)
    counted = count_table(sessions, atsi, period=H2)
    assert (counted.rows, counted.counts) == (("yes", "no", "not stated"), ((1,), (3,), (0,)))


def test_a_rectangle_whose_room_just_reaches_the_protection_range_is_taken() -> None:
    #        c0  c1 | total
    # r0     23   3 |  26
    # r1      0   3 |   3
    # total  23   6 |  29
    # Below 5: the two 3s and r1's total 3. r0 pins its 3 (26 - 23), c1 the other (6 - 3),
    # and r1's total is that 3. The smallest inner value first, by position: r0's 3.
    # Its rectangles (corners moving +s, -s, -s, +s, margins with their line; a corner of v
    # lets it move v - 1, a hidden corner too):
    # - through r1 c0: meets the published 0;
    # - through r1's total: only r0's total 26 is new (one total, one value, 26). The 3 and
    #   r0's 26 move the same way, r1's 3s the other: it moves 2 down and 2 up, 4 of room,
    #   exactly the protection range (4), so it has room;
    # - through the total row's c0: 23, 23 and c1's 6 are new (two totals, three values);
    # - through the grand total: 26, 6 and 29 are new (three totals).
    # Hide the 26. Then with a = r0's 3: r1's 3 is 6 - a, r0's total 23 + a, r1's total
    # 6 - a, for a from 1 to 5: every range is 4 wide, and showing the 26 again pins a.
    # A rectangle that had to give more than 4 of room would have hidden 23, 6 and 23.
    released = protect(table([[23, 3], [0, 3]]))
    assert shown(released) == [
        [23, NP, NP],
        [0, NP, NP],
        [23, 6, 29],
    ]
    assert released.protection == ProtectionSummary(
        primary=3, secondary=1, differencing=0, required_range=4, narrowest_range=4, audited=4
    )


def test_zeros_stay_published_when_values_are_hidden_one_at_a_time() -> None:
    #        c0  c1 | total
    # r0      0   0 |   0
    # r1      4   1 |   5
    # total   4   1 |   5
    # Below 5: 4 and 1, and the column totals 4 and 1. With a = the 4 (and c0's total), the
    # 1 (and c1's total) is 5 - a, a from 1 to 4: 3 wide, too narrow. The 1 first: every
    # rectangle through it either meets a published 0 (through r0) or gives it no room
    # down (it cannot fall below 1) and at most 3 up (through the total row's c0) or none
    # (through the grand total, whose corners all move with it). So one value at a time,
    # the cheapest shown non-zero value on its lines: r1's total 5 (the 0s above are not
    # candidates). Then the grand total pins a + 1 = 5 again; the 1's lines show nothing
    # but 0s, so the cheapest shown non-zero value of the table: the grand total 5. Every
    # non-zero value is now hidden and has no upper bound; showing either 5 again brings
    # back a + the 1 = 5. The zeros of r0 are never hidden.
    released = protect(table([[0, 0], [4, 1]]))
    assert shown(released) == [
        [0, 0, 0],
        [NP, NP, NP],
        [NP, NP, NP],
    ]
    assert released.protection == ProtectionSummary(
        primary=4, secondary=2, differencing=0, required_range=4, narrowest_range=None, audited=6
    )


def test_of_two_rectangles_with_as_many_totals_and_values_the_smaller_sum_is_hidden() -> None:
    #        c0  c1 | total
    # r0      2  24 |  26
    # r1     27   0 |  27
    # total  29  24 |  53
    # Below 5: the 2, pinned by r0 (26 - 24) and by c0 (29 - 27). Its rectangles:
    # - through r1 c1: meets the published 0;
    # - through r1's total: r0's total 26, the 27 and r1's total 27 are new: two totals,
    #   three values, 80; it moves 1 down and 26 up;
    # - through the total row's c1: the 24, c0's total 29 and c1's total 24 are new: two
    #   totals, three values, 77; it moves 1 down and 23 up;
    # - through the grand total: three totals.
    # As many totals and values, and 77 < 80: hide the 24 and the totals 29 and 24. With
    # a = the 2, r0's 24 is 26 - a and c0's total 27 + a, for a from 1 to 25. Shown again,
    # totals first and largest first (29, 24, then the inner 24), each would pin a: all stay.
    released = protect(table([[2, 24], [27, 0]]))
    assert shown(released) == [
        [NP, NP, 26],
        [27, 0, 27],
        [NP, NP, 53],
    ]
    assert released.protection == ProtectionSummary(
        primary=1, secondary=3, differencing=0, required_range=4, narrowest_range=24, audited=4
    )


def test_of_two_rectangles_that_cost_the_same_the_one_with_more_room_is_hidden() -> None:
    #        c0  c1  c2 | total
    # r0     26  17  22 |  65
    # r1     12  21   3 |  36
    # total  38  38  25 | 101
    # Below 5: the 3, pinned by r1 and by c2. Its rectangles through r0 and an inner column
    # cost the same: three inner values, 12 + 22 + 26 = 60 through c0 and 21 + 22 + 17 = 60
    # through c1 (the others add totals). Through c0 the 3 moves 2 down and 11 up (the 12
    # allows 11); through c1 2 down and 20 up (the 21 allows 20): more room, so hide 17, 22
    # and 21. With x = the 3: r1's 21 is 24 - x, r0's 17 is 14 + x and its 22 is 25 - x,
    # for x from 1 to 23, 22 wide. Shown again, largest first (22, 21, 17), each pins x.
    released = protect(table([[26, 17, 22], [12, 21, 3]]))
    assert shown(released) == [
        [26, NP, NP, 65],
        [12, NP, NP, 36],
        [38, 38, 25, 101],
    ]
    assert released.protection == ProtectionSummary(
        primary=1, secondary=3, differencing=0, required_range=4, narrowest_range=22, audited=4
    )


@pytest.mark.parametrize(
    ("q", "hidden", "expected"),
    [
        # q in p's row (r1): its other line is its column, c2, without r1.
        ((1, 2), [(2, 2)], True),
        ((1, 2), [(3, 2)], True),
        ((1, 2), [(1, 1)], False),  # hidden on the line through p only
        ((1, 2), [], False),
        # q in p's column (c0): its other line is its row, r2, without c0.
        ((2, 0), [(2, 3)], True),
        ((2, 0), [(0, 0)], False),  # hidden on the line through p only
        ((2, 0), [], False),
    ],
)
def test_a_candidate_s_other_line_is_the_one_not_through_the_value_protected(
    q: tuple[int, int], hidden: list[tuple[int, int]], expected: bool
) -> None:
    # The grid of a 3 x 3 table with its margins (rows and columns 0 to 3); the value
    # protected is p = r1 c0. One value at a time, a candidate beside p whose other line
    # already hides a value is taken first (the documented order): that line is q's column
    # when q shares p's row, and q's row when it shares p's column.
    grid = _Grid(table([[5, 6, 7], [8, 9, 10], [11, 12, 13]]), protection=4)
    for i, j in hidden:
        grid.hide(i, j, SuppressionKind.SECONDARY, 5)
    assert grid._other_line_has_hidden((1, 0), q) is expected


def test_what_the_attacker_knows_of_each_value_before_combining_lines() -> None:
    # Shown under suppression: exactly itself. Hidden: at least 1, as zeros are published,
    # unless it is a zero the differencing guard hid: then at least 0. No upper bound.
    hidden = Suppressed(SuppressionKind.DIFFERENCING, 5)
    assert known_ranges([[0, 3, 7]], [[hidden, hidden, 7]], None) == {
        (0, 0): (0, math.inf),
        (0, 1): (1, math.inf),
        (0, 2): (7, 7),
    }


def test_a_hidden_zero_corner_gives_a_rectangle_no_room_below_zero() -> None:
    #        c0  c1
    # r0      3   0     both hidden (the 0 by the differencing guard)
    # r1     20  30
    # The rectangle r0 c0, r0 c1, r1 c0, r1 c1 moves +s, -s, -s, +s: the 3 rises only as
    # far as the 0 can fall, which is not at all, and falls by 2 (to 1), the 0 then rising
    # by 2, the 20 rising and the 30 falling: room 0 + 2. New: the 20 and the 30, inner.
    grid = _Grid(table([[3, 0], [20, 30]]), protection=4)
    grid.hide(0, 0, SuppressionKind.PRIMARY, 5)
    grid.hide(0, 1, SuppressionKind.DIFFERENCING, 5)
    assert grid._rectangle((0, 0), (1, 1)) == ((0, 2, 50), 2)


def test_the_quick_audit_reads_rounded_values_as_the_counts_that_round_to_them() -> None:
    #        c0  c1 | total      rounded to multiples of 5: 18 to 22 round to 20, 28 to 32
    # r0     20  30 |  50        to 30 and 48 to 52 to 50
    # total  20  30 |  50
    # The 20 hidden: c0's total says it is 18 to 22, r0 that it is 48 to 52 less 28 to 32,
    # 16 to 24. So 18 to 22, 4 wide: the protection range under rounding to 5 (5 - 1).
    # Read as exact, the shown values would pin it at 50 - 30 = 20.
    policy = RoundingPolicy()
    grid = _Grid(
        table([[20, 30]]),
        protection=policy.protection_range,
        rounded_range=policy.counts_rounding_to,
    )
    grid.published = [[20, 30, 50], [20, 30, 50]]
    grid.hide(0, 0, SuppressionKind.DIFFERENCING, 5)
    assert grid.unprotected() == []


def test_the_last_pass_shows_again_the_largest_secondary_value_first() -> None:
    #        c0  c1 | total
    # r0      0   2 |   2
    # r1      4   1 |   5
    # r2     10   1 |  11
    # total  14   4 |  18
    # Below 5: 2, r0's total 2, 4, 1, 1 and c1's total 4; the lines pin every one of them.
    # The smallest inner value, r1's 1, comes first each time (it stays pinned until the end):
    # 1. Every rectangle through it gives it no room down (it is 1) and at most 3 up; the
    #    cheapest is with r1's 4, r2's 1 and the 10 (one new inner value): hide the 10.
    # 2. c1's total is still 18 - 14 = 4, so the 1s and the 2 are at most 2. The cheapest
    #    rectangle is hidden already, so one value at a time: the only value shown on its
    #    lines, r1's total 5.
    # 3. c1's total is still pinned, and the 1's lines show nothing more: the cheapest shown
    #    value of the table, each beside a hidden value on its other line: r2's total 11.
    # 4. Again: the cheapest left, c0's total 14. Now five unknown inner values (the 2, 4,
    #    1, 1 and 10) add up to 18, each at least 1: every range is at least 13 wide.
    # Shown again, largest first: the 14 would give c1's total 4 again; the 11 leaves
    # 2 + 4 + 1 = 7 in r0 and r1 (each of the three from 1 to 5, 4 wide) and r2's 1 and 10
    # free from 1 to 10: it stays shown; then the 5 would pin the 2 (7 - 5) and the 10 would
    # pin r2's 1 (11 - 10). Taking the 10 before the 11 would have shown the 10 instead.
    released = protect(table([[0, 2], [4, 1], [10, 1]]))
    assert shown(released) == [
        [0, NP, NP],
        [NP, NP, NP],
        [NP, NP, 11],
        [NP, NP, 18],
    ]
    assert released.protection == ProtectionSummary(
        primary=6, secondary=3, differencing=0, required_range=4, narrowest_range=4, audited=9
    )


def test_inner_values_are_hidden_before_margins_even_when_they_add_up_to_more() -> None:
    #        c0  c1  c2 | total
    # r0      7  11   3 |  21
    # r1      0   9   7 |  16
    # total   7  20  10 |  37
    # Below 5: the 3, pinned by r0 and c2. Its rectangles: through r1 c0 it meets the 0;
    # through r1 c1 the 11, the 7 and the 9 are new, all inner (27); through the total
    # row's c0 the 7 and the totals 10 and 7 (24, but two margins). Inner values first:
    # hide 11, 7 and 9. With x = the 3: r0's 11 is 14 - x, r1's 7 is 10 - x and its 9 is
    # 6 + x, for x from 1 to 9. Shown again, largest first (11, 9, 7), each pins x.
    released = protect(table([[7, 11, 3], [0, 9, 7]]))
    assert shown(released) == [
        [7, NP, NP, 21],
        [0, NP, NP, 16],
        [7, 20, 10, 37],
    ]
    assert released.protection == ProtectionSummary(
        primary=1, secondary=3, differencing=0, required_range=4, narrowest_range=8, audited=4
    )


def test_a_rectangle_s_cost_counts_every_margin_among_its_new_values() -> None:
    #        c0  c1  c2 | total
    # r0      3   3   0 |   6
    # r1      4   0  12 |  16
    # total   7   3  12 |  22
    # Below 5: 3, 3, 4 and c1's total 3; r1 pins the 4 (16 - 12 - 0), then c0 the 3s.
    # 1. r0's first 3 (the smallest inner value, by position): with r0's other 3, c1's total
    #    and c0's total 7 it moves 2 down and 2 up, 4 of room, for one new value (a margin);
    #    through the row totals 6 and 16 it needs two. Hide the 7.
    # 2. r1 still pins the 4. Its rectangles meet a 0 through c1 and through r0 c2; through
    #    r1's 12 and c2's total 12 it moves 3 down and 11 up, with one margin among two new
    #    values; through the row totals 16 and 6, two margins. Hide both 12s.
    # With a = the first 3 and c = the 4: r0's other 3 is 6 - a, r1's 12 is 16 - c, for a
    # from 1 to 5 and c from 1 to 15. Shown again, margins first and largest first: c2's
    # 12 would pin c; c0's 7 leaves a + c = 7 (a from 1 to 5, every range 4 wide): it stays;
    # r1's 12 would then pin c.
    released = protect(table([[3, 3, 0], [4, 0, 12]]))
    assert shown(released) == [
        [NP, NP, 0, 6],
        [NP, 0, NP, 16],
        [7, NP, NP, 22],
    ]
    assert released.protection == ProtectionSummary(
        primary=4, secondary=2, differencing=0, required_range=4, narrowest_range=4, audited=6
    )


def test_of_two_rectangles_alike_in_cost_and_room_the_first_by_position_is_hidden() -> None:
    #        c0  c1  c2 | total
    # r0     10   2  10 |  22
    # r1     10  20  10 |  40
    # total  20  22  20 |  62
    # Below 5: the 2, pinned by r0 and by c1. Through r1 and c0 (10, 20, 10) or r1 and c2
    # (10, 20, 10) it moves 1 down and 9 up: the same cost and the same room. The first by
    # position (rows, then columns) is taken: c0. With x = the 2: r0's first 10 is 12 - x,
    # r1's 10 is 8 + x and its 20 is 22 - x, for x from 1 to 11. Shown again, largest first
    # (20, then the 10s), each pins x.
    released = protect(table([[10, 2, 10], [10, 20, 10]]))
    assert shown(released) == [
        [NP, NP, 10, 22],
        [NP, NP, 10, 40],
        [20, 22, 20, 62],
    ]
    assert released.protection == ProtectionSummary(
        primary=1, secondary=3, differencing=0, required_range=4, narrowest_range=10, audited=4
    )


def test_a_rectangle_whose_corners_all_move_together_gives_no_room() -> None:
    #        c0  c1 | total
    # r0      0   0 |   0
    # r1      4   1 |   5
    # total   4   1 |   5
    # With the 4, the 1 and the column totals hidden: the rectangle of the 1, r1's total,
    # c1's total and the grand total moves every corner with the 1 (a cell, the margins of
    # its row and column, and the total over both). The 1 cannot fall below 1, and a
    # rectangle that only rises with it hides nothing from anyone: its room is 0. It would
    # add the two 5s, both margins.
    grid = _Grid(table([[0, 0], [4, 1]]), protection=4)
    for i, j in [(1, 0), (1, 1), (2, 0), (2, 1)]:
        grid.hide(i, j, SuppressionKind.PRIMARY, 5)
    assert grid._rectangle((1, 1), (2, 2)) == ((2, 2, 10), 0)
