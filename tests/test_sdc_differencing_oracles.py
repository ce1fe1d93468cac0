"""The differencing guard and the count tables, on cases worked by hand.

Each test releases a few small tables through :func:`protect` with one
:class:`ReleaseHistory` and states, from the subtraction a reader would do
(docs/howto/privacy.md, "Differencing"), whether the last one must be refused
or may pass. The arithmetic is in the comments; no expected value comes from
the code under test.
"""

from __future__ import annotations

import threading
from typing import NoReturn

import pytest

from dexcore.errors import DexValueError, DisclosureRefused
from dexcore.model import Dataset
from dexcore.privacy.sdc import (
    BY_ATSI,
    BY_GENDER,
    CountTable,
    DisclosureWarning,
    Population,
    ProtectionSummary,
    ReleasedTable,
    ReleaseHistory,
    RoundingPolicy,
    Suppressed,
    SuppressionKind,
    SuppressionPolicy,
    _protect,
    count_clients,
    count_table,
    protect,
)
from dexcore.privacy.sdc._grid import _Grid
from test_privacy_differencing import release_in_order, single, table
from test_sdc_oracles import H2, _session, four_clients

# -- the sibling family a parent is checked against ----------------------------------------------


def _outlets(*, a_only: int, b_only: int, both: int) -> CountTable:
    """O1's clients by outlet A and B, ``both`` of them at both."""
    visits = [
        (f"{tag}{n}", outlet)
        for tag, k, outlets in (("a", a_only, "A"), ("b", b_only, "B"), ("ab", both, "AB"))
        for n in range(k)
        for outlet in outlets
    ]
    return count_clients(
        [(key, outlet, "c0") for key, outlet in visits],
        title="by outlet",
        row_dimension="outlet",
        column_dimension="column",
        rows=["A", "B"],
        columns=["c0"],
        population={"org": "O1"},
    )


def test_a_parent_is_checked_against_the_margin_of_two_outlets_rather_than_its_parts() -> None:
    # Published first: A 7, B 5 and their total 10 (2 clients at both); then outlet C, 18.
    # O1's count of 30 then gives 30 - 10 - 18 = 2 clients at none of A, B or C: refused.
    # Taking A and B one by one instead (7 + 5 = 12, counting the 2 twice), every remainder
    # is 30, 25, 23, 18, 12, 7, 5 or 0: none from 1 to 4, so the margin must be the one taken.
    history = ReleaseHistory()
    protect(_outlets(a_only=5, b_only=3, both=2), history=history)
    protect(single({"org": "O1", "outlet": "C"}, 18, "c"), history=history)
    with pytest.raises(DisclosureRefused):
        protect(single({"org": "O1"}, 30, "p"), history=history, on_difference="refuse")


def test_an_outlet_published_in_four_places_is_subtracted_once() -> None:
    # Outlet A's 10 clients appear as its cell, its row and column totals and the grand
    # total. O1's 24 less A is 14; A's clients taken twice (24 - 20 = 4) is no count at all.
    history = ReleaseHistory()
    protect(
        table([[10]], population={"org": "O1"}, dimensions=("outlet", "column"), rows=["A"]),
        history=history,
    )
    parent = protect(single({"org": "O1"}, 24, "p"), history=history, on_difference="refuse")
    assert parent.cells == ((24,),)


def test_a_value_whose_labels_meet_nowhere_does_not_hide_the_siblings_that_expose() -> None:
    # Outlet X's clients by the other outlets they attended: 20 of them also at Y (a scope
    # whose outlet is both X and Y). Then outlets A (14) and B (13), and O1 (30):
    # 30 - 14 - 13 = 3 clients at neither A nor B. The X-and-Y count must not stand in for them.
    history = ReleaseHistory()
    protect(
        table(
            [[20]],
            population={"org": "O1", "outlet": "X"},
            dimensions=("outlet", "everyone"),
            rows=["Y"],
            margins=False,
        ),
        history=history,
    )
    protect(single({"org": "O1", "outlet": "A"}, 14, "a"), history=history)
    protect(single({"org": "O1", "outlet": "B"}, 13, "b"), history=history)
    with pytest.raises(DisclosureRefused):
        protect(single({"org": "O1"}, 30, "p"), history=history, on_difference="refuse")


def _year_and_first_half() -> ReleaseHistory:
    """O1 in 2024: 30 clients; in 2024-H1: 12."""
    history = ReleaseHistory()
    protect(single({"org": "O1", "year": "2024"}, 30, "y"), history=history)
    protect(single({"org": "O1", "period": "2024-H1"}, 12, "h"), history=history)
    return history


SECOND_HALF = single({"org": "O1", "period": "2024-H2"}, 16, "g")


def test_the_other_half_of_a_published_year_is_refused_in_these_words() -> None:
    # 30 - 16 - 12 = 2 clients of 2024 in neither half's count (or shared by both): refused,
    # one value, and a small count is 1 to 4 under the threshold of 5.
    with pytest.raises(DisclosureRefused) as caught:
        protect(SECOND_HALF, history=_year_and_first_half(), on_difference="refuse")
    assert str(caught.value) == (
        "1 value(s) would let a reader subtract earlier releases of nested or sibling "
        "populations down to a count of 1 to 4 [sdc.differencing]"
    )


def test_the_other_half_of_a_published_year_is_hidden_and_counted() -> None:
    # As above, but suppressed: H2's one value is hidden for differencing, under threshold 5.
    released = protect(SECOND_HALF, history=_year_and_first_half())
    assert released.cells == ((Suppressed(SuppressionKind.DIFFERENCING, 5),),)
    assert released.warnings == (
        DisclosureWarning(
            "sdc.differencing",
            "1 value(s) hidden because, with earlier releases of nested or sibling "
            "populations, they would give a count of 1 to 4",
        ),
    )


def test_values_hidden_over_several_rounds_are_all_counted() -> None:
    # O1 by outlet: A 20, B 7 (5 of them also at A), 22 at either; O1 itself: 33. Then outlets
    # A and C: A 23, C 10. A's 23 - 20 = 3 new clients: hidden. C's 10 leaves
    # 33 - 10 - 22 = 1 client at none of A, B or C: hidden too. Two values in all, whether the
    # guard finds them at once or one after the other.
    history = ReleaseHistory()
    protect(_outlets(a_only=15, b_only=2, both=5), history=history)
    protect(single({"org": "O1"}, 33, "p"), history=history)
    released = protect(
        table(
            [[23], [10]],
            population={"org": "O1"},
            dimensions=("outlet", "everyone"),
            rows=["A", "C"],
            margins=False,
            tag="n",
        ),
        history=history,
    )
    hidden = Suppressed(SuppressionKind.DIFFERENCING, 5)
    assert released.cells == ((hidden,), (hidden,))
    assert [w.message for w in released.warnings] == [
        "2 value(s) hidden because, with earlier releases of nested or sibling populations, "
        "they would give a count of 1 to 4"
    ]


def test_values_hidden_to_protect_a_differencing_one_are_secondary_under_the_threshold() -> None:
    # O1:          X (within O1):
    #   40 30 | 70     37 20 | 57
    #   30 30 | 60     20 20 | 40
    #   70 60 |130     57 40 | 97
    # Only (r0, c0) is 1 to 4 from O1's (40 - 37 = 3); every other difference is 10 or more, and
    # (r0, c0) is hidden for differencing. Its row (57 - 20) and column (57 - 20) would give it
    # back, so more values are hidden: as secondary, each under the policy's threshold of 5.
    history = ReleaseHistory()
    protect(table([[40, 30], [30, 30]], population={"org": "O1"}), history=history)
    x = protect(
        table([[37, 20], [20, 20]], population={"org": "O1", "outlet": "X"}, tag="x"),
        history=history,
    )
    assert x.cells[0][0] == Suppressed(SuppressionKind.DIFFERENCING, 5)
    assert x.column_totals is not None
    assert x.row_totals is not None
    others = [*x.cells[0][1:], *x.cells[1], *x.row_totals, *x.column_totals, x.total]
    hidden = [cell for cell in others if isinstance(cell, Suppressed)]
    assert hidden
    assert set(hidden) == {Suppressed(SuppressionKind.SECONDARY, 5)}


def test_a_quarter_within_a_half_is_not_subtracted_with_it() -> None:
    # 2024: 40; H1: 20; Q1 (within H1): 8; then H2: 15. The reader's remainders: 40 - 15 = 25,
    # less H1 = 5, less Q1 = 17; less both would count Q1's clients twice (25 - 28 = -3 is no
    # count). Nothing from 1 to 4: H2 is published.
    published = release_in_order(
        {
            "Y": single({"org": "O1", "year": "2024"}, 40, "y"),
            "H": single({"org": "O1", "period": "2024-H1"}, 20, "h"),
            "Q": single({"org": "O1", "period": "2024-Q1"}, 8, "q"),
            "G": single({"org": "O1", "period": "2024-H2"}, 15, "g"),
        },
        "YHQG",
    )
    assert published == {"Y": 40, "H": 20, "Q": 8, "G": 15}


def test_a_part_of_the_year_is_not_subtracted_with_the_year_it_lies_in() -> None:
    # O1 in 2024: 40; outlet A in 2024-H2: 8; then outlet A in 2024: 30. The reader's
    # remainders: 40 - 30 = 10 (O1's clients of 2024 not at A) and 30 - 8 = 22 (A's outside
    # H2). A's H2 lies within A's 2024, so 40 - 30 - 8 = 2 counts H2's clients twice: no count.
    published = release_in_order(
        {
            "P": single({"org": "O1", "year": "2024"}, 40, "p"),
            "H": single({"org": "O1", "outlet": "A", "period": "2024-H2"}, 8, "h"),
            "A": single({"org": "O1", "outlet": "A", "year": "2024"}, 30, "a"),
        },
        "PHA",
    )
    assert published == {"P": 40, "H": 8, "A": 30}


def test_a_revised_table_is_not_taken_as_a_part_of_its_first_release() -> None:
    # O1 by outlet: A 16, B 16 (total 32); outlet C: 11; then the table again, revised: A 11,
    # B 11 (total 22). Each revised value differs from the first by 5 or more (16 - 11, 32 - 22)
    # and leaves 5 or more less any outlet (22 - 11 = 11, 22 - 16 = 6, 22 - 16 - 11 = -5). The
    # first total less the revised one is the revision (10), not a remainder: 32 - 22 - 11 = -1
    # counts nobody. The revision is published.
    def by_outlet(a: int, b: int, tag: str) -> CountTable:
        return table(
            [[a], [b]],
            population={"org": "O1"},
            dimensions=("outlet", "everyone"),
            rows=["A", "B"],
            tag=tag,
        )

    history = ReleaseHistory()
    protect(by_outlet(16, 16, "first"), history=history)
    protect(single({"org": "O1", "outlet": "C"}, 11, "c"), history=history)
    revised = protect(by_outlet(11, 11, "revised"), history=history, on_difference="refuse")
    assert (revised.cells, revised.total, revised.warnings) == (((11,), (11,)), 22, ())


def test_a_child_as_large_as_its_parent_is_checked_against_smaller_siblings() -> None:
    # O1: 30. Outlet B: 3, published under a threshold of 3. Then outlet A: 30, as many as O1,
    # so O1's clients are all A's: 30 - 30 - 3 = -3, B's 3 clients are all at A too (a count
    # from -1 to -4 is the clients siblings share). Refused under the threshold of 5.
    history = ReleaseHistory()
    protect(single({"org": "O1"}, 30, "p"), history=history)
    protect(
        single({"org": "O1", "outlet": "B"}, 3, "b"),
        SuppressionPolicy(threshold=3),
        history=history,
    )
    with pytest.raises(DisclosureRefused):
        protect(
            single({"org": "O1", "outlet": "A"}, 30, "a"), history=history, on_difference="refuse"
        )


def _outlet_a_by_period(periods: list[str], population: dict[str, str]) -> CountTable:
    """Outlet A of O1 by period: 12 clients in the first, 10 in the second, 2 in both."""
    visits = [(f"a{n}", periods[0]) for n in range(12)]
    visits += [(f"b{n}", periods[-1]) for n in range(10 if len(periods) > 1 else 0)]
    visits += [(f"a{n}", periods[-1]) for n in range(2 if len(periods) > 1 else 0)]
    return count_clients(
        [(key, "A", period) for key, period in visits],
        title="outlet A by period",
        row_dimension="outlet",
        column_dimension="period",
        columns=periods,
        population={"org": "O1", **population},
    )


def test_a_total_over_both_halves_is_a_sibling_of_a_count_of_the_calendar_year() -> None:
    # A's total over 2024-H1 and 2024-H2 is its 20 clients of calendar 2024; outlet B in
    # calendar 2024: 17; O1 in calendar 2024: 40. 40 - 20 - 17 = 3 at neither: refused.
    history = ReleaseHistory()
    protect(_outlet_a_by_period(["2024-H1", "2024-H2"], {}), history=history)
    protect(single({"org": "O1", "outlet": "B", "calendar year": "2024"}, 17, "b"), history=history)
    with pytest.raises(DisclosureRefused):
        protect(
            single({"org": "O1", "calendar year": "2024"}, 40, "p"),
            history=history,
            on_difference="refuse",
        )


def test_a_total_over_the_periods_of_a_year_is_read_as_that_year() -> None:
    # A table of O1's 2024 by period, one period listed: its total is read as all of A's 2024
    # (docs/howto/privacy.md: a margin is also read as everyone on its dimension): 12. Outlet B
    # in 2024: 25; O1 in 2024: 40. 40 - 12 - 25 = 3 at neither: refused.
    history = ReleaseHistory()
    protect(_outlet_a_by_period(["2024-H1"], {"year": "2024"}), history=history)
    protect(single({"org": "O1", "outlet": "B", "year": "2024"}, 25, "b"), history=history)
    with pytest.raises(DisclosureRefused):
        protect(
            single({"org": "O1", "year": "2024"}, 40, "p"), history=history, on_difference="refuse"
        )


# -- what the history holds -----------------------------------------------------------------------


def test_an_earlier_sibling_keeps_its_place_when_a_later_one_has_the_same_count() -> None:
    # O1: 60 and outlet B: 20, released before the history was kept; then outlet C: 20. Outlet
    # X: 17. 60 - 17 - 20 - 20 = 3 at none of B, C or X: refused. C's record taking B's place
    # (equal counts) would leave only 60 - 17 - 20 = 23.
    earlier = [
        protect(single({"org": "O1"}, 60, "p")),
        protect(single({"org": "O1", "outlet": "B"}, 20, "b")),
    ]
    history = ReleaseHistory(earlier)
    protect(single({"org": "O1", "outlet": "C"}, 20, "c"), history=history)
    with pytest.raises(DisclosureRefused):
        protect(
            single({"org": "O1", "outlet": "X"}, 17, "x"), history=history, on_difference="refuse"
        )


def test_a_table_refused_after_the_guard_is_not_held_against_later_ones() -> None:
    # O1's cells 13, 8 and 1 round to 15, 10 and 5 and their total 22 to 20, which pins every
    # count (docs/howto/privacy.md): refused, so nothing of it is published. Outlet X's 17 has
    # nothing published to be subtracted from (had O1's 20 been published, 20 - 17 = 3).
    history = ReleaseHistory()
    refused = table([[13, 8, 1]], population={"org": "O1"})
    with pytest.raises(DisclosureRefused) as caught:
        protect(refused, RoundingPolicy(), history=history)
    assert caught.value.code == "sdc.rounding-recoverable"
    outlet = protect(single({"org": "O1", "outlet": "X"}, 17, "x"), history=history)
    assert (outlet.cells, outlet.warnings) == (((17,),), ())
    assert history.released == (outlet,)


def test_a_refused_table_is_no_sibling_of_later_ones() -> None:
    # O1: 40. Outlet B's cells 13, 8 and 1 (total 22, rounded to 20) are refused as above.
    # Outlet A's 17: 40 - 17 = 23 clients elsewhere; had B's 20 been published, 40 - 17 - 20
    # = 3 would be at neither. It was not: A's 17 is published.
    history = ReleaseHistory()
    parent = protect(single({"org": "O1"}, 40, "p"), history=history)
    with pytest.raises(DisclosureRefused):
        protect(
            table([[13, 8, 1]], population={"org": "O1", "outlet": "B"}),
            RoundingPolicy(),
            history=history,
        )
    outlet = protect(single({"org": "O1", "outlet": "A"}, 17, "a"), history=history)
    assert (outlet.cells, outlet.warnings) == (((17,),), ())
    assert history.released == (parent, outlet)


@pytest.mark.parametrize("margin", ["row", "column"])
def test_a_table_published_with_one_margin_only_is_compared_by_it(margin: str) -> None:
    # Outlet X, published before the history was kept, by hand, with its totals on one side
    # only: 24 and 20 clients, 35 in all (9 in both). O1 then: 30 and 26, 38 in all (18 in
    # both). The cells differ by 6 and 6, and O1's total less X's cells leaves 38 - 24 - 20 =
    # -6, 14 or 18; but the totals differ by 38 - 35 = 3: O1's total is hidden.
    cells: tuple[tuple[int, ...], ...] = ((24, 20),) if margin == "row" else ((24,), (20,))
    totals = (35,)
    outlet = ReleasedTable(
        title="outlet X",
        row_dimension="column" if margin == "column" else "row",
        column_dimension="row" if margin == "column" else "column",
        rows=("c0", "c1") if margin == "column" else ("r0",),
        columns=("r0",) if margin == "column" else ("c0", "c1"),
        cells=cells,
        row_totals=totals if margin == "row" else None,
        column_totals=totals if margin == "column" else None,
        total=None,
        policy=SuppressionPolicy(),
        population=Population({"org": "O1", "outlet": "X"}),
    )
    visits = [(f"a{n}", "c0") for n in range(12)] + [(f"b{n}", "c1") for n in range(8)]
    visits += [(f"ab{n}", column) for n in range(18) for column in ("c0", "c1")]
    organisation = count_clients(
        [(key, "r0", column) for key, column in visits],
        title="O1",
        row_dimension="row",
        column_dimension="column",
        population={"org": "O1"},
    )
    released = protect(organisation, history=ReleaseHistory([outlet]))
    assert released.cells == ((30, 26),)
    assert released.row_totals == (Suppressed(SuppressionKind.DIFFERENCING, 5),)


def test_a_protection_interrupted_after_the_guard_leaves_no_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # O1's 20 passes the guard, then the audit is interrupted: 20 is never published, so
    # outlet X's 17 is (had it been, 20 - 17 = 3).
    def interrupted(grid: object) -> NoReturn:
        raise KeyboardInterrupt

    history = ReleaseHistory()
    with monkeypatch.context() as patched:
        patched.setattr(_protect, "_final_audit", interrupted)
        with pytest.raises(KeyboardInterrupt):
            protect(single({"org": "O1"}, 20, "p"), history=history)
    outlet = protect(single({"org": "O1", "outlet": "X"}, 17, "x"), history=history)
    assert (outlet.cells, len(history)) == (((17,),), 1)


def test_a_table_is_listed_as_released_only_once_protect_has_released_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # While O1's table is between the guard and its audit, the history holds its values (for
    # the guard of other threads) but lists no table as released: nothing is yet.
    entered, resume = threading.Event(), threading.Event()
    audit = _protect._final_audit

    def held(grid: _Grid) -> ProtectionSummary:
        entered.set()
        resume.wait(10)
        return audit(grid)

    monkeypatch.setattr(_protect, "_final_audit", held)
    history = ReleaseHistory()
    o1 = single({"org": "O1"}, 40, "p")
    worker = threading.Thread(target=protect, args=(o1,), kwargs={"history": history})
    worker.start()
    try:
        assert entered.wait(10)
        listed = (history.released, len(history), history.nested_with(o1))
    finally:
        resume.set()
        worker.join(10)
    assert listed == ((), 0, [])
    assert len(history) == 1


# -- count tables by hand ------------------------------------------------------------------------

GOOD_TABLE: dict[str, object] = {
    "title": "t",
    "row_dimension": "row",
    "column_dimension": "column",
    "rows": ("r0", "r1"),
    "columns": ("c0", "c1"),
    "counts": ((1, 2), (3, 4)),
    "row_totals": (3, 7),
    "column_totals": (4, 6),
    "total": 10,
}
SHAPE = "counts must have 2 row(s) of 2 count(s), one per row and column label"
TOTALS = "row_totals and column_totals must have one count per row and per column"
WHOLE = "every count and total must be a whole number of at least 0"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"counts": ((1, 2),)}, SHAPE),  # one row of counts for two row labels
        ({"counts": ((1, 2), (3,))}, SHAPE),  # two rows, the second one count short
        ({"row_totals": (3,)}, TOTALS),  # the column totals are right
        ({"column_totals": (4, 6, 0)}, TOTALS),  # the row totals are right
        ({"counts": ((-1, 2), (3, 4))}, WHOLE),  # a cell below 0, every total fine
        ({"counts": ((1.5, 2), (3, 4))}, WHOLE),  # not a whole number, though above 0
        ({"counts": ((True, 2), (3, 4))}, WHOLE),  # a bool is no count
        ({"total": -10}, WHOLE),
    ],
)
def test_a_table_built_by_hand_is_refused_in_these_words(
    changes: dict[str, object], problem: str
) -> None:
    with pytest.raises(DexValueError) as caught:
        CountTable(**{**GOOD_TABLE, **changes})  # type: ignore[arg-type]
    assert str(caught.value) == f"CountTable: {problem} [sdc.bad-table]"


def test_a_table_built_by_hand_with_good_counts_is_kept() -> None:
    counted = CountTable(**GOOD_TABLE)  # type: ignore[arg-type]
    assert (counted.count("r1", "c0"), counted.total) == (3, 10)


@pytest.mark.parametrize(
    ("rows", "columns", "message"),
    [
        (["r0", "r0"], None, "count_clients: row and column labels must be unique"),
        (None, ["c0", "c0"], "count_clients: row and column labels must be unique"),
        (["r1"], None, "count_clients: a contribution falls outside the given rows or columns"),
        (None, ["c1"], "count_clients: a contribution falls outside the given rows or columns"),
    ],
)
def test_labels_count_clients_refuses_in_these_words(
    rows: list[str] | None, columns: list[str] | None, message: str
) -> None:
    with pytest.raises(DexValueError) as caught:
        count_clients(
            [("k1", "r0", "c0")],
            title="t",
            row_dimension="row",
            column_dimension="column",
            rows=rows,
            columns=columns,
        )
    assert str(caught.value) == message


# -- count tables from a dataset --------------------------------------------------------------


@pytest.fixture(scope="module")
def sessions() -> Dataset:
    """The example's first four clients, as in test_sdc_oracles: in 2024-H2, C00002 (male)
    at S2, C00003 (female, Aboriginal) and C00004 (male) at S3, C00001 (female) at S4."""
    return four_clients(
        _session("S0", "A", "2024-06-30", "C00001"),
        _session("S2", "A", "2024-08-01", "C00002"),
        _session("S3", "B", "2024-09-01", "C00003", "C00004"),
        _session("S4", "A", "2024-10-01", "C00001"),
    )


def test_a_count_table_keeps_its_dimensions_categories_and_population(sessions: Dataset) -> None:
    # Rows: genders seen, sorted. Columns: the ATSI categories in their given order, the empty
    # "not stated" included. FEMALE: C00003 yes, C00001 no; MALE: C00002 and C00004 no.
    counted = count_table(
        sessions, BY_GENDER, BY_ATSI, period=H2, population={"organisation": "EX-0001"}
    )
    assert (counted.row_dimension, counted.column_dimension) == ("gender", "atsi")
    assert (counted.rows, counted.columns) == (("FEMALE", "MALE"), ("yes", "no", "not stated"))
    assert counted.counts == ((1, 1, 0), (0, 2, 0))
    assert (counted.row_totals, counted.column_totals, counted.total) == ((2, 2), (1, 3, 0), 4)
    assert counted.population == Population({"organisation": "EX-0001"})
    assert counted.title == "Clients by gender and atsi, 2024-H2"
