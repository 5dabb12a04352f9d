"""The fixer's moves: :class:`Fixer` takes one parsed order's numbers onto the
grid and into every bound, as :mod:`rules.fixer.propose` describes, and records each
:class:`~rules.fixer.proposal.Change`; :class:`NoOrder` carries the reason when no
passing value exists.

Pure: no I/O; arithmetic is exact (:mod:`rules.model.numbers`, :mod:`rules.fixer.rounding`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from rules.checker.context import Context
from rules.checker.eras import Era, market_price
from rules.checker.kinds import OrderKind
from rules.checker.order import ParsedOrder
from rules.fixer.limits import Bound, at_least, at_most, feasible, on_the_wire, precision_grid
from rules.fixer.proposal import Change, show
from rules.fixer.rounding import Grid, price_grid, quantity_grid, symbol_quantity_grid
from rules.model.models import (
    ExchangeInfo,
    IcebergPartsFilter,
    LotSizeFilter,
    MarketLotSizeFilter,
    MaxPositionFilter,
    MinNotionalFilter,
    NotionalFilter,
    PercentPriceBySideFilter,
    PercentPriceFilter,
    PriceFilter,
    SymbolInfo,
    TrailingDeltaFilter,
)
from rules.model.numbers import UNBOUNDED

__all__ = ["Fixer", "NoOrder"]

_ZERO: Final = Decimal(0)


class NoOrder(Exception):
    """Raised inside the fixer when no passing value exists; carries the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _binding(bound: Bound) -> tuple[Decimal, Decimal, bool]:
    """Which low bound to name when several move to the same point: the greatest
    value, then the greatest limit (the minimum that binds), then a filter's own
    limit over a derived one (``icebergQty > 0``)."""
    return (
        bound.value,
        bound.limit if bound.limit is not None else bound.value,
        bool(bound.filter_type),
    )


def _grid_name(ticks: Grid, grid: Grid, name: str = "tickSize") -> str:
    """The grid a value was moved onto, for people: the tick's (step's), or, when
    the asset's precision (D38) or D29's 20 places cut it, what is left of it."""
    named = name if " " in name else f"{name} {show(ticks.step)}"
    if grid.step == ticks.step:
        return named
    places = max(0, -int(UNBOUNDED.normalize(grid.step).as_tuple().exponent))
    if places < 20:
        why = f"{places} decimal places (the asset's precision; more is -1111, D38)"
    else:
        why = "20 decimal places (D29: at most 20 fraction digits)"
    return why if not ticks.step else f"the points of {named} with at most {why}"


class Fixer:
    """Moves one parsed order's numbers, records each :class:`Change`, raises :class:`NoOrder`."""

    def __init__(
        self,
        info: ExchangeInfo,
        symbol: SymbolInfo,
        order: ParsedOrder,
        kind: OrderKind,
        context: Context,
        allow_increase: bool,
        allow_worse_price: bool,
    ) -> None:
        self.server_time = info.server_time
        self.era = Era.at(info.server_time)
        self.symbol = symbol
        self.order = order
        self.kind = kind
        self.context = context
        self.allow_increase = allow_increase
        self.allow_worse_price = allow_worse_price
        self.changes: list[Change] = []

    def run(self) -> dict[str, tuple[Decimal, Decimal]]:
        """The wire name -> (value, step for formatting) of every number the order has."""
        order, out = self.order, {}
        price_filter = self.symbol.filter(PriceFilter)
        tick = price_filter.tick_size if price_filter is not None else _ZERO
        price = order.price
        if price is not None:
            if self.kind.priced and order.side in ("BUY", "SELL"):
                price = self._price(price, price_filter)
            out["price"] = (price, tick)
        if order.stop_price is not None:
            out["stopPrice"] = (self._stop_price(order.stop_price, price_filter), tick)
        lot = self.symbol.filter(LotSizeFilter)
        step = lot.step_size if lot is not None else _ZERO
        if order.quantity is not None:
            quantity = self._quantity(order.quantity, price if self.kind.priced else None)
            out["quantity"] = (quantity, step)
        iceberg = order.iceberg_qty
        if iceberg and order.quantity is not None:  # icebergQty 0 is no iceberg (D08)
            out["icebergQty"] = (self._iceberg(iceberg, out["quantity"][0], lot), step)
        elif iceberg is not None:
            out["icebergQty"] = (iceberg, step)
        if order.quote_order_qty is not None:
            quote = order.quote_order_qty
            if self.kind.name == "MARKET" and order.quantity is None:
                quote = self._quote_order_qty(quote)
            out["quoteOrderQty"] = (quote, _ZERO)
        if order.trailing_delta is not None:
            delta = self._trailing_delta(order.trailing_delta)
            out["trailingDelta"] = (Decimal(delta), Decimal(1))
        return out

    def _trailing_delta(self, delta: int) -> int:
        """TRAILING_DELTA: the nearest ``trailingDelta`` within the side's bounds (D34).

        Which bounds apply is the checker's rule
        (:func:`rules.checker.quantity_filters.check_trailing_delta`): the "above" ones when
        the order's side is the type's ``above_side``.
        """
        f = self.symbol.filter(TrailingDeltaFilter)
        side = self.order.side
        if f is None or self.kind.above_side is None or side not in ("BUY", "SELL"):
            return delta
        if side == self.kind.above_side:
            low, high, which = f.min_trailing_above_delta, f.max_trailing_above_delta, "Above"
        else:
            low, high, which = f.min_trailing_below_delta, f.max_trailing_below_delta, "Below"
        if high and low > high:
            raise NoOrder(
                f"no trailingDelta passes: minTrailing{which}Delta {low} is above "
                f"maxTrailing{which}Delta {high}"
            )
        new, why = delta, ""
        if delta < low:
            new, why = low, f"raised to minTrailing{which}Delta {low}"
        elif high and delta > high:
            new, why = high, f"lowered to maxTrailing{which}Delta {high}"
        self._change("trailingDelta", Decimal(delta), Decimal(new), "TRAILING_DELTA", why)
        return new

    def _sendable(self, grid: Grid, field: str, name: str) -> Grid:
        """The points of ``grid`` that can be sent: at most 20 places (D29), and no more
        than the asset's precision (D38: more is -1111), when the snapshot gives it."""
        wire = on_the_wire(grid)
        if wire is None:
            raise NoOrder(
                f"no {field} passes: no multiple of {name} has at most 20 decimal places "
                "(D29: more is -1100 Illegal characters)"
            )
        base = field in ("quantity", "icebergQty")
        places = self.symbol.base_asset_precision if base else self.symbol.quote_places
        if places is None:
            return wire
        sendable = wire.intersect(precision_grid(places))
        if sendable is None:
            precision = "baseAssetPrecision" if base else "quoteAssetPrecision"
            raise NoOrder(
                f"no {field} passes: no multiple of {name} has at most {places} decimal places "
                f"({precision} {places}; more is -1111 too much precision)"
            )
        return sendable

    def _change(
        self, field: str, old: Decimal, new: Decimal, filter_type: str | None, why: str
    ) -> None:
        if new != old:
            self.changes.append(Change(field, old, new, filter_type, why))

    # ------------------------------------------------------------------ price

    def _price_bounds(self, price_filter: PriceFilter | None) -> tuple[list[Bound], list[Bound]]:
        lows: list[Bound] = []
        highs: list[Bound] = []
        if price_filter is not None:
            if price_filter.min_price:
                lows.append(
                    Bound(
                        price_filter.min_price,
                        "PRICE_FILTER",
                        f"PRICE_FILTER minPrice {show(price_filter.min_price)}",
                    )
                )
            if price_filter.max_price:
                highs.append(
                    Bound(
                        price_filter.max_price,
                        "PRICE_FILTER",
                        f"PRICE_FILTER maxPrice {show(price_filter.max_price)}",
                    )
                )
        side = self.order.side
        for band in (
            self.symbol.filter(PercentPriceFilter),
            self.symbol.filter(PercentPriceBySideFilter),
        ):
            if band is None:
                continue
            if isinstance(band, PercentPriceFilter):
                up, up_name = band.multiplier_up, "multiplierUp"
                down, down_name = band.multiplier_down, "multiplierDown"
            elif side == "BUY":
                up, up_name = band.bid_multiplier_up, "bidMultiplierUp"
                down, down_name = band.bid_multiplier_down, "bidMultiplierDown"
            else:
                up, up_name = band.ask_multiplier_up, "askMultiplierUp"
                down, down_name = band.ask_multiplier_down, "askMultiplierDown"
            reference = market_price(band.avg_price_mins, self.context, self.era)
            if reference is None:
                continue  # D18: the checker lists the band as unchecked
            name = f"{band.filter_type} band ({self._price_name(band.avg_price_mins)} "
            if up:
                high = UNBOUNDED.multiply(reference, up)
                highs.append(
                    Bound(
                        high,
                        band.filter_type,
                        f"{name}{show(reference)} × {up_name} {show(up)} = {show(high)})",
                    )
                )
            if down:
                low = UNBOUNDED.multiply(reference, down)
                lows.append(
                    Bound(
                        low,
                        band.filter_type,
                        f"{name}{show(reference)} × {down_name} {show(down)} = {show(low)})",
                    )
                )
        return lows, highs

    def _price_name(self, avg_price_mins: int | None) -> str:
        # Which context price market_price() chose (D18), for the explanations.
        if self.era.reference_price and self.context.reference_price is not None:
            return "referencePrice"
        return "lastPrice" if avg_price_mins == 0 else "avgPrice"

    def _price(self, price: Decimal, price_filter: PriceFilter | None) -> Decimal:
        ticks = price_grid(price_filter, self.server_time) if price_filter else Grid(_ZERO)
        tick = f"tickSize {show(ticks.step)}"
        grid = self._sendable(ticks, "price", tick)
        lows, highs = self._price_bounds(price_filter)
        low = max(lows, key=lambda b: b.value, default=None)
        high = min(highs, key=lambda b: b.value, default=None)
        first, last = feasible(grid, low, high, least_positive=bool(ticks.step))
        zero_tick = tick
        tick = _grid_name(ticks, grid)
        if first is not None and last is not None and first > last:
            assert low is not None
            assert high is not None
            between = f"there is no multiple of {tick}" if ticks.step else "there is no price"
            raise NoOrder(f"no price passes: between {low.text} and {high.text} {between}")
        side = "BUY" if self.order.side == "BUY" else "SELL"
        if side == "BUY":
            target = min(price, high.value) if high is not None else price
            new = grid.round(target, "floor") if grid.step else target
            if first is not None and new < first:
                return self._worse_price(price, first, low, "BUY", "higher")
        else:
            target = max(price, low.value) if low is not None else price
            new = grid.round(target, "ceil") if grid.step else target
            if first is not None and new < first:  # a SELL price of 0 goes up to a tick
                new = first
            if last is not None and new > last:
                return self._worse_price(price, last, high, "SELL", "lower")
        if new <= 0:  # only without a tick and a minimum: there is no least positive price
            raise NoOrder(
                f"{side} price {show(price)} is not positive (D37: Price * QTY is zero or less.), "
                f"and with {zero_tick} and no minPrice there is no least price to move to"
            )
        self._change("price", price, new, *self._price_why(price, target, new, low, high, tick))
        return new

    def _price_why(
        self,
        price: Decimal,
        target: Decimal,
        new: Decimal,
        low: Bound | None,
        high: Bound | None,
        tick: str,
    ) -> tuple[str | None, str]:
        buy = self.order.side == "BUY"
        if target == price:
            direction = "down" if buy else "up"
            side = "a BUY limit never goes up" if buy else "a SELL limit never goes down"
            return "PRICE_FILTER", f"rounded {direction} to {tick} ({side})"
        bound = high if buy else low
        assert bound is not None
        moved = "lowered to" if buy else "raised to"
        on_grid = "" if new == target else f", then onto {tick}"
        return bound.filter_type, f"{moved} {bound.text}{on_grid}"

    def _worse_price(
        self, price: Decimal, nearest: Decimal, bound: Bound | None, side: str, way: str
    ) -> Decimal:
        where = bound.text if bound else "the tick grid"
        relation = "below" if side == "BUY" else "above"
        if not self.allow_worse_price:
            raise NoOrder(
                f"{side} price {show(price)} is {relation} {where}: the nearest passing price, "
                f"{show(nearest)}, is {way}, which would worsen the limit "
                "(pass allow_worse_price=True to accept it)"
            )
        why = f"moved to {show(nearest)} past the limit to reach {where} (allow_worse_price)"
        self._change("price", price, nearest, bound.filter_type if bound else None, why)
        return nearest

    def _stop_price(self, stop: Decimal, price_filter: PriceFilter | None) -> Decimal:
        if price_filter is None:
            return stop
        low, high = price_filter.min_price, price_filter.max_price

        def outside(value: Decimal) -> bool:
            return bool((low and value < low) or (high and value > high))

        if outside(stop):
            raise NoOrder(
                f"stopPrice {show(stop)} is outside PRICE_FILTER's [minPrice {show(low)}, "
                f"maxPrice {show(high)}]; the fixer does not move a trigger across a bound"
            )
        if not price_filter.tick_size:
            return stop
        ticks = price_grid(price_filter, self.server_time)
        grid = self._sendable(ticks, "stopPrice", f"tickSize {show(ticks.step)}")
        new = grid.round(stop, "half_even")
        if outside(new):  # the nearest tick is across a bound: take the other neighbour
            new = grid.round(stop, "ceil" if new < stop else "floor")
        if outside(new):
            raise NoOrder(
                f"no stopPrice passes near {show(stop)}: no multiple of tickSize "
                f"{show(price_filter.tick_size)} lies between minPrice and maxPrice there"
            )
        self._change(
            "stopPrice",
            stop,
            new,
            "PRICE_FILTER",
            f"rounded to the nearest {_grid_name(ticks, grid)}",
        )
        return new

    # ------------------------------------------------------------------ amounts

    def _settle(
        self, field: str, original: Decimal, start: Decimal, lows: list[Bound],
        highs: list[Bound], *, raise_ok: bool, raise_why: str, hint: str,
    ) -> Decimal:  # fmt: skip
        """Move ``start`` under every high bound, then over every low bound (if allowed).

        A bound the value already keeps (decided exactly, on the rule itself) moves nothing.
        """
        # The rounding onto the grid, if any, is the last change so far: name it in reasons.
        rounded = "" if start == original else f" ({self.changes[-1].why}: {show(start)})"
        new = start
        high = min(highs, key=lambda b: b.value, default=None)
        if high is not None and not all(b.keeps_high(new) for b in highs):
            self._change(
                field, new, high.value, high.filter_type, f"lowered to stay within {high.text}"
            )
            new = high.value
        if all(b.keeps_low(new) for b in lows):
            return new
        low = max(lows, key=_binding)
        if high is not None and low.value > high.value:
            raise NoOrder(
                f"no {field} passes: {low.text} needs at least {show(low.value)}, "
                f"but {high.text} allows at most {show(high.value)}"
            )
        if not raise_ok and not low.own_range:
            raise NoOrder(
                f"{field} {show(original)}{rounded} is below {low.text}: "
                f"the least passing {field} is {show(low.value)}{hint}"
            )
        why = f"raised to {low.text}" if low.own_range else raise_why.format(bound=low.text)
        self._change(field, new, low.value, low.filter_type, why)
        return low.value

    def _quantity(self, quantity: Decimal, price: Decimal | None) -> Decimal:
        market = self.kind.market
        grid = symbol_quantity_grid(self.symbol, server_time=self.server_time, market=market)
        if grid is None:
            raise NoOrder(
                "no quantity passes: no value is on both the LOT_SIZE and the MARKET_LOT_SIZE grid"
            )
        steps = grid
        step_name, step_filter = self._step_name(steps)
        grid = self._sendable(grid, "quantity", step_name) if grid.step else grid
        # A zero step (D12) still needs some grid to move on: the base asset's
        # precision (more places would be -1111 "too much precision").
        work = grid if grid.step else precision_grid(self.symbol.base_asset_precision)
        lows: list[Bound] = []
        highs: list[Bound] = []
        lot_filters: list[LotSizeFilter | MarketLotSizeFilter | None] = [
            self.symbol.filter(LotSizeFilter)
        ]
        if market:
            lot_filters.append(self.symbol.filter(MarketLotSizeFilter))
        for lot in lot_filters:
            if lot is None:
                continue
            name = lot.filter_type
            if lot.min_qty:
                text = f"{name} minQty {show(lot.min_qty)}"
                lows.append(at_least(work, lot.min_qty, name, text, own_range=True))
            if lot.max_qty:
                highs.append(at_most(work, lot.max_qty, name, f"{name} maxQty {show(lot.max_qty)}"))
        self._position_bound(work, highs)
        self._notional_bounds(work, price, lows, highs)
        # A positive quantity is never floored to 0, an order that trades nothing (for a
        # priced order, any 0 is D37's "Price * QTY is zero or less."): the range's least
        # value is positive. A MARKET 0 the checker accepts is left as sent.
        if self.kind.priced or quantity > 0:
            positive = "a positive quantity " + (
                "(D37)" if self.kind.priced else "(an order that trades nothing is never proposed)"
            )
            lows.append(at_least(work, _ZERO, None, positive, strict=True, own_range=True))
        # Without a step, a positive quantity that the asset's precision (D38) cuts to 0
        # is floored onto the precision here, so that it meets the bounds below (D37,
        # the notional); any other is left for the precision trim (-1111, D53).
        if not grid.step and quantity > 0 and work.round(quantity, "floor") <= 0:
            grid = work
        new = self._floor(quantity, grid, work, lows)
        self._change(
            "quantity", quantity, new, step_filter,
            f"rounded down to {_grid_name(steps, grid, step_name)}",
        )  # fmt: skip
        return self._settle(
            "quantity", quantity, new, lows, highs, raise_ok=self.allow_increase,
            raise_why="raised by whole steps to reach {bound} (allow_increase)",
            hint=" (pass allow_increase=True to raise it)",
        )  # fmt: skip

    def _step_name(self, grid: Grid) -> tuple[str, str]:
        """What a quantity's grid is, for people, and the filter it comes from: the
        LOT_SIZE step, the MARKET_LOT_SIZE step, or (a MARKET-type order, D10) the
        common grid of both, which no filter states."""
        lot = self.symbol.filter(LotSizeFilter)
        lot_step = lot.step_size if lot is not None else _ZERO
        market_lot = self.symbol.filter(MarketLotSizeFilter) if self.kind.market else None
        market_step = market_lot.step_size if market_lot is not None else _ZERO
        if not market_step:
            return f"stepSize {show(grid.step)}", "LOT_SIZE"
        if not lot_step:
            return f"MARKET_LOT_SIZE stepSize {show(market_step)}", "MARKET_LOT_SIZE"
        if grid.step == lot_step and grid.step == market_step:
            return f"stepSize {show(grid.step)}", "LOT_SIZE"
        return (
            f"the common grid of LOT_SIZE stepSize {show(lot_step)} and MARKET_LOT_SIZE "
            f"stepSize {show(market_step)} (multiples of {show(grid.step)}"
            + (f" from {show(grid.origin)})" if grid.origin else ")"),
            "LOT_SIZE",
        )

    @staticmethod
    def _floor(value: Decimal, grid: Grid, work: Grid, lows: list[Bound]) -> Decimal:
        """``value`` rounded down onto ``grid``, but never below 0: a grid offset by
        minQty (the old era, D17) has no point between 0 and minQty, and the value is
        then left for the low bounds to raise onto the grid's least point >= 0."""
        if not grid.step:
            return value
        new = grid.round(value, "floor")
        if new >= 0 or value < 0:
            return new
        lows.append(at_least(work, _ZERO, None, "the grid's least point >= 0", own_range=True))
        return value

    def _position_bound(self, work: Grid, highs: list[Bound]) -> None:
        position_filter = self.symbol.filter(MaxPositionFilter)
        position = self.context.base_position
        if (
            self.order.side != "BUY"
            or position_filter is None
            or not position_filter.max_position
            or position is None
        ):
            return
        room = UNBOUNDED.subtract(position_filter.max_position, position)
        text = (
            f"MAX_POSITION maxPosition {show(position_filter.max_position)} "
            f"- basePosition {show(position)}"
        )
        highs.append(at_most(work, room, "MAX_POSITION", text))

    def _notional_bounds(
        self, work: Grid, price: Decimal | None, lows: list[Bound], highs: list[Bound]
    ) -> None:
        market = self.kind.market
        for notional_filter in (
            self.symbol.filter(MinNotionalFilter),
            self.symbol.filter(NotionalFilter),
        ):
            if notional_filter is None:
                continue
            if isinstance(notional_filter, MinNotionalFilter):
                applies = not market or notional_filter.apply_to_market is True  # D28
                low = notional_filter.min_notional if applies else _ZERO
                high = _ZERO
            else:
                low = notional_filter.min_notional
                if market and not notional_filter.apply_min_to_market:
                    low = _ZERO
                high = notional_filter.max_notional
                if market and not notional_filter.apply_max_to_market:
                    high = _ZERO
            if not low and not high:
                continue
            at = price
            if market:
                at = market_price(notional_filter.avg_price_mins, self.context, self.era)
                source = self._price_name(notional_filter.avg_price_mins)
            else:
                source = "price"
            if not at:
                continue  # no price to compute the notional with: unchecked (D18)
            name = notional_filter.filter_type
            where = f"at {source} {show(at)}"
            if low:
                lows.append(at_least(work, low, name, f"minNotional {show(low)} {where}", times=at))
            if high:
                highs.append(
                    at_most(work, high, name, f"maxNotional {show(high)} {where}", times=at)
                )

    def _iceberg(self, iceberg: Decimal, quantity: Decimal, lot: LotSizeFilter | None) -> Decimal:
        steps = quantity_grid(lot, self.server_time) if lot is not None else Grid(_ZERO)
        name = f"stepSize {show(steps.step)}"
        grid = self._sendable(steps, "icebergQty", name) if steps.step else steps
        work = grid if grid.step else precision_grid(self.symbol.base_asset_precision)
        lows = [at_least(work, _ZERO, None, "icebergQty > 0", strict=True)]
        highs = [at_most(work, quantity, None, f"icebergQty < quantity {show(quantity)} (D07)",
                       strict=True)]  # fmt: skip
        if lot is not None and lot.min_qty:
            lows.append(
                at_least(work, lot.min_qty, "LOT_SIZE", f"LOT_SIZE minQty {show(lot.min_qty)}")
            )
        if lot is not None and lot.max_qty:
            highs.append(
                at_most(work, lot.max_qty, "LOT_SIZE", f"LOT_SIZE maxQty {show(lot.max_qty)}")
            )
        parts = self.symbol.filter(IcebergPartsFilter)
        if parts is not None and parts.limit:
            text = f"ICEBERG_PARTS limit {parts.limit} (CEIL(quantity / icebergQty), D14)"
            lows.append(at_least(work, quantity, "ICEBERG_PARTS", text, times=Decimal(parts.limit)))
        new = self._floor(iceberg, grid, work, lows)
        self._change(
            "icebergQty", iceberg, new, "LOT_SIZE",
            f"rounded down to {_grid_name(steps, grid, name)}",
        )  # fmt: skip
        # icebergQty changes how much of the order shows, never how much trades:
        # it may move up without allow_increase.
        return self._settle(
            "icebergQty", iceberg, new, lows, highs, raise_ok=True,
            raise_why="raised to satisfy {bound} (what shows, not what trades)", hint="",
        )  # fmt: skip

    # ------------------------------------------------------------------ quoteOrderQty

    def _quote_order_qty(self, quote: Decimal) -> Decimal:
        precision = self.symbol.quote_places
        grid = precision_grid(precision) if precision is not None else Grid(_ZERO)
        work = grid if grid.step else precision_grid(None)
        lows: list[Bound] = []
        highs: list[Bound] = []
        minimum = self.symbol.filter(MinNotionalFilter)
        if minimum is not None and minimum.min_notional and minimum.apply_to_market is True:
            text = f"MIN_NOTIONAL minNotional {show(minimum.min_notional)}"
            lows.append(at_least(work, minimum.min_notional, "MIN_NOTIONAL", text))
        notional = self.symbol.filter(NotionalFilter)
        if notional is not None:
            if notional.min_notional and notional.apply_min_to_market:
                text = f"NOTIONAL minNotional {show(notional.min_notional)}"
                lows.append(at_least(work, notional.min_notional, "NOTIONAL", text))
            if notional.max_notional and notional.apply_max_to_market:
                text = f"NOTIONAL maxNotional {show(notional.max_notional)}"
                highs.append(at_most(work, notional.max_notional, "NOTIONAL", text))
        # A positive quoteOrderQty is never floored to 0, an order that trades nothing:
        # it goes up to the least positive one with allow_increase, else a reason.
        if quote > 0:
            positive = "a positive quoteOrderQty (an order that trades nothing is never proposed)"
            lows.append(at_least(work, _ZERO, None, positive, strict=True))
        new = grid.round(quote, "floor") if grid.step else quote
        self._change(
            "quoteOrderQty", quote, new, None,
            f"rounded down to the quote asset's {precision} places "
            "(more would be -1111 too much precision)",
        )  # fmt: skip
        return self._settle(
            "quoteOrderQty", quote, new, lows, highs, raise_ok=self.allow_increase,
            raise_why="raised to {bound} (allow_increase)",
            hint=" (pass allow_increase=True to raise it)",
        )  # fmt: skip
