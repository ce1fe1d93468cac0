"""De-identification: what DSS holds without consent, and unit-record exports.

:func:`deidentify` gives a client, or every client of a dataset, as DEX
holds it when the client has not consented to their details being stored:
no given or family name, no street lines, no pseudonym flag, and the
statistical linkage key kept (generated from the names first when it was
missing, so linkage is not lost). Everything else is unchanged.

:func:`export_unit_records` goes further, for a de-identified unit-record
release, in the two steps of the OAIC's guidance (remove direct
identifiers, then treat the data so the rest cannot identify anyone).
Each client becomes one :class:`UnitRecord` with no id, name, address,
birth date or SLK; the quasi-identifiers are coarsened by a named
:class:`CoarseningPolicy` (an age band instead of the birth date, the state
or the postcode instead of the address, a band of session counts), and the
export is refused unless every combination of quasi-identifiers it keeps is
shared by at least ``k`` records (k-anonymity, default 5, matching the
"fewer than 5" rule for counts). Given an
:class:`~dexcore.privacy.linkage.ExportHistory`, it is also checked against
the earlier exports to the same audience.

More information:

* OAIC, *De-identification and the Privacy Act* (2018),
  https://www.oaic.gov.au/privacy/privacy-guidance-for-organisations-and-government-agencies/handling-personal-information/de-identification-and-the-privacy-act
* OAIC and CSIRO Data61, *The De-Identification Decision-Making Framework* (2017).
* The project's docs: :doc:`/howto/privacy`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import Counter
from typing import Literal, overload

import attrs

from dexcore.errors import DexValueError, DisclosureRefused, InvalidSlkInput
from dexcore.model import Client, Dataset
from dexcore.privacy import _coarsening
from dexcore.privacy._coarsening import CoarseningPolicy, Geography
from dexcore.privacy._groups import group_label
from dexcore.privacy.linkage import ExportHistory, validate_link_key
from dexcore.slk import generate

__all__ = [
    "DETAILED",
    "MINIMAL",
    "STANDARD",
    "CoarseningPolicy",
    "Geography",
    "KAnonymity",
    "UnitRecord",
    "UnitRecordExport",
    "deidentify",
    "deidentify_client",
    "export_unit_records",
    "k_anonymity",
]


def deidentify_client(client: Client) -> Client:
    """``client`` as DEX holds it without consent: no names, no street lines, SLK kept.

    The SLK is generated from the names, birth date and gender before the
    names are dropped when it is missing; when it cannot be generated (an
    impossible birth date) it stays missing, and the rules report it.
    ``consent_to_provide_details`` and ``is_using_pseudonym`` become false.
    """
    slk = client.slk
    if slk is None and client.has_names:
        try:
            slk = generate(client.family_name, client.given_name, client.birth_date, client.gender)
        except InvalidSlkInput:
            slk = None
    address = client.residential_address
    if address.has_street:
        address = attrs.evolve(address, address_line1=None, address_line2=None)
    return attrs.evolve(
        client,
        given_name=None,
        family_name=None,
        residential_address=address,
        slk=slk,
        consent_to_provide_details=False,
        is_using_pseudonym=False,
    )


@overload
def deidentify(data: Client) -> Client: ...
@overload
def deidentify(data: Dataset) -> Dataset: ...
def deidentify(data: Client | Dataset) -> Client | Dataset:
    """De-identify one client, or every client of a dataset (see :func:`deidentify_client`).

    Raises:
        DexValueError: ``data`` is neither a :class:`~dexcore.model.Client`
            nor a :class:`~dexcore.model.Dataset`.
    """
    if isinstance(data, Client):
        return deidentify_client(data)
    if isinstance(data, Dataset):
        return attrs.evolve(data, clients=tuple(deidentify_client(c) for c in data.clients))
    raise DexValueError("deidentify takes a Client or a Dataset")


#: Five age groups, state, gender, Indigenous status, CALD, disability and
#: sessions in five bands (0, 1-4, 5-9, 10-19, 20+).
STANDARD = _coarsening.STANDARD
#: Ten-year age bands to 80+, the postcode and seven session bands: finer, so
#: k is harder to reach.
DETAILED = _coarsening.DETAILED
#: Three age groups, the state and gender only; no session count.
MINIMAL = _coarsening.MINIMAL


@attrs.frozen(kw_only=True)
class UnitRecord:
    """One client in a de-identified export. Fields the policy drops are ``None``.

    Attributes:
        record: A sequence number within this export (not the client id).
        age_band: Age band on the export's reference date.
        region: State code or postcode, as the policy says.
        gender: DEX gender code.
        atsi: ``"yes"``, ``"no"`` or ``"not stated"``.
        cald: ``"yes"``, ``"no"`` or ``"not stated"``.
        disability: ``"yes"`` or ``"no"``.
        sessions: The band of sessions the client attended in the exported
            dataset, such as ``"5-9"``, when the policy keeps it.
        link: A keyed hash of the SLK, when a linkage key was supplied: it links
            the same person across exports made with the same key, and cannot
            be turned back into the SLK without it.
    """

    record: int
    age_band: str
    region: str | None = None
    gender: str | None = None
    atsi: str | None = None
    cald: str | None = None
    disability: str | None = None
    sessions: str | None = None
    link: str | None = None

    def quasi_identifiers(self, names: tuple[str, ...]) -> tuple[str | None, ...]:
        """The values of the named quasi-identifier fields."""
        return tuple(getattr(self, name) for name in names)

    def to_dict(self) -> dict[str, str | int]:
        """The record as plain data, leaving out fields the policy dropped."""
        return {k: v for k, v in attrs.asdict(self).items() if v is not None}


@attrs.frozen(kw_only=True)
class KAnonymity:
    """How anonymous a set of records is over its quasi-identifiers.

    Attributes:
        k: The size of the smallest group of records sharing every
            quasi-identifier value (0 when there are no records).
        required: The k the export needs.
        quasi_identifiers: The fields the groups are formed over.
        records: How many records were measured.
        classes: How many distinct combinations there are.
        small_classes: Combinations shared by fewer than ``required`` records.
        records_in_small_classes: Records in those combinations.
    """

    k: int
    required: int
    quasi_identifiers: tuple[str, ...]
    records: int
    classes: int
    small_classes: int
    records_in_small_classes: int

    @property
    def satisfied(self) -> bool:
        """Whether every combination is shared by at least ``required`` records."""
        return self.small_classes == 0


def k_anonymity(
    records: tuple[UnitRecord, ...], quasi_identifiers: tuple[str, ...], *, required: int = 5
) -> KAnonymity:
    """Measure k-anonymity of ``records`` over the named quasi-identifier fields."""
    sizes = Counter(record.quasi_identifiers(quasi_identifiers) for record in records)
    small = [size for size in sizes.values() if size < required]
    return KAnonymity(
        k=min(sizes.values(), default=0),
        required=required,
        quasi_identifiers=quasi_identifiers,
        records=len(records),
        classes=len(sizes),
        small_classes=len(small),
        records_in_small_classes=sum(small),
    )


@attrs.frozen(kw_only=True)
class UnitRecordExport:
    """A de-identified unit-record export and what it is safe for.

    Attributes:
        records: One record per client kept.
        policy: The coarsening policy applied.
        as_of: The date ages were computed on.
        anonymity: k-anonymity of ``records``.
        suppressed: Records left out because their combination was rarer
            than ``k`` (only with ``small_classes="suppress"``).
    """

    records: tuple[UnitRecord, ...]
    policy: CoarseningPolicy
    as_of: dt.date
    anonymity: KAnonymity
    suppressed: int = 0

    def to_dict(self) -> dict[str, object]:
        """The export with its metadata, as plain data."""
        return {
            "policy": self.policy.describe(),
            "as_of": self.as_of.isoformat(),
            "k": self.anonymity.k,
            "required_k": self.anonymity.required,
            "suppressed": self.suppressed,
            "records": [record.to_dict() for record in self.records],
        }


def _age(birth: dt.date, on: dt.date) -> int:
    return max(0, on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day)))


def _link(key: bytes, slk: str | None) -> str | None:
    if slk is None:
        return None
    return hmac.new(key, slk.encode("ascii", "replace"), hashlib.sha256).hexdigest()[:20]


def _is_day(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _check_arguments(
    dataset: object, as_of: object, policy: object, k: object, small_classes: object
) -> None:
    """Raise the first problem with the arguments of :func:`export_unit_records`."""
    problems = (
        (not isinstance(dataset, Dataset), "dataset must be a Dataset"),
        (not _is_day(as_of), "as_of must be a datetime.date, not a datetime"),
        (not isinstance(policy, CoarseningPolicy), "policy must be a CoarseningPolicy"),
        (
            isinstance(k, bool) or not isinstance(k, int) or k < 2,
            "k must be a whole number of at least 2",
        ),
        (
            small_classes not in ("refuse", "suppress"),
            'small_classes must be "refuse" or "suppress"',
        ),
    )
    for failed, problem in problems:
        if failed:
            raise DexValueError(f"export_unit_records: {problem} [export.bad-argument]")


def _record(client: Client, sessions: int, as_of: dt.date, policy: CoarseningPolicy,
            link_key: bytes | None) -> UnitRecord:  # fmt: skip
    address = client.residential_address
    region: str | None = None
    if policy.geography is Geography.STATE:
        region = str(address.state)
    elif policy.geography is Geography.POSTCODE:
        region = address.postcode
    return UnitRecord(
        record=0,
        age_band=policy.age_band(_age(client.birth_date, as_of)),
        region=region,
        gender=str(client.gender) if policy.gender else None,
        atsi=group_label("atsi", client) if policy.atsi else None,
        cald=group_label("cald", client) if policy.cald else None,
        disability=("yes" if client.has_disabilities else "no") if policy.disability else None,
        sessions=policy.sessions_band(sessions),
        link=None if link_key is None else _link(link_key, client.slk),
    )


def _order(record: UnitRecord, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(value or "" for value in record.quasi_identifiers(names))


def _session_counts(dataset: Dataset) -> Counter[str]:
    sessions: Counter[str] = Counter()
    for session in dataset.sessions:
        for attendee in {sc.client_id for sc in session.clients}:
            sessions[attendee] += 1
    return sessions


_Draft = tuple[UnitRecord, str]


def _class_of(record: UnitRecord, names: tuple[str, ...], linked: bool) -> tuple[object, ...]:
    """A record's combination; with links, whether it has one is part of it.

    A record without a link (no SLK) stands out among linked ones, and can
    be followed across exports as "the one with no link".
    """
    values = record.quasi_identifiers(names)
    return (*values, record.link is None) if linked else values


def _k_anonymous(
    drafts: list[_Draft], names: tuple[str, ...], k: int, small_classes: str, *, linked: bool
) -> tuple[list[_Draft], int]:
    """The drafts in combinations of at least ``k``, and how many were suppressed; or refuse."""
    measured = k_anonymity(tuple(r for r, _ in drafts), names, required=k)
    sizes = Counter(_class_of(record, names, linked) for record, _ in drafts)
    if measured.satisfied and all(size >= k for size in sizes.values()):
        return drafts, 0
    if small_classes == "refuse":
        small = [size for size in sizes.values() if size < k]
        described = ", ".join(names) + (" and whether a record has a link" if linked else "")
        raise DisclosureRefused(
            "export.k-anonymity",
            f"{sum(small)} record(s) in {len(small)} combination(s) of {described} are "
            f"shared by fewer than {k} records (k = {measured.k}); use a coarser policy or "
            "small_classes='suppress'",
        )
    kept = [d for d in drafts if sizes[_class_of(d[0], names, linked)] >= k]
    return kept, len(drafts) - len(kept)


def export_unit_records(
    dataset: Dataset,
    *,
    as_of: dt.date,
    policy: CoarseningPolicy = STANDARD,
    k: int = 5,
    small_classes: Literal["refuse", "suppress"] = "refuse",
    link_key: bytes | None = None,
    history: ExportHistory | None = None,
) -> UnitRecordExport:
    """A de-identified unit-record export of the dataset's clients.

    Each client becomes one :class:`UnitRecord` carrying only the
    quasi-identifiers ``policy`` keeps, coarsened (the band of sessions
    attended among them). Names, street lines, ids, birth dates and SLKs
    are never copied. Record numbers follow a sorted order of the records,
    not the dataset's order, so they say nothing about when a client was
    added.

    Args:
        dataset: The clients (and sessions, for the counts) to export.
        as_of: The date ages are computed on (such as the end of the period).
        policy: How to coarsen; :data:`STANDARD` by default.
        k: Every combination of kept quasi-identifiers must be shared by at
            least ``k`` records (default 5).
        small_classes: ``"refuse"`` (default) raises when any combination is
            rarer than ``k``; ``"suppress"`` leaves those records out and
            counts them in :attr:`UnitRecordExport.suppressed`.
        link_key: A secret for the linkage hash (:attr:`UnitRecord.link`),
            from :func:`~dexcore.privacy.linkage.new_link_key`; no link is
            written without one. Exports made with the same key link up.
        history: The exports already released to the same audience. When
            given, the export is checked against them (joined on the link,
            and differenced) and added to it; see
            :class:`~dexcore.privacy.linkage.ExportHistory`.

    Raises:
        DisclosureRefused: ``export.k-anonymity`` when a combination is rarer
            than ``k`` and ``small_classes`` is ``"refuse"``;
            ``export.history-policy``, ``export.difference`` or
            ``export.linkage`` when the history refuses it, whatever
            ``small_classes`` says.
        DexValueError: ``export.bad-argument`` (a wrong type, ``k`` below 2,
            an unknown ``small_classes``) or ``export.link-key`` (a weak key).
    """
    _check_arguments(dataset, as_of, policy, k, small_classes)
    key = None if link_key is None else validate_link_key(link_key)
    if history is not None and not isinstance(history, ExportHistory):
        raise DexValueError(
            "export_unit_records: history must be an ExportHistory [export.bad-argument]"
        )
    sessions = _session_counts(dataset)
    drafts = [
        (_record(c, sessions[c.client_id], as_of, policy, key), c.client_id)
        for c in dataset.clients
    ]
    names = policy.quasi_identifiers
    drafts, suppressed = _k_anonymous(drafts, names, k, small_classes, linked=key is not None)
    ordered = sorted(drafts, key=lambda d: (_order(d[0], names), d[0].link or ""))
    records = tuple(attrs.evolve(r, record=i) for i, (r, _) in enumerate(ordered, 1))
    export = UnitRecordExport(
        records=records,
        policy=policy,
        as_of=as_of,
        anonymity=k_anonymity(records, names, required=k),
        suppressed=suppressed,
    )
    if history is not None:
        # Clients are named by id alone, not qualified by the organisation: organisation
        # details that change between exports must not hide that they share clients, and
        # two organisations' clients sharing an id can only make the history stricter.
        history.admit(export, clients=[who for _, who in ordered], k=k, link_key=key)
    return export
