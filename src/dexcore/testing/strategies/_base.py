"""What the strategy modules share: default dates, name syllables, code tables."""

from __future__ import annotations

import datetime as dt
import enum
import functools
from typing import TypeVar

from hypothesis import strategies as st

from dexcore.model import ScoreType
from dexcore.reference import CodeType, ReferenceData

#: First session date the strategies produce unless told otherwise.
DEFAULT_FIRST_DAY = dt.date(2024, 1, 1)
#: Last date (sessions, birth dates, arrivals) the strategies produce unless told otherwise.
DEFAULT_LAST_DAY = dt.date(2024, 12, 31)

SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ra",
    "ten",
    "vo",
    "zu",
    "bel",
    "dor",
    "fen",
    "gri",
    "hal",
    "jun",
    "kes",
    "lum",
    "nor",
    "pel",
    "sar",
    "tov",
    "wen",
    "yar",
    "ush",
    "ixa",
)

#: Service types the sessions use (valid in the bundled reference data).
SERVICE_TYPES = (1, 2, 3, 5, 8, 10, 12, 13)
#: The score types of client assessments (Group/Community is a session's).
CLIENT_SCORES = (ScoreType.CIRCUMSTANCES, ScoreType.GOALS, ScoreType.SATISFACTION)

INCOME = st.none() | st.integers(0, 250_000)
MAYBE = st.none() | st.booleans()
E = TypeVar("E", bound=enum.Enum)


def optional(values: type[E]) -> st.SearchStrategy[E | None]:
    """``None`` or a member of the enum ``values``."""
    return st.none() | st.sampled_from(values)


@functools.cache
def word() -> st.SearchStrategy[str]:
    """Capitalised words of one to four syllables (never a real person's name)."""
    return st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=4).map(
        lambda parts: "".join(parts).capitalize()
    )


@functools.cache
def codes(reference: ReferenceData, table: str) -> st.SearchStrategy[str]:
    """The codes of an open table of ``reference``."""
    return st.sampled_from(sorted(reference.table(table).codes))


@functools.cache
def optional_code(reference: ReferenceData, table: str) -> st.SearchStrategy[str | None]:
    """``None`` or a code of an open table."""
    return st.none() | codes(reference, table)


@functools.cache
def disability_lists(reference: ReferenceData) -> st.SearchStrategy[list[str]]:
    """One or two stated disabilities."""
    stated = sorted(reference.table(CodeType.DISABILITY).codes - {"NOTSTATED"})
    return st.lists(st.sampled_from(stated), min_size=1, max_size=2, unique=True)


@functools.cache
def domains(reference: ReferenceData, score_type: ScoreType) -> tuple[str, ...]:
    """The domains ``score_type`` rates."""
    return tuple(sorted(reference.score_type(score_type).domain_codes))
