"""What a check logs: the rules that had nothing to check, and why; the counts it found.

Messages name rule codes, counts and the rule set, never a value from the data
or a record's id (the logger ``dexcore.rules``; see :mod:`dexcore`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dexcore.issues import Issue
    from dexcore.rules.context import CheckContext
    from dexcore.rules.engine import RuleSet

__all__ = ["log_checked", "log_skipped"]

_LOG = logging.getLogger("dexcore.rules")


def _no_activity_lists_service_types(context: CheckContext) -> bool:
    organisation = context.dataset.organisation
    programs = () if organisation is None else organisation.program_activities
    return not any(program.service_type_ids for program in programs)


def log_skipped(rules: RuleSet, context: CheckContext, *, workers: int, parallel: bool) -> None:
    """Log the rules of ``rules`` that check nothing in ``context``, and a refused ``workers``."""
    codes = set(rules.codes)
    sessions = bool(context.dataset.sessions)
    if (
        sessions
        and "session.service-type.not-for-activity" in codes
        and _no_activity_lists_service_types(context)
    ):
        _LOG.info(
            "session.service-type.not-for-activity checks nothing: no program activity of the"
            " dataset's organisation lists its service types"
        )
    if (
        sessions
        and "session.service-type.unknown" in codes
        and not context.reference.service_types_complete
    ):
        _LOG.info(
            "session.service-type.unknown checks nothing: the reference data's service types"
            " are not DSS's whole list (give your portal's reference data);"
            " session.service-type.unlisted warns instead"
        )
    if workers > 1 and not parallel:
        _LOG.info(
            "checking in this process although %d workers were asked: %s",
            workers,
            "there is no session to share"
            if not sessions
            else "a worker is forked only on Linux, outside daemonic processes, and while this"
            " process has no other thread",
        )


def log_checked(rules: RuleSet, records: int, issues: tuple[Issue, ...]) -> None:
    """Log how many issues of each severity a check of ``records`` records found."""
    if not _LOG.isEnabledFor(logging.DEBUG):
        return
    counts: dict[str, int] = {}
    for issue in issues:
        counts[issue.severity.value] = counts.get(issue.severity.value, 0) + 1
    _LOG.debug(
        "checked %d records against %d rules of %s: %s",
        records,
        len(rules),
        rules.name,
        ", ".join(f"{count} {severity}" for severity, count in sorted(counts.items()))
        or "no issue",
    )
