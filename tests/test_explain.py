"""The explainers of well-formed orders (rules.checker.explain): which symbols have one,
and that ``evaluate`` answers with them exactly what ``judge_filters`` would."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from rules.checker.context import Context
from rules.checker.evaluate import _MOST_PROBLEMS, _PROBLEMS, _general_verdict, evaluate
from rules.checker.explain import WRITERS
from rules.checker.filters import FILTER_CHECKS, check_unknown
from rules.checker.plans import plan_of
from rules.model.load import load_path, loads

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "exchange_info"


def _info(filters: list[dict[str, Any]], server_time: int = 1_780_000_000_000) -> Any:
    symbol = {
        "symbol": "ABCUSDT",
        "status": "TRADING",
        "baseAsset": "ABC",
        "quoteAsset": "USDT",
        "orderTypes": ["LIMIT", "MARKET"],
        "icebergAllowed": True,
        "filters": filters,
    }
    return loads(json.dumps({"serverTime": server_time, "symbols": [symbol]}))


_PRICE = {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000", "tickSize": "0.01"}
_LOT = {"filterType": "LOT_SIZE", "minQty": "0.1", "maxQty": "100", "stepSize": "0.1"}
_NOTIONAL = {
    "filterType": "NOTIONAL",
    "minNotional": "5",
    "applyMinToMarket": True,
    "maxNotional": "9000",
    "applyMaxToMarket": False,
    "avgPriceMins": 5,
}


def test_every_check_but_the_unknown_filter_has_a_writer() -> None:
    assert set(WRITERS) == set(FILTER_CHECKS.values()) - {check_unknown}


def test_a_rejection_is_explained_with_the_general_paths_words() -> None:
    info = _info([_PRICE, _LOT, _NOTIONAL])
    params = {
        "symbol": "ABCUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "price": "1.005",
        "quantity": "0.15",
    }
    evaluate(info, params)  # the first order builds the plan
    verdict = evaluate(info, params, {"avgPrice": "1"})  # read as it stands (is_plain)
    plan = plan_of(info).symbol(info, "ABCUSDT")
    assert plan is not None
    assert plan.dict_explainers["LIMIT"] is not None
    assert "LIMIT" not in plan.explainers
    assert [(v.filter_type, v.explanation) for v in verdict.violations] == [
        ("PRICE_FILTER", "price 1.005 is not a multiple of tickSize 0.01"),
        ("LOT_SIZE", "quantity 0.15 is not a multiple of stepSize 0.1"),
        ("NOTIONAL", "notional 0.15075 is below minNotional 5"),
    ]
    context = Context(avg_price=Decimal(1))
    assert verdict == _general_verdict(info, params, context)
    assert evaluate(info, params, context) == verdict
    assert plan.explainers["LIMIT"] is not None


def test_a_market_order_without_its_market_price_leaves_the_notional_unchecked() -> None:
    info = _info([_PRICE, _LOT, _NOTIONAL])
    params = {"symbol": "ABCUSDT", "side": "SELL", "type": "MARKET", "quantity": "0.15"}
    evaluate(info, params)
    verdict = evaluate(info, params)
    assert verdict.unchecked == ("NOTIONAL",)
    assert [v.filter_type for v in verdict.violations] == ["LOT_SIZE"]
    assert verdict == _general_verdict(info, params, Context())


def test_two_filters_of_one_type_leave_the_order_to_judge_filters() -> None:
    second = {**_NOTIONAL, "minNotional": "50"}
    info = _info([_PRICE, _LOT, _NOTIONAL, second])
    params = {
        "symbol": "ABCUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "price": "1",
        "quantity": "1",
    }
    evaluate(info, params)
    verdict = evaluate(info, params)
    plan = plan_of(info).symbol(info, "ABCUSDT")
    assert plan is not None
    assert plan.explainers.get("LIMIT", "unset") is None
    assert [v.limit for v in verdict.violations] == [Decimal(5)]  # D23: the first one
    assert verdict == _general_verdict(info, params, Context())


@pytest.mark.parametrize(
    "name", ["spot-full-2018-08.json", "spot-full-2022-05.json", "spot-full-2023-08.json"]
)
def test_every_symbols_explainer_is_written(name: str) -> None:
    info = load_path(DATA / name)
    info_plan = plan_of(info)
    written = declined = 0
    for symbol in list(info.symbols)[:300]:
        plan = info_plan.symbol(info, symbol.symbol)
        assert plan is not None
        for order_type in plan.fast_answers:
            if plan.explainer(order_type) is None:
                declined += 1
            else:
                written += 1
    assert written > 100
    assert declined == 0


def test_request_problems_are_built_once_and_kept_within_bounds() -> None:
    info = _info([_PRICE, _LOT, _NOTIONAL])
    base = {"symbol": "ABCUSDT", "type": "MARKET", "quantity": "1"}
    evaluate(info, {**base, "side": "BUY"})
    first = evaluate(info, {**base, "side": "HOLD"}).violations[0]
    assert evaluate(info, {**base, "side": "HOLD"}).violations[0] is first  # kept
    for i in range(_MOST_PROBLEMS + 10):  # sides from the input: the table stays bounded
        params = {**base, "side": f"S{i}"}
        verdict = evaluate(info, params)
        assert verdict == _general_verdict(info, params, Context())
    assert len(_PROBLEMS) <= _MOST_PROBLEMS


@pytest.mark.parametrize("value", ["0", "0.00", "0.00000000"])
@pytest.mark.parametrize("name", ["quantity", "quoteOrderQty"])
def test_a_zero_market_order_is_judged_by_the_filters_alone(name: str, value: str) -> None:
    # No D37 without a price: the general path finds only what the filters find.
    info = load_path(DATA / "spot-full-2023-08.json")
    for symbol in ("BTCUSDT", "ETHBTC", "BNBUSDT", "TKOBTC"):
        params = {"symbol": symbol, "side": "BUY", "type": "MARKET", name: value}
        for mapping in (None, {"avgPrice": "0.5"}, {"avgPrice": "7", "openOrders": 3}):
            context = Context() if mapping is None else Context.from_mapping(mapping)
            evaluate(info, params, mapping)
            plan = plan_of(info).symbol(info, symbol)
            assert plan is not None
            fast = plan.fast_check("MARKET")
            assert fast is not None
            verdict = evaluate(info, params, mapping)
            if fast(params, context) is not None:  # a FILTERS answer, not the general path
                assert plan.explainers.get("MARKET") is not None
            assert verdict == _general_verdict(info, params, context)
            assert not verdict.accepted


@pytest.mark.parametrize(
    ("price", "quantity"),
    [("0", "0.001"), ("0.00", "0.001"), ("30000.00", "0"), ("0.00000001", "0.00000"), ("1", "1")],
)
def test_price_times_quantity_zero_is_the_general_paths_d37(price: str, quantity: str) -> None:
    # by_filters tells a zero product from the strings' floats (D37): exact for them.
    info = load_path(DATA / "spot-full-2023-08.json")
    params = {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "price": price,
        "quantity": quantity,
    }
    for mapping in (None, {"avgPrice": "29000"}):
        evaluate(info, params, mapping)
        verdict = evaluate(info, params, mapping)
        context = Context() if mapping is None else Context.from_mapping(mapping)
        assert verdict == _general_verdict(info, params, context)
        zero = any(v.msg == "Price * QTY is zero or less." for v in verdict.violations)
        assert zero == (not Decimal(price) * Decimal(quantity))


_FINE = "0." + "0" * 29  # a tick of 1E-30 is _FINE + "1"


@pytest.mark.parametrize(
    "tick",
    [
        _FINE + "1",
        _FINE + "3",
        _FINE + "07",
        "0." + "0" * 45 + "1",
        "0.03",
        "1." + "0" * 62 + "1",  # a long coefficient: its remainders have 64 digits
        "0." + "1234567890" * 6 + "1234567",
        "0.01" + "0" * 40,  # a coarse tick written to 42 places
    ],
)
@pytest.mark.parametrize(
    "price",
    [
        "99999999999999999999." + "9" * 20,
        "12345678901234567890.03",
        "0.00000000000000000003",
        "5",
    ],
)
def test_the_explainers_grid_test_is_exact_on_the_finest_ticks(tick: str, price: str) -> None:
    """Explainers test a grid by ``CONTEXT.remainder`` directly when the tick's last
    digit is at or above 1E-30 (the order's values have at most 20 integer and 20
    fraction digits: quotient and remainder fit in 60 digits), else by
    ``is_multiple``, exact at any length: both agree with the general path, and
    neither raises (a long tick's remainder once raised ``Inexact``: the review)."""
    price_filter = {
        "filterType": "PRICE_FILTER",
        "minPrice": "0",
        "maxPrice": "0",
        "tickSize": tick,
    }
    info = _info([price_filter, _LOT])
    params = {
        "symbol": "ABCUSDT",
        "side": "SELL",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "price": price,
        "quantity": "1.05",  # off LOT_SIZE's grid: every order is rejected, explained
    }
    evaluate(info, params)  # the first order builds the plan
    verdict = evaluate(info, params)
    plan = plan_of(info).symbol(info, "ABCUSDT")
    assert plan is not None
    assert plan.explainers["LIMIT"] is not None  # the explainer judged it
    assert verdict == _general_verdict(info, params, Context())
    on_grid = (Fraction(price) / Fraction(tick)).denominator == 1
    assert [v.filter_type for v in verdict.violations] == [
        *([] if on_grid else ["PRICE_FILTER"]),
        "LOT_SIZE",
    ]
