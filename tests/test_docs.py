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
