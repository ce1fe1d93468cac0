"""dexcore: the typed model, rules and tools for the Australian Government's Data Exchange.

The public API lives in the submodules: :mod:`dexcore.model` (what things
are), :mod:`dexcore.reference` (DSS code tables), :mod:`dexcore.io` (plain
data and JSON), :mod:`dexcore.testing` (hypothesis strategies) and
:mod:`dexcore.errors`. :func:`clear_caches` empties the bounded caches of
values met in the data (see the "Threads, processes and caches" guide).
"""

from __future__ import annotations

from dexcore._caches import clear_caches

__version__ = "0.1.0.dev0"

__all__ = ["__version__", "clear_caches"]
