"""Coarsening policies for unit-record exports: which quasi-identifiers are kept, and how coarse.

Public through :mod:`dexcore.privacy.exports`.
"""

from __future__ import annotations

import enum
import itertools

import attrs

from dexcore.errors import DexValueError

__all__ = ["DETAILED", "MINIMAL", "STANDARD", "CoarseningPolicy", "Geography"]


class Geography(enum.StrEnum):
    """How much of the client's locality a unit-record export keeps."""

    POSTCODE = "postcode"
    STATE = "state"
    NONE = "none"


def _bands(value: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(value)


def _optional_bands(value: tuple[int, ...] | None) -> tuple[int, ...] | None:
    return None if value is None else tuple(value)


def _bands_ok(bands: tuple[int, ...]) -> bool:
    return bool(bands) and bands[0] == 0 and all(b > a for a, b in itertools.pairwise(bands))


def _band(bands: tuple[int, ...], value: int) -> str:
    """The label of the band ``value`` falls in: ``"25-44"``, ``"1"`` or ``"65+"``."""
    for low, high in itertools.pairwise(bands):
        if low <= value < high:
            return str(low) if high - 1 == low else f"{low}-{high - 1}"
    return f"{bands[-1]}+"


@attrs.frozen(kw_only=True)
class CoarseningPolicy:
    """How a unit-record export coarsens the quasi-identifiers it keeps.

    Attributes:
        name: The policy's name, recorded with every export.
        age_bands: Lower bounds of the age bands, ascending from 0; the last
            band is open (``(0, 15, 25, 45, 65)`` gives 0-14 … 65+).
        geography: Postcode, state, or nothing.
        gender: Keep the DEX gender code.
        atsi: Keep Indigenous status as yes, no or not stated.
        cald: Keep "culturally and linguistically diverse" as yes, no or not
            stated, instead of country of birth and language.
        disability: Keep disability as yes or no.
        session_bands: Lower bounds of the bands of sessions attended,
            ascending from 0 (``(0, 1, 5, 10, 20)`` gives 0, 1-4 … 20+), or
            ``None`` to leave the count out. The count is a quasi-identifier:
            attendance is seen by staff, family and other attendees, and an
            exact count over half a year is close to unique.
    """

    name: str
    age_bands: tuple[int, ...] = attrs.field(converter=_bands)
    geography: Geography = Geography.STATE
    gender: bool = True
    atsi: bool = True
    cald: bool = True
    disability: bool = True
    session_bands: tuple[int, ...] | None = attrs.field(
        default=(0, 1, 5, 10, 20), converter=_optional_bands
    )

    def __attrs_post_init__(self) -> None:
        if not _bands_ok(self.age_bands):
            raise DexValueError("CoarseningPolicy.age_bands must start at 0 and ascend strictly")
        if self.session_bands is not None and not _bands_ok(self.session_bands):
            raise DexValueError(
                "CoarseningPolicy.session_bands must start at 0 and ascend strictly, or be None"
            )
        if not isinstance(self.geography, Geography):
            raise DexValueError("CoarseningPolicy.geography must be a Geography")

    @property
    def quasi_identifiers(self) -> tuple[str, ...]:
        """The :class:`UnitRecord` fields this policy keeps, all quasi-identifiers."""
        names = ["age_band"]
        if self.geography is not Geography.NONE:
            names.append("region")
        names.extend(n for n in ("gender", "atsi", "cald", "disability") if getattr(self, n))
        if self.session_bands is not None:
            names.append("sessions")
        return tuple(names)

    def coarsening(self) -> dict[str, object]:
        """How each kept quasi-identifier is coarsened, by field name (compared across exports)."""
        how: dict[str, object] = dict.fromkeys(self.quasi_identifiers, "kept")
        how["age_band"] = self.age_bands
        if "region" in how:
            how["region"] = str(self.geography)
        if self.session_bands is not None:
            how["sessions"] = self.session_bands
        return how

    def age_band(self, age: int) -> str:
        """The label of the band ``age`` falls in, such as ``"25-44"`` or ``"65+"``."""
        return _band(self.age_bands, age)

    def sessions_band(self, sessions: int) -> str | None:
        """The label of the band of ``sessions`` attended, or ``None`` when the policy drops it."""
        return None if self.session_bands is None else _band(self.session_bands, sessions)

    def describe(self) -> dict[str, object]:
        """The policy as plain data, for the export's metadata."""
        return {
            "name": self.name,
            "age_bands": list(self.age_bands),
            "geography": str(self.geography),
            "session_bands": None if self.session_bands is None else list(self.session_bands),
            "quasi_identifiers": list(self.quasi_identifiers),
        }


# Five age groups, state, gender, Indigenous status, CALD, disability and
# sessions in five bands (0, 1-4, 5-9, 10-19, 20+).
STANDARD = CoarseningPolicy(name="standard", age_bands=(0, 15, 25, 45, 65))
# Ten-year age bands to 80+, the postcode and seven session bands: finer, so
# k is harder to reach.
DETAILED = CoarseningPolicy(
    name="detailed",
    age_bands=(0, 10, 20, 30, 40, 50, 60, 70, 80),
    geography=Geography.POSTCODE,
    session_bands=(0, 1, 2, 5, 10, 20, 50),
)
# Three age groups, the state and gender only; no session count.
MINIMAL = CoarseningPolicy(
    name="minimal",
    age_bands=(0, 25, 65),
    atsi=False,
    cald=False,
    disability=False,
    session_bands=None,
)
