"""Whom a table counts: population filters, for the differencing guard."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs


def _filters(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), str(v)) for k, v in items))


@attrs.frozen
class Population:
    """Whom a table counts, as filters such as ``{"organisation": "ORG1", "outlet": "12"}``.

    One population is nested in another when its filters include all of the
    other's: ``{"year": "2024", "half": "H1"}`` is within ``{"year": "2024"}``.
    Give filters from the broadest down, with the same names for the same
    levels, so :class:`ReleaseHistory` can see the nesting.
    """

    filters: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_filters)

    def within(self, other: Population) -> bool:
        """Whether this population is ``other`` or nested in it."""
        return set(other.filters) <= set(self.filters)

    def describe(self) -> dict[str, str]:
        """The filters as a dictionary."""
        return dict(self.filters)


#: The default population: no filter, everyone the table counts.
EVERYONE = Population()
