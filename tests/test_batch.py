"""rules.batch: the columnar check gives exactly evaluate()'s verdict for every row.

By construction (a screen folded from the checker's own bounds that only ever
accepts, and ``evaluate`` for every other row), checked here on every public vector,
on ``rules.testing``'s orders (every order type, context shape and era), and on the
fast path's boundary cases (tests/property/test_fastpath_properties.py).
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from rules.batch import VERDICT_SCHEMA, BatchStats, check_batches, check_table
from rules.batch.engine import CONTEXT_COLUMNS
from rules.checker import fastpath, plans
from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.edge.cache import SnapshotCache
from rules.errors import SnapshotNotFoundError
from rules.model.load import load_path
from rules.model.models import ExchangeInfo
from rules.testing import BREAKABLE, markets, orders_from_symbol, server_times
from tests.property.test_fastpath_properties import cases as boundary_cases
from tests.test_validate import snapshot

SHARED = Path(__file__).resolve().parents[2] / "shared"
MANIFEST = json.loads((SHARED / "vectors" / "manifest.json").read_text())
FILES = {entry["name"]: entry for entry in MANIFEST["files"]}


@functools.cache
def _info(name: str) -> ExchangeInfo:
    return load_path(SHARED / FILES[name]["exchange_info"])


def expected(info: ExchangeInfo, row: dict[str, Any]) -> dict[str, Any]:
    """evaluate()'s verdict of a table row (nulls not sent), in the output's form."""
    # null, or NaN in a float column: not sent
    context = {k: v for k, v in row.items() if k in CONTEXT_COLUMNS and v is not None and v == v}
    params = {k: v for k, v in row.items() if k not in CONTEXT_COLUMNS and v is not None and v == v}
    verdict = evaluate(info, params, Context.from_mapping(context)).to_json()
    for v in verdict["violations"]:
        v.setdefault("leg", None)  # a list's violation names its leg (D45)
    return verdict


def assert_exact(info: ExchangeInfo, table: pa.Table, stats: BatchStats | None = None) -> None:
    out = check_table(table, info, stats=stats)
    assert out.schema == VERDICT_SCHEMA
    assert out.num_rows == table.num_rows
    got = out.to_pylist()
    want = [expected(info, row) for row in table.to_pylist()]
    assert got == want


def table_of(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """A table of every key of every row (pa.Table.from_pylist takes the first row's only)."""
    keys = list(dict.fromkeys(k for row in rows for k in row))
    return pa.Table.from_pylist([{k: row.get(k) for k in keys} for row in rows])


def tables(rows: Sequence[dict[str, Any]]) -> list[pa.Table]:
    """The rows as few tables as Arrow allows (a column holds one type)."""
    groups: dict[tuple[object, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted((k, type(v).__name__) for k, v in row.items()))].append(row)
    out = []
    for group in groups.values():
        try:
            out.append(table_of(group))
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            for row in group:
                try:
                    out.append(pa.Table.from_pylist([row]))
                except (pa.ArrowException, TypeError, ValueError, OverflowError):
                    continue  # not a table row (an int beyond int64, a Decimal of 40 digits)
    return out


class TestVectors:
    @pytest.mark.slow
    @pytest.mark.parametrize("name", sorted(FILES))
    def test_every_public_vector(self, name: str) -> None:
        info = _info(name)
        path = SHARED / FILES[name]["cases"]
        lines = path.read_text(encoding="utf-8").splitlines()
        cases = [json.loads(line, parse_float=Decimal) for line in lines if line.strip()]
        rows = [{**case["params"], **(case.get("context") or {})} for case in cases]
        built = tables(rows)
        assert sum(t.num_rows for t in built) >= len(rows) * 0.99  # nearly every case fits
        stats = BatchStats()
        for table in built:
            assert_exact(info, table, stats)
        assert stats.rows == sum(t.num_rows for t in built)


@st.composite
def rules_testing_tables(draw: st.DrawFn) -> tuple[ExchangeInfo, pa.Table]:
    """A table of rules.testing orders on one market: valid ones and ones breaking one rule,
    every order type the symbol allows, contexts with some keys left out, any era."""
    market = draw(markets(server_times=server_times()))
    full = market.context.to_mapping()
    rows = []
    for _ in range(draw(st.integers(1, 12))):
        breaking = draw(st.none() | st.sampled_from(sorted(BREAKABLE)))
        try:
            order = draw(
                orders_from_symbol(
                    market.symbol, info=market.info, context=market.context, breaking=breaking
                )
            )
        except InvalidArgument:  # a rule this symbol cannot break: a valid order
            order = draw(
                orders_from_symbol(market.symbol, info=market.info, context=market.context)
            )
        whole = draw(st.integers(0, 2)) == 0
        dropped = set() if whole or not full else draw(st.sets(st.sampled_from(sorted(full))))
        rows.append({**order.to_params(), **{k: v for k, v in full.items() if k not in dropped}})
    return market.info, table_of(rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules_testing_tables())
def test_rules_testing_orders(case: tuple[ExchangeInfo, pa.Table]) -> None:
    info, table = case
    stats = BatchStats()
    assert_exact(info, table, stats)
    event("screened some" if stats.screened else "screened none")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(boundary_cases(), min_size=1, max_size=20))
def test_boundary_orders(cases: list[tuple[ExchangeInfo, dict[str, Any], Context]]) -> None:
    by_info: dict[int, tuple[ExchangeInfo, list[dict[str, Any]]]] = {}
    for info, params, context in cases:
        by_info.setdefault(id(info), (info, []))[1].append({**params, **context.to_mapping()})
    for info, rows in by_info.values():
        for table in tables(rows):
            assert_exact(info, table)


# --------------------------------------------------------------------------- the API

INFO = snapshot()
LIMIT = {"symbol": "XY", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}


def limit_rows(n: int) -> list[dict[str, Any]]:
    """n LIMIT orders, every third one off the tick, every fifth one a MARKET."""
    rows = []
    for i in range(n):
        row: dict[str, Any] = {**LIMIT, "price": f"{1 + i % 50}.{i % 100:02d}", "quantity": "0.5"}
        if i % 3 == 0:
            row["price"] += "5"
        if i % 5 == 0:
            row = {"symbol": "XY", "side": "SELL", "type": "MARKET", "quantity": "1"}
        rows.append(row)
    return rows


class TestCheckTable:
    def test_classes_fire_and_agree(self) -> None:
        table = table_of(limit_rows(300))
        stats = BatchStats()
        info = snapshot()  # a new snapshot object: nothing remembered of it yet
        assert_exact(info, table, stats)
        assert stats.rows == 300
        # Three classes: LIMIT on the tick, LIMIT off it, MARKET; evaluate once each.
        assert (stats.screened, stats.exact) == (300, 3)
        # The process remembers them: a second table of the same classes calls it no more.
        again = BatchStats()
        assert_exact(info, table.slice(0, 100), again)
        assert (again.screened, again.exact) == (100, 0)

    def test_first_rows_compile_no_fast_check(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # A class's first row is judged on evaluate's general path (rules.batch.rows):
        # the same verdict, without compiling the fast checks of its symbol and type;
        # a method other than order.place is judged by evaluate itself.
        compiled: list[str] = []
        real = fastpath.compile_fast_check

        def counted(*args: Any) -> Any:
            compiled.append(args[2].name)
            return real(*args)

        monkeypatch.setattr(plans, "compile_fast_check", counted)
        info = snapshot()  # a new snapshot object: nothing compiled for it yet
        table = table_of(limit_rows(30))
        stats = BatchStats()
        out = check_table(table, info, stats=stats).to_pylist()
        assert stats.exact == 3
        assert compiled == []
        assert out == [expected(info, row) for row in table.to_pylist()]
        # order.test: judged by evaluate (its verdict as order.place's, D41)
        tested = table.append_column("method", pa.array(["order.test"] * 30))
        assert check_table(tested, snapshot()).to_pylist() == out

    def test_keep_columns_come_first_and_are_not_params(self) -> None:
        rows = [{**r, "id": i, "note": ""} for i, r in enumerate(limit_rows(10))]
        out = check_table(table_of(rows), INFO, keep=["id", "note"])
        assert out.column_names == ["id", "note", "accepted", "violations", "unchecked"]
        assert out["id"].to_pylist() == list(range(10))
        # "" in a kept column is not a parameter sent empty (-1105).
        bare = [{k: v for k, v in r.items() if k not in ("id", "note")} for r in rows]
        assert out.select(["accepted", "violations", "unchecked"]).to_pylist() == [
            expected(INFO, r) for r in bare
        ]

    def test_record_batch_pandas_and_empty(self) -> None:
        rows = limit_rows(20)
        table = table_of(rows)
        want = check_table(table, INFO)
        assert check_table(table.to_batches()[0], INFO).equals(want)
        frame = pd.DataFrame(rows)  # NaN where a row lacks a column
        assert check_table(frame, INFO).equals(want)
        empty = check_table(table.slice(0, 0), INFO)
        assert empty.num_rows == 0
        assert empty.schema == VERDICT_SCHEMA

    def test_numbers_and_nan_columns(self) -> None:
        frame = pd.DataFrame(
            {
                "symbol": ["XY"] * 3,
                "side": ["BUY"] * 3,
                "type": ["LIMIT"] * 3,
                "timeInForce": ["GTC"] * 3,
                "price": [1.5, 1.505, np.nan],
                "quantity": [2, 3, 4],
                "avgPrice": [np.nan, 1.5, 1.5],
            }
        )
        got = check_table(frame, INFO).to_pylist()
        assert [g["accepted"] for g in got] == [True, False, False]
        assert got == [expected(INFO, row) for row in pa.Table.from_pandas(frame).to_pylist()]

    def test_batches(self) -> None:
        table = table_of(limit_rows(50))
        stats = BatchStats()
        parts = list(check_batches(table.to_batches(max_chunksize=7), INFO, stats=stats))
        assert [p.num_rows for p in parts] == [7] * 7 + [1]
        assert pa.concat_tables(parts).equals(check_table(table, INFO))
        assert stats.rows == 50

    def test_context_defaults(self) -> None:
        table = table_of(limit_rows(5))
        got = check_table(table, INFO, context={"permissions": ["MARGIN"]}).to_pylist()
        rows = table.to_pylist()
        assert got == [expected(INFO, {**r, "permissions": ["MARGIN"]}) for r in rows]
        with pytest.raises(ValueError, match=r"context\.avgPrice: expected a decimal string"):
            check_table(table, INFO, context={"avgPrice": "x"})

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"avgPrice": "-1"}, r"^row 2: context\.avgPrice: expected a finite, non-negative"),
        ],
    )
    def test_bad_rows_are_named(self, change: dict[str, Any], message: str) -> None:
        rows: list[dict[str, Any]] = [{**r} for r in limit_rows(4)]
        rows[2].update(change)
        with pytest.raises(ValueError, match=message):
            check_table(table_of(rows), INFO)

    def test_order_lists_carry_their_leg(self) -> None:
        """The method column takes the order lists (D45): each list violation has its leg,
        exactly as evaluate gives it; a single order's leg is null."""
        oco = {
            "symbol": "XY",
            "side": "SELL",
            "quantity": "1",
            "aboveType": "LIMIT_MAKER",
            "abovePrice": "3.001",  # off the tick: PRICE_FILTER on leg above
            "belowType": "STOP_LOSS_LIMIT",
            "belowStopPrice": "1.5",
            "belowPrice": "1.49",
            "belowTimeInForce": "GTC",
            "method": "orderList.place.oco",
            "lastPrice": "2",
        }
        rows: list[dict[str, Any]] = [
            oco,
            {**oco, "abovePrice": "3"},
            {**LIMIT, "price": "1.5", "quantity": "0.5", "method": "order.place"},
        ]
        got = check_table(table_of(rows), INFO).to_pylist()
        for row, verdict in zip(rows, got, strict=True):
            params = {k: v for k, v in row.items() if k not in ("method", "lastPrice")}
            context = {"lastPrice": row["lastPrice"]} if "lastPrice" in row else None
            want = evaluate(INFO, params, context, method=row["method"])
            assert verdict["accepted"] == want.accepted
            assert [(v["code"], v["filterType"], v["leg"]) for v in verdict["violations"]] == [
                (v.code, v.filter_type, v.leg) for v in want.violations
            ]
        assert ("PRICE_FILTER", "above") in {
            (v["filterType"], v["leg"]) for v in got[0]["violations"]
        }
        assert got[1]["accepted"] is True

    def test_bad_arguments(self, tmp_path: Path) -> None:
        table = table_of(limit_rows(3))
        with pytest.raises(TypeError, match="orders: expected a pyarrow Table"):
            check_table([{"symbol": "XY"}], INFO)
        with pytest.raises(TypeError, match="rules: expected an ExchangeInfo or a SnapshotCache"):
            check_table(table, "info.json")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="no column 'id' in the orders"):
            check_table(table, INFO, keep=["id"])
        with pytest.raises(ValueError, match="name the time_column"):
            check_table(table, SnapshotCache(tmp_path))


OLD_MS = 1622505600000  # 2021-06-01: PRICE_FILTER's grid starts at minPrice (D17)
NEW_MS = 1685577600000  # 2023-06-01: the grid starts at 0


class TestSnapshotPerRow:
    """With a cache and a time column, each row is judged by the snapshot in force then."""

    @pytest.fixture
    def cache(self, tmp_path: Path) -> SnapshotCache:
        cache = SnapshotCache(tmp_path)
        pf = {"filterType": "PRICE_FILTER", "minPrice": "0.005", "maxPrice": "1000"}
        symbol = {
            "symbol": "XY",
            "status": "TRADING",
            "baseAsset": "X",
            "quoteAsset": "Y",
            "orderTypes": ["LIMIT", "MARKET"],
            "filters": [{**pf, "tickSize": "0.01"}],
        }
        for ms in (OLD_MS, OLD_MS + 86_400_000, NEW_MS):
            cache.save({"serverTime": ms, "symbols": [symbol]})
        tighter = {**symbol, "filters": [{**pf, "tickSize": "0.1"}]}
        cache.save({"serverTime": NEW_MS + 86_400_000, "symbols": [tighter]})
        return cache

    def test_each_row_at_its_time(self, cache: SnapshotCache) -> None:
        times = [OLD_MS, NEW_MS, OLD_MS + 5, NEW_MS + 86_400_000, NEW_MS + 3, OLD_MS + 86_400_001]
        prices = ["1.005", "1.005", "1.01", "1.1", "1.01", "1.015"]
        rows = [
            {**LIMIT, "price": p, "quantity": "1", "ts": t}
            for p, t in zip(prices, times, strict=True)
        ]
        table = table_of(rows)
        got = check_table(table, cache, time_column="ts", keep=["ts"]).to_pylist()
        assert [g["ts"] for g in got] == times
        for row, verdict, ms in zip(rows, got, times, strict=True):
            info = cache.load_at(ms)
            params = {k: v for k, v in row.items() if k != "ts"}
            assert {k: v for k, v in verdict.items() if k != "ts"} == expected(info, params)
        # the old era's grid from minPrice accepts 1.005; today's refuses it
        assert [g["accepted"] for g in got] == [True, False, False, True, True, True]

    def test_timestamps(self, cache: SnapshotCache) -> None:
        stamps = pa.array([OLD_MS, NEW_MS], pa.int64()).cast(pa.timestamp("ms", tz="UTC"))
        table = pa.table(
            {
                "symbol": ["XY", "XY"],
                "side": ["BUY", "BUY"],
                "type": ["LIMIT", "LIMIT"],
                "timeInForce": ["GTC", "GTC"],
                "price": ["1.005", "1.005"],
                "quantity": ["1", "1"],
                "at": stamps.cast(pa.timestamp("us", tz="UTC")),
            }
        )
        got = check_table(table, cache, time_column="at")
        assert got["accepted"].to_pylist() == [True, False]

    def test_before_the_first_snapshot(self, cache: SnapshotCache) -> None:
        table = pa.Table.from_pylist([{**LIMIT, "price": "1", "quantity": "1", "ts": 5}])
        with pytest.raises(SnapshotNotFoundError, match=r"^row 0: no snapshot in .* serverTime 5$"):
            check_table(table, cache, time_column="ts")

    def test_null_or_bad_time(self, cache: SnapshotCache) -> None:
        table = pa.Table.from_pylist([{**LIMIT, "ts": OLD_MS}, {**LIMIT, "ts": None}])
        with pytest.raises(ValueError, match="column 'ts', row 1: the time is null"):
            check_table(table, cache, time_column="ts")
        text = pa.Table.from_pylist([{**LIMIT, "ts": "2021-06-01"}])
        with pytest.raises(ValueError, match="column 'ts': expected milliseconds"):
            check_table(text, cache, time_column="ts")


class TestClasses:
    """Rows lacking a context value some rule needs share their class's verdict."""

    def test_each_class_gets_its_own_verdict(self) -> None:
        info = snapshot(
            filters=[
                {
                    "filterType": "PRICE_FILTER",
                    "minPrice": "1",
                    "maxPrice": "1000",
                    "tickSize": "1",
                },
                {"filterType": "LOT_SIZE", "minQty": "1", "maxQty": "100", "stepSize": "1"},
                {"filterType": "PERCENT_PRICE", "multiplierUp": "5", "multiplierDown": "0.2"},
                {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
            ]
        )
        rows = [
            {**LIMIT, "price": "1", "quantity": "1", "openOrders": count, "avgPrice": avg}
            for count, avg in [(None, None), (0, None), (None, "1"), (0, "1"), (None, "100")]
        ]
        stats = BatchStats()
        table = table_of(rows * 3)
        assert_exact(info, table, stats)
        got = check_table(table, info)["unchecked"].to_pylist()[:5]
        assert got == [["PERCENT_PRICE", "MAX_NUM_ORDERS"], ["PERCENT_PRICE"], ["MAX_NUM_ORDERS"],
                       [], ["MAX_NUM_ORDERS"]]  # fmt: skip
        # Five classes (one per null pattern, and price 1 in and out of the band of
        # avgPrice 1 and 100), each judged once by evaluate.
        assert (stats.screened, stats.exact) == (15, 5)
