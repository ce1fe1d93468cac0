"""Hypothesis strategies that generate valid but awkward DEX data.

Use them in your own tests: every value they produce is a record DEX should
accept, chosen to hit the cases implementations get wrong — one-letter,
hyphenated, apostrophised and accented names, clients without consent
(no names or street, an SLK instead), pseudonyms, estimated birth dates
(1 January), Northern Territory postcodes starting with ``0``, support
persons, and group sessions with unidentified clients.

Names are made from syllables, never taken from real people.

>>> from hypothesis import given
>>> @given(datasets())
... def test_my_export(dataset): ...
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import string
from collections.abc import Sequence
from typing import TypeVar

from hypothesis import strategies as st

from dexcore.model import (
    AccommodationType,
    Assessment,
    AssessmentPhase,
    AtsiOrigin,
    Case,
    CaseClient,
    Client,
    ClientAssessment,
    Dataset,
    DomainScore,
    DvaCardStatus,
    ExtendedDemographics,
    Gender,
    HouseholdComposition,
    IncomeFrequency,
    MainSourceOfIncome,
    MigrationVisaCategory,
    Month,
    Organisation,
    Outlet,
    OutletActivity,
    ParentingAgreement,
    ParentingAgreementOutcome,
    ParticipationType,
    ProgramActivity,
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
from dexcore.reference import CodeType, ReferenceData, bundled
from dexcore.slk import SlkPolicy, estimated_birth_date, generate

__all__ = [
    "DEFAULT_FIRST_DAY",
    "DEFAULT_LAST_DAY",
    "addresses",
    "assessments",
    "birth_dates",
    "case_clients",
    "cases",
    "client_assessments",
    "clients",
    "datasets",
    "domain_scores",
    "extended_demographics",
    "names",
    "organisations",
    "outlets",
    "postcodes",
    "program_activities",
    "referrals",
    "session_assessments",
    "session_clients",
    "sessions",
    "slks",
]

#: First session date the strategies produce unless told otherwise.
DEFAULT_FIRST_DAY = dt.date(2024, 1, 1)
#: Last date (sessions, birth dates, arrivals) the strategies produce unless told otherwise.
DEFAULT_LAST_DAY = dt.date(2024, 12, 31)

_SYLLABLES = (
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
_INCOME = st.none() | st.integers(0, 250_000)
_MAYBE = st.none() | st.booleans()
E = TypeVar("E", bound=enum.Enum)


def _optional(values: type[E]) -> st.SearchStrategy[E | None]:
    """``None`` or a member of the enum ``values``."""
    return st.none() | st.sampled_from(values)


@functools.cache
def _word() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(_SYLLABLES), min_size=1, max_size=4).map(
        lambda parts: "".join(parts).capitalize()
    )


def _accented(word: str) -> str:
    return word.replace("e", "é", 1).replace("u", "ü", 1).replace("n", "ñ", 1)


@functools.cache
def names() -> st.SearchStrategy[str]:
    """Synthetic names that exercise SLK cleaning: one letter, hyphens, O', Mc, accents, spaces."""
    word = _word()
    return st.one_of(
        word,
        st.sampled_from(string.ascii_uppercase),
        st.tuples(word, word).map(lambda pair: f"{pair[0]}-{pair[1]}"),
        word.map(lambda w: f"O'{w}"),
        word.map(lambda w: f"Mc{w}"),
        word.map(lambda w: f"Mac {w}"),
        word.map(_accented),
        word.map(lambda w: f"{w}."),
        word.map(lambda w: f"  {w.lower()} "),
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
    line1 = f"{draw(st.integers(1, 999))} {draw(_word())} St" if with_street else None
    line2 = draw(st.sampled_from([None, "Unit 2", "Rear"])) if with_street else None
    return ResidentialAddress(
        suburb=draw(st.sampled_from(_SUBURBS)),
        state=state,
        postcode=draw(postcodes(state)),
        address_line1=line1,
        address_line2=line2,
    )


@functools.cache
def _codes(reference: ReferenceData, table: str) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(reference.table(table).codes))


@functools.cache
def _optional_code(reference: ReferenceData, table: str) -> st.SearchStrategy[str | None]:
    return st.none() | _codes(reference, table)


@functools.cache
def _disability_lists(reference: ReferenceData) -> st.SearchStrategy[list[str]]:
    codes = sorted(reference.table(CodeType.DISABILITY).codes - {"NOTSTATED"})
    return st.lists(st.sampled_from(codes), min_size=1, max_size=2, unique=True)


@functools.cache
def _domains(reference: ReferenceData, score_type: ScoreType) -> tuple[str, ...]:
    return tuple(sorted(reference.score_type(score_type).domain_codes))


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
    income = draw(_INCOME)
    arrival = draw(st.none() | st.integers(birth_year, last_day.year))
    return ExtendedDemographics(
        household_composition=draw(_optional(HouseholdComposition)),
        main_source_of_income=draw(_optional(MainSourceOfIncome)),
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
        migration_visa_category=draw(_optional(MigrationVisaCategory)),
        ancestry=draw(_optional_code(ref, CodeType.ANCESTRY)),
        homeless_indicator=draw(_optional_code(ref, CodeType.HOMELESS_INDICATOR)),
        education_level=draw(_optional_code(ref, CodeType.EDUCATION_LEVEL)),
        employment_status=draw(_optional_code(ref, CodeType.EMPLOYMENT_STATUS)),
        is_client_a_carer=draw(_MAYBE),
        ndis_eligibility=draw(_optional_code(ref, CodeType.NDIS_ELIGIBILITY)),
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
        country_of_birth=draw(_codes(ref, CodeType.COUNTRY)),
        language_spoken_at_home=draw(_codes(ref, CodeType.LANGUAGE)),
        atsi_origin=draw(st.sampled_from(AtsiOrigin)),
        has_disabilities=has_disabilities,
        disabilities=tuple(draw(_disability_lists(ref))) if has_disabilities else (),
        accommodation_type=draw(_optional(AccommodationType)),
        dva_card_status=draw(_optional(DvaCardStatus)),
        has_carer=draw(_MAYBE),
        residential_address=draw(addresses(street=None if consented else False)),
        extended=draw(
            extended_demographics(
                birth_year=birth.year, birth_month=birth.month, last_day=last_day, reference=ref
            )
        ),
    )


@st.composite
def case_clients(
    draw: st.DrawFn, client_id: str, *, reference: ReferenceData | None = None
) -> CaseClient:
    """A client's attachment to a case, with exactly one primary reason when reasons are given."""
    ref = reference or bundled()
    reasons = draw(st.lists(_codes(ref, CodeType.REASON_FOR_ASSISTANCE), max_size=3, unique=True))
    return CaseClient(
        client_id=client_id,
        referral_source=draw(_optional_code(ref, CodeType.REFERRAL_SOURCE)),
        reasons_for_assistance=tuple(
            ReasonForAssistance(code=code, is_primary=n == 0) for n, code in enumerate(reasons)
        ),
        exit_reason=draw(_optional_code(ref, CodeType.EXIT_REASON)),
    )


@st.composite
def referrals(draw: st.DrawFn, *, reference: ReferenceData | None = None) -> tuple[Referral, ...]:
    """Referrals out for one session client: at most one internal and one external."""
    ref = reference or bundled()
    kinds = draw(st.lists(st.sampled_from(ReferralType), max_size=2, unique=True))
    purposes = _codes(ref, CodeType.REFERRAL_PURPOSE)
    return tuple(
        Referral(
            referral_type=kind,
            purposes=tuple(draw(st.lists(purposes, min_size=1, max_size=3, unique=True))),
        )
        for kind in kinds
    )


@st.composite
def assessments(
    draw: st.DrawFn,
    score_types: Sequence[ScoreType],
    *,
    max_size: int,
    reference: ReferenceData | None = None,
) -> tuple[Assessment, ...]:
    """Up to ``max_size`` assessments of the given score types, rating real domains 1–5."""
    ref = reference or bundled()
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(score_types), st.sampled_from(AssessmentPhase)),
            min_size=1,
            max_size=max_size,
            unique=True,
        )
    )
    result = []
    for score_type, phase in pairs:
        domains = _domains(ref, score_type)
        rated = draw(st.lists(st.sampled_from(domains), min_size=1, max_size=4, unique=True))
        scores = tuple(DomainScore(domain=d, rating=draw(st.integers(1, 5))) for d in rated)
        result.append(Assessment(score_type=score_type, phase=phase, scores=scores))
    return tuple(result)


_SERVICE_TYPES = (1, 2, 3, 5, 8, 10, 12, 13)
_CLIENT_SCORES = (ScoreType.CIRCUMSTANCES, ScoreType.GOALS, ScoreType.SATISFACTION)


@st.composite
def _case_with_sessions(
    draw: st.DrawFn,
    number: int,
    client_pool: Sequence[Client],
    *,
    first_day: dt.date,
    last_day: dt.date,
    reference: ReferenceData,
) -> tuple[Case, list[Session], list[ClientAssessment], list[SessionAssessment]]:
    members = draw(st.lists(st.sampled_from(client_pool), min_size=1, max_size=6, unique=True))
    case_id = f"K{number:04d}"
    case = Case(
        case_id=case_id,
        outlet_activity_id=draw(st.sampled_from([101, 102])),
        total_unidentified_clients=draw(st.sampled_from([0, 0, 5, 40, 999])),
        clients=tuple(draw(case_clients(c.client_id, reference=reference)) for c in members),
    )
    sessions: list[Session] = []
    client_scores: list[ClientAssessment] = []
    group_scores: list[SessionAssessment] = []
    for n in range(draw(st.integers(1, 4))):
        attending = draw(st.lists(st.sampled_from(members), max_size=len(members), unique=True))
        session = Session(
            session_id=f"S{n + 1:03d}",
            case_id=case_id,
            session_date=draw(st.dates(first_day, last_day)),
            service_type_id=draw(st.sampled_from(_SERVICE_TYPES)),
            total_unidentified_clients=draw(st.integers(0, case.total_unidentified_clients)),
            interpreter_present=draw(_MAYBE),
            clients=tuple(
                SessionClient(
                    client_id=c.client_id,
                    participation=draw(st.sampled_from(ParticipationType)),
                    referrals=draw(referrals(reference=reference)),
                )
                for c in attending
            ),
        )
        sessions.append(session)
        client_scores.extend(
            ClientAssessment(
                client_id=c.client_id,
                case_id=case_id,
                session_id=session.session_id,
                assessments=draw(assessments(_CLIENT_SCORES, max_size=6, reference=reference)),
            )
            for c in attending
            if draw(st.booleans())
        )
        if draw(st.booleans()):
            group_scores.append(
                SessionAssessment(
                    case_id=case_id,
                    session_id=session.session_id,
                    assessments=draw(
                        assessments([ScoreType.GROUP], max_size=2, reference=reference)
                    ),
                )
            )
    return case, sessions, client_scores, group_scores


@st.composite
def datasets(
    draw: st.DrawFn,
    *,
    min_clients: int = 1,
    max_clients: int = 8,
    max_cases: int = 4,
    first_day: dt.date = DEFAULT_FIRST_DAY,
    last_day: dt.date = DEFAULT_LAST_DAY,
    reference: ReferenceData | None = None,
) -> Dataset:
    """Whole datasets whose references all resolve.

    Every session belongs to a case in the dataset, every session client is
    a client of that case, unidentified counts stay within the case's
    figure, and sessions fall between ``first_day`` and ``last_day``.
    """
    ref = reference or bundled()
    count = draw(st.integers(min_clients, max_clients))
    pool = [
        draw(clients(client_id=f"C{n:05d}", last_day=first_day, reference=ref))
        for n in range(count)
    ]
    cases, sessions, client_scores, group_scores = [], [], [], []
    case_count = draw(st.integers(1, max_cases)) if pool else 0
    for number in range(case_count):
        case, s, c, g = draw(
            _case_with_sessions(
                number + 1, pool, first_day=first_day, last_day=last_day, reference=ref
            )
        )
        cases.append(case)
        sessions.extend(s)
        client_scores.extend(c)
        group_scores.extend(g)
    return Dataset(
        clients=tuple(pool),
        cases=tuple(cases),
        sessions=tuple(sessions),
        client_assessments=tuple(client_scores),
        session_assessments=tuple(group_scores),
    )


def domain_scores() -> st.SearchStrategy[DomainScore]:
    """Single domain ratings (any upper-case domain code, rating 1–5)."""
    return st.builds(
        DomainScore,
        domain=st.sampled_from(("HOUSING", "MONEY", "SKILLS", "SERVICELISTENED", "GROUPSKILLS")),
        rating=st.integers(1, 5),
    )


def client_assessments(
    client_id: str = "C00001", case_id: str = "K0001", session_id: str = "S001"
) -> st.SearchStrategy[ClientAssessment]:
    """Client SCORE assessments (Circumstances, Goals, Satisfaction), at most six."""
    return st.builds(
        ClientAssessment,
        client_id=st.just(client_id),
        case_id=st.just(case_id),
        session_id=st.just(session_id),
        assessments=assessments(_CLIENT_SCORES, max_size=6),
    )


def session_assessments(
    case_id: str = "K0001", session_id: str = "G001"
) -> st.SearchStrategy[SessionAssessment]:
    """Group/Community SCORE assessments of a session, at most two."""
    return st.builds(
        SessionAssessment,
        case_id=st.just(case_id),
        session_id=st.just(session_id),
        assessments=assessments([ScoreType.GROUP], max_size=2),
    )


def session_clients(client_id: str = "C00001") -> st.SearchStrategy[SessionClient]:
    """A client's attendance at a session, as client or support person, with referrals."""
    return st.builds(
        SessionClient,
        client_id=st.just(client_id),
        participation=st.sampled_from(ParticipationType),
        referrals=referrals(),
    )


@st.composite
def sessions(
    draw: st.DrawFn,
    *,
    case_id: str = "K0001",
    client_ids: Sequence[str] = ("C00001", "C00002"),
    case_unidentified: int = 999,
    first_day: dt.date = DEFAULT_FIRST_DAY,
    last_day: dt.date = DEFAULT_LAST_DAY,
) -> Session:
    """Sessions of one case, attended by some of ``client_ids``; group sessions included."""
    attending = draw(st.lists(st.sampled_from(client_ids), unique=True)) if client_ids else []
    with_chsp = draw(st.booleans())
    return Session(
        session_id=draw(st.from_regex(r"S[0-9]{3}", fullmatch=True)),
        case_id=case_id,
        session_date=draw(st.dates(first_day, last_day)),
        service_type_id=draw(st.sampled_from(_SERVICE_TYPES)),
        total_unidentified_clients=draw(st.integers(0, case_unidentified)),
        clients=tuple(draw(session_clients(c)) for c in attending),
        fees_charged=draw(st.none() | st.decimals(0, 500, places=2)),
        interpreter_present=draw(_MAYBE),
        time_minutes=draw(st.integers(5, 480)) if with_chsp else None,
        quantity=draw(st.integers(1, 20)) if with_chsp else None,
        total_cost=draw(st.integers(0, 5000)) if with_chsp else None,
    )


@st.composite
def cases(
    draw: st.DrawFn,
    *,
    case_id: str = "K0001",
    client_ids: Sequence[str] = ("C00001", "C00002"),
    last_day: dt.date = DEFAULT_LAST_DAY,
) -> Case:
    """Cases holding ``client_ids``, with Family Law outcomes now and then."""
    agreement = st.builds(
        ParentingAgreementOutcome,
        outcome=st.sampled_from(ParentingAgreement),
        agreement_date=st.dates(dt.date(2015, 1, 1), last_day),
        legal_practitioner_assisted=st.booleans(),
    )
    certificate = st.builds(
        Section60I,
        certificate_type=st.sampled_from(Section60ICertificateType),
        date_issued=st.dates(dt.date(2015, 1, 1), last_day),
    )
    return Case(
        case_id=case_id,
        outlet_activity_id=draw(st.integers(1, 10_000)),
        total_unidentified_clients=draw(st.integers(0, 999)),
        clients=tuple(draw(case_clients(c)) for c in client_ids),
        parenting_agreement_outcome=draw(st.none() | agreement),
        section60i=draw(st.none() | certificate),
        property_agreement_outcome=draw(
            st.none()
            | st.builds(
                PropertyAgreementOutcome,
                outcome=st.sampled_from(("FULL", "PARTIAL", "NOTREACHED")),
                agreement_date=st.dates(dt.date(2020, 1, 1), last_day),
                legal_practitioner_assisted=st.booleans(),
            )
        ),
        end_date=draw(st.none() | st.dates(dt.date(2015, 1, 1), last_day)),
    )


def program_activities() -> st.SearchStrategy[ProgramActivity]:
    """Program activities, with or without their list of valid service types."""
    return st.builds(
        ProgramActivity,
        organisation_activity_id=st.integers(1, 100_000),
        name=st.sampled_from(
            ("Family and Relationship Services", "Settlement Engagement and Transition Support")
        ),
        start_date=st.none() | st.dates(dt.date(2014, 7, 1), dt.date(2024, 7, 1)),
        service_type_ids=st.lists(st.sampled_from(_SERVICE_TYPES), unique=True).map(tuple),
    )


@st.composite
def outlets(draw: st.DrawFn) -> Outlet:
    """Outlets with their program activities."""
    start = draw(st.dates(dt.date(2014, 7, 1), dt.date(2024, 6, 30)))
    activity = st.builds(
        OutletActivity,
        organisation_activity_id=st.integers(1, 100_000),
        start_date=st.just(start),
        end_date=st.dates(start, dt.date(2030, 6, 30)),
        outlet_activity_id=st.none() | st.integers(1, 100_000),
    )
    return Outlet(
        name=f"{draw(_word())} Centre",
        address=draw(addresses(street=True)),
        activities=tuple(draw(st.lists(activity, max_size=3))),
        outlet_id=draw(st.none() | st.integers(1, 100_000)),
    )


def organisations() -> st.SearchStrategy[Organisation]:
    """Organisations with their program activities."""
    return st.builds(
        Organisation,
        name=_word().map(lambda w: f"{w} Community Services"),
        organisation_id=st.none() | st.from_regex(r"ORG-[0-9]{4}", fullmatch=True),
        program_activities=st.lists(program_activities(), max_size=3).map(tuple),
    )
