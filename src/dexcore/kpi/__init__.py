"""The standard KPIs, the unidentified-client share, and benchmarking against peers.

>>> from dexcore.model import Dataset
>>> from dexcore.periods import ReportingPeriod
>>> standard_kpis(Dataset(), ReportingPeriod.parse("2024-H1")).clients_assisted
0
"""

from __future__ import annotations

from dexcore.kpi.peers import (
    Benchmark,
    KpiComparison,
    PeerResult,
    benchmark,
    same_program_and_state,
)
from dexcore.kpi.standard import (
    DEFAULT_PRIORITY_GROUPS,
    ClientIdentity,
    KpiCounts,
    KpiPartial,
    KpiPolicies,
    KpiReport,
    PriorityGroup,
    Ratio,
    Selection,
    Tally,
    kpi_partial,
    kpi_report,
    kpi_report_from_counts,
    standard_kpis,
)

__all__ = [
    "DEFAULT_PRIORITY_GROUPS",
    "Benchmark",
    "ClientIdentity",
    "KpiComparison",
    "KpiCounts",
    "KpiPartial",
    "KpiPolicies",
    "KpiReport",
    "PeerResult",
    "PriorityGroup",
    "Ratio",
    "Selection",
    "Tally",
    "benchmark",
    "kpi_partial",
    "kpi_report",
    "kpi_report_from_counts",
    "same_program_and_state",
    "standard_kpis",
]
