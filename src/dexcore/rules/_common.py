"""Shared pieces of the rule modules: the rule decorator and the named sources."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from dexcore.rules.engine import Entity, Finding, RecordRule, RuleInfo, Severity, Source

# -- sources -----------------------------------------------------------------------------------

XSD = Source(document="DSS bulk-upload schema DEXFileUpload.xsd", version="c. 2016")
PROTOCOLS_V11 = Source(
    document="Data Exchange Protocols", version="v11, March 2024", evidence="second-hand"
)
PROTOCOLS_V13 = Source(
    document="Data Exchange Protocols", version="v13, March 2026", evidence="second-hand"
)
TASK_CARD_2 = Source(document="DSS Task Card 2: Adding a New Client", version="2014")
CONSENT_PAGE = Source(document="DSS Data Exchange: privacy and consent", section="document 911")
EXPORTERS = Source(
    document="Independent DEX bulk exporters' field notes",
    section="Client",
    evidence="second-hand",
)
VENDOR_KB = Source(
    document="Community Data Solutions knowledge base: DEX Error - Client Information",
    evidence="second-hand",
)
SLK_EXPRESSION = Source(
    document="DSS web services specification",
    section="§5.4 SLK regular expression",
    evidence="second-hand",
)
METEOR_SLK = Source(document="AIHW METeOR 349510, 349481, 349483", section="SLK-581")
REGISTRY_SCORE = Source(
    document="DSS metadata registry", section="client assessment, 18/8/2018", version="2018"
)
REFERENCE_DATA = Source(
    document="DSS DEX reference data (DEXReferenceData)", version="2015 and later"
)
CLOSE_OFF = Source(
    document="DSS DEX updates 641 and 931; Data Exchange Quick Start Guide", version="2022"
)
SETS_FACTSHEET = Source(
    document="SETS Community of Practice DEX Q&A factsheet (Home Affairs and DSS answers)",
    section="questions 3 and 4",
    evidence="second-hand",
)
DEXCORE = Source(document="dexcore", section="data quality", evidence="inferred")


def record_rule(
    code: str,
    severity: Severity,
    entity: Entity,
    summary: str,
    *,
    sources: Iterable[Source],
    reveals_identity: bool = False,
) -> Callable[[Callable[[Any, Any], Iterable[Finding]]], RecordRule]:
    """Make a :class:`RecordRule` of a check function; its docstring is the description.

    Checks return their findings as a list (empty for most records): a plain function that
    returns ``[]`` costs half as much per call as a generator that yields nothing.
    """

    def wrap(check: Callable[[Any, Any], Iterable[Finding]]) -> RecordRule:
        info = RuleInfo(
            code=code,
            severity=severity,
            summary=summary,
            description=inspect.cleandoc(check.__doc__ or summary),
            sources=tuple(sources),
            entity=entity,
            reveals_identity=reveals_identity,
        )
        return RecordRule(info=info, check=check)

    return wrap
