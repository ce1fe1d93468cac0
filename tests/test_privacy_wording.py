"""The release desk and its lawful bases, worked by hand and word for word.

Every expected value here is written out by hand: the audit entry each request leaves, and
each refusal's message (they name the rule and the fix, and are read by the person who
asked). Exports and the export history are in ``test_export_oracles.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dexcore.errors import DexValueError, DisclosureRefused
from dexcore.model import (
    Client,
    Dataset,
    Gender,
)
from dexcore.privacy import (
    AuditEntry,
    ConsentBasis,
    ConsentLedger,
    DataCategory,
    ExportHistory,
    PrimaryPurpose,
    Purpose,
    RelatedSecondaryPurpose,
    ReleaseDesk,
    ReleaseLevel,
    RequiredByLaw,
    Research,
)
from dexcore.privacy.consent import Channel, Consent
from dexcore.privacy.exports import (
    STANDARD,
)
from dexcore.privacy.sdc import CountTable
from privacy_people import ON, desk, people, person

# -- lawful bases -------------------------------------------------------------------------------


RESEARCH: dict[str, Any] = {
    "ethics_approval": "HREC-2025-014",
    "guideline": "s95",
    "not_published_identifying": True,
    "consent_impracticable": True,
    "recipient_will_not_disclose": True,
}


@pytest.mark.parametrize(
    ("basis", "reason", "described"),
    [
        (None, "identified unit records need a lawful basis", ""),
        (
            "because",
            "the basis must be one of the lawful bases in dexcore.privacy.disclosure",
            "not a lawful basis (str)",
        ),
        (
            Research(**{**RESEARCH, "guideline": "s96"}),
            'research must follow the "s95" or "s95A" guidelines',
            "research under s96 guidelines, approval HREC-2025-014",
        ),
        (
            Research(
                **{**RESEARCH, "not_published_identifying": False, "consent_impracticable": 1}
            ),
            "research conditions not met: not_published_identifying, consent_impracticable",
            "research under s95 guidelines, approval HREC-2025-014",
        ),
        (
            RelatedSecondaryPurpose("audit", reasonably_expected=False, directly_related=True),
            "a secondary purpose must be one the clients would reasonably expect",
            "related secondary purpose: audit",
        ),
        (
            RelatedSecondaryPurpose("audit", reasonably_expected=True, directly_related=False),
            "client records hold sensitive information, so a secondary purpose must be directly "
            "related to the primary purpose",
            "related secondary purpose: audit",
        ),
    ],
)
def test_a_basis_that_does_not_stand_is_refused_in_these_words(
    basis: Any, reason: str, described: str
) -> None:
    office, log = desk()
    with pytest.raises(DisclosureRefused) as caught:
        office.identified_unit_records(
            Dataset(clients=(person(1),)),
            recipient="AG2",
            purpose="review",
            basis=basis,
            on=ON,
            requested_by="staff-7",
        )
    assert str(caught.value) == f"{reason} [release.no-lawful-basis]"
    assert log == [
        AuditEntry(
            on=ON,
            level=ReleaseLevel.IDENTIFIED_UNIT_RECORD,
            recipient="AG2",
            requested_by="staff-7",
            purpose="review",
            basis=described,
            granted=False,
            rule="release.no-lawful-basis",
            detail=reason,
        )
    ]


def test_research_under_either_guideline_stands() -> None:
    for guideline in ("s95", "s95A"):
        release = ReleaseDesk([]).identified_unit_records(
            Dataset(clients=(person(1),)),
            recipient="UNI1",
            purpose="study",
            basis=Research(**{**RESEARCH, "guideline": guideline}),
            on=ON,
            requested_by="r-1",
        )
        assert len(release.clients) == 1


def test_blank_text_in_a_basis_names_the_field() -> None:
    with pytest.raises(DexValueError) as caught:
        RequiredByLaw(" ")
    assert str(caught.value) == "RequiredByLaw.citation must be non-blank text"


# -- identified releases --------------------------------------------------------------------------


def _ledger_for(*subjects: str) -> ConsentLedger:
    ledger = ConsentLedger()
    for subject in subjects:
        ledger.grant(
            Consent(
                consent_id=f"CN-{subject}",
                subject=subject,
                organisation="ORG1",
                recipient="AG2",
                purpose=Purpose.REFERRAL,
                data={DataCategory.NAMES, DataCategory.STREET_ADDRESS},
                given_on=dt.date(2024, 12, 1),
                valid_until=dt.date(2025, 12, 1),
                channel=Channel.WRITTEN,
            ),
            recorded_on=dt.date(2024, 12, 1),
        )
    return ledger


def _identified(office: ReleaseDesk, clients: list[Client], basis: Any) -> Any:
    return office.identified_unit_records(
        Dataset(clients=tuple(clients)),
        recipient="AG2",
        purpose="referral",
        basis=basis,
        on=ON,
        requested_by="staff-7",
    )


def test_a_consent_basis_withholds_each_client_without_consent_and_counts_them() -> None:
    # K0002 and K0003 have no consent and come first; K0001 (consented) is still released.
    # K0001, K0004 and K0005 consented to the release, K0004 and K0005 not to DEX holding
    # their details, so two clients are released de-identified.
    basis = ConsentBasis(
        _ledger_for("K0001", "K0004", "K0005"), Purpose.REFERRAL, organisation="ORG1"
    )
    office, log = desk()
    clients = [
        person(2),
        person(3),
        person(1, consent_to_provide_details=True, given_name="Vabbo", family_name="Quollbyn"),
        person(4),
        person(5),
    ]
    release = _identified(office, clients, basis)
    assert [c.client_id for c in release.clients] == ["K0001", "K0004", "K0005"]
    assert (release.withheld, release.basis) == (2, basis)
    assert log == [
        AuditEntry(
            on=ON,
            level=ReleaseLevel.IDENTIFIED_UNIT_RECORD,
            recipient="AG2",
            requested_by="staff-7",
            purpose="referral",
            basis="consent: share-for-referral",
            granted=True,
            records=3,
            withheld=2,
            detail="2 client(s) without consent released de-identified",
        )
    ]


def test_a_consent_basis_covering_nobody_is_refused_with_the_count() -> None:
    basis = ConsentBasis(_ledger_for("K0009"), Purpose.REFERRAL, organisation="ORG1")
    office, log = desk()
    with pytest.raises(DisclosureRefused) as caught:
        _identified(office, [person(1), person(2)], basis)
    reason = "none of the 2 client(s) has a consent in force for this recipient, purpose and data"
    assert str(caught.value) == f"{reason} [release.no-consent]"
    assert (log[0].rule, log[0].detail) == ("release.no-consent", reason)


class _FailingLedger(ConsentLedger):
    """A ledger whose store fails with an error that quotes the client's id."""

    def may_disclose(self, subject: str, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"store unreachable while reading {subject}")


def test_an_unexpected_error_is_audited_by_its_type_alone() -> None:
    office, log = desk()
    basis = ConsentBasis(_FailingLedger(), Purpose.REFERRAL, organisation="ORG1")
    with pytest.raises(RuntimeError):
        _identified(office, [person(1)], basis)
    assert log == [
        AuditEntry(
            on=ON,
            level=ReleaseLevel.IDENTIFIED_UNIT_RECORD,
            recipient="AG2",
            requested_by="staff-7",
            purpose="referral",
            basis="consent: share-for-referral",
            granted=False,
            rule="release.error",
            detail="RuntimeError",
        )
    ]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"ledger": "ledger"}, "ConsentBasis.ledger must be a ConsentLedger"),
        ({"purpose": "referral"}, "ConsentBasis.purpose must be a Purpose"),
        ({"data": frozenset()}, "ConsentBasis.data must name at least one DataCategory"),
        ({"data": [DataCategory.NAMES]}, "ConsentBasis.data must name at least one DataCategory"),
        ({"data": frozenset({"names"})}, "ConsentBasis.data must hold DataCategory members only"),
    ],
)
def test_a_malformed_consent_basis_is_a_bad_argument(changes: dict[str, Any], problem: str) -> None:
    fields: dict[str, Any] = {"ledger": _ledger_for("K0001"), "purpose": Purpose.REFERRAL}
    basis = ConsentBasis(**(fields | changes), organisation="ORG1")
    office, log = desk()
    with pytest.raises(DexValueError) as caught:
        _identified(office, [person(1)], basis)
    assert str(caught.value) == f"ReleaseDesk: {problem} [release.bad-argument]"
    assert (log[0].rule, log[0].detail) == ("release.bad-argument", str(caught.value))


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"on": dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)},
            "on must be a datetime.date, not a datetime",
        ),
        ({"recipient": " "}, "recipient must be non-blank text"),
        ({"requested_by": ""}, "requested_by must be non-blank text"),
        ({"purpose": None}, "purpose must be non-blank text"),
        ({"subject": "clients.csv"}, "dataset must be a Dataset"),
    ],
)
def test_each_bad_argument_of_a_request_is_named(changes: dict[str, Any], problem: str) -> None:
    arguments: dict[str, Any] = {
        "subject": Dataset(clients=(person(1),)),
        "recipient": "AG2",
        "purpose": "referral",
        "basis": PrimaryPurpose("the service"),
        "on": ON,
        "requested_by": "staff-7",
    } | changes
    office, log = desk()
    with pytest.raises(DexValueError) as caught:
        office.identified_unit_records(arguments.pop("subject"), **arguments)
    assert str(caught.value) == f"ReleaseDesk: {problem} [release.bad-argument]"
    assert log[0].detail == str(caught.value)
    assert (log[0].granted, log[0].rule) == (False, "release.bad-argument")


def test_text_that_is_not_text_is_audited_as_empty() -> None:
    office, log = desk()
    with pytest.raises(DexValueError):
        office.identified_unit_records(
            Dataset(clients=(person(1),)),
            recipient=1980,  # type: ignore[arg-type]
            purpose="referral",
            basis=None,
            on=ON,
            requested_by="staff-7",
        )
    assert log == [
        AuditEntry(
            on=ON,
            level=ReleaseLevel.IDENTIFIED_UNIT_RECORD,
            recipient="",
            requested_by="staff-7",
            purpose="referral",
            basis="",
            granted=False,
            rule="release.bad-argument",
            detail="ReleaseDesk: recipient must be non-blank text [release.bad-argument]",
        )
    ]


def test_a_desk_keeps_the_histories_it_is_given() -> None:
    exports = ExportHistory()
    office = ReleaseDesk([], exports=exports)
    assert office.exports is exports
    from dexcore.privacy import ReleaseHistory

    history = ReleaseHistory()
    assert ReleaseDesk([], history=history).history is history


# -- de-identified releases and tables -------------------------------------------------------


def test_a_deidentified_release_is_audited_with_its_policy_k_and_suppressed_records() -> None:
    # Six clients born 1980 (age 44 on 15 January 2025: band 25-44) and one male: with
    # small_classes="suppress" the male is left out, and k is 6.
    office, log = desk()
    clients = [*people(range(6)), person(9, gender=Gender.MALE)]
    export = office.deidentified_unit_records(
        Dataset(clients=tuple(clients)),
        recipient="UNI1",
        purpose="evaluation",
        on=ON,
        requested_by="analyst-2",
        small_classes="suppress",
    )
    assert (len(export.records), export.suppressed) == (6, 1)
    assert log == [
        AuditEntry(
            on=ON,
            level=ReleaseLevel.DEIDENTIFIED_UNIT_RECORD,
            recipient="UNI1",
            requested_by="analyst-2",
            purpose="evaluation",
            basis="",
            granted=True,
            records=6,
            withheld=1,
            policy={**STANDARD.describe(), "k": 5},
            detail="k = 6",
        )
    ]


def test_a_refused_export_is_audited_with_its_reason() -> None:
    office, log = desk()
    with pytest.raises(DisclosureRefused) as caught:
        office.deidentified_unit_records(
            Dataset(clients=tuple(people(range(3)))),
            recipient="UNI1",
            purpose="evaluation",
            on=ON,
            requested_by="analyst-2",
        )
    assert log[0].detail == caught.value.reason
    assert (log[0].granted, log[0].rule, log[0].records) == (False, "export.k-anonymity", 0)


def test_a_table_release_is_audited_with_its_cells_and_policy() -> None:
    office, log = desk()
    # Two rows and three columns, one cell below 5: six cells, the small one and enough
    # others to protect it withheld.
    counts = ((10, 12, 2), (11, 13, 14))
    table = CountTable(
        title="Clients by row and column",
        row_dimension="row",
        column_dimension="column",
        rows=("r0", "r1"),
        columns=("c0", "c1", "c2"),
        counts=counts,
        row_totals=(24, 38),
        column_totals=(21, 25, 16),
        total=62,
    )
    released = office.table(
        table,
        level=ReleaseLevel.SUMMARY,
        recipient="DSS",
        purpose="report",
        on=ON,
        requested_by="comms-1",
    )
    cells = 6
    assert released.suppressed >= 2
    assert log == [
        AuditEntry(
            on=ON,
            level=ReleaseLevel.SUMMARY,
            recipient="DSS",
            requested_by="comms-1",
            purpose="report",
            basis="",
            granted=True,
            records=cells,
            withheld=released.suppressed,
            policy=released.policy.describe(),
            detail=released.title,
        )
    ]
    with pytest.raises(DexValueError) as caught:
        office.table(
            "table",  # type: ignore[arg-type]
            recipient="DSS",
            purpose="report",
            on=ON,
            requested_by="comms-1",
        )
    assert str(caught.value) == (
        "ReleaseDesk: table: table must be a CountTable [release.bad-argument]"
    )
    with pytest.raises(DexValueError) as caught:
        office.table(
            table,
            level=ReleaseLevel.IDENTIFIED_UNIT_RECORD,  # type: ignore[arg-type]
            recipient="DSS",
            purpose="report",
            on=ON,
            requested_by="comms-1",
        )
    assert str(caught.value) == (
        "ReleaseDesk: table: level must be PUBLIC or SUMMARY [release.bad-argument]"
    )
