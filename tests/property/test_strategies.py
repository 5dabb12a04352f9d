"""The public strategies of rules.testing produce what their docstrings promise."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from rules.context import Context
from rules.models import (
    FILTER_CLASSES,
    ExchangeInfo,
    LotSizeFilter,
    MarketLotSizeFilter,
    PriceFilter,
    SymbolInfo,
)
from rules.permissions import required_permission_sets
from rules.testing import (
    contexts_from_symbol,
    exchange_infos,
    grid_decimals,
    lot_size_filters,
    market_lot_size_filters,
    markets,
    price_filters,
    raw_exchange_infos,
    server_times,
    step_sizes,
    symbol_infos,
)
from rules.testing.strategies import MODERN_MS, Market


class TestGridDecimals:
    """Values are integers times the step: on the grid and inside the bounds."""

    @given(st.data(), step_sizes(), st.integers(-(10**6), 10**6), st.integers(0, 10**6))
    def test_on_grid_within_bounds(
        self, data: st.DataObject, step: Decimal, low: int, width: int
    ) -> None:
        value = data.draw(grid_decimals(step=step, min_value=low, max_value=low + width + 10))
        assert low <= value <= low + width + 10
        assert value % step == 0

    @given(step_sizes(), st.data())
    def test_keeps_the_places_of_the_step(self, step: Decimal, data: st.DataObject) -> None:
        value = data.draw(grid_decimals(step=step, min_value=step, max_value=step))
        assert value == step
        assert value.as_tuple().exponent == step.as_tuple().exponent


class TestStepSizes:
    """Every real tick and step is a power of ten, written with its own places or more."""

    @given(step_sizes())
    def test_powers_of_ten(self, step: Decimal) -> None:
        assert step > 0
        assert step.normalize().as_tuple().digits == (1,)


class TestFilters:
    """Filters carry the oddities of real snapshots and stay loadable."""

    @given(price_filters(allow_disabled=False))
    def test_enabled_price_filter_is_ordered(self, f: PriceFilter) -> None:
        assert 0 < f.min_price < f.max_price
        assert f.tick_size > 0

    @given(lot_size_filters(allow_disabled=False))
    def test_enabled_lot_size_is_ordered(self, f: LotSizeFilter) -> None:
        assert 0 < f.min_qty < f.max_qty
        assert f.step_size > 0

    @given(market_lot_size_filters())
    def test_market_lot_size_max_positive(self, f: MarketLotSizeFilter) -> None:
        assert f.max_qty > 0
        assert f.min_qty >= 0

    @given(st.sampled_from(sorted(FILTER_CLASSES)), st.data())
    def test_from_type_for_every_filter(self, name: str, data: st.DataObject) -> None:
        cls = FILTER_CLASSES[name]
        assert type(data.draw(st.from_type(cls))) is cls


class TestSymbols:
    """Symbols: filters in any order, a filterType at most once, the statuses asked for."""

    @given(symbol_infos(statuses=st.just("BREAK"), required_filters={"NOTIONAL"}))
    def test_options(self, symbol: SymbolInfo) -> None:
        assert symbol.status == "BREAK"
        assert symbol.filter("NOTIONAL") is not None
        names = [f.filter_type for f in symbol.filters]
        assert len(names) == len(set(names))

    @given(st.from_type(SymbolInfo))
    def test_from_type(self, symbol: SymbolInfo) -> None:
        assert isinstance(symbol, SymbolInfo)


class TestExchangeInfos:
    """Snapshots: unique symbol names, modern serverTimes by default, JSON with plain strings."""

    @given(exchange_infos(min_size=1, max_size=3, allow_keyed=False))
    def test_unique_names_modern_time(self, info: ExchangeInfo) -> None:
        names = [s.symbol for s in info.symbols]
        assert 1 <= len(names) <= 3
        assert len(set(names)) == len(names)
        assert info.server_time is not None
        assert info.server_time >= MODERN_MS

    @given(raw_exchange_infos(allow_keyed=False))
    def test_raw_has_no_floats(self, raw: dict[str, object]) -> None:
        def walk(value: object) -> None:
            assert not isinstance(value, float)
            if isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)

        walk(raw)
        assert "symbols" in raw

    @given(server_times(min_value=5, max_value=9))
    def test_server_times_bounds(self, t: int) -> None:
        assert 5 <= t <= 9


class TestContexts:
    """A context from a symbol leaves room for one more order and satisfies its permissions."""

    @given(symbol_infos().flatmap(lambda s: st.tuples(st.just(s), contexts_from_symbol(s))))
    def test_room_and_permissions(self, case: tuple[SymbolInfo, Context]) -> None:
        symbol, context = case
        limit = symbol.filter("MAX_NUM_ORDERS")
        if limit is not None and context.open_orders is not None:
            assert context.open_orders + 1 <= limit.max_num_orders  # type: ignore[union-attr]
        sets = required_permission_sets(symbol)
        if context.permissions is not None and sets is not None:
            assert all(context.permissions & set(s) for s in sets)

    @given(markets())
    def test_markets_trade(self, market: Market) -> None:
        assert market.symbol.status == "TRADING"
        assert market.symbol in market.info.symbols
        assert market.info[market.symbol.symbol] == market.symbol
