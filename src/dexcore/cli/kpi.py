"""``dexcore kpi FILE... --period P``: the five standard KPIs, as text, JSON or CSV."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dexcore._terminal import shown
from dexcore.cli._common import (
    EXIT_OK,
    EXIT_UNREADABLE,
    Commands,
    Unreadable,
    add_max_size,
    add_progress,
    progress_for,
    say,
)
from dexcore.cli._load import load_files, warn_unread
from dexcore.errors import DexError
from dexcore.model import Dataset, ScoreType
from dexcore.periods import ReportingPeriod

if TYPE_CHECKING:
    from dexcore.kpi import KpiReport, Ratio

__all__ = ["add_kpi", "periods_arg"]

_FINANCIAL_YEAR = re.compile(r"(\d{4})-(\d{2})")


def periods_arg(text: str) -> list[ReportingPeriod]:
    """A reporting period (``2024-H1``), or a financial year (``2024-25``) as its two periods."""
    match = _FINANCIAL_YEAR.fullmatch(text.strip())
    try:
        if match is None:
            return [ReportingPeriod.parse(text)]
        first = int(match.group(1))
        if (first + 1) % 100 != int(match.group(2)):
            raise argparse.ArgumentTypeError(
                "a financial year runs from one year to the next, such as 2024-25"
            )
        return [ReportingPeriod.parse(f"{first}-H2"), ReportingPeriod.parse(f"{first + 1}-H1")]
    except DexError:
        raise argparse.ArgumentTypeError(
            "expected a period such as 2024-H1 or a financial year such as 2024-25"
        ) from None


def add_kpi(commands: Commands) -> None:
    """The ``kpi`` command and its options."""
    kpi = commands.add_parser("kpi", help="the five standard KPIs of a reporting period")
    kpi.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="DEX bulk-upload XML files or dexcore JSON datasets, read as one (such as H1 and H2)",
    )
    kpi.add_argument(
        "--period",
        type=periods_arg,
        required=True,
        help="a reporting period such as 2024-H1, or a financial year such as 2024-25"
        " (its two periods, one after the other)",
    )
    kpi.add_argument("--outlet", type=int, metavar="ID", help="only cases of this outlet")
    kpi.add_argument(
        "--activity",
        type=int,
        metavar="ID",
        help="only cases of this program activity (its organisation activity id)",
    )
    kpi.add_argument("--format", choices=["text", "json", "csv"], default="text")
    add_max_size(kpi)
    add_progress(kpi)
    kpi.set_defaults(run=run_kpi)


def run_kpi(args: argparse.Namespace) -> int:
    """Run ``dexcore kpi``."""
    from dexcore.kpi import Selection, standard_kpis

    progress = progress_for(args, args.files)
    try:
        loaded = load_files(args.files, progress, limit=args.max_size)
    except Unreadable as error:
        say(str(error))
        return EXIT_UNREADABLE
    warn_unread(loaded)
    selection = Selection(outlet_id=args.outlet, organisation_activity_id=args.activity)
    reports = []
    for period in args.period:
        progress.say(f"computing the KPIs of {period.label}")
        reports.append(standard_kpis(loaded.dataset, period, selection=selection))
    progress.done()
    name = ", ".join(Path(file).name for file in args.files)
    if args.format == "json":
        data: Any = [_json(r, loaded.dataset) for r in reports]
        print(json.dumps(data[0] if len(data) == 1 else data, indent=2, sort_keys=True))
    elif args.format == "csv":
        print(kpi_csv(reports), end="")
    else:
        print("\n\n".join("\n".join(kpi_lines(name, r, loaded.dataset)) for r in reports))
    return EXIT_OK


def _json(report: KpiReport, dataset: Dataset) -> dict[str, Any]:
    data = report.to_dict()
    for key, score_type in (
        ("goals_achieved", ScoreType.GOALS),
        ("circumstances_improved", ScoreType.CIRCUMSTANCES),
    ):
        data[key]["unpaired_assessments"] = unpaired(report, dataset, score_type)
    return data


def unpaired(report: KpiReport, dataset: Dataset, score_type: ScoreType) -> int | None:
    """Assessments of ``score_type`` in the report's period and selection, when none was paired.

    ``None`` when the KPI has pairs: then its numerator and denominator explain it.
    """
    goals = score_type is ScoreType.GOALS
    ratio = report.goals_achieved if goals else report.circumstances_improved
    if ratio.denominator:
        return None
    cases = report.selection.cases(dataset)
    sessions = dataset.session_by_key
    count = 0
    for record in dataset.client_assessments:
        session = sessions.get(record.session_key)
        if session is None or record.case_id not in cases:
            continue
        if report.period.contains(session.session_date):
            count += sum(a.score_type is score_type for a in record.assessments)
    return count


def _percent(ratio: Ratio, of: str) -> str:
    value = ratio.percent
    extra = f", {ratio.not_stated} not stated" if ratio.not_stated else ""
    if value is None:
        return f"no {of} to measure{extra}"
    return f"{value:.1f}% of {of} ({ratio.numerator} of {ratio.denominator}{extra})"


def _outcome(ratio: Ratio, count: int | None, what: str) -> str:
    if count is None or ratio.denominator:
        return _percent(ratio, "clients with paired ratings")
    if count == 0:
        return f"no {what} rating in this period"
    rating = "assessment" if count == 1 else "assessments"
    verb = "has" if count == 1 else "had"
    return f"none to measure: {count} {what} {rating} {verb} no earlier rating to pair with"


_OUTCOMES = {
    "any-improved": "improved in at least one domain",
    "improved-none-declined": "improved in at least one domain and declined in none",
    "mean-above-zero": "the mean change over the paired domains is above zero",
}


def _policies(report: KpiReport) -> str:
    described = report.policies.describe()
    groups = ", ".join(str(g) for g in described.get("priority_groups", []))
    outcome = str(described.get("outcome"))
    return (
        f"SCORE ratings paired {described.get('pairing')}; a client counts as achieving"
        f" when {_OUTCOMES.get(outcome, outcome)}; priority groups: {groups}"
    )


def kpi_lines(name: str, report: KpiReport, dataset: Dataset) -> list[str]:
    """The text form of one period's KPIs."""
    by_type = shown(", ".join(f"{k}: {v}" for k, v in report.sessions_by_service_type.items()))
    period = report.period
    selection = report.selection
    where = "".join(
        f"; {label} {value}"
        for label, value in (
            ("outlet", selection.outlet_id),
            ("program activity", selection.organisation_activity_id),
        )
        if value is not None
    )
    goals = unpaired(report, dataset, ScoreType.GOALS)
    circumstances = unpaired(report, dataset, ScoreType.CIRCUMSTANCES)
    lines = [
        (
            f"{shown(name)}, reporting period {period.label}"
            f" ({period.start.isoformat()} to {period.end.isoformat()}){where}"
        ),
        (
            f"1. clients assisted: {report.clients_assisted}"
            f" (and {report.unidentified_clients} unidentified clients)"
        ),
        (
            f"2. sessions delivered: {report.sessions_delivered}"
            f" ({report.attendances} attendances; by service type {by_type or 'none'})"
        ),
        f"3. clients from priority groups: {_percent(report.any_priority_group, 'clients')}",
    ]
    lines.extend(
        f"     {shown(group)}: {_percent(ratio, 'clients')}"
        for group, ratio in report.priority_groups.items()
    )
    lines += [
        f"4. clients achieving goals: {_outcome(report.goals_achieved, goals, 'Goals')}",
        "5. clients with improved circumstances: "
        + _outcome(report.circumstances_improved, circumstances, "Circumstances"),
        f"   unidentified share: {_percent(report.unidentified_share, 'all clients')}",
        f"   policies: {shown(_policies(report))}",
    ]
    return lines


def _csv_rows(report: KpiReport) -> list[list[object]]:
    label = report.period.label
    rows: list[list[object]] = [
        [label, "clients_assisted", report.clients_assisted, "count", "", "", ""],
        [label, "unidentified_clients", report.unidentified_clients, "count", "", "", ""],
        [label, "sessions_delivered", report.sessions_delivered, "count", "", "", ""],
        [label, "attendances", report.attendances, "count", "", "", ""],
    ]
    ratios = {
        "priority_groups.any": report.any_priority_group,
        **{f"priority_groups.{k}": v for k, v in report.priority_groups.items()},
        "goals_achieved": report.goals_achieved,
        "circumstances_improved": report.circumstances_improved,
        "unidentified_share": report.unidentified_share,
    }
    for kpi, ratio in ratios.items():
        value = ratio.percent
        shown_value = "" if value is None else round(value, 2)
        rows.append(
            [label, kpi, shown_value, "percent", ratio.numerator, ratio.denominator,
             ratio.not_stated]
        )  # fmt: skip
    return rows


def kpi_csv(reports: list[KpiReport]) -> str:
    """The CSV form: one row per KPI and period, percentages marked ``percent``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", "kpi", "value", "unit", "numerator", "denominator", "not_stated"])
    for report in reports:
        writer.writerows(_csv_rows(report))
    return out.getvalue()
