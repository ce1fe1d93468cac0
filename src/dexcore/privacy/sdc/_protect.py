"""The protection step: from a count table to what may be published."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from dexcore.errors import DexValueError, DisclosureRefused
from dexcore.privacy.sdc._audit import Position, Range
from dexcore.privacy.sdc._cells import (
    Policy,
    RoundingPolicy,
    Suppressed,
    SuppressionKind,
    SuppressionPolicy,
    round_count,
)
from dexcore.privacy.sdc._differencing import ReleaseHistory, _guard_differences
from dexcore.privacy.sdc._grid import _Grid
from dexcore.privacy.sdc._released import DisclosureWarning, ProtectionSummary, ReleasedTable
from dexcore.privacy.sdc._tables import CountTable


def _population_groups(table: CountTable) -> list[DisclosureWarning]:
    warnings = []
    if len(table.columns) >= 2:
        for i, row in enumerate(table.rows):
            filled = [j for j, n in enumerate(table.counts[i]) if n > 0]
            if len(filled) == 1:
                column = table.columns[filled[0]]
                warnings.append(
                    DisclosureWarning(
                        "sdc.population-group",
                        f"every client with {table.row_dimension} {row!r} has "
                        f"{table.column_dimension} {column!r}",
                        row=row,
                        column=column,
                    )
                )
    if len(table.rows) >= 2:
        for j, column in enumerate(table.columns):
            filled = [i for i in range(len(table.rows)) if table.counts[i][j] > 0]
            if len(filled) == 1:
                row = table.rows[filled[0]]
                warnings.append(
                    DisclosureWarning(
                        "sdc.population-group",
                        f"every client with {table.column_dimension} {column!r} has "
                        f"{table.row_dimension} {row!r}",
                        row=row,
                        column=column,
                    )
                )
    return warnings


def _summarise(grid: _Grid, ranges: dict[Position, Range]) -> ProtectionSummary:
    kinds = Counter(
        value.kind for line in grid.published for value in line if isinstance(value, Suppressed)
    )
    widths = [
        high - low for p, (low, high) in ranges.items() if grid.is_hidden(p) and high is not None
    ]
    return ProtectionSummary(
        primary=kinds[SuppressionKind.PRIMARY],
        secondary=kinds[SuppressionKind.SECONDARY],
        differencing=kinds[SuppressionKind.DIFFERENCING],
        required_range=grid.protection,
        narrowest_range=min(widths, default=None),
        audited=len(ranges),
    )


def _final_audit(grid: _Grid) -> ProtectionSummary:
    """Audit the table as it will be published; refuse it if any value can be narrowed."""
    ranges = grid.ranges()
    failures = grid.failures(ranges)
    if failures and all(grid.true[i][j] == 0 for i, j in failures):
        # Secondary suppression never hides a zero, so a zero the differencing guard hid
        # stays exposed when the zeros on its lines give it away.
        raise DisclosureRefused(
            "sdc.differencing",
            f"{len(failures)} zero(s) hidden because earlier releases would subtract them "
            "down to a small count can still be worked out from the zeros on their lines; "
            "not released: publish the table without margins, or release related tables "
            "under one threshold",
        )
    if failures:  # pragma: no cover - secondary() hides until only such zeros can fail
        raise DisclosureRefused(
            "sdc.audit-failed",
            "a hidden count could still be narrowed below the protection range; not released",
        )
    pinned = grid.pinned(ranges)
    if pinned:
        raise DisclosureRefused(
            "sdc.rounding-recoverable",
            f"after rounding, {len(pinned)} count(s) can be worked out exactly from the "
            "rounded cells and margins; publish the table without margins or use a "
            "SuppressionPolicy",
        )
    return _summarise(grid, ranges)


def protect(
    table: CountTable,
    policy: Policy | None = None,
    *,
    history: ReleaseHistory | None = None,
    on_difference: Literal["suppress", "refuse"] = "suppress",
) -> ReleasedTable:
    """Apply disclosure control to ``table`` and return what may be published.

    Under a :class:`SuppressionPolicy`, counts from 1 to ``threshold - 1``
    are hidden, then further values until the protection audit shows that
    no one holding the published table, its margins and the policy can
    narrow any hidden count to a range narrower than the policy's
    protection range (see "The protection audit" in ``docs/howto/privacy.md``).
    Under a :class:`RoundingPolicy`, every count is rounded and the audit
    refuses the table if the rounded margins pin any count exactly. No table
    leaves this function unaudited.

    Args:
        table: Distinct-client counts.
        policy: :class:`SuppressionPolicy` (the default, threshold 5) or
            :class:`RoundingPolicy`.
        history: Tables already released to the same audience. When given,
            the differencing guard compares ``table`` with every earlier
            table over the same dimensions whose population is nested with
            its own, and the released table is added to the history.
        on_difference: ``"suppress"`` (default) hides the new table's values
            whose difference with an earlier published value is from 1 to
            below the threshold (then protects them like any hidden value);
            ``"refuse"`` raises instead.

    Raises:
        DisclosureRefused: ``sdc.differencing`` with
            ``on_difference="refuse"``, or when a zero the differencing guard
            must hide is given away by the zeros on its lines (as when an
            earlier table was released under a lower threshold);
            ``sdc.rounding-recoverable`` when rounding leaves a count
            recoverable.
        DexValueError: an unknown policy or ``on_difference``.
    """
    policy = SuppressionPolicy() if policy is None else policy
    if not isinstance(policy, SuppressionPolicy | RoundingPolicy):
        raise DexValueError("protect: policy must be a SuppressionPolicy or a RoundingPolicy")
    if on_difference not in ("suppress", "refuse"):
        raise DexValueError('protect: on_difference must be "suppress" or "refuse"')
    threshold = policy.threshold
    if isinstance(policy, SuppressionPolicy):
        grid = _Grid(table, protection=policy.protection_range)
        for i, line in enumerate(grid.true):
            for j, count in enumerate(line):
                if 0 < count < threshold:
                    grid.hide(i, j, SuppressionKind.PRIMARY, threshold)
        grid.secondary(threshold)
    else:
        grid = _Grid(
            table, protection=policy.protection_range, rounded_range=policy.counts_rounding_to
        )
        grid.published = [[round_count(count, policy) for count in line] for line in grid.true]
    warnings = _population_groups(table)
    if history is not None:
        warnings.extend(_guard_differences(grid, table, history, threshold, on_difference))
    try:
        summary = _final_audit(grid)
    except BaseException:  # refused or interrupted: the guard's record of it is withdrawn
        if history is not None:
            history._cancel()
        raise
    n, m = grid.n_rows, grid.n_columns
    released = ReleasedTable(
        title=table.title,
        row_dimension=table.row_dimension,
        column_dimension=table.column_dimension,
        rows=table.rows,
        columns=table.columns,
        cells=tuple(tuple(grid.published[i][:m]) for i in range(n)),
        row_totals=tuple(grid.published[i][m] for i in range(n)) if table.margins else None,
        column_totals=tuple(grid.published[n][:m]) if table.margins else None,
        total=grid.published[n][m] if table.margins else None,
        policy=policy,
        population=table.population,
        warnings=tuple(warnings),
        protection=summary,
    )
    if history is not None:
        history.add(released)
    return released
