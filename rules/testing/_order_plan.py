"""What a symbol's rules ask of an order, as constraints per value: :class:`_Plan`.

Built once per symbol (and context) by :mod:`rules.testing._orders`, from the
filters (step 1 of its recipe); the solver is :mod:`rules.testing._constraints`.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
from hypothesis.errors import InvalidArgument

from rules.checker.context import Context
from rules.checker.permissions import required_permission_sets
from rules.fixer.rounding import price_grid, quantity_grid
from rules.model.models import (
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
from rules.testing._constraints import (
    _NOWHERE,
    _bounds,
    _checked_prices,
    _Con,
    _ends,
    _grid_of,
    _market_prices,
    _meet,
    _precision,
)
from rules.testing._values import ZERO, Span

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


def _target(breaking: str | None, value: str) -> str | None:
    on_price = {"PRICE_FILTER", "PERCENT_PRICE", "PERCENT_PRICE_BY_SIDE"}
    on_quantity = {"LOT_SIZE", "MARKET_LOT_SIZE", "MIN_NOTIONAL", "NOTIONAL", "MAX_POSITION"}
    if value == "price":
        return breaking if breaking in on_price else None
    return breaking if breaking in on_quantity else None


@attrs.frozen(repr=False)
class _Plan:
    symbol: SymbolInfo
    info: ExchangeInfo | None
    context: Context | None

    def __repr__(self) -> str:
        # Hypothesis writes the strategy's repr into errors and notes, with
        # this plan in it: a whole snapshot would weigh megabytes.
        info = self.info
        held = "None" if info is None else (
            f"<ExchangeInfo: {len(info.symbols)} symbols, serverTime={info.server_time}>"
        )  # fmt: skip
        return f"_Plan(symbol={self.symbol.symbol!r}, info={held}, context={self.context!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis' pretty printer would otherwise walk the attrs fields.
        printer.text(repr(self))

    def price_fallback(self) -> Fraction:
        """A sensible price level when no rule bounds the price from below."""
        market = _market_prices(self.context)
        if market:
            return Fraction(market[0])
        pf = self.symbol.filter(PriceFilter)
        return Fraction(pf.min_price * 10 if pf is not None and pf.min_price else Decimal(1))

    def quantity_fallback(self) -> Fraction:
        lot = self.symbol.filter(LotSizeFilter)
        return Fraction(lot.min_qty * 10 if lot is not None and lot.min_qty else Decimal(1))

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
        out.extend(_precision(self.symbol.quote_places))
        return out

    def stop_cons(self) -> list[_Con]:
        out = _precision(self.symbol.quote_places)
        pf = self.symbol.filter(PriceFilter)
        if pf is not None:
            out.append(_bounds("PRICE_FILTER", pf.min_price, pf.max_price,
                               price_grid(pf, self.server_time)))  # fmt: skip
        return out

    def lot_cons(self, order_type: str, *, iceberg: bool = False) -> list[_Con]:
        out = _precision(self.symbol.base_asset_precision)
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
        out = _precision(self.symbol.quote_places)
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

    def iceberg_room(self, order_type: str) -> list[_Con]:
        """To break ICEBERG_PARTS, room in the quantity for an icebergQty below quantity / limit."""
        parts = self.symbol.filter(IcebergPartsFilter)
        if parts is None:
            return []
        lot = self.lot_cons(order_type, iceberg=True)
        grid = _grid_of(lot)
        ends = None if grid is None else _ends(_meet(lot), grid)
        if ends is None:
            return [_NOWHERE]
        return [_Con("ROOM", Span(ends[0] * parts.limit, None, lo_open=True))] if ends[0] else []

    def quantity_cons(
        self, order_type: str, side: str, price: Decimal | None, breaking: str | None
    ) -> list[_Con]:
        cons = (
            self.lot_cons(order_type) + self.notional_cons(order_type, price)
            + self.position_cons(side)
        )  # fmt: skip
        if breaking == "ICEBERG_PARTS":
            cons += self.iceberg_room(order_type)
        return cons

    def price_room(
        self, order_type: str, side: str, breaking: str | None, low: bool = True
    ) -> list[_Con]:
        """Prices at which a quantity can be drawn as ``breaking`` asks (rule 2 of the module).

        The quantity's own rules give its lowest and highest values on the step,
        ``first`` and ``last``; a notional band then needs a price between
        ``minNotional / last`` and ``maxNotional / first``. To break a notional
        rule, the price is put below ``minNotional / first`` (``low``) or above
        ``maxNotional / last``.
        """
        target = _target(breaking, "quantity")
        static = self.lot_cons(order_type) + self.position_cons(side)
        if breaking == "ICEBERG_PARTS":
            static += self.iceberg_room(order_type)
        if target == "MAX_POSITION":
            cap = _meet([c for c in static if c.rule == target]).hi
            static = [c for c in static if c.rule != target]
            static.append(_Con("ROOM", Span(cap, None, lo_open=True)))
        grid = _grid_of(static)
        ends = None if grid is None else _ends(_meet(static), grid)
        if ends is None:
            return [_NOWHERE]
        first, last = ends
        out: list[_Con] = []
        for nf in self.symbol.filters:
            if not isinstance(nf, MinNotionalFilter | NotionalFilter):
                continue
            lo = Fraction(nf.min_notional)
            hi = Fraction(nf.max_notional) if isinstance(nf, NotionalFilter) else Fraction(0)
            if nf.filter_type == target:
                if low and lo:
                    out.append(_Con("ROOM", Span(None, lo / first if first else None,
                                                 hi_open=True)))  # fmt: skip
                elif not low and hi:
                    out.append(_Con("ROOM", Span(hi / last, None, lo_open=True)))
                else:
                    return [_NOWHERE]
                continue
            if lo:
                out.append(_Con("ROOM", Span(lo / last, None)))
            if hi and first:
                out.append(_Con("ROOM", Span(None, hi / first)))
        return out


#: How far above the lowest allowed value (or below the bound broken) values reach.
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
