"""Rule findings worked by hand where a rule's key decides what counts as the same record."""

from __future__ import annotations

import attrs

from dexcore.rules import check
from test_rules import ALL, TODAY, add, first_case, first_session, valid_dataset


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
