"""Results as tidy tables: check reports, KPI reports, benchmarks, released tables.

The result classes are taken as they are, by their attributes, so this
module imports nothing above the ``io`` layer at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    from dexcore.issues import Report
    from dexcore.kpi import Benchmark, KpiReport, Ratio
    from dexcore.privacy.sdc import ReleasedTable

#: The status of a published count, and of a hidden one (every hidden count prints ``n.p.``).
PUBLISHED, HIDDEN = "published", "n.p."
#: Label of the margins.
TOTAL = "Total"


def _codes(values: Sequence[str | None]) -> pa.Array:
    return pa.array(values, type=pa.string()).dictionary_encode()


def report_to_arrow(report: Report) -> pa.Table:
    """One row per issue of a check :class:`~dexcore.rules.Report`.

    Columns: ``code``, ``severity`` (dictionary), ``record_kind``,
    ``record_index``, ``record_id``, ``path`` and ``message``. Messages
    never hold a personal value, so neither does the table.
    """
    issues = report.issues
    return pa.Table.from_arrays(
        [
            _codes([i.code for i in issues]),
            _codes([i.severity.value for i in issues]),
            _codes([i.record.kind for i in issues]),
            pa.array([i.record.index for i in issues], type=pa.int64()),
            pa.array([i.record.id for i in issues], type=pa.string()),
            pa.array([i.path for i in issues], type=pa.string()),
            pa.array([i.message for i in issues], type=pa.string()),
        ],
        names=["code", "severity", "record_kind", "record_index", "record_id", "path", "message"],
    )


def _row(
    kpi: str,
    group: str | None,
    value: float | None,
    ratio: Ratio | None = None,
    policy: str | None = None,
) -> dict[str, Any]:
    return {
        "kpi": kpi,
        "group": group,
        "value": value,
        "numerator": None if ratio is None else ratio.numerator,
        "denominator": None if ratio is None else ratio.denominator,
        "not_stated": None if ratio is None else ratio.not_stated,
        "policy": policy,
    }


def _ratio_row(kpi: str, group: str | None, ratio: Ratio, policy: str | None) -> dict[str, Any]:
    return _row(kpi, group, ratio.percent, ratio, policy)


def _kpi_rows(report: KpiReport) -> list[dict[str, Any]]:
    described = report.policies.describe()
    outcome = f"pairing: {described['pairing']}; outcome: {described['outcome']}"
    groups = "priority groups: " + ", ".join(described["priority_groups"])
    return [
        _row("clients_assisted", None, report.clients_assisted),
        _row("unidentified_clients", None, report.unidentified_clients),
        _row("sessions_delivered", None, report.sessions_delivered),
        *(
            _row("sessions_delivered", str(service_type), count)
            for service_type, count in sorted(report.sessions_by_service_type.items())
        ),
        _row("attendances", None, report.attendances),
        _ratio_row("priority_groups", "any", report.any_priority_group, groups),
        *(
            _ratio_row("priority_groups", name, ratio, groups)
            for name, ratio in report.priority_groups.items()
        ),
        _ratio_row("goals_achieved", None, report.goals_achieved, outcome),
        _ratio_row("circumstances_improved", None, report.circumstances_improved, outcome),
        _ratio_row("unidentified_share", None, report.unidentified_share, None),
    ]


def kpis_to_arrow(report: KpiReport) -> pa.Table:
    """A :class:`~dexcore.kpi.KpiReport` as a tidy table: one row per KPI (and per group).

    Columns: ``period``, ``kpi``, ``group`` (a priority group, or a service
    type for ``sessions_delivered``; empty for the KPI as a whole),
    ``value`` (a count, or a percentage for a ratio), ``numerator``,
    ``denominator`` and ``not_stated`` (for ratios), ``policy`` (the
    choices behind the figure) and the selection (``outlet_id``,
    ``organisation_activity_id``).
    """
    rows = _kpi_rows(report)

    def column(name: str, kind: pa.DataType) -> pa.Array:
        return pa.array([row[name] for row in rows], type=kind)

    values = [None if row["value"] is None else float(row["value"]) for row in rows]
    arrays = [
        _codes([report.period.label] * len(rows)),
        _codes([row["kpi"] for row in rows]),
        column("group", pa.string()),
        pa.array(values, type=pa.float64()),
        column("numerator", pa.int64()),
        column("denominator", pa.int64()),
        column("not_stated", pa.int64()),
        column("policy", pa.string()),
        pa.array([report.selection.outlet_id] * len(rows), type=pa.int64()),
        pa.array([report.selection.organisation_activity_id] * len(rows), type=pa.int64()),
    ]
    names = ["period", "kpi", "group", "value", "numerator", "denominator", "not_stated"]
    names += ["policy", "outlet_id", "organisation_activity_id"]
    return pa.Table.from_arrays(arrays, names=names)


def benchmark_to_arrow(benchmark: Benchmark) -> pa.Table:
    """A :class:`~dexcore.kpi.Benchmark` as a table: one row per KPI.

    Columns: ``organisation``, ``kpi``, ``compared`` (false when there were
    too few peers or no value: the figures are then empty, as the
    benchmark shows none), ``value``, ``percentile_rank``, ``median``,
    ``lower_quartile``, ``upper_quartile``, ``peers`` and ``min_peers``.
    """
    names = ("value", "percentile_rank", "median", "lower_quartile", "upper_quartile")
    rows = []
    for kpi, comparison in benchmark.comparisons.items():
        row: dict[str, Any] = {"organisation": benchmark.organisation, "kpi": kpi}
        row["compared"] = comparison is not None
        for name in names:
            row[name] = None if comparison is None else float(getattr(comparison, name))
        row["peers"] = None if comparison is None else comparison.peers
        row["min_peers"] = benchmark.min_peers
        rows.append(row)
    schema = pa.schema(
        [("organisation", pa.string()), ("kpi", pa.string()), ("compared", pa.bool_())]
        + [(name, pa.float64()) for name in names]
        + [("peers", pa.int64()), ("min_peers", pa.int64())]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _cells(table: ReleasedTable) -> list[tuple[str, str, object]]:
    out: list[tuple[str, str, object]] = []
    for i, row in enumerate(table.rows):
        out += [(row, column, table.cells[i][j]) for j, column in enumerate(table.columns)]
        if table.row_totals is not None:
            out.append((row, TOTAL, table.row_totals[i]))
    if table.column_totals is not None:
        out += [
            (TOTAL, column, v) for column, v in zip(table.columns, table.column_totals, strict=True)
        ]
        if table.total is not None:
            out.append((TOTAL, TOTAL, table.total))
    return out


def released_to_arrow(table: ReleasedTable) -> pa.Table:
    """A :class:`~dexcore.privacy.sdc.ReleasedTable` as a tidy table: one row per cell.

    Columns: the row dimension's name, the column dimension's name (the
    margins labelled ``Total``), ``count`` and ``status``. A hidden count is
    a null ``count`` with status ``n.p.``, whatever the reason it is
    hidden; the table never holds its value (the released table does not
    either). The title and the policy's name are in the schema's metadata.
    """
    cells = _cells(table)
    counts = [v if isinstance(v, int) and not isinstance(v, bool) else None for _, _, v in cells]
    status = [PUBLISHED if count is not None else HIDDEN for count in counts]
    names = [table.row_dimension, table.column_dimension, "count", "status"]
    if len(set(names)) < len(names):
        names[:2] = ["row", "column"]
    arrays = [
        _codes([r for r, _, _ in cells]),
        _codes([c for _, c, _ in cells]),
        pa.array(counts, type=pa.int64()),
        _codes(status),
    ]
    metadata = {"title": table.title, "policy": table.policy.name}
    return pa.Table.from_arrays(arrays, names=names, metadata=metadata)
