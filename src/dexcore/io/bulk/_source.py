"""What the readers accept (a path, bytes or a binary file object), opened as a stream."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from typing import IO

from dexcore._files import DEFAULT_READ_LIMIT as _READ_LIMIT
from dexcore._files import FileTooLarge, open_binary, refuse_larger
from dexcore.errors import BulkReadError

#: The largest file :func:`read_bulk` and :func:`load_bulk` read unless given ``max_size``:
#: 40 MB, four times DSS's limit, so that any file DSS could accept is read.
DEFAULT_READ_LIMIT = _READ_LIMIT


#: What :func:`read_bulk` accepts: a path, the file's bytes, or a binary file object.
BulkSource = str | os.PathLike[str] | bytes | bytearray | IO[bytes]


def _open(source: BulkSource, limit: int | None) -> tuple[IO[bytes], int | None, bool]:
    """A binary stream for ``source``, its size when known, and whether to close it.

    Raises :class:`FileTooLarge` when the size is known and above ``limit``.
    """
    if isinstance(source, (bytes, bytearray)):
        if limit is not None and len(source) > limit:
            raise FileTooLarge(limit)
        return io.BytesIO(bytes(source)), len(source), True
    if isinstance(source, (str, os.PathLike)):
        try:
            stream = open_binary(source)
        except OSError as error:
            reason = f"the file cannot be opened ({error.strerror})"
        else:
            try:
                return stream, refuse_larger(stream, limit), True
            except FileTooLarge:
                stream.close()
                raise
        # Outside the handler: the OSError names the file, which may name a person.
        raise BulkReadError("xml.cannot-open", "/", None, reason)
    if hasattr(source, "read"):
        refuse_larger(source, limit)
        return source, None, False
    raise TypeError("read_bulk needs a path, bytes or a binary file object")


def _sources(source: BulkSource | Sequence[BulkSource]) -> list[BulkSource]:
    if isinstance(source, (list, tuple)):
        return list(source)
    return [source]  # type: ignore[list-item]  # a single source, as the isinstance test says
