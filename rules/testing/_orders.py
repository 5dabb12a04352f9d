"""Orders built from a symbol's rules: valid ones, and ones that break exactly one rule.

How an order is built (never by asking the checker):

1. Each filter becomes constraints on one value (``price``, ``stopPrice``,
   ``quantity``, ``icebergQty``, ``quoteOrderQty``, ``trailingDelta``): an
   interval and a grid, labelled with the filter's type.
2. Values are drawn in order, price first, so that the notional filters become
   an interval on the quantity once the price is known (``minNotional / price``).
3. A valid value lies in every interval and on every grid. A value that breaks
   rule X lies outside one of X's intervals, or off its grid, and inside every
   other constraint on that value; every other value stays valid.
4. The market-price rules (PERCENT_PRICE, market notional) must hold for every
   market price the context gives (average, reference, last), so the result
   does not depend on which one the checker picks (D18); a broken one is broken
   for all of them.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from rules.context import Context
from rules.models import (
    ExchangeInfo,
    ExchangeMaxNumAlgoOrdersFilter,
    ExchangeMaxNumIcebergOrdersFilter,
    ExchangeMaxNumOrdersFilter,
    IcebergPartsFilter,
    LotSizeFilter,
    MarketLotSizeFilter,
    MaxNumAlgoOrdersFilter,
    MaxNumIcebergOrdersFilter,
    MaxNumOrdersFilter,
    MaxPositionFilter,
    MinNotionalFilter,
    NotionalFilter,
    PercentPriceBySideFilter,
    PercentPriceFilter,
    PriceFilter,
    SymbolInfo,
    TrailingDeltaFilter,
)
from rules.order import Order
from rules.permissions import required_permission_sets
from rules.rounding import Grid, price_grid, quantity_grid
from rules.testing._values import ZERO, Span, draw_in, grid_indices

Draw = Any

TYPES = ("LIMIT", "MARKET", "LIMIT_MAKER", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT",
         "STOP_LOSS", "TAKE_PROFIT")  # fmt: skip
PRICED = frozenset({"LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"})
MARKET_LIKE = frozenset({"MARKET", "STOP_LOSS", "TAKE_PROFIT"})  # D10
STOPS = frozenset({"STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"})
WITH_TIF = frozenset({"LIMIT", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"})
ICEBERG_TYPES = PRICED
# D34: these use the Above bounds of TRAILING_DELTA, the other four the Below ones.
ABOVE = frozenset({("STOP_LOSS", "BUY"), ("STOP_LOSS_LIMIT", "BUY"), ("TAKE_PROFIT", "SELL"),
                   ("TAKE_PROFIT_LIMIT", "SELL")})  # fmt: skip

#: The rules :func:`orders_from_symbol` can break one at a time.
BREAKABLE = (
    "PRICE_FILTER", "PERCENT_PRICE", "PERCENT_PRICE_BY_SIDE", "LOT_SIZE", "MARKET_LOT_SIZE",
    "MIN_NOTIONAL", "NOTIONAL", "ICEBERG_PARTS", "MAX_POSITION", "TRAILING_DELTA",
)  # fmt: skip

_FRACTION_LIMIT = Fraction(10) ** 20  # D29: at most 20 integer digits


@attrs.frozen
class _Con:
    """One constraint on one value: an interval and/or a grid, from one rule."""

    rule: str
    span: Span = attrs.field(factory=Span)
    grid: Grid | None = None


def _bounds(rule: str, lo: Decimal, hi: Decimal, grid: Grid | None = None) -> _Con:
    # A 0 bound is disabled (D12); so is a 0 step (Grid admits everything then).
    return _Con(
        rule,
        Span(Fraction(lo) if lo else None, Fraction(hi) if hi else None),
        grid if grid is not None and grid.step else None,
    )


def _market_prices(context: Context | None) -> list[Decimal]:
    if context is None:
        return []
    found = (context.avg_price, context.reference_price, context.last_price)
    return [p for p in found if p is not None and p > 0]


def _checked_prices(context: Context | None) -> bool:
    # Whichever price the checker picks (D18), it is one of these and not None.
    return context is not None and context.avg_price is not None and context.last_price is not None


@attrs.frozen
class _Plan:
    symbol: SymbolInfo
    info: ExchangeInfo | None
    context: Context | None

    @property
    def server_time(self) -> int | None:
        return self.info.server_time if self.info is not None else None

    def price_cons(self, side: str) -> list[_Con]:
        out: list[_Con] = []
        pf = self.symbol.filter(PriceFilter)
        if pf is not None:
            out.append(_bounds("PRICE_FILTER", pf.min_price, pf.max_price,
                               price_grid(pf, self.server_time)))  # fmt: skip
        for mp in _market_prices(self.context):
            m = Fraction(mp)
            for pp in self.symbol.filters:
                if isinstance(pp, PercentPriceFilter):
                    up, down = pp.multiplier_up, pp.multiplier_down
                elif isinstance(pp, PercentPriceBySideFilter):
                    up, down = (
                        (pp.bid_multiplier_up, pp.bid_multiplier_down) if side == "BUY"
                        else (pp.ask_multiplier_up, pp.ask_multiplier_down)
                    )  # fmt: skip
                else:
                    continue
                out.append(_Con(pp.filter_type, Span(m * Fraction(down), m * Fraction(up))))
        return out

    def stop_cons(self) -> list[_Con]:
        pf = self.symbol.filter(PriceFilter)
        if pf is None:
            return []
        return [_bounds("PRICE_FILTER", pf.min_price, pf.max_price,
                        price_grid(pf, self.server_time))]  # fmt: skip

    def lot_cons(self, order_type: str, *, iceberg: bool = False) -> list[_Con]:
        out: list[_Con] = []
        lot = self.symbol.filter(LotSizeFilter)
        if lot is not None:  # D09: every quantity, and icebergQty
            out.append(_bounds("LOT_SIZE", lot.min_qty, lot.max_qty,
                               quantity_grid(lot, self.server_time)))  # fmt: skip
        mls = self.symbol.filter(MarketLotSizeFilter)
        if mls is not None and order_type in MARKET_LIKE and not iceberg:
            out.append(_bounds("MARKET_LOT_SIZE", mls.min_qty, mls.max_qty,
                               quantity_grid(mls, self.server_time)))  # fmt: skip
        return out

    def notional_cons(self, order_type: str, price: Decimal | None) -> list[_Con]:
        """Constraints on the quantity from the notional filters, given the price."""
        out: list[_Con] = []
        market = order_type in MARKET_LIKE
        prices = _market_prices(self.context) if market else [price] if price else []
        for nf in self.symbol.filters:
            if isinstance(nf, MinNotionalFilter):
                if market and not nf.apply_to_market:  # D28: absent means not for MARKET
                    continue
                lo, hi = nf.min_notional, ZERO
            elif isinstance(nf, NotionalFilter):
                lo = nf.min_notional if not market or nf.apply_min_to_market else ZERO
                hi = nf.max_notional if not market or nf.apply_max_to_market else ZERO
            else:
                continue
            for p in prices:
                assert p is not None
                f = Fraction(p)
                low = Fraction(lo) / f if lo else None
                high = Fraction(hi) / f if hi else None
                out.append(_Con(nf.filter_type, Span(low, high)))
        return out

    def quote_cons(self) -> list[_Con]:
        """Constraints on ``quoteOrderQty``: the notional filters applied to MARKET (D11)."""
        out: list[_Con] = []
        for nf in self.symbol.filters:
            if isinstance(nf, MinNotionalFilter) and nf.apply_to_market:
                out.append(_bounds(nf.filter_type, nf.min_notional, ZERO))
            elif isinstance(nf, NotionalFilter):
                out.append(_bounds(
                    nf.filter_type,
                    nf.min_notional if nf.apply_min_to_market else ZERO,
                    nf.max_notional if nf.apply_max_to_market else ZERO,
                ))  # fmt: skip
        return out

    def position_cons(self, side: str) -> list[_Con]:
        mp = self.symbol.filter(MaxPositionFilter)
        context = self.context
        if side != "BUY" or mp is None or context is None or context.base_position is None:
            return []
        return [_Con("MAX_POSITION", Span(None, Fraction(mp.max_position - context.base_position)))]


def _anchor(values: list[Decimal], fallback: Decimal) -> Fraction:
    return Fraction(values[0] if values else fallback)


def _cap(anchor: Fraction) -> Span:
    # Values stay within a factor 10**4 of a sensible level, above 0, and under 10**20.
    return Span(anchor / 10**4, min(anchor * 10**4, _FRACTION_LIMIT), lo_open=True)


_NO_GRID = Grid(ZERO)


def _grid_of(cons: list[_Con]) -> Grid | None:
    # The grid of every constraint at once (a zero step when there is none), or
    # None when no value is on all of them.
    grid: Grid | None = _NO_GRID
    for c in cons:
        if c.grid is not None and grid is not None:
            grid = grid.intersect(c.grid)
    return grid


def _solve(draw: Draw, cons: list[_Con], cap: Span, target: str | None = None) -> Decimal | None:
    """A value inside every constraint not from ``target``, and outside one from it."""
    others = [c for c in cons if c.rule != target]
    span = cap
    for c in others:
        span = span.meet(c.span)
    grid = _grid_of(others)
    if grid is None:
        return None
    if span.lo is None or span.hi is None or span.lo > span.hi:
        return None
    step, origin = grid.step, grid.origin
    breaks = [c for c in cons if c.rule == target]
    if target is None:
        return draw_in(draw, span, step, origin)
    options: list[tuple[Span, Grid | None]] = []
    feasible: list[tuple[Span, Grid, Grid | None]] = []
    # Outside the union of the rule's intervals (one per market price, rule 4 of
    # the module docstring), so that the rule fails whichever price is used.
    lows = [c.span.lo for c in breaks if c.span.lo is not None]
    highs = [c.span.hi for c in breaks if c.span.hi is not None]
    if lows and len(lows) == len(breaks):
        options.append((span.meet(Span(None, min(lows), hi_open=True)), None))
    if highs and len(highs) == len(breaks):
        options.append((span.meet(Span(max(highs), None, lo_open=True)), None))
    options.extend((span, c.grid) for c in breaks if c.grid is not None)
    for sub, off in options:
        if sub.lo is None or sub.hi is None or sub.lo > sub.hi:
            continue
        if off is not None:
            fine = Grid(off.step / 10, off.origin)
            both = grid.intersect(fine)
            if both is None or grid_indices(sub, both.step, both.origin) is None:
                continue
            feasible.append((sub, both, off))
        else:
            if step and grid_indices(sub, step, origin) is None:
                continue
            feasible.append((sub, grid, None))
    if not feasible:
        return None
    sub, on, off = draw(st.sampled_from(feasible))
    exclude = (lambda v: off.contains(v)) if off is not None else None
    return draw_in(draw, sub, on.step, on.origin, exclude=exclude)


def _count_full(limit_filter: Any, attr: str, open_now: int | None) -> bool:
    return (
        limit_filter is not None
        and open_now is not None
        and open_now + 1 > getattr(limit_filter, attr)
    )


def _exchange_filter(info: ExchangeInfo | None, cls: type[Any]) -> Any:
    return info.exchange_filter(cls) if info is not None else None


def _check_symbol(plan: _Plan) -> None:
    symbol, context, info = plan.symbol, plan.context, plan.info
    if symbol.status is not None and symbol.status != "TRADING":  # no status: not checked (D01)
        raise InvalidArgument(f"{symbol.symbol} is {symbol.status}: it accepts no order (D01)")
    if info is not None and symbol.symbol not in info:
        raise InvalidArgument(f"{symbol.symbol} is not a symbol of info")
    if context is None:
        return
    if _count_full(symbol.filter(MaxNumOrdersFilter), "max_num_orders", context.open_orders) or (
        _count_full(
            _exchange_filter(info, ExchangeMaxNumOrdersFilter),
            "max_num_orders",
            context.exchange_open_orders,
        )
    ):
        raise InvalidArgument("the context's open orders are at the maximum: no order passes")
    sets = required_permission_sets(symbol)
    held = context.permissions
    if held is not None and sets is not None and not all(held.intersection(s) for s in sets):
        raise InvalidArgument(f"the context's permissions cannot trade {symbol.symbol}")


def _types(plan: _Plan, order_types: Collection[str] | None) -> list[str]:
    symbol, context, info = plan.symbol, plan.context, plan.info
    found = [t for t in TYPES if symbol.order_types is None or t in symbol.order_types]
    if order_types is not None:
        found = [t for t in found if t in order_types]
    if context is not None and (
        _count_full(symbol.filter(MaxNumAlgoOrdersFilter), "max_num_algo_orders",
                    context.open_algo_orders)
        or _count_full(_exchange_filter(info, ExchangeMaxNumAlgoOrdersFilter),
                       "max_num_algo_orders", context.exchange_open_algo_orders)
    ):  # fmt: skip
        found = [t for t in found if t not in STOPS]
    return found


def _iceberg_possible(plan: _Plan) -> bool:
    symbol, context, info = plan.symbol, plan.context, plan.info
    if symbol.iceberg_allowed is False:
        return False
    return context is None or not (
        _count_full(symbol.filter(MaxNumIcebergOrdersFilter), "max_num_iceberg_orders",
                    context.open_iceberg_orders)
        or _count_full(_exchange_filter(info, ExchangeMaxNumIcebergOrdersFilter),
                       "max_num_iceberg_orders", context.exchange_open_iceberg_orders)
    )  # fmt: skip


def _applies(plan: _Plan, rule: str, order_type: str, side: str) -> bool:
    """Whether breaking ``rule`` can make sense for this type and side (cheap, necessary)."""
    symbol, context = plan.symbol, plan.context
    if rule == "PRICE_FILTER":
        return symbol.filter(PriceFilter) is not None and (
            order_type in PRICED or order_type in STOPS
        )
    if rule in ("PERCENT_PRICE", "PERCENT_PRICE_BY_SIDE"):
        return order_type in PRICED and symbol.filter(rule) is not None and _checked_prices(context)
    if rule == "LOT_SIZE":
        return symbol.filter(LotSizeFilter) is not None
    if rule == "MARKET_LOT_SIZE":
        return order_type in MARKET_LIKE and symbol.filter(MarketLotSizeFilter) is not None
    if rule in ("MIN_NOTIONAL", "NOTIONAL"):
        return symbol.filter(rule) is not None and (
            order_type in PRICED or _checked_prices(context)
        )
    if rule == "ICEBERG_PARTS":
        return (
            order_type in ICEBERG_TYPES
            and symbol.filter(IcebergPartsFilter) is not None
            and (_iceberg_possible(plan))
        )
    if rule == "MAX_POSITION":
        return side == "BUY" and bool(plan.position_cons(side))
    if rule == "TRAILING_DELTA":
        return (
            order_type in STOPS
            and symbol.filter(TrailingDeltaFilter) is not None
            and (symbol.allow_trailing_stop is not False)
        )
    return False


@st.composite
def _orders(
    draw: Draw,
    plan: _Plan,
    breaking: str | None,
    order_types: Collection[str] | None,
) -> Order:
    _check_symbol(plan)
    pairs = [(t, s) for t in _types(plan, order_types) for s in ("BUY", "SELL")]
    if breaking is not None:
        pairs = [(t, s) for t, s in pairs if _applies(plan, breaking, t, s)]
    if not pairs:
        raise InvalidArgument(
            f"no order type of {plan.symbol.symbol} can "
            + (f"break {breaking} alone" if breaking else "pass")
            + " with this symbol and context"
        )
    order_type, side = draw(st.sampled_from(pairs))
    order = _build(draw, plan, order_type, side, breaking)
    if order is None:
        reject()  # this draw found no value; another draw will
    return order


def _build(
    draw: Draw, plan: _Plan, order_type: str, side: str, breaking: str | None
) -> Order | None:
    symbol, context = plan.symbol, plan.context
    values: dict[str, Any] = {"symbol": symbol.symbol, "side": side, "type": order_type}
    market_prices = _market_prices(context)
    pf = symbol.filter(PriceFilter)
    fallback = pf.min_price * 10 if pf is not None and pf.min_price else Decimal(1)
    price_anchor = _anchor(market_prices, fallback)
    # The shape (timeInForce, iceberg chance, quoteOrderQty chance) is drawn the
    # same way for every type, whether it uses it or not: a MARKET order needs
    # no price, and would otherwise be a shorter, so simpler, choice sequence
    # than a LIMIT one. So the simplest order is the first pair: a LIMIT BUY.
    time_in_force = draw(st.sampled_from(("GTC", "IOC", "FOK")))
    iceberg_chance = draw(st.integers(0, 4))
    if order_type in WITH_TIF:
        values["time_in_force"] = time_in_force
    price: Decimal | None = None
    if order_type in PRICED:
        price = _solve(draw, plan.price_cons(side), _cap(price_anchor), _target(breaking, "price"))
        if price is None:
            return None
        values["price"] = price
    if order_type in STOPS:
        trailing = _trailing(draw, plan, order_type, side, breaking)
        use_stop = trailing is None or draw(st.booleans())
        if breaking == "PRICE_FILTER" and order_type not in PRICED:
            use_stop = True
        if use_stop:
            target = "PRICE_FILTER" if breaking == "PRICE_FILTER" and price is None else None
            stop = _solve(draw, plan.stop_cons(), _cap(price_anchor), target)
            if stop is None:
                return None
            values["stop_price"] = stop
        if trailing is not None:
            values["trailing_delta"] = trailing
        elif breaking == "TRAILING_DELTA":
            return None
    lot = symbol.filter(LotSizeFilter)
    qty_anchor = _anchor([], lot.min_qty * 10 if lot is not None and lot.min_qty else Decimal(1))
    quote_chance = draw(st.integers(0, 3)) if order_type == "MARKET" else 0  # stands for a price
    use_quote = (
        order_type == "MARKET" and symbol.quote_order_qty_market_allowed is not False
        and breaking in (None, "MIN_NOTIONAL", "NOTIONAL") and quote_chance == 3
    )  # fmt: skip
    if use_quote:
        quote = _solve(draw, plan.quote_cons(), _cap(Fraction(10)), breaking)
        if quote is None or (breaking and not _quote_breaks(plan, breaking)):
            return None
        values["quote_order_qty"] = quote
        return _finish(draw, plan, values)
    cons = (
        plan.lot_cons(order_type) + plan.notional_cons(order_type, price)
        + plan.position_cons(side)
    )  # fmt: skip
    quantity = _solve(draw, cons, _cap(qty_anchor), _target(breaking, "quantity"))
    if quantity is None:
        return None
    values["quantity"] = quantity
    wants_iceberg = breaking == "ICEBERG_PARTS" or (
        breaking is None and order_type in ICEBERG_TYPES and iceberg_chance == 4
    )
    if wants_iceberg and order_type in ICEBERG_TYPES and _iceberg_possible(plan):
        iceberg = _iceberg(draw, plan, order_type, quantity, breaking)
        if iceberg is None:
            if breaking == "ICEBERG_PARTS":
                return None
        else:
            values["iceberg_qty"] = iceberg
            if "time_in_force" in values:
                values["time_in_force"] = "GTC"  # D06
    return _finish(draw, plan, values)


def _quote_breaks(plan: _Plan, rule: str) -> bool:
    return any(c.rule == rule for c in plan.quote_cons())


def _target(breaking: str | None, value: str) -> str | None:
    on_price = {"PRICE_FILTER", "PERCENT_PRICE", "PERCENT_PRICE_BY_SIDE"}
    on_quantity = {"LOT_SIZE", "MARKET_LOT_SIZE", "MIN_NOTIONAL", "NOTIONAL", "MAX_POSITION"}
    if value == "price":
        return breaking if breaking in on_price else None
    return breaking if breaking in on_quantity else None


def _trailing(
    draw: Draw, plan: _Plan, order_type: str, side: str, breaking: str | None
) -> int | None:
    if plan.symbol.allow_trailing_stop is False:
        return None
    td = plan.symbol.filter(TrailingDeltaFilter)
    if breaking != "TRAILING_DELTA" and not draw(st.booleans()):  # none first
        return None
    if td is None:
        return None if breaking == "TRAILING_DELTA" else draw(st.integers(10, 2000))
    above = (order_type, side) in ABOVE
    lo = td.min_trailing_above_delta if above else td.min_trailing_below_delta
    hi = td.max_trailing_above_delta if above else td.max_trailing_below_delta
    if breaking != "TRAILING_DELTA":
        return draw(st.integers(lo, hi)) if lo <= hi else None
    options = []
    if lo > 1:
        options.append(st.integers(1, lo - 1))
    options.append(st.integers(hi + 1, hi + 10_000))
    return int(draw(st.one_of(options)))


def _iceberg(
    draw: Draw, plan: _Plan, order_type: str, quantity: Decimal, breaking: str | None
) -> Decimal | None:
    cons = plan.lot_cons(order_type, iceberg=True)
    cons.append(_Con("D07", Span(None, Fraction(quantity), hi_open=True)))  # below quantity
    parts = plan.symbol.filter(IcebergPartsFilter)
    if parts is not None:  # D14: CEIL(quantity / icebergQty) <= limit
        cons.append(_Con("ICEBERG_PARTS", Span(Fraction(quantity) / parts.limit, None)))
    target = "ICEBERG_PARTS" if breaking == "ICEBERG_PARTS" else None
    return _solve(draw, cons, _cap(Fraction(quantity)), target)


def _finish(draw: Draw, plan: _Plan, values: dict[str, Any]) -> Order:
    modes = plan.symbol.allowed_self_trade_prevention_modes
    if modes and draw(st.booleans()):
        values["self_trade_prevention_mode"] = draw(st.sampled_from(modes))
    return Order(**values)


def orders_from_symbol(
    symbol: SymbolInfo,
    *,
    info: ExchangeInfo | None = None,
    context: Context | None = None,
    breaking: str | None = None,
    order_types: Collection[str] | None = None,
) -> st.SearchStrategy[Order]:
    """Orders for ``symbol`` that pass every rule, or that break exactly one.

    Built from the rules themselves (never by asking the checker): price on the
    tick inside PRICE_FILTER and inside the percent band around every market
    price in ``context``; quantity on the LOT_SIZE (and, for MARKET-like orders,
    MARKET_LOT_SIZE) step inside their bounds; notional inside MIN_NOTIONAL and
    NOTIONAL; MAX_POSITION room for a BUY; sometimes an iceberg, a trailing
    delta, a ``quoteOrderQty`` or an STP mode. The grids are those of the era of
    ``info.serverTime`` (D17).

    Args:
        symbol: a TRADING symbol, or one without ``status`` (not checked, D01).
        info: the snapshot holding ``symbol`` (its serverTime and exchange filters);
            ``None`` means today's rules and no exchange filters.
        context: the market and account context the order will be checked with;
            its counts must leave room for one more order.
        breaking: a rule of :data:`BREAKABLE` (``"LOT_SIZE"``, ``"NOTIONAL"``, ...):
            the order breaks that rule, and only that one.
        order_types: the order types to draw from (default: all the symbol allows).

    Shrinks toward a LIMIT BUY, GTC, at the lowest valid price and quantity,
    with no iceberg and no STP mode; when LIMIT is not allowed, toward a MARKET
    BUY of the lowest valid quantity. (Every type draws the same shape of
    choices, so that a MARKET order, which needs no price, does not shrink
    ahead of a LIMIT one; the extras are drawn at the high end of their chance.)

    Raises:
        InvalidArgument: ``breaking`` is not breakable, or ``info``/``context``
            have the wrong type; at draw time, the symbol has a status other than
            TRADING, the context leaves no room for an order, or no order type can
            pass (or break ``breaking`` alone) here.
    """
    if not isinstance(symbol, SymbolInfo):
        raise InvalidArgument(f"symbol={symbol!r} must be a SymbolInfo")
    if info is not None and not isinstance(info, ExchangeInfo):
        raise InvalidArgument(f"info={info!r} must be an ExchangeInfo or None")
    if context is not None and not isinstance(context, Context):
        raise InvalidArgument(f"context={context!r} must be a Context or None")
    if breaking is not None and breaking not in BREAKABLE:
        raise InvalidArgument(f"breaking={breaking!r} is not one of {BREAKABLE}")
    if order_types is not None and (
        isinstance(order_types, str) or not set(order_types) <= set(TYPES)
    ):
        raise InvalidArgument(f"order_types={order_types!r} must be a collection of {TYPES}")
    return _orders(_Plan(symbol, info, context), breaking, order_types)


def breakable_rules(
    symbol: SymbolInfo, *, info: ExchangeInfo | None = None, context: Context | None = None
) -> frozenset[str]:
    """The rules of :data:`BREAKABLE` that :func:`orders_from_symbol` may break alone here.

    A necessary condition, cheap to compute: the filter is present and applies to
    some allowed order type under ``context``. A rule whose bounds leave no room
    to break it alone (a disabled bound, a band wider than PRICE_FILTER) makes
    the strategy reject draws, as ``assume`` does.
    """
    plan = _Plan(symbol, info, context)
    types = _types(plan, None)
    return frozenset(
        rule
        for rule in BREAKABLE
        for t in types
        for s in ("BUY", "SELL")
        if _applies(plan, rule, t, s)
    )
