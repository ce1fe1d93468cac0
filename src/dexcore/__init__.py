"""dexcore: the typed model, rules and tools for the Australian Government's Data Exchange.

The public API lives in the submodules: :mod:`dexcore.model` (what things
are), :mod:`dexcore.reference` (DSS code tables), :mod:`dexcore.io` (plain
data and JSON), :mod:`dexcore.testing` (hypothesis strategies) and
:mod:`dexcore.errors`.
"""

from __future__ import annotations

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
