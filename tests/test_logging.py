"""The ``dexcore`` logger: silent by default; says what it skipped and why, no personal value."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dexcore
from dexcore.io.bulk import read_bulk, write_bulk
from dexcore.model import (
    AtsiOrigin,
    Case,
    CaseClient,
    Client,
    Dataset,
    Gender,
    Organisation,
    ProgramActivity,
    ResidentialAddress,
    Session,
    SessionClient,
    State,
)
from dexcore.reference import bundled
from dexcore.rules import DEX, Issue, RuleSet, _parallel, check
from dexcore.testing import sample_uploads
from dexcore.testing.strategies import datasets

TODAY = dt.date(2025, 1, 15)
SAMPLES = {upload.name: upload for upload in sample_uploads()}


class Collecting(logging.Handler):
    """Keeps every record it is given (hypothesis's examples cannot share caplog)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def personal_values(dataset: Dataset) -> set[str]:
    """Names, SLKs, birth dates, street lines and client ids of ``dataset`` (long enough to
    be told apart from the words of a message)."""
    found: set[str] = set()
    for client in dataset.clients:
        address = client.residential_address
        found |= {
            client.client_id,
            client.birth_date.isoformat(),
            *(v for v in (client.given_name, client.family_name, client.slk) if v),
            *(v for v in (address.address_line1, address.address_line2) if v),
        }
    return {value.strip() for value in found if len(value.strip()) >= 5}


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Each message logged, whole (so a line must be exactly the one expected)."""
    return [record.getMessage() for record in caplog.records]


def test_the_logger_is_silent_until_the_application_configures_logging() -> None:
    logger = logging.getLogger("dexcore")
    assert any(isinstance(handler, logging.NullHandler) for handler in logger.handlers)
    assert logger.propagate
    assert dexcore.__name__ == logger.name


def test_a_reader_says_how_many_records_of_each_kind_it_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    upload = SAMPLES["invalid-unreadable-and-late.xml"]
    caplog.set_level(logging.DEBUG, logger="dexcore")
    problems: list[Issue] = []
    read_bulk(upload.path, problems=problems)
    assert len(problems) == 1
    assert "5 records from 1 file(s); 1 more could not be read and are left out (client 1)" in (
        logged(caplog)
    )
    assert {r.name for r in caplog.records} >= {"dexcore.io.bulk"}
    left_out = [r for r in caplog.records if "left out" in r.getMessage()]
    assert [r.levelno for r in left_out] == [logging.INFO]


def test_a_clean_read_is_logged_at_debug_only(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="dexcore")
    read_bulk(SAMPLES["valid-minimal.xml"].path, problems=[])
    assert caplog.records == []
    caplog.set_level(logging.DEBUG, logger="dexcore")
    read_bulk(SAMPLES["valid-minimal.xml"].path, problems=[])
    assert "read 6 records from 1 file(s)" in logged(caplog)


def test_a_check_says_which_rules_had_nothing_to_check(caplog: pytest.LogCaptureFixture) -> None:
    dataset = read_bulk(SAMPLES["valid-minimal.xml"].path)
    caplog.set_level(logging.DEBUG, logger="dexcore")
    check(dataset, today=TODAY, workers=2)
    text = logged(caplog)
    assert "session.service-type.not-for-activity checks nothing" in text
    assert "session.service-type.unknown checks nothing" in text
    assert "checked 6 records against" in text
    assert "no issue" in text
    caplog.clear()
    check(Dataset(), today=TODAY, workers=2)
    assert "checking in this process although 2 workers were asked" in logged(caplog)
    assert "service-type" not in logged(caplog)  # no session: nothing was skipped


def test_a_check_says_nothing_of_the_activity_rule_when_an_activity_lists_service_types(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The other direction of the line above: activity 101 lists service type 1, so
    session.service-type.not-for-activity has something to check."""
    dataset = read_bulk(SAMPLES["valid-minimal.xml"].path)
    activity = ProgramActivity(organisation_activity_id=101, name="Hand", service_type_ids=(1,))
    listed = attrs.evolve(
        dataset, organisation=Organisation(name="Hand", program_activities=(activity,))
    )
    caplog.set_level(logging.INFO, logger="dexcore")
    check(listed, today=TODAY)
    assert "session.service-type.not-for-activity checks nothing" not in logged(caplog)
    caplog.clear()
    check(attrs.evolve(listed, organisation=None), today=TODAY)
    assert (
        "session.service-type.not-for-activity checks nothing: no program activity of the"
        " dataset's organisation lists its service types"
    ) in lines(caplog)


def test_a_check_says_the_service_type_rule_checks_nothing_only_without_dsss_whole_list(
    caplog: pytest.LogCaptureFixture,
) -> None:
    dataset = read_bulk(SAMPLES["valid-minimal.xml"].path)
    caplog.set_level(logging.INFO, logger="dexcore")
    check(dataset, today=TODAY)  # the bundled service types do not claim to be the whole list
    assert (
        "session.service-type.unknown checks nothing: the reference data's service types are"
        " not DSS's whole list (give your portal's reference data);"
        " session.service-type.unlisted warns instead"
    ) in lines(caplog)
    caplog.clear()
    check(dataset, today=TODAY, reference=attrs.evolve(bundled(), service_types_complete=True))
    assert "session.service-type.unknown checks nothing" not in logged(caplog)


def _in_this_process(
    total: int, own: Callable[[int, bool], list[Issue]], theirs: Callable[[int], list[Issue]]
) -> _parallel.Shared[list[Issue]]:
    """A stand-in for the forked worker that claims nothing: every chunk is checked here."""
    return _parallel.Shared(results={}, mine={i: own(i, True) for i in range(total)}, worker=None)


def test_a_check_says_it_stayed_in_this_process_only_when_it_did(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = read_bulk(SAMPLES["valid-minimal.xml"].path)
    assert dataset.sessions
    caplog.set_level(logging.INFO, logger="dexcore")
    monkeypatch.setattr(_parallel, "can_fork", lambda: False)
    check(dataset, today=TODAY, workers=3)
    assert (
        "checking in this process although 3 workers were asked: a worker is forked only on"
        " Linux, outside daemonic processes, and while this process has no other thread"
    ) in lines(caplog)
    caplog.clear()
    # The other direction: the records are shared (here with a stand-in), and nothing is said.
    monkeypatch.setattr(_parallel, "can_fork", lambda: True)
    monkeypatch.setattr(_parallel, "share", _in_this_process)
    check(dataset, today=TODAY, workers=3)
    assert "checking in this process" not in logged(caplog)
    caplog.clear()
    check(dataset, today=TODAY)  # one worker, as asked: nothing to say either
    assert "checking in this process" not in logged(caplog)


def _hand_rules() -> RuleSet:
    """Two rules: an error for a name without consent, a warning for a session without clients."""
    return RuleSet(
        name="hand",
        version="1",
        rules=(DEX.rule("client.consent.names-without-consent"), DEX.rule("session.no-client")),
    )


def test_a_check_logs_its_records_rules_and_issues_by_severity(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Worked by hand: 2 clients (one with both names and no consent: an error for each name),
    1 case, 3 sessions (two with no client: a warning each): 6 records, 2 rules, 2 errors and 2
    warnings."""
    named = Client(
        client_id="C1",
        given_name="Ixabel",
        family_name="Norvelu",
        consent_to_provide_details=False,
        consented_for_future_contacts=False,
        slk="OREXA010119802",
        birth_date=dt.date(1980, 1, 1),
        gender=Gender.FEMALE,
        atsi_origin=AtsiOrigin.NO,
        country_of_birth="1101",
        language_spoken_at_home="1201",
        residential_address=ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800"),
    )
    other = attrs.evolve(named, client_id="C2", given_name=None, family_name=None)
    case = Case(case_id="K1", outlet_activity_id=1, clients=(CaseClient(client_id="C1"),))
    session = Session(session_id="S1", case_id="K1", session_date=dt.date(2024, 8, 1),
                      service_type_id=1, clients=(SessionClient(client_id="C1"),))  # fmt: skip
    dataset = Dataset(
        clients=(named, other),
        cases=(case,),
        sessions=(
            session,
            attrs.evolve(session, session_id="S2", clients=()),
            attrs.evolve(session, session_id="S3", clients=()),
        ),
    )
    caplog.set_level(logging.DEBUG, logger="dexcore")
    report = check(dataset, _hand_rules(), today=TODAY)
    assert [(i.code, i.record.index) for i in report.issues] == [
        ("client.consent.names-without-consent", 0),
        ("client.consent.names-without-consent", 0),
        ("session.no-client", 1),
        ("session.no-client", 2),
    ]
    assert "checked 6 records against 2 rules of hand: 2 error, 2 warning" in lines(caplog)
    caplog.clear()
    check(Dataset(), _hand_rules(), today=TODAY)
    assert "checked 0 records against 2 rules of hand: no issue" in lines(caplog)
    caplog.clear()
    check(Dataset(), _hand_rules(), today=TODAY, workers=2)  # nothing to share: said so
    assert (
        "checking in this process although 2 workers were asked: there is no session to share"
        in lines(caplog)
    )


def test_clearing_the_caches_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="dexcore")
    dexcore.clear_caches()
    assert any(r.name == "dexcore._caches" and "emptied" in r.getMessage() for r in caplog.records)


def test_no_log_line_holds_a_personal_value_of_the_samples(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="dexcore")
    for upload in SAMPLES.values():
        problems: list[Issue] = []
        dataset = read_bulk(upload.path, problems=problems)
        check(dataset, today=upload.today, workers=2)
        values = personal_values(dataset) | {"Ixabel", "Norvelu", "1992-02-30", "V00002"}
        assert caplog.records  # the attack has something to look at
        text = logged(caplog)
        assert [value for value in values if value in text] == []


@settings(max_examples=5)
@given(datasets(max_clients=4, max_cases=2), st.booleans())
def test_no_log_line_holds_a_personal_value_of_any_dataset(dataset: Dataset, broken: bool) -> None:
    """Written, read back (with one client unreadable, when ``broken``), checked, caches cleared."""
    handler = Collecting()
    records = handler.records
    logger = logging.getLogger("dexcore")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        parts = list(write_bulk(dataset))
        if broken:  # an impossible birth date: the first client cannot be read
            parts[0] = re.sub(rb"<BirthDate>[^<]*<", b"<BirthDate>2001-02-30<", parts[0], count=1)
        check(read_bulk(parts, problems=[]), today=TODAY, workers=2)
        dexcore.clear_caches()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    text = "\n".join(f"{r.getMessage()} {r.args!r}" for r in records)
    assert records
    assert ("could not be read" in text) == broken
    assert [value for value in personal_values(dataset) if value in text] == []
