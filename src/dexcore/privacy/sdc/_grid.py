"""The table being protected: its true values, what is published, and the lines they sum along.

Secondary suppression is driven by the protection audit (:mod:`._audit`):
hide the cheapest cell that shares a line with a value the attacker can
still narrow too far, audit again, and repeat until every hidden value's
feasible range is at least the protection range wide. Hiding a value only
ever widens the feasible ranges, and a table whose every non-zero value is
hidden leaves every range unbounded, so the loop ends. A last pass shows
again every secondary cell the guarantee does not need, largest first, so
nothing stays hidden without need.
"""

from __future__ import annotations

from collections.abc import Callable

from dexcore.privacy.sdc._audit import (
    Position,
    Range,
    feasible_ranges,
    known_ranges,
    too_narrow,
)
from dexcore.privacy.sdc._cells import Cell, Suppressed, SuppressionKind
from dexcore.privacy.sdc._tables import CountTable


class _Grid:
    """The table's values (cells plus margins) as one matrix, with the lines they sum along.

    Args:
        table: The counts.
        protection: How wide the feasible range of every hidden value must be.
        rounded_range: Under a rounding policy, the range of counts that
            round to a published value; ``None`` under suppression.
    """

    def __init__(
        self,
        table: CountTable,
        *,
        protection: int,
        rounded_range: Callable[[int], tuple[int, int]] | None = None,
    ) -> None:
        self.n_rows = len(table.rows)
        self.n_columns = len(table.columns)
        self.margins = table.margins
        self.protection = protection
        self.rounded_range = rounded_range
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
        # What each hidden value showed before it was hidden: its count, or under rounding
        # its rounded count, which is what showing it again must put back.
        self.shown_before: dict[Position, Cell] = {}
        # Only a line published with its margin tells the attacker anything.
        self.lines: list[list[Position]] = (
            [[(i, j) for j in range(width)] for i in range(height)]
            + [[(i, j) for i in range(height)] for j in range(width)]
            if self.margins
            else []
        )

    def is_total(self, i: int, j: int) -> bool:
        return i == self.n_rows or j == self.n_columns

    def is_hidden(self, p: Position) -> bool:
        return isinstance(self.published[p[0]][p[1]], Suppressed)

    def hide(self, i: int, j: int, kind: SuppressionKind, threshold: int) -> None:
        shown = self.published[i][j]
        if not isinstance(shown, Suppressed):
            self.shown_before[i, j] = shown
            self.published[i][j] = Suppressed(kind, threshold)

    # -- the audit --------------------------------------------------------------------------

    def ranges(self) -> dict[Position, Range]:
        """The feasible range of every value the attacker does not know exactly."""
        known = known_ranges(self.true, self.published, self.rounded_range)
        return feasible_ranges(self.true, known, self.lines)

    def unprotected(self) -> list[Position]:
        """The hidden values the attacker can narrow below the protection range (a quick audit)."""
        known = known_ranges(self.true, self.published, self.rounded_range)
        hidden = {
            (i, j): self.protection
            for i, line in enumerate(self.published)
            for j, value in enumerate(line)
            if isinstance(value, Suppressed)
        }
        return too_narrow(self.true, known, self.lines, hidden)

    def failures(self, ranges: dict[Position, Range]) -> list[Position]:
        """The hidden values the attacker can narrow below the protection range."""
        return [
            p
            for p, (low, high) in ranges.items()
            if self.is_hidden(p) and high is not None and high - low < self.protection
        ]

    def pinned(self, ranges: dict[Position, Range]) -> list[Position]:
        """Shown non-zero values (under rounding) the attacker can work out exactly.

        Either the lines pin them, or the policy does: a shown value only one
        count rounds to is that count.
        """
        pinned = [
            p
            for p, (low, high) in ranges.items()
            if not self.is_hidden(p) and high is not None and high == low
        ]
        if self.rounded_range is not None:
            pinned += [
                (i, j)
                for i, line in enumerate(self.published)
                for j, value in enumerate(line)
                if isinstance(value, int)
                and value > 0
                and (i, j) not in ranges
                and len(set(self.rounded_range(value))) == 1
            ]
        return pinned

    # -- choosing secondary cells -----------------------------------------------------------

    def _candidates(self, p: Position) -> list[Position]:
        i, j = p
        shared = [(i, c) for c in range(len(self.true[0]))] + [
            (r, j) for r in range(len(self.true))
        ]
        everything = [(r, c) for r in range(len(self.true)) for c in range(len(self.true[0]))]
        for pool in (shared, everything):
            found = [q for q in pool if not self.is_hidden(q) and self.true[q[0]][q[1]] > 0]
            if found:
                return found
        return []

    def _other_line_has_hidden(self, p: Position, q: Position) -> bool:
        """Whether ``q``'s line that does not pass through ``p`` already hides a value."""
        if q[0] == p[0]:
            return any(self.is_hidden((r, q[1])) for r in range(len(self.true)) if r != q[0])
        return any(self.is_hidden((q[0], c)) for c in range(len(self.true[0])) if c != q[1])

    def _cheapest(self, p: Position) -> Position | None:
        candidates = self._candidates(p)
        if not candidates:
            return None
        return min(
            candidates,
            key=lambda q: (
                self.is_total(*q),
                not self._other_line_has_hidden(p, q),
                self.true[q[0]][q[1]],
                q,
            ),
        )

    def _sign(self, i: int, j: int) -> int:
        """+1 for a cell, -1 for a margin, +1 for the total: lines of ``sign * value`` sum to 0."""
        return (-1 if i == self.n_rows else 1) * (-1 if j == self.n_columns else 1)

    def _rectangle(self, p: Position, q: Position) -> tuple[tuple[int, int, int], int] | None:
        """The cost of hiding the rectangle with corners ``p`` and ``q``, and the room it gives.

        Moving the four corners together (``+s`` and ``-s`` alternately, with
        margins moving with their line) keeps every line's sum, so ``p`` can
        move as far as the smallest of the corners that move against it
        allows, up and down: that is a lower bound of its feasible range.
        """
        (i, j), (k, m) = p, q
        corners = [(i, j), (i, m), (k, j), (k, m)]
        direction = [1, -1, -1, 1]
        reference = self._sign(i, j)
        up = down = None
        new_totals = new_cells = new_value = 0
        for (r, c), d in zip(corners, direction, strict=True):
            value = self.true[r][c]
            if not self.is_hidden((r, c)):
                if value == 0:
                    return None  # zeros are published, never hidden
                new_totals += self.is_total(r, c)
                new_cells += 1
                new_value += value
            room = value - (1 if value > 0 else 0)
            if d * self._sign(r, c) * reference > 0:
                down = room if down is None else min(down, room)
            else:
                up = room if up is None else min(up, room)
        return (new_totals, new_cells, new_value), (up or 0) + (down or 0)

    def _best_rectangle(self, p: Position) -> list[Position]:
        """The cheapest rectangle through ``p`` whose room reaches the protection range."""
        height, width = len(self.true), len(self.true[0])
        best: tuple[tuple[bool, tuple[int, int, int], int], Position] | None = None
        for k in range(height):
            for m in range(width):
                if k == p[0] or m == p[1]:
                    continue
                found = self._rectangle(p, (k, m))
                if found is None:
                    continue
                cost, room = found
                key = (room < self.protection, cost, -room)
                if best is None or key < best[0]:
                    best = (key, (k, m))
        if best is None:
            return []
        k, m = best[1]
        return [q for q in [(p[0], m), (k, p[1]), (k, m)] if not self.is_hidden(q)]

    def secondary(self, threshold: int) -> None:
        """Hide further values until the audit passes, then show again those not needed."""
        while failing := self.unprotected():
            target = min(failing, key=lambda q: (self.is_total(*q), self.true[q[0]][q[1]], q))
            chosen = self._best_rectangle(target)
            if not chosen:
                cheapest = self._cheapest(target)
                if cheapest is None:  # pragma: no cover - all non-zero hidden: unbounded
                    break
                chosen = [cheapest]
            for q in chosen:
                self.hide(*q, SuppressionKind.SECONDARY, threshold)
        self._show_unneeded()

    def _show_unneeded(self) -> None:
        """Show again, largest first, every secondary value the guarantee holds without."""
        secondaries = [
            (i, j)
            for i, line in enumerate(self.published)
            for j, value in enumerate(line)
            if isinstance(value, Suppressed) and value.kind is SuppressionKind.SECONDARY
        ]
        secondaries.sort(key=lambda p: (not self.is_total(*p), -self.true[p[0]][p[1]], p))
        for i, j in secondaries:
            hidden = self.published[i][j]
            self.published[i][j] = self.shown_before[i, j]
            if self.unprotected():
                self.published[i][j] = hidden
