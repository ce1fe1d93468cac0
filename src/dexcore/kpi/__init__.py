"""The standard KPIs, the unidentified-client share, and benchmarking against peers.

>>> from dexcore.model import Dataset
>>> from dexcore.periods import ReportingPeriod
>>> standard_kpis(Dataset(), ReportingPeriod.parse("2024-H1")).clients_assisted
0
"""

from __future__ import annotations

from dexcore.kpi.benchmark import (
    Benchmark,
    KpiComparison,
    PeerResult,
    benchmark,
    same_program_and_state,
)
from dexcore.kpi.standard import (
    DEFAULT_PRIORITY_GROUPS,
    KpiPartial,
    KpiPolicies,
    KpiReport,
    PriorityGroup,
    Ratio,
    Selection,
    kpi_partial,
    kpi_report,
    standard_kpis,
)

__all__ = [
    "DEFAULT_PRIORITY_GROUPS",
    "Benchmark",
    "KpiComparison",
    "KpiPartial",
    "KpiPolicies",
    "KpiReport",
    "PeerResult",
    "PriorityGroup",
    "Ratio",
    "Selection",
    "benchmark",
    "kpi_partial",
    "kpi_report",
    "same_program_and_state",
    "standard_kpis",
]
