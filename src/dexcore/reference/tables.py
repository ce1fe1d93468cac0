"""Reference-data types: code tables, SCORE domains, service types.

DSS publishes the open code tables (countries, languages, referral sources,
…), the SCORE domains and the service types as reference data that changes
over time. :class:`ReferenceData` holds one version of them; every item
records where it came from and, when known, the dates it is available.

Codes are matched case-insensitively and kept upper-case.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import types
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from dexcore.errors import DexKeyError, ReferenceDataError
from dexcore.model.codes import ScoreType

__all__ = [
    "CodeItem",
    "CodeTable",
    "CodeType",
    "ReferenceData",
    "ScoreDomain",
    "ScoreTypeInfo",
    "ServiceType",
]


class CodeType(enum.StrEnum):
    """Names of the DSS code tables (the ``CodeType`` attribute in DSS's XML)."""

    ATSI_ORIGIN = "AboriginalOrTorresStraitIslanderOrigin"  #: Indigenous status.
    ACCOMMODATION_TYPE = "AccommodationType"  #: CHSP accommodation setting.
    ANCESTRY = "Ancestry"  #: ASCCEG ancestry.
    ASSESSED_BY = "AssessedBy"  #: Who assessed a SCORE (current DEX; partly known).
    ASSESSMENT_PHASE = "AssessmentPhase"  #: SCORE PRE/POST.
    CLIENT_ATTENDANCE_PROFILE = "ClientAttendanceProfile"  #: Case attendance profile (2018).
    COUNTRY = "Country"  #: SACC country of birth.
    DISABILITY = "Disability"  #: Disability type.
    DVA_CARD_STATUS = "DVACardStatus"  #: CHSP DVA card.
    EDUCATION_LEVEL = "EducationLevel"  #: Highest education level (2018; partly known).
    EMPLOYMENT_STATUS = "EmploymentStatus"  #: Employment status (2018; partly known).
    EXIT_REASON = "ExitReason"  #: Why a client left a case.
    EXTRA_ITEM = "ExtraItem"  #: CHSP home modification items.
    GENDER = "Gender"  #: Gender.
    HOMELESS_INDICATOR = "HomelessIndicator"  #: Homelessness (2018; partly known).
    HOUSEHOLD_COMPOSITION = "HouseholdComposition"  #: Household composition.
    INCOME_FREQUENCY = "IncomeFrequency"  #: Period of the income amount.
    LANGUAGE = "Language"  #: ASCL language spoken at home.
    MAIN_SOURCE_OF_INCOME = "MainSourceOfIncome"  #: Main source of income.
    MIGRATION_VISA_CATEGORY = "MigrationVisaCategory"  #: Visa category.
    MONEY_BUSINESS_WORKSHOP = "MoneyBusinessCommunityEducationWorkshop"  #: Workshop codes.
    NDIS_ELIGIBILITY = "NDISEligibility"  #: NDIS eligibility (2018; partly known).
    PARENTING_AGREEMENT = "ParentingAgreement"  #: Family Law parenting agreement.
    PARTICIPATION_TYPE = "ParticipationType"  #: CLIENT or SUPPORT.
    REASON_FOR_ASSISTANCE = "ReasonForAssistance"  #: Reasons for assistance.
    REFERRAL_PURPOSE = "ReferralPurpose"  #: Purposes of a referral out.
    REFERRAL_SOURCE = "ReferralSource"  #: Where a client was referred from.
    REFERRAL_TYPE = "ReferralType"  #: INTERNAL or EXTERNAL.
    SCORE_TYPE = "ScoreType"  #: SCORE types.
    SECTION60I_CERTIFICATE_TYPE = "Section60ICertificateType"  #: Family Law certificates.
    SERVICE_SETTING = "ServiceSetting"  #: Where a session was delivered (2018).
    STATE = "State"  #: States and territories.


def _upper(value: str) -> str:
    return value.strip().upper()


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _date_range(instance: Any, _attribute: object, _value: object) -> None:  # noqa: ANN401
    start, end = instance.available_from, instance.available_to
    if start is not None and end is not None and end < start:
        raise ReferenceDataError(f"{type(instance).__name__} is available to before it is from")


@attrs.frozen(kw_only=True)
class CodeItem:
    """One code of a code table.

    Attributes:
        code: The DSS code, upper-case.
        description: DSS's label; empty where no source gives one.
        order: DSS's display order.
        source: Id of the source it came from (a key of :attr:`ReferenceData.sources`).
        available_from: First day the code may be used, when known.
        available_to: Last day the code may be used, when known.
    """

    code: str = attrs.field(converter=_upper)
    description: str = ""
    order: int = 0
    source: str = ""
    available_from: dt.date | None = None
    available_to: dt.date | None = attrs.field(default=None, validator=_date_range)

    def is_available(self, on: dt.date) -> bool:
        """Whether the code may be used on ``on``."""
        return (self.available_from is None or self.available_from <= on) and (
            self.available_to is None or on <= self.available_to
        )


def _items(value: Iterable[CodeItem]) -> tuple[CodeItem, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class CodeTable:
    """A DSS code table.

    Attributes:
        name: The table's DSS name (``CodeType``), such as ``"Country"``.
        items: Its codes, in DSS order.
        complete: Whether the table is believed to list every code DEX
            accepts today. Tables known only in part (a few example codes
            from a second-hand source) are incomplete, and a code missing
            from them is not evidence of an error.
        source: Id of the source of the table as a whole.
    """

    name: str
    items: tuple[CodeItem, ...] = attrs.field(converter=_items)
    complete: bool = True
    source: str = ""

    @functools.cached_property
    def _by_code(self) -> Mapping[str, CodeItem]:
        return types.MappingProxyType({item.code: item for item in self.items})

    def get(self, code: str) -> CodeItem | None:
        """The item for ``code`` (any case, surrounding blanks ignored), or ``None``."""
        return self._by_code.get(_upper(code))

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and _upper(code) in self._by_code

    def __iter__(self) -> Iterator[CodeItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def codes(self) -> frozenset[str]:
        """Every code of the table."""
        return frozenset(self._by_code)


@attrs.frozen(kw_only=True)
class ScoreDomain:
    """A SCORE domain and the descriptions of its five ratings.

    Attributes:
        code: Domain code, such as ``HOUSING``.
        description: The domain's label.
        ratings: Descriptions of ratings 1 to 5, in order (empty text where
            DSS gives none).
        source: Id of the source.
        available_from: First day the domain may be used, when known.
        available_to: Last day the domain may be used, when known.
    """

    code: str = attrs.field(converter=_upper)
    description: str = ""
    ratings: tuple[str, ...] = attrs.field(default=("",) * 5, converter=_texts)
    source: str = ""
    available_from: dt.date | None = None
    available_to: dt.date | None = None

    def rating_description(self, rating: int) -> str:
        """DSS's description of ``rating`` (1–5) in this domain; empty if none."""
        return self.ratings[rating - 1] if 1 <= rating <= len(self.ratings) else ""


def _domains(value: Iterable[ScoreDomain]) -> tuple[ScoreDomain, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class ScoreTypeInfo:
    """A SCORE type and its domains.

    Attributes:
        score_type: The score type.
        applicable_for: ``"Client"`` or ``"Session"``.
        domains: Its domains, in DSS order.
    """

    score_type: ScoreType
    applicable_for: str
    domains: tuple[ScoreDomain, ...] = attrs.field(converter=_domains)

    def domain(self, code: str) -> ScoreDomain | None:
        """The domain ``code`` of this score type, or ``None``."""
        wanted = _upper(code)
        return next((domain for domain in self.domains if domain.code == wanted), None)

    @functools.cached_property
    def domain_codes(self) -> frozenset[str]:
        """Every domain code of this score type."""
        return frozenset(domain.code for domain in self.domains)


@attrs.frozen(kw_only=True)
class ServiceType:
    """A DSS service type (``ServiceTypeId``).

    Attributes:
        service_type_id: The registry-wide numeric id.
        name: Its name, such as ``"Counselling"``.
        source: Id of the source.
        available_from: First day it may be used, when known.
        available_to: Last day it may be used, when known.
    """

    service_type_id: int
    name: str
    source: str = ""
    available_from: dt.date | None = None
    available_to: dt.date | None = None


@attrs.frozen(kw_only=True, eq=False)
class ReferenceData:
    """One version of the DSS reference data (compared by identity).

    Get the bundled snapshot with :func:`dexcore.reference.bundled`, read a
    file from the DEX portal with :func:`dexcore.reference.load_reference_xml`,
    and combine them with :meth:`updated_with`.

    Attributes:
        tables: Code tables by DSS name.
        score_types: SCORE types with their domains.
        service_types: Service types by id.
        service_types_complete: Whether :attr:`service_types` is DSS's whole
            list (from your portal), so that an id outside it is one DEX
            refuses; ``False`` for the bundled list, a second-hand cache.
        sources: Description of every source id the items cite.
        title: What this reference data is, for reports.
    """

    tables: Mapping[str, CodeTable] = attrs.field(factory=dict)
    score_types: Mapping[ScoreType, ScoreTypeInfo] = attrs.field(factory=dict)
    service_types: Mapping[int, ServiceType] = attrs.field(factory=dict)
    service_types_complete: bool = False
    sources: Mapping[str, str] = attrs.field(factory=dict)
    title: str = ""

    def table(self, name: str) -> CodeTable:
        """The code table ``name``, such as ``CodeType.COUNTRY``.

        Raises:
            DexKeyError: there is no such table in this reference data.
        """
        try:
            return self.tables[name]
        except KeyError:
            raise DexKeyError("code table", str(name)) from None

    def has_table(self, name: str) -> bool:
        """Whether a table called ``name`` is present."""
        return name in self.tables

    def has_code(self, table: str, code: str, *, on: dt.date | None = None) -> bool:
        """Whether ``code`` is in ``table`` (and available ``on`` that day, if given)."""
        item = self.table(table).get(code)
        return item is not None and (on is None or item.is_available(on))

    def describe(self, table: str, code: str) -> str:
        """DSS's label for ``code`` in ``table``.

        Raises:
            DexKeyError: the table or the code is unknown.
        """
        item = self.table(table).get(code)
        if item is None:
            raise DexKeyError(f"code of the {table} table")
        return item.description

    def service_type(self, service_type_id: int) -> ServiceType:
        """The service type with this id.

        Raises:
            DexKeyError: no such service type.
        """
        try:
            return self.service_types[service_type_id]
        except KeyError:
            raise DexKeyError("service type", service_type_id) from None

    def score_type(self, score_type: ScoreType) -> ScoreTypeInfo:
        """The domains and applicability of ``score_type``.

        Raises:
            DexKeyError: the score type is not in this reference data.
        """
        try:
            return self.score_types[score_type]
        except KeyError:
            raise DexKeyError("score type", str(score_type)) from None

    def updated_with(self, other: ReferenceData) -> ReferenceData:
        """A copy in which every table, score type and service type of ``other`` wins.

        Use it to lay the reference file from your own DEX portal over the
        bundled snapshot: what the file has replaces the snapshot's version,
        and what it lacks (such as service types) is kept.
        """
        return ReferenceData(
            tables={**self.tables, **other.tables},
            score_types={**self.score_types, **other.score_types},
            service_types={**self.service_types, **other.service_types},
            service_types_complete=(
                other.service_types_complete if other.service_types else self.service_types_complete
            ),
            sources={**self.sources, **other.sources},
            title=f"{other.title or 'reference data'} over {self.title or 'reference data'}",
        )
