"""cattrs converters: round trips for every model class, strictness, error paths."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dexcore.errors import DexStructureError
from dexcore.io import (
    configure_converter,
    dataset_from_json,
    dataset_to_json,
    make_converter,
    structure,
    unstructure,
)
from dexcore.model import (
    Assessment,
    AtsiOrigin,
    Case,
    CaseClient,
    Client,
    ClientAssessment,
    Dataset,
    DomainScore,
    ExtendedDemographics,
    Gender,
    Organisation,
    Outlet,
    Positions,
    ProgramActivity,
    Referral,
    ResidentialAddress,
    Session,
    SessionAssessment,
    SessionClient,
    State,
)
from dexcore.testing import strategies

SECRET = "Zyxqvort"

ROUND_TRIPS: list[tuple[type[Any], st.SearchStrategy[Any]]] = [
    (ResidentialAddress, strategies.addresses()),
    (ExtendedDemographics, strategies.extended_demographics()),
    (Client, strategies.clients()),
    (CaseClient, strategies.case_clients("C00001")),
    (Case, strategies.cases()),
    (Referral, strategies.referrals().filter(bool).map(lambda refs: refs[0])),
    (SessionClient, strategies.session_clients()),
    (Session, strategies.sessions()),
    (DomainScore, strategies.domain_scores()),
    (ClientAssessment, strategies.client_assessments()),
    (SessionAssessment, strategies.session_assessments()),
    (ProgramActivity, strategies.program_activities()),
    (Outlet, strategies.outlets()),
    (Organisation, strategies.organisations()),
    (Dataset, strategies.datasets(max_clients=4, max_cases=2)),
    (Positions, st.builds(Positions, clients=st.lists(st.integers(-1, 99)).map(tuple))),
]


@pytest.mark.parametrize(("cls", "strategy"), ROUND_TRIPS, ids=lambda v: getattr(v, "__name__", ""))
def test_round_trip_every_model_class(cls: type[Any], strategy: st.SearchStrategy[Any]) -> None:
    """structure(unstructure(x)) == x, and the plain form survives JSON."""

    @given(strategy)
    def check(value: Any) -> None:
        assert isinstance(value, cls)
        plain = unstructure(value)
        assert structure(plain, cls) == value
        assert structure(json.loads(json.dumps(plain)), cls) == value

    check()


def test_every_model_class_is_covered() -> None:
    import dexcore.model as model

    classes = {getattr(model, name) for name in model.__all__}
    attrs_classes = {c for c in classes if attrs.has(c)}
    covered = {cls for cls, _ in ROUND_TRIPS}
    # Reached through their parents' round trips: assessments, reasons, Family Law outcomes.
    nested = {
        Assessment,
        model.ReasonForAssistance,
        model.OutletActivity,
        model.ParentingAgreementOutcome,
        model.Section60I,
        model.PropertyAgreementOutcome,
    }
    assert attrs_classes == covered | nested


def test_plain_form_uses_dss_codes_and_iso_dates() -> None:
    session = Session(
        session_id="S1",
        case_id="K1",
        session_date=dt.date(2024, 7, 1),
        service_type_id=5,
        clients=[SessionClient(client_id="C1")],
    )
    assert unstructure(session) == {
        "session_id": "S1",
        "case_id": "K1",
        "session_date": "2024-07-01",
        "service_type_id": 5,
        "clients": [{"client_id": "C1"}],  # defaults are left out
    }


@pytest.mark.parametrize(
    ("changes", "path", "reason"),
    [
        ({"consent_to_provide_details": "false"}, "$.consent_to_provide_details", "true or false"),
        ({"birth_date": "1990-02-30"}, "$.birth_date", "a date that exists"),
        ({"birth_date": "30/01/1990"}, "$.birth_date", "YYYY-MM-DD"),
        ({"birth_date": "19900130"}, "$.birth_date", "YYYY-MM-DD"),
        ({"gender": SECRET}, "$.gender", "Gender"),
        ({"client_id": 17}, "$.client_id", "text"),
        (
            {"residential_address": {"suburb": "X", "state": "NT", "postcode": "800"}},
            "$.residential_address.postcode",
            "4 digits",
        ),
        ({"extended": {"income_amount": "500"}}, "$.extended.income_amount", "whole number"),
        ({"nickname": SECRET}, "$", "1 unknown field(s)"),
        ({"famly_name": SECRET}, "$", "1 unknown field(s) (did you mean family_name?)"),
    ],
)
def test_structure_errors_have_paths_and_no_values(
    changes: dict[str, object], path: str, reason: str
) -> None:
    plain = {
        "client_id": "C1",
        "consent_to_provide_details": True,
        "consented_for_future_contacts": False,
        "birth_date": "1990-01-30",
        "gender": "FEMALE",
        "country_of_birth": "1101",
        "language_spoken_at_home": "1201",
        "atsi_origin": "NO",
        "residential_address": {"suburb": "X", "state": "NT", "postcode": "0800"},
    }
    with pytest.raises(DexStructureError) as caught:
        structure(plain | changes, Client)
    error = caught.value
    assert any(p == path and reason in r for p, r in error.errors), error.errors
    assert SECRET not in str(error)
    assert "1990-02-30" not in str(error)


def test_missing_fields_and_nested_paths() -> None:
    data = {
        "sessions": [
            {
                "session_id": "S1",
                "case_id": "K1",
                "session_date": "2024-01-01",
                "service_type_id": 1,
            },
            {
                "session_id": "S2",
                "case_id": "K1",
                "session_date": "2024-01-01",
                "service_type_id": 1,
                "clients": [{"client_id": "C1", "participation": "GROUP"}],
            },
            {"session_id": "S3", "case_id": "K1"},
            {
                "session_id": "S4",
                "case_id": "K1",
                "session_date": "2024-01-01",
                "service_type_id": 1,
                "total_unidentified_clients": 1000,
            },
        ]
    }
    with pytest.raises(DexStructureError) as caught:
        structure(data, Dataset)
    found = dict(caught.value.errors)
    assert found["$.sessions[1].clients[0].participation"] == (
        "not a code of the ParticipationType table (one of CLIENT, SUPPORT; read in any case)"
    )
    assert found["$.sessions[2].session_date"] == "required field missing"
    assert "$.sessions[2].service_type_id" in found
    # A check made when the record is built runs once its fields have structured.
    assert (
        found["$.sessions[3].total_unidentified_clients"] == "must be a whole number from 0 to 999"
    )
    assert not any(p.startswith("$.sessions[0]") for p in found)


def test_json_helpers() -> None:
    client = Client(
        client_id="C1",
        consent_to_provide_details=False,
        consented_for_future_contacts=False,
        birth_date=dt.date(1980, 1, 1),
        is_birth_date_an_estimate=True,
        slk="99999010119809",
        gender=Gender.NOTSTATED,
        country_of_birth="1101",
        language_spoken_at_home="1201",
        atsi_origin=AtsiOrigin.NOTSTATED,
        residential_address=ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800"),
    )
    dataset = Dataset(clients=[client])
    text = dataset_to_json(dataset)
    assert '"postcode": "0800"' in text
    assert dataset_from_json(text) == dataset
    assert dataset_from_json(text.encode()) == dataset
    with pytest.raises(DexStructureError, match="not valid JSON"):
        dataset_from_json("{not json")
    with pytest.raises(DexStructureError, match="unknown field"):
        dataset_from_json('{"patients": []}')


def test_make_converter_is_independent_and_configurable() -> None:
    mine = make_converter()
    assert mine is not make_converter()
    plain = cattrs.Converter()
    configure_converter(plain)
    assert plain.structure("2024-02-29", dt.date) == dt.date(2024, 2, 29)
    assert plain.unstructure(dt.date(2024, 2, 29)) == "2024-02-29"
    with pytest.raises(Exception, match="true or false"):
        plain.structure("false", bool)
