"""The public strategies of rules.testing produce what their docstrings promise."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.order import Order
from rules.checker.permissions import required_permission_sets
from rules.model.frozen import FrozenJson
from rules.model.load import load_path, loads
from rules.model.models import (
    FILTER_CLASSES,
    ExchangeInfo,
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
    SymbolInfo,
    TrailingDeltaFilter,
    UnknownFilter,
)
from rules.testing import (
    breakable_rules,
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
    orders_from_symbol,
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
from rules.testing.strategies import MODERN_MS, Market
from tests._shared import EXCHANGE_INFO

#: Cheap symbols with ten distinct names, so that snapshot sizes are quick to explore.
NAMED_SYMBOLS = st.sampled_from([SymbolInfo(f"S{i}USDT", f"S{i}", "USDT", ()) for i in range(10)])


def _symbols_of(info: ExchangeInfo | dict[str, Any]) -> list[object]:
    return list(info["symbols"] if isinstance(info, dict) else info.symbols)


def _minimal(strategy: st.SearchStrategy[Any], condition: Any = lambda _: True) -> Any:
    """The value Hypothesis shrinks to: what each docstring's "Shrinks toward" promises."""
    return find(strategy, condition, settings=settings(database=None))


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

    def test_max_size_none_is_unbounded(self) -> None:
        # max_size=None once gave exactly min_size symbols (`max_size or min_size`).
        for strategy in (exchange_infos, raw_exchange_infos):
            many = strategy(symbols=NAMED_SYMBOLS, min_size=1, max_size=None, allow_keyed=False)
            assert len(_symbols_of(_minimal(many, lambda i: len(_symbols_of(i)) > 4))) == 5
            assert len(_symbols_of(_minimal(many, lambda i: len(_symbols_of(i)) < 3))) == 1

    @given(exchange_infos(symbols=NAMED_SYMBOLS, min_size=2, max_size=None))
    def test_max_size_none_keeps_min_size(self, info: ExchangeInfo) -> None:
        assert len(info.symbols) >= 2

    @given(server_times(min_value=5, max_value=9))
    def test_server_times_bounds(self, t: int) -> None:
        assert 5 <= t <= 9


D = Decimal
#: The simplest symbol, as symbol_infos() documents it.
SIMPLEST_SYMBOL = SymbolInfo(
    "AAUSDT", "AA", "USDT", (PriceFilter(D(1), D(1000), D(1)), LotSizeFilter(D(1), D(100), D(1))),
    status="TRADING",
)  # fmt: skip
#: A symbol that allows every order type and every extra: a LIMIT BUY must still come first.
EVERYTHING_ALLOWED = SymbolInfo(
    "BTCUSDT", "BTC", "USDT",
    (
        PriceFilter(D("0.01"), D("1000000"), D("0.01")),
        LotSizeFilter(D("0.00001"), D("9000"), D("0.00001")),
        MarketLotSizeFilter(D("0"), D("120"), D("0")),
        IcebergPartsFilter(10),
        TrailingDeltaFilter(10, 2000, 10, 2000),
    ),
    status="TRADING", iceberg_allowed=True, quote_order_qty_market_allowed=True,
    allow_trailing_stop=True, allowed_self_trade_prevention_modes=("EXPIRE_TAKER", "NONE"),
)  # fmt: skip
LIMIT_BUY = Order(symbol="BTCUSDT", side="BUY", type="LIMIT", time_in_force="GTC",
                  price=D("0.01"), quantity=D("0.00001"))  # fmt: skip
MARKET_BUY = Order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity=D("0.00001"))


class TestShrinking:
    """Each strategy shrinks to what its docstring (and docs/testing.md) says.

    ``find(strategy, lambda x: True)`` is Hypothesis' simplest value. Hypothesis
    counts a shorter choice sequence as simpler before it compares choices, so
    a branch that draws less wins whatever the order of a ``sampled_from``: these
    pins caught documented targets that were not the real ones.
    """

    @pytest.mark.parametrize(
        ("strategy", "expected"),
        [
            (grid_decimals(step="0.5", min_value="0.3", max_value=10), D("0.5")),
            (step_sizes(), D(1)),
            (step_sizes(min_value=10, max_value=1000), D(10)),
            (step_sizes(max_value="0.01"), D("0.01")),
            (server_times(), MODERN_MS),
            (price_filters(), PriceFilter(D(1), D(1000), D(1))),
            (price_filters(allow_disabled=False), PriceFilter(D(1), D(1000), D(1))),
            (lot_size_filters(), LotSizeFilter(D(1), D(100), D(1))),
            (market_lot_size_filters(), MarketLotSizeFilter(D(0), D(2), D(0))),
            (percent_price_filters(), PercentPriceFilter(D(5), D("0.2"))),
            (percent_price_by_side_filters(),
             PercentPriceBySideFilter(D(5), D("0.2"), D(5), D("0.2"))),
            (min_notional_filters(), MinNotionalFilter(D(1))),
            (notional_filters(), NotionalFilter(D(1), False, D(100000), False)),
            (max_position_filters(), MaxPositionFilter(D("92233720368.54775807"))),
            (trailing_delta_filters(), TrailingDeltaFilter(10, 2000, 10, 2000)),
            (iceberg_parts_filters(), IcebergPartsFilter(10)),
            (max_num_orders_filters(), MaxNumOrdersFilter(200)),
            (max_num_algo_orders_filters(), MaxNumAlgoOrdersFilter(5)),
            (max_num_iceberg_orders_filters(), MaxNumIcebergOrdersFilter(5)),
            (max_num_order_amends_filters(), MaxNumOrderAmendsFilter(10)),
            (max_num_order_lists_filters(), MaxNumOrderListsFilter(20)),
            (exchange_max_num_orders_filters(), ExchangeMaxNumOrdersFilter(1000)),
            (exchange_max_num_algo_orders_filters(), ExchangeMaxNumAlgoOrdersFilter(200)),
            (exchange_max_num_iceberg_orders_filters(), ExchangeMaxNumIcebergOrdersFilter(10000)),
            (exchange_max_num_order_lists_filters(), ExchangeMaxNumOrderListsFilter(20)),
            (max_asset_filters(), MaxAssetFilter("USDC", D("0.00000001"))),
            (unknown_filters(),
             UnknownFilter("T_PLUS_SELL", FrozenJson({"filterType": "T_PLUS_SELL"}))),
            (filters(), MaxNumOrderAmendsFilter(10)),
            (filters(filter_types=["PRICE_FILTER"]), PriceFilter(D(1), D(1000), D(1))),
            (contexts(), Context()),
            (contexts_from_symbol(SIMPLEST_SYMBOL), Context()),
            (orders_from_symbol(EVERYTHING_ALLOWED), LIMIT_BUY),
            (orders_from_symbol(EVERYTHING_ALLOWED,
                                order_types={"MARKET", "LIMIT_MAKER", "STOP_LOSS"}), MARKET_BUY),
        ],
        ids=lambda x: type(x).__name__ if not isinstance(x, st.SearchStrategy) else "",
    )  # fmt: skip
    def test_minimal_example(self, strategy: st.SearchStrategy[Any], expected: object) -> None:
        assert _minimal(strategy) == expected

    def test_round_values_are_written_plainly(self) -> None:
        # Shrunk examples are read by people: 10 and 1000, not 1E+1 and 1E+3.
        assert str(_minimal(step_sizes(min_value=10, max_value=1000))) == "10"
        assert str(_minimal(price_filters()).max_price) == "1000"

    def test_symbol_infos(self) -> None:
        assert _minimal(symbol_infos()) == SIMPLEST_SYMBOL
        with_notional = _minimal(symbol_infos(required_filters={"NOTIONAL"}))
        assert with_notional.filters == (
            *SIMPLEST_SYMBOL.filters,
            NotionalFilter(D(1), False, D(100000), False),
        )

    def test_exchange_infos(self) -> None:
        # Cheap symbols: shrinking whole symbol_infos() away takes seconds each.
        empty = ExchangeInfo((), server_time=MODERN_MS, exchange_filters=())
        assert _minimal(exchange_infos(symbols=NAMED_SYMBOLS)) == empty
        assert _minimal(raw_exchange_infos(symbols=NAMED_SYMBOLS)) == {
            "symbols": [], "serverTime": MODERN_MS, "exchangeFilters": []
        }  # fmt: skip
        one = _minimal(exchange_infos(symbols=NAMED_SYMBOLS, min_size=1))
        assert one == attrs.evolve(empty, symbols=one.symbols)  # not keyed by symbol
        assert len(one.symbols) == 1

    def test_markets_and_their_orders(self) -> None:
        market = _minimal(markets())
        assert market.info.symbols == (SIMPLEST_SYMBOL,)
        assert market.symbol == SIMPLEST_SYMBOL
        assert market.context == Context()
        order = _minimal(orders_from_symbol(market.symbol, info=market.info))
        assert order == Order(symbol="AAUSDT", side="BUY", type="LIMIT", time_in_force="GTC",
                              price=D(1), quantity=D(1))  # fmt: skip

    def test_lowest_valid_price_and_quantity(self) -> None:
        # "the lowest valid price and quantity": one step lower is rejected.
        order = _minimal(orders_from_symbol(EVERYTHING_ALLOWED))
        info = ExchangeInfo((EVERYTHING_ALLOWED,), server_time=MODERN_MS)
        assert evaluate(info, order).accepted
        assert order.price is not None
        assert order.quantity is not None
        lower_price = Order(**{**_fields(order), "price": order.price - D("0.01")})
        lower_quantity = Order(**{**_fields(order), "quantity": order.quantity - D("0.00001")})
        assert not evaluate(info, lower_price).accepted
        assert not evaluate(info, lower_quantity).accepted


def _fields(order: Order) -> dict[str, Any]:
    return attrs.asdict(order, recurse=False)


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


@functools.cache
def _snapshot(name: str) -> ExchangeInfo:
    return load_path(EXCHANGE_INFO / name)


#: Real symbols whose scales differ: a minimum notional of 590,000 SHIB or 20,000
#: IDR, a two-place tick, a stablecoin's narrow band, a leveraged token's MAX_POSITION.
REAL_SYMBOLS = [
    ("spot-full-2023-08.json", "BTCUSDT"),
    ("spot-full-2023-08.json", "ETHBTC"),
    ("spot-full-2023-08.json", "SHIBUSDT"),
    ("spot-full-2023-08.json", "BTTCUSDT"),
    ("spot-full-2023-08.json", "USDCUSDT"),
    ("spot-full-2023-08.json", "USDTIDRT"),
    ("spot-full-2023-08.json", "BTCBIDR"),
    ("spot-full-2021-08.json", "BTCUPUSDT"),
    ("spot-9symbols-keyed-2025-11.json", "BTCUSDT"),
]


def _trading(name: str) -> list[SymbolInfo]:
    return [s for s in _snapshot(name).symbols if s.status == "TRADING"]


@st.composite
def _real_case(
    draw: st.DrawFn, snapshot: str, name: str, *, breaking: bool
) -> tuple[Context, Order, str | None]:
    # Named, not passed: Hypothesis writes the strategy's arguments into its notes.
    info = _snapshot(snapshot)
    symbol = info[name]
    context = draw(contexts_from_symbol(symbol, info=info))
    rule = None
    if breaking:
        rules = sorted(breakable_rules(symbol, info=info, context=context))
        rule = draw(st.sampled_from(rules)) if rules else None
    order = draw(orders_from_symbol(symbol, info=info, context=context, breaking=rule))
    return context, order, rule


def _check(info: ExchangeInfo, case: tuple[Context, Order, str | None]) -> None:
    context, order, rule = case
    verdict = evaluate(info, order, context)
    if rule is None:
        assert verdict.accepted, verdict.violations
    else:
        assert [v.filter_type for v in verdict.violations] == [rule]


class TestRealSymbols:
    """Orders for real symbols are drawn, not filtered: the health checks pass under the
    default profile, whatever the scale (SHIBUSDT once filtered out 49 draws in 50:
    its quantity was drawn around 10 SHIB, its minimum notional needs 590,000)."""

    @pytest.mark.parametrize(("snapshot", "name"), REAL_SYMBOLS)
    @pytest.mark.parametrize("breaking", [False, True], ids=["valid", "breaking"])
    def test_orders_are_accepted_or_break_their_rule(
        self, snapshot: str, name: str, breaking: bool
    ) -> None:
        info = _snapshot(snapshot)

        @given(_real_case(snapshot, name, breaking=breaking))
        def check(case: tuple[Context, Order, str | None]) -> None:
            _check(info, case)

        check()

    @pytest.mark.parametrize("snapshot", ["spot-full-2023-08.json", "spot-full-2021-08.json"])
    @pytest.mark.parametrize("breaking", [False, True], ids=["valid", "breaking"])
    def test_any_trading_symbol(self, snapshot: str, breaking: bool) -> None:
        info = _snapshot(snapshot)
        names = st.sampled_from([s.symbol for s in _trading(snapshot)])

        @given(names.flatmap(lambda name: _real_case(snapshot, name, breaking=breaking)))
        def check(case: tuple[Context, Order, str | None]) -> None:
            _check(info, case)

        check()

    def test_the_price_leaves_room_for_the_minimum_notional(self) -> None:
        # At SHIB's price of 0.00000852 USDT, 5 USDT take 586,855 SHIB: the simplest
        # LIMIT BUY is at the lowest price of the band and the least quantity there.
        info = _snapshot("spot-full-2023-08.json")
        context = Context(avg_price=D("0.00000852"))
        order = _minimal(orders_from_symbol(info["SHIBUSDT"], info=info, context=context))
        assert order.price == D("0.00000171")  # 0.2 × avgPrice, rounded up to the tick
        assert order.quantity == D("2923977")  # 5 / price, rounded up to the step
        assert evaluate(info, order, context).accepted
        fewer = Order(**{**_fields(order), "quantity": order.quantity - 1})
        assert [v.filter_type for v in evaluate(info, fewer, context).violations] == ["NOTIONAL"]

    def test_repr_stays_short(self) -> None:
        # Hypothesis writes the strategy into every error note: a whole snapshot weighed 2 MB.
        info = _snapshot("spot-full-2023-08.json")
        assert len(repr(orders_from_symbol(info["SHIBUSDT"], info=info))) < 300


_FAR_MINIMUM = loads(
    {
        "serverTime": 1678665600000,
        "symbols": [
            {
                "symbol": "AAUSDT",
                "status": "TRADING",
                "baseAsset": "AA",
                "quoteAsset": "USDT",
                "orderTypes": ["LIMIT"],
                "filters": [
                    {"filterType": "PRICE_FILTER", "minPrice": "0", "maxPrice": "1000",
                     "tickSize": "1"},
                    {"filterType": "LOT_SIZE", "minQty": "1", "maxQty": "92233720368.00",
                     "stepSize": "1"},
                    {"filterType": "MIN_NOTIONAL", "minNotional": "1"},
                ],
            }
        ],
    }
)  # fmt: skip


class TestFarMinimum:
    """A price whose lowest bound (minNotional / maxQty ~ 1e-11) lies far below the first tick."""

    @given(orders_from_symbol(_FAR_MINIMUM["AAUSDT"], info=_FAR_MINIMUM, context=Context()))
    def test_valid_orders_are_drawn_and_accepted(self, order: Order) -> None:
        # Found by the ci profile: the window [1e-11, 1e-7] held no tick of 1.
        assert evaluate(_FAR_MINIMUM, order).accepted
