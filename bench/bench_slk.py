"""Benchmark: SLK-581 generation over a realistic population.

Builds ``--rows`` synthetic people whose family and given names repeat as in
a real population (Zipf-distributed over synthetic vocabularies of 20,000
family names and 4,000 given names, some accented, hyphenated or with an
apostrophe; birth dates over 90 years; every sex code), then times, in one
process on one core:

* ``generate_many`` (dexcore's bulk entry point);
* ``generate`` called once per row;
* a straightforward one-function implementation of the same rules, the
  baseline a vendor would write.

It checks that all three agree, then prints keys per second and the ratios.
Each figure is the best of ``--repeat`` runs (default 3).
Run: ``python bench/bench_slk.py [--rows 1000000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import time
import unicodedata
from collections.abc import Callable, Sequence

from dexcore.slk import SlkRow, generate, generate_many

_SYLLABLES = [
    "ka", "lo", "mi", "ra", "ten", "vo", "zu", "bel", "dor", "fen", "gri", "hal", "jun", "kes",
    "lum", "nor", "pel", "sar", "tov", "wen", "yar", "ush", "ixa", "mé", "nü", "tha", "quo",
]  # fmt: skip


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))).capitalize()
        decoration = rng.random()
        if decoration < 0.04:
            word = f"{word}-{rng.choice(_SYLLABLES).capitalize()}"
        elif decoration < 0.07:
            word = f"O'{word}"
        words.add(word)
    return sorted(words)


def population(rows: int, seed: int = 581) -> list[SlkRow]:
    """``rows`` synthetic people with names repeating as in a real population."""
    rng = random.Random(seed)
    families = _vocabulary(rng, 20_000)
    givens = _vocabulary(rng, 4_000)
    # Zipf-like weights: the k-th most common name is about 1/k as frequent as the first.
    family_weights = [1 / (k + 1) for k in range(len(families))]
    given_weights = [1 / (k + 1) ** 1.1 for k in range(len(givens))]
    first = dt.date(1935, 1, 1).toordinal()
    days = [dt.date.fromordinal(first + rng.randrange(32_872)) for _ in range(rows)]
    sexes: Sequence[str | None] = ["M", "F", "MALE", "FEMALE", "X", None, "9"]
    return list(
        zip(
            rng.choices(families, family_weights, k=rows),
            rng.choices(givens, given_weights, k=rows),
            days,
            rng.choices(sexes, [40, 40, 8, 8, 1, 2, 1], k=rows),
            strict=True,
        )
    )


_NON_LETTER = re.compile(r"[^A-Z]")
_SEX = {"M": "1", "MALE": "1", "F": "2", "FEMALE": "2", "X": "3", "9": "9", None: "9"}


def straightforward(family: str | None, given: str | None, birth: dt.date, sex: str | None) -> str:
    """The one-function implementation a vendor would write (same rules, no reuse)."""

    def letters(name: str | None) -> str:
        if not name or not name.strip():
            return ""
        decomposed = unicodedata.normalize("NFKD", name)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return _NON_LETTER.sub("", stripped.encode("ascii", "ignore").decode().upper())

    f = letters(family)
    g = letters(given)
    family_part = "999" if len(f) < 2 else (f + "22222")[1] + (f + "22222")[2] + (f + "22222")[4]
    given_part = "99" if len(g) < 2 else (g + "22")[1:3]
    return family_part + given_part + birth.strftime("%d%m%Y") + _SEX[sex]


def _time(label: str, run: Callable[[], list[str]], repeat: int) -> tuple[float, list[str]]:
    """Best of ``repeat`` runs: the least disturbed by other work on the machine."""
    best = float("inf")
    keys: list[str] = []
    for _ in range(repeat):
        start = time.perf_counter()
        keys = run()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<28} {best:7.3f} s  {len(keys) / best:>12,.0f} keys/s")
    return best, keys


def main() -> None:
    """Run the benchmark and print the figures (and a JSON line for records)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="report the best of N runs")
    args = parser.parse_args()
    rows = population(args.rows)
    print(f"{args.rows:,} rows; {len({r[0] for r in rows}):,} distinct family names, "
          f"{len({r[1] for r in rows}):,} distinct given names")  # fmt: skip
    bulk_s, bulk = _time("generate_many", lambda: generate_many(rows), args.repeat)
    single_s, single = _time(
        "generate per row", lambda: [generate(*row) for row in rows], args.repeat
    )
    base_s, base = _time(
        "straightforward baseline",
        lambda: [straightforward(*r) for r in rows],  # type: ignore[arg-type]
        args.repeat,
    )
    if not bulk == single == base:
        raise SystemExit("implementations disagree")
    print(
        f"generate_many is {base_s / bulk_s:.1f}x the baseline, {single_s / bulk_s:.1f}x generate"
    )
    print(json.dumps({
        "rows": args.rows,
        "generate_many_keys_per_s": round(args.rows / bulk_s),
        "generate_keys_per_s": round(args.rows / single_s),
        "baseline_keys_per_s": round(args.rows / base_s),
        "speedup_vs_baseline": round(base_s / bulk_s, 2),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
