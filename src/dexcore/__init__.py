"""dexcore: the typed model, rules and tools for the Australian Government's Data Exchange.

The public API lives in the submodules: :mod:`dexcore.model` (what things
are), :mod:`dexcore.reference` (DSS code tables), :mod:`dexcore.io` (plain
data and JSON), :mod:`dexcore.testing` (strategies and a conformance kit) and
:mod:`dexcore.errors`. :func:`clear_caches` empties the bounded caches of
values met in the data (see the "Threads, processes and caches" guide).

dexcore logs to the logger ``dexcore`` (and its children, named after the
modules), at ``DEBUG`` and ``INFO``, what it skipped and why: records a
reader left out, rules that had nothing to check, caches emptied. A
``NullHandler`` keeps it silent until your application configures logging.
Messages name rule codes, record kinds and counts, never a personal value
or a client's id.
"""

from __future__ import annotations

import logging

from dexcore._caches import clear_caches

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0.dev0"

__all__ = ["__version__", "clear_caches"]
