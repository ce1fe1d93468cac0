"""Input and output: plain data and JSON, and DEX bulk-upload XML.

* :mod:`dexcore.io.converters`: datasets to and from plain data and JSON
  (:func:`dataset_to_json`, :func:`dataset_from_json`, a cattrs converter).
* :mod:`dexcore.io.bulk`: the XML files organisations upload to DEX
  (:func:`~dexcore.io.bulk.read_bulk`, :func:`~dexcore.io.bulk.load_bulk`,
  :func:`~dexcore.io.bulk.write_bulk`, :func:`~dexcore.io.bulk.upload_part`).
* :mod:`dexcore.io.xsd`: validation against a ``DEXFileUpload.xsd`` you supply
  (the ``xsd`` extra).
* :mod:`dexcore.io.frames`: Apache Arrow tables (the ``frames`` extra).

The names of the converters and of the bulk module are exported here too, and
imported on first use: ``import dexcore.io`` stays light, and reading bulk XML
does not load cattrs.

>>> import dexcore.io
>>> from dexcore.io import read_bulk
>>> read_bulk is dexcore.io.bulk.read_bulk
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dexcore.io.bulk import (
        DEFAULT_MAX_BYTES,
        DEFAULT_READ_LIMIT,
        PLACEHOLDERS,
        BulkSource,
        BulkUpload,
        load_bulk,
        read_bulk,
        upload_part,
        write_bulk,
    )
    from dexcore.io.converters import (
        configure_converter,
        dataset_from_json,
        dataset_to_json,
        make_converter,
        structure,
        unstructure,
    )

#: Each exported name and the module that defines it.
_HOMES = {
    **dict.fromkeys(
        [
            "configure_converter",
            "dataset_from_json",
            "dataset_to_json",
            "make_converter",
            "structure",
            "unstructure",
        ],
        "dexcore.io.converters",
    ),
    **dict.fromkeys(
        [
            "DEFAULT_MAX_BYTES",
            "DEFAULT_READ_LIMIT",
            "PLACEHOLDERS",
            "BulkSource",
            "BulkUpload",
            "load_bulk",
            "read_bulk",
            "upload_part",
            "write_bulk",
        ],
        "dexcore.io.bulk",
    ),
}

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_READ_LIMIT",
    "PLACEHOLDERS",
    "BulkSource",
    "BulkUpload",
    "configure_converter",
    "dataset_from_json",
    "dataset_to_json",
    "load_bulk",
    "make_converter",
    "read_bulk",
    "structure",
    "unstructure",
    "upload_part",
    "write_bulk",
]


def __getattr__(name: str) -> Any:  # noqa: ANN401 (each name has the type its module gives it)
    """The exported name ``name``, imported from its module on first use (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
