"""Speed of the columnar check (rules.batch) on realistic mixed orders, with its baselines.

Workload: :mod:`workload` (issue 11's realistic generator): orders over every
TRADING symbol of the 2023-08 snapshot (1,393), every order type (LIMIT,
LIMIT_MAKER, MARKET by quantity and by quoteOrderQty, STOP_LOSS_LIMIT,
TAKE_PROFIT_LIMIT, iceberg LIMIT), 40% built to break one rule, three context
shapes (none, avgPrice only, full), all values strings, as an Arrow table (the
counts as int64).

Measured, in one run:

1. ``check_table`` on N rows: the first table of a snapshot (its folds of 1,393
   symbols and its classes' verdicts worked out) and then warm (the process
   remembers them, as for a file's next batches);
   ``evaluate`` in a loop on the same rows (params as dicts, contexts built
   beforehand: the loop's best case); :func:`workload.baseline`, the exact
   per-order Decimal four-filter check (PRICE_FILTER, LOT_SIZE, NOTIONAL,
   PERCENT_PRICE_BY_SIDE) parsing its strings. The symbols' plans are compiled
   before any of them is timed. Targets: batch >= 20x the loop, <= 0.2x the
   four-filter check. Also printed: the batch's CPU time, and one more warm
   round in threads (``threads=None``: Arrow's CPU count).
2. ``rules check --input x.parquet --output y.parquet``, whole process (loading
   the snapshot and compiling its plans included), against the loop.
3. N rows over 40 symbols spread over 365 daily snapshots (a SnapshotCache),
   next to the single-snapshot batch. Target: <= 1.5x.
4. ``rules.batch.dask`` on a 2-worker LocalCluster, 10x N rows from Parquet, against
   one process on the same files; verdicts compared.
5. Peak memory (VmHWM) of ``rules check --input`` at N and 10x N rows.

Run: ``PYTHONPATH=. python benchmarks/bench_batch.py [N] [single,cli,snapshots,memory,dask]``
from the checkout (N defaults to 1,000,000).
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import workload

import rules
from rules.batch import BatchStats, check_table
from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.plans import plan_of
from rules.edge.cache import SnapshotCache
from rules.model.load import load_path
from rules.model.models import ExchangeInfo

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT.parent / "shared/data/exchange_info/spot-full-2023-08.json"
DAY_MS = 86_400_000


def workload_table(n: int, raw: dict[str, Any] | None = None) -> tuple[pa.Table, list[Any]]:
    """``n`` orders of :func:`workload.generate` as a table of strings (counts int64),
    with an ``id`` column; and the cases."""
    cases = workload.generate(n, seed=14, raw=raw)
    params = list(dict.fromkeys(k for c in cases for k in c.params))
    context = list(dict.fromkeys(k for c in cases if c.context for k in c.context))
    columns = {k: pa.array([c.params.get(k) for c in cases], pa.string()) for k in params}
    for k in context:
        values = [None if c.context is None else c.context.get(k) for c in cases]
        columns[k] = pa.array(values, pa.int64() if k.startswith("open") else pa.string())
    columns["id"] = pa.array(np.arange(n, dtype=np.int64))
    return pa.table(columns), cases


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench_single(info: ExchangeInfo, table: pa.Table, cases: list[Any]) -> float:
    n = table.num_rows
    plans = plan_of(info)
    for symbol in info.symbols:  # every side judges with compiled plans
        plans.symbol(info, symbol.symbol)
    # Three rounds, each side in turn (the machine is shared and its load drifts):
    # the batch on every row, the four-filter check on every row (its best round
    # kept), and the evaluate loop on a third of them (its time: the three thirds).
    contexts = [None if c.context is None else Context.from_mapping(c.context) for c in cases]
    check = workload.baseline()
    thirds = [range(i * n // 3, (i + 1) * n // 3) for i in range(3)]
    batch_rounds: list[float] = []
    batch_cpu: list[float] = []  # CPU seconds of the process (every thread)
    four_rounds: list[float] = []
    loop_s = 0.0
    verdicts: list[Any] = []
    out = table
    stats = BatchStats()
    for third in thirds:
        counts = stats if not batch_rounds else None
        cpu = time.process_time()
        seconds, out = timed(
            lambda counts=counts: check_table(table, info, keep=["id"], stats=counts)
        )
        batch_cpu.append(time.process_time() - cpu)
        batch_rounds.append(seconds)
        four_rounds.append(timed(lambda: [check(c.params, c.context) for c in cases])[0])
        seconds, part = timed(
            lambda third=third: [evaluate(info, cases[i].params, contexts[i]) for i in third]
        )
        loop_s += seconds
        verdicts.extend(part)
    # The first round is a new snapshot's first table; the process then remembers
    # its folds and class verdicts (rules.batch.engine.memo_of), as for the next
    # batches of a file or the next tables of a notebook: the others are warm.
    cold_s, batch_s, four_s = batch_rounds[0], min(batch_rounds[1:]), min(four_rounds)
    # The warm batch once more in threads (as many as Arrow's CPU count).
    cpu = time.process_time()
    many_s, _ = timed(lambda: check_table(table, info, keep=["id"], threads=None))
    many_cpu = time.process_time() - cpu
    print(
        f"batch: {n:,} rows in {cold_s:.2f} s first (a new snapshot), then "
        + ", ".join(f"{s:.2f}" for s in batch_rounds[1:])
        + f" s = {n / batch_s:,.0f} rows/s; evaluate called {stats.exact:,} times "
        f"({stats.exact / n:.2%} of the rows; rejected "
        f"{1 - np.mean(out['accepted'].to_numpy(zero_copy_only=False)):.0%})"
    )
    print(f"  first table: {loop_s / cold_s:.1f}x the evaluate loop")
    print(
        f"  CPU time: first {batch_cpu[0]:.2f} s, then "
        + ", ".join(f"{s:.2f}" for s in batch_cpu[1:])
        + f" s; warm in {pa.cpu_count()} threads: {many_s:.2f} s (CPU {many_cpu:.2f} s) = "
        f"{loop_s / many_s:.1f}x the loop, {many_s / min(four_rounds):.2f} of the four-filter check"
    )
    ratio = loop_s / batch_s
    print(f"evaluate loop: {loop_s:.2f} s = {n / loop_s:,.0f} rows/s; warm batch: {ratio:.1f}x")
    print(
        f"four-filter Decimal check: {four_s:.2f} s = {n / four_s:,.0f} rows/s (best of 3); "
        f"batch time / its time = {batch_s / four_s:.2f} (first table {cold_s / four_s:.2f})"
    )
    # Exactness on a sample (the tests check it everywhere).
    got = out.slice(0, 50_000).to_pylist()
    for g, v in zip(got, verdicts[:50_000], strict=False):
        want = v.to_json()
        for violation in want["violations"]:
            violation["leg"] = None
        assert {k: g[k] for k in want} == want
    return loop_s


def _max_rss_run(argv: list[str]) -> tuple[float, int, int]:
    """Seconds, exit code and peak RSS (KiB, VmHWM) of ``rules`` in a fresh process."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child
    # of this (big) process would report this process's peak.
    code = (
        "import re, sys, time\n"
        "from rules.cli.main import main\n"
        "t = time.perf_counter(); rc = main(sys.argv[1:]); t = time.perf_counter() - t\n"
        "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]\n"
        "print(t, rc, hwm)\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    whole = time.perf_counter() - start
    _, rc, rss = done.stdout.split()
    return whole, int(rc), int(rss)


def bench_cli(table: pa.Table, directory: Path, loop_s: float) -> None:
    source = directory / "orders.parquet"
    pq.write_table(table, source, row_group_size=131_072)
    whole, rc, rss = _max_rss_run(
        [
            "check",
            "--exchange-info",
            str(SNAPSHOT),
            "--input",
            str(source),
            "--output",
            str(directory / "verdicts.parquet"),
            "--keep",
            "id",
        ]
    )
    n = table.num_rows
    print(
        f"rules check --input parquet: {n:,} rows in {whole:.2f} s whole process "
        f"= {n / whole:,.0f} rows/s, {loop_s / whole:.1f}x the evaluate loop "
        f"(exit {rc}, max RSS {rss / 1024:.0f} MiB)"
    )


def bench_memory(table: pa.Table, directory: Path) -> None:
    big = directory / "orders10.parquet"
    with pq.ParquetWriter(big, table.schema) as writer:
        for _ in range(10):
            writer.write_table(table, row_group_size=131_072)
    whole, _, rss = _max_rss_run(
        [
            "check",
            "--exchange-info",
            str(SNAPSHOT),
            "--input",
            str(big),
            "--output",
            str(directory / "verdicts10.parquet"),
            "--keep",
            "id",
        ]
    )
    print(f"rules check --input parquet, 10x rows: {whole:.1f} s, max RSS {rss / 1024:.0f} MiB")


def bench_snapshots(directory: Path, n: int) -> None:
    """``n`` orders over 40 symbols (365 full snapshots of 1,393 symbols would be 4 GB)."""
    raw = workload.load_raw()
    raw["symbols"] = [s for s in raw["symbols"] if s["status"] == "TRADING"][:40]
    names = [s["symbol"] for s in raw["symbols"]]
    table, _ = workload_table(n, raw)
    cache = SnapshotCache(directory / "cache")
    start_ms = int(raw["serverTime"])
    for day in range(365):
        raw["serverTime"] = start_ms + day * DAY_MS
        cache.save(raw)
    rng = np.random.default_rng(1)
    ts = start_ms + rng.integers(0, 365 * DAY_MS, table.num_rows)
    timed_table = table.append_column("ts", pa.array(ts, pa.int64()))
    small = load_path(SNAPSHOT, symbols=names)
    check_table(table.slice(0, 1000), small)
    single_s, _ = timed(lambda: check_table(table, small, keep=["id"]))
    per_row_s, _ = timed(lambda: check_table(timed_table, cache, time_column="ts", keep=["id"]))
    print(
        f"365 daily snapshots ({n:,} rows, 40 symbols): {per_row_s:.2f} s (loading them "
        f"included) vs one snapshot {single_s:.2f} s: {per_row_s / single_s:.2f}x"
    )
    warm_s, _ = timed(lambda: check_table(timed_table, cache, time_column="ts", keep=["id"]))
    print(f"  again (the cache keeps its last {cache.max_loaded} loaded): {warm_s:.2f} s")
    # Worst case: every day's rules differ (one symbol's maxPrice moves), so no two
    # days share a loaded snapshot and its plans.
    distinct = SnapshotCache(directory / "distinct")
    for day in range(365):
        raw["serverTime"] = start_ms + day * DAY_MS
        for f in raw["symbols"][0]["filters"]:
            if f["filterType"] == "PRICE_FILTER":
                f["maxPrice"] = f"{900000 + day}.00000000"
        distinct.save(raw)
    distinct_s, _ = timed(lambda: check_table(timed_table, distinct, time_column="ts", keep=["id"]))
    print(f"  365 snapshots that all differ: {distinct_s:.2f} s: {distinct_s / single_s:.2f}x")
    start = time.perf_counter()
    for i in range(100_000):
        cache.at(start_ms + (i * 7919 % 365) * DAY_MS + 5)
    print(f"  SnapshotCache.at() with 365 snapshots: {(time.perf_counter() - start) * 10:.2f} µs")


def bench_dask(table: pa.Table, directory: Path) -> None:
    from dask.distributed import Client, LocalCluster

    from rules.batch.dask import check_parquet

    parts = directory / "dask-in"
    parts.mkdir()
    n_part = table.num_rows
    for i in range(10):  # ten files, ids 0 .. 10n - 1
        ids = pa.array(np.arange(i * n_part, (i + 1) * n_part, dtype=np.int64))
        part = table.set_column(table.schema.get_field_index("id"), "id", ids)
        pq.write_table(part, parts / f"part-{i}.parquet", row_group_size=131_072)
    info = load_path(SNAPSHOT, symbols=sorted(set(table["symbol"].to_pylist())))
    n = n_part * 10
    one_s, singles = timed(
        lambda: [
            check_table(pq.read_table(parts / f"part-{i}.parquet"), info, keep=["id"])
            for i in range(10)
        ]
    )
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster,
        Client(cluster),
    ):
        dask_s, _ = timed(
            lambda: check_parquet(str(parts), str(directory / "dask-out"), info, keep=["id"])
        )
    got = pq.read_table(directory / "dask-out").sort_by("id")
    want = pa.concat_tables(singles)  # already in id order
    for name in ("id", "accepted", "violations", "unchecked"):
        assert got[name].cast(want[name].type).equals(want[name]), name
    print(
        f"dask, 2-worker LocalCluster: {n:,} rows in {dask_s:.1f} s = {n / dask_s:,.0f} rows/s; "
        f"one process {one_s:.1f} s = {n / one_s:,.0f} rows/s: {one_s / dask_s:.2f}x "
        "(verdicts equal)"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    only = set(sys.argv[2].split(",")) if len(sys.argv) > 2 else None
    print(f"rules from {Path(rules.__file__).parent}")
    info = load_path(SNAPSHOT)
    gen_s, (table, cases) = timed(lambda: workload_table(n))
    print(f"workload: {n:,} rows in {gen_s:.1f} s ({os.cpu_count()} CPUs, shared)")
    # The million cases held for the loop would make every collection of the batch
    # scan them too: out of the collector's way, for every side alike.
    gc.collect()
    gc.freeze()
    with tempfile.TemporaryDirectory() as temp:
        directory = Path(temp)
        loop_s = bench_single(info, table, cases) if not only or "single" in only else 1.0
        if not only or "cli" in only:
            bench_cli(table, directory, loop_s)
        if not only or "snapshots" in only:
            bench_snapshots(directory, n)
        if not only or "memory" in only:
            bench_memory(table, directory)
        if not only or "dask" in only:
            bench_dask(table, directory)


if __name__ == "__main__":
    main()
