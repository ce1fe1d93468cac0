"""``dexcore check``: split uploads, known records, and the JSON, SARIF and JUnit forms."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dexcore.cli import main
from dexcore.model import Dataset
from dexcore.report_formats import Located, junit_report, sarif_report
from dexcore.rules import Issue, RecordRef, Severity

ROOT = Path(__file__).resolve().parent.parent
UPLOAD = ROOT / "examples" / "example-upload.xml"
TODAY = ("--today", "2025-01-15")
#: The example upload's clients end on line 478; its cases start on line 479.
LAST_CLIENT_LINE = 478


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        status = main(list(args))
    except SystemExit as stop:  # argparse refusing an argument
        status = int(stop.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def split(tmp_path: Path) -> tuple[Path, Path]:
    """The example upload as two files: its clients, then everything else."""
    lines = UPLOAD.read_text(encoding="utf-8").splitlines(keepends=True)
    first = tmp_path / "part-1.xml"
    first.write_text("".join(lines[:LAST_CLIENT_LINE]) + "</DEXFileUpload>\n", encoding="utf-8")
    second = tmp_path / "part-2.xml"
    second.write_text("".join(lines[:2] + lines[LAST_CLIENT_LINE:]), encoding="utf-8")
    return first, second


def issues(out: str) -> list[dict[str, Any]]:
    data = json.loads(out)
    found: list[dict[str, Any]] = data["issues"]
    return found


def test_json_gives_each_issue_its_file_line_and_element_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "check", str(UPLOAD), *TODAY, "--format", "json")
    assert status == 1
    first = issues(out)[0]
    assert first["code"] == "xml.placeholder-value"
    assert first["file"] == str(UPLOAD)
    assert first["line"] == 423  # the CountryOfBirthCode element of the 18th client
    assert first["path"] == "/DEXFileUpload/Clients/Client[18]/CountryOfBirthCode"
    by_code = {issue["code"]: issue for issue in issues(out)}
    # The GivenName element of the 7th client (its record starts on line 148).
    assert by_code["client.consent.names-without-consent"]["line"] == 153
    assert by_code["client.consent.names-without-consent"]["path"] == (
        "/DEXFileUpload/Clients/Client[7]/GivenName"
    )
    assert by_code["client.not-stated"]["line"] is None  # about the dataset, not one record


def test_a_split_upload_is_checked_as_one(
    capsys: pytest.CaptureFixture[str], split: tuple[Path, Path]
) -> None:
    _, whole, _ = run(capsys, "check", str(UPLOAD), *TODAY, "--format", "json")
    status, out, _ = run(capsys, "check", *map(str, split), *TODAY, "--format", "json")
    assert status == 1
    assert sorted(i["code"] for i in issues(out)) == sorted(i["code"] for i in issues(whole))
    # Each issue points into its own file, at that file's own line.
    shift = LAST_CLIENT_LINE - 2
    for mine, theirs in zip(issues(out), issues(whole), strict=True):
        part = split[0] if theirs["line"] is None or theirs["line"] <= LAST_CLIENT_LINE else None
        if theirs["line"] is not None and theirs["line"] > LAST_CLIENT_LINE:
            assert mine["file"] == str(split[1])
            assert mine["line"] == theirs["line"] - shift
        elif theirs["line"] is not None:
            assert mine["file"] == str(part)
            assert mine["line"] == theirs["line"]
    # The second part alone refers to clients it does not hold: many more errors.
    _, alone, _ = run(capsys, "check", str(split[1]), *TODAY, "--format", "json")
    unknown = [i for i in issues(alone) if i["code"].endswith("client.unknown")]
    assert len(unknown) > 2


def test_text_names_the_file_of_each_issue_of_a_split_upload(
    capsys: pytest.CaptureFixture[str], split: tuple[Path, Path]
) -> None:
    status, out, _ = run(capsys, "check", *map(str, split), *TODAY)
    assert status == 1
    assert "(part-1.xml line 153)" in out
    assert "(part-2.xml line 405)" in out  # the session dated 2024-09-31, line 881 of the whole
    assert "part-1.xml, part-2.xml: 3 errors, 1 warning, 4 notes" in out


def _unknown(out: str) -> list[str]:
    return sorted(i["path"] for i in issues(out) if i["code"].endswith("client.unknown"))


def test_known_records_from_a_previous_upload(
    capsys: pytest.CaptureFixture[str], split: tuple[Path, Path]
) -> None:
    _, whole, _ = run(capsys, "check", str(UPLOAD), *TODAY, "--format", "json")
    _, alone, _ = run(capsys, "check", str(split[1]), *TODAY, "--format", "json")
    _, known, _ = run(
        capsys, "check", str(split[1]), *TODAY, "--format", "json", "--known", str(split[0])
    )
    # With the first part known, the second part's references are as in the whole upload,
    # but for the two to the client the first part could not hold (unreadable, so not in
    # DEX): in the whole upload they depend on that client's own error; here they are errors.
    assert _unknown(whole) == []
    assert len(_unknown(known)) == 2
    assert all(path.endswith("/ClientId") for path in _unknown(known))
    assert len(_unknown(alone)) > len(_unknown(known))


def test_known_records_from_a_file_of_ids(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, split: tuple[Path, Path]
) -> None:
    from dexcore.io.bulk import load_bulk

    _, whole, _ = run(capsys, "check", str(UPLOAD), *TODAY, "--format", "json")
    clients = load_bulk(split[0]).dataset.clients
    ids = tmp_path / "known.txt"
    ids.write_text(
        "# clients created last month\n" + "".join(f"client {c.client_id}\n" for c in clients)
    )
    _, after, _ = run(
        capsys, "check", str(split[1]), *TODAY, "--format", "json", "--known", str(ids)
    )
    assert _unknown(whole) == []
    assert len(_unknown(after)) == 2  # the references to the unreadable client, as above
    # Cases and sessions can be named too, and a case id does not make a client known.
    ids.write_text("case SET-GRP\nsession SET-GRP G002, client NOBODY\n".replace(", ", "\n"))
    _, wrong, _ = run(
        capsys, "check", str(split[1]), *TODAY, "--format", "json", "--known", str(ids)
    )
    _, alone, _ = run(capsys, "check", str(split[1]), *TODAY, "--format", "json")
    assert _unknown(wrong) == _unknown(alone)
    _, trusting, _ = run(
        capsys, "check", str(split[1]), *TODAY, "--format", "json", "--assume-known"
    )
    assert _unknown(trusting) == []


def test_a_bad_file_of_ids_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ids = tmp_path / "known.txt"
    ids.write_text("client C1\nclinet C2\n")
    status, out, err = run(capsys, "check", str(UPLOAD), "--known", str(ids))
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("dexcore: ")
    assert "line 2" in err


@pytest.mark.parametrize("form", ["json", "text"])
def test_an_unreadable_file_still_gives_json_when_json_was_asked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, form: str
) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<DEXFileUpload><Clients>")
    status, out, err = run(capsys, "check", str(broken), "--format", form)
    assert status == 2
    assert err.count("\n") == 1
    assert err.startswith("dexcore: ")
    if form == "json":
        data = json.loads(out)
        assert data["issues"] == []
        assert len(data["unreadable"]) == 1
        assert "broken.xml" in data["unreadable"][0]
    else:
        assert out == ""


def _sarif(out: str) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(out)
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    return log


def test_sarif_has_every_field_code_scanning_needs(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", str(UPLOAD), *TODAY, "--format", "sarif")
    assert status == 1
    run_ = _sarif(out)["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "dexcore"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    results = run_["results"]
    assert len(results) == 8  # 3 errors, 1 warning, 4 notes
    for result in results:
        assert result["ruleId"] in rule_ids
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == str(UPLOAD)
        assert physical["region"]["startLine"] >= 1
    first = results[0]
    assert (first["ruleId"], first["level"]) == ("xml.placeholder-value", "error")
    assert first["locations"][0]["physicalLocation"]["region"]["startLine"] == 423
    assert [r["level"] for r in results].count("note") == 4
    consent = next(r for r in results if r["ruleId"] == "client.consent.names-without-consent")
    rule = driver["rules"][consent["ruleIndex"]]
    assert rule["shortDescription"]["text"] != rule["id"]  # the rule's own summary


def test_junit_has_a_failure_per_error_or_warning(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", str(UPLOAD), *TODAY, "--format", "junit")
    assert status == 1
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(UPLOAD)]
    cases = suites[0].findall("testcase")
    failures = [case.find("failure") for case in cases]
    assert len(cases) == 8
    assert sum(f is not None for f in failures) == 4 == int(suites[0].get("failures", "0"))
    assert root.get("tests") == "8"
    first = failures[0]
    assert first is not None
    assert first.get("type") == "error"
    assert "line 423" in (cases[0].get("name") or "")


def test_junit_shows_a_clean_file_as_one_passing_test() -> None:
    text = junit_report([], ["clean.xml"])
    suite = ET.fromstring(text).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("1", "0")
    assert suite.findall("testcase/failure") == []


HOSTILE_ID = "S1\r\x1b[31mALL CLEAR\x00\x0b"


def _hostile() -> Located:
    issue = Issue(
        code="session.no-client",
        severity=Severity.WARNING,
        message="no client is attached",
        record=RecordRef(kind="session", index=0, id=HOSTILE_ID),
        path="$.sessions[0].clients",
    )
    return Located(issue=issue, file="upload\x01.xml", line=7)


def test_junit_stays_well_formed_xml_with_control_characters_in_ids() -> None:
    text = junit_report([_hostile()], ["upload\x01.xml"])
    root = ET.fromstring(text)
    case = root.find("testsuite/testcase")
    assert case is not None
    name = case.get("name") or ""
    assert "\\x1b" in name
    assert "\x1b" not in name
    assert "\x00" not in text


def test_sarif_and_json_escape_control_characters_the_json_way() -> None:
    text = sarif_report([_hostile()])
    assert "\x1b" not in text
    assert "\\u001b" in text
    assert json.loads(text)["runs"][0]["results"][0]["message"]["text"].startswith("session #0")


def test_an_empty_dataset_gives_valid_forms() -> None:
    assert Dataset().is_empty
    log = json.loads(sarif_report([]))
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []
    assert ET.fromstring(junit_report([], [])).tag == "testsuites"


def test_progress_on_check_names_each_file(
    capsys: pytest.CaptureFixture[str], split: tuple[Path, Path]
) -> None:
    _, _, err = run(capsys, "check", *map(str, split), *TODAY, "--progress")
    assert "reading part-1.xml: 100%" in err
    assert "reading part-2.xml: 100%" in err
    assert "checking" in err
    _, _, quiet = run(capsys, "check", *map(str, split), *TODAY, "--no-progress")
    assert quiet == ""


def _check_json(*files: str) -> list[dict[str, Any]]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["check", *files, *TODAY, "--format", "json"])
    return issues(out.getvalue())


_LINES = UPLOAD.read_text(encoding="utf-8").splitlines(keepends=True)
#: Where a client record starts (0-based line numbers): places a writer may split the upload.
_CLIENT_STARTS = [n for n, text in enumerate(_LINES) if text.strip() == "<Client>"][1:]


@settings(max_examples=8, deadline=None)
@given(st.sampled_from(_CLIENT_STARTS))
def test_a_split_anywhere_between_records_finds_the_same_issues_at_the_same_places(
    cut: int,
) -> None:
    import tempfile

    whole = _check_json(str(UPLOAD))
    with tempfile.TemporaryDirectory() as folder:
        first, second = Path(folder) / "a.xml", Path(folder) / "b.xml"
        first.write_text("".join(_LINES[:cut]) + "  </Clients>\n</DEXFileUpload>\n", "utf-8")
        second.write_text("".join([*_LINES[:2], "  <Clients>\n", *_LINES[cut:]]), "utf-8")
        split = _check_json(str(first), str(second))
    assert len(split) == len(whole)
    for mine, theirs in zip(split, whole, strict=True):
        assert (mine["code"], mine["record"]["id"]) == (theirs["code"], theirs["record"]["id"])
        line = theirs["line"]
        if line is None:
            assert mine["line"] is None
        elif line <= cut:
            assert (mine["file"], mine["line"]) == (str(first), line)
        else:  # the second file has one line more before it: its own <Clients>
            assert (mine["file"], mine["line"]) == (str(second), line - cut + 3)
