"""The one message for code of :mod:`dexcore.testing` that needs hypothesis when it is missing."""

from __future__ import annotations

__all__ = ["hypothesis_missing"]


def hypothesis_missing(module: str) -> ImportError:
    """The error to raise from ``module`` when hypothesis cannot be imported."""
    return ImportError(
        f"{module} needs hypothesis: pip install 'dexcore[testing]'", name="hypothesis"
    )
