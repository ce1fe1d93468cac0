"""Organisations, their program activities, outlets, and addresses.

An organisation is funded for program activities and delivers them from
outlets; an outlet × an activity is an outlet activity, and every case sits
under one outlet activity (Data Exchange Protocols v13 §4.5; DSS
bulk-upload schema, element ``Outlet``; see ``docs/explanation/sources.md``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from dexcore.model import _fields as f
from dexcore.model.codes import State

__all__ = ["Organisation", "Outlet", "OutletActivity", "ProgramActivity", "ResidentialAddress"]


@attrs.frozen(kw_only=True)
class ResidentialAddress:
    """A residential (client) or outlet address: DEX ``ResidentialAddress``.

    Suburb, state and postcode are the minimum DEX needs to create a client
    (Protocols v13 §6.1.4). The street lines are personal: they are never
    shown by ``repr`` and must not be sent when the client has not consented.

    Attributes:
        suburb: Suburb or locality (DEX allows up to 50 characters).
        state: State or territory code.
        postcode: Four digits, kept as text so that ``0800`` (NT) keeps its zero.
        address_line1: First street line, if any.
        address_line2: Second street line, if any.
    """

    suburb: str = attrs.field(validator=f.text)
    state: State = attrs.field(validator=f.member(State))
    postcode: str = attrs.field(validator=f.postcode)
    address_line1: str | None = attrs.field(default=None, repr=False, validator=f.optional_text)
    address_line2: str | None = attrs.field(default=None, repr=False, validator=f.optional_text)

    @property
    def has_street(self) -> bool:
        """Whether any street line is present."""
        return self.address_line1 is not None or self.address_line2 is not None


@attrs.frozen(kw_only=True)
class ProgramActivity:
    """A program activity the organisation is funded to deliver.

    Attributes:
        organisation_activity_id: DSS's id of this activity for this organisation.
        name: Program activity name, such as "Settlement Engagement and Transition Support".
        start_date: First day of the activity.
        end_date: Last day, when it has one.
        delivering_on_behalf_of_another_organisation: Whether a lead
            organisation holds the grant and this one delivers for it.
        has_partnership_ended: Whether that delivery partnership has ended.
        service_type_ids: The service types valid for this activity, when
            known (from the organisation's activity data); empty when unknown.
    """

    organisation_activity_id: int = attrs.field(validator=f.whole(0))
    name: str = attrs.field(validator=f.text)
    start_date: dt.date | None = attrs.field(default=None, validator=f.optional_day)
    end_date: dt.date | None = attrs.field(default=None, validator=f.optional_day)
    delivering_on_behalf_of_another_organisation: bool = attrs.field(
        default=False, validator=f.flag
    )
    has_partnership_ended: bool = attrs.field(default=False, validator=f.flag)
    service_type_ids: tuple[int, ...] = attrs.field(default=(), converter=f.ints)


@attrs.frozen(kw_only=True)
class OutletActivity:
    """One program activity delivered at one outlet.

    Attributes:
        organisation_activity_id: The program activity delivered.
        start_date: First day the outlet delivers it.
        end_date: Last day the outlet delivers it.
        outlet_activity_id: DEX's system-generated id, which cases refer to;
            absent in a bulk ``Outlets`` upload that creates the outlet.
    """

    organisation_activity_id: int = attrs.field(validator=f.whole(0))
    start_date: dt.date = attrs.field(validator=f.day)
    end_date: dt.date = attrs.field(validator=f.day)
    outlet_activity_id: int | None = attrs.field(default=None, validator=f.optional_whole(0))


def _outlet_activitys(value: Iterable[OutletActivity]) -> tuple[OutletActivity, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Outlet:
    """The physical location from which services are mainly delivered.

    Attributes:
        name: Outlet name.
        address: Where the outlet is.
        activities: The program activities delivered here.
        outlet_id: DEX's id of the outlet, present when updating one.
    """

    name: str = attrs.field(validator=f.text)
    address: ResidentialAddress = attrs.field(validator=f.instance_of(ResidentialAddress))
    activities: tuple[OutletActivity, ...] = attrs.field(
        default=(), converter=_outlet_activitys, validator=f.all_of(OutletActivity)
    )
    outlet_id: int | None = attrs.field(default=None, validator=f.optional_whole(0))


def _program_activitys(value: Iterable[ProgramActivity]) -> tuple[ProgramActivity, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Organisation:
    """An organisation that reports to DEX.

    Attributes:
        name: The organisation's name.
        organisation_id: Its DEX organisation id, when known.
        program_activities: The activities it is funded for.
    """

    name: str = attrs.field(validator=f.text)
    organisation_id: str | None = attrs.field(default=None, validator=f.optional_text)
    program_activities: tuple[ProgramActivity, ...] = attrs.field(
        default=(), converter=_program_activitys, validator=f.all_of(ProgramActivity)
    )
