"""The checker's fast path (rules/checker/fastpath.py) never disagrees with the general path.

The fast path restates the filters' rules as bounds (the folds next to each
check in rules/checker/*_filters.py). These tests are what keeps that restatement honest:
over every real snapshot in ``shared/data/exchange_info``, orders built on and
around each symbol's limits (grid points, one tick off, the exact bounds, the
market-price bands' edges, the open-order limits, extra and malformed params)
get exactly the verdict of the general path, and the fast path does fire.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal, Inexact, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from rules.checker.bounds import FOLDS
from rules.checker.context import Context
from rules.checker.evaluate import _fast_verdict, _general_verdict, evaluate, is_valid
from rules.checker.fastpath import ContextWanted, FiltersOnly, grid_pattern
from rules.checker.filters import FILTER_CHECKS, check_unknown
from rules.checker.order import ParsedOrder, read_decimal, read_order, read_well_formed
from rules.checker.plans import plan_of as _plan
from rules.checker.violations import ACCEPTED, Verdict
from rules.model.load import load_path, loads
from rules.model.models import (
    ExchangeInfo,
    LotSizeFilter,
    MaxNumAlgoOrdersFilter,
    MaxNumOrdersFilter,
    PercentPriceBySideFilter,
    PercentPriceFilter,
    PriceFilter,
    SymbolInfo,
)
from rules.model.numbers import CONTEXT

SNAPSHOTS = sorted(
    (Path(__file__).resolve().parents[3] / "shared" / "data" / "exchange_info").glob("*.json")
)


@functools.cache
def _load(path: Path) -> ExchangeInfo:
    return load_path(path)


@functools.cache
def _fast_symbols(path: Path) -> tuple[str, ...]:
    """The symbols of a snapshot that have a fast path for some type."""
    info = _load(path)
    plans = _plan(info)
    return tuple(
        s.symbol
        for s in info.symbols
        if (plan := plans.symbol(info, s.symbol))
        and any(plan.fast_check(name) for name in list(plan.fast))
    )


def _text(value: Decimal) -> str:
    return format(value, "f")


def _divide(a: Decimal, b: Decimal) -> Decimal | None:
    try:
        return CONTEXT.divide(a, b) if b else None
    except (Inexact, InvalidOperation):
        return None


def _near(value: Decimal, step: Decimal | None) -> Iterator[Decimal]:
    """``value`` and its neighbours: one step either side, a tenth of a step off."""
    yield value
    if step:
        yield CONTEXT.add(value, step)
        if value >= step:
            yield CONTEXT.subtract(value, step)
        yield CONTEXT.add(value, CONTEXT.divide(step, 10))


def _candidates(low: Decimal, high: Decimal, step: Decimal | None) -> list[Decimal]:
    """Values on and around a range's interesting points."""
    points = [low, high] if high else [low]
    if step:
        points.append(CONTEXT.multiply(step, 7))
        if high:
            middle = CONTEXT.divide(CONTEXT.add(low, high), 2)
            points.append(CONTEXT.multiply(CONTEXT.divide_int(middle, step), step))
    return [v for p in points for v in _near(p, step) if v >= 0]


@st.composite
def cases(draw: st.DrawFn) -> tuple[ExchangeInfo, dict[str, Any], Context]:
    path = draw(st.sampled_from(SNAPSHOTS))
    info = _load(path)
    names = _fast_symbols(path)
    pick_fast = draw(st.integers(0, 9)) > 0
    if names and pick_fast:
        name = draw(st.sampled_from(names))
    else:
        name = info.symbols[draw(st.integers(0, len(info.symbols) - 1))].symbol
    symbol: SymbolInfo = info[name]
    pf, ls = symbol.filter(PriceFilter), symbol.filter(LotSizeFilter)
    tick = pf.tick_size if pf else None
    step = ls.step_size if ls else None
    prices = _candidates(pf.min_price, pf.max_price, tick) if pf else [Decimal("1.5")]
    quantities = _candidates(ls.min_qty, ls.max_qty, step) if ls else [Decimal("2")]
    price = draw(st.sampled_from(prices))
    quantity = draw(st.sampled_from(quantities))
    if draw(st.booleans()):
        # A quantity at the notional bounds for this price, when it falls exactly.
        for value in (Decimal(10), Decimal(5), Decimal("0.001"), Decimal(100)):
            if (q := _divide(value, price)) is not None and draw(st.booleans()):
                quantity = q

    params: dict[str, Any] = {
        "symbol": name,
        "side": draw(st.sampled_from(["BUY", "SELL"] * 4 + ["buy", ""])),
        "type": draw(
            st.sampled_from(
                [
                    *("LIMIT", "LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS"),
                    *("STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"),
                ]
            )
        ),
        "price": _text(price),
        "quantity": _text(quantity),
    }
    if params["type"].endswith("_LIMIT") and draw(st.integers(0, 9)):
        # The fast path's stop shape: a stopPrice on and around the price grid.
        params["stopPrice"] = _text(draw(st.sampled_from(prices)))
    if params["type"] != "LIMIT_MAKER" or draw(st.integers(0, 9)) == 0:
        params["timeInForce"] = draw(st.sampled_from(["GTC", "IOC", "FOK", "GTX", ""]))
    # Variants of the strings read_decimal accepts or refuses.
    for key in ("price", "quantity"):
        if draw(st.integers(0, 3)):
            continue
        params[key] = draw(
            st.sampled_from(
                [
                    params[key] + "0",
                    "0" + params[key],
                    params[key] + ".",
                    "." + params[key],
                    params[key].partition(".")[0] + ".",
                    "." + params[key].replace(".", ""),
                    " " + params[key],
                    params[key].replace(".", ","),
                    _text(Decimal(params[key]).normalize()).replace("E", "e"),
                    "-" + params[key],
                    "+" + params[key],
                    "1e3",
                    "NaN",
                    "١",
                    "1_0",
                    "",
                    "12345678901234567890.5",
                    "1" * 21,
                ]
            )
            | st.text(alphabet="0123456789.٠ +-eE_", max_size=8)
        )
    if draw(st.integers(0, 9)) == 0:
        params[key] = Decimal(_text(quantity)) if draw(st.booleans()) else 7
    extras = {
        "timestamp": 1691945251489,
        "apiKey": "k",
        "recvWindow": "",
        "signature": None,
        "newClientOrderId": draw(st.sampled_from(["abc", "x" * 37, "a b", "é", "x-_1", 7, ["id"]])),
        "icebergQty": draw(
            st.sampled_from(["0", _text(quantity), _text(CONTEXT.divide(quantity, 10))])
        ),
        "stopPrice": _text(price),
        "selfTradePreventionMode": "NONE",
        "strategyType": 1000000,
    }
    for key in (
        draw(st.sets(st.sampled_from(sorted(extras)), max_size=3)) if draw(st.booleans()) else ()
    ):
        params[key] = extras[key]

    if params["type"] == "MARKET" and draw(st.integers(0, 9)):
        # The MARKET shapes: by quantity, or by a quoteOrderQty around the notional bounds.
        params.pop("price", None)
        if draw(st.booleans()):
            quote = draw(
                st.sampled_from(["5", "10", "10.00", "0.001", "9.99999999", "1000000", "0"])
            )
            params["quoteOrderQty"] = draw(
                st.sampled_from([quote, _text(CONTEXT.multiply(price, quantity))])
            )
            if draw(st.integers(0, 4)):
                params.pop("quantity", None)
    # Market prices at the edges of the symbol's bands for this price, and counts
    # around the symbol's open-order limit.
    market: list[Decimal | None] = [None, price, CONTEXT.multiply(price, 2)]
    for f in symbol.filters:
        if isinstance(f, PercentPriceFilter):
            multipliers = [f.multiplier_up, f.multiplier_down]
        elif isinstance(f, PercentPriceBySideFilter):
            multipliers = [f.bid_multiplier_up, f.bid_multiplier_down]
            multipliers += [f.ask_multiplier_up, f.ask_multiplier_down]
        else:
            continue
        for m in multipliers:
            if (edge := _divide(price, m)) is not None:
                market += [edge, CONTEXT.add(edge, Decimal("0.00000001"))]
    limit = next((f.max_num_orders for f in symbol.filters if isinstance(f, MaxNumOrdersFilter)), 5)
    counts = st.sampled_from([None, 0, max(limit - 1, 0), limit])
    algo_limit = next(
        (f.max_num_algo_orders for f in symbol.filters if isinstance(f, MaxNumAlgoOrdersFilter)), 5
    )
    algo_counts = st.sampled_from([None, 0, max(algo_limit - 1, 0), algo_limit])
    context = Context(
        avg_price=draw(st.sampled_from(market)),
        reference_price=draw(st.sampled_from([None, None, *market])),
        last_price=draw(st.sampled_from(market)),
        open_orders=draw(counts),
        open_algo_orders=draw(algo_counts),
        exchange_open_orders=draw(st.sampled_from([None, None, 0, 10**6])),
        base_position=draw(st.sampled_from([None, Decimal(0)])),
        permissions=draw(
            st.sampled_from([None, None, frozenset({"SPOT"}), frozenset({"MARGIN"}), frozenset()])
        ),
    )
    return info, params, context


def assert_same_reading(fast: ParsedOrder, general: ParsedOrder) -> None:
    """The same values, of the same types and digits (``1.0`` is not ``1.00``, D39),
    and nothing more: no problem, nothing unread."""
    assert {k: (type(v), str(v)) for k, v in fast.__dict__.items()} == {
        k: (type(v), str(v)) for k, v in general.__dict__.items()
    }


@settings(max_examples=300)
@given(cases())
def test_fast_path_gives_the_general_verdict(
    case: tuple[ExchangeInfo, dict[str, Any], Context],
) -> None:
    info, params, context = case
    general = _general_verdict(info, params, context)
    fast = _fast_verdict(info, params, context)
    answer = _raw_answer(info, params, context)
    event("general path" if fast is None else "fast path")
    if isinstance(answer, FiltersOnly):
        # Only the context's rules and the filters judge it (judge_filters); evaluate
        # below must still give the general verdict, a rejection or not.
        event("filters path, rejected" if not general.accepted else "filters path, accepted")
        assert_same_reading(read_well_formed(params), read_order(params))
    if fast is not None:
        assert fast == general
    assert evaluate(info, params, context) == general
    assert is_valid(info, params, context) is general.accepted


def test_every_check_but_unknown_has_a_fold() -> None:
    """A check without a fold silently disables the fast path for its symbols: say so here."""
    assert {c for c in FILTER_CHECKS.values() if c not in FOLDS} == {check_unknown}
    assert set(FOLDS) <= set(FILTER_CHECKS.values())


@pytest.mark.slow
@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: p.stem)
def test_boundary_orders_on_every_symbol(path: Path) -> None:
    """Every fast symbol of every snapshot, at its limits: the same verdicts both ways."""
    info = _load(path)
    fast_seen = 0
    for name in _fast_symbols(path):
        symbol = info[name]
        pf, ls = symbol.filter(PriceFilter), symbol.filter(LotSizeFilter)
        prices = _candidates(pf.min_price, pf.max_price, pf.tick_size) if pf else [Decimal(1)]
        quantities = _candidates(ls.min_qty, ls.max_qty, ls.step_size) if ls else [Decimal(1)]
        for i, price in enumerate(prices):
            quantity = quantities[i % len(quantities)]
            if i % 2 and (fitting := _divide(Decimal(20), price)) is not None:
                quantity = fitting  # a notional of 20, within most NOTIONAL ranges
            params = {
                "symbol": name,
                "side": ("BUY", "SELL")[i % 2],
                "type": "LIMIT",
                "timeInForce": "GTC",
                "price": _text(price),
                "quantity": _text(quantity),
            }
            context = Context(avg_price=price, open_orders=0) if i else Context()
            general = _general_verdict(info, params, context)
            fast = _fast_verdict(info, params, context)
            fast_seen += fast is not None
            assert fast is None or fast == general, params
            assert evaluate(info, params, context) == general, params
    if _fast_symbols(path):
        assert fast_seen, "the fast path never fired"


_KINDS = (
    "LIMIT",
    "STOP_LOSS_LIMIT",
    "MARKET",
    "TAKE_PROFIT_LIMIT",
    "LIMIT_MAKER",
    "MARKET quoteOrderQty",
    "LIMIT iceberg",
    "LIMIT_MAKER iceberg",
)


def _raw_answer(
    info: ExchangeInfo, params: dict[str, Any], context: Context
) -> Verdict | FiltersOnly | None:
    """The fast check's own answer (a Verdict, FILTERS or None), with its plan built."""
    evaluate(info, params, context)
    plan = _plan(info).symbols.get(params.get("symbol"))  # type: ignore[arg-type]
    fast = None if plan is None else plan.fast_answers.get(params.get("type"))  # type: ignore[arg-type]
    answer = None if fast is None else fast(params, context)
    assert not isinstance(answer, ContextWanted)  # a Context is never asked for again
    return answer


def _shapes_and_types(path: Path, every: int) -> tuple[int, set[tuple[str, bool | str]]]:
    """Orders of every fast type in every context shape on every ``every``-th fast symbol.

    Asserts the fast verdict is the general one; returns how many the fast path
    judged and which (type, unchecked-or-not) pairs it answered; ``(type,
    "filters")`` when it sent a rejected order of the type to ``judge_filters``.
    """
    info = _load(path)
    shapes: list[Callable[[Decimal], Context]] = [
        lambda price: Context(),
        lambda price: Context(avg_price=price),
        lambda price: Context(
            avg_price=price, open_orders=0, open_algo_orders=0, open_iceberg_orders=0
        ),
        lambda price: Context(avg_price=price, open_orders=0, permissions=frozenset({"TRD_GRP_X"})),
    ]
    seen: set[tuple[str, bool | str]] = set()
    fast_seen = 0
    for n, name in enumerate(_fast_symbols(path)[::every]):
        symbol = info[name]
        pf, ls = symbol.filter(PriceFilter), symbol.filter(LotSizeFilter)
        prices = _candidates(pf.min_price, pf.max_price, pf.tick_size) if pf else [Decimal(1)]
        quantities = _candidates(ls.min_qty, ls.max_qty, ls.step_size) if ls else [Decimal(1)]
        for i, price in enumerate(prices):
            quantity = quantities[i % len(quantities)]
            if i % 2 and (fitting := _divide(Decimal(20), price)) is not None:
                quantity = fitting
            for j, shape in enumerate(shapes):
                kind = _KINDS[(i + j + n) % len(_KINDS)]
                params = {
                    "symbol": name,
                    "side": ("BUY", "SELL")[i % 2],
                    "type": kind,
                    "price": _text(price),
                    "quantity": _text(quantity),
                }
                if kind in ("LIMIT", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT", "LIMIT iceberg"):
                    params["timeInForce"] = "GTC"
                if kind in ("STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"):
                    params["stopPrice"] = _text(prices[(i + 1) % len(prices)])
                if kind.startswith("MARKET"):
                    params["type"] = "MARKET"
                    del params["price"]
                if kind.endswith("iceberg"):
                    params["type"] = kind.split()[0]
                    # A tenth of the quantity, on the step when the step allows it.
                    params["icebergQty"] = _text(
                        CONTEXT.multiply(CONTEXT.divide_int(quantity, step * 10), step)
                        if (step := ls.step_size if ls else None)
                        else CONTEXT.divide(quantity, 10)
                    )
                if kind == "MARKET quoteOrderQty":
                    params["quoteOrderQty"] = _text(CONTEXT.multiply(price, quantity))
                    del params["quantity"]
                context = shape(price)
                general = _general_verdict(info, params, context)
                fast = _fast_verdict(info, params, context)
                assert fast is None or fast == general, (params, context)
                assert evaluate(info, params, context) == general, params
                if fast is not None:
                    fast_seen += 1
                    seen.add((kind, bool(fast.unchecked)))
                elif (
                    isinstance(_raw_answer(info, params, context), FiltersOnly)
                    and not general.accepted
                ):
                    seen.add((kind, "filters"))
    return fast_seen, seen


def test_every_fast_type_and_context_shape() -> None:
    """STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT with a stopPrice, and contexts without
    avgPrice, a count or known permissions: the fast path answers them too (with
    the general path's ``unchecked``), and always as the general path does."""
    path = next(p for p in SNAPSHOTS if "2023-08" in p.stem)
    fast_seen, seen = _shapes_and_types(path, every=20)
    assert fast_seen > 100
    for kind in _KINDS:
        assert (kind, True) in seen, kind
        assert (kind, False) in seen, kind
        assert (kind, "filters") in seen, kind  # rejections judged by judge_filters


@pytest.mark.slow
@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: p.stem)
def test_every_fast_type_and_context_shape_on_every_snapshot(path: Path) -> None:
    _shapes_and_types(path, every=4)


def _odd_steps_info(
    tick: str,
    step: str,
    min_price: str = "0.10",
    min_qty: str = "0.3",
    server_time: int = 1691945251489,
) -> ExchangeInfo:
    filters = [
        {"filterType": "PRICE_FILTER", "minPrice": min_price, "maxPrice": "1000", "tickSize": tick},
        {"filterType": "LOT_SIZE", "minQty": min_qty, "maxQty": "90", "stepSize": step},
        {"filterType": "PERCENT_PRICE_BY_SIDE", "bidMultiplierUp": "5", "bidMultiplierDown": "0.2",
         "askMultiplierUp": "1.5", "askMultiplierDown": "0.5", "avgPriceMins": 5},
        {"filterType": "NOTIONAL", "minNotional": "1.5", "applyMinToMarket": True,
         "maxNotional": "2000", "applyMaxToMarket": False, "avgPriceMins": 5},
    ]  # fmt: skip
    symbol = {"symbol": "X", "status": "TRADING", "baseAsset": "A", "quoteAsset": "B",
              "filters": filters}  # fmt: skip
    if min_price == "0":
        del filters[2:]  # no band, no NOTIONAL: only D37 stands against a zero price
    return loads(json.dumps({"serverTime": server_time, "symbols": [symbol]}))


@pytest.mark.parametrize(
    ("tick", "step", "low"),
    [
        ("0.05", "0.3", "0.10"),
        ("0.25", "0.01", "0.10"),
        ("10", "1.5", "0.10"),
        ("0.01", "0.3", "0"),
    ],
)
def test_steps_that_are_not_powers_of_ten(tick: str, step: str, low: str) -> None:
    """The remainder path of the fast check (no real symbol of the snapshots has it on
    both), and D37 alone (a zero price with no minimum price nor notional)."""
    info = _odd_steps_info(tick, step, low)
    prices = _candidates(Decimal(low), Decimal(1000), Decimal(tick))
    quantities = _candidates(Decimal("0.3"), Decimal(90), Decimal(step))
    fast_seen = 0
    for price in [*prices, Decimal("2.5"), Decimal("20"), Decimal("7.75")]:
        for quantity in [*quantities, Decimal("0.6"), Decimal("3"), Decimal("1.5")]:
            for side in ("BUY", "SELL"):
                params = {"symbol": "X", "side": side, "type": "LIMIT_MAKER",
                          "price": _text(price), "quantity": _text(quantity)}  # fmt: skip
                context = Context(avg_price=Decimal("5"))
                general = _general_verdict(info, params, context)
                fast = _fast_verdict(info, params, context)
                fast_seen += fast is not None
                assert fast is None or fast == general, params
                assert evaluate(info, params, context) == general, params
    assert fast_seen


@pytest.mark.parametrize(
    ("min_price", "min_qty"),
    [("0.015", "0.3"), ("0.02", "0.35"), ("0.015", "0.35"), ("0.02", "0.3")],
)
def test_old_era_grids_from_the_minimum(min_price: str, min_qty: str) -> None:
    """Before 2022/2023 the grids start at the minimum (D17); the fast path takes them
    only when the minimum is on the grid, where both grids are the same."""
    info = _odd_steps_info("0.01", "0.1", min_price, min_qty, server_time=1622505600000)
    fast_seen = 0
    for price in ("0.025", "0.03", "0.02", "0.035", "1.005", "1.01", "2.5"):
        for quantity in ("0.35", "0.4", "0.3", "1.05", "1.1", "2"):
            params = {"symbol": "X", "side": "BUY", "type": "LIMIT_MAKER",
                      "price": price, "quantity": quantity}  # fmt: skip
            context = Context(avg_price=Decimal("0.5"))
            general = _general_verdict(info, params, context)
            fast = _fast_verdict(info, params, context)
            fast_seen += fast is not None
            assert fast is None or fast == general, params
            assert evaluate(info, params, context) == general, params
    if min_price == "0.02" and min_qty == "0.3":
        assert fast_seen


_ODD_QUANTITIES = [
    "0.5",
    "1",
    "00.5",
    "0.50",
    ".5",
    "1.",
    "0..5",
    "0.5.",
    "٠.5",
    "１",
    "0.5 ",
    " 0.5",
    "0.5\n",
    "+0.5",
    "-0.5",
    "0.5e0",
    "5E-1",
    "0_1",
    "1,5",
    "0x1",
    "Infinity",
    "NaN",
    "0.5000000000000000000",
    "0" * 20 + ".5",
    "0" * 21 + ".5",
    "0." + "5" * 20,
    "0." + "5" * 21,
]


@pytest.mark.parametrize("quantity", _ODD_QUANTITIES)
@pytest.mark.parametrize("kind", ["LIMIT", "LIMIT_MAKER"])
def test_numeric_strings_are_read_as_the_general_path_reads_them(quantity: str, kind: str) -> None:
    """The fast path's string test is read_decimal's, not a looser one: an order
    that would be accepted but for its quantity's spelling."""
    info = _load(next(p for p in SNAPSHOTS if p.name == "spot-full-2023-08.json"))
    params = {
        "symbol": "BTCUSDT",
        "side": "SELL",
        "type": kind,
        "price": "29400",
        "quantity": quantity,
    }
    if kind == "LIMIT":
        params["timeInForce"] = "GTC"
    context = Context(avg_price=Decimal("29410.55"), open_orders=3)
    general = _general_verdict(info, params, context)
    fast = _fast_verdict(info, params, context)
    assert fast is None or fast == general
    assert evaluate(info, params, context) == general
    assert evaluate(info, {**params, "price": quantity, "quantity": "1"}, context) == (
        _general_verdict(info, {**params, "price": quantity, "quantity": "1"}, context)
    )


steps = st.one_of(
    st.integers(-22, 3).map(lambda e: Decimal(1).scaleb(e)),
    st.sampled_from(["0.01000000", "1.00", "10", "0.5", "0.025", "0E-8", "100"]).map(Decimal),
)
texts = st.one_of(
    st.text(alphabet="0123456789.", max_size=44),
    st.from_regex(r"[0-9]{1,21}(\.[0-9]{1,21})?", fullmatch=True),
    st.text(alphabet="0123456789.٠ +-eE_\n", max_size=10),
)


@settings(max_examples=1000)
@given(texts, steps)
@example("1." + "0" * 20, Decimal("0.01"))
@example("1." + "0" * 21, Decimal("0.01"))
@example("1.01" + "0" * 18, Decimal("0.01"))
@example("1.01" + "0" * 19, Decimal("0.01"))
@example("7." + "0" * 21, Decimal(1))
@example("0." + "0" * 19 + "1", Decimal("1E-21"))
@example("0." + "0" * 20 + "1", Decimal("1E-21"))
def test_grid_pattern_is_the_decimal_range_and_the_remainder(text: str, step: Decimal) -> None:
    """grid_pattern: exactly DECIMAL_RANGE's strings whose value is on the grid."""
    pattern, left = grid_pattern(step if step else None)
    matcher = re.compile(pattern).fullmatch
    readable = read_decimal(text) is not None
    if left is None and step:
        on_grid = readable and not CONTEXT.remainder(Decimal(text), step)
        assert (matcher(text) is not None) is on_grid
    else:
        assert left == (step if step else None)
        assert (matcher(text) is not None) is readable


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("newClientOrderId", "bot-42"),
        ("newClientOrderId", "x" * 37),
        ("newClientOrderId", "a b"),
        ("newClientOrderId", "é"),
        ("newClientOrderId", 7),
        ("newClientOrderId", ""),
        ("timestamp", 1691945251489),
        ("recvWindow", ""),
        ("apiKey", None),
        ("icebergQty", "0"),
        ("selfTradePreventionMode", "NONE"),
        ("strategyId", 1),
    ],
)
def test_extra_params_of_an_accepted_order(key: str, value: object) -> None:
    """Params the fast path lets through must be ones the general path ignores."""
    info = _load(next(p for p in SNAPSHOTS if p.name == "spot-full-2023-08.json"))
    params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
              "price": "29400.01", "quantity": "0.00150", key: value}  # fmt: skip
    context = Context(avg_price=Decimal("29410.55"), open_orders=3)
    general = _general_verdict(info, params, context)
    fast = _fast_verdict(info, params, context)
    assert fast is None or fast == general
    assert evaluate(info, params, context) == general


def test_the_benchmark_order_takes_the_fast_path() -> None:
    info = _load(next(p for p in SNAPSHOTS if p.name == "spot-full-2023-08.json"))
    params = {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "price": "29400.01",
        "quantity": "0.00150",
    }
    context = Context(avg_price=Decimal("29410.55"), open_orders=3)
    evaluate(info, params, context)  # builds the plans
    assert None is not _fast_verdict(info, params, context)
    assert None is not _fast_verdict(info, {**params, "timestamp": 1, "apiKey": "x"}, context)
    assert None is not _fast_verdict(info, {**params, "newClientOrderId": "bot-42"}, context)
    assert None is _fast_verdict(info, {**params, "newClientOrderId": ""}, context)
    assert None is _fast_verdict(info, {**params, "stopPrice": "1"}, context)
    assert None is _fast_verdict(info, {**params, "recvWindow": ""}, context)
    assert None is _fast_verdict(info, {**params, "price": "29400.015"}, context)
    assert evaluate(info, params, context) is ACCEPTED


def test_a_full_counter_is_one_contexts_not_its_shapes() -> None:
    """What a context implies is kept per set of fields given (fastcontext.shape_cache):
    a context whose count is full (a rejection, judged by judge_filters) must not
    send the next contexts of the same fields off the fast path, nor the reverse."""
    info = _load(next(p for p in SNAPSHOTS if p.name == "spot-full-2023-08.json"))
    params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
              "price": "29400.01", "quantity": "0.00150"}  # fmt: skip
    full = next(
        f.max_num_orders for f in info["BTCUSDT"].filters if isinstance(f, MaxNumOrdersFilter)
    )
    for sides in (("BUY", "SELL"), ("SELL", "BUY")):
        for side in sides:
            order = {**params, "side": side}
            crowded = Context(avg_price=Decimal("29400.01"), open_orders=full)
            assert isinstance(_raw_answer(info, order, crowded), FiltersOnly)
            # plan.fast keeps the older contract (callers that judge rejections
            # their own way, order lists): a verdict of an accepted order or None.
            assert _plan(info).symbols["BTCUSDT"].fast["LIMIT"](order, crowded) is None
            verdict = evaluate(info, order, crowded)
            assert [v.filter_type for v in verdict.violations] == ["MAX_NUM_ORDERS"]
            room = Context(avg_price=Decimal("29400.01"), open_orders=full - 1)
            assert _fast_verdict(info, order, room) is ACCEPTED
            assert evaluate(info, order, room) == _general_verdict(info, order, room)
