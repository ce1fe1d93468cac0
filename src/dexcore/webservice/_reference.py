"""``GetReferenceData``'s answer read into :class:`~dexcore.reference.ReferenceData`.

The response's layout is not public. dexcore reads it in the layout of
DSS's published ``DEXReferenceData`` file: ``ReferenceDataItems`` (with a
``CodeType``) holding ``Item`` elements of ``CodeValue``,
``CodeDescription`` and ``OrderNumber``, found at any depth of the answer.
This awaits DSS's test environment (see the web-services how-to page).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dexcore.errors import ReferenceDataError
from dexcore.reference import CodeItem, CodeTable, ReferenceData

__all__ = ["reference_from_answer"]

_SOURCE = "webservice"


def _groups(value: object) -> Iterator[Mapping[str, Any]]:
    """Every ``ReferenceDataItems`` mapping in the answer, depth first."""
    if isinstance(value, Mapping):
        for name, item in value.items():
            if name == "ReferenceDataItems":
                yield from (i for i in (item if isinstance(item, list) else [item]) if i)
            else:
                yield from _groups(item)
    elif isinstance(value, list):
        for item in value:
            yield from _groups(item)


def _item(item: Mapping[str, Any], position: int) -> CodeItem:
    order = item.get("OrderNumber")
    return CodeItem(
        code=str(item.get("CodeValue") or ""),
        description=str(item.get("CodeDescription") or ""),
        order=int(order) if order is not None else position,
        source=_SOURCE,
    )


def reference_from_answer(answer: Mapping[str, Any], code_type: str) -> ReferenceData:
    """The code tables of a ``GetReferenceData`` answer (plain data).

    Raises:
        ReferenceDataError: an item has no ``CodeValue``, a group no ``CodeType``.
    """
    tables: dict[str, CodeTable] = {}
    for n, group in enumerate(_groups(answer), start=1):
        name = str(group.get("CodeType") or "")
        if not name:
            raise ReferenceDataError("ReferenceDataItems without a CodeType", path=f"[{n}]")
        raw = group.get("Item") or []
        items = [_item(item, k) for k, item in enumerate(raw, start=1)]
        if any(not item.code for item in items):
            raise ReferenceDataError("an Item without a CodeValue", path=f"[{n}]")
        tables[name] = CodeTable(name=name, items=tuple(items), source=_SOURCE)
    description = f"DEX web service GetReferenceData ({code_type})"
    return ReferenceData(tables=tables, sources={_SOURCE: description}, title=description)
