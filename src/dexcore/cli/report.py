"""``dexcore report FILE... --period P -o report.html``: the KPI report as one HTML page.

The page is built by :mod:`dexcore.html_report`, imported only when this
command runs; its chart needs the optional ``report`` extra (matplotlib).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from dexcore._files import FileTooLarge, read_limited
from dexcore.cli._common import (
    EXIT_OK,
    EXIT_UNREADABLE,
    Commands,
    Unreadable,
    add_max_size,
    add_progress,
    date_arg,
    period_arg,
    progress_for,
    say,
    today,
)
from dexcore.cli._load import load_files, warn_unread
from dexcore.errors import DexError

if TYPE_CHECKING:
    from dexcore.kpi import PeerResult

__all__ = ["add_report"]


def add_report(commands: Commands) -> None:
    """The ``report`` command and its options."""
    report = commands.add_parser(
        "report", help="the KPIs of a reporting period as one self-contained HTML page"
    )
    report.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="DEX bulk-upload XML files or dexcore JSON datasets, read as one",
    )
    report.add_argument("--period", type=period_arg, required=True, help="such as 2024-H2")
    report.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the HTML file to write (- for stdout)",
    )
    report.add_argument(
        "--peers",
        metavar="FILE",
        help="peer figures: a JSON list of PeerResult objects, one of them the provider's own",
    )
    report.add_argument(
        "--organisation",
        metavar="ID",
        help="the provider's organisation id in the peer figures (default: the data's)",
    )
    report.add_argument(
        "--publish",
        action="store_true",
        help="put every count through small-cell protection, for a page to publish",
    )
    report.add_argument("--today", type=date_arg, help="the day to check as of (default: today)")
    add_max_size(report)
    add_progress(report)
    report.set_defaults(run=run_report)


def _peers(args: argparse.Namespace) -> tuple[PeerResult, ...] | None:
    from dexcore.html_report import peers_from_json  # only when the command runs

    if args.peers is None:
        return None
    try:
        data = read_limited(Path(args.peers), args.max_size)
    except OSError as error:
        raise Unreadable(f"dexcore: cannot read {args.peers}: {error.strerror}") from None
    except FileTooLarge:
        raise Unreadable(f"dexcore: {args.peers} is larger than --max-size") from None
    try:
        return peers_from_json(data)
    except DexError as error:
        raise Unreadable(f"dexcore: {args.peers}: {error}") from None


def _page(args: argparse.Namespace) -> str:
    """The page; raises Unreadable with the one line to say."""
    from dexcore.html_report import gather_report, render_report
    from dexcore.rules import RULESETS, Report, check

    peers = _peers(args)
    progress = progress_for(args, args.files)
    loaded = load_files(args.files, progress, limit=args.max_size)
    warn_unread(loaded)
    progress.say("checking the records")
    checked = check(loaded.dataset, RULESETS["dex"], today=args.today or today())
    problems = tuple(item.issue for item in loaded.problems)
    checked = Report(
        issues=problems + checked.issues,
        ruleset=checked.ruleset,
        today=checked.today,
        records=checked.records,
    )
    progress.say(f"computing the KPIs of {args.period.label}")
    try:
        data = gather_report(
            loaded.dataset,
            args.period,
            checked=checked,
            peers=peers,
            organisation=args.organisation,
            publish=args.publish,
        )
    except DexError as error:
        raise Unreadable(f"dexcore: cannot make the report: {error}") from None
    finally:
        progress.done()
    return render_report(data)


def run_report(args: argparse.Namespace) -> int:
    """Run ``dexcore report``."""
    from dexcore.html_report import require_matplotlib

    try:
        require_matplotlib()
    except ImportError as error:
        say(f"dexcore: {error}")
        return EXIT_UNREADABLE
    try:
        page = _page(args)
    except Unreadable as error:
        say(str(error))
        return EXIT_UNREADABLE
    if args.output == "-":
        print(page, end="")
        return EXIT_OK
    try:
        Path(args.output).write_text(page, encoding="utf-8")
    except OSError as error:
        say(f"dexcore: cannot write {args.output}: {error.strerror}")
        return EXIT_UNREADABLE
    return EXIT_OK
