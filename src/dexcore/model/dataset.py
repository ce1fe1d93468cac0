"""The dataset: everything one organisation reports, with id indexes.

A :class:`Dataset` holds the collections of a DEX upload (or of a whole
half-year) as tuples, in input order, and builds each id index the first
time it is asked for, in one pass, so that joins are dictionary look-ups
rather than scans.

Duplicate ids are kept in the collections (so that the rules can report
them); an index maps each id to its first record.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TypeVar

import attrs

from dexcore.model import _fields as f
from dexcore.model.assessment import ClientAssessment, SessionAssessment
from dexcore.model.case import Case
from dexcore.model.client import Client
from dexcore.model.organisation import Organisation, Outlet
from dexcore.model.session import Session

__all__ = ["Dataset"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _first_by(items: Iterable[V], key: Callable[[V], K]) -> Mapping[K, V]:
    index: dict[K, V] = {}
    for item in items:
        index.setdefault(key(item), item)
    return types.MappingProxyType(index)


def _group_by(items: Iterable[V], key: Callable[[V], K]) -> Mapping[K, tuple[V, ...]]:
    groups: dict[K, list[V]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return types.MappingProxyType({k: tuple(v) for k, v in groups.items()})


def _clients(value: Iterable[Client]) -> tuple[Client, ...]:
    return tuple(value)


def _cases(value: Iterable[Case]) -> tuple[Case, ...]:
    return tuple(value)


def _sessions(value: Iterable[Session]) -> tuple[Session, ...]:
    return tuple(value)


def _client_assessments(value: Iterable[ClientAssessment]) -> tuple[ClientAssessment, ...]:
    return tuple(value)


def _session_assessments(value: Iterable[SessionAssessment]) -> tuple[SessionAssessment, ...]:
    return tuple(value)


def _outlets(value: Iterable[Outlet]) -> tuple[Outlet, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True, repr=False)
class Dataset:
    """The records of one organisation: clients, cases, sessions, SCORE, outlets.

    Attributes:
        clients: Client records.
        cases: Case records.
        sessions: Session records.
        client_assessments: SCORE assessments of clients.
        session_assessments: Group/Community SCORE assessments of sessions.
        outlets: Outlet records.
        organisation: The reporting organisation and its program activities, when known.
    """

    clients: tuple[Client, ...] = attrs.field(
        default=(), converter=_clients, validator=f.all_of(Client)
    )
    cases: tuple[Case, ...] = attrs.field(default=(), converter=_cases, validator=f.all_of(Case))
    sessions: tuple[Session, ...] = attrs.field(
        default=(), converter=_sessions, validator=f.all_of(Session)
    )
    client_assessments: tuple[ClientAssessment, ...] = attrs.field(
        default=(), converter=_client_assessments, validator=f.all_of(ClientAssessment)
    )
    session_assessments: tuple[SessionAssessment, ...] = attrs.field(
        default=(), converter=_session_assessments, validator=f.all_of(SessionAssessment)
    )
    outlets: tuple[Outlet, ...] = attrs.field(
        default=(), converter=_outlets, validator=f.all_of(Outlet)
    )
    organisation: Organisation | None = attrs.field(
        default=None, validator=f.optional_of(Organisation)
    )

    @functools.cached_property
    def client_by_id(self) -> Mapping[str, Client]:
        """Clients by ``client_id`` (the first record of a duplicated id)."""
        return _first_by(self.clients, lambda client: client.client_id)

    @functools.cached_property
    def case_by_id(self) -> Mapping[str, Case]:
        """Cases by ``case_id`` (the first record of a duplicated id)."""
        return _first_by(self.cases, lambda case: case.case_id)

    @functools.cached_property
    def sessions_by_case(self) -> Mapping[str, tuple[Session, ...]]:
        """Sessions grouped by ``case_id``, in input order."""
        return _group_by(self.sessions, lambda session: session.case_id)

    @functools.cached_property
    def session_by_key(self) -> Mapping[tuple[str, str], Session]:
        """Sessions by ``(case_id, session_id)``."""
        return _first_by(self.sessions, lambda session: session.key)

    @functools.cached_property
    def client_assessments_by_client(self) -> Mapping[str, tuple[ClientAssessment, ...]]:
        """Client SCORE assessments grouped by ``client_id``, in input order."""
        return _group_by(self.client_assessments, lambda item: item.client_id)

    @functools.cached_property
    def client_assessments_by_session(
        self,
    ) -> Mapping[tuple[str, str], tuple[ClientAssessment, ...]]:
        """Client SCORE assessments grouped by ``(case_id, session_id)``."""
        return _group_by(self.client_assessments, lambda item: item.session_key)

    @functools.cached_property
    def session_assessments_by_session(
        self,
    ) -> Mapping[tuple[str, str], tuple[SessionAssessment, ...]]:
        """Group/Community SCORE assessments grouped by ``(case_id, session_id)``."""
        return _group_by(self.session_assessments, lambda item: item.session_key)

    @property
    def is_empty(self) -> bool:
        """Whether the dataset holds no record at all."""
        return not (
            self.clients
            or self.cases
            or self.sessions
            or self.client_assessments
            or self.session_assessments
            or self.outlets
        )

    def __repr__(self) -> str:
        """Counts only: a half-year's records would make a repr of many megabytes."""
        counts = ", ".join(f"{n} {name}" for name, n in self.counts().items())
        organisation = "with" if self.organisation is not None else "no"
        return f"<Dataset: {counts}; {organisation} organisation>"

    def counts(self) -> Mapping[str, int]:
        """Number of records per collection, in a stable order."""
        return {
            "clients": len(self.clients),
            "cases": len(self.cases),
            "sessions": len(self.sessions),
            "client_assessments": len(self.client_assessments),
            "session_assessments": len(self.session_assessments),
            "outlets": len(self.outlets),
        }

    def _repr_html_(self) -> str:
        """A notebook summary: counts and periods, never a record or a personal value."""
        from dexcore._notebook import dataset_html  # noqa: PLC0415 (keeps the model light)

        return dataset_html(self)
