"""The command line, run as users run it: in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example-dataset.json"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dexcore", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_summary_of_example() -> None:
    result = run("summary", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert "20 clients, 6 cases, 14 sessions" in result.stdout
    assert "16 consented to personal details, 4 did not" in result.stdout
    # No personal value is printed: no name and no birth date of the example's people.
    for value in ("Kalomi", "O'Tendor", "1984-03-12", "Example Street"):
        assert value not in result.stdout


def test_summary_of_unreadable_input(tmp_path: Path) -> None:
    missing = run("summary", str(tmp_path / "none.json"))
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"clients": [{"client_id": "C1", "given_name": "Zyxqvort"}]}')
    result = run("summary", str(bad))
    assert result.returncode == 2
    assert "$.clients[0]" in result.stderr
    assert "Zyxqvort" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "status", "out"),
    [
        (
            [
                "--family",
                "Brown",
                "--given",
                "Elizabeth",
                "--birth-date",
                "1970-01-01",
                "--sex",
                "F",
            ],
            0,
            "RONLI010119702",
        ),
        (["--given", "A", "--birth-date", "1970-01-01"], 0, "99999010119709"),
        (["--given", "A", "--birth-date", "1970-01-01", "--policy", "meteor"], 0, "99922010119709"),
        (["--validate", "teeoh070619541"], 0, "TEEOH070619541"),
        (["--validate", "TEEOH290219011"], 1, ""),
        (["--family", "Brown", "--birth-date", "1900-02-29"], 2, ""),
        (["--family", "Brown"], 2, ""),
    ],
)
def test_slk_command(args: list[str], status: int, out: str) -> None:
    result = run("slk", *args)
    assert result.returncode == status, result.stderr
    assert result.stdout.strip() == out
    assert "Traceback" not in result.stderr


def test_check_text_and_exit_status(tmp_path: Path) -> None:
    import attrs

    from dexcore.io import dataset_from_json, dataset_to_json

    # The example spans 2024-H1 and 2024-H2; keep the second half, which is open on 2024-12-15.
    example = dataset_from_json(EXAMPLE.read_bytes())
    second_half = [s for s in example.sessions if s.session_date.month >= 7]
    kept = {(s.case_id, s.session_id) for s in second_half}
    subset = attrs.evolve(
        example,
        sessions=second_half,
        client_assessments=[a for a in example.client_assessments if a.session_key in kept],
        session_assessments=[a for a in example.session_assessments if a.session_key in kept],
    )
    path = tmp_path / "h2.json"
    path.write_text(dataset_to_json(subset), encoding="utf-8")
    clean = run("check", str(path), "--today", "2024-12-15")
    assert clean.returncode == 0, clean.stdout
    assert "0 errors" in clean.stdout
    assert "session.no-client" in clean.stdout
    late = run("check", str(EXAMPLE), "--today", "2025-01-31", "--ruleset", "sets")
    assert late.returncode == 1
    assert "session.date.closed-period" in late.stdout
    assert "sets.unidentified.share" in late.stdout
    for value in ("Kalomi", "1984-03-12", "Example Street", "ALMAV"):
        assert value not in late.stdout


def test_check_json_form() -> None:
    import json

    result = run("check", str(EXAMPLE), "--today", "2025-01-31", "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert set(data) >= {"issues", "counts"}
    assert set(data["counts"]) == {"error", "warning", "info"}
    assert data["counts"]["error"] == sum(1 for i in data["issues"] if i["severity"] == "error")
    assert set(data["issues"][0]) == {"code", "severity", "message", "record", "path"}


def test_check_unreadable_inputs(tmp_path: Path) -> None:
    assert run("check", str(tmp_path / "none.json")).returncode == 2
    bad_reference = tmp_path / "ref.xml"
    bad_reference.write_text("<nope/>")
    result = run("check", str(EXAMPLE), "--reference", str(bad_reference))
    assert result.returncode == 2
    assert "reference data" in result.stderr


def test_version_and_usage() -> None:
    assert run("--version").stdout.startswith("dexcore ")
    assert run().returncode == 2


def test_kpi_command() -> None:
    import json

    text = run("kpi", str(EXAMPLE), "--period", "2024-H2")
    assert text.returncode == 0, text.stderr
    assert "1. clients assisted: 15 (and 32 unidentified clients)" in text.stdout
    assert "4. clients achieving goals: 66.7% (2 of 3)" in text.stdout
    data = json.loads(run("kpi", str(EXAMPLE), "--period", "2024-h2", "--format", "json").stdout)
    assert data["period"] == "2024-H2"
    assert data["clients_assisted"] == {"value": 15, "unidentified": 32}
    assert data["sessions_delivered"]["value"] == 6
    assert data["priority_groups"]["any"] == {
        "value": 64.29,
        "numerator": 9,
        "denominator": 14,
        "not_stated": 1,
    }
    assert data["circumstances_improved"]["value"] == 75.0
    assert run("kpi", str(EXAMPLE), "--period", "2024-H3").returncode == 2
