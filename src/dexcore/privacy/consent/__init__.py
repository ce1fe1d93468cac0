"""Consent per person, organisation, agency, purpose and timeframe, kept in an append-only ledger.

DEX itself holds two yes/no flags per client (``ConsentToProvideDetails`` and
``ConsentedForFutureContacts``). Sharing with other agencies needs more:
consent recorded for each person, each agency, each purpose and each
timeframe, and current when it is relied on (OAIC, *Australian Privacy
Principles guidelines*, chapter B "Key concepts: consent" and chapter 6
"APP 6: use or disclosure"). A :class:`Consent` records exactly that, with
the fields the HL7 FHIR Consent resource, the Kantara Initiative Consent
Receipt Specification and ISO/IEC TS 27560 have in common:

* who it is about (:attr:`Consent.subject`, the client id, never a name) and
  the organisation whose client that is (DEX client ids are unique only
  within an organisation), and who may receive the data;
* the purpose, from the :class:`Purpose` vocabulary, and the categories of
  data (:class:`DataCategory`, some of them *sensitive* under the Privacy
  Act);
* permit or deny, when it was given, from when and until when (a date or an
  event), how it was given and by whom.

A consent that could not stand up is refused when it is built
(:class:`~dexcore.errors.ConsentError` names the rule): no recipient, no
purpose, no data, a permit with no end, implied consent for sensitive data,
a representative without a stated authority, an identifier with no
canonical form (:func:`canonical_id`).

:class:`ConsentLedger` only ever appends: :meth:`~ConsentLedger.grant`,
:meth:`~ConsentLedger.withdraw` and :meth:`~ConsentLedger.expire` add
events, each dated the day it is recorded; nothing is overwritten. Every
answer is computed for a date, as known on a date. A withdrawal stops
disclosure from its date on, whatever expiry was planned (the earliest end
wins); asked about an earlier date, the ledger still answers as it did, so
disclosures made then stay lawful. It fails closed: a denial in any spelling
of the ids beats a permit, and a permit counts only for the exact client of
the exact organisation.

More information:

* OAIC, *Australian Privacy Principles guidelines*:
  https://www.oaic.gov.au/privacy/australian-privacy-principles/australian-privacy-principles-guidelines
* HL7, *FHIR R4 Consent resource*: https://hl7.org/fhir/R4/consent.html
* Kantara Initiative, *Consent Receipt Specification*, version 1.1 (2018).
* ISO/IEC TS 27560:2023, *Privacy technologies: consent record information
  structure* (ISO/IEC JTC 1/SC 27, August 2023).
* The project's guide: ``docs/howto/privacy.md``, "A consent ledger".

>>> import datetime as dt
>>> ledger = ConsentLedger()
>>> consent = ledger.grant(Consent(
...     subject="C1", organisation="ORG1", recipient=DSS,
...     purpose=Purpose.STORE_DETAILS_IN_DEX,
...     data={DataCategory.NAMES, DataCategory.STREET_ADDRESS},
...     given_on=dt.date(2024, 7, 1), valid_until=dt.date(2026, 6, 30),
...     channel=Channel.IN_PERSON), recorded_on=dt.date(2024, 7, 1))
>>> ledger.dex_flags("C1", dt.date(2024, 8, 1), organisation="ORG1").consent_to_provide_details
True
>>> bool(ledger.may_disclose("C1", DSS, Purpose.STORE_DETAILS_IN_DEX,
...                          DataCategory.NAMES, dt.date(2024, 8, 1), organisation="ORG2"))
False
>>> _ = ledger.withdraw(consent.consent_id, dt.date(2025, 1, 10), recorded_on=dt.date(2025, 1, 10))
>>> bool(ledger.may_disclose("C1", DSS, Purpose.STORE_DETAILS_IN_DEX,
...                          DataCategory.NAMES, dt.date(2025, 2, 1), organisation="ORG1"))
False
>>> bool(ledger.may_disclose("C1", DSS, Purpose.STORE_DETAILS_IN_DEX,
...                          DataCategory.NAMES, dt.date(2024, 12, 1), organisation="ORG1"))
True
>>> bool(ledger.may_disclose("C1", DSS, Purpose.STORE_DETAILS_IN_DEX, DataCategory.NAMES,
...                          dt.date(2025, 2, 1), organisation="ORG1",
...                          as_known_on=dt.date(2025, 1, 9)))
True
"""

from __future__ import annotations

from dexcore.privacy.consent import _events, _record
from dexcore.privacy.consent._events import (
    DexConsentFlags,
    DisclosureDecision,
    Expired,
    Granted,
    Withdrawn,
)
from dexcore.privacy.consent._ids import canonical_id, fold_key
from dexcore.privacy.consent._ledger import ConsentLedger
from dexcore.privacy.consent._record import (
    Channel,
    Consent,
    ConsentStatus,
    DataCategory,
    Decision,
    GivenBy,
    Mode,
    Purpose,
)

#: The recipient id of the Department of Social Services, for the DEX flags.
DSS = _record.DSS

#: Anything a :class:`ConsentLedger` records.
LedgerEvent = _events.LedgerEvent

__all__ = [
    "DSS",
    "Channel",
    "Consent",
    "ConsentLedger",
    "ConsentStatus",
    "DataCategory",
    "Decision",
    "DexConsentFlags",
    "DisclosureDecision",
    "Expired",
    "GivenBy",
    "Granted",
    "LedgerEvent",
    "Mode",
    "Purpose",
    "Withdrawn",
    "canonical_id",
    "fold_key",
]
