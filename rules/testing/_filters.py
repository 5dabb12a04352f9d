"""Filter strategies: one per filter type, built around a market "profile".

A :class:`Profile` is the price level, tick, step and typical quantity a symbol
trades at. Every filter of a generated symbol is drawn around the same profile,
so that orders passing every rule exist (the notional band contains
``price × quantity`` for prices inside the percent band, ...), while the values
keep the oddities of real snapshots (FINDINGS.md §3): tick strings written with
their asset's places (``"1.00"``), a ``MARKET_LOT_SIZE`` step of ``"0"``, minima
off the grid, maxima next to int64 limits, disabled (0) bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st

from rules.model.frozen import FrozenJson
from rules.model.models import (
    ExchangeMaxNumAlgoOrdersFilter,
    ExchangeMaxNumIcebergOrdersFilter,
    ExchangeMaxNumOrderListsFilter,
    ExchangeMaxNumOrdersFilter,
    IcebergPartsFilter,
    LotSizeFilter,
    MarketLotSizeFilter,
    MaxAssetFilter,
    MaxNumAlgoOrdersFilter,
    MaxNumIcebergOrdersFilter,
    MaxNumOrderAmendsFilter,
    MaxNumOrderListsFilter,
    MaxNumOrdersFilter,
    MaxPositionFilter,
    MinNotionalFilter,
    NotionalFilter,
    PercentPriceBySideFilter,
    PercentPriceFilter,
    PriceFilter,
    TrailingDeltaFilter,
    UnknownFilter,
)
from rules.model.numbers import CONTEXT
from rules.testing._values import ZERO, on_grid, places, power_of_ten, with_places

Draw = Any  # hypothesis' draw function

#: Maxima seen in real snapshots, most of them next to int64 limits (FINDINGS.md §3).
ODD_MAXIMA = tuple(
    Decimal(s)
    for s in (
        "92233720368.54775807",
        "92233720368",
        "46116860414",
        "9000000000",
        "913205152",
        "92141578",
        "99999999",
        "90000000",
        "9223372",
        "9222449",
        "9000000",
        "922327",
        "900000",
    )
)
#: ``(up, down)`` multipliers seen in real PERCENT_PRICE(_BY_SIDE) filters.
MULTIPLIERS = (("5", "0.2"), ("1.2", "0.8"), ("1.3", "0.7"), ("2", "0.5"), ("1.1", "0.9"))
#: filterTypes a future Binance may add; the library must keep and list them (D25).
UNKNOWN_FILTER_TYPES = ("T_PLUS_SELL", "MAX_ORDER_VALUE", "PRICE_BAND")


#: Filter class -> the public strategy of its filters (``rules.testing.price_filters``,
#: ...), registered by :func:`strategy_for` where each strategy is defined.
BY_CLASS: dict[type[Any], Callable[[], st.SearchStrategy[Any]]] = {}

_S = TypeVar("_S", bound=Callable[..., st.SearchStrategy[Any]])


def strategy_for(cls: type[Any]) -> Callable[[_S], _S]:
    """Register the decorated function as the strategy of ``cls``'s filters."""

    def register(strategy: _S) -> _S:
        if cls in BY_CLASS:
            raise RuntimeError(f"{cls.__name__} has two strategies")
        BY_CLASS[cls] = strategy
        return strategy

    return register


@attrs.frozen
class Profile:
    """Where a symbol trades: a price on its tick, a quantity on its step."""

    price: Decimal
    tick: Decimal
    quantity: Decimal
    step: Decimal

    @property
    def notional(self) -> Decimal:
        """``price × quantity``, exactly."""
        return CONTEXT.multiply(self.price, self.quantity)


def _written(draw: Draw, exponent: int) -> Decimal:
    # A power of ten written as Binance writes it: its own places, or 8 ("0.01000000").
    return power_of_ten(exponent, draw(st.sampled_from((0, 8, 2))))


@st.composite
def profiles(draw: Draw) -> Profile:
    """A price level on a power-of-ten tick and a quantity level on a power-of-ten step."""
    tick = _written(draw, draw(st.integers(-8, 1)))
    price = on_grid(tick, draw(st.integers(10, 10**7)))
    step = _written(draw, draw(st.integers(-8, 2)))
    quantity = on_grid(step, draw(st.integers(1, 10**4)))
    return Profile(price, tick, quantity, step)


# Rounding on purpose (a limit made round) needs a context that does not trap Inexact.
_ROUNDING = Context(prec=60)


def _floor_to(value: Decimal, step: Decimal) -> Decimal:
    # value rounded down to a multiple of step (a power of ten at most 1).
    return value.quantize(step, rounding=ROUND_FLOOR, context=_ROUNDING)


def _round_value(value: Decimal, exponent: int, rounding: str) -> Decimal:
    # value rounded to a multiple of 10**exponent in the given direction.
    scaled = value.scaleb(-exponent).quantize(Decimal(1), rounding=rounding, context=_ROUNDING)
    if exponent >= 0:  # "1000", not "1E+3"
        return _ROUNDING.multiply(scaled, Decimal(10**exponent))
    return scaled.scaleb(exponent)


def _maximum(draw: Draw, at_least: Decimal, unit: Decimal) -> Decimal:
    # A maximum >= at_least: a round one on the unit's grid (the simplest), or an
    # odd real one. Both choices are drawn whatever the level, so that a smaller
    # level never means fewer choices (Hypothesis shrinks shorter sequences first).
    use_odd, exponent = draw(st.booleans()), draw(st.integers(1, 4))
    odd = [m for m in ODD_MAXIMA if m >= at_least and CONTEXT.remainder(m, unit) == 0]
    if odd and use_odd:
        return with_places(draw(st.sampled_from(odd)), min(8, max(2, places(unit))))
    level = _round_value(at_least, at_least.adjusted() + exponent, ROUND_CEILING)
    return with_places(level if level >= at_least else at_least, places(unit))


def _off_grid(minimum: Decimal, step: Decimal) -> Decimal:
    # Half a step above a grid point: a minimum no grid point equals (filters.md allows it).
    return CONTEXT.add(minimum, CONTEXT.multiply(step, Decimal("0.5")))


@st.composite
def price_filter_for(draw: Draw, p: Profile, *, allow_disabled: bool = True) -> PriceFilter:
    """PRICE_FILTER admitting ``p.price``: min ≤ price/10, max ≥ price·10, tick ``p.tick``."""
    zero = with_places(ZERO, places(p.tick))
    ceiling = CONTEXT.multiply(p.price, Decimal(10))
    top = _ROUNDING.divide(p.price, Decimal(10))
    min_kind = draw(
        st.sampled_from(
            ("tick", "multiple", "off", "zero") if allow_disabled else ("tick", "multiple", "off")
        )
    )
    if min_kind == "tick" or top < p.tick:
        min_price = p.tick
    elif min_kind == "multiple":
        min_price = on_grid(p.tick, draw(st.integers(1, int(top / p.tick))))
    elif min_kind == "off":
        min_price = _off_grid(on_grid(p.tick, draw(st.integers(0, int(top / p.tick) - 1))), p.tick)
    else:
        min_price = zero
    # The disabled (0) variants come last, so that shrinking leaves the rule enabled.
    max_price = _maximum(draw, ceiling, p.tick)
    if allow_disabled and draw(st.integers(0, 9)) == 9:
        max_price = zero
    tick = zero if allow_disabled and draw(st.integers(0, 14)) == 14 else p.tick
    return PriceFilter(min_price, max_price, tick)


@st.composite
def lot_size_for(draw: Draw, p: Profile, *, allow_disabled: bool = True) -> LotSizeFilter:
    """LOT_SIZE admitting quantities from its minimum up to ``p.quantity·10`` and beyond."""
    kind = draw(
        st.sampled_from(
            ("step", "multiple", "off", "zero") if allow_disabled else ("step", "multiple", "off")
        )
    )
    n = int(p.quantity / p.step)
    if kind == "step" or n < 2:
        min_qty = p.step
    elif kind == "multiple":
        min_qty = on_grid(p.step, draw(st.integers(1, n)))
    elif kind == "off":
        min_qty = _off_grid(on_grid(p.step, draw(st.integers(0, n - 1))), p.step)
    else:
        min_qty = with_places(ZERO, places(p.step))
    max_qty = _maximum(draw, CONTEXT.multiply(p.quantity, Decimal(10)), p.step)
    return LotSizeFilter(min_qty, max_qty, p.step)


@st.composite
def market_lot_size_for(draw: Draw, p: Profile) -> MarketLotSizeFilter:
    """MARKET_LOT_SIZE: mostly the real shape (min and step ``0``, a computed odd max)."""
    zero = with_places(ZERO, places(p.step))
    # A computed, non-round maximum above the quantity level (112.21108820-like).
    fraction = on_grid(Decimal("0.00000001"), draw(st.integers(0, 10**8 - 1)))
    whole = CONTEXT.multiply(p.quantity, Decimal(draw(st.integers(2, 1000))))
    max_qty = CONTEXT.add(whole, fraction)
    if draw(st.integers(0, 3)) < 3:  # the real shape first
        return MarketLotSizeFilter(zero, max_qty, zero)
    return MarketLotSizeFilter(p.step, _maximum(draw, whole, p.step), p.step)


def _small_notional(draw: Draw, p: Profile) -> Decimal:
    # A minimum notional at most a tenth of price × quantity, rounded down to a
    # quote-like precision: "10.00000000", "0.00010000", "20000.00".
    limit = _ROUNDING.divide(p.notional, Decimal(draw(st.sampled_from((10, 100, 1000)))))
    exponent = draw(st.sampled_from((0, 8, 2)))
    value = _floor_to(limit, Decimal(1).scaleb(-exponent))
    return with_places(value, exponent) if value > 0 else with_places(ZERO, exponent)


@st.composite
def notional_for(draw: Draw, p: Profile, *, allow_disabled: bool = True) -> NotionalFilter:
    """NOTIONAL whose band contains price × quantity for prices within 10× of ``p.price``."""
    low = _small_notional(draw, p)
    high = _maximum(draw, CONTEXT.multiply(p.notional, Decimal(1000)), Decimal("0.00000001"))
    if allow_disabled and draw(st.integers(0, 9)) == 9:
        high = with_places(ZERO, 8)
    return NotionalFilter(
        low,
        draw(st.booleans()),
        high,
        draw(st.booleans()),
        draw(st.none() | st.sampled_from((5, 1, 0))),
    )


@st.composite
def min_notional_for(draw: Draw, p: Profile) -> MinNotionalFilter:
    """MIN_NOTIONAL, in its 2018 form (no ``applyToMarket``) or its later one."""
    low = _small_notional(draw, p)
    if not draw(st.booleans()):  # the 2018 form first
        return MinNotionalFilter(low)
    return MinNotionalFilter(low, draw(st.booleans()), draw(st.sampled_from((5, 1, 0))))


def _multipliers(draw: Draw) -> tuple[Decimal, Decimal]:
    up, down = draw(st.sampled_from(MULTIPLIERS))
    return Decimal(up), Decimal(down)


@st.composite
def percent_price_filters_(draw: Draw) -> PercentPriceFilter:
    """PERCENT_PRICE with real multipliers (5/0.2, 1.2/0.8, ...)."""
    up, down = _multipliers(draw)
    return PercentPriceFilter(up, down, draw(st.none() | st.sampled_from((5, 1, 0))))


@st.composite
def percent_price_by_side_filters_(
    draw: Draw, *, symmetric: bool | None = None
) -> PercentPriceBySideFilter:
    """PERCENT_PRICE_BY_SIDE, symmetric as every real one, or not (filters.md allows it)."""
    bid_up, bid_down = _multipliers(draw)
    same = not draw(st.booleans()) if symmetric is None else symmetric  # symmetric first
    ask_up, ask_down = (bid_up, bid_down) if same else _multipliers(draw)
    return PercentPriceBySideFilter(
        bid_up, bid_down, ask_up, ask_down, draw(st.none() | st.sampled_from((5, 1, 0)))
    )


@st.composite
def max_position_for(draw: Draw, p: Profile) -> MaxPositionFilter:
    """MAX_POSITION well above the quantity level, or the int64-sized LUNCBUSD value."""
    if draw(st.integers(0, 4)) == 0:
        return MaxPositionFilter(Decimal("92233720368.54775807"))
    return MaxPositionFilter(
        with_places(CONTEXT.multiply(p.quantity, Decimal(draw(st.integers(20, 10**4)))), 8)
    )


@st.composite
def trailing_delta_filters_(draw: Draw) -> TrailingDeltaFilter:
    """TRAILING_DELTA: the real 10/2000/10/2000, or other ordered bounds."""
    if not draw(st.booleans()):
        return TrailingDeltaFilter(10, 2000, 10, 2000)
    a_lo, a_hi = sorted(draw(st.lists(st.integers(1, 5000), min_size=2, max_size=2)))
    b_lo, b_hi = sorted(draw(st.lists(st.integers(1, 5000), min_size=2, max_size=2)))
    return TrailingDeltaFilter(a_lo, a_hi, b_lo, b_hi)


def counts(*real: int) -> st.SearchStrategy[int]:
    """A count limit: a real value or any positive one (shrinks toward the first real value)."""
    return st.sampled_from(real) | st.integers(1, 10_000)


COUNT_FILTERS: dict[type[Any], st.SearchStrategy[Any]] = {
    IcebergPartsFilter: counts(10, 25, 50, 100).map(IcebergPartsFilter),
    MaxNumOrdersFilter: counts(200, 25).map(MaxNumOrdersFilter),
    MaxNumAlgoOrdersFilter: counts(5, 10).map(MaxNumAlgoOrdersFilter),
    MaxNumIcebergOrdersFilter: counts(5, 100).map(MaxNumIcebergOrdersFilter),
    MaxNumOrderAmendsFilter: counts(10).map(MaxNumOrderAmendsFilter),
    MaxNumOrderListsFilter: counts(20).map(MaxNumOrderListsFilter),
    ExchangeMaxNumOrdersFilter: counts(1000).map(ExchangeMaxNumOrdersFilter),
    ExchangeMaxNumAlgoOrdersFilter: counts(200).map(ExchangeMaxNumAlgoOrdersFilter),
    ExchangeMaxNumIcebergOrdersFilter: counts(10000).map(ExchangeMaxNumIcebergOrdersFilter),
    ExchangeMaxNumOrderListsFilter: counts(20).map(ExchangeMaxNumOrderListsFilter),
}


@st.composite
def max_asset_filters_(draw: Draw) -> MaxAssetFilter:
    """MAX_ASSET (a ``myFilters`` entry): an asset and a decimal limit."""
    asset = draw(st.sampled_from(("USDC", "BTC", "BNB", "USDT")))
    return MaxAssetFilter(asset, on_grid(Decimal("0.00000001"), draw(st.integers(1, 10**12))))


@st.composite
def unknown_filters_(draw: Draw) -> UnknownFilter:
    """A filterType this library does not know, kept whole (D25)."""
    name = draw(st.sampled_from(UNKNOWN_FILTER_TYPES))
    raw: dict[str, Any] = {"filterType": name}
    if draw(st.booleans()):
        raw["limit"] = draw(st.integers(0, 100))
    if draw(st.booleans()):
        raw["maxValue"] = format(on_grid(Decimal("0.01"), draw(st.integers(0, 10**9))), "f")
    return UnknownFilter(name, FrozenJson(raw))
