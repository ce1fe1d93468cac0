"""Release decisions: four access levels, typed lawful bases, and an audit entry for every decision.

The access levels follow the data-access protocol of seed 003 and
``reference/privacy.md`` §2.6:

* :attr:`ReleaseLevel.PUBLIC` and :attr:`ReleaseLevel.SUMMARY`: aggregates
  only, always through :func:`dexcore.privacy.sdc.protect`;
* :attr:`ReleaseLevel.DEIDENTIFIED_UNIT_RECORD`: :func:`dexcore.privacy.export_unit_records`,
  refused below k-anonymity;
* :attr:`ReleaseLevel.IDENTIFIED_UNIT_RECORD`: client records with names,
  only on a lawful basis (APP 6):

  - :class:`PrimaryPurpose`: the purpose the data was collected for;
  - :class:`RelatedSecondaryPurpose`: one the client would reasonably expect
    and, because DEX client records hold sensitive information (Indigenous
    status, disability), directly related to the primary purpose;
  - :class:`ConsentBasis`: consent recorded in a
    :class:`~dexcore.privacy.consent.ConsentLedger`, checked per client;
    clients without it are withheld;
  - :class:`RequiredByLaw`: required or authorised by law, with its citation;
  - :class:`Research`: research in the public interest under the conditions
    of seed 003 (not published in identifying form, consent impracticable,
    the recipient will not disclose further) with an ethics approval and
    the s 95 or s 95A guidelines.

A :class:`ReleaseDesk` makes the decisions. Each request, granted or
refused, appends exactly one :class:`AuditEntry` to the log the caller
supplies (a list will do) before the data is returned or the refusal
raised. No release ever carries the name or street address of a client who
has not consented to their details being held: such clients are
de-identified first, whatever the basis.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Literal, Protocol

import attrs

from dexcore.errors import DexValueError, DisclosureRefused
from dexcore.model import Client, Dataset
from dexcore.privacy.consent import ConsentLedger, DataCategory, Purpose
from dexcore.privacy.deidentify import (
    STANDARD,
    CoarseningPolicy,
    UnitRecordExport,
    deidentify_client,
    export_unit_records,
)
from dexcore.privacy.sdc import CountTable, Policy, ReleasedTable, ReleaseHistory, protect

__all__ = [
    "AuditEntry",
    "AuditLog",
    "ConsentBasis",
    "IdentifiedRelease",
    "LawfulBasis",
    "PrimaryPurpose",
    "RelatedSecondaryPurpose",
    "ReleaseDesk",
    "ReleaseLevel",
    "RequiredByLaw",
    "Research",
]


class ReleaseLevel(enum.StrEnum):
    """How much a release can identify, from least to most."""

    PUBLIC = "public"  #: Open data: protected aggregates only.
    SUMMARY = "summary"  #: Restricted aggregates for an authorised audience.
    DEIDENTIFIED_UNIT_RECORD = "deidentified-unit-record"  #: One coarsened row per client.
    IDENTIFIED_UNIT_RECORD = "identified-unit-record"  #: Client records with names.


def _text(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DexValueError(f"{type(instance).__name__}.{attribute.name} must be non-blank text")


@attrs.frozen
class PrimaryPurpose:
    """Disclosure for the purpose the data was collected for (APP 6.1).

    Attributes:
        purpose: That purpose, in words.
    """

    purpose: str = attrs.field(validator=_text)

    def describe(self) -> str:
        """One line for the audit log."""
        return f"primary purpose: {self.purpose}"


@attrs.frozen
class RelatedSecondaryPurpose:
    """A secondary purpose the client would reasonably expect (APP 6.2(a)).

    Attributes:
        purpose: The secondary purpose, in words.
        reasonably_expected: The client would reasonably expect this use.
        directly_related: It is directly related to the primary purpose, as
            APP 6.2(a)(i) requires for sensitive information (DEX client
            records always include some).
    """

    purpose: str = attrs.field(validator=_text)
    reasonably_expected: bool
    directly_related: bool

    def describe(self) -> str:
        """One line for the audit log."""
        return f"related secondary purpose: {self.purpose}"


@attrs.frozen
class ConsentBasis:
    """The clients' consent, checked client by client against a ledger.

    Attributes:
        ledger: The consent ledger.
        purpose: The purpose consented to.
        data: The categories released (names and street address by default).
        organisation: The organisation whose clients are released (keyword
            only): only its consents count, since DEX client ids are unique
            only within an organisation.
    """

    ledger: ConsentLedger
    purpose: Purpose
    data: frozenset[DataCategory] = frozenset({DataCategory.NAMES, DataCategory.STREET_ADDRESS})
    organisation: str = attrs.field(kw_only=True, validator=_text)

    def describe(self) -> str:
        """One line for the audit log."""
        return f"consent: {self.purpose}"


@attrs.frozen
class RequiredByLaw:
    """Disclosure required or authorised by law or by a court or tribunal order (APP 6.2(b)).

    Attributes:
        citation: The law or order, such as an act and section.
    """

    citation: str = attrs.field(validator=_text)

    def describe(self) -> str:
        """One line for the audit log."""
        return f"required or authorised by law: {self.citation}"


@attrs.frozen(kw_only=True)
class Research:
    """Research in the public interest without consent (seed 003; Privacy Act s 95, s 95A).

    Every condition must hold for the basis to stand.

    Attributes:
        ethics_approval: The human research ethics committee's approval reference.
        guideline: ``"s95"`` (Commonwealth agencies) or ``"s95A"`` (health research).
        not_published_identifying: Results will not be published in a form
            that identifies anyone.
        consent_impracticable: It is impracticable to seek the clients' consent.
        recipient_will_not_disclose: The recipient is reasonably believed not
            to disclose the data further.
    """

    ethics_approval: str = attrs.field(validator=_text)
    guideline: Literal["s95", "s95A"]
    not_published_identifying: bool
    consent_impracticable: bool
    recipient_will_not_disclose: bool

    def describe(self) -> str:
        """One line for the audit log."""
        return f"research under {self.guideline} guidelines, approval {self.ethics_approval}"


#: A lawful basis for releasing identified unit records.
LawfulBasis = PrimaryPurpose | RelatedSecondaryPurpose | ConsentBasis | RequiredByLaw | Research


@attrs.frozen(kw_only=True)
class AuditEntry:
    """One release decision, as written to the caller's audit log.

    Attributes:
        on: The date of the decision.
        level: The access level requested.
        recipient: Who the data was for.
        requested_by: Who asked (a staff id or role).
        purpose: What the release is for, in words.
        basis: The lawful basis given, described (empty when none).
        granted: Whether the data was released.
        rule: The refusal's rule code, empty when granted.
        records: Rows or cells released (0 when refused).
        withheld: Records or values held back (suppressed cells, withheld clients).
        policy: The disclosure-control or coarsening policy, when one applied.
        detail: The refusal's reason, or a note on what was released.
    """

    on: dt.date
    level: ReleaseLevel
    recipient: str
    requested_by: str
    purpose: str
    basis: str
    granted: bool
    rule: str = ""
    records: int = 0
    withheld: int = 0
    policy: Mapping[str, object] | None = None
    detail: str = ""


class AuditLog(Protocol):
    """Where release decisions are written; a ``list`` satisfies it."""

    def append(self, entry: AuditEntry, /) -> None:
        """Record one decision."""


@attrs.frozen(kw_only=True)
class IdentifiedRelease:
    """Identified client records released on a lawful basis.

    Attributes:
        clients: The released clients. Clients who have not consented to
            their details being held are included de-identified.
        basis: The lawful basis relied upon.
        withheld: Clients left out because the ledger holds no matching
            consent (only with :class:`ConsentBasis`).
    """

    clients: tuple[Client, ...]
    basis: LawfulBasis
    withheld: int = 0


def _research_problem(basis: Research) -> str | None:
    if basis.guideline not in ("s95", "s95A"):
        return 'research must follow the "s95" or "s95A" guidelines'
    conditions = (
        "not_published_identifying",
        "consent_impracticable",
        "recipient_will_not_disclose",
    )
    missing = [name for name in conditions if getattr(basis, name) is not True]
    return "research conditions not met: " + ", ".join(missing) if missing else None


def _secondary_problem(basis: RelatedSecondaryPurpose) -> str | None:
    if basis.reasonably_expected is not True:
        return "a secondary purpose must be one the clients would reasonably expect"
    if basis.directly_related is not True:
        return (
            "client records hold sensitive information, so a secondary purpose must be "
            "directly related to the primary purpose"
        )
    return None


_BASES = (PrimaryPurpose, RelatedSecondaryPurpose, ConsentBasis, RequiredByLaw, Research)


def _describe(basis: object) -> str:
    """The basis for the audit log; a value that is no lawful basis is named by its type."""
    if isinstance(basis, _BASES):
        return basis.describe()
    return "" if basis is None else f"not a lawful basis ({type(basis).__name__})"


def _basis_problem(basis: LawfulBasis | None) -> str | None:
    """Why ``basis`` does not stand, or ``None`` when it does."""
    if basis is None:
        return "identified unit records need a lawful basis"
    if isinstance(basis, RelatedSecondaryPurpose):
        return _secondary_problem(basis)
    if isinstance(basis, Research):
        return _research_problem(basis)
    if not isinstance(basis, _BASES):
        return "the basis must be one of the lawful bases in dexcore.privacy.release"
    return None


def _entry(
    level: ReleaseLevel, on: dt.date, recipient: str, requested_by: str, purpose: str
) -> AuditEntry:
    """The audit entry of a request, before the decision fills in the outcome."""
    return AuditEntry(
        on=on,
        level=level,
        recipient=recipient,
        requested_by=requested_by,
        purpose=purpose,
        basis="",
        granted=True,
    )


class ReleaseDesk:
    """Decides releases at every access level and writes each decision to an audit log.

    Args:
        audit: Receives one :class:`AuditEntry` per request, granted or refused.
        history: Tables released so far, for the differencing guard; a new
            empty history by default. Keep one desk per audience.
    """

    def __init__(self, audit: AuditLog, *, history: ReleaseHistory | None = None) -> None:
        self._audit = audit
        self.history = ReleaseHistory() if history is None else history

    def _write(self, entry: AuditEntry) -> None:
        self._audit.append(entry)

    def _refuse(self, entry: AuditEntry, error: DisclosureRefused) -> DisclosureRefused:
        self._write(attrs.evolve(entry, granted=False, rule=error.rule, detail=error.reason))
        return error

    def identified_unit_records(
        self,
        dataset: Dataset,
        *,
        recipient: str,
        purpose: str,
        basis: LawfulBasis | None,
        on: dt.date,
        requested_by: str,
    ) -> IdentifiedRelease:
        """Release client records with names, if ``basis`` stands.

        Raises:
            DisclosureRefused: ``release.no-lawful-basis`` when the basis is
                missing or does not stand; ``release.no-consent`` when a
                :class:`ConsentBasis` covers none of the clients.
        """
        entry = _entry(ReleaseLevel.IDENTIFIED_UNIT_RECORD, on, recipient, requested_by, purpose)
        entry = attrs.evolve(entry, basis=_describe(basis))
        problem = _basis_problem(basis)
        if problem is not None:
            raise self._refuse(entry, DisclosureRefused("release.no-lawful-basis", problem))
        assert basis is not None  # narrowed by _basis_problem
        released = []
        withheld = 0
        for client in dataset.clients:
            if isinstance(basis, ConsentBasis) and not basis.ledger.may_disclose(
                client.client_id,
                recipient,
                basis.purpose,
                basis.data,
                on,
                organisation=basis.organisation,
            ):
                withheld += 1
                continue
            released.append(
                client if client.consent_to_provide_details else deidentify_client(client)
            )
        if isinstance(basis, ConsentBasis) and not released and withheld:
            raise self._refuse(
                entry,
                DisclosureRefused(
                    "release.no-consent",
                    f"none of the {withheld} client(s) has a consent in force for this "
                    "recipient, purpose and data",
                ),
            )
        deidentified = sum(not c.consent_to_provide_details for c in released)
        self._write(
            attrs.evolve(
                entry,
                records=len(released),
                withheld=withheld,
                detail=f"{deidentified} client(s) without consent released de-identified",
            )
        )
        return IdentifiedRelease(clients=tuple(released), basis=basis, withheld=withheld)

    def deidentified_unit_records(
        self,
        dataset: Dataset,
        *,
        recipient: str,
        purpose: str,
        on: dt.date,
        requested_by: str,
        as_of: dt.date | None = None,
        policy: CoarseningPolicy = STANDARD,
        k: int = 5,
        small_classes: Literal["refuse", "suppress"] = "refuse",
        link_key: bytes | None = None,
    ) -> UnitRecordExport:
        """Release de-identified unit records (:func:`~dexcore.privacy.export_unit_records`).

        Ages are computed on ``as_of`` (default: ``on``).

        Raises:
            DisclosureRefused: ``export.k-anonymity`` below ``k``.
        """
        entry = _entry(ReleaseLevel.DEIDENTIFIED_UNIT_RECORD, on, recipient, requested_by, purpose)
        entry = attrs.evolve(entry, policy={**policy.describe(), "k": k})
        try:
            export = export_unit_records(
                dataset,
                as_of=on if as_of is None else as_of,
                policy=policy,
                k=k,
                small_classes=small_classes,
                link_key=link_key,
            )
        except DisclosureRefused as error:
            raise self._refuse(entry, error) from None
        self._write(
            attrs.evolve(
                entry,
                records=len(export.records),
                withheld=export.suppressed,
                detail=f"k = {export.anonymity.k}",
            )
        )
        return export

    def table(
        self,
        table: CountTable,
        *,
        level: Literal[ReleaseLevel.PUBLIC, ReleaseLevel.SUMMARY] = ReleaseLevel.PUBLIC,
        recipient: str,
        purpose: str,
        on: dt.date,
        requested_by: str,
        policy: Policy | None = None,
        on_difference: Literal["suppress", "refuse"] = "suppress",
    ) -> ReleasedTable:
        """Publish a count table through :func:`~dexcore.privacy.sdc.protect`, with the history.

        Raises:
            DisclosureRefused: ``sdc.differencing`` with ``on_difference="refuse"``.
            DexValueError: ``level`` is not an aggregate level.
        """
        if level not in (ReleaseLevel.PUBLIC, ReleaseLevel.SUMMARY):
            raise DexValueError("ReleaseDesk.table: level must be PUBLIC or SUMMARY")
        entry = _entry(level, on, recipient, requested_by, purpose)
        try:
            released = protect(table, policy, history=self.history, on_difference=on_difference)
        except DisclosureRefused as error:
            raise self._refuse(entry, error) from None
        cells = len(released.rows) * len(released.columns)
        self._write(
            attrs.evolve(
                entry,
                records=cells,
                withheld=released.suppressed,
                policy=released.policy.describe(),
                detail=released.title,
            )
        )
        return released
