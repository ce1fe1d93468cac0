"""A count table after disclosure control, ready to publish."""

from __future__ import annotations

import attrs

from dexcore.privacy.sdc._cells import TOTAL, Cell, Policy, Suppressed
from dexcore.privacy.sdc._population import Population
from dexcore.privacy.sdc._tables import _index


@attrs.frozen
class DisclosureWarning:
    """Something a reader of the released table could learn that counts alone do not show.

    Attributes:
        code: ``sdc.population-group`` or ``sdc.differencing``.
        message: What was found, naming categories but no person.
        row: The row label concerned, if any.
        column: The column label concerned, if any.
    """

    code: str
    message: str
    row: str | None = None
    column: str | None = None


@attrs.frozen(kw_only=True)
class ProtectionSummary:
    """How many values a released table hides and why, and what the audit proved.

    This is for the publisher's records, not for publication: the published
    forms (:meth:`ReleasedTable.to_dict`, :meth:`ReleasedTable.to_text`)
    show every hidden value as ``n.p.`` and do not say which are small.

    Attributes:
        primary: Values hidden because they are small.
        secondary: Values hidden so that no hidden value can be worked out.
        differencing: Values hidden by the differencing guard.
        required_range: The protection range the audit enforced.
        narrowest_range: The narrowest feasible range the audit found among
            hidden values (``None`` when nothing is hidden or every hidden
            value is unbounded); never below :attr:`required_range`.
        audited: How many unknown values the audit bounded.
    """

    primary: int = 0
    secondary: int = 0
    differencing: int = 0
    required_range: int = 0
    narrowest_range: int | None = None
    audited: int = 0

    @property
    def hidden(self) -> int:
        """All hidden values, cells and margins."""
        return self.primary + self.secondary + self.differencing


@attrs.frozen(kw_only=True)
class ReleasedTable:
    """A count table after disclosure control, ready to publish, with the policy that made it.

    Attributes:
        title: What the table shows.
        row_dimension: Name of the row dimension.
        column_dimension: Name of the column dimension.
        rows: Row labels.
        columns: Column labels.
        cells: ``cells[i][j]``: a count or a :class:`Suppressed`.
        row_totals: Per row, or ``None`` when margins are not published.
        column_totals: Per column, or ``None``.
        total: The table total, or ``None``.
        policy: The policy applied.
        population: Whom the table counts.
        warnings: Population-group and differencing findings.
        protection: How many values are hidden and why, and the audit's
            narrowest range (for the publisher, not for publication).
    """

    title: str
    row_dimension: str
    column_dimension: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...] | None
    column_totals: tuple[Cell, ...] | None
    total: Cell | None
    policy: Policy
    population: Population
    warnings: tuple[DisclosureWarning, ...] = ()
    protection: ProtectionSummary = ProtectionSummary()

    def cell(self, row: str, column: str) -> Cell:
        """The published value of one cell.

        Raises:
            DexKeyError: no such row or column.
        """
        return self.cells[_index(self.rows, row, "row")][_index(self.columns, column, "column")]

    @property
    def suppressed(self) -> int:
        """How many published values (cells and margins) are hidden."""
        values: list[Cell | None] = [v for line in self.cells for v in line]
        values += list(self.row_totals or ()) + list(self.column_totals or ()) + [self.total]
        return sum(isinstance(v, Suppressed) for v in values)

    def to_dict(self) -> dict[str, object]:
        """The table as plain data; hidden cells become ``"<5"`` or ``"n.p."``."""

        def out(value: Cell | None) -> int | str | None:
            return str(value) if isinstance(value, Suppressed) else value

        return {
            "title": self.title,
            "rows": {"dimension": self.row_dimension, "labels": list(self.rows)},
            "columns": {"dimension": self.column_dimension, "labels": list(self.columns)},
            "cells": [[out(v) for v in line] for line in self.cells],
            "row_totals": None if self.row_totals is None else [out(v) for v in self.row_totals],
            "column_totals": (
                None if self.column_totals is None else [out(v) for v in self.column_totals]
            ),
            "total": out(self.total),
            "policy": self.policy.describe(),
            "population": self.population.describe(),
            "warnings": [{"code": w.code, "message": w.message} for w in self.warnings],
        }

    def to_text(self) -> str:
        """The table as aligned text, with its policy underneath."""
        header = [self.row_dimension, *self.columns] + ([TOTAL] if self.row_totals else [])
        body = []
        for i, row in enumerate(self.rows):
            line = [row, *(str(v) for v in self.cells[i])]
            if self.row_totals is not None:
                line.append(str(self.row_totals[i]))
            body.append(line)
        if self.column_totals is not None:
            body.append([TOTAL, *(str(v) for v in self.column_totals), str(self.total)])
        widths = [max(len(r[k]) for r in [header, *body]) for k in range(len(header))]
        lines = [self.title]
        lines.extend(
            "  ".join(v.ljust(widths[k]) if k == 0 else v.rjust(widths[k]) for k, v in enumerate(r))
            for r in [header, *body]
        )
        lines.append(f"policy: {self.policy.name}; counts are distinct clients")
        lines.extend(f"warning [{w.code}]: {w.message}" for w in self.warnings)
        return "\n".join(lines)

    def __repr__(self) -> str:
        from dexcore._notebook import released_repr  # noqa: PLC0415

        return released_repr(self)

    def _repr_html_(self) -> str:
        """A notebook summary: the published table, hidden values as ``n.p.``, cut to size."""
        from dexcore._notebook import released_html  # noqa: PLC0415

        return released_html(self)
