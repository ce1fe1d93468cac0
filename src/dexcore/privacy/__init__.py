"""Privacy: consent, de-identification, disclosure control, release decisions and safe ids.

* :mod:`dexcore.privacy.consent`: consent per person, organisation, agency,
  purpose and timeframe in an append-only :class:`ConsentLedger`, and the DEX flags
  derived from it.
* :mod:`dexcore.privacy.exports`: :func:`deidentify` (what DSS holds
  without consent) and :func:`export_unit_records` (coarsened, k-anonymous
  unit records).
* :mod:`dexcore.privacy.linkage`: linkage keys, and the history that checks
  each export against earlier exports to the same audience.
* :mod:`dexcore.privacy.sdc`: disclosure control for count tables:
  suppression, rounding, population groups, differencing.
* :mod:`dexcore.privacy.disclosure`: the four access levels, typed lawful bases
  and an audit entry for every decision (:class:`ReleaseDesk`).
* :mod:`dexcore.privacy.identifiers`: guarding client and case ids against
  identity leaks, and generating safe ones.
"""

from __future__ import annotations

from dexcore.privacy.consent import (
    DSS,
    Consent,
    ConsentLedger,
    ConsentStatus,
    DataCategory,
    Decision,
    DisclosureDecision,
    Purpose,
)
from dexcore.privacy.disclosure import (
    AuditEntry,
    ConsentBasis,
    IdentifiedRelease,
    LawfulBasis,
    PrimaryPurpose,
    RelatedSecondaryPurpose,
    ReleaseDesk,
    ReleaseLevel,
    RequiredByLaw,
    Research,
)
from dexcore.privacy.exports import (
    CoarseningPolicy,
    KAnonymity,
    UnitRecord,
    UnitRecordExport,
    deidentify,
    export_unit_records,
    k_anonymity,
)
from dexcore.privacy.identifiers import IdLeak, identifier_leaks, new_client_id
from dexcore.privacy.linkage import ExportHistory, new_link_key, validate_link_key
from dexcore.privacy.sdc import (
    CountTable,
    ReleasedTable,
    ReleaseHistory,
    RoundingPolicy,
    Suppressed,
    SuppressionPolicy,
    count_clients,
    count_table,
    protect,
)

__all__ = [
    "DSS",
    "AuditEntry",
    "CoarseningPolicy",
    "Consent",
    "ConsentBasis",
    "ConsentLedger",
    "ConsentStatus",
    "CountTable",
    "DataCategory",
    "Decision",
    "DisclosureDecision",
    "ExportHistory",
    "IdLeak",
    "IdentifiedRelease",
    "KAnonymity",
    "LawfulBasis",
    "PrimaryPurpose",
    "Purpose",
    "RelatedSecondaryPurpose",
    "ReleaseDesk",
    "ReleaseHistory",
    "ReleaseLevel",
    "ReleasedTable",
    "RequiredByLaw",
    "Research",
    "RoundingPolicy",
    "Suppressed",
    "SuppressionPolicy",
    "UnitRecord",
    "UnitRecordExport",
    "count_clients",
    "count_table",
    "deidentify",
    "export_unit_records",
    "identifier_leaks",
    "k_anonymity",
    "new_client_id",
    "new_link_key",
    "protect",
    "validate_link_key",
]
