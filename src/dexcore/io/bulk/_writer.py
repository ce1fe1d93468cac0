"""Writing a dataset as bulk-upload files, each under DSS's size limit."""

from __future__ import annotations

from typing import Any

import attrs

from dexcore.errors import DexValueError, InvalidFieldError
from dexcore.io._schema import COLLECTIONS, Collection, Element, Shape
from dexcore.io.bulk._names import _NOT_XML, _fix, _is_placeholder, _owner
from dexcore.model import Dataset, Outlet

#: DSS's limit on one bulk-upload file: 10 MB, counted in decimal megabytes to be safe.
DEFAULT_MAX_BYTES = 10_000_000


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        # A raw carriage return would be read back as a line feed.
        text = text.replace("\r", "&#13;")
    return text


class _Writer:
    def __init__(self, *, pretty: bool) -> None:
        self.pretty = pretty

    def record(self, shape: Shape, obj: object, tag: str, depth: int, *, consented: bool) -> str:
        parts: list[str] = []
        self._complex(parts, shape, obj, tag, depth, consented=consented)
        return "".join(parts)

    def _pad(self, depth: int) -> str:
        return "  " * depth if self.pretty else ""

    def _complex(
        self,
        parts: list[str],
        shape: Shape,
        obj: Any,  # noqa: ANN401
        tag: str,
        depth: int,
        *,
        consented: bool,
    ) -> None:
        newline = "\n" if self.pretty else ""
        pad = self._pad(depth)
        parts.append(f"{pad}<{tag}>{newline}")
        inner = self._pad(depth + 1)
        for element in shape.elements:
            if element.personal and not consented:
                continue  # the law, whatever the model holds
            value = getattr(obj.extended if element.extended else obj, element.name)
            if value is None or value == ():
                continue  # optional elements are left out, never emptied
            if element.item is not None:
                parts.append(f"{inner}<{element.tag}>{newline}")
                for item in value:
                    if element.shape is not None:
                        self._complex(
                            parts, element.shape, item, element.item, depth + 2, consented=consented
                        )
                    else:
                        self._leaf(parts, shape, element, item, tag=element.item, depth=depth + 2)
                parts.append(f"{inner}</{element.tag}>{newline}")
            elif element.shape is not None:
                self._complex(
                    parts, element.shape, value, element.tag, depth + 1, consented=consented
                )
            else:
                self._leaf(parts, shape, element, value, tag=element.tag, depth=depth + 1)
        parts.append(f"{pad}</{tag}>{newline}")

    def _leaf(
        self,
        parts: list[str],
        shape: Shape,
        element: Element,
        value: object,
        *,
        tag: str,
        depth: int,
    ) -> None:
        assert element.leaf is not None
        text = element.leaf.write(value)
        if _NOT_XML.search(text):
            reason = "contains a control character that XML cannot carry"
            raise InvalidFieldError(_owner(shape, element), element.name, reason)
        if _is_placeholder(text):
            reason = (
                f"holds a placeholder instead of a value; {_fix(element, omit='set it to None')}"
            )
            raise InvalidFieldError(_owner(shape, element), element.name, reason)
        parts.append(
            f"{self._pad(depth)}<{tag}>{_escape(text)}</{tag}>" + ("\n" if self.pretty else "")
        )


_HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n<DEXFileUpload>\n'
_TAIL = b"</DEXFileUpload>\n"
# The schema's root is a choice repeated at most five times: at most five collections a file.
_MOST_COLLECTIONS = 5


class _Packer:
    """Fills files up to ``max_bytes``, opening and closing collection elements as needed."""

    def __init__(self, max_bytes: int, *, pretty: bool) -> None:
        self.max_bytes = max_bytes
        self.newline = b"\n" if pretty else b""
        self.indent = b"  " if pretty else b""
        self.files: list[bytes] = []
        self.parts: list[bytes] = []
        self.size = 0
        self.groups = 0
        self.open: Collection | None = None

    def _closing(self) -> bytes:
        return b"" if self.open is None else self._tag(f"</{self.open.tag}>")

    def _opening(self, collection: Collection) -> bytes:
        return self._tag(f"<{collection.tag}>")

    def _tag(self, tag: str) -> bytes:
        return self.indent + tag.encode() + self.newline

    def add(self, collection: Collection, record: bytes, where: str) -> None:
        """Append ``record`` to ``collection``, starting a new file when this one is full."""
        closing = len(self._tag(f"</{collection.tag}>")) + len(_TAIL)
        if self.parts:
            switching = self.open is not collection
            # Joining this file costs the record, and on a switch of collection the
            # previous collection's closing tag and this one's opening tag.
            extra = len(self._closing()) + len(self._opening(collection)) if switching else 0
            too_big = self.size + extra + len(record) + closing > self.max_bytes
            too_many = switching and self.groups >= _MOST_COLLECTIONS
            if too_big or too_many:
                self.finish()
        if not self.parts:
            self.parts.append(_HEAD)
            self.size = len(_HEAD)
            opening = self._opening(collection)
            if self.size + len(opening) + len(record) + closing > self.max_bytes:
                raise DexValueError(
                    f"{where} alone is larger than the limit of {self.max_bytes} bytes a file"
                )
        if self.open is not collection:
            for tag in (self._closing(), self._opening(collection)):
                self.parts.append(tag)
                self.size += len(tag)
            self.open = collection
            self.groups += 1
        self.parts.append(record)
        self.size += len(record)

    def finish(self) -> None:
        if not self.parts:
            return
        self.parts.append(self._closing())
        self.parts.append(_TAIL)
        self.files.append(b"".join(self.parts))
        self.parts, self.size, self.groups, self.open = [], 0, 0, None


def write_bulk(
    dataset: Dataset, *, max_bytes: int = DEFAULT_MAX_BYTES, pretty: bool = True
) -> list[bytes]:
    """The dataset as DEX bulk-upload files, each under ``max_bytes``.

    Collections go in the order outlets, clients, cases, sessions, session
    assessments, client assessments, so that a file refers only to records
    in itself or in an earlier file; upload the files in the order given.
    A dataset with no records gives no file.

    What the bulk format does not carry is not written: the organisation
    and its program activities (DSS's organisation activity file), and
    outlet activity ids (DEX assigns them). :func:`upload_part` gives the
    dataset as the files hold it.

    Args:
        dataset: The records to write.
        max_bytes: The largest file to produce, in bytes (DSS: 10 MB).
        pretty: Indent the elements, one to a line (the default), or write
            each file with no white space between elements.

    Raises:
        InvalidFieldError: a text holds a character XML cannot carry, or a
            placeholder such as ``no value``.
        DexValueError: one record alone is larger than ``max_bytes``.
    """
    writer = _Writer(pretty=pretty)
    packer = _Packer(max_bytes, pretty=pretty)
    depth = 2 if pretty else 0
    for collection in COLLECTIONS:
        shape = collection.shape
        client_records = collection.field == "clients"
        for index, record in enumerate(getattr(dataset, collection.field)):
            consented = record.consent_to_provide_details if client_records else True
            text = writer.record(shape, record, collection.record, depth, consented=consented)
            packer.add(collection, text.encode("utf-8"), f"{collection.kind} #{index}")
    packer.finish()
    return packer.files


def upload_part(dataset: Dataset) -> Dataset:
    """The part of ``dataset`` that :func:`write_bulk` writes.

    ``read_bulk(write_bulk(d)) == upload_part(d)`` for every valid dataset.

    It drops what the bulk format does not carry (the organisation, outlet
    activity ids) and what the law keeps out of it (the names and street
    lines of clients who did not consent).
    """
    clients = tuple(
        client
        if client.consent_to_provide_details
        else attrs.evolve(
            client,
            given_name=None,
            family_name=None,
            residential_address=attrs.evolve(
                client.residential_address, address_line1=None, address_line2=None
            ),
        )
        for client in dataset.clients
    )
    outlets = tuple(_without_activity_ids(outlet) for outlet in dataset.outlets)
    return attrs.evolve(dataset, clients=clients, outlets=outlets, organisation=None)


def _without_activity_ids(outlet: Outlet) -> Outlet:
    activities = tuple(
        attrs.evolve(activity, outlet_activity_id=None) for activity in outlet.activities
    )
    return attrs.evolve(outlet, activities=activities)
