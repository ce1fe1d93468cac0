"""The five standard KPIs for one organisation (or outlet, or program activity) and period.

No DSS document defines "five standard KPIs" with numerators and
denominators; this set follows DSS's counting rules and SCORE practice, and
every figure carries its numerator, denominator and the policies used:

1. **Clients assisted**: distinct clients attached as ``CLIENT`` (not
   ``SUPPORT``) to at least one counted session of the period; unidentified
   clients beside it, without double counting (for each case, the largest
   session figure in the period, capped by the case's figure).
2. **Service instances delivered**: counted sessions (at least one client
   attached), also by service type, with total attendances.
3. **Participants from priority groups (%)**: among clients assisted, per
   group and for any group; "not stated" answers leave the denominator and
   are counted apart.
4. **Clients achieving individual goals (%)**: among clients with a Goals
   pair whose later assessment falls in the period, those with a positive
   outcome.
5. **Clients with improved circumstances (%)**: the same over Circumstances.

The computation is a partial result per part of the input, partitioned by
case (:func:`~dexcore.model.partition_by_case`), that merges in any order:
:func:`kpi_partial` on each part, :meth:`KpiPartial.merge`, then
:func:`kpi_report` (or, sharded, :meth:`KpiPartial.shard`,
:meth:`KpiPartial.finish_counts` per shard and
:func:`kpi_report_from_counts`). The names below are the same ones
:mod:`dexcore.kpi` exports; they live in :mod:`dexcore.kpi.policies`,
:mod:`dexcore.kpi.partial`, :mod:`dexcore.kpi.counts` and
:mod:`dexcore.kpi.report`.
"""

from __future__ import annotations

from dexcore._gc import gc_paused
from dexcore.errors import DexValueError
from dexcore.kpi.counts import KpiCounts, Tally, kpi_report_from_counts
from dexcore.kpi.partial import KpiPartial, kpi_partial
from dexcore.kpi.policies import (
    DEFAULT_PRIORITY_GROUPS,
    ClientIdentity,
    KpiPolicies,
    PriorityGroup,
    Selection,
)
from dexcore.kpi.report import KpiReport, Ratio
from dexcore.model import Dataset
from dexcore.periods import ReportingPeriod

__all__ = [
    "DEFAULT_PRIORITY_GROUPS",
    "ClientIdentity",
    "KpiCounts",
    "KpiPartial",
    "KpiPolicies",
    "KpiReport",
    "PriorityGroup",
    "Ratio",
    "Selection",
    "Tally",
    "kpi_partial",
    "kpi_report",
    "kpi_report_from_counts",
    "standard_kpis",
]


def kpi_report(
    partial: KpiPartial,
    *,
    selection: Selection | None = None,
    policies: KpiPolicies | None = None,
) -> KpiReport:
    """The KPIs from a (merged) partial result, in one process.

    The partial already holds what the KPIs need of each client (their
    priority-group classes), so no client records are passed. For very
    large inputs, finish in shards instead (:meth:`KpiPartial.shard`).

    Args:
        partial: The merged partial of every part.
        selection: Checked against the partial's when given.
        policies: The policies the partial was computed under; by default dexcore's.

    Raises:
        DexValueError: ``kpi.merge-mismatch`` when ``selection`` or
            ``policies`` are not the partial's.
    """
    if selection is not None and selection != partial.selection:
        raise DexValueError(
            "kpi: the partial was computed for another selection [kpi.merge-mismatch]"
        )
    with gc_paused():
        return kpi_report_from_counts([partial.finish_counts()], policies=policies)


def standard_kpis(
    dataset: Dataset,
    period: ReportingPeriod,
    *,
    selection: Selection | None = None,
    policies: KpiPolicies | None = None,
) -> KpiReport:
    """The five KPIs of ``dataset`` for ``period``, in one pass."""
    partial = kpi_partial(dataset, period, selection=selection, policies=policies)
    return kpi_report(partial, policies=policies)
