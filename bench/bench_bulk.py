"""Benchmark: a 10 MB DEX bulk upload read and fully checked, against a bare ``ElementTree.parse``.

The file is written by :func:`dexcore.io.bulk.write_bulk` from the synthetic
dataset of ``bench_rules.py``, scaled so that the file is about 10 MB (DSS's
limit). Every measurement is one run in a fresh process (so no cache is warm),
which reports its seconds and its memory:

- ``parse``: ``xml.etree.ElementTree.parse`` of the file, nothing else;
- ``read``: :func:`dexcore.io.bulk.read_bulk` (model objects; the quick path
  when the file allows it);
- ``load``: :func:`dexcore.io.bulk.load_bulk` (the full reader, with every
  record's line, as ``dexcore check`` uses it);
- ``check``: ``read_bulk`` and then the full DEX + SETS rule check.

The machine's speed drifts from minute to minute, so each round runs every kind
once, one after the other, and each ratio is taken within its round; the table
gives the median over ``--repeat`` rounds, and the best round's ratio.

Targets (issue #7): ``check`` within 4 × ``parse``; peak memory within 10 × the file
size. The table gives each run's peak (the whole process) and its growth (the peak
less what the process held just before the run); ``× file`` is the growth over the
file's size. Linux only: it reads ``/proc/self/status``.

Run: ``python bench/bench_bulk.py [--megabytes 10] [--workers 1] [--repeat 5] [--compact]``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_rules import TODAY, synthetic_dataset

from dexcore.io.bulk import load_bulk, read_bulk, write_bulk
from dexcore.rules import RULESETS, check

MIB = 1024 * 1024
KINDS = ("parse", "read", "load", "check")


def build(path: Path, megabytes: float, *, pretty: bool) -> dict[str, float]:
    """Write a file of about ``megabytes`` MB to ``path``."""
    probe = 0.01
    (sample,) = write_bulk(synthetic_dataset(probe), max_bytes=10**9, pretty=pretty)
    scale = probe * megabytes * 1_000_000 / len(sample)
    dataset = synthetic_dataset(scale)
    (data,) = write_bulk(dataset, max_bytes=10**9, pretty=pretty)
    path.write_bytes(data)
    return {"bytes": len(data), "records": sum(dataset.counts().values()), "scale": scale}


def _memory(field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process, in MiB, from ``/proc``."""
    status = Path("/proc/self/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    assert match is not None, field
    return int(match.group(1)) / 1024


def measure(kind: str, path: Path, workers: int) -> dict[str, float]:
    """In this process: the seconds of one run of ``kind``, its peak memory and its growth.

    The peak is reset just before the run (Linux: ``/proc/self/clear_refs``),
    so that importing dexcore and the rules does not hide the run's own peak.
    """
    Path("/proc/self/clear_refs").write_text("5")
    before = _memory("VmRSS")
    issues = 0
    start = time.perf_counter()
    if kind == "parse":
        ET.parse(path)
    elif kind == "load":
        load_bulk(path)
    elif kind != "none":
        dataset = read_bulk(path)
        if kind == "check":
            report = check(dataset, RULESETS["sets"], today=TODAY, workers=workers)
            issues = len(report.issues)
    seconds = time.perf_counter() - start
    peak = _memory("VmHWM")
    return {
        "seconds": round(seconds, 3),
        "peak_mib": round(peak, 1),
        "growth_mib": round(peak - before, 1),
        "issues": issues,
    }


def _summary(runs: list[dict[str, float]], parses: list[dict[str, float]]) -> dict[str, Any]:
    seconds = [run["seconds"] for run in runs]
    ratios = [run["seconds"] / parse["seconds"] for run, parse in zip(runs, parses, strict=True)]
    return {
        "seconds": statistics.median(seconds),
        "ratio": round(statistics.median(ratios), 2),
        "best_ratio": round(min(ratios), 2),
        "peak_mib": max(run["peak_mib"] for run in runs),
        "growth_mib": max(run["growth_mib"] for run in runs),
        "runs": seconds,
    }


def main() -> None:
    """Build the file, measure each kind in its own process, print a table and JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="rounds, each kind once a round")
    parser.add_argument(
        "--compact", action="store_true", help="no white space between elements: more records a MB"
    )
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        kind, file = args.one
        print(json.dumps(measure(kind, Path(file), args.workers)))
        return
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in ("none", *KINDS)}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.xml"
        info = build(path, args.megabytes, pretty=not args.compact)
        for _ in range(args.repeat):
            for kind in ("none", *KINDS):  # "none": the interpreter with dexcore imported
                command = [sys.executable, __file__, "--workers", str(args.workers)]
                command += ["--one", kind, str(path)]
                out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
                runs[kind].append(json.loads(out))
    size_mib = info["bytes"] / MIB
    print(f"file: {info['bytes']:,} bytes, {int(info['records']):,} records")
    print(f"median of {args.repeat} rounds, workers={args.workers}")
    print(
        f"{'':>8} {'seconds':>8} {'× parse':>8} {'best ×':>7} {'peak MiB':>9}"
        f" {'growth MiB':>11} {'× file':>7}"
    )
    rows = {kind: _summary(runs[kind], runs["parse"]) for kind in KINDS}
    for kind, row in rows.items():
        print(
            f"{kind:>8} {row['seconds']:>8.3f} {row['ratio']:>8.2f} {row['best_ratio']:>7.2f}"
            f" {row['peak_mib']:>9.1f} {row['growth_mib']:>11.1f}"
            f" {row['growth_mib'] / size_mib:>7.1f}"
        )
    base = max(run["peak_mib"] for run in runs["none"])
    print(f"interpreter with dexcore and the rules imported: {base:.1f} MiB")
    print(json.dumps({"file": info, "workers": args.workers, **rows}), file=sys.stderr)


if __name__ == "__main__":
    main()
