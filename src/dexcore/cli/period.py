"""``dexcore period DATE|PERIOD``: which reporting period a date is in, or what a period is."""

from __future__ import annotations

import argparse
import datetime as dt

from dexcore.cli._common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_UNREADABLE,
    Commands,
    date_arg,
    say,
    today,
)
from dexcore.errors import DexError, PeriodError
from dexcore.periods import PeriodStatus, ReportingPeriod, can_record, period_of, status

__all__ = ["add_period"]


def _date_or_period(text: str) -> dt.date | ReportingPeriod:
    try:
        return date_arg(text)
    except argparse.ArgumentTypeError:
        pass
    try:
        return ReportingPeriod.parse(text)
    except DexError:
        raise argparse.ArgumentTypeError(
            "expected a date written YYYY-MM-DD or a period such as 2024-H2"
        ) from None


def add_period(commands: Commands) -> None:
    """The ``period`` command and its options."""
    period = commands.add_parser(
        "period", help="which reporting period a date is in, or what a period is"
    )
    period.add_argument(
        "date", type=_date_or_period, metavar="DATE|PERIOD", help="YYYY-MM-DD, or such as 2024-H2"
    )
    period.add_argument("--today", type=date_arg, help="the day of entry (default: today)")
    period.set_defaults(run=run_period)


_STATUS = {
    PeriodStatus.FUTURE: "it has not started",
    PeriodStatus.OPEN: "it is open",
    PeriodStatus.CLOSE_OFF: "it has ended and is in its close-off days (data can still be entered)",
    PeriodStatus.CLOSED: "it is closed",
}


def _describe(period: ReportingPeriod, day: dt.date) -> list[str]:
    span = f"{period.start.isoformat()} to {period.end.isoformat()}"
    closes = f"it closes on {period.closes_on.isoformat()}; on {day.isoformat()}"
    return [
        f"reporting period {period.label}: {span}, financial year {period.financial_year}",
        f"{closes} {_STATUS[status(period, day)]}",
    ]


def run_period(args: argparse.Namespace) -> int:
    """Run ``dexcore period``."""
    day: dt.date = args.today or today()
    if isinstance(args.date, ReportingPeriod):
        print("\n".join(_describe(args.date, day)))
        return EXIT_OK
    try:
        period = period_of(args.date)
    except PeriodError:
        say(f"dexcore: {args.date.isoformat()} is after the last reporting period, 9998-H2")
        return EXIT_UNREADABLE
    entry = can_record(args.date, day)
    print(
        f"{args.date.isoformat()} is in reporting period {period.label}"
        f" ({period.start.isoformat()} to {period.end.isoformat()},"
        f" financial year {period.financial_year})"
    )
    print(_describe(period, day)[1])
    print(("can be entered: " if entry.allowed else "cannot be entered: ") + entry.reason)
    return EXIT_OK if entry.allowed else EXIT_INVALID
