"""Rules made by a function when their module is imported, made again and checked by hand.

The code rules of each kind of record and the duplicate-id rules are built by functions
called once, at import. A test of the rules as imported cannot see a change to such a
function (the rules were made before it ran), so each function is called again here and
what it makes is compared with what the catalogue promises, worked out by hand.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from dexcore.issues import KnownRecords, RecordRef
from dexcore.model import Dataset
from dexcore.reference import bundled
from dexcore.rules import (
    AggregateRule,
    CheckContext,
    Entity,
    Finding,
    Rule,
    RuleInfo,
    RuleSet,
    Severity,
    check,
    integrity,
    quality,
)
from dexcore.rules._common import PROTOCOLS_V13, REFERENCE_DATA, XSD, record_rule
from test_rules import TODAY, add, change, first_case, valid_dataset


def _findings(dataset: Dataset, *rules: Rule) -> list[tuple[str, str, str]]:
    ruleset = RuleSet(name="made", version="here", rules=rules)
    return [
        (issue.code, issue.path, issue.message)
        for issue in check(dataset, ruleset, today=TODAY).issues
    ]


@pytest.mark.parametrize(
    ("entity", "kind", "title"),
    [
        (Entity.CLIENT, "client", "Client"),
        (Entity.CASE, "case", "Case"),
        (Entity.SESSION, "session", "Session"),
    ],
)
def test_code_rules_of_each_kind_are_named_and_ranked_as_the_catalogue_says(
    entity: Entity, kind: str, title: str
) -> None:
    unknown, unlisted = quality._code_rules(entity)
    assert (unknown.info.code, unknown.info.severity) == (f"{kind}.code.unknown", Severity.ERROR)
    assert unknown.info.summary == f"{title} codes are in the reference data"
    assert unknown.info.description == (
        "A code missing from a reference table that is believed complete: DEX will refuse it. "
        "Check it against your portal's reference data."
    )
    assert (unlisted.info.code, unlisted.info.severity) == (f"{kind}.code.unlisted", Severity.INFO)
    assert unlisted.info.summary == f"{title} codes missing from partly known tables"
    assert unlisted.info.description == (
        "A code missing from a reference table dexcore knows only in part (a 2018 table, or "
        "one DSS has added codes to); it may well be valid. Load your portal's reference "
        "data to check it."
    )
    for rule in (unknown, unlisted):
        assert rule.info.entity is entity
        assert rule.info.sources == (REFERENCE_DATA,)
        assert not rule.info.reveals_identity


def test_case_code_rules_tell_a_complete_table_from_a_partial_one() -> None:
    """ExitReason is a complete table (BORED is not in it: an error); ReasonForAssistance is
    known in part (EMPLOYMENT is not in what is known: only noted)."""
    dataset = valid_dataset()
    attached = first_case(dataset).clients
    bored = attrs.evolve(attached[0], exit_reason="BORED")
    reason = attrs.evolve(attached[1], reasons_for_assistance=[])
    reason = attrs.evolve(
        reason,
        reasons_for_assistance=[
            attrs.evolve(attached[0].reasons_for_assistance[0], code="EMPLOYMENT")
        ],
    )
    dataset = change(dataset, "cases", 0, clients=(bored, reason))
    found = _findings(dataset, *quality._code_rules(Entity.CASE))
    assert [(code, path) for code, path, _ in found] == [
        ("case.code.unknown", "$.cases[0].clients[0].exit_reason"),
        ("case.code.unlisted", "$.cases[0].clients[1].reasons_for_assistance[0].code"),
    ]
    assert found[0][2].startswith("code is not in the ExitReason reference table")


@pytest.mark.parametrize(
    ("changes", "code", "path"),
    [
        ({"service_setting": "BEACH"}, "session.code.unknown", "$.sessions[0].service_setting"),
        (
            {"money_business_workshop": "WRK99"},
            "session.code.unknown",
            "$.sessions[0].money_business_workshop",
        ),
        (
            {"extra_items": ["BATHROOM", "MOAT"]},
            "session.code.unknown",
            "$.sessions[0].extra_items[1]",
        ),
    ],
)
def test_session_code_rules_look_at_sessions_with_codes(
    changes: dict[str, object], code: str, path: str
) -> None:
    """A session carrying a code outside a complete table (ServiceSetting, ExtraItem)."""
    dataset = change(valid_dataset(), "sessions", 0, **changes)
    found = _findings(dataset, *quality._code_rules(Entity.SESSION))
    assert [(c, p) for c, p, _ in found] == [(code, path)]


def test_client_code_rules_check_clients() -> None:
    """9999 is no country of birth (Country is a complete table)."""
    dataset = change(valid_dataset(), "clients", 1, country_of_birth="9999")
    found = _findings(dataset, *quality._code_rules(Entity.CLIENT))
    assert [(c, p) for c, p, _ in found] == [
        ("client.code.unknown", "$.clients[1].country_of_birth")
    ]


def _client_duplicate(**extra: Any) -> AggregateRule:
    return integrity._duplicate_rule(
        "client.id.duplicate",
        Entity.CLIENT,
        "Client ids are unique",
        "Two records, one id.",
        key=lambda client: client.client_id,
        field=".client_id",
        message="an earlier client record has the same client id",
        **extra,
    )


def test_a_duplicate_rule_keeps_what_it_is_given_and_errs_by_default() -> None:
    made = _client_duplicate()
    assert made.info == RuleInfo(
        code="client.id.duplicate",
        severity=Severity.ERROR,
        summary="Client ids are unique",
        description="Two records, one id.",
        sources=(PROTOCOLS_V13,),
        entity=Entity.CLIENT,
    )
    warning = _client_duplicate(severity=Severity.WARNING, sources=(XSD,))
    assert (warning.info.severity, warning.info.sources) == (Severity.WARNING, (XSD,))


@pytest.mark.parametrize("unique", [False, True])
def test_a_duplicate_rule_reports_the_second_record_of_an_id(unique: bool) -> None:
    """Clients C1, C2, then C1 again: the third record (index 2) repeats the first (index 0),
    whether or not the rule may ask the dataset's index first."""
    dataset = valid_dataset()
    dataset = add(dataset, "clients", attrs.evolve(dataset.clients[0]))
    extra = {"unique": lambda d: (d.client_by_id, d.clients)} if unique else {}
    found = _findings(dataset, _client_duplicate(**extra))
    assert found == [
        (
            "client.id.duplicate",
            "$.clients[2].client_id",
            "an earlier client record has the same client id (the first is client #0)",
        )
    ]
    # The issue names the repeated record by its kind, place and id.
    (issue,) = check(
        dataset, RuleSet(name="made", version="here", rules=(_client_duplicate(),)), today=TODAY
    ).issues
    assert issue.record == RecordRef(kind="client", index=2, id="C1")


def _context(dataset: Dataset) -> CheckContext:
    return CheckContext(dataset=dataset, today=TODAY, reference=bundled(), known=KnownRecords())


def test_a_duplicate_rule_is_idle_only_when_the_index_shows_no_repeat() -> None:
    """Two clients, two ids: the index (2 entries) is as long as the collection, nothing to do.
    Three clients, two ids: 2 entries for 3 records, the rule must look. Without an index to
    ask, it always looks."""
    by_index = _client_duplicate(unique=lambda d: (d.client_by_id, d.clients))
    clean = valid_dataset()
    repeated = add(clean, "clients", attrs.evolve(clean.clients[0]))
    assert getattr(by_index.start(_context(clean)), "idle", None) is True
    assert getattr(by_index.start(_context(repeated)), "idle", None) is False
    assert getattr(_client_duplicate().start(_context(clean)), "idle", None) is False


def test_the_duplicate_rules_made_at_import_are_the_ones_the_catalogue_lists() -> None:
    """Codes, kinds and severities of the five duplicate rules, as the catalogue gives them."""
    made = [
        (rule.info.code, rule.info.entity, rule.info.severity)
        for rule in (
            integrity.CLIENT_DUPLICATE,
            integrity.CASE_DUPLICATE,
            integrity.SESSION_DUPLICATE,
            integrity.CLIENT_ASSESSMENT_DUPLICATE,
            integrity.SESSION_ASSESSMENT_DUPLICATE,
        )
    ]
    assert made == [
        ("client.id.duplicate", Entity.CLIENT, Severity.ERROR),
        ("case.id.duplicate", Entity.CASE, Severity.ERROR),
        ("session.id.duplicate", Entity.SESSION, Severity.ERROR),
        ("client-assessment.duplicate", Entity.CLIENT_ASSESSMENT, Severity.WARNING),
        ("session-assessment.duplicate", Entity.SESSION_ASSESSMENT, Severity.WARNING),
    ]


def test_record_rule_makes_a_rule_of_a_function_and_its_docstring() -> None:
    """The docstring, dedented to its margin (the least indented line after the first), is
    the description; without one, the summary is."""

    def documented(record: object, context: object) -> list[Finding]:
        """First line.

        At the margin.
            Four further in.
        """
        return [Finding(message="seen", field=".x")]

    def bare(record: object, context: object) -> list[Finding]:
        return []

    sources = [REFERENCE_DATA, XSD]
    rule = record_rule("x.y", Severity.WARNING, Entity.CASE, "Short", sources=iter(sources))(
        documented
    )
    assert rule.info == RuleInfo(
        code="x.y",
        severity=Severity.WARNING,
        summary="Short",
        description="First line.\n\nAt the margin.\n    Four further in.",
        sources=(REFERENCE_DATA, XSD),
        entity=Entity.CASE,
        reveals_identity=False,
    )
    assert list(rule.check(None, None)) == [Finding(message="seen", field=".x")]
    plain = record_rule(
        "x.z", Severity.ERROR, Entity.CLIENT, "Only a summary", sources=(), reveals_identity=True
    )(bare)
    assert (plain.info.description, plain.info.reveals_identity) == ("Only a summary", True)
    assert plain.check is bare
