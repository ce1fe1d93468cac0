"""Release decisions: four access levels, typed lawful bases, and an audit entry for every decision.

Four access levels, from open data to named records, each with the control
it needs (see :doc:`/howto/privacy`, "Release decisions"):

* :attr:`ReleaseLevel.PUBLIC` and :attr:`ReleaseLevel.SUMMARY`: aggregates
  only, always through :func:`dexcore.privacy.sdc.protect`;
* :attr:`ReleaseLevel.DEIDENTIFIED_UNIT_RECORD`: :func:`dexcore.privacy.export_unit_records`,
  refused below k-anonymity, and checked against the audience's earlier
  exports (:class:`~dexcore.privacy.linkage.ExportHistory`);
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
  - :class:`Research`: research in the public interest without consent
    under the Privacy Act 1988 s 95 or s 95A guidelines, with an ethics
    committee's approval, when the results will not be published in
    identifying form, consent is impracticable, and the recipient will not
    disclose the data further.

A :class:`ReleaseDesk` makes the decisions. Each request, granted,
refused, or rejected for a bad argument, appends exactly one
:class:`AuditEntry` to the log the caller supplies (a list will do) before
the data is returned or the error raised. No release ever carries the name
or street address of a client who has not consented to their details being
held: such clients are de-identified first, whatever the basis.

More information:

* OAIC, *Australian Privacy Principles guidelines*, chapter 6 (APP 6, use
  or disclosure of personal information),
  https://www.oaic.gov.au/privacy/australian-privacy-principles/australian-privacy-principles-guidelines
* OAIC, *De-identification and the Privacy Act* (2018),
  https://www.oaic.gov.au/privacy/privacy-guidance-for-organisations-and-government-agencies/handling-personal-information/de-identification-and-the-privacy-act
* OAIC and CSIRO Data61, *The De-Identification Decision-Making Framework* (2017).
"""

from __future__ import annotations

import datetime as dt
import enum
import threading
from collections.abc import Callable, Mapping
from typing import Literal, Protocol, TypeVar

import attrs

from dexcore.errors import DexValueError, DisclosureRefused
from dexcore.model import Client, Dataset
from dexcore.privacy._bases import (
    ConsentBasis,
    LawfulBasis,
    PrimaryPurpose,
    RelatedSecondaryPurpose,
    RequiredByLaw,
    Research,
    basis_problem,
    describe_basis,
)
from dexcore.privacy.consent import ConsentLedger, DataCategory, Purpose
from dexcore.privacy.exports import (
    STANDARD,
    CoarseningPolicy,
    UnitRecordExport,
    deidentify_client,
    export_unit_records,
)
from dexcore.privacy.linkage import ExportHistory
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


@attrs.frozen(kw_only=True)
class AuditEntry:
    """One release decision, as written to the caller's audit log.

    An entry is written for every request, including one rejected for a bad
    argument; a field whose argument was unusable (a ``datetime`` for
    ``on``, a level that is not a :class:`ReleaseLevel`, text that is not a
    string) is ``None`` or empty.

    Attributes:
        on: The date of the decision.
        level: The access level requested.
        recipient: Who the data was for.
        requested_by: Who asked (a staff id or role).
        purpose: What the release is for, in words.
        basis: The lawful basis given, described (empty when none).
        granted: Whether the data was released.
        rule: The refusal's rule code (``release.bad-argument`` for an
            argument error), empty when granted.
        records: Rows or cells released (0 when refused).
        withheld: Records or values held back (suppressed cells, withheld clients).
        policy: The disclosure-control or coarsening policy, when one applied.
        detail: The refusal's reason, or a note on what was released.
    """

    on: dt.date | None
    level: ReleaseLevel | None
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


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _entry(level: object, on: object, recipient: object, requested_by: object,
           purpose: object) -> AuditEntry:  # fmt: skip
    """The audit entry of a request, before the decision fills in the outcome.

    Arguments of the wrong kind are left out (``None`` or empty), never
    copied, so the entry holds no value the caller passed by mistake.
    """
    return AuditEntry(
        on=on if isinstance(on, dt.date) and not isinstance(on, dt.datetime) else None,
        level=level if isinstance(level, ReleaseLevel) else None,
        recipient=_as_text(recipient),
        requested_by=_as_text(requested_by),
        purpose=_as_text(purpose),
        basis="",
        granted=True,
    )


def _bad_argument(problem: str) -> DexValueError:
    return DexValueError(f"ReleaseDesk: {problem} [release.bad-argument]")


def _check_request(entry: AuditEntry, recipient: object, requested_by: object,
                   purpose: object) -> None:  # fmt: skip
    """Raise the first problem with the arguments every request shares.

    ``on`` is checked as the entry holds it: ``None`` when it was no date.
    """
    if entry.on is None:
        raise _bad_argument("on must be a datetime.date, not a datetime")
    for name, value in (("recipient", recipient), ("requested_by", requested_by),
                        ("purpose", purpose)):  # fmt: skip
        if not isinstance(value, str) or not value.strip():
            raise _bad_argument(f"{name} must be non-blank text")


def _check_consent_basis(basis: ConsentBasis) -> None:
    if not isinstance(basis.ledger, ConsentLedger):
        raise _bad_argument("ConsentBasis.ledger must be a ConsentLedger")
    if not isinstance(basis.purpose, Purpose):
        raise _bad_argument("ConsentBasis.purpose must be a Purpose")
    data = basis.data
    if not isinstance(data, frozenset | set) or not data:
        raise _bad_argument("ConsentBasis.data must name at least one DataCategory")
    if not all(isinstance(category, DataCategory) for category in data):
        raise _bad_argument("ConsentBasis.data must hold DataCategory members only")


_T = TypeVar("_T")


class ReleaseDesk:
    """Decides releases at every access level and writes each decision to an audit log.

    Every request writes exactly one :class:`AuditEntry` before it returns
    or raises: granted, refused (the :class:`~dexcore.errors.DisclosureRefused`
    rule), or rejected for a bad argument (``release.bad-argument``, with the
    error's one-line message as the detail). A desk may be used from several
    threads: a lock makes each decision, its history update and its audit
    entry one step.

    Args:
        audit: Receives one :class:`AuditEntry` per request.
        history: Tables released so far, for the differencing guard; a new
            empty history by default.
        exports: Unit-record exports released so far (see
            :class:`~dexcore.privacy.linkage.ExportHistory`); a new empty one
            by default.

    Keep one desk, with its histories, per audience.
    """

    def __init__(
        self,
        audit: AuditLog,
        *,
        history: ReleaseHistory | None = None,
        exports: ExportHistory | None = None,
    ) -> None:
        self._audit = audit
        self._lock = threading.RLock()
        self.history = ReleaseHistory() if history is None else history
        self.exports = ExportHistory() if exports is None else exports

    def _decide(self, entry: AuditEntry, decide: Callable[[], tuple[_T, AuditEntry]]) -> _T:
        """Run ``decide`` under the lock and audit its outcome, whatever it is."""
        with self._lock:
            try:
                result, granted = decide()
            except DisclosureRefused as error:
                self._write(
                    attrs.evolve(entry, granted=False, rule=error.rule, detail=error.reason)
                )
                raise
            except DexValueError as error:
                self._write(
                    attrs.evolve(
                        entry, granted=False, rule="release.bad-argument", detail=str(error)
                    )
                )
                raise
            except Exception as error:
                # Not a dexcore error, so its message may quote input: name its type only.
                self._write(
                    attrs.evolve(
                        entry, granted=False, rule="release.error", detail=type(error).__name__
                    )
                )
                raise
            self._write(granted)
            return result

    def _write(self, entry: AuditEntry) -> None:
        self._audit.append(entry)

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
            DexValueError: ``release.bad-argument``: ``on`` is not a date,
                text is blank, ``dataset`` is not a Dataset, or a
                :class:`ConsentBasis` is malformed (no data categories).
        """
        entry = _entry(ReleaseLevel.IDENTIFIED_UNIT_RECORD, on, recipient, requested_by, purpose)
        entry = attrs.evolve(entry, basis=describe_basis(basis))

        def decide() -> tuple[IdentifiedRelease, AuditEntry]:
            _check_request(entry, recipient, requested_by, purpose)
            if not isinstance(dataset, Dataset):
                raise _bad_argument("dataset must be a Dataset")
            problem = basis_problem(basis)
            if problem is not None:
                raise DisclosureRefused("release.no-lawful-basis", problem)
            assert basis is not None  # narrowed by basis_problem
            if isinstance(basis, ConsentBasis):
                _check_consent_basis(basis)
            release = _identified(dataset, basis, recipient, on)
            deidentified = sum(not c.consent_to_provide_details for c in release.clients)
            return release, attrs.evolve(
                entry,
                records=len(release.clients),
                withheld=release.withheld,
                detail=f"{deidentified} client(s) without consent released de-identified",
            )

        return self._decide(entry, decide)

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

        Ages are computed on ``as_of`` (default: ``on``). The export is
        checked against, and added to, the desk's :attr:`exports`. Without
        ``link_key`` no link is written; with one, records link to every
        earlier export made with the same key, and the joint check applies.

        Raises:
            DisclosureRefused: ``export.k-anonymity`` below ``k``;
                ``export.history-policy``, ``export.difference`` or
                ``export.linkage`` against the earlier exports.
            DexValueError: ``release.bad-argument`` for any argument error,
                including a weak ``link_key`` (``export.link-key`` in the detail).
        """
        entry = _entry(ReleaseLevel.DEIDENTIFIED_UNIT_RECORD, on, recipient, requested_by, purpose)
        if isinstance(policy, CoarseningPolicy):
            whole = isinstance(k, int) and not isinstance(k, bool)
            entry = attrs.evolve(entry, policy={**policy.describe(), "k": k if whole else None})

        def decide() -> tuple[UnitRecordExport, AuditEntry]:
            _check_request(entry, recipient, requested_by, purpose)
            export = export_unit_records(
                dataset,
                as_of=on if as_of is None else as_of,
                policy=policy,
                k=k,
                small_classes=small_classes,
                link_key=link_key,
                history=self.exports,
            )
            return export, attrs.evolve(
                entry,
                records=len(export.records),
                withheld=export.suppressed,
                detail=f"k = {export.anonymity.k}",
            )

        return self._decide(entry, decide)

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
            DexValueError: ``release.bad-argument``: ``level`` is not an
                aggregate level, ``table`` is not a CountTable, ``on`` is not
                a date, or ``protect`` rejects ``policy`` or ``on_difference``.
        """
        entry = _entry(level, on, recipient, requested_by, purpose)

        def decide() -> tuple[ReleasedTable, AuditEntry]:
            _check_request(entry, recipient, requested_by, purpose)
            if level not in (ReleaseLevel.PUBLIC, ReleaseLevel.SUMMARY):
                raise _bad_argument("table: level must be PUBLIC or SUMMARY")
            if not isinstance(table, CountTable):
                raise _bad_argument("table: table must be a CountTable")
            released = protect(table, policy, history=self.history, on_difference=on_difference)
            return released, attrs.evolve(
                entry,
                records=len(released.rows) * len(released.columns),
                withheld=released.suppressed,
                policy=released.policy.describe(),
                detail=released.title,
            )

        return self._decide(entry, decide)


def _identified(
    dataset: Dataset, basis: LawfulBasis, recipient: str, on: dt.date
) -> IdentifiedRelease:
    """The clients ``basis`` covers, de-identified when they have not consented; or refuse."""
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
        released.append(client if client.consent_to_provide_details else deidentify_client(client))
    if isinstance(basis, ConsentBasis) and not released and withheld:
        raise DisclosureRefused(
            "release.no-consent",
            f"none of the {withheld} client(s) has a consent in force for this "
            "recipient, purpose and data",
        )
    return IdentifiedRelease(clients=tuple(released), basis=basis, withheld=withheld)
