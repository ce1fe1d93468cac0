"""Benchmark: ``dexcore check`` of 10 MB against a bare ``ElementTree.parse``, as processes.

Each measurement is a whole process, start-up and imports included, as a user
meets it:

- ``bare``: ``python -c pass`` (the interpreter alone, for reference);
- ``import``: ``python -c "import dexcore.cli"``;
- ``parse``: ``python -c "import xml.etree.ElementTree as ET; ET.parse(FILE)"``;
- ``check``: ``python -m dexcore check FILE`` (text output, thrown away).

Two files of about 10 MB (DSS's limit) are written from the synthetic dataset of
``bench_rules.py`` (through ``bench_bulk.build``): one indented, one with no white
space between elements (more records a megabyte). The package's bytecode is
compiled first, so no process compiles it.

A shared machine's speed drifts from second to second, so each round runs every
kind once on each file, one after the other, and each ratio is taken within its
round; the table gives the median over ``--repeat`` rounds, and the spread of the
``check`` ratio (lowest and highest round). Times are wall-clock seconds and CPU
seconds (user + system, from ``os.wait4``: less sensitive to other programs);
``max RSS`` is the child's peak resident memory, from the same ``rusage``.

Targets (issue #17): ``check`` within 3 × ``parse``, process against process; peak
memory within 10 × the file's size; ``import dexcore.cli`` under 100 ms. Linux or macOS.

Run: ``python bench/bench_check_process.py [--repeat 9] [--megabytes 10] [--src DIR]``
(``--src``: measure the dexcore package under ``DIR`` instead of the one imported here).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
KINDS = ("bare", "import", "parse", "check")
TODAY = "2025-01-15"


def command(kind: str, file: Path) -> list[str]:
    """The command line of one ``kind`` of run on ``file``."""
    python = [sys.executable]
    if kind == "bare":
        return [*python, "-c", "pass"]
    if kind == "import":
        return [*python, "-c", "import dexcore.cli"]
    if kind == "parse":
        return [*python, "-c", f"import xml.etree.ElementTree as ET; ET.parse({str(file)!r})"]
    return [*python, "-m", "dexcore", "check", str(file), "--today", TODAY]


def run_once(argv: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall seconds, CPU seconds and peak memory (MiB) of one process running ``argv``."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not all children's
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):  # check exits 1 when it finds an error
        again = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        raise RuntimeError(f"{argv[1:3]} failed ({child.returncode}): {again.stderr}")
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    kib = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": kib / 1024}


def _median(values: list[float]) -> float:
    return statistics.median(values)


def summary(runs: dict[str, list[dict[str, float]]], size: int) -> dict[str, Any]:
    """Medians of each kind, and the check's ratios to the parse taken round by round."""
    rows: dict[str, Any] = {}
    for kind in KINDS:
        rows[kind] = {
            measure: round(_median([run[measure] for run in runs[kind]]), 3)
            for measure in ("wall", "cpu", "rss_mib")
        }
    for measure in ("wall", "cpu"):
        ratios = [
            check[measure] / parse[measure]
            for check, parse in zip(runs["check"], runs["parse"], strict=True)
        ]
        rows["check"][f"{measure}_ratio"] = round(_median(ratios), 2)
        rows["check"][f"{measure}_ratio_range"] = [round(min(ratios), 2), round(max(ratios), 2)]
    rows["check"]["rss_x_file"] = round(rows["check"]["rss_mib"] * MIB / size, 2)
    return rows


def print_table(name: str, info: dict[str, float], rows: dict[str, Any]) -> None:
    """The figures of one file, as a table."""
    print(f"\n{name}: {int(info['bytes']):,} bytes, {int(info['records']):,} records")
    print(f"{'':>8} {'wall s':>8} {'cpu s':>8} {'max RSS MiB':>12}")
    for kind in KINDS:
        row = rows[kind]
        print(f"{kind:>8} {row['wall']:>8.3f} {row['cpu']:>8.3f} {row['rss_mib']:>12.1f}")
    check = rows["check"]
    low, high = check["wall_ratio_range"]
    print(
        f"check / parse: wall {check['wall_ratio']:.2f} (rounds {low:.2f}-{high:.2f}),"
        f" cpu {check['cpu_ratio']:.2f}; max RSS {check['rss_x_file']:.2f} x the file"
    )


def build_files(folder: Path, megabytes: float) -> dict[str, dict[str, float]]:
    """Write the indented and the whitespace-free file into ``folder``; what each holds.

    Run in a process of its own (``--build``): the dataset it makes is large, and a
    child forked from a large parent would report the parent's memory as its own peak.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_bulk import build  # noqa: PLC0415 (only the building process needs dexcore)

    return {
        name: build(folder / f"{name}.xml", megabytes, pretty=pretty)
        for name, pretty in (("indented", True), ("whitespace-free", False))
    }


def main() -> None:
    """Build the files, run every kind in interleaved rounds, print tables and JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=9, help="rounds, each kind once a round")
    parser.add_argument("--src", type=Path, help="the folder holding the dexcore package to run")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        print(json.dumps(build_files(args.build, args.megabytes)))
        return
    spec = importlib.util.find_spec("dexcore")  # found, not imported: this process stays small
    assert spec is not None
    assert spec.origin is not None
    src = args.src or Path(spec.origin).resolve().parent.parent
    compileall.compile_dir(src / "dexcore", quiet=1)
    env = {**os.environ, "PYTHONPATH": str(src)}
    results: dict[str, Any] = {"src": str(src), "repeat": args.repeat}
    with tempfile.TemporaryDirectory() as folder:
        argv = [sys.executable, __file__, "--build", folder, "--megabytes", str(args.megabytes)]
        built = json.loads(subprocess.run(argv, capture_output=True, check=True, text=True).stdout)
        files = {name: (Path(folder) / f"{name}.xml", info) for name, info in built.items()}
        runs: dict[str, dict[str, list[dict[str, float]]]] = {
            name: {kind: [] for kind in KINDS} for name in files
        }
        for path, _ in files.values():  # one round unmeasured: caches warm
            for kind in KINDS:
                run_once(command(kind, path), env)
        for _ in range(args.repeat):
            for name, (path, _) in files.items():
                for kind in KINDS:
                    runs[name][kind].append(run_once(command(kind, path), env))
    print(f"dexcore from {src}; medians of {args.repeat} interleaved rounds")
    for name, (_, info) in files.items():
        rows = summary(runs[name], int(info["bytes"]))
        print_table(name, info, rows)
        results[name] = {"file": info, **rows}
    print(json.dumps(results), file=sys.stderr)


if __name__ == "__main__":
    main()
