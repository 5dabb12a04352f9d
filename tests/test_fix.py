"""Tests for rules.fixer.propose: the nearest accepted order, or the reason none exists."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, ClassVar

import pytest

from rules.checker.context import Context
from rules.checker.evaluate import evaluate
from rules.checker.order import Order
from rules.fixer.propose import Change, Proposal, propose
from rules.model.load import load_path, loads
from rules.model.models import ExchangeInfo
from tests._shared import EXCHANGE_INFO, VECTORS

D = Decimal


def _info(*symbols: dict[str, Any], server_time: int | None = None) -> ExchangeInfo:
    body: dict[str, Any] = {"symbols": list(symbols)}
    if server_time is not None:
        body["serverTime"] = server_time
    return loads(json.dumps(body))


def _symbol(name: str, *filters: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "symbol": name,
        "status": "TRADING",
        "baseAsset": name[:3],
        "quoteAsset": name[3:],
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT",
                       "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"],
        "filters": list(filters),
        **fields,
    }  # fmt: skip


PRICE = {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "100000", "tickSize": "0.01"}
LOT = {"filterType": "LOT_SIZE", "minQty": "0.001", "maxQty": "100", "stepSize": "0.001"}
MARKET_LOT = {"filterType": "MARKET_LOT_SIZE", "minQty": "0", "maxQty": "50", "stepSize": "0"}
NOTIONAL = {
    "filterType": "NOTIONAL", "minNotional": "10", "applyMinToMarket": True,
    "maxNotional": "100000", "applyMaxToMarket": False, "avgPriceMins": 5,
}  # fmt: skip
BAND = {
    "filterType": "PERCENT_PRICE_BY_SIDE", "bidMultiplierUp": "1.2", "bidMultiplierDown": "0.8",
    "askMultiplierUp": "1.5", "askMultiplierDown": "0.5", "avgPriceMins": 5,
}  # fmt: skip
ICEBERG = {"filterType": "ICEBERG_PARTS", "limit": 10}
POSITION = {"filterType": "MAX_POSITION", "maxPosition": "5"}

INFO = _info(
    _symbol("BTCUSDT", PRICE, LOT, MARKET_LOT, NOTIONAL, BAND, ICEBERG, POSITION,
            quoteAssetPrecision=8, baseAssetPrecision=8),
    _symbol("ETHUSDT", PRICE, LOT, NOTIONAL, status="BREAK"),
)  # fmt: skip
AT_100 = Context(avg_price=D(100))


def limit(side: str, price: str, quantity: str, **extra: Any) -> dict[str, Any]:
    return {"symbol": "BTCUSDT", "side": side, "type": "LIMIT", "timeInForce": "GTC",
            "price": price, "quantity": quantity, **extra}  # fmt: skip


def market(side: str, **extra: Any) -> dict[str, Any]:
    return {"symbol": "BTCUSDT", "side": side, "type": "MARKET", **extra}


def accepted(proposal: Proposal, context: Context | None = AT_100) -> dict[str, Any]:
    """The proposal's params, after checking that the checker accepts them."""
    assert proposal.reason is None, proposal.reason
    params = proposal.params()
    assert evaluate(INFO, params, context).accepted
    return params


class TestAlreadyAccepted:
    """An order that passes comes back unchanged: every number as sent, as a plain string."""

    def test_no_changes(self) -> None:
        proposal = propose(INFO, limit("BUY", "100.00", "0.5"), AT_100)
        assert proposal.accepted
        assert bool(proposal)
        assert proposal.changes == ()
        assert accepted(proposal) == limit("BUY", "100.00", "0.5")

    def test_numbers_become_plain_strings(self) -> None:
        order = limit("BUY", D("1E+2"), 0.5)  # type: ignore[arg-type]
        params = accepted(propose(INFO, order, AT_100))
        assert (params["price"], params["quantity"]) == ("100", "0.5")

    def test_typed_order_and_mapping_context(self) -> None:
        order = Order(symbol="BTCUSDT", side="SELL", type="LIMIT", time_in_force="GTC",
                      price=D("100.005"), quantity=D("0.5"))  # fmt: skip
        proposal = propose(INFO, order, {"avgPrice": "100"})
        assert accepted(proposal)["price"] == "100.01"


class TestPrice:
    """Price to the tick, into PRICE_FILTER and the band, never against the limit."""

    @pytest.mark.parametrize(
        ("side", "price", "expected", "filter_type", "why"),
        [
            ("BUY", "100.019", "100.01", "PRICE_FILTER",
             "rounded down to tickSize 0.01 (a BUY limit never goes up)"),
            ("SELL", "100.011", "100.02", "PRICE_FILTER",
             "rounded up to tickSize 0.01 (a SELL limit never goes down)"),
            ("BUY", "120.019", "120.00", "PERCENT_PRICE_BY_SIDE",
             "lowered to PERCENT_PRICE_BY_SIDE band (avgPrice 100 × bidMultiplierUp 1.2 = 120)"),
            ("SELL", "49.991", "50.00", "PERCENT_PRICE_BY_SIDE",
             "raised to PERCENT_PRICE_BY_SIDE band (avgPrice 100 × askMultiplierDown 0.5 = 50)"),
        ],
    )  # fmt: skip
    def test_direction(
        self, side: str, price: str, expected: str, filter_type: str, why: str
    ) -> None:
        proposal = propose(INFO, limit(side, price, "0.5"), AT_100)
        assert accepted(proposal)["price"] == expected
        assert proposal.changes == (Change("price", D(price), D(expected), filter_type, why),)

    def test_buy_above_max_price(self) -> None:
        context = Context(avg_price=D(99999))
        proposal = propose(INFO, limit("BUY", "100000.5", "0.001"), context)
        assert accepted(proposal, context)["price"] == "100000.00"
        assert str(proposal.changes[0]) == (
            "price 100000.5 -> 100000.00: lowered to PRICE_FILTER maxPrice 100000"
        )

    def test_buy_below_band_would_worsen_the_limit(self) -> None:
        proposal = propose(INFO, limit("BUY", "79.99", "0.5"), AT_100)
        assert proposal.order is None
        assert proposal.reason == (
            "BUY price 79.99 is below PERCENT_PRICE_BY_SIDE band (avgPrice 100 × bidMultiplierDown "
            "0.8 = 80): the nearest passing price, 80, is higher, which would worsen the "
            "limit (pass allow_worse_price=True to accept it)"
        )
        assert [v.filter_type for v in proposal.violations] == ["PERCENT_PRICE_BY_SIDE"]
        with pytest.raises(ValueError, match=r"no passing order: BUY price 79\.99"):
            proposal.params()

    def test_allow_worse_price(self) -> None:
        proposal = propose(INFO, limit("BUY", "79.99", "0.5"), AT_100, allow_worse_price=True)
        assert accepted(proposal)["price"] == "80.00"
        assert "(allow_worse_price)" in proposal.changes[0].why

    def test_sell_above_band(self) -> None:
        proposal = propose(INFO, limit("SELL", "150.01", "0.5"), AT_100)
        assert proposal.reason is not None
        assert proposal.reason.startswith("SELL price 150.01 is above PERCENT_PRICE_BY_SIDE band")
        worse = propose(INFO, limit("SELL", "150.01", "0.5"), AT_100, allow_worse_price=True)
        assert accepted(worse)["price"] == "150.00"

    def test_band_holds_no_tick(self) -> None:
        narrow = {"filterType": "PERCENT_PRICE", "multiplierUp": "1.00001",
                  "multiplierDown": "0.99999", "avgPriceMins": 5}  # fmt: skip
        whole = {"filterType": "PRICE_FILTER", "minPrice": "1", "maxPrice": "1000", "tickSize": "1"}
        info = _info(_symbol("BTCUSDT", whole, narrow))
        proposal = propose(info, limit("BUY", "100", "1"), Context(avg_price=D("100.5")))
        assert proposal.reason == (
            "no price passes: between PERCENT_PRICE band (avgPrice 100.5 × multiplierDown 0.99999 "
            "= 100.498995) and PERCENT_PRICE band (avgPrice 100.5 × multiplierUp 1.00001 = "
            "100.501005) there is no multiple of tickSize 1"
        )

    def test_band_without_market_price_is_left_unchecked_D18(self) -> None:
        proposal = propose(INFO, limit("BUY", "500.009", "0.5"))
        assert proposal.params()["price"] == "500.00"
        assert proposal.unchecked == ("PERCENT_PRICE_BY_SIDE", "MAX_POSITION")

    def test_old_era_tick_grid_D17(self) -> None:
        info = load_path(VECTORS / "syn-grid-2021.exchangeinfo.json")
        order = {"symbol": "OFFGRIDUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                 "price": "1.0", "quantity": "5.15"}  # fmt: skip
        proposal = propose(info, order, Context(avg_price=D(1)))
        assert proposal.params()["price"] == "0.9"  # minPrice 0.5 + 2 ticks of 0.2
        assert evaluate(info, proposal.params(), Context(avg_price=D(1))).accepted

    def test_stop_price_nearest_tick(self) -> None:
        order = limit("SELL", "95", "0.5", type="STOP_LOSS_LIMIT", stopPrice="96.005")
        proposal = propose(INFO, order, AT_100)
        assert accepted(proposal)["stopPrice"] == "96.00"  # half_even: the tie goes to 96.00
        assert str(proposal.changes[-1]) == (
            "stopPrice 96.005 -> 96.00: rounded to the nearest tickSize 0.01"
        )

    def test_stop_price_out_of_bounds_is_not_moved(self) -> None:
        order = {"symbol": "BTCUSDT", "side": "SELL", "type": "STOP_LOSS",
                 "stopPrice": "0.001", "quantity": "0.5"}  # fmt: skip
        proposal = propose(INFO, order, AT_100)
        assert proposal.reason == (
            "stopPrice 0.001 is outside PRICE_FILTER's [minPrice 0.01, maxPrice 100000]; "
            "the fixer does not move a trigger across a bound"
        )


class TestQuantity:
    """Quantity down to the step and under every maximum; up only when allowed."""

    def test_down_to_the_step(self) -> None:
        proposal = propose(INFO, limit("SELL", "100", "0.12345"), AT_100)
        assert accepted(proposal)["quantity"] == "0.123"
        change = "quantity 0.12345 -> 0.123: rounded down to stepSize 0.001"
        assert str(proposal.changes[0]) == change

    def test_above_max_qty(self) -> None:
        proposal = propose(INFO, limit("SELL", "100", "250"), AT_100)
        assert accepted(proposal)["quantity"] == "100.000"
        assert proposal.changes[-1].why == "lowered to stay within LOT_SIZE maxQty 100"

    def test_below_min_qty_is_raised_into_the_range(self) -> None:
        # "quantity down to the step and into [min, max]": always, with or without
        # allow_increase, which only governs reaching the minimum notional.
        info = _info(_symbol("BTCUSDT", PRICE, LOT))
        proposal = propose(info, limit("SELL", "100", "0.0005"))
        assert proposal.params()["quantity"] == "0.001"
        assert evaluate(info, proposal.params()).accepted
        assert proposal.changes[-1].why == "raised to LOT_SIZE minQty 0.001"
        assert proposal.changes[-1].filter_type == "LOT_SIZE"

    def test_min_qty_below_the_notional_still_needs_allow_increase(self) -> None:
        # minQty 0.001 at price 100 is a notional of 0.1 < 10: the quantity goes
        # into [minQty, maxQty], but the rest of the way only with allow_increase.
        proposal = propose(INFO, limit("SELL", "100", "0.0005"), AT_100)
        assert proposal.reason == (
            "quantity 0.0005 (rounded down to stepSize 0.001: 0) is below minNotional 10 "
            "at price 100: the least passing quantity is 0.1 (pass allow_increase=True "
            "to raise it)"
        )

    @pytest.mark.parametrize(
        ("price", "quantity", "expected"),
        [
            ("100", "0.05", "0.100"),  # 0.1 × 100 = 10 exactly
            ("30000.01", "0.0001", "0.001"),  # minQty wins: 0.001 × 30000.01 > 10
            ("33.33", "0.1", "0.301"),  # 0.300 × 33.33 = 9.999 < 10
        ],
    )
    def test_min_notional_by_whole_steps(self, price: str, quantity: str, expected: str) -> None:
        context = Context(avg_price=D(price))
        proposal = propose(INFO, limit("SELL", price, quantity), context, allow_increase=True)
        assert accepted(proposal, context)["quantity"] == expected
        assert D(expected) * D(price) >= 10
        assert (D(expected) - D("0.001")) * D(price) < 10 or D(expected) == D("0.001")

    def test_min_notional_above_max_qty(self) -> None:
        proposal = propose(INFO, limit("SELL", "0.05", "50"), Context(avg_price=D("0.05")),
                           allow_increase=True)  # fmt: skip
        assert proposal.reason == (
            "no quantity passes: minNotional 10 at price 0.05 needs at least 200, "
            "but LOT_SIZE maxQty 100 allows at most 100"
        )

    def test_max_position_D16(self) -> None:
        context = Context(avg_price=D(100), base_position=D("4.5"))
        proposal = propose(INFO, limit("BUY", "100", "2"), context)
        assert accepted(proposal, context)["quantity"] == "0.500"
        assert proposal.changes[0].filter_type == "MAX_POSITION"

    def test_market_quantity_uses_market_lot_size_and_avg_price_D10(self) -> None:
        proposal = propose(INFO, market("SELL", quantity="60.0004"), AT_100)
        assert accepted(proposal)["quantity"] == "50.000"
        small = propose(INFO, market("SELL", quantity="0.05"), AT_100, allow_increase=True)
        assert accepted(small)["quantity"] == "0.100"
        assert small.changes[-1].why == (
            "raised by whole steps to reach minNotional 10 at avgPrice 100 (allow_increase)"
        )

    def test_market_without_price_cannot_reach_the_notional(self) -> None:
        proposal = propose(INFO, market("SELL", quantity="0.05"), allow_increase=True)
        assert proposal.params()["quantity"] == "0.05"  # not moved: as sent
        assert proposal.unchecked == ("NOTIONAL",)


class TestQuoteOrderQty:
    """quoteOrderQty MARKET orders: the notional is the quote amount (D11)."""

    def test_precision_and_minimum(self) -> None:
        proposal = propose(INFO, market("BUY", quoteOrderQty="25.123456789"), AT_100)
        assert accepted(proposal)["quoteOrderQty"] == "25.12345678"
        low = propose(INFO, market("BUY", quoteOrderQty="9.5"), AT_100)
        assert low.reason == (
            "quoteOrderQty 9.5 is below NOTIONAL minNotional 10: the least passing "
            "quoteOrderQty is 10 (pass allow_increase=True to raise it)"
        )
        raised = propose(INFO, market("BUY", quoteOrderQty="9.5"), AT_100, allow_increase=True)
        assert accepted(raised)["quoteOrderQty"] == "10"

    def test_max_notional_applied_to_market(self) -> None:
        info = load_path(VECTORS / "syn-notional.exchangeinfo.json")
        order = {"symbol": "MAXMKTUSDT", "side": "BUY", "type": "MARKET", "quoteOrderQty": "1500"}
        proposal = propose(info, order)
        assert proposal.params()["quoteOrderQty"] == "1000"
        assert proposal.changes[-1].filter_type == "NOTIONAL"


class TestIceberg:
    """icebergQty moves to satisfy LOT_SIZE and ICEBERG_PARTS; the traded quantity does not."""

    def test_parts(self) -> None:
        proposal = propose(INFO, limit("BUY", "100", "1", icebergQty="0.05"), AT_100)
        params = accepted(proposal)
        assert (params["quantity"], params["icebergQty"]) == ("1", "0.100")  # quantity as sent
        assert proposal.changes[0].filter_type == "ICEBERG_PARTS"

    def test_equal_to_quantity_D07(self) -> None:
        proposal = propose(INFO, limit("BUY", "100", "1", icebergQty="1"), AT_100)
        assert accepted(proposal)["icebergQty"] == "0.999"


class TestNoPassingOrder:
    """What the fixer cannot move is reported with the checker's violations."""

    def test_closed_market(self) -> None:
        order = dict(limit("BUY", "100", "0.5"), symbol="ETHUSDT")
        proposal = propose(INFO, order, AT_100)
        assert proposal.order is None
        assert [(v.code, v.msg) for v in proposal.violations] == [(-1013, "Market is closed.")]
        assert proposal.reason is not None
        assert proposal.reason.startswith(
            "no passing order: the fixer cannot change what breaks these rules: "
            "-1013 Market is closed."
        )

    def test_unknown_symbol(self) -> None:
        proposal = propose(INFO, dict(limit("BUY", "100", "0.5"), symbol="NOPE"))
        assert [v.code for v in proposal.violations] == [-1121]

    def test_missing_quantity(self) -> None:
        order = limit("BUY", "100", "0.5")
        del order["quantity"]
        proposal = propose(INFO, order, AT_100)
        assert [v.code for v in proposal.violations] == [-1102]

    def test_malformed_value(self) -> None:
        proposal = propose(INFO, limit("BUY", "1e2", "0.5"), AT_100)
        assert [v.code for v in proposal.violations] == [-1100]

    def test_open_orders(self) -> None:
        info = _info(_symbol("BTCUSDT", PRICE, LOT, {"filterType": "MAX_NUM_ORDERS",
                                                      "maxNumOrders": 1}))  # fmt: skip
        proposal = propose(info, limit("BUY", "100.001", "0.5"), {"openOrders": 1})
        assert [v.filter_type for v in proposal.violations] == ["MAX_NUM_ORDERS"]


class TestRealSnapshot:
    """On the 2023-08 snapshot: an off-grid BTCUSDT order becomes an accepted one."""

    def test_btcusdt(self) -> None:
        info = load_path(EXCHANGE_INFO / "spot-full-2023-08.json", symbols=["BTCUSDT"])
        context = Context(avg_price=D("29150.42"), permissions=frozenset({"SPOT"}))
        order = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                 "price": "29150.4271", "quantity": "0.000123456"}  # fmt: skip
        proposal = propose(info, order, context, allow_increase=True)
        params = proposal.params()
        assert params["price"] == "29150.42"
        assert params["quantity"] == "0.00035"  # NOTIONAL minNotional 10 / 29150.42, by whole steps
        assert evaluate(info, params, context).accepted


class TestWithoutTick:
    """PRICE_FILTER disabled (D12): no grid, so no least positive price to move to."""

    INFO = _info(
        _symbol("BTCUSDT", {"filterType": "PRICE_FILTER", "minPrice": "0", "maxPrice": "0",
                            "tickSize": "0"}, LOT)
    )  # fmt: skip

    def test_any_positive_price_is_kept(self) -> None:
        proposal = propose(self.INFO, limit("BUY", "123.456789", "1"))
        assert proposal.params()["price"] == "123.456789"
        assert proposal.changes == ()

    def test_zero_price_D37(self) -> None:
        proposal = propose(self.INFO, limit("SELL", "0", "1"))
        assert proposal.reason == (
            "SELL price 0 is not positive (D37: Price * QTY is zero or less.), and with "
            "tickSize 0 and no minPrice there is no least price to move to"
        )


class TestStopPriceNearBound:
    """The nearest tick of a stopPrice may lie across minPrice: the other neighbour is taken."""

    def test_other_neighbour(self) -> None:
        offset = {
            "filterType": "PRICE_FILTER",
            "minPrice": "0.5",
            "maxPrice": "10",
            "tickSize": "0.2",
        }
        info = _info(_symbol("BTCUSDT", offset, LOT))
        order = {"symbol": "BTCUSDT", "side": "SELL", "type": "STOP_LOSS", "stopPrice": "0.5",
                 "quantity": "1"}  # fmt: skip
        proposal = propose(info, order)
        assert proposal.params()["stopPrice"] == "0.6"  # 0.4 is nearer (half_even) but below 0.5
        assert evaluate(info, proposal.params()).accepted


NUMBERS = ("price", "stopPrice", "quantity", "icebergQty", "quoteOrderQty")


class TestWireConsistency:
    """A Change shows its ``new`` as it is sent; a number without a Change is left as sent."""

    def test_change_new_is_the_wire_value(self) -> None:
        proposal = propose(INFO, limit("BUY", "100", "0.5004321"), AT_100)
        params = accepted(proposal)
        assert params["quantity"] == "0.500"
        (change,) = proposal.changes
        assert str(change) == "quantity 0.5004321 -> 0.500: rounded down to stepSize 0.001"
        assert format(change.new, "f") == params["quantity"]
        assert change.new == D("0.5")  # the same number, with the wire's places

    def test_chained_changes_show_the_wire_value_in_between(self) -> None:
        proposal = propose(INFO, limit("BUY", "100", "0.0504"), AT_100, allow_increase=True)
        assert accepted(proposal)["quantity"] == "0.100"
        assert [str(c).split(":")[0] for c in proposal.changes] == [
            "quantity 0.0504 -> 0.050",
            "quantity 0.050 -> 0.100",
        ]

    def test_iceberg_fix_leaves_quantity_as_sent(self) -> None:
        proposal = propose(INFO, limit("BUY", "100", "1.5", icebergQty="0.05"), AT_100)
        params = accepted(proposal)
        assert params["quantity"] == "1.5"
        assert [c.field for c in proposal.changes] == ["icebergQty"]
        assert params["icebergQty"] == format(proposal.changes[-1].new, "f") == "0.150"

    def test_unmoved_numbers_that_are_not_strings_become_plain_strings(self) -> None:
        order = limit("BUY", 100, D("5E-1"), icebergQty=D("0.04"))  # type: ignore[arg-type]
        params = accepted(propose(INFO, order, AT_100))
        assert (params["price"], params["quantity"]) == ("100", "0.5")
        assert params["icebergQty"] == "0.050"  # moved: ICEBERG_PARTS, with the step's places

    @pytest.mark.parametrize(
        ("order", "flags"),
        [
            (limit("BUY", "100.019", "0.5000000"), {}),
            (limit("SELL", "100.011", "1.50"), {}),
            (limit("BUY", "100.00", "1.5", icebergQty="0.05"), {}),
            (limit("BUY", "100", "1", icebergQty="1"), {}),
            (limit("BUY", "100", "0.0504"), {"allow_increase": True}),
            (limit("BUY", "130", "0.5"), {}),
            (limit("BUY", "70", "0.5"), {"allow_worse_price": True}),
            (limit("SELL", "95", "0.5", type="STOP_LOSS_LIMIT", stopPrice="96.005"), {}),
            (market("SELL", quantity="60.00001"), {}),
            (market("BUY", quoteOrderQty="25.123456789"), {}),
            (market("BUY", quoteOrderQty="9.50"), {"allow_increase": True}),
        ],
    )
    def test_every_rewritten_number_has_a_change(
        self, order: dict[str, Any], flags: dict[str, Any]
    ) -> None:
        proposal = propose(INFO, order, AT_100, **flags)
        params = accepted(proposal)
        changed = {c.field for c in proposal.changes}
        assert changed  # each case moves something
        for field in NUMBERS:
            if field not in order:
                continue
            if field in changed:
                last = [c for c in proposal.changes if c.field == field][-1]
                assert params[field] == format(last.new, "f")
                first = next(c for c in proposal.changes if c.field == field)
                assert format(first.old, "f") == order[field]  # as sent, with its places
            else:
                assert params[field] == order[field]  # left as sent, byte for byte


@pytest.mark.parametrize(
    "junk",
    [None, 5, "BTCUSDT", b"BTCUSDT", [("symbol", "BTCUSDT"), ("side", "BUY")], []],
    ids=["None", "int", "str", "bytes", "pairs", "empty-list"],
)
def test_not_a_mapping_is_read_as_the_checker_reads_it(junk: Any) -> None:
    # The checker answers -1102 for anything that is not params; so does the fixer,
    # as a reason with the same violations (a list of pairs is not params either).
    verdict = evaluate(INFO, junk, AT_100)
    assert not verdict.accepted
    proposal = propose(INFO, junk, AT_100)
    assert not proposal.accepted
    assert proposal.order is None
    assert proposal.violations == verdict.violations
    assert [v.code for v in proposal.violations] == [-1102]
    assert proposal.reason is not None
    assert "-1102" in proposal.reason


class TestNeverTradesNothing:
    """A positive amount floored to 0 goes up to the least positive grid point (never '0')."""

    INFO = _info(
        _symbol(
            "XYZUSD",
            {"filterType": "LOT_SIZE", "minQty": "0", "maxQty": "100", "stepSize": "0.1"},
            quoteAssetPrecision=2,
            quoteOrderQtyMarketAllowed=True,
        )
    )

    def _proposed(self, *, allow_increase: bool = False, **amount: str) -> Proposal:
        order = {"symbol": "XYZUSD", "side": "BUY", "type": "MARKET", **amount}
        proposal = propose(self.INFO, order, allow_increase=allow_increase)
        assert proposal.reason is None, proposal.reason
        assert evaluate(self.INFO, proposal.params()).accepted
        return proposal

    @pytest.mark.parametrize("sent", ["0.05", "0.09"])
    def test_quantity(self, sent: str) -> None:
        proposal = self._proposed(quantity=sent)
        assert proposal.params()["quantity"] == "0.1"
        assert D(proposal.params()["quantity"]) > 0
        assert proposal.changes[-1].why == (
            "raised to a positive quantity (an order that trades nothing is never proposed)"
        )

    @pytest.mark.parametrize("sent", ["0.001", "0.009"])
    def test_quote_order_qty(self, sent: str) -> None:
        # More than asked only with allow_increase (quoteOrderQty has no minimum of its own).
        proposal = self._proposed(quoteOrderQty=sent, allow_increase=True)
        assert proposal.params()["quoteOrderQty"] == "0.01"
        assert proposal.changes[-1].why == (
            "raised to a positive quoteOrderQty (an order that trades nothing is never proposed)"
            " (allow_increase)"
        )
        order = {"symbol": "XYZUSD", "side": "BUY", "type": "MARKET", "quoteOrderQty": sent}
        refused = propose(self.INFO, order)
        assert refused.order is None
        assert refused.reason is not None
        assert "the least passing quoteOrderQty is 0.01" in refused.reason

    def test_positive_amounts_are_left_alone(self) -> None:
        assert self._proposed(quantity="0.3").params()["quantity"] == "0.3"
        assert self._proposed(quoteOrderQty="0.05").params()["quoteOrderQty"] == "0.05"
        assert self._proposed(quantity="0.3").changes == ()


class TestPrecisionWithoutStep:
    """Without LOT_SIZE the base asset's precision is the quantity's grid (D38): a quantity
    cut to 0 by it meets D37 and the notional like any floored quantity (found by
    test_accepted_or_reason: it used to be cut to 0 after the moves, and refused)."""

    INFO = _info(
        _symbol(
            "ABCXYZ",
            PRICE,
            {"filterType": "MIN_NOTIONAL", "minNotional": "0.0001", "applyToMarket": True,
             "avgPriceMins": 5},
            baseAssetPrecision=2,
            quoteAssetPrecision=8,
        )
    )  # fmt: skip

    def _order(self, quantity: str) -> dict[str, Any]:
        return {"symbol": "ABCXYZ", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                "price": "5", "quantity": quantity}  # fmt: skip

    def test_rounded_down_to_the_precision(self) -> None:
        proposal = propose(self.INFO, self._order("0.019"))
        assert proposal.reason is None
        assert proposal.params()["quantity"] == "0.01"
        assert evaluate(self.INFO, proposal.params()).accepted
        assert proposal.changes[0].why.startswith("rounded down to 2 decimals")

    def test_cut_to_zero_is_raised_only_when_allowed(self) -> None:
        refused = propose(self.INFO, self._order("0.001"))
        assert refused.order is None
        assert refused.reason is not None
        assert "the least passing quantity is 0.01" in refused.reason
        raised = propose(self.INFO, self._order("0.001"), allow_increase=True)
        assert raised.params()["quantity"] == "0.01"
        assert evaluate(self.INFO, raised.params()).accepted


class TestAtMostTwentyPlaces:
    """D29: a number on the wire has at most 20 fraction digits; every proposal is one
    the checker accepts, whatever the tick, the step or the band asks for."""

    T21 = "0." + "0" * 20 + "1"  # 21 places
    BAND: ClassVar = {"filterType": "PERCENT_PRICE", "multiplierUp": "1.23456789",
                      "multiplierDown": "0.2", "avgPriceMins": 5}  # fmt: skip
    CONTEXT = Context(avg_price=D("0.12345678901234567"))

    def _info(self, tick: str, step: str, *extra: dict[str, Any], **kw: Any) -> ExchangeInfo:
        price = {"filterType": "PRICE_FILTER", "minPrice": "0", "maxPrice": "0", "tickSize": tick}
        lot = {"filterType": "LOT_SIZE", "minQty": "0", "maxQty": "0", "stepSize": step}
        return _info(_symbol("BTCUSDT", price, lot, *extra), **kw)

    def _accepted(self, info: ExchangeInfo, order: dict[str, Any]) -> dict[str, Any]:
        proposal = propose(info, order, self.CONTEXT)
        assert proposal.reason is None, proposal.reason
        params = proposal.params()
        assert evaluate(info, params, self.CONTEXT).accepted, params
        for field in ("price", "quantity", "stopPrice", "icebergQty"):
            if field in params:
                assert len(params[field].partition(".")[2]) <= 20, params
        for change in proposal.changes:
            assert len(format(change.new, "f").partition(".")[2]) <= 20
        return params

    @pytest.mark.parametrize(
        ("price", "quantity", "expected"),
        [("1", "1", ("1", "1")), ("1.5", "1.5", ("1.5", "1")), ("1.5", "1", ("1.5", "1"))],
    )
    def test_tick_with_21_places(
        self, price: str, quantity: str, expected: tuple[str, str]
    ) -> None:
        params = self._accepted(self._info(self.T21, "1"), limit("BUY", price, quantity))
        assert (params["price"], params["quantity"]) == expected

    def test_tick_with_21_places_and_a_band(self) -> None:
        params = self._accepted(self._info(self.T21, "1", self.BAND), limit("BUY", "1", "1"))
        assert params["price"] == "0.15241578751714677776"  # 0.1524157875171467777625363 floored

    def test_step_with_21_places(self) -> None:
        params = self._accepted(self._info("0.01", self.T21), limit("BUY", "1", "1.5"))
        assert params["quantity"] == "1.5"
        twenty = "1." + "0" * 19 + "5"  # on the 21-place step and 20 places long
        params = self._accepted(self._info("0.01", self.T21), limit("BUY", "1", twenty))
        assert params["quantity"] == twenty
        iceberg = limit("BUY", "1", "2", icebergQty="1.5")
        assert self._accepted(self._info("0.01", self.T21), iceberg)["icebergQty"] == "1.5"

    def test_no_tick_and_a_band_D12(self) -> None:
        # The band's edge, avgPrice × multiplierUp, has 25 places: floored to 20 (a BUY).
        params = self._accepted(self._info("0", "1", self.BAND), limit("BUY", "1", "1"))
        assert params["price"] == "0.15241578751714677776"
        sell = self._accepted(self._info("0", "1", self.BAND), limit("SELL", "0.01", "1"))
        assert sell["price"] == "0.024691357802469134"

    def test_a_grid_with_no_sendable_point_is_a_reason(self) -> None:
        # Old era (D17): ticks 1E-21 + k·2E-21, all odd multiples of 1E-21: none has 20 places.
        price = {"filterType": "PRICE_FILTER", "minPrice": "0." + "0" * 20 + "1",
                 "maxPrice": "0", "tickSize": "0." + "0" * 20 + "2"}  # fmt: skip
        info = _info(_symbol("BTCUSDT", price, LOT), server_time=1622505600000)
        proposal = propose(info, limit("BUY", "1.5", "1"))
        assert proposal.order is None
        assert proposal.reason is not None


class TestLongValuesNeverRaise:
    """propose answers for every order the checker can judge: 20.20-digit values on 1E-46
    and 1E-20 grids need more than 60 digits, and are handled exactly (no exception)."""

    BIG = "12345678901234567890.12345678901234567891"
    T20 = "0." + "0" * 19 + "1"
    T46 = "0." + "0" * 45 + "1"

    def _info(self, tick: str, step: str) -> ExchangeInfo:
        return _info(
            _symbol(
                "BTCUSDT",
                {"filterType": "PRICE_FILTER", "minPrice": "0", "maxPrice": "0", "tickSize": tick},
                {"filterType": "LOT_SIZE", "minQty": "0", "maxQty": "0", "stepSize": step},
                {"filterType": "NOTIONAL", "minNotional": "1", "applyMinToMarket": True,
                 "maxNotional": "9000000", "applyMaxToMarket": True, "avgPriceMins": 5},
                {"filterType": "PERCENT_PRICE", "multiplierUp": "1.23456789",
                 "multiplierDown": "0.2", "avgPriceMins": 5},
            )
        )  # fmt: skip

    def test_on_a_46_place_tick(self) -> None:
        info = _info(
            _symbol(
                "BTCUSDT",
                {"filterType": "PRICE_FILTER", "minPrice": "0", "maxPrice": "0",
                 "tickSize": self.T46},
                {"filterType": "LOT_SIZE", "minQty": "0", "maxQty": "0",
                 "stepSize": "0.00000001"},
            )
        )  # fmt: skip
        on_grid = limit("BUY", self.BIG, "1")
        assert propose(info, on_grid).params() == on_grid  # nothing to move
        proposal = propose(info, limit("BUY", self.BIG, "1.000000001"))
        assert proposal.params()["price"] == self.BIG
        assert proposal.params()["quantity"] == "1.00000000"

    def test_product_of_two_long_values(self) -> None:
        info = self._info(self.T20, self.T20)
        proposal = propose(info, limit("BUY", self.BIG, self.BIG))
        params = proposal.params()
        assert evaluate(info, params).accepted
        assert params["price"] == self.BIG
        assert D(params["quantity"]) * D(self.BIG) <= 9000000

    @pytest.mark.parametrize("tick", ["0", T20, T46, "0." + "0" * 20 + "3"])
    @pytest.mark.parametrize("side", ["BUY", "SELL"])
    @pytest.mark.parametrize("avg", ["0.12345678901234567", BIG])
    def test_always_an_answer(self, tick: str, side: str, avg: str) -> None:
        info = self._info(tick, tick)
        context = Context(avg_price=D(avg))
        for price, quantity in [(self.BIG, self.BIG), ("1.5", self.BIG), (self.BIG, "0.3")]:
            for flags in (False, True):
                order = limit(side, price, quantity, icebergQty=quantity)
                proposal = propose(
                    info, order, context, allow_increase=flags, allow_worse_price=flags
                )
                assert (proposal.order is None) == (proposal.reason is not None)
                if proposal.order is not None:
                    assert evaluate(info, proposal.params(), context).accepted


class TestExplanations:
    """What a change says is what happened: no negative value, the grid that was used,
    the minimum that binds."""

    OLD_GRID = _info(
        _symbol(
            "BTCUSDT",
            {"filterType": "PRICE_FILTER", "minPrice": "0.5", "maxPrice": "100", "tickSize": "0.2"},
            {"filterType": "LOT_SIZE", "minQty": "0.15", "maxQty": "100", "stepSize": "0.5"},
        ),
        server_time=1622505600000,  # 2021-06-01: the step grid starts at minQty (D17)
    )

    @staticmethod
    def _texts(proposal: Proposal) -> list[str]:
        return [str(change) for change in proposal.changes] + [proposal.reason or ""]

    @pytest.mark.parametrize("quantity", ["0.1", "0", "0.149"])
    def test_old_grid_never_goes_negative(self, quantity: str) -> None:
        proposal = propose(self.OLD_GRID, limit("BUY", "2.5", quantity))
        assert not any("-0." in text for text in self._texts(proposal)), self._texts(proposal)
        assert proposal.params()["quantity"] == "0.15"
        assert evaluate(self.OLD_GRID, proposal.params()).accepted
        last = proposal.changes[-1]
        assert (last.field, last.filter_type) == ("quantity", "LOT_SIZE")
        assert last.why == "raised to LOT_SIZE minQty 0.15"
        assert all(change.new is not None and change.new >= 0 for change in proposal.changes)

    def test_old_grid_with_a_notional_reason(self) -> None:
        notional = {"filterType": "NOTIONAL", "minNotional": "5", "applyMinToMarket": True,
                    "maxNotional": "0", "applyMaxToMarket": True, "avgPriceMins": 5}  # fmt: skip
        info = _info(
            _symbol(
                "BTCUSDT",
                {"filterType": "PRICE_FILTER", "minPrice": "0.5", "maxPrice": "100",
                 "tickSize": "0.2"},
                {"filterType": "LOT_SIZE", "minQty": "0.15", "maxQty": "100", "stepSize": "0.5"},
                notional,
            ),
            server_time=1622505600000,
        )  # fmt: skip
        proposal = propose(info, limit("BUY", "2.6", "0.1"))
        assert proposal.reason is not None
        assert "-0.35" not in proposal.reason
        raised = propose(info, limit("BUY", "2.6", "0.1"), allow_increase=True)
        assert not any("-0." in text for text in self._texts(raised))
        assert raised.params()["quantity"] == "2.15"

    def test_market_common_grid_and_binding_minimum(self) -> None:
        info = _info(
            _symbol(
                "BTCUSDT",
                {"filterType": "LOT_SIZE", "minQty": "0.1", "maxQty": "100", "stepSize": "0.1"},
                {"filterType": "MARKET_LOT_SIZE", "minQty": "0.25", "maxQty": "50",
                 "stepSize": "0.25"},
            )
        )  # fmt: skip
        proposal = propose(info, market("SELL", quantity="0.2"))
        assert proposal.params()["quantity"] == "0.5"
        rounded, raised = proposal.changes
        assert "stepSize 0.5" not in rounded.why
        assert rounded.why.startswith(
            "rounded down to the common grid of LOT_SIZE stepSize 0.1 and "
            "MARKET_LOT_SIZE stepSize 0.25"
        )
        assert (raised.filter_type, raised.why) == (
            "MARKET_LOT_SIZE",
            "raised to MARKET_LOT_SIZE minQty 0.25",
        )
        on_step = propose(info, market("SELL", quantity="1.7")).changes
        assert [c.why for c in on_step] == [rounded.why]
        assert on_step[0].new == D("1.5")

    def test_iceberg_names_the_filter_minimum_on_a_tie(self) -> None:
        info = _info(_symbol("BTCUSDT", PRICE, LOT))
        proposal = propose(info, limit("BUY", "100", "1", icebergQty="0.0001"))
        assert proposal.params()["icebergQty"] == "0.001"
        last = proposal.changes[-1]
        assert last.filter_type == "LOT_SIZE"
        assert last.why == "raised to satisfy LOT_SIZE minQty 0.001 (what shows, not what trades)"
