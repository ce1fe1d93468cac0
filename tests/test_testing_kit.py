"""The conformance kit: assert_dex_valid, the shipped sample uploads, the pytest fixtures, and
dexcore.testing without hypothesis."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import subprocess
import sys
import textwrap
from importlib import resources
from pathlib import Path

import attrs
import pytest

from dexcore.cli import main
from dexcore.errors import DexValueError
from dexcore.io import dataset_to_json
from dexcore.io.bulk import read_bulk, write_bulk
from dexcore.model import Dataset
from dexcore.reference import ReferenceData, bundled
from dexcore.rules import DEX, Severity
from dexcore.testing import SampleUpload, assert_dex_valid, sample_uploads

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sample_uploads()
SAMPLE_FOLDER = Path(str(resources.files("dexcore.testing") / "samples"))
# What the invalid-consent sample holds about client V00002, who did not consent.
CONSENT_SAMPLE_PERSONAL = ("Ixabel", "Norvelu", "2 Sample Street", "OREXA231119922", "1992-11-23")
# A sys.meta_path finder that makes hypothesis impossible to import, as on a plain install.
HIDE_HYPOTHESIS = """
import sys
class Hidden:
    def find_spec(self, name, path=None, target=None):
        if name == "hypothesis" or name.startswith(("hypothesis.", "_hypothesis")):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Hidden())
"""


def sample(name: str) -> SampleUpload:
    return next(s for s in SAMPLES if s.name == name)


def run_python(code: str, cwd: Path = ROOT, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **environment}
    return subprocess.run(
        [sys.executable, "-c", HIDE_HYPOTHESIS + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=240,
        check=False,
    )


def cli_check(path: Path, today: dt.date) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["check", str(path), "--today", today.isoformat()])
    return out.getvalue().rstrip("\n")


# -- the samples ------------------------------------------------------------------------------


def test_the_manifest_lists_every_sample_file_and_no_other() -> None:
    files = {p.name for p in SAMPLE_FOLDER.iterdir() if p.suffix == ".xml"}
    assert files == {s.name for s in SAMPLES}
    assert len(SAMPLES) >= 4
    assert any(s.valid for s in SAMPLES)
    assert any(not s.valid for s in SAMPLES)


@pytest.mark.parametrize("upload", SAMPLES, ids=lambda s: s.name)
def test_each_sample_gives_exactly_its_expected_codes(upload: SampleUpload) -> None:
    report = json.loads(
        _cli_json(upload.path, upload.today)  # the codes as `dexcore check` reports them
    )
    codes = sorted(issue["code"] for issue in report["issues"])
    assert tuple(codes) == upload.expected_codes
    errors = [i for i in report["issues"] if i["severity"] == Severity.ERROR.value]
    assert upload.valid == (not errors)


def _cli_json(path: Path, today: dt.date) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["check", str(path), "--today", today.isoformat(), "--format", "json"])
    return out.getvalue()


def test_the_fixtures_hand_out_the_samples_and_the_reference_data(
    dex_sample_uploads: tuple[SampleUpload, ...], dex_reference: ReferenceData
) -> None:
    assert dex_sample_uploads == SAMPLES
    assert all(upload.path.is_file() for upload in dex_sample_uploads)
    assert dex_reference is bundled()  # no dexcore_reference ini option in this project


# -- assert_dex_valid ---------------------------------------------------------------------


def test_a_valid_sample_passes() -> None:
    upload = sample("valid-minimal.xml")
    assert_dex_valid(upload.path, today=upload.today)
    assert_dex_valid(upload.path)  # as of its last session: nothing is late or in the future


@pytest.mark.parametrize("upload", [s for s in SAMPLES if not s.valid], ids=lambda s: s.name)
def test_an_invalid_sample_fails_with_the_report_dexcore_check_prints(upload: SampleUpload) -> None:
    with pytest.raises(AssertionError) as failure:
        assert_dex_valid(upload.path, today=upload.today)
    headline, _, report = str(failure.value).partition("\n")
    assert report == cli_check(upload.path, upload.today)
    severities = {rule.info.code: rule.info.severity for rule in DEX}
    errors = sorted(
        {c for c in upload.expected_codes if severities.get(c, Severity.ERROR) is Severity.ERROR}
    )  # the codes of records that cannot be read (xml.*) are errors
    assert headline == f"{upload.name} has errors DEX would reject: {', '.join(errors)}"


def test_the_failure_message_holds_no_personal_value() -> None:
    upload = sample("invalid-consent.xml")
    text = upload.path.read_text(encoding="utf-8")
    assert all(value in text for value in CONSENT_SAMPLE_PERSONAL)  # the attack has its bait
    with pytest.raises(AssertionError) as failure:
        assert_dex_valid(upload.path, today=upload.today)
    message = str(failure.value)
    assert "client.consent.names-without-consent" in message
    assert [value for value in CONSENT_SAMPLE_PERSONAL if value in message] == []


def test_allowed_codes_do_not_fail_and_the_others_still_do() -> None:
    upload = sample("invalid-consent.xml")
    everything = set(upload.expected_codes)
    assert_dex_valid(upload.path, allow=everything, today=upload.today)
    with pytest.raises(AssertionError, match=r"would reject: client\.consent\.street"):
        assert_dex_valid(
            upload.path, allow=["client.consent.names-without-consent"], today=upload.today
        )


def test_allow_given_as_one_string_is_refused() -> None:
    upload = sample("invalid-consent.xml")
    with pytest.raises(DexValueError, match="list of codes"):
        assert_dex_valid(upload.path, allow="client.consent.names-without-consent")


def test_a_late_upload_passes_as_of_its_own_dates_and_fails_later() -> None:
    upload = sample("invalid-unreadable-and-late.xml")
    with pytest.raises(AssertionError, match=r"session\.date\.closed-period"):
        assert_dex_valid(upload.path, allow=["xml.bad-value"], today=upload.today)
    # By default, as of its last session (14 October 2024): 2024-H1 had closed by then too.
    with pytest.raises(AssertionError, match="checked as of 2024-10-14"):
        assert_dex_valid(upload.path, allow=["xml.bad-value"])
    # Before 2024-H1 closed (30 July), only the later session is wrong: it is in the future.
    with pytest.raises(AssertionError, match=r"reject: session\.date\.future\n"):
        assert_dex_valid(upload.path, allow=["xml.bad-value"], today=dt.date(2024, 7, 15))
    assert_dex_valid(
        upload.path, allow=["xml.bad-value", "session.date.closed-period"], today=upload.today
    )


def test_a_dataset_and_a_json_file_are_checked_too(tmp_path: Path) -> None:
    dataset = read_bulk(sample("invalid-consent.xml").path)
    with pytest.raises(AssertionError, match=r"^dataset has errors") as failure:
        assert_dex_valid(dataset)
    assert [value for value in CONSENT_SAMPLE_PERSONAL if value in str(failure.value)] == []
    assert "$.clients[1].given_name" in str(failure.value)
    saved = tmp_path / "upload.json"
    saved.write_text(dataset_to_json(dataset), encoding="utf-8")
    with pytest.raises(AssertionError, match=r"^upload\.json has errors"):
        assert_dex_valid(saved)
    assert_dex_valid(Dataset())


def test_the_round_trip_recipe_keeps_every_record() -> None:
    """The documented recipe: a vendor's records through write_bulk and read_bulk, unchanged."""
    dataset = read_bulk(sample("valid-minimal.xml").path)
    problems: list[object] = []
    again = read_bulk(write_bulk(dataset), problems=problems)  # type: ignore[arg-type]
    assert problems == []
    assert again == dataset
    changed = attrs.evolve(dataset, sessions=dataset.sessions[:1])
    assert read_bulk(write_bulk(changed)) != dataset  # the comparison can fail


# -- without hypothesis ---------------------------------------------------------------------


def test_without_hypothesis_the_strategies_say_what_to_install() -> None:
    done = run_python(
        """
        import dexcore.testing
        from dexcore.testing import assert_dex_valid, sample_uploads
        import dexcore.testing.pytest_plugin
        for attempt in (
            "import dexcore.testing.strategies",
            "from dexcore.testing import strategies",
            "import dexcore.testing.hypothesis_plugin",
            "from dexcore.testing import register_type_strategies",
        ):
            try:
                exec(attempt)
            except ImportError as error:
                chained = error.__cause__ is not None or not error.__suppress_context__
                print(type(error).__name__, chained, repr(str(error)))
            else:
                print("imported", attempt)
        print(len(sample_uploads()))
        """
    )
    assert done.returncode == 0, done.stderr
    *failures, count = done.stdout.splitlines()
    assert count == str(len(SAMPLES))
    assert len(failures) == 4
    for line in failures:
        kind, chained, message = line.split(" ", 2)
        assert kind == "ImportError"
        assert chained == "False"
        assert "pip install 'dexcore[testing]'" in message
        assert "\\n" not in message


def test_without_hypothesis_pytest_runs_the_kit(tmp_path: Path) -> None:
    (tmp_path / "test_upload.py").write_text(
        textwrap.dedent(
            """
            import pytest
            from dexcore.testing import assert_dex_valid

            def test_samples(dex_sample_uploads, dex_reference):
                for upload in dex_sample_uploads:
                    if upload.valid:
                        assert_dex_valid(upload.path, today=upload.today, reference=dex_reference)
                    else:
                        with pytest.raises(AssertionError):
                            assert_dex_valid(upload.path, today=upload.today)
                assert "file" in dex_reference.sources
            """
        ),
        encoding="utf-8",
    )
    reference = ROOT / "tools" / "data" / "DEXReferenceData-2015.xml"
    (tmp_path / "pytest.ini").write_text(
        f"[pytest]\ndexcore_reference = {reference}\n", encoding="utf-8"
    )
    done = run_python(
        """
        import pytest
        arguments = ["-q", "-p", "no:cacheprovider", "-p", "dexcore.testing.pytest_plugin"]
        raise SystemExit(pytest.main(arguments))
        """,
        cwd=tmp_path,
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
