"""Benchmark: the standard KPIs over a large synthetic half-year.

1,000,000 sessions, 100,000 clients and 300,000 client assessments at full
size. Each size runs in a fresh process, which reports the seconds to build
the dataset, the seconds to compute the KPIs for 2024-H2 (one pass, and in
four case-partitioned parts merged), and the process's peak memory.

Run: ``python bench/bench_kpi.py [--scales 0.1 0.25 0.5 1.0]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import time

from dexcore.kpi import kpi_partial, kpi_report, standard_kpis
from dexcore.model import (
    Assessment,
    AssessmentPhase,
    AtsiOrigin,
    Case,
    CaseClient,
    Client,
    ClientAssessment,
    Dataset,
    DomainScore,
    Gender,
    ResidentialAddress,
    ScoreType,
    Session,
    SessionClient,
    State,
)
from dexcore.periods import ReportingPeriod

FULL = {"clients": 100_000, "sessions": 1_000_000, "assessments": 300_000}
PERIOD = ReportingPeriod.parse("2024-H2")


def synthetic_dataset(scale: float, seed: int = 11) -> Dataset:
    """``scale`` × the full size; two clients per case, ten sessions per case."""
    rng = random.Random(seed)
    n_clients = int(FULL["clients"] * scale)
    n_sessions = int(FULL["sessions"] * scale)
    n_cases = max(1, n_clients // 2)
    address = ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800")
    origins = [AtsiOrigin.NO] * 8 + [AtsiOrigin.ABORIGINAL, AtsiOrigin.NOTSTATED]
    clients = [
        Client(
            client_id=f"C{n:07d}",
            consent_to_provide_details=False,
            consented_for_future_contacts=False,
            slk="99999010119801",
            birth_date=dt.date(1980, 1, 1),
            gender=Gender.NOTSTATED,
            country_of_birth=rng.choice(("1101", "1101", "7103", "0003")),
            language_spoken_at_home=rng.choice(("1201", "1201", "7104")),
            atsi_origin=origins[n % len(origins)],
            has_disabilities=n % 7 == 0,
            disabilities=("PHYSICAL",) if n % 7 == 0 else (),
            residential_address=address,
        )
        for n in range(n_clients)
    ]
    cases = [
        Case(
            case_id=f"K{n:07d}",
            outlet_activity_id=101,
            total_unidentified_clients=10,
            clients=(
                CaseClient(client_id=f"C{2 * n:07d}"),
                CaseClient(client_id=f"C{2 * n + 1:07d}"),
            ),
        )
        for n in range(n_cases)
    ]
    first = dt.date(2024, 1, 1).toordinal()
    sessions = []
    for n in range(n_sessions):
        case = n % n_cases
        sessions.append(
            Session(
                session_id=f"S{n // n_cases:03d}",
                case_id=f"K{case:07d}",
                session_date=dt.date.fromordinal(first + rng.randrange(366)),
                service_type_id=rng.choice((1, 2, 5, 10)),
                total_unidentified_clients=rng.choice((0, 0, 0, 3)),
                clients=(SessionClient(client_id=f"C{2 * case:07d}"),),
            )
        )
    assessments = []
    step = max(1, n_sessions // int(FULL["assessments"] * scale))
    for n in range(0, n_sessions, step):
        session = sessions[n]
        kind = ScoreType.GOALS if n % 2 else ScoreType.CIRCUMSTANCES
        domain = "SKILLS" if kind is ScoreType.GOALS else "HOUSING"
        assessments.append(
            ClientAssessment(
                client_id=session.clients[0].client_id,
                case_id=session.case_id,
                session_id=session.session_id,
                assessments=(
                    Assessment(
                        score_type=kind,
                        phase=AssessmentPhase.PRE if n % 3 else AssessmentPhase.POST,
                        scores=(DomainScore(domain=domain, rating=1 + n % 5),),
                    ),
                ),
            )
        )
    return Dataset(
        clients=tuple(clients),
        cases=tuple(cases),
        sessions=tuple(sessions),
        client_assessments=tuple(assessments),
    )


def run_one(scale: float) -> dict[str, float]:
    """Build, compute in one pass and in four merged parts; return the figures."""
    start = time.perf_counter()
    dataset = synthetic_dataset(scale)
    built = time.perf_counter() - start
    start = time.perf_counter()
    report = standard_kpis(dataset, PERIOD)
    one_pass = time.perf_counter() - start
    start = time.perf_counter()
    merged = None
    for part in range(4):
        cases = dataset.cases[part::4]
        ids = {case.case_id for case in cases}
        piece = Dataset(
            clients=dataset.clients,
            cases=cases,
            sessions=tuple(s for s in dataset.sessions if s.case_id in ids),
            client_assessments=tuple(a for a in dataset.client_assessments if a.case_id in ids),
        )
        partial = kpi_partial(piece, PERIOD)
        merged = partial if merged is None else merged.merge(partial)
    assert merged is not None
    parts_report = kpi_report(merged, dataset.client_by_id)
    in_parts = time.perf_counter() - start
    return {
        "scale": scale,
        "sessions": len(dataset.sessions),
        "clients": len(dataset.clients),
        "assessments": len(dataset.client_assessments),
        "build_s": round(built, 2),
        "kpi_s": round(one_pass, 2),
        "kpi_in_4_parts_s": round(in_parts, 2),
        "parts_agree": parts_report.to_dict() == report.to_dict(),
        "clients_assisted": report.clients_assisted,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    """Run each scale in a fresh process and print a table (and JSON lines on stderr)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.1, 0.25, 0.5, 1.0])
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one)))
        return
    print(f"{'scale':>6} {'sessions':>10} {'build s':>8} {'kpi s':>6} {'4 parts s':>9} "
          f"{'agree':>6} {'peak MiB':>9}")  # fmt: skip
    for scale in args.scales:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(scale)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        row = json.loads(out)
        print(f"{row['scale']:>6} {row['sessions']:>10,} {row['build_s']:>8} {row['kpi_s']:>6} "
              f"{row['kpi_in_4_parts_s']:>9} {row['parts_agree']!s:>6} "
              f"{row['peak_rss_mib']:>9,}")  # fmt: skip
        print(json.dumps(row), file=sys.stderr)


if __name__ == "__main__":
    main()
