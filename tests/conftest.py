"""Shared test configuration: hypothesis profiles.

``default`` keeps the suite quick on a laptop; ``ci`` tries more examples.
Choose with the environment variable ``DEXCORE_HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import os

# NumPy's BLAS starts a pool of native threads when it is imported (the attack tests import
# SciPy), and dexcore rightly refuses to fork a process with other threads: keep the BLAS to
# the calling thread so the parallel-check tests can fork whatever was imported first.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import pytest  # noqa: E402 (after the environment is set)
from hypothesis import HealthCheck, settings  # noqa: E402 (after the environment is set)

# The plugin the package's pytest11 entry point installs, loaded here for a source checkout.
pytest_plugins = ("dexcore.testing.pytest_plugin",)

settings.register_profile(
    "default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    print_blob=True,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("DEXCORE_HYPOTHESIS_PROFILE", "default"))


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-doc-outputs``: rewrite the console outputs the documentation shows."""
    parser.addoption(
        "--update-doc-outputs",
        action="store_true",
        help="rewrite the outputs of the documentation's console examples from actual runs",
    )
