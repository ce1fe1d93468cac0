"""The bundled reference-data snapshot and its JSON form.

The snapshot (``data/reference-snapshot.json``) is built by
``tools/build_reference_snapshot.py`` from DSS's 2015 reference-data export
plus the later additions known from other sources, each item marked with
the source it came from. :func:`bundled` loads it once per process.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import pkgutil
from collections.abc import Mapping
from typing import Any

from dexcore.errors import DexError, ReferenceDataError
from dexcore.model.codes import ScoreType
from dexcore.reference.tables import (
    CodeItem,
    CodeTable,
    ReferenceData,
    ScoreDomain,
    ScoreTypeInfo,
    ServiceType,
)

__all__ = ["FORMAT_VERSION", "bundled", "from_json_dict", "to_json_dict"]

#: Version of the JSON layout written by :func:`to_json_dict`.
FORMAT_VERSION = 1


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _day(value: object) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def _dated(data: dict[str, Any], available_from: dt.date | None, to: dt.date | None) -> None:
    if available_from is not None:
        data["available_from"] = _iso(available_from)
    if to is not None:
        data["available_to"] = _iso(to)


def to_json_dict(reference: ReferenceData) -> dict[str, Any]:
    """Plain-data form of ``reference``, stable enough to check into version control."""
    tables: dict[str, Any] = {}
    for name in sorted(reference.tables):
        table = reference.tables[name]
        items = []
        for item in table.items:
            entry: dict[str, Any] = {
                "code": item.code,
                "description": item.description,
                "order": item.order,
                "source": item.source,
            }
            _dated(entry, item.available_from, item.available_to)
            items.append(entry)
        tables[name] = {"complete": table.complete, "source": table.source, "items": items}
    score_types = []
    for info in reference.score_types.values():
        domains = []
        for domain in info.domains:
            entry = {
                "code": domain.code,
                "description": domain.description,
                "source": domain.source,
                "ratings": list(domain.ratings),
            }
            _dated(entry, domain.available_from, domain.available_to)
            domains.append(entry)
        score_types.append(
            {
                "score_type": info.score_type.value,
                "applicable_for": info.applicable_for,
                "domains": domains,
            }
        )
    service_types = []
    for service in sorted(reference.service_types.values(), key=lambda s: s.service_type_id):
        entry = {"id": service.service_type_id, "name": service.name, "source": service.source}
        _dated(entry, service.available_from, service.available_to)
        service_types.append(entry)
    return {
        "format": FORMAT_VERSION,
        "title": reference.title,
        "sources": dict(sorted(reference.sources.items())),
        "tables": tables,
        "score_types": score_types,
        "service_types": service_types,
    }


def _table(name: str, data: Mapping[str, Any]) -> CodeTable:
    items = tuple(
        CodeItem(
            code=item["code"],
            description=item.get("description", ""),
            order=int(item.get("order", 0)),
            source=item.get("source", ""),
            available_from=_day(item.get("available_from")),
            available_to=_day(item.get("available_to")),
        )
        for item in data["items"]
    )
    return CodeTable(
        name=name, items=items, complete=bool(data["complete"]), source=data.get("source", "")
    )


def _score_type(data: Mapping[str, Any]) -> ScoreTypeInfo:
    domains = tuple(
        ScoreDomain(
            code=domain["code"],
            description=domain.get("description", ""),
            ratings=tuple(domain.get("ratings", ("",) * 5)),
            source=domain.get("source", ""),
            available_from=_day(domain.get("available_from")),
            available_to=_day(domain.get("available_to")),
        )
        for domain in data["domains"]
    )
    return ScoreTypeInfo(
        score_type=ScoreType(data["score_type"]),
        applicable_for=data["applicable_for"],
        domains=domains,
    )


def from_json_dict(data: Mapping[str, Any]) -> ReferenceData:
    """Rebuild reference data from :func:`to_json_dict`'s form.

    Raises:
        ReferenceDataError: the data is not in that form.
    """
    if data.get("format") != FORMAT_VERSION:
        raise ReferenceDataError(f"expected reference JSON format {FORMAT_VERSION}")
    try:
        tables = {name: _table(name, table) for name, table in data["tables"].items()}
        score_types = {info.score_type: info for info in map(_score_type, data["score_types"])}
        service_types = {
            int(entry["id"]): ServiceType(
                service_type_id=int(entry["id"]),
                name=entry["name"],
                source=entry.get("source", ""),
                available_from=_day(entry.get("available_from")),
                available_to=_day(entry.get("available_to")),
            )
            for entry in data["service_types"]
        }
    except (KeyError, TypeError, ValueError, AttributeError, DexError) as error:
        raise ReferenceDataError(f"malformed reference JSON ({type(error).__name__})") from None
    return ReferenceData(
        tables=tables,
        score_types=score_types,
        service_types=service_types,
        sources=dict(data.get("sources", {})),
        title=str(data.get("title", "")),
    )


@functools.cache
def bundled() -> ReferenceData:
    """The reference data that ships with dexcore (loaded once, then shared).

    It is DSS's 2015 export with the later additions listed in the docs,
    each item marked with its source. Replace or update it with the file
    from your own DEX portal: ``bundled().updated_with(load_reference_xml(path))``.
    """
    # pkgutil, not importlib.resources: the same loader's data, without importing tempfile,
    # shutil and the compression modules at the start of every check (issue #17).
    data = pkgutil.get_data("dexcore.reference", "data/reference-snapshot.json")
    if data is None:  # pragma: no cover (only a loader that cannot read data files)
        raise ReferenceDataError("the bundled reference data is missing; reinstall dexcore")
    return from_json_dict(json.loads(data.decode("utf-8")))
