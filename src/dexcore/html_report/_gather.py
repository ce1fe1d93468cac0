"""Gathering a report page's figures: a pure function from data to :class:`ReportData`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

import attrs

from dexcore.html_report._figures import (
    CheckFigures,
    DomainFigure,
    IssueCount,
    PeerFigures,
    RatioFigure,
    ReportData,
    Shown,
)
from dexcore.html_report._peers import compare
from dexcore.html_report._protection import count_row, counted
from dexcore.kpi import KpiPolicies, KpiReport, PeerResult, Ratio, standard_kpis
from dexcore.model import Dataset, ScoreType
from dexcore.periods import ReportingPeriod
from dexcore.privacy import Suppressed
from dexcore.privacy.sdc import SuppressionKind
from dexcore.rules import Report, Severity
from dexcore.score import ChangeCategory, DomainChange, client_ratings, pair

__all__ = ["gather_report"]

#: The score types whose change per domain the page shows (KPIs 4 and 5).
_MEASURED = (ScoreType.CIRCUMSTANCES, ScoreType.GOALS)
_CHANGES = (ChangeCategory.IMPROVED, ChangeCategory.NO_CHANGE, ChangeCategory.DECLINED)
_OUTCOMES = {
    "any-improved": "improved in at least one domain",
    "improved-none-declined": "improved in at least one domain and declined in none",
    "mean-above-zero": "the mean change over the paired domains is above zero",
}

#: A figure hidden because the same figure is hidden in another table of the page.
_LINKED = Suppressed(kind=SuppressionKind.SECONDARY)


def _ratio(
    key: str, label: str, ratio: Ratio, *, stated: bool, publish: bool, hide_total: bool = False
) -> RatioFigure:
    """A percentage KPI through one table: meets, does not meet (and not stated).

    ``hide_total`` hides the table's total (and, if need be, one more part)
    because the total is a figure hidden elsewhere on the page.
    """
    parts = [ratio.numerator, ratio.denominator - ratio.numerator]
    columns = ["meets", "does not meet"]
    if stated:
        parts.append(ratio.not_stated)
        columns.append("not stated")
    cells, total = count_row(label, columns, parts, publish=publish)
    if hide_total:
        cells, total = _hide_in_row(parts, cells, total, len(parts))
    denominator = total if not stated else _denominator(cells, total)
    not_stated = cells[2] if stated else None
    return RatioFigure(
        key=key, label=label, numerator=cells[0], denominator=denominator, not_stated=not_stated
    )


def _hide_in_row(
    parts: Sequence[int], cells: tuple[Shown, ...], total: Shown, index: int
) -> tuple[tuple[Shown, ...], Shown]:
    """``cells`` and ``total`` with value ``index`` hidden (``len(parts)`` is the total).

    The row's one equation (the parts add up to the total) must then have at
    least two hidden terms, so when it has one the smallest shown nonzero part
    is hidden too (a zero is published by design), or the total when every
    other part is zero.
    """
    values = [*cells, total]
    exact = [*parts, sum(parts)]
    if isinstance(values[index], int):
        values[index] = _LINKED
    if sum(not isinstance(v, int) for v in values) == 1:
        shown = [i for i, v in enumerate(values[:-1]) if isinstance(v, int) and exact[i] > 0]
        if shown:
            values[min(shown, key=lambda i: (exact[i], i))] = _LINKED
        elif isinstance(values[-1], int):
            # Every other part is zero: the total would give the hidden part back.
            values[-1] = _LINKED
    return tuple(values[:-1]), values[-1]


def _denominator(cells: tuple[Shown, ...], total: Shown) -> Shown:
    """Meets plus does not meet, from the parts, or from the total less those not stated."""
    if isinstance(cells[0], int) and isinstance(cells[1], int):
        return cells[0] + cells[1]
    if isinstance(total, int) and isinstance(cells[2], int):
        return total - cells[2]
    return next(value for value in (*cells, total) if not isinstance(value, int))


def _ratios(report: KpiReport, *, publish: bool, hide_identified: bool) -> list[RatioFigure]:
    """The KPI tables; ``hide_identified`` hides the priority-group totals (identified clients)."""
    figures = [
        _ratio("priority_groups", "clients from priority groups (any)",
               report.any_priority_group, stated=True, publish=publish,
               hide_total=hide_identified),
    ]  # fmt: skip
    figures += [
        _ratio(f"priority_groups.{name}", f"clients from priority group {name}", ratio,
               stated=True, publish=publish, hide_total=hide_identified)
        for name, ratio in report.priority_groups.items()
    ]  # fmt: skip
    figures += [
        _ratio("goals_achieved", "clients achieving goals", report.goals_achieved,
               stated=False, publish=publish),
        _ratio("circumstances_improved", "clients with improved circumstances",
               report.circumstances_improved, stated=False, publish=publish),
    ]  # fmt: skip
    return figures


def _identified_hidden(report: KpiReport, identified: Shown) -> bool:
    """Whether the identified clients are hidden in one of the tables whose total they are.

    The clients table and every priority-group table (whose total is the
    identified clients) share that figure: hidden in one, it is hidden in all,
    or the others give it away (all clients less identified = unidentified).
    """
    tables = (report.any_priority_group, *report.priority_groups.values())
    # Each table as it is published: its own protection may hide its total as a secondary
    # cell, and then the identified clients shown elsewhere would give it back.
    totals = (
        count_row(
            "total",
            ["meets", "does not meet", "not stated"],
            [ratio.numerator, ratio.denominator - ratio.numerator, ratio.not_stated],
            publish=True,
        )[1]
        for ratio in tables
    )
    return not isinstance(identified, int) or any(not isinstance(t, int) for t in totals)


def _changes(
    dataset: Dataset, period: ReportingPeriod, policies: KpiPolicies
) -> Iterator[DomainChange]:
    """The domain changes KPIs 4 and 5 measure: pairs whose later rating is in the period."""
    ratings = (
        rating
        for rating in client_ratings(dataset, policies.pairing)
        if rating is not None
        and rating.score_type in _MEASURED
        and rating.session_date <= period.end
    )
    for change in pair(ratings, policies.pairing).changes():
        if change.last.session_date >= period.start:
            yield change


def _score(
    dataset: Dataset, period: ReportingPeriod, policies: KpiPolicies, *, publish: bool
) -> tuple[DomainFigure, ...]:
    changes = list(_changes(dataset, period, policies))
    domains = sorted({(c.score_type.value, c.domain) for c in changes})
    rows = [f"{score_type} {domain}" for score_type, domain in domains]
    out = counted(
        ((c.subject, f"{c.score_type.value} {c.domain}", c.category.value) for c in changes),
        title="Clients by SCORE domain and change",
        rows=rows,
        columns=[category.value for category in _CHANGES],
        publish=publish,
    )
    return tuple(
        DomainFigure(
            score_type=score_type.title(),
            domain=domain,
            improved=out.cells[i][0],
            no_change=out.cells[i][1],
            declined=out.cells[i][2],
            paired=out.row_totals[i],
        )
        for i, (score_type, domain) in enumerate(domains)
    )


def _checks(checked: Report, *, top: int, publish: bool) -> CheckFigures:
    by_code = Counter(issue.code for issue in checked.issues)
    severity = {issue.code: issue.severity for issue in checked.issues}
    ordered = sorted(by_code, key=lambda code: (-by_code[code], code))
    shown, rest = ordered[:top], set(ordered[top:])
    if publish:  # an order by exact count would pin a hidden count between its neighbours
        shown.sort()
    rows = [*shown, *(["other codes"] if rest else [])]
    out = counted(
        (
            (n, "other codes" if issue.code in rest else issue.code, issue.severity.value)
            for n, issue in enumerate(checked.issues)
        ),
        title="Issues by rule code and severity",
        rows=rows,
        columns=[s.value for s in Severity],
        publish=publish,
    )
    codes = [
        IssueCount(code=code, severity=severity[code], count=out.row_totals[i])
        for i, code in enumerate(shown)
    ]
    if rest:
        codes.append(IssueCount(code=None, severity=None, count=out.row_totals[-1]))
    return CheckFigures(
        ruleset=checked.ruleset,
        checked_on=checked.today.isoformat(),
        total=out.total,
        by_severity={s: out.column_totals[j] for j, s in enumerate(Severity)},
        codes=tuple(codes),
    )


def _peers(
    data: ReportData, report: KpiReport, peers: Sequence[PeerResult], organisation: str | None
) -> PeerFigures:
    compared = compare(organisation, report.headline(), peers)
    shown = {
        "clients_assisted": isinstance(data.clients_assisted, int),
        "sessions_delivered": isinstance(data.sessions_delivered, int),
        **{
            key: data.ratio(key).percent is not None
            for key in ("priority_groups", "goals_achieved", "circumstances_improved")
        },
    }
    return PeerFigures(
        peers=len(compared.peers),
        min_peers=compared.min_peers,
        comparisons={
            key: value if shown.get(key, False) else None
            for key, value in compared.comparisons.items()
        },
    )


def _policies(policies: KpiPolicies) -> str:
    described = policies.describe()
    groups = ", ".join(str(g) for g in described["priority_groups"])
    outcome = str(described["outcome"])
    return (
        f"SCORE ratings paired {described['pairing']}; a client counts as achieving when"
        f" {_OUTCOMES.get(outcome, outcome)}; priority groups: {groups}"
    )


def gather_report(
    dataset: Dataset,
    period: ReportingPeriod,
    *,
    checked: Report | None = None,
    peers: Sequence[PeerResult] | None = None,
    organisation: str | None = None,
    publish: bool = False,
    policies: KpiPolicies | None = None,
    top_codes: int = 10,
) -> ReportData:
    """The figures of a KPI report page for ``period``: a pure function of its arguments.

    Args:
        dataset: The provider's records.
        period: The reporting period.
        checked: A check report of the same data, for the check summary.
        peers: Peer figures (see :func:`peers_from_json`), which must hold
            the provider's own entry, for the comparison with peers.
        organisation: The provider's organisation id in ``peers``; by default
            the dataset's.
        publish: Put every count through :func:`~dexcore.privacy.protect`
            (counts of 1 to 4 and what would give them away are hidden).
        policies: The KPI policies; by default dexcore's.
        top_codes: How many issue codes the check summary names.

    Raises:
        DexValueError: ``report.peers-no-target`` when ``peers`` has no
            entry for the provider.
    """
    policies = policies or KpiPolicies()
    report = standard_kpis(dataset, period, policies=policies)
    identified, unidentified = report.clients_assisted, report.unidentified_clients
    clients, everyone = count_row(
        "clients", ["identified", "unidentified"], [identified, unidentified], publish=publish
    )
    hide_identified = publish and _identified_hidden(report, clients[0])
    if hide_identified:
        clients, everyone = _hide_in_row([identified, unidentified], clients, everyone, 0)
    (sessions,), _ = count_row("sessions", ["sessions"], [report.sessions_delivered],
                               publish=publish)  # fmt: skip
    (attendances,), _ = count_row("attendances", ["attendances"], [report.attendances],
                                  publish=publish)  # fmt: skip
    share = RatioFigure(
        key="unidentified_share",
        label="unidentified clients among all clients",
        numerator=clients[1],
        denominator=everyone,
    )
    named = dataset.organisation
    data = ReportData(
        period=period,
        organisation=None if named is None else named.name,
        publish=publish,
        clients_assisted=clients[0],
        unidentified_clients=clients[1],
        all_clients=everyone,
        sessions_delivered=sessions,
        attendances=attendances,
        ratios=(*_ratios(report, publish=publish, hide_identified=hide_identified), share),
        score=_score(dataset, period, policies, publish=publish),
        checks=None if checked is None else _checks(checked, top=top_codes, publish=publish),
        policies=_policies(policies),
    )
    if peers is None:
        return data
    own = organisation if organisation is not None else (named and named.organisation_id)
    return attrs.evolve(data, peers=_peers(data, report, peers, own or None))
