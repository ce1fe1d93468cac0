"""dexcore: the typed model, rules and tools for the Australian Government's Data Exchange.

The public API lives in the subpackages and modules, listed here from the
bottom layer up (each imports only from those listed before it; see the
architecture page of the documentation):

* :mod:`dexcore.errors`: one exception hierarchy, a machine-readable ``code`` on every error.
* :mod:`dexcore.issues`: the report vocabulary: ``Issue``, ``RecordRef``, ``Severity``, ``Report``.
* :mod:`dexcore.model`: what things are: frozen records, code tables, priority groups.
* :mod:`dexcore.reference`: DSS code tables and service types, bundled or loaded from DSS's XML.
* :mod:`dexcore.slk`: SLK-581 linkage keys: generate, validate, compare.
* :mod:`dexcore.periods`: six-monthly reporting periods and their close-off.
* :mod:`dexcore.score`: SCORE assessments paired into outcomes.
* :mod:`dexcore.io`: plain data and JSON, DEX bulk-upload XML, XSD checks, Arrow frames.
* :mod:`dexcore.rules`: the rule engine and the DEX rule sets: ``check``, ``ensure_valid``.
* :mod:`dexcore.kpi`: the standard KPIs, mergeable partial results, benchmarks against peers.
* :mod:`dexcore.privacy`: consent, de-identified exports, disclosure control, release decisions.
* :mod:`dexcore.webservice`: a thin client for DEX's SOAP web services (extra ``webservice``).
* :mod:`dexcore.report_formats`: a check's issues as JSON, SARIF and JUnit XML, for CI systems.
* :mod:`dexcore.html_report`: the KPIs as one self-contained HTML page, protected to publish.
* :mod:`dexcore.testing`: hypothesis strategies and plugin, a conformance kit and pytest fixtures.
* :mod:`dexcore.cli`: the ``dexcore`` command line.
* :mod:`dexcore.distributed`: the KPIs of many organisations or parts on Dask (extra ``dask``).

:func:`clear_caches` empties the bounded caches of values met in the data
(see the "Threads, processes and caches" guide).

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
