"""Which values of a new table, with earlier releases, let a reader work out a small count.

Three attacks, each a subtraction of published counts of distinct clients
(ABS, "Confidentiality in ABS data: differencing",
https://www.abs.gov.au/about/data-services/data-confidentiality-guide):

* **nested**: a count minus a count of a scope within it (an organisation
  minus one of its outlets) is the clients of the remainder;
* **complement, as parent**: the new value minus several earlier values of
  sibling scopes within it (outlets X and Y of the organisation) is the
  clients of the siblings never published;
* **complement, as child**: an earlier value minus the new value minus
  earlier (or other new) values of its siblings, likewise.

A value is exposed when any such subtraction, over any subset of the
siblings, gives a count from 1 to ``threshold - 1``, or from ``-1`` down to
``1 - threshold`` (then it counts the clients siblings share, exactly when
the siblings cover the parent). Siblings are scopes with
the same constraints but one, on which they are apart (``outlet = X`` and
``outlet = Y``). "The same" is read loosely, towards comparing: two times are
the same when each may lie within the other (``2024-H1`` and ``year 2024,
half H1``; a bare ``2024`` and ``calendar year 2024``), and a margin over
another dimension is also read as if its labels were complete (the total
of ``outlet A`` over genders F and M as all of outlet A).
"""

from __future__ import annotations

from collections.abc import Iterable

from dexcore.privacy.sdc._canonical import TIME
from dexcore.privacy.sdc._cells import Cell
from dexcore.privacy.sdc._scope import (
    Bucket,
    Scope,
    Shared,
    Values,
    values_apart,
    values_within,
)

#: A published count with the scope it counts.
Value = tuple[Scope, int]
#: Siblings by the key they differ on and their shared constraints with time left out, then by
#: their shared constraints in full.
SiblingIndex = dict[Bucket, dict[Shared, list[Value]]]


def shared_readings(scope: Scope, key: str) -> set[Shared]:
    """The constraints ``scope`` shares with siblings on ``key``: as given, and as wide.

    A margin over a dimension other than ``key`` counts everyone when its
    labels are complete, so it is also read without that dimension.
    """
    readings = [{k: v for k, v in scope.values.items() if k != key}]
    for wide_key, wide in scope.wide.items():
        if wide_key != key and wide_key in readings[0]:
            readings += [_widened(reading, wide_key, wide) for reading in readings]
    return {frozenset(reading.items()) for reading in readings}


def _widened(reading: dict[str, Values], key: str, wide: Values | None) -> dict[str, Values]:
    widened = {k: v for k, v in reading.items() if k != key}
    if wide is not None:
        widened[key] = wide
    return widened


def _bucket(key: str, shared: Shared) -> Bucket:
    """Where siblings are looked for: time is compared afterwards, as mutual nesting."""
    return key, frozenset((k, None if k == TIME else v) for k, v in shared)


def _filed(scope: Scope, key: str) -> list[tuple[Bucket, Shared]]:
    """Where ``scope`` is filed as a sibling on ``key`` (worked out once per scope)."""
    filed = scope.shared.get(key)
    if filed is None:
        filed = [(_bucket(key, shared), shared) for shared in shared_readings(scope, key)]
        scope.shared[key] = filed
    return filed


def _alike(a: Shared, b: Shared) -> bool:
    """Whether two shared constraints of one bucket may mean the same: their times nest both ways.

    In one bucket every constraint but time is equal, so only time is compared.
    """
    if a == b:
        return True
    x, y = dict(a).get(TIME), dict(b).get(TIME)
    return x is None or y is None or (values_within(x, y) and values_within(y, x))


def published_values(scopes: list[list[Scope]], published: list[list[Cell | None]]) -> list[Value]:
    """The published counts of a grid with their scopes (hidden and absent values left out)."""
    return [
        (scopes[i][j], value)
        for i, line in enumerate(published)
        for j, value in enumerate(line)
        if isinstance(value, int)
    ]


def index_siblings(values: Iterable[Value], index: SiblingIndex) -> None:
    """Add each value under every key it could be a sibling on, in every reading."""
    for scope, value in values:
        for key in scope.values:
            for bucket, shared in _filed(scope, key):
                index.setdefault(bucket, {}).setdefault(shared, []).append((scope, value))


def unindex_siblings(values: Iterable[Value], index: SiblingIndex) -> None:
    """Take values out of the index again (when a provisional record is replaced)."""
    for scope, value in values:
        for key in scope.values:
            for bucket, shared in _filed(scope, key):
                members = index.get(bucket, {}).get(shared, [])
                for n, member in enumerate(members):
                    if member[0] is scope and member[1] == value:
                        del members[n]
                        break


def siblings_of(scope: Scope, key: str, indexes: Iterable[SiblingIndex]) -> list[Value]:
    """The values that may share every constraint of ``scope`` but ``key``'s (not ``scope``)."""
    found: dict[int, Value] = {}
    for index in indexes:
        for bucket, shared in _filed(scope, key):
            for other, members in index.get(bucket, {}).items():
                if _alike(shared, other):
                    found.update((id(member[0]), member) for member in members)
    return [member for member in found.values() if member[0] != scope]


def _families(index: SiblingIndex) -> list[tuple[str, list[Value]]]:
    """The sibling groups of an index: per shared constraints, the members alike with them."""
    families: dict[tuple[str, frozenset[int]], list[Value]] = {}
    for (key, _), bucket in index.items():
        for shared in bucket:
            members = {
                id(member[0]): member
                for other, group in bucket.items()
                if _alike(shared, other)
                for member in group
            }
            if len(members) > 1:
                families[key, frozenset(members)] = list(members.values())
    return [(key, members) for (key, _), members in families.items()]


def _leaves_small(addends: list[int], target: int, threshold: int) -> bool:
    """Whether ``target`` minus a subset sum of ``addends`` is 1 to ``threshold - 1`` either way.

    Below zero, the subtraction counts the clients the addends share.
    """
    if target < 0 or threshold < 2:
        return False
    reach, mask = 1, (1 << (target + threshold)) - 1
    for addend in addends:
        reach = (reach | (reach << addend)) & mask
    below = reach & ((1 << target) - 1) & ~((1 << max(target - threshold + 1, 0)) - 1)
    return bool(below or reach >> (target + 1))


def _family(key: str, first: Values | None, members: Iterable[Value]) -> list[int]:
    """Counts of members pairwise apart on ``key`` (and apart from ``first``), largest first."""
    chosen: list[Values] = [] if first is None else [first]
    taken = set(first[0]) if first is not None and len(first) == 1 else set()
    counts = []
    for scope, count in sorted(members, key=lambda member: -member[1]):
        own = scope.values[key]
        if len(own) == 1:  # plain labels: apart from each chosen one is apart from them all
            apart = bool(own[0]) and not own[0] & taken
        else:
            apart = all(values_apart(own, other) for other in chosen)
        if apart:
            chosen.append(own)
            if len(own) == 1:
                taken.update(own[0])
            counts.append(count)
    return counts


class Exposure:
    """The checks of one new table against the values released before it."""

    def __init__(self, earlier: list[Value], siblings: SiblingIndex, threshold: int) -> None:
        self.earlier = earlier
        self.siblings = siblings
        self.threshold = threshold

    def exposed(self, new: list[Value]) -> list[int]:
        """Positions in ``new`` of the values an attacker could subtract down to a small count."""
        own: SiblingIndex = {}
        index_siblings(new, own)
        return [n for n, (scope, value) in enumerate(new) if self._any(scope, value, own)]

    def _any(self, scope: Scope, value: int, own: SiblingIndex) -> bool:
        return (
            self._nested(scope, value)
            or self._as_parent(scope, value)
            or self._as_child(scope, value, own)
        )

    def _small(self, difference: int) -> bool:
        return 0 < difference < self.threshold

    def _nested(self, scope: Scope, value: int) -> bool:
        return any(
            self._small(abs(value - theirs)) and (scope.within(other) or other.within(scope))
            for other, theirs in self.earlier
        )

    def _as_parent(self, scope: Scope, value: int) -> bool:
        groups: SiblingIndex = {}
        index_siblings(
            ((child, n) for child, n in self.earlier if child != scope and child.within(scope)),
            groups,
        )
        return any(
            _leaves_small(_family(key, None, members), value, self.threshold)
            for key, members in _families(groups)
        )

    def _as_child(self, scope: Scope, value: int, own: SiblingIndex) -> bool:
        siblings: dict[str, list[Value]] = {}
        for parent, total in self.earlier:
            if total < value or parent == scope or not scope.within(parent):
                continue
            for key, mine in scope.values.items():
                if key not in parent.wide and parent.values.get(key) == mine:
                    continue
                if key not in siblings:
                    siblings[key] = siblings_of(scope, key, (self.siblings, own))
                members = [(s, n) for s, n in siblings[key] if s.within(parent)]
                if _leaves_small(_family(key, mine, members), total - value, self.threshold):
                    return True
        return False
