"""SCORE change: pairing assessments and measuring the change per domain.

DSS has not published the formula behind its outcome reports. What is
DSS's: ratings are 1–5, higher is better; Circumstances and Goals are
recorded at least twice, near the start (PRE) and near the end (POST), in
the same domains; since August 2018 assessments are ordered by date and the
phase orders only two on the same day (DSS metadata registry). What is
dexcore's, as named policies with documented defaults:

* **Scope** (:class:`PairingScope`): a client's ratings are paired within a
  case by default, or within a program activity, or across the organisation.
* **Method** (:class:`PairingMethod`): within a client, scope, score type and
  domain, ratings are ordered by session date, then phase (PRE before POST),
  then case id and session id, then the higher rating first (so a full tie
  never reads as an improvement); the first is paired with the last
  (default), or the first PRE with the last POST. The order is a total
  order on what was recorded, never on where a record sits in the input,
  so any partition of the input gives the same pairs.
* The change is last − first: improved above zero, no change at zero,
  declined below.

Pairing keeps, per key, only the earliest and the latest rating, so results
for parts of the input merge (:meth:`Pairs.merge`, commutative and
associative) into the result of one pass.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Iterator, Mapping

import attrs

from dexcore.model import (
    AssessmentPhase,
    ClientAssessment,
    Dataset,
    ScoreType,
    Session,
    SessionAssessment,
)

__all__ = [
    "DEFAULT_PAIRING",
    "ChangeCategory",
    "DomainChange",
    "PairKey",
    "PairingMethod",
    "PairingPolicy",
    "PairingScope",
    "Pairs",
    "Rating",
    "client_ratings",
    "group_ratings",
    "pair",
]


class PairingScope(enum.StrEnum):
    """Within what a client's ratings of one domain are paired."""

    CASE = "case"  #: Within one case (default): a new case is a new episode of service.
    PROGRAM_ACTIVITY = "program-activity"  #: Within one program activity, across its cases.
    ORGANISATION = "organisation"  #: Across the whole organisation.


class PairingMethod(enum.StrEnum):
    """Which two ratings make a pair."""

    FIRST_LAST = "first-last"  #: The earliest and the latest rating (default).
    PRE_POST = "pre-post"  #: The earliest PRE rating and the latest POST rating.


@attrs.frozen(kw_only=True)
class PairingPolicy:
    """How ratings are paired; the default is dexcore's, since DSS publishes none.

    Attributes:
        scope: Within what ratings are paired.
        method: Which two ratings make the pair.
    """

    scope: PairingScope = PairingScope.CASE
    method: PairingMethod = PairingMethod.FIRST_LAST

    def __str__(self) -> str:
        return f"{self.method.value} within {self.scope.value}"


#: The default pairing: first and last rating, within a case.
DEFAULT_PAIRING = PairingPolicy()

_PHASE_RANK = {AssessmentPhase.PRE: 0, AssessmentPhase.POST: 1}


@attrs.frozen(kw_only=True)
class Rating:
    """One domain's rating, placed in time.

    Attributes:
        subject: The client id (client SCORE) or the case id (Group/Community SCORE).
        scope: The pairing scope's key (a case id, an activity id, or empty).
        score_type: The score type.
        domain: The domain code.
        rating: 1 to 5.
        phase: PRE or POST.
        session_date: The date of the session it was recorded at.
        case_id: The case of that session.
        session_id: The session.
    """

    subject: str
    scope: str
    score_type: ScoreType
    domain: str
    rating: int
    phase: AssessmentPhase
    session_date: dt.date
    case_id: str
    session_id: str

    @property
    def sort_key(self) -> tuple[dt.date, int, str, str, int]:
        """Date, phase (PRE first), case id, session id, then the higher rating first.

        Within one pairing key, two ratings with the same sort key are the
        same rating, so the order never depends on where records sit.
        """
        return (
            self.session_date,
            _PHASE_RANK[self.phase],
            self.case_id,
            self.session_id,
            -self.rating,
        )


#: (subject, scope, score type, domain)
PairKey = tuple[str, str, ScoreType, str]


class ChangeCategory(enum.StrEnum):
    """Which way a domain's rating moved between the pair."""

    IMPROVED = "improved"  #: The later rating is higher.
    NO_CHANGE = "no-change"  #: The ratings are equal.
    DECLINED = "declined"  #: The later rating is lower.


@attrs.frozen(kw_only=True)
class DomainChange:
    """The change in one domain between a pair of ratings.

    Attributes:
        first: The earlier rating of the pair.
        last: The later rating of the pair.
    """

    first: Rating
    last: Rating

    @property
    def subject(self) -> str:
        """The client id, or the case id for Group/Community SCORE."""
        return self.first.subject

    @property
    def score_type(self) -> ScoreType:
        """The score type."""
        return self.first.score_type

    @property
    def domain(self) -> str:
        """The domain code."""
        return self.first.domain

    @property
    def change(self) -> int:
        """Last rating minus first rating, from -4 to 4."""
        return self.last.rating - self.first.rating

    @property
    def category(self) -> ChangeCategory:
        """Improved, no change or declined."""
        if self.change > 0:
            return ChangeCategory.IMPROVED
        return ChangeCategory.DECLINED if self.change < 0 else ChangeCategory.NO_CHANGE

    @property
    def same_day(self) -> bool:
        """Whether both ratings were recorded on one day (a weak measure of change)."""
        return self.first.session_date == self.last.session_date


@attrs.define
class Pairs:
    """Per key, the earliest and latest usable ratings and how many ratings were seen.

    A partial result: :meth:`add` ratings, :meth:`merge` partial results of
    other parts of the input, then read :meth:`changes`.

    Attributes:
        policy: The pairing policy.
        first: The earliest usable rating per key.
        last: The latest usable rating per key.
        seen: How many ratings each key had.
        outside_scope: Assessments whose session is not in the data, so
            they cannot be placed in time (reported, not paired).
    """

    policy: PairingPolicy = DEFAULT_PAIRING
    first: dict[PairKey, Rating] = attrs.field(factory=dict)
    last: dict[PairKey, Rating] = attrs.field(factory=dict)
    seen: dict[PairKey, int] = attrs.field(factory=dict)
    outside_scope: int = 0

    def add(self, rating: Rating) -> None:
        """Take one rating into account."""
        key = (rating.subject, rating.scope, rating.score_type, rating.domain)
        self.seen[key] = self.seen.get(key, 0) + 1
        pre_post = self.policy.method is PairingMethod.PRE_POST
        if not pre_post or rating.phase is AssessmentPhase.PRE:
            current = self.first.get(key)
            if current is None or rating.sort_key < current.sort_key:
                self.first[key] = rating
        if not pre_post or rating.phase is AssessmentPhase.POST:
            current = self.last.get(key)
            if current is None or rating.sort_key > current.sort_key:
                self.last[key] = rating

    def merge(self, other: Pairs) -> Pairs:
        """The pairs of both parts of the input together."""
        merged = Pairs(policy=self.policy, outside_scope=self.outside_scope + other.outside_scope)
        for part in (self, other):
            for key, count in part.seen.items():
                merged.seen[key] = merged.seen.get(key, 0) + count
            for key, rating in part.first.items():
                current = merged.first.get(key)
                if current is None or rating.sort_key < current.sort_key:
                    merged.first[key] = rating
            for key, rating in part.last.items():
                current = merged.last.get(key)
                if current is None or rating.sort_key > current.sort_key:
                    merged.last[key] = rating
        return merged

    def changes(self) -> Iterator[DomainChange]:
        """One change per key that has two distinct ratings to compare, in key order."""
        for key in sorted(self.seen, key=lambda k: (k[0], k[1], k[2].value, k[3])):
            first, last = self.first.get(key), self.last.get(key)
            if (
                first is not None
                and last is not None
                and first != last
                and first.sort_key <= last.sort_key
            ):
                yield DomainChange(first=first, last=last)

    def unpaired(self) -> Iterator[PairKey]:
        """Keys with ratings that make no pair (a single assessment, or no PRE/POST pair)."""
        for key in sorted(self.seen, key=lambda k: (k[0], k[1], k[2].value, k[3])):
            first, last = self.first.get(key), self.last.get(key)
            if first is None or last is None or first == last or first.sort_key > last.sort_key:
                yield key


def _scope_keys(dataset: Dataset, scope: PairingScope) -> Mapping[str, str]:
    """The scope key of each case id."""
    if scope is PairingScope.CASE:
        return {case.case_id: case.case_id for case in dataset.cases}
    if scope is PairingScope.ORGANISATION:
        return {case.case_id: "" for case in dataset.cases}
    activities = {
        activity.outlet_activity_id: activity.organisation_activity_id
        for outlet in dataset.outlets
        for activity in outlet.activities
        if activity.outlet_activity_id is not None
    }
    # Without outlet data, an outlet activity stands in for its program activity.
    return {
        case.case_id: f"activity:{activities.get(case.outlet_activity_id, case.outlet_activity_id)}"
        for case in dataset.cases
    }


def _ratings(
    items: Iterable[ClientAssessment | SessionAssessment],
    sessions: Mapping[tuple[str, str], Session],
    place: Callable[[ClientAssessment | SessionAssessment], tuple[str, str]],
) -> Iterator[Rating | None]:
    """Flatten assessment records into dated ratings; ``place`` gives (subject, scope)."""
    for item in items:
        session = sessions.get(item.session_key)
        if session is None:
            yield None
            continue
        subject, scope = place(item)
        for assessment in item.assessments:
            for score in assessment.scores:
                yield Rating(
                    subject=subject,
                    scope=scope,
                    score_type=assessment.score_type,
                    domain=score.domain,
                    rating=score.rating,
                    phase=assessment.phase,
                    session_date=session.session_date,
                    case_id=item.case_id,
                    session_id=item.session_id,
                )


def client_ratings(
    dataset: Dataset, policy: PairingPolicy = DEFAULT_PAIRING
) -> Iterator[Rating | None]:
    """Every client domain rating, placed in time; ``None`` for an assessment that cannot be.

    Args:
        dataset: The records (the whole input, or a part of whole cases);
            sessions and cases are looked up in it.
        policy: Decides the scope key.
    """
    scopes = _scope_keys(dataset, policy.scope)

    def place(item: ClientAssessment | SessionAssessment) -> tuple[str, str]:
        assert isinstance(item, ClientAssessment)  # only client assessments are passed
        return item.client_id, scopes.get(item.case_id, item.case_id)

    items = dataset.client_assessments
    return _ratings(items, dataset.session_by_key, place)


def group_ratings(dataset: Dataset) -> Iterator[Rating | None]:
    """Every Group/Community rating (subject and scope: the case), placed in time."""
    items = dataset.session_assessments
    return _ratings(items, dataset.session_by_key, lambda item: (item.case_id, item.case_id))


def pair(ratings: Iterable[Rating | None], policy: PairingPolicy = DEFAULT_PAIRING) -> Pairs:
    """Pair ``ratings`` under ``policy``; ``None`` entries count as outside the scope."""
    pairs = Pairs(policy=policy)
    for rating in ratings:
        if rating is None:
            pairs.outside_scope += 1
        else:
            pairs.add(rating)
    return pairs
