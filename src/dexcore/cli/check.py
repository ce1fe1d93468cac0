"""``dexcore check FILE...``: every issue of an upload (split or whole), in the form asked for."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from dexcore._terminal import shown
from dexcore.cli._common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_UNREADABLE,
    Commands,
    Progress,
    Unreadable,
    add_max_size,
    add_progress,
    date_arg,
    progress_for,
    say,
    today,
)
from dexcore.cli._load import Loaded, load_files
from dexcore.cli.known import read_known
from dexcore.errors import DexError
from dexcore.issues import KnownRecords, Report, Severity
from dexcore.reference import ReferenceData, bundled, load_reference_xml
from dexcore.report_formats import (
    Located,
    json_report,
    junit_report,
    sarif_report,
    text_report,
)
from dexcore.rules import RULESETS, check

if TYPE_CHECKING:
    from dexcore.io.xsd import DexSchema

__all__ = ["add_check"]

FORMATS = ("text", "json", "sarif", "junit")


def add_check(commands: Commands) -> None:
    """The ``check`` command and its options."""
    checking = commands.add_parser(
        "check",
        help="check a dataset (or the files of a split upload) against every DEX rule",
    )
    checking.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="DEX bulk-upload XML files (the parts of one upload, in order),"
        " or datasets in dexcore's JSON form",
    )
    checking.add_argument("--today", type=date_arg, help="the day to check as of (default: today)")
    checking.add_argument("--ruleset", choices=sorted(RULESETS), default="dex")
    checking.add_argument("--reference", help="your portal's DEXReferenceData XML file")
    checking.add_argument(
        "--xsd", help="also validate against this DEXFileUpload.xsd (needs dexcore[xsd])"
    )
    checking.add_argument(
        "--known",
        action="append",
        default=[],
        metavar="FILE",
        help="records already in DEX: a previous upload (XML or JSON), or a text file of lines"
        " `client ID`, `case ID` or `session CASE_ID SESSION_ID` (may be repeated)",
    )
    checking.add_argument(
        "--assume-known",
        action="store_true",
        help="trust every reference to a client, case or session outside the files",
    )
    checking.add_argument("--format", choices=FORMATS, default="text")
    add_max_size(checking)
    add_progress(checking)
    checking.set_defaults(run=run_check)


@attrs.frozen
class _Inputs:
    schema: DexSchema | None
    reference: ReferenceData
    known: KnownRecords
    loaded: Loaded


def _inputs(args: argparse.Namespace, progress: Progress) -> _Inputs:
    schema = reference = None
    try:
        if args.xsd is not None:
            from dexcore.io.xsd import load_schema

            schema = load_schema(args.xsd, max_size=args.max_size)
    except DexError as error:
        raise Unreadable(f"dexcore: cannot use the schema: {error}") from None
    try:
        if args.reference is not None:
            update = load_reference_xml(args.reference, max_size=args.max_size)
            reference = bundled().updated_with(update)
    except DexError as error:
        raise Unreadable(f"dexcore: cannot use the reference data: {error}") from None
    known = read_known(args.known, assume_all=args.assume_known, limit=args.max_size)
    loaded = load_files(args.files, progress, lines=True, limit=args.max_size)
    return _Inputs(schema, reference or bundled(), known, loaded)


def _schema_issues(inputs: _Inputs, progress: Progress) -> list[Located]:
    if inputs.schema is None:
        return []
    found = []
    for name, part in zip(inputs.loaded.files, inputs.loaded.parts, strict=True):
        if part.source is None:
            raise Unreadable("dexcore: --xsd applies to bulk-upload XML files only")
        progress.say(f"validating {Path(name).name} against the schema")
        found += [Located(issue=i, file=name) for i in inputs.schema.validate(part.source)]
    return found


def run_check(args: argparse.Namespace) -> int:
    """Run ``dexcore check``."""
    progress = progress_for(args, args.files)
    try:
        inputs = _inputs(args, progress)
        found = inputs.loaded.problems + _schema_issues(inputs, progress)
    except Unreadable as error:
        return _unreadable(args, str(error))
    progress.say(f"checking {sum(inputs.loaded.dataset.counts().values())} records")
    day = args.today or today()
    report = check(
        inputs.loaded.dataset,
        RULESETS[args.ruleset],
        today=day,
        reference=inputs.reference,
        known=attrs.evolve(inputs.known, unreadable=inputs.loaded.unreadable()),
    )
    located = found + inputs.loaded.locate_all(report.issues)
    progress.done()
    print(_formatted(args, report, located))
    return EXIT_INVALID if any(i.issue.severity is Severity.ERROR for i in located) else EXIT_OK


def _unreadable(args: argparse.Namespace, reason: str) -> int:
    """Say why on stderr; for ``--format json``, also give the JSON form (exit status 2)."""
    say(reason)
    if args.format == "json":
        day = (args.today or today()).isoformat()
        print(json_report([], ruleset="", today=day, unreadable=[shown(reason)]))
    return EXIT_UNREADABLE


def _formatted(args: argparse.Namespace, report: Report, located: list[Located]) -> str:
    if args.format == "json":
        return json_report(located, ruleset=report.ruleset, today=report.today.isoformat())
    if args.format == "sarif":
        summaries = {rule.info.code: rule.info.summary for rule in RULESETS[args.ruleset]}
        return sarif_report(located, summaries)
    if args.format == "junit":
        return junit_report(located, args.files)
    return text_report(
        located, files=args.files, ruleset=report.ruleset, today=report.today.isoformat()
    )
