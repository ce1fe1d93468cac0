"""Small-cell suppression on tables worked by hand: what is hidden, and what is not.

The rule (docs/howto/privacy.md): counts from 1 to ``threshold - 1`` are hidden; zeros and counts
of ``threshold`` or more are published unless a hidden count must be protected by hiding
more. Each expected table is written out by hand.
"""

from __future__ import annotations

import pytest

from dexcore.errors import DexValueError
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
