"""De-identification, unit-record exports and release decisions with their audit log."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
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
from dexcore.privacy.exports import DETAILED, MINIMAL, STANDARD, CoarseningPolicy, Geography
from dexcore.privacy.linkage import new_link_key
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
        "sessions",
    )
    assert DETAILED.sessions_band(1) == "1"
    assert DETAILED.sessions_band(3) == "2-4"
    assert STANDARD.sessions_band(0) == "0"
    assert STANDARD.sessions_band(20) == "20+"
    assert MINIMAL.sessions_band(7) is None
    assert MINIMAL.quasi_identifiers == ("age_band", "region", "gender")
    assert attrs.evolve(STANDARD, geography=Geography.NONE).quasi_identifiers[1] == "gender"
    with pytest.raises(DexValueError):
        CoarseningPolicy(name="bad", age_bands=(5, 10))
    with pytest.raises(DexValueError, match="session_bands"):
        CoarseningPolicy(name="bad", age_bands=(0, 10), session_bands=(0, 5, 5))
    with pytest.raises(DexValueError):
        export_unit_records(Dataset(), as_of=ON, k=1)
    # Known answer: 3 records share one combination, 2 another.
    data = Dataset(clients=tuple(crowd(3) + crowd(2, birth_date=dt.date(2015, 1, 1))))
    export = export_unit_records(data, as_of=ON, k=2)
    measured = k_anonymity(export.records, STANDARD.quasi_identifiers, required=3)
    assert (measured.k, measured.small_classes, measured.records_in_small_classes) == (2, 1, 2)


def test_linkage_is_a_keyed_hash_not_the_slk() -> None:
    data = Dataset(clients=tuple(crowd(5, slk="UELOR150619802")))
    one = export_unit_records(data, as_of=ON, link_key=new_link_key())
    two = export_unit_records(data, as_of=ON, link_key=new_link_key())
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


# -- argument errors are decisions too ---------------------------------------------------------

MARKERS = ("Zorvin", "Quellastro", "1980", "Quokka")
# Looks like a birth date: must not reach the log.
WHEN = dt.datetime(1980, 6, 15, 9, 30, tzinfo=dt.UTC)


def _defaults(method: str) -> dict[str, Any]:
    """Good arguments for each desk method; ``subject`` is the one passed by position."""
    people = Dataset(clients=tuple(crowd(6)))
    common: dict[str, Any] = {
        "recipient": "UNI1",
        "purpose": "evaluation",
        "on": ON,
        "requested_by": "a-2",
    }
    own: dict[str, dict[str, Any]] = {
        "identified_unit_records": {
            "subject": Dataset(clients=(person(1),)),
            "basis": PrimaryPurpose("delivering the service"),
        },
        "deidentified_unit_records": {"subject": people},
        "table": {"subject": count_table(people, BY_OUTLET)},
    }
    return own[method] | common


def _request(method: str, **changes: Any) -> Callable[[ReleaseDesk], object]:
    arguments = _defaults(method) | changes
    subject = arguments.pop("subject")
    return lambda office: getattr(office, method)(subject, **arguments)


def _identified_request(**changes: Any) -> Callable[[ReleaseDesk], object]:
    return _request("identified_unit_records", **changes)


def _deidentified_request(**changes: Any) -> Callable[[ReleaseDesk], object]:
    return _request("deidentified_unit_records", **changes)


def _table_request(**changes: Any) -> Callable[[ReleaseDesk], object]:
    return _request("table", **changes)


def _empty_consent_basis() -> ConsentBasis:
    return ConsentBasis(ConsentLedger(), Purpose.REFERRAL, data=frozenset(), organisation="ORG1")


BAD_REQUESTS = {
    "identified: on is a datetime": _identified_request(on=WHEN),
    "identified: on is text": _identified_request(on="Zorvin 1980-06-15"),
    "identified: dataset is text": _identified_request(subject="Zorvin Quellastro"),
    "identified: consent basis with empty data": _identified_request(basis=_empty_consent_basis()),
    "identified: blank requested_by": _identified_request(requested_by="  "),
    "identified: recipient not text": _identified_request(recipient=1980),
    "deidentified: on is a datetime": _deidentified_request(on=WHEN),
    "deidentified: as_of is a datetime": _deidentified_request(as_of=WHEN),
    "deidentified: k=1": _deidentified_request(k=1),
    "deidentified: k is a bool": _deidentified_request(k=True),
    "deidentified: k is text": _deidentified_request(k="Zorvin"),
    "deidentified: link key is text": _deidentified_request(link_key="Zorvin-Quellastro-1980"),
    "deidentified: link key too short": _deidentified_request(link_key=b"Quokka"),
    "deidentified: policy is text": _deidentified_request(policy="standard"),
    "deidentified: unknown small_classes": _deidentified_request(small_classes="drop"),
    "deidentified: empty data": _deidentified_request(subject=[]),
    "table: bad on_difference": _table_request(on_difference="ignore"),
    "table: identified level": _table_request(level=ReleaseLevel.IDENTIFIED_UNIT_RECORD),
    "table: level is text": _table_request(level="Zorvin"),
    "table: table is text": _table_request(subject="Quellastro"),
    "table: on is a datetime": _table_request(on=WHEN),
    "table: unknown policy": _table_request(policy="suppress"),
}


@pytest.mark.parametrize("request_name", sorted(BAD_REQUESTS))
def test_every_argument_error_leaves_exactly_one_audit_entry(request_name: str) -> None:
    office, log = desk()
    with pytest.raises(DexValueError) as caught:
        BAD_REQUESTS[request_name](office)
    assert not isinstance(caught.value, DisclosureRefused)
    assert len(log) == 1
    entry = log[0]
    assert not entry.granted
    assert entry.rule == "release.bad-argument"
    assert (entry.records, entry.withheld) == (0, 0)
    assert entry.detail == str(caught.value)
    assert "\n" not in entry.detail
    for marker in MARKERS:
        assert marker not in repr(entry)
        assert marker not in str(caught.value)
    assert entry.on in (ON, None)


def test_the_same_requests_with_good_arguments_are_granted() -> None:
    """The other direction: each request above fails only for its bad argument."""
    for request in (_identified_request(), _deidentified_request(), _table_request()):
        office, log = desk()
        request(office)
        assert [(e.granted, e.rule, e.on) for e in log] == [(True, "", ON)]


def test_a_datetime_is_audited_without_its_value() -> None:
    office, log = desk()
    with pytest.raises(DexValueError, match=r"on must be a datetime\.date"):
        _identified_request(on=WHEN)(office)
    assert log[0].on is None
    assert log[0].level is ReleaseLevel.IDENTIFIED_UNIT_RECORD
    assert log[0].recipient == "UNI1"


def test_the_desk_decides_one_request_at_a_time() -> None:
    """Many threads at one desk: one entry per request, tables all in the history."""
    office, log = desk()
    table = count_table(Dataset(clients=tuple(crowd(6))), BY_OUTLET)
    barrier = threading.Barrier(8)

    def publish() -> None:
        barrier.wait()
        for _ in range(5):
            office.table(table, recipient="public", purpose="p", on=ON, requested_by="x")

    threads = [threading.Thread(target=publish) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(log) == 40
    assert len(office.history) == 40
