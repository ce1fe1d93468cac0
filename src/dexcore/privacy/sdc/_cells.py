"""Published cells and the two disclosure-control policies: suppression and rounding."""

from __future__ import annotations

import enum

import attrs

from dexcore.errors import DexValueError

#: Label of the margins in :meth:`ReleasedTable.to_dict` and text output.
TOTAL = "Total"


class SuppressionKind(enum.StrEnum):
    """Why a cell is hidden."""

    PRIMARY = "primary"  #: The count itself is too small.
    SECONDARY = "secondary"  #: Hidden so that a primary cell cannot be worked out.
    DIFFERENCING = "differencing"  #: Its difference with an earlier release is too small.


@attrs.frozen
class Suppressed:
    """A hidden count. It is not a number: it has no arithmetic, and prints as ``<5`` or ``n.p.``.

    Attributes:
        kind: Why it is hidden.
        threshold: The policy's threshold (counts below it are small).
    """

    kind: SuppressionKind
    threshold: int = 5

    def __str__(self) -> str:
        return f"<{self.threshold}" if self.kind is SuppressionKind.PRIMARY else "n.p."


#: A published cell: a count, or a hidden one.
Cell = int | Suppressed


@attrs.frozen(kw_only=True)
class SuppressionPolicy:
    """Suppress counts from 1 to ``threshold - 1``, then suppress consequentially.

    Attributes:
        threshold: Counts below it (and above zero) are hidden; 5 by default.
        secondary: Whether to hide further cells so no row or column has a
            single hidden cell (on by default; turn it off only for a table
            that is never published with its margins or other cells).
    """

    threshold: int = 5
    secondary: bool = True

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.threshold, int) or self.threshold < 2:
            raise DexValueError("SuppressionPolicy.threshold must be a whole number of at least 2")

    @property
    def name(self) -> str:
        """A short name for the policy."""
        return f"suppress-below-{self.threshold}"

    def describe(self) -> dict[str, object]:
        """The policy as plain data, carried with every released table."""
        return {
            "name": self.name,
            "method": "suppression",
            "threshold": self.threshold,
            "secondary": self.secondary,
            "zeros": "published",
            "unit": "distinct clients",
        }


@attrs.frozen(kw_only=True)
class RoundingPolicy:
    """Round every count to a multiple of ``base``; 1 to ``small_up_to`` become ``base``; 0 stays 0.

    With the defaults this is DSS's open-data practice since December 2022.

    Attributes:
        base: The multiple counts are rounded to; 5 by default.
        small_up_to: Counts from 1 to this become ``base``; 7 by default.
    """

    base: int = 5
    small_up_to: int = 7

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.base, int) or self.base < 2:
            raise DexValueError("RoundingPolicy.base must be a whole number of at least 2")
        if not isinstance(self.small_up_to, int) or self.small_up_to < 1:
            raise DexValueError("RoundingPolicy.small_up_to must be a whole number of at least 1")

    @property
    def name(self) -> str:
        """A short name for the policy."""
        return f"round-to-{self.base}"

    @property
    def threshold(self) -> int:
        """The smallest count a reader can tell apart from zero after rounding: ``base``."""
        return self.base

    def describe(self) -> dict[str, object]:
        """The policy as plain data, carried with every released table."""
        return {
            "name": self.name,
            "method": "rounding",
            "base": self.base,
            "small_up_to": self.small_up_to,
            "zeros": "published",
            "unit": "distinct clients",
            "additive": False,
        }


#: A disclosure-control policy.
Policy = SuppressionPolicy | RoundingPolicy


def round_count(count: int, policy: RoundingPolicy = RoundingPolicy()) -> int:
    """Round one count as ``policy`` says (``0 → 0``, ``1–7 → 5``, otherwise the nearest 5)."""
    if count < 0:
        raise DexValueError("round_count: a count cannot be negative")
    if count == 0:
        return 0
    if count <= policy.small_up_to:
        return policy.base
    low = count - count % policy.base
    return low + policy.base if 2 * (count - low) >= policy.base else low
