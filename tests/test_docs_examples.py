"""The Python examples of the documentation pages run, so a stale example fails the suite.

Each ```` ```python ```` block of a page runs in a fresh namespace in which
``dataset`` is the bundled example dataset (the pages use it as "your
dataset"). Pages whose examples read files a reader supplies are not listed
yet: their examples need fixtures of their own.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from dexcore.io import dataset_from_json

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["frames.md", "periods.md", "privacy.md", "score-kpi.md", "slk.md", "testing.md"]


def examples() -> list[tuple[str, int, str]]:
    found: list[tuple[str, int, str]] = []
    for page in PAGES:
        text = (ROOT / "docs" / page).read_text(encoding="utf-8")
        blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
        found.extend((page, k, block) for k, block in enumerate(blocks))
    return found


@pytest.mark.parametrize(("page", "number", "code"), examples())
def test_documentation_example_runs(page: str, number: int, code: str) -> None:
    namespace = {
        "dataset": dataset_from_json((ROOT / "examples" / "example-dataset.json").read_bytes())
    }
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, f"docs/{page} example {number}", "exec"), namespace)


def test_every_listed_page_has_an_example() -> None:
    assert {page for page, _, _ in examples()} == set(PAGES)
