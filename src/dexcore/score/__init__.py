"""SCORE: pairing assessments, change per domain, client outcomes, satisfaction, completeness.

>>> from dexcore.model import Dataset
>>> pairs = client_pairs(Dataset())
>>> list(pairs.changes())
[]

See :mod:`dexcore.score.pairing` for what is DSS's and what is dexcore's policy.
"""

from __future__ import annotations

from dexcore.model import Dataset
from dexcore.score.outcomes import (
    Completeness,
    OutcomePolicy,
    SatisfactionShare,
    client_outcomes,
    completeness,
    satisfaction,
)
from dexcore.score.pairing import (
    DEFAULT_PAIRING,
    ChangeCategory,
    DomainChange,
    PairingMethod,
    PairingPolicy,
    PairingScope,
    PairKey,
    Pairs,
    Rating,
    client_ratings,
    group_ratings,
    pair,
)

__all__ = [
    "DEFAULT_PAIRING",
    "ChangeCategory",
    "Completeness",
    "DomainChange",
    "OutcomePolicy",
    "PairKey",
    "PairingMethod",
    "PairingPolicy",
    "PairingScope",
    "Pairs",
    "Rating",
    "SatisfactionShare",
    "client_outcomes",
    "client_pairs",
    "client_ratings",
    "completeness",
    "group_pairs",
    "group_ratings",
    "pair",
    "satisfaction",
]


def client_pairs(dataset: Dataset, policy: PairingPolicy = DEFAULT_PAIRING) -> Pairs:
    """Pair every client SCORE rating of ``dataset`` under ``policy``."""
    return pair(client_ratings(dataset, policy), policy)


def group_pairs(dataset: Dataset, policy: PairingPolicy = DEFAULT_PAIRING) -> Pairs:
    """Pair every Group/Community SCORE rating of ``dataset`` over the sessions of each case."""
    return pair(group_ratings(dataset), policy)
