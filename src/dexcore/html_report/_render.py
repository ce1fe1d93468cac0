"""The report page: one self-contained HTML document, every dynamic string escaped.

Nothing on the page is fetched: the style is inline, the chart is inline
SVG, and a Content-Security-Policy forbids any other source, so the page
reads the same offline and a browser refuses anything that tries to load.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from dexcore import __version__
from dexcore.html_report._chart import peers_chart, score_chart
from dexcore.html_report._figures import CheckFigures, PeerFigures, RatioFigure, ReportData, Shown
from dexcore.rules import Severity

__all__ = ["render_report"]

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;
color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%}th,td{padding:.3rem .5rem;text-align:left;
border-bottom:1px solid #e5e5e5}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.sub td:first-child{padding-left:1.5rem}
.banner{padding:.6rem .8rem;border-radius:.3rem;font-weight:600}
.draft{background:#fdecea;border:1px solid #b3261e}
.protected{background:#e8f1fa;border:1px solid #0072b2}
.bar{background:#eee;height:1rem;border-radius:.2rem}
.bar span{display:block;height:100%;background:#0072b2;border-radius:.2rem}
svg{max-width:100%;height:auto}figure{margin:0}figcaption,footer,.note{color:#555;
font-size:.9rem}
"""
_PROTECTED = (
    "Protected for publication: every count on this page went through small-cell"
    " protection. Counts from 1 to 4, and any value that would let a reader work one out,"
    " are shown as n.p. (not published)."
)
_DRAFT = (
    "Not for publication: this page shows exact counts, small ones included."
    " Make the page to publish with --publish."
)
_PEER_LABELS = {
    "clients_assisted": "clients assisted",
    "sessions_delivered": "sessions delivered",
    "priority_groups": "clients from priority groups (%)",
    "goals_achieved": "clients achieving goals (%)",
    "circumstances_improved": "clients with improved circumstances (%)",
}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _counted(count: Shown, noun: str) -> str:
    return f"{_e(count)} {noun}" + ("" if count == 1 else "s")


def _percent(value: float | None) -> str:
    return "n.p." if value is None else f"{value:.1f}%"


def _cells(values: Iterable[object], numeric: bool = True) -> str:
    kind = ' class="n"' if numeric else ""
    return "".join(f"<td{kind}>{_e(value)}</td>" for value in values)


def _ratio_row(number: str, figure: RatioFigure, *, sub: bool = False) -> str:
    extra = "" if figure.not_stated is None else f"{_e(figure.not_stated)} not stated"
    value = _percent(figure.percent)
    if figure.denominator == 0:
        value = "none to measure"
    head = '<tr class="sub">' if sub else "<tr>"
    return (
        f"{head}<td>{_e(number)}</td><td>{_e(figure.label)}</td>"
        f"{_cells([value, figure.numerator, figure.denominator])}<td>{extra}</td></tr>"
    )


def _kpis(data: ReportData) -> str:
    rows = [
        (
            f"<tr><td>1</td><td>clients assisted</td>{_cells([data.clients_assisted, '', ''])}"
            f"<td>and {_e(data.unidentified_clients)} unidentified clients</td></tr>"
        ),
        (
            f"<tr><td>2</td><td>sessions delivered</td>{_cells([data.sessions_delivered, '', ''])}"
            f"<td>{_e(data.attendances)} attendances</td></tr>"
        ),
    ]
    for figure in data.ratios:
        if figure.key == "priority_groups":
            rows.append(_ratio_row("3", figure))
        elif figure.key.startswith("priority_groups."):
            rows.append(_ratio_row("", figure, sub=True))
        elif figure.key in ("goals_achieved", "circumstances_improved"):
            number = "4" if figure.key == "goals_achieved" else "5"
            rows.append(_ratio_row(number, figure))
    return (
        '<section id="kpis"><h2>The five standard KPIs</h2><table><thead><tr><th>KPI</th>'
        "<th>measure</th><th>value</th><th>numerator</th><th>denominator</th><th></th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
        f'<p class="note">Policies: {_e(data.policies)}.</p></section>'
    )


def _score(data: ReportData) -> str:
    if not data.score:
        body = "<p>No client had a pair of SCORE ratings ending in this period.</p>"
    else:
        rows = "".join(
            f"<tr><td>{_e(d.score_type)}</td><td>{_e(d.domain)}</td>"
            f"{_cells([d.improved, d.no_change, d.declined, d.paired])}</tr>"
            for d in data.score
        )
        body = (
            f"<figure>{score_chart(data.score)}<figcaption>Clients whose rating in each"
            " domain improved, stayed the same or declined, between their first and last"
            " rating, for pairs whose last rating falls in the period.</figcaption></figure>"
            "<details><summary>The figures</summary><table><thead><tr><th>score type</th>"
            "<th>domain</th><th>improved</th><th>no change</th><th>declined</th>"
            f"<th>clients paired</th></tr></thead><tbody>{rows}</tbody></table></details>"
        )
    return f'<section id="score"><h2>SCORE change per domain</h2>{body}</section>'


def _unidentified(data: ReportData) -> str:
    share = data.ratio("unidentified_share")
    percent = share.percent
    bar = (
        ""
        if percent is None
        else f'<div class="bar" role="img" aria-label="{_e(_percent(percent))}">'
        f'<span style="width:{percent:.1f}%"></span></div>'
    )
    return (
        '<section id="unidentified"><h2>Unidentified clients</h2>'
        f"<p><strong>{_e(_percent(percent))}</strong> of all clients were unidentified"
        f" ({_e(share.numerator)} of {_e(share.denominator)}).</p>{bar}</section>"
    )


def _peer_row(key: str, peers: PeerFigures) -> str:
    found = peers.comparisons.get(key)
    label = _PEER_LABELS.get(key, key)
    if found is None:
        return (
            f'<tr><td>{_e(label)}</td><td colspan="6">not compared: fewer than'
            f" {_e(peers.min_peers)} peers with a value, or a figure this page does not show"
            "</td></tr>"
        )
    places = 1 if label.endswith("(%)") else 0
    figures = (found.value, found.lower_quartile, found.median, found.upper_quartile)
    value, lower, median, upper = (f"{figure:.{places}f}" for figure in figures)
    values = [value, f"{found.percentile_rank:.0f}", lower, median, upper, found.peers]
    return f"<tr><td>{_e(label)}</td>{_cells(values)}</tr>"


def _peers(peers: PeerFigures | None) -> str:
    if peers is None:
        return ""
    rows = "".join(_peer_row(key, peers) for key in peers.comparisons)
    ranks = [
        (_PEER_LABELS.get(key, key), None if found is None else found.percentile_rank)
        for key, found in peers.comparisons.items()
    ]
    chart = (
        f"<figure>{peers_chart(ranks)}<figcaption>The provider's percentile rank on each KPI"
        " among comparable providers: 50 is the peers' median.</figcaption></figure>"
        if any(rank is not None for _, rank in ranks)
        else ""
    )
    return (
        '<section id="peers"><h2>Among comparable providers</h2>'
        f"<p>{_e(peers.peers)} comparable providers (same program activity and state, a"
        " service type in common). The percentile rank is the share of peers below the"
        f" provider, plus half of those equal.</p>{chart}<table><thead><tr><th>KPI</th>"
        "<th>provider</th><th>percentile rank</th><th>lower quartile</th><th>median</th>"
        f"<th>upper quartile</th><th>peers</th></tr></thead><tbody>{rows}</tbody></table>"
        "</section>"
    )


def _checks(checks: CheckFigures | None) -> str:
    if checks is None:
        return ""
    severities = ", ".join(
        _counted(checks.by_severity[s], name)
        for s, name in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"),
                        (Severity.INFO, "note"))
    )  # fmt: skip
    rows = "".join(
        f"<tr><td><code>{_e(item.code or 'other codes')}</code></td>"
        f"<td>{_e(item.severity or '')}</td>{_cells([item.count])}</tr>"
        for item in checks.codes
    )
    table = (
        "<table><thead><tr><th>rule code</th><th>severity</th><th>issues</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        if rows
        else "<p>No issue.</p>"
    )
    return (
        '<section id="checks"><h2>Check summary</h2>'
        f"<p>{_counted(checks.total, 'issue')}: {severities} (rules: {_e(checks.ruleset)};"
        f" checked as of {_e(checks.checked_on)}).</p>{table}</section>"
    )


def _head(data: ReportData) -> str:
    who = data.organisation or "DEX data"
    return (
        '<!DOCTYPE html>\n<html lang="en-AU"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_POLICY)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>KPI report {_e(data.period.label)}: {_e(who)}</title>"
        f"<style>{_STYLE}</style></head>"
    )


def _body_head(data: ReportData) -> str:
    period = data.period
    banner = (
        f'<p class="banner protected" id="publication">{_e(_PROTECTED)}</p>'
        if data.publish
        else f'<p class="banner draft" id="publication">{_e(_DRAFT)}</p>'
    )
    return (
        f"<header><h1>KPI report: {_e(data.organisation or 'DEX data')}</h1>"
        f"<p>Reporting period {_e(period.label)} ({_e(period.start.isoformat())} to"
        f" {_e(period.end.isoformat())})</p>{banner}</header>"
    )


def render_report(data: ReportData) -> str:
    """The page for ``data``: one HTML document that loads nothing from elsewhere.

    The same figures give the same text, byte for byte.

    Raises:
        ImportError: matplotlib is not installed and the page has a chart
            (the message names the ``report`` extra).
    """
    parts = [
        _head(data),
        "<body>",
        _body_head(data),
        "<main>",
        _kpis(data),
        _score(data),
        _unidentified(data),
        _peers(data.peers),
        _checks(data.checks),
        "</main>",
        f"<footer><p>Made by dexcore {_e(__version__)}.</p></footer></body></html>\n",
    ]
    return "".join(parts)
