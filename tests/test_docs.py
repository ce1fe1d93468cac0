"""The documentation keeps up with the code: a page per public module, a docstring per name."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import dexcore

DOCS = Path(__file__).resolve().parent.parent / "docs"


def public_modules() -> list[str]:
    found = [
        info.name
        for info in pkgutil.walk_packages(dexcore.__path__, "dexcore.")
        if not any(part.startswith("_") for part in info.name.split("."))
    ]
    return sorted(["dexcore", *found])


def documented_modules() -> set[str]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in DOCS.rglob("*.md"))
    return set(re.findall(r"automodule:: ([\w.]+)", text))


@pytest.mark.parametrize("name", [m for m in public_modules() if m != "dexcore"])
def test_every_public_module_has_a_docs_page(name: str) -> None:
    assert name in documented_modules(), f"add an automodule for {name} under docs/api/"


@pytest.mark.parametrize("name", public_modules())
def test_every_public_name_has_a_docstring(name: str) -> None:
    module = importlib.import_module(name)
    assert (module.__doc__ or "").strip(), f"{name} has no module docstring"
    for attribute in getattr(module, "__all__", ()):
        value = getattr(module, attribute)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert (value.__doc__ or "").strip(), f"{name}.{attribute} has no docstring"


@pytest.mark.parametrize("name", public_modules())
def test_docstring_examples_run(name: str) -> None:
    import doctest

    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"


ROOT = DOCS.parent
#: Text files whose mentions of ``docs/…`` pages must point at pages that exist.
MENTIONING = ("src", "tests", "tools", "bench", "README.md", "CHANGELOG.md", ".ci")


def _text_files() -> list[Path]:
    found: list[Path] = []
    for name in MENTIONING:
        path = ROOT / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += [p for p in path.rglob("*") if p.is_file() and p.suffix in {".py", ".md", ""}]
    return found


def test_every_docs_page_mentioned_exists() -> None:
    """A page that moved leaves no stale ``docs/…md`` mention behind (the docs were regrouped)."""
    stale = sorted(
        f"{path.relative_to(ROOT)}: {mention}"
        for path in _text_files()
        for mention in re.findall(r"docs/[\w/.-]+?\.md", path.read_text(encoding="utf-8"))
        if not (ROOT / mention).is_file()
    )
    assert stale == []


def test_every_page_is_in_a_table_of_contents() -> None:
    """Sphinx warns about orphans; this names the page and the folder it belongs in."""
    pages = {
        str(path.relative_to(DOCS).with_suffix(""))
        for path in DOCS.rglob("*.md")
        if "_build" not in path.parts and path.name != "index.md"
    }
    listed = set(re.findall(r"^([\w/-]+)$", (DOCS / "index.md").read_text("utf-8"), re.MULTILINE))
    assert sorted(pages - listed) == []


def test_the_site_has_the_four_groups() -> None:
    """Tutorial, how-to guides, reference and explanation, each a folder and a caption."""
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for caption, folder in [
        ("Tutorial", "tutorial"),
        ("How-to guides", "howto"),
        ("Reference", "reference"),
        ("Explanation", "explanation"),
    ]:
        assert f":caption: {caption}" in index
        assert any((DOCS / folder).glob("*.md")), folder
