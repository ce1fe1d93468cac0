"""Shared pieces of the rule modules: the rule decorator and the named sources."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from dexcore.issues import Severity
from dexcore.rules.engine import Entity, Finding, RecordRule, RuleInfo, Source

# -- sources -----------------------------------------------------------------------------------

XSD = Source(
    document="DSS bulk-upload schema DEXFileUpload.xsd",
    version="c. 2016",
    anchor="dex-bulk-upload-schema",
)
PROTOCOLS_V11 = Source(
    document="Data Exchange Protocols",
    version="v11, March 2024",
    evidence="second-hand",
    anchor="data-exchange-protocols",
)
PROTOCOLS_V13 = Source(
    document="Data Exchange Protocols",
    version="v13, March 2026",
    evidence="second-hand",
    anchor="data-exchange-protocols",
)
TASK_CARD_2 = Source(
    document="DSS Task Card 2: Adding a New Client",
    version="2014",
    anchor="task-card-2-adding-a-new-client",
)
CONSENT_PAGE = Source(
    document="DSS Data Exchange: privacy and consent",
    section="document 911",
    anchor="privacy-and-consent-in-the-data-exchange",
)
EXPORTERS = Source(
    document="Independent DEX bulk exporters' field notes",
    section="Client",
    evidence="second-hand",
    anchor="independent-dex-exporters",
)
VENDOR_KB = Source(
    document="Community Data Solutions knowledge base: DEX Error - Client Information",
    evidence="second-hand",
    anchor="community-data-solutions-knowledge-base",
)
SLK_EXPRESSION = Source(
    document="DSS web services specification",
    section="§5.4 SLK regular expression",
    evidence="second-hand",
    anchor="web-services-technical-specification",
)
METEOR_SLK = Source(
    document="AIHW METeOR 349510, 349481, 349483",
    section="SLK-581",
    anchor="statistical-linkage-key-581",
)
REGISTRY_SCORE = Source(
    document="DSS metadata registry",
    section="client assessment, 18/8/2018",
    version="2018",
    anchor="dss-metadata-registry",
)
REFERENCE_DATA = Source(
    document="DSS DEX reference data (DEXReferenceData)",
    version="2015 and later",
    anchor="dex-reference-data",
)
CLOSE_OFF = Source(
    document="DSS DEX updates 641 and 931; Data Exchange Quick Start Guide",
    version="2022",
    anchor="close-off-updates-and-quick-start-guide",
)
SETS_FACTSHEET = Source(
    document="SETS Community of Practice DEX Q&A factsheet (Home Affairs and DSS answers)",
    section="questions 3 and 4",
    evidence="second-hand",
    anchor="sets-community-of-practice-dex-factsheet",
)
DEXCORE = Source(
    document="dexcore",
    section="data quality",
    evidence="inferred",
    anchor="rules-dexcore-infers",
)


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
