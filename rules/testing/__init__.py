"""Hypothesis strategies for testing code that trades on Binance Spot.

Install the ``testing`` extra (from a checkout: ``pip install '.[testing]'``;
the package is not on an index yet, see ``docs/installing.md``). Importing this module
imports Hypothesis and registers a strategy for every rule object, so that
``st.from_type(SymbolInfo)`` and ``st.builds(...)`` with rule-typed arguments
just work; ``import rules`` alone never imports Hypothesis.

The strategies follow Hypothesis' API style: plural names, keyword-only
options, strategies for the arguments that vary, ``InvalidArgument`` for
impossible combinations; each docstring says what it shrinks toward.
``docs/testing.md`` shows how to test a bot with them.

Owns: the strategies (filters in :mod:`~rules.testing.strategies`, numbers,
symbols, snapshots, contexts and markets, orders in the private modules).

May import: :mod:`rules.model`, :mod:`rules.checker`, :mod:`rules.fixer`,
:mod:`rules.errors` and Hypothesis (the only part of ``rules`` that does).
"""

from __future__ import annotations

from hypothesis import strategies as st

from rules.checker.context import Context
from rules.model import models
from rules.testing._order_plan import BREAKABLE
from rules.testing._orders import breakable_rules, orders_from_symbol
from rules.testing.strategies import (
    _BY_CLASS,
    _RATE_LIMITS,
    LATEST_MS,
    LAUNCH_MS,
    MODERN_MS,
    Market,
    contexts,
    contexts_from_symbol,
    exchange_infos,
    exchange_max_num_algo_orders_filters,
    exchange_max_num_iceberg_orders_filters,
    exchange_max_num_order_lists_filters,
    exchange_max_num_orders_filters,
    filters,
    grid_decimals,
    iceberg_parts_filters,
    lot_size_filters,
    market_lot_size_filters,
    markets,
    max_asset_filters,
    max_num_algo_orders_filters,
    max_num_iceberg_orders_filters,
    max_num_order_amends_filters,
    max_num_order_lists_filters,
    max_num_orders_filters,
    max_position_filters,
    min_notional_filters,
    notional_filters,
    percent_price_by_side_filters,
    percent_price_filters,
    price_filters,
    raw_exchange_infos,
    server_times,
    step_sizes,
    symbol_infos,
    trailing_delta_filters,
    unknown_filters,
)

__all__ = [
    "BREAKABLE",
    "LATEST_MS",
    "LAUNCH_MS",
    "MODERN_MS",
    "Market",
    "breakable_rules",
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
    "orders_from_symbol",
    "percent_price_by_side_filters",
    "percent_price_filters",
    "price_filters",
    "raw_exchange_infos",
    "server_times",
    "step_sizes",
    "symbol_infos",
    "trailing_delta_filters",
    "unknown_filters",
]


def _register() -> None:
    # st.from_type(cls) for every rule object. Idempotent: registering again
    # replaces the same strategy.
    for cls, strategy in _BY_CLASS.items():
        st.register_type_strategy(cls, st.deferred(strategy))
    st.register_type_strategy(models.SymbolInfo, st.deferred(symbol_infos))
    st.register_type_strategy(models.ExchangeInfo, st.deferred(exchange_infos))
    st.register_type_strategy(models.RateLimit, st.sampled_from(_RATE_LIMITS))
    st.register_type_strategy(
        models.Sor, st.builds(models.Sor, st.just("BTC"), st.just(("BTCUSDT", "BTCUSDC")))
    )
    st.register_type_strategy(Context, st.deferred(contexts))
    st.register_type_strategy(Market, st.deferred(markets))


_register()
