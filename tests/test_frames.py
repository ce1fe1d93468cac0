"""Data frames: a dataset as Arrow tables and back, results as tables, notebook summaries."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dexcore.errors import DexStructureError, DexValueError
from dexcore.io import dataset_from_json
from dexcore.io.frames import (
    PERSONAL_COLUMNS,
    TABLE_NAMES,
    dataset_from_arrow,
    dataset_to_arrow,
)
from dexcore.issues import Issue
from dexcore.model import (
    Assessment,
    AssessmentPhase,
    AtsiOrigin,
    Case,
    CaseClient,
    Client,
    ClientAssessment,
    Dataset,
    DomainScore,
    Gender,
    ParentingAgreement,
    ParentingAgreementOutcome,
    ParticipationType,
    PropertyAgreementOutcome,
    ReasonForAssistance,
    Referral,
    ReferralType,
    ResidentialAddress,
    ScoreType,
    Section60I,
    Section60ICertificateType,
    Session,
    SessionAssessment,
    SessionClient,
    State,
)
from dexcore.testing.strategies import datasets, organisations, outlets

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "example-dataset.json"

# Personal values no table, message or summary may show unless asked for.
MARKER_GIVEN = "Zqxmarkergiven"
MARKER_FAMILY = "Vwymarkerfamily"
MARKER_STREET = "7 Qqmarkerstreet Road"
MARKER_DETAILS = "Jjmarkerdetails"
MARKER_BIRTH = dt.date(1931, 2, 3)
MARKERS = (MARKER_GIVEN, MARKER_FAMILY, MARKER_STREET, MARKER_DETAILS, "1931-02-03", "ZQXVW")


def marked_client(number: int) -> Client:
    return Client(
        client_id=f"C{number:05d}",
        consent_to_provide_details=True,
        consented_for_future_contacts=False,
        birth_date=MARKER_BIRTH,
        gender=Gender.OTHER,
        gender_details=MARKER_DETAILS,
        country_of_birth="1101",
        language_spoken_at_home="1201",
        atsi_origin=AtsiOrigin.NO,
        residential_address=ResidentialAddress(
            suburb="Darwin", state=State.NT, postcode="0800", address_line1=MARKER_STREET
        ),
        given_name=MARKER_GIVEN,
        family_name=MARKER_FAMILY,
        slk="ZQXVW030219312",
    )


def marked_dataset(clients: int = 3, sessions: int = 4) -> Dataset:
    people = [marked_client(n) for n in range(clients)]
    case = Case(
        case_id="K1",
        outlet_activity_id=101,
        total_unidentified_clients=5,
        clients=[CaseClient(client_id=c.client_id) for c in people],
    )
    first = dt.date(2023, 1, 1).toordinal()
    return Dataset(
        clients=people,
        cases=[case],
        sessions=[
            Session(
                session_id=f"S{n}",
                case_id="K1",
                session_date=dt.date.fromordinal(first + (40 * n) % 2_000),
                service_type_id=1,
                clients=[SessionClient(client_id=people[n % clients].client_id)],
                fees_charged=decimal.Decimal("12.50") if n % 2 else None,
            )
            for n in range(sessions)
        ],
    )


def shown(value: object) -> str:
    """Everything a reader could see in ``value``: tables' data and schemas, or text."""
    if isinstance(value, dict):
        return " ".join(shown(v) for v in value.values())
    if isinstance(value, pa.Table):
        rows = json.dumps(value.to_pylist(), default=str)
        return f"{value.schema} {value.schema.metadata} {rows}"
    if isinstance(value, Issue):
        return f"{value.message} {value.path} {value.record}"
    if isinstance(value, list):
        return " ".join(shown(v) for v in value)
    return str(value)


def read(tables: dict[str, Any]) -> tuple[Dataset, list[Issue]]:
    problems: list[Issue] = []
    return dataset_from_arrow(tables, problems=problems), problems


# -- round trips -----------------------------------------------------------------------------


@given(
    datasets(),
    st.lists(outlets(), max_size=2),
    st.none() | organisations(),
)
def test_round_trip_through_arrow(dataset: Dataset, outlet_list: list[Any], org: Any) -> None:
    """Dataset -> Arrow -> Dataset gives the same dataset, record for record."""
    dataset = attrs.evolve(dataset, outlets=outlet_list, organisation=org)
    back, problems = read(dataset_to_arrow(dataset, personal=PERSONAL_COLUMNS))
    assert problems == []
    assert back == dataset


@given(datasets(max_clients=4, max_cases=2))
def test_round_trip_through_pandas_and_polars(dataset: Dataset) -> None:
    """pandas and polars take the tables by their own converters, and give them back."""
    tables = dataset_to_arrow(dataset, personal=PERSONAL_COLUMNS)
    via_pandas, problems = read({name: table.to_pandas() for name, table in tables.items()})
    assert problems == []
    assert via_pandas == dataset
    via_polars, problems = read({name: pl.from_arrow(table) for name, table in tables.items()})
    assert problems == []
    assert via_polars == dataset


def test_example_round_trip_and_real_types() -> None:
    dataset = dataset_from_json(EXAMPLE.read_bytes())
    tables = dataset_to_arrow(dataset, personal=PERSONAL_COLUMNS)
    assert tuple(tables) == TABLE_NAMES
    assert read(tables) == (dataset, [])
    sessions = tables["sessions"].schema
    assert sessions.field("session_date").type == pa.date32()
    assert pa.types.is_integer(sessions.field("service_type_id").type)
    assert pa.types.is_dictionary(tables["clients"].schema.field("gender").type)
    assert tables["clients"].num_rows == len(dataset.clients)
    assert tables["session_clients"].num_rows == sum(len(s.clients) for s in dataset.sessions)


def test_empty_dataset_gives_every_table_with_its_columns() -> None:
    empty = dataset_to_arrow(Dataset())
    full = dataset_to_arrow(dataset_from_json(EXAMPLE.read_bytes()))
    assert {name: t.num_rows for name, t in empty.items()} == dict.fromkeys(TABLE_NAMES, 0)
    assert {n: t.column_names for n, t in empty.items()} == {
        n: t.column_names for n, t in full.items()
    }
    assert dataset_from_arrow(empty) == Dataset()


def awkward_dataset() -> Dataset:
    """Every optional part filled once, and the empty shapes a scores table must keep."""
    base = marked_dataset()
    case = attrs.evolve(
        base.cases[0],
        clients=[
            CaseClient(
                client_id="C00000",
                referral_source="SELF",
                reasons_for_assistance=[
                    ReasonForAssistance(code="HOUSING"),
                    ReasonForAssistance(code="HOUSING", is_primary=True),
                ],
            ),
            *base.cases[0].clients[1:],
        ],
        parenting_agreement_outcome=ParentingAgreementOutcome(
            outcome=ParentingAgreement.PARTIAL,
            agreement_date=dt.date(2023, 5, 1),
            legal_practitioner_assisted=False,
        ),
        section60i=Section60I(
            certificate_type=Section60ICertificateType.GENUINE, date_issued=dt.date(2023, 4, 2)
        ),
        property_agreement_outcome=PropertyAgreementOutcome(
            outcome="FULL", agreement_date=dt.date(2023, 6, 3), legal_practitioner_assisted=True
        ),
        end_date=dt.date(2023, 12, 31),
    )
    sessions = list(base.sessions)
    sessions[0] = attrs.evolve(
        sessions[0],
        fees_charged=decimal.Decimal("1234.5678"),
        extra_items=("RAIL", "RAMP"),
        clients=[
            SessionClient(
                client_id="C00000",
                participation=ParticipationType.SUPPORT,
                referrals=[Referral(referral_type=ReferralType.EXTERNAL, purposes=("LEGAL",))],
            )
        ],
    )
    sessions[1] = attrs.evolve(sessions[1], fees_charged=decimal.Decimal("1E+2"))
    rating = DomainScore(domain="HOUSING", rating=2)
    pre = Assessment(score_type=ScoreType.CIRCUMSTANCES, phase=AssessmentPhase.PRE, scores=[])
    post = Assessment(
        score_type=ScoreType.CIRCUMSTANCES,
        phase=AssessmentPhase.PRE,
        scores=[rating, rating],
        assessed_by="SDJOINT",
    )
    return attrs.evolve(
        base,
        cases=[case],
        sessions=sessions,
        client_assessments=[
            ClientAssessment(client_id="C00000", case_id="K1", session_id="S0", assessments=[]),
            ClientAssessment(
                client_id="C00000", case_id="K1", session_id="S0", assessments=[pre, post, pre]
            ),
            ClientAssessment(client_id="C00001", case_id="K1", session_id="S1", assessments=[post]),
        ],
        session_assessments=[
            SessionAssessment(case_id="K1", session_id="S2", assessments=[]),
        ],
    )


def test_round_trip_of_every_optional_part_and_empty_shape() -> None:
    dataset = awkward_dataset()
    tables = dataset_to_arrow(dataset, personal=PERSONAL_COLUMNS)
    assert read(tables) == (dataset, [])
    fees = tables["sessions"].column("fees_charged").to_pylist()
    assert fees[:2] == [decimal.Decimal("1234.5678"), decimal.Decimal("100")]


def test_a_part_given_in_half_is_reported() -> None:
    tables = dataset_to_arrow(awkward_dataset(), personal=PERSONAL_COLUMNS)
    tables["cases"] = replaced(tables["cases"], "section60i_date_issued", 0, None)
    dataset, problems = read(tables)
    assert dataset.cases == ()
    assert [(p.code, p.path) for p in problems] == [
        ("frames.missing-value", "cases[0].section60i_date_issued")
    ]


# -- personal columns ----------------------------------------------------------------------------


def test_personal_columns_are_left_out_by_default() -> None:
    tables = dataset_to_arrow(marked_dataset())
    assert set(tables["clients"].column_names).isdisjoint(PERSONAL_COLUMNS)
    text = shown(tables)
    for marker in MARKERS:
        assert marker not in text
    assert "0800" in text  # the attack's control: the table does hold the client rows


def test_personal_columns_come_only_when_named() -> None:
    tables = dataset_to_arrow(marked_dataset(), personal=["given_name"])
    assert "given_name" in tables["clients"].column_names
    assert set(tables["clients"].column_names) & PERSONAL_COLUMNS == {"given_name"}
    text = shown(tables)
    assert MARKER_GIVEN in text
    for marker in (MARKER_FAMILY, MARKER_STREET, MARKER_DETAILS, "1931-02-03"):
        assert marker not in text
    everything = shown(dataset_to_arrow(marked_dataset(), personal=PERSONAL_COLUMNS))
    assert all(marker in everything for marker in MARKERS)


def test_a_string_or_an_unknown_name_in_personal() -> None:
    tables = dataset_to_arrow(marked_dataset(), personal="birth_date")
    assert set(tables["clients"].column_names) & PERSONAL_COLUMNS == {"birth_date"}
    with pytest.raises(DexValueError, match=r"frames\.unknown-personal-column") as caught:
        dataset_to_arrow(marked_dataset(), personal=["birth_date", MARKER_GIVEN])
    assert MARKER_GIVEN not in str(caught.value)


def test_reading_without_birth_dates_names_the_column_not_each_row() -> None:
    """Without its personal columns a clients table cannot make clients: one issue says so."""
    dataset, problems = read(dataset_to_arrow(marked_dataset()))
    assert dataset.clients == ()
    assert [(p.code, p.path) for p in problems] == [("frames.missing-column", "clients.birth_date")]
    assert "3 rows" in problems[0].message
    assert len(dataset.sessions) == 4  # the other tables are read


# -- bad rows ------------------------------------------------------------------------------------


def replaced(table: pa.Table, column: str, row: int, value: object) -> pa.Table:
    """``table`` with one cell replaced (a text value turns the column into text)."""
    values = table.column(column).to_pylist()
    if isinstance(value, str):
        values = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
    values[row] = value
    array = pa.array(values)
    return table.set_column(table.column_names.index(column), column, array)


def test_bad_cells_are_reported_by_table_row_and_column_without_the_value() -> None:
    tables = dataset_to_arrow(marked_dataset(), personal=PERSONAL_COLUMNS)
    tables["clients"] = replaced(tables["clients"], "birth_date", 1, MARKER_GIVEN)
    tables["clients"] = replaced(tables["clients"], "gender", 2, MARKER_FAMILY)
    tables["sessions"] = replaced(tables["sessions"], "session_date", 3, None)
    dataset, problems = read(tables)
    found = {(p.code, p.path) for p in problems}
    assert found == {
        ("frames.bad-value", "clients[1].birth_date"),
        ("frames.unknown-code", "clients[2].gender"),
        ("frames.missing-value", "sessions[3].session_date"),
    }
    by_path = {p.path: p.message for p in problems}
    assert by_path["clients[1].birth_date"].startswith("table clients, row 1, column birth_date:")
    assert [c.client_id for c in dataset.clients] == ["C00000"]
    assert [s.session_id for s in dataset.sessions] == ["S0", "S1", "S2"]
    text = shown(problems)
    for marker in MARKERS:
        assert marker not in text


def test_without_a_problems_list_one_error_lists_them_all_without_values() -> None:
    tables = dataset_to_arrow(marked_dataset(), personal=PERSONAL_COLUMNS)
    family = pa.array([42, None, None], type=pa.int64())
    tables["clients"] = tables["clients"].set_column(
        tables["clients"].column_names.index("family_name"), "family_name", family
    )
    tables["clients"] = replaced(tables["clients"], "postcode", 2, MARKER_STREET)
    with pytest.raises(DexStructureError) as caught:
        dataset_from_arrow(tables)
    message = str(caught.value)
    assert "clients[0].family_name" in message
    assert "clients[2].postcode" in message
    assert "\n" not in message
    for marker in MARKERS:
        assert marker not in message
    assert caught.value.__cause__ is None


def test_a_record_is_read_whole_or_named() -> None:
    """A case with a bad client row is left out and named, not read with a client missing."""
    tables = dataset_to_arrow(marked_dataset(), personal=PERSONAL_COLUMNS)
    tables["case_clients"] = replaced(tables["case_clients"], "client_id", 1, "x" * 60)
    dataset, problems = read(tables)
    assert dataset.cases == ()
    assert {(p.code, p.path) for p in problems} == {
        ("frames.bad-value", "case_clients[1].client_id"),
        ("frames.record-left-out", "cases[0]"),
    }


def test_a_child_row_that_disagrees_with_its_parent_is_reported() -> None:
    """Filtering a parent table in a notebook must not attach a client to the wrong session."""
    tables = dataset_to_arrow(marked_dataset(), personal=PERSONAL_COLUMNS)
    tables["sessions"] = tables["sessions"].slice(1)  # rows shift: session_row now lies
    dataset, problems = read(tables)
    codes = sorted(p.code for p in problems)
    assert "frames.parent-mismatch" in codes
    assert all(
        {c.client_id for c in s.clients} <= {f"C{n:05d}" for n in range(3)}
        for s in dataset.sessions
    )
    for session in dataset.sessions:
        original = marked_dataset().session_by_key[session.key]
        assert session == original


def test_child_rows_without_row_numbers_find_their_parent_by_ids() -> None:
    original = marked_dataset()
    tables = dataset_to_arrow(original, personal=PERSONAL_COLUMNS)
    tables["session_clients"] = tables["session_clients"].drop_columns(["session_row"])
    tables["case_clients"] = tables["case_clients"].drop_columns(["case_row"])
    assert read(tables) == (original, [])


def test_unknown_tables_columns_and_non_tables_are_reported() -> None:
    tables: dict[str, Any] = dict(dataset_to_arrow(marked_dataset(), personal=PERSONAL_COLUMNS))
    tables["clients"] = tables["clients"].append_column("given_nme", pa.array(["a", "b", "c"]))
    tables["sessionz"] = tables["sessions"]
    tables["cases"] = object()
    _, problems = read(tables)
    assert {(p.code, p.path) for p in problems} >= {
        ("frames.unknown-column", "clients.given_nme"),
        ("frames.unknown-table", "sessionz"),
        ("frames.not-a-table", "cases"),
    }


def test_pandas_conveniences_are_accepted_and_others_refused() -> None:
    """A datetime at midnight is a date and 3.0 a whole number; 3.5 and a noon are not."""
    tables = dataset_to_arrow(marked_dataset(), personal=PERSONAL_COLUMNS)
    sessions = tables["sessions"]
    dates = sessions.column("session_date").to_pylist()
    at = [dt.datetime.combine(day, dt.time()) for day in dates]
    at[2] = at[2].replace(hour=12)
    sessions = sessions.set_column(2, "session_date", pa.array(at))
    sessions = sessions.set_column(
        3, "service_type_id", pa.array([1.0, 1.5, 1.0, 1.0], type=pa.float64())
    )
    tables["sessions"] = sessions
    dataset, problems = read(tables)
    assert {(p.code, p.path) for p in problems} == {
        ("frames.bad-value", "sessions[1].service_type_id"),
        ("frames.bad-value", "sessions[2].session_date"),
    }
    assert [s.session_date for s in dataset.sessions] == [dates[0], dates[3]]


# -- the optional extra --------------------------------------------------------------------------


def test_without_pyarrow_the_import_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m.startswith("dexcore.io.frames")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if not installed
    with pytest.raises(ImportError) as caught:
        import dexcore.io.frames  # noqa: F401
    message = str(caught.value)
    assert "dexcore[frames]" in message
    assert "\n" not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_the_core_never_imports_pyarrow() -> None:
    code = (
        "import sys, dexcore, dexcore.io, dexcore.model, dexcore.rules, dexcore.kpi, "
        "dexcore.privacy.sdc, dexcore._notebook; print('pyarrow' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


# -- results as tables ---------------------------------------------------------------------------


def example_report() -> Any:
    from dexcore.rules import DEX, SETS, check

    dataset = dataset_from_json(EXAMPLE.read_bytes())
    return check(dataset, DEX + SETS, today=dt.date(2024, 7, 15))


def test_a_check_report_as_a_table_has_one_row_per_issue() -> None:
    from dexcore.io.frames import report_to_arrow

    report = example_report()
    table = report_to_arrow(report)
    assert table.num_rows == len(report.issues) > 0
    assert table.column("code").to_pylist() == [i.code for i in report.issues]
    assert table.column("path").to_pylist() == [i.path for i in report.issues]
    assert table.column("record_index").to_pylist() == [i.record.index for i in report.issues]
    assert pa.types.is_dictionary(table.schema.field("severity").type)


def test_kpis_as_a_tidy_table_keep_numerator_denominator_and_policy() -> None:
    from dexcore.io.frames import kpis_to_arrow
    from dexcore.kpi import standard_kpis
    from dexcore.periods import ReportingPeriod

    dataset = dataset_from_json(EXAMPLE.read_bytes())
    report = standard_kpis(dataset, ReportingPeriod.parse("2024-H2"))
    rows = kpis_to_arrow(report).to_pylist()
    whole = {row["kpi"]: row for row in rows if row["group"] is None}
    assert set(whole) == {
        "clients_assisted",
        "unidentified_clients",
        "sessions_delivered",
        "attendances",
        "goals_achieved",
        "circumstances_improved",
        "unidentified_share",
    }
    assert whole["clients_assisted"]["value"] == report.clients_assisted
    goals = whole["goals_achieved"]
    assert (goals["numerator"], goals["denominator"]) == (
        report.goals_achieved.numerator,
        report.goals_achieved.denominator,
    )
    assert goals["policy"] is not None
    assert "pairing" in goals["policy"]
    by_type = {
        int(row["group"]): row["value"]
        for row in rows
        if row["kpi"] == "sessions_delivered" and row["group"] is not None
    }
    assert by_type == report.sessions_by_service_type
    groups = {row["group"] for row in rows if row["kpi"] == "priority_groups"}
    assert groups == {"any", *report.priority_groups}
    assert {row["period"] for row in rows} == {"2024-H2"}


def peer(name: str, value: float | None) -> Any:
    from dexcore.kpi import PeerResult

    return PeerResult(
        organisation=name,
        program_activity="FaRS",
        state="NT",
        kpis={"goals_achieved": value, "clients_assisted": 10.0},
    )


def test_a_benchmark_as_a_table_shows_nothing_for_kpis_not_compared() -> None:
    from dexcore.io.frames import benchmark_to_arrow
    from dexcore.kpi import benchmark

    population = [peer(f"P{n}", 50.0 + n) for n in range(6)] + [peer("P9", None)]
    result = benchmark(peer("ME", 55.0), population)
    rows = {row["kpi"]: row for row in benchmark_to_arrow(result).to_pylist()}
    compared = result.comparisons["goals_achieved"]
    assert compared is not None
    assert rows["goals_achieved"]["compared"] is True
    assert rows["goals_achieved"]["median"] == compared.median
    assert rows["goals_achieved"]["peers"] == 6
    lonely = benchmark(peer("ME", 55.0), population[:4])
    rows = {row["kpi"]: row for row in benchmark_to_arrow(lonely).to_pylist()}
    assert rows["goals_achieved"]["compared"] is False
    assert rows["goals_achieved"]["value"] is None
    assert rows["goals_achieved"]["median"] is None


def released_example() -> Any:
    from dexcore.privacy.sdc import count_clients, protect

    contributions = [(f"c{n}", "North", "Yes") for n in range(3)]
    contributions += [(f"d{n}", "North", "No") for n in range(20)]
    contributions += [(f"e{n}", "South", "Yes") for n in range(30)]
    contributions += [(f"f{n}", "South", "No") for n in range(25)]
    table = count_clients(
        contributions, title="Clients", row_dimension="region", column_dimension="answer"
    )
    return protect(table)


def test_a_released_table_keeps_hidden_cells_hidden() -> None:
    from dexcore.io.frames import released_to_arrow

    released = released_example()
    frame = released_to_arrow(released)
    rows = frame.to_pylist()
    hidden = [row for row in rows if row["status"] == "n.p."]
    assert len(hidden) == released.suppressed > 0
    assert all(row["count"] is None for row in hidden)
    for row in rows:
        if row["status"] == "published" and "Total" not in (row["region"], row["answer"]):
            assert row["count"] == released.cell(row["region"], row["answer"])
    # The attack: nothing in the frame says which hidden count is the small one.
    text = shown(frame)
    assert "primary" not in text
    assert "secondary" not in text
    assert " 3," not in text
    assert ": 3}" not in text
    assert "3" not in {str(row["count"]) for row in rows}


# -- notebook summaries --------------------------------------------------------------------------


def big_marked_dataset() -> Dataset:
    return marked_dataset(clients=300, sessions=20_000)


def test_html_summaries_are_small_and_free_of_personal_values() -> None:
    dataset = big_marked_dataset()
    summary = dataset._repr_html_()
    assert len(summary) < 4_000
    for marker in MARKERS:
        assert marker not in summary
    assert "20,000" in summary  # the sessions are counted
    assert "2028-H1" in summary  # the latest ten periods
    assert "2023-H2" in summary
    assert "2023-H1" not in summary
    assert "1 earlier" in summary


def test_report_summaries_are_bounded_for_many_issues() -> None:
    from dexcore.rules import DEX, check

    dataset = big_marked_dataset()
    report = check(dataset, DEX, today=dt.date(2024, 7, 15))
    assert len(report.issues) > 1_000
    for text in (repr(report), report._repr_html_()):
        assert len(text) < 4_000
        for marker in MARKERS:
            assert marker not in text
    assert f"{len(report.issues):,} issues" in repr(report)


def test_kpi_and_benchmark_summaries() -> None:
    from dexcore.kpi import benchmark, standard_kpis
    from dexcore.periods import ReportingPeriod

    report = standard_kpis(big_marked_dataset(), ReportingPeriod.parse("2023-H2"))
    assert repr(report).startswith("<KpiReport 2023-H2:")
    assert "goals achieved" in report._repr_html_()
    population = [peer(f"P{n}", 50.0 + n) for n in range(300)]
    result = benchmark(peer("<b>ME</b>", 55.0), population)
    assert "300 peers" in repr(result)
    assert len(repr(result)) < 300
    html = result._repr_html_()
    assert "<b>ME</b>" not in html
    assert "&lt;b&gt;ME&lt;/b&gt;" in html
    assert "P17" not in html  # peers are counted, not listed


def test_released_table_summary_is_escaped_cut_and_says_only_np() -> None:
    released = released_example()
    assert "n.p." in released._repr_html_()
    assert "primary" not in repr(released) + released._repr_html_()
    wide = attrs.evolve(
        released,
        title="<script>alert(1)</script>",
        rows=tuple(f"r{n}" for n in range(200)),
        columns=tuple(f"c{n}" for n in range(50)),
        cells=tuple(tuple(range(50)) for _ in range(200)),
        row_totals=None,
        column_totals=None,
        total=None,
    )
    html = wide._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert len(html) < 10_000
    assert "r150" not in html
    assert "c40" not in html
    assert "200 rows × 50 columns" in repr(wide)


# -- the how-to page -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    range(
        len(re.findall("```python\n", (ROOT / "docs" / "howto" / "frames.md").read_text("utf-8")))
    ),
)
def test_the_frames_page_examples_run(number: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each Python example of docs/howto/frames.md runs alone, given ``dataset`` (bundled)."""
    page = (ROOT / "docs" / "howto" / "frames.md").read_text(encoding="utf-8")
    block = re.findall(r"```python\n(.*?)```", page, flags=re.DOTALL)[number]
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {"dataset": dataset_from_json(EXAMPLE.read_bytes())}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(block, f"docs/howto/frames.md example {number}", "exec"), namespace)
    if "problems" in namespace:
        assert namespace["problems"][0].path == "clients[3].birth_date"


def test_the_api_page_lists_the_tables_and_personal_columns() -> None:
    page = (ROOT / "docs" / "api" / "io.md").read_text(encoding="utf-8")
    listed = page.split("dexcore.io.frames.TABLE_NAMES", 1)[1]
    tables, personal = listed.split("dexcore.io.frames.PERSONAL_COLUMNS", 1)
    assert re.findall(r"``(\w+)``", tables) == list(TABLE_NAMES)
    assert set(re.findall(r"``(\w+)``", personal.split("```", 1)[0])) == PERSONAL_COLUMNS


def test_a_malformed_id_is_not_shown_in_the_issue() -> None:
    tables = dataset_to_arrow(marked_dataset(), personal=PERSONAL_COLUMNS)
    tables["clients"] = replaced(tables["clients"], "client_id", 0, f" {MARKER_GIVEN}")
    tables["sessions"] = replaced(tables["sessions"], "session_id", 1, f"{MARKER_FAMILY} ")
    _, problems = read(tables)
    paths = {p.path for p in problems}
    assert "clients[0].client_id" in paths
    assert any(path.startswith("sessions[1]") for path in paths)  # named, left out
    text = shown(problems)
    assert MARKER_GIVEN not in text
    assert MARKER_FAMILY not in text


def test_tables_must_come_as_a_mapping() -> None:
    tables = dataset_to_arrow(marked_dataset())
    with pytest.raises(DexValueError, match=r"frames\.not-a-mapping"):
        dataset_from_arrow(list(tables.values()))  # type: ignore[arg-type]


def test_scores_without_row_numbers_group_by_ids_and_assessment() -> None:
    dataset = dataset_from_json(EXAMPLE.read_bytes())
    tables = dataset_to_arrow(dataset, personal=PERSONAL_COLUMNS)
    for name in ("client_scores", "session_scores"):
        tables[name] = tables[name].drop_columns(["assessment_row", "assessment_number"])
    assert read(tables) == (dataset, [])


def test_scores_that_disagree_within_an_assessment_are_reported() -> None:
    tables = dataset_to_arrow(awkward_dataset(), personal=PERSONAL_COLUMNS)
    scores = tables["client_scores"]
    rows = scores.column("assessment_row").to_pylist()
    second = rows.index(2)  # the third record has one assessment with two ratings
    tables["client_scores"] = replaced(scores, "phase", second + 1, "POST")
    dataset, problems = read(tables)
    assert [(p.code, p.path) for p in problems] == [
        ("frames.inconsistent-rows", f"client_scores[{second + 1}].phase")
    ]
    assert len(dataset.client_assessments) == 2


# -- the attacker: anything in any cell -----------------------------------------------------------

HOSTILE = "Qzhostilemarker"
CELLS = st.one_of(
    st.text(max_size=8).map(lambda text: HOSTILE + text),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.lists(st.text(max_size=3).map(lambda text: HOSTILE + text), max_size=2),
)
AWKWARD_TABLES = dataset_to_arrow(awkward_dataset(), personal=PERSONAL_COLUMNS)


def hostile_column(table: pa.Table, column: str, row: int, value: object) -> pa.Table:
    values = table.column(column).to_pylist()
    values[row] = value
    try:
        array = pa.array(values)
    except (pa.ArrowException, OverflowError):
        array = pa.array([None if v is None else f"{HOSTILE}{v}" for v in values], pa.string())
    return table.set_column(table.column_names.index(column), column, array)


@given(st.data(), CELLS)
def test_any_value_in_any_cell_gives_issues_never_an_exception(data: Any, value: object) -> None:
    """The only outcomes are a dataset and issues; no issue repeats what the cell held."""
    name = data.draw(st.sampled_from([n for n, t in AWKWARD_TABLES.items() if t.num_rows]))
    table = AWKWARD_TABLES[name]
    column = data.draw(st.sampled_from(table.column_names))
    row = data.draw(st.integers(0, table.num_rows - 1))
    tables = dict(AWKWARD_TABLES, **{name: hostile_column(table, column, row, value)})
    dataset, problems = read(tables)
    assert isinstance(dataset, Dataset)
    for problem in problems:
        assert HOSTILE not in problem.message + problem.path
        shown_id = problem.record.id
        if shown_id is not None and HOSTILE in shown_id:  # only a well-formed id, as ids are
            assert len(shown_id) <= 50
            assert shown_id == shown_id.strip()
    if problems:
        with pytest.raises(DexStructureError) as caught:
            dataset_from_arrow(tables)
        assert HOSTILE not in str(caught.value)
    else:
        assert dataset_from_arrow(tables) == dataset
