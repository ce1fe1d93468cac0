"""Whom one published count counts, in canonical form, and when one such scope lies in another.

A published value of a table counts the clients of the table's population
who also have the cell's row and column labels. Its *scope* is therefore the
population's filters plus one constraint per dimension, all under canonical
names (see :mod:`~dexcore.privacy.sdc._canonical`): ``{"organisation":
"o 1"}`` plus ``outlet = 12`` and ``gender = female`` for a cell, or plus
``outlet in {every row label}`` for a column total. A scope lies *within*
another when it constrains every key the other does, each at least as
narrowly; for time, some way of reading years (calendar or financial) must
make it so, and a time value that cannot be read is taken to possibly lie
within any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dexcore.privacy.sdc._canonical import (
    ALL,
    TIME,
    Readings,
    canonical_label,
    canonical_name,
    time_hint,
    time_readings,
)

#: The readings of one constraint: one for a plain label, three for a time.
Values = Readings


def _unknowable(x: frozenset[int | str], y: frozenset[int | str]) -> bool:
    """Whether one side is a time that could not be read and the other a time that could."""
    x_text, y_text = any(isinstance(v, str) for v in x), any(isinstance(v, str) for v in y)
    x_months, y_months = any(isinstance(v, int) for v in x), any(isinstance(v, int) for v in y)
    return (x_text and y_months) or (x_months and y_text)


def values_within(a: Values, b: Values) -> bool:
    """Whether some reading of ``a`` lies in the same reading of ``b``."""
    return any(x and (x <= y or _unknowable(x, y)) for x, y in zip(a, b, strict=True))


def values_overlap(a: Values, b: Values) -> bool:
    """Whether some reading of ``a`` and the same reading of ``b`` may share a client."""
    return any(x & y or _unknowable(x, y) for x, y in zip(a, b, strict=True))


def values_apart(a: Values, b: Values) -> bool:
    """Whether some reading of ``a`` and ``b`` share nothing (so their counts may add up)."""
    return any(x and y and not x & y for x, y in zip(a, b, strict=True))


def _intersect(a: Values, b: Values) -> Values:
    return tuple(x & y for x, y in zip(a, b, strict=True))


def _union(parts: Sequence[Values]) -> Values:
    return tuple(frozenset[int | str]().union(*kind) for kind in zip(*parts, strict=True))


class Scope:
    """The canonical constraints of one published value, by canonical key."""

    __slots__ = ("items", "values")

    def __init__(self, values: dict[str, Values]) -> None:
        self.values = values
        self.items = frozenset(values.items())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scope) and self.items == other.items

    def __hash__(self) -> int:
        return hash(self.items)

    def within(self, other: Scope) -> bool:
        """Whether every client this scope counts may be counted by ``other`` too."""
        mine = self.values
        return all(k in mine and values_within(mine[k], v) for k, v in other.values.items())

    def overlaps(self, other: Scope) -> bool:
        """Whether the two scopes may share a client on every key they both constrain."""
        theirs = other.values
        return all(values_overlap(v, theirs[k]) for k, v in self.values.items() if k in theirs)

    def without(self, key: str) -> frozenset[tuple[str, Values]]:
        """The constraints other than ``key``'s: equal for siblings that differ only on ``key``."""
        return frozenset(item for item in self.items if item[0] != key)


def label_values(key: str, label: object, hint: str | None = None) -> Values:
    """The constraint a label (or filter value) puts on ``key``."""
    if key == TIME:
        return time_readings(label, hint)
    return (frozenset({canonical_label(label)}),)


def _merge(values: dict[str, Values], key: str, more: Values) -> None:
    values[key] = _intersect(values[key], more) if key in values else more


def population_values(filters: Iterable[tuple[str, str]]) -> dict[str, Values]:
    """Population filters as canonical constraints (filters on one key all apply)."""
    values: dict[str, Values] = {}
    for name, value in filters:
        key = canonical_name(name)
        if key != ALL:
            _merge(values, key, label_values(key, value, time_hint(name)))
    return values


def _dimension(name: str, labels: Sequence[str], margins: bool) -> tuple[str, list[Values]]:
    key = canonical_name(name)
    values = [label_values(key, label, time_hint(name)) for label in labels]
    if margins:
        values.append(_union(values) if values else ())
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
    for row in row_values:
        line = []
        for column in column_values:
            values = dict(base)
            if row_key != ALL:
                _merge(values, row_key, row)
            if column_key != ALL:
                _merge(values, column_key, column)
            line.append(Scope(values))
        grid.append(line)
    return grid


def hull(scopes: list[list[Scope]]) -> Scope | None:
    """The widest scope of a table (its grand total, or the one a total would have)."""
    if not scopes or not scopes[0]:
        return None
    keys = scopes[0][0].values.keys()
    return Scope({k: _union([s.values[k] for line in scopes for s in line]) for k in keys})
