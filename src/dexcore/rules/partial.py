"""Checking in parts: check each part, merge the partials in any order, finish one report.

:func:`check_part` checks one part of the input (whole cases with the
clients they name, as :func:`~dexcore.model.partition_by_case` cuts them)
and returns a :class:`CheckPartial`. Per-record rules run on the part as
they are. Rules that need more than one record keep a small summary:

* the duplicate rules (``client.id.duplicate``, ``case.id.duplicate``,
  ``session.id.duplicate``, ``client-assessment.duplicate``,
  ``session-assessment.duplicate``): each record's id key and place;
* ``client.not-stated``: counters;
* ``sets.unidentified.share``: per period and kind of service, the ids of
  the identified clients and, per case, the largest unidentified figure;
* the references (``*.unknown`` rules, and the rules that read a
  session's case or a case's clients): the part resolves them itself, and
  the references it cannot resolve are kept, so that a part that names a
  record another part holds is refused rather than reported wrongly;
* the redaction of ids that reveal a client, which is done when finishing.

Partials merge commutatively and associatively, keyed by organisation (ids
are unique only within one), and :meth:`CheckPartial.finish` gives the
report :func:`~dexcore.rules.check` gives on the whole input.

>>> import datetime as dt
>>> from dexcore.model import Dataset, partition_by_case, positions_in
>>> from dexcore.rules import check
>>> whole = Dataset()
>>> parts = partition_by_case(whole, 2)
>>> partials = [
...     check_part(part, today=dt.date(2024, 7, 1), positions=places)
...     for part, places in zip(parts, positions_in(whole, parts))
... ]
>>> CheckPartial.merge_all(partials).finish() == check(whole, today=dt.date(2024, 7, 1))
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from dexcore._gc import gc_paused
from dexcore.errors import DexValueError
from dexcore.issues import Issue, KnownRecords, RecordRef, Report
from dexcore.model import COPY, Dataset, Positions
from dexcore.reference import ReferenceData, bundled
from dexcore.rules import _partial_plain as plain
from dexcore.rules._issues import finding_issue, redact, rule_failed
from dexcore.rules._partial_state import (
    OrganisationCheck,
    check_resolved,
    merge_states,
    summarise,
)
from dexcore.rules.context import CheckContext, record_ref
from dexcore.rules.engine import AggregateRule, Entity, Finding, RuleSet
from dexcore.rules.integrity import _Duplicates
from dexcore.rules.programs import _Share
from dexcore.rules.quality import _NotStated

__all__ = ["CheckPartial", "OrganisationCheck", "check_part", "finish_check"]

_SUMMARISED = (_Duplicates, _NotStated, _Share)


@attrs.frozen(kw_only=True)
class CheckPartial:
    """What one or more parts of the input contribute to a check, by organisation.

    Treat it as a value: :meth:`merge` returns a new partial. It holds
    record ids, so protect it (and its :meth:`to_dict` form) as you would
    the input.

    Attributes:
        ruleset: The rule set's name and version, as a report gives them.
        codes: The codes of the rule set, in order.
        today: The day the check is made for.
        organisations: Each organisation's contribution, by organisation key.
    """

    ruleset: str
    codes: tuple[str, ...]
    today: dt.date
    organisations: Mapping[str, OrganisationCheck] = attrs.field(factory=dict)

    def merge(self, other: CheckPartial) -> CheckPartial:
        """The contribution of both together; commutative and associative.

        Raises:
            DexValueError: ``check.partial-mismatch`` for a partial of
                another rule set or day; ``check.partial-overlap`` when
                both claim the same record.
        """
        return CheckPartial.merge_all([self, other])

    @staticmethod
    def merge_all(partials: Iterable[CheckPartial]) -> CheckPartial:
        """The contribution of every partial together, in one pass.

        Raises:
            DexValueError: ``check.partial-empty`` for no partial at all, and
                as :meth:`merge`.
        """
        found = list(partials)
        if not found:
            raise DexValueError("check: merge_all needs at least one partial [check.partial-empty]")
        first = found[0]
        by_organisation: dict[str, list[OrganisationCheck]] = {}
        for partial in found:
            _same_frame(first, partial)
            for key, state in partial.organisations.items():
                by_organisation.setdefault(key, []).append(state)
        with gc_paused():
            merged = {key: merge_states(states) for key, states in sorted(by_organisation.items())}
        return attrs.evolve(first, organisations=merged)

    def finish(
        self,
        ruleset: RuleSet | None = None,
        *,
        organisation: str | None = None,
    ) -> Report:
        """The report of the one organisation (or of ``organisation``), as ``check`` gives it.

        Args:
            ruleset: The rule set the parts were checked with; by default
                :data:`~dexcore.rules.DEX`.
            organisation: Which organisation's report; needed when the
                partial holds several.

        Raises:
            DexValueError: ``check.partial-mismatch`` when ``ruleset`` is not
                the one the parts ran; ``check.partial-organisation`` when
                the organisation is not in the partial, or not named and
                the partial holds several; ``check.part-incomplete`` when a
                part referred to a record only another part holds.
        """
        rules = _ruleset(ruleset)
        self._same_rules(rules)
        keys = list(self.organisations)
        if organisation is None and len(keys) == 1:
            organisation = keys[0]
        if organisation is None or organisation not in self.organisations:
            raise DexValueError(
                f"check: the partial holds {len(keys)} organisations; name one of them "
                "(see CheckPartial.organisations) [check.partial-organisation]"
            )
        return _finish(rules, self, self.organisations[organisation])

    def reports(self, ruleset: RuleSet | None = None) -> dict[str, Report]:
        """Every organisation's report, by organisation key.

        Raises:
            DexValueError: as :meth:`finish`.
        """
        return {key: self.finish(ruleset, organisation=key) for key in self.organisations}

    def to_dict(self) -> dict[str, Any]:
        """The versioned plain-data form (JSON-ready; see :doc:`/howto/scale`).

        It holds record ids: protect it as you would the input.
        """
        with gc_paused():
            return plain.encode(self.ruleset, self.codes, self.today, self.organisations)

    @classmethod
    def from_dict(cls, data: object) -> CheckPartial:
        """Read the plain-data form written by :meth:`to_dict`.

        Raises:
            DexValueError: ``check.partial-version`` for a version this
                dexcore does not read.
            DexStructureError: for anything else malformed, with its path.
        """
        with gc_paused():
            ruleset, codes, today, organisations = plain.decode(data)
        return cls(ruleset=ruleset, codes=codes, today=today, organisations=organisations)

    def _same_rules(self, rules: RuleSet) -> None:
        if (_label(rules), rules.codes) != (self.ruleset, self.codes):
            raise DexValueError(
                "check: finish with the rule set the parts were checked with "
                "[check.partial-mismatch]"
            )


def _same_frame(one: CheckPartial, other: object) -> None:
    if not isinstance(other, CheckPartial):
        raise DexValueError(
            "check: a CheckPartial merges only with another [check.partial-mismatch]"
        )
    if (one.ruleset, one.codes, one.today) != (other.ruleset, other.codes, other.today):
        raise DexValueError(
            "check: cannot merge checks made with another rule set or for another day "
            "[check.partial-mismatch]"
        )


def _ruleset(ruleset: RuleSet | None) -> RuleSet:
    from dexcore.rules.sets import DEX  # noqa: PLC0415 (the sets import the rule modules)

    return DEX if ruleset is None else ruleset


def _label(rules: RuleSet) -> str:
    return f"{rules.name} ({rules.version})"


# -- checking one part -------------------------------------------------------------------------


def check_part(
    part: Dataset,
    ruleset: RuleSet | None = None,
    *,
    today: dt.date,
    reference: ReferenceData | None = None,
    known: KnownRecords | None = None,
    positions: Positions | None = None,
    organisation: str | None = None,
) -> CheckPartial:
    """Check one part of the input; merge the partials and finish them into the report.

    Args:
        part: Whole cases (every record of each case id it holds) with
            every record of each client they name, as
            :func:`~dexcore.model.partition_by_case` cuts them.
        ruleset: As for :func:`~dexcore.rules.check`.
        today: As for :func:`~dexcore.rules.check`.
        reference: As for :func:`~dexcore.rules.check`.
        known: As for :func:`~dexcore.rules.check`.
        positions: Where the part's records sit in the whole input (see
            :func:`~dexcore.model.positions_in`); by default the part is the whole.
        organisation: The key of the part's organisation; by default its
            ``organisation.organisation_id``, else ``""``.

    Raises:
        DexValueError: ``check.positions`` when ``positions`` do not fit the
            part; ``check.partial-rule`` for an aggregate rule that has no
            mergeable summary.
    """
    rules = _ruleset(ruleset)
    places = Positions.whole(part) if positions is None else positions
    if not isinstance(places, Positions) or not places.fits(part):
        raise DexValueError(
            "check: positions give one place per record of the part, each -1 (a copy) or "
            "at least 0 [check.positions]"
        )
    context = CheckContext(
        dataset=part,
        today=today,
        reference=reference if reference is not None else bundled(),
        known=known if known is not None else KnownRecords(),
    )
    if organisation is None:
        organisation = (part.organisation and part.organisation.organisation_id) or ""
    with gc_paused():
        aggregates = [_start(rule, context) for rule in _aggregates(rules, today)]
        state = summarise(context, places, _record_issues(rules, context, places), aggregates)
    return CheckPartial(
        ruleset=_label(rules), codes=rules.codes, today=today, organisations={organisation: state}
    )


def finish_check(partial: CheckPartial, ruleset: RuleSet | None = None) -> Report:
    """The report of a merged partial of one organisation: :meth:`CheckPartial.finish`."""
    return partial.finish(ruleset)


def _aggregates(rules: RuleSet, today: dt.date) -> list[AggregateRule]:
    return [r for r in rules if isinstance(r, AggregateRule) and r.info.in_force(today)]


def _start(rule: AggregateRule, context: CheckContext) -> object:
    accumulator = rule.start(context)
    if not isinstance(accumulator, _SUMMARISED):
        raise DexValueError(
            f"check: rule {rule.info.code} needs the whole input and has no summary that "
            "merges; check the whole with check() [check.partial-rule]"
        )
    return accumulator


def _record_issues(rules: RuleSet, context: CheckContext, places: Positions) -> list[Issue]:
    """The per-record rules over the records the part owns, named by their places in the whole."""
    issues: list[Issue] = []
    for entity in Entity:
        record_rules, _ = rules.for_entity(entity)
        checks = [(r.info, r.check) for r in record_rules if r.info.in_force(context.today)]
        if not checks:
            continue
        records = getattr(context.dataset, entity.value)
        for record, place in zip(records, places.of(entity.value), strict=True):
            if place == COPY:
                continue
            for info, rule_check in checks:
                try:
                    for finding in rule_check(record, context):
                        # One at a time, as check does: findings before a failure are kept.
                        ref = record_ref(entity, record, place)
                        issues.append(finding_issue(info, ref, finding))
                except Exception:  # noqa: BLE001 (reported as an issue, see rule_failed)
                    issues.append(rule_failed(info, record_ref(entity, record, place)))
    return issues


# -- finishing ---------------------------------------------------------------------------------


def _finish(rules: RuleSet, partial: CheckPartial, state: OrganisationCheck) -> Report:
    check_resolved(state)
    context = CheckContext(dataset=Dataset(), today=partial.today, reference=bundled())
    by_entity: dict[str, list[Issue]] = {}
    for issue in state.issues:
        by_entity.setdefault(issue.record.kind, []).append(issue)
    issues: list[Issue] = []
    for entity in Entity:
        issues += by_entity.get(entity.kind, [])
        for rule in _aggregates(rules, partial.today):
            if rule.info.entity is entity:
                issues += _aggregate_issues(rule, context, state)
    redacting = frozenset(r.info.code for r in rules if r.info.reveals_identity)
    return Report(
        issues=redact(issues, redacting),
        ruleset=partial.ruleset,
        today=partial.today,
        records=dict(state.records),
    )


def _aggregate_issues(
    rule: AggregateRule, context: CheckContext, state: OrganisationCheck
) -> list[Issue]:
    info = rule.info
    try:
        found = list(_findings(rule.start(context), info.entity, state))
    except Exception:  # noqa: BLE001 (as in check)
        return [rule_failed(info, RecordRef(kind="dataset"))]
    return [
        finding_issue(info, where or RecordRef(kind="dataset"), finding) for where, finding in found
    ]


def _findings(
    accumulator: object, entity: Entity, state: OrganisationCheck
) -> Iterable[tuple[RecordRef | None, Finding]]:
    if isinstance(accumulator, _NotStated):
        if state.not_stated:
            accumulator.clients = state.not_stated["clients"]
            accumulator.counts = {f: state.not_stated[f] for f in accumulator.counts}
        return accumulator.finish()
    if isinstance(accumulator, _Share):
        return _share_findings(accumulator, state)
    if isinstance(accumulator, _Duplicates):
        return _duplicate_findings(accumulator, entity, state)
    return ()


def _duplicate_findings(
    accumulator: _Duplicates, entity: Entity, state: OrganisationCheck
) -> list[tuple[RecordRef | None, Finding]]:
    later = [
        (place, places[0], key)
        for key, places in state.keys.get(entity.value, {}).items()
        if len(places) > 1
        for place in places[1:]
    ]
    # As the rule words it: the first record named by its place, so two records of one id differ.
    return [
        (
            RecordRef(kind=entity.kind, index=place, id=key[-1]),
            Finding(
                message=f"{accumulator.message} (the first is {entity.kind} #{first})",
                field=accumulator.field,
            ),
        )
        for place, first, key in sorted(later)
    ]


def _share_findings(
    accumulator: _Share, state: OrganisationCheck
) -> Iterable[tuple[RecordRef | None, Finding]]:
    labels = sorted({label for label, _ in state.identified} | {g[0] for g in state.unidentified})
    periods = sorted(plain.period(label) for label in labels)
    number = {period.label: n for n, period in enumerate(periods)}
    accumulator.periods = periods
    accumulator.identified = {
        2 * number[label] + kind: set(ids) for (label, kind), ids in state.identified.items()
    }
    accumulator.unidentified = {
        (2 * number[label] + kind, case_id): count
        for (label, kind, case_id), count in state.unidentified.items()
    }
    return accumulator.finish()
