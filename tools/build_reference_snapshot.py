"""Build ``src/dexcore/reference/data/reference-snapshot.json``.

Usage::

    python tools/build_reference_snapshot.py ../shared/reference/data/DEXReferenceData-2015.xml \
        ../shared/reference/dex-spec.md

The base is DSS's 2015 reference-data export. On top of it go the later
additions that ``dex-spec.md`` §2.8, §2.9 and §5 record, each marked with its
source, and the 304 service types of a 2025 third-party cache. Run it again
when a source changes and review the JSON diff.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
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

OUT = Path(__file__).resolve().parent.parent / "src/dexcore/reference/data/reference-snapshot.json"

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

# (table, code, description, source, available_from)
ADDITIONS: list[tuple[str, str, str, str, dt.date | None]] = [
    (CodeType.GENDER, "OTHER", "Other (with gender details)", "cache-2025", None),
    (CodeType.EXIT_REASON, "NEEDSMET", "Client needs have been met", "cache-2025", None),
    (CodeType.EXIT_REASON, "NOLONGERELIGIBLE", "Client no longer eligible", "cache-2025", None),
    *[
        (CodeType.REFERRAL_SOURCE, code, "", "cache-2025", None)
        for code in (
            "LINKAGE",
            "COS",
            "HSP",
            "LACREF",
            "NDIS",
            "LENDERFINANCIAL",
            "ACCOUNTING",
            "SGOVCHILDPROT",
            "JUSTICE",
            "HOUSING",
        )
    ],
]

# New tables: (table, complete, [(code, description, source)], available_from)
NEW_TABLES: list[tuple[str, bool, list[tuple[str, str, str]], dt.date | None]] = [
    (
        CodeType.CLIENT_ATTENDANCE_PROFILE,
        True,
        [
            ("FAMILY", "Family", "cache-2025"),
            ("COMMEVENT", "Community event", "cache-2025"),
            ("PSGROUP", "Peer support group", "cache-2025"),
            ("COUPLE", "Couple", "cache-2025"),
            ("COHABITANTS", "Cohabitants", "cache-2025"),
        ],
        dt.date(2018, 4, 23),
    ),
    (
        CodeType.SERVICE_SETTING,
        True,
        [
            ("ORGOUTLETOFFICE", "Organisation outlet or office", "dexcore"),
            ("CLRES", "Client's residence", "dexcore"),
            ("COMMVENUE", "Community venue", "dexcore"),
            ("PARORG", "Partner organisation", "dexcore"),
            ("TELE", "Telephone", "dexcore"),
            ("DIGITAL", "Digital or online", "dexcore"),
            ("HEALTHFACILITY", "Health facility", "dexcore"),
            ("EDUFACILITY", "Education facility", "dexcore"),
            ("JUSTICEFACILITY", "Justice facility", "dexcore"),
        ],
        dt.date(2018, 8, 18),
    ),
    (
        CodeType.HOMELESS_INDICATOR,
        False,
        [("ATRISK", "At risk", "cache-2025")],
        dt.date(2018, 4, 23),
    ),
    (
        CodeType.EDUCATION_LEVEL,
        False,
        [("PREPRIMARY", "Pre-primary education", "cache-2025")],
        dt.date(2018, 4, 23),
    ),
    (
        CodeType.EMPLOYMENT_STATUS,
        False,
        [("WORKFULLTIME", "Paid work, full time", "cache-2025")],
        dt.date(2018, 4, 23),
    ),
    (
        CodeType.NDIS_ELIGIBILITY,
        False,
        [("ELIGIBLE", "Eligible", "cache-2025")],
        dt.date(2018, 4, 23),
    ),
    (
        CodeType.ASSESSED_BY,
        False,
        [("SDJOINT", "SCORE directly - joint", "protocols-v13")],
        None,
    ),
]

# Tables known to have codes that no available source lists (dex-spec.md §2.8, §9).
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


def service_types(spec: str) -> dict[int, ServiceType]:
    """Parse the ``id name; id name; …`` list of dex-spec.md §2.9."""
    line = next(line for line in spec.splitlines() if line.startswith("1 Intake/assessment;"))
    found = {}
    for entry in line.split(";"):
        match = re.fullmatch(r"\s*(\d+) (.+?)\s*", entry)
        if match is None:
            raise SystemExit("cannot parse service type list entry")
        number = int(match.group(1))
        found[number] = ServiceType(
            service_type_id=number, name=match.group(2), source="cache-2025"
        )
    return found


def build(xml_path: Path, spec_path: Path) -> ReferenceData:
    """Combine the 2015 export, the additions and the service types."""
    base = load_reference_xml(xml_path, source_id="dss-2015", description=SOURCES["dss-2015"])
    tables = dict(base.tables)
    for table, code, description, source, since in ADDITIONS:
        old = tables[table]
        item = CodeItem(
            code=code,
            description=description,
            order=len(old.items) + 1,
            source=source,
            available_from=since,
        )
        tables[table] = CodeTable(
            name=old.name, items=(*old.items, item), complete=old.complete, source=old.source
        )
    for table, complete, codes, since in NEW_TABLES:
        items = tuple(
            CodeItem(code=c, description=d, order=n, source=s, available_from=since)
            for n, (c, d, s) in enumerate(codes, start=1)
        )
        tables[table] = CodeTable(name=table, items=items, complete=complete, source=codes[0][2])
    for name in INCOMPLETE:
        old = tables[name]
        tables[name] = CodeTable(name=old.name, items=old.items, complete=False, source=old.source)
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
    return ReferenceData(
        tables=tables,
        score_types=score_types,
        service_types=service_types(spec_path.read_text(encoding="utf-8")),
        sources=SOURCES,
        title="dexcore bundled snapshot: DSS 2015 export with marked later additions",
    )


def main() -> None:
    """Write the snapshot."""
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    reference = build(Path(sys.argv[1]), Path(sys.argv[2]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(to_json_dict(reference), indent=1, ensure_ascii=False) + "\n"
    OUT.write_text(text, encoding="utf-8")
    print(
        f"wrote {OUT.name}: {len(reference.tables)} tables, "
        f"{len(reference.service_types)} service types"
    )


if __name__ == "__main__":
    main()
