"""The plain form of a check partial, written by hand: what it reads as, and what it refuses.

A partial's plain form carries figures between processes and machines; a wrong reading
would miscount silently in the merged report. So the form here is written out field by
field (as docs/howto/scale.md describes it), the partial it must read as is written out
too, and every malformed place is named with the exact path and reason expected. Nothing
here is computed by the code under test.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dexcore.errors import DexStructureError, DexValueError
from dexcore.issues import Issue, RecordRef, Severity
from dexcore.model import Dataset
from dexcore.rules import DEX, CheckPartial, OrganisationCheck, check


def form() -> dict[str, Any]:
    """One organisation's contribution, every field holding something (in written order)."""
    state = {
        "records": {
            "clients": 3,
            "cases": 2,
            "sessions": 4,
            "client_assessments": 0,
            "session_assessments": 1,
            "outlets": 0,
        },
        "issues": [
            {
                "code": "client.hand",
                "severity": "warning",
                "message": "a hand-made warning",
                "record": {"kind": "client", "index": 2, "id": "C2"},
                "path": "$.clients[2].gender",
            },
            {
                "code": "session.hand",
                "severity": "info",
                "message": "a hand-made note",
                "record": {"kind": "session", "index": 3, "id": None},
                "path": "$.sessions[3]",
            },
        ],
        "keys": {
            "clients": [[["C1"], [0, 2]], [["C2"], [1]]],
            "cases": [[["K1"], [0]], [["K2"], [1]]],
            "sessions": [[["K1", "S1"], [0, 3]], [["K2", "S2"], [1]]],
            "client_assessments": [],
            "session_assessments": [[["K1", "S1"], [0]]],
            "outlets": [],
        },
        "outside": {"clients": [["C9"]], "cases": [["K8"], ["K9"]], "sessions": []},
        "not_stated": {"clients": 3, "gender": 1},
        "identified": [["2024-H2", 0, ["C1", "C2"]], ["2025-H1", 1, ["C3"]]],
        "unidentified": [["2024-H2", 1, "K1", 5], ["2025-H1", 0, "K2", 2]],
    }
    return {
        "format": "dexcore.check.partial",
        "version": 1,
        "ruleset": "hand (1)",
        "codes": ["client.hand", "session.hand"],
        "today": "2025-03-01",
        "organisations": [["ORG-1", state]],
    }


# What form() reads as, written out from the form above by hand.
READ = CheckPartial(
    ruleset="hand (1)",
    codes=("client.hand", "session.hand"),
    today=dt.date(2025, 3, 1),
    organisations={
        "ORG-1": OrganisationCheck(
            records={
                "clients": 3,
                "cases": 2,
                "sessions": 4,
                "client_assessments": 0,
                "session_assessments": 1,
                "outlets": 0,
            },
            issues=(
                Issue(
                    code="client.hand",
                    severity=Severity.WARNING,
                    message="a hand-made warning",
                    record=RecordRef(kind="client", index=2, id="C2"),
                    path="$.clients[2].gender",
                ),
                Issue(
                    code="session.hand",
                    severity=Severity.INFO,
                    message="a hand-made note",
                    record=RecordRef(kind="session", index=3, id=None),
                    path="$.sessions[3]",
                ),
            ),
            keys={
                "clients": {("C1",): (0, 2), ("C2",): (1,)},
                "cases": {("K1",): (0,), ("K2",): (1,)},
                "sessions": {("K1", "S1"): (0, 3), ("K2", "S2"): (1,)},
                "client_assessments": {},
                "session_assessments": {("K1", "S1"): (0,)},
                "outlets": {},
            },
            outside={
                "clients": frozenset({("C9",)}),
                "cases": frozenset({("K8",), ("K9",)}),
                "sessions": frozenset(),
            },
            not_stated={"clients": 3, "gender": 1},
            identified={("2024-H2", 0): frozenset({"C1", "C2"}), ("2025-H1", 1): frozenset({"C3"})},
            unidentified={("2024-H2", 1, "K1"): 5, ("2025-H1", 0, "K2"): 2},
        )
    },
)


def test_a_form_written_by_hand_reads_as_the_partial_written_by_hand() -> None:
    read = CheckPartial.from_dict(form())
    assert read == READ
    # Field by field too, so a failure says which reading went wrong.
    (state,) = read.organisations.values()
    assert state.identified == READ.organisations["ORG-1"].identified
    assert state.unidentified == READ.organisations["ORG-1"].unidentified
    assert state.issues == READ.organisations["ORG-1"].issues


def test_the_partial_written_by_hand_writes_the_form_written_by_hand() -> None:
    """The other direction: writing sorts keys, refs and groups, as form() lists them."""
    assert READ.to_dict() == form()


def test_the_highest_kind_and_the_smallest_figure_are_read() -> None:
    """Kind 1 (leaders represent communities) is the last kind; a figure of 1 the least."""
    data = form()
    state = data["organisations"][0][1]
    state["identified"] = [["2023-H1", 1, []]]
    state["unidentified"] = [["2023-H1", 1, "K7", 1]]
    read = CheckPartial.from_dict(data).organisations["ORG-1"]
    assert read.identified == {("2023-H1", 1): frozenset()}
    assert read.unidentified == {("2023-H1", 1, "K7"): 1}


# Errors are looked for in a second organisation, a copy of the first, so each path's
# numbers are seen to be the bad item's own.
_STATE = "$.organisations[1][1]"
_RECORDS = "clients, cases, sessions, client_assessments, session_assessments, outlets"


def _at(data: dict[str, Any], where: tuple[Any, ...]) -> tuple[Any, Any]:
    target: Any = data
    for step in where[:-1]:
        target = target[step]
    return target, where[-1]


# (where in the second organisation's state, the value put there, the path and reason of
# the one error expected)
MALFORMED: list[tuple[tuple[Any, ...], object, str]] = [
    # identified: [label, kind, [ids]]
    (("identified", 1), ["2025-H1", 1], "identified[1]: must be a list of 3 items"),
    (("identified", 1), ["2025-H1", 1, [], []], "identified[1]: must be a list of 3 items"),
    (("identified",), {"2024-H2": []}, "identified: must be a list"),
    (("identified", 1, 0), "2025-H3", "identified[1][0]: must be a period label such as 2024-H2"),
    (("identified", 1, 0), 2025, "identified[1][0]: must be a string"),
    (("identified", 1, 1), 2, "identified[1][1]: must be at most 1"),
    (("identified", 1, 1), -1, "identified[1][1]: must be a whole number of at least 0"),
    (("identified", 1, 1), True, "identified[1][1]: must be a whole number of at least 0"),
    (("identified", 1, 2), "C3", "identified[1][2]: must be a list"),
    (("identified", 0, 2, 1), 2, "identified[0][2][1]: must be a string"),
    # unidentified: [label, kind, case id, figure]
    (("unidentified", 1), ["2025-H1", 0, "K2"], "unidentified[1]: must be a list of 4 items"),
    (("unidentified", 1), ["2025-H1", 0, "K2", 2, 2], "unidentified[1]: must be a list of 4 items"),
    (("unidentified",), "K2", "unidentified: must be a list"),
    (("unidentified", 1, 0), "2025", "unidentified[1][0]: must be a period label such as 2024-H2"),
    (("unidentified", 1, 0), None, "unidentified[1][0]: must be a string"),
    (("unidentified", 1, 1), 2, "unidentified[1][1]: must be at most 1"),
    (("unidentified", 1, 1), -1, "unidentified[1][1]: must be a whole number of at least 0"),
    (("unidentified", 1, 2), 2, "unidentified[1][2]: must be a string"),
    (("unidentified", 1, 3), 0, "unidentified[1][3]: must be a whole number of at least 1"),
    (("unidentified", 1, 3), -2, "unidentified[1][3]: must be a whole number of at least 0"),
    (("unidentified", 1, 3), "2", "unidentified[1][3]: must be a whole number of at least 0"),
    # the state's fields
    (("extra",), 1, ": must be an object with exactly the keys records, issues, keys, "
     "outside, not_stated, identified, unidentified"),
    (("records", "outlets"), -1, "records[5]: must be a whole number of at least 0"),
    (("records", "sessions"), "4", "records[2]: must be a whole number of at least 0"),
    (("records", "cases"), 2.0, "records[1]: must be a whole number of at least 0"),
    (("records", "extra"), 1, f"records: must be an object with exactly the keys {_RECORDS}"),
    (("keys", "extra"), [], f"keys: must be an object with exactly the keys {_RECORDS}"),
    (("keys", "sessions"), "S1", "keys.sessions: must be a list"),
    (("keys", "sessions", 1), [["K2", "S2"]], "keys.sessions[1]: must be a list of 2 items"),
    (("keys", "sessions", 1, 0), ["K2"], "keys.sessions[1][0]: must be a list of 2 items"),
    (("keys", "sessions", 1, 0, 1), 2, "keys.sessions[1][0][1]: must be a string"),
    (("keys", "sessions", 0, 1), "0", "keys.sessions[0][1]: must be a list"),
    (("keys", "sessions", 0, 1, 1), -3,
     "keys.sessions[0][1][1]: must be a whole number of at least 0"),
    (("keys", "clients", 1, 0), ["C2", "x"], "keys.clients[1][0]: must be a list of 1 items"),
    (("keys", "cases", 1, 0), [], "keys.cases[1][0]: must be a list of 1 items"),
    (("keys", "client_assessments"), [[["C1", "K1"], [0]]],
     "keys.client_assessments[0][0]: must be a list of 3 items"),
    (("keys", "session_assessments", 0, 0), ["K1", "S1", "C1"],
     "keys.session_assessments[0][0]: must be a list of 2 items"),
    (("keys", "outlets"), [[["", ""], [0]]], "keys.outlets[0][0]: must be a list of 1 items"),
    (("outside", "extra"), [], "outside: must be an object with exactly the keys clients, cases, "
     "sessions"),
    (("outside", "cases"), "K8", "outside.cases: must be a list"),
    (("outside", "cases", 1), ["K9", "x"], "outside.cases[1]: must be a list of 1 items"),
    (("outside", "sessions"), [["K1"]], "outside.sessions[0]: must be a list of 2 items"),
    (("outside", "clients", 0, 0), 9, "outside.clients[0][0]: must be a string"),
    (("not_stated",), [], "not_stated: must map names to whole numbers"),
    (("not_stated",), {1: 2}, "not_stated: must map names to whole numbers"),
    (("not_stated", "gender"), True, "not_stated[1]: must be a whole number of at least 0"),
    (("issues",), {}, "issues: must be a list"),
    (("issues", 1, "extra"), 1, "issues[1]: must be an object with exactly the keys code, "
     "severity, message, record, path"),
    (("issues", 1, "record"), {"kind": "session", "index": 3},
     "issues[1].record: must be an object with exactly the keys kind, index, id"),
    (("issues", 1, "code"), 3, "issues[1].code: must be a string"),
    (("issues", 1, "severity"), "fatal", "issues[1].severity: must be a string naming a kind"),
    (("issues", 1, "severity"), "ERROR", "issues[1].severity: must be a string naming a kind"),
    (("issues", 1, "message"), None, "issues[1].message: must be a string"),
    (("issues", 1, "record", "kind"), "dataset",
     "issues[1].record.kind: must be a string naming a kind"),
    (("issues", 1, "record", "kind"), "sessions",
     "issues[1].record.kind: must be a string naming a kind"),
    (("issues", 1, "record", "index"), -1,
     "issues[1].record.index: must be a whole number of at least 0"),
    (("issues", 1, "record", "index"), None,
     "issues[1].record.index: must be a whole number of at least 0"),
    (("issues", 0, "record", "id"), 5, "issues[0].record.id: must be a string"),
    (("issues", 1, "path"), None, "issues[1].path: must be a string"),
]  # fmt: skip


def _two_organisations() -> dict[str, Any]:
    data = form()
    data["organisations"].append(["ORG-2", form()["organisations"][0][1]])
    return data


def test_two_organisations_are_read_apart() -> None:
    read = CheckPartial.from_dict(_two_organisations())
    assert read.organisations == {
        "ORG-1": READ.organisations["ORG-1"],
        "ORG-2": READ.organisations["ORG-1"],
    }


@pytest.mark.parametrize(("where", "bad", "error"), MALFORMED)
def test_each_malformed_place_is_named_with_its_reason(
    where: tuple[Any, ...], bad: object, error: str
) -> None:
    data = _two_organisations()
    target, last = _at(data["organisations"][1][1], where)
    target[last] = bad
    with pytest.raises(DexStructureError) as caught:
        CheckPartial.from_dict(data)
    place, reason = error.split(": ", 1)
    path = f"{_STATE}.{place}" if place else _STATE
    assert str(caught.value) == f"cannot build CheckPartial: {path}: {reason}"
    assert caught.value.errors == ((path, reason),)


_TOP = "format, version, ruleset, codes, today, organisations"


@pytest.mark.parametrize(
    ("where", "bad", "error"),
    [
        (("extra",), 1, f"$: must be an object with exactly the keys {_TOP}"),
        (("ruleset",), 5, "$.ruleset: must be a string"),
        (("codes",), "client.hand", "$.codes: must be a list"),
        (("codes", 1), 7, "$.codes[1]: must be a string"),
        (("organisations",), {"ORG-1": {}}, "$.organisations: must be a list"),
        (("organisations", 1), ["ORG-2"], "$.organisations[1]: must be a list of 2 items"),
        (("organisations", 1, 0), 2, "$.organisations[1][0]: must be a string"),
        (("organisations", 1, 1), [], f"{_STATE}: must be an object with exactly the keys "
         "records, issues, keys, outside, not_stated, identified, unidentified"),
    ],
)  # fmt: skip
def test_each_malformed_place_of_the_frame_is_named_with_its_reason(
    where: tuple[Any, ...], bad: object, error: str
) -> None:
    data = _two_organisations()
    target, last = _at(data, where)
    target[last] = bad
    with pytest.raises(DexStructureError) as caught:
        CheckPartial.from_dict(data)
    assert str(caught.value) == f"cannot build CheckPartial: {error}"
    path, reason = error.split(": ", 1)
    assert caught.value.errors == ((path, reason),)


@pytest.mark.parametrize(
    ("today", "reason"),
    [
        ("2025-02-29", "must be a date written YYYY-MM-DD"),  # 2025 is not a leap year
        ("1 March 2025", "must be a date written YYYY-MM-DD"),
        ("", "must be a date written YYYY-MM-DD"),
        (20250301, "must be a string"),
        (None, "must be a string"),
    ],
)
def test_the_day_must_be_a_date_written_out(today: object, reason: str) -> None:
    data = form()
    data["today"] = today
    with pytest.raises(DexStructureError) as caught:
        CheckPartial.from_dict(data)
    assert str(caught.value) == f"cannot build CheckPartial: $.today: {reason}"


@pytest.mark.parametrize(
    ("today", "day"),
    [("2024-02-29", dt.date(2024, 2, 29)), ("0001-01-01", dt.date(1, 1, 1))],
)
def test_a_day_written_out_is_read(today: str, day: dt.date) -> None:
    data = form()
    data["today"] = today
    assert CheckPartial.from_dict(data).today == day


# -- merging contributions written by hand ---------------------------------------------------


def _issue(kind: str, index: int | None) -> Issue:
    return Issue(
        code="hand",
        severity=Severity.INFO,
        message="a hand-made note",
        record=RecordRef(kind=kind, index=index),
        path="$",
    )


def _partial(state: OrganisationCheck) -> CheckPartial:
    return CheckPartial(
        ruleset="hand (1)", codes=("hand",), today=dt.date(2025, 3, 1), organisations={"O": state}
    )


def test_two_contributions_merge_into_sums_unions_and_largest_figures() -> None:
    """Worked by hand from the rules of merging: records and counters add up, places of one
    key join (sorted), references left outside join, identified ids join, and a case's
    unidentified figure is the larger of the two."""
    first = OrganisationCheck(
        records={"clients": 2, "sessions": 1},
        issues=(_issue("session", 4), _issue("client", 3)),
        keys={"clients": {("C1",): (3,), ("C2",): (0,)}, "sessions": {("K1", "S1"): (4,)}},
        outside={"clients": frozenset({("C8",)}), "cases": frozenset({("K8",)})},
        not_stated={"clients": 2, "gender": 1},
        identified={("2024-H2", 0): frozenset({"C1"})},
        unidentified={("2024-H2", 0, "K1"): 5, ("2024-H2", 1, "K2"): 1},
    )
    second = OrganisationCheck(
        records={"clients": 1, "cases": 1},
        issues=(_issue("client", 1),),
        keys={"clients": {("C1",): (1,)}, "cases": {("K1",): (2,)}},
        outside={"clients": frozenset({("C9",)})},
        not_stated={"clients": 1, "gender": 1, "atsi_origin": 1},
        identified={("2024-H2", 0): frozenset({"C3"}), ("2025-H1", 1): frozenset({"C4"})},
        unidentified={("2024-H2", 0, "K1"): 3, ("2024-H2", 1, "K2"): 4},
    )
    expected = OrganisationCheck(
        records={
            "clients": 3,
            "cases": 1,
            "sessions": 1,
            "client_assessments": 0,
            "session_assessments": 0,
            "outlets": 0,
        },
        issues=(_issue("client", 1), _issue("client", 3), _issue("session", 4)),
        keys={
            "clients": {("C1",): (1, 3), ("C2",): (0,)},
            "cases": {("K1",): (2,)},
            "sessions": {("K1", "S1"): (4,)},
            "client_assessments": {},
            "session_assessments": {},
            "outlets": {},
        },
        outside={
            "clients": frozenset({("C8",), ("C9",)}),
            "cases": frozenset({("K8",)}),
            "sessions": frozenset(),
        },
        not_stated={"clients": 3, "gender": 2, "atsi_origin": 1},
        identified={
            ("2024-H2", 0): frozenset({"C1", "C3"}),
            ("2025-H1", 1): frozenset({"C4"}),
        },
        unidentified={("2024-H2", 0, "K1"): 5, ("2024-H2", 1, "K2"): 4},
    )
    for order in ((first, second), (second, first)):
        merged = CheckPartial.merge_all([_partial(state) for state in order])
        assert merged.organisations == {"O": expected}


def test_an_issue_without_a_place_sorts_first_in_its_collection() -> None:
    """A contribution built by hand may hold an issue with no place (index None): it comes
    after the collections before its own and before the place 0 of its own."""
    first = OrganisationCheck(issues=(_issue("client", 0), _issue("case", 1)))
    second = OrganisationCheck(issues=(_issue("case", None), _issue("client", 2)))
    merged = CheckPartial.merge_all([_partial(first), _partial(second)]).organisations["O"]
    assert [(issue.record.kind, issue.record.index) for issue in merged.issues] == [
        ("client", 0),
        ("client", 2),
        ("case", None),
        ("case", 1),
    ]


def test_contributions_without_counters_merge_without_counters() -> None:
    merged = CheckPartial.merge_all([_partial(OrganisationCheck()), _partial(OrganisationCheck())])
    assert merged.organisations["O"].not_stated == {}


_OVERLAP = (
    "check: two parts claim the same record; give each part its positions in the whole input"
    " (see positions_in) [check.partial-overlap]"
)


def test_two_contributions_claiming_one_place_are_refused_in_these_words() -> None:
    first = OrganisationCheck(keys={"clients": {("C1",): (0,)}})
    second = OrganisationCheck(keys={"clients": {("C2",): (0,)}})  # another id, the same place
    with pytest.raises(DexValueError) as caught:
        CheckPartial.merge_all([_partial(first), _partial(second)])
    assert str(caught.value) == _OVERLAP


def _dex(state: OrganisationCheck) -> CheckPartial:
    today = dt.date(2025, 3, 1)
    label = check(Dataset(), today=today).ruleset  # the label a report of DEX carries
    return CheckPartial(ruleset=label, codes=DEX.codes, today=today, organisations={"O": state})


def test_a_contribution_built_by_hand_with_missing_collections_finishes() -> None:
    """keys and outside default to empty mappings: a collection missing from either is empty."""
    outside_only = OrganisationCheck(outside={"clients": frozenset({("C9",)})})
    assert _dex(outside_only).finish().issues == ()
    assert _dex(OrganisationCheck()).finish().issues == ()


def test_a_reference_to_a_record_held_elsewhere_is_refused_in_these_words() -> None:
    state = OrganisationCheck(
        keys={"cases": {("K1",): (0,)}}, outside={"cases": frozenset({("K1",)})}
    )
    with pytest.raises(DexValueError) as caught:
        _dex(state).finish()
    assert str(caught.value) == (
        "check: a part refers to cases that only another part holds, so its rules saw too"
        " little; cut parts that hold whole cases with the clients they name (partition_by_case,"
        " partition_bulk) [check.part-incomplete]"
    )


def test_a_partial_merges_only_with_a_partial_of_the_same_rules_and_day_in_these_words() -> None:
    one = _partial(OrganisationCheck())
    with pytest.raises(DexValueError) as caught:
        CheckPartial.merge_all([one, form()])  # type: ignore[list-item]
    assert str(caught.value) == (
        "check: a CheckPartial merges only with another [check.partial-mismatch]"
    )
    later = CheckPartial(ruleset=one.ruleset, codes=one.codes, today=dt.date(2025, 3, 2))
    with pytest.raises(DexValueError) as caught:
        one.merge(later)
    assert str(caught.value) == (
        "check: cannot merge checks made with another rule set or for another day"
        " [check.partial-mismatch]"
    )
