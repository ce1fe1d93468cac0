"""What a part contributes to one organisation's check, and how contributions merge.

Per-record rules run on each part as they are: their issues are kept, at
the records' places in the whole input. Rules whose answer depends on more
than one record keep a small summary instead: the id keys of the records
(duplicates and references across parts), counters (demographics not
stated) and, per period, the identified client ids and the largest
unidentified figure per case (SETS shares). Every merge is a union, a sum
or a maximum, so it is commutative and associative.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from dexcore.errors import DexValueError
from dexcore.issues import Issue
from dexcore.model import COPY, Positions
from dexcore.rules.context import CheckContext
from dexcore.rules.engine import Entity
from dexcore.rules.programs import _Share
from dexcore.rules.quality import _NotStated

__all__ = ["KEYS", "OrganisationCheck", "check_resolved", "merge_states", "place_of", "summarise"]

#: An id key: ``(client_id,)``, ``(case_id,)``, ``(case_id, session_id)``,
#: ``(client_id, case_id, session_id)`` for a client assessment.
Key = tuple[str, ...]

#: How each collection's records are keyed (the keys of the duplicate rules).
KEYS: Mapping[Entity, Callable[[Any], Key]] = {
    Entity.CLIENT: lambda client: (client.client_id,),
    Entity.CASE: lambda case: (case.case_id,),
    Entity.SESSION: lambda session: session.key,
    Entity.CLIENT_ASSESSMENT: lambda item: (item.client_id, *item.session_key),
    Entity.SESSION_ASSESSMENT: lambda item: item.session_key,
    # Outlets are not keyed by id: their places alone show two parts claiming one record.
    Entity.OUTLET: lambda _outlet: ("",),
}
#: The collections whose references a part must resolve itself.
REFERENCED = (Entity.CLIENT, Entity.CASE, Entity.SESSION)
RANK = {entity.kind: n for n, entity in enumerate(Entity)}


@attrs.frozen(kw_only=True)
class OrganisationCheck:
    """What one or more parts contribute to the check of one organisation.

    Treat it as a value; it holds record ids (hidden from ``repr``), so
    protect it as you would the input.

    Attributes:
        records: Records checked, per collection (each record counted by the part owning it).
        issues: The per-record issues, by collection, then place in the
            whole input, then rule, with ids not yet redacted.
        keys: Per collection, each id key and the places of the records that have it.
        outside: Per referenced collection (clients, cases, sessions), the
            keys a part referred to but neither held nor knew from DEX.
        not_stated: The ``client.not-stated`` counters: ``clients`` and one per field.
        identified: Per period label and kind of service (1: leaders represent
            communities), the ids of the clients attending (``sets.unidentified.share``).
        unidentified: Per period label, kind of service and case, the largest
            unidentified figure of a session (``sets.unidentified.share``).
    """

    records: Mapping[str, int] = attrs.field(factory=dict)
    issues: tuple[Issue, ...] = attrs.field(default=(), repr=False)
    keys: Mapping[str, Mapping[Key, tuple[int, ...]]] = attrs.field(factory=dict, repr=False)
    outside: Mapping[str, frozenset[Key]] = attrs.field(factory=dict, repr=False)
    not_stated: Mapping[str, int] = attrs.field(factory=dict)
    identified: Mapping[tuple[str, int], frozenset[str]] = attrs.field(factory=dict, repr=False)
    unidentified: Mapping[tuple[str, int, str], int] = attrs.field(factory=dict, repr=False)


# -- summarising one part ----------------------------------------------------------------------


def owned(context: CheckContext, places: Positions, entity: Entity) -> Iterable[tuple[Any, int]]:
    """The records of ``entity`` the part owns (not its copies), with their places."""
    records = getattr(context.dataset, entity.value)
    return ((r, p) for r, p in zip(records, places.of(entity.value), strict=True) if p != COPY)


def summarise(
    context: CheckContext, places: Positions, issues: list[Issue], aggregates: Sequence[object]
) -> OrganisationCheck:
    """One part's contribution: its issues and the summaries of the aggregate rules in force."""
    keys: dict[str, dict[Key, tuple[int, ...]]] = {}
    records: dict[str, int] = {}
    for entity in Entity:
        found: dict[Key, list[int]] = {}
        for record, place in owned(context, places, entity):
            found.setdefault(KEYS[entity](record), []).append(place)
        keys[entity.value] = {key: tuple(found_places) for key, found_places in found.items()}
        records[entity.value] = sum(len(p) for p in found.values())
    state = OrganisationCheck(
        records=records, issues=tuple(issues), keys=keys, outside=_outside(context, places)
    )
    for accumulator in aggregates:
        state = _visit(accumulator, context, places, state)
    return state


def _visit(
    accumulator: object, context: CheckContext, places: Positions, state: OrganisationCheck
) -> OrganisationCheck:
    if isinstance(accumulator, _NotStated):
        for client, place in owned(context, places, Entity.CLIENT):
            accumulator.visit(client, place)
        return attrs.evolve(
            state, not_stated={"clients": accumulator.clients, **accumulator.counts}
        )
    if isinstance(accumulator, _Share):
        for session, place in owned(context, places, Entity.SESSION):
            accumulator.visit(session, place)
        labels = [period.label for period in accumulator.periods]
        identified = {
            (labels[g // 2], g % 2): frozenset(ids) for g, ids in accumulator.identified.items()
        }
        unidentified = {
            (labels[g // 2], g % 2, case_id): n
            for (g, case_id), n in accumulator.unidentified.items()
        }
        return attrs.evolve(state, identified=identified, unidentified=unidentified)
    return state  # the duplicate rules read the keys


def _outside(context: CheckContext, places: Positions) -> dict[str, frozenset[Key]]:
    """The references of the part's own records that neither the part nor DEX resolves."""
    clients: set[Key] = set()
    cases: set[Key] = set()
    sessions: set[Key] = set()

    def client(client_id: str) -> None:
        if not context.has_client(client_id):
            clients.add((client_id,))

    for case, _ in owned(context, places, Entity.CASE):
        for attached in case.clients:
            client(attached.client_id)
    for session, _ in owned(context, places, Entity.SESSION):
        if not context.has_case(session.case_id):
            cases.add((session.case_id,))
        for attendee in session.clients:
            client(attendee.client_id)
    for entity in (Entity.CLIENT_ASSESSMENT, Entity.SESSION_ASSESSMENT):
        for item, _ in owned(context, places, entity):
            if not context.has_session(item.session_key):
                sessions.add(item.session_key)
            if entity is Entity.CLIENT_ASSESSMENT:
                client(item.client_id)
    return {
        "clients": frozenset(clients),
        "cases": frozenset(cases),
        "sessions": frozenset(sessions),
    }


# -- merging -----------------------------------------------------------------------------------


def merge_states(states: Sequence[OrganisationCheck]) -> OrganisationCheck:
    """The contribution of every part of ``states`` together; order does not matter.

    Raises:
        DexValueError: ``check.partial-overlap`` when two parts claim the
            same record (the same place in the whole input).
    """
    records: Counter[str] = Counter()
    issues: list[Issue] = []
    keys: dict[str, dict[Key, tuple[int, ...]]] = {entity.value: {} for entity in Entity}
    outside: dict[str, set[Key]] = {entity.value: set() for entity in REFERENCED}
    not_stated: Counter[str] = Counter()
    identified: dict[tuple[str, int], frozenset[str]] = {}
    unidentified: dict[tuple[str, int, str], int] = {}
    for state in states:
        records.update(state.records)
        issues += state.issues
        for name, found in state.keys.items():
            target = keys[name]
            for key, places in found.items():
                target[key] = target.get(key, ()) + places
        for name, refs in state.outside.items():
            outside[name] |= refs
        not_stated.update(state.not_stated)
        for group, ids in state.identified.items():
            identified[group] = identified.get(group, frozenset()) | ids
        for case_group, count in state.unidentified.items():
            unidentified[case_group] = max(count, unidentified.get(case_group, 0))
    for found in keys.values():
        _sort_places(found)
    return OrganisationCheck(
        records={entity.value: records[entity.value] for entity in Entity},
        issues=tuple(sorted(issues, key=place_of)),
        keys=keys,
        outside={name: frozenset(refs) for name, refs in outside.items()},
        not_stated=dict(not_stated),
        identified=identified,
        unidentified=unidentified,
    )


def _sort_places(found: dict[Key, tuple[int, ...]]) -> None:
    total = 0
    every: set[int] = set()
    for key, places in found.items():
        found[key] = tuple(sorted(places))
        total += len(places)
        every.update(places)
    if len(every) != total:
        raise DexValueError(
            "check: two parts claim the same record; give each part its positions in the "
            "whole input (see positions_in) [check.partial-overlap]"
        )


def place_of(issue: Issue) -> tuple[int, int]:
    """Where an issue's record sits: its collection's rank, then its place."""
    return RANK[issue.record.kind], issue.record.index if issue.record.index is not None else -1


def check_resolved(state: OrganisationCheck) -> None:
    """Refuse parts that referred to a record another part holds (their answers would differ).

    Raises:
        DexValueError: ``check.part-incomplete``.
    """
    for entity in REFERENCED:
        held = state.keys.get(entity.value, {})
        if any(key in held for key in state.outside.get(entity.value, ())):
            raise DexValueError(
                f"check: a part refers to {entity.value} that only another part holds, so its "
                "rules saw too little; cut parts that hold whole cases with the clients they "
                "name (partition_by_case, partition_bulk) [check.part-incomplete]"
            )
