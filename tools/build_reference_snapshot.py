"""Build ``src/dexcore/reference/data/reference-snapshot.json`` from ``tools/data/``.

Usage::

    python tools/build_reference_snapshot.py [--data DIR] [--out FILE]

With no arguments it reads only files in this repository and rewrites the
committed snapshot, byte for byte, when nothing has changed. The base is DSS's
2015 reference-data export (``tools/data/DEXReferenceData-2015.xml``; its
provenance is in ``tools/data/README.md``). On top of it go the later codes of
``code-additions.csv`` and the service types of ``service-types.csv``, each row
marked with its source id (the ids are described in :data:`SOURCES` and in
``docs/explanation/sources.md``). Run it again when a source changes and review the JSON
diff.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from dexcore.model.codes import ScoreType
from dexcore.reference.snapshot import to_json_dict
from dexcore.reference.tables import (
    CodeItem,
    CodeTable,
    CodeType,
    ReferenceData,
    ScoreDomain,
    ScoreTypeInfo,
    ServiceType,
)
from dexcore.reference.xml import load_reference_xml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tools" / "data"
OUT = ROOT / "src" / "dexcore" / "reference" / "data" / "reference-snapshot.json"
BASE_XML = "DEXReferenceData-2015.xml"
CODE_ADDITIONS = "code-additions.csv"
SERVICE_TYPES = "service-types.csv"

SOURCES = {
    "dss-2015": (
        "DSS DEX reference data export (DEXReferenceData XML), about 2015, "
        "redistributed verbatim in the public repository Stephen-Cameron-Data-Services/isis-chats"
    ),
    "cache-2025": (
        "Second-hand: a 2025 cache of current DEX reference data in the public SOAP client "
        "panthablack/dex-api-client (app/Helpers/ReferenceData.php); not authoritative"
    ),
    "protocols-v13": (
        "Second-hand: Data Exchange Protocols v13 (March 2026) and the DSS metadata registry, "
        "as quoted by the public research project wfmackey/fplida"
    ),
    "dexcore": (
        "Labels written by dexcore where the sources give a code but no label; "
        "replace them with your portal's reference file"
    ),
}

# Tables that did not exist in 2015 and whose whole code list the sources give.
COMPLETE_NEW_TABLES = {CodeType.CLIENT_ATTENDANCE_PROFILE, CodeType.SERVICE_SETTING}

# Tables known to have codes that no available source lists (see docs/howto/reference-data.md).
INCOMPLETE = {
    CodeType.REASON_FOR_ASSISTANCE,  # the 2018 "Employment" category's code is unconfirmed
    CodeType.REFERRAL_PURPOSE,  # likewise
    CodeType.DISABILITY,  # "None (no disability)" code unconfirmed
    CodeType.LANGUAGE,  # 433 codes in 2015, 438 in 2025
}

# SCORE domains added on 19 August 2018, with the registry tokens cited second-hand.
NEW_DOMAINS = [
    (ScoreType.CIRCUMSTANCES, "EMPLOYMENT", "Employment"),
    (ScoreType.GROUP, "COHESION", "Social cohesion"),
]
SCORE_CHANGE = dt.date(2018, 8, 19)


def _rows(path: Path, columns: Sequence[str]) -> Iterator[dict[str, str]]:
    """The rows of a CSV file whose header is exactly ``columns``, each checked for a source."""
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        if reader.fieldnames != list(columns):
            raise SystemExit(f"{path.name}: expected the columns {', '.join(columns)}")
        for row in reader:
            if row["source"] not in SOURCES:
                raise SystemExit(f"{path.name} line {reader.line_num}: unknown source id")
            yield row


def _code_items(path: Path) -> dict[str, list[CodeItem]]:
    """The later codes of ``code-additions.csv``, grouped by table in file order."""
    columns = ("table", "code", "description", "source", "available_from")
    found: dict[str, list[CodeItem]] = {}
    for row in _rows(path, columns):
        since = row["available_from"]
        item = CodeItem(
            code=row["code"],
            description=row["description"],
            source=row["source"],
            available_from=dt.date.fromisoformat(since) if since else None,
        )
        found.setdefault(CodeType(row["table"]), []).append(item)
    return found


def service_types(path: Path) -> dict[int, ServiceType]:
    """The service types of ``service-types.csv`` (columns id, name, source)."""
    found = {}
    for row in _rows(path, ("id", "name", "source")):
        number = int(row["id"])
        found[number] = ServiceType(service_type_id=number, name=row["name"], source=row["source"])
    return found


def _extend(tables: dict[str, CodeTable], name: str, items: list[CodeItem]) -> None:
    """Append ``items`` to table ``name``, or create it when the 2015 export lacks it."""
    old = tables.get(name)
    start = 1 if old is None else len(old.items) + 1
    numbered = tuple(
        CodeItem(
            code=item.code,
            description=item.description,
            order=order,
            source=item.source,
            available_from=item.available_from,
        )
        for order, item in enumerate(items, start=start)
    )
    if old is None:
        complete = name in COMPLETE_NEW_TABLES
        tables[name] = CodeTable(
            name=name, items=numbered, complete=complete, source=items[0].source
        )
    else:
        tables[name] = CodeTable(
            name=old.name, items=(*old.items, *numbered), complete=old.complete, source=old.source
        )


def _score_types(base: ReferenceData) -> dict[ScoreType, ScoreTypeInfo]:
    """The 2015 SCORE types with the domains added in 2018."""
    score_types = dict(base.score_types)
    for score_type, code, description in NEW_DOMAINS:
        info = score_types[score_type]
        domain = ScoreDomain(
            code=code,
            description=description,
            source="protocols-v13",
            available_from=SCORE_CHANGE,
        )
        score_types[score_type] = ScoreTypeInfo(
            score_type=score_type,
            applicable_for=info.applicable_for,
            domains=(*info.domains, domain),
        )
    return score_types


def build(data: Path = DATA) -> ReferenceData:
    """Combine the 2015 export in ``data`` with its later codes and service types."""
    base = load_reference_xml(
        data / BASE_XML, source_id="dss-2015", description=SOURCES["dss-2015"]
    )
    tables = dict(base.tables)
    for name, items in _code_items(data / CODE_ADDITIONS).items():
        _extend(tables, name, items)
    for name in INCOMPLETE:
        old = tables[name]
        tables[name] = CodeTable(name=old.name, items=old.items, complete=False, source=old.source)
    return ReferenceData(
        tables=tables,
        score_types=_score_types(base),
        service_types=service_types(data / SERVICE_TYPES),
        sources=SOURCES,
        title="dexcore bundled snapshot: DSS 2015 export with marked later additions",
    )


def snapshot_text(reference: ReferenceData) -> str:
    """The snapshot file's exact text."""
    return json.dumps(to_json_dict(reference), indent=1, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Write the snapshot."""
    parser = argparse.ArgumentParser(description="Build the bundled reference snapshot.")
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the source files")
    parser.add_argument("--out", type=Path, default=OUT, help="the snapshot to write")
    args = parser.parse_args(argv)
    reference = build(args.data)
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(snapshot_text(reference), encoding="utf-8")
    print(
        f"wrote {out.name}: {len(reference.tables)} tables, "
        f"{len(reference.service_types)} service types"
    )


if __name__ == "__main__":
    main()
