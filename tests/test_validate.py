"""The checks around the filters: parameters, symbol, type, flags, pegs, and the API triad."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

import rules
from rules.checker.context import Context
from rules.checker.evaluate import check, evaluate, is_valid, iter_violations
from rules.checker.order import Order
from rules.checker.violations import Verdict
from rules.errors import OrderRejected, RulesError
from rules.model.load import loads
from rules.model.models import ExchangeInfo

SYMBOL: dict[str, Any] = {
    "symbol": "XY",
    "status": "TRADING",
    "baseAsset": "X",
    "quoteAsset": "Y",
    "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
    "icebergAllowed": True,
    "quoteOrderQtyMarketAllowed": True,
    "allowTrailingStop": True,
    "pegInstructionsAllowed": True,
    "allowedSelfTradePreventionModes": ["NONE", "EXPIRE_MAKER"],
    "permissionSets": [["SPOT"]],
    "filters": [
        {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000", "tickSize": "0.01"},
        {"filterType": "LOT_SIZE", "minQty": "0.001", "maxQty": "100", "stepSize": "0.001"},
    ],
}


def snapshot(server_time: int | None = 1700000000000, **fields: Any) -> ExchangeInfo:
    body: dict[str, Any] = {"symbols": [{**SYMBOL, **fields}]}
    if server_time is not None:
        body["serverTime"] = server_time
    return loads(json.dumps(body))


INFO = snapshot()
LIMIT = {
    "symbol": "XY",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "price": "10",
    "quantity": "1",
}


def codes(
    order: dict[str, Any], info: ExchangeInfo = INFO, **context: Any
) -> list[tuple[int, str]]:
    verdict = evaluate(info, order, Context.from_mapping(context))
    return [(v.code, v.msg) for v in verdict.violations]


def without(**changes: Any) -> dict[str, Any]:
    """LIMIT with keys changed; a value of ... removes the key."""
    order = {**LIMIT, **changes}
    return {k: v for k, v in order.items() if v is not ...}


MANDATORY = "Mandatory parameter '{}' was not sent, was empty/null, or malformed."


class TestParameters:
    """-1100, -1102, -1105, -1106, -1115, -1116, -1117, -1134 (D03, D04, D05, D29, D30, D33)."""

    @pytest.mark.parametrize(
        ("order", "expected"),
        [
            (LIMIT, []),
            (without(price=...), [(-1102, MANDATORY.format("price"))]),
            (without(price=None), [(-1102, MANDATORY.format("price"))]),  # null = not sent
            (without(price=""), [(-1105, "Parameter 'price' was empty.")]),
            (without(newClientOrderId=""), [(-1105, "Parameter 'newClientOrderId' was empty.")]),
            (without(side=...), [(-1102, MANDATORY.format("side"))]),
            (without(side="buy"), [(-1117, "Invalid side.")]),
            (without(type="STOP"), [(-1116, "Invalid orderType.")]),
            (without(type=...), [(-1102, MANDATORY.format("type"))]),
            (without(timeInForce="GTD"), [(-1115, "Invalid timeInForce.")]),
            (without(timeInForce=...), [(-1102, MANDATORY.format("timeInForce"))]),
            (without(strategyType=999999), [(-1134, "`strategyType` was less than 1000000.")]),
            (without(strategyType=1000000), []),
            (without(stopPrice="5"), [(-1106, "Parameter 'stopPrice' sent when not required.")]),
            (
                without(quoteOrderQty="5"),
                [(-1106, "Parameter 'quoteOrderQty' sent when not required.")],
            ),
            (
                without(type="LIMIT_MAKER"),
                [(-1106, "Parameter 'timeInForce' sent when not required.")],
            ),
            (
                without(trailingDelta=100),
                [(-1106, "Parameter 'trailingDelta' sent when not required.")],
            ),
        ],
    )
    def test_limit_parameters(self, order: dict[str, Any], expected: list[tuple[int, str]]) -> None:
        assert codes(order) == expected

    @pytest.mark.parametrize(
        "value",
        [
            "1,5",
            "-1",
            "1e5",
            " 1",
            "0x10",
            "1.",
            ".5",
            "１",
            "NaN",
            "Infinity",
            True,
            float("inf"),
            Decimal("-1"),
            Decimal("NaN"),
            [1],
            "1" * 21,
            "1." + "1" * 21,
        ],
    )
    def test_malformed_quantity(self, value: object) -> None:
        """D29: -1100 and the value is treated as absent (no -1102, no LOT_SIZE)."""
        verdict = evaluate(INFO, without(quantity=value))
        assert [v.code for v in verdict.violations] == [-1100]
        assert verdict.violations[0].msg == (
            "Illegal characters found in parameter 'quantity'; "
            "legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'."
        )

    @pytest.mark.parametrize("value", [1, Decimal("1.000"), 1.0, "1", 1e-3, Decimal("1E+1")])
    def test_numbers_read_exactly(self, value: object) -> None:
        """D32: JSON numbers, Decimals and floats (by repr) are exact decimals."""
        assert codes(without(quantity=value)) == []

    def test_float_is_read_as_its_repr(self) -> None:
        # Decimal(0.1) would be 0.1000000000000000055511151231257827..., off the step.
        assert codes(without(quantity=0.1)) == []

    def test_market_parameters(self) -> None:
        market = {"symbol": "XY", "side": "BUY", "type": "MARKET"}
        assert codes(market) == [
            (-1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!")
        ]
        assert codes({**market, "quantity": "1", "quoteOrderQty": "10"}) == [
            (-1106, "Parameter 'quoteOrderQty' sent when not required.")
        ]  # D05
        assert codes({**market, "quantity": "", "quoteOrderQty": None}) == [
            (-1105, "Parameter 'quantity' was empty.")
        ]  # an empty member silences the group's -1102 (D03)

    def test_stop_parameters(self) -> None:
        order = {
            "symbol": "XY",
            "side": "BUY",
            "type": "STOP_LOSS_LIMIT",
            "timeInForce": "GTC",
            "price": "10",
            "quantity": "1",
        }
        assert codes(order) == [
            (-1102, "Param 'stopPrice' or 'trailingDelta' must be sent, but both were empty/null!")
        ]
        assert codes({**order, "trailingDelta": 100}) == []
        assert codes({**order, "trailingDelta": "x"})[0][0] == -1100

    @pytest.mark.parametrize(
        "order",
        [{"side": "BUY"}, {"symbol": None}, {"symbol": "", "side": "x", "quantity": ""}],
    )
    def test_missing_or_empty_symbol_stops_everything(self, order: dict[str, Any]) -> None:
        """D24: nothing but the symbol's own error."""
        verdict = evaluate(INFO, order)
        assert len(verdict.violations) == 1
        assert verdict.violations[0].code in (-1102, -1105)

    @pytest.mark.parametrize("symbol", ["xy", "NOPE", 7])
    def test_unknown_symbol(self, symbol: object) -> None:
        assert codes({**LIMIT, "symbol": symbol, "side": "bad"}) == [(-1121, "Invalid symbol.")]

    def test_not_a_mapping(self) -> None:
        verdict = evaluate(INFO, ["symbol"])  # type: ignore[arg-type]
        assert [v.code for v in verdict.violations] == [-1102]


class TestSymbolLevel:
    """Status (D01), order types (D02), flags (D22), STP (D21), permissions (D19, D36)."""

    @pytest.mark.parametrize("status", ["BREAK", "HALT", "END_OF_DAY", "CANCEL_ONLY"])
    def test_closed_market(self, status: str) -> None:
        assert codes(LIMIT, snapshot(status=status)) == [(-1013, "Market is closed.")]

    def test_no_status_field_is_not_checked(self) -> None:
        # D01: "A symbol with no `status` field is not checked."
        body = {"symbols": [{k: v for k, v in SYMBOL.items() if k != "status"}]}
        info = loads(json.dumps(body))
        assert info["XY"].status is None
        assert codes(LIMIT, info) == []
        assert codes(without(price="10.001"), info) == [(-1013, "Filter failure: PRICE_FILTER")]

    @pytest.mark.parametrize(
        ("order_type", "message"),
        [
            ("STOP_LOSS", "Stop loss orders are not supported for this symbol."),
            ("TAKE_PROFIT", "Take profit orders are not supported for this symbol."),
        ],
    )
    def test_type_not_enabled(self, order_type: str, message: str) -> None:
        order = {
            "symbol": "XY",
            "side": "SELL",
            "type": order_type,
            "quantity": "1",
            "stopPrice": "10",
        }
        assert codes(order) == [(-1013, message)]  # D02: real answers carry -1013

    def test_limit_maker_not_enabled(self) -> None:
        info = snapshot(orderTypes=["LIMIT"])
        order = without(type="LIMIT_MAKER", timeInForce=...)
        assert codes(order, info) == [(-1013, "Unsupported order combination")]  # D02

    def test_no_order_types_field_forbids_nothing(self) -> None:
        body = {k: v for k, v in SYMBOL.items() if k != "orderTypes"}
        info = loads(json.dumps({"symbols": [body]}))
        order = {
            "symbol": "XY",
            "side": "SELL",
            "type": "STOP_LOSS",
            "quantity": "1",
            "stopPrice": "10",
        }
        assert codes(order, info) == []

    @pytest.mark.parametrize(
        ("flag", "order", "message"),
        [
            (
                "icebergAllowed",
                without(icebergQty="0.5"),
                "Iceberg orders are not supported for this symbol.",
            ),
            (
                "quoteOrderQtyMarketAllowed",
                {"symbol": "XY", "side": "BUY", "type": "MARKET", "quoteOrderQty": "10"},
                "Quote order qty market orders are not supported for this symbol.",  # D22
            ),
            (
                "allowTrailingStop",
                without(type="STOP_LOSS_LIMIT", trailingDelta=100),
                "Trailing stop orders are not supported for this symbol.",
            ),
        ],
    )
    def test_flags(self, flag: str, order: dict[str, Any], message: str) -> None:
        # D22: the quote flag's real answers carry -1013; the others keep errors.md's -2010.
        code = -1013 if flag == "quoteOrderQtyMarketAllowed" else -2010
        assert codes(order, snapshot(**{flag: False})) == [(code, message)]
        assert codes(order, snapshot(**{flag: True})) == []

    def test_iceberg_rules(self) -> None:
        assert codes(without(icebergQty="0.5", timeInForce="IOC")) == [
            (-2010, "Unsupported order combination")  # D06
        ]
        assert codes(without(icebergQty="1")) == [(-2010, "IcebergQty exceeds QTY.")]  # D07
        assert codes(without(icebergQty="0", timeInForce="IOC")) == []  # D08

    def test_price_times_quantity_zero(self) -> None:
        """D37, beside the failing filter."""
        assert codes(without(price="0")) == [
            (-1013, "Price * QTY is zero or less."),  # real answers carry -1013
            (-1013, "Filter failure: PRICE_FILTER"),
        ]

    def test_stp_mode(self) -> None:
        message = "This symbol does not allow the specified self-trade prevention mode."
        assert codes(without(selfTradePreventionMode="EXPIRE_BOTH")) == [(-1013, message)]
        assert codes(without(selfTradePreventionMode="NONE")) == []
        body = {k: v for k, v in SYMBOL.items() if k != "allowedSelfTradePreventionModes"}
        old = loads(json.dumps({"symbols": [body]}))
        assert codes(without(selfTradePreventionMode="EXPIRE_BOTH"), old) == []

    @pytest.mark.parametrize(
        ("fields", "account", "server_time", "expected", "unchecked"),
        [
            ({}, ["SPOT"], None, [], ()),
            ({}, ["MARGIN"], None, [(-2010, "This symbol is not permitted for this account.")], ()),
            (
                {},
                ["MARGIN"],
                1600000000000,
                [(-2010, "This action disabled is on this account.")],
                (),
            ),  # D19 by era, the text of real answers (sic)
            ({"permissionSets": [], "permissions": []}, ["SPOT"], None, [], ("PERMISSIONS",)),
            (
                {"permissionSets": [["SPOT"], []]},
                ["SPOT"],
                None,
                [(-2010, "This symbol is not permitted for this account.")],
                (),
            ),
        ],
    )
    def test_permissions(
        self,
        fields: dict[str, Any],
        account: list[str],
        server_time: int | None,
        expected: list[tuple[int, str]],
        unchecked: tuple[str, ...],
    ) -> None:
        info = snapshot(server_time=server_time, **fields)
        verdict = evaluate(info, LIMIT, Context(permissions=frozenset(account)))
        assert [(v.code, v.msg) for v in verdict.violations] == expected
        assert verdict.unchecked == unchecked

    def test_no_account_permissions_checks_nothing(self) -> None:
        """D19: without context.permissions, nothing is checked and nothing listed."""
        info = snapshot(permissionSets=[], permissions=[])
        assert evaluate(info, LIMIT) == Verdict(True)

    def test_invalid_type_runs_symbol_checks_only(self) -> None:
        """D24: no valid type → status, permissions and STP only."""
        order = without(type="NOPE", price="0.001", quantity="")
        verdict = evaluate(snapshot(status="BREAK"), order)
        assert [v.code for v in verdict.violations] == [-1105, -1116, -1013]


class TestPegs:
    """Pegged orders (D31)."""

    def test_peg_makes_price_optional_and_filters_unchecked(self) -> None:
        verdict = evaluate(INFO, without(price=..., pegPriceType="PRIMARY_PEG"))
        assert verdict.accepted
        assert verdict.unchecked == ("PRICE_FILTER",)

    def test_explicit_price_still_checked(self) -> None:
        verdict = evaluate(INFO, without(price="10.005", pegPriceType="PRIMARY_PEG"))
        assert [v.filter_type for v in verdict.violations] == ["PRICE_FILTER"]

    @pytest.mark.parametrize(
        ("order", "info", "expected"),
        [
            (without(pegPriceType="BEST"), INFO, [(-1210, "Invalid pegPriceType.")]),
            (
                {
                    "symbol": "XY",
                    "side": "BUY",
                    "type": "MARKET",
                    "quantity": "1",
                    "pegPriceType": "PRIMARY_PEG",
                },
                INFO,
                [(-2010, "This order type may not use pegged price.")],
            ),
            (
                without(pegPriceType="PRIMARY_PEG"),
                snapshot(pegInstructionsAllowed=False),
                [(-2010, "Pegged orders are not supported for this symbol.")],
            ),
            (
                without(type="LIMIT_MAKER", timeInForce=..., pegPriceType="MARKET_PEG"),
                INFO,
                [(-2010, "This price peg cannot be used with this order type.")],
            ),
            (
                without(pegPriceType="PRIMARY_PEG", pegOffsetValue=5),
                INFO,
                [
                    (
                        -1128,
                        "Combination of optional fields invalid. Recommendation: "
                        "'pegOffsetType' and 'pegOffsetValue' must both be sent.",
                    )
                ],
            ),
            (
                without(pegPriceType="PRIMARY_PEG", pegOffsetType="LEVEL", pegOffsetValue=5),
                INFO,
                [(-1211, "Invalid pegOffsetType.")],
            ),
            (  # ws-place: pegOffsetValue "(max: 100)"
                without(
                    pegPriceType="PRIMARY_PEG", pegOffsetType="PRICE_LEVEL", pegOffsetValue=101
                ),
                INFO,
                [
                    (
                        -1102,
                        "'pegOffsetValue' contains unexpected value. Cannot be greater than 100.",
                    )
                ],
            ),
            (
                without(
                    pegPriceType="PRIMARY_PEG", pegOffsetType="PRICE_LEVEL", pegOffsetValue=100
                ),
                INFO,
                [],
            ),
            (  # faq-pegged_orders: with PRIMARY_PEG only timeInForce=GTC
                without(pegPriceType="PRIMARY_PEG", timeInForce="IOC"),
                INFO,
                [(-2010, "Unsupported order combination")],
            ),
            (without(pegPriceType="MARKET_PEG", timeInForce="IOC"), INFO, []),
        ],
    )
    def test_peg_errors(
        self, order: dict[str, Any], info: ExchangeInfo, expected: list[tuple[int, str]]
    ) -> None:
        assert codes(order, info) == expected


class TestApi:
    """evaluate / iter_violations / is_valid / check, and the typed Order."""

    def test_accepted(self) -> None:
        verdict = evaluate(INFO, LIMIT)
        assert verdict == Verdict(True)
        assert verdict.to_json() == {"accepted": True, "violations": [], "unchecked": []}
        assert is_valid(INFO, LIMIT)
        assert list(iter_violations(INFO, LIMIT)) == []
        check(INFO, LIMIT)

    def test_a_mapping_context_is_read_as_json(self) -> None:
        # The same context given as its JSON form, as propose() takes it too.
        order = without(price="100")
        as_json = {"permissions": ["MARGIN"]}
        as_object = Context.from_mapping(as_json)
        assert evaluate(INFO, order, as_json) == evaluate(INFO, order, as_object)
        assert not evaluate(INFO, order, as_json).accepted
        assert is_valid(INFO, order, as_json) is False
        assert [v.code for v in iter_violations(INFO, order, as_json)] == [-2010]
        with pytest.raises(OrderRejected):
            check(INFO, order, as_json)

    def test_a_context_of_another_kind_is_refused(self) -> None:
        with pytest.raises(TypeError, match="context: expected a Context, a mapping or None"):
            evaluate(INFO, LIMIT, 5)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="did you mean 'avgPrice'"):
            evaluate(INFO, LIMIT, {"avgprice": "1"})

    def test_rejected(self) -> None:
        order = without(price="10.005", quantity="0.0005")
        assert not is_valid(INFO, order)
        assert [v.filter_type for v in iter_violations(INFO, order)] == ["PRICE_FILTER", "LOT_SIZE"]
        with pytest.raises(OrderRejected) as raised:
            check(INFO, order)
        assert isinstance(raised.value, RulesError)
        assert isinstance(raised.value, ValueError)
        assert raised.value.verdict == evaluate(INFO, order)
        assert str(raised.value) == (
            "order rejected: 2 violations\n"
            "  -1013 Filter failure: PRICE_FILTER [PRICE_FILTER]: "
            "price 10.005 is not a multiple of tickSize 0.01\n"
            "  -1013 Filter failure: LOT_SIZE [LOT_SIZE]: "
            "quantity 0.0005 is below minQty 0.001"
        )
        assert evaluate(INFO, order).to_json()["violations"][0] == {
            "code": -1013,
            "msg": "Filter failure: PRICE_FILTER",
            "filterType": "PRICE_FILTER",
        }

    def test_unchecked_does_not_reject(self) -> None:
        """D27."""
        info = snapshot(filters=[{"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 5}])
        verdict = evaluate(info, LIMIT)
        assert verdict.accepted
        assert verdict.unchecked == ("MAX_NUM_ORDERS",)
        assert is_valid(info, LIMIT)

    def test_typed_order(self) -> None:
        order = Order(
            symbol="XY",
            side="BUY",
            type="LIMIT",
            time_in_force="GTC",
            price=Decimal("10.005"),
            quantity=Decimal("1"),
        )
        assert [v.filter_type for v in evaluate(INFO, order).violations] == ["PRICE_FILTER"]
        bad = Order(
            symbol="XY",
            side="BUY",
            type="LIMIT",
            time_in_force="GTC",
            price=Decimal("-1"),
            quantity=Decimal("NaN"),
        )
        assert [v.code for v in evaluate(INFO, bad).violations] == [-1100, -1100]

    def test_same_verdict_for_params_and_order(self) -> None:
        assert evaluate(INFO, Order.from_params(LIMIT)) == evaluate(INFO, LIMIT)

    def test_plans_follow_the_snapshot(self) -> None:
        """The per-snapshot cache never mixes two snapshots' rules."""
        for status in ("BREAK", "TRADING", "HALT"):
            info = snapshot(status=status)
            assert is_valid(info, LIMIT) is (status == "TRADING")

    def test_reexports(self) -> None:
        for name in (
            "evaluate",
            "is_valid",
            "iter_violations",
            "check",
            "Order",
            "Context",
            "Violation",
            "Verdict",
            "OrderRejected",
        ):
            assert name in rules.__all__
            assert getattr(rules, name) is not None
