"""The standard KPIs on Dask: parts loaded on the workers, a tree of merges, sharded finishing.

The graph has three layers. A **part task** per part (or per partition of
a bag) loads the part on its worker, computes its partial and cuts it into
shards (:func:`~dexcore.distributed.part_shards`). For each shard, a **tree
of merge tasks** combines that shard of every part, ``split_every`` at a
time. A **counts task** per shard finishes it into
:class:`~dexcore.kpi.KpiCounts`. Only the counts, a few dozen whole numbers
each, reach the driver, which adds them into the report. Task keys start
``dexcore-kpi-part-``, ``dexcore-kpi-merge-`` and ``dexcore-kpi-counts-``.
"""

from __future__ import annotations

import functools
import operator
import os
import uuid
from collections.abc import Callable, Sequence

import dask.bag
from dask.base import compute
from dask.delayed import Delayed, delayed
from distributed import Client

from dexcore.distributed._parts import Part, PartSource, part_shards
from dexcore.errors import DexValueError
from dexcore.kpi import (
    KpiCounts,
    KpiPartial,
    KpiPolicies,
    KpiReport,
    Selection,
    kpi_report_from_counts,
)
from dexcore.model import Dataset
from dexcore.periods import ReportingPeriod

__all__ = ["kpi_counts_graph", "kpi_on_dask"]

#: What the Dask functions take: a bag (of datasets, file names or parts), or a list of parts.
Parts = dask.bag.Bag | Sequence[PartSource]


def kpi_on_dask(
    parts: Parts,
    period: ReportingPeriod,
    *,
    client: Client | None = None,
    selection: Selection | None = None,
    policies: KpiPolicies | None = None,
    shards: int = 8,
    split_every: int = 8,
) -> KpiReport:
    """The five KPIs of every part together, computed on Dask; the same as one pass.

    Each part is loaded on a worker; the driver receives one
    :class:`~dexcore.kpi.KpiCounts` per shard, never a client.

    Args:
        parts: A list of parts (file names, :class:`~dexcore.distributed.Part`
            descriptions, or functions that build a dataset), or a
            :class:`dask.bag.Bag` whose elements are any of these or datasets
            (a bag built by reading files on the workers, for example).
        period: The reporting period.
        client: The Dask client to compute on; by default Dask's default
            scheduler (the current distributed client, if there is one).
        selection: Which cases; by default all.
        policies: The named choices, including the client identity; by
            default dexcore's.
        shards: How many shards finish in parallel (see
            :meth:`~dexcore.kpi.KpiPartial.shard`).
        split_every: How many partials each merge task combines.

    Raises:
        DexValueError: as for :func:`kpi_counts_graph`; and, raised on a
            worker and passed on, any error of
            :func:`~dexcore.distributed.load_part`.
    """
    graph = kpi_counts_graph(
        parts, period, selection=selection, policies=policies, shards=shards,
        split_every=split_every,
    )  # fmt: skip
    if client is None:
        counts: Sequence[KpiCounts] = compute(*graph)
    else:
        counts = client.gather(client.compute(graph))
    return kpi_report_from_counts(counts, policies=policies)


def kpi_counts_graph(
    parts: Parts,
    period: ReportingPeriod,
    *,
    selection: Selection | None = None,
    policies: KpiPolicies | None = None,
    shards: int = 8,
    split_every: int = 8,
) -> list[Delayed]:
    """The graph of :func:`kpi_on_dask`, not yet computed: one delayed counts per shard.

    Compute them together (``dask.compute(*graph)``) and pass the counts to
    :func:`~dexcore.kpi.kpi_report_from_counts`. The graph holds the parts'
    descriptions, never their records.

    Raises:
        DexValueError: ``distributed.dataset-in-graph`` when the list holds a
            dataset (its records would travel in the graph: pass files,
            parts or a bag); ``distributed.part`` when it holds something
            else that is not a part; ``kpi.shard-count`` for a bad
            ``shards``; ``distributed.split-every`` for a ``split_every``
            that is not a whole number of at least 2.
    """
    _check_counts(shards, split_every)
    token = uuid.uuid4().hex  # keys of this call only: a file may change between calls
    options = {"selection": selection, "policies": policies, "shards": shards}
    if isinstance(parts, dask.bag.Bag):
        inputs = [(items,) for items in parts.to_delayed()]
    else:
        inputs = [([part],) for part in checked_parts(parts)] or [([],)]
    mapped = [
        delayed(part_shards, pure=False)(*args, period, **options,
                                         dask_key_name=f"dexcore-kpi-part-{token}-{n}")
        for n, args in enumerate(inputs)
    ]  # fmt: skip
    return [_shard_counts(mapped, n, split_every, token) for n in range(shards)]


def _check_counts(shards: object, split_every: object) -> None:
    if isinstance(shards, bool) or not isinstance(shards, int) or shards < 1:
        raise DexValueError("kpi: a shard count is a whole number of at least 1 [kpi.shard-count]")
    checked_split(split_every)


def checked_split(split_every: object) -> None:
    """Refuse a ``split_every`` that is not a whole number of at least 2."""
    if isinstance(split_every, bool) or not isinstance(split_every, int) or split_every < 2:
        raise DexValueError(
            "distributed: split_every is a whole number of at least 2 [distributed.split-every]"
        )


def checked_parts(parts: Sequence[object]) -> list[PartSource]:
    """The parts of a list, refusing datasets (they would travel in the graph) and non-parts."""
    if isinstance(parts, str | bytes) or not isinstance(parts, Sequence):
        raise DexValueError(
            "distributed: parts are a list of parts or a dask bag [distributed.part]"
        )
    found: list[PartSource] = []
    for part in parts:
        if isinstance(part, Dataset) or _carries_dataset(part):
            raise DexValueError(
                "distributed: a dataset in the list would travel inside the task graph; pass "
                "file names, Part descriptions or a bag loaded on the workers "
                "[distributed.dataset-in-graph]"
            )
        if not (callable(part) or isinstance(part, Part | str | os.PathLike)):
            raise DexValueError(
                "distributed: a part is a file name, a Part or a function that returns a "
                "Dataset [distributed.part]"
            )
        found.append(part)
    return found


def _merged(*partials: KpiPartial) -> KpiPartial:
    return functools.reduce(KpiPartial.merge, partials)


def _finish(partial: KpiPartial) -> KpiCounts:
    return partial.finish_counts()


def _shard_counts(mapped: list[Delayed], n: int, split_every: int, token: str) -> Delayed:
    level = [
        delayed(operator.getitem, pure=True)(
            m, n, dask_key_name=f"dexcore-kpi-shard-{token}-{n}-{j}"
        )
        for j, m in enumerate(mapped)
    ]
    merged = merge_tree(level, _merged, split_every, f"dexcore-kpi-merge-{token}-{n}")
    counts: Delayed = delayed(_finish, pure=True)(
        merged, dask_key_name=f"dexcore-kpi-counts-{token}-{n}"
    )
    return counts


def merge_tree(
    level: list[Delayed], merge: Callable[..., object], split_every: int, prefix: str
) -> Delayed:
    """``level`` merged ``split_every`` at a time, level by level, into one delayed value.

    Each merge task's key is ``prefix``, its depth and its place in that depth.
    """
    depth = 0
    while len(level) > 1:
        level = [
            delayed(merge, pure=True)(
                *level[j : j + split_every],
                dask_key_name=f"{prefix}-{depth}-{j // split_every}",
            )
            for j in range(0, len(level), split_every)
        ]
        depth += 1
    return level[0]


def _carries_dataset(part: object) -> bool:
    """Whether a function part holds a dataset that would be pickled into the graph with it.

    Looks at a :func:`functools.partial`'s arguments and a function's closure and
    defaults: a dataset there travels through the scheduler as surely as one in the list.
    """
    held: list[object] = []
    if isinstance(part, functools.partial):
        held += [*part.args, *part.keywords.values()]
        part = part.func
    for cell in getattr(part, "__closure__", None) or ():
        try:
            held.append(cell.cell_contents)
        except ValueError:  # a cell not yet filled holds nothing
            continue
    held += list(getattr(part, "__defaults__", None) or ())
    held += list((getattr(part, "__kwdefaults__", None) or {}).values())
    return any(isinstance(value, Dataset) for value in held)
