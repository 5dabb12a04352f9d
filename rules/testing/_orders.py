"""Orders built from a symbol's rules: valid ones, and ones that break exactly one rule.

How an order is built (never by asking the checker):

1. Each filter becomes constraints on one value (``price``, ``stopPrice``,
   ``quantity``, ``icebergQty``, ``quoteOrderQty``, ``trailingDelta``): an
   interval and a grid, labelled with the filter's type.
2. Values are drawn in order, price first, so that the notional filters become
   an interval on the quantity once the price is known (``minNotional / price``).
   The price is drawn only where that interval holds a quantity on the step
   (``minNotional / lastQty`` to ``maxNotional / firstQty``), so the quantity
   is never looked for in vain.
3. A valid value lies in every interval and on every grid. A value that breaks
   rule X lies outside one of X's intervals, or off its grid, and inside every
   other constraint on that value; every other value stays valid.
4. The market-price rules (PERCENT_PRICE, market notional) must hold for every
   market price the context gives (average, reference, last), so the result
   does not depend on which one the checker picks (D18); a broken one is broken
   for all of them.
5. Every range is computed exactly and drawn inside, never drawn and filtered:
   a valid value starts at the lowest value every rule allows (for a quantity,
   ``max(minQty, minNotional / price)`` rounded up to the step), and reaches
   :data:`_REACH` times higher; a broken one lies within that factor of the
   bound it breaks. Only the order types and sides that can be built at all
   are drawn.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from rules.checker.context import Context
from rules.checker.order import Order
from rules.checker.permissions import required_permission_sets
from rules.fixer.rounding import Grid, price_grid, quantity_grid
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
from rules.testing._values import ZERO, Span, draw_in, fine_step, grid_indices, on_grid

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


#: A constraint no value meets: what cannot be built is not drawn.
_NOWHERE = _Con("ROOM", Span(Fraction(1), Fraction(0)))


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
_REACH = 10**4
#: Every value is above 0 and under 10**20 (D29: at most 20 integer digits).
_POSITIVE = Span(Fraction(0), _FRACTION_LIMIT, lo_open=True)
_NO_GRID = Grid(ZERO)


def _empty(span: Span) -> bool:
    if span.lo is None or span.hi is None:
        return False
    return span.lo > span.hi or (span.lo == span.hi and (span.lo_open or span.hi_open))


def _window(span: Span, fallback: Fraction, grid: Grid | None = None) -> Span:
    """Where a valid value is drawn inside ``span``: from its lowest value to ``_REACH`` times it.

    The lowest value is the first point of ``grid`` in ``span`` (a lower bound far
    below the first tick, as ``minNotional / maxQty`` can be, must not leave the
    window without a point). Without a positive lower bound, around ``fallback``
    (a sensible level), under ``span.hi``.
    """
    if span.lo is not None and span.lo > 0:
        lowest = span.lo
        if grid is not None and grid.step:
            step, origin = Fraction(grid.step), Fraction(grid.origin)
            k = (span.lo - origin) / step
            first = math.floor(k) + 1 if span.lo_open and k == math.floor(k) else math.ceil(k)
            lowest = max(lowest, origin + first * step)
        return span.meet(Span(None, lowest * _REACH))
    anchor = fallback if span.hi is None else min(fallback, span.hi)
    return span.meet(Span(anchor / _REACH, anchor * _REACH, lo_open=True))


def _grid_of(cons: list[_Con]) -> Grid | None:
    # The grid of every constraint at once (a zero step when there is none), or
    # None when no value is on all of them.
    grid: Grid | None = _NO_GRID
    for c in cons:
        if c.grid is not None and grid is not None:
            grid = grid.intersect(c.grid)
    return grid


def _meet(cons: list[_Con]) -> Span:
    span = _POSITIVE
    for c in cons:
        span = span.meet(c.span)
    return span


def _indices(span: Span, grid: Grid) -> tuple[int, int, Decimal, Decimal] | None:
    """The grid (or, with no step, the fine power of ten draw_in uses) points in ``span``."""
    if _empty(span) or span.lo is None or span.hi is None:
        return None
    step, origin = (grid.step, grid.origin) if grid.step else (fine_step(span), ZERO)
    found = grid_indices(span, step, origin)
    return None if found is None else (*found, step, origin)


def _ends(span: Span, grid: Grid) -> tuple[Fraction, Fraction] | None:
    """The lowest and highest values of ``span`` on ``grid`` (its ends when there is no step)."""
    if _empty(span) or span.lo is None or span.hi is None:
        return None
    if not grid.step:
        return span.lo, span.hi
    found = grid_indices(span, grid.step, grid.origin)
    if found is None:
        return None
    s, o = Fraction(grid.step), Fraction(grid.origin)
    return o + found[0] * s, o + found[1] * s


#: Where to draw (span, grid) and, to break a grid, the grid to stay off.
_Option = tuple[Span, Grid, Grid | None]


def _options(cons: list[_Con], fallback: Fraction, target: str | None = None) -> list[_Option]:
    """Where a value inside every constraint not from ``target``, and outside one from it, lies.

    Computed exactly: every option returned holds a value to draw (rule 5).
    """
    others = [c for c in cons if c.rule != target]
    span = _meet(others)
    grid = _grid_of(others)
    if grid is None or _empty(span):
        return []
    if target is None:
        window = _window(span, fallback, grid)
        return [(window, grid, None)] if _indices(window, grid) is not None else []
    breaks = [c for c in cons if c.rule == target]
    candidates: list[tuple[Span, Grid | None]] = []
    # Outside the union of the rule's intervals (one per market price, rule 4 of
    # the module docstring), so that the rule fails whichever price is used.
    lows = [c.span.lo for c in breaks if c.span.lo is not None]
    highs = [c.span.hi for c in breaks if c.span.hi is not None]
    if lows and len(lows) == len(breaks):
        below = span.meet(Span(None, min(lows), hi_open=True))
        if not _empty(below) and below.hi is not None:  # just below the bound
            candidates.append((below.meet(Span(below.hi / _REACH, None)), None))
    if highs and len(highs) == len(breaks):
        above = span.meet(Span(max(highs), None, lo_open=True))
        if not _empty(above) and above.lo is not None:  # just above it
            candidates.append((above.meet(Span(None, above.lo * _REACH)), None))
    window = _window(span, fallback, grid)
    candidates.extend((window, c.grid) for c in breaks if c.grid is not None)
    found: list[_Option] = []
    for sub, off in candidates:
        if off is None:
            if _indices(sub, grid) is not None:
                found.append((sub, grid, None))
            continue
        both = grid.intersect(Grid(off.step / 10, off.origin))
        if both is None:
            continue
        points = _indices(sub, both)
        if points is None:
            continue
        # Two neighbours are never both on ``off`` unless every point is (draw_in's
        # exclude then finds a neighbour); look at the first two.
        k_lo, k_hi, step, origin = points
        if any(
            not off.contains(on_grid(step, k, origin)) for k in range(k_lo, min(k_hi, k_lo + 1) + 1)
        ):
            found.append((sub, both, off))
    return found


def _solve(
    draw: Draw, cons: list[_Con], fallback: Fraction, target: str | None = None
) -> Decimal | None:
    """A value inside every constraint not from ``target``, and outside one from it."""
    return _draw_option(draw, _options(cons, fallback, target))


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
    # Rule 5: only the pairs that can be built under this context are drawn.
    pairs = [(t, s) for t, s in pairs if _possible(plan, t, s, breaking)]
    if not pairs:
        if breaking is not None:
            reject()  # this rule's bounds leave no room here (see breakable_rules)
        raise InvalidArgument(
            f"no order of {plan.symbol.symbol} passes every rule under this context"
        )
    order_type, side = draw(st.sampled_from(pairs))
    order = _build(draw, plan, order_type, side, breaking)
    if order is None:
        reject()  # not for a real symbol: only where a band is narrower than a step
    return order


def _price_options(
    plan: _Plan, order_type: str, side: str, breaking: str | None
) -> list[tuple[bool, list[_Option]]]:
    """For a priced order: per side of a broken notional rule, where the price lies."""
    target = _target(breaking, "price")
    sides = (
        (True, False) if _target(breaking, "quantity") in ("MIN_NOTIONAL", "NOTIONAL") else (True,)
    )
    out = []
    for low in sides:
        cons = plan.price_cons(side) + plan.price_room(order_type, side, breaking, low)
        options = _options(cons, plan.price_fallback(), target)
        if options:
            out.append((low, options))
    return out


def _stop_target(order_type: str, breaking: str | None) -> str | None:
    # A stop order without a price breaks PRICE_FILTER through its stopPrice.
    return "PRICE_FILTER" if breaking == "PRICE_FILTER" and order_type not in PRICED else None


def _stop_possible(plan: _Plan, order_type: str, breaking: str | None) -> bool:
    return bool(
        _options(plan.stop_cons(), plan.price_fallback(), _stop_target(order_type, breaking))
    )


def _quote_possible(plan: _Plan, order_type: str, breaking: str | None) -> bool:
    if not (
        order_type == "MARKET" and plan.symbol.quote_order_qty_market_allowed is not False
        and breaking in (None, "MIN_NOTIONAL", "NOTIONAL")
    ):  # fmt: skip
        return False
    if breaking is not None and not _quote_breaks(plan, breaking):
        return False
    return bool(_options(plan.quote_cons(), Fraction(10), breaking))


def _possible(plan: _Plan, order_type: str, side: str, breaking: str | None) -> bool:
    """Whether :func:`_build` finds every value of this order type and side (exact, cheap)."""
    if order_type in PRICED and not _price_options(plan, order_type, side, breaking):
        return False
    if order_type in STOPS:
        stop_needed = plan.symbol.allow_trailing_stop is False or (
            _stop_target(order_type, breaking) is not None
        )
        if stop_needed and not _stop_possible(plan, order_type, breaking):
            return False
    if order_type in PRICED:
        return True
    quantity = _options(
        plan.quantity_cons(order_type, side, None, breaking),
        plan.quantity_fallback(),
        _target(breaking, "quantity"),
    )
    return bool(quantity) or _quote_possible(plan, order_type, breaking)


def _build(
    draw: Draw, plan: _Plan, order_type: str, side: str, breaking: str | None
) -> Order | None:
    symbol = plan.symbol
    values: dict[str, Any] = {"symbol": symbol.symbol, "side": side, "type": order_type}
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
        found = _price_options(plan, order_type, side, breaking)
        _, options = found[0] if len(found) == 1 else draw(st.sampled_from(found))
        price = _draw_option(draw, options)
        if price is None:
            return None
        values["price"] = price
    if order_type in STOPS:
        stop_ok = _stop_possible(plan, order_type, breaking)
        trailing = _trailing(draw, plan, order_type, side, breaking, required=not stop_ok)
        use_stop = stop_ok and (trailing is None or draw(st.booleans()))
        if _stop_target(order_type, breaking) is not None:
            use_stop = True
        if use_stop:
            stop = _solve(draw, plan.stop_cons(), plan.price_fallback(),
                          _stop_target(order_type, breaking))  # fmt: skip
            if stop is None:
                return None
            values["stop_price"] = stop
        if trailing is not None:
            values["trailing_delta"] = trailing
        elif breaking == "TRAILING_DELTA" or not use_stop:
            return None
    quote_chance = draw(st.integers(0, 3)) if order_type == "MARKET" else 0  # stands for a price
    cons = plan.quantity_cons(order_type, side, price, breaking)
    target = _target(breaking, "quantity")
    quantity_options = _options(cons, plan.quantity_fallback(), target)
    if _quote_possible(plan, order_type, breaking) and (quote_chance == 3 or not quantity_options):
        quote = _solve(draw, plan.quote_cons(), Fraction(10), breaking)
        if quote is None:
            return None
        values["quote_order_qty"] = quote
        return _finish(draw, plan, values)
    quantity = _draw_option(draw, quantity_options)
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


def _draw_option(draw: Draw, options: list[_Option]) -> Decimal | None:
    if not options:
        return None
    sub, on, off = options[0] if len(options) == 1 else draw(st.sampled_from(options))
    exclude = (lambda v: off.contains(v)) if off is not None else None
    return draw_in(draw, sub, on.step, on.origin, exclude=exclude)


def _quote_breaks(plan: _Plan, rule: str) -> bool:
    return any(c.rule == rule for c in plan.quote_cons())


def _target(breaking: str | None, value: str) -> str | None:
    on_price = {"PRICE_FILTER", "PERCENT_PRICE", "PERCENT_PRICE_BY_SIDE"}
    on_quantity = {"LOT_SIZE", "MARKET_LOT_SIZE", "MIN_NOTIONAL", "NOTIONAL", "MAX_POSITION"}
    if value == "price":
        return breaking if breaking in on_price else None
    return breaking if breaking in on_quantity else None


def _trailing(
    draw: Draw,
    plan: _Plan,
    order_type: str,
    side: str,
    breaking: str | None,
    *,
    required: bool = False,
) -> int | None:
    if plan.symbol.allow_trailing_stop is False:
        return None
    td = plan.symbol.filter(TrailingDeltaFilter)
    wanted = draw(st.booleans())  # none first
    if breaking != "TRAILING_DELTA" and not (wanted or required):
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
    return _solve(draw, cons, Fraction(quantity), target)


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
    """The rules of :data:`BREAKABLE` that :func:`orders_from_symbol` can break alone here.

    The filter is present, applies to some allowed order type under ``context``,
    and its bounds leave room to break it alone: a rule with no such room (a
    disabled bound, a ``MARKET_LOT_SIZE`` as wide as ``LOT_SIZE``, a percent band
    wider than PRICE_FILTER around the context's prices) is left out. Computed
    from the rules, as the orders are; :func:`orders_from_symbol` asked to break
    a rule left out here rejects its draws, as ``assume`` does.
    """
    plan = _Plan(symbol, info, context)
    types = _types(plan, None)
    return frozenset(
        rule
        for rule in BREAKABLE
        if any(
            _applies(plan, rule, t, s) and _possible(plan, t, s, rule)
            for t in types
            for s in ("BUY", "SELL")
        )
    )
