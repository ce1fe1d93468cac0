"""Benchmark: national-scale KPIs on Dask, 1,000 synthetic organisations and 10M sessions.

Each organisation's half-year is **built on the workers** from its number;
nothing is written to files and no dataset travels in the task graph (a
part is ``functools.partial(organisation_data, n)``, a few dozen bytes).
A half-year is ``bench_kpi.synthetic_dataset`` with 1,000 clients, two a
case, 20 sessions a case over 2024: 10,000 sessions and about 1,800 client
SCORE assessments with real rating changes. Building one takes longer than
computing its KPIs, so four of them (seeds 1000 to 1003) are built once per
worker process and organisation ``n`` is half-year ``n % 4`` under its own
organisation id ``ORGnnnn``; the time to build one is measured and reported
apart (it stands for loading an organisation's files). Every organisation
uses the same client and case ids, so the organisation keys are what keeps
them apart: 1,000 organisations count 1,000,000 clients.

On one ``LocalCluster`` of 2 worker processes with one thread each:

1. **Map**: every organisation once, as :func:`dexcore.distributed.kpi_on_dask`
   maps it (generate, ``kpi_partial``, ``shard(8)``, in one task
   ``dexcore-kpi-part-N`` each), kept on the workers. Reports the wall
   time, the worker seconds (Dask's task stream) and each worker's peak
   resident memory (``ru_maxrss``, asked of the worker processes with
   ``client.run``).
2. **Finish, as clients grow**: for the first 50, 100, 200, 500 and 1,000
   organisations, the reduction ``kpi_on_dask`` builds (a merge tree per
   shard, 8 at a time, then ``finish_counts`` per shard; the driver gets
   8 ``KpiCounts``), timed, with the worker peaks after each rung.
3. **Sizes**: the plain-data size (bytes of ``json.dumps(partial.to_dict())``)
   of ten organisations' partials, and of the first 50 merged, per client.

Last, it extrapolates to 80M sessions: the map linearly in organisations
(its measured seconds an organisation over 2 workers), the finishing time
and the largest worker peak along a least-squares line through the rungs.
``kpi_on_dask`` itself overlaps the map and the merges, so its wall time is
at most the map plus the finish reported here. That it gives the one-pass
answer is tested in ``tests/test_distributed.py``.

Run (the command and output are recorded in ``docs/howto/scale.md``)::

    PYTHONPATH=src:bench nice -n 10 python bench/bench_national.py
"""

from __future__ import annotations

import argparse
import functools
import json
import operator
import resource
import time
import uuid
from collections.abc import Callable
from typing import Any, cast

import attrs
from bench_kpi import synthetic_dataset
from dask.delayed import Delayed
from distributed import Client, Future, LocalCluster, get_task_stream, wait

from dexcore.distributed import part_shards
from dexcore.distributed._kpi import _shard_counts
from dexcore.kpi import KpiPartial, KpiReport, kpi_partial, kpi_report_from_counts
from dexcore.model import Dataset, Organisation
from dexcore.periods import ReportingPeriod

PERIOD = ReportingPeriod.parse("2024-H2")
CLIENTS_PER_ORGANISATION = 1_000
SESSIONS_PER_CASE = 20  # two clients a case: 10,000 sessions an organisation
SESSIONS_PER_ORGANISATION = CLIENTS_PER_ORGANISATION // 2 * SESSIONS_PER_CASE
SHARDS = 8
TARGET_SESSIONS = 80_000_000
KINDS = ("part", "merge", "counts")
POOL = 4  # distinct half-years; organisation n uses half-year n % POOL


#: Half-years built so far in this worker process, by seed (a bench's cache, not dexcore's).
_HALF_YEARS: dict[int, Dataset] = {}


def half_year(seed: int) -> Dataset:
    """One synthetic half-year of 10,000 sessions, built once per worker process and seed."""
    if seed not in _HALF_YEARS:
        _HALF_YEARS[seed] = synthetic_dataset(CLIENTS_PER_ORGANISATION, SESSIONS_PER_CASE, seed)
    return _HALF_YEARS[seed]


def organisation_data(number: int) -> Dataset:
    """Organisation ``number``: one of the pooled half-years, under its own organisation id."""
    org = Organisation(name=f"Organisation {number}", organisation_id=f"ORG{number:04d}")
    return attrs.evolve(half_year(1000 + number % POOL), organisation=org)


def build_seconds(seed: int) -> float:
    """The seconds to build one half-year from scratch (on a worker)."""
    start = time.perf_counter()
    synthetic_dataset(CLIENTS_PER_ORGANISATION, SESSIONS_PER_CASE, seed)
    return time.perf_counter() - start


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


def merged_bytes(shards: list[KpiPartial]) -> tuple[int, int]:
    """Merge one shard of every part given; its plain-data size (on a worker)."""
    return plain_bytes(functools.reduce(KpiPartial.merge, shards))


def durations(stream: list[dict[str, Any]]) -> dict[str, float]:
    """Worker seconds per kind of task."""
    spent: dict[str, float] = {"part": 0.0, "merge": 0.0, "counts": 0.0, "other": 0.0}
    for task in stream:
        compute = [s for s in task["startstops"] if s["action"] == "compute"]
        kind = next((k for k in KINDS if f"dexcore-kpi-{k}-" in str(task["key"])), "other")
        spent[kind] += sum(s["stop"] - s["start"] for s in compute)
    return spent


def finish(mapped: list[Future[Any]], client: Client) -> tuple[KpiReport, float, dict[str, float]]:
    """The reduction ``kpi_on_dask`` builds (merge trees, counts), over parts already mapped."""
    token = uuid.uuid4().hex
    graph = [_shard_counts(cast(list[Delayed], mapped), n, 8, token) for n in range(SHARDS)]
    with get_task_stream(client) as stream:
        start = time.perf_counter()
        report = kpi_report_from_counts(client.gather(client.compute(graph)))
        wall = time.perf_counter() - start
    return report, wall, durations(stream.data)


def national(count: int, ladder: list[int]) -> dict[str, Any]:
    """Map every organisation once, then finish over growing prefixes of them."""
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                     dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        with get_task_stream(client) as stream:
            start = time.perf_counter()
            keys = [f"dexcore-kpi-part-{n}" for n in range(count)]
            mapped = client.map(part_shards, [[p] for p in parts(count)], period=PERIOD,
                                shards=SHARDS, key=keys)  # fmt: skip
            wait(mapped)
            map_wall = time.perf_counter() - start
        mapping = durations(stream.data)
        after_map = client.run(peak_rss_mib)
        build = client.gather(client.map(build_seconds, [7, 8], pure=False))
        rungs = [rung(mapped[:n], client) for n in ladder]
        sizes = measure_sizes(mapped[: min(ladder)], client)
        return {
            "organisations": count,
            "sessions": count * SESSIONS_PER_ORGANISATION,
            "map_wall_s": round(map_wall, 1),
            "map_worker_s": round(mapping["part"], 1),
            "map_s_per_organisation": round(mapping["part"] / count, 3),
            "build_s_per_organisation": round(sum(build) / len(build), 3),
            "worker_peak_mib_after_map": sorted(after_map.values()),
            "rungs": rungs,
            **sizes,
        }


def rung(mapped: list[Future[Any]], client: Client) -> dict[str, Any]:
    """Finish the first organisations: merge trees and counts, timed; worker peaks after."""
    report, wall, spent = finish(mapped, client)
    return {
        "organisations": len(mapped),
        "sessions": len(mapped) * SESSIONS_PER_ORGANISATION,
        "sessions_in_period": report.sessions_delivered,
        "clients": report.clients_assisted,
        "goals": f"{report.goals_achieved.numerator}/{report.goals_achieved.denominator}",
        "circumstances": f"{report.circumstances_improved.numerator}/"
        f"{report.circumstances_improved.denominator}",
        "finish_wall_s": round(wall, 2),
        "merge_worker_s": round(spent["merge"], 2),
        "counts_worker_s": round(spent["counts"], 2),
        "worker_peak_mib": sorted(client.run(peak_rss_mib).values()),
    }


def measure_sizes(mapped: list[Future[Any]], client: Client) -> dict[str, Any]:
    """Plain-data sizes of ten organisations' partials and of the first ones merged."""
    each = client.gather(client.map(organisation_bytes, range(10)))
    merged = client.gather([
        client.submit(merged_bytes, [client.submit(operator.getitem, m, n) for m in mapped])
        for n in range(SHARDS)
    ])  # fmt: skip
    total, keys = sum(b for b, _ in merged), sum(k for _, k in merged)
    return {
        "org_partial_bytes": [b for b, _ in each],
        "org_bytes_per_client": round(sum(b for b, _ in each) / sum(k for _, k in each)),
        "merged_organisations": len(mapped),
        "merged_bytes": total,
        "merged_bytes_per_client": round(total / keys),
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
    """Map the organisations once, finish a ladder of prefixes; print a table and the raw JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--ladder", type=int, nargs="+", default=[50, 100, 200, 500, 1000])
    args = parser.parse_args()
    result = national(args.organisations, args.ladder)
    rows = result["rungs"]
    print(f"map: {result['organisations']} organisations, {result['sessions']:,} sessions, "
          f"{result['map_wall_s']} s wall, {result['map_worker_s']} worker s "
          f"({result['map_s_per_organisation']} s an organisation; building one from scratch "
          f"{result['build_s_per_organisation']} s); worker peaks "
          f"{result['worker_peak_mib_after_map']} MiB")  # fmt: skip
    print(f"{'orgs':>5} {'sessions':>11} {'clients':>10} {'finish s':>9} {'merge s':>8} "
          f"{'counts s':>8} {'worker peak MiB':>16}")  # fmt: skip
    for r in rows:
        peaks = "/".join(map(str, r["worker_peak_mib"]))
        print(f"{r['organisations']:>5} {r['sessions']:>11,} {r['clients']:>10,} "
              f"{r['finish_wall_s']:>9} {r['merge_worker_s']:>8} {r['counts_worker_s']:>8} "
              f"{peaks:>16}")  # fmt: skip
    if len(rows) > 1:
        per_org = result["map_s_per_organisation"]
        maps = per_org * TARGET_SESSIONS / SESSIONS_PER_ORGANISATION / 2
        finish_s = extrapolate(rows, lambda r: r["finish_wall_s"])
        peak = extrapolate(rows, lambda r: max(r["worker_peak_mib"]))
        print(f"extrapolated to {TARGET_SESSIONS:,} sessions on 2 workers: map {maps:,.0f} s "
              f"(linear in organisations), finish {finish_s:,.0f} s, "
              f"largest worker peak {peak:,.0f} MiB")  # fmt: skip
    print(json.dumps(result))


if __name__ == "__main__":
    # Run the importable module's main, so the workers unpickle its functions by reference
    # and keep its cache of half-years between tasks.
    import bench_national

    bench_national.main()
