"""Linkage keys and the release history of unit-record exports.

A de-identified export that is k-anonymous on its own can still give a
person away when an attacker holds it together with earlier exports to the
same audience:

* **joining on the link**: records that share a :attr:`~dexcore.privacy.UnitRecord.link`
  across exports combine their quasi-identifiers, and the combination can
  be rarer than any one export's (a client who moved from one region to
  another is the only one with that pair of regions);
* **differencing**: a combination shared by 6 records in a second export
  and 5 in the first tells whoever knows one client enrolled in between
  which row is theirs, and so every other value in it.

An :class:`ExportHistory` (one per audience) holds what was exported and
admits a new export only when neither attack isolates fewer than ``k``
records; a :class:`~dexcore.privacy.ReleaseDesk` keeps one. What is and is
not guaranteed is set out in the project's docs, :doc:`/howto/privacy`
("Exports to the same audience").

Linkage keys are secrets: the link is a keyed hash of the SLK, whose space
is small enough to search once the key is known. :func:`new_link_key`
makes a good one and :func:`validate_link_key` refuses weak ones.

More information:

* OAIC, *De-identification and the Privacy Act* (2018),
  https://www.oaic.gov.au/privacy/privacy-guidance-for-organisations-and-government-agencies/handling-personal-information/de-identification-and-the-privacy-act
  (re-identification by linking releases and other available data).
* OAIC and CSIRO Data61, *The De-Identification Decision-Making Framework* (2017)
  (the data environment: what else the recipient holds, including earlier releases).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from dexcore.errors import DexValueError, DisclosureRefused

if TYPE_CHECKING:
    from dexcore.privacy.exports import UnitRecordExport

__all__ = ["MIN_LINK_KEY_BYTES", "ExportHistory", "new_link_key", "validate_link_key"]

#: The shortest linkage key accepted, in bytes (128 bits).
MIN_LINK_KEY_BYTES = 16

_TEXT_KEY_BYTES = 2 * MIN_LINK_KEY_BYTES
_RULE = "[export.link-key]"


def new_link_key() -> bytes:
    """A new random linkage key of 32 bytes, from :func:`secrets.token_bytes`.

    Keep it secret, and use a new one for each export unless the audience is
    meant to link exports (see :class:`ExportHistory`).
    """
    return secrets.token_bytes(2 * MIN_LINK_KEY_BYTES)


def validate_link_key(key: object) -> bytes:
    """``key`` as bytes when it can serve as a linkage key; raise otherwise.

    A key must be ``bytes`` (a ``bytearray`` is copied) of at least
    :data:`MIN_LINK_KEY_BYTES` bytes, not one byte repeated; a key that is
    all printable ASCII (a password or a hex string) must be at least twice
    as long, since text carries fewer random bits per byte.

    Raises:
        DexValueError: ``export.link-key``, naming what is wrong, never the key.

    Example:
        >>> key = validate_link_key(new_link_key())
        >>> validate_link_key(b"secret")
        Traceback (most recent call last):
        ...
        dexcore.errors.DexValueError: link_key must hold at least 16 random bytes; ...
    """
    if not isinstance(key, bytes | bytearray):
        raise DexValueError(
            f"link_key must be bytes, not {type(key).__name__}; "
            f"make one with new_link_key() {_RULE}"
        )
    key = bytes(key)
    if len(key) < MIN_LINK_KEY_BYTES:
        raise DexValueError(
            f"link_key must hold at least {MIN_LINK_KEY_BYTES} random bytes; "
            f"make one with new_link_key() {_RULE}"
        )
    if len(set(key)) == 1:
        raise DexValueError(f"link_key is one byte repeated; make one with new_link_key() {_RULE}")
    if all(32 <= b < 127 for b in key) and len(key) < _TEXT_KEY_BYTES:
        raise DexValueError(
            f"a link_key of printable text must be at least {_TEXT_KEY_BYTES} characters; "
            f"make one with new_link_key() {_RULE}"
        )
    return key


def _key_id(key: bytes) -> bytes:
    """Which key made an export's links, without keeping the key itself."""
    return hmac.new(key, b"dexcore link-key id", hashlib.sha256).digest()


#: One record's quasi-identifier values, in its export's field order.
_Row = tuple[str | None, ...]


def _sortable(row: _Row) -> tuple[tuple[str, ...], ...]:
    """A row's sort key: a missing value first, and never tied with any text, empty or not."""
    return tuple(() if value is None else (value,) for value in row)


@attrs.frozen(kw_only=True)
class _Snapshot:
    """What the history keeps of one export: published values and private membership."""

    coarsening: Mapping[str, object]
    fields: tuple[str, ...]
    rows: tuple[_Row, ...]
    links: tuple[str | None, ...]
    members: frozenset[bytes]
    key_id: bytes | None
    k: int

    def projected(self, fields: Sequence[str]) -> Counter[_Row]:
        """How many records show each combination of ``fields``."""
        at = [self.fields.index(name) for name in fields]
        return Counter(tuple(row[i] for i in at) for row in self.rows)

    def by_link(self) -> dict[str, tuple[_Row, ...]]:
        """The rows of each link (two people may share an SLK, hence a link)."""
        grouped: dict[str, list[_Row]] = {}
        for link, row in zip(self.links, self.rows, strict=True):
            if link is not None:
                grouped.setdefault(link, []).append(row)
        return {
            link: (rows[0],) if len(rows) == 1 else tuple(sorted(rows, key=_sortable))
            for link, rows in grouped.items()
        }


def _nested_fields(new: _Snapshot, old: _Snapshot) -> tuple[str, ...]:
    """The fields both exports keep, when one's fields contain the other's, coarsened alike."""
    small, large = sorted((new, old), key=lambda s: len(s.fields))
    if not set(small.fields) <= set(large.fields) or any(
        small.coarsening[name] != large.coarsening[name] for name in small.fields
    ):
        raise DisclosureRefused(
            "export.history-policy",
            "an export to an audience that holds an earlier export of some of the same clients "
            "must keep the same quasi-identifiers coarsened the same way, or a subset or "
            "superset of them; use the earlier policy, or a separate audience",
        )
    return small.fields


def _check_difference(new: _Snapshot, old: _Snapshot, k: int) -> None:
    fields = _nested_fields(new, old)
    now, before = new.projected(fields), old.projected(fields)
    small = [c for c in now.keys() | before.keys() if 0 < abs(now[c] - before[c]) < k]
    if small:
        raise DisclosureRefused(
            "export.difference",
            f"{len(small)} combination(s) of {', '.join(fields)} differ from an earlier export "
            f"to this audience by 1 to {k - 1} record(s), which would single those records out; "
            "export the same population again, wait for larger changes, or coarsen",
        )


def _check_linkage(linked: Sequence[_Snapshot], k: int) -> None:
    unlinked = [sum(link is None for link in s.links) for s in linked]
    if any(0 < count < k for count in unlinked):
        raise DisclosureRefused(
            "export.linkage",
            f"an export to this audience made with the same link_key holds fewer than {k} "
            "record(s) without a link, which can be followed across exports as the ones "
            "without; use a new link_key for this export, or none",
        )
    groups = [snapshot.by_link() for snapshot in linked]
    links = set().union(*groups)
    joined = Counter(tuple(group.get(link, ()) for group in groups) for link in links)
    small = [size for size in joined.values() if size < k]
    if small:
        raise DisclosureRefused(
            "export.linkage",
            f"joined on the link with {len(linked) - 1} earlier export(s) to this audience, "
            f"{sum(small)} link(s) fall in {len(small)} combination(s) of fewer than {k}; "
            "use a new link_key for this export, or none",
        )


class ExportHistory:
    """The unit-record exports released to one audience, and the guard on the next one.

    :meth:`admit` checks a new export against every earlier one and, when
    it passes, adds it, in one step under a lock, so two exports decided at
    once on different threads are still checked against each other.

    The history keeps each export's published rows and links, which key made
    the links (an HMAC of the key, not the key), and the clients it held as
    keyed hashes of their ids under a secret of this history's own: enough
    to tell whether two exports share clients, and no personal value.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._salt = secrets.token_bytes(32)
        self._snapshots: list[_Snapshot] = []

    def __len__(self) -> int:
        with self._lock:
            return len(self._snapshots)

    def __repr__(self) -> str:
        return f"ExportHistory(exports={len(self)})"

    def _member(self, client: str) -> bytes:
        return hmac.new(self._salt, client.encode("utf-8", "replace"), hashlib.sha256).digest()

    def admit(
        self,
        export: UnitRecordExport,
        *,
        clients: Iterable[str],
        k: int,
        link_key: bytes | None = None,
    ) -> None:
        """Add ``export`` if an attacker holding every export still cannot single anyone out.

        Args:
            export: The new export, as it will be published.
            clients: Who its records are (client ids, not qualified by the
                organisation, so changed organisation details cannot hide a
                shared client), kept only as keyed hashes, to tell which
                earlier exports share clients with it.
            k: The export's k; checks use the largest k of the exports involved.
            link_key: The key its links were made with, if any.

        Raises:
            DisclosureRefused: ``export.history-policy``, ``export.difference``
                or ``export.linkage`` (see :doc:`/howto/privacy`); nothing is added.
            DexValueError: ``k`` is not a whole number of at least 2.
        """
        if isinstance(k, bool) or not isinstance(k, int) or k < 2:
            raise DexValueError(
                "ExportHistory.admit: k must be a whole number of at least 2 [export.bad-argument]"
            )
        fields = export.policy.quasi_identifiers
        snapshot = _Snapshot(
            coarsening=export.policy.coarsening(),
            fields=fields,
            rows=tuple(record.quasi_identifiers(fields) for record in export.records),
            links=tuple(record.link for record in export.records),
            members=frozenset(self._member(client) for client in clients),
            key_id=None if link_key is None else _key_id(link_key),
            k=k,
        )
        with self._lock:
            self._check(snapshot)
            self._snapshots.append(snapshot)

    def _check(self, new: _Snapshot) -> None:
        for old in self._snapshots:
            if new.members & old.members:
                _check_difference(new, old, max(new.k, old.k))
        if new.key_id is not None:
            linked = [s for s in self._snapshots if s.key_id == new.key_id]
            if linked:
                _check_linkage([*linked, new], max(s.k for s in [*linked, new]))
