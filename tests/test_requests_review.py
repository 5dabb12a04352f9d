"""Review of the request types beyond order.place (D43-D53): what the vectors do not cover.

Odd values on every name each method reads, and the sentences of D43-D51 one by one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from rules import evaluate
from rules.checker.methods import JUDGED_METHODS
from rules.model.load import loads
from tests.test_lists import COUNTS, INFO, NOW, OCO, OCO_OLD, OPO, OPOCO, OTO, OTOCO, _symbol

#: A well-formed request of each method, on tests.test_lists' INFO.
REQUESTS: dict[str, dict[str, Any]] = {
    "order.place": {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "price": "100",
        "quantity": "1",
    },
    "orderList.place": OCO_OLD,
    "orderList.place.oco": OCO,
    "orderList.place.oto": OTO,
    "orderList.place.otoco": OTOCO,
    "orderList.place.opo": OPO,
    "orderList.place.opoco": OPOCO,
    "order.cancelReplace": {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "price": "100",
        "quantity": "1",
        "cancelReplaceMode": "STOP_ON_FAILURE",
        "cancelOrderId": 5,
    },
    "order.amend.keepPriority": {"symbol": "BTCUSDT", "orderId": 5, "newQty": "0.5"},
}
#: What the signed request adds: read, never judged but for "" (D29, D52).
NOT_JUDGED = {"apiKey", "signature", "timestamp", "recvWindow", "newOrderRespType"}
CONTEXT = {**COUNTS, "lastPrice": "100", "origQty": "1", "orderAmendCount": 0}


def _judge(method: str, params: dict[str, Any]) -> Any:
    return evaluate(INFO, params, CONTEXT, method=method)


@pytest.mark.parametrize("method", sorted(REQUESTS))
def test_an_array_value_is_a_violation_never_a_traceback(method: str) -> None:
    """A numpy array (or a list) as a value is malformed wherever it stands (D29): a
    violation about that name, on every name the method judges; twice, so that the
    second meets the fast path of a plan already built."""
    names = sorted(JUDGED_METHODS[method].reads - NOT_JUDGED)
    for name in names:
        if name.endswith("ClientOrderId"):
            continue  # STRING ids: not judged beyond "" (as order.place's)
        for value in (np.array([1, 2]), np.array(["a", "b"]), [1, 2]):
            for _ in range(2):
                verdict = _judge(method, {**REQUESTS[method], name: value})
                assert not verdict.accepted, (method, name, value)


@pytest.mark.parametrize("method", sorted(m for m in REQUESTS if m.startswith("orderList")))
@pytest.mark.parametrize(
    "name", ["selfTradePreventionMode", "listClientOrderId", "newOrderRespType"]
)
def test_a_list_name_sent_empty_is_one_1105(method: str, name: str) -> None:
    """D45, D29: a name of the list as a whole sent as "" is one -1105, leg null."""
    verdict = _judge(method, {**REQUESTS[method], name: ""})
    empties = [(v.code, v.field, v.leg) for v in verdict.violations if v.code == -1105]
    assert empties == [(-1105, name, None)]


def test_the_list_names_sent_empty_come_in_the_order_sent() -> None:
    """D53: request errors in reading order, as for order.place (the order of params):
    never the iteration order of a set, which changes with PYTHONHASHSEED."""
    code = (
        "from tests.test_requests_review import _judge, REQUESTS\n"
        "p = {**REQUESTS['orderList.place.oco'], 'timestamp': '', 'recvWindow': '',"
        " 'newOrderRespType': '', 'listClientOrderId': ''}\n"
        "print([v.field for v in _judge('orderList.place.oco', p).violations if v.code == -1105])\n"
    )
    expected = "['timestamp', 'recvWindow', 'newOrderRespType', 'listClientOrderId']"
    for seed in ("1", "2", "3", "4"):
        run = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        assert run.stdout.strip() == expected, seed


def _snapshot(filters: list[dict[str, Any]]) -> Any:
    """tests.test_lists' BTCUSDT with PRICE_FILTER, LOT_SIZE and ``filters``."""
    symbol = _symbol("BTCUSDT", "0.01", "0.00001")
    symbol["filters"] = symbol["filters"][:2] + filters
    return loads(json.dumps({"serverTime": NOW, "symbols": [symbol]}))


@pytest.mark.parametrize(
    "pending",
    [
        {"pendingType": "STOP_LOSS", "pendingStopPrice": "90000"},
        {"pendingType": "MARKET"},
    ],
)
def test_opo_iceberg_parts_not_listed_for_an_icebergqty_the_type_does_not_take(
    pending: dict[str, str],
) -> None:
    """D51: ICEBERG_PARTS is unchecked for an iceberg pending order; an icebergQty its
    type does not take is -1106 and then not sent (D04): the order is no iceberg."""
    info = _snapshot([{"filterType": "ICEBERG_PARTS", "limit": 10}])
    params = {**OPO, **pending, "pendingIcebergQty": "0.0001"}
    verdict = evaluate(info, params, {**CONTEXT, "basePosition": "0"}, method="orderList.place.opo")
    assert [(v.code, v.field) for v in verdict.violations] == [(-1106, "pendingIcebergQty")]
    assert "ICEBERG_PARTS" not in verdict.unchecked
    # A LIMIT pending order with the same icebergQty is an iceberg: listed.
    limit = {**OPO, "pendingType": "LIMIT", "pendingPrice": "105000", "pendingTimeInForce": "GTC"}
    verdict = evaluate(
        info, {**limit, "pendingIcebergQty": "0.0001"}, CONTEXT, method="orderList.place.opo"
    )
    assert verdict.accepted
    assert "ICEBERG_PARTS" in verdict.unchecked


@pytest.mark.parametrize("method", sorted(REQUESTS))
def test_every_name_read_sent_empty_is_its_1105(method: str) -> None:
    """D29: a parameter sent as "" -- any parameter the method reads, the signed ones
    (apiKey, signature, timestamp, recvWindow) included -- gets -1105 naming it, once."""
    for name in sorted(JUDGED_METHODS[method].reads):
        verdict = _judge(method, {**REQUESTS[method], name: ""})
        empties = [v.field for v in verdict.violations if v.code == -1105]
        assert empties == [name], (method, name)


@pytest.mark.parametrize("method", sorted(REQUESTS))
def test_a_value_that_means_not_sent_is_not_sent(method: str) -> None:
    """D29: None, a float NaN and numpy's NaN on any name the method reads give the
    verdict of the request without that name."""
    for name in sorted(JUDGED_METHODS[method].reads):
        without = {k: v for k, v in REQUESTS[method].items() if k != name}
        expected = _judge(method, without)
        for nothing in (None, float("nan"), np.float64("nan")):
            assert _judge(method, {**without, name: nothing}) == expected, (method, name)


@pytest.mark.parametrize("method", sorted(REQUESTS))
def test_numpy_strings_are_the_strings_they_stand_for(method: str) -> None:
    """A numpy.str_ value (a str subclass, what a numpy array of strings yields) gets
    the verdict of the Python string (as order.place's, tests/test_numpy_values.py):
    the list's own rules too (D46 places, D47 relation, D51 unchecked), the cancel
    side's enums (D43) and computeCommissionRates (D41)."""
    params = {**REQUESTS[method]}
    if method == "order.place":
        method, params["computeCommissionRates"] = "order.test", "true"
    as_numpy = {k: np.str_(v) if type(v) is str else v for k, v in params.items()}
    assert _judge(method, as_numpy) == _judge(method, params)
    assert _judge(np.str_(method), params) == _judge(method, params)
