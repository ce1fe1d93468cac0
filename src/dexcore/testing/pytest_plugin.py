"""A pytest plugin: fixtures for conformance tests, and failed comparisons without personal values.

Fixtures (each made once per test session):

- ``dex_reference``: the reference data to check codes against: the
  bundled snapshot, updated with your portal's ``DEXReferenceData`` XML
  when the ini option ``dexcore_reference`` names one (a path relative to
  the ini file);
- ``dex_sample_uploads``: the sample uploads shipped with dexcore, valid and
  invalid, each with the issue codes a check gives it
  (:func:`dexcore.testing.sample_uploads`).

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

from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest

if TYPE_CHECKING:
    from dexcore.reference import ReferenceData
    from dexcore.testing.conformance import SampleUpload

__all__ = [
    "dex_reference",
    "dex_sample_uploads",
    "pytest_addoption",
    "pytest_assertrepr_compare",
]

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


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ini option ``dexcore_reference``: your portal's DEXReferenceData XML file."""
    parser.addini(
        "dexcore_reference",
        "DEXReferenceData XML file to update dexcore's bundled reference data with",
        type="paths",
        default=[],
    )


@pytest.fixture(scope="session")
def dex_reference(pytestconfig: pytest.Config) -> ReferenceData:
    """The reference data to check against: bundled, updated with ``dexcore_reference``."""
    # Imported here: pytest loads this plugin in every run, most of which never ask.
    from dexcore.reference import bundled, load_reference_xml  # noqa: PLC0415

    files: list[Path] = pytestconfig.getini("dexcore_reference")
    reference = bundled()
    for file in files:
        reference = reference.updated_with(load_reference_xml(file))
    return reference


@pytest.fixture(scope="session")
def dex_sample_uploads() -> tuple[SampleUpload, ...]:
    """The sample uploads shipped with dexcore, each with the issue codes a check gives it."""
    from dexcore.testing.conformance import sample_uploads  # noqa: PLC0415 (as above)

    return sample_uploads()
