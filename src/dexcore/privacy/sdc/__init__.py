"""Disclosure control for published counts: suppression, rounding, population groups, differencing.

A count table about clients can only be published through :func:`protect`,
which returns a :class:`ReleasedTable` carrying the policy that produced it.

* **Distinct clients, never sessions.** A :class:`CountTable` is built from
  ``(client, row, column)`` contributions by :func:`count_clients` or
  :func:`count_table`; each cell, margin and total counts distinct clients,
  so a client seen at ten sessions counts once, as the ABS rule "count
  contributors, not weights" asks (``reference/privacy.md`` §2.3).
* **Suppression** (:class:`SuppressionPolicy`, the default; DSS before
  December 2022 and AIHW): counts from 1 to 4 are replaced by a
  :class:`Suppressed` cell shown ``<5``; zeros stay zeros. Then secondary
  suppression hides more cells (shown ``n.p.``) until no row or column,
  margins included, has exactly one hidden cell, so no hidden cell can be
  recovered from the row, column or total it belongs to.
* **Rounding** (:class:`RoundingPolicy`; DSS's practice since December
  2022): every count is rounded to the nearest 5, counts from 1 to 7 become
  5, and true zeros stay zero. Totals are rounded on their own, so they may
  not add up.
* **Population groups** (seed 003): when every member of a row (or a
  column) with members falls in one category of the other dimension, the
  table says something about each of them; a ``sdc.population-group``
  warning names the group.
* **Differencing** (seed 003): given a :class:`ReleaseHistory`, a new table
  whose population is nested in an earlier one's (an outlet within its
  organisation, a half-year within its year), or contains it, is compared
  cell by cell; a difference of 1–4 between published counts is suppressed
  in the new table (or the table is refused).

Hidden cells are :class:`Suppressed` values, never ``0`` or ``None``, and
no arithmetic is defined on them.
"""

from __future__ import annotations

from dexcore.privacy.sdc._cells import (
    Cell,
    Policy,
    RoundingPolicy,
    Suppressed,
    SuppressionKind,
    SuppressionPolicy,
    round_count,
)
from dexcore.privacy.sdc._differencing import ReleaseHistory
from dexcore.privacy.sdc._population import Population
from dexcore.privacy.sdc._protect import protect
from dexcore.privacy.sdc._released import DisclosureWarning, ReleasedTable
from dexcore.privacy.sdc._tables import (
    ALL_CLIENTS,
    BY_ATSI,
    BY_CALD,
    BY_DISABILITY,
    BY_GENDER,
    BY_OUTLET,
    BY_PERIOD,
    BY_SERVICE_TYPE,
    BY_STATE,
    CountTable,
    Dimension,
    count_clients,
    count_table,
)

__all__ = [
    "ALL_CLIENTS",
    "BY_ATSI",
    "BY_CALD",
    "BY_DISABILITY",
    "BY_GENDER",
    "BY_OUTLET",
    "BY_PERIOD",
    "BY_SERVICE_TYPE",
    "BY_STATE",
    "Cell",
    "CountTable",
    "Dimension",
    "DisclosureWarning",
    "Policy",
    "Population",
    "ReleaseHistory",
    "ReleasedTable",
    "RoundingPolicy",
    "Suppressed",
    "SuppressionKind",
    "SuppressionPolicy",
    "count_clients",
    "count_table",
    "protect",
    "round_count",
]
