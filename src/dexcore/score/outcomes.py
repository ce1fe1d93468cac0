"""From domain changes to a client's outcome; satisfaction; completeness.

A client's outcome for a score type combines the changes in the domains
that were paired. DSS's formula is not published, so it is a named policy
(:class:`OutcomePolicy`); the default, "improved in at least one domain",
matches the SCORE guidance that outcomes can be positive, negative or
neutral per domain.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

import attrs

from dexcore.model import ScoreType
from dexcore.score.pairing import DomainChange, Pairs

__all__ = [
    "Completeness",
    "OutcomePolicy",
    "SatisfactionShare",
    "client_outcomes",
    "completeness",
    "satisfaction",
]

#: Ratings that agree with a satisfaction statement.
AGREE = frozenset({4, 5})


class OutcomePolicy(enum.StrEnum):
    """How a client's domain changes make one outcome for a score type."""

    #: Improved in at least one domain (default).
    ANY_IMPROVED = "any-improved"
    #: Improved in at least one domain and declined in none.
    IMPROVED_NONE_DECLINED = "improved-none-declined"
    #: The mean change over the paired domains is above zero.
    MEAN_ABOVE_ZERO = "mean-above-zero"

    def positive(self, changes: Iterable[int]) -> bool:
        """Whether ``changes`` (last − first per domain) make a positive outcome."""
        values = list(changes)
        if not values:
            return False
        if self is OutcomePolicy.ANY_IMPROVED:
            return any(value > 0 for value in values)
        if self is OutcomePolicy.IMPROVED_NONE_DECLINED:
            return any(value > 0 for value in values) and all(value >= 0 for value in values)
        return sum(values) > 0


def client_outcomes(
    changes: Iterable[DomainChange],
    score_type: ScoreType,
    policy: OutcomePolicy = OutcomePolicy.ANY_IMPROVED,
) -> Mapping[str, bool]:
    """Each subject's outcome for ``score_type``: ``True`` when positive under ``policy``."""
    by_subject: dict[str, list[int]] = {}
    for change in changes:
        if change.score_type is score_type:
            by_subject.setdefault(change.subject, []).append(change.change)
    return {subject: policy.positive(values) for subject, values in sorted(by_subject.items())}


@attrs.frozen(kw_only=True)
class SatisfactionShare:
    """How many clients agree (rate 4 or 5) with one satisfaction statement.

    Attributes:
        domain: The statement's domain code, such as ``SERVICELISTENED``.
        agree: Clients whose latest rating is 4 or 5.
        rated: Clients with a rating.
    """

    domain: str
    agree: int
    rated: int

    @property
    def percent(self) -> float | None:
        """``agree`` as a percentage of ``rated``; ``None`` when nobody rated it."""
        return None if not self.rated else 100 * self.agree / self.rated


def satisfaction(pairs: Pairs) -> tuple[SatisfactionShare, ...]:
    """Per statement, the share of clients whose latest rating agrees (4 or 5).

    Each client counts once per statement, by their latest rating within the
    pairing scope; a client rated in several scopes counts once, by the
    latest of them.
    """
    latest: dict[tuple[str, str], tuple[tuple[object, ...], int]] = {}
    for (subject, _scope, score_type, domain), rating in pairs.last.items():
        if score_type is not ScoreType.SATISFACTION:
            continue
        key = (domain, subject)
        if key not in latest or rating.sort_key > latest[key][0]:
            latest[key] = (rating.sort_key, rating.rating)
    counts: dict[str, list[int]] = {}
    for (domain, _subject), (_when, value) in latest.items():
        tally = counts.setdefault(domain, [0, 0])
        tally[0] += value in AGREE
        tally[1] += 1
    return tuple(
        SatisfactionShare(domain=domain, agree=agree, rated=rated)
        for domain, (agree, rated) in sorted(counts.items())
    )


@attrs.frozen(kw_only=True)
class Completeness:
    """What could not be measured, reported rather than dropped.

    Attributes:
        unpaired: Client, scope, score type and domain keys with no pair
            (a single Circumstances or Goals assessment, or no PRE/POST pair).
        same_day_pairs: Pairs whose two ratings fall on the same day.
        outside_scope: Assessments whose session is not in the data.
    """

    unpaired: int
    same_day_pairs: int
    outside_scope: int


def completeness(pairs: Pairs) -> Completeness:
    """The completeness of Circumstances and Goals pairing in ``pairs``."""
    measured = {ScoreType.CIRCUMSTANCES, ScoreType.GOALS}
    return Completeness(
        unpaired=sum(1 for key in pairs.unpaired() if key[2] in measured),
        same_day_pairs=sum(
            1 for change in pairs.changes() if change.same_day and change.score_type in measured
        ),
        outside_scope=pairs.outside_scope,
    )
