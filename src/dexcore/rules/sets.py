"""The rule sets: DEX core, and programs that add to it.

Rule sets are explicit registries, versioned by the specification they
implement, and compose with ``+``.
"""

from __future__ import annotations

from collections.abc import Mapping

from dexcore.rules import integrity, personal_data, programs, quality, timing
from dexcore.rules.engine import RuleSet

__all__ = ["DEX", "DEX_CORE", "RULESETS", "SETS"]

#: Every DEX rule that applies to all programs.
DEX_CORE = RuleSet(
    name="dex",
    version="DEX bulk upload 1.10 and Data Exchange Protocols v13 (March 2026)",
    rules=(*personal_data.RULES, *integrity.RULES, *quality.RULES, *timing.RULES),
)

#: The default rule set of :func:`dexcore.rules.check`.
DEX = DEX_CORE

#: Settlement Engagement and Transition Support: add it to the core set, ``DEX + SETS``.
SETS = RuleSet(
    name="sets",
    version="SETS Community of Practice DEX factsheet (Home Affairs and DSS)",
    rules=programs.RULES,
)

#: The named rule sets the command line offers.
RULESETS: Mapping[str, RuleSet] = {"dex": DEX, "sets": DEX + SETS}
