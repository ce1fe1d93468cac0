"""Small-cell suppression on tables worked by hand: what is hidden, and what is not.

The rule (docs/howto/privacy.md): counts from 1 to ``threshold - 1`` are hidden; zeros and counts
of ``threshold`` or more are published unless a hidden count must be protected by hiding
more. Each expected table is written out by hand.
"""

from __future__ import annotations

import pytest

from dexcore.errors import DexValueError, DisclosureRefused
from dexcore.privacy.sdc import (
    CountTable,
    ReleasedTable,
    RoundingPolicy,
    Suppressed,
    SuppressionKind,
    SuppressionPolicy,
    count_clients,
    protect,
)

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
    assert "8 count(s) can be worked out exactly" in str(caught.value)


def test_rounded_margins_with_room_are_released() -> None:
    # 14, 9 and 2 are shown as 15, 10 and 5 (13-17, 8-12, 1-7) and their total 25 as 25
    # (23-27): the cells may add up to anything from 22 to 36, so none is pinned.
    released = protect(table([[14, 9, 2]]), RoundingPolicy())
    assert (released.cells, released.row_totals, released.total) == (((15, 10, 5),), (25,), 25)
