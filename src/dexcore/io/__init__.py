"""Input and output: plain data and JSON, and DEX bulk-upload XML.

* :mod:`dexcore.io.converters`: datasets to and from plain data and JSON
  (:func:`dataset_to_json`, :func:`dataset_from_json`, a cattrs converter).
* :mod:`dexcore.io.bulk`: the XML files organisations upload to DEX
  (:func:`~dexcore.io.bulk.read_bulk`, :func:`~dexcore.io.bulk.load_bulk`,
  :func:`~dexcore.io.bulk.write_bulk`, :func:`~dexcore.io.bulk.upload_part`).
  Its public names are exported here too, and imported on first use, so that
  ``import dexcore.io`` stays light for JSON work.
* :mod:`dexcore.io.xsd`: validation against a ``DEXFileUpload.xsd`` you supply
  (the ``xsd`` extra).
* :mod:`dexcore.io.frames`: Apache Arrow tables (the ``frames`` extra).

>>> import dexcore.io
>>> from dexcore.io import read_bulk
>>> read_bulk is dexcore.io.bulk.read_bulk
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dexcore.io.converters import (
    configure_converter,
    dataset_from_json,
    dataset_to_json,
    make_converter,
    structure,
    unstructure,
)

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

# The exported names not defined above are dexcore.io.bulk's, imported when first asked for.
_BULK = frozenset(name for name in __all__ if name not in globals())


def __getattr__(name: str) -> Any:  # noqa: ANN401 (any exported name)
    """The bulk-upload names, from :mod:`dexcore.io.bulk` on first use."""
    if name in _BULK:
        return getattr(importlib.import_module("dexcore.io.bulk"), name)
    raise AttributeError(f"module 'dexcore.io' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_BULK})
