"""The element names DEX defines, and the small tests every reader and the writer share."""

from __future__ import annotations

import re
from collections.abc import Mapping

from dexcore.io._schema import COLLECTIONS, EXTENDED, Element, Shape

#: Texts that stand in for a missing value in hand-built uploads. DSS rejects them or,
#: worse, stores them; dexcore refuses them on the way in and on the way out.
PLACEHOLDERS = frozenset({"no value", "novalue", "null", "n/a", "#n/a", "undefined", "tba", "tbc"})

_LONGEST_PLACEHOLDER = max(len(text) for text in PLACEHOLDERS) + 2  # with some blanks


# Expat reports namespaced names as "namespace}local" (ElementTree's separator).
_XSI = "http://www.w3.org/2001/XMLSchema-instance}"
_XSI_NIL = _XSI + "nil"
_ROOT = "DEXFileUpload"
_CHUNK = 1 << 16
# No DEX record comes near this many elements; a record that does is refused before the
# tree holding it grows to gigabytes (a 40 MB file can hold ten million empty elements).
_MOST_ELEMENTS = 100_000
_BY_TAG = {collection.tag: collection for collection in COLLECTIONS}
_ID_TAGS = ("ClientId", "CaseId", "SessionId", "Name")
# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _owner(shape: Shape, element: Element) -> str:
    """The model class that holds ``element``'s field, as errors name it."""
    return EXTENDED.__name__ if element.extended else shape.cls.__name__


def _field_tags() -> Mapping[tuple[str, str], str]:
    """``(model class, field)`` → element tag, to place a model error on its element."""
    found: dict[tuple[str, str], str] = {}
    seen: set[int] = set()

    def visit(shape: Shape) -> None:
        if id(shape) in seen:
            return
        seen.add(id(shape))
        for element in shape.elements:
            found[(_owner(shape, element), element.name)] = element.tag
            if element.shape is not None:
                visit(element.shape)

    for collection in COLLECTIONS:
        visit(collection.shape)
    return found


_FIELD_TAGS = _field_tags()


def _known_tags() -> frozenset[str]:
    """Every element name DEX defines: the only tags a message or path may repeat."""
    found = {_ROOT, *_FIELD_TAGS.values()}
    for collection in COLLECTIONS:
        found |= {collection.tag, collection.record}
    seen: set[int] = set()

    def visit(shape: Shape) -> None:
        if id(shape) not in seen:
            seen.add(id(shape))
            for element in shape.elements:
                found.update(tag for tag in (element.tag, element.item) if tag)
                if element.shape is not None:
                    visit(element.shape)

    for collection in COLLECTIONS:
        visit(collection.shape)
    return frozenset(found)


_KNOWN_TAGS = _known_tags()


def _label(tag: str) -> str:
    """``tag`` when DEX defines it; otherwise a phrase (a tag is file text, like any value)."""
    return tag if tag in _KNOWN_TAGS else "an element DEX does not define"


def _step(tag: str) -> str:
    """``tag`` as a path step when DEX defines it; otherwise XPath's ``*``."""
    return tag if tag in _KNOWN_TAGS else "*"


# -- reading ----------------------------------------------------------------------------------


_FOREIGN = "{} carries an attribute DEX does not define"


def _foreign(attributes: Mapping[str, str]) -> bool:
    """Whether any attribute is not one of XML Schema's instance attributes (``xsi:nil``…)."""
    return any(not key.startswith(_XSI) for key in attributes)


def _nil(attributes: Mapping[str, str]) -> bool:
    return attributes.get(_XSI_NIL, "").strip() in ("true", "1")


def _is_placeholder(text: str) -> bool:
    return len(text) <= _LONGEST_PLACEHOLDER and text.strip().lower() in PLACEHOLDERS


def _fix(element: Element, *, omit: str = "leave the element out") -> str:
    """What to write for ``element`` when its value is unknown (the schema's own answer).

    A mandatory element cannot be left out: its table's "not stated" code is
    the answer, where it has one. An optional element is simply left out.
    """
    code = element.not_stated
    if element.required:
        if code is not None:
            return f"DEX requires it: write {code}, the code for 'not stated'"
        return "DEX requires it: write the real value"
    if code is not None:
        return f"{omit}, or write {code} for 'not stated'"
    return omit
