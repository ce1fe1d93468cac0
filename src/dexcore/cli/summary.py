"""``dexcore summary FILE``: what a dataset file holds, period by period."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from dexcore._terminal import shown
from dexcore.cli._common import (
    EXIT_OK,
    EXIT_UNREADABLE,
    Commands,
    Progress,
    Unreadable,
    add_max_size,
    say,
)
from dexcore.cli._load import load_files, warn_unread
from dexcore.errors import PeriodError
from dexcore.model import Dataset, ParticipationType
from dexcore.periods import activity_by_period

__all__ = ["add_summary"]


def add_summary(commands: Commands) -> None:
    """The ``summary`` command and its options."""
    summary = commands.add_parser("summary", help="say what a dataset file holds")
    summary.add_argument(
        "file", help="a DEX bulk-upload XML file, or a dataset in dexcore's JSON form"
    )
    add_max_size(summary)
    summary.set_defaults(run=run_summary)


def run_summary(args: argparse.Namespace) -> int:
    """Run ``dexcore summary``."""
    try:
        loaded = load_files([args.file], Progress(enabled=False), limit=args.max_size)
    except Unreadable as error:
        say(str(error))
        return EXIT_UNREADABLE
    name = Path(args.file).name
    warn_unread(loaded)
    try:
        lines = summary_lines(name, loaded.dataset)
    except PeriodError:
        say(f"dexcore: {name} holds a session dated after the last reporting period, 9998-H2")
        return EXIT_UNREADABLE
    print("\n".join(lines))
    return EXIT_OK


def summary_lines(name: str, dataset: Dataset) -> list[str]:
    """The text form: counts, the organisation, clients, sessions, and each period."""
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
