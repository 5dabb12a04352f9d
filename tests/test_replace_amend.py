"""order.cancelReplace (D43) and order.amend.keepPriority (D44): the docs' examples
and each rule of the two decisions, with Binance's codes and messages, the order of
the violations (D53) and the parameters each method reads (D52)."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from rules import evaluate, is_valid, propose
from rules.checker.methods import JUDGED_METHODS, method_spec
from rules.checker.violations import stage_of
from rules.cli.main import Streams, run
from rules.model.load import loads
from rules.model.models import ExchangeInfo

CR, AMEND = "order.cancelReplace", "order.amend.keepPriority"

_LOT = {"filterType": "LOT_SIZE", "minQty": "0.00001", "maxQty": "9000", "stepSize": "0.00001"}
_SYMBOL: dict[str, Any] = {
    "symbol": "BTCUSDT",
    "status": "TRADING",
    "baseAsset": "BTC",
    "quoteAsset": "USDT",
    "baseAssetPrecision": 8,
    "quoteAssetPrecision": 8,
    "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
    "icebergAllowed": True,
    "cancelReplaceAllowed": True,
    "amendAllowed": True,
    "permissionSets": [["SPOT"]],
    "filters": [
        {
            "filterType": "PRICE_FILTER",
            "minPrice": "0.01",
            "maxPrice": "1000000",
            "tickSize": "0.01",
        },
        _LOT,
        {
            "filterType": "NOTIONAL",
            "minNotional": "5",
            "applyMinToMarket": True,
            "maxNotional": "9000000",
            "applyMaxToMarket": False,
            "avgPriceMins": 5,
        },
        {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
        {"filterType": "MAX_NUM_ORDER_AMENDS", "maxNumOrderAmends": 10},
    ],
}


def _symbol(name: str, **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(_SYMBOL)
    out["symbol"] = name
    for key, value in changes.items():
        if value is None:
            del out[key]
        else:
            out[key] = value
    return out


def _snapshot(server_time: int) -> ExchangeInfo:
    zero_min = {**_LOT, "minQty": "0"}
    return loads(
        json.dumps(
            {
                "serverTime": server_time,
                "symbols": [
                    _SYMBOL,
                    _symbol("OFFUSDT", cancelReplaceAllowed=False, amendAllowed=False),
                    _symbol("OLDUSDT", cancelReplaceAllowed=None, amendAllowed=None),
                    _symbol("HALTUSDT", status="BREAK"),
                    _symbol("ZEROUSDT", filters=[zero_min]),
                    _symbol(
                        "GRIDUSDT", filters=[{**_LOT, "minQty": "0.0015", "stepSize": "0.001"}]
                    ),
                    _symbol("NODATAUSDT", permissionSets=[]),
                ],
            }
        )
    )


INFO = _snapshot(1764547200000)  # 2025-12-01: today's rules
OLD_INFO = _snapshot(1622505600000)  # 2021-06-01: the (qty - minQty) grid, old messages (D17)
CONTEXT: dict[str, Any] = {"avgPrice": "23000", "permissions": ["SPOT"], "openOrders": 3}
AMEND_CONTEXT: dict[str, Any] = {**CONTEXT, "origQty": "10", "orderAmendCount": 0}

#: ws-cr's example, as the docs send it (the SIGNED names are read, D52).
CR_EXAMPLE: dict[str, Any] = {
    "symbol": "BTCUSDT",
    "cancelReplaceMode": "ALLOW_FAILURE",
    "cancelOrigClientOrderId": "4d96324ff9d44481926157",
    "side": "SELL",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "price": "23416.10000000",
    "quantity": "0.00847000",
    "apiKey": "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
    "signature": "7028fdc187868754d25e42c37ccfa5ba2bab1d180ad55d4c3a7e2de643943dc5",
    "timestamp": 1660813156900,
}
#: ws-amend's example.
AMEND_EXAMPLE: dict[str, Any] = {
    "newQty": "5",
    "origClientOrderId": "my_test_order1",
    "recvWindow": 5000,
    "symbol": "BTCUSDT",
    "timestamp": 1741922620419,
    "apiKey": "Rl1KOMDCpSg6xviMYOkNk9ENUB5QOTnufXukVe0Ijd40yduAlpHn78at3rJyJN4F",
    "signature": "fa49c0c4ebc331c6ebd3fcb20deb387f60081ea858eebe6e35aa6fcdf2a82e08",
}
#: A plain cancel-replace: a LIMIT order for one cancelled by id.
CR_LIMIT: dict[str, Any] = {
    "symbol": "BTCUSDT",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "price": "23000",
    "quantity": "0.001",
    "cancelReplaceMode": "STOP_ON_FAILURE",
    "cancelOrderId": 12345,
}
CANCEL_NAMES = ("cancelReplaceMode", "cancelOrderId", "cancelOrigClientOrderId")


def _codes(verdict: Any) -> list[tuple[int, str]]:
    return [(v.code, v.msg) for v in verdict.violations]


def _cr(changes: dict[str, Any], info: ExchangeInfo = INFO, **context: Any) -> Any:
    params = {k: v for k, v in {**CR_LIMIT, **changes}.items() if v is not None}
    return evaluate(info, params, {**CONTEXT, **context}, method=CR)


def _amend(changes: dict[str, Any], info: ExchangeInfo = INFO, **context: Any) -> Any:
    base = {"symbol": "BTCUSDT", "orderId": 12, "newQty": "4"}
    params = {k: v for k, v in {**base, **changes}.items() if v is not None}
    ctx = {k: v for k, v in {**AMEND_CONTEXT, **context}.items() if v is not None}
    return evaluate(info, params, ctx, method=AMEND)


def _staged(verdict: Any) -> bool:
    stages = [stage_of(v.code) for v in verdict.violations]
    return stages == sorted(stages)


# --------------------------------------------------------------------------- cancel-replace


def test_both_methods_are_judged() -> None:
    """Both methods are judged; ``v3/`` is read (D40)."""
    assert method_spec(CR) is JUDGED_METHODS[CR]
    assert method_spec("v3/" + AMEND) is JUDGED_METHODS[AMEND]
    assert evaluate(INFO, CR_LIMIT, CONTEXT, method="v3/" + CR) == _cr({})


def test_cancel_replace_docs_example_is_accepted() -> None:
    """ws-cr's example: the new order passes, the cancel side is complete, and the
    SIGNED names are read (D52)."""
    verdict = evaluate(INFO, CR_EXAMPLE, CONTEXT, method=CR)
    assert verdict.accepted
    assert verdict.certain
    assert is_valid(INFO, CR_EXAMPLE, CONTEXT, method=CR)


def test_cancel_names_are_not_order_place_names() -> None:
    """D52: order.place does not read the cancel side: one -1104 counting them."""
    verdict = evaluate(INFO, CR_EXAMPLE, CONTEXT)
    assert _codes(verdict) == [
        (-1104, "Not all sent parameters were read; read '9' parameter(s) but was sent '11'.")
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"price": "23000.001"},  # PRICE_FILTER
        {"quantity": "0.000001"},  # LOT_SIZE, NOTIONAL, -1111 not (8 places)
        {"quantity": "0.000000001"},  # -1111 too
        {"timeInForce": None},  # -1102
        {"type": "STOP_LOSS"},  # not in orderTypes, stopPrice missing
        {"side": "HOLD", "price": "0"},  # -1117, PRICE_FILTER, Price * QTY
        {"icebergQty": "0.002", "timeInForce": "IOC"},  # -2010s
        {"quoteOrderQty": "10"},  # -1106
    ],
)
def test_new_order_is_judged_as_order_place(changes: dict[str, Any]) -> None:
    """D43: the new order gets exactly the verdict order.place gives it."""
    verdict = _cr(changes)
    place = {k: v for k, v in {**CR_LIMIT, **changes}.items() if v is not None}
    for name in CANCEL_NAMES:
        place.pop(name, None)
    expected = evaluate(INFO, place, CONTEXT)
    assert not expected.accepted
    assert verdict == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            None,
            (
                -1102,
                "Mandatory parameter 'cancelReplaceMode' was not sent, was empty/null, "
                "or malformed.",
            ),
        ),
        ("", (-1105, "Parameter 'cancelReplaceMode' was empty.")),
        ("NONE", (-1130, "Data sent for parameter 'cancelReplaceMode' is not valid.")),
        ("allow_failure", (-1130, "Data sent for parameter 'cancelReplaceMode' is not valid.")),
        (1, (-1130, "Data sent for parameter 'cancelReplaceMode' is not valid.")),
    ],
)
def test_cancel_replace_mode(value: object, expected: tuple[int, str]) -> None:
    """D43: mandatory; STOP_ON_FAILURE or ALLOW_FAILURE; "" is -1105 alone (D29)."""
    assert _codes(_cr({"cancelReplaceMode": value})) == [expected]


@pytest.mark.parametrize("mode", ["STOP_ON_FAILURE", "ALLOW_FAILURE"])
def test_cancel_replace_modes_accepted(mode: str) -> None:
    assert _cr({"cancelReplaceMode": mode}).accepted


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (
            {"cancelOrderId": None},
            [
                (
                    -1102,
                    "Param 'cancelOrderId' or 'cancelOrigClientOrderId' must be sent, "
                    "but both were empty/null!",
                )
            ],
        ),
        (
            {"cancelOrderId": "abc"},
            [(-1100, "Illegal characters found in parameter 'cancelOrderId'.")],
        ),
        (
            {"cancelOrderId": 1.5},
            [(-1100, "Illegal characters found in parameter 'cancelOrderId'.")],
        ),
        ({"cancelOrderId": ""}, [(-1105, "Parameter 'cancelOrderId' was empty.")]),
        (
            {"cancelOrderId": None, "cancelOrigClientOrderId": ""},
            [(-1105, "Parameter 'cancelOrigClientOrderId' was empty.")],
        ),
        (
            {"cancelNewClientOrderId": ""},
            [(-1105, "Parameter 'cancelNewClientOrderId' was empty.")],
        ),
        ({"cancelOrderId": "12345"}, []),
        ({"cancelOrderId": None, "cancelOrigClientOrderId": "old-1"}, []),
        ({"cancelOrigClientOrderId": "old-1", "cancelNewClientOrderId": "new-1"}, []),
    ],
)
def test_cancel_ids(ids: dict[str, Any], expected: list[tuple[int, str]]) -> None:
    """D43: cancelOrderId or cancelOrigClientOrderId; cancelOrderId an integer (LONG);
    "" is -1105 and then gets no -1102 of its own (D29)."""
    assert _codes(_cr(ids)) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"cancelRestrictions": "ONLY_FILLED"},
            [(-1145, "cancelRestrictions has to be either ONLY_NEW or ONLY_PARTIALLY_FILLED.")],
        ),
        ({"cancelRestrictions": ""}, [(-1105, "Parameter 'cancelRestrictions' was empty.")]),
        ({"cancelRestrictions": "ONLY_NEW"}, []),
        ({"cancelRestrictions": "ONLY_PARTIALLY_FILLED"}, []),
        (
            {"orderRateLimitExceededMode": "ALWAYS"},
            [(-1130, "Data sent for parameter 'orderRateLimitExceededMode' is not valid.")],
        ),
        ({"orderRateLimitExceededMode": "DO_NOTHING"}, []),
        ({"orderRateLimitExceededMode": "CANCEL_ONLY"}, []),
    ],
)
def test_cancel_restrictions_and_rate_limit_mode(
    changes: dict[str, Any], expected: list[tuple[int, str]]
) -> None:
    """D43: cancelRestrictions -1145, orderRateLimitExceededMode -1130."""
    assert _codes(_cr(changes)) == expected


def test_cancel_replace_flag() -> None:
    """D43: cancelReplaceAllowed false is -2010, after the API's -1013 (D53); a snapshot
    without the flag forbids nothing (D22)."""
    assert _codes(_cr({"symbol": "OFFUSDT"})) == [
        (-2010, "Order cancel-replace is not supported for this symbol.")
    ]
    verdict = _cr({"symbol": "OFFUSDT", "price": "23000.001"})
    assert _codes(verdict) == [
        (-1013, "Filter failure: PRICE_FILTER"),
        (-2010, "Order cancel-replace is not supported for this symbol."),
    ]
    assert _cr({"symbol": "OLDUSDT"}).accepted


@pytest.mark.parametrize(
    ("open_orders", "accepted"), [(198, True), (199, True), (200, False), (201, False)]
)
def test_cancelled_order_still_counts(open_orders: int, accepted: bool) -> None:
    """D43: the context's count includes the order to be cancelled; the new order fails
    MAX_NUM_ORDERS when open + 1 > max, so ``open == max`` fails, as for order.place."""
    verdict = _cr({}, openOrders=open_orders)
    assert verdict.accepted is accepted
    if not accepted:
        assert _codes(verdict) == [(-1013, "Filter failure: MAX_NUM_ORDERS")]
        assert verdict.violations[0].filter_type == "MAX_NUM_ORDERS"
    assert verdict == evaluate(INFO, CR_LIMIT, {**CONTEXT, "openOrders": open_orders}, method=CR)
    place = {k: v for k, v in CR_LIMIT.items() if k not in CANCEL_NAMES}
    assert (
        verdict.accepted is evaluate(INFO, place, {**CONTEXT, "openOrders": open_orders}).accepted
    )


def test_cancel_replace_counters_and_amend_filter() -> None:
    """No count: MAX_NUM_ORDERS unchecked; MAX_NUM_ORDER_AMENDS does not concern a
    cancel-replace (D26), whatever orderAmendCount says."""
    verdict = evaluate(INFO, CR_LIMIT, {"avgPrice": "23000", "orderAmendCount": 99}, method=CR)
    assert verdict.accepted
    assert verdict.unchecked == ("MAX_NUM_ORDERS",)


def test_cancel_replace_unread_first() -> None:
    """D52: a name the method does not read is one -1104, then ignored; the rest is
    judged (here timeInforce for timeInForce: then -1102, D53)."""
    params = {**CR_LIMIT, "reduceOnly": "true"}
    assert _codes(evaluate(INFO, params, CONTEXT, method=CR)) == [
        (-1104, "Not all sent parameters were read; read '8' parameter(s) but was sent '9'.")
    ]
    params = {**{k: v for k, v in CR_LIMIT.items() if k != "timeInForce"}, "timeInforce": "GTC"}
    verdict = evaluate(INFO, params, CONTEXT, method=CR)
    assert [v.code for v in verdict.violations] == [-1104, -1102]
    assert "did you mean 'timeInForce'?" in verdict.violations[0].explanation


def test_cancel_replace_order_of_violations() -> None:
    """D53: -1104, the cancel side's request errors before the new order's, -1013, -2010."""
    verdict = _cr(
        {
            "symbol": "OFFUSDT",
            "extra": 1,
            "cancelReplaceMode": "NONE",
            "timeInForce": None,
            "price": "23000.001",
            "cancelRestrictions": "X",
        }
    )
    assert [v.code for v in verdict.violations] == [-1104, -1130, -1145, -1102, -1013, -2010]
    assert _staged(verdict)
    assert verdict.first is not None
    assert verdict.first.code == -1104


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        (None, (-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.")),
        ("", (-1105, "Parameter 'symbol' was empty.")),
        ("NOPE", (-1121, "Invalid symbol.")),
    ],
)
def test_cancel_replace_without_symbol(symbol: object, expected: tuple[int, str]) -> None:
    """D24: a missing, empty or unknown symbol stops everything, the cancel side too,
    but the -1104 (D52)."""
    bad = {"symbol": symbol, "cancelReplaceMode": "NONE", "cancelOrderId": "x"}
    assert _codes(_cr(bad)) == [expected]
    verdict = _cr({**bad, "oops": 1})
    assert [v.code for v in verdict.violations] == [-1104, expected[0]]


def test_cancel_replace_closed_market() -> None:
    """D01: the new order on a closed market is -1013, beside the cancel side's errors."""
    assert _codes(_cr({"symbol": "HALTUSDT", "cancelRestrictions": "X"})) == [
        (-1145, "cancelRestrictions has to be either ONLY_NEW or ONLY_PARTIALLY_FILLED."),
        (-1013, "Market is closed."),
    ]


# --------------------------------------------------------------------------- amend


def test_amend_docs_example_is_accepted() -> None:
    """ws-amend's example (newQty 5 of an order of 10): accepted; the notional needs the
    order's price and type, so NOTIONAL is unchecked (D44)."""
    verdict = evaluate(INFO, AMEND_EXAMPLE, AMEND_CONTEXT, method=AMEND)
    assert verdict.accepted
    assert verdict.unchecked == ("NOTIONAL",)
    assert not verdict.certain


@pytest.mark.parametrize(
    ("new_qty", "orig_qty", "expected"),
    [
        ("4", "10", []),
        ("9.99999", "10", []),
        ("10", "10", [(-2038, "The requested action would change no state; rejecting")]),
        ("10.00000", "10", [(-2038, "The requested action would change no state; rejecting")]),
        ("10.00001", "10", [(-2038, "Order amend (quantity increase) is not supported.")]),
        ("20", "10", [(-2038, "Order amend (quantity increase) is not supported.")]),
    ],
)
def test_amend_quantity_against_orig_qty(
    new_qty: str, orig_qty: str, expected: list[tuple[int, str]]
) -> None:
    """D44: newQty must be below origQty: equal is "no state change", above an increase."""
    verdict = _amend({"newQty": new_qty}, origQty=orig_qty)
    assert _codes(verdict) == expected
    assert "AMEND_QUANTITY" not in verdict.unchecked


def test_amend_without_orig_qty() -> None:
    """D44: no origQty in the context: AMEND_QUANTITY is unchecked, not passed."""
    verdict = _amend({"newQty": "20"}, origQty=None)
    assert verdict.accepted
    assert verdict.unchecked == ("AMEND_QUANTITY", "NOTIONAL")


def test_amend_zero() -> None:
    """D44: newQty 0 is -1130, then LOT_SIZE judges it (minQty > 0 fails it), and it is
    not compared with origQty: no -2038, no AMEND_QUANTITY."""
    verdict = _amend({"newQty": "0"})
    assert _codes(verdict) == [
        (-1130, "Data sent for parameter 'newQty' is not valid."),
        (-1013, "Filter failure: LOT_SIZE"),
    ]
    verdict = _amend({"newQty": "0"}, origQty=None)
    assert "AMEND_QUANTITY" not in verdict.unchecked
    # minQty 0 (D12): the 0 passes LOT_SIZE; the -1130 stays.
    assert _codes(_amend({"symbol": "ZEROUSDT", "newQty": "0.000"})) == [
        (-1130, "Data sent for parameter 'newQty' is not valid.")
    ]


@pytest.mark.parametrize(
    ("new_qty", "expected"),
    [
        (None, (-1102, "Mandatory parameter 'newQty' was not sent, was empty/null, or malformed.")),
        ("", (-1105, "Parameter 'newQty' was empty.")),
        (
            "1,5",
            (
                -1100,
                "Illegal characters found in parameter 'newQty'; legal range is "
                "'^([0-9]{1,20})(\\.[0-9]{1,20})?$'.",
            ),
        ),
        (
            "-1",
            (
                -1100,
                "Illegal characters found in parameter 'newQty'; legal range is "
                "'^([0-9]{1,20})(\\.[0-9]{1,20})?$'.",
            ),
        ),
    ],
)
def test_amend_new_qty_parameter(new_qty: object, expected: tuple[int, str]) -> None:
    """D44, D29: newQty is a mandatory DECIMAL; without a value nothing is compared."""
    verdict = _amend({"newQty": new_qty}, origQty=None)
    assert _codes(verdict) == [expected]
    assert verdict.unchecked == ("NOTIONAL",)


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (
            {"orderId": None},
            [
                (
                    -1102,
                    "Param 'orderId' or 'origClientOrderId' must be sent, "
                    "but both were empty/null!",
                )
            ],
        ),
        ({"orderId": "12x"}, [(-1100, "Illegal characters found in parameter 'orderId'.")]),
        ({"orderId": ""}, [(-1105, "Parameter 'orderId' was empty.")]),
        (
            {"orderId": None, "origClientOrderId": ""},
            [(-1105, "Parameter 'origClientOrderId' was empty.")],
        ),
        ({"newClientOrderId": ""}, [(-1105, "Parameter 'newClientOrderId' was empty.")]),
        ({"orderId": None, "origClientOrderId": "a"}, []),
        ({"origClientOrderId": "a", "newClientOrderId": "b"}, []),
    ],
)
def test_amend_ids(ids: dict[str, Any], expected: list[tuple[int, str]]) -> None:
    """D44: orderId or origClientOrderId; orderId an integer; "" is -1105 alone (D29)."""
    assert _codes(_amend(ids)) == expected


def test_amend_precision() -> None:
    """D38: newQty within baseAssetPrecision (trailing zeros count, D39); the message by era."""
    assert _codes(_amend({"newQty": "4.000000000"})) == [
        (-1111, "Parameter 'newQty' has too much precision.")
    ]
    assert _amend({"newQty": "4.00000000"}).accepted
    assert _codes(_amend({"newQty": "4.000000000"}, OLD_INFO)) == [
        (-1111, "Precision is over the maximum defined for this asset.")
    ]


@pytest.mark.parametrize(
    ("new_qty", "ok"),
    [
        ("0.00001", True),
        ("0.000005", False),
        ("9000", True),
        ("9000.00001", False),
        ("0.000015", False),
        ("5.5", True),
    ],
)
def test_amend_lot_size(new_qty: str, ok: bool) -> None:
    """D44: LOT_SIZE judges newQty (minQty, maxQty, stepSize); -1013 with its filterType."""
    verdict = _amend({"newQty": new_qty}, origQty="10000")
    if ok:
        assert verdict.accepted
    else:
        assert verdict.violations[-1].filter_type == "LOT_SIZE"
        assert (-1013, "Filter failure: LOT_SIZE") in _codes(verdict)
        lot = next(v for v in verdict.violations if v.filter_type == "LOT_SIZE")
        assert lot.field == "newQty"


def test_amend_lot_size_era() -> None:
    """D17, D35: before 2023-03-13 the grid is (newQty - minQty) % stepSize."""
    on_old_grid = {"symbol": "GRIDUSDT", "newQty": "0.0025"}
    assert _amend(on_old_grid, OLD_INFO).accepted
    assert _codes(_amend(on_old_grid)) == [(-1013, "Filter failure: LOT_SIZE")]


@pytest.mark.parametrize(
    ("count", "ok"), [(0, True), (8, True), (9, True), (10, False), (11, False)]
)
def test_max_num_order_amends(count: int, ok: bool) -> None:
    """D44: MAX_NUM_ORDER_AMENDS fails when orderAmendCount + 1 > maxNumOrderAmends, as -2038."""
    verdict = _amend({}, orderAmendCount=count)
    assert verdict.accepted is ok
    if not ok:
        assert _codes(verdict) == [(-2038, "Filter failure: MAX_NUM_ORDER_AMENDS")]
        assert verdict.violations[0].filter_type == "MAX_NUM_ORDER_AMENDS"


def test_max_num_order_amends_without_count() -> None:
    verdict = _amend({}, orderAmendCount=None)
    assert verdict.accepted
    assert verdict.unchecked == ("NOTIONAL", "MAX_NUM_ORDER_AMENDS")


def test_amend_flag() -> None:
    """D44: amendAllowed false is -2038; a snapshot without the flag forbids nothing (D22)."""
    assert _codes(_amend({"symbol": "OFFUSDT"})) == [
        (-2038, "Order amend is not supported for this symbol.")
    ]
    assert _amend({"symbol": "OLDUSDT"}).accepted


def test_amend_status_and_permissions() -> None:
    """D01: a closed market is -1013; D19: the permission failure is -2038 (message by era)."""
    assert _codes(_amend({"symbol": "HALTUSDT"})) == [(-1013, "Market is closed.")]
    wrong: dict[str, Any] = {"permissions": ["MARGIN"]}
    assert _codes(_amend({}, **wrong)) == [
        (-2038, "This symbol is not permitted for this account.")
    ]
    assert _codes(_amend({}, OLD_INFO, **wrong)) == [
        (-2038, "This action disabled is on this account.")
    ]
    verdict = _amend({"symbol": "HALTUSDT", "newQty": "20"}, **wrong)
    assert [v.code for v in verdict.violations] == [-1013, -2038, -2038]
    # No account permissions: not checked, not listed (D19); a symbol without data: D36.
    assert _amend({}, permissions=None).accepted
    assert "PERMISSIONS" in _amend({"symbol": "NODATAUSDT"}).unchecked


def test_amend_adds_no_order() -> None:
    """ws-amend: "This adds 0 orders to ... MAX_NUM_ORDERS": a full book is no failure."""
    assert _amend({}, openOrders=200).accepted
    assert not _cr({}, openOrders=200).accepted


def test_amend_unread() -> None:
    """D52: quantity (not newQty), price, newOrderRespType are not read by an amendment."""
    verdict = evaluate(
        INFO,
        {"symbol": "BTCUSDT", "origClientOrderId": "a", "quantity": "1"},
        AMEND_CONTEXT,
        method=AMEND,
    )
    assert _codes(verdict) == [
        (-1104, "Not all sent parameters were read; read '2' parameter(s) but was sent '3'."),
        (-1102, "Mandatory parameter 'newQty' was not sent, was empty/null, or malformed."),
    ]
    assert "did you mean 'newQty'?" not in verdict.violations[0].explanation
    verdict = _amend({"newOrderRespType": "FULL", "price": "1"})
    assert [v.code for v in verdict.violations] == [-1104]
    assert verdict.violations[0].value == ("newOrderRespType", "price")


@pytest.mark.parametrize(("symbol", "code"), [(None, -1102), ("", -1105), ("NOPE", -1121)])
def test_amend_without_symbol(symbol: object, code: int) -> None:
    """D24: no valid symbol: nothing else is checked, but the -1104."""
    verdict = _amend({"symbol": symbol, "newQty": "x", "orderId": None}, origQty=None)
    assert [v.code for v in verdict.violations] == [code]
    assert verdict.unchecked == ()
    verdict = _amend({"symbol": symbol, "quantity": "1"})
    assert [v.code for v in verdict.violations] == [-1104, code]


def test_amend_order_of_violations() -> None:
    """D53: -1104; request errors (malformed, missing, then newQty's value); -1013; -2038."""
    verdict = _amend(
        {"symbol": "HALTUSDT", "orderId": "x", "newQty": "20.000000000", "side": "BUY"},
        orderAmendCount=10,
        permissions=["MARGIN"],
    )
    assert [v.code for v in verdict.violations] == [-1104, -1100, -1111, -1013, -2038, -2038, -2038]
    assert [v.msg for v in verdict.violations][-3:] == [
        "This symbol is not permitted for this account.",
        "Order amend (quantity increase) is not supported.",
        "Filter failure: MAX_NUM_ORDER_AMENDS",
    ]
    assert _staged(verdict)


def test_command_line_lines(tmp_path: Path) -> None:
    """Both methods on ``rules check`` lines: one verdict each, ``leg`` null (D40)."""
    lines = [
        {"method": CR, "params": CR_EXAMPLE, "context": CONTEXT},
        {"method": AMEND, "params": AMEND_EXAMPLE, "context": AMEND_CONTEXT},
        {"method": AMEND, "params": {**AMEND_EXAMPLE, "newQty": "10"}, "context": AMEND_CONTEXT},
    ]
    stdin = io.StringIO("".join(json.dumps(line) + "\n" for line in lines))
    stdout, stderr = io.StringIO(), io.StringIO()
    path = tmp_path / "exchange_info.json"
    path.write_text(json.dumps({"serverTime": 1764547200000, "symbols": [_SYMBOL]}))
    code = run(["check", "--exchange-info", str(path)], streams=Streams(stdin, stdout, stderr))
    verdicts = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert stderr.getvalue() == ""
    assert code == 1
    assert [v["accepted"] for v in verdicts] == [True, True, False]
    assert verdicts[1]["unchecked"] == ["NOTIONAL"]
    assert verdicts[2]["violations"] == [
        {
            "code": -2038,
            "msg": "The requested action would change no state; rejecting",
            "filterType": None,
            "leg": None,
        }
    ]


# --------------------------------------------------------------------------- rules fix


def test_propose_cancel_replace_fixes_the_new_order() -> None:
    """D43: the new order is fixed as the order.place it is; the cancel side stays as
    sent, in the order sent; a name the method does not read is removed as a change."""
    params = {**CR_LIMIT, "price": "23000.019", "quantity": "0.0012345", "created": 5}
    proposal = propose(INFO, params, CONTEXT, method=CR)
    assert proposal.params() == {
        **CR_LIMIT,
        "price": "23000.01",
        "quantity": "0.00123",
    }
    assert list(proposal.params()) == list(CR_LIMIT)
    assert [c.field for c in proposal.changes] == ["created", "price", "quantity"]
    assert proposal.changes[0].why.startswith("order.cancelReplace does not read it")
    assert evaluate(INFO, proposal.params(), CONTEXT, method=CR).accepted
    place = {k: v for k, v in params.items() if k not in CANCEL_NAMES}
    assert propose(INFO, place, CONTEXT).changes[1:] == proposal.changes[1:]


def test_propose_cancel_replace_accepted_as_sent() -> None:
    proposal = propose(INFO, CR_EXAMPLE, CONTEXT, method="v3/" + CR)
    assert proposal.params() == CR_EXAMPLE
    assert proposal.changes == ()


@pytest.mark.parametrize(
    "changes",
    [{"cancelReplaceMode": "NONE"}, {"cancelOrderId": None}, {"symbol": "OFFUSDT"}],
)
def test_propose_cancel_replace_cancel_side_is_a_reason(changes: dict[str, Any]) -> None:
    """The cancel side and the symbol's flag are no number to move: a reason naming them."""
    params = {
        k: v for k, v in {**CR_LIMIT, **changes, "price": "23000.019"}.items() if v is not None
    }
    proposal = propose(INFO, params, CONTEXT, method=CR)
    assert not proposal.accepted
    assert proposal.reason is not None
    assert proposal.reason.startswith("no passing order: the fixer cannot change")
    assert proposal.violations == evaluate(INFO, params, CONTEXT, method=CR).violations


def test_propose_cancel_replace_fixer_reason() -> None:
    """A new order the fixer cannot bring up to the notional: the fixer's own reason."""
    proposal = propose(INFO, {**CR_LIMIT, "quantity": "0.00001"}, CONTEXT, method=CR)
    assert not proposal.accepted
    assert "allow_increase" in (proposal.reason or "")
    lifted = propose(
        INFO, {**CR_LIMIT, "quantity": "0.00001"}, CONTEXT, method=CR, allow_increase=True
    )
    assert lifted.params()["quantity"] == "0.00022"


@pytest.mark.parametrize(
    ("new_qty", "orig_qty", "expected", "why"),
    [
        ("10", "10", "9.99999", "lowered below the order's origQty 10 (-2038, D44)"),
        ("12.5", "10", "9.99999", "lowered below the order's origQty 10 (-2038, D44)"),
        ("4.123456", "10", "4.12345", "rounded down to stepSize 0.00001"),
        ("0", "10", "0.00001", "raised to the least newQty on stepSize 0.00001, minQty 0.00001"),
        (
            "0.000001",
            None,
            "0.00001",
            "raised to the least newQty on stepSize 0.00001, minQty 0.00001",
        ),
        ("9001", None, "9000.00000", "lowered to maxQty 9000"),
        (
            "4.000000000",
            "10",
            "4.00000",
            "written with at most 8 decimals (baseAssetPrecision; -1111, D38, D39)",
        ),
    ],
)
def test_propose_amend(new_qty: str, orig_qty: str | None, expected: str, why: str) -> None:
    """D44: newQty onto the LOT_SIZE grid, under maxQty, strictly below origQty, up to minQty."""
    params = {"symbol": "BTCUSDT", "orderId": 12, "newQty": new_qty}
    proposal = propose(INFO, params, {**AMEND_CONTEXT, "origQty": orig_qty}, method=AMEND)
    assert proposal.params() == {**params, "newQty": expected}
    assert [(c.field, c.why) for c in proposal.changes] == [("newQty", why)]
    verdict = evaluate(
        INFO, proposal.params(), {**AMEND_CONTEXT, "origQty": orig_qty}, method=AMEND
    )
    assert verdict.accepted
    assert verdict.unchecked == proposal.unchecked


def test_propose_amend_old_grid() -> None:
    """D17: before 2023-03-13 the grid starts at minQty."""
    params = {"symbol": "GRIDUSDT", "orderId": 12, "newQty": "0.0031"}
    assert propose(OLD_INFO, params, AMEND_CONTEXT, method=AMEND).params()["newQty"] == "0.0025"
    assert propose(INFO, params, AMEND_CONTEXT, method=AMEND).params()["newQty"] == "0.003"


def test_propose_amend_none_below_orig_qty() -> None:
    """No grid value at least minQty is below origQty: the reason says so."""
    params = {"symbol": "BTCUSDT", "orderId": 12, "newQty": "0.00001"}
    proposal = propose(INFO, params, {**AMEND_CONTEXT, "origQty": "0.00001"}, method=AMEND)
    assert not proposal.accepted
    assert proposal.reason == (
        "no newQty passes: the least on stepSize 0.00001 that LOT_SIZE takes is 0.00001, "
        "not below the order's origQty 0.00001"
    )


def test_propose_amend_unread_and_blocked() -> None:
    """-1104 names are removed as changes; the ids, flags and MAX_NUM_ORDER_AMENDS are reasons."""
    params = {"symbol": "BTCUSDT", "orderId": 12, "newQty": "4", "quantity": "4"}
    proposal = propose(INFO, params, AMEND_CONTEXT, method=AMEND)
    assert proposal.params() == {"symbol": "BTCUSDT", "orderId": 12, "newQty": "4"}
    assert proposal.changes[0].removed
    for bad, context in (
        ({"orderId": "x"}, AMEND_CONTEXT),
        ({"symbol": "OFFUSDT"}, AMEND_CONTEXT),
        ({}, {**AMEND_CONTEXT, "orderAmendCount": 10}),
        ({"newQty": None}, AMEND_CONTEXT),
    ):
        amend = {k: v for k, v in {**params, **bad}.items() if v is not None and k != "quantity"}
        proposal = propose(INFO, amend, context, method=AMEND)
        assert not proposal.accepted
        assert (proposal.reason or "").startswith("no passing order: the fixer cannot change")


def test_propose_other_methods() -> None:
    """Another order request is a reason; a name that is none is its -1020 (D40)."""
    assert "not order.test" in (propose(INFO, CR_LIMIT, CONTEXT, method="order.test").reason or "")
    proposal = propose(INFO, CR_LIMIT, CONTEXT, method="order.cancel")
    assert [v.code for v in proposal.violations] == [-1020]


def test_command_line_fix(tmp_path: Path) -> None:
    """``rules fix`` takes cancel-replace and amend lines; violations carry ``leg`` null."""
    path = tmp_path / "exchange_info.json"
    path.write_text(json.dumps({"serverTime": 1764547200000, "symbols": [_SYMBOL]}))
    lines = [
        {"method": CR, "params": {**CR_LIMIT, "price": "23000.019"}, "context": CONTEXT},
        {"method": AMEND, "params": {**AMEND_EXAMPLE, "newQty": "10"}, "context": AMEND_CONTEXT},
        {
            "params": {k: v for k, v in CR_LIMIT.items() if k not in CANCEL_NAMES},
            "context": CONTEXT,
        },
        {"method": "order.test", "params": CR_LIMIT},
    ]
    stdin = io.StringIO("".join(json.dumps(line) + "\n" for line in lines))
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["fix", "--exchange-info", str(path)], streams=Streams(stdin, stdout, stderr))
    out = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert code == 1
    assert out[0]["params"]["price"] == "23000.01"
    assert out[0]["params"]["cancelReplaceMode"] == "STOP_ON_FAILURE"
    assert out[0]["violations"] == [
        {
            "code": -1013,
            "msg": "Filter failure: PRICE_FILTER",
            "filterType": "PRICE_FILTER",
            "leg": None,
        }
    ]
    assert out[1]["params"]["newQty"] == "9.99999"
    assert out[1]["violations"][0]["leg"] is None
    assert out[2]["accepted"]
    assert out[3]["params"] is None
    assert "only order.place, order.cancelReplace, order.amend.keepPriority" in out[3]["error"]


def test_command_line_text_report(tmp_path: Path) -> None:
    """The text report names an amendment by its symbol and newQty."""
    path = tmp_path / "exchange_info.json"
    path.write_text(json.dumps({"serverTime": 1764547200000, "symbols": [_SYMBOL]}))
    line = {"method": AMEND, "params": {**AMEND_EXAMPLE, "newQty": "10"}, "context": AMEND_CONTEXT}
    stdin = io.StringIO(json.dumps(line) + "\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = ["check", "--exchange-info", str(path), "--format", "text"]
    assert run(argv, streams=Streams(stdin, stdout, stderr)) == 1
    assert "line 1: REJECTED  BTCUSDT newQty=10\n" in stdout.getvalue()
    assert "Binance would answer: -2038 The requested action would change no state" in (
        stdout.getvalue()
    )
