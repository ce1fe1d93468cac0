"""The domain model: construction checks, privacy of repr, indexes, code tables."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dexcore.errors import DexError, InvalidFieldError, UnknownCodeError
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
from dexcore.testing import strategies

# Distinctive synthetic values: if one ever shows up in a message, the test says so.
SECRET = "Zyxqvort"
SECRET_DATE = dt.date(1937, 7, 23)

ADDRESS = ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800")


def client_kwargs(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "client_id": "C00001",
        "consent_to_provide_details": True,
        "consented_for_future_contacts": False,
        "birth_date": dt.date(1990, 5, 17),
        "gender": Gender.FEMALE,
        "country_of_birth": "1101",
        "language_spoken_at_home": "1201",
        "atsi_origin": AtsiOrigin.NO,
        "residential_address": ADDRESS,
    }
    return base | changes


# (class, valid keyword arguments, field, bad value): each bad value must be refused.
INVALID: list[tuple[type[Any], dict[str, Any], str, object]] = [
    (Client, client_kwargs(), "client_id", ""),
    (Client, client_kwargs(), "client_id", "   "),
    (Client, client_kwargs(), "client_id", " " + SECRET),
    (Client, client_kwargs(), "client_id", SECRET * 10),
    (Client, client_kwargs(), "client_id", 12345),
    (Client, client_kwargs(), "consent_to_provide_details", "no"),
    (Client, client_kwargs(), "consent_to_provide_details", 0),
    (Client, client_kwargs(), "birth_date", "1937-07-23"),
    (Client, client_kwargs(), "birth_date", dt.datetime(1937, 7, 23, tzinfo=dt.UTC)),
    (Client, client_kwargs(), "gender", "MALE"),
    (Client, client_kwargs(), "given_name", "  "),
    (Client, client_kwargs(), "family_name", ""),
    (Client, client_kwargs(), "country_of_birth", ""),
    (Client, client_kwargs(), "atsi_origin", SECRET),
    (Client, client_kwargs(), "residential_address", SECRET),
    (Client, client_kwargs(), "disabilities", ("PHYSICAL", "")),
    (Client, client_kwargs(), "extended", None),
    (ResidentialAddress, {"suburb": "X", "state": State.NT}, "postcode", "800"),
    (ResidentialAddress, {"suburb": "X", "state": State.NT}, "postcode", 800),
    (ResidentialAddress, {"suburb": "X", "state": State.NT}, "postcode", "08OO"),
    (ResidentialAddress, {"suburb": "X", "state": State.NT}, "postcode", "٠٨٠٠"),
    (ResidentialAddress, {"suburb": "X", "postcode": "0800"}, "state", "NT"),
    (ResidentialAddress, {"state": State.NT, "postcode": "0800"}, "suburb", ""),
    (ExtendedDemographics, {}, "income_amount", -1),
    (ExtendedDemographics, {}, "income_amount", 1.5),
    (ExtendedDemographics, {}, "first_arrival_month", 3),
    (ExtendedDemographics, {}, "first_arrival_year", True),
    (Case, {"case_id": "K1", "outlet_activity_id": 1}, "total_unidentified_clients", 1000),
    (Case, {"case_id": "K1", "outlet_activity_id": 1}, "total_unidentified_clients", -1),
    (Case, {"case_id": "K1"}, "outlet_activity_id", -5),
    (Case, {"case_id": "K1", "outlet_activity_id": 1}, "end_date", "2024-01-01"),
    (Case, {"case_id": "K1", "outlet_activity_id": 1}, "clients", (SECRET,)),
    (
        CaseClient,
        {"client_id": "C1"},
        "reasons_for_assistance",
        (ReasonForAssistance(code="HOUSING"), ReasonForAssistance(code="MONEY")),
    ),
    (
        CaseClient,
        {"client_id": "C1"},
        "reasons_for_assistance",
        (
            ReasonForAssistance(code="HOUSING", is_primary=True),
            ReasonForAssistance(code="MONEY", is_primary=True),
        ),
    ),
    (
        Session,
        {"session_id": "S1", "case_id": "K1", "session_date": dt.date(2024, 1, 1)},
        "service_type_id",
        "5",
    ),
    (
        Session,
        {
            "session_id": "S1",
            "case_id": "K1",
            "session_date": dt.date(2024, 1, 1),
            "service_type_id": 5,
        },
        "total_unidentified_clients",
        1000,
    ),
    (
        Session,
        {
            "session_id": "S1",
            "case_id": "K1",
            "session_date": dt.date(2024, 1, 1),
            "service_type_id": 5,
        },
        "fees_charged",
        decimal.Decimal("-0.01"),
    ),
    (
        Session,
        {
            "session_id": "S1",
            "case_id": "K1",
            "session_date": dt.date(2024, 1, 1),
            "service_type_id": 5,
        },
        "fees_charged",
        decimal.Decimal("NaN"),
    ),
    (SessionClient, {"client_id": "C1"}, "participation", "GROUP"),
    (Referral, {"referral_type": ReferralType.INTERNAL}, "purposes", ("",)),
    (DomainScore, {"domain": "HOUSING"}, "rating", 0),
    (DomainScore, {"domain": "HOUSING"}, "rating", 6),
    (DomainScore, {"rating": 3}, "domain", " "),
    (Assessment, {"score_type": ScoreType.GOALS, "scores": ()}, "phase", "PRE"),
    (ClientAssessment, {"client_id": "C1", "case_id": "K1", "assessments": ()}, "session_id", ""),
    (
        OutletActivity,
        {"organisation_activity_id": 1, "end_date": dt.date(2025, 1, 1)},
        "start_date",
        None,
    ),
    (Outlet, {"name": "Hub"}, "address", None),
    (ProgramActivity, {"organisation_activity_id": 1}, "name", ""),
    (Organisation, {}, "name", None),
    (Dataset, {}, "clients", (SECRET,)),
]


@pytest.mark.parametrize(("cls", "kwargs", "field", "bad"), INVALID)
def test_invalid_argument_names_field_not_value(
    cls: type[Any], kwargs: dict[str, Any], field: str, bad: object
) -> None:
    """Every invalid constructor argument raises a dexcore error naming the field."""
    with pytest.raises(InvalidFieldError) as caught:
        cls(**(kwargs | {field: bad}))
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.field == field
    assert error.entity == cls.__name__
    assert f"{cls.__name__}.{field}" in str(error)
    assert SECRET not in str(error)
    if isinstance(bad, str) and bad.strip():
        # A closed table's message lists its codes, which are DSS's; the rest echoes nothing.
        assert bad.strip() not in str(error).partition(" (one of ")[0]


def test_repr_of_client_shows_no_personal_value() -> None:
    """repr(client) shows no name, birth date, street line, SLK or gender details."""
    client = Client(
        **client_kwargs(
            given_name=SECRET,
            family_name="Quomblethwaite",
            birth_date=SECRET_DATE,
            slk="UOMYX230719372",
            gender=Gender.OTHER,
            gender_details="Vexillian",
            residential_address=ResidentialAddress(
                suburb="Darwin",
                state=State.NT,
                postcode="0800",
                address_line1="77 Obscurity Lane",
                address_line2="Flat Q",
            ),
        )
    )
    shown = repr(client) + str(client)
    for value in (
        SECRET,
        "Quomblethwaite",
        "1937",
        "23",
        "UOMYX",
        "Vexillian",
        "Obscurity",
        "Flat Q",
    ):
        assert value not in shown
    assert "C00001" in shown  # the record is still identifiable to its owner


@given(strategies.clients())
def test_repr_never_shows_names_of_generated_clients(client: Client) -> None:
    shown = repr(client)
    for name in (client.given_name, client.family_name, client.slk):
        if name is not None and len(name.strip()) > 3:
            assert name not in shown
    assert client.birth_date.isoformat() not in shown
    assert repr(client.birth_date) not in shown


def test_codes_are_canonicalised() -> None:
    """Open-table codes are matched case-insensitively and kept upper-case."""
    client = Client(**client_kwargs(country_of_birth=" 1101 ", disabilities=["physical"]))
    assert client.country_of_birth == "1101"
    assert client.disabilities == ("PHYSICAL",)
    assert CaseClient(client_id="C1", referral_source="HealthAgency").referral_source == (
        "HEALTHAGENCY"
    )


@pytest.mark.parametrize(
    ("enum_type", "text", "expected"),
    [
        (Gender, "male", Gender.MALE),
        (Gender, " NotStated ", Gender.NOTSTATED),
        (State, "nt", State.NT),
        (Month, "MARCH", Month.MARCH),
        (ParticipationType, "support", ParticipationType.SUPPORT),
    ],
)
def test_closed_tables_parse_case_insensitively(
    enum_type: type[Any], text: str, expected: object
) -> None:
    assert enum_type(text) is expected
    assert enum_type.parse(text) is expected


def test_unknown_code_raises_without_echo() -> None:
    with pytest.raises(UnknownCodeError) as caught:
        Gender(SECRET)
    assert isinstance(caught.value, ValueError)
    assert caught.value.table == "Gender"
    assert SECRET not in str(caught.value)


def test_month_numbers() -> None:
    assert [m.number for m in Month] == list(range(1, 13))
    assert Month.from_number(12) is Month.DECEMBER
    with pytest.raises(UnknownCodeError):
        Month.from_number(13)


@pytest.mark.parametrize(
    ("code", "domain", "rating"), [("HOUSING3", "HOUSING", 3), (" skills1 ", "SKILLS", 1)]
)
def test_score_code_round_trip(code: str, domain: str, rating: int) -> None:
    score = DomainScore.parse(code)
    assert (score.domain, score.rating) == (domain, rating)
    assert score.code == code.strip().upper()


@pytest.mark.parametrize("code", ["HOUSING", "HOUSING6", "HOUSING0", "3", "HOUS1NG3", ""])
def test_bad_score_codes_are_refused(code: str) -> None:
    with pytest.raises(InvalidFieldError):
        DomainScore.parse(code)


def test_assessment_rating_lookup() -> None:
    assessment = Assessment(
        score_type=ScoreType.CIRCUMSTANCES,
        phase=AssessmentPhase.PRE,
        scores=[DomainScore(domain="HOUSING", rating=2)],
    )
    assert assessment.rating("housing") == 2
    assert assessment.rating("MONEY") is None


def test_dataset_indexes() -> None:
    """Indexes are built once and keep the first of a duplicated id."""
    first = Client(**client_kwargs())
    duplicate = attrs.evolve(first, consent_to_provide_details=False)
    sessions = [
        Session(
            session_id=f"S{n}",
            case_id=case,
            session_date=dt.date(2024, 1, n + 1),
            service_type_id=1,
        )
        for n, case in enumerate(["K1", "K2", "K1"])
    ]
    scored = ClientAssessment(client_id="C00001", case_id="K1", session_id="S0", assessments=())
    group = SessionAssessment(case_id="K1", session_id="S2", assessments=())
    dataset = Dataset(
        clients=[first, duplicate],
        cases=[Case(case_id="K1", outlet_activity_id=1), Case(case_id="K2", outlet_activity_id=1)],
        sessions=sessions,
        client_assessments=[scored],
        session_assessments=[group],
    )
    assert dataset.client_by_id["C00001"] is first
    assert len(dataset.clients) == 2  # the duplicate is kept for the rules to report
    assert [s.session_id for s in dataset.sessions_by_case["K1"]] == ["S0", "S2"]
    assert dataset.session_by_key["K2", "S1"] is sessions[1]
    assert dataset.client_assessments_by_client["C00001"] == (scored,)
    assert dataset.client_assessments_by_session["K1", "S0"] == (scored,)
    assert dataset.session_assessments_by_session["K1", "S2"] == (group,)
    assert dataset.client_by_id is dataset.client_by_id  # built once
    assert dataset.counts()["sessions"] == 3
    with pytest.raises(TypeError):
        dataset.client_by_id["X"] = first  # type: ignore[index]


def test_session_helpers() -> None:
    session = Session(
        session_id="S1",
        case_id="K1",
        session_date=dt.date(2024, 1, 1),
        service_type_id=10,
        total_unidentified_clients=7,
        clients=[SessionClient(client_id="C1")],
    )
    assert session.key == ("K1", "S1")
    assert session.attendances == 8
    assert session.has_attached_client
    assert not attrs.evolve(session, clients=()).has_attached_client


def test_models_are_frozen() -> None:
    client = Client(**client_kwargs())
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        client.client_id = "C2"  # type: ignore[misc]


def test_client_personal_detail_flags() -> None:
    bare = Client(**client_kwargs())
    assert not bare.has_names
    assert not bare.has_personal_details
    street = attrs.evolve(ADDRESS, address_line1="1 Somewhere Rd")
    assert Client(**client_kwargs(residential_address=street)).has_personal_details
    assert Client(**client_kwargs(given_name="Ka")).has_names


def _parse_messages(text: str) -> list[str]:
    messages = []
    for parse in (Gender, State, DomainScore.parse):
        try:
            parse(text)
        except DexError as error:
            messages.append(str(error))
    return messages


@given(st.text(max_size=30))
def test_parsing_any_text_raises_only_dexcore_errors(text: str) -> None:
    messages = _parse_messages(text)
    # The messages' own wording (which lists the valid codes) is what any bad text gets;
    # the text itself must not be echoed beyond it.
    wording = " ".join(_parse_messages("§"))
    if len(text.strip()) >= 3 and text.strip() not in wording:
        assert not any(text.strip() in message for message in messages)
