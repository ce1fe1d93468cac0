"""``dexcore check`` reads the quick way and finds lines afterwards: the report is the same.

The check used to read every file with the full reader, which keeps the line of
every record. It now reads a plain file the quick way and finds, in one more
pass, only the lines of the records its issues name. These tests run both ways
on the bundled example, the tests' data files, generated uploads (small ones from
the public strategies, a bigger one from the benchmark's synthetic dataset) and
hostile or broken files, and compare every output form byte for byte.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dexcore.cli import main
from dexcore.io.bulk import load_bulk, write_bulk
from dexcore.model import Dataset
from dexcore.testing.strategies import datasets

ROOT = Path(__file__).resolve().parent
EXAMPLE = ROOT.parent / "examples" / "example-upload.xml"
SPLIT = (ROOT / "data" / "split-1.xml", ROOT / "data" / "split-2.xml")
SMALL = (ROOT / "golden" / "bulk" / "small.xml", ROOT / "golden" / "bulk" / "small-compact.xml")
TODAY = ("--today", "2025-01-15")
FORMATS = ("text", "json", "sarif", "junit")


def _full_reader(load: Callable[..., Any], *args: Any, quick: bool = False, **kwargs: Any) -> Any:
    """``load_bulk`` as ``check`` called it before: the full reader, every record's line."""
    return load(*args, **kwargs)


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    try:
        status = main(argv)
    except SystemExit as stop:  # argparse refusing an argument
        status = int(stop.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def _both_ways(
    capsys: pytest.CaptureFixture[str], files: list[Path], form: str
) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """The check's outcome the full way (as before) and the quick way (as now)."""
    argv = ["check", *map(str, files), *TODAY, "--format", form]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("dexcore.cli._load.load_bulk", functools.partial(_full_reader, load_bulk))
        before = _run(capsys, argv)
    return before, _run(capsys, argv)


def _assert_same(capsys: pytest.CaptureFixture[str], files: list[Path]) -> None:
    for form in FORMATS:
        before, now = _both_ways(capsys, files, form)
        assert now == before, form


def _quick(path: Path) -> bool:
    """Whether ``check`` reads ``path`` the quick way (the full reader keeps record lines)."""
    upload = load_bulk(path, quick=True)
    return not upload.problems and not upload.lines


def _broken(dataset: Dataset) -> Dataset:
    """``dataset`` less every third client: the cases and sessions that name them are reported."""
    return attrs.evolve(dataset, clients=dataset.clients[::3])


# -- the files the tests and the docs use -----------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [[EXAMPLE], [SPLIT[0]], [SPLIT[1]], list(SPLIT), [SMALL[0]], [SMALL[1]], list(SMALL)],
    ids=["example", "split-1", "split-2", "split", "small", "small-compact", "small-twice"],
)
def test_the_bundled_files_give_the_same_report_both_ways(
    capsys: pytest.CaptureFixture[str], files: list[Path]
) -> None:
    _assert_same(capsys, files)


def test_the_small_golden_file_is_read_the_quick_way_and_its_issues_keep_their_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The comparison above is not vacuous: a clean file takes the quick way, with lines."""
    assert _quick(SMALL[0])
    assert not _quick(EXAMPLE)  # two records cannot be read: the full reader, as before
    _, out, _ = _run(capsys, ["check", str(SMALL[0]), *TODAY])
    assert "/DEXFileUpload/Clients/Client[1]/Slk  (line 6)" in out


# -- generated uploads --------------------------------------------------------------------------


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dataset=datasets(max_clients=6, max_cases=3), pretty=st.booleans(), broken=st.booleans())
def test_generated_uploads_give_the_same_report_both_ways(
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
    dataset: Dataset,
    pretty: bool,
    broken: bool,
) -> None:
    folder = tmp_path_factory.mktemp("generated")
    files = []
    for number, data in enumerate(
        write_bulk(_broken(dataset) if broken else dataset, pretty=pretty)
    ):
        path = folder / f"upload-{number}.xml"
        path.write_bytes(data)
        files.append(path)
    assert all(_quick(path) for path in files)
    for form in ("text", "json"):
        before, now = _both_ways(capsys, files, form)
        assert now == before, form


def _bench_rules() -> ModuleType:
    """The benchmark's module that builds synthetic datasets of any size."""
    path = ROOT.parent / "bench" / "bench_rules.py"
    spec = importlib.util.spec_from_file_location("bench_rules", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_rules", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("pretty", [True, False], ids=["indented", "whitespace-free"])
def test_a_bigger_synthetic_upload_with_many_issues_gives_the_same_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pretty: bool
) -> None:
    dataset = _broken(_bench_rules().synthetic_dataset(0.002))
    (data,) = write_bulk(dataset, max_bytes=10**9, pretty=pretty)
    path = tmp_path / "synthetic.xml"
    path.write_bytes(data)
    assert _quick(path)
    before, now = _both_ways(capsys, [path], "json")
    assert now == before
    assert before[1].count('"line": ') > 100  # many issues, each with its line
    assert '"line": null' in before[1]  # and the dataset's own, with none


# -- hostile and broken files ---------------------------------------------------------------------

_CLIENT = (
    "<Client><ClientId>C1</ClientId><Slk>ABCDE010119901</Slk>"
    "<ConsentToProvideDetails>false</ConsentToProvideDetails>"
    "<ConsentedForFutureContacts>false</ConsentedForFutureContacts>"
    "<IsUsingPsuedonym>false</IsUsingPsuedonym><BirthDate>1990-01-01</BirthDate>"
    "<IsBirthDateAnEstimate>false</IsBirthDateAnEstimate><GenderCode>MALE</GenderCode>"
    "<CountryOfBirthCode>1101</CountryOfBirthCode><LanguageSpokenAtHomeCode>1201"
    "</LanguageSpokenAtHomeCode><AboriginalOrTorresStraitIslanderOriginCode>NO"
    "</AboriginalOrTorresStraitIslanderOriginCode><HasDisabilities>false</HasDisabilities>"
    "</Client>"
)
_WITH_ATTRIBUTE = _CLIENT.replace("<Client>", '<Client a="1">')
_ACCENTED = _CLIENT.replace("C1", "C\xe9")
HOSTILE = {
    "dtd": b'<!DOCTYPE d [<!ENTITY a "aa">]><DEXFileUpload>&a;</DEXFileUpload>',
    "wrong-root": b"<Upload/>",
    "not-well-formed": b"<DEXFileUpload><Clients><Client><ClientId>C1",
    "empty-upload": b"<DEXFileUpload></DEXFileUpload>",
    "unknown-collection": b"<DEXFileUpload><Things><Thing/></Things></DEXFileUpload>",
    "attribute": f"<DEXFileUpload><Clients>{_WITH_ATTRIBUTE}</Clients></DEXFileUpload>".encode(),
    "comment": f"<DEXFileUpload><Clients><!-- x -->{_CLIENT}</Clients></DEXFileUpload>".encode(),
    "crlf-and-bom": b"\xef\xbb\xbf"
    + f"<DEXFileUpload>\r\n<Clients>\r\n{_CLIENT}\r\n</Clients>\r\n</DEXFileUpload>".encode(),
    "one-line": f"<DEXFileUpload><Clients>{_CLIENT * 3}</Clients></DEXFileUpload>".encode(),
    "placeholder": f"<DEXFileUpload><Clients>{_CLIENT.replace('1101', 'null')}{_CLIENT}"
    "</Clients></DEXFileUpload>".encode(),
    "latin-1": b'<?xml version="1.0" encoding="latin-1"?>\n'
    + f"<DEXFileUpload><Clients>{_ACCENTED}</Clients></DEXFileUpload>".encode("latin-1"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_and_broken_uploads_give_the_same_outcome_both_ways(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    path = tmp_path / f"{name}.xml"
    path.write_bytes(HOSTILE[name])
    _assert_same(capsys, [path])


# -- the text form gives a line once ------------------------------------------------------------


def test_the_text_form_gives_an_unreadable_records_line_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = _run(capsys, ["check", str(EXAMPLE), *TODAY])
    assert "CountryOfBirthCode  (line 423)\n        CountryOfBirthCode holds a placeholder" in out
    assert "line 423:" not in out
    assert "line 881:" not in out
    _, out, _ = _run(capsys, ["check", str(EXAMPLE), *TODAY, "--format", "json"])
    assert '"message": "line 423: CountryOfBirthCode holds a placeholder' in out  # data unchanged
