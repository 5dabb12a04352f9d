"""A value past its asset's precision (D38, D39) on an order well-formed otherwise.

The general path reports ``-1111`` for each ``price``, ``quantity``, ``stopPrice``,
``icebergQty`` or ``quoteOrderQty`` with more decimals as written than its asset's
precision (``check_precision``: quantities by ``baseAssetPrecision``, the others by
the quote's) and goes on: the filters judge each value as read (a price past the
tick's places is off the grid). Its fast check answers a
:data:`~rules.checker.fastread.PRECISE` form of ``FILTERS`` (flagged: ``exceeds``
truthy, ``precise``), not ``None``: the filters are judged by the explainer or
``judge_filters`` and the ``-1111`` are added where the general path lists them
(D53: request errors, before every ``-1013``), with exactly the general path's
verdict, on real symbols of four snapshots (the old eras' message and
``quotePrecision``, the new message of 2023-12), every type the fast check takes,
every context shape, a request problem repaired first or not. What the fast check
is not sure of stays the general path's: D07 beside D38, a zero price (D37), a value
past ``DECIMAL_RANGE``'s 20 decimals.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

import pytest

from rules.checker.context import Context
from rules.checker.evaluate import _one_problem_verdict, evaluate, general_verdict
from rules.checker.fastread import EXCEEDING, FILTERS, FLAG_D07, FLAG_D38, PRECISE, FiltersOnly
from rules.checker.plans import plan_of
from rules.model.load import load_path
from rules.model.models import (
    ExchangeInfo,
    LotSizeFilter,
    MinNotionalFilter,
    NotionalFilter,
    PriceFilter,
    SymbolInfo,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "exchange_info"
#: An old era (quotePrecision only, no quoteOrderQty), the field's both names, the
#: benchmark's snapshot, the new -1111 message (testnet 2024-09).
SNAPSHOTS = (
    "spot-full-2019-05",
    "spot-full-2021-04",
    "spot-full-2023-08",
    "testnet-spot-full-2024-09",
)
#: Every shape the fast check takes: (type, how).
TYPES = (
    ("LIMIT", ""),
    ("LIMIT", "iceberg"),
    ("LIMIT_MAKER", ""),
    ("LIMIT_MAKER", "iceberg"),
    ("STOP_LOSS_LIMIT", ""),
    ("TAKE_PROFIT_LIMIT", ""),
    ("MARKET", "quantity"),
    ("MARKET", "quoteOrderQty"),
)
SYMBOLS_PER_TYPE = 3


@functools.cache
def _info(name: str) -> ExchangeInfo:
    return load_path(DATA / f"{name}.json")


def _text(value: Decimal) -> str:
    return format(value, "f")


def _past(text: str, most: int, digit: str) -> str:
    """``text`` written with ``most + 1`` decimals: its digits, zeros, then ``digit``
    (``"0"``: the same value, only -1111, D39; another: a value off every grid as fine
    as the precision)."""
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(most, '0')}{digit}"


def _symbols(info: ExchangeInfo, order_type: str, how: str) -> list[SymbolInfo]:
    """The first symbols with a fast check of this type (and icebergs, quoteOrderQty)."""
    plans = plan_of(info)
    found = []
    for symbol in info.symbols:
        if how == "iceberg" and symbol.iceberg_allowed is not True:
            continue
        if how == "quoteOrderQty" and symbol.quote_order_qty_market_allowed is not True:
            continue
        if symbol.base_asset_precision is None or symbol.quote_places is None:
            continue
        plan = plans.symbol(info, symbol.symbol)
        if plan is None or plan.fast_check(order_type) is None:
            continue
        found.append(symbol)
        if len(found) == SYMBOLS_PER_TYPE:
            break
    return found


def _numbers(symbol: SymbolInfo) -> tuple[Decimal, Decimal, Decimal]:
    """A price on the grid, a quantity on the step above twice the minimum notional at
    that price, and the smallest step (nothing else is needed of them: the variants
    move them past the precision and past the bounds)."""
    pf, ls = symbol.filter(PriceFilter), symbol.filter(LotSizeFilter)
    notional = symbol.filter(NotionalFilter) or symbol.filter(MinNotionalFilter)
    tick = pf.tick_size if pf is not None and pf.tick_size else Decimal("0.01")
    low = pf.min_price if pf is not None and pf.min_price else tick
    price = low * 1000
    step = ls.step_size if ls is not None and ls.step_size else Decimal("0.001")
    minimum = notional.min_notional if notional is not None else Decimal(1)
    quantity = ((2 * minimum / price) / step).to_integral_value(ROUND_CEILING) * step
    if ls is not None and quantity < ls.min_qty:
        quantity = ls.min_qty
    return price.normalize(), quantity.normalize(), step


def _orders(symbol: SymbolInfo, order_type: str, how: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Well-formed orders of this shape with one or two values past their precision,
    alone or beside a broken bound: (what, params)."""
    base_most, quote_most = symbol.base_asset_precision, symbol.quote_places
    assert base_most is not None
    assert quote_most is not None
    price, quantity, step = _numbers(symbol)
    p, q = _text(price), _text(quantity)
    order: dict[str, Any] = {"symbol": symbol.symbol, "side": "BUY", "type": order_type}
    if order_type == "MARKET":
        if how == "quoteOrderQty":
            amount = _text(price * quantity)
            yield (
                "quoteOrderQty, a digit past",
                {**order, "quoteOrderQty": _past(amount, quote_most, "3")},
            )
            yield (
                "quoteOrderQty, zeros past",
                {**order, "quoteOrderQty": _past(amount, quote_most, "0")},
            )
            yield (
                "quoteOrderQty, zeros past, tiny",
                {**order, "quoteOrderQty": _past("0", quote_most, "1")},
            )
            yield "quoteOrderQty, a zero", {**order, "quoteOrderQty": _past("0", quote_most, "0")}
            return
        for side in ("BUY", "SELL"):
            market = {**order, "side": side}
            yield "quantity, a digit past", {**market, "quantity": _past(q, base_most, "7")}
            yield "quantity, zeros past", {**market, "quantity": _past(q, base_most, "0")}
            yield "quantity, huge", {**market, "quantity": _past("9" * 12, base_most, "1")}
            yield "quantity, a zero", {**market, "quantity": _past("0", base_most, "0")}
        return
    order["price"], order["quantity"] = p, q
    if order_type != "LIMIT_MAKER":
        order["timeInForce"] = "GTC"
    if order_type.endswith("_LIMIT"):
        order["stopPrice"] = p
    if how == "iceberg":
        order["icebergQty"] = _text(quantity / 2 if (quantity / 2) % step == 0 else quantity)
        if order["icebergQty"] == q:
            order["quantity"] = q = _text(quantity * 2)
    for side in ("BUY", "SELL"):
        sided = {**order, "side": side}
        yield "price, a digit past", {**sided, "price": _past(p, quote_most, "5")}
        yield "price, zeros past", {**sided, "price": _past(p, quote_most, "0")}
        yield "quantity, a digit past", {**sided, "quantity": _past(q, base_most, "7")}
        yield "quantity, zeros past", {**sided, "quantity": _past(q, base_most, "0")}
        both = {**sided, "price": _past(p, quote_most, "5"), "quantity": _past(q, base_most, "0")}
        yield "price and quantity", both
        # Beside a bound broken on a value within its precision, or past it.
        yield (
            "price zeros past, notional tiny",
            {
                **sided,
                "price": _past(p, quote_most, "0"),
                "quantity": _text(step),
                **({"icebergQty": _text(step / 2)} if how == "iceberg" else {}),
            },
        )
        yield (
            "quantity past, price far above",
            {
                **sided,
                "price": _text(price * 10**6),
                "quantity": _past(q, base_most, "3"),
            },
        )
        if "stopPrice" in sided:
            yield "stopPrice, a digit past", {**sided, "stopPrice": _past(p, quote_most, "9")}
            yield (
                "stopPrice and price",
                {
                    **sided,
                    "stopPrice": _past(p, quote_most, "0"),
                    "price": _past(p, quote_most, "1"),
                },
            )
        if how == "iceberg":
            iceberg = sided["icebergQty"]
            yield (
                "icebergQty, a digit past",
                {**sided, "icebergQty": _past(iceberg, base_most, "1")},
            )
            yield "icebergQty, zeros past", {**sided, "icebergQty": _past(iceberg, base_most, "0")}
            yield (
                "icebergQty, tiny (ICEBERG_PARTS)",
                {
                    **sided,
                    "icebergQty": _past("0", base_most, "1"),
                },
            )


def _contexts(params: dict[str, Any]) -> list[dict[str, Any] | None]:
    price = params.get("price") or "1"
    if "e" in price:
        price = "1"
    full = {"avgPrice": price, "openOrders": 3, "openAlgoOrders": 1, "basePosition": "0"}
    return [None, {"avgPrice": price}, full, {"avgPrice": price, "permissions": ["SPOT"]}]


def _answer(info: ExchangeInfo, params: dict[str, Any], context: Context) -> object:
    plan = plan_of(info).symbol(info, params["symbol"])
    assert plan is not None
    fast = plan.fast_check(params["type"])
    assert fast is not None
    return fast(params, context)


def _cases() -> Iterator[Any]:
    for name in SNAPSHOTS:
        for order_type, how in TYPES:
            yield pytest.param(name, order_type, how, id=f"{name}-{order_type}-{how}")


@pytest.mark.parametrize(("name", "order_type", "how"), list(_cases()))
def test_a_well_formed_order_past_its_precision_is_judged_by_the_filters(
    name: str, order_type: str, how: str
) -> None:
    info = _info(name)
    symbols = _symbols(info, order_type, how)
    if name == "spot-full-2019-05" and how == "quoteOrderQty":
        assert not symbols  # no quoteOrderQty before 2020
        return
    assert symbols
    seen: set[tuple[int, ...]] = set()
    for symbol in symbols:
        for what, params in _orders(symbol, order_type, how):
            for mapping in _contexts(params):
                context = Context() if mapping is None else Context.from_mapping(mapping)
                general = general_verdict(info, params, context)
                assert not general.accepted, (what, params)
                assert evaluate(info, params, mapping) == general, (what, params, mapping)
                assert evaluate(info, params, context) == general, (what, params, mapping)
                answer = _answer(info, params, context)
                # Not the general path: the filters judge it, the -1111 added.
                assert isinstance(answer, FiltersOnly), (what, params, mapping)
                assert answer in PRECISE
                assert answer.exceeds
                assert answer.precise
                assert not answer.exceeds & FLAG_D07
                codes = [v.code for v in general.violations]
                assert codes[0] == -1111  # a request error: first (D53)
                seen.add(tuple(codes))
    # Alone (D39: zeros past), beside a filter's -1013, twice.
    assert (-1111,) in seen
    assert any(-1013 in codes for codes in seen)
    assert any(codes[:2] == (-1111, -1111) for codes in seen) or order_type == "MARKET"


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_the_1111_are_listed_first_quantities_before_prices(name: str) -> None:
    """check_precision's order: quantity, icebergQty (baseAssetPrecision), then price,
    stopPrice (the quote's), each with the era's message and the field's name."""
    info = _info(name)
    (symbol, *_) = _symbols(info, "STOP_LOSS_LIMIT", "")
    base_most, quote_most = symbol.base_asset_precision, symbol.quote_places
    assert base_most is not None
    assert quote_most is not None
    price, quantity, _ = _numbers(symbol)
    params = {
        "symbol": symbol.symbol,
        "side": "SELL",
        "type": "STOP_LOSS_LIMIT",
        "timeInForce": "GTC",
        "price": _past(_text(price), quote_most, "1"),
        "quantity": _past(_text(quantity), base_most, "2"),
        "stopPrice": _past(_text(price), quote_most, "3"),
    }
    verdict = evaluate(info, params, {"avgPrice": _text(price)})
    assert verdict == general_verdict(
        info, params, Context.from_mapping({"avgPrice": _text(price)})
    )
    precise = [v for v in verdict.violations if v.code == -1111]
    assert [v.field for v in precise] == ["quantity", "price", "stopPrice"]
    assert verdict.violations[: len(precise)] == tuple(precise)
    quote_name = "quotePrecision" if symbol.quote_asset_precision is None else "quoteAssetPrecision"
    assert [v.limit for v in precise] == [base_most, quote_most, quote_most]
    assert quote_name in (precise[1].explanation or "")
    new_message = name.startswith("testnet-spot-full-2024")
    assert (precise[0].msg == "Parameter 'quantity' has too much precision.") is new_message


def _one(
    name: str, order_type: str, how: str
) -> tuple[ExchangeInfo, SymbolInfo, list[dict[str, Any]]]:
    info = _info(name)
    symbol = _symbols(info, order_type, how)[0]
    return info, symbol, [params for _, params in _orders(symbol, order_type, how)]


@pytest.mark.parametrize("name", SNAPSHOTS)
@pytest.mark.parametrize(
    "spoil",
    [{"side": None}, {"side": ""}, {"side": "HOLD"}, {"timeInForce": None}, {"timeInForce": "GTC"}],
    ids=str,
)
@pytest.mark.parametrize(
    ("order_type", "how"), [("LIMIT", "iceberg"), ("LIMIT_MAKER", ""), ("MARKET", "quantity")]
)
def test_one_request_problem_and_d38(
    name: str, spoil: dict[str, Any], order_type: str, how: str
) -> None:
    """A side or timeInForce problem repaired: the repaired order answers a PRECISE form,
    and the request problem, the -1111 and the filters make the general verdict."""
    info, symbol, orders = _one(name, order_type, how)
    plans = plan_of(info)
    plan = plans.symbol(info, symbol.symbol)
    assert plan is not None
    fast = plan.fast_check(order_type)
    assert fast is not None
    for params in orders:
        spoiled = {k: v for k, v in {**params, **spoil}.items() if v is not None}
        for mapping in _contexts(params):
            context = Context() if mapping is None else Context.from_mapping(mapping)
            general = general_verdict(info, spoiled, context)
            assert evaluate(info, spoiled, mapping) == general
            assert evaluate(info, spoiled, context) == general
            if spoiled == params:
                continue  # timeInForce GTC where it is taken: no problem
            assert fast(spoiled, context) is None
            repaired = _one_problem_verdict(plans, plan, fast, spoiled, context)
            assert repaired == general
            assert -1111 in [v.code for v in general.violations]


def _declined(symbol: SymbolInfo, order_type: str, how: str) -> Iterator[dict[str, Any]]:
    base_most, quote_most = symbol.base_asset_precision, symbol.quote_places
    assert base_most is not None
    assert quote_most is not None
    price, quantity, _ = _numbers(symbol)
    p, q = _text(price), _text(quantity)
    order = {"symbol": symbol.symbol, "side": "BUY", "type": order_type}
    if order_type == "MARKET":
        yield {**order, "quantity": f"{q.partition('.')[0]}.{'1' * 21}"}  # -1100
        yield {**order, "quantity": "1e-9"}  # not a decimal string (-1100)
        return
    order.update(price=p, quantity=q, timeInForce="GTC")
    yield {**order, "price": _past("0", quote_most, "0")}  # D37: Price * QTY is zero
    yield {**order, "quantity": _past("0", base_most, "0")}  # D37
    yield {**order, "price": f"{p.partition('.')[0]}.{'1' * 21}"}  # -1100
    yield {**order, "price": "1e-9"}  # not a decimal string (-1100)
    if how == "iceberg":
        past = _past(q, base_most, "1")
        yield {**order, "icebergQty": past}  # D07 and D38 together
        equal = _past(q, base_most, "0")
        yield {**order, "quantity": equal, "icebergQty": q}  # D07 (equal values) and D38
        yield {**order, "icebergQty": _past("0", base_most, "0")}  # a zero icebergQty (D08)


@pytest.mark.parametrize("name", SNAPSHOTS)
@pytest.mark.parametrize(("order_type", "how"), [("LIMIT", "iceberg"), ("MARKET", "quantity")])
def test_what_the_fast_check_is_not_sure_of_stays_the_general_paths(
    name: str, order_type: str, how: str
) -> None:
    info = _info(name)
    symbol = _symbols(info, order_type, how)[0]
    for params in _declined(symbol, order_type, how):
        for mapping in _contexts(params):
            context = Context() if mapping is None else Context.from_mapping(mapping)
            assert _answer(info, params, context) is None, params
            assert evaluate(info, params, mapping) == general_verdict(info, params, context)


def test_a_route_testing_exceeds_sees_every_flagged_answer() -> None:
    """The attribute a caller must test before handing an answer to the filters alone:
    ``exceeds``, truthy for D07 and for D38; ``precise`` says D38."""
    for answer in (*EXCEEDING, *PRECISE):
        assert answer.exceeds
    assert not FILTERS.exceeds
    assert not FILTERS.precise
    assert all(a.precise and a.exceeds == FLAG_D38 for a in PRECISE)
    assert not any(a.precise for a in EXCEEDING)
    assert repr(PRECISE[0]) == "FILTERS+D38"
    assert repr(EXCEEDING[5]) == "FILTERS(5)+D07"
