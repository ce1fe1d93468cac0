"""Benchmark: the standard KPIs over large synthetic half-years, and the cost of finishing.

Two modes, each size in fresh processes:

* ``--scales`` (default): 1,000,000 sessions, 100,000 clients and about
  180,000 client SCORE records at full size, with realistic ratings (a PRE
  and, for four clients in five, a POST assessment per client, domain by
  domain, moving by -1 to +2). Reports the seconds to build the dataset, to
  compute the KPIs for 2024-H2 in one pass and in four parts of whole cases
  (``partition_by_case``) merged, KPIs 4 and 5, the partial's plain-data
  size per client (bytes of its ``to_dict`` JSON) and the peak memory.
* ``--finish CLIENTS ...``: for each size, one process builds a lighter
  dataset (two sessions per case, two organisations sharing ids), merges
  the partials and saves the plain form; then ``--repeats`` rounds of fresh
  processes, interleaved across sizes, read it back and time the finishing
  step: ``kpi_report`` in one process, and ``shard(8)`` with
  ``finish_counts`` per shard and ``kpi_report_from_counts``. Medians are
  printed.

Run: ``python bench/bench_kpi.py [--scales 0.1 1.0]`` or
``python bench/bench_kpi.py --finish 100000 200000 400000 [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from dexcore.kpi import (
    KpiPartial,
    kpi_partial,
    kpi_report,
    kpi_report_from_counts,
    standard_kpis,
)
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
    partition_by_case,
)
from dexcore.periods import ReportingPeriod

FULL_CLIENTS = 100_000
PERIOD = ReportingPeriod.parse("2024-H2")
DOMAINS = {
    ScoreType.CIRCUMSTANCES: ("HOUSING", "MONEY", "MENTAL", "FAMILY"),
    ScoreType.GOALS: ("SKILLS", "KNOWLEDGE", "CONFIDENCE"),
}
#: PRE ratings lean low; the change from PRE to POST is -1 to +2, mostly 0 or +1.
PRE_RATINGS = (1, 2, 2, 3, 3, 3, 4)
CHANGES = (-1, 0, 0, 1, 1, 1, 2)


def _clients(rng: random.Random, n_clients: int) -> list[Client]:
    address = ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800")
    origins = [AtsiOrigin.NO] * 8 + [AtsiOrigin.ABORIGINAL, AtsiOrigin.NOTSTATED]
    return [
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


def _scores(rng: random.Random, phase: AssessmentPhase, pre: dict[str, int]) -> tuple[Any, ...]:
    """One Circumstances and one Goals assessment; POST moves each PRE rating by a change."""
    found = []
    for score_type, domains in DOMAINS.items():
        if phase is AssessmentPhase.PRE:
            for domain in rng.sample(domains, 2):
                pre[domain] = rng.choice(PRE_RATINGS)
        ratings = {
            d: pre[d]
            if phase is AssessmentPhase.PRE
            else min(5, max(1, pre[d] + rng.choice(CHANGES)))
            for d in domains
            if d in pre
        }
        scores = tuple(DomainScore(domain=d, rating=r) for d, r in ratings.items())
        found.append(Assessment(score_type=score_type, phase=phase, scores=scores))
    return tuple(found)


def synthetic_dataset(n_clients: int, sessions_per_case: int, seed: int = 11) -> Dataset:
    """Two clients per case; both attend every session; SCORE at the first and last session."""
    rng = random.Random(seed)
    first_day = dt.date(2024, 1, 1).toordinal()
    cases, sessions, assessments = [], [], []
    for n in range(max(1, n_clients // 2)):
        case_id, members = f"K{n:07d}", (f"C{2 * n:07d}", f"C{2 * n + 1:07d}")
        cases.append(Case(case_id=case_id, outlet_activity_id=101, total_unidentified_clients=10,
                          clients=tuple(CaseClient(client_id=c) for c in members)))  # fmt: skip
        days = sorted(rng.randrange(366) for _ in range(sessions_per_case))
        for s, day in enumerate(days):
            sessions.append(Session(
                session_id=f"S{s:03d}", case_id=case_id, service_type_id=rng.choice((1, 2, 5, 10)),
                session_date=dt.date.fromordinal(first_day + day),
                total_unidentified_clients=rng.choice((0, 0, 0, 3)),
                clients=tuple(SessionClient(client_id=c) for c in members)))  # fmt: skip
        for client_id in members:
            pre: dict[str, int] = {}
            rounds = [(0, AssessmentPhase.PRE)]
            if rng.random() < 0.8:
                rounds.append((len(days) - 1, AssessmentPhase.POST))
            assessments += [
                ClientAssessment(client_id=client_id, case_id=case_id, session_id=f"S{s:03d}",
                                 assessments=_scores(rng, phase, pre))
                for s, phase in rounds
            ]  # fmt: skip
    return Dataset(clients=tuple(_clients(rng, n_clients)), cases=tuple(cases),
                   sessions=tuple(sessions), client_assessments=tuple(assessments))  # fmt: skip


def _timed(work: Any) -> tuple[Any, float]:  # noqa: ANN401
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def run_scale(scale: float) -> dict[str, Any]:
    """Build, compute in one pass and in four merged parts; return the figures."""
    dataset, built = _timed(lambda: synthetic_dataset(int(FULL_CLIENTS * scale), 20))
    report, one_pass = _timed(lambda: standard_kpis(dataset, PERIOD))

    def in_parts() -> KpiPartial:
        parts = partition_by_case(dataset, 4)
        return functools.reduce(KpiPartial.merge, (kpi_partial(p, PERIOD) for p in parts))

    merged, parted = _timed(in_parts)
    text = json.dumps(merged.to_dict(), separators=(",", ":"))
    keys = len(merged.assisted.keys() | merged.scores.keys())
    goals, circumstances = report.goals_achieved, report.circumstances_improved
    return {
        "scale": scale,
        "sessions": len(dataset.sessions),
        "clients": len(dataset.clients),
        "assessments": len(dataset.client_assessments),
        "build_s": round(built, 2),
        "kpi_s": round(one_pass, 2),
        "kpi_in_4_parts_s": round(parted, 2),
        "parts_agree": kpi_report(merged).to_dict() == report.to_dict(),
        "goals": f"{goals.numerator}/{goals.denominator}",
        "circumstances": f"{circumstances.numerator}/{circumstances.denominator}",
        "partial_bytes_per_client": round(len(text.encode()) / keys),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def prepare(n_clients: int, path: Path) -> dict[str, Any]:
    """Two organisations with the same ids, four parts each, merged; the plain form saved."""
    dataset, built = _timed(lambda: synthetic_dataset(n_clients // 2, 2))
    partials = [
        kpi_partial(part, PERIOD, organisation=name)
        for name in ("ORG-A", "ORG-B")
        for part in partition_by_case(dataset, 4)
    ]
    merged = functools.reduce(KpiPartial.merge, partials)
    text, written = _timed(lambda: json.dumps(merged.to_dict(), separators=(",", ":")))
    path.write_text(text, encoding="utf-8")
    keys = len(merged.assisted.keys() | merged.scores.keys())
    return {"clients": keys, "build_s": round(built, 2),
            "bytes_per_client": round(len(text.encode()) / keys),
            "to_dict_json_s": round(written, 2)}  # fmt: skip


def finish(path: Path) -> dict[str, Any]:
    """Read the saved partial, then time the finishing step both ways."""
    partial, read = _timed(lambda: KpiPartial.from_dict(json.loads(path.read_text("utf-8"))))
    report, whole = _timed(lambda: kpi_report(partial))

    def sharded() -> Any:  # noqa: ANN401
        return kpi_report_from_counts([s.finish_counts() for s in partial.shard(8)])

    again, in_shards = _timed(sharded)
    shards = partial.shard(8)
    one_shard = min(_timed(s.finish_counts)[1] for s in shards)
    counts_bytes = len(json.dumps(shards[0].finish_counts().to_dict()))
    assert again.to_dict() == report.to_dict()
    return {"from_dict_s": read, "kpi_report_s": whole, "shard8_finish_s": in_shards,
            "one_shard_finish_s": one_shard, "counts_bytes": counts_bytes,
            "goals": report.goals_achieved.percent}  # fmt: skip


def _run(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    row: dict[str, Any] = json.loads(out)
    return row


def main() -> None:
    """Run the chosen mode, each size in fresh processes; print a table and JSON on stderr."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.1, 0.25, 0.5, 1.0])
    parser.add_argument("--finish", type=int, nargs="+")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--finish-one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_scale(args.one)))
    elif args.prepare:
        print(json.dumps(prepare(int(args.prepare[0]), Path(args.prepare[1]))))
    elif args.finish_one:
        print(json.dumps(finish(Path(args.finish_one))))
    elif args.finish:
        finish_table(args.finish, args.repeats)
    else:
        scale_table(args.scales)


def scale_table(scales: list[float]) -> None:
    """One pass and four parts per scale."""
    print(f"{'scale':>6} {'sessions':>10} {'build s':>8} {'kpi s':>6} {'4 parts s':>9} "
          f"{'agree':>6} {'goals':>13} {'circumstances':>13} {'B/client':>8} "
          f"{'peak MiB':>9}")  # fmt: skip
    for scale in scales:
        row = _run("--one", str(scale))
        print(f"{row['scale']:>6} {row['sessions']:>10,} {row['build_s']:>8} {row['kpi_s']:>6} "
              f"{row['kpi_in_4_parts_s']:>9} {row['parts_agree']!s:>6} {row['goals']:>13} "
              f"{row['circumstances']:>13} {row['partial_bytes_per_client']:>8} "
              f"{row['peak_rss_mib']:>9,}")  # fmt: skip
        print(json.dumps(row), file=sys.stderr)


def finish_table(sizes: list[int], repeats: int) -> None:
    """Prepare each size once, then time finishing in interleaved rounds; print medians."""
    with tempfile.TemporaryDirectory() as folder:
        paths = {n: Path(folder) / f"partial-{n}.json" for n in sizes}
        prepared = {n: _run("--prepare", str(n), str(paths[n])) for n in sizes}
        runs: dict[int, list[dict[str, Any]]] = {n: [] for n in sizes}
        for _ in range(repeats):
            for n in sizes:
                runs[n].append(_run("--finish-one", str(paths[n])))
    print(f"{'clients':>8} {'B/client':>8} {'from_dict s':>11} {'kpi_report s':>12} "
          f"{'8 shards s':>10} {'1 shard s':>9} {'counts B':>8}")  # fmt: skip
    for n in sizes:
        med = {k: statistics.median(r[k] for r in runs[n]) for k in runs[n][0]}
        print(f"{prepared[n]['clients']:>8,} {prepared[n]['bytes_per_client']:>8} "
              f"{med['from_dict_s']:>11.2f} {med['kpi_report_s']:>12.3f} "
              f"{med['shard8_finish_s']:>10.3f} {med['one_shard_finish_s']:>9.4f} "
              f"{med['counts_bytes']:>8.0f}")  # fmt: skip
        print(json.dumps({"size": n, **prepared[n], "runs": runs[n]}), file=sys.stderr)


if __name__ == "__main__":
    main()
