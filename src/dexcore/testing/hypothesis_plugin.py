"""A hypothesis plugin: ``st.from_type()`` builds every dexcore model class.

Installing dexcore with hypothesis registers this plugin (the ``hypothesis``
entry point), and hypothesis runs it when it is imported, so that in your
own tests ``st.from_type(Client)``, ``st.from_type(Dataset)``, type-inferred
``@given`` arguments and ``st.builds(YourClass)`` over fields typed with
dexcore's classes just work. Each model class gets the strategy of
:mod:`dexcore.testing.strategies` that makes valid records of it. In a
source checkout that is not installed, call :func:`register_type_strategies`
once (in a ``conftest.py``).

Registering is light: it imports :mod:`dexcore.model` only; the strategies
(and the reference data they draw codes from) are imported the first time
a value is drawn.

``st.builds(Case)`` itself is not made valid: hypothesis builds an attrs
class from its fields' validators and annotations, not from the strategy
registered for the class, and an id drawn from ``st.text()`` is often not a
valid id. Use ``st.from_type(Case)``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import operator
from collections.abc import Callable
from typing import Any

from dexcore.testing._extra import hypothesis_missing

try:
    from hypothesis import strategies as st
except ImportError:
    raise hypothesis_missing("dexcore.testing.hypothesis_plugin") from None

from dexcore import model

__all__ = ["DATASET_FIRST_DAY", "DATASET_LAST_DAY", "register_type_strategies"]

#: First session date of the datasets ``st.from_type(Dataset)`` draws (the
#: first day of the reporting period 2024-H2).
DATASET_FIRST_DAY = dt.date(2024, 7, 1)
#: Last session date of those datasets: all their sessions fall in one
#: reporting period, so a check made while it is open finds no closed period.
DATASET_LAST_DAY = dt.date(2024, 12, 31)

_first = operator.itemgetter(0)


def _made(build: Callable[[Any], st.SearchStrategy[Any]]) -> Callable[[type], Any]:
    """What to register for a class: hypothesis calls it when ``from_type()`` first needs it.

    (A strategy registered as it stands would be resolved at once, since hypothesis checks
    that it is not empty; this function imports the strategies only when asked.)
    """

    def make(_cls: type) -> st.SearchStrategy[Any]:
        return build(importlib.import_module("dexcore.testing.strategies"))

    return make


# Each model class and how the strategies module makes one of it.
_MAKERS: dict[type[Any], Callable[[Any], st.SearchStrategy[Any]]] = {
    model.Client: lambda s: s.clients(),
    model.ExtendedDemographics: lambda s: s.extended_demographics(),
    model.ResidentialAddress: lambda s: s.addresses(),
    model.Case: lambda s: s.cases(),
    model.CaseClient: lambda s: st.from_regex(r"C[0-9]{5}", fullmatch=True).flatmap(s.case_clients),
    model.ReasonForAssistance: lambda s: s.reasons_for_assistance(),
    model.ParentingAgreementOutcome: lambda s: s.parenting_agreement_outcomes(),
    model.Section60I: lambda s: s.section60i_certificates(),
    model.PropertyAgreementOutcome: lambda s: s.property_agreement_outcomes(),
    model.Session: lambda s: s.sessions(),
    model.SessionClient: lambda s: s.session_clients(),
    model.Referral: lambda s: s.referrals(min_size=1).map(_first),
    model.Assessment: lambda s: s.assessments(tuple(model.ScoreType), max_size=1).map(_first),
    model.DomainScore: lambda s: s.domain_scores(),
    model.ClientAssessment: lambda s: s.client_assessments(),
    model.SessionAssessment: lambda s: s.session_assessments(),
    model.Dataset: lambda s: s.datasets(first_day=DATASET_FIRST_DAY, last_day=DATASET_LAST_DAY),
    model.Organisation: lambda s: s.organisations(),
    model.Outlet: lambda s: s.outlets(),
    model.OutletActivity: lambda s: s.outlet_activities(),
    model.ProgramActivity: lambda s: s.program_activities(),
}


def register_type_strategies() -> None:
    """Register a strategy of valid records for every model class with hypothesis.

    Afterwards ``st.from_type(cls)`` draws from it, for each attrs class of
    :mod:`dexcore.model`; the code tables (enums) need nothing, hypothesis
    samples their members. Calling it again registers the same strategies.
    Datasets have their sessions in the reporting period 2024-H2
    (:data:`DATASET_FIRST_DAY` to :data:`DATASET_LAST_DAY`).
    """
    for cls, build in _MAKERS.items():
        st.register_type_strategy(cls, _made(build))


# The name hypothesis's documentation gives the function an entry point names.
_hypothesis_setup_hook = register_type_strategies
