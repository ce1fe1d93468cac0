"""The DEX bulk-upload elements: their order, their values and the model fields they fill.

One table drives both the reader and the writer, so the two cannot drift
apart. The order is the ``xs:sequence`` order of the 2016 DSS schema
(``DEXFileUpload.xsd``); elements DSS added later (marked ``later``) follow
the 2016 ones in the order the bulk specification lists them, because their
exact position is not published (DSS's revision history of the bulk
specification, https://dex.dss.gov.au/document/131, names them).

The module is longer than most (about 550 lines) on purpose: it is one
table, element by element in the schema's order, and cutting it would
separate elements the schema keeps together.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from dexcore._caches import remembered
from dexcore.model import (
    AccommodationType,
    Assessment,
    AssessmentPhase,
    AtsiOrigin,
    Case,
    CaseClient,
    Client,
    ClientAssessment,
    DomainScore,
    DvaCardStatus,
    ExtendedDemographics,
    Gender,
    HouseholdComposition,
    IncomeFrequency,
    MainSourceOfIncome,
    MigrationVisaCategory,
    Month,
    Outlet,
    OutletActivity,
    ParentingAgreement,
    ParentingAgreementOutcome,
    ParticipationType,
    PropertyAgreementOutcome,
    ReasonForAssistance,
    Referral,
    ReferralType,
    ResidentialAddress,
    ScoreType,
    Section60I,
    Section60ICertificateType,
    Session,
    SessionAssessment,
    SessionClient,
    State,
)
from dexcore.model.codes import CodeEnum

__all__ = ["COLLECTIONS", "TEXT", "BadValueError", "Element", "Shape"]


class BadValueError(Exception):
    """A leaf's text is not a value of its type; ``reason`` says what it must be."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@attrs.frozen
class Leaf:
    """How one simple-typed value is read from and written to text.

    Every value read is immutable, so the readers of codes, numbers and
    dates remember their recent answers: a file repeats the same few
    hundred of each many thousand times.
    """

    read: Callable[[str], Any]
    write: Callable[[Any], str]


@attrs.frozen
class Element:
    """One child element of a complex type.

    Attributes:
        tag: The element name, as DSS spells it.
        field: The model field it fills; ``extended.x`` for a Partnership
            Approach field that the model keeps in ``Client.extended``.
        leaf: For a simple value, how to read and write it.
        shape: For a complex value, its shape.
        item: For a list, the tag of each item (the value is a tuple).
        required: Whether the schema requires it.
        most: For a list, the most items the schema allows.
        personal: Written only with the client's consent.
        not_stated: The code of its table that means "not stated", if any:
            what a message suggests in place of a missing or placeholder value.
        name: The model field's own name (``field`` without ``extended.``).
        extended: Whether the field lives in ``Client.extended``.
        plain: A single simple value: no list, no complex type.
    """

    tag: str
    field: str
    leaf: Leaf | None = None
    shape: Shape | None = None
    item: str | None = None
    required: bool = False
    most: int | None = None
    personal: bool = False
    not_stated: str | None = None
    name: str = attrs.field(init=False)
    extended: bool = attrs.field(init=False)
    plain: bool = attrs.field(init=False)

    @name.default
    def _name(self) -> str:
        return self.field.rpartition(".")[2]

    @extended.default
    def _extended(self) -> bool:
        return "." in self.field

    @plain.default
    def _plain(self) -> bool:
        return self.item is None and self.shape is None


#: How the reader takes one element: see :attr:`Shape.by_tag`.
Reading = tuple[int, Element, Leaf | None, bool, str, bool]


@attrs.frozen
class Shape:
    """A complex type: the model class it builds and its elements in schema order.

    Attributes:
        cls: The model class.
        elements: Its elements, in the schema's order.
        by_tag: For the reader, each tag's position and element, then (for a
            single simple value only) its :class:`Leaf`, whether that leaf
            is plain text, the model field's name, and whether the field
            lives in ``Client.extended``.
        required: The names of the model fields the schema requires.
    """

    cls: type[Any]
    elements: tuple[Element, ...]
    by_tag: Mapping[str, Reading] = attrs.field(init=False)
    required: frozenset[str] = attrs.field(init=False)

    @by_tag.default
    def _index(self) -> Mapping[str, Reading]:
        return {
            element.tag: (
                n,
                element,
                element.leaf if element.plain else None,
                element.leaf is TEXT,
                element.name,
                element.extended,
            )
            for n, element in enumerate(self.elements)
        }

    @required.default
    def _required(self) -> frozenset[str]:
        return frozenset(element.name for element in self.elements if element.required)


# -- simple values ----------------------------------------------------------------------------

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}

#: Remember a reader's recent answers (failures are not remembered: they raise again).
_remember = remembered(maxsize=4096)


def _read_text(text: str) -> str:
    return text


def _read_bool(text: str) -> bool:
    try:
        return _BOOLEANS[text.strip()]
    except KeyError:
        raise BadValueError("must be true or false, in lower case") from None


def _write_bool(value: bool) -> str:
    return "true" if value else "false"


def _read_int(text: str) -> int:
    text = text.strip()
    if not _INT.fullmatch(text):
        raise BadValueError("must be a whole number written with digits only")
    try:
        return int(text)
    except ValueError:  # more digits than Python converts (4,300 by default)
        raise BadValueError("must be a whole number of a sensible number of digits") from None


def _read_decimal(text: str) -> decimal.Decimal:
    text = text.strip()
    if not _DECIMAL.fullmatch(text):
        raise BadValueError("must be a decimal number such as 12.50")
    return decimal.Decimal(text)


def _write_decimal(value: decimal.Decimal) -> str:
    return format(value, "f")


def _read_date(text: str) -> dt.date:
    text = text.strip()
    if not _DATE.fullmatch(text):
        raise BadValueError("must be a date written YYYY-MM-DD, with no time and no time zone")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        # Written well (the pattern matched): the day or the month does not exist.
        raise BadValueError(
            "is written YYYY-MM-DD but is not a date that exists (check the day of the month)"
        ) from None


def _write_date(value: dt.date) -> str:
    return value.isoformat()


def _enum(table: type[CodeEnum]) -> Leaf:
    def read(text: str) -> CodeEnum:
        # The closed table's own parser: case-insensitive, raising UnknownCodeError.
        return table(text.strip())

    return Leaf(_remember(read), _write_enum)


def _write_enum(value: CodeEnum) -> str:
    return value.value


def _read_score(text: str) -> DomainScore:
    return DomainScore.parse(text.strip())


def _write_score(value: DomainScore) -> str:
    return value.code


TEXT = Leaf(_read_text, str)
BOOL = Leaf(_read_bool, _write_bool)
INT = Leaf(_remember(_read_int), str)
DECIMAL = Leaf(_remember(_read_decimal), _write_decimal)
DATE = Leaf(_remember(_read_date), _write_date)
SCORE = Leaf(_remember(_read_score), _write_score)


def _e(tag: str, field: str, leaf: Leaf = TEXT, **options: Any) -> Element:  # noqa: ANN401
    return Element(tag, field, leaf=leaf, **options)


# -- complex types ----------------------------------------------------------------------------

ADDRESS = Shape(
    ResidentialAddress,
    (
        _e("AddressLine1", "address_line1", personal=True),
        _e("AddressLine2", "address_line2", personal=True),
        _e("Suburb", "suburb", required=True),
        _e("StateCode", "state", _enum(State), required=True),
        _e("Postcode", "postcode", required=True),
    ),
)

CLIENT = Shape(
    Client,
    (
        _e("ClientId", "client_id", required=True),
        _e("Slk", "slk"),
        _e("ConsentToProvideDetails", "consent_to_provide_details", BOOL, required=True),
        _e("ConsentedForFutureContacts", "consented_for_future_contacts", BOOL, required=True),
        _e("GivenName", "given_name", personal=True),
        _e("FamilyName", "family_name", personal=True),
        _e("IsUsingPsuedonym", "is_using_pseudonym", BOOL, required=True),  # sic, as DSS spells it
        _e("BirthDate", "birth_date", DATE, required=True),
        _e("IsBirthDateAnEstimate", "is_birth_date_an_estimate", BOOL, required=True),
        _e("GenderCode", "gender", _enum(Gender), required=True, not_stated="NOTSTATED"),
        _e("GenderDetails", "gender_details"),  # later
        _e("CountryOfBirthCode", "country_of_birth", required=True, not_stated="0003"),
        _e("LanguageSpokenAtHomeCode", "language_spoken_at_home", required=True, not_stated="0002"),
        _e(
            "AboriginalOrTorresStraitIslanderOriginCode",
            "atsi_origin",
            _enum(AtsiOrigin),
            required=True,
            not_stated="NOTSTATED",
        ),
        _e("HasDisabilities", "has_disabilities", BOOL, required=True),
        Element("Disabilities", "disabilities", leaf=TEXT, item="DisabilityCode"),
        _e(
            "AccommodationTypeCode",
            "accommodation_type",
            _enum(AccommodationType),
            not_stated="NOTSTATED",
        ),
        _e("DVACardStatusCode", "dva_card_status", _enum(DvaCardStatus)),
        _e("HasCarer", "has_carer", BOOL),
        Element("ResidentialAddress", "residential_address", shape=ADDRESS, required=True),
        _e("IsHomeless", "extended.is_homeless", BOOL),
        _e("HomelessIndicatorCode", "extended.homeless_indicator"),  # later
        _e(
            "HouseholdCompositionCode",
            "extended.household_composition",
            _enum(HouseholdComposition),
            not_stated="NOTSTATED",
        ),
        _e(
            "MainSourceOfIncomeCode",
            "extended.main_source_of_income",
            _enum(MainSourceOfIncome),
            not_stated="NOTSTATED",
        ),
        _e("IncomeFrequencyCode", "extended.income_frequency", _enum(IncomeFrequency)),
        _e("IncomeAmount", "extended.income_amount", INT),
        _e("FirstArrivalYear", "extended.first_arrival_year", INT),
        _e("FirstArrivalMonth", "extended.first_arrival_month", _enum(Month)),
        _e(
            "MigrationVisaCategoryCode",
            "extended.migration_visa_category",
            _enum(MigrationVisaCategory),
        ),
        _e("AncestryCode", "extended.ancestry"),
        _e("EducationLevelCode", "extended.education_level"),  # later
        _e("EmploymentStatusCode", "extended.employment_status"),  # later
        _e("IsClientACarer", "extended.is_client_a_carer", BOOL),  # later
        _e("NDISEligibilityCode", "extended.ndis_eligibility"),  # later
    ),
)

REASON = Shape(
    ReasonForAssistance,
    (
        _e("ReasonForAssistanceCode", "code", required=True),
        _e("IsPrimary", "is_primary", BOOL, required=True),
    ),
)

CASE_CLIENT = Shape(
    CaseClient,
    (
        _e("ClientId", "client_id", required=True),
        _e("ReferralSourceCode", "referral_source"),
        Element(
            "ReasonsForAssistance",
            "reasons_for_assistance",
            shape=REASON,
            item="ReasonForAssistance",
        ),
        _e("ExitReasonCode", "exit_reason"),
    ),
)

PARENTING = Shape(
    ParentingAgreementOutcome,
    (
        _e("ParentingAgreementOutcomeCode", "outcome", _enum(ParentingAgreement), required=True),
        _e("DateOfParentingAgreement", "agreement_date", DATE, required=True),
        _e(
            "DidLegalPractitionerAssistWithFormalisingAgreement",
            "legal_practitioner_assisted",
            BOOL,
            required=True,
        ),
    ),
)

SECTION_60I = Shape(
    Section60I,
    (
        _e(
            "Section60ICertificateTypeCode",
            "certificate_type",
            _enum(Section60ICertificateType),
            required=True,
        ),
        _e("DateIssued", "date_issued", DATE, required=True),
    ),
)

PROPERTY = Shape(
    PropertyAgreementOutcome,
    (
        _e("PropertyAgreementOutcomeCode", "outcome", required=True),
        _e("DateOfPropertyAgreement", "agreement_date", DATE, required=True),
        _e(
            "DidLegalPractitionerAssistInPropertyMediation",
            "legal_practitioner_assisted",
            BOOL,
            required=True,
        ),
    ),
)

CASE = Shape(
    Case,
    (
        _e("CaseId", "case_id", required=True),
        _e("OutletActivityId", "outlet_activity_id", INT, required=True),
        _e("TotalNumberOfUnidentifiedClients", "total_unidentified_clients", INT, required=True),
        Element("CaseClients", "clients", shape=CASE_CLIENT, item="CaseClient"),
        Element("ParentingAgreementOutcome", "parenting_agreement_outcome", shape=PARENTING),
        Element("Section60I", "section60i", shape=SECTION_60I),
        _e("ClientAttendanceProfileCode", "client_attendance_profile"),  # later
        _e("EndDate", "end_date", DATE),  # later
        Element("PropertyAgreementOutcome", "property_agreement_outcome", shape=PROPERTY),  # later
        _e("AgBusinessTypeCode", "ag_business_type"),  # later
    ),
)

REFERRAL = Shape(
    Referral,
    (
        _e("TypeCode", "referral_type", _enum(ReferralType), required=True),
        Element("PurposeCodes", "purposes", leaf=TEXT, item="PurposeCode", required=True),
    ),
)

SESSION_CLIENT = Shape(
    SessionClient,
    (
        _e("ClientId", "client_id", required=True),
        _e("ParticipationCode", "participation", _enum(ParticipationType), required=True),
        Element("ClientReferralOutWithPurpose", "referrals", shape=REFERRAL, item="Referral"),
    ),
)

SESSION = Shape(
    Session,
    (
        _e("SessionId", "session_id", required=True),
        _e("CaseId", "case_id", required=True),
        _e("SessionDate", "session_date", DATE, required=True),
        _e("ServiceTypeId", "service_type_id", INT, required=True),
        _e("TotalNumberOfUnidentifiedClients", "total_unidentified_clients", INT, required=True),
        _e("FeesCharged", "fees_charged", DECIMAL),
        _e("MoneyBusinessCommunityEducationWorkshopCode", "money_business_workshop"),
        _e("InterpreterPresent", "interpreter_present", BOOL),
        Element("SessionClients", "clients", shape=SESSION_CLIENT, item="SessionClient"),
        _e("TimeMinutes", "time_minutes", INT),
        _e("TotalCost", "total_cost", INT),
        _e("Quantity", "quantity", INT),
        Element("ExtraItems", "extra_items", leaf=TEXT, item="ExtraItemCode"),
        _e("TopicCode", "topic"),  # later
        _e("ServiceSettingCode", "service_setting"),  # later
        _e("ExternalReferralDestinationCode", "external_referral_destination"),  # later
        _e("HardshipTypeCode", "hardship_type"),  # later
    ),
)

ASSESSMENT = Shape(
    Assessment,
    (
        _e("ScoreTypeCode", "score_type", _enum(ScoreType), required=True),
        _e("AssessmentPhaseCode", "phase", _enum(AssessmentPhase), required=True),
        Element("Scores", "scores", leaf=SCORE, item="ScoreCode", required=True),
        _e("AssessedByCode", "assessed_by"),  # later
    ),
)

CLIENT_ASSESSMENT = Shape(
    ClientAssessment,
    (
        _e("ClientId", "client_id", required=True),
        _e("CaseId", "case_id", required=True),
        _e("SessionId", "session_id", required=True),
        Element(
            "Assessments", "assessments", shape=ASSESSMENT, item="Assessment", required=True, most=6
        ),
    ),
)

SESSION_ASSESSMENT = Shape(
    SessionAssessment,
    (
        _e("CaseId", "case_id", required=True),
        _e("SessionId", "session_id", required=True),
        Element(
            "Assessments", "assessments", shape=ASSESSMENT, item="Assessment", required=True, most=2
        ),
    ),
)

OUTLET_ACTIVITY = Shape(
    OutletActivity,
    (
        _e("OrganisationActivityId", "organisation_activity_id", INT, required=True),
        _e("StartDate", "start_date", DATE, required=True),
        _e("EndDate", "end_date", DATE, required=True),
    ),
)

OUTLET = Shape(
    Outlet,
    (
        _e("OutletId", "outlet_id", INT),
        _e("Name", "name", required=True),
        Element("ResidentialAddress", "address", shape=ADDRESS, required=True),
        Element("OutletActivities", "activities", shape=OUTLET_ACTIVITY, item="OutletActivity"),
    ),
)

#: The model class that holds a client's Partnership Approach fields.
EXTENDED = ExtendedDemographics


@attrs.frozen
class Collection:
    """One top-level collection: its wrapper tag, record tag, shape and dataset field."""

    tag: str
    record: str
    shape: Shape
    field: str
    kind: str


#: The collections in the order the writer puts them: every record after those it refers to.
COLLECTIONS: tuple[Collection, ...] = (
    Collection("Outlets", "Outlet", OUTLET, "outlets", "outlet"),
    Collection("Clients", "Client", CLIENT, "clients", "client"),
    Collection("Cases", "Case", CASE, "cases", "case"),
    Collection("Sessions", "Session", SESSION, "sessions", "session"),
    Collection(
        "SessionAssessments",
        "SessionAssessment",
        SESSION_ASSESSMENT,
        "session_assessments",
        "session_assessment",
    ),
    Collection(
        "ClientAssessments",
        "ClientAssessment",
        CLIENT_ASSESSMENT,
        "client_assessments",
        "client_assessment",
    ),
)
