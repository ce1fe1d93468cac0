"""The figures of a KPI report page, as typed values: what the page shows and nothing more."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from dexcore.errors import DexKeyError
from dexcore.kpi import KpiComparison
from dexcore.periods import ReportingPeriod
from dexcore.privacy import Suppressed
from dexcore.rules import Severity

__all__ = [
    "CheckFigures",
    "DomainFigure",
    "IssueCount",
    "PeerFigures",
    "RatioFigure",
    "ReportData",
    "Shown",
]

#: A count as the page shows it: the count, or a hidden one (``n.p.``) on a page for publication.
Shown = int | Suppressed


def _whole(value: Shown | None) -> int | None:
    return value if isinstance(value, int) else None


@attrs.frozen(kw_only=True)
class RatioFigure:
    """A percentage KPI with its parts, as shown.

    Attributes:
        key: The KPI's key, as in :meth:`~dexcore.kpi.KpiReport.headline`
            (``goals_achieved``), or ``priority_groups.NAME`` for one group.
        label: What it measures, in words.
        numerator: Clients who meet the measure.
        denominator: Clients it is measured over.
        not_stated: Clients left out because the answer was not stated
            (``None`` for a KPI that has no such clients).
    """

    key: str
    label: str
    numerator: Shown
    denominator: Shown
    not_stated: Shown | None = None

    @property
    def percent(self) -> float | None:
        """0 to 100; ``None`` when a part is hidden or the denominator is zero."""
        numerator, denominator = _whole(self.numerator), _whole(self.denominator)
        if numerator is None or not denominator:
            return None
        return 100 * numerator / denominator


@attrs.frozen(kw_only=True)
class DomainFigure:
    """How the clients' ratings moved in one SCORE domain over the period.

    Attributes:
        score_type: ``Circumstances`` or ``Goals``.
        domain: The domain code.
        improved: Clients whose later rating is higher.
        no_change: Clients whose ratings are equal.
        declined: Clients whose later rating is lower.
        paired: Clients with a pair of ratings in the domain.
    """

    score_type: str
    domain: str
    improved: Shown
    no_change: Shown
    declined: Shown
    paired: Shown


@attrs.frozen(kw_only=True)
class PeerFigures:
    """Where the provider stands among comparable providers.

    Attributes:
        peers: How many comparable providers the peer figures hold.
        min_peers: The fewest peers with a value for a KPI to be compared.
        comparisons: Per KPI key, the comparison, or ``None`` (too few
            peers, no value, or a value the page does not show).
    """

    peers: int
    min_peers: int
    comparisons: Mapping[str, KpiComparison | None] = attrs.field(eq=False)


@attrs.frozen(kw_only=True)
class IssueCount:
    """One rule code of the check and how often it was found.

    Attributes:
        code: The rule's code, or ``None`` for the other codes together.
        severity: The rule's severity (``None`` for the other codes).
        count: How many issues.
    """

    code: str | None
    severity: Severity | None
    count: Shown


@attrs.frozen(kw_only=True)
class CheckFigures:
    """The check summary: issues per severity and the most frequent codes.

    Attributes:
        ruleset: The rule set that ran.
        checked_on: The day the check was made for.
        total: All issues.
        by_severity: Issues per severity.
        codes: The most frequent codes, most frequent first (in code order on
            a page for publication, where an order by count would narrow a
            hidden count); the last entry (code ``None``) holds the rest when
            there are more.
    """

    ruleset: str
    checked_on: str
    total: Shown
    by_severity: Mapping[Severity, Shown] = attrs.field(eq=False)
    codes: tuple[IssueCount, ...] = ()


@attrs.frozen(kw_only=True)
class ReportData:
    """Everything a KPI report page shows, counts protected when it is for publication.

    Attributes:
        period: The reporting period.
        organisation: The organisation's name, when the data names one.
        publish: Whether every count went through small-cell protection.
        clients_assisted: KPI 1, distinct identified clients assisted.
        unidentified_clients: Unidentified clients, without double counting.
        all_clients: Identified and unidentified clients.
        sessions_delivered: KPI 2, counted sessions.
        attendances: Attendances over the counted sessions.
        ratios: KPIs 3 (any group, then each group), 4 and 5, and the
            unidentified-client share.
        score: SCORE change per domain.
        peers: The comparison with peers, when peer figures were given.
        checks: The check summary, when a check report was given.
        policies: The KPI policies, in words.
    """

    period: ReportingPeriod
    organisation: str | None
    publish: bool
    clients_assisted: Shown
    unidentified_clients: Shown
    all_clients: Shown
    sessions_delivered: Shown
    attendances: Shown
    ratios: tuple[RatioFigure, ...]
    score: tuple[DomainFigure, ...]
    peers: PeerFigures | None = None
    checks: CheckFigures | None = None
    policies: str = ""

    def ratio(self, key: str) -> RatioFigure:
        """The percentage KPI with this key.

        Raises:
            DexKeyError: no such KPI.
        """
        for figure in self.ratios:
            if figure.key == key:
                return figure
        raise DexKeyError("KPI", key)
