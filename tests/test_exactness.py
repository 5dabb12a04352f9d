"""-1104 unread parameters (D52), -1111 precision (D38, D39), the order of violations (D53),
and the smaller readings of issue 12 (D19's lone flag, D23/D31 pegs, repeated symbols)."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest

from rules.checker.context import Context
from rules.checker.evaluate import _general_verdict, evaluate
from rules.checker.order import Order, parse_order
from rules.checker.violations import STAGES, Verdict, Violation, stage_of
from rules.cli.main import Streams, run
from rules.errors import LoadError
from rules.fixer.propose import propose
from rules.model.load import loads
from rules.model.models import ExchangeInfo

PRE_MESSAGE = "Precision is over the maximum defined for this asset."
UNREAD = "Not all sent parameters were read; read '{}' parameter(s) but was sent '{}'."

SYMBOL: dict[str, Any] = {
    "symbol": "XY",
    "status": "TRADING",
    "baseAsset": "X",
    "quoteAsset": "Y",
    "baseAssetPrecision": 3,
    "quoteAssetPrecision": 4,
    "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
    "icebergAllowed": True,
    "quoteOrderQtyMarketAllowed": True,
    "pegInstructionsAllowed": True,
    "filters": [
        {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000", "tickSize": "0.01"},
        {"filterType": "LOT_SIZE", "minQty": "0.001", "maxQty": "100", "stepSize": "0.001"},
    ],
}
LIMIT = {"symbol": "XY", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
         "price": "10", "quantity": "1"}  # fmt: skip


def snapshot(server_time: int | None = 1800000000000, **fields: Any) -> ExchangeInfo:
    body: dict[str, Any] = {"symbols": [{**SYMBOL, **fields}]}
    if server_time is not None:
        body["serverTime"] = server_time
    return loads(json.dumps(body))


INFO = snapshot()


def found(order: dict[str, Any], info: ExchangeInfo = INFO) -> list[tuple[int, str | None]]:
    verdict = evaluate(info, order)
    return [(v.code, v.field) for v in verdict.violations]


class TestUnread:
    """D52: one -1104 for the names order.place does not read; the rest still judged."""

    @pytest.mark.parametrize(
        ("extra", "read", "sent"),
        [
            ({"avgPrice": "10"}, 6, 7),
            ({"timeInforce": "GTC", "created": 1}, 6, 8),
            ({"note": ""}, 6, 7),  # "" on an unread name: counted, no -1105 (D29)
            ({"note": None, "avgPrice": "1"}, 6, 7),  # null is not sent, not counted
            ({"TimeInForce": "GTC"}, 6, 7),  # names are case-sensitive
        ],
    )
    def test_counts(self, extra: dict[str, Any], read: int, sent: int) -> None:
        verdict = evaluate(INFO, {**LIMIT, **extra})
        assert [v.code for v in verdict.violations] == [-1104]
        assert verdict.first is not None
        assert verdict.first.msg == UNREAD.format(read, sent)

    @pytest.mark.parametrize(
        "name", ["timestamp", "recvWindow", "signature", "apiKey", "newOrderRespType",
                 "newClientOrderId", "strategyId"],
    )  # fmt: skip
    def test_read_names_are_not_unread(self, name: str) -> None:
        value: object = 5000 if name in ("timestamp", "recvWindow", "strategyId") else "x"
        assert evaluate(INFO, {**LIMIT, name: value}).accepted
        # but "" on a name it reads is -1105 (D29)
        assert found({**LIMIT, name: ""}) == [(-1105, name)]

    def test_first_before_a_missing_parameter(self) -> None:
        order = {k: v for k, v in LIMIT.items() if k != "timeInForce"} | {"timeInforce": "GTC"}
        assert found(order) == [(-1104, "timeInforce"), (-1102, "timeInForce")]

    def test_judged_without_a_symbol(self) -> None:
        """D24: no/unknown symbol stops everything but the -1104."""
        assert found({"avgPrice": "1"}) == [(-1104, "avgPrice"), (-1102, "symbol")]
        assert found({**LIMIT, "symbol": "NOPE", "x": 1}) == [(-1104, "x"), (-1121, "symbol")]
        assert found({**LIMIT, "symbol": "", "x": 1}) == [(-1104, "x"), (-1105, "symbol")]

    def test_parse_order_lists_it_first(self) -> None:
        _, problems = parse_order({**LIMIT, "quantity": "1,5", "avgPrice": "1"})
        assert [p.code for p in problems] == [-1104, -1100]

    def test_typed_order_has_none(self) -> None:
        order = Order(symbol="XY", side="BUY", type="LIMIT", time_in_force="GTC",
                      price=Decimal("10"), quantity=Decimal("1"))  # fmt: skip
        assert evaluate(INFO, order).accepted


class TestPrecision:
    """D38, D39: -1111 by the asset's precision, decimals counted as sent."""

    @pytest.mark.parametrize(
        ("changes", "expected"),
        [
            ({"price": "10.0000"}, []),  # 4 decimals, quote precision 4
            ({"price": "10.00000"}, [(-1111, "price")]),  # trailing zeros count (D39)
            ({"price": Decimal("10.00000")}, [(-1111, "price")]),
            ({"price": 10.0}, []),  # a float as its repr: "10.0"
            ({"quantity": "1.000"}, []),
            ({"quantity": "1.0000"}, [(-1111, "quantity")]),
            ({"quantity": "1.0005"}, [(-1111, "quantity"), (-1013, "quantity")]),  # + LOT_SIZE
            ({"icebergQty": "0.1000"}, [(-1111, "icebergQty")]),
            ({"quantity": "1,0000"}, [(-1100, "quantity"), (-1102, "quantity")][:1]),
        ],
    )
    def test_limit(self, changes: dict[str, Any], expected: list[tuple[int, str]]) -> None:
        assert found({**LIMIT, **changes}) == expected

    def test_quote_amounts_and_stops(self) -> None:
        market = {"symbol": "XY", "side": "BUY", "type": "MARKET", "quoteOrderQty": "10.00000"}
        assert found(market) == [(-1111, "quoteOrderQty")]
        stop = {**LIMIT, "type": "STOP_LOSS_LIMIT", "stopPrice": "9.00000"}
        assert found(stop) == [(-1111, "stopPrice")]

    def test_a_parameter_the_type_does_not_take_is_not_checked(self) -> None:
        market = {"symbol": "XY", "side": "BUY", "type": "MARKET", "quantity": "1",
                  "price": "10.000000"}  # fmt: skip
        assert found(market) == [(-1106, "price")]

    def test_message_by_era(self) -> None:
        order = {**LIMIT, "quantity": "1.0000"}
        before = evaluate(snapshot(server_time=1701647999999), order).violations
        after = evaluate(snapshot(server_time=1701648000000), order).violations
        assert [v.msg for v in before] == [PRE_MESSAGE]
        assert [v.msg for v in after] == ["Parameter 'quantity' has too much precision."]

    def test_no_field_no_check_and_the_older_duplicate(self) -> None:
        bare = {k: v for k, v in SYMBOL.items() if not k.endswith("Precision")}
        info = loads(json.dumps({"symbols": [bare]}))
        assert evaluate(info, {**LIMIT, "price": "10.000000", "quantity": "1.00000"}).accepted
        older = loads(json.dumps({"symbols": [{**bare, "quotePrecision": 2}]}))
        assert [
            (v.code, v.field) for v in evaluate(older, {**LIMIT, "price": "10.000"}).violations
        ] == [(-1111, "price")]

    def test_fast_path_declines(self) -> None:
        """The fast path never accepts what the general path rejects (-1111, -1104)."""
        evaluate(INFO, LIMIT)  # builds the plan: the next calls may take the fast path
        orders: list[dict[str, Any]] = [
            {**LIMIT, "price": "10.00000"},
            {**LIMIT, "quantity": "1.0000"},
            {**LIMIT, "avgPrice": "1"},
            {**LIMIT, "recvWindow": ""},
        ]
        for order in orders:
            assert evaluate(INFO, order) == _general_verdict(INFO, order, Context())
            assert not evaluate(INFO, order).accepted
        for order in ({**LIMIT, "price": "10.0000"}, {**LIMIT, "timestamp": 1, "recvWindow": 5}):
            assert evaluate(INFO, order).accepted


class TestStages:
    """D53: violations in the order Binance meets them; ``first`` is its answer."""

    def test_stage_of(self) -> None:
        assert STAGES[stage_of(-1104)] == "unread"
        assert [stage_of(c) for c in (-1020, -1104, -1100, -1210, -1013, -2010, -2038)] == [
            0, 1, 2, 2, 3, 4, 4,
        ]  # fmt: skip

    def test_everything_at_once(self) -> None:
        info = snapshot(status="BREAK", orderTypes=["LIMIT"], permissionSets=[["MARGIN"]])
        order = {"symbol": "XY", "side": "BUY", "type": "LIMIT_MAKER", "price": "0",
                 "quantity": "1.0000", "avgPrice": "1"}  # fmt: skip
        verdict = evaluate(info, order, Context(permissions=frozenset({"SPOT"})))
        got = [(v.code, v.msg if v.filter_type is None else v.filter_type)
               for v in verdict.violations]  # fmt: skip
        assert got == [
            (-1104, UNREAD.format(5, 6)),
            (-1111, "Parameter 'quantity' has too much precision."),
            (-1013, "Unsupported order combination"),  # D02: the type first
            (-1013, "Price * QTY is zero or less."),  # D37
            (-1013, "Market is closed."),  # D01
            (-1013, "PRICE_FILTER"),
            (-2010, "This symbol is not permitted for this account."),  # D19
        ]
        assert verdict.first == verdict.violations[0]

    def test_first_of_accepted_is_none(self) -> None:
        assert evaluate(INFO, LIMIT).first is None
        assert Verdict(False, (Violation(code=-2010, msg="x"),)).first == Violation(
            code=-2010, msg="x"
        )


class TestSmallerReadings:
    def test_one_flag_forms_the_set(self) -> None:
        """D19 as written: a symbol with only isSpotTradingAllowed is a SPOT set."""
        bare = {k: v for k, v in SYMBOL.items() if k != "permissionSets"}
        info = loads(json.dumps({"symbols": [{**bare, "isSpotTradingAllowed": True}]}))
        assert evaluate(info, LIMIT, Context(permissions=frozenset({"SPOT"}))).accepted
        verdict = evaluate(info, LIMIT, Context(permissions=frozenset({"MARGIN"})))
        assert [(v.code, v.field) for v in verdict.violations] == [(-2010, "permissions")]
        assert verdict.unchecked == ()

    def test_pegged_market_order_breaks_both(self) -> None:
        """D23/D31: a MARKET peg on a symbol without pegs: both rules."""
        info = snapshot(pegInstructionsAllowed=False)
        order = {"symbol": "XY", "side": "BUY", "type": "MARKET", "quantity": "1",
                 "pegPriceType": "PRIMARY_PEG"}  # fmt: skip
        msgs = [v.msg for v in evaluate(info, order).violations]
        assert sorted(msgs) == [
            "Pegged orders are not supported for this symbol.",
            "This order type may not use pegged price.",
        ]

    def test_repeated_symbol_is_a_load_error(self) -> None:
        other = {**SYMBOL, "symbol": "ZW"}
        with pytest.raises(LoadError) as raised:
            loads(json.dumps({"symbols": [SYMBOL, other, SYMBOL]}))
        assert raised.value.problems == (
            "$.symbols[2].symbol: 'XY' is listed twice, first at $.symbols[0] "
            "(ambiguous: which copy's rules apply?)",
        )
        with pytest.raises(LoadError, match=r"\$\.symbols\[2\]"):
            loads(json.dumps({"symbols": [SYMBOL, other, SYMBOL]}), symbols=["XY"])
        assert len(loads(json.dumps({"symbols": [SYMBOL, other, SYMBOL]}), symbols=["ZW"])) == 1

    def test_amend_context_keys(self) -> None:
        context = Context.from_mapping({"origQty": "2.5", "orderAmendCount": 3})
        assert (context.orig_qty, context.order_amend_count) == (Decimal("2.5"), 3)
        for bad in ({"orderAmendCount": 3.0}, {"orderAmendCount": "3"}, {"origQty": "x"}):
            with pytest.raises(ValueError, match="context"):
                Context.from_mapping(bad)


def check_lines(info_path: str, *lines: str) -> tuple[int, list[dict[str, Any]]]:
    stdin = io.StringIO("".join(line + "\n" for line in lines))
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["check", "--exchange-info", info_path], streams=Streams(stdin, stdout, stderr))
    return code, [json.loads(x) for x in stdout.getvalue().splitlines()]


class TestCommandLine:
    def test_method_order_place_and_others(self, tmp_path: Any) -> None:
        path = tmp_path / "info.json"
        path.write_text(json.dumps({"symbols": [SYMBOL]}))
        params = json.dumps(LIMIT)
        code, out = check_lines(
            str(path),
            f'{{"method": "order.place", "params": {params}}}',
            f'{{"method": null, "params": {params}}}',
            f'{{"method": "v3/order.place", "params": {params}}}',
            f'{{"method": "orderList.place.oco", "params": {params}}}',
            f'{{"params": {params}, "context": {{"orderAmendCount": 2}}}}',
            f'{{"params": {params}, "context": {{"orderAmendCount": 2.0}}}}',
        )
        assert [x["accepted"] for x in out] == [True, True, True, False, True, False]
        assert "not judged yet" in out[3]["error"]
        assert out[3]["violations"][0]["code"] == -1135
        assert out[5]["violations"][0]["code"] == -1135
        assert code == 1


class TestFixer:
    """A proposal passes -1111 and -1104 too (D38, D52), each step a named change."""

    def test_trims_excess_decimals(self) -> None:
        proposal = propose(INFO, {**LIMIT, "price": "10.000000", "quantity": "1.00000"})
        assert proposal.params()["price"] == "10.00"
        assert proposal.params()["quantity"] == "1.000"
        assert [(c.field, c.filter_type) for c in proposal.changes] == [
            ("price", None),
            ("quantity", None),
        ]
        assert all("-1111" in c.why for c in proposal.changes)
        assert evaluate(INFO, proposal.params()).accepted

    def test_rounds_onto_precision_without_a_grid(self) -> None:
        bare = {**SYMBOL, "filters": []}
        info = loads(json.dumps({"symbols": [bare]}))
        sell = {**LIMIT, "side": "SELL", "price": "10.00001", "quantity": "1.0009"}
        proposal = propose(info, sell)
        assert (proposal.params()["price"], proposal.params()["quantity"]) == ("10.0001", "1.000")
        whys = {c.field: c.why for c in proposal.changes}
        assert set(whys) == {"price", "quantity"}
        assert "up" in whys["price"]  # a SELL price only goes up
        assert whys["quantity"].startswith("rounded down to 3 decimals")  # never trades more

    def test_removes_unread_parameters_by_name(self) -> None:
        proposal = propose(INFO, {**LIMIT, "avgPrice": "10", "timeinforce": "GTC"})
        assert proposal.accepted
        assert "avgPrice" not in proposal.params()
        assert "timeinforce" not in proposal.params()
        removed = [(c.field, c.old, c.new) for c in proposal.changes]
        assert removed == [("avgPrice", "10", None), ("timeinforce", "GTC", None)]
        assert all(c.removed for c in proposal.changes)
        assert "did you mean 'timeInForce'?" in proposal.changes[1].why
        assert str(proposal.changes[0]).startswith("avgPrice 10 removed: order.place does not")

    def test_a_misspelled_mandatory_parameter_is_not_guessed(self) -> None:
        order = {k: v for k, v in LIMIT.items() if k != "timeInForce"} | {"timeInforce": "GTC"}
        proposal = propose(INFO, order)
        assert not proposal.accepted
        assert [v.code for v in proposal.violations] == [-1104, -1102]
        assert "did you mean 'timeInForce'?" in (proposal.reason or "")
