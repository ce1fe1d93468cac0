"""Reference data: the DSS XML loader, the bundled snapshot and its JSON form."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from dexcore.errors import DexKeyError, ReferenceDataError
from dexcore.model import ScoreType
from dexcore.reference import (
    NAMESPACE,
    CodeItem,
    CodeType,
    ReferenceData,
    bundled,
    from_json_dict,
    load_reference_xml,
    to_json_dict,
)

# A small synthetic document in DSS's layout (not a copy of DSS's file).
DOCUMENT = f"""<?xml version="1.0" encoding="utf-8"?>
<DEXReferenceData xmlns="{NAMESPACE}">
  <ReferenceDataItems CodeType="Gender">
    <Item><CodeValue>MALE</CodeValue><CodeDescription>Male</CodeDescription>
      <OrderNumber>1</OrderNumber></Item>
    <Item><CodeValue>female</CodeValue><CodeDescription>Female</CodeDescription>
      <OrderNumber>2</OrderNumber></Item>
  </ReferenceDataItems>
  <ReferenceDataItems CodeType="ReferralSource">
    <Item><CodeValue>HealthAgency</CodeValue><CodeDescription>Health agency</CodeDescription>
      <OrderNumber>1</OrderNumber><AvailableFrom>2019-03-01</AvailableFrom>
      <AvailableTo>2030-06-30T00:00:00</AvailableTo></Item>
    <Item><CodeValue>SELF</CodeValue><CodeDescription /></Item>
  </ReferenceDataItems>
  <AssessmentReferenceDataItems>
    <AssessmentReferenceDataItem>
      <ScoreType>GOALS</ScoreType><ApplicableFor>Client</ApplicableFor>
      <Domains><Domain><DomainCode>SKILLS</DomainCode>
        <DomainDescription>Changed skills</DomainDescription>
        <Scores>
          <Score><ScoreCode>SKILLS1</ScoreCode><Description>No progress</Description></Score>
          <Score><ScoreCode>SKILLS5</ScoreCode><Description>Full achievement</Description></Score>
        </Scores></Domain></Domains>
    </AssessmentReferenceDataItem>
  </AssessmentReferenceDataItems>
</DEXReferenceData>
"""


def test_loader_reads_tables_and_score_types() -> None:
    reference = load_reference_xml(DOCUMENT.encode())
    gender = reference.table(CodeType.GENDER)
    assert [item.code for item in gender] == ["MALE", "FEMALE"]
    assert "Female" in {item.description for item in gender}
    assert "female" in gender  # case-insensitive membership
    source = reference.table("ReferralSource")
    item = source.get("healthagency")
    assert item is not None
    assert item.code == "HEALTHAGENCY"  # written upper-case
    assert item.available_from == dt.date(2019, 3, 1)
    assert item.available_to == dt.date(2030, 6, 30)
    assert not item.is_available(dt.date(2019, 2, 28))
    assert item.is_available(dt.date(2024, 1, 1))
    assert source.get("SELF") == CodeItem(code="SELF", description="", order=2, source="file")
    goals = reference.score_type(ScoreType.GOALS)
    skills = goals.domain("skills")
    assert skills is not None
    assert skills.rating_description(1) == "No progress"
    assert skills.rating_description(3) == ""
    assert goals.applicable_for == "Client"


@pytest.mark.parametrize("with_namespace", [True, False])
def test_loader_accepts_paths_files_and_no_namespace(tmp_path: Path, with_namespace: bool) -> None:
    text = DOCUMENT if with_namespace else DOCUMENT.replace(f' xmlns="{NAMESPACE}"', "")
    path = tmp_path / "ref.xml"
    path.write_text(text, encoding="utf-8")
    from_path = load_reference_xml(path)
    from_file = load_reference_xml(io.BytesIO(text.encode()))
    assert from_path.table("Gender").codes == from_file.table("Gender").codes == {"MALE", "FEMALE"}


@pytest.mark.parametrize(
    ("document", "reason", "path"),
    [
        (
            "<DEXReferenceData><ReferenceDataItems CodeType='X'><Item><CodeDescription>a"
            "</CodeDescription></Item></ReferenceDataItems></DEXReferenceData>",
            "missing element CodeValue",
            "/DEXReferenceData/ReferenceDataItems[1]/Item[1]",
        ),
        (
            "<DEXReferenceData><ReferenceDataItems><Item/></ReferenceDataItems></DEXReferenceData>",
            "without a CodeType",
            "/DEXReferenceData/ReferenceDataItems[1]",
        ),
        (
            "<DEXReferenceData><ReferenceDataItems CodeType='X'><Item><CodeValue>A</CodeValue>"
            "<OrderNumber>first</OrderNumber></Item></ReferenceDataItems></DEXReferenceData>",
            "OrderNumber",
            "/DEXReferenceData/ReferenceDataItems[1]/Item[1]/OrderNumber",
        ),
        (
            "<DEXReferenceData><AssessmentReferenceDataItems><AssessmentReferenceDataItem>"
            "<ScoreType>MOOD</ScoreType></AssessmentReferenceDataItem></AssessmentReferenceDataItems>"
            "</DEXReferenceData>",
            "unknown ScoreType",
            "/DEXReferenceData/AssessmentReferenceDataItems/AssessmentReferenceDataItem[1]/ScoreType",
        ),
        (
            "<DEXReferenceData><AssessmentReferenceDataItems><AssessmentReferenceDataItem>"
            "<ScoreType>GOALS</ScoreType><Domains><Domain><DomainCode>SKILLS</DomainCode><Scores>"
            "<Score><ScoreCode>SKILLS9</ScoreCode></Score></Scores></Domain></Domains>"
            "</AssessmentReferenceDataItem></AssessmentReferenceDataItems></DEXReferenceData>",
            "ScoreCode",
            "Domain[1]/Scores/Score[1]/ScoreCode",
        ),
        ("<Other/>", "root element", "/"),
        ("<DEXReferenceData><unclosed></DEXReferenceData>", "not well-formed", ""),
    ],
)
def test_loader_errors_name_the_element(document: str, reason: str, path: str) -> None:
    with pytest.raises(ReferenceDataError) as caught:
        load_reference_xml(document.encode())
    assert reason in str(caught.value)
    assert path in caught.value.path


def test_loader_refuses_dtds_and_entities() -> None:
    """Untrusted XML: no DTD, no entity expansion, no external reference."""
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<DEXReferenceData>&b;</DEXReferenceData>"
    )
    external = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<DEXReferenceData>&x;</DEXReferenceData>"
    )
    for document in (bomb, external):
        with pytest.raises(ReferenceDataError, match="refused"):
            load_reference_xml(document.encode())


def test_loader_reports_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="cannot read"):
        load_reference_xml(tmp_path / "missing.xml")


def test_bundled_snapshot_contents() -> None:
    """The snapshot holds the 2015 DSS tables plus marked later additions."""
    reference = bundled()
    assert reference is bundled()  # loaded once
    assert len(reference.table(CodeType.COUNTRY)) == 257
    assert len(reference.table(CodeType.LANGUAGE)) == 433
    assert len(reference.table(CodeType.ANCESTRY)) == 279
    assert reference.describe(CodeType.COUNTRY, "1101") == "Australia"
    assert reference.describe(CodeType.LANGUAGE, "1201") == "English"
    assert reference.has_code(CodeType.STATE, "ot")
    assert len(reference.service_types) == 304
    assert reference.service_type(5).name == "Counselling"
    # Later additions carry their source, and DSS's own items theirs.
    other = reference.table(CodeType.GENDER).get("OTHER")
    assert other is not None
    assert other.source == "cache-2025"
    assert reference.table(CodeType.GENDER).get("MALE") == CodeItem(
        code="MALE", description="Male", order=1, source="dss-2015"
    )
    assert {"dss-2015", "cache-2025", "protocols-v13"} <= set(reference.sources)
    for table in reference.tables.values():
        for item in table:
            assert item.source in reference.sources
    # Tables known only in part are marked so a missing code is not taken for an error.
    assert not reference.table(CodeType.HOMELESS_INDICATOR).complete
    assert reference.table(CodeType.STATE).complete
    # SCORE: every type, 2015 domains and the 2018 additions with their start date.
    assert set(reference.score_types) == set(ScoreType)
    circumstances = reference.score_type(ScoreType.CIRCUMSTANCES)
    assert "HOUSING" in circumstances.domain_codes
    employment = circumstances.domain("EMPLOYMENT")
    assert employment is not None
    assert employment.available_from == dt.date(2018, 8, 19)
    assert reference.score_type(ScoreType.GROUP).applicable_for == "Session"
    housing = circumstances.domain("HOUSING")
    assert housing is not None
    assert housing.rating_description(5).startswith("Score 5")


def test_unknown_lookups_raise_key_errors() -> None:
    reference = bundled()
    with pytest.raises(DexKeyError) as table_error:
        reference.table("NoSuchTable")
    assert isinstance(table_error.value, KeyError)
    assert "NoSuchTable" in str(table_error.value)
    with pytest.raises(DexKeyError, match="service type 7777"):
        reference.service_type(7777)
    with pytest.raises(DexKeyError):
        reference.describe(CodeType.COUNTRY, "not-a-country")


def test_updated_with_lays_a_portal_file_over_the_snapshot() -> None:
    portal = load_reference_xml(DOCUMENT.encode(), source_id="portal", description="my portal")
    merged = bundled().updated_with(portal)
    assert merged.table(CodeType.GENDER).codes == {"MALE", "FEMALE"}  # the file wins
    assert len(merged.table(CodeType.COUNTRY)) == 257  # what the file lacks is kept
    assert len(merged.service_types) == 304
    assert merged.sources["portal"] == "my portal"
    assert len(bundled().table(CodeType.GENDER)) == 5  # the snapshot itself is untouched


def test_json_form_round_trips() -> None:
    data = to_json_dict(bundled())
    again = from_json_dict(data)
    assert to_json_dict(again) == data
    assert isinstance(again, ReferenceData)


@pytest.mark.parametrize(
    "data", [{}, {"format": 99}, {"format": 1, "tables": {"X": {"items": [{}]}}}]
)
def test_malformed_json_form_is_refused(data: dict[str, object]) -> None:
    with pytest.raises(ReferenceDataError):
        from_json_dict(data)
