"""Published cells and the two disclosure-control policies: suppression and rounding."""

from __future__ import annotations

import enum

import attrs

from dexcore.errors import DexValueError

#: Label of the margins in :meth:`ReleasedTable.to_dict` and text output.
TOTAL = "Total"


class SuppressionKind(enum.StrEnum):
    """Why a cell is hidden. Kept for the publisher's records; every hidden cell prints ``n.p.``."""

    PRIMARY = "primary"  #: The count itself is too small.
    SECONDARY = "secondary"  #: Hidden so that no hidden count can be worked out or narrowed.
    DIFFERENCING = "differencing"  #: Its difference with an earlier release is too small.


#: How every hidden count is shown, whatever the reason it is hidden.
NOT_PUBLISHED = "n.p."


@attrs.frozen
class Suppressed:
    """A hidden count. It is not a number: it has no arithmetic, and prints as ``n.p.``.

    Every hidden count carries the same label, as the ABS and the AIHW
    publish them: a reader who could tell a small count (``<5``) from one
    hidden to protect it would learn which hidden counts are small, and
    with the margins often their values.

    Attributes:
        kind: Why it is hidden (not shown in the published table).
        threshold: The policy's threshold (counts below it are small).
    """

    kind: SuppressionKind
    threshold: int = 5

    def __str__(self) -> str:
        return NOT_PUBLISHED


#: A published cell: a count, or a hidden one.
Cell = int | Suppressed


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@attrs.frozen(kw_only=True)
class SuppressionPolicy:
    """Hide counts from 1 to ``threshold - 1``, then hide more until none can be narrowed.

    After the small counts are hidden, :func:`~dexcore.privacy.sdc.protect`
    audits the table as an attacker would (see the protection audit in
    ``docs/howto/privacy.md``) and hides further cells until the feasible range
    of every hidden count, given everything published, is at least
    :attr:`protection_range` wide.

    Attributes:
        threshold: Counts below it (and above zero) are hidden; 5 by default.
        protection: How wide the feasible range of every hidden count must
            be; by default ``threshold - 1``, so that no one can tell from
            the table that a hidden count is below the threshold (a hidden
            count of 1 may be anything from 1 to at least 5).
    """

    threshold: int = 5
    protection: int | None = None

    def __attrs_post_init__(self) -> None:
        if not _whole(self.threshold) or self.threshold < 2:
            raise DexValueError("SuppressionPolicy.threshold must be a whole number of at least 2")
        if self.protection is not None and (not _whole(self.protection) or self.protection < 1):
            raise DexValueError(
                "SuppressionPolicy.protection must be a whole number of at least 1 "
                "(or None for threshold - 1)"
            )

    @property
    def protection_range(self) -> int:
        """The protection range in force: :attr:`protection`, or ``threshold - 1``."""
        return self.threshold - 1 if self.protection is None else self.protection

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
            "protection_range": self.protection_range,
            "hidden_label": NOT_PUBLISHED,
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
        if not _whole(self.base) or self.base < 2:
            raise DexValueError("RoundingPolicy.base must be a whole number of at least 2")
        if not _whole(self.small_up_to) or self.small_up_to < 1:
            raise DexValueError("RoundingPolicy.small_up_to must be a whole number of at least 1")
        if 2 * (self.small_up_to + 1) < self.base:
            # A count just above small_up_to would round down to 0, and 0 means "none".
            raise DexValueError(
                "RoundingPolicy.small_up_to must be at least half of base less 1, so that no "
                "count above it rounds to 0"
            )

    @property
    def name(self) -> str:
        """A short name for the policy."""
        return f"round-to-{self.base}"

    @property
    def threshold(self) -> int:
        """The smallest count a reader can tell apart from zero after rounding: ``base``."""
        return self.base

    @property
    def protection_range(self) -> int:
        """How wide the feasible range of a count hidden by the differencing guard must be."""
        return self.base - 1

    def counts_rounding_to(self, published: int) -> tuple[int, int]:
        """The smallest and largest count that this policy rounds to ``published``.

        Raises:
            DexValueError: no count rounds to ``published``.
        """
        reach = self.base + self.small_up_to
        matches = [
            count
            for count in range(max(0, published - reach), published + reach + 1)
            if round_count(count, self) == published
        ]
        if not matches:
            raise DexValueError(f"no count rounds to {published} under {self.name}")
        return matches[0], matches[-1]

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
