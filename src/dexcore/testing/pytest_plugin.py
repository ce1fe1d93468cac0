"""A pytest plugin that keeps personal values out of failed comparisons of dexcore records.

When ``assert left == right`` fails on two attrs instances of the same class,
pytest explains the difference field by field, showing the values of every
differing field, ``repr=False`` ones included: a name or a birth date would
end up in the test log. This plugin answers first for dexcore's records: it
names the differing fields and shows the values only of fields the record's
``repr`` shows too.

Installing dexcore registers it with pytest (the ``pytest11`` entry point);
to load it by hand, add ``-p dexcore.testing.pytest_plugin`` or list it in
``pytest_plugins``.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

__all__ = ["pytest_assertrepr_compare"]

_LONGEST = 200  # characters of one value's repr (a dataset's tuples can be huge)


def _is_record(value: object) -> bool:
    cls = type(value)
    return attrs.has(cls) and cls.__module__.startswith("dexcore.")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _LONGEST else text[: _LONGEST - 1] + "…"


@pytest.hookimpl(tryfirst=True)
def pytest_assertrepr_compare(op: str, left: object, right: object) -> list[str] | None:
    """Explain ``left == right`` for two dexcore records without their personal values."""
    if op != "==" or type(left) is not type(right) or not _is_record(left):
        return None
    cls: Any = type(left)
    fields = [field for field in attrs.fields(cls) if field.eq]
    differing = [
        field for field in fields if getattr(left, field.name) != getattr(right, field.name)
    ]
    lines = [f"{type(left).__name__} records differ", "Differing attributes:"]
    for field in differing:
        if field.repr is False:
            lines.append(f"  {field.name}: differs (personal; values not shown)")
        else:
            lines.append(
                f"  {field.name}: {_shown(getattr(left, field.name))}"
                f" != {_shown(getattr(right, field.name))}"
            )
    return lines
