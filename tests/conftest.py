"""Shared test configuration: hypothesis profiles and golden files.

``default`` keeps the suite quick on a laptop; ``ci`` tries more examples; ``mutation`` is
for tools/mutation.py. Choose with the environment variable ``DEXCORE_HYPOTHESIS_PROFILE``.

Golden files (``tests/golden``) are compared by the ``golden`` fixture; ``--update-golden``
is the one way to rewrite them.
"""

from __future__ import annotations

import os
from pathlib import Path

# NumPy's BLAS starts a pool of native threads when it is imported (the attack tests import
# SciPy), and dexcore rightly refuses to fork a process with other threads: keep the BLAS to
# the calling thread so the parallel-check tests can fork whatever was imported first.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import pytest  # noqa: E402 (after the environment is set)
from hypothesis import HealthCheck, settings  # noqa: E402 (after the environment is set)
from hypothesis.database import DirectoryBasedExampleDatabase  # noqa: E402 (as above)

from dexcore import clear_caches  # noqa: E402 (as above)
from golden_files import GoldenCheck, golden_check  # noqa: E402 (as above)

# The plugin the package's pytest11 entry point installs, loaded here for a source checkout.
pytest_plugins = ("dexcore.testing.pytest_plugin",)

# The local profile keeps hypothesis's example database (.hypothesis/, the default) and prints
# the reproduction blob, so a failure seen on a laptop replays there and can be pasted.
settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    database=DirectoryBasedExampleDatabase(Path(__file__).resolve().parent.parent / ".hypothesis"),
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    print_blob=True,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# tools/mutation.py: the same examples for every mutant (a mutant is killed by the tests, not
# by the luck of the draw) and no database shared between mutants.
settings.register_profile(
    "mutation",
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("DEXCORE_HYPOTHESIS_PROFILE", "default"))
_MUTATION = os.environ.get("DEXCORE_HYPOTHESIS_PROFILE") == "mutation"


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-doc-outputs`` and ``--update-golden``: rewrite what the tests compare with."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the golden files under tests/golden that differ (the tests then fail)",
    )
    parser.addoption(
        "--update-doc-outputs",
        action="store_true",
        help="rewrite the outputs of the documentation's console examples from actual runs",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> GoldenCheck:
    """Compare a result with its golden file (see ``golden_files``)."""
    return golden_check(update=bool(request.config.getoption("--update-golden")))


@pytest.fixture(autouse=True)
def _caches_emptied_under_mutation() -> None:
    """Under tools/mutation.py, every test starts with dexcore's caches empty.

    mutmut forks each mutant's tests from a process that has already run them unmutated: an
    answer remembered then (a time label's readings, say) would be served to the mutant's
    tests without the mutated code ever running, and the mutant would seem to survive.
    """
    if _MUTATION:
        clear_caches()
