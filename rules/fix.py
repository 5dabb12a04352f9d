"""The fixer: the nearest order Binance will accept, or the reason none exists.

:func:`propose` takes an order the checker may reject and moves its numbers, as
little as possible and never against the trader, until the checker accepts it:

1. ``price`` (LIMIT, LIMIT_MAKER, STOP_LOSS_LIMIT, TAKE_PROFIT_LIMIT) goes onto
   the tick grid and into PRICE_FILTER's bounds and the percent band
   (PERCENT_PRICE, PERCENT_PRICE_BY_SIDE around the market price of D18), in the
   direction that does not worsen the limit: a BUY only goes down, a SELL only up.
2. ``stopPrice`` goes to the nearest tick; it is never moved across a bound.
3. ``quantity`` goes down to the step (LOT_SIZE, and MARKET_LOT_SIZE for
   MARKET-type orders, D09, D10) and down under every maximum (maxQty,
   maxNotional, MAX_POSITION) and up to minQty: into [minQty, maxQty] always. It
   goes up by whole steps to reach the minimum notional only with
   ``allow_increase=True``.
4. ``quoteOrderQty`` (MARKET, D11) goes down to the quote asset's precision and
   into the notional bounds that apply to MARKET orders (up only with
   ``allow_increase``).
5. ``icebergQty`` goes onto the step and into LOT_SIZE and ICEBERG_PARTS; it
   changes how much of the order shows, never how much trades.

The result is then judged by :func:`rules.validate.evaluate`: a proposal is
returned only if the checker accepts it. Anything the fixer does not move (a
closed market, an order type the symbol lacks, missing parameters, permissions,
open-order counts) makes it answer with the reason instead.

Pure: no I/O; arithmetic is exact (:mod:`rules._decimal`, :mod:`rules.rounding`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from rules._decimal import CONTEXT, to_plain_string_on_step
from rules._frozen import FrozenJson, thaw
from rules.context import Context
from rules.filters import ORDER_KINDS, Era, OrderKind, market_price
from rules.models import (
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
)
from rules.order import Order, ParsedOrder, read_order
from rules.rounding import Grid, price_grid, quantity_grid, symbol_quantity_grid
from rules.validate import evaluate
from rules.violations import Verdict, Violation

__all__ = ["Change", "Proposal", "propose"]

_ZERO: Final = Decimal(0)


@attrs.frozen
class Change:
    """One value the fixer moved, and why.

    Attributes:
        field: the ``order.place`` parameter (``"price"``, ``"quantity"``, ...).
        old: the value as sent.
        new: the value proposed.
        filter_type: the filter that made it move, when one did
            (``"PRICE_FILTER"``, ``"NOTIONAL"``, ...).
        why: one line for people.
    """

    field: str
    old: Decimal
    new: Decimal
    filter_type: str | None
    why: str

    def __str__(self) -> str:
        return f"{self.field} {_show(self.old)} -> {_show(self.new)}: {self.why}"


@attrs.frozen
class Proposal:
    """What :func:`propose` answers: an order the checker accepts, or why none exists.

    Attributes:
        order: the ``order.place`` params to send (every parameter as given,
            the numbers as plain decimal strings on the symbol's grid), or
            ``None`` when no passing order exists.
        changes: what moved and why (empty when the order already passed).
        reason: why no passing order exists, or ``None`` when there is one.
        violations: the checker's violations that stand in the way (empty
            when there is an order).
        unchecked: rules the checker could not evaluate for lack of context
            (D18, D15, ...): the order passed everything else, not these.
    """

    order: FrozenJson | None
    changes: tuple[Change, ...] = ()
    reason: str | None = None
    violations: tuple[Violation, ...] = ()
    unchecked: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        """Whether there is an order to send."""
        return self.order is not None

    def __bool__(self) -> bool:
        return self.accepted

    def params(self) -> dict[str, Any]:
        """The proposed params as a plain ``dict``, ready to send.

        Raises:
            ValueError: there is no order (read :attr:`reason`).
        """
        if self.order is None:
            raise ValueError(f"no passing order: {self.reason}")
        result: dict[str, Any] = thaw(self.order)
        return result


class _NoOrder(Exception):
    """Raised inside the fixer when no passing value exists; carries the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@attrs.frozen
class _Bound:
    """One side of a rule: ``value × times >= limit`` (a low bound) or ``<= limit`` (high).

    ``value`` is the nearest grid point that keeps the rule: where the fixer moves
    to. Whether the current value keeps it is decided on ``limit`` itself, exactly,
    so that a value that passes is never moved. ``strict`` makes it ``>``/``<``.
    """

    value: Decimal
    filter_type: str | None
    text: str
    limit: Decimal | None = None
    times: Decimal = Decimal(1)
    strict: bool = False
    #: The value's own range ([minQty, maxQty], a positive quantity): the fixer
    #: always moves into it; other low bounds (a notional) need ``allow_increase``.
    own_range: bool = False

    def keeps_low(self, value: Decimal) -> bool:
        if self.limit is None:
            return value >= self.value
        product = CONTEXT.multiply(value, self.times)
        return product > self.limit if self.strict else product >= self.limit

    def keeps_high(self, value: Decimal) -> bool:
        if self.limit is None:
            return value <= self.value
        product = CONTEXT.multiply(value, self.times)
        return product < self.limit if self.strict else product <= self.limit


def _low(
    work: Grid, limit: Decimal, filter_type: str | None, text: str, *,
    times: Decimal = Decimal(1), strict: bool = False, own_range: bool = False,
) -> _Bound:  # fmt: skip
    """The rule ``x × times >= limit`` (``>`` if strict), moving to its least grid point."""
    value = work.first_at_least(limit, times=times)
    if strict and CONTEXT.multiply(value, times) == limit:
        value = CONTEXT.add(value, work.step)
    return _Bound(value, filter_type, text, limit, times, strict, own_range)


def _high(
    work: Grid, limit: Decimal, filter_type: str | None, text: str, *,
    times: Decimal = Decimal(1), strict: bool = False,
) -> _Bound:  # fmt: skip
    """The rule ``x × times <= limit`` (``<`` if strict), moving to its greatest grid point."""
    value = work.last_at_most(limit, times=times)
    if strict and CONTEXT.multiply(value, times) == limit:
        value = CONTEXT.subtract(value, work.step)
    return _Bound(value, filter_type, text, limit, times, strict)


def propose(
    info: ExchangeInfo,
    order: Mapping[str, object] | Order,
    context: Context | Mapping[str, Any] | None = None,
    *,
    allow_increase: bool = False,
    allow_worse_price: bool = False,
) -> Proposal:
    """The nearest order Binance will accept, or the reason no such order exists.

    Args:
        info: the ``exchangeInfo`` snapshot; its ``serverTime`` picks the grid era (D17).
        order: the ``order.place`` params (strings, ints, ``Decimal``, floats read
            as their ``repr``) or an :class:`~rules.order.Order`.
        context: market prices and account state (a :class:`~rules.context.Context`
            or its JSON form). Without the market price the percent band and the
            MARKET notional cannot be fixed; they come back in ``unchecked``.
        allow_increase: let the quantity (or quoteOrderQty) grow by whole steps
            to the minimum notional. Off by default: the fixer trades more than
            asked only to bring a quantity up into [minQty, maxQty].
        allow_worse_price: let a BUY price go up (a SELL price down) when no
            passing price is on the trader's side of the limit (a BUY below the
            percent band). Off by default.

    Returns:
        A :class:`Proposal`: ``order`` and ``changes``, or ``reason`` and the
        ``violations`` that stand in the way.

    Raises:
        ValueError: ``context`` is a mapping that is not a valid context.

    >>> from rules.load import loads
    >>> info = loads('{"symbols": [{"symbol": "BTCUSDT", "status": "TRADING", '
    ...   '"baseAsset": "BTC", "quoteAsset": "USDT", "filters": ['
    ...   '{"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000", '
    ...   '"tickSize": "0.01"}, {"filterType": "LOT_SIZE", "minQty": "0.00001", '
    ...   '"maxQty": "9000", "stepSize": "0.00001"}, {"filterType": "NOTIONAL", '
    ...   '"minNotional": "5", "applyMinToMarket": true, "maxNotional": "9000000", '
    ...   '"applyMaxToMarket": false, "avgPriceMins": 5}]}]}')
    >>> buy = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
    ...        "price": "30000.019", "quantity": "0.0123456"}
    >>> proposal = propose(info, buy)
    >>> proposal.params()["price"], proposal.params()["quantity"]
    ('30000.01', '0.01234')
    >>> print(proposal.changes[0])
    price 30000.019 -> 30000.01: rounded down to tickSize 0.01 (a BUY limit never goes up)
    >>> tiny = dict(buy, quantity="0.0001")
    >>> print(propose(info, tiny).reason)
    quantity 0.0001 is below minNotional 5 at price 30000.01: the least passing quantity \
is 0.00017 (pass allow_increase=True to raise it)
    >>> propose(info, tiny, allow_increase=True).params()["quantity"]
    '0.00017'
    """
    params: dict[str, object] = dict(order.to_params() if isinstance(order, Order) else order)
    if context is None:
        ctx = Context()
    elif isinstance(context, Context):
        ctx = context
    else:
        ctx = Context.from_mapping(context)
    parsed = read_order(params)
    symbol = _symbol(info, parsed)
    kind = ORDER_KINDS.get(parsed.type) if isinstance(parsed.type, str) else None
    original = evaluate(info, params, ctx)
    if symbol is None or kind is None or parsed.problems:
        return _verdict_only(original, params)
    if original.accepted and _quote_fits(symbol, parsed.quote_order_qty):
        # Nothing to move (the common case): only the wire form of the numbers.
        tick, step = _steps(symbol)
        same = dict(params)
        for wire, attr, grid_step in _NUMBERS:
            value = getattr(parsed, attr)
            if value is not None and wire in same:
                same[wire] = to_plain_string_on_step(
                    value, tick if grid_step == "tick" else (step if grid_step == "step" else _ZERO)
                )
        return Proposal(FrozenJson(same), unchecked=original.unchecked)
    fixer = _Fixer(info, symbol, parsed, kind, ctx, allow_increase, allow_worse_price)
    try:
        values = fixer.run()
    except _NoOrder as no:
        return Proposal(None, reason=no.reason, violations=original.violations)
    new = dict(params)
    for wire, (value, step) in values.items():
        new[wire] = to_plain_string_on_step(value, step)
    verdict = evaluate(info, new, ctx)
    if not verdict.accepted:
        return _rejected(verdict)
    return Proposal(FrozenJson(new), tuple(fixer.changes), unchecked=verdict.unchecked)


#: The numbers of an order: wire name, ParsedOrder attribute, which grid formats it.
_NUMBERS: Final = (
    ("price", "price", "tick"),
    ("stopPrice", "stop_price", "tick"),
    ("quantity", "quantity", "step"),
    ("icebergQty", "iceberg_qty", "step"),
    ("quoteOrderQty", "quote_order_qty", "none"),
)


def _steps(symbol: SymbolInfo) -> tuple[Decimal, Decimal]:
    """The symbol's tickSize and LOT_SIZE stepSize (0 when absent): the wire's places."""
    price_filter, lot = symbol.filter(PriceFilter), symbol.filter(LotSizeFilter)
    return (
        price_filter.tick_size if price_filter is not None else _ZERO,
        lot.step_size if lot is not None else _ZERO,
    )


def _quote_places(symbol: SymbolInfo) -> int | None:
    precision = symbol.quote_asset_precision
    return symbol.quote_precision if precision is None else precision


def _quote_fits(symbol: SymbolInfo, quote: Decimal | None) -> bool:
    """Whether ``quoteOrderQty`` has no more places than the quote asset (else -1111)."""
    places = _quote_places(symbol)
    if quote is None or places is None:
        return True
    exponent = CONTEXT.normalize(quote).as_tuple().exponent
    return isinstance(exponent, int) and -exponent <= places


def _symbol(info: ExchangeInfo, parsed: ParsedOrder) -> SymbolInfo | None:
    if parsed.symbol_problem is not None or parsed.symbol is None:
        return None
    return info.symbol(parsed.symbol) if parsed.symbol in info else None


def _verdict_only(verdict: Verdict, params: Mapping[str, object]) -> Proposal:
    # Nothing the fixer can move: an unknown symbol or type, or unreadable values.
    if verdict.accepted:  # pragma: no cover - a readable symbol and type are needed to pass
        return Proposal(FrozenJson(params), unchecked=verdict.unchecked)
    return _rejected(verdict)


def _rejected(verdict: Verdict) -> Proposal:
    blocking = "; ".join(f"{v.code} {v.msg}" + _detail(v) for v in verdict.violations)
    return Proposal(
        None,
        reason=f"no passing order: the fixer cannot change what breaks these rules: {blocking}",
        violations=verdict.violations,
    )


def _detail(violation: Violation) -> str:
    explanation = violation.explanation
    return f" ({explanation})" if explanation and explanation != violation.msg else ""


def _show(value: Decimal) -> str:
    # For people: plain, without trailing zeros ("0.01000000" reads "0.01").
    return format(CONTEXT.normalize(value), "f")


class _Fixer:
    """Moves one parsed order's numbers, records each :class:`Change`, raises :class:`_NoOrder`."""

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
        return out

    def _change(
        self, field: str, old: Decimal, new: Decimal, filter_type: str | None, why: str
    ) -> None:
        if new != old:
            self.changes.append(Change(field, old, new, filter_type, why))

    # ------------------------------------------------------------------ price

    def _price_bounds(self, price_filter: PriceFilter | None) -> tuple[list[_Bound], list[_Bound]]:
        lows: list[_Bound] = []
        highs: list[_Bound] = []
        if price_filter is not None:
            if price_filter.min_price:
                lows.append(
                    _Bound(
                        price_filter.min_price,
                        "PRICE_FILTER",
                        f"PRICE_FILTER minPrice {_show(price_filter.min_price)}",
                    )
                )
            if price_filter.max_price:
                highs.append(
                    _Bound(
                        price_filter.max_price,
                        "PRICE_FILTER",
                        f"PRICE_FILTER maxPrice {_show(price_filter.max_price)}",
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
                high = CONTEXT.multiply(reference, up)
                highs.append(
                    _Bound(
                        high,
                        band.filter_type,
                        f"{name}{_show(reference)} × {up_name} {_show(up)} = {_show(high)})",
                    )
                )
            if down:
                low = CONTEXT.multiply(reference, down)
                lows.append(
                    _Bound(
                        low,
                        band.filter_type,
                        f"{name}{_show(reference)} × {down_name} {_show(down)} = {_show(low)})",
                    )
                )
        return lows, highs

    def _price_name(self, avg_price_mins: int | None) -> str:
        # Which context price market_price() chose (D18), for the explanations.
        if self.era.reference_price and self.context.reference_price is not None:
            return "referencePrice"
        return "lastPrice" if avg_price_mins == 0 else "avgPrice"

    def _price(self, price: Decimal, price_filter: PriceFilter | None) -> Decimal:
        grid = price_grid(price_filter, self.server_time) if price_filter else Grid(_ZERO)
        lows, highs = self._price_bounds(price_filter)
        low = max(lows, key=lambda b: b.value, default=None)
        high = min(highs, key=lambda b: b.value, default=None)
        first, last = _feasible(grid, low, high)
        tick = f"tickSize {_show(grid.step)}"
        if first is not None and last is not None and first > last:
            assert low is not None
            assert high is not None
            between = f"there is no multiple of {tick}" if grid.step else "there is no price"
            raise _NoOrder(f"no price passes: between {low.text} and {high.text} {between}")
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
            raise _NoOrder(
                f"{side} price {_show(price)} is not positive (D37: Price * QTY is zero or less.), "
                f"and with {tick} and no minPrice there is no least price to move to"
            )
        self._change("price", price, new, *self._price_why(price, target, new, low, high, tick))
        return new

    def _price_why(
        self,
        price: Decimal,
        target: Decimal,
        new: Decimal,
        low: _Bound | None,
        high: _Bound | None,
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
        self, price: Decimal, nearest: Decimal, bound: _Bound | None, side: str, way: str
    ) -> Decimal:
        where = bound.text if bound else "the tick grid"
        relation = "below" if side == "BUY" else "above"
        if not self.allow_worse_price:
            raise _NoOrder(
                f"{side} price {_show(price)} is {relation} {where}: the nearest passing price, "
                f"{_show(nearest)}, is {way}, which would worsen the limit "
                "(pass allow_worse_price=True to accept it)"
            )
        why = f"moved to {_show(nearest)} past the limit to reach {where} (allow_worse_price)"
        self._change("price", price, nearest, bound.filter_type if bound else None, why)
        return nearest

    def _stop_price(self, stop: Decimal, price_filter: PriceFilter | None) -> Decimal:
        if price_filter is None:
            return stop
        low, high = price_filter.min_price, price_filter.max_price

        def outside(value: Decimal) -> bool:
            return bool((low and value < low) or (high and value > high))

        if outside(stop):
            raise _NoOrder(
                f"stopPrice {_show(stop)} is outside PRICE_FILTER's [minPrice {_show(low)}, "
                f"maxPrice {_show(high)}]; the fixer does not move a trigger across a bound"
            )
        if not price_filter.tick_size:
            return stop
        grid = price_grid(price_filter, self.server_time)
        new = grid.round(stop, "half_even")
        if outside(new):  # the nearest tick is across a bound: take the other neighbour
            new = grid.round(stop, "ceil" if new < stop else "floor")
        if outside(new):
            raise _NoOrder(
                f"no stopPrice passes near {_show(stop)}: no multiple of tickSize "
                f"{_show(price_filter.tick_size)} lies between minPrice and maxPrice there"
            )
        tick = _show(price_filter.tick_size)
        self._change(
            "stopPrice", stop, new, "PRICE_FILTER", f"rounded to the nearest tickSize {tick}"
        )
        return new

    # ------------------------------------------------------------------ amounts

    def _settle(
        self, field: str, original: Decimal, start: Decimal, lows: list[_Bound],
        highs: list[_Bound], *, raise_ok: bool, raise_why: str, hint: str,
    ) -> Decimal:  # fmt: skip
        """Move ``start`` under every high bound, then over every low bound (if allowed).

        A bound the value already keeps (decided exactly, on the rule itself) moves nothing.
        """
        # The rounding onto the grid, if any, is the last change so far: name it in reasons.
        rounded = "" if start == original else f" ({self.changes[-1].why}: {_show(start)})"
        new = start
        high = min(highs, key=lambda b: b.value, default=None)
        if high is not None and not all(b.keeps_high(new) for b in highs):
            self._change(
                field, new, high.value, high.filter_type, f"lowered to stay within {high.text}"
            )
            new = high.value
        if all(b.keeps_low(new) for b in lows):
            return new
        low = max(lows, key=lambda b: b.value)
        if high is not None and low.value > high.value:
            raise _NoOrder(
                f"no {field} passes: {low.text} needs at least {_show(low.value)}, "
                f"but {high.text} allows at most {_show(high.value)}"
            )
        if not raise_ok and not low.own_range:
            raise _NoOrder(
                f"{field} {_show(original)}{rounded} is below {low.text}: "
                f"the least passing {field} is {_show(low.value)}{hint}"
            )
        why = f"raised to {low.text}" if low.own_range else raise_why.format(bound=low.text)
        self._change(field, new, low.value, low.filter_type, why)
        return low.value

    def _quantity(self, quantity: Decimal, price: Decimal | None) -> Decimal:
        market = self.kind.market
        grid = symbol_quantity_grid(self.symbol, server_time=self.server_time, market=market)
        if grid is None:
            raise _NoOrder(
                "no quantity passes: no value is on both the LOT_SIZE and the MARKET_LOT_SIZE grid"
            )
        # A zero step (D12) still needs some grid to move on: the base asset's
        # precision (more places would be -1111 "too much precision").
        work = grid if grid.step else _precision_grid(self.symbol.base_asset_precision)
        lows: list[_Bound] = []
        highs: list[_Bound] = []
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
                text = f"{name} minQty {_show(lot.min_qty)}"
                lows.append(_low(work, lot.min_qty, name, text, own_range=True))
            if lot.max_qty:
                highs.append(_high(work, lot.max_qty, name, f"{name} maxQty {_show(lot.max_qty)}"))
        self._position_bound(work, highs)
        self._notional_bounds(work, price, lows, highs)
        if self.kind.priced:  # D37: "Price * QTY is zero or less." for a 0 quantity
            positive = "a positive quantity (D37)"
            lows.append(_low(work, _ZERO, None, positive, strict=True, own_range=True))
        new = grid.round(quantity, "floor") if grid.step else quantity
        self._change(
            "quantity", quantity, new, "LOT_SIZE", f"rounded down to stepSize {_show(grid.step)}"
        )
        return self._settle(
            "quantity", quantity, new, lows, highs, raise_ok=self.allow_increase,
            raise_why="raised by whole steps to reach {bound} (allow_increase)",
            hint=" (pass allow_increase=True to raise it)",
        )  # fmt: skip

    def _position_bound(self, work: Grid, highs: list[_Bound]) -> None:
        position_filter = self.symbol.filter(MaxPositionFilter)
        position = self.context.base_position
        if (
            self.order.side != "BUY"
            or position_filter is None
            or not position_filter.max_position
            or position is None
        ):
            return
        room = CONTEXT.subtract(position_filter.max_position, position)
        text = (
            f"MAX_POSITION maxPosition {_show(position_filter.max_position)} "
            f"- basePosition {_show(position)}"
        )
        highs.append(_high(work, room, "MAX_POSITION", text))

    def _notional_bounds(
        self, work: Grid, price: Decimal | None, lows: list[_Bound], highs: list[_Bound]
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
            where = f"at {source} {_show(at)}"
            if low:
                lows.append(_low(work, low, name, f"minNotional {_show(low)} {where}", times=at))
            if high:
                highs.append(
                    _high(work, high, name, f"maxNotional {_show(high)} {where}", times=at)
                )

    def _iceberg(self, iceberg: Decimal, quantity: Decimal, lot: LotSizeFilter | None) -> Decimal:
        grid = quantity_grid(lot, self.server_time) if lot is not None else Grid(_ZERO)
        work = grid if grid.step else _precision_grid(self.symbol.base_asset_precision)
        lows = [_low(work, _ZERO, None, "icebergQty > 0", strict=True)]
        highs = [_high(work, quantity, None, f"icebergQty < quantity {_show(quantity)} (D07)",
                       strict=True)]  # fmt: skip
        if lot is not None and lot.min_qty:
            lows.append(
                _low(work, lot.min_qty, "LOT_SIZE", f"LOT_SIZE minQty {_show(lot.min_qty)}")
            )
        if lot is not None and lot.max_qty:
            highs.append(
                _high(work, lot.max_qty, "LOT_SIZE", f"LOT_SIZE maxQty {_show(lot.max_qty)}")
            )
        parts = self.symbol.filter(IcebergPartsFilter)
        if parts is not None and parts.limit:
            text = f"ICEBERG_PARTS limit {parts.limit} (CEIL(quantity / icebergQty), D14)"
            lows.append(_low(work, quantity, "ICEBERG_PARTS", text, times=Decimal(parts.limit)))
        new = grid.round(iceberg, "floor") if grid.step else iceberg
        self._change(
            "icebergQty", iceberg, new, "LOT_SIZE", f"rounded down to stepSize {_show(grid.step)}"
        )
        # icebergQty changes how much of the order shows, never how much trades:
        # it may move up without allow_increase.
        return self._settle(
            "icebergQty", iceberg, new, lows, highs, raise_ok=True,
            raise_why="raised to satisfy {bound} (what shows, not what trades)", hint="",
        )  # fmt: skip

    # ------------------------------------------------------------------ quoteOrderQty

    def _quote_order_qty(self, quote: Decimal) -> Decimal:
        precision = _quote_places(self.symbol)
        grid = _precision_grid(precision) if precision is not None else Grid(_ZERO)
        work = grid if grid.step else _precision_grid(None)
        lows: list[_Bound] = []
        highs: list[_Bound] = []
        minimum = self.symbol.filter(MinNotionalFilter)
        if minimum is not None and minimum.min_notional and minimum.apply_to_market is True:
            text = f"MIN_NOTIONAL minNotional {_show(minimum.min_notional)}"
            lows.append(_low(work, minimum.min_notional, "MIN_NOTIONAL", text))
        notional = self.symbol.filter(NotionalFilter)
        if notional is not None:
            if notional.min_notional and notional.apply_min_to_market:
                text = f"NOTIONAL minNotional {_show(notional.min_notional)}"
                lows.append(_low(work, notional.min_notional, "NOTIONAL", text))
            if notional.max_notional and notional.apply_max_to_market:
                text = f"NOTIONAL maxNotional {_show(notional.max_notional)}"
                highs.append(_high(work, notional.max_notional, "NOTIONAL", text))
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


def _precision_grid(places: int | None) -> Grid:
    # 8 places when the snapshot does not say: every Binance asset has at most 8.
    return Grid(Decimal(1).scaleb(-(8 if places is None else places)))


def _feasible(
    grid: Grid, low: _Bound | None, high: _Bound | None
) -> tuple[Decimal | None, Decimal | None]:
    """The least and greatest passing grid points (> 0); ``None``: no such bound.

    Without a grid (tick 0) there is no least positive price: the least is the
    minimum bound if it is positive, else ``None``.
    """
    if not grid.step:
        first = low.value if low is not None and low.value > 0 else None
        return first, high.value if high is not None else None
    positive = CONTEXT.add(grid.last_at_most(_ZERO), grid.step)
    first = max(grid.first_at_least(low.value), positive) if low is not None else positive
    last = grid.last_at_most(high.value) if high is not None else None
    return first, last
