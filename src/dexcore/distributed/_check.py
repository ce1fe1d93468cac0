"""The rule check on Dask: each part checked on a worker, the partials merged in a tree.

A **check task** per part (or per partition of a bag) loads the part on its
worker and checks it (:func:`~dexcore.rules.check_part`); a **tree of merge
tasks** combines the partials ``split_every`` at a time. The driver turns
the merged partial into one report per organisation, each equal to
:func:`~dexcore.rules.check` over that organisation's input. Task keys
start ``dexcore-check-part-`` and ``dexcore-check-merge-``.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterable

import dask.bag
from dask.delayed import Delayed, delayed
from distributed import Client

from dexcore.distributed._kpi import Parts, checked_parts, checked_split, merge_tree
from dexcore.distributed._parts import Part, PartSource, load_part, organisation_of
from dexcore.issues import Report
from dexcore.model import Dataset
from dexcore.reference import ReferenceData
from dexcore.rules import CheckPartial, RuleSet, check_part

__all__ = ["check_graph", "check_on_dask", "check_parts", "part_key"]


def check_on_dask(
    parts: Parts,
    *,
    today: dt.date,
    ruleset: RuleSet | None = None,
    reference: ReferenceData | None = None,
    client: Client | None = None,
    split_every: int = 8,
) -> dict[str, Report]:
    """Every part checked on Dask: one report per organisation, as ``check`` gives it.

    Each part is one organisation's whole input (a file, several files of
    one upload as a :class:`Part`, or a function that builds the dataset),
    keyed by :func:`part_key`. Two parts with the same key are the same
    organisation's input cut in two; each must then be a self-contained
    cut with its positions, as :func:`~dexcore.rules.check_part` requires,
    and a plain file is not: the merge refuses the overlap
    (``check.partial-overlap``). Put the files of one upload in one
    :class:`Part` instead.

    Args:
        parts: A list of parts, or a bag of parts or datasets (loaded where
            the bag's partitions live).
        today: The day the check is made for.
        ruleset: The rules; by default :data:`~dexcore.rules.DEX`.
        reference: The code tables; by default the bundled snapshot (built
            on each worker, so it never travels in the graph).
        client: The Dask client to compute on; by default the current one.
        split_every: How many partials one merge task combines (at least 2).

    Raises:
        DexValueError: as for :func:`~dexcore.distributed.kpi_counts_graph`
            (``distributed.dataset-in-graph``, ``distributed.part``,
            ``distributed.split-every``), and as for
            :meth:`~dexcore.rules.CheckPartial.merge`.
    """
    merged = check_graph(
        parts, today=today, ruleset=ruleset, reference=reference, split_every=split_every
    )
    partial: CheckPartial = merged.compute() if client is None else client.compute(merged).result()
    return partial.reports(ruleset)


def check_graph(
    parts: Parts,
    *,
    today: dt.date,
    ruleset: RuleSet | None = None,
    reference: ReferenceData | None = None,
    split_every: int = 8,
) -> Delayed:
    """The graph of :func:`check_on_dask`, not yet computed: one delayed merged partial.

    Raises:
        DexValueError: as for :func:`check_on_dask`.
    """
    checked_split(split_every)
    token = uuid.uuid4().hex  # keys of this call only: a file may change between calls
    shared = delayed(reference, name=f"dexcore-check-reference-{token}")
    options = {"today": today, "ruleset": ruleset, "reference": shared}
    if isinstance(parts, dask.bag.Bag):
        inputs = [(items, f"partition {n}") for n, items in enumerate(parts.to_delayed())]
    else:
        inputs = [([part], f"part {n}") for n, part in enumerate(checked_parts(parts))]
    inputs = inputs or [([], "none")]
    level: list[Delayed] = [
        delayed(check_parts, pure=False)(items, label, **options,
                                         dask_key_name=f"dexcore-check-part-{token}-{n}")
        for n, (items, label) in enumerate(inputs)
    ]  # fmt: skip
    return merge_tree(level, _merged, split_every, f"dexcore-check-merge-{token}")


def check_parts(
    sources: Iterable[PartSource | Dataset],
    label: str,
    *,
    today: dt.date,
    ruleset: RuleSet | None = None,
    reference: ReferenceData | None = None,
) -> CheckPartial:
    """Load each part here, check it, and merge the partials: the map step of the check.

    Run it where the data is (a worker, a Spark executor). Each part is
    keyed by :func:`part_key`, with ``label`` and its place among
    ``sources`` naming parts that have no other name.

    Raises:
        DexValueError: as for :func:`~dexcore.distributed.load_part` and
            :meth:`~dexcore.rules.CheckPartial.merge`.
    """
    partials = [
        check_part(
            dataset,
            ruleset,
            today=today,
            reference=reference,
            organisation=part_key(source, dataset, f"{label}, item {n}"),
        )
        for n, source in enumerate(sources)
        for dataset in [load_part(source)]
    ]
    if not partials:
        return check_part(Dataset(), ruleset, today=today, reference=reference, organisation="")
    return CheckPartial.merge_all(partials)


def part_key(source: PartSource | Dataset, dataset: Dataset, fallback: str) -> str:
    """The key a part's report is filed under.

    The :class:`Part`'s ``organisation`` when given; else the dataset's
    organisation id; else the part's file names (joined by ``+``); else
    ``fallback``.
    """
    named = organisation_of(source)
    if named is not None:
        return named
    if dataset.organisation is not None and dataset.organisation.organisation_id:
        return dataset.organisation.organisation_id
    if isinstance(source, Part):
        return "+".join(source.files)
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return fallback


def _merged(*partials: CheckPartial) -> CheckPartial:
    return CheckPartial.merge_all(partials)
