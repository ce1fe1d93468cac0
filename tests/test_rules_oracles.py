"""Rule findings worked by hand where a rule's key decides what counts as the same record."""

from __future__ import annotations

import attrs
import pytest

from dexcore.model import Case, CaseClient, Dataset, SessionClient
from dexcore.rules import check
from test_rules import ALL, TODAY, add, change, first_case, first_session, valid_dataset


def test_session_ids_repeat_only_within_a_case() -> None:
    """ "Session ids are ... unique within the case": the same id in two cases is no duplicate,
    the same id twice in one case is, and only that one is reported."""
    dataset = valid_dataset()
    dataset = add(dataset, "cases", attrs.evolve(first_case(dataset), case_id="K2"))
    dataset = add(
        dataset,
        "sessions",
        attrs.evolve(first_session(dataset), case_id="K2"),  # $.sessions[1]: S1 of K2
        attrs.evolve(first_session(dataset)),  # $.sessions[2]: S1 of K1 again
    )
    found = [
        issue.path
        for issue in check(dataset, ALL, today=TODAY).issues
        if issue.code == "session.id.duplicate"
    ]
    assert found == ["$.sessions[2].session_id"]


# The identifying-id rules, worked from the client details of test_rules: C1 is Quivera
# Zandorfel, born 23 August 1971, female, and consents; C2 has the same birth date and SLK but,
# without consent, no names. The SLK-581 worked by hand: family name letters 2, 3 and 5 (ANO),
# given name letters 2 and 3 (UI), the date (23081971), the sex digit (2): ANOUI230819712.
# Case K1 holds C1 and C2; session S1 of K1 is attended by C1 and C2.


def _found(dataset: Dataset, code: str) -> list[str]:
    return [issue.path for issue in check(dataset, ALL, today=TODAY).issues if issue.code == code]


def test_client_id_holding_the_given_name_alone() -> None:
    """Four letters of the given name (QUIV of Quivera), nothing of the family name."""
    dataset = change(valid_dataset(), "clients", 0, client_id="QUIV-88")
    assert _found(dataset, "client.id.reveals-identity") == ["$.clients[0].client_id"]


@pytest.mark.parametrize(
    "case_id",
    [
        "QUIV-1",  # the given name of C1 alone
        "K-230871",  # the birth date, day month year
        "ANOUI-7",  # the SLK's name letters, which C2 sends in place of names
    ],
)
def test_case_id_is_checked_against_each_detail_of_its_clients(case_id: str) -> None:
    dataset = change(valid_dataset(), "cases", 0, case_id=case_id)
    dataset = change(dataset, "sessions", 0, case_id=case_id)
    assert _found(dataset, "case.id.reveals-identity") == ["$.cases[0].case_id"]
    assert _found(change(dataset, "cases", 0, case_id="K1"), "case.id.reveals-identity") == []


@pytest.mark.parametrize("clients", [(), (CaseClient(client_id="C9"),)])
def test_case_id_of_a_case_without_clients_here_is_screened_alone(
    clients: tuple[CaseClient, ...],
) -> None:
    """No client to compare with (none attached, or one only DEX knows): the id is still
    refused for an e-mail address."""
    case = Case(case_id="INTAKE@EXAMPLE.ORG", outlet_activity_id=101, clients=clients)
    dataset = add(valid_dataset(), "cases", case)
    assert _found(dataset, "case.id.reveals-identity") == ["$.cases[1].case_id"]


@pytest.mark.parametrize("unknown_first", [True, False])
def test_session_id_checked_against_known_attendees_beside_an_unknown_one(
    unknown_first: bool,
) -> None:
    """S-QUIV holds C1's given name; C9 (known only to DEX) attends too, before or after C1."""
    attendees = [SessionClient(client_id="C9"), SessionClient(client_id="C1")]
    if not unknown_first:
        attendees.reverse()
    dataset = change(valid_dataset(), "sessions", 0, session_id="S-QUIV", clients=attendees)
    assert _found(dataset, "session.id.reveals-identity") == ["$.sessions[0].session_id"]


@pytest.mark.parametrize("leaking_first", [True, False])
def test_each_case_id_is_judged_on_its_own(leaking_first: bool) -> None:
    """ZAND-1 holds four letters of C1's family name, K2 nothing: only the first is refused,
    whichever comes first (what one case reveals is not carried over to the next)."""
    dataset = valid_dataset()
    leaking = attrs.evolve(first_case(dataset), case_id="ZAND-1")
    clean = attrs.evolve(first_case(dataset), case_id="K2")
    cases = (leaking, clean) if leaking_first else (clean, leaking)
    dataset = attrs.evolve(dataset, cases=cases)
    expected = "$.cases[0].case_id" if leaking_first else "$.cases[1].case_id"
    assert _found(dataset, "case.id.reveals-identity") == [expected]


@pytest.mark.parametrize(
    ("collection", "field", "value", "warning"),
    [
        ("clients", "client_id", "C-SARAH-7", "client.id.looks-like-name"),
        ("cases", "case_id", "SARAH-1", "case.id.looks-like-name"),
        ("sessions", "session_id", "S-SARAH-1", None),
    ],
)
def test_a_common_name_that_is_not_the_client_s_is_no_error(
    collection: str, field: str, value: str, warning: str | None
) -> None:
    """Sarah is a common given name but none of C1's details: no three letters of it (SAR, ARA,
    RAH) are in Quivera or Zandorfel. A warning for client and case ids (there is no such
    warning for session ids), never the reveals-identity error."""
    dataset = change(valid_dataset(), collection, 0, **{field: value})
    if collection == "cases":
        dataset = change(dataset, "sessions", 0, case_id=value)
    codes = {issue.code for issue in check(dataset, ALL, today=TODAY).issues}
    assert not any(code.endswith(".id.reveals-identity") for code in codes)
    assert (warning in codes) if warning else not any("looks-like-name" in c for c in codes)


@pytest.mark.parametrize(
    ("slk", "part"),
    [
        ("ANOXY230819712", "name letters differ"),  # the given name's letters, UI
        ("ZZOUI230819712", "name letters differ"),  # the family name's letters, AN
        ("ANOUI230819722", "birth date differs"),  # 1972: the year's last digit
        ("ANOUI240819712", "birth date differs"),  # the 24th: the day
        ("ANOUI230819711", "sex digit differs"),  # 1 (male) for 2 (female)
    ],
)
def test_slk_mismatch_names_the_part_that_differs(slk: str, part: str) -> None:
    """C1's SLK is ANOUI230819712 (worked above); each valid SLK here differs in one part."""
    dataset = change(valid_dataset(), "clients", 0, slk=slk)
    found = [
        (issue.path, issue.message)
        for issue in check(dataset, ALL, today=TODAY).issues
        if issue.code == "client.slk.mismatch"
    ]
    assert found == [
        ("$.clients[0].slk", f"the SLK does not match the client's details (its {part})")
    ]


# Each personal-data rule's finding, word for word: where it points and what it tells the
# user to do (the fix is part of the rule's meaning, so a changed word is a changed rule).
_WORD_FOR_WORD = [
    (
        ("clients", 1, {"slk": None}),
        "client.consent.slk-missing",
        "$.clients[1].slk",
        "the client did not consent to providing details, so an SLK is required",
    ),
    (
        ("clients", 0, {"given_name": None}),
        "client.consent.names-missing",
        "$.clients[0].given_name",
        "given_name is missing although the client consented to providing details "
        "(a single name goes in both name fields)",
    ),
    (
        ("clients", 0, {"is_birth_date_an_estimate": True}),  # born 23 August, not 1 January
        "client.birth-date.estimate-not-1-january",
        "$.clients[0].birth_date",
        "the birth date is marked as an estimate but is not 1 January",
    ),
    (
        ("clients", 0, {"client_id": "C-SARAH-7"}),  # Sarah: common, and not C1's name
        "client.id.looks-like-name",
        "$.clients[0].client_id",
        "the client id contains a word that is a common name; check it does not name a person",
    ),
    (
        ("clients", 0, {"client_id": "QUIV-88"}),  # QUIV: four letters of C1's given name
        "client.id.reveals-identity",
        "$.clients[0].client_id",
        "the client id reveals who the client is (name); DSS can see it, so replace it with "
        "an id that carries no personal information",
    ),
    (
        ("sessions", 0, {"session_id": "S-QUIV"}),  # C1 attends S1
        "session.id.reveals-identity",
        "$.sessions[0].session_id",
        "the session id reveals who the client is (name); DSS can see it, so replace it with "
        "an id that carries no personal information",
    ),
]


@pytest.mark.parametrize(("change_", "code", "path", "message"), _WORD_FOR_WORD)
def test_personal_data_findings_word_for_word(
    change_: tuple[str, int, dict[str, object]], code: str, path: str, message: str
) -> None:
    collection, index, fields = change_
    dataset = change(valid_dataset(), collection, index, **fields)
    found = [
        (issue.path, issue.message)
        for issue in check(dataset, ALL, today=TODAY).issues
        if issue.code == code
    ]
    assert found == [(path, message)]


@pytest.mark.parametrize(
    ("case_id", "code", "message"),
    [
        (
            "SARAH-1",
            "case.id.looks-like-name",
            "the case id contains a word that is a common name; check it does not name a person",
        ),
        (
            "QUIV-1",
            "case.id.reveals-identity",
            "the case id reveals who the client is (name); DSS can see it, so replace it with "
            "an id that carries no personal information",
        ),
    ],
)
def test_case_id_findings_word_for_word(case_id: str, code: str, message: str) -> None:
    dataset = change(valid_dataset(), "cases", 0, case_id=case_id)
    dataset = change(dataset, "sessions", 0, case_id=case_id)
    found = [
        (issue.path, issue.message)
        for issue in check(dataset, ALL, today=TODAY).issues
        if issue.code == code
    ]
    assert found == [("$.cases[0].case_id", message)]


def test_street_line_without_consent_word_for_word() -> None:
    """C2 does not consent; a second street line recorded for it is refused by name."""
    dataset = valid_dataset()
    without = dataset.clients[1]
    address = attrs.evolve(without.residential_address, address_line2="Unit 9")
    dataset = change(dataset, "clients", 1, residential_address=address)
    found = [
        (issue.path, issue.message)
        for issue in check(dataset, ALL, today=TODAY).issues
        if issue.code == "client.consent.street-without-consent"
    ]
    assert found == [
        (
            "$.clients[1].residential_address.address_line2",
            "street line address_line2 is recorded but the client did not consent to providing "
            "details; keep only suburb, state and postcode",
        )
    ]


@pytest.mark.parametrize("missing", ["given_name", "family_name"])
def test_slk_mismatch_is_not_judged_without_both_names(missing: str) -> None:
    """C1 with one name left out and an SLK of someone else (ZZZZZ for ANOUI): the key cannot be
    rebuilt without both names, so no mismatch is claimed (names-missing says what is wrong)."""
    dataset = change(valid_dataset(), "clients", 0, slk="ZZZZZ230819712", **{missing: None})
    codes = [issue.code for issue in check(dataset, ALL, today=TODAY).issues]
    assert "client.slk.mismatch" not in codes
    assert codes.count("client.consent.names-missing") == 1
