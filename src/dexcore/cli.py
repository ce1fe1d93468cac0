r"""The ``dexcore`` command line.

``dexcore check FILE`` checks a DEX bulk-upload XML file (or a dataset in
dexcore's JSON form) against every rule and prints each issue with its
code, record, path and line; ``dexcore kpi FILE --period 2024-H1`` gives the
five standard KPIs; ``dexcore summary FILE`` says what a file holds, period
by period; ``dexcore slk`` builds or validates a linkage key; ``dexcore
period DATE`` says which reporting period a date falls in and where that
period stands. Nothing personal is printed unless the command was asked to
produce it (``slk`` prints the key it was asked to build).

This module is the only place dexcore reads the clock: ``--today`` defaults
to the local date.

Exit status: 0 on success (for ``check``: no error), 1 when a checked value
is invalid (``check``: at least one error), 2 when the input cannot be read
or the arguments are wrong; then stderr holds one line that starts with
``dexcore``. Files above ``--max-size`` (by default four times DSS's limit
of 10 MB) are refused. Text output shows control characters from the data
escaped (``\x1b``), so a value cannot rewrite the terminal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import attrs

from dexcore import __version__
from dexcore._files import (
    DEFAULT_READ_LIMIT,
    FileTooLarge,
    open_binary,
    read_limited,
    read_unless_regular,
)
from dexcore._terminal import parse_size, shown
from dexcore.errors import DexError, InvalidSlk, PeriodError
from dexcore.io import dataset_from_json
from dexcore.io.bulk import BulkUpload, load_bulk, read_bulk
from dexcore.io.xsd import load_schema
from dexcore.kpi import KpiReport, Ratio, standard_kpis
from dexcore.model import Dataset, ParticipationType
from dexcore.periods import ReportingPeriod, activity_by_period, can_record, period_of, status
from dexcore.reference import bundled, load_reference_xml
from dexcore.rules import RULESETS, Issue, Report, Severity, check
from dexcore.slk import SlkPolicy, generate, validate

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
# Files larger than this get a progress indication on a terminal.
_PROGRESS_BYTES = 1_000_000


def _summary_lines(name: str, dataset: Dataset) -> list[str]:
    counts = dataset.counts()
    lines = [
        f"{shown(name)}: "
        + ", ".join(f"{n} {label.replace('_', ' ')}" for label, n in counts.items())
    ]
    if dataset.organisation is not None:
        activities = len(dataset.organisation.program_activities)
        name = shown(dataset.organisation.name)
        lines.append(f"organisation: {name} ({activities} program activities)")
    clients = dataset.clients
    if clients:
        without = sum(not c.consent_to_provide_details for c in clients)
        lines.append(
            f"clients: {len(clients) - without} consented to personal details, {without} did not;"
            f" {sum(c.is_using_pseudonym for c in clients)} pseudonyms;"
            f" {sum(c.is_birth_date_an_estimate for c in clients)} estimated birth dates;"
            f" {sum(c.slk is not None for c in clients)} with an SLK"
        )
    sessions = dataset.sessions
    if sessions:
        first = min(s.session_date for s in sessions)
        last = max(s.session_date for s in sessions)
        roles = Counter(sc.participation for s in sessions for sc in s.clients)
        unidentified = [
            s.total_unidentified_clients for s in sessions if s.total_unidentified_clients
        ]
        lines.append(
            f"sessions: {first.isoformat()} to {last.isoformat()};"
            f" {roles[ParticipationType.CLIENT]} client and"
            f" {roles[ParticipationType.SUPPORT]} support-person attendances;"
            f" {len(unidentified)} sessions with unidentified clients ({sum(unidentified)} in all);"
            f" {sum(not s.clients for s in sessions)} with no attached client"
        )
        for period, activity in activity_by_period(sessions).items():
            lines.append(
                f"  {period.label}: {activity.sessions} sessions counted"
                f" ({activity.uncounted_sessions} not counted: no client attached),"
                f" {len(activity.client_ids)} clients, {len(activity.case_ids)} cases"
            )
    return lines


@attrs.frozen
class _Loaded:
    """A dataset read from a file, with what could not be read.

    ``upload`` is the full reader's answer, with each record's line, when it
    was asked for (``check``); ``None`` otherwise, and for dexcore JSON.
    """

    dataset: Dataset
    problems: tuple[Issue, ...] = ()
    upload: BulkUpload | None = None
    source: Path | bytes | None = None  # what was read, for the schema to read again


def _is_xml(path: Path, data: bytes | None) -> bool:
    if path.suffix.lower() == ".xml":
        return True
    if data is None:
        with open_binary(path) as stream:
            data = stream.read(64)
    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


class _Progress:
    """A one-line progress indication on stderr, for files that take more than a moment."""

    def __init__(self, name: str, *, enabled: bool) -> None:
        self.name = name
        self.enabled = enabled
        self.shown = -1

    def reading(self, done: int, total: int | None) -> None:
        if not self.enabled or not total:
            return
        percent = done * 100 // total
        if percent != self.shown:
            self.shown = percent
            print(f"\rdexcore: reading {self.name}: {percent}%", end="", file=sys.stderr)

    def say(self, text: str) -> None:
        if self.enabled:
            print(f"\rdexcore: {text}\033[K", end="", file=sys.stderr)

    def done(self) -> None:
        if self.enabled:
            print("\r\033[K", end="", file=sys.stderr)


def _progress(args: argparse.Namespace, path: Path) -> _Progress:
    wanted = getattr(args, "progress", None)
    if wanted is None:
        try:
            big = path.stat().st_size > _PROGRESS_BYTES
        except OSError:
            big = False
        wanted = big and sys.stderr.isatty()
    return _Progress(shown(path.name), enabled=bool(wanted))


def _say(text: str) -> None:
    """One line on stderr, control characters escaped."""
    print(shown(text), file=sys.stderr)


def _too_large(path: Path, limit: int) -> None:
    _say(
        f"dexcore: {path} is larger than {limit:,} bytes (DSS accepts 10 MB a file);"
        " give --max-size to read it anyway"
    )


def _open(path: Path, limit: int | None) -> tuple[Path | bytes, bool] | None:
    """What to read (the path, or the bytes already read) and whether it is XML.

    ``None`` after saying why the file cannot be read. Dexcore JSON is
    always read here, as bytes.
    """
    try:
        data = read_unless_regular(path, limit)
        xml = _is_xml(path, data)
        if not xml and data is None:
            data = read_limited(path, limit)
    except OSError as error:
        _say(f"dexcore: cannot read {path}: {error.strerror}")
        return None
    except FileTooLarge as error:
        _too_large(path, error.limit)
        return None
    if data == b"":  # such as a FIFO that no program writes to
        _say(f"dexcore: {path} is empty")
        return None
    return (path if data is None else data), xml


def _load(
    file: str,
    progress: _Progress | None = None,
    *,
    lines: bool = False,
    limit: int | None = DEFAULT_READ_LIMIT,
) -> _Loaded | None:
    """The dataset in ``file`` (bulk XML or dexcore JSON), or ``None`` after saying why not.

    With ``lines``, a bulk file is read by the full reader, which keeps each
    record's line (``check`` points into the file); otherwise ``read_bulk``
    may take its quick path.
    """
    path = Path(file)
    opened = _open(path, limit)
    if opened is None:
        return None
    source, xml = opened
    if xml:
        reading = None if progress is None else progress.reading
        problems: list[Issue] = []
        try:
            if lines:
                upload = load_bulk(source, progress=reading, max_size=limit)
                return _Loaded(upload.dataset, upload.problems, upload, source)
            dataset = read_bulk(source, problems=problems, progress=reading, max_size=limit)
        except DexError as error:
            _say(f"dexcore: {path} cannot be read as a DEX bulk upload: {error}")
            return None
        finally:
            if progress is not None:
                progress.done()
        return _Loaded(dataset, tuple(problems))
    try:
        return _Loaded(dataset_from_json(source if isinstance(source, bytes) else b""))
    except DexError as error:
        _say(f"dexcore: {path} is not a dexcore dataset: {error}")
        return None


def _warn_unread(name: str, loaded: _Loaded) -> None:
    if loaded.problems:
        _say(
            f"dexcore: {len(loaded.problems)} records of {name} could not be read and are"
            " left out; `dexcore check` lists them"
        )


def _cmd_summary(args: argparse.Namespace) -> int:
    loaded = _load(args.file, limit=args.max_size)
    if loaded is None:
        return EXIT_UNREADABLE
    name = Path(args.file).name
    _warn_unread(name, loaded)
    try:
        lines = _summary_lines(name, loaded.dataset)
    except PeriodError:
        _say(f"dexcore: {name} holds a session dated after the last reporting period, 9998-H2")
        return EXIT_UNREADABLE
    print("\n".join(lines))
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    path = Path(args.file)
    schema = None
    if args.xsd is not None:
        try:
            schema = load_schema(args.xsd, max_size=args.max_size)
        except DexError as error:
            _say(f"dexcore: cannot use the schema: {error}")
            return EXIT_UNREADABLE
    reference = bundled()
    if args.reference is not None:
        try:
            update = load_reference_xml(args.reference, max_size=args.max_size)
            reference = reference.updated_with(update)
        except DexError as error:
            _say(f"dexcore: cannot use the reference data: {error}")
            return EXIT_UNREADABLE
    progress = _progress(args, path)
    loaded = _load(args.file, progress, lines=True, limit=args.max_size)
    if loaded is None:
        return EXIT_UNREADABLE
    found: list[Issue] = list(loaded.problems)
    if schema is not None:
        if loaded.source is None:
            _say("dexcore: --xsd applies to bulk-upload XML files only")
            return EXIT_UNREADABLE
        progress.say("validating against the schema")
        found += schema.validate(loaded.source)
    progress.say(f"checking {sum(loaded.dataset.counts().values())} records")
    report = check(
        loaded.dataset, RULESETS[args.ruleset], today=args.today or _today(), reference=reference
    )
    progress.done()
    report = attrs.evolve(report, issues=(*found, *report.issues))
    line_of = loaded.upload.line_of if loaded.upload is not None else _no_line
    if args.format == "json":
        print(json.dumps(_json_report(report), indent=2, sort_keys=True))
    else:
        print("\n".join(_report_lines(path.name, report, line_of)))
    return EXIT_INVALID if report.has_errors else EXIT_OK


def _no_line(issue: Issue) -> int | None:
    return None


def _json_report(report: Report) -> dict[str, object]:
    return {
        "issues": [issue.to_dict() for issue in report.issues],
        "counts": {severity.value: n for severity, n in report.counts().items()},
        "by_code": dict(report.counts_by_code()),
        "ruleset": report.ruleset,
        "today": report.today.isoformat(),
    }


def _report_lines(name: str, report: Report, line_of: Callable[[Issue], int | None]) -> list[str]:
    lines = []
    for issue in report.issues:
        line = line_of(issue)
        at = "" if line is None else f"  (line {line})"
        record, where, message = shown(issue.record), shown(issue.path), shown(issue.message)
        lines.append(
            f"{issue.severity.value.upper():<7} {issue.code}  {record}  {where}{at}\n"
            f"        {message}"
        )
    counts = report.counts()
    lines.append("")
    lines.append(
        f"{shown(name)}: {counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
        f"{counts[Severity.INFO]} notes (rules: {report.ruleset}; checked as of "
        f"{report.today.isoformat()})"
    )
    lines.extend(f"  {n:>5}  {shown(code)}" for code, n in report.counts_by_code().items())
    return lines


def _cmd_slk(args: argparse.Namespace) -> int:
    policy = SlkPolicy(args.policy)
    try:
        if args.validate is not None:
            print(validate(args.validate, policy=policy))
            return EXIT_OK
        if args.birth_date is None:
            print("dexcore slk: give --birth-date (or --validate KEY)", file=sys.stderr)
            return EXIT_UNREADABLE
        print(generate(args.family, args.given, args.birth_date, args.sex, policy=policy))
    except InvalidSlk as error:
        print(f"dexcore slk: invalid: {error}", file=sys.stderr)
        return EXIT_INVALID
    except DexError as error:
        print(f"dexcore slk: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    return EXIT_OK


def _cmd_kpi(args: argparse.Namespace) -> int:
    loaded = _load(args.file, _progress(args, Path(args.file)), limit=args.max_size)
    if loaded is None:
        return EXIT_UNREADABLE
    _warn_unread(Path(args.file).name, loaded)
    report = standard_kpis(loaded.dataset, args.period)
    if args.format == "json":
        print(json.dumps(report.to_dict(), indent=2, sort_keys=True))
    else:
        print("\n".join(_kpi_lines(Path(args.file).name, report)))
    return EXIT_OK


def _percent(ratio: Ratio) -> str:
    value = ratio.percent
    shown = "n/a" if value is None else f"{value:.1f}%"
    extra = f", {ratio.not_stated} not stated" if ratio.not_stated else ""
    return f"{shown} ({ratio.numerator} of {ratio.denominator}{extra})"


def _kpi_lines(name: str, report: KpiReport) -> list[str]:
    by_type = shown(", ".join(f"{k}: {v}" for k, v in report.sessions_by_service_type.items()))
    lines = [
        (
            f"{shown(name)}, reporting period {report.period.label}"
            f" ({report.period.start.isoformat()} to {report.period.end.isoformat()})"
        ),
        (
            f"1. clients assisted: {report.clients_assisted}"
            f" (and {report.unidentified_clients} unidentified clients)"
        ),
        (
            f"2. sessions delivered: {report.sessions_delivered}"
            f" ({report.attendances} attendances; by service type {by_type or 'none'})"
        ),
        f"3. clients from priority groups: {_percent(report.any_priority_group)}",
    ]
    lines.extend(
        f"     {group}: {_percent(ratio)}" for group, ratio in report.priority_groups.items()
    )
    lines += [
        f"4. clients achieving goals: {_percent(report.goals_achieved)}",
        f"5. clients with improved circumstances: {_percent(report.circumstances_improved)}",
        f"   unidentified share: {_percent(report.unidentified_share)}",
        f"   policies: {report.policies.describe()}",
    ]
    return lines


def _period(text: str) -> ReportingPeriod:
    try:
        return ReportingPeriod.parse(text)
    except DexError:
        raise argparse.ArgumentTypeError("expected a period such as 2024-H1") from None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a date written YYYY-MM-DD") from None


def _today() -> dt.date:
    """The local date: the one place dexcore reads the clock."""
    return dt.date.today()  # noqa: DTZ011 (DEX dates are local calendar dates)


def _cmd_period(args: argparse.Namespace) -> int:
    today: dt.date = args.today or _today()
    try:
        period = period_of(args.date)
    except PeriodError:
        _say(f"dexcore: {args.date.isoformat()} is after the last reporting period, 9998-H2")
        return EXIT_UNREADABLE
    entry = can_record(args.date, today)
    print(
        f"{args.date.isoformat()} is in reporting period {period.label}"
        f" ({period.start.isoformat()} to {period.end.isoformat()},"
        f" financial year {period.financial_year})"
    )
    print(f"it closes on {period.closes_on.isoformat()}; on {today.isoformat()} it is"
          f" {status(period, today).value}")  # fmt: skip
    print(("can be entered: " if entry.allowed else "cannot be entered: ") + entry.reason)
    return EXIT_OK if entry.allowed else EXIT_INVALID


class _Parser(argparse.ArgumentParser):
    """argparse, saying what is wrong in one ``dexcore:`` line (with exit status 2)."""

    def error(self, message: str) -> NoReturn:
        _say(f"dexcore: {message} (see `{self.prog} --help`)")
        sys.exit(EXIT_UNREADABLE)


def _add_max_size(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-size",
        type=parse_size,
        default=DEFAULT_READ_LIMIT,
        metavar="SIZE",
        help="refuse files larger than this, such as 100MB (default: 40MB, four times DSS's limit)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dexcore", description="Typed tools for the Data Exchange (DEX).")
    parser.add_argument("--version", action="version", version=f"dexcore {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    checking = commands.add_parser("check", help="check a dataset against every DEX rule")
    checking.add_argument(
        "file", help="a DEX bulk-upload XML file, or a dataset in dexcore's JSON form"
    )
    checking.add_argument("--today", type=_date, help="the day to check as of (default: today)")
    checking.add_argument("--ruleset", choices=sorted(RULESETS), default="dex")
    checking.add_argument("--reference", help="your portal's DEXReferenceData XML file")
    checking.add_argument(
        "--xsd", help="also validate against this DEXFileUpload.xsd (needs dexcore[xsd])"
    )
    checking.add_argument("--format", choices=["text", "json"], default="text")
    _add_max_size(checking)
    checking.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        help="show progress on stderr (default: for large files, on a terminal)",
    )
    checking.set_defaults(run=_cmd_check)

    kpi = commands.add_parser("kpi", help="the five standard KPIs of a reporting period")
    kpi.add_argument("file", help="a DEX bulk-upload XML file, or a dataset in dexcore's JSON form")
    kpi.add_argument("--period", type=_period, required=True, help="such as 2024-H1")
    kpi.add_argument("--format", choices=["text", "json"], default="text")
    _add_max_size(kpi)
    kpi.set_defaults(run=_cmd_kpi)

    summary = commands.add_parser("summary", help="say what a dataset file holds")
    summary.add_argument(
        "file", help="a DEX bulk-upload XML file, or a dataset in dexcore's JSON form"
    )
    _add_max_size(summary)
    summary.set_defaults(run=_cmd_summary)

    slk = commands.add_parser("slk", help="build or validate an SLK-581")
    slk.add_argument("--family", help="family name (leave out when missing)")
    slk.add_argument("--given", help="first given name (leave out when missing)")
    slk.add_argument("--birth-date", help="date of birth, YYYY-MM-DD")
    slk.add_argument("--sex", help="1/2/3/9, M/F/X/U, or a word such as female")
    slk.add_argument("--validate", metavar="KEY", help="validate KEY instead of building one")
    slk.add_argument("--policy", choices=[p.value for p in SlkPolicy], default=SlkPolicy.DEX.value)
    slk.set_defaults(run=_cmd_slk)

    period = commands.add_parser("period", help="which reporting period a date is in")
    period.add_argument("date", type=_date, help="YYYY-MM-DD")
    period.add_argument("--today", type=_date, help="the day of entry (default: today)")
    period.set_defaults(run=_cmd_period)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        status: int = args.run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        _say("dexcore: the output was closed before all of it was written (broken pipe)")
        return EXIT_UNREADABLE
    except DexError as error:  # a value no command foresaw, such as a date past 9998
        _say(f"dexcore: cannot go on: {error}")
        return EXIT_UNREADABLE
    return status


def _silence_stdout() -> None:
    """Point stdout at the null device, so that Python's own flush at exit stays quiet."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file: nothing to flush at exit
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)
