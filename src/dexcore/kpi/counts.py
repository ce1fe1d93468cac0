"""Finished counters of the KPIs, which add up across shards, and the report built from them.

:meth:`KpiPartial.finish_counts <dexcore.kpi.KpiPartial.finish_counts>`
turns a partial (or one shard of it) into :class:`KpiCounts`: a few dozen
whole numbers, whatever the number of clients. Counts of the shards of one
merged partial hold disjoint clients and cases, so they add up;
:func:`kpi_report_from_counts` adds them and builds the
:class:`~dexcore.kpi.KpiReport`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from dexcore.errors import DexStructureError, DexValueError
from dexcore.kpi import _plain
from dexcore.kpi.policies import KpiPolicies, Selection
from dexcore.kpi.report import KpiReport, Ratio
from dexcore.periods import ReportingPeriod

__all__ = ["KpiCounts", "Tally", "kpi_report_from_counts"]


@attrs.frozen(kw_only=True)
class Tally:
    """How many clients assisted are in a priority group, not in it, or not stated.

    Attributes:
        in_group: Clients in the group.
        not_in_group: Clients stated not to be in it.
        not_stated: Clients whose answer was not stated.
    """

    in_group: int = 0
    not_in_group: int = 0
    not_stated: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            in_group=self.in_group + other.in_group,
            not_in_group=self.not_in_group + other.not_in_group,
            not_stated=self.not_stated + other.not_stated,
        )

    def ratio(self) -> Ratio:
        """The share in the group, "not stated" left out of the denominator."""
        return Ratio(
            numerator=self.in_group,
            denominator=self.in_group + self.not_in_group,
            not_stated=self.not_stated,
        )


@attrs.frozen(kw_only=True)
class KpiCounts:
    """The KPIs of a partial, or of one shard of it, as counters that add up.

    Attributes:
        period: The reporting period.
        selection: Which cases.
        policies: The policies, as plain data.
        sessions: Counted sessions.
        by_service_type: Counted sessions per service type.
        attendances: Attached plus unidentified clients over counted sessions.
        unidentified: Unidentified clients, without double counting.
        clients_assisted: Distinct clients assisted.
        priority_groups: Per group, the tally of clients assisted.
        any_priority_group: The tally for "in at least one group".
        goals: Clients with a positive Goals outcome, and clients measured.
        circumstances: The same for Circumstances.
    """

    period: ReportingPeriod
    selection: Selection
    policies: Mapping[str, Any]
    sessions: int = 0
    by_service_type: Mapping[int, int] = attrs.field(factory=dict)
    attendances: int = 0
    unidentified: int = 0
    clients_assisted: int = 0
    priority_groups: Mapping[str, Tally] = attrs.field(factory=dict)
    any_priority_group: Tally = Tally()
    goals: tuple[int, int] = (0, 0)
    circumstances: tuple[int, int] = (0, 0)

    def merge(self, other: KpiCounts) -> KpiCounts:
        """The counts of two shards (disjoint clients and cases) together.

        Raises:
            DexValueError: ``kpi.merge-mismatch`` when the counts are for
                another period, selection or set of policies.
        """
        if not isinstance(other, KpiCounts) or (self.period, self.selection, self.policies) != (
            other.period,
            other.selection,
            other.policies,
        ):
            raise DexValueError(
                "kpi: cannot merge results for another period, selection or policies "
                "[kpi.merge-mismatch]"
            )
        by_type = dict(self.by_service_type)
        for service_type, count in other.by_service_type.items():
            by_type[service_type] = by_type.get(service_type, 0) + count
        return attrs.evolve(
            self,
            sessions=self.sessions + other.sessions,
            by_service_type=dict(sorted(by_type.items())),
            attendances=self.attendances + other.attendances,
            unidentified=self.unidentified + other.unidentified,
            clients_assisted=self.clients_assisted + other.clients_assisted,
            priority_groups={
                name: tally + other.priority_groups[name]
                for name, tally in self.priority_groups.items()
            },
            any_priority_group=self.any_priority_group + other.any_priority_group,
            goals=_add(self.goals, other.goals),
            circumstances=_add(self.circumstances, other.circumstances),
        )

    def to_dict(self) -> dict[str, Any]:
        """The versioned plain-data form (JSON-ready); it holds no client id."""
        data = _plain.frame(attrs.asdict(self, recurse=False), _plain.COUNTS_FORMAT)
        data.update(
            unidentified=self.unidentified,
            clients_assisted=self.clients_assisted,
            priority_groups={name: _tally_list(t) for name, t in self.priority_groups.items()},
            any_priority_group=_tally_list(self.any_priority_group),
            goals=list(self.goals),
            circumstances=list(self.circumstances),
        )
        return data

    @classmethod
    def from_dict(cls, data: object) -> KpiCounts:
        """Read the plain-data form written by :meth:`to_dict`.

        Raises:
            DexValueError: ``kpi.partial-version`` for a version this dexcore
                does not read.
            DexStructureError: for anything else malformed, with its path.
        """
        try:
            return cls(**_read_counts(data))
        except _plain.MalformedError as bad:
            raise DexStructureError("KpiCounts", ((bad.path, bad.reason),)) from None


def _add(one: tuple[int, int], other: tuple[int, int]) -> tuple[int, int]:
    return (one[0] + other[0], one[1] + other[1])


def _tally_list(tally: Tally) -> list[int]:
    return [tally.in_group, tally.not_in_group, tally.not_stated]


_COUNT_KEYS = (
    "period", "selection", "policies", "sessions", "by_service_type", "attendances",
    "unidentified", "clients_assisted", "priority_groups", "any_priority_group", "goals",
    "circumstances",
)  # fmt: skip


def _read_tally(value: object, path: str) -> Tally:
    found = _plain.seq(value, path, 3)
    parts = [_plain.whole(v, f"{path}[{n}]") for n, v in enumerate(found)]
    return Tally(in_group=parts[0], not_in_group=parts[1], not_stated=parts[2])


def _read_pair(value: object, path: str) -> tuple[int, int]:
    positive, measured = _plain.seq(value, path, 2)
    top = _plain.whole(measured, f"{path}[1]")
    return (_plain.whole(positive, f"{path}[0]", 0, top), top)


def _read_counts(data: object) -> dict[str, Any]:
    found = _plain.check_header(data, _plain.COUNTS_FORMAT, _COUNT_KEYS)
    fields = _plain.read_frame(found)
    names = fields["policies"]["priority_groups"]
    groups = _plain.obj(found["priority_groups"], "$.priority_groups", tuple(names))
    fields.update(
        unidentified=_plain.whole(found["unidentified"], "$.unidentified"),
        clients_assisted=_plain.whole(found["clients_assisted"], "$.clients_assisted"),
        priority_groups={n: _read_tally(groups[n], f"$.priority_groups.{n}") for n in names},
        any_priority_group=_read_tally(found["any_priority_group"], "$.any_priority_group"),
        goals=_read_pair(found["goals"], "$.goals"),
        circumstances=_read_pair(found["circumstances"], "$.circumstances"),
    )
    return fields


def kpi_report_from_counts(
    counts: Iterable[KpiCounts], *, policies: KpiPolicies | None = None
) -> KpiReport:
    """The KPI report from the counts of every shard of one merged partial.

    Args:
        counts: One :class:`KpiCounts` per shard (at least one).
        policies: The policies the partials were computed under; by default
            dexcore's. They are checked against the counts.

    Raises:
        DexValueError: ``kpi.no-counts`` when ``counts`` is empty;
            ``kpi.merge-mismatch`` when counts disagree on period, selection
            or policies, or ``policies`` are not the ones they were computed under.
    """
    total: KpiCounts | None = None
    for part in counts:
        total = part if total is None else total.merge(part)
    if total is None:
        raise DexValueError("kpi: a report needs the counts of at least one shard [kpi.no-counts]")
    chosen = policies or KpiPolicies()
    if chosen.describe() != total.policies:
        raise DexValueError(
            "kpi: the results were computed under other policies; pass the same policies "
            "[kpi.merge-mismatch]"
        )
    return _report(total, chosen)


def _report(total: KpiCounts, policies: KpiPolicies) -> KpiReport:
    assisted, unidentified = total.clients_assisted, total.unidentified
    return KpiReport(
        period=total.period,
        selection=total.selection,
        policies=policies,
        clients_assisted=assisted,
        unidentified_clients=unidentified,
        sessions_delivered=total.sessions,
        sessions_by_service_type=dict(total.by_service_type),
        attendances=total.attendances,
        priority_groups={name: t.ratio() for name, t in total.priority_groups.items()},
        any_priority_group=total.any_priority_group.ratio(),
        goals_achieved=Ratio(numerator=total.goals[0], denominator=total.goals[1]),
        circumstances_improved=Ratio(
            numerator=total.circumstances[0], denominator=total.circumstances[1]
        ),
        unidentified_share=Ratio(numerator=unidentified, denominator=unidentified + assisted),
    )
