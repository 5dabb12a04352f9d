"""The six order lists (issue 13; DECISIONS D45-D51), from the docs' own examples.

Each request of web-socket-api.md's "Order lists" section, as printed there, on
a snapshot whose symbols take its prices; then the price-relation tables
(ws-oco, ws-oco-old), the legs (D45), places (D46), flags (D48), iceberg legs
(D49), counters and their era (D50) and OPO (D51).
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest

from rules import evaluate
from rules.checker import evaluate as evaluate_module
from rules.checker.list_rules import PRICE_RELATION
from rules.checker.lists import LIST_SPECS
from rules.checker.violations import Verdict
from rules.cli.main import Streams, run
from rules.model.load import loads
from rules.model.models import ExchangeInfo

#: 2026-06-01: every rule of today (D17): take-profit legs (D46), list counters (D50).
NOW = 1780272000000
#: 2024-12-01: no take-profit leg yet, and the counters do not hold a list back.
BEFORE = 1733011200000
ORDER_TYPES = [
    "LIMIT",
    "LIMIT_MAKER",
    "MARKET",
    "STOP_LOSS",
    "STOP_LOSS_LIMIT",
    "TAKE_PROFIT",
    "TAKE_PROFIT_LIMIT",
]
DOC_KEYS = {"apiKey": "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwC", "signature": "6689c2a3"}


def _symbol(name: str, tick: str, step: str, **fields: Any) -> dict[str, Any]:
    return {
        "symbol": name,
        "status": "TRADING",
        "baseAsset": name[:3],
        "quoteAsset": name[3:],
        "baseAssetPrecision": 8,
        "quoteAssetPrecision": 8,
        "orderTypes": ORDER_TYPES,
        "icebergAllowed": True,
        "ocoAllowed": True,
        "otoAllowed": True,
        "opoAllowed": True,
        "allowTrailingStop": True,
        "permissionSets": [["SPOT"]],
        "allowedSelfTradePreventionModes": ["NONE", "EXPIRE_MAKER"],
        "filters": [
            {"filterType": "PRICE_FILTER", "minPrice": tick, "maxPrice": "1000000",
             "tickSize": tick},
            {"filterType": "LOT_SIZE", "minQty": step, "maxQty": "9000", "stepSize": step},
            {"filterType": "MIN_NOTIONAL", "minNotional": "0.0001", "applyToMarket": True,
             "avgPriceMins": 5},
            {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 10},
            {"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 5},
            {"filterType": "MAX_NUM_ORDER_LISTS", "maxNumOrderLists": 3},
        ],
        **fields,
    }  # fmt: skip


def snapshot(server_time: int = NOW, **fields: Any) -> ExchangeInfo:
    """BTCUSDT and LTCBNB, the docs examples' symbols, with steps their values meet."""
    return loads(
        json.dumps(
            {
                "serverTime": server_time,
                "symbols": [
                    _symbol("BTCUSDT", "0.01", "0.00001", **fields),
                    _symbol("LTCBNB", "0.00000001", "0.001", **fields),
                ],
            }
        )
    )


INFO = snapshot()
COUNTS = {
    "avgPrice": "100",
    "openOrders": 0,
    "openAlgoOrders": 0,
    "openOrderLists": 0,
    "permissions": ["SPOT"],
}


def judge(
    params: dict[str, Any], method: str, info: ExchangeInfo = INFO, **context: Any
) -> Verdict:
    return evaluate(info, params, {**COUNTS, **context}, method=method)


def found(verdict: Verdict) -> list[tuple[int, str | None]]:
    return [(v.code, v.leg) for v in verdict.violations]


# --------------------------------------------------------------------------- the docs' examples

#: ws-oco-old's example: a SELL OCO, LIMIT_MAKER at 23420 above, STOP_LOSS_LIMIT at 23410 below.
OCO_OLD = {
    "symbol": "BTCUSDT",
    "side": "SELL",
    "price": "23420.00000000",
    "quantity": "0.00650000",
    "stopPrice": "23410.00000000",
    "stopLimitPrice": "23405.00000000",
    "stopLimitTimeInForce": "GTC",
    "newOrderRespType": "RESULT",
    **DOC_KEYS,
    "timestamp": 1660801713767,
}
#: ws-oco's example: a BUY OCO, STOP_LOSS_LIMIT above, LIMIT_MAKER below.
OCO = {
    "symbol": "LTCBNB",
    "side": "BUY",
    "quantity": 1,
    "timestamp": 1711062760647,
    "aboveType": "STOP_LOSS_LIMIT",
    "abovePrice": "1.5",
    "aboveStopPrice": "1.50000001",
    "aboveTimeInForce": "GTC",
    "belowType": "LIMIT_MAKER",
    "belowPrice": "1.49999999",
    **DOC_KEYS,
}
#: ws-oto's example: a SELL LIMIT working order, a BUY MARKET pending one.
OTO = {
    **DOC_KEYS,
    "pendingQuantity": 1,
    "pendingSide": "BUY",
    "pendingType": "MARKET",
    "symbol": "LTCBNB",
    "recvWindow": "5000",
    "timestamp": "1712544395951",
    "workingPrice": 1,
    "workingQuantity": 1,
    "workingSide": "SELL",
    "workingTimeInForce": "GTC",
    "workingType": "LIMIT",
}
#: ws-otoco's example, as printed (D46's doubt: its SELL pair stands the wrong way round).
OTOCO = {
    **DOC_KEYS,
    "pendingQuantity": 5,
    "pendingSide": "SELL",
    "pendingBelowPrice": 5,
    "pendingBelowType": "LIMIT_MAKER",
    "pendingAboveStopPrice": 0.5,
    "pendingAboveType": "STOP_LOSS",
    "symbol": "LTCBNB",
    "recvWindow": "5000",
    "timestamp": "1712544408509",
    "workingPrice": 1.5,
    "workingQuantity": 1,
    "workingSide": "BUY",
    "workingTimeInForce": "GTC",
    "workingType": "LIMIT",
}
#: ws-opo's example: a BUY LIMIT working order, a SELL MARKET pending one without quantity.
OPO = {
    "workingPrice": "101496",
    "workingQuantity": "0.0007",
    "workingType": "LIMIT",
    "workingTimeInForce": "GTC",
    "pendingType": "MARKET",
    "pendingSide": "SELL",
    "recvWindow": 5000,
    "workingSide": "BUY",
    "symbol": "BTCUSDT",
    "timestamp": 1762941318129,
    **DOC_KEYS,
}
#: ws-opoco's example: LIMIT_MAKER above, STOP_LOSS_LIMIT below, both SELL.
OPOCO = {
    "workingPrice": "102496",
    "workingQuantity": "0.0017",
    "workingType": "LIMIT",
    "workingTimeInForce": "GTC",
    "pendingAboveType": "LIMIT_MAKER",
    "pendingAbovePrice": "104261",
    "pendingBelowStopPrice": "10100",
    "pendingBelowPrice": "101613",
    "pendingBelowType": "STOP_LOSS_LIMIT",
    "pendingBelowTimeInForce": "IOC",
    "pendingSide": "SELL",
    "recvWindow": 5000,
    "workingSide": "BUY",
    "symbol": "BTCUSDT",
    "timestamp": 1763000139091,
    **DOC_KEYS,
}


def test_deprecated_oco_example() -> None:
    """ws-oco-old's request is accepted with the last price between its prices (D47:
    SELL price > last > stopPrice); without one the relation is unchecked."""
    assert judge(OCO_OLD, "orderList.place", lastPrice="23415").certain
    verdict = judge(OCO_OLD, "orderList.place")
    assert verdict.accepted
    assert verdict.unchecked == (PRICE_RELATION,)
    # The last price above the limit price: the matching engine's -2010, for the list.
    high = judge(OCO_OLD, "orderList.place", lastPrice="23425")
    assert found(high) == [(-2010, None)]
    assert high.violations[0].msg == "The relationship of the prices for the orders is not correct."


def test_oco_example() -> None:
    """ws-oco's BUY OCO: STOP_LOSS_LIMIT above, LIMIT_MAKER below (D46), accepted."""
    assert judge(OCO, "orderList.place.oco", lastPrice="1.5").certain
    # The two prices alone out of order: the API's -1013, without a last price (D47).
    swapped = {**OCO, "aboveStopPrice": "1.49999998"}
    verdict = judge(swapped, "orderList.place.oco")
    assert found(verdict) == [(-1013, None)]
    assert verdict.unchecked == ()


def test_oto_example() -> None:
    """ws-oto's request (a string recvWindow, JSON numbers) is accepted."""
    verdict = judge(OTO, "orderList.place.oto", avgPrice="1")
    assert verdict.certain, verdict


def test_otoco_example_as_printed() -> None:
    """ws-otoco's SELL pair has its STOP_LOSS above and its LIMIT_MAKER below: each leg
    in the wrong place, on its leg (D46's doubt); no price relation then (D47)."""
    verdict = judge(OTOCO, "orderList.place.otoco", lastPrice="1")
    assert found(verdict) == [(-1197, "pendingAbove"), (-1166, "pendingBelow")]
    assert [v.msg for v in verdict.violations] == [
        "A stop loss order in a sell OCO must be below.",
        "A limit order in a sell OCO must be above.",
    ]
    fixed = {**OTOCO, "pendingAboveStopPrice": 5, "pendingBelowPrice": 0.5}
    fixed |= {"pendingAboveType": "LIMIT_MAKER", "pendingBelowType": "STOP_LOSS"}
    fixed["pendingAbovePrice"] = fixed.pop("pendingAboveStopPrice")
    fixed["pendingBelowStopPrice"] = fixed.pop("pendingBelowPrice")
    assert judge(fixed, "orderList.place.otoco", lastPrice="1").certain


def test_opo_example() -> None:
    """ws-opo's request is accepted; its pending MARKET order's notional waits for the
    working order's fill (D51: MIN_NOTIONAL applies to MARKET here, unchecked)."""
    verdict = judge(OPO, "orderList.place.opo", avgPrice="101496")
    assert verdict.accepted
    assert verdict.unchecked == ("MIN_NOTIONAL",)
    with_qty = judge({**OPO, "pendingQuantity": "0.0007"}, "orderList.place.opo", avgPrice="1")
    assert found(with_qty) == [(-1225, "pending")]
    sell = judge({**OPO, "workingSide": "SELL"}, "orderList.place.opo", avgPrice="1")
    assert (-1222, "working") in found(sell)


def test_opoco_example() -> None:
    """ws-opoco's request: LIMIT_MAKER above, STOP_LOSS_LIMIT (IOC) below, last between."""
    verdict = judge(OPOCO, "orderList.place.opoco", lastPrice="102496")
    assert verdict.accepted
    assert set(verdict.unchecked) == {"MIN_NOTIONAL"}
    buy = judge({**OPOCO, "pendingSide": "BUY"}, "orderList.place.opoco", lastPrice="102496")
    # The pending orders must be asks (D51), leg null: the two share pendingSide.
    assert found(buy)[0] == (-1223, None)


# --------------------------------------------------------------------------- the price relation


SELL_PAIR = {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.1"}


@pytest.mark.parametrize(
    ("side", "above", "below"),
    [
        # ws-oco: SELL: LIMIT_MAKER/TAKE_PROFIT_LIMIT price > last > STOP_LOSS(_LIMIT) stopPrice
        ("SELL", {"aboveType": "LIMIT_MAKER", "abovePrice": "105"},
         {"belowType": "STOP_LOSS", "belowStopPrice": "95"}),
        ("SELL", {"aboveType": "TAKE_PROFIT_LIMIT", "abovePrice": "105", "aboveStopPrice": "104",
                  "aboveTimeInForce": "GTC"},
         {"belowType": "STOP_LOSS_LIMIT", "belowStopPrice": "95", "belowPrice": "94",
          "belowTimeInForce": "GTC"}),
        ("SELL", {"aboveType": "TAKE_PROFIT", "aboveStopPrice": "105"},
         {"belowType": "STOP_LOSS", "belowStopPrice": "95"}),
        # BUY: STOP_LOSS(_LIMIT) stopPrice > last > LIMIT_MAKER price / TAKE_PROFIT stopPrice
        ("BUY", {"aboveType": "STOP_LOSS", "aboveStopPrice": "105"},
         {"belowType": "LIMIT_MAKER", "belowPrice": "95"}),
        ("BUY", {"aboveType": "STOP_LOSS_LIMIT", "aboveStopPrice": "105", "abovePrice": "106",
                 "aboveTimeInForce": "GTC"},
         {"belowType": "TAKE_PROFIT", "belowStopPrice": "95"}),
    ],
)  # fmt: skip
def test_price_relation_table(side: str, above: dict[str, str], below: dict[str, str]) -> None:
    """D47 on each row of the table: the last price between passes, on either side fails
    with -2010, missing leaves OCO_PRICE_RELATION unchecked."""
    params = {**SELL_PAIR, "side": side, **above, **below}
    assert judge(params, "orderList.place.oco", lastPrice="100").certain
    for last in ("105", "95", "110", "90"):
        assert found(judge(params, "orderList.place.oco", lastPrice=last)) == [(-2010, None)]
    assert judge(params, "orderList.place.oco").unchecked == (PRICE_RELATION,)


def test_trailing_only_stop_is_left_out() -> None:
    """D47: a leg without a price (a trailing stop without stopPrice) is not compared."""
    params: dict[str, Any] = {**SELL_PAIR, "aboveType": "LIMIT_MAKER", "abovePrice": "105"}
    params |= {"belowType": "STOP_LOSS", "belowTrailingDelta": 100}
    assert judge(params, "orderList.place.oco", lastPrice="100").certain
    assert found(judge(params, "orderList.place.oco", lastPrice="106")) == [(-2010, None)]


# --------------------------------------------------------------------------- legs, places, flags


OCO_SELL = {
    **SELL_PAIR,
    "aboveType": "LIMIT_MAKER",
    "abovePrice": "105",
    "belowType": "STOP_LOSS",
    "belowStopPrice": "95",
}


def test_shared_quantity_off_step_fails_on_each_leg() -> None:
    """D45: a shared quantity's filter failure goes with each leg; its request error once."""
    verdict = judge({**OCO_SELL, "quantity": "0.100001"}, "orderList.place.oco", lastPrice="100")
    assert [(v.code, v.filter_type, v.leg) for v in verdict.violations] == [
        (-1013, "LOT_SIZE", "above"),
        (-1013, "LOT_SIZE", "below"),
    ]
    empty = judge({**OCO_SELL, "quantity": ""}, "orderList.place.oco", lastPrice="100")
    assert found(empty) == [(-1105, None)]


def test_leg_parameter_names_and_leg() -> None:
    """D45: a leg's request error names the request's parameter and carries its leg."""
    verdict = judge(
        {**OCO_SELL, "abovePrice": "105.001", "belowTimeInForce": "GTC"},
        "orderList.place.oco",
        lastPrice="100",
    )
    assert [(v.code, v.msg, v.leg) for v in verdict.violations] == [
        (-1106, "Parameter 'belowTimeInForce' sent when not required.", "below"),
        (-1013, "Filter failure: PRICE_FILTER", "above"),
    ]
    assert str(verdict.violations[1]).startswith("-1013 Filter failure: PRICE_FILTER")
    assert "(leg above)" in str(verdict.violations[1])


def test_unread_names_of_a_list() -> None:
    """D52: an order.place name on an OTO (``quantity``) is unread: one -1104, leg null."""
    verdict = judge({**OTO, "quantity": "1"}, "orderList.place.oto", avgPrice="1")
    assert found(verdict) == [(-1104, None)]
    assert LIST_SPECS["orderList.place.oto"].reads >= {"workingQuantity", "pendingQuantity"}
    assert "quantity" not in LIST_SPECS["orderList.place.oto"].reads


@pytest.mark.parametrize(
    ("side", "above", "below", "codes"),
    [
        ("BUY", "LIMIT_MAKER", "STOP_LOSS", [(-1165, "above"), (-1196, "below")]),
        ("BUY", "TAKE_PROFIT", "STOP_LOSS", [(-1198, "above"), (-1196, "below")]),
        ("SELL", "STOP_LOSS", "LIMIT_MAKER", [(-1197, "above"), (-1166, "below")]),
        ("SELL", "STOP_LOSS", "TAKE_PROFIT", [(-1197, "above"), (-1199, "below")]),
        ("SELL", "LIMIT_MAKER", "LIMIT_MAKER", [(-1168, None), (-1166, "below")]),
        ("SELL", "LIMIT", "STOP_LOSS", [(-1158, "above")]),
    ],
)
def test_places(side: str, above: str, below: str, codes: list[tuple[int, str | None]]) -> None:
    """D46: each leg type in its place, by side; two LIMIT_MAKER legs also -1168."""
    params: dict[str, Any] = {**SELL_PAIR, "side": side, "aboveType": above, "belowType": below}
    for place, kind in (("above", above), ("below", below)):
        if kind in ("LIMIT_MAKER", "LIMIT"):
            params[place + "Price"] = "100"
        else:
            params[place + "StopPrice"] = "100"
        if kind == "LIMIT":
            params[place + "TimeInForce"] = "GTC"
    assert found(judge(params, "orderList.place.oco", lastPrice="100")) == codes


def test_take_profit_leg_before_2024_12_16() -> None:
    """D46: before the change an OCO pair holds no TAKE_PROFIT leg (-1158, on its leg)."""
    params = {**OCO_SELL, "aboveType": "TAKE_PROFIT", "aboveStopPrice": "105"}
    params.pop("abovePrice")
    assert judge(params, "orderList.place.oco", lastPrice="100").certain
    old = judge(params, "orderList.place.oco", snapshot(BEFORE), lastPrice="100")
    assert found(old) == [(-1158, "above")]


def test_flags_and_iceberg_legs() -> None:
    """D48: ocoAllowed false is -2010 for the list, the legs still judged; D49: an
    iceberg leg that is not GTC is -1160 on its leg."""
    closed = snapshot(ocoAllowed=False)
    verdict = judge({**OCO_SELL, "abovePrice": "105.001"}, "orderList.place.oco", closed)
    assert found(verdict) == [(-1013, "above"), (-2010, None)]
    assert verdict.violations[1].msg == "OCO orders are not supported for this symbol"
    ice = {**OTO, "workingIcebergQty": "0.5", "workingTimeInForce": "IOC"}
    iceberg = judge(ice, "orderList.place.oto", avgPrice="1")
    assert found(iceberg) == [(-1160, "working")]
    assert iceberg.violations[0].msg == (
        "Parameter 'workingIcebergQty' is not supported if 'workingTimeInForce' is not GTC."
    )


def test_counters_once_per_list() -> None:
    """D50: an OTOCO adds 3 orders, 1 list; before 2025-08-27 the order counters did not
    hold a list back; the legs themselves skip the counters."""
    params = {**OPOCO, "pendingQuantity": "0.0017"}
    otoco = "orderList.place.otoco"
    assert judge(params, otoco, lastPrice="102496", openOrders=7).accepted
    full = judge(params, otoco, lastPrice="102496", openOrders=8)
    assert [(v.code, v.filter_type, v.leg) for v in full.violations] == [
        (-1013, "MAX_NUM_ORDERS", None)
    ]
    assert judge(params, otoco, snapshot(BEFORE), lastPrice="102496", openOrders=8).accepted
    lists = judge(params, otoco, lastPrice="102496", openOrderLists=3)
    assert [v.filter_type for v in lists.violations] == ["MAX_NUM_ORDER_LISTS"]
    unknown = evaluate(INFO, params, {"lastPrice": "102496"}, method=otoco)
    assert set(unknown.unchecked) >= {
        "MAX_NUM_ORDERS",
        "MAX_NUM_ALGO_ORDERS",
        "MAX_NUM_ORDER_LISTS",
    }


def test_command_line_prints_legs(tmp_path: Any) -> None:
    """The CLI's verdict carries each violation's leg (D45), null for the list."""
    path = tmp_path / "info.json"
    path.write_text(
        json.dumps({"serverTime": NOW, "symbols": [_symbol("BTCUSDT", "0.01", "0.00001")]})
    )
    line = {"method": "orderList.place.oco", "params": {**OCO_SELL, "quantity": "0.100001"},
            "context": {"lastPrice": "100", **COUNTS}}  # fmt: skip
    stdin = io.StringIO(json.dumps(line) + "\n" + json.dumps({**line, "params": OCO_SELL}) + "\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["check", "--exchange-info", str(path)], streams=Streams(stdin, stdout, stderr))
    out = [json.loads(x) for x in stdout.getvalue().splitlines()]
    assert code == 1
    assert [(v["filterType"], v["leg"]) for v in out[0]["violations"]] == [
        ("LOT_SIZE", "above"),
        ("LOT_SIZE", "below"),
    ]
    assert out[1] == {"accepted": True, "violations": [], "unchecked": []}


def test_fast_legs_agree_with_the_general_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A leg the fast path accepts gets the verdict the general path gives it: over every
    order-list case of the vectors, the verdicts are the same with the fast path off."""
    from decimal import Decimal
    from pathlib import Path

    from rules.checker import list_rules
    from rules.model.load import load_path

    shared = Path(__file__).resolve().parents[2] / "shared"
    manifest = json.loads((shared / "vectors-next" / "manifest.json").read_text())
    cases = []
    for entry in manifest["files"]:
        info = load_path(shared / entry["exchange_info"])
        for line in (shared / entry["cases"]).read_text().splitlines():
            case = json.loads(line, parse_float=Decimal)
            if str(case.get("method")).removeprefix("v3/") in LIST_SPECS:
                cases.append((info, case))
    assert len(cases) == 1029

    def verdicts() -> list[Verdict]:
        return [
            evaluate(info, case["params"], case.get("context", {}), method=case["method"])
            for info, case in cases
        ]

    fast = verdicts()
    monkeypatch.setattr(list_rules, "_accepted_fast", lambda *args: None)
    monkeypatch.setattr(evaluate_module, "fast_list", lambda *args: None)
    assert verdicts() == fast
    assert sum(v.accepted for v in fast) > 200


def _plain(value: object) -> object:
    return (
        value
        if isinstance(value, str)
        else format(value, "f")
        if isinstance(value, Decimal)
        else str(value)
    )


def test_the_accepted_path_of_a_list_agrees_with_judge_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """rules.checker.list_fast answers only what judge_list answers: over every order-list
    case of the vectors, its values as strings, under contexts with and without
    lastPrice, permissions and open-order counts from empty to full (D19, D47, D50)."""
    from pathlib import Path

    from rules.checker.context import Context
    from rules.checker.list_fast import fast_list
    from rules.model.load import load_path

    shared = Path(__file__).resolve().parents[2] / "shared"
    manifest = json.loads((shared / "vectors-next" / "manifest.json").read_text())
    counts = ("openOrders", "openAlgoOrders", "openIcebergOrders", "openOrderLists")
    contexts: list[dict[str, Any]] = [
        {},
        {"permissions": ["SPOT"]},
        {"permissions": ["MARGIN"]},
        *(dict.fromkeys(counts, n) for n in (0, 1, 4, 8, 9, 10, 199, 200, 1000)),
        {"exchangeOpenOrderLists": 1000, "openOrderLists": 0},
    ]
    monkeypatch.setattr(evaluate_module, "fast_list", lambda *args: None)
    answered = with_unchecked = 0
    for entry in manifest["files"]:
        info = load_path(shared / entry["exchange_info"])
        for line in (shared / entry["cases"]).read_text().splitlines():
            case = json.loads(line, parse_float=Decimal)
            spec = LIST_SPECS.get(str(case.get("method")).removeprefix("v3/"))
            if spec is None:
                continue
            params = {k: _plain(v) for k, v in case["params"].items() if v is not None}
            given = {
                k: v if isinstance(v, int) else _plain(v)
                for k, v in case.get("context", {}).items()
                if k != "permissions"
            }
            for extra in contexts:
                for last in (True, False):
                    mapping = {**given, **extra}
                    if not last:
                        mapping.pop("lastPrice", None)
                    context = Context.from_mapping(mapping)
                    general = evaluate(info, params, context, method=case["method"])
                    fast = fast_list(info, params, context, spec)
                    if fast is not None:
                        answered += 1
                        with_unchecked += bool(fast.unchecked)
                        assert fast == general, (case, mapping)
    assert answered > 2000
    assert 500 < with_unchecked < answered  # lastPrice, counters, permissions unknown or known


def test_a_float_nan_is_not_sent() -> None:
    """A NaN (pandas' missing value) is not sent on a list either: no -1225 for a NaN
    ``pendingQuantity``, and a NaN ``stopLimitPrice`` leaves the deprecated OCO's stop leg
    a STOP_LOSS (D45, D51)."""
    nan = float("nan")
    assert judge({**OPO, "pendingQuantity": nan}, "orderList.place.opo", avgPrice="1").accepted
    old = {**OCO_OLD, "stopLimitPrice": nan}
    del old["stopLimitTimeInForce"]
    assert judge(old, "orderList.place", lastPrice="23415").certain
