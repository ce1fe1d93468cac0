"""Strategies of people: names, birth dates, addresses, SLKs, demographics, clients."""

from __future__ import annotations

import datetime as dt
import functools
import string

from hypothesis import strategies as st

from dexcore.model import (
    AccommodationType,
    AtsiOrigin,
    Client,
    DvaCardStatus,
    ExtendedDemographics,
    Gender,
    HouseholdComposition,
    IncomeFrequency,
    MainSourceOfIncome,
    MigrationVisaCategory,
    Month,
    ResidentialAddress,
    State,
)
from dexcore.reference import CodeType, ReferenceData, bundled
from dexcore.slk import SlkPolicy, estimated_birth_date, generate
from dexcore.testing.strategies._base import (
    DEFAULT_LAST_DAY,
    INCOME,
    MAYBE,
    codes,
    disability_lists,
    optional,
    optional_code,
    word,
)

__all__ = [
    "addresses",
    "birth_dates",
    "clients",
    "extended_demographics",
    "names",
    "postcodes",
    "slks",
]

# First digits of real postcodes by state (NT's start with 0).
_POSTCODE_RANGES: dict[State, tuple[int, int]] = {
    State.NSW: (2000, 2999),
    State.ACT: (2600, 2620),
    State.VIC: (3000, 3999),
    State.QLD: (4000, 4999),
    State.SA: (5000, 5799),
    State.WA: (6000, 6797),
    State.TAS: (7000, 7799),
    State.NT: (800, 899),
    State.OT: (6798, 6799),
}

_CLIENT_STATES = tuple(_POSTCODE_RANGES)
# Real localities (not personal data), kept apart from the name syllables.
_SUBURBS = (
    "Parramatta",
    "Darwin",
    "Katherine",
    "Bendigo",
    "Toowoomba",
    "Elizabeth",
    "Bunbury",
    "Launceston",
    "Belconnen",
    "Christmas Island",
    "Alice Springs",
    "Dubbo",
)


def _accented(text: str) -> str:
    return text.replace("e", "é", 1).replace("u", "ü", 1).replace("n", "ñ", 1)


@functools.cache
def names() -> st.SearchStrategy[str]:
    """Synthetic names that exercise SLK cleaning: one letter, hyphens, O', Mc, accents, spaces."""
    syllables = word()
    return st.one_of(
        syllables,
        st.sampled_from(string.ascii_uppercase),
        st.tuples(syllables, syllables).map(lambda pair: f"{pair[0]}-{pair[1]}"),
        syllables.map(lambda w: f"O'{w}"),
        syllables.map(lambda w: f"Mc{w}"),
        syllables.map(lambda w: f"Mac {w}"),
        syllables.map(_accented),
        syllables.map(lambda w: f"{w}."),
        syllables.map(lambda w: f"  {w.lower()} "),
    )


@functools.cache
def birth_dates(
    *, last_day: dt.date = DEFAULT_LAST_DAY, estimated: bool | None = None
) -> st.SearchStrategy[tuple[dt.date, bool]]:
    """``(birth date, is an estimate)``; estimates fall on 1 January, as DEX requires."""
    exact = st.dates(dt.date(1900, 1, 1), last_day).map(lambda day: (day, False))
    rough = st.integers(1900, last_day.year).map(lambda year: (estimated_birth_date(year), True))
    if estimated is None:
        return st.one_of(exact, rough)
    return rough if estimated else exact


@functools.cache
def postcodes(state: State) -> st.SearchStrategy[str]:
    """Four-digit postcodes of ``state``, as text (NT's start with ``0``)."""
    low, high = _POSTCODE_RANGES.get(state, (200, 9999))
    return st.integers(low, high).map(lambda number: f"{number:04d}")


@st.composite
def addresses(draw: st.DrawFn, *, street: bool | None = None) -> ResidentialAddress:
    """Residential addresses, with or without street lines."""
    state = draw(st.sampled_from(_CLIENT_STATES))
    with_street = draw(st.booleans()) if street is None else street
    line1 = f"{draw(st.integers(1, 999))} {draw(word())} St" if with_street else None
    line2 = draw(st.sampled_from([None, "Unit 2", "Rear"])) if with_street else None
    return ResidentialAddress(
        suburb=draw(st.sampled_from(_SUBURBS)),
        state=state,
        postcode=draw(postcodes(state)),
        address_line1=line1,
        address_line2=line2,
    )


@st.composite
def extended_demographics(
    draw: st.DrawFn,
    *,
    birth_year: int = 1980,
    birth_month: int = 1,
    last_day: dt.date = DEFAULT_LAST_DAY,
    reference: ReferenceData | None = None,
) -> ExtendedDemographics:
    """Partnership Approach demographics, consistent with each other and the birth year."""
    ref = reference or bundled()
    income = draw(INCOME)
    arrival = draw(st.none() | st.integers(birth_year, last_day.year))
    return ExtendedDemographics(
        household_composition=draw(optional(HouseholdComposition)),
        main_source_of_income=draw(optional(MainSourceOfIncome)),
        income_amount=income,
        income_frequency=None if income is None else draw(st.sampled_from(IncomeFrequency)),
        first_arrival_year=arrival,
        first_arrival_month=None
        if arrival is None
        else Month.from_number(
            draw(
                st.integers(
                    birth_month if arrival == birth_year else 1,
                    last_day.month if arrival == last_day.year else 12,
                )
            )
        ),
        migration_visa_category=draw(optional(MigrationVisaCategory)),
        ancestry=draw(optional_code(ref, CodeType.ANCESTRY)),
        homeless_indicator=draw(optional_code(ref, CodeType.HOMELESS_INDICATOR)),
        education_level=draw(optional_code(ref, CodeType.EDUCATION_LEVEL)),
        employment_status=draw(optional_code(ref, CodeType.EMPLOYMENT_STATUS)),
        is_client_a_carer=draw(MAYBE),
        ndis_eligibility=draw(optional_code(ref, CodeType.NDIS_ELIGIBILITY)),
    )


@functools.cache
def slks(*, policy: SlkPolicy = SlkPolicy.DEX) -> st.SearchStrategy[str]:
    """Valid SLK-581 keys under ``policy``, built from synthetic people."""
    return st.builds(
        lambda family, given, birth, sex: generate(family, given, birth, sex, policy=policy),
        st.none() | names(),
        st.none() | names(),
        st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)),
        st.sampled_from(Gender),
    )


@st.composite
def clients(
    draw: st.DrawFn,
    *,
    client_id: str | None = None,
    consent: bool | None = None,
    last_day: dt.date = DEFAULT_LAST_DAY,
    reference: ReferenceData | None = None,
) -> Client:
    """Valid clients.

    With consent the names are present and the SLK, when sent, matches them;
    without consent there is no name and no street line, and the SLK is.
    """
    ref = reference or bundled()
    consented = draw(st.booleans()) if consent is None else consent
    family = draw(names())
    # DSS: a client with one name has it entered as both names.
    given = draw(st.one_of(names(), st.just(family)))
    birth, estimate = draw(birth_dates(last_day=last_day))
    gender = draw(st.sampled_from(Gender))
    slk = generate(family, given, birth, gender)
    has_disabilities = draw(st.booleans())
    return Client(
        client_id=client_id or f"C{draw(st.integers(0, 99_999)):05d}",
        consent_to_provide_details=consented,
        consented_for_future_contacts=draw(st.booleans()),
        given_name=given if consented else None,
        family_name=family if consented else None,
        slk=slk if (not consented or draw(st.booleans())) else None,
        is_using_pseudonym=draw(st.booleans()),
        birth_date=birth,
        is_birth_date_an_estimate=estimate,
        gender=gender,
        gender_details="Non-binary" if gender is Gender.OTHER and draw(st.booleans()) else None,
        country_of_birth=draw(codes(ref, CodeType.COUNTRY)),
        language_spoken_at_home=draw(codes(ref, CodeType.LANGUAGE)),
        atsi_origin=draw(st.sampled_from(AtsiOrigin)),
        has_disabilities=has_disabilities,
        disabilities=tuple(draw(disability_lists(ref))) if has_disabilities else (),
        accommodation_type=draw(optional(AccommodationType)),
        dva_card_status=draw(optional(DvaCardStatus)),
        has_carer=draw(MAYBE),
        residential_address=draw(addresses(street=None if consented else False)),
        extended=draw(
            extended_demographics(
                birth_year=birth.year, birth_month=birth.month, last_day=last_day, reference=ref
            )
        ),
    )
