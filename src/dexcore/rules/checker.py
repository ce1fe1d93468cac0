"""Running a rule set over a dataset: the single pass and the report.

:func:`check` builds a :class:`~dexcore.rules.context.CheckContext`, walks
each collection of the dataset once and gathers the issues into a
:class:`~dexcore.issues.Report`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from dexcore._gc import gc_paused
from dexcore.errors import DexValidationError, DexValueError
from dexcore.issues import Issue, KnownRecords, RecordRef, Report
from dexcore.model import Dataset
from dexcore.reference import ReferenceData, bundled
from dexcore.rules import _parallel
from dexcore.rules._issues import finding_issue, redact, rule_failed
from dexcore.rules._logging import log_checked, log_skipped
from dexcore.rules.context import CheckContext, record_ref
from dexcore.rules.engine import Accumulator, Entity, Finding, RuleInfo, RuleSet
from dexcore.rules.sets import DEX

__all__ = ["check", "ensure_valid"]


_Check = tuple[RuleInfo, Callable[[Any, Any], Iterable[Finding]]]
_Visit = tuple[RuleInfo, Callable[[Any, int], None]]


def _checks(ruleset: RuleSet, context: CheckContext, entity: Entity) -> list[_Check]:
    """The record checks in force for ``entity``."""
    record_rules, _ = ruleset.for_entity(entity)
    return [(r.info, r.check) for r in record_rules if r.info.in_force(context.today)]


def _prepare(
    ruleset: RuleSet, context: CheckContext, entity: Entity
) -> tuple[list[_Check], list[tuple[RuleInfo, Accumulator]]]:
    """The record checks and fresh accumulators in force for ``entity``."""
    _, aggregate_rules = ruleset.for_entity(entity)
    accumulators = [
        (rule.info, rule.start(context))
        for rule in aggregate_rules
        if rule.info.in_force(context.today)
    ]
    return _checks(ruleset, context, entity), accumulators


def _run(
    context: CheckContext,
    entity: Entity,
    span: range,
    checks: Sequence[_Check],
    visits: Sequence[_Visit],
) -> list[Issue]:
    """Record checks and accumulator visits over the records of ``entity`` at ``span``."""
    issues: list[Issue] = []
    append = issues.append
    collection: tuple[Any, ...] = getattr(context.dataset, entity.value)
    for index in span:
        record = collection[index]
        # The hot loop: most records break no rule, so a reference is built only when needed.
        for info, rule_check in checks:
            try:
                for finding in rule_check(record, context):
                    append(finding_issue(info, record_ref(entity, record, index), finding))
            except Exception:  # noqa: BLE001 (reported as an issue, see _failed)
                append(rule_failed(info, record_ref(entity, record, index)))
        for info, visit in visits:
            try:
                visit(record, index)
            except Exception:  # noqa: BLE001
                append(rule_failed(info, record_ref(entity, record, index)))
    return issues


def _visits(accumulators: list[tuple[RuleInfo, Accumulator]]) -> list[_Visit]:
    """The accumulators that want each record (not the idle ones)."""
    return [(info, acc.visit) for info, acc in accumulators if not getattr(acc, "idle", False)]


def _finish(accumulators: list[tuple[RuleInfo, Accumulator]]) -> list[Issue]:
    issues = []
    for info, accumulator in accumulators:
        try:
            for where, finding in accumulator.finish():
                issues.append(finding_issue(info, where or RecordRef(kind="dataset"), finding))
        except Exception:  # noqa: BLE001
            issues.append(rule_failed(info, RecordRef(kind="dataset")))
    return issues


def _walk(ruleset: RuleSet, context: CheckContext, entity: Entity) -> list[Issue]:
    """Every issue of one collection, in one pass: record order, then rule order."""
    checks, accumulators = _prepare(ruleset, context, entity)
    if not (checks or accumulators):
        return []
    size = len(getattr(context.dataset, entity.value))
    visits = _visits(accumulators)
    return _run(context, entity, range(size), checks, visits) + _finish(accumulators)


# Records per unit of work in a parallel check: small enough to balance the two processes,
# large enough that claiming a chunk costs nothing next to checking it.
_CHUNK = 2_000


def _chunks(dataset: Dataset) -> list[tuple[Entity, range]]:
    """Every collection cut into chunks, in :class:`Entity` order then record order."""
    found = []
    for entity in Entity:
        size = len(getattr(dataset, entity.value))
        found += [(entity, range(i, min(i + _CHUNK, size))) for i in range(0, size, _CHUNK)]
    return found


def _walk_all(ruleset: RuleSet, context: CheckContext, *, parallel: bool) -> list[Issue]:
    """Every collection in :class:`Entity` order.

    In parallel, a forked worker and this process share the record checks
    chunk by chunk (each claims the next unclaimed chunk, so neither waits
    for the other), while this process also feeds every record, in order, to
    the whole-collection rules. The issues come out in the order of a
    serial walk.
    """
    if not parallel:
        return [issue for entity in Entity for issue in _walk(ruleset, context, entity)]
    dataset = context.dataset
    # Build the shared indexes before the fork, so that the worker inherits them.
    for name in ("client_by_id", "case_by_id", "session_by_key", "sessions_by_case"):
        getattr(dataset, name)
    chunks = _chunks(dataset)
    prepared = {entity: _prepare(ruleset, context, entity) for entity in Entity}
    checks = {entity: record_checks for entity, (record_checks, _) in prepared.items()}
    visits = {entity: _visits(accumulators) for entity, (_, accumulators) in prepared.items()}

    def own(index: int, claimed: bool) -> list[Issue]:
        entity, span = chunks[index]
        return _run(context, entity, span, checks[entity] if claimed else [], visits[entity])

    def theirs(index: int) -> list[Issue]:
        entity, span = chunks[index]
        return _run(context, entity, span, checks[entity], [])

    # The worker gets this call's state as arguments (closures here), never through a global.
    shared = _parallel.share(len(chunks), own, theirs)
    issues: list[Issue] = []
    index = 0
    for entity in Entity:
        while index < len(chunks) and chunks[index][0] is entity:
            issues += shared.results.get(index, []) + shared.mine[index]
            index += 1
        issues += _finish(prepared[entity][1])
    return issues


def check(
    dataset: Dataset,
    ruleset: RuleSet | None = None,
    *,
    today: dt.date,
    reference: ReferenceData | None = None,
    known: KnownRecords | None = None,
    workers: int = 1,
) -> Report:
    """Check ``dataset`` against every rule of ``ruleset``, walking each collection once.

    Args:
        dataset: The records to check.
        ruleset: The rules; by default :data:`dexcore.rules.DEX`, the core DEX set.
        today: The day the check is made for: it decides which reporting
            periods are closed and which dates are in the future.
        reference: Reference data for codes; by default the bundled snapshot.
        known: Records that exist in DEX already, outside the dataset.
        workers: 2 shares the record checks with a second process (forked,
            so the dataset is shared, not copied), for large datasets on
            machines with two cores or more; more than 2 counts as 2. The
            fork is made only on Linux, outside daemonic processes, and while
            this process has no other thread (``fork()`` with threads can
            deadlock); otherwise, and with the default 1, the check runs in
            this process. The report is the same either way.

    Returns:
        Every issue found. Nothing is raised for bad data.

    Raises:
        DexValueError: ``workers`` is not a whole number of at least 1.
    """
    rules = DEX if ruleset is None else ruleset
    context = CheckContext(
        dataset=dataset,
        today=today,
        reference=reference if reference is not None else bundled(),
        known=known if known is not None else KnownRecords(),
    )
    redacting = frozenset(rule.info.code for rule in rules if rule.info.reveals_identity)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise DexValueError("check: workers must be a whole number, 1 or more")
    parallel = workers > 1 and bool(dataset.sessions) and _parallel.can_fork()
    log_skipped(rules, context, workers=workers, parallel=parallel)
    with gc_paused():
        issues = redact(_walk_all(rules, context, parallel=parallel), redacting)
    log_checked(rules, sum(dataset.counts().values()), issues)
    return Report(
        issues=issues,
        ruleset=f"{rules.name} ({rules.version})",
        today=today,
        records=dataset.counts(),
    )


def ensure_valid(
    dataset: Dataset,
    ruleset: RuleSet | None = None,
    *,
    today: dt.date,
    reference: ReferenceData | None = None,
    known: KnownRecords | None = None,
) -> Report:
    """Like :func:`check`, but raise if any issue is an error.

    Returns:
        The report (warnings and information only).

    Raises:
        DexValidationError: carrying the report, when it has errors.
    """
    report = check(dataset, ruleset, today=today, reference=reference, known=known)
    if report.has_errors:
        raise DexValidationError(report)
    return report
