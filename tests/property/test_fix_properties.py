"""Properties of rules.propose: an accepted order or a reason, never worse, nearest, stable.

filters.md, PRICE_FILTER: "`price` % `tickSize` == 0"; LOT_SIZE: "`quantity` % `stepSize` == 0";
NOTIONAL: "`price` * `quantity` >= `minNotional`". The fixer's promise: whatever it proposes
the checker accepts, and when it cannot, it says why.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, Inexact
from typing import Any

from hypothesis import example, given, note
from hypothesis import strategies as st

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.fixer.limits import precision_grid
from rules.fixer.propose import Proposal, propose
from rules.fixer.rounding import price_grid, symbol_quantity_grid
from rules.model.load import loads
from rules.model.models import LotSizeFilter, MarketLotSizeFilter, PriceFilter
from rules.model.numbers import CONTEXT
from rules.testing import markets
from rules.testing.strategies import Market

#: Filters the fixer moves values for: after it, none of them may still fail.
FIXED_BY_THE_FIXER = frozenset({
    "PRICE_FILTER", "PERCENT_PRICE", "PERCENT_PRICE_BY_SIDE", "LOT_SIZE", "MARKET_LOT_SIZE",
    "MIN_NOTIONAL", "NOTIONAL", "ICEBERG_PARTS", "MAX_POSITION",
})  # fmt: skip
DECIMAL_PARAMS = ("price", "quantity", "quoteOrderQty", "stopPrice", "icebergQty")
#: 2021-06 (both old grids), 2022-06 (old step grid only), 2023-08, and today's rules.
ERAS = st.sampled_from([1622505600000, 1654041600000, 1692000000000, 1780000000000])


@st.composite
def _factors(draw: st.DrawFn, low: str, high: str) -> Decimal:
    """A multiplier in [low, high] with up to 12 places: usually off any grid."""
    places = draw(st.integers(0, 12))
    scale = Decimal(1).scaleb(-places)
    k = draw(st.integers(int(Decimal(low) / scale), int(Decimal(high) / scale)))
    return CONTEXT.multiply(k, scale)


def _wire(value: Decimal) -> str:
    """At most 16 places: readable by the checker (D29 allows 20), usually off the grid."""
    loose = CONTEXT.copy()
    loose.traps[Inexact] = False
    return format(value.quantize(Decimal(1).scaleb(-16), rounding=ROUND_DOWN, context=loose), "f")


def _level(market: Market) -> Decimal:
    ctx = market.context
    for price in (ctx.avg_price, ctx.last_price, ctx.reference_price):
        if price:
            return price
    pf = market.symbol.filter(PriceFilter)
    if pf is not None and pf.min_price:
        return CONTEXT.multiply(pf.min_price, 3)
    return Decimal(1)


def _lot_level(market: Market) -> Decimal:
    lot = market.symbol.filter(LotSizeFilter)
    if lot is not None and lot.min_qty:
        return lot.min_qty
    if lot is not None and lot.step_size:
        return lot.step_size
    return Decimal("0.001")


@st.composite
def market_orders(draw: st.DrawFn) -> tuple[Market, dict[str, Any]]:
    """A market and an order for its symbol that is near, not on, what passes."""
    market = draw(markets(server_times=ERAS))
    kind = draw(st.sampled_from([
        "LIMIT", "LIMIT_MAKER", "MARKET", "quoteOrderQty", "STOP_LOSS_LIMIT", "STOP_LOSS",
    ]))  # fmt: skip
    side = draw(st.sampled_from(["BUY", "SELL"]))
    level = _level(market)
    quantity = CONTEXT.multiply(_lot_level(market), draw(_factors("0", "2000")))
    order: dict[str, Any] = {"symbol": market.symbol.symbol, "side": side}
    if kind == "quoteOrderQty":
        quote = CONTEXT.multiply(CONTEXT.multiply(level, quantity), draw(_factors("0.5", "2")))
        order.update(type="MARKET", quoteOrderQty=_wire(quote))
    elif kind in ("MARKET", "STOP_LOSS"):
        order.update(type=kind, quantity=_wire(quantity))
        if kind == "STOP_LOSS":
            stop = CONTEXT.multiply(level, draw(_factors("0.5", "1.5")))
            order["stopPrice"] = _wire(stop)
    else:
        price = CONTEXT.multiply(level, draw(_factors("0.1", "6")))
        order.update(type=kind, price=_wire(price), quantity=_wire(quantity))
        if kind != "LIMIT_MAKER":
            order["timeInForce"] = "GTC"
        if kind == "STOP_LOSS_LIMIT":
            stop = CONTEXT.multiply(level, draw(_factors("0.5", "1.5")))
            order["stopPrice"] = _wire(stop)
        if kind == "LIMIT" and draw(st.booleans()):
            iceberg = CONTEXT.multiply(quantity, draw(_factors("0", "1")))
            order["icebergQty"] = _wire(iceberg)
    return market, order


def _propose(market: Market, order: dict[str, Any], **flags: Any) -> Proposal:
    proposal = propose(market.info, order, market.context, **flags)
    note(f"symbol filters: {market.symbol.filters}")
    note(f"context: {market.context}; proposal: {proposal}")
    return proposal


flags = st.fixed_dictionaries({"allow_increase": st.booleans(), "allow_worse_price": st.booleans()})


def _quote_precision_case() -> tuple[Market, dict[str, Any]]:
    info = loads(
        {
            "serverTime": 1780000000000,
            "symbols": [
                {
                    "symbol": "XY",
                    "status": "TRADING",
                    "baseAsset": "X",
                    "quoteAsset": "Y",
                    "baseAssetPrecision": 8,
                    "quotePrecision": 2,
                    "quoteAssetPrecision": 2,
                    "orderTypes": ["LIMIT", "MARKET"],
                    "quoteOrderQtyMarketAllowed": True,
                    "filters": [
                        {
                            "filterType": "NOTIONAL",
                            "minNotional": "0",
                            "applyMinToMarket": True,
                            "maxNotional": "0.001",
                            "applyMaxToMarket": True,
                            "avgPriceMins": 5,
                        }
                    ],
                }
            ],
        }
    )
    order = {"symbol": "XY", "side": "BUY", "type": "MARKET", "quoteOrderQty": "0.0000000300000000"}
    return Market(info, info["XY"], Context(avg_price=Decimal(1))), order


_QUOTE_PRECISION_CASE = _quote_precision_case()


class TestAcceptedOrReason:
    """The fixer's result is always accepted by the checker, or comes with a reason."""

    @given(market_orders(), flags)
    def test_accepted_or_reason(
        self, market_order: tuple[Market, dict[str, Any]], options: dict[str, bool]
    ) -> None:
        market, order = market_order
        proposal = _propose(market, order, **options)
        if proposal.order is not None:
            assert proposal.reason is None
            params = proposal.params()
            assert evaluate(market.info, params, market.context).accepted
            for name in DECIMAL_PARAMS:
                if name in params:
                    text = params[name]
                    assert isinstance(text, str)
                    assert "e" not in text.lower()
                    assert Decimal(text) >= 0
        else:
            assert proposal.reason
            if proposal.reason.startswith("no passing order"):
                # Only rules the fixer does not move may stand in the way.
                assert proposal.violations
                unreadable = any(v.code in (-1100, -1105) for v in proposal.violations)
                failing = {v.filter_type for v in proposal.violations}
                assert unreadable or not failing & FIXED_BY_THE_FIXER

    @given(market_orders())
    # Found on a clean-clone CI run (issue 17): the checker accepts a quoteOrderQty
    # finer than quoteAssetPrecision 2, under a maxNotional of 0.001, and the fixer
    # finds no passing quoteOrderQty without naming -1111. The checker now rejects it
    # with -1111 (D38/D53); kept as an explicit example, so that every run checks it.
    @example(_QUOTE_PRECISION_CASE)
    def test_an_accepted_order_is_left_alone(
        self, market_order: tuple[Market, dict[str, Any]]
    ) -> None:
        market, order = market_order
        if not evaluate(market.info, order, market.context).accepted:
            return
        proposal = _propose(market, order)
        if proposal.order is None:
            # Only a quoteOrderQty with too many places, cut to one that fails (-1111).
            assert proposal.reason is not None
            assert "-1111" in proposal.reason
            return
        # The one exception: a quoteOrderQty with more places than the quote asset has,
        # which the checker does not model but Binance rejects (-1111).
        assert all(c.field == "quoteOrderQty" and "-1111" in c.why for c in proposal.changes)
        params = proposal.params()
        for name in DECIMAL_PARAMS:
            if name in order and not proposal.changes:
                assert Decimal(params[name]) == Decimal(order[name])

    @given(market_orders(), flags)
    def test_idempotent(
        self, market_order: tuple[Market, dict[str, Any]], options: dict[str, bool]
    ) -> None:
        market, order = market_order
        first = _propose(market, order, **options)
        if first.order is None:
            return
        again = _propose(market, first.params(), **options)
        assert again.accepted
        assert again.changes == ()
        assert again.params() == first.params()


class TestNeverAgainstTheTrader:
    """Without allow_* flags a BUY never pays more, a SELL never gets less, and nobody trades
    more than the order, except up to its own minimum (minQty: "into [min, max]")."""

    @given(market_orders())
    def test_direction(self, market_order: tuple[Market, dict[str, Any]]) -> None:
        market, order = market_order
        proposal = _propose(market, order)
        if proposal.order is None:
            return
        params = proposal.params()
        if "price" in order:
            new, old = Decimal(params["price"]), Decimal(order["price"])
            assert new <= old if order["side"] == "BUY" else new >= old
        for name in ("quantity", "quoteOrderQty"):
            if name in order and Decimal(params[name]) > Decimal(order[name]):
                # Only into the quantity's own range ("into [min, max]": up to
                # minQty, or to a positive quantity, D37), never for a notional.
                raised = proposal.changes[-1]
                assert name == "quantity"
                assert raised.field == "quantity"
                assert raised.new == Decimal(params[name])
                lot = market.symbol.filter(raised.filter_type or "")
                if isinstance(lot, LotSizeFilter | MarketLotSizeFilter):
                    # the least grid point at or above minQty (minima may be off the grid)
                    grid = symbol_quantity_grid(
                        market.symbol,
                        server_time=market.info.server_time,
                        market=order["type"] in ("MARKET", "STOP_LOSS", "TAKE_PROFIT"),
                    )
                    assert grid is not None
                    if market.symbol.base_asset_precision is not None:
                        # only values within the base precision can be sent (-1111, D38)
                        grid = grid.intersect(precision_grid(market.symbol.base_asset_precision))
                        assert grid is not None
                    assert raised.new >= lot.min_qty
                    if grid.step:
                        assert CONTEXT.subtract(raised.new, grid.step) < lot.min_qty
                    assert raised.why.startswith(f"raised to {lot.filter_type} minQty ")
                else:
                    priced = order["type"] not in ("MARKET", "STOP_LOSS", "TAKE_PROFIT")
                    assert raised.why == (
                        "raised to a positive quantity (D37)"
                        if priced
                        else "raised to a positive quantity "
                        "(an order that trades nothing is never proposed)"
                    )

    @given(market_orders())
    def test_nearest_price_and_quantity(self, market_order: tuple[Market, dict[str, Any]]) -> None:
        """One more tick (BUY) or step would have been rejected: nothing was given up needlessly."""
        market, order = market_order
        proposal = _propose(market, order)
        if proposal.order is None or order["type"] not in ("LIMIT", "LIMIT_MAKER"):
            return
        params = proposal.params()
        symbol, time = market.symbol, market.info.server_time
        pf = symbol.filter(PriceFilter)
        if order["side"] == "BUY" and pf is not None and pf.tick_size:
            better = CONTEXT.add(Decimal(params["price"]), price_grid(pf, time).step)
            if better <= Decimal(order["price"]):
                tried = dict(params, price=_wire(better))
                assert not evaluate(market.info, tried, market.context).accepted
        grid = symbol_quantity_grid(symbol, server_time=time)
        if grid is not None and grid.step:
            more = CONTEXT.add(Decimal(params["quantity"]), grid.step)
            if more <= Decimal(order["quantity"]) and "icebergQty" not in order:
                tried = dict(params, quantity=_wire(more))
                assert not evaluate(market.info, tried, market.context).accepted
