"""Exports to one audience, attacked together: joins on the link, differences, weak keys.

Each attack is run first against exports made without a history, to show it
works there, then through an :class:`ExportHistory` (or a desk), which must
refuse the export or leave every class the attacker can form at ``k`` or
more. The other direction is checked too: exports that are safe together
are not refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dexcore.errors import DexValueError, DisclosureRefused
from dexcore.model import (
    AtsiOrigin,
    Client,
    Dataset,
    Gender,
    Organisation,
    ResidentialAddress,
    State,
)
from dexcore.privacy import (
    ExportHistory,
    ReleaseDesk,
    UnitRecordExport,
    export_unit_records,
    new_link_key,
    validate_link_key,
)
from dexcore.privacy.disclosure import AuditEntry
from dexcore.privacy.exports import MINIMAL, STANDARD

ON = dt.date(2025, 1, 15)
PLACES = {State.ACT: "2611", State.NSW: "2000"}


def client(number: int, *, state: State = State.ACT, disability: bool = False) -> Client:
    """A synthetic client whose SLK (and so link) is unique to ``number``."""
    letters = chr(65 + number // 26 % 26) + chr(65 + number % 26)
    return Client(
        client_id=f"K{number:04d}",
        consent_to_provide_details=False,
        consented_for_future_contacts=False,
        slk=f"{letters}ZQV15061980" + "2",
        birth_date=dt.date(1980, 6, 15),
        gender=Gender.FEMALE,
        country_of_birth="1101",
        language_spoken_at_home="1201",
        atsi_origin=AtsiOrigin.NO,
        has_disabilities=disability,
        residential_address=ResidentialAddress(
            suburb="Brindabella Flats", state=state, postcode=PLACES[state]
        ),
    )


def data(*clients: Client) -> Dataset:
    return Dataset(clients=clients)


# -- what the attacker does with the exports they hold ----------------------------------------


def joined_classes(exports: Sequence[UnitRecordExport]) -> Counter[tuple[Any, ...]]:
    """Join on the link: each link's quasi-identifiers in every export (``()`` when absent)."""
    per_export = []
    for export in exports:
        fields = export.policy.quasi_identifiers
        rows: dict[str, list[tuple[str | None, ...]]] = {}
        for record in export.records:
            if record.link is not None:
                rows.setdefault(record.link, []).append(record.quasi_identifiers(fields))
        per_export.append({link: tuple(sorted(map(str, r))) for link, r in rows.items()})
    links = set().union(*per_export)
    return Counter(tuple(e.get(link, ()) for e in per_export) for link in links)


def differences(old: UnitRecordExport, new: UnitRecordExport) -> dict[tuple[Any, ...], int]:
    """The multiset difference of two exports (same policy), per combination, zeros left out."""
    fields = new.policy.quasi_identifiers
    before = Counter(r.quasi_identifiers(fields) for r in old.records)
    after = Counter(r.quasi_identifiers(fields) for r in new.records)
    changed = {c: after[c] - before[c] for c in before.keys() | after.keys()}
    return {c: d for c, d in changed.items() if d}


def five_and_five() -> list[Client]:
    return [client(n, disability=n >= 5) for n in range(10)]


# -- the difference attack ----------------------------------------------------------------------


def test_difference_attack_finds_a_new_client_without_a_history() -> None:
    """Each export alone is 5-anonymous, yet the difference is the new client's row."""
    before = export_unit_records(data(*five_and_five()), as_of=ON)
    after = export_unit_records(data(*five_and_five(), client(99, disability=True)), as_of=ON)
    assert before.anonymity.k == after.anonymity.k == 5
    (combination, change), *rest = differences(before, after).items()
    assert (change, rest) == (1, [])
    assert combination[STANDARD.quasi_identifiers.index("disability")] == "yes"


def test_difference_attack_is_refused_with_a_history() -> None:
    history = ExportHistory()
    first = export_unit_records(data(*five_and_five()), as_of=ON, history=history)
    assert len(first.records) == 10
    with pytest.raises(DisclosureRefused) as caught:
        export_unit_records(
            data(*five_and_five(), client(99, disability=True)), as_of=ON, history=history
        )
    assert caught.value.rule == "export.difference"
    assert "1 combination(s)" in caught.value.reason
    assert len(history) == 1  # a refused export is not added


def test_a_client_who_left_is_not_isolated_either() -> None:
    history = ExportHistory()
    export_unit_records(data(*five_and_five(), client(99)), as_of=ON, history=history)
    with pytest.raises(DisclosureRefused, match=r"\[export\.difference\]"):
        export_unit_records(data(*five_and_five()), as_of=ON, history=history)


def test_a_batch_of_k_new_clients_is_not_refused() -> None:
    history = ExportHistory()
    export_unit_records(data(*five_and_five()), as_of=ON, history=history)
    newcomers = [client(n, disability=True) for n in range(50, 55)]
    after = export_unit_records(data(*five_and_five(), *newcomers), as_of=ON, history=history)
    assert list(
        differences(export_unit_records(data(*five_and_five()), as_of=ON), after).values()
    ) == [5]
    assert len(history) == 2


# -- the linkage attack -------------------------------------------------------------------------


def swapped() -> tuple[Dataset, Dataset]:
    """Five clients in each state; between the exports, one moves each way."""
    before = [client(n, state=State.ACT if n < 5 else State.NSW) for n in range(10)]
    after = list(before)
    after[0] = client(0, state=State.NSW)
    after[5] = client(5, state=State.ACT)
    return data(*before), data(*after)


def test_linkage_attack_finds_who_moved_without_a_history() -> None:
    before, after = swapped()
    key = new_link_key()
    one = export_unit_records(before, as_of=ON, link_key=key)
    two = export_unit_records(after, as_of=ON, link_key=key)
    assert one.anonymity.k == two.anonymity.k == 5
    assert differences(one, two) == {}  # nothing to see without the link ...
    assert sorted(joined_classes([one, two]).values()) == [1, 1, 4, 4]  # ... two alone with it


def test_linkage_attack_is_refused_with_a_history() -> None:
    before, after = swapped()
    key = new_link_key()
    history = ExportHistory()
    export_unit_records(before, as_of=ON, link_key=key, history=history)
    with pytest.raises(DisclosureRefused) as caught:
        export_unit_records(after, as_of=ON, link_key=key, history=history)
    assert caught.value.rule == "export.linkage"
    assert "fewer than 5" in caught.value.reason


def test_a_fresh_key_makes_exports_unlinkable_and_is_not_refused() -> None:
    before, after = swapped()
    history = ExportHistory()
    one = export_unit_records(before, as_of=ON, link_key=new_link_key(), history=history)
    two = export_unit_records(after, as_of=ON, link_key=new_link_key(), history=history)
    assert {r.link for r in one.records}.isdisjoint({r.link for r in two.records})
    assert all(size == 5 for size in joined_classes([one, two]).values())


@pytest.mark.parametrize("linked", [True, False])
def test_an_unchanged_population_exported_again_is_not_refused(linked: bool) -> None:
    key = new_link_key() if linked else None
    history = ExportHistory()
    exports = [
        export_unit_records(data(*five_and_five()), as_of=ON, link_key=key, history=history)
        for _ in range(3)
    ]
    assert len(history) == 3
    assert exports[0] == exports[2]


def test_disjoint_populations_are_not_refused() -> None:
    key = new_link_key()
    history = ExportHistory()
    outlet_a = [client(n, disability=n % 2 == 0) for n in range(10)]
    # Outlet B's clients look like outlet A's, in slightly different numbers: differencing
    # the two would "find" 1 and 2 records, but they are other people, so nobody is exposed.
    outlet_b = [client(n, disability=n % 2 == 0) for n in range(100, 113)]
    one = export_unit_records(data(*outlet_a), as_of=ON, link_key=key, history=history)
    two = export_unit_records(data(*outlet_b), as_of=ON, link_key=key, history=history)
    assert sorted(differences(one, two).values()) == [1, 2]
    assert min(joined_classes([one, two]).values()) == 5


def test_policies_must_nest_across_exports_of_shared_clients() -> None:
    history = ExportHistory()
    export_unit_records(data(*five_and_five()), as_of=ON, history=history)
    # A subset of the same quasi-identifiers, coarsened alike: nothing new to combine.
    fewer = attrs.evolve(STANDARD, name="fewer", disability=False)
    again = export_unit_records(
        data(*five_and_five()), as_of=ON, policy=fewer, k=10, history=history
    )
    assert again.anonymity.k == 10
    # Other age bands, or crossing sets, would let the attacker intersect the two.
    with pytest.raises(DisclosureRefused, match=r"\[export\.history-policy\]"):
        export_unit_records(data(*five_and_five()), as_of=ON, policy=MINIMAL, history=history)
    crossing = attrs.evolve(STANDARD, name="crossing", atsi=False)
    with pytest.raises(DisclosureRefused, match=r"\[export\.history-policy\]"):
        export_unit_records(data(*five_and_five()), as_of=ON, policy=crossing, history=history)


@st.composite
def two_populations(draw: st.DrawFn) -> tuple[list[Client], list[Client], bool]:
    """A population, and a later one: some leave, some join, some move or change."""
    size = draw(st.integers(0, 24))
    first = [
        client(n, state=draw(st.sampled_from(list(PLACES))), disability=draw(st.booleans()))
        for n in range(size)
    ]
    second: list[Client] = []
    for person in first:
        fate = draw(st.sampled_from(["stay", "stay", "leave", "move", "change"]))
        if fate == "stay":
            second.append(person)
        elif fate == "move":
            other = State.NSW if person.residential_address.state is State.ACT else State.ACT
            second.append(client(int(person.client_id[1:]), state=other))
        elif fate == "change":
            second.append(attrs.evolve(person, has_disabilities=not person.has_disabilities))
    joining = draw(st.integers(0, 8))
    second.extend(
        client(100 + n, state=draw(st.sampled_from(list(PLACES))), disability=draw(st.booleans()))
        for n in range(joining)
    )
    return first, second, second == first


@settings(max_examples=150, deadline=None)
@given(two_populations(), st.sampled_from([2, 3, 5]), st.booleans())
def test_whatever_a_second_export_holds_the_attacker_finds_no_class_below_k(
    populations: tuple[list[Client], list[Client], bool], k: int, same_key: bool
) -> None:
    first, second, unchanged = populations
    key = new_link_key()
    history = ExportHistory()
    one = export_unit_records(
        data(*first), as_of=ON, k=k, small_classes="suppress", link_key=key, history=history
    )
    second_key = key if same_key else new_link_key()
    request = {
        "as_of": ON,
        "k": k,
        "small_classes": "suppress",
        "link_key": second_key,
        "history": history,
    }
    refused: DisclosureRefused | None = None
    try:
        two = export_unit_records(data(*second), **request)  # type: ignore[arg-type]
    except DisclosureRefused as refusal:
        refused = refusal
    if refused is not None:
        assert refused.rule in {"export.difference", "export.linkage"}
        assert not unchanged  # nothing refused without need
        return
    # The difference is guarded between exports that share a client (docs/howto/privacy.md): a
    # difference between other people's records singles nobody out.
    if exported(first, one, key) & exported(second, two, second_key):
        assert all(abs(change) >= k for change in differences(one, two).values())
    assert all(size >= k for size in joined_classes([one, two]).values())


def exported(clients: Sequence[Client], export: UnitRecordExport, key: bytes) -> set[str]:
    """Which clients an export holds, from its links: HMAC-SHA-256 of the SLK, 80 bits."""
    links = {record.link for record in export.records}
    return {
        c.client_id
        for c in clients
        if c.slk is not None
        and hmac.new(key, c.slk.encode("ascii"), hashlib.sha256).hexdigest()[:20] in links
    }


def race(history: ExportHistory) -> list[str]:
    """Two threads export at once: the population, and the population with one more client."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def export(extra: tuple[Client, ...]) -> None:
        barrier.wait()
        try:
            export_unit_records(data(*five_and_five(), *extra), as_of=ON, history=history)
            outcomes.append("granted")
        except DisclosureRefused as refusal:
            outcomes.append(refusal.rule)

    threads = [threading.Thread(target=export, args=(extra,)) for extra in ((), (client(99),))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_threads_cannot_both_slip_past_the_history() -> None:
    """Either export alone is fine; together they differ by one client, so one must be refused."""
    for _ in range(20):
        assert race(ExportHistory()) == ["export.difference", "granted"]


# -- link keys ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("Zorvin-Quellastro-1980-secret-key", "must be bytes, not str"),
        (b"", "at least 16 random bytes"),
        (b"secret-1", "at least 16 random bytes"),
        (bytes(15), "at least 16 random bytes"),
        (bytes(32), "one byte repeated"),
        (b"\xff" * 16, "one byte repeated"),
        (b"Quellastro-1980!!", "printable text must be at least 32"),
        (memoryview(new_link_key()), "must be bytes, not memoryview"),
        (12345678901234567890, "must be bytes, not int"),
    ],
)
def test_weak_link_keys_are_refused(key: object, problem: str) -> None:
    with pytest.raises(DexValueError) as caught:
        validate_link_key(key)
    message = str(caught.value)
    assert problem in message
    assert message.endswith("[export.link-key]")
    assert "\n" not in message
    for secret in ("Zorvin", "Quellastro", "1980"):
        assert secret not in message
    with pytest.raises(DexValueError, match=r"\[export\.link-key\]"):
        export_unit_records(data(*five_and_five()), as_of=ON, link_key=key)  # type: ignore[arg-type]


def test_good_link_keys_are_accepted() -> None:
    key = new_link_key()
    assert isinstance(key, bytes)
    assert len(key) == 32
    assert key != new_link_key()
    assert validate_link_key(key) == key
    assert validate_link_key(bytearray(key)) == key  # copied, so later changes do not matter
    text = b"3f9a1c0e5b7d2468ace13579bdf02468"  # secrets.token_hex(16), as bytes
    assert validate_link_key(text) == text
    assert validate_link_key(bytes(range(16))) == bytes(range(16))


# -- the desk keeps the history -----------------------------------------------------------------


def test_desk_refuses_a_difference_and_audits_it() -> None:
    log: list[AuditEntry] = []
    desk = ReleaseDesk(log)
    request: dict[str, Any] = {
        "recipient": "UNI1",
        "purpose": "evaluation",
        "on": ON,
        "requested_by": "analyst-2",
    }
    desk.deidentified_unit_records(data(*five_and_five()), **request)
    with pytest.raises(DisclosureRefused, match=r"\[export\.difference\]"):
        desk.deidentified_unit_records(data(*five_and_five(), client(99)), **request)
    assert [(e.granted, e.rule, e.records) for e in log] == [
        (True, "", 10),
        (False, "export.difference", 0),
    ]
    assert len(desk.exports) == 1


# -- attacks found in review ------------------------------------------------------------------


def test_the_one_record_without_a_link_cannot_be_followed_across_exports() -> None:
    # Client 0 has no SLK, hence no link: in each export it is the record without one, so
    # an attacker who knows that it has no SLK would see its disability change.
    key = new_link_key()
    history = ExportHistory()
    unlinked = attrs.evolve(client(0), slk=None)
    stayers = [client(n, disability=n > 5) for n in range(1, 11)]
    with pytest.raises(DisclosureRefused) as refused:
        export_unit_records(data(unlinked, *stayers), as_of=ON, link_key=key, history=history)
    assert refused.value.rule == "export.k-anonymity"
    # With small classes suppressed instead, the lone unlinked record is the one left out.
    export = export_unit_records(
        data(unlinked, *stayers), as_of=ON, link_key=key, small_classes="suppress"
    )
    assert export.suppressed == 1
    assert all(record.link is not None for record in export.records)


def test_changed_organisation_details_do_not_hide_shared_clients() -> None:
    first = [client(n) for n in range(1, 6)] + [client(n, disability=True) for n in range(20, 25)]
    newcomer = client(99, disability=True)
    for before, after in [
        (Organisation(name="Acme"), Organisation(name="Acme", organisation_id="1234")),
        (Organisation(name="Acme"), None),
    ]:
        history = ExportHistory()
        export_unit_records(
            Dataset(clients=tuple(first), organisation=before), as_of=ON, history=history
        )
        with pytest.raises(DisclosureRefused) as refused:
            export_unit_records(
                Dataset(clients=(*first, newcomer), organisation=after), as_of=ON, history=history
            )
        assert refused.value.rule == "export.difference"
