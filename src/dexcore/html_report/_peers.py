"""Peer figures: reading them from JSON, and the provider's place among them.

The file is a JSON list of :class:`~dexcore.kpi.PeerResult` objects, one per
organisation, each with the fields of that class::

    [{"organisation": "ORG-2", "program_activity": "Family and Relationship Services",
      "state": "NSW", "service_types": [1, 5], "kpis": {"goals_achieved": 61.5, ...}}]

``kpis`` holds :meth:`~dexcore.kpi.KpiReport.headline` numbers (``null`` when
not measurable). The provider's own entry (by organisation id) says which
program activity and state it is compared within; its KPIs are the ones
computed from the data, not the file's.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from dexcore.errors import DexValueError
from dexcore.kpi import Benchmark, PeerResult, benchmark

__all__ = ["compare", "peers_from_json"]

_FIELDS = ("organisation", "program_activity", "state")


def _fail(where: str, what: str) -> DexValueError:
    return DexValueError(f"peer figures: {where} {what} [report.peers-format]")


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{where}.{key}", "must be a non-empty string")
    return value


def _number(value: object, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(where, "must be a finite number or null")
    return float(value)


def _types(value: object, where: str) -> frozenset[int]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise _fail(where, "must be a list of service type ids")
    return frozenset(value)


def _entry(entry: object, where: str) -> PeerResult:
    if not isinstance(entry, dict):
        raise _fail(where, "must be an object")
    kpis = entry.get("kpis", {})
    if not isinstance(kpis, dict) or not all(isinstance(k, str) for k in kpis):
        raise _fail(f"{where}.kpis", "must be an object of KPI names to numbers")
    return PeerResult(
        organisation=_text(entry, "organisation", where),
        program_activity=_text(entry, "program_activity", where),
        state=_text(entry, "state", where),
        service_types=_types(entry.get("service_types", []), f"{where}.service_types"),
        kpis={k: _number(v, f"{where}.kpis[{i}]") for i, (k, v) in enumerate(sorted(kpis.items()))},
    )


def peers_from_json(data: bytes | str) -> tuple[PeerResult, ...]:
    """The peer figures of a JSON document: a list of ``PeerResult`` objects.

    Raises:
        DexValueError: ``report.peers-format``: not JSON, or an entry that is
            not a ``PeerResult`` (the message gives its place, such as
            ``$[2].state``, never its value).
    """
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise _fail("$", "is not JSON") from None
    if not isinstance(document, list):
        raise _fail("$", "must be a list of peer results")
    return tuple(_entry(entry, f"$[{n}]") for n, entry in enumerate(document))


def compare(
    organisation: str | None,
    headline: Mapping[str, float | None],
    population: Sequence[PeerResult],
) -> Benchmark:
    """The provider's ``headline`` KPIs against its comparable peers in ``population``.

    Raises:
        DexValueError: ``report.peers-no-target``: no entry of ``population``
            is the provider's, so its program activity and state are unknown.
    """
    own = next((p for p in population if organisation and p.organisation == organisation), None)
    if own is None:
        raise DexValueError(
            "peer figures: no entry is the provider's own (by its organisation id), so its"
            " program activity and state are unknown; add one [report.peers-no-target]"
        )
    return benchmark(attrs.evolve(own, kpis=dict(headline)), population)
