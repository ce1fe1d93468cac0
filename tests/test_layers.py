"""The package's face and its layers: what each import loads, and what the docstring lists."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import dexcore
import dexcore.io
import dexcore.io.bulk
import dexcore.io.converters

SRC = str(Path(dexcore.__file__).resolve().parent.parent)


def loaded_after(statement: str) -> set[str]:
    """The dexcore modules a fresh interpreter has loaded after ``statement``."""
    code = f"{statement}; import sys; print(' '.join(m for m in sys.modules if 'dexcore' in m))"
    environment = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
    )
    return set(done.stdout.split())


def test_the_bulk_reader_loads_no_rule_privacy_or_kpi_module() -> None:
    loaded = loaded_after("import dexcore.io.bulk")
    assert "dexcore.io.bulk" in loaded
    above = {m for m in loaded if m.startswith(("dexcore.rules", "dexcore.privacy", "dexcore.kpi"))}
    assert above == set()


def test_importing_io_alone_loads_neither_the_xml_reader_nor_the_converters() -> None:
    loaded = loaded_after("import dexcore.io")
    assert "dexcore.io" in loaded
    assert "dexcore.io.converters" not in loaded
    assert "dexcore.io.bulk" not in loaded


def test_each_exported_name_loads_its_own_module_only() -> None:
    loaded = loaded_after("from dexcore.io import dataset_to_json")
    assert "dexcore.io.converters" in loaded
    assert "dexcore.io.bulk" not in loaded
    loaded = loaded_after("from dexcore.io import read_bulk")
    assert "dexcore.io.bulk" in loaded
    assert "dexcore.io.converters" not in loaded


@pytest.mark.parametrize("name", sorted(dexcore.io.__all__))
def test_every_name_of_io_is_the_one_of_its_module(name: str) -> None:
    value = getattr(dexcore.io, name)
    if name in dexcore.io.bulk.__all__:
        assert value is getattr(dexcore.io.bulk, name)
    else:
        assert value is getattr(dexcore.io.converters, name)
    assert name in dir(dexcore.io)


def test_io_refuses_a_name_it_does_not_have() -> None:
    with pytest.raises(AttributeError, match="read_bulks"):
        dexcore.io.read_bulks  # noqa: B018 (the attribute access is the test)


def test_every_public_bulk_name_is_exported_by_io() -> None:
    assert set(dexcore.io.bulk.__all__) <= set(dexcore.io.__all__)


def test_the_package_docstring_lists_every_public_subpackage_and_module() -> None:
    public = {
        info.name
        for info in pkgutil.iter_modules(dexcore.__path__)
        if not info.name.startswith("_")
    }
    assert public >= {"model", "rules", "io", "issues", "errors"}
    for name in public:
        assert f":mod:`dexcore.{name}`" in (dexcore.__doc__ or ""), name


def test_every_top_level_module_has_a_place_in_the_layer_contract() -> None:
    """A new subpackage must be placed in a layer, or the contract would not constrain it."""
    import tomllib

    config = tomllib.loads((Path(SRC).parent / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["containers"] == ["dexcore"])
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    modules = {info.name for info in pkgutil.iter_modules(dexcore.__path__)}
    assert len(modules) > 10
    assert sorted(modules - placed) == []


def test_no_module_is_over_500_lines_without_saying_why() -> None:
    """Small rooms: a long module says in its docstring why it is one room ("on purpose")."""
    import ast

    long = []
    for path in sorted(Path(SRC, "dexcore").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 500 and "on purpose" not in (
            ast.get_docstring(ast.parse(text)) or ""
        ):
            long.append(str(path.relative_to(SRC)))
    assert long == []
