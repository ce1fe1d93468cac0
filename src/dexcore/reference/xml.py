"""Read DSS's ``DEXReferenceData`` XML, as downloaded from the DEX portal.

The document (namespace ``http://dex.dss.gov.au/DEXReferenceData``) holds
``ReferenceDataItems[@CodeType]/Item(CodeValue, CodeDescription,
OrderNumber)`` for each code table and
``AssessmentReferenceDataItems/AssessmentReferenceDataItem`` for SCORE:
``ScoreType``, ``ApplicableFor`` and ``Domains/Domain(DomainCode,
DomainDescription, Scores/Score(ScoreCode, Description))``. Files with no
namespace are read the same way. Optional ``AvailableFrom``/``AvailableTo``
children (DEX 1.8, 2019) are honoured where present.

The file is untrusted input: it is parsed with :mod:`defusedxml`, which
refuses DTDs, entities and external references.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse as safe_parse

from dexcore._files import DEFAULT_READ_LIMIT, FileTooLarge, read_limited
from dexcore.errors import DexError, ReferenceDataError
from dexcore.model.codes import ScoreType
from dexcore.reference.tables import (
    CodeItem,
    CodeTable,
    ReferenceData,
    ScoreDomain,
    ScoreTypeInfo,
)

__all__ = ["NAMESPACE", "load_reference_xml"]

#: The namespace of DSS's reference-data documents.
NAMESPACE = "http://dex.dss.gov.au/DEXReferenceData"

Source = str | os.PathLike[str] | bytes | IO[bytes]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: Element, name: str, path: str, *, required: bool = True) -> str:
    found = _children(element, name)
    if not found:
        if required:
            raise ReferenceDataError(f"missing element {name}", path=path)
        return ""
    return (found[0].text or "").strip()


def _date(element: Element, name: str, path: str) -> dt.date | None:
    value = _text(element, name, path, required=False)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ReferenceDataError(f"{name} is not an ISO date", path=f"{path}/{name}") from None


def _item(element: Element, path: str, position: int, source: str) -> CodeItem:
    code = _text(element, "CodeValue", path)
    if not code:
        raise ReferenceDataError("empty CodeValue", path=f"{path}/CodeValue")
    order_text = _text(element, "OrderNumber", path, required=False)
    try:
        order = int(order_text) if order_text else position
    except ValueError:
        raise ReferenceDataError(
            "OrderNumber is not a whole number", path=f"{path}/OrderNumber"
        ) from None
    return CodeItem(
        code=code,
        description=_text(element, "CodeDescription", path, required=False),
        order=order,
        source=source,
        available_from=_date(element, "AvailableFrom", path),
        available_to=_date(element, "AvailableTo", path),
    )


def _table(element: Element, path: str, source: str) -> CodeTable:
    name = (element.get("CodeType") or "").strip()
    if not name:
        raise ReferenceDataError("ReferenceDataItems without a CodeType", path=path)
    items = [
        _item(item, f"{path}/Item[{n}]", n, source)
        for n, item in enumerate(_children(element, "Item"), start=1)
    ]
    return CodeTable(name=name, items=tuple(items), complete=True, source=source)


def _domain(element: Element, path: str, source: str) -> ScoreDomain:
    code = _text(element, "DomainCode", path).upper()
    ratings: dict[int, str] = {}
    for scores in _children(element, "Scores"):
        for n, score in enumerate(_children(scores, "Score"), start=1):
            score_path = f"{path}/Scores/Score[{n}]"
            score_code = _text(score, "ScoreCode", score_path).upper()
            rating = score_code.removeprefix(code)
            if not (score_code.startswith(code) and rating in {"1", "2", "3", "4", "5"}):
                raise ReferenceDataError(
                    "ScoreCode is not the domain code followed by 1-5",
                    path=f"{score_path}/ScoreCode",
                )
            ratings[int(rating)] = _text(score, "Description", score_path, required=False)
    return ScoreDomain(
        code=code,
        description=_text(element, "DomainDescription", path, required=False),
        ratings=tuple(ratings.get(n, "") for n in range(1, 6)),
        source=source,
        available_from=_date(element, "AvailableFrom", path),
        available_to=_date(element, "AvailableTo", path),
    )


def _score_type(element: Element, path: str, source: str) -> ScoreTypeInfo:
    try:
        score_type = ScoreType(_text(element, "ScoreType", path))
    except DexError:
        raise ReferenceDataError("unknown ScoreType", path=f"{path}/ScoreType") from None
    domains = [
        _domain(domain, f"{path}/Domains/Domain[{n}]", source)
        for container in _children(element, "Domains")
        for n, domain in enumerate(_children(container, "Domain"), start=1)
    ]
    return ScoreTypeInfo(
        score_type=score_type,
        applicable_for=_text(element, "ApplicableFor", path, required=False)
        or ("Session" if score_type.for_sessions else "Client"),
        domains=tuple(domains),
    )


def _bytes(source: Source, limit: int | None) -> bytes:
    """The document's bytes, at most ``limit`` of them (:class:`FileTooLarge` beyond)."""
    if isinstance(source, (str, os.PathLike)):
        return read_limited(source, limit)
    data = source if isinstance(source, bytes) else source.read(-1 if limit is None else limit + 1)
    if limit is not None and len(data) > limit:
        raise FileTooLarge(limit)
    return data


def _parse(source: Source, limit: int | None) -> Element:
    try:
        tree = safe_parse(io.BytesIO(_bytes(source, limit)), forbid_dtd=True)
    except DefusedXmlException:
        raise ReferenceDataError("DTDs, entities and external references are refused") from None
    except ParseError as error:
        line = error.position[0] if error.position else None
        raise ReferenceDataError("not well-formed XML", line=line) from None
    except OSError as error:
        raise ReferenceDataError(f"cannot read the file ({error.strerror})") from None
    except FileTooLarge as error:
        raise ReferenceDataError(error.reason()) from None
    except (LookupError, ValueError):  # from expat's handler for an encoding it lacks
        raise ReferenceDataError(
            "the XML declaration names an encoding that cannot be read; save as UTF-8"
        ) from None
    root = tree.getroot()
    if root is None or _local(root.tag) != "DEXReferenceData":
        raise ReferenceDataError("the root element is not DEXReferenceData", path="/")
    return root


def load_reference_xml(
    source: Source,
    *,
    source_id: str = "file",
    description: str = "DEXReferenceData file supplied by the caller",
    max_size: int | None = DEFAULT_READ_LIMIT,
) -> ReferenceData:
    """Read a DSS ``DEXReferenceData`` document.

    Args:
        source: A path, the document's bytes, or a binary file object.
        source_id: The id recorded as every item's source.
        description: What the file is, recorded under ``source_id``.
        max_size: The largest document to read, in bytes (``None``: no limit);
            by default 40 MB, as for bulk-upload files.

    Returns:
        The tables and SCORE types the file holds (it has no service types;
        lay it over :func:`~dexcore.reference.bundled` with
        :meth:`~dexcore.reference.ReferenceData.updated_with` to keep them).

    Raises:
        ReferenceDataError: the document cannot be read, is larger than
            ``max_size``, is not well-formed, names an encoding that cannot
            be read, uses a DTD or entities, or an element is missing or
            malformed; the error names the element's path.
    """
    root = _parse(source, max_size)
    tables: dict[str, CodeTable] = {}
    score_types: dict[ScoreType, ScoreTypeInfo] = {}
    for n, element in enumerate(_children(root, "ReferenceDataItems"), start=1):
        table = _table(element, f"/DEXReferenceData/ReferenceDataItems[{n}]", source_id)
        if table.name in tables:
            raise ReferenceDataError(
                "a CodeType appears twice", path=f"/DEXReferenceData/ReferenceDataItems[{n}]"
            )
        tables[table.name] = table
    for container in _children(root, "AssessmentReferenceDataItems"):
        for n, element in enumerate(_children(container, "AssessmentReferenceDataItem"), 1):
            path = (
                f"/DEXReferenceData/AssessmentReferenceDataItems/AssessmentReferenceDataItem[{n}]"
            )
            info = _score_type(element, path, source_id)
            score_types[info.score_type] = info
    return ReferenceData(
        tables=tables,
        score_types=score_types,
        service_types={},
        sources={source_id: description},
        title=description,
    )
