"""Hypothesis strategies that generate valid but awkward DEX data.

Use them in your own tests: every value they produce is a record DEX should
accept, chosen to hit the cases implementations get wrong — one-letter,
hyphenated, apostrophised and accented names, clients without consent
(no names or street, an SLK instead), pseudonyms, estimated birth dates
(1 January), Northern Territory postcodes starting with ``0``, support
persons, and group sessions with unidentified clients.

Names are made from syllables, never taken from real people. This needs
hypothesis: ``pip install 'dexcore[testing]'``; installing it also lets
``st.from_type()`` build every model class from these strategies (see
:mod:`dexcore.testing.hypothesis_plugin`).

>>> from hypothesis import given
>>> @given(datasets())
... def test_my_export(dataset): ...
"""

from __future__ import annotations

from dexcore.testing._extra import hypothesis_missing

try:
    import hypothesis  # noqa: F401 (the optional extra this package needs)
except ImportError:
    raise hypothesis_missing("dexcore.testing.strategies") from None

from dexcore.testing.strategies import _base
from dexcore.testing.strategies._datasets import datasets
from dexcore.testing.strategies._organisations import (
    organisations,
    outlet_activities,
    outlets,
    program_activities,
)
from dexcore.testing.strategies._people import (
    addresses,
    birth_dates,
    clients,
    extended_demographics,
    names,
    postcodes,
    slks,
)
from dexcore.testing.strategies._services import (
    assessments,
    case_clients,
    cases,
    client_assessments,
    domain_scores,
    parenting_agreement_outcomes,
    property_agreement_outcomes,
    reasons_for_assistance,
    referrals,
    section60i_certificates,
    session_assessments,
    session_clients,
    sessions,
)

__all__ = [
    "DEFAULT_FIRST_DAY",
    "DEFAULT_LAST_DAY",
    "addresses",
    "assessments",
    "birth_dates",
    "case_clients",
    "cases",
    "client_assessments",
    "clients",
    "datasets",
    "domain_scores",
    "extended_demographics",
    "names",
    "organisations",
    "outlet_activities",
    "outlets",
    "parenting_agreement_outcomes",
    "postcodes",
    "program_activities",
    "property_agreement_outcomes",
    "reasons_for_assistance",
    "referrals",
    "section60i_certificates",
    "session_assessments",
    "session_clients",
    "sessions",
    "slks",
]

#: First session date the strategies produce unless told otherwise.
DEFAULT_FIRST_DAY = _base.DEFAULT_FIRST_DAY
#: Last date (sessions, birth dates, arrivals) the strategies produce unless told otherwise.
DEFAULT_LAST_DAY = _base.DEFAULT_LAST_DAY
