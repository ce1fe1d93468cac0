"""``dexcore submit``: the dry run shows ids, element names and counts, never a value."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from lxml import etree

import webservice_fakes as fake
from dexcore.cli import main
from dexcore.io import dataset_from_json, dataset_to_json
from dexcore.model import Dataset
from dexcore.webservice import FIELD_MAP
from dexcore.webservice.credentials import ENV_PASSWORD, ENV_USERNAME

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "example-upload.xml"
WSDL_FILE = str(fake.DATA / "synthetic-dex.wsdl")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def personal_values(dataset: Dataset) -> set[str]:
    """Every name, birth date, street line and SLK of the dataset's clients."""
    found: set[str] = set()
    for client in dataset.clients:
        address = client.residential_address
        found.update(
            value
            for value in (
                client.given_name,
                client.family_name,
                client.slk,
                client.birth_date.isoformat(),
                address.address_line1,
                address.address_line2,
            )
            if value
        )
    return found


def leaked(values: set[str], text: str) -> list[str]:
    """The values found in ``text``: anywhere, or as a word of their own when shorter than 4."""
    return [
        v for v in values if (v in text if len(v) > 3 else re.search(rf"\b{re.escape(v)}\b", text))
    ]


def example_dataset() -> Dataset:
    return dataset_from_json((ROOT / "examples" / "example-dataset.json").read_bytes())


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_USERNAME, raising=False)
    monkeypatch.delenv(ENV_PASSWORD, raising=False)


def test_the_dry_run_lists_calls_per_operation_without_personal_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(capsys, "submit", str(EXAMPLE), "--dry-run", "--today", "2024-07-15")
    assert status == 0
    assert re.search(r"^AddClient: 19 calls; elements: HasValidatedForDuplicateClient, ", out, re.M)
    assert "  C00007: stopped by the rule check (client.consent.names-without-consent)" in out
    assert "not sent (no operation for them in dexcore): 1 session assessments" in out
    values = personal_values(example_dataset())
    assert values  # the attack needs something to find
    assert leaked(values, out + err) == []


def test_the_dry_run_with_a_wsdl_names_what_the_wsdl_does_not_declare(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(
        capsys, "submit", str(EXAMPLE), "--dry-run", "--today", "2024-07-15", "--wsdl", WSDL_FILE
    )
    assert status == 0
    assert "  C00005; not in the WSDL, not sent: Client.GenderDetails" in out


def test_the_dry_run_withholds_an_id_that_reveals_the_client(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    client = fake.client()
    assert client.slk is not None
    revealing = fake.client(client_id=client.slk)
    path = tmp_path / "one.json"
    path.write_text(dataset_to_json(Dataset(clients=(revealing,))), encoding="utf-8")
    status, out, err = run(capsys, "submit", str(path), "--dry-run", "--today", "2024-08-05")
    assert status == 0
    assert "client #0 (its id is withheld: it reveals the client)" in out
    assert client.slk not in out + err


def test_a_real_send_without_credentials_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "submit", str(EXAMPLE), "--wsdl", WSDL_FILE)
    assert status == 2
    assert out == ""
    assert "DEXCORE_DEX_USERNAME" in err
    assert "--dry-run" in err


def test_a_real_send_without_a_wsdl_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_USERNAME, fake.USERNAME)
    monkeypatch.setenv(ENV_PASSWORD, fake.PASSWORD)
    status, _, err = run(capsys, "submit", str(EXAMPLE))
    assert status == 2
    assert "--wsdl" in err


def test_a_real_send_sends_each_record_and_reports_without_values(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dexcore.webservice.transport import QuietTransport

    sent: list[bytes] = []

    def post(_self: Any, _address: str, message: bytes, _headers: Any) -> Any:
        sent.append(message)
        operation = re.search(rb"<ns0:(\w+) ", message.split(b"Body>", 1)[1])
        assert operation is not None
        return fake.response(200, fake.status(operation.group(1).decode()))

    monkeypatch.setattr(QuietTransport, "post", post)
    monkeypatch.setenv(ENV_USERNAME, fake.USERNAME)
    monkeypatch.setenv(ENV_PASSWORD, fake.PASSWORD)
    status, out, err = run(capsys, "submit", str(EXAMPLE), "--wsdl", WSDL_FILE)
    assert status == 1  # the example upload has records the rule check stops
    assert "AddClient C00001: sent" in out
    assert re.search(r"^AddClient C00007: stopped by the rule check \(client\.consent\.", out, re.M)
    assert len(sent) == out.count(": sent")
    assert leaked({*personal_values(example_dataset()), fake.PASSWORD}, out + err) == []


def test_the_docs_page_s_table_is_the_field_map() -> None:
    page = (ROOT / "docs" / "howto" / "webservice.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \| `?([^`|]*?)`? \| `([^`]+)` \|", page, re.M)
    assert rows == [(row.service, row.bulk, row.model) for row in FIELD_MAP]


ORPHAN = "SMITH-JOHN-14031987"  # synthetic: a client id made of a name and a birth date


def fake_dex(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Credentials set, and every message posted answered Success; the messages posted."""
    from dexcore.webservice.transport import QuietTransport

    sent: list[bytes] = []

    def post(_self: Any, _address: str, message: bytes, _headers: Any) -> Any:
        sent.append(message)
        operation = re.search(rb"<ns0:(\w+) ", message.split(b"Body>", 1)[1])
        assert operation is not None
        return fake.response(200, fake.status(operation.group(1).decode()))

    monkeypatch.setattr(QuietTransport, "post", post)
    monkeypatch.setenv(ENV_USERNAME, fake.USERNAME)
    monkeypatch.setenv(ENV_PASSWORD, fake.PASSWORD)
    return sent


def whole_dataset_errors(tmp_path: Path) -> Path:
    """The example with a client twice and an assessment of a client not in it."""
    dataset = example_dataset()
    orphan = attrs.evolve(dataset.client_assessments[0], client_id=ORPHAN)
    doubled = attrs.evolve(
        dataset,
        clients=(*dataset.clients, dataset.clients[1]),
        client_assessments=(*dataset.client_assessments, orphan),
    )
    path = tmp_path / "errors.json"
    path.write_text(dataset_to_json(doubled), encoding="utf-8")
    return path


def stopped_lines(out: str) -> list[str]:
    """Each 'stopped by the rule check' line, without its indent or operation."""
    return [
        re.sub(r"^(\s+|[A-Za-z]+ )", "", line)
        for line in out.splitlines()
        if "stopped by the rule check" in line
    ]


def test_a_real_send_posts_nothing_the_whole_dataset_check_stops(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = whole_dataset_errors(tmp_path)
    sent = fake_dex(monkeypatch)
    _, dry, _ = run(capsys, "submit", str(path), "--dry-run", "--today", "2024-07-15")
    status, out, _ = run(capsys, "submit", str(path), "--today", "2024-07-15", "--wsdl", WSDL_FILE)
    assert status == 1
    assert "client.id.duplicate" in dry
    assert "client-assessment.reference.unknown" in dry
    assert stopped_lines(out) == stopped_lines(dry)
    assert len(sent) == out.count(": sent")
    assert re.findall(
        r"^(?:AddClient|AddCase|AddSession|UpdateClientAssessments) (.*): sent", out, re.M
    )
    assert all(ORPHAN.encode() not in message for message in sent)
    assert "AddClient C00002: stopped by the rule check (client.id.duplicate)" in out
    assert out.count("AddClient C00002: sent") == 1  # the first copy only


def test_no_output_names_an_id_that_reveals_a_client_from_any_record(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = whole_dataset_errors(tmp_path)
    fake_dex(monkeypatch)
    _, dry, dry_err = run(capsys, "submit", str(path), "--dry-run", "--today", "2024-07-15")
    _, out, err = run(capsys, "submit", str(path), "--today", "2024-07-15", "--wsdl", WSDL_FILE)
    assert "client_assessment #" in dry  # the orphan's line is there, its id withheld
    for text in (dry, dry_err, out, err):
        for part in ("SMITH", "JOHN", "14031987"):
            assert part not in text.upper()


def test_today_is_the_check_s_day_not_the_messages_time(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dexcore.cli import submit

    sent = fake_dex(monkeypatch)
    monkeypatch.setattr(submit, "_now", lambda: fake.NOW)
    run(capsys, "submit", str(EXAMPLE), "--today", "2024-07-15", "--wsdl", WSDL_FILE)
    assert sent
    for message in sent:
        stamp = fake.found(etree.fromstring(message), "//d:Common/d:CreateDateTime")
        assert stamp == [fake.NOW.isoformat()]
