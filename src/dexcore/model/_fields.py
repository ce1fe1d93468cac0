"""Validators and converters shared by the model classes.

Each validator raises :class:`~dexcore.errors.InvalidFieldError` naming the
class and field, with a reason that describes what is allowed and never the
value that was given.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from dexcore.errors import InvalidFieldError, codes_clause

T = TypeVar("T")
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

#: Longest organisation-supplied identifier DEX accepts (Protocols v13 §6.2.1).
MAX_ID_LENGTH = 50
#: Largest count of unidentified clients on a case or session (bulk XSD).
MAX_UNIDENTIFIED = 999


def _repr_pretty(obj: object, printer: Any, cycle: bool) -> None:  # noqa: ANN401
    printer.text(repr(obj))


def print_as_repr(cls: type[T]) -> type[T]:
    """Make pretty printers show ``cls`` by its ``repr``, which leaves personal fields out.

    Hypothesis's printer (falsifying examples) and IPython's call an object's
    ``_repr_pretty_`` before anything else; without it, hypothesis prints an
    attrs class field by field, ``repr=False`` fields included.
    """
    cls._repr_pretty_ = _repr_pretty  # type: ignore[attr-defined]
    return cls


def fail(instance: object, attribute: attrs.Attribute[Any], reason: str) -> InvalidFieldError:
    """Build the error for ``attribute`` of ``instance``."""
    return InvalidFieldError(type(instance).__name__, attribute.name, reason)


# -- converters (module-level functions, as mypy's attrs plugin requires) ----------------------


def code(value: str) -> str:
    """Canonical form of an open-table code: stripped and upper-case."""
    return value.strip().upper() if isinstance(value, str) else value


def optional_code(value: str | None) -> str | None:
    """Like :func:`code`, keeping ``None``."""
    return value.strip().upper() if isinstance(value, str) else value


def codes(value: Iterable[str]) -> tuple[str, ...]:
    """A tuple of canonical codes."""
    if value == ():  # the usual default: nothing to convert
        return ()
    return tuple(code(item) for item in value)


def ints(value: Iterable[int]) -> tuple[int, ...]:
    """A tuple of integers (from any iterable)."""
    return tuple(value)


# -- validators --------------------------------------------------------------------------------


def text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A string with at least one character that is not white space (XSD NonEmptyString)."""
    if not isinstance(value, str) or not value.strip():
        raise fail(instance, attribute, "must be text with at least one non-blank character")


def optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None``, or text as :func:`text` requires."""
    if value is not None:
        text(instance, attribute, value)


def identifier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An organisation-supplied id: non-blank text of at most 50 characters."""
    if (
        isinstance(value, str)
        and 0 < len(value) <= MAX_ID_LENGTH
        and not value[0].isspace()
        and not value[-1].isspace()
    ):
        return  # the usual case, decided without building anything
    text(instance, attribute, value)
    assert isinstance(value, str)  # narrowing after text()
    if len(value) > MAX_ID_LENGTH:
        raise fail(instance, attribute, f"must be at most {MAX_ID_LENGTH} characters")
    if value != value.strip():
        raise fail(instance, attribute, "must not start or end with white space")


def flag(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A real ``bool`` (not 0/1, not a string)."""
    if not isinstance(value, bool):
        raise fail(instance, attribute, "must be true or false")


def optional_flag(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a ``bool``."""
    if value is not None:
        flag(instance, attribute, value)


def day(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A calendar date (``datetime.date``, not a ``datetime``)."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise fail(instance, attribute, "must be a date")


def optional_day(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a date."""
    if value is not None:
        day(instance, attribute, value)


def member(enum_type: type[Any]) -> Validator:
    """A member of the closed code table ``enum_type``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, enum_type):
            raise fail(instance, attribute, _member_reason(enum_type))

    return check


def _member_reason(enum_type: type[Any]) -> str:
    """What a field of the closed table ``enum_type`` takes, and how to parse text into it."""
    name = enum_type.__name__
    codes = tuple(member.value for member in enum_type)
    return (
        f"must be a member of {name}; {name}(text) reads a code in any case"
        f"{codes_clause(codes, any_case=False)}"
    )


def optional_member(enum_type: type[Any]) -> Validator:
    """``None`` or a member of ``enum_type``."""
    inner = member(enum_type)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return check


def whole(low: int, high: int | None = None) -> Validator:
    """An ``int`` (not a ``bool``) from ``low`` to ``high`` inclusive."""
    bounds = f"from {low} to {high}" if high is not None else f"{low} or more"

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or value < low
            or (high is not None and value > high)
        ):
            raise fail(instance, attribute, f"must be a whole number {bounds}")

    return check


def optional_whole(low: int, high: int | None = None) -> Validator:
    """``None`` or a whole number as :func:`whole` requires."""
    inner = whole(low, high)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return check


def optional_money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or a finite ``Decimal`` of at least zero."""
    if value is None:
        return
    if not isinstance(value, decimal.Decimal) or not value.is_finite() or value < 0:
        raise fail(instance, attribute, "must be a decimal amount of 0 or more")


def postcode(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Exactly four ASCII digits, as a string so that ``0800`` keeps its zero."""
    if not (isinstance(value, str) and len(value) == 4 and value.isascii() and value.isdigit()):
        raise fail(instance, attribute, "must be a string of exactly 4 digits")


def all_codes(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A tuple of non-blank codes."""
    if value == ():  # the usual default
        return
    if not isinstance(value, tuple) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise fail(instance, attribute, "must be a sequence of non-blank codes")


def all_of(item_type: type[Any]) -> Validator:
    """A tuple whose items are all ``item_type``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise fail(instance, attribute, f"must be a sequence of {item_type.__name__}")
        for item in value:  # a plain loop: most tuples hold one or two items
            if not isinstance(item, item_type):
                raise fail(instance, attribute, f"must be a sequence of {item_type.__name__}")

    return check


def optional_of(item_type: type[Any]) -> Validator:
    """``None`` or an instance of ``item_type``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, item_type):
            raise fail(instance, attribute, f"must be a {item_type.__name__} or nothing")

    return check


def instance_of(item_type: type[Any]) -> Validator:
    """An instance of ``item_type``."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, item_type):
            raise fail(instance, attribute, f"must be a {item_type.__name__}")

    return check
