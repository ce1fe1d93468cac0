"""The differencing guard against an attacker who subtracts published tables.

"Differencing is the process of comparing two or more outputs to reveal
information that would not otherwise be disclosed" (ABS, Confidentiality in
ABS data: differencing,
https://www.abs.gov.au/about/data-services/data-confidentiality-guide). Each
attack test publishes tables through :func:`protect`, then subtracts their
published values the way a reader would, by its own arithmetic, and checks
that no subtraction gives a count from 1 to 4.
"""

from __future__ import annotations

import datetime as dt
import doctest
import re
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dexcore.errors import DisclosureRefused
from dexcore.privacy import ReleaseDesk
from dexcore.privacy.disclosure import AuditEntry
from dexcore.privacy.sdc import (
    Cell,
    CountTable,
    Population,
    ProtectionSummary,
    ReleasedTable,
    ReleaseHistory,
    RoundingPolicy,
    Suppressed,
    SuppressionKind,
    SuppressionPolicy,
    _population,
    count_clients,
    protect,
)
from dexcore.privacy.sdc._canonical import (
    LABEL_SYNONYMS,
    NAME_SYNONYMS,
    canonical_label,
    canonical_name,
    canonical_text,
    is_everyone,
    time_hint,
    time_readings,
)
from dexcore.privacy.sdc._exposure import _alike, _leaves_small, shared_readings
from dexcore.privacy.sdc._scope import Scope, population_values

SMALL = range(1, 5)


def table(
    counts: Sequence[Sequence[int]],
    *,
    population: dict[str, str] | None = None,
    dimensions: tuple[str, str] = ("row", "column"),
    rows: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    transpose: bool = False,
    tag: str = "",
    margins: bool = True,
) -> CountTable:
    """A table whose cells hold ``counts``, each cell with its own clients (prefixed ``tag``).

    With ``transpose`` the same counts are laid out with rows and columns swapped.
    """
    row_labels = list(rows or [f"r{i}" for i in range(len(counts))])
    column_labels = list(columns or [f"c{j}" for j in range(len(counts[0]))])
    contributions = [
        (f"{tag}{r}-{c}-{k}", r, c)
        for i, r in enumerate(row_labels)
        for j, c in enumerate(column_labels)
        for k in range(counts[i][j])
    ]
    row_dimension, column_dimension = dimensions
    if transpose:
        contributions = [(key, c, r) for key, r, c in contributions]
        row_labels, column_labels = column_labels, row_labels
        row_dimension, column_dimension = column_dimension, row_dimension
    return count_clients(
        contributions,
        title="test",
        row_dimension=row_dimension,
        column_dimension=column_dimension,
        rows=row_labels,
        columns=column_labels,
        population=population or {},
        margins=margins,
    )


def value(released: ReleasedTable, row: str | None, column: str | None) -> Cell | None:
    """What a reader sees at a row and column label (``None``: the margin)."""
    rows, columns = released.rows, released.columns
    if row is not None and column is not None:
        return released.cells[rows.index(row)][columns.index(column)]
    if row is not None:
        return None if released.row_totals is None else released.row_totals[rows.index(row)]
    if column is not None:
        totals = released.column_totals
        return None if totals is None else totals[columns.index(column)]
    return released.total


def remainder(parent: Cell | None, *children: Cell | None) -> int | None:
    """The attacker's subtraction, or ``None`` when a value it needs is hidden."""
    if not isinstance(parent, int) or not all(isinstance(c, int) for c in children):
        return None
    return parent - sum(c for c in children if isinstance(c, int))


def hidden(cell: Cell | None) -> bool:
    return isinstance(cell, Suppressed)


# -- the four sidesteps, now caught --------------------------------------------------------------


@pytest.mark.parametrize("reverse", [False, True])
def test_a_transposed_table_is_compared(reverse: bool) -> None:
    history = ReleaseHistory()
    organisation = table([[40, 22], [30, 25]], population={"org": "O1"})
    # outlet X: 37 in (r0, c0), so 3 clients of the organisation in (r0, c0) are elsewhere
    outlet = table([[37, 22], [30, 25]], population={"org": "O1", "outlet": "X"}, transpose=True)
    if reverse:
        x, o = protect(outlet, history=history), protect(organisation, history=history)
    else:
        o, x = protect(organisation, history=history), protect(outlet, history=history)
    for row in ("r0", "r1", None):
        for column in ("c0", "c1", None):
            assert remainder(value(o, row, column), value(x, column, row)) not in SMALL
    later = o if reverse else x
    assert hidden(value(o, "r0", "c0") if reverse else value(x, "c0", "r0"))
    assert any(w.code == "sdc.differencing" for w in later.warnings)


@pytest.mark.parametrize("reverse", [False, True])
def test_the_complement_of_published_outlets_is_guarded(reverse: bool) -> None:
    """Organisation minus outlets X and Y is outlet Z, never published: 2 clients in (r0, c0)."""
    history = ReleaseHistory()
    org = {"org": "O1"}
    tables = {
        "O1": table([[32, 20]], population=org),
        "X": table([[15, 10]], population={**org, "outlet": "X"}, tag="x"),
        "Y": table([[15, 10]], population={**org, "outlet": "Y"}, tag="y"),
    }
    order = ["X", "Y", "O1"] if reverse else ["O1", "X", "Y"]
    released = {name: protect(tables[name], history=history) for name in order}
    for column in ("c0", "c1", None):
        for row in ("r0", None):
            parts = [value(released[n], row, column) for n in ("O1", "X", "Y")]
            assert remainder(*parts) not in SMALL
    last = released[order[-1]]
    assert hidden(value(last, "r0", "c0"))
    assert any(w.code == "sdc.differencing" for w in last.warnings)


def test_the_complement_of_outlets_within_one_new_table_is_guarded() -> None:
    """An organisation's table, then a table by outlet listing two of its three outlets."""
    history = ReleaseHistory()
    whole = protect(
        table([[32, 20]], population={"org": "O1"}, dimensions=("all", "gender")), history=history
    )
    by_outlet = protect(
        table(
            [[15, 10], [15, 10]],
            population={"organisation": "O1"},
            dimensions=("outlet", "Gender"),
            rows=["X", "Y"],
        ),
        history=history,
    )
    attack = remainder(
        value(whole, "r0", "c0"), value(by_outlet, "X", "c0"), value(by_outlet, "Y", "c0")
    )
    assert attack not in SMALL


def test_outlets_that_cover_their_organisation_do_not_reveal_the_clients_they_share() -> None:
    """O1 has outlets X and Y only; 2 clients attend both, so O1 − X − Y = −2."""
    visits = [(f"x{n}", "X") for n in range(14)] + [(f"y{n}", "Y") for n in range(14)]
    visits += [(f"both{n}", outlet) for n in range(2) for outlet in ("X", "Y")]
    history = ReleaseHistory()

    def release(outlet: str | None) -> ReleasedTable:
        chosen = [(key, "r0", "c0") for key, at in visits if outlet in (None, at)]
        population = {"org": "O1"} | ({} if outlet is None else {"outlet": outlet})
        counted = count_clients(
            chosen, title="t", row_dimension="row", column_dimension="column",
            population=population,
        )  # fmt: skip
        return protect(counted, history=history)

    org, x, y = release(None), release("X"), release("Y")
    attack = remainder(value(org, "r0", "c0"), value(x, "r0", "c0"), value(y, "r0", "c0"))
    assert attack is None or -attack not in SMALL
    assert hidden(value(y, "r0", "c0"))


@pytest.mark.parametrize(
    ("parent", "child"),
    [
        ({"year": "2024"}, {"period": "2024-H1"}),
        ({"Year": "2024"}, {"period": "2024 h1"}),
        ({"financial year": "2023-24"}, {"reporting_period": "2024-H1"}),
        ({"period": "FY2024"}, {"month": "June 2024"}),
        ({"year": "2024"}, {"year": "2024", "half": "H1"}),
        ({"calendar year": "2024"}, {"quarter": "2024-Q3"}),
    ],
)
def test_time_filters_under_any_name_are_compared(
    parent: dict[str, str], child: dict[str, str]
) -> None:
    history = ReleaseHistory()
    year = protect(table([[40, 22]], population=parent), history=history)
    half = protect(table([[38, 22]], population=child), history=history)
    assert remainder(value(year, "r0", "c0"), value(half, "r0", "c0")) not in SMALL
    assert remainder(value(year, "r0", None), value(half, "r0", None)) not in SMALL
    assert hidden(value(half, "r0", "c0"))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("gender", "period"), ("Gender", "period")),
        (("gender", "period"), (" GENDER ", "Reporting-Period")),
        (("gender", "period"), ("sex", "year")),
        (("gender", "period"), ("Ｇｅｎｄｅｒ", "period")),  # fullwidth
        (("gender", "period"), ("G\u0435nder", "period")),  # Cyrillic e
        (("gender", "period"), ("Gen\u200bder", "period")),  # zero-width space
    ],
)
def test_dimension_names_are_read_canonically(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    history = ReleaseHistory()
    columns = ["2024-H1", "2024-H2"]
    organisation = protect(
        table(
            [[40, 22], [30, 25]],
            population={"org": "O1"},
            dimensions=first,
            rows=["female", "male"],
            columns=columns,
        ),
        history=history,
    )
    outlet = protect(
        table(
            [[38, 22], [30, 25]],
            population={"Organisation": "o1", "outlet": "X"},
            dimensions=second,
            rows=["F", "Male"],
            columns=["2024 H1", "2024-h2"],
        ),
        history=history,
    )
    assert (
        remainder(value(organisation, "female", "2024-H1"), value(outlet, "F", "2024 H1"))
        not in SMALL
    )
    assert hidden(value(outlet, "F", "2024 H1"))


@pytest.mark.parametrize("everyone", ["All", "all outlets", "Total", "*"])
def test_a_filter_that_means_everyone_does_not_hide_the_nesting(everyone: str) -> None:
    history = ReleaseHistory()
    whole = protect(
        table([[40, 22]], population={"org": "O1", "outlet": everyone}), history=history
    )
    outlet = protect(table([[38, 22]], population={"org": "O1", "outlet": "X"}), history=history)
    assert remainder(value(whole, "r0", "c0"), value(outlet, "r0", "c0")) not in SMALL
    assert hidden(value(outlet, "r0", "c0"))


# -- overlapping label sets ---------------------------------------------------------------------


def test_tables_with_overlapping_label_sets_are_compared_where_they_meet() -> None:
    history = ReleaseHistory()
    org = protect(
        table([[40, 22, 30]], population={"org": "O1"}, columns=["a", "b", "c"]), history=history
    )
    outlet = protect(
        table([[20, 27]], population={"org": "O1", "outlet": "X"}, columns=["b", "d"]),
        history=history,
    )
    assert remainder(value(org, "r0", "b"), value(outlet, "r0", "b")) not in SMALL
    assert hidden(value(outlet, "r0", "b"))


def test_a_margin_over_fewer_labels_is_compared_with_a_wider_one() -> None:
    history = ReleaseHistory()
    org = protect(
        table([[40, 22, 30]], population={"org": "O1"}, columns=["a", "b", "c"]), history=history
    )
    # The outlet's total over a and b (59) lies within the organisation's over a, b and c (92).
    outlet = protect(
        table([[39, 20]], population={"org": "O1", "outlet": "X"}, columns=["a", "b"]),
        history=history,
    )
    assert remainder(value(org, "r0", "a"), value(outlet, "r0", "a")) not in SMALL
    assert hidden(value(outlet, "r0", "a"))


# -- no over-suppression ------------------------------------------------------------------------


def test_differences_of_five_or_more_and_unrelated_populations_pass() -> None:
    history = ReleaseHistory()
    protect(table([[40, 70]], population={"org": "O1"}), history=history)
    fine = protect(table([[15, 30]], population={"org": "O1", "outlet": "X"}), history=history)
    assert fine.suppressed == 0
    other = protect(table([[16, 29]], population={"org": "O2", "outlet": "Y"}), history=history)
    assert other.suppressed == 0
    # X and Y are siblings: X − Y is nobody's count; O1 − X − Y leaves 8, 12 and 20
    sibling = protect(table([[17, 28]], population={"org": "O1", "outlet": "Y"}), history=history)
    assert sibling.suppressed == 0


def test_siblings_leaving_a_remainder_of_five_or_more_pass() -> None:
    history = ReleaseHistory()
    protect(table([[40, 20]], population={"org": "O1"}), history=history)
    protect(table([[15, 10]], population={"org": "O1", "outlet": "X"}), history=history)
    last = protect(table([[15, 5]], population={"org": "O1", "outlet": "Y"}), history=history)
    assert last.suppressed == 0  # 40 − 15 − 15 = 10 and 20 − 10 − 5 = 5


def test_the_halves_of_a_year_are_not_compared_with_each_other() -> None:
    history = ReleaseHistory()
    protect(table([[40, 22]], population={"year": "2024", "half": "H1"}), history=history)
    second = protect(table([[38, 22]], population={"year": "2024", "half": "H2"}), history=history)
    assert second.suppressed == 0


def test_tables_with_different_dimensions_are_not_compared_cell_by_cell() -> None:
    history = ReleaseHistory()
    protect(
        table([[40, 22]], population={"org": "O1"}, dimensions=("gender", "period"), margins=False),
        history=history,
    )
    other = protect(
        table(
            [[38, 22]],
            population={"org": "O1", "outlet": "X"},
            dimensions=("state", "period"),
            margins=False,
        ),
        history=history,
    )
    assert other.suppressed == 0  # gender r0 and state r0 are different people


def test_margins_of_tables_with_different_dimensions_are_compared() -> None:
    """A period's total over every gender, and over every state, may both be everyone."""
    history = ReleaseHistory()
    org = protect(
        table([[20, 11], [20, 11]], population={"org": "O1"}, dimensions=("gender", "period")),
        history=history,
    )
    outlet = protect(
        table(
            [[19, 11], [19, 11]],
            population={"org": "O1", "outlet": "X"},
            dimensions=("state", "period"),
            tag="x",
        ),
        history=history,
    )
    for column in ("c0", "c1", None):
        assert remainder(value(org, None, column), value(outlet, None, column)) not in SMALL
        cells = [value(outlet, row, column) for row in ("r0", "r1")]
        assert remainder(value(org, None, column), *cells) not in SMALL  # X's states
    assert hidden(value(outlet, None, "c0"))


def test_a_time_outside_the_year_is_not_within_it() -> None:
    history = ReleaseHistory()
    protect(table([[40, 22]], population={"financial year": "2023-24"}), history=history)
    later = protect(table([[38, 22]], population={"period": "2024-H2"}), history=history)
    assert later.suppressed == 0


# -- the refuse option, the old nesting, the history ------------------------------------------


def test_an_outlet_within_its_organisation_cannot_reveal_a_small_remainder() -> None:
    history = ReleaseHistory()
    organisation = protect(table([[20, 30]], population={"org": "O1"}), history=history)
    assert organisation.suppressed == 0
    outlet = protect(table([[17, 30]], population={"org": "O1", "outlet": "X"}), history=history)
    cell = outlet.cell("r0", "c0")
    assert isinstance(cell, Suppressed)
    assert cell.kind is SuppressionKind.DIFFERENCING
    # and one more in its row, so the row total cannot give it back
    assert (
        sum(isinstance(v, Suppressed) for v in [*outlet.cells[0], value(outlet, "r0", None)]) >= 2
    )
    assert any(w.code == "sdc.differencing" for w in outlet.warnings)
    assert len(history) == 2


def test_a_half_year_within_its_year_and_the_refuse_option() -> None:
    history = ReleaseHistory()
    protect(table([[40, 22]], population={"year": "2024"}), history=history)
    with pytest.raises(DisclosureRefused) as caught:
        protect(
            table([[38, 22]], population={"year": "2024", "half": "H1"}),
            history=history,
            on_difference="refuse",
        )
    assert caught.value.rule == "sdc.differencing"
    assert len(history) == 1  # refused tables are not recorded
    history = ReleaseHistory()
    protect(table([[38, 22]], population={"year": "2024", "half": "H1"}), history=history)
    parent = protect(table([[40, 22]], population={"year": "2024"}), history=history)
    assert hidden(parent.cell("r0", "c0"))


def test_a_history_built_from_tables_and_added_to_by_hand() -> None:
    first = protect(table([[20, 30]], population={"org": "O1"}))
    history = ReleaseHistory([first])
    assert list(history.released) == [first]
    outlet = table([[17, 30]], population={"ORG": "o1", "Outlet": "X"})
    assert history.nested_with(outlet) == [first]
    assert history.nested_with(table([[17, 30]], population={"org": "O2"})) == []
    second = protect(outlet)
    history.add(second)  # released elsewhere, recorded by hand
    assert list(history.released) == [first, second]
    third = protect(table([[18, 30]], population={"org": "O1", "outlet": "X"}), history=history)
    assert hidden(third.cell("r0", "c0"))  # 20 − 18 = 2 and 17 against 18 = 1


def test_population_nesting() -> None:
    year = Population({"year": "2024"})
    half = Population([("half", "H1"), ("year", "2024")])
    assert half.within(year)
    assert not year.within(half)
    assert year.within(year)
    assert year.describe() == {"year": "2024"}
    assert Population({"Gender": "F"}).within(Population({"sex": "female"}))
    assert not Population({"org": "O1"}).within(Population({"org": "O2"}))
    assert doctest.testmod(_population).failed == 0


def test_canonical_names_labels_and_times() -> None:
    assert {canonical_name(n) for n in ["Gender", " gender", "GENDER", "sex"]} == {"gender"}
    names = ["year", "Period", "financial_year", "FY", "Reporting Period", "half-year"]
    assert {canonical_name(n) for n in names} == {"time"}
    assert canonical_name("outlets") == canonical_name("Outlet ID") == "outlet"
    assert canonical_label("012") == canonical_label("12")
    assert canonical_label("F") == canonical_label("female") != canonical_label("male")
    assert canonical_label("New South Wales") == canonical_label("nsw")
    assert canonical_label("\u0555\u0031") == canonical_label("O1")  # Armenian capital oh
    # days are (year * 12 + month - 1) * 31 + day - 1: 31 day slots a month
    january_2024 = 2024 * 12 * 31
    assert time_readings("2024-H1")[0] == frozenset(range(january_2024, january_2024 + 6 * 31))
    assert time_readings("2023-24")[0] == frozenset(range(january_2024 - 186, january_2024 + 186))
    assert time_readings("2024-06-15")[0] == frozenset({january_2024 + 5 * 31 + 14})
    # 2008-09 is a financial year (and September 2008), not the month "2008 9" alone
    july_2008 = (2008 * 12 + 6) * 31
    assert time_readings("2008-09")[1] == frozenset(range(july_2008, july_2008 + 12 * 31))
    calendar = time_readings("CY2024")[1]
    assert calendar == time_readings("Calendar year 2024")[1] != time_readings("2024")[1]
    assert time_readings("Financial year 2023-24")[1] == time_readings("FY24")[1]
    assert time_readings("FY2024")[1] == time_readings("2023-24")[1]
    assert time_readings("Term 1")[3] == frozenset({"term 1"})
    assert time_readings("2024-H3")[3] == frozenset({"2024 h 3"})


# -- properties -----------------------------------------------------------------------------------

CASES = [str, str.upper, str.lower, str.title, lambda s: f"  {s} ", lambda s: s.replace(" ", "_")]
ORGANISATION = ["org", "organisation", "Organization", "ORG"]
OUTLET = ["outlet", "Outlet", "site", "outlet_id"]
GENDER = ["gender", "Gender", "sex", "GENDER "]
PERIOD = ["period", "Period", "reporting period", "half year"]
FEMALE = ["female", "Female", "F", "f"]
MALE = ["male", "MALE", "M", "Male "]
H1 = ["2024-H1", "2024 H1", "2024-h1", "2024H1"]
H2 = ["2024-H2", "2024 h2", "2024-H2", "2024H2"]


@settings(max_examples=60, deadline=None)
@given(
    parent=st.lists(st.lists(st.integers(5, 40), min_size=2, max_size=2), min_size=2, max_size=2),
    taken=st.lists(st.lists(st.integers(0, 6), min_size=2, max_size=2), min_size=2, max_size=2),
    names=st.tuples(*(st.integers(0, 3) for _ in range(9))),
    case=st.sampled_from(CASES),
    transpose=st.booleans(),
    child_first=st.booleans(),
)
def test_renamed_releases_never_differ_by_a_small_count(
    parent: list[list[int]],
    taken: list[list[int]],
    names: tuple[int, ...],
    case: object,
    transpose: bool,
    child_first: bool,
) -> None:
    """An outlet's table, renamed at random, never differs from its organisation's by 1 to 4."""
    assert callable(case)
    child = [
        [max(p - t, 0) for p, t in zip(pl, tl, strict=True)]
        for pl, tl in zip(parent, taken, strict=True)
    ]
    o, u, g, p, f, m, h1, h2, _ = names
    organisation = table(
        parent,
        population={"org": "O1"},
        dimensions=("gender", "period"),
        rows=["female", "male"],
        columns=["2024-H1", "2024-H2"],
    )
    outlet = table(
        child,
        population={case(ORGANISATION[o]): case("O1"), case(OUTLET[u]): "X"},
        dimensions=(case(GENDER[g]), case(PERIOD[p])),
        rows=[case(FEMALE[f]), case(MALE[m])],
        columns=[case(H1[h1]), case(H2[h2])],
        transpose=transpose,
    )
    history = ReleaseHistory()
    first, second = (outlet, organisation) if child_first else (organisation, outlet)
    a, b = protect(first, history=history), protect(second, history=history)
    org_released, outlet_released = (b, a) if child_first else (a, b)
    org_rows = ["female", "male", None]
    org_columns = ["2024-H1", "2024-H2", None]
    out_rows = [case(FEMALE[f]), case(MALE[m]), None]
    out_columns = [case(H1[h1]), case(H2[h2]), None]
    for i in range(3):
        for j in range(3):
            theirs = value(org_released, org_rows[i], org_columns[j])
            if transpose:
                mine = value(outlet_released, out_columns[j], out_rows[i])
            else:
                mine = value(outlet_released, out_rows[i], out_columns[j])
            assert remainder(theirs, mine) not in SMALL


@settings(max_examples=40, deadline=None)
@given(
    parent=st.lists(st.lists(st.integers(14, 40), min_size=2, max_size=2), min_size=2, max_size=2),
    taken=st.lists(
        st.lists(st.sampled_from([0, 5, 6, 9]), min_size=2, max_size=2), min_size=2, max_size=2
    ),
    names=st.tuples(*(st.integers(0, 3) for _ in range(4))),
    transpose=st.booleans(),
    related=st.booleans(),
)
def test_renamed_releases_that_differ_by_five_or_more_are_not_suppressed(
    parent: list[list[int]],
    taken: list[list[int]],
    names: tuple[int, ...],
    transpose: bool,
    related: bool,
) -> None:
    """The other direction: nested tables differing by 0 or 5+, or unrelated ones, stay whole."""
    o, u, g, p = names
    history = ReleaseHistory()
    protect(
        table(parent, population={"org": "O1"}, dimensions=("gender", "period")), history=history
    )
    child = [
        [a - b for a, b in zip(pl, tl, strict=True)] for pl, tl in zip(parent, taken, strict=True)
    ]
    if not related:  # another organisation, with the counts that would differ by 1 to 4
        child = [[a - 2 for a in line] for line in parent]
    outlet = table(
        child,
        population={ORGANISATION[o]: "O1" if related else "O2", OUTLET[u]: "X"},
        dimensions=(GENDER[g], PERIOD[p]),
        transpose=transpose,
        tag="x",
    )
    assert protect(outlet, history=history).suppressed == 0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["X", "Y", "Z"]), st.sampled_from(["c0", "c1"])),
        min_size=1,
        max_size=60,
    ),
    st.permutations(["org", "X", "Y"]),
)
def test_published_outlets_never_leave_a_small_remainder(
    visits: list[tuple[str, str]], order: list[str]
) -> None:
    """Organisation minus any of its published outlets (Z is never published) is never 1 to 4."""
    history = ReleaseHistory()
    released: dict[str, ReleasedTable] = {}
    for scope in order:
        chosen = [(n, "r0", c) for n, (outlet, c) in enumerate(visits) if scope in ("org", outlet)]
        population = {"org": "O1"} if scope == "org" else {"org": "O1", "outlet": scope}
        counted = count_clients(
            chosen,
            title=scope,
            row_dimension="row",
            column_dimension="column",
            rows=["r0"],
            columns=["c0", "c1"],
            population=population,
        )
        released[scope] = protect(counted, history=history)
    for column in ("c0", "c1", None):
        org, x, y = (value(released[s], "r0", column) for s in ("org", "X", "Y"))
        for children in ((x,), (y,), (x, y)):
            assert remainder(org, *children) not in SMALL


# -- siblings whose shared constraints are spelled differently ----------------------------------


def single(population: dict[str, str], count: int, tag: str) -> CountTable:
    """One published count of ``count`` clients of ``population`` (at ``r0``, ``c0``)."""
    everyone = ("all clients", "everyone")  # dimensions that constrain nothing
    return table([[count]], population=population, dimensions=everyone, margins=False, tag=tag)


def release_in_order(tables: dict[str, CountTable], order: str) -> dict[str, Cell | None]:
    """Protect the tables in ``order`` with one history; the value each one published."""
    history = ReleaseHistory()
    return {name: value(protect(tables[name], history=history), "r0", "c0") for name in order}


ALIKE_TIMES = [
    ({"period": "2024-H1"}, {"year": "2024", "half": "H1"}),
    ({"year": "2024", "half": "H1"}, {"half year": "H1 2024"}),
    ({"year": "2024"}, {"calendar year": "2024"}),
    ({"year": "2024"}, {"period": "CY2024"}),
    ({"period": "CY2024"}, {"period": "2024"}),
    ({"quarter": "2024-Q3"}, {"year": "2024", "quarter": "Q3"}),
    ({"period": "Q3 2024"}, {"year": "2024", "quarter": "Q3"}),
    ({"month": "2024-06"}, {"year": "2024", "month": "June"}),
    ({"fy": "2023-24"}, {"financial year": "2024"}),
    ({"period": "FY2024"}, {"period": "2023/2024"}),
    ({"period": "FY24"}, {"fy": "2023-24"}),
    ({"financial year": "2008-09"}, {"period": "2008/2009"}),
    ({"period": "2000-01"}, {"fy": "FY2001"}),
]


@pytest.mark.parametrize("order", ["PAB", "ABP", "PBA", "BAP"])
@pytest.mark.parametrize(("time", "spelled"), ALIKE_TIMES)
def test_siblings_sharing_a_time_spelled_differently_never_leave_a_small_remainder(
    time: dict[str, str], spelled: dict[str, str], order: str
) -> None:
    """O1 in a period (100) minus its outlet A (60) minus outlet B (38), B's time respelled."""
    tables = {
        "P": single({"org": "O1", **time}, 100, "p"),
        "A": single({"org": "O1", **time, "outlet": "A"}, 60, "a"),
        "B": single({"organisation": "O1", **spelled, "site": "B"}, 38, "b"),
    }
    published = release_in_order(tables, order)
    assert remainder(published["P"], published["A"], published["B"]) not in SMALL
    assert hidden(published[order[-1]])


@pytest.mark.parametrize(("time", "spelled"), ALIKE_TIMES[:6])
def test_siblings_spelled_differently_are_refused_when_asked(
    time: dict[str, str], spelled: dict[str, str]
) -> None:
    history = ReleaseHistory()
    protect(single({"org": "O1", **time}, 100, "p"), history=history, on_difference="refuse")
    protect(single({"org": "O1", **time, "outlet": "A"}, 60, "a"), history=history)
    with pytest.raises(DisclosureRefused):
        protect(
            single({"org": "O1", **spelled, "outlet": "B"}, 38, "b"),
            history=history,
            on_difference="refuse",
        )


def outlet_total(released: ReleasedTable, outlet: str | None) -> Cell | None:
    """An outlet's total over genders (``None``: the grand total), however the table lies."""
    if outlet is None or outlet in released.rows:
        return value(released, outlet, None)
    return value(released, None, outlet)


@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("order", ["PTC", "TCP", "CTP", "PCT", "CPT", "TPC"])
def test_totals_over_a_second_dimension_are_siblings_of_a_plain_count(
    order: str, transpose: bool
) -> None:
    """O1 (100) minus outlets A and B by gender (totals 60 and 30, 90) minus outlet C (8)."""
    tables = {
        "P": single({"organisation": "O1"}, 100, "p"),
        "T": table(
            [[30, 30], [15, 15]],
            population={"organisation": "O1"},
            dimensions=("outlet", "gender"),
            rows=["A", "B"],
            columns=["F", "M"],
            transpose=transpose,
            tag="t",
        ),
        "C": single({"organisation": "O1", "outlet": "C"}, 8, "c"),
    }
    history = ReleaseHistory()
    released = {name: protect(tables[name], history=history) for name in order}
    parent, c = value(released["P"], "r0", "c0"), value(released["C"], "r0", "c0")
    a, b, both = (outlet_total(released["T"], outlet) for outlet in ("A", "B", None))
    for children in ((both, c), (a, b, c), (a, c), (b, c)):
        assert remainder(parent, *children) not in SMALL


@pytest.mark.parametrize(
    ("year", "half"),
    [("2008-09", "2009-H1"), ("2000-01", "2001-H1"), ("2005/06", "2005-H2")],
)
def test_financial_years_of_the_2000s_contain_their_halves(year: str, half: str) -> None:
    published = release_in_order(
        {"Y": single({"org": "O1", "year": year}, 100, "y"),
         "H": single({"org": "O1", "period": half}, 97, "h")},
        "YH",
    )  # fmt: skip
    assert remainder(published["Y"], published["H"]) not in SMALL
    assert hidden(published["H"])


def test_a_day_within_its_month_is_compared() -> None:
    published = release_in_order(
        {"M": single({"org": "O1", "month": "June 2024"}, 50, "m"),
         "D": single({"org": "O1", "date": "2024-06-15"}, 48, "d")},
        "MD",
    )  # fmt: skip
    assert remainder(published["M"], published["D"]) not in SMALL
    assert hidden(published["D"])


# -- no over-suppression, the other direction of the same readings ------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"date": "2024-06-15"}, {"date": "2024-06-16"}),
        ({"date": "2024-06-30"}, {"date": "2024-07-01"}),
        ({"year": "2023"}, {"calendar year": "2024"}),
        ({"period": "2024-H1"}, {"half year": "H2 2024"}),
        ({"period": "2008-09"}, {"period": "2009-10"}),
    ],
)
def test_different_times_close_in_count_both_pass(
    first: dict[str, str], second: dict[str, str]
) -> None:
    published = release_in_order(
        {"1": single({"org": "O1", **first}, 50, "a"),
         "2": single({"org": "O1", **second}, 48, "b")},
        "12",
    )  # fmt: skip
    assert published == {"1": 50, "2": 48}


def test_siblings_in_times_that_do_not_nest_both_ways_pass() -> None:
    """Calendar 2024 (100), its outlet A (60), and outlet B in the financial year 2024 (38)."""
    published = release_in_order(
        {"P": single({"org": "O1", "calendar year": "2024"}, 100, "p"),
         "A": single({"org": "O1", "calendar year": "2024", "outlet": "A"}, 60, "a"),
         "B": single({"org": "O1", "financial year": "2024", "outlet": "B"}, 38, "b")},
        "PAB",
    )  # fmt: skip
    assert published == {"P": 100, "A": 60, "B": 38}


def test_totals_over_a_second_dimension_leaving_five_or_more_pass() -> None:
    history = ReleaseHistory()
    protect(single({"organisation": "O1"}, 100, "p"), history=history)
    by_gender = protect(
        table(
            [[30, 30], [15, 15]],
            population={"organisation": "O1"},
            dimensions=("outlet", "gender"),
            rows=["A", "B"],
            columns=["F", "M"],
            tag="t",
        ),
        history=history,
    )
    c = protect(single({"organisation": "O1", "outlet": "C"}, 5, "c"), history=history)
    assert by_gender.suppressed == 0
    assert value(c, "r0", "c0") == 5  # 100 - 90 - 5 = 5


SPELLINGS = {
    "H1": [{"period": "2024-H1"}, {"year": "2024", "half": "H1"}, {"half year": "H1 2024"},
           {"Reporting Period": "2024 h1"}, {"semester": "2024-H1"}],
    "H2": [{"period": "2024-H2"}, {"year": "2024", "half": "H2"}, {"half year": "H2 2024"},
           {"Reporting Period": "2024 h2"}],
    "2024": [{"year": "2024"}, {"calendar year": "2024"}, {"period": "CY2024"},
             {"period": "2024"}, {"Year": "２０２４"}, {"period": "Calendar Year 2024"}],
    "Q3": [{"quarter": "2024-Q3"}, {"year": "2024", "quarter": "Q3"}, {"period": "Q3 2024"}],
    "June": [{"month": "2024-06"}, {"month": "June 2024"}, {"year": "2024", "month": "June"},
             {"period": "2024-06-30"}],
    "FY": [{"fy": "2023-24"}, {"financial year": "2024"}, {"period": "FY2024"},
           {"period": "2023/2024"}, {"period": "FY24"}, {"period": "Financial Year 2023-24"}],
    "FY09": [{"fy": "2008-09"}, {"period": "2008/2009"}, {"period": "FY2009"},
             {"financial year": "2009"}],
}  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(
    group=st.sampled_from(sorted(set(SPELLINGS) - {"H2"})),
    picks=st.tuples(*(st.integers(0, 5) for _ in range(3))),
    names=st.tuples(*(st.integers(0, 3) for _ in range(3))),
    counts=st.tuples(st.integers(40, 80), st.integers(5, 17), st.integers(0, 8)),
    order=st.permutations("PAB"),
)
def test_siblings_spelled_at_random_never_leave_a_small_remainder(
    group: str,
    picks: tuple[int, int, int],
    names: tuple[int, int, int],
    counts: tuple[int, int, int],
    order: list[str],
) -> None:
    """Parent, outlet A and outlet B of one time, each spelled at random from the tables."""
    spellings = SPELLINGS[group]
    p, a, b = (spellings[n % len(spellings)] for n in picks)
    o, u, _ = names
    parent, taken, left = counts
    a_count, b_count = parent - taken - 13, 13 + taken - left  # parent - a - b == left
    tables = {
        "P": single({ORGANISATION[o]: "O1", **p}, parent, "p"),
        "A": single({"org": "o1", **a, OUTLET[u]: "A"}, a_count, "a"),
        "B": single({ORGANISATION[u]: "O1", **b, "outlet": "B"}, b_count, "b"),
    }
    published = release_in_order(tables, "".join(order))
    for children in (("A",), ("B",), ("A", "B")):
        assert remainder(published["P"], *(published[c] for c in children)) not in SMALL


@settings(max_examples=40, deadline=None)
@given(
    picks=st.tuples(*(st.integers(0, 4) for _ in range(3))),
    counts=st.tuples(st.integers(40, 80), st.integers(5, 17), st.integers(1, 4)),
    order=st.permutations("PAB"),
)
def test_a_sibling_in_the_other_half_is_not_compared(
    picks: tuple[int, int, int], counts: tuple[int, int, int], order: list[str]
) -> None:
    """The other direction: outlet B in H2 is no sibling of outlet A under the first half.

    (``year 2024, half H2`` may be the second half of the financial year 2023-24, which is
    2024-H1, so the spellings by year and half are left out.)
    """
    h1, h2 = ([s for s in SPELLINGS[h] if "half" not in s] for h in ("H1", "H2"))
    parent, taken, left = counts
    a_count, b_count = parent - taken - 13, 13 + taken - left
    tables = {
        "P": single({"org": "O1", **h1[picks[0] % len(h1)]}, parent, "p"),
        "A": single({"org": "O1", **h1[picks[1] % len(h1)], "outlet": "A"}, a_count, "a"),
        "B": single({"org": "O1", **h2[picks[2] % len(h2)], "outlet": "B"}, b_count, "b"),
    }
    published = release_in_order(tables, "".join(order))
    assert published["B"] == b_count


# -- threads ---------------------------------------------------------------------------------------


def test_two_threads_sharing_a_history_neither_lose_a_table_nor_pass_unguarded() -> None:
    rounds = 200
    histories = [ReleaseHistory() for _ in range(rounds)]
    results: dict[tuple[int, str], ReleasedTable] = {}
    barrier = threading.Barrier(2, timeout=30)

    def work(name: str, counts: list[list[int]], population: dict[str, str]) -> None:
        for n, history in enumerate(histories):
            barrier.wait()
            results[(n, name)] = protect(table(counts, population=population), history=history)

    threads = [
        threading.Thread(target=work, args=("org", [[40, 22]], {"org": "O1"})),
        threading.Thread(target=work, args=("outlet", [[38, 22]], {"org": "O1", "outlet": "X"})),
    ]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so the two protects interleave
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    for n, history in enumerate(histories):
        assert len(history) == 2
        org, outlet = results[(n, "org")], results[(n, "outlet")]
        assert remainder(value(org, "r0", "c0"), value(outlet, "r0", "c0")) not in SMALL
        assert remainder(value(org, "r0", None), value(outlet, "r0", None)) not in SMALL


def test_the_synonym_table_in_the_docs_is_the_one_in_the_code() -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "howto" / "privacy.md").read_text(
        "utf-8"
    )
    rows = re.findall(r"^\| `([a-z ]+)`(?: \(no constraint\))? \| (`.*`) \|$", page, re.MULTILINE)
    documented = {name: tuple(re.findall(r"`([^`]+)`", aliases)) for name, aliases in rows}
    assert documented == dict(NAME_SYNONYMS)
    for label in ("male", "female", "not stated", "yes", "no"):  # states: by one example
        assert all(f"`{alias}`" in page for alias in LABEL_SYNONYMS[label]), label


def test_a_new_tables_margins_are_read_as_everyone_when_finding_related_tables() -> None:
    # The earlier table counts the women of O1, without margins; the new one counts the men,
    # with margins. Their cells cannot nest (women and men), but the new table's column
    # totals, over every gender it lists, are read as everyone of O1 in that column: they
    # may contain the women's counts, so the earlier table is related.
    women = protect(
        table(
            [[20, 30]],
            population={"org": "O1"},
            rows=["F"],
            dimensions=("gender", "column"),
            margins=False,
        )
    )
    history = ReleaseHistory([women])
    men = table([[17, 30]], population={"org": "O1"}, rows=["M"], dimensions=("gender", "column"))
    assert history.nested_with(men) == [women]


@pytest.mark.parametrize(
    ("addends", "target", "threshold", "small"),
    [
        ([2, 2], 9, 5, False),  # 9, 7 and 5 are left: none from 1 to 4
        ([3, 3], 10, 5, True),  # 10 - 3 - 3 = 4
        ([10], 3, 5, True),  # 3 less no sibling at all is 3
        ([6], 5, 5, True),  # 5 - 6 = -1: the siblings share a client
        ([2], 0, 5, True),  # 0 - 2 = -2
        ([20], 8, 5, False),  # 8 and -12
        ([4], 5, 2, True),  # threshold 2: only 1 is small, and 5 - 4 = 1
        ([3], 5, 2, False),  # 5 and 2
        ([4], 5, 1, False),  # threshold 1: no count is small
        ([1], -1, 5, False),  # nothing is left of a negative count
    ],
)
def test_subtractions_worked_by_hand(
    addends: list[int], target: int, threshold: int, small: bool
) -> None:
    assert _leaves_small(addends, target, threshold) is small


def test_siblings_share_their_constraints_when_their_times_nest_both_ways() -> None:
    # Outlets A, B, C and D of O1, counted over 2024-H1, 2024-H2, the year 2024 and no time.
    scopes = {
        name: Scope(population_values([("org", "O1"), ("outlet", name), *time]), {})
        for name, time in [
            ("A", [("period", "2024-H1")]),
            ("B", [("period", "2024-H2")]),
            ("C", [("year", "2024")]),
            ("D", []),
        ]
    }
    shared = {name: next(iter(shared_readings(scope, "outlet"))) for name, scope in scopes.items()}
    assert _alike(shared["A"], shared["A"])
    assert not _alike(shared["A"], shared["B"])  # two halves: apart
    # The first half lies within 2024, but 2024 not within it: not the same.
    assert not _alike(shared["A"], shared["C"])
    assert not _alike(shared["C"], shared["A"])
    # No time at all may mean any time.
    assert _alike(shared["A"], shared["D"])
    assert _alike(shared["D"], shared["A"])


def test_values_hidden_by_the_differencing_guard_are_counted_as_such() -> None:
    # 2024-H1: 38 and 22 (total 60). 2024: 40 and 22 (total 62). The year's 40 and its column
    # total 40 less the half's 38 leave 2, and so do 62 and 62 less 60: four values hidden,
    # none small and none hidden to protect them (each hidden value can grow without bound).
    history = ReleaseHistory()
    protect(table([[38, 22]], population={"year": "2024", "half": "H1"}), history=history)
    year = protect(table([[40, 22]], population={"year": "2024"}), history=history)
    assert year.protection == ProtectionSummary(
        primary=0, secondary=0, differencing=4, required_range=4, narrowest_range=None, audited=4
    )


# -- the readings of days and months, worked by hand ------------------------------------------
# A time label reads as (calendar, financial year ending, financial year starting, text), each
# a set of day slots: a day is (year * 12 + month - 1) * 31 + day - 1, every month 31 slots.
# The slots below are worked by hand from that rule, never by the code under test.
JAN_2024 = 752928  # 2024 * 12 * 31 = 24288 * 31
FEB_2023 = 752587  # (2023 * 12 + 1) * 31 = 24277 * 31
FEB_2024 = 752959  # (24288 + 1) * 31
APR_2024 = 753021  # (24288 + 3) * 31
JUN_2024 = 753083  # (24288 + 5) * 31
SEP_2024 = 753176  # (24288 + 8) * 31
DEC_2024 = 753269  # (24288 + 11) * 31


def _month_slots(start: int) -> frozenset[int | str]:
    """The 31 slots of the month whose first slot is ``start``."""
    return frozenset(range(start, start + 31))


NONE: frozenset[int | str] = frozenset()
JUNE_2024 = _month_slots(JUN_2024)


@pytest.mark.parametrize(
    ("label", "day", "month", "last"),
    [
        ("2024-06-15", JUN_2024 + 14, JUNE_2024, False),  # June has 30 days: the 15th is not last
        ("2024-06-29", JUN_2024 + 28, JUNE_2024, False),  # one day before the last
        ("2024-06-30", JUN_2024 + 29, JUNE_2024, True),  # slot 753112; closes June
        ("2024-01-31", JAN_2024 + 30, _month_slots(JAN_2024), True),
        ("2024-12-31", DEC_2024 + 30, _month_slots(DEC_2024), True),  # the next month is in 2025
        ("2024-02-29", FEB_2024 + 28, _month_slots(FEB_2024), True),  # 2024 is a leap year
        ("2024-02-28", FEB_2024 + 27, _month_slots(FEB_2024), False),
        ("2023-02-28", FEB_2023 + 27, _month_slots(FEB_2023), True),  # 2023 is not
    ],
)
def test_a_day_reads_as_itself_and_the_last_of_a_month_also_as_the_month(
    label: str, day: int, month: frozenset[int | str], last: bool
) -> None:
    only = frozenset[int | str]({day})
    # The calendar reading is the day; the last day of a month may label the month it closes
    # (a financial-year table ending 2024-06-30), so both financial readings are that month.
    expected = (only, month, month, NONE) if last else (only, only, only, NONE)
    assert time_readings(label) == expected


@pytest.mark.parametrize(
    ("label", "month"),
    [
        ("2023-02-29", _month_slots(FEB_2023)),  # no 29 February in 2023
        ("2024-02-30", _month_slots(FEB_2024)),
        ("2024-04-31", _month_slots(APR_2024)),  # April has 30 days
        ("2024-06-00", JUNE_2024),
    ],
)
def test_a_day_that_is_no_date_reads_as_its_month(label: str, month: frozenset[int | str]) -> None:
    assert time_readings(label) == (month, month, month, NONE)


@pytest.mark.parametrize(
    ("label", "month"),
    [
        ("June 2024", JUNE_2024),
        ("2024 jun", JUNE_2024),  # three letters, year first
        ("JUNE-2024", JUNE_2024),
        ("Sept 2024", _month_slots(SEP_2024)),  # four letters
        ("September 2024", _month_slots(SEP_2024)),
    ],
)
def test_a_month_and_a_year_read_as_that_month(label: str, month: frozenset[int | str]) -> None:
    assert time_readings(label) == (month, month, month, NONE)


@pytest.mark.parametrize(
    "label",
    [
        "June July",  # two months
        "June 2024 2025",  # two numbers
        "June 24",  # a two-digit year is not read
        "Juin 2024",  # not an English month
        "Term 2024",
    ],
)
def test_what_is_not_a_month_is_kept_as_text(label: str) -> None:
    words = " ".join(label.lower().split())
    assert time_readings(label) == (NONE, NONE, NONE, frozenset({words}))


def _assert_every_year(slots: frozenset[int | str], months: range) -> None:
    """``slots`` are every slot of ``months`` (1-12) in every year from 1900 to 2199."""
    # 300 years of len(months) months of 31 slots; the first is the first month of 1900, the
    # last the last slot of the last month of 2199. So many slots, all in those months and
    # within those bounds, can only be all of them.
    first = (1900 * 12 + months[0] - 1) * 31
    last = (2199 * 12 + months[-1]) * 31 - 1
    numbers = [slot for slot in slots if isinstance(slot, int)]
    assert len(numbers) == len(slots) == 300 * len(months) * 31
    assert (min(numbers), max(numbers)) == (first, last)
    assert all(slot // 31 % 12 + 1 in months for slot in numbers)


@pytest.mark.parametrize("label", ["June", "jun", "JUNE"])
def test_a_month_without_a_year_reads_as_that_month_of_every_year(label: str) -> None:
    readings = time_readings(label)
    assert readings[0] == readings[1] == readings[2]
    assert readings[3] == NONE
    _assert_every_year(readings[0], range(6, 7))
    # by hand: June 1900 starts at (22800 + 5) * 31, June 2199 ends at (26388 + 6) * 31 - 1
    assert (min(readings[0]), max(readings[0])) == (706955, 818213)


@pytest.mark.parametrize(
    ("label", "calendar", "financial"),
    [
        ("H1", range(1, 7), range(7, 13)),  # a financial year's first half is July-December
        ("H2", range(7, 13), range(1, 7)),
        ("Q1", range(1, 4), range(7, 10)),
        ("Q3", range(7, 10), range(1, 4)),  # its third quarter is January-March
        ("Q4", range(10, 13), range(4, 7)),
    ],
)
def test_a_half_or_quarter_without_a_year_reads_as_that_part_of_every_year(
    label: str, calendar: range, financial: range
) -> None:
    readings = time_readings(label)
    assert readings[1] == readings[2]
    assert readings[3] == NONE
    _assert_every_year(readings[0], calendar)
    _assert_every_year(readings[1], financial)


# Years and financial years, by hand: a year Y starts at slot Y * 12 * 31 = Y * 372, its July
# 186 slots later; 2024 starts at 752928, so July 2023 is 752742, July 2024 753114, July 2025
# 753486 and July 2026 753858.
YEAR_2024 = frozenset[int | str](range(752928, 753300))
FY_2023_24 = frozenset[int | str](range(752742, 753114))  # July 2023 to June 2024
FY_2024_25 = frozenset[int | str](range(753114, 753486))
FY_2025_26 = frozenset[int | str](range(753486, 753858))


@pytest.mark.parametrize(
    ("label", "hint", "expected"),
    [
        # a bare year: the calendar year, the financial year ending in it, the one starting in it
        ("2024", None, (YEAR_2024, FY_2023_24, FY_2024_25)),
        # a filter named "financial year": only the two financial years
        ("2024", "fy", (FY_2023_24, FY_2023_24, FY_2024_25)),
        ("2024", "calendar", (YEAR_2024, YEAR_2024, YEAR_2024)),
        ("CY2024", None, (YEAR_2024, YEAR_2024, YEAR_2024)),
        ("CY24", None, (YEAR_2024, YEAR_2024, YEAR_2024)),
        # FY2025 ends in June 2025, or (read the other way) starts in July 2025
        ("FY2025", None, (FY_2024_25, FY_2024_25, FY_2025_26)),
        ("FY25", None, (FY_2024_25, FY_2024_25, FY_2025_26)),
        ("2024-25", None, (FY_2024_25, FY_2024_25, FY_2024_25)),
        ("2024/2025", None, (FY_2024_25, FY_2024_25, FY_2024_25)),
        ("2024-06", None, (JUNE_2024,) * 3),
        ("2024-6", None, (JUNE_2024,) * 3),
        ("2024-01", None, (_month_slots(JAN_2024),) * 3),
        ("2024-12", None, (_month_slots(DEC_2024),) * 3),
        # quarters and halves: Q3 2024 is July to September, H1 2024 January to June
        ("2024-Q3", None, (frozenset(range(753114, 753114 + 93)),) * 3),
        ("Q3 2024", None, (frozenset(range(753114, 753114 + 93)),) * 3),
        ("H1 2024", None, (frozenset(range(752928, 752928 + 186)),) * 3),
        # the first and last years dexcore reads: 1900 * 372 = 706800, 2199 * 372 = 818028
        ("1900", "calendar", (frozenset(range(706800, 707172)),) * 3),
        ("2199", "calendar", (frozenset(range(818028, 818400)),) * 3),
    ],
)
def test_years_and_their_parts_worked_by_hand(
    label: str, hint: str | None, expected: tuple[frozenset[int | str], ...]
) -> None:
    assert time_readings(label, hint) == (*expected, NONE)


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("2024-13", "2024 13"),  # no thirteenth month, nor a financial year 2024-13
        ("2024-006", "2024 6"),  # a month has at most two digits
        ("2024-13-01", "2024 13 1"),  # no day of a thirteenth month
        ("2024-Q5", "2024 q 5"),  # quarters are 1 to 4
        ("Q5 2024", "q 5 2024"),
        ("2024-H3", "2024 h 3"),
        ("2024-H", "2024 h"),  # a half with no number
        ("Q", "q"),
        ("1899", "1899"),  # years are read from 1900 to 2199
        ("2200", "2200"),
        ("02024", "2024"),  # a year has four digits
        ("000", "0"),  # a number of zeros alone is 0
        # After FY or CY a year has two digits (20xx) or four (1900 to 2199): any other is
        # no time, kept as text (possibly any time), not a time long past unrelated to all.
        ("FY025", "fy 25"),
        ("FY5", "fy 5"),
        ("CY123", "cy 123"),
        ("FY123456", "fy 123456"),
        ("FY2525", "fy 2525"),
        ("FY 2024 2525", "fy 2024 2525"),
        ("2024/2525", "2024 2525"),
    ],
)
def test_what_is_not_a_time_is_kept_as_text_worked_by_hand(label: str, text: str) -> None:
    assert time_readings(label) == (NONE, NONE, NONE, frozenset({text}))


def test_a_financial_year_that_is_also_a_month_reads_both_ways() -> None:
    # 2008-09: the financial year July 2008 to June 2009, or September 2008. The calendar
    # reading is the month; both financial readings the financial year.
    july_2008 = 2008 * 372 + 186  # 747162
    september_2008 = frozenset[int | str](range(july_2008 + 62, july_2008 + 93))
    financial = frozenset[int | str](range(july_2008, july_2008 + 372))
    assert july_2008 == 747162
    assert time_readings("2008-09") == (september_2008, financial, financial, NONE)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("orgs", "organisation"),  # a plural of four letters becomes singular
        ("Sites", "outlet"),
        ("Indigenous status", "atsi"),  # -us is not a plural
        ("disability status", "disability"),
        ("Address", "address"),  # nor is -ss
        ("Analysis", "analysis"),  # nor -is
        ("Gas", "gas"),  # nor a word of three letters
    ],
)
def test_plural_names_become_singular_and_only_they(name: str, canonical: str) -> None:
    assert canonical_name(name) == canonical


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("Café", "cafe"),  # the accent, a combining mark once decomposed, goes
        ("Cafe\u0301", "cafe"),  # written as a combining mark
        ("A\u20ddB", "ab"),  # an enclosing mark goes too, leaving one word
        ("Gen\u200bder", "gender"),  # a zero-width space (a format character) goes
        ("Gen\u00adder", "gender"),  # and a soft hyphen (another), leaving one word
    ],
)
def test_accents_and_marks_are_dropped(label: str, text: str) -> None:
    assert canonical_text(label) == text


@pytest.mark.parametrize(
    ("label", "everyone"),
    [
        ("Total clients", True),  # "total ..." and "all ..." mean everyone
        ("All clients", True),
        ("TOTAL", True),
        ("Totally new", False),  # a word that only starts with "total" does not
        ("Outlet total", False),
    ],
)
def test_labels_meaning_everyone(label: str, everyone: bool) -> None:
    assert is_everyone(label) is everyone


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("Financial year", "fy"),
        ("FY", "fy"),
        ("Calendar year", "calendar"),
        ("year", None),  # a bare "year" does not say which
        ("period", None),
        ("Outlet", None),
    ],
)
def test_the_name_of_a_time_filter_says_how_a_bare_year_reads(name: str, hint: str | None) -> None:
    assert time_hint(name) == hint


@pytest.mark.parametrize(
    ("label", "text"),
    [
        # A Kharosthi numeral: Python calls it a digit, but it is no decimal digit.
        ("\U00010a40", "\U00010a40"),
        ("2024-\U00010a41", "2024 \U00010a41"),
        # Arabic-Indic digits are decimal: read as the year they write.
        ("\u0662\u0660\u0662\u0664", "2024"),
        # Numbers longer than the 4,300 digits Python turns into an int.
        ("9" * 5000, "9" * 5000),
        ("H" + "1" * 5000, "h " + "1" * 5000),
        ("FY" + "0" * 4999 + "7", "fy 7"),
        # A number of a time has at most four digits.
        ("2024-H00001", "2024 h 1"),
    ],
)
def test_hostile_numbers_in_a_label_are_text_not_a_crash(label: str, text: str) -> None:
    assert canonical_text(label) == text
    readings = time_readings(label)
    if text == "2024":  # read as the year written in ASCII digits is
        assert readings == time_readings("2024")
        assert readings[0]
    else:
        assert readings == (NONE, NONE, NONE, frozenset({text}))
    # A released table labelled so goes through the differencing guard like any other.
    history = ReleaseHistory()
    released = protect(
        table([[12, 30]], dimensions=("period", "gender"), rows=[label]), history=history
    )
    assert (released.rows, released.cells) == ((label,), ((12, 30),))


# -- a zero beside counts the guard hides ----------------------------------------------------------


def test_a_zero_is_hidden_only_when_it_still_completes_a_subtraction() -> None:
    # Organisation O1, released first:
    #        c0  c1 | total
    # r0      0   6 |   6
    # r1      0   3 |   3
    # total   0   9 |   9
    # The 3s are small; c1 (6 + 3 = 9) would pin them, so the 6 and its row total go too:
    # x = r1's 3 runs from 1 to 8 (x + the hidden 6 = 9). Published: the zeros and the 9s.
    #
    # Then its outlet X:
    #        c0  c1 | total
    # r0      0   3 |   3
    # r1      0   3 |   3
    # total   0   6 |   6
    # The four 3s are small. O1's 9 minus X's 6 (c1's total, and the grand total) is 3:
    # both 6s are hidden. O1's 9 minus X's c0 total 0 minus X's c1 total 6 is 3 as well, but
    # with the 6 hidden that subtraction is gone, so the 0 stays published; hidden, it would
    # be given away by the zeros above it (0 + 0), and no secondary value can hide a zero:
    # the table was refused as a failed audit. Published: the zeros alone.
    history = ReleaseHistory()
    organisation = protect(table([[0, 6], [0, 3]], population={"org": "O1"}), history=history)
    assert [value(organisation, None, c) for c in ("c0", "c1")] == [0, 9]
    outlet = protect(
        table([[0, 3], [0, 3]], population={"org": "O1", "outlet": "X"}), history=history
    )
    assert [value(outlet, r, "c0") for r in ("r0", "r1", None)] == [0, 0, 0]
    assert all(hidden(value(outlet, r, c)) for r in ("r0", "r1", None) for c in ("c1", None))
    assert outlet.protection == ProtectionSummary(
        primary=4, secondary=0, differencing=2, required_range=4, narrowest_range=None, audited=6
    )
    # The attacker's subtractions of the published values give no count from 1 to 4.
    assert remainder(value(organisation, None, None), value(outlet, None, None)) is None
    assert remainder(value(organisation, None, "c0"), value(outlet, None, "c0")) == 0


# -- a value shown again under rounding ------------------------------------------------------------


def _organisation_then_rounded_outlet() -> tuple[CountTable, CountTable]:
    # O1, published first under suppression: one count, 6, its r0 c0 (no margins).
    # Its outlet X, rounded to 5 (1 to 7 round to 5, 8 to 12 to 10):
    #        c0  c1 | total        rounded:  c0  c1 | total
    # r0      1   0 |   1                     5   0 |   5
    # r1     10   0 |  10                    10   0 |  10
    # total  11   0 |  11                    10   0 |  10
    organisation = table([[6]], population={"org": "O1"}, margins=False)
    outlet = table([[1, 0], [10, 0]], population={"org": "O1", "outlet": "X"}, tag="x")
    return organisation, outlet


def test_a_value_shown_again_under_rounding_shows_its_rounded_count() -> None:
    # O1's 6 less X's r0 c0 (5) is 1: the guard hides X's r0 c0, a. Then c0 says a is 10
    # (8 to 12) less r1's 10 (8 to 12), so 1 to 4, too narrow; through r1's total (the only
    # rectangle without a published 0 or three margins) r0's total, r1's 10 and r1's total
    # are hidden. Shown again, margins first and largest first: r1's total would bring a
    # back to 1 to 4; r0's total, shown as its rounded 5 (1 to 7), leaves a from 1 to 7 (c0
    # allows up to 11), 6 wide: it stays; r1's 10 would bring a back to 1 to 4. It was shown
    # again as its true count, 1, which no count rounds to, and protect failed naming it.
    history = ReleaseHistory()
    organisation, outlet = _organisation_then_rounded_outlet()
    protect(organisation, history=history)
    released = protect(outlet, RoundingPolicy(), history=history)
    assert [[hidden(v) or v for v in line] for line in released.cells] == [[True, 0], [True, 0]]
    assert [hidden(v) or v for v in released.row_totals or ()] == [5, True]
    assert [released.column_totals, released.total] == [(10, 0), 10]
    assert released.protection == ProtectionSummary(
        primary=0, secondary=2, differencing=1, required_range=4, narrowest_range=6, audited=6
    )


def test_a_desk_releases_the_rounded_outlet_and_logs_no_count_of_it() -> None:
    log: list[AuditEntry] = []
    desk = ReleaseDesk(log)
    organisation, outlet = _organisation_then_rounded_outlet()
    for counted, policy in ((organisation, None), (outlet, RoundingPolicy())):
        desk.table(
            counted,
            recipient="r",
            purpose="p",
            on=dt.date(2024, 7, 1),
            requested_by="q",
            policy=policy,
        )
    assert [entry.granted for entry in log] == [True, True]
    assert log[-1].detail == outlet.title


def test_a_zero_given_away_by_the_zeros_on_its_line_is_refused_in_these_words() -> None:
    # O1, released under a threshold of 3: nothing is below 3, so everything is published.
    #        c0  c1 | total
    # r0      3   3 |   6
    # r1     10  10 |  20
    # total  13  13 |  26
    # Then its outlet X under the default threshold of 5: nothing is below 5.
    #        c0  c1 | total
    # r0      0   0 |   0
    # r1      5   5 |  10
    # total   5   5 |  10
    # O1's 3s less X's 0s are 3, from 1 to 4: X's two zeros are exposed, and nothing else
    # (10 - 5 = 5, 20 - 10 = 10, 13 - 5 = 8, 6 - 0 = 6, 26 - 10 = 16). Hidden, the two zeros
    # are still 0 + 0 = r0's published total 0, and no secondary value can hide a zero: the
    # table cannot be protected, and is refused under the guard's rule, not as a failed
    # audit. It is not recorded as released.
    history = ReleaseHistory()
    protect(
        table([[3, 3], [10, 10]], population={"org": "O1"}),
        SuppressionPolicy(threshold=3),
        history=history,
    )
    outlet = table([[0, 0], [5, 5]], population={"org": "O1", "outlet": "X"}, tag="x")
    with pytest.raises(DisclosureRefused) as refused:
        protect(outlet, history=history)
    assert str(refused.value) == (
        "2 zero(s) hidden because earlier releases would subtract them down to a small count "
        "can still be worked out from the zeros on their lines; not released: publish the "
        "table without margins, or release related tables under one threshold "
        "[sdc.differencing]"
    )
    assert len(history) == 1


def test_a_zero_exposed_beside_a_rounded_one_stays_published_once_the_one_is_hidden() -> None:
    # O1, under suppression (nothing from 1 to 4):
    #        c0  c1 | total
    # r0      0   9 |   9
    # total   0   9 |   9
    # Its outlet X, rounded to 5: true [[0, 1]], published c0 0, c1 5, r0's total 5, column
    # totals 0 and 5, grand total 5. O1's 9s less X's 5s are 4: all four 5s are exposed, and
    # so are X's zeros (O1's r0 total 9 less X's c0 0 less X's c1 5 is 4). The 5s, counts,
    # are hidden first; then O1's 0 less X's 0 is 0 and nothing else subtracts to 1 to 4, so
    # the zeros stay published. The hidden 5s lie on lines that show only zeros: unbounded.
    history = ReleaseHistory()
    protect(table([[0, 9]], population={"org": "O1"}), history=history)
    outlet = protect(
        table([[0, 1]], population={"org": "O1", "outlet": "X"}, tag="x"),
        RoundingPolicy(),
        history=history,
    )
    assert [value(outlet, "r0", "c0"), value(outlet, None, "c0")] == [0, 0]
    assert all(hidden(value(outlet, r, c)) for r in ("r0", None) for c in ("c1", None))
    assert outlet.protection == ProtectionSummary(
        primary=0, secondary=0, differencing=4, required_range=4, narrowest_range=None, audited=4
    )
