"""The KPI report: five KPIs of one period, each with the parts a reader needs to check it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from dexcore.kpi.policies import KpiPolicies, Selection
from dexcore.periods import ReportingPeriod

__all__ = ["KpiReport", "Ratio"]


@attrs.frozen(kw_only=True)
class Ratio:
    """A percentage with its parts, so a reader can check it.

    Attributes:
        numerator: Clients who meet the measure.
        denominator: Clients it is measured over.
        not_stated: Clients left out of the denominator because the answer
            was not stated.
    """

    numerator: int
    denominator: int
    not_stated: int = 0

    @property
    def percent(self) -> float | None:
        """0 to 100, or ``None`` when the denominator is zero."""
        return None if self.denominator == 0 else 100 * self.numerator / self.denominator

    def to_dict(self) -> dict[str, Any]:
        """``value`` (percent), ``numerator``, ``denominator`` and ``not_stated``."""
        value = self.percent
        return {
            "value": None if value is None else round(value, 2),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "not_stated": self.not_stated,
        }


@attrs.frozen(kw_only=True)
class KpiReport:
    """The five KPIs of one period, each with the parts a reader needs to check it.

    Attributes:
        period: The reporting period.
        selection: Which cases the figures are for.
        policies: The choices behind them.
        clients_assisted: Distinct clients assisted.
        unidentified_clients: Unidentified clients, without double counting.
        sessions_delivered: Counted sessions.
        sessions_by_service_type: Counted sessions per service type.
        attendances: Attached plus unidentified clients over counted sessions.
        priority_groups: Each priority group's share of clients assisted.
        any_priority_group: The share in at least one group.
        goals_achieved: Clients achieving goals.
        circumstances_improved: Clients with improved circumstances.
        unidentified_share: Unidentified clients among all clients.
    """

    period: ReportingPeriod
    selection: Selection
    policies: KpiPolicies
    clients_assisted: int
    unidentified_clients: int
    sessions_delivered: int
    sessions_by_service_type: Mapping[int, int] = attrs.field(eq=False)
    attendances: int
    priority_groups: Mapping[str, Ratio] = attrs.field(eq=False)
    any_priority_group: Ratio
    goals_achieved: Ratio
    circumstances_improved: Ratio
    unidentified_share: Ratio

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: each KPI with its value and, for percentages, its parts."""
        return {
            "period": self.period.label,
            "selection": self.selection.describe(),
            "policies": self.policies.describe(),
            "clients_assisted": {
                "value": self.clients_assisted,
                "unidentified": self.unidentified_clients,
            },
            "sessions_delivered": {
                "value": self.sessions_delivered,
                "by_service_type": {
                    str(k): v for k, v in sorted(self.sessions_by_service_type.items())
                },
                "attendances": self.attendances,
            },
            "priority_groups": {
                "any": self.any_priority_group.to_dict(),
                **{name: ratio.to_dict() for name, ratio in self.priority_groups.items()},
            },
            "goals_achieved": self.goals_achieved.to_dict(),
            "circumstances_improved": self.circumstances_improved.to_dict(),
            "unidentified_share": self.unidentified_share.to_dict(),
        }

    def headline(self) -> dict[str, float | None]:
        """One number per KPI, for benchmarking."""
        return {
            "clients_assisted": float(self.clients_assisted),
            "sessions_delivered": float(self.sessions_delivered),
            "priority_groups": self.any_priority_group.percent,
            "goals_achieved": self.goals_achieved.percent,
            "circumstances_improved": self.circumstances_improved.percent,
        }

    def __repr__(self) -> str:
        from dexcore._notebook import kpi_repr  # noqa: PLC0415

        return kpi_repr(self)

    def _repr_html_(self) -> str:
        """A notebook summary: the KPIs with their parts."""
        from dexcore._notebook import kpi_html  # noqa: PLC0415

        return kpi_html(self)
