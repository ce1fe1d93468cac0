"""``dexcore slk``: build an SLK-581 from options or from a CSV file, or validate one.

Names given as options stay in the shell's history and show in ``ps`` while
the command runs; ``--csv FILE`` (``-`` for standard input) keeps them out
of both, and builds many keys at once.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
from pathlib import Path

from dexcore._files import DEFAULT_READ_LIMIT, FileTooLarge, read_limited
from dexcore._terminal import shown
from dexcore.cli._common import EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, Commands, add_max_size, say
from dexcore.errors import DexError, InvalidSlk
from dexcore.slk import SlkPolicy, generate, validate

__all__ = ["add_slk", "birth_date"]

_DAY_FIRST = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_SEX_HELP = "1/2/3/9, M/F/X/U, or a word such as female (9 or `not stated` when not known)"
_COLUMNS = {
    "family": ("family_name", "family", "familyname", "surname"),
    "given": ("given_name", "given", "givenname", "first_name"),
    "birth_date": ("birth_date", "birthdate", "date_of_birth", "dob"),
    "sex": ("sex", "gender", "gendercode"),
}


class _Refused(Exception):  # noqa: N818 (an internal signal: the one line to show)
    """An input the command cannot use; ``str()`` says why without quoting it."""


def birth_date(text: str, *, day_first: bool) -> str | dt.date:
    """A birth date written ``YYYY-MM-DD`` (as text), or ``DD/MM/YYYY`` with ``day_first``.

    Australian forms write the day first (``14/03/1937``); such a date is read
    only when the user says so, since ``03/04/1937`` means another day in
    the US. The message never quotes the date.
    """
    text = text.strip()
    if _ISO.fullmatch(text):
        return text  # generate() checks that it is a real date
    if _DAY_FIRST.fullmatch(text):
        if not day_first:
            raise _Refused("the birth date is written day first; give --day-first to read it so")
        try:
            from dateutil import parser as dateparser

            return dateparser.parse(text, dayfirst=True, yearfirst=False).date()
        except (ValueError, OverflowError):
            raise _Refused("the birth date is not a real calendar date") from None
    raise _Refused("the birth date must be written YYYY-MM-DD (or DD/MM/YYYY with --day-first)")


def add_slk(commands: Commands) -> None:
    """The ``slk`` command and its options."""
    slk = commands.add_parser("slk", help="build or validate an SLK-581")
    slk.add_argument("--family", help="family name (leave out when missing)")
    slk.add_argument("--given", help="first given name (leave out when missing)")
    slk.add_argument("--birth-date", help="date of birth, YYYY-MM-DD (DD/MM/YYYY: --day-first)")
    slk.add_argument("--sex", help=_SEX_HELP + "; required")
    slk.add_argument(
        "--day-first", action="store_true", help="read dates such as 14/03/1937 day first"
    )
    slk.add_argument(
        "--csv",
        metavar="FILE",
        help="build a key per row of this CSV file (- for standard input), with columns"
        " family_name, given_name, birth_date and sex (and id, to print beside each key)",
    )
    slk.add_argument("--validate", metavar="KEY", help="validate KEY instead of building one")
    slk.add_argument("--policy", choices=[p.value for p in SlkPolicy], default=SlkPolicy.DEX.value)
    add_max_size(slk)
    slk.set_defaults(run=run_slk)


def run_slk(args: argparse.Namespace) -> int:
    """Run ``dexcore slk``."""
    policy = SlkPolicy(args.policy)
    try:
        if args.validate is not None:
            print(validate(args.validate, policy=policy))
        elif args.csv is not None:
            _from_csv(args, policy)
        else:
            print(_one(args, policy))
    except InvalidSlk as error:
        print(f"dexcore slk: invalid: {error}", file=sys.stderr)
        return EXIT_INVALID
    except _Refused as error:
        say(f"dexcore slk: {error}")
        return EXIT_UNREADABLE
    except DexError as error:
        print(f"dexcore slk: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    return EXIT_OK


def _one(args: argparse.Namespace, policy: SlkPolicy) -> str:
    if args.birth_date is None:
        raise _Refused("give --birth-date (or --validate KEY, or --csv FILE)")
    if args.sex is None:
        raise _Refused(f"give --sex: {_SEX_HELP}")
    date = birth_date(args.birth_date, day_first=args.day_first)
    return generate(args.family, args.given, date, args.sex, policy=policy)


def _read(name: str, limit: int | None) -> str:
    try:
        if name == "-":
            data = sys.stdin.buffer.read() if limit is None else sys.stdin.buffer.read(limit + 1)
            if limit is not None and len(data) > limit:
                raise _Refused(f"{name}: {FileTooLarge(limit).reason()}")
        else:
            data = read_limited(Path(name), limit)
        return data.decode("utf-8-sig")
    except OSError as error:
        raise _Refused(f"cannot read {name}: {error.strerror}") from None
    except FileTooLarge as error:
        raise _Refused(f"{name}: {error.reason()}") from None
    except UnicodeDecodeError:
        raise _Refused(f"{name} is not UTF-8 text") from None


def _columns(header: list[str]) -> dict[str, int]:
    names = [name.strip().lower().replace(" ", "_") for name in header]
    found = {}
    for field, aliases in _COLUMNS.items():
        index = next((names.index(a) for a in aliases if a in names), None)
        if index is not None:
            found[field] = index
    for field in ("birth_date", "sex"):
        if field not in found:
            raise _Refused(f"the CSV header has no {field} column (columns: {', '.join(_COLUMNS)})")
    if "id" in names:
        found["id"] = names.index("id")
    return found


def _row_key(
    row: list[str], columns: dict[str, int], number: int, *, day_first: bool, policy: SlkPolicy
) -> str:
    def cell(field: str) -> str | None:
        index = columns.get(field)
        value = row[index].strip() if index is not None and index < len(row) else ""
        return value or None

    sex = cell("sex")
    if sex is None:
        raise _Refused(f"row {number}: the sex is empty; write 9 when it is not stated")
    try:
        date = birth_date(cell("birth_date") or "", day_first=day_first)
        return generate(cell("family"), cell("given"), date, sex, policy=policy)
    except (_Refused, DexError) as error:
        raise _Refused(f"row {number}: {error}") from None


def _from_csv(args: argparse.Namespace, policy: SlkPolicy) -> None:
    limit = args.max_size if args.max_size is not None else DEFAULT_READ_LIMIT
    try:
        rows = list(csv.reader(io.StringIO(_read(args.csv, limit), newline="")))
    except csv.Error:
        raise _Refused(f"{args.csv} is not a CSV file that can be read") from None
    if not rows:
        raise _Refused(f"{args.csv} is empty")
    columns = _columns(rows[0])
    out = csv.writer(sys.stdout, lineterminator="\n")
    if "id" in columns:
        out.writerow(["id", "slk"])
    for number, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        key = _row_key(row, columns, number, day_first=args.day_first, policy=policy)
        if "id" in columns:
            identifier = row[columns["id"]] if columns["id"] < len(row) else ""
            out.writerow([shown(identifier), key])
        else:
            print(key)
