"""The rough edges a new user hit (issue 16): names in any case, plurals, explanations."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest

import rules
from rules.cli.main import Streams, run

INFO = rules.load_path("rules/examples/exchange_info.json")
CONTEXT = {"avgPrice": "64000"}


def call(stdin: str, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), streams=Streams(io.StringIO(stdin), out, err))
    return code, out.getvalue(), err.getvalue()


class TestSymbolNames:
    def test_lower_case_lookup_names_the_symbol_meant(self) -> None:
        with pytest.raises(rules.UnknownSymbolError) as raised:
            INFO["btcusdt"]
        assert str(raised.value) == (
            "unknown symbol 'btcusdt' (did you mean 'BTCUSDT'? symbol names are case-sensitive)"
        )
        assert raised.value.hint == "did you mean 'BTCUSDT'? symbol names are case-sensitive"
        assert "btcusdt" not in INFO

    def test_a_ccxt_pair(self) -> None:
        with pytest.raises(KeyError, match=r"did you mean 'ETHBTC'\? Binance names have no '/'"):
            INFO.symbol("eth/btc")

    def test_an_unknown_name_has_no_hint(self) -> None:
        with pytest.raises(rules.UnknownSymbolError) as raised:
            INFO["NOPE"]
        assert (str(raised.value), raised.value.hint) == ("unknown symbol 'NOPE'", None)


class TestMarketWithBoth:
    def test_the_explanation_says_both_were_sent(self) -> None:
        order = {
            "symbol": "BTCUSDT",
            "side": "BUY",
            "type": "MARKET",
            "quantity": "0.001",
            "quoteOrderQty": "100",
        }
        verdict = rules.evaluate(INFO, order, CONTEXT)
        assert [(v.code, v.msg, v.field, v.value) for v in verdict.violations] == [
            (-1106, "Parameter 'quoteOrderQty' sent when not required.", "quoteOrderQty", 100)
        ]
        assert verdict.violations[0].explanation == (
            "a MARKET order takes quantity or quoteOrderQty, not both: both sent"
        )

    def test_another_type_keeps_its_own_explanation(self) -> None:
        order = {
            "symbol": "BTCUSDT",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "price": "64000",
            "quantity": "0.001",
            "quoteOrderQty": "100",
        }
        (violation,) = rules.evaluate(INFO, order, CONTEXT).violations
        assert violation.explanation == "quoteOrderQty is not taken by LIMIT orders"


class TestTrailingDelta:
    def _stop(self, side: str, delta: object) -> dict[str, object]:
        return {
            "symbol": "BTCUSDT",
            "side": side,
            "type": "STOP_LOSS_LIMIT",
            "timeInForce": "GTC",
            "price": "60000",
            "stopPrice": "60000",
            "quantity": "0.001",
            "trailingDelta": delta,
        }

    @pytest.mark.parametrize(
        ("side", "delta", "expected", "why"),
        [
            ("SELL", 5, 10, "raised to minTrailingBelowDelta 10"),
            ("SELL", 2500, 2000, "lowered to maxTrailingBelowDelta 2000"),
            ("BUY", 1, 10, "raised to minTrailingAboveDelta 10"),
            ("SELL", "5", 10, "raised to minTrailingBelowDelta 10"),
        ],
    )
    def test_nearest_valid_delta(self, side: str, delta: object, expected: int, why: str) -> None:
        order = self._stop(side, delta)
        assert not rules.evaluate(INFO, order, CONTEXT).accepted
        proposal = rules.propose(INFO, order, CONTEXT)
        assert proposal.order is not None, proposal.reason
        assert proposal.params()["trailingDelta"] == expected
        (change,) = proposal.changes
        assert (change.field, change.old, change.new, change.filter_type, change.why) == (
            "trailingDelta",
            Decimal(int(str(delta))),
            Decimal(expected),
            "TRAILING_DELTA",
            why,
        )
        assert rules.evaluate(INFO, proposal.params(), CONTEXT).accepted

    def test_a_valid_delta_is_not_moved(self) -> None:
        order = self._stop("SELL", 100)
        proposal = rules.propose(INFO, order, CONTEXT)
        assert proposal.params() == order
        assert proposal.changes == ()

    def test_impossible_bounds(self) -> None:
        info = rules.loads(
            {
                "symbols": [
                    {
                        "symbol": "X",
                        "status": "TRADING",
                        "baseAsset": "A",
                        "quoteAsset": "B",
                        "orderTypes": ["STOP_LOSS"],
                        "allowTrailingStop": True,
                        "filters": [
                            {
                                "filterType": "TRAILING_DELTA",
                                "minTrailingAboveDelta": 10,
                                "maxTrailingAboveDelta": 20,
                                "minTrailingBelowDelta": 30,
                                "maxTrailingBelowDelta": 20,
                            }
                        ],
                    }
                ]
            }
        )
        order = {"symbol": "X", "side": "SELL", "type": "STOP_LOSS", "quantity": "1",
                 "trailingDelta": 25}  # fmt: skip
        proposal = rules.propose(info, order)
        assert proposal.order is None
        assert proposal.reason == (
            "no trailingDelta passes: minTrailingBelowDelta 30 is above maxTrailingBelowDelta 20"
        )


class TestCheckExplain:
    LINE = (
        '{"symbol": "SHIBUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", '
        '"price": "0.000012345", "quantity": "1000000"}\n'
    )

    def test_explain_adds_the_details(self) -> None:
        code, out, err = call(self.LINE, "check", "--explain", "--exchange-info",
                              "rules/examples/exchange_info.json")  # fmt: skip
        assert (code, err) == (1, "")
        assert json.loads(out) == {
            "accepted": False,
            "violations": [
                {  # 9 decimals on a quote precision of 8: -1111, Binance's answer (D38, D53)
                    "code": -1111,
                    "msg": "Parameter 'price' has too much precision.",
                    "filterType": None,
                    "explanation": "price 0.000012345 has more than 8 decimals "
                    "(quoteAssetPrecision 8)",
                    "field": "price",
                    "value": "0.000012345",
                    "limit": 8,
                },
                {
                    "code": -1013,
                    "msg": "Filter failure: PRICE_FILTER",
                    "filterType": "PRICE_FILTER",
                    "explanation": "price 0.000012345 is not a multiple of tickSize 0.00000001",
                    "field": "price",
                    "value": "0.000012345",
                    "limit": "0.00000001",  # 1E-8 in the snapshot's Decimal: never in exponent form
                },
            ],
            "unchecked": ["PERCENT_PRICE_BY_SIDE", "MAX_NUM_ORDERS", "EXCHANGE_MAX_NUM_ORDERS"],
        }

    def test_without_explain_the_output_is_unchanged(self) -> None:
        _, out, _ = call(self.LINE, "check", "--exchange-info", "rules/examples/exchange_info.json")
        assert json.loads(out)["violations"] == [
            {"code": -1111, "msg": "Parameter 'price' has too much precision.", "filterType": None},
            {"code": -1013, "msg": "Filter failure: PRICE_FILTER", "filterType": "PRICE_FILTER"},
        ]

    def test_an_accepted_order_and_a_list_limit(self) -> None:
        lines = (
            '{"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"}\n'
            '{"symbol": "BQXETH", "side": "BUY", "type": "OCO", "quantity": "10"}\n'
        )
        _, out, _ = call(lines, "check", "--explain", "--exchange-info",
                         "rules/examples/exchange_info.json", "--context",
                         "rules/examples/context.json")  # fmt: skip
        first, second = (json.loads(line) for line in out.splitlines())
        assert (first["accepted"], first["violations"]) == (True, [])
        for v in second["violations"]:
            assert set(v) == {"code", "msg", "filterType", "explanation", "field", "value", "limit"}
            assert isinstance(v["explanation"], str)
            assert v["explanation"]
