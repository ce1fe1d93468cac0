"""Tools for testing code that uses dexcore: strategies, a hypothesis plugin, a conformance kit.

- :mod:`dexcore.testing.strategies`: hypothesis strategies of valid DEX
  data; :mod:`dexcore.testing.hypothesis_plugin` registers them, so that
  ``st.from_type(Client)`` works. Both need hypothesis:
  ``pip install 'dexcore[testing]'`` (without it, importing them says so).
- :mod:`dexcore.testing.conformance`: :func:`assert_dex_valid` and the
  sample uploads shipped with dexcore (:func:`sample_uploads`).
- :mod:`dexcore.testing.pytest_plugin`: the pytest plugin installing dexcore
  registers (fixtures, and failed comparisons without personal values).

This package imports each of them when it is first used, so that pytest,
which loads the plugin at start-up, pays nothing for the rest, and a plain
install without hypothesis can still use the conformance kit.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dexcore.testing import strategies
    from dexcore.testing.conformance import SampleUpload, assert_dex_valid, sample_uploads
    from dexcore.testing.hypothesis_plugin import register_type_strategies

__all__ = [
    "SampleUpload",
    "assert_dex_valid",
    "register_type_strategies",
    "sample_uploads",
    "strategies",
]

_HOMES = {
    "SampleUpload": "dexcore.testing.conformance",
    "assert_dex_valid": "dexcore.testing.conformance",
    "sample_uploads": "dexcore.testing.conformance",
    "register_type_strategies": "dexcore.testing.hypothesis_plugin",
}


def __getattr__(name: str) -> Any:  # noqa: ANN401 (each name has its own type, given above)
    if name == "strategies":
        return importlib.import_module("dexcore.testing.strategies")
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'dexcore.testing' has no attribute {name!r}")
