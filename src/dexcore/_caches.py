"""Bounded caches of values met in the data, and the one switch that empties them.

Some helpers remember their recent answers because the same values recur
across a dataset: a reader's typed values, the letters of a name, the
written forms of a birth date. Those answers are personal data, so every
such cache is bounded (a least-recently-used cache of a few thousand
entries) and registered here, and :func:`clear_caches` (exported as
``dexcore.clear_caches``) empties them all. Caches of data that is not
personal, such as the bundled reference snapshot, are not registered.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["clear_caches", "registered", "remembered"]

T = TypeVar("T")
_LOG = logging.getLogger(__name__)

_REGISTRY: list[functools._lru_cache_wrapper[Any]] = []
_LOCK = threading.Lock()


def remembered(
    maxsize: int,
) -> Callable[[Callable[..., T]], functools._lru_cache_wrapper[T]]:
    """A least-recently-used cache of at most ``maxsize`` answers, emptied by :func:`clear_caches`.

    Args:
        maxsize: The most answers kept; the least recently used goes first.

    Returns:
        A decorator, used like :func:`functools.lru_cache`.
    """

    def decorate(function: Callable[..., T]) -> functools._lru_cache_wrapper[T]:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        with _LOCK:
            _REGISTRY.append(cached)
        return cached

    return decorate


def registered() -> tuple[functools._lru_cache_wrapper[Any], ...]:
    """Every cache made by :func:`remembered` so far (the modules imported so far)."""
    with _LOCK:
        return tuple(_REGISTRY)


def clear_caches() -> None:
    """Empty every cache dexcore keeps of values met in the data.

    dexcore remembers a few thousand recent values in each of a handful of
    bounded caches (names, birth dates and other typed values it has read),
    for speed when values recur. Call this when a process that has handled
    personal data goes on to other work, or between tenants in a shared
    service: afterwards no name, birth date or other value from the data is
    held by dexcore's caches. Safe to call from any thread at any time; a
    pass running in another thread only loses the speed of its cache.

    Example:
        >>> import dexcore
        >>> dexcore.clear_caches()
    """
    caches = registered()
    for cache in caches:
        cache.cache_clear()
    _LOG.debug("emptied %d caches of values met in the data", len(caches))
