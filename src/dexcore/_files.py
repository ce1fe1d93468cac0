"""Opening a file the caller names, without trusting what the name points to.

A name can point at a directory, at a named pipe (FIFO) that no program
writes to, or at a device such as ``/dev/zero`` that never ends. Opening
a FIFO for reading waits for a writer, so it is opened without waiting and
then read normally: with no writer, reading ends at once, as an empty file.
Reading stops once more than the caller's limit has come in, so an endless
device costs the limit and no more.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import IO

__all__ = [
    "DEFAULT_READ_LIMIT",
    "FileTooLarge",
    "open_binary",
    "read_limited",
    "read_unless_regular",
    "refuse_larger",
]

#: The largest file dexcore reads unless told otherwise: four times DSS's limit of 10 MB
#: a bulk-upload file, so that any file DSS could accept is read with room to spare.
DEFAULT_READ_LIMIT = 40_000_000


class FileTooLarge(Exception):  # noqa: N818 (an internal signal: each reader raises its own error)
    """More than ``limit`` bytes came in; each reader turns this into its documented error."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit

    def reason(self) -> str:
        """The sentence the readers put in their errors."""
        return (
            f"the file is larger than the limit of {self.limit:,} bytes"
            " (DSS accepts 10 MB a file); raise the limit (max_size, or --max-size on the"
            " command line) to read it"
        )


def open_binary(path: str | os.PathLike[str]) -> IO[bytes]:
    """``path`` opened for reading in binary, without blocking on a FIFO with no writer.

    Raises:
        OSError: it cannot be opened, or it is a directory.
    """
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, os.O_RDONLY | nonblocking | getattr(os, "O_CLOEXEC", 0))
    try:
        _refuse_directory(descriptor, path)
        if nonblocking:
            os.set_blocking(descriptor, True)  # a FIFO with no writer now reads as ended
        return open(descriptor, "rb")  # noqa: PTH123 (a descriptor; the caller closes it)
    except BaseException:
        os.close(descriptor)
        raise


def _refuse_directory(descriptor: int, path: str | os.PathLike[str]) -> None:
    if stat.S_ISDIR(os.fstat(descriptor).st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))


def refuse_larger(stream: IO[bytes], limit: int | None) -> int | None:
    """The size of ``stream`` when it is a regular file; :class:`FileTooLarge` above ``limit``."""
    try:
        info = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):  # not a real file (BytesIO and the like)
        return None
    if not stat.S_ISREG(info.st_mode):
        return None  # a pipe or a device: its size shows only while it is read
    if limit is not None and info.st_size > limit:
        raise FileTooLarge(limit)
    return info.st_size


def read_limited(path: str | os.PathLike[str], limit: int | None) -> bytes:
    """The bytes of the file at ``path``, or :class:`FileTooLarge` past ``limit`` bytes.

    Raises:
        OSError: the file cannot be opened or read.
        FileTooLarge: it holds more than ``limit`` bytes.
    """
    with open_binary(path) as stream:
        refuse_larger(stream, limit)
        data = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise FileTooLarge(limit)
    return data


def read_unless_regular(path: str | os.PathLike[str], limit: int | None) -> bytes | None:
    """``None`` for a regular file no larger than ``limit`` (read it by name); else its bytes.

    A pipe or a device can be read only once, and shows its size only as it
    is read: it is read here, up to the limit.

    Raises:
        OSError: it cannot be opened or read.
        FileTooLarge: it holds more than ``limit`` bytes.
    """
    with open_binary(path) as stream:
        if refuse_larger(stream, limit) is not None:
            return None
        data = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise FileTooLarge(limit)
    return data
