"""The published report page against an attacker who combines figures from several tables.

Each table on the page is protected on its own, but some share a figure: the
identified clients are a cell of the clients table and the total of every
priority-group table. A figure hidden in one table and shown in another, or
worked out there by subtraction, gives the hidden count away.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from dexcore.html_report import ReportData, Shown, gather_report
from dexcore.html_report._gather import _checks
from dexcore.io import dataset_from_json
from dexcore.model import Dataset
from dexcore.periods import ReportingPeriod
from dexcore.privacy import Suppressed
from dexcore.rules import Issue, RecordRef, Report, Severity
from dexcore.testing import strategies

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example-dataset.json"
H2 = ReportingPeriod.parse("2024-H2")

#: One linear equation: the figures named, times their coefficients, add up to zero.
Equation = dict[str, int]


def example(unidentified: int) -> Dataset:
    """The bundled example, its session of 32 unidentified clients set to ``unidentified``."""
    doc = json.loads(EXAMPLE.read_bytes())
    for session in doc["sessions"]:
        if session.get("total_unidentified_clients") == 32:
            session["total_unidentified_clients"] = unidentified
    return dataset_from_json(json.dumps(doc).encode())


def page_equations(data: ReportData) -> tuple[dict[str, int | None], list[Equation]]:
    """The figures the page shows (``None`` when hidden), and the sums a reader knows they obey."""
    share = data.ratio("unidentified_share")
    figures: dict[str, Shown | None] = {
        "identified": data.clients_assisted,
        "unidentified": data.unidentified_clients,
        "all": data.all_clients,
        "share.numerator": share.numerator,
        "share.denominator": share.denominator,
    }
    equations: list[Equation] = [
        {"all": 1, "identified": -1, "unidentified": -1},
        {"share.numerator": 1, "unidentified": -1},
        {"share.denominator": 1, "all": -1},
    ]
    for ratio in data.ratios:
        if ratio.not_stated is None or ratio.key == "unidentified_share":
            continue
        figures[f"{ratio.key}.denominator"] = ratio.denominator
        figures[f"{ratio.key}.not_stated"] = ratio.not_stated
        # A priority group's clients: those stated (its denominator) and those not stated.
        equations.append(
            {f"{ratio.key}.denominator": 1, f"{ratio.key}.not_stated": 1, "identified": -1}
        )
    shown = {k: v if isinstance(v, int) else None for k, v in figures.items()}
    return shown, equations


def worked_out(known: dict[str, int | None], equations: list[Equation]) -> dict[str, int]:
    """What a reader solves: any equation with one unknown gives it, until nothing changes."""
    values = {k: v for k, v in known.items() if v is not None}
    changed = True
    while changed:
        changed = False
        for equation in equations:
            unknown = [name for name in equation if name not in values]
            if len(unknown) == 1:
                rest = sum(c * values[n] for n, c in equation.items() if n != unknown[0])
                values[unknown[0]] = -rest // equation[unknown[0]]
                changed = True
    return values


def assert_nothing_hidden_is_worked_out(dataset: Dataset) -> None:
    exact, _ = page_equations(gather_report(dataset, H2))
    known, equations = page_equations(gather_report(dataset, H2, publish=True))
    solved = worked_out(known, equations)
    hidden = [name for name, value in known.items() if value is None]
    leaked = {name: solved[name] for name in hidden if name in solved}
    assert leaked == {}
    # The attacker is right about what it does work out (the equations hold).
    assert all(solved[name] == exact[name] for name in solved)


def test_the_attacker_finds_a_leak_when_there_is_one() -> None:
    """Both directions: the solver works out a figure from a shown total and a shown part."""
    known: dict[str, int | None] = {"all": 18, "identified": None, "unidentified": None, "d": 15}
    equations: list[Equation] = [
        {"all": 1, "identified": -1, "unidentified": -1},
        {"d": 1, "identified": -1},
    ]
    assert worked_out(known, equations) == {"all": 18, "d": 15, "identified": 15, "unidentified": 3}


def test_three_unidentified_clients_are_not_all_clients_less_a_group_total() -> None:
    """The reviewer's case: 18 clients shown, and the disability group's 15 (all identified)."""
    dataset = example(3)
    plain = gather_report(dataset, H2)
    assert (plain.clients_assisted, plain.unidentified_clients, plain.all_clients) == (15, 3, 18)
    disability = plain.ratio("priority_groups.disability")
    assert (disability.numerator, disability.denominator, disability.not_stated) == (2, 15, 0)
    data = gather_report(dataset, H2, publish=True)
    assert isinstance(data.clients_assisted, Suppressed)
    assert isinstance(data.unidentified_clients, Suppressed)
    assert data.all_clients == 18
    for ratio in data.ratios:
        if ratio.not_stated is not None and ratio.key != "unidentified_share":
            # Hidden with the identified clients: a shown 15 here would be 18 - 3.
            assert isinstance(ratio.denominator, Suppressed) or isinstance(
                ratio.not_stated, Suppressed
            ), ratio.key
    assert isinstance(data.ratio("priority_groups.disability").denominator, Suppressed)


def test_with_many_unidentified_clients_the_identified_are_shown() -> None:
    """The other direction: nothing is hidden that need not be."""
    data = gather_report(example(32), H2, publish=True)
    assert (data.clients_assisted, data.unidentified_clients) == (15, 32)
    assert data.ratio("priority_groups.disability").denominator == 15


def test_no_hidden_client_count_is_worked_out_from_the_bundled_example() -> None:
    for unidentified in (0, 1, 2, 3, 4, 5, 32):
        assert_nothing_hidden_is_worked_out(example(unidentified))


@given(strategies.datasets(max_clients=12, max_cases=3), st.integers(0, 12))
@settings(max_examples=15, deadline=None)
def test_no_hidden_client_count_is_worked_out_from_generated_data(
    dataset: Dataset, unidentified: int
) -> None:
    sessions = tuple(
        attrs.evolve(s, total_unidentified_clients=unidentified) for s in dataset.sessions
    )
    assert_nothing_hidden_is_worked_out(attrs.evolve(dataset, sessions=sessions))


# -- the check summary ------------------------------------------------------------------------


def checked(counts: dict[str, int]) -> Report:
    issues = tuple(
        Issue(code=code, severity=Severity.ERROR, message="m",
              record=RecordRef(kind="session", index=i, id=None), path="$")
        for code, n in counts.items()
        for i in range(n)
    )  # fmt: skip
    return Report(issues=issues, ruleset="dex", today=dt.date(2025, 1, 1), records={})


def test_published_codes_are_in_name_order_not_count_order() -> None:
    """a=1, b=3, c=3 with 7 shown: ordered by count, the last code would be the 1."""
    for counts in ({"a.x": 1, "b.x": 3, "c.x": 3}, {"a.x": 3, "b.x": 3, "c.x": 1}):
        published = _checks(checked(counts), top=10, publish=True)
        assert [item.code for item in published.codes] == ["a.x", "b.x", "c.x"]
        assert all(isinstance(item.count, Suppressed) for item in published.codes)
        assert published.total == 7
    plain = _checks(checked({"a.x": 1, "b.x": 3, "c.x": 2}), top=10, publish=False)
    assert [(i.code, i.count) for i in plain.codes] == [("b.x", 3), ("c.x", 2), ("a.x", 1)]


# -- SCORE rows -------------------------------------------------------------------------------


def test_a_score_row_with_one_hidden_cell_hides_its_total() -> None:
    """0, n.p., 0 beside a shown total would give the hidden cell: the total is hidden."""
    data = gather_report(example(32), H2, publish=True)
    rows = {(d.score_type, d.domain): d for d in data.score}
    money = rows["Circumstances", "MONEY"]
    assert (money.improved, money.declined) == (0, 0)
    assert isinstance(money.no_change, Suppressed)
    assert isinstance(money.paired, Suppressed)
    for row in data.score:
        cells = (row.improved, row.no_change, row.declined)
        if sum(isinstance(c, Suppressed) for c in cells) == 1:
            assert isinstance(row.paired, Suppressed), row
