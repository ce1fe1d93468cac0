"""Write ``examples/example-dataset.json``: a small synthetic DEX dataset.

One organisation with two outlets, twenty synthetic clients (one-letter,
hyphenated, apostrophised and accented names; clients without consent who
have an SLK and no names; pseudonyms; estimated birth dates; an NT postcode;
support persons), six cases, sessions across 2024-H1 and 2024-H2 (a group
session with unidentified clients among them) and SCORE pre/post.

Every person here is invented. Run ``python tools/build_example_dataset.py``
and review the diff.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dexcore.io import dataset_to_json
from dexcore.model import (
    Assessment,
    AssessmentPhase,
    AtsiOrigin,
    Case,
    CaseClient,
    Client,
    ClientAssessment,
    Dataset,
    DomainScore,
    ExtendedDemographics,
    Gender,
    HouseholdComposition,
    IncomeFrequency,
    Month,
    Organisation,
    Outlet,
    OutletActivity,
    ParticipationType,
    ProgramActivity,
    ReasonForAssistance,
    Referral,
    ReferralType,
    ResidentialAddress,
    ScoreType,
    Session,
    SessionAssessment,
    SessionClient,
    State,
)
from dexcore.slk import generate

OUT = Path(__file__).resolve().parent.parent / "examples/example-dataset.json"

# id, family, given, birth date, estimate, gender, consent, pseudonym, country, language,
# Indigenous status, state
PEOPLE = [
    (
        "C00001",
        "Kalomi",
        "Rava",
        "1984-03-12",
        False,
        "FEMALE",
        True,
        False,
        "1101",
        "1201",
        "NO",
        "NSW",
    ),
    (
        "C00002",
        "O'Tendor",
        "Belu",
        "1979-11-02",
        False,
        "MALE",
        True,
        False,
        "2102",
        "1201",
        "NO",
        "NSW",
    ),
    (
        "C00003",
        "Fen-Halvo",
        "Mira",
        "1990-06-30",
        False,
        "FEMALE",
        True,
        False,
        "1101",
        "1201",
        "ABORIGINAL",
        "NSW",
    ),
    ("C00004", "Q", "Jun", "1962-01-01", True, "MALE", True, False, "4106", "4202", "NO", "NSW"),
    (
        "C00005",
        "Sarnor",
        "E",
        "2001-02-28",
        False,
        "OTHER",
        True,
        False,
        "1101",
        "1201",
        "NO",
        "NSW",
    ),
    (
        "C00006",
        "Lumkés",
        "Ixa",
        "1955-08-19",
        False,
        "FEMALE",
        False,
        False,
        "7103",
        "7104",
        "NO",
        "NSW",
    ),
    (
        "C00007",
        "McDorwen",
        "Tovi",
        "1988-12-24",
        False,
        "MALE",
        False,
        False,
        "1101",
        "1201",
        "TSI",
        "NSW",
    ),
    (
        "C00008",
        "Yarbel",
        "Zuko",
        "2012-04-09",
        False,
        "MALE",
        True,
        False,
        "1101",
        "1201",
        "BOTH",
        "NSW",
    ),
    (
        "C00009",
        "Gripel",
        "Anwen",
        "1971-07-07",
        False,
        "FEMALE",
        True,
        True,
        "9232",
        "9214",
        "NO",
        "NSW",
    ),
    (
        "C00010",
        "Halsar",
        "Halsar",
        "1993-01-01",
        True,
        "NOTSTATED",
        True,
        False,
        "0003",
        "0002",
        "NOTSTATED",
        "NSW",
    ),
    (
        "C00011",
        "De Vokes",
        "Ulla",
        "1966-05-15",
        False,
        "FEMALE",
        True,
        False,
        "2304",
        "2303",
        "NO",
        "NT",
    ),
    (
        "C00012",
        "Norvo",
        "Pelle",
        "1999-09-09",
        False,
        "MALE",
        True,
        False,
        "1101",
        "1201",
        "ABORIGINAL",
        "NT",
    ),
    (
        "C00013",
        "Tendor",
        "Kesra",
        "1948-02-29",
        False,
        "FEMALE",
        True,
        False,
        "2102",
        "1201",
        "NO",
        "NT",
    ),
    (
        "C00014",
        "Wenlo",
        "Dari",
        "1986-10-10",
        False,
        "MALE",
        False,
        True,
        "5203",
        "5201",
        "NO",
        "NT",
    ),
    (
        "C00015",
        "Ushmira",
        "Fenn",
        "2008-03-03",
        False,
        "FEMALE",
        True,
        False,
        "1101",
        "1201",
        "NO",
        "NT",
    ),
    (
        "C00016",
        "Belgri",
        "Oto",
        "1975-01-01",
        True,
        "MALE",
        True,
        False,
        "3307",
        "3301",
        "NO",
        "NT",
    ),
    (
        "C00017",
        "Zuhal",
        "Ravi",
        "1991-04-21",
        False,
        "FEMALE",
        True,
        False,
        "7103",
        "5201",
        "NO",
        "NT",
    ),
    (
        "C00018",
        "Kesdor",
        "Lumi",
        "1983-06-06",
        False,
        "MALE",
        True,
        False,
        "1101",
        "1201",
        "NO",
        "NT",
    ),
    (
        "C00019",
        "Vofen",
        "Sari",
        "1959-12-31",
        False,
        "FEMALE",
        False,
        False,
        "1101",
        "1201",
        "ABORIGINAL",
        "NT",
    ),
    (
        "C00020",
        "Pelnor",
        "Jax",
        "2015-07-14",
        False,
        "MALE",
        True,
        False,
        "1101",
        "1201",
        "NO",
        "NT",
    ),
]

SUBURBS = {State.NSW: ("Parramatta", "2150"), State.NT: ("Darwin", "0800")}


def client(row: tuple[str, str, str, str, bool, str, bool, bool, str, str, str, str]) -> Client:
    """One synthetic client from a row of PEOPLE."""
    cid, family, given, born, estimate, gender, consent, pseudonym, cob, lang, atsi, state = row
    birth = dt.date.fromisoformat(born)
    suburb, postcode = SUBURBS[State(state)]
    number = int(cid[1:])
    arrived = cob not in {"1101", "0003"}
    return Client(
        client_id=cid,
        consent_to_provide_details=consent,
        consented_for_future_contacts=number % 3 == 0,
        given_name=given if consent else None,
        family_name=family if consent else None,
        slk=generate(family, given, birth, gender),
        is_using_pseudonym=pseudonym,
        birth_date=birth,
        is_birth_date_an_estimate=estimate,
        gender=Gender(gender),
        gender_details="Non-binary" if gender == "OTHER" else None,
        country_of_birth=cob,
        language_spoken_at_home=lang,
        atsi_origin=AtsiOrigin(atsi),
        has_disabilities=number in {3, 13},
        disabilities=("PHYSICAL",) if number in {3, 13} else (),
        residential_address=ResidentialAddress(
            suburb=suburb,
            state=State(state),
            postcode=postcode,
            address_line1=f"{number} Example Street" if consent else None,
        ),
        extended=ExtendedDemographics(
            household_composition=HouseholdComposition.FAMILY if number % 2 else None,
            income_amount=500 + 10 * number if number % 4 == 0 else None,
            income_frequency=IncomeFrequency.FORTNIGHTLY if number % 4 == 0 else None,
            first_arrival_year=max(birth.year, 2019) if arrived else None,
            first_arrival_month=Month.MARCH if arrived else None,
        ),
    )


def scores(domains: dict[str, int]) -> tuple[DomainScore, ...]:
    """Domain ratings from a ``{domain: rating}`` table."""
    return tuple(DomainScore(domain=d, rating=r) for d, r in domains.items())


def build() -> Dataset:
    """The whole example dataset."""
    clients = [client(row) for row in PEOPLE]
    primary = ReasonForAssistance(code="HOUSING", is_primary=True)

    def attach(*ids: str) -> tuple[CaseClient, ...]:
        return tuple(
            CaseClient(
                client_id=i,
                referral_source="SELF",
                reasons_for_assistance=(primary, ReasonForAssistance(code="MONEY")),
            )
            for i in ids
        )

    cases = [
        Case(
            case_id="FAM-001", outlet_activity_id=101, clients=attach("C00001", "C00002", "C00008")
        ),
        Case(case_id="FAM-002", outlet_activity_id=101, clients=attach("C00003", "C00004")),
        Case(
            case_id="FAM-003", outlet_activity_id=101, clients=attach("C00005", "C00006", "C00007")
        ),
        Case(
            case_id="SET-001", outlet_activity_id=201, clients=attach("C00009", "C00010", "C00011")
        ),
        Case(
            case_id="SET-GRP",
            outlet_activity_id=201,
            total_unidentified_clients=40,
            clients=attach(*(f"C{n:05d}" for n in range(12, 21))),
        ),
        Case(case_id="FAM-004", outlet_activity_id=101, clients=attach("C00013", "C00014")),
    ]
    client_ = ParticipationType.CLIENT
    support = ParticipationType.SUPPORT

    def session(
        case: str,
        sid: str,
        day: str,
        service: int,
        *attendees: tuple[str, ParticipationType],
        unidentified: int = 0,
        referral: bool = False,
    ) -> Session:
        refs = (Referral(referral_type=ReferralType.EXTERNAL, purposes=("HOUSING",)),)
        return Session(
            session_id=sid,
            case_id=case,
            session_date=dt.date.fromisoformat(day),
            service_type_id=service,
            total_unidentified_clients=unidentified,
            clients=tuple(
                SessionClient(client_id=c, participation=p, referrals=refs if referral else ())
                for c, p in attendees
            ),
        )

    sessions = [
        session("FAM-001", "S001", "2024-02-05", 1, ("C00001", client_), ("C00002", client_)),
        session("FAM-001", "S002", "2024-04-15", 5, ("C00001", client_), ("C00008", support)),
        session(
            "FAM-001",
            "S003",
            "2024-09-02",
            5,
            ("C00001", client_),
            ("C00002", client_),
            referral=True,
        ),
        session("FAM-002", "S001", "2024-03-11", 1, ("C00003", client_), ("C00004", support)),
        session("FAM-002", "S002", "2024-08-19", 13, ("C00003", client_)),
        session("FAM-003", "S001", "2024-05-20", 2, ("C00005", client_), ("C00006", client_)),
        session("FAM-003", "S002", "2024-10-07", 5, ("C00006", client_), ("C00007", client_)),
        session("SET-001", "S001", "2024-01-22", 1, ("C00009", client_), ("C00010", client_)),
        session("SET-001", "S002", "2024-06-24", 12, ("C00009", client_), ("C00011", client_)),
        session("SET-001", "S003", "2024-11-18", 12, ("C00009", client_), ("C00010", client_)),
        session(
            "SET-GRP",
            "G001",
            "2024-03-04",
            10,
            *((f"C{n:05d}", client_) for n in range(12, 18)),
            unidentified=25,
        ),
        session(
            "SET-GRP",
            "G002",
            "2024-09-09",
            10,
            *((f"C{n:05d}", client_) for n in range(14, 21)),
            unidentified=32,
        ),
        session("SET-GRP", "G003", "2024-12-02", 10, unidentified=12),
        session("FAM-004", "S001", "2024-07-08", 1, ("C00013", client_), ("C00014", client_)),
    ]

    def assessed(
        cid: str,
        case: str,
        sid: str,
        phase: AssessmentPhase,
        circumstances: dict[str, int],
        goals: dict[str, int],
    ) -> ClientAssessment:
        found = [
            Assessment(
                score_type=ScoreType.CIRCUMSTANCES, phase=phase, scores=scores(circumstances)
            )
        ]
        if goals:
            found.append(Assessment(score_type=ScoreType.GOALS, phase=phase, scores=scores(goals)))
        return ClientAssessment(
            client_id=cid, case_id=case, session_id=sid, assessments=tuple(found)
        )

    pre, post = AssessmentPhase.PRE, AssessmentPhase.POST
    client_assessments = [
        assessed("C00001", "FAM-001", "S001", pre, {"HOUSING": 2, "MONEY": 2}, {"SKILLS": 1}),
        assessed("C00001", "FAM-001", "S003", post, {"HOUSING": 4, "MONEY": 2}, {"SKILLS": 3}),
        assessed("C00002", "FAM-001", "S001", pre, {"FAMILY": 3}, {"KNOWLEDGE": 2}),
        assessed("C00002", "FAM-001", "S003", post, {"FAMILY": 2}, {"KNOWLEDGE": 2}),
        assessed("C00003", "FAM-002", "S001", pre, {"MENTAL": 2}, {}),
        assessed("C00003", "FAM-002", "S002", post, {"MENTAL": 3}, {}),
        assessed(
            "C00009", "SET-001", "S001", pre, {"COMMUNITY": 1, "EDUCEMPL": 2}, {"CONFIDENCE": 2}
        ),
        assessed(
            "C00009", "SET-001", "S003", post, {"COMMUNITY": 3, "EDUCEMPL": 2}, {"CONFIDENCE": 4}
        ),
        assessed("C00010", "SET-001", "S001", pre, {"HOUSING": 3}, {}),
        assessed("C00006", "FAM-003", "S001", pre, {"PHYSICAL": 4}, {"ENGAGEMENT": 3}),
    ]
    session_assessments = [
        SessionAssessment(
            case_id="SET-GRP",
            session_id="G001",
            assessments=(
                Assessment(
                    score_type=ScoreType.GROUP, phase=pre, scores=scores({"GROUPNETWORKS": 2})
                ),
            ),
        ),
        SessionAssessment(
            case_id="SET-GRP",
            session_id="G003",
            assessments=(
                Assessment(
                    score_type=ScoreType.GROUP, phase=post, scores=scores({"GROUPNETWORKS": 4})
                ),
            ),
        ),
    ]
    families = ProgramActivity(
        organisation_activity_id=11,
        name="Family and Relationship Services",
        start_date=dt.date(2023, 7, 1),
        service_type_ids=(1, 2, 5, 13),
    )
    settlement = ProgramActivity(
        organisation_activity_id=22,
        name="Settlement Engagement and Transition Support",
        start_date=dt.date(2023, 7, 1),
        service_type_ids=(1, 2, 10, 12),
    )
    span = (dt.date(2023, 7, 1), dt.date(2026, 6, 30))
    outlets = [
        Outlet(
            name="Parramatta Family Centre",
            outlet_id=1,
            address=ResidentialAddress(suburb="Parramatta", state=State.NSW, postcode="2150"),
            activities=(
                OutletActivity(
                    organisation_activity_id=11,
                    outlet_activity_id=101,
                    start_date=span[0],
                    end_date=span[1],
                ),
            ),
        ),
        Outlet(
            name="Darwin Settlement Hub",
            outlet_id=2,
            address=ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800"),
            activities=(
                OutletActivity(
                    organisation_activity_id=22,
                    outlet_activity_id=201,
                    start_date=span[0],
                    end_date=span[1],
                ),
            ),
        ),
    ]
    return Dataset(
        organisation=Organisation(
            name="Example Community Services",
            organisation_id="EX-0001",
            program_activities=(families, settlement),
        ),
        outlets=tuple(outlets),
        clients=tuple(clients),
        cases=tuple(cases),
        sessions=tuple(sessions),
        client_assessments=tuple(client_assessments),
        session_assessments=tuple(session_assessments),
    )


def main() -> None:
    """Write the example file."""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(dataset_to_json(build()) + "\n", encoding="utf-8")
    print(f"wrote {OUT.name}")


if __name__ == "__main__":
    main()
