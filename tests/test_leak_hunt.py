"""The leak hunt: marker names driven through every entry point, and none comes out.

One synthetic person with distinctive values (a family name, a given name, a
street and a birth date that occur nowhere else) is pushed through the model,
the converters, both XML readers, the writer, the rule engine and its reports,
the KPIs, the summary, the privacy exports and tables, and the command line.
Every output, message, ``repr``, ``args``, ``__notes__`` and exception chain
(``__cause__``, ``__context__``, and every attribute in ``vars(exc)``, such as
``JSONDecodeError.doc``) is searched for any of the markers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.vendor.pretty import pretty

import dexcore
from dexcore.cli import main
from dexcore.errors import DexError
from dexcore.io import dataset_from_json, dataset_to_json, structure, unstructure
from dexcore.io.bulk import load_bulk, read_bulk, write_bulk
from dexcore.kpi import standard_kpis
from dexcore.model import (
    Assessment,
    AssessmentPhase,
    AtsiOrigin,
    Case,
    CaseClient,
    Client,
    ClientAssessment,
    Dataset,
    DomainScore,
    Gender,
    Outlet,
    ResidentialAddress,
    ScoreType,
    Session,
    SessionAssessment,
    SessionClient,
    State,
)
from dexcore.periods import ReportingPeriod
from dexcore.privacy import (
    count_table,
    deidentify,
    export_unit_records,
    identifier_leaks,
    protect,
)
from dexcore.privacy.sdc import BY_GENDER
from dexcore.rules import Issue, check
from dexcore.slk import generate, parts, validate
from dexcore.testing import strategies as dst

# -- the marker person (synthetic: these names belong to no one) ------------------------------

FAMILY = "Zqxmarker"
GIVEN = "Vobmarker"
STREET = "77 Wqvmarker St"
BIRTH = dt.date(1931, 7, 19)
SLK = generate(FAMILY, GIVEN, BIRTH, "female")
MARKERS = (
    "zqxmarker",
    "vobmarker",
    "wqvmarker",
    "1931-07-19",
    "19/07/1931",
    "19071931",
    "19310719",
    SLK.casefold(),
    SLK[:5].casefold(),
)
TODAY = dt.date(2025, 1, 15)
#: What DEX keeps of a client who did not consent: the birth date and the SLK (whose
#: date part is the birth date written DDMMYYYY).
KEPT_WITHOUT_CONSENT = {"1931-07-19", "19071931", SLK.casefold(), SLK[:5].casefold()}


def markers_in(text: str) -> list[str]:
    """The markers ``text`` holds (case-insensitive)."""
    folded = text.casefold()
    return [marker for marker in MARKERS if marker in folded]


def exception_texts(error: BaseException, seen: set[int] | None = None) -> Iterator[str]:
    """Every text an exception carries: message, repr, args, notes, attributes, chain."""
    seen = set() if seen is None else seen
    if id(error) in seen:
        return
    seen.add(id(error))
    yield str(error)
    yield repr(error)
    yield from (repr(arg) for arg in error.args)
    yield from (str(note) for note in getattr(error, "__notes__", ()))
    with contextlib.suppress(TypeError):
        yield from (repr(value) for value in vars(error).values())
    linked = [error.__cause__, error.__context__, *getattr(error, "exceptions", ())]
    for inner in linked:
        if isinstance(inner, BaseException):
            yield from exception_texts(inner, seen)


def leaks_of(action: Callable[[], object], *, raised_only: bool = False) -> list[str]:
    """Markers in what ``action`` returns (its repr and str) or in what it raises."""
    try:
        result = action()
    except DexError as error:  # (any other exception fails the test: it is undocumented)
        texts: Iterable[str] = exception_texts(error)
    else:
        texts = () if raised_only else _result_texts(result)
    return sorted({marker for text in texts for marker in markers_in(text)})


def _result_texts(result: object) -> Iterator[str]:
    if isinstance(result, bytes):
        yield result.decode("utf-8", "replace")
    elif isinstance(result, (list, tuple)) and all(isinstance(r, bytes) for r in result):
        yield from (r.decode("utf-8", "replace") for r in result)
    else:
        yield repr(result)
        yield str(result)


# -- records ----------------------------------------------------------------------------------

ADDRESS = ResidentialAddress(
    suburb="Alice Springs", state=State.NT, postcode="0870", address_line1=STREET
)


def marker_client(client_id: str = "C00001", *, consent: bool = True, **changes: object) -> Client:
    values: dict[str, object] = {
        "client_id": client_id,
        "consent_to_provide_details": consent,
        "consented_for_future_contacts": False,
        "birth_date": BIRTH,
        "gender": Gender.FEMALE,
        "country_of_birth": "1101",
        "language_spoken_at_home": "1201",
        "atsi_origin": AtsiOrigin.NO,
        "residential_address": ADDRESS,
        "slk": SLK,
        "given_name": GIVEN,
        "family_name": FAMILY,
    }
    values.update(changes)
    return Client(**values)  # type: ignore[arg-type]


def marker_dataset(
    *,
    client_id: str = "C00001",
    case_id: str = "K0001",
    session_id: str = "S001",
    domain: str = "HOUSING",
    consent: bool = True,
    extra_case_client: str | None = None,
) -> Dataset:
    """A dataset about the marker person, with ids and a domain that may hold markers."""
    attached = [CaseClient(client_id=client_id, referral_source="SELF")]
    if extra_case_client is not None:
        attached.append(CaseClient(client_id=extra_case_client, referral_source="SELF"))
    case = Case(
        case_id=case_id,
        outlet_activity_id=4411,
        total_unidentified_clients=0,
        clients=tuple(attached),
    )
    session = Session(
        session_id=session_id,
        case_id=case_id,
        session_date=dt.date(2024, 8, 14),
        service_type_id=5,
        total_unidentified_clients=0,
        clients=(SessionClient(client_id=client_id),),
    )
    pre = Assessment(
        score_type=ScoreType.CIRCUMSTANCES,
        phase=AssessmentPhase.PRE,
        scores=(DomainScore(domain=domain, rating=2),),
    )
    group = Assessment(
        score_type=ScoreType.GROUP,
        phase=AssessmentPhase.POST,
        scores=(DomainScore(domain=domain, rating=4),),
    )
    return Dataset(
        clients=(marker_client(client_id, consent=consent),),
        cases=(case,),
        sessions=(session,),
        client_assessments=(
            ClientAssessment(
                client_id=client_id, case_id=case_id, session_id=session_id, assessments=(pre,)
            ),
        ),
        session_assessments=(
            SessionAssessment(case_id=case_id, session_id=session_id, assessments=(group,)),
        ),
    )


#: Ids that hold the marker person's details (each is caught by the id guard).
LEAKY_IDS = {
    "family name": "ZQXMARKER-01",
    "given name": "VOBMARKER7",
    "birth date": "C-1931-07-19",
    "slk": SLK,
}
#: Text with markers that a caller might put anywhere a value is expected.
HOSTILE_VALUES = (
    f"{GIVEN} {FAMILY} {BIRTH.isoformat()}",
    f"  {FAMILY}  ",
    f"{FAMILY}\t{STREET}\n",
    FAMILY * 8,
    BIRTH.isoformat() + "x",
    BIRTH.strftime("%d/%m/%Y"),
)


# -- the model --------------------------------------------------------------------------------

MODEL_FIELDS = [field.name for field in attrs.fields(Client)]


@pytest.mark.parametrize("field", MODEL_FIELDS)
@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
def test_model_errors_hold_no_marker(field: str, value: str) -> None:
    client = marker_client()
    changes: dict[str, object] = {field: value}
    assert leaks_of(lambda: attrs.evolve(client, **changes), raised_only=True) == []  # type: ignore[arg-type]


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
@pytest.mark.parametrize("field", ["case_id", "session_id", "service_type_id", "session_date"])
def test_session_errors_hold_no_marker(field: str, value: str) -> None:
    session = marker_dataset().sessions[0]
    changes: dict[str, object] = {field: value}
    assert leaks_of(lambda: attrs.evolve(session, **changes), raised_only=True) == []  # type: ignore[arg-type]


RECORDS = {
    "address": dst.addresses(),
    "extended": dst.extended_demographics(),
    "case": dst.cases(),
    "case-client": dst.case_clients("C00001"),
    "session": dst.sessions(),
    "session-client": dst.session_clients(),
    "client-assessment": dst.client_assessments(),
    "session-assessment": dst.session_assessments(),
    "domain-score": dst.domain_scores(),
    "outlet": dst.outlets(),
    "organisation": dst.organisations(),
    "program-activity": dst.program_activities(),
}


@pytest.mark.parametrize("name", sorted(RECORDS))
@settings(max_examples=2, database=None, derandomize=True)
@given(data=st.data())
def test_every_model_class_errors_hold_no_marker(name: str, data: st.DataObject) -> None:
    record: Any = data.draw(RECORDS[name])
    found: dict[str, list[str]] = {}
    for field in attrs.fields(type(record)):
        for value in (*HOSTILE_VALUES, [FAMILY], {FAMILY: 1}):
            changes: dict[str, object] = {field.name: value}
            leaked = leaks_of(lambda: attrs.evolve(record, **changes), raised_only=True)  # noqa: B023
            if leaked:
                found[field.name] = leaked
    assert found == {}


def test_reprs_hold_no_marker() -> None:
    dataset = marker_dataset(consent=True)
    assert leaks_of(lambda: dataset) == []
    assert leaks_of(lambda: dataset.clients[0]) == []
    assert leaks_of(lambda: ADDRESS) == []


def test_dataset_repr_is_a_short_summary() -> None:
    one = marker_dataset()
    many = attrs.evolve(one, sessions=one.sessions * 50_000)
    text = repr(many)
    assert len(text) < 300
    assert "50000 sessions" in text
    assert markers_in(text) == []


# -- converters -------------------------------------------------------------------------------


def _plain_client() -> dict[str, object]:
    data = unstructure(marker_client())
    assert isinstance(data, dict)
    return data


def test_unknown_json_keys_are_not_echoed() -> None:
    data = _plain_client()
    data[f"{GIVEN} {FAMILY} {BIRTH.isoformat()}"] = 1
    assert leaks_of(lambda: structure(data, Client)) == []
    with pytest.raises(DexError, match="1 unknown field"):
        structure(data, Client)


def test_unknown_json_key_close_to_a_field_is_suggested() -> None:
    data = _plain_client()
    data["famly_name"] = data.pop("family_name")
    with pytest.raises(DexError, match="did you mean family_name"):
        structure(data, Client)


@pytest.mark.parametrize("field", sorted(_plain_client()))
@pytest.mark.parametrize("value", [*HOSTILE_VALUES, 1931, [FAMILY], {FAMILY: BIRTH.isoformat()}])
def test_structure_errors_hold_no_marker(field: str, value: object) -> None:
    data = _plain_client()
    data[field] = value
    assert leaks_of(lambda: structure(data, Client), raised_only=True) == []


@pytest.mark.parametrize(
    "text",
    [
        '{"clients": [{"given_name": "' + GIVEN + '", "family_name": "' + FAMILY + '",}]}',
        '{"clients": [{"family_name": "' + FAMILY + '"}]',
        ("{" + '"x": "' + FAMILY + '"').encode("utf-8") + b"\xff",
        b"\xff\xfe" + FAMILY.encode("utf-16-le"),
    ],
    ids=["trailing-comma", "unclosed", "bad-utf8", "utf16"],
)
def test_bad_json_holds_no_marker(text: str | bytes) -> None:
    assert leaks_of(lambda: dataset_from_json(text)) == []


def test_json_round_trip_of_a_non_consenting_client_is_not_an_error() -> None:
    # The JSON form is the model's own: it keeps what the model holds (not a leak path).
    text = dataset_to_json(marker_dataset())
    assert dataset_from_json(text) == marker_dataset()


# -- bulk XML ---------------------------------------------------------------------------------


def _xml(dataset: Dataset) -> str:
    (data,) = write_bulk(dataset)
    return data.decode("utf-8")


def _defective_uploads() -> dict[str, str]:
    good = _xml(marker_dataset(client_id="ZQXMARKER-190731"))
    no_gender = re.sub(r"<GenderCode>[^<]*</GenderCode>", "", good)
    return {
        "missing-element": no_gender,
        "bad-date": good.replace("<BirthDate>1931-07-19", "<BirthDate>1931-07-19x"),
        "bad-code": re.sub(
            r"<GenderCode>[^<]*</GenderCode>", f"<GenderCode>{FAMILY}</GenderCode>", good
        ),
        "bad-number": good.replace("<OutletActivityId>4411", f"<OutletActivityId>{FAMILY} 1931"),
        "unknown-element": good.replace("<Clients>", f"<Clients><{FAMILY}>x</{FAMILY}>"),
        "unknown-text": good.replace("<Clients>", f"<Clients>{FAMILY}"),
        "not-well-formed": good.replace("</GivenName>", "</GivenNam>"),
        "truncated": good[: good.index("</GivenName>")],
        "bad-attribute": good.replace("<Clients>", f'<Clients note="{FAMILY}">'),
        "wrong-root": good.replace("DEXFileUpload", FAMILY),
    }


DEFECTIVE = _defective_uploads()


@pytest.mark.parametrize("name", sorted(DEFECTIVE))
def test_read_bulk_holds_no_marker(name: str, tmp_path: Path) -> None:
    path = tmp_path / "upload.xml"
    path.write_text(DEFECTIVE[name], encoding="utf-8")
    problems: list[object] = []
    assert leaks_of(lambda: read_bulk(path, problems=problems)) == []  # type: ignore[arg-type]
    assert leaks_of(lambda: problems) == []
    assert leaks_of(lambda: read_bulk(path)) == []  # raises on the first problem


@pytest.mark.parametrize("name", sorted(DEFECTIVE))
def test_load_bulk_holds_no_marker(name: str, tmp_path: Path) -> None:
    path = tmp_path / "upload.xml"
    path.write_text(DEFECTIVE[name], encoding="utf-8")
    assert leaks_of(lambda: load_bulk(path).problems) == []
    assert leaks_of(lambda: load_bulk(DEFECTIVE[name].encode("utf-8")).problems) == []


def test_writer_leaves_out_names_without_consent() -> None:
    # DEX wants the SLK and birth date of every client; names and street only with consent.
    (data,) = write_bulk(marker_dataset(consent=False))
    assert set(markers_in(data.decode())) == KEPT_WITHOUT_CONSENT


@pytest.mark.parametrize("family", [f"{FAMILY}\x01", f"{FAMILY}\ud800", "n/a"])
def test_writer_errors_hold_no_marker(family: str) -> None:
    assert leaks_of(lambda: write_bulk(marker_dataset(), max_bytes=100)) == []
    dataset = marker_dataset()
    dataset = attrs.evolve(dataset, clients=(attrs.evolve(dataset.clients[0], family_name=family),))
    with pytest.raises(DexError) as caught:
        write_bulk(dataset)
    assert [text for text in exception_texts(caught.value) if markers_in(text)] == []


# -- rules ------------------------------------------------------------------------------------


def _report_texts(dataset: Dataset) -> list[str]:
    report = check(dataset, today=TODAY)
    texts = [repr(report), *(str(issue.record) + issue.message for issue in report.issues)]
    texts += [json.dumps(issue.to_dict()) for issue in report.issues]
    return texts


LEAKY_DATASETS = {
    **{f"client id ({kind})": {"client_id": value} for kind, value in LEAKY_IDS.items()},
    **{f"case id ({kind})": {"case_id": value} for kind, value in LEAKY_IDS.items()},
    **{f"session id ({kind})": {"session_id": value} for kind, value in LEAKY_IDS.items()},
    "score domain": {"domain": f"{GIVEN} {FAMILY}".upper()},
}


@pytest.mark.parametrize("name", sorted(LEAKY_DATASETS))
def test_check_report_holds_no_marker(name: str) -> None:
    dataset = marker_dataset(**LEAKY_DATASETS[name])  # type: ignore[arg-type]
    found = {marker for text in _report_texts(dataset) for marker in markers_in(text)}
    assert found == set()


@pytest.mark.parametrize(
    "case_id",
    ["zqxmarker@example.org", "K-0412 345 678", "TFN 123456782", "K-2123456701"],
)
def test_case_id_of_clients_outside_the_dataset_is_screened(case_id: str) -> None:
    # The case's only client is not in the dataset: the id is still screened for
    # e-mail addresses, phone numbers, TFNs and Medicare numbers, and withheld.
    dataset = marker_dataset(case_id=case_id)
    dataset = attrs.evolve(dataset, clients=())
    report = check(dataset, today=TODAY)
    assert "case.id.reveals-identity" in {issue.code for issue in report.issues}
    assert all(case_id not in str(issue.record) for issue in report.issues)


def test_validation_error_holds_no_marker() -> None:
    from dexcore.rules import ensure_valid

    dataset = marker_dataset(**LEAKY_DATASETS["client id (family name)"])  # type: ignore[arg-type]
    assert leaks_of(lambda: ensure_valid(dataset, today=TODAY)) == []


# -- KPIs, privacy exports and tables ---------------------------------------------------------


def test_kpis_hold_no_marker() -> None:
    dataset = marker_dataset(client_id="ZQXMARKER-01")
    report = standard_kpis(dataset, ReportingPeriod.parse("2024-H2"))
    assert leaks_of(lambda: report) == []
    assert leaks_of(lambda: json.dumps(report.to_dict())) == []


def test_privacy_outputs_hold_no_marker() -> None:
    dataset = marker_dataset()
    # De-identified records keep the birth date and SLK, as DEX does without consent.
    kept = markers_in(repr(unstructure(deidentify(dataset))))
    assert set(kept) == KEPT_WITHOUT_CONSENT
    assert leaks_of(lambda: export_unit_records(dataset, as_of=TODAY, k=1)) == []
    assert leaks_of(lambda: export_unit_records(dataset, as_of=TODAY, k=5)) == []
    table = count_table(dataset, BY_GENDER)
    assert leaks_of(lambda: table) == []
    released = protect(table)
    assert leaks_of(lambda: (released, released.to_dict(), released.to_text())) == []
    assert leaks_of(lambda: identifier_leaks("ZQXMARKER", family_name=FAMILY)) == []


def test_slk_errors_hold_no_marker() -> None:
    assert leaks_of(lambda: validate(SLK[:-1] + "7")) == []
    assert leaks_of(lambda: generate(FAMILY, GIVEN, BIRTH, f"{FAMILY}")) == []
    assert leaks_of(lambda: generate(FAMILY, GIVEN, dt.date(1066, 7, 19), "F")) == []
    assert leaks_of(lambda: generate(f"{FAMILY}\x00", GIVEN, BIRTH, "F"), raised_only=True) == []


# -- the command line -------------------------------------------------------------------------


def _run(argv: list[str]) -> str:
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        contextlib.suppress(SystemExit),
    ):
        main(argv)
    return out.getvalue() + err.getvalue()


def _files(tmp_path: Path) -> list[Path]:
    files = []
    for n, (name, changes) in enumerate(sorted(LEAKY_DATASETS.items())):
        dataset = marker_dataset(**changes)  # type: ignore[arg-type]
        json_file = tmp_path / f"d{n}.json"
        json_file.write_text(dataset_to_json(dataset), encoding="utf-8")
        xml_file = tmp_path / f"d{n}.xml"
        xml_file.write_text(_xml(dataset), encoding="utf-8")
        files += [json_file, xml_file]
        del name
    for name, text in DEFECTIVE.items():
        path = tmp_path / f"{name}.xml"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"clients": [{"' + FAMILY + " " + BIRTH.isoformat() + '": 1}]}')
    files.append(bad_json)
    return files


def test_cli_holds_no_marker(tmp_path: Path) -> None:
    found: dict[str, list[str]] = {}
    for path in _files(tmp_path):
        for argv in (
            ["check", str(path), "--today", "2025-01-15"],
            ["check", str(path), "--today", "2025-01-15", "--format", "json"],
            ["kpi", str(path), "--period", "2024-H2"],
            ["kpi", str(path), "--period", "2024-H2", "--format", "json"],
            ["summary", str(path)],
        ):
            leaked = markers_in(_run(argv))
            if leaked:
                found[" ".join(argv[:2]) + " " + path.name] = leaked
    assert found == {}


def test_cli_argument_errors_hold_no_marker() -> None:
    for argv in (
        ["period", BIRTH.isoformat() + "x"],
        ["kpi", "none.json", "--period", FAMILY],
        ["slk", "--validate", SLK[:-1] + "7"],
        ["slk", "--family", FAMILY, "--given", GIVEN, "--birth-date", "1931-19-07", "--sex", "F"],
        [
            "slk",
            "--family",
            FAMILY,
            "--given",
            GIVEN,
            "--birth-date",
            "1931-07-19",
            "--sex",
            FAMILY,
        ],
    ):
        assert markers_in(_run(argv)) == [], argv


#: A schema with the value types DSS's uses, to see how a validator quotes a bad value.
TYPES_XSD = """<?xml version="1.0" encoding="utf-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
  <xs:element name="R"><xs:complexType><xs:sequence>
    <xs:element name="I" type="xs:int"/>
    <xs:element name="D" type="xs:date"/>
    <xs:element name="B" type="xs:boolean"/>
    <xs:element name="E"><xs:simpleType><xs:restriction base="xs:string">
      <xs:enumeration value="MALE"/><xs:enumeration value="FEMALE"/>
    </xs:restriction></xs:simpleType></xs:element>
    <xs:element name="T"><xs:simpleType><xs:restriction base="xs:token">
      <xs:pattern value="^[A-Z]{3}$"/>
    </xs:restriction></xs:simpleType></xs:element>
    <xs:element name="N" type="xs:nonNegativeInteger"/>
    <xs:element name="X" type="xs:decimal"/>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>
"""
# (EMAL: a value inside the schema's own texts, which must stay whole.)
XSD_VALUES = (
    f"\n  {FAMILY} \t {GIVEN} 1931-07-19  \n",
    f"  {FAMILY}  ",
    f"{FAMILY}.{GIVEN}",
    "EMAL",
)


@pytest.mark.parametrize("value", XSD_VALUES, ids=range(len(XSD_VALUES)))
def test_xsd_messages_hold_no_marker(value: str) -> None:
    xsd = pytest.importorskip("dexcore.io.xsd", reason="the xsd extra is not installed")
    pytest.importorskip("xmlschema", reason="the xsd extra is not installed")
    schema = xsd.load_schema(TYPES_XSD.encode())
    document = "<R>" + "".join(f"<{tag}>{value}</{tag}>" for tag in "IDBETNX") + "</R>"
    issues = schema.validate(document.encode())
    assert len(issues) >= 6
    assert leaks_of(lambda: issues) == []
    # The schema's own texts stay: the enumeration and the (repaired) pattern.
    assert any("['MALE', 'FEMALE']" in issue.message for issue in issues)
    assert any("[A-Z]{3}" in issue.message for issue in issues)


def test_xsd_messages_name_no_unknown_element() -> None:
    xsd = pytest.importorskip("dexcore.io.xsd", reason="the xsd extra is not installed")
    pytest.importorskip("xmlschema", reason="the xsd extra is not installed")
    schema = xsd.load_schema(TYPES_XSD.encode())
    for document in (f"<R><I>1</I><{FAMILY} a='{GIVEN}'>x</{FAMILY}></R>", f"<R {GIVEN}='1'/>"):
        issues = schema.validate(document.encode())
        assert issues
        assert [markers_in(repr(issue)) for issue in issues if markers_in(repr(issue))] == []


def test_cli_xsd_messages_hold_no_marker(tmp_path: Path) -> None:
    pytest.importorskip("xmlschema", reason="the xsd extra is not installed")
    schema = Path(__file__).resolve().parent / "data" / "mini-upload.xsd"
    outlet = Outlet(
        name="Hub", address=ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800")
    )
    (data,) = write_bulk(Dataset(outlets=(outlet,)))
    for value in XSD_VALUES:
        path = tmp_path / "upload.xml"
        path.write_bytes(data.replace(b">0800<", f">{value}<".encode()))
        output = _run(["check", str(path), "--xsd", str(schema), "--today", "2025-01-15"])
        assert "xsd.invalid" in output
        assert markers_in(output) == []


def test_decimal_error_holds_no_marker() -> None:
    session = marker_dataset().sessions[0]
    assert leaks_of(lambda: attrs.evolve(session, fees_charged=decimal.Decimal("NaN"))) == []


# -- printed examples: hypothesis's falsifying examples and pytest's comparisons ---------------


def _personal_texts(client: Client) -> list[str]:
    """Every personal value of ``client`` as a printer could write it."""
    address = client.residential_address
    values: list[object] = [
        client.given_name,
        client.family_name,
        client.slk,
        address.address_line1,
        address.address_line2,
    ]
    texts = [repr(value) for value in values if value]
    return [*texts, repr(client.birth_date), client.birth_date.isoformat()]


def test_falsifying_example_of_a_strategy_holds_no_personal_value() -> None:
    seen: list[Client] = []

    @settings(max_examples=20, database=None, derandomize=True)
    @given(dst.clients(consent=True))
    def prop(client: Client) -> None:
        seen.append(client)
        assert client.given_name is None  # fails at once: consenting clients have names

    with pytest.raises(AssertionError) as caught:
        prop()
    notes = "\n".join(getattr(caught.value, "__notes__", ()))
    assert "Client(" in notes  # the example is printed...
    shown = [text for text in _personal_texts(seen[-1]) if text in notes]
    assert shown == []  # ...without its personal fields


def test_falsifying_dataset_is_printed_as_counts() -> None:
    @settings(max_examples=5, database=None, derandomize=True)
    @given(dst.datasets())
    def prop(dataset: Dataset) -> None:
        raise AssertionError

    with pytest.raises(AssertionError) as caught:
        prop()
    notes = "\n".join(getattr(caught.value, "__notes__", ()))
    assert "<Dataset: " in notes
    assert "Client(" not in notes


def test_pretty_printer_shows_the_repr() -> None:
    client = marker_client()
    assert pretty(client) == repr(client)
    assert markers_in(pretty([client, ADDRESS, marker_dataset()])) == []
    slk_parts = parts(SLK)
    assert pretty(slk_parts) == repr(slk_parts)
    assert markers_in(pretty(slk_parts)) == []
    assert "1931" not in pretty(slk_parts)


COMPARISON = f"""
import datetime as dt
import sys

sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from test_leak_hunt import marker_client


def test_compare():
    left = marker_client()
    assert left == marker_client(given_name="Qqq", birth_date=dt.date(1931, 7, 20))
"""


def _pytest_output(tmp_path: Path, *options: str) -> str:
    test_file = tmp_path / "test_compare.py"
    test_file.write_text(COMPARISON, encoding="utf-8")
    # The dexcore under test first on the path, whatever is installed.
    source = str(Path(dexcore.__file__).resolve().parent.parent)
    path = os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-vv", *options, str(test_file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": path},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


def test_pytest_comparison_of_records_holds_no_personal_value(tmp_path: Path) -> None:
    output = _pytest_output(tmp_path, "-p", "dexcore.testing.pytest_plugin")
    assert "given_name: differs (personal; values not shown)" in output
    assert "birth_date: differs (personal; values not shown)" in output
    assert markers_in(output) == []
    assert "'Qqq'" not in output  # (the test's own source line, shown too, has "Qqq")


def test_pytest_alone_would_print_them(tmp_path: Path) -> None:
    # The attack the plugin stops: pytest's own attrs comparison drills into every field.
    output = _pytest_output(tmp_path, "-p", "no:dexcore.testing.pytest_plugin")
    assert "vobmarker" in markers_in(output)


# -- the id of a record that cannot be read ---------------------------------------------------


def _unreadable(xml: str) -> list[Issue]:
    problems: list[Issue] = []
    read_bulk(xml.encode(), problems=problems)
    return problems


def _break(xml: str, tag: str) -> str:
    """``xml`` without its (first) ``tag`` element, so that its record cannot be read."""
    return re.sub(rf"<{tag}>[^<]*</{tag}>", "", xml, count=1)


@pytest.mark.parametrize(
    ("ids", "tag", "kind"),
    [
        ({"client_id": "ZQXMARKER-J-190731"}, "GenderCode", "client"),
        ({"client_id": "VOB-31"}, "GenderCode", "client"),
        ({"case_id": "ZQXMARKER-CASE"}, "OutletActivityId", "case"),
        ({"session_id": "S-ZQXMARKER", "case_id": "K1"}, "SessionDate", "session"),
        ({"session_id": "S-19310719"}, "SessionDate", "session"),
        ({"case_id": "K-ZQXMARKER"}, "ScoreTypeCode", "session_assessment"),
    ],
)
def test_unreadable_record_withholds_a_revealing_id(
    ids: dict[str, str], tag: str, kind: str
) -> None:
    xml = _xml(marker_dataset(**ids))  # type: ignore[arg-type]
    if kind == "session_assessment":  # its ScoreTypeCode comes after the client assessment's
        xml = xml.replace("<ScoreTypeCode>GROUP</ScoreTypeCode>", "")
    else:
        xml = _break(xml, tag)
    problems = [p for p in _unreadable(xml) if p.record.kind == kind]
    assert problems, f"no unreadable {kind}"
    assert all(problem.record.id is None for problem in problems)


def test_unreadable_client_with_an_unreadable_birth_date_withholds_a_dated_id() -> None:
    # No names (no consent) and a birth date the reader cannot read: the id could hold it.
    xml = _xml(marker_dataset(client_id="C-190731", consent=False))
    xml = xml.replace("<BirthDate>1931-07-19</BirthDate>", "<BirthDate>19/07/1931</BirthDate>")
    (problem,) = _unreadable(xml)
    assert problem.record.kind == "client"
    assert problem.record.id is None


@pytest.mark.parametrize(
    ("ids", "tag", "kind", "shown"),
    [
        ({"client_id": "C00001"}, "GenderCode", "client", "C00001"),
        ({"case_id": "K0001"}, "OutletActivityId", "case", "K0001"),
        ({"session_id": "S001"}, "SessionDate", "session", "S001"),
    ],
)
def test_unreadable_record_keeps_an_id_that_reveals_nothing(
    ids: dict[str, str], tag: str, kind: str, shown: str
) -> None:
    xml = _break(_xml(marker_dataset(**ids)), tag)  # type: ignore[arg-type]
    problems = [problem for problem in _unreadable(xml) if problem.record.kind == kind]
    assert [problem.record.id for problem in problems] == [shown]
