"""Suppression attacked: no hidden count can be worked out, or narrowed below the protection range.

The attacker (``tests/sdc_attacker.py``) is SciPy's HiGHS solver given the
published table, its margins, the meaning of the labels (which lines add
up), that zeros are published and that counts are whole numbers; it shares
no code with dexcore's own audit. "Protection interval" and the audit of
every hidden cell's feasible range follow the practice of tau-argus and of
the ABS: Hundepool et al., *Statistical Disclosure Control*, Wiley, 2012,
chapters 4 and 5 (protection levels, the audit of suppressed tables).
"""

from __future__ import annotations

import math
import os
import random
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dexcore.errors import DexValueError, DisclosureRefused
from dexcore.io import dataset_from_json
from dexcore.privacy.sdc import (
    BY_GENDER,
    BY_OUTLET,
    CountTable,
    ReleasedTable,
    RoundingPolicy,
    Suppressed,
    SuppressionKind,
    SuppressionPolicy,
    count_clients,
    count_table,
    protect,
)
from sdc_attacker import additive_table, feasible_ranges, lines_of, published_grid

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example-dataset.json"
CI = os.environ.get("DEXCORE_HYPOTHESIS_PROFILE") == "ci"
PROTECTION = 4  # the default policy's range: threshold 5 - 1


def true_grid(table: CountTable) -> list[list[int]]:
    rows = [[*line, table.row_totals[i]] for i, line in enumerate(table.counts)]
    return [*rows, [*table.column_totals, table.total]]


def line_adds_up(table: CountTable) -> list[bool]:
    """The strongest attacker's knowledge: exactly which lines add up in truth."""
    true = true_grid(table)
    return [
        sum(true[i][j] for i, j in line[:-1]) == true[line[-1][0]][line[-1][1]]
        for line in lines_of(len(true), len(true[0]))
    ]


def small_cells(rng: random.Random, n: int, m: int) -> list[list[int]]:
    """Counts with many small cells: about five in seven are 0 to 4."""
    return [
        [rng.choice([0, 1, 1, 2, 3, 4, rng.randint(5, 40)]) for _ in range(m)] for _ in range(n)
    ]


def assert_protected(
    table: CountTable, released: ReleasedTable, ranges: dict[tuple[int, int], tuple[float, float]]
) -> None:
    true = true_grid(table)
    for (i, j), (low, high) in ranges.items():
        assert low - 1e-6 <= true[i][j] <= high + 1e-6, "the attacker's bounds must hold the truth"
        assert high - low >= PROTECTION - 1e-6, f"hidden value at {(i, j)} narrowed to {low}-{high}"
    for line in published_grid(released):
        for value in line:
            assert isinstance(value, Suppressed) or not 0 < value < 5, "a small count is shown"


# -- the examples -------------------------------------------------------------------


def test_the_hand_worked_attack_no_longer_pins_the_hidden_ones() -> None:
    # Before: row 0 was published "<5 <5 10 | 12", so both hidden cells were 1.
    table = additive_table([[1, 1, 10], [1, 1, 10], [10, 10, 10]])
    released = protect(table)
    ranges = feasible_ranges(released, integer=True)
    assert ranges, "the small counts must be hidden"
    assert_protected(table, released, ranges)
    assert {
        str(v) for line in published_grid(released) for v in line if isinstance(v, Suppressed)
    } == {"n.p."}


def test_the_example_outlet_by_gender_table_no_longer_gives_outlet_101_away() -> None:
    dataset = dataset_from_json(EXAMPLE.read_bytes())
    table = count_table(dataset, BY_OUTLET, BY_GENDER)
    released = protect(table)
    ranges = feasible_ranges(released, additive=line_adds_up(table), integer=True)
    assert_protected(table, released, ranges)
    for i, row in enumerate(table.rows):
        for j, column in enumerate(table.columns):
            if 0 < table.counts[i][j] < 5:
                _, high = ranges[(i, j)]
                assert high >= 5, f"{row} x {column} can be shown to be small"


# -- random tables, many small cells ----------------------------------------------------------


def test_a_linear_programming_attacker_recovers_nothing_from_random_tables() -> None:
    """Tables whose lines add up are transportation problems: the LP bounds are exact."""
    rng = random.Random(20261129)
    tables = 1000 if CI else 60
    exact = 0
    narrowest = math.inf
    for _ in range(tables):
        table = additive_table(small_cells(rng, rng.randint(2, 6), rng.randint(2, 6)))
        released = protect(table)
        ranges = feasible_ranges(released)
        exact += sum(1 for low, high in ranges.values() if high - low < 0.5)
        narrowest = min([narrowest, *(high - low for low, high in ranges.values())])
        assert_protected(table, released, ranges)
        assert released.protection.narrowest_range in (None, *range(PROTECTION, 10**6))
    assert exact == 0
    assert narrowest >= PROTECTION


def overlapping_table(rng: random.Random) -> CountTable:
    """Clients who may fall in several rows and columns: lines need not add up."""
    n, m = rng.randint(2, 4), rng.randint(2, 4)
    contributions = [
        (client, f"r{rng.randrange(n)}", f"c{rng.randrange(m)}")
        for client in range(rng.randint(3, 30))
        for _ in range(rng.choice([1, 1, 2, 3]))
    ]
    return count_clients(
        contributions,
        title="t",
        row_dimension="row",
        column_dimension="column",
        rows=[f"r{i}" for i in range(n)],
        columns=[f"c{j}" for j in range(m)],
    )


def test_an_integer_attacker_recovers_nothing_when_clients_fall_in_several_cells() -> None:
    rng = random.Random(7)
    for _ in range(250 if CI else 25):
        table = overlapping_table(rng)
        released = protect(table)
        ranges = feasible_ranges(released, additive=line_adds_up(table), integer=True)
        assert_protected(table, released, ranges)


# -- and nothing hidden without need ----------------------------------------------------------


def _with_shown(released: ReleasedTable, table: CountTable, i: int, j: int) -> ReleasedTable:
    """``released`` with the value at ``(i, j)`` of the grid published after all."""
    n, m = len(table.rows), len(table.columns)
    true = true_grid(table)
    if i < n and j < m:
        cells = [list(line) for line in released.cells]
        cells[i][j] = true[i][j]
        return attrs.evolve(released, cells=tuple(tuple(line) for line in cells))
    if i < n:
        assert released.row_totals is not None
        totals = list(released.row_totals)
        totals[i] = true[i][j]
        return attrs.evolve(released, row_totals=tuple(totals))
    if j < m:
        assert released.column_totals is not None
        totals = list(released.column_totals)
        totals[j] = true[i][j]
        return attrs.evolve(released, column_totals=tuple(totals))
    return attrs.evolve(released, total=true[i][j])


def test_every_secondary_cell_is_needed() -> None:
    """Showing any one secondary value again lets the attacker narrow some hidden value."""
    rng = random.Random(99)
    checked = 0
    for _ in range(120 if CI else 15):
        table = additive_table(small_cells(rng, rng.randint(2, 4), rng.randint(2, 4)))
        released = protect(table)
        grid = published_grid(released)
        for i, line in enumerate(grid):
            for j, value in enumerate(line):
                if isinstance(value, Suppressed) and value.kind is SuppressionKind.SECONDARY:
                    weaker = feasible_ranges(_with_shown(released, table, i, j))
                    assert any(high - low < PROTECTION for low, high in weaker.values())
                    checked += 1
    assert checked > 0


tables_without_small_counts = st.integers(1, 5).flatmap(
    lambda n: st.integers(1, 5).flatmap(
        lambda m: st.lists(
            st.lists(st.sampled_from([0, *range(5, 60)]), min_size=m, max_size=m),
            min_size=n,
            max_size=n,
        )
    )
)


@given(tables_without_small_counts)
def test_a_table_without_small_counts_hides_nothing(cells: list[list[int]]) -> None:
    released = protect(additive_table(cells))
    assert released.suppressed == 0
    assert released.protection.hidden == 0


def test_without_margins_nothing_can_be_recovered_so_only_small_counts_are_hidden() -> None:
    table = attrs.evolve(additive_table([[2, 30], [30, 40]]), margins=False)
    released = protect(table)
    assert [[str(v) for v in line] for line in released.cells] == [["n.p.", "30"], ["30", "40"]]
    assert released.protection.secondary == 0
    assert released.protection.narrowest_range is None  # nothing bounds it


# -- what the publisher is told ---------------------------------------------------------------


def test_the_summary_counts_hidden_values_by_reason() -> None:
    table = additive_table([[1, 1, 10], [1, 1, 10], [10, 10, 10]])
    released = protect(table)
    hidden = [v for line in published_grid(released) for v in line if isinstance(v, Suppressed)]
    summary = released.protection
    assert summary.primary == sum(v.kind is SuppressionKind.PRIMARY for v in hidden) == 4
    assert summary.secondary == sum(v.kind is SuppressionKind.SECONDARY for v in hidden)
    assert summary.hidden == released.suppressed == len(hidden)
    assert summary.required_range == PROTECTION
    assert summary.narrowest_range is not None
    assert summary.narrowest_range >= PROTECTION
    published = released.to_dict()
    assert "protection" not in published  # which hidden values are small is not published
    assert published["policy"] == {
        "name": "suppress-below-5",
        "method": "suppression",
        "threshold": 5,
        "protection_range": 4,
        "hidden_label": "n.p.",
        "zeros": "published",
        "unit": "distinct clients",
    }


def test_a_wider_protection_range_is_enforced() -> None:
    table = additive_table([[1, 9, 12], [8, 9, 12], [10, 10, 10]])
    released = protect(table, SuppressionPolicy(protection=8))
    for low, high in feasible_ranges(released).values():
        assert high - low >= 8


@pytest.mark.parametrize("protection", [0, -1, True, 2.5, "4"])
def test_nonsense_protection_ranges_are_refused(protection: object) -> None:
    with pytest.raises(DexValueError, match="protection"):
        SuppressionPolicy(protection=protection)  # type: ignore[arg-type]


# -- rounding ---------------------------------------------------------------------------------


def test_counts_rounding_to_a_published_value() -> None:
    policy = RoundingPolicy()
    assert policy.counts_rounding_to(0) == (0, 0)
    assert policy.counts_rounding_to(5) == (1, 7)
    assert policy.counts_rounding_to(10) == (8, 12)
    assert policy.counts_rounding_to(15) == (13, 17)
    with pytest.raises(DexValueError):
        policy.counts_rounding_to(7)


def test_rounded_margins_that_pin_a_count_are_refused() -> None:
    # 13 is shown as 15 (13 to 17), 8 as 10 (8 to 12), 1 as 5 (1 to 7), and the total
    # 22 as 20 (18 to 22): 13 + 8 + x <= 22 leaves the 1 exactly 1.
    with pytest.raises(DisclosureRefused, match="rounding"):
        protect(additive_table([[13, 8, 1]]), RoundingPolicy())


def dss_round(count: int) -> int:
    """DSS's rounding, written out again: 0 stays 0, 1 to 7 become 5, else the nearest 5."""
    if count == 0:
        return 0
    if count <= 7:
        return 5
    return 5 * ((count + 2) // 5)


def test_rounding_is_refused_exactly_when_an_attacker_can_pin_a_count() -> None:
    rng = random.Random(5)
    refused = released_count = 0
    for _ in range(300 if CI else 40):
        table = additive_table(
            [[rng.choice([0, 1, 3, 6, 8, 9, 13, 14, 22]) for _ in range(3)] for _ in range(2)]
        )
        rounded = ReleasedTable(
            title=table.title,
            row_dimension=table.row_dimension,
            column_dimension=table.column_dimension,
            rows=table.rows,
            columns=table.columns,
            cells=tuple(tuple(dss_round(v) for v in line) for line in table.counts),
            row_totals=tuple(dss_round(v) for v in table.row_totals),
            column_totals=tuple(dss_round(v) for v in table.column_totals),
            total=dss_round(table.total),
            policy=RoundingPolicy(),
            population=table.population,
        )
        ranges = feasible_ranges(rounded, rounded=True)
        pinned = any(high - low < 0.5 for low, high in ranges.values())
        try:
            released = protect(table, RoundingPolicy())
        except DisclosureRefused:
            refused += 1
            assert pinned, "refused although no count can be worked out"
        else:
            released_count += 1
            assert released.cells == rounded.cells
            assert not pinned, "released although a count can be worked out"
    assert refused > 0
    assert released_count > 0


def test_rounded_tables_with_room_are_released() -> None:
    released = protect(additive_table([[12, 30], [40, 55]]), RoundingPolicy())
    assert released.cells == ((10, 30), (40, 55))
    assert released.protection.hidden == 0


# -- attacks found in review ------------------------------------------------------------------


def test_the_table_that_fooled_presolve_is_protected() -> None:
    # HiGHS's presolve once gave this table's integer attacker a wrong bound; with it off,
    # the attacker's bounds hold the truth and no hidden value is narrowed.
    cells = [
        [3, 0, 1, 2, 0, 3],
        [2, 0, 0, 2, 1, 2],
        [4, 0, 3, 1, 2, 3],
        [3, 1, 3, 3, 1, 3],
        [2, 1, 0, 2, 2, 1],
        [2, 1, 2, 0, 1, 1],
    ]
    table = additive_table(cells)
    released = protect(table)
    assert_protected(table, released, feasible_ranges(released, integer=True))


def test_an_attacker_who_knows_a_line_does_not_add_up_gains_nothing() -> None:
    # The cells of a line that does not add up sum to more than its margin (at least 1 more).
    table = CountTable(
        title="t",
        row_dimension="row",
        column_dimension="column",
        rows=("o0", "o1", "o2", "o3"),
        columns=("s0", "s1", "s2", "s3", "s4", "s5"),
        counts=((0, 4, 5, 2, 6, 4), (2, 0, 4, 2, 3, 3), (6, 2, 5, 4, 5, 0), (3, 4, 1, 5, 5, 6)),
        row_totals=(21, 14, 22, 24),
        column_totals=(10, 10, 14, 12, 18, 13),
        total=77,
    )
    released = protect(table)
    knows = line_adds_up(table)
    assert not all(knows)
    assert_protected(table, released, feasible_ranges(released, additive=knows))
    assert_protected(table, released, feasible_ranges(released, additive=knows, integer=True))


def test_a_rounding_policy_that_shows_exact_counts_is_refused() -> None:
    # Under base 2 with 1 to 3 shown as 2, a shown 4 can only be 4.
    table = attrs.evolve(additive_table([[4, 9]]), margins=False)
    with pytest.raises(DisclosureRefused, match="rounding"):
        protect(table, RoundingPolicy(base=2, small_up_to=3))


def test_a_rounding_policy_that_would_show_a_count_as_zero_is_refused() -> None:
    with pytest.raises(DexValueError, match="small_up_to"):
        RoundingPolicy(base=10, small_up_to=2)  # 3 would round to 0


@pytest.mark.parametrize(
    "changes",
    [
        {"counts": ((1, 2), (3,))},
        {"counts": ((1, 2), (3, 4), (5, 6))},
        {"counts": ((1.0, 2), (3, 4))},
        {"counts": ((-1, 2), (3, 4))},
        {"counts": ((True, 2), (3, 4))},
        {"row_totals": (3,)},
        {"total": -10},
    ],
)
def test_a_malformed_table_is_refused_with_one_line(changes: dict[str, object]) -> None:
    good = additive_table([[1, 2], [3, 4]])
    fields = {f.name: getattr(good, f.name) for f in attrs.fields(CountTable)}
    fields.update(changes)
    with pytest.raises(DexValueError, match=r"sdc\.bad-table"):
        CountTable(**fields)
