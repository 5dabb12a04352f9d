"""Speed of the columnar check (rules.batch) on realistic mixed orders, with its baselines.

Workload (:func:`workload`, our own: issue 11's ``benchmarks/workload.py`` did not
exist yet): orders on 40 symbols of the 2023-08 snapshot, every order type
(LIMIT 55%, LIMIT_MAKER 10%, MARKET 18%, STOP_LOSS_LIMIT 9%, TAKE_PROFIT_LIMIT 5%,
STOP_LOSS 3%), about 40% invalid (off-grid price, quantity below the minimum,
notional too small, price far out of the band, a missing timeInForce, a bad side),
partial contexts (``avgPrice`` on 70% of the rows, ``openOrders`` on 50%), all values
strings, as an Arrow table.

Measured, in one run:

1. ``check_table`` on N rows; ``evaluate`` in a loop on the same rows (params as
   dicts, contexts built beforehand: the loop's best case); an exact per-order
   Decimal four-filter check (PRICE_FILTER, LOT_SIZE, NOTIONAL,
   PERCENT_PRICE_BY_SIDE) parsing its strings. Targets: batch >= 20x the loop,
   <= 0.2x the four-filter check.
2. ``rules check --input x.parquet --output y.parquet``, whole process.
3. The same N rows spread over 365 daily snapshots (a SnapshotCache), next to
   the single-snapshot batch. Target: <= 1.5x.
4. ``rules.batch.dask`` on a 2-worker LocalCluster, 10x N rows from Parquet, against
   one process on the same files; verdicts compared.
5. Peak memory (max RSS) of ``rules check --input`` at N and 10x N rows.

Run: ``python3 benchmarks/bench_batch.py [N]`` from the checkout (N defaults to 1,000,000).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from rules.batch import BatchStats, check_table
from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.plans import plan_of
from rules.edge.cache import SnapshotCache
from rules.model.load import load_path
from rules.model.models import (
    ExchangeInfo,
    LotSizeFilter,
    NotionalFilter,
    PercentPriceBySideFilter,
    PriceFilter,
)

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT.parent / "shared/data/exchange_info/spot-full-2023-08.json"
TYPES = ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT", "STOP_LOSS"]
TYPE_WEIGHTS = [0.55, 0.10, 0.18, 0.09, 0.05, 0.03]
DAY_MS = 86_400_000


def _symbols(info: ExchangeInfo, count: int = 40) -> list[str]:
    """TRADING symbols with a LIMIT fast path and the four filters, most liquid-looking first."""
    plans = plan_of(info)
    out = []
    for s in info.symbols:
        plan = plans.symbol(info, s.symbol)
        if plan is None or "LIMIT" not in plan.fast:
            continue
        if not all(s.filter(c) for c in (PriceFilter, LotSizeFilter, NotionalFilter)):
            continue
        if s.filter(PercentPriceBySideFilter) is None:
            continue
        if s.quote_asset in ("USDT", "BTC", "BUSD") and set(TYPES) - {"STOP_LOSS"} <= set(
            s.order_types or ()
        ):
            out.append(s.symbol)
    return out[:count]


def _places(step: Decimal) -> int:
    return max(0, -step.normalize().as_tuple().exponent)  # type: ignore[operator]


def _text(ints: np.ndarray, places: int) -> list[str]:
    if not places:
        return [str(int(v)) for v in ints]
    scale = 10**places
    return [f"{v // scale}.{v % scale:0{places}d}" for v in ints.tolist()]


def workload(info: ExchangeInfo, n: int, seed: int = 14) -> pa.Table:
    """``n`` realistic mixed orders as a table of strings (see the module docstring)."""
    rng = np.random.default_rng(seed)
    names = _symbols(info)
    which = rng.integers(0, len(names), n)
    columns: dict[str, list[Any]] = {
        k: [None] * n
        for k in (
            "symbol",
            "side",
            "type",
            "timeInForce",
            "price",
            "quantity",
            "quoteOrderQty",
            "stopPrice",
            "avgPrice",
            "openOrders",
        )
    }
    types = rng.choice(len(TYPES), n, p=TYPE_WEIGHTS)
    defect = rng.random(n) < 0.40
    defect_kind = rng.integers(0, 6, n)
    sides = np.where(rng.random(n) < 0.5, "BUY", "SELL")
    has_avg = rng.random(n) < 0.7
    has_open = rng.random(n) < 0.5
    opens = rng.integers(0, 20, n)
    drift = rng.normal(0, 0.004, n)
    sizes = rng.uniform(2, 40, n)
    for k, name in enumerate(names):
        rows = np.flatnonzero(which == k)
        if not len(rows):
            continue
        symbol = info[name]
        pf, ls, nf = (
            symbol.filter(PriceFilter),
            symbol.filter(LotSizeFilter),
            symbol.filter(NotionalFilter),
        )
        assert pf
        assert ls
        assert nf
        tick_places, step_places = _places(pf.tick_size), _places(ls.step_size)
        tick = int(pf.tick_size.scaleb(tick_places))
        step = int(ls.step_size.scaleb(step_places))
        # A market price: 1000 ticks above minPrice or more, well inside the filters.
        base = max(float(pf.min_price) * 1000, float(pf.tick_size) * 10_000, 1.0)
        base = min(base, float(pf.max_price) / 100 if pf.max_price else base)
        avg_int = round(base * 10**tick_places / tick) * tick
        price_int = (np.round(avg_int * (1 + drift[rows]) / tick) * tick).astype(np.int64)
        notional = float(nf.min_notional or 10) * sizes[rows]
        qty = notional / (price_int / 10**tick_places)
        qty_int = (np.ceil(qty * 10**step_places / step) * step).astype(np.int64)
        qty_int = np.maximum(qty_int, int(ls.min_qty.scaleb(step_places)))
        d, kinds = defect[rows], defect_kind[rows]
        price_int = np.where(d & (kinds == 0), price_int + max(tick // 3, 1) * 0 + 1, price_int)
        if tick == 1 and tick_places == 0:
            price_int = np.where(d & (kinds == 0), price_int, price_int)
        qty_int = np.where(d & (kinds == 1), np.maximum(qty_int // 1000, 0), qty_int)
        price_int = np.where(d & (kinds == 3), price_int * 10, price_int)
        prices = _text(price_int, tick_places)
        if d.any() and tick_places < 20:
            # kind 0: a digit past the tick (off the grid)
            for i in np.flatnonzero(d & (kinds == 0)):
                prices[i] = _text(np.array([price_int[i]]), tick_places)[0] + (
                    "5" if tick_places else ".5"
                )
        quantities = _text(qty_int, step_places)
        avg_text = _text(np.array([avg_int]), tick_places)[0]
        small = _text(np.array([max(step, 1)]), step_places)[0]
        for j, row in enumerate(rows.tolist()):
            kind = TYPES[types[row]]
            columns["symbol"][row] = name
            columns["type"][row] = kind
            columns["side"][row] = "HOLD" if d[j] and kinds[j] == 5 else sides[row]
            quantity = quantities[j]
            if d[j] and kinds[j] == 2:
                quantity = small  # notional far below the minimum
            if kind == "MARKET":
                if row % 4 == 0:
                    columns["quoteOrderQty"][row] = f"{float(nf.min_notional or 10) * 3:.2f}"
                else:
                    columns["quantity"][row] = quantity
            elif kind == "STOP_LOSS":
                columns["quantity"][row] = quantity
                columns["stopPrice"][row] = prices[j]
            else:
                columns["price"][row] = prices[j]
                columns["quantity"][row] = quantity
                if kind != "LIMIT_MAKER" and not (d[j] and kinds[j] == 4):
                    columns["timeInForce"][row] = "GTC"
                if kind in ("STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"):
                    columns["stopPrice"][row] = prices[j]
            if has_avg[row]:
                columns["avgPrice"][row] = avg_text
            if has_open[row]:
                columns["openOrders"][row] = int(opens[row])
    arrays = {
        k: pa.array(v, pa.int64() if k == "openOrders" else pa.string()) for k, v in columns.items()
    }
    arrays["id"] = pa.array(np.arange(n, dtype=np.int64))
    return pa.table(arrays)


def four_filters(info: ExchangeInfo) -> Any:
    """The exact per-order Decimal baseline: four filters, strings parsed, nothing else."""
    cache: dict[str, Any] = {}

    def check(row: dict[str, Any]) -> bool:
        name = row["symbol"]
        f = cache.get(name)
        if f is None:
            s = info[name]
            f = cache[name] = (
                s.filter(PriceFilter),
                s.filter(LotSizeFilter),
                s.filter(NotionalFilter),
                s.filter(PercentPriceBySideFilter),
            )
        pf, ls, nf, pp = f
        assert pf
        assert ls
        assert nf
        assert pp
        price = Decimal(row["price"] or "0")
        quantity = Decimal(row["quantity"] or "0")
        ok = pf.min_price <= price <= pf.max_price and not price % pf.tick_size
        ok = ok and ls.min_qty <= quantity <= ls.max_qty and not quantity % ls.step_size
        notional = price * quantity
        ok = ok and nf.min_notional <= notional <= nf.max_notional
        avg = row["avgPrice"]
        if ok and avg is not None:
            reference = Decimal(avg)
            buy = row["side"] == "BUY"
            up = pp.bid_multiplier_up if buy else pp.ask_multiplier_up
            down = pp.bid_multiplier_down if buy else pp.ask_multiplier_down
            ok = reference * down <= price <= reference * up
        return ok

    return check


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench_single(info: ExchangeInfo, table: pa.Table) -> float:
    n = table.num_rows
    check_table(table.slice(0, 1000), info)  # warm the plans
    stats = BatchStats()
    batch_s, out = timed(lambda: check_table(table, info, keep=["id"], stats=stats))
    print(
        f"batch: {n:,} rows in {batch_s:.2f} s = {n / batch_s:,.0f} rows/s "
        f"(screened {stats.screened / n:.0%}, exact {stats.exact / n:.0%}; "
        f"rejected {1 - np.mean(out['accepted'].to_numpy(zero_copy_only=False)):.0%})"
    )
    rows = table.drop_columns(["id"]).to_pylist()
    params = [
        {k: v for k, v in r.items() if v is not None and k not in ("avgPrice", "openOrders")}
        for r in rows
    ]
    contexts = [
        Context.from_mapping({k: r[k] for k in ("avgPrice", "openOrders") if r[k] is not None})
        for r in rows
    ]
    loop_s, verdicts = timed(
        lambda: [evaluate(info, p, c) for p, c in zip(params, contexts, strict=True)]
    )
    print(
        f"evaluate loop: {loop_s:.2f} s = {n / loop_s:,.0f} rows/s; "
        f"batch is {loop_s / batch_s:.1f}x"
    )
    check = four_filters(info)
    plain = table.select(["symbol", "side", "price", "quantity", "avgPrice"]).to_pylist()
    four_s, _ = timed(lambda: [check(r) for r in plain])
    print(
        f"four-filter Decimal check: {four_s:.2f} s = {n / four_s:,.0f} rows/s; "
        f"batch time / its time = {batch_s / four_s:.2f}"
    )
    # Exactness on a sample (the tests check it everywhere).
    got = out.slice(0, 20_000).to_pylist()
    for g, v in zip(got, verdicts[:20_000], strict=False):
        assert g["accepted"] == v.accepted
        assert [x["code"] for x in g["violations"]] == [x.code for x in v.violations]
        assert g["unchecked"] == list(v.unchecked)
    return batch_s


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


def bench_cli(table: pa.Table, directory: Path) -> None:
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
        f"= {n / whole:,.0f} rows/s (exit {rc}, max RSS {rss / 1024:.0f} MiB)"
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


def bench_snapshots(info: ExchangeInfo, table: pa.Table, directory: Path, batch_s: float) -> None:
    names = sorted(set(table["symbol"].to_pylist()))
    raw = json.loads(SNAPSHOT.read_text())
    raw["symbols"] = [s for s in raw["symbols"] if s["symbol"] in names]
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
        f"365 daily snapshots: {per_row_s:.2f} s (loading them included) vs one snapshot "
        f"{single_s:.2f} s: {per_row_s / single_s:.2f}x"
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
    info = load_path(SNAPSHOT)
    gen_s, table = timed(lambda: workload(info, n))
    print(f"workload: {n:,} rows in {gen_s:.1f} s ({os.cpu_count()} CPUs, shared)")
    with tempfile.TemporaryDirectory() as temp:
        directory = Path(temp)
        batch_s = bench_single(info, table) if not only or "single" in only else 1.0
        if not only or "cli" in only:
            bench_cli(table, directory)
        if not only or "snapshots" in only:
            bench_snapshots(info, table, directory, batch_s)
        if not only or "memory" in only:
            bench_memory(table, directory)
        if not only or "dask" in only:
            bench_dask(table, directory)


if __name__ == "__main__":
    main()
