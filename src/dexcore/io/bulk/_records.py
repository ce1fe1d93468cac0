"""One record's elements to its model object, or the problem that names the element at fault."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from dexcore.errors import InvalidFieldError, UnknownCodeError, codes_clause
from dexcore.io._schema import EXTENDED, TEXT, BadValueError, Element, Shape
from dexcore.io.bulk._names import (
    _FIELD_TAGS,
    _FOREIGN,
    _LONGEST_PLACEHOLDER,
    PLACEHOLDERS,
    _fix,
    _foreign,
    _is_placeholder,
    _label,
    _nil,
    _step,
)


class _Problem(Exception):  # noqa: N818 (internal signal, never escapes this package)
    """A record (or the document) that cannot be read: the rule, why, and where.

    Inside a record the place is the ``element`` at fault; the reader turns
    it into a line once it knows where the record started.
    """

    def __init__(
        self, code: str, reason: str, path: str, element: ET.Element | None, line: int = 0
    ) -> None:
        super().__init__(reason)
        self.code, self.reason, self.path = code, reason, path
        self.element, self.line = element, line


#: Attributes of the few elements that carry any, keyed by the element.
_Marks = Mapping[ET.Element, Mapping[str, str]]


def _placeholder(element: Element, node: ET.Element, path: str) -> _Problem:
    reason = f"{node.tag} holds a placeholder instead of a value; {_fix(element)}"
    return _Problem("xml.placeholder-value", reason, path, node)


def _leaf(element: Element, node: ET.Element, parent: str, number: int = 0) -> Any:  # noqa: ANN401
    """The value of a simple element; ``parent`` and ``number`` place it only on a problem."""
    if len(node):
        reason = f"{node.tag} must hold a value, not elements"
        raise _Problem("xml.unexpected-element", reason, _path(parent, node, number), node)
    text = node.text or ""
    leaf = element.leaf
    assert leaf is not None
    if leaf is TEXT:
        if _is_placeholder(text):
            raise _placeholder(element, node, _path(parent, node, number))
        return text
    try:
        return leaf.read(text)
    except (BadValueError, UnknownCodeError, InvalidFieldError) as error:
        raise _unreadable(element, node, _path(parent, node, number), text, error) from None


#: What reading a simple value can raise.
_ReadError = BadValueError | UnknownCodeError | InvalidFieldError


def _unreadable(
    element: Element, node: ET.Element, path: str, text: str, error: _ReadError
) -> _Problem:
    """The problem of a simple value that does not read as its type."""
    # No code, number, date or score reads as a placeholder, so look only on failure.
    if _is_placeholder(text):
        return _placeholder(element, node, path)
    return _leaf_problem(node, path, error)


def _path(parent: str, node: ET.Element, number: int) -> str:
    return f"{parent}/{node.tag}[{number}]" if number else f"{parent}/{node.tag}"


def _leaf_problem(node: ET.Element, path: str, error: _ReadError) -> _Problem:
    if isinstance(error, UnknownCodeError):
        reason = f"{node.tag} is not a code of the {error.table} table{codes_clause(error.codes)}"
        return _Problem("xml.unknown-code", reason, path, node)
    return _Problem("xml.bad-value", f"{node.tag} {error.reason}", path, node)


def _unexpected_text(node: ET.Element, path: str) -> _Problem:
    reason = f"{node.tag} must hold elements, not text"
    return _Problem("xml.unexpected-text", reason, path, node)


def _has_text(text: str | None) -> bool:
    return bool(text and not text.isspace())


def _value(element: Element, node: ET.Element, path: str, marks: _Marks | None) -> Any:  # noqa: ANN401
    if element.item is None:  # a record: _build reads a single simple value itself
        assert element.shape is not None
        return _build(element.shape, node, path, marks)
    if _has_text(node.text):
        raise _unexpected_text(node, path)
    items = []
    for number, child in enumerate(node, 1):
        if _has_text(child.tail):
            raise _unexpected_text(node, path)
        child_path = f"{path}/{_step(child.tag)}[{number}]"
        if marks is not None and child in marks and _foreign(marks[child]):
            reason = _FOREIGN.format(_label(child.tag))
            raise _Problem("xml.unexpected-attribute", reason, child_path, child)
        if child.tag != element.item:
            reason = f"{node.tag} holds only {element.item} elements"
            raise _Problem("xml.unknown-element", reason, child_path, child)
        if element.shape is not None:
            items.append(_build(element.shape, child, child_path, marks))
        else:
            items.append(_leaf(element, child, path, number))
    if element.most is not None and len(items) > element.most:
        reason = f"{node.tag} holds at most {element.most} {element.item} elements"
        raise _Problem("xml.too-many", reason, path, node)
    return tuple(items)


def _build(shape: Shape, node: ET.Element, path: str, marks: _Marks | None) -> Any:  # noqa: ANN401, PLR0912
    """The model object for ``node``, or a :class:`_Problem` naming the element at fault.

    The loop is the reader's innermost: it reads simple values itself and
    leaves every problem to the helpers below.
    """
    if marks is not None and node in marks and _foreign(marks[node]):
        raise _Problem("xml.unexpected-attribute", _FOREIGN.format(node.tag), path, node)
    if _has_text(node.text):
        raise _unexpected_text(node, path)
    values: dict[str, Any] = {}
    extended: dict[str, Any] = {}
    last = -1
    by_tag = shape.by_tag
    for child in node:
        tail = child.tail
        if tail and not tail.isspace():
            raise _unexpected_text(node, path)
        found = by_tag.get(child.tag)
        if found is None or found[0] <= last:
            raise _misplaced(shape, node, child, path, last)
        last, element, leaf, plain_text, name, in_extended = found
        if marks is not None and child in marks and _is_nil(child, marks[child], path):
            continue
        if leaf is None:
            value = _value(element, child, f"{path}/{child.tag}", marks)
        elif len(child):
            value = _leaf(element, child, path)  # raises: a value holds no elements
        else:
            text = child.text or ""
            if plain_text:  # _is_placeholder, inlined: this runs once for every value
                if len(text) <= _LONGEST_PLACEHOLDER and text.strip().lower() in PLACEHOLDERS:
                    raise _placeholder(element, child, f"{path}/{child.tag}")
                value = text
            else:
                try:
                    value = leaf.read(text)
                except (BadValueError, UnknownCodeError, InvalidFieldError) as error:
                    raise _unreadable(element, child, f"{path}/{child.tag}", text, error) from None
        (extended if in_extended else values)[name] = value
    if not shape.required <= values.keys():
        _missing(shape, node, path, values)
    try:
        if extended:
            values["extended"] = EXTENDED(**extended)
        return shape.cls(**values)
    except InvalidFieldError as error:
        tag = _FIELD_TAGS.get((error.entity, error.field))
        at = None if tag is None else node.find(tag)
        if tag is None or at is None:
            reason = f"{node.tag}: {error.reason}"
            raise _Problem("xml.invalid-record", reason, path, node) from None
        raise _Problem("xml.bad-value", f"{tag} {error.reason}", f"{path}/{tag}", at) from None


def _misplaced(shape: Shape, node: ET.Element, child: ET.Element, path: str, last: int) -> _Problem:
    """The problem of a ``child`` that is unknown, repeated or out of order."""
    found = shape.by_tag.get(child.tag)
    if found is None:
        reason = f"{_label(child.tag)} is not an element of {node.tag}"
        return _Problem("xml.unknown-element", reason, f"{path}/{_step(child.tag)}", child)
    if found[0] == last:
        reason = f"{child.tag} appears more than once"
        return _Problem("xml.repeated-element", reason, f"{path}/{child.tag}", child)
    reason = f"{child.tag} must come before {shape.elements[last].tag}"
    return _Problem("xml.out-of-order", reason, f"{path}/{child.tag}", child)


def _is_nil(child: ET.Element, attributes: Mapping[str, str], path: str) -> bool:
    """Whether ``child`` is marked nil (and so left out); a problem if its attributes are wrong."""
    if _foreign(attributes):
        reason = _FOREIGN.format(child.tag)
        raise _Problem("xml.unexpected-attribute", reason, f"{path}/{child.tag}", child)
    if not _nil(attributes):
        return False
    if len(child) or _has_text(child.text):
        reason = f"{child.tag} is marked nil but holds a value"
        raise _Problem("xml.bad-value", reason, f"{path}/{child.tag}", child)
    return True


def _missing(shape: Shape, node: ET.Element, path: str, values: Mapping[str, Any]) -> None:
    """Raise the problem of the first required element that ``node`` lacks or marks nil."""
    for element in shape.elements:
        if not element.required or element.name in values:
            continue
        child = node.find(element.tag)
        code = element.not_stated
        unstated = "" if code is None else f" (write {code} where it was not stated)"
        if child is None:
            reason = f"{node.tag} needs a {element.tag} element{unstated}"
            raise _Problem("xml.missing-element", reason, path, node)
        reason = f"{element.tag} must not be nil{unstated}"
        raise _Problem("xml.missing-element", reason, f"{path}/{element.tag}", child)
