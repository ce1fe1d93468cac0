"""Clients and their Partnership Approach extended demographics.

A client is a person who receives a service or attends to support someone
who does (DSS bulk-upload schema, element ``Client``; Data Exchange
Protocols; see ``docs/explanation/sources.md``). Personal fields — names,
birth date, street lines, the SLK and free-text gender details — are left
out of ``repr`` so that no traceback or log line shows them.
"""

from __future__ import annotations

import datetime as dt

import attrs

from dexcore.model import _fields as f
from dexcore.model.codes import (
    AccommodationType,
    AtsiOrigin,
    DvaCardStatus,
    Gender,
    HouseholdComposition,
    IncomeFrequency,
    MainSourceOfIncome,
    MigrationVisaCategory,
    Month,
)
from dexcore.model.organisation import ResidentialAddress

__all__ = ["Client", "ExtendedDemographics"]


@attrs.frozen(kw_only=True)
class ExtendedDemographics:
    """The voluntary Partnership Approach fields of a client.

    Every field is optional. Codes of open tables (ancestry, homeless
    indicator, education, employment, NDIS eligibility) are upper-case text
    checked against :mod:`dexcore.reference`, because their current code lists
    are only partly published.

    Attributes:
        household_composition: Who the client lives with.
        main_source_of_income: Main source of income.
        income_frequency: Period of ``income_amount``; required with it.
        income_amount: Approximate gross income in whole dollars.
        first_arrival_year: Year of first arrival in Australia.
        first_arrival_month: Month of first arrival; required with the year.
        migration_visa_category: Visa category on arrival.
        ancestry: ASCCEG ancestry code.
        is_homeless: The homelessness flag DEX used until April 2018.
        homeless_indicator: The code that replaced it (such as ``ATRISK``).
        education_level: Highest education level code (from 2018).
        employment_status: Employment status code (from 2018).
        is_client_a_carer: Whether the client is a carer (from 2018).
        ndis_eligibility: NDIS eligibility code (from 2018).
    """

    household_composition: HouseholdComposition | None = attrs.field(
        default=None, validator=f.optional_member(HouseholdComposition)
    )
    main_source_of_income: MainSourceOfIncome | None = attrs.field(
        default=None, validator=f.optional_member(MainSourceOfIncome)
    )
    income_frequency: IncomeFrequency | None = attrs.field(
        default=None, validator=f.optional_member(IncomeFrequency)
    )
    income_amount: int | None = attrs.field(default=None, validator=f.optional_whole(0))
    first_arrival_year: int | None = attrs.field(
        default=None, validator=f.optional_whole(1800, 9999)
    )
    first_arrival_month: Month | None = attrs.field(
        default=None, validator=f.optional_member(Month)
    )
    migration_visa_category: MigrationVisaCategory | None = attrs.field(
        default=None, validator=f.optional_member(MigrationVisaCategory)
    )
    ancestry: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )
    is_homeless: bool | None = attrs.field(default=None, validator=f.optional_flag)
    homeless_indicator: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )
    education_level: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )
    employment_status: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )
    is_client_a_carer: bool | None = attrs.field(default=None, validator=f.optional_flag)
    ndis_eligibility: str | None = attrs.field(
        default=None, converter=f.optional_code, validator=f.optional_text
    )

    @property
    def is_empty(self) -> bool:
        """Whether no extended field is recorded."""
        return all(value is None for value in attrs.astuple(self, recurse=False))


@attrs.frozen(kw_only=True)
class Client:
    """A DEX client: someone who receives a service or supports someone who does.

    Construction checks what a type cannot express (non-blank ids of at most
    50 characters, four-digit postcodes, real booleans). Consent, SLK and
    consistency rules are checked by :mod:`dexcore.rules`, which reports
    every problem instead of stopping at the first.

    Attributes:
        client_id: The organisation's own id. It must not reveal who the client is.
        consent_to_provide_details: Consent for DSS to store name and street address.
        consented_for_future_contacts: Consent to be approached for research or evaluation.
        birth_date: Date of birth (1 January of the year when estimated).
        gender: DEX gender code.
        country_of_birth: SACC country code, such as ``1101`` (Australia).
        language_spoken_at_home: ASCL language code, such as ``1201`` (English).
        atsi_origin: Aboriginal and/or Torres Strait Islander origin.
        residential_address: Where the client lives (suburb, state, postcode at least).
        given_name: First given name; sent only with consent.
        family_name: Family name; sent only with consent.
        slk: Statistical linkage key (SLK-581); mandatory without consent.
        is_using_pseudonym: Whether the names are a pseudonym (DSS spells the
            element ``IsUsingPsuedonym``).
        is_birth_date_an_estimate: Whether the birth date is an estimate.
        gender_details: Free-text gender term that goes with ``Gender.OTHER``.
        has_disabilities: Whether the client has a disability.
        disabilities: Disability codes, listed exactly when ``has_disabilities``.
        accommodation_type: CHSP accommodation setting.
        dva_card_status: CHSP DVA card status.
        has_carer: CHSP: whether the client has a carer.
        extended: Partnership Approach extended demographics.
    """

    client_id: str = attrs.field(validator=f.identifier)
    consent_to_provide_details: bool = attrs.field(validator=f.flag)
    consented_for_future_contacts: bool = attrs.field(validator=f.flag)
    birth_date: dt.date = attrs.field(repr=False, validator=f.day)
    gender: Gender = attrs.field(validator=f.member(Gender))
    country_of_birth: str = attrs.field(converter=f.code, validator=f.text)
    language_spoken_at_home: str = attrs.field(converter=f.code, validator=f.text)
    atsi_origin: AtsiOrigin = attrs.field(validator=f.member(AtsiOrigin))
    residential_address: ResidentialAddress = attrs.field(
        validator=f.instance_of(ResidentialAddress)
    )
    given_name: str | None = attrs.field(default=None, repr=False, validator=f.optional_text)
    family_name: str | None = attrs.field(default=None, repr=False, validator=f.optional_text)
    slk: str | None = attrs.field(
        default=None, repr=False, converter=f.optional_code, validator=f.optional_text
    )
    is_using_pseudonym: bool = attrs.field(default=False, validator=f.flag)
    is_birth_date_an_estimate: bool = attrs.field(default=False, validator=f.flag)
    gender_details: str | None = attrs.field(default=None, repr=False, validator=f.optional_text)
    has_disabilities: bool = attrs.field(default=False, validator=f.flag)
    disabilities: tuple[str, ...] = attrs.field(
        default=(), converter=f.codes, validator=f.all_codes
    )
    accommodation_type: AccommodationType | None = attrs.field(
        default=None, validator=f.optional_member(AccommodationType)
    )
    dva_card_status: DvaCardStatus | None = attrs.field(
        default=None, validator=f.optional_member(DvaCardStatus)
    )
    has_carer: bool | None = attrs.field(default=None, validator=f.optional_flag)
    extended: ExtendedDemographics = attrs.field(
        factory=ExtendedDemographics, validator=f.instance_of(ExtendedDemographics)
    )

    @property
    def has_names(self) -> bool:
        """Whether a given or family name is recorded."""
        return self.given_name is not None or self.family_name is not None

    @property
    def has_personal_details(self) -> bool:
        """Whether a name or a street line is recorded (what consent governs)."""
        return self.has_names or self.residential_address.has_street
