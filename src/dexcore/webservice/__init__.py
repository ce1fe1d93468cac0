"""System-to-system transfer: a thin client for DEX's SOAP web services.

DSS accepts data three ways: the web services, the bulk file
(:mod:`dexcore.io.bulk`) and the web portal. :class:`DexService` calls the
web services a case-management system needs first (``Ping``,
``GetReferenceData``, ``AddClient``, ``UpdateClient``, ``AddCase``,
``AddSession``, ``UpdateClientAssessments``, ``SearchClient``), with
envelopes zeep builds from the WSDL loaded at run time. It needs the
optional zeep package: ``pip install 'dexcore[webservice]'``; the rest of
this package (the field table, the dry-run :func:`plan`, credentials) does
not.

What is verified against public sources and what awaits DSS's test
environment is set out in the how-to page "Send records through DEX's web
services".

>>> from dexcore.model import Dataset
>>> plan(Dataset()).not_sent
{}
"""

from __future__ import annotations

from dexcore.webservice.calls import Call, Plan, plan
from dexcore.webservice.credentials import (
    ENV_PASSWORD,
    ENV_USERNAME,
    Credentials,
    CredentialSource,
    credentials_from_environment,
)
from dexcore.webservice.fields import FIELD_MAP, FieldMapping
from dexcore.webservice.results import SUCCESS, ServiceResult
from dexcore.webservice.service import (
    NAMESPACE,
    PRODUCTION_WSDL,
    DexService,
    SearchPage,
    SearchPaging,
)

__all__ = [
    "ENV_PASSWORD",
    "ENV_USERNAME",
    "FIELD_MAP",
    "NAMESPACE",
    "PRODUCTION_WSDL",
    "SUCCESS",
    "Call",
    "CredentialSource",
    "Credentials",
    "DexService",
    "FieldMapping",
    "Plan",
    "SearchPage",
    "SearchPaging",
    "ServiceResult",
    "credentials_from_environment",
    "plan",
]
