"""De-identification, unit-record exports and release decisions with their audit log."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dexcore.errors import DexValueError, DisclosureRefused
from dexcore.model import AtsiOrigin, Client, Dataset, Gender, ResidentialAddress, State
from dexcore.privacy import (
    DSS,
    AuditEntry,
    ConsentBasis,
    ConsentLedger,
    DataCategory,
    PrimaryPurpose,
    Purpose,
    RelatedSecondaryPurpose,
    ReleaseDesk,
    ReleaseLevel,
    RequiredByLaw,
    Research,
    deidentify,
    export_unit_records,
    k_anonymity,
)
from dexcore.privacy.consent import Channel, Consent
from dexcore.privacy.deidentify import DETAILED, MINIMAL, STANDARD, CoarseningPolicy, Geography
from dexcore.privacy.sdc import BY_OUTLET, count_table
from dexcore.testing import strategies

ON = dt.date(2025, 1, 15)


def person(number: int, **changes: Any) -> Client:
    fields: dict[str, Any] = {
        "client_id": f"K{number:04d}",
        "consent_to_provide_details": True,
        "consented_for_future_contacts": False,
        "given_name": "Zorvin",
        "family_name": "Quellastro",
        "birth_date": dt.date(1980, 6, 15),
        "gender": Gender.FEMALE,
        "country_of_birth": "1101",
        "language_spoken_at_home": "1201",
        "atsi_origin": AtsiOrigin.NO,
        "residential_address": ResidentialAddress(
            suburb="Brindabella Flats",
            state=State.ACT,
            postcode="2611",
            address_line1="17 Quokka Crescent",
        ),
    }
    fields.update(changes)
    return Client(**fields)


# -- deidentify ----------------------------------------------------------------------------------


def test_deidentify_drops_names_and_street_and_keeps_the_slk() -> None:
    client = person(1, is_using_pseudonym=True)
    plain = deidentify(client)
    assert plain.given_name is None
    assert plain.family_name is None
    assert not plain.residential_address.has_street
    assert plain.residential_address.postcode == "2611"
    assert plain.slk == "UELOR150619802"  # generated from the names before they went
    assert not plain.consent_to_provide_details
    assert not plain.is_using_pseudonym
    assert plain.birth_date == client.birth_date  # DSS keeps demographics


def test_deidentify_a_dataset_and_nothing_else() -> None:
    data = Dataset(clients=(person(1), person(2, slk="AAABB010119801")))
    plain = deidentify(data)
    assert all(not c.has_personal_details for c in plain.clients)
    assert plain.clients[1].slk == "AAABB010119801"
    with pytest.raises(DexValueError, match="Client or a Dataset"):
        deidentify("K0001")  # type: ignore[call-overload]


# -- unit-record exports ---------------------------------------------------------------------


def crowd(size: int, **changes: Any) -> list[Client]:
    return [person(n, **changes) for n in range(size)]


def test_export_is_k_anonymous_and_carries_no_identifier() -> None:
    data = Dataset(clients=tuple(crowd(6) + crowd(5, birth_date=dt.date(1950, 1, 1))))
    export = export_unit_records(data, as_of=ON)
    assert export.anonymity.k == 5
    assert export.anonymity.classes == 2
    assert [r.record for r in export.records] == list(range(1, 12))
    text = json.dumps(export.to_dict())
    for secret in ("Zorvin", "Quellastro", "Quokka", "K0001", "1980", "2611", "UELOR"):
        assert secret not in text
    first = export.records[0].to_dict()
    assert set(first) == {"record", "sessions", *STANDARD.quasi_identifiers}
    assert "birth_date" not in first
    assert export.to_dict()["policy"] == STANDARD.describe()


def test_export_below_k_is_refused_or_suppressed() -> None:
    data = Dataset(clients=(*crowd(6), person(99, gender=Gender.MALE)))
    with pytest.raises(DisclosureRefused) as caught:
        export_unit_records(data, as_of=ON)
    assert caught.value.rule == "export.k-anonymity"
    assert "1 record(s)" in str(caught.value)
    export = export_unit_records(data, as_of=ON, small_classes="suppress")
    assert export.suppressed == 1
    assert len(export.records) == 6
    assert export.anonymity.satisfied
    coarser = export_unit_records(data, as_of=ON, policy=attrs.evolve(MINIMAL, gender=False))
    assert coarser.anonymity.k == 7


def test_policies_and_known_answer_k() -> None:
    assert STANDARD.age_band(14) == "0-14"
    assert STANDARD.age_band(65) == "65+"
    assert DETAILED.age_band(37) == "30-39"
    assert DETAILED.quasi_identifiers == (
        "age_band",
        "region",
        "gender",
        "atsi",
        "cald",
        "disability",
    )
    assert MINIMAL.quasi_identifiers == ("age_band", "region", "gender")
    assert attrs.evolve(STANDARD, geography=Geography.NONE).quasi_identifiers[1] == "gender"
    with pytest.raises(DexValueError):
        CoarseningPolicy(name="bad", age_bands=(5, 10))
    with pytest.raises(DexValueError):
        export_unit_records(Dataset(), as_of=ON, k=1)
    # Known answer: 3 records share one combination, 2 another.
    data = Dataset(clients=tuple(crowd(3) + crowd(2, birth_date=dt.date(2015, 1, 1))))
    export = export_unit_records(data, as_of=ON, k=2)
    measured = k_anonymity(export.records, STANDARD.quasi_identifiers, required=3)
    assert (measured.k, measured.small_classes, measured.records_in_small_classes) == (2, 1, 2)


def test_linkage_is_a_keyed_hash_not_the_slk() -> None:
    data = Dataset(clients=tuple(crowd(5, slk="UELOR150619802")))
    one = export_unit_records(data, as_of=ON, link_key=b"secret-1")
    two = export_unit_records(data, as_of=ON, link_key=b"secret-2")
    assert one.records[0].link is not None
    assert one.records[0].link != two.records[0].link
    assert "UELOR" not in (one.records[0].link or "")
    assert export_unit_records(data, as_of=ON).records[0].link is None


# -- release decisions -------------------------------------------------------------------------


def desk() -> tuple[ReleaseDesk, list[AuditEntry]]:
    log: list[AuditEntry] = []
    return ReleaseDesk(log), log


def identified(basis: Any, data: Dataset | None = None) -> Any:
    office, log = desk()
    release = office.identified_unit_records(
        data or Dataset(clients=(person(1),)),
        recipient="AGENCY2",
        purpose="case review",
        basis=basis,
        on=ON,
        requested_by="staff-7",
    )
    return release, log


@pytest.mark.parametrize(
    "basis",
    [
        None,
        RelatedSecondaryPurpose("quality review", reasonably_expected=False, directly_related=True),
        RelatedSecondaryPurpose("quality review", reasonably_expected=True, directly_related=False),
        Research(
            ethics_approval="HREC-2025-014",
            guideline="s95",
            not_published_identifying=True,
            consent_impracticable=False,
            recipient_will_not_disclose=True,
        ),
        Research(
            ethics_approval="HREC-2025-014",
            guideline="s96",  # type: ignore[arg-type]
            not_published_identifying=True,
            consent_impracticable=True,
            recipient_will_not_disclose=True,
        ),
        "because",
    ],
)
def test_identified_records_without_a_lawful_basis_are_refused_and_audited(basis: Any) -> None:
    office, log = desk()
    with pytest.raises(DisclosureRefused) as caught:
        office.identified_unit_records(
            Dataset(clients=(person(1),)),
            recipient="AGENCY2",
            purpose="case review",
            basis=basis,
            on=ON,
            requested_by="staff-7",
        )
    assert caught.value.rule == "release.no-lawful-basis"
    assert len(log) == 1
    assert not log[0].granted
    assert log[0].rule == "release.no-lawful-basis"
    assert log[0].records == 0


@pytest.mark.parametrize(
    "basis",
    [
        PrimaryPurpose("delivering the service"),
        RelatedSecondaryPurpose("quality review", reasonably_expected=True, directly_related=True),
        RequiredByLaw("subpoena under a court order, matter 123/2025"),
        Research(
            ethics_approval="HREC-2025-014",
            guideline="s95A",
            not_published_identifying=True,
            consent_impracticable=True,
            recipient_will_not_disclose=True,
        ),
    ],
)
def test_lawful_bases_release_and_are_audited(basis: Any) -> None:
    release, log = identified(basis)
    assert [c.given_name for c in release.clients] == ["Zorvin"]
    assert len(log) == 1
    entry = log[0]
    assert entry.granted
    assert entry.level is ReleaseLevel.IDENTIFIED_UNIT_RECORD
    assert (entry.recipient, entry.requested_by, entry.records) == ("AGENCY2", "staff-7", 1)
    assert entry.basis == basis.describe()


def test_blank_basis_fields_are_refused_when_built() -> None:
    with pytest.raises(DexValueError):
        RequiredByLaw(" ")
    with pytest.raises(DexValueError):
        PrimaryPurpose("")


def test_consent_basis_checks_each_client_against_the_ledger() -> None:
    ledger = ConsentLedger()
    ledger.grant(
        Consent(
            subject="K0001",
            organisation="ORG1",
            recipient="AGENCY2",
            purpose=Purpose.REFERRAL,
            data={DataCategory.NAMES, DataCategory.STREET_ADDRESS},
            given_on=dt.date(2024, 12, 1),
            valid_until=dt.date(2025, 12, 1),
            channel=Channel.WRITTEN,
        ),
        recorded_on=dt.date(2024, 12, 1),
    )
    basis = ConsentBasis(ledger, Purpose.REFERRAL, organisation="ORG1")
    release, log = identified(basis, Dataset(clients=(person(1), person(2))))
    assert [c.client_id for c in release.clients] == ["K0001"]
    assert release.withheld == 1
    assert log[0].withheld == 1
    with pytest.raises(DisclosureRefused) as caught:
        identified(basis, Dataset(clients=(person(2),)))
    assert caught.value.rule == "release.no-consent"
    # The same client id at another organisation is another person: its consent does not count.
    elsewhere = ConsentBasis(ledger, Purpose.REFERRAL, organisation="ORG2")
    with pytest.raises(DisclosureRefused) as caught:
        identified(elsewhere, Dataset(clients=(person(1),)))
    assert caught.value.rule == "release.no-consent"


@given(st.lists(strategies.clients(consent=False), min_size=1, max_size=4), st.data())
def test_no_release_carries_names_of_clients_without_consent(
    clients: list[Client], data: st.DataObject
) -> None:
    # Build the records wrongly on purpose: names and street lines despite no consent.
    wrong = [
        attrs.evolve(
            c,
            client_id=f"K{n:04d}",
            given_name="Zorvin",
            family_name="Quellastro",
            residential_address=attrs.evolve(
                c.residential_address, address_line1="17 Quokka Crescent"
            ),
        )
        for n, c in enumerate(clients)
    ]
    bases: list[PrimaryPurpose | RequiredByLaw] = [PrimaryPurpose("service"), RequiredByLaw("s 1")]
    basis = data.draw(st.sampled_from(bases))
    release, _ = identified(basis, Dataset(clients=tuple(wrong)))
    assert len(release.clients) == len(wrong)
    for client in release.clients:
        assert not client.has_personal_details
        assert "Zorvin" not in repr(client)
    export = export_unit_records(
        Dataset(clients=tuple(wrong)), as_of=ON, small_classes="suppress", k=2
    )
    text = json.dumps(export.to_dict())
    assert "Zorvin" not in text
    assert "Quokka" not in text


def test_deidentified_and_table_releases_are_audited_once_each() -> None:
    office, log = desk()
    data = Dataset(clients=tuple(crowd(6)))
    export = office.deidentified_unit_records(
        data, recipient="UNI1", purpose="evaluation", on=ON, requested_by="analyst-2"
    )
    assert export.anonymity.k == 6
    with pytest.raises(DisclosureRefused):
        office.deidentified_unit_records(
            Dataset(clients=tuple(crowd(3))),
            recipient="UNI1",
            purpose="evaluation",
            on=ON,
            requested_by="analyst-2",
        )
    table = count_table(data, BY_OUTLET)
    published = office.table(
        table, recipient="public", purpose="annual report", on=ON, requested_by="comms-1"
    )
    assert published.policy.name == "suppress-below-5"
    assert [e.granted for e in log] == [True, False, True]
    assert [e.level for e in log] == [
        ReleaseLevel.DEIDENTIFIED_UNIT_RECORD,
        ReleaseLevel.DEIDENTIFIED_UNIT_RECORD,
        ReleaseLevel.PUBLIC,
    ]
    assert log[0].policy is not None
    assert log[0].policy["k"] == 5
    assert log[1].rule == "export.k-anonymity"
    assert len(office.history) == 1
    with pytest.raises(DexValueError):
        office.table(
            table,
            level=ReleaseLevel.IDENTIFIED_UNIT_RECORD,  # type: ignore[arg-type]
            recipient="public",
            purpose="x",
            on=ON,
            requested_by="comms-1",
        )


@given(st.lists(st.sampled_from(["primary", "none", "law", "table"]), max_size=8))
def test_every_decision_writes_exactly_one_audit_entry(requests: list[str]) -> None:
    office, log = desk()
    data = Dataset(clients=(person(1),))
    granted = 0
    for request in requests:
        try:
            if request == "table":
                office.table(
                    count_table(data, BY_OUTLET),
                    recipient="public",
                    purpose="report",
                    on=ON,
                    requested_by="x",
                )
            else:
                basis: dict[str, PrimaryPurpose | RequiredByLaw] = {
                    "primary": PrimaryPurpose("service"),
                    "law": RequiredByLaw("an act, s 1"),
                }
                identified_release = office.identified_unit_records(
                    data,
                    recipient=DSS,
                    purpose="report",
                    basis=basis.get(request),
                    on=ON,
                    requested_by="x",
                )
                assert identified_release.clients
            granted += 1
        except DisclosureRefused:
            pass
    assert len(log) == len(requests)
    assert sum(e.granted for e in log) == granted
