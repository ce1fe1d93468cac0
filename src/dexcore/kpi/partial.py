"""Partial KPI results: computed per part of the input, merged in any order, finished in shards.

A :class:`KpiPartial` is what one part of the input (whole cases with their
sessions and assessments, and the clients they need) contributes to the
KPIs of a period. Everything in it is keyed by organisation (or, under
:attr:`~dexcore.kpi.ClientIdentity.SLK`, clients by their SLK), so partials
of several organisations merge without their ids colliding. Merging is
commutative and associative: every combination is a sum, a maximum or a
minimum under a total order on what was recorded, never on where a record
sat in the input.

Finishing reduces per-client figures to counters. :meth:`KpiPartial.shard`
cuts a partial by a stable hash of the client key (and of the case key for
unidentified clients), so each shard can be merged and finished on its own
worker; only the small :class:`~dexcore.kpi.KpiCounts` reach the driver.

>>> from dexcore.model import Dataset
>>> from dexcore.periods import ReportingPeriod
>>> part = kpi_partial(Dataset(), ReportingPeriod.parse("2024-H2"), organisation="ORG-1")
>>> KpiPartial.from_dict(part.to_dict()) == part
True
>>> [shard.finish_counts().clients_assisted for shard in part.shard(3)]
[0, 0, 0]
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs

from dexcore._gc import gc_paused
from dexcore.errors import DexValueError
from dexcore.kpi import _plain
from dexcore.kpi._build import (
    Builder,
    CaseKey,
    ClientKey,
    Groups,
    PairEnds,
    ScoreKey,
    least,
    max_groups,
    most,
)
from dexcore.kpi.counts import KpiCounts, Tally
from dexcore.kpi.policies import KpiPolicies, Selection
from dexcore.model import Dataset, ScoreType
from dexcore.periods import ReportingPeriod
from dexcore.score import OutcomePolicy

__all__ = ["KpiPartial", "kpi_partial"]

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T", bound=tuple[str, ...])


@attrs.frozen(kw_only=True)
class KpiPartial:
    """What one part of the input contributes to the KPIs of a period.

    Treat it as a value: :meth:`merge` and :meth:`shard` return new partials.
    The per-client fields are hidden from ``repr`` (they hold client ids or SLKs).

    Attributes:
        period: The reporting period.
        selection: Which cases it counts.
        policies: The policies it was computed under, as plain data
            (:meth:`KpiPolicies.describe`).
        sessions: Counted sessions.
        by_service_type: Counted sessions per service type.
        attendances: Attached plus unidentified clients over counted sessions.
        unidentified: Per case, the largest unidentified figure in the period (capped).
        assisted: Clients attached as ``CLIENT`` to a counted session, with
            their priority-group classes.
        scores: Per client, the ends of each Goals and Circumstances pairing
            key, with ratings up to the end of the period.
    """

    period: ReportingPeriod
    selection: Selection = attrs.field(factory=Selection)
    policies: Mapping[str, Any] = attrs.field(factory=lambda: KpiPolicies().describe())
    sessions: int = 0
    by_service_type: Mapping[int, int] = attrs.field(factory=dict)
    attendances: int = 0
    unidentified: Mapping[CaseKey, int] = attrs.field(factory=dict, repr=False)
    assisted: Mapping[ClientKey, Groups] = attrs.field(factory=dict, repr=False)
    scores: Mapping[ClientKey, Mapping[ScoreKey, PairEnds]] = attrs.field(factory=dict, repr=False)

    def merge(self, other: KpiPartial) -> KpiPartial:
        """The contribution of both parts together; commutative and associative.

        Raises:
            DexValueError: ``kpi.merge-mismatch`` when the partials are for
                another period, selection or set of policies.
        """
        _same_frame(self, other, "merge")
        by_type = dict(self.by_service_type)
        for service_type, count in other.by_service_type.items():
            by_type[service_type] = by_type.get(service_type, 0) + count
        return KpiPartial(
            period=self.period,
            selection=self.selection,
            policies=self.policies,
            sessions=self.sessions + other.sessions,
            by_service_type=dict(sorted(by_type.items())),
            attendances=self.attendances + other.attendances,
            unidentified=_combine(self.unidentified, other.unidentified, max),
            assisted=_combine(self.assisted, other.assisted, max_groups),
            scores=_combine(self.scores, other.scores, _merge_scores),
        )

    def shard(self, count: int) -> tuple[KpiPartial, ...]:
        """Cut into ``count`` partials by a stable hash of each client key and case key.

        A key's shard is the same on every machine and Python version, so
        shard *i* of every part can be merged and finished on its own. The
        session counters go to shard 0. Merging all the shards gives this
        partial back. Cut every part with the same ``count``: shard *i* of
        ``shard(4)`` and of ``shard(8)`` hold different clients.

        Raises:
            DexValueError: ``kpi.shard-count`` when ``count`` is not a whole
                number of at least 1.
        """
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise DexValueError(
                "kpi: a shard count is a whole number of at least 1 [kpi.shard-count]"
            )
        unidentified = _split(self.unidentified, count)
        assisted = _split(self.assisted, count)
        scores = _split(self.scores, count)
        return tuple(
            KpiPartial(
                period=self.period,
                selection=self.selection,
                policies=self.policies,
                sessions=self.sessions if n == 0 else 0,
                by_service_type=dict(self.by_service_type) if n == 0 else {},
                attendances=self.attendances if n == 0 else 0,
                unidentified=unidentified[n],
                assisted=assisted[n],
                scores=scores[n],
            )
            for n in range(count)
        )

    def finish_counts(self) -> KpiCounts:
        """Reduce the per-client figures to counters, which add up across shards."""
        outcome = OutcomePolicy(self.policies["outcome"])
        names = list(self.policies["priority_groups"])
        tallies = [[0, 0, 0] for _ in names]
        any_group = [0, 0, 0]
        for groups in self.assisted.values():
            for tally, value in zip(tallies, groups, strict=True):
                tally[value] += 1
            any_group[2 if 2 in groups else (1 if all(v == 1 for v in groups) else 0)] += 1
        goals, circumstances = _outcome_tallies(self.scores.values(), self.period.start, outcome)
        return KpiCounts(
            period=self.period,
            selection=self.selection,
            policies=self.policies,
            sessions=self.sessions,
            by_service_type=dict(sorted(self.by_service_type.items())),
            attendances=self.attendances,
            unidentified=sum(self.unidentified.values()),
            clients_assisted=len(self.assisted),
            priority_groups={n: _tally(t) for n, t in zip(names, tallies, strict=True)},
            any_priority_group=_tally(any_group),
            goals=goals,
            circumstances=circumstances,
        )

    def to_dict(self) -> dict[str, Any]:
        """The versioned plain-data form (JSON-ready; see :doc:`/explanation/score-kpi`).

        It holds client ids, or SLKs under the SLK identity: protect it as
        you would the input.
        """
        with gc_paused():  # many small lists: the collector would rescan them, to no gain
            return _plain.encode(attrs.asdict(self, recurse=False))

    @classmethod
    def from_dict(cls, data: object) -> KpiPartial:
        """Read the plain-data form written by :meth:`to_dict`.

        Raises:
            DexValueError: ``kpi.partial-version`` for a version this dexcore
                does not read.
            DexStructureError: for anything else malformed, with its path.
        """
        with gc_paused():
            return cls(**_plain.decode(data))


def _same_frame(one: KpiPartial, other: object, verb: str) -> None:
    if not isinstance(other, KpiPartial):
        raise DexValueError(f"kpi: can {verb} a KpiPartial only with another [kpi.merge-mismatch]")
    if (one.period, one.selection, one.policies) != (other.period, other.selection, other.policies):
        raise DexValueError(
            f"kpi: cannot {verb} results for another period, selection or policies "
            "[kpi.merge-mismatch]"
        )


def _combine(mine: Mapping[K, V], theirs: Mapping[K, V], both: Any) -> dict[K, V]:  # noqa: ANN401
    merged = dict(mine)
    for key, value in theirs.items():
        current = merged.get(key)
        merged[key] = value if current is None else both(current, value)
    return merged


def _merge_ends(one: PairEnds, other: PairEnds) -> PairEnds:
    return (least(one[0], other[0]), most(one[1], other[1]), one[2] + other[2])


def _merge_scores(
    one: Mapping[ScoreKey, PairEnds], other: Mapping[ScoreKey, PairEnds]
) -> dict[ScoreKey, PairEnds]:
    return _combine(one, other, _merge_ends)


def shard_of(key: tuple[str, ...], count: int) -> int:
    """The shard of a client or case key: CRC-32 of its parts, stable across processes."""
    return zlib.crc32("\x1f".join(key).encode("utf-8")) % count


def _split(items: Mapping[T, V], count: int) -> list[dict[T, V]]:
    parts: list[dict[T, V]] = [{} for _ in range(count)]
    for key, value in items.items():
        parts[shard_of(key, count)][key] = value
    return parts


def _tally(values: list[int]) -> Tally:
    return Tally(in_group=values[2], not_in_group=values[1], not_stated=values[0])


def _paired(ends: PairEnds) -> bool:
    first, last, _ = ends
    return first is not None and last is not None and first != last and first <= last


def _outcome_tallies(
    clients: Iterable[Mapping[ScoreKey, PairEnds]], start: dt.date, outcome: OutcomePolicy
) -> tuple[tuple[int, int], tuple[int, int]]:
    counts = {ScoreType.GOALS.value: [0, 0], ScoreType.CIRCUMSTANCES.value: [0, 0]}
    for keys in clients:
        changes: dict[str, list[int]] = {}
        for (_org, _scope, score_type, _domain), ends in keys.items():
            first, last, _ = ends
            if _paired(ends) and last is not None and first is not None and last[0] >= start:
                changes.setdefault(score_type, []).append(first[4] - last[4])
        for score_type, values in changes.items():
            counts[score_type][0] += outcome.positive(values)
            counts[score_type][1] += 1
    goals, circumstances = counts[ScoreType.GOALS.value], counts[ScoreType.CIRCUMSTANCES.value]
    return (goals[0], goals[1]), (circumstances[0], circumstances[1])


def kpi_partial(
    dataset: Dataset,
    period: ReportingPeriod,
    *,
    selection: Selection | None = None,
    policies: KpiPolicies | None = None,
    organisation: str | None = None,
) -> KpiPartial:
    """The contribution of ``dataset`` (the whole input, or a part of whole cases) to the KPIs.

    Args:
        dataset: The records; a part must hold whole cases, with every client
            their sessions and assessments name (see
            :func:`~dexcore.model.partition_by_case`).
        period: The reporting period.
        selection: Which cases; by default all.
        policies: The named choices; by default dexcore's.
        organisation: The key of the dataset's organisation; by default its
            ``organisation.organisation_id``, else ``""``. Partials with the
            same key are one organisation's.
    """
    with gc_paused():
        return KpiPartial(**Builder(dataset, period, selection, policies, organisation).fields())
