"""Data frames: a dataset as Apache Arrow tables and back, and results as tables.

This needs the optional ``pyarrow`` package: ``pip install 'dexcore[frames]'``.
Arrow is the interchange: pandas and polars read the tables with their own
converters (``table.to_pandas()``, ``polars.from_arrow(table)``), and hand
frames back the same way.

:func:`dataset_to_arrow` gives one table per collection (see
:data:`TABLE_NAMES`) with real types: dates are ``date32``, counts and ids
integers, codes dictionary (categorical) columns. Personal columns (names,
street lines, birth date, SLK, free-text gender) are left out unless asked
for by name, so a notebook shows no personal data by default.

:func:`dataset_from_arrow` reads tables (or pandas or polars frames) back
into a :class:`~dexcore.model.Dataset`. Every row it cannot read is named
in an :class:`~dexcore.rules.Issue` by table, row and column, with a reason
that never repeats the value; a record is read whole or not at all.

:func:`report_to_arrow`, :func:`kpis_to_arrow`, :func:`benchmark_to_arrow`
and :func:`released_to_arrow` give check reports, KPI reports, benchmarks
and released tables as tidy tables. See :doc:`/howto/frames`.
"""

from __future__ import annotations

try:
    import pyarrow  # noqa: F401 (the optional extra this package needs)
except ImportError:
    raise ImportError(
        "dexcore.io.frames needs pyarrow: pip install 'dexcore[frames]'", name="pyarrow"
    ) from None

from dexcore.io.frames._dataset import (
    PERSONAL_COLUMNS,
    TABLE_NAMES,
    dataset_from_arrow,
    dataset_to_arrow,
)
from dexcore.io.frames._results import (
    benchmark_to_arrow,
    kpis_to_arrow,
    released_to_arrow,
    report_to_arrow,
)

__all__ = [
    "PERSONAL_COLUMNS",
    "TABLE_NAMES",
    "benchmark_to_arrow",
    "dataset_from_arrow",
    "dataset_to_arrow",
    "kpis_to_arrow",
    "released_to_arrow",
    "report_to_arrow",
]
