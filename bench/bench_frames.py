"""Benchmark: a large synthetic half-year to Arrow tables and back.

The dataset is the one ``bench_kpi.py`` builds: 1,000,000 sessions, 100,000
clients and 300,000 client assessments at full size. Each size runs in a
fresh process, which reports the seconds to build the dataset, to turn it
into Arrow tables (with every personal column, so that the tables hold
everything), to read the tables back into a dataset, and to hand the
sessions table to pandas; whether the round trip gave the same dataset;
the tables' size in memory; and the process's peak memory.

Run: ``python bench/bench_frames.py [--scales 0.1 1.0]`` (needs ``dexcore[frames]``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from bench_kpi import FULL_CLIENTS, synthetic_dataset

from dexcore.io.frames import PERSONAL_COLUMNS, dataset_from_arrow, dataset_to_arrow
from dexcore.issues import Issue


def run_one(scale: float) -> dict[str, object]:
    """Build, write, read back and compare; return the figures."""
    start = time.perf_counter()
    dataset = synthetic_dataset(int(FULL_CLIENTS * scale), 20)
    built = time.perf_counter() - start
    start = time.perf_counter()
    tables = dataset_to_arrow(dataset, personal=PERSONAL_COLUMNS)
    to_arrow = time.perf_counter() - start
    start = time.perf_counter()
    problems: list[Issue] = []
    back = dataset_from_arrow(tables, problems=problems)
    from_arrow = time.perf_counter() - start
    start = time.perf_counter()
    try:
        tables["sessions"].to_pandas()
        to_pandas: float | None = round(time.perf_counter() - start, 2)
    except ImportError:
        to_pandas = None
    return {
        "scale": scale,
        "sessions": len(dataset.sessions),
        "rows": sum(table.num_rows for table in tables.values()),
        "build_s": round(built, 2),
        "to_arrow_s": round(to_arrow, 2),
        "from_arrow_s": round(from_arrow, 2),
        "sessions_to_pandas_s": to_pandas,
        "equal": back == dataset and not problems,
        "arrow_mib": round(sum(table.nbytes for table in tables.values()) / 2**20),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    """Run each scale in a fresh process and print a table (and JSON lines on stderr)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0])
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one)))
        return
    print(f"{'scale':>6} {'sessions':>10} {'rows':>10} {'build s':>8} {'to arrow s':>10} "
          f"{'back s':>7} {'equal':>6} {'arrow MiB':>9} {'peak MiB':>9}")  # fmt: skip
    for scale in args.scales:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(scale)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        row = json.loads(out)
        print(f"{row['scale']:>6} {row['sessions']:>10,} {row['rows']:>10,} {row['build_s']:>8} "
              f"{row['to_arrow_s']:>10} {row['from_arrow_s']:>7} {row['equal']!s:>6} "
              f"{row['arrow_mib']:>9,} {row['peak_rss_mib']:>9,}")  # fmt: skip
        print(json.dumps(row), file=sys.stderr)


if __name__ == "__main__":
    main()
