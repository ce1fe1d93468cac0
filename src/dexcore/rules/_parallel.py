"""Sharing a check's chunks of records with one forked worker process.

The worker is forked, so it sees the dataset without copying or pickling it
(pickling a large dataset takes longer than checking it, which rules out the
``spawn`` and ``forkserver`` start methods). Everything the worker needs is
handed to it as the arguments of its own :class:`multiprocessing.Process`,
never through a module variable: two threads that each start a worker give
each one its own check.

``fork()`` is only safe in a process with one thread: a lock held by another
thread at that moment stays locked in the child for ever, and Python 3.12+
warns about it. So the worker is used only when this process has a single
thread (counted by the kernel, as Python's warning counts them); otherwise
the caller does all the work itself, with the same result. If the worker
dies or falls silent, the parent checks the chunks it had claimed.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

import attrs

from dexcore._gc import gc_paused

if TYPE_CHECKING:
    import multiprocessing.context
    import multiprocessing.process
    from multiprocessing.connection import Connection

__all__ = ["Shared", "can_fork", "share"]

R = TypeVar("R")

# After the parent's last chunk, the worker has at most the chunk in hand to finish; a worker
# silent for this long is presumed stuck, and its chunks are checked again here.
_GRACE_SECONDS = 60.0
_LINUX = sys.platform.startswith("linux")


def _threads() -> int:
    """Threads in this process: the kernel's count on Linux, else the ones Python started."""
    try:
        # Field 20 is the number of threads; the name in field 2 may hold spaces, so
        # the fields are counted from the ")" that closes it.
        fields = Path("/proc/self/stat").read_bytes().rsplit(b")", 1)[1].split()
        return max(int(fields[17]), threading.active_count())
    except (OSError, IndexError, ValueError):
        return threading.active_count()


def can_fork() -> bool:
    """Whether a worker can be forked safely now.

    Linux only (elsewhere ``fork`` is unsafe or missing), never from a
    daemonic process (which may not have children), and only while this
    process has no other thread.
    """
    # Imported here: a check with one worker (the usual) never loads multiprocessing.
    import multiprocessing  # noqa: PLC0415

    return (
        _LINUX
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
        and _threads() == 1
    )


class _Claims:
    """A counter both processes share: the next chunk nobody has claimed yet.

    Chunks are claimed in order, so the parent, which visits every chunk in
    order, can tell whether the chunk it has reached was taken by the worker
    (the counter is past it) or is its own to claim.
    """

    def __init__(self, context: multiprocessing.context.ForkContext) -> None:
        self._next = context.Value("q", 0)

    def claim_next(self, total: int) -> int | None:
        """Claim the first unclaimed chunk (in the worker), or ``None`` when all are taken."""
        with self._next.get_lock():
            index = int(self._next.value)
            if index >= total:
                return None
            self._next.value = index + 1
            return index

    def claim(self, index: int) -> bool:
        """Claim chunk ``index`` (in the parent) unless the worker already has it."""
        with self._next.get_lock():
            if self._next.value > index:
                return False
            self._next.value = index + 1
            return True


def _serve(claims: _Claims, total: int, theirs: Callable[[int], R], results: Connection) -> None:
    """In the forked worker: ``theirs(i)`` for each chunk ``i`` it claims, sent back at the end.

    Any failure is kept from the terminal (the parent hears the pipe close and
    checks the chunks itself), so no traceback, and no value in one, is shown.
    """
    try:
        with gc_paused():
            found = {}
            while (index := claims.claim_next(total)) is not None:
                found[index] = theirs(index)
            results.send(found)
    except BaseException:  # noqa: BLE001, S110 (the parent redoes the work, see above)
        pass
    finally:
        results.close()


@attrs.frozen(kw_only=True)
class Shared(Generic[R]):
    """Every chunk's result, and which process made it.

    Attributes:
        results: ``results[i]`` is chunk ``i``'s result from the worker, for the
            chunks the worker checked.
        mine: ``mine[i]`` is chunk ``i``'s result in this process, for every chunk.
        worker: The worker's process id, or ``None`` if it failed (its chunks
            were then checked here, and are in ``results`` too).
    """

    results: dict[int, R]
    mine: dict[int, R]
    worker: int | None


def share(
    total: int,
    own: Callable[[int, bool], R],
    theirs: Callable[[int], R],
) -> Shared[R]:
    """Visit chunks ``0 .. total - 1`` in order here while a forked worker claims some of them.

    Args:
        total: How many chunks there are.
        own: Called here for every chunk in order, with whether this process
            claimed it (the worker has it otherwise).
        theirs: Called in the worker for each chunk it claims, and here for
            those chunks if the worker fails.

    Returns:
        Both processes' results. Call only when :func:`can_fork` is true.
    """
    import multiprocessing  # noqa: PLC0415 (see can_fork)

    context = multiprocessing.get_context("fork")
    claims = _Claims(context)
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=_serve, args=(claims, total, theirs, send), daemon=True)
    try:
        worker.start()
    except OSError:  # no memory or no process slot for a fork: this process does it all
        receive.close()
        mine = {i: own(i, True) for i in range(total)}  # noqa: FBT003 (claimed: all are ours)
        return Shared(results={}, mine=mine, worker=None)
    finally:
        send.close()
    results: dict[int, R] | None = None
    try:
        mine = {}
        claimed = set()
        for index in range(total):
            own_it = claims.claim(index)
            if own_it:
                claimed.add(index)
            mine[index] = own(index, own_it)
        results = _receive(receive)
    finally:
        receive.close()
        _end(worker)
    pid = worker.pid if results is not None else None
    if results is None:
        results = {i: theirs(i) for i in range(total) if i not in claimed}
    return Shared(results=results, mine=mine, worker=pid)


def _receive(receive: Connection) -> dict[int, R] | None:
    """The worker's results, or ``None`` if it failed or stayed silent too long."""
    try:
        if receive.poll(_GRACE_SECONDS):
            found: dict[int, R] = receive.recv()
            return found
    except Exception:  # noqa: BLE001, S110 (a broken pipe or message: the work is redone)
        pass
    return None


def _end(worker: multiprocessing.process.BaseProcess) -> None:
    worker.join(timeout=1.0)
    if worker.is_alive():
        worker.terminate()
        worker.join()
