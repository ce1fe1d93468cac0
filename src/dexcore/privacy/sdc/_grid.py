"""The table being protected: its true values, what is published, and the lines they sum along."""

from __future__ import annotations

from dexcore.privacy.sdc._cells import Cell, Suppressed, SuppressionKind
from dexcore.privacy.sdc._tables import CountTable


class _Grid:
    """The table's values (cells plus margins) as one matrix, with the lines they sum along."""

    def __init__(self, table: CountTable) -> None:
        self.n_rows = len(table.rows)
        self.n_columns = len(table.columns)
        self.margins = table.margins
        width = self.n_columns + (1 if self.margins else 0)
        height = self.n_rows + (1 if self.margins else 0)
        self.true: list[list[int]] = [[0] * width for _ in range(height)]
        for i in range(self.n_rows):
            for j in range(self.n_columns):
                self.true[i][j] = table.counts[i][j]
        if self.margins:
            for i in range(self.n_rows):
                self.true[i][self.n_columns] = table.row_totals[i]
            for j in range(self.n_columns):
                self.true[self.n_rows][j] = table.column_totals[j]
            self.true[self.n_rows][self.n_columns] = table.total
        self.published: list[list[Cell]] = [list(row) for row in self.true]
        self.lines: list[list[tuple[int, int]]] = [
            [(i, j) for j in range(width)] for i in range(height)
        ] + [[(i, j) for i in range(height)] for j in range(width)]

    def is_total(self, i: int, j: int) -> bool:
        return i == self.n_rows or j == self.n_columns

    def label(self, table: CountTable, i: int, j: int) -> tuple[str | None, str | None]:
        row = None if i == self.n_rows else table.rows[i]
        column = None if j == self.n_columns else table.columns[j]
        return row, column

    def hide(self, i: int, j: int, kind: SuppressionKind, threshold: int) -> None:
        if not isinstance(self.published[i][j], Suppressed):
            self.published[i][j] = Suppressed(kind, threshold)

    def secondary(self, threshold: int) -> None:
        """Hide further values until no line with two or more members has exactly one hidden."""
        changed = True
        while changed:
            changed = False
            for line in self.lines:
                if len(line) < 2:
                    continue
                hidden = [p for p in line if isinstance(self.published[p[0]][p[1]], Suppressed)]
                if len(hidden) != 1:
                    continue
                candidates = [
                    p for p in line if not isinstance(self.published[p[0]][p[1]], Suppressed)
                ]
                i, j = min(
                    candidates,
                    key=lambda p: (
                        self.is_total(*p),
                        self.true[p[0]][p[1]] == 0,
                        self.true[p[0]][p[1]],
                        p,
                    ),
                )
                self.hide(i, j, SuppressionKind.SECONDARY, threshold)
                changed = True
