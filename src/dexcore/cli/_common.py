"""What every command shares: exit statuses, one-line errors, progress, argument types."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeAlias

from dexcore._files import DEFAULT_READ_LIMIT
from dexcore._terminal import parse_size, shown
from dexcore.errors import DexError

if TYPE_CHECKING:
    from dexcore.periods import ReportingPeriod

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
# Files larger than this get a progress indication on a terminal.
_PROGRESS_BYTES = 1_000_000


def say(text: str) -> None:
    """One line on stderr, control characters escaped."""
    print(shown(text), file=sys.stderr)


class Unreadable(Exception):  # noqa: N818 (an internal signal: each command says it its way)
    """An input cannot be used; ``str()`` is the one line that says why."""


class Progress:
    """A one-line progress indication on stderr, for work that takes more than a moment."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.name = ""
        self.shown = -1

    def reading_file(self, name: str) -> None:
        """Start reading another file."""
        self.name, self.shown = shown(name), -1

    def reading(self, done: int, total: int | None) -> None:
        """Bytes read so far of the current file, out of ``total``."""
        if not self.enabled or not total:
            return
        percent = done * 100 // total
        if percent != self.shown:
            self.shown = percent
            print(f"\rdexcore: reading {self.name}: {percent}%", end="", file=sys.stderr)

    def say(self, text: str) -> None:
        """Show what is being done now."""
        if self.enabled:
            print(f"\rdexcore: {shown(text)}\033[K", end="", file=sys.stderr)

    def done(self) -> None:
        """Clear the line."""
        if self.enabled:
            print("\r\033[K", end="", file=sys.stderr)


def progress_for(args: argparse.Namespace, files: list[str]) -> Progress:
    """``--progress`` as asked; by default, on a terminal for files over 1 MB."""
    wanted = getattr(args, "progress", None)
    if wanted is None:
        try:
            big = sum(Path(file).stat().st_size for file in files) > _PROGRESS_BYTES
        except OSError:
            big = False
        wanted = big and sys.stderr.isatty()
    return Progress(enabled=bool(wanted))


def period_arg(text: str) -> ReportingPeriod:
    """A reporting period such as ``2024-H1``, for argparse."""
    from dexcore.periods import ReportingPeriod

    try:
        return ReportingPeriod.parse(text)
    except DexError:
        raise argparse.ArgumentTypeError("expected a period such as 2024-H1") from None


def date_arg(text: str) -> dt.date:
    """A date written ``YYYY-MM-DD``, for argparse."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a date written YYYY-MM-DD") from None


def today() -> dt.date:
    """The local date: the one place dexcore reads the clock."""
    return dt.date.today()  # noqa: DTZ011 (DEX dates are local calendar dates)


class Parser(argparse.ArgumentParser):
    """argparse, saying what is wrong in one ``dexcore:`` line (with exit status 2)."""

    def error(self, message: str) -> NoReturn:
        """Say what is wrong on one line and exit with status 2."""
        say(f"dexcore: {message} (see `{self.prog} --help`)")
        sys.exit(EXIT_UNREADABLE)


def add_max_size(parser: argparse.ArgumentParser) -> None:
    """The ``--max-size`` option of every command that reads files."""
    parser.add_argument(
        "--max-size",
        type=parse_size,
        default=DEFAULT_READ_LIMIT,
        metavar="SIZE",
        help="refuse files larger than this, such as 100MB (default: 40MB, four times DSS's limit)",
    )


def add_progress(parser: argparse.ArgumentParser) -> None:
    """The ``--progress`` option."""
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        help="show progress on stderr (default: for large files, on a terminal)",
    )


#: The subcommands' registry each command module adds its command to.
Commands: TypeAlias = "argparse._SubParsersAction[Parser]"
