"""Vector tables for each filter check, written from filters.md, DECISIONS.md and FINDINGS.md.

Each row is an order on a one-symbol snapshot carrying only the filter under
test, and the filterTypes expected to fail (or be unchecked). Snapshots are
built from JSON exactly as Binance sends it.
"""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from typing import Any

import attrs
import pytest

from rules.checker.context import Context
from rules.checker.eras import (
    REFERENCE_PRICE_MS,
    STEP_FROM_ZERO_MS,
    TICK_FROM_ZERO_MS,
    Era,
    market_price,
)
from rules.checker.evaluate import evaluate
from rules.checker.filters import FILTER_CHECKS, UNCHECKED, check_price_filter
from rules.checker.kinds import ORDER_KINDS
from rules.checker.order import read_order
from rules.checker.violations import Explanation, Violation, bound_text
from rules.model.load import loads
from rules.model.models import FILTER_CLASSES, ExchangeInfo, PriceFilter, UnknownFilter

NEW = 1700000000000  # 2023-11: today's grids
OLD = 1622505600000  # 2021-06: grids offset from the minimum (D17)


def snapshot(
    *filters: dict[str, Any], server_time: int | None = NEW, **symbol: Any
) -> ExchangeInfo:
    """A one-symbol snapshot (``XY``) with just ``filters``."""
    fields = {
        "symbol": "XY",
        "status": "TRADING",
        "baseAsset": "X",
        "quoteAsset": "Y",
        "filters": list(filters),
        **symbol,
    }
    body: dict[str, Any] = {"symbols": [fields]}
    if server_time is not None:
        body["serverTime"] = server_time
    return loads(json.dumps(body))


def limit(price: str, quantity: str = "1", side: str = "BUY", **more: Any) -> dict[str, Any]:
    return {
        "symbol": "XY",
        "side": side,
        "type": "LIMIT",
        "timeInForce": "GTC",
        "price": price,
        "quantity": quantity,
        **more,
    }


def market(quantity: str | None = None, side: str = "BUY", **more: Any) -> dict[str, Any]:
    order = {"symbol": "XY", "side": side, "type": "MARKET", **more}
    if quantity is not None:
        order["quantity"] = quantity
    return order


def failing(info: ExchangeInfo, order: dict[str, Any], **context: Any) -> list[str | None]:
    verdict = evaluate(info, order, Context.from_mapping(context))
    return [v.filter_type or str(v.code) for v in verdict.violations]


def unchecked(info: ExchangeInfo, order: dict[str, Any], **context: Any) -> tuple[str, ...]:
    return evaluate(info, order, Context.from_mapping(context)).unchecked


PRICE = {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000", "tickSize": "0.01"}


class TestTable:
    """FILTER_CHECKS is the single table: every modelled filter class has a check."""

    def test_every_filter_class_has_a_check(self) -> None:
        assert set(FILTER_CHECKS) == {*FILTER_CLASSES.values(), UnknownFilter}

    def test_order_kinds_are_the_enum_types(self) -> None:
        assert set(ORDER_KINDS) == {
            "LIMIT",
            "LIMIT_MAKER",
            "MARKET",
            "STOP_LOSS",
            "STOP_LOSS_LIMIT",
            "TAKE_PROFIT",
            "TAKE_PROFIT_LIMIT",
        }


class TestPriceFilter:
    """PRICE_FILTER: price >= minPrice, price <= maxPrice, price % tickSize == 0; 0 disables."""

    @pytest.mark.parametrize(
        ("price", "expected"),
        [
            ("0.01", []),
            ("1000", []),
            ("0.00", ["-1013", "PRICE_FILTER"]),  # D37 price × qty is 0 (-1013); below min
            ("0.009", ["PRICE_FILTER"]),
            ("1000.01", ["PRICE_FILTER"]),
            ("30.015", ["PRICE_FILTER"]),
            ("30.010000000", []),  # trailing zeros do not matter
            (30.01, []),  # a float is read as its repr (D32)
            (Decimal("30.01"), []),
            (30, []),
        ],
    )
    def test_bounds_and_tick(self, price: Any, expected: list[str]) -> None:
        assert failing(snapshot(PRICE), limit(price)) == expected

    @pytest.mark.parametrize(
        ("fields", "price", "expected"),
        [
            ({"minPrice": "0"}, "0.001", ["PRICE_FILTER"]),  # min disabled, tick still on
            ({"minPrice": "0", "tickSize": "0"}, "0.001", []),
            ({"maxPrice": "0"}, "99999999.99", []),  # max disabled (D12)
            ({"tickSize": "0"}, "30.0155", []),  # step 0 disables the grid (FINDINGS)
            ({"tickSize": "0.05"}, "30.05", []),  # 2-place ticks that are not powers of ten
            ({"tickSize": "0.05"}, "30.07", ["PRICE_FILTER"]),
            ({"maxPrice": "92233720368.54775807"}, "92233720368.54", []),  # int64-sized max
            ({"maxPrice": "92233720368.54775807"}, "92233720368.55", ["PRICE_FILTER"]),
        ],
    )
    def test_zero_disables_and_odd_values(
        self, fields: dict[str, str], price: str, expected: list[str]
    ) -> None:
        assert failing(snapshot({**PRICE, **fields}), limit(price)) == expected

    @pytest.mark.parametrize(
        ("server_time", "price", "expected"),
        [
            # minPrice off the tick grid (FINDINGS): the old rule counts from minPrice (D17)
            (OLD, "0.015", []),
            (OLD, "0.025", []),
            (OLD, "0.02", ["PRICE_FILTER"]),
            (NEW, "0.015", ["PRICE_FILTER"]),
            (NEW, "0.02", []),
            (TICK_FROM_ZERO_MS - 1, "0.025", []),
            (TICK_FROM_ZERO_MS, "0.025", ["PRICE_FILTER"]),
            (None, "0.02", []),  # no serverTime: today's rules
        ],
    )
    def test_eras(self, server_time: int | None, price: str, expected: list[str]) -> None:
        info = snapshot(
            {
                "filterType": "PRICE_FILTER",
                "minPrice": "0.005",
                "maxPrice": "0",
                "tickSize": "0.01",
            },
            server_time=server_time,
        )
        assert failing(info, limit(price)) == expected

    def test_stop_price_is_checked_too_and_reported_once(self) -> None:
        """D13, D23: price and stopPrice both off tick → one PRICE_FILTER violation."""
        order = limit("30.015", type="STOP_LOSS_LIMIT", stopPrice="30.025")
        assert failing(snapshot(PRICE), order) == ["PRICE_FILTER"]
        order = limit("30.01", type="STOP_LOSS_LIMIT", stopPrice="30.025")
        assert failing(snapshot(PRICE), order) == ["PRICE_FILTER"]

    def test_violation_details(self) -> None:
        verdict = evaluate(snapshot(PRICE), limit("30000.015", "0.001"))
        (violation,) = verdict.violations
        assert (violation.code, violation.msg, violation.field) == (
            -1013,
            "Filter failure: PRICE_FILTER",
            "price",
        )
        assert violation.value == Decimal("30000.015")
        assert violation.limit == Decimal("1000")
        assert violation.explanation == "price 30000.015 is above maxPrice 1000"

    def test_tick_explanation(self) -> None:
        (violation,) = evaluate(snapshot(PRICE), limit("30.015")).violations
        assert violation.explanation == "price 30.015 is not a multiple of tickSize 0.01"

    @pytest.mark.parametrize("explained", [False, True])
    def test_lazy_explanation_is_a_plain_value(self, explained: bool) -> None:
        """A filter's explanation is worded when read (an Explanation; a tuple
        ``(word, *args)`` from a symbol's explainer, on the snapshot's later orders);
        the violation compares, hashes, shows, pickles and evolves as if it held the
        words."""
        worded = "price 30.015 is not a multiple of tickSize 0.01"
        info = snapshot(PRICE)
        if explained:
            evaluate(info, limit("30"))  # the first order builds the plans
        (lazy,) = evaluate(info, limit("30.015")).violations
        (other,) = evaluate(info, limit("30.015")).violations
        unworded = tuple if explained else Explanation
        assert isinstance(lazy._explanation, unworded)  # not worded yet
        eager = attrs.evolve(other, explanation=worded)
        assert lazy == eager
        assert hash(lazy) == hash(eager)
        assert repr(other) == repr(eager)
        assert f"explanation={worded!r}, leg=None)" in repr(eager)
        assert pickle.loads(pickle.dumps(lazy)) == eager
        assert attrs.evolve(lazy, leg="above").explanation == worded
        assert lazy != attrs.evolve(eager, explanation="another")
        assert str(lazy).endswith(f": {worded}")
        assert lazy.explanation == worded
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            lazy.explanation = "x"  # type: ignore[misc]

    @pytest.mark.parametrize("given", [("a", "b"), (), (1, "x")])
    def test_a_tuple_given_as_explanation_is_a_plain_value(self, given: tuple[object, ...]) -> None:
        """Only a tuple whose first item is a function is a lazily worded explanation
        (as the explainers build it); any other tuple is worded by ``str()``."""
        violation = Violation(code=-1013, msg="m", explanation=given)
        assert violation.explanation == str(given)
        assert violation == Violation(code=-1013, msg="m", explanation=str(given))
        assert str(given) in repr(violation)

    def test_an_explanation_pickled_by_an_earlier_version_loads(self) -> None:
        """Unworded violations pickled before ``bound_text`` was public name it
        ``_bound_text``."""
        assert pickle.loads(b"crules.checker.violations\n_bound_text\n.") is bound_text

    def test_direct_call(self) -> None:
        f = PriceFilter(Decimal("0.01"), Decimal("1000"), Decimal("0.01"))
        order = read_order(limit("5"))
        assert check_price_filter(f, order, ORDER_KINDS["LIMIT"], Context(), Era()) is None


LOT = {"filterType": "LOT_SIZE", "minQty": "0.001", "maxQty": "100", "stepSize": "0.001"}
MLOT = {"filterType": "MARKET_LOT_SIZE", "minQty": "0.01", "maxQty": "200", "stepSize": "0"}


class TestLotSize:
    """LOT_SIZE on quantity/icebergQty (D09); MARKET_LOT_SIZE on MARKET-type quantities (D10)."""

    @pytest.mark.parametrize(
        ("quantity", "expected"),
        [
            ("0.001", []),
            ("100", []),
            ("0.0005", ["LOT_SIZE"]),
            ("100.001", ["LOT_SIZE"]),
            ("1.0005", ["LOT_SIZE"]),
            ("0", ["-1013", "LOT_SIZE"]),  # D37 (-1013, real answers)
        ],
    )
    def test_limit_quantity(self, quantity: str, expected: list[str]) -> None:
        assert failing(snapshot(LOT), limit("1", quantity)) == expected

    @pytest.mark.parametrize(
        ("quantity", "expected"),
        [
            ("0.01", []),
            ("0.005", ["MARKET_LOT_SIZE"]),
            ("150", ["LOT_SIZE"]),  # MARKET_LOT_SIZE allows more than LOT_SIZE (D09)
            ("250", ["LOT_SIZE", "MARKET_LOT_SIZE"]),
            ("1.0005", ["LOT_SIZE"]),  # MARKET_LOT_SIZE step 0: no grid (FINDINGS)
        ],
    )
    def test_market_quantity(self, quantity: str, expected: list[str]) -> None:
        assert failing(snapshot(LOT, MLOT), market(quantity)) == expected

    def test_filters_in_any_order(self) -> None:
        assert failing(snapshot(MLOT, LOT), market("250")) == ["MARKET_LOT_SIZE", "LOT_SIZE"]

    def test_market_lot_size_not_for_limit(self) -> None:
        assert failing(snapshot(MLOT), limit("1", "0.005")) == []

    def test_stop_loss_is_market_type(self) -> None:
        """D10: STOP_LOSS/TAKE_PROFIT quantities pass MARKET_LOT_SIZE."""
        order = {
            "symbol": "XY",
            "side": "SELL",
            "type": "STOP_LOSS",
            "quantity": "0.005",
            "stopPrice": "1",
        }
        assert failing(snapshot(MLOT), order) == ["MARKET_LOT_SIZE"]

    @pytest.mark.parametrize(
        ("iceberg", "expected"),
        [
            ("0.5", []),
            ("0.0005", ["LOT_SIZE"]),
            ("0.5005", ["LOT_SIZE"]),
            ("0", []),  # D08: not an iceberg order
        ],
    )
    def test_iceberg_qty(self, iceberg: str, expected: list[str]) -> None:
        assert failing(snapshot(LOT), limit("1", "1", icebergQty=iceberg)) == expected

    def test_quantity_and_iceberg_fail_once(self) -> None:
        """D23: one LOT_SIZE violation even when both values fail."""
        order = limit("1", "1.0005", icebergQty="0.0005")
        assert failing(snapshot(LOT), order) == ["LOT_SIZE"]

    @pytest.mark.parametrize(
        ("server_time", "quantity", "expected"),
        [
            (OLD, "0.0015", []),  # (qty - minQty) % step (D17)
            (OLD, "0.002", ["LOT_SIZE"]),
            (STEP_FROM_ZERO_MS - 1, "0.0025", []),
            (STEP_FROM_ZERO_MS, "0.0025", ["LOT_SIZE"]),
            (NEW, "0.002", []),
        ],
    )
    def test_eras(self, server_time: int, quantity: str, expected: list[str]) -> None:
        info = snapshot(
            {"filterType": "LOT_SIZE", "minQty": "0.0005", "maxQty": "0", "stepSize": "0.001"},
            server_time=server_time,
        )
        assert failing(info, limit("1", quantity)) == expected

    def test_quote_order_qty_skips_lot_sizes(self) -> None:
        """D11: a quoteOrderQty order is not checked against LOT_SIZE/MARKET_LOT_SIZE."""
        assert failing(snapshot(LOT, MLOT), market(quoteOrderQty="0.0000001")) == []


NOTIONAL = {
    "filterType": "NOTIONAL",
    "minNotional": "10",
    "applyMinToMarket": True,
    "maxNotional": "1000",
    "applyMaxToMarket": False,
    "avgPriceMins": 5,
}
MIN_NOTIONAL = {
    "filterType": "MIN_NOTIONAL",
    "minNotional": "10",
    "applyToMarket": True,
    "avgPriceMins": 5,
}


class TestNotional:
    """NOTIONAL/MIN_NOTIONAL: price × quantity within bounds; MARKET by the flags (D10, D11)."""

    @pytest.mark.parametrize(
        ("price", "quantity", "expected"),
        [
            ("10", "1", []),
            ("9.99", "1", ["NOTIONAL"]),
            ("1000", "1", []),
            ("1000.01", "1", ["NOTIONAL"]),
        ],
    )
    def test_limit(self, price: str, quantity: str, expected: list[str]) -> None:
        assert failing(snapshot(NOTIONAL), limit(price, quantity)) == expected

    @pytest.mark.parametrize(
        ("quantity", "context", "expected", "unchecked_"),
        [
            ("1", {"avgPrice": "10"}, [], ()),
            ("1", {"avgPrice": "9.99"}, ["NOTIONAL"], ()),
            ("1", {"avgPrice": "5000"}, [], ()),  # applyMaxToMarket false
            ("1", {}, [], ("NOTIONAL",)),  # no market price: unchecked, never passed
            ("1", {"lastPrice": "5"}, [], ("NOTIONAL",)),  # avgPriceMins 5 → avgPrice
        ],
    )
    def test_market(
        self,
        quantity: str,
        context: dict[str, str],
        expected: list[str],
        unchecked_: tuple[str, ...],
    ) -> None:
        info = snapshot(NOTIONAL)
        assert failing(info, market(quantity), **context) == expected
        assert unchecked(info, market(quantity), **context) == unchecked_

    def test_market_flags_off(self) -> None:
        info = snapshot({**NOTIONAL, "applyMinToMarket": False})
        assert failing(info, market("0.0001"), avgPrice="1") == []
        assert unchecked(info, market("0.0001")) == ()  # does not apply, so not unchecked

    def test_quote_order_qty_is_the_notional(self) -> None:
        """D11: no market price needed."""
        info = snapshot(NOTIONAL)
        assert failing(info, market(quoteOrderQty="9.99")) == ["NOTIONAL"]
        assert unchecked(info, market(quoteOrderQty="10")) == ()

    @pytest.mark.parametrize(
        ("server_time", "context", "expected"),
        [
            # D18: the reference price wins from 2026-05-08, else the average price
            (REFERENCE_PRICE_MS, {"referencePrice": "9", "avgPrice": "11"}, ["NOTIONAL"]),
            (REFERENCE_PRICE_MS - 1, {"referencePrice": "9", "avgPrice": "11"}, []),
            (None, {"referencePrice": "9", "avgPrice": "11"}, ["NOTIONAL"]),
            (REFERENCE_PRICE_MS, {"avgPrice": "11"}, []),
        ],
    )
    def test_reference_price_era(
        self, server_time: int | None, context: dict[str, str], expected: list[str]
    ) -> None:
        info = snapshot(NOTIONAL, server_time=server_time)
        assert failing(info, market("1"), **context) == expected

    def test_avg_price_mins_zero_uses_last_price(self) -> None:
        info = snapshot({**NOTIONAL, "avgPriceMins": 0})
        assert failing(info, market("1"), avgPrice="100", lastPrice="5") == ["NOTIONAL"]
        assert unchecked(info, market("1"), avgPrice="100") == ("NOTIONAL",)

    @pytest.mark.parametrize(
        ("filter_", "order", "expected"),
        [
            (MIN_NOTIONAL, limit("9.99"), ["MIN_NOTIONAL"]),
            (MIN_NOTIONAL, limit("10"), []),
            (MIN_NOTIONAL, market("1"), ["MIN_NOTIONAL"]),
            ({**MIN_NOTIONAL, "applyToMarket": False}, market("1"), []),
            # D28: the 2018 form (no applyToMarket) does not apply to MARKET
            ({"filterType": "MIN_NOTIONAL", "minNotional": "10"}, market("1"), []),
            ({"filterType": "MIN_NOTIONAL", "minNotional": "10"}, limit("9"), ["MIN_NOTIONAL"]),
            ({**MIN_NOTIONAL, "minNotional": "0"}, limit("0.0001"), []),
        ],
    )
    def test_min_notional(
        self, filter_: dict[str, Any], order: dict[str, Any], expected: list[str]
    ) -> None:
        assert failing(snapshot(filter_), order, avgPrice="5") == expected

    def test_huge_values_stay_exact(self) -> None:
        """20 + 20 digit values multiply exactly (no Inexact, no rounding)."""
        big = "99999999999999999999.99999999999999999999"
        info = snapshot({**NOTIONAL, "maxNotional": "0"})
        assert failing(info, limit(big, big)) == []


PPBS = {
    "filterType": "PERCENT_PRICE_BY_SIDE",
    "bidMultiplierUp": "1.2",
    "bidMultiplierDown": "0.2",
    "askMultiplierUp": "5",
    "askMultiplierDown": "0.8",
    "avgPriceMins": 5,
}
PP = {
    "filterType": "PERCENT_PRICE",
    "multiplierUp": "1.3",
    "multiplierDown": "0.7",
    "avgPriceMins": 5,
}


class TestPercentPrice:
    """PERCENT_PRICE(_BY_SIDE): price within the market price times the multipliers (D13, D18)."""

    @pytest.mark.parametrize(
        ("side", "price", "expected"),
        [
            ("BUY", "120", []),
            ("BUY", "120.01", ["PERCENT_PRICE_BY_SIDE"]),
            ("BUY", "20", []),
            ("BUY", "19.99", ["PERCENT_PRICE_BY_SIDE"]),
            ("SELL", "500", []),
            ("SELL", "500.01", ["PERCENT_PRICE_BY_SIDE"]),
            ("SELL", "80", []),
            ("SELL", "79.99", ["PERCENT_PRICE_BY_SIDE"]),
        ],
    )
    def test_by_side(self, side: str, price: str, expected: list[str]) -> None:
        assert failing(snapshot(PPBS), limit(price, side=side), avgPrice="100") == expected

    @pytest.mark.parametrize(
        ("price", "expected"),
        [("130", []), ("130.01", ["PERCENT_PRICE"]), ("69.99", ["PERCENT_PRICE"])],
    )
    def test_percent_price(self, price: str, expected: list[str]) -> None:
        assert failing(snapshot(PP), limit(price), avgPrice="100") == expected

    def test_no_market_price_is_unchecked(self) -> None:
        assert unchecked(snapshot(PPBS), limit("100")) == ("PERCENT_PRICE_BY_SIDE",)

    def test_not_for_market_orders_or_stop_price(self) -> None:
        assert unchecked(snapshot(PPBS), market("1")) == ()
        order = {
            "symbol": "XY",
            "side": "BUY",
            "type": "STOP_LOSS",
            "quantity": "1",
            "stopPrice": "1000",
        }
        assert failing(snapshot(PPBS), order, avgPrice="100") == []

    def test_explanation(self) -> None:
        verdict = evaluate(snapshot(PPBS), limit("120.01"), Context(avg_price=Decimal("100")))
        assert verdict.violations[0].explanation == (
            "price 120.01 is above 100 × bidMultiplierUp 1.2 = 120.0"
        )


class TestIcebergAndCounts:
    """ICEBERG_PARTS (D14) and the open-order counters (D15)."""

    @pytest.mark.parametrize(
        ("quantity", "iceberg", "expected"),
        [
            ("10", "1", []),  # CEIL(10/1) = 10 parts = limit
            ("10.5", "1", ["ICEBERG_PARTS"]),  # 11 parts
            ("11", "1", ["ICEBERG_PARTS"]),
            ("10", "3", []),
        ],
    )
    def test_iceberg_parts(self, quantity: str, iceberg: str, expected: list[str]) -> None:
        info = snapshot({"filterType": "ICEBERG_PARTS", "limit": 10})
        assert failing(info, limit("1", quantity, icebergQty=iceberg)) == expected

    @pytest.mark.parametrize(
        ("filter_", "order", "context", "expected", "unchecked_"),
        [
            (
                {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
                limit("1"),
                {"openOrders": 199},
                [],
                (),
            ),
            (
                {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
                limit("1"),
                {"openOrders": 200},
                ["MAX_NUM_ORDERS"],
                (),
            ),
            (
                {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
                limit("1"),
                {},
                [],
                ("MAX_NUM_ORDERS",),
            ),
            ({"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 5}, limit("1"), {}, [], ()),
            (
                {"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 5},
                limit("1", type="STOP_LOSS_LIMIT", stopPrice="1"),
                {"openAlgoOrders": 5},
                ["MAX_NUM_ALGO_ORDERS"],
                (),
            ),
            (
                {"filterType": "MAX_NUM_ICEBERG_ORDERS", "maxNumIcebergOrders": 5},
                limit("1", "1", icebergQty="0.1"),
                {"openIcebergOrders": 5},
                ["MAX_NUM_ICEBERG_ORDERS"],
                (),
            ),
            (
                {"filterType": "MAX_NUM_ICEBERG_ORDERS", "maxNumIcebergOrders": 5},
                limit("1"),
                {},
                [],
                (),
            ),
            ({"filterType": "MAX_NUM_ORDER_LISTS", "maxNumOrderLists": 1}, limit("1"), {}, [], ()),
            (
                {"filterType": "MAX_NUM_ORDER_AMENDS", "maxNumOrderAmends": 1},
                limit("1"),
                {},
                [],
                (),
            ),
            ({"filterType": "SOMETHING_NEW", "x": 1}, limit("1"), {}, [], ("SOMETHING_NEW",)),
        ],
    )
    def test_counters(
        self,
        filter_: dict[str, Any],
        order: dict[str, Any],
        context: dict[str, Any],
        expected: list[str],
        unchecked_: tuple[str, ...],
    ) -> None:
        info = snapshot(filter_)
        assert failing(info, order, **context) == expected
        assert unchecked(info, order, **context) == unchecked_

    @pytest.mark.parametrize(
        ("filter_", "key"),
        [
            ({"filterType": "EXCHANGE_MAX_NUM_ORDERS", "maxNumOrders": 10}, "exchangeOpenOrders"),
            (
                {"filterType": "EXCHANGE_MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 10},
                "exchangeOpenAlgoOrders",
            ),
            (
                {"filterType": "EXCHANGE_MAX_NUM_ICEBERG_ORDERS", "maxNumIcebergOrders": 10},
                "exchangeOpenIcebergOrders",
            ),
        ],
    )
    def test_exchange_filters(self, filter_: dict[str, Any], key: str) -> None:
        body = json.loads(json.dumps({"symbols": [], "exchangeFilters": [filter_]}))
        body["symbols"] = [
            {
                "symbol": "XY",
                "status": "TRADING",
                "baseAsset": "X",
                "quoteAsset": "Y",
                "filters": [],
            }
        ]
        info = loads(json.dumps(body))
        order = limit("1", "1", type="STOP_LOSS_LIMIT", stopPrice="1", icebergQty="0.5")
        name = filter_["filterType"]
        assert failing(info, order, **{key: 10}) == [name]
        assert failing(info, order, **{key: 9}) == []
        assert unchecked(info, order) == (name,)


class TestPositionAndTrailing:
    """MAX_POSITION (D16) and TRAILING_DELTA (D34)."""

    @pytest.mark.parametrize(
        ("side", "quantity", "position", "expected", "unchecked_"),
        [
            ("BUY", "1", "9", [], ()),  # equality passes
            ("BUY", "1.01", "9", ["MAX_POSITION"], ()),
            ("SELL", "100", "9", [], ()),
            ("BUY", "1", None, [], ("MAX_POSITION",)),
        ],
    )
    def test_max_position(
        self,
        side: str,
        quantity: str,
        position: str | None,
        expected: list[str],
        unchecked_: tuple[str, ...],
    ) -> None:
        info = snapshot({"filterType": "MAX_POSITION", "maxPosition": "10"})
        context = {} if position is None else {"basePosition": position}
        assert failing(info, limit("1", quantity, side=side), **context) == expected
        assert unchecked(info, limit("1", quantity, side=side), **context) == unchecked_

    def test_max_position_quote_order_qty_unchecked(self) -> None:
        info = snapshot({"filterType": "MAX_POSITION", "maxPosition": "10"})
        assert unchecked(info, market(quoteOrderQty="5"), basePosition="0") == ("MAX_POSITION",)

    @pytest.mark.parametrize(
        ("type_", "side", "delta", "expected"),
        [
            ("STOP_LOSS", "BUY", 10, []),  # above bounds 10..2000
            ("STOP_LOSS", "BUY", 9, ["TRAILING_DELTA"]),
            ("STOP_LOSS", "SELL", 9, []),  # below bounds 5..500
            ("STOP_LOSS", "SELL", 501, ["TRAILING_DELTA"]),
            ("TAKE_PROFIT", "SELL", 2001, ["TRAILING_DELTA"]),
            ("TAKE_PROFIT", "BUY", 501, ["TRAILING_DELTA"]),
            ("STOP_LOSS_LIMIT", "BUY", 2000, []),
            ("TAKE_PROFIT_LIMIT", "BUY", 4, ["TRAILING_DELTA"]),
        ],
    )
    def test_trailing_delta(self, type_: str, side: str, delta: int, expected: list[str]) -> None:
        info = snapshot(
            {
                "filterType": "TRAILING_DELTA",
                "minTrailingAboveDelta": 10,
                "maxTrailingAboveDelta": 2000,
                "minTrailingBelowDelta": 5,
                "maxTrailingBelowDelta": 500,
            }
        )
        order: dict[str, Any] = {
            "symbol": "XY",
            "side": side,
            "type": type_,
            "quantity": "1",
            "trailingDelta": delta,
        }
        if type_.endswith("LIMIT"):
            order.update(price="1", timeInForce="GTC")
        assert failing(info, order) == expected


class TestHelpers:
    """market_price (D18) and Era (D17)."""

    @pytest.mark.parametrize(
        ("mins", "era", "expected"),
        [
            (5, Era(), Decimal("3")),
            (0, Era(reference_price=False), Decimal("2")),
            (5, Era(reference_price=False), Decimal("1")),
        ],
    )
    def test_market_price(self, mins: int, era: Era, expected: Decimal) -> None:
        context = Context(avg_price=Decimal(1), last_price=Decimal(2), reference_price=Decimal(3))
        assert market_price(mins, context, era) == expected

    def test_era_boundaries(self) -> None:
        assert Era.at(None) == Era()
        assert Era.at(TICK_FROM_ZERO_MS).tick_from_min is False
        assert Era.at(TICK_FROM_ZERO_MS - 1).tick_from_min is True
        assert Era.at(STEP_FROM_ZERO_MS - 1).new_messages is False

    def test_unchecked_repr(self) -> None:
        assert repr(UNCHECKED) == "UNCHECKED"


TINY = "0." + "0" * 45 + "1"  # a step or minimum past CONTEXT's 60 digits


class TestExtremes:
    """Values past 60 digits are still judged exactly, never by an exception."""

    @pytest.mark.parametrize(
        ("price_filter", "price", "server_time", "expected"),
        [
            ((("0", "0", TINY)), "99999999999999999999", NEW, []),
            ((("0", "0", TINY)), "99999999999999999999." + "1" * 20, NEW, []),
            (((TINY, "0", "0.01")), "99999999999999999999.01", OLD, ["PRICE_FILTER"]),
            ((("0", "0", "0.03")), "99999999999999999999.03", NEW, []),
            ((("0", "0", "0.03")), "99999999999999999999.01", NEW, ["PRICE_FILTER"]),
        ],
    )
    def test_grid_of_any_length(
        self, price_filter: tuple[str, str, str], price: str, server_time: int, expected: list[str]
    ) -> None:
        low, high, tick = price_filter
        f = {"filterType": "PRICE_FILTER", "minPrice": low, "maxPrice": high, "tickSize": tick}
        assert failing(snapshot(f, server_time=server_time), limit(price)) == expected

    def test_lot_size_of_any_length(self) -> None:
        f = {"filterType": "LOT_SIZE", "minQty": "0", "maxQty": "0", "stepSize": TINY}
        quantity = "12345678901234567890." + "1" * 20
        assert failing(snapshot(f), limit("1", quantity)) == []


class TestDisabledIsNotUnchecked:
    """A filter whose every rule is disabled (D12) cannot fail: never listed as unchecked."""

    def test_percent_price_without_bounds(self) -> None:
        f = {"filterType": "PERCENT_PRICE", "multiplierUp": "0", "multiplierDown": "0",
             "avgPriceMins": 5}  # fmt: skip
        assert unchecked(snapshot(f), limit("1")) == ()
        assert unchecked(snapshot({**f, "multiplierUp": "5"}), limit("1")) == ("PERCENT_PRICE",)

    def test_pegged_price_without_price_rules(self) -> None:
        f = {"filterType": "PRICE_FILTER", "minPrice": "0", "maxPrice": "0", "tickSize": "0"}
        info = snapshot(f, pegInstructionsAllowed=True)
        pegged = {**limit("1"), "pegPriceType": "PRIMARY_PEG"}
        del pegged["price"]
        assert "PRICE_FILTER" not in unchecked(info, pegged)
        assert "PRICE_FILTER" in unchecked(snapshot(PRICE, pegInstructionsAllowed=True), pegged)
