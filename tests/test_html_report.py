"""dexcore report and dexcore.html_report: the figures, the page, and what it must never show."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dexcore.cli import main
from dexcore.errors import DexValueError
from dexcore.html_report import (
    DomainFigure,
    ReportData,
    Shown,
    gather_report,
    peers_from_json,
    render_report,
)
from dexcore.io import dataset_from_json
from dexcore.kpi import standard_kpis
from dexcore.model import Dataset
from dexcore.periods import ReportingPeriod
from dexcore.privacy import Suppressed
from dexcore.privacy.sdc import SuppressionKind
from dexcore.rules import RULESETS, Report, check
from dexcore.testing import strategies

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "example-dataset.json"
PEERS = ROOT / "examples" / "example-peers.json"
H2 = ReportingPeriod.parse("2024-H2")
DAY = dt.date(2025, 1, 15)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return dataset_from_json(EXAMPLE.read_bytes())


@pytest.fixture(scope="module")
def checked(dataset: Dataset) -> Report:
    return check(dataset, RULESETS["dex"], today=DAY)


def shown_values(data: ReportData) -> list[Shown]:
    """Every count the page shows."""
    values: list[Shown] = [
        data.clients_assisted,
        data.unidentified_clients,
        data.all_clients,
        data.sessions_delivered,
        data.attendances,
    ]
    for ratio in data.ratios:
        values += [ratio.numerator, ratio.denominator]
        values += [] if ratio.not_stated is None else [ratio.not_stated]
    for domain in data.score:
        values += [domain.improved, domain.no_change, domain.declined, domain.paired]
    if data.checks is not None:
        values += [data.checks.total, *data.checks.by_severity.values()]
        values += [item.count for item in data.checks.codes]
    return values


# -- the figures ------------------------------------------------------------------------------


def test_the_kpis_are_those_of_dexcore_kpi(dataset: Dataset) -> None:
    """The figures `dexcore kpi` prints for the example's 2024-H2 (docs/reference/cli.md)."""
    data = gather_report(dataset, H2)
    assert (data.clients_assisted, data.unidentified_clients, data.all_clients) == (15, 32, 47)
    assert (data.sessions_delivered, data.attendances) == (6, 48)
    parts = {r.key: (r.numerator, r.denominator, r.not_stated) for r in data.ratios}
    assert parts["priority_groups"] == (9, 14, 1)
    assert parts["priority_groups.disability"] == (2, 15, 0)
    assert parts["goals_achieved"] == (2, 3, None)
    assert parts["circumstances_improved"] == (3, 4, None)
    assert parts["unidentified_share"] == (32, 47, None)
    assert data.ratio("goals_achieved").percent == pytest.approx(200 / 3)


def test_score_change_per_domain_counts_clients(dataset: Dataset) -> None:
    """Client C00001 of FAM-001: HOUSING 2 then 4, MONEY 2 then 2, Goals SKILLS 1 then 3."""
    by_domain = {(d.score_type, d.domain): d for d in gather_report(dataset, H2).score}
    housing = by_domain["Circumstances", "HOUSING"]
    assert (housing.improved, housing.no_change, housing.declined, housing.paired) == (1, 0, 0, 1)
    money = by_domain["Circumstances", "MONEY"]
    assert (money.improved, money.no_change, money.declined) == (0, 1, 0)
    assert by_domain["Goals", "SKILLS"].improved == 1
    # A pair whose later rating falls before the period is not this period's change.
    assert gather_report(dataset, ReportingPeriod.parse("2025-H1")).score == ()


def test_the_check_summary_counts_codes_most_frequent_first(
    dataset: Dataset, checked: Report
) -> None:
    data = gather_report(dataset, H2, checked=checked, top_codes=2)
    assert data.checks is not None
    assert data.checks.total == len(checked.issues)
    expected = sorted(checked.counts_by_code().items(), key=lambda kv: (-kv[1], kv[0]))
    named = [(item.code, item.count) for item in data.checks.codes]
    assert named[:2] == expected[:2]
    assert named[2] == (None, sum(n for _, n in expected[2:]))


# -- publication: every count through protect ---------------------------------------------------


def test_without_publish_small_counts_are_shown(dataset: Dataset, checked: Report) -> None:
    values = shown_values(gather_report(dataset, H2, checked=checked))
    assert not any(isinstance(v, Suppressed) for v in values)
    assert any(isinstance(v, int) and 1 <= v <= 4 for v in values)


def test_with_publish_no_count_from_1_to_4_is_shown(dataset: Dataset, checked: Report) -> None:
    data = gather_report(dataset, H2, checked=checked, publish=True)
    values = shown_values(data)
    small = [v for v in values if isinstance(v, int) and 1 <= v <= 4]
    assert small == []
    assert any(isinstance(v, Suppressed) for v in values)
    assert data.clients_assisted == 15  # a count of 5 or more stays
    # A hidden part hides the percentage it would give: goals were 2 of 3.
    assert data.ratio("goals_achieved").percent is None


def test_no_equation_on_the_published_page_has_one_hidden_term(dataset: Dataset) -> None:
    """The attack: a sum with one hidden term and the rest shown gives the hidden term away.

    The page's sums: identified + unidentified = all clients; and for each priority group,
    its denominator + those not stated = clients assisted.
    """
    data = gather_report(dataset, H2, publish=True)
    sums = [(data.clients_assisted, data.unidentified_clients, data.all_clients)]
    sums += [
        (ratio.denominator, ratio.not_stated, data.clients_assisted)
        for ratio in data.ratios
        if ratio.not_stated is not None
    ]
    for terms in sums:
        assert sum(isinstance(term, Suppressed) for term in terms) != 1, terms
    # Hidden priority-group parts exist, so the check above had something to find.
    assert any(isinstance(ratio.not_stated, Suppressed) for ratio in data.ratios)


def test_the_page_says_whether_it_was_protected(dataset: Dataset) -> None:
    draft = render_report(gather_report(dataset, H2))
    published = render_report(gather_report(dataset, H2, publish=True))
    assert "Not for publication" in draft
    assert "Protected for publication" not in draft
    assert "Protected for publication" in published
    assert "Not for publication" not in published
    assert "n.p." in published


# -- the page -----------------------------------------------------------------------------------


def test_the_page_is_self_contained(dataset: Dataset, checked: Report) -> None:
    page = render_report(gather_report(dataset, H2, checked=checked))
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") == 1
    for loads in (
        r"<script",
        r"<link",
        r"<img",
        r"<iframe",
        r"@import",
        r"<\?xml",
        r"<!DOCTYPE svg",
    ):
        assert not re.search(loads, page, re.IGNORECASE), loads
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!#)""", page)
    assert not re.search(r"url\((?!#)", page)
    assert "Content-Security-Policy" in page


def test_two_runs_give_the_same_bytes(tmp_path: Path) -> None:
    pages = []
    for n in (1, 2):
        out = tmp_path / f"report-{n}.html"
        argv = ["report", str(EXAMPLE), "--period", "2024-H2", "--today", "2025-01-15"]
        assert main([*argv, "--peers", str(PEERS), "-o", str(out)]) == 0
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]
    assert b"<svg" in pages[0]


def test_pages_made_in_threads_are_the_pages_made_alone(dataset: Dataset) -> None:
    alone = [render_report(gather_report(dataset, H2, publish=p)) for p in (False, True)]
    with ThreadPoolExecutor(4) as pool:
        together = list(
            pool.map(
                lambda p: render_report(gather_report(dataset, H2, publish=p)), [False, True] * 2
            )
        )
    assert together == alone * 2


def personal_values(dataset: Dataset) -> set[str]:
    found: set[str] = set()
    for client in dataset.clients:
        found |= {client.client_id, client.given_name or "", client.family_name or ""}
        found |= {client.slk or "", client.birth_date.isoformat()}
        if client.residential_address is not None:
            found |= {client.residential_address.address_line1 or ""}
    return {value for value in found if len(value) >= 4}


def test_no_personal_value_is_on_the_page(dataset: Dataset, checked: Report) -> None:
    marked = Dataset(
        clients=tuple(
            attrs.evolve(c, given_name="Zebediah", family_name="Quixotewomble")
            if c.consent_to_provide_details
            else c
            for c in dataset.clients
        ),
        cases=dataset.cases,
        sessions=dataset.sessions,
        client_assessments=dataset.client_assessments,
        session_assessments=dataset.session_assessments,
        outlets=dataset.outlets,
        organisation=dataset.organisation,
    )
    secrets = personal_values(marked)
    assert {"Zebediah", "Quixotewomble", "C00001"} <= secrets
    peers = peers_from_json(PEERS.read_bytes())
    for publish in (False, True):
        page = render_report(
            gather_report(marked, H2, checked=checked, peers=peers, publish=publish)
        )
        assert [s for s in secrets if s in page] == []


def hostile(data: ReportData) -> ReportData:
    script = "<script>alert(1)</script>"
    domain = DomainFigure(
        score_type=f"Goals{script}",
        domain=f"$\\alpha$ </svg>{script} & \"'",
        improved=3,
        no_change=0,
        declined=Suppressed(kind=SuppressionKind.PRIMARY),
        paired=7,
    )
    return attrs.evolve(data, organisation=f"Org {script}", score=(domain,))


def test_dynamic_text_is_escaped(dataset: Dataset) -> None:
    page = render_report(hostile(gather_report(dataset, H2)))
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<svg") == 1
    assert page.count("</svg>") == 1
    assert "$\\alpha$" in page  # shown as written, not as mathematics


# -- peers --------------------------------------------------------------------------------------


def test_the_provider_among_its_peers(dataset: Dataset) -> None:
    """PEER-01..07 are NSW Family and Relationship Services; PEER-08 (VIC) is not comparable."""
    data = gather_report(dataset, H2, peers=peers_from_json(PEERS.read_bytes()))
    assert data.peers is not None
    assert data.peers.peers == 7
    goals = data.peers.comparisons["goals_achieved"]
    assert goals is not None
    # Six peers state it: 54.5, 58.0, 61.5, 66.0, 70.0, 72.3.
    assert goals.peers == 6
    assert goals.median == pytest.approx(63.75)
    # The provider's 66.7% is above 4 of 6 peers.
    assert goals.percentile_rank == pytest.approx(100 * 4 / 6)


def test_a_figure_hidden_on_the_page_is_not_compared(dataset: Dataset) -> None:
    peers = peers_from_json(PEERS.read_bytes())
    data = gather_report(dataset, H2, peers=peers, publish=True)
    assert data.peers is not None
    assert data.peers.comparisons["goals_achieved"] is None  # 2 of 3, hidden
    assert data.peers.comparisons["clients_assisted"] is not None  # 15, shown


@pytest.mark.parametrize(
    ("document", "where"),
    [
        (b"not json", "$ is not JSON"),
        (b'{"organisation": "X"}', "$ must be a list"),
        (b'[{"organisation": "X", "program_activity": "P", "state": 31337}]', "$[0].state"),
        (b'[{"organisation": "X", "program_activity": "P", "state": "S", "kpis": {"a": "31337"}}]',
         "$[0].kpis[0]"),
        (b'[{"organisation": "X", "program_activity": "P", "state": "S", "kpis": {"a": NaN}}]',
         "$[0].kpis[0]"),
        # The key itself is the caller's text: it is named by its place too.
        (b'[{"organisation": "X", "program_activity": "P", "state": "S", "kpis": {"31337": "x"}}]',
         "$[0].kpis[0]"),
    ],
)  # fmt: skip
def test_bad_peer_figures_are_named_by_place_not_value(document: bytes, where: str) -> None:
    with pytest.raises(DexValueError, match=r"report\.peers-format") as caught:
        peers_from_json(document)
    assert where in str(caught.value)
    assert "31337" not in str(caught.value)


def test_peer_figures_without_the_provider_are_refused(dataset: Dataset) -> None:
    others = [p for p in peers_from_json(PEERS.read_bytes()) if p.organisation != "EX-0001"]
    with pytest.raises(DexValueError, match=r"report\.peers-no-target"):
        gather_report(dataset, H2, peers=others)
    # Named explicitly, another entry is the provider.
    data = gather_report(dataset, H2, peers=others, organisation="PEER-01")
    assert data.peers is not None
    assert data.peers.peers == 6


# -- the command --------------------------------------------------------------------------------


def test_the_command_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    argv = ["report", str(ROOT / "examples" / "example-upload.xml"), "--period", "2024-H2"]
    assert main([*argv, "--today", "2025-01-15", "--publish", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Protected for publication" in page
    assert 'id="checks"' in page
    # The records the reader could not read are counted on stderr and in the check summary.
    assert "could not be read" in capsys.readouterr().err


def test_the_command_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", str(EXAMPLE), "--period", "2024-H2", "--today", "2025-01-15", "-o", "-"]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--peers", "missing.json"], "cannot read missing.json"),
        (["--peers", str(EXAMPLE)], "report.peers-format"),
        (["--peers", str(PEERS), "--organisation", "NOPE"], "report.peers-no-target"),
    ],
)
def test_the_command_says_what_is_wrong_on_one_line(
    extra: list[str], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["report", str(EXAMPLE), "--period", "2024-H2", "-o", str(tmp_path / "r.html")]
    assert main([*argv, *extra]) == 2
    err = capsys.readouterr().err
    assert says in err
    assert err.count("\n") == 1
    assert not (tmp_path / "r.html").exists()


def test_without_matplotlib_the_command_names_the_extra(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    argv = ["report", str(EXAMPLE), "--period", "2024-H2", "-o", str(tmp_path / "r.html")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == "dexcore: the report's charts need matplotlib: pip install 'dexcore[report]'\n"
    with pytest.raises(ImportError, match=r"dexcore\[report\]"):
        render_report(gather_report(dataset_from_json(EXAMPLE.read_bytes()), H2))


def test_other_commands_do_not_import_the_report() -> None:
    code = (
        "import sys; from dexcore.cli import main; main(['period', '2024-H2']);"
        " names = ('dexcore.html_report', 'matplotlib');"
        " print(sorted(m for m in sys.modules if m.startswith(names)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    assert result.stdout.strip().splitlines()[-1] == "[]"


# -- properties over generated datasets ---------------------------------------------------------

GENERATED = strategies.datasets(max_clients=6, max_cases=3)


@given(GENERATED, st.booleans())
@settings(max_examples=15)
def test_figures_are_the_kpis_and_publishing_hides_every_small_count(
    dataset: Dataset, publish: bool
) -> None:
    data = gather_report(dataset, H2, checked=check(dataset, RULESETS["dex"], today=DAY),
                         publish=publish)  # fmt: skip
    values = shown_values(data)
    if publish:
        assert [v for v in values if isinstance(v, int) and 1 <= v <= 4] == []
        return
    assert not any(isinstance(v, Suppressed) for v in values)
    report = standard_kpis(dataset, H2)
    assert data.clients_assisted == report.clients_assisted
    assert data.sessions_delivered == report.sessions_delivered
    goals = data.ratio("goals_achieved")
    assert (goals.numerator, goals.denominator) == (
        report.goals_achieved.numerator,
        report.goals_achieved.denominator,
    )


@given(GENERATED)
@settings(max_examples=6)
def test_no_generated_client_shows_on_the_page(dataset: Dataset) -> None:
    page = render_report(gather_report(dataset, H2))
    secrets = {
        value
        for client in dataset.clients
        for value in (client.given_name, client.family_name, client.slk, client.client_id)
        if value and len(value) >= 5
    }
    assert [s for s in secrets if s in page] == []


def test_two_charts_on_one_page_share_no_id(dataset: Dataset) -> None:
    peers = peers_from_json(PEERS.read_bytes())
    page = render_report(gather_report(dataset, H2, peers=peers))
    assert page.count("<svg") == 2
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)) > 10
    # Every in-page reference points at an id the page has.
    references = re.findall(r"url\(#([^)]+)\)", page) + re.findall(r'href="#([^"]+)"', page)
    assert references
    assert set(references) <= set(ids)


def test_no_rank_chart_when_nothing_is_compared(dataset: Dataset) -> None:
    few = [p for p in peers_from_json(PEERS.read_bytes()) if p.organisation < "PEER-04"]
    page = render_report(gather_report(dataset, H2, peers=few))
    assert 'id="peers"' in page
    assert page.count("<svg") == 1
    assert "not compared: fewer than 5 peers" in page
