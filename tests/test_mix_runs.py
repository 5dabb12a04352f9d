"""benchmarks/mix_runs.py reads bench_check's mix table and summarises runs."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import mix_runs

#: bench_check.py --only mix's table as it prints it (values of one run).
OUTPUT = """rules from /work/main/rules
realistic mix, 2023-08 (15,000 orders over 1393 symbols, seed 11, 38% rejected by rules; 3 rounds):
                          orders   baseline      rules    best  median
  whole mix               15,000    2.08 µs    5.85 µs   2.81x   2.88x
  LIMIT iceberg            1,520    2.32 µs    7.25 µs   3.12x   3.14x
  context full             5,000    2.21 µs    6.70 µs   3.03x   3.06x
    by the filters         3,326    1.97 µs    9.49 µs   4.83x   4.95x
  median over orders of (rules / baseline), 15,000 orders timed one by one: 1.88x  (targets: ...)
"""


def test_each_row_gives_its_best_of_rounds_ratio() -> None:
    assert mix_runs.parse(OUTPUT) == {
        "whole mix": 2.81,
        "LIMIT iceberg": 3.12,
        "context full": 3.03,
        "by the filters": 4.83,
        "median order": 1.88,
    }


def test_runs_are_summarised_by_median_and_range() -> None:
    runs = [{"whole mix": 2.6, "LIMIT": 2.9}, {"whole mix": 2.8}, {"whole mix": 2.7, "LIMIT": 3.1}]
    assert mix_runs.summary(runs) == {"whole mix": (2.7, 2.6, 2.8), "LIMIT": (3.0, 2.9, 3.1)}
