"""Input and output: plain data and JSON (bulk-upload XML comes in a later release).

The JSON converters are imported on first use, so that reading bulk XML
(``dexcore.io.bulk``) does not load cattrs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dexcore.io.converters import (
        configure_converter,
        dataset_from_json,
        dataset_to_json,
        make_converter,
        structure,
        unstructure,
    )

__all__ = [
    "configure_converter",
    "dataset_from_json",
    "dataset_to_json",
    "make_converter",
    "structure",
    "unstructure",
]


def __getattr__(name: str) -> Any:  # noqa: ANN401 (each name has the type its module gives it)
    """The converter named ``name``, imported on first use (PEP 562)."""
    if name in __all__:
        value = getattr(importlib.import_module("dexcore.io.converters"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
