"""Threads and processes: each call gets its own answer; the collector and caches are left safe.

The guarantees are those of docs/howto/threads.md: a call from several threads gives each the answer
it would get alone; ``workers=2`` forks a helper only from a single-threaded process, and the
helper really checks records; the collector's state is restored however passes interleave;
every cache of values from the data is bounded and emptied by ``dexcore.clear_caches``.
"""

from __future__ import annotations

import _thread
import concurrent.futures
import datetime as dt
import functools
import gc
import importlib
import multiprocessing
import os
import pkgutil
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import pytest

import dexcore
from dexcore import _caches
from dexcore._gc import gc_paused
from dexcore.errors import DexValueError
from dexcore.io.bulk import read_bulk, write_bulk
from dexcore.kpi import standard_kpis
from dexcore.model import (
    AtsiOrigin,
    Case,
    CaseClient,
    Client,
    Dataset,
    Gender,
    ReasonForAssistance,
    ResidentialAddress,
    Session,
    SessionClient,
    State,
)
from dexcore.periods import ReportingPeriod
from dexcore.privacy import IdLeak, identifier_leaks
from dexcore.rules import DEX, SETS, Finding, RecordRule, Report, RuleSet, _parallel, check, checker
from dexcore.slk import generate

TODAY = dt.date(2025, 1, 15)
H2 = ReportingPeriod.parse("2024-H2")
ALL = DEX + SETS
#: The process running the test (set again for each test, below: a test runner may fork
#: after importing this module, as mutmut does for each mutant); a forked worker inherits it.
PARENT = os.getpid()
CHECK_MODULE = checker
DOCS = Path(__file__).resolve().parent.parent / "docs"
# Python 3.12+ warns when a multi-threaded process forks; only the test that forces such
# forks (to attack the hand-over of state to the worker) expects the warning.
FORK_WARNING = "ignore:This process .* is multi-threaded:DeprecationWarning"


def people(prefix: str, size: int) -> Dataset:
    """Synthetic clients, one case each, three sessions each; one session in four names a
    case the dataset lacks, so the check reports many records, each with an id that starts
    with ``prefix``."""
    rng = random.Random(prefix)
    address = ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800")
    reason = (ReasonForAssistance(code="HOUSING", is_primary=True),)
    clients, cases, sessions = [], [], []
    for n in range(size):
        born = dt.date(1940 + rng.randrange(70), 1 + rng.randrange(12), 1 + rng.randrange(28))
        family, given = f"Fam{rng.randrange(500)}ly", f"Giv{rng.randrange(300)}en"
        gender = rng.choice(list(Gender))
        consent = n % 4 != 0
        client_id = f"{prefix}-C{n:05d}"
        clients.append(
            Client(
                client_id=client_id,
                consent_to_provide_details=consent,
                consented_for_future_contacts=False,
                given_name=given if consent else None,
                family_name=family if consent else None,
                slk=generate(family, given, born, gender),
                birth_date=born,
                gender=gender,
                country_of_birth="1101",
                language_spoken_at_home="1201",
                atsi_origin=AtsiOrigin.NO,
                residential_address=address,
            )
        )
        case_id = f"{prefix}-K{n:05d}"
        cases.append(
            Case(
                case_id=case_id,
                outlet_activity_id=101,
                total_unidentified_clients=0,
                clients=(CaseClient(client_id=client_id, reasons_for_assistance=reason),),
            )
        )
        sessions += [
            Session(
                session_id=f"{prefix}-S{n:05d}-{k}",
                case_id=case_id if (n + k) % 4 else f"{prefix}-X{n:05d}",
                session_date=dt.date(2024, 7, 1) + dt.timedelta(days=rng.randrange(180)),
                service_type_id=1,
                clients=(SessionClient(client_id=client_id),),
            )
            for k in range(3)
        ]
    return Dataset(clients=tuple(clients), cases=tuple(cases), sessions=tuple(sessions))


@pytest.fixture(autouse=True)
def _parent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "PARENT", os.getpid())


@pytest.fixture(scope="module")
def small_a() -> Dataset:
    return people("A", 300)


@pytest.fixture(scope="module")
def small_b() -> Dataset:
    return people("B", 200)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[_parallel.Shared[Any]]:
    """Every hand-over to a worker in the test, as the parallel path returned it."""
    seen: list[_parallel.Shared[Any]] = []
    original = _parallel.share

    def spy(*args: Any, **kwargs: Any) -> _parallel.Shared[Any]:
        shared = original(*args, **kwargs)
        seen.append(shared)
        return shared

    monkeypatch.setattr(_parallel, "share", spy)
    monkeypatch.setattr(CHECK_MODULE, "_CHUNK", 50)
    return seen


@contextmanager
def collector(enabled: bool) -> Iterator[None]:
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        yield
    finally:
        (gc.enable if was else gc.disable)()


def single_threaded(request: pytest.FixtureRequest) -> bool:
    """Make sure this test can fork; ``True`` when it ran, and passed, in a fresh process instead.

    Waits for the threads of earlier tests to be gone from the kernel's count too. Some test
    modules import libraries that start native threads of their own (Arrow, polars), and
    dexcore rightly refuses to fork a process with other threads: the test then runs alone
    in a fresh interpreter, and passes only if it passes there.
    """
    deadline = time.monotonic() + 5
    while _parallel._threads() > 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    if _parallel._threads() == 1:
        return False
    assert not os.environ.get(_CLEAN_CHILD), "a thread is left running: the worker cannot fork"
    child = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", request.node.nodeid],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, _CLEAN_CHILD: "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert child.returncode == 0, child.stdout[-4000:] + child.stderr[-2000:]
    return True


_CLEAN_CHILD = "DEXCORE_TEST_CLEAN_CHILD"


def session_rule(code: str, check_: Callable[[object, object], list[Finding]]) -> RuleSet:
    rule = ALL.rule("session.no-client")
    assert isinstance(rule, RecordRule)
    info = attrs.evolve(rule.info, code=code)
    return RuleSet(name="test", version="1", rules=(RecordRule(info=info, check=check_),))


def _slow_in_parent(record: object, context: object) -> list[Finding]:
    # The parent lingers on its sessions, so the worker certainly claims some.
    if os.getpid() == PARENT:
        time.sleep(0.004)
    return []


def _dies_in_worker(record: object, context: object) -> list[Finding]:
    if os.getpid() != PARENT:
        os._exit(7)
    time.sleep(0.002)
    return []


def _hangs_in_worker(record: object, context: object) -> list[Finding]:
    time.sleep(30 if os.getpid() != PARENT else 0.002)
    return []


def own_ids_only(report: Report, prefix: str) -> bool:
    return all(i.record.id is None or i.record.id.startswith(prefix) for i in report.issues)


# -- the worker ---------------------------------------------------------------------------


def test_the_worker_really_checks_records_and_the_report_is_the_serial_one(
    small_a: Dataset,
    forks: list[_parallel.Shared[Any]],
    request: pytest.FixtureRequest,
) -> None:
    if single_threaded(request):
        return
    serial = check(small_a, ALL, today=TODAY)
    parallel = check(small_a, ALL + session_rule("test.slow", _slow_in_parent), today=TODAY,
                     workers=2)  # fmt: skip
    (shared,) = forks
    assert shared.worker is not None
    assert shared.worker != os.getpid()
    worker_issues = [issue for found in shared.results.values() for issue in found]
    assert worker_issues, "the worker checked no record that has an issue"
    assert set(worker_issues) <= set(serial.issues)
    assert len(serial.issues) > 200
    assert parallel.issues == serial.issues


@pytest.mark.parametrize("chunk", [1, 2, 2_000])
def test_parallel_check_gives_the_serial_report_however_the_chunks_fall(
    chunk: int,
    forks: list[_parallel.Shared[Any]],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    """workers=2 shares the records with a forked process, chunk by chunk; the report must not
    change, however the chunks fall between the two processes, for record rules and rules over
    the whole dataset alike. The worker must have run: a serial fallback passes nothing."""
    from test_rules import FAILING, valid_dataset  # the rule tests' one-error datasets

    if single_threaded(request):
        return
    monkeypatch.setattr(CHECK_MODULE, "_CHUNK", chunk)
    dataset = valid_dataset()
    for code in (
        "client.consent.names-without-consent",
        "session.no-client",
        "session.date.closed-period",
        "client.not-stated",
        "case.id.duplicate",
    ):
        dataset = {c: m for c, m, _ in FAILING}[code](dataset)
    today = dt.date(2024, 9, 1)
    serial = check(dataset, ALL, today=today)
    parallel = check(dataset, ALL, today=today, workers=2)
    (shared,) = forks
    assert shared.worker is not None
    assert shared.worker != os.getpid()
    assert len(serial.issues) >= 5
    assert parallel.issues == serial.issues
    assert parallel == serial


def test_a_worker_that_dies_is_replaced_by_this_process(
    small_b: Dataset,
    forks: list[_parallel.Shared[Any]],
    capfd: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    if single_threaded(request):
        return
    serial = check(small_b, ALL, today=TODAY)
    report = check(small_b, ALL + session_rule("test.dies", _dies_in_worker), today=TODAY,
                   workers=2)  # fmt: skip
    (shared,) = forks
    assert shared.worker is None
    assert shared.results, "the dead worker's chunks were checked here"
    assert report.issues == serial.issues
    assert "Traceback" not in capfd.readouterr().err


def test_a_silent_worker_is_stopped_and_replaced(
    small_b: Dataset,
    forks: list[_parallel.Shared[Any]],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    if single_threaded(request):
        return
    monkeypatch.setattr(_parallel, "_GRACE_SECONDS", 0.3)
    serial = check(small_b, ALL, today=TODAY)
    started = time.monotonic()
    report = check(small_b, ALL + session_rule("test.hangs", _hangs_in_worker), today=TODAY,
                   workers=2)  # fmt: skip
    assert time.monotonic() - started < 20
    (shared,) = forks
    assert shared.worker is None
    assert report.issues == serial.issues


def test_a_daemonic_process_checks_by_itself(
    small_b: Dataset, request: pytest.FixtureRequest
) -> None:
    """A daemonic multiprocessing worker (a Pool's) may not have children."""
    if single_threaded(request):
        return
    serial = check(small_b, ALL, today=TODAY)

    def child() -> None:
        os._exit(0 if check(small_b, ALL, today=TODAY, workers=2) == serial else 1)

    process = multiprocessing.get_context("fork").Process(target=child, daemon=True)
    process.start()
    process.join(60)
    assert process.exitcode == 0


@pytest.mark.parametrize("workers", [0, -2, 1.5, "2", True, None])
def test_workers_must_be_a_whole_number_from_one(small_b: Dataset, workers: Any) -> None:
    with pytest.raises(DexValueError, match=r"^check: workers must be a whole number"):
        check(small_b, ALL, today=TODAY, workers=workers)


# -- the hand-over, in this process ------------------------------------------------------
# The forked worker's side runs here too (mutmut, and coverage, see only this process), with
# the answers worked out by hand from the docstrings of dexcore.rules._parallel.


def test_the_counter_hands_each_chunk_to_one_process_in_order() -> None:
    claims = _parallel._Claims(multiprocessing.get_context("fork"))
    assert claims.claim(0) is True  # the parent reaches chunk 0 first: the counter goes to 1
    assert claims.claim_next(4) == 1  # the worker takes the next one: 1, the counter 2
    assert claims.claim(1) is False  # the parent reaches 1: the worker has it
    assert claims.claim(2) is True  # the parent takes 2: the counter 3
    assert claims.claim_next(4) == 3  # the worker takes 3, the last: the counter 4
    assert claims.claim_next(4) is None  # all four are taken
    assert claims.claim(3) is False


def test_the_worker_sends_the_chunks_it_claimed_with_the_collector_paused() -> None:
    context = multiprocessing.get_context("fork")
    claims = _parallel._Claims(context)
    assert claims.claim(0)  # the parent has chunk 0: the worker gets 1 and 2 of 3
    receive, send = context.Pipe(duplex=False)
    paused: list[bool] = []

    def theirs(index: int) -> int:
        paused.append(not gc.isenabled())
        return 10 * index

    with collector(True):
        _parallel._serve(claims, 3, theirs, send)
        assert gc.isenabled()
    assert receive.recv() == {1: 10, 2: 20}
    assert paused == [True, True]
    assert send.closed
    assert claims.claim_next(3) is None


def test_a_failing_worker_sends_nothing_and_closes_its_end(
    capfd: pytest.CaptureFixture[str],
) -> None:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def theirs(index: int) -> int:
        raise ValueError("C-SECRET")

    _parallel._serve(_parallel._Claims(context), 2, theirs, send)  # no exception escapes
    assert send.closed
    assert _parallel._receive(receive) is None  # the pipe closed unsent: the parent redoes all
    assert capfd.readouterr().err == ""


def test_the_parent_receives_what_was_sent_and_nothing_from_a_silent_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    send.send({3: "three"})
    assert _parallel._receive(receive) == {3: "three"}
    monkeypatch.setattr(_parallel, "_GRACE_SECONDS", 0.05)
    started = time.monotonic()
    assert _parallel._receive(receive) is None  # nothing more, and the end still open
    assert time.monotonic() - started >= 0.05
    send.close()


def test_without_a_fork_this_process_claims_and_checks_every_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No memory or no process slot for a fork: every chunk is this process's, claimed."""

    def refuse(self: object) -> None:
        raise OSError("no process slot")

    monkeypatch.setattr(multiprocessing.get_context("fork").Process, "start", refuse)
    seen: list[tuple[int, bool]] = []

    def own(index: int, claimed: bool) -> str:
        seen.append((index, claimed))
        return f"mine {index}"

    shared = _parallel.share(3, own, lambda index: f"theirs {index}")
    assert shared == _parallel.Shared(
        results={}, mine={0: "mine 0", 1: "mine 1", 2: "mine 2"}, worker=None
    )
    assert seen == [(0, True), (1, True), (2, True)]


def test_the_worker_is_daemonic_so_it_never_outlives_this_process(
    request: pytest.FixtureRequest,
) -> None:
    if single_threaded(request):
        return

    def own(index: int, claimed: bool) -> bool | None:
        if claimed:
            time.sleep(1.0)  # the worker claims a chunk meanwhile
        return None

    shared = _parallel.share(2, own, lambda index: multiprocessing.current_process().daemon)
    assert shared.worker is not None
    assert shared.results, "the worker claimed no chunk"
    assert set(shared.results.values()) == {True}


def test_the_parent_checks_the_chunks_it_claims_and_the_worker_the_others(
    request: pytest.FixtureRequest,
) -> None:
    """The worker lingers on each chunk it takes, so this process claims some; no chunk is
    both's, and none is nobody's."""
    if single_threaded(request):
        return
    seen: list[tuple[int, bool]] = []

    def own(index: int, claimed: bool) -> str:
        seen.append((index, claimed))
        return "mine"

    def theirs(index: int) -> str:
        time.sleep(1.0)
        return "theirs"

    shared = _parallel.share(3, own, theirs)
    assert shared.worker is not None
    assert [index for index, _ in seen] == [0, 1, 2]
    claimed = {index for index, claimed in seen if claimed}
    assert claimed, "this process claimed no chunk"
    assert claimed | set(shared.results) == {0, 1, 2}
    assert not claimed & set(shared.results)


class _Worker:
    """A stand-in for the worker process: what was asked of it, and whether it still runs."""

    def __init__(self, *, alive: bool) -> None:
        self.alive = alive
        self.calls: list[tuple[str, float | None]] = []

    def join(self, timeout: float | None = None) -> None:
        self.calls.append(("join", timeout))

    def is_alive(self) -> bool:
        return self.alive

    def terminate(self) -> None:
        self.calls.append(("terminate", None))
        self.alive = False


def test_a_finished_worker_is_joined_and_a_stuck_one_ended() -> None:
    done, stuck = _Worker(alive=False), _Worker(alive=True)
    _parallel._end(done)  # type: ignore[arg-type]
    _parallel._end(stuck)  # type: ignore[arg-type]
    assert done.calls == [("join", 1.0)]
    assert stuck.calls == [("join", 1.0), ("terminate", None), ("join", None)]


def test_the_thread_count_is_the_kernels_with_threads_python_did_not_start() -> None:
    """A thread started below threading (as native libraries start theirs) counts too."""
    tasks = Path("/proc/self/task")  # one entry per thread of this process, as the kernel sees
    release, started = _thread.allocate_lock(), _thread.allocate_lock()
    release.acquire()
    started.acquire()

    def native() -> None:
        started.release()
        release.acquire()

    _thread.start_new_thread(native, ())
    started.acquire()
    comm = Path("/proc/self/comm")
    name = comm.read_text(encoding="ascii").strip()
    try:
        kernel = len(list(tasks.iterdir()))
        assert kernel > threading.active_count()  # Python does not know of the native one
        assert _parallel._threads() == kernel  # the kernel does
        assert not _parallel.can_fork()
        # The process's name, which /proc/self/stat gives in brackets, may hold brackets.
        comm.write_text("a) 1 2 (b) 3", encoding="ascii")
        assert _parallel._threads() == kernel
    finally:
        comm.write_text(name, encoding="ascii")
        release.release()


def test_threads_falls_back_on_pythons_count_without_the_kernels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Unreadable:
        def __init__(self, path: str) -> None:
            assert path == "/proc/self/stat"

        def read_bytes(self) -> bytes:
            raise OSError

    monkeypatch.setattr(_parallel, "Path", Unreadable)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert _parallel._threads() == 2
    finally:
        stop.set()
        thread.join()


# -- threads ------------------------------------------------------------------------------


def run_together(jobs: dict[str, Callable[[], object]], rounds: int) -> list[dict[str, object]]:
    """Every job in its own thread, released together, ``rounds`` times."""
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], object]) -> object:
        barrier.wait(timeout=30)
        return job()

    answers = []
    with concurrent.futures.ThreadPoolExecutor(len(jobs)) as pool:
        for _ in range(rounds):
            futures = {name: pool.submit(run, job) for name, job in jobs.items()}
            answers.append({name: future.result() for name, future in futures.items()})
    return answers


@pytest.mark.parametrize("collector_on", [True, False])
def test_threads_at_once_each_get_the_answer_they_would_get_alone(
    small_a: Dataset, small_b: Dataset, forks: list[_parallel.Shared[Any]], collector_on: bool
) -> None:
    upload = write_bulk(small_a)
    jobs: dict[str, Callable[[], object]] = {
        "check A": lambda: check(small_a, ALL, today=TODAY, workers=2),
        "check B": lambda: check(small_b, ALL, today=TODAY, workers=2),
        "read A": lambda: read_bulk(upload),
        "kpi B": lambda: standard_kpis(small_b, H2),
    }
    with collector(collector_on):
        check_a, check_b = check(small_a, ALL, today=TODAY), check(small_b, ALL, today=TODAY)
        alone = {
            "check A": check_a,
            "check B": check_b,
            "read A": read_bulk(upload),
            "kpi B": standard_kpis(small_b, H2),
        }
        for answers in run_together(jobs, rounds=3):
            assert answers == alone
            assert gc.isenabled() is collector_on
    assert own_ids_only(check_a, "A-")
    assert own_ids_only(check_b, "B-")
    assert len(check_b.issues) > 100
    # With other threads running, fork() could deadlock the worker: nobody forked.
    assert forks == []


@pytest.mark.filterwarnings(FORK_WARNING)
def test_workers_forked_from_two_threads_at_once_never_swap_datasets(
    small_a: Dataset,
    small_b: Dataset,
    forks: list[_parallel.Shared[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The attack on the hand-over: both threads fork at the same moment (the thread guard
    is switched off here), and each worker must check its own thread's dataset."""
    monkeypatch.setattr(_parallel, "_threads", lambda: 1)
    monkeypatch.setattr(_parallel, "_GRACE_SECONDS", 20.0)
    spy = _parallel.share
    together = threading.Barrier(2)

    def share_together(*args: Any) -> _parallel.Shared[Any]:
        together.wait(timeout=30)
        return spy(*args)

    monkeypatch.setattr(_parallel, "share", share_together)
    alone = {
        "A": check(small_a, ALL, today=TODAY).issues,
        "B": check(small_b, ALL, today=TODAY).issues,
    }
    slow = ALL + session_rule("test.slow", _slow_in_parent)  # so that the workers take chunks
    jobs: dict[str, Callable[[], object]] = {
        "A": lambda: check(small_a, slow, today=TODAY, workers=2).issues,
        "B": lambda: check(small_b, slow, today=TODAY, workers=2).issues,
    }
    for answers in run_together(jobs, rounds=4):
        assert answers == alone
    assert len(forks) == 8
    assert all(shared.worker is not None for shared in forks)
    assert sum(1 for shared in forks if shared.results) >= 4


# -- the garbage collector ----------------------------------------------------------------


@pytest.mark.parametrize("collector_on", [True, False])
def test_the_shared_pause_holds_and_restores_however_threads_interleave(
    collector_on: bool,
) -> None:
    """Attack on a pause made of isenabled() then disable() per pass: the pass that found the
    collector on turns it back on while another pass is still running (and, with a thread
    switch between the two calls, the last pass out can leave it off for good)."""
    inside_enabled: list[bool] = []

    def passes(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(300):
            with gc_paused():
                if rng.random() < 0.5:
                    time.sleep(0)  # let another thread run: it may start or end its pass
                inside_enabled.append(gc.isenabled())

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with collector(collector_on):
            with concurrent.futures.ThreadPoolExecutor(6) as pool:
                list(pool.map(passes, range(6)))
            assert gc.isenabled() is collector_on
    finally:
        sys.setswitchinterval(switch)
    assert len(inside_enabled) == 1800
    assert not any(inside_enabled)


def test_pauses_nest_and_a_collector_turned_off_stays_off() -> None:
    with collector(True):
        with gc_paused():
            with gc_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()
    with collector(False):
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_child_forked_during_a_pause_gets_the_collector_back(
    request: pytest.FixtureRequest,
) -> None:
    if single_threaded(request):
        return
    with collector(True), gc_paused():
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child)
            code = 0 if gc.isenabled() else 1
            with gc_paused():
                code |= 2 if gc.isenabled() else 0
            code |= 0 if gc.isenabled() else 4
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert not gc.isenabled()
    assert os.waitstatus_to_exitcode(status) == 0


# -- caches -------------------------------------------------------------------------------


def distinct_birth_dates(size: int) -> Dataset:
    dataset = people("Z", size)
    first = dt.date(1930, 1, 1)
    clients = tuple(
        attrs.evolve(client, birth_date=first + dt.timedelta(days=n))
        for n, client in enumerate(dataset.clients)
    )
    return Dataset(clients=clients)


def letters(number: int) -> str:
    """``number`` spelt with letters only (names are compared by their letters)."""
    return "".join("abcdefghij"[int(digit)] for digit in str(number))


def test_caches_are_bounded_and_clear_caches_empties_every_one() -> None:
    bound = 4096
    for n in range(bound + 500):
        born = dt.date(1930, 1, 1) + dt.timedelta(days=n)
        # (an id with a long run of digits and the year's two digits, so that the
        # birth date's digit forms are needed)
        identifier_leaks(
            f"ID{n:06d}-{born:%y}",
            given_name=f"Marker{letters(n)}giv",
            family_name=f"Marker{letters(n)}fam",
            birth_date=born,
        )
    read_bulk(write_bulk(distinct_birth_dates(bound + 200)))
    caches = _caches.registered()
    assert len(caches) >= 10
    for cache in caches:
        info = cache.cache_info()
        assert info.maxsize is not None
        assert info.currsize <= info.maxsize <= bound
    full = {cache.__wrapped__.__name__ for cache in caches if cache.cache_info().currsize == bound}
    assert {"_letters", "_name_grams", "date_forms", "_read_date"} <= full
    dexcore.clear_caches()
    assert [cache.cache_info().currsize for cache in caches] == [0] * len(caches)


def test_every_cache_of_values_from_the_data_is_registered() -> None:
    """Attack: a cache added without the registry would keep names past clear_caches."""
    for info in pkgutil.walk_packages(dexcore.__path__, "dexcore."):
        if not info.name.endswith("__main__"):  # (that one runs the command line)
            importlib.import_module(info.name)
    registered = {id(cache) for cache in _caches.registered()}
    found = {
        f"{obj.__module__}.{obj.__qualname__}"
        for obj in gc.get_objects()
        if isinstance(obj, functools._lru_cache_wrapper)
        and str(getattr(obj, "__module__", "")).startswith("dexcore")
        and id(obj) not in registered
    }
    # Caches of things that are not personal: the bundled reference data, test strategies.
    not_personal = re.compile(
        r"dexcore\.(reference\.snapshot\.bundled|testing\.strategies\.[\w.]+)"
    )
    assert {name for name in found if not not_personal.fullmatch(name)} == set()


def test_clear_caches_is_safe_while_other_threads_use_them() -> None:
    def leaks() -> frozenset[IdLeak]:
        return identifier_leaks(
            "giv-01011930", given_name="Giv", family_name="Fam", birth_date=dt.date(1930, 1, 1)
        )

    expected = leaks()
    stop = threading.Event()

    def clear() -> None:
        while not stop.is_set():
            dexcore.clear_caches()

    clearer = threading.Thread(target=clear)
    clearer.start()
    try:
        answers = {leaks() for _ in range(2000)}
    finally:
        stop.set()
        clearer.join()
    assert expected == {IdLeak.NAME, IdLeak.BIRTH_DATE}
    assert answers == {expected}


def test_the_threads_page_examples_run() -> None:
    page = (DOCS / "howto" / "threads.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/howto/threads.md", "exec"), {})
