"""Cutting a dataset into parts of whole cases, for work spread over processes or machines.

Each part holds whole cases: a case goes with its sessions, its client and
Group/Community SCORE assessments, and every client record those name.
The organisation and its outlets go with every part. A case's part is a
stable hash of its case id, the same on every machine and Python version,
so the parts of two extracts of one organisation line up.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from dexcore.errors import DexValueError
from dexcore.model.client import Client
from dexcore.model.dataset import Dataset

__all__ = ["part_of_case", "partition_by_case"]

T = TypeVar("T")


def part_of_case(case_id: str, parts: int) -> int:
    """The part (0 to ``parts`` - 1) of a case: CRC-32 of its id, modulo ``parts``."""
    return zlib.crc32(case_id.encode("utf-8")) % parts


def partition_by_case(dataset: Dataset, parts: int) -> tuple[Dataset, ...]:
    """Cut ``dataset`` into ``parts`` datasets of whole cases.

    Every case, session and assessment is in exactly one part (one that
    names a case missing from the data goes where that case would); every
    client record is in each part that names the client, and a client no
    case, session or assessment names is in the part its id hashes to, so
    no record is lost.

    >>> from dexcore.model import Dataset
    >>> len(partition_by_case(Dataset(), 3))
    3

    Raises:
        DexValueError: ``partition.parts`` when ``parts`` is not a whole
            number of at least 1.
    """
    if isinstance(parts, bool) or not isinstance(parts, int) or parts < 1:
        raise DexValueError("partition: parts is a whole number of at least 1 [partition.parts]")
    cases = _split(dataset.cases, parts, lambda case: case.case_id)
    sessions = _split(dataset.sessions, parts, lambda session: session.case_id)
    scores = _split(dataset.client_assessments, parts, lambda item: item.case_id)
    groups = _split(dataset.session_assessments, parts, lambda item: item.case_id)
    owners: dict[str, set[int]] = {}
    for n in range(parts):
        named = [c.client_id for case in cases[n] for c in case.clients]
        named += [c.client_id for session in sessions[n] for c in session.clients]
        named += [item.client_id for item in scores[n]]
        for client_id in named:
            owners.setdefault(client_id, set()).add(n)
    clients: list[list[Client]] = [[] for _ in range(parts)]
    for client in dataset.clients:
        for n in owners.get(client.client_id) or {part_of_case(client.client_id, parts)}:
            clients[n].append(client)
    return tuple(
        Dataset(
            clients=tuple(clients[n]),
            cases=cases[n],
            sessions=sessions[n],
            client_assessments=scores[n],
            session_assessments=groups[n],
            outlets=dataset.outlets,
            organisation=dataset.organisation,
        )
        for n in range(parts)
    )


def _split(items: Iterable[T], parts: int, case_of: Callable[[T], str]) -> list[tuple[T, ...]]:
    found: list[list[T]] = [[] for _ in range(parts)]
    for item in items:
        found[part_of_case(case_of(item), parts)].append(item)
    return [tuple(part) for part in found]
