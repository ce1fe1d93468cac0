"""Tools for testing code that uses dexcore: hypothesis strategies of valid DEX data."""

from __future__ import annotations

from dexcore.testing import strategies

__all__ = ["strategies"]
