"""The DEX domain model: frozen, keyword-only attrs classes and code tables.

What things are, with no input/output and no rules beyond what a type
cannot express. Change a record with :func:`attrs.evolve`; check a whole
dataset with :mod:`dexcore.rules`.
"""

from __future__ import annotations

from dexcore.model._fields import print_as_repr
from dexcore.model.assessment import Assessment, ClientAssessment, DomainScore, SessionAssessment
from dexcore.model.case import (
    Case,
    CaseClient,
    ParentingAgreementOutcome,
    PropertyAgreementOutcome,
    ReasonForAssistance,
    Section60I,
)
from dexcore.model.client import Client, ExtendedDemographics
from dexcore.model.codes import (
    AccommodationType,
    AssessmentPhase,
    AtsiOrigin,
    CodeEnum,
    DvaCardStatus,
    Gender,
    HouseholdComposition,
    IncomeFrequency,
    MainSourceOfIncome,
    MigrationVisaCategory,
    Month,
    ParentingAgreement,
    ParticipationType,
    ReferralType,
    ScoreType,
    Section60ICertificateType,
    State,
)
from dexcore.model.dataset import Dataset
from dexcore.model.organisation import (
    Organisation,
    Outlet,
    OutletActivity,
    ProgramActivity,
    ResidentialAddress,
)
from dexcore.model.partition import part_of_case, partition_by_case
from dexcore.model.positions import COPY, Positions, positions_in
from dexcore.model.session import Referral, Session, SessionClient

__all__ = [
    "COPY",
    "AccommodationType",
    "Assessment",
    "AssessmentPhase",
    "AtsiOrigin",
    "Case",
    "CaseClient",
    "Client",
    "ClientAssessment",
    "CodeEnum",
    "Dataset",
    "DomainScore",
    "DvaCardStatus",
    "ExtendedDemographics",
    "Gender",
    "HouseholdComposition",
    "IncomeFrequency",
    "MainSourceOfIncome",
    "MigrationVisaCategory",
    "Month",
    "Organisation",
    "Outlet",
    "OutletActivity",
    "ParentingAgreement",
    "ParentingAgreementOutcome",
    "ParticipationType",
    "Positions",
    "ProgramActivity",
    "PropertyAgreementOutcome",
    "ReasonForAssistance",
    "Referral",
    "ReferralType",
    "ResidentialAddress",
    "ScoreType",
    "Section60I",
    "Section60ICertificateType",
    "Session",
    "SessionAssessment",
    "SessionClient",
    "State",
    "part_of_case",
    "partition_by_case",
    "positions_in",
]

# Pretty printers (hypothesis's falsifying examples, IPython) otherwise walk the attrs
# fields, personal ones included; the repr is what they may show.
for _record in (
    Assessment,
    Case,
    CaseClient,
    Client,
    ClientAssessment,
    Dataset,
    DomainScore,
    ExtendedDemographics,
    Organisation,
    Outlet,
    OutletActivity,
    ParentingAgreementOutcome,
    ProgramActivity,
    PropertyAgreementOutcome,
    ReasonForAssistance,
    Referral,
    ResidentialAddress,
    Section60I,
    Session,
    SessionAssessment,
    SessionClient,
):
    print_as_repr(_record)
del _record
