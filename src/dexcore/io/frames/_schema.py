"""The tables a dataset becomes: their columns, kinds, and which columns are personal.

Each collection is one table; what a record holds several of (a case's
clients, a session's clients, an assessment's domain ratings) is a table of
its own whose rows point at their parent's row (``case_row``,
``session_row``, ``assessment_row``) and repeat the parent's ids for joins.
Small lists of codes (disabilities, extra items, referral purposes) stay
in list columns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from operator import attrgetter
from typing import Any, NamedTuple

import attrs
import pyarrow as pa

from dexcore.io.frames import _kinds as k
from dexcore.model import (
    AccommodationType,
    AssessmentPhase,
    AtsiOrigin,
    Dataset,
    DvaCardStatus,
    Gender,
    HouseholdComposition,
    IncomeFrequency,
    MainSourceOfIncome,
    MigrationVisaCategory,
    Month,
    OutletActivity,
    ParentingAgreement,
    ParticipationType,
    ProgramActivity,
    ReasonForAssistance,
    Referral,
    ReferralType,
    ScoreType,
    Section60ICertificateType,
    State,
)


@attrs.frozen
class Column:
    """One column: its name, kind, how to get it from a row, and whether it is personal.

    Attributes:
        name: The column name (the model's field name where there is one).
        kind: How values are written and read.
        get: The value from a row source (a record, or a :class:`Child`).
        required: A row without a value is reported (otherwise ``default`` is used).
        default: The model's default, used for a missing value or column.
        personal: Left out unless the caller names it.
        path: The dotted attribute path ``get`` follows, when it is one.
    """

    name: str
    kind: k.Kind
    get: Callable[[Any], Any]
    required: bool = False
    default: Any = None
    personal: bool = False
    path: str | None = None


class Child(NamedTuple):
    """A row of a child table: the parent's row and record, and the item."""

    row: int
    parent: Any
    item: Any


class ScoreRow(NamedTuple):
    """A row of a scores table: one domain rating (or a placeholder for an empty record)."""

    row: int
    record: Any
    number: int | None
    assessment: Any
    score: Any


def _col(
    name: str,
    kind: k.Kind,
    path: str | None = None,
    *,
    required: bool = False,
    default: Any = None,  # noqa: ANN401 (the model field's default, of any type)
    personal: bool = False,
) -> Column:
    where = path or name
    return Column(name, kind, attrgetter(where), required, default, personal, where)


def _inside(path: str, name: str) -> Callable[[Any], Any]:
    """``name`` of the optional object at ``path`` (``None`` when that object is absent)."""
    outer = attrgetter(path)

    def get(row: Any) -> Any:  # noqa: ANN401
        inner = outer(row)
        return None if inner is None else getattr(inner, name)

    return get


def _opt(name: str, kind: k.Kind, path: str, field: str) -> Column:
    return Column(name, kind, _inside(path, field))


_EXTENDED = (
    ("household_composition", k.code(HouseholdComposition)),
    ("main_source_of_income", k.code(MainSourceOfIncome)),
    ("income_frequency", k.code(IncomeFrequency)),
    ("income_amount", k.INT64),
    ("first_arrival_year", k.INT32),
    ("first_arrival_month", k.code(Month)),
    ("migration_visa_category", k.code(MigrationVisaCategory)),
    ("ancestry", k.OPEN_CODE),
    ("is_homeless", k.BOOL),
    ("homeless_indicator", k.OPEN_CODE),
    ("education_level", k.OPEN_CODE),
    ("employment_status", k.OPEN_CODE),
    ("is_client_a_carer", k.BOOL),
    ("ndis_eligibility", k.OPEN_CODE),
)
#: The extended-demographics columns of the clients table.
EXTENDED_NAMES = tuple(name for name, _ in _EXTENDED)

_ADDRESS = (
    _col("suburb", k.TEXT, "residential_address.suburb", required=True),
    _col("state", k.code(State), "residential_address.state", required=True),
    _col("postcode", k.TEXT, "residential_address.postcode", required=True),
)

CLIENTS = (
    _col("client_id", k.TEXT, required=True),
    _col("consent_to_provide_details", k.BOOL, required=True),
    _col("consented_for_future_contacts", k.BOOL, required=True),
    _col("gender", k.code(Gender), required=True),
    _col("country_of_birth", k.OPEN_CODE, required=True),
    _col("language_spoken_at_home", k.OPEN_CODE, required=True),
    _col("atsi_origin", k.code(AtsiOrigin), required=True),
    *_ADDRESS,
    _col("is_using_pseudonym", k.BOOL, default=False),
    _col("is_birth_date_an_estimate", k.BOOL, default=False),
    _col("has_disabilities", k.BOOL, default=False),
    _col("disabilities", k.CODES, default=()),
    _col("accommodation_type", k.code(AccommodationType)),
    _col("dva_card_status", k.code(DvaCardStatus)),
    _col("has_carer", k.BOOL),
    *(_col(name, kind, f"extended.{name}") for name, kind in _EXTENDED),
    _col("birth_date", k.DATE, required=True, personal=True),
    _col("given_name", k.TEXT, personal=True),
    _col("family_name", k.TEXT, personal=True),
    _col("slk", k.OPEN_CODE, personal=True),
    _col("gender_details", k.TEXT, personal=True),
    _col("address_line1", k.TEXT, "residential_address.address_line1", personal=True),
    _col("address_line2", k.TEXT, "residential_address.address_line2", personal=True),
)

CASES = (
    _col("case_id", k.TEXT, required=True),
    _col("outlet_activity_id", k.INT64, required=True),
    _col("total_unidentified_clients", k.INT32, default=0),
    _col("client_attendance_profile", k.OPEN_CODE),
    _col("end_date", k.DATE),
    _col("ag_business_type", k.OPEN_CODE),
    _opt("parenting_outcome", k.code(ParentingAgreement), "parenting_agreement_outcome", "outcome"),
    _opt("parenting_agreement_date", k.DATE, "parenting_agreement_outcome", "agreement_date"),
    _opt(
        "parenting_legal_practitioner_assisted",
        k.BOOL,
        "parenting_agreement_outcome",
        "legal_practitioner_assisted",
    ),
    _opt(
        "section60i_certificate_type",
        k.code(Section60ICertificateType),
        "section60i",
        "certificate_type",
    ),
    _opt("section60i_date_issued", k.DATE, "section60i", "date_issued"),
    _opt("property_outcome", k.OPEN_CODE, "property_agreement_outcome", "outcome"),
    _opt("property_agreement_date", k.DATE, "property_agreement_outcome", "agreement_date"),
    _opt(
        "property_legal_practitioner_assisted",
        k.BOOL,
        "property_agreement_outcome",
        "legal_practitioner_assisted",
    ),
)

_REASON = pa.struct([("code", pa.string()), ("is_primary", pa.bool_())])
_REFERRAL = pa.struct([("referral_type", pa.string()), ("purposes", pa.list_(pa.string()))])


_read_reason = k.struct_reader(
    ReasonForAssistance, {"code": (k.read_text, True), "is_primary": (k.read_bool, False)}
)
_read_referral = k.struct_reader(
    Referral,
    {"referral_type": (k.code_reader(ReferralType), True), "purposes": (k.read_codes, True)},
)


def _reasons(reasons: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [{"code": r.code, "is_primary": r.is_primary} for r in reasons]


def _referrals(referrals: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [{"referral_type": r.referral_type.value, "purposes": r.purposes} for r in referrals]


CASE_CLIENTS = (
    _col("case_row", k.INT64, "row"),
    _col("case_id", k.TEXT, "parent.case_id", required=True),
    _col("client_id", k.TEXT, "item.client_id", required=True),
    _col("referral_source", k.OPEN_CODE, "item.referral_source"),
    _col("exit_reason", k.OPEN_CODE, "item.exit_reason"),
    Column(
        "reasons_for_assistance",
        k.structs(_REASON, _read_reason),
        lambda child: _reasons(child.item.reasons_for_assistance),
        default=(),
    ),
)

SESSIONS = (
    _col("session_id", k.TEXT, required=True),
    _col("case_id", k.TEXT, required=True),
    _col("session_date", k.DATE, required=True),
    _col("service_type_id", k.INT64, required=True),
    _col("total_unidentified_clients", k.INT32, default=0),
    _col("fees_charged", k.DECIMAL),
    _col("money_business_workshop", k.OPEN_CODE),
    _col("interpreter_present", k.BOOL),
    _col("time_minutes", k.INT64),
    _col("total_cost", k.INT64),
    _col("quantity", k.INT64),
    _col("extra_items", k.CODES, default=()),
    _col("topic", k.OPEN_CODE),
    _col("service_setting", k.OPEN_CODE),
    _col("external_referral_destination", k.OPEN_CODE),
    _col("hardship_type", k.OPEN_CODE),
)

SESSION_CLIENTS = (
    _col("session_row", k.INT64, "row"),
    _col("case_id", k.TEXT, "parent.case_id", required=True),
    _col("session_id", k.TEXT, "parent.session_id", required=True),
    _col("client_id", k.TEXT, "item.client_id", required=True),
    _col(
        "participation",
        k.code(ParticipationType),
        "item.participation",
        default=ParticipationType.CLIENT,
    ),
    Column(
        "referrals",
        k.structs(_REFERRAL, _read_referral),
        lambda child: _referrals(child.item.referrals),
        default=(),
    ),
)

_SCORE_KEYS = (
    _col("assessment_row", k.INT64, "row"),
    _col("assessment_number", k.INT32, "number"),
)
_SCORE_VALUES = (
    _opt("score_type", k.code(ScoreType), "assessment", "score_type"),
    _opt("phase", k.code(AssessmentPhase), "assessment", "phase"),
    _opt("assessed_by", k.OPEN_CODE, "assessment", "assessed_by"),
    _opt("domain", k.OPEN_CODE, "score", "domain"),
    _opt("rating", k.INT8, "score", "rating"),
)
CLIENT_SCORES = (
    *_SCORE_KEYS,
    _col("client_id", k.TEXT, "record.client_id", required=True),
    _col("case_id", k.TEXT, "record.case_id", required=True),
    _col("session_id", k.TEXT, "record.session_id", required=True),
    *_SCORE_VALUES,
)
SESSION_SCORES = (
    *_SCORE_KEYS,
    _col("case_id", k.TEXT, "record.case_id", required=True),
    _col("session_id", k.TEXT, "record.session_id", required=True),
    *_SCORE_VALUES,
)

_ACTIVITY = pa.struct(
    [
        ("organisation_activity_id", pa.int64()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("outlet_activity_id", pa.int64()),
    ]
)
_PROGRAM = pa.struct(
    [
        ("organisation_activity_id", pa.int64()),
        ("name", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("delivering_on_behalf_of_another_organisation", pa.bool_()),
        ("has_partnership_ended", pa.bool_()),
        ("service_type_ids", pa.list_(pa.int64())),
    ]
)


_read_activity = k.struct_reader(
    OutletActivity,
    {
        "organisation_activity_id": (k.read_int, True),
        "start_date": (k.read_date, True),
        "end_date": (k.read_date, True),
        "outlet_activity_id": (k.read_int, False),
    },
)
_read_program = k.struct_reader(
    ProgramActivity,
    {
        "organisation_activity_id": (k.read_int, True),
        "name": (k.read_text, True),
        "start_date": (k.read_date, False),
        "end_date": (k.read_date, False),
        "delivering_on_behalf_of_another_organisation": (k.read_bool, False),
        "has_partnership_ended": (k.read_bool, False),
        "service_type_ids": (k.read_ints, False),
    },
)


def _plain(items: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [attrs.asdict(item, recurse=False) for item in items]


OUTLETS = (
    _col("name", k.TEXT, required=True),
    _col("outlet_id", k.INT64),
    _col("suburb", k.TEXT, "address.suburb", required=True),
    _col("state", k.code(State), "address.state", required=True),
    _col("postcode", k.TEXT, "address.postcode", required=True),
    # An outlet's street address is the provider's, not a client's.
    _col("address_line1", k.TEXT, "address.address_line1"),
    _col("address_line2", k.TEXT, "address.address_line2"),
    Column(
        "activities",
        k.structs(_ACTIVITY, _read_activity),
        lambda o: _plain(o.activities),
        default=(),
    ),
)

ORGANISATION = (
    _col("name", k.TEXT, required=True),
    _col("organisation_id", k.TEXT),
    Column(
        "program_activities",
        k.structs(_PROGRAM, _read_program),
        lambda o: _plain(o.program_activities),
        default=(),
    ),
)


def _children(records: tuple[Any, ...], name: str) -> Iterator[Child]:
    for row, record in enumerate(records):
        for item in getattr(record, name):
            yield Child(row, record, item)


def _scores(records: tuple[Any, ...]) -> Iterator[ScoreRow]:
    for row, record in enumerate(records):
        if not record.assessments:
            yield ScoreRow(row, record, None, None, None)
        for number, assessment in enumerate(record.assessments):
            if not assessment.scores:
                yield ScoreRow(row, record, number, assessment, None)
            for score in assessment.scores:
                yield ScoreRow(row, record, number, assessment, score)


#: Each table's columns and its rows in a dataset, in the order the tables are written.
TABLES: dict[str, tuple[tuple[Column, ...], Callable[[Dataset], Any]]] = {
    "clients": (CLIENTS, attrgetter("clients")),
    "cases": (CASES, attrgetter("cases")),
    "case_clients": (CASE_CLIENTS, lambda d: _children(d.cases, "clients")),
    "sessions": (SESSIONS, attrgetter("sessions")),
    "session_clients": (SESSION_CLIENTS, lambda d: _children(d.sessions, "clients")),
    "client_scores": (CLIENT_SCORES, lambda d: _scores(d.client_assessments)),
    "session_scores": (SESSION_SCORES, lambda d: _scores(d.session_assessments)),
    "outlets": (OUTLETS, attrgetter("outlets")),
    "organisation": (ORGANISATION, lambda d: () if d.organisation is None else (d.organisation,)),
}

#: Every personal column, by table.
PERSONAL: dict[str, frozenset[str]] = {
    name: frozenset(c.name for c in columns if c.personal) for name, (columns, _) in TABLES.items()
}
