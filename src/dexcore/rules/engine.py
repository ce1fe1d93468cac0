"""The rule engine's vocabulary: rule descriptions, record and aggregate rules, rule sets.

A rule is a typed object with a stable dotted code, a severity, a summary,
a description and its source. :func:`dexcore.rules.check` walks each
collection of a :class:`~dexcore.model.Dataset` once and calls every rule
registered for that kind of record; it never raises for bad data, it
reports. Each finding becomes an :class:`~dexcore.issues.Issue` that names
the rule, the record and a path such as ``$.sessions[41].session_date``, with
a message that names fields and codes but never a personal value.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

import attrs

from dexcore.errors import DexKeyError, DexValueError
from dexcore.issues import RecordRef, Severity

__all__ = [
    "Accumulator",
    "AggregateRule",
    "Entity",
    "Finding",
    "RecordRule",
    "Rule",
    "RuleInfo",
    "RuleSet",
    "Source",
]


class Entity(enum.StrEnum):
    """The kinds of record a rule can be registered for; values are the collections' names."""

    CLIENT = "clients"  #: :class:`~dexcore.model.Client` records.
    CASE = "cases"  #: :class:`~dexcore.model.Case` records.
    SESSION = "sessions"  #: :class:`~dexcore.model.Session` records.
    CLIENT_ASSESSMENT = "client_assessments"  #: SCORE assessments of clients.
    SESSION_ASSESSMENT = "session_assessments"  #: SCORE assessments of sessions.
    OUTLET = "outlets"  #: :class:`~dexcore.model.Outlet` records.

    @property
    def kind(self) -> str:
        """The singular name used in reports, such as ``client`` or ``session``."""
        return {
            Entity.CLIENT: "client",
            Entity.CASE: "case",
            Entity.SESSION: "session",
            Entity.CLIENT_ASSESSMENT: "client_assessment",
            Entity.SESSION_ASSESSMENT: "session_assessment",
            Entity.OUTLET: "outlet",
        }[self]


@attrs.frozen(kw_only=True)
class Source:
    """Where a rule comes from.

    Attributes:
        document: The document, such as "Data Exchange Protocols".
        section: The section or element, such as "§6.2.1".
        version: The version or date of the document.
        evidence: ``DSS`` when read in a DSS-authored source, ``second-hand``
            when a third party quotes DSS, ``inferred`` when dexcore infers it.
        anchor: The document's entry in the project's list of sources
            (``docs/explanation/sources.md``), such as ``data-exchange-protocols``; the
            rule catalogue links the source there. Empty for none.
    """

    document: str
    section: str = ""
    version: str = ""
    evidence: str = "DSS"
    anchor: str = ""

    def __str__(self) -> str:
        parts = [self.document, self.section, self.version]
        return ", ".join(part for part in parts if part) + f" [{self.evidence}]"


@attrs.frozen(kw_only=True)
class RuleInfo:
    """What a rule is: code, severity, summary, description, source, dates in force.

    Attributes:
        code: Stable dotted code, such as ``client.consent.names-without-consent``.
        severity: How serious a breach is.
        summary: One line for the catalogue and reports.
        description: What the rule checks and why.
        sources: Where it comes from.
        entity: The kind of record it is registered for.
        in_force_from: First day the rule applies, when it has one.
        in_force_to: Last day the rule applies, when it has one.
        reveals_identity: Whether a finding means the record's own id reveals
            who the client is; the engine then leaves that id out of every
            issue about the record.
    """

    code: str
    severity: Severity
    summary: str
    description: str
    sources: tuple[Source, ...]
    entity: Entity
    in_force_from: dt.date | None = None
    in_force_to: dt.date | None = None
    reveals_identity: bool = False

    def in_force(self, on: dt.date) -> bool:
        """Whether the rule applies on ``on``."""
        return (self.in_force_from is None or self.in_force_from <= on) and (
            self.in_force_to is None or on <= self.in_force_to
        )


@attrs.frozen(kw_only=True)
class Finding:
    """What a rule reports about one record, before the engine adds code, record and path.

    Attributes:
        message: A sentence that names fields and codes, never personal values.
        field: The field path below the record, such as ``.given_name`` or
            ``.clients[2].referrals[0]``; empty for the record as a whole.
    """

    message: str
    field: str = ""


#: A per-record check: yields findings for one record.
RecordCheck = Callable[[Any, Any], Iterable[Finding]]


@attrs.frozen(kw_only=True)
class RecordRule:
    """A rule that looks at one record at a time.

    Attributes:
        info: What the rule is.
        check: ``check(record, context)`` returns (or yields) a :class:`Finding` per problem;
            any iterable will do, and the built-in rules return lists.
    """

    info: RuleInfo
    check: RecordCheck = attrs.field(eq=False)


class Accumulator(Protocol):
    """The running state of an :class:`AggregateRule` during one check.

    An accumulator that already knows its answer when it starts (for example,
    no duplicates, because the dataset's index is as long as the collection)
    may set an attribute ``idle = True``: the engine then does not feed it
    records and only calls :meth:`finish`.
    """

    def visit(self, record: Any, index: int) -> None:  # noqa: ANN401 (any model record)
        """See one record of the rule's collection."""

    def finish(self) -> Iterable[tuple[RecordRef | None, Finding]]:
        """Findings once every record has been seen (``None``: the dataset as a whole)."""


@attrs.frozen(kw_only=True)
class AggregateRule:
    """A rule that needs the whole collection: duplicates, shares per period.

    Attributes:
        info: What the rule is.
        start: ``start(context)`` returns a fresh :class:`Accumulator`.
    """

    info: RuleInfo
    start: Callable[[Any], Accumulator] = attrs.field(eq=False)


Rule = RecordRule | AggregateRule


def _unique_codes(rules: Sequence[Rule]) -> tuple[Rule, ...]:
    seen: set[str] = set()
    for rule in rules:
        if rule.info.code in seen:
            raise DexValueError(f"rule code {rule.info.code} is registered twice")
        seen.add(rule.info.code)
    return tuple(rules)


@attrs.frozen(kw_only=True)
class RuleSet:
    """An explicit registry of rules, versioned by the specification it implements.

    Sets compose with ``+`` (the DEX core set plus a program set); a code may
    appear only once.

    Attributes:
        name: A short name, such as ``dex``.
        version: The specification it implements.
        rules: The rules, in catalogue order.
    """

    name: str
    version: str
    rules: tuple[Rule, ...] = attrs.field(converter=_unique_codes)

    def __add__(self, other: RuleSet) -> RuleSet:
        return RuleSet(
            name=f"{self.name}+{other.name}",
            version=f"{self.version}; {other.version}",
            rules=(*self.rules, *other.rules),
        )

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every rule code, in order."""
        return tuple(rule.info.code for rule in self.rules)

    def rule(self, code: str) -> Rule:
        """The rule with ``code``.

        Raises:
            DexKeyError: no rule has that code.
        """
        for rule in self.rules:
            if rule.info.code == code:
                return rule
        raise DexKeyError("rule code", code)

    def without(self, *codes: str) -> RuleSet:
        """A copy without the named rules (to switch off a rule a provider has agreed to waive).

        Raises:
            DexKeyError: a code is not in the set.
        """
        for code in codes:
            self.rule(code)
        kept = tuple(rule for rule in self.rules if rule.info.code not in codes)
        return RuleSet(name=self.name, version=self.version, rules=kept)

    def for_entity(self, entity: Entity) -> tuple[list[RecordRule], list[AggregateRule]]:
        """The record rules and aggregate rules registered for ``entity``."""
        records = [r for r in self.rules if isinstance(r, RecordRule) and r.info.entity is entity]
        aggregates = [
            r for r in self.rules if isinstance(r, AggregateRule) and r.info.entity is entity
        ]
        return records, aggregates
