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

from rules.batch import VERDICT_SCHEMA, BatchStats, check_batches, check_table
from rules.batch.screen import CONTEXT_COLUMNS
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
    context = {k: v for k, v in row.items() if k in CONTEXT_COLUMNS and v is not None}
    params = {k: v for k, v in row.items() if k not in CONTEXT_COLUMNS and v is not None}
    verdict = evaluate(info, params, Context.from_mapping(context)).to_json()
    for v in verdict["violations"]:
        v["leg"] = None
    return verdict


def assert_exact(info: ExchangeInfo, table: pa.Table, stats: BatchStats | None = None) -> None:
    out = check_table(table, info, stats=stats)
    assert out.schema == VERDICT_SCHEMA
    assert out.num_rows == table.num_rows
    got = out.to_pylist()
    want = [expected(info, row) for row in table.to_pylist()]
    assert got == want


def tables(rows: Sequence[dict[str, Any]]) -> list[pa.Table]:
    """The rows as few tables as Arrow allows (a column holds one type)."""
    groups: dict[tuple[object, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted((k, type(v).__name__) for k, v in row.items()))].append(row)
    out = []
    for group in groups.values():
        try:
            out.append(pa.Table.from_pylist(group))
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
        except Exception:  # noqa: BLE001 - a rule this symbol cannot break: a valid order
            order = draw(
                orders_from_symbol(market.symbol, info=market.info, context=market.context)
            )
        dropped = draw(st.sets(st.sampled_from(sorted(full))) if full else st.just(set()))
        rows.append({**order.to_params(), **{k: v for k, v in full.items() if k not in dropped}})
    built = tables(rows)
    return market.info, built[0] if len(built) == 1 else pa.Table.from_pylist(rows)


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
