"""Hypothesis strategies for Binance Spot rules: values, filters, symbols, snapshots, contexts.

The shapes follow Hypothesis' API style guide: plural names, keyword-only
options, ``min_value``/``max_value`` and ``min_size``/``max_size``, strategies
for the arguments that vary, :class:`~hypothesis.errors.InvalidArgument` for
impossible combinations. Each docstring says what a value shrinks toward.
Orders live in :mod:`rules.testing._orders`; everything is re-exported by
:mod:`rules.testing`.

This module holds the filter strategies and re-exports the rest, each from the
private module of its concept: numbers (:mod:`rules.testing._numbers`), symbols
(:mod:`rules.testing._symbols`), snapshots (:mod:`rules.testing._snapshots`),
contexts and markets (:mod:`rules.testing._markets`).
"""

from __future__ import annotations

from collections.abc import Collection

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from rules.model.models import (
    FILTER_CLASSES,
    ExchangeMaxNumAlgoOrdersFilter,
    ExchangeMaxNumIcebergOrdersFilter,
    ExchangeMaxNumOrderListsFilter,
    ExchangeMaxNumOrdersFilter,
    Filter,
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
from rules.testing import _filters as f
from rules.testing._markets import (
    Market,
    context_for,
    contexts,
    contexts_from_symbol,
    markets,
)
from rules.testing._numbers import grid_decimals, step_sizes
from rules.testing._snapshots import (
    _RATE_LIMITS as _RATE_LIMITS,  # re-exported: rules.testing registers it for RateLimit
)
from rules.testing._snapshots import (
    LATEST_MS,
    LAUNCH_MS,
    MODERN_MS,
    exchange_infos,
    raw_exchange_infos,
    server_times,
)
from rules.testing._symbols import QUOTE_ASSETS, SYMBOL_FILTER_TYPES, symbol_for, symbol_infos
from rules.testing._values import check_bool

__all__ = [
    "LATEST_MS",
    "LAUNCH_MS",
    "MODERN_MS",
    "QUOTE_ASSETS",
    "SYMBOL_FILTER_TYPES",
    "Market",
    "context_for",
    "contexts",
    "contexts_from_symbol",
    "exchange_infos",
    "exchange_max_num_algo_orders_filters",
    "exchange_max_num_iceberg_orders_filters",
    "exchange_max_num_order_lists_filters",
    "exchange_max_num_orders_filters",
    "filters",
    "grid_decimals",
    "iceberg_parts_filters",
    "lot_size_filters",
    "market_lot_size_filters",
    "markets",
    "max_asset_filters",
    "max_num_algo_orders_filters",
    "max_num_iceberg_orders_filters",
    "max_num_order_amends_filters",
    "max_num_order_lists_filters",
    "max_num_orders_filters",
    "max_position_filters",
    "min_notional_filters",
    "notional_filters",
    "percent_price_by_side_filters",
    "percent_price_filters",
    "price_filters",
    "raw_exchange_infos",
    "server_times",
    "step_sizes",
    "symbol_for",
    "symbol_infos",
    "trailing_delta_filters",
    "unknown_filters",
]

# --------------------------------------------------------------------------- filters


@f.strategy_for(PriceFilter)
def price_filters(*, allow_disabled: bool = True) -> st.SearchStrategy[PriceFilter]:
    """``PRICE_FILTER``: power-of-ten ticks written with their asset's places, minima
    on or off the grid, maxima round or next to int64 limits, and (with
    ``allow_disabled``) 0 for any of the three, which disables that rule.

    Shrinks toward an enabled filter with a tick of 1, ``minPrice`` equal to the
    tick and a round ``maxPrice``: ``PriceFilter(1, 1000, 1)``. The disabled
    variants are drawn last, so they shrink away.
    """
    check_bool("allow_disabled", allow_disabled)
    return f.profiles().flatmap(lambda p: f.price_filter_for(p, allow_disabled=allow_disabled))


@f.strategy_for(LotSizeFilter)
def lot_size_filters(*, allow_disabled: bool = True) -> st.SearchStrategy[LotSizeFilter]:
    """``LOT_SIZE``: ``minQty`` equal to the step (as on every real symbol), a multiple of
    it, off the grid, or (``allow_disabled``) 0; ``maxQty`` round or int64-sized.

    Shrinks toward a step of 1, ``minQty`` equal to the step and a round ``maxQty``:
    ``LotSizeFilter(1, 100, 1)``.
    """
    check_bool("allow_disabled", allow_disabled)
    return f.profiles().flatmap(lambda p: f.lot_size_for(p, allow_disabled=allow_disabled))


@f.strategy_for(MarketLotSizeFilter)
def market_lot_size_filters() -> st.SearchStrategy[MarketLotSizeFilter]:
    """``MARKET_LOT_SIZE``: mostly the real shape, ``minQty`` and ``stepSize`` ``"0"``
    (written ``"0.00000000"``, ``"0.00"``...) with a computed non-round ``maxQty``;
    sometimes a regular step.

    Shrinks toward the real shape with the smallest maximum:
    ``MarketLotSizeFilter(0, 2, 0)``.
    """
    return f.profiles().flatmap(f.market_lot_size_for)


@f.strategy_for(PercentPriceFilter)
def percent_price_filters() -> st.SearchStrategy[PercentPriceFilter]:
    """``PERCENT_PRICE`` with real multipliers; shrinks toward 5/0.2 and ``avgPriceMins`` absent."""
    return f.percent_price_filters_()


@f.strategy_for(PercentPriceBySideFilter)
def percent_price_by_side_filters(
    *, symmetric: bool | None = None
) -> st.SearchStrategy[PercentPriceBySideFilter]:
    """``PERCENT_PRICE_BY_SIDE``; ``symmetric=None`` gives both symmetric bands (as every
    real one) and asymmetric ones (which filters.md allows).

    Shrinks toward 5/0.2 on both sides.
    """
    check_bool("symmetric", symmetric, allow_none=True)
    return f.percent_price_by_side_filters_(symmetric=symmetric)


@f.strategy_for(MinNotionalFilter)
def min_notional_filters() -> st.SearchStrategy[MinNotionalFilter]:
    """``MIN_NOTIONAL``, in its 2018 form (no ``applyToMarket``) or its later one.

    Shrinks toward the 2018 form with a minimum of 1: ``MinNotionalFilter(1)``.
    """
    return f.profiles().flatmap(f.min_notional_for)


@f.strategy_for(NotionalFilter)
def notional_filters(*, allow_disabled: bool = True) -> st.SearchStrategy[NotionalFilter]:
    """``NOTIONAL`` with any ``apply*ToMarket`` flags; with ``allow_disabled`` a
    ``maxNotional`` of 0 (no upper bound, D12).

    Shrinks toward an enabled band from 1 to 100000, flags false and no
    ``avgPriceMins``: ``NotionalFilter(1, False, 100000, False)``.
    """
    check_bool("allow_disabled", allow_disabled)
    return f.profiles().flatmap(lambda p: f.notional_for(p, allow_disabled=allow_disabled))


@f.strategy_for(MaxPositionFilter)
def max_position_filters() -> st.SearchStrategy[MaxPositionFilter]:
    """``MAX_POSITION``, including LUNCBUSD's ``92233720368.54775807`` (shrinks toward it)."""
    return f.profiles().flatmap(f.max_position_for)


@f.strategy_for(TrailingDeltaFilter)
def trailing_delta_filters() -> st.SearchStrategy[TrailingDeltaFilter]:
    """``TRAILING_DELTA``: the real 10/2000/10/2000 (shrinks to it) or other ordered bounds."""
    return f.trailing_delta_filters_()


@f.strategy_for(IcebergPartsFilter)
def iceberg_parts_filters() -> st.SearchStrategy[IcebergPartsFilter]:
    """``ICEBERG_PARTS``: 10, 25, 50, 100 (the real history; shrinks to 10) or any limit."""
    return f.COUNT_FILTERS[IcebergPartsFilter]


@f.strategy_for(MaxNumOrdersFilter)
def max_num_orders_filters() -> st.SearchStrategy[MaxNumOrdersFilter]:
    """``MAX_NUM_ORDERS``; shrinks toward the real 200."""
    return f.COUNT_FILTERS[MaxNumOrdersFilter]


@f.strategy_for(MaxNumAlgoOrdersFilter)
def max_num_algo_orders_filters() -> st.SearchStrategy[MaxNumAlgoOrdersFilter]:
    """``MAX_NUM_ALGO_ORDERS``; shrinks toward the real 5."""
    return f.COUNT_FILTERS[MaxNumAlgoOrdersFilter]


@f.strategy_for(MaxNumIcebergOrdersFilter)
def max_num_iceberg_orders_filters() -> st.SearchStrategy[MaxNumIcebergOrdersFilter]:
    """``MAX_NUM_ICEBERG_ORDERS``; shrinks toward 5."""
    return f.COUNT_FILTERS[MaxNumIcebergOrdersFilter]


@f.strategy_for(MaxNumOrderAmendsFilter)
def max_num_order_amends_filters() -> st.SearchStrategy[MaxNumOrderAmendsFilter]:
    """``MAX_NUM_ORDER_AMENDS``; shrinks toward the real 10."""
    return f.COUNT_FILTERS[MaxNumOrderAmendsFilter]


@f.strategy_for(MaxNumOrderListsFilter)
def max_num_order_lists_filters() -> st.SearchStrategy[MaxNumOrderListsFilter]:
    """``MAX_NUM_ORDER_LISTS``; shrinks toward the real 20."""
    return f.COUNT_FILTERS[MaxNumOrderListsFilter]


@f.strategy_for(ExchangeMaxNumOrdersFilter)
def exchange_max_num_orders_filters() -> st.SearchStrategy[ExchangeMaxNumOrdersFilter]:
    """``EXCHANGE_MAX_NUM_ORDERS``; shrinks toward 1000."""
    return f.COUNT_FILTERS[ExchangeMaxNumOrdersFilter]


@f.strategy_for(ExchangeMaxNumAlgoOrdersFilter)
def exchange_max_num_algo_orders_filters() -> st.SearchStrategy[ExchangeMaxNumAlgoOrdersFilter]:
    """``EXCHANGE_MAX_NUM_ALGO_ORDERS``; shrinks toward 200."""
    return f.COUNT_FILTERS[ExchangeMaxNumAlgoOrdersFilter]


@f.strategy_for(ExchangeMaxNumIcebergOrdersFilter)
def exchange_max_num_iceberg_orders_filters() -> st.SearchStrategy[
    ExchangeMaxNumIcebergOrdersFilter
]:
    """``EXCHANGE_MAX_NUM_ICEBERG_ORDERS``; shrinks toward 10000."""
    return f.COUNT_FILTERS[ExchangeMaxNumIcebergOrdersFilter]


@f.strategy_for(ExchangeMaxNumOrderListsFilter)
def exchange_max_num_order_lists_filters() -> st.SearchStrategy[ExchangeMaxNumOrderListsFilter]:
    """``EXCHANGE_MAX_NUM_ORDER_LISTS``; shrinks toward 20."""
    return f.COUNT_FILTERS[ExchangeMaxNumOrderListsFilter]


@f.strategy_for(MaxAssetFilter)
def max_asset_filters() -> st.SearchStrategy[MaxAssetFilter]:
    """``MAX_ASSET`` (``myFilters``); shrinks toward USDC with the smallest limit."""
    return f.max_asset_filters_()


@f.strategy_for(UnknownFilter)
def unknown_filters() -> st.SearchStrategy[UnknownFilter]:
    """Filters of a type this library does not know (kept whole, listed unchecked: D25).

    Shrinks toward a bare ``{"filterType": "T_PLUS_SELL"}``.
    """
    return f.unknown_filters_()


_BY_CLASS = f.BY_CLASS
# Every modelled filter type has its strategy (each registered below its definition).
assert set(_BY_CLASS) >= set(FILTER_CLASSES.values())


def filters(*, filter_types: Collection[str] | None = None) -> st.SearchStrategy[Filter]:
    """Any filter, or any of the given ``filter_types`` (Binance names; ``"UNKNOWN"``
    for a type the library does not know).

    Shrinks toward a filter of the type drawn with the fewest choices, at its
    simplest: Hypothesis counts a shorter choice sequence as simpler, so with
    every type that is ``MaxNumOrderAmendsFilter(10)`` (one real value, and
    listed first), not a PRICE_FILTER (a whole price and quantity profile).
    With one type, toward that type's own target; list the simplest of several
    first. (Between several many-choice types, such as PRICE_FILTER and
    LOT_SIZE, Hypothesis' shrinker may stop short of either minimum.)

    Raises:
        InvalidArgument: ``filter_types`` is empty or names an unknown type.
    """
    if isinstance(filter_types, str):
        raise InvalidArgument(f"filter_types={filter_types!r} must be a collection of names")
    # The simplest type first: the shrinker reaches branch 0 directly, where a
    # lower branch of equal length is found only sometimes.
    simplest = "MAX_NUM_ORDER_AMENDS"
    everything = [simplest, *(n for n in FILTER_CLASSES if n != simplest), "UNKNOWN"]
    names = everything if filter_types is None else list(filter_types)
    if not names:
        raise InvalidArgument("filter_types must name at least one filterType")
    bad = [n for n in names if n not in FILTER_CLASSES and n != "UNKNOWN"]
    if bad:
        raise InvalidArgument(f"unknown filter_types {bad!r}; known: {sorted(FILTER_CLASSES)}")
    return st.one_of(
        [_BY_CLASS[FILTER_CLASSES[n] if n != "UNKNOWN" else UnknownFilter]() for n in names]
    )
