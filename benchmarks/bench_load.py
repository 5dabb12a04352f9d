"""Loading a full snapshot, next to ``json.loads`` of the same bytes, in one run.

    python benchmarks/bench_load.py [PATH]

Prints the best-of-N time of each, their ratio, and the memory held by the
result of each (tracemalloc). Targets: a full eager load at most 3x ``json.loads``
(issue 3; issue 11 asks 2x); one symbol's rules at most 1.3x (issue 11: 1.2x). Run from
the checkout as ``PYTHONPATH=. python benchmarks/bench_load.py`` so that the checkout's
``rules`` is measured (the first line says which).
"""

from __future__ import annotations

import gc
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import rules

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/exchange_info/spot-full-2023-08.json"


def best_of(*fns: Callable[[], object], repeat: int = 21) -> list[float]:
    """The fastest of ``repeat`` runs of each function, in seconds.

    The functions take turns, so that a busy moment of the machine disturbs
    all of them alike and their ratio stays meaningful.
    """
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, samples in zip(fns, times, strict=True):
            gc.collect()
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
    return [min(samples) for samples in times]


def held(fn: Callable[[], object]) -> int:
    """Bytes still allocated while the result of ``fn`` is alive."""
    gc.collect()
    tracemalloc.start()
    result = fn()
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return size


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT
    data = path.read_bytes()
    # A bot that checks one symbol: BTCUSDT if there, else the first.
    first = json.loads(data)
    names = [s["symbol"] for s in first["symbols"]]
    name = "BTCUSDT" if "BTCUSDT" in names else names[0]
    rules.loads(data)  # warm up: generated converter code, decimal cache

    baseline, full, one = best_of(
        lambda: json.loads(data),
        lambda: rules.loads(data),
        lambda: rules.loads(data, symbols=[name])[name],
    )

    print(f"rules from {Path(rules.__file__).parent}")
    print(f"{path.name}: {len(data) / 1e6:.1f} MB, {len(first['symbols'])} symbols")
    rows = [
        ("json.loads", baseline, ""),
        ("rules.loads, all symbols", full, "target <= 2x (issue 11)"),
        ("rules.loads, one symbol", one, "target <= 1.2x (issue 11)"),
    ]
    for label, seconds, note in rows:
        print(f"  {label:26} {seconds * 1e3:7.1f} ms  {seconds / baseline:5.2f}x  {note}")
    json_bytes = held(lambda: json.loads(data))
    rules_bytes = held(lambda: rules.loads(data))
    print(
        f"  memory held: json.loads {json_bytes / 1e6:.1f} MB, "
        f"rules.loads {rules_bytes / 1e6:.1f} MB ({rules_bytes / json_bytes:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
