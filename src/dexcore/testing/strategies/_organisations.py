"""Strategies of organisations, their program activities and outlets."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from dexcore.model import Organisation, Outlet, OutletActivity, ProgramActivity
from dexcore.testing.strategies._base import SERVICE_TYPES, word
from dexcore.testing.strategies._people import addresses

__all__ = ["organisations", "outlet_activities", "outlets", "program_activities"]

_FIRST_START = dt.date(2014, 7, 1)  # DEX began on 1 July 2014
_LAST_START = dt.date(2024, 6, 30)


def program_activities() -> st.SearchStrategy[ProgramActivity]:
    """Program activities, with or without their list of valid service types."""
    return st.builds(
        ProgramActivity,
        organisation_activity_id=st.integers(1, 100_000),
        name=st.sampled_from(
            ("Family and Relationship Services", "Settlement Engagement and Transition Support")
        ),
        start_date=st.none() | st.dates(dt.date(2014, 7, 1), dt.date(2024, 7, 1)),
        service_type_ids=st.lists(st.sampled_from(SERVICE_TYPES), unique=True).map(tuple),
    )


def outlet_activities(start: dt.date | None = None) -> st.SearchStrategy[OutletActivity]:
    """Program activities delivered at an outlet, from ``start`` (or any day) to a later day."""
    starts = st.just(start) if start is not None else st.dates(_FIRST_START, _LAST_START)
    return starts.flatmap(
        lambda day: st.builds(
            OutletActivity,
            organisation_activity_id=st.integers(1, 100_000),
            start_date=st.just(day),
            end_date=st.dates(day, dt.date(2030, 6, 30)),
            outlet_activity_id=st.none() | st.integers(1, 100_000),
        )
    )


@st.composite
def outlets(draw: st.DrawFn) -> Outlet:
    """Outlets with their program activities."""
    start = draw(st.dates(_FIRST_START, _LAST_START))
    return Outlet(
        name=f"{draw(word())} Centre",
        address=draw(addresses(street=True)),
        activities=tuple(draw(st.lists(outlet_activities(start), max_size=3))),
        outlet_id=draw(st.none() | st.integers(1, 100_000)),
    )


def organisations() -> st.SearchStrategy[Organisation]:
    """Organisations with their program activities."""
    return st.builds(
        Organisation,
        name=word().map(lambda w: f"{w} Community Services"),
        organisation_id=st.none() | st.from_regex(r"ORG-[0-9]{4}", fullmatch=True),
        program_activities=st.lists(program_activities(), max_size=3).map(tuple),
    )
