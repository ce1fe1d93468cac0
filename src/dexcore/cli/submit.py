"""``dexcore submit FILE``: send a dataset record by record through DEX's web services.

``--dry-run`` shows, per operation, the calls that would be made: each
record's id (unless the rule check or the id guard finds that some part of
it reveals a client), the element names it would send, and which records
the rule check would stop; no value of any field is printed. With ``--wsdl``, each envelope is
also built from that WSDL (not signed, not sent), and the elements it does
not declare are named. Without ``--dry-run`` the calls are made for every
record the rule check does not stop (the same check, over the whole file,
as the dry run's; ``--today`` sets only its day, never a message's time),
which needs ``--wsdl`` and the DEX system account's credentials in
``DEXCORE_DEX_USERNAME`` and ``DEXCORE_DEX_PASSWORD``. zeep (``pip install
'dexcore[webservice]'``) is imported only when a WSDL is loaded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from dexcore.cli._common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_UNREADABLE,
    Commands,
    Progress,
    Unreadable,
    add_max_size,
    date_arg,
    say,
    today,
)
from dexcore.cli._load import Loaded, load_files, warn_unread
from dexcore.errors import DexError
from dexcore.rules import KnownRecords, Report, check

if TYPE_CHECKING:
    from dexcore.webservice import Call, DexService, Plan

__all__ = ["add_submit"]


def add_submit(commands: Commands) -> None:
    """The ``submit`` command and its options."""
    submit = commands.add_parser(
        "submit", help="send a dataset through DEX's web services (or show what would be sent)"
    )
    submit.add_argument(
        "file", help="a DEX bulk-upload XML file, or a dataset in dexcore's JSON form"
    )
    submit.add_argument(
        "--dry-run",
        action="store_true",
        help="show what would be sent, per operation; send nothing",
    )
    submit.add_argument(
        "--wsdl", metavar="URL|FILE", help="DEX's WSDL (from DSS), to build the messages from"
    )
    submit.add_argument("--today", type=date_arg, help="the day to check as of (default: today)")
    add_max_size(submit)
    submit.set_defaults(run=run_submit)


def _now() -> dt.datetime:
    """The local time, with its offset: each message's ``CreateDateTime``."""
    return dt.datetime.now().astimezone()


def run_submit(args: argparse.Namespace) -> int:
    """Run ``dexcore submit``."""
    from dexcore.webservice import credentials_from_environment

    if not args.dry_run and (args.wsdl is None or credentials_from_environment() is None):
        say(
            "dexcore: submit sends only with --wsdl and the DEX system account's credentials"
            " in DEXCORE_DEX_USERNAME and DEXCORE_DEX_PASSWORD; --dry-run shows what it would send"
        )
        return EXIT_UNREADABLE
    try:
        loaded = load_files([args.file], Progress(enabled=False), limit=args.max_size)
    except Unreadable as error:
        say(str(error))
        return EXIT_UNREADABLE
    warn_unread(loaded)
    day = args.today or today()
    report = check(loaded.dataset, today=day, known=KnownRecords(unreadable=loaded.unreadable()))
    try:
        service = None if args.wsdl is None else _service(args.wsdl, day)
    except (DexError, ImportError) as error:
        say(f"dexcore: {error}")
        return EXIT_UNREADABLE
    if args.dry_run:
        return _dry_run(loaded, report, service)
    assert service is not None
    return _send(loaded, report, service)


def _service(wsdl: str, day: dt.date) -> DexService:
    """The service: ``day`` is the rule check's; each message's time is the real time."""
    from dexcore.webservice import DexService

    return DexService(wsdl, clock=_now, today=day)


def _stopped(loaded: Loaded, report: Report) -> tuple[dict[tuple[str, int], list[str]], set[str]]:
    """Per record (kind, position), the rule codes that stop it; and ids that reveal a client."""
    stopped: dict[tuple[str, int], list[str]] = defaultdict(list)
    revealing: set[str] = set()
    for issue in report.issues:
        record = issue.record
        if record.index is None:
            continue
        if issue.severity == "error":
            stopped[record.kind, record.index].append(issue.code)
        if record.id is None:  # the check withheld the id: it reveals the client
            record_id = _record_id(loaded, record.kind, record.index)
            if record_id:
                revealing.add(record_id)
    return stopped, revealing


def _record_id(loaded: Loaded, kind: str, index: int) -> str:
    collection = getattr(loaded.dataset, f"{kind}s", ())
    if index >= len(collection):
        return ""
    return str(getattr(collection[index], f"{kind}_id", "") or "")


def _reveals(part: str, loaded: Loaded, revealing: set[str]) -> bool:
    """Whether an id part reveals a client: the check said so, or the id guard finds anything.

    Every part is screened, whatever record it comes from: a client id that
    appears only in a session or an assessment was never checked as a client's.
    """
    from dexcore.privacy import identifier_leaks

    if part in revealing:
        return True
    client = loaded.dataset.client_by_id.get(part)
    if client is None:
        return bool(identifier_leaks(part))
    return bool(
        identifier_leaks(
            part,
            given_name=client.given_name,
            family_name=client.family_name,
            birth_date=client.birth_date,
            slk=client.slk,
        )
    )


def _shown_id(call: Call, loaded: Loaded, revealing: set[str], position: int) -> str:
    if any(_reveals(part, loaded, revealing) for part in call.record_id.split("/")):
        return f"{call.kind} #{position} (its id is withheld: it reveals the client)"
    return call.record_id


def _stop_text(codes: list[str]) -> str:
    return f"stopped by the rule check ({', '.join(sorted(set(codes)))})"


def _by_position(plan: Plan) -> list[tuple[int, Call]]:
    """Each call with its record's position among the records of its kind."""
    positions: dict[str, int] = defaultdict(int)
    found = []
    for call in plan.calls:
        found.append((positions[call.kind], call))
        positions[call.kind] += 1
    return found


def _by_operation(plan: Plan) -> dict[str, list[tuple[int, Call]]]:
    grouped: dict[str, list[tuple[int, Call]]] = defaultdict(list)
    for position, call in _by_position(plan):
        grouped[call.operation].append((position, call))
    return grouped


def _dry_run(loaded: Loaded, report: Report, service: DexService | None) -> int:
    from dexcore.webservice import plan

    planned = plan(loaded.dataset)
    stopped, revealing = _stopped(loaded, report)
    print(f"dry run: {len(planned.calls)} calls; nothing is sent")
    for operation, calls in _by_operation(planned).items():
        fields = dict.fromkeys(f for _, call in calls for f in call.fields)
        print(f"{operation}: {len(calls)} calls; elements: {', '.join(fields)}")
        for position, call in calls:
            shown = _shown_id(call, loaded, revealing, position)
            print(f"  {_line(call, shown, stopped.get((call.kind, position)), service)}")
    _say_not_sent(planned)
    return EXIT_OK


def _line(call: Call, shown: str, codes: list[str] | None, service: DexService | None) -> str:
    if codes:
        return f"{shown}: {_stop_text(codes)}"
    if service is None:
        return shown
    try:
        missing = service.rehearse(call)
    except DexError as error:
        return f"{shown}: does not fit the WSDL: {error}"
    return shown + (f"; not in the WSDL, not sent: {', '.join(missing)}" if missing else "")


def _say_not_sent(planned: Plan) -> None:
    if planned.not_sent:
        counts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in planned.not_sent.items())
        print(f"not sent (no operation for them in dexcore): {counts}")


def _senders(service: DexService, loaded: Loaded) -> list[Callable[[], object]]:
    """The facade's call for each record, in the plan's order."""
    dataset = loaded.dataset
    return [
        *(functools.partial(service.add_client, client) for client in dataset.clients),
        *(functools.partial(service.add_case, case) for case in dataset.cases),
        *(functools.partial(service.add_session, session) for session in dataset.sessions),
        *(
            functools.partial(service.update_client_assessments, assessment)
            for assessment in dataset.client_assessments
        ),
    ]


def _send(loaded: Loaded, report: Report, service: DexService) -> int:
    """Send each record the full rule check does not stop; those it stops, as the dry run shows."""
    from dexcore.errors import ServiceCredentialsMissing, ServiceUnavailable
    from dexcore.webservice import plan

    planned = plan(loaded.dataset)
    stopped, revealing = _stopped(loaded, report)
    failed = 0
    sends = zip(_by_position(planned), _senders(service, loaded), strict=True)
    for (position, call), send in sends:
        shown = f"{call.operation} {_shown_id(call, loaded, revealing, position)}"
        codes = stopped.get((call.kind, position))
        if codes:
            failed += 1
            print(f"{shown}: {_stop_text(codes)}")
            continue
        try:
            send()
        except (ServiceUnavailable, ServiceCredentialsMissing) as error:
            say(f"dexcore: {shown}: {error}; stopped, later records not sent")
            return EXIT_UNREADABLE
        except DexError as error:
            failed += 1
            print(f"{shown}: not accepted: {error}")
            continue
        print(f"{shown}: sent")
    _say_not_sent(planned)
    return EXIT_INVALID if failed else EXIT_OK
