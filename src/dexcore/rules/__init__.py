"""The rule engine and the DEX rule sets.

:func:`check` runs a rule set over a dataset in one pass and returns a
:class:`Report`; :func:`ensure_valid` raises one
:class:`~dexcore.errors.DexValidationError` when the report has errors.
Rules never raise for bad data: they report it.

>>> import datetime as dt
>>> from dexcore.model import Dataset
>>> check(Dataset(), today=dt.date(2024, 7, 1)).has_errors
False
"""

from __future__ import annotations

from dexcore.issues import Issue, KnownRecords, RecordRef, Report, Severity, Unreadable
from dexcore.rules.checker import check, ensure_valid
from dexcore.rules.context import CheckContext
from dexcore.rules.engine import (
    Accumulator,
    AggregateRule,
    Entity,
    Finding,
    RecordRule,
    Rule,
    RuleInfo,
    RuleSet,
    Source,
)
from dexcore.rules.partial import CheckPartial, OrganisationCheck, check_part, finish_check
from dexcore.rules.sets import DEX, DEX_CORE, RULESETS, SETS

__all__ = [
    "DEX",
    "DEX_CORE",
    "RULESETS",
    "SETS",
    "Accumulator",
    "AggregateRule",
    "CheckContext",
    "CheckPartial",
    "Entity",
    "Finding",
    "Issue",
    "KnownRecords",
    "OrganisationCheck",
    "RecordRef",
    "RecordRule",
    "Report",
    "Rule",
    "RuleInfo",
    "RuleSet",
    "Severity",
    "Source",
    "Unreadable",
    "check",
    "check_part",
    "ensure_valid",
    "finish_check",
]
