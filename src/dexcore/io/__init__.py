"""Input and output: plain data and JSON (bulk-upload XML comes in a later release)."""

from __future__ import annotations

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
