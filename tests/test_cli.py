"""The command line, run as users run it: in a subprocess."""

from __future__ import annotations

import json
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
        (["--given", "A", "--birth-date", "1970-01-01", "--sex", "9"], 0, "99999010119709"),
        (
            ["--given", "A", "--birth-date", "1970-01-01", "--sex", "9", "--policy", "meteor"],
            0,
            "99922010119709",
        ),
        # No --sex: refused, not silently 9.
        (["--given", "A", "--birth-date", "1970-01-01"], 2, ""),
        (["--validate", "teeoh070619541"], 0, "TEEOH070619541"),
        (["--validate", "TEEOH290219011"], 1, ""),
        (["--family", "Brown", "--birth-date", "1900-02-29", "--sex", "M"], 2, ""),
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
    assert set(data["issues"][0]) == {
        "code",
        "severity",
        "message",
        "record",
        "path",
        "file",
        "line",
    }


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
    assert (
        "4. clients achieving goals: 66.7% of clients with paired ratings (2 of 3)" in text.stdout
    )
    assert (
        "3. clients from priority groups: 64.3% of clients (9 of 14, 1 not stated)" in text.stdout
    )
    # The policies are a sentence, not a Python dict.
    assert "{" not in text.stdout
    assert "a client counts as achieving when improved in at least one domain" in text.stdout
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


UPLOAD = EXAMPLE.parent / "example-upload.xml"
MINI_XSD = Path(__file__).resolve().parent / "data" / "mini-upload.xsd"


def test_check_example_upload_text() -> None:
    result = run("check", str(UPLOAD), "--today", "2025-01-15")
    assert result.returncode == 1, result.stderr
    out = result.stdout
    # The three deliberate mistakes, each with its code, element path and line.
    assert "xml.placeholder-value  client (C00018)" in out
    assert "/DEXFileUpload/Clients/Client[18]/CountryOfBirthCode" in out
    assert "xml.bad-value  session (S002)" in out
    assert "(line 881)\n        SessionDate is written YYYY-MM-DD but is not a date" in out
    assert "client.consent.names-without-consent  client #6 (C00007)" in out
    # In the file's own terms: the element and its own line, not the record's.
    lines = UPLOAD.read_text(encoding="utf-8").splitlines()
    seventh = [n for n, line in enumerate(lines, 1) if line.strip() == "<Client>"][6]
    given = next(n for n in range(seventh, len(lines) + 1) if "<GivenName>" in lines[n - 1])
    assert f"/DEXFileUpload/Clients/Client[7]/GivenName  (line {given})" in out
    assert given != seventh
    # One bad record, one problem: references to the unreadable client are not errors too.
    assert "example-upload.xml: 3 errors, 1 warning, 4 notes" in out
    assert "client.unknown" not in out
    # The name sent without consent is never printed, nor any bad value.
    for value in ("Tavi", "no value", "2024-09-31"):
        assert value not in out + result.stderr
    assert result.stderr == ""  # no progress on a pipe, and nothing else


def test_check_example_upload_json() -> None:
    result = run("check", str(UPLOAD), "--today", "2025-01-15", "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["counts"] == {"error": 3, "warning": 1, "info": 4}
    codes = [issue["code"] for issue in data["issues"]]
    assert codes[:2] == ["xml.placeholder-value", "xml.bad-value"]
    keys = {"code", "severity", "message", "record", "path", "file", "line"}
    assert all(set(issue) == keys for issue in data["issues"])


def test_check_xml_exit_statuses(tmp_path: Path) -> None:
    clean = tmp_path / "clean.xml"
    clean.write_text(
        UPLOAD.read_text()
        .split("<Cases>")[0]
        .replace("<CountryOfBirthCode>no value<", "<CountryOfBirthCode>1101<")
        .replace("      <GivenName>Tavi</GivenName>\n", "")
        + "</DEXFileUpload>\n"
    )
    # Clients only, fixed: no error, so exit 0 (notes and warnings do not fail a check).
    result = run("check", str(clean), "--today", "2025-01-15")
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.xml"
    broken.write_text(UPLOAD.read_text().replace("</Suburb>", " & Co</Suburb>", 1))
    result = run("check", str(broken))
    assert result.returncode == 2
    assert "not well-formed" in result.stderr
    assert "Traceback" not in result.stderr
    dtd = tmp_path / "dtd.xml"
    dtd.write_text('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<DEXFileUpload/>\n')
    result = run("check", str(dtd))
    assert result.returncode == 2
    assert "DTD" in result.stderr


def test_check_with_xsd(tmp_path: Path) -> None:
    outlets = tmp_path / "outlets.xml"
    outlets.write_text(
        "<DEXFileUpload><Outlets><Outlet><Name>Quollby Hub</Name><ResidentialAddress>"
        "<Suburb>Darwin</Suburb><StateCode>NT</StateCode><Postcode>0800</Postcode>"
        "</ResidentialAddress></Outlet></Outlets></DEXFileUpload>"
    )
    result = run("check", str(outlets), "--xsd", str(MINI_XSD), "--today", "2025-01-15")
    assert result.returncode == 0, result.stdout + result.stderr
    wrong = tmp_path / "wrong.xml"
    wrong.write_text(outlets.read_text().replace("<Name>", "<Title>x</Title><Name>"))
    result = run("check", str(wrong), "--xsd", str(MINI_XSD), "--format", "json")
    assert result.returncode == 1
    codes = {issue["code"] for issue in json.loads(result.stdout)["issues"]}
    assert codes == {"xml.unknown-element", "xsd.invalid"}
    # --xsd is for XML files only.
    result = run("check", str(EXAMPLE), "--xsd", str(MINI_XSD))
    assert result.returncode == 2
    assert "XML files only" in result.stderr


def test_check_progress_when_asked() -> None:
    result = run("check", str(UPLOAD), "--today", "2025-01-15", "--progress")
    assert "dexcore: reading example-upload.xml: 100%" in result.stderr
    assert "checking" in result.stderr


def test_kpi_on_example_upload() -> None:
    result = run("kpi", str(UPLOAD), "--period", "2024-H2", "--format", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["period"] == "2024-H2"
    assert data["sessions_delivered"]["value"] == 5
    assert "2 records of example-upload.xml could not be read" in result.stderr
