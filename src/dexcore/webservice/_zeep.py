"""The error raised when zeep, the optional web-service dependency, is not installed."""

from __future__ import annotations

__all__ = ["missing_zeep"]


def missing_zeep() -> ImportError:
    """An ImportError that names the extra to install."""
    return ImportError(
        "dexcore.webservice needs zeep: pip install 'dexcore[webservice]'", name="zeep"
    )
