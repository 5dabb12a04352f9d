"""Fixing order lists (D45-D51): each leg onto its grid through the single-order fixer,
the shared quantity once, the price relation kept, and the reasons for what no number
moves; the docs' examples, ``rules fix`` on list lines, and a property test."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from rules import Context, evaluate, load_path, propose
from rules.checker.lists import LIST_SPECS
from rules.cli.main import Streams, run
from rules.examples import EXAMPLE_EXCHANGE_INFO
from rules.model.load import loads
from rules.model.models import ExchangeInfo, PriceFilter
from rules.testing import Market
from tests.property.test_list_properties import ocos, otos

OCO = "orderList.place.oco"
INFO = load_path(EXAMPLE_EXCHANGE_INFO)
BRACKET: dict[str, Any] = {
    "symbol": "BTCUSDT",
    "side": "SELL",
    "quantity": "0.00150",
    "aboveType": "LIMIT_MAKER",
    "abovePrice": "67200.00",
    "belowType": "STOP_LOSS_LIMIT",
    "belowStopPrice": "61000.00",
    "belowPrice": "60900.00",
    "belowTimeInForce": "GTC",
}
CONTEXT = Context.from_mapping(
    {
        "avgPrice": "64000",
        "lastPrice": "64010.50",
        "permissions": ["SPOT"],
        "openOrders": 2,
        "openAlgoOrders": 0,
        "openOrderLists": 0,
        "exchangeOpenOrders": 7,
        "exchangeOpenAlgoOrders": 1,
    }
)


def _changes(proposal: Any) -> list[tuple[str, str | None, str, str | None]]:
    return [
        (c.field, c.leg, format(c.old, "f") if isinstance(c.old, Decimal) else str(c.old),
         None if c.new is None else format(c.new, "f"))
        for c in proposal.changes
    ]  # fmt: skip


def test_accepted_bracket_comes_back_as_sent() -> None:
    proposal = propose(INFO, BRACKET, CONTEXT, method=OCO)
    assert proposal.params() == BRACKET
    assert proposal.changes == ()


def test_docs_odd_bracket_fixed_per_leg_and_shared_quantity_once() -> None:
    odd = {**BRACKET, "quantity": "0.001505", "abovePrice": "67200.005"}
    proposal = propose(INFO, odd, CONTEXT, method=OCO)
    assert proposal.params() == {**BRACKET, "abovePrice": "67200.01"}
    assert _changes(proposal) == [
        ("quantity", None, "0.001505", "0.00150"),  # shared (D45): once, leg None
        ("abovePrice", "above", "67200.005", "67200.01"),
    ]
    assert proposal.changes[1].filter_type == "PRICE_FILTER"
    assert str(proposal.changes[1]).startswith("abovePrice (leg above) 67200.005 -> 67200.01:")
    assert evaluate(INFO, proposal.params(), CONTEXT, method=OCO).accepted


def test_docs_precision_of_a_leg_price() -> None:
    proposal = propose(INFO, {**BRACKET, "belowPrice": "60900.000000001"}, CONTEXT, method=OCO)
    assert proposal.params()["belowPrice"] == "60900.01"  # a SELL limit only goes up
    assert _changes(proposal) == [("belowPrice", "below", "60900.000000001", "60900.01")]


def test_docs_fallen_market_is_a_reason() -> None:
    fallen = Context.from_mapping({"avgPrice": "64000", "lastPrice": "60500"})
    proposal = propose(INFO, BRACKET, fallen, method=OCO)
    assert not proposal.accepted
    assert proposal.reason is not None
    assert "D47" in proposal.reason
    assert [v.code for v in proposal.violations] == [-2010]


def test_stop_price_rounded_away_to_keep_the_relation() -> None:
    """D47: the nearest tick of 64010.496 is the last price itself; down keeps below < last."""
    sent = {**BRACKET, "belowStopPrice": "64010.496", "belowPrice": "64000.00"}
    proposal = propose(INFO, sent, CONTEXT, method=OCO)
    assert proposal.params()["belowStopPrice"] == "64010.49"
    (change,) = proposal.changes
    assert (change.field, change.leg, change.filter_type) == (
        "belowStopPrice",
        "below",
        "PRICE_FILTER",
    )
    assert "D47" in change.why
    # the single-order fixer alone takes the nearest tick, which breaks the relation
    leg = {"symbol": "BTCUSDT", "side": "SELL", "type": "STOP_LOSS_LIMIT", "quantity": "0.0015",
           "stopPrice": "64010.496", "price": "64000.00", "timeInForce": "GTC"}  # fmt: skip
    assert propose(INFO, leg, CONTEXT).params()["stopPrice"] == "64010.50"


def test_buy_oco_above_stop_rounded_up() -> None:
    buy = {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "quantity": "0.00150",
        "aboveType": "STOP_LOSS_LIMIT",
        "aboveStopPrice": "64010.501",
        "abovePrice": "64100.00",
        "aboveTimeInForce": "GTC",
        "belowType": "LIMIT_MAKER",
        "belowPrice": "63000.009",
    }
    proposal = propose(INFO, buy, CONTEXT, method=OCO)
    assert proposal.params()["aboveStopPrice"] == "64010.51"
    assert proposal.params()["belowPrice"] == "63000.00"  # a BUY limit only goes down
    assert evaluate(INFO, proposal.params(), CONTEXT, method=OCO).accepted


def _lots_info() -> ExchangeInfo:
    """LOT_SIZE step 0.001, MARKET_LOT_SIZE step 0.01 (D10): the legs disagree on the step."""
    return loads(
        json.dumps(
            {
                "symbols": [
                    {
                        "symbol": "XY",
                        "status": "TRADING",
                        "baseAsset": "X",
                        "quoteAsset": "Y",
                        "orderTypes": ["LIMIT", "LIMIT_MAKER", "STOP_LOSS", "MARKET"],
                        "ocoAllowed": True,
                        "otoAllowed": True,
                        "filters": [
                            {
                                "filterType": "PRICE_FILTER",
                                "minPrice": "0.01",
                                "maxPrice": "100000",
                                "tickSize": "0.01",
                            },
                            {
                                "filterType": "LOT_SIZE",
                                "minQty": "0.001",
                                "maxQty": "1000",
                                "stepSize": "0.001",
                            },
                            {
                                "filterType": "MARKET_LOT_SIZE",
                                "minQty": "0.01",
                                "maxQty": "1000",
                                "stepSize": "0.01",
                            },
                        ],
                    }
                ]
            }
        )
    )


def test_shared_quantity_is_the_least_every_leg_takes() -> None:
    oco = {
        "symbol": "XY",
        "side": "SELL",
        "quantity": "1.234",
        "aboveType": "LIMIT_MAKER",
        "abovePrice": "110",
        "belowType": "STOP_LOSS",
        "belowStopPrice": "90",
    }
    info = _lots_info()
    assert not evaluate(info, oco, {"lastPrice": "100"}, method=OCO).accepted
    proposal = propose(info, oco, {"lastPrice": "100"}, method=OCO)
    assert proposal.params()["quantity"] == "1.230"  # as the STOP_LOSS leg's fixer writes it
    assert [(c.field, c.leg, c.filter_type) for c in proposal.changes] == [
        ("quantity", None, "LOT_SIZE")  # the single-order fixer's: the common grid
    ]
    assert "MARKET_LOT_SIZE" in proposal.changes[0].why
    assert "D45" in proposal.changes[0].why


def test_unread_name_removed_and_opo_pending_quantity_removed() -> None:
    opo = {
        "symbol": "BTCUSDT",
        "workingType": "LIMIT",
        "workingSide": "BUY",
        "workingTimeInForce": "GTC",
        "workingPrice": "64000.001",
        "workingQuantity": "0.001505",
        "pendingType": "LIMIT_MAKER",
        "pendingSide": "SELL",
        "pendingPrice": "67200.005",
        "pendingQuantity": "0.0015",
        "quantity": "1",
    }
    method = "orderList.place.opo"
    proposal = propose(INFO, opo, CONTEXT, method=method)
    sent = proposal.params()
    assert "pendingQuantity" not in sent
    assert "quantity" not in sent
    assert (sent["workingPrice"], sent["workingQuantity"], sent["pendingPrice"]) == (
        "64000.00",
        "0.00150",
        "67200.01",
    )
    assert [(c.field, c.leg, c.removed) for c in proposal.changes] == [
        ("quantity", None, True),
        ("pendingQuantity", "pending", True),
        ("workingPrice", "working", False),
        ("workingQuantity", "working", False),
        ("pendingPrice", "pending", False),
    ]
    assert "-1104" in proposal.changes[0].why
    assert "-1225" in proposal.changes[1].why
    verdict = evaluate(INFO, sent, CONTEXT, method=method)
    assert verdict.accepted
    assert verdict.unchecked == ("NOTIONAL",)


def test_otoco_pending_pair_fixed() -> None:
    otoco = {
        "symbol": "BTCUSDT",
        "workingType": "LIMIT",
        "workingSide": "BUY",
        "workingTimeInForce": "GTC",
        "workingPrice": "64000.00",
        "workingQuantity": "0.00150",
        "pendingSide": "SELL",
        "pendingQuantity": "0.001509",
        "pendingAboveType": "LIMIT_MAKER",
        "pendingAbovePrice": "67200.001",
        "pendingBelowType": "STOP_LOSS",
        "pendingBelowStopPrice": "61000.007",
    }
    method = "orderList.place.otoco"
    proposal = propose(INFO, otoco, CONTEXT, method=method)
    assert evaluate(INFO, proposal.params(), CONTEXT, method=method).accepted
    assert _changes(proposal) == [
        ("pendingQuantity", None, "0.001509", "0.00150"),
        ("pendingAbovePrice", "pendingAbove", "67200.001", "67200.01"),
        ("pendingBelowStopPrice", "pendingBelow", "61000.007", "61000.01"),  # nearest
    ]


def test_what_no_number_moves_is_a_reason() -> None:
    # D46: a leg in the wrong place
    wrong = {**BRACKET, "aboveType": "STOP_LOSS", "aboveStopPrice": "67200", "abovePrice": None}
    wrong = {k: v for k, v in wrong.items() if v is not None}
    proposal = propose(INFO, wrong, CONTEXT, method=OCO)
    assert not proposal.accepted
    assert proposal.reason is not None
    assert proposal.violations[0].code == -1197
    # D48: a flag false
    info = loads(
        EXAMPLE_EXCHANGE_INFO.read_text().replace('"ocoAllowed": true', '"ocoAllowed": false')
    )
    odd = {**BRACKET, "abovePrice": "67200.005"}
    proposal = propose(info, odd, CONTEXT, method=OCO)
    assert not proposal.accepted
    assert proposal.reason is not None
    assert "OCO orders are not supported" in proposal.reason
    # D50: the counters full
    full = attrs.evolve(CONTEXT, open_orders=199)
    proposal = propose(INFO, odd, full, method=OCO)
    assert not proposal.accepted
    assert any(v.filter_type == "MAX_NUM_ORDERS" for v in proposal.violations)


def test_other_methods_are_a_reason() -> None:
    proposal = propose(INFO, BRACKET, CONTEXT, method="sor.order.place")
    assert proposal.reason is not None
    assert "not sor.order.place" in proposal.reason


def _fix_cli(lines: list[dict[str, Any]], *extra: str) -> tuple[int, str]:
    stdin = io.StringIO("".join(json.dumps(line) + "\n" for line in lines))
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = ["fix", "--exchange-info", str(Path(EXAMPLE_EXCHANGE_INFO)), *extra]
    code = run(argv, streams=Streams(stdin, stdout, stderr))
    return code, stdout.getvalue()


def test_cli_fixes_a_list_line_json_and_text() -> None:
    context = {"avgPrice": "64000", "lastPrice": "64010.5"}
    line = {"method": OCO, "params": {**BRACKET, "abovePrice": "67200.005"}, "context": context}
    code, out = _fix_cli([line])
    assert code == 0
    answer = json.loads(out)
    assert answer["params"]["abovePrice"] == "67200.01"
    assert answer["violations"] == [
        {"code": -1013, "msg": "Filter failure: PRICE_FILTER", "filterType": "PRICE_FILTER",
         "leg": "above"}
    ]  # fmt: skip
    assert [(c["field"], c["leg"], c["new"]) for c in answer["changes"]] == [
        ("abovePrice", "above", "67200.01")
    ]
    fallen = {**line, "method": "v3/" + OCO, "context": {"lastPrice": "60500"}}
    code, text = _fix_cli([line, fallen], "--format", "text")
    assert code == 1
    assert "-1013 Filter failure: PRICE_FILTER [PRICE_FILTER] (leg above)" in text
    assert "abovePrice (leg above) 67200.005 -> 67200.01" in text
    assert "1 fixed, 1 without a passing order" in text


# --------------------------------------------------------------------------- property


def _tick(market: Market) -> Decimal:
    price_filter = market.symbol.filter(PriceFilter)
    return price_filter.tick_size if price_filter is not None else Decimal(0)


@given(
    ocos(), st.sampled_from(["above", "below"]), st.sampled_from([Decimal("0.3"), Decimal("0.7")])
)
@settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
def test_oco_with_a_price_off_its_grid(
    case: tuple[Market, dict[str, Any]], leg: str, part: Decimal
) -> None:
    """One leg's relation price moved off its tick: accepted by the checker, the relation
    kept, or a reason."""
    market, params = case
    tick = _tick(market)
    name = f"{leg}Price" if params[f"{leg}Type"] == "LIMIT_MAKER" else f"{leg}StopPrice"
    if tick and name in params:
        params = {**params, name: format(Decimal(str(params[name])) + tick * part, "f")}
    proposal = propose(market.info, params, market.context, method=OCO)
    note(f"{params} -> {proposal}")
    event("fixed" if proposal.changes else "accepted" if proposal.accepted else "reason")
    if not proposal.accepted:
        assert proposal.reason
        return
    sent = proposal.params()
    assert evaluate(market.info, sent, market.context, method=OCO).accepted
    spec = LIST_SPECS[OCO]
    last = market.context.last_price
    assert last is not None
    prices = {}
    for place in ("above", "below"):
        kind = sent[f"{place}Type"]
        key = (
            f"{place}Price" if kind in ("LIMIT_MAKER", "TAKE_PROFIT_LIMIT") else f"{place}StopPrice"
        )
        prices[place] = Decimal(str(sent[key])) if key in sent else None
    assert spec.pair is not None
    if prices["above"] is not None:
        assert prices["above"] > last
    if prices["below"] is not None:
        assert prices["below"] < last


@given(otos(breaking=False), st.sampled_from(["working", "pending"]))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_oto_with_a_leg_off_its_grid(case: tuple[Market, dict[str, Any], None], leg: str) -> None:
    market, params, _ = case
    tick = _tick(market)
    name = f"{leg}Price"
    if tick and name in params:
        params = {**params, name: format(Decimal(str(params[name])) + tick * Decimal("0.3"), "f")}
    method = "orderList.place.oto"
    proposal = propose(market.info, params, market.context, method=method)
    note(f"{params} -> {proposal}")
    event("fixed" if proposal.changes else "accepted" if proposal.accepted else "reason")
    if proposal.accepted:
        assert evaluate(market.info, proposal.params(), market.context, method=method).accepted
        assert all(c.leg in (leg, None) for c in proposal.changes)
    else:
        assert proposal.reason


def test_deprecated_oco_buy_keeps_its_stop_above_the_last_price() -> None:
    """The deprecated OCO's legs (limit, stop) stand by the side: BUY's stop is above (D46)."""
    sent = {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "quantity": "0.001505",
        "price": "63000.005",
        "stopPrice": "64010.504",
        "type": "OCO",
    }
    proposal = propose(INFO, sent, CONTEXT, method="orderList.place")
    assert proposal.params() == {
        "symbol": "BTCUSDT",
        "side": "BUY",
        "quantity": "0.00150",
        "price": "63000.00",
        "stopPrice": "64010.51",  # the nearest tick, 64010.50, is the last price
    }
    assert [(c.field, c.leg, c.removed) for c in proposal.changes] == [
        ("type", None, True),
        ("quantity", None, False),
        ("price", "limit", False),
        ("stopPrice", "stop", False),
    ]
    assert "D47" in proposal.changes[3].why


def test_a_leg_reason_names_the_request_parameter() -> None:
    """A stop price above maxPrice is not moved across the bound: the leg's reason, in the
    request's names."""
    sent = {**BRACKET, "aboveType": "TAKE_PROFIT", "aboveStopPrice": "2000000"}
    del sent["abovePrice"]
    proposal = propose(INFO, sent, CONTEXT, method=OCO)
    assert proposal.reason is not None
    assert proposal.reason.startswith("leg above: aboveStopPrice 2000000 is outside")
    assert [v.leg for v in proposal.violations] == ["above"]


_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", "BUY", "SELL", "GTC", "LIMIT_MAKER", "STOP_LOSS", "STOP_LOSS_LIMIT",
                     "TAKE_PROFIT_LIMIT", "LIMIT", "MARKET", "67200.005", "61000.00",
                     "64010.496", "0.001505", "-1", "1e3", "abc"]),
    st.integers(-5, 10**6),
    st.lists(st.integers(), max_size=1),
)  # fmt: skip


@given(st.sampled_from(sorted(LIST_SPECS)), st.data())
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_any_list_request_gets_an_accepted_list_or_a_reason(
    method: str, data: st.DataObject
) -> None:
    """Whatever the request holds, the answer is a list the checker accepts or a reason."""
    names = sorted(LIST_SPECS[method].reads - {"timestamp", "signature", "apiKey"})
    params: dict[str, Any] = {"symbol": "BTCUSDT", **BRACKET} if "quantity" in names else {}
    params["symbol"] = "BTCUSDT"
    params.update(data.draw(st.dictionaries(st.sampled_from(names), _VALUES, max_size=6)))
    proposal = propose(INFO, params, CONTEXT, method=method)
    note(f"{params} -> {proposal}")
    if proposal.accepted:
        assert evaluate(INFO, proposal.params(), CONTEXT, method=method).accepted
    else:
        assert proposal.reason


def test_shared_quantity_raised_for_a_leg_minimum_notional_only_when_allowed() -> None:
    """D45: the stop leg at 89 needs 1.124 for minNotional 100; the limit leg takes it too."""
    symbol: dict[str, Any] = {
        "symbol": "XY",
        "status": "TRADING",
        "baseAsset": "X",
        "quoteAsset": "Y",
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT"],
        "filters": [
            {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "100000",
             "tickSize": "0.01"},
            {"filterType": "LOT_SIZE", "minQty": "0.001", "maxQty": "1000", "stepSize": "0.001"},
            {"filterType": "NOTIONAL", "minNotional": "100", "applyMinToMarket": True,
             "maxNotional": "100000", "applyMaxToMarket": False, "avgPriceMins": 5},
        ],
    }  # fmt: skip
    info = loads(json.dumps({"symbols": [symbol]}))
    oco = {
        "symbol": "XY",
        "side": "SELL",
        "quantity": "1.000",
        "aboveType": "LIMIT_MAKER",
        "abovePrice": "110",
        "belowType": "STOP_LOSS_LIMIT",
        "belowStopPrice": "90",
        "belowPrice": "89",
        "belowTimeInForce": "GTC",
    }
    context = {"lastPrice": "100", "avgPrice": "100"}
    refused = propose(info, oco, context, method=OCO)
    assert refused.reason is not None
    assert refused.reason.startswith("leg below: quantity 1 is below minNotional 100 at price 89")
    proposal = propose(info, oco, context, method=OCO, allow_increase=True)
    assert proposal.params()["quantity"] == "1.124"
    (change,) = proposal.changes
    assert (change.field, change.leg, change.filter_type) == ("quantity", None, "NOTIONAL")
    assert evaluate(info, proposal.params(), context, method=OCO).accepted


def test_a_trailing_delta_string_on_a_leg_that_takes_none() -> None:
    """A trailingDelta sent as a string on a LIMIT_MAKER leg (found by Hypothesis):
    the fixer gives its reason, -1106 (D04), and never reads an asset's precision for
    a count of BIPS (it raised KeyError before)."""
    params = {**BRACKET, "aboveTrailingDelta": "-1"}
    proposal = propose(INFO, params, CONTEXT, method="orderList.place.oco")
    assert not proposal.accepted
    assert proposal.reason is not None
    assert "-1106" in proposal.reason
    assert "aboveTrailingDelta" in proposal.reason
