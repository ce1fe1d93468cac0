"""Benchmark: a 10 MB DEX bulk upload read and fully checked, against a bare ``ElementTree.parse``.

The file is written by :func:`dexcore.io.bulk.write_bulk` from the synthetic
dataset of ``bench_rules.py``, scaled so that the file is about 10 MB (DSS's
limit). Each measurement runs in a fresh process, which reports its seconds
(best of ``--repeat`` runs) and its peak memory:

- ``parse``: ``xml.etree.ElementTree.parse`` of the file, nothing else;
- ``read``: :func:`dexcore.io.bulk.read_bulk` (defused, streaming, model objects);
- ``check``: ``read_bulk`` and then the full DEX + SETS rule check.

Targets (issue #7): ``check`` within 4 × ``parse``; peak memory within 10 × the file size.

Run: ``python bench/bench_bulk.py [--megabytes 10] [--workers 1] [--repeat 3] [--compact]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_rules import TODAY, synthetic_dataset

from dexcore.io.bulk import read_bulk, write_bulk
from dexcore.rules import RULESETS, check

MIB = 1024 * 1024


def build(path: Path, megabytes: float, *, pretty: bool) -> dict[str, float]:
    """Write a file of about ``megabytes`` MB to ``path``."""
    probe = 0.01
    (sample,) = write_bulk(synthetic_dataset(probe), max_bytes=10**9, pretty=pretty)
    scale = probe * megabytes * 1_000_000 / len(sample)
    dataset = synthetic_dataset(scale)
    (data,) = write_bulk(dataset, max_bytes=10**9, pretty=pretty)
    path.write_bytes(data)
    return {"bytes": len(data), "records": sum(dataset.counts().values()), "scale": scale}


def measure(kind: str, path: Path, workers: int, repeat: int) -> dict[str, float]:
    """In this process: the best time of ``repeat`` runs of ``kind``, and the peak memory."""
    best = float("inf")
    issues = 0
    for _ in range(repeat):
        start = time.perf_counter()
        if kind == "none":
            pass
        elif kind == "parse":
            ET.parse(path)
        else:
            dataset = read_bulk(path)
            if kind == "check":
                report = check(dataset, RULESETS["sets"], today=TODAY, workers=workers)
                issues = len(report.issues)
        best = min(best, time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"seconds": round(best, 3), "peak_mib": round(peak, 1), "issues": issues}


def main() -> None:
    """Build the file, measure each kind in its own process, print a table and JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--compact", action="store_true", help="no white space between elements: more records a MB"
    )
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        kind, file = args.one
        print(json.dumps(measure(kind, Path(file), args.workers, args.repeat)))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.xml"
        info = build(path, args.megabytes, pretty=not args.compact)
        rows = {}
        for kind in ("baseline", "parse", "read", "check"):
            command = [sys.executable, __file__, "--workers", str(args.workers)]
            command += ["--repeat", str(args.repeat), "--one", kind, str(path)]
            if kind == "baseline":  # the interpreter with dexcore imported, doing nothing
                command[-2] = "none"
            out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            rows[kind] = json.loads(out)
    size_mib = info["bytes"] / MIB
    print(f"file: {info['bytes']:,} bytes, {int(info['records']):,} records")
    print(f"{'':>8} {'seconds':>8} {'× parse':>8} {'peak MiB':>9} {'× file':>7}")
    for kind in ("parse", "read", "check"):
        row = rows[kind]
        ratio = row["seconds"] / rows["parse"]["seconds"]
        print(
            f"{kind:>8} {row['seconds']:>8.3f} {ratio:>8.2f} {row['peak_mib']:>9.1f}"
            f" {row['peak_mib'] / size_mib:>7.1f}"
        )
    base = rows["baseline"]["peak_mib"]
    growth = rows["check"]["peak_mib"] - base
    print(
        f"interpreter with dexcore imported: {base:.1f} MiB; check adds {growth:.1f} MiB"
        f" ({growth / size_mib:.1f} × the file)"
    )
    print(json.dumps({"file": info, "workers": args.workers, **rows}), file=sys.stderr)


if __name__ == "__main__":
    main()
