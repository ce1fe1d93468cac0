"""Benchmarking: one organisation's KPIs against comparable providers.

DSS encourages "comparing your achievement against similar service
providers delivering comparable services". Given the KPI results of many
organisations, :func:`benchmark` compares one of them with its comparable
peers — by default the same program activity in the same state, sharing at
least one service type — and gives, per KPI, the percentile rank and the
peers' median and quartiles. Below a minimum peer-group size no comparison
is shown: a small group says little and can identify a provider (with one
peer, its "median" is that provider's own result). The minimum is 5, the
"fewer than 5" rule dexcore applies to counts (see :doc:`/howto/privacy`); a
caller may raise it, never lower it.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence

import attrs

from dexcore.errors import DexValueError

__all__ = ["Benchmark", "KpiComparison", "PeerResult", "benchmark", "same_program_and_state"]

#: Fewest comparable peers for which a comparison is ever shown; ``min_peers`` may only raise it.
MIN_PEERS = 5


@attrs.frozen(kw_only=True)
class PeerResult:
    """One organisation's KPI results with what makes it comparable.

    Attributes:
        organisation: An identifier of the organisation.
        program_activity: Its program activity, such as "Family and Relationship Services".
        state: Its state or territory.
        service_types: The service types it delivered.
        kpis: One number per KPI (``KpiReport.headline()``); ``None`` when not measurable.
    """

    organisation: str
    program_activity: str
    state: str
    service_types: frozenset[int] = frozenset()
    kpis: Mapping[str, float | None] = attrs.field(factory=dict, eq=False)


def same_program_and_state(target: PeerResult, other: PeerResult) -> bool:
    """The default test: same program activity and state, and a service type in common."""
    return (
        other.program_activity == target.program_activity
        and other.state == target.state
        and (not target.service_types or bool(target.service_types & other.service_types))
    )


@attrs.frozen(kw_only=True)
class KpiComparison:
    """Where one organisation stands on one KPI among its peers.

    Attributes:
        kpi: The KPI's name.
        value: The organisation's value.
        percentile_rank: Share of peers below it, plus half of those equal (0-100).
        median: The peers' median.
        lower_quartile: The peers' 25th percentile.
        upper_quartile: The peers' 75th percentile.
        peers: How many peers had a value.
    """

    kpi: str
    value: float
    percentile_rank: float
    median: float
    lower_quartile: float
    upper_quartile: float
    peers: int


@attrs.frozen(kw_only=True)
class Benchmark:
    """The comparison of one organisation with its peers.

    Attributes:
        organisation: The organisation compared.
        peers: The comparable peers (the organisation itself excluded).
        comparisons: Per KPI, the comparison, or ``None`` with too few peers
            or no value.
        min_peers: The minimum peer-group size used.
    """

    organisation: str
    peers: tuple[str, ...]
    comparisons: Mapping[str, KpiComparison | None] = attrs.field(eq=False)
    min_peers: int

    def __repr__(self) -> str:
        from dexcore._notebook import benchmark_repr  # noqa: PLC0415

        return benchmark_repr(self)

    def _repr_html_(self) -> str:
        """A notebook summary: per KPI, the value, its rank and the peers' quartiles."""
        from dexcore._notebook import benchmark_html  # noqa: PLC0415

        return benchmark_html(self)


def _compare(kpi: str, value: float, others: Sequence[float]) -> KpiComparison:
    """The comparison with ``others``, which :func:`benchmark` guarantees are at least 5."""
    below = sum(other < value for other in others)
    equal = sum(other == value for other in others)
    lower, median, upper = statistics.quantiles(others, n=4, method="inclusive")
    return KpiComparison(
        kpi=kpi,
        value=value,
        percentile_rank=100 * (below + equal / 2) / len(others),
        median=median,
        lower_quartile=lower,
        upper_quartile=upper,
        peers=len(others),
    )


def benchmark(
    target: PeerResult,
    population: Sequence[PeerResult],
    *,
    min_peers: int = MIN_PEERS,
    comparable: Callable[[PeerResult, PeerResult], bool] = same_program_and_state,
) -> Benchmark:
    """Compare ``target`` with the comparable members of ``population``.

    Args:
        target: The organisation to compare.
        population: Results of many organisations (``target`` may be among them).
        min_peers: Fewest peers with a value for a KPI to be compared: at
            least :data:`MIN_PEERS` (5). A KPI with fewer peers has no
            comparison (``None``).
        comparable: Which organisations count as peers of ``target``.

    Raises:
        DexValueError: ``benchmark.min-peers`` when ``min_peers`` is not a
            whole number of at least 5.
    """
    if isinstance(min_peers, bool) or not isinstance(min_peers, int) or min_peers < MIN_PEERS:
        raise DexValueError(
            f"benchmark: min_peers must be a whole number of at least {MIN_PEERS}; "
            "a smaller peer group can show one provider's own result [benchmark.min-peers]"
        )
    peers = [
        other
        for other in population
        if other.organisation != target.organisation and comparable(target, other)
    ]
    comparisons: dict[str, KpiComparison | None] = {}
    for kpi, value in target.kpis.items():
        others = [v for p in peers if (v := p.kpis.get(kpi)) is not None]
        usable = value is not None and len(others) >= min_peers
        comparisons[kpi] = _compare(kpi, value, others) if usable and value is not None else None
    return Benchmark(
        organisation=target.organisation,
        peers=tuple(p.organisation for p in peers),
        comparisons=comparisons,
        min_peers=min_peers,
    )
