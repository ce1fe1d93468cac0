"""Closed DSS code tables as string enums.

Each member's value is the code DSS uses on the wire, so ``Gender.MALE ==
"MALE"``. Parsing is case-insensitive and ignores surrounding blanks
(``Gender("male")`` is ``Gender.MALE``); an unknown code raises
:class:`~dexcore.errors.UnknownCodeError`, which does not repeat the text.

Open tables whose membership changes over time (countries, languages,
referral sources, reasons for assistance, exit reasons, service types, …)
are not enums: they are plain upper-case codes checked against
:mod:`dexcore.reference`.

More information:

* DSS DEX reference data export, 2015 (``DEXReferenceData``), the source of
  every table here unless a member says otherwise.
* ``docs/howto/reference-data.md`` for the later additions, and ``docs/explanation/sources.md``
  for the documents they come from.
"""

from __future__ import annotations

import enum
from typing import Self

from dexcore.errors import UnknownCodeError

__all__ = [
    "AccommodationType",
    "AssessmentPhase",
    "AtsiOrigin",
    "CodeEnum",
    "DvaCardStatus",
    "Gender",
    "HouseholdComposition",
    "IncomeFrequency",
    "MainSourceOfIncome",
    "MigrationVisaCategory",
    "Month",
    "ParentingAgreement",
    "ParticipationType",
    "ReferralType",
    "ScoreType",
    "Section60ICertificateType",
    "State",
]


class CodeEnum(enum.StrEnum):
    """Base of the closed code tables: case-insensitive parsing, safe errors."""

    @classmethod
    def _missing_(cls, value: object) -> Self:
        if isinstance(value, str):
            wanted = value.strip().casefold()
            for member in cls:
                if member.value.casefold() == wanted:
                    return member
        raise UnknownCodeError(cls.__name__, tuple(member.value for member in cls))

    @classmethod
    def parse(cls, value: str) -> Self:
        """Return the member for ``value``, ignoring case and surrounding blanks.

        Raises:
            UnknownCodeError: ``value`` is not a code of this table.
        """
        return cls(value)


class Gender(CodeEnum):
    """DEX ``GenderCode``.

    The 2015 reference data has MALE, FEMALE, INTERSEX and NOTSTATED; current
    DEX (Protocols v13, the ABS 2020 standard) uses OTHER with free-text
    ``GenderDetails``. Both generations are accepted.
    """

    MALE = "MALE"  #: Man or male.
    FEMALE = "FEMALE"  #: Woman or female.
    OTHER = "OTHER"  #: Non-binary or a different term (current DEX, with gender details).
    INTERSEX = "INTERSEX"  #: Intersex or indeterminate (2015 reference data).
    NOTSTATED = "NOTSTATED"  #: Not stated or inadequately described; prefer not to answer.


class AtsiOrigin(CodeEnum):
    """DEX ``AboriginalOrTorresStraitIslanderOriginCode``."""

    NO = "NO"  #: Neither Aboriginal nor Torres Strait Islander.
    ABORIGINAL = "ABORIGINAL"  #: Aboriginal.
    TSI = "TSI"  #: Torres Strait Islander.
    BOTH = "BOTH"  #: Aboriginal and Torres Strait Islander.
    NOTSTATED = "NOTSTATED"  #: Not stated or inadequately described.


class State(CodeEnum):
    """DEX ``StateCode`` of a residential or outlet address."""

    ACT = "ACT"  #: Australian Capital Territory.
    NSW = "NSW"  #: New South Wales.
    NT = "NT"  #: Northern Territory.
    QLD = "QLD"  #: Queensland.
    SA = "SA"  #: South Australia.
    TAS = "TAS"  #: Tasmania.
    VIC = "VIC"  #: Victoria.
    WA = "WA"  #: Western Australia.
    OT = "OT"  #: Other Territories (2015 reference data).
    EXT = "EXT"  #: Other territories, as the DSS registry's outlet state domain spells it.
    IOB = "IOB"  #: International Operations Branch (DSS registry, outlets only).


class ParticipationType(CodeEnum):
    """How a client took part in a session (``ParticipationCode``)."""

    CLIENT = "CLIENT"  #: Received the service.
    SUPPORT = "SUPPORT"  #: Attended to support a client; not receiving the service.


class ScoreType(CodeEnum):
    """SCORE assessment type (``ScoreTypeCode``)."""

    CIRCUMSTANCES = "CIRCUMSTANCES"  #: Client circumstances, rated per domain.
    GOALS = "GOALS"  #: Client goals, rated per domain.
    SATISFACTION = "SATISFACTION"  #: Client satisfaction statements.
    GROUP = "GROUP"  #: Group/Community SCORE, recorded against a session.

    @property
    def for_sessions(self) -> bool:
        """Whether this type is recorded against a session rather than a client."""
        return self is ScoreType.GROUP


class AssessmentPhase(CodeEnum):
    """SCORE phase (``AssessmentPhaseCode``)."""

    PRE = "PRE"  #: Pre-SCORE, near the start of service.
    POST = "POST"  #: Post-SCORE, near the end of service.


class ReferralType(CodeEnum):
    """Direction of a referral out of a session (``TypeCode``)."""

    INTERNAL = "INTERNAL"  #: To another service of the same organisation.
    EXTERNAL = "EXTERNAL"  #: To another organisation.


class AccommodationType(CodeEnum):
    """CHSP accommodation setting (``AccommodationTypeCode``)."""

    BOARDING = "BOARDING"  #: Boarding house.
    TRANSITION = "TRANSITION"  #: Crisis, emergency or transition.
    LIVINGUNIT = "LIVINGUNIT"  #: Independent living unit.
    COMMUNITY = "COMMUNITY"  #: Indigenous community or settlement.
    INSTITUTION = "INSTITUTION"  #: Institutional setting (residential aged care, hospital).
    CLIENTOWNED = "CLIENTOWNED"  #: Private residence, client or family owned or purchasing.
    PRIVATERENTAL = "PRIVATERENTAL"  #: Private residence, private rental.
    PUBLICRENTAL = "PUBLICRENTAL"  #: Private residence, public rental.
    PUBLICSHELTER = "PUBLICSHELTER"  #: Public shelter.
    SUPPORTED = "SUPPORTED"  #: Supported accommodation.
    NOTSTATED = "NOTSTATED"  #: Not stated.
    OTHER = "OTHER"  #: Other.


class DvaCardStatus(CodeEnum):
    """CHSP Department of Veterans' Affairs card (``DVACardStatusCode``)."""

    GOLD = "GOLD"  #: DVA Gold Card.
    WHITE = "WHITE"  #: DVA White Card.
    ORANGE = "ORANGE"  #: DVA Orange Card or other.
    NODVA = "NODVA"  #: No DVA card.


class HouseholdComposition(CodeEnum):
    """Partnership Approach household composition (``HouseholdCompositionCode``)."""

    SINGLE = "SINGLE"  #: Single person.
    SOLEPARENT = "SOLEPARENT"  #: Sole parent with dependants.
    COUPLE = "COUPLE"  #: Couple without dependants.
    FAMILY = "FAMILY"  #: Couple with dependants.
    GROUP = "GROUP"  #: Group of related adults.
    GROUP2 = "GROUP2"  #: Group of unrelated adults.
    HOMELESS = "HOMELESS"  #: Homeless.
    NOTSTATED = "NOTSTATED"  #: Not stated.


class MainSourceOfIncome(CodeEnum):
    """Partnership Approach main source of income (``MainSourceOfIncomeCode``)."""

    NIL = "NIL"  #: Nil income.
    EMPLOYED = "EMPLOYED"  #: Employee wages or salary.
    SELFEMPLOYED = "SELFEMPLOYED"  #: Self-employed.
    GOVERNMENT = "GOVERNMENT"  #: Government payment or allowance.
    OTHER = "OTHER"  #: Other.
    NOTSTATED = "NOTSTATED"  #: Not stated.


class IncomeFrequency(CodeEnum):
    """Period of the approximate gross income (``IncomeFrequencyCode``)."""

    WEEKLY = "WEEKLY"  #: Per week.
    FORTNIGHTLY = "FORTNIGHTLY"  #: Per fortnight.
    MONTHLY = "MONTHLY"  #: Per month.
    ANNUALLY = "ANNUALLY"  #: Per year.


class MigrationVisaCategory(CodeEnum):
    """Migration visa category (``MigrationVisaCategoryCode``)."""

    HUMANITARIAN = "HUMANITARIAN"  #: Humanitarian.
    FAMILY = "FAMILY"  #: Family.
    SKILLED = "SKILLED"  #: Skilled.
    OTHER = "OTHER"  #: Other.


class ParentingAgreement(CodeEnum):
    """Family Law Services parenting agreement outcome."""

    FULL = "FULL"  #: Full agreement reached.
    PARTIAL = "PARTIAL"  #: Partial agreement reached.
    NOTREACHED = "NOTREACHED"  #: No agreement reached.


class Section60ICertificateType(CodeEnum):
    """Family Law Act section 60I certificate type."""

    GENUINE = "GENUINE"  #: Genuine effort to resolve by both parties.
    NOTGENUINE = "NOTGENUINE"  #: No genuine effort by one or both parties.
    NORESOLUTION = "NORESOLUTION"  #: Not appropriate to proceed.
    NOTHELD = "NOTHELD"  #: Not held because the other party refused or failed to attend.
    DISCONTINUED = "DISCONTINUED"  #: Began but was discontinued.


class Month(CodeEnum):
    """``FirstArrivalMonth``: DEX writes the English month name, not a number."""

    JANUARY = "January"  #: January.
    FEBRUARY = "February"  #: February.
    MARCH = "March"  #: March.
    APRIL = "April"  #: April.
    MAY = "May"  #: May.
    JUNE = "June"  #: June.
    JULY = "July"  #: July.
    AUGUST = "August"  #: August.
    SEPTEMBER = "September"  #: September.
    OCTOBER = "October"  #: October.
    NOVEMBER = "November"  #: November.
    DECEMBER = "December"  #: December.

    @property
    def number(self) -> int:
        """The month's number, 1 for January to 12 for December."""
        return list(Month).index(self) + 1

    @classmethod
    def from_number(cls, number: int) -> Month:
        """Return the month numbered ``number`` (1–12).

        Raises:
            UnknownCodeError: ``number`` is not between 1 and 12.
        """
        if not 1 <= number <= 12:
            raise UnknownCodeError(cls.__name__)
        return list(cls)[number - 1]
