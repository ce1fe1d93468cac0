"""The bundled snapshot is rebuilt, byte for byte, from files in this repository alone."""

from __future__ import annotations

import csv
import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "build_reference_snapshot.py"
DATA = ROOT / "tools" / "data"
SNAPSHOT = ROOT / "src" / "dexcore" / "reference" / "data" / "reference-snapshot.json"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_reference_snapshot", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rebuild_from_the_repository_matches_the_committed_snapshot(tmp_path: Path) -> None:
    out = tmp_path / "snapshot.json"
    _tool().main(["--out", str(out)])
    assert out.read_bytes() == SNAPSHOT.read_bytes()


def test_default_inputs_are_inside_the_repository() -> None:
    tool = _tool()
    assert Path(tool.DATA).is_relative_to(ROOT)
    assert Path(tool.OUT) == SNAPSHOT
    names = {tool.BASE_XML, tool.CODE_ADDITIONS, tool.SERVICE_TYPES}
    assert all((DATA / name).is_file() for name in names)


def test_a_changed_input_changes_the_snapshot(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with (data / "service-types.csv").open("a", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerow([9999, "Test service", "cache-2025"])
    out = tmp_path / "snapshot.json"
    _tool().main(["--data", str(data), "--out", str(out)])
    assert out.read_bytes() != SNAPSHOT.read_bytes()
    assert '"name": "Test service"' in out.read_text("utf-8")


def test_a_row_without_a_known_source_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with (data / "code-additions.csv").open("a", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerow(["Gender", "X", "", "hearsay", ""])
    with pytest.raises(SystemExit, match="unknown source id"):
        _tool().main(["--data", str(data), "--out", str(tmp_path / "snapshot.json")])


def test_every_input_row_names_its_source() -> None:
    sources = set(_tool().SOURCES)
    for name in ("code-additions.csv", "service-types.csv"):
        with (DATA / name).open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
        assert rows
        assert {row["source"] for row in rows} <= sources
