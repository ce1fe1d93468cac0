"""Benchmark: national-scale KPIs on Dask, 1,000 synthetic organisations and 10M sessions.

Each organisation's half-year is **generated on the workers** from its
number (deterministic seed ``1000 + n``; nothing is written to files and no
dataset travels in the task graph): ``bench_kpi.synthetic_dataset`` with
1,000 clients, two a case, 20 sessions a case, so 10,000 sessions, about
1,800 client SCORE assessments with real rating changes, and its own
organisation id; every organisation uses the same client and case ids, so
the organisation keys are what keeps them apart. The KPIs for 2024-H2 are
computed with :func:`dexcore.distributed.kpi_on_dask` (8 shards, merges 8
at a time) on a fresh ``LocalCluster`` of 2 worker processes with one
thread each, for each rung of a ladder of sizes.

Per rung it reports the wall time of ``kpi_on_dask``; the seconds the
workers spent in part tasks (generate, ``kpi_partial``, ``shard``), in
merge tasks and in counts tasks (``finish_counts``), from Dask's task
stream; the finishing cost (merge plus counts seconds, and the wall time
from the last part task to the last counts task); and each worker's peak
resident memory (``ru_maxrss``, asked of the worker processes with
``client.run``). At the smallest rung it also measures the plain-data size
(bytes of ``json.dumps(partial.to_dict())``) of ten organisations' partials
and of the merged partial of every organisation of the rung, per client,
and checks the result against one pass over the merged partials. Last, a
least-squares line through the rungs extrapolates each cost to 80M sessions.

Run (about 20 minutes on a shared two-core machine)::

    PYTHONPATH=src:bench nice -n 10 python bench/bench_national.py \\
        --ladder 50 100 200 500 1000

Recorded output: see ``docs/howto/scale.md`` ("National scale").
"""

from __future__ import annotations

import argparse
import functools
import json
import resource
import time
from collections.abc import Callable
from typing import Any

import attrs
from bench_kpi import synthetic_dataset
from distributed import Client, LocalCluster, get_task_stream

from dexcore.distributed import kpi_on_dask
from dexcore.kpi import KpiPartial, kpi_partial, kpi_report
from dexcore.model import Dataset, Organisation
from dexcore.periods import ReportingPeriod

PERIOD = ReportingPeriod.parse("2024-H2")
CLIENTS_PER_ORGANISATION = 1_000
SESSIONS_PER_CASE = 20  # two clients a case: 10,000 sessions an organisation
SHARDS = 8
TARGET_SESSIONS = 80_000_000
KINDS = ("part", "merge", "counts")


def organisation_data(number: int) -> Dataset:
    """One organisation's half-year, the same every time for the same number."""
    data = synthetic_dataset(CLIENTS_PER_ORGANISATION, SESSIONS_PER_CASE, seed=1000 + number)
    org = Organisation(name=f"Organisation {number}", organisation_id=f"ORG{number:04d}")
    return attrs.evolve(data, organisation=org)


def parts(count: int) -> list[Callable[[], Dataset]]:
    """The organisations as functions the workers call: a few bytes each in the graph."""
    return [functools.partial(organisation_data, n) for n in range(count)]


def peak_rss_mib() -> int:
    """This process's peak resident memory (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def plain_bytes(partial: KpiPartial) -> tuple[int, int]:
    """Bytes of the partial's JSON plain-data form, and its client keys."""
    text = json.dumps(partial.to_dict(), separators=(",", ":"))
    return len(text.encode("utf-8")), len(partial.assisted.keys() | partial.scores.keys())


def organisation_bytes(number: int) -> tuple[int, int]:
    """The plain-data size of one organisation's partial (computed on a worker)."""
    return plain_bytes(kpi_partial(organisation_data(number), PERIOD))


def merged_bytes(count: int, client: Client) -> tuple[int, int, bool]:
    """Merge every organisation's partial on the workers; its size, and one pass agrees."""
    futures = client.map(lambda n: kpi_partial(organisation_data(n), PERIOD), range(count))
    merged = client.submit(lambda *ps: functools.reduce(KpiPartial.merge, ps), *futures)
    size = client.submit(plain_bytes, merged).result()
    report = client.submit(lambda p: kpi_report(p).to_dict(), merged).result()
    on_dask = kpi_on_dask(parts(count), PERIOD, client=client, shards=SHARDS).to_dict()
    return size[0], size[1], report == on_dask


def durations(stream: list[dict[str, Any]]) -> dict[str, float]:
    """Worker seconds per kind of task, and the wall time of the finishing step."""
    spent: dict[str, float] = {"part": 0.0, "merge": 0.0, "counts": 0.0, "other": 0.0}
    last_part, last_counts = 0.0, 0.0
    for task in stream:
        compute = [s for s in task["startstops"] if s["action"] == "compute"]
        seconds = sum(s["stop"] - s["start"] for s in compute)
        stop = max((s["stop"] for s in compute), default=0.0)
        kind = next((k for k in KINDS if f"dexcore-kpi-{k}-" in str(task["key"])), "other")
        spent[kind] += seconds
        if kind == "part":
            last_part = max(last_part, stop)
        if kind == "counts":
            last_counts = max(last_counts, stop)
    return {**spent, "finish_wall": max(0.0, last_counts - last_part)}


def rung(organisations: int, *, sizes: bool) -> dict[str, Any]:
    """One fresh cluster, one run of ``kpi_on_dask`` over ``organisations``."""
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                     dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        with get_task_stream(client) as stream:
            start = time.perf_counter()
            report = kpi_on_dask(parts(organisations), PERIOD, client=client, shards=SHARDS)
            wall = time.perf_counter() - start
        peaks = client.run(peak_rss_mib)
        spent = durations(stream.data)
        row: dict[str, Any] = {
            "organisations": organisations,
            "sessions": organisations * CLIENTS_PER_ORGANISATION // 2 * SESSIONS_PER_CASE,
            "sessions_in_period": report.sessions_delivered,
            "clients": report.clients_assisted,
            "goals": f"{report.goals_achieved.numerator}/{report.goals_achieved.denominator}",
            "circumstances": f"{report.circumstances_improved.numerator}/"
            f"{report.circumstances_improved.denominator}",
            "wall_s": round(wall, 1),
            "worker_peak_mib": sorted(peaks.values()),
            **{f"{k}_s": round(v, 2) for k, v in spent.items()},
        }
        if sizes:
            row.update(measure_sizes(organisations, client))
    return row


def measure_sizes(organisations: int, client: Client) -> dict[str, Any]:
    """Plain-data sizes of ten organisations' partials and of the merged one."""
    each = client.gather(client.map(organisation_bytes, range(10)))
    merged, keys, agree = merged_bytes(organisations, client)
    return {
        "org_partial_bytes": [b for b, _ in each],
        "org_bytes_per_client": round(sum(b for b, _ in each) / sum(k for _, k in each)),
        "merged_bytes": merged,
        "merged_bytes_per_client": round(merged / keys),
        "one_pass_agrees": agree,
    }


def extrapolate(rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], float]) -> float:
    """The least-squares line of ``key`` against sessions, at 80M sessions."""
    xs = [float(r["sessions"]) for r in rows]
    ys = [key(r) for r in rows]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    return mean_y + slope * (TARGET_SESSIONS - mean_x)


def main() -> None:
    """Run the ladder, one fresh cluster a rung; print a table, then the raw rows as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ladder", type=int, nargs="+", default=[50, 100, 200, 500, 1000])
    args = parser.parse_args()
    rows = [rung(n, sizes=n == min(args.ladder)) for n in args.ladder]
    print(f"{'orgs':>5} {'sessions':>11} {'clients':>10} {'wall s':>7} {'part s':>8} "
          f"{'merge s':>8} {'counts s':>8} {'finish wall s':>13} "
          f"{'worker peak MiB':>16}")  # fmt: skip
    for r in rows:
        peaks = "/".join(map(str, r["worker_peak_mib"]))
        print(f"{r['organisations']:>5} {r['sessions']:>11,} {r['clients']:>10,} "
              f"{r['wall_s']:>7} {r['part_s']:>8} {r['merge_s']:>8} {r['counts_s']:>8} "
              f"{r['finish_wall_s']:>13} {peaks:>16}")  # fmt: skip
    if len(rows) > 1:
        wall = extrapolate(rows, lambda r: r["wall_s"])
        finish = extrapolate(rows, lambda r: r["merge_s"] + r["counts_s"])
        finish_wall = extrapolate(rows, lambda r: r["finish_wall_s"])
        peak = extrapolate(rows, lambda r: max(r["worker_peak_mib"]))
        print(f"extrapolated to {TARGET_SESSIONS:,} sessions on 2 workers: wall {wall:,.0f} s, "
              f"merge+counts {finish:,.0f} worker s (finish wall {finish_wall:,.0f} s), "
              f"largest worker peak {peak:,.0f} MiB")  # fmt: skip
    for r in rows:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
