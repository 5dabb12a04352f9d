"""The realistic mix, run several times in fresh processes: each row's median and range.

One run of ``bench_check.py --only mix`` gives each row's best-of-rounds ratio to
the baseline of the same run, but on a shared machine two runs of the same code
differ by 0.1x-0.3x (the process's memory layout, the other load): a target such
as "no type above 3x" is judged on the median of several runs, and a change on
runs alternating with the code it replaces::

    PYTHONPATH=. python benchmarks/mix_runs.py [--runs 5] [--full] [--against ../old-checkout]

Each run is ``bench_check.py --only mix`` (``--quick`` unless ``--full``) in a
new interpreter, with ``PYTHONPATH`` set to the checkout it measures; with
``--against``, runs of that checkout alternate with this one's. Prints, per row
of the mix, the median of the runs' best-of-rounds ratios and their range.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: A row of bench_check's mix table: label, orders, baseline, rules, best, median.
_ROW = re.compile(
    r"^ {2,}(?P<label>\S.*?)\s+(?P<orders>[0-9,]+)\s+\S+ µs\s+\S+ µs\s+"
    r"(?P<best>[0-9.]+)x\s+(?P<median>[0-9.]+)x$"
)
_ORDER_MEDIAN = re.compile(r"timed one by one: (?P<ratio>[0-9.]+)x")


def parse(output: str) -> dict[str, float]:
    """Each row's best-of-rounds ratio in one run's output (``median order``: the median
    over orders timed one by one).

    >>> parse("  whole mix   15,000    2.08 µs    5.85 µs   2.81x   2.88x\\n")
    {'whole mix': 2.81}
    """
    found: dict[str, float] = {}
    for line in output.splitlines():
        row = _ROW.match(line)
        if row:
            found[row["label"].strip()] = float(row["best"])
        order = _ORDER_MEDIAN.search(line)
        if order:
            found["median order"] = float(order["ratio"])
    return found


def run_once(checkout: Path, full: bool) -> dict[str, float]:
    """One run of the mix on ``checkout``, in a new interpreter."""
    command = [sys.executable, str(checkout / "benchmarks" / "bench_check.py"), "--only", "mix"]
    if not full:
        command.append("--quick")
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{checkout}: bench_check failed:\n{done.stderr[-2000:]}")
    found = parse(done.stdout)
    if "whole mix" not in found:
        raise SystemExit(f"{checkout}: no mix table in the output:\n{done.stdout[-2000:]}")
    return found


def summary(runs: list[dict[str, float]]) -> dict[str, tuple[float, float, float]]:
    """Per row: the median of the runs' ratios, the least and the most."""
    rows = dict.fromkeys(label for found in runs for label in found)
    out = {}
    for label in rows:
        values = [found[label] for found in runs if label in found]
        out[label] = (statistics.median(values), min(values), max(values))
    return out


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each checkout")
    parser.add_argument("--full", action="store_true", help="the full mix, not --quick")
    parser.add_argument("--against", type=Path, help="another checkout, run in alternation")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    checkouts = [HERE.parent] + ([args.against.resolve()] if args.against else [])
    results: dict[Path, list[dict[str, float]]] = {c: [] for c in checkouts}
    for n in range(args.runs):
        for checkout in checkouts:
            results[checkout].append(run_once(checkout, args.full))
        print(f"run {n + 1}/{args.runs} done", file=sys.stderr)
    tables = {c: summary(r) for c, r in results.items()}
    heads = "".join(f"  {str(c)[-32:]:>32}" for c in checkouts)
    print(f"median of {args.runs} runs' best-of-rounds ratios (least-most):")
    print(f"  {'':22}{heads}")
    for label in tables[checkouts[0]]:
        cells = ""
        for checkout in checkouts:
            cell = tables[checkout].get(label)
            text = "-" if cell is None else f"{cell[0]:.2f}x ({cell[1]:.2f}-{cell[2]:.2f})"
            cells += f"  {text:>32}"
        print(f"  {label:22}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
