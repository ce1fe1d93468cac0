"""Pausing Python's cyclic garbage collector around dexcore's long passes.

A check or a KPI computation over a large dataset allocates many small
objects while millions of model records are alive. Each time the collector
runs its full pass it visits all of them, so the time would grow faster than
the data (measured: 40% of a million-session KPI run). These passes create
no reference cycles, so pausing the collector loses nothing; its previous
state is restored afterwards, and reference counting frees memory as usual.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["gc_paused"]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, then restore its state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
