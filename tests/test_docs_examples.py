"""Every example of the README and the docs runs and shows what it claims: a stale one fails.

The rules of an example (what a comment claims, how a console output is compared, and how
``--update-doc-outputs`` rewrites them) are in ``tests/doc_examples.py``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from dexcore.io import dataset_from_json
from dexcore.io.bulk import write_bulk
from doc_examples import ROOT, blocks, console_failures, python_page_failures, run_dexcore

PAGES = [
    "README.md",
    *sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md") if "_build" not in p.parts
    ),
]


@pytest.fixture(scope="module")
def example_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding every file the Python examples name.

    ``upload.xml`` is the example upload (with its deliberate mistakes); ``upload-1.xml`` and
    ``upload-2.xml`` are the files :func:`write_bulk` makes of the example dataset (a clean
    upload in two parts), and ``big-upload.xml`` is the first of them; ``DEXFileUpload.xsd``
    is the test schema; ``DEXReferenceData.xml`` is DSS's 2015 reference data; ``examples/``
    is a copy of the repository's.
    """
    directory = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "examples", directory / "examples")
    shutil.copy(ROOT / "examples" / "example-upload.xml", directory / "upload.xml")
    shutil.copy(ROOT / "tests" / "data" / "mini-upload.xsd", directory / "DEXFileUpload.xsd")
    reference = ROOT / "tools" / "data" / "DEXReferenceData-2015.xml"
    shutil.copy(reference, directory / "DEXReferenceData.xml")
    first, second = write_bulk(example_dataset_of(directory))
    (directory / "upload-1.xml").write_bytes(first)
    (directory / "upload-2.xml").write_bytes(second)
    (directory / "big-upload.xml").write_bytes(first)
    return directory


def example_dataset_of(directory: Path) -> Any:
    return dataset_from_json((directory / "examples" / "example-dataset.json").read_bytes())


def pages_with(language: str) -> list[str]:
    return [page for page in PAGES if any(b.language == language for b in blocks(page))]


@pytest.mark.parametrize("page", pages_with("python"))
def test_python_examples_run_and_show_their_results(
    page: str, example_files: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.chdir(example_files)
    namespace: dict[str, Any] = {"dataset": example_dataset_of(example_files)}
    text = (ROOT / page).read_text(encoding="utf-8")
    failures, updated = python_page_failures(page, text, namespace)
    if updated != text and request.config.getoption("--update-doc-outputs"):
        (ROOT / page).write_text(updated, encoding="utf-8")
        pytest.fail(f"rewrote the results claimed in {page}: review the diff")
    assert not failures, "\n".join(failures)


# -- Console examples and the README --------------------------------------------------------


@pytest.mark.parametrize("page", pages_with("console"))
def test_console_examples_print_what_they_show(page: str, request: pytest.FixtureRequest) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    failures, updated = console_failures(page, text)
    if failures and request.config.getoption("--update-doc-outputs"):
        (ROOT / page).write_text(updated, encoding="utf-8")
        pytest.fail(f"rewrote {page}: review the diff")
    assert not failures, "\n\n".join(failures)


def test_the_readme_names_every_error_check_finds_in_the_example_upload() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if "three deliberate mistakes" in p)
    named = set(re.findall(r"`([a-z]+(?:\.[a-z-]+)+)`", paragraph))
    argv = ["check", "examples/example-upload.xml", "--today", "2025-01-15", "--format", "json"]
    status, output, _ = run_dexcore(argv)
    errors = {i["code"] for i in json.loads(output)["issues"] if i["severity"] == "error"}
    assert status == 1
    assert named == errors, "README.md: the paragraph on the three deliberate mistakes is stale"


def test_every_code_block_is_one_these_tests_check() -> None:
    checked, not_code = {"python", "console"}, {"text", "{eval-rst}", "{toctree}", "{include}"}
    for page in PAGES:
        inside = False
        for line in (ROOT / page).read_text(encoding="utf-8").splitlines():
            if line.startswith("```"):
                if not inside:
                    language = line[3:].split(" ")[0]
                    assert language in checked | not_code, f"{page}: a ```{language} block"
                inside = not inside
