"""Disclosure control for published counts: suppression, rounding, population groups, differencing.

A count table about clients can only be published through :func:`protect`,
which returns a :class:`ReleasedTable` carrying the policy that produced it.
The guarantees are stated, and their limits listed, in ``docs/howto/privacy.md``.

* **Distinct clients, never sessions.** A :class:`CountTable` is built from
  ``(client, row, column)`` contributions by :func:`count_clients` or
  :func:`count_table`; each cell, margin and total counts distinct clients,
  so a client seen at ten sessions counts once ("count contributors", as the
  ABS's *Data Confidentiality Guide* puts it).
* **Suppression** (:class:`SuppressionPolicy`, the default; the practice of
  DSS's open data before December 2022 and of the AIHW): counts from 1 to 4
  are hidden, zeros are published, and further values are hidden until a
  linear-programming audit shows that no hidden count can be narrowed, from
  everything published, to a range narrower than the policy's protection
  range (4 by default). Every hidden value prints ``n.p.``.
* **Rounding** (:class:`RoundingPolicy`; DSS's open-data practice since
  December 2022): every count is rounded to the nearest 5, counts from 1 to
  7 become 5, and true zeros stay zero. Totals are rounded on their own, so
  they may not add up; a table whose rounded margins pin a count exactly is
  refused.
* **Population groups**: when every member of a row (or a column) with
  members falls in one category of the other dimension, the table says
  something about each of them; a ``sdc.population-group`` warning names the
  group.
* **Differencing**: given a :class:`ReleaseHistory`, each value of a new
  table is compared, under canonical names and labels and in either
  orientation, with earlier values whose population nests with it, and
  with the sums of published sibling values (a parent minus its published
  children); a value that leaves 1–4 is suppressed in the new table, or the
  table is refused.

Hidden cells are :class:`Suppressed` values, never ``0`` or ``None``, and
no arithmetic is defined on them.

More information:

* Australian Bureau of Statistics, *Data Confidentiality Guide*,
  https://www.abs.gov.au/about/data-services/data-confidentiality-guide
* Hundepool, A. et al., *Statistical Disclosure Control*, Wiley, 2012,
  chapter 5 (frequency tables: suppression, protection intervals, audits).
* Department of Social Services, open data on data.gov.au (the DSS
  Benefit and Payment Recipient Demographics notes on suppression and on
  rounding since December 2022), https://data.gov.au/organization/dss
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
from dexcore.privacy.sdc._released import DisclosureWarning, ProtectionSummary, ReleasedTable
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
    "ProtectionSummary",
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
