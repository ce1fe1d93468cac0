"""Parts of the input, named so that a worker can load them: files, or a function that builds one.

Nothing here needs Dask: :func:`load_part` and :func:`part_shards` are the
map step of any engine (a Dask task, a Spark ``mapPartitions`` function, a
process pool). A part travels as its description (file names, an
organisation key, a function), never as the records themselves, so the
task graph stays small whatever the size of the data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TypeAlias

import attrs

from dexcore._files import DEFAULT_READ_LIMIT, FileTooLarge, read_limited
from dexcore.errors import DexValueError
from dexcore.io import dataset_from_json
from dexcore.io.bulk import read_bulk
from dexcore.kpi import KpiPartial, KpiPolicies, Selection, kpi_partial
from dexcore.model import Dataset
from dexcore.periods import ReportingPeriod

__all__ = ["Part", "PartSource", "load_part", "part_shards"]


def _is_path(value: object) -> bool:
    return isinstance(value, str | os.PathLike)


def _file_names(value: object) -> tuple[str, ...]:
    """One file name or several, as a tuple of strings."""
    if isinstance(value, str | os.PathLike):
        return (os.fspath(value),)
    if isinstance(value, list | tuple) and value and all(_is_path(v) for v in value):
        return tuple(os.fspath(v) for v in value)
    raise DexValueError(
        "distributed: a part names one file or a non-empty list of files; pass paths "
        "[distributed.part-files]"
    )


@attrs.frozen(kw_only=True)
class Part:
    """One part of the input: files a worker reads as one dataset, and whose organisation it is.

    A part must hold whole cases, with every client their sessions and
    assessments name (as :func:`~dexcore.model.partition_by_case` cuts them),
    or be a whole organisation's data.

    Attributes:
        files: One JSON dataset file (a name ending ``.json``), or one or
            more DEX bulk-upload XML files read together in upload order.
        organisation: The key of the part's organisation; by default the
            dataset's ``organisation.organisation_id``, else ``""``. Bulk
            XML does not carry the organisation: name it, or the parts of
            several organisations are counted as one organisation's.
        max_size: The largest file to read, in bytes (``None``: no limit);
            as for :func:`~dexcore.io.bulk.read_bulk`.
    """

    files: tuple[str, ...] = attrs.field(converter=_file_names)
    organisation: str | None = None
    max_size: int | None = DEFAULT_READ_LIMIT


#: What a part may be: a file name, a :class:`Part`, or a function of no
#: arguments that returns a dataset (importable by the workers: a
#: module-level function, possibly bound with :func:`functools.partial`).
PartSource: TypeAlias = str | os.PathLike[str] | Part | Callable[[], Dataset]


def load_part(source: PartSource | Dataset) -> Dataset:
    """The dataset of one part, read (or built) where this runs.

    Raises:
        BulkReadError: a bulk-upload file, or one of its records, cannot be
            read (a bad record stops the part: check the files first with
            ``dexcore check``).
        DexStructureError: a JSON file is not a dataset.
        DexValueError: ``distributed.too-large`` for a JSON file larger than
            ``max_size``; ``distributed.part-files`` for a part that mixes
            JSON with other files or names several JSON files;
            ``distributed.part`` for something that is not a part.
    """
    if isinstance(source, Dataset):
        return source
    if isinstance(source, str | os.PathLike):
        source = Part(files=source)
    if isinstance(source, Part):
        return _read(source)
    if callable(source):
        built = source()
        if isinstance(built, Dataset):
            return built
    raise DexValueError(
        "distributed: a part is a file name, a Part or a function that returns a Dataset "
        "[distributed.part]"
    )


def _read(part: Part) -> Dataset:
    json_files = [name for name in part.files if name.lower().endswith(".json")]
    if not json_files:
        return read_bulk(list(part.files), max_size=part.max_size)
    if len(part.files) > 1:
        raise DexValueError(
            "distributed: a part is one JSON file or bulk XML files, not several JSON files "
            "or a mixture; make each JSON file a part of its own [distributed.part-files]"
        )
    try:
        return dataset_from_json(read_limited(part.files[0], part.max_size))
    except FileTooLarge as big:
        raise DexValueError(f"distributed: {big.reason()} [distributed.too-large]") from None


def organisation_of(source: PartSource | Dataset) -> str | None:
    """The organisation a :class:`Part` names, if any (the KPIs' and the check's key)."""
    return source.organisation if isinstance(source, Part) else None


def part_shards(
    sources: Iterable[PartSource | Dataset],
    period: ReportingPeriod,
    *,
    selection: Selection | None = None,
    policies: KpiPolicies | None = None,
    shards: int = 1,
) -> tuple[KpiPartial, ...]:
    """Load each part, compute its partial, merge them, and cut the result into ``shards``.

    This is the map step: run it where the data is (a worker, a Spark
    executor), on the parts it is given.

    Args:
        sources: The parts to load here (any number, even none).
        period: The reporting period.
        selection: Which cases; by default all.
        policies: The named choices; by default dexcore's.
        shards: How many shards to cut into (see
            :meth:`~dexcore.kpi.KpiPartial.shard`); the same for every call
            whose results are merged.

    Raises:
        DexValueError: as for :func:`load_part`, and ``kpi.shard-count``.
    """
    merged: KpiPartial | None = None
    for source in sources:
        dataset = load_part(source)
        organisation = organisation_of(source)
        found = kpi_partial(
            dataset, period, selection=selection, policies=policies, organisation=organisation
        )
        merged = found if merged is None else merged.merge(found)
    if merged is None:
        merged = kpi_partial(Dataset(), period, selection=selection, policies=policies)
    return merged.shard(shards)
