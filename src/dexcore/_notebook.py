"""Short summaries for notebooks: a one-line ``repr`` and a small HTML table.

Jupyter shows an object by its ``_repr_html_`` when it has one. For the
big results (a dataset, a check report, a KPI report, a benchmark, a
released table) that is a summary of bounded size: counts, periods, the
most frequent issue codes, never a record and never a personal value, and
every piece of text escaped with :func:`html.escape`. The model, rules,
KPI and privacy classes call these functions from small methods, so this
module imports none of them at run time.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dexcore.issues import Report
    from dexcore.kpi import Benchmark, KpiReport, Ratio
    from dexcore.model import Dataset
    from dexcore.privacy.sdc import ReleasedTable

#: Most rows of any list in a summary (periods, issue codes, KPIs, table rows).
MAX_ROWS = 10
#: Most columns of a released table shown.
MAX_COLUMNS = 12
#: Longest caller-supplied label shown (titles, organisation names), in characters.
MAX_LABEL = 80

_STYLE = "border-collapse:collapse;font-size:90%;margin:0.3em 0"


def label(text: object) -> str:
    """``text`` as a string of at most :data:`MAX_LABEL` characters (not yet escaped)."""
    value = str(text)
    return value if len(value) <= MAX_LABEL else value[: MAX_LABEL - 1] + "…"


def _cell(value: object, tag: str = "td") -> str:
    return f"<{tag}>{html.escape(str(value))}</{tag}>"


def table(
    header: Sequence[str], rows: Iterable[Sequence[object]], more: int = 0, what: str = "more"
) -> str:
    """An HTML table of ``rows`` under ``header``, every cell escaped; ``more`` rows not shown."""
    head = "".join(_cell(name, "th") for name in header)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    if more:
        body += f'<tr><td colspan="{len(header)}">… and {more:,} {what}</td></tr>'
    return f'<table style="{_STYLE}"><tr>{head}</tr>{body}</table>'


def box(title: str, *parts: str) -> str:
    """A titled block holding ``parts`` (already HTML)."""
    return f"<div><strong>{html.escape(title)}</strong>{''.join(parts)}</div>"


def _top(counts: Counter[str] | dict[str, int]) -> tuple[list[tuple[str, str]], int]:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(name, f"{n:,}") for name, n in ordered[:MAX_ROWS]], max(0, len(ordered) - MAX_ROWS)


# -- datasets ------------------------------------------------------------------------------------


def _periods(dataset: Dataset) -> Counter[str]:
    halves = Counter((s.session_date.year, s.session_date.month > 6) for s in dataset.sessions)
    return Counter({f"{year}-H{2 if second else 1}": n for (year, second), n in halves.items()})


def dataset_html(dataset: Dataset) -> str:
    """Counts per collection and sessions per reporting period; no record, no personal value."""
    counts = table(["collection", "records"], [(k, f"{n:,}") for k, n in dataset.counts().items()])
    periods = sorted(_periods(dataset).items())
    shown = periods[-MAX_ROWS:]
    by_period = table(
        ["period", "sessions"],
        [(p, f"{n:,}") for p, n in shown],
        len(periods) - len(shown),
        "earlier",
    )
    org = dataset.organisation
    title = "Dataset" if org is None else f"Dataset of {label(org.name)}"
    return box(title, counts, by_period if periods else "")


# -- check reports -------------------------------------------------------------------------------


def report_repr(report: Report) -> str:
    """One line: rule set, day, issues by severity, records checked, the top codes."""
    severities = ", ".join(f"{n:,} {s.value}" for s, n in report.counts().items())
    top = list(report.counts_by_code().items())[:3]
    codes = "; top: " + ", ".join(f"{c} ×{n:,}" for c, n in top) if top else ""
    records = sum(report.records.values())
    head = f"<Report {label(report.ruleset)} for {report.today.isoformat()}"
    return f"{head}: {len(report.issues):,} issues ({severities}) over {records:,} records{codes}>"


def report_html(report: Report) -> str:
    """Issues by severity and the most frequent issue codes."""
    severities = table(
        ["severity", "issues"], [(s.value, f"{n:,}") for s, n in report.counts().items()]
    )
    rows, more = _top(dict(report.counts_by_code()))
    codes = table(["issue code", "issues"], rows, more)
    records = sum(report.records.values())
    title = f"Report {label(report.ruleset)} for {report.today.isoformat()} ({records:,} records)"
    return box(title, severities, codes if rows else "")


# -- KPI reports and benchmarks ----------------------------------------------------------------


def _percent(ratio: Ratio) -> str:
    value = ratio.percent
    shown = "n/a" if value is None else f"{value:.1f}%"
    return f"{shown} ({ratio.numerator:,}/{ratio.denominator:,})"


def kpi_repr(report: KpiReport) -> str:
    """One line: the period and the headline KPIs."""
    return (
        f"<KpiReport {report.period.label}: {report.clients_assisted:,} clients assisted, "
        f"{report.sessions_delivered:,} sessions, goals achieved {_percent(report.goals_achieved)}>"
    )


def kpi_html(report: KpiReport) -> str:
    """The KPIs with their parts."""
    rows = [
        ("clients assisted", f"{report.clients_assisted:,}"),
        ("unidentified clients", f"{report.unidentified_clients:,}"),
        ("sessions delivered", f"{report.sessions_delivered:,}"),
        ("attendances", f"{report.attendances:,}"),
        ("in a priority group", _percent(report.any_priority_group)),
        ("goals achieved", _percent(report.goals_achieved)),
        ("circumstances improved", _percent(report.circumstances_improved)),
        ("unidentified share", _percent(report.unidentified_share)),
    ]
    policy = report.policies.describe()
    note = f"<div>pairing: {html.escape(str(policy['pairing']))}; "
    note += f"outcome: {html.escape(str(policy['outcome']))}</div>"
    return box(f"KPIs {report.period.label}", table(["KPI", "value"], rows), note)


def benchmark_repr(benchmark: Benchmark) -> str:
    """One line: the organisation, its number of peers and of KPIs compared."""
    compared = sum(c is not None for c in benchmark.comparisons.values())
    return (
        f"<Benchmark {label(benchmark.organisation)!r} against {len(benchmark.peers):,} peers: "
        f"{compared} of {len(benchmark.comparisons)} KPIs compared "
        f"(at least {benchmark.min_peers} peers each)>"
    )


def benchmark_html(benchmark: Benchmark) -> str:
    """Per KPI: the value, its percentile rank and the peers' quartiles, or why not."""
    rows = []
    for kpi, c in list(benchmark.comparisons.items())[:MAX_ROWS]:
        if c is None:
            rows.append((kpi, "not compared", "", "", ""))
        else:
            quartiles = f"{c.lower_quartile:.1f} / {c.median:.1f} / {c.upper_quartile:.1f}"
            rank = f"{c.percentile_rank:.0f}"
            rows.append((kpi, f"{c.value:.1f}", rank, quartiles, f"{c.peers:,}"))
    more = len(benchmark.comparisons) - len(rows)
    header = ["KPI", "value", "percentile rank", "peers' Q1 / median / Q3", "peers"]
    title = f"Benchmark of {label(benchmark.organisation)} ({len(benchmark.peers):,} peers)"
    return box(title, table(header, rows, more))


# -- released tables -----------------------------------------------------------------------------


def released_repr(released: ReleasedTable) -> str:
    """One line: title, shape, hidden values, policy (not why each value is hidden)."""
    return (
        f"<ReleasedTable {label(released.title)!r}: {len(released.rows):,} rows × "
        f"{len(released.columns):,} columns, {released.suppressed:,} values hidden, "
        f"policy {released.policy.name}>"
    )


def released_html(released: ReleasedTable) -> str:
    """The published table (hidden values as ``n.p.``), cut to a bounded size."""
    columns = released.columns[:MAX_COLUMNS]
    header = [label(released.row_dimension), *(label(c) for c in columns)]
    if len(released.columns) > MAX_COLUMNS:
        header.append(f"… {len(released.columns) - MAX_COLUMNS} more")
    rows = [
        [label(row), *(str(v) for v in released.cells[i][: len(columns)])]
        + ([""] if len(released.columns) > MAX_COLUMNS else [])
        for i, row in enumerate(released.rows[:MAX_ROWS])
    ]
    grid = table(header, rows, len(released.rows) - len(rows))
    note = f"<div>policy: {html.escape(released.policy.name)}; counts are distinct clients</div>"
    return box(label(released.title), grid, note)
