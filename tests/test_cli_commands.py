"""``dexcore slk``, ``kpi``, ``period`` and ``--known`` as a tester uses them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dexcore.cli import main
from dexcore.cli.known import read_known
from dexcore.cli.slk import birth_date
from dexcore.slk import generate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "example-dataset.json"
UPLOAD = ROOT / "examples" / "example-upload.xml"
#: Synthetic people only.
PEOPLE = (
    "id,family_name,given_name,birth_date,sex\n"
    "P1,Zyxqvort,Quorbelle,14/03/1937,F\n"
    "P2,Brown,Elizabeth,01/01/1970,2\n"
    "P3,,Quillon,1988-11-30,male\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        status = main(list(args))
    except SystemExit as stop:  # argparse refusing an argument
        status = int(stop.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def test_slk_refuses_a_missing_sex(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "slk", "--family", "Zyxqvort", "--birth-date", "1970-01-01")
    assert (status, out) == (2, "")
    assert err.startswith("dexcore slk: give --sex")
    assert err.count("\n") == 1
    assert "Zyxqvort" not in err
    # Saying "not stated" outright still gives 9.
    status, out, _ = run(capsys, "slk", "--given", "A", "--birth-date", "1970-01-01", "--sex", "9")
    assert (status, out) == (0, "99999010119709\n")


def test_slk_reads_day_first_dates_only_when_told(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["slk", "--family", "Brown", "--given", "Elizabeth", "--sex", "F"]
    status, out, err = run(capsys, *args, "--birth-date", "14/03/1937")
    assert (status, out) == (2, "")
    assert "--day-first" in err
    assert "14/03" not in err
    assert "1937" not in err
    status, out, _ = run(capsys, *args, "--birth-date", "14/03/1937", "--day-first")
    assert (status, out) == (0, "RONLI140319372\n")
    # ISO dates are read the same with or without it.
    _, iso, _ = run(capsys, *args, "--birth-date", "1937-03-14", "--day-first")
    assert iso == out


@pytest.mark.parametrize("text", ["31/02/1990", "14/13/1937", "00/01/1990", "1/1/90", "March 1937"])
def test_day_first_refuses_what_is_not_a_date_without_quoting_it(text: str) -> None:
    from dexcore.cli.slk import _Refused

    with pytest.raises(_Refused) as caught:
        birth_date(text, day_first=True)
    assert text not in str(caught.value)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_day_first_reads_every_date_as_its_iso_form(day: dt.date) -> None:
    written = f"{day.day:02d}/{day.month:02d}/{day.year}"
    assert birth_date(written, day_first=True) == day
    # And the other way round: a day-first date never passes as YYYY-MM-DD text.
    assert birth_date(day.isoformat(), day_first=False) == day.isoformat()


def test_slk_from_a_csv_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    status, out, err = run(capsys, "slk", "--csv", str(people), "--day-first")
    assert (status, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["id", "slk"]
    assert rows[1:] == [
        ["P1", generate("Zyxqvort", "Quorbelle", dt.date(1937, 3, 14), "F")],
        ["P2", "RONLI010119702"],
        ["P3", generate(None, "Quillon", "1988-11-30", "1")],
    ]
    assert "Zyxqvort" not in out
    assert "Quorbelle" not in out


def test_slk_from_standard_input_keeps_names_out_of_the_arguments() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dexcore", "slk", "--csv", "-", "--day-first"],
        input=PEOPLE.replace("id,", "ref,")
        .replace("P1,", "x,")
        .replace("P2,", "y,")
        .replace("P3,", "z,"),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "RONLI010119702"  # no id column: keys only
    assert len(result.stdout.splitlines()) == 3


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("family_name,given_name,birth_date\nZyxqvort,Quorbelle,1937-03-14\n", "no sex column"),
        ("family_name,birth_date,sex\nZyxqvort,1937-03-14,\n", "row 2: the sex is empty"),
        ("family_name,birth_date,sex\nZyxqvort,1937-03-14,F\nZyxqvort,14/03/1937,F\n", "row 3"),
        ("family_name,birth_date,sex\nZyxqvort,1937-02-30,F\n", "row 2: "),
        ("family_name,birth_date,sex\nZyxqvort,1937-03-14,squid\n", "row 2: "),
        ("", "is empty"),
    ],
)
def test_a_bad_csv_is_refused_by_row_without_its_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, said: str
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(text, encoding="utf-8")
    status, _, err = run(capsys, "slk", "--csv", str(people))
    assert status == 2
    assert said in err
    assert err.count("\n") == 1
    # The file's own path may be named (pytest's temporary folders are numbered, and the
    # number may hold 1937): only the rest of the message is searched for the values.
    rest = err.replace(str(people), "")
    for value in ("Zyxqvort", "Quorbelle", "1937", "squid"):
        assert value not in rest


def test_slk_csv_that_is_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_bytes(b"family_name,birth_date,sex\nZ\xe9,1937-03-14,F\n")
    status, _, err = run(capsys, "slk", "--csv", str(people))
    assert status == 2
    assert "not UTF-8" in err


def test_kpi_csv_marks_percentages(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "kpi", str(EXAMPLE), "--period", "2024-H2", "--format", "csv")
    assert status == 0
    rows = {row["kpi"]: row for row in csv.DictReader(io.StringIO(out))}
    assert rows["clients_assisted"]["value"] == "15"
    assert rows["clients_assisted"]["unit"] == "count"
    goals = rows["goals_achieved"]
    assert (goals["value"], goals["unit"], goals["numerator"], goals["denominator"]) == (
        "66.67",
        "percent",
        "2",
        "3",
    )


def test_kpi_of_a_financial_year_gives_both_periods(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "kpi", str(EXAMPLE), "--period", "2023-24", "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert [part["period"] for part in data] == ["2023-H2", "2024-H1"]
    _, h1, _ = run(capsys, "kpi", str(EXAMPLE), "--period", "2024-H1", "--format", "json")
    assert data[1] == json.loads(h1)
    status, _, err = run(capsys, "kpi", str(EXAMPLE), "--period", "2024-26")
    assert status == 2
    assert "financial year" in err


def test_kpi_reads_several_files_as_one(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import attrs

    from dexcore.io import dataset_from_json, dataset_to_json

    example = dataset_from_json(EXAMPLE.read_bytes())
    half = len(example.sessions) // 2
    first = tmp_path / "a.json"
    first.write_text(dataset_to_json(attrs.evolve(example, sessions=example.sessions[:half])))
    second = tmp_path / "b.json"
    second.write_text(
        dataset_to_json(
            attrs.evolve(
                example, clients=(), cases=(), outlets=(), sessions=example.sessions[half:]
            )
        )
    )
    _, whole, _ = run(capsys, "kpi", str(EXAMPLE), "--period", "2024-H2", "--format", "json")
    _, parts, _ = run(
        capsys, "kpi", str(first), str(second), "--period", "2024-H2", "--format", "json"
    )
    _, one, _ = run(capsys, "kpi", str(first), "--period", "2024-H2", "--format", "json")
    assert json.loads(parts) == json.loads(whole)
    assert json.loads(one) != json.loads(whole)


def test_kpi_selects_an_outlet_or_an_activity(capsys: pytest.CaptureFixture[str]) -> None:
    from dexcore.io import dataset_from_json

    example = dataset_from_json(EXAMPLE.read_bytes())
    outlet = example.outlets[0]
    activity = outlet.activities[0]
    _, everything, _ = run(capsys, "kpi", str(EXAMPLE), "--period", "2024-H2", "--format", "json")
    _, chosen, _ = run(
        capsys,
        "kpi",
        str(EXAMPLE),
        "--period",
        "2024-H2",
        "--format",
        "json",
        "--outlet",
        str(outlet.outlet_id),
        "--activity",
        str(activity.organisation_activity_id),
    )
    data = json.loads(chosen)
    assert data["selection"] == {
        "outlet_id": outlet.outlet_id,
        "organisation_activity_id": activity.organisation_activity_id,
    }
    total = json.loads(everything)["sessions_delivered"]["value"]
    assert data["sessions_delivered"]["value"] <= total
    _, none, _ = run(
        capsys, "kpi", str(EXAMPLE), "--period", "2024-H2", "--format", "json", "--outlet", "999999"
    )
    assert json.loads(none)["clients_assisted"]["value"] == 0
    _, text, _ = run(capsys, "kpi", str(EXAMPLE), "--period", "2024-H2", "--outlet", "999999")
    assert "; outlet 999999" in text
    assert "no clients to measure" in text


def test_kpi_says_in_words_when_goals_have_no_pairs(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "kpi", str(EXAMPLE), "--period", "2024-H1")
    assert status == 0
    assert "n/a" not in out
    assert "{" not in out
    assert (
        "4. clients achieving goals: none to measure:"
        " 4 Goals assessments had no earlier rating to pair with"
    ) in out
    _, js, _ = run(capsys, "kpi", str(EXAMPLE), "--period", "2024-H1", "--format", "json")
    assert json.loads(js)["goals_achieved"]["unpaired_assessments"] == 4
    _, paired, _ = run(capsys, "kpi", str(EXAMPLE), "--period", "2024-H2", "--format", "json")
    assert json.loads(paired)["goals_achieved"]["unpaired_assessments"] is None


def test_kpi_progress_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(capsys, "kpi", str(UPLOAD), "--period", "2024-25", "--progress")
    assert "reading example-upload.xml: 100%" in err
    assert "computing the KPIs of 2024-H2" in err
    assert "computing the KPIs of 2025-H1" in err


@pytest.mark.parametrize(
    ("today", "said"),
    [
        ("2024-06-01", "on 2024-06-01 it has not started"),
        ("2024-08-01", "on 2024-08-01 it is open"),
        ("2025-01-15", "on 2025-01-15 it has ended and is in its close-off days"),
        ("2025-01-31", "on 2025-01-31 it is closed"),
    ],
)
def test_period_describes_a_period(
    capsys: pytest.CaptureFixture[str], today: str, said: str
) -> None:
    status, out, _ = run(capsys, "period", "2024-h2", "--today", today)
    assert status == 0
    assert out.splitlines()[0] == (
        "reporting period 2024-H2: 2024-07-01 to 2024-12-31, financial year 2024-25"
    )
    assert f"it closes on 2025-01-30; {said}" in out
    status, _, err = run(capsys, "period", "2024-H3")
    assert status == 2
    assert "2024-H2" in err


def test_read_known_from_lines(tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("\ufeffclient C1\n\n# note\ncase K1\nsession K1 S1\nSESSION,K2,S2\n", "utf-8")
    known = read_known([str(ids)], assume_all=False, limit=None)
    assert known.client_ids == {"C1"}
    assert known.case_ids == {"K1"}
    assert known.session_keys == {("K1", "S1"), ("K2", "S2")}
    assert not known.assume_all


def _hostile_files(tmp_path: Path) -> dict[str, str]:
    import os

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"family_name,birth_date,sex\nZyx\x00qvort,1937-03-14,F\n")
    wide = tmp_path / "wide.csv"
    wide.write_text("family_name,birth_date,sex\n" + '"' + "Z" * 200_000 + '",1937-03-14,F\n')
    return {
        "missing": str(tmp_path / "none"),
        "directory": str(tmp_path),
        "fifo": str(fifo),
        "zero": "/dev/zero",
        "nul": str(nul),
        "wide": str(wide),
    }


@pytest.mark.parametrize("name", ["missing", "directory", "fifo", "zero", "nul", "wide"])
@pytest.mark.parametrize("option", ["--known", "--csv"])
def test_hostile_inputs_to_the_new_options_give_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, option: str
) -> None:
    path = _hostile_files(tmp_path)[name]
    if option == "--csv":
        args = ["slk", "--csv", path, "--max-size", "1MB"]
    else:
        args = ["check", str(UPLOAD), "--known", path, "--max-size", "1MB"]
    status, out, err = run(capsys, *args)
    assert "Zyx" not in err + out
    if (option, name) == ("--csv", "nul"):  # a NUL is not a letter: left out, as any other
        assert (status, out, err) == (0, "YXV99140319372\n", "")
        return
    assert status == 2
    assert err.count("\n") == 1
    assert err.startswith("dexcore")
    assert "Traceback" not in err
