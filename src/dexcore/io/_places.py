"""Where a record of a dataset read from bulk XML sits in its file, in the file's own terms.

A rule names a record by its index in the dataset (``$.clients[6]``) and a
field by its Python name (``.given_name``). The file knows neither: its
records are numbered from 1 among those of their collection, counting the
ones that could not be read, and its elements have DSS's names. This module
turns the one into the other: ``/DEXFileUpload/Clients/Client[8]/GivenName``.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Collection as Many
from typing import IO
from xml.parsers import expat

import attrs

from dexcore.io._schema import COLLECTIONS, Collection, Shape

__all__ = ["Places", "element_lines", "file_terms", "xml_path"]

_ROOT = "DEXFileUpload"
_BY_KIND: Mapping[str, Collection] = {c.kind: c for c in COLLECTIONS}
_RECORD = re.compile(r"\$\.(\w+)\[(\d+|\*)\]")
_STEP = re.compile(r"\.(\w+)(?:\[(\d+)\])?")


@attrs.frozen(kw_only=True)
class Places:
    """Each record's file and position, from where each file starts and what it left out.

    Attributes:
        starts: For each kind, the dataset index of the first record of
            each file (one entry a file, in order).
        dropped: For each kind, ``(file, index)`` for each record left out
            (it came just before dataset record ``index``), in order.
    """

    starts: Mapping[str, Sequence[int]] = attrs.field(factory=dict)
    dropped: Mapping[str, Sequence[tuple[int, int]]] = attrs.field(factory=dict)

    def place(self, kind: str, index: int) -> tuple[int, int]:
        """The file (from 0) and the position in its collection (from 1) of a record."""
        starts = self.starts.get(kind) or [0]
        file = max(bisect.bisect_right(starts, index) - 1, 0)
        dropped = self.dropped.get(kind, ())
        before = bisect.bisect_right(dropped, (file, index)) - bisect.bisect_left(
            dropped, (file, -1)
        )
        return file, index - starts[file] + 1 + before


def xml_path(kind: str, position: int | None, path: str) -> str | None:
    """The XML path of the rule path ``path`` (``$.clients[6].given_name``) of a record.

    ``position`` is the record's position in its collection in the file
    (``None`` for a path about every record, ``$.clients[*].gender``). The
    field part is followed as far as it names DSS elements; ``None`` when
    the record's kind is not a collection of the file.
    """
    found = _translate(kind, position, path)
    return None if found is None else found[0]


def file_terms(kind: str, position: int | None, path: str, message: str) -> tuple[str, str] | None:
    """``path`` as an XML path, and ``message`` with the path's field names as elements.

    Only the field names with an underscore (``given_name``) are rewritten
    (``GivenName``): a one-word name such as ``code`` is also an English word.
    """
    found = _translate(kind, position, path)
    if found is None:
        return None
    xml, names = found
    for name, tag in names:
        if "_" in name:
            message = re.sub(rf"\b{name}\b", tag, message)
    return xml, message


def _translate(
    kind: str, position: int | None, path: str
) -> tuple[str, list[tuple[str, str]]] | None:
    collection = _BY_KIND.get(kind)
    if collection is None:
        return None
    record = _RECORD.match(path)
    rest = path[record.end() :] if record is not None else ""
    at = "" if position is None else f"[{position}]"
    steps, names = _steps(collection.shape, rest)
    return f"/{_ROOT}/{collection.tag}/{collection.record}{at}" + steps, names


def _steps(shape: Shape | None, rest: str) -> tuple[str, list[tuple[str, str]]]:
    """The XML steps of the field part ``rest`` (``.clients[2].client_id``) below ``shape``.

    Also each field name met on the way, with its element's tag.
    """
    found = ""
    names: list[tuple[str, str]] = []
    extended = False
    for step in _STEP.finditer(rest):
        name, number = step.group(1), step.group(2)
        if shape is None:
            break
        if name == "extended" and not extended:
            extended = True
            continue
        field = f"extended.{name}" if extended else name
        extended = False
        element = next((e for e in shape.elements if e.field == field), None)
        if element is None:
            break
        found += f"/{element.tag}"
        names.append((name, element.tag))
        if element.item is not None and number is not None:
            found += f"/{element.item}[{int(number) + 1}]"
        shape = element.shape
        if element.item is not None and number is None:
            break
    return found, names


class _Found(Exception):  # noqa: N818 (internal signal: every wanted line is known)
    """Every path asked for has its line."""


class _Refused(Exception):  # noqa: N818 (internal signal: the file has a DTD now)
    """The file declares a document type: it is not read again."""


def element_lines(stream: IO[bytes], paths: Many[str]) -> dict[str, int]:
    """The line of each element of ``paths`` (XML paths as :func:`xml_path` writes them).

    One pass over ``stream`` with expat, stopping once every path is found.
    A file that now declares a document type, or is no longer well-formed,
    gives what was found before that point.
    """
    wanted = set(paths)
    prefixes = {path[: end.start()] for path in wanted for end in re.finditer("/", path)}
    prefixes |= wanted
    found: dict[str, int] = {}
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    stack: list[tuple[str | None, dict[str, int]]] = [("", {})]
    records: dict[str, int] = {}

    def start(tag: str, _attributes: object) -> None:
        parent, counts = stack[-1]
        if parent is None:
            stack.append((None, {}))
            return
        counter = records if len(stack) == 3 else counts
        number = counter[tag] = counter.get(tag, 0) + 1
        here = next(
            (p for p in (f"{parent}/{tag}[{number}]", f"{parent}/{tag}") if p in prefixes), None
        )
        if here in wanted:
            found[here] = parser.CurrentLineNumber
            if len(found) == len(wanted):
                raise _Found
        stack.append((here, {}))

    parser.StartElementHandler = start
    parser.EndElementHandler = _pop(stack)
    with contextlib.suppress(_Found, _Refused, expat.ExpatError):
        parser.ParseFile(stream)
    return found


def _refuse(*_: object) -> None:
    raise _Refused


def _pop(stack: list[tuple[str | None, dict[str, int]]]) -> Callable[[str], None]:
    def end(_tag: str) -> None:
        stack.pop()

    return end
