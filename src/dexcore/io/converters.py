"""Plain data and JSON for every model class, through cattrs.

:func:`make_converter` returns a fresh :class:`cattrs.Converter` set up for
the dexcore model; :func:`configure_converter` applies the same set-up to a
converter of yours (dexcore never touches cattrs' global converter).

The plain form uses the Python field names, ISO dates (``"2024-07-01"``),
DSS codes for enums (``"MALE"``), decimal amounts as strings, and lists for
sequences; fields at their default are left out. Structuring is strict: a
boolean must be ``true``/``false`` (not ``"false"``, which Python would call
true), a whole number must be a number, text must be text, and an unknown
key is an error, so nothing is silently lost or invented.

Errors come out as one :class:`~dexcore.errors.DexStructureError` listing
every problem with its path, written ``$.sessions[3].session_date``, and a
reason that never repeats the input.
"""

from __future__ import annotations

import datetime as dt
import decimal
import difflib
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from dexcore.errors import DexError, DexStructureError, DexValueError, InvalidFieldError
from dexcore.model import CodeEnum, Dataset

__all__ = [
    "configure_converter",
    "dataset_from_json",
    "dataset_to_json",
    "make_converter",
    "structure",
    "unstructure",
]

T = TypeVar("T")

#: How many items of one list may fail before the rest of the list is left unexamined.
#: cattrs would gather an error for every item, and a list of millions of bad items
#: (a long string counts as a list of its characters) would cost gigabytes.
_MOST_FAILURES = 20

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _WrongTypeError(DexValueError):
    """A plain value of the wrong kind (its message names the kind expected)."""

    code = "data.wrong-type"


def _structure_date(value: object, _type: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _WrongTypeError(
                "expected a date that exists (check the day of the month)"
            ) from None
    raise _WrongTypeError("expected a date written YYYY-MM-DD")


def _structure_bool(value: object, _type: object) -> bool:
    if isinstance(value, bool):
        return value
    raise _WrongTypeError("expected true or false")


def _structure_int(value: object, _type: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _WrongTypeError("expected a whole number")


def _structure_str(value: object, _type: object) -> str:
    if isinstance(value, str):
        return value
    raise _WrongTypeError("expected text")


def _structure_decimal(value: object, _type: object) -> decimal.Decimal:
    if isinstance(value, decimal.Decimal):
        return value
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        try:
            return decimal.Decimal(value)
        except decimal.InvalidOperation:
            pass
    raise _WrongTypeError('expected a decimal amount written as text, such as "12.50"')


def _code_value(member: CodeEnum) -> str:
    return member.value


def _structure_code(value: object, cls: type[CodeEnum]) -> CodeEnum:
    if isinstance(value, str):
        return cls(value)  # case-insensitive; raises UnknownCodeError without the text
    raise _WrongTypeError(f"expected a {cls.__name__} code as text")


def _is_tuple_of(cls: object) -> bool:
    args = get_args(cls)
    return get_origin(cls) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_hook(cls: Any, converter: cattrs.Converter) -> Callable[[object, object], Any]:  # noqa: ANN401
    """A hook for ``tuple[X, ...]`` that takes only a list and stops after a few bad items."""
    item_type = get_args(cls)[0]
    item_hook = converter.get_structure_hook(item_type)

    def structure_tuple(value: object, _type: object) -> tuple[Any, ...]:
        if not isinstance(value, (list, tuple)):
            raise _WrongTypeError("expected a list")
        items, failures = [], []
        for index, item in enumerate(value):
            try:
                items.append(item_hook(item, item_type))
            except Exception as error:  # noqa: BLE001 (gathered like cattrs does, listed later)
                note = IterableValidationNote(
                    f"Structuring {cls} @ index {index}", index, item_type
                )
                error.__notes__ = [*getattr(error, "__notes__", []), note]
                failures.append(error)
                left = len(value) - index - 1
                if len(failures) == _MOST_FAILURES and left:
                    failures.append(DexValueError(_UNEXAMINED.format(left)))
                    break
        if failures:
            raise IterableValidationError(f"While structuring {cls!r}", failures, cls)
        return tuple(items)

    return structure_tuple


_UNEXAMINED = "too many problems: the list's remaining {} items were not examined"


def configure_converter(converter: cattrs.Converter) -> None:
    """Register dexcore's hooks (dates, decimals, strict scalars, lists) on ``converter``."""
    # Class-based hooks dispatch on the most specific class, so the CodeEnum hook wins over
    # the str hook for the StrEnum code tables.
    converter.register_unstructure_hook(CodeEnum, _code_value)
    converter.register_structure_hook(CodeEnum, _structure_code)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    converter.register_structure_hook(dt.date, _structure_date)
    converter.register_unstructure_hook(decimal.Decimal, str)
    converter.register_structure_hook(decimal.Decimal, _structure_decimal)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook_factory(_is_tuple_of, _tuple_hook)


def make_converter() -> cattrs.Converter:
    """A new converter for the dexcore model: strict, detailed, omitting defaults."""
    converter = cattrs.Converter(
        omit_if_default=True,
        forbid_extra_keys=True,
        detailed_validation=True,
        unstruct_collection_overrides={tuple: list},
    )
    configure_converter(converter)
    return converter


_DEFAULT = make_converter()


def unstructure(obj: object) -> Any:  # noqa: ANN401 (plain data is any JSON-like value)
    """Plain data (dicts, lists, strings, numbers) for a model object."""
    return _DEFAULT.unstructure(obj)


def structure(data: object, cls: type[T]) -> T:
    """Build a ``cls`` from plain data.

    Raises:
        DexStructureError: listing every problem with its path (after 20 bad
            items of one list, the rest of that list is not examined).
    """
    if attrs.has(cls) and not isinstance(data, Mapping):
        raise DexStructureError(
            cls.__name__, (("$", "expected a mapping of field names to values (a JSON object)"),)
        )
    try:
        return _DEFAULT.structure(data, cls)
    except (cattrs.BaseValidationError, DexError, ForbiddenExtraKeysError) as error:
        problems = tuple(_problems(error, "$"))
    # Raised outside the handler, so no __context__ keeps the input-bearing original.
    raise DexStructureError(cls.__name__, problems)


def dataset_to_json(dataset: Dataset, *, indent: int | None = 2) -> str:
    """The JSON text of ``dataset``."""
    return json.dumps(unstructure(dataset), indent=indent, ensure_ascii=False)


def dataset_from_json(text: str | bytes) -> Dataset:
    """Read a dataset from JSON text.

    Raises:
        DexStructureError: the text is not JSON, is nested too deeply, holds
            a number of more digits than Python reads, or is not a dataset
            (each problem listed with its path; after 20 bad items of one
            list, the rest of that list is not examined).
    """
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        # JSONDecodeError.doc is the whole text: build the reason here, raise outside.
        where = getattr(error, "lineno", None)
        reason = "not valid JSON" + (f" (line {where})" if where is not None else "")
    except RecursionError:
        reason = "nested too deeply to be a dataset"
    except ValueError:  # Python's own limit on the digits of a whole number
        reason = f"a number has more than {sys.get_int_max_str_digits()} digits"
    else:
        return structure(data, Dataset)
    raise DexStructureError("Dataset", (("$", reason),))


def _problems(error: BaseException, path: str) -> Iterator[tuple[str, str]]:
    """Walk cattrs' exception groups into ``(path, reason)`` pairs."""
    if isinstance(error, ClassValidationError):
        with_notes, without = error.group_exceptions()
        for inner, note in with_notes:
            yield from _problems(inner, _join(path, note))
        for inner in without:
            yield from _problems(inner, path)
    elif isinstance(error, IterableValidationError):
        with_index, without_index = error.group_exceptions()
        for item_error, index_note in with_index:
            yield from _problems(item_error, _join(path, index_note))
        for item_error in without_index:
            yield from _problems(item_error, path)
    elif isinstance(error, InvalidFieldError):
        yield (f"{path}.{error.field}", error.reason)
    elif isinstance(error, ForbiddenExtraKeysError):
        yield (path, _unknown_keys(error))
    elif isinstance(error, DexError):
        yield (path, str(error))
    elif isinstance(error, KeyError):
        yield (path, "required field missing")
    else:
        yield (path, f"invalid value ({type(error).__name__})")


def _unknown_keys(error: ForbiddenExtraKeysError) -> str:
    """The count of unknown keys, and the fields they may misspell; never the keys themselves.

    A key is caller text (a name typed as a key is still a name), so only
    dexcore's own field names are shown.
    """
    fields = [field.name for field in attrs.fields(error.cl)] if attrs.has(error.cl) else []
    guesses = sorted(
        {
            guess
            for key in error.extra_fields
            for guess in difflib.get_close_matches(str(key), fields, n=1, cutoff=0.8)
        }
    )
    hint = f" (did you mean {', '.join(guesses)}?)" if guesses else ""
    return f"{len(error.extra_fields)} unknown field(s){hint}"


def _join(path: str, note: object) -> str:
    if isinstance(note, AttributeValidationNote):
        return f"{path}.{note.name}"
    if isinstance(note, IterableValidationNote):
        index = note.index
        # A mapping's key is caller text: only positions are shown.
        return f"{path}[{index}]" if isinstance(index, int) else f"{path}[…]"
    return path
