"""Column kinds: the Arrow type of each kind of model value, and reading a value back.

Writing turns a column of Python values into an Arrow array of the kind's
type: dates as ``date32``, whole numbers as integers of a fixed width, codes
as dictionary (categorical) arrays, decimals as ``decimal128`` with the
scale the values need. Reading takes what a frame library gives back (a
``datetime`` at midnight for a date, a float with no fraction for a whole
number that pandas stored beside a missing value) and either returns the
model's value or raises :class:`BadCell` with a reason that never repeats
the value.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import pyarrow as pa

from dexcore.errors import InvalidFieldError, UnknownCodeError
from dexcore.model import CodeEnum

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


class BadCell(Exception):  # noqa: N818 (an internal signal, turned into an Issue by the reader)
    """A cell that does not hold a value of its column's kind.

    Attributes:
        code: The issue code, such as ``frames.bad-value``.
        reason: Why, naming the kind expected and never the value.
        where: Position inside a list cell, such as ``[2].rating``; empty for the cell.
    """

    def __init__(self, code: str, reason: str, where: str = "") -> None:
        super().__init__(reason)
        self.code, self.reason, self.where = code, reason, where


def _midnight(value: dt.datetime) -> bool:
    return value.tzinfo is None and value.time() == dt.time()


def _iso_date(text: str) -> dt.date:
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise BadCell("frames.bad-value", "expected a real calendar date") from None
    raise BadCell("frames.bad-value", "expected a date written YYYY-MM-DD")


def read_date(value: object) -> dt.date:
    """A ``date``; also a naive ``datetime`` at midnight (as pandas may hold one) or ISO text."""
    if isinstance(value, str):
        return _iso_date(value)
    if isinstance(value, dt.datetime):
        if _midnight(value):
            return value.date()
        raise BadCell("frames.bad-value", "expected a date, not a time of day")
    if isinstance(value, dt.date):
        return value
    raise BadCell("frames.bad-value", "expected a date")


def read_int(value: object) -> int:
    """A whole number; a float with no fraction (pandas beside a missing value) is accepted."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise BadCell("frames.bad-value", "expected a whole number")


def read_bool(value: object) -> bool:
    """``True`` or ``False`` (not 0/1, not text)."""
    if isinstance(value, bool):
        return value
    raise BadCell("frames.bad-value", "expected true or false")


def read_text(value: object) -> str:
    """Text."""
    if isinstance(value, str):
        return value
    raise BadCell("frames.bad-value", "expected text")


def read_decimal(value: object) -> decimal.Decimal:
    """A decimal amount, or its text; a float is refused (it cannot hold cents exactly)."""
    if isinstance(value, decimal.Decimal) and value.is_finite():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return decimal.Decimal(value)
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return decimal.Decimal(value)
    raise BadCell("frames.bad-value", 'expected a decimal amount (or text such as "12.50")')


def code_reader(table: type[CodeEnum]) -> Callable[[object], CodeEnum]:
    """A reader of the closed code table ``table`` (case-insensitive, as the model parses)."""

    def read(value: object) -> CodeEnum:
        if not isinstance(value, str):
            raise BadCell("frames.bad-value", f"expected a {table.__name__} code as text")
        try:
            return table(value)
        except UnknownCodeError:
            raise BadCell(
                "frames.unknown-code", f"not a code of the {table.__name__} table"
            ) from None

    return read


def read_codes(value: object) -> tuple[str, ...]:
    """A list of codes."""
    if not isinstance(value, list | tuple):
        raise BadCell("frames.bad-value", "expected a list of codes")
    return tuple(read_text(item) for item in value)


def read_ints(value: object) -> tuple[int, ...]:
    """A list of whole numbers."""
    if not isinstance(value, list | tuple):
        raise BadCell("frames.bad-value", "expected a list of whole numbers")
    return tuple(read_int(item) for item in value)


def _field(value: dict[str, Any], name: str, read: Callable[[object], Any]) -> Any:  # noqa: ANN401
    try:
        return read(value[name])
    except BadCell as problem:
        raise BadCell(problem.code, problem.reason, f".{name}{problem.where}") from None


def struct_reader(
    cls: type[Any], fields: dict[str, tuple[Callable[[object], Any], bool]]
) -> Callable[[object], Any]:
    """A reader of one struct item into ``cls``; ``fields`` maps a name to (reader, required)."""

    def read(value: object) -> Any:  # noqa: ANN401
        if not isinstance(value, dict):
            raise BadCell("frames.bad-value", "expected a record")
        kwargs = {}
        for name, (read_one, required) in fields.items():
            if value.get(name) is not None:
                kwargs[name] = _field(value, name, read_one)
            elif required:
                raise BadCell("frames.missing-value", "a value is required", f".{name}")
        try:
            return cls(**kwargs)
        except InvalidFieldError as error:
            raise BadCell("frames.bad-value", error.reason, f".{error.field}") from None

    return read


# -- writing ------------------------------------------------------------------------------------


def _code_array(values: Sequence[Any]) -> pa.Array:
    # The code tables are StrEnums, which Arrow takes as the text of their codes.
    return pa.array(values, type=pa.string()).dictionary_encode()


def _decimal_array(values: Sequence[Any]) -> pa.Array:
    """``decimal128`` at the largest scale the values use (at least 2), so each reads back equal."""
    scale, digits = 2, 1
    for value in values:
        if value is not None:
            _sign, numerals, exponent = value.as_tuple()
            assert isinstance(exponent, int)  # finite, as the model requires
            scale = max(scale, -exponent)
            digits = max(digits, len(numerals) + max(exponent, 0))
    precision = digits + scale
    kind = pa.decimal128(precision, scale) if precision <= 38 else pa.decimal256(76, scale)
    return pa.array(values, type=kind)


def _textual(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    view = getattr(pa.types, "is_string_view", _never)  # pyarrow 16 and later
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind) or view(kind))


def _text_lists(kind: pa.DataType) -> bool:
    listed = pa.types.is_list(kind) or pa.types.is_large_list(kind)
    return bool(listed and _textual(kind.value_type))


def _never(_kind: pa.DataType) -> bool:
    return False


@attrs.frozen
class Kind:
    """How one kind of value is written to Arrow and read back.

    Attributes:
        name: A short name used in messages, such as ``date``.
        write: Python values to an Arrow array.
        read: One non-null cell to the model's value (raising :class:`BadCell`).
        native: The Arrow types whose Python values are already the
            model's, so that reading them needs no call per cell.
        few: Whether a column holds few distinct values (codes), so that
            each distinct value is read once.
    """

    name: str
    write: Callable[[Sequence[Any]], pa.Array]
    read: Callable[[object], Any]
    native: Callable[[pa.DataType], bool] = _never
    few: bool = False


def _typed(arrow_type: pa.DataType) -> Callable[[Sequence[Any]], pa.Array]:
    def write(values: Sequence[Any]) -> pa.Array:
        return pa.array(values, type=arrow_type)

    return write


def _dates(kind: pa.DataType) -> bool:
    return bool(pa.types.is_date32(kind) or pa.types.is_date64(kind))


TEXT = Kind("text", _typed(pa.string()), read_text, _textual)
OPEN_CODE = Kind("code", _code_array, read_text, _textual)
DATE = Kind("date", _typed(pa.date32()), read_date, _dates)
BOOL = Kind("bool", _typed(pa.bool_()), read_bool, pa.types.is_boolean)
INT8 = Kind("int8", _typed(pa.int8()), read_int, pa.types.is_integer)
INT32 = Kind("int32", _typed(pa.int32()), read_int, pa.types.is_integer)
INT64 = Kind("int64", _typed(pa.int64()), read_int, pa.types.is_integer)
DECIMAL = Kind("decimal", _decimal_array, read_decimal, pa.types.is_decimal)
CODES = Kind("codes", _typed(pa.list_(pa.string())), read_codes, _text_lists)
INTS = Kind("ints", _typed(pa.list_(pa.int32())), read_ints)


def code(table: type[CodeEnum]) -> Kind:
    """The kind of a closed code table: a dictionary column read back as ``table``."""
    return Kind("code", _code_array, code_reader(table), few=True)


def structs(arrow_type: pa.DataType, read: Callable[[object], Any]) -> Kind:
    """A list of structs (such as referrals), read item by item with ``read``."""

    def read_list(value: object) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise BadCell("frames.bad-value", "expected a list")
        out = []
        for number, item in enumerate(value):
            try:
                out.append(read(item))
            except BadCell as problem:
                raise BadCell(problem.code, problem.reason, f"[{number}]{problem.where}") from None
        return tuple(out)

    return Kind("list", _typed(pa.list_(arrow_type)), read_list)
