"""Where the records of a part sit in the whole input, for checking a dataset in parts.

An issue names its record by its place in the whole input
(``$.sessions[41]``). A part of the input knows only its own places, so a
part comes with :class:`Positions`: for each collection, the place in the
whole of each of the part's records, or :data:`COPY` for a record the part
holds only so that references resolve (a client named by cases of several
parts is in each of them, and is checked and counted by one).

>>> from dexcore.model import Dataset
>>> Positions.whole(Dataset()).clients
()
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from dexcore.errors import DexValueError
from dexcore.model.dataset import Dataset

__all__ = ["COLLECTIONS", "COPY", "Positions", "positions_in"]

#: The position of a record that a part holds as a copy: another part checks and counts it.
COPY = -1

#: The collections of a dataset that positions cover, in the order of ``Dataset.counts``.
COLLECTIONS = (
    "clients",
    "cases",
    "sessions",
    "client_assessments",
    "session_assessments",
    "outlets",
)


def _places(value: Sequence[int]) -> tuple[int, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Positions:
    """The place in the whole input of each record of a part, by collection.

    Each field lists, for the part's records in order, the index of the
    record in the same collection of the whole input, or :data:`COPY`.

    Attributes:
        clients: Places of the part's clients.
        cases: Places of the part's cases.
        sessions: Places of the part's sessions.
        client_assessments: Places of the part's client assessments.
        session_assessments: Places of the part's session assessments.
        outlets: Places of the part's outlets.
    """

    clients: tuple[int, ...] = attrs.field(default=(), converter=_places)
    cases: tuple[int, ...] = attrs.field(default=(), converter=_places)
    sessions: tuple[int, ...] = attrs.field(default=(), converter=_places)
    client_assessments: tuple[int, ...] = attrs.field(default=(), converter=_places)
    session_assessments: tuple[int, ...] = attrs.field(default=(), converter=_places)
    outlets: tuple[int, ...] = attrs.field(default=(), converter=_places)

    @classmethod
    def whole(cls, dataset: Dataset) -> Positions:
        """The positions of a dataset that is the whole input: every record at its own index."""
        return cls(**{name: range(len(getattr(dataset, name))) for name in COLLECTIONS})

    def of(self, collection: str) -> tuple[int, ...]:
        """The places of one collection, such as ``"sessions"``."""
        places: tuple[int, ...] = getattr(self, collection)
        return places

    def fits(self, part: Dataset) -> bool:
        """Whether there is one place per record of ``part``, each :data:`COPY` or at least 0."""
        return all(
            len(self.of(name)) == len(getattr(part, name)) and all(p >= COPY for p in self.of(name))
            for name in COLLECTIONS
        )


def positions_in(whole: Dataset, parts: Sequence[Dataset]) -> tuple[Positions, ...]:
    """The positions of ``parts``, cut from ``whole`` (by :func:`~dexcore.model.partition_by_case`).

    Records are matched by identity (the parts hold the whole's record
    objects, as :func:`~dexcore.model.partition_by_case` does), the *n*-th
    occurrence of an object in a part to its *n*-th place in the whole. The
    first part holding a record owns it; later parts hold copies.

    >>> from dexcore.model import Dataset, partition_by_case
    >>> whole = Dataset()
    >>> len(positions_in(whole, partition_by_case(whole, 2)))
    2

    Raises:
        DexValueError: ``partition.positions`` when a part holds a record that
            is not in ``whole``, or a record of ``whole`` is in no part.
    """
    found: list[dict[str, list[int]]] = [{} for _ in parts]
    for name in COLLECTIONS:
        places: dict[int, list[int]] = {}
        for index, record in enumerate(getattr(whole, name)):
            places.setdefault(id(record), []).append(index)
        owned: set[int] = set()
        for n, part in enumerate(parts):
            found[n][name] = _place_part(getattr(part, name), places, owned)
        if len(owned) != len(getattr(whole, name)):
            raise DexValueError(
                f"partition: a record of the whole's {name} is in no part; give every "
                "part cut from it [partition.positions]"
            )
    return tuple(Positions(**fields) for fields in found)


def _place_part(
    records: Sequence[object], places: dict[int, list[int]], owned: set[int]
) -> list[int]:
    seen: dict[int, int] = {}
    result = []
    for record in records:
        occurrence = seen.get(id(record), 0)
        seen[id(record)] = occurrence + 1
        candidates = places.get(id(record), [])
        if occurrence >= len(candidates):
            raise DexValueError(
                "partition: a part holds a record that is not in the whole; cut the parts "
                "from the dataset you give as the whole [partition.positions]"
            )
        index = candidates[occurrence]
        result.append(COPY if index in owned else index)
        owned.add(index)
    return result
