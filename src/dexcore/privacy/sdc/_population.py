"""Whom a table counts: population filters, for the differencing guard."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from dexcore.privacy.sdc._scope import Scope, population_values


def _filters(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), str(v)) for k, v in items))


@attrs.frozen
class Population:
    """Whom a table counts, as filters such as ``{"organisation": "ORG1", "outlet": "12"}``.

    One population is nested in another when it filters on every name the
    other does, each at least as narrowly: ``{"year": "2024", "half": "H1"}``
    is within ``{"year": "2024"}``. Names and values are compared in
    canonical form, so ``Gender``, ``gender`` and ``sex`` are one filter,
    ``year``, ``period`` and ``financial year`` are all time, and
    ``2024-H1`` lies within ``2024`` (see "Differencing" in
    ``docs/howto/privacy.md``). When a spelling could mean the same, it is read as
    the same, so that :class:`ReleaseHistory` errs towards comparing.

    >>> Population({"Year": "2024", "half": "H1"}).within(Population({"period": "2024"}))
    True
    """

    filters: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_filters)

    def within(self, other: Population) -> bool:
        """Whether this population is ``other`` or may be nested in it."""
        return _scope(self).within(_scope(other))

    def describe(self) -> dict[str, str]:
        """The filters as a dictionary, as given."""
        return dict(self.filters)


def _scope(population: Population) -> Scope:
    return Scope(population_values(population.filters), {})


#: The default population: no filter, everyone the table counts.
EVERYONE = Population()
