"""Order lists are their legs (D45): legs that pass as single orders make a list that passes,
and a leg that breaks one rule makes the list fail for that rule alone, on that leg.

The legs are drawn with :func:`rules.testing.orders_from_symbol` (built from the
rules, never by asking the checker) on :func:`rules.testing.markets`; the list
is the request those orders make, named by the method's own table
(:mod:`rules.checker.lists`). The open-order counts are left out of the context:
a list adds more than one order (D50), which the markets do not leave room for.
What the symbol's list flags forbid (D48) is expected as such.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.list_fast import fast_list
from rules.checker.list_rules import judge_list
from rules.checker.lists import LIST_SPECS, LegSpec
from rules.checker.order import Order
from rules.checker.violations import Verdict
from rules.model.models import SymbolInfo
from rules.testing import Market, breakable_rules, markets, orders_from_symbol

_COUNTS = (
    "open_orders",
    "open_algo_orders",
    "open_iceberg_orders",
    "open_order_lists",
    "exchange_open_orders",
    "exchange_open_algo_orders",
    "exchange_open_iceberg_orders",
    "exchange_open_order_lists",
)
_FLAGS = {
    "oco_allowed": "OCO orders are not supported for this symbol",
    "oto_allowed": "OTO orders are not supported for this symbol.",
    "opo_allowed": "OPO orders are not supported for this symbol.",
}


def _no_counts(context: Context) -> Context:
    return attrs.evolve(context, **dict.fromkeys(_COUNTS))


def _flag_violations(method: str, symbol: SymbolInfo) -> list[tuple[int, str | None, str | None]]:
    """The -2010 of each list flag the symbol has false (D48), leg null."""
    return [
        (-2010, None, None) for attr in LIST_SPECS[method].flags if getattr(symbol, attr) is False
    ]


def _as_leg(leg: LegSpec, order: Order, params: dict[str, Any]) -> None:
    """Write ``order`` into the list's ``params`` under the leg's names; the STP mode is
    the list's (D45)."""
    for name, value in order.to_params().items():
        if name == "selfTradePreventionMode":
            params[name] = value
        elif name != "symbol":
            params[leg.wire[name]] = value


def _triples(verdict: Verdict) -> list[tuple[int, str | None, str | None]]:
    return [(v.code, v.filter_type, v.leg) for v in verdict.violations]


@st.composite
def otos(draw: st.DrawFn, *, breaking: bool) -> tuple[Market, dict[str, Any], str | None]:
    """An OTO of a valid working order and a pending order that passes, or breaks one rule."""
    market = draw(markets())
    symbol = market.symbol
    allowed = set(symbol.order_types or ("LIMIT", "LIMIT_MAKER"))
    working_types = sorted(allowed & {"LIMIT", "LIMIT_MAKER"})
    assume(working_types)
    context = market.context
    rule = None
    if breaking:
        rules = sorted(breakable_rules(symbol, info=market.info, context=context))
        assume(rules)
        rule = draw(st.sampled_from(rules))
    working = draw(
        orders_from_symbol(symbol, info=market.info, context=context, order_types=working_types)
    )
    pending = draw(orders_from_symbol(symbol, info=market.info, context=context, breaking=rule))
    assume(pending.quote_order_qty is None)  # an OTO's pending order has no quoteOrderQty
    spec = LIST_SPECS["orderList.place.oto"]
    params: dict[str, Any] = {"symbol": symbol.symbol}
    _as_leg(spec.legs[1], pending, params)
    _as_leg(spec.legs[0], working, params)
    return attrs.evolve(market, context=_no_counts(context)), params, rule


@given(otos(breaking=False))
def test_oto_of_valid_orders_is_accepted(case: tuple[Market, dict[str, Any], None]) -> None:
    market, params, _ = case
    verdict = evaluate(market.info, params, market.context, method="orderList.place.oto")
    note(f"{params} -> {verdict}")
    assert _triples(verdict) == _flag_violations("orderList.place.oto", market.symbol)


@given(otos(breaking=True))
def test_oto_leg_breaking_one_rule(case: tuple[Market, dict[str, Any], str]) -> None:
    """The pending order breaks one filter: the list fails for it alone, on leg ``pending``."""
    market, params, rule = case
    verdict = evaluate(market.info, params, market.context, method="orderList.place.oto")
    note(f"{params} -> {verdict}")
    flags = _flag_violations("orderList.place.oto", market.symbol)
    assert _triples(verdict) == [(-1013, rule, "pending"), *flags]


@st.composite
def ocos(draw: st.DrawFn) -> tuple[Market, dict[str, Any]]:
    """An OCO of a LIMIT_MAKER and a stop-loss order that each pass alone with the same
    quantity and side, in their places (D46), with the last price between them (D47)."""
    market = draw(markets())
    symbol = market.symbol
    allowed = set(symbol.order_types or ())
    stops = sorted(allowed & {"STOP_LOSS", "STOP_LOSS_LIMIT"})
    assume("LIMIT_MAKER" in allowed and stops)
    context = market.context
    limit = draw(
        orders_from_symbol(symbol, info=market.info, context=context, order_types=["LIMIT_MAKER"])
    )
    stop = draw(orders_from_symbol(symbol, info=market.info, context=context, order_types=stops))
    limit_price, stop_price = limit.price, stop.stop_price
    assert limit_price is not None
    # The side that puts each leg in its place (D46) with these prices (D47).
    if stop_price is None:
        side = limit.side
        assert side is not None
        last = limit_price * (Decimal("0.9") if side == "SELL" else Decimal("1.1"))
    else:
        assume(limit_price != stop_price)
        side = "SELL" if limit_price > stop_price else "BUY"
        last = (limit_price + stop_price) / 2
    limit = attrs.evolve(limit, side=side)
    stop = attrs.evolve(stop, side=side, quantity=limit.quantity, self_trade_prevention_mode=None)
    context = attrs.evolve(_no_counts(context), last_price=last)
    for order in (limit, stop):
        assume(evaluate(market.info, order, context).accepted)  # each passes alone
    spec = LIST_SPECS["orderList.place.oco"]
    above, below = (limit, stop) if side == "SELL" else (stop, limit)
    params: dict[str, Any] = {"symbol": symbol.symbol}
    _as_leg(spec.legs[0], above, params)
    _as_leg(spec.legs[1], below, params)
    return attrs.evolve(market, context=context), params


@given(ocos())
# About half the markets' symbols lack LIMIT_MAKER or a stop-loss type: filtered, not built.
@settings(suppress_health_check=[HealthCheck.filter_too_much])
def test_oco_of_valid_legs_in_relation_is_accepted(case: tuple[Market, dict[str, Any]]) -> None:
    market, params = case
    verdict = evaluate(market.info, params, market.context, method="orderList.place.oco")
    note(f"{params} -> {verdict}")
    assert _triples(verdict) == _flag_violations("orderList.place.oco", market.symbol)
    assert "OCO_PRICE_RELATION" not in verdict.unchecked


@given(st.one_of(otos(breaking=False), otos(breaking=True)), st.booleans())
def test_the_accepted_path_agrees_with_judge_list(
    case: tuple[Market, dict[str, Any], str | None], counted: bool
) -> None:
    """rules.checker.list_fast answers ``None`` or judge_list's verdict, with the market's
    open-order counts (a list may fill them, D50) or without."""
    market, params, _ = case
    spec = LIST_SPECS["orderList.place.oto"]
    context = market.context if counted else _no_counts(market.context)
    fast = fast_list(market.info, params, context, spec)
    general = judge_list(market.info, dict(params), context, spec, [])
    note(f"{params} -> {general}")
    event(f"accepted path answered: {fast is not None}")
    assert fast is None or fast == general


@given(ocos(), st.booleans(), st.booleans())
@settings(suppress_health_check=[HealthCheck.filter_too_much])
def test_the_accepted_path_agrees_with_judge_list_on_ocos(
    case: tuple[Market, dict[str, Any]], counted: bool, last: bool
) -> None:
    market, params = case
    spec = LIST_SPECS["orderList.place.oco"]
    context = market.context
    if counted:
        context = attrs.evolve(context, open_orders=0, open_algo_orders=0, open_order_lists=0)
    if not last:
        context = attrs.evolve(context, last_price=None)
    fast = fast_list(market.info, params, context, spec)
    general = judge_list(market.info, dict(params), context, spec, [])
    note(f"{params} -> {general}")
    event(f"accepted path answered: {fast is not None}")
    assert fast is None or fast == general
    assert general.accepted == (not _flag_violations(spec.name, market.symbol))
