"""Benchmark: what the protection audit costs and what it buys, on random count tables.

For each of two kinds of random table (2-6 rows and columns; "many small"
has about four in seven cells from 1 to 4, "some small" about one in
five), it protects every table twice: with the rule dexcore used before
the audit (hide 1-4, then hide until no line has exactly one hidden value)
and with :func:`dexcore.privacy.protect`. It reports the share of values
hidden by each, how many hidden values an LP attacker (SciPy's HiGHS, the
same attacker as ``tests/sdc_attacker.py``) recovers exactly or narrows below
the protection range of 4, the narrowest range left, and the median time
``protect`` takes per table.

Needs SciPy (in the ``test`` extra). Run: ``python bench/bench_sdc.py [--tables 500]``.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from dexcore.privacy.sdc import (
    CountTable,
    ReleasedTable,
    Suppressed,
    SuppressionKind,
    SuppressionPolicy,
    protect,
)
from sdc_attacker import additive_table, feasible_ranges, lines_of, published_grid

PROTECTION = 4


def old_rule(table: CountTable) -> ReleasedTable:
    """The rule before the audit: hide 1-4, then until no line has exactly one hidden value."""
    n, m = len(table.rows), len(table.columns)
    true = [[*line, table.row_totals[i]] for i, line in enumerate(table.counts)]
    true.append([*table.column_totals, table.total])
    hidden = [[0 < v < 5 for v in line] for line in true]
    changed = True
    while changed:
        changed = False
        for line in lines_of(n + 1, m + 1):
            if sum(hidden[i][j] for i, j in line) != 1:
                continue
            shown = [p for p in line if not hidden[p[0]][p[1]]]
            i, j = min(
                shown,
                key=lambda p: (p[0] == n or p[1] == m, true[p[0]][p[1]] == 0, true[p[0]][p[1]], p),
            )
            hidden[i][j] = changed = True
    primary, secondary = Suppressed(SuppressionKind.PRIMARY), Suppressed(SuppressionKind.SECONDARY)
    grid = [
        [
            (primary if 0 < true[i][j] < 5 else secondary) if hidden[i][j] else true[i][j]
            for j in range(m + 1)
        ]
        for i in range(n + 1)
    ]
    return ReleasedTable(
        title=table.title,
        row_dimension=table.row_dimension,
        column_dimension=table.column_dimension,
        rows=table.rows,
        columns=table.columns,
        cells=tuple(tuple(line[:m]) for line in grid[:n]),
        row_totals=tuple(line[m] for line in grid[:n]),
        column_totals=tuple(grid[n][:m]),
        total=grid[n][m],
        policy=SuppressionPolicy(),
        population=table.population,
    )


def attack(released: ReleasedTable, *, labelled: bool) -> tuple[int, int, float]:
    """Hidden values recovered exactly, narrowed below the range, and the narrowest range.

    With ``labelled`` (the old rule), a value shown ``<5`` is known to be 1 to 4, and
    one shown ``n.p.`` may be a hidden zero.
    """
    bounds = None
    if labelled:
        bounds = {
            (i, j): (1.0, 4.0) if value.kind is SuppressionKind.PRIMARY else (0.0, math.inf)
            for i, line in enumerate(published_grid(released))
            for j, value in enumerate(line)
            if isinstance(value, Suppressed)
        }
    ranges = feasible_ranges(released, bounds=bounds)
    widths = [high - low for low, high in ranges.values()]
    return (
        sum(w < 0.5 for w in widths),
        sum(w < PROTECTION - 1e-6 for w in widths),
        min(widths, default=math.inf),
    )


def run(kind: str, make: Callable[[random.Random], int], tables: int, seed: int) -> None:
    rng = random.Random(seed)
    values = 0
    small = 0
    totals: dict[str, list[float]] = {
        "old": [0, 0, 0, 0, math.inf],
        "audited": [0, 0, 0, 0, math.inf],
    }
    seconds = []
    for _ in range(tables):
        n, m = rng.randint(2, 6), rng.randint(2, 6)
        table = additive_table([[make(rng) for _ in range(m)] for _ in range(n)])
        values += (n + 1) * (m + 1)
        small += sum(0 < v < 5 for line in table.counts for v in line)
        start = time.perf_counter()
        audited = protect(table)
        seconds.append(time.perf_counter() - start)
        for name, released in (("old", old_rule(table)), ("audited", audited)):
            exact, narrowed, narrowest = attack(released, labelled=name == "old")
            row = totals[name]
            row[0] += released.suppressed
            row[1] += exact
            row[2] += narrowed
            row[3] += exact > 0
            row[4] = min(row[4], narrowest)
    print(f"{kind}: {tables} tables, {values} values, {small} cells of 1-4")
    for name, (hidden, recovered, below, tables_hit, least) in totals.items():
        print(
            f"  {name:8} hidden {hidden:g} ({hidden / values:.1%}); exact recoveries {recovered:g} "
            f"in {tables_hit:g} tables ({tables_hit / tables:.1%}); narrowed below "
            f"{PROTECTION}: {below:g}; narrowest range {least:g}"
        )
    print(f"  protect: median {statistics.median(seconds) * 1000:.1f} ms per table")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=500)
    args = parser.parse_args()
    run(
        "many small",
        lambda rng: rng.choice([0, 1, 1, 2, 3, 4, rng.randint(5, 40)]),
        args.tables,
        1,
    )
    run(
        "some small",
        lambda rng: rng.choice([0, 1, 3, *[rng.randint(5, 60)] * 7]),
        args.tables,
        2,
    )


if __name__ == "__main__":
    main()
