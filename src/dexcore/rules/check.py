"""Running a rule set over a dataset: the context, the single pass, the report."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from dexcore._gc import gc_paused
from dexcore.errors import DexValidationError, DexValueError
from dexcore.model import Case, Dataset, OutletActivity, ProgramActivity, ScoreType
from dexcore.periods import PeriodStatus, ReportingPeriod, period_of, status
from dexcore.reference import ReferenceData, bundled
from dexcore.rules import _parallel
from dexcore.rules._logging import log_checked, log_skipped
from dexcore.rules.engine import (
    Accumulator,
    Entity,
    Finding,
    Issue,
    RecordRef,
    RuleInfo,
    RuleSet,
    Severity,
    severity_counts,
    to_json_text,
)

__all__ = ["CheckContext", "KnownRecords", "Report", "check", "ensure_valid", "record_ref"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class Unreadable:
    """The ids of the records of an upload that could not be read, by kind.

    Attributes:
        client_ids: Clients whose record could not be read.
        case_ids: Cases whose record could not be read.
        session_keys: Sessions whose record could not be read, as ``(case_id, session_id)``.
    """

    client_ids: frozenset[str] = frozenset()
    case_ids: frozenset[str] = frozenset()
    session_keys: frozenset[tuple[str, str]] = frozenset()


@attrs.frozen(kw_only=True)
class KnownRecords:
    """Records known to exist in DEX already, so references to them are not errors.

    A bulk upload often sends sessions for cases created earlier: name those
    cases here, or set ``assume_all`` when the dataset is a partial upload
    and every reference outside it should be trusted.

    Attributes:
        client_ids: Clients already in DEX.
        case_ids: Cases already in DEX.
        session_keys: Sessions already in DEX, as ``(case_id, session_id)``.
        assume_all: Trust every reference that the dataset cannot resolve.
        unreadable: Records of the upload that could not be read (each
            already reported once, as an ``xml.*`` problem): references to
            them are not reported again as unknown records.
            :meth:`dexcore.io.BulkUpload.known_records` fills it in.
    """

    client_ids: frozenset[str] = frozenset()
    case_ids: frozenset[str] = frozenset()
    session_keys: frozenset[tuple[str, str]] = frozenset()
    assume_all: bool = False
    unreadable: Unreadable = Unreadable()


@attrs.frozen(kw_only=True)
class CheckContext:
    """What rules read while checking one dataset.

    Attributes:
        dataset: The dataset being checked.
        today: The day the check is made for (closed periods, future dates).
        reference: The DSS reference data to check codes against.
        known: Records known to exist in DEX outside the dataset.
    """

    dataset: Dataset
    today: dt.date
    reference: ReferenceData
    known: KnownRecords = KnownRecords()
    _memo: dict[tuple[str, int], Any] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    _periods: dict[dt.date, ReportingPeriod] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )
    _closed: dict[dt.date, bool] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    _canonical: dict[ReportingPeriod, ReportingPeriod] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )

    def remember(self, name: str, record: object, compute: Callable[[], T]) -> T:
        """``compute()`` once per record and check, for work that several rules share."""
        key = (name, id(record))
        if key not in self._memo:
            self._memo[key] = compute()
        result: T = self._memo[key]
        return result

    def has_client(self, client_id: str) -> bool:
        """Whether the client is in the dataset or known to DEX."""
        return (
            client_id in self.dataset.client_by_id
            or client_id in self.known.client_ids
            or self.known.assume_all
            or client_id in self.known.unreadable.client_ids
        )

    def has_case(self, case_id: str) -> bool:
        """Whether the case is in the dataset or known to DEX."""
        return (
            case_id in self.dataset.case_by_id
            or case_id in self.known.case_ids
            or self.known.assume_all
            or case_id in self.known.unreadable.case_ids
        )

    def has_session(self, key: tuple[str, str]) -> bool:
        """Whether the session ``(case_id, session_id)`` is in the dataset or known to DEX."""
        return (
            key in self.dataset.session_by_key
            or key in self.known.session_keys
            or self.known.assume_all
            or key in self.known.unreadable.session_keys
        )

    def period_of(self, day: dt.date) -> ReportingPeriod:
        """The reporting period of ``day`` (computed once per distinct day in a check)."""
        found = self._periods.get(day)
        if found is None:
            # One instance per period, so that dictionaries keyed by period match by identity.
            period = period_of(day)
            found = self._periods[day] = self._canonical.setdefault(period, period)
        return found

    def period_closed(self, day: dt.date) -> bool:
        """Whether the period of ``day`` is closed on :attr:`today`."""
        closed = self._closed.get(day)
        if closed is None:
            status_today = status(self.period_of(day), self.today)
            closed = self._closed[day] = status_today is PeriodStatus.CLOSED
        return closed

    @functools.cached_property
    def code_tables(self) -> Mapping[str, tuple[frozenset[str], bool]]:
        """Each reference table's codes and whether the table is complete."""
        return {
            name: (table.codes, table.complete) for name, table in self.reference.tables.items()
        }

    @functools.cached_property
    def domains(self) -> Mapping[ScoreType, frozenset[str]]:
        """Each score type's domain codes in the reference data."""
        return {kind: info.domain_codes for kind, info in self.reference.score_types.items()}

    @functools.cached_property
    def all_domains(self) -> frozenset[str]:
        """Every domain code of every score type."""
        return frozenset().union(*self.domains.values())

    @functools.cached_property
    def case_members(self) -> Mapping[str, frozenset[str]]:
        """The ids of the clients attached to each case (first case of a duplicated id)."""
        return {case_id: case.client_ids for case_id, case in self.dataset.case_by_id.items()}

    @functools.cached_property
    def _outlet_activities(self) -> Mapping[int, OutletActivity]:
        found: dict[int, OutletActivity] = {}
        for outlet in self.dataset.outlets:
            for activity in outlet.activities:
                if activity.outlet_activity_id is not None:
                    found.setdefault(activity.outlet_activity_id, activity)
        return found

    @functools.cached_property
    def _program_activities(self) -> Mapping[int, ProgramActivity]:
        organisation = self.dataset.organisation
        if organisation is None:
            return {}
        return {p.organisation_activity_id: p for p in organisation.program_activities}

    def program_of(self, case: Case) -> ProgramActivity | None:
        """The program activity of ``case``, when the dataset's outlets and organisation say."""
        outlet_activity = self._outlet_activities.get(case.outlet_activity_id)
        if outlet_activity is None:
            return None
        return self._program_activities.get(outlet_activity.organisation_activity_id)


# The field that holds each kind of record's organisation-supplied id.
_ID_FIELDS = {
    Entity.CLIENT: "client_id",
    Entity.CASE: "case_id",
    Entity.SESSION: "session_id",
    Entity.CLIENT_ASSESSMENT: "session_id",
    Entity.SESSION_ASSESSMENT: "session_id",
}


def record_ref(entity: Entity, record: Any, index: int | None) -> RecordRef:  # noqa: ANN401
    """The reference an issue gives to ``record`` of ``entity`` at ``index``."""
    name = _ID_FIELDS.get(entity)
    record_id = None if name is None or record is None else getattr(record, name)
    return RecordRef(kind=entity.kind, index=index, id=record_id)


@attrs.frozen(kw_only=True)
class Report:
    """The result of a check: every issue, in record order, and their counts.

    Attributes:
        issues: The issues, by collection, then record, then rule.
        ruleset: The name and version of the rule set that ran.
        today: The day the check was made for.
        records: How many records of each collection were checked.
    """

    issues: tuple[Issue, ...]
    ruleset: str
    today: dt.date
    records: Mapping[str, int] = attrs.field(factory=dict, eq=False)

    @property
    def has_errors(self) -> bool:
        """Whether any issue is an error."""
        return any(issue.severity is Severity.ERROR for issue in self.issues)

    def counts(self) -> Mapping[Severity, int]:
        """Issues per severity."""
        return severity_counts(self.issues)

    def counts_by_code(self) -> Mapping[str, int]:
        """Issues per rule code, most frequent first, then by code."""
        counts = Counter(issue.code for issue in self.issues)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def by_severity(self, severity: Severity) -> tuple[Issue, ...]:
        """The issues of one severity."""
        return tuple(issue for issue in self.issues if issue.severity is severity)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON form: issues, counts by severity and by code, what was checked."""
        return {
            "ruleset": self.ruleset,
            "today": self.today.isoformat(),
            "records": dict(self.records),
            "counts": {severity.value: n for severity, n in self.counts().items()},
            "by_code": dict(self.counts_by_code()),
            "issues": [issue.to_dict() for issue in self.issues],
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text with sorted keys."""
        return to_json_text(self.to_dict())

    def __repr__(self) -> str:
        from dexcore._notebook import report_repr  # noqa: PLC0415

        return report_repr(self)

    def _repr_html_(self) -> str:
        """A notebook summary: issues by severity and the most frequent codes."""
        from dexcore._notebook import report_html  # noqa: PLC0415

        return report_html(self)


def _issue(info: RuleInfo, ref: RecordRef, finding: Finding) -> Issue:
    path = "$" if ref.index is None else f"$.{info.entity.value}[{ref.index}]"
    return Issue(
        code=info.code,
        severity=info.severity,
        message=finding.message,
        record=ref,
        path=path + finding.field,
    )


def _failed(info: RuleInfo, ref: RecordRef) -> Issue:
    # A bug in a rule must not hide the rest of the report, nor show a traceback.
    return Issue(
        code="engine.rule-failed",
        severity=Severity.ERROR,
        message=f"rule {info.code} could not check this record; please report it to dexcore",
        record=ref,
        path="$" if ref.index is None else f"$.{info.entity.value}[{ref.index}]",
    )


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
                    append(_issue(info, record_ref(entity, record, index), finding))
            except Exception:  # noqa: BLE001 (reported as an issue, see _failed)
                append(_failed(info, record_ref(entity, record, index)))
        for info, visit in visits:
            try:
                visit(record, index)
            except Exception:  # noqa: BLE001
                append(_failed(info, record_ref(entity, record, index)))
    return issues


def _visits(accumulators: list[tuple[RuleInfo, Accumulator]]) -> list[_Visit]:
    """The accumulators that want each record (not the idle ones)."""
    return [(info, acc.visit) for info, acc in accumulators if not getattr(acc, "idle", False)]


def _finish(accumulators: list[tuple[RuleInfo, Accumulator]]) -> list[Issue]:
    issues = []
    for info, accumulator in accumulators:
        try:
            for where, finding in accumulator.finish():
                issues.append(_issue(info, where or RecordRef(kind="dataset"), finding))
        except Exception:  # noqa: BLE001
            issues.append(_failed(info, RecordRef(kind="dataset")))
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


def _redact(issues: list[Issue], redacting: frozenset[str]) -> tuple[Issue, ...]:
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
    from dexcore.rules.sets import DEX  # noqa: PLC0415 (the sets import this module)

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
        issues = _redact(_walk_all(rules, context, parallel=parallel), redacting)
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
