"""The named choices behind the KPIs: priority groups, client identity, selection.

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
from collections.abc import Callable
from typing import Any

import attrs

from dexcore.model import AtsiOrigin, Client, Dataset
from dexcore.score import DEFAULT_PAIRING, OutcomePolicy, PairingPolicy

__all__ = [
    "DEFAULT_PRIORITY_GROUPS",
    "ClientIdentity",
    "KpiPolicies",
    "PriorityGroup",
    "Selection",
]

#: SACC codes of the main English-speaking countries (ABS): Australia, New Zealand, the United
#: Kingdom and its parts, Ireland, Canada, the United States and South Africa.
MAIN_ENGLISH_SPEAKING = frozenset(
    {"1101", "1201", "2100", "2101", "2102", "2103", "2104", "2105", "2106", "2107", "2108",
     "2201", "8102", "8104", "9225"}
)  # fmt: skip
COUNTRY_NOT_STATED = frozenset({"0003"})
ENGLISH = "1201"
LANGUAGE_NOT_STATED = frozenset({"0002"})


@attrs.frozen(kw_only=True)
class PriorityGroup:
    """A priority target group and how a client is classed in it.

    Attributes:
        name: A short name for reports and JSON, such as ``atsi``.
        description: What the group is.
        classify: ``True`` in the group, ``False`` not, ``None`` not stated.
    """

    name: str
    description: str
    classify: Callable[[Client], bool | None] = attrs.field(eq=False)


def _atsi(client: Client) -> bool | None:
    if client.atsi_origin is AtsiOrigin.NOTSTATED:
        return None
    return client.atsi_origin is not AtsiOrigin.NO


def _cald(client: Client) -> bool | None:
    country = client.country_of_birth
    language = client.language_spoken_at_home
    born_abroad = None if country in COUNTRY_NOT_STATED else country not in MAIN_ENGLISH_SPEAKING
    other_language = None if language in LANGUAGE_NOT_STATED else language != ENGLISH
    if born_abroad or other_language:
        return True
    if born_abroad is False and other_language is False:
        return False
    return None


def _disability(client: Client) -> bool | None:
    if not client.has_disabilities:
        return False
    return None if set(client.disabilities) <= {"NOTSTATED"} else True


#: Aboriginal and/or Torres Strait Islander people, culturally and linguistically diverse
#: people, and people with disability.
DEFAULT_PRIORITY_GROUPS = (
    PriorityGroup(
        name="atsi",
        description="Aboriginal and/or Torres Strait Islander",
        classify=_atsi,
    ),
    PriorityGroup(
        name="cald",
        description=(
            "culturally and linguistically diverse: born in a country other than the main "
            "English-speaking ones, or speaking a language other than English at home"
        ),
        classify=_cald,
    ),
    PriorityGroup(name="disability", description="people with disability", classify=_disability),
)


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
