"""Work spread over many processes or machines: the standard KPIs and the rule check on Dask.

This needs the optional Dask packages: ``pip install 'dexcore[dask]'``.
:func:`kpi_on_dask` computes the KPIs of many organisations, or of one
organisation's data cut into parts, on a Dask cluster. Each part is loaded
on a worker from its description (:class:`Part`: file names and an
organisation key; or a function that builds the dataset), so the task graph
never carries records; partials are merged in a tree and finished in shards,
so the driver receives counters, not clients. The result equals
:func:`~dexcore.kpi.kpi_report` over one pass. :func:`check_on_dask` checks
each part on a worker and merges the partials into one report per
organisation, equal to :func:`~dexcore.rules.check` over its input.
:func:`load_part`, :func:`part_shards` and :func:`check_parts` are the map
steps for any other engine (see :doc:`/howto/scale`).
"""

from __future__ import annotations

try:
    import dask  # noqa: F401 (the optional extra this package needs)
    import distributed  # noqa: F401
except ImportError:
    raise ImportError(
        "dexcore.distributed needs Dask: pip install 'dexcore[dask]'", name="dask"
    ) from None

from dexcore.distributed._check import check_graph, check_on_dask, check_parts, part_key
from dexcore.distributed._kpi import kpi_counts_graph, kpi_on_dask
from dexcore.distributed._parts import Part, PartSource, load_part, part_shards

__all__ = [
    "Part",
    "PartSource",
    "check_graph",
    "check_on_dask",
    "check_parts",
    "kpi_counts_graph",
    "kpi_on_dask",
    "load_part",
    "part_key",
    "part_shards",
]
