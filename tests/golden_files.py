"""Golden files (``tests/golden``): one comparison, one flag (``--update-golden``) to rewrite.

Without the flag a difference fails the test. With it, a file that differs is rewritten and
the test still fails, so that the run that changed it is never green: review the diff
(``git diff tests/golden``) and run again without the flag.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

#: Compares a result with its golden file: ``golden(path, actual)``.
GoldenCheck = Callable[[Path, str | bytes], None]


def golden_check(*, update: bool) -> GoldenCheck:
    """The comparison the ``golden`` fixture hands to tests; ``update`` rewrites differences."""

    def check(path: Path, actual: str | bytes) -> None:
        data = actual.encode() if isinstance(actual, str) else actual
        expected = path.read_bytes() if path.exists() else None
        if data == expected:
            return
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            pytest.fail(f"{path.name} rewritten: review the diff, then run without the flag")
        pytest.fail(
            f"{path.name} differs from the result; if the change is meant, rerun with "
            "--update-golden and review the diff"
        )

    return check
