"""DSS reference data: open code tables, SCORE domains and service types.

:func:`bundled` returns the snapshot that ships with dexcore.
:func:`load_reference_xml` reads the ``DEXReferenceData`` file from your own
DEX portal; lay it over the snapshot with :meth:`ReferenceData.updated_with`.
"""

from __future__ import annotations

from dexcore.reference.snapshot import bundled, from_json_dict, to_json_dict
from dexcore.reference.tables import (
    CodeItem,
    CodeTable,
    CodeType,
    ReferenceData,
    ScoreDomain,
    ScoreTypeInfo,
    ServiceType,
)
from dexcore.reference.xml import NAMESPACE, load_reference_xml

__all__ = [
    "NAMESPACE",
    "CodeItem",
    "CodeTable",
    "CodeType",
    "ReferenceData",
    "ScoreDomain",
    "ScoreTypeInfo",
    "ServiceType",
    "bundled",
    "from_json_dict",
    "load_reference_xml",
    "to_json_dict",
]
