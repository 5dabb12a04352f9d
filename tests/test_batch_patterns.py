"""rules.batch's pattern classes: one evaluate() per class gives every row of it its own verdict.

A class puts together rows whose values differ (rules/batch/patterns.py says why
their verdicts cannot), so these tests judge tables where many rows share a class:
the realistic workload (every order type, context shape, 40% broken), many
rules.testing orders on one market in any era, every vector of vectors-next with its
method, and values right at the bounds and grids that the classes compare exactly.
"""

from __future__ import annotations

import functools
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, example, given, reject, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from rules.batch import BatchStats, check_batches, check_table
from rules.batch.engine import CONTEXT_COLUMNS
from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.model.load import load_path
from rules.model.models import ExchangeInfo
from rules.testing import BREAKABLE, LAUNCH_MS, markets, orders_from_symbol, server_times
from tests.test_batch import rules_testing_tables, table_of, tables
from tests.test_validate import snapshot

SHARED = Path(__file__).resolve().parents[2] / "shared"
NEXT = json.loads((SHARED / "vectors-next" / "manifest.json").read_text())
FILES = {entry["name"]: entry for entry in NEXT["files"]}
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))


@functools.cache
def _info(path: str) -> ExchangeInfo:
    return load_path(SHARED / path)


def verdict_of(info: ExchangeInfo, row: dict[str, Any]) -> dict[str, Any]:
    """evaluate()'s verdict of a row (nulls not sent; the method column as method=)."""
    sent = {k: v for k, v in row.items() if v is not None and v == v}
    method = sent.pop("method", None)
    context = Context.from_mapping({k: v for k, v in sent.items() if k in CONTEXT_COLUMNS})
    params = {k: v for k, v in sent.items() if k not in CONTEXT_COLUMNS}
    out = evaluate(info, params, context, method=method).to_json()
    for v in out["violations"]:
        v.setdefault("leg", None)  # a list's violation names its leg (D45)
    return out


def assert_exact(info: ExchangeInfo, table: pa.Table, stats: BatchStats) -> None:
    got = check_table(table, info, stats=stats).to_pylist()
    assert got == [verdict_of(info, row) for row in table.to_pylist()]


# --------------------------------------------------------------------------- the workload


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 14])
def test_realistic_workload(seed: int) -> None:
    import workload

    cases = workload.generate(4000, seed=seed)
    rows = [{**case.params, **(case.context or {})} for case in cases]
    info = _info(str(workload.SNAPSHOT.relative_to(SHARED)))
    stats = BatchStats()
    table = table_of(rows)
    assert_exact(info, table, stats)
    # Classes did the work: far fewer evaluate() calls than rows, every kind classed.
    assert stats.exact < stats.rows / 2
    assert stats.screened > stats.rows * 0.98


@pytest.mark.parametrize("count", [300, 1000])
def test_a_test_worked_out_on_rows_of_other_layouts(count: int) -> None:
    """A test worked out on every row reads its slot at the pairs of other layouts
    too: a slot is as wide as the pairs numbered so far, even one last grown to
    its own pairs only (the first 300 or 1,000 rows of the benchmark's table, on a
    snapshot judged for the first time, read past such a slot)."""
    import bench_batch
    import workload

    info = load_path(workload.SNAPSHOT)  # its own memo: the snapshot's first table
    table, _ = bench_batch.workload_table(count)
    assert_exact(info, table.drop_columns(["id"]), BatchStats())


# --------------------------------------------------------------------------- vectors-next


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FILES))
def test_every_vector_of_vectors_next(name: str) -> None:
    entry = FILES[name]
    info = _info(entry["exchange_info"])
    lines = (SHARED / entry["cases"]).read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line, parse_float=Decimal) for line in lines if line.strip()]
    rows = []
    for case in cases:
        row = {**case["params"], **(case.get("context") or {})}
        if "method" in case:
            row["method"] = case["method"]
        try:
            verdict_of(info, row)
        except ValueError:
            continue  # a context the batch refuses with the row's number (test_batch.py)
        rows.append(row)
    stats = BatchStats()
    built = tables(rows)
    assert sum(t.num_rows for t in built) >= len(rows) * 0.95
    for table in built:
        assert_exact(info, table, stats)


# --------------------------------------------------------------------------- rules.testing


@st.composite
def one_market(draw: st.DrawFn) -> tuple[ExchangeInfo, pa.Table]:
    """Up to 60 rules.testing orders on one market of any era (D17): valid, or breaking
    one rule; contexts with keys left out; so that many rows share a class."""
    market = draw(markets(server_times=server_times(min_value=LAUNCH_MS)))
    full = market.context.to_mapping()
    full.pop("permissions", None)  # judged row by row: not what this test is about
    contexts = [
        {k: v for k, v in full.items() if k not in dropped}
        for dropped in draw(
            st.lists(st.sets(st.sampled_from(sorted(full) or ["-"])), min_size=1, max_size=3)
        )
    ]
    rows = []
    for _ in range(draw(st.integers(10, 60))):
        breaking = draw(st.none() | st.sampled_from(sorted(BREAKABLE)))
        try:
            order = draw(
                orders_from_symbol(
                    market.symbol, info=market.info, context=market.context, breaking=breaking
                )
            )
        except InvalidArgument:
            try:
                order = draw(
                    orders_from_symbol(market.symbol, info=market.info, context=market.context)
                )
            except InvalidArgument:  # a market whose context lets no order pass: none here
                reject()
        rows.append({**order.to_params(), **draw(st.sampled_from(contexts))})
    return market.info, table_of(rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_market())
def test_many_orders_on_one_market(case: tuple[ExchangeInfo, pa.Table]) -> None:
    info, table = case
    stats = BatchStats()
    assert_exact(info, table, stats)
    event("rows shared a class" if stats.exact < stats.rows else "no class shared")


# --------------------------------------------------------------------------- at the bounds


def grid() -> ExchangeInfo:
    """A new snapshot object (a run remembers classes per snapshot object)."""
    return snapshot(
        filters=[
            {
                "filterType": "PRICE_FILTER",
                "minPrice": "0.05",
                "maxPrice": "1000",
                "tickSize": "0.05",
            },
            {"filterType": "LOT_SIZE", "minQty": "0.003", "maxQty": "900", "stepSize": "0.003"},
            {"filterType": "MARKET_LOT_SIZE", "minQty": "0.01", "maxQty": "50", "stepSize": "0.01"},
            {"filterType": "ICEBERG_PARTS", "limit": 4},
            {
                "filterType": "NOTIONAL",
                "minNotional": "1.5",
                "applyMinToMarket": True,
                "maxNotional": "2000",
                "applyMaxToMarket": True,
                "avgPriceMins": 5,
            },
            {
                "filterType": "PERCENT_PRICE_BY_SIDE",
                "bidMultiplierUp": "1.5",
                "bidMultiplierDown": "0.5",
                "askMultiplierUp": "2",
                "askMultiplierDown": "0.8",
                "avgPriceMins": 5,
            },
            {"filterType": "MAX_POSITION", "maxPosition": "100.5"},
            {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 3},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 2},
        ]
    )


GRID = grid()
_PRICES = [
    "0",
    "0.05",
    "0.04",
    "0.050",
    "0.0500000000001",
    "1000",
    "1000.05",
    "12.35",
    "12.36",
    "10",
    "10.00",
    "5",
    "20",
    "15",
    "15.05",
    "4.95",
    "99999999999999.5",
    "1e3",
    "",
]
_QUANTITIES = [
    "0",
    "0.003",
    "0.0030",
    "0.002",
    "0.3",
    "0.301",
    "0.15",
    "0.1",
    "0.01",
    "50",
    "50.01",
    "899.997",
    "900",
    "900.003",
    "33.333",
    "100.5",
    "100.503",
    "7.5",
]


@st.composite
def bound_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for _ in range(draw(st.integers(20, 80))):
        kind = draw(
            st.sampled_from(
                ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "STOP_LOSS"]
            )
        )
        row: dict[str, Any] = {
            "symbol": "XY",
            "side": draw(st.sampled_from(["BUY", "SELL", "HOLD"])),
            "type": kind,
        }
        if kind != "MARKET":
            row["price"] = draw(st.sampled_from(_PRICES))
        if kind in ("LIMIT", "STOP_LOSS_LIMIT") or draw(st.booleans()):
            row["timeInForce"] = draw(st.sampled_from(["GTC", "IOC", "FOK"]))
        if kind.startswith(("STOP", "TAKE")):
            row["stopPrice"] = draw(st.sampled_from(_PRICES))
        if kind == "MARKET" and draw(st.booleans()):
            row["quoteOrderQty"] = draw(st.sampled_from(_PRICES))
        else:
            row["quantity"] = draw(st.sampled_from(_QUANTITIES))
        if kind.startswith("LIMIT") and draw(st.booleans()):
            row["icebergQty"] = draw(st.sampled_from(_QUANTITIES))
        row["avgPrice"] = draw(st.sampled_from([None, "10", "10.0", "7.5", "0"]))
        row["openOrders"] = draw(st.sampled_from([None, 0, 2, 3]))
        row["openAlgoOrders"] = draw(st.sampled_from([None, 1, 2]))
        row["basePosition"] = draw(st.sampled_from([None, "0", "100.2", "100.5"]))
        rows.append(row)
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bound_rows())
def test_values_at_the_bounds(rows: list[dict[str, Any]]) -> None:
    stats = BatchStats()
    assert_exact(GRID, table_of(rows), stats)
    event("rows shared a class" if stats.exact < stats.rows else "no class shared")


def test_a_non_power_of_ten_grid_is_exact() -> None:
    # 0.05 and 0.003 steps: the remainder on the digits, whatever the decimals written.
    rows = [
        {
            "symbol": "XY",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "price": price,
            "quantity": "0.3",
        }
        for price in ["12.35", "12.350", "12.3500000", "12.36", "12.34999", "0.05", "0.1", "0.15"]
    ]
    stats = BatchStats()
    assert_exact(GRID, table_of(rows * 5), stats)
    got = check_table(table_of(rows), GRID)["accepted"].to_pylist()
    assert got == [True, True, True, False, False, False, False, False]  # band 5..15 (avg None)
    assert stats.exact < stats.rows


# --------------------------------------------------------------------------- methods


def test_method_column() -> None:
    base = {
        "symbol": "XY",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "price": "12.35",
        "quantity": "0.3",
    }
    rows = [
        {**base, "method": method}
        for method in [
            None,
            "order.place",
            "order.test",
            "v3/order.test",
            "sor.order.place",
            "sor.order.test",
            "bogus",
        ]
    ] * 3
    rows += [{**base, "quoteOrderQty": "1", "method": "sor.order.test"}]
    stats = BatchStats()
    assert_exact(GRID, table_of(rows), stats)
    got = check_table(table_of(rows), GRID)["violations"].to_pylist()
    assert got[6][0]["code"] == -1020  # D40
    # D52: SOR does not read quoteOrderQty; D42: a snapshot without sors has no SOR.
    assert [v["code"] for v in got[-1]] == [-1104, -1013]


def test_odd_values_are_judged_alone() -> None:
    rows = [
        {
            "symbol": "XY",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "price": price,
            "quantity": "0.3",
        }
        for price in ["1234567890123.45", "1234567890123.450", "12.35"]  # 15 digits, 16: alone
    ]
    stats = BatchStats()
    fresh = grid()
    assert_exact(fresh, table_of(rows), stats)
    assert (stats.rows, stats.screened, stats.exact) == (3, 2, 3)
    assert np.array_equal(
        check_table(table_of(rows), fresh)["accepted"].to_numpy(zero_copy_only=False),
        [False, False, True],
    )


def _as_dictionaries(table: pa.Table, cut: int) -> pa.Table:
    """The enum and method columns of ``table`` as Arrow dictionaries, in two chunks
    cut at ``cut`` whose dictionaries differ (a Parquet file's, pandas' categories)."""
    from rules.batch.files import DICTIONARY_COLUMNS

    for name in DICTIONARY_COLUMNS:
        if name not in table.column_names or not pa.types.is_string(table[name].type):
            continue
        whole = table[name].combine_chunks()
        parts = [whole.slice(0, cut), whole.slice(cut)]
        column = pa.chunked_array(
            [part.dictionary_encode() for part in parts], pa.dictionary(pa.int32(), pa.string())
        )
        table = table.set_column(table.column_names.index(name), name, column)
    return table


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules_testing_tables(), st.integers(0, 12), st.sampled_from([None, "order.test", "x"]))
def test_dictionary_columns_are_judged_as_their_strings(
    case: tuple[ExchangeInfo, pa.Table], cut: int, method: str | None
) -> None:
    info, table = case
    table = table.append_column("method", pa.array([method] * table.num_rows, pa.string()))
    plain = check_table(table, info)
    coded = check_table(_as_dictionaries(table, min(cut, table.num_rows)), info)
    assert coded.to_pylist() == plain.to_pylist()
    assert coded.to_pylist() == [verdict_of(info, row) for row in table.to_pylist()]


def test_dictionary_columns_of_the_workload() -> None:
    """The realistic workload (many symbols and types a column) as dictionaries."""
    import workload

    cases = workload.generate(1500, seed=5)
    rows = [{**case.params, **(case.context or {})} for case in cases]
    info = _info(str(workload.SNAPSHOT.relative_to(SHARED)))
    table = table_of(rows)
    coded = check_table(_as_dictionaries(table, 700), info)
    assert coded.to_pylist() == check_table(table, info).to_pylist()


# --------------------------------------------------------------------------- reading numbers

_DECIMAL_TEXT = st.from_regex(r"\A[0-9]{1,22}(\.[0-9]{0,22})?\Z") | st.text(
    alphabet="0123456789.e-+ \u0663", max_size=24
)


def _column(
    cells: list[tuple[str | None, bool]], skip: int
) -> tuple[pa.ChunkedArray, list[str | None]]:
    """A string column of ``cells`` (a text, and whether it is hidden: a null whose
    slot keeps the text's bytes, as Arrow allows), sliced after ``skip`` values; and
    the values it holds."""
    texts = ["x"] * skip + [text or "" for text, _ in cells]
    sent = [True] * skip + [text is not None and not hidden for text, hidden in cells]
    full = pa.array(texts, pa.string())
    validity = pa.array(sent, pa.bool_()).buffers()[1]
    array = pa.StringArray.from_buffers(
        len(texts), full.buffers()[1], full.buffers()[2], validity, sent.count(False)
    )
    values = [text if text is not None and not hidden else None for text, hidden in cells]
    return pa.chunked_array([array.slice(skip)]), values


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_DECIMAL_TEXT | st.none(), st.booleans()), min_size=1, max_size=30),
    st.integers(0, 3),
)
def test_decimals_read_as_the_checker_reads_them(
    cells: list[tuple[str | None, bool]], skip: int
) -> None:
    """Mostly sent columns are read in place, mostly null ones by their values; a
    null's slot is never read, whatever bytes it keeps."""
    import re

    from rules.batch.columns import nulls, parse_decimals
    from rules.checker.order import DECIMAL_RANGE

    column, texts = _column(cells, skip)
    parsed = parse_decimals(column, nulls(column, len(texts)), len(texts))
    assert parsed is not None
    for i, text in enumerate(texts):
        legal = text is not None and re.fullmatch(DECIMAL_RANGE, text) is not None
        digits = 0 if text is None else sum(c.isdigit() for c in text)
        assert parsed.present[i] == (legal and digits <= 15)
        if parsed.present[i]:
            assert text is not None
            value = Decimal(text)
            places = -int(value.as_tuple().exponent)
            assert (int(parsed.n[i]), int(parsed.p[i])) == (int(value.scaleb(places)), places)


_PRICE_TEXT = st.from_regex(r"\A[0-9]{1,21}(\.[0-9]{0,21})?\Z") | st.text(
    alphabet="0123456789.e-+ \u0663", max_size=24
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_PRICE_TEXT | st.none(), st.booleans()), min_size=1, max_size=30),
    st.integers(0, 3),
)
def test_context_prices_read_as_the_context_reads_them(
    cells: list[tuple[str | None, bool]], skip: int
) -> None:
    """A context price string is readable exactly where it is a plain decimal of at
    most 20 characters (``^[0-9]{1,20}(\\.[0-9]{1,19})?$``), and then its float64."""
    import re

    from rules.batch.columns import context_price, nulls

    column, texts = _column(cells, skip)
    prices, unread = context_price(column, nulls(column, len(texts)), len(texts))
    for i, text in enumerate(texts):
        plain = text is not None and len(text) <= 20
        plain = plain and re.fullmatch(r"[0-9]{1,20}(\.[0-9]{1,19})?", text or "") is not None
        assert unread[i] == (text is not None and not plain)
        if plain:
            assert prices[i] == float(text or "")
        else:
            assert np.isnan(prices[i])


#: Decimal strings of every shape: plain ones of any length (leading zeros, many
#: digits, huge values), and around them signs, blanks, exponents, stray dots,
#: other digits; the empty string.
_SHAPED_TEXT = st.builds(
    lambda sign, whole, dot, fraction, tail: f"{sign}{whole}{dot}{fraction}{tail}",
    st.sampled_from(["", "", "", "+", "-", " ", "0", "00"]),
    st.from_regex(r"\A[0-9]{0,24}\Z"),
    st.sampled_from(["", ".", ".", "..", ","]),
    st.from_regex(r"\A[0-9]{0,24}\Z"),
    st.sampled_from(["", "", "", "e5", "E-3", " ", "\u0663", "\n"]),
)


def _expected_decimal(text: str | None) -> tuple[bool, int, int]:
    """How the checker reads a decimal parameter: a plain decimal (D29's range) of at
    most 15 digits is read as its digits and places; anything else is judged alone."""
    import re

    from rules.checker.order import DECIMAL_RANGE

    legal = text is not None and re.fullmatch(DECIMAL_RANGE, text) is not None
    if not legal or sum(c.isdigit() for c in text or "") > 15:
        return False, 0, 0
    value = Decimal(text or "")
    places = -int(value.as_tuple().exponent)
    return True, int(value.scaleb(places)), places


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_SHAPED_TEXT | _DECIMAL_TEXT, min_size=1, max_size=12, unique=True),
    st.lists(st.integers(0, 12), min_size=200, max_size=300),
    st.booleans(),
)
def test_repeating_decimals_are_read_by_their_distinct_values(
    distinct: list[str], picks: list[int], dictionary: bool
) -> None:
    """A column whose values repeat (a context price; a Parquet dictionary) is read
    once per distinct value, each row as the value itself would be read: decimals as
    the checker reads them (every shape), context prices as the context does."""
    import re

    from rules.batch.columns import _repeating, context_price, nulls, parse_decimals

    # Each distinct value (or a null) in turn as the picks say: most rows sent.
    texts = [
        distinct[k % (len(distinct) + 1)] if k % (len(distinct) + 1) < len(distinct) else None
        for k in picks
    ]
    array = pa.array(texts, pa.string())
    column = pa.chunked_array(
        [array.dictionary_encode()] if dictionary else [array.slice(0, 70), array.slice(70)]
    )
    n = len(texts)
    assert _repeating(column) is not None
    parsed = parse_decimals(column, nulls(column, n), n)
    prices, unread = context_price(column, nulls(column, n), n)
    assert parsed is not None
    for i, text in enumerate(texts):
        present, digits, places = _expected_decimal(text)
        assert bool(parsed.present[i]) == present
        if present:
            assert (int(parsed.n[i]), int(parsed.p[i])) == (digits, places)
            assert parsed.f[i] == float(text or "")
        plain = text is not None and len(text) <= 20
        plain = plain and re.fullmatch(r"[0-9]{1,20}(\.[0-9]{1,19})?", text or "") is not None
        assert bool(unread[i]) == (text is not None and not plain)
        if plain:
            assert prices[i] == float(text or "")
        else:
            assert np.isnan(prices[i])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_SHAPED_TEXT | st.none(), st.booleans()), min_size=1, max_size=30),
    st.integers(0, 3),
)
def test_decimals_of_every_shape(cells: list[tuple[str | None, bool]], skip: int) -> None:
    """Signs, blanks, exponents, leading zeros, too many digits, huge values: a
    decimal is read (digits, places, its float64) exactly where the checker reads
    it as a plain decimal of at most 15 digits; the rest is judged alone."""
    from rules.batch.columns import nulls, parse_decimals

    column, texts = _column(cells, skip)
    parsed = parse_decimals(column, nulls(column, len(texts)), len(texts))
    assert parsed is not None
    for i, text in enumerate(texts):
        present, digits, places = _expected_decimal(text)
        assert bool(parsed.present[i]) == present
        if present:
            assert (int(parsed.n[i]), int(parsed.p[i])) == (digits, places)
            assert parsed.f[i] == float(text or "")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_SHAPED_TEXT | st.none(), st.booleans()), min_size=1, max_size=30),
    st.integers(0, 3),
)
def test_a_mostly_null_column_is_its_values_sent(
    cells: list[tuple[str | None, bool]], skip: int
) -> None:
    """The strings sent of a column, taken without copying their bytes when the
    nulls' slots hold none, are Arrow's ``drop_null`` of it (a hidden null's bytes
    never read)."""
    import pyarrow.compute as pc

    from rules.batch.columns import _compact, nulls

    column, texts = _column(cells, skip)
    array = column.chunk(0)
    sent = np.flatnonzero(~nulls(column, len(texts)))
    taken = _compact(array, sent)
    taken.validate(full=True)
    assert taken.to_pylist() == pc.drop_null(array).to_pylist()
    assert taken.to_pylist() == [t for t in texts if t is not None]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2**62 - 1), st.integers(0, 3), st.integers(-5, 2**40)),
        min_size=1,
        max_size=40,
    ),
    st.lists(st.booleans(), max_size=40),
)
def test_classes_are_the_rows_of_equal_keys(
    rows: list[tuple[int, int, int]], odd: list[bool]
) -> None:
    """Rows share a class exactly when every part of their keys is equal (parts
    too wide for one int64 together are renumbered first); odd rows have none."""
    from rules.batch.patterns import _classes, _Rows

    gathered = _Rows(len(rows))
    gathered.keys = [np.array(part, dtype=np.int64) for part in zip(*rows, strict=True)]
    gathered.odd = np.array([i < len(odd) and odd[i] for i in range(len(rows))])
    classes = _classes(gathered, ("header",))
    seen: dict[tuple[int, int, int], int] = {}
    for i, key in enumerate(rows):
        if gathered.odd[i]:
            assert classes.of_row[i] == -1
            continue
        assert classes.of_row[i] == seen.setdefault(key, len(seen))
    assert [rows[i] for i in classes.first.tolist()] == list(seen)
    assert classes.keys == [(("header",), *key) for key in seen]


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=Decimal("1e25"), allow_nan=False, allow_infinity=False))
@example(Decimal("0.000"))
@example(Decimal("1.2300"))
@example(Decimal("5E+3"))
def test_a_filters_numbers_are_scaled_exactly(value: Decimal) -> None:
    """A bound is its digits and places (trailing zeros dropped), a step its digits
    and places on a whole grid; a number that does not fit is refused (its pair odd)."""
    from rules.batch.folds import _grid, _NoFit, _scaled

    # A zero keeps its places as written (nothing to drop).
    exponent = int((value.normalize() if value else value).as_tuple().exponent)
    digits = int(value.scaleb(-exponent)) if value else 0
    places = max(0, -exponent)
    whole = digits * 10 ** max(0, exponent)
    try:
        n, p, f = _scaled(value)
    except _NoFit:
        assert whole >= 2**62 or places > 18
    else:
        assert (n, p, f) == (whole, places, float(value))
    try:
        m, e = _grid(value)
    except _NoFit:
        assert whole >= 2**31 or places > 18
    else:
        assert (m, e) == (whole, places)


# --------------------------------------------------------------------------- streaming


def test_a_parquet_file_is_judged_in_flat_memory(tmp_path: Path) -> None:
    """Arrow's memory after the last batch is what it was after the first: nothing of a
    batch is kept (pyarrow's pre-buffered reads kept every row group read). Both
    pools count: the verdicts are built in the system pool (rules.batch.engine)."""

    import pyarrow.parquet as pq

    def arrow_bytes() -> int:
        return int(pa.total_allocated_bytes()) + int(pa.system_memory_pool().bytes_allocated())

    from rules.batch.files import check_parquet_file

    base = {"symbol": "XY", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
    rows = [
        {**base, "price": f"{1 + i % 997}.{i % 20:02d}", "quantity": "0.3"} for i in range(4000)
    ]
    table = table_of(rows)
    source = tmp_path / "orders.parquet"
    with pq.ParquetWriter(source, table.schema) as writer:
        for _ in range(25):  # 100,000 rows in 50 row groups
            writer.write_table(table, row_group_size=2000)
    seen: list[int] = []
    check_parquet_file(
        str(source),
        str(tmp_path / "verdicts.parquet"),
        GRID,
        batch_rows=2000,
        progress=lambda _: seen.append(arrow_bytes()),
    )
    assert len(seen) == 50
    assert max(seen[10:]) <= seen[5] + 256 * 1024


def test_a_parquet_file_reads_its_enums_as_dictionaries(tmp_path: Path) -> None:
    """The enum columns are read as dictionaries (their codes used), a kept one as
    written; the verdicts are the table's."""
    import pyarrow.parquet as pq
    import workload

    from rules.batch.files import check_parquet_file

    cases = workload.generate(1200, seed=8)
    table = table_of([{**case.params, **(case.context or {})} for case in cases])
    info = _info(str(workload.SNAPSHOT.relative_to(SHARED)))
    source, target = tmp_path / "orders.parquet", tmp_path / "verdicts.parquet"
    pq.write_table(table, source, row_group_size=500)
    check_parquet_file(str(source), str(target), info, keep=["side"], batch_rows=400)
    written = pq.read_table(target)
    assert written.schema.field("side").type == pa.string()
    assert written.to_pylist() == check_table(table, info, keep=["side"]).to_pylist()


def test_eras_do_not_share_verdicts(tmp_path: Path) -> None:
    """Two snapshots with the same rules in two eras (D17): -1111 is worded by era (D38)."""
    from rules.edge.cache import SnapshotCache

    cache = SnapshotCache(tmp_path)
    symbol = {
        "symbol": "XY",
        "status": "TRADING",
        "baseAsset": "X",
        "quoteAsset": "Y",
        "quoteAssetPrecision": 2,
        "orderTypes": ["LIMIT"],
        "filters": [
            {
                "filterType": "PRICE_FILTER",
                "minPrice": "0.01",
                "maxPrice": "1000",
                "tickSize": "0.001",
            }
        ],
    }
    before, after = 1685577600000, 1717200000000  # 2023-06-01, 2024-06-01
    for ms in (before, before + 1, after, after + 1):
        cache.save({"serverTime": ms, "symbols": [symbol]})
    base = {"symbol": "XY", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "1"}
    times = [before, after, before + 1, after + 1] * 3
    rows = [{**base, "price": "1.005", "ts": t} for t in times]
    got = check_table(table_of(rows), cache, time_column="ts")["violations"].to_pylist()
    messages = [v[0]["msg"] for v in got]
    for ms, msg in zip(times, messages, strict=True):
        info = cache.load_at(ms)
        want = evaluate(info, {k: v for k, v in rows[0].items() if k != "ts"}).violations[0].msg
        assert msg == want
    assert len(set(messages)) == 2


def test_unread_names_are_classed_by_being_sent() -> None:
    # D52: -1104 names the unread names and counts the names sent; nothing else of them.
    base = {"symbol": "XY", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
    rows = [
        {**base, "price": f"12.{35 + i % 3}", "quantity": "0.3", "ts": ts, "note": note}
        for i, (ts, note) in enumerate([(1, None), (None, ""), (2, "x"), (None, None)] * 6)
    ]
    stats = BatchStats()
    assert_exact(GRID, table_of(rows), stats)
    assert stats.exact < stats.rows / 2


def test_threads_share_a_snapshot() -> None:
    """Tables judged at once in threads against one snapshot (one memo) each get
    evaluate's verdicts."""
    from concurrent.futures import ThreadPoolExecutor

    kinds = ["LIMIT", "MARKET", "STOP_LOSS_LIMIT", "LIMIT_MAKER", "TAKE_PROFIT"]
    tables_ = [
        table_of(
            [
                {
                    "symbol": "XY",
                    "side": "SELL",
                    "type": kinds[(i + j) % 5],
                    "timeInForce": "GTC",
                    "price": f"{5 + j % 11}.{j % 20:02d}",
                    "stopPrice": "10",
                    "quantity": "0.3",
                }
                for j in range(60)
            ]
        )
        for i in range(8)
    ]
    info = GRID
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda t: check_table(t, info).to_pylist(), tables_))
    for table, got in zip(tables_, results, strict=True):
        assert got == [verdict_of(info, row) for row in table.to_pylist()]


@pytest.mark.slow
def test_slices_judged_in_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table of many slices judged by threads sharing one (new) memo: each row its
    own evaluate() verdict, in row order; the counts those of one thread."""
    import workload

    from rules.batch import engine

    cases = workload.generate(3000, seed=5)
    table = table_of([{**case.params, **(case.context or {})} for case in cases])
    info = load_path(workload.SNAPSHOT)  # a new snapshot: its memo starts empty
    monkeypatch.setattr(engine, "SLICE_ROWS", 97)
    threaded, alone = BatchStats(), BatchStats()
    got = check_table(table, info, stats=threaded, threads=3).to_pylist()
    assert got == [verdict_of(info, row) for row in table.to_pylist()]
    assert check_table(table, info, stats=alone, threads=1).to_pylist() == got
    assert (threaded.rows, threaded.screened) == (alone.rows, alone.screened)
    assert threaded.rows == 3000


def test_batches_judged_in_threads_stay_in_order() -> None:
    """check_batches gives one verdict table per batch in order, whatever thread
    judged it; a bad batch's error reaches the caller at its turn."""
    rows = [
        {
            "symbol": "XY",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "price": f"{5 + i % 11}.{i % 20:02d}",
            "quantity": "0.3",
        }
        for i in range(200)
    ]
    table = table_of(rows)
    batches = [table.slice(start, 23) for start in range(0, 200, 23)]
    out = list(check_batches(batches, GRID, threads=4))
    assert [t.num_rows for t in out] == [b.num_rows for b in batches]
    assert pa.concat_tables(out).to_pylist() == [verdict_of(GRID, row) for row in rows]
    bad = table.slice(0, 5).append_column("openOrders", pa.array(["x"] * 5))
    got = check_batches([batches[0], bad.drop_columns(["openOrders"]), bad], GRID, threads=2)
    assert next(got).num_rows == 23
    assert next(got).num_rows == 5
    with pytest.raises(ValueError, match="openOrders"):
        next(got)
