"""How a rule's finding becomes an issue, shared by ``check`` and the check in parts.

One definition each of the issue a finding makes, the issue a failing rule
makes, and the redaction of ids that reveal a client, so that a report made
in parts cannot drift from one made in one pass.
"""

from __future__ import annotations

import attrs

from dexcore.issues import Issue, RecordRef, Severity
from dexcore.rules.engine import Finding, RuleInfo

__all__ = ["finding_issue", "redact", "rule_failed"]


def finding_issue(info: RuleInfo, ref: RecordRef, finding: Finding) -> Issue:
    """The issue ``finding`` of the rule ``info`` makes about the record ``ref``."""
    path = "$" if ref.index is None else f"$.{info.entity.value}[{ref.index}]"
    return Issue(
        code=info.code,
        severity=info.severity,
        message=finding.message,
        record=ref,
        path=path + finding.field,
    )


def rule_failed(info: RuleInfo, ref: RecordRef) -> Issue:
    """The issue reported when the rule ``info`` raised on ``ref``.

    A bug in a rule must not hide the rest of the report, nor show a traceback.
    """
    return Issue(
        code="engine.rule-failed",
        severity=Severity.ERROR,
        message=f"rule {info.code} could not check this record; please report it to dexcore",
        record=ref,
        path="$" if ref.index is None else f"$.{info.entity.value}[{ref.index}]",
    )


def redact(issues: list[Issue], redacting: frozenset[str]) -> tuple[Issue, ...]:
    """Drop the id from every issue about a record whose id was found to reveal a client.

    By value too: a session's id is also the id of its SCORE records' issues.
    """
    found = [issue.record for issue in issues if issue.code in redacting]
    if not found:
        return tuple(issues)
    leaking = {(record.kind, record.index) for record in found}
    ids = {record.id for record in found if record.id is not None}
    return tuple(
        attrs.evolve(issue, record=attrs.evolve(issue.record, id=None))
        if (issue.record.kind, issue.record.index) in leaking or issue.record.id in ids
        else issue
        for issue in issues
    )
