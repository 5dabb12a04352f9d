"""An ``icebergQty`` not below the quantity (D07) on an order well-formed otherwise.

The general path reports ``-2010 "IcebergQty exceeds QTY."`` and goes on with the
icebergQty as sent (D24): LOT_SIZE and ICEBERG_PARTS judge it (D09, D14), the
iceberg counters count it (D15). Its fast check answers a
:data:`~rules.checker.fastread.EXCEEDING` form of ``FILTERS`` (not ``None``): the
filters are judged by ``judge_filters`` and the ``-2010`` is added where the
general path lists it (D53), with exactly the general path's verdict, a request
problem repaired first or not (``_one_problem_verdict``). A zero ``icebergQty`` (D08)
stays the general path's.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from rules.checker.context import Context
from rules.checker.evaluate import _general_verdict, _one_problem_verdict, evaluate
from rules.checker.fastread import EXCEEDING, FILTERS_NOTIONAL, FiltersOnly
from rules.checker.plans import plan_of
from rules.model.load import loads
from rules.model.models import ExchangeInfo


def _info() -> ExchangeInfo:
    def symbol(name: str, step: str) -> dict[str, Any]:
        filters = [
            {"filterType": "PRICE_FILTER", "minPrice": "0.40", "maxPrice": "1000",
             "tickSize": "0.01"},
            {"filterType": "LOT_SIZE", "minQty": "1.000", "maxQty": "900", "stepSize": step},
            {"filterType": "ICEBERG_PARTS", "limit": 10},
            {"filterType": "PERCENT_PRICE_BY_SIDE", "bidMultiplierUp": "5",
             "bidMultiplierDown": "0.2", "askMultiplierUp": "1.5", "askMultiplierDown": "0.5",
             "avgPriceMins": 5},
            {"filterType": "NOTIONAL", "minNotional": "10", "applyMinToMarket": True,
             "maxNotional": "1000", "applyMaxToMarket": True, "avgPriceMins": 5},
            {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
            {"filterType": "MAX_NUM_ICEBERG_ORDERS", "maxNumIcebergOrders": 5},
        ]  # fmt: skip
        return {"symbol": name, "status": "TRADING", "baseAsset": name, "quoteAsset": "B",
                "baseAssetPrecision": 8, "quoteAssetPrecision": 8, "icebergAllowed": True,
                "permissionSets": [["SPOT"]], "filters": filters}  # fmt: skip

    # X: a power-of-ten step (tested on the string); Y: a step tested by remainder.
    raw = {"serverTime": 1691945251489, "symbols": [symbol("X", "0.001"), symbol("Y", "0.005")]}
    return loads(json.dumps(raw))


INFO = _info()


def _order(symbol: str = "X", **values: str) -> dict[str, str]:
    base = {"symbol": symbol, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
    return {**base, "price": "2.00", "quantity": "20.000", "icebergQty": "20.000", **values}


#: Well-formed orders breaking D07, alone or with the filters (before or after the
#: fast check's iceberg tests), the bands, the counters.
EXCEEDING_ORDERS = [
    _order(),  # equality is rejected (D07)
    _order(icebergQty="25.000"),
    _order(icebergQty="950.000"),  # LOT_SIZE on icebergQty too (above maxQty, D09)
    _order(icebergQty="20.0005"),  # LOT_SIZE step on icebergQty
    _order(quantity="4.000", icebergQty="4.000"),  # NOTIONAL min (before the iceberg tests)
    _order(quantity="0.500", icebergQty="0.700"),  # LOT_SIZE min, NOTIONAL min
    _order(price="2.005", icebergQty="30.000"),  # PRICE_FILTER tick
    _order(price="1200.00", quantity="1.000", icebergQty="1.000"),  # maxPrice, maxNotional
    _order(price="11.00", icebergQty="21.000"),  # the BUY band with avgPrice 2
    {**_order(type="LIMIT_MAKER"), "timeInForce": None},
    _order("Y"),
    _order("Y", icebergQty="20.003"),  # off Y's step
    _order("Y", quantity="20.004", icebergQty="30.000"),  # quantity off the step too
]
CONTEXTS: list[dict[str, Any] | None] = [
    None,
    {"avgPrice": "2"},
    {"avgPrice": "2", "openOrders": 3, "openIcebergOrders": 4},
    {"avgPrice": "2", "openOrders": 199, "openIcebergOrders": 5},  # iceberg counter full (D15)
    {"avgPrice": "2", "permissions": ["SPOT"]},
    # Not permitted (D19): a -2010 of judge_filters, listed after D07's (both stage 4).
    {"avgPrice": "2", "permissions": ["MARGIN"]},
]


def _clean(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def _answer(params: dict[str, Any], context: Context) -> object:
    evaluate(INFO, params, context)  # builds the plan
    plan = plan_of(INFO).symbol(INFO, params["symbol"])
    assert plan is not None
    fast = plan.fast_answers[params["type"]]
    return fast(params, context)


@pytest.mark.parametrize("context", CONTEXTS, ids=str)
@pytest.mark.parametrize("params", EXCEEDING_ORDERS, ids=str)
def test_a_well_formed_order_breaking_d07_is_judged_by_the_filters(
    params: dict[str, Any], context: dict[str, Any] | None
) -> None:
    params = _clean(params)
    as_context = Context() if context is None else Context.from_mapping(context)
    general = _general_verdict(INFO, params, as_context)
    assert not general.accepted
    assert [v.msg for v in general.violations].count("IcebergQty exceeds QTY.") == 1
    assert evaluate(INFO, params, context) == general
    assert evaluate(INFO, params, as_context) == general
    answer = _answer(params, as_context)
    # Not the general path: judge_filters judges it, D07 added.
    assert isinstance(answer, FiltersOnly)
    assert answer.exceeds
    assert answer in EXCEEDING


def test_d07_alone_after_every_bound_knows_the_price_and_the_notional() -> None:
    """Past the price's and the notional's tests, only the icebergQty's own bounds are
    left to the filters (above the quantity, it may be above maxQty)."""
    answer = _answer(_order(), Context())
    assert answer is EXCEEDING[FILTERS_NOTIONAL.known]
    assert repr(answer) == "FILTERS(5)+D07"


def test_d07_is_listed_after_the_filter_failures() -> None:
    """-2010 is the matching engine's: after every -1013 (D53)."""
    params = _order(quantity="0.500", icebergQty="950.000")
    verdict = evaluate(INFO, params, {"avgPrice": "2"})
    assert [(v.code, v.filter_type) for v in verdict.violations] == [
        (-1013, "LOT_SIZE"),
        (-1013, "NOTIONAL"),
        (-2010, None),
    ]
    assert verdict == _general_verdict(INFO, params, Context.from_mapping({"avgPrice": "2"}))


@pytest.mark.parametrize("context", CONTEXTS, ids=str)
@pytest.mark.parametrize(
    "spoil",
    [{"side": None}, {"side": ""}, {"side": "HOLD"}, {"timeInForce": None}],
    ids=str,
)
@pytest.mark.parametrize("params", EXCEEDING_ORDERS[:9], ids=str)
def test_one_request_problem_and_d07(
    params: dict[str, Any], spoil: dict[str, Any], context: dict[str, Any] | None
) -> None:
    """A side or timeInForce problem repaired: the repaired order answers the EXCEEDING
    form, and the request problem, D07 and the filters make the general verdict."""
    spoiled = _clean({**params, **spoil})
    as_context = Context() if context is None else Context.from_mapping(context)
    general = _general_verdict(INFO, spoiled, as_context)
    assert evaluate(INFO, spoiled, context) == general
    assert evaluate(INFO, spoiled, as_context) == general
    assert _answer(spoiled, as_context) is None
    info_plan = plan_of(INFO)
    plan = info_plan.symbol(INFO, "X")
    assert plan is not None
    fast = plan.fast_answers["LIMIT"]
    assert _one_problem_verdict(info_plan, plan, fast, spoiled, as_context) == general


@pytest.mark.parametrize("iceberg", ["0", "0.000"])
def test_a_zero_iceberg_stays_the_general_paths(iceberg: str) -> None:
    """D08: no iceberg order; neither D07 nor LOT_SIZE on it."""
    params = _order(quantity="4.000", icebergQty=iceberg)
    general = _general_verdict(INFO, params, Context())
    assert "IcebergQty exceeds QTY." not in [v.msg for v in general.violations]
    assert evaluate(INFO, params) == general
    assert _answer(params, Context()) is None
