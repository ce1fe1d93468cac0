"""Disclosure control: suppression, rounding, population groups and differencing."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dexcore.errors import DexKeyError, DexValueError
from dexcore.model import Dataset
from dexcore.privacy.sdc import (
    BY_OUTLET,
    BY_PERIOD,
    Cell,
    CountTable,
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
from dexcore.testing import strategies


def grid(
    counts: list[list[int]],
    *,
    margins: bool = True,
    population: dict[str, str] | None = None,
) -> CountTable:
    """A table whose cells hold the given counts, each cell with its own clients."""
    contributions: list[tuple[str, str, str]] = []
    for i, row_counts in enumerate(counts):
        for j, n in enumerate(row_counts):
            contributions.extend((f"{i}-{j}-{k}", f"r{i}", f"c{j}") for k in range(n))
    return count_clients(
        contributions,
        title="test",
        row_dimension="row",
        column_dimension="column",
        rows=[f"r{i}" for i in range(len(counts))],
        columns=[f"c{j}" for j in range(len(counts[0]))],
        population=population or {},
        margins=margins,
    )


def values(table: ReleasedTable) -> list[list[int | str | None]]:
    data = table.to_dict()
    cells = data["cells"]
    assert isinstance(cells, list)
    return cells


# -- counting distinct clients ----------------------------------------------------------------


def test_counts_are_of_distinct_clients() -> None:
    table = count_clients(
        [("a", "x", "p"), ("a", "x", "p"), ("a", "x", "q"), ("b", "y", "p")],
        title="t",
        row_dimension="row",
        column_dimension="column",
    )
    assert table.counts == ((1, 1), (1, 0))
    assert table.row_totals == (1, 1)  # client a counts once in row x
    assert table.column_totals == (2, 1)
    assert table.total == 2
    assert table.count("x", "q") == 1
    with pytest.raises(DexKeyError):
        table.count("z", "p")


def test_labels_given_in_advance_keep_empty_rows_and_refuse_strays() -> None:
    table = count_clients(
        [("a", "x", "p")],
        title="t",
        row_dimension="row",
        column_dimension="column",
        rows=["x", "y"],
        columns=["p"],
    )
    assert table.counts == ((1,), (0,))
    with pytest.raises(DexValueError, match="outside"):
        count_clients(
            [("a", "z", "p")], title="t", row_dimension="r", column_dimension="c", rows=["x"]
        )
    with pytest.raises(DexValueError, match="unique"):
        count_clients([], title="t", row_dimension="r", column_dimension="c", rows=["x", "x"])


@given(strategies.datasets(max_clients=6))
def test_count_table_counts_each_client_once_per_cell(dataset: Dataset) -> None:
    table = count_table(dataset, BY_OUTLET, BY_PERIOD)
    attendees = {sc.client_id for s in dataset.sessions for sc in s.clients}
    assert table.total == len(attendees & set(dataset.client_by_id))
    doubled = Dataset(clients=dataset.clients, cases=dataset.cases, sessions=dataset.sessions * 2)
    assert count_table(doubled, BY_OUTLET, BY_PERIOD) == table


# -- primary and secondary suppression ----------------------------------------------------


def test_small_counts_are_hidden_and_zeros_kept() -> None:
    released = protect(grid([[3, 0, 10], [6, 9, 12]]))
    assert values(released)[0][:2] == ["n.p.", 0]
    cell = released.cell("r0", "c0")
    assert isinstance(cell, Suppressed)
    assert cell.kind is SuppressionKind.PRIMARY
    assert str(cell) == "n.p."
    assert released.cell("r0", "c1") == 0
    assert not isinstance(cell, int)


def test_hand_worked_secondary_suppression() -> None:
    #        c0  c1  c2 | total
    # r0      3   0  10 |  13
    # r1      6   9  12 |  27
    # total   9   9  22 |  40
    released = protect(grid([[3, 0, 10], [6, 9, 12]]))
    # Hiding 3, 10, 6 and 12 (a rectangle) leaves 3 free to move by s with 10 - s,
    # 6 - s and 12 + s: s from -2 to 5, so 3 ranges over 1 to 8 (seven values wide).
    # Any other pattern of four leaves a line with one hidden value, and hiding the
    # 0 column gains nothing (zeros are published), so this is the only one.
    assert values(released) == [["n.p.", 0, "n.p."], ["n.p.", 9, "n.p."]]
    assert released.row_totals == (13, 27)
    assert released.column_totals == (9, 9, 22)
    assert released.total == 40
    assert released.suppressed == 4
    assert released.protection.narrowest_range == 7


def test_tables_without_margins_need_no_secondary_cell() -> None:
    # Without a published total nothing adds up to anything: the 2 cannot be recovered.
    released = protect(grid([[2], [30], [40]], margins=False))
    assert values(released) == [["n.p."], [30], [40]]
    assert released.row_totals is None
    assert released.total is None


def test_a_table_of_one_cell_has_nothing_to_pair_with() -> None:
    released = protect(grid([[2]], margins=False))
    assert values(released) == [["n.p."]]


def test_threshold_is_configurable_and_recorded() -> None:
    released = protect(grid([[7, 30], [40, 50]]), SuppressionPolicy(threshold=10))
    assert str(released.cell("r0", "c0")) == "n.p."
    assert released.to_dict()["policy"] == {
        "name": "suppress-below-10",
        "method": "suppression",
        "threshold": 10,
        "protection_range": 9,
        "hidden_label": "n.p.",
        "zeros": "published",
        "unit": "distinct clients",
    }
    with pytest.raises(DexValueError):
        SuppressionPolicy(threshold=1)


def _lines(table: ReleasedTable) -> list[list[Cell | None]]:
    rows: list[list[Cell | None]] = [list(line) for line in table.cells]
    if table.row_totals is not None and table.column_totals is not None:
        rows = [[*line, table.row_totals[i]] for i, line in enumerate(rows)]
        rows.append([*table.column_totals, table.total])
    columns = [list(column) for column in zip(*rows, strict=True)]
    return rows + columns


tables = st.integers(1, 5).flatmap(
    lambda n: st.integers(1, 5).flatmap(
        lambda m: st.lists(
            st.lists(st.integers(0, 12), min_size=m, max_size=m), min_size=n, max_size=n
        )
    )
)


@given(tables, st.booleans(), st.integers(2, 10))
def test_no_small_published_cell_and_no_lonely_hidden_cell(
    counts: list[list[int]], margins: bool, threshold: int
) -> None:
    released = protect(grid(counts, margins=margins), SuppressionPolicy(threshold=threshold))
    for line in _lines(released):
        assert all(not (isinstance(v, int) and 0 < v < threshold) for v in line)
        if margins and len(line) >= 2:
            assert sum(isinstance(v, Suppressed) for v in line) != 1
    for i, row_counts in enumerate(counts):
        for j, n in enumerate(row_counts):
            published = released.cells[i][j]
            assert published == n or isinstance(published, Suppressed)
            if n == 0:
                assert published == 0, "zeros are published, never hidden"
    json.dumps(released.to_dict())


# -- rounding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "rounded"),
    [(0, 0), (1, 5), (2, 5), (7, 5), (8, 10), (12, 10), (13, 15), (17, 15), (18, 20), (100, 100)],
)
def test_round_count_follows_dss(count: int, rounded: int) -> None:
    assert round_count(count) == rounded


@given(tables)
def test_rounding_gives_multiples_of_five_and_keeps_true_zeros(counts: list[list[int]]) -> None:
    # Without margins nothing adds up, so no count can be pinned and none is refused
    # (tests/test_privacy_sdc_attack.py attacks rounded tables with margins).
    released = protect(grid(counts, margins=False), RoundingPolicy())
    for line in _lines(released):
        for value in line:
            assert isinstance(value, int)
            assert value % 5 == 0
    for i, row_counts in enumerate(counts):
        for j, n in enumerate(row_counts):
            published = released.cells[i][j]
            assert (published == 0) == (n == 0)
            if 1 <= n <= 7:
                assert published == 5
            assert isinstance(published, int)
            assert abs(published - n) <= 4


def test_rounding_rejects_nonsense() -> None:
    with pytest.raises(DexValueError):
        round_count(-1)
    with pytest.raises(DexValueError):
        RoundingPolicy(base=1)
    assert protect(grid([[3]]), RoundingPolicy()).to_dict()["policy"]["additive"] is False  # type: ignore[index]


# -- population groups ------------------------------------------------------------------------


def test_a_group_entirely_in_one_category_is_flagged() -> None:
    # Everyone at outlet r0 is in column c1: the table says so of each of them.
    released = protect(grid([[0, 12, 0], [6, 9, 12]]))
    codes = [(w.code, w.row, w.column) for w in released.warnings]
    # ... and everyone in columns c0 and c2 is at r1.
    assert codes == [
        ("sdc.population-group", "r0", "c1"),
        ("sdc.population-group", "r1", "c0"),
        ("sdc.population-group", "r1", "c2"),
    ]
    assert "every client with row 'r0' has column 'c1'" in released.to_text()


def test_mixed_groups_raise_no_warning() -> None:
    assert protect(grid([[5, 7], [8, 9]])).warnings == ()
    assert protect(grid([[5], [8]])).warnings == ()  # one column: nothing to learn


def test_a_column_entirely_in_one_row_is_flagged() -> None:
    released = protect(grid([[6, 7], [8, 0]]))
    assert [(w.row, w.column) for w in released.warnings] == [("r1", "c0"), ("r0", "c1")]


def test_released_tables_as_text_and_bad_arguments() -> None:
    released = protect(grid([[3, 12], [8, 9]]))
    text = released.to_text()
    assert "n.p." in text
    assert "<5" not in text
    assert "policy: suppress-below-5" in text
    with pytest.raises(DexValueError):
        protect(grid([[3]]), "none")  # type: ignore[arg-type]
    with pytest.raises(DexValueError):
        protect(grid([[3]]), on_difference="ignore")  # type: ignore[arg-type]
    assert released.to_dict()["rows"] == {"dimension": "row", "labels": ["r0", "r1"]}
