"""The bundled example dataset: it loads, and it covers the awkward cases it promises."""

from __future__ import annotations

from pathlib import Path

from dexcore.io import dataset_from_json
from dexcore.model import Gender, ParticipationType, State
from dexcore.reference import CodeType, bundled
from dexcore.slk import is_valid

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example-dataset.json"


def test_example_dataset_is_consistent_and_awkward() -> None:
    dataset = dataset_from_json(EXAMPLE.read_bytes())
    reference = bundled()
    assert len(dataset.clients) == 20
    assert dataset.organisation is not None
    assert len(dataset.outlets) == 2
    # Every reference resolves.
    for session in dataset.sessions:
        case = dataset.case_by_id[session.case_id]
        assert {c.client_id for c in session.clients} <= case.client_ids
        assert session.total_unidentified_clients <= case.total_unidentified_clients
    for assessment in dataset.client_assessments:
        assert assessment.session_key in dataset.session_by_key
    # The awkward cases are all there.
    clients = dataset.clients
    assert any(not c.consent_to_provide_details for c in clients)
    assert all(
        c.slk is not None and not c.has_personal_details
        for c in clients
        if not c.consent_to_provide_details
    )
    assert any(c.is_using_pseudonym for c in clients)
    assert all(
        c.birth_date.timetuple()[1:3] == (1, 1) for c in clients if c.is_birth_date_an_estimate
    )
    assert any(c.is_birth_date_an_estimate for c in clients)
    assert any(
        c.residential_address.state is State.NT and c.residential_address.postcode[0] == "0"
        for c in clients
    )
    assert any(c.gender is Gender.OTHER for c in clients)
    assert any(
        sc.participation is ParticipationType.SUPPORT for s in dataset.sessions for sc in s.clients
    )
    assert any(s.total_unidentified_clients and s.clients for s in dataset.sessions)
    assert {s.session_date.month <= 6 for s in dataset.sessions} == {True, False}  # two periods
    assert all(is_valid(c.slk) for c in clients if c.slk)
    assert all(c.country_of_birth in reference.table(CodeType.COUNTRY) for c in clients)
    assert all(c.language_spoken_at_home in reference.table(CodeType.LANGUAGE) for c in clients)
