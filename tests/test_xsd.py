"""Validation against a user-supplied DEXFileUpload.xsd, with DSS's anchored patterns repaired."""

from __future__ import annotations

from pathlib import Path

import pytest

from dexcore.errors import BulkReadError
from dexcore.io.bulk import write_bulk
from dexcore.io.xsd import load_schema, repair_pattern
from dexcore.model import Dataset, Outlet, ResidentialAddress, State

MINI = Path(__file__).resolve().parent / "data" / "mini-upload.xsd"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (r"^[\d]{4}$", r"[\d]{4}"),
        (r"[\d]{4}", r"[\d]{4}"),
        (r"^A", "A"),
        (r"costs\$", r"costs\$"),  # an escaped dollar is a literal dollar: kept
        (r".*[^\s].*", r".*[^\s].*"),
    ],
)
def test_repair_pattern(before: str, after: str) -> None:
    assert repair_pattern(before) == after


def _outlet_file(postcode: str) -> bytes:
    outlet = Outlet(
        name="Quollby Hub",
        address=ResidentialAddress(suburb="Darwin", state=State.NT, postcode=postcode),
    )
    (data,) = write_bulk(Dataset(outlets=(outlet,)))
    return data


def test_schema_is_repaired_and_accepts_real_postcodes() -> None:
    schema = load_schema(MINI)
    assert schema.repairs == (("Postcode", r"^[\d]{4}$", r"[\d]{4}"),)
    assert schema.validate(_outlet_file("0800")) == []


def test_schema_errors_name_the_element_not_the_value(tmp_path: Path) -> None:
    schema = load_schema(MINI.read_bytes())
    data = _outlet_file("0800").replace(b"<Postcode>0800<", b"<Postcode>08Z7<")
    path = tmp_path / "upload.xml"
    path.write_bytes(data)
    (issue,) = schema.validate(path)
    assert issue.code == "xsd.invalid"
    assert issue.path.startswith("/DEXFileUpload/Outlets/Outlet")
    assert issue.path.endswith("/ResidentialAddress/Postcode")
    assert "08Z7" not in issue.message


def test_unreadable_schema(tmp_path: Path) -> None:
    with pytest.raises(BulkReadError, match="cannot be opened"):
        load_schema(tmp_path / "missing.xsd")
    bad = tmp_path / "bad.xsd"
    bad.write_text("<xs:schema")
    with pytest.raises(BulkReadError, match="not well-formed"):
        load_schema(bad)
