"""The named choices behind the KPIs: priority groups, client identity, selection.

The priority groups themselves are a property of a client and live in
:mod:`dexcore.model.priority`; they are named here too, as before.

A client's identity decides what "distinct clients" means when partial
results of several organisations are merged. DEX ids are supplied by each
organisation and are unique only within it (Data Exchange Protocols v13,
DSS, March 2026, §6.2.1, as quoted second-hand;
https://dex.dss.gov.au/sites/default/files/documents/2026-02/3016-dex-protocols-update-march.pdf),
so by default a client is an organisation and its client id. Where a
national count of people is wanted, :attr:`ClientIdentity.SLK` counts a
person once by their SLK-581, the key DSS uses to link a person's records
across services (see :doc:`/explanation/slk`).
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from dexcore.model import Dataset
from dexcore.model.priority import DEFAULT_PRIORITY_GROUPS, PriorityGroup
from dexcore.score import DEFAULT_PAIRING, OutcomePolicy, PairingPolicy

__all__ = [
    "DEFAULT_PRIORITY_GROUPS",
    "ClientIdentity",
    "KpiPolicies",
    "PriorityGroup",
    "Selection",
]


class ClientIdentity(enum.StrEnum):
    """What makes two client records one client when partial results are merged."""

    #: The organisation and its client id (default): each organisation's clients count apart.
    ORGANISATION = "organisation"
    #: The SLK-581, across organisations, as DSS counts distinct clients nationally; a client
    #: with no SLK falls back to its organisation and client id.
    SLK = "slk"


@attrs.frozen(kw_only=True)
class KpiPolicies:
    """The named choices behind the KPIs, reported with every result.

    Attributes:
        pairing: How SCORE ratings are paired.
        outcome: How a client's domain changes make one outcome.
        priority_groups: The priority target groups.
        clients: What makes two client records one client.
    """

    pairing: PairingPolicy = DEFAULT_PAIRING
    outcome: OutcomePolicy = OutcomePolicy.ANY_IMPROVED
    priority_groups: tuple[PriorityGroup, ...] = DEFAULT_PRIORITY_GROUPS
    clients: ClientIdentity = ClientIdentity.ORGANISATION

    def describe(self) -> dict[str, Any]:
        """The policies as plain data, for reports and partial results."""
        return {
            "pairing": str(self.pairing),
            "outcome": self.outcome.value,
            "priority_groups": [group.name for group in self.priority_groups],
            "clients": self.clients.value,
        }


@attrs.frozen(kw_only=True)
class Selection:
    """Which cases the KPIs are for: the whole organisation, one outlet, or one activity.

    Attributes:
        outlet_id: Only cases delivered from this outlet.
        organisation_activity_id: Only cases of this program activity.
    """

    outlet_id: int | None = None
    organisation_activity_id: int | None = None

    def cases(self, dataset: Dataset) -> frozenset[str]:
        """The ids of the selected cases of ``dataset``."""
        if self.outlet_id is None and self.organisation_activity_id is None:
            return frozenset(case.case_id for case in dataset.cases)
        wanted = {
            activity.outlet_activity_id
            for outlet in dataset.outlets
            for activity in outlet.activities
            if (self.outlet_id is None or outlet.outlet_id == self.outlet_id)
            and (
                self.organisation_activity_id is None
                or activity.organisation_activity_id == self.organisation_activity_id
            )
        }
        return frozenset(
            case.case_id for case in dataset.cases if case.outlet_activity_id in wanted
        )

    def describe(self) -> dict[str, Any]:
        """The selection as plain data, for reports."""
        return {
            "outlet_id": self.outlet_id,
            "organisation_activity_id": self.organisation_activity_id,
        }
