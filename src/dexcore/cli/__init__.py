r"""The ``dexcore`` command line.

``dexcore check FILE...`` checks a DEX bulk-upload XML file, or the files of
a split upload as one (or a dataset in dexcore's JSON form), against every
rule and prints each issue with its code, record, path, file and line, as
text, JSON, SARIF 2.1.0 or JUnit XML; ``dexcore kpi FILE... --period
2024-H1`` gives the five standard KPIs (``--period 2024-25``: the two
periods of a financial year); ``dexcore summary FILE`` says what a file
holds, period by period; ``dexcore report FILE... --period 2024-H2 -o
report.html`` makes the KPIs one self-contained HTML page (with
``--publish``, every count protected for publication); ``dexcore slk``
builds (from options, or from a CSV file so names stay out of the shell's
history) or validates a linkage key;
``dexcore period DATE`` says which reporting period a date falls in and where
that period stands, and ``dexcore period 2024-H2`` describes a period;
``dexcore submit FILE --dry-run`` shows what sending the file through DEX's
web services would send (ids and element names, no values), and without
``--dry-run`` sends it, given a WSDL and the system account's credentials.
Nothing personal is printed unless the command was asked to produce it
(``slk`` prints the key it was asked to build).

This package is the only place dexcore reads the clock: ``--today``
defaults to the local date. Each command is a module of its own.

Exit status: 0 on success (for ``check``: no error), 1 when a checked value
is invalid (``check``: at least one error), 2 when the input cannot be read
or the arguments are wrong; then stderr holds one line that starts with
``dexcore`` (and ``check --format json`` still prints its JSON form). Files
above ``--max-size`` (by default four times DSS's limit of 10 MB) are
refused. Text output shows control characters from the data escaped
(``\x1b``), so a value cannot rewrite the terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from dexcore import __version__
from dexcore.cli._common import EXIT_UNREADABLE, Parser, say
from dexcore.errors import DexError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    # Imported here, not above: ``import dexcore.cli`` stays light, and each command
    # module imports what its own run needs only when it runs.
    from dexcore.cli.check import add_check
    from dexcore.cli.kpi import add_kpi
    from dexcore.cli.period import add_period
    from dexcore.cli.report import add_report
    from dexcore.cli.slk import add_slk
    from dexcore.cli.submit import add_submit
    from dexcore.cli.summary import add_summary

    parser = Parser(prog="dexcore", description="Typed tools for the Data Exchange (DEX).")
    parser.add_argument("--version", action="version", version=f"dexcore {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    add_check(commands)
    add_kpi(commands)
    add_summary(commands)
    add_report(commands)
    add_slk(commands)
    add_period(commands)
    add_submit(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        status: int = args.run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        say("dexcore: the output was closed before all of it was written (broken pipe)")
        return EXIT_UNREADABLE
    except DexError as error:  # a value no command foresaw, such as a date past 9998
        say(f"dexcore: cannot go on: {error}")
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
