"""Whom one published count counts, in canonical form, and when one such scope lies in another.

A published value of a table counts the clients of the table's population
who also have the cell's row and column labels. Its *scope* is therefore the
population's filters plus one constraint per dimension, all under canonical
names (see :mod:`~dexcore.privacy.sdc._canonical`): ``{"organisation":
"o 1"}`` plus ``outlet = 12`` and ``gender = female`` for a cell, or plus
``outlet in {every row label}`` for a column total. A scope lies *within*
another when it constrains every key the other does, each at least as
narrowly; for time, one way of reading years (calendar or financial) must
make it so for both, and a time value that cannot be read is taken to
possibly lie within any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dexcore._caches import remembered
from dexcore.privacy.sdc._canonical import (
    ALL,
    TIME,
    Readings,
    canonical_label,
    canonical_name,
    is_everyone,
    time_hint,
    time_readings,
)

#: One constraint: ``(labels,)`` for a plain key, or a time's :data:`Readings`.
Values = Readings
_Reading = tuple[frozenset[int | str], frozenset[int | str]]
#: The constraints siblings share: all but the one they differ on.
Shared = frozenset[tuple[str, Values]]
#: Where the sibling index files them: that key, and the shared constraints but time.
Bucket = tuple[str, frozenset[tuple[str, Values | None]]]


def _readings(a: Values) -> list[_Reading]:
    """A time's three readings, each as (months, text it could not read)."""
    return [(a[0], a[3]), (a[1], a[3]), (a[2], a[3])]


def _reading_within(a: _Reading, b: _Reading) -> bool:
    (x, at), (y, bt) = a, b
    return bool(x or at) and (x <= y or bool(bt)) and (at <= bt or bool(y))


def _reading_overlap(a: _Reading, b: _Reading) -> bool:
    (x, at), (y, bt) = a, b
    return bool(x & y or at & bt or (x and bt) or (at and y))


def values_within(a: Values, b: Values) -> bool:
    """Whether ``a`` may lie within ``b`` (a time: in some same reading of both).

    A time that could not be read may lie within any other, and any within it.
    """
    if len(a) == 1:
        return bool(a[0]) and a[0] <= b[0]
    return any(a) if a is b else _time_within(a, b)


@remembered(maxsize=4096)
def _time_within(a: Values, b: Values) -> bool:
    """:func:`values_within` for times (kept: tables are compared with the same times often)."""
    return any(map(_reading_within, _readings(a), _readings(b)))


def values_overlap(a: Values, b: Values) -> bool:
    """Whether ``a`` and ``b`` may share a client."""
    if len(a) == 1:
        return bool(a[0] & b[0])
    return any(map(_reading_overlap, _readings(a), _readings(b)))


def values_apart(a: Values, b: Values) -> bool:
    """Whether ``a`` and ``b`` may share nothing (in some reading), so their counts may add up."""
    if len(a) == 1:
        return bool(a[0] and b[0] and not a[0] & b[0])
    return any(
        (x or at) and (y or bt) and not _reading_overlap((x, at), (y, bt))
        for (x, at), (y, bt) in zip(_readings(a), _readings(b), strict=True)
    )


def _meet(x: frozenset[int | str], y: frozenset[int | str]) -> frozenset[int | str]:
    """Both constraints, where an empty side of a time reading means "not given"."""
    return x & y if x and y else x | y


def _intersect(a: Values, b: Values) -> Values:
    if len(a) == 1:
        return (a[0] & b[0],)
    months = tuple(
        x & y if (x or not a[3]) and (y or not b[3]) else x | y
        for x, y in zip(a[:3], b[:3], strict=True)
    )
    return (*months, _meet(a[3], b[3]))


def _union(parts: Sequence[Values]) -> Values:
    return tuple(frozenset[int | str]().union(*kind) for kind in zip(*parts, strict=True))


class Scope:
    """The canonical constraints of one published value, by canonical key.

    ``values`` holds each constraint as narrowly as it may be read. A margin
    counts the clients with any of the table's labels on its dimension,
    which is everyone when the labels are complete: ``wide`` holds, for such
    keys, the widest reading (the population's own constraint, or ``None``
    for none), used when this scope is the one that may contain another.
    """

    __slots__ = ("hash", "items", "shared", "values", "wide")

    def __init__(self, values: dict[str, Values], wide: dict[str, Values | None]) -> None:
        self.values = values
        self.wide = wide
        self.items = frozenset(values.items()), frozenset(wide.items())
        self.hash = hash(self.items)
        #: The sibling index's keys for this scope, by key, kept once worked out.
        self.shared: dict[str, list[tuple[Bucket, Shared]]] = {}

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return isinstance(other, Scope) and self.hash == other.hash and self.items == other.items

    def __hash__(self) -> int:
        return self.hash

    def outer(self, key: str) -> Values | None:
        """The constraint on ``key`` when this scope may contain another (``None``: none)."""
        return self.wide[key] if key in self.wide else self.values.get(key)

    def within(self, other: Scope) -> bool:
        """Whether every client this scope counts may be counted by ``other`` too."""
        mine = self.values
        for key in other.values:
            theirs = other.outer(key)
            if theirs is not None and not (key in mine and values_within(mine[key], theirs)):
                return False
        return True

    def overlaps(self, other: Scope) -> bool:
        """Whether the two scopes may share a client on every key they both constrain."""
        for key in self.values.keys() & other.values.keys():
            mine, theirs = self.outer(key), other.outer(key)
            if mine is not None and theirs is not None and not values_overlap(mine, theirs):
                return False
        return True


def label_values(key: str, label: object, hint: str | None = None) -> Values:
    """The constraint a label (or filter value) puts on ``key``."""
    if key == TIME:
        return time_readings(label, hint)
    return (frozenset({canonical_label(label)}),)


def _merge(values: dict[str, Values], key: str, more: Values | None) -> None:
    if key == ALL or more is None:
        return
    values[key] = _intersect(values[key], more) if key in values else more


def _constraint(key: str, label: object, hint: str | None) -> Values | None:
    """The constraint of a label, or ``None`` for one that means everyone (``Total``, ``All``)."""
    return None if is_everyone(label) else label_values(key, label, hint)


def population_values(filters: Iterable[tuple[str, str]]) -> dict[str, Values]:
    """Population filters as canonical constraints (filters on one key all apply)."""
    values: dict[str, Values] = {}
    for name, value in filters:
        key = canonical_name(name)
        _merge(values, key, _constraint(key, value, time_hint(name)))
    return values


def _dimension(name: str, labels: Sequence[str], margins: bool) -> tuple[str, list[Values | None]]:
    key = canonical_name(name)
    values = [_constraint(key, label, time_hint(name)) for label in labels]
    if margins:
        known = [v for v in values if v is not None]
        values.append(_union(known) if known and len(known) == len(values) else None)
    return key, values


def table_scopes(
    filters: Iterable[tuple[str, str]],
    dimensions: tuple[str, str],
    rows: Sequence[str],
    columns: Sequence[str],
    margins: bool,
) -> list[list[Scope]]:
    """The scope of every value of a table laid out as its grid: cells, then margins."""
    base = population_values(filters)
    row_key, row_values = _dimension(dimensions[0], rows, margins)
    column_key, column_values = _dimension(dimensions[1], columns, margins)
    grid = []
    for i, row in enumerate(row_values):
        line = []
        for j, column in enumerate(column_values):
            values = dict(base)
            _merge(values, row_key, row)
            _merge(values, column_key, column)
            wide: dict[str, Values | None] = {}
            if margins and i == len(rows) and row_key in values:
                wide[row_key] = base.get(row_key)
            if margins and j == len(columns) and column_key in values:
                wide[column_key] = base.get(column_key)
            line.append(Scope(values, wide))
        grid.append(line)
    return grid


def hull(scopes: list[list[Scope]]) -> Scope | None:
    """The widest scope of a table: on the keys all its values constrain, the union of each."""
    every = [scope for line in scopes for scope in line]
    if not every:
        return None
    keys = set(every[0].values).intersection(*(scope.values for scope in every))
    values = {k: _union([scope.values[k] for scope in every]) for k in keys}
    # A table's margins all read a key as widely: as its population does.
    wide = {k: v for scope in every for k, v in scope.wide.items() if k in keys}
    return Scope(values, wide)
