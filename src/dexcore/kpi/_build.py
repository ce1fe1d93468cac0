"""One pass over a dataset, filling the fields of a :class:`~dexcore.kpi.KpiPartial`.

Also the shapes of what a partial holds, and the combinations a merge uses
that the pass uses too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dexcore.kpi.policies import ClientIdentity, KpiPolicies, Selection
from dexcore.model import AssessmentPhase, Client, Dataset, ParticipationType, ScoreType
from dexcore.periods import ReportingPeriod
from dexcore.score import PairingMethod, Rating, client_ratings

#: A client: ``("org", organisation, client id)``, or ``("slk", SLK)`` under the SLK identity.
ClientKey = tuple[str, ...]
#: A case: ``(organisation, case id)``.
CaseKey = tuple[str, str]
#: A pairing key within a client: ``(organisation, scope, score type, domain)``.
ScoreKey = tuple[str, str, str, str]
#: A rating's place in the total order: date, phase rank, case id, session id, minus the rating.
End = tuple[dt.date, int, str, str, int]
#: The earliest and latest usable rating of a pairing key, and how many ratings it had.
PairEnds = tuple[End | None, End | None, int]
#: Per priority group: 2 in the group, 1 not, 0 not stated (so merging takes the maximum).
Groups = tuple[int, ...]

_MEASURED = frozenset({ScoreType.GOALS.value, ScoreType.CIRCUMSTANCES.value})


def max_groups(one: Groups, other: Groups) -> Groups:
    """Per group, the larger answer: in beats not in beats not stated."""
    return tuple(max(a, b) for a, b in zip(one, other, strict=True))


def least(one: End | None, other: End | None) -> End | None:
    """The earlier of two ends (either may be missing)."""
    return other if one is None else (one if other is None else min(one, other))


def most(one: End | None, other: End | None) -> End | None:
    """The later of two ends (either may be missing)."""
    return other if one is None else (one if other is None else max(one, other))


class Builder:
    """One pass over a dataset, filling the fields of a partial."""

    def __init__(
        self,
        dataset: Dataset,
        period: ReportingPeriod,
        selection: Selection | None,
        policies: KpiPolicies | None,
        organisation: str | None,
    ) -> None:
        self.dataset, self.period = dataset, period
        self.selection = selection or Selection()
        self.policies = policies or KpiPolicies()
        named = dataset.organisation.organisation_id if dataset.organisation else None
        self.org = organisation if organisation is not None else (named or "")
        self.chosen = self.selection.cases(dataset)
        self.keys: dict[str, ClientKey] = {}
        self.classes: dict[str, Groups] = {}

    def fields(self) -> dict[str, Any]:
        """The fields of the partial, as keyword arguments."""
        return {
            "period": self.period,
            "selection": self.selection,
            "policies": self.policies.describe(),
            "scores": self._scores(),
            **self._sessions(),
        }

    def key(self, client_id: str) -> ClientKey:
        key = self.keys.get(client_id)
        if key is None:
            client = self.dataset.client_by_id.get(client_id)
            slk = client.slk if client is not None else None
            if self.policies.clients is ClientIdentity.SLK and slk:
                key = ("slk", slk)
            else:
                key = ("org", self.org, client_id)
            self.keys[client_id] = key
        return key

    def groups(self, client_id: str) -> Groups:
        found = self.classes.get(client_id)
        if found is None:
            client = self.dataset.client_by_id.get(client_id)
            found = tuple(_rank(client, g.classify) for g in self.policies.priority_groups)
            self.classes[client_id] = found
        return found

    def _sessions(self) -> dict[str, Any]:
        start, end = self.period.start, self.period.end
        sessions = attendances = 0
        by_type: dict[int, int] = {}
        unidentified: dict[CaseKey, int] = {}
        assisted: dict[ClientKey, Groups] = {}
        for session in self.dataset.sessions:
            if session.case_id not in self.chosen or not session.clients:
                continue
            if not start <= session.session_date <= end:
                continue
            sessions += 1
            by_type[session.service_type_id] = by_type.get(session.service_type_id, 0) + 1
            attendances += session.attendances
            for attendee in session.clients:
                if attendee.participation is ParticipationType.CLIENT:
                    key, groups = self.key(attendee.client_id), self.groups(attendee.client_id)
                    current = assisted.get(key)
                    assisted[key] = groups if current is None else max_groups(current, groups)
            if session.total_unidentified_clients:
                self._unidentified(
                    session.case_id, session.total_unidentified_clients, unidentified
                )
        return {
            "sessions": sessions,
            "by_service_type": dict(sorted(by_type.items())),
            "attendances": attendances,
            "unidentified": unidentified,
            "assisted": assisted,
        }

    def _unidentified(self, case_id: str, count: int, into: dict[CaseKey, int]) -> None:
        case = self.dataset.case_by_id.get(case_id)
        capped = count if case is None else min(count, case.total_unidentified_clients)
        key = (self.org, case_id)
        into[key] = max(into.get(key, 0), capped)

    def _scores(self) -> dict[ClientKey, dict[ScoreKey, PairEnds]]:
        end = self.period.end
        pre_post = self.policies.pairing.method is PairingMethod.PRE_POST
        scores: dict[ClientKey, dict[ScoreKey, PairEnds]] = {}
        for rating in client_ratings(self.dataset, self.policies.pairing):
            if rating is None or rating.score_type.value not in _MEASURED:
                continue
            if rating.case_id in self.chosen and rating.session_date <= end:
                keys = scores.setdefault(self.key(rating.subject), {})
                _add(keys, self.org, rating, pre_post)
        return scores


def _rank(client: Client | None, classify: Any) -> int:  # noqa: ANN401
    value = None if client is None else classify(client)
    return 0 if value is None else (2 if value else 1)


def _add(keys: dict[ScoreKey, PairEnds], org: str, rating: Rating, pre_post: bool) -> None:
    score_key = (org, rating.scope, rating.score_type.value, rating.domain)
    first, last, seen = keys.get(score_key, (None, None, 0))
    place = rating.sort_key
    if not pre_post or rating.phase is AssessmentPhase.PRE:
        first = least(first, place)
    if not pre_post or rating.phase is AssessmentPhase.POST:
        last = most(last, place)
    keys[score_key] = (first, last, seen + 1)
